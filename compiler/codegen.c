/* codegen.c -- emits bytecode for a checked policy (codegen.h). */
#include "codegen.h"

#include <stdlib.h>
#include <string.h>

#include "caldate.h"

typedef struct gen {
    bc_program *p;
    const src_file *f;
    uint32_t code_cap, const_cap, line_cap;
    bc_pos last_pos;
} gen;

static void *xrealloc(void *q, size_t n)
{
    void *r = realloc(q, n ? n : 1);
    if (!r) {
        fputs("pol: out of memory\n", stderr);
        abort();
    }
    return r;
}

static char *xstrdup_opt(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = xrealloc(NULL, n);
    memcpy(d, s, n);
    return d;
}

static bc_pos pos_of(gen *g, span sp)
{
    bc_pos p;
    src_line_col(g->f, sp.start, &p.line, &p.col);
    return p;
}

static void emit_word(gen *g, uint32_t w)
{
    if (g->p->ncode == g->code_cap) {
        g->code_cap = g->code_cap ? g->code_cap * 2 : 256;
        g->p->code = xrealloc(g->p->code, sizeof *g->p->code * g->code_cap);
    }
    g->p->code[g->p->ncode++] = w;
}

/* Emits an opcode, recording its source position in the line table. */
static uint32_t emit_op(gen *g, pol_opcode op, span sp)
{
    bc_pos pos = pos_of(g, sp);
    bc_program *p = g->p;
    if (p->nlines == 0 || pos.line != g->last_pos.line || pos.col != g->last_pos.col) {
        if (p->nlines == g->line_cap) {
            g->line_cap = g->line_cap ? g->line_cap * 2 : 64;
            p->lines = xrealloc(p->lines, sizeof *p->lines * g->line_cap);
        }
        p->lines[p->nlines++] = (bc_lineinfo){p->ncode, pos};
        g->last_pos = pos;
    }
    uint32_t at = p->ncode;
    emit_word(g, (uint32_t)op);
    return at;
}

/* ---- constants ---- */
static bool const_equal(const bc_const *a, const bc_const *b)
{
    if (a->type != b->type)
        return false;
    if (pol_type_numeric((pol_type)a->type))
        return dec_cmp(&a->num, &b->num) == 0 && a->num.scale == b->num.scale;
    if (a->type == PT_TEXT)
        return strcmp(a->text, b->text) == 0;
    return a->i == b->i;
}

/* Adds k to the pool (taking ownership of its contents) or finds an equal one. */
static uint32_t add_const(gen *g, bc_const *k)
{
    bc_program *p = g->p;
    for (uint32_t i = 0; i < p->nconsts; i++)
        if (const_equal(&p->consts[i], k)) {
            dec_clear(&k->num);
            free(k->text);
            return i;
        }
    if (p->nconsts == g->const_cap) {
        g->const_cap = g->const_cap ? g->const_cap * 2 : 32;
        p->consts = xrealloc(p->consts, sizeof *p->consts * g->const_cap);
    }
    p->consts[p->nconsts] = *k;
    return p->nconsts++;
}

/* The constant a literal expression denotes, as type `t` (numeric kinds may
 * differ from the literal's own: 4416 declared money is money). */
static uint32_t literal_const(gen *g, const ast_expr *e, pol_type t)
{
    bc_const k;
    memset(&k, 0, sizeof k);
    dec_init(&k.num);
    bool neg = false;
    if (e->kind == EX_UNARY && e->op == UO_NEG) {
        neg = true;
        e = e->a;
    }
    switch (e->kind) {
    case EX_NUM:
    case EX_MONEY:
    case EX_PERCENT: {
        char buf[512];
        snprintf(buf, sizeof buf, "%s%s", e->text, e->kind == EX_PERCENT ? "%" : "");
        if (dec_parse(&k.num, buf, strlen(buf)) != DEC_OK)
            dec_set_i64(&k.num, 0); /* the lexer already reported it */
        if (neg)
            dec_neg(&k.num, &k.num);
        k.type = (uint8_t)(pol_type_numeric(t) ? t : (pol_type)e->type);
        break;
    }
    case EX_DATE: k.type = PT_DATE; k.i = e->ival; break;
    case EX_MONTH: k.type = PT_MONTH; k.i = e->ival; break;
    case EX_BOOL: k.type = PT_BOOL; k.i = e->ival; break;
    case EX_STR: k.type = PT_TEXT; k.text = xstrdup_opt(e->text); break;
    default: k.type = PT_BOOL; break; /* not reached on a checked tree */
    }
    return add_const(g, &k);
}

static uint32_t bool_const(gen *g, bool v)
{
    bc_const k;
    memset(&k, 0, sizeof k);
    dec_init(&k.num);
    k.type = PT_BOOL;
    k.i = v;
    return add_const(g, &k);
}

/* ---- expressions ---- */
static void gen_expr(gen *g, const ast_expr *e);

