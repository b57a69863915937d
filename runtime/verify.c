/* verify.c -- bc_verify(): checks a loaded program before anything runs (see
 * bytecode.h).  Every index (constants, inputs, parameters, rules, enums,
 * record types, fields, local slots), every jump target, the block structure
 * of each rule's code and the stack depth at every instruction, so that no
 * file, however hostile, can make the VM (runtime/vm.c) read out of bounds.
 * Walks code with the instruction iterator (runtime/bciter.h); operand kinds
 * and stack effects come from runtime/opcodes.h.  Shares its contract with
 * runtime/bytecode.c (the reader) and runtime/vm.c.
 */
#include "bytecode.h"
#include "lang.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bciter.h"
#include "caldate.h"
#include "mem.h"

static bool vfail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool vfail(char *err, size_t errlen, const char *fmt, ...)
{
    int n = pol_tr_format(pol_lang_get(), err, errlen, "invalid bytecode: ");
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen) /* n < 0 is unreachable: this snprintf cannot fail */
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static bool type_ok(uint32_t t) { return t > PT_VOID && t < PT__COUNT; }

/* Dates and months the runtime can print and compute with: years
 * CD_MIN_YEAR..CD_MAX_YEAR, as the compiler and the scenario reader accept. */
static bool day_ok(int32_t d) { return d >= CD_MIN_DAY && d <= CD_MAX_DAY; }

static bool month_ok(int32_t m) { return m >= CD_MIN_MONTH && m <= CD_MAX_MONTH; }

static bool tref_ok(const bc_program *p, uint32_t t, uint32_t tref)
{
    if (t == PT_LIST && pol_list_values(tref)) /* a list of values */
        return pol_list_values_ok(tref);
    if (t == PT_RECORD || t == PT_LIST)
        return tref < p->nrecords;
    return type_ok(t) && (t != PT_ENUM || tref < p->nenums);
}

/* A value of type `have` may stand where `want` is declared. */
static bool same_class(uint32_t have, uint32_t want)
{
    return have == want || (pol_type_numeric((pol_type)have) && pol_type_numeric((pol_type)want));
}

/* Operand k of the instruction at it (kind kinds[k]) against the program.
 * Coverage: in each `ok || vfail(...)` the branch on vfail's result cannot
 * go the other way (vfail always returns false), so those lines are left
 * out of the branch figure; their conditions are tested one by one
 * (tests/unit/test_cover_bc.c, operands).  The switch's default is
 * unreachable: opcodes.h uses only the kinds below. */
