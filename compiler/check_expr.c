/* check_expr.c -- expressions: literals, names, indexing, operators, if,
 * lists and fields get their types (units by check_units.c; calls and
 * aggregates by check_call.c), and the constants written in declarations and
 * tests.  Shares check_int.h with the other checker files. */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>

#include "caldate.h"


/* chk_type_text in two parts, a fragment and a name, so that a message
 * can put them in its language's order: "list of " and "缴费" ("缴费列表"),
 * "money" and "". */
const char *chk_type_head(chk_ctx *c, pol_type t, uint32_t tref)
{
    (void)c;
    if (t == PT_LIST && tref == UINT32_MAX)
        return FRAG("an empty list");
    if (t == PT_LIST)
        return FRAG("list of ");
    if (t == PT_RECORD)
        return FRAG("record ");
    if (t == PT_ENUM)
        return FRAG("enumeration ");
    return tname(t);
}

const char *chk_type_tail(chk_ctx *c, pol_type t, uint32_t tref)
{
    if (t == PT_LIST && pol_list_values(tref))
        return tname(pol_list_elem(tref));
    if ((t == PT_LIST && tref != UINT32_MAX) || t == PT_RECORD || t == PT_ENUM) {
        const ast_decl *d = chk_decl_of_type(c, t, tref);
        return d && d->name ? d->name : "?";
    }
    return "";
}

static void check_const_lookup(chk_ctx *c, ast_decl *par, ast_expr *date)
{
    if (date->kind == EX_MONTH || (date->kind == EX_NUM && date->type == PT_INT)) {
        /* a whole month or year: one version must cover all of it */
        int32_t from, to;
        char ds[24];
        if (date->kind == EX_MONTH) {
            int y = date->ival / 12, mo = date->ival % 12 + 1;
            from = cd_from_ymd(y, mo, 1);
            to = cd_from_ymd(y, mo, cd_days_in_month(y, mo));
            cd_format_month(date->ival, ds);
        } else {
            long y = strtol(date->text, NULL, 10);
            if (y < 1 || y > 9999) {
                REPORT(date->sp, DC_NO_VERSION, "%s is not a year from 1 to 9999", date->text);
                return;
            }
            from = cd_from_ymd((int)y, 1, 1);
            to = cd_from_ymd((int)y, 12, 31);
            snprintf(ds, sizeof ds, "%ld", y);
        }
        for (ast_version *v = par->versions; v; v = v->next)
            if ((!v->has_from || v->from <= from) && (!v->has_to || to <= v->to))
                return;
        REPORT(date->sp, DC_NO_VERSION, "no one version of parameter '%s' covers all of %s", par->name, ds);
        NOTE(par->name_sp, "'%s' is declared here", par->name);
        return;
    }
    if (date->kind != EX_DATE)
        return;
    for (ast_version *v = par->versions; v; v = v->next)
        if ((!v->has_from || v->from <= date->ival) && (!v->has_to || date->ival <= v->to))
            return;
    char ds[16];
    cd_format_date(date->ival, ds);
    REPORT(date->sp, DC_NO_VERSION, "no version of parameter '%s' covers %s", par->name, ds);
    NOTE(par->name_sp, "'%s' is declared here", par->name);
}

/* Enum.f where the enumeration has no member f. */
static CHK_NOINLINE void no_member(chk_ctx *c, const ast_expr *e, const ast_decl *en)
{
    const char *cands[256];
    int nc = 0;
    for (ast_member *m = en->members; m && nc < 256; m = m->next)
        cands[nc++] = m->name;
    const char *s = chk_suggest(e->text, cands, (size_t)nc);
    if (s)
        REPORT(e->name_sp, DC_NO_MEMBER, "enumeration '%s' has no member '%s'; did you mean '%s'?", en->name, e->text, s);
    else
        REPORT(e->name_sp, DC_NO_MEMBER, "enumeration '%s' has no member '%s'", en->name, e->text);
}

