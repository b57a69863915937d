/* fmt.c -- the formatter (fmt.h; the rules are in docs/polc.md, "polc fmt").
 *
 * The file is parsed first (a file with syntax errors is refused); the tree
 * says where each declaration and each item of a block (header entry,
 * dated version, table row, test line, enumeration member) starts.  Then
 * the tokens are read again, with the white space and comments between
 * them, and written out one after another: the tokens as written, the
 * space between them canonical.  A line break the author put between two
 * tokens is kept (indented by the rules), a blank line too (at most one);
 * declarations, items and closing braces always start a line.  Last, the
 * `=` (`=>`, a header value) of the items of one block that stand on
 * consecutive lines is aligned, by display width (a CJK character is two
 * cells).  The output is read once more and must hold the same tokens and
 * comments in the same order; otherwise nothing is returned.
 */
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "mem.h"
#include "parser.h"
#define YYSTYPE POL_YYSTYPE
#define YYLTYPE span
#include "lexer.h"
#include "utf8.h"

#define FMT_INDENT 2

typedef struct tok {
    int kind;
    uint32_t s, e; /* byte offsets */
} tok;

typedef struct toks {
    tok *t;
    uint32_t n, cap;
} toks;

/* Every token of f (spans without file bits: f->id is 0). */
static void lex_all(const src_file *f, toks *out)
{
    arena a;
    arena_init(&a);
    diag_ctx scratch; /* the parse reported every lexical error already */
    diag_init(&scratch);
    diag_add_file(&scratch, (src_file *)f, false);
    pstate ps = {0};
    ps.a = &a;
    ps.d = &scratch;
    ps.f = f;
    ps.offset = 0;
    void *scanner;
    if (pol_yylex_init_extra(&ps, (yyscan_t *)&scanner) == 0) {
        ps.scanner = scanner;
        YY_BUFFER_STATE buf = pol_yy_scan_bytes(f->text, (int)f->len, scanner);
        POL_YYSTYPE lval;
        span loc;
        int k;
        while ((k = pol_yylex(&lval, &loc, scanner)) != 0) {
            POL_GROW(out->t, out->cap, out->n + 1);
            out->t[out->n++] = (tok){k, SPAN_OFF(loc.start), SPAN_OFF(loc.end)};
        }
        pol_yy_delete_buffer(buf, scanner);
        pol_yylex_destroy(scanner);
    }
    diag_free(&scratch);
    arena_free(&a);
}

/* ---- where declarations and items start (from the tree) ---- */

enum { M_DECL = 1, M_ITEM = 2 };

static void mark(uint8_t *m, size_t len, uint32_t off, uint8_t bit)
{
    off = SPAN_OFF(off);
    if (off < len)
        m[off] |= bit;
}

static void mark_versions(uint8_t *m, size_t len, const ast_version *v)
{
    for (; v; v = v->next)
        mark(m, len, v->sp.start, M_ITEM);
}

static void mark_tree(uint8_t *m, size_t len, const ast_policy *p)
{
    for (const ast_meta *x = p->meta; x; x = x->next)
        mark(m, len, x->sp.start, M_ITEM);
    for (const ast_decl *d = p->decls; d; d = d->next) {
        mark(m, len, d->sp.start, M_DECL);
        mark_versions(m, len, d->versions);
        if (d->override_row) /* override param T[ROW] { versions } */
            mark_versions(m, len, (d->override_row2 ? d->override_row2 : d->override_row)->versions);
        for (const ast_row *r = d->rows; r; r = r->next) {
            mark(m, len, r->sp.start, M_ITEM);
            mark_versions(m, len, r->versions);
            for (const ast_row *y = r->sub; y; y = y->next) { /* a table by two keys */
                mark(m, len, y->sp.start, M_ITEM);
                mark_versions(m, len, y->versions);
            }
        }
        for (const ast_item *it = d->items; it; it = it->next)
            mark(m, len, it->sp.start, M_ITEM);
        for (const ast_member *mb = d->members; mb; mb = mb->next)
            mark(m, len, mb->sp.start, M_ITEM);
    }
    for (const ast_clause *cl = p->clauses; cl; cl = cl->next) /* the clause map: declarations too */
        if (!cl->imported)
            mark(m, len, cl->sp.start, M_DECL);
}

/* ---- output lines ---- */

typedef struct fline {
    char *text; /* without the indentation */
    size_t len, cap;
    int indent;
    int align;  /* byte offset in text of the aligned token (=, =>, a header value), or -1 */
    int align2; /* byte offset of the first annotation (cite, note, inferred), or -1 */
    int block;  /* the innermost open block when the line started, or -1 */
    bool item, comment, blank_before;
} fline;

