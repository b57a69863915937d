/* batch.h -- polrun --batch: JSON Lines or CSV scenarios in, one result
 * record per scenario out, streamed in input order with constant memory.
 *
 * Shares its contract with: tools/batch.c, tools/polrun.c (its caller),
 * runtime/scen.h (the record reader and formats), docs/polrun.md (the
 * formats) and docs/performance.md (the pipeline).
 *
 * Ownership: batch_run borrows the policy and the options.
 */
#ifndef POL_BATCH_H
#define POL_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polint.h"

/* ---- key fields (--key): input fields carried verbatim into every output
 * record, so that results can be joined back to their inputs.  Shared with
 * polrun --compare.  A batch_keys is filled once (from the command line) and
 * then only read, so threads may share it; a batch_key_at belongs to one
 * thread (it remembers where each key was in the last record). ---- */
#define BATCH_MAX_KEYS 32

typedef struct batch_keys {
    int count;
    char *name[BATCH_MAX_KEYS]; /* owned copies, NUL-terminated */
    size_t len[BATCH_MAX_KEYS];
} batch_keys;

typedef struct batch_key_at {
    int at[BATCH_MAX_KEYS]; /* field index of key k in the record, or -1 */
} batch_key_at;

/* Adds the names in arg, a comma-separated list (--key may also be given
 * again).  0, or -1 with a message in err (an empty name, a name given twice,
 * more than BATCH_MAX_KEYS). */
int batch_keys_add(batch_keys *k, const char *arg, char *err, size_t errlen);
void batch_keys_free(batch_keys *k); /* frees the names; k can be refilled */
/* Whether name[0..len) is one of the keys. */
bool batch_keys_has(const batch_keys *k, const char *name, size_t len);
/* Looks every key up in rec (at->at[] is where it was last time: a batch
 * whose records share their layout does no search).  Returns -1 when every
 * key is there, else the index of the first missing one (its at[] is -1). */
int batch_keys_find(const batch_keys *k, const sc_record *rec, batch_key_at *at);
void batch_key_at_none(const batch_keys *k, batch_key_at *at); /* every key missing */
/* Appends `"keys":{NAME:VALUE,...},` for JSON Lines output.  Each VALUE is
 * the input's own text: from JSON Lines the value exactly as written (a
 * string with its quotes and escapes, a number's digits, an array's JSON),
 * from CSV the cell as a JSON string; a missing key is null.  text is the
 * record's text that rec was parsed from. */
void batch_keys_put_json(const batch_keys *k, const batch_key_at *at, const sc_record *rec, const char *text,
                         sc_format in_fmt, sc_buf *out);
/* Appends one CSV cell per key, each after a ',': from CSV the cell as it
 * was, from JSON Lines a string's text, a number's digits, true/false, the
 * JSON of an array or object, nothing for null; a missing key is empty. */
void batch_keys_put_csv(const batch_keys *k, const batch_key_at *at, const sc_record *rec, const char *text,
                        sc_format in_fmt, sc_buf *out);
/* Appends ",NAME" for each key (a CSV header). */
void batch_keys_put_csv_header(const batch_keys *k, sc_buf *out);

typedef struct batch_opts {
    const char *input, *output; /* NULL or "-": stdin, stdout                 */
    int in_fmt, out_fmt;        /* SC_FMT_JSONL, SC_FMT_CSV; -1: by file name */
    bool explain;               /* an explanation (JSON) per record           */
    bool allow_extra;           /* ignore fields that are not inputs          */
    bool quiet;                 /* no summary (nor progress unless asked)     */
    int jobs;                   /* worker threads; 0: one per core (up to 64) */
    uint64_t max_steps;         /* per scenario (0: none)                     */
    size_t max_record;          /* longest accepted record, in bytes          */
    const batch_keys *keys;     /* --key: fields copied into every output; NULL: none */
    bool line_buffered;         /* answer each record before reading the next */
    int progress;               /* 1 --progress, 0 --no-progress, -1: when stderr is a terminal */
    const char *encoding;       /* --encoding: the input's, an iconv name; NULL: UTF-8 */
    bool bom;                   /* CSV output begins with a UTF-8 byte order mark */
} batch_opts;

/* Evaluates every record; returns the exit code (tools/cli.h): 0, CLI_FAILED
 * when a record was rejected, CLI_NOINPUT, CLI_CANTCREAT, CLI_INTERNAL. */
int batch_run(const batch_opts *o, pol_policy *pol);

#endif
