/* check_decl.c -- declarations: the header, overrides of imported
 * parameters, declared types, parameters and their dated versions,
 * enumerations, exceptions joining their rules, the bodies of rules, and
 * unused declarations.  Shares check_int.h with the other checker files. */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>

#include "caldate.h"

/* a type's text in two parts, and constants of what a name says (check_expr.c) */

/* ---- declarations ---- */
void chk_header(chk_ctx *c)
{
    ast_policy *p = c->p;
    if (!p->has_header) {
        span sp = {0, 0};
        REPORT(sp, DC_NO_HEADER, "no 'policy \"title\" { ... }' header: the policy has no title, region or document");
        return;
    }
    for (ast_meta *m = p->meta; m; m = m->next) {
        if (chk_vocab_find(&chk_header_keys, m->key) < 0) {
            const char *s = chk_vocab_suggest(&chk_header_keys, m->key);
            char keys[200];
            if (s)
                REPORT(m->key_sp, DC_UNKNOWN_META, "unknown header field '%s'; did you mean '%s'?", m->key, s);
            else
                REPORT(m->key_sp, DC_UNKNOWN_META, "unknown header field '%s' (fields: %s)", m->key,
                     chk_vocab_listing(&chk_header_keys, keys, sizeof keys));
        }
        if (m->value->kind != EX_STR && m->value->kind != EX_DATE)
            REPORT(m->value->sp, DC_META_VALUE, "a header field's value is a string or a date");
        else if (!strcmp(m->key, POL_KEY_NOTICE) || !strcmp(m->key, POL_KEY_NOTICE_ZH))
            chk_notice(c, m);
        else if ((strcmp(m->key, POL_KEY_MONTH_END) == 0 || strcmp(m->key, POL_KEY_MONTH_END_ZH) == 0) &&
                 (m->value->kind != EX_STR || chk_vocab_find(&chk_month_ends, m->value->text) < 0)) {
            char ends[200];
            REPORT(m->value->sp, DC_META_VALUE, "%s names what add_months does with a day the month lacks: one of %s", m->key,
                chk_vocab_listing(&chk_month_ends, ends, sizeof ends));
        }
        for (ast_meta *o = p->meta; o != m; o = o->next)
            if (strcmp(o->key, m->key) == 0) {
                REPORT(m->key_sp, DC_DUPLICATE, "header field '%s' given twice", m->key);
                break;
            }
    }
}


static int cmp_version(const void *x, const void *y)
{
    const ast_version *a = *(const ast_version *const *)x, *b = *(const ast_version *const *)y;
    int32_t fa = a->has_from ? a->from : INT32_MIN, fb = b->has_from ? b->from : INT32_MIN;
    if (fa != fb)
        return fa < fb ? -1 : 1;
    return a->sp.start < b->sp.start ? -1 : a->sp.start > b->sp.start;
}

/* `inferred "..." (A, B[DATE])`: each source is a parameter, named as a
 * formula would look it up (a dated one at a date some version covers). */
static bool version_covers(const ast_version *v, int32_t date)
{
    return (!v->has_from || v->from <= date) && (!v->has_to || date <= v->to);
}

/* ... of the parameter owner, the annotation of version ver (NULL: of the
 * parameter itself, for every version); another version of the same
 * parameter may be a source, the value itself may not. */
static void chk_sources(chk_ctx *c, ast_decl *owner, const ast_version *ver, ast_annot *an)
{
    for (ast_source *s = an->from; s; s = s->next) {
        ast_decl *d = chk_lookup(c, s->name);
        if (!d) {
            chk_undefined(c, s->name_sp, s->name);
            continue;
        }
        if (d->kind != D_PARAM) {
            REPORT(s->name_sp, DC_INFERRED, "'%s' is %s; the parentheses after 'inferred' name parameters only (put other figures in its text)",
                s->name, chk_a_kind(d->kind));
            continue;
        }
        d->uses++;
        if (d == owner && (!d->versions || !s->dated || !ver || version_covers(ver, s->date)))
            REPORT(s->name_sp, DC_INFERRED, "'%s' cannot be inferred from itself", s->name);
        else if (d->versions && !s->dated)
            REPORT(s->name_sp, DC_DATED_PARAM, "parameter '%s' has dated versions; say which one: %s[date]", d->name, d->name);
        else if (!d->versions && s->dated)
            REPORT(s->name_sp, DC_INDEX, "'%s' is not a dated parameter; name it without [date]", d->name);
        else {
            bool covered = !s->dated;
            for (ast_version *v = d->versions; v && !covered; v = v->next)
                covered = version_covers(v, s->date);
            if (!covered) {
                char ds[16];
                cd_format_date(s->date, ds);
                REPORT(s->sp, DC_NO_VERSION, "no version of parameter '%s' covers %s", d->name, ds);
                NOTE(d->name_sp, "'%s' is declared here", d->name);
            } else
                s->decl = d;
        }
    }
}

