/* check_notice.c -- the header's `notice` key: the notice files a policy
 * transcribes, looked up in the notices directory (docs/language.md, "The
 * header"); and, when they are at hand, its citations checked against
 * their clauses (compiler/clause.h; docs/language.md, "Clauses").  The directory is $POL_NOTICES_DIR if set, else the first
 * `shared/notices` found in the policy's directory or a directory above it
 * (in a checkout: `../shared/notices` beside the repository).  No directory:
 * nothing is checked, so a clone without the notices passes; a directory
 * without a named file: a warning.  Shares check_int.h with the checker. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "check_int.h"
#include "clause.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The file in dir that shares the longest prefix (at least 3 bytes) with
 * name, if one alone does, into out. */
static bool closest_notice(const char *dir, const char *name, char *out, size_t n)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return false;
    size_t best = 2;
    int ties = 0;
    for (struct dirent *e; (e = readdir(dp));) {
        size_t k = 0;
        while (name[k] && name[k] == e->d_name[k])
            k++;
        if (k > best) {
            best = k, ties = 1;
            snprintf(out, n, "%s", e->d_name);
        } else if (k == best && ties)
            ties++;
    }
    closedir(dp);
    return ties == 1;
}

void chk_notice(chk_ctx *c, const ast_meta *m)
{
    if (m->value->kind != EX_STR)
        return;
    char dir[PATH_MAX], shown[PATH_MAX];
    bool from_env;
    if (!clause_notices_dir(c->f->name, dir, shown, &from_env))
        return;
    /* one or more file names, separated by commas */
    for (const char *s = m->value->text;;) {
        while (*s == ' ' || *s == ',')
            s++;
        if (!*s)
            break;
        size_t len = strcspn(s, ",");
        while (len && s[len - 1] == ' ')
            len--;
        char name[NAME_MAX + 1], path[PATH_MAX + NAME_MAX + 2], near[NAME_MAX + 1];
        snprintf(name, sizeof name, "%.*s", (int)len, s);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        /* the name itself when the literal has no escapes, else the literal */
        span sp = m->value->sp;
        const char *text = m->value->text;
        if (sp.end - sp.start == strlen(text) + 2)
            sp = (span){sp.start + 1 + (uint32_t)(s - text), sp.start + 1 + (uint32_t)(s - text + len)};
        struct stat st;
        if (len > NAME_MAX || strchr(name, '/') || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (closest_notice(dir, name, near, sizeof near))
                REPORT(sp, DC_UNKNOWN_NOTICE, "no notice '%s' in %s; did you mean '%s'?", name, shown, near);
            else
                REPORT(sp, DC_UNKNOWN_NOTICE,
                       "no notice '%s' in %s (the notices directory%s)", name, shown,
                       from_env ? FRAG(" POL_NOTICES_DIR names") : FRAG("; POL_NOTICES_DIR names another"));
        }
        s += strcspn(s, ",");
    }
}

/* ---- citations (chk_citations) ---- */

typedef struct cite_walk {
    chk_ctx *c;
    clause_set *s;
    const char *cite;
    span sp;      /* the cite's string literal */
    bool report;  /* the policy's own file (an import reports in its own check) */
} cite_walk;

static void mark_up(clause_doc *d, int k)
{
    for (; k >= 0; k = d->v[k].parent)
        d->v[k].cited = true;
}

/* A reference that resolves to no clause: fmt (a msgid taking the
 * reference, then the reason) with why, the reason in English, and the
 * reason in the diagnostics' language found again (clause_resolve_in). */
static void unresolved(chk_ctx *c, const clause_set *s, span sp, const char *fmt, int n, const char *ref, const char *why)
{
    if (chk_follow_on(c->p, DC_CITE_UNRESOLVED))
        return;
    char en[900], text[900], local[600];
    pol_tr_format(POL_LANG_EN, en, sizeof en, fmt, n, ref, why);
    const char *t = en;
    if (c->d->lang != POL_LANG_EN) {
        clause_ref r[64];
        clause_resolve_in(c->d->lang, s, ref, (size_t)n, r, 64, local, sizeof local);
        pol_tr_format(c->d->lang, text, sizeof text, fmt, n, ref, local);
        t = text;
    }
    diag_report_text(c->d, c->f, sp, DC_CITE_UNRESOLVED, en, t);
}

static void walk_ref(const char *ref, size_t n, size_t off, void *arg)
{
    cite_walk *w = arg;
    chk_ctx *c = w->c;
    clause_ref r[64];
    char why[600];
    int k = clause_resolve(w->s, ref, n, r, 64, why, sizeof why);
    if (k < 0) {
        if (!w->report)
            return;
        span sp = w->sp;
        if (sp.end - sp.start == strlen(w->cite) + 2) /* no escapes: underline the reference itself */
            sp = (span){sp.start + 1 + (uint32_t)off, sp.start + 1 + (uint32_t)(off + n)};
        unresolved(c, w->s, sp, N_("cite '%.*s' resolves to no clause: %s"), (int)n, ref, why);
        return;
    }
    for (int i = 0; i < k; i++)
        if (r[i].node >= 0)
            mark_up(&w->s->docs[r[i].doc], r[i].node);
}

