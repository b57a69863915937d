/* scen.c -- scenario input and output: records in, text out, no JSON tree.
 *
 * The contract is runtime/scen.h.  Three parts:
 *
 *   sc_buf      a growable byte buffer plus JSON and CSV escaping for output;
 *   sc_reader   splits a FILE* into records (JSON Lines or CSV) with one
 *               buffer whose size is bounded by the record limit;
 *   sc_record   a hand-written JSON object parser and a CSV cell splitter that
 *               flatten one record into fields whose values stay text.
 *
 * No floating point anywhere.  The parser is a single pass with no tree and no
 * per-field allocation: a record's field array and scratch buffer are reused,
 * and every string the parser hands out is copied into the scratch buffer,
 * which is sized once per record (decoded text is never longer than its
 * source), so the fields stay valid until the next call on the same record
 * even if the caller's text goes away.  Nested arrays and objects are checked
 * by an iterative walker with a fixed stack of SC_MAX_DEPTH bytes.
 *
 * Memory comes from the shared allocator (runtime/mem.h: growth is
 * overflow-checked there) and field names are hashed with runtime/hash.h.
 */
#include "scen.h"
#include "hash.h"
#include "lang.h"
#include "mem.h"
#include "utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* sc_buf                                                                   */

void sc_buf_init(sc_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void sc_buf_clear(sc_buf *b)
{
    free(b->data);
    sc_buf_init(b);
}

void sc_buf_reset(sc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Room for `extra` more bytes plus a terminating NUL (the buffer's text is
 * always NUL-terminated once it has memory; a convenience, not a promise of
 * scen.h). */
static void buf_reserve(sc_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - 1 - b->len)
        pol_oom();
    POL_GROW_FROM(b->data, b->cap, b->len + extra + 1, 64);
}

void sc_buf_put(sc_buf *b, const char *s, size_t n)
{
    if (n == 0)
        return;
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sc_buf_puts(sc_buf *b, const char *s)
{
    sc_buf_put(b, s, strlen(s));
}

void sc_buf_putc(sc_buf *b, char c)
{
    if (b->len + 1 >= b->cap)
        buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void sc_buf_printf(sc_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    buf_reserve(b, 64);
    va_start(ap, fmt);
    va_copy(ap2, ap);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) { /* an encoding error: append nothing */
        b->data[b->len] = '\0';
        va_end(ap2);
        return;
    }
    if ((size_t)n >= room) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    b->len += (size_t)n;
}

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */

static int seterr(sc_error *err, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills *err (when given) and returns -1. */
static int seterr(sc_error *err, size_t off, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->offset = off;
        pol_tr_vformat2(err->msg, sizeof err->msg, err->text, sizeof err->text, fmt, ap);
        va_end(ap);
    }
    return -1;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Checks that s[0..n) is well-formed UTF-8 without NUL bytes; 0 or -1. */
static int check_text(const unsigned char *s, size_t n, sc_error *err)
{
    size_t i = 0;
    while (i < n) {
        if (n - i >= 8) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            uint64_t stop = (v & HIGHS) | ((v - ONES) & ~v & HIGHS);
            if (stop == 0) {
                i += 8; /* eight ASCII bytes, none of them NUL */
                continue;
            }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            i += (size_t)__builtin_ctzll(stop) >> 3; /* to the first that is not (scan_string) */
#endif
        }
        unsigned char c = s[i];
        if (c == 0)
            return seterr(err, i, "NUL byte in the record");
        if (c < 0x80) {
            i++;
            continue;
        }
        do { /* a run of non-ASCII characters */
            size_t k = utf8_quick(s + i, n - i);
            if (!k) {
                const char *why = "";
                k = utf8_seq(s + i, n - i, &why);
                if (!k)
                    return seterr(err, i, "invalid UTF-8 byte 0x%02x%s", s[i], pol_as_frag((char[48]){0}, 48, why));
            }
            i += k;
        } while (i < n && s[i] >= 0x80);
    }
    return 0;
}

static const char replacement_char[3] = {'\xEF', '\xBF', '\xBD'}; /* U+FFFD */

void sc_buf_json_string(sc_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    buf_reserve(b, n + 2);
    sc_buf_putc(b, '"');
    size_t i = 0, run = 0; /* u[run..i) is pending verbatim output */
    while (i < n) {
        unsigned char c = u[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            const char *why;
            size_t k = utf8_quick(u + i, n - i); /* the common two- and three-byte forms */
            if (!k)
                k = utf8_seq(u + i, n - i, &why);
            if (k) {
                i += k;
                continue;
            }
        }
        sc_buf_put(b, s + run, i - run);
        char esc[8];
        switch (c) {
        case '"': sc_buf_put(b, "\\\"", 2); break;
        case '\\': sc_buf_put(b, "\\\\", 2); break;
        case '\n': sc_buf_put(b, "\\n", 2); break;
        case '\t': sc_buf_put(b, "\\t", 2); break;
        case '\r': sc_buf_put(b, "\\r", 2); break;
        case '\b': sc_buf_put(b, "\\b", 2); break;
        case '\f': sc_buf_put(b, "\\f", 2); break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                sc_buf_put(b, esc, 6);
            } else {
                sc_buf_put(b, replacement_char, 3); /* invalid UTF-8 byte */
            }
        }
        run = ++i;
    }
    sc_buf_put(b, s + run, n - run);
    sc_buf_putc(b, '"');
}

void sc_buf_csv_field(sc_buf *b, const char *s, size_t n)
{
    bool quote = n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
                           s[n - 1] == '\t');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        sc_buf_put(b, s, n);
        return;
    }
    buf_reserve(b, n + 2);
    sc_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            sc_buf_put(b, s + run, i + 1 - run); /* the quote, then again */
            run = i;
        }
    sc_buf_put(b, s + run, n - run);
    sc_buf_putc(b, '"');
}

/* ------------------------------------------------------------------------ */
/* sc_record: fields and duplicate detection                                */

/* The field array is allocated as one block: cap fields followed by a hash
 * table of 2*cap uint16_t slots (index+1, 0 = empty) used to find duplicate
 * names once a record has more than HASH_FROM fields.  cap is a power of two
 * no larger than SC_MAX_FIELDS, so the indexes fit in 16 bits. */
