/* cli.c -- the code polc and polrun share (cli.h): loading or compiling a
 * policy, printing runtime errors, reporting the policy's own tests.
 * Shares its contract with tools/cli.h, tools/polc.c, tools/polrun.c.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compile.h"
#include "diag.h"
#include "file.h"
#include "mem.h"
#include "vocab.h"

struct cli_source {
    src_file *main; /* the policy's own file (imports are not kept) */
};

bool cli_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- the command line ---- */

int cli_getopt(const char *tool, int argc, char **argv, const char *shorts, const struct option *longs)
{
    opterr = 0;
    int at = optind; /* the word being read: with "-" first, getopt_long permutes nothing */
    int c = getopt_long(argc, argv, shorts, longs, NULL);
    if (c != '?' && c != ':')
        return c;
    const char *word = at < argc ? argv[at] : "";
    char name[80];
    bool is_long = word[0] == '-' && word[1] == '-';
    if (is_long)
        snprintf(name, sizeof name, "%.*s", (int)strcspn(word, "="), word);
    else
        snprintf(name, sizeof name, "-%c", optopt);
    int matches = 0; /* long options that begin with what was typed */
    for (const struct option *l = longs; is_long && l->name; l++)
        matches += !strncmp(l->name, name + 2, strlen(name + 2));
    if (c == ':')
        pol_tr_fprintf(stderr, "%s: %s needs a value", tool, name);
    else if (is_long && optopt) /* getopt_long names the option it matched */
        pol_tr_fprintf(stderr, "%s: %s takes no value", tool, name);
    else if (matches > 1)
        pol_tr_fprintf(stderr, "%s: ambiguous option %s: it begins %d options", tool, name, matches);
    else
        pol_tr_fprintf(stderr, "%s: unknown option %s", tool, name);
    pol_tr_fprintf(stderr, " ('%s --help' lists the options)\n", tool);
    return '?';
}

bool cli_lang_value(const char *tool, const char *val)
{
    pol_lang l;
    if (!pol_lang_parse(val, &l)) {
        pol_tr_fprintf(stderr, "%s: --lang takes zh or en, not '%s'\n", tool, val);
        return false;
    }
    pol_lang_set(l);
    return true;
}

int cli_lang_option(const char *tool, int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *val = NULL;
        if (!strncmp(argv[i], "--lang=", 7))
            val = argv[i] + 7;
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            val = argv[++i];
        if (val && !cli_lang_value(tool, val))
            return CLI_USAGE;
    }
    return -1;
}

void cli_tr_buf(pol_lang l, sc_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    char small[512];
    int n = pol_tr_vformat(l, small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof small)
        sc_buf_put(b, small, (size_t)n);
    else if (n >= 0) {
        char *big = pol_xmalloc((size_t)n + 1);
        pol_tr_vformat(l, big, (size_t)n + 1, fmt, ap2);
        sc_buf_put(b, big, (size_t)n);
        free(big);
    }
    va_end(ap2);
}

bool cli_count(const char *tool, const char *opt, const char *val, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    bool digits = *val != 0, big = false;
    for (const char *p = val; *p && digits; p++) {
        if (*p < '0' || *p > '9')
            digits = false;
        else if (v > (max - (uint64_t)(*p - '0')) / 10)
            big = true; /* keep reading: junk after it is still junk */
        else
            v = v * 10 + (uint64_t)(*p - '0');
    }
    if (!digits || v == 0) {
        pol_tr_fprintf(stderr, "%s: %s needs a whole number from 1 to %llu, not '%s'\n", tool, opt, (unsigned long long)max,
                val);
        return false;
    }
    if (big) {
        pol_tr_fprintf(stderr, "%s: %s: %s is too large (at most %llu)\n", tool, opt, val, (unsigned long long)max);
        return false;
    }
    *out = v;
    return true;
}

void cli_print_version(const char *tool)
{
    printf("%s %s (bytecode format %u)\n", tool, POL_VERSION, (unsigned)BC_VERSION);
}

void cli_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) /* in order: open() takes the lowest free descriptor */
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
            (void)open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
}

int cli_not_a_directory(const char *tool, FILE *f, const char *name)
{
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    fprintf(stderr, "%s: %s: %s\n", tool, name, strerror(EISDIR));
    return CLI_NOINPUT;
}

