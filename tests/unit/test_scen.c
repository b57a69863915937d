/* test_scen.c -- unit tests for runtime/scen.c (scenario input and output). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scen.h"

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */

static size_t off_of(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    ck_assert_msg(p != NULL, "'%s' not in '%s'", needle, hay);
    return (size_t)(p - hay);
}

static const sc_field *find(const sc_record *r, const char *name)
{
    for (int i = 0; i < r->count; i++)
        if (r->fields[i].name_len == strlen(name) &&
            memcmp(r->fields[i].name, name, r->fields[i].name_len) == 0)
            return &r->fields[i];
    return NULL;
}

static void check_field(const sc_record *r, int idx, const char *name,
                        scv_kind kind, const char *text, size_t offset)
{
    ck_assert_int_lt(idx, r->count);
    const sc_field *f = &r->fields[idx];
    ck_assert_uint_eq(f->name_len, strlen(name));
    ck_assert_mem_eq(f->name, name, f->name_len);
    ck_assert_int_eq(f->kind, kind);
    ck_assert_uint_eq(f->len, strlen(text));
    ck_assert_mem_eq(f->text, text, f->len);
    ck_assert_uint_eq(f->offset, offset);
}

static void parse_ok(sc_record *r, const char *json)
{
    sc_error e = {0, "", ""};
    int rc = sc_parse_json_object(r, json, strlen(json), &e);
    ck_assert_msg(rc == 0, "parse of '%s' failed at %zu: %s", json, e.offset, e.msg);
}

/* Parses text[0..len) expecting failure with the given offset and message
 * (exact, or a prefix when the expected message ends in '*'). */
static void expect_json_error(const char *text, size_t len, size_t offset,
                              const char *msg)
{
    sc_record r;
    sc_error e = {12345, "unset", ""};
    sc_record_init(&r);
    int rc = sc_parse_json_object(&r, text, len, &e);
    ck_assert_msg(rc == -1, "'%.*s' parsed but should not", (int)len, text);
    ck_assert_int_eq(r.count, 0);
    size_t ml = strlen(msg);
    if (ml && msg[ml - 1] == '*')
        ck_assert_msg(strncmp(e.msg, msg, ml - 1) == 0, "'%.*s': message '%s', expected '%s'",
                      (int)len, text, e.msg, msg);
    else
        ck_assert_msg(strcmp(e.msg, msg) == 0, "'%.*s': message '%s', expected '%s'",
                      (int)len, text, e.msg, msg);
    ck_assert_msg(e.offset == offset, "'%.*s' (%s): offset %zu, expected %zu",
                  (int)len, text, e.msg, e.offset, offset);
    sc_record_clear(&r);
}

static void expect_jerr(const char *text, size_t offset, const char *msg)
{
    expect_json_error(text, strlen(text), offset, msg);
}

/* A reader over a copy of s[0..n) (so NUL bytes and big inputs work). */
typedef struct mem_in {
    char *data;
    FILE *f;
    sc_reader *r;
} mem_in;

static void mem_open(mem_in *m, const char *s, size_t n, sc_format fmt, size_t max)
{
    m->data = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(m->data);
    memcpy(m->data, s, n);
    m->f = fmemopen(m->data, n, "r");
    ck_assert_ptr_nonnull(m->f);
    m->r = sc_reader_new(m->f, fmt, max);
    ck_assert_ptr_nonnull(m->r);
}

static void mem_close(mem_in *m)
{
    sc_reader_free(m->r);
    fclose(m->f);
    free(m->data);
}

static void expect_rec(mem_in *m, const char *text, size_t len, long line)
{
    const char *t;
    size_t l;
    long ln = -1;
    sc_error e = {0, "", ""};
    sc_rec_status st = sc_reader_next(m->r, &t, &l, &ln, &e);
    ck_assert_msg(st == SC_REC_OK, "expected a record at line %ld, got status %d (%s)",
                  line, (int)st, e.msg);
    ck_assert_int_eq(ln, line);
    ck_assert_uint_eq(l, len);
    ck_assert_mem_eq(t, text, len);
}

static void expect_rec_str(mem_in *m, const char *text, long line)
{
    expect_rec(m, text, strlen(text), line);
}

static void expect_bad(mem_in *m, long line, size_t offset, const char *msg)
{
    const char *t;
    size_t l;
    long ln = -1;
    sc_error e = {999, "", ""};
    sc_rec_status st = sc_reader_next(m->r, &t, &l, &ln, &e);
    ck_assert_msg(st == SC_REC_BAD, "expected a bad record at line %ld, got status %d",
                  line, (int)st);
    ck_assert_int_eq(ln, line);
    size_t ml = strlen(msg);
    if (ml && msg[ml - 1] == '*')
        ck_assert_msg(strncmp(e.msg, msg, ml - 1) == 0, "message '%s', expected '%s'", e.msg, msg);
    else
        ck_assert_str_eq(e.msg, msg);
    ck_assert_uint_eq(e.offset, offset);
}

static void expect_eof(mem_in *m)
{
    const char *t;
    size_t l;
    long ln;
    sc_error e;
    ck_assert_int_eq(sc_reader_next(m->r, &t, &l, &ln, &e), SC_REC_EOF);
    ck_assert_int_eq(sc_reader_next(m->r, &t, &l, &ln, &e), SC_REC_EOF);
}

/* ------------------------------------------------------------------------ */
/* JSON objects                                                             */

START_TEST(json_chinese_fields)
{
    const char *j = "{\"缴费日期\": \"2025-09-30\", \"缴费基数\": 4416, "
                    "\"比例\":-0.05,\"在职\" : true, \"备注\": null, \"退休\": false}";
    sc_record r;
    sc_record_init(&r);
    parse_ok(&r, j);
    ck_assert_int_eq(r.count, 6);
    check_field(&r, 0, "缴费日期", SCV_STRING, "2025-09-30", off_of(j, "\"2025"));
    check_field(&r, 1, "缴费基数", SCV_NUMBER, "4416", off_of(j, "4416"));
    check_field(&r, 2, "比例", SCV_NUMBER, "-0.05", off_of(j, "-0.05"));
    check_field(&r, 3, "在职", SCV_TRUE, "true", off_of(j, "true"));
    check_field(&r, 4, "备注", SCV_NULL, "null", off_of(j, "null"));
    check_field(&r, 5, "退休", SCV_FALSE, "false", off_of(j, "false"));
    /* decoded strings are NUL-terminated copies */
    ck_assert_str_eq(r.fields[0].text, "2025-09-30");
    ck_assert_str_eq(find(&r, "比例")->text, "-0.05");
    sc_record_clear(&r);
}
END_TEST

/* The eight-bytes-at-a-time scans (scan_string, check_text) jump straight to
 * the first byte that stops them: at every offset in a word, the string ends
 * where it should, and a NUL or a bad byte is reported where it is. */
START_TEST(json_word_scan_offsets)
{
    for (int k = 0; k < 24; k++) {
        char text[96], want[40];
        memset(want, 'x', (size_t)k);
        want[k] = '\0';
        for (int checked = 0; checked < 2; checked++) {
            /* a plain string, then one with a Chinese character after k bytes */
            for (int cjk = 0; cjk < 2; cjk++) {
                int n = snprintf(text, sizeof text, "{\"a\":\"%s%s\",\"b\":1}", want, cjk ? "中" : "");
                sc_record r;
                sc_error e = {0, "", ""};
                sc_record_init(&r);
                int rc = checked ? sc_parse_json_object_checked(&r, text, (size_t)n, &e)
                                 : sc_parse_json_object(&r, text, (size_t)n, &e);
                ck_assert_msg(rc == 0, "k=%d: %s", k, e.msg);
                ck_assert_int_eq(r.count, 2);
                ck_assert_uint_eq(r.fields[0].len, (size_t)k + (cjk ? 3 : 0));
                ck_assert_int_eq(strncmp(r.fields[0].text, want, (size_t)k), 0);
                ck_assert_str_eq(r.fields[1].text, "1");
                sc_record_clear(&r);
            }
        }
        /* a NUL, then a byte that is not UTF-8, after k bytes of the string */
        int n = snprintf(text, sizeof text, "{\"a\":\"%sQ\"}", want);
        text[6 + k] = '\0';
        expect_json_error(text, (size_t)n, (size_t)(6 + k), "NUL byte in the record");
        text[6 + k] = '\xff';
        expect_json_error(text, (size_t)n, (size_t)(6 + k), "invalid UTF-8 byte 0xff*");
    }
}
END_TEST

