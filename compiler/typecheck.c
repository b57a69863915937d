/* typecheck.c -- name resolution, types and units, versions, cycles (typecheck.h).
 *
 * Types: integer, decimal, rate, money, boolean, date, month, text.  Numeric
 * literals are "untyped" (lit) until they meet a typed operand, like Go's
 * constants: `月缴费基数 + 12` is money, `12 * 12` stays a literal and becomes
 * whatever the declaration says.  Unit rules, in one table (arith_type):
 *   money ± money = money       money ± rate/decimal/integer = error
 *   money × number = money      money × money = error
 *   money ÷ number = money      money ÷ money = decimal      number ÷ money = error
 *   number ± × ÷ number: integer if both integer (÷ gives decimal), rate if a
 *   rate meets an integer, otherwise decimal.
 */
#include "typecheck.h"

#include <stdlib.h>
#include <string.h>

#include "bytecode.h"
#include "caldate.h"

typedef struct ctx {
    arena *a;
    diag_ctx *d;
    const src_file *f;
    ast_policy *p;
    /* symbol table: open addressing over all named declarations */
    ast_decl **tab;
    uint32_t tabcap;
    ast_decl *cur;   /* declaration being checked (for uses/cycles)       */
    /* loop variables in scope (aggregates), innermost last */
    struct { const char *name; uint8_t type; uint32_t tref, slot; } *scope; /* a function's parameters, then up to 64 */
    int nscope, scope_params; /* entries, of which the current function's parameters */
    uint32_t want_tref;   /* check_constant: the enumeration expected */
    const chk_result *out; /* the declarations by kind and index (from pass 1) */
} ctx;

/* After syntax errors the tree lacks the declarations that failed to parse:
 * their names would be "undefined" and others "unused", so those follow-on
 * diagnostics are left out while every other error is still reported. */
static bool follow_on(const ast_policy *p, const char *code)
{
    return p->partial && (!strcmp(code, "undefined") || !strcmp(code, "unused") || !strcmp(code, "no-output") ||
                          !strcmp(code, "exception-target") || !strcmp(code, "no-definition"));
}
#define ERR(sp, code, ...)                                                          \
    do {                                                                            \
        if (!follow_on(c->p, code))                                                 \
            diag_report(c->d, DIAG_ERROR, c->f, (sp), (code), __VA_ARGS__);         \
    } while (0)
#define WARN(sp, code, ...)                                                         \
    do {                                                                            \
        if (!follow_on(c->p, code))                                                 \
            diag_report(c->d, DIAG_WARNING, c->f, (sp), (code), __VA_ARGS__);       \
    } while (0)
#define NOTE(sp, ...) diag_report(c->d, DIAG_NOTE, c->f, (sp), "note", __VA_ARGS__)

/* ---- names ---- */
static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static ast_decl *lookup(ctx *c, const char *name)
{
    if (!c->tabcap)
        return NULL;
    for (uint32_t i = hash_str(name) & (c->tabcap - 1);; i = (i + 1) & (c->tabcap - 1)) {
        if (!c->tab[i])
            return NULL;
        if (strcmp(c->tab[i]->name, name) == 0)
            return c->tab[i];
    }
}

static void insert(ctx *c, ast_decl *d)
{
    for (uint32_t i = hash_str(d->name) & (c->tabcap - 1);; i = (i + 1) & (c->tabcap - 1)) {
        if (!c->tab[i]) {
            c->tab[i] = d;
            return;
        }
    }
}

/* Edit distance over code points, for "did you mean". */
static size_t utf8_cps(const char *s, uint32_t *out, size_t max)
{
    size_t n = 0;
    const unsigned char *u = (const unsigned char *)s;
    while (*u && n < max) {
        uint32_t cp = *u;
        int len = cp < 0x80 ? 1 : (cp & 0xE0) == 0xC0 ? 2 : (cp & 0xF0) == 0xE0 ? 3 : 4;
        for (int k = 1; k < len && u[k]; k++)
            cp = cp << 8 | u[k];
        out[n++] = cp;
        for (int k = 0; k < len && *u; k++)
            u++;
    }
    return n;
}

static size_t edit_distance(const char *x, const char *y)
{
    uint32_t a[64], b[64];
    size_t n = utf8_cps(x, a, 64), m = utf8_cps(y, b, 64);
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

static const char *suggest_from(const char *name, const char *const *cands, size_t n)
{
    uint32_t tmp[64];
    size_t len = utf8_cps(name, tmp, 64);
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

static const char *suggest_decl(ctx *c, const char *name)
{
    const char *cands[512];
    size_t n = 0;
    for (ast_decl *d = c->p->decls; d && n < 512; d = d->next)
        if (d->kind != D_TEST && d->kind != D_EXCEPTION && d->kind != D_IMPORT && d->name)
            cands[n++] = d->name;
    return suggest_from(name, cands, n);
}

/* ---- types ---- */
typedef struct { const char *name; pol_type t; } type_name;
static const type_name type_names[] = {
    {"money", PT_MONEY},   {"金额", PT_MONEY},   {"decimal", PT_DEC}, {"小数", PT_DEC},
    {"number", PT_DEC},    {"数值", PT_DEC},     {"rate", PT_RATE},   {"比例", PT_RATE},
    {"比率", PT_RATE},     {"integer", PT_INT},  {"整数", PT_INT},    {"boolean", PT_BOOL},
    {"布尔", PT_BOOL},     {"date", PT_DATE},    {"日期", PT_DATE},   {"month", PT_MONTH},
    {"月份", PT_MONTH},    {"text", PT_TEXT},    {"文本", PT_TEXT},   {"months", PT_MONTHS},
    {"月数", PT_MONTHS},   {"days", PT_DAYS},    {"天数", PT_DAYS},
};

static pol_type resolve_type(ctx *c, const char *name, span sp, uint32_t *tref)
{
    *tref = 0;
    if (name[0] == '[' && name[1] == ']') { /* list of a record type */
        ast_decl *rt = lookup(c, name + 2);
        if (!rt || rt->kind != D_RECORD) {
            ERR(sp, "unknown-type", "'%s' is not a record type; lists hold records (declare 'record %s (...)')", name + 2, name + 2);
            return PT_VOID;
        }
        rt->uses++;
        *tref = rt->index;
        return PT_LIST;
    }
    ast_decl *en = lookup(c, name);
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
    const char *cands[sizeof type_names / sizeof *type_names];
    for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++) {
        if (strcmp(type_names[i].name, name) == 0)
            return type_names[i].t;
        cands[i] = type_names[i].name;
    }
    const char *s = suggest_from(name, cands, sizeof cands / sizeof *cands);
    if (s)
        ERR(sp, "unknown-type", "unknown type '%s'; did you mean '%s'?", name, s);
    else
        ERR(sp, "unknown-type", "unknown type '%s' (types: money, decimal, rate, integer, boolean, date, month, text)", name);
    return PT_VOID;
}

static const char *tname(pol_type t) { return pol_type_name(t); }

/* The record type (records, lists) or enumeration a type refers to, or NULL. */
static ast_decl *decl_of_type(ctx *c, pol_type t, uint32_t tref)
{
    if (t == PT_ENUM)
        return c->out && tref < c->out->nenums ? c->out->enums[tref] : NULL;
    if (t == PT_RECORD || t == PT_LIST)
        return c->out && tref < c->out->nrecords ? c->out->records[tref] : NULL;
    return NULL;
}

/* A type for messages, naming the record type or enumeration: "list of 缴费". */
static const char *type_text(ctx *c, pol_type t, uint32_t tref, char *buf, size_t cap)
{
    if (t == PT_LIST || t == PT_RECORD || t == PT_ENUM) {
        const ast_decl *d = decl_of_type(c, t, tref);
        const char *name = d ? d->name : NULL;
        if (t == PT_LIST && tref == UINT32_MAX)
            snprintf(buf, cap, "an empty list");
        else
            snprintf(buf, cap, "%s%s", t == PT_LIST ? "list of " : t == PT_RECORD ? "record " : "enumeration ", name ? name : "?");
        return buf;
    }
    return tname(t);
}

/* ---- rounding modes and builtins ---- */
typedef struct { const char *name; int v; } named;
static const named modes[] = {
    {"half_up", DEC_HALF_UP},     {"四舍五入", DEC_HALF_UP},   {"half_even", DEC_HALF_EVEN},
    {"银行家舍入", DEC_HALF_EVEN}, {"down", DEC_DOWN},         {"去尾", DEC_DOWN},
    {"截断", DEC_DOWN},           {"up", DEC_UP},             {"进一", DEC_UP},
    {"floor", DEC_FLOOR},         {"向下取整", DEC_FLOOR},     {"ceiling", DEC_CEILING},
    {"向上取整", DEC_CEILING},
};
static const named builtins[] = {
    {"round", FN_ROUND},         {"舍入", FN_ROUND},        {"min", FN_MIN},
    {"最小", FN_MIN},            {"max", FN_MAX},           {"最大", FN_MAX},
    {"month_of", FN_MONTH_OF},   {"所在月", FN_MONTH_OF},   {"year_of", FN_YEAR_OF},
    {"年份", FN_YEAR_OF},        {"month_number", FN_MONTH_NUM}, {"月序", FN_MONTH_NUM},
    {"day_of", FN_DAY_OF},       {"日序", FN_DAY_OF},       {"date", FN_DATE},
    {"日期", FN_DATE},           {"month", FN_MONTH},       {"年月", FN_MONTH},
    {"first_day", FN_FIRST_DAY}, {"月初", FN_FIRST_DAY},    {"last_day", FN_LAST_DAY},
    {"月末", FN_LAST_DAY},       {"add_months", FN_ADD_MONTHS}, {"加月", FN_ADD_MONTHS},
    {"months", FN_MONTHS},       {"月数", FN_MONTHS},       {"length", FN_LENGTH},
    {"长度", FN_LENGTH},         {"text", FN_TEXT},         {"文本", FN_TEXT},
};
static const named aggregates[] = {
    {"sum", FN_SUM},     {"合计", FN_SUM},  {"count", FN_COUNT}, {"计数", FN_COUNT},
    {"any", FN_ANY},     {"任一", FN_ANY},  {"all", FN_ALL},     {"全部", FN_ALL},
    {"min", FN_AGG_MIN}, {"最小", FN_AGG_MIN}, {"max", FN_AGG_MAX}, {"最大", FN_AGG_MAX},
    {"list", FN_LIST},   {"列出", FN_LIST},  {"first", FN_FIRST}, {"首个", FN_FIRST},
};

static int find_named(const named *tab, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tab[i].name, name) == 0)
            return tab[i].v;
    return -1;
}

