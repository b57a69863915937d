/* explain.c -- explanations: how each output of one scenario was reached.
 *
 * Built from what the VM logged while tracing (runtime/vm.h: vm_event for
 * function calls, returns, roundings and branches; vm_lookup for parameter
 * lookups and exceptions applied) and from the program's debug information
 * (rule names, formulas, cites, positions, parameter versions).  The
 * explanation is first built as one tree of steps (xnode), then written as
 * text, JSON (docs/explain.schema.json) or an HTML page: the three show the
 * same steps with the same fields (docs/explain.md).
 *
 * Shares its contract with: runtime/vm.c (the trace), runtime/pol.c (the
 * values' text), runtime/polint.h (pol_eval_explain_buf), docs/explain.md.
 */
#include "polint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bciter.h"
#include "caldate.h"
#include "lang.h"
#include "mem.h"
#include "utf8.h"

/* ---- the tree of steps ---- */
enum { XF_STR = 0, XF_BOOL, XF_INT, XF_LIST, XF_HIDDEN }; /* how a field is written in JSON (XF_HIDDEN: not written:
                                                      * text for the text and HTML forms in another language) */
#define X_MAX_FIELDS 20

typedef struct xfield {
    const char *key;
    char *val;     /* XF_LIST: items separated by '\x1f'                     */
    uint8_t type;
} xfield;

typedef struct xnode {
    const char *kind;
    xfield f[X_MAX_FIELDS];
    int nf;
    int first, last, next; /* children, and the next sibling (-1: none)   */
} xnode;

typedef struct xb {
    const pol_eval *ev;
    const bc_program *p;
    const vm_state *vm;
    pol_lang lang;         /* of the text and HTML forms (JSON: English)    */
    xnode *n;
    size_t nn, cap;
    uint32_t steps, max_steps, cut; /* steps kept, the bound, steps left out */
    int32_t month;
    uint32_t depth;        /* rules and calls open above the current one    */
    uint8_t *done;         /* per rule: explained already                   */
    uint32_t *call_id;     /* per event: the call's number, or 0            */
    uint32_t ncalls;
    /* calls seen, by function and arguments' text: their number */
    char **seen_key;
    uint32_t *seen_id;
    size_t nseen, seencap;
    /* the clauses cited, each once, with the notice's words (opts' clause_words) */
    char **cl_id, **cl_words;
    size_t ncl;
} xb;

static int new_node(xb *b, int parent, const char *kind)
{
    POL_GROW_FROM(b->n, b->cap, b->nn + 1, 64);
    xnode *x = &b->n[b->nn];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->first = x->last = x->next = -1;
    if (parent >= 0) {
        if (b->n[parent].last >= 0)
            b->n[b->n[parent].last].next = (int)b->nn;
        else
            b->n[parent].first = (int)b->nn;
        b->n[parent].last = (int)b->nn;
    }
    return (int)b->nn++;
}

static void set_field(xb *b, int node, const char *key, const char *val, uint8_t type)
{
    xnode *x = &b->n[node];
    if (!val || x->nf >= X_MAX_FIELDS)
        return;
    x->f[x->nf++] = (xfield){key, pol_xstrdup(val), type};
}