START_TEST(json_numbers_as_text)
{
    static const char *nums[] = {"4416", "-0.05", "1e3", "220.80", "0", "-0", "1E+10",
                                 "2.5e-3", "0.000", "-12.5E07",
                                 "123456789012345678901234567890.000000000000000000001"};
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
        char j[200];
        snprintf(j, sizeof j, "{ \"v\" : %s }", nums[k]);
        sc_record r;
        sc_record_init(&r);
        parse_ok(&r, j);
        ck_assert_int_eq(r.count, 1);
        check_field(&r, 0, "v", SCV_NUMBER, nums[k], 8);
        sc_record_clear(&r);
    }
}
END_TEST

START_TEST(json_empty_and_whitespace)
{
    sc_record r;
    sc_record_init(&r);
    parse_ok(&r, " \t\r\n{ \n } \r\n");
    ck_assert_int_eq(r.count, 0);
    parse_ok(&r, "{}");
    ck_assert_int_eq(r.count, 0);
    parse_ok(&r, "{\"\":1}"); /* an empty key is valid JSON */
    check_field(&r, 0, "", SCV_NUMBER, "1", 4);
    sc_record_clear(&r);
}
END_TEST

START_TEST(json_escapes)
{
    const char *j = "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u4E2D\\u0000x\", "
                    "\"\\u7f34\\u8d39\":\"a\\u002Cb\"}";
    static const char want[] = "\"\\/\b\f\n\r\tA\xC3\xA9\xE4\xB8\xAD\0x";
    sc_record r;
    sc_record_init(&r);
    parse_ok(&r, j);
    ck_assert_int_eq(r.count, 2);
    ck_assert_int_eq(r.fields[0].kind, SCV_STRING);
    ck_assert_uint_eq(r.fields[0].len, sizeof want - 1);
    ck_assert_mem_eq(r.fields[0].text, want, sizeof want - 1);
    ck_assert_uint_eq(r.fields[0].offset, 5);
    check_field(&r, 1, "缴费", SCV_STRING, "a,b", off_of(j, "\"a\\u002C"));
    sc_record_clear(&r);
}
END_TEST

START_TEST(json_surrogate_pairs)
{
    sc_record r;
    sc_record_init(&r);
    const char *j = "{\"e\":\"\\ud83d\\ude00\",\"g\":\"x\\uD834\\uDD1Ey\",\"m\":\"\\uFFFF\\u0800\\u07FF\"}";
    parse_ok(&r, j);
    check_field(&r, 0, "e", SCV_STRING, "\xF0\x9F\x98\x80", 5);
    check_field(&r, 1, "g", SCV_STRING, "x\xF0\x9D\x84\x9Ey", 24);
    check_field(&r, 2, "m", SCV_STRING, "\xEF\xBF\xBF\xE0\xA0\x80\xDF\xBF", off_of(j, "\"\\uFFFF"));
    /* raw 4-byte UTF-8 is fine too */
    parse_ok(&r, "{\"e\":\"\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\"}");
    check_field(&r, 0, "e", SCV_STRING, "\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF", 5);
    sc_record_clear(&r);
}
END_TEST

START_TEST(json_lone_surrogates)
{
    expect_jerr("{\"a\":\"\\ud800\"}", 6, "lone surrogate \\uD800 (a high surrogate must be followed by a low one)");
    expect_jerr("{\"a\":\"x\\ud800y\"}", 7, "lone surrogate \\uD800*");
    expect_jerr("{\"a\":\"\\ud800\\u0041\"}", 6, "lone surrogate \\uD800*");
    expect_jerr("{\"a\":\"\\uDBFF\\uD800\"}", 6, "lone surrogate \\uDBFF*");
    expect_jerr("{\"a\":\"\\udc00\"}", 6, "lone surrogate \\uDC00 (a low surrogate without a high one)");
    expect_jerr("{\"\\udfff\":1}", 2, "lone surrogate \\uDFFF*");
}
END_TEST

START_TEST(json_nested_raw)
{
    const char *j = "{\"a\": [1, {\"b\": [2, 3]}, \"s]\"], \"o\" :{\"x\":[ ],\"y\":{}, \"z\":{\"q\":null}},"
                    "\"e\":[],\"z\":\"end\"}";
    sc_record r;
    sc_record_init(&r);
    parse_ok(&r, j);
    ck_assert_int_eq(r.count, 4);
    check_field(&r, 0, "a", SCV_ARRAY, "[1, {\"b\": [2, 3]}, \"s]\"]", off_of(j, "[1,"));
    check_field(&r, 1, "o", SCV_OBJECT, "{\"x\":[ ],\"y\":{}, \"z\":{\"q\":null}}", off_of(j, "{\"x\""));
    check_field(&r, 2, "e", SCV_ARRAY, "[]", off_of(j, "[]"));
    check_field(&r, 3, "z", SCV_STRING, "end", off_of(j, "\"end\""));
    /* the raw text of a nested object parses as a record itself */
    sc_record sub;
    sc_record_init(&sub);
    char *copy = strndup(r.fields[1].text, r.fields[1].len);
    parse_ok(&sub, copy);
    ck_assert_int_eq(sub.count, 3);
    check_field(&sub, 2, "z", SCV_OBJECT, "{\"q\":null}", off_of(copy, "{\"q\""));
    free(copy);
    sc_record_clear(&sub);
    sc_record_clear(&r);
}
END_TEST

START_TEST(json_nested_errors)
{
    expect_jerr("{\"a\":[1,2}", 9, "expected ',' or ']' in array, found '}'");
    expect_jerr("{\"a\":[1,]}", 8, "expected a value, found ']'");
    expect_jerr("{\"a\":{\"b\" 1}}", 10, "expected ':' after an object key, found '1'");
    expect_jerr("{\"a\":{1:2}}", 6, "expected a string key or '}' in object, found '1'");
    expect_jerr("{\"a\":{\"b\":1,}}", 12, "expected a string key after ',' in object, found '}'");
    expect_jerr("{\"a\":{\"b\":1 \"c\":2}}", 12, "expected ',' or '}' in object, found '\"'");
    expect_jerr("{\"a\":[01]}", 6, "leading zeros are not allowed in numbers");
    expect_jerr("{\"a\":[\"x\ty\"]}", 8, "unescaped control character 0x09 in string");
    expect_jerr("{\"a\":[tru]}", 6, "invalid literal (expected true, false or null)");
    expect_jerr("{\"a\":[\"\xff\"]}", 7, "invalid UTF-8 byte 0xff*");
    expect_jerr("{\"a\":[1,[2,[3]]", 15, "expected ',' or ']' in array, found end of input");
    expect_jerr("{\"a\":[\"abc]}", 6, "unterminated string");
}
END_TEST

typedef struct pay_ctx {
    int calls;
    int indexes[8];
    char months[8][16];
    char amounts[8][16];
    size_t elem_off[8];
    const char *base;
    int fail_at;
} pay_ctx;

static int pay_cb(void *vctx, int index, const char *elem, size_t elem_len, sc_error *err)
{
    pay_ctx *c = vctx;
    if (index == c->fail_at) {
        err->offset = (size_t)(elem - c->base);
        snprintf(err->msg, sizeof err->msg, "callback refused element %d", index);
        return 1;
    }
    sc_record r;
    sc_record_init(&r);
    sc_error e;
    ck_assert_int_eq(sc_parse_json_object(&r, elem, elem_len, &e), 0);
    const sc_field *m = find(&r, "month"), *a = find(&r, "amount");
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_lt(c->calls, 8);
    c->indexes[c->calls] = index;
    snprintf(c->months[c->calls], 16, "%.*s", (int)m->len, m->text);
    snprintf(c->amounts[c->calls], 16, "%.*s", (int)a->len, a->text);
    c->elem_off[c->calls] = (size_t)(elem - c->base);
    c->calls++;
    sc_record_clear(&r);
    return 0;
}

