/* dec.c -- exact decimal numbers (see dec.h for the contract, docs/numbers.md
 * for the number model).
 *
 * Invariants kept by every function in this file:
 *   SMALL  coef != INT64_MIN (so negation never overflows), 0 <= scale <= MAX,
 *          big == NULL (a SMALL value owns no memory).
 *   BIG    *big is an mpz with 63 < bits <= DEC_MAX_BITS, 0 <= scale <= MAX;
 *          a coefficient that fits in 63 bits is always stored as SMALL.
 *   RAT    *big is a canonical mpq whose denominator is > 1 and is NOT of the
 *          form 2^a*5^b (a terminating value is always stored as a decimal,
 *          or refused with DEC_ELIMIT when it would need more than
 *          DEC_MAX_SCALE fractional digits); numerator and denominator have at
 *          most DEC_MAX_BITS bits each; scale is 0 and means nothing.
 * Every failing operation leaves its result as SMALL 0 with scale 0.
 *
 * Bounded work: the inputs of every operation are bounded by DEC_MAX_BITS and
 * DEC_MAX_SCALE, so every intermediate GMP value is bounded too (a product is
 * at most twice the bits, a rescale adds at most log2(10^800) bits); results
 * are checked against the limits before they are stored.
 *
 * No float or double appears anywhere in this file.
 */
#include "dec.h"
#include "lang.h"
#include "mem.h"

#include <gmp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define DEC_LIKELY(x) __builtin_expect(!!(x), 1)
#define DEC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define DEC_NOINLINE __attribute__((noinline))
#else
#define DEC_LIKELY(x) (x)
#define DEC_UNLIKELY(x) (x)
#define DEC_NOINLINE
#endif

/* 10^0 .. 10^18: every power of ten that fits in an int64 (dec.h). */
const int64_t dec_pow10[DEC_POW10_MAX + 1] = {
    INT64_C(1),
    INT64_C(10),
    INT64_C(100),
    INT64_C(1000),
    INT64_C(10000),
    INT64_C(100000),
    INT64_C(1000000),
    INT64_C(10000000),
    INT64_C(100000000),
    INT64_C(1000000000),
    INT64_C(10000000000),
    INT64_C(100000000000),
    INT64_C(1000000000000),
    INT64_C(10000000000000),
    INT64_C(100000000000000),
    INT64_C(1000000000000000),
    INT64_C(10000000000000000),
    INT64_C(100000000000000000),
    INT64_C(1000000000000000000),
};

/* ------------------------------------------------------------------------ */
/* Memory and kind management                                               */
/* ------------------------------------------------------------------------ */

/* Releases the GMP part of d (if any); leaves d->kind SMALL, big NULL. */
static DEC_NOINLINE void free_big(dec_t *d)
{
    if (d->kind == DEC_K_BIG) {
        mpz_clear((mpz_ptr)d->big);
        free(d->big);
    } else if (d->kind == DEC_K_RAT) {
        mpq_clear((mpq_ptr)d->big);
        free(d->big);
    }
    d->big = NULL;
    d->kind = DEC_K_SMALL;
}

static inline void set_small(dec_t *r, int64_t c, int32_t s)
{
    if (DEC_UNLIKELY(r->kind != DEC_K_SMALL))
        free_big(r);
    r->coef = c;
    r->scale = s;
}

static inline dec_status fail(dec_t *r, dec_status st)
{
    set_small(r, 0, 0);
    return st;
}

/* r's GMP value of `kind` (DEC_K_BIG: an mpz; DEC_K_RAT: an mpq, scale 0),
 * created (dropping the other kind) if r does not hold one yet. */
static void *want_big(dec_t *r, uint8_t kind)
{
    if (r->kind == kind)
        return r->big;
    free_big(r);
    if (kind == DEC_K_BIG) {
        mpz_ptr z = pol_xmalloc(sizeof *z);
        mpz_init(z);
        r->big = z;
    } else {
        mpq_ptr q = pol_xmalloc(sizeof *q);
        mpq_init(q);
        r->big = q;
        r->scale = 0;
    }
    r->kind = kind;
    r->coef = 0;
    return r->big;
}

static mpz_ptr want_z(dec_t *r) { return want_big(r, DEC_K_BIG); }
static mpq_ptr want_q(dec_t *r) { return want_big(r, DEC_K_RAT); }

/* ------------------------------------------------------------------------ */
/* int64 <-> mpz                                                            */
/* ------------------------------------------------------------------------ */

static void z_set_i64(mpz_ptr z, int64_t v)
{
#if LONG_MAX >= INT64_MAX
    mpz_set_si(z, (long)v);
#else
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    mpz_import(z, 1, -1, sizeof m, 0, 0, &m);
    if (v < 0)
        mpz_neg(z, z);
#endif
}

/* z must satisfy |z| < 2^63. */
static int64_t z_get_i64(mpz_srcptr z)
{
#if LONG_MAX >= INT64_MAX
    return (int64_t)mpz_get_si(z);
#else
    uint64_t m = 0;
    size_t cnt = 0;
    mpz_export(&m, &cnt, -1, sizeof m, 0, 0, z);
    int64_t v = (int64_t)m;
    return mpz_sgn(z) < 0 ? -v : v;
#endif
}

/* z := z * 10^k */
static void z_mul_pow10(mpz_ptr z, unsigned long k)
{
    if (k == 0)
        return;
#if ULONG_MAX >= 1000000000000000000ULL
    if (k <= DEC_POW10_MAX) {
        mpz_mul_ui(z, z, (unsigned long)dec_pow10[k]);
        return;
    }
#endif
    mpz_t t;
    mpz_init(t);
    mpz_ui_pow_ui(t, 10, k);
    mpz_mul(z, z, t);
    mpz_clear(t);
}