#define HASH_FROM 16

void sc_record_init(sc_record *rec)
{
    rec->fields = NULL;
    rec->count = rec->cap = 0;
    sc_buf_init(&rec->scratch);
}

void sc_record_clear(sc_record *rec)
{
    free(rec->fields);
    sc_buf_clear(&rec->scratch);
    sc_record_init(rec);
}

static uint16_t *rec_table(sc_record *rec)
{
    return (uint16_t *)(void *)(rec->fields + rec->cap);
}

/* Capacity for at least `need` (<= SC_MAX_FIELDS) fields; true if the block
 * moved or grew (the hash table must then be rebuilt). */
static bool rec_reserve(sc_record *rec, int need)
{
    if (need <= rec->cap)
        return false;
    /* one element of the block: a field and its two hash slots */
    size_t c = pol_grow_to((size_t)rec->cap, (size_t)need, 8,
                           sizeof(sc_field) + 2 * sizeof(uint16_t), SC_MAX_FIELDS);
    rec->fields = pol_xrealloc(rec->fields, c * (sizeof(sc_field) + 2 * sizeof(uint16_t)));
    rec->cap = (int)c;
    return true;
}

static void table_insert(sc_record *rec, int idx)
{
    uint16_t *t = rec_table(rec);
    size_t mask = 2 * (size_t)rec->cap - 1;
    size_t h = pol_hash(rec->fields[idx].name, rec->fields[idx].name_len) & mask;
    while (t[h])
        h = (h + 1) & mask;
    t[h] = (uint16_t)(idx + 1);
}

static void table_rebuild(sc_record *rec)
{
    memset(rec_table(rec), 0, 2 * (size_t)rec->cap * sizeof(uint16_t));
    for (int i = 0; i < rec->count; i++)
        table_insert(rec, i);
}


/* Index of a field named s[0..n), or -1. */
static int rec_find(sc_record *rec, const char *s, size_t n, bool hashed)
{
    if (!hashed) {
        for (int i = 0; i < rec->count; i++)
            if (rec->fields[i].name_len == n && sc_same_bytes(rec->fields[i].name, s, n))
                return i;
        return -1;
    }
    const uint16_t *t = rec_table(rec);
    size_t mask = 2 * (size_t)rec->cap - 1;
    for (size_t h = pol_hash(s, n) & mask; t[h]; h = (h + 1) & mask) {
        const sc_field *f = &rec->fields[t[h] - 1];
        if (f->name_len == n && sc_same_bytes(f->name, s, n))
            return t[h] - 1;
    }
    return -1;
}

/* Appends a field named s[0..n) (the caller has checked it is new and that
 * the count stays within SC_MAX_FIELDS). */
static sc_field *rec_push(sc_record *rec, const char *s, size_t n, bool *hashed)
{
    bool moved = rec_reserve(rec, rec->count + 1);
    sc_field *f = &rec->fields[rec->count++];
    f->name = s;
    f->name_len = n;
    f->kind = SCV_NULL;
    f->text = "";
    f->len = 0;
    f->offset = 0;
    if (*hashed) {
        if (moved)
            table_rebuild(rec);
        else
            table_insert(rec, rec->count - 1);
    } else if (rec->count == HASH_FROM) {
        *hashed = true;
        table_rebuild(rec);
    }
    return f;
}

