/* polc.c -- the policy compiler's command line.
 *
 *   polc check FILE.pol            report every error and warning
 *   polc build FILE.pol [-o OUT]   compile to bytecode (default FILE.polc)
 *   polc test FILE.pol             run the policy's own tests
 *   polc disasm FILE.pol|FILE.polc list the bytecode
 *   polc interface FILE.pol|.polc  the policy's inputs and outputs as JSON
 *
 * Exit codes (docs/polc.md): 0 success, 1 a test failed, 64 usage error,
 * 65 the policy has errors (or a bytecode file is invalid), 66 a file cannot
 * be read, 73 an output cannot be written, 70 internal error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "diag.h"
#include "pol.h"

enum { EXIT_TESTFAIL = 1, EXIT_USAGE = 64, EXIT_DATAERR = 65, EXIT_NOINPUT = 66, EXIT_CANTCREAT = 73, EXIT_INTERNAL = 70 };

static void usage(FILE *out)
{
    fputs("usage: polc COMMAND [options] FILE\n"
          "\n"
          "commands:\n"
          "  check FILE.pol              check the policy; print every error and warning\n"
          "  build FILE.pol [-o OUT]     compile to bytecode (default: FILE.polc beside it)\n"
          "  test FILE.pol               run the tests written in the policy\n"
          "  disasm FILE.pol|FILE.polc   print the bytecode listing\n"
          "  interface FILE.pol|.polc    print the policy's inputs and outputs as JSON\n"
          "\n"
          "options:\n"
          "  --diagnostics=json          print diagnostics as a JSON array (for editors)\n"
          "  --color / --no-color        colour diagnostics (default: when stderr is a terminal)\n"
          "  -Werror                     treat warnings as errors\n"
          "  --junit FILE                with test: also write a JUnit XML report\n"
          "  -v                          with test: list passing tests too\n"
          "  -o FILE                     with build: where to write the bytecode\n"
          "  -h, --help                  this text\n"
          "\n"
          "exit status: 0 ok, 1 a test failed, 64 usage, 65 the policy has errors,\n"
          "66 a file cannot be read, 73 cannot write the output, 70 internal error\n",
          out);
}

typedef struct opts {
    const char *cmd, *file, *out, *junit;
    bool json, color, werror, verbose;
} opts;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Compiles (or loads) opts->file; prints diagnostics; NULL + exit code on failure. */
static pol_policy *obtain(const opts *o, int *code, bool allow_bytecode)
{
    char err[600];
    if (allow_bytecode && ends_with(o->file, ".polc")) {
        pol_policy *pol = pol_policy_load(o->file, err, sizeof err);
        if (!pol) {
            fprintf(stderr, "polc: %s\n", err);
            *code = errno == ENOENT ? EXIT_NOINPUT : EXIT_DATAERR;
        }
        return pol;
    }
    if (ends_with(o->file, ".polc")) {
        fprintf(stderr, "polc: %s is compiled bytecode; '%s' takes a .pol source\n", o->file, o->cmd);
        *code = EXIT_USAGE;
        return NULL;
    }
    diag_ctx d;
    diag_init(&d);
    src_file *src = NULL;
    bool unreadable;
    bc_program *prog = pol_compile_path(o->file, &d, &src, &unreadable);
    if (unreadable) {
        fprintf(stderr, "polc: %s: %s\n", o->file, strerror(errno));
        diag_free(&d);
        *code = EXIT_NOINPUT;
        return NULL;
    }
    if (o->werror && d.warnings > 0 && prog) {
        diag_report(&d, DIAG_ERROR, NULL, (span){0, 0}, DC_WERROR, "warnings treated as errors (-Werror)");
        bc_free(prog);
        prog = NULL;
    }
    if (o->json)
        diag_print_json(&d, stdout);
    else
        diag_print(&d, stderr, o->color);
    if (!o->json && (d.errors || d.warnings))
        fprintf(stderr, "%d error%s, %d warning%s\n", d.errors, d.errors == 1 ? "" : "s", d.warnings,
                d.warnings == 1 ? "" : "s");
    diag_free(&d);
    src_free(src);
    if (!prog) {
        *code = EXIT_DATAERR;
        return NULL;
    }
    pol_policy *pol = pol_policy_adopt(prog, err, sizeof err);
    if (!pol) {
        fprintf(stderr, "polc: internal error: generated code failed verification: %s\n", err);
        *code = EXIT_INTERNAL;
    }
    return pol;
}

