/* scen.h -- scenario input and output: records in, text out, no JSON tree.
 *
 * polrun reads scenarios as one JSON object, as JSON Lines, or as CSV, and
 * writes results as JSON Lines or CSV.  This module splits a byte stream into
 * records (sc_reader), flattens one record into named fields whose values are
 * still *text* (sc_record: numbers stay the digits they were written as, so
 * they reach dec_parse() without ever passing through a double), and escapes
 * text for output (sc_buf).  It knows nothing of policies or types: the
 * runtime (runtime/pol.c) maps field names to inputs and parses the text.
 *
 * Shares its contract with: runtime/scen.c, tests/unit/test_scen.c,
 * tools/batch.c (its user), docs/robustness.md (the bad-input classes).
 *
 * Ownership: every object here is created by its _new/_init and released by
 * its _free/_clear; pointers returned into a record or reader stay valid until
 * the next call on the same object.
 */
#ifndef POL_SCEN_H
#define POL_SCEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#define SC_MAX_RECORD_DEFAULT (1u << 20) /* 1 MiB per record unless told    */
#define SC_MAX_FIELDS 4096               /* fields in one record            */
#define SC_MAX_DEPTH 64                  /* nesting of arrays/objects       */

/* a[0..n) == b[0..n), fast for the short names that scenario keys are
 * (compared for every field of every record). */
