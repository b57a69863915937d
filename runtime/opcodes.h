/* opcodes.h -- THE list of pol's opcodes.  Everything else expands it.
 *
 * OP(NAME, operands, pops, pushes, doc): `operands` holds one kind letter
 * per 32-bit operand word after the opcode word; `pops`/`pushes` are the
 * stack effect the verifier checks (runtime/verify.c), the disassembler
 * prints (runtime/disasm.c) and the VM relies on (runtime/vm.c).  The doc string says
 * operands, then effect, as Lua's lopcodes.h does.
 *
 * Notes
 *  - Code is an array of uint32 words.  Each rule's code is one block that
 *    starts at its entry with an empty stack and ends in RET with one value.
 *  - Jump targets are absolute word indices and must stay inside the block.
 *  - Every value carries a tag; each opcode checks the tags it needs, so even
 *    a verified-but-hostile file yields an error, never a crash.
 *  - Operand kinds (for the verifier): K constant, I input, P parameter,
 *    R rule, T jump target, N rounding places (a signed number), M a rounding
 *    mode, E enum, F field of the enum or record type named by the preceding
 *    E or G operand, L local slot of the rule the code belongs to, G record
 *    type, A argument count (of the function named by the preceding R),
 *    D a month-end rule (cd_month_end: down, up, strict), W what a KEYED
 *    index keys on (0 the field itself, 1 the month of a date field, 2 the
 *    year of a date or month field), Y the type of a list's values
 *    (pol_type, one pol_list_elem_ok accepts).
 *  - An instruction is 1 + strlen(operands) words: BC_OPLEN_<NAME> and
 *    bc_op_len[] below are generated from this list (compile-time constants;
 *    the VM advances pc by them, never by a hand-written number).
 *  - `pops` BC_POPS_VAR: MKREC pops its record type's field count, CALL its
 *    argument count A; bc_iter_pops() (runtime/bciter.h) computes both.
 *  - RET in a function (a rule with parameters) returns without memoising.
 *  - FAIL, NA and UNSTATED end the evaluation; NA is caught by the nearest
 *    APPLIC on the chain, which then pushes false (runtime/vm.c).
 *  - APPEND to a list of values (LISTVAL) takes a value of its type, or any
 *    number for a list of numbers (then of the list's kind); a list of
 *    records (LISTNEW) takes records of its type only.
 *  - ADD/SUB also move dates by days and months by months (date + integer,
 *    month - month = integer), as the checker types them.
 *  - SWITCH is followed by its table, one JMP per member of E (a match over
 *    an enumeration, a table looked up by a member): the VM jumps straight
 *    to the m-th JMP's target and never runs the table itself; the verifier
 *    checks that the table is there, inside the block, and takes the
 *    targets as SWITCH's successors.
 *    A match compiles to SWITCH, then each arm: ARM L, the arm's code,
 *    ARMVAL L (unless the arm is only inapplicable or unstated), JMP to the
 *    end (unless last); L is the match's local slot, naming the match to
 *    the explanations.
 */
#ifndef POL_OPCODES_H
#define POL_OPCODES_H

/* pops of MKREC and CALL: given by an operand (see above) */
#define BC_POPS_VAR (-1)