START_TEST(json_array_each_payments)
{
    const char *j = "{\"姓名\":\"张三\",\"payments\": [ {\"month\":\"2025-01\",\"amount\":\"4416\"},\n"
                    "  {\"month\":\"2025-02\", \"amount\": 220.80} ,{\"amount\":-0.05,\"month\":\"2025-03\"}]}";
    sc_record r;
    sc_record_init(&r);
    parse_ok(&r, j);
    const sc_field *p = find(&r, "payments");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(p->kind, SCV_ARRAY);
    ck_assert_uint_eq(p->offset, off_of(j, "[ {"));

    pay_ctx c;
    memset(&c, 0, sizeof c);
    c.base = p->text;
    c.fail_at = -1;
    sc_error e = {0, "", ""};
    ck_assert_int_eq(sc_json_array_each(p->text, p->len, pay_cb, &c, &e), 0);
    ck_assert_int_eq(c.calls, 3);
    for (int k = 0; k < 3; k++)
        ck_assert_int_eq(c.indexes[k], k);
    ck_assert_str_eq(c.months[0], "2025-01");
    ck_assert_str_eq(c.amounts[0], "4416");
    ck_assert_str_eq(c.months[1], "2025-02");
    ck_assert_str_eq(c.amounts[1], "220.80");
    ck_assert_str_eq(c.months[2], "2025-03");
    ck_assert_str_eq(c.amounts[2], "-0.05");
    ck_assert_uint_eq(c.elem_off[0], 2);
    ck_assert_uint_eq(c.elem_off[1], off_of(p->text, "{\"month\":\"2025-02\""));

    /* a refusing callback stops the walk and its error is passed on */
    memset(&c, 0, sizeof c);
    c.base = p->text;
    c.fail_at = 1;
    ck_assert_int_eq(sc_json_array_each(p->text, p->len, pay_cb, &c, &e), -1);
    ck_assert_int_eq(c.calls, 1);
    ck_assert_str_eq(e.msg, "callback refused element 1");
    ck_assert_uint_eq(e.offset, off_of(p->text, "{\"month\":\"2025-02\""));
    sc_record_clear(&r);
}
END_TEST

typedef struct vals_ctx {
    int calls, fail_at;
    scv_kind kinds[8];
    char texts[8][32];
} vals_ctx;

static int vals_cb(void *vctx, int index, scv_kind kind, const char *text, size_t len, sc_error *err)
{
    vals_ctx *c = vctx;
    if (index == c->fail_at) {
        snprintf(err->msg, sizeof err->msg, "callback refused element %d", index);
        return -1;
    }
    c->kinds[c->calls] = kind;
    snprintf(c->texts[c->calls], 32, "%.*s", (int)len, text);
    c->calls++;
    return 0;
}

START_TEST(json_array_values)
{
    const char *j = " [ 4416, \"220.80\" ,\"2025-01-\\u0031\", true, null, {\"a\": [1]}, -0.5e1 ] ";
    vals_ctx c;
    memset(&c, 0, sizeof c);
    c.fail_at = -1;
    sc_error e = {0, "", ""};
    ck_assert_int_eq(sc_json_array_values(j, strlen(j), vals_cb, &c, &e), 0);
    ck_assert_int_eq(c.calls, 7);
    ck_assert_int_eq(c.kinds[0], SCV_NUMBER);
    ck_assert_str_eq(c.texts[0], "4416");
    ck_assert_int_eq(c.kinds[1], SCV_STRING);
    ck_assert_str_eq(c.texts[1], "220.80");
    ck_assert_str_eq(c.texts[2], "2025-01-1"); /* decoded */
    ck_assert_int_eq(c.kinds[3], SCV_TRUE);
    ck_assert_int_eq(c.kinds[4], SCV_NULL);
    ck_assert_int_eq(c.kinds[5], SCV_OBJECT);
    ck_assert_str_eq(c.texts[5], "{\"a\": [1]}");
    ck_assert_str_eq(c.texts[6], "-0.5e1"); /* a number exactly as written */

    memset(&c, 0, sizeof c);
    c.fail_at = 1;
    ck_assert_int_eq(sc_json_array_values(j, strlen(j), vals_cb, &c, &e), -1);
    ck_assert_int_eq(c.calls, 1);
    ck_assert_str_eq(e.msg, "callback refused element 1");

    /* a syntax error anywhere: fn is not called at all */
    const char *bad = "[1, 2, x]";
    memset(&c, 0, sizeof c);
    c.fail_at = -1;
    ck_assert_int_eq(sc_json_array_values(bad, strlen(bad), vals_cb, &c, &e), -1);
    ck_assert_int_eq(c.calls, 0);
    ck_assert_str_eq(e.msg, "expected a value as element 2 of the array, found 'x'");
    ck_assert_uint_eq(e.offset, 7);
    const char *comma = "[1,]";
    ck_assert_int_eq(sc_json_array_values(comma, strlen(comma), vals_cb, &c, &e), -1);
    ck_assert_str_eq(e.msg, "expected a value as element 1 of the array, found ']'");
    const char *obj = "{}";
    ck_assert_int_eq(sc_json_array_values(obj, strlen(obj), vals_cb, &c, &e), -1);
    ck_assert_str_eq(e.msg, "expected a JSON array, found an object");
    const char *trail = "[1] 2";
    ck_assert_int_eq(sc_json_array_values(trail, strlen(trail), vals_cb, &c, &e), -1);
    ck_assert_str_eq(e.msg, "trailing data after the array");
    const char *empty = "[]";
    ck_assert_int_eq(sc_json_array_values(empty, strlen(empty), vals_cb, &c, &e), 0);
    ck_assert_int_eq(c.calls, 0);
}
END_TEST

START_TEST(json_array_each_errors)
{
    pay_ctx c;
    memset(&c, 0, sizeof c);
    c.fail_at = -1;
    sc_error e = {0, "", ""};

    const char *empty = " [ ] ";
    ck_assert_int_eq(sc_json_array_each(empty, strlen(empty), pay_cb, &c, &e), 0);
    ck_assert_int_eq(c.calls, 0);

    /* an element that is not an object: fn is not called for any element */
    const char *t = "[{\"month\":\"2025-01\",\"amount\":1}, 2]";
    c.base = t;
    ck_assert_int_eq(sc_json_array_each(t, strlen(t), pay_cb, &c, &e), -1);
    ck_assert_int_eq(c.calls, 0);
    ck_assert_str_eq(e.msg, "expected an object as element 1 of the array, found a number");
    ck_assert_uint_eq(e.offset, off_of(t, " 2]") + 1);

    const char *o = "{\"a\":1}";
    ck_assert_int_eq(sc_json_array_each(o, strlen(o), pay_cb, &c, &e), -1);
    ck_assert_str_eq(e.msg, "expected a JSON array, found an object");
    ck_assert_uint_eq(e.offset, 0);

    const char *bad = "[{\"month\":\"x\",\"amount\":1} {}]";
    ck_assert_int_eq(sc_json_array_each(bad, strlen(bad), pay_cb, &c, &e), -1);
    ck_assert_str_eq(e.msg, "expected ',' or ']' after element 0 of the array, found '{'");
    ck_assert_uint_eq(e.offset, off_of(bad, " {}") + 1);

    const char *trail = "[] x";
    ck_assert_int_eq(sc_json_array_each(trail, strlen(trail), pay_cb, &c, &e), -1);
    ck_assert_str_eq(e.msg, "trailing data after the array");
    ck_assert_uint_eq(e.offset, 3);

    const char *none = "  ";
    ck_assert_int_eq(sc_json_array_each(none, strlen(none), pay_cb, &c, &e), -1);
    ck_assert_str_eq(e.msg, "expected a JSON array, found end of input");
    ck_assert_uint_eq(e.offset, 2);
    ck_assert_int_eq(c.calls, 0);
}
END_TEST

