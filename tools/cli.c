/* cli.c -- the code polc and polrun share (cli.h): loading or compiling a
 * policy, printing runtime errors, reporting the policy's own tests.
 * Shares its contract with tools/cli.h, tools/polc.c, tools/polrun.c.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "diag.h"
#include "mem.h"

struct cli_source {
    src_file *main; /* the policy's own file (imports are not kept) */
};

bool cli_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

void cli_source_free(cli_source *s)
{
    if (!s)
        return;
    src_free(s->main);
    free(s);
}

static pol_policy *load_bytecode(const cli_load *how, const char *path, int *code)
{
    char err[600];
    pol_policy *pol = pol_policy_load(path, err, sizeof err);
    if (!pol) {
        fprintf(stderr, "%s: %s\n", how->tool, err);
        *code = errno == ENOENT ? CLI_NOINPUT : CLI_DATAERR;
    }
    return pol;
}

static void print_diags(const cli_load *how, diag_ctx *d)
{
    if (!how->all_diags) {
        if (d->errors)
            diag_print(d, stderr, how->color);
        return;
    }
    if (how->json)
        diag_print_json(d, stdout);
    else
        diag_print(d, stderr, how->color);
    if (!how->json && (d->errors || d->warnings))
        fprintf(stderr, "%d error%s, %d warning%s\n", d->errors, d->errors == 1 ? "" : "s", d->warnings,
                d->warnings == 1 ? "" : "s");
}

static pol_policy *compile_source(const cli_load *how, const char *path, int *code, cli_source **keep)
{
    diag_ctx d;
    diag_init(&d);
    src_file *src = NULL;
    bool unreadable;
    bc_program *prog = pol_compile_path(path, &d, &src, &unreadable);
    if (unreadable) {
        fprintf(stderr, "%s: %s: %s\n", how->tool, path, strerror(errno));
        diag_free(&d);
        *code = CLI_NOINPUT;
        return NULL;
    }
    if (how->werror && d.warnings > 0 && prog) {
        diag_report(&d, DIAG_ERROR, NULL, (span){0, 0}, "werror", "warnings treated as errors (-Werror)");
        bc_free(prog);
        prog = NULL;
    }
    print_diags(how, &d);
    diag_free(&d);
    if (!prog) {
        src_free(src);
        *code = CLI_DATAERR;
        return NULL;
    }
    char err[600];
    pol_policy *pol = pol_policy_adopt(prog, err, sizeof err);
    if (!pol) {
        fprintf(stderr, "%s: internal error: generated code failed verification: %s\n", how->tool, err);
        *code = CLI_INTERNAL;
    }
    if (pol && keep) {
        *keep = pol_xcalloc(1, sizeof **keep);
        (*keep)->main = src;
    } else
        src_free(src);
    return pol;
}

pol_policy *cli_load_policy(const cli_load *how, const char *path, int *code, cli_source **src)
{
    if (src)
        *src = NULL;
    bool source = how->source_if_not_polc ? !cli_ends_with(path, ".polc") : cli_ends_with(path, ".pol");
    if (!source && how->bytecode)
        return load_bytecode(how, path, code);
    if (!source) {
        fprintf(stderr, "%s: %s is compiled bytecode; a .pol source is needed\n", how->tool, path);
        *code = CLI_USAGE;
        return NULL;
    }
    return compile_source(how, path, code, src);
}

/* The source line `line` of f and a caret under display column `col`, as
 * the compile diagnostics show them (compiler/diag.c). */
static void print_source_line(FILE *out, const src_file *f, uint32_t line, uint32_t col)
{
    if (line == 0 || line > f->nlines)
        return;
    uint32_t ls = f->line_starts[line - 1];
    uint32_t le = line < f->nlines ? f->line_starts[line] - 1 : (uint32_t)f->len;
    if (le > ls && f->text[le - 1] == '\r')
        le--;
    char num[16];
    int nw = snprintf(num, sizeof num, "%u", line);
    fprintf(out, " %*s | ", nw < 4 ? 4 : nw, num);
    for (uint32_t i = ls; i < le; i++)
        fputc(f->text[i] == '\t' ? ' ' : f->text[i], out);
    fprintf(out, "\n %*s | %*s^\n", nw < 4 ? 4 : nw, "", col > 0 ? (int)(col - 1) : 0, "");
}

void cli_print_error(FILE *out, const pol_policy *pol, const pol_error *err, const cli_source *src, bool show_source)
{
    sc_buf text;
    sc_buf_init(&text);
    pol_error_text(pol, err, &text);
    fprintf(out, "%.*s\n", (int)text.len, text.data ? text.data : "");
    sc_buf_clear(&text);
    const bc_program *p = pol_policy_program(pol);
    if (show_source && src && src->main && err->pos.line && !strcmp(bc_file_name(p, err->pos), src->main->name))
        print_source_line(out, src->main, err->pos.line, err->pos.col);
}

int cli_run_tests(const char *tool, const pol_policy *pol, const char *file, const char *junit_path, bool verbose)
{
    FILE *junit = NULL;
    if (junit_path && !(junit = fopen(junit_path, "w"))) {
        fprintf(stderr, "%s: cannot write %s: %s\n", tool, junit_path, strerror(errno));
        return CLI_CANTCREAT;
    }
    pol_test_report rep = pol_run_tests(pol, stdout, junit, verbose);
    if (junit)
        fclose(junit);
    if (rep.findings)
        printf("%s: %d finding%s: figures the notice states that the rules do not reproduce\n", file, rep.findings,
               rep.findings == 1 ? "" : "s");
    printf("%s: %d passed, %d failed\n", file, rep.passed, rep.failed);
    return rep.failed ? CLI_FAILED : CLI_OK;
}