static void set_fieldf(xb *b, int node, const char *key, uint8_t type, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void set_fieldf(xb *b, int node, const char *key, uint8_t type, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    set_field(b, node, key, buf, type);
}

static const char *field(const xnode *x, const char *key)
{
    for (int i = 0; i < x->nf; i++)
        if (!strcmp(x->f[i].key, key))
            return x->f[i].val;
    return NULL;
}

/* A step within the bound: true; else counted as left out. */
static bool budget(xb *b)
{
    if (b->steps >= b->max_steps) {
        b->cut++;
        return false;
    }
    b->steps++;
    return true;
}

/* ---- dates in prose ----
 * Chinese prose writes a date as 2025年9月30日 and a month as 2025年6月;
 * values, JSON and data keep ISO dates (2025-09-30). */
static const char *zh_date(const char *iso, char *buf, size_t cap)
{
    int y, m, d, n = 0;
    if (iso && sscanf(iso, "%d-%d-%d%n", &y, &m, &d, &n) == 3 && !iso[n])
        snprintf(buf, cap, "%d年%d月%d日", y, m, d);
    else if (iso && (n = 0, sscanf(iso, "%d-%d%n", &y, &m, &n)) == 2 && !iso[n])
        snprintf(buf, cap, "%d年%d月", y, m);
    else
        snprintf(buf, cap, "%s", iso ? iso : "");
    return buf;
}

/* A date or month of the explanation's prose in language l. */
static const char *prose_date(pol_lang l, const char *iso, char *buf, size_t cap)
{
    if (l == POL_LANG_EN) {
        snprintf(buf, cap, "%s", iso ? iso : "");
        return buf;
    }
    return zh_date(iso, buf, cap);
}

/* A parameter version's dates, from..to (either may be open), in prose. */
static void version_prose(pol_lang l, const char *from, const char *to, char *buf, size_t cap)
{
    char a[64], z[64];
    prose_date(l, from, a, sizeof a);
    prose_date(l, to, z, sizeof z);
    if (from && to)
        pol_tr_format(l, buf, cap, N_("from %s to %s"), a, z);
    else if (to)
        pol_tr_format(l, buf, cap, N_("until %s"), z);
    else if (from)
        pol_tr_format(l, buf, cap, N_("from %s"), a);
    else
        pol_tr_format(l, buf, cap, N_("always"));
}

/* ---- values ---- */
/* A value's fields: "value" as the policy writes it (rates as 6%), and for
 * an exact fraction such as 775/3 the fraction as "value" with a decimal
 * "approximately" beside it (never used in a computation). */
static void value_fields(xb *b, int node, const vm_val *v, uint32_t tref, int places, const char *key)
{
    char buf[1200];
    if (pol_type_numeric((pol_type)v->t) && !dec_is_finite(&v->d)) {
        dec_format_exact(&v->d, buf, sizeof buf);
        set_field(b, node, key, buf, XF_STR);
        dec_t r;
        dec_init(&r);
        if (dec_round(&r, &v->d, 10, DEC_HALF_EVEN) == DEC_OK && dec_format(&r, 0, buf, sizeof buf, NULL) >= 0)
            set_field(b, node, !strcmp(key, "value") ? "approximately" : "unrounded_approximately", buf, XF_STR);
        dec_clear(&r);
        return;
    }
    if (v->t == PT_RATE) {
        bc_rate_text(&v->d, buf, sizeof buf);
        set_field(b, node, key, buf, XF_STR);
        return;
    }
    if (!pol_value_text(b->p, v, tref, places, buf, sizeof buf))
        snprintf(buf, sizeof buf, "?");
    set_field(b, node, key, buf, v->t == PT_BOOL ? XF_BOOL : XF_STR);
    if (v->t == PT_LIST && !pol_list_values(v->tref) && b->lang != POL_LANG_EN && !strcmp(key, "value")) { /* "[7 records of 月度]" in the text's language */
        uint32_t n = v->ref ? ((const vm_list *)v->ref)->n : 0;
        const char *rn = v->tref < b->p->nrecords ? b->p->records[v->tref].name : "?";
        if (n == 1)
            pol_tr_format(b->lang, buf, sizeof buf, N_("[1 record of %s]"), rn);
        else
            pol_tr_format(b->lang, buf, sizeof buf, N_("[%u records of %s]"), n, rn);
        set_field(b, node, "_value", buf, XF_HIDDEN);
    }
}

/* The enumeration a function's argument k belongs to, from its code (a
 * comparison with a member, or a field read), else the only enumeration. */
static uint32_t arg_enum(const bc_program *p, uint32_t f, uint32_t k)
{
    const bc_rule *ru = &p->rules[f];
    uint32_t prev_local = BC_NONE;
    for (bc_iter it = bc_iter_begin(p->code, ru->entry, ru->end); bc_iter_more(&it); bc_iter_next(&it)) {
        if (bc_iter_truncated(&it))
            break;
        if (prev_local == k && it.op == OP_CONST && p->consts[bc_iter_arg(&it, 0)].type == PT_ENUM)
            return p->consts[bc_iter_arg(&it, 0)].tref;
        if (prev_local == k && it.op == OP_FIELD)
            return bc_iter_arg(&it, 0);
        prev_local = it.op == OP_LOCAL ? bc_iter_arg(&it, 0) : BC_NONE;
    }
    return p->nenums == 1 ? 0 : BC_NONE;
}

static void arg_text(const bc_program *p, uint32_t f, uint32_t k, const vm_val *v, char *buf, size_t cap)
{
    if (v->t == PT_RECORD && v->ref && v->tref < p->nrecords) { /* its fields, one level deep */
        const bc_record *rt = &p->records[v->tref];
        const vm_val *fv = v->ref;
        size_t n = (size_t)snprintf(buf, cap, "%s(", rt->name);
        for (uint32_t i = 0; i < rt->nfields && n < cap; i++) {
            char one[256];
            if (fv[i].t == PT_RATE)
                bc_rate_text(&fv[i].d, one, sizeof one);
            else if (!pol_value_text(p, &fv[i], rt->fields[i].tref, rt->fields[i].type == PT_MONEY ? 2 : 0, one, sizeof one))
                snprintf(one, sizeof one, "?");
            n += (size_t)snprintf(buf + n, cap - n, "%s%s = %s", i ? ", " : "", rt->fields[i].name, one);
        }
        if (n < cap)
            snprintf(buf + n, cap - n, ")");
        return;
    }
    if (v->t == PT_RATE)
        bc_rate_text(&v->d, buf, cap);
    else if (pol_type_numeric((pol_type)v->t) && !dec_is_finite(&v->d))
        dec_format_exact(&v->d, buf, cap);
    else if (v->t == PT_ENUM) {
        uint32_t e = arg_enum(p, f, k);
        if (e < p->nenums)
            snprintf(buf, cap, "%s", bc_member_name(p, e, v->i));
        else
            snprintf(buf, cap, "#%d", v->i);
    } else if (!pol_value_text(p, v, BC_NONE, 0, buf, cap))
        snprintf(buf, cap, "?");
}

/* ---- the formula's source text ----
 * Positions in the line table are file:line:col (col in display cells);
 * a rule's formula is its source text.  Where the formula starts is found
 * from an instruction that names something the formula names once. */
typedef struct fmap {
    const char *f;     /* the formula, or NULL                              */
    uint32_t line0;    /* its first line                                    */
    int64_t col0;      /* the column of its first character, or -1 unknown  */
    bool ok;
} fmap;

/* Byte offset in s[0..n) after `w` display cells, or -1. */
static int64_t advance_cells(const char *s, size_t n, uint32_t w)
{
    size_t i = 0;
    uint32_t cells = 0;
    while (cells < w) {
        if (i >= n || s[i] == '\n')
            return -1;
        uint32_t cp;
        size_t len = utf8_next((const unsigned char *)s + i, n - i, &cp);
        cells += utf8_display_width(s + i, len);
        i += len;
    }
    return (int64_t)i;
}

static bool name_byte(unsigned char c) { return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'); }

/* The one occurrence of `name` in f as a whole word, or -1. */
static int64_t unique_word(const char *f, const char *name)
{
    size_t nl = strlen(name);
    int64_t at = -1;
    if (!nl)
        return -1;
    for (const char *q = strstr(f, name); q; q = strstr(q + 1, name)) {
        bool before = q > f && name_byte((unsigned char)q[-1]), after = name_byte((unsigned char)q[nl]);
        if (before || after)
            continue;
        if (at >= 0)
            return -1;
        at = q - f;
    }
    return at;
}

/* ---- match: the arm taken ----
 * A match compiles to a SWITCH and its table, then each arm as ARM L, its
 * code, ARMVAL L (compiler/codegen.c, gen_match; L is the match's local
 * slot, which names it): the ARM event says which arm was taken and for
 * which member, the ARMVAL event after it (the calls between skipped) its
 * value; none when the arm was not applicable or stopped.  The rest is read
 * off the rule's code: the match's arms are the ARMs on its slot, its
 * SWITCH the one whose table ends where the first arm begins (the
 * scrutinee is written at the SWITCH's position), and the member an arm
 * names the one the table sends there (every arm but the last names one). */
typedef struct xmatch {
    uint32_t arm, narms;  /* the arm taken (from 1), of how many          */
    uint32_t set_pc;      /* the match's SWITCH (BC_NONE: not found)       */
    uint32_t next_pc;     /* the next arm's ARM (BC_NONE: the last arm)    */
    int32_t named;        /* the member the arm names (-1: none known)     */
    uint32_t en;          /* the scrutinee's enumeration (BC_NONE: unknown) */
} xmatch;

static xmatch match_shape(const bc_program *p, uint32_t f, uint32_t pc, uint32_t slot)
{
    xmatch m = {1, 0, BC_NONE, BC_NONE, -1, BC_NONE};
    const bc_rule *ru = &p->rules[f];
    uint32_t first_arm = BC_NONE;
    for (bc_iter it = bc_iter_begin(p->code, ru->entry, ru->end); bc_iter_more(&it); bc_iter_next(&it)) {
        if (bc_iter_truncated(&it))
            break;
        if (it.op != OP_ARM || it.len < 2 || bc_iter_arg(&it, 0) != slot)
            continue;
        if (first_arm == BC_NONE)
            first_arm = it.pc;
        if (it.pc < pc)
            m.arm++;
        else if (it.pc > pc && m.next_pc == BC_NONE)
            m.next_pc = it.pc;
        m.narms++;
    }
    for (bc_iter it = bc_iter_begin(p->code, ru->entry, ru->end); bc_iter_more(&it) && first_arm != BC_NONE; bc_iter_next(&it)) {
        if (bc_iter_truncated(&it))
            break;
        uint32_t en = it.op == OP_SWITCH && it.len > 1 ? bc_iter_arg(&it, 0) : BC_NONE;
        if (en >= p->nenums || it.pc + BC_OPLEN_SWITCH + (uint64_t)p->enums[en].nmembers * BC_OPLEN_JMP != first_arm)
            continue;
        m.set_pc = it.pc, m.en = en;
        for (uint32_t j = 0; j < p->enums[en].nmembers && m.next_pc != BC_NONE; j++)
            if (p->code[it.pc + BC_OPLEN_SWITCH + j * BC_OPLEN_JMP + 1] == pc) {
                m.named = (int32_t)j;
                break;
            }
        break;
    }
    if (m.en == BC_NONE && p->nenums == 1)
        m.en = 0;
    return m;
}

/* The member the arm at pc of the match on slot names, or NULL (the last
 * arm: `else`, or the member left). */
static const char *arm_member_name(const bc_program *p, uint32_t f, uint32_t pc, uint32_t slot)
{
    xmatch m = match_shape(p, f, pc, slot);
    return m.named >= 0 && m.en < p->nenums ? bc_member_name(p, m.en, (uint32_t)m.named) : NULL;
}

static fmap formula_map(const bc_program *p, uint32_t r)
{
    fmap m = {p->rules[r].formula, 0, -1, false};
    const bc_rule *ru = &p->rules[r];
    if (!m.f)
        return m;
    for (bc_iter it = bc_iter_begin(p->code, ru->entry, ru->end); bc_iter_more(&it); bc_iter_next(&it)) {
        if (bc_iter_truncated(&it) || it.len < 2)
            continue;
        uint32_t v = bc_iter_arg(&it, 0);
        const char *name = it.op == OP_INPUT && v < p->ninputs ? p->inputs[v].name
                         : (it.op == OP_PARAM || it.op == OP_PARAM_AT || it.op == OP_PARAM_IN) && v < p->nparams ? p->params[v].name
                         : (it.op == OP_RULE || it.op == OP_CALL || it.op == OP_APPLIC) && v < p->nrules ? p->rules[v].name
                         : it.op == OP_ARM ? arm_member_name(p, r, it.pc, v) /* a match arm's member, written at its position */
                         : NULL;
        if (!name || strchr(name, '['))
            continue;
        int64_t at = unique_word(m.f, name);
        if (at < 0)
            continue;
        bc_pos pos = bc_pos_at(p, it.pc);
        /* code of the rule's exceptions lies in its block but is written
         * in their own declarations: only an anchor within the formula's lines */
        uint32_t nl = 0;
        for (const char *q = m.f; *q; q++)
            nl += *q == '\n';
        if (pos.file != ru->pos.file || pos.line < ru->pos.line || pos.line > ru->pos.line + nl + 1)
            continue;
        uint32_t li = 0;
        size_t ls = 0;
        for (int64_t i = 0; i < at; i++)
            if (m.f[i] == '\n')
                li++, ls = (size_t)i + 1;
        if (pos.line <= li)
            continue;
        m.line0 = pos.line - li;
        uint32_t w = utf8_display_width(m.f + ls, (size_t)at - ls);
        if (li == 0)
            m.col0 = (int64_t)pos.col - w;
        else if (w + 1 != pos.col) /* a later line: its columns are the file's */
            continue;
        m.ok = true;
        if (li == 0)
            return m;
    }
    return m;
}

/* Offset in the formula of position pos, or -1. */
static int64_t fmap_offset(const fmap *m, bc_pos pos)
{
    if (!m->ok || pos.line < m->line0)
        return -1;
    const char *s = m->f;
    for (uint32_t l = m->line0; l < pos.line; l++) {
        s = strchr(s, '\n');
        if (!s)
            return -1;
        s++;
    }
    int64_t cells;
    if (pos.line == m->line0) {
        if (m->col0 < 1 || pos.col < m->col0)
            return -1;
        cells = pos.col - m->col0;
    } else
        cells = (int64_t)pos.col - 1;
    int64_t off = advance_cells(s, strlen(s), (uint32_t)cells);
    return off < 0 ? -1 : (s - m->f) + off;
}

static bool starts_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    return !strncmp(s, w, n) && (!name_byte((unsigned char)s[n]) || (unsigned char)w[0] >= 0x80);
}

/* The call written at offset `at` of f (a name, then parenthesised
 * arguments), as a new string, or NULL. */
static char *call_text(const char *f, int64_t at)
{
    const char *s = f + at, *q = s;
    while (*q && *q != '(' && *q != '\n')
        q++;
    if (*q != '(')
        return NULL;
    int depth = 0;
    for (; *q; q++) {
        if (*q == '"') { /* a text literal: its parentheses do not count */
            for (q++; *q && *q != '"'; q++)
                ;
            if (!*q)
                return NULL;
        } else if (*q == '(')
            depth++;
        else if (*q == ')' && --depth == 0) {
            size_t n = (size_t)(q + 1 - s);
            char *t = pol_xcalloc(n + 1, 1);
            memcpy(t, s, n);
            return t;
        }
    }
    return NULL;
}

/* The condition of the `if` at offset `at` of f, as a new string, or NULL. */
static char *if_condition(const char *f, int64_t at)
{
    const char *s = f + at;
    size_t kw = starts_word(s, "if") ? 2 : starts_word(s, "如果") ? strlen("如果") : 0;
    if (!kw)
        return NULL;
    s += kw;
    int depth = 0;
    for (const char *q = s; *q; q++) {
        if (*q == '(')
            depth++;
        else if (*q == ')')
            depth--;
        else if (depth == 0 && (q == s || !name_byte((unsigned char)q[-1]) || (unsigned char)q[-1] >= 0x80) &&
                 (starts_word(q, "then") || (q > s && q[-1] == ' ' && (starts_word(q, "那么") || !strncmp(q, "则 ", 4))))) {
            while (s < q && *s == ' ')
                s++;
            const char *e = q;
            while (e > s && (e[-1] == ' ' || e[-1] == '\n'))
                e--;
            char *t = pol_xcalloc((size_t)(e - s) + 1, 1);
            memcpy(t, s, (size_t)(e - s));
            return t;
        }
    }
    return NULL;
}

/* ---- building ---- */
static const char *file_of(const bc_program *p, bc_pos pos) { return bc_file_name(p, pos); }

/* Where a declaration comes from when it is not the policy's own file. */
static void origin_fields(xb *b, int node, bc_pos pos)
{
    if (b->p->nfiles > 1 && pos.file != 0 && pos.file < b->p->nfiles)
        set_field(b, node, "imported_from", file_of(b->p, pos), XF_STR);
}

static void position_field(xb *b, int node, bc_pos pos)
{
    char at[POL_POS_TEXT_MAX];
    pol_pos pp = pol_pub_pos(b->p, pos);
    if (pp.line)
        set_field(b, node, "position", pol_pos_text(&pp, at, sizeof at), XF_STR);
}

static void param_node(xb *b, int parent, uint32_t owner, const vm_lookup *lk)
{
    const bc_program *p = b->p;
    const bc_param *par = &p->params[lk->param];
    const bc_version *ver = &par->versions[lk->version];
    if (!budget(b))
        return;
    int x = new_node(b, parent, "parameter");
    set_field(b, x, "name", par->name, XF_STR);
    char cv[256], buf[64];
    bc_const_text(p, ver->k, cv, sizeof cv);
    set_field(b, x, "value", cv, XF_STR);
    if (par->dated) {
        if (ver->from != BC_OPEN_LO)
            cd_format_date(ver->from, buf), set_field(b, x, "from", buf, XF_STR);
        if (ver->to != BC_OPEN_HI)
            cd_format_date(ver->to, buf), set_field(b, x, "to", buf, XF_STR);
        pol_range_text(ver->from, ver->to, buf, sizeof buf);
        set_field(b, x, "version", buf, XF_STR);
        cd_format_date(lk->date, buf);
        set_field(b, x, "date", buf, XF_STR);
    }
    set_field(b, x, "cite", ver->cite ? ver->cite : par->cite, XF_STR);
    /* declared in the policy's own file, read by an imported rule: the
     * policy overrides the imported value (`override param`) */
    if (p->nfiles > 1 && par->pos.file == 0 && owner < p->nrules && p->rules[owner].pos.file != 0)
        set_fieldf(b, x, "overrides", XF_STR, "the value of %s", file_of(p, p->rules[owner].pos)),
            set_field(b, x, "_overrides_file", file_of(p, p->rules[owner].pos), XF_HIDDEN);
    else
        origin_fields(b, x, par->pos);
    if (ver->inferred) {
        sc_buf t;
        sc_buf_init(&t);
        pol_version_inferred_text(p, ver, &t);
        set_field(b, x, "inferred", t.data ? t.data : "", XF_STR);
        t.len = 0;
        for (uint32_t k = 0; k < ver->nsources; k++) { /* the versions it was derived from: "NAME = VALUE" */
            const bc_param *sp = &p->params[ver->sources[k].param];
            bc_const_text(p, sp->versions[ver->sources[k].version].k, cv, sizeof cv);
            sc_buf_printf(&t, "%s%s = %s", k ? "\x1f" : "", sp->name, cv);
        }
        if (ver->nsources)
            set_field(b, x, "sources", t.data, XF_LIST);
        if (b->lang != POL_LANG_EN) { /* pol_version_inferred_text in the text's language */
            t.len = 0;
            sc_buf_puts(&t, ver->inferred);
            for (uint32_t k = 0; k < ver->nsources; k++) {
                const bc_param *sp = &p->params[ver->sources[k].param];
                const bc_version *sv = &sp->versions[ver->sources[k].version];
                char one[512], f[16], z[16], rng[128];
                bc_const_text(p, sv->k, cv, sizeof cv);
                if (k)
                    pol_tr_format(b->lang, one, sizeof one, N_(", %s = %s"), sp->name, cv);
                else
                    pol_tr_format(b->lang, one, sizeof one, N_("; from %s = %s"), sp->name, cv);
                sc_buf_puts(&t, one);
                if (sp->dated) {
                    if (sv->from != BC_OPEN_LO)
                        cd_format_date(sv->from, f);
                    if (sv->to != BC_OPEN_HI)
                        cd_format_date(sv->to, z);
                    version_prose(b->lang, sv->from != BC_OPEN_LO ? f : NULL, sv->to != BC_OPEN_HI ? z : NULL, rng, sizeof rng);
                    pol_tr_format(b->lang, one, sizeof one, N_(" (version %s)"), rng);
                    sc_buf_puts(&t, one);
                }
            }
            set_field(b, x, "_inferred", t.data ? t.data : "", XF_HIDDEN);
        }
        sc_buf_clear(&t);
    }
}

static void round_node(xb *b, int parent, uint32_t owner, const fmap *fm, const vm_event *e)
{
    const bc_program *p = b->p;
    if (!budget(b))
        return;
    int x = new_node(b, parent, "round");
    uint32_t op = p->code[e->pc];
    int64_t at = fmap_offset(fm, bc_pos_at(p, e->pc));
    char *t = at >= 0 ? call_text(fm->f, at) : NULL;
    if (t)
        set_field(b, x, "expression", t, XF_STR);
    else {
        char pos[64];
        bc_pos bp = bc_pos_at(p, e->pc);
        snprintf(pos, sizeof pos, "%s at %u:%u", op == OP_TOINT ? "to_integer" : "round", bp.line, bp.col);
        set_field(b, x, "expression", pos, XF_STR);
    }
    free(t);
    const vm_val *v = &b->vm->tvals[e->val];
    value_fields(b, x, &v[1], BC_NONE, (int32_t)e->a > 0 ? (int)(int32_t)e->a : 0, "value");
    value_fields(b, x, &v[0], BC_NONE, (int32_t)e->a > 0 ? (int)(int32_t)e->a : 0, "unrounded");
    set_fieldf(b, x, "places", XF_INT, "%d", (int)(int32_t)e->a);
    set_field(b, x, "mode", e->b < DEC_MODE_COUNT ? dec_mode_name((dec_mode)e->b) : "?", XF_STR);
    (void)owner;
}

static void branch_node(xb *b, int parent, const fmap *fm, const vm_event *e, bool top)
{
    const bc_program *p = b->p;
    if (top && b->month >= 0) /* a rule's branches are not the month's (a loop over months takes them all) */
        return;
    uint32_t t = p->code[e->pc + 1]; /* the JMP before the target is the if's */
    int64_t at = fmap_offset(fm, bc_pos_at(p, t - 2));
    char *c = at >= 0 ? if_condition(fm->f, at) : NULL;
    if (!c) /* an `and`, an `or` or a `when`: shown by their values elsewhere */
        return;
    bool dup = false; /* the same branch again (in a loop): shown once */
    for (int k = b->n[parent].first; k >= 0 && !dup; k = b->n[k].next)
        dup = !strcmp(b->n[k].kind, "branch") && !strcmp(field(&b->n[k], "condition"), c) &&
              !strcmp(field(&b->n[k], "holds"), e->a ? "true" : "false");
    if (!dup && budget(b)) {
        int x = new_node(b, parent, "branch");
        set_field(b, x, "condition", c, XF_STR);
        set_field(b, x, "holds", e->a ? "true" : "false", XF_BOOL);
        set_field(b, x, "taken", e->a ? "then" : "else", XF_STR);
    }
    free(c);
}

static void rule_node(xb *b, int parent, uint32_t r);
static void call_node(xb *b, int parent, uint32_t i, bool top);
static char *dup_n(const char *s, size_t n);

#define X_MAX_DEPTH 100 /* nesting shown; deeper steps are summarised (a chain of 20,000 rules) */

/* Past X_MAX_DEPTH: one note instead of the steps; true if so. */
static bool too_deep(xb *b, int node)
{
    if (b->depth < X_MAX_DEPTH)
        return false;
    int x = new_node(b, node, "omitted");
    set_field(b, x, "message", "rules nested more than 100 levels deep, not shown", XF_STR);
    set_field(b, x, "_message", pol_tr(b->lang, N_("rules nested more than 100 levels deep, not shown")), XF_HIDDEN);
    set_field(b, x, "count", "1", XF_INT);
    return true;
}

/* The event that ends call event i (its return, or not applicable): the
 * first one of the callee after as many ends as calls of it began (a
 * function reading itself at m - 1 returns from the inner call first);
 * vm->nev when the evaluation stopped inside it. */
static uint32_t call_end(const vm_state *vm, uint32_t i)
{
    uint32_t f = vm->ev[i].a, open = 0;
    if (vm->ev[i].kind == VM_EV_MEMO)
        return i;
    for (uint32_t j = i + 1; j < vm->nev; j++) {
        const vm_event *e = &vm->ev[j];
        if (e->kind == VM_EV_CALL && e->a == f)
            open++;
        else if ((e->kind == VM_EV_RET || e->kind == VM_EV_NA) && e->rule == f && !open--)
            return j;
    }
    return vm->nev;
}

/* The enumeration of an arm's value that is a member: from the instruction
 * that pushed it (a member, an input, a rule or a call), else the rule's own. */
static uint32_t armval_enum(const bc_program *p, uint32_t f, uint32_t armval_pc)
{
    const bc_rule *ru = &p->rules[f];
    uint32_t t = p->rules[f].type == PT_ENUM ? ru->tref : p->nenums == 1 ? 0 : BC_NONE;
    for (bc_iter it = bc_iter_begin(p->code, ru->entry, ru->end); bc_iter_more(&it) && it.pc < armval_pc; bc_iter_next(&it)) {
        if (bc_iter_truncated(&it) || it.len < 2 || it.pc + it.len != armval_pc)
            continue;
        uint32_t a0 = bc_iter_arg(&it, 0);
        if (it.op == OP_CONST && p->consts[a0].type == PT_ENUM)
            t = p->consts[a0].tref;
        else if (it.op == OP_INPUT)
            t = p->inputs[a0].tref;
        else if (it.op == OP_RULE || it.op == OP_CALL)
            t = p->rules[a0].tref;
    }
    return t;
}

/* Skips a text literal starting at q ('"'): the closing quote, or NULL. */
static const char *skip_text(const char *q)
{
    for (q++; *q && *q != '"'; q++)
        ;
    return *q ? q : NULL;
}

/* The scrutinee of the match written at offset `at` of f (`match X {`), as
 * a new string, or NULL. */
static char *match_scrutinee(const char *f, int64_t at)
{
    const char *s = f + at;
    size_t kw = starts_word(s, "match") ? 5 : starts_word(s, "分情况") ? strlen("分情况") : 0;
    if (!kw)
        return NULL;
    s += kw;
    int depth = 0;
    for (const char *q = s; *q; q++) {
        if (*q == '"' && !(q = skip_text(q)))
            return NULL;
        else if (*q == '(' || *q == '[')
            depth++;
        else if (*q == ')' || *q == ']')
            depth--;
        else if (*q == '{' && depth == 0) {
            while (*s == ' ' || *s == '\n')
                s++;
            const char *e = q;
            while (e > s && (e[-1] == ' ' || e[-1] == '\n'))
                e--;
            return e > s ? dup_n(s, (size_t)(e - s)) : NULL;
        }
    }
    return NULL;
}

/* The arm written at offset `at` of f (`PATTERN => EXPR`): its pattern and
 * expression as new strings (the expression ends at offset `end`, the next
 * arm, or at the match's closing brace); false if it is not one. */
static bool match_arm_text(const char *f, int64_t at, int64_t end, char **pattern, char **expr)
{
    const char *s = f + at, *q = s;
    while (*q && name_byte((unsigned char)*q))
        q++;
    if (q == s)
        return false;
    const char *a = q;
    while (*a == ' ')
        a++;
    if (strncmp(a, "=>", 2))
        return false;
    a += 2;
    while (*a == ' ' || *a == '\n')
        a++;
    const char *e = a;
    int depth = 0;
    for (; *e && (end < 0 || e < f + end); e++) {
        if (*e == '"') {
            const char *t = skip_text(e);
            if (!t)
                break;
            e = t;
        } else if (*e == '(' || *e == '[' || *e == '{')
            depth++;
        else if ((*e == ')' || *e == ']' || *e == '}') && depth-- == 0)
            break;
    }
    while (e > a && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == ','))
        e--;
    *pattern = dup_n(s, (size_t)(q - s));
    *expr = dup_n(a, (size_t)(e - a));
    return true;
}

