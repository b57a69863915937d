/* fuzz_fmt.c -- the formatter (compiler/fmt.c) on arbitrary bytes.
 *
 * pol_format() must format or refuse, never crash.  When it refuses, it
 * returns no text and says why; when it formats, the text must format again
 * (it parses) and to itself: fmt(fmt(x)) == fmt(x).  The formatter's own
 * check (the same tokens and comments) runs on every input too: a
 * POL_FMT_INTERNAL is a failure here.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_ctx d;
    diag_init(&d);
    char *out = NULL;
    size_t len = 0;
    pol_fmt_status st = pol_format("fuzz.pol", (const char *)data, size, &out, &len, &d);
    diag_print(&d, fz_null(), false);
    if (st == POL_FMT_INTERNAL)
        fz_fail("the formatter's check failed: its output would not read as the same tokens");
    if (st == POL_FMT_SYNTAX && (out || !d.errors))
        fz_fail("pol_format refused without an error, or returned text with its refusal");
    diag_free(&d);
    if (st != POL_FMT_OK)
        return 0;
    if (!out || strlen(out) != len)
        fz_fail("pol_format succeeded without a NUL-terminated text of the length it gave");
    diag_ctx d2;
    diag_init(&d2);
    char *again = NULL;
    size_t len2 = 0;
    pol_fmt_status st2 = pol_format("fuzz.pol", out, len, &again, &len2, &d2);
    if (st2 != POL_FMT_OK) {
        diag_print(&d2, stderr, false);
        fz_fail("the formatted text does not format again (status %d)", (int)st2);
    }
    if (len2 != len || memcmp(again, out, len) != 0)
        fz_fail("fmt(fmt(x)) differs from fmt(x)");
    diag_free(&d2);
    free(again);
    free(out);
    return 0;
}
