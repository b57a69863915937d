/* check_test.c -- tests: what each gives (inputs) and expects (rules and
 * outputs, or an error), resolved to their declarations for codegen.  Shares
 * check_int.h with the other checker files. */
#include "check_int.h"

#include <string.h>

static void chk_test(chk_ctx *c, ast_decl *t)
{
    bool any_expect = t->expect_error;
    for (ast_item *it = t->items; it; it = it->next)
        any_expect |= it->expect;
    if (!any_expect)
        REPORT(t->name_sp, DC_EMPTY_TEST, "test '%s' expects nothing: add 'expect NAME = VALUE' or 'expect error'", t->name);
    for (ast_item *it = t->items; it; it = it->next)
        if (it->expect && t->expect_error) {
            REPORT(it->sp, DC_TEST_EXPECT, "a test that expects an error cannot also expect values");
            break;
        }
    for (ast_item *it = t->items; it; it = it->next) {
        ast_decl *d = chk_lookup(c, it->name);
        for (ast_item *o = t->items; o != it; o = o->next)
            if (o->expect == it->expect && o->stated == it->stated && strcmp(o->name, it->name) == 0) {
                REPORT(it->name_sp, DC_DUPLICATE, "'%s' %s twice in this test", it->name,
                    !it->expect ? "appears" : it->stated ? "is stated" : "is expected");
                break;
            }
        if (!d) {
            chk_undefined(c, it->name_sp, it->name);
            continue;
        }
        if (it->expect && d->kind == D_REQUIRE) {
            REPORT(it->name_sp, DC_TEST_EXPECT, "'%s' is a requirement; to test that it rejects a scenario write 'expect error \"%s\"'", it->name, it->name);
            continue;
        }
        if (!it->expect && d->kind != D_INPUT) {
            REPORT(it->name_sp, DC_TEST_GIVEN, "'%s' is %s; a test gives inputs and expects rules or outputs (write 'expect %s = ...')",
                it->name, chk_a_kind(d->kind), it->name);
            continue;
        }
        if (it->expect && (d->type == PT_LIST || d->type == PT_RECORD)) {
            REPORT(it->name_sp, DC_TEST_EXPECT, "'%s' is a %s; a test expects values it can compare: its length, a field, or an aggregate (write a rule)",
                it->name, tname((pol_type)d->type));
            continue;
        }
        if (it->expect && d->kind != D_RULE && d->kind != D_OUTPUT) {
            REPORT(it->name_sp, DC_TEST_EXPECT, "'%s' is %s; only rules and outputs can be expected", it->name, chk_a_kind(d->kind));
            continue;
        }
        it->decl = d;
        if (it->expect)
            d->uses++; /* a rule only tests read is used: they check it */
        char what[256];
        snprintf(what, sizeof what, "the value of '%s'", it->name);
        c->want_tref = d->tref;
        chk_constant(c, it->value, (pol_type)d->type, what);
    }
}


void chk_tests(chk_ctx *c)
{
    for (uint32_t i = 0; i < c->out->ntests; i++)
        if (!c->out->tests[i]->damaged)
            chk_test(c, c->out->tests[i]);
}
