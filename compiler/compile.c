/* compile.c -- the compiler driver: parse (with imports), check, generate
 * (compile.h).
 *
 * `import "framework.pol"` makes another policy's declarations part of this
 * one (its tests and header stay behind, and its outputs become rules: the
 * importer names its own outputs); `override param` then replaces an
 * imported parameter, which is how a local policy adapts a framework and how
 * a reform ("what if the rate were 8%?") is written without copying.  Paths
 * are relative to the importing file.  Each file gets an id that its spans
 * carry (diag.h), so every diagnostic and runtime position names the right
 * file.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "compile.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "codegen.h"
#include "file.h"
#include "mem.h"
#include "typecheck.h"

/* Imports nest at most this deep (a.pol imports b.pol imports ...): loading
 * recurses once per level, and so that the message names the chain's fault
 * rather than the 256-file limit of diag.h. */
#define POL_MAX_IMPORT_DEPTH 64

typedef struct loader {
    arena *a;
    diag_ctx *d;
    uint32_t nfiles;
    int depth;                     /* imports being loaded, one inside another */
    char *paths[DIAG_MAX_FILES];   /* canonical paths of files loaded so far */
    bool active[DIAG_MAX_FILES];   /* on the import stack (cycle detection) */
    ast_decl *head, **tail;        /* imported declarations, in order       */
    ast_clause *clauses;           /* imported clause maps, in order         */
} loader;

#define dup_str pol_xstrdup

/* path of `rel` relative to the directory of `from` */
static char *relative_to(const char *from, const char *rel)
{
    if (rel[0] == '/')
        return dup_str(rel);
    const char *slash = strrchr(from, '/');
    size_t dir = slash ? (size_t)(slash - from) + 1 : 0;
    char *out = pol_xmalloc(dir + strlen(rel) + 1);
    memcpy(out, from, dir);
    strcpy(out + dir, rel);
    return out;
}

static void resolve_imports(loader *L, const src_file *from, ast_policy *tree);

/* strerror(e), as a fragment (lang.h) when it is one of the usual reasons
 * a file cannot be read, so that a Chinese message gives it in Chinese. */
static const char *errno_frag(int e)
{
    static const char *const frags[] = {
        FRAG("No such file or directory"), FRAG("Permission denied"), FRAG("Is a directory"), FRAG("Not a directory"),
    };
    const char *s = strerror(e);
    for (size_t i = 0; i < sizeof frags / sizeof *frags; i++)
        if (strcmp(frags[i] + 1, s) == 0)
            return frags[i];
    return s;
}

/* Loads and parses one imported file; appends its declarations. */
static void load_import(loader *L, const src_file *from, const ast_decl *imp)
{
    char *path = relative_to(from->name, imp->name);
    char *real = realpath(path, NULL); /* on the heap: this recurses once per level of imports */
    const char *canon = real ? real : path;
    for (uint32_t i = 0; i < L->nfiles; i++) {
        if (L->paths[i] && strcmp(L->paths[i], canon) == 0) {
            if (L->active[i])
                diag_report(L->d, from, imp->name_sp, DC_IMPORT_CYCLE,
                            "'%s' imports itself (directly or through other files)", imp->name);
            free(real);
            free(path); /* already loaded: its declarations are in */
            return;
        }
    }
    const char *limit = L->nfiles >= DIAG_MAX_FILES ? N_("more than %d files in one policy")
                        : L->depth >= POL_MAX_IMPORT_DEPTH ? N_("imports nested more than %d deep")
                                                           : NULL;
    if (limit) {
        diag_report(L->d, from, imp->name_sp, DC_LIMIT, limit,
                    L->nfiles >= DIAG_MAX_FILES ? DIAG_MAX_FILES : POL_MAX_IMPORT_DEPTH);
        free(real);
        free(path);
        return;
    }
    size_t len;
    char *text = pol_read_file(path, POL_SOURCE_LIMIT, &len);
    if (!text) {
        diag_report(L->d, from, imp->name_sp, DC_IMPORT, "cannot read '%s': %s", path, errno_frag(errno));
        free(real);
        free(path);
        return;
    }
    src_file *f = src_new(path, text, len);
    free(text);
    if (!f) {
        diag_report(L->d, from, imp->name_sp, DC_LIMIT, "'%s' is larger than 16 MiB", path);
        free(real);
        free(path);
        return;
    }
    uint32_t id = L->nfiles++;
    f->id = id;
    L->paths[id] = dup_str(canon);
    free(real);
    L->active[id] = true;
    diag_add_file(L->d, f, true);
    free(path);
    if (memchr(f->text, 0, f->len)) {
        span nul = {SPAN_BASE(id), SPAN_BASE(id) + 1};
        diag_report(L->d, f, nul, DC_LEX, "NUL byte in the source");
        L->active[id] = false;
        return;
    }
    ast_policy *tree = pol_parse(L->a, L->d, f);
    if (tree) {
        L->depth++;
        resolve_imports(L, f, tree);
        L->depth--;
        for (ast_decl *x = tree->decls; x;) {
            ast_decl *next = x->next;
            if (x->kind != D_TEST && x->kind != D_IMPORT && x->kind != D_FINDING) { /* its notice's own */
                x->imported = true;
                if (x->kind == D_OUTPUT)
                    x->kind = D_RULE; /* the importer chooses its own outputs */
                x->next = NULL;
                *L->tail = x;
                L->tail = &x->next;
            }
            x = next;
        }
        /* its clause map comes along (compiler/clause.h), after the maps it imported */
        ast_clause **cp = &L->clauses;
        while (*cp)
            cp = &(*cp)->next;
        *cp = tree->clauses;
        for (ast_clause *cl = tree->clauses; cl; cl = cl->next)
            cl->imported = true;
    }
    L->active[id] = false;
}

