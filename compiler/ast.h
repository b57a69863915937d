/* ast.h -- the syntax tree of a .pol file, allocated in one arena.
 *
 * The parser (grammar/parser.y) builds it; the checker (compiler/typecheck.c)
 * resolves names and fills the `checked` fields; the code generator
 * (compiler/codegen.c) reads it.  Nothing flows back: the tree is thrown away
 * once bytecode exists.  Every node has a span into its source.
 *
 * Ownership: every node and string lives in the compilation's arena and is
 * freed with it (arena_free, i.e. pol_arena_free); nodes are never freed one
 * by one.
 */
#ifndef POL_AST_H
#define POL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "mem.h"

/* ---- arena ----
 * The compilation arena is the shared pol_arena (runtime/mem.h); these names
 * are aliases kept for the parser and checker's many call sites. */
typedef pol_arena arena;
#define arena_init pol_arena_init
#define arena_free pol_arena_free
#define arena_alloc pol_arena_alloc          /* zeroed, aligned for any type */
#define arena_strndup pol_arena_strndup

/* ---- the depth budget ----
 * No expression nests deeper than this.  The parser counts every level: each
 * node of the tree (a field, a call, an if, an aggregate, a unary or binary
 * operator, a list, an index) and each pair of parentheses, and refuses a
 * deeper expression with "expression nested more than N deep".  So every pass
 * that recurses over an expression (the checker, the rule graph, the code
 * generator) recurses at most this deep; their frames are kept small enough
 * that the budget fits an 8 MiB stack in the sanitized build too
 * (docs/robustness.md, "Limits", gives the bytes each level costs). */
#define POL_MAX_EXPR_DEPTH 10000

/* ---- expressions ---- */
typedef enum {
    EX_NUM,      /* text: digits as written ("4416", "0.05")               */
    EX_PERCENT,  /* text: digits before '%' ("5" for 5%)                   */
    EX_MONEY,    /* text: digits before 元 ("12" for 12元)                  */
    EX_DATE,     /* ival: day number                                       */
    EX_MONTH,    /* ival: year*12 + month-1                                */
    EX_STR,      /* text: decoded string                                   */
    EX_BOOL,     /* ival: 0/1                                              */
    EX_NAME,     /* text: identifier                                       */
    EX_CALL,     /* text: function name; args                              */
    EX_INDEX,    /* a[b]: a dated parameter looked up at date b           */
    EX_UNARY,    /* op: UO_*; a                                            */
    EX_BINARY,   /* op: BO_*; a, b                                         */
    EX_IF,       /* if a then b else c                                     */
    EX_FIELD,    /* a.text: a field of an enum value, or Enum.Member       */
    EX_LIST,     /* [args...]: a list of records                          */
    EX_AGG,      /* text(var in a..b where f: c) or text(var in list ...: c):
                    sum count min max any all list first; over an enumeration's
                    members when a names one (members = its member count);
                    args[0] (nargs 1): the `otherwise` fallback, or none    */
    EX_NA,       /* `inapplicable`: the rule does not apply here          */
    EX_UNSTATED  /* `unstated "note"`: the notice does not give the value;
                    text: the note, or NULL                               */
    , EX_IN      /* a in b..c: b <= a <= c (c NULL: `v in list`, an aggregate's head only) */
    , EX_MODE    /* ival: a rounding mode named bare (进一): a value of type rounding (the checker turns EX_NAME into it) */
    , EX_MATCH   /* match a { arg_names[i] => args[i] ... }: arg_names[i] NULL
                    for `else`; members[i]: the member's index (checker)    */
} ex_kind;

typedef enum { BO_ADD, BO_SUB, BO_MUL, BO_DIV, BO_EQ, BO_NE, BO_LT, BO_LE, BO_GT, BO_GE, BO_AND, BO_OR } binop;
typedef enum { UO_NEG, UO_NOT } unop;

