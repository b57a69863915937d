/* check_table.c -- tables (parameters keyed by an enumeration's members or
 * by bands of a number, each row a value or dated versions), their lookups,
 * the exhaustive choice `match x { member => value ... }`, and aggregates
 * over an enumeration's members.  Shares check_int.h with the other checker
 * files; codegen.c lowers all of them to existing opcodes (docs/language.md,
 * "Tables"). */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>

#include "caldate.h"


uint32_t chk_new_slot(chk_ctx *c, uint32_t n)
{
    ast_decl *owner = c->cur && c->cur->kind == D_EXCEPTION && c->cur->of ? c->cur->of : c->cur;
    if (!owner)
        return 0;
    uint32_t s = owner->nlocals;
    owner->nlocals += n;
    return s;
}

/* The text of a band's end as written: 35, 4000元, 3个月. */
static const char *end_text(chk_ctx *c, const ast_expr *e)
{
    const char *suffix = e->kind == EX_MONEY ? "元" : e->kind == EX_PERCENT ? "%" : e->op == PT_MONTHS ? "个月" : e->op == PT_DAYS ? "天" : "";
    size_t n = strlen(e->text) + strlen(suffix) + 1;
    char *s = arena_alloc(c->a, n);
    snprintf(s, n, "%s%s", e->text, suffix);
    return s;
}

/* A band's end as an exact number (percentages as fractions). */
static void end_value(const ast_expr *e, dec_t *out)
{
    char buf[POL_NUMBER_MAX_DIGITS + 2];
    snprintf(buf, sizeof buf, "%s%s", e->text, e->kind == EX_PERCENT ? "%" : "");
    if (dec_parse(out, buf, strlen(buf)) != DEC_OK)
        dec_set_i64(out, 0); /* the lexer reported it */
}

static int end_cmp(const ast_expr *a, const ast_expr *b)
{
    dec_t x, y;
    dec_init(&x);
    dec_init(&y);
    end_value(a, &x);
    end_value(b, &y);
    int r = dec_cmp(&x, &y);
    dec_clear(&x);
    dec_clear(&y);
    return r;
}

/* Whether b's low end is exactly one more than a's high end (integers). */
static bool next_integer(const ast_expr *hi, const ast_expr *lo)
{
    dec_t x, y, one;
    dec_init(&x);
    dec_init(&y);
    dec_init(&one);
    end_value(hi, &x);
    end_value(lo, &y);
    dec_set_i64(&one, 1);
    dec_add(&x, &x, &one);
    bool r = dec_cmp(&x, &y) == 0;
    dec_clear(&x);
    dec_clear(&y);
    dec_clear(&one);
    return r;
}

/* The whole numbers a gap between bands leaves out: from "35" to "39"
 * (from: the first value out, a's top + 1, or a's top when it is excluded);
 * false when they are one number. */
static bool gap_values(chk_ctx *c, const ast_row *a, const ast_row *b, const char **from, const char **to)
{
    dec_t x, y, one;
    dec_init(&x);
    dec_init(&y);
    dec_init(&one);
    dec_set_i64(&one, 1);
    end_value(a->hi, &x);
    if (!a->hi_excl)
        dec_add(&x, &x, &one);
    end_value(b->lo, &y);
    dec_sub(&y, &y, &one);
    char xs[POL_NUMBER_MAX_DIGITS + 8] = "", ys[POL_NUMBER_MAX_DIGITS + 8] = "";
    dec_format_exact(&x, xs, sizeof xs);
    dec_format_exact(&y, ys, sizeof ys);
    bool same = dec_cmp(&x, &y) == 0;
    dec_clear(&x);
    dec_clear(&y);
    dec_clear(&one);
    char *x1 = arena_alloc(c->a, strlen(xs) + 1), *y1 = arena_alloc(c->a, strlen(ys) + 1);
    memcpy(x1, xs, strlen(xs) + 1);
    memcpy(y1, ys, strlen(ys) + 1);
    *from = x1;
    *to = y1;
    return !same;
}

static int cmp_band(const void *x, const void *y)
{
    const ast_row *a = *(const ast_row *const *)x, *b = *(const ast_row *const *)y;
    if (!a->lo || !b->lo) {
        if (!a->lo && b->lo)
            return -1;
        if (a->lo && !b->lo)
            return 1;
    } else {
        int r = end_cmp(a->lo, b->lo);
        if (r)
            return r;
    }
    return a->sp.start < b->sp.start ? -1 : a->sp.start > b->sp.start;
}

