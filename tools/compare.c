/* compare.c -- polrun --compare (compare.h): two policies over one
 * population in one streaming pass.
 *
 * The pipeline is batch.c's shape: the main thread cuts the input into
 * records (sc_reader) and packs them into chunks of a fixed ring; each
 * worker thread, with one evaluator per policy, evaluates whole chunks into
 * the chunk's own output buffer and adds what it saw into its own
 * statistics; the main thread writes finished chunks in input order.  At
 * the end the workers' statistics are merged (exact decimal sums, counts,
 * histograms) and the summary and the report are written from the merged
 * figures.  Memory is constant: a fixed ring of chunks, and per output and
 * group a histogram of at most HIST_MAX distinct values.
 *
 * The distribution of the change.  An exact median over any number of
 * records in constant memory is impossible in general; changes are few
 * distinct values in practice (a rate reform moves each tier by a fixed
 * share of a few bases), so each histogram counts every distinct change,
 * as an integer number of units (the fen for money, 10^-6 otherwise), and
 * the median and deciles are then exact.  When an output has more than
 * HIST_MAX distinct changes (HIST_MAX_GROUP in a group of a --by
 * breakdown), the histogram coarsens its bins tenfold (and
 * again if needed): the median and deciles are then the lower ends of bins
 * of the stated width, and the summary says "approximate".  Totals, counts,
 * the mean, the minimum and the maximum never depend on the histogram: they
 * are kept exactly on the side.
 */
#include "compare.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mem.h"

#define CHUNK_RECORDS 4096
#define CHUNK_BYTES ((size_t)1 << 19)
#define HIST_MAX 4096         /* distinct changes kept exactly, per output (all records) */
#define HIST_MAX_GROUP 1024   /* the same in each group of a --by breakdown            */
#define MAX_GROUPS 64         /* values of one --by field                              */
#define FIELD_CACHE 64

/* ---- histograms of the change, in integer units ---- */

typedef struct hist {
    int64_t *key;  /* bin index: the change in units, floor-divided by 10^shift */
    long *cnt;     /* 0: an empty slot                                          */
    uint32_t cap, n, max; /* max: distinct bins kept before coarsening */
    int shift;     /* bins are 10^shift units wide                              */
    bool approx;   /* a change was not a whole number of units                 */
} hist;

static int64_t floor_div10(int64_t k)
{
    return k >= 0 ? k / 10 : -((-(k + 1)) / 10) - 1;
}

static uint32_t hash64(int64_t k)
{
    uint64_t x = (uint64_t)k * 0x9E3779B97F4A7C15ULL;
    return (uint32_t)(x >> 32);
}

static void hist_put_raw(hist *h, int64_t k, long c);

static void hist_rehash(hist *h, uint32_t cap, int shift_by)
{
    int64_t *ok = h->key;
    long *oc = h->cnt;
    uint32_t ocap = h->cap;
    h->cap = cap;
    h->n = 0;
    h->key = pol_xcalloc(cap, sizeof *h->key);
    h->cnt = pol_xcalloc(cap, sizeof *h->cnt);
    for (uint32_t i = 0; i < ocap; i++)
        if (oc[i]) {
            int64_t k = ok[i];
            for (int s = 0; s < shift_by; s++)
                k = floor_div10(k);
            hist_put_raw(h, k, oc[i]);
        }
    free(ok);
    free(oc);
}

/* Adds c to bin k (already at h's shift). */
static void hist_put_raw(hist *h, int64_t k, long c)
{
    if (h->cap == 0)
        hist_rehash(h, 64, 0);
    for (;;) {
        uint32_t m = h->cap - 1, i = hash64(k) & m;
        while (h->cnt[i] && h->key[i] != k)
            i = (i + 1) & m;
        if (h->cnt[i]) {
            h->cnt[i] += c;
            return;
        }
        if (h->n < h->max && 2 * (h->n + 1) <= h->cap) {
            h->key[i] = k;
            h->cnt[i] = c;
            h->n++;
            return;
        }
        if (h->n < h->max) /* room for more distinct bins: grow */
            hist_rehash(h, h->cap * 2, 0);
        else { /* too many distinct changes: bins ten times wider */
            h->shift++;
            hist_rehash(h, h->cap, 1);
            k = floor_div10(k);
        }
    }
}

static void hist_add(hist *h, int64_t units, long c)
{
    for (int s = 0; s < h->shift; s++)
        units = floor_div10(units);
    hist_put_raw(h, units, c);
}

static void hist_merge(hist *a, const hist *b)
{
    while (a->shift < b->shift) {
        a->shift++;
        hist_rehash(a, a->cap ? a->cap : 64, 1);
    }
    for (uint32_t i = 0; i < b->cap; i++)
        if (b->cnt[i]) {
            int64_t k = b->key[i];
            for (int s = b->shift; s < a->shift; s++)
                k = floor_div10(k);
            hist_put_raw(a, k, b->cnt[i]);
        }
    a->approx |= b->approx;
}

static void hist_free(hist *h)
{
    free(h->key);
    free(h->cnt);
    h->key = NULL;
    h->cnt = NULL;
    h->cap = h->n = 0;
}

/* ---- statistics of one output in one group ---- */

typedef struct stat {
    long n, more, less, same, old_err, new_err, both_err, na;
    dec_t sum_old, sum_new, sum_chg, min, max;
    hist h;
} stat;

static void stat_init(stat *s, uint32_t hist_max)
{
    memset(s, 0, sizeof *s);
    s->h.max = hist_max;
    dec_init(&s->sum_old);
    dec_init(&s->sum_new);
    dec_init(&s->sum_chg);
    dec_init(&s->min);
    dec_init(&s->max);
}

static void stat_free(stat *s)
{
    dec_clear(&s->sum_old);
    dec_clear(&s->sum_new);
    dec_clear(&s->sum_chg);
    dec_clear(&s->min);
    dec_clear(&s->max);
    hist_free(&s->h);
}

static void stat_merge(stat *a, const stat *b)
{
    if (b->n) {
        if (!a->n || dec_cmp(&b->min, &a->min) < 0)
            dec_set(&a->min, &b->min);
        if (!a->n || dec_cmp(&b->max, &a->max) > 0)
            dec_set(&a->max, &b->max);
    }
    a->n += b->n;
    a->more += b->more;
    a->less += b->less;
    a->same += b->same;
    a->old_err += b->old_err;
    a->new_err += b->new_err;
    a->both_err += b->both_err;
    a->na += b->na;
    dec_add(&a->sum_old, &a->sum_old, &b->sum_old);
    dec_add(&a->sum_new, &a->sum_new, &b->sum_new);
    dec_add(&a->sum_chg, &a->sum_chg, &b->sum_chg);
    hist_merge(&a->h, &b->h);
}

/* The groups of one --by field: value text -> statistics per output. */
typedef struct group {
    char *value;
    stat *st; /* [npairs] */
} group;

typedef struct groupset {
    group g[MAX_GROUPS];
    int n;
    bool overflow; /* more values than MAX_GROUPS: the rest are not broken down */
} groupset;

