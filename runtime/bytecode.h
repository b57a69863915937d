/* bytecode.h -- a compiled policy in memory, and its file format.
 *
 * bc_program is what the code generator (compiler/codegen.c) builds and what
 * the VM (runtime/vm.c) runs: constants, the policy's interface (inputs,
 * parameters with dated versions, rules and outputs), its tests, the code
 * words and a position table mapping code to `file:line:col`.  bc_write()
 * serialises it deterministically (same program, same bytes); bc_read()
 * parses a file defensively and bc_verify() checks every index, jump target
 * and stack depth before anything runs.  The format is documented in
 * docs/bytecode.md; the opcodes are listed once, in runtime/opcodes.h.
 *
 * Ownership: a bc_program owns all its strings and arrays, and they all come
 * from its one arena (p->arena, a pol_arena from runtime/mem.h), whether the
 * code generator built it (compiler/codegen.c) or bc_read() read it; the
 * only other resources are the GMP parts of the constants' numbers.
 * bc_free() clears those, frees the arena at once and then the bc_program.
 * Whoever edits a program in place (tests, fuzzers) allocates any new string
 * or array in p->arena and never frees a piece.  bc_read() returns a new
 * program or NULL with a message in err.
 */
#ifndef POL_BYTECODE_H
#define POL_BYTECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dec.h"
#include "mem.h"
#include "opcodes.h"

#define BC_MAGIC "\x7fPOL"      /* 4 bytes                                    */
#define BC_PROBE "\r\n\x1a\n"   /* catches text-mode and line-ending mangling */
/* The reason OP_NA gives for `output X when COND`: "X" BC_NA_WHEN "COND"
 * (codegen.c writes it; vm.c finds it to put its words in the reader's
 * language). */
#define BC_NA_WHEN " applies only when "
#define BC_VERSION 5u           /* bump on any incompatible change (docs/bytecode.md) */

#include "types.h" /* pol_type, pol_type_name, pol_type_numeric */

#define BC_OPEN_LO INT32_MIN           /* version range with no start       */
#define BC_OPEN_HI INT32_MAX           /* version range with no end         */
#define BC_NONE UINT32_MAX             /* "no index"                        */
#define BC_MAX_STACK 1024              /* values on one rule's stack (bc_verify) */
#define BC_MAX_ARGS (BC_MAX_STACK / 2) /* a function's parameters: the checker's
                                        * limit, leaving room for its call sites */

typedef struct bc_pos { uint32_t line, col, file; } bc_pos; /* file: index in bc_program.files */

typedef struct bc_const {
    uint8_t type;      /* pol_type                                           */
    uint32_t tref;     /* ENUM: which enumeration; i is the member index      */
    dec_t num;         /* numeric types                                      */
    int32_t i;         /* BOOL (0/1), DATE (days), MONTH                      */
    char *text;        /* TEXT                                               */
} bc_const;

typedef struct bc_input {
    char *name;
    uint8_t type;
    uint32_t tref;        /* ENUM: which enumeration                          */
    uint32_t kmin, kmax;  /* constants bounding the value, or BC_NONE        */
    uint32_t pmin, pmax;  /* the undated parameter a bound names, or BC_NONE */
    char *cite, *doc;
    bc_pos pos;
} bc_input;

typedef struct bc_source { uint32_t param, version; } bc_source; /* a version an inferred value was derived from */

typedef struct bc_version {
    int32_t from, to;     /* inclusive day numbers, BC_OPEN_LO/BC_OPEN_HI     */
    uint32_t k;           /* constant holding the value (unstated: the note)  */
    uint8_t unstated;     /* the notice does not state this version's value   */
    char *cite;
    bc_pos pos;
    char *inferred;       /* NULL: stated by the notice; else how it was derived */
    uint32_t nsources;
    bc_source *sources;   /* inferred: the parameter versions it was derived from */
} bc_version;

typedef struct bc_param {
    char *name;
    uint8_t type;
    uint32_t tref;
    uint8_t dated;        /* looked up by date (PARAM_AT) or not (PARAM)      */
    uint32_t nversions;
    bc_version *versions; /* sorted by `from`, non-overlapping                */
    char *cite, *doc;
    bc_pos pos;
} bc_param;

