/* pol.c -- libpol: policies, evaluators, scenario inputs, outputs,
 * explanations and the policy's own tests.  Implements the public API
 * (pol.h, POL_API: the only symbols libpol.so exports) and the internal one
 * pol's tools use (polint.h).  Shares its contract with runtime/pol.h,
 * runtime/polint.h, runtime/vm.h, runtime/scen.h. */
#include "polint.h"
#include "lang.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bciter.h"
#include "caldate.h"
#include "file.h"
#include "hash.h"
#include "mem.h"
#include "sign.h"

struct pol_policy {
    bc_program *prog;
    uint32_t *outs, nouts;   /* the outputs, in rule order                    */
    uint32_t *out_slot;      /* per rule: its index in outs, or BC_NONE       */
    uint32_t *in_tab, *rule_tab; /* open-addressing name -> index+1 tables */
    uint32_t in_cap, rule_cap;
    size_t **member_len;     /* per enumeration: strlen of each member's name */
};

struct pol_eval {
    const pol_policy *pol;
    vm_state *vm;
    char **texts;        /* owned copies of the scenario's text values       */
    size_t ntexts, captexts;
    uint32_t *seen, seen_gen; /* per input: set by the current record when seen[i] == seen_gen */
    pol_error *oerr;     /* per output (pol->outs): why it has no value; POL_OK if it has one */
    /* per output: which error oerr holds (its status aside), a number given
     * each time one is written (pol_eval_output_error_id); and, when it is a
     * not-applicable one, its reason, so that the same reason next time
     * writes nothing (an output of another scheme, record after record) */
    uint64_t *oid, next_id;
    struct pol_na_held { uint32_t k, origin; pol_lang lang; bool held; } *ona;
    uint32_t nerrors, nna, nunstated; /* the last run's counts               */
};

#define xcalloc pol_xcalloc

/* A bytecode position as pol.h shows it: with its file's name. */
static pol_pos pub_pos(const bc_program *p, bc_pos pos)
{
    return (pol_pos){bc_file_name(p, pos), pos.line, pos.col};
}

static void build_table(uint32_t **tab, uint32_t *cap, uint32_t n, const char *(*name)(const bc_program *, uint32_t),
                        const bc_program *p)
{
    *cap = 8;
    while (*cap < n * 2 + 2)
        *cap *= 2;
    *tab = xcalloc(*cap, sizeof **tab);
    for (uint32_t i = 0; i < n; i++) {
        const char *s = name(p, i);
        for (uint32_t h = pol_hash(s, strlen(s)) & (*cap - 1);; h = (h + 1) & (*cap - 1)) {
            if (!(*tab)[h]) {
                (*tab)[h] = i + 1;
                break;
            }
        }
    }
}

static const char *input_name(const bc_program *p, uint32_t i) { return p->inputs[i].name; }
static const char *rule_name(const bc_program *p, uint32_t i) { return p->rules[i].name; }

static int find_in(const uint32_t *tab, uint32_t cap, const char *(*name)(const bc_program *, uint32_t),
                   const bc_program *p, const char *s, size_t n)
{
    for (uint32_t h = pol_hash(s, n) & (cap - 1);; h = (h + 1) & (cap - 1)) {
        uint32_t v = tab[h];
        if (!v)
            return -1;
        const char *cand = name(p, v - 1);
        if (strlen(cand) == n && memcmp(cand, s, n) == 0)
            return (int)(v - 1);
    }
}

pol_policy *pol_policy_adopt(bc_program *prog, char *err, size_t errlen)
{
    if (!bc_verify(prog, err, errlen)) {
        bc_free(prog);
        return NULL;
    }
    pol_policy *pol = xcalloc(1, sizeof *pol);
    pol->prog = prog;
    pol->outs = xcalloc(prog->nrules + 1, sizeof *pol->outs);
    pol->out_slot = xcalloc(prog->nrules + 1, sizeof *pol->out_slot);
    for (uint32_t r = 0; r < prog->nrules; r++) {
        pol->out_slot[r] = prog->rules[r].is_output ? pol->nouts : BC_NONE;
        if (prog->rules[r].is_output)
            pol->outs[pol->nouts++] = r;
    }
    build_table(&pol->in_tab, &pol->in_cap, prog->ninputs, input_name, prog);
    build_table(&pol->rule_tab, &pol->rule_cap, prog->nrules, rule_name, prog);
    pol->member_len = xcalloc(prog->nenums + 1, sizeof *pol->member_len);
    for (uint32_t e = 0; e < prog->nenums; e++) {
        pol->member_len[e] = xcalloc(prog->enums[e].nmembers + 1, sizeof **pol->member_len);
        for (uint32_t m = 0; m < prog->enums[e].nmembers; m++)
            pol->member_len[e][m] = strlen(prog->enums[e].members[m].name);
    }
    return pol;
}

pol_policy *pol_policy_from_bytes_trusted(const uint8_t *data, size_t len, const pol_trust *trust, char *err,
                                          size_t errlen)
{
    bc_program *p = bc_read_accept(data, len, pol_sig_accept, (void *)trust, err, errlen);
    return p ? pol_policy_adopt(p, err, errlen) : NULL;
}

pol_policy *pol_policy_from_bytes(const uint8_t *data, size_t len, char *err, size_t errlen)
{
    return pol_policy_from_bytes_trusted(data, len, NULL, err, errlen);
}

pol_policy *pol_policy_load_trusted(const char *path, const pol_trust *trust, char *err, size_t errlen)
{
    size_t n;
    uint8_t *buf = (uint8_t *)pol_read_file_head(path, POL_PROGRAM_LIMIT, BC_MAGIC, 4, &n);
    if (!buf) {
        int e = errno;
        pol_tr_format(pol_lang_get(), err, errlen, "%s: %s", path,
                      e == EFBIG ? FRAG("larger than 1 GiB") : pol_as_frag((char[96]){0}, 96, pol_file_error(e)));
        errno = e; /* callers tell a missing file from a bad one by errno */
        return NULL;
    }
    char inner[400];
    pol_policy *pol = pol_policy_from_bytes_trusted(buf, n, trust, inner, sizeof inner);
    free(buf);
    if (!pol) {
        snprintf(err, errlen, "%s: %s", path, inner);
        errno = 0; /* read, but not a valid policy */
    }
    return pol;
}

pol_policy *pol_policy_load(const char *path, char *err, size_t errlen)
{
    return pol_policy_load_trusted(path, NULL, err, errlen);
}

void pol_policy_free(pol_policy *pol)
{
    if (!pol)
        return;
    for (uint32_t e = 0; pol->member_len && e < pol->prog->nenums; e++)
        free(pol->member_len[e]);
    free(pol->member_len);
    bc_free(pol->prog);
    free(pol->outs);
    free(pol->out_slot);
    free(pol->in_tab);
    free(pol->rule_tab);
    free(pol);
}

const bc_program *pol_policy_program(const pol_policy *pol) { return pol->prog; }
const char *pol_policy_name(const pol_policy *pol) { return pol->prog->name; }
const char *pol_policy_source(const pol_policy *pol) { return pol->prog->source; }

int pol_find_input(const pol_policy *pol, const char *name, size_t len)
{
    return find_in(pol->in_tab, pol->in_cap, input_name, pol->prog, name, len);
}

int pol_find_rule(const pol_policy *pol, const char *name, size_t len)
{
    return find_in(pol->rule_tab, pol->rule_cap, rule_name, pol->prog, name, len);
}

static void json_opt(sc_buf *b, const char *key, const char *v)
{
    sc_buf_putc(b, ',');
    sc_buf_json_string(b, key, strlen(key));
    sc_buf_putc(b, ':');
    if (v)
        sc_buf_json_string(b, v, strlen(v));
    else
        sc_buf_puts(b, "null");
}

/* ,"members":["a","b",...] of an enumeration. */
static void json_members(sc_buf *b, const bc_enum *en)
{
    sc_buf_puts(b, ",\"members\":[");
    for (uint32_t m = 0; m < en->nmembers; m++) {
        if (m)
            sc_buf_putc(b, ',');
        sc_buf_json_string(b, en->members[m].name, strlen(en->members[m].name));
    }
    sc_buf_putc(b, ']');
}

/* ,"record":"R","fields":[...] of a list of records R (an input or an output). */
static void json_record(sc_buf *b, const bc_program *p, uint32_t tref)
{
    if (pol_list_values(tref)) { /* a list of values: "of": their type */
        sc_buf_printf(b, ",\"of\":\"%s\"", pol_type_name(pol_list_elem(tref)));
        return;
    }
    if (tref >= p->nrecords)
        return;
    const bc_record *rt = &p->records[tref];
    sc_buf_puts(b, ",\"record\":");
    sc_buf_json_string(b, rt->name, strlen(rt->name));
    sc_buf_puts(b, ",\"fields\":[");
    for (uint32_t k = 0; k < rt->nfields; k++) {
        sc_buf_puts(b, k ? ",{\"name\":" : "{\"name\":");
        sc_buf_json_string(b, rt->fields[k].name, strlen(rt->fields[k].name));
        sc_buf_printf(b, ",\"type\":\"%s\"", pol_type_name((pol_type)rt->fields[k].type));
        if (rt->fields[k].type == PT_ENUM && rt->fields[k].tref < p->nenums)
            json_members(b, &p->enums[rt->fields[k].tref]);
        sc_buf_putc(b, '}');
    }
    sc_buf_putc(b, ']');
}
static void output_inferred_json(const bc_program *p, uint32_t r, sc_buf *b);
static void provenance_json(const bc_program *p, sc_buf *b);
static void parameters_json(const bc_program *p, sc_buf *b);

