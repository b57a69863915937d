/* polrun.c -- evaluate scenarios against a policy.
 *
 *   polrun POLICY [SCENARIO.json]        one scenario (a JSON object; stdin if absent)
 *   polrun POLICY --batch [IN] [-o OUT]  JSON Lines or CSV, streamed, in input order
 *   polrun POLICY --test                 run the policy's own tests
 *   polrun POLICY --interface            print the scenario schema
 *
 * POLICY is a compiled .polc file or a .pol source (compiled in-process).
 * Exit codes (docs/polrun.md): 0 success, 1 some scenario or test failed,
 * 64 usage, 65 the policy is invalid, 66 a file cannot be read, 70 internal.
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
        size_t len;
        char *text = pol_read_file(path, &len);
        if (!text) {
            fprintf(stderr, "polrun: %s: %s\n", path, strerror(errno));
            *code = EXIT_NOINPUT;
            return NULL;
        }
        diag_ctx d;
        diag_init(&d);
        src_file *src = NULL;
        bc_program *prog = pol_compile(path, text, len, &d, &src);
        free(text);
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
        fprintf(stderr, "polrun: %s: byte %zu: %s\n", name, serr.offset, serr.msg);
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
 * The main thread reads a chunk of records, the workers (one pol_eval each)
 * evaluate slices of it into per-record output buffers, and the main thread
 * writes them in input order: constant memory, ordered output. */
#define CHUNK 4096

typedef struct rec_slot {
    long line;
    bool bad;              /* rejected by the reader                        */
    size_t off, len;       /* record text within the chunk's text buffer    */
    char reason[200];
    size_t out_off, out_len;
} rec_slot;

typedef struct batch {
    const opts *o;
    pol_policy *pol;
    const sc_record *csv_header;
    sc_format in_fmt, out_fmt;
    sc_buf text;           /* all record texts of the chunk                 */
    rec_slot *slots;
    int nslots;
    long errors;
    pthread_mutex_t mu;
} batch;

typedef struct worker {
    batch *b;
    int index, count;
    pol_eval *ev;
    sc_record rec;
    sc_buf out;
    pthread_t tid;
    long errors;
} worker;

