/* test_bytecode.c -- the bytecode reader and verifier against damaged files.
 *
 * The bundled Rizhao policy is compiled in-process (pol_compile) and written
 * with bc_write.  Then every single-bit flip, every truncation and a few byte
 * overwrites of that file are loaded:
 *   - as they are: bc_read must reject the file with a message, or, if it
 *     accepts it, the program must verify and give the original outputs;
 *   - re-sealed (the header's length and FNV-1a hash recomputed, so that the
 *     damage reaches the section parser and the verifier): bc_read rejects it
 *     with a message, or bc_verify rejects it with a message, or the program
 *     runs, and then every evaluation ends in outputs or in an error with a
 *     message, and the policy's own tests, explanations and listing complete.
 * No mutant may crash, hang or trip a sanitizer (this test also runs in the
 * ASan+UBSan build).  Registered from tests/robust/CMakeLists.txt.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bciter.h"
#include "compile.h"
#include "polint.h"

#ifndef POL_SOURCE_DIR
#define POL_SOURCE_DIR "."
#endif

static uint8_t *orig;      /* the compiled policy, as bc_write wrote it */
static size_t orig_len;
static char *baseline[3];  /* outputs JSON of the three scenarios */
static FILE *devnull;

static const char *const dates[3] = {"2025-09-30", "2025-10-01", "2026-01-01"};

typedef struct tally {
    long total, read_rejected, verify_rejected, ran, same, differ, errors;
} tally;

/* Fixes the header of buf[0..len) so that only the payload can be wrong. */
static void reseal(uint8_t *buf, size_t len) { bc_seal(buf, len); }

/* Evaluates scenario s (the payment date, and a typical value for any other
 * input) into a malloc'd outputs JSON, or NULL after an error.  An error
 * must carry a message. */
static char *evaluate(const pol_policy *pol, pol_eval *ev, int s)
{
    const bc_program *p = pol_policy_program(pol);
    static const char *const typical[] = {"", "true", "12", "1.5", "5%", "4416", "", "2025-09", "x"};
    pol_error err;
    memset(&err, 0, sizeof err);
    pol_eval_begin(ev);
    int rc = 0;
    for (uint32_t i = 0; i < p->ninputs && rc == 0; i++) {
        uint8_t t = p->inputs[i].type;
        const char *v = t == PT_DATE ? dates[s] : t < sizeof typical / sizeof *typical ? typical[t] : "";
        scv_kind kind = t == PT_BOOL ? SCV_TRUE : SCV_STRING;
        rc = pol_eval_set_field(ev, i, kind, v, strlen(v), &err);
    }
    if (rc == 0)
        rc = pol_eval_run(ev, &err);
    sc_buf out;
    sc_buf_init(&out);
    pol_eval_explain_text_buf(ev, &out);
    pol_eval_explain_json_buf(ev, &out);
    sc_buf_reset(&out);
    if (rc != 0) {
        ck_assert_msg(err.msg[0] != 0, "an evaluation failed without a message");
        pol_error_text_buf(&err, &out);
        sc_buf_clear(&out);
        return NULL;
    }
    pol_eval_outputs_json_buf(ev, &out);
    sc_buf_putc(&out, 0);
    return out.data;
}

/* Loads one mutant and checks the contract; `sealed` says whether its
 * header was recomputed (else it must be rejected or behave as the original). */
static void try_mutant(const uint8_t *buf, size_t len, bool sealed, tally *t)
{
    char err[600];
    err[0] = 0;
    t->total++;
    bc_program *p = bc_read(buf, len, err, sizeof err);
    if (!p) {
        ck_assert_msg(err[0] != 0, "bc_read rejected a file without a message");
        t->read_rejected++;
        return;
    }
    err[0] = 0;
    pol_policy *pol = pol_policy_adopt(p, err, sizeof err);
    if (!pol) {
        ck_assert_msg(err[0] != 0, "bc_verify rejected a program without a message");
        t->verify_rejected++;
        return;
    }
    t->ran++;
    pol_eval *ev = pol_eval_new(pol);
    pol_eval_set_step_limit(ev, 100000);
    pol_eval_set_trace(ev, true);
    bool same = true;
    for (int s = 0; s < 3; s++) {
        char *got = evaluate(pol, ev, s);
        if (!got)
            t->errors++;
        if ((got == NULL) != (baseline[s] == NULL) || (got && strcmp(got, baseline[s]) != 0))
            same = false;
        free(got);
    }
    pol_eval_free(ev);
    pol_test_results *rep = pol_run_tests(pol);
    ck_assert_int_eq(rep->passed + rep->failed, (int)pol_policy_program(pol)->ntests);
    pol_test_results_free(rep);
    bc_disassemble(pol_policy_program(pol), devnull);
    sc_buf iface;
    sc_buf_init(&iface);
    pol_policy_interface_json_buf(pol, &iface);
    sc_buf_clear(&iface);
    pol_policy_free(pol);
    if (same)
        t->same++;
    else
        t->differ++;
    if (!sealed)
        ck_assert_msg(same, "an unsealed mutant was accepted and changed the results");
}

