/* check_graph.c -- the rule graph: rules and functions referring to each
 * other in a cycle are an error, each cycle reported once with its path.
 * Shares check_int.h with the other checker files. */
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


void chk_cycles(chk_ctx *c)
{
    if (c->out->nrules)
        graph_cycles(c, c->out->rules, c->out->nrules);
}
