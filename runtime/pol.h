/* pol.h -- libpol, the embeddable runtime: load a compiled policy, evaluate
 * scenarios, read outputs and explanations, run the policy's own tests.
 *
 * Typical use (docs/libpol.md has a complete program):
 *
 *     char err[512];
 *     pol_policy *pol = pol_policy_load("rizhao.polc", err, sizeof err);
 *     pol_eval *ev = pol_eval_new(pol);
 *     pol_eval_begin(ev);
 *     pol_eval_set_text(ev, pol_find_input(pol, "缴费日期", 12), "2025-09-30", 10, &e);
 *     if (pol_eval_run(ev, &e) == 0) pol_eval_output_text(ev, r, buf, sizeof buf);
 *
 * Thread safety: a pol_policy is immutable once loaded and may be shared by
 * any number of threads; a pol_eval belongs to one thread at a time.
 *
 * Ownership: pol_policy_load/pol_policy_from_bytes/pol_policy_adopt return a
 * new policy (pol_policy_free); pol_policy_adopt takes ownership of the
 * bc_program even when it fails.  pol_eval_new returns a new evaluator
 * (pol_eval_free) that borrows the policy, which must outlive it.
 *
 * Shares its contract with: runtime/pol.c, runtime/vm.h, runtime/scen.h,
 * runtime/polrun.c (its main user), docs/libpol.md.
 */
#ifndef POL_POL_H
#define POL_POL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytecode.h"
#include "scen.h"
#include "vm.h"

typedef struct pol_policy pol_policy;
typedef struct pol_eval pol_eval;

typedef enum {
    POL_OK = 0,
    POL_E_INPUT,    /* a scenario field is missing, unknown, or of the wrong type */
    POL_E_BOUND,    /* an input is outside its declared bounds                    */
    POL_E_RUNTIME   /* evaluation failed (no parameter version, ÷0, ...)          */
} pol_status;

typedef struct pol_error {
    pol_status status;
    char field[256];    /* the scenario field or the rule concerned           */
    bc_pos pos;         /* source position (runtime errors, bounds)           */
    char msg[600];      /* the cause, complete and printable                  */
} pol_error;

/* ---- policies ---- */
pol_policy *pol_policy_load(const char *path, char *err, size_t errlen);
pol_policy *pol_policy_from_bytes(const uint8_t *data, size_t len, char *err, size_t errlen);
pol_policy *pol_policy_adopt(bc_program *prog, char *err, size_t errlen);
void pol_policy_free(pol_policy *pol);
const bc_program *pol_policy_program(const pol_policy *pol);
/* Index of the input with that name, or -1. */
int pol_find_input(const pol_policy *pol, const char *name, size_t len);
/* Index of the rule or output with that name, or -1. */
int pol_find_rule(const pol_policy *pol, const char *name, size_t len);
/* The policy's interface (inputs with types, bounds and clauses; outputs) as
 * a JSON object: the scenario schema. */
void pol_policy_interface_json(const pol_policy *pol, sc_buf *out);

/* ---- evaluation ---- */
pol_eval *pol_eval_new(const pol_policy *pol);
void pol_eval_free(pol_eval *ev);
/* Starts a new scenario: forgets inputs and results. */
void pol_eval_begin(pol_eval *ev);
/* Limit on VM steps per scenario (0: none). */
void pol_eval_set_step_limit(pol_eval *ev, uint64_t steps);
/* Turns parameter-lookup tracing on (needed for explanations). */
void pol_eval_set_trace(pol_eval *ev, bool on);

/* Sets input i from text: a number as written ("4416", "-0.05", "5%"), a
 * date "2025-10-01", a month "2025-10", true/false, or any text.  `kind`
 * tells what the text was in the scenario (SCV_NUMBER, SCV_STRING, SCV_TRUE,
 * SCV_FALSE, SCV_CSV, ...) so that a JSON string is not mistaken for a bool. */
