/* disasm.c -- bc_disassemble(): the human-readable listing of a program that
 * `polc disasm` prints (see bytecode.h).  Walks each rule's code with the
 * instruction iterator (runtime/bciter.h) and names operands by their kinds
 * in runtime/opcodes.h; constants are written by bc_const_text
 * (runtime/bytecode.c).  Tolerates unverified programs: it never reads past
 * a rule's block.
 */
#include "bytecode.h"

#include <string.h>

#include "bciter.h"
#include "caldate.h"

/* Prints operand v of kind `kind`; a name for the trailing comment goes to note. */
static void dis_operand(const bc_program *p, char kind, uint32_t v, FILE *out, char *note, size_t cap)
{
    char buf[512];
    switch (kind) {
    case 'K':
        fprintf(out, " K%u", v);
        bc_const_text(p, v, buf, sizeof buf);
        snprintf(note, cap, "%s", buf);
        break;
    case 'I': fprintf(out, " I%u", v); if (v < p->ninputs) snprintf(note, cap, "%s", p->inputs[v].name); break;
    case 'P': fprintf(out, " P%u", v); if (v < p->nparams) snprintf(note, cap, "%s", p->params[v].name); break;
    case 'R': fprintf(out, " R%u", v); if (v < p->nrules) snprintf(note, cap, "%s", p->rules[v].name); break;
    case 'T': fprintf(out, " ->%u", v); break;
    case 'N': fprintf(out, " %d", (int32_t)v); break;
    case 'A': fprintf(out, " %u", v); break;
    case 'M': fprintf(out, " %s", v < DEC_MODE_COUNT ? dec_mode_name((dec_mode)v) : "?"); break;
    case 'D': fprintf(out, " %s", v == CD_END_DOWN ? "down" : v == CD_END_UP ? "up" : v == CD_END_STRICT ? "strict" : "?"); break;
    case 'E': fprintf(out, " E%u", v); if (v < p->nenums) snprintf(note, cap, "%s", p->enums[v].name); break;
    case 'F': fprintf(out, " F%u", v); break;
    case 'L': fprintf(out, " L%u", v); break;
    case 'W': fprintf(out, " %s", v == 0 ? "field" : v == 1 ? "month" : v == 2 ? "year" : "?"); break;
    case 'Y': fprintf(out, " %s", pol_type_name((pol_type)v)); break;
    default: fprintf(out, " %u", v); break;
    }
}

static void dis_code(const bc_program *p, const bc_rule *x, FILE *out)
{
    uint32_t end = x->end < p->ncode ? x->end : p->ncode;
    for (bc_iter it = bc_iter_begin(p->code, x->entry, end); bc_iter_more(&it); bc_iter_next(&it)) {
        if (!bc_iter_known(&it)) {
            fprintf(out, "    %5u  ??? %u\n", it.pc, it.op);
            continue;
        }
        bc_pos pos = bc_pos_at(p, it.pc);
        fprintf(out, "    %5u  %-9s", it.pc, bc_op_name(it.op));
        const char *kinds = bc_op_operands(it.op);
        char note[600] = "";
        for (uint32_t k = 0; k + 1 < it.len && it.pc + 1 + k < end; k++)
            dis_operand(p, kinds[k], bc_iter_arg(&it, k), out, note, sizeof note);
        fprintf(out, "%*s; %u:%u %s\n", 6, "", pos.line, pos.col, note);
    }
}

static void dis_types(const bc_program *p, FILE *out)
{
    if (p->nenums)
        fprintf(out, "enumerations %u\n", p->nenums);
    for (uint32_t i = 0; i < p->nenums; i++) {
        const bc_enum *e = &p->enums[i];
        fprintf(out, "  E%-4u %s (", i, e->name);
        for (uint32_t j = 0; j < e->nfields; j++)
            fprintf(out, "%s%s: %s", j ? ", " : "", e->fields[j].name, pol_type_name((pol_type)e->fields[j].type));
        fprintf(out, ")\n");
        for (uint32_t j = 0; j < e->nmembers; j++) {
            fprintf(out, "        %s", e->members[j].name);
            for (uint32_t k = 0; k < e->nfields; k++)
                fprintf(out, "%s K%u", k ? "," : " =", e->members[j].values[k]);
            fprintf(out, "\n");
        }
    }
}

