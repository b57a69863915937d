/* codegen.c -- emits bytecode for a checked policy (codegen.h).
 *
 * Every array and string of the program goes into the program's arena
 * (bc_program.arena, runtime/mem.h; ownership in runtime/bytecode.h): those
 * whose size is known up front are allocated there at once; the three that
 * grow while code is emitted (code words, line table, constant pool) grow in
 * malloc'd buffers of the generator and are copied into the arena once, at
 * the end (cg_finish).  So bc_free() has one path for generated and read
 * programs alike. */
#include "codegen.h"

#include <stdlib.h>
#include <string.h>

#include "caldate.h"
#include "hash.h"
#include "mem.h"

#define CG_MAX_BIND 64 /* aggregates nested in one formula (CHK_MAX_AGG_DEPTH) */

typedef struct gen {
    bc_program *p;
    const src_file *f;
    const diag_ctx *files;   /* the file table: spans name their file */
    const chk_result *r;
    uint32_t list_tref_hint; /* record type of an empty [] */
    const ast_decl *cur;     /* the rule whose code is being generated */
    uint32_t code_cap, const_cap, line_cap; /* the growing buffers' capacities */
    bc_pos last_pos;
    /* The constant pool's index: open addressing, a power of two of slots,
     * each 0 (empty) or a constant's index + 1; chash[i] is constant i's
     * hash.  Finding an equal constant is then one probe on average, where a
     * linear search made 160,000 dated versions take 27 s. */
    uint32_t *cslot, *chash;
    uint32_t cslots, chash_cap;
    /* Parameters: a table's rows become parameters of their own ("费率[一档]"),
     * so pbase[i] is the program's first parameter for the checker's
     * parameter i. */
    uint32_t *pbase;
    /* Loop variables of aggregates over members, unrolled: slot -> member */
    struct cg_bind { uint32_t slot; int32_t member; } bind[CG_MAX_BIND];
    int nbind;
} gen;

/* Says what an `unstated` value with no note stands for. */
#define UNSTATED_DEFAULT "the notice does not give this value"

/* A copy of s (NULL stays NULL) in the program's arena. */
static char *cg_str(gen *g, const char *s) { return pol_arena_strdup(&g->p->arena, s); }

/* n zeroed elements of `size` bytes in the program's arena. */
static void *cg_alloc(gen *g, size_t n, size_t size) { return pol_arena_array(&g->p->arena, n, size); }

static const src_file *file_of(gen *g, span sp)
{
    uint32_t fid = SPAN_FILE(sp.start);
    if (g->files && (int)fid < g->files->nfiles && g->files->files[fid])
        return g->files->files[fid];
    return g->f;
}

static bc_pos pos_of(gen *g, span sp)
{
    bc_pos p;
    src_line_col(file_of(g, sp), sp.start, &p.line, &p.col);
    p.file = g->files && g->files->nfiles > 0 ? SPAN_FILE(sp.start) : 0;
    return p;
}

static void emit_word(gen *g, uint32_t w)
{
    POL_GROW_FROM(g->p->code, g->code_cap, g->p->ncode + 1, 256);
    g->p->code[g->p->ncode++] = w;
}

/* Emits an opcode, recording its source position in the line table. */
static uint32_t emit_op(gen *g, pol_opcode op, span sp)
{
    bc_pos pos = pos_of(g, sp);
    bc_program *p = g->p;
    if (p->nlines == 0 || pos.line != g->last_pos.line || pos.col != g->last_pos.col || pos.file != g->last_pos.file) {
        POL_GROW_FROM(p->lines, g->line_cap, p->nlines + 1, 64);
        p->lines[p->nlines++] = (bc_lineinfo){p->ncode, pos};
        g->last_pos = pos;
    }
    uint32_t at = p->ncode;
    emit_word(g, (uint32_t)op);
    return at;
}

/* ---- constants ---- */
/* Whether pool constant a equals k, whose text (TEXT) is `text`. */
static bool const_equal(const bc_const *a, const bc_const *k, const char *text)
{
    if (a->type != k->type)
        return false;
    if (pol_type_numeric((pol_type)a->type))
        return dec_cmp(&a->num, &k->num) == 0 && a->num.scale == k->num.scale;
    if (a->type == PT_TEXT)
        return strcmp(a->text, text) == 0;
    return a->i == k->i && a->tref == k->tref;
}

/* A hash of what const_equal compares: the type, and the exact value with
 * its written scale, the text, or the integer and its type reference. */
static uint32_t const_hash(const bc_const *k, const char *text)
{
    char buf[POL_NUMBER_MAX_DIGITS * 2 + 64];
    int n;
    if (pol_type_numeric((pol_type)k->type)) {
        n = dec_format_exact(&k->num, buf, sizeof buf);
        if (n < 0 || n >= (int)sizeof buf)
            n = 0; /* no text: every such constant shares a chain, still correct */
        n += snprintf(buf + n, sizeof buf - (size_t)n, "/%d", (int)k->num.scale);
    } else if (k->type == PT_TEXT) {
        return pol_hash(text, strlen(text)) ^ k->type;
    } else
        n = snprintf(buf, sizeof buf, "%d/%u", (int)k->i, (unsigned)k->tref);
    return pol_hash(buf, (size_t)n) ^ ((uint32_t)k->type * 0x9e3779b9u);
}

static void const_index_put(gen *g, uint32_t i)
{
    uint32_t mask = g->cslots - 1, at = g->chash[i] & mask;
    while (g->cslot[at])
        at = (at + 1) & mask;
    g->cslot[at] = i + 1;
}

/* Adds k to the pool (taking ownership of its number; a TEXT constant's
 * `text` is copied into the arena) or finds an equal one. */
static uint32_t add_const(gen *g, bc_const *k, const char *text)
{
    bc_program *p = g->p;
    uint32_t h = const_hash(k, text);
    if (g->cslots) {
        uint32_t mask = g->cslots - 1;
        for (uint32_t at = h & mask; g->cslot[at]; at = (at + 1) & mask) {
            uint32_t i = g->cslot[at] - 1;
            if (g->chash[i] == h && const_equal(&p->consts[i], k, text)) {
                dec_clear(&k->num);
                return i;
            }
        }
    }
    POL_GROW_FROM(p->consts, g->const_cap, p->nconsts + 1, 32);
    POL_GROW_FROM(g->chash, g->chash_cap, p->nconsts + 1, 32);
    uint32_t i = p->nconsts++;
    p->consts[i] = *k;
    p->consts[i].text = cg_str(g, text);
    g->chash[i] = h;
    if ((uint64_t)p->nconsts * 2 > g->cslots) { /* at most half full */
        free(g->cslot);
        g->cslots = g->cslots ? g->cslots * 2 : 64;
        g->cslot = pol_xcalloc(g->cslots, sizeof *g->cslot);
        for (uint32_t j = 0; j < p->nconsts; j++)
            const_index_put(g, j);
    } else
        const_index_put(g, i);
    return i;
}

/* The constant a literal expression denotes, as type `t` (numeric kinds may
 * differ from the literal's own: 4416 declared money is money). */
static uint32_t literal_const(gen *g, const ast_expr *e, pol_type t)
{
    bc_const k;
    memset(&k, 0, sizeof k);
    dec_init(&k.num);
    const char *text = NULL;
    bool neg = false;
    if (e->kind == EX_UNARY && e->op == UO_NEG) {
        neg = true;
        e = e->a;
    }
    switch (e->kind) {
    case EX_NUM:
    case EX_MONEY:
    case EX_PERCENT: {
        char buf[POL_NUMBER_MAX_DIGITS + 2]; /* the lexer bounds every literal's digits */
        snprintf(buf, sizeof buf, "%s%s", e->text, e->kind == EX_PERCENT ? "%" : "");
        if (dec_parse(&k.num, buf, strlen(buf)) != DEC_OK)
            dec_set_i64(&k.num, 0); /* the lexer already reported it */
        if (neg)
            dec_neg(&k.num, &k.num);
        k.type = (uint8_t)(pol_type_numeric(t) ? t : (pol_type)e->type);
        break;
    }
    case EX_FIELD: k.type = PT_ENUM; k.i = e->ival; k.tref = e->tref; break; /* a member literal */
    case EX_DATE: k.type = PT_DATE; k.i = e->ival; break;
    case EX_MODE: k.type = PT_ROUNDING; k.i = e->ival; break;
    case EX_MONTH: k.type = PT_MONTH; k.i = e->ival; break;
    case EX_BOOL: k.type = PT_BOOL; k.i = e->ival; break;
    case EX_STR: k.type = PT_TEXT; text = e->text; break;
    default: k.type = PT_BOOL; break; /* not reached on a checked tree */
    }
    return add_const(g, &k, text);
}

static uint32_t text_const(gen *g, const char *text)
{
    bc_const k;
    memset(&k, 0, sizeof k);
    dec_init(&k.num);
    k.type = PT_TEXT;
    return add_const(g, &k, text);
}

static uint32_t int_const(gen *g, int64_t v)
{
    bc_const k;
    memset(&k, 0, sizeof k);
    dec_init(&k.num);
    dec_set_i64(&k.num, v);
    k.type = PT_INT;
    return add_const(g, &k, NULL);
}

static uint32_t bool_const(gen *g, bool v)
{
    bc_const k;
    memset(&k, 0, sizeof k);
    dec_init(&k.num);
    k.type = PT_BOOL;
    k.i = v;
    return add_const(g, &k, NULL);
}