static void put_error_record(const batch *b, sc_buf *out, long line, const char *field, const char *pos, const char *msg)
{
    if (b->out_fmt == SC_FMT_CSV) {
        sc_buf_printf(out, "%ld", line);
        const bc_program *p = pol_policy_program(b->pol);
        for (uint32_t r = 0; r < p->nrules; r++)
            if (p->rules[r].is_output)
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

static void eval_one(worker *w, rec_slot *s)
{
    batch *b = w->b;
    const char *t = b->text.data + s->off;
    sc_error serr;
    pol_error perr;
    size_t start = w->out.len;
    if (s->bad) {
        put_error_record(b, &w->out, s->line, NULL, NULL, s->reason);
        w->errors++;
        goto done;
    }
    int prc = b->in_fmt == SC_FMT_CSV ? sc_parse_csv_record(&w->rec, b->csv_header, t, s->len, &serr)
                                      : sc_parse_json_object(&w->rec, t, s->len, &serr);
    if (prc != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "byte %zu: %s", serr.offset + 1, serr.msg);
        put_error_record(b, &w->out, s->line, NULL, NULL, msg);
        w->errors++;
        goto done;
    }
    pol_eval_begin(w->ev);
    if (pol_eval_set_record(w->ev, &w->rec, b->o->allow_extra, &perr) != 0 || pol_eval_run(w->ev, &perr) != 0) {
        char pos[300] = "";
        if (perr.pos.line)
            snprintf(pos, sizeof pos, "%s:%u:%u", pol_policy_program(b->pol)->source, perr.pos.line, perr.pos.col);
        put_error_record(b, &w->out, s->line, perr.field, pos, perr.msg);
        w->errors++;
        goto done;
    }
    if (b->out_fmt == SC_FMT_CSV) {
        const bc_program *p = pol_policy_program(b->pol);
        sc_buf_printf(&w->out, "%ld", s->line);
        char val[1200];
        for (uint32_t r = 0; r < p->nrules; r++) {
            if (!p->rules[r].is_output)
                continue;
            sc_buf_putc(&w->out, ',');
            if (pol_eval_value_text(w->ev, r, val, sizeof val))
                sc_buf_csv_field(&w->out, val, strlen(val));
        }
        sc_buf_puts(&w->out, ",\n");
    } else if (b->o->explain == EXPLAIN_JSON) {
        sc_buf_printf(&w->out, "{\"line\":%ld,\"explain\":", s->line);
        pol_eval_explain_json(w->ev, &w->out);
        sc_buf_puts(&w->out, "}\n");
    } else {
        sc_buf_printf(&w->out, "{\"line\":%ld,\"outputs\":", s->line);
        pol_eval_outputs_json(w->ev, &w->out);
        sc_buf_puts(&w->out, "}\n");
    }
done:
    s->out_off = start;
    s->out_len = w->out.len - start;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < w->count; i++)
        eval_one(w, &w->b->slots[w->index + i]);
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
    b.in_fmt = (sc_format)fmt_of(o->input, o->in_fmt);
    b.out_fmt = (sc_format)fmt_of(o->output, o->out_fmt);
    sc_buf_init(&b.text);
    b.slots = calloc(CHUNK, sizeof *b.slots);
    sc_reader *rd = sc_reader_new(in, b.in_fmt, o->max_record);
    sc_record header;
    sc_record_init(&header);
    b.csv_header = &header;
    int nworkers = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nworkers < 1)
        nworkers = 1;
    if (nworkers > 64)
        nworkers = 64;
    worker *ws = calloc((size_t)nworkers, sizeof *ws);
    if (!b.slots || !rd || !ws) {
        fputs("polrun: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    for (int i = 0; i < nworkers; i++) {
        ws[i].b = &b;
        ws[i].ev = pol_eval_new(pol);
        pol_eval_set_step_limit(ws[i].ev, o->max_steps);
        pol_eval_set_trace(ws[i].ev, o->explain != EXPLAIN_NONE);
        sc_record_init(&ws[i].rec);
        sc_buf_init(&ws[i].out);
    }
    const bc_program *p = pol_policy_program(pol);
    if (b.out_fmt == SC_FMT_CSV) {
        sc_buf hb;
        sc_buf_init(&hb);
        sc_buf_puts(&hb, "line");
        for (uint32_t r = 0; r < p->nrules; r++)
            if (p->rules[r].is_output) {
                sc_buf_putc(&hb, ',');
                sc_buf_csv_field(&hb, p->rules[r].name, strlen(p->rules[r].name));
            }
        sc_buf_puts(&hb, ",error\n");
        fwrite(hb.data, 1, hb.len, out);
        sc_buf_clear(&hb);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long records = 0, errors = 0;
    bool have_header = b.in_fmt != SC_FMT_CSV, eof = false, header_bad = false;
    bool progress = !o->quiet && isatty(2);
    int rc = 0;
    while (!eof) {
        sc_buf_reset(&b.text);
        b.nslots = 0;
        while (b.nslots < CHUNK) {
            const char *t;
            size_t len;
            long line;
            sc_error serr;
            sc_rec_status st = sc_reader_next(rd, &t, &len, &line, &serr);
            if (st == SC_REC_EOF) {
                eof = true;
                break;
            }
            if (!have_header) {
                have_header = true;
                if (st != SC_REC_OK || sc_parse_csv_header(&header, t, len, &serr) != 0) {
                    fprintf(stderr, "polrun: %s: line %ld: bad CSV header: %s\n", o->input ? o->input : "<stdin>", line,
                            serr.msg);
                    header_bad = true;
                    eof = true;
                    break;
                }
                continue;
            }
            rec_slot *s = &b.slots[b.nslots++];
            memset(s, 0, sizeof *s);
            s->line = line;
            s->bad = st == SC_REC_BAD;
            if (s->bad)
                snprintf(s->reason, sizeof s->reason, "%s", serr.msg);
            s->off = b.text.len;
            s->len = s->bad ? 0 : len;
            if (!s->bad)
                sc_buf_put(&b.text, t, len);
            sc_buf_putc(&b.text, 0);
        }
        if (b.nslots == 0)
            break;
        int per = (b.nslots + nworkers - 1) / nworkers, used = 0;
        for (int i = 0; i < nworkers; i++) {
            ws[i].index = i * per;
            ws[i].count = ws[i].index >= b.nslots ? 0 : (b.nslots - ws[i].index < per ? b.nslots - ws[i].index : per);
            sc_buf_reset(&ws[i].out);
        }
        for (int i = 1; i < nworkers; i++)
            if (ws[i].count > 0 && pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) == 0)
                used = i;
            else
                ws[i].tid = 0;
        worker_main(&ws[0]);
        for (int i = 1; i <= used; i++)
            if (ws[i].count > 0)
                pthread_join(ws[i].tid, NULL);
        for (int i = 0; i < nworkers; i++)
            for (int k = 0; k < ws[i].count; k++) {
                rec_slot *s = &b.slots[ws[i].index + k];
                fwrite(ws[i].out.data + s->out_off, 1, s->out_len, out);
            }
        records += b.nslots;
        if (progress) {
            fprintf(stderr, "\rpolrun: %ld records", records);
            fflush(stderr);
        }
    }
    for (int i = 0; i < nworkers; i++) {
        errors += ws[i].errors;
        pol_eval_free(ws[i].ev);
        sc_record_clear(&ws[i].rec);
        sc_buf_clear(&ws[i].out);
    }
    free(ws);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
        fprintf(stderr, "polrun: cannot write output: %s\n", strerror(errno));
        rc = EXIT_CANTCREAT;
    }
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec); /* not an amount */
    if (!o->quiet)
        fprintf(stderr, "%spolrun: %ld records, %ld errors, %lld.%03lld s, %lld records/s\n", progress ? "\r" : "", records,
                errors, ns / 1000000000LL, (ns / 1000000LL) % 1000, ns > 0 ? (long long)records * 1000000000LL / ns : 0LL); /* not an amount */
    sc_reader_free(rd);
    sc_record_clear(&header);
    sc_buf_clear(&b.text);
    free(b.slots);
    if (in != stdin)
        fclose(in);
    if (rc)
        return rc;
    return header_bad || errors ? EXIT_FAILED : 0;
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