START_TEST(json_error_messages)
{
    expect_jerr("{\"base\" 4416}", 8, "expected ':' after key \"base\", found '4'");
    expect_jerr("{\"base\":1,\"base\":2}", 10, "duplicate key \"base\"");
    expect_jerr("{\"a\":1,\"\\u0061\":2}", 7, "duplicate key \"a\"");
    expect_jerr("{\"a\\\"b\":1,\"a\\\"b\":2}", 10, "duplicate key \"a\\\"b\"");
    expect_jerr("{\"缴费基数\":1,\"缴费基数\":2}", 18, "duplicate key \"缴费基数\"");
    expect_jerr("{\"base\":\"\xff\"}", 9, "invalid UTF-8 byte 0xff (above U+10FFFF)");
    expect_jerr("{\"base\":\"abc", 8, "unterminated string");
    expect_jerr("{\"base\":\"abc\\", 8, "unterminated string");
    expect_jerr("{\"base\":1} x", 11, "trailing data after the object");
    expect_jerr("{\"base\":1}{}", 10, "trailing data after the object");
    expect_jerr("[1,2]", 0, "expected a JSON object, found an array");
    expect_jerr("  \"x\"", 2, "expected a JSON object, found a string");
    expect_jerr("-3", 0, "expected a JSON object, found a number");
    expect_jerr("null", 0, "expected a JSON object, found null");
    expect_jerr("", 0, "expected a JSON object, found end of input");
    expect_jerr(" \t ", 3, "expected a JSON object, found end of input");
    expect_jerr("x", 0, "expected a JSON object, found 'x'");
    expect_jerr("\xff{}", 0, "invalid UTF-8 byte 0xff*");
    expect_jerr("{\"a\":\"x\ty\"}", 7, "unescaped control character 0x09 in string");
    expect_jerr("{\"a\":\"x\ny\"}", 7, "unescaped control character 0x0a in string");
    expect_jerr("{\"a\":01}", 5, "leading zeros are not allowed in numbers");
    expect_jerr("{\"a\":-012}", 5, "leading zeros are not allowed in numbers");
    expect_jerr("{\"a\":-}", 6, "expected a digit after '-', found '}'");
    expect_jerr("{\"a\":1.}", 7, "expected a digit after the decimal point, found '}'");
    expect_jerr("{\"a\":1e}", 7, "expected a digit in the exponent, found '}'");
    expect_jerr("{\"a\":1e+}", 8, "expected a digit in the exponent, found '}'");
    expect_jerr("{\"a\":.5}", 5, "expected a value for key \"a\", found '.'");
    expect_jerr("{\"a\":+1}", 5, "expected a value for key \"a\", found '+'");
    expect_jerr("{\"a\":1.5.3}", 8, "expected ',' or '}' after the value of \"a\", found '.'");
    expect_jerr("{\"a\":1 2}", 7, "expected ',' or '}' after the value of \"a\", found '2'");
    expect_jerr("{\"a\":\"\\x\"}", 6, "invalid escape '\\x' in string");
    expect_jerr("{\"a\":\"\\u12G4\"}", 6, "invalid \\u escape: expected four hex digits");
    expect_jerr("{\"a\":\"\\u12\"}", 6, "invalid \\u escape: expected four hex digits");
    expect_jerr("{\"a\":tru}", 5, "invalid literal for key \"a\" (expected true, false or null)");
    expect_jerr("{\"a\":nul", 5, "invalid literal for key \"a\" (expected true, false or null)");
    expect_jerr("{\"a\":True}", 5, "expected a value for key \"a\", found 'T'");
    expect_jerr("{\"a\":truex}", 9, "expected ',' or '}' after the value of \"a\", found 'x'");
    expect_jerr("{\"a\":1,}", 7, "expected a string key after ',', found '}'");
    expect_jerr("{a:1}", 1, "expected a string key or '}', found 'a'");
    expect_jerr("{", 1, "expected a string key or '}', found end of input");
    expect_jerr("{\"a\":1", 6, "expected ',' or '}' after the value of \"a\", found end of input");
    expect_jerr("{\"a\":", 5, "expected a value for key \"a\", found end of input");
    expect_jerr("{\"a\"", 4, "expected ':' after key \"a\", found end of input");
    expect_jerr("{\"a\":'x'}", 5, "expected a value for key \"a\", found '''");
    expect_jerr("{\"a\":\x01}", 5, "expected a value for key \"a\", found byte 0x01");
    expect_jerr("{\"a\":1,\"中\" 2}", 13, "expected ':' after key \"中\", found '2'");
    expect_jerr("{\"a\":1 \xe4\xb8\xad}", 7, "expected ',' or '}' after the value of \"a\", found '中'");
    expect_json_error("{\"a\":1\0}", 8, 6, "NUL byte in the record");
    expect_json_error("{\"a\":\"x\0\"}", 10, 7, "NUL byte in the record");
    /* malformed UTF-8, each kind */
    expect_jerr("{\"a\":\"\xc0\xaf\"}", 6, "invalid UTF-8 byte 0xc0 (overlong encoding)");
    expect_jerr("{\"a\":\"\xc1\xbf\"}", 6, "invalid UTF-8 byte 0xc1 (overlong encoding)");
    expect_jerr("{\"a\":\"\xe0\x80\xaf\"}", 6, "invalid UTF-8 byte 0xe0 (overlong encoding)");
    expect_jerr("{\"a\":\"\xf0\x80\x80\xaf\"}", 6, "invalid UTF-8 byte 0xf0 (overlong encoding)");
    expect_jerr("{\"a\":\"\xed\xa0\x80\"}", 6, "invalid UTF-8 byte 0xed (UTF-16 surrogate)");
    expect_jerr("{\"a\":\"\xf4\x90\x80\x80\"}", 6, "invalid UTF-8 byte 0xf4 (above U+10FFFF)");
    expect_jerr("{\"a\":\"\xf5\x80\x80\x80\"}", 6, "invalid UTF-8 byte 0xf5 (above U+10FFFF)");
    expect_jerr("{\"a\":\"\xe4\xb8\"}", 6, "invalid UTF-8 byte 0xe4 (truncated sequence)");
    expect_jerr("{\"a\":\"\xe4\"}", 6, "invalid UTF-8 byte 0xe4 (truncated sequence)");
    expect_jerr("{\"a\":\"x\x80\"}", 7, "invalid UTF-8 byte 0x80 (unexpected continuation byte)");
    expect_jerr("{\"a\":\"\xf0\x9f\x98\"}", 6, "invalid UTF-8 byte 0xf0 (truncated sequence)");
    expect_jerr("{\xff}", 1, "invalid UTF-8 byte 0xff*");
    expect_jerr("{\"a\":1}\xc3", 7, "invalid UTF-8 byte 0xc3 (truncated sequence)");
}
END_TEST

START_TEST(json_depth_limit)
{
    /* the record object is level 1, so 63 nested arrays reach level 64 */
    char buf[400];
    for (int levels = 63; levels <= 64; levels++) {
        size_t o = 0;
        o += (size_t)sprintf(buf + o, "{\"d\":");
        for (int k = 0; k < levels; k++)
            buf[o++] = k % 2 ? '[' : '[';
        for (int k = 0; k < levels; k++)
            buf[o++] = ']';
        buf[o++] = '}';
        buf[o] = '\0';
        sc_record r;
        sc_record_init(&r);
        sc_error e;
        int rc = sc_parse_json_object(&r, buf, o, &e);
        if (levels == 63) {
            ck_assert_int_eq(rc, 0);
            ck_assert_int_eq(r.fields[0].kind, SCV_ARRAY);
            ck_assert_uint_eq(r.fields[0].len, 126);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_str_eq(e.msg, "nesting deeper than 64 levels");
            ck_assert_uint_eq(e.offset, 5 + 63);
        }
        sc_record_clear(&r);
    }
    /* mixed objects and arrays, and a very deep input: no recursion */
    size_t n = 200000;
    char *deep = malloc(n * 2 + 16);
    size_t o = (size_t)sprintf(deep, "{\"d\":");
    for (size_t k = 0; k < n; k++)
        deep[o++] = '[';
    for (size_t k = 0; k < n; k++)
        deep[o++] = ']';
    deep[o++] = '}';
    sc_record r;
    sc_record_init(&r);
    sc_error e;
    ck_assert_int_eq(sc_parse_json_object(&r, deep, o, &e), -1);
    ck_assert_str_eq(e.msg, "nesting deeper than 64 levels");
    ck_assert_uint_eq(e.offset, 68);
    const char *mix = "{\"a\":{\"b\":[{\"c\":[[{\"d\":1}]]}]}}";
    parse_ok(&r, mix);
    check_field(&r, 0, "a", SCV_OBJECT, "{\"b\":[{\"c\":[[{\"d\":1}]]}]}", 5);
    sc_record_clear(&r);
    free(deep);
}
END_TEST

