/* dec.h -- exact decimal numbers: the one place numbers live in pol.
 *
 * Every amount, rate and count that a policy computes is a dec_t.  A value is
 * exact: a decimal coefficient times a power of ten (coef * 10^-scale), kept in
 * an int64 while it fits and in a GMP integer when it does not, or, after a
 * division whose quotient has no finite decimal expansion (1/3), an exact GMP
 * rational.  Nothing here ever uses binary floating point.  Rounding happens
 * only in dec_round(), in the mode the caller names.
 *
 * Shares its contract with: runtime/dec.c (implementation), tests/unit/test_dec.c
 * and tests/unit/dec_oracle.py (unit and differential tests), docs/numbers.md.
 *
 * Ownership: a dec_t must be dec_init()ed before use and dec_clear()ed after;
 * every function writes its result into an already initialised `r`, which may
 * alias an argument.  Arguments are never consumed.
 */
#ifndef POL_DEC_H
#define POL_DEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Representation kinds; callers should not depend on them except for speed. */
enum { DEC_K_SMALL = 0, DEC_K_BIG = 1, DEC_K_RAT = 2 };

typedef struct dec {
    int64_t coef;   /* DEC_K_SMALL: value = coef * 10^-scale                 */
    int32_t scale;  /* SMALL/BIG: number of fractional digits, 0..DEC_MAX_SCALE */
    uint8_t kind;   /* DEC_K_*                                                  */
    void *big;      /* BIG: mpz_ptr coefficient; RAT: mpq_ptr value; owned     */
} dec_t;

/* Result of every operation that can fail.  DEC_OK is 0. */
typedef enum {
    DEC_OK = 0,
    DEC_ESYNTAX,    /* text is not a number                                   */
    DEC_EDIVZERO,   /* division by zero                                       */
    DEC_ELIMIT,     /* a resource limit: too many digits, exponent, size      */
    DEC_ENOTFINITE  /* value has no finite decimal expansion (formatting)     */
} dec_status;

/* Rounding modes.  "Half" modes round to nearest and break ties as named;
 * the others are directed.  Negative numbers: HALF_UP rounds ties away from
 * zero (-2.5 -> -3, the 四舍五入 of a magnitude), DOWN is toward zero, UP is
 * away from zero, FLOOR toward -infinity, CEILING toward +infinity. */
typedef enum {
    DEC_HALF_UP = 0,  /* 四舍五入, ties away from zero                        */
    DEC_HALF_EVEN,    /* banker's rounding, ties to the even neighbour        */
    DEC_DOWN,         /* truncate toward zero (去尾)                          */
    DEC_UP,           /* away from zero (进一)                                */
    DEC_FLOOR,        /* toward -infinity                                     */
    DEC_CEILING,      /* toward +infinity                                     */
    DEC_MODE_COUNT
} dec_mode;

/* Limits: no input may ask GMP for unbounded memory. */
#define DEC_MAX_DIGITS 400      /* significant digits accepted by dec_parse   */
#define DEC_MAX_SCALE 400       /* fractional digits carried by a decimal     */
#define DEC_MAX_BITS 8192       /* bits in any coefficient, numerator, denominator */
#define DEC_MAX_PLACES 400      /* |places| accepted by dec_round             */

/* Limits on decimal places in a policy: the one statement of each, used by
 * the lexer, parser, checker, bytecode verifier and libpol.
 *   POL_NUMBER_MAX_DIGITS   characters in a number literal (= DEC_MAX_DIGITS)
 *   POL_OUTPUT_MAX_PLACES   `places N` on an output: the places it prints at
 *   POL_ROUND_MAX_PLACES    |N| in round(x, N): checked at compile time and
 *                           again by the verifier for every OP_ROUND        */
#define POL_NUMBER_MAX_DIGITS DEC_MAX_DIGITS
#define POL_OUTPUT_MAX_PLACES 20
#define POL_ROUND_MAX_PLACES 60

void dec_init(dec_t *d);                       /* d := 0                      */
void dec_clear(dec_t *d);                      /* frees; d is 0 again, reusable */
void dec_set(dec_t *r, const dec_t *a);        /* r := a                      */
void dec_set_i64(dec_t *r, int64_t v);         /* r := v                      */
/* r := coef * 10^-scale; scale in 0..DEC_MAX_SCALE, else DEC_ELIMIT. */
dec_status dec_set_scaled(dec_t *r, int64_t coef, int32_t scale);

/* Parse the whole of s[0..n): optional sign, digits, optional '.' and digits,
 * optional exponent (e/E, sign, at most 4 digits), optional trailing '%'
 * (divides by 100).  "4416", "-0.05", "220.80", "5%", "1.5e3", "+7", ".5", "5."
 * No spaces, no thousands separators.  Keeps the written scale: "220.80" has
 * scale 2.  On error r is left 0. */
