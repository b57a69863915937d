/* compare.h -- polrun --compare OLD NEW --batch POPULATION: both policies on
 * every record of a population in one streaming pass, the per-record
 * differences of the outputs they share, and a summary (exact totals,
 * counts of who pays more, less and the same, mean, median, deciles and a
 * histogram of the change, broken down by enumeration or boolean inputs)
 * as text, JSON or CSV, and as a self-contained HTML report.
 *
 * Shares its contract with: tools/compare.c, tools/report.c (the HTML
 * report), tools/polrun.c (the options), tools/batch.h (the options a batch
 * takes), docs/reforms.md (what the figures mean), tests/compare/.
 *
 * Ownership: compare_run borrows the policies and the options.
 */
#ifndef POL_COMPARE_H
#define POL_COMPARE_H

#include "batch.h"

#define CMP_MAX_FIELDS 16 /* --by and --pair: at most this many each */

typedef struct cmp_opts {
    batch_opts run;                       /* population, -o DIFF, formats, -j, limits,
                                             --key (run.keys, batch.h's key fields)    */
    const char *old_path, *new_path;      /* for the summary's header                 */
    const char *summary;                  /* --summary FILE: .json, else .csv         */
    const char *report;                   /* --report FILE.html                       */
    const char *by[CMP_MAX_FIELDS];       /* --by FIELD: a breakdown per field        */
    int nby;
    const char *pair[CMP_MAX_FIELDS];     /* --pair OLD=NEW: outputs compared by hand */
    int npair;
} cmp_opts;

/* Runs the comparison; returns the exit code (tools/cli.h): 0, CLI_FAILED
 * when a record was rejected or an output failed on either side, CLI_USAGE
 * (no outputs to compare, a --by field that is not an enumeration or boolean
 * input), CLI_NOINPUT, CLI_CANTCREAT, CLI_INTERNAL. */
int compare_run(const cmp_opts *o, pol_policy *oldp, pol_policy *newp);

/* ---- what the summary and the report are made of (compare.c -> report.c) ---- */

#define CMP_DECILES 9
#define CMP_MAX_BINS 20

typedef struct cmp_bin {
    char from[48], to[48]; /* the change, as text: [from, to]; from == to for one value */
    long count;
} cmp_bin;

/* One output in one group, every figure already text (exact decimals). */
typedef struct cmp_digest {
    long compared, more, less, same;        /* records with a value on both sides */
    long old_errors, new_errors, both_errors; /* an error on one side, or both     */
    long not_applicable;                    /* no value without an error (either side) */
    char total_old[96], total_new[96], total_change[96];
    char mean[64], median[64], min[64], max[64];
    char deciles[CMP_DECILES][64];
    bool approximate;                       /* median/deciles/bins from coarsened bins */
    char quantum[48];                       /* their resolution                        */
    cmp_bin bins[CMP_MAX_BINS];
    int nbins;
} cmp_digest;

typedef struct cmp_view {
    const char *old_name, *new_name;       /* the policies' titles      */
    const char *old_path, *new_path, *population;
    long records, rejected;                /* records read; rejected whole (bad JSON, unknown field) */
    int nout;
    const char **out_old, **out_new;       /* output names, per compared output */
    int *places;                           /* the places the mean is rounded to */
    int ngroups;                           /* breakdowns: (field, value) */
    const char **group_field, **group_value;
    const cmp_digest *all;                 /* [nout]                     */
    const cmp_digest *groups;              /* [ngroups * nout]           */
} cmp_view;

/* Writes the HTML report; 0 or -1 with errno. */
int cmp_write_report(const cmp_view *v, FILE *out);

#endif
