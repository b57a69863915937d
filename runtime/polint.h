/* polint.h -- libpol's internal surface, for pol's own tools and tests
 * (tools/, tests/): what pol.h keeps opaque.  Not installed, and nothing
 * declared here is exported from libpol.so (hidden visibility): tools and
 * tests link the static library.
 *
 * Ownership: pol_policy_adopt takes ownership of the bc_program even when it
 * fails.  The *_buf functions append to a caller's sc_buf.  pol_eval_val
 * returns a value owned by the evaluator, valid until the next scenario.
 *
 * Shares its contract with: runtime/pol.h (the public API), runtime/pol.c,
 * tools/cli.c, tools/batch.c, tests/unit/, tests/fuzz/.
 */
#ifndef POL_POLINT_H
#define POL_POLINT_H

#include "bytecode.h"
#include "pol.h"
#include "scen.h"
#include "vm.h"

/* A verified policy over a program built in memory (by the compiler). */
/* Room for pol_pos_text: a file name of up to 4 KiB and two numbers. */
#define POL_POS_TEXT_MAX 4200

pol_policy *pol_policy_adopt(bc_program *prog, char *err, size_t errlen);
const bc_program *pol_policy_program(const pol_policy *pol);

/* Sets input i from a scenario field of kind `kind`. */
int pol_eval_set_field(pol_eval *ev, uint32_t i, scv_kind kind, const char *text, size_t len, pol_error *err);
/* Sets every input named in a parsed record (pol_eval_set_json's work). */
int pol_eval_set_record(pol_eval *ev, const sc_record *rec, bool allow_extra, pol_error *err);
/* Rule r's value after a run, or NULL if not evaluated. */
const vm_val *pol_eval_val(const pol_eval *ev, uint32_t r);
/* Which error output r's pol_eval_output_error holds: a number that changes
 * whenever the evaluator writes another (0: none written yet), so that two
 * runs with the same number have the very same error, byte for byte.  The
 * batch (tools/batch.c) keeps what it made of an error by it. */
uint64_t pol_eval_output_error_id(const pol_eval *ev, uint32_t r);

/* pol.h's string results, appended to a buffer instead. */
void pol_policy_interface_json_buf(const pol_policy *pol, sc_buf *out);
void pol_eval_outputs_json_buf(const pol_eval *ev, sc_buf *out);
void pol_eval_explain_text_buf(const pol_eval *ev, sc_buf *out);
void pol_eval_explain_json_buf(const pol_eval *ev, sc_buf *out);
void pol_error_text_buf(const pol_error *err, sc_buf *out);

/* ---- explanations (runtime/explain.c) ---- */
typedef enum { POL_EXPLAIN_TEXT = 0, POL_EXPLAIN_JSON, POL_EXPLAIN_HTML } pol_explain_format;
typedef struct pol_explain_opts {
    const char *output;  /* only this output, or NULL: all               */
    int32_t month;       /* only the calls for this month (its number, as vm_val.i), or -1 */
    uint32_t max_steps;  /* steps shown before the rest is cut (0: POL_EXPLAIN_MAX_STEPS) */
    /* The words of the clauses a cite names, or NULL (no notice at hand):
     * malloc'd records "ID\x1fWORDS" separated by '\x1e'.  libpol has no
     * notice reader; polrun passes compiler/clause.h's (tools/polrun.c). */
    char *(*clause_words)(void *ctx, const char *cite);
    void *clause_ctx;
} pol_explain_opts;
#define POL_EXPLAIN_MAX_STEPS 2000u
/* Appends the explanation of the last run (trace on) in the format; false
 * (nothing appended) with a message if opts names no output. */
bool pol_eval_explain_buf(const pol_eval *ev, pol_explain_format fmt, const pol_explain_opts *opts, sc_buf *out,
                          char *err, size_t errlen);

/* pol.c's pieces that explain.c uses. */
const bc_program *pol_eval_program(const pol_eval *ev);
const vm_state *pol_eval_vm(const pol_eval *ev);
pol_pos pol_pub_pos(const bc_program *p, bc_pos pos);
/* vm_value_text with enumeration members by name, lists and records summarised. */
bool pol_value_text(const bc_program *p, const vm_val *v, uint32_t tref, int places, char *buf, size_t cap);
void pol_value_json(const bc_program *p, const vm_val *v, uint32_t tref, int places, sc_buf *out);
void pol_rule_value_json(const pol_eval *ev, uint32_t r, sc_buf *out);
void pol_version_inferred_text(const bc_program *p, const bc_version *ver, sc_buf *out);
/* "always", or "2025-01-01..2025-12-31" with open ends left empty. */
void pol_range_text(int32_t from, int32_t to, char *buf, size_t cap);
/* Output named `name`, or -1. */
int pol_find_output(const pol_eval *ev, const char *name);

#endif