static bool stdout_told; /* cli_write_error has reported standard output */

int cli_write_error(const char *tool, const char *file, int err)
{
    if (!file) {
        if (stdout_told)
            return CLI_CANTCREAT;
        stdout_told = true;
    }
    pol_tr_fprintf(stderr, "%s: write error on %s%s%s\n", tool, file ? file : "standard output", err ? ": " : "",
            err ? strerror(err) : "");
    return CLI_CANTCREAT;
}

/* errno of a failed cli_flush_stdout, for cli_finish's message */
static int stdout_errno;

void cli_flush_stdout(void)
{
    errno = 0;
    if (fflush(stdout) != 0 && !stdout_errno)
        stdout_errno = errno;
}

int cli_finish(const char *tool, int rc)
{
    errno = 0;
    bool lost = ferror(stdout) != 0;
    if (fflush(stdout) != 0)
        lost = true;
    int err = stdout_errno ? stdout_errno : errno;
    if (fclose(stdout) != 0 && !lost) {
        lost = true;
        err = errno;
    }
    return lost ? cli_write_error(tool, NULL, err) : rc; /* said once, if batch_run said it already */
}

bool cli_out_open(const char *tool, const char *path, cli_out *o)
{
    memset(o, 0, sizeof *o);
    o->path = pol_xstrdup(path);
    struct stat st, out_st, err_st;
    bool exists = stat(path, &st) == 0;
    /* The file our own stdout or stderr is: written through that stream.
     * A second description of it would start at offset 0 and overwrite what
     * the stream wrote, and a rename would unlink it under the tool. */
    if (exists && fstat(1, &out_st) == 0 && out_st.st_dev == st.st_dev && out_st.st_ino == st.st_ino) {
        o->f = stdout;
        o->borrowed = true;
        return true;
    }
    if (exists && fstat(2, &err_st) == 0 && err_st.st_dev == st.st_dev && err_st.st_ino == st.st_ino) {
        o->f = stderr;
        o->borrowed = true;
        return true;
    }
    /* Written directly, not through a temporary file and a rename: a
     * device, a FIFO, a directory (fopen says why not), anything under
     * /dev or /proc. */
    bool direct = exists && (!S_ISREG(st.st_mode) || !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6));
    if (direct) {
        if (!(o->f = fopen(path, "wb"))) {
            pol_tr_fprintf(stderr, "%s: cannot write %s: %s\n", tool, path, strerror(errno));
            free(o->path);
            return false;
        }
        return true;
    }
    char real[PATH_MAX];
    struct stat lst;
    if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && realpath(path, real))
        o->dest = pol_xstrdup(real); /* replace the file the link names, not the link */
    else
        o->dest = pol_xstrdup(path);
    size_t n = strlen(o->dest);
    o->tmp = pol_xmalloc(n + 8);
    memcpy(o->tmp, o->dest, n);
    memcpy(o->tmp + n, ".XXXXXX", 8);
    int fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
        int err = errno;
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        pol_tr_fprintf(stderr, "%s: cannot write %s: %s\n", tool, path, strerror(err));
        free(o->path);
        free(o->dest);
        free(o->tmp);
        return false;
    }
    mode_t mask = umask(0); /* the mode fopen would give (0666 less the umask), or the file's own */
    umask(mask);
    (void)fchmod(fd, exists ? st.st_mode & 07777 : (mode_t)0666 & ~mask);
    return true;
}