/* ---- expressions ---- */
static void gen_expr(gen *g, const ast_expr *e);
static void emit_listnew(gen *g, uint32_t tref, span sp);
static void gen_agg(gen *g, const ast_expr *e);
static void gen_table(gen *g, const ast_expr *e);
static void gen_match(gen *g, const ast_expr *e);

static void patch(gen *g, uint32_t at_word, uint32_t target) { g->p->code[at_word] = target; }

static uint32_t emit_jump(gen *g, pol_opcode op, span sp)
{
    emit_op(g, op, sp);
    uint32_t at = g->p->ncode;
    emit_word(g, 0);
    return at;
}

static void emit1(gen *g, pol_opcode op, uint32_t operand, span sp)
{
    emit_op(g, op, sp);
    emit_word(g, operand);
}

/* ---- aggregates: name(v in a..b where f: body) or name(v in list where f:
 * body), as a loop over the aggregate's five local slots: the variable, the
 * end of the range (or the list), the accumulator, the list position and a
 * found flag.  `index_on_fail` (requirements of the form all(p in list:
 * cond)): instead of a boolean, the result is the 1-based position of the
 * first element that fails, or 0 when all pass.  Each row of
 * POL_AGGREGATES (vocab.h) names its initial accumulator, its step and the
 * error for an empty range. ---- */
typedef struct agg_slots {
    uint32_t v, end, acc, pos, found;
    bool index_on_fail;
    span sp;
} agg_slots;

/* A loop step: the body's effect on the accumulator; returns the jump out of
 * the loop to patch (first, a failing requirement) or UINT32_MAX. */
typedef uint32_t (*agg_step)(gen *g, const ast_expr *e, const agg_slots *s, pol_opcode op);

/* acc := acc op body (sum, list) */
static uint32_t cg_agg_combine(gen *g, const ast_expr *e, const agg_slots *s, pol_opcode op)
{
    emit1(g, OP_LOCAL, s->acc, s->sp);
    gen_expr(g, e->c);
    emit_op(g, op, s->sp);
    emit1(g, OP_SETLOCAL, s->acc, s->sp);
    return UINT32_MAX;
}

/* acc := acc + 1 where the body holds (count) */
static uint32_t cg_agg_count(gen *g, const ast_expr *e, const agg_slots *s, pol_opcode op)
{
    gen_expr(g, e->c);
    uint32_t skip = emit_jump(g, OP_JMPF, s->sp);
    emit1(g, OP_LOCAL, s->acc, s->sp);
    emit1(g, OP_CONST, int_const(g, 1), s->sp);
    emit_op(g, op, s->sp);
    emit1(g, OP_SETLOCAL, s->acc, s->sp);
    patch(g, skip, g->p->ncode);
    return UINT32_MAX;
}

/* any (op JMPF: the body as it is), all (op NOT: its negation) */
static uint32_t cg_agg_test(gen *g, const ast_expr *e, const agg_slots *s, pol_opcode op)
{
    uint32_t brk = UINT32_MAX;
    gen_expr(g, e->c);
    if (op == OP_NOT)
        emit_op(g, OP_NOT, s->sp);
    uint32_t skip = emit_jump(g, OP_JMPF, s->sp);
    if (s->index_on_fail) { /* acc := position + 1, stop */
        emit1(g, OP_LOCAL, s->pos, s->sp);
        emit1(g, OP_CONST, int_const(g, 1), s->sp);
        emit_op(g, OP_ADD, s->sp);
    } else
        emit1(g, OP_CONST, bool_const(g, op != OP_NOT), s->sp);
    emit1(g, OP_SETLOCAL, s->acc, s->sp);
    if (s->index_on_fail)
        brk = emit_jump(g, OP_JMP, s->sp);
    patch(g, skip, g->p->ncode);
    return brk;
}

/* found := true (the accumulator holds a value) */
static void agg_found(gen *g, const agg_slots *s)
{
    emit1(g, OP_CONST, bool_const(g, true), s->sp);
    emit1(g, OP_SETLOCAL, s->found, s->sp);
}

/* acc := body, stop (first) */
static uint32_t cg_agg_first(gen *g, const ast_expr *e, const agg_slots *s, pol_opcode op)
{
    gen_expr(g, e->c);
    emit1(g, OP_SETLOCAL, s->acc, s->sp);
    agg_found(g, s);
    return emit_jump(g, op, s->sp);
}

/* acc := found ? acc op body : body (min, max) */
static uint32_t cg_agg_extremum(gen *g, const ast_expr *e, const agg_slots *s, pol_opcode op)
{
    emit1(g, OP_LOCAL, s->found, s->sp);
    uint32_t first = emit_jump(g, OP_JMPF, s->sp);
    emit1(g, OP_LOCAL, s->acc, s->sp);
    gen_expr(g, e->c);
    emit_op(g, op, s->sp);
    emit1(g, OP_SETLOCAL, s->acc, s->sp);
    uint32_t next = emit_jump(g, OP_JMP, s->sp);
    patch(g, first, g->p->ncode);
    gen_expr(g, e->c);
    emit1(g, OP_SETLOCAL, s->acc, s->sp);
    agg_found(g, s);
    patch(g, next, g->p->ncode);
    return UINT32_MAX;
}

static const struct {
    agg_init init;
    agg_step step;
    pol_opcode op;
    const char *empty;
} agg_rows[AGG__COUNT] = {
#define AGG_ROW(id, en, zh, ret, chk, init, step, op, empty) [AGG_##id] = {init, step, op, empty},
    POL_AGGREGATES(AGG_ROW)
#undef AGG_ROW
};

/* The range's bounds (or the list), the accumulator and the found flag. */
/* ---- keyed lookups: agg(p in LIST where p.F == X and ...: body) ----
 * When the filter's first test (or the body of an `any` or `count` without
 * a filter) compares a field of the element, or the month or year of a
 * date field, with a value X that does not depend on the element, the loop
 * runs only over the elements with that key: KEYED replaces the list by
 * those elements, in order, from an index the VM builds once per list.  X
 * is evaluated once, before the loop, and only when the list has an
 * element (the plain loop evaluates it first thing for its first element:
 * the same errors, at the same times).  The filter is still tested in
 * full, so the result is the plain loop's; a timeline's lookups of the
 * payment of a month cost a binary search each instead of a scan. */
/* x refers to none of the local slots from..to-1 (the aggregate's own) */
static bool key_free(const ast_expr *x, uint32_t from, uint32_t to)
{
    if (!x)
        return true;
    if (x->kind == EX_NAME && x->sym == SYM_LOCAL && x->slot >= from && x->slot < to)
        return false;
    if (!key_free(x->a, from, to) || !key_free(x->b, from, to) || !key_free(x->c, from, to) || !key_free(x->filter, from, to))
        return false;
    for (int i = 0; i < x->nargs; i++)
        if (!key_free(x->args[i], from, to))
            return false;
    return true;
}

/* k is the element's field (w 0), or month_of/year_of of it (w 1, 2) */
static bool key_side(const ast_expr *k, uint32_t v, uint32_t *gi, uint32_t *fi, uint32_t *w)
{
    *w = 0;
    if (k->kind == EX_CALL && k->nargs == 1 && (k->fn == FN_MONTH_OF || k->fn == FN_YEAR_OF)) {
        *w = k->fn == FN_MONTH_OF ? 1 : 2;
        k = k->args[0];
    }
    if (k->kind != EX_FIELD || k->sym != SYM_RECORD || k->a->kind != EX_NAME || k->a->sym != SYM_LOCAL || k->a->slot != v)
        return false;
    if (*w && k->type != PT_DATE && !(*w == 2 && k->type == PT_MONTH))
        return false;
    if (!*w && k->type != PT_DATE && k->type != PT_MONTH && k->type != PT_ENUM && k->type != PT_BOOL && k->type != PT_INT)
        return false;
    *gi = k->a->tref;
    *fi = k->index;
    return true;
}

static const ast_expr *keyed_test(const ast_expr *f, const ast_expr *e, uint32_t *gi, uint32_t *fi, uint32_t *w)
{
    if (!f || f->kind != EX_BINARY)
        return NULL;
    if (f->op == BO_AND)
        return keyed_test(f->a, e, gi, fi, w);
    if (f->op != BO_EQ)
        return NULL;
    if (key_side(f->a, e->slot, gi, fi, w) && key_free(f->b, e->slot, e->slot + 5))
        return f->b;
    if (key_side(f->b, e->slot, gi, fi, w) && key_free(f->a, e->slot, e->slot + 5))
        return f->a;
    return NULL;
}

