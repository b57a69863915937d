/* fuzz_compile.c -- the .pol front end on arbitrary bytes.
 *
 * pol_compile() must return a program or diagnostics, never crash.  When it
 * compiles, the compiler's own output must survive the file format and the
 * verifier (bc_write -> bc_read -> bc_verify), writing the re-read program
 * must give the same bytes, and the policy's tests and a few scenarios must
 * run to outputs or errors.
 */
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_ctx d;
    diag_init(&d);
    src_file *src = NULL;
    bc_program *prog = pol_compile("fuzz.pol", (const char *)data, size, &d, &src);
    diag_print(&d, fz_null(), false);
    diag_print_json(&d, fz_null());
    if (prog && d.errors)
        fz_fail("pol_compile returned a program with %d errors", d.errors);
    if (!prog && !d.errors)
        fz_fail("pol_compile returned nothing and reported no error");
    diag_free(&d);
    src_free(src);
    if (!prog)
        return 0;

    uint8_t *bytes = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    bc_write(prog, &bytes, &len);
    bc_free(prog);
    char err[600];
    bc_program *back = bc_read(bytes, len, err, sizeof err);
    if (!back)
        fz_fail("bc_read rejects the compiler's output: %s", err);
    bc_write(back, &again, &len2);
    if (len2 != len || memcmp(again, bytes, len) != 0)
        fz_fail("write(read(write(p))) differs from write(p)");
    free(again);
    pol_policy *pol = pol_policy_adopt(back, err, sizeof err);
    if (!pol)
        fz_fail("bc_verify rejects the compiler's output: %s", err);
    fz_exercise_policy(pol, data, size);
    pol_policy_free(pol);
    free(bytes);
    return 0;
}