/* `inferred` belongs to a parameter or a version of one. */
static void chk_inferred_place(chk_ctx *c, const ast_decl *x)
{
    if (!x->an.inferred || x->kind == D_PARAM)
        return;
    if (x->kind == D_FINDING)
        REPORT(x->an.inferred_sp, DC_INFERRED, "a finding is not inferred; 'inferred' goes on a parameter or one of its versions");
    else
        REPORT(x->an.inferred_sp, DC_INFERRED, "%s '%s' is not a parameter; only a parameter's value (or a version's) can be inferred",
            chk_kind_name(x->kind), x->name);
}

/* A parameter's (or version's) value: a constant, or `unstated "note"`. */
static void param_value(chk_ctx *c, ast_expr *e, pol_type t, const char *what)
{
    if (e->kind == EX_UNSTATED)
        return;
    if (e->kind == EX_NA) {
        REPORT(e->sp, DC_NOT_CONSTANT,
               "%s cannot be 'inapplicable'; give the rules that use it a 'when' condition, or write 'unstated \"...\"' if the notice does not give it",
               what);
        return;
    }
    chk_constant(c, e, t, what);
}

/* Dated versions (of a parameter, or of a table's row named `name`): each
 * value a constant, sorted by start, no overlap, gaps warned.  Returns the
 * sorted list, or NULL when there are none (reported). */
ast_version *chk_versions(chk_ctx *c, ast_decl *d, ast_version *list, const char *name, span name_sp, const char *cite)
{
    size_t n = 0;
    for (ast_version *v = list; v; v = v->next)
        n++;
    if (n == 0) {
        REPORT(name_sp, DC_NO_VERSIONS, "parameter '%s' has no versions", name);
        return NULL;
    }
    ast_version **vs = arena_alloc(c->a, sizeof *vs * n);
    n = 0;
    for (ast_version *v = list; v; v = v->next) {
        vs[n++] = v;
        param_value(c, v->value, (pol_type)d->type, FRAG("a parameter version's value"));
        if (v->has_from && v->has_to && v->from > v->to)
            REPORT(v->sp, DC_BAD_RANGE, "this version ends before it starts");
        if (!v->an.cite && !cite)
            REPORT(v->sp, DC_NO_CITE, "version of '%s' cites no clause of the notice (add cite \"...\")", name);
    }
    qsort(vs, n, sizeof *vs, cmp_version);
    for (size_t i = 0; i < n; i++)
        vs[i]->next = i + 1 < n ? vs[i + 1] : NULL;
    for (size_t i = 1; i < n; i++) {
        ast_version *a = vs[i - 1], *b = vs[i];
        int32_t a_to = a->has_to ? a->to : INT32_MAX, b_from = b->has_from ? b->from : INT32_MIN;
        if (b_from <= a_to) {
            REPORT(b->sp, DC_OVERLAP, "versions of '%s' overlap: this one starts before the previous one ends", name);
            NOTE(a->sp, "the overlapping version");
        } else if ((int64_t)b_from > (int64_t)a_to + 1) {
            char x[16], y[16];
            cd_format_date(a_to + 1, x);
            cd_format_date(b_from - 1, y);
            REPORT(b->sp, DC_GAP, "versions of '%s' leave a gap from %s to %s; a lookup there is an error", name, x, y);
        }
    }
    return vs[0];
}

