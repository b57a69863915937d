/* test_cover_bc.c -- the bytecode reader's, writer's and verifier's checks,
 * one by one (runtime/bytecode.c, runtime/verify.c).
 *
 * A small policy with records, enumerations, a function, a parameter and a
 * test is compiled in-process.  Each verifier test changes one thing in the
 * program (an operand, a type, a count, or a new block of hand-assembled
 * code for the last rule) and asserts bc_verify's exact message.  The reader
 * is given the policy's file cut at every length and re-sealed (bc_seal), and
 * files with one count made too large; the helpers that print constants,
 * rates, member and file names are called at their edges.  Run by
 * scripts/coverage.sh with the rest of the suite; see docs/robustness.md,
 * "Coverage".
 */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "caldate.h"
#include "compile.h"
#include "polint.h"

static const char *const SRC =
    "policy \"cover\" { region \"x\" }\n"
    "record 笔 (日: date, 额: money)\n"
    "record 人 (名: text)\n"
    "enum 档次 (费率: rate) {\n  一档 = (6%)\n  二档 = (7%)\n  三档 = (9%)\n}\n"
    "input n: integer\n"
    "input 日期: date\n"
    "input 档: 档次\n"
    "param 基数: money cite \"a\" {\n  2025-01-01.. = 4416 cite \"a\"\n}\n"
    "rule f(x: integer): integer = x + 1 cite \"x\"\n"
    "require 正: n > 0 cite \"x\"\n"
    "output 档费率: rate = 档.费率 cite \"x\"\n"
    "output 基: money = 基数[日期] cite \"x\"\n"
    "output 笔数: integer = length(list(m in 2025-01..2025-02: 笔(日 = 日期, 额 = 1))) cite \"x\"\n"
    "output 名: text = 人(名 = \"x\").名 cite \"x\"\n"
    "output o: integer = f(n) cite \"x\"\n"
    "test \"t\" {\n  n = 1\n  日期 = 2025-03-01\n  档 = 档次.二档\n  expect o = 2\n  expect 档费率 = 7%\n}\n";

