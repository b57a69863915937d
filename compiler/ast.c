/* ast.c -- the compilation arena (ast.h).  Chunks grow geometrically; a
 * request larger than a chunk gets a chunk of its own. */
#include "ast.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    arena_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void arena_init(arena *a) { memset(a, 0, sizeof *a); }

void arena_free(arena *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    a->used_total = 0;
}

void *arena_alloc(arena *a, size_t n)
{
    if (n > SIZE_MAX / 2)
        pol_oom(); /* no allocation is that large: an overflowed size */
    n = (n + 15) & ~(size_t)15;
    arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = c ? c->size * 2 : 16384;
        if (size > (1u << 22))
            size = 1u << 22;
        if (size < n)
            size = n;
        c = pol_xmalloc(sizeof *c + size);
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    a->used_total += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}