/* x.f where x (of type t, declared by owner) has no field f. */
static CHK_NOINLINE void no_field(chk_ctx *c, const ast_expr *e, pol_type t, const ast_decl *owner)
{
    const char *cands[256];
    int nc = 0;
    for (ast_field *fl = owner->fields; fl && nc < 256; fl = fl->next)
        cands[nc++] = fl->name;
    const char *sug = chk_suggest(e->text, cands, (size_t)nc);
    if (t == PT_RECORD && sug)
        REPORT(e->name_sp, DC_NO_FIELD, "record '%s' has no field '%s'; did you mean '%s'?", owner->name, e->text, sug);
    else if (t == PT_RECORD)
        REPORT(e->name_sp, DC_NO_FIELD, "record '%s' has no field '%s'", owner->name, e->text);
    else if (sug)
        REPORT(e->name_sp, DC_NO_FIELD, "members of '%s' have no field '%s'; did you mean '%s'?", owner->name, e->text, sug);
    else
        REPORT(e->name_sp, DC_NO_FIELD, "members of '%s' have no field '%s'", owner->name, e->text);
}

/* a.f: a member literal (Enum.Member) or a field of an enum value. */
static pol_type check_field(chk_ctx *c, ast_expr *e)
{
    ast_expr *a = e->a;
    if (a->kind == EX_NAME) {
        ast_decl *en = chk_lookup(c, a->text);
        bool shadowed = false;
        for (int i = 0; i < c->nscope; i++)
            shadowed |= strcmp(c->scope[i].name, a->text) == 0;
        if (en && en->kind == D_ENUM && !shadowed) {
            en->uses++;
            int idx = 0;
            for (ast_member *m = en->members; m; m = m->next, idx++)
                if (strcmp(m->name, e->text) == 0) {
                    e->sym = SYM_MEMBER;
                    e->tref = en->index;
                    e->ival = idx;
                    return PT_ENUM;
                }
            no_member(c, e, en);
            return PT_VOID;
        }
    }
    pol_type t = chk_expr(c, a);
    if (t == PT_VOID)
        return PT_VOID;
    if (t != PT_RECORD && t != PT_ENUM) {
        REPORT(e->name_sp, DC_NO_FIELD, "%s has no fields; only records and members of an enumeration do", tname(t));
        return PT_VOID;
    }
    ast_decl *owner = chk_decl_of_type(c, t, a->tref);
    if (!owner)
        return PT_VOID;
    int idx = 0;
    for (ast_field *fl = owner->fields; fl; fl = fl->next, idx++)
        if (strcmp(fl->name, e->text) == 0) {
            e->index = (uint32_t)idx;
            e->tref = fl->tref;
            if (t == PT_RECORD)
                e->sym = SYM_RECORD; /* a record field; an enumeration's field keeps SYM_NONE */
            return (pol_type)fl->type;
        }
    no_field(c, e, t, owner);
    return PT_VOID;
}


