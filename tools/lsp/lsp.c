/* lsp.c -- pol-lsp's protocol: JSON-RPC requests and notifications (lsp.h).
 *
 * JSON through Debian's jansson (libjansson-dev): messages are small
 * objects of strings and integers, and jansson gives a validated UTF-8
 * parser (a client's bad byte is a parse error, not a crash) and a writer
 * that escapes correctly.  No amount ever passes through it: hover texts
 * quote the source as written, and positions are integers.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "lsp.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "lang.h"
#include "lspdoc.h"
#include "mem.h"
#include "types.h"
#include "utf8.h"
#include "vocab.h"

/* JSON-RPC error codes */
#define RPC_PARSE_ERROR (-32700)
#define RPC_INVALID_REQUEST (-32600)
#define RPC_METHOD_NOT_FOUND (-32601)
#define RPC_INVALID_PARAMS (-32602)
#define RPC_NOT_INITIALIZED (-32002)

/* LSP enumerations used below */
enum { SEV_ERROR = 1, SEV_WARNING = 2, SEV_INFO = 3 };
enum { SK_METHOD = 6, SK_PROPERTY = 7, SK_FIELD = 8, SK_ENUM = 10, SK_FUNCTION = 12, SK_VARIABLE = 13,
       SK_CONSTANT = 14, SK_STRING = 15, SK_BOOLEAN = 17, SK_ENUM_MEMBER = 22, SK_STRUCT = 23, SK_EVENT = 24 };
enum { CK_FUNCTION = 3, CK_FIELD = 5, CK_VARIABLE = 6, CK_PROPERTY = 10, CK_KEYWORD = 14, CK_ENUM = 13,
       CK_CONSTANT = 21, CK_STRUCT = 22, CK_ENUM_MEMBER = 20, CK_EVENT = 23 };

struct lsp_server {
    lsp_write_fn write;
    void *ctx;
    bool initialized, shutdown, exited;
    bool utf8;              /* the client accepted "utf-8" positions */
    bool zh;                /* the client's locale is Simplified Chinese: diagnostics in Chinese */
    lsp_doc *docs;
};

lsp_server *lsp_new(lsp_write_fn write, void *ctx)
{
    lsp_server *s = pol_xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->write = write;
    s->ctx = ctx;
    return s;
}

void lsp_free(lsp_server *s)
{
    if (!s)
        return;
    for (lsp_doc *d = s->docs; d;) {
        lsp_doc *next = d->next;
        lsp_doc_free(d);
        d = next;
    }
    free(s);
}

int lsp_exit_code(const lsp_server *s) { return s->shutdown ? 0 : 1; }

/* ---- output ---- */

static void send(lsp_server *s, json_t *msg)
{
    json_object_set_new(msg, "jsonrpc", json_string("2.0"));
    char *body = json_dumps(msg, JSON_COMPACT);
    if (body) {
        s->write(s->ctx, body, strlen(body));
        free(body);
    }
    json_decref(msg);
}

static void reply(lsp_server *s, json_t *id, json_t *result)
{
    json_t *m = json_object();
    json_object_set(m, "id", id ? id : json_null());
    json_object_set_new(m, "result", result ? result : json_null());
    send(s, m);
}

static void reply_error(lsp_server *s, json_t *id, int code, const char *msg)
{
    json_t *m = json_object();
    json_object_set(m, "id", id ? id : json_null());
    json_object_set_new(m, "error", json_pack("{s:i,s:s}", "code", code, "message", msg));
    send(s, m);
}

static void notify(lsp_server *s, const char *method, json_t *params)
{
    json_t *m = json_object();
    json_object_set_new(m, "method", json_string(method));
    json_object_set_new(m, "params", params);
    send(s, m);
}

/* ---- URIs ---- */

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* file:///a/%E6%97%A5.pol -> /a/日.pol; another scheme: the URI itself. */
static char *uri_to_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return pol_xstrdup(uri);
    const char *p = uri + 7;
    char *out = pol_xmalloc(strlen(p) + 1);
    size_t o = 0;
    for (size_t i = 0; p[i]; i++) {
        int h1, h2;
        if (p[i] == '%' && (h1 = hexval((unsigned char)p[i + 1])) >= 0 && (h2 = hexval((unsigned char)p[i + 2])) >= 0) {
            char c = (char)(h1 * 16 + h2);
            out[o++] = c ? c : '?'; /* no NUL inside a file name */
            i += 2;
        } else
            out[o++] = p[i];
    }
    out[o] = 0;
    return out;
}

static char *path_to_uri(const char *path)
{
    char real[PATH_MAX];
    if (realpath(path, real))
        path = real;
    size_t n = strlen(path);
    char *out = pol_xmalloc(8 + 3 * n + 1);
    size_t o = (size_t)sprintf(out, "file://");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~/", c))
            out[o++] = (char)c;
        else
            o += (size_t)sprintf(out + o, "%%%02X", c);
    }
    out[o] = 0;
    return out;
}

/* ---- documents ---- */

static lsp_doc *find_doc(lsp_server *s, const char *uri)
{
    for (lsp_doc *d = s->docs; d; d = d->next)
        if (strcmp(d->uri, uri) == 0)
            return d;
    return NULL;
}

static const char *str_at(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static lsp_doc *param_doc(lsp_server *s, json_t *params)
{
    const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
    return uri ? find_doc(s, uri) : NULL;
}

static json_t *position(const src_file *f, uint32_t off, bool utf8)
{
    uint32_t line, ch;
    lsp_position(f, off, utf8, &line, &ch);
    return json_pack("{s:i,s:i}", "line", (json_int_t)line, "character", (json_int_t)ch);
}

static json_t *range(const src_file *f, span sp, bool utf8)
{
    return json_pack("{s:o,s:o}", "start", position(f, sp.start, utf8), "end", position(f, sp.end, utf8));
}

/* The URI of a source file of dc's analysis: the document's own for file 0. */
static char *file_uri(const lsp_doc *dc, const src_file *f)
{
    if (f == dc->an.src || !f)
        return pol_xstrdup(dc->uri);
    return path_to_uri(f->name);
}

static json_t *location(const lsp_doc *dc, span raw, bool utf8)
{
    const src_file *f = lsp_doc_file(dc, raw.start);
    if (!f)
        return NULL;
    char *uri = file_uri(dc, f);
    json_t *l = json_pack("{s:s,s:o}", "uri", uri, "range", range(f, raw, utf8));
    free(uri);
    return l;
}

/* ---- diagnostics ---- */

/* A JSON string of text that may not be UTF-8 (a message quoting an imported
 * file's bytes): each byte of a bad sequence becomes '?'. */
static json_t *text_json(const char *t)
{
    json_t *j = json_string(t);
    if (j)
        return j;
    size_t n = strlen(t);
    char *c = pol_xmalloc(n + 1);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_next((const unsigned char *)t + i, n - i, &cp);
        bool bad = k == 0 || cp == 0xFFFD; /* utf8_next decodes leniently: U+FFFD for a bad byte */
        if (k == 0)
            k = 1;
        for (size_t x = 0; x < k; x++)
            c[i + x] = bad ? '?' : t[i + x];
        i += k;
    }
    c[n] = 0;
    j = json_string(c);
    free(c);
    return j ? j : json_string("?");
}

