/* test_cover_vm.c -- the VM's checks, one by one (runtime/vm.c).
 *
 * The verifier (runtime/verify.c) checks indices, jumps and stack depths but
 * not the types of values: the VM checks every tag itself, so that a
 * verified but hostile program gets an error, never a crash.  These tests
 * reach each of those checks.  A small policy is compiled in-process; then
 * the code of one of its rules is replaced by a hand-assembled block (the
 * rest of the old block filled with POP, which nothing reaches), the
 * program is verified, and the rule is evaluated.  Each test asserts the
 * exact value or the exact error message.  Run by scripts/coverage.sh with
 * the rest of the suite; see docs/robustness.md, "Coverage".
 */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "caldate.h"
#include "compile.h"
#include "polint.h"

/* Rules whose blocks are long enough to hold the hand-made code: the
 * formulas use the function's parameter or an input, which the code
 * generator cannot fold. */
#define REP8(s) s s s s s s s s
#define LONG_X REP8(" + x") REP8(" + x") REP8(" + x") REP8(" + x")
#define LONG_N REP8(" + n") REP8(" + n") REP8(" + n") REP8(" + n")
static const char *const SRC =
    "policy \"cover\" { region \"x\" }\n"
    "record 笔 (日: date, 额: money)\n"
    "record 人 (名: text)\n"
    "enum 档次 (费率: rate) {\n  一档 = (6%)\n  二档 = (7%)\n  三档 = (9%)\n}\n"
    "enum 单 (费率: rate) {\n  甲 = (1%)\n}\n"
    "input n: integer\n"
    "input 日期: date\n"
    "param 基数: money cite \"a\" {\n  2025-01-01.. = 4416 cite \"a\"\n}\n"
    "rule f(x: integer): integer = x" LONG_X " cite \"x\"\n"
    "rule g(x: integer): integer = x" LONG_X " cite \"x\"\n"
    "rule h(x: integer): integer = f(x) + g(x)" LONG_X " cite \"x\"\n"
    "rule a: integer = n" LONG_N " cite \"x\"\n"
    "output o: integer = n" LONG_N " cite \"x\"\n"
    "output 档费率: rate = 档次.一档.费率 + 单.甲.费率 cite \"x\"\n"
    "output 基: money = 基数[日期] cite \"x\"\n"
    "output 笔数: integer = length(list(m in 2025-01..2025-02: 笔(日 = 日期, 额 = 1))) cite \"x\"\n"
    "output 名: text = 人(名 = \"x\").名 cite \"x\"\n";

static bc_program *compile_src(const char *src)
{
    diag_ctx d;
    diag_init(&d);
    src_file *file = NULL;
    bc_program *p = pol_compile("cover.pol", src, strlen(src), &d, &file);
    if (!p)
        diag_print(&d, stderr, false);
    ck_assert_ptr_nonnull(p);
    diag_free(&d);
    src_free(file);
    return p;
}

static uint32_t rule_named(const bc_program *p, const char *name)
{
    for (uint32_t i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].name, name) == 0)
            return i;
    ck_abort_msg("no rule %s", name);
    return 0;
}

static uint32_t enum_named(const bc_program *p, const char *name)
{
    for (uint32_t i = 0; i < p->nenums; i++)
        if (strcmp(p->enums[i].name, name) == 0)
            return i;
    ck_abort_msg("no enumeration %s", name);
    return 0;
}

static uint32_t record_named(const bc_program *p, const char *name)
{
    for (uint32_t i = 0; i < p->nrecords; i++)
        if (strcmp(p->records[i].name, name) == 0)
            return i;
    ck_abort_msg("no record type %s", name);
    return 0;
}

/* A new constant of type t: a number from its text, an int (bool, date,
 * month, enum member with tref), or a text. */
static uint32_t kadd(bc_program *p, uint8_t t, const char *num, int32_t i, uint32_t tref, const char *text)
{
    bc_const *nc = pol_arena_array(&p->arena, (size_t)p->nconsts + 1, sizeof *nc);
    memcpy(nc, p->consts, p->nconsts * sizeof *nc);
    bc_const *c = &nc[p->nconsts];
    memset(c, 0, sizeof *c);
    c->type = t;
    c->tref = tref;
    dec_init(&c->num);
    if (num)
        ck_assert_int_eq(dec_parse(&c->num, num, strlen(num)), DEC_OK);
    c->i = i;
    c->text = text ? pol_arena_strdup(&p->arena, text) : NULL;
    p->consts = nc;
    return p->nconsts++;
}

static uint32_t knum(bc_program *p, const char *s) { return kadd(p, PT_MONEY, s, 0, 0, NULL); }
static uint32_t kint(bc_program *p, const char *s) { return kadd(p, PT_INT, s, 0, 0, NULL); }
static uint32_t ktext(bc_program *p, const char *s) { return kadd(p, PT_TEXT, NULL, 0, 0, s); }
static uint32_t kbool(bc_program *p, int b) { return kadd(p, PT_BOOL, NULL, b, 0, NULL); }
static uint32_t kdate(bc_program *p, int y, int m, int d) { return kadd(p, PT_DATE, NULL, cd_from_ymd(y, m, d), 0, NULL); }
static uint32_t kmonth(bc_program *p, int y, int m) { return kadd(p, PT_MONTH, NULL, y * 12 + m - 1, 0, NULL); }

/* Replaces the code of rule r by code[0..n) (ended by the caller with
 * RET r), the rest of its block filled with POP. */
static void set_code(bc_program *p, uint32_t r, const uint32_t *code, size_t n)
{
    bc_rule *x = &p->rules[r];
    ck_assert_msg(n <= x->end - x->entry, "%zu words do not fit rule %s's %u", n, x->name, x->end - x->entry);
    for (uint32_t i = 0; i < x->end - x->entry; i++)
        p->code[x->entry + i] = i < n ? code[i] : OP_POP;
}

#define CODE(p, r, ...)                                                                  \
    do {                                                                                 \
        const uint32_t code_[] = {__VA_ARGS__};                                          \
        set_code((p), (r), code_, sizeof code_ / sizeof *code_);                         \
    } while (0)

/* The evaluation of rule r: "ok VALUE" or "error MESSAGE" (static buffer). */
static char result[600];

static const char *eval_state(vm_state *s, uint32_t r)
{
    vm_error err;
    memset(&err, 0, sizeof err);
    if (vm_eval(s, r, &err) != 0) {
        snprintf(result, sizeof result, "error %s", err.msg);
        return result;
    }
    char buf[500];
    const vm_val *v = &s->rules[r];
    if (v->t == PT_LIST)
        snprintf(buf, sizeof buf, "list of %u", ((const vm_list *)v->ref)->n);
    else if (v->t == PT_RECORD)
        snprintf(buf, sizeof buf, "record");
    else
        ck_assert(vm_value_text(v, 0, buf, sizeof buf));
    snprintf(result, sizeof result, "ok %s", buf);
    return result;
}

static bc_program *prog;
static size_t heap_limit; /* for the next run(): 0 is the default */

static void verify_ok(bc_program *p)
{
    char err[600] = "";
    ck_assert_msg(bc_verify(p, err, sizeof err), "does not verify: %s", err);
}

