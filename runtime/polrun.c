/* polrun.c -- evaluate scenarios against a policy.
 *
 *   polrun POLICY [SCENARIO.json]        one scenario (a JSON object; stdin if absent)
 *   polrun POLICY --batch [IN] [-o OUT]  JSON Lines or CSV, streamed, in input order
 *   polrun POLICY --test                 run the policy's own tests
 *   polrun POLICY --interface            print the scenario schema
 *
 * POLICY is a compiled .polc file or a .pol source (compiled in-process).
 * Exit codes (docs/polrun.md): 0 success, 1 some scenario or test failed,
 * 64 usage, 65 the policy is invalid, 66 a file cannot be read, 73 the output
 * cannot be written, 70 internal.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compile.h"
#include "pol.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 64, EXIT_DATAERR = 65, EXIT_NOINPUT = 66, EXIT_INTERNAL = 70, EXIT_CANTCREAT = 73 };

typedef enum { EXPLAIN_NONE, EXPLAIN_TEXT, EXPLAIN_JSON } explain_mode;

typedef struct opts {
    const char *policy, *input, *output, *junit;
    bool batch, test, interface, verbose, allow_extra, quiet;
    int in_fmt, out_fmt;  /* -1: from the file name */
    explain_mode explain;
    int jobs;
    uint64_t max_steps;
    size_t max_record;
} opts;

static void usage(FILE *out)
{
    fputs("usage: polrun POLICY [SCENARIO.json]          evaluate one scenario (stdin if no file)\n"
          "       polrun POLICY --batch [IN] [-o OUT]    evaluate JSON Lines or CSV, streaming\n"
          "       polrun POLICY --test [--junit FILE]    run the policy's own tests\n"
          "       polrun POLICY --interface              print the policy's inputs and outputs (JSON)\n"
          "\n"
          "POLICY is a .polc bytecode file or a .pol source (compiled in-process).\n"
          "\n"
          "options:\n"
          "  --explain[=text|json]   show how each output was reached (rules, clauses, parameters)\n"
          "  --in jsonl|csv          batch input format (default: by extension, else jsonl)\n"
          "  --out jsonl|csv         batch output format (default: by extension, else jsonl)\n"
          "  -o FILE                 batch output file (default: stdout)\n"
          "  -j N                    batch worker threads (default: number of cores)\n"
          "  --allow-extra           ignore scenario fields that are not inputs\n"
          "  --max-steps N           limit evaluation steps per scenario (default 1000000)\n"
          "  --max-record BYTES      longest accepted batch record (default 1048576)\n"
          "  -q                      no summary or progress on stderr\n"
          "  -v                      with --test: list passing tests too\n"
          "\n"
          "exit status: 0 ok, 1 some scenario or test failed, 64 usage, 65 invalid policy,\n"
          "66 a file cannot be read, 73 cannot write the output, 70 internal error\n",
          out);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static pol_policy *load_policy(const char *path, int *code)
{
    char err[600];
    if (ends_with(path, ".pol")) {
        diag_ctx d;
        diag_init(&d);
        src_file *src = NULL;
        bool unreadable;
        bc_program *prog = pol_compile_path(path, &d, &src, &unreadable);
        if (unreadable) {
            fprintf(stderr, "polrun: %s: %s\n", path, strerror(errno));
            diag_free(&d);
            *code = EXIT_NOINPUT;
            return NULL;
        }
        if (d.errors)
            diag_print(&d, stderr, isatty(2));
        diag_free(&d);
        src_free(src);
        if (!prog) {
            *code = EXIT_DATAERR;
            return NULL;
        }
        pol_policy *pol = pol_policy_adopt(prog, err, sizeof err);
        if (!pol) {
            fprintf(stderr, "polrun: internal error: %s\n", err);
            *code = EXIT_INTERNAL;
        }
        return pol;
    }
    pol_policy *pol = pol_policy_load(path, err, sizeof err);
    if (!pol) {
        fprintf(stderr, "polrun: %s\n", err);
        *code = errno == ENOENT ? EXIT_NOINPUT : EXIT_DATAERR;
    }
    return pol;
}

/* ---- one scenario ---- */
static int run_one(const opts *o, pol_policy *pol)
{
    FILE *in = stdin;
    const char *name = "<stdin>";
    if (o->input && strcmp(o->input, "-") != 0) {
        in = fopen(o->input, "rb");
        name = o->input;
        if (!in) {
            fprintf(stderr, "polrun: %s: %s\n", o->input, strerror(errno));
            return EXIT_NOINPUT;
        }
    }
    sc_buf text;
    sc_buf_init(&text);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        sc_buf_put(&text, chunk, n);
        if (text.len > o->max_record) {
            fprintf(stderr, "polrun: %s: scenario larger than %zu bytes\n", name, o->max_record);
            sc_buf_clear(&text);
            if (in != stdin)
                fclose(in);
            return EXIT_FAILED;
        }
    }
    if (in != stdin)
        fclose(in);
    const char *t = text.data ? text.data : "";
    size_t len = text.len;
    if (len >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB && (unsigned char)t[2] == 0xBF) {
        t += 3; /* a UTF-8 byte order mark */
        len -= 3;
    }
    sc_record rec;
    sc_record_init(&rec);
    sc_error serr;
    int rc = 0;
    pol_eval *ev = pol_eval_new(pol);
    pol_eval_set_step_limit(ev, o->max_steps);
    pol_eval_set_trace(ev, o->explain != EXPLAIN_NONE);
    pol_eval_begin(ev);
    pol_error perr;
    sc_buf out;
    sc_buf_init(&out);
    if (sc_parse_json_object(&rec, t, len, &serr) != 0) {
        fprintf(stderr, "polrun: %s: byte %zu: %s\n", name, serr.offset + 1, serr.msg);
        rc = EXIT_FAILED;
    } else if (pol_eval_set_record(ev, &rec, o->allow_extra, &perr) != 0 || pol_eval_run(ev, &perr) != 0) {
        if (perr.status == POL_E_RUNTIME) {
            pol_error_text(pol, &perr, &out);
            fprintf(stderr, "%.*s\n", (int)out.len, out.data);
        } else
            fprintf(stderr, "%s: error: %s\n", name, perr.msg);
        rc = EXIT_FAILED;
    } else {
        if (o->explain == EXPLAIN_JSON)
            pol_eval_explain_json(ev, &out);
        else
            pol_eval_outputs_json(ev, &out);
        sc_buf_putc(&out, '\n');
        if (o->explain == EXPLAIN_TEXT) {
            sc_buf_putc(&out, '\n');
            pol_eval_explain_text(ev, &out);
        }
        fwrite(out.data, 1, out.len, stdout);
    }
    sc_buf_clear(&out);
    pol_eval_free(ev);
    sc_record_clear(&rec);
    sc_buf_clear(&text);
    return rc;
}