static void dis_interface(const bc_program *p, FILE *out)
{
    char buf[512], rng[40];
    fprintf(out, "inputs %u\n", p->ninputs);
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const bc_input *x = &p->inputs[i];
        fprintf(out, "  I%-4u %s: %s", i, x->name, pol_type_name((pol_type)x->type));
        if (x->kmin != BC_NONE || x->kmax != BC_NONE) {
            char lo[64] = "", hi[64] = "";
            if (x->kmin != BC_NONE)
                bc_const_text(p, x->kmin, lo, sizeof lo);
            if (x->kmax != BC_NONE)
                bc_const_text(p, x->kmax, hi, sizeof hi);
            fprintf(out, " in %s%s%s..%s%s%s", x->pmin != BC_NONE ? p->params[x->pmin].name : "", x->pmin != BC_NONE ? "=" : "",
                    lo, x->pmax != BC_NONE ? p->params[x->pmax].name : "", x->pmax != BC_NONE ? "=" : "", hi);
        }
        fprintf(out, "\n");
    }
    fprintf(out, "parameters %u\n", p->nparams);
    for (uint32_t i = 0; i < p->nparams; i++) {
        const bc_param *x = &p->params[i];
        fprintf(out, "  P%-4u %s: %s%s\n", i, x->name, pol_type_name((pol_type)x->type), x->dated ? " (dated)" : "");
        for (uint32_t j = 0; j < x->nversions; j++) {
            bc_range_text(x->versions[j].from, x->versions[j].to, rng, sizeof rng);
            bc_const_text(p, x->versions[j].k, buf, sizeof buf);
            fprintf(out, "        %-22s = %s  [%s]", x->dated ? rng : "", buf,
                    x->versions[j].cite ? x->versions[j].cite : "");
            if (x->versions[j].inferred) { /* sources as P<param>.<version> */
                fprintf(out, "  inferred \"%s\"", x->versions[j].inferred);
                for (uint32_t k = 0; k < x->versions[j].nsources; k++)
                    fprintf(out, "%sP%u.%u", k ? ", " : " from ", x->versions[j].sources[k].param,
                            x->versions[j].sources[k].version);
            }
            fputc('\n', out);
        }
    }
}

void bc_disassemble(const bc_program *p, FILE *out)
{
    char buf[512];
    fprintf(out, "; policy %s (from %s), bytecode format %u\n", p->name ? p->name : "?",
            p->source ? p->source : "?", BC_VERSION);
    for (uint32_t i = 0; i < p->nmeta; i++)
        fprintf(out, ";   %s: %s\n", p->meta[i].key, p->meta[i].value);
    fprintf(out, "constants %u\n", p->nconsts);
    for (uint32_t i = 0; i < p->nconsts; i++) {
        bc_const_text(p, i, buf, sizeof buf);
        fprintf(out, "  K%-4u %-8s %s\n", i, pol_type_name((pol_type)p->consts[i].type), buf);
    }
    dis_types(p, out);
    dis_interface(p, out);
    fprintf(out, "rules %u\n", p->nrules);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const bc_rule *x = &p->rules[i];
        fprintf(out, "  R%-4u %s %s: %s  [%s]  code %u..%u\n", i, x->is_output ? "output" : x->is_constraint ? "require" : "rule",
                x->name, pol_type_name((pol_type)x->type), x->cite ? x->cite : "", x->entry, x->end);
        dis_code(p, x, out);
    }
    fprintf(out, "tests %u\n", p->ntests);
    for (uint32_t i = 0; i < p->ntests; i++)
        fprintf(out, "  T%-4u \"%s\": %u inputs, %u expectations\n", i, p->tests[i].name,
                p->tests[i].ngiven, p->tests[i].nexpect);
    if (p->nfindings)
        fprintf(out, "findings %u\n", p->nfindings);
    for (uint32_t i = 0; i < p->nfindings; i++)
        fprintf(out, "  F%-4u \"%s\"  [%s]\n", i, p->findings[i].text, p->findings[i].cite ? p->findings[i].cite : "");
}
