/* bciter.h -- the one way to walk a block of code, instruction by instruction.
 *
 * Lengths come from the opcode list (runtime/opcodes.h, bc_op_len).  Used by
 * the verifier (runtime/verify.c), the disassembler (runtime/disasm.c) and
 * the explanations (runtime/pol.c, rule_deps); the VM (runtime/vm.c) uses
 * the same generated lengths as constants.  The iterator never reads past
 * `end`: an unknown opcode is one word long, and an instruction whose
 * operands run past `end` is reported by bc_iter_truncated() (its operands
 * must then not be read); the walk stops at `end` either way.
 *
 *     for (bc_iter it = bc_iter_begin(code, entry, end); bc_iter_more(&it); bc_iter_next(&it))
 *         ... it.pc, it.op, it.len, bc_iter_arg(&it, k) ...
 */
#ifndef POL_BCITER_H
#define POL_BCITER_H

#include <stdbool.h>
#include <stdint.h>

#include "bytecode.h"

typedef struct bc_iter {
    const uint32_t *code;
    uint32_t pc, end; /* current instruction; end of the block          */
    uint32_t op;      /* its opcode word (may be >= OP__COUNT)          */
    uint32_t len;     /* its length in words (1 for an unknown opcode)  */
} bc_iter;

static inline void bc_iter_decode_(bc_iter *it)
{
    if (it->pc < it->end) {
        it->op = it->code[it->pc];
        it->len = it->op < OP__COUNT ? bc_op_len[it->op] : 1;
    }
}

static inline bc_iter bc_iter_begin(const uint32_t *code, uint32_t from, uint32_t end)
{
    bc_iter it = {code, from, end, 0, 1};
    bc_iter_decode_(&it);
    return it;
}

static inline bool bc_iter_more(const bc_iter *it) { return it->pc < it->end; }

static inline void bc_iter_next(bc_iter *it)
{
    it->pc = it->len > it->end - it->pc ? it->end : it->pc + it->len;
    bc_iter_decode_(it);
}

static inline bool bc_iter_known(const bc_iter *it) { return it->op < OP__COUNT; }

/* The instruction's operands run past the end of the block. */
static inline bool bc_iter_truncated(const bc_iter *it) { return it->len > it->end - it->pc; }

/* Operand k (from 0); only when k + 1 < len and not truncated. */
static inline uint32_t bc_iter_arg(const bc_iter *it, uint32_t k) { return it->code[it->pc + 1 + k]; }

/* Values the (known, complete) instruction pops; MKREC and CALL take it from
 * their operands, the rest from the opcode list.  Indices must be checked. */
static inline uint32_t bc_iter_pops(const bc_program *p, const bc_iter *it)
{
    int pops = bc_op_pops(it->op);
    if (pops != BC_POPS_VAR)
        return (uint32_t)pops;
    return it->op == OP_MKREC ? p->records[bc_iter_arg(it, 0)].nfields : bc_iter_arg(it, 1);
}

#endif
