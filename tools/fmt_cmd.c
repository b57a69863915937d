/* fmt_cmd.c -- `polc fmt [--check | --stdout] [FILE...]` (docs/polc.md,
 * "polc fmt"; the formatter itself is compiler/fmt.c).
 *
 *   polc fmt FILE...          rewrite each file in place (only if it changes)
 *   polc fmt --check FILE...  change nothing; list the files that would
 *                             change, exit 1 if any
 *   polc fmt --stdout FILE... print the formatted text
 *   polc fmt [-]              standard input to standard output
 *
 * A file with syntax errors is never written: its diagnostics are printed
 * and the exit status is 65 (after the other files were done).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "fmt.h"

int polc_fmt_main(int argc, char **argv);

typedef struct fmt_opts {
    bool check, to_stdout, json, color;
} fmt_opts;

static void fmt_usage(FILE *out)
{
    fputs(_("usage: polc fmt [--check | --stdout] [FILE.pol ...]\n"
          "\n"
          "  (no option)          rewrite each file in its canonical layout\n"
          "  --check              change nothing: list the files that would change (exit 1 if any)\n"
          "  --stdout             print the formatted text instead of writing the file\n"
          "  --diagnostics=json   print syntax errors as a JSON array\n"
          "  --color / --no-color colour diagnostics (default: when stderr is a terminal)\n"
          "  --lang zh|en         the language of messages (default: from LC_ALL, LC_MESSAGES, LANG)\n"
          "  FILE '-' or none     standard input, formatted to standard output\n"
          "\n"
          "exit status: 0 ok, 1 (--check) a file is not formatted, 64 usage,\n"
          "65 a file has syntax errors (left as it is), 66 a file cannot be read,\n"
          "73 a file cannot be written, 70 internal error\n"),
          out);
}

/* Reads standard input whole (at most the source limit). */
static char *read_stdin(size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (n == cap) {
            if (cap > POL_SOURCE_LIMIT) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n, stdin);
        n += k;
        if (k == 0) {
            if (ferror(stdin)) {
                free(buf);
                errno = EIO;
                return NULL;
            }
            break;
        }
    }
    *len = n;
    return buf;
}

/* One file (NULL: standard input); returns its exit status. */
static int fmt_one(const fmt_opts *o, const char *path)
{
    const char *name = path ? path : "<stdin>";
    size_t len = 0;
    char *text = path ? pol_read_file(path, POL_SOURCE_LIMIT, &len) : read_stdin(&len);
    if (!text) {
        pol_tr_fprintf(stderr, "polc: %s: %s\n", name, pol_file_error(errno));
        return CLI_NOINPUT;
    }
    diag_ctx d;
    diag_init(&d);
    char *out;
    size_t outlen;
    pol_fmt_status st = pol_format(name, text, len, &out, &outlen, &d);
    int rc = 0;
    if (st != POL_FMT_OK) {
        if (o->json)
            diag_print_json(&d, stderr);
        else
            diag_print(&d, stderr, o->color);
        rc = st == POL_FMT_SYNTAX ? CLI_DATAERR : CLI_INTERNAL;
    } else if (o->check) {
        if (outlen != len || memcmp(out, text, len) != 0) {
            printf("%s\n", name);
            rc = CLI_FAILED;
        }
    } else if (o->to_stdout || !path) {
        if (fwrite(out, 1, outlen, stdout) != outlen)
            rc = CLI_CANTCREAT; /* cli_finish says why */
    } else if (outlen != len || memcmp(out, text, len) != 0) {
        cli_out w; /* all of it or nothing: a temporary file, then renamed */
        rc = CLI_CANTCREAT;
        if (cli_out_open("polc", path, &w)) {
            errno = 0;
            bool ok = fwrite(out, 1, outlen, w.f) == outlen;
            if (!ok)
                cli_write_error("polc", path, errno);
            rc = cli_out_commit("polc", &w, ok);
        }
    }
    free(out);
    diag_free(&d);
    free(text);
    return rc;
}

enum { FOPT_CHECK = 256, FOPT_STDOUT, FOPT_DIAGNOSTICS, FOPT_COLOR, FOPT_NO_COLOR, FOPT_LANG };

static const struct option fmt_long[] = {
    {"help", no_argument, NULL, 'h'},
    {"check", no_argument, NULL, FOPT_CHECK},
    {"stdout", no_argument, NULL, FOPT_STDOUT},
    {"diagnostics", required_argument, NULL, FOPT_DIAGNOSTICS},
    {"color", no_argument, NULL, FOPT_COLOR},
    {"no-color", no_argument, NULL, FOPT_NO_COLOR},
    {"lang", required_argument, NULL, FOPT_LANG},
    {NULL, 0, NULL, 0},
};

/* argv[0] is "fmt". */
int polc_fmt_main(int argc, char **argv)
{
    fmt_opts o = {.color = isatty(2)};
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0, c;
    if (!files)
        return CLI_INTERNAL;
    optind = 1;
    while ((c = cli_getopt("polc", argc, argv, "-:h", fmt_long)) != -1) {
        switch (c) {
        case 1: files[nfiles++] = optarg; break;
        case 'h': fmt_usage(stdout); free(files); return 0;
        case FOPT_CHECK: o.check = true; break;
        case FOPT_STDOUT: o.to_stdout = true; break;
        case FOPT_COLOR: o.color = true; break;
        case FOPT_NO_COLOR: o.color = false; break;
        case FOPT_LANG:
            if (!cli_lang_value("polc", optarg)) {
                free(files);
                return CLI_USAGE;
            }
            break;
        case FOPT_DIAGNOSTICS:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                pol_tr_fprintf(stderr, "polc: --diagnostics takes text or json, not '%s'\n", optarg);
                free(files);
                return CLI_USAGE;
            }
            o.json = !strcmp(optarg, "json");
            break;
        default:
            free(files);
            return CLI_USAGE;
        }
    }
    for (; optind < argc; optind++)
        files[nfiles++] = argv[optind];
    if (o.check && o.to_stdout) {
        pol_tr_fprintf(stderr, "polc: fmt takes --check or --stdout, not both\n");
        free(files);
        return CLI_USAGE;
    }
    if (o.json)
        o.color = false;
    int rc = 0;
    if (nfiles == 0)
        rc = fmt_one(&o, NULL);
    for (int i = 0; i < nfiles; i++) {
        int r = fmt_one(&o, strcmp(files[i], "-") == 0 ? NULL : files[i]);
        if (r > rc) /* the worst: 1 not formatted < 65 syntax < 66, 70, 73 */
            rc = r;
    }
    free(files);
    return rc;
}