START_TEST(json_field_limit)
{
    size_t cap = 20 * (SC_MAX_FIELDS + 2) + 16;
    char *buf = malloc(cap);
    sc_record r;
    sc_record_init(&r);
    sc_error e;
    for (int total = SC_MAX_FIELDS; total <= SC_MAX_FIELDS + 1; total++) {
        size_t o = 0;
        size_t last_key = 0;
        buf[o++] = '{';
        for (int k = 0; k < total; k++) {
            if (k)
                buf[o++] = ',';
            last_key = o;
            o += (size_t)sprintf(buf + o, "\"k%d\":%d", k, k);
        }
        buf[o++] = '}';
        int rc = sc_parse_json_object(&r, buf, o, &e);
        if (total == SC_MAX_FIELDS) {
            ck_assert_int_eq(rc, 0);
            ck_assert_int_eq(r.count, SC_MAX_FIELDS);
            check_field(&r, 4095, "k4095", SCV_NUMBER, "4095", last_key + 8);
            ck_assert_str_eq(find(&r, "k1234")->text, "1234");
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_str_eq(e.msg, "more than 4096 fields in the record");
            ck_assert_uint_eq(e.offset, last_key);
        }
    }
    /* duplicates are found among many fields (hashed lookup) */
    size_t o = 0, dup_at = 0;
    buf[o++] = '{';
    for (int k = 0; k < 300; k++) {
        if (k)
            buf[o++] = ',';
        if (k == 299)
            dup_at = o;
        o += (size_t)sprintf(buf + o, "\"k%d\":%d", k == 299 ? 17 : k, k);
    }
    buf[o++] = '}';
    ck_assert_int_eq(sc_parse_json_object(&r, buf, o, &e), -1);
    ck_assert_str_eq(e.msg, "duplicate key \"k17\"");
    ck_assert_uint_eq(e.offset, dup_at);
    /* ... and just past the switch to hashing */
    for (int first = 0; first < 20; first++) {
        o = 0;
        buf[o++] = '{';
        for (int k = 0; k < 20; k++) {
            if (k)
                buf[o++] = ',';
            if (k == 19)
                dup_at = o;
            o += (size_t)sprintf(buf + o, "\"f%d\":0", k == 19 ? first : k);
        }
        buf[o++] = '}';
        int rc = sc_parse_json_object(&r, buf, o, &e);
        if (first == 19)
            ck_assert_int_eq(rc, 0);
        else {
            ck_assert_int_eq(rc, -1);
            ck_assert_uint_eq(e.offset, dup_at);
        }
    }
    sc_record_clear(&r);
    free(buf);
}
END_TEST

START_TEST(json_record_reuse)
{
    sc_record r;
    sc_record_init(&r);
    sc_error e;
    parse_ok(&r, "{\"a\":\"1\",\"b\":\"2\",\"c\":[1,2,3],\"d\":\"\\u4e2d\"}");
    ck_assert_int_eq(r.count, 4);
    ck_assert_int_eq(sc_parse_json_object(&r, "{\"x\":1,\"x\":2}", 13, &e), -1);
    ck_assert_int_eq(r.count, 0);
    parse_ok(&r, "{\"b\":\"q\"}");
    ck_assert_int_eq(r.count, 1);
    check_field(&r, 0, "b", SCV_STRING, "q", 5);
    ck_assert_ptr_null(find(&r, "a"));
    /* fields are copies: the source text may go away */
    char *src = strdup("{\"缴费基数\":\"4416.00\",\"n\":12,\"arr\":[{\"x\":1}]}");
    ck_assert_int_eq(sc_parse_json_object(&r, src, strlen(src), &e), 0);
    memset(src, 'Z', strlen(src));
    free(src);
    check_field(&r, 0, "缴费基数", SCV_STRING, "4416.00", 16);
    ck_assert_str_eq(r.fields[1].text, "12");
    ck_assert_str_eq(r.fields[2].text, "[{\"x\":1}]");
    sc_record_clear(&r);
    sc_record_clear(&r); /* clearing twice is harmless */
}
END_TEST

/* ------------------------------------------------------------------------ */
/* reader: JSON Lines                                                       */

START_TEST(reader_jsonl_blank_crlf_bom)
{
    const char in[] = "\xEF\xBB\xBF{\"a\":1}\r\n\n   \r\n{\"a\":\"二\"}\n\t\n{\"a\":3}\r\n";
    mem_in m;
    mem_open(&m, in, sizeof in - 1, SC_FMT_JSONL, 0);
    expect_rec_str(&m, "{\"a\":1}", 1);
    expect_rec_str(&m, "{\"a\":\"二\"}", 4);
    expect_rec_str(&m, "{\"a\":3}", 6);
    expect_eof(&m);
    mem_close(&m);
}
END_TEST

START_TEST(reader_bom_only_at_start)
{
    const char in[] = "{\"a\":1}\n\xEF\xBB\xBF{\"a\":2}\n";
    mem_in m;
    mem_open(&m, in, sizeof in - 1, SC_FMT_JSONL, 0);
    expect_rec_str(&m, "{\"a\":1}", 1);
    expect_rec_str(&m, "\xEF\xBB\xBF{\"a\":2}", 2);
    expect_eof(&m);
    mem_close(&m);

    /* the JSON parser then names the stray BOM */
    expect_jerr("\xEF\xBB\xBF{}", 0, "expected a JSON object, found '\xEF\xBB\xBF'");

    /* a BOM alone, and a partial BOM */
    mem_open(&m, "\xEF\xBB\xBF", 3, SC_FMT_JSONL, 0);
    expect_eof(&m);
    mem_close(&m);
    mem_open(&m, "\xEF\xBB", 2, SC_FMT_JSONL, 0);
    expect_bad(&m, 1, 0, "invalid UTF-8 byte 0xef (truncated sequence)");
    expect_eof(&m);
    mem_close(&m);
}
END_TEST

START_TEST(reader_nul_byte)
{
    const char in[] = "{\"a\":1}\n{\"a\":\0 2}\n{\"a\":3}\n";
    mem_in m;
    mem_open(&m, in, sizeof in - 1, SC_FMT_JSONL, 0);
    expect_rec_str(&m, "{\"a\":1}", 1);
    expect_bad(&m, 2, 5, "NUL byte in the record");
    expect_rec_str(&m, "{\"a\":3}", 3);
    expect_eof(&m);
    mem_close(&m);
}
END_TEST

START_TEST(reader_invalid_utf8)
{
    const char in[] = "{\"名\":\"张三\"}\n{\"a\":\"\xff\"}\n{\"a\":\"\xed\xa0\x80\"}\n{\"a\":\"\xc0\x80\"}\n{\"ok\":\"是\"}";
    mem_in m;
    mem_open(&m, in, sizeof in - 1, SC_FMT_JSONL, 0);
    expect_rec_str(&m, "{\"名\":\"张三\"}", 1);
    expect_bad(&m, 2, 6, "invalid UTF-8 byte 0xff (above U+10FFFF)");
    expect_bad(&m, 3, 6, "invalid UTF-8 byte 0xed (UTF-16 surrogate)");
    expect_bad(&m, 4, 6, "invalid UTF-8 byte 0xc0 (overlong encoding)");
    expect_rec_str(&m, "{\"ok\":\"是\"}", 5);
    expect_eof(&m);
    mem_close(&m);
}
END_TEST

/* The text of a record that is not UTF-8 is still given (to guess its
 * encoding); in raw mode it is a record; consumed counts what is returned. */
START_TEST(reader_raw_and_consumed)
{
    const char in[] = "\xb5\xb5\xb4\xce,x\n\xd5\xc5\n";
    mem_in m;
    mem_open(&m, in, sizeof in - 1, SC_FMT_CSV, 0);
    const char *t;
    size_t l;
    long ln;
    sc_error e;
    ck_assert_int_eq(sc_reader_next(m.r, &t, &l, &ln, &e), SC_REC_BAD);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(l, 6);
    ck_assert_mem_eq(t, "\xb5\xb5\xb4\xce,x", 6);
    ck_assert_uint_eq(sc_reader_consumed(m.r), 7);
    mem_close(&m);

    mem_open(&m, in, sizeof in - 1, SC_FMT_CSV, 0);
    sc_reader_raw(m.r);
    expect_rec(&m, "\xb5\xb5\xb4\xce,x", 6, 1);
    expect_rec(&m, "\xd5\xc5", 2, 2);
    expect_eof(&m);
    ck_assert_uint_eq(sc_reader_consumed(m.r), sizeof in - 1);
    ck_assert(!sc_reader_failed(m.r));
    mem_close(&m);
}
END_TEST

/* Prompt mode over a pipe: the first record comes back while the writer
 * still holds the pipe open (fread would wait for 256 KiB or EOF). */