static void report(const char *what, const tally *t)
{
    printf("%s: %ld mutants: %ld rejected by bc_read, %ld by bc_verify, %ld ran (%ld same results, %ld different, "
           "%ld evaluation errors)\n",
           what, t->total, t->read_rejected, t->verify_rejected, t->ran, t->same, t->differ, t->errors);
    fflush(stdout);
}

static void setup(void)
{
    devnull = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(devnull);
    const char *path = POL_SOURCE_DIR "/policies/rizhao/rizhao-2025.pol";
    size_t len;
    char *text = pol_read_file(path, POL_SOURCE_LIMIT, &len);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    diag_ctx d;
    diag_init(&d);
    src_file *src = NULL;
    bc_program *p = pol_compile("rizhao-2025.pol", text, len, &d, &src);
    if (!p)
        diag_print(&d, stderr, false);
    ck_assert_ptr_nonnull(p);
    diag_free(&d);
    src_free(src);
    free(text);
    bc_write(p, &orig, &orig_len);
    bc_free(p);

    char err[600];
    pol_policy *pol = pol_policy_from_bytes(orig, orig_len, err, sizeof err);
    ck_assert_msg(pol != NULL, "the original does not load: %s", err);
    pol_eval *ev = pol_eval_new(pol);
    for (int s = 0; s < 3; s++)
        baseline[s] = evaluate(pol, ev, s);
    pol_eval_free(ev);
    pol_policy_free(pol);
    ck_assert_ptr_nonnull(baseline[0]);
    ck_assert_ptr_nonnull(baseline[1]);
    ck_assert_ptr_null(baseline[2]); /* 2026 has no version of the base */
}

static void teardown(void)
{
    free(orig);
    for (int s = 0; s < 3; s++)
        free(baseline[s]);
    fclose(devnull);
}

START_TEST(original_round_trips)
{
    bc_program *p = bc_read(orig, orig_len, (char[600]){0}, 600);
    ck_assert_ptr_nonnull(p);
    uint8_t *again;
    size_t len;
    bc_write(p, &again, &len);
    ck_assert_uint_eq(len, orig_len);
    ck_assert(memcmp(again, orig, len) == 0);
    free(again);
    bc_free(p);
    tally t = {0};
    try_mutant(orig, orig_len, false, &t);
    ck_assert_int_eq(t.same, 1);
}
END_TEST

START_TEST(every_bit_flip)
{
    uint8_t *buf = malloc(orig_len);
    tally t = {0};
    for (size_t bit = 0; bit < orig_len * 8; bit++) {
        memcpy(buf, orig, orig_len);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        try_mutant(buf, orig_len, false, &t);
    }
    report("bit flips", &t);
    /* FNV-1a changes with every single-byte change: nothing gets through */
    ck_assert_int_eq(t.read_rejected, t.total);
    free(buf);
}
END_TEST

START_TEST(every_truncation)
{
    tally t = {0};
    for (size_t len = 0; len < orig_len; len++) {
        uint8_t *buf = malloc(len ? len : 1); /* exact size: ASan sees any overread */
        memcpy(buf, orig, len);
        try_mutant(buf, len, false, &t);
        free(buf);
    }
    report("truncations", &t);
    ck_assert_int_eq(t.read_rejected, t.total);
}
END_TEST