static void agg_prologue(gen *g, const ast_expr *e, const agg_slots *s)
{
    bool over_list = e->b == NULL;
    gen_expr(g, e->a);
    emit1(g, OP_SETLOCAL, s->end, s->sp);
    uint32_t gi, fi, w;
    const ast_expr *test = e->filter ? e->filter : e->fn == AGG_ANY || e->fn == AGG_COUNT ? e->c : NULL;
    const ast_expr *key = over_list && !s->index_on_fail ? keyed_test(test, e, &gi, &fi, &w) : NULL;
    if (key) { /* if the list has an element: end := KEYED(end, X) */
        emit1(g, OP_LOCAL, s->end, test->sp);
        emit_op(g, OP_LEN, test->sp);
        emit1(g, OP_CONST, int_const(g, 0), test->sp);
        emit_op(g, OP_GT, test->sp);
        uint32_t empty = emit_jump(g, OP_JMPF, test->sp);
        emit1(g, OP_LOCAL, s->end, test->sp);
        gen_expr(g, key);
        emit_op(g, OP_KEYED, test->sp);
        emit_word(g, gi);
        emit_word(g, fi);
        emit_word(g, w);
        emit1(g, OP_SETLOCAL, s->end, test->sp);
        patch(g, empty, g->p->ncode);
    }
    if (over_list) {
        emit1(g, OP_CONST, int_const(g, 0), s->sp);
        emit1(g, OP_SETLOCAL, s->pos, s->sp);
    } else {
        gen_expr(g, e->b);
        emit1(g, OP_SETLOCAL, s->pos, s->sp); /* range: pos holds the end, end holds the start */
    }
    agg_init init = s->index_on_fail ? AI_ZERO : agg_rows[e->fn].init;
    if (init == AI_LIST)
        emit_listnew(g, e->tref, s->sp);
    else /* zero: also min, max, first, unused until found */
        emit1(g, OP_CONST, init == AI_ZERO ? int_const(g, 0) : bool_const(g, init == AI_TRUE), s->sp);
    emit1(g, OP_SETLOCAL, s->acc, s->sp);
    emit1(g, OP_CONST, bool_const(g, false), s->sp);
    emit1(g, OP_SETLOCAL, s->found, s->sp);
    if (!over_list) { /* v := start */
        emit1(g, OP_LOCAL, s->end, s->sp);
        emit1(g, OP_SETLOCAL, s->v, s->sp);
    }
}

/* The loop's test; returns the jump out to patch.  Over a list, v := the
 * element at pos. */
static uint32_t agg_test(gen *g, const ast_expr *e, const agg_slots *s)
{
    if (e->b) {
        emit1(g, OP_LOCAL, s->v, s->sp);
        emit1(g, OP_LOCAL, s->pos, s->sp);
        emit_op(g, OP_LE, s->sp);
        return emit_jump(g, OP_JMPF, s->sp);
    }
    emit1(g, OP_LOCAL, s->pos, s->sp);
    emit1(g, OP_LOCAL, s->end, s->sp);
    emit_op(g, OP_LEN, s->sp);
    emit_op(g, OP_LT, s->sp);
    uint32_t done = emit_jump(g, OP_JMPF, s->sp);
    emit1(g, OP_LOCAL, s->end, s->sp);
    emit1(g, OP_LOCAL, s->pos, s->sp);
    emit_op(g, OP_AT, s->sp);
    emit1(g, OP_SETLOCAL, s->v, s->sp);
    return done;
}

/* Money, or a list of money: printed with 2 places unless told otherwise. */
static bool is_money(int t, uint32_t tref)
{
    return t == PT_MONEY || (t == PT_LIST && pol_list_values(tref) && pol_list_elem(tref) == PT_MONEY);
}

/* A list of bare numbers ([1, 2]) is made as the declared list of numbers
 * (hint) when its numbers fit that kind (not 1.5 for integers). */
static bool adopts_hint(const ast_expr *e, uint32_t hint)
{
    if (!e->lit || !pol_list_values(e->tref) || !pol_list_values(hint))
        return false;
    pol_type want = pol_list_elem(hint), have = pol_list_elem(e->tref);
    return pol_type_numeric(want) && pol_type_numeric(have) && (have == PT_INT || (want != PT_INT && want != PT_MONTHS && want != PT_DAYS));
}

/* An empty list of records of type tref, or of values (tref POL_LIST_VALUES | t). */
static void emit_listnew(gen *g, uint32_t tref, span sp)
{
    if (pol_list_values(tref))
        emit1(g, OP_LISTVAL, (uint32_t)pol_list_elem(tref), sp);
    else
        emit1(g, OP_LISTNEW, tref, sp);
}

/* `otherwise inapplicable`: NA saying that no element was found, where. */
static __attribute__((noinline)) void gen_na_empty(gen *g, const ast_expr *e, const ast_expr *ow, const char *empty)
{
    bc_pos at = pos_of(g, e->sp);
    char msg[600];
    snprintf(msg, sizeof msg, "%s (%s:%u:%u), so %s does not apply", empty, file_of(g, e->sp)->name, at.line, at.col,
             g->cur ? g->cur->name : "the value");
    emit1(g, OP_NA, text_const(g, msg), ow->sp);
}

/* The result: the accumulator, or, if nothing was found, the `otherwise`
 * value (args[0]) or an error. */
static void agg_result(gen *g, const ast_expr *e, const agg_slots *s)
{
    const char *empty = agg_rows[e->fn].empty;
    if (!empty) {
        emit1(g, OP_LOCAL, s->acc, s->sp);
        return;
    }
    emit1(g, OP_LOCAL, s->found, s->sp);
    uint32_t none = emit_jump(g, OP_JMPF, s->sp);
    emit1(g, OP_LOCAL, s->acc, s->sp);
    uint32_t out = emit_jump(g, OP_JMP, s->sp);
    patch(g, none, g->p->ncode);
    const ast_expr *ow = e->nargs ? e->args[0] : NULL;
    if (!ow)
        emit1(g, OP_FAIL, text_const(g, empty), s->sp);
    else if (ow->kind == EX_NA)
        gen_na_empty(g, e, ow, empty);
    else
        gen_expr(g, ow);
    patch(g, out, g->p->ncode);
}

static void gen_agg_ex(gen *g, const ast_expr *e, bool index_on_fail)
{
    agg_slots s = {e->slot, e->slot + 1, e->slot + 2, e->slot + 3, e->slot + 4, index_on_fail, e->sp};
    bool over_list = e->b == NULL;
    agg_prologue(g, e, &s);
    uint32_t head = g->p->ncode;
    uint32_t done = agg_test(g, e, &s);
    uint32_t skip_filter = UINT32_MAX;
    if (e->filter) {
        gen_expr(g, e->filter);
        skip_filter = emit_jump(g, OP_JMPF, s.sp);
    }
    uint32_t brk = agg_rows[e->fn].step(g, e, &s, agg_rows[e->fn].op);
    if (skip_filter != UINT32_MAX)
        patch(g, skip_filter, g->p->ncode);
    /* next element; a range stops at its end before stepping past it (so a
     * range may end at 9999-12 or 9999-12-31) */
    uint32_t last = UINT32_MAX;
    if (!over_list) {
        emit1(g, OP_LOCAL, s.v, s.sp);
        emit1(g, OP_LOCAL, s.pos, s.sp);
        emit_op(g, OP_LT, s.sp);
        last = emit_jump(g, OP_JMPF, s.sp);
    }
    uint32_t step = over_list ? s.pos : s.v;
    emit1(g, OP_LOCAL, step, s.sp);
    emit1(g, OP_CONST, int_const(g, 1), s.sp);
    emit_op(g, OP_ADD, s.sp);
    emit1(g, OP_SETLOCAL, step, s.sp);
    emit1(g, OP_JMP, head, s.sp);
    patch(g, done, g->p->ncode);
    if (brk != UINT32_MAX)
        patch(g, brk, g->p->ncode);
    if (last != UINT32_MAX)
        patch(g, last, g->p->ncode);
    agg_result(g, e, &s);
}

/* An aggregate over an enumeration's members, unrolled: the body once per
 * member, with the variable bound to it (so that a table lookup by the
 * variable is a direct parameter: cg_const_key). */
static void gen_agg_members(gen *g, const ast_expr *e)
{
    agg_slots s = {e->slot, e->slot + 1, e->slot + 2, e->slot + 3, e->slot + 4, false, e->sp};
    agg_init init = agg_rows[e->fn].init;
    if (init == AI_LIST)
        emit_listnew(g, e->tref, s.sp);
    else
        emit1(g, OP_CONST, init == AI_ZERO ? int_const(g, 0) : bool_const(g, init == AI_TRUE), s.sp);
    emit1(g, OP_SETLOCAL, s.acc, s.sp);
    emit1(g, OP_CONST, bool_const(g, false), s.sp);
    emit1(g, OP_SETLOCAL, s.found, s.sp);
    uint32_t *brks = pol_xcalloc((size_t)(e->ival ? e->ival : 1), sizeof *brks);
    int nbrk = 0;
    bool bound = g->nbind < CG_MAX_BIND;
    for (int32_t m = 0; m < e->ival; m++) {
        bc_const k;
        memset(&k, 0, sizeof k);
        dec_init(&k.num);
        k.type = PT_ENUM;
        k.i = m;
        k.tref = e->index;
        emit1(g, OP_CONST, add_const(g, &k, NULL), s.sp);
        emit1(g, OP_SETLOCAL, s.v, s.sp);
        if (bound)
            g->bind[g->nbind++] = (struct cg_bind){s.v, m};
        uint32_t skip = UINT32_MAX;
        if (e->filter) {
            gen_expr(g, e->filter);
            skip = emit_jump(g, OP_JMPF, s.sp);
        }
        uint32_t brk = agg_rows[e->fn].step(g, e, &s, agg_rows[e->fn].op);
        if (brk != UINT32_MAX)
            brks[nbrk++] = brk;
        if (skip != UINT32_MAX)
            patch(g, skip, g->p->ncode);
        if (bound)
            g->nbind--;
    }
    for (int i = 0; i < nbrk; i++)
        patch(g, brks[i], g->p->ncode);
    free(brks);
    agg_result(g, e, &s);
}

