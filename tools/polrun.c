/* polrun.c -- evaluate scenarios against a policy.
 *
 *   polrun POLICY [SCENARIO.json]        one scenario (a JSON object; stdin if absent)
 *   polrun POLICY --batch [IN] [-o OUT]  JSON Lines or CSV, streamed, in input order
 *   polrun POLICY --test                 run the policy's own tests
 *   polrun POLICY --interface            print the scenario schema
 *   polrun --compare OLD NEW --batch IN  both policies over a population (compare.c)
 *
 * POLICY is a compiled .polc file or a .pol source (compiled in-process);
 * with --trusted-keys DIR, only a .polc signed by a key in DIR, in every
 * mode (docs/signing.md).  Exit codes (tools/cli.h, docs/polrun.md): 0
 * success, 1 some scenario or test failed, 64 usage, 65 the policy is
 * invalid or not signed by a trusted key, 66 a file cannot be read, 73 the
 * output cannot be written, 70 internal.  The batch pipeline is
 * tools/batch.c; loading, runtime errors and test reports are tools/cli.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "batch.h"
#include "caldate.h"
#include "compare.h"
#include "cli.h"
#include "clause.h"
#include "mem.h"
#include "polint.h"

typedef enum { EXPLAIN_NONE, EXPLAIN_TEXT, EXPLAIN_JSON, EXPLAIN_HTML } explain_mode;

typedef struct opts {
    const char *policy, *junit, *trusted_keys;
    bool batch, test, interface, verbose, compare;
    const char *third; /* a third operand: with --compare, OLD NEW POPULATION */
    cmp_opts cmp;      /* --compare's own options (--summary, --report, --by, --key, --pair) */
    explain_mode explain;
    bool explain_bare; /* --explain without '=' (then "json" after it is an operand) */
    const char *explain_output, *explain_month; /* --explain=[FORMAT:]OUTPUT, --explain-month */
    bool explain_clauses; /* --explain-clauses: the cited clauses' words (the HTML page has them always) */
    unsigned given;    /* the G_* of the options given, checked against the mode */
    batch_opts run; /* input, output, formats, limits: the batch's and one scenario's */
    batch_keys keys; /* --key, pointed to by run.keys */
} opts;

static void usage(FILE *out)
{
    fputs(_("usage: polrun POLICY [SCENARIO.json]          evaluate one scenario (stdin if no file)\n"
          "       polrun POLICY --batch [IN] [-o OUT]    evaluate JSON Lines or CSV, streaming\n"
          "       polrun POLICY --test [--junit FILE]    run the policy's own tests\n"
          "       polrun POLICY --interface              print the policy's inputs and outputs (JSON)\n"
          "       polrun --compare OLD NEW --batch IN [-o DIFF] [--summary FILE.json|.csv] [--report FILE.html]\n"
          "              [--by FIELD]... [--key FIELD]... [--pair OLD=NEW]...   a reform over a population\n"
          "\n"
          "POLICY is a .polc bytecode file or a .pol source (compiled in-process).\n"
          "\n"
          "options:\n"
          "  --explain[=text|json|html]  show how each output was reached: rules, calls with their\n"
          "                          arguments, parameter versions, roundings, clauses (html: a page)\n"
          "  --explain=[FORMAT:]OUTPUT   explain one output only\n"
          "  --explain-month YYYY-MM only the calls made for that month (a timeline's month)\n"
          "  --explain-clauses       also the words of each clause cited, from the notice\n"
          "  --in jsonl|csv          batch input format (default: by extension, else jsonl)\n"
          "  --out jsonl|csv         batch output format (default: by extension, else jsonl)\n"
          "  -o FILE                 batch output file (default: stdout)\n"
          "  -j, --jobs N            batch worker threads, 1 to 64 (default: number of cores)\n"
          "  --allow-extra           ignore scenario fields that are not inputs\n"
          "  --key FIELD[,FIELD...]  batch: copy these input fields into every output record\n"
          "  --line-buffered         batch: answer each record before reading the next\n"
          "  --progress, --no-progress  batch progress on stderr (default: on a terminal)\n"
          "  --encoding gb18030|gbk|utf-8  batch input encoding (default utf-8)\n"
          "  --bom                   batch CSV output begins with a UTF-8 BOM (for Excel)\n"
          "  --max-steps N           limit evaluation steps per scenario (default 1000000)\n"
          "  --max-record BYTES      longest accepted batch record (default 1048576)\n"
          "  -q, --quiet             no summary or progress on stderr\n"
          "  -v, --verbose           with --test: list passing tests too\n"
          "  --junit FILE            with --test: also write a JUnit XML report\n"
          "  --trusted-keys DIR      run only bytecode signed by a key in DIR (its *.pub files)\n"
          "  --lang zh|en            the language of messages (default: from LC_ALL, LC_MESSAGES, LANG)\n"
          "  -h, --help              this text\n"
          "  --version               print the version and the bytecode format\n"
          "\n"
          "a value follows its option as -j2, -j 2, --jobs=2 or --jobs 2.\n"
          "\n"
          "exit status: 0 ok, 1 some scenario or test failed, 64 usage, 65 invalid policy,\n"
          "66 a file cannot be read, 73 cannot write an output, 70 internal error\n"),
          out);
}