dec_status dec_parse(dec_t *r, const char *s, size_t n);

/* 10^0 .. 10^DEC_POW10_MAX: every power of ten an int64 holds. */
#define DEC_POW10_MAX 18
extern const int64_t dec_pow10[DEC_POW10_MAX + 1];

/* The int64 cases of dec_add/dec_sub and of dec_mul, stated once: dec.c's own
 * fast paths and the VM's dispatch loop (which inlines them) both call these.
 * True when a and b are both DEC_K_SMALL and the exact result fits an int64
 * other than INT64_MIN (no SMALL coefficient is INT64_MIN); the result is then
 * *c * 10^-*s and the caller stores it.  False otherwise, with nothing
 * written: the caller goes to dec_add / dec_sub / dec_mul, which take the
 * GMP path.  The one with fewer places is brought to the other's first
 * (220.8 + 144 is 2208 + 1440 at one place). */
static inline bool dec_small_addsub(const dec_t *a, const dec_t *b, bool sub,
                                    int64_t *c, int32_t *s)
{
    if (a->kind != DEC_K_SMALL || b->kind != DEC_K_SMALL)
        return false;
    int64_t x = a->coef, y = b->coef, v;
    int32_t sa = a->scale, sb = b->scale;
    /* a multiple of 10 is never INT64_MIN: no check after these products;
     * 0 stays 0 however many places it is brought to */
    if (sa < sb) {
        if (sb - sa > DEC_POW10_MAX ? x != 0 : __builtin_mul_overflow(x, dec_pow10[sb - sa], &x))
            return false;
    } else if (sb < sa) {
        if (sa - sb > DEC_POW10_MAX ? y != 0 : __builtin_mul_overflow(y, dec_pow10[sa - sb], &y))
            return false;
    }
    if (sub ? __builtin_sub_overflow(x, y, &v) : __builtin_add_overflow(x, y, &v))
        return false;
    if (v == INT64_MIN)
        return false;
    *c = v;
    *s = sa > sb ? sa : sb;
    return true;
}

static inline bool dec_small_mul(const dec_t *a, const dec_t *b, int64_t *c, int32_t *s)
{
    if (a->kind != DEC_K_SMALL || b->kind != DEC_K_SMALL)
        return false;
    int32_t sc = a->scale + b->scale;
    int64_t v;
    if (sc > DEC_MAX_SCALE || __builtin_mul_overflow(a->coef, b->coef, &v) || v == INT64_MIN)
        return false;
    *c = v;
    *s = sc;
    return true;
}

dec_status dec_add(dec_t *r, const dec_t *a, const dec_t *b);
dec_status dec_sub(dec_t *r, const dec_t *a, const dec_t *b);
dec_status dec_mul(dec_t *r, const dec_t *a, const dec_t *b);
dec_status dec_div(dec_t *r, const dec_t *a, const dec_t *b); /* exact; /0 is DEC_EDIVZERO */
void dec_neg(dec_t *r, const dec_t *a);
void dec_abs(dec_t *r, const dec_t *a);
void dec_min(dec_t *r, const dec_t *a, const dec_t *b);
void dec_max(dec_t *r, const dec_t *a, const dec_t *b);

int dec_cmp(const dec_t *a, const dec_t *b);   /* <0, 0, >0 by value          */
int dec_sign(const dec_t *a);                  /* -1, 0, 1                    */
bool dec_is_integer(const dec_t *a);
bool dec_is_finite(const dec_t *a);            /* has a finite decimal expansion */
/* a as int64 when it is an integer in range; false otherwise. */
bool dec_to_i64(const dec_t *a, int64_t *out);

/* r := a rounded to `places` fractional digits (negative: to tens, hundreds,
 * ...), in mode m.  The result has scale max(places, 0). */
dec_status dec_round(dec_t *r, const dec_t *a, int places, dec_mode m);

/* Canonical text: the exact value with at least `min_places` fractional digits
 * (padding with zeros, never rounding); trailing zeros beyond min_places are
 * dropped, so 2823.6 at 2 is "2823.60", 0.125 at 2 is "0.125", 12 at 0 is "12".
 * No exponent, '-' for negatives, no "-0".  Writes at most cap bytes including
 * the NUL; returns the length needed (excluding NUL), like snprintf, or -1 and
 * DEC_ENOTFINITE in *st if a has no finite expansion (st may be NULL). */
int dec_format(const dec_t *a, int min_places, char *buf, size_t cap, dec_status *st);

/* Exact text for any value, for messages: decimals as dec_format(a,0), other
 * rationals as "p/q".  Same return convention as snprintf. */
int dec_format_exact(const dec_t *a, char *buf, size_t cap);

const char *dec_status_text(dec_status s);     /* "division by zero", ...    */
const char *dec_mode_name(dec_mode m);         /* "half_up", ...             */

#endif
