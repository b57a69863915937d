/* serve.c -- polserve's registry and request handlers (serve.h).
 * Shares its contract with tools/serve.h, tools/polserve.c, docs/polserve.md.
 */
#include "serve.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clause.h"
#include "cli.h"
#include "mem.h"
#include "polint.h"

#define SCAN_DEPTH 8 /* folders below DIR that are searched */

void srv_default_limits(srv_limits *lim)
{
    lim->max_body = (size_t)1 << 20;        /* 1 MiB  */
    lim->max_batch_body = (size_t)64 << 20; /* 64 MiB */
    lim->max_record = (size_t)1 << 20;
    lim->max_scenarios = 1000;
    lim->max_steps = 10000000;
    lim->timeout = 30;
}

/* ---- the registry ---- */

typedef struct handle {
    pol_policy *pol;
    char *name, *path;
    sc_buf iface;     /* the interface JSON, written once */
    clause_set *clauses; /* the notice's clauses for explanations, or NULL (no notice at hand) */
    int refs;         /* under srv.mu */
} handle;

typedef struct entry {
    char *name, *path;
    struct timespec mtime;
    off_t size;
    handle *h;        /* NULL: never loaded successfully */
} entry;

struct srv {
    char *dir;
    srv_limits lim;
    bool log;
    pthread_mutex_t mu; /* entries, every handle's refs */
    entry *e;
    size_t n;
    time_t started;
};

srv *srv_new(const char *dir, const srv_limits *lim, bool log)
{
    srv *s = pol_xcalloc(1, sizeof *s);
    s->dir = pol_xstrdup(dir);
    for (size_t n = strlen(s->dir); n > 1 && s->dir[n - 1] == '/'; n--)
        s->dir[n - 1] = 0; /* "policies/": files are "policies/rizhao/...", not "policies//rizhao/..." */
    s->lim = *lim;
    s->log = log;
    pthread_mutex_init(&s->mu, NULL);
    s->started = time(NULL);
    return s;
}

static void handle_free(handle *h)
{
    pol_policy_free(h->pol);
    free(h->name);
    free(h->path);
    sc_buf_clear(&h->iface);
    clause_set_free(h->clauses);
    free(h);
}

static void handle_release(srv *s, handle *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&s->mu);
    bool last = --h->refs == 0;
    pthread_mutex_unlock(&s->mu);
    if (last)
        handle_free(h);
}

/* A reference to the policy named name[0..len), or NULL. */
static handle *handle_get(srv *s, const char *name, size_t len)
{
    handle *h = NULL;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->n && !h; i++)
        if (s->e[i].h && strlen(s->e[i].name) == len && !memcmp(s->e[i].name, name, len)) {
            h = s->e[i].h;
            h->refs++;
        }
    pthread_mutex_unlock(&s->mu);
    return h;
}

void srv_free(srv *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        handle_release(s, s->e[i].h);
        free(s->e[i].name);
        free(s->e[i].path);
    }
    free(s->e);
    pthread_mutex_destroy(&s->mu);
    free(s->dir);
    free(s);
}

typedef struct found {
    char *name, *path;
    struct timespec mtime;
    off_t size;
} found;

typedef struct found_list {
    found *f;
    size_t n, cap;
} found_list;

static int found_cmp(const void *a, const void *b)
{
    return strcmp(((const found *)a)->path, ((const found *)b)->path);
}

static void scan_dir(const char *dir, int depth, found_list *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ., .., hidden files, editors' temporary files */
        size_t dl = strlen(dir), nl = strlen(de->d_name);
        char *path = pol_xmalloc(dl + nl + 2);
        memcpy(path, dir, dl);
        path[dl] = '/';
        memcpy(path + dl + 1, de->d_name, nl + 1);
        struct stat st;
        if (stat(path, &st) != 0) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (depth < SCAN_DEPTH)
                scan_dir(path, depth + 1, out);
            free(path);
            continue;
        }
        size_t ext = cli_ends_with(de->d_name, ".polc") ? 5 : cli_ends_with(de->d_name, ".pol") ? 4 : 0;
        if (!S_ISREG(st.st_mode) || !ext || nl == ext) {
            free(path);
            continue;
        }
        if (out->n == out->cap)
            POL_GROW(out->f, out->cap, out->n + 1);
        found *f = &out->f[out->n++];
        f->path = path;
        f->name = pol_xmalloc(nl - ext + 1);
        memcpy(f->name, de->d_name, nl - ext);
        f->name[nl - ext] = 0;
        f->mtime = st.st_mtim;
        f->size = st.st_size;
    }
    closedir(d);
}