static int cmd_build(const opts *o)
{
    int code = 0;
    pol_policy *pol = obtain(o, &code, false);
    if (!pol)
        return code;
    char *outpath;
    if (o->out) {
        outpath = strdup(o->out);
    } else {
        size_t n = strlen(o->file);
        outpath = malloc(n + 6);
        if (outpath) {
            memcpy(outpath, o->file, n + 1);
            if (ends_with(outpath, ".pol"))
                outpath[n - 4] = 0;
            strcat(outpath, ".polc");
        }
    }
    if (!outpath) {
        pol_policy_free(pol);
        return EXIT_INTERNAL;
    }
    uint8_t *bytes;
    size_t len;
    bc_write(pol_policy_program(pol), &bytes, &len);
    FILE *fp = fopen(outpath, "wb");
    int rc = 0;
    if (!fp || fwrite(bytes, 1, len, fp) != len || fclose(fp) != 0) {
        fprintf(stderr, "polc: cannot write %s: %s\n", outpath, strerror(errno));
        rc = EXIT_CANTCREAT;
    }
    free(bytes);
    free(outpath);
    pol_policy_free(pol);
    return rc;
}

static int cmd_test(const opts *o)
{
    int code = 0;
    pol_policy *pol = obtain(o, &code, true);
    if (!pol)
        return code;
    FILE *junit = NULL;
    if (o->junit) {
        junit = fopen(o->junit, "w");
        if (!junit) {
            fprintf(stderr, "polc: cannot write %s: %s\n", o->junit, strerror(errno));
            pol_policy_free(pol);
            return EXIT_CANTCREAT;
        }
    }
    pol_test_report rep = pol_run_tests(pol, stdout, junit, o->verbose);
    if (junit)
        fclose(junit);
    if (rep.findings)
        printf("%s: %d finding%s: figures the notice states that the rules do not reproduce\n", o->file, rep.findings,
               rep.findings == 1 ? "" : "s");
    printf("%s: %d passed, %d failed\n", o->file, rep.passed, rep.failed);
    pol_policy_free(pol);
    return rep.failed ? EXIT_TESTFAIL : 0;
}

static int cmd_disasm(const opts *o)
{
    int code = 0;
    pol_policy *pol = obtain(o, &code, true);
    if (!pol)
        return code;
    bc_disassemble(pol_policy_program(pol), stdout);
    pol_policy_free(pol);
    return 0;
}

static int cmd_interface(const opts *o)
{
    int code = 0;
    pol_policy *pol = obtain(o, &code, true);
    if (!pol)
        return code;
    sc_buf b;
    sc_buf_init(&b);
    pol_policy_interface_json(pol, &b);
    fwrite(b.data, 1, b.len, stdout);
    fputc('\n', stdout);
    sc_buf_clear(&b);
    pol_policy_free(pol);
    return 0;
}

int main(int argc, char **argv)
{
    opts o = {0};
    o.color = isatty(2);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--diagnostics=json") || !strcmp(a, "--json"))
            o.json = true;
        else if (!strcmp(a, "--color"))
            o.color = true;
        else if (!strcmp(a, "--no-color"))
            o.color = false;
        else if (!strcmp(a, "-Werror"))
            o.werror = true;
        else if (!strcmp(a, "-v"))
            o.verbose = true;
        else if (!strcmp(a, "-o") || !strcmp(a, "--junit")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "polc: %s needs a file name\n", a);
                return EXIT_USAGE;
            }
            if (!strcmp(a, "-o"))
                o.out = argv[++i];
            else
                o.junit = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "polc: unknown option %s\n", a);
            usage(stderr);
            return EXIT_USAGE;
        } else if (!o.cmd)
            o.cmd = a;
        else if (!o.file)
            o.file = a;
        else {
            fprintf(stderr, "polc: unexpected argument %s\n", a);
            return EXIT_USAGE;
        }
    }
    if (!o.cmd || !o.file) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (o.json)
        o.color = false;
    if (!strcmp(o.cmd, "check")) {
        int code = 0;
        pol_policy *pol = obtain(&o, &code, false);
        pol_policy_free(pol);
        return pol ? 0 : code;
    }
    if (!strcmp(o.cmd, "build"))
        return cmd_build(&o);
    if (!strcmp(o.cmd, "test"))
        return cmd_test(&o);
    if (!strcmp(o.cmd, "disasm"))
        return cmd_disasm(&o);
    if (!strcmp(o.cmd, "interface"))
        return cmd_interface(&o);
    fprintf(stderr, "polc: unknown command '%s'\n", o.cmd);
    usage(stderr);
    return EXIT_USAGE;
}