void chk_param(chk_ctx *c, ast_decl *d)
{
    c->want_tref = d->tref;
    chk_sources(c, d, NULL, &d->an);
    for (ast_version *v = d->versions; v; v = v->next)
        chk_sources(c, d, v, &v->an);
    if (d->key_name) {
        chk_table(c, d);
        return;
    }
    if (d->value) {
        param_value(c, d->value, (pol_type)d->type, FRAG("a parameter's value"));
        return;
    }
    d->versions = chk_versions(c, d, d->versions, d->name, d->name_sp, d->an.cite);
}

void chk_enum(chk_ctx *c, ast_decl *d)
{
    int nf = 0;
    for (ast_field *fl = d->fields; fl; fl = fl->next)
        nf++;
    if (!d->members)
        REPORT(d->name_sp, DC_EMPTY_ENUM, "enumeration '%s' has no members", d->name);
    for (ast_member *m = d->members; m; m = m->next) {
        if (m->an.inferred)
            REPORT(m->an.inferred_sp, DC_INFERRED, "member '%s' is not a parameter; only a parameter's value (or a version's) can be inferred", m->name);
        for (ast_member *o = d->members; o != m; o = o->next)
            if (strcmp(o->name, m->name) == 0) {
                REPORT(m->name_sp, DC_DUPLICATE, "member '%s' declared twice", m->name);
                break;
            }
        if (m->nvalues != nf) {
            REPORT(m->sp, DC_ENUM_VALUES, "member '%s' gives %d value%s, but '%s' has %d field%s", m->name, m->nvalues,
                m->nvalues == 1 ? "" : "s", d->name, nf, nf == 1 ? "" : "s");
            continue;
        }
        int i = 0;
        for (ast_field *fl = d->fields; fl; fl = fl->next, i++) {
            c->want_tref = fl->tref;
            chk_constant_named(c, m->values[i], (pol_type)fl->type, fl->name, m->name);
        }
    }
}


/* Overrides replace the imported parameter of the same name. */
void chk_overrides(chk_ctx *c)
{
    ast_policy *p = c->p;
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (!x->override || x->override_row)
            continue;
        ast_decl **pp = &p->decls, *found = NULL;
        while (*pp) {
            if (*pp != x && (*pp)->imported && (*pp)->kind == D_PARAM && strcmp((*pp)->name, x->name) == 0) {
                found = *pp;
                *pp = found->next; /* drop the imported version */
                break;
            }
            pp = &(*pp)->next;
        }
        if (!found)
            REPORT(x->name_sp, DC_OVERRIDE, "'override param %s': no imported parameter is named '%s'", x->name, x->name);
        x->of = found; /* its type is compared once types are resolved */
    }
    /* `override param T[ROW]`: the row goes into the imported table, and the
     * declaration leaves the list (it declares nothing) */
    for (ast_decl **pp = &p->decls; *pp;) {
        ast_decl *x = *pp;
        if (!x->override_row) {
            pp = &x->next;
            continue;
        }
        *pp = x->next;
        ast_decl *found = NULL;
        for (ast_decl *y = p->decls; y; y = y->next)
            if (y->imported && y->kind == D_PARAM && strcmp(y->name, x->name) == 0)
                found = y;
        if (!found)
            REPORT(x->name_sp, DC_OVERRIDE, "'override param %s': no imported parameter is named '%s'", x->name, x->name);
        else if (chk_override_row(c, x, found)) {
            x->of = found;
            x->next = c->row_overrides;
            c->row_overrides = x;
        }
    }

}