/* Verifies prog, evaluates rule r in a fresh state with input n = 7 and
 * 日期 = 2025-03-01, frees the program: the result text. */
static const char *run(uint32_t r)
{
    verify_ok(prog);
    vm_state *s = vm_new(prog);
    s->max_steps = 10000000;
    s->heap.limit = heap_limit;
    s->inputs[0].t = PT_INT;
    dec_set_i64(&s->inputs[0].d, 7);
    s->inputs[1].t = PT_DATE;
    s->inputs[1].i = cd_from_ymd(2025, 3, 1);
    eval_state(s, r);
    vm_free(s);
    bc_free(prog);
    prog = NULL;
    return result;
}

static void setup(void)
{
    prog = compile_src(SRC);
    ck_assert_str_eq(prog->inputs[0].name, "n");
    ck_assert_str_eq(prog->inputs[1].name, "日期");
}

static void teardown(void)
{
    if (prog)
        bc_free(prog);
    prog = NULL;
}

#define O rule_named(prog, "o")
#define RET_O OP_RET, rule_named(prog, "o")

/* ------------------------------------------------------ the base program */

START_TEST(base_program_runs)
{
    verify_ok(prog);
    vm_state *s = vm_new(prog);
    s->inputs[0].t = PT_INT;
    dec_set_i64(&s->inputs[0].d, 7);
    s->inputs[1].t = PT_DATE;
    s->inputs[1].i = cd_from_ymd(2025, 3, 1);
    ck_assert_str_eq(eval_state(s, rule_named(prog, "o")), "ok 231");
    ck_assert_str_eq(eval_state(s, rule_named(prog, "档费率")), "ok 0.07");
    ck_assert_str_eq(eval_state(s, rule_named(prog, "基")), "ok 4416");
    ck_assert_str_eq(eval_state(s, rule_named(prog, "笔数")), "ok 2");
    ck_assert_str_eq(eval_state(s, rule_named(prog, "名")), "ok x");
    /* a rule out of range, and a function asked for directly */
    ck_assert_str_eq(eval_state(s, prog->nrules), "error no rule 9");
    ck_assert_str_eq(eval_state(s, rule_named(prog, "f")), "error f is a function; it is evaluated only when called");
    vm_free(s);
    vm_free(NULL); /* as free(NULL) */
}
END_TEST

/* ------------------------------------------------- hand-assembled checks */

static void fresh(void)
{
    if (prog)
        bc_free(prog);
    prog = compile_src(SRC);
    heap_limit = 0;
}

/* A record type with no fields, added to the program: MKREC of it pushes a
 * record of one unused slot. */
static uint32_t add_empty_record(bc_program *p)
{
    bc_record *nr = pol_arena_array(&p->arena, (size_t)p->nrecords + 1, sizeof *nr);
    memcpy(nr, p->records, p->nrecords * sizeof *nr);
    memset(&nr[p->nrecords], 0, sizeof *nr);
    nr[p->nrecords].name = pol_arena_strdup(&p->arena, "空");
    p->records = nr;
    return p->nrecords++;
}

START_TEST(parameter_lookups)
{
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_PARAM_AT, 0, RET_O);
    ck_assert_str_eq(run(O), "error parameter 基数 is looked up by a date, not a number");
    /* a date before the first version of an open-ended parameter: no end shown */
    fresh();
    CODE(prog, O, OP_CONST, kdate(prog, 2024, 12, 31), OP_PARAM_AT, 0, RET_O);
    ck_assert_str_eq(run(O), "error no version of parameter 基数 covers 2024-12-31 (its versions cover 2025-01-01..)");
}
END_TEST

/* PARAM_IN: the version covering a whole month or year. */
START_TEST(period_lookups)
{
    fresh();
    CODE(prog, O, OP_CONST, kmonth(prog, 2025, 1), OP_PARAM_IN, 0, RET_O);
    ck_assert_str_eq(run(O), "ok 4416");
    fresh();
    CODE(prog, O, OP_CONST, kint(prog, "2025"), OP_PARAM_IN, 0, RET_O);
    ck_assert_str_eq(run(O), "ok 4416");
    fresh();
    CODE(prog, O, OP_CONST, kmonth(prog, 2024, 12), OP_PARAM_IN, 0, RET_O);
    ck_assert_str_eq(run(O), "error no version of parameter 基数 covers the start of 2024-12 (its versions cover 2025-01-01..)");
    fresh();
    CODE(prog, O, OP_CONST, kint(prog, "10000"), OP_PARAM_IN, 0, RET_O);
    ck_assert_str_eq(run(O), "error parameter 基数 is looked up by a month or a year from 1 to 9999, not a number out of that range");
    fresh();
    CODE(prog, O, OP_CONST, kdate(prog, 2025, 1, 1), OP_PARAM_IN, 0, RET_O);
    ck_assert_str_eq(run(O), "error parameter 基数 is looked up by a month or a year from 1 to 9999, not a date");
    /* two versions: a year across the change is refused, a month on either side is not */
    for (int m = 6; m <= 8; m++) {
        fresh();
        bc_param *par = &prog->params[0];
        bc_version *vs = pol_arena_array(&prog->arena, 2, sizeof *vs);
        vs[0] = par->versions[0];
        vs[1] = par->versions[0];
        vs[0].to = cd_from_ymd(2025, 6, 30);
        vs[1].from = cd_from_ymd(2025, 7, 1);
        vs[1].k = knum(prog, "4504");
        par->versions = vs;
        par->nversions = 2;
        if (m == 8) {
            CODE(prog, O, OP_CONST, kint(prog, "2025"), OP_PARAM_IN, 0, RET_O);
            ck_assert_str_eq(run(O), "error parameter 基数 changes within 2025 (a version ends on 2025-06-30); look it up by date");
        } else {
            CODE(prog, O, OP_CONST, kmonth(prog, 2025, m), OP_PARAM_IN, 0, RET_O);
            ck_assert_str_eq(run(O), m == 6 ? "ok 4416" : "ok 4504");
        }
    }
    /* the verifier: PARAM_IN of an undated parameter is refused, as PARAM_AT is */
    fresh();
    CODE(prog, O, OP_CONST, kint(prog, "2025"), OP_PARAM_IN, 0, RET_O);
    prog->params[0].dated = 0;
    char err[600] = "";
    ck_assert(!bc_verify(prog, err, sizeof err));
    ck_assert_msg(strstr(err, "parameter 基数 used with the wrong lookup") != NULL, "%s", err);
    bc_free(prog);
    prog = NULL;
}
END_TEST

START_TEST(rule_depends_on_itself)
{
    /* the checker rejects cycles; a file can still hold one */
    fresh();
    CODE(prog, O, OP_RULE, O, RET_O);
    ck_assert_str_eq(run(O), "error rule o depends on itself");
}
END_TEST

START_TEST(function_calls_itself)
{
    /* the checker accepts only a descent a test stops; a file can still
     * hold one that never ends: the chain's depth stops it */
    fresh();
    uint32_t f = rule_named(prog, "f");
    CODE(prog, f, OP_LOCAL, 0, OP_CALL, f, 1, OP_RET, f);
    CODE(prog, O, OP_CONST, kint(prog, "1"), OP_CALL, f, 1, RET_O);
    ck_assert_str_eq(run(O), "error functions call themselves more than 100000 deep");
}
END_TEST