/* ---- the comparison ---- */

typedef struct pair {
    uint32_t rule[2];    /* old, new */
    int places;          /* printed at the larger of the two               */
    int mean_places;     /* the mean is rounded half up to these places     */
    int unit_scale;      /* histogram unit: 10^-unit_scale                 */
    const char *name[2];
} pair;

typedef struct rec_slot {
    long line;
    size_t off, len;
    bool bad;
} rec_slot;

typedef struct chunk {
    sc_buf text;
    rec_slot *slots;
    int nslots;
    sc_buf out;
    bool done;
} chunk;

typedef struct cworker cworker;

typedef struct cmp {
    const cmp_opts *o;
    pol_policy *pol[2];
    const bc_program *p[2];
    sc_format in_fmt, out_fmt;
    const sc_record *csv_header;
    pair *pairs;
    int npairs;
    int by_input[CMP_MAX_FIELDS][2]; /* the --by field as an input of each side, or -1 */
    chunk *chunks;
    int nchunks;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    long filled, taken;
    bool finished;
} cmp;

struct cworker {
    cmp *c;
    pol_eval *ev[2];
    sc_record rec;
    batch_key_at kat;               /* where the --key fields were in the last record */
    int field_input[2][FIELD_CACHE];
    stat *all;                      /* [npairs]        */
    groupset *gs;                   /* [nby]           */
    long records, rejected, failed; /* failed: a record with an error on either side */
    dec_t chg;
    pthread_t tid;
    bool started;
};

static const char *side_name[2] = {"old", "new"};

/* The record's --key fields: `"keys":{...},` (JSON Lines) or a cell each (CSV);
 * rec NULL: a record that could not be parsed, every key null. */
static void put_keys(const cmp *c, cworker *w, const sc_record *rec, const char *text, sc_buf *out, bool csv)
{
    const batch_keys *k = c->o->run.keys;
    if (!k || !k->count)
        return;
    if (!rec)
        batch_key_at_none(k, &w->kat);
    if (csv)
        batch_keys_put_csv(k, &w->kat, rec, text, c->in_fmt, out);
    else
        batch_keys_put_json(k, &w->kat, rec, text, c->in_fmt, out);
}

/* A record rejected before either policy saw it. */
static void put_rejected(const cmp *c, cworker *w, sc_buf *out, long line, const sc_record *rec, const char *text,
                         const char *msg)
{
    if (c->out_fmt == SC_FMT_CSV) {
        sc_buf_printf(out, "%ld", line);
        put_keys(c, w, rec, text, out, true);
        for (int i = 0; i < c->npairs; i++)
            sc_buf_puts(out, ",,,");
        sc_buf_putc(out, ',');
        sc_buf_csv_field(out, msg, strlen(msg));
        sc_buf_putc(out, '\n');
        return;
    }
    sc_buf_printf(out, "{\"line\":%ld,", line);
    put_keys(c, w, rec, text, out, false);
    sc_buf_puts(out, "\"error\":");
    sc_buf_json_string(out, msg, strlen(msg));
    sc_buf_puts(out, "}\n");
}

/* Sets the record's fields on side s.  A field that is an input of neither
 * policy, and not a --key or --by field, is an error unless --allow-extra. */
static int set_side(cworker *w, int s, pol_error *perr, char *why, size_t whylen)
{
    const cmp *c = w->c;
    const sc_record *rec = &w->rec;
    for (int k = 0; k < rec->count; k++) {
        const sc_field *f = &rec->fields[k];
        int i = k < FIELD_CACHE ? w->field_input[s][k] : -2;
        if (i == -2 || i < -1 || (i >= 0 && (strlen(c->p[s]->inputs[i].name) != f->name_len ||
                                             memcmp(c->p[s]->inputs[i].name, f->name, f->name_len)))) {
            i = pol_find_input(c->pol[s], f->name, f->name_len);
            if (k < FIELD_CACHE)
                w->field_input[s][k] = i;
        }
        if (i < 0) {
            if (c->o->run.allow_extra || pol_find_input(c->pol[1 - s], f->name, f->name_len) >= 0)
                continue;
            bool named = c->o->run.keys && batch_keys_has(c->o->run.keys, f->name, f->name_len);
            for (int j = 0; j < c->o->nby && !named; j++)
                named = strlen(c->o->by[j]) == f->name_len && !memcmp(c->o->by[j], f->name, f->name_len);
            if (named)
                continue;
            snprintf(why, whylen, "field '%.*s' is an input of neither policy (--allow-extra ignores it)",
                     (int)(f->name_len > 200 ? 200 : f->name_len), f->name);
            return -2;
        }
        if (f->kind == SCV_NULL)
            continue;
        if (pol_eval_set_field(w->ev[s], (uint32_t)i, f->kind, f->text, f->len, perr) != 0)
            return -1;
    }
    return 0;
}

/* The value of pair q on side s, or NULL with *e its reason. */
static const vm_val *side_value(const cworker *w, int s, const pair *q, bool side_bad, const pol_error *serr,
                                const pol_error **e)
{
    if (side_bad) {
        *e = serr;
        return NULL;
    }
    *e = pol_eval_output_error(w->ev[s], q->rule[s]);
    if (*e)
        return NULL;
    const vm_val *v = pol_eval_val(w->ev[s], q->rule[s]);
    if (!v || !pol_type_numeric((pol_type)v->t)) {
        static const pol_error nonnum = {.status = POL_E_RUNTIME, .msg = "the output has no numeric value"};
        *e = &nonnum;
        return NULL;
    }
    return v;
}

static bool is_error(const pol_error *e)
{
    return e->status != POL_NOT_APPLICABLE && e->status != POL_UNSTATED;
}

/* The change in whole units of 10^-scale; false (and a rounded key) if it is not one. */
static bool change_units(dec_t *chg, int scale, int64_t *units)
{
    static const int64_t p10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    if (chg->kind == DEC_K_SMALL && chg->scale <= scale) {
        int64_t m = p10[scale - chg->scale];
        if (!__builtin_mul_overflow(chg->coef, m, units))
            return true;
    }
    dec_t t, f;
    dec_init(&t);
    dec_init(&f);
    dec_set_i64(&f, p10[scale]);
    dec_mul(&t, chg, &f);
    bool exact = dec_is_integer(&t);
    dec_round(&t, &t, 0, DEC_HALF_EVEN);
    if (!dec_to_i64(&t, units)) {
        *units = dec_sign(&t) < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
        exact = false;
    }
    dec_clear(&t);
    dec_clear(&f);
    return exact;
}

