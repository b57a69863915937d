/* test_front.c -- unit tests (check) for the pieces under the compiler and
 * the VM that the language cases exercise only indirectly: calendar
 * arithmetic (runtime/caldate.c) and source positions and display widths
 * (compiler/diag.c). */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caldate.h"
#include "diag.h"

START_TEST(dates_known_values)
{
    ck_assert_int_eq(cd_from_ymd(1970, 1, 1), 0);
    ck_assert_int_eq(cd_from_ymd(1970, 1, 2), 1);
    ck_assert_int_eq(cd_from_ymd(1969, 12, 31), -1);
    ck_assert_int_eq(cd_from_ymd(2000, 3, 1) - cd_from_ymd(2000, 2, 28), 2); /* 2000 is a leap year */
    ck_assert_int_eq(cd_from_ymd(1900, 3, 1) - cd_from_ymd(1900, 2, 28), 1); /* 1900 is not */
    ck_assert_int_eq(cd_from_ymd(2025, 10, 1) - cd_from_ymd(2025, 9, 30), 1);
    ck_assert_int_eq(cd_days_in_month(2024, 2), 29);
    ck_assert_int_eq(cd_days_in_month(2025, 2), 28);
    ck_assert(!cd_valid_ymd(2025, 2, 29));
    ck_assert(cd_valid_ymd(2024, 2, 29));
    ck_assert(!cd_valid_ymd(2025, 13, 1));
    ck_assert(!cd_valid_ymd(0, 1, 1));
}
END_TEST

/* Days in month m of year y, by the textbook rule: the independent oracle the
 * round trip below steps its own date counter with. */
static int oracle_month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

START_TEST(dates_round_trip)
{
    /* Every day from 0001-01-01 to 9999-12-31: cd_to_ymd gives the date an
     * independently stepped y/m/d counter is at (so consecutive days are
     * consecutive dates), and cd_from_ymd converts it back to the same day.
     * The loop asserts through check only on a mismatch: ck_assert records a
     * location per call, which made 3.6 million checks slow under load. */
    int32_t first = cd_from_ymd(1, 1, 1), last = cd_from_ymd(9999, 12, 31);
    ck_assert_int_eq(first, CD_MIN_DAY);
    ck_assert_int_eq(last, CD_MAX_DAY);
    int cy = 1, cm = 1, cdd = 1; /* the counter */
    long checked = 0;
    for (int32_t d = first; d <= last; d++) {
        int y, m, dd;
        cd_to_ymd(d, &y, &m, &dd);
        if (y != cy || m != cm || dd != cdd)
            ck_abort_msg("day %d is %d-%d-%d, expected %d-%d-%d", d, y, m, dd, cy, cm, cdd);
        if (cd_from_ymd(y, m, dd) != d)
            ck_abort_msg("day %d: %d-%d-%d converts back to %d", d, y, m, dd, cd_from_ymd(y, m, dd));
        checked++;
        if (++cdd > oracle_month_days(cy, cm)) {
            cdd = 1;
            if (++cm > 12) {
                cm = 1;
                cy++;
            }
        }
    }
    ck_assert_int_eq(cy, 10000); /* the counter ran through 9999-12-31 exactly */
    ck_assert_int_eq(cm, 1);
    ck_assert_int_eq(cdd, 1);
    ck_assert_int_eq(checked, (long)last - first + 1);
}
END_TEST

START_TEST(dates_text)
{
    int32_t d, m;
    char buf[16];
    ck_assert(cd_parse_date("2025-09-30", 10, &d));
    cd_format_date(d, buf);
    ck_assert_str_eq(buf, "2025-09-30");
    ck_assert(!cd_parse_date("2025-02-30", 10, &d));
    ck_assert(!cd_parse_date("2025-9-30", 9, &d));
    ck_assert(!cd_parse_date("2025-09-3x", 10, &d));
    ck_assert(cd_parse_month("2023-08", 7, &m));
    ck_assert_int_eq(m, 2023 * 12 + 7);
    cd_format_month(m, buf);
    ck_assert_str_eq(buf, "2023-08");
    ck_assert(!cd_parse_month("2023-00", 7, &m));
    ck_assert(!cd_parse_month("2023-13", 7, &m));
}
END_TEST

START_TEST(display_width)
{
    ck_assert_uint_eq(utf8_display_width("abc", 3), 3);
    ck_assert_uint_eq(utf8_display_width("月缴费额", strlen("月缴费额")), 8);
    ck_assert_uint_eq(utf8_display_width("（）", strlen("（）")), 4);
    ck_assert_uint_eq(utf8_display_width("a月b", strlen("a月b")), 4);
    ck_assert_uint_eq(utf8_display_width("\xff", 1), 1); /* an invalid byte counts as one cell */
}
END_TEST

START_TEST(line_and_column)
{
    const char *text = "policy \"t\"\noutput 月缴费额: money = a + b\n";
    src_file *f = src_new("t.pol", text, strlen(text));
    uint32_t line, col;
    const char *plus = strstr(text, "+");
    src_line_col(f, (uint32_t)(plus - text), &line, &col);
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 7 + 8 + 12 + 1); /* "output " + 月缴费额 (8 cells) + ": money = a ", then the + */
    src_line_col(f, 0, &line, &col);
    ck_assert_uint_eq(line, 1);
    ck_assert_uint_eq(col, 1);
    src_free(f);
}
END_TEST

START_TEST(caret_under_chinese)
{
    const char *text = "output 错误: money = 基数 + 费率\n";
    src_file *f = src_new("t.pol", text, strlen(text));
    f->id = 0;
    diag_ctx d;
    diag_init(&d);
    uint32_t at = (uint32_t)(strstr(text, "+") - text);
    diag_report(&d, f, (span){at, at + 1}, DC_UNIT_MISMATCH, "cannot add money and rate");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    diag_print(&d, out, false);
    fclose(out);
    ck_assert_str_eq(buf, "t.pol:1:27: error: cannot add money and rate\n"
                          "    1 | output 错误: money = 基数 + 费率\n"
                          "      |                           ^\n");
    free(buf);
    ck_assert_int_eq(d.errors, 1);
    diag_free(&d);
    src_free(f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("front");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dates_known_values);
    tcase_add_test(tc, dates_round_trip);
    tcase_add_test(tc, dates_text);
    tcase_add_test(tc, display_width);
    tcase_add_test(tc, line_and_column);
    tcase_add_test(tc, caret_under_chinese);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