static void gen_agg(gen *g, const ast_expr *e)
{
    if (e->over_members)
        gen_agg_members(g, e);
    else
        gen_agg_ex(g, e, false);
}

/* The member a key expression is known to be at compile time: a member
 * literal, or the variable of an unrolled aggregate over members; else -1. */
static int32_t cg_const_key(const gen *g, const ast_expr *e)
{
    if (e->kind == EX_FIELD && e->sym == SYM_MEMBER)
        return e->ival;
    if (e->kind == EX_NAME && e->sym == SYM_LOCAL)
        for (int i = g->nbind - 1; i >= 0; i--)
            if (g->bind[i].slot == e->slot)
                return g->bind[i].member;
    return -1;
}

/* A table's row: its parameter, looked up by the date (or month, year) when
 * the rows are dated. */
static void gen_row(gen *g, const ast_expr *e, uint32_t param)
{
    if (e->c) {
        gen_expr(g, e->c);
        emit1(g, e->op ? OP_PARAM_IN : OP_PARAM_AT, param, e->sp);
    } else
        emit1(g, OP_PARAM, param, e->sp);
}

/* The number of members of enumeration tref. */
static uint32_t enum_size(const gen *g, uint32_t tref)
{
    uint32_t n = 0;
    for (const ast_member *m = g->r->enums[tref]->members; m; m = m->next)
        n++;
    return n;
}

/* SWITCH over enumeration tref (its member on the stack) and its table of
 * n JMPs, their targets 0 for now: patch(g, table + m * BC_OPLEN_JMP, ...)
 * sets member m's. */
static uint32_t emit_switch(gen *g, uint32_t tref, uint32_t n, span sp)
{
    emit1(g, OP_SWITCH, tref, sp);
    uint32_t table = g->p->ncode + 1;
    for (uint32_t m = 0; m < n; m++)
        emit_jump(g, OP_JMP, sp);
    return table;
}

static void gen_no_row(gen *g, const ast_decl *d, const char *key, span sp)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s has no row for %s.%s (the table is partial)%s%s%s", d->name, d->key_name, key,
             d->an.cite ? " [" : "", d->an.cite ? d->an.cite : "", d->an.cite ? "]" : "");
    emit1(g, OP_FAIL, text_const(g, msg), sp);
}

/* A table lookup: by a member (a chain of comparisons, or the row itself
 * when the member is known), or by bands (the first band whose top admits
 * the key, then its bottom). */
static uint32_t cg_table_size(const ast_decl *d);
static void gen_table_by(gen *g, const ast_expr *e, const ast_decl *d, const ast_expr *key, uint32_t slot, uint32_t base);

/* A row found: its parameter, or in a table by two keys the row's own
 * table looked up by the second key (args[0], in the next local slot). */
static void gen_found(gen *g, const ast_expr *e, const ast_decl *d, const ast_row *r, uint32_t param)
{
    if (d->key2_name)
        gen_table_by(g, e, r->table, e->args[0], e->slot + 1, param);
    else
        gen_row(g, e, param);
}

static void gen_table(gen *g, const ast_expr *e)
{
    gen_table_by(g, e, g->r->params[e->index], e->b, e->slot, g->pbase[e->index]);
}

/* The lookup of table d (its rows' parameters from base on) by key, kept in
 * local slot `slot`. */
static void gen_table_by(gen *g, const ast_expr *e, const ast_decl *d, const ast_expr *key, uint32_t slot, uint32_t base)
{
    if (d->key_type == PT_ENUM) {
        const ast_decl *en = g->r->enums[d->key_tref];
        int32_t nm = 0;
        for (const ast_member *m = en->members; m; m = m->next)
            nm++;
        uint32_t *rowp = pol_xcalloc((size_t)(nm ? nm : 1), sizeof *rowp);
        const char **names = pol_xcalloc((size_t)(nm ? nm : 1), sizeof *names);
        for (int32_t i = 0; i < nm; i++)
            rowp[i] = BC_NONE;
        int32_t i = 0;
        for (const ast_member *m = en->members; m; m = m->next, i++)
            names[i] = m->name;
        const ast_row **rowr = pol_xcalloc((size_t)(nm ? nm : 1), sizeof *rowr);
        uint32_t j = 0;
        for (const ast_row *r = d->rows; r; r = r->next) {
            rowp[r->idx] = base + j;
            rowr[r->idx] = r;
            j += d->key2_name ? cg_table_size(r->table) : 1;
        }
        int32_t k = cg_const_key(g, key);
        if (k >= 0 && k < nm) {
            if (rowp[k] != BC_NONE)
                gen_found(g, e, d, rowr[k], rowp[k]);
            else
                gen_no_row(g, d, names[k], e->sp);
        } else { /* a SWITCH to each member's row */
            gen_expr(g, key);
            uint32_t table = emit_switch(g, d->key_tref, (uint32_t)nm, e->sp);
            uint32_t *ends = pol_xcalloc((size_t)(nm ? nm : 1), sizeof *ends);
            int nends = 0;
            for (int32_t m = 0; m < nm; m++) {
                patch(g, table + (uint32_t)m * BC_OPLEN_JMP, g->p->ncode);
                if (rowp[m] != BC_NONE)
                    gen_found(g, e, d, rowr[m], rowp[m]);
                else
                    gen_no_row(g, d, names[m], e->sp);
                if (m + 1 < nm)
                    ends[nends++] = emit_jump(g, OP_JMP, e->sp);
            }
            for (int m = 0; m < nends; m++)
                patch(g, ends[m], g->p->ncode);
            free(ends);
        }
        free(rowp);
        free(rowr);
        free(names);
        return;
    }
    /* bands, sorted from low to high */
    gen_expr(g, key);
    emit1(g, OP_SETLOCAL, slot, e->sp);
    uint32_t *ends = pol_xcalloc((size_t)d->nrows * 2 + 1, sizeof *ends), *fails = ends + d->nrows;
    int nends = 0, nfails = 0;
    uint32_t j = 0;
    char bands[512] = "";
    size_t bl = 0;
    uint32_t off = 0;
    for (const ast_row *r = d->rows; r; r = r->next, j++) {
        if (bl + strlen(r->label) + 3 < sizeof bands)
            bl += (size_t)snprintf(bands + bl, sizeof bands - bl, "%s%s", j ? ", " : "", r->label);
        uint32_t next = UINT32_MAX;
        if (r->hi) {
            emit1(g, OP_LOCAL, slot, e->sp);
            emit1(g, OP_CONST, literal_const(g, r->hi, (pol_type)d->key_type), e->sp);
            emit_op(g, r->hi_excl ? OP_LT : OP_LE, e->sp);
            next = emit_jump(g, OP_JMPF, e->sp);
        }
        if (r->lo) {
            emit1(g, OP_LOCAL, slot, e->sp);
            emit1(g, OP_CONST, literal_const(g, r->lo, (pol_type)d->key_type), e->sp);
            emit_op(g, OP_GE, e->sp);
            fails[nfails++] = emit_jump(g, OP_JMPF, e->sp);
        }
        gen_found(g, e, d, r, base + off);
        off += d->key2_name ? cg_table_size(r->table) : 1;
        ends[nends++] = emit_jump(g, OP_JMP, e->sp);
        if (next != UINT32_MAX)
            patch(g, next, g->p->ncode);
    }
    for (int m = 0; m < nfails; m++)
        patch(g, fails[m], g->p->ncode);
    char msg[1024];
    snprintf(msg, sizeof msg, "no band of %s covers the value (bands: %s)", d->name, bands);
    emit1(g, OP_FAIL, text_const(g, msg), e->sp);
    for (int m = 0; m < nends; m++)
        patch(g, ends[m], g->p->ncode);
    free(ends);
}

/* match x { member => value ... }: a SWITCH whose table sends each member
 * to the first arm naming it, or to the last arm (else, or the one member
 * left: the choice is exhaustive); or the arm itself when x is known.
 * Each arm is marked for the explanations: ARM at its start (the arm taken,
 * at the pattern's position), ARMVAL after its code (its value), both no
 * more than a dispatch when not tracing; an arm that is only `inapplicable`
 * or `unstated` has no value to mark.  The match's local slot names it. */
static void gen_match(gen *g, const ast_expr *e)
{
    int32_t k = cg_const_key(g, e->a);
    if (k >= 0) {
        int at = e->nargs - 1; /* else, unless an arm names k */
        for (int i = 0; i < e->nargs; i++)
            if (e->members[i] == k)
                at = i;
        gen_expr(g, e->args[at]);
        return;
    }
    gen_expr(g, e->a);
    uint32_t nm = enum_size(g, e->a->tref);
    uint32_t table = emit_switch(g, e->a->tref, nm, e->sp);
    uint32_t *ends = pol_xcalloc((size_t)e->nargs, sizeof *ends);
    int nends = 0;
    for (int i = 0; i < e->nargs; i++) {
        for (uint32_t m = 0; m < nm; m++) { /* the members this arm is the first (or the last) to take */
            int first = e->nargs - 1;
            for (int j = 0; j + 1 < e->nargs; j++)
                if (e->members[j] == (int32_t)m) {
                    first = j;
                    break;
                }
            if (first == i)
                patch(g, table + m * BC_OPLEN_JMP, g->p->ncode);
        }
        emit1(g, OP_ARM, e->slot, e->arg_name_sps[i]);
        gen_expr(g, e->args[i]);
        if (e->args[i]->kind != EX_NA && e->args[i]->kind != EX_UNSTATED)
            emit1(g, OP_ARMVAL, e->slot, e->arg_name_sps[i]);
        if (i + 1 < e->nargs)
            ends[nends++] = emit_jump(g, OP_JMP, e->sp);
    }
    for (int i = 0; i < nends; i++)
        patch(g, ends[i], g->p->ncode);
    free(ends);
}

