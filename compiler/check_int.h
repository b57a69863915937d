/* check_int.h -- what the checker's files share (internal to compiler/).
 *
 * The checker (typecheck.h: chk_policy) is split by concern; each file
 * reports through ERR/WARN/NOTE on one chk_ctx:
 *   check_scope.c   the symbol table, "did you mean", type names, pass 1
 *   check_vocab.c   the vocabularies of vocab.h and types.h: lookups, listings
 *   check_units.c   the unit algebra: chk_arith_type, chk_assignable, chk_join
 *   check_expr.c    expressions and constants
 *   check_call.c    calls: functions, records, builtins and aggregates
 *   check_decl.c    the header, declarations and their bodies
 *   check_notice.c  the header's notice files, in the notices directory
 *   check_test.c    tests
 *   check_graph.c   the rule graph: cycles
 *   typecheck.c     the driver: chk_policy, a list of passes
 */
#ifndef POL_CHECK_INT_H
#define POL_CHECK_INT_H

#include "typecheck.h"

#include <stdio.h>

#include "bytecode.h"

#define CHK_MAX_AGG_DEPTH 64 /* aggregates nested in one formula */
#define CHK_MAX_EXC_DEPTH 64 /* exceptions to exceptions, one below another */
/* Unrolled bodies of nested aggregates over members (codegen copies the
 * body once per member): more is refused, so code stays small. */
#define CHK_MAX_UNROLL 4096
/* For a function that holds a diagnostic's buffers, called from the
 * recursion over an expression: kept out of line, so that the buffers are not
 * part of every level's frame (the depth budget, ast.h). */
#define CHK_NOINLINE __attribute__((noinline))

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
    /* a function's parameters, then at most CHK_MAX_AGG_DEPTH loop variables */
    struct { const char *name; uint8_t type; uint32_t tref, slot; } *scope;
    int nscope, scope_params; /* entries, of which the current function's parameters */
    uint32_t want_tref;   /* check_constant: the enumeration expected */
    uint32_t unroll;      /* aggregates over members enclosing this point: the
                             product of their member counts (codegen unrolls them) */
    chk_result *out;       /* the declarations by kind and index (from pass 1) */
    ast_decl *row_overrides; /* `override param T[ROW]`, taken out of the declarations
                                (chained by next; of: the imported table) */
} chk_ctx;

/* After syntax errors the tree lacks the declarations that failed to parse;
 * the follow-on codes they would cause (DCF_FOLLOW_ON) are left out. */
static inline bool chk_follow_on(const ast_policy *p, diag_code code)
{
    return p->partial && (diag_code_flags(code) & DCF_FOLLOW_ON);
}
/* Reports code at sp (at the level its diagcodes.h row gives) unless it is
 * a follow-on of syntax errors. */
#define REPORT(sp, code, ...)                                                       \
    do {                                                                            \
        if (!chk_follow_on(c->p, code))                                             \
            diag_report(c->d, c->f, (sp), (code), __VA_ARGS__);                     \
    } while (0)
#define NOTE(sp, ...) diag_report(c->d, c->f, (sp), DC_NOTE, __VA_ARGS__)

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
extern const vocab chk_builtins, chk_aggregates, chk_modes, chk_types, chk_header_keys, chk_month_ends;

int chk_vocab_find(const vocab *v, const char *name);        /* value, or -1 */
const char *chk_vocab_suggest(const vocab *v, const char *name);
/* "round, min, ..." (the listed words, in order, joined by ", ") */
const char *chk_vocab_listing(const vocab *v, char *buf, size_t cap);
/* e is not a word of v: "unknown WHAT 'e'; did you mean '...'?" when a word
 * is close, else "unknown WHAT (KIND: the words)". */
void chk_vocab_unknown(chk_ctx *c, const ast_expr *e, const vocab *v, diag_code code, const char *what, const char *kind);

/* ---- names and suggestions (check_scope.c) ---- */
/* The candidate nearest to `name` by code-point edit distance (if near
 * enough), or NULL; the first of equally near ones. */
const char *chk_suggest(const char *name, const char *const *cands, size_t n);

/* A type's name for a message's %s: pol_type_name(t) as a fragment (lang.h),
 * so a Chinese message names the type in Chinese (check_vocab.c). */
const char *chk_type_frag(pol_type t);
static inline const char *tname(pol_type t) { return chk_type_frag(t); }
static inline bool numeric(pol_type t) { return pol_type_numeric(t); }

ast_decl *chk_lookup(chk_ctx *c, const char *name);
void chk_insert(chk_ctx *c, ast_decl *d);
const char *chk_suggest_decl(chk_ctx *c, const char *name);
/* "undefined name 'x'", with a suggestion when one is near; for a member
 * of an enumeration written alone, "write E.x" */
void chk_undefined(chk_ctx *c, span sp, const char *name);
ast_decl *chk_enum_with_member(chk_ctx *c, const char *name);
/* A declared type name: a built-in type, an enumeration, a record type or
 * []R (a list of R); reports an unknown one and returns PT_VOID. */