/* ---- one scenario ---- */

/* An error of the scenario as a whole (a bad field) or of one output. */
static void print_scenario_error(const pol_error *e, const char *name, const cli_source *src)
{
    if (e->status == POL_E_RUNTIME) /* the source line too, for a person at a terminal */
        cli_print_error(stderr, e, src, isatty(2));
    else
        pol_tr_fprintf(stderr, "%s: error: %s\n", name, pol_error_message(e));
}

/* Why each output without a value has none: its error (each distinct error
 * once), or a note that it is not applicable or not stated by the notice. */
static void print_unavailable(const pol_policy *pol, const pol_eval *ev, const char *name, const cli_source *src)
{
    uint32_t n = pol_policy_nrules(pol);
    const pol_error **seen = pol_xcalloc(n + 1, sizeof *seen);
    size_t nseen = 0;
    for (uint32_t r = 0; r < n; r++) {
        const pol_error *e = pol_eval_output_error(ev, r);
        if (!e)
            continue;
        if (e->status == POL_NOT_APPLICABLE || e->status == POL_UNSTATED) {
            char at[POL_POS_TEXT_MAX];
            pol_pos_text(&e->pos, at, sizeof at);
            pol_tr_fprintf(stderr, "%s%snote: %s: %s\n", at, at[0] ? ": " : "", pol_policy_rule_name(pol, r), pol_error_message(e));
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < nseen && !dup; k++)
            dup = !strcmp(seen[k]->msg, e->msg) && seen[k]->pos.line == e->pos.line && seen[k]->pos.col == e->pos.col;
        if (dup)
            continue;
        seen[nseen++] = e;
        print_scenario_error(e, name, src);
    }
    free(seen);
}


/* The explanation the options ask for, with the clauses' words when the
 * notice is at hand (compiler/clause.h finds it beside the policy), or NULL
 * with why. */
static char *explain(const opts *o, const pol_policy *pol, const pol_eval *ev, char *why, size_t whyn)
{
    static const pol_explain_format format[] = {[EXPLAIN_TEXT] = POL_EXPLAIN_TEXT, [EXPLAIN_JSON] = POL_EXPLAIN_JSON,
                                               [EXPLAIN_HTML] = POL_EXPLAIN_HTML};
    pol_explain_opts eo = {.output = o->explain_output && *o->explain_output ? o->explain_output : NULL, .month = -1};
    if (o->explain_month && !cd_parse_month(o->explain_month, strlen(o->explain_month), &eo.month)) {
        pol_tr_format(pol_lang_get(), why, whyn, "'%s' is not a month (YYYY-MM)", o->explain_month);
        return NULL;
    }
    clause_set *cs = o->explain_clauses || o->explain == EXPLAIN_HTML ? clause_set_for_program(pol_policy_program(pol), o->policy) : NULL;
    if (cs) {
        eo.clause_words = clause_words_for;
        eo.clause_ctx = cs;
    }
    sc_buf b;
    sc_buf_init(&b);
    bool ok = pol_eval_explain_buf(ev, format[o->explain], &eo, &b, why, whyn);
    clause_set_free(cs);
    if (!ok) {
        sc_buf_clear(&b);
        return NULL;
    }
    return b.data ? b.data : pol_xstrdup("");
}