/* ------------------------------------------------------------------------ */
/* Loading values into GMP and storing GMP results back (normalising)       */
/* ------------------------------------------------------------------------ */

/* z := coefficient of decimal a (SMALL or BIG). */
static void load_z(mpz_ptr z, const dec_t *a)
{
    if (a->kind == DEC_K_SMALL)
        z_set_i64(z, a->coef);
    else
        mpz_set(z, (mpz_srcptr)a->big);
}

/* q := exact value of a (any kind), canonical. */
static void load_q(mpq_ptr q, const dec_t *a)
{
    if (a->kind == DEC_K_RAT) {
        mpq_set(q, (mpq_srcptr)a->big);
        return;
    }
    load_z(mpq_numref(q), a);
    mpz_ui_pow_ui(mpq_denref(q), 10, (unsigned long)a->scale);
    mpq_canonicalize(q);
}

/* r := z * 10^-scale, z consumed (swapped into r or left with junk).
 * 0 <= scale <= DEC_MAX_SCALE is the caller's duty. */
static dec_status store_z(dec_t *r, mpz_ptr z, int32_t scale)
{
    size_t bits = mpz_sizeinbase(z, 2);
    if (bits <= 63) {
        set_small(r, z_get_i64(z), scale);
        return DEC_OK;
    }
    if (bits > DEC_MAX_BITS)
        return fail(r, DEC_ELIMIT);
    mpz_swap(want_z(r), z);
    r->scale = scale;
    return DEC_OK;
}

/* r := q (canonical), q consumed.  A terminating value becomes a decimal with
 * the smallest scale >= 0 that holds it exactly (DEC_ELIMIT if that scale
 * exceeds DEC_MAX_SCALE); anything else stays an exact rational. */
static dec_status store_q(dec_t *r, mpq_ptr q)
{
    mpz_ptr num = mpq_numref(q), den = mpq_denref(q);
    if (mpz_cmp_ui(den, 1) == 0)
        return store_z(r, num, 0);

    mp_bitcnt_t twos = mpz_scan1(den, 0);
    mpz_t rest, f;
    mpz_init(rest);
    mpz_init_set_ui(f, 5);
    mpz_tdiv_q_2exp(rest, den, twos);
    mp_bitcnt_t fives = mpz_remove(rest, rest, f);
    dec_status st;
    if (mpz_cmp_ui(rest, 1) == 0) {
        /* q = num / (2^twos * 5^fives) = num * 2^(k-twos) * 5^(k-fives) / 10^k.
         * num is coprime to den, so no smaller k is possible. */
        mp_bitcnt_t k = twos > fives ? twos : fives;
        if (k > DEC_MAX_SCALE) {
            st = fail(r, DEC_ELIMIT);
        } else {
            mpz_mul_2exp(num, num, k - twos);
            if (k > fives) {
                mpz_ui_pow_ui(f, 5, (unsigned long)(k - fives));
                mpz_mul(num, num, f);
            }
            st = store_z(r, num, (int32_t)k);
        }
    } else if (mpz_sizeinbase(num, 2) > DEC_MAX_BITS ||
               mpz_sizeinbase(den, 2) > DEC_MAX_BITS) {
        st = fail(r, DEC_ELIMIT);
    } else {
        mpq_swap(want_q(r), q);
        r->scale = 0;
        st = DEC_OK;
    }
    mpz_clear(rest);
    mpz_clear(f);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Small helpers for the int64 fast path                                    */
/* ------------------------------------------------------------------------ */

/* *out := c * 10^k if it fits (and is not INT64_MIN). */
static inline bool scale_up(int64_t c, int k, int64_t *out)
{
    if (c == 0) {
        *out = 0;
        return true;
    }
    if (k > DEC_POW10_MAX)
        return false;
    int64_t v;
    /* v == INT64_MIN is unreachable: for k > 0 v is a multiple of 10 and
     * INT64_MIN is not; for k == 0 v is c, never INT64_MIN (callers pass
     * SMALL coefficients, quotients of them, or at most 18 parsed digits) */
    if (__builtin_mul_overflow(c, dec_pow10[k], &v) || v == INT64_MIN)
        return false;
    *out = v;
    return true;
}

static inline uint64_t uabs64(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* Its one caller (div_fast) passes a != 0 and b > 0: the zero cases are
 * unreachable. */
static inline uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    if (a == 0) /* GCOVR_EXCL_BR_LINE */
        return b;
    if (b == 0) /* GCOVR_EXCL_BR_LINE */
        return a;
    int sh = __builtin_ctzll(a | b);
    a >>= __builtin_ctzll(a);
    do {
        b >>= __builtin_ctzll(b);
        if (a > b) {
            uint64_t t = a;
            a = b;
            b = t;
        }
        b -= a;
    } while (b != 0);
    return a << sh;
}

/* Whether a truncated quotient moves one unit away from zero.
 * sign: sign of the exact value; half: |remainder| compared with half a unit
 * (-1, 0, 1); odd: the truncated quotient is odd.  Only called when the
 * remainder is nonzero. */
static inline bool round_away(dec_mode m, int sign, int half, bool odd)
{
    switch (m) { /* the default is unreachable: dec_round refuses other modes first */
    case DEC_HALF_UP:
        return half >= 0;
    case DEC_HALF_EVEN:
        return half > 0 || (half == 0 && odd);
    case DEC_DOWN:
        return false;
    case DEC_UP:
        return true;
    case DEC_FLOOR:
        return sign < 0;
    case DEC_CEILING:
        return sign > 0;
    default:
        return false;
    }
}

/* ------------------------------------------------------------------------ */
/* Construction                                                             */
/* ------------------------------------------------------------------------ */

void dec_init(dec_t *d)
{
    d->coef = 0;
    d->scale = 0;
    d->kind = DEC_K_SMALL;
    d->big = NULL;
}

void dec_clear(dec_t *d)
{
    if (d->kind != DEC_K_SMALL)
        free_big(d);
    d->coef = 0;
    d->scale = 0;
    d->kind = DEC_K_SMALL;
    d->big = NULL;
}

void dec_set(dec_t *r, const dec_t *a)
{
    if (r == a)
        return;
    switch (a->kind) {
    case DEC_K_SMALL:
        set_small(r, a->coef, a->scale);
        break;
    case DEC_K_BIG:
        mpz_set(want_z(r), (mpz_srcptr)a->big);
        r->scale = a->scale;
        break;
    default:
        mpq_set(want_q(r), (mpq_srcptr)a->big);
        r->scale = 0;
        break;
    }
}

static DEC_NOINLINE void set_i64_slow(dec_t *r, int64_t v, int32_t scale)
{
    mpz_ptr z = want_z(r);
    z_set_i64(z, v);
    r->scale = scale;
}

void dec_set_i64(dec_t *r, int64_t v)
{
    if (DEC_LIKELY(v != INT64_MIN))
        set_small(r, v, 0);
    else
        set_i64_slow(r, v, 0);
}

dec_status dec_set_scaled(dec_t *r, int64_t coef, int32_t scale)
{
    if (scale < 0 || scale > DEC_MAX_SCALE)
        return fail(r, DEC_ELIMIT);
    if (DEC_LIKELY(coef != INT64_MIN))
        set_small(r, coef, scale);
    else
        set_i64_slow(r, coef, scale);
    return DEC_OK;
}

/* ------------------------------------------------------------------------ */
/* Parsing                                                                  */
/* ------------------------------------------------------------------------ */

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The common case: [+-]digits[.digits] with at most 18 digits in all, short
 * enough to be an int64 at once.  True if s[0..n) was that and r is set. */
static inline bool parse_small(dec_t *r, const char *s, size_t n)
{
    if (n == 0 || n > 20)
        return false;
    size_t i = s[0] == '-' || s[0] == '+';
    int64_t v = 0;
    int32_t frac = 0;
    int digits = 0;
    bool dot = false;
    for (; i < n; i++) {
        char c = s[i];
        if (is_digit(c)) {
            if (digits == 18) /* more digits than an int64 surely holds: the slow path */
                return false;
            v = v * 10 + (c - '0');
            digits++;
            frac += dot;
        } else if (c == '.' && !dot) {
            dot = true;
        } else {
            return false;
        }
    }
    if (digits == 0)
        return false;
    set_small(r, s[0] == '-' ? -v : v, frac);
    return true;
}

/* Where the parts of a number's text are: s[int0..int0+intn) the integer
 * digits, s[frac0..frac0+fracn) the fraction's, s[exp0..exp0+expn) the
 * exponent's. */
typedef struct num_text {
    bool neg, eneg, pct;
    size_t int0, intn, frac0, fracn, exp0, expn;
} num_text;

/* Splits s[0..n) as [+-] digits* [. digits*] [(e|E) [+-] digits+] [%], with
 * at least one digit before the exponent; false on a syntax error. */
static bool parse_syntax(const char *s, size_t n, num_text *t)
{
    size_t i = 0;
    memset(t, 0, sizeof *t);
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        t->neg = s[i] == '-';
        i++;
    }
    t->int0 = i;
    while (i < n && is_digit(s[i]))
        i++;
    t->intn = i - t->int0;
    t->frac0 = i;
    if (i < n && s[i] == '.') {
        i++;
        t->frac0 = i;
        while (i < n && is_digit(s[i]))
            i++;
        t->fracn = i - t->frac0;
    }
    if (t->intn + t->fracn == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            t->eneg = s[i] == '-';
            i++;
        }
        t->exp0 = i;
        while (i < n && is_digit(s[i]))
            i++;
        t->expn = i - t->exp0;
        if (t->expn == 0)
            return false;
    }
    if (i < n && s[i] == '%') {
        t->pct = true;
        i++;
    }
    return i == n;
}