static handle *load_handle(srv *s, const found *f)
{
    cli_load how = {.tool = "polserve", .source_if_not_polc = false, .bytecode = true};
    int code = 0;
    pol_policy *pol = cli_load_policy(&how, f->path, &code, NULL);
    if (!pol) {
        if (s->log)
            pol_tr_fprintf(stderr, "polserve: %s: not loaded (the previous version, if any, is still served)\n", f->path);
        return NULL;
    }
    handle *h = pol_xcalloc(1, sizeof *h);
    h->pol = pol;
    h->name = pol_xstrdup(f->name);
    h->path = pol_xstrdup(f->path);
    sc_buf_init(&h->iface);
    pol_policy_interface_json_buf(pol, &h->iface);
    h->clauses = clause_set_for_program(pol_policy_program(pol), f->path); /* read-only once made: shared by the threads */
    h->refs = 1; /* the registry's */
    return h;
}

size_t srv_scan(srv *s)
{
    found_list fl = {0};
    scan_dir(s->dir, 0, &fl);
    if (fl.n)
        qsort(fl.f, fl.n, sizeof *fl.f, found_cmp);
    entry *ne = pol_xcalloc(fl.n + 1, sizeof *ne);
    size_t nn = 0;
    /* Only this function changes s->e, and it runs on one thread at a
     * time: reading it here without the lock is safe. */
    bool *kept = pol_xcalloc(s->n + 1, sizeof *kept);
    for (size_t i = 0; i < fl.n; i++) {
        found *f = &fl.f[i];
        bool dup = false;
        for (size_t k = 0; k < nn && !dup; k++)
            dup = !strcmp(ne[k].name, f->name);
        if (dup) {
            if (s->log)
                pol_tr_fprintf(stderr, "polserve: %s: skipped, another file is already named %s\n", f->path, f->name);
            continue;
        }
        entry *old = NULL;
        for (size_t k = 0; k < s->n && !old; k++)
            if (!kept[k] && !strcmp(s->e[k].name, f->name)) {
                old = &s->e[k];
                kept[k] = true;
            }
        entry *e = &ne[nn++];
        e->name = pol_xstrdup(f->name);
        e->path = pol_xstrdup(f->path);
        e->mtime = f->mtime;
        e->size = f->size;
        if (old && !strcmp(old->path, f->path) && old->mtime.tv_sec == f->mtime.tv_sec &&
            old->mtime.tv_nsec == f->mtime.tv_nsec && old->size == f->size) {
            e->h = old->h; /* unchanged (or failed before and not changed since) */
            old->h = NULL;
            continue;
        }
        e->h = load_handle(s, f);
        if (e->h && s->log && old)
            pol_tr_fprintf(stderr, "polserve: %s: reloaded\n", f->path);
        if (!e->h && old) { /* keep serving the version that compiled */
            e->h = old->h;
            old->h = NULL;
        }
    }
    pthread_mutex_lock(&s->mu);
    entry *olde = s->e;
    size_t oldn = s->n;
    s->e = ne;
    s->n = nn;
    pthread_mutex_unlock(&s->mu);
    for (size_t k = 0; k < oldn; k++) {
        handle_release(s, olde[k].h); /* vanished or replaced: freed when the last request is done */
        free(olde[k].name);
        free(olde[k].path);
    }
    free(olde);
    free(kept);
    size_t served = 0;
    for (size_t i = 0; i < nn; i++)
        served += ne[i].h != NULL;
    for (size_t i = 0; i < fl.n; i++) {
        free(fl.f[i].name);
        free(fl.f[i].path);
    }
    free(fl.f);
    return served;
}

/* ---- replies ---- */

void srv_reply_clear(srv_reply *r)
{
    sc_buf_clear(&r->body);
    srv_stream_free(r->stream);
    memset(r, 0, sizeof *r);
}

static void reply_json(srv_reply *r, int status, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
    json_decref(j);
    r->status = status;
    r->type = "application/json; charset=utf-8";
    sc_buf_reset(&r->body);
    if (text) {
        sc_buf_puts(&r->body, text);
        free(text);
    }
    sc_buf_putc(&r->body, '\n');
}

void srv_error(srv_reply *r, int status, const char *code, const char *msg)
{
    reply_json(r, status, json_pack("{s:{s:i,s:s,s:s}}", "error", "status", status, "code", code, "message", msg));
}

