/* pol.h -- libpol, the embeddable runtime: load a compiled policy, evaluate
 * scenarios, read outputs and explanations, run the policy's own tests.
 * This header is the whole public surface: it includes only standard
 * headers, every handle is opaque, and only the functions marked POL_API are
 * exported from libpol.so (everything else is built with hidden visibility).
 *
 * Typical use (docs/libpol.md has a complete program):
 *
 *     char msg[600];
 *     pol_policy *pol = pol_policy_load("rizhao.polc", msg, sizeof msg);
 *     pol_eval *ev = pol_eval_new(pol);
 *     pol_eval_begin(ev);
 *     pol_eval_set_text(ev, pol_find_input(pol, "缴费日期", 12), POL_TEXT_PLAIN, "2025-09-30", 10, &err);
 *     if (pol_eval_run(ev, &err) == 0) pol_eval_value_text(ev, r, buf, sizeof buf);
 *
 * Thread safety: a pol_policy is immutable once loaded and may be shared by
 * any number of threads; a pol_eval belongs to one thread at a time.
 *
 * Ownership, per call: functions returning `pol_policy *`, `pol_eval *`,
 * `pol_trust *`, `pol_test_results *` return a new object the caller frees with the
 * matching *_free function; functions returning `char *` return a new
 * NUL-terminated string the caller releases with free().  `const char *`
 * results (names, file names) are borrowed from the policy and live as long
 * as it does.  An evaluator borrows its policy, which must outlive it.
 *
 * Shares its contract with: runtime/pol.c (the implementation),
 * runtime/polint.h (what pol's own tools see beyond this), docs/libpol.md.
 */
#ifndef POL_POL_H
#define POL_POL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define POL_API __attribute__((visibility("default")))
#else
#define POL_API
#endif

typedef struct pol_policy pol_policy;
typedef struct pol_eval pol_eval;
typedef struct pol_trust pol_trust;

typedef enum {
    POL_OK = 0,
    POL_E_INPUT,    /* a scenario field is missing, unknown, or of the wrong type */
    POL_E_BOUND,    /* an input is outside its declared bounds                    */
    POL_E_RUNTIME,  /* evaluation failed (no parameter version, ÷0, ...)          */
    /* Not errors: answers the policy gives on purpose (pol_eval_output_error). */
    POL_NOT_APPLICABLE, /* the output does not apply to the scenario (`when`, `inapplicable`) */
    POL_UNSTATED        /* the notice does not state the value (`unstated "..."`)        */
} pol_status;

typedef struct pol_pos {
    const char *file;    /* the source file's name as compiled (borrowed); NULL
                            when there is no position                            */
    uint32_t line, col;  /* 1-based; 0 when unknown                           */
} pol_pos;

typedef struct pol_error {
    pol_status status;
    char field[256];    /* the scenario field or the rule concerned           */
    pol_pos pos;        /* source position (runtime errors, bounds)           */
    char msg[600];      /* the cause, complete and printable, always English:
                           the form JSON, CSV and API replies carry            */
    char text[600];     /* msg in the process's language when that is not
                           English (set when the error is made), else "";
                           read it through pol_error_message                  */
} pol_error;

/* The cause of an error for a person: text in the process's language (what
 * polrun prints), or msg.  The process's language is English unless the
 * program sets it (pol_set_language).  Never NULL. */
POL_API const char *pol_error_message(const pol_error *err);
/* The language of the messages pol writes for people from now on: "en" or
 * "zh" (also "zh_CN", "zh_CN.UTF-8", "C", ...); false, and no change, for
 * anything else.  Set it once, before threads start.  pol_error.msg and
 * every machine form stay English whatever it is. */
POL_API bool pol_set_language(const char *lang);

/* How a value's text was written, so that a JSON string "true" is not
 * mistaken for a boolean.  POL_TEXT_PLAIN: plain text read as the input's
 * declared type (a date, a number, a month, true/false, a member, text). */
typedef enum {
    POL_TEXT_STRING,    /* a JSON string, decoded                             */
    POL_TEXT_NUMBER,    /* a JSON number as written                           */
    POL_TEXT_TRUE,
    POL_TEXT_FALSE,
    POL_TEXT_NULL,
    POL_TEXT_ARRAY,     /* the raw JSON of an array (a list input)            */
    POL_TEXT_OBJECT,    /* the raw JSON of an object                          */
    POL_TEXT_PLAIN      /* a CSV cell or a command-line word                  */
} pol_text_kind;

/* ---- policies ---- */
/* Loads and verifies a compiled policy: a new policy, or NULL with a
 * message in err.  On failure errno says why: 0 when the file was read but
 * is not a valid policy; EILSEQ when it does not start with the bytecode
 * magic (refused after its first bytes); EFBIG over 1 GiB; otherwise the
 * reason it could not be read (ENOENT, EACCES, EISDIR, EINVAL for a device,
 * pipe or socket).  A signed file's signature must verify (see
 * pol_policy_load_trusted below). */
