/* batch.c -- polrun --batch (batch.h): a pipeline with constant memory and
 * output in input order.  With -j N, N threads share the work (the main
 * thread reads the first chunk, starts them and sleeps): one at a time reads a chunk of records (sc_reader)
 * and then evaluates it with its own pol_eval into the chunk's own output
 * buffer; whichever thread finds the next chunk in input order finished
 * writes it.  A fixed ring of chunks bounds memory, and every buffer is
 * reused, so once they have grown nothing is allocated per record.  With
 * -j 1 there are no threads at all: read a chunk, evaluate it, write it.
 * Shares its contract with tools/batch.h, tools/polrun.c, runtime/scen.h.
 */
#include "batch.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mem.h"

#define CHUNK_RECORDS 2048
#define CHUNK_RECORDS_EXPLAIN 256     /* explanations are kilobytes per record        */
#define CHUNK_BYTES ((size_t)1 << 19) /* a chunk closes once it holds 512 KiB of input */
#define FIELD_CACHE 64                /* field positions whose input is remembered    */

typedef struct rec_slot {
    long line;
    size_t off, len; /* the record's text (or, if bad, the reader's reason) in the chunk's text */
    bool bad;        /* rejected by the reader                                               */
} rec_slot;

typedef struct chunk {
    sc_buf text;     /* the chunk's record texts, each followed by a NUL */
    rec_slot *slots;
    int nslots;
    sc_buf out;      /* the chunk's output records, in order             */
    long errors;     /* records with an error (of the record, or of an output) */
    long partial;    /* records without error where an output is not applicable or unstated */
    bool done;       /* evaluated, not yet written (under batch.mu)      */
} __attribute__((aligned(64))) chunk; /* its own cache lines: out.len changes with every value written */

typedef struct out_col { /* one output column, its JSON key written once */
    uint32_t rule;
    int places;
    size_t key_off, key_len; /* in batch.keys: "\"name\":" (with a leading ',' after the first) */
} out_col;

typedef struct batch {
    const batch_opts *o;
    pol_policy *pol;
    const bc_program *p;
    const sc_record *csv_header;
    sc_format in_fmt, out_fmt;
    out_col *cols;
    uint32_t ncols;
    sc_buf col_keys; /* the outputs' JSON keys (out_col.key_off) */
    size_t *in_len;  /* strlen of each input's name */
    const batch_keys *keys; /* --key, or NULL */
    bool numeric[256]; /* pol_type_numeric() of every type tag */
    bool in_checked;   /* the reader checks each record's UTF-8 (no --encoding) */
    chunk *chunks;
    int nchunks;
    /* -j N > 1: N threads each read a chunk,
     * evaluate it and write what is finished, in input order; under mu */
    pthread_mutex_t mu;
    pthread_cond_t changed;  /* a chunk was read, evaluated or written       */
    long nread, written;     /* chunks read / written; chunk k lives in chunks[k % nchunks] */
    bool reading, writing;   /* a thread holds the reader / the writer role  */
    bool eof, stop;          /* the input is at its end / a write failed     */
    struct reading *rd;
    struct sink *sink;
} batch;

/* A partial CSV record's last two cells, escaped, for the errors its
 * columns had (pol_eval_output_error_id, 0 for a value): a batch that mixes
 * schemes comes back to a few such patterns, record after record. */
#define BATCH_CSV_TAILS 8
struct csv_tail {
    uint64_t *ids; /* per column; NULL: unused */
    sc_buf tail;
};

typedef struct worker {
    batch *b;
    pol_eval *ev;
    sc_record rec;
    int field_input[FIELD_CACHE]; /* input named by field k last time, or -1 */
    uint32_t *seen, gen;       /* inputs set by the current record         */
    batch_key_at kat;          /* where the --key fields are in rec        */
    sc_field *lib_fields;      /* rec without its key fields, for the library */
    int lib_cap;
    struct unavail_memo *unavail; /* per output column: its last "unavailable" entry, as JSON */
    sc_buf csv_errs, csv_notes;   /* a CSV record's error and notes cells        */
    uint8_t *csv_told;            /* per column: its reason already written      */
    uint64_t *csv_ids;            /* per column: the current record's error (0: it has a value) */
    struct csv_tail *csv_tails;   /* BATCH_CSV_TAILS recent ",ERRORS,NOTES\n" cells */
    unsigned csv_next;            /* the one to replace next                      */
    pthread_t tid;
    bool started;
    chunk *first;               /* a chunk to evaluate before taking roles, or NULL */
} __attribute__((aligned(64))) worker; /* a cache line of its own: workers write their fields per record */

/* Grows b to hold `extra` more bytes (and a NUL). */
static __attribute__((noinline)) void out_grow(sc_buf *b, size_t extra)
{
    POL_GROW_FROM(b->data, b->cap, b->len + extra + 1, 4096);
}

/* Room for `extra` more bytes in b (which then still has room for a NUL). */
static inline void out_reserve(sc_buf *b, size_t extra)
{
    if (__builtin_expect(b->cap - b->len <= extra, 0))
        out_grow(b, extra);
}

/* Appends without the NUL that sc_buf_put keeps; out_reserve() first. */
static inline void out_mem(sc_buf *b, const char *s, size_t n)
{
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline void out_long(sc_buf *b, long v)
{
    unsigned long m = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    int nd = 1;
    for (unsigned long t = m; t >= 10; t /= 10) /* a division by a constant: a multiply */
        nd++;
    out_reserve(b, (size_t)nd + 1);
    char *q = b->data + b->len + (v < 0) + nd; /* the digits, written backwards in place */
    b->len = (size_t)(q - b->data);
    while (m >= 10) { /* two digits per division */
        memcpy(q -= 2, digit_pairs + 2 * (m % 100), 2);
        m /= 100;
    }
    if (nd & 1)
        *--q = (char)('0' + (int)m);
    if (v < 0)
        *--q = '-';
}

/* ---- key fields (batch.h) ---- */

int batch_keys_add(batch_keys *k, const char *arg, char *err, size_t errlen)
{
    const char *p = arg;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0) {
            snprintf(err, errlen, "--key takes field names separated by commas, not '%s'", arg);
            return -1;
        }
        if (batch_keys_has(k, p, n)) {
            snprintf(err, errlen, "--key names '%.*s' twice", (int)n, p);
            return -1;
        }
        if (k->count == BATCH_MAX_KEYS) {
            snprintf(err, errlen, "more than %d --key fields", BATCH_MAX_KEYS);
            return -1;
        }
        k->name[k->count] = pol_xmalloc(n + 1);
        memcpy(k->name[k->count], p, n);
        k->name[k->count][n] = '\0';
        k->len[k->count++] = n;
        if (!e)
            return 0;
        p = e + 1;
    }
}

void batch_keys_free(batch_keys *k)
{
    for (int i = 0; i < k->count; i++)
        free(k->name[i]);
    k->count = 0;
}

bool batch_keys_has(const batch_keys *k, const char *name, size_t len)
{
    for (int i = 0; i < k->count; i++)
        if (k->len[i] == len && !memcmp(k->name[i], name, len))
            return true;
    return false;
}