/* The ARMVAL event of the arm taken at ARM event i (rule f's events up to
 * `to`, calls skipped): its index; or, when the arm gave no value, -1 with
 * *na the not-applicable event that ended it (or -1: the evaluation stopped). */
static int64_t arm_end(const vm_state *vm, uint32_t i, uint32_t to, int64_t *na)
{
    const vm_event *e = &vm->ev[i];
    *na = -1;
    for (uint32_t j = i + 1; j < to && j < vm->nev; j++) {
        const vm_event *x = &vm->ev[j];
        if (x->kind == VM_EV_CALL) {
            j = call_end(vm, j);
            continue;
        }
        if (x->rule != e->rule)
            continue;
        if (x->kind == VM_EV_ARMVAL && x->a == e->a)
            return j;
        if (x->kind == VM_EV_NA) {
            *na = j;
            return -1;
        }
        if ((x->kind == VM_EV_ARM && x->a == e->a) || x->kind == VM_EV_RET)
            return -1;
    }
    return -1;
}

/* Removes node x, the last one made and its parent's last step. */
static void drop_last(xb *b, int parent, int x)
{
    for (int k = 0; k < b->n[x].nf; k++)
        free(b->n[x].f[k].val);
    b->nn--;
    if (b->n[parent].first == x) {
        b->n[parent].first = b->n[parent].last = -1;
        return;
    }
    int last = b->n[parent].first;
    while (b->n[last].next != x)
        last = b->n[last].next;
    b->n[last].next = -1;
    b->n[parent].last = last;
}

static void match_node(xb *b, int parent, uint32_t f, const fmap *fm, uint32_t i, uint32_t to, bool top)
{
    const bc_program *p = b->p;
    const vm_state *vm = b->vm;
    const vm_event *e = &vm->ev[i];
    if (top && b->month >= 0) /* as a rule's branches: not the month's */
        return;
    xmatch m = match_shape(p, f, e->pc, e->a);
    const vm_val *mv = &vm->tvals[e->val];
    char member[256];
    snprintf(member, sizeof member, "%s", mv->t == PT_ENUM ? bc_member_name(p, m.en, mv->i) : "?");
    int64_t sat = m.set_pc != BC_NONE ? fmap_offset(fm, bc_pos_at(p, m.set_pc)) : -1;
    char *scr = sat >= 0 ? match_scrutinee(fm->f, sat) : NULL;
    char *pat = NULL, *ex = NULL;
    int64_t at = fmap_offset(fm, bc_pos_at(p, e->pc));
    int64_t end = m.next_pc != BC_NONE ? fmap_offset(fm, bc_pos_at(p, m.next_pc)) : -1;
    if (at < 0 || !match_arm_text(fm->f, at, end, &pat, &ex)) {
        /* no source text: the member the SWITCH sends to it; the last arm is `else`
         * unless every member has an arm (then it may be either: its member) */
        bool named = m.named >= 0 || (m.en < p->nenums && m.narms == p->enums[m.en].nmembers);
        pat = pol_xstrdup(m.named >= 0 ? bc_member_name(p, m.en, (uint32_t)m.named) : named ? member : "else");
    }
    int64_t na = -1, j = arm_end(vm, i, to, &na);
    const vm_val *val = j >= 0 ? &vm->tvals[vm->ev[j].val] : NULL;
    uint32_t next = e->pc + bc_op_len[OP_ARM];
    bool unstated = !val && na < 0 && next < p->rules[f].end && p->code[next] == OP_UNSTATED;
    int x = new_node(b, parent, "match");
    if (scr)
        set_field(b, x, "scrutinee", scr, XF_STR);
    else
        set_field(b, x, "scrutinee", m.en < p->nenums ? p->enums[m.en].name : "?", XF_STR);
    set_field(b, x, "member", member, XF_STR);
    set_fieldf(b, x, "arm", XF_INT, "%u", m.arm);
    set_fieldf(b, x, "arms", XF_INT, "%u", m.narms);
    set_field(b, x, "pattern", pat, XF_STR);
    set_field(b, x, "expression", ex, XF_STR);
    position_field(b, x, bc_pos_at(p, e->pc));
    if (val) {
        set_field(b, x, "type", pol_type_name((pol_type)val->t), XF_STR);
        value_fields(b, x, val, val->t == PT_ENUM ? armval_enum(p, f, vm->ev[j].pc) : BC_NONE, 0, "value");
    } else if (na >= 0 || (!p->rules[f].nargs && vm->rstate[f] == VM_NA)) { /* a function's NA is logged, a rule's kept */
        set_field(b, x, "status", "not-applicable", XF_STR);
        set_field(b, x, "message", p->consts[na >= 0 ? vm->ev[na].a : vm->na_k[f]].text, XF_STR);
    } else if (unstated) {
        set_field(b, x, "status", "unstated", XF_STR);
        set_field(b, x, "message", p->consts[p->code[next + 1]].text, XF_STR);
    } else {
        set_field(b, x, "status", "error", XF_STR);
        set_field(b, x, "message", "the evaluation stopped inside this arm (see the output's error)", XF_STR);
        set_field(b, x, "_message", pol_tr(b->lang, N_("the evaluation stopped inside this arm (see the output's error)")), XF_HIDDEN);
    }
    set_fieldf(b, x, "_match", XF_HIDDEN, "%u", e->pc);
    free(scr), free(pat), free(ex);
    /* the same arm for the same member with the same outcome again (in a
     * loop): shown once; a step within the bound otherwise */
    static const char *const same[] = {"_match", "member", "value", "status", "message"};
    for (int k = b->n[parent].first; k >= 0 && k != x; k = b->n[k].next) {
        bool dup = !strcmp(b->n[k].kind, "match");
        for (size_t s = 0; dup && s < sizeof same / sizeof *same; s++) {
            const char *u = field(&b->n[k], same[s]), *w = field(&b->n[x], same[s]);
            dup = (!u && !w) || (u && w && !strcmp(u, w));
        }
        if (dup) {
            drop_last(b, parent, x);
            return;
        }
    }
    if (!budget(b))
        drop_last(b, parent, x);
}

/* The inputs, exceptions, lookups, roundings, branches, calls and rules of
 * rule or function f, whose events lie in ev[from..to) and lookups in
 * log[lfrom..lto). */
static void steps_of(xb *b, int node, uint32_t f, uint32_t from, uint32_t to, uint32_t lfrom, uint32_t lto, bool top)
{
    const bc_program *p = b->p;
    const vm_state *vm = b->vm;
    const bc_rule *ru = &p->rules[f];
    if (too_deep(b, node))
        return;
    b->depth++;
    fmap fm = formula_map(p, f);
    /* exceptions: each one the code names, applied or not */
    for (bc_iter it = bc_iter_begin(p->code, ru->entry, ru->end); bc_iter_more(&it); bc_iter_next(&it)) {
        if (bc_iter_truncated(&it) || it.op != OP_APPLIED)
            continue;
        uint32_t k = bc_iter_arg(&it, 0);
        bool applied = false;
        for (uint32_t l = lfrom; l < lto && !applied; l++)
            applied = vm->log[l].rule == f && vm->log[l].param == BC_NONE && vm->log[l].version == k;
        if (!budget(b))
            continue;
        int x = new_node(b, node, "exception");
        set_field(b, x, "name", p->consts[k].text, XF_STR);
        set_field(b, x, "applied", applied ? "true" : "false", XF_BOOL);
        set_field(b, x, "why", applied ? "its condition holds" : "its condition does not hold", XF_STR);
    }
    if (ru->when && budget(b)) { /* it has a value: its condition held */
        int x = new_node(b, node, "condition");
        set_field(b, x, "condition", ru->when, XF_STR);
        set_field(b, x, "holds", "true", XF_BOOL);
    }
    /* inputs it reads directly */
    for (bc_iter it = bc_iter_begin(p->code, ru->entry, ru->end); bc_iter_more(&it); bc_iter_next(&it)) {
        if (bc_iter_truncated(&it) || it.op != OP_INPUT)
            continue;
        uint32_t ii = bc_iter_arg(&it, 0);
        bool dup = false;
        for (int c = b->n[node].first; c >= 0 && !dup; c = b->n[c].next)
            dup = !strcmp(b->n[c].kind, "input") && !strcmp(field(&b->n[c], "name"), p->inputs[ii].name);
        if (dup || vm->inputs[ii].t == PT_VOID || !budget(b))
            continue;
        int x = new_node(b, node, "input");
        set_field(b, x, "name", p->inputs[ii].name, XF_STR);
        value_fields(b, x, &vm->inputs[ii], p->inputs[ii].tref, 0, "value");
        set_field(b, x, "cite", p->inputs[ii].cite, XF_STR);
    }
    /* the steps in the order they happened: lookups and events interleaved */
    uint32_t l = lfrom;
    for (uint32_t i = from; i < to; i++) {
        const vm_event *e = &vm->ev[i];
        for (; l < lto && l < e->nlog; l++)
            if (vm->log[l].rule == f && vm->log[l].param != BC_NONE) {
                bool dup = false;
                for (uint32_t m = lfrom; m < l && !dup; m++)
                    dup = vm->log[m].rule == f && vm->log[m].param == vm->log[l].param &&
                          vm->log[m].version == vm->log[l].version && vm->log[m].date == vm->log[l].date;
                if (!dup)
                    param_node(b, node, f, &vm->log[l]);
            }
        if (e->rule != f)
            continue;
        if (e->kind == VM_EV_ROUND)
            round_node(b, node, f, &fm, e);
        else if (e->kind == VM_EV_BRANCH)
            branch_node(b, node, &fm, e, top);
        else if (e->kind == VM_EV_ARM)
            match_node(b, node, f, &fm, i, to, top);
        else if (e->kind == VM_EV_CALL || e->kind == VM_EV_MEMO) {
            call_node(b, node, i, top);
            /* what happened inside the call is its own (its steps; a call of
             * f itself must not lend its steps to this one) */
            if (e->kind == VM_EV_CALL) {
                uint32_t j = call_end(vm, i);
                uint32_t lend = j < vm->nev ? vm->ev[j].nlog : lto;
                if (l < lend)
                    l = lend < lto ? lend : lto;
                i = j < to ? j : to;
            }
        }
    }
    for (; l < lto; l++)
        if (vm->log[l].rule == f && vm->log[l].param != BC_NONE) {
            bool dup = false;
            for (uint32_t m = lfrom; m < l && !dup; m++)
                dup = vm->log[m].rule == f && vm->log[m].param == vm->log[l].param &&
                      vm->log[m].version == vm->log[l].version && vm->log[m].date == vm->log[l].date;
            if (!dup)
                param_node(b, node, f, &vm->log[l]);
        }
    /* the rules it refers to (not functions: those are the calls above) */
    uint32_t *seen = NULL, ns = 0, scap = 0;
    for (bc_iter it = bc_iter_begin(p->code, ru->entry, ru->end); bc_iter_more(&it); bc_iter_next(&it)) {
        if (bc_iter_truncated(&it) || (it.op != OP_RULE && it.op != OP_APPLIC))
            continue;
        uint32_t d = bc_iter_arg(&it, 0);
        bool dup = false;
        for (uint32_t k = 0; k < ns && !dup; k++)
            dup = seen[k] == d;
        if (dup || d >= p->nrules || p->rules[d].nargs)
            continue;
        POL_GROW(seen, scap, ns + 1);
        seen[ns++] = d;
        rule_node(b, node, d);
    }
    free(seen);
    b->depth--;
}