POL_API pol_policy *pol_policy_load(const char *path, char *err, size_t errlen);
/* The same from bytes in memory (copied: data may be freed afterwards). */
POL_API pol_policy *pol_policy_from_bytes(const uint8_t *data, size_t len, char *err, size_t errlen);
POL_API void pol_policy_free(pol_policy *pol);

/* ---- signed policies (docs/signing.md) ----
 * A policy file may carry an Ed25519 signature (polc build --sign).  The
 * loaders above accept an unsigned file, and a signed one whose signature
 * verifies with the key it names.  A service that accepts only policies
 * signed by keys it trusts loads them into a pol_trust and loads policies
 * with the *_trusted calls, which refuse an unsigned file ("policy is not
 * signed ..."), a file changed after signing ("signature does not verify
 * ..."), and one signed by another key ("signed by key ID, which is not one
 * of the trusted keys in DIR").  A pol_trust is immutable once loaded and may be
 * shared by any number of threads. */
/* Reads the public keys DIR/<name>.pub (every one must be a pol public key
 * file; there must be at least one): a new key set (pol_trust_free), or
 * NULL with a message in err and errno set when the directory or a key file
 * cannot be read, 0 when a key file is not a pol public key or there is none. */
POL_API pol_trust *pol_trust_load_dir(const char *dir, char *err, size_t errlen);
POL_API void pol_trust_free(pol_trust *trust);
/* pol_policy_load and pol_policy_from_bytes, accepting only a policy signed
 * by a key in `trust` (borrowed for the call; NULL: no signature required,
 * as the plain calls).  A new policy, or NULL with a message in err.  The
 * signature is checked before any of the payload is parsed. */
POL_API pol_policy *pol_policy_load_trusted(const char *path, const pol_trust *trust, char *err, size_t errlen);
POL_API pol_policy *pol_policy_from_bytes_trusted(const uint8_t *data, size_t len, const pol_trust *trust, char *err,
                                                  size_t errlen);
/* The policy's title and its source file's name (NULL if unknown): borrowed. */
POL_API const char *pol_policy_name(const pol_policy *pol);
POL_API const char *pol_policy_source(const pol_policy *pol);
/* Inputs 0..n-1 and rules (outputs among them) 0..n-1, by index; names are borrowed. */
POL_API uint32_t pol_policy_ninputs(const pol_policy *pol);
POL_API const char *pol_policy_input_name(const pol_policy *pol, uint32_t i);
POL_API uint32_t pol_policy_nrules(const pol_policy *pol);
POL_API const char *pol_policy_rule_name(const pol_policy *pol, uint32_t r);
POL_API bool pol_policy_rule_is_output(const pol_policy *pol, uint32_t r);
/* Index of the input with that name, or -1. */
POL_API int pol_find_input(const pol_policy *pol, const char *name, size_t len);
/* Index of the rule or output with that name, or -1. */
POL_API int pol_find_rule(const pol_policy *pol, const char *name, size_t len);
/* The policy's interface (inputs with types, bounds and clauses; outputs) as
 * a JSON object, the scenario schema: a new string (free()). */
POL_API char *pol_policy_interface_json(const pol_policy *pol);

/* ---- evaluation ---- */
/* A new evaluator (pol_eval_free) that borrows the policy. */
POL_API pol_eval *pol_eval_new(const pol_policy *pol);
POL_API void pol_eval_free(pol_eval *ev);
/* Starts a new scenario: forgets inputs and results. */
POL_API void pol_eval_begin(pol_eval *ev);
/* Limit on VM steps per scenario (0: none). */
POL_API void pol_eval_set_step_limit(pol_eval *ev, uint64_t steps);
/* Turns parameter-lookup tracing on (needed for explanations). */
POL_API void pol_eval_set_trace(pol_eval *ev, bool on);

/* Sets input i from text: a number as written ("4416", "-0.05", "5%"), a
 * date "2025-10-01", a month "2025-10", true/false, or any text; `kind`
 * says how it was written.  The text is copied.  0, or -1 with *err. */
POL_API int pol_eval_set_text(pol_eval *ev, uint32_t i, pol_text_kind kind, const char *text, size_t len, pol_error *err);
/* Sets every input named in a JSON object {"name": value, ...}; unknown or
 * repeated names and wrong types are POL_E_INPUT.  `allow_extra` ignores
 * unknown fields.  0, or -1 with *err. */
POL_API int pol_eval_set_json(pol_eval *ev, const char *json, size_t len, bool allow_extra, pol_error *err);
/* Evaluates every output, each on its own: an output is held to the bounds
 * and requirements of the inputs it reads, and one that fails does not stop
 * the others.  0 when every output has a value or is not applicable or not
 * stated (see pol_eval_output_error); -1 with *err, the first output's
 * error, when one failed. */