/* A name: a loop variable, an input, a parameter or a rule. */
static pol_type expr_name(chk_ctx *c, ast_expr *e)
{
    for (int i = c->nscope - 1; i >= 0; i--)
        if (strcmp(c->scope[i].name, e->text) == 0) {
            e->sym = SYM_LOCAL;
            e->slot = c->scope[i].slot;
            e->tref = c->scope[i].tref;
            return (pol_type)c->scope[i].type;
        }
    ast_decl *d = chk_lookup(c, e->text);
    if (d && d->kind == D_ENUM) {
        REPORT(e->sp, DC_ENUM_VALUE, "'%s' is an enumeration; name one of its members: %s.%s", d->name, d->name,
            d->members ? d->members->name : FRAG("member"));
        return PT_VOID;
    }
    if (d && d->kind == D_EXCEPTION)
        d = NULL;
    if (d && d->kind == D_RECORD) {
        REPORT(e->sp, DC_RECORD_VALUE, "'%s' is a record type; build one with %s(field = value, ...)", d->name, d->name);
        return PT_VOID;
    }
    if (d && d->kind == D_RULE && d->nparams > 0) {
        REPORT(e->sp, DC_ARITY, "'%s' is a function of %d argument%s: call it as %s(...)", d->name, d->nparams,
            d->nparams == 1 ? "" : "s", d->name);
        return PT_VOID;
    }
    if (!d) {
        int mode = chk_vocab_find(&chk_modes, e->text);
        if (mode >= 0) { /* a value of type rounding */
            e->kind = EX_MODE;
            e->ival = mode;
            return PT_ROUNDING;
        }
        chk_undefined(c, e->sp, e->text);
        return PT_VOID;
    }
    d->uses++;
    e->index = d->index;
    e->tref = d->tref;
    if (d->kind == D_INPUT)
        e->sym = SYM_INPUT;
    else if (d->kind == D_PARAM) {
        e->sym = SYM_PARAM;
        if (d->key_name) {
            if (d->key2_name)
                REPORT(e->sp, DC_DATED_PARAM, "'%s' is a table; look it up by its keys: %s[%s, %s%s]", d->name, d->name, d->key_name,
                       d->key2_name, d->dated_rows ? FRAG(", date") : "");
            else
                REPORT(e->sp, DC_DATED_PARAM, "'%s' is a table; look it up by its key: %s[%s%s]", d->name, d->name, d->key_name,
                       d->dated_rows ? FRAG(", date") : "");
            return PT_VOID;
        }
        if (d->versions) {
            REPORT(e->sp, DC_DATED_PARAM, "parameter '%s' has dated versions; say which date applies: %s[date]", d->name, d->name);
            return PT_VOID;
        }
    } else {
        e->sym = SYM_RULE;
        if (d == c->cur) {
            REPORT(e->sp, DC_CYCLE, "'%s' is defined in terms of itself", d->name);
            return PT_VOID;
        }
    }
    return (pol_type)d->type;
}

/* a[b]: a list by position, or a dated parameter by date. */
static pol_type expr_index(chk_ctx *c, ast_expr *e)
{
    ast_expr *a = e->a;
    bool is_param = false;
    if (a->kind == EX_NAME) {
        ast_decl *pd = chk_lookup(c, a->text);
        bool local = false;
        for (int i = 0; i < c->nscope; i++)
            local |= strcmp(c->scope[i].name, a->text) == 0;
        is_param = !local && pd && pd->kind == D_PARAM;
        if (!pd && !local)
            is_param = true; /* report below as undefined */
    }
    if (!is_param && e->nargs) {
        REPORT(e->args[0]->sp, DC_INDEX, "only a table by two keys is looked up with three values: [key, key, date]");
        return PT_VOID;
    }
    if (!is_param) { /* list[i] */
        pol_type lt = chk_expr(c, a), it = chk_expr(c, e->b);
        if (lt == PT_VOID || it == PT_VOID)
            return PT_VOID;
        if (lt != PT_LIST) {
            REPORT(a->sp, DC_INDEX, "only a list (by position) or a dated parameter (by date) can be indexed, not %s", tname(lt));
            return PT_VOID;
        }
        if (it != PT_INT) {
            REPORT(e->b->sp, DC_TYPE_MISMATCH, "a list is indexed by an integer position (from 0), not by %s", tname(it));
            return PT_VOID;
        }
        e->sym = SYM_NONE;
        if (pol_list_values(a->tref)) { /* a list of values: the value */
            e->tref = 0;
            return pol_list_elem(a->tref);
        }
        e->tref = a->tref;
        return PT_RECORD;
    }
    pol_type dt = chk_expr(c, e->b);
    if (a->kind != EX_NAME) {
        REPORT(a->sp, DC_INDEX, "only a dated parameter can be looked up with [date]");
        return PT_VOID;
    }
    ast_decl *d = chk_lookup(c, a->text);
    if (d && d->kind == D_PARAM && d->key_name) {
        d->uses++;
        return chk_table_lookup(c, e, d, dt);
    }
    if (e->nargs) {
        REPORT(e->args[0]->sp, DC_INDEX, "only a table by two keys is looked up with three values: [key, key, date]");
        return PT_VOID;
    }
    if (e->c) {
        REPORT(e->c->sp, DC_INDEX, "only a table whose rows are dated is looked up with [key, date]");
        return PT_VOID;
    }
    if (!d || d->kind != D_PARAM || !d->versions) {
        if (!d) {
            chk_undefined(c, a->sp, a->text);
        } else {
            d->uses++;
            REPORT(a->sp, DC_INDEX, "'%s' is not a dated parameter; only dated parameters are looked up with [date]", a->text);
        }
        return PT_VOID;
    }
    d->uses++;
    a->sym = SYM_PARAM;
    a->index = d->index;
    e->sym = SYM_PARAM;
    e->index = d->index;
    if (dt != PT_VOID && dt != PT_DATE && dt != PT_MONTH && dt != PT_INT) {
        REPORT(e->b->sp, DC_TYPE_MISMATCH, "a parameter is looked up by a date, a month or a year, not by %s", tname(dt));
        return PT_VOID;
    }
    e->op = dt == PT_MONTH || dt == PT_INT; /* a whole month or year: OP_PARAM_IN */
    check_const_lookup(c, d, e->b);
    return (pol_type)d->type;
}

