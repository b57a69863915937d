/* typecheck.h -- names, types and units: the parsed tree becomes a checked tree.
 *
 * chk_policy() resolves every name, gives every expression a type, checks
 * units (money + rate is an error, money * rate is money), parameter versions
 * (overlaps are errors, gaps warnings), constant date lookups, rule cycles,
 * tests and unused declarations, reporting every problem to the diag_ctx.
 * It also records what codegen needs so that it never looks a name up again:
 * each name's declaration index, the argument of each record field, each
 * test item's declaration, and which requirements report an element index.
 * The code generator (compiler/codegen.c) runs only on a tree with no errors.
 * The passes live in compiler/check_*.c (check_int.h lists them); the
 * vocabularies in compiler/vocab.h and runtime/types.h.
 *
 * Ownership: the arrays in chk_result live in the compilation arena.
 */
#ifndef POL_TYPECHECK_H
#define POL_TYPECHECK_H

#include "ast.h"

#include "vocab.h" /* FN_*, AGG_*: EX_CALL.fn and EX_AGG.fn */

typedef struct chk_result {
    ast_decl **inputs, **params, **rules, **tests, **enums, **records;  /* rules include outputs */
    uint32_t ninputs, nparams, nrules, ntests, nenums, nrecords;
    ast_decl **findings;    /* `finding "..."` of the policy's own file, in order */
    uint32_t nfindings;
} chk_result;

/* Returns true when there were no errors (warnings allowed). */
bool chk_policy(arena *a, diag_ctx *d, const src_file *f, ast_policy *p, chk_result *out);

#endif