/* The body text (libpol's JSON) as the reply. */
static void reply_text(srv_reply *r, int status, const char *type)
{
    r->status = status;
    r->type = type;
}

/* ---- scenarios ---- */

/* The clause of whatever `name` is (an input or a rule), or NULL. */
static const char *clause_of(const pol_policy *pol, const char *name)
{
    const bc_program *p = pol_policy_program(pol);
    if (!name || !*name)
        return NULL;
    int i = pol_find_input(pol, name, strlen(name));
    if (i >= 0)
        return p->inputs[i].cite;
    int r = pol_find_rule(pol, name, strlen(name));
    return r >= 0 ? p->rules[r].cite : NULL;
}

static void put_opt(sc_buf *b, const char *key, const char *v)
{
    if (!v || !*v)
        return;
    sc_buf_printf(b, ",\"%s\":", key);
    sc_buf_json_string(b, v, strlen(v));
}

static const char *status_name(pol_status st)
{
    switch (st) {
    case POL_E_INPUT: return "input";
    case POL_E_BOUND: return "bound";
    case POL_E_RUNTIME: return "runtime";
    case POL_NOT_APPLICABLE: return "not_applicable";
    case POL_UNSTATED: return "unstated";
    default: return "error";
    }
}

/* The fields of an error object after its opening brace: "class", "message",
 * "field", "position", "clause" (the last three when known). */
static void put_error_fields(sc_buf *b, const pol_policy *pol, const pol_error *e, const char *fallback_clause)
{
    sc_buf_printf(b, "\"class\":\"%s\",\"message\":", status_name(e->status));
    sc_buf_json_string(b, e->msg, strlen(e->msg));
    put_opt(b, "field", e->field);
    char at[POL_POS_TEXT_MAX];
    put_opt(b, "position", pol_pos_text(&e->pos, at, sizeof at));
    const char *cl = clause_of(pol, e->field);
    put_opt(b, "clause", cl ? cl : fallback_clause);
}

enum { SCEN_RAN, SCEN_SYNTAX, SCEN_REJECTED };


/* Evaluates one scenario text; appends to out its result object: {"outputs":
 * {...}} with "unavailable":{output: error} when some output has no value,
 * {"explanation JSON"} with `explain`, or {"error":{...}}. */
static int eval_scenario(const handle *h, pol_eval *ev, sc_record *rec, const char *text, size_t len, bool explain,
                         sc_buf *out)
{
    sc_error serr;
    pol_error perr;
    pol_eval_begin(ev);
    if (sc_parse_json_object(rec, text, len, &serr) != 0) {
        sc_buf_printf(out, "{\"error\":{\"class\":\"syntax\",\"message\":");
        char msg[260];
        snprintf(msg, sizeof msg, "byte %zu: %s", serr.offset + 1, serr.msg);
        sc_buf_json_string(out, msg, strlen(msg));
        sc_buf_printf(out, ",\"byte\":%zu}}", serr.offset + 1);
        return SCEN_SYNTAX;
    }
    if (pol_eval_set_record(ev, rec, false, &perr) != 0) {
        sc_buf_puts(out, "{\"error\":{");
        put_error_fields(out, h->pol, &perr, NULL);
        sc_buf_puts(out, "}}");
        return SCEN_REJECTED;
    }
    pol_eval_run(ev, &perr);
    if (explain) { /* as polrun --explain=json --explain-clauses: the clauses' words when the notice is at hand */
        pol_explain_opts eo = {.month = -1, .clause_words = h->clauses ? clause_words_for : NULL, .clause_ctx = h->clauses};
        pol_eval_explain_buf(ev, POL_EXPLAIN_JSON, &eo, out, NULL, 0);
        return SCEN_RAN;
    }
    sc_buf_puts(out, "{\"outputs\":");
    pol_eval_outputs_json_buf(ev, out);
    const bc_program *p = pol_policy_program(h->pol);
    bool first = true;
    for (uint32_t r = 0; r < p->nrules; r++) {
        const pol_error *e = p->rules[r].is_output ? pol_eval_output_error(ev, r) : NULL;
        if (!e)
            continue;
        sc_buf_puts(out, first ? ",\"unavailable\":{" : ",");
        first = false;
        sc_buf_json_string(out, p->rules[r].name, strlen(p->rules[r].name));
        sc_buf_puts(out, ":{");
        put_error_fields(out, h->pol, e, p->rules[r].cite);
        sc_buf_putc(out, '}');
    }
    if (!first)
        sc_buf_putc(out, '}');
    sc_buf_putc(out, '}');
    return SCEN_RAN;
}

