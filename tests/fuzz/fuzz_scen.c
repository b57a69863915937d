/* fuzz_scen.c -- the scenario readers on arbitrary bytes.
 *
 * The first byte picks options (a small or the default record limit, whether
 * unknown fields are allowed); the rest is the data, read five ways:
 *   1. sc_reader in JSON Lines mode over fmemopen'd bytes, each record parsed
 *      with sc_parse_json_object and evaluated against a policy with an input
 *      of every type;
 *   2. sc_reader in CSV mode: the first record is the header
 *      (sc_parse_csv_header), each later one a record (sc_parse_csv_record),
 *      evaluated the same way;
 *   3. the whole text as one object (sc_parse_json_object);
 *   4. the whole text as an array of objects (sc_json_array_each);
 *   5. the text up to the first newline as a CSV header, the rest as one
 *      CSV record.
 * Each record the reader passed is parsed again by the _checked parser, which
 * must find the same fields or the same error.
 * Invariants: every error has a message and an offset inside the text, the
 * reader's line numbers increase, and it reaches EOF in at most one call per
 * byte.
 */
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "fuzz_util.h"

static const char policy_src[] =
    "policy \"fuzz\" { region \"x\" }\n"
    "enum tier (rate: rate, acct: boolean) { low = (6%, false)  high = (9%, true) }\n"
    "input m: money in 0..100000\n"
    "input r: rate\n"
    "input n: integer in 1..12\n"
    "input k: integer\n"
    "input x: decimal\n"
    "input d: date\n"
    "input mo: month\n"
    "input b: boolean\n"
    "input t: text\n"
    "input e: tier\n"
    "param base: money cite \"1\" { ..2025-09-30 = 4416 cite \"1\"  2025-10-01..2025-12-31 = 4504 cite \"2\" }\n"
    "output o1: money = round(base[d] * r, 2) cite \"1\"\n"
    "output o2: money = if b then m * n else m / n cite \"1\"\n"
    "output o3: decimal = round(x / 3, 4, half_even) cite \"1\"\n"
    "output o4: boolean = mo > 2025-01 and t != \"\" and e.acct cite \"1\"\n"
    "output o5: date = add_months(d, k) cite \"1\"\n"
    "output o6: month = mo + k cite \"1\"\n"
    "output o7: date = if d > date(2025, 1, 1) then first_day(mo) else last_day(month_of(d)) cite \"1\"\n"
    "output o7b: integer = months(mo, month_of(d)) cite \"1\"\n"
    "output o8: money = sum(i in mo..month_of(d): m * e.rate) cite \"1\"\n"
    "record pay (on: date, from: month, to: month, amt: money)\n"
    "input ps: list of pay\n"
    "rule paid(i: month): boolean = any(q in ps: q.from <= i and i <= q.to) cite \"1\"\n"
    "output o9: money = sum(q in ps: q.amt) cite \"1\"\n"
    "output o10: integer = count(i in mo..month_of(d): paid(i)) cite \"1\"\n"
    "output o11: boolean = all(q in ps: q.on >= d or q.from <= mo) cite \"1\"\n"
    "input ams: list of money\n"
    "input ds: list of date\n"
    "output o12: money = sum(a in ams: a) + max(a in ams: a otherwise 0元) cite \"1\"\n"
    "output o13: list of month = list(q in ds where q >= d: month_of(q)) cite \"1\"\n";

static pol_policy *fuzz_policy(void)
{
    static pol_policy *pol;
    if (pol)
        return pol;
    diag_ctx d;
    diag_init(&d);
    src_file *src = NULL;
    bc_program *p = pol_compile("fuzz.pol", policy_src, sizeof policy_src - 1, &d, &src);
    if (!p) {
        diag_print(&d, stderr, false);
        fz_fail("the harness's policy does not compile");
    }
    diag_free(&d);
    src_free(src);
    char err[600];
    pol = pol_policy_adopt(p, err, sizeof err);
    if (!pol)
        fz_fail("the harness's policy does not verify: %s", err);
    return pol;
}

typedef struct ctx {
    pol_eval *ev;
    sc_record rec, again; /* again: the same record by the _checked parser */
    sc_buf out;
    bool allow_extra;
} ctx;

static void check_err(const sc_error *e, size_t len, const char *where)
{
    if (!e->msg[0])
        fz_fail("%s failed without a message", where);
    if (e->offset > len)
        fz_fail("%s: error offset %zu beyond the text (%zu bytes): %s", where, e->offset, len, e->msg);
}

static void use_record(ctx *c)
{
    for (int i = 0; i < c->rec.count; i++) {
        const sc_field *f = &c->rec.fields[i];
        sc_buf_json_string(&c->out, f->name, f->name_len);
        sc_buf_csv_field(&c->out, f->text ? f->text : "", f->text ? f->len : 0);
    }
    pol_error err;
    pol_eval_begin(c->ev);
    if (pol_eval_set_record(c->ev, &c->rec, c->allow_extra, &err) == 0 && pol_eval_run(c->ev, &err) == 0)
        pol_eval_outputs_json_buf(c->ev, &c->out);
    else if (!err.msg[0])
        fz_fail("a scenario failed without a message");
    sc_buf_reset(&c->out);
}

/* A record the reader passed is checked UTF-8: the _checked parsers, which
 * skip that check, must find exactly what the full ones found. */