void batch_key_at_none(const batch_keys *k, batch_key_at *at)
{
    for (int i = 0; i < k->count; i++)
        at->at[i] = -1;
}

int batch_keys_find(const batch_keys *k, const sc_record *rec, batch_key_at *at)
{
    int missing = -1;
    for (int i = 0; i < k->count; i++) {
        int f = at->at[i];
        if (f < 0 || f >= rec->count || rec->fields[f].name_len != k->len[i] ||
            memcmp(rec->fields[f].name, k->name[i], k->len[i]) != 0) {
            for (f = 0; f < rec->count; f++)
                if (rec->fields[f].name_len == k->len[i] && !memcmp(rec->fields[f].name, k->name[i], k->len[i]))
                    break;
            if (f == rec->count) {
                f = -1;
                if (missing < 0)
                    missing = i;
            }
            at->at[i] = f;
        }
    }
    return missing;
}

/* The JSON text of a string field as written in the record: from its
 * opening quote to its closing one (the parser has checked it). */
static size_t json_string_extent(const char *text, size_t off)
{
    size_t i = off + 1;
    while (text[i] != '"')
        i += text[i] == '\\' ? 2 : 1;
    return i + 1 - off;
}

void batch_keys_put_json(const batch_keys *k, const batch_key_at *at, const sc_record *rec, const char *text,
                         sc_format in_fmt, sc_buf *out)
{
    sc_buf_puts(out, "\"keys\":{");
    for (int i = 0; i < k->count; i++) {
        if (i)
            sc_buf_putc(out, ',');
        sc_buf_json_string(out, k->name[i], k->len[i]);
        sc_buf_putc(out, ':');
        const sc_field *f = at->at[i] >= 0 ? &rec->fields[at->at[i]] : NULL;
        if (!f)
            sc_buf_puts(out, "null");
        else if (in_fmt == SC_FMT_CSV)
            sc_buf_json_string(out, f->text, f->len);
        else if (f->kind == SCV_STRING)
            sc_buf_put(out, text + f->offset, json_string_extent(text, f->offset));
        else
            sc_buf_put(out, f->text, f->len);
    }
    sc_buf_puts(out, "},");
}

void batch_keys_put_csv(const batch_keys *k, const batch_key_at *at, const sc_record *rec, const char *text,
                        sc_format in_fmt, sc_buf *out)
{
    (void)text;
    (void)in_fmt; /* a field's text is the cell, the string or the JSON as written */
    for (int i = 0; i < k->count; i++) {
        sc_buf_putc(out, ',');
        const sc_field *f = at->at[i] >= 0 ? &rec->fields[at->at[i]] : NULL;
        if (f && f->kind != SCV_NULL)
            sc_buf_csv_field(out, f->text, f->len);
    }
}

void batch_keys_put_csv_header(const batch_keys *k, sc_buf *out)
{
    for (int i = 0; i < k->count; i++) {
        sc_buf_putc(out, ',');
        sc_buf_csv_field(out, k->name[i], k->len[i]);
    }
}

/* The start of an output record: its line and, with --key, the key fields
 * (from w->rec when have_rec, else all missing). */
static void put_head(const batch *b, worker *w, sc_buf *out, long line, const char *text, bool have_rec)
{
    bool csv = b->out_fmt == SC_FMT_CSV;
    char d[24];
    size_t n = 0;
    unsigned long u = line < 0 ? 0 - (unsigned long)line : (unsigned long)line;
    do
        d[sizeof d - ++n] = (char)('0' + u % 10);
    while (u /= 10);
    if (line < 0)
        d[sizeof d - ++n] = '-';
    if (!csv)
        sc_buf_put(out, "{\"line\":", 8);
    sc_buf_put(out, d + sizeof d - n, n); /* the line number, without printf */
    if (!csv)
        sc_buf_putc(out, ',');
    if (!b->keys)
        return;
    batch_key_at none;
    if (!have_rec)
        batch_key_at_none(b->keys, &none);
    const batch_key_at *at = have_rec ? &w->kat : &none;
    if (csv)
        batch_keys_put_csv(b->keys, at, &w->rec, text, b->in_fmt, out);
    else
        batch_keys_put_json(b->keys, at, &w->rec, text, b->in_fmt, out);
}

static void put_error_record(const batch *b, worker *w, sc_buf *out, long line, const char *text, bool have_rec,
                             const char *field, const char *pos, const char *msg)
{
    put_head(b, w, out, line, text, have_rec);
    if (b->out_fmt == SC_FMT_CSV) {
        for (uint32_t c = 0; c < b->ncols; c++)
            sc_buf_putc(out, ',');
        sc_buf_putc(out, ',');
        sc_buf b2;
        sc_buf_init(&b2);
        if (pos && *pos)
            sc_buf_printf(&b2, "%s: ", pos);
        if (field && *field)
            sc_buf_printf(&b2, "%s: ", field);
        sc_buf_puts(&b2, msg);
        sc_buf_csv_field(out, b2.data, b2.len);
        sc_buf_clear(&b2);
        sc_buf_puts(out, ",\n"); /* no notes */
        return;
    }
    sc_buf_puts(out, "\"error\":{\"message\":");
    sc_buf_json_string(out, msg, strlen(msg));
    if (field && *field) {
        sc_buf_puts(out, ",\"field\":");
        sc_buf_json_string(out, field, strlen(field));
    }
    if (pos && *pos) {
        sc_buf_puts(out, ",\"position\":");
        sc_buf_json_string(out, pos, strlen(pos));
    }
    sc_buf_puts(out, "}}\n");
}


/* Sets the record's fields as inputs: what pol_eval_set_record() does, with
 * each field position remembering the input it named in the last record so
 * that a batch whose records share their keys does no name lookups.  Any
 * unusual record (an unknown field, an input named twice) is handed to
 * pol_eval_set_record() itself, so its errors are exactly the library's. */
static int set_inputs(worker *w, pol_error *perr)
{
    const batch *b = w->b;
    const sc_record *rec = &w->rec;
    if (++w->gen == 0) {
        memset(w->seen, 0, sizeof *w->seen * (b->p->ninputs + 1));
        w->gen = 1;
    }
    for (int k = 0; k < rec->count; k++) {
        const sc_field *f = &rec->fields[k];
        int i = k < FIELD_CACHE ? w->field_input[k] : -1;
        if (i < 0 || b->in_len[i] != f->name_len || !sc_same_bytes(b->p->inputs[i].name, f->name, f->name_len)) {
            i = pol_find_input(b->pol, f->name, f->name_len);
            if (k < FIELD_CACHE)
                w->field_input[k] = i;
        }
        if (i < 0) {
            if (b->o->allow_extra || (b->keys && batch_keys_has(b->keys, f->name, f->name_len)))
                continue;
            goto library;
        }
        if (w->seen[i] == w->gen)
            goto library;
        w->seen[i] = w->gen;
        if (f->kind == SCV_NULL)
            continue; /* null or an empty CSV cell: the input stays absent */
        if (pol_eval_set_field(w->ev, (uint32_t)i, f->kind, f->text, f->len, perr) != 0)
            return -1;
    }
    return 0;
library:
    pol_eval_begin(w->ev);
    if (!b->keys || b->o->allow_extra)
        return pol_eval_set_record(w->ev, rec, b->o->allow_extra, perr);
    sc_record lib = *rec; /* without the key fields that are not inputs */
    if (w->lib_cap < rec->count) {
        w->lib_cap = rec->count;
        w->lib_fields = pol_xrealloc(w->lib_fields, sizeof *w->lib_fields * (size_t)w->lib_cap);
    }
    lib.fields = w->lib_fields;
    lib.count = 0;
    for (int k = 0; k < rec->count; k++) {
        const sc_field *f = &rec->fields[k];
        if (!batch_keys_has(b->keys, f->name, f->name_len) || pol_find_input(b->pol, f->name, f->name_len) >= 0)
            lib.fields[lib.count++] = *f;
    }
    return pol_eval_set_record(w->ev, &lib, false, perr);
}