static int run_one(const opts *o, pol_policy *pol, const cli_source *src)
{
    FILE *in = stdin;
    const char *name = "<stdin>";
    if (o->run.input && strcmp(o->run.input, "-") != 0) {
        in = fopen(o->run.input, "rb");
        name = o->run.input;
        if (!in) {
            pol_tr_fprintf(stderr, "polrun: %s: %s\n", o->run.input, strerror(errno));
            return CLI_NOINPUT;
        }
    }
    if (cli_not_a_directory("polrun", in, name) != 0) {
        if (in != stdin)
            fclose(in);
        return CLI_NOINPUT;
    }
    sc_buf text;
    sc_buf_init(&text);
    char chunk[65536];
    size_t n;
    errno = 0;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        sc_buf_put(&text, chunk, n);
        if (text.len > o->run.max_record) {
            pol_tr_fprintf(stderr, "polrun: %s: scenario larger than %zu bytes\n", name, o->run.max_record);
            sc_buf_clear(&text);
            if (in != stdin)
                fclose(in);
            return CLI_FAILED;
        }
    }
    int read_err = ferror(in) ? errno : 0;
    if (in != stdin)
        fclose(in);
    if (read_err) {
        pol_tr_fprintf(stderr, "polrun: %s: read error: %s\n", name, strerror(read_err));
        sc_buf_clear(&text);
        return CLI_NOINPUT;
    }
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
        pol_tr_fprintf(stderr, "polrun: %s: byte %zu: %s\n", name, serr.offset + 1, sc_error_message(&serr));
        rc = CLI_FAILED;
    } else if (pol_eval_set_record(ev, &rec, o->run.allow_extra, &perr) != 0) {
        print_scenario_error(&perr, name, src);
        rc = CLI_FAILED;
    } else {
        /* Each output on its own: the ones that have values are printed,
         * and why the others have none goes to standard error.  Only when
         * every output failed is nothing printed on standard output. */
        uint32_t nerr = 0;
        pol_eval_run(ev, &perr);
        pol_eval_counts(ev, &nerr, NULL, NULL);
        uint32_t nouts = 0;
        for (uint32_t r = 0; r < pol_policy_nrules(pol); r++)
            nouts += pol_policy_rule_is_output(pol, r);
        char *ex = NULL, why[300] = "";
        if (o->explain != EXPLAIN_NONE && (nerr == 0 || nerr < nouts) && !(ex = explain(o, pol, ev, why, sizeof why))) {
            pol_tr_fprintf(stderr, "polrun: --explain: %s\n", why);
            rc = CLI_USAGE;
        } else if (nerr == 0 || nerr < nouts) {
            if (o->explain != EXPLAIN_JSON && o->explain != EXPLAIN_HTML) {
                pol_eval_outputs_json_buf(ev, &out);
                sc_buf_putc(&out, '\n');
            }
            if (o->explain == EXPLAIN_TEXT)
                sc_buf_putc(&out, '\n');
            if (ex)
                sc_buf_puts(&out, ex);
            if (o->explain == EXPLAIN_JSON)
                sc_buf_putc(&out, '\n');
            fwrite(out.data, 1, out.len, stdout);
            cli_flush_stdout(); /* the outputs, then why some have none (checked at exit) */
        }
        free(ex);
        print_unavailable(pol, ev, name, src);
        if (rc != CLI_USAGE)
            rc = nerr ? CLI_FAILED : 0;
    }
    sc_buf_clear(&out);
    pol_eval_free(ev);
    sc_record_clear(&rec);
    sc_buf_clear(&text);
    return rc;
}

