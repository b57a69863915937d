/* dec_calc -- a line-oriented calculator over runtime/dec.c, driven by the
 * differential test tests/unit/dec_oracle.py.
 *
 * Each input line is one command; each prints exactly one output line.
 *
 *   add A B | sub A B | mul A B | div A B | min A B | max A B
 *   neg A | abs A | parse A          -> the exact value (dec_format_exact)
 *   round A PLACES MODE              -> the exact value; MODE is a dec_mode_name
 *   cmp A B                          -> -1, 0 or 1
 *   fmt A PLACES                     -> dec_format(A, PLACES)
 *   sign A                           -> -1, 0 or 1
 *   isint A | finite A               -> true or false
 *   toint A                          -> the int64, or none
 *   scale A                          -> the scale of a decimal, or rat
 *
 * An operand is a number literal (parsed with dec_parse) or $K, the value
 * produced by input line K (1-based).  Failures print "error: " followed by
 * dec_status_text(), or "error: bad command" / "error: bad reference".
 *
 * To exercise aliasing, value-producing commands write their result in one of
 * three ways chosen by the line number: into a scratch value that still holds
 * the previous line's result, into a copy of A (r aliases a), or into a copy
 * of B (r aliases b).
 */
#include "dec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    dec_t v;
    bool ok;
} slot;

static slot *slots;
static size_t nslots, capslots;

static void print_value(const dec_t *v)
{
    char small[256];
    int n = dec_format_exact(v, small, sizeof small);
    if (n < 0) {
        puts("error: format");
        return;
    }
    if ((size_t)n < sizeof small) {
        puts(small);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        abort();
    int m = dec_format_exact(v, big, (size_t)n + 1);
    if (m != n || strlen(big) != (size_t)n)
        puts("error: format length");
    else
        puts(big);
    free(big);
}

/* Resolves an operand into *out (initialised by the caller). */
static const char *operand(const char *tok, dec_t *out)
{
    if (tok[0] == '$') {
        char *end;
        unsigned long k = strtoul(tok + 1, &end, 10);
        if (*end != '\0' || k == 0 || k > nslots || !slots[k - 1].ok)
            return "error: bad reference";
        dec_set(out, &slots[k - 1].v);
        return NULL;
    }
    dec_status st = dec_parse(out, tok, strlen(tok));
    if (st != DEC_OK) {
        static char msg[128];
        snprintf(msg, sizeof msg, "error: %s", dec_status_text(st));
        return msg;
    }
    return NULL;
}

static int mode_of(const char *s)
{
    for (int m = 0; m < DEC_MODE_COUNT; m++)
        if (strcmp(s, dec_mode_name((dec_mode)m)) == 0)
            return m;
    return -1;
}

static bool int_arg(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < -1000000 || v > 1000000)
        return false;
    *out = v;
    return true;
}