/* Output column c of a successful run, if it is a number: dec_format()
 * straight into the buffer (between quotes for JSON), the text
 * pol_eval_value_text() would give.  false for anything else. */
static inline bool put_number(const batch *b, worker *w, const out_col *c, sc_buf *out)
{
    enum { ROOM = 64 };
    const vm_val *v = pol_eval_val(w->ev, c->rule);
    if (!v || !b->numeric[v->t])
        return false;
    out_reserve(out, ROOM + 2);
    bool csv = b->out_fmt == SC_FMT_CSV;
    char *at = out->data + out->len + (csv ? 0 : 1);
    int n = dec_format(&v->d, c->places, at, ROOM, NULL);
    if (n < 0 || n >= ROOM)
        return false;
    if (!csv) { /* digits, '.', '-': nothing to escape, and never quoted in CSV */
        at[-1] = '"';
        at[n] = '"';
    }
    out->len += (size_t)n + (csv ? 0 : 2);
    return true;
}


/* Column c as a CSV cell, whatever its type. */
static void put_csv_cell(const batch *b, worker *w, const out_col *c, sc_buf *out)
{
    if (put_number(b, w, c, out))
        return;
    char buf[1200];
    if (pol_eval_value_text(w->ev, c->rule, buf, sizeof buf))
        sc_buf_csv_field(out, buf, strlen(buf));
}

/* An output's entry in "unavailable", "NAME":{"status":...}, kept per
 * column: the same reason for the same output (an output of another
 * scheme, a bound) comes back record after record, and escaping its
 * message each time was most of the cost of such records. */
typedef struct unavail_memo {
    pol_status status;
    pol_pos pos;
    char *msg, *field; /* the error's, as when the entry was made (NULL: none yet) */
    uint64_t id;       /* pol_eval_output_error_id of an error found the same */
    sc_buf json;
} unavail_memo;

static const char *const status_name[] = {[POL_E_INPUT] = "error", [POL_E_BOUND] = "error", [POL_E_RUNTIME] = "error",
                                          [POL_NOT_APPLICABLE] = "not-applicable", [POL_UNSTATED] = "unstated"};

static bool same_text(const char *a, const char *b)
{
    return (a == b) || (a && b && !strcmp(a, b));
}

/* Whether e, the error numbered id, is the one memo m was made from: by
 * its number when m has met it before, else by its contents. */
static bool memo_is(unavail_memo *m, const pol_error *e, uint64_t id)
{
    if (m->msg && id && m->id == id)
        return true;
    bool same = m->msg && m->status == e->status && m->pos.line == e->pos.line && m->pos.col == e->pos.col &&
                same_text(m->pos.file, e->pos.file) && !strcmp(m->msg, e->msg) && !strcmp(m->field, e->field);
    if (same)
        m->id = id;
    return same;
}

/* Makes m e's (the error numbered id): its JSON entry is to be written again. */
static void memo_take(unavail_memo *m, const pol_error *e, uint64_t id)
{
    free(m->msg);
    free(m->field);
    m->msg = pol_xstrdup(e->msg);
    m->field = pol_xstrdup(e->field);
    m->status = e->status;
    m->pos = e->pos;
    m->id = id;
    sc_buf_reset(&m->json);
}

static void unavail_entry(const batch *b, worker *w, uint32_t c, const pol_error *e, sc_buf *out)
{
    unavail_memo *m = &w->unavail[c];
    uint64_t id = pol_eval_output_error_id(w->ev, b->cols[c].rule);
    if (memo_is(m, e, id) && m->json.len) {
        sc_buf_put(out, m->json.data, m->json.len);
        return;
    }
    memo_take(m, e, id);
    sc_buf_reset(&m->json);
    const char *nm = b->p->rules[b->cols[c].rule].name;
    sc_buf *j = &m->json;
    char pos[POL_POS_TEXT_MAX];
    sc_buf_json_string(j, nm, strlen(nm));
    sc_buf_printf(j, ":{\"status\":\"%s\",\"message\":", status_name[e->status] ? status_name[e->status] : "error");
    sc_buf_json_string(j, e->msg, strlen(e->msg));
    if (e->field[0] && strcmp(e->field, nm) != 0) {
        sc_buf_puts(j, ",\"field\":");
        sc_buf_json_string(j, e->field, strlen(e->field));
    }
    if (pol_pos_text(&e->pos, pos, sizeof pos)[0]) {
        sc_buf_puts(j, ",\"position\":");
        sc_buf_json_string(j, pos, strlen(pos));
    }
    sc_buf_putc(j, '}');
    sc_buf_put(out, j->data, j->len);
}

/* The "outputs" object of a record where some outputs have no value, from
 * the numeric fast path; false (and nothing written) when some value is not
 * a number, for the library's own JSON. */
static bool put_partial_outputs(const batch *b, worker *w, sc_buf *out)
{
    size_t start = out->len;
    out_reserve(out, 12);
    out_mem(out, "\"outputs\":{", 11);
    for (uint32_t c = 0; c < b->ncols; c++) {
        const out_col *col = &b->cols[c];
        out_reserve(out, col->key_len + 5);
        out_mem(out, b->col_keys.data + col->key_off, col->key_len);
        if (pol_eval_output_error(w->ev, col->rule)) {
            out_mem(out, "null", 4);
            continue;
        }
        if (!put_number(b, w, col, out)) {
            out->len = start;
            return false;
        }
    }
    out_reserve(out, 1);
    out_mem(out, "}", 1);
    return true;
}

/* A record where some outputs have values and others none: JSON Lines
 * `{"line":N,"outputs":{... null ...},"unavailable":{OUTPUT:{"status":...}}}`,
 * CSV the values, empty cells, the errors in `error` and the reasons for
 * outputs that are not applicable or not stated in `notes`. */
