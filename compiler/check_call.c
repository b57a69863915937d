/* check_call.c -- calls: functions (rules with parameters), record
 * constructors, the built-in functions and aggregates of compiler/vocab.h
 * (one checker hook per kind of signature, named in each row).  Shares
 * check_int.h with the other checker files. */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>


int chk_const_places(chk_ctx *c, ast_expr *e, int *out)
{
    bool neg = false;
    ast_expr *x = e;
    if (x->kind == EX_UNARY && x->op == UO_NEG) {
        neg = true;
        x = x->a;
    }
    if (x->kind != EX_NUM || strchr(x->text, '.')) {
        REPORT(e->sp, DC_ROUND_PLACES, "the number of places must be a whole number written in the rule, like 2 or -1");
        return -1;
    }
    long v = strtol(x->text, NULL, 10);
    if (v > POL_ROUND_MAX_PLACES) {
        REPORT(e->sp, DC_ROUND_PLACES, "cannot round to %s%ld places (at most %d)", neg ? "-" : "", v, POL_ROUND_MAX_PLACES);
        return -1;
    }
    *out = (int)(neg ? -v : v);
    return 0;
}


/* An argument of a function call whose type does not fit the parameter q. */
static CHK_NOINLINE void bad_argument(chk_ctx *c, const ast_expr *arg, const ast_decl *q, const ast_decl *d)
{
    REPORT(arg->sp, DC_TYPE_MISMATCH, "argument '%s' of '%s' is %s%s, found %s%s", q->name, d->name,
        chk_type_head(c, (pol_type)q->type, q->tref), chk_type_tail(c, (pol_type)q->type, q->tref),
        chk_type_head(c, (pol_type)arg->type, arg->tref), chk_type_tail(c, (pol_type)arg->type, arg->tref));
}

static pol_type check_function_call(chk_ctx *c, ast_expr *e, ast_decl *d)
{
    d->uses++;
    e->sym = SYM_FUNCTION;
    e->index = d->index;
    e->tref = d->tref;
    /* a function calling itself: well-founded or not is chk_recursion's
     * question (check_graph.c) */
    if (e->named) {
        REPORT(e->sp, DC_ARITY, "'%s' takes its arguments in order, without names", d->name);
        return PT_VOID;
    }
    bool bad = false;
    for (int i = 0; i < e->nargs; i++)
        if (chk_expr(c, e->args[i]) == PT_VOID)
            bad = true;
    if (e->nargs != d->nparams) {
        REPORT(e->sp, DC_ARITY, "'%s' takes %d argument%s, found %d", d->name, d->nparams, d->nparams == 1 ? "" : "s", e->nargs);
        return PT_VOID;
    }
    int i = 0;
    for (ast_decl *q = d->params; q; q = q->next, i++) {
        if (bad || q->type == PT_VOID)
            continue;
        if (!chk_assignable_e((pol_type)q->type, q->tref, e->args[i])) {
            bad_argument(c, e->args[i], q, d);
            bad = true;
        }
    }
    return bad ? PT_VOID : (pol_type)d->type;
}

