/* check_test.c -- tests: what each gives (inputs) and expects (rules and
 * outputs, or an error), resolved to their declarations for codegen.  Shares
 * check_int.h with the other checker files. */
#include "check_int.h"

#include <string.h>

/* constants of what a name says (check_expr.c) */

/* What an item names, as written: 逐月, or 逐月[0].已缴. */
static void target_text(chk_ctx *c, const ast_item *it, char *buf, size_t cap)
{
    if (it->path && SPAN_FILE(it->path->sp.start) == c->f->id) {
        uint32_t lo = SPAN_OFF(it->path->sp.start), hi = SPAN_OFF(it->path->sp.end);
        if (lo <= hi && hi <= c->f->len) {
            snprintf(buf, cap, "%.*s", (int)(hi - lo), c->f->text + lo);
            return;
        }
    }
    snprintf(buf, cap, "%s", it->name);
}

/* Whether two expectations' paths name the same part (both NULL: the whole). */
static bool same_path(const ast_expr *a, const ast_expr *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return false;
    if (a->kind == EX_NAME)
        return true; /* the roots: the names were compared */
    if (a->kind == EX_INDEX ? strcmp(a->b->text, b->b->text) != 0 : strcmp(a->text, b->text) != 0)
        return false;
    return same_path(a->a, b->a);
}

/* expect NAME[i].field = ...: positions are whole numbers written out; the
 * path is checked as a formula, and its type is what the value must be. */
static bool expect_path(chk_ctx *c, ast_item *it)
{
    for (ast_expr *e = it->path; e->kind != EX_NAME; e = e->a)
        if (e->kind == EX_INDEX && e->b->kind != EX_NUM) {
            REPORT(e->b->sp, DC_TEST_EXPECT, "a position in an expectation is a whole number written out, like %s[0]", it->name);
            return false;
        }
    ast_decl *cur = c->cur;
    c->cur = NULL;
    c->nscope = 0;
    pol_type t = chk_expr(c, it->path);
    c->cur = cur;
    if (t == PT_VOID)
        return false;
    it->type = (uint8_t)t;
    it->tref = it->path->tref;
    return true;
}

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
            if (o->expect == it->expect && o->stated == it->stated && strcmp(o->name, it->name) == 0 && same_path(o->path, it->path)) {
                REPORT(it->name_sp, DC_DUPLICATE, "'%s' %s twice in this test", it->name,
                    !it->expect ? FRAG("appears") : it->stated ? FRAG("is stated") : FRAG("is expected"));
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
        if (it->expect && d->kind != D_RULE && d->kind != D_OUTPUT) {
            REPORT(it->name_sp, DC_TEST_EXPECT, "'%s' is %s; only rules and outputs can be expected", it->name, chk_a_kind(d->kind));
            continue;
        }
        it->decl = d;
        it->type = d->type;
        it->tref = d->tref;
        if (it->expect)
            d->uses++; /* a rule only tests read is used: they check it */
        if (it->value->kind == EX_NA || it->value->kind == EX_UNSTATED) {
            if (!it->expect)
                REPORT(it->value->sp, DC_TEST_GIVEN, "an input is given a value or left out of the test; '%s' is for expectations",
                       it->value->kind == EX_NA ? "inapplicable" : "unstated");
            else if (it->stated)
                REPORT(it->value->sp, DC_TEST_EXPECT, "'stated' records a figure of the notice; write 'expect %s = %s'", it->name,
                       it->value->kind == EX_NA ? "inapplicable" : "unstated");
            continue;
        }
        if (it->path && !expect_path(c, it))
            continue;
        char target[200];
        target_text(c, it, target, sizeof target);
        if (it->expect && it->type == PT_RECORD) {
            REPORT(it->sp, DC_TEST_EXPECT, "'%s' is a record; expect its fields one by one ('expect %s.FIELD = ...')", target, target);
            continue;
        }
        c->want_tref = it->tref;
        chk_constant_named(c, it->value, (pol_type)it->type, target, NULL);
    }
}


void chk_tests(chk_ctx *c)
{
    for (uint32_t i = 0; i < c->out->ntests; i++)
        if (!c->out->tests[i]->damaged)
            chk_test(c, c->out->tests[i]);
}
