/* test_cover_dec.c -- edges of runtime/dec.c that the other decimal tests
 * (test_dec.c, the differential test) do not reach: a quotient whose fast
 * path would give INT64_MIN, zero printed with more places than the fast
 * formatter takes, and the names of statuses and modes out of range.
 * Run by scripts/coverage.sh with the rest of the suite; see
 * docs/robustness.md, "Coverage".
 */
#include "dec.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char *exact(const dec_t *d)
{
    static char buf[256];
    ck_assert_int_ge(dec_format_exact(d, buf, sizeof buf), 0);
    return buf;
}

START_TEST(quotient_near_int64_min)
{
    /* -2^62 / 5: the fast path's -2^62 * 2 is INT64_MIN, which a small
     * coefficient may not hold; the general path gives the exact value */
    dec_t a, b, r;
    dec_init(&a);
    dec_init(&b);
    dec_init(&r);
    dec_set_i64(&a, -4611686018427387904LL);
    dec_set_i64(&b, 5);
    ck_assert_int_eq(dec_div(&r, &a, &b), DEC_OK);
    ck_assert_str_eq(exact(&r), "-922337203685477580.8");
    dec_set_i64(&a, 4611686018427387904LL);
    ck_assert_int_eq(dec_div(&r, &a, &b), DEC_OK);
    ck_assert_str_eq(exact(&r), "922337203685477580.8");
    dec_clear(&a);
    dec_clear(&b);
    dec_clear(&r);
}
END_TEST

START_TEST(zero_with_many_places)
{
    dec_t z;
    dec_init(&z);
    char buf[64];
    dec_status st = DEC_ESYNTAX;
    ck_assert_int_eq(dec_format(&z, 30, buf, sizeof buf, &st), 32);
    ck_assert_int_eq(st, DEC_OK);
    ck_assert_str_eq(buf, "0.000000000000000000000000000000");
    ck_assert_int_eq(dec_format(&z, 21, buf, sizeof buf, NULL), 23);
    ck_assert_str_eq(buf, "0.000000000000000000000");
    dec_clear(&z);
}
END_TEST

START_TEST(zero_with_a_large_exponent)
{
    /* zero times 10^19 or more: more than the small path scales a nonzero
     * coefficient by, but zero stays a small 0 (so the general path never
     * sees a number without digits) */
    static const char *const texts[] = {"0e19", "0e400", "000.000e400", "-0e25"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        dec_t z;
        dec_init(&z);
        dec_set_i64(&z, 5);
        ck_assert_int_eq(dec_parse(&z, texts[i], strlen(texts[i])), DEC_OK);
        ck_assert_str_eq(exact(&z), "0");
        ck_assert_int_eq(dec_sign(&z), 0);
        ck_assert_int_eq(z.kind, DEC_K_SMALL);
        dec_clear(&z);
    }
}
END_TEST

START_TEST(names_out_of_range)
{
    ck_assert_str_eq(dec_status_text(DEC_ELIMIT), "number too large or too precise");
    ck_assert_str_eq(dec_status_text((dec_status)99), "unknown error");
    ck_assert_str_eq(dec_mode_name(DEC_CEILING), "ceiling");
    ck_assert_str_eq(dec_mode_name(DEC_MODE_COUNT), "unknown");
    ck_assert_str_eq(dec_mode_name((dec_mode)99), "unknown");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cover_dec");
    TCase *tc = tcase_create("dec");
    tcase_add_test(tc, quotient_near_int64_min);
    tcase_add_test(tc, zero_with_many_places);
    tcase_add_test(tc, zero_with_a_large_exponent);
    tcase_add_test(tc, names_out_of_range);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