static const char *suggest_named(const named *tab, size_t n, const char *name)
{
    const char *cands[32];
    for (size_t i = 0; i < n && i < 32; i++)
        cands[i] = tab[i].name;
    return suggest_from(name, cands, n < 32 ? n : 32);
}

/* ---- expressions ---- */
static pol_type check_expr(ctx *c, ast_expr *e);

static bool numeric(pol_type t) { return pol_type_numeric(t); }

/* Type of a ± b, a × b, a ÷ b given both numeric; PT_VOID after reporting. */
static pol_type arith_type(ctx *c, int op, ast_expr *a, ast_expr *b, span sp)
{
    pol_type x = (pol_type)a->type, y = (pol_type)b->type;
    bool xl = a->lit, yl = b->lit;
    const char *verb = op == BO_ADD ? "add" : op == BO_SUB ? "subtract" : op == BO_MUL ? "multiply" : "divide";
    bool xd = x == PT_MONTHS || x == PT_DAYS, yd = y == PT_MONTHS || y == PT_DAYS;
    if ((xd || yd) && x != PT_MONEY && y != PT_MONEY) { /* durations */
        if (xd && yd && x != y) {
            ERR(sp, "unit-mismatch", "cannot %s %s and %s: a month has no fixed number of days", verb, tname(x), tname(y));
            return PT_VOID;
        }
        pol_type dur = xd ? x : y, other = xd ? y : x;
        if (op == BO_ADD || op == BO_SUB || op == BO_MUL) {
            if (op == BO_MUL && other == dur) {
                ERR(sp, "unit-mismatch", "cannot multiply %s by %s", tname(x), tname(y));
                return PT_VOID;
            }
            if (other == dur || other == PT_INT)
                return dur;
            ERR(sp, "unit-mismatch", "cannot %s %s and %s", verb, tname(x), tname(y));
            return PT_VOID;
        }
        return PT_DEC; /* a ratio of durations, or a duration shared out */
    }
    if (op == BO_ADD || op == BO_SUB) {
        if (x == PT_MONEY || y == PT_MONEY) {
            if ((x == PT_MONEY || xl) && (y == PT_MONEY || yl))
                return PT_MONEY;
            ERR(sp, "unit-mismatch", "cannot %s %s and %s: both sides of %s must be money", verb, tname(x), tname(y),
                op == BO_ADD ? "+" : "-");
            return PT_VOID;
        }
    } else if (op == BO_MUL) {
        if (x == PT_MONEY && y == PT_MONEY) {
            ERR(sp, "unit-mismatch", "cannot multiply money by money (the result would be yuan squared)");
            return PT_VOID;
        }
        if (x == PT_MONEY || y == PT_MONEY)
            return PT_MONEY;
    } else {
        if (x == PT_MONEY && y == PT_MONEY)
            return PT_DEC;
        if (x == PT_MONEY)
            return PT_MONEY;
        if (y == PT_MONEY) {
            ERR(sp, "unit-mismatch", "cannot divide %s by money", tname(x));
            return PT_VOID;
        }
    }
    /* both non-money */
    if (op == BO_DIV) {
        if ((x == PT_RATE && y == PT_INT) || (x == PT_RATE && yl))
            return PT_RATE;
        return PT_DEC;
    }
    if (x == PT_INT && y == PT_INT)
        return PT_INT;
    if (x == y)
        return x;
    if ((x == PT_RATE && (y == PT_INT || yl)) || (y == PT_RATE && (x == PT_INT || xl)))
        return PT_RATE;
    if (x == PT_INT && y == PT_INT)
        return PT_INT;
    if (xl && !yl)
        return x == PT_DEC && y == PT_INT ? PT_DEC : y; /* 1.5 * n is a decimal */
    if (yl && !xl)
        return y == PT_DEC && x == PT_INT ? PT_DEC : x;
    return PT_DEC;
}

/* Can a value of type `from` (lit: untyped literal) stand where `to` is
 * expected? */
static bool assignable(pol_type to, pol_type from, bool lit)
{
    if (to == from)
        return true; /* enums: callers compare trefs too (assignable_e) */
    /* durations are counts: an integer may stand for one and they for an integer */
    if ((to == PT_MONTHS || to == PT_DAYS) && from == PT_INT)
        return true;
    if ((to == PT_MONTHS || to == PT_DAYS) && lit)
        return false; /* a duration is a whole count: 1.5 is not one (an integer literal is, above) */
    if (to == PT_INT && (from == PT_MONTHS || from == PT_DAYS))
        return true;
    if (numeric(to) && lit && numeric(from))
        return to != PT_INT || from == PT_INT;
    if ((to == PT_DEC && (from == PT_RATE || from == PT_INT)) || (to == PT_RATE && from == PT_DEC))
        return true;
    return false;
}

/* assignable() for an expression, including which enumeration it belongs to. */
static bool assignable_e(pol_type to, uint32_t to_tref, const ast_expr *e)
{
    if (!assignable(to, (pol_type)e->type, e->lit))
        return false;
    if (to == PT_LIST && e->tref == UINT32_MAX)
        return true; /* [] */
    return (to != PT_ENUM && to != PT_RECORD && to != PT_LIST) || e->tref == to_tref;
}

/* Join of two branch types (if/else, min/max); PT_VOID if incompatible. */
static pol_type join(ast_expr *a, ast_expr *b, bool *lit)
{
    pol_type x = (pol_type)a->type, y = (pol_type)b->type;
    *lit = a->lit && b->lit;
    if (x == y) {
        if (x == PT_LIST && (a->tref == UINT32_MAX || b->tref == UINT32_MAX))
            return x; /* [] joins any list (the caller takes the known tref) */
        return (x == PT_ENUM || x == PT_RECORD || x == PT_LIST) && a->tref != b->tref ? PT_VOID : x;
    }
    if ((x == PT_MONTHS && y == PT_DAYS) || (x == PT_DAYS && y == PT_MONTHS))
        return PT_VOID; /* a month has no fixed number of days */
    if (numeric(x) && numeric(y)) {
        if (a->lit && !b->lit)
            return y;
        if (b->lit && !a->lit)
            return x;
        if (x == PT_MONEY || y == PT_MONEY)
            return *lit ? PT_MONEY : PT_VOID;
        return (x == PT_INT && y == PT_INT) ? PT_INT : PT_DEC;
    }
    return PT_VOID;
}

static int const_places(ctx *c, ast_expr *e, int *out)
{
    bool neg = false;
    ast_expr *x = e;
    if (x->kind == EX_UNARY && x->op == UO_NEG) {
        neg = true;
        x = x->a;
    }
    if (x->kind != EX_NUM || strchr(x->text, '.')) {
        ERR(e->sp, "round-places", "the number of places must be a whole number written in the rule, like 2 or -1");
        return -1;
    }
    long v = strtol(x->text, NULL, 10);
    if (v > POL_ROUND_MAX_PLACES) {
        ERR(e->sp, "round-places", "cannot round to %s%ld places (at most %d)", neg ? "-" : "", v, POL_ROUND_MAX_PLACES);
        return -1;
    }
    *out = (int)(neg ? -v : v);
    return 0;
}

static void use_decl(ctx *c, ast_decl *d)
{
    (void)c;
    d->uses++;
}

/* f(a, b): a rule with parameters. */
static pol_type check_function_call(ctx *c, ast_expr *e, ast_decl *d)
{
    use_decl(c, d);
    e->sym = SYM_FUNCTION;
    e->index = d->index;
    e->tref = d->tref;
    if (d == c->cur) {
        ERR(e->name_sp, "cycle", "'%s' is defined in terms of itself", d->name);
        return PT_VOID;
    }
    if (e->named) {
        ERR(e->sp, "arity", "'%s' takes its arguments in order, without names", d->name);
        return PT_VOID;
    }
    bool bad = false;
    for (int i = 0; i < e->nargs; i++)
        if (check_expr(c, e->args[i]) == PT_VOID)
            bad = true;
    if (e->nargs != d->nparams) {
        ERR(e->sp, "arity", "'%s' takes %d argument%s, found %d", d->name, d->nparams, d->nparams == 1 ? "" : "s", e->nargs);
        return PT_VOID;
    }
    int i = 0;
    for (ast_decl *q = d->params; q; q = q->next, i++) {
        if (bad || q->type == PT_VOID)
            continue;
        if (!assignable_e((pol_type)q->type, q->tref, e->args[i])) {
            char t1[300], t2[300];
            ERR(e->args[i]->sp, "type-mismatch", "argument '%s' of '%s' is %s, found %s", q->name, d->name,
                type_text(c, (pol_type)q->type, q->tref, t1, sizeof t1),
                type_text(c, (pol_type)e->args[i]->type, e->args[i]->tref, t2, sizeof t2));
            bad = true;
        }
    }
    return bad ? PT_VOID : (pol_type)d->type;
}