/* Declared types, now that every enumeration and record type is known. */
void chk_declared_types(chk_ctx *c)
{
    ast_policy *p = c->p;
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (x->kind == D_INPUT || x->kind == D_PARAM || x->kind == D_RULE || x->kind == D_OUTPUT || x->kind == D_REQUIRE)
            x->type = (uint8_t)chk_resolve_type(c, x->type_name, x->type_sp, &x->tref);
        if (x->kind == D_RULE)
            for (ast_decl *q = x->params; q; q = q->next) {
                q->type = (uint8_t)chk_resolve_type(c, q->type_name, q->type_sp, &q->tref);
                for (ast_decl *o = x->params; o != q; o = o->next)
                    if (strcmp(o->name, q->name) == 0)
                        REPORT(q->name_sp, DC_DUPLICATE, "parameter '%s' declared twice", q->name);
            }
        if ((x->kind == D_INPUT || x->kind == D_OUTPUT) && x->type == PT_ROUNDING)
            REPORT(x->type_sp, DC_INPUT_TYPE, "%s cannot be a rounding mode; hold one in a parameter (param %s: rounding = %s)",
                x->kind == D_INPUT ? FRAG("an input") : FRAG("an output"), "舍入", "进一"); /* the msgid stays ASCII */
        if (x->kind == D_INPUT && x->type == PT_RECORD)
            REPORT(x->type_sp, DC_INPUT_TYPE, "an input can be a list of records ('list of %s'), not a single record", x->type_name);
        if (x->kind == D_PARAM && (x->type == PT_LIST || x->type == PT_RECORD)) {
            REPORT(x->type_sp, DC_INPUT_TYPE, "a parameter holds one value, not a list or a record; write a rule ('rule %s: ... = [...]')",
                   x->name);
            x->type = PT_VOID;
        }
        if (x->kind == D_ENUM || x->kind == D_RECORD)
            for (ast_field *fl = x->fields; fl; fl = fl->next) {
                fl->type = (uint8_t)chk_resolve_type(c, fl->type_name, fl->type_sp, &fl->tref);
                if (fl->type == PT_RECORD || fl->type == PT_LIST)
                    REPORT(fl->type_sp, DC_FIELD_TYPE, "a field cannot hold a record or a list (records are flat)");
                for (ast_field *o = x->fields; o != fl; o = o->next)
                    if (strcmp(o->name, fl->name) == 0)
                        REPORT(fl->sp, DC_DUPLICATE, "field '%s' declared twice", fl->name);
            }
    }
}

/* An override keeps the imported parameter's type (in any spelling: 比例 is rate). */
void chk_override_types(chk_ctx *c)
{
    ast_policy *p = c->p;
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (!x->override || !x->of)
            continue;
        uint32_t tref;
        pol_type t = chk_resolve_type(c, x->of->type_name, x->of->type_sp, &tref);
        if (t != PT_VOID && x->type != PT_VOID && (t != x->type || tref != x->tref)) {
            REPORT(x->type_sp, DC_OVERRIDE, "'%s' is %s in the imported policy; an override keeps the type", x->name, x->of->type_name);
            NOTE(x->of->name_sp, "the imported parameter");
        } else if (t != PT_VOID && x->type != PT_VOID)
            chk_override_keys(c, x, x->of);
        x->of = NULL;
    }
    for (ast_decl *x = c->row_overrides; x; x = x->next) { /* a row keeps its table's type */
        uint32_t tref, xref;
        pol_type t = chk_resolve_type(c, x->of->type_name, x->of->type_sp, &tref);
        pol_type xt = chk_resolve_type(c, x->type_name, x->type_sp, &xref);
        if (t != PT_VOID && xt != PT_VOID && (t != xt || tref != xref)) {
            REPORT(x->type_sp, DC_OVERRIDE, "'%s' is %s in the imported policy; an override keeps the type", x->name, x->of->type_name);
            NOTE(x->of->name_sp, "the imported parameter");
        }
    }

}

/* The exception labelled `name`, or NULL (labels are not in the symbol
 * table: a name there is a rule's; this is looked up only when that fails). */
static ast_decl *find_label(chk_ctx *c, const char *name)
{
    for (ast_decl *x = c->p->decls; x; x = x->next)
        if (x->kind == D_EXCEPTION && x->name && strcmp(x->name, name) == 0)
            return x;
    return NULL;
}

/* The next exception after `from` labelled `name`, or NULL. */
static ast_decl *find_label_after(ast_decl *from, const char *name)
{
    for (ast_decl *x = from->next; x; x = x->next)
        if (x->kind == D_EXCEPTION && x->name && strcmp(x->name, name) == 0)
            return x;
    return NULL;
}