START_TEST(functions_call_each_other)
{
    /* f -> g -> f: only a function's call to itself keeps its locals
     * apart, so a cycle through another is refused */
    fresh();
    uint32_t f = rule_named(prog, "f"), g = rule_named(prog, "g");
    CODE(prog, f, OP_LOCAL, 0, OP_CALL, g, 1, OP_RET, f);
    CODE(prog, g, OP_LOCAL, 0, OP_CALL, f, 1, OP_RET, g);
    CODE(prog, O, OP_CONST, kint(prog, "1"), OP_CALL, f, 1, RET_O);
    ck_assert_str_eq(run(O), "error function f calls itself");
}
END_TEST

START_TEST(self_call_restores_locals)
{
    /* f(x) = if x <= 0 then 0 else f(x - 1) + x: the outer activation's x
     * survives the inner call (saved and put back), so f(3) = 6 */
    fresh();
    uint32_t f = rule_named(prog, "f");
    uint32_t k0 = kint(prog, "0"), k1 = kint(prog, "1"), e = prog->rules[f].entry;
    CODE(prog, f, OP_LOCAL, 0, OP_CONST, k0, OP_LE, OP_JMPF, e + 11, OP_CONST, k0, OP_RET, f,
         OP_LOCAL, 0, OP_CONST, k1, OP_SUB, OP_CALL, f, 1, OP_LOCAL, 0, OP_ADD, OP_RET, f);
    CODE(prog, O, OP_CONST, kint(prog, "3"), OP_CALL, f, 1, RET_O);
    ck_assert_str_eq(run(O), "ok 6");
}
END_TEST

START_TEST(totext)
{
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "已是文本"), OP_TOTEXT, RET_O);
    ck_assert_str_eq(run(O), "ok 已是文本");
    fresh();
    CODE(prog, O, OP_CONST, kbool(prog, 1), OP_TOTEXT, RET_O);
    ck_assert_str_eq(run(O), "ok true");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "甲"), OP_MKREC, record_named(prog, "人"), OP_TOTEXT, RET_O);
    ck_assert_str_eq(run(O), "error cannot turn a record into text here");
    fresh();
    CODE(prog, O, OP_LISTNEW, record_named(prog, "人"), OP_TOTEXT, RET_O);
    ck_assert_str_eq(run(O), "error cannot turn a list into text here");
    fresh();
    CODE(prog, O, OP_CONST, kadd(prog, PT_ENUM, NULL, 1, enum_named(prog, "档次"), NULL), OP_TOTEXT, RET_O);
    ck_assert_str_eq(run(O), "error cannot turn a enum into text here");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_CONST, knum(prog, "3"), OP_DIV, OP_TOTEXT, RET_O);
    ck_assert_str_eq(run(O), "error cannot turn a number into text here");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "12.5"), OP_TOTEXT, RET_O);
    heap_limit = 1;
    ck_assert_str_eq(run(O), "error the scenario needs more memory than allowed");
}
END_TEST

START_TEST(records)
{
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_RFIELD, record_named(prog, "笔"), 0, RET_O);
    ck_assert_str_eq(run(O), "error expected a 笔 record, found a number");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "甲"), OP_MKREC, record_named(prog, "人"), OP_RFIELD, record_named(prog, "笔"), 0, RET_O);
    ck_assert_str_eq(run(O), "error expected a 笔 record, found a record");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "甲"), OP_MKREC, record_named(prog, "人"), OP_RFIELD, record_named(prog, "人"), 0, RET_O);
    ck_assert_str_eq(run(O), "ok 甲");
    fresh();
    uint32_t empty = add_empty_record(prog);
    CODE(prog, O, OP_MKREC, empty, RET_O);
    ck_assert_str_eq(run(O), "ok record");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "甲"), OP_MKREC, record_named(prog, "人"), RET_O);
    heap_limit = 1;
    ck_assert_str_eq(run(O), "error the scenario needs more memory than allowed");
}
END_TEST

START_TEST(lists)
{
    uint32_t r;
    fresh();
    CODE(prog, O, OP_LISTNEW, record_named(prog, "人"), RET_O);
    heap_limit = 1;
    ck_assert_str_eq(run(O), "error the scenario needs more memory than allowed");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_CONST, knum(prog, "2"), OP_APPEND, RET_O);
    ck_assert_str_eq(run(O), "error expected a list, found a number");
    fresh();
    CODE(prog, O, OP_LISTNEW, record_named(prog, "人"), OP_CONST, knum(prog, "2"), OP_APPEND, RET_O);
    ck_assert_str_eq(run(O), "error a list of 人 holds only 人 records");
    fresh();
    r = record_named(prog, "人");
    CODE(prog, O, OP_LISTNEW, r, OP_CONST, kdate(prog, 2025, 1, 1), OP_CONST, knum(prog, "1"), OP_MKREC,
         record_named(prog, "笔"), OP_APPEND, RET_O);
    ck_assert_str_eq(run(O), "error a list of 人 holds only 人 records");
    /* room for the list and the record, not for the list's first items */
    fresh();
    r = record_named(prog, "人");
    CODE(prog, O, OP_LISTNEW, r, OP_CONST, ktext(prog, "甲"), OP_MKREC, r, OP_APPEND, RET_O);
    heap_limit = 4 * sizeof(vm_val) + 256;
    ck_assert_str_eq(run(O), "error the scenario needs more memory than allowed");
    fresh();
    r = record_named(prog, "人");
    CODE(prog, O, OP_LISTNEW, r, OP_CONST, ktext(prog, "甲"), OP_MKREC, r, OP_APPEND, RET_O);
    ck_assert_str_eq(run(O), "ok list of 1");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_LEN, RET_O);
    ck_assert_str_eq(run(O), "error expected a list, found a number");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_CONST, kint(prog, "0"), OP_AT, RET_O);
    ck_assert_str_eq(run(O), "error expected a list, found a number");
    static const char *const bad_index[] = {"x", "1.5", "-1", "1", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad_index / sizeof *bad_index; i++) {
        fresh();
        r = record_named(prog, "人");
        uint32_t k = i == 0 ? ktext(prog, bad_index[i]) : kint(prog, bad_index[i]);
        CODE(prog, O, OP_LISTNEW, r, OP_CONST, ktext(prog, "甲"), OP_MKREC, r, OP_APPEND, OP_CONST, k, OP_AT, RET_O);
        ck_assert_str_eq(run(O), "error no element at that position of a list of 1");
    }
    fresh();
    r = record_named(prog, "人");
    CODE(prog, O, OP_LISTNEW, r, OP_CONST, ktext(prog, "甲"), OP_MKREC, r, OP_APPEND, OP_CONST, kint(prog, "0"), OP_AT,
         OP_RFIELD, r, 0, RET_O);
    ck_assert_str_eq(run(O), "ok 甲");
}
END_TEST