static int cmp_member_row(const void *x, const void *y)
{
    const ast_row *a = *(const ast_row *const *)x, *b = *(const ast_row *const *)y;
    if (a->idx != b->idx)
        return a->idx < b->idx ? -1 : 1;
    return a->sp.start < b->sp.start ? -1 : a->sp.start > b->sp.start;
}

static void cell_table(chk_ctx *c, ast_decl *d, ast_row *r);

/* A row's value, or its dated versions; in a table by two keys, its rows
 * by the second key. */
static void row_body(chk_ctx *c, ast_decl *d, ast_row *r)
{
    if (d->key2_name) {
        cell_table(c, d, r);
        return;
    }
    size_t n = strlen(d->name) + strlen(r->label) + 4;
    char *name = arena_alloc(c->a, n);
    if (d->cell_rows) /* 补贴[二档] and 35..44: 补贴[二档, 35..44] */
        snprintf(name, n, "%.*s, %s]", (int)strlen(d->name) - 1, d->name, r->label);
    else
        snprintf(name, n, "%s[%s]", d->name, r->label);
    if (r->value) {
        chk_constant(c, r->value, (pol_type)d->type, FRAG("a table's value"));
        if (!r->an.cite && !d->an.cite)
            REPORT(r->sp, DC_NO_CITE, "row '%s' cites no clause of the notice (add cite \"...\")", name);
    } else
        r->versions = chk_versions(c, d, r->versions, name, r->member_sp, r->an.cite ? r->an.cite : d->an.cite);
}

/* An enumeration's member in a row or an arm: its index, or -1 (reported). */
static int32_t member_index(chk_ctx *c, const ast_decl *en, const char *name, span sp)
{
    int32_t i = 0;
    const char *cands[256];
    int nc = 0;
    for (const ast_member *m = en->members; m; m = m->next, i++) {
        if (strcmp(m->name, name) == 0)
            return i;
        if (nc < 256)
            cands[nc++] = m->name;
    }
    const char *s = chk_suggest(name, cands, (size_t)nc);
    if (s)
        REPORT(sp, DC_NO_MEMBER, "enumeration '%s' has no member '%s'; did you mean '%s'?", en->name, name, s);
    else
        REPORT(sp, DC_NO_MEMBER, "enumeration '%s' has no member '%s'", en->name, name);
    return -1;
}

/* "三档, 四档": the members of en that `have` marks false. */
static const char *missing_list(chk_ctx *c, const ast_decl *en, const bool *have, int *count)
{
    size_t cap = 1;
    int32_t i = 0;
    for (const ast_member *m = en->members; m; m = m->next, i++)
        if (!have[i])
            cap += strlen(m->name) + 2;
    char *s = arena_alloc(c->a, cap);
    *count = 0;
    i = 0;
    for (const ast_member *m = en->members; m; m = m->next, i++)
        if (!have[i]) {
            if (*count)
                strcat(s, ", ");
            strcat(s, m->name);
            (*count)++;
        }
    return s;
}

static int member_count(const ast_decl *en)
{
    int n = 0;
    for (const ast_member *m = en->members; m; m = m->next)
        n++;
    return n;
}

/* Rows by the members of an enumeration: each member at most once, every
 * member unless the table is partial. */
static void member_rows(chk_ctx *c, ast_decl *d, ast_decl *en, ast_row **rs, int n)
{
    int nm = member_count(en);
    bool *have = arena_alloc(c->a, sizeof *have * (size_t)(nm ? nm : 1));
    for (int i = 0; i < n; i++) {
        ast_row *r = rs[i];
        r->idx = -1;
        if (!r->member) {
            REPORT(r->member_sp, DC_TABLE_KEY, "the rows of '%s' are members of '%s', not bands", d->name, en->name);
            continue;
        }
        r->label = r->member;
        r->idx = member_index(c, en, r->member, r->member_sp);
        if (r->idx < 0)
            continue;
        if (have[r->idx])
            REPORT(r->member_sp, DC_DUPLICATE, "'%s' has two rows for '%s'", d->name, r->member);
        have[r->idx] = true;
        row_body(c, d, r);
    }
    int missing = 0;
    const char *list = missing_list(c, en, have, &missing);
    if (missing && !d->partial)
        REPORT(d->name_sp, DC_MISSING_ROW, "'%s' has no row for %s (of '%s'); give %s a row, or mark the table 'partial'",
               d->name, list, en->name, missing == 1 ? FRAG("it") : FRAG("each"));
}

