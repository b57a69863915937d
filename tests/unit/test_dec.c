/* test_dec.c -- unit tests for runtime/dec.c (exact decimals).
 *
 * Every assertion compares a real value: results are formatted with
 * dec_format_exact() (or dec_format()) and compared as text, and the scale
 * and kind are checked where the contract fixes them.
 */
#include "dec.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

/* Exact text of d in one of a few rotating static buffers. */
static const char *S(const dec_t *d)
{
    static char bufs[4][4096];
    static int next;
    char *b = bufs[next++ % 4];
    int n = dec_format_exact(d, b, 4096);
    ck_assert_int_ge(n, 0);
    ck_assert_int_lt(n, 4096);
    ck_assert_uint_eq(strlen(b), (size_t)n);
    return b;
}

/* dec_format(d, places) in a rotating static buffer. */
static const char *F(const dec_t *d, int places)
{
    static char bufs[4][4096];
    static int next;
    char *b = bufs[next++ % 4];
    dec_status st = DEC_ESYNTAX;
    int n = dec_format(d, places, b, 4096, &st);
    ck_assert_int_eq(st, DEC_OK);
    ck_assert_int_ge(n, 0);
    ck_assert_uint_eq(strlen(b), (size_t)n);
    return b;
}

static void P(dec_t *d, const char *s)
{
    dec_status st = dec_parse(d, s, strlen(s));
    ck_assert_msg(st == DEC_OK, "parse \"%s\": %s", s, dec_status_text(st));
}

/* A string of n copies of c followed by tail (static buffer). */
static const char *rep(char c, size_t n, const char *tail)
{
    static char buf[3][2048];
    static int next;
    char *b = buf[next++ % 3];
    ck_assert_uint_lt(n + strlen(tail), sizeof buf[0]);
    memset(b, c, n);
    strcpy(b + n, tail);
    return b;
}

/* The text of 10^e: "1000" for 3, "0.001" for -3 (static buffer). */
static const char *pow10_text(int e)
{
    static char buf[2][1024];
    static int next;
    char *b = buf[next++ % 2];
    ck_assert_int_lt(e < 0 ? -e : e, 1000);
    if (e >= 0) {
        b[0] = '1';
        memset(b + 1, '0', (size_t)e);
        b[e + 1] = '\0';
    } else {
        strcpy(b, "0.");
        memset(b + 2, '0', (size_t)(-e - 1));
        strcpy(b + 2 + (-e - 1), "1");
    }
    return b;
}

#define EXPECT(d, text) ck_assert_str_eq(S(d), (text))
#define OK(e) ck_assert_int_eq((e), DEC_OK)

typedef dec_status (*binop)(dec_t *, const dec_t *, const dec_t *);

/* Applies op to two literals and returns the exact text or "error: ...". */
static const char *calc(binop op, const char *x, const char *y)
{
    static char out[4][4096];
    static int next;
    char *b = out[next++ % 4];
    dec_t a, c, r;
    dec_init(&a);
    dec_init(&c);
    dec_init(&r);
    P(&a, x);
    P(&c, y);
    dec_status st = op(&r, &a, &c);
    if (st != DEC_OK) {
        snprintf(b, 4096, "error: %s", dec_status_text(st));
        ck_assert_int_eq(dec_sign(&r), 0);
        ck_assert(dec_is_finite(&r));
    } else {
        snprintf(b, 4096, "%s", S(&r));
    }
    dec_clear(&a);
    dec_clear(&c);
    dec_clear(&r);
    return b;
}

/* Rounds a literal; returns the text at the result's own scale. */
static const char *rnd(const char *x, int places, dec_mode m)
{
    static char out[4][4096];
    static int next;
    char *b = out[next++ % 4];
    dec_t a, r;
    dec_init(&a);
    dec_init(&r);
    P(&a, x);
    dec_status st = dec_round(&r, &a, places, m);
    if (st != DEC_OK) {
        snprintf(b, 4096, "error: %s", dec_status_text(st));
    } else {
        ck_assert_int_eq(r.scale, places > 0 ? places : 0);
        snprintf(b, 4096, "%s", F(&r, r.scale));
    }
    dec_clear(&a);
    dec_clear(&r);
    return b;
}

/* ---------------------------------------------------------------- parsing */

START_TEST(parse_valid)
{
    static const struct {
        const char *in, *exact;
        int scale;
    } cases[] = {
        {"4416", "4416", 0},
        {"-0.05", "-0.05", 2},
        {"220.80", "220.8", 2},
        {"5%", "0.05", 2},
        {"12.5%", "0.125", 3},
        {"-3%", "-0.03", 2},
        {"100%", "1", 2},
        {"1.5e3", "1500", 0},
        {"1.50e1", "15", 1},
        {"1E-3", "0.001", 3},
        {"2e+2", "200", 0},
        {"5e1%", "0.5", 1},
        {"+7", "7", 0},
        {".5", "0.5", 1},
        {"5.", "5", 0},
        {"5.%", "0.05", 2},
        {"007.50", "7.5", 2},
        {"0", "0", 0},
        {"-0", "0", 0},
        {"-0.00", "0", 2},
        {"0e5", "0", 0},
        {"1e0400", "(1e400, checked below)", 0},
        {"9223372036854775807", "9223372036854775807", 0},
        {"-9223372036854775807", "-9223372036854775807", 0},
        {"9223372036854775808", "9223372036854775808", 0},
        {"-9223372036854775808", "-9223372036854775808", 0},
        {"0.0000000000000000000000000000001", "0.0000000000000000000000000000001", 31},
    };
    dec_t d;
    dec_init(&d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        P(&d, cases[i].in);
        if (strcmp(cases[i].in, "1e0400") == 0) {
            char want[402];
            want[0] = '1';
            memset(want + 1, '0', 400);
            want[401] = '\0';
            ck_assert_str_eq(S(&d), want);
            ck_assert_int_eq(d.kind, DEC_K_BIG);
        } else {
            ck_assert_msg(strcmp(S(&d), cases[i].exact) == 0, "%s -> %s, want %s",
                          cases[i].in, S(&d), cases[i].exact);
        }
        ck_assert_msg(d.scale == cases[i].scale, "%s: scale %d, want %d", cases[i].in,
                      (int)d.scale, cases[i].scale);
    }
    /* the written scale survives formatting at that scale */
    P(&d, "220.80");
    ck_assert_str_eq(F(&d, d.scale), "220.80");
    ck_assert_int_eq(d.kind, DEC_K_SMALL);
    /* int64 boundary: 2^63-1 is SMALL, 2^63 BIG */
    P(&d, "9223372036854775807");
    ck_assert_int_eq(d.kind, DEC_K_SMALL);
    P(&d, "9223372036854775808");
    ck_assert_int_eq(d.kind, DEC_K_BIG);
    P(&d, "-9223372036854775808");
    ck_assert_int_eq(d.kind, DEC_K_BIG);
    /* exactly DEC_MAX_DIGITS significant digits, with leading zeros free */
    P(&d, rep('9', DEC_MAX_DIGITS, ""));
    ck_assert_str_eq(S(&d), rep('9', DEC_MAX_DIGITS, ""));
    P(&d, rep('0', 1000, "12.5"));
    ck_assert_str_eq(S(&d), "12.5");
    /* 1e-400 and 1e400 are at the edges */
    P(&d, "1e-400");
    ck_assert_int_eq(d.scale, 400);
    ck_assert_str_eq(S(&d), pow10_text(-400));
    P(&d, "1e-398%");
    ck_assert_int_eq(d.scale, 400);
    /* only the first n bytes are parsed */
    ck_assert_int_eq(dec_parse(&d, "12.34xyz", 4), DEC_OK);
    ck_assert_str_eq(S(&d), "12.3");
    dec_clear(&d);
}
END_TEST