START_TEST(dates_and_months_move)
{
    fresh();
    CODE(prog, O, OP_CONST, kdate(prog, 2025, 1, 1), OP_CONST, kdate(prog, 2025, 1, 2), OP_ADD, RET_O);
    ck_assert_str_eq(run(O), "error a date moves by a whole number");
    fresh();
    CODE(prog, O, OP_CONST, kdate(prog, 2025, 1, 1), OP_CONST, knum(prog, "1.5"), OP_ADD, RET_O);
    ck_assert_str_eq(run(O), "error a date moves by a whole number");
    fresh();
    CODE(prog, O, OP_CONST, kmonth(prog, 2025, 1), OP_CONST, ktext(prog, "1"), OP_SUB, RET_O);
    ck_assert_str_eq(run(O), "error a month moves by a whole number");
    fresh();
    CODE(prog, O, OP_CONST, kdate(prog, 2025, 1, 1), OP_CONST, kint(prog, "3000000"), OP_ADD, RET_O);
    ck_assert_str_eq(run(O), "error date out of the years 1..9999");
    fresh();
    CODE(prog, O, OP_CONST, kmonth(prog, 2025, 1), OP_CONST, kint(prog, "30000"), OP_SUB, RET_O);
    ck_assert_str_eq(run(O), "error month out of the years 1..9999");
    fresh();
    CODE(prog, O, OP_CONST, kmonth(prog, 2025, 1), OP_CONST, kint(prog, "13"), OP_SUB, RET_O);
    ck_assert_str_eq(run(O), "ok 2023-12");
    fresh();
    CODE(prog, O, OP_CONST, kmonth(prog, 2025, 3), OP_CONST, kmonth(prog, 2024, 1), OP_SUB, RET_O);
    ck_assert_str_eq(run(O), "ok 14");
    fresh();
    CODE(prog, O, OP_CONST, kdate(prog, 2025, 3, 1), OP_CONST, kdate(prog, 2025, 1, 1), OP_MAX, RET_O);
    ck_assert_str_eq(run(O), "ok 2025-03-01");
    fresh();
    CODE(prog, O, OP_CONST, kmonth(prog, 2025, 3), OP_CONST, kmonth(prog, 2025, 1), OP_MIN, RET_O);
    ck_assert_str_eq(run(O), "ok 2025-01");
}
END_TEST

/* 10^2400 (three 800-digit factors) plus 10^-400 needs more than the 8192
 * bits a coefficient may have */
/* 10^2400 (three 800-digit factors) plus 10^-400 needs more than the 8192
 * bits a coefficient may have */
static const char *big400(void)
{
    static char b[410];
    memset(b, '9', 400);
    strcpy(b + 400, "e400");
    return b;
}

START_TEST(arithmetic)
{
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_CONST, ktext(prog, "x"), OP_ADD, RET_O);
    ck_assert_str_eq(run(O), "error expected a number, found a text");
    fresh();
    CODE(prog, O, OP_CONST, kbool(prog, 1), OP_CONST, knum(prog, "1"), OP_MUL, RET_O);
    ck_assert_str_eq(run(O), "error expected a number, found a boolean");
    for (int sub = 0; sub < 2; sub++) {
        fresh();
        uint32_t big = knum(prog, big400()), tiny = knum(prog, "1e-400");
        CODE(prog, O, OP_CONST, big, OP_CONST, big, OP_MUL, OP_CONST, big, OP_MUL, OP_CONST, tiny, sub ? OP_SUB : OP_ADD,
             RET_O);
        ck_assert_str_eq(run(O), "error number too large or too precise");
    }
    fresh();
    uint32_t big = knum(prog, big400());
    CODE(prog, O, OP_CONST, big, OP_CONST, big, OP_MUL, OP_CONST, big, OP_MUL, OP_CONST, knum(prog, "1e10"), OP_MUL, OP_ROUND,
         60, 0, RET_O); /* 2470 digits */
    ck_assert_str_eq(run(O), "error number too large or too precise");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "x"), OP_NEG, RET_O);
    ck_assert_str_eq(run(O), "error expected a number, found a text");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "x"), OP_ROUND, 2, 0, RET_O);
    ck_assert_str_eq(run(O), "error expected a number, found a text");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "2.5"), OP_NEG, RET_O);
    ck_assert_str_eq(run(O), "ok -2.5");
}
END_TEST

START_TEST(comparisons_and_conditions)
{
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_CONST, ktext(prog, "1"), OP_EQ, RET_O);
    ck_assert_str_eq(run(O), "error cannot compare a number with a text");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "1"), OP_CONST, knum(prog, "1"), OP_LT, RET_O);
    ck_assert_str_eq(run(O), "error cannot compare a text with a number");
    fresh();
    CODE(prog, O, OP_CONST, kdate(prog, 2025, 1, 1), OP_CONST, kmonth(prog, 2025, 1), OP_GE, RET_O);
    ck_assert_str_eq(run(O), "error cannot compare a date with a month");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "乙"), OP_CONST, ktext(prog, "甲"), OP_GT, RET_O);
    ck_assert_str_eq(run(O), "ok false"); /* by code point: 乙 U+4E59 before 甲 U+7532 */
}
END_TEST


START_TEST(booleans_enums_locals)
{
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_NOT, RET_O);
    ck_assert_str_eq(run(O), "error expected a boolean, found a number");
    fresh();
    uint32_t e = prog->rules[O].entry;
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_JMPF, e + 4, OP_CONST, knum(prog, "2"), RET_O);
    ck_assert_str_eq(run(O), "error expected a boolean condition, found a number");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_FIELD, enum_named(prog, "档次"), 0, RET_O);
    ck_assert_str_eq(run(O), "error expected a member of 档次, found a number");
    /* a member of one enumeration read as a member of another with fewer */
    fresh();
    CODE(prog, O, OP_CONST, kadd(prog, PT_ENUM, NULL, 2, enum_named(prog, "档次"), NULL), OP_FIELD, enum_named(prog, "单"), 0,
         RET_O);
    ck_assert_str_eq(run(O), "error expected a member of 单, found a enum");
    fresh();
    CODE(prog, O, OP_CONST, kadd(prog, PT_ENUM, NULL, 2, enum_named(prog, "档次"), NULL), OP_FIELD, enum_named(prog, "档次"),
         0, RET_O);
    ck_assert_str_eq(run(O), "ok 0.09");
    /* SWITCH: straight to the target of the member's JMP in its table */
    for (int m = 0; m < 3; m++) {
        static const char *const want_m[] = {"ok 10", "ok 10", "ok 30"};
        fresh();
        e = prog->rules[O].entry;
        CODE(prog, O, OP_CONST, kadd(prog, PT_ENUM, NULL, m, enum_named(prog, "档次"), NULL), OP_SWITCH, enum_named(prog, "档次"),
             OP_JMP, e + 10, OP_JMP, e + 10, OP_JMP, e + 14, OP_CONST, kint(prog, "10"), RET_O, OP_CONST, kint(prog, "30"), RET_O);
        ck_assert_str_eq(run(O), want_m[m]);
    }
    fresh();
    e = prog->rules[O].entry;
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_SWITCH, enum_named(prog, "档次"), OP_JMP, e + 10, OP_JMP, e + 10, OP_JMP, e + 10,
         OP_CONST, kint(prog, "10"), RET_O);
    ck_assert_str_eq(run(O), "error expected a member of 档次, found a number");
    /* a member of 档次 (its third) where 单, of one member, is switched on */
    fresh();
    e = prog->rules[O].entry;
    CODE(prog, O, OP_CONST, kadd(prog, PT_ENUM, NULL, 2, enum_named(prog, "档次"), NULL), OP_SWITCH, enum_named(prog, "单"),
         OP_JMP, e + 6, OP_CONST, kint(prog, "10"), RET_O);
    ck_assert_str_eq(run(O), "error expected a member of 单, found a enum");
    fresh();
    prog->rules[O].nlocals = 1;
    CODE(prog, O, OP_LOCAL, 0, RET_O);
    ck_assert_str_eq(run(O), "error local slot read before it was set");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_CONST, knum(prog, "2"), OP_POP, RET_O);
    ck_assert_str_eq(run(O), "ok 1");
    /* a match: the SWITCH sends member 1 to the first arm, the others to the second; ARM and ARMVAL do nothing untraced */
    for (int m = 0; m < 3; m++) {
        fresh();
        prog->rules[O].nlocals = 1;
        e = prog->rules[O].entry;
        uint32_t en = enum_named(prog, "档次");
        CODE(prog, O, OP_CONST, kadd(prog, PT_ENUM, NULL, m, en, NULL), OP_SWITCH, en, OP_JMP, e + 18, OP_JMP, e + 10, OP_JMP, e + 18,
             OP_ARM, 0, OP_CONST, knum(prog, "7"), OP_ARMVAL, 0, OP_JMP, e + 24, OP_ARM, 0, OP_CONST, knum(prog, "8"), OP_ARMVAL, 0,
             RET_O);
        ck_assert_str_eq(run(O), m == 1 ? "ok 7" : "ok 8");
    }
}
END_TEST