typedef struct bc_rule {
    char *name;
    uint8_t type;
    uint32_t tref;
    uint32_t nlocals;     /* local slots (parameters, loop variables) its code uses */
    uint32_t nargs;       /* a function: its parameters, in local slots 0..nargs-1 */
    uint32_t local_base;  /* computed at load: first slot in the local area   */
    uint8_t is_output;
    uint8_t is_constraint; /* a `require`: must be true before outputs are given */
    uint8_t places;       /* outputs: minimum fractional digits when printed  */
    uint32_t entry, end;  /* code block [entry, end)                         */
    char *cite, *doc;
    char *formula;        /* the formula's source text, for explanations      */
    char *when;           /* `when COND`: the condition's text, or NULL        */
    bc_pos pos;
} bc_rule;

typedef struct bc_assign {
    uint32_t index, k;
    bc_pos pos;
    uint8_t stated;       /* expectations: a figure the notice states; a mismatch is a finding */
    uint32_t cite_k;      /* stated: text constant with the clause, or BC_NONE */
    uint32_t rule;        /* a (hidden) rule computing the value (a given list, an expected list),
                             used instead of k when not BC_NONE */
    uint8_t want;         /* expectations: BC_WANT_*; NA/UNSTATED: k is BC_NONE or text the message contains */
} bc_assign;

enum { BC_WANT_VALUE = 0, BC_WANT_NA = 1, BC_WANT_UNSTATED = 2 };

typedef struct bc_test {
    char *name;
    bc_pos pos;
    uint8_t expect_error; /* the scenario must be rejected ...               */
    uint32_t error_k;     /* ... with a message containing text K (or BC_NONE) */
    uint32_t ngiven, nexpect;
    bc_assign *given;     /* input index := constant                         */
    bc_assign *expect;    /* rule index must equal constant (or, stated, is reported) */
} bc_test;

typedef struct bc_finding {  /* `finding "..."`: a problem of the notice that is not a number */
    char *text, *cite, *doc;
    bc_pos pos;
} bc_finding;

typedef struct bc_lineinfo { uint32_t pc; bc_pos pos; } bc_lineinfo;

typedef struct bc_meta { char *key, *value; } bc_meta;

typedef struct bc_field { char *name; uint8_t type; uint32_t tref; } bc_field;

typedef struct bc_member {
    char *name;
    uint32_t *values;     /* one constant per field of the enumeration        */
    char *cite;
    bc_pos pos;
} bc_member;

typedef struct bc_record {   /* a record type: named, typed fields */
    char *name;
    uint32_t nfields;
    bc_field *fields;
    char *cite;
    bc_pos pos;
} bc_record;

typedef struct bc_enum {
    char *name;
    uint32_t nfields, nmembers;
    bc_field *fields;
    bc_member *members;
    char *cite;
    bc_pos pos;
} bc_enum;

typedef struct bc_program {
    char *name;           /* the policy's title                              */
    char *source;         /* the .pol file name it was compiled from         */
    uint32_t nfiles;
    char **files;         /* source and imported files; bc_pos.file indexes it */
    uint32_t nmeta;
    bc_meta *meta;        /* region, issuer, document, date, ...             */
    uint32_t nconsts, ninputs, nparams, nrules, ntests, ncode, nlines, nenums, nrecords;
    bc_enum *enums;
    bc_record *records;
    bc_const *consts;
    bc_input *inputs;
    bc_param *params;
    bc_rule *rules;
    bc_test *tests;
    uint32_t nfindings;
    bc_finding *findings;
    uint32_t *code;
    bc_lineinfo *lines;   /* sorted by pc; position of code from pc onward   */
    uint32_t max_stack;   /* filled by bc_verify                             */
    uint32_t nlocals;     /* filled by bc_verify: all rules' local slots     */
    pol_arena arena;      /* owns every array and string above            */
} bc_program;

void bc_free(bc_program *p);

/* Serialise p to a malloc'd buffer (*out, *len).  Deterministic. */
void bc_write(const bc_program *p, uint8_t **out, size_t *len);
/* Writes a correct 24-byte header (magic, probe, version, payload length,
 * hash) in front of the payload buf[24..len); len >= 24.  bc_write uses it;
 * so do tests and fuzzers that mutate a payload to reach the verifier. */
