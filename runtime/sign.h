/* sign.h -- signed policies: Ed25519 keys and signatures (libsodium).
 *
 * A bureau makes a key pair (pol_key_generate: NAME.key, secret, mode 0600;
 * NAME.pub, public) and signs what polc builds (pol_sign_append appends the
 * trailer of docs/bytecode.md#signature); a service trusts a directory of
 * *.pub files (pol_trust_load_dir, in pol.h) and loads through
 * pol_sig_accept, which refuses a file unsigned, changed after signing, or
 * signed by a key it does not trust.  The key files' text format and the
 * procedures are docs/signing.md.  sodium_init runs once, on first use, from
 * any thread (pthread_once).
 *
 * Ownership: a pol_signing_key is the caller's (on its stack, say), wiped by
 * pol_signing_key_wipe; nothing here keeps a pointer to it.  pol_trust is
 * pol.h's: new from pol_trust_load_dir, freed by pol_trust_free, immutable
 * in between, so threads may share it.
 *
 * Shares its contract with runtime/sign.c, runtime/pol.h (pol_trust_*,
 * pol_policy_load_trusted), runtime/bytecode.h (the trailer's layout),
 * docs/signing.md.
 */
#ifndef POL_SIGN_H
#define POL_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytecode.h"
#include "pol.h"

#define POL_KEY_ID_CHARS 16  /* a key id: the public key's first 8 bytes in hex */
#define POL_KEY_FILE_MAX 4096 /* a key file is two short lines               */

/* The first lines of the two key files (docs/signing.md). */
#define POL_PUBLIC_KEY_HEADER "pol ed25519 public key"
#define POL_SECRET_KEY_HEADER "pol ed25519 secret key"

typedef struct pol_signing_key {
    uint8_t sk[64];                  /* libsodium's secret key: seed, then public key */
    uint8_t pk[BC_SIG_KEY_BYTES];
} pol_signing_key;

/* The key id of a public key, as messages and polc print it. */
void pol_key_id(const uint8_t key[BC_SIG_KEY_BYTES], char out[POL_KEY_ID_CHARS + 1]);

/* Makes a new key pair and writes BASE.key (the secret, mode 0600) and
 * BASE.pub; neither may exist already.  True with the key id in `id`, or
 * false with a message (and neither file left behind). */
bool pol_key_generate(const char *base, char id[POL_KEY_ID_CHARS + 1], char *err, size_t errlen);

/* Reads a secret key file, which no other user may read or write.  True,
 * or false with a message and errno set when the file cannot be read, 0
 * when it is not a pol secret key or is open to other users. */
bool pol_signing_key_load(const char *path, pol_signing_key *k, char *err, size_t errlen);
void pol_signing_key_wipe(pol_signing_key *k);

/* Signs the bytecode file in *buf (bc_write's output; realloc'd): appends
 * the trailer with k's public key and the signature of every byte before
 * the signature. */
void pol_sign_append(uint8_t **buf, size_t *len, const pol_signing_key *k);

/* bc_read_accept's hook.  ctx is a const pol_trust * or NULL.  A signed
 * file's signature must verify with the key it names, trusted or not; with
 * a trust set the file must also be signed, by one of its keys.  True, or
 * false with the message. */
bool pol_sig_accept(const uint8_t *data, const bc_trailer *t, void *ctx, char *err, size_t errlen);

#endif