START_TEST(calendar)
{
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_MONTH_OF, RET_O);
    ck_assert_str_eq(run(O), "error expected a date, found a number");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "x"), OP_YEAR_OF, RET_O);
    ck_assert_str_eq(run(O), "error expected a date or month, found a text");
    fresh();
    CODE(prog, O, OP_CONST, kmonth(prog, 2025, 7), OP_MONTH_NUM, RET_O);
    ck_assert_str_eq(run(O), "ok 7");
    fresh();
    CODE(prog, O, OP_CONST, kdate(prog, 2025, 1, 1), OP_FIRST_DAY, RET_O);
    ck_assert_str_eq(run(O), "error expected a month, found a date");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "2025"), OP_CONST, kint(prog, "1"), OP_CONST, kint(prog, "1"), OP_MKDATE, RET_O);
    ck_assert_str_eq(run(O), "error a date is built from whole numbers");
    fresh();
    CODE(prog, O, OP_CONST, kint(prog, "2025"), OP_CONST, knum(prog, "1.5"), OP_MKMONTH, RET_O);
    ck_assert_str_eq(run(O), "error a date is built from whole numbers");
    static const struct { const char *y, *m, *d, *want; } dates[] = {
        {"0", "1", "1", "error 0-1-1 is not a calendar date"},
        {"10000", "1", "1", "error 10000-1-1 is not a calendar date"},
        {"2025", "0", "1", "error 2025-0-1 is not a calendar date"},
        {"2025", "13", "1", "error 2025-13-1 is not a calendar date"},
        {"2025", "1", "0", "error 2025-1-0 is not a calendar date"},
        {"2025", "1", "32", "error 2025-1-32 is not a calendar date"},
        {"2025", "2", "29", "error 2025-2-29 is not a calendar date"},
        {"2024", "2", "29", "ok 2024-02-29"},
        {"2025", "13", NULL, "error 2025-13 is not a calendar month"},
        {"9999", "12", NULL, "ok 9999-12"},
    };
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        fresh();
        uint32_t y = kint(prog, dates[i].y), m = kint(prog, dates[i].m);
        if (dates[i].d)
            CODE(prog, O, OP_CONST, y, OP_CONST, m, OP_CONST, kint(prog, dates[i].d), OP_MKDATE, RET_O);
        else
            CODE(prog, O, OP_CONST, y, OP_CONST, m, OP_MKMONTH, RET_O);
        ck_assert_str_eq(run(O), dates[i].want);
    }
}
END_TEST

START_TEST(add_months)
{
    static const struct { int what; const char *n, *want; } cases[] = {
        /* what: 0 the date 2025-01-31, 1 the month 9999-12, 2 a text */
        {0, "x", "error add_months needs a whole number of months"},
        {0, "1.5", "error add_months needs a whole number of months"},
        {0, "-120001", "error add_months by -120001 months goes out of the years 1..9999"},
        {0, "120001", "error add_months by 120001 months goes out of the years 1..9999"},
        {0, "1", "ok 2025-02-28"},
        {0, "-24300", "error date out of the years 1..9999"},
        {0, "100000", "error date out of the years 1..9999"},
        {1, "1", "error month out of the years 1..9999"},
        {1, "-119987", "ok 0001-01"},
        {1, "-119988", "error month out of the years 1..9999"},
        {2, "1", "error add_months needs a date or a month, found a text"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fresh();
        uint32_t a = cases[i].what == 0 ? kdate(prog, 2025, 1, 31) : cases[i].what == 1 ? kmonth(prog, 9999, 12) : ktext(prog, "x");
        uint32_t n = strcmp(cases[i].n, "x") == 0 ? ktext(prog, "x") : knum(prog, cases[i].n);
        CODE(prog, O, OP_CONST, a, OP_CONST, n, OP_ADD_MONTHS, CD_END_DOWN, RET_O);
        ck_assert_msg(strcmp(run(O), cases[i].want) == 0, "case %zu: %s", i, result);
    }
    /* the month-end rules: a day the target month has is kept by each */
    static const struct { int y, m, d; const char *n; cd_month_end rule; const char *want; } ends[] = {
        {2025, 1, 31, "1", CD_END_DOWN, "ok 2025-02-28"},
        {2025, 1, 31, "1", CD_END_UP, "ok 2025-03-01"},
        {2000, 2, 29, "216", CD_END_UP, "ok 2018-03-01"},
        {2024, 1, 31, "1", CD_END_UP, "ok 2024-03-01"},
        {2025, 1, 31, "2", CD_END_UP, "ok 2025-03-31"},
        {2025, 1, 31, "2", CD_END_STRICT, "ok 2025-03-31"},
        {2025, 3, 31, "-1", CD_END_UP, "ok 2025-03-01"},
        {9999, 10, 31, "1", CD_END_UP, "ok 9999-12-01"},
        {9999, 10, 31, "1", CD_END_DOWN, "ok 9999-11-30"},
        {2000, 2, 29, "216", CD_END_STRICT,
         "error 2000-02-29 moved by 216 months falls on 2018-02-29, which does not exist; say which day is meant: "
         "add_months(..., down) gives 2018-02-28, add_months(..., up) gives the 1st of the next month (or set month_end in the header)"},
    };
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        fresh();
        uint32_t a = kdate(prog, ends[i].y, ends[i].m, ends[i].d), n = knum(prog, ends[i].n);
        CODE(prog, O, OP_CONST, a, OP_CONST, n, OP_ADD_MONTHS, (uint32_t)ends[i].rule, RET_O);
        ck_assert_msg(strcmp(run(O), ends[i].want) == 0, "end %zu: %s", i, result);
    }
}
END_TEST

