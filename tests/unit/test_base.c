/* test_base.c -- unit tests (check) for the shared base every module builds
 * on: overflow-checked growth and the one arena (runtime/mem.h), the one UTF-8 decoder
 * (runtime/utf8.h), the one string hash (runtime/hash.h) and the one file
 * reader (runtime/file.h).  A capacity that would overflow must abort, so
 * those tests expect SIGABRT (check runs each test in its own process). */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "hash.h"
#include "mem.h"
#include "utf8.h"

/* ---- POL_GROW and pol_grow_to ---- */

START_TEST(grow_doubles_and_keeps)
{
    int *a = NULL;
    size_t cap = 0;
    POL_GROW(a, cap, 1);
    ck_assert_uint_eq(cap, 8);
    for (int i = 0; i < 8; i++)
        a[i] = i;
    POL_GROW(a, cap, 8); /* enough already: no change */
    ck_assert_uint_eq(cap, 8);
    POL_GROW(a, cap, 9);
    ck_assert_uint_eq(cap, 16);
    POL_GROW(a, cap, 100);
    ck_assert_uint_eq(cap, 128);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(a[i], i);
    free(a);

    char *b = NULL;
    unsigned cap2 = 0;
    POL_GROW_FROM(b, cap2, 3, 64);
    ck_assert_uint_eq(cap2, 64);
    POL_GROW_FROM(b, cap2, 65, 64);
    ck_assert_uint_eq(cap2, 128);
    free(b);
}
END_TEST

START_TEST(grow_uint8_to_its_maximum)
{
    char *a = NULL;
    uint8_t cap = 0;
    POL_GROW(a, cap, 200); /* 256 does not fit: the capacity stops at 255 */
    ck_assert_uint_eq(cap, 255);
    POL_GROW(a, cap, 255);
    ck_assert_uint_eq(cap, 255);
    free(a);
}
END_TEST

START_TEST(grow_uint8_past_its_maximum)
{
    char *a = NULL;
    uint8_t cap = 0;
    POL_GROW(a, cap, 255);
    POL_GROW(a, cap, 256); /* aborts */
    free(a);
}
END_TEST

START_TEST(grow_uint32_past_its_maximum)
{
    char *a = pol_xmalloc(1);
    uint32_t cap = UINT32_MAX; /* pretend: the check comes before any realloc */
    POL_GROW(a, cap, (size_t)UINT32_MAX + 1); /* aborts */
    free(a);
}
END_TEST

START_TEST(grow_to_values)
{
    ck_assert_uint_eq(pol_grow_to(0, 5, 3, 1, SIZE_MAX), 6);
    ck_assert_uint_eq(pol_grow_to(0, 5, 0, 1, SIZE_MAX), 8); /* first 0 counts as 1 */
    ck_assert_uint_eq(pol_grow_to(10, 5, 8, 1, SIZE_MAX), 10);
    ck_assert_uint_eq(pol_grow_to(10, 11, 8, 1, SIZE_MAX), 20);
    ck_assert_uint_eq(pol_grow_to(0, 100, 8, 4, 100), 100); /* 128 is past the maximum */
    ck_assert_uint_eq(pol_grow_to(64, 65, 8, 1, 100), 100);
    ck_assert_uint_eq(pol_grow(0, 1, 16), 8);
    ck_assert_uint_eq(pol_grow(8, 9, 16), 16);
}
END_TEST

START_TEST(grow_to_need_past_maximum)
{
    pol_grow_to(0, 101, 8, 1, 100); /* aborts */
}
END_TEST

START_TEST(grow_to_byte_size_overflow)
{
    pol_grow_to(0, SIZE_MAX / 8 + 1, 8, 8, SIZE_MAX); /* aborts */
}
END_TEST

START_TEST(grow_to_count_overflow)
{
    pol_grow_to(0, SIZE_MAX, 8, 1, SIZE_MAX); /* doubling cannot reach it: aborts */
}
END_TEST

/* ---- the arena ---- */

static bool arena_block_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