/* What a name resolved to. */
typedef enum { SYM_NONE, SYM_INPUT, SYM_PARAM, SYM_RULE, SYM_LOCAL, SYM_MEMBER, SYM_FUNCTION, SYM_RECORD } sym_kind;

typedef struct ast_expr {
    ex_kind kind;
    span sp;
    int op;
    const char *text;
    int32_t ival;
    struct ast_expr *a, *b, *c;
    struct ast_expr **args;
    int nargs;
    span name_sp;           /* EX_CALL/EX_AGG: the function name; EX_FIELD: the field */
    const char *var;        /* EX_AGG: the bound variable                   */
    struct ast_expr *filter; /* EX_AGG: `where` condition, or NULL          */
    bool named;             /* EX_CALL: T(field = value, ...) builds a record */
    const char **arg_names;
    span *arg_name_sps;
    span var_sp;
    int depth;              /* height of the subtree (parser's limit)       */
    /* filled by the checker */
    uint8_t type;           /* pol_type                                     */
    uint32_t tref;          /* ENUM: which enumeration                      */
    uint32_t slot;          /* EX_AGG: first local slot; SYM_LOCAL: its slot */
    bool lit;               /* an untyped numeric literal expression        */
    sym_kind sym;
    uint32_t index;         /* index of the input/param/rule                */
    int fn;                 /* EX_CALL: which builtin                       */
    int places, mode;       /* EX_CALL round: constant places and mode (add_months: its month-end rule) */
    int month_end;          /* EX_CALL: the month-end rule of its file's header (cd_month_end) */
    int *field_arg;         /* EX_CALL record: for each field in declaration
                               order, the index of the argument giving it   */
    int32_t *members;       /* EX_MATCH: each arm's member index (-1: else)  */
    bool over_members;      /* EX_AGG: a runs over an enumeration's members  */
    bool table;             /* EX_INDEX: a table lookup (a[b] or a[b, c])     */
                            /* EX_INDEX a[b, k, c]: args[0] = k (nargs 1), a table by two keys
                               looked up by date; the checker moves a[b, k]'s k there too */
} ast_expr;

typedef struct ast_source { /* NAME or NAME[DATE] in `inferred "..." (...)` */
    const char *name;
    span sp, name_sp;       /* the whole source (name and date); the name   */
    bool dated;
    int32_t date;
    struct ast_source *next;
    struct ast_decl *decl;  /* checker: the parameter it names              */
} ast_source;

typedef struct ast_annot {
    const char *cite;       /* the notice's clause, e.g. "一(一)1"           */
    span cite_sp;
    const char *note;       /* an interpretation, written beside the rule   */
    const char *inferred;   /* `inferred "..."`: how a value not stated was derived */
    span inferred_sp;       /* the keyword                                  */
    ast_source *from;       /* `inferred "..." (A, B[date])`: the parameters it was derived from */
} ast_annot;

typedef struct ast_version {
    span sp;
    bool has_from, has_to;
    int32_t from, to;       /* day numbers, inclusive                       */
    ast_expr *value;
    ast_annot an;
    struct ast_version *next;
} ast_version;

/* A row of a table (`param NAME: T by KEY { ROW ... }`): a member of the
 * enumeration KEY, or a band lo..hi of numbers (either end open; `..<hi`
 * excludes hi); its value, or dated versions. */
typedef struct ast_row {
    span sp;
    const char *member;     /* an enumeration's member, or NULL: a band      */
    span member_sp;
    ast_expr *lo, *hi;      /* a band's ends, NULL when open                 */
    bool hi_excl;           /* `..<hi`: hi itself is not in the band         */
    ast_expr *value;        /* or NULL: dated versions                       */
    ast_version *versions;
    ast_annot an;
    struct ast_row *next;
    struct ast_row *sub;    /* a table by two keys: this row's rows by the second key */
    int nsub;
    /* filled by the checker */
    int32_t idx;            /* a member row: the member's index              */
    const char *label;      /* "一档", "35..44": the row's name in the program */
    bool overridden;        /* checker: replaced by an `override param T[ROW]`   */
    struct ast_decl *table; /* a table by two keys: this row as a table by the
                               second key, named "NAME[LABEL]" (its rows sorted) */
} ast_row;