/* T(field = value, ...): a record of type T. */
static pol_type check_record_ctor(ctx *c, ast_expr *e, ast_decl *rt)
{
    rt->uses++;
    e->sym = SYM_RECORD;
    e->tref = rt->index;
    e->index = rt->index;
    bool bad = false;
    if (!e->named && e->nargs > 0) {
        ERR(e->sp, "record-fields", "name the fields: %s(%s = ..., ...)", rt->name, rt->fields ? rt->fields->name : "field");
        bad = true;
    }
    for (int i = 0; i < e->nargs; i++) {
        if (check_expr(c, e->args[i]) == PT_VOID) {
            bad = true;
            continue;
        }
        if (!e->named)
            continue;
        ast_field *fl = rt->fields;
        while (fl && strcmp(fl->name, e->arg_names[i]) != 0)
            fl = fl->next;
        if (!fl) {
            ERR(e->arg_name_sps[i], "no-field", "record '%s' has no field '%s'", rt->name, e->arg_names[i]);
            bad = true;
            continue;
        }
        for (int j = 0; j < i; j++)
            if (strcmp(e->arg_names[j], e->arg_names[i]) == 0) {
                ERR(e->arg_name_sps[i], "duplicate", "field '%s' given twice", e->arg_names[i]);
                bad = true;
            }
        if (!assignable_e((pol_type)fl->type, fl->tref, e->args[i])) {
            ERR(e->args[i]->sp, "type-mismatch", "field '%s' of '%s' is %s, found %s", fl->name, rt->name, tname((pol_type)fl->type),
                tname((pol_type)e->args[i]->type));
            bad = true;
        }
    }
    if (e->named)
        for (ast_field *fl = rt->fields; fl; fl = fl->next) {
            bool given = false;
            for (int i = 0; i < e->nargs; i++)
                given |= strcmp(e->arg_names[i], fl->name) == 0;
            if (!given) {
                ERR(e->sp, "record-fields", "field '%s' of '%s' is not given", fl->name, rt->name);
                bad = true;
            }
        }
    return bad ? PT_VOID : PT_RECORD;
}

static pol_type check_call(ctx *c, ast_expr *e)
{
    {
        ast_decl *d = lookup(c, e->text);
        if (d && d->kind == D_RULE && d->nparams > 0)
            return check_function_call(c, e, d);
        if (d && d->kind == D_RECORD)
            return check_record_ctor(c, e, d);
        if (e->named) {
            ERR(e->name_sp, "not-a-record", "'%s' is not a record type; only records are built with named fields", e->text);
            for (int i = 0; i < e->nargs; i++)
                check_expr(c, e->args[i]);
            return PT_VOID;
        }
    }
    int fn = find_named(builtins, sizeof builtins / sizeof *builtins, e->text);
    if (fn < 0) {
        ast_decl *d = lookup(c, e->text);
        const char *s = suggest_named(builtins, sizeof builtins / sizeof *builtins, e->text);
        if (d)
            ERR(e->name_sp, "not-a-function", "'%s' is %s, not a function", e->text,
                d->kind == D_INPUT ? "an input" : d->kind == D_PARAM ? "a parameter" : d->kind == D_ENUM ? "an enumeration" : "a rule");
        else if (s)
            ERR(e->name_sp, "unknown-function", "unknown function '%s'; did you mean '%s'?", e->text, s);
        else
            ERR(e->name_sp, "unknown-function",
                "unknown function '%s' (functions: round, min, max, month_of, year_of, month_number, day_of, date, month, "
                "first_day, last_day, add_months, months, length, text; aggregates: sum, count, min, max, any, all, list, first)",
                e->text);
        for (int i = 0; i < e->nargs; i++)
            check_expr(c, e->args[i]);
        return PT_VOID;
    }
    e->fn = fn;
    if (fn == FN_ROUND) {
        if (e->nargs < 2 || e->nargs > 3) {
            ERR(e->sp, "arity", "round takes a number, the places and optionally a mode: round(x, 2) or round(x, 0, half_even)");
            for (int i = 0; i < e->nargs; i++)
                check_expr(c, e->args[i]);
            return PT_VOID;
        }
        pol_type t = check_expr(c, e->args[0]);
        if (t != PT_VOID && !numeric(t))
            ERR(e->args[0]->sp, "type-mismatch", "round needs a number, found %s", tname(t));
        e->mode = DEC_HALF_UP;
        if (const_places(c, e->args[1], &e->places) < 0)
            t = PT_VOID;
        if (e->nargs == 3) {
            ast_expr *m = e->args[2];
            int mv = m->kind == EX_NAME ? find_named(modes, sizeof modes / sizeof *modes, m->text) : -1;
            if (mv < 0) {
                const char *s = m->kind == EX_NAME ? suggest_named(modes, sizeof modes / sizeof *modes, m->text) : NULL;
                if (s)
                    ERR(m->sp, "round-mode", "unknown rounding mode '%s'; did you mean '%s'?", m->text, s);
                else
                    ERR(m->sp, "round-mode", "unknown rounding mode (modes: half_up 四舍五入, half_even, down 去尾, up 进一, floor, ceiling)");
                t = PT_VOID;
            } else
                e->mode = mv;
        }
        e->lit = e->args[0]->lit;
        return numeric(t) ? t : PT_VOID;
    }
    if (fn == FN_TEXT) {
        if (e->nargs != 1) {
            ERR(e->sp, "arity", "text takes one value");
            return PT_VOID;
        }
        pol_type t = check_expr(c, e->args[0]);
        if (t == PT_VOID)
            return PT_VOID;
        if (t == PT_RECORD || t == PT_LIST || t == PT_ENUM) {
            ERR(e->args[0]->sp, "type-mismatch", "text turns a number, date, month or boolean into text, not %s", tname(t));
            return PT_VOID;
        }
        return PT_TEXT;
    }
    if (fn == FN_LENGTH) {
        if (e->nargs != 1) {
            ERR(e->sp, "arity", "length takes one list");
            return PT_VOID;
        }
        pol_type t = check_expr(c, e->args[0]);
        if (t != PT_VOID && t != PT_LIST) {
            ERR(e->args[0]->sp, "type-mismatch", "length needs a list, found %s", tname(t));
            return PT_VOID;
        }
        return t == PT_VOID ? PT_VOID : PT_INT;
    }
    if (fn != FN_MIN && fn != FN_MAX) {
        /* calendar functions: fixed signatures */
        static const struct { int fn; int nargs; pol_type a0, a1, a2; pol_type ret; } sigs[] = {
            {FN_MONTH_OF, 1, PT_DATE, PT_VOID, PT_VOID, PT_MONTH},
            {FN_DAY_OF, 1, PT_DATE, PT_VOID, PT_VOID, PT_INT},
            {FN_DATE, 3, PT_INT, PT_INT, PT_INT, PT_DATE},
            {FN_MONTH, 2, PT_INT, PT_INT, PT_VOID, PT_MONTH},
            {FN_FIRST_DAY, 1, PT_MONTH, PT_VOID, PT_VOID, PT_DATE},
            {FN_LAST_DAY, 1, PT_MONTH, PT_VOID, PT_VOID, PT_DATE},
            {FN_MONTHS, 2, PT_MONTH, PT_MONTH, PT_VOID, PT_MONTHS},
        };
        pol_type at[3] = {PT_VOID, PT_VOID, PT_VOID};
        bool bad = false;
        for (int i = 0; i < e->nargs && i < 3; i++)
            if ((at[i] = check_expr(c, e->args[i])) == PT_VOID)
                bad = true;
        for (int i = 3; i < e->nargs; i++)
            check_expr(c, e->args[i]);
        if (fn == FN_YEAR_OF || fn == FN_MONTH_NUM || fn == FN_ADD_MONTHS) {
            int want = fn == FN_ADD_MONTHS ? 2 : 1;
            if (e->nargs != want) {
                ERR(e->sp, "arity", "%s takes %s", e->text, want == 2 ? "a date or month and a number of months" : "a date or a month");
                return PT_VOID;
            }
            if (bad)
                return PT_VOID;
            if (at[0] != PT_DATE && at[0] != PT_MONTH) {
                ERR(e->args[0]->sp, "type-mismatch", "%s needs a date or a month, found %s", e->text, tname(at[0]));
                return PT_VOID;
            }
            if (want == 2 && at[1] != PT_INT && at[1] != PT_MONTHS) {
                ERR(e->args[1]->sp, "type-mismatch", "the number of months must be an integer, found %s", tname(at[1]));
                return PT_VOID;
            }
            return fn == FN_ADD_MONTHS ? at[0] : PT_INT;
        }
        for (size_t k = 0; k < sizeof sigs / sizeof *sigs; k++) {
            if (sigs[k].fn != fn)
                continue;
            if (e->nargs != sigs[k].nargs) {
                ERR(e->sp, "arity", "%s takes %d argument%s, found %d", e->text, sigs[k].nargs, sigs[k].nargs == 1 ? "" : "s", e->nargs);
                return PT_VOID;
            }
            if (bad)
                return PT_VOID;
            pol_type want[3] = {sigs[k].a0, sigs[k].a1, sigs[k].a2};
            for (int i = 0; i < e->nargs; i++)
                if (at[i] != want[i] && !(want[i] == PT_INT && e->args[i]->lit && at[i] == PT_INT)) {
                    ERR(e->args[i]->sp, "type-mismatch", "argument %d of %s should be %s, found %s", i + 1, e->text,
                        tname(want[i]), tname(at[i]));
                    return PT_VOID;
                }
            return sigs[k].ret;
        }
        return PT_VOID;
    }
    /* min / max */
    if (e->nargs < 2) {
        ERR(e->sp, "arity", "%s needs at least two values", e->text);
        for (int i = 0; i < e->nargs; i++)
            check_expr(c, e->args[i]);
        return PT_VOID;
    }
    pol_type t = check_expr(c, e->args[0]);
    bool lit = e->args[0]->lit;
    for (int i = 1; i < e->nargs; i++) {
        pol_type u = check_expr(c, e->args[i]);
        if (t == PT_VOID || u == PT_VOID) {
            t = PT_VOID;
            continue;
        }
        if ((t == PT_DATE || t == PT_MONTH) && t == u)
            continue;
        if (!numeric(t) || !numeric(u)) {
            ERR(e->args[i]->sp, "type-mismatch", "%s compares numbers, dates or months of one kind; found %s and %s", e->text,
                tname(t), tname(u));
            t = PT_VOID;
            continue;
        }
        ast_expr tmp = {0};
        tmp.type = (uint8_t)t;
        tmp.lit = lit;
        bool l2;
        pol_type j = join(&tmp, e->args[i], &l2);
        if (j == PT_VOID) {
            ERR(e->args[i]->sp, "unit-mismatch", "%s of %s and %s: the values must have the same unit", e->text, tname(t), tname(u));
            t = PT_VOID;
            continue;
        }
        t = j;
        lit = l2;
    }
    e->lit = lit;
    return t;
}