/* The statistics the record adds to: all, then one group per --by field. */
static int record_stats(cworker *w, stat **to)
{
    const cmp *c = w->c;
    int n = 0;
    to[n++] = w->all;
    for (int b = 0; b < c->o->nby; b++) {
        const char *nm = c->o->by[b];
        size_t nl = strlen(nm);
        const char *val = "(无)";
        size_t vl = strlen(val);
        for (int i = 0; i < w->rec.count; i++)
            if (w->rec.fields[i].name_len == nl && !memcmp(w->rec.fields[i].name, nm, nl) &&
                w->rec.fields[i].kind != SCV_NULL) {
                val = w->rec.fields[i].text;
                vl = w->rec.fields[i].len;
            }
        groupset *gs = &w->gs[b];
        int g = 0;
        while (g < gs->n && (strlen(gs->g[g].value) != vl || memcmp(gs->g[g].value, val, vl)))
            g++;
        if (g == gs->n) {
            if (gs->n == MAX_GROUPS) {
                gs->overflow = true;
                continue;
            }
            gs->g[g].value = pol_xmalloc(vl + 1);
            memcpy(gs->g[g].value, val, vl);
            gs->g[g].value[vl] = 0;
            gs->g[g].st = pol_xcalloc((size_t)c->npairs, sizeof(stat));
            for (int q = 0; q < c->npairs; q++)
                stat_init(&gs->g[g].st[q], HIST_MAX_GROUP);
            gs->n++;
        }
        to[n++] = gs->g[g].st;
    }
    return n;
}

static void put_num(sc_buf *out, const dec_t *d, int places, bool csv)
{
    char buf[128];
    int n = dec_format(d, places, buf, sizeof buf, NULL);
    if (n < 0 || n >= (int)sizeof buf) {
        n = dec_format_exact(d, buf, sizeof buf);
        if (n >= (int)sizeof buf)
            n = (int)sizeof buf - 1;
    }
    if (csv)
        sc_buf_put(out, buf, (size_t)n);
    else {
        sc_buf_putc(out, '"');
        sc_buf_put(out, buf, (size_t)n);
        sc_buf_putc(out, '"');
    }
}

static void note_reason(sc_buf *errs, const char *side, const char *out, const pol_error *e)
{
    if (errs->len)
        sc_buf_puts(errs, " | ");
    sc_buf_printf(errs, "%s %s: %s", side, out, e->msg);
}

static void eval_record(cworker *w, const chunk *ch, const rec_slot *s, sc_buf *out)
{
    const cmp *c = w->c;
    const char *t = ch->text.data + s->off;
    bool csv = c->out_fmt == SC_FMT_CSV;
    w->records++;
    if (s->bad) {
        put_rejected(c, w, out, s->line, NULL, t, t);
        w->rejected++;
        return;
    }
    sc_error serr;
    int prc = c->in_fmt == SC_FMT_CSV ? sc_parse_csv_record(&w->rec, c->csv_header, t, s->len, &serr)
                                      : sc_parse_json_object(&w->rec, t, s->len, &serr);
    if (prc != 0) {
        char msg[320];
        snprintf(msg, sizeof msg, "byte %zu: %s", serr.offset + 1, serr.msg);
        put_rejected(c, w, out, s->line, NULL, t, msg);
        w->rejected++;
        return;
    }
    pol_error perr[2];
    bool bad[2];
    char why[300];
    const batch_keys *keys = c->o->run.keys;
    int missing = keys && keys->count ? batch_keys_find(keys, &w->rec, &w->kat) : -1;
    if (missing >= 0) {
        snprintf(why, sizeof why, "the key field \"%s\" (--key) is missing from the record", keys->name[missing]);
        put_rejected(c, w, out, s->line, &w->rec, t, why);
        w->rejected++;
        return;
    }
    for (int side = 0; side < 2; side++) {
        pol_eval_begin(w->ev[side]);
        int rc = set_side(w, side, &perr[side], why, sizeof why);
        if (rc == -2) {
            put_rejected(c, w, out, s->line, &w->rec, t, why);
            w->rejected++;
            return;
        }
        bad[side] = rc != 0;
        if (!bad[side])
            pol_eval_run(w->ev[side], &perr[side]);
    }
    stat *to[1 + CMP_MAX_FIELDS];
    int nto = record_stats(w, to);
    sc_buf errs;
    sc_buf_init(&errs);
    bool failed = false;
    if (csv)
        sc_buf_printf(out, "%ld", s->line);
    else
        sc_buf_printf(out, "{\"line\":%ld,", s->line);
    put_keys(c, w, &w->rec, t, out, csv);
    if (!csv)
        sc_buf_puts(out, "\"outputs\":{");
    for (int q = 0; q < c->npairs; q++) {
        const pair *pq = &c->pairs[q];
        const pol_error *e[2];
        const vm_val *v[2];
        for (int side = 0; side < 2; side++)
            v[side] = side_value(w, side, pq, bad[side], &perr[side], &e[side]);
        if (!csv) {
            if (q)
                sc_buf_putc(out, ',');
            sc_buf_json_string(out, pq->name[0], strlen(pq->name[0]));
            sc_buf_putc(out, ':');
            sc_buf_putc(out, '{');
        }
        for (int side = 0; side < 2; side++) {
            if (csv)
                sc_buf_putc(out, ',');
            else if (side)
                sc_buf_putc(out, ',');
            if (v[side]) {
                if (!csv)
                    sc_buf_printf(out, "\"%s\":", side_name[side]);
                put_num(out, &v[side]->d, pq->places, csv);
            } else {
                if (!csv) {
                    sc_buf_printf(out, "\"%s_%s\":", side_name[side], is_error(e[side]) ? "error" : "note");
                    sc_buf_json_string(out, e[side]->msg, strlen(e[side]->msg));
                }
                note_reason(&errs, side_name[side], pq->name[side], e[side]);
            }
        }
        if (v[0] && v[1]) {
            dec_sub(&w->chg, &v[1]->d, &v[0]->d);
            if (csv)
                sc_buf_putc(out, ',');
            else
                sc_buf_puts(out, ",\"change\":");
            put_num(out, &w->chg, pq->places, csv);
            int64_t units;
            bool exact = change_units(&w->chg, pq->unit_scale, &units);
            int sg = dec_sign(&w->chg);
            for (int k = 0; k < nto; k++) {
                stat *st = &to[k][q];
                if (!st->n || dec_cmp(&w->chg, &st->min) < 0)
                    dec_set(&st->min, &w->chg);
                if (!st->n || dec_cmp(&w->chg, &st->max) > 0)
                    dec_set(&st->max, &w->chg);
                st->n++;
                if (sg > 0)
                    st->more++;
                else if (sg < 0)
                    st->less++;
                else
                    st->same++;
                dec_add(&st->sum_old, &st->sum_old, &v[0]->d);
                dec_add(&st->sum_new, &st->sum_new, &v[1]->d);
                dec_add(&st->sum_chg, &st->sum_chg, &w->chg);
                st->h.approx |= !exact;
                hist_add(&st->h, units, 1);
            }
        } else {
            if (csv)
                sc_buf_putc(out, ',');
            bool eo = !v[0] && is_error(e[0]), en = !v[1] && is_error(e[1]);
            failed |= eo || en;
            for (int k = 0; k < nto; k++) {
                stat *st = &to[k][q];
                if (eo && en)
                    st->both_err++;
                else if (eo)
                    st->old_err++;
                else if (en)
                    st->new_err++;
                else
                    st->na++;
            }
        }
        if (!csv)
            sc_buf_putc(out, '}');
    }
    if (csv) {
        sc_buf_putc(out, ',');
        sc_buf_csv_field(out, errs.data ? errs.data : "", errs.len);
        sc_buf_putc(out, '\n');
    } else
        sc_buf_puts(out, "}}\n");
    w->failed += failed;
    sc_buf_clear(&errs);
}