static bool verify_operand(const bc_program *p, uint32_t ri, const bc_iter *it, size_t k, char *err, size_t errlen)
{
    const bc_rule *rule = &p->rules[ri];
    const char *kinds = bc_op_operands(it->op);
    uint32_t v = bc_iter_arg(it, (uint32_t)k), pc = it->pc;
    uint32_t prev = k > 0 ? bc_iter_arg(it, (uint32_t)k - 1) : UINT32_MAX;
    switch (kinds[k]) {
    case 'K': return v < p->nconsts || vfail(err, errlen, "constant %u out of range at %u", v, pc); /* GCOVR_EXCL_BR_LINE */
    case 'I': return v < p->ninputs || vfail(err, errlen, "input %u out of range at %u", v, pc); /* GCOVR_EXCL_BR_LINE */
    case 'P':
        if (v >= p->nparams)
            return vfail(err, errlen, "parameter %u out of range at %u", v, pc);
        if ((it->op == OP_PARAM_AT || it->op == OP_PARAM_IN) != (p->params[v].dated != 0))
            return vfail(err, errlen, "parameter %s used with the wrong lookup at %u", p->params[v].name, pc);
        return true;
    case 'R': return v < p->nrules || vfail(err, errlen, "rule %u out of range at %u", v, pc); /* GCOVR_EXCL_BR_LINE */
    case 'T': return (v >= rule->entry && v < rule->end) || /* GCOVR_EXCL_BR_LINE */
                     vfail(err, errlen, "jump target %u outside rule %s at %u", v, rule->name, pc);
    case 'N': return ((int32_t)v >= -POL_ROUND_MAX_PLACES && (int32_t)v <= POL_ROUND_MAX_PLACES) || /* GCOVR_EXCL_BR_LINE */
                     vfail(err, errlen, "rounding places %d at %u", (int32_t)v, pc);
    case 'M': return v < DEC_MODE_COUNT || vfail(err, errlen, "rounding mode %u at %u", v, pc); /* GCOVR_EXCL_BR_LINE */
    case 'W': return v < 3 || vfail(err, errlen, "index key %u at %u", v, pc);
    case 'D': return v < CD_END__COUNT || vfail(err, errlen, "month-end rule %u at %u", v, pc); /* GCOVR_EXCL_BR_LINE */
    case 'E': return v < p->nenums || vfail(err, errlen, "enumeration %u out of range at %u", v, pc); /* GCOVR_EXCL_BR_LINE */
    case 'F': {
        /* k == 0, kinds[k - 1] != 'G' and prev out of range are unreachable:
         * in opcodes.h F always follows an E or a G, checked just before;
         * the field counts are tested */
        bool bad_f = k == 0 ||
                     (kinds[k - 1] == 'E' ? prev >= p->nenums || v >= p->enums[prev].nfields
                                          : kinds[k - 1] != 'G' || prev >= p->nrecords || v >= p->records[prev].nfields);
        return !bad_f || vfail(err, errlen, "field %u out of range at %u", v, pc); /* GCOVR_EXCL_BR_LINE */
    }
    case 'L': return v < rule->nlocals || vfail(err, errlen, "local slot %u out of range at %u", v, pc); /* GCOVR_EXCL_BR_LINE */
    case 'G': return v < p->nrecords || vfail(err, errlen, "record type %u out of range at %u", v, pc); /* GCOVR_EXCL_BR_LINE */
    case 'Y': return pol_list_elem_ok((pol_type)v) || vfail(err, errlen, "a list cannot hold values of type %u (at %u)", v, pc);
    case 'A': /* the argument count of the function named by the preceding R; k > 0, kinds[k - 1] == 'R'
               * and prev < nrules always hold (A follows R in opcodes.h, and R is checked first) */
        return (k > 0 && kinds[k - 1] == 'R' && prev < p->nrules && p->rules[prev].nargs != 0 && v == p->rules[prev].nargs) ||
               vfail(err, errlen, "CALL of a rule that is not a function of %u arguments at %u", v, pc);
    default: return true;
    }
}

/* One instruction's operands and the opcode-specific rules about them. */
static bool verify_insn(const bc_program *p, uint32_t ri, const bc_iter *it, char *err, size_t errlen)
{
    const bc_rule *rule = &p->rules[ri];
    uint32_t op = it->op, pc = it->pc;
    if (!bc_iter_known(it))
        return vfail(err, errlen, "unknown opcode %u at %u", op, pc);
    if (bc_iter_truncated(it))
        return vfail(err, errlen, "%s at %u runs past the end of rule %s", bc_op_name(op), pc, rule->name);
    for (size_t k = 0; k + 1 < it->len; k++)
        if (!verify_operand(p, ri, it, k, err, errlen))
            return false;
    if (op == OP_RET && bc_iter_arg(it, 0) != ri)
        return vfail(err, errlen, "RET of another rule at %u", pc);
    if ((op == OP_RULE || op == OP_APPLIC) && p->rules[bc_iter_arg(it, 0)].nargs != 0)
        return vfail(err, errlen, "%s of a function at %u", bc_op_name(op), pc);
    if ((op == OP_FAIL || op == OP_APPLIED || op == OP_NA || op == OP_UNSTATED) &&
        p->consts[bc_iter_arg(it, 0)].type != PT_TEXT)
        return vfail(err, errlen, "%s without a message at %u", bc_op_name(op), pc);
    if (op == OP_CASE && p->consts[bc_iter_arg(it, 1)].type != PT_ENUM)
        return vfail(err, errlen, "CASE without a member at %u", pc);
    return true;
}