/* Runs one command; on a value result stores it in *res and returns true. */
static bool run(char **tok, int nt, size_t lineno, dec_t *scratch, dec_t *res)
{
    const char *cmd = tok[0];
    dec_t a, b;
    dec_init(&a);
    dec_init(&b);
    const char *err = NULL;
    bool value = false;
    int alias = (int)(lineno % 3); /* 0: scratch, 1: r is a, 2: r is b */

#define NEED(n)                                                                \
    do {                                                                       \
        if (nt != (n)) {                                                       \
            err = "error: bad command";                                        \
            goto out;                                                          \
        }                                                                      \
    } while (0)
#define OPERAND(t, d)                                                          \
    do {                                                                       \
        if ((err = operand((t), (d))) != NULL)                                 \
            goto out;                                                          \
    } while (0)

    if (!strcmp(cmd, "add") || !strcmp(cmd, "sub") || !strcmp(cmd, "mul") ||
        !strcmp(cmd, "div") || !strcmp(cmd, "min") || !strcmp(cmd, "max")) {
        NEED(3);
        OPERAND(tok[1], &a);
        OPERAND(tok[2], &b);
        dec_t *r = alias == 0 ? scratch : alias == 1 ? &a : &b;
        dec_status st = DEC_OK;
        if (!strcmp(cmd, "add"))
            st = dec_add(r, &a, &b);
        else if (!strcmp(cmd, "sub"))
            st = dec_sub(r, &a, &b);
        else if (!strcmp(cmd, "mul"))
            st = dec_mul(r, &a, &b);
        else if (!strcmp(cmd, "div"))
            st = dec_div(r, &a, &b);
        else if (!strcmp(cmd, "min"))
            dec_min(r, &a, &b);
        else
            dec_max(r, &a, &b);
        if (st != DEC_OK) {
            printf("error: %s\n", dec_status_text(st));
            if (dec_sign(r) != 0 || !dec_is_finite(r))
                puts("error: result not zero after failure");
            goto out;
        }
        dec_set(res, r);
        value = true;
    } else if (!strcmp(cmd, "neg") || !strcmp(cmd, "abs") || !strcmp(cmd, "parse")) {
        NEED(2);
        OPERAND(tok[1], &a);
        dec_t *r = alias == 0 ? scratch : &a;
        if (cmd[0] == 'n')
            dec_neg(r, &a);
        else if (cmd[0] == 'a')
            dec_abs(r, &a);
        else
            dec_set(r, &a);
        dec_set(res, r);
        value = true;
    } else if (!strcmp(cmd, "round")) {
        NEED(4);
        OPERAND(tok[1], &a);
        long places;
        int m = mode_of(tok[3]);
        if (!int_arg(tok[2], &places) || m < 0) {
            err = "error: bad command";
            goto out;
        }
        dec_t *r = alias == 0 ? scratch : &a;
        dec_status st = dec_round(r, &a, (int)places, (dec_mode)m);
        if (st != DEC_OK) {
            printf("error: %s\n", dec_status_text(st));
            goto out;
        }
        dec_set(res, r);
        value = true;
    } else if (!strcmp(cmd, "cmp")) {
        NEED(3);
        OPERAND(tok[1], &a);
        OPERAND(tok[2], &b);
        int c = dec_cmp(&a, &b);
        printf("%d\n", (c > 0) - (c < 0));
    } else if (!strcmp(cmd, "fmt")) {
        NEED(3);
        OPERAND(tok[1], &a);
        long places;
        if (!int_arg(tok[2], &places)) {
            err = "error: bad command";
            goto out;
        }
        dec_status st;
        int n = dec_format(&a, (int)places, NULL, 0, &st);
        if (n < 0) {
            printf("error: %s\n", dec_status_text(st));
            goto out;
        }
        char *buf = malloc((size_t)n + 1);
        if (!buf)
            abort();
        int m = dec_format(&a, (int)places, buf, (size_t)n + 1, &st);
        if (m != n || st != DEC_OK)
            puts("error: format length");
        else
            puts(buf);
        free(buf);
    } else if (!strcmp(cmd, "sign")) {
        NEED(2);
        OPERAND(tok[1], &a);
        printf("%d\n", dec_sign(&a));
    } else if (!strcmp(cmd, "isint") || !strcmp(cmd, "finite")) {
        NEED(2);
        OPERAND(tok[1], &a);
        bool t = cmd[0] == 'i' ? dec_is_integer(&a) : dec_is_finite(&a);
        puts(t ? "true" : "false");
    } else if (!strcmp(cmd, "toint")) {
        NEED(2);
        OPERAND(tok[1], &a);
        int64_t v;
        if (dec_to_i64(&a, &v))
            printf("%lld\n", (long long)v);
        else
            puts("none");
    } else if (!strcmp(cmd, "scale")) {
        NEED(2);
        OPERAND(tok[1], &a);
        if (dec_is_finite(&a))
            printf("%d\n", (int)a.scale);
        else
            puts("rat");
    } else {
        err = "error: bad command";
    }
out:
    if (err)
        puts(err);
    else if (value)
        print_value(res);
    dec_clear(&a);
    dec_clear(&b);
    return value;
#undef NEED
#undef OPERAND
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    dec_t scratch;
    dec_init(&scratch);
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *tok[8];
        int nt = 0;
        for (char *p = strtok(line, " \t"); p && nt < 8; p = strtok(NULL, " \t"))
            tok[nt++] = p;
        if (nslots == capslots) {
            capslots = capslots ? 2 * capslots : 256;
            slots = realloc(slots, capslots * sizeof *slots);
            if (!slots)
                abort();
        }
        slot *s = &slots[nslots];
        dec_init(&s->v);
        s->ok = false;
        if (nt == 0)
            puts("error: bad command");
        else
            s->ok = run(tok, nt, nslots + 1, &scratch, &s->v);
        nslots++;
    }
    for (size_t i = 0; i < nslots; i++)
        dec_clear(&slots[i].v);
    free(slots);
    free(line);
    dec_clear(&scratch);
    return 0;
}