static void eval_chunk(cworker *w, chunk *ch)
{
    sc_buf_reset(&ch->out);
    for (int i = 0; i < ch->nslots; i++)
        eval_record(w, ch, &ch->slots[i], &ch->out);
}

static void *worker_main(void *arg)
{
    cworker *w = arg;
    cmp *c = w->c;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (c->taken == c->filled && !c->finished)
            pthread_cond_wait(&c->work, &c->mu);
        if (c->taken == c->filled)
            break;
        chunk *ch = &c->chunks[c->taken++ % c->nchunks];
        pthread_mutex_unlock(&c->mu);
        eval_chunk(w, ch);
        pthread_mutex_lock(&c->mu);
        ch->done = true;
        pthread_cond_signal(&c->done);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* ---- reading and writing ---- */

typedef struct reading {
    sc_reader *rd;
    sc_record *header;
    const char *name;
    bool have_header, eof, header_bad;
} reading;

static void fill_chunk(reading *r, chunk *ch)
{
    sc_buf_reset(&ch->text);
    ch->nslots = 0;
    while (!r->eof && ch->nslots < CHUNK_RECORDS && ch->text.len < CHUNK_BYTES) {
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
                pol_tr_fprintf(stderr, "polrun: %s: line %ld: bad CSV header: %s\n", r->name, line, sc_error_message(&serr));
                r->header_bad = r->eof = true;
                break;
            }
            continue;
        }
        rec_slot *s = &ch->slots[ch->nslots++];
        s->line = line;
        s->bad = st == SC_REC_BAD;
        if (s->bad) {
            t = serr.msg;
            len = strlen(serr.msg);
        }
        s->off = ch->text.len;
        s->len = len;
        sc_buf_put(&ch->text, t, len);
        sc_buf_putc(&ch->text, '\0');
    }
}

typedef struct sink {
    FILE *out; /* NULL: no per-record output (no -o with --summary or --report) */
    bool ok;
    int err;
} sink;

static void sink_chunk(sink *k, const chunk *ch)
{
    errno = 0;
    if (k->out && k->ok && ch->out.len && fwrite(ch->out.data, 1, ch->out.len, k->out) != ch->out.len) {
        k->ok = false;
        k->err = errno;
    }
}

static void drain(cmp *c, sink *k, long *written, long upto, bool wait)
{
    while (*written < upto) {
        chunk *ch = &c->chunks[*written % c->nchunks];
        pthread_mutex_lock(&c->mu);
        while (wait && !ch->done)
            pthread_cond_wait(&c->done, &c->mu);
        bool ready = ch->done;
        pthread_mutex_unlock(&c->mu);
        if (!ready)
            return;
        sink_chunk(k, ch);
        ++*written;
    }
}

static int run_pool(cmp *c, cworker *ws, int nw, reading *rd, sink *k)
{
    if (nw == 1) {
        chunk *ch = &c->chunks[0];
        while (k->ok) {
            fill_chunk(rd, ch);
            if (!ch->nslots)
                break;
            eval_chunk(&ws[0], ch);
            sink_chunk(k, ch);
        }
        return 0;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->work, NULL);
    pthread_cond_init(&c->done, NULL);
    int started = 0;
    for (int i = 0; i < nw; i++)
        if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) == 0) {
            ws[i].started = true;
            started++;
        }
    if (!started) {
        pol_tr_fprintf(stderr, "polrun: cannot start worker threads\n");
        return CLI_INTERNAL;
    }
    long seq = 0, written = 0;
    for (;;) {
        chunk *ch = &c->chunks[seq % c->nchunks];
        if (seq - written == c->nchunks)
            drain(c, k, &written, written + 1, true);
        if (!k->ok)
            break;
        fill_chunk(rd, ch);
        if (!ch->nslots)
            break;
        pthread_mutex_lock(&c->mu);
        ch->done = false;
        c->filled = ++seq;
        pthread_cond_signal(&c->work);
        pthread_mutex_unlock(&c->mu);
        drain(c, k, &written, seq, false);
    }
    pthread_mutex_lock(&c->mu);
    c->finished = true;
    pthread_cond_broadcast(&c->work);
    pthread_mutex_unlock(&c->mu);
    drain(c, k, &written, seq, true);
    for (int i = 0; i < nw; i++)
        if (ws[i].started)
            pthread_join(ws[i].tid, NULL);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->work);
    pthread_cond_destroy(&c->done);
    return 0;
}

/* ---- which outputs are compared ---- */

static int out_rule(const bc_program *p, const char *name, size_t len)
{
    for (uint32_t r = 0; r < p->nrules; r++)
        if (p->rules[r].is_output && strlen(p->rules[r].name) == len && !memcmp(p->rules[r].name, name, len))
            return (int)r;
    return -1;
}

static void add_pair(cmp *c, uint32_t ro, uint32_t rn)
{
    pair *q = &c->pairs[c->npairs++];
    q->rule[0] = ro;
    q->rule[1] = rn;
    q->name[0] = c->p[0]->rules[ro].name;
    q->name[1] = c->p[1]->rules[rn].name;
    int po = c->p[0]->rules[ro].places, pn = c->p[1]->rules[rn].places;
    q->places = po > pn ? po : pn;
    bool money = c->p[0]->rules[ro].type == PT_MONEY;
    q->unit_scale = money ? (q->places > 2 ? (q->places > 8 ? 8 : q->places) : 2) : 6;
    q->mean_places = money ? (q->places > 2 ? q->places : 2) : q->unit_scale;
}

/* The compared outputs: --pair OLD=NEW, then every numeric output of OLD
 * that NEW has under the same name or as NAME_改革后. */