/* The instructions control can reach from the one at it; -1 when none or
 * on an error (then false). */
static bool successors(const bc_rule *rule, const bc_iter *it, int32_t d, uint32_t succ[2], int *nsucc, char *err,
                       size_t errlen)
{
    uint32_t op = it->op, pc = it->pc, next = pc + it->len;
    *nsucc = 0;
    if (op == OP_RET)
        return d == 1 || vfail(err, errlen, "RET with %d values on the stack at %u", d, pc); /* GCOVR_EXCL_BR_LINE */
    if (op == OP_FAIL || op == OP_NA || op == OP_UNSTATED) /* ends the evaluation */
        return true;
    const char *kinds = bc_op_operands(op), *t = strchr(kinds, 'T'); /* a jump: JMP, JMPF, CASE */
    if (t)
        succ[(*nsucc)++] = bc_iter_arg(it, (uint32_t)(t - kinds));
    if (op == OP_JMP)
        return true;
    if (next >= rule->end)
        return vfail(err, errlen, "rule %s falls off its end at %u", rule->name, pc);
    succ[(*nsucc)++] = next;
    return true;
}

/* Abstract interpretation of stack depth over the block's graph; depth[i]
 * is -2 for words that do not start an instruction, -1 for unseen ones. */
static bool verify_depths(bc_program *p, const bc_rule *rule, int32_t *depth, uint32_t *work, char *err, size_t errlen)
{
    uint32_t a = rule->entry;
    size_t nwork = 0;
    depth[0] = 0;
    work[nwork++] = a;
    while (nwork > 0) {
        bc_iter it = bc_iter_begin(p->code, work[--nwork], rule->end);
        int32_t d = depth[it.pc - a];
        int32_t pops = (int32_t)bc_iter_pops(p, &it);
        if (d < pops)
            return vfail(err, errlen, "stack underflow at %u (%s)", it.pc, bc_op_name(it.op));
        int32_t nd = d - pops + bc_op_pushes(it.op);
        if (nd > BC_MAX_STACK)
            return vfail(err, errlen, "stack deeper than %d at %u", BC_MAX_STACK, it.pc);
        if ((uint32_t)nd > p->max_stack)
            p->max_stack = (uint32_t)nd;
        uint32_t succ[2];
        int nsucc;
        if (!successors(rule, &it, d, succ, &nsucc, err, errlen))
            return false;
        for (int s = 0; s < nsucc; s++) {
            int32_t *slot = &depth[succ[s] - a];
            if (*slot == -2)
                return vfail(err, errlen, "jump into the middle of an instruction at %u", it.pc);
            if (*slot == -1) {
                *slot = nd;
                work[nwork++] = succ[s];
            } else if (*slot != nd)
                return vfail(err, errlen, "inconsistent stack depth at %u", succ[s]);
        }
    }
    return true;
}

static bool verify_block(bc_program *p, uint32_t ri, char *err, size_t errlen)
{
    const bc_rule *rule = &p->rules[ri];
    uint32_t a = rule->entry, b = rule->end;
    size_t n = b - a;
    int32_t *depth = pol_xcalloc(n, sizeof *depth);
    uint32_t *work = pol_xcalloc(n, sizeof *work);
    bool ok = true;
    /* pass 1: mark instruction starts and check operands */
    for (size_t i = 0; i < n; i++)
        depth[i] = -2;
    for (bc_iter it = bc_iter_begin(p->code, a, b); ok && bc_iter_more(&it); bc_iter_next(&it)) {
        ok = verify_insn(p, ri, &it, err, errlen);
        depth[it.pc - a] = -1;
    }
    /* pass 2: stack depths */
    if (ok && n == 0) /* unreachable: verify_rules refused entry >= end */
        ok = vfail(err, errlen, "rule %s has no code", rule->name);
    if (ok)
        ok = verify_depths(p, rule, depth, work, err, errlen);
    free(depth);
    free(work);
    return ok;
}

