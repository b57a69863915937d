/* vm.h -- the evaluator: runs a verified bc_program on one scenario.
 *
 * A vm_state holds one scenario's inputs, the rules' memoised values and the
 * value stack; it is reused from scenario to scenario (vm_reset) so that a
 * batch allocates nothing per record.  Rules are evaluated lazily: an output
 * asks for the rules it uses, each computed at most once.  When `trace` is
 * on, every parameter lookup is logged (which version, for which date) so
 * that explanations can cite the version behind each number.
 *
 * Shares its contract with: runtime/vm.c, runtime/bytecode.h (the program and
 * opcodes.h), runtime/pol.c (the library API over it).
 *
 * Ownership: vm_new() borrows the program, which must outlive the state and
 * must have passed bc_verify().
 */
#ifndef POL_VM_H
#define POL_VM_H

#include "bytecode.h"

typedef struct vm_val {
    uint8_t t;   /* pol_type of the value; numeric kinds share `d`           */
    int32_t i;   /* BOOL, DATE, MONTH                                        */
    dec_t d;     /* numeric                                                  */
    const char *s; /* TEXT (borrowed from the program or the state)          */
    uint32_t tref; /* RECORD/LIST: the record type                            */
    void *ref;     /* RECORD: vm_val[nfields]; LIST: vm_list*; owned by an arena */
} vm_val;

typedef struct vm_list {
    uint32_t n, cap;
    vm_val *items;   /* records (PT_RECORD values)                           */
} vm_list;

/* Memory for records and lists of one scenario: freed all at once by
 * vm_reset (inputs' lists are built in it too, by runtime/pol.c). */
typedef struct vm_heap {
    struct vm_heap_block *blocks;
    struct vm_heap_chunk *chunks; /* the memory blocks are cut from, the current one first */
    struct vm_heap_chunk *spare;  /* chunks emptied by a reset, kept for the next scenario */
    size_t bytes, limit;   /* limit: bytes one scenario may use (0: 256 MiB) */
} vm_heap;

/* Allocates n values (dec-initialised, VOID) in the heap; NULL past the limit. */
vm_val *vm_heap_vals(vm_heap *h, size_t n);
vm_list *vm_heap_list(vm_heap *h);
/* n bytes of scratch memory (for text values); NULL past the limit. */
char *vm_heap_bytes(vm_heap *h, size_t n);
/* Appends v (copied) to l; false past the limit. */
bool vm_list_append(vm_heap *h, vm_list *l, const vm_val *v);
void vm_copy_val(vm_val *dst, const vm_val *src);

/* What stopped an evaluation.  Only VM_FAIL_ERROR is a fault: the others
 * are answers the policy gives on purpose (docs/language.md, "Evaluation"). */
typedef enum {
    VM_FAIL_ERROR = 0, /* a runtime error: no version, division by zero, a missing input, ... */
    VM_FAIL_NA,        /* not applicable: a `when` condition is false, or `inapplicable`     */
    VM_FAIL_UNSTATED,  /* the notice does not state the value (`unstated "..."`)             */
    VM_FAIL_REQUIRE    /* an input's bound or a requirement on an input that was read fails  */
} vm_fail_kind;

typedef struct vm_error {
    uint32_t rule;   /* rule being evaluated, or BC_NONE                     */
    uint32_t input;  /* a missing input (or one whose bound fails), or BC_NONE */
    uint32_t guard;  /* VM_FAIL_REQUIRE: the requirement not met, or BC_NONE (a bound) */
    uint8_t kind;    /* vm_fail_kind                                          */
    bc_pos pos;      /* position of the failing instruction in the source    */
    char msg[400];   /* English: what pol_error.msg gets                     */
    char text[400];  /* msg in the process's language, "" when English (lang.h) */
    uint32_t na_k, na_origin; /* VM_FAIL_NA: the reason's text constant and the rule it is in
                                 (msg and text follow from them, the rule and the language) */
} vm_error;

typedef struct vm_lookup {  /* one parameter lookup, for explanations        */
    uint32_t rule, param, version;
    int32_t date;           /* the date asked for (dated parameters)         */
} vm_lookup;

/* A step of an evaluation worth explaining, logged only when `trace` is on
 * (pol_eval_set_trace): runtime/explain.c builds the explanation from them.
 * Values are copies in vm_state.tvals (index `val`); parameter lookups stay
 * in `log`, and `nlog` says how many had been logged before this event. */
typedef enum {
    VM_EV_CALL = 0, /* rule (the caller) calls function a with b arguments tvals[val..val+b) */
    VM_EV_MEMO,     /* the same, answered from the function cache: result in tvals[val+b] */
    VM_EV_RET,      /* function `rule` returns tvals[val]                        */
    VM_EV_NA,       /* function `rule` is not applicable: reason text constant a  */
    VM_EV_ROUND,    /* at pc: tvals[val] rounded to (int32)a places in mode b is tvals[val+1] */
    VM_EV_BRANCH,   /* at pc (a JMPF with a forward JMP before its target): condition a (0/1) */
    VM_EV_ARM,      /* at pc (an ARM): the arm of the match a (its local slot) is taken, for the member tvals[val] */
    VM_EV_ARMVAL,   /* at pc (an ARMVAL): that arm's value is tvals[val] (none when the arm is not applicable or stops) */
    VM_EV_KEYED     /* at pc: the a records of list record type b whose field (code[pc+2]) equals tvals[val],
                     * tvals[val+1..val+1+a) (the list's own records: their field arrays are the list's) */
} vm_event_kind;