/* T(field = value, ...): a record of type T. */
static pol_type check_record_ctor(chk_ctx *c, ast_expr *e, ast_decl *rt)
{
    rt->uses++;
    e->sym = SYM_RECORD;
    e->tref = rt->index;
    e->index = rt->index;
    bool bad = false;
    if (!e->named && e->nargs > 0) {
        REPORT(e->sp, DC_RECORD_FIELDS, "name the fields: %s(%s = ..., ...)", rt->name, rt->fields ? rt->fields->name : FRAG("field"));
        bad = true;
    }
    for (int i = 0; i < e->nargs; i++) {
        if (chk_expr(c, e->args[i]) == PT_VOID) {
            bad = true;
            continue;
        }
        if (!e->named)
            continue;
        ast_field *fl = rt->fields;
        while (fl && strcmp(fl->name, e->arg_names[i]) != 0)
            fl = fl->next;
        if (!fl) {
            REPORT(e->arg_name_sps[i], DC_NO_FIELD, "record '%s' has no field '%s'", rt->name, e->arg_names[i]);
            bad = true;
            continue;
        }
        for (int j = 0; j < i; j++)
            if (strcmp(e->arg_names[j], e->arg_names[i]) == 0) {
                REPORT(e->arg_name_sps[i], DC_DUPLICATE, "field '%s' given twice", e->arg_names[i]);
                bad = true;
            }
        if (!chk_assignable_e((pol_type)fl->type, fl->tref, e->args[i])) {
            REPORT(e->args[i]->sp, DC_TYPE_MISMATCH, "field '%s' of '%s' is %s, found %s", fl->name, rt->name, tname((pol_type)fl->type),
                tname((pol_type)e->args[i]->type));
            bad = true;
        }
    }
    int nf = 0;
    for (ast_field *fl = rt->fields; fl; fl = fl->next)
        nf++;
    e->field_arg = arena_alloc(c->a, sizeof *e->field_arg * (size_t)(nf + 1));
    int j = 0;
    if (e->named)
        for (ast_field *fl = rt->fields; fl; fl = fl->next, j++) {
            e->field_arg[j] = -1;
            for (int i = 0; i < e->nargs; i++)
                if (strcmp(e->arg_names[i], fl->name) == 0)
                    e->field_arg[j] = i;
            if (e->field_arg[j] < 0) {
                REPORT(e->sp, DC_RECORD_FIELDS, "field '%s' of '%s' is not given", fl->name, rt->name);
                bad = true;
            }
        }
    return bad ? PT_VOID : PT_RECORD;
}

/* ---- built-in functions: one hook per kind of signature (vocab.h) ---- */
typedef struct fn_sig {
    int nargs;
    pol_type arg[3], ret;
} fn_sig;
typedef pol_type (*fn_hook)(chk_ctx *c, ast_expr *e, const fn_sig *sig);

static void check_args(chk_ctx *c, ast_expr *e, int from)
{
    for (int i = from; i < e->nargs; i++)
        chk_expr(c, e->args[i]);
}

/* Whether name is declared or bound by an aggregate or a function. */
static bool is_bound(chk_ctx *c, const char *name)
{
    for (int i = 0; i < c->nscope; i++)
        if (strcmp(c->scope[i].name, name) == 0)
            return true;
    return chk_lookup(c, name) != NULL;
}

/* The rounding-mode argument m of e (round, to_integer): a mode's name sets
 * e->mode; any other formula of type rounding (a parameter, a rule) sets it
 * to -1, chosen at run time. */
static bool mode_arg(chk_ctx *c, ast_expr *e, ast_expr *m)
{
    int mv = m->kind == EX_NAME ? chk_vocab_find(&chk_modes, m->text) : -1;
    if (mv >= 0 || (m->kind == EX_NAME && !is_bound(c, m->text)) || m->kind == EX_NUM) {
        if (mv < 0) {
            chk_vocab_unknown(c, m, &chk_modes, DC_ROUND_MODE, FRAG("rounding mode"), FRAG("modes"));
            return false;
        }
        e->mode = mv;
        return true;
    }
    pol_type t = chk_expr(c, m);
    if (t != PT_VOID && t != PT_ROUNDING)
        REPORT(m->sp, DC_ROUND_MODE, "the rounding mode must be a mode's name (half_up, %s, ...) or a value of type rounding, not %s",
            "进一", tname(t)); /* the msgid stays ASCII */
    e->mode = -1;
    return t == PT_ROUNDING;
}

/* round(x, places[, mode]) */
static pol_type chk_fn_round(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    (void)sig;
    if (e->nargs < 2 || e->nargs > 3) {
        REPORT(e->sp, DC_ARITY, "round takes a number, the places and optionally a mode: round(x, 2) or round(x, 0, half_even)");
        check_args(c, e, 0);
        return PT_VOID;
    }
    pol_type t = chk_expr(c, e->args[0]);
    if (t != PT_VOID && !numeric(t))
        REPORT(e->args[0]->sp, DC_TYPE_MISMATCH, "round needs a number, found %s", tname(t));
    e->mode = DEC_HALF_UP;
    if (chk_const_places(c, e->args[1], &e->places) < 0)
        t = PT_VOID;
    if (e->nargs == 3 && !mode_arg(c, e, e->args[2]))
        t = PT_VOID;
    e->lit = e->args[0]->lit;
    return numeric(t) ? t : PT_VOID;
}

