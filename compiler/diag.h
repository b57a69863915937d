/* diag.h -- source files, spans and the one diagnostic printer.
 *
 * Every token, AST node and emitted instruction carries a span: byte offsets
 * [start, end) into its source file.  Line and column are computed only when
 * a message is printed, from a table of line starts.  Columns count display
 * cells, so a caret stays under the right character after Chinese text (a CJK
 * character is two cells wide).  Diagnostics are collected, then printed in
 * the gcc/clang form editors understand:
 *
 *   rizhao.pol:12:30: error: cannot add money and rate
 *      12 | rule x: money = 月缴费基数 + 费率
 *         |                 ~~~~~~~~~~~^~~~~
 *
 * or as JSON (one object per diagnostic) for editors and tools.
 *
 * Shares its contract with: compiler/diag.c; every compiler phase reports
 * through diag_report(); runtime errors are printed by polrun with the same
 * file:line:col form from the positions stored in the bytecode.
 *
 * Ownership: a diag_ctx owns its sources and messages; diag_free releases.
 */
#ifndef POL_DIAG_H
#define POL_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diagcodes.h"
#include "lang.h"
#include "utf8.h"

typedef struct span {
    uint32_t start, end; /* byte offsets into the source, end exclusive */
} span;

/* A span's offsets carry the file they belong to in their top 8 bits (a
 * policy and the files it imports are compiled together): file id, then a
 * byte offset below 16 MiB. */
#define SPAN_FILE(off) ((uint32_t)(off) >> 24)
#define SPAN_OFF(off) ((uint32_t)(off) & 0xFFFFFFu)
#define SPAN_BASE(fid) ((uint32_t)(fid) << 24)
#define DIAG_MAX_FILES 256

/* The span of a diagnostic about no place in a file (written so, rather
 * than (span){0, 0}, because xgettext counts the comma in braces as one
 * between arguments and then misses the message). */
#define DIAG_NO_SPAN ((span){0, 0})

typedef struct src_file {
    char *name;
    uint32_t id;         /* index in the compilation's file table (span bits) */
    char *text;          /* NUL-terminated copy of the file                  */
    size_t len;
    uint32_t *line_starts;
    uint32_t nlines;
} src_file;

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_level;

typedef struct diag {
    diag_level level;
    const src_file *file;
    span sp;
    char *msg;           /* in English: the JSON form's, the same in every language */
    char *text;          /* in the context's language (== msg when that is English) */
    diag_code code;      /* stable identifier (diagcodes.h), e.g. DC_TYPE_MISMATCH */
    uint32_t group_start;    /* notes sort with the diagnostic reported before them */
    size_t group;
} diag;

typedef struct diag_ctx {
    diag *items;
    size_t count, cap;
    int errors, warnings;
    int max_errors;      /* stop recording after this many errors (0: 100)  */
    const src_file *files[DIAG_MAX_FILES]; /* by id; spans name their file   */
    int nfiles;
    src_file *owned[DIAG_MAX_FILES];       /* imported files, freed by diag_free */
    int nowned;
    pol_lang lang;       /* of the printed form (lang.h); diag_init takes the process's */
} diag_ctx;

/* Registers f as file `f->id` of the compilation (diag_report then finds a
 * span's file by its id); with `own`, diag_free frees it. */
void diag_add_file(diag_ctx *d, src_file *f, bool own);

/* Creates a source from memory (copies text).  Returns NULL if len is over
 * the source size limit. */
src_file *src_new(const char *name, const char *text, size_t len);
void src_free(src_file *f);
/* 1-based line and display column of byte offset `off` (file bits ignored). */
void src_line_col(const src_file *f, uint32_t off, uint32_t *line, uint32_t *col);

void diag_init(diag_ctx *d);
void diag_free(diag_ctx *d);
/* Records a diagnostic; `code` names it and its row in diagcodes.h gives
 * its level (error, warning or note). */
void diag_report(diag_ctx *d, const src_file *f, span sp, diag_code code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The same with the message written by the caller: msg in English (the JSON
 * form's), text in the context's language (d->lang; ignored when that is
 * English).  For a message put together from pieces, each a msgid (the
 * parser's syntax errors). */
void diag_report_text(diag_ctx *d, const src_file *f, span sp, diag_code code, const char *msg, const char *text);
/* The level of a code, from its row. */
diag_level diag_code_level(diag_code c);

/* Prints all diagnostics in source order (stable) as text, or as a JSON
 * array.  `color` adds ANSI colours. */
void diag_print(const diag_ctx *d, FILE *out, bool color);
void diag_print_json(const diag_ctx *d, FILE *out);


#endif
