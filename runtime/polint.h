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

/* pol.h's string results, appended to a buffer instead. */
void pol_policy_interface_json_buf(const pol_policy *pol, sc_buf *out);
void pol_eval_outputs_json_buf(const pol_eval *ev, sc_buf *out);
void pol_eval_explain_text_buf(const pol_eval *ev, sc_buf *out);
void pol_eval_explain_json_buf(const pol_eval *ev, sc_buf *out);
void pol_error_text_buf(const pol_error *err, sc_buf *out);

#endif