static inline bool sc_same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) { /* two overlapping eight-byte words */
        uint64_t a0, b0, a1, b1;
        memcpy(&a0, a, 8);
        memcpy(&b0, b, 8);
        memcpy(&a1, a + n - 8, 8);
        memcpy(&b1, b + n - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n >= 4 && n < 8) { /* two overlapping four-byte words: 档次, 在职 */
        uint32_t a0, b0, a1, b1;
        memcpy(&a0, a, 4);
        memcpy(&b0, b, 4);
        memcpy(&a1, a + n - 4, 4);
        memcpy(&b1, b + n - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    return memcmp(a, b, n) == 0;
}

/* A growable byte buffer (for output and scratch). */
typedef struct sc_buf {
    char *data;
    size_t len, cap;
} sc_buf;
void sc_buf_init(sc_buf *b);
void sc_buf_clear(sc_buf *b);                   /* frees                    */
void sc_buf_reset(sc_buf *b);                   /* len := 0, keeps memory   */
void sc_buf_put(sc_buf *b, const char *s, size_t n);
void sc_buf_puts(sc_buf *b, const char *s);
void sc_buf_putc(sc_buf *b, char c);
void sc_buf_printf(sc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s[0..n) as a JSON string literal, quotes included; invalid UTF-8
 * bytes are written as U+FFFD. */
void sc_buf_json_string(sc_buf *b, const char *s, size_t n);
/* Appends s[0..n) as one CSV field, quoted only when it must be. */
void sc_buf_csv_field(sc_buf *b, const char *s, size_t n);

/* An error inside a record: byte offset from the record's start and a cause. */
typedef struct sc_error {
    size_t offset;
    char msg[200];  /* English (the machine form)                             */
    char text[300]; /* msg in the process's language, "" when English (lang.h) */
} sc_error;

/* The cause for a person: text, or msg. */
static inline const char *sc_error_message(const sc_error *e) { return e->text[0] ? e->text : e->msg; }

/* ---- splitting a stream into records ---- */
typedef enum { SC_FMT_JSONL, SC_FMT_CSV } sc_format;

typedef struct sc_reader sc_reader;

/* Reads from `in` (not closed by the reader).  max_record: bytes; 0 means
 * SC_MAX_RECORD_DEFAULT.  A UTF-8 BOM at the very start is skipped. */
sc_reader *sc_reader_new(FILE *in, sc_format fmt, size_t max_record);
void sc_reader_free(sc_reader *r);
/* Reads with read(2) on fileno(in), taking what has arrived instead of
 * waiting for a full buffer, so a record is returned as soon as its line
 * is in (a filter answering a producer that waits).  `in` must have
 * nothing buffered.  Without a file descriptor (fmemopen), no change. */
void sc_reader_prompt(sc_reader *r);
/* Records are not checked for UTF-8: the caller transcodes them from
 * another encoding and checks them then.  '\n', '"' and ',' must still be
 * those bytes only (true of GB18030 and GBK, whose multi-byte characters
 * use bytes 0x30-0x39 and 0x40-0xFE after the first). */
void sc_reader_raw(sc_reader *r);
/* Whether a read from the input failed (the record it cut was SC_REC_BAD). */
bool sc_reader_failed(const sc_reader *r);
/* Bytes of input consumed: read and returned as records, or skipped. */
uint64_t sc_reader_consumed(const sc_reader *r);

typedef enum {
    SC_REC_OK = 0,   /* a record: text in *text, *len; no line terminator    */
    SC_REC_BAD,      /* a record that cannot be used (too long, NUL byte,
                        invalid UTF-8, unterminated CSV quote at EOF): the
                        reason is in *err; the reader has skipped past it.
                        For invalid UTF-8, *text and *len are the record
                        still, so that the caller can guess its encoding  */
    SC_REC_EOF       /* no more records                                      */
} sc_rec_status;

/* Next record.  JSONL: one line; blank lines (only spaces/tabs/CR) are
 * skipped and are not records.  CSV: one logical record (quoted fields may
 * hold newlines).  CRLF and LF both end a line; a last line without a
 * terminator is still a record.  *line is the 1-based line number where the
 * record starts.  The text stays valid until the next call. */
sc_rec_status sc_reader_next(sc_reader *r, const char **text, size_t *len,
                             long *line, sc_error *err);

/* ---- one record as fields ---- */
typedef enum {
    SCV_STRING,  /* text: the decoded string (escapes resolved, UTF-8)       */
    SCV_NUMBER,  /* text: the number exactly as written in the JSON          */
    SCV_TRUE,
    SCV_FALSE,
    SCV_NULL,
    SCV_ARRAY,   /* text: the raw JSON of the array, brackets included       */
    SCV_OBJECT,  /* text: the raw JSON of the object, braces included        */
    SCV_CSV      /* text: a CSV cell as decoded; its type is the caller's    */
} scv_kind;

typedef struct sc_field {
    const char *name;
    size_t name_len;
    scv_kind kind;
    const char *text;
    size_t len;
    size_t offset;   /* byte offset of the value within the record text      */
} sc_field;

typedef struct sc_record {
    sc_field *fields;
    int count, cap;
    sc_buf scratch;  /* decoded strings live here                            */
} sc_record;

void sc_record_init(sc_record *rec);
void sc_record_clear(sc_record *rec);

/* Parses text[0..len) as exactly one JSON object (surrounding whitespace
 * allowed) into rec.  Errors: not an object, syntax (with offset), invalid
 * UTF-8, control characters in strings, a duplicate key, nesting deeper than
 * SC_MAX_DEPTH, more than SC_MAX_FIELDS fields, trailing data.  Nested arrays
 * and objects are validated and returned raw.  Returns 0 or -1 with *err. */
int sc_parse_json_object(sc_record *rec, const char *text, size_t len,
                         sc_error *err);

/* sc_parse_json_object() of a text already known to be well-formed UTF-8
 * without NUL bytes (a record sc_reader_next() returned from a reader that
 * is not raw): its strings' non-ASCII bytes are not checked again. */
int sc_parse_json_object_checked(sc_record *rec, const char *text, size_t len,
                                 sc_error *err);

/* Parses text[0..len) as a JSON array whose elements are objects; calls
 * fn(ctx, index, element_text, element_len) for each, returns 0 or -1 (with
 * *err) on a syntax error or when fn returns nonzero (fn fills *err then). */
int sc_json_array_each(const char *text, size_t len,
                       int (*fn)(void *ctx, int index, const char *elem,
                                 size_t elem_len, sc_error *err),
                       void *ctx, sc_error *err);

/* Parses text[0..len) as a JSON array of values (a list of numbers, dates,
 * ...); calls fn(ctx, index, kind, text, len) for each element: a string
 * decoded (valid until fn returns), a number exactly as written, true,
 * false or null, or an array or object raw.  Returns 0 or -1 (with *err) on
 * a syntax error or when fn returns nonzero (fn fills *err then). */
typedef int (*sc_value_fn)(void *ctx, int index, scv_kind kind, const char *text, size_t len, sc_error *err);
int sc_json_array_values(const char *text, size_t len, sc_value_fn fn, void *ctx, sc_error *err);

/* CSV (RFC 4180: comma separated, "" escapes a quote inside a quoted field).
 * The header record gives field names; each later record must have exactly
 * as many cells.  Cells become SCV_CSV fields; an empty unquoted cell
 * becomes SCV_NULL (absent). */
int sc_parse_csv_header(sc_record *header, const char *text, size_t len,
                        sc_error *err);
int sc_parse_csv_record(sc_record *rec, const sc_record *header,
                        const char *text, size_t len, sc_error *err);

/* sc_parse_csv_record() of a text known to be well-formed UTF-8 without NUL
 * bytes (as sc_parse_json_object_checked): not checked again. */
int sc_parse_csv_record_checked(sc_record *rec, const sc_record *header,
                                const char *text, size_t len, sc_error *err);

#endif