static bc_program *compile_src(void)
{
    diag_ctx d;
    diag_init(&d);
    src_file *file = NULL;
    bc_program *p = pol_compile("cover.pol", SRC, strlen(SRC), &d, &file);
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

static uint32_t const_of(const bc_program *p, pol_type t)
{
    for (uint32_t i = 0; i < p->nconsts; i++)
        if (p->consts[i].type == t)
            return i;
    ck_abort_msg("no constant of type %s", pol_type_name(t));
    return 0;
}

/* The last rule's code becomes code[0..n), in a new block at the end. */
static void last_code(bc_program *p, const uint32_t *code, size_t n)
{
    uint32_t *nc = pol_arena_array(&p->arena, (size_t)p->ncode + n, sizeof *nc);
    memcpy(nc, p->code, p->ncode * sizeof *nc);
    memcpy(nc + p->ncode, code, n * sizeof *nc);
    bc_rule *x = &p->rules[p->nrules - 1];
    x->entry = p->ncode;
    x->end = p->ncode + (uint32_t)n;
    p->code = nc;
    p->ncode += (uint32_t)n;
}

#define CODE(p, ...)                                                                     \
    do {                                                                                 \
        const uint32_t code_[] = {__VA_ARGS__};                                          \
        last_code((p), code_, sizeof code_ / sizeof *code_);                             \
    } while (0)

static bc_program *prog;
static char msg[700];

/* bc_verify's message for prog (freed after), or "ok". */
static const char *verify(void)
{
    char err[600] = "";
    bool ok = bc_verify(prog, err, sizeof err);
    snprintf(msg, sizeof msg, "%s", ok ? "ok" : err);
    ck_assert(ok || err[0]);
    bc_free(prog);
    prog = NULL;
    return msg;
}

/* Formats the expected message (the pc of the new block's instructions). */
static const char *want(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *want(const char *fmt, ...)
{
    static char buf[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

static void fresh(void)
{
    if (prog)
        bc_free(prog);
    prog = compile_src();
}

static void teardown(void)
{
    if (prog)
        bc_free(prog);
    prog = NULL;
}

#define LAST (prog->nrules - 1)
#define E (prog->ncode) /* the entry of the block CODE() is about to add */

START_TEST(base_program_verifies)
{
    fresh();
    ck_assert_str_eq(prog->rules[LAST].name, "o");
    ck_assert_str_eq(verify(), "ok");
    /* a message cut to the caller's buffer */
    fresh();
    prog->name = NULL;
    char small[8];
    ck_assert(!bc_verify(prog, small, sizeof small));
    ck_assert_str_eq(small, "invalid");
}
END_TEST

START_TEST(operands)
{
    uint32_t e;
    fresh();
    e = E;
    CODE(prog, OP_CONST, 999, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: constant 999 out of range at %u", e));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 99, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: input 99 out of range at %u", e));
    fresh();
    e = E;
    CODE(prog, OP_RULE, 99, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: rule 99 out of range at %u", e));
    fresh();
    e = E;
    CODE(prog, OP_JMP, e - 1, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: jump target %u outside rule o at %u", e - 1, e));
    fresh();
    e = E;
    CODE(prog, OP_JMP, e + 4, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: jump target %u outside rule o at %u", e + 4, e));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 0, OP_ROUND, 61, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: rounding places 61 at %u", e + 2));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 0, OP_ROUND, (uint32_t)-61, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: rounding places -61 at %u", e + 2));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 0, OP_ROUND, 2, 99, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: rounding mode 99 at %u", e + 2));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 0, OP_INPUT, 0, OP_ADD_MONTHS, 3, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: month-end rule 3 at %u", e + 4));
    fresh();
    e = E;
    CODE(prog, OP_LISTVAL, 99, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: a list cannot hold values of type 99 (at %u)", e));
    fresh();
    e = E;
    CODE(prog, OP_LISTVAL, PT_ENUM, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: a list cannot hold values of type %u (at %u)", (unsigned)PT_ENUM, e));
    fresh();
    CODE(prog, OP_LISTVAL, PT_MONEY, OP_RET, LAST);
    ck_assert_str_eq(verify(), "ok");
    /* a list's tref: a record type, or POL_LIST_VALUES | a type a list may hold */
    fresh();
    prog->inputs[0].type = PT_LIST;
    prog->inputs[0].tref = POL_LIST_VALUES | PT_MONEY;
    ck_assert_str_eq(verify(), "ok");
    fresh();
    prog->inputs[0].type = PT_LIST;
    prog->inputs[0].tref = POL_LIST_VALUES | PT_ENUM;
    ck_assert_str_eq(verify(), "invalid bytecode: input 0 has invalid type");
    fresh();
    prog->inputs[0].type = PT_LIST;
    prog->inputs[0].tref = POL_LIST_VALUES | 0x100u | PT_MONEY;
    ck_assert_str_eq(verify(), "invalid bytecode: input 0 has invalid type");
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 2, OP_FIELD, 99, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: enumeration 99 out of range at %u", e + 2));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 2, OP_FIELD, 0, 1, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: field 1 out of range at %u", e + 2));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 0, OP_RFIELD, 1, 1, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: field 1 out of range at %u", e + 2));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 0, OP_RFIELD, 99, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: record type 99 out of range at %u", e + 2));
    fresh();
    e = E;
    CODE(prog, OP_LOCAL, 5, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: local slot 5 out of range at %u", e));
    fresh();
    e = E;
    CODE(prog, OP_CALL, rule_named(prog, "名"), 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: CALL of a rule that is not a function of 0 arguments at %u", e));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 0, OP_INPUT, 0, OP_CALL, rule_named(prog, "f"), 2, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: CALL of a rule that is not a function of 2 arguments at %u", e + 4));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 0, OP_CALL, rule_named(prog, "f"), 1, OP_RET, LAST);
    ck_assert_str_eq(verify(), "ok");
}
END_TEST