/* Skips a UTF-8 byte order mark and surrounding white space. */
static void trim(const char **t, size_t *len)
{
    if (*len >= 3 && !memcmp(*t, "\xEF\xBB\xBF", 3)) {
        *t += 3;
        *len -= 3;
    }
    while (*len && strchr(" \t\r\n", (*t)[0]) && (*t)[0])
        (*t)++, (*len)--;
    while (*len && strchr(" \t\r\n", (*t)[*len - 1]) && (*t)[*len - 1])
        (*len)--;
}

typedef struct array_ctx {
    srv *s;
    const handle *h;
    pol_eval *ev;
    sc_record rec;
    sc_buf *out;
    uint32_t count;
} array_ctx;

static int array_elem(void *ctx, int index, const char *elem, size_t len, sc_error *err)
{
    array_ctx *a = ctx;
    if (++a->count > a->s->lim.max_scenarios) {
        err->offset = 0;
        snprintf(err->msg, sizeof err->msg, "more than %u scenarios in one request", a->s->lim.max_scenarios);
        return -1;
    }
    if (index)
        sc_buf_putc(a->out, ',');
    eval_scenario(a->h, a->ev, &a->rec, elem, len, false, a->out);
    return 0;
}

static pol_eval *new_eval(const srv *s, const handle *h)
{
    pol_eval *ev = pol_eval_new(h->pol);
    pol_eval_set_step_limit(ev, s->lim.max_steps);
    return ev;
}

static void do_calculate(srv *s, const handle *h, const char *body, size_t len, bool explain, srv_reply *r)
{
    trim(&body, &len);
    if (len == 0) {
        srv_error(r, 400, "empty_body", "the request body must be a scenario (a JSON object) or an array of them");
        return;
    }
    if (len > s->lim.max_record && body[0] != '[') {
        srv_error(r, 413, "too_large", "the scenario is larger than the limit on one scenario");
        return;
    }
    pol_eval *ev = new_eval(s, h);
    pol_eval_set_trace(ev, explain);
    if (body[0] == '[') {
        if (explain) {
            pol_eval_free(ev);
            srv_error(r, 400, "not_an_object", "explain takes one scenario (a JSON object), not an array");
            return;
        }
        array_ctx a = {.s = s, .h = h, .ev = ev, .out = &r->body};
        sc_record_init(&a.rec);
        sc_buf_puts(&r->body, "{\"results\":[");
        sc_error serr;
        int rc = sc_json_array_each(body, len, array_elem, &a, &serr);
        sc_record_clear(&a.rec);
        pol_eval_free(ev);
        if (rc != 0) {
            char msg[300];
            bool many = a.count > s->lim.max_scenarios;
            if (many)
                snprintf(msg, sizeof msg, "%s", serr.msg);
            else
                snprintf(msg, sizeof msg, "byte %zu: %s", serr.offset + 1, serr.msg);
            srv_error(r, many ? 413 : 400, many ? "too_many_scenarios" : "syntax", msg);
            return;
        }
        sc_buf_puts(&r->body, "]}\n");
        reply_text(r, 200, "application/json; charset=utf-8");
        return;
    }
    sc_record rec;
    sc_record_init(&rec);
    int rc = eval_scenario(h, ev, &rec, body, len, explain, &r->body);
    sc_record_clear(&rec);
    pol_eval_free(ev);
    sc_buf_putc(&r->body, '\n');
    reply_text(r, rc == SCEN_RAN ? 200 : rc == SCEN_SYNTAX ? 400 : 422, "application/json; charset=utf-8");
}

/* ---- batch: JSON Lines in, JSON Lines out, produced as they are read ---- */

struct srv_stream {
    srv *s;
    handle *h;
    char *body;
    size_t len, off;  /* input not yet read from off */
    long line;
    pol_eval *ev;
    sc_record rec;
    sc_buf out;
    size_t out_off;   /* out[out_off..] not yet sent */
    struct timespec deadline;
    bool ended;
};