dec_status dec_parse(dec_t *r, const char *s, size_t n)
{
    if (!s)
        return fail(r, DEC_ESYNTAX);
    if (parse_small(r, s, n))
        return DEC_OK;
    num_text t;
    if (!parse_syntax(s, n, &t))
        return fail(r, DEC_ESYNTAX);
    const bool neg = t.neg, pct = t.pct;
    const size_t int0 = t.int0, intn = t.intn, frac0 = t.frac0, fracn = t.fracn;

    /* limits: exponent digits, resulting scale, significant digits */
    if (t.expn > 4)
        return fail(r, DEC_ELIMIT);
    int64_t e = 0;
    for (size_t j = 0; j < t.expn; j++)
        e = e * 10 + (s[t.exp0 + j] - '0');
    if (t.eneg)
        e = -e;
    if (fracn > 100000) /* scale >= fracn - 9999 would be far out of range */
        return fail(r, DEC_ELIMIT);
    int64_t scale = (int64_t)fracn - e + (pct ? 2 : 0);
    if (scale > DEC_MAX_SCALE || scale < -DEC_MAX_SCALE)
        return fail(r, DEC_ELIMIT);

    char dig[DEC_MAX_DIGITS + 1];
    size_t nd = 0;
    for (size_t j = 0; j < intn + fracn; j++) {
        char c = j < intn ? s[int0 + j] : s[frac0 + (j - intn)];
        if (nd == 0 && c == '0')
            continue;
        if (nd == DEC_MAX_DIGITS)
            return fail(r, DEC_ELIMIT);
        dig[nd++] = c;
    }

    /* the value */
    if (nd <= 18) {
        int64_t v = 0;
        for (size_t j = 0; j < nd; j++)
            v = v * 10 + (dig[j] - '0');
        if (neg)
            v = -v;
        if (scale >= 0) {
            set_small(r, v, (int32_t)scale);
            return DEC_OK;
        }
        int64_t w;
        if (scale_up(v, (int)-scale, &w)) {
            set_small(r, w, 0);
            return DEC_OK;
        }
    }
    mpz_t z;
    mpz_init(z);
    dig[nd] = '\0';
    if (nd > 0) /* GCOVR_EXCL_BR_LINE: always true, zero (nd == 0) took the small path above (scale_up(0, k) holds) */
        mpz_set_str(z, dig, 10);
    if (neg)
        mpz_neg(z, z);
    if (scale < 0) {
        z_mul_pow10(z, (unsigned long)-scale);
        scale = 0;
    }
    dec_status st = store_z(r, z, (int32_t)scale);
    mpz_clear(z);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Addition and subtraction                                                 */
/* ------------------------------------------------------------------------ */

/* x, y := a, b as rationals (x and y are initialised here). */
static void load_q_pair(mpq_ptr x, mpq_ptr y, const dec_t *a, const dec_t *b)
{
    mpq_init(x);
    mpq_init(y);
    load_q(x, a);
    load_q(y, b);
}

/* x, y := the coefficients of a and b at their common scale, which is
 * returned (x and y are initialised here). */
static int32_t load_z_aligned(mpz_ptr x, mpz_ptr y, const dec_t *a, const dec_t *b)
{
    mpz_init(x);
    mpz_init(y);
    load_z(x, a);
    load_z(y, b);
    int32_t s = a->scale > b->scale ? a->scale : b->scale;
    z_mul_pow10(x, (unsigned long)(s - a->scale));
    z_mul_pow10(y, (unsigned long)(s - b->scale));
    return s;
}

/* r := a op b computed on rationals (op: mpq_add, mpq_sub, mpq_mul, mpq_div). */
static dec_status rat_op(dec_t *r, const dec_t *a, const dec_t *b,
                         void (*op)(mpq_ptr, mpq_srcptr, mpq_srcptr))
{
    mpq_t x, y;
    load_q_pair(x, y, a, b);
    op(x, x, y);
    dec_status st = store_q(r, x);
    mpq_clear(x);
    mpq_clear(y);
    return st;
}

static DEC_NOINLINE dec_status addsub_slow(dec_t *r, const dec_t *a,
                                           const dec_t *b, bool sub)
{
    if (a->kind == DEC_K_RAT || b->kind == DEC_K_RAT)
        return rat_op(r, a, b, sub ? mpq_sub : mpq_add);
    mpz_t x, y;
    int32_t s = load_z_aligned(x, y, a, b);
    if (sub)
        mpz_sub(x, x, y);
    else
        mpz_add(x, x, y);
    dec_status st = store_z(r, x, s);
    mpz_clear(x);
    mpz_clear(y);
    return st;
}

static inline dec_status addsub(dec_t *r, const dec_t *a, const dec_t *b, bool sub)
{
    int64_t c;
    int32_t s;
    if (DEC_LIKELY(dec_small_addsub(a, b, sub, &c, &s))) {
        set_small(r, c, s);
        return DEC_OK;
    }
    return addsub_slow(r, a, b, sub);
}

dec_status dec_add(dec_t *r, const dec_t *a, const dec_t *b)
{
    return addsub(r, a, b, false);
}

dec_status dec_sub(dec_t *r, const dec_t *a, const dec_t *b)
{
    return addsub(r, a, b, true);
}

/* ------------------------------------------------------------------------ */
/* Multiplication                                                           */
/* ------------------------------------------------------------------------ */

static DEC_NOINLINE dec_status mul_slow(dec_t *r, const dec_t *a, const dec_t *b)
{
    dec_status st;
    if (a->kind == DEC_K_RAT || b->kind == DEC_K_RAT)
        return rat_op(r, a, b, mpq_mul);
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    load_z(x, a);
    load_z(y, b);
    mpz_mul(x, x, y);
    int32_t s = a->scale + b->scale;
    st = DEC_OK;
    if (s > DEC_MAX_SCALE) {
        /* Too many fractional digits: drop trailing zeros if there are
         * enough of them, otherwise the product is refused. */
        mpz_ui_pow_ui(y, 10, (unsigned long)(s - DEC_MAX_SCALE));
        if (mpz_divisible_p(x, y)) {
            mpz_divexact(x, x, y);
            s = DEC_MAX_SCALE;
        } else {
            st = DEC_ELIMIT;
        }
    }
    if (st == DEC_OK)
        st = store_z(r, x, s);
    else
        fail(r, st);
    mpz_clear(x);
    mpz_clear(y);
    return st;
}

dec_status dec_mul(dec_t *r, const dec_t *a, const dec_t *b)
{
    int64_t c;
    int32_t s;
    if (DEC_LIKELY(dec_small_mul(a, b, &c, &s))) {
        set_small(r, c, s);
        return DEC_OK;
    }
    return mul_slow(r, a, b);
}

/* ------------------------------------------------------------------------ */
/* Division                                                                 */
/* ------------------------------------------------------------------------ */

static DEC_NOINLINE dec_status div_slow(dec_t *r, const dec_t *a, const dec_t *b)
{
    return rat_op(r, a, b, mpq_div);
}

/* SMALL / SMALL with a terminating quotient that fits; false otherwise. */
static inline bool div_fast(dec_t *r, const dec_t *a, const dec_t *b)
{
    int64_t n = a->coef, d = b->coef;
    if (d < 0) { /* neither is INT64_MIN, so this cannot overflow */
        n = -n;
        d = -d;
    }
    if (n == 0) {
        set_small(r, 0, 0);
        return true;
    }
    int64_t g = (int64_t)gcd_u64(uabs64(n), (uint64_t)d);
    n /= g;
    d /= g;
    int twos = __builtin_ctzll((uint64_t)d);
    int64_t rest = d >> twos;
    int fives = 0;
    while (rest % 5 == 0) {
        rest /= 5;
        fives++;
    }
    if (rest != 1)
        return false; /* no finite expansion: a rational */
    int k = twos > fives ? twos : fives;
    if (k > DEC_POW10_MAX)
        return false;
    int64_t c;
    if (__builtin_mul_overflow(n, dec_pow10[k] / d, &c) || c == INT64_MIN)
        return false;
    int32_t s = k + a->scale - b->scale;
    if (s < 0) {
        if (!scale_up(c, -s, &c))
            return false;
        s = 0;
    }
    while (s > 0 && c % 10 == 0) {
        c /= 10;
        s--;
    }
    if (s > DEC_MAX_SCALE)
        return false; /* slow path reports the limit */
    set_small(r, c, s);
    return true;
}

dec_status dec_div(dec_t *r, const dec_t *a, const dec_t *b)
{
    if (DEC_LIKELY(b->kind == DEC_K_SMALL)) {
        if (DEC_UNLIKELY(b->coef == 0))
            return fail(r, DEC_EDIVZERO);
        if (DEC_LIKELY(a->kind == DEC_K_SMALL) && div_fast(r, a, b))
            return DEC_OK;
    }
    /* BIG and RAT values are never zero. */
    return div_slow(r, a, b);
}

/* ------------------------------------------------------------------------ */
/* Sign-only operations                                                     */
/* ------------------------------------------------------------------------ */

void dec_neg(dec_t *r, const dec_t *a)
{
    switch (a->kind) {
    case DEC_K_SMALL:
        set_small(r, -a->coef, a->scale);
        break;
    case DEC_K_BIG: {
        int32_t s = a->scale;
        mpz_ptr z = want_z(r); /* a is not freed: if r != a, a stays intact */
        mpz_neg(z, (mpz_srcptr)a->big);
        r->scale = s;
        break;
    }
    default: {
        mpq_ptr q = want_q(r);
        mpq_neg(q, (mpq_srcptr)a->big);
        break;
    }
    }
}

int dec_sign(const dec_t *a)
{
    switch (a->kind) {
    case DEC_K_SMALL:
        return (a->coef > 0) - (a->coef < 0);
    case DEC_K_BIG:
        return mpz_sgn((mpz_srcptr)a->big);
    default:
        return mpq_sgn((mpq_srcptr)a->big);
    }
}

void dec_abs(dec_t *r, const dec_t *a)
{
    if (dec_sign(a) < 0)
        dec_neg(r, a);
    else
        dec_set(r, a);
}

/* ------------------------------------------------------------------------ */
/* Comparison                                                               */
/* ------------------------------------------------------------------------ */

static DEC_NOINLINE int cmp_slow(const dec_t *a, const dec_t *b)
{
    int c;
    if (a->kind == DEC_K_RAT || b->kind == DEC_K_RAT) {
        mpq_t x, y;
        load_q_pair(x, y, a, b);
        c = mpq_cmp(x, y);
        mpq_clear(x);
        mpq_clear(y);
    } else {
        mpz_t x, y;
        load_z_aligned(x, y, a, b);
        c = mpz_cmp(x, y);
        mpz_clear(x);
        mpz_clear(y);
    }
    return (c > 0) - (c < 0);
}

int dec_cmp(const dec_t *a, const dec_t *b)
{
    if (DEC_LIKELY(a->kind == DEC_K_SMALL && b->kind == DEC_K_SMALL)) {
        int64_t x = a->coef, y = b->coef;
        int32_t sa = a->scale, sb = b->scale;
        if (sa == sb)
            return (x > y) - (x < y);
        int gx = (x > 0) - (x < 0), gy = (y > 0) - (y < 0);
        if (gx != gy)
            return (gx > gy) - (gx < gy);
        if (gx == 0)
            return 0;
        /* same nonzero sign: rescale the one with fewer fractional digits;
         * if that overflows its magnitude is the larger one. */
        if (sa < sb) {
            if (!scale_up(x, sb - sa, &x))
                return gx;
        } else {
            if (!scale_up(y, sa - sb, &y))
                return -gy;
        }
        return (x > y) - (x < y);
    }
    return cmp_slow(a, b);
}

void dec_min(dec_t *r, const dec_t *a, const dec_t *b)
{
    dec_set(r, dec_cmp(a, b) <= 0 ? a : b);
}

void dec_max(dec_t *r, const dec_t *a, const dec_t *b)
{
    dec_set(r, dec_cmp(a, b) >= 0 ? a : b);
}

/* ------------------------------------------------------------------------ */
/* Integer queries                                                          */
/* ------------------------------------------------------------------------ */

bool dec_is_finite(const dec_t *a)
{
    return a->kind != DEC_K_RAT;
}

/* For a decimal: q := coefficient / 10^scale when that is exact. */
static bool big_int_part(const dec_t *a, mpz_ptr q)
{
    mpz_t p;
    mpz_init(p);
    mpz_ui_pow_ui(p, 10, (unsigned long)a->scale);
    bool ok = mpz_divisible_p((mpz_srcptr)a->big, p) != 0;
    if (ok)
        mpz_divexact(q, (mpz_srcptr)a->big, p);
    mpz_clear(p);
    return ok;
}

bool dec_is_integer(const dec_t *a)
{
    switch (a->kind) {
    case DEC_K_SMALL:
        if (a->scale == 0 || a->coef == 0)
            return true;
        if (a->scale > DEC_POW10_MAX)
            return false; /* 0 < |coef| < 10^19 <= 10^scale */
        return a->coef % dec_pow10[a->scale] == 0;
    case DEC_K_BIG: {
        if (a->scale == 0)
            return true;
        mpz_t q;
        mpz_init(q);
        bool ok = big_int_part(a, q);
        mpz_clear(q);
        return ok;
    }
    default:
        return false; /* a RAT's denominator is > 1 */
    }
}

bool dec_to_i64(const dec_t *a, int64_t *out)
{
    switch (a->kind) {
    case DEC_K_SMALL:
        if (a->scale == 0 || a->coef == 0) {
            *out = a->coef;
            return true;
        }
        if (a->scale > DEC_POW10_MAX || a->coef % dec_pow10[a->scale] != 0)
            return false;
        *out = a->coef / dec_pow10[a->scale];
        return true;
    case DEC_K_BIG: {
        mpz_t q;
        mpz_init(q);
        bool ok = big_int_part(a, q);
        if (ok) {
            size_t bits = mpz_sizeinbase(q, 2);
            if (bits <= 63) {
                *out = z_get_i64(q);
            } else if (mpz_sgn(q) < 0 && bits == 64 && mpz_scan1(q, 0) == 63) {
                *out = INT64_MIN; /* exactly -2^63 */
            } else {
                ok = false;
            }
        }
        mpz_clear(q);
        return ok;
    }
    default:
        return false;
    }
}

/* ------------------------------------------------------------------------ */
/* Rounding                                                                 */
/* ------------------------------------------------------------------------ */

static DEC_NOINLINE dec_status round_slow(dec_t *r, const dec_t *a, int p, dec_mode m)
{
    int32_t outs = p > 0 ? p : 0;
    mpz_t num, den, q, rem;
    mpz_init(num);
    mpz_init(den);
    mpz_init(q);
    mpz_init(rem);
    dec_status st;
    /* the value to round to an integer is num/den = a * 10^p, den > 0 */
    if (a->kind == DEC_K_RAT) {
        mpz_set(num, mpq_numref((mpq_srcptr)a->big));
        mpz_set(den, mpq_denref((mpq_srcptr)a->big));
        if (p >= 0)
            z_mul_pow10(num, (unsigned long)p);
        else
            z_mul_pow10(den, (unsigned long)-p);
    } else {
        load_z(num, a);
        if (p >= a->scale) {
            z_mul_pow10(num, (unsigned long)(p - a->scale));
            st = store_z(r, num, outs);
            goto done;
        }
        mpz_ui_pow_ui(den, 10, (unsigned long)(a->scale - p));
    }
    mpz_tdiv_qr(q, rem, num, den);
    if (mpz_sgn(rem) != 0) {
        int sign = mpz_sgn(num);
        mpz_mul_2exp(rem, rem, 1);
        int h = mpz_cmpabs(rem, den);
        h = (h > 0) - (h < 0);
        if (round_away(m, sign, h, mpz_odd_p(q) != 0)) {
            if (sign > 0)
                mpz_add_ui(q, q, 1);
            else
                mpz_sub_ui(q, q, 1);
        }
    }
    if (p < 0)
        z_mul_pow10(q, (unsigned long)-p);
    st = store_z(r, q, outs);
done:
    mpz_clear(num);
    mpz_clear(den);
    mpz_clear(q);
    mpz_clear(rem);
    return st;
}

dec_status dec_round(dec_t *r, const dec_t *a, int places, dec_mode m)
{
    if (places < -DEC_MAX_PLACES || places > DEC_MAX_PLACES)
        return fail(r, DEC_ELIMIT);
    if ((unsigned)m >= (unsigned)DEC_MODE_COUNT)
        return fail(r, DEC_ESYNTAX);
    if (DEC_LIKELY(a->kind == DEC_K_SMALL)) {
        int64_t c = a->coef, v;
        int32_t s = a->scale;
        if (places >= s) {
            if (scale_up(c, places - s, &v)) {
                set_small(r, v, places);
                return DEC_OK;
            }
        } else {
            int d = s - places; /* 1 .. 800 */
            int64_t q, rem;
            int half = -1;
            if (d <= DEC_POW10_MAX) {
                q = c / dec_pow10[d];
                rem = c % dec_pow10[d];
                if (rem != 0) {
                    uint64_t ar = uabs64(rem), h = (uint64_t)dec_pow10[d] / 2;
                    half = (ar > h) - (ar < h);
                }
            } else {
                /* |c| < 10^19 <= 10^d: the quotient is 0, the remainder c */
                q = 0;
                rem = c;
                if (d == DEC_POW10_MAX + 1) {
                    uint64_t ar = uabs64(rem), h = UINT64_C(5000000000000000000);
                    half = (ar > h) - (ar < h);
                }
            }
            if (rem != 0 && round_away(m, c < 0 ? -1 : 1, half, q % 2 != 0))
                q += c < 0 ? -1 : 1;
            if (places >= 0) {
                set_small(r, q, places);
                return DEC_OK;
            }
            if (scale_up(q, -places, &v)) {
                set_small(r, v, 0);
                return DEC_OK;
            }
        }
    }
    return round_slow(r, a, places, m);
}

/* ------------------------------------------------------------------------ */
/* Formatting                                                               */
/* ------------------------------------------------------------------------ */

typedef struct {
    char *buf;
    size_t cap; /* bytes available including the NUL */
    size_t len; /* bytes that the full text needs */
} emit_t;

static void em_mem(emit_t *e, const char *s, size_t n)
{
    if (e->cap > 0 && e->len < e->cap - 1) {
        size_t room = e->cap - 1 - e->len;
        memcpy(e->buf + e->len, s, n < room ? n : room);
    }
    e->len += n;
}

static void em_rep(emit_t *e, char c, size_t n)
{
    if (e->cap > 0 && e->len < e->cap - 1) {
        size_t room = e->cap - 1 - e->len;
        memset(e->buf + e->len, c, n < room ? n : room);
    }
    e->len += n;
}

static int em_finish(emit_t *e)
{
    if (e->cap > 0)
        e->buf[e->len < e->cap - 1 ? e->len : e->cap - 1] = '\0';
    /* unreachable: a decimal prints in a few thousand characters (DEC_MAX_BITS) */
    return e->len > (size_t)INT_MAX ? -1 : (int)e->len; /* GCOVR_EXCL_BR_LINE */
}

/* Writes the decimal whose magnitude has digits dig[0..nd) (no leading
 * zeros, nd >= 1; "0" for zero) and scale s, with at least min_places
 * fractional digits and no trailing zeros beyond them. */
static void em_decimal(emit_t *e, bool neg, const char *dig, size_t nd,
                       size_t s, size_t min_places)
{
    bool zero = nd == 1 && dig[0] == '0';
    size_t keep;
    if (zero) {
        keep = 0;
    } else {
        size_t tz = 0;
        while (tz < nd && dig[nd - 1 - tz] == '0') /* tz < nd always: dig[0] is not '0' */
            tz++;
        keep = s - (tz < s ? tz : s); /* fractional digits that matter */
    }
    size_t shown = keep > min_places ? keep : min_places;
    if (neg && !zero) /* neg && zero is unreachable: zero has no sign */
        em_rep(e, '-', 1);
    if (zero) {
        em_rep(e, '0', 1);
    } else if (nd > s) {
        em_mem(e, dig, nd - s);
    } else {
        em_rep(e, '0', 1);
    }
    if (shown == 0)
        return;
    em_rep(e, '.', 1);
    if (zero) {
        em_rep(e, '0', shown);
        return;
    }
    /* the fractional digits of the value are s digits: (s - nd) zeros if
     * nd < s, then the last min(nd, s) digits; we print the first `keep` of
     * them and then pad to `shown` */
    size_t lead = nd < s ? s - nd : 0;
    const char *fd = nd > s ? dig + (nd - s) : dig;
    if (keep <= lead) {
        em_rep(e, '0', keep);
    } else {
        em_rep(e, '0', lead);
        em_mem(e, fd, keep - lead);
    }
    em_rep(e, '0', shown - keep);
}

/* Digits of |coefficient| of a decimal (SMALL or BIG) into a buffer.
 * Returns the digit pointer and count; *heap is set if it was malloced. */
#define DIGBUF 2600 /* > digits of a DEC_MAX_BITS-bit number + sign + NUL */

static const char *coef_digits(const dec_t *a, char *tmp, size_t *nd, bool *neg,
                               char **heap)
{
    *heap = NULL;
    if (a->kind == DEC_K_SMALL) {
        uint64_t m = uabs64(a->coef);
        char *p = tmp + 24;
        size_t n = 0;
        do {
            *--p = (char)('0' + (int)(m % 10));
            m /= 10;
            n++;
        } while (m != 0);
        *nd = n;
        *neg = a->coef < 0;
        return p;
    }
    mpz_srcptr z = (mpz_srcptr)a->big;
    size_t need = mpz_sizeinbase(z, 10) + 2;
    char *b = tmp;
    if (need > DIGBUF) /* GCOVR_EXCL_BR_LINE: unreachable, DIGBUF holds any DEC_MAX_BITS number */
        b = *heap = pol_xmalloc(need);
    mpz_get_str(b, 10, z);
    *neg = b[0] == '-';
    const char *d = *neg ? b + 1 : b;
    *nd = strlen(d);
    return d;
}

/* "00" .. "99": two digits per division when printing. */
static const char DIGIT_PAIRS[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Writes the `count` lowest decimal digits of *m backwards before q (and
 * divides *m by 10^count); returns the new start. */
static inline char *put_digits_back(char *q, uint64_t *m, int count)
{
    uint64_t v = *m;
    for (; count >= 2; count -= 2) {
        memcpy(q -= 2, DIGIT_PAIRS + 2 * (v % 100), 2);
        v /= 100;
    }
    if (count) {
        *--q = (char)('0' + (int)(v % 10));
        v /= 10;
    }
    *m = v;
    return q;
}

/* Writes the text of the SMALL value m * 10^-s (m >= 0, s <= frac, no
 * trailing zeros to drop) backwards so that it ends just before q, padded
 * with zeros to `frac` fractional digits; returns the start. */
static char *format_back(char *q, uint64_t m, int s, int frac, bool neg)
{
    for (int k = s; k < frac; k++)
        *--q = '0';
    q = put_digits_back(q, &m, s);
    if (frac > 0)
        *--q = '.';
    while (m >= 100)
        q = put_digits_back(q, &m, 2);
    q = put_digits_back(q, &m, m >= 10 ? 2 : 1);
    if (neg)
        *--q = '-';
    return q;
}

/* dec_format() for the common case: a SMALL value with a short fraction.
 * Same text as em_decimal(): trailing fractional zeros dropped down to
 * min_places, then zeros padded up to it.  The length is worked out first
 * so that the text is written in place. */
static int format_small(const dec_t *a, int min_places, char *buf, size_t cap)
{
    uint64_t m = uabs64(a->coef);
    int s = a->scale;
    while (s > min_places && m % 10 == 0) {
        m /= 10;
        s--;
    }
    int digits = 1; /* of m */
    while (digits <= DEC_POW10_MAX && m >= (uint64_t)dec_pow10[digits])
        digits++;
    int frac = s > min_places ? s : min_places;
    bool neg = a->coef < 0;
    size_t n = (size_t)neg + (size_t)(digits > s ? digits - s : 1) + (frac > 0 ? 1 + (size_t)frac : 0);
    if (n < cap) {
        format_back(buf + n, m, s, frac, neg);
        buf[n] = '\0';
    } else if (cap > 0) {
        char t[64]; /* 1 + 19 + 1 + 20 + 20 */
        char *q = format_back(t + sizeof t, m, s, frac, neg);
        memcpy(buf, q, cap - 1);
        buf[cap - 1] = '\0';
    }
    return (int)n;
}

/* Decimal digits of m (m < 2^63): from its bit length, then one compare. */
static inline int digit_count(uint64_t m)
{
    if (m < 10)
        return 1;
    int d = ((64 - __builtin_clzll(m)) * 1233) >> 12; /* log10(2) ~ 1233/4096; 1..18 here */
    return d + (m >= (uint64_t)dec_pow10[d]);
}

/* dec_format() for the commonest case of all, an amount with no more
 * fractional digits than the places shown (220.8 shown with 2): the
 * integer part, then the fraction padded to `places`; nothing to drop.
 * Needs 0 <= scale <= places <= DEC_POW10_MAX and the text to fit in cap. */
static inline __attribute__((always_inline)) int format_fixed(const dec_t *a, int places, char *buf, size_t cap)
{
    uint64_t m = uabs64(a->coef), ip, fp;
    switch (a->scale) { /* amounts have 0, 1 or 2 places: a constant divisor is a multiply, not a divq */
    case 0: ip = m; fp = 0; break;
    case 1: ip = m / 10; fp = m % 10; break;
    case 2: ip = m / 100; fp = m % 100; break;
    default: ip = m / (uint64_t)dec_pow10[a->scale]; fp = m % (uint64_t)dec_pow10[a->scale]; break;
    }
    fp *= (uint64_t)dec_pow10[places - a->scale];
    bool neg = a->coef < 0;
    size_t n = (size_t)neg + (size_t)digit_count(ip) + (places ? 1 + (size_t)places : 0);
    if (n >= cap)
        return -1;
    char *q = buf + n;
    *q = '\0';
    if (places) {
        q = put_digits_back(q, &fp, places);
        *--q = '.';
    }
    while (ip >= 100)
        q = put_digits_back(q, &ip, 2);
    q = put_digits_back(q, &ip, ip >= 10 ? 2 : 1);
    if (neg)
        *--q = '-';
    return (int)n;
}

/* dec_format() for every value format_fixed() does not take; out of line,
 * so that the common case needs no stack frame of its own. */
static DEC_NOINLINE int format_other(const dec_t *a, int min_places, char *buf, size_t cap, dec_status *st)
{
    /* 19 integer digits, '-', '.', at most 20 + 20 fractional: fits t[64] */
    if (DEC_LIKELY(a->kind == DEC_K_SMALL && a->scale <= 20 && min_places <= 20)) {
        if (st)
            *st = DEC_OK;
        return format_small(a, min_places < 0 ? 0 : min_places, buf, cap);
    }
    emit_t e = {buf, cap, 0};
    if (a->kind == DEC_K_RAT) {
        if (st)
            *st = DEC_ENOTFINITE;
        em_finish(&e);
        return -1;
    }
    char tmp[DIGBUF];
    char *heap;
    size_t nd;
    bool neg;
    const char *d = coef_digits(a, tmp, &nd, &neg, &heap);
    em_decimal(&e, neg, d, nd, (size_t)a->scale, min_places > 0 ? (size_t)min_places : 0);
    free(heap);
    int n = em_finish(&e);
    if (st)
        *st = n < 0 ? DEC_ELIMIT : DEC_OK; /* GCOVR_EXCL_BR_LINE: n < 0 is unreachable (em_finish) */
    return n;
}

int dec_format(const dec_t *a, int min_places, char *buf, size_t cap, dec_status *st)
{
    if (DEC_LIKELY(a->kind == DEC_K_SMALL && a->scale <= min_places && min_places <= DEC_POW10_MAX)) {
        int n = format_fixed(a, min_places, buf, cap);
        if (DEC_LIKELY(n >= 0)) {
            if (st)
                *st = DEC_OK;
            return n;
        }
    }
    return format_other(a, min_places, buf, cap, st);
}

int dec_format_exact(const dec_t *a, char *buf, size_t cap)
{
    if (a->kind != DEC_K_RAT)
        return dec_format(a, 0, buf, cap, NULL);
    emit_t e = {buf, cap, 0};
    mpq_srcptr q = (mpq_srcptr)a->big;
    size_t need = mpz_sizeinbase(mpq_numref(q), 10) + mpz_sizeinbase(mpq_denref(q), 10) + 3;
    char tmp[2 * DIGBUF];
    /* unreachable: numerator and denominator have at most DEC_MAX_BITS bits, which tmp holds */
    char *b = need > sizeof tmp ? pol_xmalloc(need) : tmp; /* GCOVR_EXCL_BR_LINE */
    mpq_get_str(b, 10, q);
    em_mem(&e, b, strlen(b));
    if (b != tmp) /* GCOVR_EXCL_BR_LINE */
        free(b);
    return em_finish(&e);
}

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

const char *dec_status_text(dec_status s)
{
    switch (s) {
    case DEC_OK:
        return "ok";
    case DEC_ESYNTAX:
        return N_("not a number");
    case DEC_EDIVZERO:
        return N_("division by zero");
    case DEC_ELIMIT:
        return N_("number too large or too precise");
    case DEC_ENOTFINITE:
        return N_("no finite decimal expansion");
    }
    return "unknown error";
}

const char *dec_mode_name(dec_mode m)
{
    switch (m) {
    case DEC_HALF_UP:
        return "half_up";
    case DEC_HALF_EVEN:
        return "half_even";
    case DEC_DOWN:
        return "down";
    case DEC_UP:
        return "up";
    case DEC_FLOOR:
        return "floor";
    case DEC_CEILING:
        return "ceiling";
    case DEC_MODE_COUNT:
        break;
    }
    return "unknown";
}