/* ---- batches ----
 * A pipeline with constant memory and output in input order.  The main
 * thread splits the input into records (sc_reader) and packs them into
 * chunks; worker threads, each with its own pol_eval, evaluate whole chunks
 * into the chunk's own output buffer; the main thread writes finished chunks
 * in input order while the workers go on.  A fixed ring of chunks bounds
 * memory, and every buffer is reused, so once they have grown nothing is
 * allocated per record.  With -j 1 there are no threads at all: read a
 * chunk, evaluate it, write it. */
#define CHUNK_RECORDS 8192
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
    long errors;
    bool done;       /* evaluated, not yet written (under batch.mu)      */
} chunk;

typedef struct out_col { /* one output column, its JSON key written once */
    uint32_t rule;
    int places;
    size_t key_off, key_len; /* in batch.keys: "\"name\":" (with a leading ',' after the first) */
} out_col;

typedef struct batch {
    const opts *o;
    pol_policy *pol;
    const bc_program *p;
    const sc_record *csv_header;
    sc_format in_fmt, out_fmt;
    out_col *cols;
    uint32_t ncols;
    sc_buf keys;
    size_t *in_len;  /* strlen of each input's name */
    bool numeric[256]; /* pol_type_numeric() of every type tag */
    chunk *chunks;
    int nchunks;
    /* the queue between the main thread and the workers, under mu */
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    long filled, taken; /* chunks handed out / started; chunk k lives in chunks[k % nchunks] */
    bool finished;      /* no chunk will be handed out any more                              */
} batch;