static void check_const_lookup(ctx *c, ast_decl *par, ast_expr *date)
{
    if (date->kind != EX_DATE)
        return;
    for (ast_version *v = par->versions; v; v = v->next)
        if ((!v->has_from || v->from <= date->ival) && (!v->has_to || date->ival <= v->to))
            return;
    char ds[16];
    cd_format_date(date->ival, ds);
    ERR(date->sp, "no-version", "no version of parameter '%s' covers %s", par->name, ds);
    NOTE(par->name_sp, "'%s' is declared here", par->name);
}

/* a.f: a member literal (Enum.Member) or a field of an enum value. */
static pol_type check_field(ctx *c, ast_expr *e)
{
    ast_expr *a = e->a;
    if (a->kind == EX_NAME) {
        ast_decl *en = lookup(c, a->text);
        bool shadowed = false;
        for (int i = 0; i < c->nscope; i++)
            shadowed |= strcmp(c->scope[i].name, a->text) == 0;
        if (en && en->kind == D_ENUM && !shadowed) {
            en->uses++;
            int idx = 0;
            const char *cands[256];
            int nc = 0;
            for (ast_member *m = en->members; m; m = m->next, idx++) {
                if (strcmp(m->name, e->text) == 0) {
                    e->sym = SYM_MEMBER;
                    e->tref = en->index;
                    e->ival = idx;
                    return PT_ENUM;
                }
                if (nc < 256)
                    cands[nc++] = m->name;
            }
            const char *s = suggest_from(e->text, cands, (size_t)nc);
            if (s)
                ERR(e->name_sp, "no-member", "enumeration '%s' has no member '%s'; did you mean '%s'?", en->name, e->text, s);
            else
                ERR(e->name_sp, "no-member", "enumeration '%s' has no member '%s'", en->name, e->text);
            return PT_VOID;
        }
    }
    pol_type t = check_expr(c, a);
    if (t == PT_VOID)
        return PT_VOID;
    if (t != PT_RECORD && t != PT_ENUM) {
        ERR(e->name_sp, "no-field", "%s has no fields; only records and members of an enumeration do", tname(t));
        return PT_VOID;
    }
    ast_decl *owner = decl_of_type(c, t, a->tref);
    if (!owner)
        return PT_VOID;
    int idx = 0;
    const char *cands[256];
    int nc = 0;
    for (ast_field *fl = owner->fields; fl; fl = fl->next, idx++) {
        if (strcmp(fl->name, e->text) == 0) {
            e->index = (uint32_t)idx;
            e->tref = fl->tref;
            if (t == PT_RECORD)
                e->sym = SYM_RECORD; /* a record field; an enumeration's field keeps SYM_NONE */
            return (pol_type)fl->type;
        }
        if (nc < 256)
            cands[nc++] = fl->name;
    }
    char whose[300];
    snprintf(whose, sizeof whose, t == PT_RECORD ? "record '%s' has" : "members of '%s' have", owner->name);
    const char *sug = suggest_from(e->text, cands, (size_t)nc);
    if (sug)
        ERR(e->name_sp, "no-field", "%s no field '%s'; did you mean '%s'?", whose, e->text, sug);
    else
        ERR(e->name_sp, "no-field", "%s no field '%s'", whose, e->text);
    return PT_VOID;
}

/* f(v in a..b: body) */
static pol_type check_agg(ctx *c, ast_expr *e)
{
    int fn = find_named(aggregates, sizeof aggregates / sizeof *aggregates, e->text);
    pol_type lo = check_expr(c, e->a), hi = e->b ? check_expr(c, e->b) : lo;
    if (fn < 0) {
        ERR(e->name_sp, "unknown-function", "'%s' does not range over values (aggregates: sum, count, min, max, any, all, list, first)", e->text);
        return PT_VOID;
    }
    e->fn = fn;
    if (lo == PT_VOID || hi == PT_VOID)
        return PT_VOID;
    uint32_t var_tref = 0;
    pol_type var_type = lo;
    if (!e->b) {
        if (lo != PT_LIST) {
            ERR(e->a->sp, "type-mismatch", "'%s in ...' ranges over a list or a range a..b; found %s", e->var, tname(lo));
            return PT_VOID;
        }
        var_type = PT_RECORD;
        var_tref = e->a->tref;
    } else if (lo != hi || (lo != PT_MONTH && lo != PT_DATE && lo != PT_INT)) {
        ERR(e->a->sp, "type-mismatch", "a range runs between two months, two dates or two integers; found %s..%s", tname(lo), tname(hi));
        return PT_VOID;
    }
    if (c->nscope - c->scope_params >= 64) {
        ERR(e->sp, "limit", "aggregates nested more than 64 deep");
        return PT_VOID;
    }
    if (!c->cur || (c->cur->kind != D_RULE && c->cur->kind != D_OUTPUT && c->cur->kind != D_EXCEPTION && c->cur->kind != D_REQUIRE)) {
        ERR(e->sp, "not-constant", "aggregates belong in rules");
        return PT_VOID;
    }
    ast_decl *owner = c->cur->kind == D_EXCEPTION && c->cur->of ? c->cur->of : c->cur; /* exceptions use their rule's slots */
    e->slot = owner->nlocals;
    owner->nlocals += 5; /* variable, end (or list), accumulator, position, found flag */
    c->scope[c->nscope].name = e->var;
    c->scope[c->nscope].type = (uint8_t)var_type;
    c->scope[c->nscope].tref = var_tref;
    c->scope[c->nscope].slot = e->slot;
    c->nscope++;
    pol_type ft = e->filter ? check_expr(c, e->filter) : PT_BOOL;
    pol_type bt = check_expr(c, e->c);
    c->nscope--;
    if (ft != PT_VOID && ft != PT_BOOL)
        ERR(e->filter->sp, "type-mismatch", "the condition after 'where' must be a boolean, found %s", tname(ft));
    if (bt == PT_VOID || ft != PT_BOOL)
        return PT_VOID;
    e->tref = e->c->tref;
    switch (fn) {
    case FN_LIST:
        if (bt != PT_RECORD) {
            ERR(e->c->sp, "type-mismatch", "list builds a list of records; found %s (build one with T(field = ...))", tname(bt));
            return PT_VOID;
        }
        return PT_LIST;
    case FN_FIRST:
        e->lit = e->c->lit;
        return bt;
    case FN_COUNT: case FN_ANY: case FN_ALL:
        if (bt != PT_BOOL) {
            ERR(e->c->sp, "type-mismatch", "%s needs a condition (a boolean), found %s", e->text, tname(bt));
            return PT_VOID;
        }
        return fn == FN_COUNT ? PT_INT : PT_BOOL;
    default:
        if (!numeric(bt) && !((fn == FN_AGG_MIN || fn == FN_AGG_MAX) && (bt == PT_DATE || bt == PT_MONTH))) {
            ERR(e->c->sp, "type-mismatch", "%s %s numbers%s, found %s", e->text, fn == FN_SUM ? "adds" : "compares",
                fn == FN_SUM ? "" : ", dates or months", tname(bt));
            return PT_VOID;
        }
        e->lit = false;
        return bt;
    }
}

