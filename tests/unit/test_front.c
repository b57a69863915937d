/* test_front.c -- unit tests (check) for the pieces under the compiler and
 * the VM that the language cases exercise only indirectly: calendar
 * arithmetic (runtime/caldate.c) and source positions and display widths
 * (compiler/diag.c). */
#include <check.h>
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

START_TEST(dates_round_trip)
{
    /* every day from 0001-01-01 to 9999-12-31 converts back to itself */
    int32_t first = cd_from_ymd(1, 1, 1), last = cd_from_ymd(9999, 12, 31);
    int py = 1, pm = 1, pd = 1;
    for (int32_t d = first; d <= last; d++) {
        int y, m, dd;
        cd_to_ymd(d, &y, &m, &dd);
        ck_assert_msg(cd_from_ymd(y, m, dd) == d, "day %d", d);
        if (d > first) { /* consecutive days are consecutive dates */
            bool next = (dd == pd + 1 && m == pm && y == py) || (dd == 1 && ((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1)));
            ck_assert_msg(next, "%d-%d-%d after %d-%d-%d", y, m, dd, py, pm, pd);
        }
        py = y;
        pm = m;
        pd = dd;
    }
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
    diag_report(&d, DIAG_ERROR, f, (span){at, at + 1}, DC_UNIT_MISMATCH, "cannot add money and rate");
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