/* CLAMP, WITHIN and TOINT: every kind they take, and the tags they refuse */
START_TEST(clamp_within_toint)
{
    static const struct { pol_opcode op; int kind; const char *x, *lo, *hi, *want; } cases[] = {
        /* kind: 0 numbers (x, lo, hi as written), 1 dates (days of March 2025), 2 months (of 2025),
         * 3 x a text, 4 lo a date with numbers, 5 hi a month with dates */
        {OP_CLAMP, 0, "5", "1", "9", "ok 5"},
        {OP_CLAMP, 0, "-5", "1", "9", "ok 1"},
        {OP_CLAMP, 0, "12.5", "1", "9.25", "ok 9.25"},
        {OP_CLAMP, 0, "5", "5", "5", "ok 5"},
        {OP_CLAMP, 0, "5", "9", "1", "error clamp: the lower bound 9 is above the upper bound 1"},
        {OP_CLAMP, 1, "1", "5", "9", "ok 2025-03-05"},
        {OP_CLAMP, 1, "20", "5", "9", "ok 2025-03-09"},
        {OP_CLAMP, 1, "7", "9", "5", "error clamp: the lower bound 2025-03-09 is after the upper bound 2025-03-05"},
        {OP_CLAMP, 2, "1", "5", "9", "ok 2025-05"},
        {OP_CLAMP, 2, "7", "9", "5", "error clamp: the lower bound 2025-09 is after the upper bound 2025-05"},
        {OP_CLAMP, 3, "1", "5", "9", "error clamp needs three numbers, dates or months, found a text, a number and a number"},
        {OP_CLAMP, 4, "1", "5", "9", "error clamp needs three numbers, dates or months, found a number, a date and a number"},
        {OP_CLAMP, 5, "1", "5", "9", "error clamp needs three numbers, dates or months, found a date, a date and a month"},
        {OP_WITHIN, 0, "5", "5", "9", "ok true"},
        {OP_WITHIN, 0, "9", "5", "9", "ok true"},
        {OP_WITHIN, 0, "9.01", "5", "9", "ok false"},
        {OP_WITHIN, 0, "4.99", "5", "9", "ok false"},
        {OP_WITHIN, 0, "7", "9", "5", "ok false"},
        {OP_WITHIN, 1, "9", "5", "9", "ok true"},
        {OP_WITHIN, 1, "10", "5", "9", "ok false"},
        {OP_WITHIN, 2, "4", "5", "9", "ok false"},
        {OP_WITHIN, 2, "5", "5", "9", "ok true"},
        {OP_WITHIN, 3, "1", "5", "9", "error 'in' needs three numbers, dates or months, found a text, a number and a number"},
        {OP_WITHIN, 5, "1", "5", "9", "error 'in' needs three numbers, dates or months, found a date, a date and a month"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fresh();
        int k = cases[i].kind;
        uint32_t v[3];
        const char *w[3] = {cases[i].x, cases[i].lo, cases[i].hi};
        for (int j = 0; j < 3; j++) {
            int day = atoi(w[j]);
            if (k == 1 || (k == 5 && j < 2) || (k == 4 && j == 1))
                v[j] = kdate(prog, 2025, 3, day);
            else if (k == 2 || (k == 5 && j == 2))
                v[j] = kmonth(prog, 2025, day);
            else if (k == 3 && j == 0)
                v[j] = ktext(prog, "x");
            else
                v[j] = knum(prog, w[j]);
        }
        CODE(prog, O, OP_CONST, v[0], OP_CONST, v[1], OP_CONST, v[2], cases[i].op, RET_O);
        ck_assert_msg(strcmp(run(O), cases[i].want) == 0, "case %zu: %s", i, result);
    }
    /* TOINT: every mode, on a tie and off it, and a tag it refuses */
    static const struct { const char *x; dec_mode m; const char *want; } ti[] = {
        {"2.5", DEC_HALF_UP, "ok 3"}, {"-2.5", DEC_HALF_UP, "ok -3"}, {"2.5", DEC_HALF_EVEN, "ok 2"},
        {"3.5", DEC_HALF_EVEN, "ok 4"}, {"-2.7", DEC_DOWN, "ok -2"}, {"2.1", DEC_UP, "ok 3"},
        {"-2.1", DEC_FLOOR, "ok -3"}, {"-2.9", DEC_CEILING, "ok -2"}, {"7", DEC_FLOOR, "ok 7"},
        {"123456789012345678901234567890.5", DEC_DOWN, "ok 123456789012345678901234567890"},
    };
    for (size_t i = 0; i < sizeof ti / sizeof *ti; i++) {
        fresh();
        CODE(prog, O, OP_CONST, knum(prog, ti[i].x), OP_TOINT, (uint32_t)ti[i].m, RET_O);
        ck_assert_msg(strcmp(run(O), ti[i].want) == 0, "toint %zu: %s", i, result);
    }
    fresh();
    CODE(prog, O, OP_CONST, kdate(prog, 2025, 1, 1), OP_TOINT, 0, RET_O);
    ck_assert_str_eq(run(O), "error expected a number, found a date");
    /* ROUNDV: the mode from the stack; a value that is no mode is refused */
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "37.035"), OP_CONST, kadd(prog, PT_ROUNDING, NULL, DEC_DOWN, 0, NULL), OP_ROUNDV, 2, RET_O);
    ck_assert_str_eq(run(O), "ok 37.03");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "-2.5"), OP_CONST, kadd(prog, PT_ROUNDING, NULL, DEC_HALF_EVEN, 0, NULL), OP_ROUNDV, 0, RET_O);
    ck_assert_str_eq(run(O), "ok -2");
    fresh();
    CODE(prog, O, OP_CONST, knum(prog, "1"), OP_CONST, knum(prog, "1"), OP_ROUNDV, 0, RET_O);
    ck_assert_str_eq(run(O), "error expected a rounding mode, found a number");
    fresh();
    CODE(prog, O, OP_CONST, ktext(prog, "x"), OP_CONST, kadd(prog, PT_ROUNDING, NULL, DEC_UP, 0, NULL), OP_ROUNDV, 0, RET_O);
    ck_assert_str_eq(run(O), "error expected a number, found a text");
}
END_TEST

/* ------------------------------------------------------------ the memo */

#define F rule_named(prog, "f")