/* -a, not a */
static pol_type expr_unary(chk_ctx *c, ast_expr *e)
{
    pol_type t = chk_expr(c, e->a);
    if (t == PT_VOID)
        return PT_VOID;
    if (e->op == UO_NEG) {
        if (!numeric(t)) {
            REPORT(e->sp, DC_TYPE_MISMATCH, "cannot negate %s", tname(t));
            return PT_VOID;
        }
        e->lit = e->a->lit;
        return t;
    }
    if (t != PT_BOOL) {
        REPORT(e->a->sp, DC_TYPE_MISMATCH, "'not' needs a boolean, found %s", tname(t));
        return PT_VOID;
    }
    return PT_BOOL;
}

/* A rounding mode used as an operand. */
static CHK_NOINLINE void misplaced_mode(chk_ctx *c, const ast_expr *m)
{
    if (m->kind == EX_MODE)
        REPORT(m->sp, DC_MISPLACED_MODE, "'%s' is a rounding mode; it goes inside round(x, places, %s)", m->text, m->text);
    else
        REPORT(m->sp, DC_MISPLACED_MODE, "this is a rounding mode; it goes inside round(x, places, mode) or to_integer(x, mode)");
}

/* a op b: arithmetic, logic, comparisons */
static pol_type expr_binary(chk_ctx *c, ast_expr *e)
{
    pol_type x = chk_expr(c, e->a), y = chk_expr(c, e->b);
    if (x == PT_ROUNDING || y == PT_ROUNDING) {
        misplaced_mode(c, x == PT_ROUNDING ? e->a : e->b);
        return PT_VOID;
    }
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
                REPORT(e->sp, DC_UNIT_MISMATCH, "a date moves by days; to move it by calendar months use add_months(date, n), which keeps the day or clamps it to the month's end");
                return PT_VOID;
            }
            REPORT(e->sp, DC_TYPE_MISMATCH, "a %s moves by an integer (%s), not by %s", tname(x),
                x == PT_DATE ? FRAG("days") : FRAG("months"), tname(y));
            return PT_VOID;
        }
        if (!numeric(x) || !numeric(y)) {
            const char *sym = e->op == BO_ADD ? "+" : e->op == BO_SUB ? "-" : e->op == BO_MUL ? "*" : "/";
            REPORT(e->sp, DC_TYPE_MISMATCH, "'%s' needs numbers, found %s and %s", sym, tname(x), tname(y));
            return PT_VOID;
        } else {
            pol_type t = chk_arith_type(c, e->op, e->a, e->b, e->sp);
            e->lit = e->a->lit && e->b->lit && t != PT_VOID;
            return t;
        }
    case BO_AND: case BO_OR:
        if (x != PT_BOOL || y != PT_BOOL) {
            REPORT(e->sp, DC_TYPE_MISMATCH, "'%s' needs booleans, found %s and %s", e->op == BO_AND ? "and" : "or", tname(x), tname(y));
            return PT_VOID;
        }
        return PT_BOOL;
    default: /* comparisons */
        if (numeric(x) && numeric(y)) {
            if ((x == PT_MONTHS && y == PT_DAYS) || (x == PT_DAYS && y == PT_MONTHS)) {
                REPORT(e->sp, DC_UNIT_MISMATCH, "cannot compare months with days");
                return PT_VOID;
            }
            if ((x == PT_MONEY) != (y == PT_MONEY) && !e->a->lit && !e->b->lit) {
                REPORT(e->sp, DC_UNIT_MISMATCH, "cannot compare %s with %s", tname(x), tname(y));
                return PT_VOID;
            }
            return PT_BOOL;
        }
        if (x != y) {
            REPORT(e->sp, DC_TYPE_MISMATCH, "cannot compare %s with %s", tname(x), tname(y));
            return PT_VOID;
        }
        if (x == PT_LIST) {
            REPORT(e->sp, DC_TYPE_MISMATCH, "lists cannot be compared; compare their elements (any, all) or their lengths");
            return PT_VOID;
        }
        if (x == PT_RECORD) {
            REPORT(e->sp, DC_TYPE_MISMATCH, "%ss cannot be compared; compare their fields", tname(x));
            return PT_VOID;
        }
        if ((x == PT_BOOL || x == PT_ENUM) && e->op != BO_EQ && e->op != BO_NE) {
            REPORT(e->sp, DC_TYPE_MISMATCH, "%s can only be compared with == and !=", x == PT_BOOL ? FRAG("booleans") : FRAG("members of an enumeration"));
            return PT_VOID;
        }
        if (x == PT_ENUM && e->a->tref != e->b->tref) {
            REPORT(e->sp, DC_TYPE_MISMATCH, "cannot compare members of two different enumerations");
            return PT_VOID;
        }
        return PT_BOOL;
    }
}