static pol_type check_expr_inner(ctx *c, ast_expr *e)
{
    switch (e->kind) {
    case EX_NUM:
        if (e->op == PT_MONTHS || e->op == PT_DAYS)
            return (pol_type)e->op; /* 3个月, 30天: typed, not adaptable */
        e->lit = true;
        return strchr(e->text, '.') ? PT_DEC : PT_INT;
    case EX_PERCENT: return PT_RATE;
    case EX_MONEY: return PT_MONEY;
    case EX_DATE: return PT_DATE;
    case EX_MONTH: return PT_MONTH;
    case EX_STR: return PT_TEXT;
    case EX_BOOL: return PT_BOOL;
    case EX_NAME: {
        for (int i = c->nscope - 1; i >= 0; i--)
            if (strcmp(c->scope[i].name, e->text) == 0) {
                e->sym = SYM_LOCAL;
                e->slot = c->scope[i].slot;
                e->tref = c->scope[i].tref;
                return (pol_type)c->scope[i].type;
            }
        ast_decl *d = lookup(c, e->text);
        if (d && d->kind == D_ENUM) {
            ERR(e->sp, "enum-value", "'%s' is an enumeration; name one of its members: %s.%s", d->name, d->name,
                d->members ? d->members->name : "member");
            return PT_VOID;
        }
        if (d && d->kind == D_EXCEPTION)
            d = NULL;
        if (d && d->kind == D_RECORD) {
            ERR(e->sp, "record-value", "'%s' is a record type; build one with %s(field = value, ...)", d->name, d->name);
            return PT_VOID;
        }
        if (d && d->kind == D_RULE && d->nparams > 0) {
            ERR(e->sp, "arity", "'%s' is a function of %d argument%s: call it as %s(...)", d->name, d->nparams,
                d->nparams == 1 ? "" : "s", d->name);
            return PT_VOID;
        }
        if (!d) {
            int mv = find_named(modes, sizeof modes / sizeof *modes, e->text);
            const char *s = suggest_decl(c, e->text);
            if (mv >= 0)
                ERR(e->sp, "misplaced-mode", "'%s' is a rounding mode; it goes inside round(x, places, %s)", e->text, e->text);
            else if (s)
                ERR(e->sp, "undefined", "undefined name '%s'; did you mean '%s'?", e->text, s);
            else
                ERR(e->sp, "undefined", "undefined name '%s'", e->text);
            return PT_VOID;
        }
        use_decl(c, d);
        e->index = d->index;
        e->tref = d->tref;
        if (d->kind == D_INPUT)
            e->sym = SYM_INPUT;
        else if (d->kind == D_PARAM) {
            e->sym = SYM_PARAM;
            if (d->versions) {
                ERR(e->sp, "dated-param", "parameter '%s' has dated versions; say which date applies: %s[date]", d->name, d->name);
                return PT_VOID;
            }
        } else {
            e->sym = SYM_RULE;
            if (d == c->cur) {
                ERR(e->sp, "cycle", "'%s' is defined in terms of itself", d->name);
                return PT_VOID;
            }
        }
        return (pol_type)d->type;
    }
    case EX_INDEX: {
        ast_expr *a = e->a;
        bool is_param = false;
        if (a->kind == EX_NAME) {
            ast_decl *pd = lookup(c, a->text);
            bool local = false;
            for (int i = 0; i < c->nscope; i++)
                local |= strcmp(c->scope[i].name, a->text) == 0;
            is_param = !local && pd && pd->kind == D_PARAM;
            if (!pd && !local)
                is_param = true; /* report below as undefined */
        }
        if (!is_param) { /* list[i] */
            pol_type lt = check_expr(c, a), it = check_expr(c, e->b);
            if (lt == PT_VOID || it == PT_VOID)
                return PT_VOID;
            if (lt != PT_LIST) {
                ERR(a->sp, "index", "only a list (by position) or a dated parameter (by date) can be indexed, not %s", tname(lt));
                return PT_VOID;
            }
            if (it != PT_INT) {
                ERR(e->b->sp, "type-mismatch", "a list is indexed by an integer position (from 0), not by %s", tname(it));
                return PT_VOID;
            }
            e->sym = SYM_NONE;
            e->tref = a->tref;
            return PT_RECORD;
        }
        pol_type dt = check_expr(c, e->b);
        if (a->kind != EX_NAME) {
            ERR(a->sp, "index", "only a dated parameter can be looked up with [date]");
            return PT_VOID;
        }
        ast_decl *d = lookup(c, a->text);
        if (!d || d->kind != D_PARAM || !d->versions) {
            if (!d) {
                const char *s = suggest_decl(c, a->text);
                if (s)
                    ERR(a->sp, "undefined", "undefined name '%s'; did you mean '%s'?", a->text, s);
                else
                    ERR(a->sp, "undefined", "undefined name '%s'", a->text);
            } else {
                use_decl(c, d);
                ERR(a->sp, "index", "'%s' is not a dated parameter; only dated parameters are looked up with [date]", a->text);
            }
            return PT_VOID;
        }
        use_decl(c, d);
        a->sym = SYM_PARAM;
        a->index = d->index;
        e->sym = SYM_PARAM;
        e->index = d->index;
        if (dt != PT_VOID && dt != PT_DATE) {
            ERR(e->b->sp, "type-mismatch", "a parameter is looked up by a date, not by %s", tname(dt));
            return PT_VOID;
        }
        check_const_lookup(c, d, e->b);
        return (pol_type)d->type;
    }
    case EX_CALL: return check_call(c, e);
    case EX_UNARY: {
        pol_type t = check_expr(c, e->a);
        if (t == PT_VOID)
            return PT_VOID;
        if (e->op == UO_NEG) {
            if (!numeric(t)) {
                ERR(e->sp, "type-mismatch", "cannot negate %s", tname(t));
                return PT_VOID;
            }
            e->lit = e->a->lit;
            return t;
        }
        if (t != PT_BOOL) {
            ERR(e->a->sp, "type-mismatch", "'not' needs a boolean, found %s", tname(t));
            return PT_VOID;
        }
        return PT_BOOL;
    }
    case EX_BINARY: {
        pol_type x = check_expr(c, e->a), y = check_expr(c, e->b);
        if (x == PT_VOID || y == PT_VOID)
            return PT_VOID;
        switch (e->op) {
        case BO_ADD: case BO_SUB: case BO_MUL: case BO_DIV:
            if ((x == PT_DATE || x == PT_MONTH) && (e->op == BO_ADD || e->op == BO_SUB)) {
                if (e->op == BO_SUB && y == x)
                    return x == PT_DATE ? PT_DAYS : PT_MONTHS; /* days or months between */
                if (y == PT_INT || (x == PT_DATE && y == PT_DAYS) || (x == PT_MONTH && y == PT_MONTHS))
                    return x;      /* date ± days, month ± months */
                if (x == PT_DATE && y == PT_MONTHS) {
                    ERR(e->sp, "unit-mismatch", "a date moves by days; to move it by calendar months use add_months(date, n), which keeps the day or clamps it to the month's end");
                    return PT_VOID;
                }
                ERR(e->sp, "type-mismatch", "a %s moves by an integer (%s), not by %s", tname(x),
                    x == PT_DATE ? "days" : "months", tname(y));
                return PT_VOID;
            }
            if (!numeric(x) || !numeric(y)) {
                const char *sym = e->op == BO_ADD ? "+" : e->op == BO_SUB ? "-" : e->op == BO_MUL ? "*" : "/";
                ERR(e->sp, "type-mismatch", "'%s' needs numbers, found %s and %s", sym, tname(x), tname(y));
                return PT_VOID;
            } else {
                pol_type t = arith_type(c, e->op, e->a, e->b, e->sp);
                e->lit = e->a->lit && e->b->lit && t != PT_VOID;
                return t;
            }
        case BO_AND: case BO_OR:
            if (x != PT_BOOL || y != PT_BOOL) {
                ERR(e->sp, "type-mismatch", "'%s' needs booleans, found %s and %s", e->op == BO_AND ? "and" : "or", tname(x), tname(y));
                return PT_VOID;
            }
            return PT_BOOL;
        default: /* comparisons */
            if (numeric(x) && numeric(y)) {
                if ((x == PT_MONTHS && y == PT_DAYS) || (x == PT_DAYS && y == PT_MONTHS)) {
                    ERR(e->sp, "unit-mismatch", "cannot compare months with days");
                    return PT_VOID;
                }
                if ((x == PT_MONEY) != (y == PT_MONEY) && !e->a->lit && !e->b->lit) {
                    ERR(e->sp, "unit-mismatch", "cannot compare %s with %s", tname(x), tname(y));
                    return PT_VOID;
                }
                return PT_BOOL;
            }
            if (x != y) {
                ERR(e->sp, "type-mismatch", "cannot compare %s with %s", tname(x), tname(y));
                return PT_VOID;
            }
            if (x == PT_RECORD || x == PT_LIST) {
                ERR(e->sp, "type-mismatch", "%ss cannot be compared; compare their fields", tname(x));
                return PT_VOID;
            }
            if ((x == PT_BOOL || x == PT_ENUM) && e->op != BO_EQ && e->op != BO_NE) {
                ERR(e->sp, "type-mismatch", "%s can only be compared with == and !=", x == PT_BOOL ? "booleans" : "members of an enumeration");
                return PT_VOID;
            }
            if (x == PT_ENUM && e->a->tref != e->b->tref) {
                ERR(e->sp, "type-mismatch", "cannot compare members of two different enumerations");
                return PT_VOID;
            }
            return PT_BOOL;
        }
    }
    case EX_IF: {
        pol_type ct = check_expr(c, e->a);
        pol_type x = check_expr(c, e->b), y = check_expr(c, e->c);
        if (ct != PT_VOID && ct != PT_BOOL)
            ERR(e->a->sp, "type-mismatch", "the condition after 'if' must be a boolean, found %s", tname(ct));
        if (x == PT_VOID || y == PT_VOID || ct != PT_BOOL)
            return PT_VOID;
        bool lit;
        pol_type t = join(e->b, e->c, &lit);
        if (t == PT_VOID) {
            ERR(e->c->sp, "type-mismatch", "the branches of 'if' differ: %s after 'then', %s after 'else'", tname(x), tname(y));
            return PT_VOID;
        }
        e->lit = lit;
        e->tref = e->b->tref != UINT32_MAX ? e->b->tref : e->c->tref;
        return t;
    }
    case EX_FIELD: return check_field(c, e);
    case EX_LIST: {
        e->tref = UINT32_MAX; /* [] fits any list */
        bool bad = false;
        for (int i = 0; i < e->nargs; i++) {
            pol_type t = check_expr(c, e->args[i]);
            if (t == PT_VOID) {
                bad = true;
                continue;
            }
            if (t != PT_RECORD) {
                ERR(e->args[i]->sp, "type-mismatch", "lists hold records; found %s", tname(t));
                bad = true;
            } else if (e->tref == UINT32_MAX)
                e->tref = e->args[i]->tref;
            else if (e->args[i]->tref != e->tref) {
                ERR(e->args[i]->sp, "type-mismatch", "all elements of a list are records of one type");
                bad = true;
            }
        }
        return bad ? PT_VOID : PT_LIST;
    }
    case EX_AGG: return check_agg(c, e);
    }
    return PT_VOID;
}

