/* check_graph.c -- the rule graph: rules and functions referring to each
 * other in a cycle are an error, each cycle reported once with its path.
 * One exception: a function may call itself at an earlier argument under a
 * test that stops the descent (a month's state from the month before),
 * which chk_recursion proves well-founded.  Shares check_int.h with the
 * other checker files. */
#include "check_int.h"

#include <stdio.h>

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

/* The references of exceptions and of their exceptions (at most
 * CHK_MAX_EXC_DEPTH deep, check_decl.c). */
static void exception_refs(const ast_decl *list, ast_decl **rules, ast_decl **out, size_t *n)
{
    for (const ast_decl *x = list; x; x = x->next_exception) {
        collect_rule_refs(x->cond, rules, out, n);
        collect_rule_refs(x->value, rules, out, n);
        exception_refs(x->exceptions, rules, out, n);
    }
}

static void rule_refs(chk_ctx *c, const ast_decl *d, ast_decl **rules, ast_decl ***refs, size_t *n)
{
    *n = 0;
    collect_rule_refs(d->value, rules, NULL, n);
    collect_rule_refs(d->when, rules, NULL, n);
    exception_refs(d->exceptions, rules, NULL, n);
    *refs = arena_alloc(c->a, sizeof **refs * (*n + 1));
    size_t k = 0;
    collect_rule_refs(d->value, rules, *refs, &k);
    collect_rule_refs(d->when, rules, *refs, &k);
    exception_refs(d->exceptions, rules, *refs, &k);
}

/* Depth-first search for cycles among rules, with an explicit stack (a chain
 * of thousands of rules must not exhaust the C stack); reports each cycle
 * once, naming its path. */
static void graph_cycles(chk_ctx *c, ast_decl **rules, uint32_t nrules)
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
            if (next == f->d && next->nparams)
                continue; /* a function calling itself: chk_recursion's business */
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
                REPORT(next->name_sp, DC_CYCLE, "rules depend on each other in a cycle: %s", msg);
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


/* ---- well-founded self-recursion ----
 * A function f(p1..pn) may call itself when, at the call, some parameter pk
 * is passed as `pk - C` (C a positive whole-number literal) and the call is
 * reached only where a test has bounded pk from below by a value that does
 * not depend on f's parameters (`if pk <= START then ... else f(pk - 1)`,
 * `pk > START and ...`, `pk in START..END`).  pk then falls by C at each
 * level and the test stops it, so the descent is finite; the VM memoises
 * each argument's result, so a timeline of N months costs N evaluations. */

/* e is parameter k of a function with n parameters */
static bool param_name(const ast_expr *e, int n, int *k)
{
    if (e && e->kind == EX_NAME && e->sym == SYM_LOCAL && e->slot < (uint32_t)n) {
        *k = (int)e->slot;
        return true;
    }
    return false;
}

static bool mentions_params(const ast_expr *e, int n)
{
    int k;
    if (!e)
        return false;
    if (param_name(e, n, &k))
        return true;
    if (mentions_params(e->a, n) || mentions_params(e->b, n) || mentions_params(e->c, n) || mentions_params(e->filter, n))
        return true;
    for (int i = 0; i < e->nargs; i++)
        if (mentions_params(e->args[i], n))
            return true;
    return false;
}

/* The parameters (one bit each) that `cond` bounds from below when it is
 * `truth`: pk > E, pk >= E, E < pk, E <= pk, pk in E..F, their negations,
 * and `and`/`or` of them (E and F free of parameters). */
static uint64_t bounded_by(const ast_expr *cond, bool truth, int n)
{
    int k;
    if (!cond)
        return 0;
    if (cond->kind == EX_UNARY && cond->op == UO_NOT)
        return bounded_by(cond->a, !truth, n);
    if (cond->kind == EX_IN && truth && cond->c && param_name(cond->a, n, &k) && !mentions_params(cond->b, n))
        return 1ull << k;
    if (cond->kind != EX_BINARY)
        return 0;
    if (cond->op == BO_AND)
        return truth ? bounded_by(cond->a, true, n) | bounded_by(cond->b, true, n) : 0;
    if (cond->op == BO_OR)
        return truth ? 0 : bounded_by(cond->a, false, n) | bounded_by(cond->b, false, n);
    int op = cond->op;
    if (param_name(cond->a, n, &k) && !mentions_params(cond->b, n))
        ;
    else if (param_name(cond->b, n, &k) && !mentions_params(cond->a, n))
        op = op == BO_LT ? BO_GT : op == BO_GT ? BO_LT : op == BO_LE ? BO_GE : op == BO_GE ? BO_LE : op;
    else
        return 0;
    if (truth ? op == BO_GT || op == BO_GE : op == BO_LT || op == BO_LE)
        return 1ull << k;
    return 0;
}