START_TEST(arena_aligned_and_zeroed)
{
    pol_arena a = POL_ARENA_INIT;
    for (size_t n = 0; n < 100; n++) {
        unsigned char *p = pol_arena_alloc(&a, n);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % alignof(max_align_t), 0);
        ck_assert(arena_block_zero(p, n));
        memset(p, 0xff, n); /* dirty it: the next block must still be zero */
    }
    void *z1 = pol_arena_alloc(&a, 0), *z2 = pol_arena_alloc(&a, 0);
    ck_assert_ptr_ne(z1, z2); /* 0-byte blocks are distinct pointers */
    long double *ld = pol_arena_array(&a, 3, sizeof *ld);
    ck_assert_uint_eq((uintptr_t)ld % alignof(long double), 0);
    pol_arena_free(&a);
    ck_assert_ptr_null(a.head);
    ck_assert_uint_eq(a.reserved, 0);
}
END_TEST

START_TEST(arena_many_small)
{
    pol_arena a;
    pol_arena_init(&a);
    enum { N = 100000 };
    uint32_t **ps = malloc(sizeof *ps * N);
    for (uint32_t i = 0; i < N; i++) {
        ps[i] = pol_arena_alloc(&a, sizeof **ps);
        *ps[i] = i;
    }
    for (uint32_t i = 0; i < N; i++)
        ck_assert_uint_eq(*ps[i], i); /* no block overlaps another */
    /* chunks grow geometrically: little beyond the blocks themselves */
    ck_assert_uint_le(a.reserved, (size_t)N * alignof(max_align_t) * 2 + POL_ARENA_MAX_CHUNK);
    free(ps);
    pol_arena_free(&a);
}
END_TEST

START_TEST(arena_big_block)
{
    pol_arena a = POL_ARENA_INIT;
    unsigned char *s1 = pol_arena_alloc(&a, 1);
    size_t before = a.reserved;
    size_t big_n = POL_ARENA_MAX_CHUNK * 3 + 5; /* larger than any chunk */
    unsigned char *big = pol_arena_alloc(&a, big_n);
    ck_assert_uint_eq((uintptr_t)big % alignof(max_align_t), 0);
    ck_assert(arena_block_zero(big, big_n));
    memset(big, 0xab, big_n);
    ck_assert_uint_ge(a.reserved - before, big_n);
    ck_assert_uint_lt(a.reserved - before, big_n + alignof(max_align_t));
    /* the chunk being filled goes on being filled after a big block */
    unsigned char *s2 = pol_arena_alloc(&a, 1);
    ck_assert_ptr_eq(s2, s1 + alignof(max_align_t));
    ck_assert_uint_eq(big[big_n - 1], 0xab);
    /* a big block in an empty arena */
    pol_arena b = POL_ARENA_INIT;
    ck_assert(arena_block_zero(pol_arena_alloc(&b, big_n), big_n));
    pol_arena_free(&b);
    pol_arena_free(&a);
}
END_TEST

START_TEST(arena_strdup_copies)
{
    pol_arena a = POL_ARENA_INIT;
    char src[] = "税率 5%";
    char *d = pol_arena_strdup(&a, src);
    ck_assert_ptr_ne(d, src);
    ck_assert_str_eq(d, src);
    src[0] = 'x';
    ck_assert_str_eq(d, "税率 5%");
    ck_assert_ptr_null(pol_arena_strdup(&a, NULL));
    ck_assert_str_eq(pol_arena_strdup(&a, ""), "");
    ck_assert_str_eq(pol_arena_strndup(&a, "abcdef", 3), "abc");
    uint32_t w[3] = {1, 2, 3};
    uint32_t *c = pol_arena_memdup(&a, w, sizeof w);
    ck_assert_uint_eq(c[2], 3);
    ck_assert_ptr_nonnull(pol_arena_memdup(&a, NULL, 0));
    pol_arena_free(&a);
}
END_TEST