pol_type chk_resolve_type(chk_ctx *c, const char *name, span sp, uint32_t *tref);
/* The record type (records, lists) or enumeration a type refers to, or NULL. */
ast_decl *chk_decl_of_type(chk_ctx *c, pol_type t, uint32_t tref);
/* A type for messages, naming the record type or enumeration: "list of 缴费". */
const char *chk_type_text(chk_ctx *c, pol_type t, uint32_t tref, char *buf, size_t cap);
/* "an input", "a rule", ... and "input", "rule", ...: fragments (lang.h),
 * for a message's %s only */
const char *chk_a_kind(decl_kind k);
const char *chk_kind_name(decl_kind k);

/* ---- units (check_units.c) ---- */
/* Type of a ± b, a × b, a ÷ b given both numeric; PT_VOID after reporting. */
pol_type chk_arith_type(chk_ctx *c, int op, ast_expr *a, ast_expr *b, span sp);
/* Can a value of type `from` (lit: untyped literal) stand where `to` is expected? */
bool chk_assignable(pol_type to, pol_type from, bool lit);
/* chk_assignable for an expression, including which enumeration or record type. */
bool chk_assignable_e(pol_type to, uint32_t to_tref, const ast_expr *e);
/* A list expression where a list of to_tref is expected ([], [1, 2] for numbers). */
bool chk_list_fits(uint32_t to_tref, const ast_expr *e);
/* Join of two branch types (if/else, min/max); PT_VOID if incompatible. */
pol_type chk_join(ast_expr *a, ast_expr *b, bool *lit);
/* A bare number in e that makes it `got` where `want` was declared
 * (53400 * 费率 is a rate; declared money): ", ... write 53400元 ...", or "". */
const char *chk_yuan_hint(const ast_expr *e, pol_type want, pol_type got, char *buf, size_t cap);

/* ---- expressions (check_expr.c, check_call.c) ---- */
pol_type chk_expr(chk_ctx *c, ast_expr *e); /* sets e->type */
/* `inapplicable`, `unstated`, or an if whose branches both are: an
 * expression with no value, which fits where any type is expected. */
bool chk_bottom(const ast_expr *e);
/* A value written out (what: "a bound", ...) of type want. */
void chk_constant(chk_ctx *c, ast_expr *e, pol_type want, const char *what);
/* chk_constant for "the value of 'name'" (owner NULL) or "field 'name' of
 * 'owner'", each a whole msgid. */
void chk_constant_named(chk_ctx *c, ast_expr *e, pol_type want, const char *name, const char *owner);
/* A type's text for messages in two parts, a fragment and a name, so that a
 * message can put them in its language's order ("list of " + "缴费"). */
const char *chk_type_head(chk_ctx *c, pol_type t, uint32_t tref);
const char *chk_type_tail(chk_ctx *c, pol_type t, uint32_t tref);
pol_type chk_call(chk_ctx *c, ast_expr *e);
pol_type chk_agg(chk_ctx *c, ast_expr *e);
/* The common type of v[0..n) (min, max, clamp, in): numbers of one unit,
 * dates or months; PT_VOID after reporting ("what" names the operation). */
pol_type chk_join_values(chk_ctx *c, ast_expr **v, int n, const char *what, bool *lit);
/* round's places: a whole number written in the formula */
int chk_const_places(chk_ctx *c, ast_expr *e, int *out);

/* ---- passes, in the order chk_policy runs them (typecheck.c) ---- */
void chk_header(chk_ctx *c);
/* The header field m names notice files: warns of those not in the notices
 * directory (none found: nothing is checked). */
void chk_notice(chk_ctx *c, const ast_meta *m);
/* The policy's cites resolved against its notices' clauses, when the notices
 * are at hand: a cite that names no clause, a clause map entry that finds no
 * place, a rule-bearing clause that nothing cites (check_notice.c). */
void chk_citations(chk_ctx *c);
void chk_overrides(chk_ctx *c);
void chk_declare(chk_ctx *c);
void chk_declared_types(chk_ctx *c);
void chk_override_types(chk_ctx *c);
void chk_override_keys(chk_ctx *c, ast_decl *x, const ast_decl *of); /* check_table.c */
bool chk_override_row(chk_ctx *c, ast_decl *x, ast_decl *table); /* check_table.c */
void chk_join_exceptions(chk_ctx *c);
void chk_no_output(chk_ctx *c);
void chk_bodies(chk_ctx *c);
void chk_tests(chk_ctx *c);
void chk_cycles(chk_ctx *c);
void chk_unused(chk_ctx *c);
/* used by chk_bodies */
void chk_param(chk_ctx *c, ast_decl *d);
void chk_enum(chk_ctx *c, ast_decl *d);
ast_version *chk_versions(chk_ctx *c, ast_decl *d, ast_version *list, const char *name, span name_sp, const char *cite);

/* ---- tables, exhaustive choice, aggregates over members (check_table.c) ---- */
void chk_table(chk_ctx *c, ast_decl *d);
/* x[key] or x[key, date] where x is a table: e->table, e->slot */
pol_type chk_table_lookup(chk_ctx *c, ast_expr *e, ast_decl *d, pol_type kt);
pol_type chk_match(chk_ctx *c, ast_expr *e);
/* The enumeration an aggregate's `in NAME` names (not shadowed), or NULL. */
ast_decl *chk_agg_enum(chk_ctx *c, const ast_expr *a);
/* A local slot of the rule being checked (exceptions use their rule's). */
uint32_t chk_new_slot(chk_ctx *c, uint32_t n);

#endif