static void put_partial_record(const batch *b, worker *w, sc_buf *out, long line, const char *text)
{
    char pos[POL_POS_TEXT_MAX];
    if (b->out_fmt == SC_FMT_CSV) {
        /* The cells; then the errors and notes cells, which are those of an
         * earlier record when each output has the very error it had there
         * (the usual case: outputs of another scheme) */
        put_head(b, w, out, line, text, true);
        uint64_t *ids = w->csv_ids;
        for (uint32_t c = 0; c < b->ncols; c++) {
            sc_buf_putc(out, ',');
            const pol_error *e = pol_eval_output_error(w->ev, b->cols[c].rule);
            ids[c] = e ? pol_eval_output_error_id(w->ev, b->cols[c].rule) : 0;
            if (!e)
                put_csv_cell(b, w, &b->cols[c], out);
        }
        for (int k = 0; k < BATCH_CSV_TAILS; k++) {
            const struct csv_tail *ct = &w->csv_tails[k];
            if (ct->ids && !memcmp(ct->ids, ids, sizeof *ids * b->ncols)) {
                sc_buf_put(out, ct->tail.data, ct->tail.len);
                return;
            }
        }
        sc_buf *errs_b = &w->csv_errs, *notes_b = &w->csv_notes; /* the worker's: nothing allocated per record */
        sc_buf_reset(errs_b);
        sc_buf_reset(notes_b);
        uint8_t *told = w->csv_told; /* reason already written with an earlier output's */
        memset(told, 0, b->ncols + 1);
        for (uint32_t c = 0; c < b->ncols; c++) {
            const pol_error *e = pol_eval_output_error(w->ev, b->cols[c].rule);
            if (!e)
                continue;
            if (told[c])
                continue;
            bool note = e->status == POL_NOT_APPLICABLE || e->status == POL_UNSTATED;
            sc_buf *to = note ? notes_b : errs_b;
            if (to->len)
                sc_buf_puts(to, " | ");
            if (!note && pol_pos_text(&e->pos, pos, sizeof pos)[0]) {
                sc_buf_puts(to, pos);
                sc_buf_puts(to, ": ");
            }
            sc_buf_puts(to, b->p->rules[b->cols[c].rule].name);
            for (uint32_t d = c + 1; d < b->ncols; d++) { /* the outputs that fail the same way, named together */
                const pol_error *f = pol_eval_output_error(w->ev, b->cols[d].rule);
                if (f && !told[d] && f->status == e->status && f->pos.line == e->pos.line && f->pos.col == e->pos.col &&
                    !strcmp(f->msg, e->msg)) {
                    told[d] = 1;
                    sc_buf_puts(to, ", ");
                    sc_buf_puts(to, b->p->rules[b->cols[d].rule].name);
                }
            }
            sc_buf_puts(to, ": ");
            sc_buf_puts(to, e->msg);
        }
        struct csv_tail *ct = &w->csv_tails[w->csv_next++ % BATCH_CSV_TAILS];
        if (!ct->ids)
            ct->ids = pol_xcalloc(b->ncols + 1, sizeof *ct->ids);
        memcpy(ct->ids, ids, sizeof *ids * b->ncols);
        sc_buf *t = &ct->tail;
        sc_buf_reset(t);
        sc_buf_putc(t, ',');
        sc_buf_csv_field(t, errs_b->data ? errs_b->data : "", errs_b->len);
        sc_buf_putc(t, ',');
        sc_buf_csv_field(t, notes_b->data ? notes_b->data : "", notes_b->len);
        sc_buf_putc(t, '\n');
        sc_buf_put(out, t->data, t->len);
        return;
    }
    put_head(b, w, out, line, text, true);
    if (b->o->explain) {
        sc_buf_puts(out, "\"explain\":");
        pol_eval_explain_json_buf(w->ev, out);
    } else if (!put_partial_outputs(b, w, out)) {
        sc_buf_puts(out, "\"outputs\":");
        pol_eval_outputs_json_buf(w->ev, out);
    }
    sc_buf_puts(out, ",\"unavailable\":{");
    bool first = true;
    for (uint32_t c = 0; c < b->ncols; c++) {
        const pol_error *e = pol_eval_output_error(w->ev, b->cols[c].rule);
        if (!e)
            continue;
        if (!first)
            sc_buf_putc(out, ',');
        first = false;
        unavail_entry(b, w, c, e, out);
    }
    sc_buf_puts(out, "}}\n");
}

static void eval_record(worker *w, const chunk *ch, const rec_slot *s, sc_buf *out, long *errors, long *partial)
{
    const batch *b = w->b;
    const char *t = ch->text.data + s->off;
    sc_error serr;
    pol_error perr;
    if (s->bad) {
        put_error_record(b, w, out, s->line, t, false, NULL, NULL, t);
        ++*errors;
        return;
    }
    int prc = b->in_fmt == SC_FMT_CSV ? b->in_checked ? sc_parse_csv_record_checked(&w->rec, b->csv_header, t, s->len, &serr)
                                                        : sc_parse_csv_record(&w->rec, b->csv_header, t, s->len, &serr)
                   : b->in_checked ? sc_parse_json_object_checked(&w->rec, t, s->len, &serr)
                                   : sc_parse_json_object(&w->rec, t, s->len, &serr);
    if (prc != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "byte %zu: %s", serr.offset + 1, serr.msg);
        put_error_record(b, w, out, s->line, t, false, NULL, NULL, msg);
        ++*errors;
        return;
    }
    if (b->keys) {
        int missing = batch_keys_find(b->keys, &w->rec, &w->kat);
        if (missing >= 0) {
            char msg[300];
            snprintf(msg, sizeof msg, "the key field \"%s\" (--key) is missing from the record", b->keys->name[missing]);
            put_error_record(b, w, out, s->line, t, true, b->keys->name[missing], NULL, msg);
            ++*errors;
            return;
        }
    }
    pol_eval_begin(w->ev);
    uint32_t nerr = 0, nna = 0, nun = 0;
    bool bad = set_inputs(w, &perr) != 0; /* the record itself */
    if (!bad) {
        pol_eval_run(w->ev, &perr);
        pol_eval_counts(w->ev, &nerr, &nna, &nun);
    }
    if (bad || (nerr && nerr >= b->ncols)) { /* no output could be computed: one error record */
        char pos[POL_POS_TEXT_MAX];
        put_error_record(b, w, out, s->line, t, true, perr.field, pol_pos_text(&perr.pos, pos, sizeof pos), perr.msg);
        ++*errors;
        return;
    }
    if (nerr + nna + nun) { /* some outputs have no value: say why, per output */
        put_partial_record(b, w, out, s->line, t);
        ++*(nerr ? errors : partial);
        return;
    }
    if (b->keys) {
        put_head(b, w, out, s->line, t, true);
    } else if (b->out_fmt == SC_FMT_CSV) {
        out_long(out, s->line);
    } else {
        out_reserve(out, 8);
        out_mem(out, "{\"line\":", 8);
        out_long(out, s->line);
        out_reserve(out, 1);
        out_mem(out, ",", 1);
    }
    if (b->out_fmt == SC_FMT_CSV) {
        for (uint32_t c = 0; c < b->ncols; c++) {
            out_reserve(out, 1);
            out->data[out->len++] = ',';
            put_csv_cell(b, w, &b->cols[c], out);
        }
        out_reserve(out, 3);
        out_mem(out, ",,\n", 3); /* no error, no notes */
    } else if (b->o->explain) {
        sc_buf_puts(out, "\"explain\":");
        pol_eval_explain_json_buf(w->ev, out);
        sc_buf_puts(out, "}\n");
    } else {
        out_reserve(out, 12);
        out_mem(out, "\"outputs\":", 10);
        size_t outputs = out->len; /* where pol_eval_outputs_json_buf() would begin */
        out_mem(out, "{", 1);
        for (uint32_t c = 0; c < b->ncols; c++) {
            const out_col *col = &b->cols[c];
            out_reserve(out, col->key_len);
            out_mem(out, b->col_keys.data + col->key_off, col->key_len);
            if (!put_number(b, w, col, out)) { /* text, a list, ...: the library's own JSON */
                out->len = outputs;
                pol_eval_outputs_json_buf(w->ev, out);
                out_reserve(out, 3);
                out_mem(out, "}\n", 2);
                return;
            }
        }
        out_reserve(out, 3);
        out_mem(out, "}}\n", 3);
    }
}

