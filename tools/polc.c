/* polc.c -- the policy compiler's command line.
 *
 *   polc check FILE.pol            report every error and warning
 *   polc build FILE.pol [-o OUT]   compile to bytecode (default FILE.polc)
 *   polc test FILE.pol             run the policy's own tests
 *   polc disasm FILE.pol|FILE.polc list the bytecode
 *   polc interface FILE.pol|.polc  the policy's inputs and outputs as JSON
 *   polc keygen NAME               a signing key pair: NAME.key, NAME.pub
 *   polc fmt [--check] FILE...     the canonical layout (tools/fmt_cmd.c)
 *   polc build FILE.pol --sign NAME.key   ... and sign it (docs/signing.md)
 *
 * Exit codes (tools/cli.h, docs/polc.md): 0 success, 1 a test failed, 64
 * usage error, 65 the policy has errors (or a bytecode file is invalid), 66 a
 * file cannot be read, 73 an output cannot be written, 70 internal error.
 * Loading, compiling and test reports are shared with polrun (tools/cli.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "doc.h"
#include "mem.h"
#include "sign.h"

int polc_fmt_main(int argc, char **argv); /* tools/fmt_cmd.c */

static void usage(FILE *out)
{
    fputs(_("usage: polc COMMAND [options] FILE\n"
          "\n"
          "commands:\n"
          "  check FILE.pol              check the policy; print every error and warning\n"
          "  build FILE.pol [-o OUT]     compile to bytecode (default: FILE.polc beside it)\n"
          "  test FILE.pol               run the tests written in the policy\n"
          "  disasm FILE.pol|FILE.polc   print the bytecode listing\n"
          "  interface FILE.pol|.polc    print the policy's inputs and outputs as JSON\n"
          "  doc FILE.pol|.polc [-o OUT]  the notice beside its rules, as one HTML page (default: FILE.html)\n"
          "  keygen NAME                 make a signing key pair: NAME.key (secret), NAME.pub\n"
          "  fmt [--check] FILE...       format in place (--check: list unformatted files; polc fmt -h)\n"
          "\n"
          "options:\n"
          "  --diagnostics=json          print diagnostics as a JSON array (for editors)\n"
          "  --color / --no-color        colour diagnostics (default: when stderr is a terminal)\n"
          "  -Werror                     treat warnings as errors\n"
          "  --junit FILE                with test: also write a JUnit XML report\n"
          "  -v, --verbose               with test: list passing tests too\n"
          "  -o FILE                     with build, doc: where to write the bytecode or the page\n"
          "  --sign KEYFILE              with build: sign the bytecode with a secret key (NAME.key)\n"
          "  --lang zh|en                the language of messages (default: from LC_ALL, LC_MESSAGES, LANG)\n"
          "  -h, --help                  this text\n"
          "  --version                   print the version and the bytecode format\n"
          "\n"
          "a value follows its option as -oFILE, -o FILE, --junit=FILE or --junit FILE.\n"
          "\n"
          "exit status: 0 ok, 1 a test failed, 64 usage, 65 the policy has errors,\n"
          "66 a file cannot be read, 73 cannot write an output, 70 internal error\n"),
          out);
}

typedef struct opts {
    const char *cmd, *file, *out, *junit, *sign;
    bool json, color, werror, verbose;
    pol_signing_key key; /* --sign: loaded before compiling */
} opts;

/* Compiles (or, with allow_bytecode, loads) opts->file; prints diagnostics;
 * NULL + exit code on failure. */
static pol_policy *obtain(const opts *o, int *code, bool allow_bytecode)
{
    if (!allow_bytecode && cli_ends_with(o->file, ".polc")) {
        pol_tr_fprintf(stderr, "polc: %s is compiled bytecode; '%s' takes a .pol source\n", o->file, o->cmd);
        *code = CLI_USAGE;
        return NULL;
    }
    cli_load how = {.tool = "polc", .source_if_not_polc = true, .bytecode = allow_bytecode, .all_diags = true,
                    .json = o->json, .color = o->color, .werror = o->werror};
    return cli_load_policy(&how, o->file, code, NULL);
}

static int cmd_build(const opts *o, pol_policy *pol)
{
    char *outpath;
    if (o->out) {
        outpath = strdup(o->out);
    } else {
        size_t n = strlen(o->file);
        outpath = malloc(n + 6);
        if (outpath) {
            memcpy(outpath, o->file, n + 1);
            if (cli_ends_with(outpath, ".pol"))
                outpath[n - 4] = 0;
            strcat(outpath, ".polc");
        }
    }
    if (!outpath)
        return CLI_INTERNAL;
    uint8_t *bytes;
    size_t len;
    bc_write(pol_policy_program(pol), &bytes, &len);
    if (o->sign)
        pol_sign_append(&bytes, &len, &o->key);
    cli_out out; /* all of it or nothing: no half-written bytecode */
    int rc = CLI_CANTCREAT;
    if (cli_out_open("polc", outpath, &out)) {
        errno = 0;
        bool ok = fwrite(bytes, 1, len, out.f) == len;
        if (!ok)
            cli_write_error("polc", outpath, errno);
        rc = cli_out_commit("polc", &out, ok);
    }
    free(bytes);
    free(outpath);
    return rc;
}