/* to_integer(x, mode): a decimal, money or rate amount as a whole number */
static pol_type chk_fn_to_integer(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    if (e->nargs != 2) {
        REPORT(e->sp, DC_ARITY, "%s takes a number and a rounding mode: %s(x, half_up), %s(x, down) (toward zero) or %s(x, floor)",
            e->text, e->text, e->text, e->text);
        if (e->nargs > 0)
            chk_expr(c, e->args[0]); /* not the others: a mode there is no misplaced name */
        return PT_VOID;
    }
    pol_type t = chk_expr(c, e->args[0]);
    bool ok = mode_arg(c, e, e->args[1]);
    if (t == PT_VOID || !ok)
        return PT_VOID;
    if (t != PT_INT && t != PT_DEC && t != PT_MONEY && t != PT_RATE) {
        REPORT(e->args[0]->sp, DC_TYPE_MISMATCH, "%s turns a decimal, money or rate into an integer, not %s", e->text, tname(t));
        return PT_VOID;
    }
    return sig->ret;
}

/* The one argument of text() or length(); PT_VOID after reporting. */
static pol_type fn_one_arg(chk_ctx *c, ast_expr *e, const char *arity)
{
    if (e->nargs != 1) {
        REPORT(e->sp, DC_ARITY, "%s", arity);
        return PT_VOID;
    }
    return chk_expr(c, e->args[0]);
}

/* text(x) */
static pol_type chk_fn_text(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    pol_type t = fn_one_arg(c, e, FRAG("text takes one value"));
    if (t == PT_RECORD || t == PT_LIST || t == PT_ENUM) {
        REPORT(e->args[0]->sp, DC_TYPE_MISMATCH, "text turns a number, date, month or boolean into text, not %s", tname(t));
        return PT_VOID;
    }
    return t == PT_VOID ? PT_VOID : sig->ret;
}

/* length(list) */
static pol_type chk_fn_length(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    pol_type t = fn_one_arg(c, e, FRAG("length takes one list"));
    if (t != PT_VOID && t != sig->arg[0]) {
        REPORT(e->args[0]->sp, DC_TYPE_MISMATCH, "length needs a list, found %s", tname(t));
        return PT_VOID;
    }
    return t == PT_VOID ? PT_VOID : sig->ret;
}

/* applicable(R): R a rule or output (not a function), named */
static pol_type chk_fn_applicable(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    pol_type t = fn_one_arg(c, e, FRAG("applicable takes the name of one rule or output"));
    const ast_expr *a = e->nargs == 1 ? e->args[0] : NULL;
    if (a && t != PT_VOID && (a->kind != EX_NAME || a->sym != SYM_RULE)) {
        REPORT(a->sp, DC_TYPE_MISMATCH, "applicable takes the name of a rule or output (one that may be 'when' ... or 'inapplicable'), not %s",
               a->kind == EX_NAME && a->sym == SYM_INPUT ? FRAG("an input") : a->kind == EX_NAME && a->sym == SYM_PARAM ? FRAG("a parameter") : FRAG("a formula"));
        return PT_VOID;
    }
    return t == PT_VOID && !(a && a->kind == EX_NAME && a->sym == SYM_RULE) ? PT_VOID : sig->ret;
}

/* Checks the arguments of a calendar function; their types in at[0..2]. */
static bool check_args3(chk_ctx *c, ast_expr *e, pol_type at[3])
{
    bool bad = false;
    for (int i = 0; i < e->nargs && i < 3; i++)
        if ((at[i] = chk_expr(c, e->args[i])) == PT_VOID)
            bad = true;
    check_args(c, e, 3);
    return bad;
}