static bool is_main(const lsp_doc *dc, const diag *g) { return g->file && g->file == dc->an.src; }

/* A cycle's message names its rules ("a -> b -> a"): each one's declaration
 * as a related location. */
static void cycle_related(const lsp_doc *dc, const diag *g, json_t *rel, bool utf8)
{
    const char *p = strstr(g->msg, ": ");
    if (!p)
        return;
    p += 2;
    int n = 0;
    while (*p && n < 32) {
        const char *e = strstr(p, " -> ");
        size_t k = e ? (size_t)(e - p) : strlen(p);
        char name[256];
        if (k < sizeof name) {
            memcpy(name, p, k);
            name[k] = 0;
            ast_decl *d = lsp_doc_lookup(dc, name);
            if (d && (d->name_sp.start != g->sp.start || SPAN_FILE(d->name_sp.start) != 0 || !is_main(dc, g)) && e) {
                json_t *loc = location(dc, d->name_sp, utf8);
                if (loc) {
                    char msg[300];
                    snprintf(msg, sizeof msg, "'%s' is part of the cycle", name);
                    json_array_append_new(rel, json_pack("{s:o,s:s}", "location", loc, "message", msg));
                }
            }
        }
        if (!e)
            break;
        p = e + 4;
        n++;
    }
}

/* A diagnostic's message as published: English (its msg), or in Chinese
 * when the client's locale asks for it. */
static const char *diag_msg(const lsp_server *s, const diag *g)
{
    return s->zh && g->text ? g->text : g->msg;
}

static void publish(lsp_server *s, lsp_doc *dc)
{
    json_t *list = json_array();
    const diag_ctx *d = &dc->d;
    json_t *last = NULL; /* the diagnostic the notes after it belong to */
    size_t last_group = (size_t)-1;
    for (size_t i = 0; i < d->count; i++) {
        const diag *g = &d->items[i];
        if (g->level == DIAG_NOTE && last && g->group == last_group) {
            json_t *rel = json_object_get(last, "relatedInformation");
            if (!rel) {
                rel = json_array();
                json_object_set_new(last, "relatedInformation", rel);
            }
            const src_file *f = g->file;
            char *uri = file_uri(dc, f);
            if (f)
                json_array_append_new(rel, json_pack("{s:{s:s,s:o},s:o}", "location", "uri", uri, "range",
                                                     range(f, g->sp, s->utf8), "message", text_json(diag_msg(s, g))));
            free(uri);
            continue;
        }
        json_t *diagj = json_object();
        char *msg = NULL;
        if (is_main(dc, g) || !g->file) {
            json_object_set_new(diagj, "range", g->file ? range(g->file, g->sp, s->utf8)
                                                        : json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", 0,
                                                                    "character", 0, "end", "line", 0, "character", 0));
            msg = pol_xstrdup(diag_msg(s, g));
        } else {
            /* in an imported file: shown at the top of this one, with the place as related information */
            uint32_t line, col;
            src_line_col(g->file, g->sp.start, &line, &col);
            size_t n = strlen(g->file->name) + strlen(diag_msg(s, g)) + 64;
            msg = pol_xmalloc(n);
            snprintf(msg, n, "in %s:%u:%u: %s", g->file->name, line, col, diag_msg(s, g));
            json_object_set_new(diagj, "range", json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", 0, "character", 0,
                                                          "end", "line", 0, "character", 0));
            char *uri = file_uri(dc, g->file);
            json_object_set_new(diagj, "relatedInformation",
                                json_pack("[{s:{s:s,s:o},s:s}]", "location", "uri", uri, "range",
                                          range(g->file, g->sp, s->utf8), "message", "here"));
            free(uri);
        }
        int sev = g->level == DIAG_ERROR ? SEV_ERROR : g->level == DIAG_WARNING ? SEV_WARNING : SEV_INFO;
        json_object_set_new(diagj, "severity", json_integer(sev));
        json_object_set_new(diagj, "code", json_string(diag_code_name(g->code)));
        json_object_set_new(diagj, "source", json_string("pol"));
        json_object_set_new(diagj, "message", text_json(msg));
        free(msg);
        if (g->code == DC_CYCLE) {
            json_t *rel = json_object_get(diagj, "relatedInformation");
            if (!rel) {
                rel = json_array();
                json_object_set_new(diagj, "relatedInformation", rel);
            }
            cycle_related(dc, g, rel, s->utf8);
            if (json_array_size(rel) == 0)
                json_object_del(diagj, "relatedInformation");
        }
        json_array_append_new(list, diagj);
        last = diagj;
        last_group = g->group;
    }
    if (d->max_errors && d->errors > d->max_errors) {
        char msg[100];
        snprintf(msg, sizeof msg, "%d more errors not shown", d->errors - d->max_errors);
        json_array_append_new(list, json_pack("{s:{s:{s:i,s:i},s:{s:i,s:i}},s:i,s:s,s:s}", "range", "start", "line", 0,
                                              "character", 0, "end", "line", 0, "character", 0, "severity", SEV_INFO,
                                              "source", "pol", "message", msg));
    }
    notify(s, "textDocument/publishDiagnostics", json_pack("{s:s,s:o}", "uri", dc->uri, "diagnostics", list));
}

static void analyse(lsp_server *s, lsp_doc *dc)
{
    lsp_doc_analyse(dc);
    publish(s, dc);
}

void lsp_idle(lsp_server *s)
{
    for (lsp_doc *d = s->docs; d; d = d->next)
        if (d->dirty || !d->analysed)
            analyse(s, d);
}

/* The document of a request, analysed for its current text. */
static lsp_doc *fresh_doc(lsp_server *s, json_t *params)
{
    lsp_doc *dc = param_doc(s, params);
    if (dc && (dc->dirty || !dc->analysed))
        analyse(s, dc);
    return dc;
}

/* Byte offset of params.position in dc's text. */
static bool param_offset(lsp_server *s, const lsp_doc *dc, json_t *params, uint32_t *off)
{
    json_t *pos = json_object_get(params, "position");
    json_t *line = json_object_get(pos, "line"), *ch = json_object_get(pos, "character");
    if (!json_is_integer(line) || !json_is_integer(ch))
        return false;
    *off = (uint32_t)lsp_offset(dc->text ? dc->text : "", dc->len, json_integer_value(line), json_integer_value(ch), s->utf8);
    return true;
}

