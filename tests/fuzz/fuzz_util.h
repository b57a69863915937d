/* fuzz_util.h -- helpers shared by the fuzz harnesses (tests/fuzz/).
 *
 * Each harness defines LLVMFuzzerTestOneInput().  Built with clang and
 * -fsanitize=fuzzer it is a libFuzzer target (tests/fuzz/run_fuzz.sh); built
 * with replay_main.c it replays files and directories, which is how ctest runs
 * the seed corpora and the regression inputs in every build.
 */
#ifndef POL_FUZZ_UTIL_H
#define POL_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "polint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A stream that discards what is written (opened once, never closed). */
FILE *fz_null(void);

/* Stops the process with a message: an invariant of the code under test is
 * broken.  Under libFuzzer this is reported as a crash with the input. */
_Noreturn void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exercises a verified policy: its own tests, listing, interface, and a few
 * scenarios (typical values for every input type, then values derived from
 * `seed`, then nothing given) with outputs and both explanations.  Every
 * evaluation must end in outputs or an error with a message. */
void fz_exercise_policy(const pol_policy *pol, const uint8_t *seed, size_t seedlen);

#endif