static void patch(gen *g, uint32_t at_word, uint32_t target) { g->p->code[at_word] = target; }

static void gen_expr(gen *g, const ast_expr *e)
{
    switch (e->kind) {
    case EX_NUM: case EX_PERCENT: case EX_MONEY: case EX_DATE: case EX_MONTH: case EX_STR: case EX_BOOL:
        emit_op(g, OP_CONST, e->sp);
        emit_word(g, literal_const(g, e, (pol_type)e->type));
        return;
    case EX_NAME:
        emit_op(g, e->sym == SYM_INPUT ? OP_INPUT : e->sym == SYM_PARAM ? OP_PARAM : OP_RULE, e->sp);
        emit_word(g, e->index);
        return;
    case EX_INDEX:
        gen_expr(g, e->b);
        emit_op(g, OP_PARAM_AT, e->sp);
        emit_word(g, e->index);
        return;
    case EX_CALL:
        if (e->fn == FN_ROUND) {
            gen_expr(g, e->args[0]);
            emit_op(g, OP_ROUND, e->sp);
            emit_word(g, (uint32_t)(int32_t)e->places);
            emit_word(g, (uint32_t)e->mode);
        } else {
            gen_expr(g, e->args[0]);
            for (int i = 1; i < e->nargs; i++) {
                gen_expr(g, e->args[i]);
                emit_op(g, e->fn == FN_MIN ? OP_MIN : OP_MAX, e->sp);
            }
        }
        return;
    case EX_UNARY:
        gen_expr(g, e->a);
        emit_op(g, e->op == UO_NEG ? OP_NEG : OP_NOT, e->sp);
        return;
    case EX_BINARY: {
        if (e->op == BO_AND || e->op == BO_OR) {
            gen_expr(g, e->a);
            emit_op(g, OP_JMPF, e->sp);
            uint32_t jf = g->p->ncode;
            emit_word(g, 0);
            if (e->op == BO_AND) {
                gen_expr(g, e->b);
                emit_op(g, OP_JMP, e->sp);
                uint32_t je = g->p->ncode;
                emit_word(g, 0);
                patch(g, jf, g->p->ncode);
                emit_op(g, OP_CONST, e->sp);
                emit_word(g, bool_const(g, false));
                patch(g, je, g->p->ncode);
            } else {
                emit_op(g, OP_CONST, e->sp);
                emit_word(g, bool_const(g, true));
                emit_op(g, OP_JMP, e->sp);
                uint32_t je = g->p->ncode;
                emit_word(g, 0);
                patch(g, jf, g->p->ncode);
                gen_expr(g, e->b);
                patch(g, je, g->p->ncode);
            }
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
    case EX_IF: {
        gen_expr(g, e->a);
        emit_op(g, OP_JMPF, e->a->sp);
        uint32_t jf = g->p->ncode;
        emit_word(g, 0);
        gen_expr(g, e->b);
        emit_op(g, OP_JMP, e->sp);
        uint32_t je = g->p->ncode;
        emit_word(g, 0);
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

static char *meta_text(const ast_expr *e)
{
    if (e->kind == EX_DATE) {
        char buf[16];
        cd_format_date(e->ival, buf);
        return xstrdup_opt(buf);
    }
    return xstrdup_opt(e->kind == EX_STR ? e->text : "");
}

bc_program *cg_program(const src_file *f, const ast_policy *ap, const chk_result *r)
{
    gen gg = {0}, *g = &gg;
    g->f = f;
    bc_program *p = calloc(1, sizeof *p);
    if (!p) {
        fputs("pol: out of memory\n", stderr);
        abort();
    }
    g->p = p;
    p->name = xstrdup_opt(ap->title ? ap->title : "(untitled policy)");
    p->source = xstrdup_opt(f->name);
    for (const ast_meta *m = ap->meta; m; m = m->next)
        p->nmeta++;
    p->meta = xrealloc(NULL, sizeof *p->meta * (p->nmeta ? p->nmeta : 1));
    uint32_t mi = 0;
    for (const ast_meta *m = ap->meta; m; m = m->next, mi++) {
        p->meta[mi].key = xstrdup_opt(m->key);
        p->meta[mi].value = meta_text(m->value);
    }

    p->ninputs = r->ninputs;
    p->inputs = xrealloc(NULL, sizeof *p->inputs * (r->ninputs ? r->ninputs : 1));
    for (uint32_t i = 0; i < r->ninputs; i++) {
        const ast_decl *d = r->inputs[i];
        bc_input *x = &p->inputs[i];
        memset(x, 0, sizeof *x);
        x->name = xstrdup_opt(d->name);
        x->type = d->type;
        x->kmin = d->lo ? literal_const(g, d->lo, (pol_type)d->type) : BC_NONE;
        x->kmax = d->hi ? literal_const(g, d->hi, (pol_type)d->type) : BC_NONE;
        x->cite = xstrdup_opt(d->an.cite);
        x->doc = xstrdup_opt(d->an.note);
        x->pos = pos_of(g, d->name_sp);
    }
    p->nparams = r->nparams;
    p->params = xrealloc(NULL, sizeof *p->params * (r->nparams ? r->nparams : 1));
    for (uint32_t i = 0; i < r->nparams; i++) {
        const ast_decl *d = r->params[i];
        bc_param *x = &p->params[i];
        memset(x, 0, sizeof *x);
        x->name = xstrdup_opt(d->name);
        x->type = d->type;
        x->cite = xstrdup_opt(d->an.cite);
        x->doc = xstrdup_opt(d->an.note);
        x->pos = pos_of(g, d->name_sp);
        if (d->value) {
            x->dated = 0;
            x->nversions = 1;
            x->versions = xrealloc(NULL, sizeof *x->versions);
            x->versions[0] = (bc_version){BC_OPEN_LO, BC_OPEN_HI, literal_const(g, d->value, (pol_type)d->type),
                                          xstrdup_opt(d->an.cite), pos_of(g, d->value->sp)};
        } else {
            x->dated = 1;
            for (const ast_version *v = d->versions; v; v = v->next)
                x->nversions++;
            x->versions = xrealloc(NULL, sizeof *x->versions * (x->nversions ? x->nversions : 1));
            uint32_t j = 0;
            for (const ast_version *v = d->versions; v; v = v->next, j++)
                x->versions[j] = (bc_version){v->has_from ? v->from : BC_OPEN_LO, v->has_to ? v->to : BC_OPEN_HI,
                                              literal_const(g, v->value, (pol_type)d->type),
                                              xstrdup_opt(v->an.cite ? v->an.cite : d->an.cite), pos_of(g, v->sp)};
        }
    }
    p->nrules = r->nrules;
    p->rules = xrealloc(NULL, sizeof *p->rules * (r->nrules ? r->nrules : 1));
    for (uint32_t i = 0; i < r->nrules; i++) {
        const ast_decl *d = r->rules[i];
        bc_rule *x = &p->rules[i];
        memset(x, 0, sizeof *x);
        x->name = xstrdup_opt(d->name);
        x->type = d->type;
        x->is_output = d->kind == D_OUTPUT;
        x->places = (uint8_t)(d->places >= 0 ? d->places : d->type == PT_MONEY ? 2 : 0);
        x->cite = xstrdup_opt(d->an.cite);
        x->doc = xstrdup_opt(d->an.note);
        uint32_t lo = d->value->sp.start, hi = d->value->sp.end;
        expr_extent(d->value, &lo, &hi);
        x->formula = xrealloc(NULL, hi - lo + 1);
        memcpy(x->formula, f->text + lo, hi - lo);
        x->formula[hi - lo] = 0;
        x->pos = pos_of(g, d->name_sp);
        x->entry = p->ncode;
        gen_expr(g, d->value);
        emit_op(g, OP_RET, d->name_sp);
        emit_word(g, i);
        x->end = p->ncode;
    }
    p->ntests = r->ntests;
    p->tests = xrealloc(NULL, sizeof *p->tests * (r->ntests ? r->ntests : 1));
    for (uint32_t i = 0; i < r->ntests; i++) {
        const ast_decl *d = r->tests[i];
        bc_test *t = &p->tests[i];
        memset(t, 0, sizeof *t);
        t->name = xstrdup_opt(d->name);
        t->pos = pos_of(g, d->sp);
        for (const ast_item *it = d->items; it; it = it->next)
            it->expect ? t->nexpect++ : t->ngiven++;
        t->given = xrealloc(NULL, sizeof *t->given * (t->ngiven ? t->ngiven : 1));
        t->expect = xrealloc(NULL, sizeof *t->expect * (t->nexpect ? t->nexpect : 1));
        uint32_t gi = 0, ei = 0;
        for (const ast_item *it = d->items; it; it = it->next) {
            /* names were resolved by the checker; find the declaration again */
            uint32_t idx = BC_NONE;
            pol_type ty = PT_VOID;
            if (it->expect) {
                for (uint32_t k = 0; k < r->nrules; k++)
                    if (strcmp(r->rules[k]->name, it->name) == 0) {
                        idx = k;
                        ty = (pol_type)r->rules[k]->type;
                    }
                t->expect[ei++] = (bc_assign){idx, literal_const(g, it->value, ty), pos_of(g, it->sp)};
            } else {
                for (uint32_t k = 0; k < r->ninputs; k++)
                    if (strcmp(r->inputs[k]->name, it->name) == 0) {
                        idx = k;
                        ty = (pol_type)r->inputs[k]->type;
                    }
                t->given[gi++] = (bc_assign){idx, literal_const(g, it->value, ty), pos_of(g, it->sp)};
            }
        }
    }
    return p;
}