/* ---- lifecycle and text sync ---- */

static void on_initialize(lsp_server *s, json_t *id, json_t *params)
{
    json_t *encs = json_object_get(json_object_get(json_object_get(params, "capabilities"), "general"),
                                   "positionEncodings");
    size_t i;
    json_t *v;
    json_array_foreach(encs, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), "utf-8") == 0)
            s->utf8 = true;
    pol_lang l; /* LSP 3.16's "locale" ("zh-cn"): the language of the diagnostics published */
    json_t *loc = json_object_get(params, "locale");
    if (json_is_string(loc) && pol_lang_parse(json_string_value(loc), &l)) {
        s->zh = l == POL_LANG_ZH;
        if (s->zh)
            pol_lang_set(l); /* diag_init takes it: each diagnostic's text is then Chinese */
    }
    s->initialized = true;
    json_t *caps = json_pack(
        "{s:s,s:{s:b,s:i,s:{s:b}},s:b,s:b,s:b,s:{s:[s],s:b},s:b,s:b,s:{s:[s]}}", "positionEncoding",
        s->utf8 ? "utf-8" : "utf-16", "textDocumentSync", "openClose", 1, "change", 2, "save", "includeText", 0,
        "hoverProvider", 1, "definitionProvider", 1,
        "referencesProvider", 1, "completionProvider", "triggerCharacters", ".", "resolveProvider", 0,
        "documentSymbolProvider", 1, "documentFormattingProvider", 1, "codeActionProvider", "codeActionKinds",
        "quickfix");
    reply(s, id, json_pack("{s:o,s:{s:s,s:s}}", "capabilities", caps, "serverInfo", "name", "pol-lsp", "version",
                           POL_LSP_VERSION));
}

static void on_did_open(lsp_server *s, json_t *params)
{
    json_t *td = json_object_get(params, "textDocument");
    const char *uri = str_at(td, "uri");
    json_t *text = json_object_get(td, "text");
    if (!uri || !json_is_string(text))
        return;
    lsp_doc *dc = find_doc(s, uri);
    if (!dc) {
        dc = pol_xrealloc(NULL, sizeof *dc);
        memset(dc, 0, sizeof *dc);
        dc->uri = pol_xstrdup(uri);
        dc->path = uri_to_path(uri);
        dc->next = s->docs;
        s->docs = dc;
    }
    lsp_doc_set_text(dc, json_string_value(text), json_string_length(text));
}

static void on_did_change(lsp_server *s, json_t *params)
{
    lsp_doc *dc = param_doc(s, params);
    json_t *changes = json_object_get(params, "contentChanges");
    if (!dc || !json_is_array(changes))
        return;
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c) {
        json_t *text = json_object_get(c, "text");
        if (!json_is_string(text))
            continue;
        json_t *r = json_object_get(c, "range");
        if (!r) {
            lsp_doc_set_text(dc, json_string_value(text), json_string_length(text));
            continue;
        }
        json_t *a = json_object_get(r, "start"), *b = json_object_get(r, "end");
        json_t *al = json_object_get(a, "line"), *ac = json_object_get(a, "character");
        json_t *bl = json_object_get(b, "line"), *bc = json_object_get(b, "character");
        if (!json_is_integer(al) || !json_is_integer(ac) || !json_is_integer(bl) || !json_is_integer(bc))
            continue;
        const char *t = dc->text ? dc->text : "";
        size_t from = lsp_offset(t, dc->len, json_integer_value(al), json_integer_value(ac), s->utf8);
        size_t to = lsp_offset(t, dc->len, json_integer_value(bl), json_integer_value(bc), s->utf8);
        if (to < from) { /* a reversed range: the same bytes */
            size_t x = to;
            to = from;
            from = x;
        }
        if (dc->len - (to - from) + json_string_length(text) >= ((size_t)1 << 30))
            continue; /* a gigabyte: refused (the compiler stops at 16 MiB anyway) */
        lsp_doc_edit(dc, from, to, json_string_value(text), json_string_length(text));
    }
}

static void on_did_close(lsp_server *s, json_t *params)
{
    const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
    for (lsp_doc **pp = &s->docs; uri && *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->uri, uri) == 0) {
            lsp_doc *dc = *pp;
            *pp = dc->next;
            lsp_doc_free(dc);
            notify(s, "textDocument/publishDiagnostics", json_pack("{s:s,s:[]}", "uri", uri, "diagnostics"));
            return;
        }
}

/* A file saved: the other open documents that import it read it from disk,
 * so their analyses are out of date (lsp_idle analyses them again and
 * publishes their diagnostics). */
static void on_did_save(lsp_server *s, json_t *params)
{
    lsp_doc *dc = param_doc(s, params);
    char want[PATH_MAX], got[PATH_MAX];
    if (!dc || !dc->path || !realpath(dc->path, want))
        return;
    for (lsp_doc *d = s->docs; d; d = d->next) {
        if (d == dc || !d->analysed)
            continue;
        for (int fid = 1; fid < d->d.nfiles && fid < DIAG_MAX_FILES; fid++) {
            const src_file *f = d->d.files[fid];
            if (f && f->name && realpath(f->name, got) && strcmp(got, want) == 0) {
                d->dirty = true; /* analysed again, its previous analysis freed */
                break;
            }
        }
    }
}

/* ---- hover ---- */

typedef struct strbuf {
    char *p;
    size_t n, cap;
} strbuf;

