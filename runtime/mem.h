/* mem.h -- the one allocator wrapper.  Every allocation in pol that must not
 * fail goes through these: on exhaustion they print "pol: out of memory" and
 * abort (there is no sensible recovery halfway through a compilation or an
 * evaluation; GMP does the same).  Growth helpers check for overflow.  The
 * flex scanner and the bison parser are routed here too (grammar/).
 * Shares its contract with runtime/mem.c.
 */
#ifndef POL_MEM_H
#define POL_MEM_H

#include <stddef.h>

void *pol_xmalloc(size_t n);                 /* never NULL; n may be 0     */
void *pol_xcalloc(size_t n, size_t size);    /* zeroed; checks n * size    */
void *pol_xrealloc(void *p, size_t n);
char *pol_xstrdup(const char *s);            /* NULL stays NULL            */
/* Capacity after growing `cap` to hold at least `need` (doubling), or abort
 * on overflow of `elem_size` * result. */
size_t pol_grow(size_t cap, size_t need, size_t elem_size);
_Noreturn void pol_oom(void);

#endif