START_TEST(arena_size_overflow)
{
    pol_arena a = POL_ARENA_INIT;
    pol_arena_alloc(&a, SIZE_MAX - 3);
}
END_TEST

START_TEST(arena_array_overflow)
{
    pol_arena a = POL_ARENA_INIT;
    pol_arena_array(&a, SIZE_MAX / 8 + 1, 8);
}
END_TEST

/* ---- UTF-8 ---- */

/* utf8_seq on the n bytes of s: the length, and the defect when 0. */
static size_t seq(const char *s, size_t n, const char **why)
{
    *why = NULL;
    return utf8_seq((const unsigned char *)s, n, why);
}

START_TEST(utf8_seq_valid)
{
    const char *why;
    ck_assert_uint_eq(seq("\xC3\xA9", 2, &why), 2);             /* é      */
    ck_assert_uint_eq(seq("\xE6\x9C\x88", 3, &why), 3);         /* 月     */
    ck_assert_uint_eq(seq("\xE6\x9C\x88x", 4, &why), 3);        /* stops after one */
    ck_assert_uint_eq(seq("\xED\x9F\xBF", 3, &why), 3);         /* U+D7FF */
    ck_assert_uint_eq(seq("\xEE\x80\x80", 3, &why), 3);         /* U+E000 */
    ck_assert_uint_eq(seq("\xF0\x9F\x98\x80", 4, &why), 4);     /* U+1F600 */
    ck_assert_uint_eq(seq("\xF4\x8F\xBF\xBF", 4, &why), 4);     /* U+10FFFF */
    ck_assert_uint_eq(seq("\xE0\xA0\x80", 3, &why), 3);         /* U+0800 */
    ck_assert_uint_eq(seq("\xF0\x90\x80\x80", 4, &why), 4);     /* U+10000 */
    ck_assert_uint_eq(utf8_quick((const unsigned char *)"\xE6\x9C\x88", 3), 3);
    ck_assert_uint_eq(utf8_quick((const unsigned char *)"\xC3\xA9", 2), 2);
    ck_assert_uint_eq(utf8_quick((const unsigned char *)"\xE0\xA0\x80", 3), 0); /* ask utf8_seq */
}
END_TEST

/* utf8_seq refuses s[0..n) for the reason `want`. */
static void refused(const char *s, size_t n, const char *want)
{
    const char *why;
    ck_assert_uint_eq(seq(s, n, &why), 0);
    ck_assert_ptr_nonnull(why);
    ck_assert_str_eq(why, want);
}

START_TEST(utf8_seq_defects)
{
    refused("\x80", 1, " (unexpected continuation byte)");
    refused("\xBF\x80", 2, " (unexpected continuation byte)");
    refused("\xC0\x80", 2, " (overlong encoding)");
    refused("\xC1\xBF", 2, " (overlong encoding)");
    refused("\xE0\x80\x80", 3, " (overlong encoding)");
    refused("\xE0\x9F\xBF", 3, " (overlong encoding)");
    refused("\xF0\x80\x80\x80", 4, " (overlong encoding)");
    refused("\xF0\x8F\xBF\xBF", 4, " (overlong encoding)");
    refused("\xED\xA0\x80", 3, " (UTF-16 surrogate)");
    refused("\xED\xBF\xBF", 3, " (UTF-16 surrogate)");
    refused("\xF4\x90\x80\x80", 4, " (above U+10FFFF)");
    refused("\xF5\x80\x80\x80", 4, " (above U+10FFFF)");
    refused("\xFF", 1, " (above U+10FFFF)");
    refused("\xC3", 1, " (truncated sequence)");
    refused("\xC3" "A", 2, " (truncated sequence)");
    refused("\xE6\x9C", 2, " (truncated sequence)");
    refused("\xE6\x9C" "A", 3, " (truncated sequence)");
    refused("\xF0\x9F\x98", 3, " (truncated sequence)");
    refused("\xF0\x9F\x98\xC0", 4, " (truncated sequence)");
}
END_TEST