static int find_pairs(cmp *c)
{
    static const char suffix[] = "_改革后";
    c->pairs = pol_xcalloc(c->p[0]->nrules + CMP_MAX_FIELDS + 1, sizeof *c->pairs);
    uint8_t *used = pol_xcalloc(c->p[1]->nrules + 1, 1);
    for (int i = 0; i < c->o->npair; i++) {
        const char *a = c->o->pair[i], *eq = strchr(a, '=');
        int ro = eq ? out_rule(c->p[0], a, (size_t)(eq - a)) : -1;
        int rn = eq ? out_rule(c->p[1], eq + 1, strlen(eq + 1)) : -1;
        if (!eq || ro < 0 || rn < 0) {
            if (!eq)
                pol_tr_fprintf(stderr, "polrun: --pair takes OLD=NEW (two output names), not '%s'\n", a);
            else
                pol_tr_fprintf(stderr, "polrun: --pair %s: %s has no output named '%.*s'\n", a,
                        ro < 0 ? c->o->old_path : c->o->new_path, ro < 0 ? (int)(eq - a) : (int)strlen(eq + 1),
                        ro < 0 ? a : eq + 1);
            free(used);
            return CLI_USAGE;
        }
        if (!pol_type_numeric((pol_type)c->p[0]->rules[ro].type) ||
            !pol_type_numeric((pol_type)c->p[1]->rules[rn].type)) {
            pol_tr_fprintf(stderr, "polrun: --pair %s: only numeric outputs can be compared\n", a);
            free(used);
            return CLI_USAGE;
        }
        used[rn] = 1;
        add_pair(c, (uint32_t)ro, (uint32_t)rn);
    }
    for (uint32_t r = 0; r < c->p[0]->nrules; r++) {
        const bc_rule *ru = &c->p[0]->rules[r];
        if (!ru->is_output || !pol_type_numeric((pol_type)ru->type))
            continue;
        bool paired = false;
        for (int i = 0; i < c->npairs && !paired; i++)
            paired = c->pairs[i].rule[0] == r;
        if (paired)
            continue;
        size_t len = strlen(ru->name);
        int rn = out_rule(c->p[1], ru->name, len);
        if (rn < 0) {
            char *alt = pol_xmalloc(len + sizeof suffix);
            memcpy(alt, ru->name, len);
            memcpy(alt + len, suffix, sizeof suffix);
            rn = out_rule(c->p[1], alt, strlen(alt));
            free(alt);
        }
        if (rn >= 0 && !used[rn] && pol_type_numeric((pol_type)c->p[1]->rules[rn].type)) {
            used[rn] = 1;
            add_pair(c, r, (uint32_t)rn);
        }
    }
    free(used);
    if (!c->npairs) {
        fprintf(stderr,
                "polrun: %s and %s share no numeric output (same name, NAME and NAME_改革后, or --pair OLD=NEW)\n",
                c->o->old_path, c->o->new_path);
        return CLI_USAGE;
    }
    return 0;
}

/* Each --by field must be an enumeration or boolean input of either policy. */
static int check_by(cmp *c)
{
    for (int b = 0; b < c->o->nby; b++) {
        const char *nm = c->o->by[b];
        bool found = false;
        for (int s = 0; s < 2; s++) {
            int i = pol_find_input(c->pol[s], nm, strlen(nm));
            c->by_input[b][s] = i;
            if (i < 0)
                continue;
            uint8_t t = c->p[s]->inputs[i].type;
            if (t != PT_ENUM && t != PT_BOOL) {
                pol_tr_fprintf(stderr, "polrun: --by %s: the input is %s; --by takes an enumeration or boolean input\n", nm,
                        pol_type_name((pol_type)t));
                return CLI_USAGE;
            }
            found = true;
        }
        if (!found) {
            pol_tr_fprintf(stderr, "polrun: --by %s: neither policy has an input of that name\n", nm);
            return CLI_USAGE;
        }
    }
    return 0;
}

/* ---- the figures ---- */

typedef struct hent {
    int64_t k;
    long c;
} hent;

static int hent_cmp(const void *a, const void *b)
{
    int64_t x = ((const hent *)a)->k, y = ((const hent *)b)->k;
    return (x > y) - (x < y);
}

/* Bin k of h as a decimal: k * 10^shift units of 10^-scale. */
static void bin_value(dec_t *d, int64_t k, int shift, int scale)
{
    dec_t m;
    dec_init(&m);
    dec_set_i64(d, k);
    for (int s = 0; s < shift; s++) {
        dec_set_i64(&m, 10);
        dec_mul(d, d, &m);
    }
    dec_set_scaled(&m, 1, scale);
    dec_mul(d, d, &m);
    dec_clear(&m);
}

static void fmt_dec(const dec_t *d, int places, char *buf, size_t cap)
{
    if (dec_format(d, places, buf, cap, NULL) < 0)
        dec_format_exact(d, buf, cap);
}

static void fmt_bin(int64_t k, int shift, int scale, int places, char *buf, size_t cap)
{
    dec_t d;
    dec_init(&d);
    bin_value(&d, k, shift, scale);
    fmt_dec(&d, places, buf, cap);
    dec_clear(&d);
}

/* The value of rank r (1-based) in the sorted histogram. */
static int64_t rank_key(const hent *e, size_t n, long r)
{
    long acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc += e[i].c;
        if (acc >= r)
            return e[i].k;
    }
    return n ? e[n - 1].k : 0;
}

/* A "nice" bin width (1, 2 or 5 times a power of ten, in bins) covering span in at most CMP_MAX_BINS. */
static int64_t nice_width(int64_t span)
{
    for (int64_t p = 1;; p *= 10) {
        static const int64_t m[] = {1, 2, 5};
        for (int i = 0; i < 3; i++)
            if (span / (m[i] * p) < CMP_MAX_BINS)
                return m[i] * p;
        if (p > INT64_MAX / 100)
            return span + 1;
    }
}

static void digest(const stat *st, const pair *q, cmp_digest *d)
{
    memset(d, 0, sizeof *d);
    d->compared = st->n;
    d->more = st->more;
    d->less = st->less;
    d->same = st->same;
    d->old_errors = st->old_err;
    d->new_errors = st->new_err;
    d->both_errors = st->both_err;
    d->not_applicable = st->na;
    fmt_dec(&st->sum_old, q->places, d->total_old, sizeof d->total_old);
    fmt_dec(&st->sum_new, q->places, d->total_new, sizeof d->total_new);
    fmt_dec(&st->sum_chg, q->places, d->total_change, sizeof d->total_change);
    const hist *h = &st->h;
    fmt_bin(1, h->shift, q->unit_scale, 0, d->quantum, sizeof d->quantum);
    d->approximate = h->shift > 0 || h->approx;
    if (!st->n)
        return;
    dec_t m, n;
    dec_init(&m);
    dec_init(&n);
    dec_set_i64(&n, st->n);
    dec_div(&m, &st->sum_chg, &n);
    dec_round(&m, &m, q->mean_places, DEC_HALF_UP); /* the mean, 四舍五入 to the fen (money) or 10^-6 */
    fmt_dec(&m, q->places, d->mean, sizeof d->mean);
    fmt_dec(&st->min, q->places, d->min, sizeof d->min);
    fmt_dec(&st->max, q->places, d->max, sizeof d->max);
    hent *e = pol_xcalloc(h->n + 1, sizeof *e);
    size_t ne = 0;
    for (uint32_t i = 0; i < h->cap; i++)
        if (h->cnt[i])
            e[ne++] = (hent){h->key[i], h->cnt[i]};
    qsort(e, ne, sizeof *e, hent_cmp);
    /* median: the middle value, or the mean of the two middle values (exact) */
    int64_t lo = rank_key(e, ne, (st->n + 1) / 2), hi = rank_key(e, ne, st->n / 2 + 1);
    bin_value(&m, lo, h->shift, q->unit_scale);
    bin_value(&n, hi, h->shift, q->unit_scale);
    dec_add(&m, &m, &n);
    dec_set_i64(&n, 2);
    dec_div(&m, &m, &n);
    fmt_dec(&m, q->places, d->median, sizeof d->median);
    for (int k = 1; k <= CMP_DECILES; k++) { /* nearest rank: the smallest value with >= k/10 of records at or below */
        long r = (long)(((__int128)st->n * k + 9) / 10);
        fmt_bin(rank_key(e, ne, r), h->shift, q->unit_scale, q->places, d->deciles[k - 1], sizeof d->deciles[0]);
    }
    if (ne <= CMP_MAX_BINS) { /* few distinct values: one bar each */
        for (size_t i = 0; i < ne; i++) {
            fmt_bin(e[i].k, h->shift, q->unit_scale, q->places, d->bins[i].from, sizeof d->bins[i].from);
            memcpy(d->bins[i].to, d->bins[i].from, sizeof d->bins[i].to);
            d->bins[i].count = e[i].c;
        }
        d->nbins = (int)ne;
    } else {
        int64_t w = nice_width(e[ne - 1].k - e[0].k);
        int64_t start = e[0].k >= 0 ? e[0].k / w * w : -(((-e[0].k) + w - 1) / w) * w;
        for (size_t i = 0; i < ne; i++) {
            int b = (int)((e[i].k - start) / w);
            if (b >= CMP_MAX_BINS)
                b = CMP_MAX_BINS - 1;
            d->bins[b].count += e[i].c;
            if (b + 1 > d->nbins)
                d->nbins = b + 1;
        }
        for (int b = 0; b < d->nbins; b++) { /* [from, to): to is the next bin's start */
            fmt_bin(start + b * w, h->shift, q->unit_scale, q->places, d->bins[b].from, sizeof d->bins[b].from);
            fmt_bin(start + (b + 1) * w, h->shift, q->unit_scale, q->places, d->bins[b].to, sizeof d->bins[b].to);
        }
    }
    free(e);
    dec_clear(&m);
    dec_clear(&n);
}