typedef struct ast_item {   /* in a test: `name = value`, `expect name = value`, `stated name = value` */
    bool expect;
    bool stated;            /* a figure the notice states: a mismatch is a finding */
    const char *cite;
    const char *name;
    span name_sp, sp;
    ast_expr *value;
    ast_expr *path;         /* expect NAME[i].field: the part of NAME expected, or NULL */
    struct ast_item *next;
    struct ast_decl *decl;  /* checker: the input, rule or output it names */
    uint8_t type;           /* checker: the type expected (the path's, or the rule's) */
    uint32_t tref;
} ast_item;

typedef struct ast_member {  /* a member of an enumeration, with its field values */
    const char *name;
    span sp, name_sp;
    ast_expr **values;
    int nvalues;
    ast_annot an;
    struct ast_member *next;
} ast_member;

typedef struct ast_field { const char *name, *type_name; span sp, type_sp; uint8_t type; uint32_t tref; struct ast_field *next; } ast_field;

typedef enum { D_INPUT, D_PARAM, D_RULE, D_OUTPUT, D_TEST, D_ENUM, D_EXCEPTION, D_REQUIRE, D_RECORD, D_IMPORT,
               D_FINDING /* `finding "TEXT"`: a problem of the notice that is not a number */ } decl_kind;

typedef struct ast_decl {
    decl_kind kind;
    span sp;
    const char *name;       /* D_TEST: the test's title; D_FINDING: its text */
    span name_sp;
    const char *type_name;
    span type_sp;
    ast_expr *value;        /* rule/output/undated param                    */
    ast_expr *lo, *hi;      /* input bounds (`in lo..hi`), may be NULL      */
    ast_version *versions;  /* dated param                                  */
    const char *key_name;   /* a table: `by KEY` (an enumeration or a number type) */
    span key_sp;
    bool partial;           /* a table marked `partial`: rows may be missing */
    ast_row *rows;          /* a table's rows: sorted by the checker (members
                               in declaration order, bands from low to high) */
    int nrows;
    bool dated_rows;        /* a table some row of which has dated versions */
    ast_row *override_row;  /* `override param NAME[ROW]` (or NAME[ROW, ROW2]): the row (its
                               value or versions) that replaces one of an imported table's */
    ast_row *override_row2; /*   ROW2, a row of a table by two keys, or NULL        */
    const char *key2_name;  /* a table by two keys: `by KEY, KEY2` (its rows' sub rows) */
    span key2_sp;
    uint8_t key2_type;      /* checker: the second key's pol_type; key2_tref its enum */
    uint32_t key2_tref;
    bool cell_rows;         /* checker: a row table of a table by two keys: its rows are named "NAME[A, B]" */
    uint8_t key_type;       /* checker: the key's pol_type; key_tref its enum */
    uint32_t key_tref;
    int places;             /* output: `places N` (-1: by type)             */
    ast_annot an;
    ast_item *items;        /* D_TEST                                       */
    bool expect_error;      /* D_TEST: `expect error ["text"]`              */
    const char *error_text;
    ast_field *fields;      /* D_ENUM, D_RECORD                             */
    struct ast_decl *params; /* D_RULE with parameters: a function (D_INPUT nodes) */
    int nparams;
    ast_member *members;
    const char *target;     /* D_EXCEPTION: the rule it overrides           */
    span target_sp;
    ast_expr *cond;         /* D_EXCEPTION: when it applies                 */
    ast_expr *when;         /* D_RULE/D_OUTPUT `when COND`: else not applicable */
    bool override;          /* `override param`: replaces an imported parameter */
    bool imported;          /* comes from an imported file                  */
    bool damaged;           /* parser: a syntax error lies inside or right after it: not checked */
    struct ast_decl *next;
    /* filled by the checker */
    struct ast_decl *exceptions; /* rules: their exceptions, in source order */
    struct ast_decl *next_exception;
    struct ast_decl *of;    /* exceptions: the rule they override           */
    struct ast_decl *over;  /* an exception to a labelled exception: that one
                               (its own exceptions are in its `exceptions`)  */
    uint32_t nlocals;       /* rules: local slots used by aggregates        */
    uint32_t tref;
    uint8_t type;
    uint32_t index;
    int uses;
    int visit;              /* cycle detection                             */
    bool index_result;      /* D_REQUIRE all(p in list: cond) read by no formula:
                               its value is the 1-based position of the first
                               element that fails, 0 if none (an integer)   */
} ast_decl;