/* Rows by bands of a number: sorted, no overlap, no gap unless partial. */
static int band_rows(chk_ctx *c, ast_decl *d, ast_row **rs, int n)
{
    pol_type kt = (pol_type)d->key_type;
    bool whole = kt == PT_INT || kt == PT_MONTHS || kt == PT_DAYS;
    int good = 0;
    for (int i = 0; i < n; i++) {
        ast_row *r = rs[i];
        if (r->member) {
            REPORT(r->member_sp, DC_TABLE_KEY, "the rows of '%s' are bands of %s like 35..44, not names", d->name, tname(kt));
            continue;
        }
        size_t cap = 64 + (r->lo ? strlen(r->lo->text) : 0) + (r->hi ? strlen(r->hi->text) : 0);
        char *label = arena_alloc(c->a, cap);
        snprintf(label, cap, "%s..%s%s", r->lo ? end_text(c, r->lo) : "", r->hi_excl ? "<" : "", r->hi ? end_text(c, r->hi) : "");
        r->label = label;
        bool ok = true;
        ast_expr *ends[2] = {r->lo, r->hi};
        for (int k = 0; k < 2; k++)
            if (ends[k]) {
                int before = c->d->errors;
                chk_constant(c, ends[k], kt, FRAG("a band's end"));
                ok &= c->d->errors == before;
            }
        if (ok && r->lo && r->hi) {
            int k = end_cmp(r->lo, r->hi);
            if (k > 0 || (k == 0 && r->hi_excl)) {
                REPORT(r->member_sp, DC_BAD_RANGE, "this band ends before it starts");
                ok = false;
            }
        }
        row_body(c, d, r);
        if (ok)
            rs[good++] = r;
    }
    qsort(rs, (size_t)good, sizeof *rs, cmp_band);
    for (int i = 1; i < good; i++) {
        ast_row *a = rs[i - 1], *b = rs[i];
        bool overlap;
        if (!a->hi || !b->lo)
            overlap = true;
        else {
            int k = end_cmp(b->lo, a->hi);
            overlap = a->hi_excl ? k < 0 : k <= 0;
            bool meets = a->hi_excl ? k == 0 : whole && next_integer(a->hi, b->lo);
            if (!overlap && !meets && !d->partial) {
                const char *from = NULL, *to = NULL;
                if (whole && gap_values(c, a, b, &from, &to))
                    REPORT(b->member_sp, DC_BAND_GAP,
                           "the bands of '%s' leave a gap between %s and %s (%s to %s are in no band); make them meet, or mark the table 'partial'",
                           d->name, a->label, b->label, from, to);
                else if (whole)
                    REPORT(b->member_sp, DC_BAND_GAP,
                           "the bands of '%s' leave a gap between %s and %s (%s is in no band); make them meet, or mark the table 'partial'",
                           d->name, a->label, b->label, from);
                else if (a->hi_excl)
                    REPORT(b->member_sp, DC_BAND_GAP, "the bands of '%s' leave a gap between %s and %s; make them meet, or mark the table 'partial'",
                           d->name, a->label, b->label);
                else
                    REPORT(b->member_sp, DC_BAND_GAP,
                           "the bands of '%s' leave a gap between %s and %s: values above %s and below %s are in no band; write ..<%s for a band that stops just below %s",
                           d->name, a->label, b->label, end_text(c, a->hi), end_text(c, b->lo), end_text(c, b->lo), end_text(c, b->lo));
            }
        }
        if (overlap) {
            REPORT(b->member_sp, DC_OVERLAP, "the bands of '%s' overlap: %s starts before %s ends", d->name, b->label, a->label);
            NOTE(a->member_sp, "the overlapping band");
        }
    }
    return good;
}

/* A row of a table by two keys (the first key's member or band) as a table
 * of its own by the second key, "补贴[二档]", checked as one: its rows
 * named "补贴[二档, 35..44]", partial when the whole table is. */