/* utf8_next on s[0..n): checks the length and the code point. */
static void next_is(const char *s, size_t n, size_t len, uint32_t cp)
{
    uint32_t got = 0;
    ck_assert_uint_eq(utf8_next((const unsigned char *)s, n, &got), len);
    ck_assert_uint_eq(got, cp);
}

START_TEST(utf8_next_decodes)
{
    next_is("A", 1, 1, 'A');
    next_is("\xC3\xA9", 2, 2, 0xE9);
    next_is("\xE6\x9C\x88", 3, 3, 0x6708);
    next_is("\xF0\x9F\x98\x80", 4, 4, 0x1F600);
    next_is("\xFF", 1, 1, 0xFFFD);                /* not a lead byte */
    next_is("\x80", 1, 1, 0xFFFD);                /* a lone continuation */
    next_is("\xE6\x9C", 2, 1, 0xFFFD);            /* truncated */
    next_is("\xE6" "AB", 3, 1, 0xFFFD);           /* no continuation */
}
END_TEST

START_TEST(utf8_widths)
{
    ck_assert_uint_eq(utf8_display_width("", 0), 0);
    ck_assert_uint_eq(utf8_display_width("abc", 3), 3);
    ck_assert_uint_eq(utf8_display_width("\t", 1), 1);
    ck_assert_uint_eq(utf8_display_width("e\xCC\x81", 3), 1);                /* e + combining acute */
    ck_assert_uint_eq(utf8_display_width("\xE6\x9C\x88", 3), 2);             /* 月 */
    ck_assert_uint_eq(utf8_display_width("\xEF\xBC\x88", 3), 2);             /* fullwidth ( */
    ck_assert_uint_eq(utf8_display_width("\xF0\x9F\x98\x80", 4), 2);         /* emoji */
    ck_assert_uint_eq(utf8_display_width("\xE2\x82\xAC", 3), 1);             /* € */
    ck_assert_uint_eq(utf8_display_width("\xFF\xFE", 2), 2);                 /* invalid bytes: one each */
    ck_assert_uint_eq(utf8_display_width("a\xE6\x9C\x88" "b", 5), 4);
}
END_TEST

/* ---- pol_hash: FNV-1a, 32 bits ---- */

START_TEST(hash_known_values)
{
    ck_assert_uint_eq(pol_hash("", 0), 0x811c9dc5u);
    ck_assert_uint_eq(pol_hash("a", 1), 0xe40c292cu);
    ck_assert_uint_eq(pol_hash("foobar", 6), 0xbf9cf968u);
    ck_assert_uint_eq(pol_hash("foobar", 3), pol_hash("foo", 3)); /* only n bytes */
    ck_assert_uint_ne(pol_hash("a\0b", 3), pol_hash("a", 1));     /* NUL is a byte */
    ck_assert_uint_eq(pol_hash("\xFF", 1), (0x811c9dc5u ^ 0xFFu) * 16777619u); /* unsigned bytes */
}
END_TEST

