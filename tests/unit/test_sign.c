/* test_sign.c -- signed policies through the library (runtime/sign.h,
 * pol.h's pol_trust_* and pol_policy_*_trusted): key generation and key
 * files, signing, and every way a file can fail to carry a trusted
 * signature: unsigned, any bit flipped after signing, a payload changed and
 * re-sealed (EQ swapped for NE, the header hash recomputed), another key.
 * The policy is docs/examples/account.pol, compiled in-process; a retiree's
 * yearly amount is 816.00 and an employee's (base 3291) 789.84.
 * The command-line side is tests/robust/signing.py.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bciter.h"
#include "compile.h"
#include "file.h"
#include "polint.h"
#include "sign.h"

#ifndef POL_SOURCE_DIR
#define POL_SOURCE_DIR "."
#endif

static char dir[64];            /* a fresh temporary directory per test   */
static char path[600];          /* scratch: dir/NAME                      */
static uint8_t *plain;          /* the policy as bc_write wrote it         */
static size_t plain_len;

static const char *in_dir(const char *name)
{
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(in_dir(name), "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void setup(void)
{
    strcpy(dir, "/tmp/test_sign.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *src = POL_SOURCE_DIR "/docs/examples/account.pol";
    size_t len;
    char *text = pol_read_file(src, POL_SOURCE_LIMIT, &len);
    ck_assert_msg(text != NULL, "cannot read %s", src);
    diag_ctx d;
    diag_init(&d);
    src_file *sf = NULL;
    bc_program *p = pol_compile("account.pol", text, len, &d, &sf);
    ck_assert_ptr_nonnull(p);
    diag_free(&d);
    src_free(sf);
    free(text);
    bc_write(p, &plain, &plain_len);
    bc_free(p);
}

static void teardown(void)
{
    free(plain);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Makes key pair dir/NAME.{key,pub} and loads the secret into k. */
static void make_key(const char *name, pol_signing_key *k)
{
    char id[POL_KEY_ID_CHARS + 1], err[600], base[600];
    snprintf(base, sizeof base, "%s/%s", dir, name);
    ck_assert_msg(pol_key_generate(base, id, err, sizeof err), "%s", err);
    snprintf(base, sizeof base, "%s/%s.key", dir, name);
    ck_assert_msg(pol_signing_key_load(base, k, err, sizeof err), "%s", err);
}

/* A signed copy of the policy (new buffer). */
static uint8_t *signed_copy(const pol_signing_key *k, size_t *len)
{
    uint8_t *b = malloc(plain_len);
    memcpy(b, plain, plain_len);
    *len = plain_len;
    pol_sign_append(&b, len, k);
    ck_assert_uint_eq(*len, plain_len + BC_TRAILER_BYTES);
    return b;
}

/* The yearly amount for a retiree (true) or an employee, or the error. */
static void yearly(const pol_policy *pol, bool retired, char *out, size_t cap)
{
    pol_eval *ev = pol_eval_new(pol);
    pol_eval_begin(ev);
    pol_error e;
    char json[200];
    snprintf(json, sizeof json, "{\"人员身份\": \"%s\", \"月缴费基数\": 3291}", retired ? "退休" : "在职");
    if (pol_eval_set_json(ev, json, strlen(json), false, &e) != 0 || pol_eval_run(ev, &e) != 0)
        snprintf(out, cap, "error: %s", e.msg);
    else
        pol_eval_value_text(ev, (uint32_t)pol_find_rule(pol, "个人账户年划入", strlen("个人账户年划入")), out, cap);
    pol_eval_free(ev);
}

/* A trust set: the directory dir/trusted with the named keys' .pub files. */
static pol_trust *trust_of(const char *const *names, size_t n)
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/trusted'", dir);
    ck_assert_int_eq(system(cmd), 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(cmd, sizeof cmd, "cp '%s/%s.pub' '%s/trusted/'", dir, names[i], dir);
        ck_assert_int_eq(system(cmd), 0);
    }
    char err[600];
    pol_trust *t = pol_trust_load_dir(in_dir("trusted"), err, sizeof err);
    ck_assert_msg(t != NULL, "%s", err);
    return t;
}

START_TEST(keygen_writes_two_files)
{
    char id[POL_KEY_ID_CHARS + 1], err[600], base[600];
    snprintf(base, sizeof base, "%s/bureau", dir);
    ck_assert_msg(pol_key_generate(base, id, err, sizeof err), "%s", err);
    struct stat st;
    ck_assert_int_eq(stat(in_dir("bureau.key"), &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    size_t len;
    char *pub = pol_read_file(in_dir("bureau.pub"), 4096, &len);
    ck_assert_ptr_nonnull(pub);
    ck_assert_uint_eq(len, strlen(POL_PUBLIC_KEY_HEADER) + 1 + 64 + 1);
    ck_assert(strncmp(pub, POL_PUBLIC_KEY_HEADER "\n", strlen(POL_PUBLIC_KEY_HEADER) + 1) == 0);
    ck_assert(strncmp(pub + strlen(POL_PUBLIC_KEY_HEADER) + 1, id, POL_KEY_ID_CHARS) == 0); /* the id: its start */
    char *sec = pol_read_file(in_dir("bureau.key"), 4096, &len);
    ck_assert_ptr_nonnull(sec);
    ck_assert(strncmp(sec, POL_SECRET_KEY_HEADER "\n", strlen(POL_SECRET_KEY_HEADER) + 1) == 0);
    /* never over an existing key: both files stay as they were */
    ck_assert(!pol_key_generate(base, id, err, sizeof err));
    ck_assert_msg(strstr(err, "bureau.key") && strstr(err, strerror(EEXIST)), "%s", err);
    size_t len2;
    char *sec2 = pol_read_file(in_dir("bureau.key"), 4096, &len2);
    ck_assert(len2 == len && memcmp(sec, sec2, len) == 0);
    free(sec2);
    free(sec);
    free(pub);
    /* a .pub left alone is not overwritten either, and no .key is made */
    snprintf(base, sizeof base, "%s/other", dir);
    write_text("other.pub", "x\n");
    ck_assert(!pol_key_generate(base, id, err, sizeof err));
    ck_assert_msg(strstr(err, "other.pub") != NULL, "%s", err);
    ck_assert_int_ne(access(in_dir("other.key"), F_OK), 0);
}
END_TEST

START_TEST(signed_policy_loads_and_runs)
{
    pol_signing_key k;
    make_key("bureau", &k);
    size_t len;
    uint8_t *b = signed_copy(&k, &len);
    const char *names[] = {"bureau"};
    pol_trust *t = trust_of(names, 1);
    char err[600], out[100];
    pol_policy *pol = pol_policy_from_bytes_trusted(b, len, t, err, sizeof err);
    ck_assert_msg(pol != NULL, "%s", err);
    yearly(pol, true, out, sizeof out);
    ck_assert_str_eq(out, "816.00");
    yearly(pol, false, out, sizeof out);
    ck_assert_str_eq(out, "789.84");
    pol_policy_free(pol);
    /* without a trust set the signature is still checked, and it verifies */
    pol = pol_policy_from_bytes(b, len, err, sizeof err);
    ck_assert_msg(pol != NULL, "%s", err);
    pol_policy_free(pol);
    /* from a file as well */
    FILE *f = fopen(in_dir("account.polc"), "wb");
    ck_assert(fwrite(b, 1, len, f) == len && fclose(f) == 0);
    pol = pol_policy_load_trusted(in_dir("account.polc"), t, err, sizeof err);
    ck_assert_msg(pol != NULL, "%s", err);
    pol_policy_free(pol);
    /* signing is deterministic (Ed25519): the same key signs the same bytes alike */
    size_t len2;
    uint8_t *b2 = signed_copy(&k, &len2);
    ck_assert(len2 == len && memcmp(b, b2, len) == 0);
    free(b2);
    pol_trust_free(t);
    pol_signing_key_wipe(&k);
    free(b);
}
END_TEST

START_TEST(unsigned_policy_refused_only_with_trust)
{
    pol_signing_key k;
    make_key("bureau", &k);
    const char *names[] = {"bureau"};
    pol_trust *t = trust_of(names, 1);
    char err[600], want[700];
    ck_assert_ptr_null(pol_policy_from_bytes_trusted(plain, plain_len, t, err, sizeof err));
    snprintf(want, sizeof want,
             "policy is not signed (only policies signed by one of the trusted keys in %s/trusted are accepted)", dir);
    ck_assert_str_eq(err, want);
    pol_policy *pol = pol_policy_from_bytes_trusted(plain, plain_len, NULL, err, sizeof err);
    ck_assert_msg(pol != NULL, "%s", err);
    pol_policy_free(pol);
    pol_trust_free(t);
    pol_signing_key_wipe(&k);
}
END_TEST

START_TEST(other_key_refused)
{
    pol_signing_key bureau, other;
    make_key("bureau", &bureau);
    make_key("other", &other);
    const char *names[] = {"bureau"};
    pol_trust *t = trust_of(names, 1);
    size_t len;
    uint8_t *b = signed_copy(&other, &len);
    char err[600], want[700], id[POL_KEY_ID_CHARS + 1];
    ck_assert_ptr_null(pol_policy_from_bytes_trusted(b, len, t, err, sizeof err));
    pol_key_id(other.pk, id);
    snprintf(want, sizeof want, "signed by key %s, which is not one of the trusted keys in %s/trusted", id, dir);
    ck_assert_str_eq(err, want);
    pol_trust_free(t);
    /* trusted when its key is added (two keys: rotation) */
    const char *both[] = {"bureau", "other"};
    t = trust_of(both, 2);
    pol_policy *pol = pol_policy_from_bytes_trusted(b, len, t, err, sizeof err);
    ck_assert_msg(pol != NULL, "%s", err);
    pol_policy_free(pol);
    pol_trust_free(t);
    free(b);
    pol_signing_key_wipe(&bureau);
    pol_signing_key_wipe(&other);
}
END_TEST

/* Every single-bit flip of a signed file is refused, with and without a
 * trust set, each with a message; flips in the trailer's key or signature
 * (and in the header, which the signature covers) are refused by the
 * signature. */
START_TEST(every_bit_flip_after_signing)
{
    pol_signing_key k;
    make_key("bureau", &k);
    const char *names[] = {"bureau"};
    pol_trust *t = trust_of(names, 1);
    size_t len;
    uint8_t *b = signed_copy(&k, &len);
    long by_signature = 0;
    for (size_t bit = 0; bit < len * 8; bit++) {
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        for (int trusted = 0; trusted < 2; trusted++) {
            char err[600] = "";
            pol_policy *pol = pol_policy_from_bytes_trusted(b, len, trusted ? t : NULL, err, sizeof err);
            ck_assert_msg(pol == NULL, "flipping bit %zu of %zu is not noticed (trust: %d)", bit, len * 8, trusted);
            ck_assert_msg(err[0] != 0, "bit %zu: refused without a message", bit);
            if (bit / 8 >= len - BC_SIG_KEY_BYTES - BC_SIG_BYTES)
                ck_assert_msg(strcmp(err, "signature does not verify (the file was changed after signing)") == 0,
                              "bit %zu in the key or signature: %s", bit, err);
            by_signature += strstr(err, "signature does not verify") != NULL;
        }
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    printf("every_bit_flip_after_signing: %zu bits x 2, %ld refused by the signature\n", len * 8, by_signature);
    pol_trust_free(t);
    pol_signing_key_wipe(&k);
    free(b);
}
END_TEST

/* The attack the checksum cannot stop: the payload changed (the comparison
 * 人员身份 == 身份.退休 turned into !=) and the header's hash recomputed. */
START_TEST(resealed_payload_refused)
{
    pol_signing_key k;
    make_key("bureau", &k);
    const char *names[] = {"bureau"};
    pol_trust *t = trust_of(names, 1);
    size_t len;
    uint8_t *b = signed_copy(&k, &len);
    char err[600];
    bc_program *p = bc_read(plain, plain_len, err, sizeof err);
    ck_assert_ptr_nonnull(p);
    int swapped = 0;
    for (uint32_t r = 0; r < p->nrules; r++)
        for (bc_iter it = bc_iter_begin(p->code, p->rules[r].entry, p->rules[r].end); bc_iter_more(&it);
             bc_iter_next(&it))
            if (it.op == OP_EQ) {
                p->code[it.pc] = OP_NE;
                swapped++;
            }
    ck_assert_int_eq(swapped, 1);
    uint8_t *evil;
    size_t evil_len;
    bc_write(p, &evil, &evil_len); /* a correct header: the checksum agrees */
    bc_free(p);
    ck_assert_uint_eq(evil_len, plain_len);
    /* unsigned, it runs and answers differently: what a checksum allows */
    pol_policy *pol = pol_policy_from_bytes(evil, evil_len, err, sizeof err);
    ck_assert_msg(pol != NULL, "%s", err);
    char out[100];
    yearly(pol, true, out, sizeof out);
    ck_assert_str_eq(out, "789.84");
    pol_policy_free(pol);
    ck_assert_ptr_null(pol_policy_from_bytes_trusted(evil, evil_len, t, err, sizeof err));
    ck_assert_msg(strncmp(err, "policy is not signed", 20) == 0, "%s", err);
    /* with the original trailer kept after it: the signature does not verify */
    evil = realloc(evil, len);
    memcpy(evil + evil_len, b + plain_len, BC_TRAILER_BYTES);
    for (int trusted = 0; trusted < 2; trusted++) {
        ck_assert_ptr_null(pol_policy_from_bytes_trusted(evil, len, trusted ? t : NULL, err, sizeof err));
        ck_assert_str_eq(err, "signature does not verify (the file was changed after signing)");
    }
    free(evil);
    pol_trust_free(t);
    pol_signing_key_wipe(&k);
    free(b);
}
END_TEST

/* The trailer's form: a cut one, a padded one, another algorithm. */
START_TEST(trailer_form)
{
    pol_signing_key k;
    make_key("bureau", &k);
    size_t len;
    uint8_t *b = signed_copy(&k, &len);
    char err[600], want[300];
    for (size_t cut = 1; cut < BC_TRAILER_BYTES; cut++) {
        ck_assert_ptr_null(pol_policy_from_bytes(b, len - cut, err, sizeof err));
        if (BC_TRAILER_BYTES - cut >= 4)
            snprintf(want, sizeof want,
                     "corrupt signature at byte %zu: the signature trailer is %zu bytes, not 104", plain_len,
                     BC_TRAILER_BYTES - cut);
        else
            snprintf(want, sizeof want, "bytecode file truncated or padded: payload %zu bytes, header says %zu",
                     len - cut - 24, plain_len - 24);
        ck_assert_str_eq(err, want);
    }
    b = realloc(b, len + 1);
    b[len] = 0;
    ck_assert_ptr_null(pol_policy_from_bytes(b, len + 1, err, sizeof err));
    snprintf(want, sizeof want, "corrupt signature at byte %zu: the signature trailer is 105 bytes, not 104",
             plain_len);
    ck_assert_str_eq(err, want);
    b[plain_len + 4] = 2;
    ck_assert_ptr_null(pol_policy_from_bytes(b, len, err, sizeof err));
    snprintf(want, sizeof want, "corrupt signature at byte %zu: unknown signature algorithm 2 (1 is Ed25519)",
             plain_len + 4);
    ck_assert_str_eq(err, want);
    pol_signing_key_wipe(&k);
    free(b);
}
END_TEST

START_TEST(trust_dir_errors)
{
    char err[600], want[800];
    ck_assert_ptr_null(pol_trust_load_dir(in_dir("none"), err, sizeof err));
    snprintf(want, sizeof want, "trusted keys directory %s/none: %s", dir, strerror(ENOENT));
    ck_assert_str_eq(err, want);
    ck_assert_int_eq(mkdir(in_dir("keys"), 0755), 0);
    write_text("keys/readme.txt", "not a key\n");
    ck_assert_ptr_null(pol_trust_load_dir(in_dir("keys"), err, sizeof err));
    snprintf(want, sizeof want, "trusted keys directory %s/keys: no public key (*.pub) in it", dir);
    ck_assert_str_eq(err, want);
    write_text("keys/a.pub", "pol ed25519 public key\n0011\n");
    ck_assert_ptr_null(pol_trust_load_dir(in_dir("keys"), err, sizeof err));
    snprintf(want, sizeof want, "%s/keys/a.pub: line 2: the key must be 64 hexadecimal digits", dir);
    ck_assert_str_eq(err, want);
    write_text("keys/a.pub", "pol ed25519 secret key\n"
                             "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
    ck_assert_ptr_null(pol_trust_load_dir(in_dir("keys"), err, sizeof err));
    snprintf(want, sizeof want,
             "%s/keys/a.pub: line 1: not a pol key file: the first line must be 'pol ed25519 public key'", dir);
    ck_assert_str_eq(err, want);
    write_text("keys/a.pub", "pol ed25519 public key\r\n"
                             "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff\r\n\r\n");
    pol_trust *t = pol_trust_load_dir(in_dir("keys/"), err, sizeof err); /* CR LF, capitals, a trailing slash */
    ck_assert_msg(t != NULL, "%s", err);
    pol_trust_free(t);
    write_text("keys/b.pub", "pol ed25519 public key\n"
                             "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\nmore\n");
    ck_assert_ptr_null(pol_trust_load_dir(in_dir("keys"), err, sizeof err));
    snprintf(want, sizeof want, "%s/keys/b.pub: unexpected text after the key", dir);
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(secret_key_errors)
{
    char err[600], want[800];
    pol_signing_key k;
    make_key("bureau", &k);
    ck_assert_int_eq(chmod(in_dir("bureau.key"), 0644), 0);
    ck_assert(!pol_signing_key_load(in_dir("bureau.key"), &k, err, sizeof err));
    snprintf(want, sizeof want, "%s/bureau.key: the secret key can be read or changed by other users (mode 0644); chmod 600 it", dir);
    ck_assert_str_eq(err, want);
    ck_assert(!pol_signing_key_load(in_dir("bureau.pub"), &k, err, sizeof err));
    snprintf(want, sizeof want,
             "%s/bureau.pub: not a pol secret key file (its first line must be 'pol ed25519 secret key'; polc "
             "keygen makes one)",
             dir);
    ck_assert_str_eq(err, want);
    ck_assert(!pol_signing_key_load(in_dir("missing.key"), &k, err, sizeof err));
    snprintf(want, sizeof want, "%s/missing.key: %s", dir, strerror(ENOENT));
    ck_assert_str_eq(err, want);
}
END_TEST

/* The first use of libsodium from several threads at once (sodium_init
 * runs once, under pthread_once): each test runs in its own process, and
 * nothing before this one has touched libsodium in it. */
static const uint8_t *shared_bytes;
static size_t shared_len;

static void *load_signed(void *arg)
{
    (void)arg;
    char err[600];
    pol_policy *pol = pol_policy_from_bytes(shared_bytes, shared_len, err, sizeof err);
    pol_policy_free(pol);
    return pol ? (void *)1 : NULL;
}

START_TEST(first_use_from_threads)
{
    const char *seed = POL_SOURCE_DIR "/tests/fuzz/corpus/bytecode/signed-account.polc";
    uint8_t *b = (uint8_t *)pol_read_file(seed, POL_PROGRAM_LIMIT, &shared_len);
    ck_assert_msg(b != NULL, "cannot read %s", seed);
    ck_assert_uint_gt(shared_len, BC_TRAILER_BYTES);
    ck_assert(memcmp(b + shared_len - BC_TRAILER_BYTES, BC_SIG_MARKER, 4) == 0);
    shared_bytes = b;
    pthread_t th[8];
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, load_signed, NULL), 0);
    for (int i = 0; i < 8; i++) {
        void *ok;
        ck_assert_int_eq(pthread_join(th[i], &ok), 0);
        ck_assert_msg(ok != NULL, "thread %d could not load the signed policy", i);
    }
    free(b);
}
END_TEST

static Suite *sign_suite(void)
{
    Suite *s = suite_create("sign");
    TCase *tc = tcase_create("sign");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, keygen_writes_two_files);
    tcase_add_test(tc, signed_policy_loads_and_runs);
    tcase_add_test(tc, unsigned_policy_refused_only_with_trust);
    tcase_add_test(tc, other_key_refused);
    tcase_add_test(tc, every_bit_flip_after_signing);
    tcase_add_test(tc, resealed_payload_refused);
    tcase_add_test(tc, trailer_form);
    tcase_add_test(tc, trust_dir_errors);
    tcase_add_test(tc, secret_key_errors);
    tcase_add_test(tc, first_use_from_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sign_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
