/* check_int.h -- what the checker's files share (internal to compiler/).
 *
 * The checker (typecheck.h: chk_policy) is split by concern; each file
 * reports through ERR/WARN/NOTE on one chk_ctx:
 *   check_scope.c   the symbol table, scopes of loop variables, "did you mean"
 *   check_vocab.c   the vocabularies of vocab.h and types.h: lookups, listings
 *   check_units.c   the unit algebra: arith_type, assignable, join
 *   check_expr.c    expressions; check_call.c calls, builtins and aggregates
 *   check_decl.c    the header, declarations, tests
 *   check_graph.c   the rule graph: cycles
 *   typecheck.c     the driver: chk_policy, a list of passes
 */
#ifndef POL_CHECK_INT_H
#define POL_CHECK_INT_H

#include "typecheck.h"

#include <stdio.h>

#include "bytecode.h"

#define CHK_MAX_SCOPE 64

typedef struct chk_ctx {
    arena *a;
    diag_ctx *d;
    const src_file *f;
    ast_policy *p;
    /* symbol table: open addressing over all named declarations */
    ast_decl **tab;
    uint32_t tabcap;
    ast_decl *cur;   /* declaration being checked (for uses/cycles)       */
    /* loop variables in scope (aggregates), innermost last */
    struct { const char *name; uint8_t type; uint32_t tref, slot; } scope[CHK_MAX_SCOPE];
    int nscope;
    uint32_t want_tref;   /* check_constant: the enumeration expected */
    const chk_result *out; /* the declarations by kind and index (from pass 1) */
} chk_ctx;

/* After syntax errors the tree lacks the declarations that failed to parse;
 * the follow-on codes they would cause (DCF_FOLLOW_ON) are left out. */
static inline bool chk_follow_on(const ast_policy *p, diag_code code)
{
    return p->partial && (diag_code_flags(code) & DCF_FOLLOW_ON);
}
#define ERR(sp, code, ...)                                                          \
    do {                                                                            \
        if (!chk_follow_on(c->p, code))                                             \
            diag_report(c->d, DIAG_ERROR, c->f, (sp), (code), __VA_ARGS__);         \
    } while (0)
#define WARN(sp, code, ...)                                                         \
    do {                                                                            \
        if (!chk_follow_on(c->p, code))                                             \
            diag_report(c->d, DIAG_WARNING, c->f, (sp), (code), __VA_ARGS__);       \
    } while (0)
#define NOTE(sp, ...) diag_report(c->d, DIAG_NOTE, c->f, (sp), DC_NOTE, __VA_ARGS__)

/* ---- vocabularies (check_vocab.c) ---- */
typedef struct vocab_word {
    const char *name;   /* NULL: no such spelling (skipped)              */
    int value;          /* FN_*, AGG_*, dec_mode, pol_type, or 0           */
    const char *listed; /* its text in a message's list, or NULL          */
} vocab_word;
typedef struct vocab {
    const vocab_word *words;
    size_t n;
} vocab;
extern const vocab chk_builtins, chk_aggregates, chk_modes, chk_types, chk_header_keys;

int chk_vocab_find(const vocab *v, const char *name);        /* value, or -1 */
const char *chk_vocab_suggest(const vocab *v, const char *name);
/* "round, min, ..." (the listed words, in order, joined by ", ") */
const char *chk_vocab_listing(const vocab *v, char *buf, size_t cap);

/* ---- names and suggestions (check_scope.c) ---- */
/* The candidate nearest to `name` by code-point edit distance (if near
 * enough), or NULL; the first of equally near ones. */
const char *chk_suggest(const char *name, const char *const *cands, size_t n);

#endif