static bool verify_types(const bc_program *p, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < p->nconsts; i++) {
        const bc_const *c = &p->consts[i];
        if (!tref_ok(p, c->type, c->tref) || (c->type == PT_TEXT && !c->text) || c->type == PT_RECORD || c->type == PT_LIST ||
            (c->type == PT_ENUM && (c->i < 0 || (uint32_t)c->i >= p->enums[c->tref].nmembers)) ||
            (c->type == PT_ROUNDING && (uint32_t)c->i >= DEC_MODE_COUNT))
            return vfail(err, errlen, "constant %u malformed", i);
        if ((c->type == PT_DATE && !day_ok(c->i)) || (c->type == PT_MONTH && !month_ok(c->i)))
            return vfail(err, errlen, "constant %u is a date or month outside the years %d..%d", i, CD_MIN_YEAR, CD_MAX_YEAR);
    }
    for (uint32_t i = 0; i < p->nrecords; i++)
        for (uint32_t j = 0; j < p->records[i].nfields; j++) {
            const bc_field *fl = &p->records[i].fields[j];
            if (fl->type == PT_RECORD || fl->type == PT_LIST || !tref_ok(p, fl->type, fl->tref))
                return vfail(err, errlen, "record type %s field %u malformed", p->records[i].name, j);
        }
    for (uint32_t i = 0; i < p->nenums; i++) {
        const bc_enum *e = &p->enums[i];
        for (uint32_t j = 0; j < e->nfields; j++)
            if (!tref_ok(p, e->fields[j].type, e->fields[j].tref) || e->fields[j].type == PT_RECORD || e->fields[j].type == PT_LIST)
                return vfail(err, errlen, "enumeration %s field %u malformed", e->name, j);
        for (uint32_t j = 0; j < e->nmembers; j++)
            for (uint32_t k = 0; k < e->nfields; k++) {
                uint32_t v = e->members[j].values[k];
                if (v >= p->nconsts || !same_class(p->consts[v].type, e->fields[k].type))
                    return vfail(err, errlen, "enumeration %s member %u field %u malformed", e->name, j, k);
            }
    }
    return true;
}

static bool verify_interface(const bc_program *p, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const bc_input *x = &p->inputs[i];
        if (!tref_ok(p, x->type, x->tref))
            return vfail(err, errlen, "input %u has invalid type", i);
        if ((x->kmin != BC_NONE && x->kmin >= p->nconsts) || (x->kmax != BC_NONE && x->kmax >= p->nconsts))
            return vfail(err, errlen, "input %s has a bound out of range", x->name);
        if ((x->pmin != BC_NONE && (x->pmin >= p->nparams || x->kmin == BC_NONE)) ||
            (x->pmax != BC_NONE && (x->pmax >= p->nparams || x->kmax == BC_NONE)))
            return vfail(err, errlen, "input %s names a bound's parameter out of range", x->name);
    }
    for (uint32_t i = 0; i < p->nparams; i++) {
        const bc_param *x = &p->params[i];
        if (!tref_ok(p, x->type, x->tref) || x->dated > 1)
            return vfail(err, errlen, "parameter %u malformed", i);
        if (x->nversions == 0 || (!x->dated && x->nversions != 1))
            return vfail(err, errlen, "parameter %s has %u versions", x->name, x->nversions);
        for (uint32_t j = 0; j < x->nversions; j++) {
            const bc_version *v = &x->versions[j];
            if (v->k >= p->nconsts || v->from > v->to)
                return vfail(err, errlen, "parameter %s version %u malformed", x->name, j);
            if ((v->from != BC_OPEN_LO && !day_ok(v->from)) || (v->to != BC_OPEN_HI && !day_ok(v->to)))
                return vfail(err, errlen, "parameter %s version %u has a date outside the years %d..%d", x->name, j,
                             CD_MIN_YEAR, CD_MAX_YEAR);
            if (v->unstated > 1 || (v->unstated && p->consts[v->k].type != PT_TEXT))
                return vfail(err, errlen, "parameter %s version %u malformed", x->name, j);
            if (!v->unstated && !same_class(p->consts[v->k].type, x->type))
                return vfail(err, errlen, "parameter %s version %u has a value of another type", x->name, j);
            if (j > 0 && v->from <= x->versions[j - 1].to)
                return vfail(err, errlen, "parameter %s versions overlap or are unsorted", x->name);
            for (uint32_t k = 0; k < v->nsources; k++)
                if (!v->inferred || v->sources[k].param >= p->nparams ||
                    v->sources[k].version >= p->params[v->sources[k].param].nversions)
                    return vfail(err, errlen, "parameter %s version %u names a source out of range", x->name, j);
        }
    }
    return true;
}