START_TEST(parse_invalid)
{
    static const char *bad[] = {
        "",     "-",     "+",    ".",     "1..2", "1e",    "1e+",   "0x10", " 1",
        "1 ",   "1 000", "1,000", "nan",  "NaN",  "inf",   "-inf",  "%",    "5%%",
        "+-1",  "--1",   "e5",   ".e1",   "1.2.3", "1e5.5", "12a",  "%5",   "1_000",
        "-.",   "1ee5",  "5%1",  "\xef\xbc\x95", "1e-", "٣",
    };
    dec_t d;
    dec_init(&d);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        P(&d, "123456789012345678901234567890"); /* r holds a BIG first */
        ck_assert_int_eq(d.kind, DEC_K_BIG);
        dec_status st = dec_parse(&d, bad[i], strlen(bad[i]));
        ck_assert_msg(st == DEC_ESYNTAX, "\"%s\" gave %d", bad[i], (int)st);
        ck_assert_str_eq(S(&d), "0"); /* left 0 */
        ck_assert_int_eq(d.kind, DEC_K_SMALL);
    }
    /* an embedded NUL is just a bad character */
    ck_assert_int_eq(dec_parse(&d, "1\0002", 3), DEC_ESYNTAX);
    ck_assert_int_eq(dec_parse(&d, NULL, 0), DEC_ESYNTAX);
    ck_assert_int_eq(dec_parse(&d, "5", 0), DEC_ESYNTAX);
    dec_clear(&d);
}
END_TEST

START_TEST(parse_limits)
{
    dec_t d;
    dec_init(&d);
    const char *lim[] = {
        rep('9', DEC_MAX_DIGITS + 1, ""),      /* 401 significant digits */
        rep('1', DEC_MAX_DIGITS + 1, ".5"),
        "1e-401", "1e401", "1e-399%", "1e00001", "1e99999", "-1e10000",
        "0e-401", /* even zero may not ask for 401 places */
    };
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++) {
        P(&d, "123456789012345678901234567890.5");
        dec_status st = dec_parse(&d, lim[i], strlen(lim[i]));
        ck_assert_msg(st == DEC_ELIMIT, "\"%.40s\" gave %d", lim[i], (int)st);
        ck_assert_str_eq(S(&d), "0");
        ck_assert_int_eq(d.scale, 0);
    }
    /* 401 fractional digits */
    char s[420] = "0.";
    memset(s + 2, '0', 400);
    strcpy(s + 402, "1");
    ck_assert_int_eq(dec_parse(&d, s, strlen(s)), DEC_ELIMIT);
    /* a syntax error wins over a limit */
    const char *both = rep('9', 500, "x");
    ck_assert_int_eq(dec_parse(&d, both, strlen(both)), DEC_ESYNTAX);
    /* huge scale from a long run of fractional zeros */
    char *big = malloc(300002);
    ck_assert_ptr_nonnull(big);
    big[0] = '.';
    memset(big + 1, '0', 300000);
    big[300001] = '\0';
    ck_assert_int_eq(dec_parse(&d, big, strlen(big)), DEC_ELIMIT);
    free(big);
    /* largest accepted exponent in each direction */
    P(&d, "1e400");
    ck_assert_int_eq(d.kind, DEC_K_BIG);
    ck_assert_int_eq(d.scale, 0);
    P(&d, "9999e-400");
    ck_assert_int_eq(d.scale, 400);
    dec_clear(&d);
}
END_TEST

/* ---------------------------------------------------------------- formatting */

START_TEST(format_rules)
{
    dec_t d;
    dec_init(&d);
    P(&d, "2823.6");
    ck_assert_str_eq(F(&d, 2), "2823.60");
    ck_assert_str_eq(F(&d, 0), "2823.6");
    ck_assert_str_eq(F(&d, 4), "2823.6000");
    P(&d, "0.125");
    ck_assert_str_eq(F(&d, 2), "0.125"); /* never rounded */
    ck_assert_str_eq(F(&d, 0), "0.125");
    P(&d, "12");
    ck_assert_str_eq(F(&d, 0), "12");
    ck_assert_str_eq(F(&d, 2), "12.00");
    ck_assert_str_eq(F(&d, -5), "12");
    P(&d, "1.500");
    ck_assert_str_eq(F(&d, 0), "1.5");
    ck_assert_str_eq(F(&d, 3), "1.500");
    P(&d, "-0.5");
    ck_assert_str_eq(F(&d, 0), "-0.5");
    ck_assert_str_eq(F(&d, 3), "-0.500");
    P(&d, "-0.00");
    ck_assert_str_eq(F(&d, 0), "0");
    ck_assert_str_eq(F(&d, 2), "0.00");
    P(&d, "0.001");
    ck_assert_str_eq(F(&d, 1), "0.001");
    P(&d, "-1200");
    ck_assert_str_eq(F(&d, 0), "-1200");
    P(&d, "1e3");
    ck_assert_str_eq(F(&d, 1), "1000.0");
    P(&d, "-123456789012345678901234567890.120");
    ck_assert_int_eq(d.kind, DEC_K_BIG);
    ck_assert_str_eq(F(&d, 0), "-123456789012345678901234567890.12");
    ck_assert_str_eq(F(&d, 4), "-123456789012345678901234567890.1200");
    P(&d, "0.0000000000000000000000000000000012300");
    ck_assert_str_eq(F(&d, 0), "0.00000000000000000000000000000000123");
    /* the fixed-places path (scale <= places): every digit count */
    static const char *const counts[][2] = {
        {"9", "9.00"}, {"10", "10.00"}, {"99.9", "99.90"}, {"100", "100.00"}, {"-999", "-999.00"},
        {"1000", "1000.00"}, {"99999", "99999.00"}, {"100000.05", "100000.05"},
        {"999999999999999999", "999999999999999999.00"}, {"1000000000000000000", "1000000000000000000.00"},
        {"9223372036854775807", "9223372036854775807.00"}, {"-9223372036854775807", "-9223372036854775807.00"},
        {"0.000000000000000001", "0.000000000000000001"}, {"-92233720.36854775807", "-92233720.36854775807"},
    };
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        P(&d, counts[k][0]);
        ck_assert_str_eq(F(&d, 2), counts[k][1]);
    }
    P(&d, "5");
    ck_assert_str_eq(F(&d, 18), "5.000000000000000000");
    ck_assert_str_eq(F(&d, 19), "5.0000000000000000000");

    /* snprintf-like truncation and sizing */
    P(&d, "2823.6");
    char buf[8];
    ck_assert_int_eq(dec_format(&d, 2, NULL, 0, NULL), 7);
    memset(buf, 'x', sizeof buf);
    ck_assert_int_eq(dec_format(&d, 2, buf, 4, NULL), 7);
    ck_assert_str_eq(buf, "282");
    ck_assert_int_eq(buf[4], 'x');
    ck_assert_int_eq(dec_format(&d, 2, buf, 1, NULL), 7);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(dec_format(&d, 2, buf, 8, NULL), 7);
    ck_assert_str_eq(buf, "2823.60");
    ck_assert_int_eq(dec_format_exact(&d, buf, 3), 6);
    ck_assert_str_eq(buf, "28");

    /* rationals: no finite expansion, but an exact p/q */
    dec_t one, three;
    dec_init(&one);
    dec_init(&three);
    dec_set_i64(&one, -2);
    dec_set_i64(&three, 3);
    OK(dec_div(&d, &one, &three));
    dec_status st = DEC_OK;
    memset(buf, 'x', sizeof buf);
    ck_assert_int_eq(dec_format(&d, 2, buf, sizeof buf, &st), -1);
    ck_assert_int_eq(st, DEC_ENOTFINITE);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(dec_format(&d, 2, NULL, 0, NULL), -1);
    ck_assert_int_eq(dec_format_exact(&d, buf, sizeof buf), 4);
    ck_assert_str_eq(buf, "-2/3");
    ck_assert_int_eq(dec_format_exact(&d, buf, 3), 4);
    ck_assert_str_eq(buf, "-2");
    dec_clear(&one);
    dec_clear(&three);
    dec_clear(&d);
}
END_TEST