int cli_out_commit(const char *tool, cli_out *o, bool ok)
{
    bool told = !ok; /* the caller has said what went wrong */
    errno = 0;
    int err = 0;
    if (ferror(o->f) || fflush(o->f) != 0) {
        ok = false;
        err = errno;
    }
    if (!o->borrowed && fclose(o->f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && o->tmp && rename(o->tmp, o->dest) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok && o->tmp)
        unlink(o->tmp);
    int rc = 0;
    if (!ok) {
        if (!told)
            cli_write_error(tool, o->path, err);
        rc = CLI_CANTCREAT;
    }
    free(o->path);
    free(o->dest);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return rc;
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
    errno = 0;
    pol_policy *pol = pol_policy_load_trusted(path, how->trust, err, sizeof err);
    if (!pol) {
        fprintf(stderr, "%s: %s\n", how->tool, err);
        /* unreadable (missing, a directory, a device): no input; read but bad: data */
        *code = errno && errno != EILSEQ && errno != EFBIG ? CLI_NOINPUT : CLI_DATAERR;
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
    if (!how->json && (d->errors || d->warnings)) { /* one msgid for each plural form of the two */
        static const char *const summary[2][2] = {
            {N_("%d errors, %d warnings\n"), N_("%d errors, %d warning\n")},
            {N_("%d error, %d warnings\n"), N_("%d error, %d warning\n")},
        };
        pol_tr_fprintf(stderr, summary[d->errors == 1][d->warnings == 1], d->errors, d->warnings);
    }
}

static pol_policy *compile_source(const cli_load *how, const char *path, int *code, cli_source **keep)
{
    diag_ctx d;
    diag_init(&d);
    src_file *src = NULL;
    bool unreadable;
    bc_program *prog = pol_compile_path(path, &d, &src, &unreadable);
    if (unreadable) {
        fprintf(stderr, "%s: %s: %s\n", how->tool, path, pol_file_error(errno));
        diag_free(&d);
        *code = CLI_NOINPUT;
        return NULL;
    }
    if (how->werror && d.warnings > 0 && prog) {
        diag_report(&d, NULL, (span){0, 0}, DC_WERROR, "warnings treated as errors (-Werror)");
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
        pol_tr_fprintf(stderr, "%s: internal error: generated code failed verification: %s\n", how->tool, err);
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
        pol_tr_fprintf(stderr, "%s: %s is compiled bytecode; a .pol source is needed\n", how->tool, path);
        *code = CLI_USAGE;
        return NULL;
    }
    if (how->trust) { /* nothing vouches for a source */
        pol_tr_fprintf(stderr, "%s: %s: a policy source is not signed; with trusted keys only signed bytecode runs "
                        "(polc build --sign)\n", how->tool, path);
        *code = CLI_DATAERR;
        return NULL;
    }
    return compile_source(how, path, code, src);
}

/* The byte offset in f of display column `col` of line `line`. */
static uint32_t offset_of(const src_file *f, uint32_t line, uint32_t col)
{
    uint32_t off = f->line_starts[line - 1];
    uint32_t end = line < f->nlines ? f->line_starts[line] : (uint32_t)f->len;
    for (uint32_t cells = 1; cells < col && off < end && f->text[off] != '\n';) {
        uint32_t cp;
        size_t n = utf8_next((const unsigned char *)f->text + off, end - off, &cp);
        cells += utf8_display_width(f->text + off, n);
        off += (uint32_t)n;
    }
    return off;
}

void cli_print_error(FILE *out, const pol_error *err, const cli_source *src, bool show_source)
{
    const src_file *f = src ? src->main : NULL;
    if (show_source && f && err->pos.line && err->pos.line <= f->nlines && err->pos.file &&
        !strcmp(err->pos.file, f->name)) { /* the one diagnostic printer, caret and all */
        diag_ctx d;
        diag_init(&d);
        uint32_t off = offset_of(f, err->pos.line, err->pos.col);
        diag_report(&d, f, (span){SPAN_BASE(f->id) + off, SPAN_BASE(f->id) + off}, DC_RUNTIME, "%s", pol_error_message(err));
        diag_print(&d, out, show_source);
        diag_free(&d);
        return;
    }
    sc_buf text;
    sc_buf_init(&text);
    pol_error_text_buf(err, &text);
    fprintf(out, "%.*s\n", (int)text.len, text.data ? text.data : "");
    sc_buf_clear(&text);
}

void cli_print_interface(const pol_policy *pol)
{
    sc_buf b;
    sc_buf_init(&b);
    pol_policy_interface_json_buf(pol, &b);
    fwrite(b.data, 1, b.len, stdout);
    fputc('\n', stdout);
    sc_buf_clear(&b);
}

/* ---- the policy's own tests: the text report and JUnit XML ---- */

/* The detail lines of test t (failures; with `verbose`, how a rejection
 * test passed), as polc test prints them under the test's line, in
 * language l (JUnit's are English). */
static void test_detail(const pol_policy *pol, const pol_test_results *res, const pol_test_result *t, bool verbose,
                        pol_lang l, sc_buf *out)
{
    const char *src = pol_policy_source(pol) ? pol_policy_source(pol) : "?";
    char at[POL_POS_TEXT_MAX];
    for (size_t i = 0; i < t->nchecks; i++) {
        const pol_check *c = &res->checks[t->first_check + i];
        switch (c->kind) {
        case POL_CHECK_NO_ERROR:
            if (c->expected)
                cli_tr_buf(l, out, N_("    %s:%u: expected an error mentioning \"%s\", but every output was computed\n"),
                           src, c->pos.line, c->expected);
            else
                cli_tr_buf(l, out, N_("    %s:%u: expected an error, but every output was computed\n"), src,
                           c->pos.line);
            break;
        case POL_CHECK_WRONG_ERROR:
            cli_tr_buf(l, out, N_("    %s:%u: expected an error mentioning \"%s\", got: %s\n"), src, c->pos.line,
                       c->expected, c->actual);
            break;
        case POL_CHECK_REJECTED:
            if (verbose)
                cli_tr_buf(l, out, N_("    rejected as expected: %s\n"), c->actual);
            break;
        case POL_CHECK_EVAL_FAILED:
            cli_tr_buf(l, out, N_("    %s:%u:%u: expected %s = %s, but %s: %s:%u:%u: %s\n"), c->pos.file,
                       c->pos.line, c->pos.col, c->what, c->expected,
                       !strncmp(c->actual, "not applicable", 14) || !strncmp(c->actual, "not stated", 10)
                           ? FRAG("it has no value") : FRAG("evaluation failed"),
                       c->at.file, c->at.line, c->at.col, c->actual);
            break;
        case POL_CHECK_MISMATCH:
            cli_tr_buf(l, out, N_("    %s: expected %s = %s, got %s\n"), pol_pos_text(&c->pos, at, sizeof at), c->what,
                       c->expected, c->actual);
            break;
        case POL_CHECK_GIVEN:
        case POL_CHECK_FINDING:
        case POL_CHECK_CIRCULAR:
            break; /* lines of their own */
        }
    }
}

/* The line of its own that a finding or a circular expectation of test t
 * gets (before the test's line, and in JUnit, in English); false for other
 * checks. */
static bool check_line(const pol_test_result *t, const pol_check *c, pol_lang l, sc_buf *out)
{
    char at[POL_POS_TEXT_MAX];
    if (c->kind == POL_CHECK_FINDING && c->cite)
        cli_tr_buf(l, out, N_("FINDING  %s: the notice states %s = %s [%s], the rules compute %s  (test \"%s\")\n"),
                   pol_pos_text(&c->pos, at, sizeof at), c->what, c->expected, c->cite, c->actual, t->name);
    else if (c->kind == POL_CHECK_FINDING)
        cli_tr_buf(l, out, N_("FINDING  %s: the notice states %s = %s, the rules compute %s  (test \"%s\")\n"),
                   pol_pos_text(&c->pos, at, sizeof at), c->what, c->expected, c->actual, t->name);
    else if (c->kind == POL_CHECK_CIRCULAR)
        cli_tr_buf(l, out, N_("CIRCULAR %s: expect %s = %s only re-derives inferred %s: not evidence  (test \"%s\")\n"),
                   pol_pos_text(&c->pos, at, sizeof at), c->what, c->expected, c->actual, t->name);
    else
        return false;
    return true;
}

/* The line of a test and its findings, before it. */
static void test_lines(const pol_policy *pol, const pol_test_results *res, const pol_test_result *t, const sc_buf *detail,
                       bool verbose, FILE *out)
{
    const char *src = pol_policy_source(pol) ? pol_policy_source(pol) : "?";
    pol_lang l = pol_lang_get();
    for (size_t i = 0; i < t->nchecks; i++) {
        const pol_check *c = &res->checks[t->first_check + i];
        if (c->kind == POL_CHECK_GIVEN)
            pol_tr_fprintf(out, "FAIL  %s  (%s:%u)\n    cannot build input %s: %s\n", t->name, src, t->pos.line,
                           c->what, c->actual);
        sc_buf line;
        sc_buf_init(&line);
        if (check_line(t, c, l, &line))
            fputs(line.data, out);
        sc_buf_clear(&line);
    }
    if (t->nchecks && res->checks[t->first_check].kind == POL_CHECK_GIVEN)
        return;
    if (!t->passed) {
        pol_tr_fprintf(out, "FAIL  %s  (%s:%u)\n", t->name, src, t->pos.line);
        fputs(detail->data ? detail->data : "", out);
    } else if (verbose) {
        pol_tr_fprintf(out, "ok    %s\n", t->name);
        fputs(detail->data ? detail->data : "", out);
    }
}

static void xml_text(sc_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': sc_buf_puts(b, "&lt;"); break;
        case '>': sc_buf_puts(b, "&gt;"); break;
        case '&': sc_buf_puts(b, "&amp;"); break;
        case '"': sc_buf_puts(b, "&quot;"); break;
        case '\n': sc_buf_puts(b, "&#10;"); break;
        default: sc_buf_putc(b, s[i]);
        }
    }
}

