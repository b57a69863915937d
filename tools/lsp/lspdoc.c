/* lspdoc.c -- pol-lsp's documents, positions and names (lspdoc.h). */
#include "lspdoc.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"
#include "utf8.h"

/* ---- positions ---- */

uint32_t lsp_units(const char *t, size_t from, size_t to, bool utf8)
{
    if (utf8)
        return (uint32_t)(to - from);
    uint32_t u = 0;
    for (size_t i = from; i < to;) {
        uint32_t cp;
        size_t k = utf8_next((const unsigned char *)t + i, to - i, &cp);
        if (k == 0)
            k = 1;
        u += k == 4 ? 2 : 1; /* a 4-byte sequence is outside the BMP: a surrogate pair */
        i += k;
    }
    return u;
}

size_t lsp_offset(const char *t, size_t len, int64_t line, int64_t ch, bool utf8)
{
    if (line < 0)
        return 0;
    size_t i = 0;
    for (int64_t l = 0; l < line; l++) {
        const char *nl = memchr(t + i, '\n', len - i);
        if (!nl)
            return len;
        i = (size_t)(nl - t) + 1;
    }
    const char *nl = memchr(t + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - t) : len;
    int64_t u = 0;
    while (i < end && u < ch) {
        uint32_t cp;
        size_t k = utf8_next((const unsigned char *)t + i, end - i, &cp);
        if (k == 0)
            k = 1;
        int64_t w = utf8 ? (int64_t)k : k == 4 ? 2 : 1;
        if (u + w > ch) /* inside a character (half a surrogate pair): its start */
            break;
        u += w;
        i += k;
    }
    return i;
}