/* ---------------------------------------------------------------- arithmetic */

START_TEST(add_sub)
{
    ck_assert_str_eq(calc(dec_add, "1.5", "2.25"), "3.75");
    ck_assert_str_eq(calc(dec_add, "0.1", "0.2"), "0.3");
    ck_assert_str_eq(calc(dec_sub, "1.50", "0.5"), "1");
    ck_assert_str_eq(calc(dec_sub, "5", "7.125"), "-2.125");
    ck_assert_str_eq(calc(dec_add, "-0.05", "0.05"), "0");
    ck_assert_str_eq(calc(dec_add, "9223372036854775807", "1"), "9223372036854775808");
    ck_assert_str_eq(calc(dec_sub, "-9223372036854775807", "2"), "-9223372036854775809");
    ck_assert_str_eq(calc(dec_add, "92233720368547758.07", "0.01"), "92233720368547758.08");
    ck_assert_str_eq(calc(dec_add, "92233720368547758.07", "0.001"), "92233720368547758.071");
    ck_assert_str_eq(calc(dec_add, "123456789012345678901234567890", "0.000000000000000000001"),
                     "123456789012345678901234567890.000000000000000000001");
    ck_assert_str_eq(calc(dec_sub, "123456789012345678901234567890", "123456789012345678901234567889"),
                     "1");

    /* scale = max of the scales, also when the sum is zero */
    dec_t a, b, r;
    dec_init(&a);
    dec_init(&b);
    dec_init(&r);
    P(&a, "1.50");
    P(&b, "0.5");
    OK(dec_sub(&r, &a, &b));
    ck_assert_int_eq(r.scale, 2);
    ck_assert_str_eq(F(&r, r.scale), "1.00");
    OK(dec_sub(&r, &a, &a));
    ck_assert_int_eq(r.scale, 2);
    ck_assert_str_eq(F(&r, r.scale), "0.00");

    /* over into BIG and back to SMALL */
    P(&a, "9223372036854775807");
    dec_set_i64(&b, 1);
    OK(dec_add(&r, &a, &b));
    ck_assert_int_eq(r.kind, DEC_K_BIG);
    EXPECT(&r, "9223372036854775808");
    OK(dec_sub(&r, &r, &b));
    ck_assert_int_eq(r.kind, DEC_K_SMALL);
    EXPECT(&r, "9223372036854775807");
    /* -2^63 is kept BIG so that negation never overflows */
    P(&a, "-9223372036854775807");
    OK(dec_sub(&r, &a, &b));
    EXPECT(&r, "-9223372036854775808");
    ck_assert_int_eq(r.kind, DEC_K_BIG);
    dec_neg(&r, &r);
    EXPECT(&r, "9223372036854775808");
    /* rescaling overflow: 9e18 at scale 0 plus 0.1 */
    P(&a, "9000000000000000000");
    P(&b, "0.1");
    OK(dec_add(&r, &a, &b));
    EXPECT(&r, "9000000000000000000.1");
    ck_assert_int_eq(r.scale, 1);
    OK(dec_sub(&r, &r, &a));
    EXPECT(&r, "0.1");
    ck_assert_int_eq(r.kind, DEC_K_SMALL);
    /* 1 + 1e-400 keeps all 400 places */
    P(&a, "1");
    P(&b, "1e-400");
    OK(dec_add(&r, &a, &b));
    ck_assert_int_eq(r.scale, 400);
    char want[410] = "1.";
    memset(want + 2, '0', 399);
    strcpy(want + 401, "1");
    EXPECT(&r, want);
    dec_clear(&a);
    dec_clear(&b);
    dec_clear(&r);
}
END_TEST

START_TEST(multiply)
{
    ck_assert_str_eq(calc(dec_mul, "1.5", "2.25"), "3.375");
    ck_assert_str_eq(calc(dec_mul, "-0.1", "0.1"), "-0.01");
    ck_assert_str_eq(calc(dec_mul, "0", "-5.5"), "0");
    ck_assert_str_eq(calc(dec_mul, "4294967296", "4294967296"), "18446744073709551616");
    ck_assert_str_eq(calc(dec_mul, "-3037000500", "3037000500"), "-9223372037000250000");
    ck_assert_str_eq(calc(dec_mul, "3037000499", "3037000499"), "9223372030926249001");
    ck_assert_str_eq(calc(dec_mul, "-4294967296", "2147483648"), "-9223372036854775808");
    ck_assert_str_eq(calc(dec_mul, "123456789012345678901234567890", "0.1"),
                     "12345678901234567890123456789");
    /* scale beyond DEC_MAX_SCALE: allowed only when trailing zeros cover it */
    ck_assert_str_eq(calc(dec_mul, "1e-200", "1e-201"), "error: number too large or too precise");
    ck_assert_str_eq(calc(dec_mul, "1e-200", "1e-200"), pow10_text(-400));
    ck_assert_str_eq(calc(dec_mul, "1e200", "1e200"), pow10_text(400));

    dec_t a, b, r;
    dec_init(&a);
    dec_init(&b);
    dec_init(&r);
    /* scale is the sum */
    P(&a, "1.10");
    P(&b, "2.0");
    OK(dec_mul(&r, &a, &b));
    ck_assert_int_eq(r.scale, 3);
    ck_assert_str_eq(F(&r, r.scale), "2.200");
    /* 0.100..0 (scale 300) * 1e-200: 500 places, 100 trailing zeros dropped */
    {
        char s[320] = "0.1";
        memset(s + 3, '0', 299);
        s[302] = '\0';
        P(&a, s);
        ck_assert_int_eq(a.scale, 300);
    }
    P(&b, "1e-200");
    OK(dec_mul(&r, &a, &b));
    ck_assert_int_eq(r.scale, DEC_MAX_SCALE);
    {
        char want[410] = "0.";
        memset(want + 2, '0', 200);
        strcpy(want + 202, "1");
        EXPECT(&r, want);
    }
    /* product over int64 and back */
    P(&a, "9223372036854775807");
    P(&b, "3");
    OK(dec_mul(&r, &a, &b));
    ck_assert_int_eq(r.kind, DEC_K_BIG);
    EXPECT(&r, "27670116110564327421");
    OK(dec_div(&r, &r, &b));
    ck_assert_int_eq(r.kind, DEC_K_SMALL);
    EXPECT(&r, "9223372036854775807");
    dec_clear(&a);
    dec_clear(&b);
    dec_clear(&r);
}
END_TEST