/* Test t as a JUnit testcase (a test whose inputs cannot be built has none). */
static void junit_case(const pol_policy *pol, const pol_test_results *res, const pol_test_result *t, const sc_buf *detail,
                       sc_buf *xml)
{
    if (t->nchecks && res->checks[t->first_check].kind == POL_CHECK_GIVEN)
        return;
    const char *cls = pol_policy_source(pol) ? pol_policy_source(pol) : "policy";
    sc_buf_printf(xml, "  <testcase classname=\"%s\" name=\"", cls);
    xml_text(xml, t->name, strlen(t->name));
    sc_buf_putc(xml, '"');
    sc_buf lines; /* its findings and circular expectations, as the text report prints them */
    sc_buf_init(&lines);
    for (size_t i = 0; i < t->nchecks; i++)
        check_line(t, &res->checks[t->first_check + i], POL_LANG_EN, &lines);
    if (t->passed && !lines.len) {
        sc_buf_puts(xml, "/>\n");
        return;
    }
    sc_buf_putc(xml, '>');
    if (!t->passed) {
        sc_buf_puts(xml, "<failure message=\"");
        xml_text(xml, detail->data ? detail->data : "", detail->len);
        sc_buf_puts(xml, "\"/>");
    }
    if (lines.len) {
        sc_buf_puts(xml, "<system-out>");
        xml_text(xml, lines.data, lines.len);
        sc_buf_puts(xml, "</system-out>");
    }
    sc_buf_puts(xml, "</testcase>\n");
    sc_buf_clear(&lines);
}

