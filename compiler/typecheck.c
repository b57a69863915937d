/* typecheck.c -- the checker's driver (typecheck.h): chk_policy runs the
 * passes below in order over one chk_ctx.  Each pass lives in the file of
 * its concern (check_int.h lists them); every pass reports every problem it
 * finds, so one run shows them all. */
#include "check_int.h"

#include <string.h>

typedef void (*chk_pass)(chk_ctx *c);

static const chk_pass chk_passes[] = {
    chk_header,          /* the policy header's keys and values              */
    chk_overrides,       /* override param replaces the imported one         */
    chk_declare,         /* pass 1: the symbol table, indices by kind        */
    chk_declared_types,  /* declared types, now that every type is known      */
    chk_override_types,  /* an override keeps the imported type              */
    chk_join_exceptions, /* exceptions join the rule they override           */
    chk_no_output,
    chk_bodies,          /* pass 2: formulas, constants, versions            */
    chk_tests,
    chk_cycles,          /* the rule graph                                   */
    chk_unused,
    chk_citations,       /* cites against the notice's clauses (check_notice.c) */
};

bool chk_policy(arena *a, diag_ctx *d, const src_file *f, ast_policy *p, chk_result *out)
{
    chk_ctx c = {0};
    c.a = a;
    c.d = d;
    c.f = f;
    c.p = p;
    int errors_before = d->errors;
    memset(out, 0, sizeof *out);
    c.out = out;
    c.unroll = 1;
    for (size_t i = 0; i < sizeof chk_passes / sizeof *chk_passes; i++)
        chk_passes[i](&c);
    return d->errors == errors_before;
}