typedef struct ast_meta {
    const char *key;
    span key_sp, sp;
    ast_expr *value;
    struct ast_meta *next;
} ast_meta;

/* `clause "ID" [= "ANCHOR"] [note "..."]`: an entry of the policy's clause
 * map (compiler/clause.h): ID is the notice's paragraph holding ANCHOR, or,
 * with no anchor, a clause of the notice deliberately not transcribed. */
typedef struct ast_clause {
    const char *id, *anchor, *note;
    span sp, id_sp, anchor_sp; /* sp: the keyword `clause` (where the declaration starts) */
    bool imported;          /* from an imported file: reported in that file's check */
    struct ast_clause *next;
} ast_clause;

typedef struct ast_policy {
    bool partial;           /* parsed with syntax errors: some declarations are missing */
    const char *title;
    span title_sp;
    bool has_header;
    ast_meta *meta;
    ast_decl *decls;
    ast_clause *clauses;    /* the clause map, in source order; then the imported maps' */
} ast_policy;

/* Parser state, shared by grammar/lexer.l and grammar/parser.y. */
typedef struct pstate {
    arena *a;
    diag_ctx *d;
    const src_file *f;
    ast_policy *policy;
    void *scanner;
    uint32_t offset;        /* lexer's running byte offset                  */
    bool depth_reported;
    uint32_t *syntax_at;    /* offsets (with file bits) of recorded syntax errors */
    uint32_t nsyntax, syntax_cap;
    uint32_t run_end;       /* lexer: end of the last digit run reported (one message a run) */
    struct lex_name *bad_names; /* lexer: unreadable names already reported (one message a name) */
    char *pending;          /* parser: the syntax error not yet reported (a rule may add to it) */
    char *pending_text;     /* the same in the diagnostics' language (diag_ctx.lang) */
    span pending_sp;
    bool pending_expecting; /* its message lists the tokens expected */
    diag_code pending_code;
    int month_end;          /* the header's month-end rule (cd_month_end), for the calls after it */
} pstate;

/* Reports every byte of f's text that is not well-formed UTF-8 (one error
 * per bad sequence, with utf8_seq()'s reason) and every C1 control
 * character, so that no string, comment or identifier carries one into the
 * bytecode (grammar/lexer.l; pol_parse calls it first). */
void pol_lex_check_text(pstate *ps);

/* The keywords: every spelling the lexer reads as a keyword (English and
 * Chinese), with the English keyword it means (grammar/lexer.l). */
typedef struct pol_keyword {
    const char *spelling, *english;
} pol_keyword;
extern const pol_keyword pol_keywords[];
extern const size_t pol_nkeywords;

/* Parses f into a tree in arena a; errors go to d.  Returns the tree (also
 * when there were errors, as far as it got) or NULL on a fatal error.  A
 * declaration with a syntax error inside it, or between it and the next one,
 * was cut short by error recovery: the parser sets its `damaged` flag. */
ast_policy *pol_parse(arena *a, diag_ctx *d, const src_file *f);

#endif