typedef struct worker {
    batch *b;
    pol_eval *ev;
    sc_record rec;
    int field_input[FIELD_CACHE]; /* input named by field k last time, or -1 */
    uint32_t *seen, gen;       /* inputs set by the current record         */
    pthread_t tid;
    bool started;
} worker;

/* Grows b to hold `extra` more bytes (and a NUL). */
static __attribute__((noinline)) void out_grow(sc_buf *b, size_t extra)
{
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len <= extra)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        fputs("polrun: out of memory\n", stderr);
        abort();
    }
    b->data = d;
    b->cap = cap;
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
    char tmp[24], *e = tmp + sizeof tmp, *q = e;
    unsigned long m = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    while (m >= 10) { /* two digits per division */
        memcpy(q -= 2, digit_pairs + 2 * (m % 100), 2);
        m /= 100;
    }
    if (m || q == e)
        *--q = (char)('0' + (int)m);
    if (v < 0)
        *--q = '-';
    out_reserve(b, sizeof tmp);
    out_mem(b, q, (size_t)(e - q));
}

static void put_error_record(const batch *b, sc_buf *out, long line, const char *field, const char *pos, const char *msg)
{
    if (b->out_fmt == SC_FMT_CSV) {
        sc_buf_printf(out, "%ld", line);
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
        sc_buf_putc(out, '\n');
        return;
    }
    sc_buf_printf(out, "{\"line\":%ld,\"error\":{", line);
    sc_buf_puts(out, "\"message\":");
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
            if (b->o->allow_extra)
                continue;
            goto library;
        }
        if (w->seen[i] == w->gen)
            goto library;
        w->seen[i] = w->gen;
        if (f->kind == SCV_NULL)
            continue; /* null or an empty CSV cell: the input stays absent */
        if (pol_eval_set_text(w->ev, (uint32_t)i, f->kind, f->text, f->len, perr) != 0)
            return -1;
    }
    return 0;
library:
    pol_eval_begin(w->ev);
    return pol_eval_set_record(w->ev, rec, b->o->allow_extra, perr);
}

/* Output column c of a successful run, if it is a number: dec_format()
 * straight into the buffer (between quotes for JSON), the text
 * pol_eval_value_text() would give.  false for anything else. */
