/* fuzz_serve.c -- polserve's request handling (tools/serve.h) on arbitrary
 * requests, without sockets.
 *
 * The registry serves two small policies written to a temporary folder at
 * the first call.  The input's first byte picks the method (GET, HEAD, POST,
 * PUT, DELETE) and, for a POST, the target (calculate, explain, batch of
 * policy "a" or "b", or a path of the input's own); the bytes up to the
 * first newline are the path (when the input gives it), the rest the body.
 * Invariants: every reply has a status from 200 to 499 (never 5xx), a
 * Content-Type, and a body; a 4xx body is JSON {"error":{"message":...}};
 * a JSON reply parses; a streamed batch ends, within one read per input
 * byte and a few more, in records that each parse and carry "line".
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "serve.h"

static const char policy_a[] =
    "policy \"甲\" { region \"x\" date \"2025-09-28\" }\n"
    "enum tier (rate: rate) { low = (6%)  high = (9%) }\n"
    "input m: money in 0..100000 cite \"1\"\n"
    "input d: date cite \"2\"\n"
    "input e: tier\n"
    "param base: money cite \"1\" { ..2025-09-30 = 4416 cite \"1\"  2025-10-01..2025-12-31 = 4504 cite \"2\" }\n"
    "output o1: money = round(base[d] * e.rate, 2) cite \"1\"\n"
    "output o2: money = m * 12 cite \"3\"\n";

static const char policy_b[] =
    "policy \"乙\" { region \"y\" }\n"
    "record pay (on: date, from: month, to: month)\n"
    "input ps: list of pay\n"
    "input q0: month\n"
    "input q1: month\n"
    "rule paid(i: month): boolean = any(p in ps: p.from <= i and i <= p.to) cite \"1\"\n"
    "output n: integer = count(i in q0..q1: paid(i)) cite \"1\"\n";

static srv *registry(void)
{
    static srv *s;
    if (s)
        return s;
    char dir[] = "/tmp/fuzz_serve.XXXXXX";
    if (!mkdtemp(dir))
        fz_fail("mkdtemp failed");
    const char *names[2] = {"a.pol", "b.pol"}, *texts[2] = {policy_a, policy_b};
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        if (!f || fputs(texts[i], f) < 0 || fclose(f) != 0)
            fz_fail("cannot write %s", path);
    }
    srv_limits lim;
    srv_default_limits(&lim);
    lim.max_record = 4096;
    lim.max_scenarios = 16;
    lim.max_steps = 100000;
    s = srv_new(dir, &lim, false);
    if (srv_scan(s) != 2)
        fz_fail("the harness's policies do not load");
    /* the files may go: the policies are in memory */
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    return s;
}

static void check_json(const char *text, size_t len, const char *what, int status)
{
    json_error_t e;
    json_t *j = json_loadb(text, len, JSON_DECODE_ANY, &e);
    if (!j)
        fz_fail("%s (status %d) is not JSON: %s: %.*s", what, status, e.text, (int)(len > 300 ? 300 : len), text);
    if (status >= 400) {
        json_t *err = json_object_get(j, "error");
        if (!json_is_object(err) || !json_is_string(json_object_get(err, "message")))
            fz_fail("a %d reply without {\"error\":{\"message\":...}}: %.*s", status, (int)len, text);
    }
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    srv *s = registry();
    static const char *methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE"};
    static const char *targets[] = {"/v1/policies/a/calculate", "/v1/policies/a/explain", "/v1/policies/a/batch",
                                    "/v1/policies/b/calculate", "/v1/policies/b/batch", NULL};
    uint8_t sel = size ? data[0] : 0;
    const char *method = methods[sel % 5];
    const char *target = targets[(sel / 5) % 6];
    const char *rest = size ? (const char *)data + 1 : "";
    size_t restlen = size ? size - 1 : 0;
    char path[512];
    const char *body = rest;
    size_t blen = restlen;
    if (!target || sel % 5 != 2) { /* the path from the input */
        const char *nl = memchr(rest, '\n', restlen);
        size_t plen = nl ? (size_t)(nl - rest) : restlen;
        if (plen >= sizeof path)
            plen = sizeof path - 1;
        memcpy(path, rest, plen);
        path[plen] = 0;
        if (strlen(path) != plen) /* a NUL inside: the HTTP layer never passes one */
            path[0] = 0;
        body = nl ? nl + 1 : "";
        blen = nl ? restlen - plen - 1 : 0;
        if (path[0] != '/') { /* a request path always starts with '/' */
            memmove(path + 1, path, strlen(path) + 1 < sizeof path - 1 ? strlen(path) + 1 : sizeof path - 2);
            path[0] = '/';
            path[sizeof path - 1] = 0;
        }
        target = path;
    }
    srv_reply r;
    srv_handle(s, method, target, body, blen, &r);
    if (r.status < 200 || r.status > 499)
        fz_fail("status %d for %s %s", r.status, method, target);
    if (!r.type)
        fz_fail("no Content-Type for %s %s", method, target);
    if (r.stream) {
        sc_buf all;
        sc_buf_init(&all);
        char buf[977];
        size_t n, reads = 0;
        while ((n = srv_stream_read(r.stream, buf, sizeof buf)) > 0) {
            sc_buf_put(&all, buf, n);
            if (++reads > 2 * blen + 1000)
                fz_fail("a batch stream does not end");
        }
        for (size_t off = 0; off < all.len;) {
            const char *line = all.data + off, *nl = memchr(line, '\n', all.len - off);
            if (!nl)
                fz_fail("a batch record without its newline");
            check_json(line, (size_t)(nl - line), "a batch record", 200);
            if (!strstr(line, "{\"line\":") || strstr(line, "{\"line\":") != line)
                fz_fail("a batch record without \"line\" first: %.*s", (int)(nl - line), line);
            off += (size_t)(nl - line) + 1;
        }
        sc_buf_clear(&all);
    } else if (r.data) {
        if (!r.len)
            fz_fail("an empty asset");
    } else {
        if (!r.body.len)
            fz_fail("an empty body for %s %s (status %d)", method, target, r.status);
        if (strstr(r.type, "json"))
            check_json(r.body.data, r.body.len, "the reply", r.status);
    }
    srv_reply_clear(&r);
    return 0;
}
