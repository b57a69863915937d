/* check_scope.c -- names: the symbol table (open addressing, pol_hash),
 * "did you mean" suggestions by code-point edit distance (utf8_next), type
 * names resolved through runtime/types.h, and the words messages use for
 * kinds of declarations.  Shares check_int.h with the other checker files. */
#include "check_int.h"

#include <string.h>

#include "hash.h"
#include "utf8.h"

/* ---- names ---- */
ast_decl *chk_lookup(chk_ctx *c, const char *name)
{
    if (!c->tabcap)
        return NULL;
    for (uint32_t i = pol_hash(name, strlen(name)) & (c->tabcap - 1);; i = (i + 1) & (c->tabcap - 1)) {
        if (!c->tab[i])
            return NULL;
        if (strcmp(c->tab[i]->name, name) == 0)
            return c->tab[i];
    }
}

void chk_insert(chk_ctx *c, ast_decl *d)
{
    for (uint32_t i = pol_hash(d->name, strlen(d->name)) & (c->tabcap - 1);; i = (i + 1) & (c->tabcap - 1)) {
        if (!c->tab[i]) {
            c->tab[i] = d;
            return;
        }
    }
}

/* The code points of s (at most max), for the edit distance. */
static size_t scope_cps(const char *s, uint32_t *out, size_t max)
{
    size_t n = 0, left = strlen(s);
    const unsigned char *u = (const unsigned char *)s;
    while (left > 0 && n < max) {
        size_t k = utf8_next(u, left, &out[n++]);
        u += k;
        left -= k;
    }
    return n;
}

/* Edit distance over code points, for "did you mean". */
static size_t edit_distance(const char *x, const char *y)
{
    uint32_t a[64], b[64];
    size_t n = scope_cps(x, a, 64), m = scope_cps(y, b, 64);
    size_t row[65];
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t corner = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = corner + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            corner = up;
        }
    }
    return row[m];
}

const char *chk_suggest(const char *name, const char *const *cands, size_t n)
{
    uint32_t tmp[64];
    size_t len = scope_cps(name, tmp, 64);
    size_t limit = len <= 3 ? 1 : len / 3 + 1;
    const char *best = NULL;
    size_t bestd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t dd = edit_distance(name, cands[i]);
        if (dd < bestd && dd > 0) {
            bestd = dd;
            best = cands[i];
        }
    }
    return best;
}

const char *chk_suggest_decl(chk_ctx *c, const char *name)
{
    const char *cands[512];
    size_t n = 0;
    for (ast_decl *d = c->p->decls; d && n < 512; d = d->next)
        if (d->kind != D_TEST && d->kind != D_EXCEPTION && d->kind != D_IMPORT && d->kind != D_FINDING && d->name)
            cands[n++] = d->name;
    return chk_suggest(name, cands, n);
}


/* ---- types ---- */
pol_type chk_resolve_type(chk_ctx *c, const char *name, span sp, uint32_t *tref)
{
    *tref = 0;
    if (name[0] == '[' && name[1] == ']') { /* list of a record type, or of values */
        ast_decl *rt = chk_lookup(c, name + 2);
        int vt = rt && (rt->kind == D_RECORD || rt->kind == D_ENUM) ? -1 : chk_vocab_find(&chk_types, name + 2);
        if (vt >= 0 && pol_list_elem_ok((pol_type)vt)) {
            *tref = POL_LIST_VALUES | (uint32_t)vt;
            return PT_LIST;
        }
        if (rt && rt->kind == D_ENUM) {
            rt->uses++; /* named: its own error, not "never used" */
            REPORT(sp, DC_UNKNOWN_TYPE, "a list cannot hold members of an enumeration ('%s'); hold them in a record's field", name + 2);
            return PT_VOID;
        }
        if (!rt || rt->kind != D_RECORD) {
            REPORT(sp, DC_UNKNOWN_TYPE,
                   "'%s' is not a record type or a type of value; a list holds records (declare 'record %s (...)') or numbers, amounts, dates, months, booleans or text",
                   name + 2, name + 2);
            return PT_VOID;
        }
        rt->uses++;
        *tref = rt->index;
        return PT_LIST;
    }
    ast_decl *en = chk_lookup(c, name);
    if (en && en->kind == D_RECORD) {
        *tref = en->index;
        en->uses++;
        return PT_RECORD;
    }
    if (en && en->kind == D_ENUM) {
        *tref = en->index;
        en->uses++;
        return PT_ENUM;
    }
    int t = chk_vocab_find(&chk_types, name);
    if (t >= 0)
        return (pol_type)t;
    const char *s = chk_vocab_suggest(&chk_types, name);
    char list[200];
    if (s)
        REPORT(sp, DC_UNKNOWN_TYPE, "unknown type '%s'; did you mean '%s'?", name, s);
    else
        REPORT(sp, DC_UNKNOWN_TYPE, "unknown type '%s' (types: %s)", name, chk_vocab_listing(&chk_types, list, sizeof list));
    return PT_VOID;
}