/* year_of(x), month_number(x), add_months(x, n): x a date or a month */
static pol_type chk_fn_calendar(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    pol_type at[3] = {PT_VOID, PT_VOID, PT_VOID};
    bool bad = check_args3(c, e, at);
    int want = sig->nargs;
    if (e->nargs != want) {
        REPORT(e->sp, DC_ARITY, "%s takes %s", e->text,
            want == 2 ? FRAG("a date or month, a number of months and optionally a month-end rule: add_months(d, 12, up)") : FRAG("a date or a month"));
        return PT_VOID;
    }
    if (bad)
        return PT_VOID;
    if (at[0] != PT_DATE && at[0] != PT_MONTH) {
        REPORT(e->args[0]->sp, DC_TYPE_MISMATCH, "%s needs a date or a month, found %s", e->text, tname(at[0]));
        return PT_VOID;
    }
    if (want == 2 && at[1] != PT_INT && at[1] != PT_MONTHS) {
        REPORT(e->args[1]->sp, DC_TYPE_MISMATCH, "the number of months must be an integer, found %s", tname(at[1]));
        return PT_VOID;
    }
    return sig->ret == PT_VOID ? at[0] : sig->ret;
}

/* add_months(x, n[, rule]): rule says what a day the month lacks becomes
 * (POL_MONTH_ENDS); without it, the rule of the file's header. */
static pol_type chk_fn_add_months(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    e->mode = e->month_end;
    if (e->nargs > 3) { /* not the extra arguments: a rule there is no misplaced name */
        chk_expr(c, e->args[0]);
        chk_expr(c, e->args[1]);
        e->nargs = 1;
        chk_fn_calendar(c, e, sig); /* reports the arity */
        return PT_VOID;
    }
    if (e->nargs != 3)
        return chk_fn_calendar(c, e, sig);
    ast_expr *m = e->args[2];
    e->nargs = 2; /* the first two as add_months(x, n) */
    pol_type t = chk_fn_calendar(c, e, sig);
    e->nargs = 3;
    int r = m->kind == EX_NAME ? chk_vocab_find(&chk_month_ends, m->text) : -1;
    if (r < 0) {
        chk_vocab_unknown(c, m, &chk_month_ends, DC_MONTH_END, FRAG("month-end rule"), FRAG("rules"));
        return PT_VOID;
    }
    e->mode = r;
    return t;
}

/* a fixed signature: sig->nargs arguments of the types sig->arg */
static pol_type chk_fn_fixed(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    pol_type at[3] = {PT_VOID, PT_VOID, PT_VOID};
    bool bad = check_args3(c, e, at);
    if (e->nargs != sig->nargs) {
        REPORT(e->sp, DC_ARITY, "%s takes %d argument%s, found %d", e->text, sig->nargs, sig->nargs == 1 ? "" : "s", e->nargs);
        return PT_VOID;
    }
    if (bad)
        return PT_VOID;
    for (int i = 0; i < e->nargs; i++)
        if (at[i] != sig->arg[i]) {
            REPORT(e->args[i]->sp, DC_TYPE_MISMATCH, "argument %d of %s should be %s, found %s", i + 1, e->text, tname(sig->arg[i]),
                tname(at[i]));
            return PT_VOID;
        }
    return sig->ret;
}

/* The join of the values so far (type t, lit) with arg, as chk_join; apart,
 * so that its scratch node is not part of every level's frame. */
static CHK_NOINLINE pol_type join_with(pol_type t, bool lit, ast_expr *arg, bool *lit_out)
{
    ast_expr tmp = {0};
    tmp.type = (uint8_t)t;
    tmp.lit = lit;
    return chk_join(&tmp, arg, lit_out);
}

/* The common type of v[0..n): numbers of one unit, dates or months ("what"
 * names the operation in messages); *lit: all are untyped literals. */
pol_type chk_join_values(chk_ctx *c, ast_expr **v, int n, const char *what, bool *lit_out)
{
    pol_type t = chk_expr(c, v[0]);
    bool lit = v[0]->lit;
    for (int i = 1; i < n; i++) {
        pol_type u = chk_expr(c, v[i]);
        if (t == PT_VOID || u == PT_VOID) {
            t = PT_VOID;
            continue;
        }
        if ((t == PT_DATE || t == PT_MONTH) && t == u)
            continue;
        if (!numeric(t) || !numeric(u)) {
            REPORT(v[i]->sp, DC_TYPE_MISMATCH, "%s compares numbers, dates or months of one kind; found %s and %s", what, tname(t),
                tname(u));
            t = PT_VOID;
            continue;
        }
        bool l2;
        pol_type j = join_with(t, lit, v[i], &l2);
        if (j == PT_VOID) {
            REPORT(v[i]->sp, DC_UNIT_MISMATCH, "%s of %s and %s: the values must have the same unit", what, tname(t), tname(u));
            t = PT_VOID;
            continue;
        }
        t = j;
        lit = l2;
    }
    *lit_out = lit;
    return t;
}