static void cell_table(chk_ctx *c, ast_decl *d, ast_row *r)
{
    ast_decl *t = arena_alloc(c->a, sizeof *t);
    size_t n = strlen(d->name) + strlen(r->label) + 3;
    char *name = arena_alloc(c->a, n);
    snprintf(name, n, "%s[%s]", d->name, r->label);
    t->kind = D_PARAM;
    t->sp = r->sp;
    t->name = name;
    t->name_sp = r->member_sp;
    t->type_name = d->type_name;
    t->type_sp = d->type_sp;
    t->type = d->type;
    t->tref = d->tref;
    t->index = d->index;
    t->imported = d->imported;
    t->places = -1;
    t->key_name = d->key2_name;
    t->key_sp = d->key2_sp;
    t->partial = d->partial;
    t->an = r->an;
    if (!t->an.cite)
        t->an.cite = d->an.cite;
    t->rows = r->sub;
    t->nrows = r->nsub;
    t->dated_rows = d->dated_rows;
    t->cell_rows = true;
    r->table = t;
    chk_table(c, t);
}

/* The second key of a table by two keys: an enumeration or a number type
 * (false: reported). */
static bool second_key(chk_ctx *c, ast_decl *d)
{
    uint32_t tref = 0;
    pol_type kt = chk_resolve_type(c, d->key2_name, d->key2_sp, &tref);
    d->key2_type = (uint8_t)kt;
    d->key2_tref = tref;
    if (kt == PT_VOID)
        return false;
    if (kt == PT_DATE) {
        REPORT(d->key2_sp, DC_TABLE_KEY, "a table is dated by its rows' versions, not by a key: write %s { ROW { FROM..TO = ... } }", d->key_name);
        return false;
    }
    if (kt != PT_ENUM && !numeric(kt)) {
        REPORT(d->key2_sp, DC_TABLE_KEY, "a table is keyed by an enumeration or by bands of a number, not by %s", tname(kt));
        return false;
    }
    return true;
}

void chk_table(chk_ctx *c, ast_decl *d)
{
    if (d->key2_name && !second_key(c, d)) {
        d->key_type = PT_VOID;
        return;
    }
    uint32_t tref = 0;
    pol_type kt = chk_resolve_type(c, d->key_name, d->key_sp, &tref);
    d->key_type = (uint8_t)kt;
    d->key_tref = tref;
    if (kt == PT_VOID)
        return;
    ast_decl *en = kt == PT_ENUM ? chk_decl_of_type(c, kt, tref) : NULL;
    if (!en && !numeric(kt)) {
        if (kt == PT_DATE)
            REPORT(d->key_sp, DC_TABLE_KEY, "a parameter by date is a dated parameter: write its versions without 'by' (param %s: %s { FROM..TO = ... })",
                   d->name, d->type_name);
        else
            REPORT(d->key_sp, DC_TABLE_KEY, "a table is keyed by an enumeration or by bands of a number, not by %s", tname(kt));
        return;
    }
    if (en)
        en->uses++;
    if (d->nrows == 0) {
        REPORT(d->name_sp, DC_NO_VERSIONS, "table '%s' has no rows", d->name);
        return;
    }
    ast_row **rs = arena_alloc(c->a, sizeof *rs * (size_t)d->nrows);
    int n = 0;
    for (ast_row *r = d->rows; r; r = r->next)
        rs[n++] = r;
    if (en) {
        member_rows(c, d, en, rs, n);
        int good = 0;
        for (int i = 0; i < n; i++)
            if (rs[i]->idx >= 0)
                rs[good++] = rs[i];
        n = good;
        qsort(rs, (size_t)n, sizeof *rs, cmp_member_row);
    } else {
        n = band_rows(c, d, rs, n); /* the well-formed bands, sorted, at the front */
    }
    for (int i = 0; i < n; i++)
        rs[i]->next = i + 1 < n ? rs[i + 1] : NULL;
    d->rows = n ? rs[0] : NULL;
    d->nrows = n;
}

/* "by 缴费档次, integer", "by 缴费档次", or "undated" / "dated": how a
 * parameter is keyed, for the message below. */
