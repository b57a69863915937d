/* bytecode.c -- the compiled-policy file: writer and defensive reader, one
 * section at a time (see bytecode.h; format in docs/bytecode.md), plus the
 * opcode tables and the text of constants.  The verifier is runtime/verify.c,
 * the disassembler runtime/disasm.c.
 *
 * Layout: 4-byte magic, 4-byte probe, u32 format version, u32 payload length,
 * u64 FNV-1a hash of the payload, then the payload: the program's sections in
 * a fixed order (`sections` below); then, in a signed file, the signature
 * trailer (bc_envelope finds it, runtime/sign.c signs and verifies).  Integers are little-endian; strings are
 * u32 length + bytes; numeric constants are their exact decimal text.  Each
 * section has one writer (dump_*) and, right after it, its reader (load_*),
 * so each field is listed in exactly two adjacent places, Lua
 * ldump.c/lundump.c style.  The reader checks every read against what is left
 * and every count against the words left before allocating (every element
 * of every section is at least one 32-bit word), and bc_verify() checks every
 * cross-reference, jump and stack depth, so no file can make the VM read out
 * of bounds.  A program's arrays and strings all come from its one arena
 * (p->arena, runtime/mem.h), read or generated alike, which bc_free()
 * releases at once.
 */
#include "bytecode.h"
#include "lang.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "caldate.h"
#include "mem.h"

/* ---- opcode tables, expanded from the one list ---- */
#define T_NAME(n, o, pp, pu, d) #n,
#define T_OPS(n, o, pp, pu, d) o,
#define T_POPS(n, o, pp, pu, d) pp,
#define T_PUSH(n, o, pp, pu, d) pu,
#define T_DOC(n, o, pp, pu, d) d,
static const char *const op_names[] = {POL_OPCODES(T_NAME)};
static const char *const op_operands[] = {POL_OPCODES(T_OPS)};
static const int op_pops[] = {POL_OPCODES(T_POPS)};
static const int op_pushes[] = {POL_OPCODES(T_PUSH)};
static const char *const op_docs[] = {POL_OPCODES(T_DOC)};

const char *bc_op_name(uint32_t op) { return op < OP__COUNT ? op_names[op] : "?"; }
const char *bc_op_operands(uint32_t op) { return op < OP__COUNT ? op_operands[op] : ""; }
int bc_op_pops(uint32_t op) { return op < OP__COUNT ? op_pops[op] : 0; }
int bc_op_pushes(uint32_t op) { return op < OP__COUNT ? op_pushes[op] : 0; }
const char *bc_op_doc(uint32_t op) { return op < OP__COUNT ? op_docs[op] : ""; }

/* One path for every program: the constants' numbers (their GMP parts are
 * malloc'd by GMP), then the arena with every array and string, then p. */
void bc_free(bc_program *p)
{
    if (!p)
        return;
    for (uint32_t i = 0; i < p->nconsts; i++)
        dec_clear(&p->consts[i].num);
    pol_arena_free(&p->arena);
    free(p);
}

/* ---- the byte stream: writer, and a reader that checks every read ---- */
typedef struct wbuf {
    uint8_t *d;
    size_t len, cap;
} wbuf;

static void w_bytes(wbuf *w, const void *s, size_t n)
{
    POL_GROW_FROM(w->d, w->cap, w->len + n, 256);
    memcpy(w->d + w->len, s, n);
    w->len += n;
}

static void put_u32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

static void w_u32(wbuf *w, uint32_t v)
{
    uint8_t b[4];
    put_u32(b, v);
    w_bytes(w, b, 4);
}

static void w_str(wbuf *w, const char *s)
{
    if (!s) {
        w_u32(w, UINT32_MAX); /* absent */
        return;
    }
    size_t n = strlen(s);
    w_u32(w, (uint32_t)n);
    w_bytes(w, s, n);
}

static void w_pos(wbuf *w, bc_pos p)
{
    w_u32(w, p.line);
    w_u32(w, p.col);
    w_u32(w, p.file);
}

typedef struct rbuf {
    const uint8_t *d;
    size_t len, at;
    bool bad;
    char *err;
    size_t errlen;
    bc_program *p; /* its arena holds what is read */
} rbuf;