START_TEST(divide)
{
    ck_assert_str_eq(calc(dec_div, "1", "4"), "0.25");
    ck_assert_str_eq(calc(dec_div, "1", "8"), "0.125");
    ck_assert_str_eq(calc(dec_div, "-7", "2"), "-3.5");
    ck_assert_str_eq(calc(dec_div, "7", "-0.2"), "-35");
    ck_assert_str_eq(calc(dec_div, "1", "3"), "1/3");
    ck_assert_str_eq(calc(dec_div, "-2", "6"), "-1/3");
    ck_assert_str_eq(calc(dec_div, "1", "0.3"), "10/3");
    ck_assert_str_eq(calc(dec_div, "0.01", "7"), "1/700");
    ck_assert_str_eq(calc(dec_div, "1", "1e-400"), pow10_text(400));
    ck_assert_str_eq(calc(dec_div, "2823.6", "12"), "235.3");
    ck_assert_str_eq(calc(dec_div, "1", "1024"), "0.0009765625");
    ck_assert_str_eq(calc(dec_div, "123456789012345678901234567890", "10"),
                     "12345678901234567890123456789");
    ck_assert_str_eq(calc(dec_div, "1e30", "3"), "1000000000000000000000000000000/3");
    ck_assert_str_eq(calc(dec_div, "0", "-3"), "0");
    /* division by zero, whatever the zero's scale */
    ck_assert_str_eq(calc(dec_div, "1", "0"), "error: division by zero");
    ck_assert_str_eq(calc(dec_div, "0", "0.00"), "error: division by zero");
    ck_assert_str_eq(calc(dec_div, "1e300", "-0"), "error: division by zero");
    /* a terminating quotient that needs more than DEC_MAX_SCALE places */
    ck_assert_str_eq(calc(dec_div, "1e-400", "1e-400"), "1");
    ck_assert_str_eq(calc(dec_div, "1e-400", "2"), "error: number too large or too precise");
    {
        char want[420];
        snprintf(want, sizeof want, "1/3%s", pow10_text(400) + 1); /* 1/(3*10^400) */
        ck_assert_str_eq(calc(dec_div, "1e-400", "3"), want);
    }
}
END_TEST

START_TEST(divide_by_powers_of_two)
{
    {
        /* 1 / 2^500 needs 500 places */
        dec_t a, b, r;
        dec_init(&a);
        dec_init(&b);
        dec_init(&r);
        dec_set_i64(&a, 1);
        dec_set_i64(&b, 2);
        for (int i = 0; i < 500; i++)
            OK(dec_mul(&a, &a, &b));
        dec_set_i64(&b, 1);
        ck_assert_int_eq(dec_div(&r, &b, &a), DEC_ELIMIT);
        EXPECT(&r, "0");
        /* ... but 1 / 2^400 is fine */
        dec_set_i64(&a, 1);
        dec_set_i64(&b, 2);
        for (int i = 0; i < 400; i++)
            OK(dec_mul(&a, &a, &b));
        dec_set_i64(&b, 1);
        OK(dec_div(&r, &b, &a));
        ck_assert_int_eq(r.scale, 400);
        ck_assert(dec_is_finite(&r));
        dec_clear(&a);
        dec_clear(&b);
        dec_clear(&r);
    }
}
END_TEST

START_TEST(divide_minimal_scale_and_rationals)
{
    dec_t a, b, r;
    dec_init(&a);
    dec_init(&b);
    dec_init(&r);
    /* minimal scale */
    P(&a, "10.00");
    P(&b, "2");
    OK(dec_div(&r, &a, &b));
    EXPECT(&r, "5");
    ck_assert_int_eq(r.scale, 0);
    P(&a, "1.50");
    P(&b, "0.5");
    OK(dec_div(&r, &a, &b));
    ck_assert_int_eq(r.scale, 0);
    EXPECT(&r, "3");
    P(&a, "1");
    P(&b, "0.25");
    OK(dec_div(&r, &a, &b));
    ck_assert_int_eq(r.scale, 0);
    EXPECT(&r, "4");
    /* the rational stays exact: 1/3 * 3 == 1, 1/3 + 2/3 == 1 */
    dec_set_i64(&a, 1);
    dec_set_i64(&b, 3);
    OK(dec_div(&r, &a, &b));
    ck_assert_int_eq(r.kind, DEC_K_RAT);
    ck_assert(!dec_is_finite(&r));
    ck_assert(!dec_is_integer(&r));
    OK(dec_mul(&r, &r, &b));
    ck_assert_int_eq(r.kind, DEC_K_SMALL);
    ck_assert_int_eq(r.scale, 0);
    EXPECT(&r, "1");
    ck_assert_int_eq(dec_cmp(&r, &a), 0);
    dec_t third, twothirds;
    dec_init(&third);
    dec_init(&twothirds);
    OK(dec_div(&third, &a, &b));
    P(&a, "2");
    OK(dec_div(&twothirds, &a, &b));
    EXPECT(&twothirds, "2/3");
    OK(dec_add(&r, &third, &twothirds));
    EXPECT(&r, "1");
    ck_assert(dec_is_finite(&r));
    OK(dec_sub(&r, &third, &third));
    EXPECT(&r, "0");
    OK(dec_div(&r, &third, &third));
    EXPECT(&r, "1");
    /* 1/3 - 0.25 = 1/12 ; (1/3) / 0.5 = 2/3 */
    P(&a, "0.25");
    OK(dec_sub(&r, &third, &a));
    EXPECT(&r, "1/12");
    P(&a, "0.5");
    OK(dec_div(&r, &third, &a));
    EXPECT(&r, "2/3");
    /* 1/3 compared with decimals */
    P(&a, "0.3333333333333333333333333333");
    ck_assert_int_gt(dec_cmp(&third, &a), 0);
    P(&a, "0.3333333333333333333333333334");
    ck_assert_int_lt(dec_cmp(&third, &a), 0);
    ck_assert_int_lt(dec_cmp(&third, &twothirds), 0);
    ck_assert_int_gt(dec_cmp(&twothirds, &third), 0);
    /* (1/3) / 0 */
    dec_set_i64(&a, 0);
    ck_assert_int_eq(dec_div(&r, &third, &a), DEC_EDIVZERO);
    EXPECT(&r, "0");
    ck_assert_int_eq(r.kind, DEC_K_SMALL);
    dec_clear(&third);
    dec_clear(&twothirds);
    dec_clear(&a);
    dec_clear(&b);
    dec_clear(&r);
}
END_TEST

