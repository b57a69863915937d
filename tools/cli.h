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

#include <stdbool.h>
#include <stdio.h>
#include <sysexits.h>

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

/* How a policy is obtained. */
typedef struct cli_load {
    const char *tool;    /* "polc" or "polrun": the prefix of messages          */
    bool source_if_not_polc; /* compile everything but .polc (polc); else only .pol */
    bool bytecode;       /* a .polc may be loaded                               */
    bool all_diags;      /* print warnings and the count line even without errors */
    bool json, color, werror;
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

/* The policy's interface (pol_policy_interface_json) and a newline on stdout. */
void cli_print_interface(const pol_policy *pol);

/* Runs the policy's tests, prints a line per test (failures with their
 * details, findings, and passing tests with `verbose`) and the summary
 * lines, naming the policy as `file`; writes a JUnit XML report to `junit`
 * if it is not NULL.  Returns CLI_OK, CLI_FAILED or CLI_CANTCREAT. */
int cli_run_tests(const char *tool, const pol_policy *pol, const char *file, const char *junit, bool verbose);

#endif
