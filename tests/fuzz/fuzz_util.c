/* fuzz_util.c -- see fuzz_util.h. */
#include "fuzz_util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

FILE *fz_null(void)
{
    static FILE *f;
    if (!f) {
        f = fopen("/dev/null", "w");
        if (!f)
            fz_fail("cannot open /dev/null");
    }
    return f;
}

void fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz invariant broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* Text for input i in scenario `which`: 0 typical, 1 edge values, 2 taken
 * from the seed bytes; *kind says what it would be in a JSON scenario. */
static size_t value_for(const bc_program *p, uint32_t i, int which, const uint8_t *seed, size_t seedlen, char *buf,
                        size_t cap, scv_kind *kind)
{
    const bc_input *in = &p->inputs[i];
    const char *v = "";
    *kind = SCV_STRING;
    if (which == 2) {
        /* a short slice of the seed, starting somewhere that depends on i */
        size_t n = 0;
        if (seedlen > 0) {
            size_t at = (i * 7u) % seedlen;
            while (at < seedlen && n < 24 && n + 1 < cap && seed[at] != '\n')
                buf[n++] = (char)seed[at++];
        }
        buf[n] = 0;
        *kind = SCV_CSV;
        return n;
    }
    switch (in->type) {
    case PT_BOOL: v = which ? "false" : "true"; *kind = which ? SCV_FALSE : SCV_TRUE; break;
    case PT_INT: v = which ? "0" : "12"; *kind = SCV_NUMBER; break;
    case PT_DEC: v = which ? "-0.000001" : "1.5"; *kind = SCV_NUMBER; break;
    case PT_RATE: v = which ? "0" : "5%"; break;
    case PT_MONEY: v = which ? "-1" : "4416"; *kind = SCV_NUMBER; break;
    case PT_DATE: v = which ? "2025-10-01" : "2025-09-30"; break;
    case PT_MONTH: v = which ? "1999-12" : "2025-09"; break;
    case PT_TEXT: v = which ? "" : "x"; break;
    case PT_ENUM:
        if (in->tref < p->nenums && p->enums[in->tref].nmembers > 0)
            v = p->enums[in->tref].members[which ? p->enums[in->tref].nmembers - 1 : 0].name;
        break;
    case PT_LIST: v = "[]"; *kind = SCV_ARRAY; break;
    default:
        if (in->type == PT_MONTHS || in->type == PT_DAYS) {
            v = which ? "0" : "3";
            *kind = SCV_NUMBER;
        }
        break;
    }
    snprintf(buf, cap, "%s", v);
    return strlen(buf);
}

static void check_error(const pol_error *err, const char *where)
{
    if (err->msg[0] == 0)
        fz_fail("%s failed without a message", where);
    if (err->status != POL_E_INPUT && err->status != POL_E_BOUND && err->status != POL_E_RUNTIME)
        fz_fail("%s failed with status %d", where, (int)err->status);
}

void fz_exercise_policy(const pol_policy *pol, const uint8_t *seed, size_t seedlen)
{
    const bc_program *p = pol_policy_program(pol);
    FILE *null = fz_null();
    bc_disassemble(p, null);
    pol_test_results *rep = pol_run_tests(pol);
    if (rep->passed < 0 || rep->failed < 0 || (uint32_t)(rep->passed + rep->failed) != p->ntests)
        fz_fail("pol_run_tests counted %d + %d of %u tests", rep->passed, rep->failed, p->ntests);
    pol_test_results_free(rep);
    sc_buf out;
    sc_buf_init(&out);
    pol_policy_interface_json_buf(pol, &out);
    for (uint32_t i = 0; i < p->ninputs; i++)
        if (pol_find_input(pol, p->inputs[i].name, strlen(p->inputs[i].name)) < 0)
            fz_fail("input %u cannot be found by its name", i);

    pol_eval *ev = pol_eval_new(pol);
    pol_eval_set_step_limit(ev, 100000);
    for (int which = 0; which < 4; which++) {
        pol_eval_set_trace(ev, which != 1);
        pol_eval_begin(ev);
        pol_error err;
        memset(&err, 0, sizeof err);
        int rc = 0;
        for (uint32_t i = 0; i < p->ninputs && which < 3 && rc == 0; i++) {
            char buf[256];
            scv_kind kind;
            size_t n = value_for(p, i, which, seed, seedlen, buf, sizeof buf, &kind);
            rc = pol_eval_set_field(ev, i, kind, buf, n, &err);
            if (rc != 0)
                check_error(&err, "pol_eval_set_text");
        }
        if (rc == 0) {
            rc = pol_eval_run(ev, &err);
            if (rc != 0) {
                check_error(&err, "pol_eval_run");
                sc_buf_reset(&out);
                pol_error_text_buf(&err, &out);
            }
        }
        sc_buf_reset(&out);
        pol_eval_outputs_json_buf(ev, &out);
        pol_eval_explain_json_buf(ev, &out);
        pol_eval_explain_text_buf(ev, &out);
        for (uint32_t r = 0; r < p->nrules; r++) {
            char val[1200];
            bool ok = pol_eval_value_text(ev, r, val, sizeof val);
            if (!ok && !val[0])
                fz_fail("rule %u has no value and no reason", r);
        }
    }
    pol_eval_free(ev);
    sc_buf_clear(&out);
}
