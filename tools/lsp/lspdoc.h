/* lspdoc.h -- pol-lsp's documents: text, positions, analyses and the names
 * in a checked tree (tools/lsp/lspdoc.c); the protocol is in lsp.c.
 *
 * Positions: LSP counts a line's characters in UTF-16 code units (or in
 * bytes when the client accepts "utf-8"); pol's spans are byte offsets, so
 * every conversion goes from bytes, never through pol's display columns
 * (which count a CJK character as two cells).
 *
 * Ownership: a doc owns its text, its diag_ctx and its analysis.
 */
#ifndef POL_LSPDOC_H
#define POL_LSPDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compile.h"

typedef struct lsp_doc {
    char *uri, *path;       /* path: the file name the compiler sees (imports are relative to it) */
    char *text;
    size_t len, cap;
    bool dirty;             /* changed since the last analysis */
    bool analysed;
    diag_ctx d;
    pol_analysis an;
    struct { const char *name; ast_decl *decl; } *names; /* open addressing, by name */
    size_t nnames_cap;
    struct lsp_doc *next;
} lsp_doc;

/* ---- positions ---- */
/* UTF-16 code units (bytes if utf8) of t[from, to). */
uint32_t lsp_units(const char *t, size_t from, size_t to, bool utf8);
/* Byte offset of (line, character) in t: clamped to the line's end and the
 * text's end, never inside a UTF-8 sequence. */
size_t lsp_offset(const char *t, size_t len, int64_t line, int64_t ch, bool utf8);
/* Line (0-based) and character of byte offset `off` (file bits ignored) of f. */
void lsp_position(const src_file *f, uint32_t off, bool utf8, uint32_t *line, uint32_t *ch);

/* ---- documents ---- */
void lsp_doc_set_text(lsp_doc *dc, const char *text, size_t len);
/* Replaces bytes [from, to) with text. */
void lsp_doc_edit(lsp_doc *dc, size_t from, size_t to, const char *text, size_t len);
/* Analyses the current text again (drops the previous analysis). */
void lsp_doc_analyse(lsp_doc *dc);
void lsp_doc_free(lsp_doc *dc);

/* Declarations that have a name others can use (lsp_doc_lookup's kinds). */
bool lsp_named_decl(const ast_decl *x);
/* The source file a span belongs to in dc's analysis (NULL if none). */
const src_file *lsp_doc_file(const lsp_doc *dc, uint32_t raw_off);
/* A top-level declaration by name (inputs, parameters, rules, outputs,
 * requirements, enumerations, records, exception labels), or NULL. */
ast_decl *lsp_doc_lookup(const lsp_doc *dc, const char *name);

/* ---- names in the tree ---- */
typedef enum {
    T_NONE,
    T_DECL,     /* decl                                   */
    T_MEMBER,   /* decl (the enumeration), member         */
    T_FIELD,    /* decl (the enum or record), field       */
    T_LOCAL,    /* a loop variable: name, at (its binding) */
    T_BUILTIN,  /* fn: a built-in function (FN_*)          */
    T_AGG,      /* fn: an aggregate (AGG_*)                */
} lsp_target_kind;

typedef struct lsp_target {
    lsp_target_kind kind;
    ast_decl *decl;
    ast_member *member;
    ast_field *field;
    const char *name;
    span at;                /* T_LOCAL: the variable's binding            */
    int fn;
} lsp_target;

/* One occurrence of a name: where it is written and what it names. */
typedef struct lsp_occ {
    span sp;                /* raw (file bits included)                   */
    lsp_target t;
    bool is_decl;           /* the declaration's own name                 */
    const ast_decl *owner;  /* the top-level declaration it is written in  */
} lsp_occ;

/* Calls fn for every name written in the tree (declarations, uses, types,
 * fields, members, functions); stops when fn returns false. */
typedef bool (*lsp_occ_fn)(void *ctx, const lsp_occ *o);
void lsp_doc_names(const lsp_doc *dc, lsp_occ_fn fn, void *ctx);
/* The occurrence whose span holds byte offset `off` of the main file (the
 * innermost one), in *out; false if none. */
bool lsp_doc_name_at(const lsp_doc *dc, uint32_t off, lsp_occ *out);
/* Where a target is declared: a raw span, false if it has none. */
bool lsp_target_span(const lsp_target *t, span *out);

#endif