static void eval_chunk(worker *w, chunk *c)
{
    sc_buf_reset(&c->out);
    c->errors = c->partial = 0;
    for (int i = 0; i < c->nslots; i++)
        eval_record(w, c, &c->slots[i], &c->out, &c->errors, &c->partial);
}

static int fmt_of(const char *name, int given)
{
    if (given >= 0)
        return given;
    if (name && cli_ends_with(name, ".csv"))
        return SC_FMT_CSV;
    return SC_FMT_JSONL;
}

typedef struct reading {
    int max_records;  /* per chunk */
    sc_reader *rd;
    sc_record *header;
    const char *name;
    bool have_header, eof, header_bad;
    const batch_keys *keys; /* checked against the CSV header */
    iconv_t from;           /* --encoding: to UTF-8; (iconv_t)-1: the input is UTF-8 */
    const char *encoding;   /* its name as given, for messages */
    iconv_t guess;          /* GB18030 to UTF-8, opened at the first record that is not UTF-8 */
    bool guessing;          /* no --encoding: say so when a record looks like GB18030 */
    bool first;             /* the next record is the input's first (a BOM may lead it) */
    long hinted;            /* records (not the header) that looked like GB18030 */
    bool hint;              /* the last one did */
    sc_buf conv;            /* a record in UTF-8 */
    sc_buf why;             /* why a record was rejected */
} reading;

#define NO_ICONV ((iconv_t)-1)

/* Converts in[0..n) with cd into out (reset first); 0, or -1 with *bad the
 * offset of the first byte that does not convert and *cut whether the
 * input ends inside a character. */
static int transcode(iconv_t cd, const char *in, size_t n, sc_buf *out, size_t *bad, bool *cut)
{
    iconv(cd, NULL, NULL, NULL, NULL); /* the initial shift state, for each record */
    sc_buf_reset(out);
    char *ip = (char *)in;
    size_t left = n;
    for (;;) {
        out_reserve(out, 2 * left + 16); /* GB18030 to UTF-8 at most 3 bytes for 2 */
        char *op = out->data + out->len;
        size_t room = out->cap - out->len - 1;
        size_t r = iconv(cd, &ip, &left, &op, &room);
        out->len = (size_t)(op - out->data);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        *bad = (size_t)(ip - in);
        *cut = errno == EINVAL;
        return -1;
    }
    out->data[out->len] = '\0';
    return 0;
}

/* Why a record does not convert from r->encoding: the bytes, where. */
static void transcode_error(const reading *r, const char *t, size_t len, size_t bad, bool cut, sc_buf *why)
{
    sc_buf_reset(why);
    if (cut) {
        sc_buf_printf(why, "byte %zu: the record ends inside a %s character", bad + 1, r->encoding);
        return;
    }
    sc_buf_printf(why, "byte %zu: invalid %s byte sequence", bad + 1, r->encoding);
    for (size_t k = bad; k < len && k < bad + 4 && (k == bad || (unsigned char)t[k] >= 0x80); k++)
        sc_buf_printf(why, " 0x%02x", (unsigned char)t[k]);
    sc_buf_puts(why, " (--encoding ");
    for (const char *e = r->encoding; *e; e++) /* as the option is written */
        sc_buf_putc(why, (char)(*e >= 'A' && *e <= 'Z' ? *e - 'A' + 'a' : *e));
    sc_buf_putc(why, ')');
}

/* A record that is not UTF-8: whether it reads as GB18030 (all of it, with
 * some character beyond ASCII), what Excel on Chinese Windows writes. */
static bool looks_gb18030(reading *r, const char *t, size_t len)
{
    if (r->guess == NO_ICONV && (r->guess = iconv_open("UTF-8", "GB18030")) == NO_ICONV)
        return false;
    size_t bad;
    bool cut;
    return transcode(r->guess, t, len, &r->conv, &bad, &cut) == 0;
}

/* The reader's reason for a record that is not UTF-8, with the hint when it
 * looks like GB18030, in why. */
static void not_utf8(reading *r, const sc_error *serr, const char *t, size_t len, sc_buf *why)
{
    sc_buf_reset(why);
    sc_buf_printf(why, "byte %zu: %s", serr->offset + 1, serr->msg);
    if (t && r->guessing && looks_gb18030(r, t, len)) {
        sc_buf_puts(why, "; this looks like GB18030/GBK, as Excel saves CSV on Chinese Windows; add --encoding gb18030");
        r->hint = true;
    }
}

/* The next record, in UTF-8: sc_reader_next() and, with --encoding, the
 * conversion (an error of the record when its bytes do not convert).  On
 * SC_REC_BAD the reason is in *t, *len. */
static sc_rec_status next_record(reading *r, const char **t, size_t *len, long *line, sc_buf *why)
{
    sc_error serr;
    sc_rec_status st = sc_reader_next(r->rd, t, len, line, &serr);
    r->hint = false;
    bool first = r->first;
    r->first = false;
    if (st == SC_REC_BAD) {
        if (*t) /* not UTF-8 */
            not_utf8(r, &serr, *t, *len, why);
        else {
            sc_buf_reset(why);
            sc_buf_puts(why, serr.msg);
        }
        *t = why->data;
        *len = why->len;
        return st;
    }
    if (st != SC_REC_OK || r->from == NO_ICONV)
        return st;
    size_t bad;
    bool cut;
    if (transcode(r->from, *t, *len, &r->conv, &bad, &cut) != 0) {
        transcode_error(r, *t, *len, bad, cut, why);
        *t = why->data;
        *len = why->len;
        return SC_REC_BAD;
    }
    *t = r->conv.data;
    *len = r->conv.len;
    if (first && *len >= 3 && !memcmp(*t, "\xEF\xBB\xBF", 3)) { /* a byte order mark, as GB18030 has one too */
        *t += 3;
        *len -= 3;
    }
    return st;
}