/* An exception's target is neither a name nor a label. */
static CHK_NOINLINE void no_target(chk_ctx *c, const ast_decl *x)
{
    const char *cands[512];
    size_t n = 0;
    for (ast_decl *d = c->p->decls; d && n < 512; d = d->next)
        if ((d->kind == D_RULE || d->kind == D_OUTPUT || d->kind == D_EXCEPTION) && d->name && d != x)
            cands[n++] = d->name;
    const char *s = chk_suggest(x->target, cands, n);
    REPORT(x->target_sp, DC_UNDEFINED, "no rule, output or exception label is named '%s'%s%s%s", x->target, s ? FRAG("; did you mean '") : "",
        s ? s : "", s ? FRAG("'?") : "");
}

/* An exception to a labelled exception: follows the labels up to the rule
 * (x->of), reporting a cycle or a chain too deep; `stamp` marks this walk. */
static void join_over(chk_ctx *c, ast_decl *x, int stamp)
{
    int depth = 0;
    ast_decl *y = x;
    while (y->over && y->visit != stamp && depth <= CHK_MAX_EXC_DEPTH) {
        y->visit = stamp;
        y = y->over;
        depth++;
    }
    if (y->over && y->visit == stamp) { /* y is on a cycle */
        char path[600];
        int n = snprintf(path, sizeof path, "%s", y->name);
        for (ast_decl *z = y->over; n < (int)sizeof path - 1; z = z->over) {
            n += snprintf(path + n, sizeof path - (size_t)n, " -> %s", z->name);
            if (z == y)
                break;
        }
        REPORT(y->target_sp, DC_CYCLE, "exceptions override each other in a cycle: %s", path);
        ast_decl *z = y; /* reported once: none of them joins a rule */
        do {
            ast_decl *next = z->over;
            z->over = NULL;
            z = next;
        } while (z && z != y);
        return;
    }
    if (depth > CHK_MAX_EXC_DEPTH) {
        REPORT(x->target_sp, DC_LIMIT, "exceptions nested more than %d deep", CHK_MAX_EXC_DEPTH);
        return;
    }
    for (ast_decl *z = x; z != y; z = z->over)
        z->of = y->of; /* NULL if the top one's target was wrong (reported there) */
}

/* Exceptions join the rule they override, or the labelled exception they
 * override (whose rule they then override too), in source order. */
void chk_join_exceptions(chk_ctx *c)
{
    ast_policy *p = c->p;
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (x->kind != D_EXCEPTION)
            continue;
        ast_decl *r = chk_lookup(c, x->target);
        if (!r) {
            ast_decl *lab = find_label(c, x->target);
            if (lab == x)
                REPORT(x->target_sp, DC_EXCEPTION_TARGET, "exception '%s' cannot be an exception to itself", x->name);
            else if (lab && find_label_after(lab, x->target)) {
                REPORT(x->target_sp, DC_DUPLICATE, "two exceptions are labelled '%s'; give each its own label to name one", x->target);
                NOTE(find_label_after(lab, x->target)->name_sp, "the second '%s'", x->target);
            } else if (lab)
                x->over = lab;
            else
                no_target(c, x);
            continue;
        }
        if (r->kind != D_RULE && r->kind != D_OUTPUT) {
            REPORT(x->target_sp, DC_EXCEPTION_TARGET, "an exception overrides a rule or an output; '%s' is %s", x->target, chk_a_kind(r->kind));
            continue;
        }
        x->of = r;
    }
    int stamp = 0;
    for (ast_decl *x = p->decls; x; x = x->next)
        if (x->kind == D_EXCEPTION && x->over && !x->of)
            join_over(c, x, --stamp); /* negative: never a rule's visit mark */
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (x->kind != D_EXCEPTION || !x->of)
            continue;
        ast_decl **tail = x->over ? &x->over->exceptions : &x->of->exceptions;
        while (*tail)
            tail = &(*tail)->next_exception;
        *tail = x;
    }
}

/* A policy without outputs computes nothing anyone reads. */
void chk_no_output(chk_ctx *c)
{
    ast_policy *p = c->p;
    span sp = {0, 0};
    bool any_output = false;
    for (ast_decl *x = p->decls; x; x = x->next)
        any_output |= x->kind == D_OUTPUT;
    if (!any_output)
        REPORT(sp, DC_NO_OUTPUT, "the policy declares no output");
}

