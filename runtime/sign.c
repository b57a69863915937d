/* sign.c -- signed policies (sign.h): keys, key files, the trusted key set,
 * signing and checking the trailer.  The one file that calls libsodium.
 * Shares its contract with runtime/sign.h, runtime/pol.h, docs/signing.md.
 */
#include "sign.h"
#include "lang.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "mem.h"

_Static_assert(crypto_sign_PUBLICKEYBYTES == BC_SIG_KEY_BYTES, "an Ed25519 public key is 32 bytes");
_Static_assert(crypto_sign_BYTES == BC_SIG_BYTES, "an Ed25519 signature is 64 bytes");
_Static_assert(crypto_sign_SECRETKEYBYTES == sizeof ((pol_signing_key *)0)->sk, "libsodium's secret key is 64 bytes");

struct pol_trust {
    char *dir;  /* as given, for messages */
    size_t nkeys;
    uint8_t (*keys)[BC_SIG_KEY_BYTES];
};

/* ---- libsodium, initialised once from whichever thread comes first ---- */
static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_state; /* sodium_init's result: 0 or 1 ready, -1 failed */

static void sodium_start(void) { sodium_state = sodium_init(); }

static bool sodium_ready(char *err, size_t errlen)
{
    pthread_once(&sodium_once, sodium_start);
    if (sodium_state < 0) {
        pol_tr_format(pol_lang_get(), err, errlen, "libsodium cannot be initialised, so signatures cannot be checked");
        return false;
    }
    return true;
}

void pol_key_id(const uint8_t key[BC_SIG_KEY_BYTES], char out[POL_KEY_ID_CHARS + 1])
{
    sodium_bin2hex(out, POL_KEY_ID_CHARS + 1, key, POL_KEY_ID_CHARS / 2);
}

/* ---- key files: a header line, then the key in hex (docs/signing.md) ---- */

/* The next line of text[*at..len), without its "\n" or "\r\n". */
static const char *next_line(const char *text, size_t len, size_t *at, size_t *n)
{
    const char *s = text + *at;
    const char *nl = memchr(s, '\n', len - *at);
    size_t m = nl ? (size_t)(nl - s) : len - *at;
    *at += nl ? m + 1 : m;
    *n = m > 0 && s[m - 1] == '\r' ? m - 1 : m;
    return s;
}

/* Parses a key file's text (header, then `size` bytes in hex); true, or
 * false with "PATH: line N: ..." in err. */
static bool parse_key(const char *path, const char *text, size_t len, const char *header, uint8_t *out, size_t size,
                      char *err, size_t errlen)
{
    size_t at = 0, n;
    const char *line = next_line(text, len, &at, &n);
    if (n != strlen(header) || memcmp(line, header, n) != 0) {
        pol_tr_format(pol_lang_get(), err, errlen, "%s: line 1: not a pol key file: the first line must be '%s'", path, header);
        return false;
    }
    line = next_line(text, len, &at, &n);
    size_t got = 0;
    const char *end = NULL;
    if (n != size * 2 || sodium_hex2bin(out, size, line, n, NULL, &got, &end) != 0 || got != size ||
        end != line + n) {
        pol_tr_format(pol_lang_get(), err, errlen, "%s: line 2: the key must be %zu hexadecimal digits", path, size * 2);
        return false;
    }
    while (at < len) {
        line = next_line(text, len, &at, &n);
        if (n != 0) {
            pol_tr_format(pol_lang_get(), err, errlen, "%s: unexpected text after the key", path);
            return false;
        }
    }
    return true;
}

/* Reads a key file and parses it; true, or false with a message. */
static bool read_key(const char *path, const char *header, uint8_t *out, size_t size, char *err, size_t errlen)
{
    size_t len;
    char *text = pol_read_file(path, POL_KEY_FILE_MAX, &len);
    if (!text) {
        int e = errno;
        pol_tr_format(pol_lang_get(), err, errlen, "%s: %s", path,
                 e == EFBIG ? FRAG("too large for a key file")
                 : e == EISDIR ? FRAG("is a directory")
                               : pol_as_frag((char[96]){0}, 96, pol_file_error(e)));
        errno = e;
        return false;
    }
    bool ok = parse_key(path, text, len, header, out, size, err, errlen);
    sodium_memzero(text, len);
    free(text);
    errno = 0; /* read: any failure is the text's */
    return ok;
}