typedef struct vm_event {
    uint8_t kind;
    uint32_t rule, a, b, pc, val, nlog;
} vm_event;

#define VM_TRACE_MAX (1u << 20) /* events (and values) kept per scenario; then `lost` counts */

/* rstate values; VM_NA: evaluated and not applicable (its reason in na_k). */
enum { VM_UNSET = 0, VM_BUSY = 1, VM_DONE = 2, VM_NA = 3 };

typedef struct vm_state {
    const bc_program *p;
    vm_val *inputs;        /* ninputs; t == PT_VOID means not given          */
    vm_val *rules;         /* nrules memoised values                         */
    uint8_t *rstate;       /* VM_UNSET/BUSY/DONE per rule                    */
    vm_val *stack;         /* p->max_stack * (nrules + 1) slots              */
    uint32_t stack_cap;
    uint32_t *frames;      /* 4 words per nested evaluation: return pc, caller, caller's base, flags */
    uint32_t nframes, frames_cap;
    /* Functions that call themselves (a month's state from the month
     * before): selfrec[r] is set for them at load.  A call to one that is
     * already running saves its local slots here, and its return puts them
     * back; the stack and the frames grow for them, up to VM_MAX_DEPTH. */
    uint8_t *selfrec;
    bool any_selfrec;
    vm_val *saved;
    uint32_t nsaved, saved_cap;
    uint32_t *na_k;        /* per rule in VM_NA: the text constant saying why */
    uint32_t *na_cite;     /* ... and the rule whose clause it cites         */
    struct vm_na_memo **na_memo; /* per rule: its last not-applicable message, made once */
    /* Requirement scoping: the first read of input i checks its bounds and
     * the requirements that refer to it (guards[guard_at[i]..guard_at[i+1]]);
     * index ninputs holds the requirements that refer to no input, checked
     * before any rule.  in_ok[i]: 0 unchecked, 1 bounds held, 2 all held;
     * a scenario starts from in_ok0 (2 where there is nothing to check). */
    uint32_t *guard_at, *guards;
    uint8_t *in_ok, *in_ok0;
    vm_val *locals;        /* p->nlocals slots: each rule's loop variables   */
    vm_heap heap;          /* records and lists of the current scenario      */
    struct vm_keyidx *kix; /* KEYED: the indexes built this scenario         */
    uint32_t nkix, kixcap;
    struct vm_memo *memo;  /* function results by arguments, this scenario   */
    uint32_t memo_cap, memo_n;
    uint32_t memo_gen;     /* an entry is in use when its `used` is this scenario's generation */
    struct vm_dense **dense; /* per rule: results of a one-argument function of a month, a date or an integer, by argument */
    uint32_t dense_n;      /* entries put there this scenario                */
    bool trace;
    vm_lookup *log;
    uint32_t nlog, logcap;
    vm_event *ev;          /* trace only: calls, rounds, branches (see above) */
    uint32_t nev, evcap;
    vm_val arm_member;     /* trace only: the member the last SWITCH popped (the next ARM logs it) */
    vm_val *tvals;         /* their values (dec-initialised up to tvcap)     */
    uint32_t ntv, tvcap;
    uint32_t lost;         /* events not kept past VM_TRACE_MAX             */
    uint64_t steps, max_steps; /* evaluation steps, and the limit (0: none)  */
} vm_state;

vm_state *vm_new(const bc_program *p);
void vm_free(vm_state *s);
/* Forget inputs and rule values: ready for the next scenario. */
void vm_reset(vm_state *s);
/* Evaluate rule r (and what it needs).  0 on success, with the value in
 * s->rules[r]; -1 with *err on a runtime error. */
int vm_eval(vm_state *s, uint32_t r, vm_error *err);
/* vm_eval, except that when r is not applicable err->msg and err->text are
 * left unset: vm_na_message() fills them from err->rule, na_k and
 * na_origin.  For a caller that still holds the message of the last time
 * (pol_eval_run: an output of another scheme, record after record). */
int vm_eval_na_lazy(vm_state *s, uint32_t r, vm_error *err);

/* Evaluates rules[*done] as vm_eval_na_lazy() does and, if it has a value,
 * goes on in the same run with the rules after it, as long as each is one
 * not yet evaluated (so a policy's outputs cost one entry into the VM, not
 * one each).  On return rules[start..*done) have their values; 0: nothing
 * failed (*done == n, or rules[*done] is evaluated already, or does not
 * apply: call again for it); else rules[*done] failed, with err (as
 * vm_eval_na_lazy: a rule that does not apply has no message yet).  The
 * rules are rules of no arguments. */
int vm_eval_roots(vm_state *s, const uint32_t *rules, uint32_t n, uint32_t *done, vm_error *err);
void vm_na_message(vm_state *s, vm_error *err);

/* Set input i from a program constant (used by the policy's own tests). */
void vm_set_input_const(vm_state *s, uint32_t i, const bc_const *k);

/* Exact equality of a value and a constant of a compatible type. */
bool vm_equal_const(const vm_val *v, const bc_const *k);

/* Canonical text of a value of type t, printed with at least `places`
 * fractional digits for numbers.  Returns false (and text explaining why)
 * when a number has no finite decimal expansion. */
bool vm_value_text(const vm_val *v, int places, char *buf, size_t cap);

#endif