/* Unused declarations; a requirement all(p in list: cond) that no formula
 * reads reports the first element that fails (index_result, codegen.c). */
void chk_unused(chk_ctx *c)
{
    ast_policy *p = c->p;
    for (ast_decl *x = p->decls; x; x = x->next) {
        x->index_result = x->kind == D_REQUIRE && x->uses == 0 && x->value && x->value->kind == EX_AGG &&
                          x->value->fn == AGG_ALL && !x->value->b && !x->value->over_members && !x->exceptions;
        if (x->uses > 0 || x->imported || x->kind == D_OUTPUT || x->kind == D_TEST || x->kind == D_EXCEPTION || x->kind == D_REQUIRE ||
            x->kind == D_FINDING)
            continue;
        REPORT(x->name_sp, DC_UNUSED, "%s '%s' is never used", chk_kind_name(x->kind), x->name);
    }
}


/* A bound that names a parameter: it must be undated and of the input's
 * type; then the bound is its value (e->sym, e->index: the parameter). */
static void bound_param(chk_ctx *c, ast_decl *x, ast_expr *e)
{
    ast_decl *d = chk_lookup(c, e->text);
    if (!d) {
        chk_undefined(c, e->sp, e->text);
        return;
    }
    d->uses++;
    if (d->kind != D_PARAM) {
        REPORT(e->sp, DC_BOUNDS, "a bound is a value written out or a parameter; '%s' is %s", d->name, chk_a_kind(d->kind));
        return;
    }
    if (d->versions) {
        REPORT(e->sp, DC_BOUNDS, "a bound has one value, but parameter '%s' has dated versions (write the value, or check '%s' with a require)",
            d->name, x->name);
        return;
    }
    if (d->type != PT_VOID && x->type != PT_VOID && (d->type != x->type || d->tref != x->tref))
        REPORT(e->sp, DC_TYPE_MISMATCH, "a bound should be %s, but parameter '%s' is %s", tname((pol_type)x->type), d->name,
            tname((pol_type)d->type));
    e->sym = SYM_PARAM;
    e->index = d->index;
}

/* An input's bounds: constants of its type, or undated parameters; either
 * side may be left open (`in 4242..`, `in ..21207`). */
static void decl_input(chk_ctx *c, ast_decl *x)
{
    c->want_tref = x->tref;
    if (!x->lo && !x->hi)
        return;
    if (!numeric((pol_type)x->type) && x->type != PT_DATE && x->type != PT_MONTH) {
        REPORT((x->lo ? x->lo : x->hi)->sp, DC_BOUNDS, "only numbers, dates and months can have bounds");
        return;
    }
    ast_expr *side[2] = {x->lo, x->hi};
    for (int i = 0; i < 2; i++) {
        if (!side[i])
            continue;
        if (side[i]->kind == EX_NAME)
            bound_param(c, x, side[i]);
        else
            chk_constant(c, side[i], (pol_type)x->type, FRAG("a bound"));
    }
}

/* A function's parameters in scope, in the first local slots (set before
 * any aggregate of it or of its exceptions took slots). */
static void scope_params(chk_ctx *c, const ast_decl *r)
{
    c->nscope = 0;
    uint32_t slot = 0;
    for (const ast_decl *q = r->params; q; q = q->next) {
        c->scope[c->nscope].name = q->name;
        c->scope[c->nscope].type = q->type;
        c->scope[c->nscope].tref = q->tref;
        c->scope[c->nscope].slot = slot++;
        c->nscope++;
    }
    c->scope_params = c->nscope;
}

/* The bare number of a chk_yuan_hint (" (N is a bare number; ..."), into
 * buf, so that the message can say the hint in its own words; NULL when
 * there is no hint (or it reads otherwise). */
static const char *yuan_number(const char *hint, char *buf, size_t cap)
{
    const char *end = strstr(hint, " is a bare number;");
    if (strncmp(hint, " (", 2) != 0 || !end || (size_t)(end - hint - 2) >= cap)
        return NULL;
    memcpy(buf, hint + 2, (size_t)(end - hint - 2));
    buf[end - hint - 2] = '\0';
    return buf;
}