/* Whether exception x applies: its condition holds, or one of its own
 * exceptions applies (they override it, so they apply where it does not). */
static void gen_applies(gen *g, const ast_decl *x)
{
    gen_expr(g, x->cond);
    size_t n = 0;
    for (const ast_decl *y = x->exceptions; y; y = y->next_exception)
        n++;
    if (n == 0)
        return;
    uint32_t *outs = pol_xcalloc(n, sizeof *outs);
    size_t k = 0;
    for (const ast_decl *y = x->exceptions; y; y = y->next_exception) { /* a ? true : b */
        uint32_t no = emit_jump(g, OP_JMPF, x->sp);
        emit1(g, OP_CONST, bool_const(g, true), x->sp);
        outs[k++] = emit_jump(g, OP_JMP, x->sp);
        patch(g, no, g->p->ncode);
        gen_applies(g, y);
    }
    for (size_t i = 0; i < k; i++)
        patch(g, outs[i], g->p->ncode);
    free(outs);
}

/* "B (file:line:col)" */
static void exc_name(gen *g, const ast_decl *x, char *buf, size_t cap)
{
    bc_pos px = pos_of(g, x->sp);
    snprintf(buf, cap, "%s%s(%s:%u:%u)", x->name ? x->name : "", x->name ? " " : "", file_of(g, x->sp)->name, px.line, px.col);
}

typedef struct jumps { uint32_t *at; size_t n, cap; } jumps;

/* One level of exceptions, those to rule `whose` or to one labelled
 * exception: the value of the one that applies (an error if two do), with a
 * jump to the end of the rule's body added to `ends`; when none applies,
 * falls through.  An exception's value is that of its own exception that
 * applies, else its own. */
static void gen_level(gen *g, const char *whose, const ast_decl *list, jumps *ends)
{
    char msg[1024], a[400], b[400];
    for (const ast_decl *x = list; x; x = x->next_exception) {
        gen_applies(g, x);
        uint32_t next = emit_jump(g, OP_JMPF, x->cond->sp);
        for (const ast_decl *y = x->next_exception; y; y = y->next_exception) {
            gen_applies(g, y);
            uint32_t ok = emit_jump(g, OP_JMPF, y->cond->sp);
            exc_name(g, x, a, sizeof a);
            exc_name(g, y, b, sizeof b);
            snprintf(msg, sizeof msg, "two exceptions to '%s' apply at once: %s and %s", whose, a, b);
            emit1(g, OP_FAIL, text_const(g, msg), y->sp);
            patch(g, ok, g->p->ncode);
        }
        if (x->exceptions)
            gen_level(g, x->name, x->exceptions, ends);
        bc_pos px = pos_of(g, x->sp);
        snprintf(msg, sizeof msg, "exception %s%sat %s:%u:%u%s%s%s", x->name ? x->name : "", x->name ? " " : "", file_of(g, x->sp)->name,
                 px.line, px.col, x->an.cite ? " [" : "", x->an.cite ? x->an.cite : "", x->an.cite ? "]" : "");
        emit1(g, OP_APPLIED, text_const(g, msg), x->sp);
        gen_expr(g, x->value);
        POL_GROW(ends->at, ends->cap, ends->n + 1);
        ends->at[ends->n++] = emit_jump(g, OP_JMP, x->sp);
        patch(g, next, g->p->ncode);
    }
}

/* A rule's cases: its exceptions (at most one may apply at each level), then
 * its base formula. */
static void gen_rule_cases(gen *g, const ast_decl *d)
{
    jumps ends = {0};
    char msg[1024];
    gen_level(g, d->name, d->exceptions, &ends);
    if (d->value && d->index_result)
        gen_agg_ex(g, d->value, true);
    else if (d->value)
        gen_expr(g, d->value);
    else {
        snprintf(msg, sizeof msg, "no definition of '%s' applies: it has no base formula and none of its exceptions applies", d->name);
        emit1(g, OP_FAIL, text_const(g, msg), d->name_sp);
    }
    for (size_t i = 0; i < ends.n; i++)
        patch(g, ends.at[i], g->p->ncode);
    free(ends.at);
}

/* A rule's body: its condition, then its exceptions and formula. */
static char *source_text(gen *g, const ast_expr *e);
static void gen_rule_body(gen *g, const ast_decl *d)
{
    if (d->when) { /* `when COND`: the rest only if COND holds, else not applicable */
        gen_expr(g, d->when);
        uint32_t jf = emit_jump(g, OP_JMPF, d->when->sp);
        gen_rule_cases(g, d);
        uint32_t je = emit_jump(g, OP_JMP, d->when->sp);
        patch(g, jf, g->p->ncode);
        char msg[1024];
        snprintf(msg, sizeof msg, "%s" BC_NA_WHEN "%s", d->name, source_text(g, d->when));
        emit1(g, OP_NA, text_const(g, msg), d->when->sp);
        patch(g, je, g->p->ncode);
        return;
    }
    gen_rule_cases(g, d);
}

/* ---- built-in functions: each row of POL_BUILTINS (vocab.h) names its
 * lowering and opcode ---- */
typedef void (*fn_lower)(gen *g, const ast_expr *e, pol_opcode op);

/* the arguments, then op */
static void cg_fn_args(gen *g, const ast_expr *e, pol_opcode op)
{
    for (int i = 0; i < e->nargs; i++)
        gen_expr(g, e->args[i]);
    emit_op(g, op, e->sp);
}

/* round(x, places, mode): places and mode are operands */
static void cg_fn_round(gen *g, const ast_expr *e, pol_opcode op)
{
    gen_expr(g, e->args[0]);
    if (e->mode < 0) { /* a mode chosen at run time */
        gen_expr(g, e->args[2]);
        emit_op(g, OP_ROUNDV, e->sp);
        emit_word(g, (uint32_t)(int32_t)e->places);
        return;
    }
    emit_op(g, op, e->sp);
    emit_word(g, (uint32_t)(int32_t)e->places);
    emit_word(g, (uint32_t)e->mode);
}

/* to_integer(x, mode): the mode is an operand */
static void cg_fn_to_integer(gen *g, const ast_expr *e, pol_opcode op)
{
    gen_expr(g, e->args[0]);
    if (e->mode < 0) { /* chosen at run time: round to 0 places in it, then the whole number as an integer */
        gen_expr(g, e->args[1]);
        emit_op(g, OP_ROUNDV, e->sp);
        emit_word(g, 0);
        emit_op(g, op, e->sp);
        emit_word(g, (uint32_t)DEC_DOWN);
        return;
    }
    emit_op(g, op, e->sp);
    emit_word(g, (uint32_t)e->mode);
}

/* add_months(x, n[, rule]): the month-end rule is an operand */
static void cg_fn_add_months(gen *g, const ast_expr *e, pol_opcode op)
{
    gen_expr(g, e->args[0]);
    gen_expr(g, e->args[1]);
    emit_op(g, op, e->sp);
    emit_word(g, (uint32_t)e->mode);
}

/* min(a, b, ...), max(a, b, ...): op folded over the arguments */
static void cg_fn_fold(gen *g, const ast_expr *e, pol_opcode op)
{
    gen_expr(g, e->args[0]);
    for (int i = 1; i < e->nargs; i++) {
        gen_expr(g, e->args[i]);
        emit_op(g, op, e->sp);
    }
}

/* months(a, b): months from a to b inclusive, 0 if b < a: max(b op a + 1, 0) */
/* applicable(R): op names the rule */
static void cg_fn_applicable(gen *g, const ast_expr *e, pol_opcode op)
{
    emit1(g, op, e->args[0]->index, e->sp);
}

static void cg_fn_months(gen *g, const ast_expr *e, pol_opcode op)
{
    gen_expr(g, e->args[1]);
    gen_expr(g, e->args[0]);
    emit_op(g, op, e->sp);
    emit_op(g, OP_CONST, e->sp);
    emit_word(g, int_const(g, 1));
    emit_op(g, OP_ADD, e->sp);
    emit_op(g, OP_CONST, e->sp);
    emit_word(g, int_const(g, 0));
    emit_op(g, OP_MAX, e->sp);
}

static const struct {
    fn_lower lower;
    pol_opcode op;
} fn_rows[FN__COUNT] = {
#define FN_ROW(id, en, zh, n, a0, a1, a2, ret, chk, cg, opc) [FN_##id] = {cg, opc},
    POL_BUILTINS(FN_ROW)
#undef FN_ROW
};