/* min(a, b, ...), max(a, b, ...) */
static pol_type chk_fn_extremum(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    (void)sig;
    if (e->nargs < 2) {
        REPORT(e->sp, DC_ARITY, "%s needs at least two values", e->text);
        check_args(c, e, 0);
        return PT_VOID;
    }
    return chk_join_values(c, e->args, e->nargs, e->text, &e->lit);
}

/* clamp(x, lo, hi): x limited to lo..hi, all of one unit (lo > hi: a run-time error) */
static pol_type chk_fn_clamp(chk_ctx *c, ast_expr *e, const fn_sig *sig)
{
    if (e->nargs != sig->nargs) {
        REPORT(e->sp, DC_ARITY, "%s takes a value, a lower and an upper bound: %s(x, lo, hi)", e->text, e->text);
        check_args(c, e, 0);
        return PT_VOID;
    }
    return chk_join_values(c, e->args, e->nargs, e->text, &e->lit);
}

static const struct {
    fn_sig sig;
    fn_hook check;
} fn_rows[FN__COUNT] = {
#define FN_ROW(id, en, zh, n, a0, a1, a2, ret, chk, cg, op) [FN_##id] = {{n, {PT_##a0, PT_##a1, PT_##a2}, PT_##ret}, chk},
    POL_BUILTINS(FN_ROW)
#undef FN_ROW
};

/* A name that is neither a function nor a builtin. */
static CHK_NOINLINE void unknown_call(chk_ctx *c, const ast_expr *e)
{
    ast_decl *d = chk_lookup(c, e->text);
    const char *s = chk_vocab_suggest(&chk_builtins, e->text);
    if (d)
        REPORT(e->name_sp, DC_NOT_A_FUNCTION, "'%s' is %s, not a function", e->text,
            d->kind == D_INPUT ? FRAG("an input") : d->kind == D_PARAM ? FRAG("a parameter") : d->kind == D_ENUM ? FRAG("an enumeration") : FRAG("a rule"));
    else if (s)
        REPORT(e->name_sp, DC_UNKNOWN_FUNCTION, "unknown function '%s'; did you mean '%s'?", e->text, s);
    else {
        char fns[400], aggs[200];
        REPORT(e->name_sp, DC_UNKNOWN_FUNCTION, "unknown function '%s' (functions: %s; aggregates: %s)", e->text,
            chk_vocab_listing(&chk_builtins, fns, sizeof fns), chk_vocab_listing(&chk_aggregates, aggs, sizeof aggs));
    }
}

static pol_type check_unknown_call(chk_ctx *c, ast_expr *e)
{
    unknown_call(c, e);
    check_args(c, e, 0);
    return PT_VOID;
}

pol_type chk_call(chk_ctx *c, ast_expr *e)
{
    ast_decl *d = chk_lookup(c, e->text);
    if (d && d->kind == D_RULE && d->nparams > 0)
        return check_function_call(c, e, d);
    if (d && d->kind == D_RECORD)
        return check_record_ctor(c, e, d);
    if (e->named) {
        REPORT(e->name_sp, DC_NOT_A_RECORD, "'%s' is not a record type; only records are built with named fields", e->text);
        check_args(c, e, 0);
        return PT_VOID;
    }
    int fn = chk_vocab_find(&chk_builtins, e->text);
    if (fn < 0)
        return check_unknown_call(c, e);
    e->fn = fn;
    return fn_rows[fn].check(c, e, &fn_rows[fn].sig);
}


/* ---- aggregates: the result rule of each (vocab.h) ---- */
typedef pol_type (*agg_hook)(chk_ctx *c, ast_expr *e, pol_type body, pol_type ret);

