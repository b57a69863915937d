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

typedef struct batch_opts {
    const char *input, *output; /* NULL or "-": stdin, stdout                 */
    int in_fmt, out_fmt;        /* SC_FMT_JSONL, SC_FMT_CSV; -1: by file name */
    bool explain;               /* an explanation (JSON) per record           */
    bool allow_extra;           /* ignore fields that are not inputs          */
    bool quiet;                 /* no summary or progress on stderr           */
    int jobs;                   /* worker threads; 0: one per core (up to 64) */
    uint64_t max_steps;         /* per scenario (0: none)                     */
    size_t max_record;          /* longest accepted record, in bytes          */
} batch_opts;

/* Evaluates every record; returns the exit code (tools/cli.h): 0, CLI_FAILED
 * when a record was rejected, CLI_NOINPUT, CLI_CANTCREAT, CLI_INTERNAL. */
int batch_run(const batch_opts *o, pol_policy *pol);

#endif