static void r_fail(rbuf *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void r_fail(rbuf *r, const char *fmt, ...)
{
    if (r->bad)
        return;
    r->bad = true;
    int n = pol_tr_format(pol_lang_get(), r->err, r->errlen, "corrupt bytecode at byte %zu: ", r->at + 24);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < r->errlen) /* n < 0 is unreachable: this snprintf cannot fail */
        pol_tr_vformat(pol_lang_get(), r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static uint32_t r_u32(rbuf *r)
{
    if (r->bad)
        return 0;
    if (r->len - r->at < 4) {
        r_fail(r, "truncated");
        return 0;
    }
    const uint8_t *b = r->d + r->at;
    r->at += 4;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint8_t r_u8(rbuf *r) { return (uint8_t)r_u32(r); } /* small fields travel as words */

/* Reads a count and allocates that many zeroed elements of `size` bytes.
 * Every element of every section takes at least one word, so a count larger
 * than the words left is a defect, found before anything is allocated. */
static void *r_array(rbuf *r, uint32_t *count, size_t size, const char *what)
{
    uint32_t n = r_u32(r);
    if (!r->bad && (size_t)n > (r->len - r->at) / 4) {
        r_fail(r, "%s count %u exceeds the file", what, n);
        n = 0;
    }
    *count = r->bad ? 0 : n;
    return pol_arena_array(&r->p->arena, *count, size);
}

static char *r_str(rbuf *r, bool optional)
{
    uint32_t n = r_u32(r);
    if (r->bad)
        return NULL;
    if (n == UINT32_MAX) {
        if (!optional)
            r_fail(r, "missing string");
        return NULL;
    }
    if (n > r->len - r->at) {
        r_fail(r, "string length %u exceeds the file", n);
        return NULL;
    }
    if (memchr(r->d + r->at, 0, n)) {
        r_fail(r, "NUL byte inside a string");
        return NULL;
    }
    char *s = pol_arena_strndup(&r->p->arena, (const char *)(r->d + r->at), n);
    r->at += n;
    return s;
}

static bc_pos r_pos(rbuf *r)
{
    bc_pos p;
    p.line = r_u32(r);
    p.col = r_u32(r);
    p.file = r_u32(r);
    return p;
}

/* ---- sections: each writer, then its reader ---- */

/* header: title, source, file table, metadata */
static void dump_header(wbuf *w, const bc_program *p)
{
    w_str(w, p->name);
    w_str(w, p->source);
    w_u32(w, p->nfiles);
    for (uint32_t i = 0; i < p->nfiles; i++)
        w_str(w, p->files[i]);
    w_u32(w, p->nmeta);
    for (uint32_t i = 0; i < p->nmeta; i++) {
        w_str(w, p->meta[i].key);
        w_str(w, p->meta[i].value);
    }
}

static void load_header(rbuf *r, bc_program *p)
{
    p->name = r_str(r, true);
    p->source = r_str(r, true);
    p->files = r_array(r, &p->nfiles, sizeof *p->files, "file");
    for (uint32_t i = 0; i < p->nfiles && !r->bad; i++)
        p->files[i] = r_str(r, false);
    p->meta = r_array(r, &p->nmeta, sizeof *p->meta, "metadata");
    for (uint32_t i = 0; i < p->nmeta && !r->bad; i++) {
        p->meta[i].key = r_str(r, false);
        p->meta[i].value = r_str(r, false);
    }
}

/* A number as exact text; a long one gets a buffer of its own.  A read file
 * may hold up to DEC_MAX_DIGITS digits times 10^DEC_MAX_SCALE: an integer
 * longer than dec_parse accepts is written with its trailing zeros as an
 * exponent, so that it reads back. */
static void dump_number(wbuf *w, const dec_t *num)
{
    char small[256], *buf = small;
    int n = dec_format_exact(num, small, sizeof small);
    if (n >= (int)sizeof small) {
        buf = pol_xmalloc((size_t)n + 1);
        n = dec_format_exact(num, buf, (size_t)n + 1);
    }
    size_t m = n < 0 ? 0 : (size_t)n; /* n < 0: not a finite decimal, never a constant */
    char expo[24] = "";
    if (m > DEC_MAX_DIGITS && !memchr(buf, '.', m)) {
        size_t z = 0;
        while (z + 1 < m && z < DEC_MAX_SCALE && buf[m - 1 - z] == '0')
            z++;
        if (z > 0) {
            m -= z;
            snprintf(expo, sizeof expo, "e%zu", z);
        }
    }
    w_u32(w, (uint32_t)(m + strlen(expo)));
    w_bytes(w, buf, m);
    w_bytes(w, expo, strlen(expo));
    if (buf != small)
        free(buf);
}

/* constants: type, then the value in the type's form */
static void dump_consts(wbuf *w, const bc_program *p)
{
    w_u32(w, p->nconsts);
    for (uint32_t i = 0; i < p->nconsts; i++) {
        const bc_const *c = &p->consts[i];
        w_u32(w, c->type);
        if (pol_type_numeric((pol_type)c->type)) {
            dump_number(w, &c->num);
        } else if (c->type == PT_TEXT) {
            w_str(w, c->text ? c->text : "");
        } else {
            w_u32(w, (uint32_t)c->i);
            if (c->type == PT_ENUM)
                w_u32(w, c->tref);
        }
    }
}

static void load_consts(rbuf *r, bc_program *p)
{
    p->consts = r_array(r, &p->nconsts, sizeof *p->consts, "constant");
    for (uint32_t i = 0; i < p->nconsts; i++)
        dec_init(&p->consts[i].num);
    for (uint32_t i = 0; i < p->nconsts && !r->bad; i++) {
        bc_const *c = &p->consts[i];
        uint32_t t = r_u32(r);
        if (t == PT_VOID || t >= PT__COUNT) {
            r_fail(r, "constant %u has invalid type %u", i, t);
            break;
        }
        c->type = (uint8_t)t;
        if (pol_type_numeric((pol_type)t)) {
            char *s = r_str(r, false);
            if (s && dec_parse(&c->num, s, strlen(s)) != DEC_OK)
                r_fail(r, "constant %u is not a number", i);
        } else if (t == PT_TEXT) {
            c->text = r_str(r, false);
        } else {
            c->i = (int32_t)r_u32(r);
            if (t == PT_BOOL && (uint32_t)c->i > 1)
                r_fail(r, "constant %u is not a boolean", i);
            if (t == PT_ROUNDING && (uint32_t)c->i >= DEC_MODE_COUNT)
                r_fail(r, "constant %u is not a rounding mode", i);
            if (t == PT_ENUM)
                c->tref = r_u32(r);
        }
    }
}

/* fields of a record type or an enumeration: name, type, tref */
static void dump_fields(wbuf *w, uint32_t n, const bc_field *f)
{
    w_u32(w, n);
    for (uint32_t j = 0; j < n; j++) {
        w_str(w, f[j].name);
        w_u32(w, f[j].type);
        w_u32(w, f[j].tref);
    }
}

static bc_field *load_fields(rbuf *r, uint32_t *n, const char *what, uint32_t max, uint32_t owner)
{
    bc_field *f = r_array(r, n, sizeof *f, what);
    if (*n > max)
        r_fail(r, "record type %u has %u fields", owner, *n);
    for (uint32_t j = 0; j < *n && !r->bad; j++) {
        f[j].name = r_str(r, false);
        f[j].type = r_u8(r);
        f[j].tref = r_u32(r);
    }
    return f;
}

/* record types: name, cite, position, fields */
static void dump_records(wbuf *w, const bc_program *p)
{
    w_u32(w, p->nrecords);
    for (uint32_t i = 0; i < p->nrecords; i++) {
        const bc_record *rc = &p->records[i];
        w_str(w, rc->name);
        w_str(w, rc->cite);
        w_pos(w, rc->pos);
        dump_fields(w, rc->nfields, rc->fields);
    }
}

static void load_records(rbuf *r, bc_program *p)
{
    p->records = r_array(r, &p->nrecords, sizeof *p->records, "record type");
    for (uint32_t i = 0; i < p->nrecords && !r->bad; i++) {
        bc_record *rc = &p->records[i];
        rc->name = r_str(r, false);
        rc->cite = r_str(r, true);
        rc->pos = r_pos(r);
        rc->fields = load_fields(r, &rc->nfields, "record field", 256, i);
    }
}

/* enumerations: name, cite, position, fields, then members (name, cite,
 * position, one constant per field) */
static void dump_enums(wbuf *w, const bc_program *p)
{
    w_u32(w, p->nenums);
    for (uint32_t i = 0; i < p->nenums; i++) {
        const bc_enum *e = &p->enums[i];
        w_str(w, e->name);
        w_str(w, e->cite);
        w_pos(w, e->pos);
        dump_fields(w, e->nfields, e->fields);
        w_u32(w, e->nmembers);
        for (uint32_t j = 0; j < e->nmembers; j++) {
            w_str(w, e->members[j].name);
            w_str(w, e->members[j].cite);
            w_pos(w, e->members[j].pos);
            for (uint32_t k = 0; k < e->nfields; k++)
                w_u32(w, e->members[j].values[k]);
        }
    }
}

static void load_enums(rbuf *r, bc_program *p)
{
    p->enums = r_array(r, &p->nenums, sizeof *p->enums, "enumeration");
    for (uint32_t i = 0; i < p->nenums && !r->bad; i++) {
        bc_enum *e = &p->enums[i];
        e->name = r_str(r, false);
        e->cite = r_str(r, true);
        e->pos = r_pos(r);
        e->fields = load_fields(r, &e->nfields, "enumeration field", UINT32_MAX, i);
        e->members = r_array(r, &e->nmembers, sizeof *e->members, "enumeration member");
        for (uint32_t j = 0; j < e->nmembers && !r->bad; j++) {
            bc_member *m = &e->members[j];
            m->name = r_str(r, false);
            m->cite = r_str(r, true);
            m->pos = r_pos(r);
            m->values = pol_arena_array(&p->arena, e->nfields, sizeof *m->values);
            for (uint32_t k = 0; k < e->nfields && !r->bad; k++)
                m->values[k] = r_u32(r);
        }
    }
}

/* inputs: name, type, tref, bounds, the parameters they name, cite, doc, position */
static void dump_inputs(wbuf *w, const bc_program *p)
{
    w_u32(w, p->ninputs);
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const bc_input *x = &p->inputs[i];
        w_str(w, x->name);
        w_u32(w, x->type);
        w_u32(w, x->tref);
        w_u32(w, x->kmin);
        w_u32(w, x->kmax);
        w_u32(w, x->pmin);
        w_u32(w, x->pmax);
        w_str(w, x->cite);
        w_str(w, x->doc);
        w_pos(w, x->pos);
    }
}

static void load_inputs(rbuf *r, bc_program *p)
{
    p->inputs = r_array(r, &p->ninputs, sizeof *p->inputs, "input");
    for (uint32_t i = 0; i < p->ninputs && !r->bad; i++) {
        bc_input *x = &p->inputs[i];
        x->name = r_str(r, false);
        x->type = r_u8(r);
        x->tref = r_u32(r);
        x->kmin = r_u32(r);
        x->kmax = r_u32(r);
        x->pmin = r_u32(r);
        x->pmax = r_u32(r);
        x->cite = r_str(r, true);
        x->doc = r_str(r, true);
        x->pos = r_pos(r);
    }
}

/* parameters: name, type, tref, dated, cite, doc, position, then versions
 * (from, to, constant, cite, position, inferred, sources) */
static void dump_params(wbuf *w, const bc_program *p)
{
    w_u32(w, p->nparams);
    for (uint32_t i = 0; i < p->nparams; i++) {
        const bc_param *x = &p->params[i];
        w_str(w, x->name);
        w_u32(w, x->type);
        w_u32(w, x->tref);
        w_u32(w, x->dated);
        w_str(w, x->cite);
        w_str(w, x->doc);
        w_pos(w, x->pos);
        w_u32(w, x->nversions);
        for (uint32_t j = 0; j < x->nversions; j++) {
            const bc_version *v = &x->versions[j];
            w_u32(w, (uint32_t)v->from);
            w_u32(w, (uint32_t)v->to);
            w_u32(w, v->k);
            w_u32(w, v->unstated);
            w_str(w, v->cite);
            w_pos(w, v->pos);
            w_str(w, v->inferred);
            w_u32(w, v->nsources);
            for (uint32_t k = 0; k < v->nsources; k++) {
                w_u32(w, v->sources[k].param);
                w_u32(w, v->sources[k].version);
            }
        }
    }
}

static void load_params(rbuf *r, bc_program *p)
{
    p->params = r_array(r, &p->nparams, sizeof *p->params, "parameter");
    for (uint32_t i = 0; i < p->nparams && !r->bad; i++) {
        bc_param *x = &p->params[i];
        x->name = r_str(r, false);
        x->type = r_u8(r);
        x->tref = r_u32(r);
        x->dated = r_u8(r);
        x->cite = r_str(r, true);
        x->doc = r_str(r, true);
        x->pos = r_pos(r);
        x->versions = r_array(r, &x->nversions, sizeof *x->versions, "version");
        for (uint32_t j = 0; j < x->nversions && !r->bad; j++) {
            bc_version *v = &x->versions[j];
            v->from = (int32_t)r_u32(r);
            v->to = (int32_t)r_u32(r);
            v->k = r_u32(r);
            v->unstated = r_u8(r);
            v->cite = r_str(r, true);
            v->pos = r_pos(r);
            v->inferred = r_str(r, true);
            v->sources = r_array(r, &v->nsources, sizeof *v->sources, "source");
            for (uint32_t k = 0; k < v->nsources && !r->bad; k++) {
                v->sources[k].param = r_u32(r);
                v->sources[k].version = r_u32(r);
            }
        }
    }
}

/* rules: name, type, tref, locals, arguments, flags, places, code block,
 * cite, doc, formula, position */
static void dump_rules(wbuf *w, const bc_program *p)
{
    w_u32(w, p->nrules);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const bc_rule *x = &p->rules[i];
        w_str(w, x->name);
        w_u32(w, x->type);
        w_u32(w, x->tref);
        w_u32(w, x->nlocals);
        w_u32(w, x->nargs);
        w_u32(w, x->is_output);
        w_u32(w, x->is_constraint);
        w_u32(w, x->places);
        w_u32(w, x->entry);
        w_u32(w, x->end);
        w_str(w, x->cite);
        w_str(w, x->doc);
        w_str(w, x->formula);
        w_str(w, x->when);
        w_pos(w, x->pos);
    }
}

static void load_rules(rbuf *r, bc_program *p)
{
    p->rules = r_array(r, &p->nrules, sizeof *p->rules, "rule");
    for (uint32_t i = 0; i < p->nrules && !r->bad; i++) {
        bc_rule *x = &p->rules[i];
        x->name = r_str(r, false);
        x->type = r_u8(r);
        x->tref = r_u32(r);
        x->nlocals = r_u32(r);
        if (x->nlocals > 4096)
            r_fail(r, "rule %u uses %u local slots", i, x->nlocals);
        x->nargs = r_u32(r);
        if (x->nargs > x->nlocals)
            r_fail(r, "rule %u has more parameters than local slots", i);
        x->is_output = r_u8(r);
        x->is_constraint = r_u8(r);
        uint32_t places = r_u32(r);
        if (places > POL_OUTPUT_MAX_PLACES)
            r_fail(r, "rule %u prints with %u places", i, places);
        x->places = (uint8_t)places;
        x->entry = r_u32(r);
        x->end = r_u32(r);
        x->cite = r_str(r, true);
        x->doc = r_str(r, true);
        x->formula = r_str(r, true);
        x->when = r_str(r, true);
        x->pos = r_pos(r);
    }
}

/* tests: name, position, error expectation, given inputs (input, constant,
 * position, rule), expectations (rule, constant, position, stated, cite) */
static void dump_tests(wbuf *w, const bc_program *p)
{
    w_u32(w, p->ntests);
    for (uint32_t i = 0; i < p->ntests; i++) {
        const bc_test *t = &p->tests[i];
        w_str(w, t->name);
        w_pos(w, t->pos);
        w_u32(w, t->expect_error);
        w_u32(w, t->error_k);
        w_u32(w, t->ngiven);
        for (uint32_t j = 0; j < t->ngiven; j++) {
            w_u32(w, t->given[j].index);
            w_u32(w, t->given[j].k);
            w_pos(w, t->given[j].pos);
            w_u32(w, t->given[j].rule);
        }
        w_u32(w, t->nexpect);
        for (uint32_t j = 0; j < t->nexpect; j++) {
            w_u32(w, t->expect[j].index);
            w_u32(w, t->expect[j].k);
            w_pos(w, t->expect[j].pos);
            w_u32(w, t->expect[j].stated);
            w_u32(w, t->expect[j].cite_k);
            w_u32(w, t->expect[j].rule);
            w_u32(w, t->expect[j].want);
        }
    }
}

static void load_tests(rbuf *r, bc_program *p)
{
    p->tests = r_array(r, &p->ntests, sizeof *p->tests, "test");
    for (uint32_t i = 0; i < p->ntests && !r->bad; i++) {
        bc_test *t = &p->tests[i];
        t->name = r_str(r, false);
        t->pos = r_pos(r);
        t->expect_error = r_u8(r);
        t->error_k = r_u32(r);
        t->given = r_array(r, &t->ngiven, sizeof *t->given, "test input");
        for (uint32_t j = 0; j < t->ngiven && !r->bad; j++) {
            t->given[j].index = r_u32(r);
            t->given[j].k = r_u32(r);
            t->given[j].pos = r_pos(r);
            t->given[j].rule = r_u32(r);
        }
        t->expect = r_array(r, &t->nexpect, sizeof *t->expect, "test expectation");
        for (uint32_t j = 0; j < t->nexpect && !r->bad; j++) {
            t->expect[j].index = r_u32(r);
            t->expect[j].k = r_u32(r);
            t->expect[j].pos = r_pos(r);
            t->expect[j].stated = r_u8(r);
            t->expect[j].cite_k = r_u32(r);
            t->expect[j].rule = r_u32(r);
            t->expect[j].want = r_u8(r);
        }
    }
}

/* findings: text, cite, note, position */
static void dump_findings(wbuf *w, const bc_program *p)
{
    w_u32(w, p->nfindings);
    for (uint32_t i = 0; i < p->nfindings; i++) {
        w_str(w, p->findings[i].text);
        w_str(w, p->findings[i].cite);
        w_str(w, p->findings[i].doc);
        w_pos(w, p->findings[i].pos);
    }
}

static void load_findings(rbuf *r, bc_program *p)
{
    p->findings = r_array(r, &p->nfindings, sizeof *p->findings, "finding");
    for (uint32_t i = 0; i < p->nfindings && !r->bad; i++) {
        p->findings[i].text = r_str(r, false);
        p->findings[i].cite = r_str(r, true);
        p->findings[i].doc = r_str(r, true);
        p->findings[i].pos = r_pos(r);
    }
}

/* code words, then the line table (pc, position) */
static void dump_code(wbuf *w, const bc_program *p)
{
    w_u32(w, p->ncode);
    for (uint32_t i = 0; i < p->ncode; i++)
        w_u32(w, p->code[i]);
    w_u32(w, p->nlines);
    for (uint32_t i = 0; i < p->nlines; i++) {
        w_u32(w, p->lines[i].pc);
        w_pos(w, p->lines[i].pos);
    }
}

static void load_code(rbuf *r, bc_program *p)
{
    p->code = r_array(r, &p->ncode, sizeof *p->code, "code word");
    /* unreachable: r_array checked that ncode words remain */
    for (uint32_t i = 0; i < p->ncode && !r->bad; i++) /* GCOVR_EXCL_BR_LINE */
        p->code[i] = r_u32(r);
    p->lines = r_array(r, &p->nlines, sizeof *p->lines, "line entry");
    for (uint32_t i = 0; i < p->nlines && !r->bad; i++) {
        p->lines[i].pc = r_u32(r);
        p->lines[i].pos = r_pos(r);
    }
}

/* The payload, in this order. */
static const struct bc_section {
    void (*dump)(wbuf *w, const bc_program *p);
    void (*load)(rbuf *r, bc_program *p);
} sections[] = {
    {dump_header, load_header}, {dump_consts, load_consts}, {dump_records, load_records},
    {dump_enums, load_enums},   {dump_inputs, load_inputs}, {dump_params, load_params},
    {dump_rules, load_rules},   {dump_tests, load_tests},   {dump_findings, load_findings},
    {dump_code, load_code},
};

#define BC_NSECTIONS (sizeof sections / sizeof sections[0])

/* ---- the file: header, then the sections ---- */
/* 64-bit FNV-1a of the payload, with the standard offset basis and prime
 * that docs/bytecode.md states (runtime/hash.h's pol_hash is the 32-bit
 * string hash for tables; the file keeps its wider checksum).  Format 2 had
 * the basis one digit short, so a reader written from the spec rejected
 * every file; tests/robust/bytecode_spec.py reads a file from the spec. */
#define BC_FNV64_BASIS 14695981039346656037ull
#define BC_FNV64_PRIME 1099511628211ull
static uint64_t payload_hash(const uint8_t *d, size_t n)
{
    uint64_t h = BC_FNV64_BASIS;
    for (size_t i = 0; i < n; i++) {
        h ^= d[i];
        h *= BC_FNV64_PRIME;
    }
    return h;
}

void bc_write(const bc_program *p, uint8_t **out, size_t *outlen)
{
    wbuf w = {0};
    uint8_t room[24] = {0}; /* the header, sealed below */
    w_bytes(&w, room, sizeof room);
    for (size_t s = 0; s < BC_NSECTIONS; s++)
        sections[s].dump(&w, p);
    bc_seal(w.d, w.len);
    *out = w.d;
    *outlen = w.len;
}

void bc_seal(uint8_t *buf, size_t len)
{
    memcpy(buf, BC_MAGIC, 4);
    memcpy(buf + 4, BC_PROBE, 4);
    put_u32(buf + 8, BC_VERSION);
    put_u32(buf + 12, (uint32_t)(len - 24));
    uint64_t hash = payload_hash(buf + 24, len - 24);
    put_u32(buf + 16, (uint32_t)hash);
    put_u32(buf + 20, (uint32_t)(hash >> 32));
}

/* The trailer after the payload, if any (len - end bytes from `end`, the
 * payload's end): unsigned, a well-formed trailer, or an error. */
static bool check_trailer(const uint8_t *data, size_t len, size_t end, bc_trailer *t, char *err, size_t errlen)
{
    size_t rest = len - end;
    t->end = end;
    if (rest == 0)
        return true; /* unsigned */
    if (rest < 4 || memcmp(data + end, BC_SIG_MARKER, 4) != 0) {
        pol_tr_format(pol_lang_get(), err, errlen, "bytecode file truncated or padded: payload %zu bytes, header says %zu", len - 24,
                 end - 24);
        return false;
    }
    if (rest != BC_TRAILER_BYTES) {
        pol_tr_format(pol_lang_get(), err, errlen, "corrupt signature at byte %zu: the signature trailer is %zu bytes, not %d", end, rest,
                 BC_TRAILER_BYTES);
        return false;
    }
    rbuf r = {data, len, end + 4, false, err, errlen, NULL};
    uint32_t alg = r_u32(&r);
    if (alg != BC_SIG_ED25519) {
        pol_tr_format(pol_lang_get(), err, errlen, "corrupt signature at byte %zu: unknown signature algorithm %u (1 is Ed25519)", end + 4,
                 alg);
        return false;
    }
    t->present = true;
    t->key = data + end + 8;
    t->sig = data + end + 8 + BC_SIG_KEY_BYTES;
    t->signed_len = end + 8 + BC_SIG_KEY_BYTES;
    return true;
}

bool bc_envelope(const uint8_t *data, size_t len, bc_trailer *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (memcmp(data, BC_MAGIC, len < 4 ? len : 4) != 0 || len == 0) {
        pol_tr_format(pol_lang_get(), err, errlen, "not a pol bytecode file (bad magic)");
        return false;
    }
    if (len < 24) {
        pol_tr_format(pol_lang_get(), err, errlen, "bytecode file truncated: %zu of the header's 24 bytes", len);
        return false;
    }
    if (memcmp(data + 4, BC_PROBE, 4) != 0) {
        pol_tr_format(pol_lang_get(), err, errlen, "bytecode file damaged in transfer (line ends or text-mode conversion)");
        return false;
    }
    rbuf r = {data, len, 8, false, err, errlen, NULL};
    uint32_t version = r_u32(&r);
    if (version != BC_VERSION) {
        pol_tr_format(pol_lang_get(), err, errlen, "bytecode format version %u, this polrun reads version %u; recompile with polc",
                 version, BC_VERSION);
        return false;
    }
    uint32_t plen = r_u32(&r);
    uint64_t hash = r_u32(&r);
    hash |= (uint64_t)r_u32(&r) << 32;
    if ((size_t)plen > len - 24) {
        pol_tr_format(pol_lang_get(), err, errlen, "bytecode file truncated or padded: payload %zu bytes, header says %u", len - 24, plen);
        return false;
    }
    if (!check_trailer(data, len, 24 + (size_t)plen, t, err, errlen))
        return false;
    if (payload_hash(data + 24, plen) != hash) {
        pol_tr_format(pol_lang_get(), err, errlen, "bytecode file corrupt: checksum mismatch");
        return false;
    }
    return true;
}

void bc_trailer_append(uint8_t **buf, size_t *len, const uint8_t key[BC_SIG_KEY_BYTES])
{
    wbuf w = {*buf, *len, *len};
    w_bytes(&w, BC_SIG_MARKER, 4);
    w_u32(&w, BC_SIG_ED25519);
    w_bytes(&w, key, BC_SIG_KEY_BYTES);
    static const uint8_t unsigned_yet[BC_SIG_BYTES];
    w_bytes(&w, unsigned_yet, sizeof unsigned_yet);
    *buf = w.d;
    *len = w.len;
}

bc_program *bc_read_accept(const uint8_t *data, size_t len, bc_accept_fn *accept, void *ctx, char *err,
                           size_t errlen)
{
    bc_trailer t;
    if (!bc_envelope(data, len, &t, err, errlen))
        return NULL;
    if (accept && !accept(data, &t, ctx, err, errlen))
        return NULL;
    bc_program *p = pol_xcalloc(1, sizeof *p);
    rbuf r = {data + 24, t.end - 24, 0, false, err, errlen, p};
    for (size_t s = 0; s < BC_NSECTIONS && !r.bad; s++)
        sections[s].load(&r, p);
    if (!r.bad && r.at != r.len)
        r_fail(&r, "%zu bytes of trailing data", r.len - r.at);
    if (r.bad) {
        bc_free(p);
        return NULL;
    }
    return p;
}

bc_program *bc_read(const uint8_t *data, size_t len, char *err, size_t errlen)
{
    return bc_read_accept(data, len, NULL, NULL, err, errlen);
}

const char *bc_member_name(const bc_program *p, uint32_t e, int32_t i)
{
    if (e >= p->nenums || i < 0 || (uint32_t)i >= p->enums[e].nmembers)
        return "?";
    return p->enums[e].members[i].name;
}

const char *bc_file_name(const bc_program *p, bc_pos pos)
{
    if (pos.file < p->nfiles && p->files[pos.file])
        return p->files[pos.file];
    return p->source ? p->source : "?";
}

bc_pos bc_pos_at(const bc_program *p, uint32_t pc)
{
    bc_pos pos = {0, 0, 0};
    uint32_t lo = 0, hi = p->nlines;
    while (lo < hi) { /* last entry with entry.pc <= pc */
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->lines[mid].pc <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0)
        pos = p->lines[lo - 1].pos;
    return pos;
}

void bc_range_text(int32_t from, int32_t to, char *buf, size_t cap)
{
    char a[16] = "", b[16] = "";
    if (from != BC_OPEN_LO)
        cd_format_date(from, a);
    if (to != BC_OPEN_HI)
        cd_format_date(to, b);
    snprintf(buf, cap, "%s..%s", a, b);
}

void bc_rate_text(const dec_t *rate, char *buf, size_t cap)
{
    dec_t h, pct;
    dec_init(&h);
    dec_init(&pct);
    dec_set_i64(&h, 100);
    /* dec_format_exact fails only past INT_MAX characters: unreachable */
    if (dec_mul(&pct, rate, &h) == DEC_OK && dec_format_exact(&pct, buf, cap) >= 0) {
        size_t n = strlen(buf);
        if (n + 1 < cap) {
            buf[n] = '%';
            buf[n + 1] = 0;
        }
    } else
        snprintf(buf, cap, "?");
    dec_clear(&h);
    dec_clear(&pct);
}

void bc_const_text(const bc_program *p, uint32_t k, char *buf, size_t cap)
{
    if (k >= p->nconsts) {
        snprintf(buf, cap, "?");
        return;
    }
    const bc_const *c = &p->consts[k];
    char tmp[16];
    switch (c->type) {
    case PT_BOOL: snprintf(buf, cap, "%s", c->i ? "true" : "false"); break;
    case PT_DATE: cd_format_date(c->i, tmp); snprintf(buf, cap, "%s", tmp); break;
    case PT_MONTH: cd_format_month(c->i, tmp); snprintf(buf, cap, "%s", tmp); break;
    case PT_ROUNDING: snprintf(buf, cap, "%s", (uint32_t)c->i < DEC_MODE_COUNT ? dec_mode_name((dec_mode)c->i) : "?"); break;
    case PT_TEXT: snprintf(buf, cap, "\"%s\"", c->text ? c->text : ""); break;
    case PT_ENUM:
        snprintf(buf, cap, "%s.%s", c->tref < p->nenums ? p->enums[c->tref].name : "?", bc_member_name(p, c->tref, c->i));
        break;
    default:
        if (c->type == PT_RATE) /* rates read best as written: 5%, 300% */
            bc_rate_text(&c->num, buf, cap);
        else if (dec_format_exact(&c->num, buf, cap) < 0) /* GCOVR_EXCL_BR_LINE: fails only past INT_MAX characters */
            snprintf(buf, cap, "?");
        break;
    }
}