START_TEST(memo_keys)
{
    /* f is the identity; o calls it twice with each argument: the second
     * call comes from the memo when the argument can be a key */
    static const char *const args[] = {"5", "1.5", "2199023255552", "-2199023255552", "1000000000000000000000000000000"};
    static const char *const twice[] = {"ok 10", "ok 3", "ok 4398046511104", "ok -4398046511104",
                                        "ok 2000000000000000000000000000000"};
    for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
        fresh();
        CODE(prog, F, OP_LOCAL, 0, OP_RET, F);
        uint32_t k = knum(prog, args[i]);
        CODE(prog, O, OP_CONST, k, OP_CALL, F, 1, OP_CONST, k, OP_CALL, F, 1, OP_ADD, RET_O);
        ck_assert_str_eq(run(O), twice[i]);
    }
    /* a text argument cannot be a key: neither when the result is stored
     * nor, with something in the memo, when it is looked up */
    fresh();
    CODE(prog, F, OP_LOCAL, 0, OP_RET, F);
    uint32_t t = ktext(prog, "甲");
    CODE(prog, O, OP_CONST, kint(prog, "1"), OP_CALL, F, 1, OP_POP, OP_CONST, t, OP_CALL, F, 1, OP_CONST, t, OP_CALL, F, 1,
         OP_EQ, RET_O);
    ck_assert_str_eq(run(O), "ok true");
    /* a function that changes its own argument stores its result under the
     * changed one: the second call misses the memo and finds its key there */
    fresh();
    CODE(prog, F, OP_CONST, kint(prog, "2"), OP_SETLOCAL, 0, OP_LOCAL, 0, OP_RET, F);
    uint32_t one = kint(prog, "1");
    CODE(prog, O, OP_CONST, one, OP_CALL, F, 1, OP_CONST, one, OP_CALL, F, 1, OP_ADD, RET_O);
    ck_assert_str_eq(run(O), "ok 4");
}
END_TEST

START_TEST(memo_full)
{
    /* 600,000 different arguments: the memo grows, rehashing what it holds,
     * up to its limit of 2^20 slots (half of them used), then stops storing;
     * the results stay right */
    fresh();
    CODE(prog, F, OP_LOCAL, 0, OP_RET, F);
    uint32_t e = prog->rules[O].entry;
    prog->rules[O].nlocals = 1;
    CODE(prog, O, OP_CONST, kint(prog, "0"), OP_SETLOCAL, 0,   /* e+0  i := 0   */
         OP_LOCAL, 0, OP_CALL, F, 1, OP_POP,                   /* e+4  f(i)     */
         OP_LOCAL, 0, OP_CONST, kint(prog, "1"), OP_ADD, OP_SETLOCAL, 0, /* e+10 i := i + 1 */
         OP_LOCAL, 0, OP_CONST, kint(prog, "600000"), OP_LT, OP_JMPF, e + 26, OP_JMP, e + 4,
         OP_LOCAL, 0, OP_CALL, F, 1, RET_O);                   /* e+26 f(i)     */
    verify_ok(prog);
    vm_state *s = vm_new(prog);
    s->max_steps = 0;
    ck_assert_str_eq(eval_state(s, O), "ok 600000");
    ck_assert_uint_eq(s->memo_cap, 1u << 20);
    ck_assert_uint_eq(s->memo_n, 1u << 19);
    vm_free(s);
}
END_TEST

START_TEST(step_limit_and_roots)
{
    /* o is CONST, CONST, ADD, RET: four steps.  The limit is per scenario
     * and exact; vm_eval_roots evaluates a list in one run and counts the
     * same steps as one rule at a time. */
    fresh();
    CODE(prog, O, OP_CONST, kint(prog, "2"), OP_CONST, kint(prog, "3"), OP_ADD, RET_O);
    uint32_t a = rule_named(prog, "a");
    CODE(prog, a, OP_CONST, kint(prog, "5"), OP_RET, a);
    verify_ok(prog);
    vm_state *s = vm_new(prog);
    s->max_steps = 4;
    ck_assert_str_eq(eval_state(s, O), "ok 5");
    ck_assert_uint_eq(s->steps, 4);
    ck_assert_str_eq(eval_state(s, O), "ok 5"); /* evaluated already: no step */
    ck_assert_str_eq(eval_state(s, a), "error evaluation exceeded 4 steps");
    vm_reset(s);
    s->max_steps = 3;
    ck_assert_str_eq(eval_state(s, O), "error evaluation exceeded 3 steps");
    vm_reset(s);
    s->max_steps = UINT64_MAX; /* the largest limit is no limit, not none left */
    ck_assert_str_eq(eval_state(s, O), "ok 5");

    /* [o, a, o]: o and a in one run (six steps); the second o is evaluated
     * already, which ends the run; called again for it, it counts */
    const uint32_t list[] = {O, a, O};
    vm_error err;
    memset(&err, 0, sizeof err);
    vm_reset(s);
    s->max_steps = 6;
    uint32_t done = 0;
    ck_assert_int_eq(vm_eval_roots(s, list, 3, &done, &err), 0);
    ck_assert_uint_eq(done, 2);
    ck_assert_uint_eq(s->steps, 6);
    ck_assert_int_eq(vm_eval_roots(s, list, 3, &done, &err), 0);
    ck_assert_uint_eq(done, 3);
    ck_assert_str_eq(vm_value_text(&s->rules[a], 0, result, sizeof result) ? result : "", "5");
    /* one step short: o has its value, a fails, and says so */
    vm_reset(s);
    s->max_steps = 5;
    done = 0;
    ck_assert_int_ne(vm_eval_roots(s, list, 3, &done, &err), 0);
    ck_assert_uint_eq(done, 1);
    ck_assert_str_eq(err.msg, "evaluation exceeded 5 steps");
    ck_assert_int_eq(s->rstate[O], VM_DONE);
    ck_assert_int_ne(s->rstate[a], VM_DONE);
    vm_free(s);
}
END_TEST

START_TEST(memo_dense)
{
    /* a one-argument function of an integer keeps its results in an array
     * by argument: f(1000) down to f(1) grow the window downwards, f(1000)
     * again is a hit, f(10^9) is too far from the window and goes to the
     * hash table.  Evaluated twice in one state, the second time after the
     * generation wraps (2^32 scenarios): nothing of the first run is taken
     * for the second's */
    fresh();
    CODE(prog, F, OP_LOCAL, 0, OP_RET, F);
    uint32_t e = prog->rules[O].entry, k1000 = kint(prog, "1000"), far = kint(prog, "1000000000");
    prog->rules[O].nlocals = 1;
    CODE(prog, O, OP_CONST, k1000, OP_SETLOCAL, 0,                    /* e+0  i := 1000 */
         OP_LOCAL, 0, OP_CALL, F, 1, OP_POP,                          /* e+4  f(i)      */
         OP_LOCAL, 0, OP_CONST, kint(prog, "1"), OP_SUB, OP_SETLOCAL, 0, /* e+10 i := i - 1 */
         OP_LOCAL, 0, OP_CONST, kint(prog, "0"), OP_GT, OP_JMPF, e + 26, OP_JMP, e + 4,
         OP_CONST, k1000, OP_CALL, F, 1, OP_CONST, far, OP_CALL, F, 1, OP_ADD, /* e+26 */
         OP_CONST, far, OP_CALL, F, 1, OP_ADD, RET_O);
    verify_ok(prog);
    vm_state *s = vm_new(prog);
    ck_assert_str_eq(eval_state(s, O), "ok 2000001000");
    ck_assert_uint_eq(s->dense_n, 1000);
    ck_assert_uint_eq(s->memo_n, 1);
    s->memo_gen = UINT32_MAX; /* as if 2^32 scenarios had run: the next reset really clears */
    vm_reset(s);
    ck_assert_uint_eq(s->memo_gen, 1);
    ck_assert_uint_eq(s->dense_n, 0);
    ck_assert_str_eq(eval_state(s, O), "ok 2000001000");
    ck_assert_uint_eq(s->dense_n, 1000);
    vm_free(s);
    /* a function that changes its own argument: f(1) is stored under 2 in
     * the window, as in the hash table */
    fresh();
    CODE(prog, F, OP_CONST, kint(prog, "2"), OP_SETLOCAL, 0, OP_LOCAL, 0, OP_RET, F);
    uint32_t one = kint(prog, "1");
    CODE(prog, O, OP_CONST, one, OP_CALL, F, 1, OP_CONST, one, OP_CALL, F, 1, OP_ADD, RET_O);
    ck_assert_str_eq(run(O), "ok 4");
}
END_TEST