START_TEST(instructions)
{
    uint32_t e;
    fresh();
    e = E;
    CODE(prog, OP_RULE, rule_named(prog, "f"), OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: RULE of a function at %u", e));
    fresh();
    e = E;
    CODE(prog, OP_FAIL, const_of(prog, PT_INT), OP_INPUT, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: FAIL without a message at %u", e));
    fresh();
    e = E;
    CODE(prog, OP_APPLIED, const_of(prog, PT_INT), OP_INPUT, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: APPLIED without a message at %u", e));
    /* a match: SWITCH, then each arm ARM L, its code, ARMVAL L (a JMP to the end but after the last) */
    fresh();
    prog->rules[LAST].nlocals = 1;
    e = E;
    CODE(prog, OP_INPUT, 2, OP_SWITCH, 0, OP_JMP, e + 10, OP_JMP, e + 10, OP_JMP, e + 18, OP_ARM, 0, OP_INPUT, 0, OP_ARMVAL, 0,
         OP_JMP, e + 24, OP_ARM, 0, OP_INPUT, 0, OP_ARMVAL, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), "ok");
    fresh();
    prog->rules[LAST].nlocals = 1;
    e = E;
    CODE(prog, OP_INPUT, 2, OP_SWITCH, 0, OP_JMP, e + 10, OP_JMP, e + 10, OP_JMP, e + 10, OP_ARMVAL, 0, OP_INPUT, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: stack underflow at %u (ARMVAL)", e + 10));
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 0, OP_INPUT, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: RET with 2 values on the stack at %u", e + 4));
    fresh();
    e = E;
    CODE(prog, OP_JMP, e + 1, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: jump into the middle of an instruction at %u", e));
    /* SWITCH on 档次 (three members): a JMP per member, inside the block */
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 2, OP_SWITCH, 0, OP_JMP, e + 10, OP_JMP, e + 10, OP_JMP, e + 14, OP_INPUT, 0, OP_RET, LAST, OP_INPUT, 0,
         OP_RET, LAST);
    ck_assert_str_eq(verify(), "ok");
    fresh();
    e = E;
    CODE(prog, OP_INPUT, 2, OP_SWITCH, 99, OP_JMP, e + 10, OP_INPUT, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: enumeration 99 out of range at %u", e + 2));
    fresh(); /* a table of two where three are needed: the third is an INPUT */
    e = E;
    CODE(prog, OP_INPUT, 2, OP_SWITCH, 0, OP_JMP, e + 8, OP_JMP, e + 8, OP_INPUT, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: SWITCH at %u lacks the JMP of member 2 of its table", e + 2));
    fresh(); /* the table runs past the end of the block */
    e = E;
    CODE(prog, OP_INPUT, 0, OP_RET, LAST, OP_INPUT, 2, OP_SWITCH, 0, OP_JMP, e, OP_JMP, e);
    ck_assert_str_eq(verify(), want("invalid bytecode: SWITCH at %u lacks the JMP of member 2 of its table", e + 6));
    fresh(); /* a target out of the block */
    e = E;
    CODE(prog, OP_INPUT, 2, OP_SWITCH, 0, OP_JMP, e + 10, OP_JMP, e + 10, OP_JMP, e + 99, OP_INPUT, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: jump target %u outside rule o at %u", e + 99, e + 8));
    fresh(); /* into the middle of an instruction */
    e = E;
    CODE(prog, OP_INPUT, 2, OP_SWITCH, 0, OP_JMP, e + 10, OP_JMP, e + 11, OP_JMP, e + 10, OP_INPUT, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: jump into the middle of an instruction at %u", e + 6));
    fresh(); /* every entry is followed: the last member's lands on the RET with no value */
    e = E;
    CODE(prog, OP_INPUT, 2, OP_SWITCH, 0, OP_JMP, e + 10, OP_JMP, e + 10, OP_JMP, e + 12, OP_INPUT, 0, OP_RET, LAST);
    ck_assert_str_eq(verify(), want("invalid bytecode: stack underflow at %u (RET)", e + 12));
    /* 1,025 values on the stack */
    fresh();
    e = E;
    uint32_t *code = malloc(sizeof *code * 2100);
    size_t n = 0;
    for (int i = 0; i < 1025; i++) {
        code[n++] = OP_INPUT;
        code[n++] = 0;
    }
    code[n++] = OP_RET;
    code[n++] = LAST;
    last_code(prog, code, n);
    free(code);
    ck_assert_str_eq(verify(), want("invalid bytecode: stack deeper than 1024 at %u", e + 2 * 1024));
}
END_TEST

START_TEST(constants)
{
    uint32_t k;
    fresh();
    k = const_of(prog, PT_DATE);
    prog->consts[k].type = PT_MONTH;
    prog->consts[k].i = CD_MIN_MONTH - 1;
    ck_assert_str_eq(verify(), want("invalid bytecode: constant %u is a date or month outside the years 1..9999", k));
    fresh();
    k = const_of(prog, PT_ENUM);
    prog->consts[k].tref = 99;
    ck_assert_str_eq(verify(), want("invalid bytecode: constant %u malformed", k));
    fresh();
    k = const_of(prog, PT_ENUM);
    prog->consts[k].i = -1;
    ck_assert_str_eq(verify(), want("invalid bytecode: constant %u malformed", k));
    fresh();
    k = const_of(prog, PT_ENUM);
    prog->consts[k].i = 3;
    ck_assert_str_eq(verify(), want("invalid bytecode: constant %u malformed", k));
    static const uint8_t bad_types[] = {PT_VOID, PT__COUNT, PT_RECORD, PT_LIST};
    for (size_t i = 0; i < sizeof bad_types; i++) {
        fresh();
        k = const_of(prog, PT_DATE);
        prog->consts[k].type = bad_types[i];
        prog->consts[k].tref = 0;
        ck_assert_str_eq(verify(), want("invalid bytecode: constant %u malformed", k));
    }
    fresh();
    k = const_of(prog, PT_TEXT);
    prog->consts[k].text = NULL;
    ck_assert_str_eq(verify(), want("invalid bytecode: constant %u malformed", k));
}
END_TEST

START_TEST(records_and_enums)
{
    static const struct { uint8_t type; uint32_t tref; } bad[] = {{PT_RECORD, 0}, {PT_LIST, 0}, {PT_ENUM, 99}};
    for (size_t i = 0; i < 3; i++) {
        fresh();
        prog->records[0].fields[0].type = bad[i].type;
        prog->records[0].fields[0].tref = bad[i].tref;
        ck_assert_str_eq(verify(), "invalid bytecode: record type 笔 field 0 malformed");
        fresh();
        prog->enums[0].fields[0].type = bad[i].type;
        prog->enums[0].fields[0].tref = bad[i].tref;
        ck_assert_str_eq(verify(), "invalid bytecode: enumeration 档次 field 0 malformed");
    }
    fresh();
    prog->enums[0].members[1].values[0] = 999;
    ck_assert_str_eq(verify(), "invalid bytecode: enumeration 档次 member 1 field 0 malformed");
    fresh();
    prog->enums[0].members[1].values[0] = const_of(prog, PT_TEXT);
    ck_assert_str_eq(verify(), "invalid bytecode: enumeration 档次 member 1 field 0 malformed");
}
END_TEST

START_TEST(parameters_tests_rules)
{
    fresh();
    prog->params[0].nversions = 0;
    ck_assert_str_eq(verify(), "invalid bytecode: parameter 基数 has 0 versions");
    /* a test's stated clause must be a text */
    fresh();
    ck_assert_uint_eq(prog->ntests, 1);
    prog->tests[0].expect[0].stated = 1;
    prog->tests[0].expect[0].cite_k = const_of(prog, PT_INT);
    ck_assert_str_eq(verify(), "invalid bytecode: test 0 expectation out of range");
    fresh();
    prog->tests[0].expect[0].stated = 1;
    prog->tests[0].expect[0].cite_k = const_of(prog, PT_TEXT);
    ck_assert_str_eq(verify(), "ok");
    /* a test input computed by a rule: not by a function, not out of range */
    fresh();
    prog->tests[0].given[0].rule = rule_named(prog, "f");
    ck_assert_str_eq(verify(), "invalid bytecode: test 0 input out of range");
    fresh();
    prog->tests[0].given[0].rule = 99;
    ck_assert_str_eq(verify(), "invalid bytecode: test 0 input out of range");
    fresh();
    prog->tests[0].given[0].rule = rule_named(prog, "名");
    ck_assert_str_eq(verify(), "ok");
    /* flags a rule may not have */
    uint32_t r;
    fresh();
    r = rule_named(prog, "f");
    prog->rules[r].is_output = 1;
    ck_assert_str_eq(verify(), want("invalid bytecode: rule %u malformed", r));
    fresh();
    r = rule_named(prog, "f");
    prog->rules[r].is_constraint = 1;
    ck_assert_str_eq(verify(), want("invalid bytecode: rule %u malformed", r));
    fresh();
    r = rule_named(prog, "正");
    ck_assert(prog->rules[r].is_constraint);
    prog->rules[r].is_output = 1;
    ck_assert_str_eq(verify(), want("invalid bytecode: rule %u malformed", r));
    fresh();
    r = rule_named(prog, "正");
    prog->rules[r].type = PT_TEXT;
    ck_assert_str_eq(verify(), want("invalid bytecode: rule %u malformed", r));
    fresh();
    r = rule_named(prog, "正");
    prog->rules[r].type = PT_INT;
    ck_assert_str_eq(verify(), "ok");
    fresh();
    prog->rules[0].nlocals = 65537;
    ck_assert_str_eq(verify(), "invalid bytecode: too many local slots");
}
END_TEST

/* ---------------------------------------------------------------- reader */

static uint8_t *bytes;
static size_t nbytes;

static void write_prog(void)
{
    free(bytes);
    bc_write(prog, &bytes, &nbytes);
    bc_free(prog);
    prog = NULL;
}

START_TEST(every_cut_resealed)
{
    /* cut inside each list of fields, members and values: each is refused
     * with a message, and the reader stops at the first defect */
    fresh();
    write_prog();
    uint8_t *buf = malloc(nbytes);
    long rejected = 0;
    for (size_t len = 24; len < nbytes; len++) {
        memcpy(buf, bytes, len);
        bc_seal(buf, len);
        char err[600] = "";
        bc_program *p = bc_read(buf, len, err, sizeof err);
        ck_assert_ptr_null(p);
        ck_assert_msg(strncmp(err, "corrupt bytecode at byte ", 25) == 0, "cut at %zu: %s", len, err);
        rejected++;
    }
    ck_assert_int_eq(rejected, (long)nbytes - 24);
    /* the whole file reads, verifies and is written back the same */
    char err[600] = "";
    bc_program *p = bc_read(bytes, nbytes, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert(bc_verify(p, err, sizeof err));
    uint8_t *again;
    size_t n;
    bc_write(p, &again, &n);
    ck_assert(n == nbytes && memcmp(again, bytes, n) == 0);
    free(again);
    bc_free(p);
    /* a message cut to the caller's buffer */
    memcpy(buf, bytes, 40);
    bc_seal(buf, 40);
    char small[10];
    ck_assert_ptr_null(bc_read(buf, 40, small, sizeof small));
    ck_assert_str_eq(small, "corrupt b");
    free(buf);
}
END_TEST

START_TEST(too_many_fields)
{
    fresh();
    bc_record *rc = &prog->records[0];
    bc_field *f = pol_arena_array(&prog->arena, 300, sizeof *f);
    for (int i = 0; i < 300; i++)
        f[i] = rc->fields[0];
    rc->fields = f;
    rc->nfields = 300;
    write_prog();
    char err[600] = "";
    ck_assert_ptr_null(bc_read(bytes, nbytes, err, sizeof err));
    ck_assert_msg(strstr(err, ": record type 0 has 300 fields") != NULL, "%s", err);
}
END_TEST

START_TEST(constants_written)
{
    /* a number of 451 digits with 450 trailing zeros is written with at
     * most 400 of them in the exponent, and reads back */
    fresh();
    uint32_t k = const_of(prog, PT_MONEY);
    dec_t a, b;
    dec_init(&a);
    dec_init(&b);
    ck_assert_int_eq(dec_parse(&a, "1e400", 5), DEC_OK);
    ck_assert_int_eq(dec_parse(&b, "1e50", 4), DEC_OK);
    ck_assert_int_eq(dec_mul(&prog->consts[k].num, &a, &b), DEC_OK);
    /* exactly 10^400: 400 zeros, all of them in the exponent */
    uint32_t k2 = const_of(prog, PT_INT);
    ck_assert_int_eq(dec_parse(&prog->consts[k2].num, "1e400", 5), DEC_OK);
    /* a text constant without its text is written as the empty text */
    uint32_t t = const_of(prog, PT_TEXT);
    prog->consts[t].text = NULL;
    write_prog();
    char err[600] = "";
    bc_program *p = bc_read(bytes, nbytes, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    char text[600];
    bc_const_text(p, k, text, sizeof text);
    ck_assert_uint_eq(strlen(text), 451);
    ck_assert(text[0] == '1' && strspn(text + 1, "0") == 450);
    ck_assert_str_eq(p->consts[t].text, "");
    char text2[600];
    bc_const_text(p, k2, text2, sizeof text2);
    ck_assert(strlen(text2) == 401 && text2[0] == '1' && strspn(text2 + 1, "0") == 400);
    bc_free(p);
    /* 401 significant digits are written as they are, and the reader
     * refuses them as it refuses such a literal */
    fresh();
    k = const_of(prog, PT_MONEY);
    ck_assert_int_eq(dec_parse(&a, "1e400", 5), DEC_OK);
    ck_assert_int_eq(dec_parse(&b, "10", 2), DEC_OK);
    ck_assert_int_eq(dec_mul(&a, &a, &b), DEC_OK);
    ck_assert_int_eq(dec_parse(&b, "1", 1), DEC_OK);
    ck_assert_int_eq(dec_sub(&prog->consts[k].num, &a, &b), DEC_OK);
    write_prog();
    ck_assert_ptr_null(bc_read(bytes, nbytes, err, sizeof err));
    ck_assert_msg(strstr(err, want(": constant %u is not a number", k)) != NULL, "%s", err);
    dec_clear(&a);
    dec_clear(&b);
}
END_TEST

/* --------------------------------------------------------------- helpers */

START_TEST(opcode_tables)
{
    ck_assert_str_eq(bc_op_name(OP_ADD), "ADD");
    ck_assert_str_eq(bc_op_name(OP__COUNT), "?");
    ck_assert_str_eq(bc_op_operands(OP_CALL), "RA");
    ck_assert_str_eq(bc_op_operands(OP__COUNT), "");
    ck_assert_int_eq(bc_op_pops(OP_ADD), 2);
    ck_assert_int_eq(bc_op_pops(OP__COUNT), 0);
    ck_assert_int_eq(bc_op_pushes(OP_ADD), 1);
    ck_assert_int_eq(bc_op_pushes(OP__COUNT), 0);
    ck_assert_str_eq(bc_op_doc(OP_ADD), "       pop b, a; push a + b");
    ck_assert_str_eq(bc_op_doc(OP__COUNT), "");
    bc_free(NULL); /* as free(NULL) */
}
END_TEST

START_TEST(names_and_texts)
{
    fresh();
    char buf[64];
    /* members and files out of range */
    ck_assert_str_eq(bc_member_name(prog, 0, 1), "二档");
    ck_assert_str_eq(bc_member_name(prog, 99, 0), "?");
    ck_assert_str_eq(bc_member_name(prog, 0, -1), "?");
    ck_assert_str_eq(bc_member_name(prog, 0, 3), "?");
    ck_assert_str_eq(bc_file_name(prog, (bc_pos){1, 1, 0}), "cover.pol");
    ck_assert_str_eq(bc_file_name(prog, (bc_pos){1, 1, 99}), "cover.pol"); /* the source's name */
    prog->files[0] = NULL; /* a file without a name: the source's */
    ck_assert_str_eq(bc_file_name(prog, (bc_pos){1, 1, 0}), "cover.pol");
    prog->source = NULL;
    ck_assert_str_eq(bc_file_name(prog, (bc_pos){1, 1, 99}), "?");
    /* constants */
    bc_const_text(prog, 9999, buf, sizeof buf);
    ck_assert_str_eq(buf, "?");
    uint32_t t = const_of(prog, PT_TEXT);
    bc_const_text(prog, t, buf, sizeof buf);
    ck_assert_str_eq(buf, "\"x\"");
    prog->consts[t].text = NULL;
    bc_const_text(prog, t, buf, sizeof buf);
    ck_assert_str_eq(buf, "\"\"");
    uint32_t e = const_of(prog, PT_ENUM);
    bc_const_text(prog, e, buf, sizeof buf);
    ck_assert_str_eq(buf, "档次.二档");
    prog->consts[e].tref = 99;
    bc_const_text(prog, e, buf, sizeof buf);
    ck_assert_str_eq(buf, "?.?");
    uint32_t m = const_of(prog, PT_MONEY);
    dec_t one, three;
    dec_init(&one);
    dec_init(&three);
    dec_set_i64(&one, 1);
    dec_set_i64(&three, 3);
    ck_assert_int_eq(dec_div(&prog->consts[m].num, &one, &three), DEC_OK);
    bc_const_text(prog, m, buf, sizeof buf);
    ck_assert_str_eq(buf, "1/3"); /* no finite decimal expansion: exactly */
    /* rates */
    dec_t r;
    dec_init(&r);
    ck_assert_int_eq(dec_parse(&r, "0.05", 4), DEC_OK);
    bc_rate_text(&r, buf, sizeof buf);
    ck_assert_str_eq(buf, "5%");
    bc_rate_text(&r, buf, 2);
    ck_assert_str_eq(buf, "5"); /* no room for the sign */
    ck_assert_int_eq(dec_div(&r, &one, &three), DEC_OK);
    bc_rate_text(&r, buf, sizeof buf);
    ck_assert_str_eq(buf, "100/3%");
    /* a rate so large that 100 times it is past the limit */
    char big[420];
    memset(big, '9', 400);
    strcpy(big + 400, "e400");
    dec_t b;
    dec_init(&b);
    ck_assert_int_eq(dec_parse(&b, big, strlen(big)), DEC_OK);
    ck_assert_int_eq(dec_mul(&r, &b, &b), DEC_OK);
    ck_assert_int_eq(dec_mul(&r, &r, &b), DEC_OK);
    ck_assert_int_eq(dec_parse(&b, "1e65", 4), DEC_OK);
    ck_assert_int_eq(dec_mul(&r, &r, &b), DEC_OK);
    bc_rate_text(&r, buf, sizeof buf);
    ck_assert_str_eq(buf, "?");
    dec_clear(&r);
    dec_clear(&b);
    dec_clear(&one);
    dec_clear(&three);
}
END_TEST

Suite *cover_bc_suite(void);
Suite *cover_bc_suite(void)
{
    Suite *s = suite_create("cover_bc");
    TCase *tc = tcase_create("bytecode");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, base_program_verifies);
    tcase_add_test(tc, operands);
    tcase_add_test(tc, instructions);
    tcase_add_test(tc, constants);
    tcase_add_test(tc, records_and_enums);
    tcase_add_test(tc, parameters_tests_rules);
    tcase_add_test(tc, every_cut_resealed);
    tcase_add_test(tc, too_many_fields);
    tcase_add_test(tc, constants_written);
    tcase_add_test(tc, opcode_tables);
    tcase_add_test(tc, names_and_texts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cover_bc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free(bytes);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