static void walk_cite(cite_walk *w, const char *cite, span sp, bool own)
{
    if (!cite)
        return;
    w->cite = cite, w->sp = sp, w->report = own;
    clause_each_ref(cite, walk_ref, w);
}

static void walk_versions(cite_walk *w, const ast_version *v, bool own)
{
    for (; v; v = v->next)
        walk_cite(w, v->an.cite, v->an.cite_sp, own);
}

void chk_citations(chk_ctx *c)
{
    const ast_meta *notice = NULL;
    for (const ast_meta *m = c->p->meta; m; m = m->next)
        if ((!strcmp(m->key, POL_KEY_NOTICE) || !strcmp(m->key, POL_KEY_NOTICE_ZH)) && m->value->kind == EX_STR)
            notice = m;
    clause_set *s = notice ? clause_set_open(c->f->name, notice->value->text) : NULL;
    if (!s)
        return; /* no notice, or no notices directory: nothing to check against */
    for (int i = 0; i < s->ndocs; i++)
        if (!s->docs[i].text) { /* chk_notice has said so */
            clause_set_free(s);
            return;
        }
    for (const ast_clause *cl = c->p->clauses; cl; cl = cl->next) {
        if (!cl->anchor) {
            if (!cl->note && !cl->imported)
                REPORT(cl->id_sp, DC_CLAUSE_MAP,
                       "clause '%s' gives neither its place (= \"words of the notice\") nor why no rule cites it (note \"...\")", cl->id);
            continue;
        }
        int r = clause_map_add(s, cl->id, cl->anchor);
        if (cl->imported)
            continue;
        if (r == -1)
            REPORT(cl->anchor_sp, DC_CLAUSE_MAP, "clause '%s': the words '%s' are in none of the policy's notices", cl->id, cl->anchor);
        else if (r == -2)
            REPORT(cl->anchor_sp, DC_CLAUSE_MAP, "clause '%s': the words '%s' appear more than once in the notices; quote more of them",
                   cl->id, cl->anchor);
        else if (r == -3)
            REPORT(cl->id_sp, DC_CLAUSE_MAP, "clause '%s' is declared twice", cl->id);
    }
    cite_walk w = {c, s, NULL, {0, 0}, false};
    for (const ast_decl *x = c->p->decls; x; x = x->next) {
        bool own = !x->imported;
        walk_cite(&w, x->an.cite, x->an.cite_sp, own);
        walk_versions(&w, x->versions, own);
        for (const ast_row *r = x->rows; r; r = r->next) {
            bool rown = own || (r->overridden && SPAN_FILE(r->sp.start) == 0); /* override param T[ROW] in this file */
            walk_cite(&w, r->an.cite, r->an.cite_sp, rown);
            walk_versions(&w, r->versions, rown);
            for (const ast_row *y = r->sub; y; y = y->next) { /* a table by two keys */
                bool yown = own || (y->overridden && SPAN_FILE(y->sp.start) == 0);
                walk_cite(&w, y->an.cite, y->an.cite_sp, yown);
                walk_versions(&w, y->versions, yown);
            }
        }
        for (const ast_member *m = x->members; m; m = m->next)
            walk_cite(&w, m->an.cite, m->an.cite_sp, own);
        for (const ast_item *it = x->items; it; it = it->next)
            walk_cite(&w, it->cite, it->sp, own);
    }
    /* clauses deliberately not transcribed: the clause and everything in it */
    for (const ast_clause *cl = c->p->clauses; cl; cl = cl->next) {
        if (cl->anchor)
            continue;
        clause_ref r[64];
        char why[600];
        int k = clause_resolve(s, cl->id, strlen(cl->id), r, 64, why, sizeof why);
        if (k < 0 && !cl->imported)
            unresolved(c, s, cl->id_sp, N_("clause '%.*s' resolves to no clause: %s"), (int)strlen(cl->id), cl->id, why);
        for (int i = 0; i < k; i++) {
            clause_doc *d = &s->docs[r[i].doc];
            if (r[i].node < 0) {
                for (int j = 0; j < d->n; j++)
                    d->v[j].cited = true;
                continue;
            }
            mark_up(d, r[i].node);
            for (int j = 0; j < d->n; j++)
                for (int a = d->v[j].parent; a >= 0; a = d->v[a].parent)
                    if (a == r[i].node)
                        d->v[j].cited = true;
        }
    }
    for (int i = 0; i < s->ndocs; i++) {
        const clause_doc *d = &s->docs[i];
        for (int k = 0; k < d->n; k++) {
            const clause_node *x = &d->v[k];
            char word[64];
            if (x->level == 4 || x->cited || !clause_rule_word(d->text + x->head, x->own_end - x->head, word, sizeof word))
                continue;
            REPORT(notice->value->sp, DC_CLAUSE_UNCITED,
                   "clause %s of %s states a rule (%s) that nothing cites: transcribe it, or say why not with clause \"%s\" note \"...\"",
                   x->id, d->name, word, x->id);
        }
    }
    clause_set_free(s);
}