/* Finding f about the notice's text as the report prints it (no newline),
 * in language l. */
static void notice_line(const pol_notice_finding *f, pol_lang l, sc_buf *out)
{
    char at[POL_POS_TEXT_MAX];
    if (f->cite)
        cli_tr_buf(l, out, N_("FINDING  %s: the notice: %s [%s]"), pol_pos_text(&f->pos, at, sizeof at), f->text,
                   f->cite);
    else
        cli_tr_buf(l, out, N_("FINDING  %s: the notice: %s"), pol_pos_text(&f->pos, at, sizeof at), f->text);
}

/* Writes the report into the file opened for it; 0 or CLI_CANTCREAT. */
static int write_junit(const char *tool, cli_out *f, const pol_policy *pol, const pol_test_results *res,
                       const sc_buf *cases)
{
    sc_buf xml;
    sc_buf_init(&xml);
    sc_buf_puts(&xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"");
    xml_text(&xml, pol_policy_name(pol), strlen(pol_policy_name(pol)));
    sc_buf_printf(&xml, "\" tests=\"%d\" failures=\"%d\">\n", res->passed + res->failed, res->failed);
    if (res->nnotice) { /* the notice's findings that are not numbers */
        sc_buf_puts(&xml, "  <properties>\n");
        for (size_t i = 0; i < res->nnotice; i++) {
            sc_buf line;
            sc_buf_init(&line);
            notice_line(&res->notice[i], POL_LANG_EN, &line);
            sc_buf_puts(&xml, "    <property name=\"finding\" value=\"");
            xml_text(&xml, line.data, line.len);
            sc_buf_puts(&xml, "\"/>\n");
            sc_buf_clear(&line);
        }
        sc_buf_puts(&xml, "  </properties>\n");
    }
    sc_buf_put(&xml, cases->data ? cases->data : "", cases->len);
    sc_buf_puts(&xml, "</testsuite>\n");
    errno = 0;
    bool ok = fwrite(xml.data, 1, xml.len, f->f) == xml.len;
    if (!ok)
        cli_write_error(tool, f->path, errno);
    sc_buf_clear(&xml);
    return cli_out_commit(tool, f, ok);
}