START_TEST(aliasing)
{
    dec_t a, b;
    dec_init(&a);
    dec_init(&b);
    /* SMALL */
    P(&a, "1.5");
    OK(dec_add(&a, &a, &a));
    EXPECT(&a, "3");
    ck_assert_int_eq(a.scale, 1);
    OK(dec_mul(&a, &a, &a));
    EXPECT(&a, "9");
    OK(dec_sub(&a, &a, &a));
    EXPECT(&a, "0");
    /* BIG */
    P(&a, "123456789012345678901234567890");
    OK(dec_mul(&a, &a, &a));
    EXPECT(&a, "15241578753238836750495351562536198787501905199875019052100");
    OK(dec_div(&a, &a, &a));
    EXPECT(&a, "1");
    /* RAT */
    dec_set_i64(&a, 1);
    dec_set_i64(&b, 3);
    OK(dec_div(&a, &a, &b));
    EXPECT(&a, "1/3");
    OK(dec_add(&a, &a, &a));
    EXPECT(&a, "2/3");
    OK(dec_mul(&a, &a, &a));
    EXPECT(&a, "4/9");
    OK(dec_div(&b, &a, &b)); /* r aliases b */
    EXPECT(&b, "4/27");
    OK(dec_round(&a, &a, 3, DEC_HALF_UP));
    EXPECT(&a, "0.444");
    dec_neg(&b, &b);
    EXPECT(&b, "-4/27");
    dec_abs(&b, &b);
    EXPECT(&b, "4/27");
    dec_set(&b, &b);
    EXPECT(&b, "4/27");
    dec_min(&b, &b, &a);
    EXPECT(&b, "4/27");
    dec_max(&b, &b, &a);
    EXPECT(&b, "0.444");
    P(&a, "-99999999999999999999.5");
    dec_abs(&a, &a);
    EXPECT(&a, "99999999999999999999.5");
    OK(dec_round(&a, &a, 0, DEC_HALF_EVEN));
    EXPECT(&a, "100000000000000000000");
    /* a failing op on an aliased operand leaves it 0 */
    P(&b, "0");
    P(&a, "123456789012345678901234567890");
    ck_assert_int_eq(dec_div(&a, &a, &b), DEC_EDIVZERO);
    EXPECT(&a, "0");
    ck_assert_int_eq(a.kind, DEC_K_SMALL);
    dec_clear(&a);
    dec_clear(&b);
}
END_TEST

START_TEST(sign_ops)
{
    dec_t a, b, r;
    dec_init(&a);
    dec_init(&b);
    dec_init(&r);
    P(&a, "-2.50");
    dec_neg(&r, &a);
    EXPECT(&r, "2.5");
    ck_assert_int_eq(r.scale, 2);
    dec_abs(&r, &a);
    EXPECT(&r, "2.5");
    dec_abs(&r, &r);
    EXPECT(&r, "2.5");
    P(&a, "0");
    dec_neg(&r, &a);
    ck_assert_str_eq(F(&r, 2), "0.00"); /* no "-0" */
    ck_assert_int_eq(dec_sign(&r), 0);
    /* min / max across kinds and scales */
    P(&a, "1.0");
    P(&b, "1.00");
    dec_min(&r, &a, &b);
    ck_assert_int_eq(r.scale, 1); /* equal: the first */
    dec_max(&r, &a, &b);
    ck_assert_int_eq(r.scale, 1);
    P(&a, "123456789012345678901234567890");
    P(&b, "-5");
    dec_min(&r, &a, &b);
    EXPECT(&r, "-5");
    dec_max(&r, &a, &b);
    EXPECT(&r, "123456789012345678901234567890");
    dec_set_i64(&a, 1);
    dec_set_i64(&b, 3);
    OK(dec_div(&a, &a, &b)); /* 1/3 */
    P(&b, "0.34");
    dec_min(&r, &a, &b);
    EXPECT(&r, "1/3");
    dec_max(&r, &a, &b);
    EXPECT(&r, "0.34");
    dec_neg(&r, &a);
    EXPECT(&r, "-1/3");
    ck_assert_int_eq(dec_sign(&r), -1);
    ck_assert_int_eq(dec_sign(&a), 1);
    P(&a, "-123456789012345678901234567890");
    ck_assert_int_eq(dec_sign(&a), -1);
    dec_neg(&r, &a);
    ck_assert_int_eq(dec_sign(&r), 1);
    dec_clear(&a);
    dec_clear(&b);
    dec_clear(&r);
}
END_TEST

/* ---------------------------------------------------------------- comparison */

START_TEST(compare)
{
    static const struct {
        const char *a, *b;
        int want;
    } cases[] = {
        {"1", "1.00", 0},
        {"1.5", "1.49", 1},
        {"-1.5", "-1.49", -1},
        {"0", "-0.000", 0},
        {"0", "0.001", -1},
        {"-0.001", "0", -1},
        {"5", "0.00000000000000000001", 1},   /* rescale overflows */
        {"-5", "-0.00000000000000000001", -1},
        {"0.00000000000000000001", "5", -1},
        {"-0.00000000000000000001", "-5", 1},
        {"9223372036854775807", "9223372036854775808", -1},
        {"-9223372036854775808", "-9223372036854775807", -1},
        {"123456789012345678901234567890", "123456789012345678901234567890.0", 0},
        {"123456789012345678901234567890", "123456789012345678901234567890.01", -1},
        {"-123456789012345678901234567890", "1", -1},
        {"1e400", "1e399", 1},
        {"1e-400", "0", 1},
        {"92233720368547758.07", "922337203685477580.7", -1},
    };
    dec_t a, b;
    dec_init(&a);
    dec_init(&b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        P(&a, cases[i].a);
        P(&b, cases[i].b);
        int c = dec_cmp(&a, &b);
        ck_assert_msg((c > 0) - (c < 0) == cases[i].want, "cmp(%s, %s) = %d", cases[i].a,
                      cases[i].b, c);
        c = dec_cmp(&b, &a);
        ck_assert_msg((c > 0) - (c < 0) == -cases[i].want, "cmp(%s, %s) = %d", cases[i].b,
                      cases[i].a, c);
    }
    dec_clear(&a);
    dec_clear(&b);
}
END_TEST

/* ---------------------------------------------------------------- integers */