/* Whether any argument of call event i is month b->month (or a date in it). */
static bool call_in_month(const xb *b, const vm_event *e)
{
    for (uint32_t k = 0; k < e->b; k++) {
        const vm_val *v = &b->vm->tvals[e->val + k];
        if (v->t == PT_MONTH && v->i == b->month)
            return true;
        if (v->t == PT_DATE) {
            int y, m, d;
            cd_to_ymd(v->i, &y, &m, &d);
            if (y * 12 + m - 1 == b->month)
                return true;
        }
    }
    return false;
}

/* A call's identity: the function and its arguments' text (records and
 * lists also by identity: the same text may be two values). */
static void call_key(const xb *b, const vm_event *e, sc_buf *key, sc_buf *args)
{
    char buf[1200];
    sc_buf_printf(key, "%u", e->a);
    for (uint32_t k = 0; k < e->b; k++) {
        const vm_val *av = &b->vm->tvals[e->val + k];
        arg_text(b->p, e->a, k, av, buf, sizeof buf);
        if (args) {
            if (k)
                sc_buf_putc(args, '\x1f');
            sc_buf_puts(args, buf);
        }
        sc_buf_putc(key, '\x1f');
        sc_buf_puts(key, buf);
        if (av->t == PT_RECORD || av->t == PT_LIST)
            sc_buf_printf(key, "@%p", av->ref);
    }
}

static void call_node(xb *b, int parent, uint32_t i, bool top)
{
    const bc_program *p = b->p;
    const vm_state *vm = b->vm;
    const vm_event *e = &vm->ev[i];
    uint32_t f = e->a;
    const bc_rule *fr = &p->rules[f];
    /* one call of each month's rule, in --explain-month: the others are left out */
    if (top && b->month >= 0 && !call_in_month(b, e))
        return;
    if (!budget(b))
        return;
    int x = new_node(b, parent, "call");
    set_field(b, x, "name", fr->name, XF_STR);
    sc_buf args, key;
    sc_buf_init(&args);
    sc_buf_init(&key);
    call_key(b, e, &key, &args);
    set_field(b, x, "arguments", args.data ? args.data : "", XF_LIST);
    sc_buf_clear(&args);
    /* its end: the function's return (or not applicable) */
    uint32_t j = i + 1;
    const vm_val *result = NULL;
    const char *na = NULL;
    if (e->kind == VM_EV_MEMO)
        result = &vm->tvals[e->val + e->b], j = i + 1;
    else {
        j = call_end(vm, i);
        if (j < vm->nev && vm->ev[j].kind == VM_EV_RET)
            result = &vm->tvals[vm->ev[j].val];
        else if (j < vm->nev)
            na = p->consts[vm->ev[j].a].text;
    }
    if (result)
        value_fields(b, x, result, fr->tref, 0, "value");
    else if (na) {
        set_field(b, x, "status", "not-applicable", XF_STR);
        set_field(b, x, "message", na, XF_STR);
    } else {
        set_field(b, x, "status", "error", XF_STR);
        set_field(b, x, "message", "the evaluation stopped inside this call (see the output's error)", XF_STR);
        set_field(b, x, "_message", pol_tr(b->lang, N_("the evaluation stopped inside this call (see the output's error)")), XF_HIDDEN);
    }
    set_field(b, x, "cite", fr->cite, XF_STR);
    set_fieldf(b, x, "_events", XF_HIDDEN, "%u %u", i, j); /* the call's events (the month's why reads its lookups) */
    origin_fields(b, x, fr->pos);
    /* the same function with the same arguments: shown once, referred to
     * after; a reference next to the same call or reference is not repeated */
    for (size_t s = 0; s < b->nseen; s++)
        if (!strcmp(b->seen_key[s], key.data)) {
            char id[16];
            snprintf(id, sizeof id, "%u", b->seen_id[s]);
            for (int c = b->n[parent].first; c >= 0 && c != x; c = b->n[c].next) {
                const char *cid = field(&b->n[c], "same_as") ? field(&b->n[c], "same_as") : field(&b->n[c], "id");
                if (strcmp(b->n[c].kind, "call") || !cid || strcmp(cid, id))
                    continue;
                /* drop x (the last node), count it on c */
                for (int k = 0; k < b->n[x].nf; k++)
                    free(b->n[x].f[k].val);
                b->nn--;
                int last = b->n[parent].first;
                if (last == x)
                    b->n[parent].first = b->n[parent].last = -1;
                else {
                    while (b->n[last].next != x)
                        last = b->n[last].next;
                    b->n[last].next = -1;
                    b->n[parent].last = last;
                }
                xfield *rf = NULL;
                for (int k = 0; k < b->n[c].nf; k++)
                    if (!strcmp(b->n[c].f[k].key, "repeated"))
                        rf = &b->n[c].f[k];
                if (rf) {
                    char t[24];
                    snprintf(t, sizeof t, "%ld", strtol(rf->val, NULL, 10) + 1);
                    free(rf->val);
                    rf->val = pol_xstrdup(t);
                } else
                    set_field(b, c, "repeated", "1", XF_INT);
                b->steps--;
                sc_buf_clear(&key);
                return;
            }
            set_field(b, x, "same_as", id, XF_INT);
            sc_buf_clear(&key);
            return;
        }
    uint32_t id = ++b->ncalls;
    set_fieldf(b, x, "id", XF_INT, "%u", id);
    POL_GROW_FROM(b->seen_key, b->seencap, b->nseen + 1, 16);
    b->seen_id = pol_xrealloc(b->seen_id, b->seencap * sizeof *b->seen_id);
    b->seen_key[b->nseen] = key.data ? key.data : pol_xstrdup("");
    b->seen_id[b->nseen++] = id;
    set_field(b, x, "formula", fr->formula, XF_STR);
    set_field(b, x, "note", fr->doc, XF_STR);
    position_field(b, x, fr->pos);
    if (e->kind == VM_EV_MEMO) { /* answered from the cache: explain the call that computed it */
        sc_buf k2;
        sc_buf_init(&k2);
        for (uint32_t c = i; c-- > 0;) {
            if (vm->ev[c].kind != VM_EV_CALL || vm->ev[c].a != f)
                continue;
            k2.len = 0;
            call_key(b, &vm->ev[c], &k2, NULL);
            if (k2.data && !strcmp(k2.data, b->seen_key[b->nseen - 1])) {
                i = c;
                e = &vm->ev[c];
                for (j = i + 1; j < vm->nev; j++)
                    if ((vm->ev[j].kind == VM_EV_RET || vm->ev[j].kind == VM_EV_NA) && vm->ev[j].rule == f)
                        break;
                break;
            }
        }
        sc_buf_clear(&k2);
    }
    if (e->kind == VM_EV_CALL) {
        uint32_t lto = j < vm->nev ? vm->ev[j].nlog : vm->nlog;
        steps_of(b, x, f, i + 1, j < vm->nev ? j : vm->nev, e->nlog, lto, false);
    }
}

/* Whether plain rule r's code took an arm of a match. */
static bool took_arm(const vm_state *vm, uint32_t r)
{
    for (uint32_t i = 0; i < vm->nev; i++)
        if (vm->ev[i].rule == r && vm->ev[i].kind == VM_EV_ARM)
            return true;
    return false;
}

/* The steps of plain rule r: it runs once, so its events and lookups are
 * those logged while it ran. */
static void plain_rule_steps(xb *b, int x, uint32_t r)
{
    const vm_state *vm = b->vm;
    uint32_t from = 0, to = 0, lfrom = 0, lto = 0;
    bool any = false, lany = false;
    for (uint32_t i = 0; i < vm->nev; i++)
        if (vm->ev[i].rule == r) {
            if (!any)
                from = i, any = true;
            to = i + 1;
        }
    for (uint32_t l = 0; l < vm->nlog; l++)
        if (vm->log[l].rule == r) {
            if (!lany)
                lfrom = l, lany = true;
            lto = l + 1;
        }
    steps_of(b, x, r, from, to, lfrom, lto, true);
}

static void rule_node(xb *b, int parent, uint32_t r)
{
    const bc_program *p = b->p;
    const vm_state *vm = b->vm;
    const bc_rule *ru = &p->rules[r];
    const vm_val *v = pol_eval_val(b->ev, r);
    const char *kind = ru->is_output ? "output" : ru->is_constraint ? "requirement" : "rule";
    if (!v && vm->rstate[r] != VM_NA)
        return; /* not needed */
    if (!budget(b))
        return;
    int x = new_node(b, parent, kind);
    set_field(b, x, "name", ru->name, XF_STR);
    set_field(b, x, "type", pol_type_name((pol_type)ru->type), XF_STR);
    bool arm = took_arm(vm, r);
    if (v)
        value_fields(b, x, v, ru->tref, ru->places, "value");
    else {
        set_field(b, x, "status", "not-applicable", XF_STR);
        set_field(b, x, "message", p->consts[vm->na_k[r]].text, XF_STR);
        set_field(b, x, "cite", p->rules[vm->na_cite[r]].cite, XF_STR);
        if (!arm) /* a match that took an arm shows the steps to it (an arm that is inapplicable, or reads what is) */
            return;
    }
    if (v)
        set_field(b, x, "cite", ru->cite, XF_STR);
    origin_fields(b, x, ru->pos);
    if (b->done[r]) {
        set_field(b, x, "explained_above", "true", XF_BOOL);
        return;
    }
    b->done[r] = 1;
    set_field(b, x, "formula", ru->formula, XF_STR);
    set_field(b, x, "note", ru->doc, XF_STR);
    position_field(b, x, ru->pos);
    plain_rule_steps(b, x, r);
}