/* ---- the summary: text, JSON, CSV ---- */

static void text_digest(FILE *f, const char *indent, const cmp_digest *d)
{
    fprintf(f, "%scompared %ld: more %ld, less %ld, same %ld; errors: old only %ld, new only %ld, both %ld; not applicable %ld\n",
            indent, d->compared, d->more, d->less, d->same, d->old_errors, d->new_errors, d->both_errors,
            d->not_applicable);
    if (!d->compared)
        return;
    fprintf(f, "%stotal old %s, new %s, change %s\n", indent, d->total_old, d->total_new, d->total_change);
    fprintf(f, "%schange: mean %s (rounded half up), median %s, min %s, max %s%s\n", indent, d->mean, d->median,
            d->min, d->max, d->approximate ? " (median and deciles approximate)" : "");
    fprintf(f, "%sdeciles", indent);
    for (int k = 0; k < CMP_DECILES; k++)
        fprintf(f, " %s", d->deciles[k]);
    fputc('\n', f);
}

static void write_text(const cmp_view *v, FILE *f)
{
    fprintf(f, "compared %ld records (%ld rejected): %s -> %s\n", v->records, v->rejected, v->old_path, v->new_path);
    for (int q = 0; q < v->nout; q++) {
        if (!strcmp(v->out_old[q], v->out_new[q]))
            fprintf(f, "%s\n", v->out_old[q]);
        else
            fprintf(f, "%s -> %s\n", v->out_old[q], v->out_new[q]);
        text_digest(f, "  ", &v->all[q]);
        for (int g = 0; g < v->ngroups; g++) {
            fprintf(f, "  %s = %s\n", v->group_field[g], v->group_value[g]);
            text_digest(f, "    ", &v->groups[g * v->nout + q]);
        }
    }
}

static void json_str(sc_buf *b, const char *s)
{
    sc_buf_json_string(b, s, strlen(s));
}

static void json_digest(sc_buf *b, const cmp_digest *d)
{
    sc_buf_printf(b,
                  "{\"compared\":%ld,\"more\":%ld,\"less\":%ld,\"same\":%ld,\"old_errors\":%ld,\"new_errors\":%ld,"
                  "\"both_errors\":%ld,\"not_applicable\":%ld,\"total_old\":",
                  d->compared, d->more, d->less, d->same, d->old_errors, d->new_errors, d->both_errors,
                  d->not_applicable);
    json_str(b, d->total_old);
    sc_buf_puts(b, ",\"total_new\":");
    json_str(b, d->total_new);
    sc_buf_puts(b, ",\"total_change\":");
    json_str(b, d->total_change);
    if (d->compared) {
        static const char *names[] = {"mean_change", "median_change", "min_change", "max_change"};
        const char *vals[] = {d->mean, d->median, d->min, d->max};
        for (int i = 0; i < 4; i++) {
            sc_buf_printf(b, ",\"%s\":", names[i]);
            json_str(b, vals[i]);
        }
        sc_buf_puts(b, ",\"deciles\":[");
        for (int k = 0; k < CMP_DECILES; k++) {
            if (k)
                sc_buf_putc(b, ',');
            json_str(b, d->deciles[k]);
        }
        sc_buf_puts(b, "],\"histogram\":[");
        for (int i = 0; i < d->nbins; i++) {
            sc_buf_puts(b, i ? ",{\"from\":" : "{\"from\":");
            json_str(b, d->bins[i].from);
            sc_buf_puts(b, ",\"to\":");
            json_str(b, d->bins[i].to);
            sc_buf_printf(b, ",\"count\":%ld}", d->bins[i].count);
        }
        sc_buf_puts(b, "]");
    }
    sc_buf_printf(b, ",\"approximate\":%s,\"resolution\":", d->approximate ? "true" : "false");
    json_str(b, d->quantum);
    sc_buf_putc(b, '}');
}

static void write_json(const cmp_view *v, sc_buf *b)
{
    sc_buf_puts(b, "{\"old\":");
    json_str(b, v->old_path);
    sc_buf_puts(b, ",\"new\":");
    json_str(b, v->new_path);
    sc_buf_puts(b, ",\"population\":");
    json_str(b, v->population);
    sc_buf_printf(b, ",\"records\":%ld,\"rejected\":%ld,\"mean_rounding\":\"half_up\",\"outputs\":[", v->records,
                  v->rejected);
    for (int q = 0; q < v->nout; q++) {
        sc_buf_puts(b, q ? ",{\"old_output\":" : "{\"old_output\":");
        json_str(b, v->out_old[q]);
        sc_buf_puts(b, ",\"new_output\":");
        json_str(b, v->out_new[q]);
        sc_buf_printf(b, ",\"mean_places\":%d,\"all\":", v->places[q]);
        json_digest(b, &v->all[q]);
        sc_buf_puts(b, ",\"by\":[");
        for (int g = 0; g < v->ngroups; g++) {
            sc_buf_puts(b, g ? ",{\"field\":" : "{\"field\":");
            json_str(b, v->group_field[g]);
            sc_buf_puts(b, ",\"value\":");
            json_str(b, v->group_value[g]);
            sc_buf_puts(b, ",\"summary\":");
            json_digest(b, &v->groups[g * v->nout + q]);
            sc_buf_putc(b, '}');
        }
        sc_buf_puts(b, "]}");
    }
    sc_buf_puts(b, "]}\n");
}

