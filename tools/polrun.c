/* polrun.c -- evaluate scenarios against a policy.
 *
 *   polrun POLICY [SCENARIO.json]        one scenario (a JSON object; stdin if absent)
 *   polrun POLICY --batch [IN] [-o OUT]  JSON Lines or CSV, streamed, in input order
 *   polrun POLICY --test                 run the policy's own tests
 *   polrun POLICY --interface            print the scenario schema
 *
 * POLICY is a compiled .polc file or a .pol source (compiled in-process).
 * Exit codes (tools/cli.h, docs/polrun.md): 0 success, 1 some scenario or
 * test failed, 64 usage, 65 the policy is invalid, 66 a file cannot be read,
 * 73 the output cannot be written, 70 internal.  The batch pipeline is
 * tools/batch.c; loading, runtime errors and test reports are tools/cli.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"

typedef enum { EXPLAIN_NONE, EXPLAIN_TEXT, EXPLAIN_JSON } explain_mode;

typedef struct opts {
    const char *policy, *junit;
    bool batch, test, interface, verbose;
    explain_mode explain;
    batch_opts run; /* input, output, formats, limits: the batch's and one scenario's */
} opts;

static void usage(FILE *out)
{
    fputs("usage: polrun POLICY [SCENARIO.json]          evaluate one scenario (stdin if no file)\n"
          "       polrun POLICY --batch [IN] [-o OUT]    evaluate JSON Lines or CSV, streaming\n"
          "       polrun POLICY --test [--junit FILE]    run the policy's own tests\n"
          "       polrun POLICY --interface              print the policy's inputs and outputs (JSON)\n"
          "\n"
          "POLICY is a .polc bytecode file or a .pol source (compiled in-process).\n"
          "\n"
          "options:\n"
          "  --explain[=text|json]   show how each output was reached (rules, clauses, parameters)\n"
          "  --in jsonl|csv          batch input format (default: by extension, else jsonl)\n"
          "  --out jsonl|csv         batch output format (default: by extension, else jsonl)\n"
          "  -o FILE                 batch output file (default: stdout)\n"
          "  -j N                    batch worker threads (default: number of cores)\n"
          "  --allow-extra           ignore scenario fields that are not inputs\n"
          "  --max-steps N           limit evaluation steps per scenario (default 1000000)\n"
          "  --max-record BYTES      longest accepted batch record (default 1048576)\n"
          "  -q                      no summary or progress on stderr\n"
          "  -v                      with --test: list passing tests too\n"
          "\n"
          "exit status: 0 ok, 1 some scenario or test failed, 64 usage, 65 invalid policy,\n"
          "66 a file cannot be read, 73 cannot write the output, 70 internal error\n",
          out);
}

/* ---- one scenario ---- */
static int run_one(const opts *o, pol_policy *pol, const cli_source *src)
{
    FILE *in = stdin;
    const char *name = "<stdin>";
    if (o->run.input && strcmp(o->run.input, "-") != 0) {
        in = fopen(o->run.input, "rb");
        name = o->run.input;
        if (!in) {
            fprintf(stderr, "polrun: %s: %s\n", o->run.input, strerror(errno));
            return CLI_NOINPUT;
        }
    }
    sc_buf text;
    sc_buf_init(&text);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        sc_buf_put(&text, chunk, n);
        if (text.len > o->run.max_record) {
            fprintf(stderr, "polrun: %s: scenario larger than %zu bytes\n", name, o->run.max_record);
            sc_buf_clear(&text);
            if (in != stdin)
                fclose(in);
            return CLI_FAILED;
        }
    }
    if (in != stdin)
        fclose(in);
    const char *t = text.data ? text.data : "";
    size_t len = text.len;
    if (len >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB && (unsigned char)t[2] == 0xBF) {
        t += 3; /* a UTF-8 byte order mark */
        len -= 3;
    }
    sc_record rec;
    sc_record_init(&rec);
    sc_error serr;
    int rc = 0;
    pol_eval *ev = pol_eval_new(pol);
    pol_eval_set_step_limit(ev, o->run.max_steps);
    pol_eval_set_trace(ev, o->explain != EXPLAIN_NONE);
    pol_eval_begin(ev);
    pol_error perr;
    sc_buf out;
    sc_buf_init(&out);
    if (sc_parse_json_object(&rec, t, len, &serr) != 0) {
        fprintf(stderr, "polrun: %s: byte %zu: %s\n", name, serr.offset + 1, serr.msg);
        rc = CLI_FAILED;
    } else if (pol_eval_set_record(ev, &rec, o->run.allow_extra, &perr) != 0 || pol_eval_run(ev, &perr) != 0) {
        if (perr.status == POL_E_RUNTIME) /* the source line too, for a person at a terminal */
            cli_print_error(stderr, &perr, src, isatty(2));
        else
            fprintf(stderr, "%s: error: %s\n", name, perr.msg);
        rc = CLI_FAILED;
    } else {
        if (o->explain == EXPLAIN_JSON)
            pol_eval_explain_json_buf(ev, &out);
        else
            pol_eval_outputs_json_buf(ev, &out);
        sc_buf_putc(&out, '\n');
        if (o->explain == EXPLAIN_TEXT) {
            sc_buf_putc(&out, '\n');
            pol_eval_explain_text_buf(ev, &out);
        }
        fwrite(out.data, 1, out.len, stdout);
    }
    sc_buf_clear(&out);
    pol_eval_free(ev);
    sc_record_clear(&rec);
    sc_buf_clear(&text);
    return rc;
}