static void xb_free(xb *b)
{
    for (size_t i = 0; i < b->nn; i++)
        for (int k = 0; k < b->n[i].nf; k++)
            free(b->n[i].f[k].val);
    free(b->n);
    for (size_t i = 0; i < b->nseen; i++)
        free(b->seen_key[i]);
    free(b->seen_key);
    free(b->seen_id);
    free(b->done);
    for (size_t i = 0; i < b->ncl; i++)
        free(b->cl_id[i]), free(b->cl_words[i]);
    free(b->cl_id);
    free(b->cl_words);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = pol_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---- the clauses' words ----
 * Every clause the shown steps cite, once, in the order first cited, with
 * its words from the notice (when the tool has the notice at hand). */
static void clause_words(xb *b, const pol_explain_opts *o)
{
    if (!o->clause_words)
        return;
    char **cites = NULL;
    size_t nc = 0;
    for (size_t i = 0; i < b->nn; i++) {
        const char *c = field(&b->n[i], "cite");
        size_t k = 0;
        while (c && k < nc && strcmp(cites[k], c))
            k++;
        if (!c || k < nc)
            continue;
        cites = pol_xrealloc(cites, (nc + 1) * sizeof *cites);
        cites[nc++] = (char *)c;
    }
    for (size_t k = 0; k < nc; k++) {
        char *recs = o->clause_words(o->clause_ctx, cites[k]);
        for (char *r = recs; r && *r;) {
            char *end = strchr(r, '\x1e'), *sep = strchr(r, '\x1f');
            size_t len = end ? (size_t)(end - r) : strlen(r);
            if (sep && sep < r + len) {
                size_t il = (size_t)(sep - r), j = 0;
                while (j < b->ncl && !(strlen(b->cl_id[j]) == il && !memcmp(b->cl_id[j], r, il)))
                    j++;
                if (j == b->ncl) {
                    b->cl_id = pol_xrealloc(b->cl_id, (b->ncl + 1) * sizeof *b->cl_id);
                    b->cl_words = pol_xrealloc(b->cl_words, (b->ncl + 1) * sizeof *b->cl_words);
                    b->cl_id[b->ncl] = dup_n(r, il);
                    b->cl_words[b->ncl++] = dup_n(sep + 1, len - il - 1);
                }
            }
            r += len + (end != NULL);
        }
        free(recs);
    }
    free(cites);
}

/* ---- writing: text ----
 * In the explanation's language: each label is a msgid (po/zh_CN/explain.po);
 * names, formulas, notes, clause ids and values are written as they are. */
static void tput(const xb *b, sc_buf *o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void tput(const xb *b, sc_buf *o, const char *fmt, ...)
{
    char small[1024];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = pol_tr_vformat(b->lang, small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof small)
        sc_buf_puts(o, small);
    else if (n > 0) {
        char *big = pol_xcalloc((size_t)n + 1, 1);
        pol_tr_vformat(b->lang, big, (size_t)n + 1, fmt, aq);
        sc_buf_puts(o, big);
        free(big);
    }
    va_end(aq);
}

/* A formula or note over several lines, each continuation indented. */
static void put_indented(sc_buf *o, const char *s, int indent)
{
    for (; *s; s++) {
        sc_buf_putc(o, *s);
        if (*s == '\n') {
            while (s[1] == ' ')
                s++;
            sc_buf_printf(o, "%*s", indent, "");
        }
    }
}

static void text_value(const xb *b, sc_buf *o, const xnode *x, const char *key)
{
    const char *v = field(x, key);
    const char *shown = !strcmp(key, "value") && field(x, "_value") ? field(x, "_value") : v;
    sc_buf_puts(o, shown ? shown : "?");
    const char *t = field(x, "type");
    if (!strcmp(key, "value") && t && !strcmp(t, "money") && v && strcmp(v, "?"))
        sc_buf_puts(o, " 元");
    const char *ap = field(x, !strcmp(key, "value") ? "approximately" : "unrounded_approximately");
    if (ap)
        tput(b, o, N_(" (an exact fraction, kept exact until a round; about %s)"), ap);
}

static void text_cite(sc_buf *o, const xnode *x)
{
    const char *c = field(x, "cite");
    if (c)
        sc_buf_printf(o, "   [%s]", c);
}

static void text_args(sc_buf *o, const char *list)
{
    sc_buf_putc(o, '(');
    for (const char *s = list; *s; s++)
        if (*s == '\x1f')
            sc_buf_puts(o, ", ");
        else
            sc_buf_putc(o, *s);
    sc_buf_putc(o, ')');
}

/* The words of a rounding mode (dec_mode_name). */
static const char *mode_frag(const char *mode)
{
    static const char *const modes[][2] = {{"half_up", FRAG("half_up")}, {"half_even", FRAG("half_even")}, {"down", FRAG("down")},
                                           {"up", FRAG("up")},           {"floor", FRAG("floor")},         {"ceiling", FRAG("ceiling")}};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
        if (!strcmp(mode, modes[i][0]))
            return modes[i][1];
    return mode;
}

/* A line's own kind word: output, rule, requirement, call, input, parameter. */
static void text_kind(const xb *b, sc_buf *o, const char *k, const char *name)
{
    if (!strcmp(k, "output"))
        tput(b, o, N_("output %s"), name);
    else if (!strcmp(k, "rule"))
        tput(b, o, N_("rule %s"), name);
    else if (!strcmp(k, "requirement"))
        tput(b, o, N_("requirement %s"), name);
    else if (!strcmp(k, "call"))
        tput(b, o, N_("call %s"), name);
    else if (!strcmp(k, "input"))
        tput(b, o, N_("input %s"), name);
    else
        tput(b, o, N_("parameter %s"), name);
}

/* "  (TEXT)" on a line of its own, under a step at indentation in. */
#define TEXT_LINE(fmt, ...) (sc_buf_printf(o, "%*s  ", in, ""), tput(b, o, fmt, __VA_ARGS__), sc_buf_putc(o, '\n'))

static void write_text(const xb *b, int i, int depth, sc_buf *o)
{
    const xnode *x = &b->n[i];
    int in = depth * 2;
    const char *k = x->kind, *v;
    sc_buf_printf(o, "%*s", in, "");
    if (!strcmp(k, "output") || !strcmp(k, "rule") || !strcmp(k, "requirement")) {
        text_kind(b, o, k, field(x, "name"));
        const char *st = field(x, "status"), *msg = field(x, "message");
        if (st && !strcmp(st, "error"))
            tput(b, o, N_(": error: %s"), msg);
        else if (st && (!strncmp(msg, "not applicable", 14) || !strncmp(msg, "not stated", 10)))
            /* an output's own reason, as its note says it (with the clause) */
            tput(b, o, N_(": %s"), msg);
        else {
            if (st)
                tput(b, o, N_(": not applicable: %s"), msg);
            else {
                sc_buf_puts(o, " = ");
                text_value(b, o, x, "value");
            }
            text_cite(o, x);
        }
        sc_buf_putc(o, '\n');
        if ((v = field(x, "imported_from")))
            TEXT_LINE(N_("(imported from %s)"), v);
        if (field(x, "explained_above"))
            TEXT_LINE("%s", pol_tr(b->lang, N_("(explained above)")));
    } else if (!strcmp(k, "call")) {
        text_kind(b, o, k, field(x, "name"));
        text_args(o, field(x, "arguments"));
        if ((v = field(x, "status"))) {
            const char *msg = field(x, "_message") ? field(x, "_message") : field(x, "message");
            if (!strcmp(v, "not-applicable"))
                tput(b, o, N_(": not-applicable: %s"), msg);
            else
                tput(b, o, N_(": error: %s"), msg);
        } else {
            sc_buf_puts(o, " = ");
            text_value(b, o, x, "value");
        }
        if ((v = field(x, "same_as")))
            tput(b, o, N_(" (the same call as #%s)"), v);
        else if ((v = field(x, "id")))
            sc_buf_printf(o, "   #%s", v);
        if ((v = field(x, "repeated"))) {
            if (!strcmp(v, "1"))
                tput(b, o, "%s", pol_tr(b->lang, N_(" (and 1 more time here)")));
            else
                tput(b, o, N_(" (and %s more times here)"), v);
        }
        text_cite(o, x);
        sc_buf_putc(o, '\n');
        if ((v = field(x, "imported_from")) && !field(x, "same_as"))
            TEXT_LINE(N_("(imported from %s)"), v);
    } else if (!strcmp(k, "input")) {
        text_kind(b, o, k, field(x, "name"));
        sc_buf_puts(o, " = ");
        text_value(b, o, x, "value");
        sc_buf_putc(o, '\n');
    } else if (!strcmp(k, "parameter")) {
        text_kind(b, o, k, field(x, "name"));
        sc_buf_printf(o, " = %s", field(x, "value"));
        if ((v = field(x, "version"))) {
            char ver[192], at[64];
            if (b->lang == POL_LANG_EN)
                snprintf(ver, sizeof ver, "%s", v);
            else
                version_prose(b->lang, field(x, "from"), field(x, "to"), ver, sizeof ver);
            tput(b, o, N_(" (version %s, looked up at %s)"), ver, prose_date(b->lang, field(x, "date"), at, sizeof at));
        }
        text_cite(o, x);
        sc_buf_putc(o, '\n');
        if ((v = field(x, "_overrides_file")))
            TEXT_LINE(N_("(an override: replaces the value of %s)"), v);
        if ((v = field(x, "imported_from")))
            TEXT_LINE(N_("(imported from %s)"), v);
        if ((v = field(x, "_inferred")) || (v = field(x, "inferred")))
            TEXT_LINE(N_("inferred: %s"), v);
    } else if (!strcmp(k, "round")) {
        sc_buf u;
        sc_buf_init(&u);
        text_value(b, &u, x, "unrounded");
        tput(b, o, N_("%s = %s (unrounded %s, to %s places, %s)"), field(x, "expression"), field(x, "value"), u.data ? u.data : "",
             field(x, "places"), mode_frag(field(x, "mode")));
        sc_buf_clear(&u);
        sc_buf_putc(o, '\n');
    } else if (!strcmp(k, "branch")) {
        if (!strcmp(field(x, "holds"), "true"))
            tput(b, o, N_("if %s: true, so the then branch"), field(x, "condition"));
        else
            tput(b, o, N_("if %s: false, so the else branch"), field(x, "condition"));
        sc_buf_putc(o, '\n');
    } else if (!strcmp(k, "match")) {
        if ((v = field(x, "position")))
            tput(b, o, N_("match %s: %s, so arm %s of %s (%s): %s"), field(x, "scrutinee"), field(x, "member"), field(x, "arm"),
                 field(x, "arms"), v, field(x, "pattern"));
        else
            tput(b, o, N_("match %s: %s, so arm %s of %s: %s"), field(x, "scrutinee"), field(x, "member"), field(x, "arm"),
                 field(x, "arms"), field(x, "pattern"));
        if ((v = field(x, "expression")))
            sc_buf_printf(o, " => %s", v);
        const char *st = field(x, "status"), *msg = field(x, "_message") ? field(x, "_message") : field(x, "message");
        if (!st) {
            sc_buf_puts(o, " = ");
            text_value(b, o, x, "value");
        } else if (!strcmp(st, "not-applicable"))
            tput(b, o, N_(": not applicable: %s"), msg);
        else if (!strcmp(st, "unstated"))
            tput(b, o, N_(": not stated by the notice: %s"), msg);
        else
            tput(b, o, N_(": error: %s"), msg);
        sc_buf_putc(o, '\n');
    } else if (!strcmp(k, "condition")) {
        if (!strcmp(field(x, "holds"), "true"))
            tput(b, o, N_("when %s: true"), field(x, "condition"));
        else
            tput(b, o, N_("when %s: false"), field(x, "condition"));
        sc_buf_putc(o, '\n');
    } else if (!strcmp(k, "exception")) {
        if (!strcmp(field(x, "applied"), "true"))
            tput(b, o, N_("%s: applied (its condition holds)"), field(x, "name"));
        else
            tput(b, o, N_("%s: not applied (its condition does not hold)"), field(x, "name"));
        sc_buf_putc(o, '\n');
    } else if (!strcmp(k, "omitted")) {
        tput(b, o, N_("(%s)"), field(x, "_message") ? field(x, "_message") : field(x, "message"));
        sc_buf_putc(o, '\n');
    } else
        sc_buf_printf(o, "%s\n", k); /* unreachable: every kind is written above */
    if ((v = field(x, "formula"))) {
        sc_buf_printf(o, "%*s  = ", in, "");
        put_indented(o, v, in + 4);
        sc_buf_putc(o, '\n');
    }
    if ((v = field(x, "note"))) {
        sc_buf_printf(o, "%*s  ", in, "");
        tput(b, o, "%s", pol_tr(b->lang, N_("note: ")));
        put_indented(o, v, in + 4);
        sc_buf_putc(o, '\n');
    }
    for (int c = x->first; c >= 0; c = b->n[c].next)
        write_text(b, c, depth + 1, o);
}
#undef TEXT_LINE

/* ---- writing: JSON ---- */
static void write_json(const xb *b, int i, sc_buf *o)
{
    const xnode *x = &b->n[i];
    sc_buf_puts(o, "{\"kind\":");
    sc_buf_json_string(o, x->kind, strlen(x->kind));
    for (int k = 0; k < x->nf; k++) {
        const xfield *f = &x->f[k];
        if (f->type == XF_HIDDEN)
            continue;
        sc_buf_putc(o, ',');
        sc_buf_json_string(o, f->key, strlen(f->key));
        sc_buf_putc(o, ':');
        if (f->type == XF_BOOL || f->type == XF_INT)
            sc_buf_puts(o, f->val);
        else if (f->type == XF_LIST) {
            sc_buf_putc(o, '[');
            const char *s = f->val;
            for (int n = 0; *s || n == 0; n++) {
                if (!*s && n == 0)
                    break;
                const char *e = strchr(s, '\x1f');
                size_t len = e ? (size_t)(e - s) : strlen(s);
                if (n)
                    sc_buf_putc(o, ',');
                sc_buf_json_string(o, s, len);
                s += len;
                if (!e)
                    break;
                s++;
            }
            sc_buf_putc(o, ']');
        } else
            sc_buf_json_string(o, f->val, strlen(f->val));
    }
    if (x->first >= 0) {
        sc_buf_puts(o, ",\"steps\":[");
        for (int c = x->first; c >= 0; c = b->n[c].next) {
            if (c != x->first)
                sc_buf_putc(o, ',');
            write_json(b, c, o);
        }
        sc_buf_putc(o, ']');
    }
    sc_buf_putc(o, '}');
}

/* ---- why a month has its status (--explain-month) ----
 * Read off the tree of the month's steps, for any policy: the month's
 * status is the first call made for the month, at the shallowest level,
 * whose result is a member of an enumeration (else the first such call);
 * the branch that chose its value is the `if` that held (or the last one,
 * when the `else` was taken); then, step by step, the calls that decided
 * that condition (those that did not answer false, when it held), and for
 * a function reading itself at an earlier month the chain followed back to
 * the month where the state was decided ("carried from"); last the
 * records of the scenario's lists (payments) that cover one of those
 * months or were made in it. */
#define WHY_MAX_BECAUSE 16
#define WHY_MAX_DEPTH 4

static int why_call_by_id(const xb *b, const char *id)
{
    for (size_t i = 0; i < b->nn; i++)
        if (!strcmp(b->n[i].kind, "call") && field(&b->n[i], "id") && !strcmp(field(&b->n[i], "id"), id))
            return (int)i;
    return -1;
}

/* The node that shows the call (a reference to a call shown earlier: that one). */
static int why_shown(const xb *b, int c)
{
    const char *s = field(&b->n[c], "same_as");
    int o = s ? why_call_by_id(b, s) : c;
    return o >= 0 ? o : c;
}

static bool why_has_arg(const xnode *x, const char *month)
{
    const char *a = field(x, "arguments");
    size_t n = strlen(month);
    for (const char *s = a; s && *s;) {
        const char *e = strchr(s, '\x1f');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len >= n && !memcmp(s, month, n) && (len == n || s[n] == '-'))
            return true; /* the month, or a date in it */
        s += len + (e != NULL);
    }
    return false;
}

static int why_rule_named(const bc_program *p, const char *name)
{
    for (uint32_t r = 0; r < p->nrules; r++)
        if (!strcmp(p->rules[r].name, name))
            return (int)r;
    return -1;
}

static void why_find_status(const xb *b, int node, int depth, const char *month, int *best, int *best_depth, bool *best_enum)
{
    for (int c = b->n[node].first; c >= 0; c = b->n[c].next) {
        const xnode *x = &b->n[c];
        if (!strcmp(x->kind, "call") && why_has_arg(x, month) && field(x, "value")) {
            int r = why_rule_named(b->p, field(x, "name"));
            bool en = r >= 0 && b->p->rules[r].type == PT_ENUM;
            if (*best < 0 || (en && !*best_enum) || (en == *best_enum && depth < *best_depth))
                *best = c, *best_depth = depth, *best_enum = en;
        }
        why_find_status(b, c, depth + 1, month, best, best_depth, best_enum);
    }
}

/* The branch of call c that decided its value (-1: it has none), the calls
 * made for that branch's condition into cond[], and those made after it,
 * for the value it chose, into val[] (at most 64 each).  Without a branch,
 * every call is a value call. */
static int why_decider(const xb *b, int c, int *cond, int *ncond, int *val, int *nval)
{
    int seg[64], nseg = 0, dec = -1;
    *ncond = *nval = 0;
    for (int k = b->n[c].first; k >= 0; k = b->n[k].next) {
        const xnode *x = &b->n[k];
        if (!strcmp(x->kind, "call")) {
            if (nseg < 64)
                seg[nseg++] = k;
        } else if (!strcmp(x->kind, "branch")) {
            if (dec >= 0 && field(&b->n[dec], "holds") && !strcmp(field(&b->n[dec], "holds"), "true"))
                break; /* the chosen value's calls end at the next branch */
            dec = k;
            memcpy(cond, seg, (size_t)nseg * sizeof *seg);
            *ncond = nseg;
            nseg = 0;
        }
    }
    memcpy(val, seg, (size_t)nseg * sizeof *seg);
    *nval = nseg;
    return dec;
}

/* Whether formula f reads call `name(...)` negated: `not name(` or `非name(`. */
static bool why_negated(const char *f, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    for (const char *s = f; s && n && (s = strstr(s, name)); s += n) {
        if (s[n] != '(')
            continue;
        const char *q = s;
        while (q > f && q[-1] == ' ')
            q--;
        if ((q - f >= 3 && !memcmp(q - 3, "not", 3) && (q - f == 3 || !name_byte((unsigned char)q[-4]))) ||
            (q - f >= 3 && !memcmp(q - 3, "\xE9\x9D\x9E", 3))) /* 非 */
            return true;
    }
    return false;
}

static void why_because(xb *b, int why, int c, int depth, char **seen, size_t *nseen, int *carried, size_t *ncarried)
{
    if (depth >= WHY_MAX_DEPTH || *nseen >= WHY_MAX_BECAUSE)
        return;
    int cond[64], ncond, val[64], nval, calls[128], ncalls = 0;
    int br = why_decider(b, c, cond, &ncond, val, &nval);
    bool held = br < 0 || (field(&b->n[br], "holds") && !strcmp(field(&b->n[br], "holds"), "true"));
    const char *cv = field(&b->n[c], "value");
    /* the calls of the condition (those that did not answer false, when it
     * held), then those that gave the value (of a truth value, the truth
     * values that answered the same; every other value) */
    for (int i = 0; i < ncond; i++) {
        const char *v = field(&b->n[why_shown(b, cond[i])], "value");
        if (v && !(held && !strcmp(v, "false")))
            calls[ncalls++] = cond[i];
    }
    for (int i = 0; i < nval; i++) {
        const char *v = field(&b->n[why_shown(b, val[i])], "value");
        bool truth = cv && (!strcmp(cv, "true") || !strcmp(cv, "false"));
        bool vtruth = v && (!strcmp(v, "true") || !strcmp(v, "false"));
        /* `not F(m)` in the formula: F's answer counts reversed */
        bool neg = vtruth && why_negated(field(&b->n[c], "formula"), field(&b->n[val[i]], "name"));
        if (v && (!truth || !vtruth || (strcmp(v, cv) != 0) == neg))
            calls[ncalls++] = val[i];
    }
    for (int i = 0; i < ncalls && *nseen < WHY_MAX_BECAUSE; i++) {
        int k = why_shown(b, calls[i]);
        const char *v = field(&b->n[k], "value"), *id = field(&b->n[k], "id");
        if (!id)
            continue;
        bool dup = false;
        for (size_t s = 0; s < *nseen && !dup; s++)
            dup = !strcmp(seen[s], id);
        if (dup)
            continue;
        seen[(*nseen)++] = (char *)id;
        /* a function reading itself at an earlier argument for its value:
         * followed back to the call that did not */
        const char *name = field(&b->n[k], "name");
        int end = k, steps = 0;
        for (;;) {
            int cc[64], nc, vv[64], nv, next = -1;
            why_decider(b, end, cc, &nc, vv, &nv);
            for (int j = 0; j < nv && next < 0; j++) {
                int s = why_shown(b, vv[j]);
                if (s != end && !strcmp(field(&b->n[s], "name"), name) && field(&b->n[s], "value") && !strcmp(field(&b->n[s], "value"), v))
                    next = s;
            }
            if (next < 0 || steps > 100000)
                break;
            end = next, steps++;
        }
        int x = new_node(b, why, "because");
        const xnode *kx = &b->n[k];
        set_field(b, x, "name", name, XF_STR);
        set_field(b, x, "arguments", field(kx, "arguments"), XF_LIST);
        set_field(b, x, "value", v, XF_STR);
        set_field(b, x, "_value", field(kx, "_value"), XF_HIDDEN);
        set_field(b, x, "id", id, XF_INT);
        set_field(b, x, "cite", field(kx, "cite"), XF_STR);
        set_fieldf(b, x, "depth", XF_HIDDEN, "%d", depth);
        if (end != k) {
            set_field(b, x, "carried_from", field(&b->n[end], "arguments"), XF_LIST);
            set_fieldf(b, x, "carried_months", XF_INT, "%d", steps);
            if (*ncarried < 64)
                carried[(*ncarried)++] = end;
        }
        int d1[64], d2[64], n1, n2;
        int eb = why_decider(b, end, d1, &n1, d2, &n2);
        if (eb >= 0) {
            set_field(b, x, "condition", field(&b->n[eb], "condition"), XF_STR);
            set_field(b, x, "holds", field(&b->n[eb], "holds"), XF_BOOL);
            set_field(b, x, "taken", field(&b->n[eb], "taken"), XF_STR);
        }
        why_because(b, why, end, depth + 1, seen, nseen, carried, ncarried);
    }
}

/* The months a record relates to: a month field pair (from, to) covering
 * m, or a date field in m. */
static void why_records(xb *b, int why, const int32_t *months, const char *const *whose, size_t nm)
{
    const bc_program *p = b->p;
    const vm_state *vm = b->vm;
    for (uint32_t in = 0; in < p->ninputs; in++) {
        const vm_val *lv = &vm->inputs[in];
        if (lv->t != PT_LIST || !lv->ref || lv->tref >= p->nrecords)
            continue;
        const bc_record *rt = &p->records[lv->tref];
        const vm_list *l = lv->ref;
        for (uint32_t e = 0; e < l->n; e++) {
            const vm_val *f = l->items[e].ref;
            if (!f)
                continue;
            sc_buf rel;
            sc_buf_init(&rel);
            int mf[2], nmf = 0;
            for (uint32_t k = 0; k < rt->nfields && nmf < 2; k++)
                if (rt->fields[k].type == PT_MONTH)
                    mf[nmf++] = (int)k;
            for (size_t m = 0; m < nm; m++) {
                char mt[16];
                cd_format_month(months[m], mt);
                bool dup = false;
                for (size_t q = 0; q < m && !dup; q++)
                    dup = months[q] == months[m];
                if (dup)
                    continue;
                if (nmf == 2 && f[mf[0]].t == PT_MONTH && f[mf[1]].t == PT_MONTH && f[mf[0]].i <= months[m] && months[m] <= f[mf[1]].i)
                    sc_buf_printf(&rel, "%scovers\x1d%s\x1d%s", rel.len ? "\x1f" : "", mt, whose[m]);
                for (uint32_t k = 0; k < rt->nfields; k++)
                    if (rt->fields[k].type == PT_DATE && f[k].t == PT_DATE) {
                        int y, mo, d;
                        cd_to_ymd(f[k].i, &y, &mo, &d);
                        if (y * 12 + mo - 1 == months[m])
                            sc_buf_printf(&rel, "%spaid_in\x1d%s\x1d%s\x1d%s", rel.len ? "\x1f" : "", mt, whose[m], rt->fields[k].name);
                    }
            }
            /* found by a keyed lookup of a call that decided the status
             * (`where p.起 == 覆盖起(m)`: the payment covering the month) */
            for (int c = why; c >= 0; c = c == why ? b->n[why].first : b->n[c].next) { /* the status call, then each because */
                const xnode *x = &b->n[c];
                int k = strcmp(x->kind, "because") && c != why ? -1 : why_call_by_id(b, field(x, "id"));
                const char *evs = k >= 0 ? field(&b->n[k], "_events") : NULL;
                unsigned ef, et;
                if (!evs || sscanf(evs, "%u %u", &ef, &et) != 2)
                    continue;
                int r = why_rule_named(p, field(x, "name"));
                bool hit = false;
                char key[256] = "", fname[128] = "";
                for (uint32_t q = ef; q < et && q < vm->nev && !hit; q++) {
                    const vm_event *ke = &vm->ev[q];
                    if (ke->kind != VM_EV_KEYED || (int)ke->rule != r || ke->b != lv->tref)
                        continue;
                    for (uint32_t z = 0; z < ke->a && !hit; z++)
                        hit = vm->tvals[ke->val + 1 + z].ref == l->items[e].ref;
                    if (hit) {
                        uint32_t fi = p->code[ke->pc + 2];
                        snprintf(fname, sizeof fname, "%s", fi < rt->nfields ? rt->fields[fi].name : "?");
                        arg_text(p, 0, 0, &vm->tvals[ke->val], key, sizeof key);
                    }
                }
                if (hit)
                    sc_buf_printf(&rel, "%slooked_up\x1d%s\x1d%s\x1d%s", rel.len ? "\x1f" : "", key, field(x, "name"), fname);
            }
            /* passed to a call that decided the status (开启等待(p) = true) */
            char rtext[1200];
            arg_text(p, 0, 0, &l->items[e], rtext, sizeof rtext);
            for (int c = b->n[why].first; c >= 0; c = b->n[c].next) {
                const xnode *x = &b->n[c];
                const char *a = field(x, "arguments");
                if (strcmp(x->kind, "because") || !a)
                    continue;
                bool hit = false;
                for (const char *q = a; *q && !hit;) {
                    const char *qe = strchr(q, '\x1f');
                    size_t ql = qe ? (size_t)(qe - q) : strlen(q);
                    hit = ql == strlen(rtext) && !memcmp(q, rtext, ql);
                    q += ql + (qe != NULL);
                }
                if (hit)
                    sc_buf_printf(&rel, "%sargument\x1d\x1d%s\x1d%s", rel.len ? "\x1f" : "", field(x, "name"), field(x, "value"));
            }
            if (rel.len) {
                int x = new_node(b, why, "record");
                set_field(b, x, "input", p->inputs[in].name, XF_STR);
                set_fieldf(b, x, "index", XF_INT, "%u", e);
                sc_buf fl;
                sc_buf_init(&fl);
                for (uint32_t k = 0; k < rt->nfields; k++) {
                    char buf[512];
                    if (f[k].t == PT_RATE)
                        bc_rate_text(&f[k].d, buf, sizeof buf);
                    else if (!pol_value_text(p, &f[k], rt->fields[k].tref, rt->fields[k].type == PT_MONEY ? 2 : 0, buf, sizeof buf))
                        snprintf(buf, sizeof buf, "?");
                    sc_buf_printf(&fl, "%s%s\x1d%s", k ? "\x1f" : "", rt->fields[k].name, buf);
                }
                set_field(b, x, "fields", fl.data, XF_HIDDEN);
                set_field(b, x, "relations", rel.data, XF_HIDDEN);
                sc_buf_clear(&fl);
            }
            sc_buf_clear(&rel);
        }
    }
}

static int why_build(xb *b)
{
    char month[16];
    cd_format_month(b->month, month);
    int best = -1, bd = 0;
    bool be = false;
    why_find_status(b, 0, 0, month, &best, &bd, &be);
    if (best < 0)
        return -1;
    int st = why_shown(b, best);
    int why = new_node(b, -1, "why");
    const xnode *sx = &b->n[st];
    set_field(b, why, "month", month, XF_STR);
    set_field(b, why, "name", field(sx, "name"), XF_STR);
    set_field(b, why, "arguments", field(sx, "arguments"), XF_LIST);
    set_field(b, why, "value", field(sx, "value"), XF_STR);
    set_field(b, why, "_value", field(sx, "_value"), XF_HIDDEN);
    set_field(b, why, "id", field(sx, "id"), XF_INT);
    set_field(b, why, "cite", field(sx, "cite"), XF_STR);
    int d1[64], d2[64], n1, n2, br = why_decider(b, st, d1, &n1, d2, &n2);
    if (br >= 0) {
        set_field(b, why, "condition", field(&b->n[br], "condition"), XF_STR);
        set_field(b, why, "holds", field(&b->n[br], "holds"), XF_BOOL);
        set_field(b, why, "taken", field(&b->n[br], "taken"), XF_STR);
    }
    char *seen[WHY_MAX_BECAUSE];
    size_t nseen = 0, ncarried = 0;
    int carried[64];
    why_because(b, why, st, 0, seen, &nseen, carried, &ncarried);
    /* the months whose records tell the story: this one, and each month a state was carried from */
    int32_t months[65];
    const char *whose[65];
    size_t nm = 0;
    months[nm] = b->month, whose[nm++] = "";
    for (size_t i = 0; i < ncarried; i++) {
        const char *a = field(&b->n[carried[i]], "arguments");
        int32_t m;
        if (a && strlen(a) == 7 && cd_parse_month(a, 7, &m))
            months[nm] = m, whose[nm++] = field(&b->n[carried[i]], "name");
    }
    why_records(b, why, months, whose, nm);
    return why;
}

/* ---- the month's why, written ---- */
static void why_branch_text(const xb *b, sc_buf *o, const xnode *x)
{
    const char *c = field(x, "condition"), *h = field(x, "holds");
    if (!c)
        return;
    sc_buf_puts(o, b->lang == POL_LANG_EN ? ": " : "：");
    if (h && !strcmp(h, "true"))
        tput(b, o, N_("if %s: true, so the then branch"), c);
    else
        tput(b, o, N_("if %s: false, so the else branch"), c);
}

/* Item k of a '\x1f' list whose items are '\x1d'-separated parts: part j. */
static const char *why_part(const char *list, int k, int j, size_t *len)
{
    const char *s = list;
    for (int i = 0; s && i < k; i++)
        s = (s = strchr(s, '\x1f')) ? s + 1 : NULL;
    for (int i = 0; s && i < j; i++) {
        const char *d = strchr(s, '\x1d'), *e = strchr(s, '\x1f');
        s = d && (!e || d < e) ? d + 1 : NULL;
    }
    if (!s)
        return NULL;
    size_t n = 0;
    while (s[n] && s[n] != '\x1d' && s[n] != '\x1f')
        n++;
    *len = n;
    return s;
}

static int why_count(const char *list)
{
    int n = list && *list ? 1 : 0;
    for (const char *s = list; s && *s; s++)
        n += *s == '\x1f';
    return n;
}

static void why_text(const xb *b, int why, sc_buf *o)
{
    const xnode *w = &b->n[why];
    char zm[32];
    const char *v = field(w, "_value") ? field(w, "_value") : field(w, "value");
    tput(b, o, N_("why %s has its status:"), prose_date(b->lang, field(w, "month"), zm, sizeof zm));
    sc_buf_puts(o, "\n  ");
    sc_buf_puts(o, field(w, "name"));
    text_args(o, field(w, "arguments"));
    sc_buf_printf(o, " = %s", v);
    if (field(w, "id"))
        sc_buf_printf(o, "   #%s", field(w, "id"));
    why_branch_text(b, o, w);
    text_cite(o, w);
    sc_buf_putc(o, '\n');
    for (int c = w->first; c >= 0; c = b->n[c].next) {
        const xnode *x = &b->n[c];
        if (!strcmp(x->kind, "because")) {
            int d = atoi(field(x, "depth"));
            sc_buf_printf(o, "%*s", 4 + 2 * d, "");
            sc_buf_puts(o, field(x, "name"));
            text_args(o, field(x, "arguments"));
            sc_buf_printf(o, " = %s   #%s", field(x, "_value") ? field(x, "_value") : field(x, "value"), field(x, "id"));
            if (field(x, "carried_from")) {
                sc_buf t;
                sc_buf_init(&t);
                sc_buf_puts(&t, field(x, "name"));
                text_args(&t, field(x, "carried_from"));
                if (!strcmp(field(x, "carried_months"), "1"))
                    tput(b, o, N_(", carried from %s (the month before)"), t.data);
                else
                    tput(b, o, N_(", carried from %s (%s months back, each month from the month before)"), t.data, field(x, "carried_months"));
                sc_buf_clear(&t);
            }
            why_branch_text(b, o, x);
            text_cite(o, x);
            sc_buf_putc(o, '\n');
        } else if (!strcmp(x->kind, "record")) {
            const char *fl = field(x, "fields"), *rl = field(x, "relations");
            sc_buf fs;
            sc_buf_init(&fs);
            for (int k = 0; k < why_count(fl); k++) {
                size_t nl, vl;
                const char *nm = why_part(fl, k, 0, &nl), *vv = why_part(fl, k, 1, &vl);
                sc_buf_printf(&fs, "%s%.*s = %.*s", k ? ", " : "", (int)nl, nm, (int)vl, vv);
            }
            tput(b, o, N_("  record %s[%s] (%s):"), field(x, "input"), field(x, "index"), fs.data ? fs.data : "");
            sc_buf_clear(&fs);
            for (int k = 0; k < why_count(rl); k++) {
                size_t kl, ml, wl, fl2 = 0;
                const char *kind = why_part(rl, k, 0, &kl), *m = why_part(rl, k, 1, &ml), *who = why_part(rl, k, 2, &wl);
                const char *fd = why_part(rl, k, 3, &fl2);
                char mt[16], zmt[32], whos[256] = "";
                snprintf(mt, sizeof mt, "%.*s", (int)ml, m);
                if (wl)
                    snprintf(whos, sizeof whos, "%.*s", (int)wl, who);
                sc_buf_puts(o, k ? (b->lang == POL_LANG_EN ? ";" : "；") : "");
                const char *pm = prose_date(b->lang, mt, zmt, sizeof zmt);
                if (kl == 9 && !memcmp(kind, "looked_up", 9)) {
                    char key[256], fds[128];
                    snprintf(key, sizeof key, "%.*s", (int)ml, m);
                    snprintf(fds, sizeof fds, "%.*s", (int)fl2, fd ? fd : "");
                    tput(b, o, N_(" found by %s (its %s is %s)"), whos, fds, key);
                } else if (kl == 8 && !memcmp(kind, "argument", 8)) {
                    char val[256];
                    snprintf(val, sizeof val, "%.*s", (int)fl2, fd ? fd : "");
                    tput(b, o, N_(" %s(this record) = %s"), whos, val);
                } else if (kl == 6 && !memcmp(kind, "covers", 6))
                    tput(b, o, *whos ? N_(" covers %s (where %s was carried from)") : N_(" covers %s"), pm, whos);
                else {
                    char fds[128];
                    snprintf(fds, sizeof fds, "%.*s", (int)fl2, fd ? fd : "");
                    tput(b, o, *whos ? N_(" its %s is in %s (where %s was carried from)") : N_(" its %s is in %s"), fds, pm, whos);
                }
            }
            sc_buf_putc(o, '\n');
        }
    }
}

static void why_json_list(sc_buf *o, const char *list)
{
    sc_buf_putc(o, '[');
    for (const char *s = list; s && *s;) {
        const char *e = strchr(s, '\x1f');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (s != list)
            sc_buf_putc(o, ',');
        sc_buf_json_string(o, s, len);
        s += len + (e != NULL);
    }
    sc_buf_putc(o, ']');
}

static void why_json(const xb *b, int why, sc_buf *o)
{
    const xnode *w = &b->n[why];
    static const char *const keys[] = {"month", "name", "arguments", "value", "id", "cite", "condition", "holds", "taken"};
    static const char *const bkeys[] = {"name", "arguments", "value", "id", "cite", "carried_from", "carried_months", "condition", "holds", "taken"};
    sc_buf_putc(o, '{');
    bool first = true;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const char *v = field(w, keys[k]);
        if (!v)
            continue;
        sc_buf_printf(o, "%s\"%s\":", first ? "" : ",", keys[k]);
        first = false;
        if (!strcmp(keys[k], "arguments"))
            why_json_list(o, v);
        else if (!strcmp(keys[k], "id") || !strcmp(keys[k], "holds") ||
                 (!strcmp(keys[k], "value") && (!strcmp(v, "true") || !strcmp(v, "false"))))
            sc_buf_puts(o, v);
        else
            sc_buf_json_string(o, v, strlen(v));
    }
    for (int pass = 0; pass < 2; pass++) {
        sc_buf_puts(o, pass ? ",\"records\":[" : ",\"because\":[");
        bool any = false;
        for (int c = w->first; c >= 0; c = b->n[c].next) {
            const xnode *x = &b->n[c];
            if (strcmp(x->kind, pass ? "record" : "because"))
                continue;
            sc_buf_puts(o, any ? ",{" : "{");
            any = true;
            if (!pass) {
                sc_buf_printf(o, "\"depth\":%s", field(x, "depth"));
                for (size_t k = 0; k < sizeof bkeys / sizeof *bkeys; k++) {
                    const char *v = field(x, bkeys[k]);
                    if (!v)
                        continue;
                    sc_buf_printf(o, ",\"%s\":", bkeys[k]);
                    if (!strcmp(bkeys[k], "arguments") || !strcmp(bkeys[k], "carried_from"))
                        why_json_list(o, v);
                    else if (!strcmp(bkeys[k], "id") || !strcmp(bkeys[k], "holds") || !strcmp(bkeys[k], "carried_months") ||
                             (!strcmp(bkeys[k], "value") && (!strcmp(v, "true") || !strcmp(v, "false"))))
                        sc_buf_puts(o, v);
                    else
                        sc_buf_json_string(o, v, strlen(v));
                }
            } else {
                const char *fl = field(x, "fields"), *rl = field(x, "relations");
                sc_buf_puts(o, "\"input\":");
                sc_buf_json_string(o, field(x, "input"), strlen(field(x, "input")));
                sc_buf_printf(o, ",\"index\":%s,\"fields\":{", field(x, "index"));
                for (int k = 0; k < why_count(fl); k++) {
                    size_t nl, vl;
                    const char *nm = why_part(fl, k, 0, &nl), *vv = why_part(fl, k, 1, &vl);
                    if (k)
                        sc_buf_putc(o, ',');
                    sc_buf_json_string(o, nm, nl);
                    sc_buf_putc(o, ':');
                    sc_buf_json_string(o, vv, vl);
                }
                sc_buf_puts(o, "},\"relations\":[");
                for (int k = 0; k < why_count(rl); k++) {
                    size_t kl, ml, wl, fl2;
                    const char *kind = why_part(rl, k, 0, &kl), *m = why_part(rl, k, 1, &ml), *who = why_part(rl, k, 2, &wl);
                    const char *fd = why_part(rl, k, 3, &fl2);
                    sc_buf_puts(o, k ? ",{\"kind\":" : "{\"kind\":");
                    sc_buf_json_string(o, kind, kl);
                    if (kl == 8 && !memcmp(kind, "argument", 8)) { /* the call it was passed to, and its answer */
                        sc_buf_puts(o, ",\"call\":");
                        sc_buf_json_string(o, who, wl);
                        sc_buf_puts(o, ",\"value\":");
                        sc_buf_json_string(o, fd, fl2);
                        sc_buf_putc(o, '}');
                        continue;
                    }
                    if (kl == 9 && !memcmp(kind, "looked_up", 9)) { /* the call whose lookup found it, the field and key */
                        sc_buf_puts(o, ",\"call\":");
                        sc_buf_json_string(o, who, wl);
                        sc_buf_puts(o, ",\"field\":");
                        sc_buf_json_string(o, fd, fl2);
                        sc_buf_puts(o, ",\"value\":");
                        sc_buf_json_string(o, m, ml);
                        sc_buf_putc(o, '}');
                        continue;
                    }
                    sc_buf_puts(o, ",\"month\":");
                    sc_buf_json_string(o, m, ml);
                    if (fd)
                        sc_buf_puts(o, ",\"field\":"), sc_buf_json_string(o, fd, fl2);
                    if (wl)
                        sc_buf_puts(o, ",\"carried_by\":"), sc_buf_json_string(o, who, wl);
                    sc_buf_putc(o, '}');
                }
                sc_buf_putc(o, ']');
            }
            sc_buf_putc(o, '}');
        }
        sc_buf_putc(o, ']');
    }
    sc_buf_putc(o, '}');
}