START_TEST(reader_prompt_pipe)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    FILE *f = fdopen(fds[0], "r");
    ck_assert_ptr_nonnull(f);
    sc_reader *r = sc_reader_new(f, SC_FMT_JSONL, 0);
    sc_reader_prompt(r);
    ck_assert_int_eq(write(fds[1], "{\"a\":1}\n{\"b\"", 12), 12);
    alarm(10); /* a reader that waits for more fails by the signal */
    const char *t;
    size_t l;
    long ln;
    sc_error e;
    ck_assert_int_eq(sc_reader_next(r, &t, &l, &ln, &e), SC_REC_OK);
    ck_assert_uint_eq(l, 7);
    ck_assert_mem_eq(t, "{\"a\":1}", 7);
    ck_assert_int_eq(write(fds[1], ":2}\n", 4), 4);
    ck_assert_int_eq(sc_reader_next(r, &t, &l, &ln, &e), SC_REC_OK);
    ck_assert_mem_eq(t, "{\"b\":2}", 7);
    close(fds[1]);
    ck_assert_int_eq(sc_reader_next(r, &t, &l, &ln, &e), SC_REC_EOF);
    alarm(0);
    ck_assert_uint_eq(sc_reader_consumed(r), 16);
    sc_reader_free(r);
    fclose(f);
}
END_TEST

START_TEST(reader_huge_record)
{
    const size_t limit = (size_t)1 << 20;
    const size_t huge = (size_t)2 << 20;
    size_t cap = 2 * huge + 3 * limit + 200;
    char *in = malloc(cap);
    size_t o = 0;
    o += (size_t)sprintf(in + o, "{\"a\":1}\n");                    /* line 1 */
    memcpy(in + o, "{\"s\":\"", 6);                                 /* line 2: 2 MiB */
    memset(in + o + 6, 'x', huge - 8);
    memcpy(in + o + huge - 2, "\"}", 2);
    o += huge;
    in[o++] = '\n';
    o += (size_t)sprintf(in + o, "\n{\"a\":3}\n");                  /* line 3 blank, 4 */
    size_t exact_at = o;                                            /* line 5: exactly 1 MiB */
    memset(in + o, ' ', limit);
    in[o] = '{';
    in[o + limit - 1] = '}';
    o += limit;
    in[o++] = '\r';
    in[o++] = '\n';
    memset(in + o, ' ', limit + 1);                                 /* line 6: 1 MiB + 1 */
    in[o] = '{';
    in[o + limit] = '}';
    o += limit + 1;
    in[o++] = '\n';
    o += (size_t)sprintf(in + o, "{\"a\":7}\n");                    /* line 7 */
    memset(in + o, 'y', huge);                                      /* line 8: 2 MiB, no newline */
    o += huge;

    mem_in m;
    mem_open(&m, in, o, SC_FMT_JSONL, limit);
    expect_rec_str(&m, "{\"a\":1}", 1);
    expect_bad(&m, 2, 0, "record longer than 1048576 bytes");
    expect_rec_str(&m, "{\"a\":3}", 4);
    expect_rec(&m, in + exact_at, limit, 5);
    expect_bad(&m, 6, 0, "record longer than 1048576 bytes");
    expect_rec_str(&m, "{\"a\":7}", 7);
    expect_bad(&m, 8, 0, "record longer than 1048576 bytes");
    expect_eof(&m);
    mem_close(&m);
    free(in);
}
END_TEST

START_TEST(reader_small_limit)
{
    const char in[] = "0123456789\n"                       /* 10 bytes      */
                      "0123456789012345678901234567890\n"  /* 31 bytes: bad */
                      "0123456789abcdef\r\n"               /* 16 bytes      */
                      "0123456789abcdefg\n"                /* 17 bytes: bad */
                      "last";
    mem_in m;
    mem_open(&m, in, sizeof in - 1, SC_FMT_JSONL, 16);
    expect_rec_str(&m, "0123456789", 1);
    expect_bad(&m, 2, 0, "record longer than 16 bytes");
    expect_rec_str(&m, "0123456789abcdef", 3);
    expect_bad(&m, 4, 0, "record longer than 16 bytes");
    expect_rec_str(&m, "last", 5);
    expect_eof(&m);
    mem_close(&m);
}
END_TEST

START_TEST(reader_truncated_last_line)
{
    const char in[] = "{\"a\":1}\n{\"a\":2";
    mem_in m;
    mem_open(&m, in, sizeof in - 1, SC_FMT_JSONL, 0);
    expect_rec_str(&m, "{\"a\":1}", 1);
    expect_rec_str(&m, "{\"a\":2", 2);
    expect_eof(&m);
    mem_close(&m);
    expect_jerr("{\"a\":2", 6, "expected ',' or '}' after the value of \"a\", found end of input");

    const char in2[] = "{\"a\":1}\r\n{\"b\":2}\r";
    mem_open(&m, in2, sizeof in2 - 1, SC_FMT_JSONL, 0);
    expect_rec_str(&m, "{\"a\":1}", 1);
    expect_rec_str(&m, "{\"b\":2}", 2);
    expect_eof(&m);
    mem_close(&m);
}
END_TEST

START_TEST(reader_empty_input)
{
    mem_in m;
    mem_open(&m, "", 0, SC_FMT_JSONL, 0);
    expect_eof(&m);
    mem_close(&m);
    mem_open(&m, "\n\r\n  \t \n", 8, SC_FMT_JSONL, 0);
    expect_eof(&m);
    mem_close(&m);
    mem_open(&m, "", 0, SC_FMT_CSV, 0);
    expect_eof(&m);
    mem_close(&m);
}
END_TEST

START_TEST(reader_many_records)
{
    /* enough records of varied length to cross many buffer refills */
    const int count = 150000;
    size_t cap = (size_t)count * 64;
    char *in = malloc(cap);
    size_t o = 0;
    for (int k = 0; k < count; k++) {
        o += (size_t)sprintf(in + o, "{\"i\":%d,\"pad\":\"%.*s\"}%s", k, k % 23,
                             "abcdefghijklmnopqrstuvwxyz", k % 3 ? "\n" : "\r\n");
        if (k % 1000 == 999)
            in[o++] = '\n'; /* a blank line now and then */
    }
    mem_in m;
    mem_open(&m, in, o, SC_FMT_JSONL, 0);
    sc_record r;
    sc_record_init(&r);
    long expect_line = 1;
    for (int k = 0; k < count; k++) {
        const char *t;
        size_t l;
        long ln;
        sc_error e;
        ck_assert_int_eq(sc_reader_next(m.r, &t, &l, &ln, &e), SC_REC_OK);
        ck_assert_int_eq(ln, expect_line);
        ck_assert_int_eq(sc_parse_json_object(&r, t, l, &e), 0);
        ck_assert_int_eq(atoi(r.fields[0].text), k);
        ck_assert_uint_eq(r.fields[1].len, (size_t)(k % 23));
        expect_line += (k % 1000 == 999) ? 2 : 1;
    }
    expect_eof(&m);
    mem_close(&m);
    sc_record_clear(&r);
    free(in);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* reader and parser: CSV                                                   */

START_TEST(csv_reader_and_parse)
{
    const char in[] = "\xEF\xBB\xBF姓名,缴费基数,备注,日期\r\n"
                      "张三,4416,\"a, b\",2025-09-30\r\n"
                      "李四,220.80,\"line1\nline2\r\nline3\",\r\n"
                      "\r\n"
                      "王五,,\"say \"\"hi\"\"\",\"\"\n"
                      "赵六,-0.05,x,y";
    mem_in m;
    mem_open(&m, in, sizeof in - 1, SC_FMT_CSV, 0);
    sc_record h, r;
    sc_record_init(&h);
    sc_record_init(&r);
    sc_error e;
    const char *t;
    size_t l;
    long ln;

    ck_assert_int_eq(sc_reader_next(m.r, &t, &l, &ln, &e), SC_REC_OK);
    ck_assert_int_eq(ln, 1);
    ck_assert_int_eq(sc_parse_csv_header(&h, t, l, &e), 0);
    ck_assert_int_eq(h.count, 4);
    check_field(&h, 0, "姓名", SCV_CSV, "姓名", 0);
    check_field(&h, 3, "日期", SCV_CSV, "日期", off_of(t, "日期"));

    ck_assert_int_eq(sc_reader_next(m.r, &t, &l, &ln, &e), SC_REC_OK);
    ck_assert_int_eq(ln, 2);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, t, l, &e), 0);
    ck_assert_int_eq(r.count, 4);
    check_field(&r, 0, "姓名", SCV_CSV, "张三", 0);
    check_field(&r, 1, "缴费基数", SCV_CSV, "4416", 7);
    check_field(&r, 2, "备注", SCV_CSV, "a, b", 12);
    check_field(&r, 3, "日期", SCV_CSV, "2025-09-30", 19);

    ck_assert_int_eq(sc_reader_next(m.r, &t, &l, &ln, &e), SC_REC_OK);
    ck_assert_int_eq(ln, 3);
    ck_assert_uint_eq(l, strlen("李四,220.80,\"line1\nline2\r\nline3\","));
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, t, l, &e), 0);
    check_field(&r, 2, "备注", SCV_CSV, "line1\nline2\r\nline3", 14);
    check_field(&r, 3, "日期", SCV_NULL, "", l);

    ck_assert_int_eq(sc_reader_next(m.r, &t, &l, &ln, &e), SC_REC_OK);
    ck_assert_int_eq(ln, 7); /* lines 3-5 were one record, line 6 is empty */
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, t, l, &e), 0);
    check_field(&r, 0, "姓名", SCV_CSV, "王五", 0);
    check_field(&r, 1, "缴费基数", SCV_NULL, "", 7);
    check_field(&r, 2, "备注", SCV_CSV, "say \"hi\"", 8);
    check_field(&r, 3, "日期", SCV_CSV, "", l - 2);

    ck_assert_int_eq(sc_reader_next(m.r, &t, &l, &ln, &e), SC_REC_OK);
    ck_assert_int_eq(ln, 8);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, t, l, &e), 0);
    check_field(&r, 1, "缴费基数", SCV_CSV, "-0.05", 7);
    check_field(&r, 3, "日期", SCV_CSV, "y", l - 1);
    expect_eof(&m);
    mem_close(&m);
    sc_record_clear(&r);
    sc_record_clear(&h);
}
END_TEST

