/* mem.c -- the allocator wrapper and the arena (mem.h). */
#include "mem.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void pol_oom(void)
{
    fputs("pol: out of memory\n", stderr);
    abort();
}

void *pol_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        pol_oom();
    return p;
}

void *pol_xcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        pol_oom();
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        pol_oom();
    return p;
}

void *pol_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        pol_oom();
    return q;
}

char *pol_xstrdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = pol_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

size_t pol_grow_to(size_t cap, size_t need, size_t first, size_t elem_size, size_t max)
{
    size_t nc = cap ? cap : (first ? first : 1);
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            pol_oom();
        nc *= 2;
    }
    if (nc > max)
        nc = need <= max ? max : 0;
    if (!nc || (elem_size && nc > SIZE_MAX / elem_size))
        pol_oom();
    return nc;
}

size_t pol_grow(size_t cap, size_t need, size_t elem_size)
{
    return pol_grow_to(cap, need, 8, elem_size, SIZE_MAX);
}

/* ---- the arena ---- */
struct pol_arena_chunk {
    pol_arena_chunk *next;
    size_t size, used;
    alignas(max_align_t) unsigned char data[];
};

#define ARENA_ALIGN (alignof(max_align_t))

void pol_arena_init(pol_arena *a) { *a = (pol_arena)POL_ARENA_INIT; }

void pol_arena_free(pol_arena *a)
{
    pol_arena_chunk *c = a->head;
    while (c) {
        pol_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    pol_arena_init(a);
}

static pol_arena_chunk *arena_chunk_new(pol_arena *a, size_t size)
{
    if (size > SIZE_MAX - sizeof(pol_arena_chunk))
        pol_oom();
    pol_arena_chunk *c = pol_xmalloc(sizeof *c + size);
    c->size = size;
    c->used = 0;
    a->reserved += size;
    return c;
}

void *pol_arena_alloc(pol_arena *a, size_t n)
{
    if (n > SIZE_MAX - ARENA_ALIGN)
        pol_oom(); /* no allocation is that large: an overflowed size */
    size_t need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (!need)
        need = ARENA_ALIGN; /* a 0-byte block is still a pointer of its own */
    pol_arena_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        size_t size = a->next_chunk ? a->next_chunk : POL_ARENA_FIRST_CHUNK;
        if (need > size / 4 && c) { /* a big block: a chunk of its own, behind the head */
            pol_arena_chunk *big = arena_chunk_new(a, need);
            big->used = need;
            big->next = c->next;
            c->next = big;
            memset(big->data, 0, need);
            return big->data;
        }
        c = arena_chunk_new(a, need > size ? need : size);
        c->next = a->head;
        a->head = c;
        a->next_chunk = size < POL_ARENA_MAX_CHUNK ? size * 2 : size;
    }
    void *p = c->data + c->used;
    c->used += need;
    memset(p, 0, need);
    return p;
}

void *pol_arena_array(pol_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        pol_oom();
    return pol_arena_alloc(a, n * size);
}

void *pol_arena_memdup(pol_arena *a, const void *p, size_t n)
{
    void *d = pol_arena_alloc(a, n);
    if (n)
        memcpy(d, p, n);
    return d;
}

char *pol_arena_strndup(pol_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        pol_oom();
    char *d = pol_arena_alloc(a, n + 1);
    if (n)
        memcpy(d, s, n); /* the terminator is already 0 */
    return d;
}

char *pol_arena_strdup(pol_arena *a, const char *s)
{
    return s ? pol_arena_strndup(a, s, strlen(s)) : NULL;
}