START_TEST(integers)
{
    dec_t a;
    dec_init(&a);
    int64_t v = 0;
    P(&a, "12.00");
    ck_assert(dec_is_integer(&a));
    ck_assert(dec_to_i64(&a, &v));
    ck_assert_int_eq(v, 12);
    P(&a, "-12.5");
    ck_assert(!dec_is_integer(&a));
    ck_assert(!dec_to_i64(&a, &v));
    P(&a, "0.00000000000000000000");
    ck_assert(dec_is_integer(&a));
    ck_assert(dec_to_i64(&a, &v));
    ck_assert_int_eq(v, 0);
    P(&a, "1e-30");
    ck_assert(!dec_is_integer(&a));
    ck_assert(!dec_to_i64(&a, &v));
    P(&a, "-9223372036854775808");
    ck_assert(dec_is_integer(&a));
    ck_assert(dec_to_i64(&a, &v));
    ck_assert(v == INT64_MIN);
    P(&a, "-9223372036854775808.000");
    ck_assert(dec_to_i64(&a, &v));
    ck_assert(v == INT64_MIN);
    P(&a, "9223372036854775808");
    ck_assert(dec_is_integer(&a));
    ck_assert(!dec_to_i64(&a, &v));
    P(&a, "-9223372036854775809");
    ck_assert(!dec_to_i64(&a, &v));
    P(&a, "9223372036854775807.0000000000");
    ck_assert_int_eq(a.kind, DEC_K_BIG);
    ck_assert(dec_to_i64(&a, &v));
    ck_assert(v == INT64_MAX);
    P(&a, "123456789012345678901234567890.5");
    ck_assert(!dec_is_integer(&a));
    P(&a, "1e20");
    ck_assert(dec_is_integer(&a));
    ck_assert(!dec_to_i64(&a, &v));

    /* construction */
    dec_set_i64(&a, INT64_MIN);
    EXPECT(&a, "-9223372036854775808");
    dec_neg(&a, &a);
    EXPECT(&a, "9223372036854775808");
    dec_set_i64(&a, INT64_MAX);
    EXPECT(&a, "9223372036854775807");
    ck_assert_int_eq(a.kind, DEC_K_SMALL);
    OK(dec_set_scaled(&a, 282360, 2));
    EXPECT(&a, "2823.6");
    ck_assert_int_eq(a.scale, 2);
    OK(dec_set_scaled(&a, INT64_MIN, 400));
    ck_assert_int_eq(a.scale, 400);
    ck_assert_int_eq(dec_sign(&a), -1);
    OK(dec_set_scaled(&a, -5, 0));
    EXPECT(&a, "-5");
    P(&a, "1e300");
    ck_assert_int_eq(dec_set_scaled(&a, 1, 401), DEC_ELIMIT);
    EXPECT(&a, "0");
    ck_assert_int_eq(dec_set_scaled(&a, 1, -1), DEC_ELIMIT);
    dec_clear(&a);
}
END_TEST

/* ---------------------------------------------------------------- rounding */