/* list(v in ...: record) */
static pol_type chk_agg_list(chk_ctx *c, ast_expr *e, pol_type bt, pol_type ret)
{
    if (bt != PT_RECORD && !pol_list_elem_ok(bt)) {
        REPORT(e->c->sp, DC_TYPE_MISMATCH,
               "list builds a list of records (T(field = ...)), or of numbers, amounts, dates, months, booleans or text; found %s", tname(bt));
        return PT_VOID;
    }
    if (bt != PT_RECORD) { /* e->tref: the list's, set by chk_agg from the body's */
        e->lit = e->c->lit;
        e->tref = POL_LIST_VALUES | (uint32_t)bt;
    }
    return ret;
}

/* first(v in ...: value) */
static pol_type chk_agg_first(chk_ctx *c, ast_expr *e, pol_type bt, pol_type ret)
{
    (void)c;
    (void)ret;
    e->lit = e->c->lit;
    return bt;
}

/* count, any, all: over a condition */
static pol_type chk_agg_cond(chk_ctx *c, ast_expr *e, pol_type bt, pol_type ret)
{
    if (bt != PT_BOOL) {
        REPORT(e->c->sp, DC_TYPE_MISMATCH, "%s needs a condition (a boolean), found %s", e->text, tname(bt));
        return PT_VOID;
    }
    return ret;
}

/* sum: over numbers */
static pol_type chk_agg_sum(chk_ctx *c, ast_expr *e, pol_type bt, pol_type ret)
{
    (void)ret;
    if (!numeric(bt)) {
        REPORT(e->c->sp, DC_TYPE_MISMATCH, "%s adds numbers, found %s", e->text, tname(bt));
        return PT_VOID;
    }
    e->lit = false;
    return bt;
}

/* min, max: over numbers, dates or months */
static pol_type chk_agg_extremum(chk_ctx *c, ast_expr *e, pol_type bt, pol_type ret)
{
    (void)ret;
    if (!numeric(bt) && bt != PT_DATE && bt != PT_MONTH) {
        REPORT(e->c->sp, DC_TYPE_MISMATCH, "%s compares numbers, dates or months, found %s", e->text, tname(bt));
        return PT_VOID;
    }
    e->lit = false;
    return bt;
}

static const struct {
    pol_type ret;
    agg_hook check;
    bool fails_empty; /* no element is an error, unless `otherwise` says what it means */
} agg_rows[AGG__COUNT] = {
#define AGG_ROW(id, en, zh, ret, chk, init, step, op, empty) [AGG_##id] = {PT_##ret, chk, (empty) != NULL},
    POL_AGGREGATES(AGG_ROW)
#undef AGG_ROW
};

/* f(v in ...) where f is not an aggregate. */
static CHK_NOINLINE void not_aggregate(chk_ctx *c, const ast_expr *e)
{
    char aggs[200];
    REPORT(e->name_sp, DC_UNKNOWN_FUNCTION, "'%s' does not range over values (aggregates: %s)", e->text,
        chk_vocab_listing(&chk_aggregates, aggs, sizeof aggs));
}

static pol_type chk_agg_body(chk_ctx *c, ast_expr *e);

/* `otherwise X` after the body of an aggregate with result type r: X is
 * what no element (none passing `where`) means, of the body's type, or
 * `inapplicable` / `unstated "..."`.  Only first, min and max may have one:
 * the others have a value over no elements. */
static CHK_NOINLINE pol_type agg_otherwise(chk_ctx *c, ast_expr *e, ast_expr *ow, pol_type r)
{
    if (!agg_rows[e->fn].fails_empty) {
        REPORT(ow->sp, DC_TYPE_MISMATCH, "%s has a value over no elements; 'otherwise' is for first, min and max", e->text);
        return PT_VOID;
    }
    if (r == PT_VOID || chk_bottom(ow))
        return r;
    if (ow->type == PT_VOID)
        return PT_VOID;
    e->type = (uint8_t)r;
    bool lit;
    pol_type t = chk_join(e, ow, &lit);
    if (t == PT_VOID) {
        REPORT(ow->sp, DC_TYPE_MISMATCH, "the value after 'otherwise' should be %s like the body of %s, found %s", tname(r), e->text,
               tname((pol_type)ow->type));
        return PT_VOID;
    }
    e->lit = lit;
    if (e->tref == UINT32_MAX)
        e->tref = ow->tref;
    return t;
}

