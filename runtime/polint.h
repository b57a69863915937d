/* polint.h -- libpol's internal surface, for pol's own tools and tests
 * (tools/, tests/): everything pol.h keeps opaque.  Not installed, and
 * nothing declared here is exported from libpol.so: tools link the static
 * library.
 *
 * Shares its contract with: runtime/pol.h (the public API), runtime/pol.c,
 * tools/cli.c, tools/batch.c.
 */
#ifndef POL_POLINT_H
#define POL_POLINT_H

#include "pol.h"

#endif
