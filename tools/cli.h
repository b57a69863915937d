/* cli.h -- what polc and polrun share: exit codes, loading a policy (a .polc
 * is loaded, a .pol compiled in-process), the runtime error printer and the
 * report of a policy's own tests (text lines and JUnit XML).
 *
 * Exit codes are those of <sysexits.h> (clox's 64/65/70 convention), plus 1
 * for "a scenario or a test failed"; docs/polc.md and docs/polrun.md list them.
 *
 * Shares its contract with: tools/cli.c, tools/polc.c, tools/polrun.c,
 * tools/batch.c, compiler/compile.h (pol_compile_path), runtime/pol.h.
 *
 * Ownership: cli_load_policy returns a new policy (pol_policy_free) and, when
 * it compiled a source and `src` is not NULL, the source text (cli_source_free).
 */
#ifndef POL_CLI_H
#define POL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include "lang.h"
#include "polint.h"

enum {
    CLI_OK = 0,
    CLI_FAILED = 1,            /* a scenario or a test failed             */
    CLI_USAGE = EX_USAGE,      /* 64: bad command line                    */
    CLI_DATAERR = EX_DATAERR,  /* 65: the policy has errors / bad bytecode */
    CLI_NOINPUT = EX_NOINPUT,  /* 66: a file cannot be read               */
    CLI_INTERNAL = EX_SOFTWARE, /* 70: internal error                     */
    CLI_CANTCREAT = EX_CANTCREAT /* 73: an output cannot be written       */
};

bool cli_ends_with(const char *s, const char *suffix);

/* ---- the command line (getopt_long) ---- */

/* The next option, as getopt_long returns it with `shorts` (which must begin
 * with "-:": operands come back in order as 1, with optarg), or -1 at the end
 * (operands after "--" are then argv[optind..]).  An unknown option, a
 * missing value or a value given to a flag prints "TOOL: ..." on stderr and
 * returns '?'. */
int cli_getopt(const char *tool, int argc, char **argv, const char *shorts, const struct option *longs);

/* --lang zh|en: read from argv before any other option, so that every
 * message, those about the other options included, is in that language
 * (it overrides the locale variables; stops at "--").  -1 to go on, else
 * CLI_USAGE after saying why.  The option must also be in the tool's long
 * options; cli_lang_value handles it there (an abbreviation, --la zh). */
int cli_lang_option(const char *tool, int argc, char **argv);
bool cli_lang_value(const char *tool, const char *val);
/* sc_buf_printf with fmt a msgid, written in language l (mark the literal
 * with N_ for the catalog). */
void cli_tr_buf(pol_lang l, sc_buf *b, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reads `val`, the value of option `opt`, as a whole number from 1 to max:
 * digits only (no sign, no spaces); false after printing why not. */
bool cli_count(const char *tool, const char *opt, const char *val, uint64_t max, uint64_t *out);

/* "TOOL VERSION (bytecode format N)" on stdout, for --version. */
void cli_print_version(const char *tool);

/* Call first in main: a standard descriptor that is closed (`>&-`) is
 * reopened on /dev/null the wrong way round, so that what is written to a
 * closed stdout fails (EBADF) instead of landing in the next file opened. */
void cli_std_fds(void);

/* Call last in main: flushes and closes stdout; if anything written to it
 * was lost, prints "TOOL: write error on standard output: REASON" and
 * returns CLI_CANTCREAT, whatever `rc` was; else returns rc. */
int cli_finish(const char *tool, int rc);
/* Flushes standard output now (before text on standard error that must
 * follow it), keeping the reason of a failure for cli_finish. */
void cli_flush_stdout(void);

/* 0 if `f` (named `name`) is not a directory; else prints "TOOL: NAME: Is
 * a directory" and returns CLI_NOINPUT. */
int cli_not_a_directory(const char *tool, FILE *f, const char *name);

/* The message for a failed write of `file` (NULL: standard output) with
 * errno `err` (0 if unknown), on stderr; returns CLI_CANTCREAT. */
int cli_write_error(const char *tool, const char *file, int err);

/* An output file written whole or not at all: a regular file (or a new one)
 * is written to a temporary file beside it and renamed over it by
 * cli_out_commit; the file standard output or standard error is
 * (`--junit /dev/stdout > all.txt`) is written through that stream, so the
 * two do not overwrite each other; anything else (a device, a FIFO) is
 * written directly.  cli_out_open prints the error and returns NULL when the file
 * cannot be created. */
typedef struct cli_out {
    FILE *f;
    char *path; /* as given                    */
    char *tmp;  /* the temporary file, or NULL */
    char *dest; /* what tmp is renamed to      */
    bool borrowed; /* f is stdout or stderr: flushed, not closed */
} cli_out;
bool cli_out_open(const char *tool, const char *path, cli_out *o);
/* Closes o->f, renames the temporary file; on any error (also an earlier
 * one on o->f, or `ok` false) removes the temporary file, prints the error
 * unless `ok` is false, and returns CLI_CANTCREAT; else 0. */
int cli_out_commit(const char *tool, cli_out *o, bool ok);

/* How a policy is obtained. */
typedef struct cli_load {
    const char *tool;    /* "polc" or "polrun": the prefix of messages          */
    bool source_if_not_polc; /* compile everything but .polc (polc); else only .pol */
    bool bytecode;       /* a .polc may be loaded                               */
    bool all_diags;      /* print warnings and the count line even without errors */
    bool json, color, werror;
    const pol_trust *trust; /* polrun --trusted-keys: only bytecode signed by one
                               of these keys (a source is refused); NULL: any */
} cli_load;

/* A compiled source kept for the runtime error printer. */
typedef struct cli_source cli_source;
void cli_source_free(cli_source *s);

/* Loads or compiles `path`, printing diagnostics; NULL with *code set on
 * failure.  *src (if src is not NULL) gets the source when one was compiled. */
pol_policy *cli_load_policy(const cli_load *how, const char *path, int *code, cli_source **src);

/* Prints a runtime error as "file:line:col: error: message" (or "error:
 * message" without a position) and a newline; with `show_source` (a
 * terminal) and the source at hand, through the compiler's diagnostic
 * printer instead: in colour, with the source line and a caret. */
void cli_print_error(FILE *out, const pol_error *err, const cli_source *src, bool show_source);

/* The policy's interface (pol_policy_interface_json) and a newline on stdout.
 * (Write errors are found by cli_finish.) */
void cli_print_interface(const pol_policy *pol);

/* Runs the policy's tests, prints a line per test (failures with their
 * details, findings, and passing tests with `verbose`) and the summary
 * lines, naming the policy as `file`; writes a JUnit XML report to `junit`
 * if it is not NULL.  Returns CLI_OK, CLI_FAILED or CLI_CANTCREAT. */
int cli_run_tests(const char *tool, const pol_policy *pol, const char *file, const char *junit, bool verbose);

#endif
