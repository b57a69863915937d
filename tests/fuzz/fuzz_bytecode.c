/* fuzz_bytecode.c -- the bytecode loader and verifier on arbitrary bytes.
 *
 * Every input is tried twice:
 *   1. as it is: bc_read_accept() with libpol's signature check (a signed
 *      file's trailer is parsed and its Ed25519 signature checked, as every
 *      load does) must reject it with a message or return a program; a
 *      program goes through bc_verify() and, if verified, is evaluated;
 *   2. re-sealed: bytes 24.. are taken as the payload and given a fresh,
 *      correct header (magic, probe, version, length, FNV-1a hash), so that a
 *      mutation reaches the section parser and the verifier instead of
 *      stopping at the checksum.  An input ending in what looks like a
 *      signature trailer (docs/bytecode.md#signature) keeps it after the
 *      re-sealed payload: the attack a signature must stop.
 * A verified program is evaluated through libpol (fz_exercise_policy), must
 * be written back by bc_write() into bytes that bc_read() and bc_verify()
 * accept, and its disassembly and interface must print.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "sign.h"

static void try_bytes(const uint8_t *data, size_t size, const uint8_t *seed, size_t seedlen)
{
    char err[600];
    err[0] = 0;
    bc_program *p = bc_read_accept(data, size, pol_sig_accept, NULL, err, sizeof err);
    if (!p) {
        if (!err[0])
            fz_fail("bc_read failed without a message");
        return;
    }
    err[0] = 0;
    pol_policy *pol = pol_policy_adopt(p, err, sizeof err); /* runs bc_verify */
    if (!pol) {
        if (!err[0])
            fz_fail("bc_verify failed without a message");
        return;
    }
    /* a verified program must round-trip through the writer */
    uint8_t *out = NULL;
    size_t outlen = 0;
    bc_write(pol_policy_program(pol), &out, &outlen);
    bc_program *q = bc_read(out, outlen, err, sizeof err);
    if (!q)
        fz_fail("bc_read rejects what bc_write wrote for a verified program: %s", err);
    if (!bc_verify(q, err, sizeof err))
        fz_fail("bc_verify rejects what bc_write wrote for a verified program: %s", err);
    bc_free(q);
    free(out);
    fz_exercise_policy(pol, seed, seedlen);
    pol_policy_free(pol);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try_bytes(data, size, data, size);

    size_t plen = size >= 24 ? size - 24 : size;
    size_t tail = plen >= BC_TRAILER_BYTES && !memcmp(data + size - BC_TRAILER_BYTES, BC_SIG_MARKER, 4)
                      ? BC_TRAILER_BYTES
                      : 0; /* a trailer, kept out of the payload */
    plen -= tail;
    if (plen > UINT32_MAX)
        return 0;
    uint8_t *sealed = malloc(plen + tail + 24);
    if (!sealed)
        return 0;
    if (plen + tail)
        memcpy(sealed + 24, data + (size - plen - tail), plen + tail);
    bc_seal(sealed, plen + 24);
    try_bytes(sealed, plen + tail + 24, data, size);
    free(sealed);
    return 0;
}