static inline bool put_number(const batch *b, worker *w, const out_col *c, sc_buf *out)
{
    enum { ROOM = 64 };
    const vm_val *v = pol_eval_value(w->ev, c->rule);
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

static void eval_record(worker *w, const chunk *ch, const rec_slot *s, sc_buf *out, long *errors)
{
    const batch *b = w->b;
    const char *t = ch->text.data + s->off;
    sc_error serr;
    pol_error perr;
    if (s->bad) {
        put_error_record(b, out, s->line, NULL, NULL, t);
        ++*errors;
        return;
    }
    int prc = b->in_fmt == SC_FMT_CSV ? sc_parse_csv_record(&w->rec, b->csv_header, t, s->len, &serr)
                                      : sc_parse_json_object(&w->rec, t, s->len, &serr);
    if (prc != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "byte %zu: %s", serr.offset + 1, serr.msg);
        put_error_record(b, out, s->line, NULL, NULL, msg);
        ++*errors;
        return;
    }
    pol_eval_begin(w->ev);
    if (set_inputs(w, &perr) != 0 || pol_eval_run(w->ev, &perr) != 0) {
        char pos[300] = "";
        if (perr.pos.line)
            snprintf(pos, sizeof pos, "%s:%u:%u", bc_file_name(b->p, perr.pos), perr.pos.line, perr.pos.col);
        put_error_record(b, out, s->line, perr.field, pos, perr.msg);
        ++*errors;
        return;
    }
    if (b->out_fmt == SC_FMT_CSV) {
        out_long(out, s->line);
        for (uint32_t c = 0; c < b->ncols; c++) {
            out_reserve(out, 1);
            out->data[out->len++] = ',';
            put_csv_cell(b, w, &b->cols[c], out);
        }
        out_reserve(out, 2);
        out_mem(out, ",\n", 2);
    } else if (b->o->explain == EXPLAIN_JSON) {
        sc_buf_printf(out, "{\"line\":%ld,\"explain\":", s->line);
        pol_eval_explain_json(w->ev, out);
        sc_buf_puts(out, "}\n");
    } else {
        out_reserve(out, 8);
        out_mem(out, "{\"line\":", 8);
        out_long(out, s->line);
        out_reserve(out, 12);
        out_mem(out, ",\"outputs\":", 11);
        size_t outputs = out->len; /* where pol_eval_outputs_json() would begin */
        out_mem(out, "{", 1);
        for (uint32_t c = 0; c < b->ncols; c++) {
            const out_col *col = &b->cols[c];
            out_reserve(out, col->key_len);
            out_mem(out, b->keys.data + col->key_off, col->key_len);
            if (!put_number(b, w, col, out)) { /* text, a list, ...: the library's own JSON */
                out->len = outputs;
                pol_eval_outputs_json(w->ev, out);
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
    c->errors = 0;
    for (int i = 0; i < c->nslots; i++)
        eval_record(w, c, &c->slots[i], &c->out, &c->errors);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    batch *b = w->b;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->taken == b->filled && !b->finished)
            pthread_cond_wait(&b->work, &b->mu);
        if (b->taken == b->filled)
            break;
        chunk *c = &b->chunks[b->taken++ % b->nchunks];
        pthread_mutex_unlock(&b->mu);
        eval_chunk(w, c);
        pthread_mutex_lock(&b->mu);
        c->done = true;
        pthread_cond_signal(&b->done);
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

static int fmt_of(const char *name, int given)
{
    if (given >= 0)
        return given;
    if (name && ends_with(name, ".csv"))
        return SC_FMT_CSV;
    return SC_FMT_JSONL;
}

typedef struct reading {
    int max_records;  /* per chunk */
    sc_reader *rd;
    sc_record *header;
    const char *name;
    bool have_header, eof, header_bad;
} reading;

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
        sc_rec_status st = sc_reader_next(r->rd, &t, &len, &line, &serr);
        if (st == SC_REC_EOF) {
            r->eof = true;
            break;
        }
        if (!r->have_header) {
            r->have_header = true;
            if (st != SC_REC_OK || sc_parse_csv_header(r->header, t, len, &serr) != 0) {
                fprintf(stderr, "polrun: %s: line %ld: bad CSV header: %s\n", r->name, line, serr.msg);
                r->header_bad = r->eof = true;
                break;
            }
            continue;
        }
        rec_slot *s = &c->slots[c->nslots++];
        s->line = line;
        s->bad = st == SC_REC_BAD;
        if (s->bad) {
            t = serr.msg;
            len = strlen(serr.msg);
        }
        s->off = c->text.len;
        s->len = len;
        out_reserve(&c->text, len + 1);
        out_mem(&c->text, t, len);
        c->text.data[c->text.len++] = '\0';
    }
}

static bool write_chunk(const chunk *c, FILE *out)
{
    return c->out.len == 0 || fwrite(c->out.data, 1, c->out.len, out) == c->out.len;
}

static int run_batch(const opts *o, pol_policy *pol)
{
    FILE *in = stdin, *out = stdout;
    if (o->input && strcmp(o->input, "-") != 0) {
        in = fopen(o->input, "rb");
        if (!in) {
            fprintf(stderr, "polrun: %s: %s\n", o->input, strerror(errno));
            return EXIT_NOINPUT;
        }
    }
    if (o->output && strcmp(o->output, "-") != 0) {
        out = fopen(o->output, "wb");
        if (!out) {
            fprintf(stderr, "polrun: %s: %s\n", o->output, strerror(errno));
            if (in != stdin)
                fclose(in);
            return EXIT_CANTCREAT;
        }
    }
    batch b;
    memset(&b, 0, sizeof b);
    b.o = o;
    b.pol = pol;
    b.p = pol_policy_program(pol);
    b.in_fmt = (sc_format)fmt_of(o->input, o->in_fmt);
    b.out_fmt = (sc_format)fmt_of(o->output, o->out_fmt);
    const bc_program *p = b.p;
    int nworkers = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nworkers < 1)
        nworkers = 1;
    if (nworkers > 64)
        nworkers = 64;
    b.nchunks = nworkers == 1 ? 1 : 2 * nworkers + 2;
    b.chunks = calloc((size_t)b.nchunks, sizeof *b.chunks);
    b.cols = calloc(p->nrules + 1, sizeof *b.cols);
    b.in_len = calloc(p->ninputs + 1, sizeof *b.in_len);
    worker *ws = calloc((size_t)nworkers, sizeof *ws);
    sc_record header;
    sc_record_init(&header);
    b.csv_header = &header;
    reading rd = {o->explain == EXPLAIN_NONE ? CHUNK_RECORDS : CHUNK_RECORDS_EXPLAIN,
                  sc_reader_new(in, b.in_fmt, o->max_record), &header, o->input ? o->input : "<stdin>",
                  b.in_fmt != SC_FMT_CSV, false, false};
    if (!b.chunks || !b.cols || !b.in_len || !ws || !rd.rd) {
        fputs("polrun: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    for (int i = 0; i < b.nchunks; i++) {
        sc_buf_init(&b.chunks[i].text);
        sc_buf_init(&b.chunks[i].out);
        b.chunks[i].slots = calloc(CHUNK_RECORDS, sizeof *b.chunks[i].slots);
        if (!b.chunks[i].slots) {
            fputs("polrun: out of memory\n", stderr);
            return EXIT_INTERNAL;
        }
    }
    for (uint32_t i = 0; i < p->ninputs; i++)
        b.in_len[i] = strlen(p->inputs[i].name);
    for (int t = 0; t < PT__COUNT && t < 256; t++)
        b.numeric[t] = pol_type_numeric((pol_type)t);
    sc_buf_init(&b.keys);
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (!p->rules[r].is_output)
            continue;
        out_col *c = &b.cols[b.ncols];
        c->rule = r;
        c->places = p->rules[r].places;
        c->key_off = b.keys.len;
        if (b.ncols++)
            sc_buf_putc(&b.keys, ',');
        sc_buf_json_string(&b.keys, p->rules[r].name, strlen(p->rules[r].name));
        sc_buf_putc(&b.keys, ':');
        c->key_len = b.keys.len - c->key_off;
    }
    for (int i = 0; i < nworkers; i++) {
        ws[i].b = &b;
        ws[i].ev = pol_eval_new(pol);
        pol_eval_set_step_limit(ws[i].ev, o->max_steps);
        pol_eval_set_trace(ws[i].ev, o->explain != EXPLAIN_NONE);
        sc_record_init(&ws[i].rec);
        for (int k = 0; k < FIELD_CACHE; k++)
            ws[i].field_input[k] = -1;
        ws[i].seen = calloc(p->ninputs + 1, sizeof *ws[i].seen);
        if (!ws[i].seen) {
            fputs("polrun: out of memory\n", stderr);
            return EXIT_INTERNAL;
        }
    }
    if (b.out_fmt == SC_FMT_CSV) {
        sc_buf hb;
        sc_buf_init(&hb);
        sc_buf_puts(&hb, "line");
        for (uint32_t c = 0; c < b.ncols; c++) {
            const char *nm = p->rules[b.cols[c].rule].name;
            sc_buf_putc(&hb, ',');
            sc_buf_csv_field(&hb, nm, strlen(nm));
        }
        sc_buf_puts(&hb, ",error\n");
        fwrite(hb.data, 1, hb.len, out);
        sc_buf_clear(&hb);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long records = 0, errors = 0;
    bool progress = !o->quiet && isatty(2), write_ok = true;
    int rc = 0;
#define WROTE(c)                                                           \
    do {                                                                   \
        write_ok = write_chunk((c), out) && write_ok;                      \
        records += (c)->nslots;                                            \
        errors += (c)->errors;                                             \
        if (progress) {                                                    \
            fprintf(stderr, "\rpolrun: %ld records", records);             \
            fflush(stderr);                                                \
        }                                                                  \
    } while (0)
    if (nworkers == 1) {
        chunk *c = &b.chunks[0];
        for (;;) {
            if (!write_ok) /* no point in going on: stop reading */
                break;
            fill_chunk(&rd, c);
            if (c->nslots == 0)
                break;
            eval_chunk(&ws[0], c);
            WROTE(c);
        }
    } else {
        pthread_mutex_init(&b.mu, NULL);
        pthread_cond_init(&b.work, NULL);
        pthread_cond_init(&b.done, NULL);
        int started = 0;
        for (int i = 0; i < nworkers; i++)
            if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) == 0) {
                ws[i].started = true;
                started++;
            }
        if (started == 0) {
            fputs("polrun: cannot start worker threads\n", stderr);
            return EXIT_INTERNAL;
        }
        long seq = 0, written = 0;
        for (;;) {
            chunk *c = &b.chunks[seq % b.nchunks];
            if (seq - written == b.nchunks) { /* the ring is full: wait for the oldest chunk */
                pthread_mutex_lock(&b.mu);
                while (!c->done)
                    pthread_cond_wait(&b.done, &b.mu);
                pthread_mutex_unlock(&b.mu);
                WROTE(c);
                written++;
            }
            if (!write_ok) /* no point in going on: stop reading */
                break;
            fill_chunk(&rd, c);
            if (c->nslots == 0)
                break;
            pthread_mutex_lock(&b.mu);
            c->done = false;
            b.filled = ++seq;
            pthread_cond_signal(&b.work);
            pthread_mutex_unlock(&b.mu);
            for (;;) { /* write what is finished, without waiting */
                chunk *w = &b.chunks[written % b.nchunks];
                pthread_mutex_lock(&b.mu);
                bool ready = written < seq && w->done;
                pthread_mutex_unlock(&b.mu);
                if (!ready)
                    break;
                WROTE(w);
                written++;
            }
        }
        pthread_mutex_lock(&b.mu);
        b.finished = true;
        pthread_cond_broadcast(&b.work);
        pthread_mutex_unlock(&b.mu);
        while (written < seq) {
            chunk *c = &b.chunks[written % b.nchunks];
            pthread_mutex_lock(&b.mu);
            while (!c->done)
                pthread_cond_wait(&b.done, &b.mu);
            pthread_mutex_unlock(&b.mu);
            WROTE(c);
            written++;
        }
        for (int i = 0; i < nworkers; i++)
            if (ws[i].started)
                pthread_join(ws[i].tid, NULL);
        pthread_mutex_destroy(&b.mu);
        pthread_cond_destroy(&b.work);
        pthread_cond_destroy(&b.done);
    }
