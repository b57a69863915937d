/* doc.h -- `polc doc`: a policy as one self-contained HTML page, the
 * notice's text with each clause beside the rules, parameters and tests
 * that cite it (docs/polc.md, "polc doc").  Uses compiler/clause.h to read
 * the notice and runtime/pol.h to run the tests; tools/polc.c calls it.
 *
 * Ownership: borrows the policy; writes the page to `out` (FILE).
 */
#ifndef POL_DOC_H
#define POL_DOC_H

#include <stdbool.h>
#include <stdio.h>

#include "pol.h"

/* Writes the page for pol (loaded from the file `policy`) to out; false on
 * a write error. */
bool doc_write_html(const pol_policy *pol, const char *policy, FILE *out);

#endif