int pol_eval_set_text(pol_eval *ev, uint32_t i, scv_kind kind, const char *text, size_t len, pol_error *err);
/* Sets every input named in a parsed record; unknown or repeated names and
 * wrong types are POL_E_INPUT.  `allow_extra` ignores unknown fields. */
int pol_eval_set_record(pol_eval *ev, const sc_record *rec, bool allow_extra, pol_error *err);
/* Checks bounds, then evaluates every output. */
int pol_eval_run(pol_eval *ev, pol_error *err);

/* After a successful run: output/rule r's value (NULL if not evaluated). */
const vm_val *pol_eval_value(const pol_eval *ev, uint32_t r);
/* Canonical text of rule r's value (money at 2 places etc.); false if it
 * cannot be printed exactly (text then says why). */
bool pol_eval_value_text(const pol_eval *ev, uint32_t r, char *buf, size_t cap);

/* Results as one JSON object {"output": "value", ...} (no newline). */
void pol_eval_outputs_json(const pol_eval *ev, sc_buf *out);
/* The explanation of every output: rules, clauses, formulas, inputs and
 * parameter versions used.  Needs trace on during the run. */
void pol_eval_explain_text(const pol_eval *ev, sc_buf *out);
void pol_eval_explain_json(const pol_eval *ev, sc_buf *out);
/* A runtime error as "file:line:col: error: message". */
void pol_error_text(const pol_policy *pol, const pol_error *err, sc_buf *out);

/* ---- the policy's own tests ----
 * pol_run_tests evaluates every test written in the policy and returns what
 * each found; it prints nothing (polc and polrun format the report,
 * tools/cli.c).  The results are new (pol_test_results_free); their texts
 * are owned by them, names and file names borrowed from the policy, which
 * must outlive them. */
typedef struct pol_pos {
    const char *file;    /* the source file's name as compiled (never NULL)   */
    uint32_t line, col;  /* 1-based; 0 when unknown                           */
} pol_pos;

typedef enum pol_check_kind {
    POL_CHECK_GIVEN,           /* a given input (what) cannot be built: actual is why      */
    POL_CHECK_NO_ERROR,        /* an error was expected (mentioning `expected`, if not
                                  NULL) but every output was computed                  */
    POL_CHECK_WRONG_ERROR,     /* the error (actual) does not mention `expected`          */
    POL_CHECK_REJECTED,        /* passed: rejected as expected, with message `actual`    */
    POL_CHECK_INPUTS_REJECTED, /* the test's inputs are rejected: actual is why          */
    POL_CHECK_EVAL_FAILED,     /* rule `what` should be `expected`; evaluation failed at
                                  `at` with message `actual`                             */
    POL_CHECK_MISMATCH,        /* rule `what` should be `expected`, is `actual`           */
    POL_CHECK_FINDING          /* the notice states what = expected (cite), the rules
                                  compute `actual`: reported, not a failure            */
} pol_check_kind;

typedef struct pol_check {
    pol_check_kind kind;
    pol_pos pos;               /* where the test (or its expect line) is written        */
    const char *what;          /* the input or rule concerned, or NULL                  */
    const char *expected, *actual, *cite; /* NULL when not applicable                   */
    pol_pos at;                /* EVAL_FAILED: where evaluation failed                  */
} pol_check;

typedef struct pol_test_result {
    const char *name;
    pol_pos pos;
    bool passed;
    size_t first_check, nchecks; /* its checks: checks[first_check ..] in order        */
} pol_test_result;

typedef struct pol_test_results {
    pol_test_result *tests;    /* in the order the policy writes them                 */
    size_t ntests;
    pol_check *checks;
    size_t nchecks;
    int passed, failed;
    int findings;              /* stated figures the rules do not reproduce          */
} pol_test_results;

pol_test_results *pol_run_tests(const pol_policy *pol);
void pol_test_results_free(pol_test_results *res);
/* The policy's title and its source file's name (NULL if unknown). */
const char *pol_policy_name(const pol_policy *pol);
const char *pol_policy_source(const pol_policy *pol);

#endif