#undef WROTE
    for (int i = 0; i < nworkers; i++) {
        pol_eval_free(ws[i].ev);
        sc_record_clear(&ws[i].rec);
        free(ws[i].seen);
    }
    free(ws);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!write_ok || fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
        fprintf(stderr, "polrun: cannot write output: %s\n", strerror(errno));
        rc = EXIT_CANTCREAT;
    }
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec); /* not an amount */
    if (!o->quiet)
        fprintf(stderr, "%spolrun: %ld records, %ld errors, %lld.%03lld s, %lld records/s\n", progress ? "\r" : "", records,
                errors, ns / 1000000000LL, (ns / 1000000LL) % 1000, ns > 0 ? (long long)records * 1000000000LL / ns : 0LL); /* not an amount */
    sc_reader_free(rd.rd);
    sc_record_clear(&header);
    for (int i = 0; i < b.nchunks; i++) {
        sc_buf_clear(&b.chunks[i].text);
        sc_buf_clear(&b.chunks[i].out);
        free(b.chunks[i].slots);
    }
    free(b.chunks);
    free(b.cols);
    free(b.in_len);
    sc_buf_clear(&b.keys);
    if (in != stdin)
        fclose(in);
    if (rc)
        return rc;
    return rd.header_bad || errors ? EXIT_FAILED : 0;
}