static const char *keyed_text(chk_ctx *c, const ast_decl *d)
{
    if (!d->key_name)
        return d->versions ? FRAG("a dated parameter") : FRAG("a parameter with one value");
    size_t n = strlen(d->key_name) + (d->key2_name ? strlen(d->key2_name) : 0) + 64;
    char *s = arena_alloc(c->a, n);
    if (d->key2_name)
        snprintf(s, n, FRAG("a table by %s, %s"), d->key_name, d->key2_name);
    else
        snprintf(s, n, FRAG("a table by %s"), d->key_name);
    return s;
}

static pol_type key_type_of(chk_ctx *c, const char *name, span sp, uint32_t *tref)
{
    *tref = 0;
    return name ? chk_resolve_type(c, name, sp, tref) : PT_VOID;
}

/* An override of a table keeps its keys, and only a table overrides one:
 * the imported formulas look it up by them. */
void chk_override_keys(chk_ctx *c, ast_decl *x, const ast_decl *of)
{
    if (!x->key_name && !of->key_name)
        return;
    bool same = x->key_name && of->key_name && !x->key2_name == !of->key2_name;
    if (same) {
        uint32_t t1, t2;
        int before = c->d->errors;
        pol_type a = key_type_of(c, x->key_name, x->key_sp, &t1), b = key_type_of(c, of->key_name, of->key_sp, &t2);
        if (c->d->errors != before || a == PT_VOID || b == PT_VOID)
            return; /* reported where it is resolved */
        same = a == b && t1 == t2;
        if (same && x->key2_name) {
            a = key_type_of(c, x->key2_name, x->key2_sp, &t1);
            b = key_type_of(c, of->key2_name, of->key2_sp, &t2);
            if (c->d->errors != before || a == PT_VOID || b == PT_VOID)
                return;
            same = a == b && t1 == t2;
        }
    }
    if (same)
        return;
    REPORT(x->key_name ? x->key_sp : x->name_sp, DC_OVERRIDE, "'%s' is %s in the imported policy, and %s here; an override of a table keeps its keys",
           x->name, keyed_text(c, of), keyed_text(c, x));
    NOTE(of->name_sp, "the imported parameter");
}

/* Whether row r is the one `pattern` names: the same member, or a band with
 * the same ends (as numbers: 35 and 35.0 are one end). */
static bool same_row(const ast_row *pattern, const ast_row *r)
{
    if (pattern->member || r->member)
        return pattern->member && r->member && strcmp(pattern->member, r->member) == 0;
    if (!pattern->lo != !r->lo || !pattern->hi != !r->hi || pattern->hi_excl != r->hi_excl)
        return false;
    if (pattern->lo && (pattern->lo->kind != r->lo->kind || pattern->lo->op != r->lo->op || end_cmp(pattern->lo, r->lo) != 0))
        return false;
    return !pattern->hi || (pattern->hi->kind == r->hi->kind && pattern->hi->op == r->hi->op && end_cmp(pattern->hi, r->hi) == 0);
}

/* The text of a row key as written in an override: 一档, 35..44. */
static const char *key_text(chk_ctx *c, const ast_row *k)
{
    if (k->member)
        return k->member;
    size_t cap = 64 + (k->lo ? strlen(k->lo->text) : 0) + (k->hi ? strlen(k->hi->text) : 0);
    char *s = arena_alloc(c->a, cap);
    snprintf(s, cap, "%s..%s%s", k->lo ? end_text(c, k->lo) : "", k->hi_excl ? "<" : "", k->hi ? end_text(c, k->hi) : "");
    return s;
}

/* `override param T[ROW] ...` (or T[ROW, ROW2]): the imported table's row
 * takes the override's value or versions, annotations and position (so an
 * explanation says it is an override); false when there is no such row
 * (reported). */