/* polc doc: the literate page (tools/doc.c), written whole or not at all. */
static int cmd_doc(const opts *o, pol_policy *pol)
{
    size_t n = strlen(o->file);
    char *outpath = pol_xmalloc(n + 6);
    memcpy(outpath, o->file, n + 1);
    if (cli_ends_with(outpath, ".polc"))
        outpath[n - 5] = 0;
    else if (cli_ends_with(outpath, ".pol"))
        outpath[n - 4] = 0;
    strcat(outpath, ".html");
    const char *path = o->out ? o->out : outpath;
    cli_out out;
    int rc = CLI_CANTCREAT;
    if (cli_out_open("polc", path, &out)) {
        errno = 0;
        bool ok = doc_write_html(pol, o->file, out.f);
        if (!ok)
            cli_write_error("polc", path, errno);
        rc = cli_out_commit("polc", &out, ok);
    }
    free(outpath);
    return rc;
}

static int cmd_check(const opts *o, pol_policy *pol)
{
    (void)o;
    (void)pol;
    return 0; /* loading printed every diagnostic */
}

static int cmd_test(const opts *o, pol_policy *pol) { return cli_run_tests("polc", pol, o->file, o->junit, o->verbose); }

static int cmd_disasm(const opts *o, pol_policy *pol)
{
    (void)o;
    bc_disassemble(pol_policy_program(pol), stdout);
    return 0;
}

static int cmd_interface(const opts *o, pol_policy *pol)
{
    (void)o;
    cli_print_interface(pol);
    return 0;
}

/* The commands: each gets the policy, compiled (or, where a .polc will do,
 * loaded). */
static const struct command {
    const char *name;
    bool bytecode;
    int (*run)(const opts *, pol_policy *);
} commands[] = {
    {"check", false, cmd_check},     {"build", false, cmd_build},         {"test", true, cmd_test},
    {"disasm", true, cmd_disasm},    {"interface", true, cmd_interface},  {"doc", true, cmd_doc},
};

/* polc keygen NAME (a trailing .key or .pub is dropped). */
static int cmd_keygen(const opts *o)
{
    size_t n = strlen(o->file);
    char *base = pol_xstrdup(o->file);
    if (cli_ends_with(base, ".key") || cli_ends_with(base, ".pub"))
        base[n - 4] = 0;
    char id[POL_KEY_ID_CHARS + 1], err[600];
    bool ok = pol_key_generate(base, id, err, sizeof err);
    if (ok)
        printf("%s.key: the secret key (mode 0600): keep it private; sign with polc build --sign %s.key\n"
               "%s.pub: the public key, id %s: put it in each service's trusted keys directory\n",
               base, base, base, id);
    else
        pol_tr_fprintf(stderr, "polc: %s\n", err);
    free(base);
    return ok ? 0 : CLI_CANTCREAT;
}

/* --sign KEYFILE: the key, read before anything is compiled. */
static int load_signing_key(opts *o)
{
    if (strcmp(o->cmd, "build") != 0) {
        pol_tr_fprintf(stderr, "polc: --sign goes with build, not %s\n", o->cmd);
        return CLI_USAGE;
    }
    char err[600];
    errno = 0;
    if (!pol_signing_key_load(o->sign, &o->key, err, sizeof err)) {
        pol_tr_fprintf(stderr, "polc: %s\n", err);
        return errno ? CLI_NOINPUT : CLI_DATAERR;
    }
    return -1;
}

/* An option the command does not use is a usage error, never ignored. */
static int check_command_options(const opts *o)
{
    static const struct {
        const char *name, *cmd;
        size_t at; /* offsetof the option's value in opts */
    } only[] = {
        {"-o", "build or doc", offsetof(opts, out)},
        {"--sign", "build", offsetof(opts, sign)},
        {"--junit", "test", offsetof(opts, junit)},
    };
    for (size_t k = 0; k < sizeof only / sizeof only[0]; k++) {
        const char *v = *(const char *const *)((const char *)o + only[k].at);
        size_t cl = strlen(o->cmd);
        const char *at = strstr(only[k].cmd, o->cmd); /* "build or doc": either */
        if (v && !(at && (at == only[k].cmd || at[-1] == ' ') && (at[cl] == '\0' || at[cl] == ' '))) {
            pol_tr_fprintf(stderr, "polc: %s goes with %s, not %s\n", only[k].name, only[k].cmd, o->cmd);
            return CLI_USAGE;
        }
    }
    if (o->verbose && strcmp(o->cmd, "test") != 0) {
        pol_tr_fprintf(stderr, "polc: -v goes with test, not %s\n", o->cmd);
        return CLI_USAGE;
    }
    return -1;
}