int main(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.in_fmt = o.out_fmt = -1;
    o.max_steps = 1000000;
    o.max_record = SC_MAX_RECORD_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
#define NEED_VAL()                                                       \
    do {                                                                 \
        if (i + 1 >= argc) {                                             \
            fprintf(stderr, "polrun: %s needs a value\n", a);            \
            return EXIT_USAGE;                                           \
        }                                                                \
        val = argv[++i];                                                 \
    } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--batch"))
            o.batch = true;
        else if (!strcmp(a, "--test"))
            o.test = true;
        else if (!strcmp(a, "--interface"))
            o.interface = true;
        else if (!strcmp(a, "--explain") || !strcmp(a, "--explain=text"))
            o.explain = EXPLAIN_TEXT;
        else if (!strcmp(a, "--explain=json"))
            o.explain = EXPLAIN_JSON;
        else if (!strcmp(a, "--allow-extra"))
            o.allow_extra = true;
        else if (!strcmp(a, "-q"))
            o.quiet = true;
        else if (!strcmp(a, "-v"))
            o.verbose = true;
        else if (!strcmp(a, "-o")) {
            NEED_VAL();
            o.output = val;
        } else if (!strcmp(a, "--junit")) {
            NEED_VAL();
            o.junit = val;
        } else if (!strcmp(a, "--in") || !strcmp(a, "--out")) {
            NEED_VAL();
            int f = !strcmp(val, "csv") ? SC_FMT_CSV : !strcmp(val, "jsonl") || !strcmp(val, "json") ? SC_FMT_JSONL : -2;
            if (f == -2) {
                fprintf(stderr, "polrun: %s takes jsonl or csv, not %s\n", a, val);
                return EXIT_USAGE;
            }
            if (!strcmp(a, "--in"))
                o.in_fmt = f;
            else
                o.out_fmt = f;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--max-steps") || !strcmp(a, "--max-record")) {
            NEED_VAL();
            char *end;
            errno = 0;
            unsigned long long v = strtoull(val, &end, 10);
            if (*end || errno || v == 0 || (!strcmp(a, "-j") && v > 64)) {
                fprintf(stderr, "polrun: %s needs a positive whole number%s\n", a, !strcmp(a, "-j") ? " up to 64" : "");
                return EXIT_USAGE;
            }
            if (!strcmp(a, "-j"))
                o.jobs = (int)v;
            else if (!strcmp(a, "--max-steps"))
                o.max_steps = v;
            else
                o.max_record = (size_t)v;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "polrun: unknown option %s\n", a);
            usage(stderr);
            return EXIT_USAGE;
        } else if (!o.policy)
            o.policy = a;
        else if (!o.input)
            o.input = a;
        else {
            fprintf(stderr, "polrun: unexpected argument %s\n", a);
            return EXIT_USAGE;
        }