/* Writes a new file (never over an existing one) holding `header`, a
 * newline, `data` in hex and a newline; true, or false with a message and
 * no file left. */
static bool write_key(const char *path, mode_t mode, const char *header, const uint8_t *data, size_t size,
                      char *err, size_t errlen)
{
    char text[256];
    char hex[2 * 64 + 1];
    sodium_bin2hex(hex, sizeof hex, data, size);
    int n = snprintf(text, sizeof text, "%s\n%s\n", header, hex);
    sodium_memzero(hex, sizeof hex);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        pol_tr_format(pol_lang_get(), err, errlen, "cannot create %s: %s", path, strerror(errno));
        sodium_memzero(text, sizeof text);
        return false;
    }
    int e = 0;
    errno = 0;
    if (write(fd, text, (size_t)n) != n || fsync(fd) != 0)
        e = errno ? errno : EIO;
    if (close(fd) != 0 && !e)
        e = errno ? errno : EIO;
    bool ok = e == 0;
    sodium_memzero(text, sizeof text);
    if (!ok) {
        pol_tr_format(pol_lang_get(), err, errlen, "cannot write %s: %s", path, strerror(e));
        unlink(path);
    }
    return ok;
}

/* a + b + c, a new string. */
static char *concat(const char *a, const char *b, const char *c)
{
    size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
    char *s = pol_xmalloc(na + nb + nc + 1);
    memcpy(s, a, na);
    memcpy(s + na, b, nb);
    memcpy(s + na + nb, c, nc + 1);
    return s;
}

bool pol_key_generate(const char *base, char id[POL_KEY_ID_CHARS + 1], char *err, size_t errlen)
{
    if (!sodium_ready(err, errlen))
        return false;
    uint8_t seed[crypto_sign_SEEDBYTES];
    pol_signing_key k;
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(k.pk, k.sk, seed);
    char *secret = concat(base, ".key", ""), *public = concat(base, ".pub", "");
    bool ok = false;
    if (write_key(secret, 0600, POL_SECRET_KEY_HEADER, seed, sizeof seed, err, errlen)) {
        ok = write_key(public, 0644, POL_PUBLIC_KEY_HEADER, k.pk, sizeof k.pk, err, errlen);
        if (!ok)
            unlink(secret);
    }
    if (ok)
        pol_key_id(k.pk, id);
    sodium_memzero(seed, sizeof seed);
    pol_signing_key_wipe(&k);
    free(secret);
    free(public);
    return ok;
}

bool pol_signing_key_load(const char *path, pol_signing_key *k, char *err, size_t errlen)
{
    if (!sodium_ready(err, errlen))
        return false;
    uint8_t seed[crypto_sign_SEEDBYTES];
    if (!read_key(path, POL_SECRET_KEY_HEADER, seed, sizeof seed, err, errlen)) {
        char head[600]; /* the first line is not a secret key's: a public key given for one is the likely slip */
        pol_tr_format(pol_lang_get(), head, sizeof head, "%s: line 1: not a pol key file: the first line must be '%s'", path,
                      POL_SECRET_KEY_HEADER);
        if (errlen && !strncmp(err, head, errlen - 1))
            pol_tr_format(pol_lang_get(), err, errlen, "%s: not a pol secret key file (its first line must be '%s'; polc keygen makes one)",
                     path, POL_SECRET_KEY_HEADER);
        return false;
    }
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & 077)) {
        sodium_memzero(seed, sizeof seed);
        errno = 0;
        pol_tr_format(pol_lang_get(), err, errlen, "%s: the secret key can be read or changed by other users (mode %04o); chmod 600 it",
                 path, (unsigned)(st.st_mode & 07777));
        return false;
    }
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
    sodium_memzero(seed, sizeof seed);
    return true;
}