typedef struct fout {
    fline *l;
    size_t n, cap;
} fout;

static fline *new_line(fout *o, int indent, int block, bool blank)
{
    POL_GROW(o->l, o->cap, o->n + 1);
    fline *l = &o->l[o->n++];
    memset(l, 0, sizeof *l);
    l->indent = indent;
    l->align = -1;
    l->align2 = -1;
    l->block = block;
    l->blank_before = blank;
    return l;
}

static void put(fline *l, const char *s, size_t n)
{
    POL_GROW(l->text, l->cap, l->len + n + 1);
    memcpy(l->text + l->len, s, n);
    l->len += n;
    l->text[l->len] = 0;
}

/* ---- spacing ---- */

static bool operand_end(int k)
{
    switch (k) {
    case IDENT: case NUMBER: case PERCENT: case MONEY: case STRING: case MONTHS_LIT: case DAYS_LIT:
    case DATE: case MONTH: case BOOL: case ')': case ']': case '}': case KW_INAPPLICABLE: case KW_UNSTATED:
        return true;
    default:
        return false;
    }
}

static bool is_text(const src_file *f, const tok *t, const char *s)
{
    size_t n = strlen(s);
    return t->e - t->s == n && memcmp(f->text + t->s, s, n) == 0;
}

/* Whether a space goes between tokens p and c on one line (pp: the token
 * before p, or NULL). */
static bool space_between(const src_file *f, const tok *pp, const tok *p, const tok *c)
{
    int pk = p->kind, ck = c->kind;
    if (pk == '(' || pk == '[' || pk == '.')
        return false;
    if (ck == ')' || ck == ']' || ck == ',' || ck == ':' || ck == '.')
        return false;
    if ((pk == ':' && is_text(f, p, "：")) || (pk == ',' && is_text(f, p, "，")))
        return false; /* fullwidth punctuation carries its own space */
    if (ck == DOTDOT)
        return !operand_end(pk);
    if (pk == DOTDOT)
        return !(operand_end(ck) || ck == '<' || ck == '(' || ck == '-' || ck == '[');
    if (pk == '<' && pp && pp->kind == DOTDOT)
        return false; /* ..<hi */
    if (pk == '-' && !(pp && operand_end(pp->kind)))
        return false; /* unary minus */
    if (ck == '(')
        return !(pk == IDENT || pk == KW_LIST);
    if (ck == '[')
        return !operand_end(pk);
    return true;
}

/* ---- the layout ---- */

typedef struct fblock {
    int indent;         /* of the line holding its '{' */
    int id;
    bool meta;          /* the header's { key value ... } */
    bool noalign;       /* a test's lines: not aligned */
    int saved_base, saved_depth;
} fblock;

typedef struct fmt_state {
    const src_file *f;
    const toks *tk;
    const uint8_t *marks;
    fout out;
    fline *cur;
    fblock *blocks;
    int nblocks, next_id;
    size_t blocks_cap;
    int base;           /* indentation of the current declaration or item */
    int depth;          /* ( and [ open since it started */
    bool want_align;    /* the current line is an item's first line: align its = */
    bool want_align2;   /* ... and its first annotation */
    int meta_key;       /* meta item: tokens seen on its line */
    bool in_header;     /* within `policy "title" { ... }` */
    int decl_kind;      /* the first token of the current declaration */
} fmt_state;

static int top_id(const fmt_state *s) { return s->nblocks ? s->blocks[s->nblocks - 1].id : -1; }

/* A comment in the gap [from, to): its text, trailing white space dropped. */
typedef struct gap_comment {
    uint32_t s, e;
    int nl_before; /* newlines between the previous thing and it */
} gap_comment;

/* Reads the white space and comments of a gap; false if anything else is
 * there (which the lexer would have reported). */
static bool read_gap(const char *t, uint32_t from, uint32_t to, gap_comment **cs, int *ncs, size_t *ccap, int *nl_after)
{
    int nl = 0;
    *ncs = 0;
    uint32_t i = from;
    while (i < to) {
        unsigned char ch = (unsigned char)t[i];
        if (ch == '\n') {
            nl++;
            i++;
        } else if (ch == ' ' || ch == '\t' || ch == '\r') {
            i++;
        } else if (ch == 0xE3 && i + 2 < to && (unsigned char)t[i + 1] == 0x80 && (unsigned char)t[i + 2] == 0x80) {
            i += 3; /* ideographic space */
        } else if (ch == '#' || (ch == '/' && i + 1 < to && t[i + 1] == '/')) {
            uint32_t e = i;
            while (e < to && t[e] != '\n')
                e++;
            uint32_t te = e;
            while (te > i && (t[te - 1] == ' ' || t[te - 1] == '\t' || t[te - 1] == '\r'))
                te--;
            POL_GROW(*cs, *ccap, *ncs + 1);
            (*cs)[(*ncs)++] = (gap_comment){i, te, nl};
            nl = 0;
            i = e;
        } else {
            return false;
        }
    }
    *nl_after = nl;
    return true;
}