bool chk_bottom(const ast_expr *e)
{
    if (e->kind == EX_IF)
        return chk_bottom(e->b) && chk_bottom(e->c);
    if (e->kind == EX_MATCH) {
        for (int i = 0; i < e->nargs; i++)
            if (!chk_bottom(e->args[i]))
                return false;
        return true;
    }
    return e->kind == EX_NA || e->kind == EX_UNSTATED;
}

/* x in lo..hi: whether lo <= x <= hi, all of one unit, dates or months */
static CHK_NOINLINE pol_type expr_in(chk_ctx *c, ast_expr *e)
{
    if (!e->c) {
        REPORT(e->sp, DC_TYPE_MISMATCH, "'in' tests a range here (x in a..b); 'v in list' belongs in an aggregate: any(v in list: ...)");
        chk_expr(c, e->a);
        chk_expr(c, e->b);
        return PT_VOID;
    }
    ast_expr *v[3] = {e->a, e->b, e->c};
    bool lit;
    pol_type t = chk_join_values(c, v, 3, "'in'", &lit);
    return t == PT_VOID ? PT_VOID : PT_BOOL;
}

/* if a then b else c */
static pol_type expr_if(chk_ctx *c, ast_expr *e)
{
    pol_type ct = chk_expr(c, e->a);
    pol_type x = chk_expr(c, e->b), y = chk_expr(c, e->c);
    if (ct != PT_VOID && ct != PT_BOOL)
        REPORT(e->a->sp, DC_TYPE_MISMATCH, "the condition after 'if' must be a boolean, found %s", tname(ct));
    if (chk_bottom(e->b) || chk_bottom(e->c)) { /* a branch with no value: the if has the other's type */
        const ast_expr *o = chk_bottom(e->b) ? e->c : e->b;
        e->lit = o->lit;
        e->tref = o->tref;
        return ct == PT_BOOL ? (pol_type)o->type : PT_VOID;
    }
    if (x == PT_VOID || y == PT_VOID || ct != PT_BOOL)
        return PT_VOID;
    bool lit;
    pol_type t = chk_join(e->b, e->c, &lit);
    if (t == PT_VOID) {
        REPORT(e->c->sp, DC_TYPE_MISMATCH, "the branches of 'if' differ: %s after 'then', %s after 'else'", tname(x), tname(y));
        return PT_VOID;
    }
    e->lit = lit;
    e->tref = e->b->tref != UINT32_MAX ? e->b->tref : e->c->tref;
    return t;
}