void lsp_position(const src_file *f, uint32_t off, bool utf8, uint32_t *line, uint32_t *ch)
{
    off = SPAN_OFF(off);
    if (off > f->len)
        off = (uint32_t)f->len;
    uint32_t lo = 0, hi = f->nlines;
    while (lo + 1 < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = lo;
    *ch = lsp_units(f->text, f->line_starts[lo], off, utf8);
}

/* ---- documents ---- */

void lsp_doc_set_text(lsp_doc *dc, const char *text, size_t len)
{
    lsp_doc_edit(dc, 0, dc->len, text, len);
}

void lsp_doc_edit(lsp_doc *dc, size_t from, size_t to, const char *text, size_t len)
{
    if (to > dc->len)
        to = dc->len;
    if (from > to)
        from = to;
    size_t n = dc->len - (to - from) + len;
    if (n + 1 > dc->cap) {
        dc->cap = n + 1 + n / 2;
        dc->text = pol_xrealloc(dc->text, dc->cap);
    }
    memmove(dc->text + from + len, dc->text + to, dc->len - to);
    memcpy(dc->text + from, text, len);
    dc->len = n;
    dc->text[n] = 0;
    dc->dirty = true;
}

static void drop_analysis(lsp_doc *dc)
{
    if (!dc->analysed)
        return;
    pol_analysis_free(&dc->an);
    diag_free(&dc->d);
    free(dc->names);
    dc->names = NULL;
    dc->nnames_cap = 0;
    dc->analysed = false;
}

bool lsp_named_decl(const ast_decl *x)
{
    switch (x->kind) {
    case D_INPUT: case D_PARAM: case D_RULE: case D_OUTPUT: case D_REQUIRE: case D_ENUM: case D_RECORD:
    case D_EXCEPTION:
        return x->name != NULL;
    default:
        return false;
    }
}

static void index_names(lsp_doc *dc)
{
    size_t n = 0;
    if (dc->an.tree)
        for (ast_decl *x = dc->an.tree->decls; x; x = x->next)
            n += lsp_named_decl(x);
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    dc->names = pol_xrealloc(NULL, cap * sizeof *dc->names);
    memset(dc->names, 0, cap * sizeof *dc->names);
    dc->nnames_cap = cap;
    if (!dc->an.tree)
        return;
    for (ast_decl *x = dc->an.tree->decls; x; x = x->next) {
        if (!lsp_named_decl(x))
            continue;
        size_t i = pol_hash(x->name, strlen(x->name)) & (cap - 1);
        while (dc->names[i].name && strcmp(dc->names[i].name, x->name) != 0)
            i = (i + 1) & (cap - 1);
        if (!dc->names[i].name) { /* the first declaration of a name wins */
            dc->names[i].name = x->name;
            dc->names[i].decl = x;
        }
    }
}

void lsp_doc_analyse(lsp_doc *dc)
{
    drop_analysis(dc);
    diag_init(&dc->d);
    pol_analyze(dc->path, dc->text ? dc->text : "", dc->len, &dc->d, &dc->an);
    dc->analysed = true;
    dc->dirty = false;
    index_names(dc);
}

void lsp_doc_free(lsp_doc *dc)
{
    drop_analysis(dc);
    free(dc->uri);
    free(dc->path);
    free(dc->text);
    free(dc);
}

const src_file *lsp_doc_file(const lsp_doc *dc, uint32_t raw_off)
{
    uint32_t fid = SPAN_FILE(raw_off);
    if (!dc->analysed)
        return NULL;
    if (fid == 0)
        return dc->an.src;
    return (int)fid < dc->d.nfiles ? dc->d.files[fid] : NULL;
}

ast_decl *lsp_doc_lookup(const lsp_doc *dc, const char *name)
{
    if (!name || !dc->names)
        return NULL;
    size_t cap = dc->nnames_cap;
    size_t i = pol_hash(name, strlen(name)) & (cap - 1);
    while (dc->names[i].name) {
        if (strcmp(dc->names[i].name, name) == 0)
            return dc->names[i].decl;
        i = (i + 1) & (cap - 1);
    }
    return NULL;
}

/* ---- names in the tree ---- */

#define MAX_LOCALS 64

typedef struct walker {
    const lsp_doc *dc;
    lsp_occ_fn fn;
    void *ctx;
    bool stop;
    const ast_decl *owner;            /* the declaration being walked */
    struct { const char *name; span at; } locals[MAX_LOCALS];
    int nlocals;
} walker;

static void emit(walker *w, span sp, lsp_target t, bool is_decl)
{
    if (w->stop || sp.end <= sp.start || t.kind == T_NONE)
        return;
    lsp_occ o = {sp, t, is_decl, w->owner};
    if (!w->fn(w->ctx, &o))
        w->stop = true;
}

static ast_decl *decl_of_kind(const lsp_doc *dc, const char *name, decl_kind k)
{
    ast_decl *d = lsp_doc_lookup(dc, name);
    return d && d->kind == k ? d : NULL;
}

static ast_member *member_named(const ast_decl *en, const char *name)
{
    if (!en || !name)
        return NULL;
    for (ast_member *m = en->members; m; m = m->next)
        if (m->name && strcmp(m->name, name) == 0)
            return m;
    return NULL;
}

static ast_field *field_named(const ast_decl *d, const char *name)
{
    if (!d || !name)
        return NULL;
    for (ast_field *f = d->fields; f; f = f->next)
        if (f->name && strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* The enumeration or record a checked expression's value belongs to. */
static ast_decl *type_owner(const lsp_doc *dc, uint8_t type, uint32_t tref)
{
    const chk_result *r = &dc->an.r;
    if (type == PT_ENUM && tref < r->nenums)
        return r->enums[tref];
    if ((type == PT_RECORD || type == PT_LIST) && tref < r->nrecords)
        return r->records[tref];
    return NULL;
}

/* A member of some enumeration named `name` (a bare member), or NULL. */
static lsp_target bare_member(const lsp_doc *dc, const ast_expr *e)
{
    lsp_target t = {0};
    const chk_result *r = &dc->an.r;
    if (e->sym == SYM_MEMBER && e->tref < r->nenums) {
        t.decl = r->enums[e->tref];
        t.member = member_named(t.decl, e->text);
        t.kind = t.member ? T_MEMBER : T_NONE;
    }
    return t;
}

static lsp_target name_target(walker *w, const char *name, const ast_expr *e)
{
    lsp_target t = {0};
    if (!name)
        return t;
    for (int i = w->nlocals - 1; i >= 0; i--)
        if (strcmp(w->locals[i].name, name) == 0) {
            t.kind = T_LOCAL;
            t.name = w->locals[i].name;
            t.at = w->locals[i].at;
            return t;
        }
    if (w->owner)
        for (ast_decl *p = w->owner->params; p; p = p->next)
            if (p->name && strcmp(p->name, name) == 0) {
                t.kind = T_DECL;
                t.decl = p;
                return t;
            }
    ast_decl *d = lsp_doc_lookup(w->dc, name);
    if (d) {
        t.kind = T_DECL;
        t.decl = d;
        return t;
    }
    if (e)
        return bare_member(w->dc, e);
    return t;
}

static lsp_target decl_target(ast_decl *d)
{
    lsp_target t = {0};
    t.kind = d ? T_DECL : T_NONE;
    t.decl = d;
    return t;
}

/* A type written by name: an enumeration or a record (built-in types have
 * no declaration). */
static void type_name(walker *w, const char *name, span sp)
{
    if (!name)
        return;
    ast_decl *d = lsp_doc_lookup(w->dc, name);
    if (d && (d->kind == D_ENUM || d->kind == D_RECORD))
        emit(w, sp, decl_target(d), false);
}

static void walk_expr(walker *w, const ast_expr *e);

static void push_local(walker *w, const char *name, span at)
{
    if (w->nlocals < MAX_LOCALS && name) {
        w->locals[w->nlocals].name = name;
        w->locals[w->nlocals].at = at;
    }
    w->nlocals++;
}

static void walk_expr(walker *w, const ast_expr *e)
{
    /* the tree is at most POL_MAX_EXPR_DEPTH deep (ast.h): so is this recursion */
    if (!e || w->stop)
        return;
    lsp_target t = {0};
    switch (e->kind) {
    case EX_NAME:
        emit(w, e->sp, name_target(w, e->text, e), false);
        return;
    case EX_FIELD: {
        walk_expr(w, e->a);
        const ast_expr *a = e->a;
        ast_decl *en = a && a->kind == EX_NAME && name_target(w, a->text, NULL).kind != T_LOCAL
                           ? decl_of_kind(w->dc, a->text, D_ENUM) : NULL;
        if (en) {
            t.decl = en;
            t.member = member_named(en, e->text);
            t.kind = t.member ? T_MEMBER : T_NONE;
        } else if (a) {
            t.decl = type_owner(w->dc, a->type, a->tref);
            t.field = field_named(t.decl, e->text);
            t.kind = t.field ? T_FIELD : T_NONE;
        }
        emit(w, e->name_sp, t, false);
        return;
    }
    case EX_CALL:
        if (e->fn > FN_NONE && e->fn < FN__COUNT) {
            t.kind = T_BUILTIN;
            t.fn = e->fn;
        } else {
            ast_decl *d = lsp_doc_lookup(w->dc, e->text);
            t = decl_target(d && (d->kind == D_RULE || d->kind == D_OUTPUT || d->kind == D_RECORD) ? d : NULL);
        }
        emit(w, e->name_sp, t, false);
        if (e->named && t.kind == T_DECL && t.decl->kind == D_RECORD && e->arg_names && e->arg_name_sps)
            for (int i = 0; i < e->nargs; i++) {
                lsp_target ft = {0};
                ft.decl = t.decl;
                ft.field = field_named(t.decl, e->arg_names[i]);
                ft.kind = ft.field ? T_FIELD : T_NONE;
                emit(w, e->arg_name_sps[i], ft, false);
            }
        break;
    case EX_AGG: {
        if (e->fn > AGG_NONE && e->fn < AGG__COUNT) {
            t.kind = T_AGG;
            t.fn = e->fn;
            emit(w, e->name_sp, t, false);
        }
        walk_expr(w, e->a);
        walk_expr(w, e->b);
        for (int i = 0; i < e->nargs; i++) /* `otherwise X`: outside the variable's scope */
            walk_expr(w, e->args ? e->args[i] : NULL);
        int saved = w->nlocals;
        push_local(w, e->var, e->var_sp);
        if (e->var) {
            lsp_target lt = {T_LOCAL, NULL, NULL, NULL, e->var, e->var_sp, 0};
            emit(w, e->var_sp, lt, true);
        }
        walk_expr(w, e->filter);
        walk_expr(w, e->c);
        w->nlocals = saved;
        return;
    }
    case EX_MATCH: {
        walk_expr(w, e->a);
        ast_decl *en = e->a ? type_owner(w->dc, e->a->type, e->a->tref) : NULL;
        for (int i = 0; i < e->nargs; i++) {
            if (e->arg_names && e->arg_names[i] && e->arg_name_sps) {
                lsp_target mt = {0};
                mt.decl = en;
                mt.member = member_named(en, e->arg_names[i]);
                mt.kind = mt.member ? T_MEMBER : T_NONE;
                emit(w, e->arg_name_sps[i], mt, false);
            }
            walk_expr(w, e->args ? e->args[i] : NULL);
        }
        return;
    }
    default:
        break;
    }
    walk_expr(w, e->a);
    walk_expr(w, e->b);
    walk_expr(w, e->c);
    for (int i = 0; i < e->nargs; i++)
        walk_expr(w, e->args ? e->args[i] : NULL);
    walk_expr(w, e->filter);
}

static void walk_annot(walker *w, const ast_annot *an)
{
    for (const ast_source *s = an->from; s; s = s->next)
        emit(w, s->name_sp, decl_target(decl_of_kind(w->dc, s->name, D_PARAM)), false);
}

static void walk_versions(walker *w, const ast_version *v)
{
    for (; v && !w->stop; v = v->next) {
        walk_expr(w, v->value);
        walk_annot(w, &v->an);
    }
}

static void walk_decl(walker *w, ast_decl *x)
{
    w->owner = x;
    w->nlocals = 0;
    if (lsp_named_decl(x) && x->name)
        emit(w, x->name_sp, decl_target(x), true);
    if (x->kind != D_ENUM && x->kind != D_RECORD)
        type_name(w, x->type_name, x->type_sp);
    for (ast_decl *p = x->params; p; p = p->next) {
        emit(w, p->name_sp, decl_target(p), true);
        type_name(w, p->type_name, p->type_sp);
        walk_expr(w, p->lo);
        walk_expr(w, p->hi);
    }
    walk_expr(w, x->lo);
    walk_expr(w, x->hi);
    walk_expr(w, x->when);
    walk_expr(w, x->cond);
    walk_expr(w, x->value);
    walk_versions(w, x->versions);
    walk_annot(w, &x->an);
    if (x->key_name)
        type_name(w, x->key_name, x->key_sp);
    if (x->key2_name)
        type_name(w, x->key2_name, x->key2_sp);
    ast_decl *key = x->key_name ? decl_of_kind(w->dc, x->key_name, D_ENUM) : NULL;
    for (ast_row *r = x->rows; r && !w->stop; r = r->next) {
        if (r->member) {
            lsp_target mt = {0};
            mt.decl = key;
            mt.member = member_named(key, r->member);
            mt.kind = mt.member ? T_MEMBER : T_NONE;
            emit(w, r->member_sp, mt, false);
        }
        walk_expr(w, r->lo);
        walk_expr(w, r->hi);
        walk_expr(w, r->value);
        walk_versions(w, r->versions);
        ast_decl *key2 = x->key2_name ? decl_of_kind(w->dc, x->key2_name, D_ENUM) : NULL;
        for (ast_row *y = r->sub; y && !w->stop; y = y->next) { /* a table by two keys */
            if (y->member) {
                lsp_target mt = {0};
                mt.decl = key2;
                mt.member = member_named(key2, y->member);
                mt.kind = mt.member ? T_MEMBER : T_NONE;
                emit(w, y->member_sp, mt, false);
            }
            walk_expr(w, y->lo);
            walk_expr(w, y->hi);
            walk_expr(w, y->value);
            walk_versions(w, y->versions);
        }
    }
    for (ast_field *f = x->fields; f && !w->stop; f = f->next) {
        lsp_target ft = {T_FIELD, x, NULL, f, NULL, {0, 0}, 0};
        emit(w, f->sp, ft, true);
        type_name(w, f->type_name, f->type_sp);
    }
    for (ast_member *m = x->members; m && !w->stop; m = m->next) {
        lsp_target mt = {T_MEMBER, x, m, NULL, NULL, {0, 0}, 0};
        emit(w, m->name_sp, mt, true);
        for (int i = 0; i < m->nvalues; i++)
            walk_expr(w, m->values ? m->values[i] : NULL);
    }
    if (x->kind == D_EXCEPTION && x->target)
        emit(w, x->target_sp, decl_target(lsp_doc_lookup(w->dc, x->target)), false);
    for (ast_item *it = x->items; it && !w->stop; it = it->next) {
        emit(w, it->name_sp, decl_target(lsp_doc_lookup(w->dc, it->name)), false);
        walk_expr(w, it->path);
        walk_expr(w, it->value);
    }
}

void lsp_doc_names(const lsp_doc *dc, lsp_occ_fn fn, void *ctx)
{
    if (!dc->analysed || !dc->an.tree)
        return;
    walker w;
    memset(&w, 0, sizeof w);
    w.dc = dc;
    w.fn = fn;
    w.ctx = ctx;
    for (ast_decl *x = dc->an.tree->decls; x && !w.stop; x = x->next)
        walk_decl(&w, x);
}

typedef struct at_ctx {
    uint32_t off;
    bool found;
    lsp_occ best;
} at_ctx;

static bool at_visit(void *ctx, const lsp_occ *o)
{
    at_ctx *c = ctx;
    if (SPAN_FILE(o->sp.start) != 0 || o->sp.start > c->off || c->off > o->sp.end)
        return true;
    if (!c->found || o->sp.end - o->sp.start <= c->best.sp.end - c->best.sp.start) {
        c->best = *o;
        c->found = true;
    }
    return true;
}

bool lsp_doc_name_at(const lsp_doc *dc, uint32_t off, lsp_occ *out)
{
    at_ctx c = {off, false, {{0, 0}, {0}, false, NULL}};
    lsp_doc_names(dc, at_visit, &c);
    if (c.found)
        *out = c.best;
    return c.found;
}

bool lsp_target_span(const lsp_target *t, span *out)
{
    switch (t->kind) {
    case T_DECL: *out = t->decl->name_sp; break;
    case T_MEMBER: *out = t->member->name_sp; break;
    case T_FIELD: *out = t->field->sp; break;
    case T_LOCAL: *out = t->at; break;
    default: return false;
    }
    return out->end > out->start;
}