bool chk_override_row(chk_ctx *c, ast_decl *x, ast_decl *t)
{
    if (!t->key_name) {
        REPORT(x->name_sp, DC_OVERRIDE, "'%s' is not a table in the imported policy; override it whole: override param %s: %s ...", x->name, x->name,
               t->type_name);
        NOTE(t->name_sp, "the imported parameter");
        return false;
    }
    if (!t->key2_name != !x->override_row2) {
        if (t->key2_name)
            REPORT(x->override_row->member_sp, DC_OVERRIDE, "'%s' is a table by two keys; name the cell: override param %s[%s, %s]", x->name, x->name,
                   t->key_name, t->key2_name);
        else
            REPORT(x->override_row2->member_sp, DC_OVERRIDE, "'%s' has one key; name the row: override param %s[%s]", x->name, x->name, t->key_name);
        NOTE(t->name_sp, "the imported parameter");
        return false;
    }
    ast_row *r = t->rows;
    while (r && !same_row(x->override_row, r))
        r = r->next;
    if (r && x->override_row2) {
        ast_row *y = r->sub;
        while (y && !same_row(x->override_row2, y))
            y = y->next;
        if (!y) {
            REPORT(x->override_row2->member_sp, DC_OVERRIDE, "imported table '%s' has no row %s in its row %s", x->name, key_text(c, x->override_row2),
                   key_text(c, x->override_row));
            NOTE(r->member_sp, "the row");
            return false;
        }
        r = y;
    } else if (!r) {
        REPORT(x->override_row->member_sp, DC_OVERRIDE, "imported table '%s' has no row %s", x->name, key_text(c, x->override_row));
        NOTE(t->name_sp, "the imported parameter");
        return false;
    }
    ast_row *o = x->override_row2 ? x->override_row2 : x->override_row;
    if (r->overridden) {
        const char *k1 = key_text(c, x->override_row), *k2 = x->override_row2 ? key_text(c, x->override_row2) : NULL;
        size_t n = strlen(x->name) + strlen(k1) + (k2 ? strlen(k2) : 0) + 5;
        char *cell = arena_alloc(c->a, n);
        snprintf(cell, n, "%s[%s%s%s]", x->name, k1, k2 ? ", " : "", k2 ? k2 : "");
        REPORT(o->member_sp, DC_DUPLICATE, "'%s' is overridden twice", cell);
        NOTE(r->sp, "the other override");
        return false;
    }
    r->overridden = true;
    if (o->versions || !o->value) /* an undated table becomes dated: its lookups change */
        t->dated_rows = true;
    r->value = o->value;
    r->versions = o->versions;
    r->an = o->an;
    r->sp = o->sp;
    return true;
}

/* The row of an enum-keyed table for member idx, or NULL. */
static ast_row *row_of(const ast_decl *d, int32_t idx)
{
    for (ast_row *r = d->rows; r; r = r->next)
        if (r->idx == idx)
            return r;
    return NULL;
}

static bool period_type(pol_type t) { return t == PT_DATE || t == PT_MONTH || t == PT_INT; }

/* Whether key k (checked) fits a table's key of type t (an enumeration's tref). */
static bool key_fits(uint8_t t, uint32_t tref, const ast_expr *k)
{
    if (t == PT_ENUM)
        return k->type == PT_ENUM && k->tref == tref;
    return k->type != PT_VOID && chk_assignable((pol_type)t, (pol_type)k->type, k->lit);
}

/* The second key of a lookup of a table by two keys, a[k1, k2] or
 * a[k1, k2, date] (k2 in args[0]): false when it does not fit (reported). */
static bool lookup_second(chk_ctx *c, ast_expr *e, ast_decl *d)
{
    if (!e->nargs) {
        REPORT(e->sp, DC_INDEX, "'%s' is a table by two keys; look it up by both: %s[%s, %s%s]", d->name, d->name, d->key_name, d->key2_name,
               d->dated_rows ? FRAG(", date") : "");
        return false;
    }
    ast_expr *k = e->args[0];
    pol_type kt = chk_expr(c, k);
    if (kt == PT_VOID || d->key2_type == PT_VOID)
        return false;
    if (d->key2_type == PT_ENUM) {
        if (kt != PT_ENUM || k->tref != d->key2_tref) {
            REPORT(k->sp, DC_TYPE_MISMATCH, "the second key of '%s' is a member of '%s', found %s%s", d->name, d->key2_name,
                   chk_type_head(c, kt, k->tref), chk_type_tail(c, kt, k->tref));
            return false;
        }
    } else if (!chk_assignable((pol_type)d->key2_type, kt, k->lit)) {
        REPORT(k->sp, DC_TYPE_MISMATCH, "the second key of '%s' is %s, found %s%s", d->name, tname((pol_type)d->key2_type),
               chk_type_head(c, kt, k->tref), chk_type_tail(c, kt, k->tref));
        return false;
    }
    return true;
}

