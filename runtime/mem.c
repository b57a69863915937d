/* mem.c -- the allocator wrapper (mem.h). */
#include "mem.h"

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