START_TEST(every_bit_flip_resealed)
{
    uint8_t *buf = malloc(orig_len);
    tally t = {0};
    for (size_t bit = 24 * 8; bit < orig_len * 8; bit++) {
        memcpy(buf, orig, orig_len);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        reseal(buf, orig_len);
        try_mutant(buf, orig_len, true, &t);
    }
    report("bit flips, re-sealed", &t);
    ck_assert_int_eq(t.read_rejected + t.verify_rejected + t.ran, t.total);
    free(buf);
}
END_TEST

START_TEST(every_truncation_resealed)
{
    tally t = {0};
    for (size_t len = 24; len < orig_len; len++) {
        uint8_t *buf = malloc(len);
        memcpy(buf, orig, len);
        reseal(buf, len);
        try_mutant(buf, len, true, &t);
        free(buf);
    }
    report("truncations, re-sealed", &t);
    /* every section is needed: a cut payload never parses */
    ck_assert_int_eq(t.read_rejected, t.total);
}
END_TEST

START_TEST(every_byte_overwritten_resealed)
{
    static const uint8_t values[] = {0x00, 0xff, 0x7f, 0x80, 0x01};
    uint8_t *buf = malloc(orig_len);
    tally t = {0};
    for (size_t at = 24; at < orig_len; at++)
        for (size_t v = 0; v < sizeof values; v++) {
            if (orig[at] == values[v])
                continue;
            memcpy(buf, orig, orig_len);
            buf[at] = values[v];
            reseal(buf, orig_len);
            try_mutant(buf, orig_len, true, &t);
        }
    report("bytes overwritten, re-sealed", &t);
    free(buf);
}
END_TEST

START_TEST(words_swapped_resealed)
{
    /* swapping two aligned payload words moves counts, indices and opcodes
     * around while keeping the size: deeper into the verifier */
    uint8_t *buf = malloc(orig_len);
    tally t = {0};
    size_t words = (orig_len - 24) / 4;
    for (size_t i = 0; i < words; i++) {
        size_t j = (i * 7919 + 13) % words;
        if (j == i)
            continue;
        memcpy(buf, orig, orig_len);
        uint8_t tmp[4];
        memcpy(tmp, buf + 24 + 4 * i, 4);
        memcpy(buf + 24 + 4 * i, buf + 24 + 4 * j, 4);
        memcpy(buf + 24 + 4 * j, tmp, 4);
        reseal(buf, orig_len);
        try_mutant(buf, orig_len, true, &t);
    }
    report("words swapped, re-sealed", &t);
    free(buf);
}
END_TEST

/* ---- hostile programs: compiled, then changed in memory, then written ----
 * Each one once got past the reader or the verifier and crashed, or guards a
 * rule the verifier must keep.  Built from the program structure rather than
 * from bytes, so they survive changes of the file format. */
typedef enum { REJECTED, RUNS } outcome;

static bc_program *compile_rizhao(void)
{
    size_t len;
    char *text = pol_read_file(POL_SOURCE_DIR "/policies/rizhao/rizhao-2025.pol", POL_SOURCE_LIMIT, &len);
    ck_assert_ptr_nonnull(text);
    diag_ctx d;
    diag_init(&d);
    src_file *src = NULL;
    bc_program *p = pol_compile("rizhao-2025.pol", text, len, &d, &src);
    ck_assert_ptr_nonnull(p);
    diag_free(&d);
    src_free(src);
    free(text);
    return p;
}

/* With POL_WRITE_REGRESS=DIR in the environment, each hostile program is
 * also written to DIR/SLUG.polc: that is how tests/fuzz/regress/bytecode/ is
 * made again when the file format changes. */
static void hostile(const char *slug, const char *what, void (*change)(bc_program *), outcome want)
{
    bc_program *p = compile_rizhao();
    change(p);
    uint8_t *bytes;
    size_t len;
    bc_write(p, &bytes, &len);
    bc_free(p);
    const char *dir = getenv("POL_WRITE_REGRESS");
    if (dir && *dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.polc", dir, slug);
        FILE *f = fopen(path, "wb");
        ck_assert_msg(f && fwrite(bytes, 1, len, f) == len && fclose(f) == 0, "cannot write %s", path);
    }
    tally t = {0};
    try_mutant(bytes, len, true, &t);
    free(bytes);
    printf("hostile program %s: %s\n", what, t.ran ? "runs" : t.read_rejected ? "rejected by bc_read" : "rejected by bc_verify");
    if (want == REJECTED)
        ck_assert_msg(t.ran == 0, "%s: accepted, should be rejected", what);
    else
        ck_assert_msg(t.ran == 1, "%s: rejected, should run", what);
}

