/* mem.h -- the one allocator wrapper and the one arena.  Every allocation in
 * pol that must not fail goes through these: on exhaustion they print "pol:
 * out of memory" and abort (there is no sensible recovery halfway through a
 * compilation or an evaluation; GMP does the same).  Growth is
 * overflow-checked, through POL_GROW at every growth site.  The flex scanner
 * and the bison parser are routed here too (grammar/).  pol_arena is the one
 * region allocator: a compilation's tree (compiler/ast.h) and every
 * bc_program's arrays and strings (runtime/bytecode.h, built by
 * compiler/codegen.c or read by runtime/bytecode.c) live in one each.
 * Shares its contract with runtime/mem.c and tests/unit/test_base.c.
 */
#ifndef POL_MEM_H
#define POL_MEM_H

#include <stddef.h>
#include <stdint.h>

void *pol_xmalloc(size_t n);                 /* never NULL; n may be 0     */
void *pol_xcalloc(size_t n, size_t size);    /* zeroed; checks n * size    */
void *pol_xrealloc(void *p, size_t n);
char *pol_xstrdup(const char *s);            /* NULL stays NULL            */
/* Capacity after growing `cap` to hold at least `need` (doubling from `cap`,
 * or from `first` when cap is 0), or abort when the result exceeds `max` or
 * `elem_size` * result overflows size_t. */
size_t pol_grow_to(size_t cap, size_t need, size_t first, size_t elem_size, size_t max);
/* pol_grow_to with first = 8 and no maximum but size_t's. */
size_t pol_grow(size_t cap, size_t need, size_t elem_size);
_Noreturn void pol_oom(void);

/* The largest value the unsigned integer lvalue `x` can hold. */
#define POL_UMAX_OF(x) \
    (sizeof(x) >= sizeof(size_t) ? SIZE_MAX : (((size_t)1 << (8 * sizeof(x))) - 1))

/* Makes the array `arr` (capacity `cap`, in elements, an unsigned integer
 * lvalue of any width) hold at least `need` elements: doubles from `first`,
 * reallocates, updates cap.  New elements are not initialised.  Aborts on
 * overflow of cap's type or of the byte size.  Every growth site uses this. */
#define POL_GROW_FROM(arr, cap, need, first)                                        \
    do {                                                                            \
        size_t pol_need_ = (size_t)(need);                                          \
        if (pol_need_ > (size_t)(cap)) {                                            \
            size_t pol_nc_ = pol_grow_to((size_t)(cap), pol_need_, (first),         \
                                         sizeof *(arr), POL_UMAX_OF(cap));           \
            (arr) = pol_xrealloc((arr), pol_nc_ * sizeof *(arr));                   \
            (cap) = pol_nc_;                                                        \
        }                                                                           \
    } while (0)
#define POL_GROW(arr, cap, need) POL_GROW_FROM(arr, cap, need, 8)

/* ---- the arena ----
 * Blocks are carved from chunks that grow geometrically from
 * POL_ARENA_FIRST_CHUNK to POL_ARENA_MAX_CHUNK bytes; a block larger than a
 * quarter of the next chunk gets a chunk of its own, linked behind the one
 * being filled, which goes on being filled.  Every block is zeroed and
 * aligned for any type (max_align_t), even a 0-byte one, which is a valid
 * unique pointer.  Sizes are overflow-checked (abort).  Nothing is freed
 * alone: pol_arena_free releases everything at once.  A zeroed pol_arena
 * (POL_ARENA_INIT, or calloc) is an empty arena. */
#define POL_ARENA_FIRST_CHUNK ((size_t)16 << 10)
#define POL_ARENA_MAX_CHUNK ((size_t)1 << 20)
typedef struct pol_arena_chunk pol_arena_chunk;
typedef struct pol_arena {
    pol_arena_chunk *head; /* the chunk being filled, then the others      */
    size_t next_chunk;     /* size of the next ordinary chunk (0: first)   */
    size_t reserved;       /* bytes obtained from malloc, headers excluded */
} pol_arena;
#define POL_ARENA_INIT {NULL, 0, 0}
void pol_arena_init(pol_arena *a);
void pol_arena_free(pol_arena *a);               /* a is empty again after */
void *pol_arena_alloc(pol_arena *a, size_t n);   /* zeroed, max-aligned    */
void *pol_arena_array(pol_arena *a, size_t n, size_t size); /* checks n * size */
void *pol_arena_memdup(pol_arena *a, const void *p, size_t n); /* p may be NULL if n is 0 */
char *pol_arena_strdup(pol_arena *a, const char *s); /* NULL stays NULL */
char *pol_arena_strndup(pol_arena *a, const char *s, size_t n); /* n bytes + NUL */

#endif