/* a function (a rule with parameters), a record, or a builtin */
static void gen_call(gen *g, const ast_expr *e)
{
    if (e->sym == SYM_FUNCTION) {
        for (int i = 0; i < e->nargs; i++)
            gen_expr(g, e->args[i]);
        emit_op(g, OP_CALL, e->sp);
        emit_word(g, e->index);
        emit_word(g, (uint32_t)e->nargs);
        return;
    }
    if (e->sym == SYM_RECORD) { /* fields in declaration order */
        const ast_decl *rt = g->r->records[e->index];
        int j = 0;
        for (const ast_field *fl = rt->fields; fl; fl = fl->next, j++)
            gen_expr(g, e->args[e->field_arg[j]]);
        emit_op(g, OP_MKREC, e->sp);
        emit_word(g, e->index);
        return;
    }
    fn_rows[e->fn].lower(g, e, fn_rows[e->fn].op);
}

/* a and b, a or b: b is evaluated only when needed */
static void gen_logic(gen *g, const ast_expr *e)
{
    gen_expr(g, e->a);
    uint32_t jf = emit_jump(g, OP_JMPF, e->sp), je;
    if (e->op == BO_AND) { /* a ? b : false */
        gen_expr(g, e->b);
        je = emit_jump(g, OP_JMP, e->sp);
        patch(g, jf, g->p->ncode);
        emit1(g, OP_CONST, bool_const(g, false), e->sp);
    } else { /* a ? true : b */
        emit1(g, OP_CONST, bool_const(g, true), e->sp);
        je = emit_jump(g, OP_JMP, e->sp);
        patch(g, jf, g->p->ncode);
        gen_expr(g, e->b);
    }
    patch(g, je, g->p->ncode);
}

/* Enum.Member, a record's field, or a field of an enumeration member */
static void gen_field(gen *g, const ast_expr *e)
{
    if (e->sym == SYM_MEMBER) {
        emit_op(g, OP_CONST, e->sp);
        emit_word(g, literal_const(g, e, PT_ENUM));
        return;
    }
    if (e->sym == SYM_RECORD) { /* a record's field */
        gen_expr(g, e->a);
        emit_op(g, OP_RFIELD, e->name_sp);
        emit_word(g, e->a->tref);
        emit_word(g, e->index);
        return;
    }
    gen_expr(g, e->a);
    emit_op(g, OP_FIELD, e->name_sp);
    emit_word(g, e->a->tref);
    emit_word(g, e->index);
}

/* `inapplicable`: NA with the rule and the place (out of gen_expr, whose
 * frame every level of nesting pays for). */
static __attribute__((noinline)) void gen_na(gen *g, const ast_expr *e)
{
    bc_pos at = pos_of(g, e->sp);
    char msg[600];
    snprintf(msg, sizeof msg, "%s is inapplicable in this case (%s:%u:%u)", g->cur ? g->cur->name : "the value",
             file_of(g, e->sp)->name, at.line, at.col);
    emit1(g, OP_NA, text_const(g, msg), e->sp);
}

static void gen_expr(gen *g, const ast_expr *e)
{
    switch (e->kind) {
    case EX_NUM: case EX_PERCENT: case EX_MONEY: case EX_DATE: case EX_MONTH: case EX_STR: case EX_BOOL: case EX_MODE:
        emit_op(g, OP_CONST, e->sp);
        emit_word(g, literal_const(g, e, (pol_type)e->type));
        return;
    case EX_NAME:
        if (e->sym == SYM_LOCAL) {
            emit_op(g, OP_LOCAL, e->sp);
            emit_word(g, e->slot);
            return;
        }
        emit_op(g, e->sym == SYM_INPUT ? OP_INPUT : e->sym == SYM_PARAM ? OP_PARAM : OP_RULE, e->sp);
        emit_word(g, e->sym == SYM_PARAM ? g->pbase[e->index] : e->index);
        return;
    case EX_FIELD:
        gen_field(g, e);
        return;
    case EX_AGG:
        gen_agg(g, e);
        return;
    case EX_LIST: /* [] and [1, 2] (bare numbers) take the declared list's type */
        emit_listnew(g, e->tref == UINT32_MAX || adopts_hint(e, g->list_tref_hint) ? g->list_tref_hint : e->tref, e->sp);
        for (int i = 0; i < e->nargs; i++) {
            gen_expr(g, e->args[i]);
            emit_op(g, OP_APPEND, e->args[i]->sp);
        }
        return;
    case EX_IN: /* x in lo..hi (the checker refuses the list form outside aggregates) */
        gen_expr(g, e->a);
        gen_expr(g, e->b);
        gen_expr(g, e->c);
        emit_op(g, OP_WITHIN, e->sp);
        return;
    case EX_INDEX:
        if (e->sym != SYM_PARAM) { /* list[i] */
            gen_expr(g, e->a);
            gen_expr(g, e->b);
            emit_op(g, OP_AT, e->sp);
            return;
        }
        if (e->table) {
            gen_table(g, e);
            return;
        }
        gen_expr(g, e->b);
        emit_op(g, e->op ? OP_PARAM_IN : OP_PARAM_AT, e->sp);
        emit_word(g, g->pbase[e->index]);
        return;
    case EX_MATCH:
        gen_match(g, e);
        return;
    case EX_CALL:
        gen_call(g, e);
        return;
    case EX_UNARY:
        gen_expr(g, e->a);
        emit_op(g, e->op == UO_NEG ? OP_NEG : OP_NOT, e->sp);
        return;
    case EX_BINARY: {
        if (e->op == BO_AND || e->op == BO_OR) {
            gen_logic(g, e);
            return;
        }
        gen_expr(g, e->a);
        gen_expr(g, e->b);
        static const pol_opcode ops[] = {[BO_ADD] = OP_ADD, [BO_SUB] = OP_SUB, [BO_MUL] = OP_MUL, [BO_DIV] = OP_DIV,
                                         [BO_EQ] = OP_EQ,   [BO_NE] = OP_NE,   [BO_LT] = OP_LT,   [BO_LE] = OP_LE,
                                         [BO_GT] = OP_GT,   [BO_GE] = OP_GE};
        emit_op(g, ops[e->op], e->sp);
        return;
    }
    case EX_NA:
        gen_na(g, e);
        return;
    case EX_UNSTATED:
        emit1(g, OP_UNSTATED, text_const(g, e->text ? e->text : UNSTATED_DEFAULT), e->sp);
        return;
    case EX_IF: {
        gen_expr(g, e->a);
        uint32_t jf = emit_jump(g, OP_JMPF, e->a->sp);
        gen_expr(g, e->b);
        uint32_t je = emit_jump(g, OP_JMP, e->sp);
        patch(g, jf, g->p->ncode);
        gen_expr(g, e->c);
        patch(g, je, g->p->ncode);
        return;
    }
    }
}

/* The whole source extent of an expression (operators carry only their own span). */
static void expr_extent(const ast_expr *e, uint32_t *lo, uint32_t *hi)
{
    if (!e)
        return;
    if (e->sp.start < *lo)
        *lo = e->sp.start;
    if (e->sp.end > *hi)
        *hi = e->sp.end;
    expr_extent(e->a, lo, hi);
    expr_extent(e->b, lo, hi);
    expr_extent(e->c, lo, hi);
    for (int i = 0; i < e->nargs; i++)
        expr_extent(e->args[i], lo, hi);
}

/* The declared fields of a record type or an enumeration, for the program. */
static bc_field *copy_fields(gen *g, const ast_field *list, uint32_t *n)
{
    *n = 0;
    for (const ast_field *fl = list; fl; fl = fl->next)
        (*n)++;
    bc_field *out = cg_alloc(g, *n, sizeof *out);
    uint32_t j = 0;
    for (const ast_field *fl = list; fl; fl = fl->next, j++)
        out[j] = (bc_field){cg_str(g, fl->name), fl->type, fl->tref};
    return out;
}

static char *meta_text(gen *g, const ast_expr *e)
{
    if (e->kind == EX_DATE) {
        char buf[16];
        cd_format_date(e->ival, buf);
        return cg_str(g, buf);
    }
    return cg_str(g, e->kind == EX_STR ? e->text : "");
}

/* The header's keys and values. */
static void cg_meta(gen *g, const ast_policy *ap)
{
    bc_program *p = g->p;
    for (const ast_meta *m = ap->meta; m; m = m->next)
        p->nmeta++;
    for (const ast_clause *cl = ap->clauses; cl; cl = cl->next)
        p->nmeta += cl->note ? 2 : 1;
    p->meta = cg_alloc(g, p->nmeta, sizeof *p->meta);
    uint32_t mi = 0;
    for (const ast_meta *m = ap->meta; m; m = m->next, mi++) {
        p->meta[mi].key = cg_str(g, m->key);
        p->meta[mi].value = meta_text(g, m->value);
    }
    /* the clause map (compiler/clause.h): "clause ID" = anchor ("" when the
     * clause is not transcribed), "clause-note ID" = its note */
    for (const ast_clause *cl = ap->clauses; cl; cl = cl->next) {
        char key[512];
        snprintf(key, sizeof key, "clause %s", cl->id);
        p->meta[mi].key = cg_str(g, key);
        p->meta[mi++].value = cg_str(g, cl->anchor ? cl->anchor : "");
        if (cl->note) {
            snprintf(key, sizeof key, "clause-note %s", cl->id);
            p->meta[mi].key = cg_str(g, key);
            p->meta[mi++].value = cg_str(g, cl->note);
        }
    }
}

/* A zeroed section of n elements of `size` bytes; *count := n. */
static void *cg_array(gen *g, uint32_t *count, uint32_t n, size_t size)
{
    *count = n;
    return cg_alloc(g, n, size);
}

