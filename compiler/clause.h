/* clause.h -- a notice's clauses as data: the text of a notice cut into its
 * numbered clauses, and the citations of a policy resolved to them
 * (docs/language.md, "Clauses").
 *
 * A notice is read by its own numbering: 一、 (one level), (一) (the next),
 * 1. / 1、 (the next), 第X条 and 【名称】 (top level), each accepted only in
 * sequence (一 then 二 ..., (一) then (二) inside one section), at the start
 * of a line (after spaces, a bullet "- " or "• ", or "答:").  A policy's
 * `clause "ID" = "ANCHOR"` declarations (its clause map) add clauses the
 * numbering does not give: the paragraph (line) of a notice holding ANCHOR.
 * A cite is one or more references separated by ';'; a reference is its
 * text up to the first space (the rest is a gloss), e.g. 三、6, 一(一)1、2,
 * 三、1-4, 二¶2 (the second paragraph of 二), 001·一、1 (clause 一、1 of the
 * notice whose file name starts with 001), 004 (the whole notice).
 *
 * The notices directory is found as check_notice.c documents
 * (clause_notices_dir).  Used by the checker (check_notice.c: unresolved
 * cites, untranscribed clauses), `polc doc` (tools/doc.c) and the
 * explanations (clause_words).  Nothing here needs the syntax tree: the
 * clause map also rides in a compiled policy's meta (keys "clause ID").
 *
 * Ownership: a clause_set owns its texts and nodes; free with
 * clause_set_free.  clause_words returns malloc'd text (free()).
 */
#ifndef POL_CLAUSE_H
#define POL_CLAUSE_H

#include <stdbool.h>
#include <stddef.h>

#include "lang.h"

#include "bytecode.h"

#define CLAUSE_META_PREFIX "clause " /* meta key of a clause-map entry: "clause ID" */

typedef struct clause_node {
    int level;         /* 1: 一、/第X条/【名称】, 2: (一), 3: 1., 4: a map entry  */
    char id[96];       /* 一(一)1, 三、6, 导语2, or the map's ID               */
    char key[48];      /* this level's part: 一, 一 (of (一)), 1, 导语          */
    int parent;        /* index, or -1                                       */
    size_t head;       /* start of its heading line                          */
    size_t own_end;    /* end of its own text: its first child's heading, or end */
    size_t end;        /* end of the clause, children included               */
    int last2, last3;  /* the number of the last (一) and 1. child accepted    */
    bool rule_bearing; /* its own text states a number: clause_rule_word      */
    bool cited;        /* the checker: some cite resolves to it or inside it  */
    bool ones;         /* every point so far was written "1." (a Markdown list) */
} clause_node;

typedef struct clause_doc {
    char *name;        /* the file name, as the header writes it           */
    char *text;        /* NULL: not found (then nothing resolves in it)     */
    size_t len;
    clause_node *v;
    int n, cap;
} clause_doc;

typedef struct clause_set {
    clause_doc *docs;
    int ndocs;
    char dir[4096], shown[4096];
} clause_set;

/* One resolved place: a clause, or one paragraph of it (para > 0), or the
 * whole notice (node -1). */
typedef struct clause_ref { int doc, node, para; } clause_ref;

/* The notices directory for the policy file `policy` into dir (to open) and
 * shown (to print), each PATH_MAX bytes; false: none, nothing is checked. */
bool clause_notices_dir(const char *policy, char *dir, char *shown, bool *from_env);

/* The notices named by `notice` (comma-separated file names) for the policy
 * file `policy`; NULL when there is no notices directory or no name. */
clause_set *clause_set_open(const char *policy, const char *notice);
/* The same for a compiled program: its meta's notice key and clause map.
 * policy: the file it was loaded from (to find the notices directory). */
clause_set *clause_set_for_program(const bc_program *p, const char *policy);
/* One notice given as text (copied): for tests and the fuzz harness. */
clause_set *clause_set_from_text(const char *name, const char *text, size_t len);
void clause_set_free(clause_set *s);

/* Adds a clause-map entry: ID is the paragraph holding anchor.  Returns 0,
 * or -1 when the anchor is in no notice, -2 when it is in more than one
 * place, -3 when ID is already a clause map entry. */
int clause_map_add(clause_set *s, const char *id, const char *anchor);

/* Resolves the reference ref[0..n) (one part of a cite, gloss removed) into
 * out (at most max places); returns how many, or -1 with a reason in why. */
int clause_resolve(const clause_set *s, const char *ref, size_t n, clause_ref *out, int max, char *why, size_t whyn);
/* The same with the reason in language lang (lang.h). */
int clause_resolve_in(pol_lang lang, const clause_set *s, const char *ref, size_t n, clause_ref *out, int max, char *why,
                      size_t whyn);

/* Calls f for each reference of a cite (split at ';', gloss removed). */
void clause_each_ref(const char *cite, void (*f)(const char *ref, size_t n, size_t off, void *arg), void *arg);

/* The text of a place (a clause with its children, one paragraph, or the
 * whole notice), as [*start, *end) of s->docs[r.doc].text, trimmed. */
void clause_span(const clause_set *s, clause_ref r, size_t *start, size_t *end);

/* The words of every clause a cite names, for the explanations (polint.h's
 * pol_explain_opts.clause_words): each clause "ID\x1fWORDS" ("ID¶N" for one
 * paragraph), '\x1e' between clauses; WORDS one line per line of the
 * notice, trimmed, blank lines and empty image links dropped.  NULL when
 * none resolves; malloc'd. */
char *clause_words(const clause_set *s, const char *cite);
/* The same, as pol_explain_opts.clause_words (runtime/polint.h) takes it:
 * ctx is the clause_set.  polrun and polserve pass it. */
char *clause_words_for(void *ctx, const char *cite);

/* The first number in text[0..n) that states a rule (an amount in 元, a
 * rate in %, a period in 个月/天/日前), into word; false when none. */
bool clause_rule_word(const char *text, size_t n, char *word, size_t wn);

#endif
