/* test_i18n_errors.c -- runtime errors in both languages (runtime/pol.h,
 * pol_error_message; runtime/lang.h, pol_tr_format2).
 *
 * For a few real errors -- a missing input, a value out of its bounds, a
 * value the notice does not state, a scenario whose JSON is bad at a byte, a
 * file that is not bytecode -- the English message (pol_error.msg, the form
 * JSON, CSV and API replies carry) is the same whatever the process's
 * language, and the text for people is the Chinese expected when the
 * language is Chinese (and "" in English, pol_error_message giving msg).
 */
#include <check.h>
#include <string.h>

#include "compile.h"
#include "lang.h"
#include "polint.h"

static const char *const SRC =
    "policy \"t\" { region \"x\" }\n"
    "param 下限: money = 4242 cite \"三、2\"\n"
    "input 基数: money in 下限..21207 cite \"三、2\"\n"
    "output 月缴费额: money = round(基数 * 6%, 2) cite \"三\"\n"
    "output 附加费: money = unstated \"通知未给出\" cite \"五\"\n";

static pol_policy *policy_of(const char *src)
{
    diag_ctx d;
    diag_init(&d);
    src_file *file = NULL;
    bc_program *p = pol_compile("t.pol", src, strlen(src), &d, &file);
    if (!p)
        diag_print(&d, stderr, false);
    ck_assert_ptr_nonnull(p);
    diag_free(&d);
    src_free(file);
    char err[600];
    pol_policy *pol = pol_policy_adopt(p, err, sizeof err);
    ck_assert_msg(pol != NULL, "%s", err);
    return pol;
}

static pol_policy *policy(void)
{
    return policy_of(SRC);
}

/* The scenario json evaluated in language l: output `out`'s error (copied
 * into *e), or, when the scenario itself is refused, that error.  With keep,
 * the policy is handed to the caller (an error's position points into it). */
static void run_keep(pol_lang l, const char *json, const char *out, pol_error *e, pol_policy **keep)
{
    pol_lang_set(l);
    pol_policy *pol = policy();
    pol_eval *ev = pol_eval_new(pol);
    pol_eval_begin(ev);
    memset(e, 0, sizeof *e);
    if (pol_eval_set_json(ev, json, strlen(json), false, e) == 0) {
        pol_error first;
        pol_eval_run(ev, &first);
        int r = pol_find_output(ev, out);
        ck_assert_int_ge(r, 0);
        const pol_error *oe = pol_eval_output_error(ev, (uint32_t)r);
        ck_assert_ptr_nonnull(oe);
        *e = *oe;
    }
    pol_eval_free(ev);
    if (keep)
        *keep = pol;
    else
        pol_policy_free(pol);
    pol_lang_set(POL_LANG_EN);
}

static void run(pol_lang l, const char *json, const char *out, pol_error *e)
{
    run_keep(l, json, out, e, NULL);
}

/* English msg `en` in both languages; Chinese text `zh`. */
static void both(const char *json, const char *out, pol_status st, const char *en, const char *zh)
{
    pol_error e;
    run(POL_LANG_EN, json, out, &e);
    ck_assert_int_eq(e.status, st);
    ck_assert_str_eq(e.msg, en);
    ck_assert_str_eq(e.text, "");
    ck_assert_str_eq(pol_error_message(&e), en);
    run(POL_LANG_ZH, json, out, &e);
    ck_assert_int_eq(e.status, st);
    ck_assert_str_eq(e.msg, en);
    ck_assert_str_eq(e.text, zh);
    ck_assert_str_eq(pol_error_message(&e), zh);
}

START_TEST(missing_input)
{
    both("{}", "月缴费额", POL_E_RUNTIME, "input 基数 is missing from the scenario", "情景缺少输入“基数”");
}
END_TEST

START_TEST(out_of_bounds)
{
    both("{\"基数\": 4241}", "月缴费额", POL_E_BOUND,
         "input 基数 = 4241 is below its minimum 下限 = 4242 (allowed 4242..21207; cite 三、2)",
         "输入“基数” = 4241 低于其下限 下限 = 4242（允许 4242..21207；依据 三、2）");
}
END_TEST

START_TEST(not_stated)
{
    both("{\"基数\": 5000}", "附加费", POL_UNSTATED, "not stated by this notice: 通知未给出 [五]", "本通知未载明：通知未给出 [五]");
}
END_TEST

START_TEST(bad_json)
{
    both("{\"基数\": }", "月缴费额", POL_E_INPUT, "byte 12: expected a value for key \"基数\", found '}'",
         "第 12 字节：键 \"基数\" 应有一个值，却是 '}'");
    both("{\"基数\": \"abc\"}", "月缴费额", POL_E_INPUT, "input 基数: \"abc\" is not a number (not a number)",
         "输入“基数”：“abc”不是数值（不是数值）");
}
END_TEST

