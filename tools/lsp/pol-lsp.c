/* pol-lsp.c -- the pol language server on stdin/stdout (docs/editors.md).
 *
 *   pol-lsp            speak LSP (JSON-RPC with Content-Length framing)
 *   pol-lsp --version
 *
 * Reads one framed message at a time and hands its body to lsp_handle
 * (lsp.h); whenever no further input is waiting, lets the server analyse
 * the documents that changed (lsp_idle), so that a burst of keystrokes costs
 * one analysis, not one per keystroke.  Logs nothing on stdout but protocol;
 * errors in the framing go to stderr.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lang.h"
#include "lsp.h"
#include "mem.h"

/* A message larger than this is refused (read and dropped): a 16 MiB
 * policy, escaped, fits with room to spare. */
#define MAX_MESSAGE ((size_t)256 << 20)

static char inbuf[1 << 16];
static size_t in_pos, in_len;
static bool in_eof;

static bool fill(bool block)
{
    if (in_pos < in_len)
        return true;
    if (in_eof)
        return false;
    if (!block) {
        struct pollfd p = {0, POLLIN, 0};
        if (poll(&p, 1, 0) <= 0)
            return false;
    }
    for (;;) {
        ssize_t n = read(0, inbuf, sizeof inbuf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            in_eof = true;
            return false;
        }
        in_pos = 0;
        in_len = (size_t)n;
        return true;
    }
}

static int getbyte(void)
{
    if (!fill(true))
        return -1;
    return (unsigned char)inbuf[in_pos++];
}

static void write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(1, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            exit(1); /* the client is gone */
        p += k;
        n -= (size_t)k;
    }
}

static void out(void *ctx, const char *body, size_t len)
{
    (void)ctx;
    char head[64];
    int h = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", len);
    write_all(head, (size_t)h);
    write_all(body, len);
}

/* Reads the header block; returns the Content-Length, -1 at the end of
 * input, -2 for a header block without a valid length. */
static long long read_header(void)
{
    long long length = -2;
    char line[1024];
    for (;;) {
        size_t n = 0;
        int c;
        while ((c = getbyte()) >= 0 && c != '\n')
            if (n + 1 < sizeof line)
                line[n++] = (char)c;
        if (c < 0)
            return -1;
        if (n && line[n - 1] == '\r')
            n--;
        line[n] = 0;
        if (n == 0)
            return length;
        if (strncasecmp(line, "Content-Length:", 15) == 0) {
            char *end;
            errno = 0;
            long long v = strtoll(line + 15, &end, 10);
            while (*end == ' ' || *end == '\t')
                end++;
            length = errno || *end || v < 0 ? -2 : v;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("pol-lsp %s\n", POL_LSP_VERSION);
        return 0;
    }
    pol_lang_set(pol_lang_from_env()); /* the locale variables; --lang overrides */
    pol_lang l;
    if (argc == 2 && !strncmp(argv[1], "--lang=", 7) && pol_lang_parse(argv[1] + 7, &l))
        pol_lang_set(l);
    else if (argc == 3 && !strcmp(argv[1], "--lang") && pol_lang_parse(argv[2], &l))
        pol_lang_set(l);
    else if (argc > 1) {
        const char *v = argc == 2 && !strncmp(argv[1], "--lang=", 7) ? argv[1] + 7
                        : argc == 3 && !strcmp(argv[1], "--lang")      ? argv[2] : NULL;
        if (v)
            pol_tr_fprintf(stderr, "%s: --lang takes zh or en, not '%s'\n", "pol-lsp", v);
        pol_tr_fprintf(stderr, "usage: pol-lsp [--lang zh|en] (speaks the Language Server Protocol on stdin and stdout)\n");
        return 64;
    }
    signal(SIGPIPE, SIG_IGN);
    lsp_server *s = lsp_new(out, NULL);
    for (;;) {
        if (!fill(false))
            lsp_idle(s); /* nothing waiting: analyse what changed */
        long long n = read_header();
        if (n == -1)
            break;
        if (n == -2) {
            pol_tr_fprintf(stderr, "pol-lsp: a message header without a valid Content-Length; skipped\n");
            continue;
        }
        if ((size_t)n > MAX_MESSAGE) {
            pol_tr_fprintf(stderr, "pol-lsp: a message of %lld bytes (more than %zu); dropped\n", n, MAX_MESSAGE);
            for (long long i = 0; i < n && getbyte() >= 0; i++)
                ;
            continue;
        }
        char *body = pol_xmalloc((size_t)n + 1);
        size_t got = 0;
        while (got < (size_t)n && fill(true)) {
            size_t k = in_len - in_pos < (size_t)n - got ? in_len - in_pos : (size_t)n - got;
            memcpy(body + got, inbuf + in_pos, k);
            in_pos += k;
            got += k;
        }
        if (got < (size_t)n) {
            free(body);
            pol_tr_fprintf(stderr, "pol-lsp: input ended inside a message\n");
            break;
        }
        bool more = lsp_handle(s, body, (size_t)n);
        free(body);
        if (!more)
            break;
    }
    int rc = lsp_exit_code(s);
    lsp_free(s);
    return rc;
}
