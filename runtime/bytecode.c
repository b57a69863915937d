/* bytecode.c -- the compiled-policy file: writer, defensive reader, verifier
 * and disassembler (see bytecode.h; format in docs/bytecode.md).
 *
 * Layout: 4-byte magic, 4-byte probe, u32 format version, u32 payload length,
 * u64 FNV-1a hash of the payload, then the payload: the program's sections in
 * a fixed order.  Integers are little-endian; strings are u32 length + bytes;
 * numeric constants are their exact decimal text.  The reader checks every
 * length against what is left before allocating, and bc_verify() checks every
 * cross-reference, jump and stack depth, so no file can make the VM read out
 * of bounds.
 */
#include "bytecode.h"

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

static const char *const type_names[PT__COUNT] = {
    "void", "boolean", "integer", "decimal", "rate", "money", "date", "month", "text", "enum", "record", "list",
    "months", "days"};

const char *pol_type_name(pol_type t) { return (unsigned)t < PT__COUNT ? type_names[t] : "?"; }


static void *xmalloc(size_t n) { return pol_xcalloc(1, n); } /* zeroed */

void bc_free(bc_program *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->source);
    for (uint32_t i = 0; i < p->nfiles; i++)
        free(p->files[i]);
    free(p->files);
    for (uint32_t i = 0; i < p->nmeta; i++) {
        free(p->meta[i].key);
        free(p->meta[i].value);
    }
    free(p->meta);
    for (uint32_t i = 0; i < p->nconsts; i++) {
        dec_clear(&p->consts[i].num);
        free(p->consts[i].text);
    }
    free(p->consts);
    for (uint32_t i = 0; i < p->ninputs; i++) {
        free(p->inputs[i].name);
        free(p->inputs[i].cite);
        free(p->inputs[i].doc);
    }
    free(p->inputs);
    for (uint32_t i = 0; i < p->nparams; i++) {
        bc_param *q = &p->params[i];
        free(q->name);
        free(q->cite);
        free(q->doc);
        for (uint32_t j = 0; j < q->nversions; j++)
            free(q->versions[j].cite);
        free(q->versions);
    }
    free(p->params);
    for (uint32_t i = 0; i < p->nrules; i++) {
        free(p->rules[i].name);
        free(p->rules[i].cite);
        free(p->rules[i].doc);
        free(p->rules[i].formula);
    }
    free(p->rules);
    for (uint32_t i = 0; i < p->ntests; i++) {
        free(p->tests[i].name);
        free(p->tests[i].given);
        free(p->tests[i].expect);
    }
    free(p->tests);
    for (uint32_t i = 0; i < p->nenums; i++) {
        bc_enum *e = &p->enums[i];
        free(e->name);
        free(e->cite);
        for (uint32_t j = 0; j < e->nfields; j++)
            free(e->fields[j].name);
        free(e->fields);
        for (uint32_t j = 0; j < e->nmembers; j++) {
            free(e->members[j].name);
            free(e->members[j].values);
            free(e->members[j].cite);
        }
        free(e->members);
    }
    free(p->enums);
    for (uint32_t i = 0; i < p->nrecords; i++) {
        free(p->records[i].name);
        free(p->records[i].cite);
        for (uint32_t j = 0; j < p->records[i].nfields; j++)
            free(p->records[i].fields[j].name);
        free(p->records[i].fields);
    }
    free(p->records);
    free(p->code);
    free(p->lines);
    free(p);
}

/* ---- writer ---- */
typedef struct wbuf {
    uint8_t *d;
    size_t len, cap;
} wbuf;

static void w_bytes(wbuf *w, const void *s, size_t n)
{
    if (w->len + n > w->cap) {
        size_t nc = w->cap ? w->cap : 256;
        while (nc < w->len + n)
            nc *= 2;
        w->d = pol_xrealloc(w->d, nc);
        w->cap = nc;
    }
    memcpy(w->d + w->len, s, n);
    w->len += n;
}