/* Fills c with the next records (up to r->max_records or CHUNK_BYTES). */
static void fill_chunk(reading *r, chunk *c)
{
    sc_buf_reset(&c->text);
    c->nslots = 0;
    while (!r->eof && c->nslots < r->max_records && c->text.len < CHUNK_BYTES) {
        const char *t;
        size_t len;
        long line;
        sc_error serr;
        sc_rec_status st = next_record(r, &t, &len, &line, &r->why);
        if (st == SC_REC_EOF) {
            r->eof = true;
            break;
        }
        if (!r->have_header) {
            r->have_header = true;
            if (st != SC_REC_OK || sc_parse_csv_header(r->header, t, len, &serr) != 0) {
                pol_tr_fprintf(stderr, "polrun: %s: line %ld: bad CSV header: %s\n", r->name, line, st != SC_REC_OK ? t : sc_error_message(&serr));
                r->header_bad = r->eof = true;
                break;
            }
            if (r->keys) {
                batch_key_at at;
                batch_key_at_none(r->keys, &at);
                int missing = batch_keys_find(r->keys, r->header, &at);
                if (missing >= 0) {
                    pol_tr_fprintf(stderr, "polrun: %s: line %ld: the key field \"%s\" (--key) is not a column of the CSV header\n",
                            r->name, line, r->keys->name[missing]);
                    r->header_bad = r->eof = true;
                    break;
                }
            }
            continue;
        }
        r->hinted += r->hint;
        rec_slot *s = &c->slots[c->nslots++];
        s->line = line;
        s->bad = st == SC_REC_BAD;
        s->off = c->text.len;
        s->len = len;
        out_reserve(&c->text, len + 1);
        out_mem(&c->text, t, len);
        c->text.data[c->text.len++] = '\0';
    }
}

/* Where finished chunks go, in input order, and what they held. */
typedef struct sink {
    FILE *out;
    long records, errors, partial;
    bool write_ok;
    int err; /* errno of the first failed write */
    /* progress on stderr */
    bool progress, tty;
    const sc_reader *rd;     /* how far the input is read               */
    uint64_t size;           /* the input's size when known (a file), else 0 */
    struct timespec t0;      /* the start                               */
    long long shown_ns;      /* when progress was last shown            */
} sink;

static void sink_write(sink *k, const char *data, size_t len)
{
    errno = 0;
    if (k->write_ok && len && fwrite(data, 1, len, k->out) != len) {
        k->write_ok = false;
        k->err = errno;
    }
}

static long long ns_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long long)(t1.tv_sec - t0->tv_sec) * 1000000000LL + (t1.tv_nsec - t0->tv_nsec); /* not an amount */
}

/* "polrun: 120000 records, 45%, 210000 records/s, 0:03 left", at most five
 * times a second on a terminal (rewriting one line), once a second
 * elsewhere (a line each).  Integers throughout: counts, not amounts. */
static void show_progress(sink *k)
{
    long long ns = ns_since(&k->t0);
    long long every = k->tty ? 200000000LL : 1000000000LL;
    if (k->shown_ns >= 0 && ns - k->shown_ns < every)
        return;
    k->shown_ns = ns;
    char line[256];
    pol_lang l = pol_lang_get();
    int n = pol_tr_format(l, line, sizeof line, "polrun: %ld records", k->records);
    uint64_t done = sc_reader_consumed(k->rd);
    if (k->size && done <= k->size)
        n += snprintf(line + n, sizeof line - (size_t)n, ", %d%%", (int)(done * 100 / k->size));
    if (ns > 0)
        n += pol_tr_format(l, line + n, sizeof line - (size_t)n, ", %lld records/s",
                           (long long)k->records * 1000000000LL / ns);
    if (k->size && done > 0 && done <= k->size && ns > 0) {
        unsigned __int128 left_ns = (unsigned __int128)ns * (k->size - done) / done;
        long long s = (long long)(left_ns / 1000000000u);
        if (s >= 3600)
            pol_tr_format(l, line + n, sizeof line - (size_t)n, ", %lld:%02lld:%02lld left", s / 3600, s / 60 % 60,
                          s % 60);
        else
            pol_tr_format(l, line + n, sizeof line - (size_t)n, ", %lld:%02lld left", s / 60, s % 60);
    }
    fprintf(stderr, k->tty ? "\r%s\033[K" : "%s\n", line); /* i18n: none (translated above) */
    fflush(stderr);
}

static void sink_chunk(sink *k, const chunk *c)
{
    sink_write(k, c->out.data, c->out.len);
    errno = 0;
    if (k->write_ok && fflush(k->out) != 0) { /* each chunk goes out as it is done */
        k->write_ok = false;
        k->err = errno;
    }
    k->records += c->nslots;
    k->errors += c->errors;
    k->partial += c->partial;
    if (k->progress)
        show_progress(k);
}

/* -j 1: read a chunk, evaluate it, write it. */
static void run_serial(batch *b, worker *w, reading *rd, sink *k)
{
    chunk *c = &b->chunks[0];
    while (k->write_ok) { /* after a write error there is no point in reading on */
        fill_chunk(rd, c);
        if (c->nslots == 0)
            break;
        eval_chunk(w, c);
        sink_chunk(k, c);
    }
}

/* Makes w's evaluator and buffers, in the thread that will use them: each
 * thread's allocations then come from its own malloc arena, so no two
 * workers write to one cache line (an evaluator's per-scenario arrays are a
 * few bytes each, and allocated side by side they were shared). */
static void worker_init(worker *w)
{
    const batch *b = w->b;
    w->ev = pol_eval_new(b->pol);
    pol_eval_set_step_limit(w->ev, b->o->max_steps);
    pol_eval_set_trace(w->ev, b->o->explain);
    sc_record_init(&w->rec);
    for (int k = 0; k < FIELD_CACHE; k++)
        w->field_input[k] = -1;
    w->seen = pol_xcalloc(b->p->ninputs + 1, sizeof *w->seen);
    w->unavail = pol_xcalloc(b->ncols + 1, sizeof *w->unavail);
    for (uint32_t c = 0; c < b->ncols; c++)
        sc_buf_init(&w->unavail[c].json);
    sc_buf_init(&w->csv_errs);
    sc_buf_init(&w->csv_notes);
    w->csv_told = pol_xcalloc(b->ncols + 1, 1);
    w->csv_ids = pol_xcalloc(b->ncols + 1, sizeof *w->csv_ids);
    w->csv_tails = pol_xcalloc(BATCH_CSV_TAILS, sizeof *w->csv_tails);
    for (int t = 0; t < BATCH_CSV_TAILS; t++)
        sc_buf_init(&w->csv_tails[t].tail);
    if (b->keys)
        batch_key_at_none(b->keys, &w->kat);
}

/* One thread of -j N: takes whichever role is free, in this order --
 * the writer (the next chunk in input order is evaluated), the reader (the
 * ring has room: it reads a chunk and then evaluates it itself) -- and
 * otherwise sleeps until another thread changes something.  Reading is a
 * split into records and a copy, a small part of the work, so the N
 * threads are the whole thread budget and -j N never needs more than N
 * processors.  No thread spins: each wait is on the condition variable. */