pol_type chk_table_lookup(chk_ctx *c, ast_expr *e, ast_decl *d, pol_type kt)
{
    e->table = true;
    e->sym = SYM_PARAM;
    e->index = d->index;
    e->a->sym = SYM_PARAM;
    e->a->index = d->index;
    bool second_ok = true;
    if (d->key2_name && !e->nargs && e->c) { /* a[k1, k2]: the second value is the key */
        e->args = arena_alloc(c->a, sizeof *e->args);
        e->args[0] = e->c;
        e->nargs = 1;
        e->c = NULL;
    }
    if (!d->key2_name && e->nargs) {
        chk_expr(c, e->args[0]);
        if (d->dated_rows)
            REPORT(e->args[0]->sp, DC_INDEX, "'%s' has one key; look it up by it and a date: %s[key, date]", d->name, d->name);
        else
            REPORT(e->args[0]->sp, DC_INDEX, "'%s' has one key; look it up by it: %s[key]", d->name, d->name);
        second_ok = false;
    }
    pol_type dt = e->c ? chk_expr(c, e->c) : PT_VOID;
    if (d->key_type == PT_VOID)
        return PT_VOID;
    bool first_ok = kt != PT_VOID;
    if (first_ok && d->key_type == PT_ENUM) {
        if (kt != PT_ENUM || e->b->tref != d->key_tref) {
            REPORT(e->b->sp, DC_TYPE_MISMATCH, "'%s' is looked up by a member of '%s', found %s%s", d->name, d->key_name,
                   chk_type_head(c, kt, e->b->tref), chk_type_tail(c, kt, e->b->tref));
            first_ok = false;
        }
    } else if (first_ok && !chk_assignable((pol_type)d->key_type, kt, e->b->lit)) {
        REPORT(e->b->sp, DC_TYPE_MISMATCH, "'%s' is looked up by %s, found %s%s", d->name, tname((pol_type)d->key_type),
               chk_type_head(c, kt, e->b->tref), chk_type_tail(c, kt, e->b->tref));
        first_ok = false;
    }
    if (d->key2_name)
        second_ok = lookup_second(c, e, d);
    if (d->key2_name && !first_ok && !second_ok && e->nargs && key_fits(d->key2_type, d->key2_tref, e->b) &&
        key_fits(d->key_type, d->key_tref, e->args[0]))
        NOTE(e->sp, "the keys are the other way round: %s is looked up by %s first, then by %s", d->name, d->key_name, d->key2_name);
    if (!first_ok || !second_ok)
        return PT_VOID;
    if (d->dated_rows && !e->c) {
        if (d->key2_name)
            REPORT(e->sp, DC_DATED_PARAM, "the rows of '%s' have dated versions; say which date applies: %s[key, key, date]", d->name, d->name);
        else
            REPORT(e->sp, DC_DATED_PARAM, "the rows of '%s' have dated versions; say which date applies: %s[key, date]", d->name, d->name);
        return PT_VOID;
    }
    if (!d->dated_rows && e->c) {
        if (d->key2_name)
            REPORT(e->c->sp, DC_INDEX, "the rows of '%s' are not dated; look it up by its keys alone: %s[key, key]", d->name, d->name);
        else
            REPORT(e->c->sp, DC_INDEX, "the rows of '%s' are not dated; look it up by its key alone: %s[key]", d->name, d->name);
        return PT_VOID;
    }
    if (e->c) {
        if (dt == PT_VOID)
            return PT_VOID;
        if (!period_type(dt)) {
            REPORT(e->c->sp, DC_TYPE_MISMATCH, "a parameter is looked up by a date, a month or a year, not by %s", tname(dt));
            return PT_VOID;
        }
        e->op = dt != PT_DATE; /* a whole month or year: OP_PARAM_IN */
    }
    if (e->b->kind == EX_FIELD && e->b->sym == SYM_MEMBER) {
        const ast_row *r = row_of(d, e->b->ival);
        if (!r) {
            REPORT(e->b->sp, DC_NO_VERSION, "'%s' has no row for %s.%s", d->name, d->key_name, e->b->text);
            NOTE(d->name_sp, "'%s' is declared here", d->name);
        } else if (d->key2_name && r->table && e->args[0]->kind == EX_FIELD && e->args[0]->sym == SYM_MEMBER &&
                   !row_of(r->table, e->args[0]->ival)) {
            REPORT(e->args[0]->sp, DC_NO_VERSION, "'%s' has no row for %s.%s", r->table->name, d->key2_name, e->args[0]->text);
            NOTE(r->member_sp, "'%s' is declared here", r->table->name);
        }
    }
    e->slot = chk_new_slot(c, d->key2_name ? 2 : 1);
    return (pol_type)d->type;
}