/* ---- writing: HTML ---- */
static void html_text(sc_buf *o, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '<': sc_buf_puts(o, "&lt;"); break;
        case '>': sc_buf_puts(o, "&gt;"); break;
        case '&': sc_buf_puts(o, "&amp;"); break;
        case '"': sc_buf_puts(o, "&quot;"); break;
        case '\x1f': sc_buf_puts(o, ", "); break;
        default: sc_buf_putc(o, *s);
        }
}

/* The word shown for a step's kind, and the label of each detail, in
 * Chinese (English: the kind and the field's own key, as in JSON). */
static const char *const html_kinds[][2] = {
    {"output", N_("output")},       {"rule", N_("rule")},         {"requirement", N_("requirement")},
    {"call", N_("call")},           {"input", N_("input")},       {"parameter", N_("parameter")},
    {"round", N_("a rounding")},      {"branch", N_("branch")},     {"condition", N_("condition")},
    {"exception", N_("exception")}, {"omitted", N_("left out")},  {"match", N_("match")},
};
static const char *const html_details[][2] = {
    {"status", N_("its status")},
    {"message", N_("the reason given")},
    {"approximately", N_("approximately (decimal)")},
    {"unrounded", N_("value before rounding")},
    {"unrounded_approximately", N_("value before rounding, approximately")},
    {"places", N_("decimal places kept")},
    {"mode", N_("rounding mode")},
    {"holds", N_("whether the condition holds")},
    {"taken", N_("branch taken")},
    {"member", N_("the member matched")},
    {"arm", N_("arm taken (from 1)")},
    {"arms", N_("arms of the match")},
    {"pattern", N_("the arm's pattern")},
    {"expression", N_("the arm's expression")},
    {"applied", N_("whether the exception applied")},
    {"why", N_("why it applied or not")},
    {"version", N_("parameter version")},
    {"date", N_("date looked up")},
    {"overrides", N_("what it overrides")},
    {"imported_from", N_("imported from")},
    {"inferred", N_("how the value was inferred")},
    {"explained_above", N_("explained above")},
    {"repeated", N_("more times here")},
    {"formula", N_("formula")},
    {"note", N_("note of the rule")},
    {"position", N_("position in the source")},
    {"id", N_("call number")},
};