void pol_policy_interface_json_buf(const pol_policy *pol, sc_buf *b)
{
    const bc_program *p = pol->prog;
    char tmp[512];
    sc_buf_puts(b, "{\"policy\":");
    sc_buf_json_string(b, p->name, strlen(p->name));
    sc_buf_puts(b, ",\"source\":");
    sc_buf_json_string(b, p->source ? p->source : "", p->source ? strlen(p->source) : 0);
    sc_buf_puts(b, ",\"meta\":{");
    for (uint32_t i = 0, n = 0; i < p->nmeta; i++) {
        /* the clause map ("clause ID", "clause-note ID": compiler/clause.h) is not a header field */
        if (!strncmp(p->meta[i].key, "clause ", 7) || !strncmp(p->meta[i].key, "clause-note ", 12))
            continue;
        if (n++)
            sc_buf_putc(b, ',');
        sc_buf_json_string(b, p->meta[i].key, strlen(p->meta[i].key));
        sc_buf_putc(b, ':');
        sc_buf_json_string(b, p->meta[i].value, strlen(p->meta[i].value));
    }
    sc_buf_puts(b, "},\"inputs\":[");
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const bc_input *x = &p->inputs[i];
        sc_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        sc_buf_json_string(b, x->name, strlen(x->name));
        sc_buf_printf(b, ",\"type\":\"%s\"", pol_type_name((pol_type)x->type));
        if (x->type == PT_LIST)
            json_record(b, p, x->tref);
        if (x->type == PT_ENUM && x->tref < p->nenums) {
            const bc_enum *en = &p->enums[x->tref];
            sc_buf_puts(b, ",\"enum\":");
            sc_buf_json_string(b, en->name, strlen(en->name));
            json_members(b, en);
        }
        if (x->kmin != BC_NONE) {
            bc_const_text(p, x->kmin, tmp, sizeof tmp);
            json_opt(b, "min", tmp);
            if (x->pmin != BC_NONE)
                json_opt(b, "min_param", p->params[x->pmin].name);
        }
        if (x->kmax != BC_NONE) {
            bc_const_text(p, x->kmax, tmp, sizeof tmp);
            json_opt(b, "max", tmp);
            if (x->pmax != BC_NONE)
                json_opt(b, "max_param", p->params[x->pmax].name);
        }
        json_opt(b, "cite", x->cite);
        json_opt(b, "note", x->doc);
        sc_buf_putc(b, '}');
    }
    sc_buf_puts(b, "],\"outputs\":[");
    bool first = true;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const bc_rule *x = &p->rules[i];
        if (!x->is_output)
            continue;
        sc_buf_puts(b, first ? "{\"name\":" : ",{\"name\":");
        first = false;
        sc_buf_json_string(b, x->name, strlen(x->name));
        sc_buf_printf(b, ",\"type\":\"%s\",\"places\":%u", pol_type_name((pol_type)x->type), x->places);
        if (x->type == PT_LIST)
            json_record(b, p, x->tref);
        if (x->when) /* a partial output: not applicable unless this holds */
            json_opt(b, "when", x->when);
        json_opt(b, "cite", x->cite);
        json_opt(b, "note", x->doc);
        output_inferred_json(p, i, b);
        sc_buf_putc(b, '}');
    }
    sc_buf_puts(b, "],\"requirements\":[");
    first = true;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const bc_rule *x = &p->rules[i];
        if (!x->is_constraint)
            continue;
        sc_buf_puts(b, first ? "{\"name\":" : ",{\"name\":");
        first = false;
        sc_buf_json_string(b, x->name, strlen(x->name));
        json_opt(b, "formula", x->formula);
        json_opt(b, "cite", x->cite);
        json_opt(b, "note", x->doc);
        sc_buf_putc(b, '}');
    }
    sc_buf_putc(b, ']');
    parameters_json(p, b);
    provenance_json(p, b);
    sc_buf_putc(b, '}');
}

/* ---- evaluation ---- */
pol_eval *pol_eval_new(const pol_policy *pol)
{
    pol_eval *ev = xcalloc(1, sizeof *ev);
    ev->pol = pol;
    ev->vm = vm_new(pol->prog);
    ev->seen = xcalloc(pol->prog->ninputs + 1, sizeof *ev->seen);
    ev->seen_gen = 1; /* nothing seen yet, before the first pol_eval_begin too */
    ev->oerr = xcalloc(pol->nouts + 1, sizeof *ev->oerr);
    ev->oid = xcalloc(pol->nouts + 1, sizeof *ev->oid);
    ev->ona = xcalloc(pol->nouts + 1, sizeof *ev->ona);
    return ev;
}

void pol_eval_free(pol_eval *ev)
{
    if (!ev)
        return;
    for (size_t i = 0; i < ev->ntexts; i++)
        free(ev->texts[i]);
    free(ev->texts);
    free(ev->seen);
    free(ev->oerr);
    free(ev->oid);
    free(ev->ona);
    vm_free(ev->vm);
    free(ev);
}

/* A copy of text that lives until the next scenario. */
static char *keep_text(pol_eval *ev, const char *text, size_t len)
{
    POL_GROW(ev->texts, ev->captexts, ev->ntexts + 1);
    char *copy = pol_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = 0;
    ev->texts[ev->ntexts++] = copy;
    return copy;
}

void pol_eval_begin(pol_eval *ev)
{
    for (size_t i = 0; i < ev->ntexts; i++)
        free(ev->texts[i]);
    ev->ntexts = 0;
    vm_reset(ev->vm);
    if (++ev->seen_gen == 0) { /* once in 2^32 scenarios: really clear */
        memset(ev->seen, 0, sizeof *ev->seen * ev->pol->prog->ninputs);
        ev->seen_gen = 1;
    }
}

void pol_eval_set_step_limit(pol_eval *ev, uint64_t steps) { ev->vm->max_steps = steps; }
void pol_eval_set_trace(pol_eval *ev, bool on) { ev->vm->trace = on; }