static void w_u32(wbuf *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
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

static uint64_t fnv1a(const uint8_t *d, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= d[i];
        h *= 1099511628211ull;
    }
    return h;
}

void bc_write(const bc_program *p, uint8_t **out, size_t *outlen)
{
    wbuf w = {0};
    w_str(&w, p->name);
    w_str(&w, p->source);
    w_u32(&w, p->nfiles);
    for (uint32_t i = 0; i < p->nfiles; i++)
        w_str(&w, p->files[i]);
    w_u32(&w, p->nmeta);
    for (uint32_t i = 0; i < p->nmeta; i++) {
        w_str(&w, p->meta[i].key);
        w_str(&w, p->meta[i].value);
    }
    w_u32(&w, p->nconsts);
    for (uint32_t i = 0; i < p->nconsts; i++) {
        const bc_const *c = &p->consts[i];
        w_u32(&w, c->type);
        if (pol_type_numeric((pol_type)c->type)) {
            /* exact text; a long constant gets a buffer of its own.  A read
             * file may hold up to DEC_MAX_DIGITS digits times 10^DEC_MAX_SCALE:
             * an integer longer than dec_parse accepts is written with its
             * trailing zeros as an exponent, so that it reads back. */
            char small[256], *buf = small;
            int n = dec_format_exact(&c->num, small, sizeof small);
            if (n >= (int)sizeof small) {
                buf = xmalloc((size_t)n + 1);
                n = dec_format_exact(&c->num, buf, (size_t)n + 1);
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
            w_u32(&w, (uint32_t)(m + strlen(expo)));
            w_bytes(&w, buf, m);
            w_bytes(&w, expo, strlen(expo));
            if (buf != small)
                free(buf);
        } else if (c->type == PT_TEXT) {
            w_str(&w, c->text ? c->text : "");
        } else {
            w_u32(&w, (uint32_t)c->i);
            if (c->type == PT_ENUM)
                w_u32(&w, c->tref);
        }
    }
    w_u32(&w, p->nrecords);
    for (uint32_t i = 0; i < p->nrecords; i++) {
        const bc_record *rc = &p->records[i];
        w_str(&w, rc->name);
        w_str(&w, rc->cite);
        w_pos(&w, rc->pos);
        w_u32(&w, rc->nfields);
        for (uint32_t j = 0; j < rc->nfields; j++) {
            w_str(&w, rc->fields[j].name);
            w_u32(&w, rc->fields[j].type);
            w_u32(&w, rc->fields[j].tref);
        }
    }
    w_u32(&w, p->nenums);
    for (uint32_t i = 0; i < p->nenums; i++) {
        const bc_enum *e = &p->enums[i];
        w_str(&w, e->name);
        w_str(&w, e->cite);
        w_pos(&w, e->pos);
        w_u32(&w, e->nfields);
        for (uint32_t j = 0; j < e->nfields; j++) {
            w_str(&w, e->fields[j].name);
            w_u32(&w, e->fields[j].type);
            w_u32(&w, e->fields[j].tref);
        }
        w_u32(&w, e->nmembers);
        for (uint32_t j = 0; j < e->nmembers; j++) {
            w_str(&w, e->members[j].name);
            w_str(&w, e->members[j].cite);
            w_pos(&w, e->members[j].pos);
            for (uint32_t k = 0; k < e->nfields; k++)
                w_u32(&w, e->members[j].values[k]);
        }
    }
    w_u32(&w, p->ninputs);
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const bc_input *x = &p->inputs[i];
        w_str(&w, x->name);
        w_u32(&w, x->type);
        w_u32(&w, x->tref);
        w_u32(&w, x->kmin);
        w_u32(&w, x->kmax);
        w_str(&w, x->cite);
        w_str(&w, x->doc);
        w_pos(&w, x->pos);
    }
    w_u32(&w, p->nparams);
    for (uint32_t i = 0; i < p->nparams; i++) {
        const bc_param *x = &p->params[i];
        w_str(&w, x->name);
        w_u32(&w, x->type);
        w_u32(&w, x->tref);
        w_u32(&w, x->dated);
        w_str(&w, x->cite);
        w_str(&w, x->doc);
        w_pos(&w, x->pos);
        w_u32(&w, x->nversions);
        for (uint32_t j = 0; j < x->nversions; j++) {
            const bc_version *v = &x->versions[j];
            w_u32(&w, (uint32_t)v->from);
            w_u32(&w, (uint32_t)v->to);
            w_u32(&w, v->k);
            w_str(&w, v->cite);
            w_pos(&w, v->pos);
        }
    }
    w_u32(&w, p->nrules);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const bc_rule *x = &p->rules[i];
        w_str(&w, x->name);
        w_u32(&w, x->type);
        w_u32(&w, x->tref);
        w_u32(&w, x->nlocals);
        w_u32(&w, x->nargs);
        w_u32(&w, x->is_output);
        w_u32(&w, x->is_constraint);
        w_u32(&w, x->places);
        w_u32(&w, x->entry);
        w_u32(&w, x->end);
        w_str(&w, x->cite);
        w_str(&w, x->doc);
        w_str(&w, x->formula);
        w_pos(&w, x->pos);
    }
    w_u32(&w, p->ntests);
    for (uint32_t i = 0; i < p->ntests; i++) {
        const bc_test *t = &p->tests[i];
        w_str(&w, t->name);
        w_pos(&w, t->pos);
        w_u32(&w, t->expect_error);
        w_u32(&w, t->error_k);
        w_u32(&w, t->ngiven);
        for (uint32_t j = 0; j < t->ngiven; j++) {
            w_u32(&w, t->given[j].index);
            w_u32(&w, t->given[j].k);
            w_pos(&w, t->given[j].pos);
            w_u32(&w, t->given[j].rule);
        }
        w_u32(&w, t->nexpect);
        for (uint32_t j = 0; j < t->nexpect; j++) {
            w_u32(&w, t->expect[j].index);
            w_u32(&w, t->expect[j].k);
            w_pos(&w, t->expect[j].pos);
            w_u32(&w, t->expect[j].stated);
            w_u32(&w, t->expect[j].cite_k);
        }
    }
    w_u32(&w, p->ncode);
    for (uint32_t i = 0; i < p->ncode; i++)
        w_u32(&w, p->code[i]);
    w_u32(&w, p->nlines);
    for (uint32_t i = 0; i < p->nlines; i++) {
        w_u32(&w, p->lines[i].pc);
        w_pos(&w, p->lines[i].pos);
    }

    /* header in front of the payload */
    uint8_t *file = pol_xmalloc(w.len + 24);
    memcpy(file + 24, w.d, w.len);
    free(w.d);
    bc_seal(file, w.len + 24);
    *out = file;
    *outlen = w.len + 24;
}

