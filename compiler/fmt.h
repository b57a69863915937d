/* fmt.h -- the formatter: one canonical layout for a .pol source
 * (`polc fmt`, pol-lsp's textDocument/formatting; docs/polc.md, "polc fmt").
 *
 * Only the white space between tokens changes: every token and every comment
 * is kept with its exact spelling (Chinese or English keywords, fullwidth or
 * ASCII punctuation), so the formatted file compiles to the same bytecode
 * apart from source positions.  The result is checked before it is returned:
 * it is re-read and must hold the same tokens and comments in the same
 * order, or the formatter refuses (POL_FMT_INTERNAL).
 *
 * Ownership: *out is malloc'd (free() it), NUL-terminated; NULL on failure.
 */
#ifndef POL_FMT_H
#define POL_FMT_H

#include <stddef.h>

#include "diag.h"

typedef enum {
    POL_FMT_OK = 0,       /* *out holds the formatted text                      */
    POL_FMT_SYNTAX = 1,   /* lexical or syntax errors: they are in d, *out NULL  */
    POL_FMT_INTERNAL = 2, /* the formatter's own check failed (a bug): in d     */
} pol_fmt_status;

/* Formats src (len bytes; path names it in diagnostics).  d must be
 * initialised (diag_init); the diagnostics point into a source that d owns,
 * so print them (diag_print, diag_print_json) before diag_free(d).  Only
 * syntax is checked: a file with type errors is formatted too. */
pol_fmt_status pol_format(const char *path, const char *src, size_t len, char **out, size_t *outlen, diag_ctx *d);

#endif