static void same_as_checked(ctx *c, int rc, const sc_error *err, const sc_record *header, const char *t, size_t len,
                            sc_format fmt)
{
    sc_error e2;
    memset(&e2, 0, sizeof e2);
    int rc2 = fmt == SC_FMT_CSV ? sc_parse_csv_record_checked(&c->again, header, t, len, &e2)
                                : sc_parse_json_object_checked(&c->again, t, len, &e2);
    if (rc2 != rc)
        fz_fail("the checked parser returned %d, the full one %d", rc2, rc);
    if (rc != 0) {
        if (e2.offset != err->offset || strcmp(e2.msg, err->msg) != 0)
            fz_fail("the checked parser's error differs: %zu %s / %zu %s", e2.offset, e2.msg, err->offset, err->msg);
        return;
    }
    if (c->again.count != c->rec.count)
        fz_fail("the checked parser found %d fields, the full one %d", c->again.count, c->rec.count);
    for (int k = 0; k < c->rec.count; k++) {
        const sc_field *a = &c->rec.fields[k], *b = &c->again.fields[k];
        if (a->kind != b->kind || a->name_len != b->name_len || a->len != b->len || a->offset != b->offset ||
            memcmp(a->name, b->name, a->name_len) != 0 || (a->len && memcmp(a->text, b->text, a->len) != 0))
            fz_fail("field %d differs between the checked and the full parser", k);
    }
}

static void read_stream(ctx *c, const uint8_t *data, size_t size, sc_format fmt, size_t max_record)
{
    FILE *in = fmemopen((void *)data, size, "r"); /* glibc: size 0 is an empty stream */
    if (!in)
        fz_fail("fmemopen failed");
    sc_reader *rd = sc_reader_new(in, fmt, max_record);
    sc_record header;
    sc_record_init(&header);
    bool have_header = fmt != SC_FMT_CSV;
    long last = 0;
    size_t calls = 0;
    for (;;) {
        const char *t;
        size_t len;
        long line;
        sc_error err;
        memset(&err, 0, sizeof err);
        sc_rec_status st = sc_reader_next(rd, &t, &len, &line, &err);
        if (++calls > size + 2)
            fz_fail("the reader returned more records than there are bytes");
        if (st == SC_REC_EOF)
            break;
        if (line <= last)
            fz_fail("record line numbers do not increase: %ld after %ld", line, last);
        last = line;
        if (st == SC_REC_BAD) {
            if (!err.msg[0])
                fz_fail("a bad record without a reason");
            continue;
        }
        if (st != SC_REC_OK)
            fz_fail("the reader returned status %d", (int)st);
        if (len > (max_record ? max_record : SC_MAX_RECORD_DEFAULT))
            fz_fail("a record of %zu bytes passed a limit of %zu", len, max_record);
        int rc;
        if (!have_header) {
            have_header = true;
            rc = sc_parse_csv_header(&header, t, len, &err);
            if (rc != 0) {
                check_err(&err, len, "sc_parse_csv_header");
                break;
            }
            continue;
        }
        rc = fmt == SC_FMT_CSV ? sc_parse_csv_record(&c->rec, &header, t, len, &err)
                               : sc_parse_json_object(&c->rec, t, len, &err);
        same_as_checked(c, rc, &err, &header, t, len, fmt);
        if (rc != 0)
            check_err(&err, len, "record parser");
        else
            use_record(c);
    }
    sc_record_clear(&header);
    sc_reader_free(rd);
    fclose(in);
}

static int array_elem(void *vc, int index, const char *elem, size_t len, sc_error *err)
{
    ctx *c = vc;
    (void)index;
    if (sc_parse_json_object(&c->rec, elem, len, err) != 0)
        return -1;
    use_record(c);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t flags = data[0];
    data++;
    size--;
    size_t max_record = (flags & 1) ? 1 + (size_t)(flags >> 2) * 4 : 0;
    ctx c;
    c.ev = pol_eval_new(fuzz_policy());
    pol_eval_set_step_limit(c.ev, 100000);
    sc_record_init(&c.rec);
    sc_record_init(&c.again);
    sc_buf_init(&c.out);
    c.allow_extra = (flags & 2) != 0;

    read_stream(&c, data, size, SC_FMT_JSONL, max_record);
    read_stream(&c, data, size, SC_FMT_CSV, max_record);

    const char *text = (const char *)data;
    sc_error err;
    memset(&err, 0, sizeof err);
    if (sc_parse_json_object(&c.rec, text, size, &err) == 0)
        use_record(&c);
    else
        check_err(&err, size, "sc_parse_json_object");
    memset(&err, 0, sizeof err);
    if (sc_json_array_each(text, size, array_elem, &c, &err) != 0)
        check_err(&err, size, "sc_json_array_each");

    const char *nl = memchr(text, '\n', size);
    size_t hlen = nl ? (size_t)(nl - text) : size;
    sc_record header;
    sc_record_init(&header);
    memset(&err, 0, sizeof err);
    if (sc_parse_csv_header(&header, text, hlen, &err) == 0) {
        const char *rest = nl ? nl + 1 : text + size;
        size_t rlen = size - (size_t)(rest - text);
        memset(&err, 0, sizeof err);
        if (sc_parse_csv_record(&c.rec, &header, rest, rlen, &err) == 0)
            use_record(&c);
        else
            check_err(&err, rlen, "sc_parse_csv_record");
    } else {
        check_err(&err, hlen, "sc_parse_csv_header");
    }
    sc_record_clear(&header);

    sc_record_clear(&c.rec);
    sc_record_clear(&c.again);
    sc_buf_clear(&c.out);
    pol_eval_free(c.ev);
    return 0;
}
