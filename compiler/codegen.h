/* codegen.h -- checked tree -> bc_program.
 *
 * Runs only on a tree chk_policy() accepted.  Each rule and output becomes one
 * code block ending in RET; literals go to a deduplicated constant pool; each
 * instruction's source position goes to the line table so runtime errors can
 * say file:line:col.  Output is deterministic: the same source gives the same
 * program, hence the same bytes from bc_write().
 *
 * Ownership: returns a new bc_program (free with bc_free).
 */
#ifndef POL_CODEGEN_H
#define POL_CODEGEN_H

#include "bytecode.h"
#include "typecheck.h"

/* f is the main file; d's file table resolves the spans of imported files. */
bc_program *cg_program(const src_file *f, const ast_policy *p, const chk_result *r, const diag_ctx *d);

#endif