/* The reason the policy's header gives for having no tests, or NULL. */
static const char *untested_reason(const pol_policy *pol)
{
    const bc_program *p = pol_policy_program(pol);
    for (uint32_t i = 0; i < p->nmeta; i++)
        if (!strcmp(p->meta[i].key, POL_KEY_UNTESTED) || !strcmp(p->meta[i].key, POL_KEY_UNTESTED_ZH))
            return p->meta[i].value ? p->meta[i].value : "";
    return NULL;
}

int cli_run_tests(const char *tool, const pol_policy *pol, const char *file, const char *junit_path, bool verbose)
{
    cli_out junit; /* created before running anything, as an unwritable -o is refused */
    if (junit_path && !cli_out_open(tool, junit_path, &junit))
        return CLI_CANTCREAT;
    pol_test_results *res = pol_run_tests(pol);
    pol_lang l = pol_lang_get();
    sc_buf detail, detail_en, xml;
    sc_buf_init(&detail);
    sc_buf_init(&detail_en);
    sc_buf_init(&xml);
    for (size_t i = 0; i < res->ntests; i++) {
        const pol_test_result *t = &res->tests[i];
        sc_buf_reset(&detail);
        test_detail(pol, res, t, verbose, l, &detail);
        test_lines(pol, res, t, &detail, verbose, stdout);
        if (l != POL_LANG_EN) { /* JUnit's XML is English */
            sc_buf_reset(&detail_en);
            test_detail(pol, res, t, verbose, POL_LANG_EN, &detail_en);
        }
        junit_case(pol, res, t, l != POL_LANG_EN ? &detail_en : &detail, &xml);
    }
    int rc = res->failed ? CLI_FAILED : CLI_OK;
    if (res->ntests == 0) { /* a policy carries its notice's numbers as tests */
        const char *why = untested_reason(pol);
        if (why)
            pol_tr_fprintf(stdout, "%s: no tests: %s\n", file, why);
        else {
            pol_tr_fprintf(stderr, "%s: error: the policy has no tests; add a test with the notice's numbers, or say "
                                   "why there are none with 'untested \"...\"' in its header\n", file);
            rc = CLI_FAILED;
        }
    }
    if (junit_path && write_junit(tool, &junit, pol, res, &xml) != 0)
        rc = CLI_CANTCREAT;
    for (size_t i = 0; i < res->nnotice; i++) { /* beside the numeric findings */
        sc_buf line;
        sc_buf_init(&line);
        notice_line(&res->notice[i], l, &line);
        printf("%s\n", line.data);
        if (verbose && res->notice[i].note)
            pol_tr_fprintf(stdout, "    note: %s\n", res->notice[i].note);
        sc_buf_clear(&line);
    }
    if (res->findings == 1)
        pol_tr_fprintf(stdout, "%s: %d finding: figures the notice states that the rules do not reproduce\n", file,
                       res->findings);
    else if (res->findings)
        pol_tr_fprintf(stdout, "%s: %d findings: figures the notice states that the rules do not reproduce\n", file,
                       res->findings);
    if (res->nnotice == 1)
        pol_tr_fprintf(stdout, "%s: %zu finding about the notice's text: problems that are not numbers\n", file,
                       res->nnotice);
    else if (res->nnotice)
        pol_tr_fprintf(stdout, "%s: %zu findings about the notice's text: problems that are not numbers\n", file,
                       res->nnotice);
    if (res->circular == 1)
        pol_tr_fprintf(stdout, "%s: %d expectation only re-derives inferred values: circular, not evidence\n", file,
                       res->circular);
    else if (res->circular)
        pol_tr_fprintf(stdout, "%s: %d expectations only re-derive inferred values: circular, not evidence\n", file,
                       res->circular);
    pol_tr_fprintf(stdout, "%s: %d passed, %d failed\n", file, res->passed, res->failed);
    sc_buf_clear(&detail_en);
    sc_buf_clear(&detail);
    sc_buf_clear(&xml);
    pol_test_results_free(res);
    return rc;
}
