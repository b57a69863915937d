/* test_units.c -- unit tests (check) for the checker's unit algebra
 * (compiler/check_units.c): which types arithmetic gives, which values may
 * stand where a type is expected, and how branch types join. */
#include <check.h>
#include <string.h>

#include "check_int.h"

typedef struct units_fixture {
    diag_ctx d;
    ast_policy p;
    chk_ctx c;
} units_fixture;

static units_fixture fx;

static void units_setup(void)
{
    memset(&fx, 0, sizeof fx);
    diag_init(&fx.d);
    fx.c.d = &fx.d;
    fx.c.p = &fx.p;
}

static void units_teardown(void) { diag_free(&fx.d); }

static ast_expr typed(pol_type t, bool lit)
{
    ast_expr e;
    memset(&e, 0, sizeof e);
    e.type = (uint8_t)t;
    e.lit = lit;
    return e;
}

/* The type of x op y (xl, yl: untyped literals); errors go to fx.d. */
static pol_type arith_lit(int op, pol_type x, bool xl, pol_type y, bool yl)
{
    ast_expr a = typed(x, xl), b = typed(y, yl);
    return chk_arith_type(&fx.c, op, &a, &b, (span){0, 0});
}

static pol_type arith(int op, pol_type x, pol_type y) { return arith_lit(op, x, false, y, false); }

START_TEST(money_rules)
{
    ck_assert_int_eq(arith(BO_ADD, PT_MONEY, PT_MONEY), PT_MONEY);
    ck_assert_int_eq(arith(BO_SUB, PT_MONEY, PT_MONEY), PT_MONEY);
    ck_assert_int_eq(arith(BO_MUL, PT_MONEY, PT_RATE), PT_MONEY);
    ck_assert_int_eq(arith(BO_MUL, PT_INT, PT_MONEY), PT_MONEY);
    ck_assert_int_eq(arith(BO_DIV, PT_MONEY, PT_INT), PT_MONEY);
    ck_assert_int_eq(arith(BO_DIV, PT_MONEY, PT_MONEY), PT_DEC);
    ck_assert_int_eq(fx.d.errors, 0);
    ck_assert_int_eq(arith_lit(BO_ADD, PT_MONEY, false, PT_INT, true), PT_MONEY); /* 月缴费基数 + 12 */
    ck_assert_int_eq(fx.d.errors, 0);
}
END_TEST

START_TEST(money_errors)
{
    ck_assert_int_eq(arith(BO_ADD, PT_MONEY, PT_RATE), PT_VOID);
    ck_assert_int_eq(fx.d.errors, 1);
    ck_assert_int_eq(fx.d.items[0].code, DC_UNIT_MISMATCH);
    ck_assert_str_eq(fx.d.items[0].msg, "cannot add money and rate: both sides of + must be money");
    ck_assert_int_eq(arith(BO_MUL, PT_MONEY, PT_MONEY), PT_VOID);
    ck_assert_str_eq(fx.d.items[1].msg, "cannot multiply money by money (the result would be yuan squared)");
    ck_assert_int_eq(arith(BO_DIV, PT_INT, PT_MONEY), PT_VOID);
    ck_assert_str_eq(fx.d.items[2].msg, "cannot divide integer by money");
    ck_assert_int_eq(fx.d.errors, 3);
}
END_TEST

START_TEST(number_rules)
{
    ck_assert_int_eq(arith(BO_ADD, PT_INT, PT_INT), PT_INT);
    ck_assert_int_eq(arith(BO_DIV, PT_INT, PT_INT), PT_DEC);
    ck_assert_int_eq(arith(BO_MUL, PT_RATE, PT_INT), PT_RATE);
    ck_assert_int_eq(arith(BO_DIV, PT_RATE, PT_INT), PT_RATE);
    ck_assert_int_eq(arith(BO_MUL, PT_RATE, PT_DEC), PT_DEC);
    ck_assert_int_eq(arith(BO_ADD, PT_RATE, PT_RATE), PT_RATE);
    ck_assert_int_eq(arith_lit(BO_MUL, PT_DEC, true, PT_INT, false), PT_DEC); /* 1.5 * n */
    ck_assert_int_eq(arith_lit(BO_MUL, PT_INT, true, PT_RATE, false), PT_RATE);
    ck_assert_int_eq(fx.d.errors, 0);
}
END_TEST

START_TEST(duration_rules)
{
    ck_assert_int_eq(arith(BO_ADD, PT_MONTHS, PT_MONTHS), PT_MONTHS);
    ck_assert_int_eq(arith(BO_ADD, PT_DAYS, PT_INT), PT_DAYS);
    ck_assert_int_eq(arith(BO_MUL, PT_INT, PT_MONTHS), PT_MONTHS);
    ck_assert_int_eq(arith(BO_DIV, PT_DAYS, PT_DAYS), PT_DEC);
    ck_assert_int_eq(fx.d.errors, 0);
    ck_assert_int_eq(arith(BO_ADD, PT_MONTHS, PT_DAYS), PT_VOID);
    ck_assert_str_eq(fx.d.items[0].msg, "cannot add months and days: a month has no fixed number of days");
    ck_assert_int_eq(arith(BO_MUL, PT_MONTHS, PT_MONTHS), PT_VOID);
    ck_assert_str_eq(fx.d.items[1].msg, "cannot multiply months by months");
    ck_assert_int_eq(arith(BO_ADD, PT_MONTHS, PT_DEC), PT_VOID);
    ck_assert_int_eq(fx.d.errors, 3);
}
END_TEST

START_TEST(assignability)
{
    ck_assert(chk_assignable(PT_MONTHS, PT_INT, false));
    ck_assert(chk_assignable(PT_INT, PT_DAYS, false));
    ck_assert(!chk_assignable(PT_MONTHS, PT_DEC, true)); /* 1.5 is not a whole count */
    ck_assert(chk_assignable(PT_MONEY, PT_INT, true));   /* 4416 where money is expected */
    ck_assert(!chk_assignable(PT_MONEY, PT_INT, false));
    ck_assert(!chk_assignable(PT_INT, PT_DEC, true));
    ck_assert(chk_assignable(PT_DEC, PT_RATE, false));
    ck_assert(chk_assignable(PT_RATE, PT_DEC, false));
    ck_assert(!chk_assignable(PT_RATE, PT_MONEY, false));
    ck_assert(!chk_assignable(PT_DATE, PT_MONTH, false));
}
END_TEST

START_TEST(joins)
{
    bool lit;
    ast_expr m = typed(PT_MONTHS, false), d = typed(PT_DAYS, false), i = typed(PT_INT, false), x = typed(PT_DEC, false);
    ast_expr money = typed(PT_MONEY, false), one = typed(PT_INT, true);
    ck_assert_int_eq(chk_join(&m, &d, &lit), PT_VOID);
    ck_assert_int_eq(chk_join(&i, &i, &lit), PT_INT);
    ck_assert_int_eq(chk_join(&i, &x, &lit), PT_DEC);
    ck_assert_int_eq(chk_join(&one, &money, &lit), PT_MONEY);
    ck_assert(!lit);
    ck_assert_int_eq(chk_join(&money, &x, &lit), PT_VOID);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("algebra");
    tcase_add_checked_fixture(tc, units_setup, units_teardown);
    tcase_add_test(tc, money_rules);
    tcase_add_test(tc, money_errors);
    tcase_add_test(tc, number_rules);
    tcase_add_test(tc, duration_rules);
    tcase_add_test(tc, assignability);
    tcase_add_test(tc, joins);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