/* ---- pol_read_file ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/pol_test_base_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* tmpdir/name, in a static buffer. */
static const char *tmp_path(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void write_file(const char *name, const char *text, size_t n)
{
    FILE *f = fopen(tmp_path(name), "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, n, f), n);
    fclose(f);
}

static void remove_tmpdir(void)
{
    const char *names[] = {"regular", "empty", "fifo", "ten"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        unlink(tmp_path(names[i]));
    rmdir(tmpdir);
}

/* pol_read_file fails on tmpdir/name (or an absolute path) with errno `want`. */
static void read_fails(const char *path, size_t limit, int want)
{
    size_t len = 12345;
    errno = 0;
    char *p = pol_read_file(path, limit, &len);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(errno, want);
}

START_TEST(read_file_kinds)
{
    make_tmpdir();
    size_t len = 0;

    write_file("regular", "policy \"t\"\n\0x", 13);
    char *p = pol_read_file(tmp_path("regular"), POL_SOURCE_LIMIT, &len);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(len, 13);
    ck_assert_mem_eq(p, "policy \"t\"\n\0x", 13);
    ck_assert_int_eq(p[len], 0);
    free(p);

    write_file("empty", "", 0);
    len = 99;
    p = pol_read_file(tmp_path("empty"), POL_SOURCE_LIMIT, &len);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(p[0], 0);
    free(p);

    read_fails(tmp_path("missing"), POL_SOURCE_LIMIT, ENOENT);
    read_fails(tmpdir, POL_SOURCE_LIMIT, EISDIR);
    ck_assert_int_eq(mkfifo(tmp_path("fifo"), 0600), 0);
    read_fails(tmp_path("fifo"), POL_SOURCE_LIMIT, EINVAL); /* no writer: must not block */

    write_file("ten", "0123456789", 10);
    read_fails(tmp_path("ten"), 9, EFBIG);
    p = pol_read_file(tmp_path("ten"), 10, &len); /* exactly the limit is fine */
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(len, 10);
    ck_assert_str_eq(p, "0123456789");
    free(p);
    read_fails(tmp_path("ten"), 0, EFBIG);

    /* a file that must start with a head: refused after its first bytes */
    errno = 0;
    ck_assert_ptr_null(pol_read_file_head(tmp_path("ten"), 100, "\x7fPOL", 4, &len));
    ck_assert_int_eq(errno, EILSEQ);
    write_file("short", "\x7fPO", 3); /* shorter than the head but matching: the caller says truncated */
    p = pol_read_file_head(tmp_path("short"), 100, "\x7fPOL", 4, &len);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(len, 3);
    free(p);
    write_file("good", "\x7fPOL and the rest", 17);
    p = pol_read_file_head(tmp_path("good"), 100, "\x7fPOL", 4, &len);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(len, 17);
    ck_assert_str_eq(p, "\x7fPOL and the rest");
    free(p);
    ck_assert_str_eq(pol_file_error(EINVAL), "not a regular file (a device, a pipe or a socket)");
    ck_assert_str_eq(pol_file_error(EILSEQ), "not a pol bytecode file (bad magic)");
    ck_assert_str_eq(pol_file_error(ENOENT), strerror(ENOENT));

    remove_tmpdir();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("base");
    TCase *mem = tcase_create("mem");
    tcase_add_test(mem, grow_doubles_and_keeps);
    tcase_add_test(mem, grow_uint8_to_its_maximum);
    tcase_add_test_raise_signal(mem, grow_uint8_past_its_maximum, SIGABRT);
    tcase_add_test_raise_signal(mem, grow_uint32_past_its_maximum, SIGABRT);
    tcase_add_test(mem, grow_to_values);
    tcase_add_test_raise_signal(mem, grow_to_need_past_maximum, SIGABRT);
    tcase_add_test_raise_signal(mem, grow_to_byte_size_overflow, SIGABRT);
    tcase_add_test_raise_signal(mem, grow_to_count_overflow, SIGABRT);
    suite_add_tcase(s, mem);
    TCase *arena = tcase_create("arena");
    tcase_add_test(arena, arena_aligned_and_zeroed);
    tcase_add_test(arena, arena_many_small);
    tcase_add_test(arena, arena_big_block);
    tcase_add_test(arena, arena_strdup_copies);
    tcase_add_test_raise_signal(arena, arena_size_overflow, SIGABRT);
    tcase_add_test_raise_signal(arena, arena_array_overflow, SIGABRT);
    suite_add_tcase(s, arena);
    TCase *text = tcase_create("utf8_hash");
    tcase_add_test(text, utf8_seq_valid);
    tcase_add_test(text, utf8_seq_defects);
    tcase_add_test(text, utf8_next_decodes);
    tcase_add_test(text, utf8_widths);
    tcase_add_test(text, hash_known_values);
    suite_add_tcase(s, text);
    TCase *file = tcase_create("file");
    tcase_set_timeout(file, 30); /* a FIFO that blocked would hang here */
    tcase_add_test(file, read_file_kinds);
    suite_add_tcase(s, file);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