START_TEST(csv_reader_bad_records)
{
    const char in[] = "a,b\n1,\"x\0y\"\n2,\"\xfe\"\n3,\"open\n4,5\n";
    mem_in m;
    mem_open(&m, in, sizeof in - 1, SC_FMT_CSV, 0);
    expect_rec_str(&m, "a,b", 1);
    expect_bad(&m, 2, 4, "NUL byte in the record");
    expect_bad(&m, 3, 3, "invalid UTF-8 byte 0xfe*");
    expect_bad(&m, 4, 0, "unterminated quoted field at end of input");
    expect_eof(&m);
    mem_close(&m);

    /* a long quoted record is skipped as a whole, newlines included */
    const char in2[] = "a,b\n1,\"0123456789\n0123456789\n0123456789\"\n2,3\n";
    mem_open(&m, in2, sizeof in2 - 1, SC_FMT_CSV, 20);
    expect_rec_str(&m, "a,b", 1);
    expect_bad(&m, 2, 0, "record longer than 20 bytes");
    expect_rec_str(&m, "2,3", 5);
    expect_eof(&m);
    mem_close(&m);

    /* a huge quoted record (commas, quotes, newlines) skipped across many
     * buffer refills without keeping it: the quote state carries over */
    size_t n = 3u << 20, o = 0;
    char *in3 = malloc(n + 64);
    o += (size_t)sprintf(in3, "a,b\n1,\"");
    long nl = 0;
    while (o < n) {
        const char *piece = (o / 7) % 5 == 0 ? "x\n" : (o / 7) % 5 == 1 ? "\"\"" : "y,";
        size_t pl = strlen(piece);
        memcpy(in3 + o, piece, pl);
        o += pl;
        nl += piece[0] == 'x';
    }
    o += (size_t)sprintf(in3 + o, "\"\n2,\"z\"\n");
    mem_open(&m, in3, o, SC_FMT_CSV, 1000);
    expect_rec_str(&m, "a,b", 1);
    expect_bad(&m, 2, 0, "record longer than 1000 bytes");
    expect_rec_str(&m, "2,\"z\"", 3 + nl);
    expect_eof(&m);
    mem_close(&m);
    free(in3);
}
END_TEST

START_TEST(csv_field_count_and_cells)
{
    sc_record h, r;
    sc_record_init(&h);
    sc_record_init(&r);
    sc_error e;
    ck_assert_int_eq(sc_parse_csv_header(&h, "a,b,c,d", 7, &e), 0);
    ck_assert_int_eq(h.count, 4);

    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "1,2,3", 5, &e), -1);
    ck_assert_str_eq(e.msg, "record has 3 fields, header has 4");
    ck_assert_uint_eq(e.offset, 5);
    ck_assert_int_eq(r.count, 0);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "1,2,3,4,5,6", 11, &e), -1);
    ck_assert_str_eq(e.msg, "record has 6 fields, header has 4");
    ck_assert_uint_eq(e.offset, 8);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "x", 1, &e), -1);
    ck_assert_str_eq(e.msg, "record has 1 field, header has 4");

    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "1,,\"\",", 6, &e), 0);
    ck_assert_int_eq(r.count, 4);
    check_field(&r, 0, "a", SCV_CSV, "1", 0);
    check_field(&r, 1, "b", SCV_NULL, "", 2);
    check_field(&r, 2, "c", SCV_CSV, "", 3);
    check_field(&r, 3, "d", SCV_NULL, "", 6);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, ",,,", 3, &e), 0);
    for (int k = 0; k < 4; k++)
        ck_assert_int_eq(r.fields[k].kind, SCV_NULL);
    /* spaces are data in CSV */
    const char *sp = " 1 ,\" 2\",3 ,\"\"\"\"";
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, sp, strlen(sp), &e), 0);
    check_field(&r, 0, "a", SCV_CSV, " 1 ", 0);
    check_field(&r, 1, "b", SCV_CSV, " 2", 4);
    check_field(&r, 2, "c", SCV_CSV, "3 ", 9);
    check_field(&r, 3, "d", SCV_CSV, "\"", 12);
    sc_record_clear(&r);
    sc_record_clear(&h);
}
END_TEST

START_TEST(csv_syntax_errors)
{
    sc_record h, r;
    sc_record_init(&h);
    sc_record_init(&r);
    sc_error e;
    ck_assert_int_eq(sc_parse_csv_header(&h, "a,,b", 4, &e), -1);
    ck_assert_str_eq(e.msg, "header column 2 has an empty name");
    ck_assert_uint_eq(e.offset, 2);
    ck_assert_int_eq(h.count, 0);
    ck_assert_int_eq(sc_parse_csv_header(&h, "\"\"", 2, &e), -1);
    ck_assert_str_eq(e.msg, "header column 1 has an empty name");
    ck_assert_int_eq(sc_parse_csv_header(&h, "", 0, &e), -1);
    ck_assert_str_eq(e.msg, "header column 1 has an empty name");
    ck_assert_int_eq(sc_parse_csv_header(&h, "a,b,", 4, &e), -1);
    ck_assert_str_eq(e.msg, "header column 3 has an empty name");
    ck_assert_int_eq(sc_parse_csv_header(&h, "a,b,\"a\"", 7, &e), -1);
    ck_assert_str_eq(e.msg, "duplicate column name \"a\" in the header");
    ck_assert_uint_eq(e.offset, 4);
    ck_assert_int_eq(sc_parse_csv_header(&h, "\"a,b\",\"c\"\"d\",中", 16, &e), 0);
    ck_assert_int_eq(h.count, 3);
    check_field(&h, 0, "a,b", SCV_CSV, "a,b", 0);
    check_field(&h, 1, "c\"d", SCV_CSV, "c\"d", 6);
    check_field(&h, 2, "中", SCV_CSV, "中", 13);

    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "1,b\"c,3", 7, &e), -1);
    ck_assert_str_eq(e.msg, "quote inside an unquoted field (quote the whole field and double the quote)");
    ck_assert_uint_eq(e.offset, 3);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "\"a\"x,2,3", 8, &e), -1);
    ck_assert_str_eq(e.msg, "unexpected character after a closing quote (expected ',' or end of record)");
    ck_assert_uint_eq(e.offset, 3);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "1,\"abc,3", 8, &e), -1);
    ck_assert_str_eq(e.msg, "unterminated quoted field");
    ck_assert_uint_eq(e.offset, 2);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "1,a\rb,3", 7, &e), -1);
    ck_assert_str_eq(e.msg, "carriage return outside quotes");
    ck_assert_uint_eq(e.offset, 3);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "1,\xff,3", 5, &e), -1);
    ck_assert_str_eq(e.msg, "invalid UTF-8 byte 0xff (above U+10FFFF)");
    ck_assert_uint_eq(e.offset, 2);
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, "1,\0,3", 5, &e), -1);
    ck_assert_str_eq(e.msg, "NUL byte in the record");

    /* many columns: uniqueness is checked with the hash table */
    char buf[2000];
    size_t o = 0;
    for (int k = 0; k < 100; k++)
        o += (size_t)sprintf(buf + o, "%scol%d", k ? "," : "", k);
    ck_assert_int_eq(sc_parse_csv_header(&h, buf, o, &e), 0);
    ck_assert_int_eq(h.count, 100);
    o += (size_t)sprintf(buf + o, ",col42");
    ck_assert_int_eq(sc_parse_csv_header(&h, buf, o, &e), -1);
    ck_assert_str_eq(e.msg, "duplicate column name \"col42\" in the header");
    ck_assert_uint_eq(e.offset, o - 5);
    sc_record_clear(&r);
    sc_record_clear(&h);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* output                                                                   */