static int input_error(pol_error *err, pol_status st, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int input_error(pol_error *err, pol_status st, const char *field, const char *fmt, ...)
{
    err->status = st;
    snprintf(err->field, sizeof err->field, "%s", field);
    err->pos = (pol_pos){NULL, 0, 0};
    va_list ap;
    va_start(ap, fmt);
    pol_tr_vformat2(err->msg, sizeof err->msg, err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return -1;
}

/* input_error for a message that ends with an inner one ("%s" last, after
 * one argument x): the inner message's English goes into msg, its text in
 * the process's language (tr) into text. */
#define NESTED_ERROR(err, st, field, fmt, x, en, tr)                                         \
    do {                                                                                     \
        input_error((err), (st), (field), fmt, (x), (en));                                   \
        if (pol_lang_get() != POL_LANG_EN)                                                   \
            pol_tr_format(pol_lang_get(), (err)->text, sizeof (err)->text, fmt, (x), (tr));  \
    } while (0)

static const char *kind_text(scv_kind k)
{
    switch (k) {
    case SCV_STRING: return FRAG("a string");
    case SCV_NUMBER: return FRAG("a number");
    case SCV_TRUE: case SCV_FALSE: return FRAG("a boolean");
    case SCV_NULL: return FRAG("null");
    case SCV_ARRAY: return FRAG("an array");
    case SCV_OBJECT: return FRAG("an object");
    default: return FRAG("a cell");
    }
}

/* src into dst (cap > 0), cut if it must be between UTF-8 characters. */
static void copy_cut(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void shorten(const char *text, size_t len, char *out, size_t cap)
{
    size_t n = len < cap - 4 ? len : cap - 4;
    while (n > 0 && n < len && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--; /* do not cut a UTF-8 character */
    memcpy(out, text, n);
    strcpy(out + n, n < len ? "..." : "");
}

static int parse_list(pol_eval *ev, vm_val *v, const char *name, uint32_t tref, const char *text, size_t len, pol_error *err);

/* Parses one scenario value of type t into v; `name` names it in messages. */
static int parse_into(pol_eval *ev, vm_val *v, const char *name, pol_type t, uint32_t tref, scv_kind kind, const char *text,
                      size_t len, pol_error *err)
{
    const bc_program *p = ev->pol->prog;
    struct { const char *name; } in_ = {name}, *in = &in_;
    char shown[80]; /* the value as the messages show it: made only for an error */
    char fr[80];    /* a FRAG argument built at run time (pol_as_frag)      */
#define SHOWN() (shorten(text, len, shown, sizeof shown), shown)
    if (t == PT_LIST && pol_list_values(tref)) {
        if (kind != SCV_ARRAY && kind != SCV_CSV)
            return input_error(err, POL_E_INPUT, name, "input %s must be a JSON array of %s values, found %s", name,
                               pol_type_name(pol_list_elem(tref)), kind_text(kind));
        return parse_list(ev, v, name, tref, text, len, err);
    }
    if (t == PT_LIST) {
        if (kind != SCV_ARRAY && kind != SCV_CSV)
            return input_error(err, POL_E_INPUT, name, "input %s must be a JSON array of %s records, found %s", name,
                               p->records[tref].name, kind_text(kind));
        return parse_list(ev, v, name, tref, text, len, err);
    }
    if (kind == SCV_NULL)
        return input_error(err, POL_E_INPUT, in->name, "input %s is null; give a %s", in->name, pol_type_name(t));
    if (kind == SCV_ARRAY || kind == SCV_OBJECT)
        return input_error(err, POL_E_INPUT, in->name, "input %s is %s; it should be %s", in->name, kind_text(kind), pol_type_name(t));
    if (pol_type_numeric(t)) {
        if (kind != SCV_NUMBER && kind != SCV_STRING && kind != SCV_CSV)
            return input_error(err, POL_E_INPUT, in->name, "input %s must be a number (%s), found %s", in->name, pol_type_name(t), kind_text(kind));
        dec_status st = dec_parse(&v->d, text, len);
        if (st != DEC_OK)
            return input_error(err, POL_E_INPUT, in->name, "input %s: \"%s\" is not a number (%s)", in->name, SHOWN(),
                               pol_as_frag(fr, sizeof fr, dec_status_text(st)));
        if ((t == PT_INT || t == PT_MONTHS || t == PT_DAYS) && !dec_is_integer(&v->d))
            return input_error(err, POL_E_INPUT, in->name, "input %s must be a whole number, found %s", in->name, SHOWN());
        if (len > 0 && text[len - 1] == '%' && t != PT_RATE)
            return input_error(err, POL_E_INPUT, in->name, "input %s is %s, not a rate: \"%s\"", in->name, pol_type_name(t), SHOWN());
        v->t = (uint8_t)t;
        return 0;
    }
    switch (t) {
    case PT_BOOL:
        if (kind == SCV_TRUE || kind == SCV_FALSE) {
            v->i = kind == SCV_TRUE;
        } else if (kind == SCV_CSV && ((len == 4 && !memcmp(text, "true", 4)) || (len == 1 && text[0] == '1'))) {
            v->i = 1;
        } else if (kind == SCV_CSV && ((len == 5 && !memcmp(text, "false", 5)) || (len == 1 && text[0] == '0'))) {
            v->i = 0;
        } else
            return input_error(err, POL_E_INPUT, in->name, "input %s must be true or false, found %s", in->name,
                               kind == SCV_CSV || kind == SCV_STRING ? SHOWN() : kind_text(kind));
        v->t = PT_BOOL;
        return 0;
    case PT_DATE:
        if ((kind != SCV_STRING && kind != SCV_CSV) || !cd_parse_date(text, len, &v->i))
            return input_error(err, POL_E_INPUT, in->name, "input %s must be a date written YYYY-MM-DD (a real calendar day), found %s",
                               in->name, kind == SCV_STRING || kind == SCV_CSV ? SHOWN() : kind_text(kind));
        v->t = PT_DATE;
        return 0;
    case PT_MONTH:
        if ((kind != SCV_STRING && kind != SCV_CSV) || !cd_parse_month(text, len, &v->i))
            return input_error(err, POL_E_INPUT, in->name, "input %s must be a month written YYYY-MM, found %s", in->name,
                               kind == SCV_STRING || kind == SCV_CSV ? SHOWN() : kind_text(kind));
        v->t = PT_MONTH;
        return 0;
    case PT_TEXT: {
        if (kind != SCV_STRING && kind != SCV_CSV)
            return input_error(err, POL_E_INPUT, in->name, "input %s must be text, found %s", in->name, kind_text(kind));
        /* Text values are NUL-terminated in the VM: "a\u0000bcd" would
         * silently become "a", so it is refused (docs/polrun.md). */
        if (memchr(text, 0, len))
            return input_error(err, POL_E_INPUT, in->name,
                               "input %s contains U+0000 (a NUL character), which a text value cannot hold", in->name);
        char *copy = keep_text(ev, text, len);
        v->s = copy;
        v->t = PT_TEXT;
        return 0;
    }
    case PT_ENUM: {
        const bc_enum *en = &p->enums[tref];
        const size_t *mlen = ev->pol->member_len[tref];
        if (kind == SCV_STRING || kind == SCV_CSV)
            for (uint32_t m = 0; m < en->nmembers; m++)
                if (mlen[m] == len && sc_same_bytes(en->members[m].name, text, len)) {
                    v->t = PT_ENUM;
                    v->i = (int32_t)m;
                    return 0;
                }
        char members[300] = "";
        size_t at = 0;
        for (uint32_t m = 0; m < en->nmembers && at < sizeof members - 40; m++)
            at += (size_t)snprintf(members + at, sizeof members - at, "%s%s", m ? ", " : "", en->members[m].name);
        return input_error(err, POL_E_INPUT, in->name, "input %s must be one of %s (%s), found %s", in->name, en->name, members,
                           kind == SCV_STRING || kind == SCV_CSV ? SHOWN() : kind_text(kind));
    }
    default:
        return input_error(err, POL_E_INPUT, in->name, "input %s has an unsupported type", in->name);
    }
}
#undef SHOWN

int pol_eval_set_field(pol_eval *ev, uint32_t i, scv_kind kind, const char *text, size_t len, pol_error *err)
{
    const bc_input *in = &ev->pol->prog->inputs[i];
    return parse_into(ev, &ev->vm->inputs[i], in->name, (pol_type)in->type, in->tref, kind, text, len, err);
}

typedef struct list_ctx {
    pol_eval *ev;
    const char *name;
    uint32_t tref;
    vm_list *list;
    pol_error *perr;
} list_ctx;

static int list_elem(void *vctx, int index, const char *elem, size_t elen, sc_error *serr)
{
    list_ctx *lc = vctx;
    pol_eval *ev = lc->ev;
    const bc_program *p = ev->pol->prog;
    const bc_record *rt = &p->records[lc->tref];
    char where[300];
    snprintf(where, sizeof where, "%s[%d]", lc->name, index);
    sc_record rec;
    sc_record_init(&rec);
    int rc = -1;
    if (sc_parse_json_object(&rec, elem, elen, serr) != 0) {
        NESTED_ERROR(lc->perr, POL_E_INPUT, where, "%s: %s", where, serr->msg, sc_error_message(serr));
        goto out;
    }
    vm_val *fields = vm_heap_vals(&ev->vm->heap, rt->nfields ? rt->nfields : 1);
    if (!fields) {
        input_error(lc->perr, POL_E_INPUT, where, "%s: the scenario is too large", where);
        goto out;
    }
    for (int f = 0; f < rec.count; f++) {
        const sc_field *fld = &rec.fields[f];
        uint32_t k = 0;
        while (k < rt->nfields && !(strlen(rt->fields[k].name) == fld->name_len && !memcmp(rt->fields[k].name, fld->name, fld->name_len)))
            k++;
        char fname[200];
        shorten(fld->name, fld->name_len, fname, sizeof fname);
        if (k == rt->nfields) {
            input_error(lc->perr, POL_E_INPUT, where, "%s: unknown field \"%s\" (a %s has: %s%s)", where, fname, rt->name,
                        rt->nfields ? rt->fields[0].name : "", rt->nfields > 1 ? ", ..." : "");
            goto out;
        }
        char what[520];
        snprintf(what, sizeof what, "%s.%s", where, fname);
        if (parse_into(ev, &fields[k], what, (pol_type)rt->fields[k].type, rt->fields[k].tref, fld->kind, fld->text, fld->len,
                       lc->perr) != 0)
            goto out;
    }
    for (uint32_t k = 0; k < rt->nfields; k++)
        if (fields[k].t == PT_VOID) {
            input_error(lc->perr, POL_E_INPUT, where, "%s: field %s is missing", where, rt->fields[k].name);
            goto out;
        }
    vm_val recv;
    memset(&recv, 0, sizeof recv);
    recv.t = PT_RECORD;
    recv.tref = lc->tref;
    recv.ref = fields;
    if (!vm_list_append(&ev->vm->heap, lc->list, &recv)) {
        input_error(lc->perr, POL_E_INPUT, where, "%s: the scenario is too large", where);
        goto out;
    }
    rc = 0;
out:
    sc_record_clear(&rec);
    if (rc != 0) { /* the full message is in lc->perr; the reader's copy may be shorter */
        copy_cut(serr->msg, sizeof serr->msg, lc->perr->msg);
        copy_cut(serr->text, sizeof serr->text, lc->perr->text);
    }
    return rc;
}

/* One element of a list of values: parsed as an input of the element type
 * named NAME[i], so its errors say where it is. */
static int value_elem(void *vctx, int index, scv_kind kind, const char *text, size_t len, sc_error *serr)
{
    list_ctx *lc = vctx;
    char where[300];
    snprintf(where, sizeof where, "%s[%d]", lc->name, index);
    vm_val v;
    memset(&v, 0, sizeof v);
    dec_init(&v.d);
    int rc = parse_into(lc->ev, &v, where, pol_list_elem(lc->tref), 0, kind, text, len, lc->perr);
    if (rc == 0 && !vm_list_append(&lc->ev->vm->heap, lc->list, &v)) {
        input_error(lc->perr, POL_E_INPUT, where, "%s: the scenario is too large", where);
        rc = -1;
    }
    dec_clear(&v.d);
    if (rc != 0) {
        copy_cut(serr->msg, sizeof serr->msg, lc->perr->msg);
        copy_cut(serr->text, sizeof serr->text, lc->perr->text);
    }
    return rc;
}

/* A list input: its records (list_elem) or its values (value_elem), the
 * whole array checked before any element is kept. */
static int parse_list(pol_eval *ev, vm_val *v, const char *name, uint32_t tref, const char *text, size_t len, pol_error *err)
{
    vm_list *l = vm_heap_list(&ev->vm->heap);
    if (!l)
        return input_error(err, POL_E_INPUT, name, "input %s: the scenario is too large", name);
    list_ctx lc = {ev, name, tref, l, err};
    sc_error serr;
    memset(&serr, 0, sizeof serr);
    err->msg[0] = 0;
    err->text[0] = 0;
    int rc = pol_list_values(tref) ? sc_json_array_values(text, len, value_elem, &lc, &serr)
                                   : sc_json_array_each(text, len, list_elem, &lc, &serr);
    if (rc != 0) {
        if (!err->msg[0])
            NESTED_ERROR(err, POL_E_INPUT, name, "input %s: %s", name, serr.msg, sc_error_message(&serr));
        return -1;
    }
    v->t = PT_LIST;
    v->tref = tref;
    v->ref = l;
    return 0;
}

int pol_eval_set_record(pol_eval *ev, const sc_record *rec, bool allow_extra, pol_error *err)
{
    const bc_program *p = ev->pol->prog;
    for (int f = 0; f < rec->count; f++) {
        const sc_field *fld = &rec->fields[f];
        int i = pol_find_input(ev->pol, fld->name, fld->name_len);
        char name[200];
        shorten(fld->name, fld->name_len, name, sizeof name);
        if (i < 0) {
            if (allow_extra)
                continue;
            if (pol_find_rule(ev->pol, fld->name, fld->name_len) >= 0)
                return input_error(err, POL_E_INPUT, name, "field \"%s\" is a rule of the policy, not an input; scenarios give inputs only", name);
            return input_error(err, POL_E_INPUT, name, "unknown field \"%s\" (the policy's inputs: %s%s)", name,
                               p->ninputs ? p->inputs[0].name : "none", p->ninputs > 1 ? ", ..." : "");
        }
        if (ev->seen[i] == ev->seen_gen)
            return input_error(err, POL_E_INPUT, name, "field \"%s\" given twice", name);
        ev->seen[i] = ev->seen_gen;
        if (fld->kind == SCV_NULL)
            continue; /* null or an empty CSV cell: the input stays absent */
        if (pol_eval_set_field(ev, (uint32_t)i, fld->kind, fld->text, fld->len, err) != 0)
            return -1;
    }
    return 0;
}

/* A VM failure as pol.h reports it. */
static void vm_to_error(const bc_program *p, const vm_error *ve, pol_error *err)
{
    static const pol_status by_kind[] = {[VM_FAIL_ERROR] = POL_E_RUNTIME, [VM_FAIL_NA] = POL_NOT_APPLICABLE,
                                         [VM_FAIL_UNSTATED] = POL_UNSTATED, [VM_FAIL_REQUIRE] = POL_E_BOUND};
    err->status = ve->kind <= VM_FAIL_REQUIRE ? by_kind[ve->kind] : POL_E_RUNTIME;
    const char *field = ve->guard < p->nrules ? p->rules[ve->guard].name /* the requirement not met */
                      : ve->input != BC_NONE ? p->inputs[ve->input].name /* missing, or out of bounds */
                      : ve->rule < p->nrules ? p->rules[ve->rule].name : "";
    copy_cut(err->field, sizeof err->field, field);
    err->pos = pub_pos(p, ve->pos);
    copy_cut(err->msg, sizeof err->msg, ve->msg);
    copy_cut(err->text, sizeof err->text, ve->text);
}

/* Evaluates rule r on its own; 0, or -1 with *err (any status). */
static int eval_one(pol_eval *ev, uint32_t r, pol_error *err)
{
    const bc_program *p = ev->pol->prog;
    vm_error ve;
    if (vm_eval(ev->vm, r, &ve) != 0) {
        vm_to_error(p, &ve, err);
        return -1;
    }
    const vm_val *v = &ev->vm->rules[r];
    if (p->rules[r].is_output && pol_type_numeric((pol_type)v->t) && v->d.kind == DEC_K_RAT && !dec_is_finite(&v->d)) {
        char ex[300];
        dec_format_exact(&v->d, ex, sizeof ex);
        err->status = POL_E_RUNTIME;
        snprintf(err->field, sizeof err->field, "%s", p->rules[r].name);
        err->pos = pub_pos(p, p->rules[r].pos);
        pol_tr_format2(err->msg, sizeof err->msg, err->text, sizeof err->text,
                       "output %s = %s has no finite decimal expansion; the policy must round it, e.g. round(..., 2)",
                       p->rules[r].name, ex);
        return -1;
    }
    return 0;
}

/* Output o, which the VM evaluated: 0, or -1 with its error in ev->oerr[o]
 * when the value has no finite decimal expansion. */
static int output_value(pol_eval *ev, uint32_t o)
{
    uint32_t r = ev->pol->outs[o];
    const vm_val *v = &ev->vm->rules[r];
    pol_error *e = &ev->oerr[o];
    e->status = POL_OK;
    /* the rare case first: every rule's value holds an initialised dec_t */
    if (__builtin_expect(v->d.kind == DEC_K_RAT, 0) && pol_type_numeric((pol_type)v->t) &&
        ev->pol->prog->rules[r].is_output && eval_one(ev, r, e) != 0) { /* not finite: its error (the value is memoised) */
        ev->ona[o].held = false;
        ev->oid[o] = ++ev->next_id;
        return -1;
    }
    return 0;
}

/* Output o, which failed with ve, into ev->oerr[o]: a not-applicable reason
 * that oerr[o] already holds is not written again.  -1. */
static int output_failed(pol_eval *ev, uint32_t o, vm_error *ve)
{
    const bc_program *p = ev->pol->prog;
    pol_error *e = &ev->oerr[o];
    struct pol_na_held *h = &ev->ona[o];
    if (ve->kind == VM_FAIL_NA) {
        pol_lang lang = pol_lang_get();
        if (h->held && h->k == ve->na_k && h->origin == ve->na_origin && h->lang == lang) {
            e->status = POL_NOT_APPLICABLE; /* field, position and message as last time */
            return -1;
        }
        vm_na_message(ev->vm, ve);
        *h = (struct pol_na_held){ve->na_k, ve->na_origin, lang, true};
    } else
        h->held = false;
    vm_to_error(p, ve, e);
    ev->oid[o] = ++ev->next_id;
    return -1;
}

/* Counts output o's outcome (rc of output_value or output_failed). */
static void output_tally(pol_eval *ev, uint32_t o, int rc, uint32_t *first)
{
    if (rc == 0)
        return;
    pol_status st = ev->oerr[o].status;
    if (st == POL_NOT_APPLICABLE)
        ev->nna++;
    else if (st == POL_UNSTATED)
        ev->nunstated++;
    else {
        ev->nerrors++;
        if (*first == BC_NONE)
            *first = o;
    }
}

uint64_t pol_eval_output_error_id(const pol_eval *ev, uint32_t r)
{
    if (r >= ev->pol->prog->nrules || ev->pol->out_slot[r] == BC_NONE)
        return 0;
    return ev->oid[ev->pol->out_slot[r]];
}

int pol_eval_run(pol_eval *ev, pol_error *err)
{
    const pol_policy *pol = ev->pol;
    uint32_t first = BC_NONE;
    ev->nerrors = ev->nna = ev->nunstated = 0;
    /* the outputs in order, as many at a time as the VM evaluates in one run */
    for (uint32_t o = 0; o < pol->nouts;) {
        uint32_t from = o;
        vm_error ve;
        int rc = vm_eval_roots(ev->vm, pol->outs, pol->nouts, &o, &ve);
        for (; from < o; from++)
            output_tally(ev, from, output_value(ev, from), &first);
        if (rc != 0) {
            output_tally(ev, o, output_failed(ev, o, &ve), &first);
            o++;
        }
    }
    if (first != BC_NONE) {
        *err = ev->oerr[first];
        return -1;
    }
    return 0;
}

const pol_error *pol_eval_output_error(const pol_eval *ev, uint32_t r)
{
    if (r >= ev->pol->prog->nrules || ev->pol->out_slot[r] == BC_NONE)
        return NULL;
    const pol_error *e = &ev->oerr[ev->pol->out_slot[r]];
    return e->status == POL_OK ? NULL : e;
}

void pol_eval_counts(const pol_eval *ev, uint32_t *errors, uint32_t *not_applicable, uint32_t *unstated)
{
    if (errors)
        *errors = ev->nerrors;
    if (not_applicable)
        *not_applicable = ev->nna;
    if (unstated)
        *unstated = ev->nunstated;
}

const vm_val *pol_eval_val(const pol_eval *ev, uint32_t r)
{
    if (r >= ev->pol->prog->nrules || ev->vm->rstate[r] != VM_DONE)
        return NULL;
    return &ev->vm->rules[r];
}

/* vm_value_text, with enumeration members by name. */
static bool value_text(const bc_program *p, const vm_val *v, uint32_t tref, int places, char *buf, size_t cap)
{
    if (v->t == PT_LIST && pol_list_values(v->tref) && cap > 0) { /* [1.00, 2.00]: the values, as far as they fit */
        const vm_list *l = v->ref;
        size_t at = 0;
        char one[200];
        buf[at++] = '[';
        for (uint32_t i = 0; l && i < l->n; i++) {
            if (!vm_value_text(&l->items[i], places, one, sizeof one))
                snprintf(one, sizeof one, "?");
            size_t k = strlen(one);
            if (at + k + 8 > cap) {
                at += (size_t)snprintf(buf + at, cap - at, "%s...", i ? ", " : "");
                break;
            }
            at += (size_t)snprintf(buf + at, cap - at, "%s%s", i ? ", " : "", one);
        }
        if (at + 2 <= cap) {
            buf[at++] = ']';
            buf[at] = 0;
        } else
            buf[cap - 1] = 0;
        return true;
    }
    if (v->t == PT_LIST) {
        uint32_t n = v->ref ? ((const vm_list *)v->ref)->n : 0;
        snprintf(buf, cap, "[%u record%s of %s]", n, n == 1 ? "" : "s", v->tref < p->nrecords ? p->records[v->tref].name : "?");
        return true;
    }
    if (v->t == PT_RECORD) {
        snprintf(buf, cap, "%s(...)", v->tref < p->nrecords ? p->records[v->tref].name : "?");
        return true;
    }
    if (v->t == PT_ENUM) {
        snprintf(buf, cap, "%s", bc_member_name(p, tref, v->i));
        return true;
    }
    return vm_value_text(v, places, buf, cap);
}

bool pol_eval_value_text(const pol_eval *ev, uint32_t r, char *buf, size_t cap)
{
    const vm_val *v = pol_eval_val(ev, r);
    if (!v) {
        snprintf(buf, cap, "(not evaluated)");
        return false;
    }
    const bc_rule *ru = &ev->pol->prog->rules[r];
    return value_text(ev->pol->prog, v, ru->tref, ru->places, buf, cap);
}

/* A value as JSON: numbers, dates and names as strings, booleans bare,
 * records as objects, lists as arrays. */
static void val_json(const bc_program *p, const vm_val *v, uint32_t tref, int places, sc_buf *out)
{
    char buf[1200];
    if (v->t == PT_LIST && v->ref) {
        const vm_list *l = v->ref;
        sc_buf_putc(out, '[');
        for (uint32_t i = 0; i < l->n; i++) {
            if (i)
                sc_buf_putc(out, ',');
            val_json(p, &l->items[i], tref, places, out);
        }
        sc_buf_putc(out, ']');
        return;
    }
    if (v->t == PT_RECORD && v->ref && v->tref < p->nrecords) {
        const bc_record *rt = &p->records[v->tref];
        const vm_val *fields = v->ref;
        sc_buf_putc(out, '{');
        for (uint32_t k = 0; k < rt->nfields; k++) {
            if (k)
                sc_buf_putc(out, ',');
            sc_buf_json_string(out, rt->fields[k].name, strlen(rt->fields[k].name));
            sc_buf_putc(out, ':');
            val_json(p, &fields[k], rt->fields[k].tref, rt->fields[k].type == PT_MONEY ? 2 : 0, out);
        }
        sc_buf_putc(out, '}');
        return;
    }
    /* the common fields of a timeline's months, without a copy through buf */
    if (v->t == PT_BOOL) {
        sc_buf_puts(out, v->i ? "true" : "false");
        return;
    }
    if (v->t == PT_TEXT) {
        const char *t = v->s ? v->s : "";
        sc_buf_json_string(out, t, strlen(t));
        return;
    }
    if (v->t == PT_MONTH || v->t == PT_DATE) { /* digits and '-': nothing to escape */
        char d[16];
        if (v->t == PT_MONTH)
            cd_format_month(v->i, d);
        else
            cd_format_date(v->i, d);
        sc_buf_putc(out, '"');
        sc_buf_puts(out, d);
        sc_buf_putc(out, '"');
        return;
    }
    bool ok = value_text(p, v, tref, places, buf, sizeof buf);
    if (ok && v->t == PT_BOOL)
        sc_buf_puts(out, buf);
    else if (ok)
        sc_buf_json_string(out, buf, strlen(buf));
    else
        sc_buf_puts(out, "null");
}

static void value_json(const pol_eval *ev, uint32_t r, sc_buf *out)
{
    const vm_val *v0 = pol_eval_val(ev, r);
    if (v0 && (v0->t == PT_LIST || v0->t == PT_RECORD)) {
        val_json(ev->pol->prog, v0, ev->pol->prog->rules[r].tref, ev->pol->prog->rules[r].places, out);
        return;
    }
    char buf[1200];
    const vm_val *v = pol_eval_val(ev, r);
    bool ok = pol_eval_value_text(ev, r, buf, sizeof buf);
    if (ok && v && v->t == PT_BOOL)
        sc_buf_puts(out, buf);
    else if (ok)
        sc_buf_json_string(out, buf, strlen(buf));
    else
        sc_buf_puts(out, "null");
}

void pol_eval_outputs_json_buf(const pol_eval *ev, sc_buf *out)
{
    const bc_program *p = ev->pol->prog;
    sc_buf_putc(out, '{');
    bool first = true;
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (!p->rules[r].is_output)
            continue;
        if (!first)
            sc_buf_putc(out, ',');
        first = false;
        sc_buf_json_string(out, p->rules[r].name, strlen(p->rules[r].name));
        sc_buf_putc(out, ':');
        value_json(ev, r, out);
    }
    sc_buf_putc(out, '}');
}

/* ---- explanations ---- */
typedef struct deps {
    uint32_t *inputs, *params, *rules;
    uint32_t ni, np, nr;
} deps;

/* The inputs, parameters and rules a rule's code refers to directly. */
static void rule_deps(const bc_program *p, uint32_t r, deps *d)
{
    d->ni = d->np = d->nr = 0;
    for (bc_iter it = bc_iter_begin(p->code, p->rules[r].entry, p->rules[r].end); bc_iter_more(&it); bc_iter_next(&it)) {
        uint32_t op = it.op;
        uint32_t v = it.len > 1 && !bc_iter_truncated(&it) ? bc_iter_arg(&it, 0) : 0;
        if (op == OP_INPUT) {
            bool dup = false;
            for (uint32_t k = 0; k < d->ni; k++) dup |= d->inputs[k] == v;
            if (!dup) d->inputs[d->ni++] = v;
        } else if (op == OP_PARAM || op == OP_PARAM_AT || op == OP_PARAM_IN) {
            bool dup = false;
            for (uint32_t k = 0; k < d->np; k++) dup |= d->params[k] == v;
            if (!dup) d->params[d->np++] = v;
        } else if (op == OP_RULE || op == OP_CALL) {
            bool dup = false;
            for (uint32_t k = 0; k < d->nr; k++) dup |= d->rules[k] == v;
            if (!dup) d->rules[d->nr++] = v;
        }
    }
}

static void deps_alloc(const bc_program *p, deps *d)
{
    d->inputs = xcalloc(p->ninputs + 1, sizeof *d->inputs);
    d->params = xcalloc(p->nparams + 1, sizeof *d->params);
    d->rules = xcalloc(p->nrules + 1, sizeof *d->rules);
}

static void deps_free(deps *d)
{
    free(d->inputs);
    free(d->params);
    free(d->rules);
}

/* A version's date range for explanations: "always" when open at both ends. */
static void range_text(int32_t from, int32_t to, char *buf, size_t cap)
{
    if (from == BC_OPEN_LO && to == BC_OPEN_HI)
        snprintf(buf, cap, "always");
    else
        bc_range_text(from, to, buf, cap);
}

/* How version ver was inferred: its text, then "; from NAME = VALUE, ..."
 * naming the versions it was derived from. */
static void inferred_text(const bc_program *p, const bc_version *ver, sc_buf *out)
{
    sc_buf_puts(out, ver->inferred);
    for (uint32_t k = 0; k < ver->nsources; k++) {
        const bc_param *sp = &p->params[ver->sources[k].param];
        const bc_version *sv = &sp->versions[ver->sources[k].version];
        char cv[256], rng[48];
        bc_const_text(p, sv->k, cv, sizeof cv);
        sc_buf_printf(out, "%s%s = %s", k ? ", " : "; from ", sp->name, cv);
        if (sp->dated) {
            range_text(sv->from, sv->to, rng, sizeof rng);
            sc_buf_printf(out, " (version %s)", rng);
        }
    }
}

/* ,"inferred":"...","sources":[{"name":..,"value":..},...] of an inferred version. */
static void inferred_json(const bc_program *p, const bc_version *ver, sc_buf *out)
{
    json_opt(out, "inferred", ver->inferred);
    sc_buf_puts(out, ",\"sources\":[");
    for (uint32_t k = 0; k < ver->nsources; k++) {
        const bc_param *sp = &p->params[ver->sources[k].param];
        char cv[256];
        bc_const_text(p, sp->versions[ver->sources[k].version].k, cv, sizeof cv);
        sc_buf_puts(out, k ? ",{\"name\":" : "{\"name\":");
        sc_buf_json_string(out, sp->name, strlen(sp->name));
        json_opt(out, "value", cv);
        sc_buf_putc(out, '}');
    }
    sc_buf_putc(out, ']');
}

/* The interface's provenance. */
/* ,"inferred":["P",...]: the parameters with an inferred value that output r
 * may read (through any rule or function it refers to); nothing if none. */
static void output_inferred_json(const bc_program *p, uint32_t r, sc_buf *b)
{
    uint8_t *in = pol_xcalloc(p->nrules, 1), *named = pol_xcalloc(p->nparams + 1, 1);
    uint32_t *todo = pol_xcalloc(p->nrules, sizeof *todo), ntodo = 0;
    deps d;
    deps_alloc(p, &d);
    in[r] = 1;
    todo[ntodo++] = r;
    bool first = true;
    while (ntodo) {
        uint32_t x = todo[--ntodo];
        rule_deps(p, x, &d);
        for (uint32_t k = 0; k < d.nr; k++)
            if (d.rules[k] < p->nrules && !in[d.rules[k]]) {
                in[d.rules[k]] = 1;
                todo[ntodo++] = d.rules[k];
            }
    }
    for (uint32_t x = 0; x < p->nrules; x++) {
        if (!in[x])
            continue;
        rule_deps(p, x, &d);
        for (uint32_t k = 0; k < d.np; k++) {
            const bc_param *par = &p->params[d.params[k]];
            bool inferred = false;
            for (uint32_t v = 0; v < par->nversions; v++)
                inferred |= par->versions[v].inferred != NULL;
            if (!inferred || named[d.params[k]])
                continue;
            named[d.params[k]] = 1;
            sc_buf_puts(b, first ? ",\"inferred\":[" : ",");
            first = false;
            sc_buf_json_string(b, par->name, strlen(par->name));
        }
    }
    if (!first)
        sc_buf_putc(b, ']');
    deps_free(&d);
    free(todo);
    free(named);
    free(in);
}

/* ,"inferred":[...] every inferred value, and ,"findings":[...] the notice's
 * findings that are not numbers; each list only when the policy has one. */
/* ,"parameters":[...]: every parameter with its versions (dated ones with
 * their first and last day, null when open), the value as written, the
 * clause; a version the notice does not state has "value":null and the
 * note in "unstated"; "inferred" says a value was derived, not stated. */
static void parameters_json(const bc_program *p, sc_buf *b)
{
    sc_buf_puts(b, ",\"parameters\":[");
    for (uint32_t i = 0; i < p->nparams; i++) {
        const bc_param *par = &p->params[i];
        sc_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        sc_buf_json_string(b, par->name, strlen(par->name));
        sc_buf_printf(b, ",\"type\":\"%s\",\"dated\":%s", pol_type_name((pol_type)par->type),
                      par->dated ? "true" : "false");
        json_opt(b, "cite", par->cite);
        json_opt(b, "note", par->doc);
        sc_buf_puts(b, ",\"versions\":[");
        for (uint32_t j = 0; j < par->nversions; j++) {
            const bc_version *ver = &par->versions[j];
            char cv[256], a[16], z[16];
            sc_buf_puts(b, j ? ",{" : "{");
            bc_const_text(p, ver->k, cv, sizeof cv);
            sc_buf_puts(b, "\"value\":");
            if (ver->unstated)
                sc_buf_puts(b, "null");
            else
                sc_buf_json_string(b, cv, strlen(cv));
            if (ver->unstated)
                json_opt(b, "unstated", cv);
            if (par->dated) {
                if (ver->from != BC_OPEN_LO)
                    cd_format_date(ver->from, a);
                if (ver->to != BC_OPEN_HI)
                    cd_format_date(ver->to, z);
                json_opt(b, "from", ver->from != BC_OPEN_LO ? a : NULL);
                json_opt(b, "to", ver->to != BC_OPEN_HI ? z : NULL);
            }
            json_opt(b, "cite", ver->cite);
            sc_buf_printf(b, ",\"inferred\":%s}", ver->inferred ? "true" : "false");
        }
        sc_buf_puts(b, "]}");
    }
    sc_buf_putc(b, ']');
}

static void provenance_json(const bc_program *p, sc_buf *b)
{
    bool first = true;
    for (uint32_t i = 0; i < p->nparams; i++)
        for (uint32_t j = 0; j < p->params[i].nversions; j++) {
            const bc_param *par = &p->params[i];
            const bc_version *ver = &par->versions[j];
            if (!ver->inferred)
                continue;
            char cv[256], a[16], z[16];
            sc_buf_puts(b, first ? ",\"inferred\":[{\"name\":" : ",{\"name\":");
            first = false;
            sc_buf_json_string(b, par->name, strlen(par->name));
            bc_const_text(p, ver->k, cv, sizeof cv);
            json_opt(b, "value", cv);
            if (par->dated) {
                if (ver->from != BC_OPEN_LO)
                    cd_format_date(ver->from, a);
                if (ver->to != BC_OPEN_HI)
                    cd_format_date(ver->to, z);
                json_opt(b, "from", ver->from != BC_OPEN_LO ? a : NULL);
                json_opt(b, "to", ver->to != BC_OPEN_HI ? z : NULL);
            }
            json_opt(b, "cite", ver->cite);
            inferred_json(p, ver, b);
            sc_buf_putc(b, '}');
        }
    if (!first)
        sc_buf_putc(b, ']');
    for (uint32_t i = 0; i < p->nfindings; i++) {
        const bc_finding *f = &p->findings[i];
        char at[POL_POS_TEXT_MAX];
        pol_pos fp = pub_pos(p, f->pos);
        sc_buf_puts(b, i ? ",{\"text\":" : ",\"findings\":[{\"text\":");
        sc_buf_json_string(b, f->text, strlen(f->text));
        json_opt(b, "cite", f->cite);
        json_opt(b, "note", f->doc);
        json_opt(b, "position", pol_pos_text(&fp, at, sizeof at));
        sc_buf_putc(b, '}');
    }
    if (p->nfindings)
        sc_buf_putc(b, ']');
}

/* ---- for runtime/explain.c, which writes the explanations (polint.h) ---- */
const bc_program *pol_eval_program(const pol_eval *ev) { return ev->pol->prog; }
const vm_state *pol_eval_vm(const pol_eval *ev) { return ev->vm; }
pol_pos pol_pub_pos(const bc_program *p, bc_pos pos) { return pub_pos(p, pos); }
bool pol_value_text(const bc_program *p, const vm_val *v, uint32_t tref, int places, char *buf, size_t cap)
{
    return value_text(p, v, tref, places, buf, cap);
}
void pol_value_json(const bc_program *p, const vm_val *v, uint32_t tref, int places, sc_buf *out)
{
    val_json(p, v, tref, places, out);
}
void pol_rule_value_json(const pol_eval *ev, uint32_t r, sc_buf *out) { value_json(ev, r, out); }
void pol_version_inferred_text(const bc_program *p, const bc_version *ver, sc_buf *out) { inferred_text(p, ver, out); }
void pol_range_text(int32_t from, int32_t to, char *buf, size_t cap) { range_text(from, to, buf, cap); }
int pol_find_output(const pol_eval *ev, const char *name)
{
    int r = pol_find_rule(ev->pol, name, strlen(name));
    return r >= 0 && ev->pol->prog->rules[r].is_output ? r : -1;
}

const char *pol_pos_text(const pol_pos *pos, char *buf, size_t cap)
{
    if (cap) {
        if (pos->line)
            snprintf(buf, cap, "%s:%u:%u", pos->file ? pos->file : "?", pos->line, pos->col);
        else
            buf[0] = 0;
    }
    return buf;
}

const char *pol_error_message(const pol_error *err) { return err->text[0] ? err->text : err->msg; }

bool pol_set_language(const char *lang)
{
    pol_lang l;
    if (!lang || !pol_lang_parse(lang, &l))
        return false;
    pol_lang_set(l);
    return true;
}

void pol_error_text_buf(const pol_error *err, sc_buf *out)
{
    char at[POL_POS_TEXT_MAX];
    const char *what = pol_tr(pol_lang_get(), err->status == POL_NOT_APPLICABLE || err->status == POL_UNSTATED ? "note" : "error");
    if (err->pos.line)
        sc_buf_printf(out, "%s: %s: %s", pol_pos_text(&err->pos, at, sizeof at), what, pol_error_message(err));
    else
        sc_buf_printf(out, "%s: %s", what, pol_error_message(err));
}

/* ---- pol.h's string results and accessors over the internal API ---- */
/* What `fill` appends to an empty buffer, as a new string. */
static char *eval_string(const pol_eval *ev, void (*fill)(const pol_eval *, sc_buf *))
{
    sc_buf b;
    sc_buf_init(&b);
    fill(ev, &b);
    return b.data ? b.data : pol_xstrdup(""); /* sc_buf keeps its text NUL-terminated */
}

char *pol_policy_interface_json(const pol_policy *pol)
{
    sc_buf b;
    sc_buf_init(&b);
    pol_policy_interface_json_buf(pol, &b);
    return b.data ? b.data : pol_xstrdup("");
}

char *pol_eval_outputs_json(const pol_eval *ev) { return eval_string(ev, pol_eval_outputs_json_buf); }

int pol_error_text(const pol_error *err, char *buf, size_t cap)
{
    sc_buf b;
    sc_buf_init(&b);
    pol_error_text_buf(err, &b);
    int n = (int)b.len;
    if (cap)
        snprintf(buf, cap, "%s", b.data ? b.data : "");
    sc_buf_clear(&b);
    return n;
}

int pol_eval_set_text(pol_eval *ev, uint32_t i, pol_text_kind kind, const char *text, size_t len, pol_error *err)
{
    if (i >= ev->pol->prog->ninputs)
        return input_error(err, POL_E_INPUT, "", "the policy has no input %u", i);
    return pol_eval_set_field(ev, i, (scv_kind)kind, text, len, err);
}

int pol_eval_set_json(pol_eval *ev, const char *json, size_t len, bool allow_extra, pol_error *err)
{
    sc_record rec;
    sc_record_init(&rec);
    sc_error serr;
    int rc;
    if (sc_parse_json_object(&rec, json, len, &serr) != 0)
    {
        NESTED_ERROR(err, POL_E_INPUT, "", "byte %zu: %s", serr.offset + 1, serr.msg, sc_error_message(&serr));
        rc = -1;
    }
    else
        rc = pol_eval_set_record(ev, &rec, allow_extra, err);
    sc_record_clear(&rec);
    return rc;
}

bool pol_eval_has_value(const pol_eval *ev, uint32_t r) { return pol_eval_val(ev, r) != NULL; }

const char *pol_eval_value_type(const pol_eval *ev, uint32_t r)
{
    const vm_val *v = pol_eval_val(ev, r);
    return v ? pol_type_name((pol_type)v->t) : NULL;
}

uint32_t pol_policy_ninputs(const pol_policy *pol) { return pol->prog->ninputs; }
uint32_t pol_policy_nrules(const pol_policy *pol) { return pol->prog->nrules; }

const char *pol_policy_input_name(const pol_policy *pol, uint32_t i)
{
    return i < pol->prog->ninputs ? pol->prog->inputs[i].name : NULL;
}

const char *pol_policy_rule_name(const pol_policy *pol, uint32_t r)
{
    return r < pol->prog->nrules ? pol->prog->rules[r].name : NULL;
}

bool pol_policy_rule_is_output(const pol_policy *pol, uint32_t r)
{
    return r < pol->prog->nrules && pol->prog->rules[r].is_output;
}

_Static_assert((int)POL_TEXT_STRING == (int)SCV_STRING && (int)POL_TEXT_NUMBER == (int)SCV_NUMBER &&
                   (int)POL_TEXT_TRUE == (int)SCV_TRUE && (int)POL_TEXT_FALSE == (int)SCV_FALSE &&
                   (int)POL_TEXT_NULL == (int)SCV_NULL && (int)POL_TEXT_ARRAY == (int)SCV_ARRAY &&
                   (int)POL_TEXT_OBJECT == (int)SCV_OBJECT && (int)POL_TEXT_PLAIN == (int)SCV_CSV,
               "pol_text_kind mirrors scv_kind");

/* ---- tests ---- */
typedef struct test_run { /* the results being built */
    pol_test_results *res;
    size_t cap_tests, cap_checks;
} test_run;

/* Appends a check to the last test; the texts are copied. */
static void add_check(test_run *tr, pol_check_kind kind, pol_pos pos, const char *what, const char *expected,
                      const char *actual)
{
    pol_test_results *res = tr->res;
    pol_test_result *t = &res->tests[res->ntests - 1];
    if (t->nchecks == 0)
        t->first_check = res->nchecks;
    POL_GROW(res->checks, tr->cap_checks, res->nchecks + 1);
    pol_check *c = &res->checks[res->nchecks++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->pos = pos;
    c->what = what;
    c->expected = pol_xstrdup(expected);
    c->actual = pol_xstrdup(actual);
    t->nchecks++;
}

/* Sets the test's given inputs; false (with a check) if one cannot be built. */
static bool set_given(test_run *tr, pol_eval *ev, const bc_test *ts)
{
    const bc_program *p = ev->pol->prog;
    for (uint32_t g = 0; g < ts->ngiven; g++) {
        if (ts->given[g].rule == BC_NONE) {
            vm_set_input_const(ev->vm, ts->given[g].index, &p->consts[ts->given[g].k]);
            continue;
        }
        vm_error ge;
        if (vm_eval(ev->vm, ts->given[g].rule, &ge) != 0) {
            add_check(tr, POL_CHECK_GIVEN, pub_pos(p, ts->pos), p->inputs[ts->given[g].index].name, NULL, ge.msg);
            return false;
        }
        vm_copy_val(&ev->vm->inputs[ts->given[g].index], &ev->vm->rules[ts->given[g].rule]);
    }
    return true;
}

/* A test that expects an error: some output must fail (a bound, a
 * requirement or evaluation), with a message containing the text if one is
 * given.  false if none did (as one should have). */
static bool check_rejected(test_run *tr, pol_eval *ev, const bc_test *ts)
{
    const bc_program *p = ev->pol->prog;
    const char *want = ts->error_k != BC_NONE ? p->consts[ts->error_k].text : NULL;
    pol_error err;
    if (pol_eval_run(ev, &err) == 0) {
        add_check(tr, POL_CHECK_NO_ERROR, pub_pos(p, ts->pos), NULL, want, NULL);
        return false;
    }
    for (uint32_t o = 0; want && o < ev->pol->nouts; o++) {
        const pol_error *e = &ev->oerr[o];
        if (e->status != POL_OK && e->status != POL_NOT_APPLICABLE && e->status != POL_UNSTATED && strstr(e->msg, want)) {
            err = *e;
            break;
        }
    }
    if (want && !strstr(err.msg, want)) {
        add_check(tr, POL_CHECK_WRONG_ERROR, pub_pos(p, ts->pos), NULL, want, err.msg);
        return false;
    }
    add_check(tr, POL_CHECK_REJECTED, pub_pos(p, ts->pos), NULL, want, err.msg);
    return true;
}

/* What an expectation of no value says it wants: "inapplicable",
 * "unstated" or `unstated "TEXT"`. */
static void want_text(const bc_program *p, const bc_assign *ex, char *buf, size_t cap)
{
    if (ex->want == BC_WANT_NA)
        snprintf(buf, cap, "inapplicable");
    else if (ex->k != BC_NONE)
        snprintf(buf, cap, "unstated \"%s\"", p->consts[ex->k].text);
    else
        snprintf(buf, cap, "unstated");
}

/* Whether two values are equal, exactly (lists and records element by
 * element, field by field); if not, `where` says where they first differ
 * (" at [2].已缴: true, not false", " 3 elements, not 4"). */
static bool val_same(const bc_program *p, const vm_val *got, const vm_val *want, uint32_t tref, char *where, size_t cap)
{
    char a[300], b[300];
    if (got->t == PT_LIST && want->t == PT_LIST) {
        const vm_list *lg = got->ref, *lw = want->ref;
        uint32_t ng = lg ? lg->n : 0, nw = lw ? lw->n : 0;
        if (ng != nw) {
            snprintf(where, cap, "%u element%s, not %u", ng, ng == 1 ? "" : "s", nw);
            return false;
        }
        for (uint32_t i = 0; i < ng; i++)
            if (!val_same(p, &lg->items[i], &lw->items[i], tref, b, sizeof b)) {
                snprintf(where, cap, "at [%u]%s", i, b);
                return false;
            }
        return true;
    }
    if (got->t == PT_RECORD && want->t == PT_RECORD && got->tref == want->tref && got->tref < p->nrecords) {
        const bc_record *rt = &p->records[got->tref];
        const vm_val *fg = got->ref, *fw = want->ref;
        for (uint32_t k = 0; k < rt->nfields; k++)
            if (!val_same(p, &fg[k], &fw[k], rt->fields[k].tref, b, sizeof b)) {
                snprintf(where, cap, ".%s%s", rt->fields[k].name, b);
                return false;
            }
        return true;
    }
    bool same = pol_type_numeric((pol_type)got->t) ? pol_type_numeric((pol_type)want->t) && dec_cmp(&got->d, &want->d) == 0
                : got->t == PT_TEXT ? want->t == PT_TEXT && strcmp(got->s ? got->s : "", want->s ? want->s : "") == 0
                                    : got->t == want->t && got->i == want->i;
    if (!same) {
        value_text(p, got, tref, 0, a, sizeof a);
        value_text(p, want, tref, 0, b, sizeof b);
        snprintf(where, cap, ": %s, not %s", a, b);
    }
    return same;
}

/* An expectation of a whole list (the expected list is a hidden rule). */
static bool check_expect_list(test_run *tr, pol_eval *ev, const bc_assign *ex)
{
    const bc_program *p = ev->pol->prog;
    uint32_t r = ex->index;
    vm_error ve;
    sc_buf ws, gs;
    sc_buf_init(&ws);
    sc_buf_init(&gs);
    bool ok = true;
    if (vm_eval(ev->vm, ex->rule, &ve) != 0 || vm_eval(ev->vm, r, &ve) != 0) {
        add_check(tr, POL_CHECK_EVAL_FAILED, pub_pos(p, ex->pos), p->rules[r].name, "(the list)", ve.msg);
        tr->res->checks[tr->res->nchecks - 1].at = pub_pos(p, ve.pos); /* (vm_eval left no rule half-evaluated) */
        sc_buf_clear(&ws);
        sc_buf_clear(&gs);
        return false;
    }
    const vm_val *v = &ev->vm->rules[r], *want = &ev->vm->rules[ex->rule];
    char where[700];
    if (!val_same(p, v, want, p->rules[r].tref, where, sizeof where)) {
        val_json(p, want, p->rules[r].tref, p->rules[r].places, &ws);
        val_json(p, v, p->rules[r].tref, p->rules[r].places, &gs);
        sc_buf_printf(&gs, " (%s)", where);
        sc_buf_putc(&ws, '\0');
        sc_buf_putc(&gs, '\0');
        if (ex->stated) {
            add_check(tr, POL_CHECK_FINDING, pub_pos(p, ex->pos), p->rules[r].name, ws.data, gs.data);
            tr->res->checks[tr->res->nchecks - 1].cite = ex->cite_k != BC_NONE ? p->consts[ex->cite_k].text : NULL;
            tr->res->findings++;
        } else {
            add_check(tr, POL_CHECK_MISMATCH, pub_pos(p, ex->pos), p->rules[r].name, ws.data, gs.data);
            ok = false;
        }
    }
    sc_buf_clear(&ws);
    sc_buf_clear(&gs);
    return ok;
}

/* ---- provenance: expectations that only re-derive inferred values ----
 * The rule: an expectation that holds is circular when the computation of
 * its rule, in this test's scenario, read at least one inferred parameter
 * value, and every parameter value it read is inferred or is a source
 * (named in its parentheses) of an inferred one it read, and it reads no numeric field of an
 * enumeration member (the members' figures are stated).  "Its computation"
 * is the rule and every rule and function it refers to, transitively; the
 * values read are the lookups the trace logged for them. */

/* Whether rule r's code reads a number from an enumeration member. */
static bool reads_member_figure(const bc_program *p, uint32_t r)
{
    for (bc_iter it = bc_iter_begin(p->code, p->rules[r].entry, p->rules[r].end); bc_iter_more(&it); bc_iter_next(&it))
        if (it.op == OP_FIELD && it.len > 2 && !bc_iter_truncated(&it)) {
            uint32_t e = bc_iter_arg(&it, 0), f = bc_iter_arg(&it, 1);
            if (e < p->nenums && f < p->enums[e].nfields && pol_type_numeric((pol_type)p->enums[e].fields[f].type))
                return true;
        }
    return false;
}

static bool source_of(const bc_version *inf, uint32_t param, uint32_t version)
{
    for (uint32_t k = 0; k < inf->nsources; k++)
        if (inf->sources[k].param == param && inf->sources[k].version == version)
            return true;
    return false;
}

static void note_circular(test_run *tr, pol_eval *ev, const bc_assign *ex, const char *want)
{
    const bc_program *p = ev->pol->prog;
    const vm_state *vm = ev->vm;
    uint8_t *in = pol_xcalloc(p->nrules, 1);
    uint32_t *todo = pol_xcalloc(p->nrules, sizeof *todo), ntodo = 0;
    deps d;
    deps_alloc(p, &d);
    bool stated = false;
    in[ex->index] = 1;
    todo[ntodo++] = ex->index;
    while (ntodo && !stated) { /* the rules its computation refers to */
        uint32_t r = todo[--ntodo];
        stated |= reads_member_figure(p, r);
        rule_deps(p, r, &d);
        for (uint32_t k = 0; k < d.nr; k++)
            if (d.rules[k] < p->nrules && !in[d.rules[k]]) {
                in[d.rules[k]] = 1;
                todo[ntodo++] = d.rules[k];
            }
    }
    sc_buf names;
    sc_buf_init(&names);
    bool any = false;
    for (uint32_t l = 0; l < vm->nlog && !stated; l++) {
        const vm_lookup *lk = &vm->log[l];
        if (lk->param == BC_NONE || lk->rule >= p->nrules || !in[lk->rule])
            continue;
        const bc_version *ver = &p->params[lk->param].versions[lk->version];
        if (ver->inferred) {
            any = true;
            const char *nm = p->params[lk->param].name;
            bool named = false; /* each parameter named once */
            for (uint32_t m = 0; m < l && !named; m++)
                named = vm->log[m].param == lk->param && vm->log[m].rule < p->nrules && in[vm->log[m].rule] &&
                        p->params[lk->param].versions[vm->log[m].version].inferred;
            if (!named)
                sc_buf_printf(&names, "%s%s", names.len ? ", " : "", nm);
            continue;
        }
        bool covered = false; /* a stated value is evidence unless an inferred one read here came from it */
        for (uint32_t m = 0; m < vm->nlog && !covered; m++) {
            const vm_lookup *o = &vm->log[m];
            if (o->param != BC_NONE && o->rule < p->nrules && in[o->rule])
                covered = p->params[o->param].versions[o->version].inferred &&
                          source_of(&p->params[o->param].versions[o->version], lk->param, lk->version);
        }
        stated |= !covered;
    }
    if (any && !stated) {
        add_check(tr, POL_CHECK_CIRCULAR, pub_pos(p, ex->pos), p->rules[ex->index].name, want, names.data);
        tr->res->circular++;
    }
    sc_buf_clear(&names);
    deps_free(&d);
    free(todo);
    free(in);
}

/* Expectation e of test ts; false if it fails (a finding does not). */
static bool check_expect(test_run *tr, pol_eval *ev, const bc_test *ts, uint32_t e)
{
    const bc_program *p = ev->pol->prog;
    const bc_assign *ex = &ts->expect[e];
    if (ex->rule != BC_NONE)
        return check_expect_list(tr, ev, ex);
    uint32_t r = ex->index;
    char ws[256], got[1200];
    if (ex->want == BC_WANT_VALUE)
        bc_const_text(p, ex->k, ws, sizeof ws);
    else
        want_text(p, ex, ws, sizeof ws);
    pol_error err;
    if (eval_one(ev, r, &err) != 0) {
        pol_status st = ex->want == BC_WANT_NA ? POL_NOT_APPLICABLE : POL_UNSTATED;
        if (ex->want != BC_WANT_VALUE && err.status == st &&
            (ex->want == BC_WANT_NA || ex->k == BC_NONE || strstr(err.msg, p->consts[ex->k].text)))
            return true; /* no value, for the reason expected */
        add_check(tr, POL_CHECK_EVAL_FAILED, pub_pos(p, ex->pos), p->rules[r].name, ws, err.msg);
        tr->res->checks[tr->res->nchecks - 1].at = err.pos;
        return false;
    }
    const vm_val *v = &ev->vm->rules[r];
    if (ex->want != BC_WANT_VALUE) { /* a value where the notice gives none */
        if (!value_text(p, v, p->rules[r].tref, p->rules[r].places, got, sizeof got))
            dec_format_exact(&v->d, got, sizeof got);
        add_check(tr, POL_CHECK_MISMATCH, pub_pos(p, ex->pos), p->rules[r].name, ws, got);
        return false;
    }
    const bc_const *want = &p->consts[ex->k];
    if (vm_equal_const(v, want)) {
        note_circular(tr, ev, ex, ws);
        return true;
    }
    if (ex->stated) { /* the notice states a figure the rules do not reproduce: a named finding */
        int places = p->rules[r].type == PT_MONEY ? 2 : 0; /* money with its fen: 1414.00 */
        if (places && pol_type_numeric((pol_type)want->type))
            dec_format(&want->num, places, ws, sizeof ws, NULL);
        if (!value_text(p, v, p->rules[r].tref, places, got, sizeof got))
            dec_format_exact(&v->d, got, sizeof got);
        add_check(tr, POL_CHECK_FINDING, pub_pos(p, ex->pos), p->rules[r].name, ws, got);
        tr->res->checks[tr->res->nchecks - 1].cite = ex->cite_k != BC_NONE ? p->consts[ex->cite_k].text : NULL;
        tr->res->findings++;
        return true;
    }
    vm_value_text(v, 0, got, sizeof got);
    if (pol_type_numeric((pol_type)v->t) && !dec_is_finite(&v->d))
        dec_format_exact(&v->d, got, sizeof got);
    add_check(tr, POL_CHECK_MISMATCH, pub_pos(p, ex->pos), p->rules[r].name, ws, got);
    return false;
}

/* Runs test ts into a new result; true if it passed.  Each expectation is
 * evaluated on its own, held only to the requirements of the inputs it
 * reads, so a test gives just the inputs the clause it tests needs. */
static bool run_test(test_run *tr, pol_eval *ev, const bc_test *ts)
{
    const bc_program *p = ev->pol->prog;
    pol_test_results *res = tr->res;
    POL_GROW(res->tests, tr->cap_tests, res->ntests + 1);
    pol_test_result *t = &res->tests[res->ntests++];
    memset(t, 0, sizeof *t);
    t->name = ts->name;
    t->pos = pub_pos(p, ts->pos);
    pol_eval_begin(ev);
    if (!set_given(tr, ev, ts))
        return false;
    if (ts->expect_error && !check_rejected(tr, ev, ts))
        return false;
    bool ok = true;
    for (uint32_t e = 0; e < ts->nexpect; e++)
        if (!check_expect(tr, ev, ts, e))
            ok = false;
    return ok;
}

/* The policy's findings about its notice's text, into the results. */
static void notice_findings(pol_test_results *res, const bc_program *p)
{
    res->nnotice = p->nfindings;
    res->notice = pol_xcalloc(p->nfindings + 1, sizeof *res->notice);
    for (uint32_t i = 0; i < p->nfindings; i++)
        res->notice[i] = (pol_notice_finding){p->findings[i].text, p->findings[i].cite, p->findings[i].doc,
                                              pub_pos(p, p->findings[i].pos)};
}

pol_test_results *pol_run_tests(const pol_policy *pol)
{
    const bc_program *p = pol->prog;
    test_run tr = {pol_xcalloc(1, sizeof *tr.res), 0, 0};
    pol_eval *ev = pol_eval_new(pol);
    pol_eval_set_step_limit(ev, 1000000); /* polrun's default: a looping file must not hang the tests */
    pol_eval_set_trace(ev, true); /* the lookups tell which expectations re-derive inferred values */
    notice_findings(tr.res, p);
    for (uint32_t t = 0; t < p->ntests; t++) {
        bool ok = run_test(&tr, ev, &p->tests[t]);
        tr.res->tests[tr.res->ntests - 1].passed = ok;
        if (ok)
            tr.res->passed++;
        else
            tr.res->failed++;
    }
    pol_eval_free(ev);
    return tr.res;
}

void pol_test_results_free(pol_test_results *res)
{
    if (!res)
        return;
    free(res->notice);
    for (size_t i = 0; i < res->nchecks; i++) {
        free((char *)res->checks[i].expected);
        free((char *)res->checks[i].actual);
    }
    free(res->checks);
    free(res->tests);
    free(res);
}