/* Lays out the tokens into s->out; false if a gap holds something that is
 * neither white space nor a comment. */
static bool layout(fmt_state *s)
{
    const src_file *f = s->f;
    const toks *tk = s->tk;
    gap_comment *cs = NULL;
    int ncs = 0;
    size_t ccap = 0;
    bool trailing = false; /* the current line ends in a comment */
    bool ok = true;
    uint32_t prev_end = 0;
    for (uint32_t i = 0; i <= tk->n && ok; i++) {
        const tok *t = i < tk->n ? &tk->t[i] : NULL;
        uint32_t gs = prev_end, ge = t ? t->s : (uint32_t)f->len;
        int nl_after;
        if (!read_gap(f->text, gs, ge, &cs, &ncs, &ccap, &nl_after)) {
            ok = false;
            break;
        }
        const tok *p = i > 0 ? &tk->t[i - 1] : NULL;
        bool after_open = p && p->kind == '{';
        bool decl = false, item = false, close = false;
        if (t) {
            decl = (s->marks[t->s] & M_DECL) || (i == 0 && t->kind == KW_POLICY);
            /* `override param ...`: the declaration starts at `override` */
            if (t->kind == KW_OVERRIDE && i + 1 < tk->n && (s->marks[tk->t[i + 1].s] & M_DECL))
                decl = true;
            if (p && p->kind == KW_OVERRIDE)
                decl = false;
            item = !decl && s->nblocks &&
                   ((s->marks[t->s] & M_ITEM) || t->kind == KW_EXPECT || t->kind == KW_STATED ||
                    (i + 1 < tk->n && tk->t[i + 1].kind == ARROW));
            close = t->kind == '}';
        }
        /* where the token goes if it starts a line */
        int indent = 0;
        if (t) {
            if (decl)
                indent = 0;
            else if (item)
                indent = s->blocks[s->nblocks - 1].indent + FMT_INDENT;
            else if (close && s->nblocks)
                indent = s->blocks[s->nblocks - 1].indent;
            else if (t->kind == '{')
                indent = s->base;
            else {
                int d = s->depth - ((t->kind == ')' || t->kind == ']') && s->depth > 0);
                indent = s->base + FMT_INDENT * (1 + d);
            }
        }
        int comment_indent = close ? indent + FMT_INDENT : indent;
        /* the comments of the gap */
        for (int c = 0; c < ncs; c++) {
            if (c == 0 && p && cs[c].nl_before == 0 && s->cur) {
                put(s->cur, " ", 1);
                put(s->cur, f->text + cs[c].s, cs[c].e - cs[c].s);
                trailing = true;
                continue;
            }
            bool blank = cs[c].nl_before >= 2 && s->out.n > 0 && !(c == 0 && after_open);
            s->cur = new_line(&s->out, comment_indent, top_id(s), blank);
            s->cur->comment = true;
            put(s->cur, f->text + cs[c].s, cs[c].e - cs[c].s);
            trailing = true;
        }
        if (!t)
            break;
        bool newline = !s->cur || decl || item || close || after_open || trailing || nl_after > 0;
        if (decl) {
            s->in_header = i == 0 && t->kind == KW_POLICY;
            s->decl_kind = t->kind;
        }
        if (newline) {
            bool blank = nl_after >= 2 && s->out.n > 0 && !close && !(after_open && ncs == 0);
            s->cur = new_line(&s->out, indent, top_id(s), blank);
            s->cur->item = item;
            if (decl || item) {
                s->base = indent;
                s->depth = 0;
            }
            s->want_align = item && !s->blocks[s->nblocks - 1].noalign;
            s->want_align2 = s->want_align;
            s->meta_key = 0;
        } else if (space_between(f, i >= 2 ? &tk->t[i - 2] : NULL, p, t)) {
            put(s->cur, " ", 1);
        }
        trailing = false;
        /* the item's aligned token: its first = or => outside brackets, or a
         * header entry's value */
        if (s->want_align && !newline) {
            bool meta = s->nblocks && s->blocks[s->nblocks - 1].meta;
            if ((meta && s->meta_key == 1) || (!meta && s->depth == 0 && (t->kind == '=' || t->kind == ARROW))) {
                s->cur->align = (int)s->cur->len;
                s->want_align = false;
            }
        }
        if (s->want_align2 && !newline && s->depth == 0 &&
            (t->kind == KW_CITE || t->kind == KW_NOTE || t->kind == KW_INFERRED)) {
            s->cur->align2 = (int)s->cur->len;
            s->want_align2 = false;
        }
        s->meta_key++;
        put(s->cur, f->text + t->s, t->e - t->s);
        switch (t->kind) {
        case '(': case '[':
            s->depth++;
            break;
        case ')': case ']':
            if (s->depth > 0)
                s->depth--;
            break;
        case '{': {
            POL_GROW(s->blocks, s->blocks_cap, s->nblocks + 1);
            fblock *b = &s->blocks[s->nblocks++];
            b->indent = s->cur->indent;
            b->id = s->next_id++;
            b->meta = s->nblocks == 1 && s->in_header;
            b->noalign = s->nblocks == 1 && s->decl_kind == KW_TEST;
            b->saved_base = s->base;
            b->saved_depth = s->depth;
            s->want_align = s->want_align2 = false;
            break;
        }
        case '}':
            if (s->nblocks) {
                fblock *b = &s->blocks[--s->nblocks];
                s->base = b->saved_base;
                s->depth = b->saved_depth;
            }
            s->want_align = false;
            break;
        }
        prev_end = t->e;
    }
    free(cs);
    return ok;
}