void pol_signing_key_wipe(pol_signing_key *k) { sodium_memzero(k, sizeof *k); }

void pol_sign_append(uint8_t **buf, size_t *len, const pol_signing_key *k)
{
    bc_trailer_append(buf, len, k->pk);
    crypto_sign_detached(*buf + *len - BC_SIG_BYTES, NULL, *buf, *len - BC_SIG_BYTES, k->sk);
}

/* ---- the trusted keys: the *.pub files of one directory ---- */

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The names of dir's *.pub entries, sorted (so that errors come in a
 * stable order): a new array of new strings, or NULL with a message. */
static char **pub_names(const char *dir, size_t *n, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        pol_tr_format(pol_lang_get(), err, errlen, "trusted keys directory %s: %s", dir, strerror(e));
        errno = e;
        return NULL;
    }
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t m = strlen(e->d_name);
        if (m > 4 && e->d_name[0] != '.' && strcmp(e->d_name + m - 4, ".pub") == 0) {
            POL_GROW(names, cap, *n + 1);
            names[(*n)++] = pol_xstrdup(e->d_name);
        }
    }
    closedir(d);
    if (*n == 0) {
        errno = 0;
        pol_tr_format(pol_lang_get(), err, errlen, "trusted keys directory %s: no public key (*.pub) in it", dir);
        return NULL;
    }
    qsort(names, *n, sizeof *names, by_name);
    return names;
}

pol_trust *pol_trust_load_dir(const char *dir, char *err, size_t errlen)
{
    if (!sodium_ready(err, errlen))
        return NULL;
    size_t n;
    char **names = pub_names(dir, &n, err, errlen);
    if (!names)
        return NULL;
    pol_trust *t = pol_xcalloc(1, sizeof *t);
    t->dir = pol_xstrdup(dir);
    t->keys = pol_xcalloc(n, sizeof *t->keys);
    size_t dn = strlen(dir);
    const char *sep = dn > 0 && dir[dn - 1] == '/' ? "" : "/";
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char *path = concat(dir, sep, names[i]);
        ok = ok && read_key(path, POL_PUBLIC_KEY_HEADER, t->keys[t->nkeys++], BC_SIG_KEY_BYTES, err, errlen);
        free(path);
        free(names[i]);
    }
    free(names);
    if (!ok) {
        pol_trust_free(t);
        return NULL;
    }
    return t;
}

void pol_trust_free(pol_trust *trust)
{
    if (!trust)
        return;
    free(trust->keys);
    free(trust->dir);
    free(trust);
}

static bool trusts(const pol_trust *trust, const uint8_t *key)
{
    for (size_t i = 0; i < trust->nkeys; i++)
        if (memcmp(trust->keys[i], key, BC_SIG_KEY_BYTES) == 0)
            return true;
    return false;
}

/* ---- checking a file's trailer ---- */
bool pol_sig_accept(const uint8_t *data, const bc_trailer *t, void *ctx, char *err, size_t errlen)
{
    const pol_trust *trust = ctx;
    if (!t->present) {
        if (!trust)
            return true; /* an unsigned file, and no signature asked for */
        pol_tr_format(pol_lang_get(), err, errlen,
                 "policy is not signed (only policies signed by one of the trusted keys in %s are accepted)",
                 trust->dir);
        return false;
    }
    if (!sodium_ready(err, errlen))
        return false;
    if (crypto_sign_verify_detached(t->sig, data, t->signed_len, t->key) != 0) {
        pol_tr_format(pol_lang_get(), err, errlen, "signature does not verify (the file was changed after signing)");
        return false;
    }
    if (trust && !trusts(trust, t->key)) {
        char id[POL_KEY_ID_CHARS + 1];
        pol_key_id(t->key, id);
        pol_tr_format(pol_lang_get(), err, errlen, "signed by key %s, which is not one of the trusted keys in %s", id, trust->dir);
        return false;
    }
    return true;
}