/* The printed form: the level word too. */
START_TEST(printed)
{
    pol_error e;
    pol_policy *pol;
    run_keep(POL_LANG_ZH, "{}", "月缴费额", &e, &pol);
    char buf[800];
    pol_lang_set(POL_LANG_ZH);
    pol_error_text(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "t.pol:4:32: 错误: 情景缺少输入“基数”");
    pol_lang_set(POL_LANG_EN);
    pol_error_text(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "t.pol:4:32: error: 情景缺少输入“基数”"); /* text made in Chinese stays Chinese */
    ck_assert(pol_set_language("zh_CN.UTF-8"));
    ck_assert_int_eq(pol_lang_get(), POL_LANG_ZH);
    ck_assert(!pol_set_language("fr"));
    ck_assert_int_eq(pol_lang_get(), POL_LANG_ZH);
    ck_assert(pol_set_language("C"));
    ck_assert_int_eq(pol_lang_get(), POL_LANG_EN);
    pol_policy_free(pol);
}
END_TEST

/* One evaluator, scenario after scenario: an output not applicable for the
 * reason it had last time keeps its error as it was (the same number from
 * pol_eval_output_error_id, the same message), and any other error, or the
 * same reason in another language, is written anew under a new number. */
static const char *const SRC_WHEN =
    "policy \"t\" { region \"x\" }\n"
    "enum 方案 { 甲 乙 }\n"
    "input 选: 方案\n"
    "input 基数: money in 4242..21207\n"
    "output 费: money when 选 == 方案.乙 = 基数 * 2\n";

static const pol_error *run_when(pol_eval *ev, const char *json, uint64_t *id)
{
    pol_error e;
    pol_eval_begin(ev);
    ck_assert_int_eq(pol_eval_set_json(ev, json, strlen(json), false, &e), 0);
    pol_eval_run(ev, &e);
    int r = pol_find_output(ev, "费");
    ck_assert_int_ge(r, 0);
    *id = pol_eval_output_error_id(ev, (uint32_t)r);
    return pol_eval_output_error(ev, (uint32_t)r);
}

START_TEST(not_applicable_kept)
{
    pol_policy *pol = policy_of(SRC_WHEN);
    pol_eval *ev = pol_eval_new(pol);
    static const char *const NA = "not applicable: 费 applies only when 选 == 方案.乙";
    uint64_t id0, id;
    const pol_error *e = run_when(ev, "{\"选\": \"甲\"}", &id0);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->status, POL_NOT_APPLICABLE);
    ck_assert_str_eq(e->msg, NA);
    ck_assert_str_eq(e->field, "费");
    ck_assert_uint_ne(id0, 0);
    ck_assert_ptr_null(run_when(ev, "{\"选\": \"乙\", \"基数\": 5000}", &id)); /* a value */
    e = run_when(ev, "{\"选\": \"甲\"}", &id); /* the same reason: kept */
    ck_assert_int_eq(e->status, POL_NOT_APPLICABLE);
    ck_assert_str_eq(e->msg, NA);
    ck_assert_uint_eq(id, id0);
    e = run_when(ev, "{\"选\": \"乙\", \"基数\": 1}", &id); /* a bound: another error */
    ck_assert_int_eq(e->status, POL_E_BOUND);
    ck_assert_uint_ne(id, id0);
    uint64_t id1 = id;
    e = run_when(ev, "{\"选\": \"甲\"}", &id);
    ck_assert_int_eq(e->status, POL_NOT_APPLICABLE);
    ck_assert_str_eq(e->msg, NA);
    ck_assert_str_eq(e->text, "");
    ck_assert_uint_ne(id, id1);
    id1 = id;
    pol_lang_set(POL_LANG_ZH);
    e = run_when(ev, "{\"选\": \"甲\"}", &id); /* the same reason, in Chinese now */
    pol_lang_set(POL_LANG_EN);
    ck_assert_str_eq(e->msg, NA);
    ck_assert_str_ne(e->text, "");
    ck_assert_uint_ne(id, id1);
    pol_eval_free(ev);
    pol_policy_free(pol);
}
END_TEST

/* Errors loading a file are for people only: in the process's language. */
START_TEST(bad_bytecode)
{
    static const uint8_t junk[32] = "not bytecode at all, not at all";
    char err[600];
    ck_assert_ptr_null(pol_policy_from_bytes(junk, sizeof junk, err, sizeof err));
    ck_assert_str_eq(err, "not a pol bytecode file (bad magic)");
    pol_lang_set(POL_LANG_ZH);
    ck_assert_ptr_null(pol_policy_from_bytes(junk, sizeof junk, err, sizeof err));
    pol_lang_set(POL_LANG_EN);
    ck_assert_str_eq(err, "不是 pol 字节码文件（文件标识不符）");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("i18n_errors");
    TCase *t = tcase_create("errors");
    tcase_add_test(t, missing_input);
    tcase_add_test(t, out_of_bounds);
    tcase_add_test(t, not_stated);
    tcase_add_test(t, bad_json);
    tcase_add_test(t, printed);
    tcase_add_test(t, bad_bytecode);
    tcase_add_test(t, not_applicable_kept);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