/*  name       operand kinds  pops pushes  doc */
#define POL_OPCODES(OP)                                                                   \
    OP(CONST,    "K",  0, 1, "K      push constant K")                                     \
    OP(INPUT,    "I",  0, 1, "I      push the scenario's value of input I")                \
    OP(PARAM,    "P",  0, 1, "P      push the value of undated parameter P")              \
    OP(PARAM_AT, "P",  1, 1, "P      pop date D; push P's version covering D (error if none)") \
    OP(RULE,     "R",  0, 1, "R      push rule R's value, evaluating R first if needed")  \
    OP(RET,      "R",  1, 0, "R      pop v; rule R := v; return to the caller, which pushes v") \
    OP(ADD,      "",   2, 1, "       pop b, a; push a + b")                                \
    OP(SUB,      "",   2, 1, "       pop b, a; push a - b")                                \
    OP(MUL,      "",   2, 1, "       pop b, a; push a * b")                                \
    OP(DIV,      "",   2, 1, "       pop b, a; push a / b, exact (error if b = 0)")       \
    OP(NEG,      "",   1, 1, "       pop a; push -a")                                      \
    OP(MIN,      "",   2, 1, "       pop b, a; push the smaller")                          \
    OP(MAX,      "",   2, 1, "       pop b, a; push the larger")                           \
    OP(ROUND,    "NM", 1, 1, "N M    pop a; push a rounded to N places (N<0: tens...) in mode M") \
    OP(EQ,       "",   2, 1, "       pop b, a; push a = b")                                \
    OP(NE,       "",   2, 1, "       pop b, a; push a != b")                               \
    OP(LT,       "",   2, 1, "       pop b, a; push a < b")                                \
    OP(LE,       "",   2, 1, "       pop b, a; push a <= b")                               \
    OP(GT,       "",   2, 1, "       pop b, a; push a > b")                                \
    OP(GE,       "",   2, 1, "       pop b, a; push a >= b")                               \
    OP(NOT,      "",   1, 1, "       pop boolean a; push not a")                           \
    OP(JMP,      "T",  0, 0, "T      jump to T")                                           \
    OP(JMPF,     "T",  1, 0, "T      pop boolean c; if c is false jump to T")             \
    OP(FAIL,     "K",  0, 0, "K      stop with the error message in text constant K")       \
    OP(FIELD,    "EF", 1, 1, "E F    pop a member of enum E; push its field F")              \
    OP(LOCAL,    "L",  0, 1, "L      push local slot L of the current rule")                \
    OP(SETLOCAL, "L",  1, 0, "L      pop v; local slot L := v")                              \
    OP(POP,      "",   1, 0, "       pop and discard")                                       \
    OP(APPLIED,  "K",  0, 0, "K      no effect; when tracing, log that the exception named by text K applied") \
    OP(MONTH_OF, "",   1, 1, "       pop date d; push the month of d")                       \
    OP(YEAR_OF,  "",   1, 1, "       pop date or month; push its year (integer)")           \
    OP(MONTH_NUM,"",   1, 1, "       pop date or month; push its month number 1..12")       \
    OP(DAY_OF,   "",   1, 1, "       pop date d; push its day of the month")                 \
    OP(MKDATE,   "",   3, 1, "       pop d, m, y; push the date y-m-d (error if no such day)") \
    OP(MKMONTH,  "",   2, 1, "       pop m, y; push the month y-m")                          \
    OP(FIRST_DAY,"",   1, 1, "       pop month m; push its first day")                      \
    OP(LAST_DAY, "",   1, 1, "       pop month m; push its last day")                       \
    OP(ADD_MONTHS,"D", 2, 1, "D      pop n, x; push date or month x moved by n months; a day the month lacks: rule D (down, up, strict)") \
    OP(RFIELD,   "GF", 1, 1, "G F    pop a record of type G; push its field F")             \
    OP(MKREC,    "G",  BC_POPS_VAR, 1, "G      pop the fields of record type G (first field deepest); push the record (pops: its field count)") \
    OP(LEN,      "",   1, 1, "       pop list; push its length")                             \
    OP(AT,       "",   2, 1, "       pop integer i, list l; push element i of l (from 0; error if out of range)") \
    OP(LISTNEW,  "G",  0, 1, "G      push an empty list of records of type G")               \
    OP(APPEND,   "",   2, 1, "       pop v, list l; push l with v appended")                 \
    OP(TOTEXT,   "",   1, 1, "       pop a date, month, number or boolean; push it as text")  \
    OP(CALL,     "RA", BC_POPS_VAR, 1, "R A    pop A arguments into function R's first local slots; push R's result (pops: A)") \
    OP(NA,       "K",  0, 0, "K      stop: the rule is not applicable, for the reason in text constant K (applicable() catches it)") \
    OP(UNSTATED, "K",  0, 0, "K      stop: the notice does not state this value; text constant K is its note") \
    OP(APPLIC,   "R",  0, 1, "R      evaluate rule R if needed; push true if it has a value, false if it is not applicable") \
    OP(CLAMP,    "",   3, 1, "       pop hi, lo, x; push x limited to lo..hi (error if lo > hi)") \
    OP(TOINT,    "M",  1, 1, "M      pop number a; push a rounded to a whole number in mode M, as an integer") \
    OP(WITHIN,   "",   3, 1, "       pop hi, lo, x; push lo <= x and x <= hi") \
    OP(ROUNDV,   "N",  2, 1, "N      pop rounding mode m, number a; push a rounded to N places in mode m") \
    OP(PARAM_IN, "P",  1, 1, "P      pop month or integer year Y; push P's version covering all of Y (error if none, or if P changes within Y)") \
    OP(KEYED,    "GFW", 2, 1, "G F W  pop key x, list l of G records; push the records of l whose field F (W: 0 itself, 1 its month, 2 its year) equals x, in l's order, from an index built once per list; l itself when x or a key cannot be indexed") \
    OP(LISTVAL,  "Y",  0, 1, "Y      push an empty list of values of type Y (a number kind, date, month, boolean or text)") \
    OP(SWITCH,   "E",  1, 0, "E      pop member m of enum E; jump to the target of the m-th of the JMPs that follow it (its table: one JMP per member of E, in order)") \
    OP(ARM,      "L",  0, 0, "L      no effect; when tracing, log that the arm of the match L starting here is taken, for the member the SWITCH before it popped") \
    OP(ARMVAL,   "L",  1, 1, "L      no effect (the arm's value stays on top); when tracing, log it as the value of the arm of the match L taken")

typedef enum {
#define POL_OP_ENUM(name, ops, pops, pushes, doc) OP_##name,
    POL_OPCODES(POL_OP_ENUM)
#undef POL_OP_ENUM
    OP__COUNT
} pol_opcode;

/* Instruction lengths in words (opcode + operands), as constants. */
enum {
#define POL_OP_LEN(name, ops, pops, pushes, doc) BC_OPLEN_##name = (int)sizeof(ops),
    POL_OPCODES(POL_OP_LEN)
#undef POL_OP_LEN
};

/* The same lengths as a table, for code that walks instructions. */
static const unsigned char bc_op_len[OP__COUNT] = {
#define POL_OP_LEN(name, ops, pops, pushes, doc) (unsigned char)sizeof(ops),
    POL_OPCODES(POL_OP_LEN)
#undef POL_OP_LEN
};

#endif