/* Pads the aligned token of each run of items (one block, consecutive
 * lines, no blank or comment line between) to one column. */
/* Pads column `which` (0: align, 1: align2) of the lines [from, to). */
static void pad_column(fout *o, size_t from, size_t to, int which)
{
    uint32_t w = 0;
    for (size_t j = from; j < to; j++) {
        int at = which ? o->l[j].align2 : o->l[j].align;
        if (o->l[j].item && at >= 0) {
            uint32_t lw = utf8_display_width(o->l[j].text, (size_t)at);
            if (lw > w)
                w = lw;
        }
    }
    for (size_t j = from; j < to; j++) {
        fline *a = &o->l[j];
        int at = which ? a->align2 : a->align;
        if (!a->item || at < 0)
            continue;
        uint32_t lw = utf8_display_width(a->text, (size_t)at);
        if (lw >= w)
            continue;
        size_t pad = w - lw;
        POL_GROW(a->text, a->cap, a->len + pad + 1);
        memmove(a->text + at + pad, a->text + at, a->len - (size_t)at + 1);
        memset(a->text + at, ' ', pad);
        a->len += pad;
        if (!which && a->align2 > at)
            a->align2 += (int)pad;
    }
}

static void pad_run(fout *o, size_t from, size_t to)
{
    pad_column(o, from, to, 0);
    pad_column(o, from, to, 1);
}

/* Pads the aligned token of each run of items (one block, consecutive
 * lines, no blank or comment line between; an item's continuation lines
 * stay in the run) to one column. */
static void align_runs(fout *o)
{
    size_t start = 0;
    int block = -1;
    for (size_t i = 0; i <= o->n; i++) {
        const fline *l = i < o->n ? &o->l[i] : NULL;
        bool cont = l && !l->blank_before && !l->comment && block >= 0 && l->block == block;
        if (!cont) {
            pad_run(o, start, i);
            start = i;
            block = l && l->item ? l->block : -1;
        }
    }
}

static char *render(const fout *o, size_t *outlen)
{
    size_t n = 0;
    for (size_t i = 0; i < o->n; i++)
        n += (size_t)o->l[i].indent + o->l[i].len + 2;
    char *buf = pol_xmalloc(n + 1), *w = buf;
    for (size_t i = 0; i < o->n; i++) {
        if (o->l[i].blank_before)
            *w++ = '\n';
        memset(w, ' ', (size_t)o->l[i].indent);
        w += o->l[i].indent;
        memcpy(w, o->l[i].text, o->l[i].len);
        w += o->l[i].len;
        *w++ = '\n';
    }
    *w = 0;
    *outlen = (size_t)(w - buf);
    return buf;
}

/* The comments of a text, in order, as one string per comment (trailing
 * white space dropped), for the final comparison. */