static void expect_json_out(const char *in, size_t n, const char *want)
{
    sc_buf b;
    sc_buf_init(&b);
    sc_buf_puts(&b, "x=");
    sc_buf_json_string(&b, in, n);
    ck_assert_uint_eq(b.len, strlen(want) + 2);
    ck_assert_mem_eq(b.data, "x=", 2);
    ck_assert_mem_eq(b.data + 2, want, strlen(want));
    sc_buf_clear(&b);
}

START_TEST(output_json_string)
{
    expect_json_out("plain", 5, "\"plain\"");
    expect_json_out("", 0, "\"\"");
    expect_json_out("缴费日期", strlen("缴费日期"), "\"缴费日期\"");
    expect_json_out("a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"");
    expect_json_out("\n\t\r\b\f\x01\x1f\x7f", 8, "\"\\n\\t\\r\\b\\f\\u0001\\u001f\x7f\"");
    expect_json_out("a\0b", 3, "\"a\\u0000b\"");
    expect_json_out("a\xff" "b", 3, "\"a\xEF\xBF\xBD" "b\"");
    expect_json_out("\xe4\xb8", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    expect_json_out("\xed\xa0\x80", 3, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    expect_json_out("\xc0\xaf中", 5, "\"\xEF\xBF\xBD\xEF\xBF\xBD中\"");
    expect_json_out("\xF0\x9F\x98\x80", 4, "\"\xF0\x9F\x98\x80\"");

    /* what is written reads back as the same string */
    const char *orig = "注意: \"引号\"\\ 与\n换行\t制表\x01 😀";
    sc_buf b;
    sc_buf_init(&b);
    sc_buf_puts(&b, "{\"k\":");
    sc_buf_json_string(&b, orig, strlen(orig));
    sc_buf_putc(&b, '}');
    sc_record r;
    sc_record_init(&r);
    parse_ok(&r, b.data);
    check_field(&r, 0, "k", SCV_STRING, orig, 5);
    sc_record_clear(&r);
    sc_buf_clear(&b);
}
END_TEST

static void expect_csv_out(const char *in, const char *want)
{
    sc_buf b;
    sc_buf_init(&b);
    sc_buf_csv_field(&b, in, strlen(in));
    ck_assert_uint_eq(b.len, strlen(want));
    if (b.len)
        ck_assert_mem_eq(b.data, want, b.len);
    sc_buf_clear(&b);
}

START_TEST(output_csv_field)
{
    expect_csv_out("abc", "abc");
    expect_csv_out("", "");
    expect_csv_out("中文 内容", "中文 内容");
    expect_csv_out("a,b", "\"a,b\"");
    expect_csv_out("say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_csv_out("\"", "\"\"\"\"");
    expect_csv_out("l1\nl2", "\"l1\nl2\"");
    expect_csv_out("l1\rl2", "\"l1\rl2\"");
    expect_csv_out(" lead", "\" lead\"");
    expect_csv_out("trail ", "\"trail \"");
    expect_csv_out("4416.00", "4416.00");

    /* a row written with it parses back to the same cells */
    const char *cells[] = {"张三", "a, b", "say \"hi\"", " x ", "l1\nl2", "-0.05"};
    sc_buf b;
    sc_buf_init(&b);
    sc_buf_puts(&b, "c0,c1,c2,c3,c4,c5");
    sc_record h, r;
    sc_record_init(&h);
    sc_record_init(&r);
    sc_error e;
    ck_assert_int_eq(sc_parse_csv_header(&h, b.data, b.len, &e), 0);
    sc_buf_reset(&b);
    for (int k = 0; k < 6; k++) {
        if (k)
            sc_buf_putc(&b, ',');
        sc_buf_csv_field(&b, cells[k], strlen(cells[k]));
    }
    ck_assert_int_eq(sc_parse_csv_record(&r, &h, b.data, b.len, &e), 0);
    for (int k = 0; k < 6; k++) {
        ck_assert_int_eq(r.fields[k].kind, SCV_CSV);
        ck_assert_str_eq(r.fields[k].text, cells[k]);
    }
    sc_record_clear(&r);
    sc_record_clear(&h);
    sc_buf_clear(&b);
}
END_TEST

START_TEST(output_buf_basics)
{
    sc_buf b;
    sc_buf_init(&b);
    ck_assert_uint_eq(b.len, 0);
    sc_buf_put(&b, "abc", 3);
    sc_buf_putc(&b, '-');
    sc_buf_puts(&b, "缴费");
    sc_buf_printf(&b, "|%d|%s|", 4416, "x");
    ck_assert_str_eq(b.data, "abc-缴费|4416|x|");
    ck_assert_uint_eq(b.len, strlen("abc-缴费|4416|x|"));
    char big[3000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sc_buf_printf(&b, "<%s>", big);
    ck_assert_uint_eq(b.len, strlen("abc-缴费|4416|x|") + 3001);
    ck_assert_int_eq(b.data[b.len - 1], '>');
    ck_assert_int_eq(b.data[b.len - 2], 'q');
    size_t cap = b.cap;
    sc_buf_reset(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, cap);
    for (int k = 0; k < 100000; k++)
        sc_buf_putc(&b, (char)('a' + k % 26));
    ck_assert_uint_eq(b.len, 100000);
    ck_assert_int_eq(b.data[99999], 'a' + 99999 % 26);
    sc_buf_put(&b, NULL, 0);
    ck_assert_uint_eq(b.len, 100000);
    sc_buf_clear(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.cap, 0);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *scen_suite(void)
{
    Suite *s = suite_create("scen");
    TCase *j = tcase_create("json");
    tcase_add_test(j, json_chinese_fields);
    tcase_add_test(j, json_word_scan_offsets);
    tcase_add_test(j, json_numbers_as_text);
    tcase_add_test(j, json_empty_and_whitespace);
    tcase_add_test(j, json_escapes);
    tcase_add_test(j, json_surrogate_pairs);
    tcase_add_test(j, json_lone_surrogates);
    tcase_add_test(j, json_nested_raw);
    tcase_add_test(j, json_nested_errors);
    tcase_add_test(j, json_array_each_payments);
    tcase_add_test(j, json_array_each_errors);
    tcase_add_test(j, json_array_values);
    tcase_add_test(j, json_error_messages);
    tcase_add_test(j, json_depth_limit);
    tcase_add_test(j, json_field_limit);
    tcase_add_test(j, json_record_reuse);
    suite_add_tcase(s, j);

    TCase *rd = tcase_create("reader");
    tcase_set_timeout(rd, 60);
    tcase_add_test(rd, reader_jsonl_blank_crlf_bom);
    tcase_add_test(rd, reader_bom_only_at_start);
    tcase_add_test(rd, reader_nul_byte);
    tcase_add_test(rd, reader_invalid_utf8);
    tcase_add_test(rd, reader_raw_and_consumed);
    tcase_add_test(rd, reader_prompt_pipe);
    tcase_add_test(rd, reader_huge_record);
    tcase_add_test(rd, reader_small_limit);
    tcase_add_test(rd, reader_truncated_last_line);
    tcase_add_test(rd, reader_empty_input);
    tcase_add_test(rd, reader_many_records);
    suite_add_tcase(s, rd);

    TCase *c = tcase_create("csv");
    tcase_add_test(c, csv_reader_and_parse);
    tcase_add_test(c, csv_reader_bad_records);
    tcase_add_test(c, csv_field_count_and_cells);
    tcase_add_test(c, csv_syntax_errors);
    suite_add_tcase(s, c);

    TCase *o = tcase_create("output");
    tcase_add_test(o, output_json_string);
    tcase_add_test(o, output_csv_field);
    tcase_add_test(o, output_buf_basics);
    suite_add_tcase(s, o);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(scen_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