/* [r, ...]: a list of records */
/* The elements of [v, ...] once checked: records of one type, or values of
 * one type (bare numbers take the type of the others: [1, 2元] is a list of
 * money; [1, 2] a list of bare numbers, e->lit).  Out of expr_list, whose
 * frame every level of nesting pays for. */
static CHK_NOINLINE pol_type list_elements(chk_ctx *c, ast_expr *e)
{
    bool bad = false, lit = true;
    pol_type jt = PT_VOID;
    const ast_expr *j = NULL; /* the element whose type the list has so far */
    for (int i = 0; i < e->nargs; i++) {
        ast_expr *x = e->args[i];
        pol_type t = (pol_type)x->type;
        if (t == PT_VOID) {
            bad = true;
            continue;
        }
        if (t != PT_RECORD && !pol_list_elem_ok(t)) {
            REPORT(x->sp, DC_TYPE_MISMATCH, "a list holds records, or numbers, amounts, dates, months, booleans or text; found %s", tname(t));
            bad = true;
            continue;
        }
        if (!j) {
            j = x;
            jt = t;
            lit = x->lit;
            continue;
        }
        if ((jt == PT_RECORD) != (t == PT_RECORD) || (t == PT_RECORD && x->tref != j->tref)) {
            if (jt == PT_RECORD && t == PT_RECORD)
                REPORT(x->sp, DC_TYPE_MISMATCH, "all elements of a list are records of one type");
            else
                REPORT(x->sp, DC_TYPE_MISMATCH, "all elements of a list have one type: %s, then %s", tname(jt), tname(t));
            bad = true;
            continue;
        }
        if (t == PT_RECORD)
            continue;
        ast_expr tmp = *j;
        tmp.type = (uint8_t)jt;
        tmp.lit = lit;
        bool l2;
        pol_type u = chk_join(&tmp, x, &l2);
        if (u == PT_VOID) {
            REPORT(x->sp, DC_TYPE_MISMATCH, "all elements of a list have one type: %s, then %s", tname(jt), tname(t));
            bad = true;
            continue;
        }
        if (u != jt)
            j = x;
        jt = u;
        lit = l2;
    }
    if (bad)
        return PT_VOID;
    if (j)
        e->tref = jt == PT_RECORD ? j->tref : POL_LIST_VALUES | (uint32_t)jt;
    e->lit = j && jt != PT_RECORD && lit;
    return PT_LIST;
}

/* [v, ...]: a list of records or of values */
static pol_type expr_list(chk_ctx *c, ast_expr *e)
{
    e->tref = UINT32_MAX; /* [] fits any list */
    for (int i = 0; i < e->nargs; i++)
        chk_expr(c, e->args[i]);
    return list_elements(c, e);
}