/* exception NAME of RULE when COND = VALUE (a function's parameters are in
 * scope in both) */
static void decl_exception(chk_ctx *c, ast_decl *x)
{
    if (!x->of)
        return;
    scope_params(c, x->of);
    pol_type ct = chk_expr(c, x->cond);
    if (ct != PT_VOID && ct != PT_BOOL)
        REPORT(x->cond->sp, DC_TYPE_MISMATCH, "the condition after 'when' must be a boolean, found %s", tname(ct));
    pol_type t = chk_expr(c, x->value);
    c->nscope = c->scope_params = 0;
    char t3[POL_NUMBER_MAX_DIGITS * 2 + 80];
    if (t != PT_VOID && x->of->type != PT_VOID && !chk_assignable_e((pol_type)x->of->type, x->of->tref, x->value)) {
        char n[POL_NUMBER_MAX_DIGITS + 8];
        const char *hint = chk_yuan_hint(x->value, (pol_type)x->of->type, t, t3, sizeof t3), *bare = yuan_number(hint, n, sizeof n);
        if (bare) /* 元 an argument: the msgid stays ASCII */
            REPORT(x->value->sp, DC_TYPE_MISMATCH,
                "the exception gives %s%s, but %s '%s' is %s%s (%s is a bare number; if it is an amount, write %s%s)",
                chk_type_head(c, t, x->value->tref), chk_type_tail(c, t, x->value->tref), chk_kind_name(x->of->kind), x->of->name,
                chk_type_head(c, (pol_type)x->of->type, x->of->tref), chk_type_tail(c, (pol_type)x->of->type, x->of->tref), bare, bare,
                "元");
        else
            REPORT(x->value->sp, DC_TYPE_MISMATCH, "the exception gives %s%s, but %s '%s' is %s%s%s",
                chk_type_head(c, t, x->value->tref), chk_type_tail(c, t, x->value->tref), chk_kind_name(x->of->kind), x->of->name,
                chk_type_head(c, (pol_type)x->of->type, x->of->tref), chk_type_tail(c, (pol_type)x->of->type, x->of->tref), hint);
    }
    if (!x->an.cite)
        REPORT(x->sp, DC_NO_CITE, "exception to '%s' cites no clause of the notice (add cite \"...\")", x->of->name);
}

/* A rule's formula against its declared type. */
static void decl_formula_type(chk_ctx *c, ast_decl *x, pol_type t)
{
    if (t == PT_VOID)
        return;
    if (x->type == PT_LIST && t == PT_LIST && (pol_list_values(x->tref) || pol_list_values(x->value->tref))) {
        char want[120], got[120];
        if (!chk_list_fits(x->tref, x->value))
            REPORT(x->value->sp, DC_TYPE_MISMATCH, "%s '%s' is %s, found %s", chk_kind_name(x->kind), x->name,
                   chk_type_text(c, PT_LIST, x->tref, want, sizeof want), chk_type_text(c, PT_LIST, x->value->tref, got, sizeof got));
    } else if ((x->type == PT_LIST || x->type == PT_RECORD) && t == x->type && x->value->tref != x->tref && x->value->tref != UINT32_MAX)
        REPORT(x->value->sp, DC_TYPE_MISMATCH, "%s '%s' holds another record type", chk_kind_name(x->kind), x->name);
    else if (x->type == PT_ENUM && t == PT_ENUM && x->value->tref != x->tref)
        REPORT(x->value->sp, DC_TYPE_MISMATCH, "%s '%s' is a member of another enumeration", chk_kind_name(x->kind), x->name);
    else if (x->type != PT_VOID && !chk_assignable((pol_type)x->type, t, x->value->lit)) {
        char buf[POL_NUMBER_MAX_DIGITS * 2 + 80], n[POL_NUMBER_MAX_DIGITS + 8];
        const char *hint = chk_yuan_hint(x->value, (pol_type)x->type, t, buf, sizeof buf), *bare = yuan_number(hint, n, sizeof n);
        if (bare) /* 元 an argument: the msgid stays ASCII */
            REPORT(x->value->sp, DC_TYPE_MISMATCH,
                "%s '%s' is declared %s, but its formula gives %s (%s is a bare number; if it is an amount, write %s%s)",
                chk_kind_name(x->kind), x->name, tname((pol_type)x->type), tname(t), bare, bare, "元");
        else
            REPORT(x->value->sp, DC_TYPE_MISMATCH, "%s '%s' is declared %s, but its formula gives %s%s", chk_kind_name(x->kind), x->name,
                tname((pol_type)x->type), tname(t), hint);
    }
}