static void sb_put(strbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = pol_xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(strbuf *b, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_put(b, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* The source text of a span, on one line and at most 160 bytes. */
static void sb_source(strbuf *b, const lsp_doc *dc, span raw)
{
    const src_file *f = lsp_doc_file(dc, raw.start);
    if (!f)
        return;
    uint32_t a = SPAN_OFF(raw.start), e = SPAN_OFF(raw.end);
    if (e > f->len)
        e = (uint32_t)f->len;
    bool cut = false;
    for (uint32_t i = a; i < e; i++)
        if (f->text[i] == '\n') {
            e = i;
            cut = true;
        }
    if (e - a > 160) {
        e = a + 160;
        while (e > a && ((unsigned char)f->text[e] & 0xC0) == 0x80)
            e--;
        cut = true;
    }
    if (a < e)
        sb_put(b, f->text + a, e - a);
    if (cut)
        sb_put(b, " …", strlen(" …"));
}

static const char *kind_word(decl_kind k)
{
    switch (k) {
    case D_INPUT: return "input";
    case D_PARAM: return "param";
    case D_RULE: return "rule";
    case D_OUTPUT: return "output";
    case D_ENUM: return "enum";
    case D_RECORD: return "record";
    case D_REQUIRE: return "require";
    case D_EXCEPTION: return "exception";
    case D_TEST: return "test";
    default: return "";
    }
}

static void sb_annot(strbuf *b, const ast_annot *an)
{
    if (an->cite)
        sb_printf(b, "\n\ncite: %s", an->cite);
    if (an->note)
        sb_printf(b, "\n\nnote: %s", an->note);
    if (an->inferred)
        sb_printf(b, "\n\ninferred: %s", an->inferred);
}

static void sb_versions(strbuf *b, const lsp_doc *dc, const ast_version *v)
{
    if (!v)
        return;
    sb_printf(b, "\n\nversions:");
    int n = 0;
    for (; v; v = v->next, n++) {
        if (n == 20) {
            sb_printf(b, "\n- …");
            break;
        }
        sb_printf(b, "\n- `");
        sb_source(b, dc, v->sp);
        sb_printf(b, "`");
    }
}

static const char *builtin_sig(int fn, char *buf, size_t cap);

static const char *nz(const char *s) { return s ? s : "?"; }

static void hover_decl(strbuf *b, const lsp_doc *dc, const ast_decl *d)
{
    sb_printf(b, "```pol\n%s %s", kind_word(d->kind), d->name ? d->name : "");
    if (d->type_name && d->kind != D_REQUIRE) {
        sb_printf(b, ": ");
        if (d->type_sp.end > d->type_sp.start)
            sb_source(b, dc, d->type_sp);
        else
            sb_printf(b, "%s", d->type_name);
    }
    sb_printf(b, "\n```");
    if (d->type > PT_VOID && pol_type_numeric((pol_type)d->type))
        sb_printf(b, "\n\nunit: %s", pol_type_name((pol_type)d->type));
    if (d->lo || d->hi) {
        sb_printf(b, "\n\nbounds: `");
        if (d->lo)
            sb_source(b, dc, d->lo->sp);
        sb_printf(b, "..");
        if (d->hi)
            sb_source(b, dc, d->hi->sp);
        sb_printf(b, "`");
    }
    if (d->kind == D_PARAM && d->value && !d->versions) {
        sb_printf(b, "\n\nvalue: `");
        sb_source(b, dc, d->value->sp);
        sb_printf(b, "`");
    }
    if (d->kind == D_ENUM && d->members) {
        sb_printf(b, "\n\nmembers:");
        int n = 0;
        for (const ast_member *m = d->members; m && n <= 30; m = m->next, n++) {
            if (n == 30)
                sb_printf(b, ", …");
            else
                sb_printf(b, "%s %s", n ? "," : "", m->name ? m->name : "?");
        }
    }
    if (d->kind == D_EXCEPTION && d->target)
        sb_printf(b, "\n\nexception to: %s", d->target);
    if (d->nrows)
        sb_printf(b, "\n\ntable by %s: %d rows", d->key_name ? d->key_name : "?", d->nrows);
    sb_annot(b, &d->an);
    sb_versions(b, dc, d->versions);
    if (d->imported) {
        const src_file *f = lsp_doc_file(dc, d->name_sp.start);
        const char *base = f ? strrchr(f->name, '/') : NULL;
        if (f)
            sb_printf(b, "\n\nimported from %s", base ? base + 1 : f->name);
    }
}

static void hover_text(strbuf *b, const lsp_doc *dc, const lsp_target *t)
{
    char sig[300];
    switch (t->kind) {
    case T_DECL: hover_decl(b, dc, t->decl); break;
    case T_MEMBER:
        sb_printf(b, "```pol\n%s.%s\n```\n\nmember of enum %s", nz(t->decl->name), nz(t->member->name), nz(t->decl->name));
        if (t->member->nvalues && t->member->values) {
            sb_printf(b, "\n\n");
            ast_field *f = t->decl->fields;
            for (int i = 0; i < t->member->nvalues; i++, f = f ? f->next : NULL) {
                sb_printf(b, "%s%s = `", i ? ", " : "", f && f->name ? f->name : "?");
                if (t->member->values[i])
                    sb_source(b, dc, t->member->values[i]->sp);
                sb_printf(b, "`");
            }
        }
        sb_annot(b, &t->member->an);
        break;
    case T_FIELD:
        sb_printf(b, "```pol\n%s: %s\n```\n\nfield of %s %s", nz(t->field->name), nz(t->field->type_name),
                  kind_word(t->decl->kind), nz(t->decl->name));
        break;
    case T_LOCAL: sb_printf(b, "```pol\n%s\n```\n\nloop variable", nz(t->name)); break;
    case T_BUILTIN: sb_printf(b, "```pol\n%s\n```\n\nbuilt-in function", builtin_sig(t->fn, sig, sizeof sig)); break;
    case T_AGG: {
        static const char *const agg_en[] = {"",
#define AGG_EN(id, en, zh, ret, chk, init, step, op, empty) en " (" zh ")",
                                             POL_AGGREGATES(AGG_EN)
#undef AGG_EN
        };
        sb_printf(b, "```pol\n%s\n```\n\naggregate: NAME(x in a..b where cond: value) or NAME(x in list: value)",
                  agg_en[t->fn]);
        break;
    }
    default: break;
    }
}

static void on_hover(lsp_server *s, json_t *id, json_t *params)
{
    lsp_doc *dc = fresh_doc(s, params);
    uint32_t off;
    lsp_occ o;
    if (!dc || !param_offset(s, dc, params, &off) || !lsp_doc_name_at(dc, off, &o)) {
        reply(s, id, NULL);
        return;
    }
    strbuf b = {0};
    hover_text(&b, dc, &o.t);
    if (!b.p) {
        reply(s, id, NULL);
        return;
    }
    reply(s, id, json_pack("{s:{s:s,s:s},s:o}", "contents", "kind", "markdown", "value", b.p, "range",
                           range(dc->an.src, o.sp, s->utf8)));
    free(b.p);
}

/* ---- definition and references ---- */

static void on_definition(lsp_server *s, json_t *id, json_t *params)
{
    lsp_doc *dc = fresh_doc(s, params);
    uint32_t off;
    lsp_occ o;
    span at;
    if (!dc || !param_offset(s, dc, params, &off) || !lsp_doc_name_at(dc, off, &o) || !lsp_target_span(&o.t, &at)) {
        reply(s, id, NULL);
        return;
    }
    reply(s, id, location(dc, at, s->utf8));
}

/* A declaration's identity across analyses: its file's real path and offset. */
typedef struct ident {
    char path[PATH_MAX];
    uint32_t off;
} ident;

static bool target_ident(const lsp_doc *dc, const lsp_target *t, ident *out)
{
    span at;
    if (!lsp_target_span(t, &at))
        return false;
    const src_file *f = lsp_doc_file(dc, at.start);
    if (!f)
        return false;
    if (!realpath(f->name, out->path))
        snprintf(out->path, sizeof out->path, "%s", f == dc->an.src ? dc->uri : f->name);
    out->off = SPAN_OFF(at.start);
    return true;
}

typedef struct refs_ctx {
    lsp_server *s;
    const lsp_doc *dc;
    const ident *want;
    bool with_decl;
    json_t *out;
    char (*paths)[PATH_MAX]; /* real path of each file of dc's analysis, "" not yet known */
    bool *known;
    json_t *seen;            /* "uri:start:end" already listed */
} refs_ctx;

static bool refs_visit(void *ctx, const lsp_occ *o)
{
    refs_ctx *c = ctx;
    if (o->is_decl && !c->with_decl)
        return true;
    span at;
    if (!lsp_target_span(&o->t, &at) || SPAN_OFF(at.start) != c->want->off)
        return true;
    uint32_t fid = SPAN_FILE(at.start);
    if (fid >= DIAG_MAX_FILES)
        return true;
    if (!c->known[fid]) {
        const src_file *f = lsp_doc_file(c->dc, at.start);
        if (!f || !realpath(f->name, c->paths[fid]))
            snprintf(c->paths[fid], PATH_MAX, "%s", f == c->dc->an.src ? c->dc->uri : f ? f->name : "");
        c->known[fid] = true;
    }
    if (strcmp(c->paths[fid], c->want->path) != 0)
        return true;
    json_t *loc = location(c->dc, o->sp, c->s->utf8);
    if (!loc)
        return true;
    char key[PATH_MAX + 64];
    snprintf(key, sizeof key, "%s:%u:%u", json_string_value(json_object_get(loc, "uri")), SPAN_OFF(o->sp.start),
             SPAN_OFF(o->sp.end));
    if (json_object_get(c->seen, key)) {
        json_decref(loc);
        return true;
    }
    json_object_set_new(c->seen, key, json_true());
    json_array_append_new(c->out, loc);
    return true;
}

static void on_references(lsp_server *s, json_t *id, json_t *params)
{
    lsp_doc *dc = fresh_doc(s, params);
    uint32_t off;
    lsp_occ o;
    ident want;
    if (!dc || !param_offset(s, dc, params, &off) || !lsp_doc_name_at(dc, off, &o) || !target_ident(dc, &o.t, &want)) {
        reply(s, id, NULL);
        return;
    }
    json_t *out = json_array();
    refs_ctx c = {s, NULL, &want, json_is_true(json_object_get(json_object_get(params, "context"), "includeDeclaration")),
                  out, pol_xmalloc(sizeof(char[PATH_MAX]) * DIAG_MAX_FILES), pol_xmalloc(DIAG_MAX_FILES), json_object()};
    /* this document first, then the other open ones (which may import it) */
    for (int pass = 0; pass < 2; pass++)
        for (lsp_doc *d = s->docs; d; d = d->next) {
            if ((d == dc) != (pass == 0))
                continue;
            if (d->dirty || !d->analysed)
                analyse(s, d);
            c.dc = d;
            memset(c.known, 0, DIAG_MAX_FILES);
            lsp_doc_names(d, refs_visit, &c);
        }
    free(c.paths);
    free(c.known);
    json_decref(c.seen);
    reply(s, id, out);
}

/* ---- completion ---- */

static const char *builtin_sig(int fn, char *buf, size_t cap)
{
    static const struct {
        const char *en, *zh;
        int nargs;
        int args[3], ret;
    } rows[] = {{NULL, NULL, 0, {0, 0, 0}, 0},
#define FN_ROW(id, en, zh, n, a0, a1, a2, r, chk, cg, op) {en, zh, n, {PT_##a0, PT_##a1, PT_##a2}, PT_##r},
                POL_BUILTINS(FN_ROW)
#undef FN_ROW
    };
    /* The functions with their own checker hook take arguments that no one
     * type describes: their signatures as docs/language.md writes them. */
    static const struct {
        int fn;
        const char *args, *ret;
    } special[] = {
        {FN_ROUND, "number, integer[, rounding]", "number"},
        {FN_MIN, "a, b, …", "the smallest"},
        {FN_MAX, "a, b, …", "the largest"},
        {FN_YEAR_OF, "date | month", NULL},
        {FN_MONTH_NUM, "date | month", NULL},
        {FN_ADD_MONTHS, "date | month, integer[, down | up | strict]", "date | month"},
        {FN_TEXT, "number | date | month | boolean", NULL},
        {FN_CLAMP, "x, lo, hi", "x limited to lo..hi"},
        {FN_TO_INT, "number, rounding", NULL},
        {FN_APPLICABLE, "rule", NULL},
    };
    if (fn <= FN_NONE || fn >= FN__COUNT)
        return "";
    const char *args = NULL, *ret = rows[fn].ret != PT_VOID ? pol_type_name((pol_type)rows[fn].ret) : NULL;
    for (size_t k = 0; k < sizeof special / sizeof *special; k++)
        if (special[k].fn == fn) {
            args = special[k].args;
            if (special[k].ret)
                ret = special[k].ret;
        }
    size_t o = (size_t)snprintf(buf, cap, "%s(%s", rows[fn].en, args ? args : "");
    for (int i = 0; !args && i < rows[fn].nargs && i < 3 && o < cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? ", " : "",
                              rows[fn].args[i] == PT_VOID ? "_" : pol_type_name((pol_type)rows[fn].args[i]));
    if (o < cap)
        o += (size_t)snprintf(buf + o, cap - o, ")");
    if (o < cap && ret)
        o += (size_t)snprintf(buf + o, cap - o, ": %s", ret);
    if (o < cap)
        snprintf(buf + o, cap - o, " · %s", rows[fn].zh);
    return buf;
}

static bool ident_byte(unsigned char c)
{
    return c >= 0x80 || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Does the character at u, not ASCII, stop a name?  Fullwidth punctuation,
 * ×, ÷, quotes, ≤ ≥ ≠. */
static bool not_ident(const unsigned char *u)
{
    return (u[0] == 0xE3 && u[1] == 0x80) || (u[0] == 0xEF && (u[1] == 0xBC || u[1] == 0xBD)) ||
           (u[0] == 0xC3 && (u[1] == 0x97 || u[1] == 0xB7)) || (u[0] == 0xE2 && (u[1] == 0x80 || u[1] == 0x89));
}

/* Is the byte at t[i] the end of an identifier character (not fullwidth
 * punctuation: U+3000..U+303F, U+FF00..U+FF65 stop a name)? */
static size_t ident_start(const char *t, size_t off)
{
    size_t i = off;
    while (i > 0 && ident_byte((unsigned char)t[i - 1])) {
        size_t j = i - 1;
        while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80)
            j--;
        if (not_ident((const unsigned char *)t + j))
            break;
        i = j;
    }
    return i;
}

static bool has_prefix(const char *s, const char *prefix, size_t n)
{
    return s && strncmp(s, prefix, n) == 0;
}

static void item(json_t *list, const char *label, int kind, const char *detail)
{
    json_t *it = json_pack("{s:s,s:i}", "label", label, "kind", kind);
    if (detail && *detail)
        json_object_set_new(it, "detail", json_string(detail));
    json_array_append_new(list, it);
}

static void complete_decls(const lsp_doc *dc, json_t *list, const char *pre, size_t n)
{
    if (!dc->analysed || !dc->an.tree)
        return;
    for (ast_decl *x = dc->an.tree->decls; x; x = x->next) {
        if (!lsp_named_decl(x) || !has_prefix(x->name, pre, n) || lsp_doc_lookup(dc, x->name) != x)
            continue;
        int k = x->kind == D_INPUT ? CK_VARIABLE : x->kind == D_PARAM ? CK_CONSTANT : x->kind == D_ENUM ? CK_ENUM
              : x->kind == D_RECORD ? CK_STRUCT : x->kind == D_EXCEPTION ? CK_EVENT
              : x->params ? CK_FUNCTION : CK_PROPERTY;
        char detail[300];
        snprintf(detail, sizeof detail, "%s%s%s", kind_word(x->kind), x->type_name && x->kind != D_REQUIRE ? ": " : "",
                 x->type_name && x->kind != D_REQUIRE ? x->type_name : "");
        item(list, x->name, k, detail);
    }
}

/* Loop variables and a function's parameters of the declaration at `off`
 * (in the last analysis: close enough while typing). */
typedef struct locals_ctx {
    const ast_decl *in;
    json_t *list, *seen;
    const char *pre;
    size_t n;
} locals_ctx;

static bool locals_visit(void *ctx, const lsp_occ *o)
{
    locals_ctx *c = ctx;
    if (o->owner != c->in || !o->is_decl || o->t.kind != T_LOCAL || !has_prefix(o->t.name, c->pre, c->n) ||
        json_object_get(c->seen, o->t.name))
        return true;
    json_object_set_new(c->seen, o->t.name, json_true());
    item(c->list, o->t.name, CK_VARIABLE, "loop variable");
    return true;
}

static void complete_locals(const lsp_doc *dc, uint32_t off, json_t *list, const char *pre, size_t n)
{
    const ast_decl *in = NULL;
    for (const ast_decl *x = dc->an.tree ? dc->an.tree->decls : NULL; x; x = x->next)
        if (SPAN_FILE(x->sp.start) == 0 && x->sp.start <= off && off <= x->sp.end)
            in = x;
    if (!in)
        return;
    for (const ast_decl *p = in->params; p; p = p->next)
        if (p->name && has_prefix(p->name, pre, n))
            item(list, p->name, CK_VARIABLE, "parameter");
    locals_ctx c = {in, list, json_object(), pre, n};
    lsp_doc_names(dc, locals_visit, &c);
    json_decref(c.seen);
}

/* While a declaration is being typed it does not parse, and the last
 * analysis does not know its loop variables: they are read from the text
 * instead.  The declaration begins at the last line, before off, that starts
 * in column 0 (polc fmt indents the lines that continue one); every
 * `(NAME in SOURCE` or `(NAME 介于 SOURCE` in it binds NAME, running over
 * SOURCE when that is a name.  Calls fn(ctx, name, source) for each. */
static size_t ident_end(const char *t, size_t i, size_t n)
{
    while (i < n && ident_byte((unsigned char)t[i])) {
        if ((unsigned char)t[i] >= 0x80 && (i + 1 >= n || not_ident((const unsigned char *)t + i)))
            break;
        i++;
        while (i < n && ((unsigned char)t[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

static size_t skip_blanks(const char *t, size_t i, size_t n)
{
    while (i < n) {
        if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
            i++;
        else if (i + 3 <= n && memcmp(t + i, "\xE3\x80\x80", 3) == 0) /* U+3000 */
            i += 3;
        else
            break;
    }
    return i;
}

typedef void (*text_local_fn)(void *ctx, const char *name, const char *source);

static void text_locals(const char *t, size_t off, text_local_fn fn, void *ctx)
{
    size_t from = off;
    while (from > 0 && off - from < 65536) {
        size_t ls = from;
        while (ls > 0 && t[ls - 1] != '\n')
            ls--;
        if (t[ls] != ' ' && t[ls] != '\t' && t[ls] != '\n' && t[ls] != '\r' && t[ls] != '#' && ls < off) {
            from = ls;
            break;
        }
        from = ls > 0 ? ls - 1 : 0;
    }
    for (size_t i = from; i < off; i++) {
        size_t a;
        if (t[i] == '(')
            a = i + 1;
        else if (i + 3 <= off && memcmp(t + i, "\xEF\xBC\x88", 3) == 0) /* （ */
            a = i + 3;
        else
            continue;
        a = skip_blanks(t, a, off);
        size_t e = ident_end(t, a, off);
        size_t k = skip_blanks(t, e, off);
        size_t kw = k + 2 <= off && memcmp(t + k, "in", 2) == 0 ? 2 : k + 6 <= off && memcmp(t + k, "介于", 6) == 0 ? 6 : 0;
        if (e == a || e - a >= 256 || k == e || !kw || (k + kw < off && ident_byte((unsigned char)t[k + kw]) && kw == 2))
            continue;
        size_t b = skip_blanks(t, k + kw, off);
        size_t be = ident_end(t, b, off);
        char name[256], source[256];
        memcpy(name, t + a, e - a);
        name[e - a] = 0;
        size_t sn = be - b < sizeof source ? be - b : 0;
        memcpy(source, t + b, sn);
        source[sn] = 0;
        fn(ctx, name, source);
    }
}

typedef struct text_local_ctx {
    const lsp_doc *dc;
    json_t *list, *seen;
    const char *pre, *want; /* want: the loop variable before a `.`, or NULL */
    size_t n;
} text_local_ctx;

/* The record a list of that name holds (a list input, rule or output). */
static ast_decl *list_record(const lsp_doc *dc, const char *source)
{
    ast_decl *d = *source ? lsp_doc_lookup(dc, source) : NULL;
    if (d && d->kind != D_ENUM && d->type == PT_LIST && d->tref < dc->an.r.nrecords)
        return dc->an.r.records[d->tref];
    return NULL;
}

static void text_local_item(void *ctx, const char *name, const char *source)
{
    text_local_ctx *c = ctx;
    if (c->want) { /* NAME.: the fields of the record the loop runs over */
        ast_decl *rec = strcmp(name, c->want) == 0 ? list_record(c->dc, source) : NULL;
        for (ast_field *f = rec ? rec->fields : NULL; f; f = f->next)
            if (has_prefix(f->name, c->pre, c->n) && !json_object_get(c->seen, f->name)) {
                json_object_set_new(c->seen, f->name, json_true());
                item(c->list, f->name, CK_FIELD, f->type_name);
            }
        return;
    }
    if (has_prefix(name, c->pre, c->n) && !json_object_get(c->seen, name)) {
        json_object_set_new(c->seen, name, json_true());
        item(c->list, name, CK_VARIABLE, "loop variable");
    }
}

static void on_completion(lsp_server *s, json_t *id, json_t *params)
{
    lsp_doc *dc = param_doc(s, params);
    uint32_t off;
    if (!dc || !param_offset(s, dc, params, &off)) {
        reply(s, id, NULL);
        return;
    }
    if (!dc->analysed) /* a stale tree is good enough for names: no new analysis per keystroke */
        analyse(s, dc);
    const char *t = dc->text ? dc->text : "";
    size_t start = ident_start(t, off);
    char pre[256];
    size_t n = off - start < sizeof pre ? off - start : 0;
    memcpy(pre, t + start, n);
    pre[n] = 0;
    json_t *list = json_array();
    if (start > 0 && t[start - 1] == '.') {
        /* after NAME.: an enumeration's members, or a record's fields */
        size_t b = ident_start(t, start - 1);
        char name[256];
        size_t k = start - 1 - b;
        if (k < sizeof name) {
            memcpy(name, t + b, k);
            name[k] = 0;
            ast_decl *d = lsp_doc_lookup(dc, name);
            if (d && d->kind == D_ENUM)
                for (ast_member *m = d->members; m; m = m->next)
                    if (has_prefix(m->name, pre, n))
                        item(list, m->name, CK_ENUM_MEMBER, nz(d->name));
            ast_decl *rec = NULL;
            if (d && d->kind != D_ENUM && (d->type == PT_RECORD || d->type == PT_LIST) && d->tref < dc->an.r.nrecords)
                rec = dc->an.r.records[d->tref];
            for (ast_field *f = rec ? rec->fields : NULL; f; f = f->next)
                if (has_prefix(f->name, pre, n))
                    item(list, f->name, CK_FIELD, f->type_name);
            if (!d) { /* a loop variable over a list of records */
                text_local_ctx c = {dc, list, json_object(), pre, name, n};
                text_locals(t, b, text_local_item, &c);
                json_decref(c.seen);
            }
        }
        reply(s, id, json_pack("{s:b,s:o}", "isIncomplete", 0, "items", list));
        return;
    }
    size_t before = json_array_size(list);
    complete_locals(dc, (uint32_t)start, list, pre, n);
    {
        text_local_ctx c = {dc, list, json_object(), pre, NULL, n};
        for (size_t k = before; k < json_array_size(list); k++)
            json_object_set_new(c.seen, json_string_value(json_object_get(json_array_get(list, k), "label")), json_true());
        text_locals(t, start, text_local_item, &c);
        json_decref(c.seen);
    }
    complete_decls(dc, list, pre, n);
    char sig[300];
    static const char *const names[][2] = {{"", ""},
#define FN_NAMES(id, en, zh, nargs, a0, a1, a2, r, chk, cg, op) {en, zh},
                                           POL_BUILTINS(FN_NAMES)
#undef FN_NAMES
    };
    for (int fn = FN_NONE + 1; fn < FN__COUNT; fn++) {
        for (int l = 0; l < 2; l++)
            if (has_prefix(names[fn][l], pre, n))
                item(list, names[fn][l], CK_FUNCTION, builtin_sig(fn, sig, sizeof sig));
    }
    static const char *const aggs[][2] = {
#define AGG_NAMES(id, en, zh, ret, chk, init, step, op, empty) {en, zh},
        POL_AGGREGATES(AGG_NAMES)
#undef AGG_NAMES
    };
    for (size_t a = 0; a < sizeof aggs / sizeof *aggs; a++)
        for (int l = 0; l < 2; l++) {
            bool dup = false; /* min, max (最小, 最大): also functions, offered once */
            for (int fn = FN_NONE + 1; fn < FN__COUNT && !dup; fn++)
                dup = strcmp(names[fn][l], aggs[a][l]) == 0;
            if (dup || !has_prefix(aggs[a][l], pre, n))
                continue;
            snprintf(sig, sizeof sig, "%s(x in a..b: value) · %s, aggregate", aggs[a][0], aggs[a][1]);
            item(list, aggs[a][l], CK_FUNCTION, sig);
        }
    for (size_t k = 0; k < pol_nkeywords; k++)
        if (has_prefix(pol_keywords[k].spelling, pre, n))
            item(list, pol_keywords[k].spelling, CK_KEYWORD,
                 strcmp(pol_keywords[k].spelling, pol_keywords[k].english) ? pol_keywords[k].english : "keyword");
    reply(s, id, json_pack("{s:b,s:o}", "isIncomplete", 0, "items", list));
}

/* ---- document symbols ---- */

static json_t *symbol(const lsp_doc *dc, const char *name, int kind, span whole, span sel, bool utf8)
{
    if (sel.end <= sel.start || sel.start < whole.start || sel.end > whole.end)
        sel = whole;
    return json_pack("{s:s,s:i,s:o,s:o}", "name", name && *name ? name : "?", "kind", kind, "range",
                     range(dc->an.src, whole, utf8), "selectionRange", range(dc->an.src, sel, utf8));
}

static void on_symbols(lsp_server *s, json_t *id, json_t *params)
{
    lsp_doc *dc = fresh_doc(s, params);
    if (!dc) {
        reply(s, id, NULL);
        return;
    }
    json_t *list = json_array();
    for (ast_decl *x = dc->an.tree ? dc->an.tree->decls : NULL; x; x = x->next) {
        if (x->imported || SPAN_FILE(x->sp.start) != 0)
            continue;
        int k;
        switch (x->kind) {
        case D_INPUT: k = SK_VARIABLE; break;
        case D_PARAM: k = SK_CONSTANT; break;
        case D_RULE: k = x->params ? SK_FUNCTION : SK_PROPERTY; break;
        case D_OUTPUT: k = SK_PROPERTY; break;
        case D_ENUM: k = SK_ENUM; break;
        case D_RECORD: k = SK_STRUCT; break;
        case D_REQUIRE: k = SK_BOOLEAN; break;
        case D_EXCEPTION: k = SK_EVENT; break;
        case D_TEST: k = SK_METHOD; break;
        case D_FINDING: k = SK_STRING; break;
        default: continue;
        }
        json_t *sym = symbol(dc, x->name, k, x->sp, x->name_sp, s->utf8);
        json_object_set_new(sym, "detail", json_string(kind_word(x->kind)));
        json_t *kids = json_array();
        for (ast_member *m = x->members; m; m = m->next)
            json_array_append_new(kids, symbol(dc, m->name, SK_ENUM_MEMBER, m->sp.end > m->sp.start ? m->sp : m->name_sp,
                                               m->name_sp, s->utf8));
        for (ast_field *f = x->fields; f; f = f->next)
            json_array_append_new(kids, symbol(dc, f->name, SK_FIELD, f->sp, f->sp, s->utf8));
        if (json_array_size(kids))
            json_object_set_new(sym, "children", kids);
        else
            json_decref(kids);
        json_array_append_new(list, sym);
    }
    reply(s, id, list);
}

/* ---- formatting ---- */

static void on_formatting(lsp_server *s, json_t *id, json_t *params)
{
    lsp_doc *dc = param_doc(s, params);
    if (!dc) {
        reply(s, id, NULL);
        return;
    }
    diag_ctx d;
    diag_init(&d);
    char *out = NULL;
    size_t n = 0;
    pol_fmt_status st = pol_format(dc->path, dc->text ? dc->text : "", dc->len, &out, &n, &d);
    diag_free(&d);
    if (st != POL_FMT_OK || !out) {
        free(out);
        /* a file that does not parse is left as it is; its diagnostics say why */
        reply_error(s, id, -32803 /* RequestFailed */, st == POL_FMT_SYNTAX ? "the file has syntax errors: not formatted"
                                                                            : "the formatter failed (a bug): not formatted");
        return;
    }
    /* one edit: the part between the common prefix and suffix */
    const char *t = dc->text ? dc->text : "";
    size_t a = 0;
    while (a < n && a < dc->len && out[a] == t[a])
        a++;
    while (a > 0 && ((unsigned char)t[a] & 0xC0) == 0x80 && a < dc->len)
        a--;
    size_t e = 0;
    while (e < n - a && e < dc->len - a && out[n - 1 - e] == t[dc->len - 1 - e])
        e++;
    while (e > 0 && ((unsigned char)t[dc->len - e] & 0xC0) == 0x80)
        e--;
    json_t *edits = json_array();
    if (a != dc->len || n != dc->len) {
        src_file *f = src_new(dc->path, t, dc->len);
        if (f) {
            json_array_append_new(edits, json_pack("{s:o,s:s%}", "range",
                                                   range(f, (span){(uint32_t)a, (uint32_t)(dc->len - e)}, s->utf8),
                                                   "newText", out + a, n - a - e));
            src_free(f);
        }
    }
    free(out);
    reply(s, id, edits);
}

/* ---- code actions ---- */

/* The suggestion of a message "...; did you mean 'X'?" (or "did you mean X?"), into buf. */
static bool suggestion(const char *msg, char *buf, size_t cap)
{
    const char *p = strstr(msg, "did you mean ");
    if (!p)
        return false;
    p += strlen("did you mean ");
    const char *e;
    if (*p == '\'') {
        p++;
        e = strchr(p, '\'');
    } else
        e = strchr(p, '?');
    if (!e || e == p || (size_t)(e - p) >= cap)
        return false;
    memcpy(buf, p, (size_t)(e - p));
    buf[e - p] = 0;
    return true;
}

static void on_code_action(lsp_server *s, json_t *id, json_t *params)
{
    const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
    json_t *diags = json_object_get(json_object_get(params, "context"), "diagnostics");
    json_t *list = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(diags, i, g) {
        const char *msg = str_at(g, "message");
        json_t *r = json_object_get(g, "range");
        char sug[512];
        if (!uri || !msg || !json_is_object(r) || !suggestion(msg, sug, sizeof sug))
            continue;
        char title[600];
        snprintf(title, sizeof title, "Change to '%s'", sug);
        json_t *edit = json_pack("{s:{s:[{s:O,s:s}]}}", "changes", uri, "range", r, "newText", sug);
        json_array_append_new(list, json_pack("{s:s,s:s,s:[O],s:b,s:o}", "title", title, "kind", "quickfix",
                                              "diagnostics", g, "isPreferred", 1, "edit", edit));
    }
    reply(s, id, list);
}

/* ---- dispatch ---- */

typedef struct method {
    const char *name;
    void (*fn)(lsp_server *, json_t *, json_t *);
} method;

static const method requests[] = {
    {"textDocument/hover", on_hover},           {"textDocument/definition", on_definition},
    {"textDocument/references", on_references}, {"textDocument/completion", on_completion},
    {"textDocument/documentSymbol", on_symbols}, {"textDocument/formatting", on_formatting},
    {"textDocument/codeAction", on_code_action},
};

bool lsp_handle(lsp_server *s, const char *body, size_t len)
{
    if (s->exited)
        return false;
    json_error_t err;
    json_t *msg = json_loadb(body, len, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &err);
    if (!msg || !json_is_object(msg)) {
        reply_error(s, NULL, msg ? RPC_INVALID_REQUEST : RPC_PARSE_ERROR,
                    msg ? "a message is a JSON object" : err.text);
        json_decref(msg);
        return true;
    }
    json_t *id = json_object_get(msg, "id");
    const char *m = str_at(msg, "method");
    json_t *params = json_object_get(msg, "params");
    if (!m) {
        if (id && !json_object_get(msg, "result") && !json_object_get(msg, "error"))
            reply_error(s, id, RPC_INVALID_REQUEST, "a request names its method");
        json_decref(msg); /* a response to us: we send no requests */
        return true;
    }
    if (id && !json_is_integer(id) && !json_is_string(id)) {
        reply_error(s, NULL, RPC_INVALID_REQUEST, "a request's id is an integer or a string");
        json_decref(msg);
        return true;
    }
    if (strcmp(m, "exit") == 0) {
        s->exited = true;
        json_decref(msg);
        return false;
    }
    if (strcmp(m, "initialize") == 0) {
        if (id)
            on_initialize(s, id, params);
    } else if (strcmp(m, "shutdown") == 0) {
        s->shutdown = true;
        if (id)
            reply(s, id, NULL);
    } else if (!s->initialized || s->shutdown) {
        if (id)
            reply_error(s, id, s->shutdown ? RPC_INVALID_REQUEST : RPC_NOT_INITIALIZED,
                        s->shutdown ? "the server is shutting down" : "initialize first");
    } else if (strcmp(m, "textDocument/didOpen") == 0)
        on_did_open(s, params);
    else if (strcmp(m, "textDocument/didChange") == 0)
        on_did_change(s, params);
    else if (strcmp(m, "textDocument/didClose") == 0)
        on_did_close(s, params);
    else if (strcmp(m, "textDocument/didSave") == 0)
        on_did_save(s, params);
    else if (id) {
        size_t i = 0;
        while (i < sizeof requests / sizeof *requests && strcmp(requests[i].name, m) != 0)
            i++;
        if (i == sizeof requests / sizeof *requests)
            reply_error(s, id, RPC_METHOD_NOT_FOUND, "method not supported");
        else if (!json_is_object(params))
            reply_error(s, id, RPC_INVALID_PARAMS, "params must be an object");
        else
            requests[i].fn(s, id, params);
    }
    /* other notifications (initialized, $/cancelRequest, ...): nothing to do */
    json_decref(msg);
    return true;
}