/* The record type (records, lists) or enumeration a type refers to, or NULL. */
ast_decl *chk_decl_of_type(chk_ctx *c, pol_type t, uint32_t tref)
{
    if (t == PT_ENUM)
        return c->out && tref < c->out->nenums ? c->out->enums[tref] : NULL;
    if (t == PT_RECORD || t == PT_LIST)
        return c->out && tref < c->out->nrecords ? c->out->records[tref] : NULL;
    return NULL;
}

/* A type for messages, naming the record type or enumeration: "list of 缴费". */
const char *chk_type_text(chk_ctx *c, pol_type t, uint32_t tref, char *buf, size_t cap)
{
    if (t == PT_LIST || t == PT_RECORD || t == PT_ENUM) {
        const ast_decl *d = chk_decl_of_type(c, t, tref);
        const char *name = d ? d->name : t == PT_LIST && pol_list_values(tref) ? pol_type_name(pol_list_elem(tref)) : NULL;
        if (t == PT_LIST && tref == UINT32_MAX)
            snprintf(buf, cap, "an empty list");
        else
            snprintf(buf, cap, "%s%s", t == PT_LIST ? "list of " : t == PT_RECORD ? "record " : "enumeration ", name ? name : "?");
        return buf;
    }
    return tname(t);
}


/* "an input", "a rule", ... for messages */
const char *chk_a_kind(decl_kind k)
{
    switch (k) {
    case D_INPUT: return FRAG("an input");
    case D_OUTPUT: return FRAG("an output");
    case D_ENUM: return FRAG("an enumeration");
    case D_EXCEPTION: return FRAG("an exception");
    case D_IMPORT: return FRAG("an import");
    case D_PARAM: return FRAG("a parameter");
    case D_RECORD: return FRAG("a record type");
    case D_REQUIRE: return FRAG("a requirement");
    case D_TEST: return FRAG("a test");
    case D_FINDING: return FRAG("a finding");
    default: return FRAG("a rule");
    }
}

const char *chk_kind_name(decl_kind k)
{
    switch (k) {
    case D_ENUM: return FRAG("enumeration");
    case D_RECORD: return FRAG("record type");
    case D_REQUIRE: return FRAG("requirement");
    case D_EXCEPTION: return FRAG("exception");
    case D_INPUT: return FRAG("input");
    case D_PARAM: return FRAG("parameter");
    case D_RULE: return FRAG("rule");
    case D_OUTPUT: return FRAG("output");
    case D_FINDING: return FRAG("finding");
    default: return FRAG("test");
    }
}

/* The enumeration that has a member `name` (the first one), or NULL. */
ast_decl *chk_enum_with_member(chk_ctx *c, const char *name)
{
    for (uint32_t i = 0; c->out && i < c->out->nenums; i++)
        for (const ast_member *m = c->out->enums[i]->members; m; m = m->next)
            if (strcmp(m->name, name) == 0)
                return c->out->enums[i];
    return NULL;
}

