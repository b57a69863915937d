/* fmt_roundtrip.c -- the formatter's round trip over real sources
 * (docs/polc.md, "polc fmt"):
 *
 *   fmt_roundtrip FILE...   .pol files, and .case files (their `--- source`)
 *
 * For each source that parses: fmt(fmt(x)) == fmt(x) byte for byte, and the
 * formatted text compiles exactly as the original does: the same number of
 * errors and warnings and, when it compiles, the same bytecode (bc_write)
 * once what must move with the layout is set aside: source positions (line
 * and column of every declaration and the line table) and the white space
 * inside the formula text kept for explanations.  A source that does not
 * parse must be refused, and then nothing is returned.  Exit 0 when every
 * file passes; the failures are listed on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "file.h"
#include "fmt.h"

static void no_pos(bc_pos *p)
{
    p->line = p->col = 0;
}

/* white space dropped from s, in place */
static void squeeze(char *s)
{
    if (!s)
        return;
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\r')
            continue;
        if ((unsigned char)r[0] == 0xE3 && (unsigned char)r[1] == 0x80 && (unsigned char)r[2] == 0x80) {
            r += 2;
            continue;
        }
        *w++ = *r;
    }
    *w = 0;
}

/* "... (FILE:12:30)", "at FILE:6:1": a position quoted in a message, as ":0:0", in place */
static void no_quoted_pos(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        const char *q = r;
        if (*q == ':' && q[1] >= '0' && q[1] <= '9') {
            q++;
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == ':' && q[1] >= '0' && q[1] <= '9') {
                q++;
                while (*q >= '0' && *q <= '9')
                    q++;
                memcpy(w, ":0:0", 4);
                w += 4;
                r = q;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = 0;
}

static void neutral(bc_program *p)
{
    p->nlines = 0;
    for (uint32_t i = 0; i < p->ninputs; i++)
        no_pos(&p->inputs[i].pos);
    for (uint32_t i = 0; i < p->nparams; i++) {
        no_pos(&p->params[i].pos);
        for (uint32_t v = 0; v < p->params[i].nversions; v++)
            no_pos(&p->params[i].versions[v].pos);
    }
    for (uint32_t i = 0; i < p->nrules; i++) {
        no_pos(&p->rules[i].pos);
        squeeze(p->rules[i].formula);
        squeeze(p->rules[i].when);
    }
    for (uint32_t i = 0; i < p->ntests; i++) {
        no_pos(&p->tests[i].pos);
        for (uint32_t k = 0; k < p->tests[i].ngiven; k++)
            no_pos(&p->tests[i].given[k].pos);
        for (uint32_t k = 0; k < p->tests[i].nexpect; k++)
            no_pos(&p->tests[i].expect[k].pos);
    }
    for (uint32_t i = 0; i < p->nfindings; i++)
        no_pos(&p->findings[i].pos);
    for (uint32_t i = 0; i < p->nenums; i++) {
        no_pos(&p->enums[i].pos);
        for (uint32_t m = 0; m < p->enums[i].nmembers; m++)
            no_pos(&p->enums[i].members[m].pos);
    }
    for (uint32_t i = 0; i < p->nrecords; i++)
        no_pos(&p->records[i].pos);
    for (uint32_t i = 0; i < p->nconsts; i++) {
        if (!p->consts[i].text)
            continue;
        no_quoted_pos(p->consts[i].text);
        if (strstr(p->consts[i].text, " applies only when ")) /* COND's text */
            squeeze(strstr(p->consts[i].text, " applies only when ") + 18);
    }
}

typedef struct outcome {
    int errors, warnings;
    uint8_t *bytes;
    size_t len;
} outcome;

static outcome compile_text(const char *name, const char *text, size_t len)
{
    outcome o = {0};
    diag_ctx d;
    diag_init(&d);
    src_file *src = NULL;
    bc_program *p = pol_compile(name, text, len, &d, &src);
    o.errors = d.errors;
    o.warnings = d.warnings;
    if (p) {
        neutral(p);
        bc_write(p, &o.bytes, &o.len);
        bc_free(p);
    }
    diag_free(&d);
    if (src)
        src_free(src);
    return o;
}

/* The `--- source` section of a .case file (malloc'd), or NULL. */
static char *case_source(const char *text, size_t *len)
{
    const char *s = strstr(text, "--- source\n");
    if (s != text && (!s || s[-1] != '\n'))
        s = s ? strstr(s, "\n--- source\n") : NULL, s = s ? s + 1 : NULL;
    if (!s)
        return NULL;
    s += strlen("--- source\n");
    const char *e = strstr(s, "\n--- ");
    size_t n = e ? (size_t)(e - s) + 1 : strlen(s);
    char *out = malloc(n + 1);
    memcpy(out, s, n);
    out[n] = 0;
    *len = n;
    return out;
}

static int failures;

static void fail(const char *file, const char *why)
{
    fprintf(stderr, "FAIL %s: %s\n", file, why);
    failures++;
}

static char *fmt_text(const char *name, const char *text, size_t len, size_t *outlen, pol_fmt_status *st)
{
    diag_ctx d;
    diag_init(&d);
    char *out;
    *st = pol_format(name, text, len, &out, outlen, &d);
    if (*st == POL_FMT_INTERNAL)
        diag_print(&d, stderr, false);
    diag_free(&d);
    return out;
}

int main(int argc, char **argv)
{
    int checked = 0, refused = 0;
    for (int i = 1; i < argc; i++) {
        const char *file = argv[i];
        size_t len;
        char *raw = pol_read_file(file, POL_SOURCE_LIMIT, &len);
        if (!raw) {
            fail(file, "cannot read");
            continue;
        }
        char *text = raw;
        size_t n = strlen(file);
        if (n > 5 && strcmp(file + n - 5, ".case") == 0) {
            text = case_source(raw, &len);
            free(raw);
            if (!text)
                continue; /* no source section */
        }
        /* compiled under a .pol name beside the original, so imports resolve alike */
        char name[4096];
        snprintf(name, sizeof name, "%.*s%s", (int)(n > 5 && strcmp(file + n - 5, ".case") == 0 ? n - 5 : n), file,
                 n > 5 && strcmp(file + n - 5, ".case") == 0 ? ".pol" : "");
        size_t l1, l2;
        pol_fmt_status st;
        char *once = fmt_text(name, text, len, &l1, &st);
        if (st == POL_FMT_SYNTAX) {
            if (once)
                fail(file, "refused with syntax errors, yet returned text");
            refused++;
            free(once);
            free(text);
            continue;
        }
        if (st != POL_FMT_OK) {
            fail(file, "formatter's own check failed");
            free(text);
            continue;
        }
        checked++;
        char *twice = fmt_text(name, once, l1, &l2, &st);
        if (st != POL_FMT_OK || l1 != l2 || memcmp(once, twice, l1) != 0)
            fail(file, "not idempotent: formatting the formatted text changes it");
        outcome a = compile_text(name, text, len), b = compile_text(name, once, l1);
        if (a.errors != b.errors || a.warnings != b.warnings) {
            char why[200];
            snprintf(why, sizeof why, "original: %d errors, %d warnings; formatted: %d errors, %d warnings", a.errors,
                     a.warnings, b.errors, b.warnings);
            fail(file, why);
        } else if ((a.bytes != NULL) != (b.bytes != NULL) || a.len != b.len || (a.bytes && memcmp(a.bytes, b.bytes, a.len) != 0))
            fail(file, "the formatted text compiles to different bytecode");
        free(a.bytes);
        free(b.bytes);
        free(once);
        free(twice);
        free(text);
    }
    printf("fmt_roundtrip: %d sources formatted and checked, %d refused (syntax errors), %d failures\n", checked,
           refused, failures);
    return failures ? 1 : (checked ? 0 : 1);
}