static void csv_row(sc_buf *b, const char *out, const char *field, const char *value, const cmp_digest *d)
{
    sc_buf_csv_field(b, out, strlen(out));
    sc_buf_putc(b, ',');
    sc_buf_csv_field(b, field, strlen(field));
    sc_buf_putc(b, ',');
    sc_buf_csv_field(b, value, strlen(value));
    sc_buf_printf(b, ",%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%s,%s,%s,%s,%s,%s,%s", d->compared, d->more, d->less, d->same,
                  d->old_errors, d->new_errors, d->both_errors, d->not_applicable, d->total_old, d->total_new,
                  d->total_change, d->mean, d->median, d->min, d->max);
    for (int k = 0; k < CMP_DECILES; k++)
        sc_buf_printf(b, ",%s", d->deciles[k]);
    sc_buf_printf(b, ",%s\n", d->approximate ? "true" : "false");
}

static void write_csv(const cmp_view *v, sc_buf *b)
{
    sc_buf_puts(b, "output,field,value,compared,more,less,same,old_errors,new_errors,both_errors,not_applicable,"
                   "total_old,total_new,total_change,mean_change,median_change,min_change,max_change");
    for (int k = 1; k <= CMP_DECILES; k++)
        sc_buf_printf(b, ",d%d", k);
    sc_buf_puts(b, ",approximate\n");
    for (int q = 0; q < v->nout; q++) {
        csv_row(b, v->out_old[q], "", "", &v->all[q]);
        for (int g = 0; g < v->ngroups; g++)
            csv_row(b, v->out_old[q], v->group_field[g], v->group_value[g], &v->groups[g * v->nout + q]);
    }
}

/* Writes the summary (b) or, with b NULL, the report into path. */
static int write_file(const char *path, const sc_buf *b, const cmp_view *v)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        pol_tr_fprintf(stderr, "polrun: cannot write %s: %s\n", path, strerror(errno));
        return CLI_CANTCREAT;
    }
    errno = 0;
    int bad = b ? fwrite(b->data, 1, b->len, f) != b->len : cmp_write_report(v, f) != 0;
    int err = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    return bad ? cli_write_error("polrun", path, err) : 0;
}

static int group_cmp(const void *a, const void *b)
{
    return strcmp(((const group *)a)->value, ((const group *)b)->value);
}

static void cworkers_free(cmp *c, cworker *ws, int nw)
{
    for (int i = 0; i < nw; i++) {
        for (int s = 0; s < 2; s++)
            pol_eval_free(ws[i].ev[s]);
        sc_record_clear(&ws[i].rec);
        for (int q = 0; q < c->npairs; q++)
            stat_free(&ws[i].all[q]);
        free(ws[i].all);
        for (int b = 0; b < c->o->nby; b++)
            for (int g = 0; g < ws[i].gs[b].n; g++) {
                for (int q = 0; q < c->npairs; q++)
                    stat_free(&ws[i].gs[b].g[g].st[q]);
                free(ws[i].gs[b].g[g].st);
                free(ws[i].gs[b].g[g].value);
            }
        free(ws[i].gs);
        dec_clear(&ws[i].chg);
    }
    free(ws);
}

/* Merges the workers' statistics into worker 0's. */
static void merge_workers(cmp *c, cworker *ws, int nw)
{
    for (int i = 1; i < nw; i++) {
        ws[0].records += ws[i].records;
        ws[0].rejected += ws[i].rejected;
        ws[0].failed += ws[i].failed;
        for (int q = 0; q < c->npairs; q++)
            stat_merge(&ws[0].all[q], &ws[i].all[q]);
        for (int b = 0; b < c->o->nby; b++) {
            groupset *to = &ws[0].gs[b], *from = &ws[i].gs[b];
            to->overflow |= from->overflow;
            for (int g = 0; g < from->n; g++) {
                int h = 0;
                while (h < to->n && strcmp(to->g[h].value, from->g[g].value))
                    h++;
                if (h == to->n) {
                    if (to->n == MAX_GROUPS) {
                        to->overflow = true;
                        continue;
                    }
                    to->g[h].value = pol_xstrdup(from->g[g].value);
                    to->g[h].st = pol_xcalloc((size_t)c->npairs, sizeof(stat));
                    for (int q = 0; q < c->npairs; q++)
                        stat_init(&to->g[h].st[q], HIST_MAX_GROUP);
                    to->n++;
                }
                for (int q = 0; q < c->npairs; q++)
                    stat_merge(&to->g[h].st[q], &from->g[g].st[q]);
            }
        }
    }
    for (int b = 0; b < c->o->nby; b++)
        qsort(ws[0].gs[b].g, (size_t)ws[0].gs[b].n, sizeof(group), group_cmp);
}

static int write_summaries(cmp *c, cworker *w)
{
    const cmp_opts *o = c->o;
    int ng = 0;
    for (int b = 0; b < o->nby; b++) {
        ng += w->gs[b].n;
        if (w->gs[b].overflow)
            pol_tr_fprintf(stderr, "polrun: --by %s: more than %d values; the rest are not broken down\n", o->by[b],
                    MAX_GROUPS);
    }
    cmp_digest *all = pol_xcalloc((size_t)c->npairs, sizeof *all);
    cmp_digest *gd = pol_xcalloc((size_t)(ng * c->npairs) + 1, sizeof *gd);
    const char **gf = pol_xcalloc((size_t)ng + 1, sizeof *gf), **gv = pol_xcalloc((size_t)ng + 1, sizeof *gv);
    const char **on = pol_xcalloc((size_t)c->npairs, sizeof *on), **nn = pol_xcalloc((size_t)c->npairs, sizeof *nn);
    int *places = pol_xcalloc((size_t)c->npairs, sizeof *places);
    for (int q = 0; q < c->npairs; q++) {
        digest(&w->all[q], &c->pairs[q], &all[q]);
        on[q] = c->pairs[q].name[0];
        nn[q] = c->pairs[q].name[1];
        places[q] = c->pairs[q].mean_places;
    }
    int gi = 0;
    for (int b = 0; b < o->nby; b++)
        for (int g = 0; g < w->gs[b].n; g++, gi++) {
            gf[gi] = o->by[b];
            gv[gi] = w->gs[b].g[g].value;
            for (int q = 0; q < c->npairs; q++)
                digest(&w->gs[b].g[g].st[q], &c->pairs[q], &gd[gi * c->npairs + q]);
        }
    cmp_view v = {pol_policy_name(c->pol[0]), pol_policy_name(c->pol[1]), o->old_path, o->new_path,
                  o->run.input ? o->run.input : "<stdin>", w->records, w->rejected, c->npairs, on, nn, places, ng,
                  gf, gv, all, gd};
    int rc = 0;
    if (!o->run.quiet || (!o->summary && !o->report && !o->run.output))
        write_text(&v, o->run.output && !strcmp(o->run.output, "-") ? stderr : stdout);
    if (o->summary) {
        sc_buf b;
        sc_buf_init(&b);
        if (cli_ends_with(o->summary, ".csv"))
            write_csv(&v, &b);
        else
            write_json(&v, &b);
        rc = write_file(o->summary, &b, &v);
        sc_buf_clear(&b);
    }
    if (o->report && !rc)
        rc = write_file(o->report, NULL, &v);
    free(all);
    free(gd);
    free(gf);
    free(gv);
    free(on);
    free(nn);
    free(places);
    return rc;
}