static bool text_k_ok(const bc_program *p, uint32_t k)
{
    return k == BC_NONE || (k < p->nconsts && p->consts[k].type == PT_TEXT);
}

static bool verify_tests(const bc_program *p, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < p->ntests; i++) {
        const bc_test *t = &p->tests[i];
        for (uint32_t j = 0; j < t->ngiven; j++)
            if (t->given[j].index >= p->ninputs ||
                (t->given[j].rule == BC_NONE ? t->given[j].k >= p->nconsts
                                             : t->given[j].rule >= p->nrules || p->rules[t->given[j].rule].nargs != 0))
                return vfail(err, errlen, "test %u input out of range", i);
        for (uint32_t j = 0; j < t->nexpect; j++)
            if (t->expect[j].index >= p->nrules || t->expect[j].stated > 1 || !text_k_ok(p, t->expect[j].cite_k) ||
                t->expect[j].want > BC_WANT_UNSTATED ||
                (t->expect[j].want != BC_WANT_VALUE
                     ? !text_k_ok(p, t->expect[j].k) || t->expect[j].rule != BC_NONE
                     : t->expect[j].rule == BC_NONE ? t->expect[j].k >= p->nconsts
                                                    : t->expect[j].rule >= p->nrules || p->rules[t->expect[j].rule].nargs != 0 ||
                                                          p->rules[t->expect[j].index].nargs != 0))
                return vfail(err, errlen, "test %u expectation out of range", i);
        if (t->expect_error > 1 || !text_k_ok(p, t->error_k))
            return vfail(err, errlen, "test %u error expectation malformed", i);
    }
    return true;
}

static bool verify_rules(bc_program *p, char *err, size_t errlen)
{
    uint32_t prev_end = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const bc_rule *x = &p->rules[i];
        if (!tref_ok(p, x->type, x->tref) || x->is_output > 1 || x->is_constraint > 1 ||
            (x->is_constraint && (x->is_output || (x->type != PT_BOOL && x->type != PT_INT))) ||
            (x->nargs && (x->is_output || x->is_constraint)))
            return vfail(err, errlen, "rule %u malformed", i);
        if (x->entry < prev_end || x->entry >= x->end || x->end > p->ncode)
            return vfail(err, errlen, "rule %s code block [%u,%u) out of order or range", x->name, x->entry, x->end);
        prev_end = x->end;
        if (!verify_block(p, i, err, errlen))
            return false;
        p->rules[i].local_base = p->nlocals;
        p->nlocals += x->nlocals;
        if (p->nlocals > 65536)
            return vfail(err, errlen, "too many local slots");
    }
    return true;
}

bool bc_verify(bc_program *p, char *err, size_t errlen)
{
    p->max_stack = 0;
    p->nlocals = 0;
    if (!p->name) /* the compiler always writes one; the runtime prints it */
        return vfail(err, errlen, "the policy has no title");
    if (!verify_types(p, err, errlen) || !verify_interface(p, err, errlen) || !verify_tests(p, err, errlen) ||
        !verify_rules(p, err, errlen))
        return false;
    for (uint32_t i = 1; i < p->nlines; i++)
        if (p->lines[i].pc < p->lines[i - 1].pc)
            return vfail(err, errlen, "line table unsorted");
    return true;
}