static pol_type check_expr(ctx *c, ast_expr *e)
{
    pol_type t = check_expr_inner(c, e);
    e->type = (uint8_t)t;
    if (t == PT_VOID)
        e->lit = false;
    return t;
}

/* A constant: a literal (possibly negated). */
static bool is_constant(const ast_expr *e)
{
    if (e->kind == EX_LIST) { /* a list of records built from constants (tests' inputs) */
        for (int i = 0; i < e->nargs; i++) {
            const ast_expr *r = e->args[i];
            if (r->kind != EX_CALL || !r->named)
                return false;
            for (int j = 0; j < r->nargs; j++)
                if (!is_constant(r->args[j]))
                    return false;
        }
        return true;
    }
    if (e->kind == EX_FIELD && e->a->kind == EX_NAME)
        return true; /* an enumeration member, checked as an expression */
    if (e->kind == EX_UNARY && e->op == UO_NEG)
        return e->a->kind == EX_NUM || e->a->kind == EX_PERCENT || e->a->kind == EX_MONEY;
    return e->kind == EX_NUM || e->kind == EX_PERCENT || e->kind == EX_MONEY || e->kind == EX_DATE ||
           e->kind == EX_MONTH || e->kind == EX_STR || e->kind == EX_BOOL;
}

static void check_constant(ctx *c, ast_expr *e, pol_type want, const char *what)
{
    if (!is_constant(e)) {
        ERR(e->sp, "not-constant", "%s must be a value written out (like 4416, 5%%, 2025-10-01), not a formula", what);
        return;
    }
    pol_type t = check_expr(c, e);
    if (t != PT_VOID && e->kind == EX_FIELD && e->sym != SYM_MEMBER)
        ERR(e->sp, "not-constant", "%s must be a value written out, not a formula", what);
    else if (t != PT_VOID && want != PT_VOID && !assignable(want, t, e->lit))
        ERR(e->sp, "type-mismatch", "%s should be %s, found %s", what, tname(want), tname(t));
    else if (t == PT_LIST && want == PT_LIST && e->tref != c->want_tref && e->tref != UINT32_MAX)
        ERR(e->sp, "type-mismatch", "%s should be a list of another record type", what);
    else if (t == PT_ENUM && want == PT_ENUM && e->tref != c->want_tref)
        ERR(e->sp, "type-mismatch", "%s should be a member of another enumeration", what);
    else if ((want == PT_INT || want == PT_MONTHS || want == PT_DAYS) && e->kind == EX_NUM && strchr(e->text, '.'))
        ERR(e->sp, "type-mismatch", "%s should be a whole number (%s), found %s", what, tname(want), e->text);
    else if (want == PT_RATE && e->kind == EX_NUM && strtol(e->text, NULL, 10) >= 1)
        WARN(e->sp, "rate-without-percent", "%s is the fraction %s, that is %s00%%; did you mean %s%%?", what, e->text, e->text,
             e->text);
}

/* ---- declarations ---- */
static const char *const meta_keys[] = {"region", "issuer", "document", "basis", "date", "source", "url", "summary",
                                        "地区", "发文机关", "文件", "文号", "日期", "来源"};

static void check_header(ctx *c)
{
    ast_policy *p = c->p;
    if (!p->has_header) {
        span sp = {0, 0};
        WARN(sp, "no-header", "no 'policy \"title\" { ... }' header: the policy has no title, region or document");
        return;
    }
    for (ast_meta *m = p->meta; m; m = m->next) {
        bool known = false;
        for (size_t i = 0; i < sizeof meta_keys / sizeof *meta_keys; i++)
            known |= strcmp(meta_keys[i], m->key) == 0;
        if (!known) {
            const char *s = suggest_from(m->key, meta_keys, sizeof meta_keys / sizeof *meta_keys);
            if (s)
                WARN(m->key_sp, "unknown-meta", "unknown header field '%s'; did you mean '%s'?", m->key, s);
            else
                WARN(m->key_sp, "unknown-meta", "unknown header field '%s' (fields: region, issuer, document, basis, date, source, url, summary)", m->key);
        }
        if (m->value->kind != EX_STR && m->value->kind != EX_DATE)
            ERR(m->value->sp, "meta-value", "a header field's value is a string or a date");
        for (ast_meta *o = p->meta; o != m; o = o->next)
            if (strcmp(o->key, m->key) == 0) {
                ERR(m->key_sp, "duplicate", "header field '%s' given twice", m->key);
                break;
            }
    }
}

static const char *kind_name(decl_kind k);

/* "an input", "a rule", ... for messages */
static const char *a_kind(decl_kind k)
{
    switch (k) {
    case D_INPUT: return "an input";
    case D_OUTPUT: return "an output";
    case D_ENUM: return "an enumeration";
    case D_EXCEPTION: return "an exception";
    case D_IMPORT: return "an import";
    case D_PARAM: return "a parameter";
    case D_RECORD: return "a record type";
    case D_REQUIRE: return "a requirement";
    case D_TEST: return "a test";
    default: return "a rule";
    }
}