/* A name quoted for a message: escaped, shortened to fit. */
static void fmt_name(char *out, size_t cap, const char *name, size_t n)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t o = 0, i = 0;
    out[o++] = '"';
    while (i < n) {
        if (o + 12 > cap) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            out[o++] = (char)c;
            i++;
        } else {
            const char *why;
            size_t k = utf8_seq(s + i, n - i, &why);
            if (!k) {
                o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
                i++;
            } else {
                memcpy(out + o, s + i, k);
                o += k;
                i += k;
            }
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */

typedef struct jctx {
    const unsigned char *s;
    size_t n;
    sc_error *err;
    bool checked; /* s[0..n) is known to be UTF-8 without NUL (sc_parse_json_object_checked) */
} jctx;

static size_t skip_ws(const jctx *j, size_t i)
{
    while (i < j->n) {
        unsigned char c = j->s[i];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            break;
        i++;
    }
    return i;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* A description of what is at s[i] for "..., found X". */
static void describe(const jctx *j, size_t i, char *out, size_t cap, pol_lang l)
{
    if (i >= j->n) {
        snprintf(out, cap, "%s", FRAG("end of input"));
        return;
    }
    unsigned char c = j->s[i];
    if (c >= 0x20 && c < 0x7F)
        snprintf(out, cap, "'%c'", c);
    else if (c < 0x80)
        pol_tr_format(l, out, cap, "byte 0x%02x", c);
    else {
        const char *why;
        size_t k = utf8_seq(j->s + i, j->n - i, &why);
        snprintf(out, cap, "'%.*s'", (int)k, (const char *)j->s + i);
    }
}

/* "<expected...>, found X" at offset i -- unless the byte there is not valid
 * UTF-8 or is NUL, in which case that is the cause reported. */
static int unexpected(const jctx *j, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int unexpected(const jctx *j, size_t i, const char *fmt, ...)
{
    if (i < j->n && j->s[i] >= 0x80) {
        const char *why = "";
        if (!utf8_seq(j->s + i, j->n - i, &why))
            return seterr(j->err, i, "invalid UTF-8 byte 0x%02x%s", j->s[i], pol_as_frag((char[48]){0}, 48, why));
    }
    if (i < j->n && j->s[i] == 0)
        return seterr(j->err, i, "NUL byte in the record");
    char what[160], what_tr[240], found[24], found_tr[40];
    va_list ap;
    va_start(ap, fmt);
    pol_tr_vformat2(what, sizeof what, what_tr, sizeof what_tr, fmt, ap);
    va_end(ap);
    describe(j, i, found, sizeof found, POL_LANG_EN);
    seterr(j->err, i, "%s, found %s", what, found);
    if (j->err && pol_lang_get() != POL_LANG_EN) {
        describe(j, i, found_tr, sizeof found_tr, pol_lang_get());
        pol_tr_format(pol_lang_get(), j->err->text, sizeof j->err->text, "%s, found %s", what_tr, found_tr);
    }
    return -1;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The four hex digits at s[i..i+4) as a code unit, or -1. */
static long hex4(const jctx *j, size_t i)
{
    if (i > j->n || j->n - i < 4)
        return -1;
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(j->s[i + (size_t)k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Validates the string whose opening quote is at s[i]; *after is the index
 * past its closing quote and *esc tells whether it holds escapes. */
static int scan_string(const jctx *j, size_t i, size_t *after, bool *esc)
{
    const unsigned char *s = j->s;
    const size_t n = j->n, open = i++;
    bool has_esc = false;
    for (;;) {
        /* non-ASCII bytes stop the scan to be checked, unless the text has
         * been checked already */
        const uint64_t high = j->checked ? 0 : ~0ull;
        const unsigned char top = j->checked ? 0xFF : 0x7F;
        while (n - i >= 8) { /* eight bytes with no quote, backslash, control or unchecked non-ASCII byte */
            uint64_t v;
            memcpy(&v, s + i, 8);
            uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
            uint64_t stop = ((v & high) | ((v - ONES * 0x20) & ~v) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS;
            if (stop) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                /* the lowest flag marks the first byte that stops (a borrow
                 * can flag bytes after it, never one before): straight to it */
                i += (size_t)__builtin_ctzll(stop) >> 3;
#endif
                break;
            }
            i += 8;
        }
        while (i < n) {
            unsigned char c = s[i];
            if (c < 0x20 || c == '"' || c == '\\' || c > top)
                break;
            i++;
        }
        if (i >= n)
            return seterr(j->err, open, "unterminated string");
        unsigned char c = s[i];
        if (c == '"') {
            *after = i + 1;
            *esc = has_esc;
            return 0;
        }
        if (c == '\\') {
            has_esc = true;
            if (i + 1 >= n)
                return seterr(j->err, open, "unterminated string");
            unsigned char e = s[i + 1];
            switch (e) {
            case '"': case '\\': case '/': case 'b':
            case 'f': case 'n': case 'r': case 't':
                i += 2;
                break;
            case 'u': {
                long cu = hex4(j, i + 2);
                if (cu < 0)
                    return seterr(j->err, i, "invalid \\u escape: expected four hex digits");
                if (cu >= 0xDC00 && cu <= 0xDFFF)
                    return seterr(j->err, i, "lone surrogate \\u%04lX (a low surrogate without a high one)", cu);
                if (cu >= 0xD800 && cu <= 0xDBFF) {
                    long lo = -1;
                    if (n - i >= 12 && s[i + 6] == '\\' && s[i + 7] == 'u')
                        lo = hex4(j, i + 8);
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return seterr(j->err, i, "lone surrogate \\u%04lX (a high surrogate must be followed by a low one)", cu);
                    i += 12;
                } else {
                    i += 6;
                }
                break;
            }
            default:
                if (e > 0x20 && e < 0x7F)
                    return seterr(j->err, i, "invalid escape '\\%c' in string", e);
                return seterr(j->err, i, "invalid escape in string (byte 0x%02x after '\\')", e);
            }
            continue;
        }
        if (c < 0x20) {
            if (c == 0)
                return seterr(j->err, i, "NUL byte in the record");
            return seterr(j->err, i, "unescaped control character 0x%02x in string", c);
        }
        do { /* a run of non-ASCII characters (Chinese keys are all of them) */
            size_t k = utf8_quick(s + i, n - i);
            if (!k) {
                const char *why = "";
                k = utf8_seq(s + i, n - i, &why);
                if (!k)
                    return seterr(j->err, i, "invalid UTF-8 byte 0x%02x%s", s[i], pol_as_frag((char[48]){0}, 48, why));
            }
            i += k;
        } while (i < n && s[i] >= 0x80);
    }
}

static char *put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

static unsigned long hex4_trusted(const unsigned char *s)
{
    unsigned long v = 0;
    for (int k = 0; k < 4; k++)
        v = v * 16 + (unsigned long)hexval(s[k]);
    return v;
}

/* Decodes the contents s[0..n) of a string already checked by scan_string
 * into o; returns the end of the output.  Never writes more than n bytes. */
static char *decode_string(const unsigned char *s, size_t n, char *o)
{
    size_t i = 0;
    while (i < n) {
        const unsigned char *bs = memchr(s + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - (s + i)) : n - i;
        memcpy(o, s + i, run);
        o += run;
        i += run;
        if (i >= n)
            break;
        unsigned char e = s[i + 1];
        i += 2;
        switch (e) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned long cp = hex4_trusted(s + i);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned long lo = hex4_trusted(s + i + 2);
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            o = put_utf8(o, cp);
            break;
        }
        default: *o++ = (char)e; break; /* " \ / */
        }
    }
    return o;
}

/* Validates the number at s[i]; *after is the index past it. */
static int scan_number(const jctx *j, size_t i, size_t *after)
{
    const unsigned char *s = j->s;
    const size_t n = j->n, start = i;
    if (s[i] == '-')
        i++;
    if (i >= n || !is_digit(s[i]))
        return unexpected(j, i, "expected a digit after '-'");
    if (s[i] == '0') {
        i++;
        if (i < n && is_digit(s[i]))
            return seterr(j->err, start, "leading zeros are not allowed in numbers");
    } else {
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !is_digit(s[i]))
            return unexpected(j, i, "expected a digit after the decimal point");
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !is_digit(s[i]))
            return unexpected(j, i, "expected a digit in the exponent");
        while (i < n && is_digit(s[i]))
            i++;
    }
    *after = i;
    return 0;
}

/* The literal (true/false/null) at s[i], or NULL. */
static const char *match_literal(const jctx *j, size_t i, size_t *litlen)
{
    static const char *const lits[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t l = strlen(lits[k]);
        if (j->n - i >= l && memcmp(j->s + i, lits[k], l) == 0) {
            *litlen = l;
            return lits[k];
        }
    }
    return NULL;
}

/* "an array", "a string", ... for "expected a JSON object, found X". */
static void describe_value(const jctx *j, size_t i, char *out, size_t cap, pol_lang lang)
{
    size_t l;
    const char *lit;
    if (i >= j->n)
        snprintf(out, cap, "%s", FRAG("end of input"));
    else if (j->s[i] == '[')
        snprintf(out, cap, "%s", FRAG("an array"));
    else if (j->s[i] == '{')
        snprintf(out, cap, "%s", FRAG("an object"));
    else if (j->s[i] == '"')
        snprintf(out, cap, "%s", FRAG("a string"));
    else if (j->s[i] == '-' || is_digit(j->s[i]))
        snprintf(out, cap, "%s", FRAG("a number"));
    else if ((lit = match_literal(j, i, &l)) != NULL)
        snprintf(out, cap, "%s", lit);
    else
        describe(j, i, out, cap, lang);
}

/* "expected WHAT, found ..."; what_tr: what in the process's language (NULL:
 * what is a FRAG, translated by the formatter). */
static int expect_not_container(const jctx *j, size_t i, const char *what, const char *what_tr)
{
    char found[24], found_tr[40];
    if (i < j->n && j->s[i] >= 0x80) /* invalid UTF-8 as the cause */
        return unexpected(j, i, "expected %s", what); /* (what is a FRAG here: callers with what_tr check first) */
    describe_value(j, i, found, sizeof found, POL_LANG_EN);
    seterr(j->err, i, "expected %s, found %s", what, found);
    if (j->err && pol_lang_get() != POL_LANG_EN) {
        describe_value(j, i, found_tr, sizeof found_tr, pol_lang_get());
        pol_tr_format(pol_lang_get(), j->err->text, sizeof j->err->text, "expected %s, found %s", what_tr ? what_tr : what,
                      found_tr);
    }
    return -1;
}

/* Skips the object key at s[i] (reporting `missing` when there is none) and
 * the ':' after it; *next is the index where the value starts. */
static int skip_key(const jctx *j, size_t i, const char *missing, size_t *next)
{
    bool esc;
    char fr[80];
    if (i >= j->n || j->s[i] != '"')
        return unexpected(j, i, "%s", pol_as_frag(fr, sizeof fr, missing));
    if (scan_string(j, i, &i, &esc))
        return -1;
    i = skip_ws(j, i);
    if (i >= j->n || j->s[i] != ':')
        return unexpected(j, i, "expected ':' after an object key");
    *next = skip_ws(j, i + 1);
    return 0;
}

/* Validates one JSON value at s[i] (whitespace already skipped) inside
 * `depth` enclosing containers, without recursion; *after is the index past
 * it.  Strings are checked but not decoded. */
static int skip_value(const jctx *j, size_t i, int depth, size_t *after)
{
    const unsigned char *s = j->s;
    const size_t n = j->n;
    unsigned char stack[SC_MAX_DEPTH]; /* '[' or '{' per open container */
    int top = 0;
    bool esc;
    for (;;) {
        /* a value starts at i */
        if (i >= n)
            return unexpected(j, i, "expected a value");
        unsigned char c = s[i];
        bool closed = true; /* a complete value ends before i */
        if (c == '[' || c == '{') {
            if (depth + top + 1 > SC_MAX_DEPTH)
                return seterr(j->err, i, "nesting deeper than %d levels", SC_MAX_DEPTH);
            stack[top++] = c;
            i = skip_ws(j, i + 1);
            if (i < n && s[i] == (c == '[' ? ']' : '}')) {
                i++;
                top--;
            } else if (c == '[') {
                closed = false; /* first element follows */
            } else {
                if (skip_key(j, i, N_("expected a string key or '}' in object"), &i))
                    return -1;
                closed = false;
            }
        } else if (c == '"') {
            if (scan_string(j, i, &i, &esc))
                return -1;
        } else if (c == '-' || is_digit(c)) {
            if (scan_number(j, i, &i))
                return -1;
        } else {
            size_t l;
            if (match_literal(j, i, &l))
                i += l;
            else if (c == 't' || c == 'f' || c == 'n')
                return seterr(j->err, i, "invalid literal (expected true, false or null)");
            else
                return unexpected(j, i, "expected a value");
        }
        if (!closed)
            continue;
        /* after a complete value: close containers or move to the next one */
        for (;;) {
            if (top == 0) {
                *after = i;
                return 0;
            }
            i = skip_ws(j, i);
            unsigned char open = stack[top - 1];
            unsigned char close = open == '[' ? ']' : '}';
            if (i < n && s[i] == close) {
                i++;
                top--;
                continue;
            }
            if (i >= n || s[i] != ',')
                return unexpected(j, i, open == '[' ? N_("expected ',' or ']' in array")
                                                    : N_("expected ',' or '}' in object"));
            i = skip_ws(j, i + 1);
            if (open == '{' && skip_key(j, i, N_("expected a string key after ',' in object"), &i))
                return -1;
            break;
        }
    }
}

/* Copies the JSON string s[i..after) (quotes included in the range, not in
 * the copy) to w, decoding escapes when it has some; returns the end of the
 * copy (no NUL written). */
static char *copy_string(const unsigned char *s, size_t i, size_t after, bool esc, char *w)
{
    if (esc)
        return decode_string(s + i + 1, after - i - 2, w);
    memcpy(w, s + i + 1, after - i - 2);
    return w + (after - i - 2);
}

/* Ends a parse into rec: keeps the fields and the scratch text up to w, or
 * (w == NULL, a failure) drops them.  Returns 0 or -1. */
static int rec_end(sc_record *rec, const char *w)
{
    if (!w) {
        rec->count = 0;
        sc_buf_reset(&rec->scratch);
        return -1;
    }
    rec->scratch.len = (size_t)(w - rec->scratch.data);
    return 0;
}

/* Parses the value at s[i] into the field f (named already), its text
 * copied to *w (NUL-terminated); *after is set past the value.  0 or -1. */
static int json_value(const jctx *j, size_t i, sc_field *f, char **w, size_t *after)
{
    const unsigned char *s = j->s;
    unsigned char c = i < j->n ? s[i] : 0;
    bool esc;
    f->offset = i;
    if (c == '"') {
        if (scan_string(j, i, after, &esc))
            return -1;
        f->kind = SCV_STRING;
        f->text = *w;
        *w = copy_string(s, i, *after, esc, *w);
        f->len = (size_t)(*w - f->text);
        *(*w)++ = '\0';
        return 0;
    }
    if (c == '-' || is_digit(c) || c == '[' || c == '{') {
        if (c == '[' || c == '{') {
            if (skip_value(j, i, 1, after))
                return -1;
            f->kind = c == '[' ? SCV_ARRAY : SCV_OBJECT;
        } else {
            if (scan_number(j, i, after))
                return -1;
            f->kind = SCV_NUMBER;
        }
        f->text = *w;
        f->len = *after - i;
        memcpy(*w, s + i, f->len);
        *w += f->len;
        *(*w)++ = '\0';
        return 0;
    }
    size_t l;
    const char *lit = i < j->n ? match_literal(j, i, &l) : NULL;
    if (lit) {
        f->kind = lit[0] == 't' ? SCV_TRUE : lit[0] == 'f' ? SCV_FALSE : SCV_NULL;
        f->text = lit;
        f->len = l;
        *after = i + l;
        return 0;
    }
    char kname[80];
    fmt_name(kname, sizeof kname, f->name, f->name_len);
    if (c == 't' || c == 'f' || c == 'n')
        return seterr(j->err, i, "invalid literal for key %s (expected true, false or null)", kname);
    return unexpected(j, i, "expected a value for key %s", kname);
}

/* Parses the key at s[*ip] and the ':' after it into a new field of rec,
 * the name copied to *w; *ip is left at the value.  The field, or NULL. */
static sc_field *json_key(const jctx *j, sc_record *rec, bool *hashed, size_t *ip, char **w)
{
    const unsigned char *s = j->s;
    size_t i = *ip, after;
    bool esc;
    char kname[80];
    if (i >= j->n || s[i] != '"') {
        unexpected(j, i, rec->count == 0 ? N_("expected a string key or '}'")
                                         : N_("expected a string key after ','"));
        return NULL;
    }
    if (scan_string(j, i, &after, &esc))
        return NULL;
    if (rec->count >= SC_MAX_FIELDS) {
        seterr(j->err, i, "more than %d fields in the record", SC_MAX_FIELDS);
        return NULL;
    }
    char *name = *w;
    *w = copy_string(s, i, after, esc, *w);
    size_t name_len = (size_t)(*w - name);
    *(*w)++ = '\0';
    if (rec_find(rec, name, name_len, *hashed) >= 0) {
        fmt_name(kname, sizeof kname, name, name_len);
        seterr(j->err, i, "duplicate key %s", kname);
        return NULL;
    }
    sc_field *f = rec_push(rec, name, name_len, hashed);
    i = skip_ws(j, after);
    if (i >= j->n || s[i] != ':') {
        fmt_name(kname, sizeof kname, name, name_len);
        unexpected(j, i, "expected ':' after key %s", kname);
        return NULL;
    }
    *ip = skip_ws(j, i + 1);
    return f;
}

static int parse_json_object(sc_record *rec, const char *text, size_t len, sc_error *err, bool checked)
{
    const jctx jc = {(const unsigned char *)text, len, err, checked}, *j = &jc;
    const unsigned char *s = j->s;
    const size_t n = len;
    bool hashed = false;

    rec->count = 0;
    sc_buf_reset(&rec->scratch);
    /* Every byte written below is paid for by the source: a key or string
     * value decodes to at most its contents and its two quotes pay for the
     * NUL; a number or raw container is copied and the ',' or '}' after it
     * pays for the NUL (only the value cut short by an error may lack it,
     * hence the +1).  So the scratch never moves during one parse. */
    buf_reserve(&rec->scratch, len + 1);
    char *w = rec->scratch.data;

    size_t i = skip_ws(j, 0);
    if (i >= n || s[i] != '{') {
        expect_not_container(j, i, FRAG("a JSON object"), NULL);
        return rec_end(rec, NULL);
    }
    i = skip_ws(j, i + 1);
    if (i < n && s[i] == '}') {
        i++;
    } else {
        for (;;) {
            size_t after = 0;
            sc_field *f = json_key(j, rec, &hashed, &i, &w);
            if (!f || json_value(j, i, f, &w, &after))
                return rec_end(rec, NULL);
            i = skip_ws(j, after); /* the separator */
            if (i < n && s[i] == ',') {
                i = skip_ws(j, i + 1);
                continue;
            }
            if (i < n && s[i] == '}') {
                i++;
                break;
            }
            char kname[80];
            fmt_name(kname, sizeof kname, f->name, f->name_len);
            unexpected(j, i, "expected ',' or '}' after the value of %s", kname);
            return rec_end(rec, NULL);
        }
    }
    i = skip_ws(j, i);
    if (i < n) {
        if (s[i] >= 0x80 || s[i] == 0)
            unexpected(j, i, "trailing data after the object");
        else
            seterr(err, i, "trailing data after the object");
        return rec_end(rec, NULL);
    }
    return rec_end(rec, w);
}

int sc_parse_json_object(sc_record *rec, const char *text, size_t len, sc_error *err)
{
    return parse_json_object(rec, text, len, err, false);
}

int sc_parse_json_object_checked(sc_record *rec, const char *text, size_t len, sc_error *err)
{
    return parse_json_object(rec, text, len, err, true);
}

/* An array's opening: 0 with *at at its first element, 1 when it is
 * empty (*at after its ']'), -1 when the text is not an array. */
static int array_begin(const jctx *j, size_t *at)
{
    size_t i = skip_ws(j, 0);
    if (i >= j->n || j->s[i] != '[')
        return expect_not_container(j, i, FRAG("a JSON array"), NULL);
    i = skip_ws(j, i + 1);
    bool empty = i < j->n && j->s[i] == ']';
    *at = empty ? i + 1 : i;
    return empty;
}

/* After element `index`, which ends at `after`: 0 with *at at the next
 * element, 1 at the array's end (*at after its ']'), -1 on anything else. */
static int array_next(const jctx *j, size_t after, int index, size_t *at)
{
    size_t i = skip_ws(j, after);
    if (i < j->n && j->s[i] == ',') {
        *at = skip_ws(j, i + 1);
        return 0;
    }
    if (i < j->n && j->s[i] == ']') {
        *at = i + 1;
        return 1;
    }
    return unexpected(j, i, "expected ',' or ']' after element %d of the array", index);
}

/* Nothing but white space after the array's ']' at i. */
static int array_end(const jctx *j, size_t i)
{
    i = skip_ws(j, i);
    if (i < j->n) {
        if (j->s[i] >= 0x80 || j->s[i] == 0)
            return unexpected(j, i, "trailing data after the array");
        return seterr(j->err, i, "trailing data after the array");
    }
    return 0;
}

/* Walks the array; calls fn for each element when `call`. */
static int array_walk(const jctx *j, bool call,
                      int (*fn)(void *, int, const char *, size_t, sc_error *),
                      void *ctx)
{
    const unsigned char *s = j->s;
    const size_t n = j->n;
    size_t i;
    int rc = array_begin(j, &i);
    for (int index = 0; rc == 0; index++) {
        if (i >= n || s[i] != '{') {
            if (i < n && s[i] >= 0x80) /* invalid UTF-8 as the cause, or a character */
                return unexpected(j, i, "expected an object as element %d of the array", index);
            char what[48], what_tr[72];
            pol_tr_format2(what, sizeof what, what_tr, sizeof what_tr, "an object as element %d of the array", index);
            return expect_not_container(j, i, what, what_tr[0] ? what_tr : NULL);
        }
        size_t after;
        if (skip_value(j, i, 1, &after))
            return -1;
        if (call && fn(ctx, index, (const char *)s + i, after - i, j->err) != 0)
            return -1;
        rc = array_next(j, after, index, &i);
    }
    return rc < 0 ? -1 : array_end(j, i);
}

/* array_walk for sc_json_array_values: each element is any JSON value;
 * strings are decoded into w (big enough for the whole text). */
static int values_walk(const jctx *j, bool call, sc_value_fn fn, void *ctx, char *w)
{
    const unsigned char *s = j->s;
    const size_t n = j->n;
    size_t i;
    int rc = array_begin(j, &i);
    for (int index = 0; rc == 0; index++) {
        unsigned char c = i < n ? s[i] : 0;
        size_t after, l;
        bool esc;
        scv_kind kind;
        const char *text = (const char *)s + i;
        size_t tlen;
        const char *lit = NULL;
        if (c == '"') {
            if (scan_string(j, i, &after, &esc))
                return -1;
            char *end = copy_string(s, i, after, esc, w);
            kind = SCV_STRING;
            text = w;
            tlen = (size_t)(end - w);
        } else if (c == '[' || c == '{') {
            if (skip_value(j, i, 1, &after))
                return -1;
            kind = c == '[' ? SCV_ARRAY : SCV_OBJECT;
            tlen = after - i;
        } else if (c == '-' || is_digit(c)) {
            if (scan_number(j, i, &after))
                return -1;
            kind = SCV_NUMBER;
            tlen = after - i;
        } else if (i < n && (lit = match_literal(j, i, &l)) != NULL) {
            kind = lit[0] == 't' ? SCV_TRUE : lit[0] == 'f' ? SCV_FALSE : SCV_NULL;
            after = i + l;
            tlen = l;
        } else
            return unexpected(j, i, "expected a value as element %d of the array", index);
        if (call && fn(ctx, index, kind, text, tlen, j->err) != 0)
            return -1;
        rc = array_next(j, after, index, &i);
    }
    return rc < 0 ? -1 : array_end(j, i);
}

int sc_json_array_values(const char *text, size_t len, sc_value_fn fn, void *ctx, sc_error *err)
{
    const jctx j = {(const unsigned char *)text, len, err, false};
    char *w = pol_xmalloc(len + 1);
    /* The whole array is checked first, so fn never sees part of a bad one. */
    int rc = values_walk(&j, false, fn, ctx, w) ? -1 : values_walk(&j, true, fn, ctx, w);
    free(w);
    return rc;
}

int sc_json_array_each(const char *text, size_t len,
                       int (*fn)(void *ctx, int index, const char *elem,
                                 size_t elem_len, sc_error *err),
                       void *ctx, sc_error *err)
{
    const jctx j = {(const unsigned char *)text, len, err, false};
    /* The whole array is checked first, so fn never sees part of a bad one. */
    if (array_walk(&j, false, fn, ctx))
        return -1;
    return array_walk(&j, true, fn, ctx);
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                      */

/* The bytes that end an unquoted CSV cell: its ',' and the three it may not hold. */
static const bool CSV_STOP[256] = {[','] = true, ['"'] = true, ['\r'] = true, ['\n'] = true};

/* Decodes the CSV cell at s[*ip..n) to *w (NUL-terminated) and says whether
 * it was quoted; *ip is left at the ',' after it or at the end.  0 or -1. */

static int csv_cell(const unsigned char *s, size_t n, size_t *ip, char **w, bool *quoted,
                    sc_error *err)
{
    size_t i = *ip, start = i;
    *quoted = i < n && s[i] == '"';
    if (*quoted) {
        i++;
        for (;;) {
            const unsigned char *q = i < n ? memchr(s + i, '"', n - i) : NULL;
            if (!q)
                return seterr(err, start, "unterminated quoted field");
            size_t qi = (size_t)(q - s);
            memcpy(*w, s + i, qi - i);
            *w += qi - i;
            i = qi + 1;
            if (i < n && s[i] == '"') { /* "" is one quote */
                *(*w)++ = '"';
                i++;
                continue;
            }
            break;
        }
        if (i < n && s[i] != ',')
            return seterr(err, i, "unexpected %s after a closing quote (expected ',' or end of record)",
                          s[i] > 0x20 && s[i] < 0x7F ? FRAG("character") : FRAG("byte"));
    } else {
        char *o = *w;
        unsigned char c;
        while (i < n && !CSV_STOP[c = s[i]]) { /* cells are short: copied as they are scanned */
            *o++ = (char)c;
            i++;
        }
        *w = o;
        if (i < n && s[i] != ',') {
            c = s[i];
            if (c == '"')
                return seterr(err, i, "quote inside an unquoted field (quote the whole field and double the quote)");
            return seterr(err, i, "%s outside quotes", c == '\r' ? FRAG("carriage return") : FRAG("line break"));
        }
    }
    *(*w)++ = '\0';
    *ip = i;
    return 0;
}

/* Adds header column `col` (0-based), named cell[0..cell_len) and starting
 * at byte `start`, to the header record.  0 or -1. */
static int csv_column(sc_record *hdr, const char *cell, size_t cell_len, size_t start, long col,
                      bool *hashed, sc_error *err)
{
    if (col >= SC_MAX_FIELDS)
        return seterr(err, start, "more than %d columns in the header", SC_MAX_FIELDS);
    if (cell_len == 0)
        return seterr(err, start, "header column %ld has an empty name", col + 1);
    if (rec_find(hdr, cell, cell_len, *hashed) >= 0) {
        char kname[80];
        fmt_name(kname, sizeof kname, cell, cell_len);
        return seterr(err, start, "duplicate column name %s in the header", kname);
    }
    sc_field *f = rec_push(hdr, cell, cell_len, hashed);
    f->kind = SCV_CSV;
    f->text = cell;
    f->len = cell_len;
    f->offset = start;
    return 0;
}

/* Splits text[0..len) into cells.  For a header (hdr == NULL) every cell
 * becomes a named field; for a record, cell k takes the name of hdr's field
 * k.  Decoded cells go to rec's scratch (reserved up front: a cell decodes to
 * at most its source, and the ',' after it, or the end, pays for its NUL). */
static int csv_split(sc_record *rec, const sc_record *hdr, const char *text,
                     size_t len, sc_error *err, bool checked)
{
    const unsigned char *s = (const unsigned char *)text;
    const size_t n = len;
    bool hashed = false;

    rec->count = 0;
    sc_buf_reset(&rec->scratch);
    if (!checked && check_text(s, n, err))
        return rec_end(rec, NULL);
    buf_reserve(&rec->scratch, len + 1);
    if (hdr)
        rec_reserve(rec, hdr->count > 0 ? hdr->count : 1);
    char *w = rec->scratch.data;

    size_t i = 0;
    long cells = 0;
    size_t extra_off = 0; /* offset of the first cell beyond the header */
    for (;;) {
        size_t start = i;
        char *cell = w;
        bool quoted;
        if (csv_cell(s, n, &i, &w, &quoted, err))
            return rec_end(rec, NULL);
        size_t cell_len = (size_t)(w - 1 - cell);
        if (!hdr) {
            if (csv_column(rec, cell, cell_len, start, cells, &hashed, err))
                return rec_end(rec, NULL);
        } else if (cells < hdr->count) {
            sc_field *f = &rec->fields[rec->count++];
            f->name = hdr->fields[cells].name;
            f->name_len = hdr->fields[cells].name_len;
            f->offset = start;
            bool absent = !quoted && cell_len == 0;
            f->kind = absent ? SCV_NULL : SCV_CSV;
            f->text = absent ? "" : cell;
            f->len = cell_len;
        } else if (cells == hdr->count) {
            extra_off = start;
        }
        cells++;
        if (i >= n)
            break;
        i++; /* the ',' */
    }
    if (hdr && cells != hdr->count) {
        if (cells == 1)
            seterr(err, cells > hdr->count ? extra_off : n, "record has %ld field, header has %d", cells, hdr->count);
        else
            seterr(err, cells > hdr->count ? extra_off : n, "record has %ld fields, header has %d", cells, hdr->count);
        return rec_end(rec, NULL);
    }
    return rec_end(rec, w);
}

int sc_parse_csv_header(sc_record *header, const char *text, size_t len,
                        sc_error *err)
{
    return csv_split(header, NULL, text, len, err, false);
}

int sc_parse_csv_record(sc_record *rec, const sc_record *header,
                        const char *text, size_t len, sc_error *err)
{
    return csv_split(rec, header, text, len, err, false);
}

int sc_parse_csv_record_checked(sc_record *rec, const sc_record *header, const char *text, size_t len, sc_error *err)
{
    return csv_split(rec, header, text, len, err, true);
}

/* ------------------------------------------------------------------------ */
/* sc_reader                                                                */

#define SC_READ_CHUNK ((size_t)256 * 1024)

struct sc_reader {
    FILE *in;
    sc_format fmt;
    size_t max_record;
    size_t limit;      /* largest buffer: room for max_record, CR, LF, NUL  */
    char *buf;         /* buf[pos..end) is read but not yet consumed        */
    size_t cap, pos, end;
    long line;         /* line number of buf[pos]                           */
    bool started, eof, io_error;
    bool prompt;       /* read(2) what has arrived (sc_reader_prompt)       */
    bool raw;          /* no UTF-8 check (sc_reader_raw)                    */
    bool failed;       /* a read failed (sc_reader_failed)                  */
    uint64_t total;    /* bytes read from the input so far                  */
};

sc_reader *sc_reader_new(FILE *in, sc_format fmt, size_t max_record)
{
    sc_reader *r = pol_xmalloc(sizeof *r);
    if (max_record == 0)
        max_record = SC_MAX_RECORD_DEFAULT;
    if (max_record > SIZE_MAX / 4)
        max_record = SIZE_MAX / 4;
    r->in = in;
    r->fmt = fmt;
    r->max_record = max_record;
    r->limit = max_record + 3 > SC_READ_CHUNK ? max_record + 3 : SC_READ_CHUNK;
    r->cap = SC_READ_CHUNK;
    r->buf = pol_xmalloc(r->cap);
    r->pos = r->end = 0;
    r->line = 1;
    r->started = r->eof = r->io_error = false;
    r->prompt = r->raw = r->failed = false;
    r->total = 0;
    return r;
}

void sc_reader_prompt(sc_reader *r)
{
    r->prompt = fileno(r->in) >= 0;
}

void sc_reader_raw(sc_reader *r)
{
    r->raw = true;
}

bool sc_reader_failed(const sc_reader *r)
{
    return r->failed;
}

uint64_t sc_reader_consumed(const sc_reader *r)
{
    return r->total - (r->end - r->pos);
}

void sc_reader_free(sc_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

/* Reads as much as fits after buf[end], keeping one byte for a NUL. */
static void rd_fill(sc_reader *r)
{
    if (r->eof)
        return;
    size_t want = r->cap - 1 - r->end;
    if (r->prompt && want) { /* one read(2): what has arrived, without waiting for more */
        ssize_t got;
        do
            got = read(fileno(r->in), r->buf + r->end, want);
        while (got < 0 && errno == EINTR);
        if (got > 0) {
            r->end += (size_t)got;
            r->total += (uint64_t)got;
            return;
        }
        if (got < 0)
            r->io_error = r->failed = true;
        r->eof = true;
        return;
    }
    size_t got = want ? fread(r->buf + r->end, 1, want, r->in) : 0;
    r->end += got;
    r->total += got;
    if (got < want) {
        if (ferror(r->in))
            r->io_error = r->failed = true;
        r->eof = true;
    }
}

/* Moves the unconsumed bytes to the front and grows the buffer (up to the
 * limit) if it is nearly full; *scan follows the move. */
static void rd_make_room(sc_reader *r, size_t *scan)
{
    if (r->pos > 0) {
        size_t keep = r->end - r->pos;
        memmove(r->buf, r->buf + r->pos, keep);
        *scan -= r->pos;
        r->end = keep;
        r->pos = 0;
    }
    if (r->cap - r->end < r->cap / 4 && r->cap < r->limit) {
        /* double, but never past the limit */
        size_t c = pol_grow_to(r->cap, r->cap + 1, SC_READ_CHUNK, 1, r->limit);
        r->buf = pol_xrealloc(r->buf, c);
        r->cap = c;
    }
}

/* Looks for the end of a CSV record in buf[from..to): a '\n' outside
 * quotes.  Updates the quote state and the count of newlines inside quotes;
 * returns the index of the '\n' or SIZE_MAX.  Every '"' toggles the state
 * ("" inside quotes toggles it twice); memchr does the scanning. */
static size_t csv_scan(const char *buf, size_t from, size_t to, size_t rec_start, bool *inq,
                       long *inner)
{
    bool q = *inq;
    long nl = 0;
    size_t i = from, found = SIZE_MAX;
    while (i < to) {
        if (!q) {
            const char *pn = memchr(buf + i, '\n', to - i);
            size_t lim = pn ? (size_t)(pn - buf) : to;
            const char *pq = memchr(buf + i, '"', lim - i);
            /* a quote opens a quoted field only where a field starts (or right
             * after a closing quote: the "" escape); elsewhere it is a stray
             * character that the record parser reports, and it must not swallow
             * the lines after it */
            while (pq && pq > buf + rec_start && pq[-1] != ',' && pq[-1] != '\n' && pq[-1] != '"')
                pq = memchr(pq + 1, '"', (size_t)(buf + lim - (pq + 1)));
            if (!pq) {
                if (pn)
                    found = lim;
                break;
            }
            i = (size_t)(pq - buf) + 1;
            q = true;
        } else {
            const char *pq = memchr(buf + i, '"', to - i);
            size_t lim = pq ? (size_t)(pq - buf) : to;
            for (const char *p = buf + i; (p = memchr(p, '\n', (size_t)(buf + lim - p))) != NULL; p++)
                nl++;
            if (!pq)
                break;
            i = lim + 1;
            q = false;
        }
    }
    *inq = q;
    *inner += nl;
    return found;
}

static size_t rd_find_end(sc_reader *r, size_t from, bool *inq, long *inner)
{
    if (r->fmt == SC_FMT_CSV)
        return csv_scan(r->buf, from, r->end, r->pos, inq, inner);
    const char *p = from < r->end ? memchr(r->buf + from, '\n', r->end - from) : NULL;
    return p ? (size_t)(p - r->buf) : SIZE_MAX;
}

sc_rec_status sc_reader_next(sc_reader *r, const char **text, size_t *len,
                             long *line, sc_error *err)
{
    *text = NULL;
    *len = 0;
    if (!r->started) {
        r->started = true;
        do /* a prompt read may bring fewer bytes than a BOM */
            rd_fill(r);
        while (r->prompt && !r->eof && r->end < 3 && memchr(r->buf, '\n', r->end) == NULL);
        if (r->end - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0)
            r->pos += 3;
    }
    for (;;) {
        const long start_line = r->line;
        size_t scan = r->pos, term;
        bool inq = false;
        long inner = 0; /* newlines inside CSV quotes */
        *line = start_line;
        for (;;) {
            term = rd_find_end(r, scan, &inq, &inner);
            if (term != SIZE_MAX || r->eof)
                break;
            scan = r->end;
            if (r->end - r->pos > r->max_record + 1) {
                /* Too long: drop what is buffered and skip to the end of the
                 * record without keeping it. */
                for (;;) {
                    r->pos = r->end = 0;
                    rd_fill(r);
                    term = rd_find_end(r, 0, &inq, &inner);
                    if (term != SIZE_MAX) {
                        r->pos = term + 1;
                        r->line = start_line + inner + 1;
                        break;
                    }
                    if (r->eof) {
                        r->pos = r->end;
                        r->line = start_line + inner;
                        break;
                    }
                }
                seterr(err, 0, "record longer than %zu bytes", r->max_record);
                return SC_REC_BAD;
            }
            rd_make_room(r, &scan);
            rd_fill(r);
        }
        size_t rs = r->pos, re = term != SIZE_MAX ? term : r->end;
        if (term == SIZE_MAX && r->io_error) {
            r->io_error = false;
            r->pos = r->end;
            seterr(err, re - rs, "read error on input (record incomplete)");
            return SC_REC_BAD;
        }
        if (term == SIZE_MAX && rs == re)
            return SC_REC_EOF;
        r->pos = term != SIZE_MAX ? term + 1 : r->end;
        r->line = start_line + inner + (term != SIZE_MAX ? 1 : 0);
        if (term == SIZE_MAX && inq) {
            seterr(err, 0, "unterminated quoted field at end of input");
            return SC_REC_BAD;
        }
        if (re > rs && r->buf[re - 1] == '\r')
            re--;
        if (re - rs > r->max_record) {
            seterr(err, 0, "record longer than %zu bytes", r->max_record);
            return SC_REC_BAD;
        }
        if (r->fmt == SC_FMT_JSONL) {
            size_t k = rs;
            while (k < re && (r->buf[k] == ' ' || r->buf[k] == '\t' || r->buf[k] == '\r'))
                k++;
            if (k == re)
                continue; /* blank line */
        } else if (re == rs) {
            continue; /* empty CSV line */
        }
        r->buf[re] = '\0';
        if (!r->raw && check_text((const unsigned char *)r->buf + rs, re - rs, err)) {
            *text = r->buf + rs; /* so that the caller can tell what encoding it is in */
            *len = re - rs;
            return SC_REC_BAD;
        }
        *text = r->buf + rs;
        *len = re - rs;
        return SC_REC_OK;
    }
}