POL_API int pol_eval_run(pol_eval *ev, pol_error *err);
/* After pol_eval_run, why output r (a rule index) has no value: NULL when it
 * has one, else its error, or status POL_NOT_APPLICABLE / POL_UNSTATED with
 * the reason in msg.  Borrowed from the evaluator, valid until the next run. */
POL_API const pol_error *pol_eval_output_error(const pol_eval *ev, uint32_t r);
/* After pol_eval_run: how many outputs failed with an error, were not
 * applicable, and are not stated by the notice. */
POL_API void pol_eval_counts(const pol_eval *ev, uint32_t *errors, uint32_t *not_applicable, uint32_t *unstated);

/* After a run: whether rule r has a value, its type's name ("money",
 * "date", ...; NULL without a value), and its canonical text (money at 2
 * places etc.); pol_eval_value_text returns false if it cannot be printed
 * exactly (buf then says why). */
POL_API bool pol_eval_has_value(const pol_eval *ev, uint32_t r);
POL_API const char *pol_eval_value_type(const pol_eval *ev, uint32_t r);
POL_API bool pol_eval_value_text(const pol_eval *ev, uint32_t r, char *buf, size_t cap);

/* New strings (free()): the results as one JSON object {"output": "value",
 * ...} (no newline); the explanation of every output (rules, clauses,
 * formulas, inputs and parameter versions used; needs trace on during the
 * run) as text or as JSON. */
POL_API char *pol_eval_outputs_json(const pol_eval *ev);
POL_API char *pol_eval_explain_text(const pol_eval *ev);
POL_API char *pol_eval_explain_json(const pol_eval *ev);
/* The explanation in `format` ("text", "json" or "html"; NULL: text),
 * focused on one output (NULL or "": all) and, for a timeline, on the calls
 * made for one month ("YYYY-MM", NULL or "": all).  A new string, or NULL
 * with a message in err (an unknown format, output or month).  The JSON
 * form is described by docs/explain.schema.json (docs/explain.md). */
POL_API char *pol_eval_explain_focus(const pol_eval *ev, const char *format, const char *output, const char *month,
                                     char *err, size_t errlen);
/* A position as "file:line:col" ("?" for an unknown file; "" when the
 * position is unset, line 0) into buf, truncated to cap; returns buf.  Every
 * runtime position pol prints is written by this one function. */
POL_API const char *pol_pos_text(const pol_pos *pos, char *buf, size_t cap);
/* An error as "file:line:col: error: message" (or "error: message" without
 * a position) into buf, truncated to cap; returns the full length.  For
 * people: in the process's language (pol_error_message, and the word
 * "error" or "note" translated). */
POL_API int pol_error_text(const pol_error *err, char *buf, size_t cap);

/* ---- the policy's own tests ----
 * pol_run_tests evaluates every test written in the policy and returns what
 * each found; it prints nothing (polc and polrun format the report,
 * tools/cli.c).  The results are new (pol_test_results_free); their texts
 * are owned by them, names and file names borrowed from the policy, which
 * must outlive them. */
typedef enum pol_check_kind {
    POL_CHECK_GIVEN,           /* a given input (what) cannot be built: actual is why      */
    POL_CHECK_NO_ERROR,        /* an error was expected (mentioning `expected`, if not
                                  NULL) but every output was computed                  */
    POL_CHECK_WRONG_ERROR,     /* the error (actual) does not mention `expected`          */
    POL_CHECK_REJECTED,        /* passed: rejected as expected, with message `actual`    */
    POL_CHECK_EVAL_FAILED,     /* rule `what` should be `expected`; evaluation failed at
                                  `at` with message `actual` (a requirement the inputs it
                                  reads fail, no value, an error)                        */
    POL_CHECK_MISMATCH,        /* rule `what` should be `expected`, is `actual`           */
    POL_CHECK_FINDING,         /* the notice states what = expected (cite), the rules
                                  compute `actual`: reported, not a failure            */
    POL_CHECK_CIRCULAR         /* passed, but what = expected only re-derives inferred
                                  values: every parameter value its computation read is
                                  inferred or a source of one; `actual` names the
                                  inferred parameters ("费率, 基数"): not evidence     */
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
    int circular;              /* expectations that only re-derive inferred values   */
    struct pol_notice_finding *notice; /* the policy's `finding "..."`s: problems of
                                  the notice that are not numbers, in source order  */
    size_t nnotice;
} pol_test_results;

typedef struct pol_notice_finding {
    const char *text, *cite, *note; /* cite and note NULL when not given            */
    pol_pos pos;
} pol_notice_finding;

POL_API pol_test_results *pol_run_tests(const pol_policy *pol);
POL_API void pol_test_results_free(pol_test_results *res);

#endif