/* What record types and enumerations share: name, cite, position, fields. */
static void type_decl(gen *g, const ast_decl *d, char **name, char **cite, bc_pos *pos, bc_field **fields, uint32_t *nfields)
{
    *name = cg_str(g, d->name);
    *cite = cg_str(g, d->an.cite);
    *pos = pos_of(g, d->name_sp);
    *fields = copy_fields(g, d->fields, nfields);
}

/* Record types. */
static void cg_records(gen *g)
{
    bc_program *p = g->p;
    const chk_result *r = g->r;
    p->records = cg_array(g, &p->nrecords, r->nrecords, sizeof *p->records);
    for (uint32_t i = 0; i < r->nrecords; i++) {
        const ast_decl *d = r->records[i];
        bc_record *rc = &p->records[i];
        type_decl(g, d, &rc->name, &rc->cite, &rc->pos, &rc->fields, &rc->nfields);
    }
}

/* Enumerations: fields, members and their values. */
static void cg_enums(gen *g)
{
    bc_program *p = g->p;
    const chk_result *r = g->r;
    p->enums = cg_array(g, &p->nenums, r->nenums, sizeof *p->enums);
    for (uint32_t i = 0; i < r->nenums; i++) {
        const ast_decl *d = r->enums[i];
        bc_enum *e = &p->enums[i];
        type_decl(g, d, &e->name, &e->cite, &e->pos, &e->fields, &e->nfields);
        for (const ast_member *m = d->members; m; m = m->next)
            e->nmembers++;
        e->members = cg_alloc(g, e->nmembers, sizeof *e->members);
        uint32_t j = 0;
        for (const ast_member *m = d->members; m; m = m->next, j++) {
            bc_member *bm = &e->members[j];
            bm->name = cg_str(g, m->name);
            bm->cite = cg_str(g, m->an.cite);
            bm->pos = pos_of(g, m->name_sp);
            bm->values = cg_alloc(g, e->nfields, sizeof *bm->values);
            uint32_t k = 0;
            for (const ast_field *fl = d->fields; fl; fl = fl->next, k++)
                bm->values[k] = literal_const(g, m->values[k], (pol_type)fl->type);
        }
    }
}

/* What inputs and parameters share: name, type, cite, note, position.
 * (The order of the constants they add is kept: bounds come after.) */
#define CG_INTERFACE(g, x, d)                     \
    do {                                          \
        (x)->name = cg_str((g), (d)->name);       \
        (x)->type = (d)->type;                    \
        (x)->tref = (d)->tref;                    \
        (x)->cite = cg_str((g), (d)->an.cite);    \
        (x)->doc = cg_str((g), (d)->an.note);     \
        (x)->pos = pos_of((g), (d)->name_sp);     \
    } while (0)

/* A bound's constant (BC_NONE: that side is open); a bound that names an
 * undated parameter is that parameter's value, and *param says which (the
 * checker's index until cg_bound_params maps it to the program's). */
static uint32_t bound_const(gen *g, const ast_expr *e, pol_type t, uint32_t *param)
{
    *param = BC_NONE;
    if (!e)
        return BC_NONE;
    if (e->kind == EX_NAME) { /* the checker allowed only an undated parameter */
        *param = e->index;
        return literal_const(g, g->r->params[e->index]->value, t);
    }
    return literal_const(g, e, t);
}

/* Inputs, with their bounds. */
static void cg_inputs(gen *g)
{
    bc_program *p = g->p;
    const chk_result *r = g->r;
    p->inputs = cg_array(g, &p->ninputs, r->ninputs, sizeof *p->inputs);
    for (uint32_t i = 0; i < r->ninputs; i++) {
        const ast_decl *d = r->inputs[i];
        bc_input *x = &p->inputs[i];
        CG_INTERFACE(g, x, d);
        x->kmin = bound_const(g, d->lo, (pol_type)d->type, &x->pmin);
        x->kmax = bound_const(g, d->hi, (pol_type)d->type, &x->pmax);
    }
}

/* The parameters the bounds name, as the program numbers them (a table
 * before them is several of its parameters): after cg_params. */
static void cg_bound_params(gen *g)
{
    bc_program *p = g->p;
    for (uint32_t i = 0; i < p->ninputs; i++) {
        bc_input *x = &p->inputs[i];
        if (x->pmin != BC_NONE)
            x->pmin = g->pbase[x->pmin];
        if (x->pmax != BC_NONE)
            x->pmax = g->pbase[x->pmax];
    }
}

/* Marks version v inferred as annotation an says (if it does), with the
 * versions of the parameters it was derived from. */
static void cg_inferred(gen *g, bc_version *v, const ast_annot *an)
{
    if (!an->inferred)
        return;
    v->inferred = cg_str(g, an->inferred);
    for (const ast_source *s = an->from; s; s = s->next)
        v->nsources++;
    v->sources = cg_alloc(g, v->nsources, sizeof *v->sources);
    uint32_t k = 0;
    for (const ast_source *s = an->from; s; s = s->next, k++) {
        uint32_t j = 0; /* the version covering the date (the checker found one) */
        for (const ast_version *sv = s->decl->versions; s->dated && sv; sv = sv->next, j++)
            if ((!sv->has_from || sv->from <= s->date) && (!sv->has_to || s->date <= sv->to))
                break;
        v->sources[k] = (bc_source){g->pbase ? g->pbase[s->decl->index] : s->decl->index, j};
    }
}

/* A parameter version's value: its constant, or (unstated) its note. */
static uint32_t version_const(gen *g, const ast_expr *e, pol_type t)
{
    if (e->kind == EX_UNSTATED)
        return text_const(g, e->text ? e->text : UNSTATED_DEFAULT);
    return literal_const(g, e, t);
}

/* A parameter's dated versions. */
static void cg_versions(gen *g, bc_param *x, const ast_decl *d, const ast_version *list, const char *cite)
{
    x->dated = 1;
    for (const ast_version *v = list; v; v = v->next)
        x->nversions++;
    x->versions = cg_alloc(g, x->nversions, sizeof *x->versions);
    uint32_t j = 0;
    for (const ast_version *v = list; v; v = v->next, j++) {
        x->versions[j] = (bc_version){v->has_from ? v->from : BC_OPEN_LO, v->has_to ? v->to : BC_OPEN_HI,
                                      version_const(g, v->value, (pol_type)d->type), v->value->kind == EX_UNSTATED,
                                      cg_str(g, v->an.cite ? v->an.cite : cite), pos_of(g, v->sp), NULL, 0, NULL};
        cg_inferred(g, &x->versions[j], v->an.inferred ? &v->an : &d->an); /* the header's for every version */
    }
}

/* One undated value. */
static void cg_value(gen *g, bc_param *x, const ast_decl *d, const ast_expr *value, const char *cite)
{
    x->dated = 0;
    x->nversions = 1;
    x->versions = cg_alloc(g, 1, sizeof *x->versions);
    x->versions[0] = (bc_version){BC_OPEN_LO, BC_OPEN_HI, version_const(g, value, (pol_type)d->type),
                                  value->kind == EX_UNSTATED, cg_str(g, cite), pos_of(g, value->sp), NULL, 0, NULL};
    cg_inferred(g, &x->versions[0], &d->an);
}

/* How many parameters table d's rows become: one per row, or in a table
 * by two keys one per row of each row's table. */
static uint32_t cg_table_size(const ast_decl *d)
{
    if (!d->key2_name)
        return (uint32_t)d->nrows;
    uint32_t n = 0;
    for (const ast_row *r = d->rows; r; r = r->next)
        n += (uint32_t)r->table->nrows;
    return n;
}

/* Parameters: one undated value or dated versions; a table gives one
 * parameter per row, named "TABLE[ROW]" (a name no declaration can have);
 * a table by two keys one per cell, "TABLE[ROW, ROW2]". */
static bc_param *cg_table_params(gen *g, bc_param *x, const ast_decl *d)
{
    bc_program *p = g->p;
    for (const ast_row *row = d->rows; row; row = row->next) {
        if (d->key2_name) {
            x = cg_table_params(g, x, row->table);
            continue;
        }
        CG_INTERFACE(g, x, d);
        size_t n = strlen(d->name) + strlen(row->label) + 4;
        char *name = pol_arena_alloc(&p->arena, n);
        if (d->cell_rows)
            snprintf(name, n, "%.*s, %s]", (int)strlen(d->name) - 1, d->name, row->label);
        else
            snprintf(name, n, "%s[%s]", d->name, row->label);
        x->name = name;
        x->pos = pos_of(g, row->sp);
        const char *cite = row->an.cite ? row->an.cite : d->an.cite;
        x->cite = cg_str(g, cite);
        if (row->an.note)
            x->doc = cg_str(g, row->an.note);
        if (row->value && !d->dated_rows)
            cg_value(g, x, d, row->value, cite);
        else if (row->value) { /* an undated row of a dated table: always */
            cg_value(g, x, d, row->value, cite);
            x->dated = 1;
        } else
            cg_versions(g, x, d, row->versions, cite);
        x++;
    }
    return x;
}

