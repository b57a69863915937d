/* test_lang.c -- unit tests (check) for runtime/lang.c: choosing the
 * language from the locale variables and --lang, the embedded catalog, and
 * the formatter that reads a msgid's arguments and writes its translation
 * (reordered with %N$, fragments translated, the msgid when a translation
 * does not take the same arguments). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"

static char out[256];

static const char *as(pol_lang l, const char *tpl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pol_tr_vformat_as(l, out, sizeof out, fmt, tpl, ap);
    va_end(ap);
    return out;
}

static void clear_env(void)
{
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    unsetenv("LANGUAGE");
}

START_TEST(from_env)
{
    clear_env();
    ck_assert_int_eq(pol_lang_from_env(), POL_LANG_EN);
    setenv("LANG", "zh_CN.UTF-8", 1);
    ck_assert_int_eq(pol_lang_from_env(), POL_LANG_ZH);
    setenv("LC_MESSAGES", "en_US.UTF-8", 1); /* LC_MESSAGES before LANG */
    ck_assert_int_eq(pol_lang_from_env(), POL_LANG_EN);
    setenv("LC_ALL", "zh_SG", 1);            /* LC_ALL before both */
    ck_assert_int_eq(pol_lang_from_env(), POL_LANG_ZH);
    setenv("LC_ALL", "C", 1);                /* C: English, LANGUAGE ignored */
    setenv("LANGUAGE", "zh_CN:en", 1);
    ck_assert_int_eq(pol_lang_from_env(), POL_LANG_EN);
    setenv("LC_ALL", "de_DE.UTF-8", 1);      /* LANGUAGE's first entry */
    ck_assert_int_eq(pol_lang_from_env(), POL_LANG_ZH);
    setenv("LANGUAGE", "fr:zh", 1);
    ck_assert_int_eq(pol_lang_from_env(), POL_LANG_EN);
    unsetenv("LANGUAGE");
    setenv("LC_ALL", "zh_TW.UTF-8", 1);      /* Traditional: no catalog, English */
    ck_assert_int_eq(pol_lang_from_env(), POL_LANG_EN);
    setenv("LC_ALL", "zh_Hans_CN", 1);
    ck_assert_int_eq(pol_lang_from_env(), POL_LANG_ZH);
    clear_env();
}
END_TEST

START_TEST(parse)
{
    pol_lang l = POL_LANG_EN;
    static const char *const zh[] = {"zh", "zh_CN", "zh-CN", "zh_CN.UTF-8", "ZH", "zh_SG"};
    for (size_t i = 0; i < sizeof zh / sizeof *zh; i++) {
        l = POL_LANG_EN;
        ck_assert_msg(pol_lang_parse(zh[i], &l) && l == POL_LANG_ZH, "%s", zh[i]);
    }
    static const char *const en[] = {"en", "en_US", "C", "POSIX", "C.UTF-8", "en-GB"};
    for (size_t i = 0; i < sizeof en / sizeof *en; i++) {
        l = POL_LANG_ZH;
        ck_assert_msg(pol_lang_parse(en[i], &l) && l == POL_LANG_EN, "%s", en[i]);
    }
    static const char *const bad[] = {"", "fr", "zhx", "e", "zh_TW", "chinese", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        l = POL_LANG_ZH;
        ck_assert_msg(!pol_lang_parse(bad[i], &l) && l == POL_LANG_ZH, "%s", bad[i] ? bad[i] : "NULL");
    }
    ck_assert_str_eq(pol_lang_name(POL_LANG_ZH), "zh");
    ck_assert_str_eq(pol_lang_name(POL_LANG_EN), "en");
}
END_TEST

START_TEST(catalog)
{
    ck_assert_uint_gt(pol_catalog_count(), 1);
    ck_assert_str_eq(pol_tr(POL_LANG_ZH, "error"), "错误");
    ck_assert_str_eq(pol_tr(POL_LANG_EN, "error"), "error");
    ck_assert_str_eq(pol_tr(POL_LANG_ZH, "no such message in the catalog"), "no such message in the catalog");
    ck_assert_str_eq(pol_tr(POL_LANG_ZH, ""), "");
    const char *id, *str, *prev = NULL;
    for (size_t i = 0; pol_catalog_entry(i, &id, &str); i++) { /* sorted: binary search finds each */
        if (prev)
            ck_assert_int_lt(strcmp(prev, id), 0);
        if (*id && *str)
            ck_assert_str_eq(pol_tr(POL_LANG_ZH, id), str);
        prev = id;
    }
    ck_assert(!pol_catalog_entry(pol_catalog_count(), &id, &str));
}
END_TEST

START_TEST(formats)
{
    /* in order, every conversion kind and modifier */
    ck_assert_str_eq(as(POL_LANG_EN, NULL, "%s|%d|%u|%x|%c|%zu|%lld|%5.2s|%-4d|%%|%05d", "a", -3, 7u, 255u, 'q',
                        (size_t)12, -9000000000LL, "xyz", 4, 42),
                     "a|-3|7|ff|q|12|-9000000000|   xy|4   |%|00042");
    ck_assert_str_eq(as(POL_LANG_EN, NULL, "[%*d] [%.*s]", 4, 7, 2, "abcdef"), "[   7] [ab]");
    /* a translation that reorders its arguments */
    ck_assert_str_eq(as(POL_LANG_ZH, "%2$d 个 %1$s", "%s: %d", "输入", 3), "3 个 输入");
    ck_assert_str_eq(as(POL_LANG_ZH, "在 %2$s 的 %1$s", "%s of %s", "a", "b"), "在 b 的 a");
    /* fragments: translated in Chinese, the mark dropped in English */
    ck_assert_str_eq(as(POL_LANG_EN, NULL, "unknown %s '%s'", FRAG("error"), "x"), "unknown error 'x'");
    ck_assert_str_eq(as(POL_LANG_ZH, "未知的%s“%s”", "unknown %s '%s'", FRAG("error"), "x"), "未知的错误“x”");
    ck_assert_str_eq(pol_frag(POL_LANG_ZH, FRAG("warning")), "警告");
    ck_assert_str_eq(pol_frag(POL_LANG_ZH, "warning"), "warning"); /* unmarked: as it is */
    /* a translation that does not take the msgid's arguments: the msgid */
    ck_assert_str_eq(as(POL_LANG_ZH, "%d 与 %s", "%s and %d", "a", 1), "a and 1");
    ck_assert_str_eq(as(POL_LANG_ZH, "%3$s", "%s %s", "a", "b"), "a b");
    ck_assert_str_eq(as(POL_LANG_ZH, "只有 %s", "%s %d", "a", 1), "只有 a"); /* fewer is allowed, as msgfmt allows with %N$ */
    /* truncation: terminated, the length it would have returned */
    char small[6];
    ck_assert_int_eq(pol_tr_format(POL_LANG_EN, small, sizeof small, "%s-%d", "abcdef", 12), 9);
    ck_assert_str_eq(small, "abcde");
    /* a long string under a width does not lose its tail */
    char big[400], want[400];
    memset(want, 'w', 300);
    want[300] = '\0';
    pol_tr_format(POL_LANG_EN, big, sizeof big, "%-3s.", want);
    ck_assert_uint_eq(strlen(big), 301);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lang");
    TCase *tc = tcase_create("lang");
    tcase_add_test(tc, from_env);
    tcase_add_test(tc, parse);
    tcase_add_test(tc, catalog);
    tcase_add_test(tc, formats);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