static bool past(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* Evaluates records until out holds 64 KiB or the input ends. */
static void stream_fill(srv_stream *st)
{
    sc_buf_reset(&st->out);
    st->out_off = 0;
    while (!st->ended && st->out.len < 65536) {
        if (st->off >= st->len) {
            st->ended = true;
            break;
        }
        if (past(&st->deadline)) {
            sc_buf_printf(&st->out, "{\"line\":%ld,\"error\":{\"class\":\"timeout\",\"message\":"
                          "\"the batch took longer than %u s; records from this line on were not evaluated\"}}\n",
                          st->line + 1, st->s->lim.timeout);
            st->ended = true;
            break;
        }
        const char *t = st->body + st->off;
        const char *nl = memchr(t, '\n', st->len - st->off);
        size_t n = nl ? (size_t)(nl - t) : st->len - st->off;
        st->off += n + (nl != NULL);
        st->line++;
        if (st->line == 1 && n >= 3 && !memcmp(t, "\xEF\xBB\xBF", 3))
            t += 3, n -= 3;
        if (n && t[n - 1] == '\r')
            n--;
        size_t k = 0;
        while (k < n && (t[k] == ' ' || t[k] == '\t'))
            k++;
        if (k == n)
            continue; /* a blank line is not a record */
        sc_buf_printf(&st->out, "{\"line\":%ld,", st->line);
        if (n > st->s->lim.max_record) {
            sc_buf_printf(&st->out, "\"error\":{\"class\":\"too_large\",\"message\":\"the record is longer than %zu bytes\"}}\n",
                          st->s->lim.max_record);
            continue;
        }
        size_t mark = st->out.len;
        eval_scenario(st->h, st->ev, &st->rec, t, n, false, &st->out);
        /* the result object's fields go straight into the line's object */
        memmove(st->out.data + mark, st->out.data + mark + 1, st->out.len - mark - 1);
        st->out.len--;
        st->out.data[st->out.len] = 0;
        sc_buf_putc(&st->out, '\n');
    }
}

size_t srv_stream_read(srv_stream *st, char *buf, size_t max)
{
    if (st->out_off >= st->out.len)
        stream_fill(st);
    size_t n = st->out.len - st->out_off;
    if (n > max)
        n = max;
    if (n)
        memcpy(buf, st->out.data + st->out_off, n);
    st->out_off += n;
    return n;
}

void srv_stream_free(srv_stream *st)
{
    if (!st)
        return;
    pol_eval_free(st->ev);
    sc_record_clear(&st->rec);
    sc_buf_clear(&st->out);
    handle_release(st->s, st->h);
    free(st->body);
    free(st);
}

static void do_batch(srv *s, handle *h, const char *body, size_t len, srv_reply *r)
{
    srv_stream *st = pol_xcalloc(1, sizeof *st);
    st->s = s;
    st->h = h;
    pthread_mutex_lock(&s->mu);
    h->refs++; /* the stream's own, released with it */
    pthread_mutex_unlock(&s->mu);
    st->body = pol_xmalloc(len + 1);
    if (len)
        memcpy(st->body, body, len);
    st->len = len;
    st->ev = new_eval(s, h);
    sc_record_init(&st->rec);
    sc_buf_init(&st->out);
    clock_gettime(CLOCK_MONOTONIC, &st->deadline);
    st->deadline.tv_sec += s->lim.timeout;
    r->stream = st;
    reply_text(r, 200, "application/x-ndjson; charset=utf-8");
}

/* ---- the list, health ---- */

static const char *meta_of(const pol_policy *pol, const char *key)
{
    const bc_program *p = pol_policy_program(pol);
    for (uint32_t i = 0; i < p->nmeta; i++)
        if (!strcmp(p->meta[i].key, key))
            return p->meta[i].value;
    return NULL;
}

static json_t *str_or_null(const char *v) { return v ? json_string(v) : json_null(); }

static void do_list(srv *s, srv_reply *r)
{
    json_t *arr = json_array();
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->n; i++) {
        const handle *h = s->e[i].h;
        if (!h)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(h->name));
        json_object_set_new(o, "title", str_or_null(pol_policy_name(h->pol)));
        json_object_set_new(o, "region", str_or_null(meta_of(h->pol, "region")));
        json_object_set_new(o, "document", str_or_null(meta_of(h->pol, "document")));
        json_object_set_new(o, "date", str_or_null(meta_of(h->pol, "date")));
        json_object_set_new(o, "file", json_string(h->path + strlen(s->dir) + (h->path[strlen(s->dir)] == '/')));
        json_array_append_new(arr, o);
    }
    pthread_mutex_unlock(&s->mu);
    reply_json(r, 200, json_pack("{s:o}", "policies", arr));
}