static void write_csv_header(const cmp *c, sink *k)
{
    sc_buf h;
    sc_buf_init(&h);
    sc_buf_puts(&h, "line");
    if (c->o->run.keys)
        batch_keys_put_csv_header(c->o->run.keys, &h);
    for (int q = 0; q < c->npairs; q++)
        for (int s = 0; s < 3; s++) {
            static const char *suf[] = {".old", ".new", ".change"};
            sc_buf b2;
            sc_buf_init(&b2);
            sc_buf_printf(&b2, "%s%s", c->pairs[q].name[0], suf[s]);
            sc_buf_putc(&h, ',');
            sc_buf_csv_field(&h, b2.data, b2.len);
            sc_buf_clear(&b2);
        }
    sc_buf_puts(&h, ",error\n");
    chunk tmp = {.out = h};
    sink_chunk(k, &tmp);
    sc_buf_clear(&h);
}

static int fmt_of(const char *name, int given)
{
    if (given >= 0)
        return given;
    return name && cli_ends_with(name, ".csv") ? SC_FMT_CSV : SC_FMT_JSONL;
}

int compare_run(const cmp_opts *o, pol_policy *oldp, pol_policy *newp)
{
    cmp c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.pol[0] = oldp;
    c.pol[1] = newp;
    c.p[0] = pol_policy_program(oldp);
    c.p[1] = pol_policy_program(newp);
    int rc = find_pairs(&c);
    if (!rc)
        rc = check_by(&c);
    if (rc) {
        free(c.pairs);
        return rc;
    }
    const char *inname = o->run.input && strcmp(o->run.input, "-") ? o->run.input : NULL;
    FILE *in = inname ? fopen(inname, "rb") : stdin;
    if (!in) {
        pol_tr_fprintf(stderr, "polrun: %s: %s\n", inname, strerror(errno));
        free(c.pairs);
        return CLI_NOINPUT;
    }
    if (cli_not_a_directory("polrun", in, inname ? inname : "<stdin>")) {
        if (in != stdin)
            fclose(in);
        free(c.pairs);
        return CLI_NOINPUT;
    }
    /* the per-record differences go to -o, or to stdout when no summary file or report is asked for */
    const char *outname = o->run.output && strcmp(o->run.output, "-") ? o->run.output : NULL;
    FILE *out = NULL;
    if (outname && !(out = fopen(outname, "wb"))) {
        pol_tr_fprintf(stderr, "polrun: cannot write %s: %s\n", outname, strerror(errno));
        if (in != stdin)
            fclose(in);
        free(c.pairs);
        return CLI_CANTCREAT;
    }
    if (!outname && o->run.output)
        out = stdout;
    c.in_fmt = (sc_format)fmt_of(o->run.input, o->run.in_fmt);
    c.out_fmt = (sc_format)fmt_of(o->run.output, o->run.out_fmt);
    int nw = o->run.jobs > 0 ? o->run.jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    nw = nw < 1 ? 1 : nw > 64 ? 64 : nw;
    c.nchunks = nw == 1 ? 1 : 2 * nw + 2;
    c.chunks = pol_xcalloc((size_t)c.nchunks, sizeof *c.chunks);
    for (int i = 0; i < c.nchunks; i++) {
        sc_buf_init(&c.chunks[i].text);
        sc_buf_init(&c.chunks[i].out);
        c.chunks[i].slots = pol_xcalloc(CHUNK_RECORDS, sizeof *c.chunks[i].slots);
    }
    cworker *ws = pol_xcalloc((size_t)nw, sizeof *ws);
    for (int i = 0; i < nw; i++) {
        ws[i].c = &c;
        for (int s = 0; s < 2; s++) {
            ws[i].ev[s] = pol_eval_new(c.pol[s]);
            pol_eval_set_step_limit(ws[i].ev[s], o->run.max_steps);
            for (int k = 0; k < FIELD_CACHE; k++)
                ws[i].field_input[s][k] = -2;
        }
        sc_record_init(&ws[i].rec);
        if (o->run.keys)
            batch_key_at_none(o->run.keys, &ws[i].kat);
        ws[i].all = pol_xcalloc((size_t)c.npairs, sizeof(stat));
        for (int q = 0; q < c.npairs; q++)
            stat_init(&ws[i].all[q], HIST_MAX);
        ws[i].gs = pol_xcalloc((size_t)o->nby + 1, sizeof(groupset));
        dec_init(&ws[i].chg);
    }
    sc_record header;
    sc_record_init(&header);
    c.csv_header = &header;
    reading rd = {sc_reader_new(in, c.in_fmt, o->run.max_record), &header, inname ? inname : "<stdin>",
                  c.in_fmt != SC_FMT_CSV, false, false};
    if (!rd.rd)
        pol_oom();
    sink k = {out, true, 0};
    if (out && c.out_fmt == SC_FMT_CSV)
        write_csv_header(&c, &k);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = run_pool(&c, ws, nw, &rd, &k);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    errno = 0;
    if (out && k.ok && (fflush(out) != 0 || ferror(out))) {
        k.ok = false;
        k.err = errno;
    }
    if (out && out != stdout && fclose(out) != 0 && k.ok) {
        k.ok = false;
        k.err = errno;
    }
    if (!k.ok)
        rc = rc ? rc : cli_write_error("polrun", outname, k.err);
    bool read_error = ferror(in) != 0;
    if (read_error)
        pol_tr_fprintf(stderr, "polrun: %s: read error on input\n", rd.name);
    if (!rc) {
        merge_workers(&c, ws, nw);
        rc = write_summaries(&c, &ws[0]);
        long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec); /* not an amount */
        if (!o->run.quiet)
            pol_tr_fprintf(stderr, "polrun: %ld records, %ld rejected, %ld with an error on either side, %lld.%03lld s, %lld records/s\n",
                    ws[0].records, ws[0].rejected, ws[0].failed, ns / 1000000000LL, (ns / 1000000LL) % 1000,
                    ns > 0 ? (long long)ws[0].records * 1000000000LL / ns : 0LL); /* not an amount */
    }
    long rejected = ws[0].rejected, failed = ws[0].failed;
    cworkers_free(&c, ws, nw);
    sc_reader_free(rd.rd);
    sc_record_clear(&header);
    for (int i = 0; i < c.nchunks; i++) {
        sc_buf_clear(&c.chunks[i].text);
        sc_buf_clear(&c.chunks[i].out);
        free(c.chunks[i].slots);
    }
    free(c.chunks);
    free(c.pairs);
    if (in != stdin)
        fclose(in);
    if (rc)
        return rc;
    if (read_error)
        return CLI_NOINPUT;
    return rd.header_bad || rejected || failed ? CLI_FAILED : 0;
}