static const char *kind_name(decl_kind k)
{
    switch (k) {
    case D_ENUM: return "enumeration";
    case D_RECORD: return "record type";
    case D_REQUIRE: return "requirement";
    case D_EXCEPTION: return "exception";
    case D_INPUT: return "input";
    case D_PARAM: return "parameter";
    case D_RULE: return "rule";
    case D_OUTPUT: return "output";
    default: return "test";
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

static void check_param(ctx *c, ast_decl *d)
{
    c->want_tref = d->tref;
    if (d->value) {
        check_constant(c, d->value, (pol_type)d->type, "a parameter's value");
        return;
    }
    size_t n = 0;
    for (ast_version *v = d->versions; v; v = v->next)
        n++;
    if (n == 0) {
        ERR(d->name_sp, "no-versions", "parameter '%s' has no versions", d->name);
        return;
    }
    ast_version **vs = arena_alloc(c->a, sizeof *vs * n);
    n = 0;
    for (ast_version *v = d->versions; v; v = v->next) {
        vs[n++] = v;
        check_constant(c, v->value, (pol_type)d->type, "a parameter version's value");
        if (v->has_from && v->has_to && v->from > v->to)
            ERR(v->sp, "bad-range", "this version ends before it starts");
        if (!v->an.cite && !d->an.cite)
            WARN(v->sp, "no-cite", "version of '%s' cites no clause of the notice (add cite \"...\")", d->name);
    }
    qsort(vs, n, sizeof *vs, cmp_version);
    for (size_t i = 0; i < n; i++)
        vs[i]->next = i + 1 < n ? vs[i + 1] : NULL;
    d->versions = vs[0];
    for (size_t i = 1; i < n; i++) {
        ast_version *a = vs[i - 1], *b = vs[i];
        int32_t a_to = a->has_to ? a->to : INT32_MAX, b_from = b->has_from ? b->from : INT32_MIN;
        if (b_from <= a_to) {
            ERR(b->sp, "overlap", "versions of '%s' overlap: this one starts before the previous one ends", d->name);
            NOTE(a->sp, "the overlapping version");
        } else if ((int64_t)b_from > (int64_t)a_to + 1) {
            char x[16], y[16];
            cd_format_date(a_to + 1, x);
            cd_format_date(b_from - 1, y);
            WARN(b->sp, "gap", "versions of '%s' leave a gap from %s to %s; a lookup there is an error", d->name, x, y);
        }
    }
}

static void check_enum(ctx *c, ast_decl *d)
{
    int nf = 0;
    for (ast_field *fl = d->fields; fl; fl = fl->next)
        nf++;
    if (!d->members)
        ERR(d->name_sp, "empty-enum", "enumeration '%s' has no members", d->name);
    for (ast_member *m = d->members; m; m = m->next) {
        for (ast_member *o = d->members; o != m; o = o->next)
            if (strcmp(o->name, m->name) == 0) {
                ERR(m->name_sp, "duplicate", "member '%s' declared twice", m->name);
                break;
            }
        if (m->nvalues != nf) {
            ERR(m->sp, "enum-values", "member '%s' gives %d value%s, but '%s' has %d field%s", m->name, m->nvalues,
                m->nvalues == 1 ? "" : "s", d->name, nf, nf == 1 ? "" : "s");
            continue;
        }
        int i = 0;
        for (ast_field *fl = d->fields; fl; fl = fl->next, i++) {
            char what[300];
            snprintf(what, sizeof what, "field '%s' of '%s'", fl->name, m->name);
            c->want_tref = fl->tref;
            check_constant(c, m->values[i], (pol_type)fl->type, what);
        }
    }
}

static void check_test(ctx *c, ast_decl *t)
{
    bool any_expect = t->expect_error;
    for (ast_item *it = t->items; it; it = it->next)
        any_expect |= it->expect;
    if (!any_expect)
        ERR(t->name_sp, "empty-test", "test '%s' expects nothing: add 'expect NAME = VALUE' or 'expect error'", t->name);
    for (ast_item *it = t->items; it; it = it->next)
        if (it->expect && t->expect_error) {
            ERR(it->sp, "test-expect", "a test that expects an error cannot also expect values");
            break;
        }
    for (ast_item *it = t->items; it; it = it->next) {
        ast_decl *d = lookup(c, it->name);
        for (ast_item *o = t->items; o != it; o = o->next)
            if (o->expect == it->expect && strcmp(o->name, it->name) == 0) {
                ERR(it->name_sp, "duplicate", "'%s' appears twice in this test", it->name);
                break;
            }
        if (!d) {
            const char *s = suggest_decl(c, it->name);
            if (s)
                ERR(it->name_sp, "undefined", "undefined name '%s'; did you mean '%s'?", it->name, s);
            else
                ERR(it->name_sp, "undefined", "undefined name '%s'", it->name);
            continue;
        }
        if (it->expect && d->kind == D_REQUIRE) {
            ERR(it->name_sp, "test-expect", "'%s' is a requirement; to test that it rejects a scenario write 'expect error \"%s\"'", it->name, it->name);
            continue;
        }
        if (!it->expect && d->kind != D_INPUT) {
            ERR(it->name_sp, "test-given", "'%s' is %s; a test gives inputs and expects rules or outputs (write 'expect %s = ...')",
                it->name, a_kind(d->kind), it->name);
            continue;
        }
        if (it->expect && (d->type == PT_LIST || d->type == PT_RECORD)) {
            ERR(it->name_sp, "test-expect", "'%s' is a %s; a test expects values it can compare: its length, a field, or an aggregate (write a rule)",
                it->name, tname((pol_type)d->type));
            continue;
        }
        if (it->expect && d->kind != D_RULE && d->kind != D_OUTPUT) {
            ERR(it->name_sp, "test-expect", "'%s' is %s; only rules and outputs can be expected", it->name, a_kind(d->kind));
            continue;
        }
        char what[256];
        snprintf(what, sizeof what, "the value of '%s'", it->name);
        c->want_tref = d->tref;
        check_constant(c, it->value, (pol_type)d->type, what);
    }
}

/* The rules (and functions) an expression refers to; with out == NULL, counts. */
static void collect_rule_refs(const ast_expr *e, ast_decl **rules, ast_decl **out, size_t *n)
{
    if (!e)
        return;
    if ((e->kind == EX_NAME && e->sym == SYM_RULE) || (e->kind == EX_CALL && e->sym == SYM_FUNCTION)) {
        if (out)
            out[*n] = rules[e->index];
        (*n)++;
    }
    collect_rule_refs(e->filter, rules, out, n);
    collect_rule_refs(e->a, rules, out, n);
    collect_rule_refs(e->b, rules, out, n);
    collect_rule_refs(e->c, rules, out, n);
    for (int i = 0; i < e->nargs; i++)
        collect_rule_refs(e->args[i], rules, out, n);
}

static void rule_refs(ctx *c, const ast_decl *d, ast_decl **rules, ast_decl ***refs, size_t *n)
{
    *n = 0;
    collect_rule_refs(d->value, rules, NULL, n);
    for (const ast_decl *x = d->exceptions; x; x = x->next_exception) {
        collect_rule_refs(x->cond, rules, NULL, n);
        collect_rule_refs(x->value, rules, NULL, n);
    }
    *refs = arena_alloc(c->a, sizeof **refs * (*n + 1));
    size_t k = 0;
    collect_rule_refs(d->value, rules, *refs, &k);
    for (const ast_decl *x = d->exceptions; x; x = x->next_exception) {
        collect_rule_refs(x->cond, rules, *refs, &k);
        collect_rule_refs(x->value, rules, *refs, &k);
    }
}

/* Depth-first search for cycles among rules, with an explicit stack (a chain
 * of thousands of rules must not exhaust the C stack); reports each cycle
 * once, naming its path. */
static void find_cycles(ctx *c, ast_decl **rules, uint32_t nrules)
{
    typedef struct { ast_decl *d; ast_decl **refs; size_t n, i; } frame;
    frame *st = arena_alloc(c->a, sizeof *st * (nrules + 1));
    for (uint32_t root = 0; root < nrules; root++) {
        if (rules[root]->visit)
            continue;
        size_t top = 0;
        st[0].d = rules[root];
        rules[root]->visit = 1;
        rule_refs(c, rules[root], rules, &st[0].refs, &st[0].n);
        st[0].i = 0;
        for (;;) {
            frame *f = &st[top];
            if (f->i == f->n) {
                f->d->visit = 2;
                if (top == 0)
                    break;
                top--;
                continue;
            }
            ast_decl *next = f->refs[f->i++];
            if (next->visit == 2)
                continue;
            if (next->visit == 1) {
                char msg[900];
                size_t at = 0, from = 0;
                while (from < top && st[from].d != next)
                    from++;
                for (size_t i = from; i <= top && at < sizeof msg - 200; i++)
                    at += (size_t)snprintf(msg + at, sizeof msg - at, "%s -> ", st[i].d->name);
                snprintf(msg + at, sizeof msg - at, "%s", next->name);
                ERR(next->name_sp, "cycle", "rules depend on each other in a cycle: %s", msg);
                continue;
            }
            next->visit = 1;
            top++;
            st[top].d = next;
            rule_refs(c, next, rules, &st[top].refs, &st[top].n);
            st[top].i = 0;
        }
    }
}

bool chk_policy(arena *a, diag_ctx *d, const src_file *f, ast_policy *p, chk_result *out)
{
    ctx cc = {0}, *c = &cc;
    c->a = a;
    c->d = d;
    c->f = f;
    c->p = p;
    int errors_before = d->errors;
    memset(out, 0, sizeof *out);
    c->out = out;

    check_header(c);

    /* overrides replace the imported parameter of the same name */
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (!x->override)
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
            ERR(x->name_sp, "override", "'override param %s': no imported parameter is named '%s'", x->name, x->name);
        x->of = found; /* its type is compared once types are resolved */
    }

    /* pass 1: declare every name, count each kind, resolve declared types */
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
    c->scope = arena_alloc(a, sizeof *c->scope * ((size_t)max_params + 64));
    for (ast_decl *x = p->decls; x; x = x->next) {
        switch (x->kind) {
        case D_INPUT: x->index = out->ninputs++; break;
        case D_PARAM: x->index = out->nparams++; break;
        case D_RULE: case D_OUTPUT: case D_REQUIRE: x->index = out->nrules++; break;
        case D_ENUM: x->index = out->nenums++; break;
        case D_RECORD: x->index = out->nrecords++; break;
        case D_TEST: x->index = out->ntests++; continue;
        case D_EXCEPTION: case D_IMPORT: continue;
        }
        ast_decl *prev = lookup(c, x->name);
        if (prev) {
            ERR(x->name_sp, "duplicate", "'%s' is already declared as %s", x->name, a_kind(prev->kind));
            NOTE(prev->name_sp, "first declared here");
            continue;
        }
        insert(c, x);
    }
    out->inputs = arena_alloc(a, sizeof(ast_decl *) * (out->ninputs + 1));
    out->params = arena_alloc(a, sizeof(ast_decl *) * (out->nparams + 1));
    out->rules = arena_alloc(a, sizeof(ast_decl *) * (out->nrules + 1));
    out->tests = arena_alloc(a, sizeof(ast_decl *) * (out->ntests + 1));
    out->enums = arena_alloc(a, sizeof(ast_decl *) * (out->nenums + 1));
    out->records = arena_alloc(a, sizeof(ast_decl *) * (out->nrecords + 1));
    for (ast_decl *x = p->decls; x; x = x->next) {
        switch (x->kind) {
        case D_INPUT: out->inputs[x->index] = x; break;
        case D_PARAM: out->params[x->index] = x; break;
        case D_RULE: case D_OUTPUT: case D_REQUIRE: out->rules[x->index] = x; break;
        case D_TEST: out->tests[x->index] = x; break;
        case D_ENUM: out->enums[x->index] = x; break;
        case D_RECORD: out->records[x->index] = x; break;
        case D_EXCEPTION: case D_IMPORT: break;
        }
    }
    /* declared types, now that every enumeration is known */
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (x->kind == D_INPUT || x->kind == D_PARAM || x->kind == D_RULE || x->kind == D_OUTPUT || x->kind == D_REQUIRE)
            x->type = (uint8_t)resolve_type(c, x->type_name, x->type_sp, &x->tref);
        if (x->kind == D_RULE)
            for (ast_decl *q = x->params; q; q = q->next) {
                q->type = (uint8_t)resolve_type(c, q->type_name, q->type_sp, &q->tref);
                for (ast_decl *o = x->params; o != q; o = o->next)
                    if (strcmp(o->name, q->name) == 0)
                        ERR(q->name_sp, "duplicate", "parameter '%s' declared twice", q->name);
            }
        if (x->kind == D_INPUT && x->type == PT_RECORD)
            ERR(x->type_sp, "input-type", "an input can be a list of records ('list of %s'), not a single record", x->type_name);
        if (x->kind == D_ENUM || x->kind == D_RECORD)
            for (ast_field *fl = x->fields; fl; fl = fl->next) {
                fl->type = (uint8_t)resolve_type(c, fl->type_name, fl->type_sp, &fl->tref);
                if (fl->type == PT_RECORD || fl->type == PT_LIST)
                    ERR(fl->type_sp, "field-type", "a field cannot hold a record or a list (records are flat)");
                for (ast_field *o = x->fields; o != fl; o = o->next)
                    if (strcmp(o->name, fl->name) == 0)
                        ERR(fl->sp, "duplicate", "field '%s' declared twice", fl->name);
            }
    }
    /* an override keeps the imported parameter's type (in any spelling: 比例 is rate) */
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (!x->override || !x->of)
            continue;
        uint32_t tref;
        pol_type t = resolve_type(c, x->of->type_name, x->of->type_sp, &tref);
        if (t != PT_VOID && x->type != PT_VOID && (t != x->type || tref != x->tref)) {
            ERR(x->type_sp, "override", "'%s' is %s in the imported policy; an override keeps the type", x->name, x->of->type_name);
            NOTE(x->of->name_sp, "the imported parameter");
        }
        x->of = NULL;
    }

    /* exceptions join the rule they override */
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (x->kind != D_EXCEPTION)
            continue;
        ast_decl *r = lookup(c, x->target);
        if (!r || (r->kind != D_RULE && r->kind != D_OUTPUT)) {
            const char *sug = suggest_decl(c, x->target);
            if (r)
                ERR(x->target_sp, "exception-target", "an exception overrides a rule or an output; '%s' is %s", x->target, a_kind(r->kind));
            else if (sug)
                ERR(x->target_sp, "undefined", "undefined name '%s'; did you mean '%s'?", x->target, sug);
            else
                ERR(x->target_sp, "undefined", "undefined name '%s'", x->target);
            continue;
        }
        if (r->nparams > 0) {
            ERR(x->target_sp, "exception-target", "'%s' is a function; exceptions override rules without parameters (put the condition in its formula)",
                x->target);
            continue;
        }
        x->of = r;
        ast_decl **tail = &r->exceptions;
        while (*tail)
            tail = &(*tail)->next_exception;
        *tail = x;
    }
    {
        span sp = {0, 0};
        bool any_output = false;
        for (ast_decl *x = p->decls; x; x = x->next)
            any_output |= x->kind == D_OUTPUT;
        if (!any_output)
            WARN(sp, "no-output", "the policy declares no output");
    }

    for (ast_decl *x = p->decls; x; x = x->next)
        if (x->kind == D_RULE || x->kind == D_OUTPUT || x->kind == D_REQUIRE) {
            x->nlocals = (uint32_t)x->nparams;
            if (x->nparams > BC_MAX_ARGS) /* its calls must fit the VM's stack */
                ERR(x->name_sp, "limit", "'%s' has %d parameters; a function takes at most %d", x->name, x->nparams, BC_MAX_ARGS);
        }

    /* pass 2: bodies */
    for (ast_decl *x = p->decls; x; x = x->next) {
        c->cur = x;
        if (x->damaged)
            continue; /* cut short by a syntax error, which is reported */
        switch (x->kind) {
        case D_INPUT:
            c->want_tref = x->tref;
            if (x->lo) {
                if (!numeric((pol_type)x->type) && x->type != PT_DATE && x->type != PT_MONTH)
                    ERR(x->lo->sp, "bounds", "only numbers, dates and months can have bounds");
                else {
                    check_constant(c, x->lo, (pol_type)x->type, "a bound");
                    check_constant(c, x->hi, (pol_type)x->type, "a bound");
                }
            }
            break;
        case D_PARAM: check_param(c, x); break;
        case D_ENUM: check_enum(c, x); break;
        case D_RECORD:
            if (!x->fields)
                ERR(x->name_sp, "empty-record", "record type '%s' has no fields", x->name);
            break;
        case D_EXCEPTION: {
            if (!x->of)
                break;
            pol_type ct = check_expr(c, x->cond);
            if (ct != PT_VOID && ct != PT_BOOL)
                ERR(x->cond->sp, "type-mismatch", "the condition after 'when' must be a boolean, found %s", tname(ct));
            pol_type t = check_expr(c, x->value);
            char t1[300], t2[300];
            if (t != PT_VOID && x->of->type != PT_VOID && !assignable_e((pol_type)x->of->type, x->of->tref, x->value))
                ERR(x->value->sp, "type-mismatch", "the exception gives %s, but %s '%s' is %s",
                    type_text(c, t, x->value->tref, t1, sizeof t1), kind_name(x->of->kind), x->of->name,
                    type_text(c, (pol_type)x->of->type, x->of->tref, t2, sizeof t2));
            if (!x->an.cite)
                WARN(x->sp, "no-cite", "exception to '%s' cites no clause of the notice (add cite \"...\")", x->of->name);
            break;
        }
        case D_RULE: case D_OUTPUT: case D_REQUIRE: {
            if (!x->value) {
                if (!x->exceptions)
                    ERR(x->name_sp, "no-definition", "rule '%s' has no formula and no exceptions; write '= formula' or add 'exception ... of %s when ...'",
                        x->name, x->name);
                if (!x->an.cite)
                    WARN(x->name_sp, "no-cite", "%s '%s' cites no clause of the notice (add cite \"...\")", kind_name(x->kind), x->name);
                break;
            }
            c->nscope = 0;
            /* parameters take the first local slots (set in pass 1, before any
             * exception to this rule took slots for its aggregates) */
            uint32_t slot = 0;
            for (ast_decl *q = x->params; q; q = q->next) {
                c->scope[c->nscope].name = q->name;
                c->scope[c->nscope].type = q->type;
                c->scope[c->nscope].tref = q->tref;
                c->scope[c->nscope].slot = slot++;
                c->nscope++;
            }
            c->scope_params = c->nscope;
            pol_type t = check_expr(c, x->value);
            c->nscope = c->scope_params = 0;
            if (t != PT_VOID && (x->type == PT_LIST || x->type == PT_RECORD) && t == x->type && x->value->tref != x->tref &&
                x->value->tref != UINT32_MAX)
                ERR(x->value->sp, "type-mismatch", "%s '%s' holds another record type", kind_name(x->kind), x->name);
            else if (t != PT_VOID && x->type == PT_ENUM && t == PT_ENUM && x->value->tref != x->tref)
                ERR(x->value->sp, "type-mismatch", "%s '%s' is a member of another enumeration", kind_name(x->kind), x->name);
            else if (t != PT_VOID && x->type != PT_VOID && !assignable((pol_type)x->type, t, x->value->lit))
                ERR(x->value->sp, "type-mismatch", "%s '%s' is declared %s, but its formula gives %s", kind_name(x->kind),
                    x->name, tname((pol_type)x->type), tname(t));
            if (x->kind == D_OUTPUT && x->places >= 0 && !numeric((pol_type)x->type))
                ERR(x->type_sp, "places", "'places' applies to numbers only");
            if (!x->an.cite)
                WARN(x->name_sp, "no-cite", "%s '%s' cites no clause of the notice (add cite \"...\")", kind_name(x->kind), x->name);
            break;
        }
        case D_TEST: case D_IMPORT: break;
        }
    }
    c->cur = NULL;
    for (uint32_t i = 0; i < out->ntests; i++)
        if (!out->tests[i]->damaged)
            check_test(c, out->tests[i]);

    /* cycles */
    if (out->nrules)
        find_cycles(c, out->rules, out->nrules);

    /* unused */
    for (ast_decl *x = p->decls; x; x = x->next) {
        if (x->uses > 0 || x->imported || x->kind == D_OUTPUT || x->kind == D_TEST || x->kind == D_EXCEPTION || x->kind == D_REQUIRE)
            continue;
        WARN(x->name_sp, "unused", "%s '%s' is never used", kind_name(x->kind), x->name);
    }
    return d->errors == errors_before;
}