static const char *html_label(const xb *b, const char *const (*t)[2], size_t n, const char *key)
{
    if (b->lang == POL_LANG_EN)
        return key;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i][0], key))
            return pol_tr(b->lang, t[i][1]);
    return key;
}

/* One step as a list item: its text line (as --explain writes it), with
 * the value and clause marked up, then its steps. */
static void write_html(const xb *b, int i, sc_buf *o)
{
    const xnode *x = &b->n[i];
    const char *v;
    sc_buf_printf(o, "<li class=\"step %s\"", x->kind);
    if ((v = field(x, "id")))
        sc_buf_printf(o, " id=\"call-%s\"", v);
    sc_buf_puts(o, "><div class=\"line\"><span class=\"kind\">");
    html_text(o, html_label(b, html_kinds, sizeof html_kinds / sizeof *html_kinds, x->kind));
    sc_buf_puts(o, "</span> ");
    const char *shown = field(x, "name") ? "name" : field(x, "scrutinee") ? "scrutinee" : field(x, "expression") ? "expression"
                      : field(x, "condition") ? "condition" : NULL; /* the step's name; not repeated among its details */
    if (shown) {
        sc_buf_puts(o, "<span class=\"name\">");
        html_text(o, field(x, shown));
        sc_buf_puts(o, "</span>");
    }
    if ((v = field(x, "arguments"))) {
        sc_buf_puts(o, "<span class=\"args\">(");
        html_text(o, v);
        sc_buf_puts(o, ")</span>");
    }
    if ((v = field(x, "value"))) {
        sc_buf_puts(o, " = <span class=\"value\">");
        html_text(o, field(x, "_value") ? field(x, "_value") : v);
        if ((v = field(x, "type")) && !strcmp(v, "money"))
            sc_buf_puts(o, " 元");
        sc_buf_puts(o, "</span>");
    }
    if ((v = field(x, "same_as")))
        sc_buf_printf(o, " <a class=\"ref\" href=\"#call-%s\">（同 #%s）</a>", v, v);
    if ((v = field(x, "cite"))) {
        sc_buf_puts(o, " <span class=\"cite\">");
        html_text(o, v);
        sc_buf_puts(o, "</span>");
    }
    sc_buf_puts(o, "</div>");
    bool any = false;
    for (size_t k = 0; k < sizeof html_details / sizeof *html_details; k++) {
        const char *key = html_details[k][0];
        if ((v = field(x, key)) && !(shown && !strcmp(key, shown))) {
            sc_buf_puts(o, any ? "" : "<dl class=\"details\">");
            any = true;
            sc_buf_puts(o, "<dt>");
            html_text(o, html_label(b, html_details, sizeof html_details / sizeof *html_details, key));
            sc_buf_printf(o, "</dt><dd class=\"%s\">", key);
            /* the text form's words where they differ (another language) */
            const char *alt = !strcmp(key, "message") ? field(x, "_message") : !strcmp(key, "inferred") ? field(x, "_inferred") : NULL;
            html_text(o, alt ? alt : !strcmp(key, "mode") ? pol_frag(b->lang, mode_frag(v)) : v);
            sc_buf_puts(o, "</dd>");
        }
    }
    if (any)
        sc_buf_puts(o, "</dl>");
    if (x->first >= 0) {
        sc_buf_puts(o, "<ul>");
        for (int c = x->first; c >= 0; c = b->n[c].next)
            write_html(b, c, o);
        sc_buf_puts(o, "</ul>");
    }
    sc_buf_puts(o, "</li>\n");
}