/* f(v in a..b: body [otherwise x]) */
pol_type chk_agg(chk_ctx *c, ast_expr *e)
{
    pol_type r = chk_agg_body(c, e);
    ast_expr *ow = e->nargs ? e->args[0] : NULL;
    if (!ow)
        return r;
    chk_expr(c, ow); /* outside the aggregate: its variable is not visible */
    return e->fn >= 0 ? agg_otherwise(c, e, ow, r) : PT_VOID;
}

static pol_type chk_agg_body(chk_ctx *c, ast_expr *e)
{
    int fn = chk_vocab_find(&chk_aggregates, e->text);
    e->fn = -1;
    ast_decl *en = !e->b ? chk_agg_enum(c, e->a) : NULL; /* over an enumeration's members */
    pol_type lo = en ? PT_ENUM : chk_expr(c, e->a), hi = e->b ? chk_expr(c, e->b) : lo;
    if (fn < 0) {
        not_aggregate(c, e);
        return PT_VOID;
    }
    e->fn = fn;
    if (lo == PT_VOID || hi == PT_VOID)
        return PT_VOID;
    uint32_t var_tref = 0;
    pol_type var_type = lo;
    if (en) {
        en->uses++;
        e->over_members = true;
        e->index = en->index;
        var_type = PT_ENUM;
        var_tref = en->index;
        uint32_t n = 0;
        for (ast_member *m = en->members; m; m = m->next)
            n++;
        e->ival = (int32_t)n;
        if ((uint64_t)c->unroll * (n ? n : 1) > CHK_MAX_UNROLL) {
            REPORT(e->sp, DC_LIMIT, "aggregates over members nested here run their body %llu times; at most %d",
                   (unsigned long long)c->unroll * n, CHK_MAX_UNROLL);
            return PT_VOID;
        }
    } else if (!e->b) {
        if (lo != PT_LIST) {
            REPORT(e->a->sp, DC_TYPE_MISMATCH, "'%s in ...' ranges over a list or a range a..b; found %s", e->var, tname(lo));
            return PT_VOID;
        }
        if (e->a->tref == UINT32_MAX) {
            REPORT(e->a->sp, DC_TYPE_MISMATCH, "'%s in []' ranges over nothing; name a list", e->var);
            return PT_VOID;
        }
        var_type = pol_list_values(e->a->tref) ? pol_list_elem(e->a->tref) : PT_RECORD;
        var_tref = pol_list_values(e->a->tref) ? 0 : e->a->tref;
    } else if (lo != hi || (lo != PT_MONTH && lo != PT_DATE && lo != PT_INT)) {
        REPORT(e->a->sp, DC_TYPE_MISMATCH, "a range runs between two months, two dates or two integers; found %s..%s", tname(lo), tname(hi));
        return PT_VOID;
    }
    if (c->nscope - c->scope_params >= CHK_MAX_AGG_DEPTH) {
        REPORT(e->sp, DC_LIMIT, "aggregates nested more than %d deep", CHK_MAX_AGG_DEPTH);
        return PT_VOID;
    }
    if (!c->cur || (c->cur->kind != D_RULE && c->cur->kind != D_OUTPUT && c->cur->kind != D_EXCEPTION && c->cur->kind != D_REQUIRE)) {
        REPORT(e->sp, DC_NOT_CONSTANT, "aggregates belong in rules");
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
    uint32_t unroll = c->unroll;
    if (en)
        c->unroll *= (uint32_t)(e->ival ? e->ival : 1);
    pol_type ft = e->filter ? chk_expr(c, e->filter) : PT_BOOL;
    pol_type bt = chk_expr(c, e->c);
    c->unroll = unroll;
    c->nscope--;
    if (ft != PT_VOID && ft != PT_BOOL)
        REPORT(e->filter->sp, DC_TYPE_MISMATCH, "the condition after 'where' must be a boolean, found %s", tname(ft));
    if (bt == PT_VOID || ft != PT_BOOL)
        return PT_VOID;
    e->tref = e->c->tref;
    return agg_rows[fn].check(c, e, bt, agg_rows[fn].ret);
}