static void do_health(srv *s, srv_reply *r)
{
    size_t n = 0;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->n; i++)
        n += s->e[i].h != NULL;
    pthread_mutex_unlock(&s->mu);
    reply_json(r, 200, json_pack("{s:s,s:I,s:I}", "status", "ok", "policies", (json_int_t)n /* not an amount */,
                                 "uptime_s", (json_int_t)(time(NULL) - s->started) /* not an amount */));
}

/* ---- routing ---- */

static bool is_get(const char *m) { return !strcmp(m, "GET") || !strcmp(m, "HEAD"); }

static void method_not_allowed(srv_reply *r, const char *allow)
{
    char msg[100];
    snprintf(msg, sizeof msg, "this resource accepts %s only", allow);
    srv_error(r, 405, "method_not_allowed", msg);
    r->allow = allow;
}

static const srv_asset *asset(const char *path)
{
    if (!strcmp(path, "/"))
        path = "/index.html";
    for (size_t i = 0; i < srv_nassets; i++)
        if (!strcmp(srv_assets[i].path, path))
            return &srv_assets[i];
    return NULL;
}

/* A policy name as it appears in a path: no '/', no leading dot, no
 * control characters (the name is only ever looked up in the registry). */
static bool plausible_name(const char *n, size_t len)
{
    if (len == 0 || len > 255 || n[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)n[i] < 0x20 || n[i] == '/' || n[i] == '\\' || n[i] == 0x7f)
            return false;
    return true;
}

void srv_handle(srv *s, const char *method, const char *path, const char *body, size_t len, srv_reply *r)
{
    memset(r, 0, sizeof *r);
    sc_buf_init(&r->body);
    if (!body)
        body = "", len = 0;
    if (strncmp(path, "/v1/", 4) != 0 && strcmp(path, "/v1") != 0) {
        const srv_asset *a = asset(path);
        if (!a) {
            srv_error(r, 404, "not_found", "no such page; the API is under /v1/");
            return;
        }
        if (!is_get(method)) {
            method_not_allowed(r, "GET, HEAD");
            return;
        }
        r->status = 200;
        r->type = a->type;
        r->data = (const char *)a->data;
        r->len = a->len;
        return;
    }
    const char *rest = path + 3;
    if (!strcmp(rest, "/health") || !strcmp(rest, "/policies") || !strcmp(rest, "/openapi.json")) {
        if (!is_get(method)) {
            method_not_allowed(r, "GET, HEAD");
            return;
        }
        if (rest[1] == 'h')
            do_health(s, r);
        else if (rest[1] == 'p')
            do_list(s, r);
        else {
            const srv_asset *a = asset("/openapi.json");
            r->status = 200;
            r->type = "application/json; charset=utf-8";
            r->data = a ? (const char *)a->data : "{}";
            r->len = a ? a->len : 2;
        }
        return;
    }
    if (strncmp(rest, "/policies/", 10) != 0) {
        srv_error(r, 404, "not_found", "no such resource; see /v1/openapi.json");
        return;
    }
    const char *name = rest + 10, *slash = strchr(name, '/');
    size_t nlen = slash ? (size_t)(slash - name) : strlen(name);
    const char *action = slash ? slash + 1 : "";
    enum { A_IFACE, A_CALC, A_EXPLAIN, A_BATCH } act;
    if (!*action)
        act = A_IFACE;
    else if (!strcmp(action, "calculate"))
        act = A_CALC;
    else if (!strcmp(action, "explain"))
        act = A_EXPLAIN;
    else if (!strcmp(action, "batch"))
        act = A_BATCH;
    else {
        srv_error(r, 404, "not_found", "no such action; a policy has calculate, explain and batch");
        return;
    }
    if (!plausible_name(name, nlen)) {
        srv_error(r, 404, "unknown_policy", "not a policy name");
        return;
    }
    handle *h = handle_get(s, name, nlen);
    if (!h) {
        srv_error(r, 404, "unknown_policy", "no policy of that name; GET /v1/policies lists them");
        return;
    }
    if (act == A_IFACE ? !is_get(method) : strcmp(method, "POST") != 0) {
        method_not_allowed(r, act == A_IFACE ? "GET, HEAD" : "POST");
    } else if (act == A_IFACE) {
        sc_buf_put(&r->body, h->iface.data, h->iface.len);
        sc_buf_putc(&r->body, '\n');
        reply_text(r, 200, "application/json; charset=utf-8");
    } else if (act == A_BATCH) {
        do_batch(s, h, body, len, r);
    } else {
        do_calculate(s, h, body, len, act == A_EXPLAIN, r);
    }
    handle_release(s, h);
}
