/* hash.h -- the one string hash (FNV-1a, 32 bits), for every name table:
 * the checker's scope, libpol's input and rule lookup, the scenario reader's
 * field cache.  Not for anything an adversary can aim at with collisions
 * beyond making one lookup slower: tables stay correct on any collision. */
#ifndef POL_HASH_H
#define POL_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t pol_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

#endif