static pol_type check_expr_inner(chk_ctx *c, ast_expr *e)
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
    case EX_NAME: return expr_name(c, e);
    case EX_INDEX: return expr_index(c, e);
    case EX_CALL: return chk_call(c, e);
    case EX_UNARY: return expr_unary(c, e);
    case EX_BINARY: return expr_binary(c, e);
    case EX_IF: return expr_if(c, e);
    case EX_FIELD: return check_field(c, e);
    case EX_LIST: return expr_list(c, e);
    case EX_AGG: return chk_agg(c, e);
    case EX_NA: case EX_UNSTATED: return PT_VOID; /* no value: fits any type (chk_bottom) */
    case EX_IN: return expr_in(c, e);
    case EX_MODE: return PT_ROUNDING;
    case EX_MATCH: return chk_match(c, e);
    }
    return PT_VOID;
}

pol_type chk_expr(chk_ctx *c, ast_expr *e)
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
    if (e->kind == EX_LIST) { /* a list of records built from constants, or of constants (tests' inputs) */
        for (int i = 0; i < e->nargs; i++) {
            const ast_expr *r = e->args[i];
            if (r->kind != EX_CALL && !is_constant(r))
                return false;
            if (r->kind != EX_CALL)
                continue;
            if (!r->named)
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
           e->kind == EX_MONTH || e->kind == EX_STR || e->kind == EX_BOOL || e->kind == EX_MODE ||
           (e->kind == EX_NAME && chk_vocab_find(&chk_modes, e->text) >= 0); /* a mode, before it is checked */
}

/* The constant e of a declaration or a test, where `want` is expected: what
 * it is, for messages, is the fragment `what` (name NULL), else "the value
 * of 'name'" (owner NULL: a test's), else "field 'name' of 'owner'" (an
 * enumeration member's); each has its own messages, so that the Chinese
 * says it in its own order. */
static void constant(chk_ctx *c, ast_expr *e, pol_type want, const char *what, const char *name, const char *owner)
{
    const ast_decl *en = want == PT_ENUM && e->kind == EX_NAME ? chk_decl_of_type(c, PT_ENUM, c->want_tref) : NULL;
    for (const ast_member *m = en ? en->members : NULL; m; m = m->next)
        if (strcmp(m->name, e->text) == 0) {
            REPORT(e->sp, DC_BARE_MEMBER, "'%s' is a member of '%s': write %s.%s", e->text, en->name, en->name, e->text);
            return;
        }
    if (want == PT_ROUNDING && e->kind == EX_NAME && chk_vocab_find(&chk_modes, e->text) < 0) {
        chk_vocab_unknown(c, e, &chk_modes, DC_ROUND_MODE, FRAG("rounding mode"), FRAG("modes"));
        return;
    }
    if (!is_constant(e)) {
        if (!name)
            REPORT(e->sp, DC_NOT_CONSTANT, "%s must be a value written out (like 4416, 5%%, 2025-10-01), not a formula", what);
        else if (!owner)
            REPORT(e->sp, DC_NOT_CONSTANT, "the value of '%s' must be a value written out (like 4416, 5%%, 2025-10-01), not a formula", name);
        else
            REPORT(e->sp, DC_NOT_CONSTANT, "field '%s' of '%s' must be a value written out (like 4416, 5%%, 2025-10-01), not a formula", name,
                   owner);
        return;
    }
    pol_type t = chk_expr(c, e);
    if (t != PT_VOID && e->kind == EX_FIELD && e->sym != SYM_MEMBER) {
        if (!name)
            REPORT(e->sp, DC_NOT_CONSTANT, "%s must be a value written out, not a formula", what);
        else if (!owner)
            REPORT(e->sp, DC_NOT_CONSTANT, "the value of '%s' must be a value written out, not a formula", name);
        else
            REPORT(e->sp, DC_NOT_CONSTANT, "field '%s' of '%s' must be a value written out, not a formula", name, owner);
    } else if (t != PT_VOID && want != PT_VOID && !chk_assignable(want, t, e->lit)) {
        if (!name)
            REPORT(e->sp, DC_TYPE_MISMATCH, "%s should be %s, found %s", what, tname(want), tname(t));
        else if (!owner)
            REPORT(e->sp, DC_TYPE_MISMATCH, "the value of '%s' should be %s, found %s", name, tname(want), tname(t));
        else
            REPORT(e->sp, DC_TYPE_MISMATCH, "field '%s' of '%s' should be %s, found %s", name, owner, tname(want),
                   tname(t));
    } else if (t == PT_LIST && want == PT_LIST && (pol_list_values(c->want_tref) || pol_list_values(e->tref)) &&
               !chk_list_fits(c->want_tref, e)) {
        char wt[120], gt[120];
        chk_type_text(c, PT_LIST, c->want_tref, wt, sizeof wt);
        chk_type_text(c, PT_LIST, e->tref, gt, sizeof gt);
        if (!name)
            REPORT(e->sp, DC_TYPE_MISMATCH, "%s should be %s, found %s", what, wt, gt);
        else if (!owner)
            REPORT(e->sp, DC_TYPE_MISMATCH, "the value of '%s' should be %s, found %s", name, wt, gt);
        else
            REPORT(e->sp, DC_TYPE_MISMATCH, "field '%s' of '%s' should be %s, found %s", name, owner, wt, gt);
    } else if (t == PT_LIST && want == PT_LIST && !chk_list_fits(c->want_tref, e)) {
        if (!name)
            REPORT(e->sp, DC_TYPE_MISMATCH, "%s should be a list of another record type", what);
        else if (!owner)
            REPORT(e->sp, DC_TYPE_MISMATCH, "the value of '%s' should be a list of another record type", name);
        else
            REPORT(e->sp, DC_TYPE_MISMATCH, "field '%s' of '%s' should be a list of another record type", name, owner);
    } else if (t == PT_ENUM && want == PT_ENUM && e->tref != c->want_tref) {
        if (!name)
            REPORT(e->sp, DC_TYPE_MISMATCH, "%s should be a member of another enumeration", what);
        else if (!owner)
            REPORT(e->sp, DC_TYPE_MISMATCH, "the value of '%s' should be a member of another enumeration", name);
        else
            REPORT(e->sp, DC_TYPE_MISMATCH, "field '%s' of '%s' should be a member of another enumeration", name, owner);
    } else if ((want == PT_INT || want == PT_MONTHS || want == PT_DAYS) && e->kind == EX_NUM && strchr(e->text, '.')) {
        if (!name)
            REPORT(e->sp, DC_TYPE_MISMATCH, "%s should be a whole number (%s), found %s", what, tname(want), e->text);
        else if (!owner)
            REPORT(e->sp, DC_TYPE_MISMATCH, "the value of '%s' should be a whole number (%s), found %s", name, tname(want), e->text);
        else
            REPORT(e->sp, DC_TYPE_MISMATCH, "field '%s' of '%s' should be a whole number (%s), found %s", name, owner, tname(want),
                   e->text);
    } else if (want == PT_RATE && e->kind == EX_NUM && strtol(e->text, NULL, 10) >= 1) {
        if (!name)
            REPORT(e->sp, DC_RATE_WITHOUT_PERCENT, "%s is the fraction %s, that is %s00%%; did you mean %s%%?", what, e->text, e->text,
                   e->text);
        else if (!owner)
            REPORT(e->sp, DC_RATE_WITHOUT_PERCENT, "the value of '%s' is the fraction %s, that is %s00%%; did you mean %s%%?", name, e->text,
                   e->text, e->text);
        else
            REPORT(e->sp, DC_RATE_WITHOUT_PERCENT, "field '%s' of '%s' is the fraction %s, that is %s00%%; did you mean %s%%?", name, owner,
                   e->text, e->text, e->text);
    }
}

void chk_constant(chk_ctx *c, ast_expr *e, pol_type want, const char *what)
{
    constant(c, e, want, what, NULL, NULL);
}

/* chk_constant of "the value of 'name'" (owner NULL) or of "field 'name'
 * of 'owner'". */
void chk_constant_named(chk_ctx *c, ast_expr *e, pol_type want, const char *name, const char *owner)
{
    constant(c, e, want, NULL, name, owner);
}