START_TEST(heap_chunks)
{
    /* records are cut from chunks of 64 KiB; a block larger than that gets
     * a chunk of its own, behind the current one; a reset keeps up to 4 MiB
     * of chunks, emptied, and a block takes the smallest that fits */
    fresh();
    CODE(prog, O, OP_CONST, kint(prog, "1"), RET_O);
    verify_ok(prog);
    vm_state *s = vm_new(prog);
    vm_val *a = vm_heap_vals(&s->heap, 10), *big = vm_heap_vals(&s->heap, 10000), *b = vm_heap_vals(&s->heap, 10);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(big);
    ck_assert_ptr_nonnull(b);
    ck_assert(b > a && (size_t)((char *)b - (char *)a) < 2048); /* b follows a in the same chunk */
    static const char huge[] = "1000000000000000000000000000000"; /* a GMP coefficient: cleared by the reset */
    ck_assert_int_eq(dec_parse(&big[9999].d, huge, strlen(huge)), DEC_OK);
    ck_assert_int_ne(big[9999].d.kind, DEC_K_SMALL);
    vm_reset(s);
    ck_assert_ptr_null(s->heap.blocks);
    ck_assert_ptr_null(s->heap.chunks);
    ck_assert_ptr_nonnull(s->heap.spare);
    ck_assert_ptr_eq(vm_heap_vals(&s->heap, 10), a);          /* the small spare, from its start */
    ck_assert_ptr_eq(vm_heap_vals(&s->heap, 10000), big); /* the big one: the only spare that fits */
    vm_reset(s);
    /* 5 MiB: more than a reset keeps; freed, and the others stay */
    ck_assert_ptr_nonnull(vm_heap_vals(&s->heap, ((size_t)5 << 20) / sizeof(vm_val)));
    vm_reset(s);
    ck_assert_ptr_nonnull(s->heap.spare);
    ck_assert_ptr_eq(vm_heap_vals(&s->heap, 10), a);
    vm_free(s);
}
END_TEST

/* ------------------------------------------------ helpers called directly */

START_TEST(heap_limits)
{
    vm_heap h = {0};
    /* the default limit, 256 MiB: more values than fit are refused at once */
    ck_assert_ptr_null(vm_heap_vals(&h, ((size_t)256 << 20) / sizeof(vm_val) + 1));
    h.limit = 100;
    ck_assert_ptr_null(vm_heap_vals(&h, 2));
    ck_assert_ptr_null(vm_heap_bytes(&h, 1000));
    h.limit = 1;
    ck_assert_ptr_null(vm_heap_list(&h));
    ck_assert_ptr_null(h.blocks);
    ck_assert_uint_eq(h.bytes, 0);
}
END_TEST

START_TEST(equal_const)
{
    vm_val v;
    memset(&v, 0, sizeof v);
    dec_init(&v.d);
    bc_const k;
    memset(&k, 0, sizeof k);
    dec_init(&k.num);
    v.t = PT_TEXT;
    v.s = "甲";
    k.type = PT_BOOL;
    ck_assert(!vm_equal_const(&v, &k));     /* another type */
    k.type = PT_TEXT;
    k.text = "甲";
    ck_assert(vm_equal_const(&v, &k));
    k.text = NULL;
    ck_assert(!vm_equal_const(&v, &k));
    v.s = NULL;
    k.text = "甲";
    ck_assert(!vm_equal_const(&v, &k));
    v.t = k.type = PT_DATE;
    v.i = k.i = 7;
    ck_assert(vm_equal_const(&v, &k));
    v.t = PT_MONEY;
    dec_set_i64(&v.d, 7);
    ck_assert(!vm_equal_const(&v, &k));     /* a number is never a date */
    k.type = PT_INT;
    dec_set_i64(&k.num, 7);
    ck_assert(vm_equal_const(&v, &k));
}
END_TEST

START_TEST(value_text)
{
    char buf[64];
    vm_val v;
    memset(&v, 0, sizeof v);
    dec_init(&v.d);
    v.t = PT_VOID;
    ck_assert(!vm_value_text(&v, 0, buf, sizeof buf));
    ck_assert_str_eq(buf, "(no value)");
    v.t = PT_ENUM;
    v.i = 2;
    ck_assert(vm_value_text(&v, 0, buf, sizeof buf));
    ck_assert_str_eq(buf, "#2");
    v.t = PT_TEXT;
    v.s = NULL;
    ck_assert(vm_value_text(&v, 0, buf, sizeof buf));
    ck_assert_str_eq(buf, "");
    v.t = PT_MONEY;
    dec_set_i64(&v.d, 123456);
    ck_assert(!vm_value_text(&v, 2, buf, 6));
    ck_assert_str_eq(buf, "numbe"); /* "number too long to print", cut to the buffer */
    ck_assert(vm_value_text(&v, 2, buf, sizeof buf));
    ck_assert_str_eq(buf, "123456.00");
}
END_TEST

Suite *cover_vm_suite(void);
Suite *cover_vm_suite(void)
{
    Suite *s = suite_create("cover_vm");
    TCase *tc = tcase_create("vm");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, base_program_runs);
    tcase_add_test(tc, parameter_lookups);
    tcase_add_test(tc, period_lookups);
    tcase_add_test(tc, rule_depends_on_itself);
    tcase_add_test(tc, function_calls_itself);
    tcase_add_test(tc, functions_call_each_other);
    tcase_add_test(tc, self_call_restores_locals);
    tcase_add_test(tc, totext);
    tcase_add_test(tc, records);
    tcase_add_test(tc, lists);
    tcase_add_test(tc, dates_and_months_move);
    tcase_add_test(tc, arithmetic);
    tcase_add_test(tc, comparisons_and_conditions);
    tcase_add_test(tc, booleans_enums_locals);
    tcase_add_test(tc, calendar);
    tcase_add_test(tc, add_months);
    tcase_add_test(tc, clamp_within_toint);
    tcase_add_test(tc, memo_keys);
    tcase_add_test(tc, memo_full);
    tcase_add_test(tc, memo_dense);
    tcase_add_test(tc, step_limit_and_roots);
    tcase_add_test(tc, heap_chunks);
    tcase_add_test(tc, heap_limits);
    tcase_add_test(tc, equal_const);
    tcase_add_test(tc, value_text);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cover_vm_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