static void resolve_imports(loader *L, const src_file *from, ast_policy *tree)
{
    for (ast_decl *x = tree->decls; x; x = x->next)
        if (x->kind == D_IMPORT)
            load_import(L, from, x);
}

/* The front end shared by pol_compile and pol_analyze: source, parse (with
 * imports), check.  Returns the tree (NULL when there is none: no source or
 * a fatal parse error); *checked_ok: the checker found no error. */
static ast_policy *front_end(const char *name, const char *text, size_t len, diag_ctx *d, src_file **srcp, arena *a,
                             chk_result *r, bool *checked_ok)
{
    *srcp = NULL;
    *checked_ok = false;
    memset(r, 0, sizeof *r);
    src_file *f = src_new(name, text, len);
    if (!f) {
        diag_report(d, NULL, DIAG_NO_SPAN, DC_LIMIT, "%s: source larger than 16 MiB (the limit is 16 MiB - 1 byte)", name);
        return NULL;
    }
    *srcp = f;
    f->id = 0;
    diag_add_file(d, f, false);
    if (memchr(text, 0, len)) {
        uint32_t at = (uint32_t)((const char *)memchr(text, 0, len) - text);
        span nul = {at, at + 1};
        diag_report(d, f, nul, DC_LEX, "NUL byte in the source");
        return NULL;
    }
    loader L;
    memset(&L, 0, sizeof L);
    L.a = a;
    L.d = d;
    L.nfiles = 1;
    char canon_buf[PATH_MAX];
    L.paths[0] = dup_str(realpath(name, canon_buf) ? canon_buf : name);
    L.active[0] = true;
    L.tail = &L.head;
    ast_policy *tree = pol_parse(a, d, f);
    if (tree)
        resolve_imports(&L, f, tree);
    if (tree) {
        /* Check even after syntax errors, to report every error at once; the
         * checker leaves out what the missing declarations would cause, and
         * no code is generated. */
        tree->partial = d->errors > 0; /* the parser marked the damaged declarations */
        /* imported declarations first, then this file's own */
        ast_decl **pp = &tree->decls;
        while (*pp) {
            if ((*pp)->kind == D_IMPORT)
                *pp = (*pp)->next;
            else
                pp = &(*pp)->next;
        }
        *L.tail = tree->decls;
        tree->decls = L.head;
        /* this file's clause map, then the imported entries it does not redeclare */
        ast_clause **cp = &tree->clauses;
        while (*cp)
            cp = &(*cp)->next;
        for (ast_clause *cl = L.clauses, *next; cl; cl = next) {
            next = cl->next;
            bool dup = false;
            for (ast_clause *o = tree->clauses; o && !dup; o = o->next)
                dup = !strcmp(o->id, cl->id);
            if (!dup) {
                cl->next = NULL;
                *cp = cl;
                cp = &cl->next;
            }
        }
        *checked_ok = chk_policy(a, d, f, tree, r);
    }
    for (uint32_t i = 0; i < L.nfiles; i++)
        free(L.paths[i]);
    return tree;
}

bc_program *pol_compile(const char *name, const char *text, size_t len, diag_ctx *d, src_file **srcp)
{
    arena a;
    arena_init(&a);
    bc_program *p = NULL;
    chk_result r;
    bool ok;
    ast_policy *tree = front_end(name, text, len, d, srcp, &a, &r, &ok);
    if (tree && ok && d->errors == 0 && !tree->partial) {
        src_file *f = *srcp;
        p = cg_program(f, tree, &r, d);
        char err[600];
        if (p && !bc_verify(p, err, sizeof err) && strstr(err, "stack deeper than")) {
            /* within the depth budget, but nested to the right (max(1, max(1, ...)))
             * so that more values wait on the machine's stack than it holds */
            diag_report(d, NULL, DIAG_NO_SPAN, DC_LIMIT,
                        "%s: a formula needs more than %d values on the evaluation stack at once "
                        "(nested too deeply to the right, like max(1, max(1, ...))); split it into rules",
                        name, BC_MAX_STACK);
            bc_free(p);
            p = NULL;
        }
    }
    arena_free(&a);
    return p;
}

bool pol_analyze(const char *name, const char *text, size_t len, diag_ctx *d, pol_analysis *out)
{
    memset(out, 0, sizeof *out);
    arena_init(&out->a);
    out->tree = front_end(name, text, len, d, &out->src, &out->a, &out->r, &out->checked);
    return out->tree != NULL;
}

void pol_analysis_free(pol_analysis *an)
{
    arena_free(&an->a);
    src_free(an->src);
    memset(an, 0, sizeof *an);
}

bc_program *pol_compile_path(const char *path, diag_ctx *d, src_file **src, bool *read_failed)
{
    size_t len;
    *src = NULL;
    char *text = pol_read_file(path, POL_SOURCE_LIMIT, &len);
    if (!text && errno == EFBIG) { /* a policy error, not an I/O one */
        *read_failed = false;
        diag_report(d, NULL, DIAG_NO_SPAN, DC_LIMIT, "%s: source larger than 16 MiB (the limit is 16 MiB - 1 byte)", path);
        return NULL;
    }
    *read_failed = text == NULL;
    if (!text)
        return NULL;
    bc_program *p = pol_compile(path, text, len, d, src);
    free(text);
    return p;
}

