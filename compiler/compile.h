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
#include "typecheck.h"

bc_program *pol_compile(const char *name, const char *text, size_t len, diag_ctx *d, src_file **src);

/* Reads the .pol file at `path` and compiles it.  When the file cannot be
 * read: NULL, errno set, *read_failed true and nothing in d. */
bc_program *pol_compile_path(const char *path, diag_ctx *d, src_file **src, bool *read_failed);

/* The front end alone, for editors (tools/lsp/): parse (with imports) and
 * check, no code.  `out` keeps the checked tree (ast.h; imported declarations
 * first, each span naming its file, diag.h), the checker's tables and the
 * source; the diagnostics are in d, whose files (d->files) stay valid until
 * diag_free.  Returns false when there is no tree (no source, or a fatal
 * parse error: see d).  Free with pol_analysis_free (before or after
 * diag_free: the imported files belong to d, the main one to `out`). */
typedef struct pol_analysis {
    pol_arena a;
    ast_policy *tree;
    chk_result r;
    src_file *src;
    bool checked;        /* the checker ran and found no error */
} pol_analysis;
bool pol_analyze(const char *name, const char *text, size_t len, diag_ctx *d, pol_analysis *out);
void pol_analysis_free(pol_analysis *an);


#endif