/* rule, output, require: the formula, with the parameters in scope */
static void decl_rule(chk_ctx *c, ast_decl *x)
{
    if (!x->value) {
        if (!x->exceptions)
            REPORT(x->name_sp, DC_NO_DEFINITION, "rule '%s' has no formula and no exceptions; write '= formula' or add 'exception ... of %s when ...'",
                x->name, x->name);
        if (!x->an.cite)
            REPORT(x->name_sp, DC_NO_CITE, "%s '%s' cites no clause of the notice (add cite \"...\")", chk_kind_name(x->kind), x->name);
        return;
    }
    scope_params(c, x);
    if (x->when) {
        pol_type wt = chk_expr(c, x->when);
        if (wt != PT_VOID && wt != PT_BOOL)
            REPORT(x->when->sp, DC_TYPE_MISMATCH, "the condition after 'when' must be a boolean, found %s", tname(wt));
    }
    pol_type t = chk_expr(c, x->value);
    c->nscope = c->scope_params = 0;
    decl_formula_type(c, x, t);
    if (x->kind == D_OUTPUT && x->places >= 0 && !numeric((pol_type)x->type))
        REPORT(x->type_sp, DC_PLACES, "'places' applies to numbers only");
    if (!x->an.cite)
        REPORT(x->name_sp, DC_NO_CITE, "%s '%s' cites no clause of the notice (add cite \"...\")", chk_kind_name(x->kind), x->name);
}

/* Pass 2: every declaration's body, in source order (declarations of the
 * policy's own file that a syntax error cut short are skipped: the error is
 * reported). */
void chk_bodies(chk_ctx *c)
{
    for (ast_decl *x = c->p->decls; x; x = x->next)
        if (x->kind == D_RULE || x->kind == D_OUTPUT || x->kind == D_REQUIRE) {
            x->nlocals = (uint32_t)x->nparams;
            if (x->nparams > BC_MAX_ARGS) /* its calls must fit the VM's stack */
                REPORT(x->name_sp, DC_LIMIT, "'%s' has %d parameters; a function takes at most %d", x->name, x->nparams, BC_MAX_ARGS);
        }
    /* tables first: their rows are sorted and their keys resolved before
     * any formula looks them up */
    for (ast_decl *x = c->p->decls; x; x = x->next) {
        c->cur = x;
        if (x->kind == D_PARAM && x->key_name && !(x->damaged && !x->imported))
            chk_param(c, x);
    }
    for (ast_decl *x = c->p->decls; x; x = x->next) {
        c->cur = x;
        if (x->damaged && !x->imported)
            continue; /* (imported files' damaged declarations are still checked, as they always were) */
        chk_inferred_place(c, x);
        switch (x->kind) {
        case D_INPUT: decl_input(c, x); break;
        case D_PARAM: if (!x->key_name) chk_param(c, x); break;
        case D_ENUM: chk_enum(c, x); break;
        case D_RECORD:
            if (!x->fields)
                REPORT(x->name_sp, DC_EMPTY_RECORD, "record type '%s' has no fields", x->name);
            break;
        case D_EXCEPTION: decl_exception(c, x); break;
        case D_RULE: case D_OUTPUT: case D_REQUIRE: decl_rule(c, x); break;
        case D_FINDING:
            if (!x->an.cite)
                REPORT(x->name_sp, DC_NO_CITE, "finding cites no clause of the notice (add cite \"...\")");
            break;
        case D_TEST: case D_IMPORT: break;
        }
    }
    c->cur = NULL;
}
