/* parser.y -- the grammar of .pol files (docs/language.md describes it).
 *
 * A file is an optional header `policy "title" { key value ... }` followed by
 * declarations, each starting with a keyword: input, param, rule, output,
 * test.  Declarations need no terminator: the next keyword ends one, which is
 * also where error recovery resynchronises, so one run reports every error.
 * Nodes go into the compilation arena (compiler/ast.h); spans come from the
 * lexer (grammar/lexer.l).
 */
%define api.pure full
%define api.prefix {pol_yy}
%define api.location.type {span}
%define parse.error custom
%locations
%expect 0
%param {void *scanner}
%parse-param {pstate *ps}

%code requires {
#include "ast.h"
}

%code provides {
int pol_yylex(POL_YYSTYPE *lval, span *lloc, void *scanner);
}

%code {
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "bytecode.h"
#include "caldate.h"
#include "mem.h"
#include "vocab.h"

/* The parser's own stack (on the heap) is sized from the depth budget: one
 * level of nesting holds at most POL_YY_PER_LEVEL entries (an aggregate's
 * body, `f ( v in a .. b where c :`, holds 9), and a declaration around it a
 * few more.  So an expression within the budget always fits, and running out
 * of stack means the budget was exceeded: both get the one diagnostic. */
#define POL_YY_PER_LEVEL 10
#define YYMAXDEPTH (POL_YY_PER_LEVEL * (POL_MAX_EXPR_DEPTH + 10))
#define DEPTH_MESSAGE N_("expression nested more than %d deep; split it into rules")
#define YYMALLOC pol_xmalloc /* the one allocator wrapper (runtime/mem.h) */
#define YYFREE free

#define YYLLOC_DEFAULT(Cur, Rhs, N)                         \
    do {                                                    \
        if (N) {                                            \
            (Cur).start = YYRHSLOC(Rhs, 1).start;           \
            (Cur).end = YYRHSLOC(Rhs, N).end;               \
        } else {                                            \
            (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end; \
        }                                                   \
    } while (0)

/* Remembers where a recorded syntax error lies, for mark_damaged. */
static void note_syntax(pstate *ps, span loc)
{
    const diag_ctx *d = ps->d;
    if (d->max_errors && d->errors > d->max_errors)
        return; /* past the limit: not recorded, so as if not reported */
    uint32_t off = SPAN_OFF(loc.start);
    if (off > ps->f->len)
        off = (uint32_t)ps->f->len;
    POL_GROW(ps->syntax_at, ps->syntax_cap, ps->nsyntax + 1);
    ps->syntax_at[ps->nsyntax++] = SPAN_BASE(ps->f->id) | off;
}

/* Reports the syntax error held back by pol_yyreport_syntax_error, with
 * `extra` added (a rule of the grammar that recovers from it may know more):
 * extra_en in English, extra_text in the diagnostics' language. */
static void flush_syntax(pstate *ps, const char *extra_en, const char *extra_text)
{
    if (!ps->pending)
        return;
    size_t n = strlen(ps->pending) + strlen(extra_en) + 1, m = strlen(ps->pending_text) + strlen(extra_text) + 1;
    char *en = pol_xmalloc(n), *text = pol_xmalloc(m);
    snprintf(en, n, "%s%s", ps->pending, extra_en);
    snprintf(text, m, "%s%s", ps->pending_text, extra_text);
    diag_report_text(ps->d, ps->f, ps->pending_sp, ps->pending_code, en, text);
    note_syntax(ps, ps->pending_sp);
    free(en);
    free(text);
    free(ps->pending);
    free(ps->pending_text);
    ps->pending = ps->pending_text = NULL;
}

/* Holds back the message (English, then in the diagnostics' language)
 * until the next one or the end of the parse (see flush_syntax). */
static void hold_syntax(pstate *ps, span loc, diag_code code, const char *en, const char *text, bool expecting)
{
    ps->pending_code = code;
    ps->pending = pol_xstrdup(en);
    ps->pending_text = pol_xstrdup(text);
    ps->pending_sp = loc;
    ps->pending_expecting = expecting;
}

/* Bison's other error: its stack ran out (the depth budget was exceeded). */
static void pol_yyerror(span *loc, void *scanner, pstate *ps, const char *msg)
{
    (void)scanner;
    (void)msg; /* "memory exhausted": the only message bison gives here */
    flush_syntax(ps, "", "");
    if (!ps->depth_reported)
        diag_report(ps->d, ps->f, *loc, DC_LIMIT, DEPTH_MESSAGE, POL_MAX_EXPR_DEPTH);
    ps->depth_reported = true;
}

/* An `if` whose then-branch is complete but no `else` follows (the error
 * is at the very next token): the message says which `if` is unfinished. */
static void unfinished_if(pstate *ps, span if_sp, span then_sp)
{
    if (!ps->pending || ps->pending_code != DC_SYNTAX)
        return;
    for (uint32_t i = SPAN_OFF(then_sp.end); i < SPAN_OFF(ps->pending_sp.start); i++) {
        char ch = ps->f->text[i];
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
            return; /* the error is further on */
    }
    uint32_t line, col;
    src_line_col(ps->f, if_sp.start, &line, &col);
    char en[200], text[200];
    const char *fmt = ps->pending_expecting ? N_(" (to close the 'if' at line %u, column %u)")
                                            : N_(", expecting 'else' (to close the 'if' at line %u, column %u)");
    pol_tr_format(POL_LANG_EN, en, sizeof en, fmt, line, col);
    pol_tr_format(ps->d->lang, text, sizeof text, fmt, line, col);
    flush_syntax(ps, en, text);
}

/* The source text of a token (a boolean used as a member's name). */
static const char *token_text(pstate *ps, span sp)
{
    return arena_strndup(ps->a, ps->f->text + SPAN_OFF(sp.start), sp.end - sp.start);
}

/* The month-end rule a header names (POL_KEY_MONTH_END); the default when it
 * names none or an unknown one (chk_header reports that). */
static int header_month_end(const ast_meta *m)
{
    for (; m; m = m->next)
        if ((strcmp(m->key, POL_KEY_MONTH_END) == 0 || strcmp(m->key, POL_KEY_MONTH_END_ZH) == 0) && m->value->kind == EX_STR) {
#define ME_ROW(rule, en, zh) if (strcmp(m->value->text, en) == 0 || strcmp(m->value->text, zh) == 0) return rule;
            POL_MONTH_ENDS(ME_ROW)
#undef ME_ROW
        }
    return CD_END_DOWN;
}

static ast_expr *mk(pstate *ps, ex_kind k, span sp)
{
    ast_expr *e = arena_alloc(ps->a, sizeof *e);
    e->kind = k;
    e->sp = sp;
    return e;
}

static int depth_of(const ast_expr *e) { return e ? e->depth : 0; }

/* Past the depth budget (ast.h), reports once and cuts the tree (the
 * compilation fails anyway).  A chain a + a + ... of left-associative
 * operators, or a.b.b..., grows the tree without growing the parser's stack,
 * so the tree's height is counted here, as each node is made. */
static ast_expr *limit_depth(pstate *ps, ast_expr *e)
{
    if (e->depth > POL_MAX_EXPR_DEPTH) {
        if (!ps->depth_reported)
            diag_report(ps->d, ps->f, e->sp, DC_LIMIT, DEPTH_MESSAGE, POL_MAX_EXPR_DEPTH);
        ps->depth_reported = true;
        e->a = e->b = e->c = e->filter = NULL;
        e->nargs = 0;
        e->kind = EX_NUM;
        e->text = "0";
        e->depth = 1;
    }
    return e;
}

/* Computes e's depth from its children, then applies the budget. */
static ast_expr *deepen(pstate *ps, ast_expr *e)
{
    int d = depth_of(e->a);
    if (depth_of(e->b) > d) d = depth_of(e->b);
    if (depth_of(e->c) > d) d = depth_of(e->c);
    if (depth_of(e->filter) > d) d = depth_of(e->filter);
    for (int i = 0; i < e->nargs; i++)
        if (depth_of(e->args[i]) > d) d = depth_of(e->args[i]);
    e->depth = d + 1;
    return limit_depth(ps, e);
}

static ast_expr *bin(pstate *ps, int op, ast_expr *a, ast_expr *b, span sp)
{
    ast_expr *e = mk(ps, EX_BINARY, sp);
    e->op = op;
    e->a = a;
    e->b = b;
    return deepen(ps, e);
}

/* f(head where filter: body [otherwise fallback]), where head is `v in a..b` or `v in list`
 * (read as an expression: `f(v in ...)` could also begin a call). */
static ast_expr *mk_agg(pstate *ps, const char *fn, span fn_sp, ast_expr *head, ast_expr *filter, ast_expr *body, ast_expr *otherwise,
                        span sp)
{
    ast_expr *e = mk(ps, EX_AGG, sp);
    e->text = fn;
    e->name_sp = fn_sp;
    if (head->kind != EX_IN || head->a->kind != EX_NAME) {
        diag_report(ps->d, ps->f, head->sp, DC_SYNTAX, "%s(...: ...) runs a name over a range or a list: %s(v in a..b: ...)", fn, fn);
        note_syntax(ps, head->sp);
        head = NULL;
    }
    e->var = head ? head->a->text : "?";
    e->var_sp = head ? head->a->sp : fn_sp;
    e->a = head ? head->b : NULL;
    e->b = head ? head->c : NULL;
    e->filter = filter;
    e->c = body;
    if (otherwise) { /* args[0]: what no element means (first, min, max) */
        e->args = arena_alloc(ps->a, sizeof *e->args);
        e->args[0] = otherwise;
        e->nargs = 1;
    }
    if (!head) { /* the declaration is not checked (mark_damaged) */
        e->nargs = 0;
        e->kind = EX_NUM;
        e->text = "0";
    }
    return deepen(ps, e);
}

static ast_decl *mkdecl(pstate *ps, decl_kind k, span sp)
{
    ast_decl *d = arena_alloc(ps->a, sizeof *d);
    d->kind = k;
    d->sp = sp;
    d->places = -1;
    return d;
}

/* lists are built in reverse and turned around once complete */
#define REVERSE(type, list)                 \
    do {                                    \
        type *prev_ = NULL, *cur_ = (list); \
        while (cur_) {                      \
            type *next_ = cur_->next;       \
            cur_->next = prev_;             \
            prev_ = cur_;                   \
            cur_ = next_;                   \
        }                                   \
        (list) = prev_;                     \
    } while (0)

/* `expect TARGET = VALUE`: the item names the target's rule; a part of it
 * (an element, a field) is kept as the path. */
static ast_item *expect_item(pstate *ps, ast_expr *target, ast_expr *value, span sp)
{
    ast_item *it = arena_alloc(ps->a, sizeof *it);
    ast_expr *root = target;
    while (root->kind != EX_NAME)
        root = root->a;
    it->expect = true;
    it->name = root->text;
    it->name_sp = root->sp;
    it->path = target == root ? NULL : target;
    it->value = value;
    it->sp = sp;
    return it;
}

typedef struct arglist { ast_expr *e; const char *name; span name_sp; struct arglist *next; } arglist;
}

%union {
    const char *text;
    int32_t ival;
    ast_expr *expr;
    ast_decl *decl;
    ast_meta *meta;
    ast_version *version;
    ast_item *item;
    ast_annot annot;
    struct arglist *args;
    ast_member *member;
    ast_field *field;
    ast_row *row;
    ast_source *source;
    struct { const char *text; span sp; } anchor;
}

%token KW_POLICY "'policy'" KW_INPUT "'input'" KW_PARAM "'param'" KW_RULE "'rule'"
%token KW_OUTPUT "'output'" KW_TEST "'test'" KW_EXPECT "'expect'" KW_CITE "'cite'"
%token KW_NOTE "'note'" KW_PLACES "'places'" KW_IN "'in'" KW_IF "'if'" KW_THEN "'then'"
%token KW_ELSE "'else'" KW_AND "'and'" KW_OR "'or'" KW_NOT "'not'"
%token KW_IMPORT "'import'" KW_OVERRIDE "'override'"
%token KW_RECORD "'record'" KW_LIST "'list'" KW_WHERE "'where'"
%token KW_INAPPLICABLE "'inapplicable'" KW_UNSTATED "'unstated'" KW_OTHERWISE "'otherwise'"
%token KW_BY "'by'" KW_PARTIAL "'partial'" KW_MATCH "'match'" ARROW "'=>'"
%token KW_INFERRED "'inferred'" KW_FINDING "'finding'" KW_CLAUSE "'clause'"
%token KW_STATED "'stated'" KW_REQUIRE "'require'" KW_ENUM "'enum'" KW_EXCEPTION "'exception'" KW_OF "'of'" KW_WHEN "'when'" KW_ERROR "'error'"
%token <text> IDENT "name" NUMBER "number" PERCENT "percentage" MONEY "amount in yuan" STRING "string"
%token <text> MONTHS_LIT "number of months" DAYS_LIT "number of days"
%token <ival> DATE "date" MONTH "month" BOOL "boolean"
%token DOTDOT "'..'" EQ "'=='" NE "'!='" LE "'<='" GE "'>='"

%type <expr> expr opt_bound target
%type <decl> decl decls
%type <meta> meta metas
%type <version> version versions
%type <item> item items
%type <annot> annots
%type <args> args args1 named1
%type <expr> opt_where opt_when
%type <ival> opt_places
%type <member> member members
%type <field> field fields opt_fields
%type <text> opt_label type member_name
%type <decl> params param1
%type <row> row rows band cell cells row_key
%type <expr> band_end
%type <ival> opt_partial
%type <args> arms arm
%type <source> sources source opt_from
%type <anchor> opt_anchor

%precedence KW_ELSE
%left KW_OR
%left KW_AND
%precedence KW_NOT
%nonassoc EQ NE '<' LE '>' GE KW_IN
%precedence DOTDOT /* `v in l .. b`: the `..` binds to the `in` before it */
%left '+' '-'
%left '*' '/'
%precedence UMINUS
%precedence '[' '.'

%%

file
  : header decls          { REVERSE(ast_decl, $2); ps->policy->decls = $2; }
  | decls                 { REVERSE(ast_decl, $1); ps->policy->decls = $1; }
  ;

header
  : KW_POLICY STRING '{' metas '}' {
        ps->policy->title = $2; ps->policy->title_sp = @2; ps->policy->has_header = true;
        REVERSE(ast_meta, $4); ps->policy->meta = $4;
        ps->month_end = header_month_end($4); /* this file's add_months calls follow it */
    }
  | KW_POLICY error '}'   { ps->policy->has_header = true; }
  ;

metas
  : %empty                { $$ = NULL; }
  | metas meta            { $$ = $2; $$->next = $1; }
  ;

meta
  : IDENT expr            { $$ = arena_alloc(ps->a, sizeof *$$); $$->key = $1; $$->key_sp = @1; $$->value = $2; $$->sp = @$; }
  ;

decls
  : %empty                { $$ = NULL; }
  | decls decl            { if ($2) { $2->next = $1; $$ = $2; } else $$ = $1; }
  ;

decl
  : KW_INPUT IDENT ':' type opt_bound annots {
        $$ = mkdecl(ps, D_INPUT, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $4; $$->type_sp = @4;
        if ($5) { $$->lo = $5->a; $$->hi = $5->b; }
        $$->an = $6;
    }
  | KW_PARAM IDENT ':' type '=' expr annots {
        $$ = mkdecl(ps, D_PARAM, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $4; $$->type_sp = @4;
        $$->value = $6; $$->an = $7;
    }
  | KW_PARAM IDENT ':' type annots '{' versions '}' {
        $$ = mkdecl(ps, D_PARAM, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $4; $$->type_sp = @4;
        $$->an = $5; REVERSE(ast_version, $7); $$->versions = $7;
    }
  | KW_PARAM IDENT ':' type KW_BY IDENT opt_partial annots '{' rows '}' {
        $$ = mkdecl(ps, D_PARAM, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $4; $$->type_sp = @4;
        $$->key_name = $6; $$->key_sp = @6; $$->partial = $7; $$->an = $8;
        REVERSE(ast_row, $10); $$->rows = $10;
        for (ast_row *r = $10; r; r = r->next) { $$->nrows++; $$->dated_rows |= r->versions != NULL || !r->value; }
    }
  | KW_PARAM IDENT ':' type KW_BY IDENT opt_partial annots '{' error '}' { $$ = NULL; }
  | KW_PARAM IDENT ':' type KW_BY IDENT ',' IDENT opt_partial annots '{' cells '}' {
        $$ = mkdecl(ps, D_PARAM, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $4; $$->type_sp = @4;
        $$->key_name = $6; $$->key_sp = @6; $$->key2_name = $8; $$->key2_sp = @8; $$->partial = $9; $$->an = $10;
        REVERSE(ast_row, $12); $$->rows = $12;
        for (ast_row *r = $12; r; r = r->next) {
            $$->nrows++;
            for (ast_row *x = r->sub; x; x = x->next) { r->nsub++; $$->dated_rows |= x->versions != NULL || !x->value; }
        }
    }
  | KW_PARAM IDENT ':' type KW_BY IDENT ',' IDENT opt_partial annots '{' error '}' { $$ = NULL; }
  | KW_RULE IDENT ':' type opt_when '=' expr annots {
        $$ = mkdecl(ps, D_RULE, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $4; $$->type_sp = @4;
        $$->when = $5; $$->value = $7; $$->an = $8;
    }
  | KW_OUTPUT IDENT ':' type opt_places opt_when '=' expr annots {
        $$ = mkdecl(ps, D_OUTPUT, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $4; $$->type_sp = @4;
        $$->places = $5; $$->when = $6; $$->value = $8; $$->an = $9;
    }
  | KW_REQUIRE IDENT ':' expr annots {
        $$ = mkdecl(ps, D_REQUIRE, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = "boolean"; $$->type_sp = @2;
        $$->value = $4; $$->an = $5;
    }
  | KW_RULE IDENT '(' params ')' ':' type opt_when '=' expr annots {
        $$ = mkdecl(ps, D_RULE, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $7; $$->type_sp = @7;
        $$->when = $8; $$->value = $10; $$->an = $11; REVERSE(ast_decl, $4); $$->params = $4;
        for (ast_decl *q = $4; q; q = q->next) $$->nparams++;
    }
  | KW_RULE IDENT '(' params ')' ':' type annots {   /* a function defined by its exceptions */
        $$ = mkdecl(ps, D_RULE, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $7; $$->type_sp = @7;
        $$->an = $8; REVERSE(ast_decl, $4); $$->params = $4;
        for (ast_decl *q = $4; q; q = q->next) $$->nparams++;
    }
  | KW_RECORD IDENT '(' fields ')' annots {
        $$ = mkdecl(ps, D_RECORD, @$); $$->name = $2; $$->name_sp = @2; REVERSE(ast_field, $4); $$->fields = $4; $$->an = $6;
    }
  | KW_RULE IDENT ':' type annots {
        $$ = mkdecl(ps, D_RULE, @$); $$->name = $2; $$->name_sp = @2; $$->type_name = $4; $$->type_sp = @4;
        $$->an = $5;
    }
  | KW_TEST STRING '{' items '}' {
        $$ = mkdecl(ps, D_TEST, @$); $$->name = $2; $$->name_sp = @2; REVERSE(ast_item, $4);
        /* `expect error` items become the test's error expectation */
        ast_item **pp = &$4;
        while (*pp) {
            if (!(*pp)->name) {
                if ($$->expect_error)
                    diag_report(ps->d, ps->f, (*pp)->sp, DC_DUPLICATE, "more than one 'expect error' in this test");
                $$->expect_error = true;
                $$->error_text = (*pp)->value ? (*pp)->value->text : NULL;
                *pp = (*pp)->next;
            } else
                pp = &(*pp)->next;
        }
        $$->items = $4;
    }
  | KW_ENUM IDENT opt_fields annots '{' members '}' {
        $$ = mkdecl(ps, D_ENUM, @$); $$->name = $2; $$->name_sp = @2; REVERSE(ast_field, $3); $$->fields = $3;
        $$->an = $4; REVERSE(ast_member, $6); $$->members = $6;
    }
  | KW_EXCEPTION opt_label KW_OF IDENT KW_WHEN expr '=' expr annots {
        $$ = mkdecl(ps, D_EXCEPTION, @$); $$->name = $2; $$->name_sp = @2; $$->target = $4; $$->target_sp = @4;
        $$->cond = $6; $$->value = $8; $$->an = $9;
    }
  | KW_ENUM IDENT opt_fields annots '{' error '}' { $$ = NULL; }
  | KW_IMPORT STRING       { $$ = mkdecl(ps, D_IMPORT, @$); $$->name = $2; $$->name_sp = @2; }
  | KW_FINDING STRING annots {
        $$ = mkdecl(ps, D_FINDING, @$); $$->name = $2; $$->name_sp = @2; $$->an = $3;
    }
  | KW_CLAUSE STRING opt_anchor annots {   /* the clause map: kept aside, in source order */
        ast_clause *cl = arena_alloc(ps->a, sizeof *cl), **pp = &ps->policy->clauses;
        cl->id = $2; cl->sp = @1; cl->id_sp = @2; cl->anchor = $3.text; cl->anchor_sp = $3.sp; cl->note = $4.note;
        while (*pp) pp = &(*pp)->next;
        *pp = cl;
        $$ = NULL;
    }
  | KW_OVERRIDE KW_PARAM IDENT '[' row_key ']' ':' type '=' expr annots {
        $$ = mkdecl(ps, D_PARAM, @$); $$->name = $3; $$->name_sp = @3; $$->type_name = $8; $$->type_sp = @8; $$->override = true;
        $5->sp = @$; $5->value = $10; $5->an = $11; $$->override_row = $5;
    }
  | KW_OVERRIDE KW_PARAM IDENT '[' row_key ']' ':' type annots '{' versions '}' {
        $$ = mkdecl(ps, D_PARAM, @$); $$->name = $3; $$->name_sp = @3; $$->type_name = $8; $$->type_sp = @8; $$->override = true;
        $5->sp = @$; $5->an = $9; REVERSE(ast_version, $11); $5->versions = $11; $$->override_row = $5;
    }
  | KW_OVERRIDE KW_PARAM IDENT '[' row_key ',' row_key ']' ':' type '=' expr annots {
        $$ = mkdecl(ps, D_PARAM, @$); $$->name = $3; $$->name_sp = @3; $$->type_name = $10; $$->type_sp = @10; $$->override = true;
        $7->sp = @$; $7->value = $12; $7->an = $13; $$->override_row = $5; $$->override_row2 = $7;
    }
  | KW_OVERRIDE KW_PARAM IDENT '[' row_key ',' row_key ']' ':' type annots '{' versions '}' {
        $$ = mkdecl(ps, D_PARAM, @$); $$->name = $3; $$->name_sp = @3; $$->type_name = $10; $$->type_sp = @10; $$->override = true;
        $7->sp = @$; $7->an = $11; REVERSE(ast_version, $13); $7->versions = $13; $$->override_row = $5; $$->override_row2 = $7;
    }
  | KW_OVERRIDE decl      {
        $$ = $2;
        if ($$ && $$->kind != D_PARAM) {
            diag_report(ps->d, ps->f, @1, DC_OVERRIDE, "only parameters can be overridden ('override param ...')");
            $$ = NULL;
        } else if ($$)
            $$->override = true;
    }
  | error                 { $$ = NULL; }
  | KW_TEST STRING '{' error '}' { $$ = NULL; }
  | KW_PARAM IDENT ':' type annots '{' error '}' { $$ = NULL; }
  ;

type
  : IDENT                 { $$ = $1; }
  | KW_LIST KW_OF IDENT   {
        size_t n = strlen($3);
        char *t = arena_alloc(ps->a, n + 3);
        memcpy(t, "[]", 2); memcpy(t + 2, $3, n + 1);   /* "[]T": a list of T */
        $$ = t;
    }
  ;

params
  : param1                { $$ = $1; }
  | params ',' param1     { $$ = $3; $$->next = $1; }
  ;

param1
  : IDENT ':' type        { $$ = mkdecl(ps, D_INPUT, @$); $$->name = $1; $$->name_sp = @1; $$->type_name = $3; $$->type_sp = @3; }
  ;

opt_label
  : %empty                { $$ = NULL; }
  | IDENT                 { $$ = $1; }
  ;

opt_fields
  : %empty                { $$ = NULL; }
  | '(' fields ')'        { $$ = $2; }
  ;

fields
  : field                 { $$ = $1; }
  | fields ',' field      { $$ = $3; $$->next = $1; }
  ;

field
  : IDENT ':' type       { $$ = arena_alloc(ps->a, sizeof *$$); $$->name = $1; $$->sp = @1; $$->type_name = $3; $$->type_sp = @3; }
  ;

members
  : %empty                { $$ = NULL; }
  | members member        { $$ = $2; $$->next = $1; }
  ;

member
  : member_name annots    { $$ = arena_alloc(ps->a, sizeof *$$); $$->name = $1; $$->name_sp = @1; $$->sp = @$; $$->an = $2; }
  | member_name '=' '(' args1 ')' annots {
        $$ = arena_alloc(ps->a, sizeof *$$); $$->name = $1; $$->name_sp = @1; $$->sp = @$; $$->an = $6;
        int n = 0; for (arglist *l = $4; l; l = l->next) n++;
        $$->nvalues = n; $$->values = arena_alloc(ps->a, sizeof *$$->values * (size_t)n);
        for (arglist *l = $4; l; l = l->next) $$->values[--n] = l->e;
    }
  ;

member_name
  : IDENT                 { $$ = $1; }
  | BOOL                  {
        $$ = token_text(ps, @1);
        diag_report(ps->d, ps->f, @1, DC_BAD_NAME,
                    "'%s' is the keyword %s and cannot name a member: choose another name (a yes/no choice is a boolean, not an enumeration)",
                    $$, $1 ? "true" : "false");
    }
  ;

opt_bound
  : %empty                { $$ = NULL; }
  | KW_IN expr DOTDOT expr { $$ = mk(ps, EX_BINARY, @$); $$->a = $2; $$->b = $4; }
  | KW_IN expr DOTDOT     { $$ = mk(ps, EX_BINARY, @$); $$->a = $2; }   /* no upper bound */
  | KW_IN DOTDOT expr     { $$ = mk(ps, EX_BINARY, @$); $$->b = $3; }   /* no lower bound */
  ;

opt_anchor
  : %empty                { $$.text = NULL; $$.sp = @$; }
  | '=' STRING            { $$.text = $2; $$.sp = @2; }
  ;

opt_places
  : %empty                { $$ = -1; }
  | KW_PLACES NUMBER      {
        char *end; long v = strtol($2, &end, 10);
        if (*end || v < 0 || v > POL_OUTPUT_MAX_PLACES) {
            diag_report(ps->d, ps->f, @2, DC_PLACES, "places must be a whole number from 0 to %d", POL_OUTPUT_MAX_PLACES);
            v = -1;
        }
        $$ = (int32_t)v;
    }
  ;

annots
  : %empty                { memset(&$$, 0, sizeof $$); }
  | annots KW_CITE STRING {
        $$ = $1;
        if ($$.cite) diag_report(ps->d, ps->f, @2, DC_DUPLICATE_CITE, "more than one 'cite' here; put every clause in one string");
        $$.cite = $3; $$.cite_sp = @3;
    }
  | annots KW_NOTE STRING {
        $$ = $1;
        if ($$.note) diag_report(ps->d, ps->f, @2, DC_DUPLICATE_NOTE, "more than one 'note' here");
        $$.note = $3;
    }
  | annots KW_INFERRED STRING opt_from {
        $$ = $1;
        if ($$.inferred) diag_report(ps->d, ps->f, @2, DC_DUPLICATE, "more than one 'inferred' here");
        $$.inferred = $3; $$.inferred_sp = @2; REVERSE(ast_source, $4); $$.from = $4;
    }
  ;

opt_from
  : %empty                { $$ = NULL; }
  | '(' sources ')'       { $$ = $2; }  /* the parameters it was derived from */
  ;

sources
  : source                { $$ = $1; }
  | sources ',' source    { $$ = $3; $$->next = $1; }
  ;

source
  : IDENT                 { $$ = arena_alloc(ps->a, sizeof *$$); $$->name = $1; $$->sp = $$->name_sp = @$; }
  | IDENT '[' DATE ']'    { $$ = arena_alloc(ps->a, sizeof *$$); $$->name = $1; $$->sp = @$; $$->name_sp = @1; $$->dated = true; $$->date = $3; }
  ;

versions
  : %empty                { $$ = NULL; }
  | versions version      { $$ = $2; $$->next = $1; }
  ;

version
  : DATE DOTDOT DATE '=' expr annots { $$ = arena_alloc(ps->a, sizeof *$$); $$->sp = @$; $$->has_from = $$->has_to = true; $$->from = $1; $$->to = $3; $$->value = $5; $$->an = $6; }
  | DATE DOTDOT '=' expr annots      { $$ = arena_alloc(ps->a, sizeof *$$); $$->sp = @$; $$->has_from = true; $$->from = $1; $$->value = $4; $$->an = $5; }
  | DOTDOT DATE '=' expr annots      { $$ = arena_alloc(ps->a, sizeof *$$); $$->sp = @$; $$->has_to = true; $$->to = $2; $$->value = $4; $$->an = $5; }
  ;

opt_partial
  : %empty                { $$ = 0; }
  | KW_PARTIAL            { $$ = 1; }
  ;

rows
  : %empty                { $$ = NULL; }
  | rows row              { $$ = $2; $$->next = $1; }
  ;

/* A row: a member or a band, then `= VALUE` or `{ dated versions }`. */
row
  : IDENT '=' expr annots {
        $$ = arena_alloc(ps->a, sizeof *$$); $$->sp = @$; $$->member = $1; $$->member_sp = @1; $$->value = $3; $$->an = $4;
    }
  | IDENT annots '{' versions '}' {
        $$ = arena_alloc(ps->a, sizeof *$$); $$->sp = @$; $$->member = $1; $$->member_sp = @1; $$->an = $2;
        REVERSE(ast_version, $4); $$->versions = $4;
    }
  | band '=' expr annots  { $$ = $1; $$->sp = @$; $$->value = $3; $$->an = $4; }
  | band annots '{' versions '}' { $$ = $1; $$->sp = @$; $$->an = $2; REVERSE(ast_version, $4); $$->versions = $4; }
  ;

/* A table by two keys: a row per first key (a member or a band), holding
 * its rows by the second key. */
cells
  : %empty                { $$ = NULL; }
  | cells cell            { $$ = $2; $$->next = $1; }
  ;

cell
  : IDENT annots '{' rows '}' {
        $$ = arena_alloc(ps->a, sizeof *$$); $$->sp = @$; $$->member = $1; $$->member_sp = @1; $$->an = $2;
        REVERSE(ast_row, $4); $$->sub = $4;
    }
  | band annots '{' rows '}' { $$ = $1; $$->sp = @$; $$->an = $2; REVERSE(ast_row, $4); $$->sub = $4; }
  ;

/* The row `override param T[ROW]` replaces: a member or a band. */
row_key
  : IDENT                 { $$ = arena_alloc(ps->a, sizeof *$$); $$->member = $1; $$->member_sp = @1; }
  | band                  { $$ = $1; }
  ;

band
  : band_end DOTDOT band_end     { $$ = arena_alloc(ps->a, sizeof *$$); $$->member_sp = @$; $$->lo = $1; $$->hi = $3; }
  | band_end DOTDOT '<' band_end { $$ = arena_alloc(ps->a, sizeof *$$); $$->member_sp = @$; $$->lo = $1; $$->hi = $4; $$->hi_excl = true; }
  | band_end DOTDOT              { $$ = arena_alloc(ps->a, sizeof *$$); $$->member_sp = @$; $$->lo = $1; }
  | DOTDOT band_end              { $$ = arena_alloc(ps->a, sizeof *$$); $$->member_sp = @$; $$->hi = $2; }
  | DOTDOT '<' band_end          { $$ = arena_alloc(ps->a, sizeof *$$); $$->member_sp = @$; $$->hi = $3; $$->hi_excl = true; }
  ;

band_end
  : NUMBER                { $$ = mk(ps, EX_NUM, @$); $$->text = $1; }
  | MONEY                 { $$ = mk(ps, EX_MONEY, @$); $$->text = $1; }
  | PERCENT               { $$ = mk(ps, EX_PERCENT, @$); $$->text = $1; }
  | MONTHS_LIT            { $$ = mk(ps, EX_NUM, @$); $$->text = $1; $$->op = PT_MONTHS; }
  | DAYS_LIT              { $$ = mk(ps, EX_NUM, @$); $$->text = $1; $$->op = PT_DAYS; }
  ;

arms
  : arm                   { $$ = $1; }
  | arms arm              { $$ = $2; $$->next = $1; }
  | arms ',' arm          { $$ = $3; $$->next = $1; }
  ;

arm
  : IDENT ARROW expr      { $$ = arena_alloc(ps->a, sizeof *$$); $$->e = $3; $$->name = $1; $$->name_sp = @1; }
  | KW_ELSE ARROW expr    { $$ = arena_alloc(ps->a, sizeof *$$); $$->e = $3; $$->name_sp = @1; }
  ;

items
  : %empty                { $$ = NULL; }
  | items item            { $$ = $2; $$->next = $1; }
  ;

item
  : IDENT '=' expr        { $$ = arena_alloc(ps->a, sizeof *$$); $$->name = $1; $$->name_sp = @1; $$->value = $3; $$->sp = @$; }
  | KW_EXPECT target '=' expr { $$ = expect_item(ps, $2, $4, @$); }
  | KW_STATED target '=' expr annots {
        $$ = expect_item(ps, $2, $4, @$); $$->stated = true; $$->cite = $5.cite;
        if ($5.inferred)
            diag_report(ps->d, ps->f, $5.inferred_sp, DC_INFERRED, "a stated figure is not inferred; 'inferred' goes on a parameter or one of its versions");
    }
  | KW_EXPECT KW_ERROR     { $$ = arena_alloc(ps->a, sizeof *$$); $$->expect = true; $$->sp = @$; }
  | KW_EXPECT KW_ERROR STRING { $$ = arena_alloc(ps->a, sizeof *$$); $$->expect = true; $$->sp = @$; $$->value = mk(ps, EX_STR, @3); $$->value->text = $3; }
  ;

expr
  : NUMBER                { $$ = mk(ps, EX_NUM, @$); $$->text = $1; }
  | PERCENT               { $$ = mk(ps, EX_PERCENT, @$); $$->text = $1; }
  | MONEY                 { $$ = mk(ps, EX_MONEY, @$); $$->text = $1; }
  | MONTHS_LIT            { $$ = mk(ps, EX_NUM, @$); $$->text = $1; $$->op = PT_MONTHS; }
  | DAYS_LIT              { $$ = mk(ps, EX_NUM, @$); $$->text = $1; $$->op = PT_DAYS; }
  | DATE                  { $$ = mk(ps, EX_DATE, @$); $$->ival = $1; }
  | MONTH                 { $$ = mk(ps, EX_MONTH, @$); $$->ival = $1; }
  | STRING                { $$ = mk(ps, EX_STR, @$); $$->text = $1; }
  | BOOL                  { $$ = mk(ps, EX_BOOL, @$); $$->ival = $1; }
  | IDENT                 { $$ = mk(ps, EX_NAME, @$); $$->text = $1; }
  | IDENT '(' args ')'    {
        $$ = mk(ps, EX_CALL, @$); $$->text = $1; $$->name_sp = @1; $$->month_end = ps->month_end;
        int n = 0; for (arglist *l = $3; l; l = l->next) n++;
        $$->nargs = n; $$->args = arena_alloc(ps->a, sizeof *$$->args * (size_t)(n ? n : 1));
        for (arglist *l = $3; l; l = l->next) $$->args[--n] = l->e;
        $$ = deepen(ps, $$);
    }
  | expr '[' expr ']'     { $$ = mk(ps, EX_INDEX, @$); $$->a = $1; $$->b = $3; $$ = deepen(ps, $$); }
  | expr '[' expr ',' expr ']' { $$ = mk(ps, EX_INDEX, @$); $$->a = $1; $$->b = $3; $$->c = $5; $$ = deepen(ps, $$); }
  | expr '[' expr ',' expr ',' expr ']' { $$ = mk(ps, EX_INDEX, @$); $$->a = $1; $$->b = $3; $$->c = $7;
        $$->args = arena_alloc(ps->a, sizeof *$$->args); $$->args[0] = $5; $$->nargs = 1; $$ = deepen(ps, $$); }
  | KW_MATCH expr '{' arms '}' {
        $$ = mk(ps, EX_MATCH, @$); $$->a = $2;
        int n = 0; for (arglist *l = $4; l; l = l->next) n++;
        $$->nargs = n; $$->args = arena_alloc(ps->a, sizeof *$$->args * (size_t)n);
        $$->arg_names = arena_alloc(ps->a, sizeof *$$->arg_names * (size_t)n);
        $$->arg_name_sps = arena_alloc(ps->a, sizeof *$$->arg_name_sps * (size_t)n);
        for (arglist *l = $4; l; l = l->next) {
            --n;
            $$->args[n] = l->e; $$->arg_names[n] = l->name; $$->arg_name_sps[n] = l->name_sp;
        }
        $$ = deepen(ps, $$);
    }
  | expr '.' IDENT        { $$ = mk(ps, EX_FIELD, @$); $$->a = $1; $$->text = $3; $$->name_sp = @3; $$ = deepen(ps, $$); }
  | expr '.' BOOL         { /* a member named 是: its declaration is the error */
        $$ = mk(ps, EX_FIELD, @$); $$->a = $1; $$->text = token_text(ps, @3); $$->name_sp = @3; $$ = deepen(ps, $$);
    }
  | IDENT '(' expr opt_where ':' expr ')' { $$ = mk_agg(ps, $1, @1, $3, $4, $6, NULL, @$); }
  | IDENT '(' expr opt_where ':' expr KW_OTHERWISE expr ')' { $$ = mk_agg(ps, $1, @1, $3, $4, $6, $8, @$); }
  | KW_LIST '(' expr opt_where ':' expr ')' { $$ = mk_agg(ps, "list", @1, $3, $4, $6, NULL, @$); }
  | KW_LIST '(' expr opt_where ':' expr KW_OTHERWISE expr ')' { $$ = mk_agg(ps, "list", @1, $3, $4, $6, $8, @$); }
  | expr KW_IN expr DOTDOT expr %prec KW_IN { $$ = mk(ps, EX_IN, @2); $$->a = $1; $$->b = $3; $$->c = $5; $$ = deepen(ps, $$); }
  | expr KW_IN expr       { $$ = mk(ps, EX_IN, @2); $$->a = $1; $$->b = $3; $$ = deepen(ps, $$); } /* over a list: aggregates only */
  | IDENT '(' named1 ')'  {
        $$ = mk(ps, EX_CALL, @$); $$->text = $1; $$->name_sp = @1; $$->month_end = ps->month_end; $$->named = true;
        int n = 0; for (arglist *l = $3; l; l = l->next) n++;
        $$->nargs = n; $$->args = arena_alloc(ps->a, sizeof *$$->args * (size_t)n);
        $$->arg_names = arena_alloc(ps->a, sizeof *$$->arg_names * (size_t)n);
        $$->arg_name_sps = arena_alloc(ps->a, sizeof *$$->arg_name_sps * (size_t)n);
        for (arglist *l = $3; l; l = l->next) {
            --n;
            $$->args[n] = l->e; $$->arg_names[n] = l->name; $$->arg_name_sps[n] = l->name_sp;
        }
        $$ = deepen(ps, $$);
    }
  | '(' expr ')'          { $$ = $2; $$->sp = @$; $$->depth++; $$ = limit_depth(ps, $$); } /* parentheses count as a level */
  | '[' args ']'          {
        $$ = mk(ps, EX_LIST, @$);
        int n = 0; for (arglist *l = $2; l; l = l->next) n++;
        $$->nargs = n; $$->args = arena_alloc(ps->a, sizeof *$$->args * (size_t)(n ? n : 1));
        for (arglist *l = $2; l; l = l->next) $$->args[--n] = l->e;
        $$ = deepen(ps, $$);
    }
  | '-' expr %prec UMINUS { $$ = mk(ps, EX_UNARY, @$); $$->op = UO_NEG; $$->a = $2; $$ = deepen(ps, $$); }
  | KW_NOT expr           { $$ = mk(ps, EX_UNARY, @$); $$->op = UO_NOT; $$->a = $2; $$ = deepen(ps, $$); }
  | expr '+' expr         { $$ = bin(ps, BO_ADD, $1, $3, @2); }
  | expr '-' expr         { $$ = bin(ps, BO_SUB, $1, $3, @2); }
  | expr '*' expr         { $$ = bin(ps, BO_MUL, $1, $3, @2); }
  | expr '/' expr         { $$ = bin(ps, BO_DIV, $1, $3, @2); }
  | expr EQ expr          { $$ = bin(ps, BO_EQ, $1, $3, @2); }
  | expr NE expr          { $$ = bin(ps, BO_NE, $1, $3, @2); }
  | expr '<' expr         { $$ = bin(ps, BO_LT, $1, $3, @2); }
  | expr LE expr          { $$ = bin(ps, BO_LE, $1, $3, @2); }
  | expr '>' expr         { $$ = bin(ps, BO_GT, $1, $3, @2); }
  | expr GE expr          { $$ = bin(ps, BO_GE, $1, $3, @2); }
  | expr KW_AND expr      { $$ = bin(ps, BO_AND, $1, $3, @2); }
  | expr KW_OR expr       { $$ = bin(ps, BO_OR, $1, $3, @2); }
  | KW_IF expr KW_THEN expr KW_ELSE expr { $$ = mk(ps, EX_IF, @$); $$->a = $2; $$->b = $4; $$->c = $6; $$ = deepen(ps, $$); }
  | KW_IF expr KW_THEN expr error { /* no else: say which if */
        unfinished_if(ps, @1, @4);
        $$ = mk(ps, EX_IF, @$); $$->a = $2; $$->b = $4; $$->c = $4; $$ = deepen(ps, $$);
    }
  | KW_INAPPLICABLE       { $$ = mk(ps, EX_NA, @$); }
  | KW_UNSTATED STRING    { $$ = mk(ps, EX_UNSTATED, @$); $$->text = $2; }
  | KW_UNSTATED           { $$ = mk(ps, EX_UNSTATED, @$); }
  ;

opt_when
  : %empty                { $$ = NULL; }
  | KW_WHEN expr          { $$ = $2; }
  ;

/* what a test expects: a rule or output, or a part of one (月度[0].状态) */
target
  : IDENT                 { $$ = mk(ps, EX_NAME, @$); $$->text = $1; }
  | target '[' expr ']'   { $$ = mk(ps, EX_INDEX, @$); $$->a = $1; $$->b = $3; $$ = deepen(ps, $$); }
  | target '.' IDENT      { $$ = mk(ps, EX_FIELD, @$); $$->a = $1; $$->text = $3; $$->name_sp = @3; $$ = deepen(ps, $$); }
  ;

opt_where
  : %empty                { $$ = NULL; }
  | KW_WHERE expr         { $$ = $2; }
  ;

named1
  : IDENT '=' expr        { $$ = arena_alloc(ps->a, sizeof *$$); $$->e = $3; $$->name = $1; $$->name_sp = @1; }
  | named1 ',' IDENT '=' expr { $$ = arena_alloc(ps->a, sizeof *$$); $$->e = $5; $$->name = $3; $$->name_sp = @3; $$->next = $1; }
  ;

args
  : %empty                { $$ = NULL; }
  | args1                 { $$ = $1; }
  ;

args1
  : expr                  { $$ = arena_alloc(ps->a, sizeof *$$); $$->e = $1; }
  | args1 ',' expr        { $$ = arena_alloc(ps->a, sizeof *$$); $$->e = $3; $$->next = $1; }
  ;

%%

#undef YYSTYPE
#undef YYLTYPE
#define YYSTYPE POL_YYSTYPE
#define YYLTYPE span
#include "lexer.h"

/* Words that name tokens in syntax errors (bison's names of the tokens
 * that are not written as themselves: the %token aliases below, and
 * bison's own), for the catalog; the other tokens are quoted source text,
 * 'output' or '{', given as they are ("“output”" in Chinese).  A row may
 * name the msgid its translation is under, when the word alone would be
 * ambiguous (a "boolean" token is a literal, not the type). */
static const struct { const char *name, *msgid; } token_words[] = {
    {"end of file", N_("end of file")}, {"invalid token", N_("invalid token")}, {"error", N_("error")},
    {"name", N_("name")}, {"number", N_("number")}, {"percentage", N_("percentage")},
    {"amount in yuan", N_("amount in yuan")}, {"string", N_("string")},
    {"number of months", N_("number of months")}, {"number of days", N_("number of days")},
    {"date", N_("date")}, {"month", N_("month")}, {"boolean", N_("boolean literal")},
};

/* A token's name in language l (into buf). */
static const char *token_text_in(pol_lang l, yysymbol_kind_t k, char *buf, size_t cap)
{
    const char *name = yysymbol_name(k);
    size_t n = strlen(name);
    if (n >= 2 && name[0] == '\'' && name[n - 1] == '\'') {
        if (l == POL_LANG_EN)
            return name;
        snprintf(buf, cap, "\u201c%.*s\u201d", (int)(n - 2), name + 1);
        return buf;
    }
    for (size_t i = 0; i < sizeof token_words / sizeof *token_words; i++)
        if (strcmp(token_words[i].name, name) == 0)
            return l == POL_LANG_EN ? name : pol_tr(l, token_words[i].msgid);
    return name;
}

/* The syntax error in language l, as bison's "detailed" form words it in
 * English: "syntax error, unexpected X, expecting A or B" (the expected
 * tokens only when there are at most four). */
static void syntax_message(pol_lang l, yysymbol_kind_t tok, const yysymbol_kind_t *exp, int nexp, char *out, size_t cap)
{
    char t[160], a[160];
    if (tok == YYSYMBOL_YYEMPTY) {
        pol_tr_format(l, out, cap, "syntax error");
        return;
    }
    if (nexp == 0) {
        pol_tr_format(l, out, cap, "syntax error, unexpected %s", token_text_in(l, tok, t, sizeof t));
        return;
    }
    int at = pol_tr_format(l, out, cap, "syntax error, unexpected %s, expecting %s", token_text_in(l, tok, t, sizeof t),
                           token_text_in(l, exp[0], a, sizeof a));
    for (int i = 1; i < nexp && at >= 0 && (size_t)at < cap; i++)
        at += pol_tr_format(l, out + at, cap - (size_t)at, " or %s", token_text_in(l, exp[i], a, sizeof a));
}

/* A keyword where a name was expected (input 否: ..., enum members, ...):
 * the message says so, in place of bison's; false if it is something else. */
static bool keyword_as_name(pstate *ps, span loc, yysymbol_kind_t tok, const yysymbol_kind_t *exp, int nexp)
{
    const unsigned char *t = (const unsigned char *)ps->f->text + SPAN_OFF(loc.start);
    int n = (int)(loc.end - loc.start);
    bool wants_name = false;
    for (int i = 0; i < nexp; i++)
        wants_name |= exp[i] == YYSYMBOL_IDENT;
    if (tok == YYSYMBOL_YYEMPTY || !wants_name || n <= 0 || !(isalpha(*t) || *t >= 0x80))
        return false;
    const char *u = yysymbol_name(tok);
    char en[600], text[600];
    if (tok == YYSYMBOL_BOOL) {
        bool yes = *t == 't' || strncmp((const char *)t, "真", 3) == 0 || strncmp((const char *)t, "是", 3) == 0;
        const char *fmt = N_("'%.*s' is the keyword %s and cannot be a name: choose another name");
        pol_tr_format(POL_LANG_EN, en, sizeof en, fmt, n, t, yes ? "true" : "false");
        pol_tr_format(ps->d->lang, text, sizeof text, fmt, n, t, yes ? "true" : "false");
    } else if (*u == '\'' && isalpha((unsigned char)u[1])) { /* a keyword, not punctuation such as '：' */
        const char *q = strchr(u + 1, '\'');
        int k = q ? (int)(q - u - 1) : 0;
        const char *fmt = N_("'%.*s' is the keyword '%.*s' and cannot be a name: choose another name");
        pol_tr_format(POL_LANG_EN, en, sizeof en, fmt, n, t, k, u + 1);
        pol_tr_format(ps->d->lang, text, sizeof text, fmt, n, t, k, u + 1);
    } else
        return false;
    hold_syntax(ps, loc, DC_BAD_NAME, en, text, false);
    return true;
}

/* Bison's syntax error (parse.error custom): held back until the next one
 * or the end of the parse (see flush_syntax), in English and in the
 * diagnostics' language, each put together from msgids. */
static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, pstate *ps)
{
    (void)scanner;
    flush_syntax(ps, "", "");
    span loc = *yypcontext_location(ctx);
    yysymbol_kind_t tok = yypcontext_token(ctx), exp[4];
    int nexp = 0;
    if (tok != YYSYMBOL_YYEMPTY) {
        nexp = yypcontext_expected_tokens(ctx, exp, 4); /* 0 when more than four: bison's detailed form lists none */
        if (nexp < 0)
            return nexp;
    }
    if (keyword_as_name(ps, loc, tok, exp, nexp))
        return 0;
    /* as bison's message read: '=' unexpected, and not the first expected */
    bool eq = tok == YYTRANSLATE('=') && !(nexp > 0 && exp[0] == tok);
    pol_lang l = ps->d->lang;
    char en[600], text[600];
    syntax_message(POL_LANG_EN, tok, exp, nexp, en, sizeof en);
    syntax_message(l, tok, exp, nexp, text, sizeof text);
    if (eq) {
        const char *h = N_(" (to compare, write ==)");
        size_t k = strlen(en);
        snprintf(en + k, sizeof en - k, "%s", h);
        k = strlen(text);
        snprintf(text + k, sizeof text - k, "%s", pol_tr(l, h));
    }
    hold_syntax(ps, loc, DC_SYNTAX, en, text, nexp > 0);
    return 0;
}

/* A declaration with a syntax error inside it, or between it and the next
 * one, was cut short by error recovery: checking it would only report the
 * damage again, so the checker skips its body. */
static void mark_damaged(pstate *ps)
{
    for (ast_decl *x = ps->policy->decls; x; x = x->next) {
        uint32_t from = x->sp.start;
        uint32_t to = x->next ? x->next->sp.start : SPAN_BASE(SPAN_FILE(from) + 1);
        for (uint32_t i = 0; i < ps->nsyntax; i++)
            if (ps->syntax_at[i] >= from && ps->syntax_at[i] < to)
                x->damaged = true;
    }
}

ast_policy *pol_parse(arena *a, diag_ctx *d, const src_file *f)
{
    pstate ps = {0};
    ps.a = a;
    ps.d = d;
    ps.f = f;
    ps.policy = arena_alloc(a, sizeof *ps.policy);
    ps.offset = SPAN_BASE(f->id); /* spans carry the file id in their top bits */
    pol_lex_check_text(&ps);
    void *scanner;
    if (pol_yylex_init_extra(&ps, (yyscan_t *)&scanner) != 0)
        return NULL;
    ps.scanner = scanner;
    YY_BUFFER_STATE buf = pol_yy_scan_bytes(f->text, (int)f->len, scanner);
    int rc = pol_yyparse(scanner, &ps);
    pol_yy_delete_buffer(buf, scanner);
    pol_yylex_destroy(scanner);
    (void)rc; /* running out of parser stack is reported by pol_yyerror, at its position */
    flush_syntax(&ps, "", "");
    mark_damaged(&ps);
    free(ps.syntax_at);
    return ps.policy;
}