void bc_seal(uint8_t *buf, size_t len);
/* ---- the signature trailer (docs/bytecode.md#signature) ----
 * An optional 104 bytes after the payload: marker, algorithm, the signer's
 * Ed25519 public key, and the signature over every byte before it (header,
 * payload, marker, algorithm, key).  This file only lays it out and finds
 * it; runtime/sign.c holds the cryptography (libsodium). */
#define BC_SIG_MARKER "\x7fSIG"   /* 4 bytes, right after the payload        */
#define BC_SIG_ED25519 1u          /* the one algorithm                       */
#define BC_SIG_KEY_BYTES 32        /* an Ed25519 public key                   */
#define BC_SIG_BYTES 64            /* an Ed25519 signature                    */
#define BC_TRAILER_BYTES (4 + 4 + BC_SIG_KEY_BYTES + BC_SIG_BYTES)

typedef struct bc_trailer {
    bool present;          /* false: the file is unsigned                     */
    size_t end;            /* the payload's end: 24 + its length              */
    size_t signed_len;     /* the bytes the signature covers: data[0..signed_len) */
    const uint8_t *key;    /* BC_SIG_KEY_BYTES, inside the file's bytes       */
    const uint8_t *sig;    /* BC_SIG_BYTES, inside the file's bytes           */
} bc_trailer;

/* Checks the header (magic, probe, version, payload length, hash) and the
 * form of the trailer, if there is one, and describes it in *t (pointers
 * into data).  True, or false with a message. */
bool bc_envelope(const uint8_t *data, size_t len, bc_trailer *t, char *err, size_t errlen);
/* Appends a trailer naming `key` to the file in *buf (realloc'd; *len
 * grows by BC_TRAILER_BYTES), its signature bytes zero: the signer
 * (runtime/sign.c) fills the last BC_SIG_BYTES with the signature of the
 * bytes before them. */
void bc_trailer_append(uint8_t **buf, size_t *len, const uint8_t key[BC_SIG_KEY_BYTES]);

/* Parse a buffer; returns NULL and writes a message into err on any defect.
 * A trailer's form is checked, its signature is not (bc_read_accept). */
bc_program *bc_read(const uint8_t *data, size_t len, char *err, size_t errlen);
/* bc_read with a hook run after the envelope is checked and before any of
 * the payload is parsed: accept(data, t, ctx, ...) may refuse the file
 * (false, with a message in err).  libpol checks signatures with it, so
 * that an untrusted payload is never parsed. */
typedef bool bc_accept_fn(const uint8_t *data, const bc_trailer *t, void *ctx, char *err, size_t errlen);
bc_program *bc_read_accept(const uint8_t *data, size_t len, bc_accept_fn *accept, void *ctx, char *err,
                           size_t errlen);
/* Check indices, jump targets, block structure and stack depth; fills
 * p->max_stack.  Returns true, or false with a message. */
bool bc_verify(bc_program *p, char *err, size_t errlen);

/* Operand kinds, stack effect and name of an opcode (from opcodes.h). */
const char *bc_op_name(uint32_t op);
const char *bc_op_operands(uint32_t op);
int bc_op_pops(uint32_t op);          /* BC_POPS_VAR: see bc_iter_pops (bciter.h) */
int bc_op_pushes(uint32_t op);
const char *bc_op_doc(uint32_t op);

/* Name of the file a position is in ("?" if out of range). */
const char *bc_file_name(const bc_program *p, bc_pos pos);

/* Position of the instruction at pc (from the line table). */
bc_pos bc_pos_at(const bc_program *p, uint32_t pc);

/* Human-readable listing of the whole program. */
void bc_disassemble(const bc_program *p, FILE *out);

/* Name of member i of enumeration e, or "?" when out of range. */
const char *bc_member_name(const bc_program *p, uint32_t e, int32_t i);

/* A version's range as "2025-01-01..2025-12-31", open ends left empty. */
void bc_range_text(int32_t from, int32_t to, char *buf, size_t cap);

/* A rate as it is written: 0.05 is "5%", 3 is "300%". */
void bc_rate_text(const dec_t *rate, char *buf, size_t cap);

/* Text of a constant for messages and listings (types formatted per kind). */
void bc_const_text(const bc_program *p, uint32_t k, char *buf, size_t cap);

#endif