static void cg_params(gen *g)
{
    bc_program *p = g->p;
    const chk_result *r = g->r;
    g->pbase = pol_xcalloc((size_t)r->nparams + 1, sizeof *g->pbase);
    uint32_t total = 0;
    for (uint32_t i = 0; i < r->nparams; i++) {
        g->pbase[i] = total;
        total += r->params[i]->key_name ? cg_table_size(r->params[i]) : 1;
    }
    p->params = cg_array(g, &p->nparams, total, sizeof *p->params);
    for (uint32_t i = 0; i < r->nparams; i++) {
        const ast_decl *d = r->params[i];
        bc_param *x = &p->params[g->pbase[i]];
        if (d->key_name) {
            cg_table_params(g, x, d);
            continue;
        }
        CG_INTERFACE(g, x, d);
        if (d->value)
            cg_value(g, x, d, d->value, d->an.cite);
        else
            cg_versions(g, x, d, d->versions, d->an.cite);
    }
}

/* An expression's source text, in the program's arena. */
static char *source_text(gen *g, const ast_expr *e)
{
    uint32_t lo = e->sp.start, hi = e->sp.end;
    expr_extent(e, &lo, &hi);
    const src_file *ff = file_of(g, e->sp);
    lo = SPAN_OFF(lo);
    hi = SPAN_OFF(hi);
    if (hi > ff->len || lo > hi)
        lo = hi = 0;
    return pol_arena_strndup(&g->p->arena, ff->text + lo, hi - lo);
}

/* Rules, outputs and requirements: their code and formulas. */
static void cg_rules(gen *g)
{
    bc_program *p = g->p;
    const chk_result *r = g->r;
    uint32_t nhidden = 0; /* tests' lists and expected parts become hidden rules after the others */
    for (uint32_t i = 0; i < r->ntests; i++)
        for (const ast_item *it = r->tests[i]->items; it; it = it->next)
            nhidden += (it->value->kind == EX_LIST) + (it->path != NULL);
    p->nrules = r->nrules;
    p->rules = cg_alloc(g, (size_t)r->nrules + nhidden, sizeof *p->rules); /* zeroed */
    for (uint32_t i = 0; i < r->nrules; i++) {
        const ast_decl *d = r->rules[i];
        bc_rule *x = &p->rules[i];
        x->name = cg_str(g, d->name);
        x->type = (uint8_t)(d->index_result ? PT_INT : d->type);
        x->tref = d->tref;
        x->nlocals = d->nlocals;
        x->nargs = (uint32_t)d->nparams;
        x->is_output = d->kind == D_OUTPUT;
        x->is_constraint = d->kind == D_REQUIRE;
        x->places = (uint8_t)(d->places >= 0 ? d->places : is_money(d->type, d->tref) ? 2 : 0);
        x->cite = cg_str(g, d->an.cite);
        x->doc = cg_str(g, d->an.note);
        if (d->value)
            x->formula = source_text(g, d->value);
        if (d->when)
            x->when = source_text(g, d->when);
        x->pos = pos_of(g, d->name_sp);
        x->entry = p->ncode;
        g->list_tref_hint = d->type == PT_LIST ? d->tref : POL_LIST_VALUES | PT_INT; /* for an empty [] */
        g->cur = d;
        gen_rule_body(g, d);
        g->cur = NULL;
        emit_op(g, OP_RET, d->name_sp);
        emit_word(g, i);
        x->end = p->ncode;
    }
}

/* A hidden rule computing e (a test's list, or the part of a rule a test
 * expects), named `name`; returns its index. */
static uint32_t hidden_rule(gen *g, const ast_expr *e, const char *name, pol_type t, uint32_t tref, span sp)
{
    bc_program *p = g->p;
    bc_rule *hr = &p->rules[p->nrules]; /* zeroed */
    hr->name = cg_str(g, name);
    hr->type = (uint8_t)t;
    hr->tref = tref;
    hr->places = (uint8_t)(is_money(t, tref) ? 2 : 0);
    hr->pos = pos_of(g, sp);
    hr->entry = p->ncode;
    g->list_tref_hint = tref;
    gen_expr(g, e);
    emit_op(g, OP_RET, sp);
    emit_word(g, p->nrules);
    hr->end = p->ncode;
    return p->nrules++;
}

/* The source text of an expression (a test's path: 月度[0].状态). */
static void expr_text(gen *g, const ast_expr *e, char *buf, size_t cap)
{
    uint32_t lo = e->sp.start, hi = e->sp.end;
    expr_extent(e, &lo, &hi);
    const src_file *ff = file_of(g, e->sp);
    lo = SPAN_OFF(lo);
    hi = SPAN_OFF(hi);
    if (hi > ff->len || lo > hi)
        lo = hi = 0;
    snprintf(buf, cap, "%.*s", (int)(hi - lo), ff->text + lo);
}

/* Tests: given inputs and expectations (a list, or a part of a rule such as
 * 月度[0].状态, is computed by a hidden rule). */
static void cg_tests(gen *g)
{
    bc_program *p = g->p;
    const chk_result *r = g->r;
    p->tests = cg_array(g, &p->ntests, r->ntests, sizeof *p->tests);
    for (uint32_t i = 0; i < r->ntests; i++) {
        const ast_decl *d = r->tests[i];
        bc_test *t = &p->tests[i];
        t->name = cg_str(g, d->name);
        t->pos = pos_of(g, d->sp);
        t->expect_error = d->expect_error;
        t->error_k = d->error_text ? text_const(g, d->error_text) : BC_NONE;
        for (const ast_item *it = d->items; it; it = it->next)
            it->expect ? t->nexpect++ : t->ngiven++;
        t->given = cg_alloc(g, t->ngiven, sizeof *t->given);
        t->expect = cg_alloc(g, t->nexpect, sizeof *t->expect);
        uint32_t gi = 0, ei = 0;
        for (const ast_item *it = d->items; it; it = it->next) {
            uint32_t idx = it->decl->index; /* resolved by the checker */
            pol_type ty = (pol_type)it->type;
            char nm[300];
            uint32_t k = BC_NONE, rule = BC_NONE;
            uint8_t want = BC_WANT_VALUE;
            if (it->expect && (it->value->kind == EX_NA || it->value->kind == EX_UNSTATED)) { /* no value, and why */
                want = it->value->kind == EX_NA ? BC_WANT_NA : BC_WANT_UNSTATED;
                k = want == BC_WANT_UNSTATED && it->value->text ? text_const(g, it->value->text) : BC_NONE;
            } else if (it->value->kind == EX_LIST) {
                snprintf(nm, sizeof nm, "(test %u %s %s)", i, it->expect ? "expected" : "input", it->name);
                rule = hidden_rule(g, it->value, nm, PT_LIST, it->tref, it->sp);
            } else
                k = literal_const(g, it->value, ty);
            if (it->expect) {
                if (it->path) {
                    expr_text(g, it->path, nm, sizeof nm);
                    idx = hidden_rule(g, it->path, nm, ty, it->tref, it->path->sp);
                }
                t->expect[ei++] = (bc_assign){idx, k, pos_of(g, it->sp), it->stated, it->cite ? text_const(g, it->cite) : BC_NONE, rule,
                                              want};
            } else
                t->given[gi++] = (bc_assign){idx, k, pos_of(g, it->sp), 0, BC_NONE, rule, BC_WANT_VALUE};
        }
    }
}

/* The notice's findings that are not numbers. */
static void cg_findings(gen *g)
{
    bc_program *p = g->p;
    const chk_result *r = g->r;
    p->findings = cg_array(g, &p->nfindings, r->nfindings, sizeof *p->findings);
    for (uint32_t i = 0; i < r->nfindings; i++) {
        const ast_decl *d = r->findings[i];
        p->findings[i] = (bc_finding){cg_str(g, d->name), cg_str(g, d->an.cite), cg_str(g, d->an.note), pos_of(g, d->name_sp)};
    }
}

/* Moves the three grown buffers (code, line table, constants) into the
 * arena and frees them: from here on the arena owns everything. */
static void cg_finish(gen *g)
{
    bc_program *p = g->p;
    uint32_t *code = p->code;
    bc_lineinfo *lines = p->lines;
    bc_const *consts = p->consts;
    p->code = pol_arena_memdup(&p->arena, code, sizeof *code * p->ncode);
    p->lines = pol_arena_memdup(&p->arena, lines, sizeof *lines * p->nlines);
    p->consts = pol_arena_memdup(&p->arena, consts, sizeof *consts * p->nconsts);
    free(code);
    free(lines);
    free(consts);
}

bc_program *cg_program(const src_file *f, const ast_policy *ap, const chk_result *r, const diag_ctx *d_files)
{
    gen gg = {0}, *g = &gg;
    g->f = f;
    g->r = r;
    g->files = d_files;
    bc_program *p = pol_xcalloc(1, sizeof *p); /* and an empty arena */
    g->p = p;
    p->name = cg_str(g, ap->title ? ap->title : "(untitled policy)");
    p->source = cg_str(g, f->name);
    p->nfiles = d_files && d_files->nfiles > 0 ? (uint32_t)d_files->nfiles : 1;
    p->files = cg_alloc(g, p->nfiles, sizeof *p->files);
    for (uint32_t i = 0; i < p->nfiles; i++)
        p->files[i] = cg_str(g, d_files && d_files->files[i] ? d_files->files[i]->name : f->name);
    cg_meta(g, ap);
    cg_records(g);
    cg_enums(g);
    cg_inputs(g);
    cg_params(g);
    cg_bound_params(g);
    cg_rules(g);
    cg_tests(g);
    cg_findings(g);
    cg_finish(g);
    free(g->pbase);
    free(g->cslot);
    free(g->chash);
    return p;
}