enum {
    OPT_VERSION = 256, OPT_BATCH, OPT_TEST, OPT_INTERFACE, OPT_EXPLAIN, OPT_IN, OPT_OUT, OPT_ALLOW_EXTRA,
    OPT_MAX_STEPS, OPT_MAX_RECORD, OPT_JUNIT, OPT_TRUSTED_KEYS, OPT_KEY, OPT_LINE_BUFFERED, OPT_PROGRESS,
    OPT_NO_PROGRESS, OPT_ENCODING, OPT_BOM,
    OPT_COMPARE, OPT_SUMMARY, OPT_REPORT, OPT_BY, OPT_PAIR, OPT_EXPLAIN_MONTH, OPT_LANG, OPT_EXPLAIN_CLAUSES
};

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"batch", no_argument, NULL, OPT_BATCH},
    {"test", no_argument, NULL, OPT_TEST},
    {"interface", no_argument, NULL, OPT_INTERFACE},
    {"explain", optional_argument, NULL, OPT_EXPLAIN},
    {"explain-month", required_argument, NULL, OPT_EXPLAIN_MONTH},
    {"explain-clauses", no_argument, NULL, OPT_EXPLAIN_CLAUSES},
    {"in", required_argument, NULL, OPT_IN},
    {"out", required_argument, NULL, OPT_OUT},
    {"jobs", required_argument, NULL, 'j'},
    {"allow-extra", no_argument, NULL, OPT_ALLOW_EXTRA},
    {"max-steps", required_argument, NULL, OPT_MAX_STEPS},
    {"max-record", required_argument, NULL, OPT_MAX_RECORD},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"trusted-keys", required_argument, NULL, OPT_TRUSTED_KEYS},
    {"key", required_argument, NULL, OPT_KEY},
    {"line-buffered", no_argument, NULL, OPT_LINE_BUFFERED},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"bom", no_argument, NULL, OPT_BOM},
    {"compare", no_argument, NULL, OPT_COMPARE}, {"summary", required_argument, NULL, OPT_SUMMARY},
    {"report", required_argument, NULL, OPT_REPORT}, {"by", required_argument, NULL, OPT_BY},
    {"pair", required_argument, NULL, OPT_PAIR},
    {"lang", required_argument, NULL, OPT_LANG},
    {NULL, 0, NULL, 0},
};

/* A batch format named by --in or --out; -2 if none. */
static int format_named(const char *opt, const char *val)
{
    if (!strcmp(val, "csv"))
        return SC_FMT_CSV;
    if (!strcmp(val, "jsonl") || !strcmp(val, "json"))
        return SC_FMT_JSONL;
    pol_tr_fprintf(stderr, "polrun: %s takes jsonl or csv, not '%s'\n", opt, val);
    return -2;
}