#undef NEED_VAL
    }
    if (!o.policy) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (o.explain == EXPLAIN_TEXT && o.batch) {
        fprintf(stderr, "polrun: --batch explains as JSON only; use --explain=json\n");
        return EXIT_USAGE;
    }
    int code = 0;
    pol_policy *pol = load_policy(o.policy, &code);
    if (!pol)
        return code;
    int rc;
    if (o.test) {
        FILE *junit = NULL;
        if (o.junit && !(junit = fopen(o.junit, "w"))) {
            fprintf(stderr, "polrun: cannot write %s: %s\n", o.junit, strerror(errno));
            pol_policy_free(pol);
            return EXIT_CANTCREAT;
        }
        pol_test_report rep = pol_run_tests(pol, stdout, junit, o.verbose);
        if (junit)
            fclose(junit);
        if (rep.findings)
            printf("%s: %d finding%s: figures the notice states that the rules do not reproduce\n", o.policy, rep.findings,
                   rep.findings == 1 ? "" : "s");
        printf("%s: %d passed, %d failed\n", o.policy, rep.passed, rep.failed);
        rc = rep.failed ? EXIT_FAILED : 0;
    } else if (o.interface) {
        sc_buf bb;
        sc_buf_init(&bb);
        pol_policy_interface_json(pol, &bb);
        fwrite(bb.data, 1, bb.len, stdout);
        fputc('\n', stdout);
        sc_buf_clear(&bb);
        rc = 0;
    } else if (o.batch)
        rc = run_batch(&o, pol);
    else
        rc = run_one(&o, pol);
    pol_policy_free(pol);
    return rc;
}