static bool same_tokens(const src_file *a, const toks *ta, const src_file *b, const toks *tb)
{
    if (ta->n != tb->n)
        return false;
    for (uint32_t i = 0; i < ta->n; i++) {
        const tok *x = &ta->t[i], *y = &tb->t[i];
        if (x->kind != y->kind || x->e - x->s != y->e - y->s || memcmp(a->text + x->s, b->text + y->s, x->e - x->s) != 0)
            return false;
    }
    /* the comments, gap by gap */
    gap_comment *ca = NULL, *cb = NULL;
    int na, nb, nl;
    size_t capa = 0, capb = 0;
    bool same = true;
    for (uint32_t i = 0; i <= ta->n && same; i++) {
        uint32_t as = i ? ta->t[i - 1].e : 0, ae = i < ta->n ? ta->t[i].s : (uint32_t)a->len;
        uint32_t bs = i ? tb->t[i - 1].e : 0, be = i < tb->n ? tb->t[i].s : (uint32_t)b->len;
        if (!read_gap(a->text, as, ae, &ca, &na, &capa, &nl) || !read_gap(b->text, bs, be, &cb, &nb, &capb, &nl) ||
            na != nb) {
            same = false;
            break;
        }
        for (int c = 0; c < na && same; c++)
            same = ca[c].e - ca[c].s == cb[c].e - cb[c].s && memcmp(a->text + ca[c].s, b->text + cb[c].s, ca[c].e - ca[c].s) == 0;
    }
    free(ca);
    free(cb);
    return same;
}

pol_fmt_status pol_format(const char *path, const char *src, size_t len, char **out, size_t *outlen, diag_ctx *d)
{
    *out = NULL;
    *outlen = 0;
    src_file *f = src_new(path, src, len);
    if (!f) {
        diag_report(d, NULL, DIAG_NO_SPAN, DC_LIMIT, "%s: source larger than 16 MiB (the limit is 16 MiB - 1 byte)", path);
        return POL_FMT_SYNTAX;
    }
    if (d->nfiles >= DIAG_MAX_FILES || d->nowned >= DIAG_MAX_FILES) {
        src_free(f);
        diag_report(d, NULL, DIAG_NO_SPAN, DC_LIMIT, "%s: more than %d files in one diagnostic context", path, DIAG_MAX_FILES);
        return POL_FMT_SYNTAX;
    }
    f->id = (uint32_t)d->nfiles; /* the next file of d (a fresh d: 0) */
    diag_add_file(d, f, true);
    span whole = {SPAN_BASE(f->id), SPAN_BASE(f->id)};
    if (memchr(src, 0, len)) {
        uint32_t at = (uint32_t)((const char *)memchr(src, 0, len) - src);
        span nul = {whole.start + at, whole.start + at + 1};
        diag_report(d, f, nul, DC_LEX, "NUL byte in the source");
        return POL_FMT_SYNTAX;
    }
    arena a;
    arena_init(&a);
    int errors = d->errors;
    ast_policy *tree = pol_parse(&a, d, f);
    if (!tree || d->errors > errors) {
        arena_free(&a);
        return POL_FMT_SYNTAX;
    }
    uint8_t *marks = pol_xmalloc(len + 1);
    memset(marks, 0, len + 1);
    mark_tree(marks, len, tree);
    arena_free(&a);

    toks tk = {0};
    lex_all(f, &tk);
    fmt_state s;
    memset(&s, 0, sizeof s);
    s.f = f;
    s.tk = &tk;
    s.marks = marks;
    pol_fmt_status rc = POL_FMT_OK;
    if (!layout(&s)) {
        diag_report(d, f, whole, DC_FORMAT, "the formatter found text between tokens that is neither white space nor a comment");
        rc = POL_FMT_INTERNAL;
    } else {
        align_runs(&s.out);
        size_t n;
        char *text = render(&s.out, &n);
        /* the check: the same tokens and comments, in the same order */
        src_file *g = src_new(path, text, n);
        toks tg = {0};
        if (g) {
            g->id = f->id;
            lex_all(g, &tg);
        }
        if (!g || !same_tokens(f, &tk, g, &tg)) {
            diag_report(d, f, whole, DC_FORMAT,
                        "the formatter's output would not read as the same tokens and comments; the file is left as it is "
                        "(a bug in polc fmt: please report it with this file)");
            free(text);
            rc = POL_FMT_INTERNAL;
        } else {
            *out = text;
            *outlen = n;
        }
        free(tg.t);
        if (g)
            src_free(g);
    }
    for (size_t i = 0; i < s.out.n; i++)
        free(s.out.l[i].text);
    free(s.out.l);
    free(s.blocks);
    free(tk.t);
    free(marks);
    return rc;
}