ast_decl *chk_agg_enum(chk_ctx *c, const ast_expr *a)
{
    if (a->kind != EX_NAME)
        return NULL;
    for (int i = 0; i < c->nscope; i++)
        if (strcmp(c->scope[i].name, a->text) == 0)
            return NULL;
    ast_decl *d = chk_lookup(c, a->text);
    return d && d->kind == D_ENUM ? d : NULL;
}

/* match x { member => value ... [else => value] } */
pol_type chk_match(chk_ctx *c, ast_expr *e)
{
    pol_type st = chk_expr(c, e->a);
    bool bad = false;
    for (int i = 0; i < e->nargs; i++) /* an arm with no value (inapplicable, unstated) fits any type */
        bad |= chk_expr(c, e->args[i]) == PT_VOID && !chk_bottom(e->args[i]);
    if (st == PT_VOID)
        return PT_VOID;
    if (st != PT_ENUM) {
        REPORT(e->a->sp, DC_TYPE_MISMATCH, "'match' chooses by the members of an enumeration, found %s%s", chk_type_head(c, st, e->a->tref),
               chk_type_tail(c, st, e->a->tref));
        return PT_VOID;
    }
    ast_decl *en = chk_decl_of_type(c, st, e->a->tref);
    if (!en)
        return PT_VOID;
    int nm = member_count(en);
    bool *have = arena_alloc(c->a, sizeof *have * (size_t)(nm ? nm : 1));
    e->members = arena_alloc(c->a, sizeof *e->members * (size_t)e->nargs);
    int else_at = -1;
    for (int i = 0; i < e->nargs; i++) {
        e->members[i] = -1;
        if (!e->arg_names[i]) {
            if (else_at >= 0)
                REPORT(e->arg_name_sps[i], DC_DUPLICATE, "more than one 'else' arm in this 'match'");
            else if (i != e->nargs - 1)
                REPORT(e->arg_name_sps[i], DC_MATCH, "the 'else' arm comes last in a 'match'");
            else_at = i;
            continue;
        }
        int32_t k = member_index(c, en, e->arg_names[i], e->arg_name_sps[i]);
        if (k < 0) {
            bad = true;
            continue;
        }
        if (have[k])
            REPORT(e->arg_name_sps[i], DC_DUPLICATE, "'%s' has two arms in this 'match'", e->arg_names[i]);
        have[k] = true;
        e->members[i] = k;
    }
    int missing = 0;
    const char *list = missing_list(c, en, have, &missing);
    if (missing && else_at < 0 && !bad)
        REPORT(e->sp, DC_MATCH, "'match' over '%s' has no arm for %s; add %s, or an 'else =>' arm", en->name, list,
               missing == 1 ? FRAG("it") : FRAG("them"));
    else if (!missing && else_at >= 0)
        REPORT(e->arg_name_sps[else_at], DC_MATCH, "every member of '%s' has an arm; this 'else' never applies", en->name);
    if (bad)
        return PT_VOID;
    e->slot = chk_new_slot(c, 1);
    /* the arms' types join as if/else branches do; arms with no value are
     * left out, and a match all of whose arms have none has none */
    int at = 0;
    while (at < e->nargs && chk_bottom(e->args[at]))
        at++;
    if (at == e->nargs)
        return PT_VOID;
    ast_expr *first = e->args[at];
    pol_type t = first->type;
    bool lit = first->lit;
    for (int i = at + 1; i < e->nargs; i++) {
        if (chk_bottom(e->args[i]))
            continue;
        ast_expr tmp = *first;
        tmp.type = (uint8_t)t;
        tmp.lit = lit;
        pol_type j = chk_join(&tmp, e->args[i], &lit);
        if (j == PT_VOID) {
            REPORT(e->args[i]->sp, DC_TYPE_MISMATCH, "the arms of 'match' differ: %s for '%s', %s here", tname(t),
                   e->arg_names[at] ? e->arg_names[at] : "else", tname((pol_type)e->args[i]->type));
            return PT_VOID;
        }
        t = j;
    }
    e->lit = lit;
    e->tref = first->tref;
    return t;
}
