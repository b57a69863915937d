/* fuzz_clause.c -- the clause finder (compiler/clause.c) on arbitrary text.
 *
 * The input is split at the first NUL byte (or the last line, if none):
 * before it, the text of a notice; after it, cites, one a line.  The notice
 * is cut into clauses; every clause id it produced must resolve to a clause
 * of that id; each cite line is resolved, used as a clause-map anchor and
 * passed through clause_words.  Invariants: every clause lies inside the
 * text, in order (head <= own_end <= end), with its parent containing it; a
 * place's span lies inside the text; no resolution reports more places than
 * it was given room for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clause.h"
#include "fuzz_util.h"

static void check_ref(const clause_set *s, const char *ref, size_t n)
{
    clause_ref r[8];
    char why[600];
    int k = clause_resolve(s, ref, n, r, 8, why, sizeof why);
    if (k > 8)
        abort();
    if (k < 0 && !why[0])
        abort(); /* a failure says why */
    for (int i = 0; i < k; i++) {
        size_t a, b;
        clause_span(s, r[i], &a, &b);
        if (a > b || b > s->docs[r[i].doc].len)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(data, 0, size);
    size_t tlen = nul ? (size_t)(nul - text) : size;
    clause_set *s = clause_set_from_text("fuzz.txt", text, tlen);
    const clause_doc *d = &s->docs[0];
    for (int k = 0; k < d->n; k++) {
        const clause_node *x = &d->v[k];
        if (x->head > x->own_end || x->own_end > x->end || x->end > d->len)
            abort();
        if (x->parent >= 0 && (d->v[x->parent].head > x->head || d->v[x->parent].end < x->end))
            abort();
        clause_ref r[8];
        char why[600];
        int n = clause_resolve(s, x->id, strlen(x->id), r, 8, why, sizeof why);
        /* every clause found is reachable by its id (a repeated heading: the first) */
        if (n < 1 || r[0].node < 0 || strcmp(d->v[r[0].node].id, x->id) != 0)
            abort();
    }
    if (nul) {
        const char *cites = nul + 1, *end = text + size;
        char buf[512];
        while (cites < end) {
            const char *nl = memchr(cites, '\n', (size_t)(end - cites));
            size_t n = nl ? (size_t)(nl - cites) : (size_t)(end - cites);
            if (n < sizeof buf && !memchr(cites, 0, n)) {
                memcpy(buf, cites, n);
                buf[n] = '\0';
                check_ref(s, buf, n);
                free(clause_words(s, buf));
                clause_map_add(s, "m", buf);
            }
            cites += n + 1;
        }
    }
    clause_set_free(s);
    return 0;
}