void chk_undefined(chk_ctx *c, span sp, const char *name)
{
    const ast_decl *en = chk_enum_with_member(c, name);
    if (en) {
        REPORT(sp, DC_BARE_MEMBER, "'%s' is a member of '%s': write %s.%s", name, en->name, en->name, name);
        return;
    }
    const char *s = chk_suggest_decl(c, name);
    if (s)
        REPORT(sp, DC_UNDEFINED, "undefined name '%s'; did you mean '%s'?", name, s);
    else
        REPORT(sp, DC_UNDEFINED, "undefined name '%s'", name);
}

/* Pass 1: every name declared (a duplicate is an error), each kind counted
 * and indexed; the chk_result arrays list the declarations by kind. */
void chk_declare(chk_ctx *c)
{
    ast_policy *p = c->p;
    chk_result *out = c->out;
    arena *a = c->a;
    uint32_t nnamed = 0;
    for (ast_decl *x = p->decls; x; x = x->next)
        nnamed++;
    c->tabcap = 16;
    while (c->tabcap < nnamed * 2)
        c->tabcap *= 2;
    c->tab = arena_alloc(a, sizeof *c->tab * c->tabcap);
    int max_params = 0;
    for (ast_decl *x = p->decls; x; x = x->next)
        max_params = x->nparams > max_params ? x->nparams : max_params;
    c->scope = arena_alloc(a, sizeof *c->scope * ((size_t)max_params + CHK_MAX_AGG_DEPTH));
    for (ast_decl *x = p->decls; x; x = x->next) {
        switch (x->kind) {
        case D_INPUT: x->index = out->ninputs++; break;
        case D_PARAM: x->index = out->nparams++; break;
        case D_RULE: case D_OUTPUT: case D_REQUIRE: x->index = out->nrules++; break;
        case D_ENUM: x->index = out->nenums++; break;
        case D_RECORD: x->index = out->nrecords++; break;
        case D_TEST: x->index = out->ntests++; continue;
        case D_FINDING: x->index = out->nfindings++; continue;
        case D_EXCEPTION: case D_IMPORT: continue;
        }
        ast_decl *prev = chk_lookup(c, x->name);
        if (prev) {
            REPORT(x->name_sp, DC_DUPLICATE, "'%s' is already declared as %s", x->name, chk_a_kind(prev->kind));
            NOTE(prev->name_sp, "first declared here");
            continue;
        }
        chk_insert(c, x);
    }
    out->inputs = arena_alloc(a, sizeof(ast_decl *) * (out->ninputs + 1));
    out->params = arena_alloc(a, sizeof(ast_decl *) * (out->nparams + 1));
    out->rules = arena_alloc(a, sizeof(ast_decl *) * (out->nrules + 1));
    out->tests = arena_alloc(a, sizeof(ast_decl *) * (out->ntests + 1));
    out->enums = arena_alloc(a, sizeof(ast_decl *) * (out->nenums + 1));
    out->records = arena_alloc(a, sizeof(ast_decl *) * (out->nrecords + 1));
    out->findings = arena_alloc(a, sizeof(ast_decl *) * (out->nfindings + 1));
    for (ast_decl *x = p->decls; x; x = x->next) {
        switch (x->kind) {
        case D_INPUT: out->inputs[x->index] = x; break;
        case D_PARAM: out->params[x->index] = x; break;
        case D_RULE: case D_OUTPUT: case D_REQUIRE: out->rules[x->index] = x; break;
        case D_TEST: out->tests[x->index] = x; break;
        case D_ENUM: out->enums[x->index] = x; break;
        case D_RECORD: out->records[x->index] = x; break;
        case D_FINDING: out->findings[x->index] = x; break;
        case D_EXCEPTION: case D_IMPORT: break;
        }
    }
}