static bc_const *first_const(bc_program *p, pol_type t)
{
    for (uint32_t i = 0; i < p->nconsts; i++)
        if (p->consts[i].type == t)
            return &p->consts[i];
    ck_abort_msg("no constant of type %s", pol_type_name(t));
    return NULL;
}

static bc_param *dated_param(bc_program *p)
{
    for (uint32_t i = 0; i < p->nparams; i++)
        if (p->params[i].dated && p->params[i].nversions > 1)
            return &p->params[i];
    ck_abort_msg("no dated parameter");
    return NULL;
}

/* cd_to_ymd overflowed printing a version that ends after 9999 (fuzz_bytecode) */
static void version_end_beyond_9999(bc_program *p) { dated_param(p)->versions[1].to = 2147482367; }
static void version_start_near_int_min(bc_program *p) { dated_param(p)->versions[0].from = INT32_MIN + 1; }
static void date_constant_int_min(bc_program *p) { first_const(p, PT_DATE)->i = INT32_MIN; }
static void month_constant_int_max(bc_program *p)
{
    bc_const *c = first_const(p, PT_DATE);
    c->type = PT_MONTH;
    c->i = INT32_MAX;
}
/* the title is printed by explanations and the interface */
/* (the strings stay in the program's arena, freed with it) */
static void no_title(bc_program *p) { p->name = NULL; }
static void no_source_no_cites(bc_program *p)
{
    p->source = NULL;
    for (uint32_t i = 0; i < p->nrules; i++)
        p->rules[i].cite = p->rules[i].doc = p->rules[i].formula = NULL;
    for (uint32_t i = 0; i < p->nparams; i++)
        for (uint32_t j = 0; j < p->params[i].nversions; j++)
            p->params[i].versions[j].cite = NULL;
}
/* the longest constant text dec_parse accepts: 400 digits, exponent 400 */
static char longest[410];

static const char *longest_constant(void)
{
    memset(longest, '9', 400);
    memcpy(longest + 400, "e400", 5);
    return longest;
}

static void constant_of_800_digits(bc_program *p)
{
    bc_const *c = first_const(p, PT_MONEY);
    const char *s = longest_constant();
    ck_assert_int_eq(dec_parse(&c->num, s, strlen(s)), DEC_OK);
}

/* a rule that jumps to itself: the verifier allows loops (aggregates use
 * them), so the step limit must end it, also in the policy's own tests,
 * which once ran without a limit and hung (fuzz_bytecode) */
static void rule_loops_forever(bc_program *p)
{
    uint32_t e = p->rules[0].entry;
    ck_assert_uint_eq(bc_op_len[p->code[e]], BC_OPLEN_JMP); /* same size as JMP T */
    p->code[e] = OP_JMP;
    p->code[e + 1] = e;
}

static const struct hostile_case {
    const char *slug, *what;
    void (*change)(bc_program *);
    outcome want;
} hostile_cases[] = {
    {"rule-loops-forever", "a rule that loops forever", rule_loops_forever, RUNS},
    {"version-end-beyond-9999", "version ending after 9999", version_end_beyond_9999, REJECTED},
    {"version-start-before-year-1", "version starting before year 1", version_start_near_int_min, REJECTED},
    {"date-constant-int-min", "date constant INT32_MIN", date_constant_int_min, REJECTED},
    {"month-constant-int-max", "month constant INT32_MAX", month_constant_int_max, REJECTED},
    {"no-title", "no title", no_title, REJECTED},
    {"no-source-no-cites", "no source file name, cites, notes or formulas", no_source_no_cites, RUNS},
    {"constant-800-digits", "a constant of 800 digits", constant_of_800_digits, RUNS},
};

START_TEST(hostile_programs)
{
    for (size_t i = 0; i < sizeof hostile_cases / sizeof *hostile_cases; i++)
        hostile(hostile_cases[i].slug, hostile_cases[i].what, hostile_cases[i].change, hostile_cases[i].want);
}
END_TEST

