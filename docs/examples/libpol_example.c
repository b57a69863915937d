/* libpol_example.c -- evaluate one scenario with libpol (docs/libpol.md).
 *
 *   libpol_example POLICY.polc NAME=VALUE...
 *
 * Loads a compiled policy, sets each named input from its text, evaluates,
 * and prints every output as "name = value", then the same results as the
 * one-line JSON object polrun prints.  For example:
 *
 *   $ libpol_example rizhao-2025.polc 缴费日期=2025-09-30
 *   适用月缴费基数 = 4416.00
 *   月缴费额 = 220.80
 *   ...
 *   全年医疗保险费合计 = 2823.60
 *
 * Build against an installed libpol:
 *
 *   cc libpol_example.c $(pkg-config --cflags --libs libpol) -o libpol_example
 *
 * Exit status: 0 evaluated, 1 the scenario was rejected or failed, 2 usage,
 * 3 the policy cannot be loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pol/pol.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s POLICY.polc NAME=VALUE...\n", argv[0]);
        return 2;
    }

    /* 1. Load and verify the compiled policy.  A policy is immutable and may
     *    be shared by threads; each thread needs its own pol_eval. */
    char msg[600];
    pol_policy *pol = pol_policy_load(argv[1], msg, sizeof msg);
    if (!pol) {
        fprintf(stderr, "%s\n", msg);
        return 3;
    }
    pol_eval *ev = pol_eval_new(pol);

    /* 2. Start a scenario and set its inputs from text.  POL_TEXT_PLAIN says
     *    "plain text, read it as the input's declared type": a date, a
     *    number, a month, true/false, an enumeration member or text. */
    pol_eval_begin(ev);
    pol_error err;
    int rc = 0;
    for (int a = 2; a < argc && rc == 0; a++) {
        const char *eq = strchr(argv[a], '=');
        if (!eq) {
            fprintf(stderr, "%s: expected NAME=VALUE\n", argv[a]);
            rc = 2;
            break;
        }
        int in = pol_find_input(pol, argv[a], (size_t)(eq - argv[a]));
        if (in < 0) {
            fprintf(stderr, "%.*s: the policy has no such input\n", (int)(eq - argv[a]), argv[a]);
            rc = 1;
            break;
        }
        if (pol_eval_set_text(ev, (uint32_t)in, POL_TEXT_PLAIN, eq + 1, strlen(eq + 1), &err) != 0) {
            fprintf(stderr, "error: %s\n", err.msg);
            rc = 1;
        }
    }

    /* 3. Evaluate every output, each held to the bounds and requirements
     *    of the inputs it reads.  A runtime error carries the source
     *    position of its rule; pol_eval_output_error says why an output
     *    has no value. */
    if (rc == 0 && pol_eval_run(ev, &err) != 0) {
        char text[1200];
        pol_error_text(&err, text, sizeof text);
        fprintf(stderr, "%s\n", text);
        rc = 1;
    }

    /* 4. Read the results: one output at a time, as exact canonical text ... */
    if (rc == 0) {
        char value[256];
        for (uint32_t r = 0; r < pol_policy_nrules(pol); r++) {
            if (!pol_policy_rule_is_output(pol, r))
                continue;
            pol_eval_value_text(ev, r, value, sizeof value);
            printf("%s = %s\n", pol_policy_rule_name(pol, r), value);
        }

        /* ... or all together as JSON, exactly as polrun prints them (a new
         *    string: the caller frees it). */
        char *json = pol_eval_outputs_json(ev);
        printf("%s\n", json);
        free(json);
    }

    /* 5. The evaluator borrows the policy: free it first. */
    pol_eval_free(ev);
    pol_policy_free(pol);
    return rc;
}
