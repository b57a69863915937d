/* fuzz_transcode.c -- polrun --batch's transcoding reader on arbitrary bytes.
 *
 * The first byte picks the options: the input encoding (GB18030, GBK, or
 * none: UTF-8 with the GB18030 guess when a record is not UTF-8), the input
 * format (JSON Lines or CSV), --key fields (a policy input and a field that
 * is not one), --line-buffered and -j 1 or 2.  The rest is the input, which
 * batch_run() (tools/batch.c) reads from a memfd and writes as JSON Lines
 * to another: records split on raw bytes, converted by iconv, guessed at,
 * keys copied, evaluated.
 * Invariants: the exit code is 0 or 1; every output line is one JSON object
 * (valid UTF-8: sc_parse_json_object checks it) with a "line" number larger
 * than the one before, and "keys" first after it when keys were asked for.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "compile.h"
#include "fuzz_util.h"

static const char policy_src[] = "policy \"fuzz\" { region \"x\" }\n"
                                 "enum 档次 (费率: rate) { 低 = (6%) 高 = (9%) }\n"
                                 "input 基数: money in 0..100000\n"
                                 "input 档: 档次\n"
                                 "input 名: text\n"
                                 "output 费: money = round(基数 * 档.费率, 2) cite \"1\"\n"
                                 "output 有名: boolean = 名 != \"\" cite \"1\"\n";

static pol_policy *fuzz_policy(void)
{
    static pol_policy *pol;
    if (pol)
        return pol;
    diag_ctx d;
    diag_init(&d);
    src_file *src = NULL;
    bc_program *p = pol_compile("fuzz.pol", policy_src, sizeof policy_src - 1, &d, &src);
    if (!p) {
        diag_print(&d, stderr, false);
        fz_fail("the harness's policy does not compile");
    }
    diag_free(&d);
    src_free(src);
    char err[600];
    if (!(pol = pol_policy_adopt(p, err, sizeof err)))
        fz_fail("the harness's policy does not verify: %s", err);
    return pol;
}

/* A memfd holding data[0..n), as a path batch_run can open. */
static int memfd_with(const char *name, const uint8_t *data, size_t n, char *path, size_t pathlen)
{
    int fd = memfd_create(name, 0);
    if (fd < 0)
        fz_fail("memfd_create failed");
    if (n && write(fd, data, n) != (ssize_t)n)
        fz_fail("write to a memfd failed");
    snprintf(path, pathlen, "/proc/self/fd/%d", fd);
    return fd;
}

static void check_output(int fd, bool keys)
{
    off_t n = lseek(fd, 0, SEEK_END);
    if (n < 0)
        fz_fail("lseek failed");
    char *text = malloc((size_t)n + 1);
    if (!text || pread(fd, text, (size_t)n, 0) != n)
        fz_fail("cannot read the output back");
    text[n] = '\0';
    if (n && text[n - 1] != '\n')
        fz_fail("the output does not end with a newline");
    sc_record rec;
    sc_record_init(&rec);
    long last = 0;
    for (char *p = text, *e; p < text + n; p = e + 1) {
        e = strchr(p, '\n');
        sc_error err;
        if (sc_parse_json_object(&rec, p, (size_t)(e - p), &err) != 0)
            fz_fail("output line is not a JSON object (byte %zu: %s): %.*s", err.offset + 1, err.msg, (int)(e - p), p);
        if (rec.count < 2 || strcmp(rec.fields[0].name, "line") != 0 || rec.fields[0].kind != SCV_NUMBER)
            fz_fail("output line does not begin with its line number: %.*s", (int)(e - p), p);
        long line = strtol(rec.fields[0].text, NULL, 10);
        if (line <= last)
            fz_fail("line numbers do not increase: %ld after %ld", line, last);
        last = line;
        if (keys && (strcmp(rec.fields[1].name, "keys") != 0 || rec.fields[1].kind != SCV_OBJECT))
            fz_fail("an output line without its keys: %.*s", (int)(e - p), p);
    }
    sc_record_clear(&rec);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    pol_policy *pol = fuzz_policy();
    uint8_t opt = data[0];
    static const char *encodings[] = {NULL, "GB18030", "GBK", "UTF-8"};
    batch_keys keys;
    memset(&keys, 0, sizeof keys);
    char err[200];
    if ((opt & 0x10) && batch_keys_add(&keys, "名,编号", err, sizeof err) != 0)
        fz_fail("batch_keys_add: %s", err);
    char in_path[64], out_path[64];
    int in_fd = memfd_with("in", data + 1, size - 1, in_path, sizeof in_path);
    int out_fd = memfd_with("out", NULL, 0, out_path, sizeof out_path);
    batch_opts o = {
        .input = in_path,
        .output = out_path,
        .in_fmt = (opt & 4) ? SC_FMT_CSV : SC_FMT_JSONL,
        .out_fmt = SC_FMT_JSONL,
        .allow_extra = (opt & 0x40) != 0,
        .quiet = true,
        .jobs = (opt & 0x20) ? 2 : 1,
        .max_steps = 100000,
        .max_record = (opt & 0x80) ? 64 : 0,
        .keys = &keys,
        .line_buffered = (opt & 8) != 0,
        .progress = 0,
        .encoding = encodings[opt & 3],
    };
    int rc = batch_run(&o, pol);
    if (rc != 0 && rc != CLI_FAILED)
        fz_fail("batch_run returned %d", rc);
    check_output(out_fd, keys.count > 0);
    batch_keys_free(&keys);
    close(in_fd);
    close(out_fd);
    return 0;
}