/* the generated lengths are 1 + the operand kinds, and the iterator walks
 * each rule's block from its entry exactly to its end */
START_TEST(lengths_and_iterator)
{
    for (uint32_t op = 0; op < OP__COUNT; op++)
        ck_assert_uint_eq(bc_op_len[op], 1 + strlen(bc_op_operands(op)));
    ck_assert_uint_eq(BC_OPLEN_CALL, 3);
    ck_assert_uint_eq(BC_OPLEN_ADD, 1);
    bc_program *p = compile_rizhao();
    for (uint32_t r = 0; r < p->nrules; r++) {
        uint32_t last = p->rules[r].entry, n = 0;
        bc_iter it = bc_iter_begin(p->code, p->rules[r].entry, p->rules[r].end);
        for (; bc_iter_more(&it); bc_iter_next(&it), n++) {
            ck_assert(bc_iter_known(&it) && !bc_iter_truncated(&it));
            last = it.pc + it.len;
        }
        ck_assert_uint_eq(last, p->rules[r].end);
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_eq(p->code[p->rules[r].end - BC_OPLEN_RET], OP_RET);
    }
    /* a block cut inside an instruction: reported, never read past */
    uint32_t code[] = {OP_CONST, 0, OP_ROUND, 2};
    bc_iter it = bc_iter_begin(code, 0, 4);
    bc_iter_next(&it);
    ck_assert(bc_iter_more(&it) && bc_iter_truncated(&it));
    bc_iter_next(&it);
    ck_assert(!bc_iter_more(&it));
    bc_free(p);
}
END_TEST

/* numbers at dec_parse's limits (400 digits, scale within 400) must be
 * written so that they read back (fuzz_bytecode found 271 nines, 129 zeros,
 * e400, which the writer once wrote as e529) */
START_TEST(long_constant_round_trips)
{
    char texts[6][820];
    memset(texts[0], '9', 400);
    strcpy(texts[0] + 400, "e400");
    memset(texts[1], '9', 271);
    memset(texts[1] + 271, '0', 129);
    strcpy(texts[1] + 400, "e400");
    texts[2][0] = '1';
    memset(texts[2] + 1, '0', 399);
    strcpy(texts[2] + 400, "e400");
    strcpy(texts[3], "-");
    memset(texts[3] + 1, '7', 400);
    strcpy(texts[3] + 401, "e-400");
    strcpy(texts[4], "0.");
    memset(texts[4] + 2, '0', 399);
    strcpy(texts[4] + 401, "1");
    memset(texts[5], '5', 200);
    memset(texts[5] + 200, '0', 200);
    strcpy(texts[5] + 400, "e123");
    for (int t = 0; t < 6; t++) {
        bc_program *p = compile_rizhao();
        bc_const *c = first_const(p, PT_MONEY);
        ck_assert_msg(dec_parse(&c->num, texts[t], strlen(texts[t])) == DEC_OK, "case %d does not parse", t);
        dec_t want;
        dec_init(&want);
        dec_set(&want, &c->num);
        uint8_t *bytes;
        size_t len;
        bc_write(p, &bytes, &len);
        uint32_t k = (uint32_t)(c - p->consts);
        bc_free(p);
        char err[600];
        bc_program *q = bc_read(bytes, len, err, sizeof err);
        ck_assert_msg(q != NULL, "case %d: %s", t, err);
        ck_assert_int_eq(dec_cmp(&q->consts[k].num, &want), 0);
        bc_free(q);
        dec_clear(&want);
        free(bytes);
    }
}
END_TEST

static Suite *bytecode_suite(void)
{
    Suite *s = suite_create("bytecode");
    TCase *tc = tcase_create("mutations");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 1200);
    tcase_add_test(tc, original_round_trips);
    tcase_add_test(tc, every_bit_flip);
    tcase_add_test(tc, every_truncation);
    tcase_add_test(tc, every_bit_flip_resealed);
    tcase_add_test(tc, every_truncation_resealed);
    tcase_add_test(tc, every_byte_overwritten_resealed);
    tcase_add_test(tc, words_swapped_resealed);
    tcase_add_test(tc, hostile_programs);
    tcase_add_test(tc, long_constant_round_trips);
    tcase_add_test(tc, lengths_and_iterator);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bytecode_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