static int run_command(opts *o)
{
    int rc;
    if (!strcmp(o->cmd, "keygen"))
        return (rc = check_command_options(o)) >= 0 ? rc : cmd_keygen(o);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(o->cmd, commands[i].name) != 0)
            continue;
        if ((rc = check_command_options(o)) >= 0)
            return rc;
        if (o->sign && (rc = load_signing_key(o)) >= 0)
            return rc;
        int code = 0;
        pol_policy *pol = obtain(o, &code, commands[i].bytecode);
        if (!pol)
            return code;
        code = commands[i].run(o, pol);
        pol_policy_free(pol);
        return code;
    }
    pol_tr_fprintf(stderr, "polc: unknown command '%s'\n", o->cmd);
    usage(stderr);
    return CLI_USAGE;
}

enum { OPT_VERSION = 256, OPT_DIAGNOSTICS, OPT_JSON, OPT_COLOR, OPT_NO_COLOR, OPT_JUNIT, OPT_SIGN, OPT_LANG };

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"diagnostics", required_argument, NULL, OPT_DIAGNOSTICS},
    {"json", no_argument, NULL, OPT_JSON},
    {"color", no_argument, NULL, OPT_COLOR},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"sign", required_argument, NULL, OPT_SIGN},
    {"verbose", no_argument, NULL, 'v'},
    {"lang", required_argument, NULL, OPT_LANG},
    {NULL, 0, NULL, 0},
};

/* An operand: the command, then the file. */
static int operand(opts *o, const char *a)
{
    if (!o->cmd)
        o->cmd = a;
    else if (!o->file)
        o->file = a;
    else {
        pol_tr_fprintf(stderr, "polc: unexpected argument %s\n", a);
        return CLI_USAGE;
    }
    return -1;
}

/* Reads the command line into o; -1 to go on, else the exit code. */
static int parse_args(opts *o, int argc, char **argv)
{
    int c, rc;
    while ((c = cli_getopt("polc", argc, argv, "-:ho:vW:", long_options)) != -1) {
        switch (c) {
        case 1:
            if ((rc = operand(o, optarg)) >= 0)
                return rc;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            cli_print_version("polc");
            return 0;
        case OPT_DIAGNOSTICS:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                pol_tr_fprintf(stderr, "polc: --diagnostics takes text or json, not '%s'\n", optarg);
                return CLI_USAGE;
            }
            o->json = !strcmp(optarg, "json");
            break;
        case OPT_JSON: o->json = true; break;
        case OPT_COLOR: o->color = true; break;
        case OPT_NO_COLOR: o->color = false; break;
        case 'v': o->verbose = true; break;
        case 'o': o->out = optarg; break;
        case OPT_JUNIT: o->junit = optarg; break;
        case OPT_SIGN: o->sign = optarg; break;
        case OPT_LANG:
            if (!cli_lang_value("polc", optarg))
                return CLI_USAGE;
            break;
        case 'W':
            if (strcmp(optarg, "error") != 0) {
                pol_tr_fprintf(stderr, "polc: unknown option -W%s (-Werror is the only one)\n", optarg);
                return CLI_USAGE;
            }
            o->werror = true;
            break;
        default: /* cli_getopt said what */
            return CLI_USAGE;
        }
    }
    for (; optind < argc; optind++) /* after "--" */
        if ((rc = operand(o, argv[optind])) >= 0)
            return rc;
    if (!o->cmd || !o->file) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (o->json)
        o->color = false;
    return -1;
}

static int polc_main(int argc, char **argv)
{
    opts o = {0};
    o.color = isatty(2);
    int rc = parse_args(&o, argc, argv);
    if (rc < 0)
        rc = run_command(&o);
    pol_signing_key_wipe(&o.key);
    return rc;
}

int main(int argc, char **argv)
{
    cli_std_fds();
    pol_lang_set(pol_lang_from_env()); /* the locale variables; --lang overrides */
    if (cli_lang_option("polc", argc, argv) >= 0)
        return cli_finish("polc", CLI_USAGE);
    int k = 1; /* the command, after a --lang before it */
    while (k < argc && (!strncmp(argv[k], "--lang=", 7) || (!strcmp(argv[k], "--lang") && ++k < argc)))
        k++;
    if (k < argc && strcmp(argv[k], "fmt") == 0) /* its own options (tools/fmt_cmd.c) */
        return cli_finish("polc", polc_fmt_main(argc - k, argv + k));
    return cli_finish("polc", polc_main(argc, argv));
}