/* System fonts only: no web font, nothing fetched. */
static const char html_style[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\","
    "\"WenQuanYi Micro Hei\",sans-serif;line-height:1.7;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
    "h1{font-size:1.5em;font-weight:600}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.5em}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .6em;text-align:left}"
    "td.value,.value{font-family:\"Noto Sans Mono CJK SC\",\"DejaVu Sans Mono\",monospace;font-weight:600}"
    "ul{list-style:none;padding-left:1.4em;border-left:1px dotted #bbb}li.step{margin:.25em 0}"
    ".kind{color:#666;font-size:.85em}.cite{color:#8a4b00}.cite::before{content:\"〔\"}.cite::after{content:\"〕\"}"
    "dl.details{margin:.1em 0 .3em 1em;font-size:.9em;color:#444;display:grid;grid-template-columns:max-content auto;gap:0 .8em}"
    "dt{color:#888}dd{margin:0;white-space:pre-wrap}pre.why{white-space:pre-wrap;font-size:.9em;background:#faf7ef;padding:.5em .8em}"
    "@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}li.step{break-inside:avoid}}";

/* ---- the explanation ---- */
static void build(xb *b, const pol_explain_opts *o, int only)
{
    const bc_program *p = b->p;
    int root = new_node(b, -1, "explanation");
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (!p->rules[r].is_output || (only >= 0 && (uint32_t)only != r))
            continue;
        const pol_error *e = pol_eval_output_error(b->ev, r);
        if (pol_eval_val(b->ev, r)) {
            size_t before = b->nn;
            uint32_t cut = b->cut;
            rule_node(b, root, r);
            /* --explain-month: outputs without a call for that month are left out */
            if (o->month >= 0 && b->nn > before && b->n[before].first < 0) {
                (void)cut;
            }
        } else if (e && budget(b)) {
            static const char *const status_name[] = {[POL_E_INPUT] = "error", [POL_E_BOUND] = "error", [POL_E_RUNTIME] = "error",
                                                      [POL_NOT_APPLICABLE] = "not-applicable", [POL_UNSTATED] = "unstated"};
            int x = new_node(b, root, "output");
            set_field(b, x, "name", p->rules[r].name, XF_STR);
            set_field(b, x, "type", pol_type_name((pol_type)p->rules[r].type), XF_STR);
            set_field(b, x, "status", e->status < sizeof status_name / sizeof *status_name && status_name[e->status] ? status_name[e->status] : "error", XF_STR);
            set_field(b, x, "message", e->msg, XF_STR);
            set_field(b, x, "cite", p->rules[r].cite, XF_STR);
            char at[POL_POS_TEXT_MAX];
            if (pol_pos_text(&e->pos, at, sizeof at)[0])
                set_field(b, x, "position", at, XF_STR);
            if (took_arm(b->vm, r) && !b->done[r]) { /* a match took an arm: the steps to it (inapplicable, unstated) */
                b->done[r] = 1;
                set_field(b, x, "formula", p->rules[r].formula, XF_STR);
                plain_rule_steps(b, x, r);
            }
        }
    }
    /* the requirements the scenario was checked against (they held: an unmet one is an error) */
    for (uint32_t r = 0; r < p->nrules && only < 0 && o->month < 0; r++)
        if (p->rules[r].is_constraint && !p->rules[r].nargs && pol_eval_val(b->ev, r))
            rule_node(b, root, r);
    if (b->cut) {
        int x = new_node(b, root, "omitted");
        set_fieldf(b, x, "message", XF_STR, "%u more steps not shown (the bound is %u); focus with --explain=OUTPUT or --explain-month YYYY-MM",
                   b->cut, b->max_steps);
        char t[512];
        pol_tr_format(b->lang, t, sizeof t, "%u more steps not shown (the bound is %u); focus with --explain=OUTPUT or --explain-month YYYY-MM",
                      b->cut, b->max_steps);
        set_field(b, x, "_message", t, XF_HIDDEN);
        set_fieldf(b, x, "count", XF_INT, "%u", b->cut);
    }
    if (b->vm->lost) {
        int x = new_node(b, root, "omitted");
        set_fieldf(b, x, "message", XF_STR, "the evaluation took more than %u traced steps; the last %u are not recorded", VM_TRACE_MAX, b->vm->lost);
        char t[512];
        pol_tr_format(b->lang, t, sizeof t, "the evaluation took more than %u traced steps; the last %u are not recorded", VM_TRACE_MAX,
                      b->vm->lost);
        set_field(b, x, "_message", t, XF_HIDDEN);
        set_fieldf(b, x, "count", XF_INT, "%u", b->vm->lost);
    }
}

bool pol_eval_explain_buf(const pol_eval *ev, pol_explain_format fmt, const pol_explain_opts *opts, sc_buf *out, char *err,
                          size_t errlen)
{
    pol_explain_opts none = {.output = NULL, .month = -1};
    const pol_explain_opts *o = opts ? opts : &none;
    xb b = {0};
    b.ev = ev;
    b.p = pol_eval_program(ev);
    b.vm = pol_eval_vm(ev);
    b.lang = pol_lang_get(); /* the process's language (English unless a tool set it); JSON is English in both */
    b.max_steps = o->max_steps ? o->max_steps : POL_EXPLAIN_MAX_STEPS;
    b.month = o->month;
    int only = -1;
    if (o->output && (only = pol_find_output(ev, o->output)) < 0) {
        pol_tr_format(pol_lang_get(), err, errlen, "the policy has no output '%s'", o->output);
        return false;
    }
    const bc_program *p = b.p;
    b.done = pol_xcalloc(p->nrules + 1, 1);
    build(&b, o, only);
    int why = b.month >= 0 ? why_build(&b) : -1;
    clause_words(&b, o);
    int root = 0;
    if (fmt == POL_EXPLAIN_JSON) {
        sc_buf_puts(out, "{\"policy\":");
        sc_buf_json_string(out, p->name, strlen(p->name));
        for (uint32_t i = 0; i < p->nmeta; i++)
            if (!strcmp(p->meta[i].key, "document"))
                sc_buf_puts(out, ",\"document\":"), sc_buf_json_string(out, p->meta[i].value, strlen(p->meta[i].value));
        if (o->output)
            sc_buf_puts(out, ",\"focus\":"), sc_buf_json_string(out, o->output, strlen(o->output));
        if (o->month >= 0) {
            char m[16];
            cd_format_month(o->month, m);
            sc_buf_printf(out, ",\"month\":\"%s\"", m);
        }
        sc_buf_puts(out, ",\"outputs\":");
        pol_eval_outputs_json_buf(ev, out);
        if (why >= 0)
            sc_buf_puts(out, ",\"why\":"), why_json(&b, why, out);
        sc_buf_puts(out, ",\"explanation\":[");
        for (int c = b.n[root].first; c >= 0; c = b.n[c].next) {
            if (c != b.n[root].first)
                sc_buf_putc(out, ',');
            write_json(&b, c, out);
        }
        sc_buf_putc(out, ']');
        if (b.ncl) {
            sc_buf_puts(out, ",\"clauses\":[");
            for (size_t k = 0; k < b.ncl; k++) {
                sc_buf_puts(out, k ? ",{\"id\":" : "{\"id\":");
                sc_buf_json_string(out, b.cl_id[k], strlen(b.cl_id[k]));
                sc_buf_puts(out, ",\"text\":");
                sc_buf_json_string(out, b.cl_words[k], strlen(b.cl_words[k]));
                sc_buf_putc(out, '}');
            }
            sc_buf_putc(out, ']');
        }
        sc_buf_putc(out, '}');
    } else if (fmt == POL_EXPLAIN_TEXT) {
        tput(&b, out, N_("policy: %s"), p->name);
        sc_buf_putc(out, '\n');
        for (uint32_t i = 0; i < p->nmeta; i++) {
            const char *mk = p->meta[i].key, *mv = p->meta[i].value;
            if (!strcmp(mk, "document"))
                tput(&b, out, N_("document: %s"), mv);
            else if (!strcmp(mk, "basis"))
                tput(&b, out, N_("basis: %s"), mv);
            else if (!strcmp(mk, "文号"))
                sc_buf_printf(out, b.lang == POL_LANG_EN ? "%s: %s" : "%s：%s", mk, mv);
            else
                continue;
            sc_buf_putc(out, '\n');
        }
        if (o->month >= 0) {
            char m[16], zm[32];
            cd_format_month(o->month, m);
            tput(&b, out, N_("month: %s (only the calls for this month)"), prose_date(b.lang, m, zm, sizeof zm));
            sc_buf_putc(out, '\n');
            if (why >= 0)
                why_text(&b, why, out);
        }
        for (int c = b.n[root].first; c >= 0; c = b.n[c].next)
            write_text(&b, c, 0, out);
        if (b.ncl) {
            tput(&b, out, N_("the clauses cited, in the notice's words:"));
            sc_buf_putc(out, '\n');
            for (size_t k = 0; k < b.ncl; k++) {
                sc_buf_printf(out, "  [%s] ", b.cl_id[k]);
                put_indented(out, b.cl_words[k], 4);
                sc_buf_putc(out, '\n');
            }
        }
    } else {
        sc_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
        html_text(out, p->name);
        sc_buf_printf(out, "</title><style>%s</style></head>\n<body>\n<h1>", html_style);
        html_text(out, p->name);
        sc_buf_puts(out, "</h1>\n");
        for (uint32_t i = 0; i < p->nmeta; i++) {
            sc_buf_puts(out, i ? "" : "<p class=\"meta\">");
            sc_buf_puts(out, "<span class=\"meta-key\">");
            html_text(out, p->meta[i].key);
            sc_buf_puts(out, "</span>：");
            html_text(out, p->meta[i].value);
            sc_buf_puts(out, i + 1 < p->nmeta ? "；" : "</p>\n");
        }
        /* English: the bilingual headings the page has always had; Chinese: Chinese only */
        sc_buf_puts(out, b.lang == POL_LANG_EN ? "<h2>结果 Results</h2>\n" : "<h2>结果</h2>\n");
        sc_buf_puts(out, "<table class=\"results\"><tr><th>输出</th><th>值</th><th>条款</th></tr>\n");
        for (int c = b.n[root].first; c >= 0; c = b.n[c].next) {
            const xnode *x = &b.n[c];
            if (strcmp(x->kind, "output"))
                continue;
            const char *v = field(x, "value"), *t = field(x, "type");
            sc_buf_puts(out, "<tr><td class=\"name\">");
            html_text(out, field(x, "name"));
            sc_buf_puts(out, "</td><td class=\"value\">");
            html_text(out, v ? (field(x, "_value") ? field(x, "_value") : v) : field(x, "message"));
            if (v && t && !strcmp(t, "money"))
                sc_buf_puts(out, " 元");
            sc_buf_puts(out, "</td><td class=\"cite\">");
            html_text(out, field(x, "cite"));
            sc_buf_puts(out, "</td></tr>\n");
        }
        sc_buf_puts(out, b.lang == POL_LANG_EN ? "</table>\n<h2>计算过程 Explanation</h2>\n" : "</table>\n<h2>计算过程</h2>\n");
        if (why >= 0) { /* the month's why, as the text form says it */
            sc_buf w;
            sc_buf_init(&w);
            why_text(&b, why, &w);
            sc_buf_puts(out, b.lang == POL_LANG_EN ? "<h2>为何 Why this month</h2>\n<pre class=\"why\">" : "<h2>为何</h2>\n<pre class=\"why\">");
            html_text(out, w.data);
            sc_buf_puts(out, "</pre>\n");
            sc_buf_clear(&w);
        }
        sc_buf_puts(out, "<ul class=\"explanation\">\n");
        for (int c = b.n[root].first; c >= 0; c = b.n[c].next)
            write_html(&b, c, out);
        sc_buf_puts(out, "</ul>\n");
        if (b.ncl) {
            sc_buf_puts(out, b.lang == POL_LANG_EN ? "<h2>条款原文 The clauses cited</h2>\n" : "<h2>条款原文</h2>\n");
            sc_buf_puts(out, "<dl class=\"clauses\">\n");
            for (size_t k = 0; k < b.ncl; k++) {
                sc_buf_puts(out, "<dt class=\"clause-id\">");
                html_text(out, b.cl_id[k]);
                sc_buf_puts(out, "</dt><dd class=\"clause-text\">");
                html_text(out, b.cl_words[k]);
                sc_buf_puts(out, "</dd>\n");
            }
            sc_buf_puts(out, "</dl>\n");
        }
        sc_buf_puts(out, "</body></html>\n");
    }
    xb_free(&b);
    return true;
}

void pol_eval_explain_text_buf(const pol_eval *ev, sc_buf *out) { pol_eval_explain_buf(ev, POL_EXPLAIN_TEXT, NULL, out, NULL, 0); }
void pol_eval_explain_json_buf(const pol_eval *ev, sc_buf *out) { pol_eval_explain_buf(ev, POL_EXPLAIN_JSON, NULL, out, NULL, 0); }

static char *explain_string(const pol_eval *ev, pol_explain_format fmt, const pol_explain_opts *o, char *err, size_t errlen)
{
    sc_buf b;
    sc_buf_init(&b);
    if (!pol_eval_explain_buf(ev, fmt, o, &b, err, errlen)) {
        sc_buf_clear(&b);
        return NULL;
    }
    return b.data ? b.data : pol_xstrdup("");
}

char *pol_eval_explain_text(const pol_eval *ev) { return explain_string(ev, POL_EXPLAIN_TEXT, NULL, NULL, 0); }
char *pol_eval_explain_json(const pol_eval *ev) { return explain_string(ev, POL_EXPLAIN_JSON, NULL, NULL, 0); }

char *pol_eval_explain_focus(const pol_eval *ev, const char *format, const char *output, const char *month, char *err,
                             size_t errlen)
{
    pol_explain_opts o = {.output = output && *output ? output : NULL, .month = -1};
    pol_explain_format fmt;
    char dummy[8];
    if (!err || !errlen)
        err = dummy, errlen = sizeof dummy;
    if (!format || !strcmp(format, "text"))
        fmt = POL_EXPLAIN_TEXT;
    else if (!strcmp(format, "json"))
        fmt = POL_EXPLAIN_JSON;
    else if (!strcmp(format, "html"))
        fmt = POL_EXPLAIN_HTML;
    else {
        pol_tr_format(pol_lang_get(), err, errlen, "the explanation's format is text, json or html, not '%s'", format);
        return NULL;
    }
    if (month && *month) {
        int32_t m;
        if (!cd_parse_month(month, strlen(month), &m)) {
            pol_tr_format(pol_lang_get(), err, errlen, "'%s' is not a month (YYYY-MM)", month);
            return NULL;
        }
        o.month = m;
    }
    return explain_string(ev, fmt, &o, err, errlen);
}