/* Options that take a value (argv[*i + 1]); 0, or an exit code. */
static int value_option(opts *o, const char *a, const char *val)
{
    if (!strcmp(a, "-o")) {
        o->run.output = val;
    } else if (!strcmp(a, "--junit")) {
        o->junit = val;
    } else if (!strcmp(a, "--in") || !strcmp(a, "--out")) {
        int f = !strcmp(val, "csv") ? SC_FMT_CSV : !strcmp(val, "jsonl") || !strcmp(val, "json") ? SC_FMT_JSONL : -2;
        if (f == -2) {
            fprintf(stderr, "polrun: %s takes jsonl or csv, not %s\n", a, val);
            return CLI_USAGE;
        }
        if (!strcmp(a, "--in"))
            o->run.in_fmt = f;
        else
            o->run.out_fmt = f;
    } else {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(val, &end, 10);
        if (*end || errno || v == 0 || (!strcmp(a, "-j") && v > 64)) {
            fprintf(stderr, "polrun: %s needs a positive whole number%s\n", a, !strcmp(a, "-j") ? " up to 64" : "");
            return CLI_USAGE;
        }
        if (!strcmp(a, "-j"))
            o->run.jobs = (int)v;
        else if (!strcmp(a, "--max-steps"))
            o->run.max_steps = v;
        else
            o->run.max_record = (size_t)v;
    }
    return 0;
}

static bool takes_value(const char *a)
{
    static const char *const with_value[] = {"-o", "--junit", "--in", "--out", "-j", "--max-steps", "--max-record"};
    for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
        if (!strcmp(a, with_value[k]))
            return true;
    return false;
}

/* A flag without a value; false if `a` is none. */
static bool flag_option(opts *o, const char *a)
{
    if (!strcmp(a, "--batch"))
        o->batch = true;
    else if (!strcmp(a, "--test"))
        o->test = true;
    else if (!strcmp(a, "--interface"))
        o->interface = true;
    else if (!strcmp(a, "--explain") || !strcmp(a, "--explain=text"))
        o->explain = EXPLAIN_TEXT;
    else if (!strcmp(a, "--explain=json"))
        o->explain = EXPLAIN_JSON;
    else if (!strcmp(a, "--allow-extra"))
        o->run.allow_extra = true;
    else if (!strcmp(a, "-q"))
        o->run.quiet = true;
    else if (!strcmp(a, "-v"))
        o->verbose = true;
    else
        return false;
    return true;
}

/* Reads the command line into o; -1 to go on, else the exit code. */
static int parse_args(opts *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (flag_option(o, a)) {
            continue;
        } else if (takes_value(a)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "polrun: %s needs a value\n", a);
                return CLI_USAGE;
            }
            int rc = value_option(o, a, argv[++i]);
            if (rc)
                return rc;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "polrun: unknown option %s\n", a);
            usage(stderr);
            return CLI_USAGE;
        } else if (!o->policy)
            o->policy = a;
        else if (!o->run.input)
            o->run.input = a;
        else {
            fprintf(stderr, "polrun: unexpected argument %s\n", a);
            return CLI_USAGE;
        }
    }
    if (!o->policy) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (o->explain == EXPLAIN_TEXT && o->batch) {
        fprintf(stderr, "polrun: --batch explains as JSON only; use --explain=json\n");
        return CLI_USAGE;
    }
    o->run.explain = o->explain == EXPLAIN_JSON;
    return -1;
}

int main(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.run.in_fmt = o.run.out_fmt = -1;
    o.run.max_steps = 1000000;
    o.run.max_record = SC_MAX_RECORD_DEFAULT;
    int rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    cli_load how = {.tool = "polrun", .bytecode = true, .color = isatty(2)}; /* only .pol is compiled */
    cli_source *src = NULL;
    pol_policy *pol = cli_load_policy(&how, o.policy, &rc, &src);
    if (!pol)
        return rc;
    if (o.test) {
        rc = cli_run_tests("polrun", pol, o.policy, o.junit, o.verbose);
    } else if (o.interface) {
        cli_print_interface(pol);
        rc = 0;
    } else if (o.batch)
        rc = batch_run(&o.run, pol);
    else
        rc = run_one(&o, pol, src);
    pol_policy_free(pol);
    cli_source_free(src);
    return rc;
}