/* The iconv name of an --encoding value, or NULL. */
static const char *encoding_named(const char *val)
{
    static const struct {
        const char *given, *iconv;
    } names[] = {{"gb18030", "GB18030"}, {"gbk", "GBK"}, {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strcasecmp(val, names[k].given))
            return names[k].iconv;
    return NULL;
}

/* An operand: the policy, then the scenario or batch input. */
static int operand(opts *o, const char *a)
{
    if (!o->policy)
        o->policy = a;
    else if (!o->run.input)
        o->run.input = a;
    else if (!o->third)
        o->third = a;
    else {
        pol_tr_fprintf(stderr, "polrun: unexpected argument %s\n", a);
        return CLI_USAGE;
    }
    return -1;
}

/* Which mode uses which option: an option the chosen mode does not use is
 * a usage error, never silently ignored (`polrun p.polc s.json -o out`
 * would print to stdout and write no file). */
enum { M_ONE = 1, M_BATCH = 2, M_TEST = 4, M_INTERFACE = 8, M_COMPARE = 16 };
static const struct {
    int opt;           /* the option, as cli_getopt returns it */
    const char *name;
    unsigned modes;    /* the M_* that use it */
    const char *where; /* said when it is given elsewhere */
} option_uses[] = {
    {'o', "-o", M_BATCH | M_COMPARE, "--batch"},
    {OPT_IN, "--in", M_BATCH | M_COMPARE, "--batch"},
    {OPT_OUT, "--out", M_BATCH | M_COMPARE, "--batch"},
    {'j', "-j", M_BATCH | M_COMPARE, "--batch"},
    {'q', "-q", M_BATCH | M_COMPARE, "--batch"},
    {OPT_KEY, "--key", M_BATCH | M_COMPARE, "--batch"},
    {OPT_LINE_BUFFERED, "--line-buffered", M_BATCH, "--batch"},
    {OPT_PROGRESS, "--progress", M_BATCH, "--batch"},
    {OPT_NO_PROGRESS, "--no-progress", M_BATCH, "--batch"},
    {OPT_ENCODING, "--encoding", M_BATCH, "--batch"},
    {OPT_BOM, "--bom", M_BATCH, "--batch"},
    {OPT_JUNIT, "--junit", M_TEST, "--test"},
    {'v', "-v", M_TEST, "--test"},
    {OPT_EXPLAIN, "--explain", M_ONE | M_BATCH, "one scenario or --batch"},
    {OPT_EXPLAIN_MONTH, "--explain-month", M_ONE, "one scenario"},
    {OPT_EXPLAIN_CLAUSES, "--explain-clauses", M_ONE, "one scenario"},
    {OPT_ALLOW_EXTRA, "--allow-extra", M_ONE | M_BATCH | M_COMPARE, "one scenario or --batch"},
    {OPT_MAX_STEPS, "--max-steps", M_ONE | M_BATCH | M_COMPARE, "one scenario or --batch"},
    {OPT_MAX_RECORD, "--max-record", M_ONE | M_BATCH | M_COMPARE, "one scenario or --batch"},
    {OPT_SUMMARY, "--summary", M_COMPARE, "--compare"}, {OPT_REPORT, "--report", M_COMPARE, "--compare"},
    {OPT_BY, "--by", M_COMPARE, "--compare"},
    {OPT_PAIR, "--pair", M_COMPARE, "--compare"},
};
#define N_OPTION_USES (sizeof option_uses / sizeof option_uses[0])

static void note_given(opts *o, int c)
{
    for (unsigned k = 0; k < N_OPTION_USES; k++)
        if (option_uses[k].opt == c)
            o->given |= 1u << k;
}

static int check_modes(const opts *o)
{
    int modes = (o->batch || o->compare) + o->test + o->interface;
    if (modes > 1) {
        pol_tr_fprintf(stderr, "polrun: give one of --batch, --test and --interface\n");
        return CLI_USAGE;
    }
    unsigned m = o->compare ? M_COMPARE : o->batch ? M_BATCH : o->test ? M_TEST : o->interface ? M_INTERFACE : M_ONE;
    for (unsigned k = 0; k < N_OPTION_USES; k++)
        if ((o->given & (1u << k)) && !(option_uses[k].modes & m)) {
            pol_tr_fprintf(stderr, "polrun: %s applies to %s only\n", option_uses[k].name, option_uses[k].where);
            return CLI_USAGE;
        }
    return -1;
}

/* One option (c, as cli_getopt returns it); -1 to go on, else the exit code. */
static int option(opts *o, int c)
{
    uint64_t v;
    note_given(o, c);
    switch (c) {
    case 1: return operand(o, optarg);
    case 'h': usage(stdout); return 0;
    case OPT_VERSION: cli_print_version("polrun"); return 0;
    case OPT_BATCH: o->batch = true; break;
    case OPT_TEST: o->test = true; break;
    case OPT_INTERFACE: o->interface = true; break;
    case OPT_ALLOW_EXTRA: o->run.allow_extra = true; break;
    case 'q': o->run.quiet = true; break;
    case 'v': o->verbose = true; break;
    case 'o': o->run.output = optarg; break;
    case OPT_JUNIT: o->junit = optarg; break;
    case OPT_TRUSTED_KEYS: o->trusted_keys = optarg; break;
    case OPT_COMPARE: o->compare = true; break;
    case OPT_SUMMARY: o->cmp.summary = optarg; break;
    case OPT_REPORT: o->cmp.report = optarg; break;
    case OPT_BY:
    case OPT_PAIR: {
        const char **list = c == OPT_BY ? o->cmp.by : o->cmp.pair;
        int *n = c == OPT_BY ? &o->cmp.nby : &o->cmp.npair;
        if (*n == CMP_MAX_FIELDS) {
            pol_tr_fprintf(stderr, "polrun: at most %d of --by and --pair each\n", CMP_MAX_FIELDS);
            return CLI_USAGE;
        }
        list[(*n)++] = optarg;
        break;
    }
    case OPT_LINE_BUFFERED: o->run.line_buffered = true; break;
    case OPT_PROGRESS: o->run.progress = 1; break;
    case OPT_NO_PROGRESS: o->run.progress = 0; break;
    case OPT_BOM: o->run.bom = true; break;
    case OPT_LANG:
        if (!cli_lang_value("polrun", optarg))
            return CLI_USAGE;
        break;
    case OPT_ENCODING:
        if (!(o->run.encoding = encoding_named(optarg))) {
            pol_tr_fprintf(stderr, "polrun: --encoding takes gb18030, gbk or utf-8, not '%s'\n", optarg);
            return CLI_USAGE;
        }
        break;
    case OPT_KEY: {
        char err[200];
        if (batch_keys_add(&o->keys, optarg, err, sizeof err) != 0) {
            pol_tr_fprintf(stderr, "polrun: %s\n", err);
            return CLI_USAGE;
        }
        o->run.keys = &o->keys;
        break;
    }
    case OPT_EXPLAIN:
        o->explain_bare = !optarg;
        o->explain = EXPLAIN_TEXT;
        if (optarg) { /* FORMAT, OUTPUT or FORMAT:OUTPUT */
            const char *colon = strchr(optarg, ':');
            size_t fl = colon ? (size_t)(colon - optarg) : strlen(optarg);
            if (fl == 4 && !strncmp(optarg, "json", 4))
                o->explain = EXPLAIN_JSON;
            else if (fl == 4 && !strncmp(optarg, "html", 4))
                o->explain = EXPLAIN_HTML;
            else if (!(fl == 4 && !strncmp(optarg, "text", 4))) {
                if (colon) {
                    pol_tr_fprintf(stderr, "polrun: --explain=FORMAT:OUTPUT takes text, json or html as FORMAT, not '%.*s'\n", (int)fl, optarg);
                    return CLI_USAGE;
                }
                o->explain_output = optarg; /* an output's name */
                break;
            }
            if (colon)
                o->explain_output = colon + 1;
        }
        break;
    case OPT_EXPLAIN_CLAUSES:
        o->explain_clauses = true;
        if (o->explain == EXPLAIN_NONE)
            o->explain = EXPLAIN_TEXT;
        break;
    case OPT_EXPLAIN_MONTH: {
        int32_t m;
        if (!cd_parse_month(optarg, strlen(optarg), &m)) {
            pol_tr_fprintf(stderr, "polrun: --explain-month takes a month as YYYY-MM, not '%s'\n", optarg);
            return CLI_USAGE;
        }
        o->explain_month = optarg;
        if (o->explain == EXPLAIN_NONE)
            o->explain = EXPLAIN_TEXT;
        break;
    }
    case OPT_IN:
    case OPT_OUT: {
        int f = format_named(c == OPT_IN ? "--in" : "--out", optarg);
        if (f == -2)
            return CLI_USAGE;
        *(c == OPT_IN ? &o->run.in_fmt : &o->run.out_fmt) = f;
        break;
    }
    case 'j':
        if (!cli_count("polrun", "-j", optarg, 64, &v))
            return CLI_USAGE;
        o->run.jobs = (int)v;
        break;
    case OPT_MAX_STEPS:
        if (!cli_count("polrun", "--max-steps", optarg, UINT64_MAX, &v))
            return CLI_USAGE;
        o->run.max_steps = v;
        break;
    case OPT_MAX_RECORD:
        if (!cli_count("polrun", "--max-record", optarg, SIZE_MAX / 2, &v))
            return CLI_USAGE;
        o->run.max_record = (size_t)v;
        break;
    default: /* cli_getopt said what */
        return CLI_USAGE;
    }
    return -1;
}

/* Reads the command line into o; -1 to go on, else the exit code. */
static int parse_args(opts *o, int argc, char **argv)
{
    int c, rc;
    while ((c = cli_getopt("polrun", argc, argv, "-:ho:j:qv", long_options)) != -1)
        if ((rc = option(o, c)) >= 0)
            return rc;
    for (; optind < argc; optind++) /* after "--" */
        if ((rc = operand(o, argv[optind])) >= 0)
            return rc;
    if (!o->policy) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *in = o->run.input;
    if (o->explain_bare && in && (!strcmp(in, "json") || !strcmp(in, "text")) && access(in, F_OK) != 0) {
        pol_tr_fprintf(stderr, "polrun: --explain takes its value after '=': --explain=%s\n", in);
        return CLI_USAGE;
    }
    int rc_modes = check_modes(o);
    if (rc_modes >= 0)
        return rc_modes;
    if (o->compare && !o->run.input) {
        pol_tr_fprintf(stderr, "polrun: --compare takes two policies: polrun --compare OLD NEW --batch POPULATION\n");
        return CLI_USAGE;
    }
    if (o->third && !o->compare) {
        pol_tr_fprintf(stderr, "polrun: unexpected argument %s\n", o->third);
        return CLI_USAGE;
    }
    if (o->explain == EXPLAIN_HTML && o->batch) {
        pol_tr_fprintf(stderr, "polrun: --explain=html explains one scenario; --batch explains as JSON only\n");
        return CLI_USAGE;
    }
    if (o->explain_output && o->batch) {
        pol_tr_fprintf(stderr, "polrun: --explain=OUTPUT explains one scenario; --batch explains every output\n");
        return CLI_USAGE;
    }
    if (o->explain == EXPLAIN_TEXT && o->batch) {
        pol_tr_fprintf(stderr, "polrun: --batch explains as JSON only; use --explain=json\n");
        return CLI_USAGE;
    }
    o->run.explain = o->explain == EXPLAIN_JSON;
    if (o->run.bom && o->batch) {
        const char *out = o->run.output;
        bool csv = o->run.out_fmt >= 0 ? o->run.out_fmt == SC_FMT_CSV : out && cli_ends_with(out, ".csv");
        if (!csv) {
            pol_tr_fprintf(stderr, "polrun: --bom applies to CSV output only (--out csv or -o FILE.csv)\n");
            return CLI_USAGE;
        }
    }
    return -1;
}

static int polrun_opts(const opts *o);

static int polrun_main(int argc, char **argv)

{
    opts o;
    memset(&o, 0, sizeof o);
    o.run.in_fmt = o.run.out_fmt = -1;
    o.run.max_steps = 1000000;
    o.run.max_record = SC_MAX_RECORD_DEFAULT;
    o.run.progress = -1;
    int rc = parse_args(&o, argc, argv);
    if (rc < 0)
        rc = polrun_opts(&o);
    batch_keys_free(&o.keys);
    return rc;
}

/* Runs what the options say. */
static int polrun_opts(const opts *o)
{
    int rc;
    pol_trust *trust = NULL;
    if (o->trusted_keys) {
        char err[600];
        errno = 0;
        if (!(trust = pol_trust_load_dir(o->trusted_keys, err, sizeof err))) {
            pol_tr_fprintf(stderr, "polrun: %s\n", err);
            return errno ? CLI_NOINPUT : CLI_DATAERR;
        }
    }
    cli_load how = {.tool = "polrun", .bytecode = true, .color = isatty(2), .trust = trust}; /* only .pol is compiled */
    cli_source *src = NULL;
    pol_policy *pol = cli_load_policy(&how, o->policy, &rc, &src);
    pol_policy *newp = pol && o->compare ? cli_load_policy(&how, o->run.input, &rc, NULL) : NULL;
    pol_trust_free(trust);
    if (!pol)
        return rc;
    if (o->compare) { /* OLD is o->policy, NEW the first operand after it, the population the next */
        if (newp) {
            cmp_opts co = o->cmp;
            co.old_path = o->policy;
            co.new_path = o->run.input;
            co.run = o->run;
            co.run.input = o->third;
            rc = compare_run(&co, pol, newp);
            pol_policy_free(newp);
        }
        pol_policy_free(pol);
        cli_source_free(src);
        return rc;
    }
    if (o->test) {
        rc = cli_run_tests("polrun", pol, o->policy, o->junit, o->verbose);
    } else if (o->interface) {
        cli_print_interface(pol);
        rc = 0;
    } else if (o->batch)
        rc = batch_run(&o->run, pol);
    else
        rc = run_one(o, pol, src);
    pol_policy_free(pol);
    cli_source_free(src);
    return rc;
}

int main(int argc, char **argv)
{
    cli_std_fds();
    pol_lang_set(pol_lang_from_env()); /* the locale variables; --lang overrides */
    if (cli_lang_option("polrun", argc, argv) >= 0)
        return cli_finish("polrun", CLI_USAGE);
    return cli_finish("polrun", polrun_main(argc, argv));
}