START_TEST(rounding_modes)
{
    /* value, then the result for HALF_UP, HALF_EVEN, DOWN, UP, FLOOR, CEILING
     * at 0 places */
    static const char *table[][7] = {
        {"2.5", "3", "2", "2", "3", "2", "3"},
        {"-2.5", "-3", "-2", "-2", "-3", "-3", "-2"},
        {"3.5", "4", "4", "3", "4", "3", "4"},
        {"-3.5", "-4", "-4", "-3", "-4", "-4", "-3"},
        {"2.4", "2", "2", "2", "3", "2", "3"},
        {"-2.4", "-2", "-2", "-2", "-3", "-3", "-2"},
        {"2.6", "3", "3", "2", "3", "2", "3"},
        {"-2.6", "-3", "-3", "-2", "-3", "-3", "-2"},
        {"2.50000000001", "3", "3", "2", "3", "2", "3"},
        {"2.49999999999", "2", "2", "2", "3", "2", "3"},
        {"2.000", "2", "2", "2", "2", "2", "2"},
        {"-2.000", "-2", "-2", "-2", "-2", "-2", "-2"},
        {"0.5", "1", "0", "0", "1", "0", "1"},
        {"-0.5", "-1", "0", "0", "-1", "-1", "0"},
        {"-0.4", "0", "0", "0", "-1", "-1", "0"},
        {"0", "0", "0", "0", "0", "0", "0"},
        {"1e-30", "0", "0", "0", "1", "0", "1"},
        {"-1e-30", "0", "0", "0", "-1", "-1", "0"},
        /* |c| near 2^63 with 19 digits to drop: the half is 5e18 */
        {"0.9223372036854775807", "1", "1", "0", "1", "0", "1"},
        {"0.5000000000000000000", "1", "0", "0", "1", "0", "1"},
        {"-0.5000000000000000001", "-1", "-1", "0", "-1", "-1", "0"},
        {"0.4999999999999999999", "0", "0", "0", "1", "0", "1"},
        /* BIG */
        {"123456789012345678901234.5", "123456789012345678901235", "123456789012345678901234",
         "123456789012345678901234", "123456789012345678901235", "123456789012345678901234",
         "123456789012345678901235"},
        {"-123456789012345678901235.5", "-123456789012345678901236", "-123456789012345678901236",
         "-123456789012345678901235", "-123456789012345678901236", "-123456789012345678901236",
         "-123456789012345678901235"},
        {"99999999999999999999.5", "100000000000000000000", "100000000000000000000",
         "99999999999999999999", "100000000000000000000", "99999999999999999999",
         "100000000000000000000"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        for (int m = 0; m < DEC_MODE_COUNT; m++)
            ck_assert_msg(strcmp(rnd(table[i][0], 0, (dec_mode)m), table[i][m + 1]) == 0,
                          "round(%s, 0, %s) = %s, want %s", table[i][0],
                          dec_mode_name((dec_mode)m), rnd(table[i][0], 0, (dec_mode)m),
                          table[i][m + 1]);
}
END_TEST

START_TEST(rounding_places)
{
    /* fractional places and the result scale */
    ck_assert_str_eq(rnd("2823.6", 2, DEC_HALF_UP), "2823.60");
    ck_assert_str_eq(rnd("0.005", 2, DEC_HALF_UP), "0.01");
    ck_assert_str_eq(rnd("0.005", 2, DEC_HALF_EVEN), "0.00");
    ck_assert_str_eq(rnd("0.015", 2, DEC_HALF_EVEN), "0.02");
    ck_assert_str_eq(rnd("1.2", 3, DEC_DOWN), "1.200");
    ck_assert_str_eq(rnd("-1.2345", 3, DEC_FLOOR), "-1.235");
    ck_assert_str_eq(rnd("-1.2345", 3, DEC_CEILING), "-1.234");
    ck_assert_str_eq(rnd("1.2345", 3, DEC_UP), "1.235");
    ck_assert_str_eq(rnd("1.2341", 3, DEC_UP), "1.235");
    ck_assert_str_eq(rnd("1.2349", 3, DEC_DOWN), "1.234");
    ck_assert_str_eq(rnd("9.995", 2, DEC_HALF_UP), "10.00");
    ck_assert_str_eq(rnd("-9.995", 2, DEC_HALF_UP), "-10.00");
    ck_assert_str_eq(rnd("-0.001", 2, DEC_HALF_UP), "0.00");
    ck_assert_str_eq(rnd("-0.001", 2, DEC_FLOOR), "-0.01");
    /* negative places: tens, hundreds */
    static const char *neg[][7] = {
        {"125", "130", "120", "120", "130", "120", "130"},
        {"-125", "-130", "-120", "-120", "-130", "-130", "-120"},
        {"135", "140", "140", "130", "140", "130", "140"},
        {"121", "120", "120", "120", "130", "120", "130"},
        {"-121", "-120", "-120", "-120", "-130", "-130", "-120"},
        {"129.99", "130", "130", "120", "130", "120", "130"},
        {"4", "0", "0", "0", "10", "0", "10"},
        {"-4", "0", "0", "0", "-10", "-10", "0"},
    };
    for (size_t i = 0; i < sizeof neg / sizeof neg[0]; i++)
        for (int m = 0; m < DEC_MODE_COUNT; m++)
            ck_assert_msg(strcmp(rnd(neg[i][0], -1, (dec_mode)m), neg[i][m + 1]) == 0,
                          "round(%s, -1, %s) = %s, want %s", neg[i][0],
                          dec_mode_name((dec_mode)m), rnd(neg[i][0], -1, (dec_mode)m),
                          neg[i][m + 1]);
    ck_assert_str_eq(rnd("1250", -2, DEC_HALF_EVEN), "1200");
    ck_assert_str_eq(rnd("1350", -2, DEC_HALF_EVEN), "1400");
    ck_assert_str_eq(rnd("149.99", -2, DEC_HALF_UP), "100");
    ck_assert_str_eq(rnd("9223372036854775807", -1, DEC_UP), "9223372036854775810");
    ck_assert_str_eq(rnd("-9223372036854775807", -3, DEC_FLOOR), "-9223372036854776000");
    ck_assert_str_eq(rnd("5e399", -400, DEC_HALF_UP), pow10_text(400));
    ck_assert_str_eq(rnd("4e399", -400, DEC_HALF_UP), "0");
    ck_assert_str_eq(rnd("1", -400, DEC_UP), pow10_text(400));
    {
        char want[420];
        snprintf(want, sizeof want, "-%s", pow10_text(400));
        ck_assert_str_eq(rnd("-1e-400", -400, DEC_FLOOR), want);
        ck_assert_str_eq(rnd("-1e-400", -400, DEC_CEILING), "0");
    }
    /* to more places than the value has: padding */
    ck_assert_str_eq(rnd("9223372036854775807", 2, DEC_HALF_UP), "9223372036854775807.00");
    ck_assert_str_eq(rnd("-1", 30, DEC_HALF_UP), "-1.000000000000000000000000000000");
    /* limits on places */
    ck_assert_str_eq(rnd("1", 401, DEC_HALF_UP), "error: number too large or too precise");
    ck_assert_str_eq(rnd("1", -401, DEC_HALF_UP), "error: number too large or too precise");
    {
        char want[410] = "1.";
        memset(want + 2, '0', 400);
        want[402] = '\0';
        ck_assert_str_eq(rnd("1", 400, DEC_HALF_UP), want);
    }

    /* rationals */
    dec_t a, b, r;
    dec_init(&a);
    dec_init(&b);
    dec_init(&r);
    dec_set_i64(&a, 1);
    dec_set_i64(&b, 3);
    OK(dec_div(&a, &a, &b)); /* 1/3 */
    static const char *third[] = {"0.33", "0.33", "0.33", "0.34", "0.33", "0.34"};
    static const char *mthird[] = {"-0.33", "-0.33", "-0.33", "-0.34", "-0.34", "-0.33"};
    dec_neg(&b, &a); /* -1/3 */
    for (int m = 0; m < DEC_MODE_COUNT; m++) {
        OK(dec_round(&r, &a, 2, (dec_mode)m));
        ck_assert_int_eq(r.scale, 2);
        ck_assert_str_eq(F(&r, 2), third[m]);
        OK(dec_round(&r, &b, 2, (dec_mode)m));
        ck_assert_str_eq(F(&r, 2), mthird[m]);
    }
    dec_set_i64(&b, 3);
    P(&r, "2");
    OK(dec_div(&a, &r, &b)); /* 2/3 */
    OK(dec_round(&r, &a, 2, DEC_HALF_UP));
    ck_assert_str_eq(F(&r, 2), "0.67");
    OK(dec_round(&r, &a, 2, DEC_DOWN));
    ck_assert_str_eq(F(&r, 2), "0.66");
    OK(dec_round(&r, &a, 0, DEC_HALF_EVEN));
    ck_assert_str_eq(F(&r, 0), "1");
    OK(dec_round(&r, &a, -1, DEC_UP));
    ck_assert_str_eq(F(&r, 0), "10");
    OK(dec_round(&r, &a, 400, DEC_HALF_UP));
    ck_assert_int_eq(r.scale, 400);
    ck_assert_int_eq(r.kind, DEC_K_BIG);
    {
        char want[410] = "0.";
        memset(want + 2, '6', 399);
        strcpy(want + 401, "7");
        EXPECT(&r, want);
    }
    /* 1000/7 = 142.857142...: to -1 and -2 places */
    P(&r, "1000");
    dec_set_i64(&b, 7);
    OK(dec_div(&a, &r, &b));
    OK(dec_round(&r, &a, -1, DEC_HALF_UP));
    EXPECT(&r, "140");
    OK(dec_round(&r, &a, -2, DEC_HALF_UP));
    EXPECT(&r, "100");
    OK(dec_round(&r, &a, -2, DEC_CEILING));
    EXPECT(&r, "200");
    OK(dec_round(&r, &a, 3, DEC_HALF_EVEN));
    EXPECT(&r, "142.857");
    /* an invalid mode */
    ck_assert_int_eq(dec_round(&r, &a, 2, DEC_MODE_COUNT), DEC_ESYNTAX);
    EXPECT(&r, "0");
    dec_clear(&a);
    dec_clear(&b);
    dec_clear(&r);
}
END_TEST

/* ---------------------------------------------------------------- limits */

START_TEST(limits_squaring)
{
    static const char *seeds[] = {"10", "2", "-3", "1.1", "99999999999999999999", "0.5"};
    dec_t a;
    dec_init(&a);
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        P(&a, seeds[i]);
        dec_status st = DEC_OK;
        int steps = 0;
        while (st == DEC_OK && steps < 64) {
            st = dec_mul(&a, &a, &a);
            steps++;
        }
        ck_assert_msg(st == DEC_ELIMIT, "squaring %s: %d after %d steps", seeds[i], (int)st,
                      steps);
        ck_assert_int_lt(steps, 20);
        EXPECT(&a, "0");
        ck_assert_int_eq(a.kind, DEC_K_SMALL);
        ck_assert_int_eq(a.scale, 0);
    }
    /* 2^8191 fits, 2^8192 does not (DEC_MAX_BITS coefficient bits) */
    dec_t two, r;
    dec_init(&two);
    dec_init(&r);
    dec_set_i64(&two, 2);
    dec_set_i64(&a, 1);
    for (int i = 0; i < 8191; i++)
        OK(dec_mul(&a, &a, &two));
    ck_assert_int_eq(dec_mul(&r, &a, &two), DEC_ELIMIT);
    EXPECT(&r, "0");
    dec_neg(&r, &a);
    ck_assert_int_eq(dec_sub(&r, &r, &a), DEC_ELIMIT);
    ck_assert_int_eq(dec_add(&r, &a, &a), DEC_ELIMIT);
    OK(dec_sub(&r, &a, &a));
    EXPECT(&r, "0");
    /* rounding to more places can also exceed it */
    ck_assert_int_eq(dec_round(&r, &a, 400, DEC_HALF_UP), DEC_ELIMIT);
    OK(dec_round(&r, &a, -400, DEC_HALF_UP));
    ck_assert_int_eq(dec_sign(&r), 1);
    /* a rational's numerator and denominator are bounded too */
    dec_t third;
    dec_init(&third);
    dec_set_i64(&a, 1);
    dec_set_i64(&r, 3);
    OK(dec_div(&third, &a, &r));
    dec_status st = DEC_OK;
    int steps = 0;
    while (st == DEC_OK && steps < 64) {
        st = dec_mul(&third, &third, &third);
        steps++;
    }
    ck_assert_int_eq(st, DEC_ELIMIT);
    ck_assert_int_lt(steps, 20);
    EXPECT(&third, "0");
    /* dividing two big numbers that leave a huge rational */
    P(&a, rep('7', 400, "e400"));
    P(&r, rep('3', 399, "1"));
    OK(dec_div(&third, &a, &r));
    ck_assert(!dec_is_finite(&third));
    for (steps = 0; steps < 64; steps++)
        if ((st = dec_mul(&third, &third, &third)) != DEC_OK)
            break;
    ck_assert_int_eq(st, DEC_ELIMIT);
    ck_assert_int_lt(steps, 5);
    dec_clear(&third);
    dec_clear(&two);
    dec_clear(&r);
    dec_clear(&a);
}
END_TEST

/* ---------------------------------------------------------------- policy numbers */

/* 日照 notice: base * 5% * 12 + 144 + 30 */
static void rizhao(const char *base, const char *month, const char *year, const char *total)
{
    dec_t b, rate, r, t;
    dec_init(&b);
    dec_init(&rate);
    dec_init(&r);
    dec_init(&t);
    P(&b, base);
    P(&rate, "5%");
    OK(dec_mul(&r, &b, &rate));
    ck_assert_str_eq(F(&r, 0), month);
    ck_assert_int_eq(r.scale, 2);
    P(&t, "12");
    OK(dec_mul(&r, &r, &t));
    ck_assert_str_eq(F(&r, 2), year);
    P(&t, "144");
    OK(dec_add(&r, &r, &t));
    P(&t, "30");
    OK(dec_add(&r, &r, &t));
    ck_assert_str_eq(F(&r, 2), total);
    OK(dec_round(&t, &r, 2, DEC_HALF_UP));
    ck_assert_int_eq(dec_cmp(&t, &r), 0);
    dec_clear(&b);
    dec_clear(&rate);
    dec_clear(&r);
    dec_clear(&t);
}

START_TEST(rizhao_notice)
{
    rizhao("4416", "220.8", "2649.60", "2823.60");
    rizhao("4504", "225.2", "2702.40", "2876.40");
}
END_TEST

/* ---------------------------------------------------------------- names and reuse */

START_TEST(names)
{
    ck_assert_str_eq(dec_status_text(DEC_EDIVZERO), "division by zero");
    ck_assert_str_eq(dec_status_text(DEC_ELIMIT), "number too large or too precise");
    ck_assert_str_eq(dec_status_text(DEC_ESYNTAX), "not a number");
    ck_assert_str_eq(dec_status_text(DEC_ENOTFINITE), "no finite decimal expansion");
    ck_assert_str_eq(dec_status_text(DEC_OK), "ok");
    ck_assert_str_eq(dec_mode_name(DEC_HALF_UP), "half_up");
    ck_assert_str_eq(dec_mode_name(DEC_HALF_EVEN), "half_even");
    ck_assert_str_eq(dec_mode_name(DEC_DOWN), "down");
    ck_assert_str_eq(dec_mode_name(DEC_UP), "up");
    ck_assert_str_eq(dec_mode_name(DEC_FLOOR), "floor");
    ck_assert_str_eq(dec_mode_name(DEC_CEILING), "ceiling");
    ck_assert_str_eq(dec_mode_name(DEC_MODE_COUNT), "unknown");
}
END_TEST

START_TEST(kind_transitions)
{
    /* one value cycling through every kind, checked by ASan for leaks */
    dec_t d, x, y;
    dec_init(&d);
    dec_init(&x);
    dec_init(&y);
    dec_set_i64(&x, 1);
    dec_set_i64(&y, 3);
    for (int i = 0; i < 3; i++) {
        P(&d, "123456789012345678901234567890");
        ck_assert_int_eq(d.kind, DEC_K_BIG);
        OK(dec_div(&d, &x, &y));
        ck_assert_int_eq(d.kind, DEC_K_RAT);
        P(&d, "98765432109876543210987654321");
        ck_assert_int_eq(d.kind, DEC_K_BIG);
        dec_set_i64(&d, 5);
        ck_assert_int_eq(d.kind, DEC_K_SMALL);
        ck_assert_ptr_null(d.big);
        OK(dec_div(&d, &x, &y));
        dec_set(&x, &d);
        EXPECT(&x, "1/3");
        dec_set_i64(&x, 1);
        dec_clear(&d);
        ck_assert_int_eq(dec_sign(&d), 0);
        EXPECT(&d, "0");
    }
    dec_t z = {0}; /* zeroed memory is a valid 0 */
    EXPECT(&z, "0");
    dec_clear(&z);
    dec_clear(&d);
    dec_clear(&x);
    dec_clear(&y);
}
END_TEST

/* ---------------------------------------------------------------- runner */

static Suite *dec_suite(void)
{
    Suite *s = suite_create("dec");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, parse_valid);
    tcase_add_test(tc, parse_invalid);
    tcase_add_test(tc, parse_limits);
    tcase_add_test(tc, format_rules);
    tcase_add_test(tc, add_sub);
    tcase_add_test(tc, multiply);
    tcase_add_test(tc, divide);
    tcase_add_test(tc, divide_by_powers_of_two);
    tcase_add_test(tc, divide_minimal_scale_and_rationals);
    tcase_add_test(tc, aliasing);
    tcase_add_test(tc, sign_ops);
    tcase_add_test(tc, compare);
    tcase_add_test(tc, integers);
    tcase_add_test(tc, rounding_modes);
    tcase_add_test(tc, rounding_places);
    tcase_add_test(tc, limits_squaring);
    tcase_add_test(tc, rizhao_notice);
    tcase_add_test(tc, names);
    tcase_add_test(tc, kind_transitions);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dec_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