static void pipeline(worker *w)
{
    batch *b = w->b;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        chunk *c = &b->chunks[b->written % b->nchunks];
        if (!b->writing && b->written < b->nread && c->done) {
            b->writing = true;
            pthread_mutex_unlock(&b->mu);
            sink_chunk(b->sink, c);
            bool failed = !b->sink->write_ok;
            pthread_mutex_lock(&b->mu);
            c->done = false;
            b->written++;
            b->writing = false;
            b->stop |= failed; /* no point in reading on */
            pthread_cond_broadcast(&b->changed);
            continue;
        }
        if (!b->reading && !b->eof && !b->stop && b->nread - b->written < b->nchunks) {
            b->reading = true;
            long seq = b->nread;
            c = &b->chunks[seq % b->nchunks];
            pthread_mutex_unlock(&b->mu);
            fill_chunk(b->rd, c);
            pthread_mutex_lock(&b->mu);
            b->reading = false;
            if (c->nslots == 0) {
                b->eof = true;
                pthread_cond_broadcast(&b->changed);
                continue;
            }
            b->nread = seq + 1;
            pthread_cond_broadcast(&b->changed); /* the reader's role is free */
            pthread_mutex_unlock(&b->mu);
            eval_chunk(w, c);
            pthread_mutex_lock(&b->mu);
            c->done = true;
            pthread_cond_broadcast(&b->changed);
            continue;
        }
        if ((b->eof || b->stop) && !b->reading) {
            /* nothing more will be read: what is left is being evaluated or
             * written by other threads, each of which writes what it can */
            if (b->written == b->nread || b->writing || !c->done)
                break;
            continue;
        }
        pthread_cond_wait(&b->changed, &b->mu);
    }
    pthread_mutex_unlock(&b->mu);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    worker_init(w);
    if (w->first) { /* the chunk the main thread read before the threads started */
        batch *b = w->b;
        eval_chunk(w, w->first);
        pthread_mutex_lock(&b->mu);
        w->first->done = true;
        pthread_cond_broadcast(&b->changed);
        pthread_mutex_unlock(&b->mu);
    }
    pipeline(w);
    return NULL;
}

static int run_parallel(batch *b, worker *ws, int nworkers, reading *rd, sink *k)
{
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->changed, NULL);
    b->rd = rd;
    b->sink = k;
    /* The first chunk decides: an input that fits in one is done here,
     * with no thread started (threads and their evaluators cost more than
     * a few thousand records take). */
    chunk *c0 = &b->chunks[0];
    fill_chunk(rd, c0);
    if (c0->nslots == 0 || rd->eof) {
        if (c0->nslots) {
            eval_chunk(&ws[0], c0);
            sink_chunk(k, c0);
        }
    } else {
        /* N threads of their own, ws[1..N], each making its evaluator in
         * its own malloc arena; the main thread sleeps until they are done.
         * (When the main thread evaluated too, its evaluator's small arrays
         * sat beside the policy's, which every thread reads per record, and
         * -j 2 was no faster than -j 1.) */
        b->nread = 1;
        ws[1].first = c0;
        int started = 0;
        for (int i = 1; i <= nworkers; i++)
            if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) == 0) {
                ws[i].started = true;
                started++;
            } else if (i == 1) {
                break; /* the first chunk is its: no thread, the main thread does all */
            }
        if (started == 0) {
            eval_chunk(&ws[0], c0);
            c0->done = true;
            pipeline(&ws[0]);
        }
    }
    for (int i = 1; i <= nworkers; i++)
        if (ws[i].started)
            pthread_join(ws[i].tid, NULL);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->changed);
    return 0;
}

/* The output columns, their JSON keys, and the per-input and per-type tables. */
static void batch_tables(batch *b)
{
    const bc_program *p = b->p;
    b->cols = pol_xcalloc(p->nrules + 1, sizeof *b->cols);
    b->in_len = pol_xcalloc(p->ninputs + 1, sizeof *b->in_len);
    for (uint32_t i = 0; i < p->ninputs; i++)
        b->in_len[i] = strlen(p->inputs[i].name);
    for (int t = 0; t < PT__COUNT && t < 256; t++)
        b->numeric[t] = pol_type_numeric((pol_type)t);
    sc_buf_init(&b->col_keys);
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (!p->rules[r].is_output)
            continue;
        out_col *c = &b->cols[b->ncols];
        c->rule = r;
        c->places = p->rules[r].places;
        c->key_off = b->col_keys.len;
        if (b->ncols++)
            sc_buf_putc(&b->col_keys, ',');
        sc_buf_json_string(&b->col_keys, p->rules[r].name, strlen(p->rules[r].name));
        sc_buf_putc(&b->col_keys, ':');
        c->key_len = b->col_keys.len - c->key_off;
    }
    if (!(b->chunks = aligned_alloc(64, sizeof *b->chunks * (size_t)b->nchunks)))
        pol_oom();
    memset(b->chunks, 0, sizeof *b->chunks * (size_t)b->nchunks);
    for (int i = 0; i < b->nchunks; i++) {
        sc_buf_init(&b->chunks[i].text);
        sc_buf_init(&b->chunks[i].out);
        b->chunks[i].slots = pol_xcalloc(CHUNK_RECORDS, sizeof *b->chunks[i].slots);
    }
}

static void batch_free(batch *b)
{
    for (int i = 0; i < b->nchunks; i++) {
        sc_buf_clear(&b->chunks[i].text);
        sc_buf_clear(&b->chunks[i].out);
        free(b->chunks[i].slots);
    }
    free(b->chunks);
    free(b->cols);
    free(b->in_len);
    sc_buf_clear(&b->col_keys);
}

/* n workers; only worker 0 (the main thread's) has its evaluator yet, the
 * others make theirs in their own thread (worker_init). */
static worker *workers_new(batch *b, int n)
{
    worker *ws = aligned_alloc(64, sizeof *ws * (size_t)n);
    if (!ws)
        pol_oom();
    memset(ws, 0, sizeof *ws * (size_t)n);
    for (int i = 0; i < n; i++)
        ws[i].b = b;
    worker_init(&ws[0]);
    return ws;
}

static void workers_free(worker *ws, int n)
{
    for (int i = 0; i < n; i++) {
        if (!ws[i].ev)
            continue; /* its thread did not start */
        pol_eval_free(ws[i].ev);
        sc_record_clear(&ws[i].rec);
        free(ws[i].seen);
        free(ws[i].lib_fields);
        for (uint32_t c = 0; c < ws[i].b->ncols; c++) {
            free(ws[i].unavail[c].msg);
            free(ws[i].unavail[c].field);
            sc_buf_clear(&ws[i].unavail[c].json);
        }
        free(ws[i].unavail);
        sc_buf_clear(&ws[i].csv_errs);
        sc_buf_clear(&ws[i].csv_notes);
        free(ws[i].csv_told);
        free(ws[i].csv_ids);
        for (int t = 0; t < BATCH_CSV_TAILS; t++) {
            free(ws[i].csv_tails[t].ids);
            sc_buf_clear(&ws[i].csv_tails[t].tail);
        }
        free(ws[i].csv_tails);
    }
    free(ws);
}

static void write_csv_header(const batch *b, sink *k)
{
    sc_buf hb;
    sc_buf_init(&hb);
    sc_buf_puts(&hb, "line");
    if (b->keys)
        batch_keys_put_csv_header(b->keys, &hb);
    for (uint32_t c = 0; c < b->ncols; c++) {
        const char *nm = b->p->rules[b->cols[c].rule].name;
        sc_buf_putc(&hb, ',');
        sc_buf_csv_field(&hb, nm, strlen(nm));
    }
    sc_buf_puts(&hb, ",error,notes\n");
    sink_write(k, hb.data, hb.len);
    sc_buf_clear(&hb);
}

