/* compile.h -- the compiler as a library: .pol text in, bc_program out.
 *
 * pol_compile() runs the phases in order (parse, check, generate) and stops
 * before code generation if any phase reported an error; every diagnostic of
 * the run is in `d`, printed by the caller with diag_print().  polc and
 * polrun (for .pol files given directly) both use it.
 *
 * Ownership: returns a new bc_program or NULL; the src_file it creates is
 * returned through *src (free with src_free) because diagnostics point into it.
 */
#ifndef POL_COMPILE_H
#define POL_COMPILE_H

#include "bytecode.h"
#include "diag.h"
#include "file.h"

bc_program *pol_compile(const char *name, const char *text, size_t len, diag_ctx *d, src_file **src);

/* Reads the .pol file at `path` and compiles it.  When the file cannot be
 * read: NULL, errno set, *read_failed true and nothing in d. */
bc_program *pol_compile_path(const char *path, diag_ctx *d, src_file **src, bool *read_failed);


#endif