/* argument a is `pk - C`, C a positive whole-number literal */
static bool steps_down(const ast_expr *a, int n, int *k)
{
    if (!a || a->kind != EX_BINARY || a->op != BO_SUB || !param_name(a->a, n, k) || a->b->kind != EX_NUM)
        return false;
    const char *t = a->b->text;
    bool nonzero = false;
    for (; *t; t++) {
        if (*t < '0' || *t > '9')
            return false;
        nonzero |= *t != '0';
    }
    return nonzero;
}

static CHK_NOINLINE void bad_recursion(chk_ctx *c, const ast_expr *call, const ast_decl *f, int k)
{
    const char *p = f->params ? f->params->name : "m";
    if (k >= 0) {
        const ast_decl *q = f->params;
        for (int i = 0; i < k && q->next; i++)
            q = q->next;
        REPORT(call->sp, DC_RECURSION,
               "'%s' calls itself at an earlier '%s', but no test stops the descent: put the call where a test "
               "bounds '%s' from below, as in: if %s <= START then ... else %s(%s - 1)",
               f->name, q->name, q->name, q->name, f->name, q->name);
    } else
        REPORT(call->sp, DC_RECURSION,
               "'%s' calls itself without stepping an argument down by a constant: a function may call itself only "
               "at an earlier argument, as in %s(%s - 1), under a test that stops it",
               f->name, f->name, p);
}

/* Every call of f to itself in e, where `facts` are the parameters bounded
 * from below on the way to e. */
static void recursion_walk(chk_ctx *c, const ast_decl *f, const ast_expr *e, uint64_t facts)
{
    int n = f->nparams;
    if (!e)
        return;
    if (e->kind == EX_IF) {
        recursion_walk(c, f, e->a, facts);
        recursion_walk(c, f, e->b, facts | bounded_by(e->a, true, n));
        recursion_walk(c, f, e->c, facts | bounded_by(e->a, false, n));
        return;
    }
    if (e->kind == EX_BINARY && (e->op == BO_AND || e->op == BO_OR)) { /* short-circuit: b runs only after a */
        recursion_walk(c, f, e->a, facts);
        recursion_walk(c, f, e->b, facts | bounded_by(e->a, e->op == BO_AND, n));
        return;
    }
    if (e->kind == EX_CALL && e->sym == SYM_FUNCTION && e->index == f->index) {
        int k = -1, unbounded = -1;
        bool ok = false;
        for (int i = 0; i < e->nargs && !ok; i++)
            if (steps_down(e->args[i], n, &k) && k == i) {
                if (facts >> k & 1)
                    ok = true;
                else
                    unbounded = k;
            }
        if (!ok)
            bad_recursion(c, e, f, unbounded);
    }
    recursion_walk(c, f, e->a, facts);
    recursion_walk(c, f, e->b, facts);
    recursion_walk(c, f, e->c, facts);
    recursion_walk(c, f, e->filter, facts);
    for (int i = 0; i < e->nargs; i++)
        recursion_walk(c, f, e->args[i], facts);
}

static void recursion_exceptions(chk_ctx *c, const ast_decl *f, const ast_decl *list)
{
    for (const ast_decl *x = list; x; x = x->next_exception) {
        recursion_walk(c, f, x->cond, 0);
        recursion_walk(c, f, x->value, bounded_by(x->cond, true, f->nparams));
        recursion_exceptions(c, f, x->exceptions);
    }
}

void chk_cycles(chk_ctx *c)
{
    if (c->out->nrules)
        graph_cycles(c, c->out->rules, c->out->nrules);
    for (uint32_t i = 0; i < c->out->nrules; i++) {
        const ast_decl *f = c->out->rules[i];
        if (!f->nparams || f->nparams > 64)
            continue;
        recursion_walk(c, f, f->when, 0);
        recursion_walk(c, f, f->value, bounded_by(f->when, true, f->nparams));
        recursion_exceptions(c, f, f->exceptions);
    }
}