/* The output's name for messages, NULL for standard output. */
static const char *output_name(const batch_opts *o)
{
    return o->output && strcmp(o->output, "-") != 0 ? o->output : NULL;
}

/* Opens the input and the output ("-" or none: stdin, stdout). */
static int open_files(const batch_opts *o, FILE **in, FILE **out)
{
    *in = stdin;
    *out = stdout;
    const char *name = o->input && strcmp(o->input, "-") != 0 ? o->input : NULL;
    if (name && !(*in = fopen(name, "rb"))) {
        pol_tr_fprintf(stderr, "polrun: %s: %s\n", name, strerror(errno));
        return CLI_NOINPUT;
    }
    if (cli_not_a_directory("polrun", *in, name ? name : "<stdin>") != 0) {
        if (*in != stdin)
            fclose(*in);
        return CLI_NOINPUT;
    }
    if (output_name(o) && !(*out = fopen(o->output, "wb"))) {
        pol_tr_fprintf(stderr, "polrun: cannot write %s: %s\n", o->output, strerror(errno));
        if (*in != stdin)
            fclose(*in);
        return CLI_CANTCREAT;
    }
    return 0;
}

/* The input's size when it is a regular file (for progress), else 0. */
static uint64_t input_size(FILE *in)
{
    struct stat st;
    if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        return 0;
    return (uint64_t)st.st_size;
}

static int workers_wanted(const batch_opts *o)
{
    int n = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : n;
}

static void summary(const batch_opts *o, const sink *k, const reading *rd)
{
    long long ns = ns_since(&k->t0);
    if (rd->hinted) /* once, as well as in each record's error */
        pol_tr_fprintf(stderr, "%spolrun: %s: %ld record(s) are not UTF-8 but look like GB18030/GBK, as Excel saves CSV on "
                        "Chinese Windows; add --encoding gb18030\n",
                k->progress && k->tty ? "\r\033[K" : "", rd->name, rd->hinted);
    char partial[96] = "";
    if (k->partial) /* records where some output is not applicable or not stated */
        pol_tr_format(pol_lang_get(), partial, sizeof partial, ", %ld partial", k->partial);
    if (!o->quiet)
        pol_tr_fprintf(stderr, "%spolrun: %ld records, %ld errors%s, %lld.%03lld s, %lld records/s\n",
                k->progress && k->tty ? "\r\033[K" : "",
                k->records, k->errors, partial, ns / 1000000000LL, (ns / 1000000LL) % 1000,
                ns > 0 ? (long long)k->records * 1000000000LL / ns : 0LL); /* not an amount */
}

int batch_run(const batch_opts *o, pol_policy *pol)
{
    FILE *in, *out;
    int rc = open_files(o, &in, &out);
    if (rc)
        return rc;
    batch b;
    memset(&b, 0, sizeof b);
    b.o = o;
    b.pol = pol;
    b.p = pol_policy_program(pol);
    b.keys = o->keys && o->keys->count ? o->keys : NULL;
    b.in_fmt = (sc_format)fmt_of(o->input, o->in_fmt);
    b.out_fmt = (sc_format)fmt_of(o->output, o->out_fmt);
    int nworkers = workers_wanted(o);
    b.nchunks = nworkers == 1 ? 1 : 2 * nworkers + 2;
    batch_tables(&b);
    worker *ws = workers_new(&b, nworkers + 1); /* ws[0] the main thread's, ws[1..N] -j N's threads */
    sc_record header;
    sc_record_init(&header);
    b.csv_header = &header;
    reading rd;
    memset(&rd, 0, sizeof rd);
    rd.max_records = o->line_buffered ? 1 : o->explain ? CHUNK_RECORDS_EXPLAIN : CHUNK_RECORDS;
    if (!(rd.rd = sc_reader_new(in, b.in_fmt, o->max_record)))
        pol_oom();
    sc_reader_prompt(rd.rd); /* a record is answered once its chunk is in, never waiting for a full buffer */
    rd.header = &header;
    rd.name = o->input ? o->input : "<stdin>";
    rd.have_header = b.in_fmt != SC_FMT_CSV;
    rd.keys = b.keys;
    rd.from = rd.guess = NO_ICONV;
    rd.first = true;
    rd.guessing = !o->encoding;
    sc_buf_init(&rd.conv);
    sc_buf_init(&rd.why);
    if (o->encoding && strcmp(o->encoding, "UTF-8") != 0) {
        rd.encoding = o->encoding;
        if ((rd.from = iconv_open("UTF-8", o->encoding)) == NO_ICONV) {
            pol_tr_fprintf(stderr, "polrun: cannot convert from %s: %s\n", o->encoding, strerror(errno));
            rc = CLI_INTERNAL;
        }
        sc_reader_raw(rd.rd);
    }
    b.in_checked = !rd.encoding; /* else the reader is raw and the records are converted text */
    sink k;
    memset(&k, 0, sizeof k);
    k.out = out;
    k.write_ok = true;
    k.tty = isatty(2);
    k.progress = o->progress > 0 || (o->progress < 0 && k.tty && !o->quiet);
    k.rd = rd.rd;
    k.size = input_size(in);
    k.shown_ns = -1;
    clock_gettime(CLOCK_MONOTONIC, &k.t0);
    if (o->bom && b.out_fmt == SC_FMT_CSV)
        sink_write(&k, "\xEF\xBB\xBF", 3);
    if (b.out_fmt == SC_FMT_CSV)
        write_csv_header(&b, &k);
    if (rc == 0 && (nworkers == 1 || o->line_buffered))
        run_serial(&b, &ws[0], &rd, &k); /* --line-buffered: each answer before the next record */
    else if (rc == 0)
        rc = run_parallel(&b, ws, nworkers, &rd, &k);
    workers_free(ws, nworkers + 1);
    errno = 0;
    if (k.write_ok && (fflush(out) != 0 || ferror(out))) {
        k.write_ok = false;
        k.err = errno;
    }
    if (out != stdout && fclose(out) != 0 && k.write_ok) {
        k.write_ok = false;
        k.err = errno;
    }
    if (!k.write_ok)
        rc = rc ? rc : cli_write_error("polrun", output_name(o), k.err);
    bool read_error = sc_reader_failed(rd.rd); /* the record it cut is an error record already */
    if (read_error)
        pol_tr_fprintf(stderr, "polrun: %s: read error on input\n", o->input ? o->input : "<stdin>");
    if (rc != CLI_INTERNAL)
        summary(o, &k, &rd);
    sc_reader_free(rd.rd);
    if (rd.from != NO_ICONV)
        iconv_close(rd.from);
    if (rd.guess != NO_ICONV)
        iconv_close(rd.guess);
    sc_buf_clear(&rd.conv);
    sc_buf_clear(&rd.why);
    sc_record_clear(&header);
    batch_free(&b);
    if (in != stdin)
        fclose(in);
    if (rc)
        return rc;
    if (read_error)
        return CLI_NOINPUT;
    return rd.header_bad || k.errors ? CLI_FAILED : 0;
}