static void put_u32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

void bc_seal(uint8_t *buf, size_t len)
{
    memcpy(buf, BC_MAGIC, 4);
    memcpy(buf + 4, BC_PROBE, 4);
    put_u32(buf + 8, BC_VERSION);
    put_u32(buf + 12, (uint32_t)(len - 24));
    uint64_t hash = fnv1a(buf + 24, len - 24);
    put_u32(buf + 16, (uint32_t)hash);
    put_u32(buf + 20, (uint32_t)(hash >> 32));
}

/* ---- reader ---- */
typedef struct rbuf {
    const uint8_t *d;
    size_t len, at;
    bool bad;
    char *err;
    size_t errlen;
} rbuf;

static void r_fail(rbuf *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void r_fail(rbuf *r, const char *fmt, ...)
{
    if (r->bad)
        return;
    r->bad = true;
    int n = snprintf(r->err, r->errlen, "corrupt bytecode at byte %zu: ", r->at + 24);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < r->errlen)
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
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

/* A count of elements each at least `min_size` bytes: must fit in what is left. */
static uint32_t r_count(rbuf *r, size_t min_size, const char *what)
{
    uint32_t n = r_u32(r);
    if (!r->bad && (size_t)n > (r->len - r->at) / min_size) {
        r_fail(r, "%s count %u exceeds the file", what, n);
        return 0;
    }
    return n;
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
    char *s = xmalloc((size_t)n + 1);
    memcpy(s, r->d + r->at, n);
    s[n] = 0;
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

bc_program *bc_read(const uint8_t *data, size_t len, char *err, size_t errlen)
{
    if (len < 24 || memcmp(data, BC_MAGIC, 4) != 0) {
        snprintf(err, errlen, "not a pol bytecode file (bad magic)");
        return NULL;
    }
    if (memcmp(data + 4, BC_PROBE, 4) != 0) {
        snprintf(err, errlen, "bytecode file damaged in transfer (line ends or text-mode conversion)");
        return NULL;
    }
    rbuf r = {data, len, 8, false, err, errlen};
    uint32_t version = r_u32(&r);
    if (version != BC_VERSION) {
        snprintf(err, errlen, "bytecode format version %u, this polrun reads version %u; recompile with polc",
                 version, BC_VERSION);
        return NULL;
    }
    uint32_t plen = r_u32(&r);
    uint64_t hash = r_u32(&r);
    hash |= (uint64_t)r_u32(&r) << 32;
    if ((size_t)plen != len - 24) {
        snprintf(err, errlen, "bytecode file truncated or padded: payload %zu bytes, header says %u",
                 len - 24, plen);
        return NULL;
    }
    if (fnv1a(data + 24, plen) != hash) {
        snprintf(err, errlen, "bytecode file corrupt: checksum mismatch");
        return NULL;
    }
    r.d = data + 24;
    r.len = plen;
    r.at = 0;

    bc_program *p = xmalloc(sizeof *p);
    p->name = r_str(&r, true);
    p->source = r_str(&r, true);
    p->nfiles = r_count(&r, 4, "file");
    p->files = xmalloc(sizeof *p->files * p->nfiles);
    for (uint32_t i = 0; i < p->nfiles && !r.bad; i++)
        p->files[i] = r_str(&r, false);
    p->nmeta = r_count(&r, 8, "metadata");
    p->meta = xmalloc(sizeof *p->meta * p->nmeta);
    for (uint32_t i = 0; i < p->nmeta && !r.bad; i++) {
        p->meta[i].key = r_str(&r, false);
        p->meta[i].value = r_str(&r, false);
    }
    p->nconsts = r_count(&r, 8, "constant");
    p->consts = xmalloc(sizeof *p->consts * p->nconsts);
    for (uint32_t i = 0; i < p->nconsts; i++)
        dec_init(&p->consts[i].num);
    for (uint32_t i = 0; i < p->nconsts && !r.bad; i++) {
        bc_const *c = &p->consts[i];
        uint32_t t = r_u32(&r);
        if (t == PT_VOID || t >= PT__COUNT) {
            r_fail(&r, "constant %u has invalid type %u", i, t);
            break;
        }
        c->type = (uint8_t)t;
        if (pol_type_numeric((pol_type)t)) {
            char *s = r_str(&r, false);
            if (s && dec_parse(&c->num, s, strlen(s)) != DEC_OK)
                r_fail(&r, "constant %u is not a number", i);
            free(s);
        } else if (t == PT_TEXT) {
            c->text = r_str(&r, false);
        } else {
            c->i = (int32_t)r_u32(&r);
            if (t == PT_BOOL && (uint32_t)c->i > 1)
                r_fail(&r, "constant %u is not a boolean", i);
            if (t == PT_ENUM)
                c->tref = r_u32(&r);
        }
    }
    p->nrecords = r_count(&r, 16, "record type");
    p->records = xmalloc(sizeof *p->records * p->nrecords);
    for (uint32_t i = 0; i < p->nrecords && !r.bad; i++) {
        bc_record *rc = &p->records[i];
        rc->name = r_str(&r, false);
        rc->cite = r_str(&r, true);
        rc->pos = r_pos(&r);
        rc->nfields = r_count(&r, 12, "record field");
        if (rc->nfields > 256)
            r_fail(&r, "record type %u has %u fields", i, rc->nfields);
        rc->fields = xmalloc(sizeof *rc->fields * rc->nfields);
        for (uint32_t j = 0; j < rc->nfields && !r.bad; j++) {
            rc->fields[j].name = r_str(&r, false);
            rc->fields[j].type = (uint8_t)r_u32(&r);
            rc->fields[j].tref = r_u32(&r);
        }
    }
    p->nenums = r_count(&r, 24, "enumeration");
    p->enums = xmalloc(sizeof *p->enums * p->nenums);
    for (uint32_t i = 0; i < p->nenums && !r.bad; i++) {
        bc_enum *e = &p->enums[i];
        e->name = r_str(&r, false);
        e->cite = r_str(&r, true);
        e->pos = r_pos(&r);
        e->nfields = r_count(&r, 12, "enumeration field");
        e->fields = xmalloc(sizeof *e->fields * e->nfields);
        for (uint32_t j = 0; j < e->nfields && !r.bad; j++) {
            e->fields[j].name = r_str(&r, false);
            e->fields[j].type = (uint8_t)r_u32(&r);
            e->fields[j].tref = r_u32(&r);
        }
        e->nmembers = r_count(&r, 16 + 4 * (size_t)e->nfields, "enumeration member");
        e->members = xmalloc(sizeof *e->members * e->nmembers);
        for (uint32_t j = 0; j < e->nmembers && !r.bad; j++) {
            bc_member *m = &e->members[j];
            m->name = r_str(&r, false);
            m->cite = r_str(&r, true);
            m->pos = r_pos(&r);
            m->values = xmalloc(sizeof *m->values * e->nfields);
            for (uint32_t k = 0; k < e->nfields && !r.bad; k++)
                m->values[k] = r_u32(&r);
        }
    }
    p->ninputs = r_count(&r, 32, "input");
    p->inputs = xmalloc(sizeof *p->inputs * p->ninputs);
    for (uint32_t i = 0; i < p->ninputs && !r.bad; i++) {
        bc_input *x = &p->inputs[i];
        x->name = r_str(&r, false);
        x->type = (uint8_t)r_u32(&r);
        x->tref = r_u32(&r);
        x->kmin = r_u32(&r);
        x->kmax = r_u32(&r);
        x->cite = r_str(&r, true);
        x->doc = r_str(&r, true);
        x->pos = r_pos(&r);
    }
    p->nparams = r_count(&r, 36, "parameter");
    p->params = xmalloc(sizeof *p->params * p->nparams);
    for (uint32_t i = 0; i < p->nparams && !r.bad; i++) {
        bc_param *x = &p->params[i];
        x->name = r_str(&r, false);
        x->type = (uint8_t)r_u32(&r);
        x->tref = r_u32(&r);
        x->dated = (uint8_t)r_u32(&r);
        x->cite = r_str(&r, true);
        x->doc = r_str(&r, true);
        x->pos = r_pos(&r);
        x->nversions = r_count(&r, 28, "version");
        x->versions = xmalloc(sizeof *x->versions * x->nversions);
        for (uint32_t j = 0; j < x->nversions && !r.bad; j++) {
            bc_version *v = &x->versions[j];
            v->from = (int32_t)r_u32(&r);
            v->to = (int32_t)r_u32(&r);
            v->k = r_u32(&r);
            v->cite = r_str(&r, true);
            v->pos = r_pos(&r);
        }
    }
    p->nrules = r_count(&r, 56, "rule");
    p->rules = xmalloc(sizeof *p->rules * p->nrules);
    for (uint32_t i = 0; i < p->nrules && !r.bad; i++) {
        bc_rule *x = &p->rules[i];
        x->name = r_str(&r, false);
        x->type = (uint8_t)r_u32(&r);
        x->tref = r_u32(&r);
        x->nlocals = r_u32(&r);
        if (x->nlocals > 4096)
            r_fail(&r, "rule %u uses %u local slots", i, x->nlocals);
        x->nargs = r_u32(&r);
        if (x->nargs > x->nlocals)
            r_fail(&r, "rule %u has more parameters than local slots", i);
        x->is_output = (uint8_t)r_u32(&r);
        x->is_constraint = (uint8_t)r_u32(&r);
        uint32_t places = r_u32(&r);
        if (places > 60)
            r_fail(&r, "rule %u prints with %u places", i, places);
        x->places = (uint8_t)places;
        x->entry = r_u32(&r);
        x->end = r_u32(&r);
        x->cite = r_str(&r, true);
        x->doc = r_str(&r, true);
        x->formula = r_str(&r, true);
        x->pos = r_pos(&r);
    }
    p->ntests = r_count(&r, 32, "test");
    p->tests = xmalloc(sizeof *p->tests * p->ntests);
    for (uint32_t i = 0; i < p->ntests && !r.bad; i++) {
        bc_test *t = &p->tests[i];
        t->name = r_str(&r, false);
        t->pos = r_pos(&r);
        t->expect_error = (uint8_t)r_u32(&r);
        t->error_k = r_u32(&r);
        t->ngiven = r_count(&r, 24, "test input");
        t->given = xmalloc(sizeof *t->given * t->ngiven);
        for (uint32_t j = 0; j < t->ngiven && !r.bad; j++) {
            t->given[j].index = r_u32(&r);
            t->given[j].k = r_u32(&r);
            t->given[j].pos = r_pos(&r);
            t->given[j].rule = r_u32(&r);
        }
        t->nexpect = r_count(&r, 28, "test expectation");
        t->expect = xmalloc(sizeof *t->expect * t->nexpect);
        for (uint32_t j = 0; j < t->nexpect && !r.bad; j++) {
            t->expect[j].index = r_u32(&r);
            t->expect[j].k = r_u32(&r);
            t->expect[j].pos = r_pos(&r);
            t->expect[j].stated = (uint8_t)r_u32(&r);
            t->expect[j].cite_k = r_u32(&r);
        }
    }
    p->ncode = r_count(&r, 4, "code word");
    p->code = xmalloc(sizeof *p->code * p->ncode);
    for (uint32_t i = 0; i < p->ncode && !r.bad; i++)
        p->code[i] = r_u32(&r);
    p->nlines = r_count(&r, 16, "line entry");
    p->lines = xmalloc(sizeof *p->lines * p->nlines);
    for (uint32_t i = 0; i < p->nlines && !r.bad; i++) {
        p->lines[i].pc = r_u32(&r);
        p->lines[i].pos = r_pos(&r);
    }
    if (!r.bad && r.at != r.len)
        r_fail(&r, "%zu bytes of trailing data", r.len - r.at);
    if (r.bad) {
        bc_free(p);
        return NULL;
    }
    return p;
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

void bc_rate_text(const dec_t *rate, char *buf, size_t cap)
{
    dec_t h, pct;
    dec_init(&h);
    dec_init(&pct);
    dec_set_i64(&h, 100);
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
    case PT_TEXT: snprintf(buf, cap, "\"%s\"", c->text ? c->text : ""); break;
    case PT_ENUM:
        snprintf(buf, cap, "%s.%s", c->tref < p->nenums ? p->enums[c->tref].name : "?", bc_member_name(p, c->tref, c->i));
        break;
    default:
        if (c->type == PT_RATE) /* rates read best as written: 5%, 300% */
            bc_rate_text(&c->num, buf, cap);
        else if (dec_format_exact(&c->num, buf, cap) < 0)
            snprintf(buf, cap, "?");
        break;
    }
}
