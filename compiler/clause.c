/* clause.c -- a notice cut into its numbered clauses, and cites resolved to
 * them.  The contract is in clause.h; the checker's use in check_notice.c,
 * the literate page's in tools/doc.c. */
#define _GNU_SOURCE /* memmem, realpath */
#include "clause.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "lang.h"
#include "mem.h"
#include "utf8.h"

/* ---- the notices directory ---- */

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The policy's directory as written, `up` levels higher, lexically
 * ("policies/weinan" 3 up: ".."), into out. */
static void lexical_up(const char *policy, int up, char *out, size_t n)
{
    const char *slash = strrchr(policy, '/');
    size_t len = slash ? (size_t)(slash - policy) + (slash == policy) : 0;
    snprintf(out, n, "%.*s", (int)len, policy);
    for (int i = 0; i < up; i++) {
        char *s = strrchr(out, '/');
        const char *last = s ? s + 1 : out;
        if (*last && strcmp(last, "..") && strcmp(last, "."))
            *(s ? (s == out ? s + 1 : s) : out) = '\0';
        else if (strcmp(out, "/") != 0) {
            size_t l = strlen(out);
            snprintf(out + l, n - l, "%s..", l ? "/" : "");
        }
    }
}

bool clause_notices_dir(const char *policy, char *dir, char *shown, bool *from_env)
{
    const char *env = getenv("POL_NOTICES_DIR");
    *from_env = env && *env;
    if (*from_env) {
        snprintf(dir, PATH_MAX, "%s", env);
        snprintf(shown, PATH_MAX, "%s", env);
        return is_dir(dir);
    }
    char real[PATH_MAX];
    if (!policy || !realpath(policy, real))
        return false; /* not a file (standard input, a library caller's name) */
    *strrchr(real, '/') = '\0';
    for (int up = 0;; up++) {
        /* a path too long to exist is not looked up; its parents may be */
        if (snprintf(dir, PATH_MAX, "%s/shared/notices", real) < PATH_MAX && is_dir(dir)) {
            lexical_up(policy, up, shown, PATH_MAX);
            size_t l = strlen(shown);
            snprintf(shown + l, PATH_MAX - l, "%sshared/notices", l && shown[l - 1] != '/' ? "/" : "");
            return true;
        }
        char *s = strrchr(real, '/');
        if (!s)
            return false; /* the root's parent was searched */
        *s = '\0';
    }
}

/* ---- characters ---- */

static uint32_t cp_at(const char *s, size_t n, size_t *len)
{
    uint32_t cp;
    *len = n ? utf8_next((const unsigned char *)s, n, &cp) : 0;
    return n ? cp : 0;
}

static int cn_digit(uint32_t cp)
{
    static const uint32_t d[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
    for (int i = 0; i < 10; i++)
        if (cp == d[i])
            return i;
    if (cp == 0x5341) /* 十 */
        return 10;
    if (cp == 0x767E) /* 百 */
        return 100;
    return -1;
}

/* A run of Chinese numerals at s: its byte length and value (0: none). */
static size_t cn_number(const char *s, size_t n, int *value)
{
    size_t i = 0, l;
    int total = 0, cur = 0;
    for (int d; i < n && (d = cn_digit(cp_at(s + i, n - i, &l))) >= 0; i += l) {
        if (d >= 10) {
            total += (cur ? cur : 1) * d;
            cur = 0;
        } else
            cur = cur * 10 + d;
    }
    *value = total + cur;
    return i;
}

static size_t ascii_number(const char *s, size_t n, int *value)
{
    size_t i = 0;
    *value = 0;
    while (i < n && i < 4 && s[i] >= '0' && s[i] <= '9')
        *value = *value * 10 + (s[i++] - '0');
    return i;
}

/* Punctuation after a heading's number: 、 ． . (and for points 、 . ．). */
static size_t heading_mark(const char *s, size_t n)
{
    size_t l;
    uint32_t cp = cp_at(s, n, &l);
    return cp == 0x3001 || cp == 0xFF0E || cp == '.' ? l : 0;
}

static size_t skip_lead(const char *s, size_t n)
{
    size_t i = 0, l;
    for (;;) {
        uint32_t cp = cp_at(s + i, n - i, &l);
        if (cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0)
            i += l;
        else if ((cp == '-' || cp == '*' || cp == 0x2022) && i + l < n && (s[i + l] == ' ' || s[i + l] == '\t'))
            i += l;
        else if (cp == 0x7B54 /* 答 */) {
            size_t l2;
            uint32_t c2 = cp_at(s + i + l, n - i - l, &l2);
            if (c2 != 0xFF1A && c2 != ':')
                return i;
            i += l + l2;
        } else
            return i;
    }
}

/* ---- reading a notice ---- */

typedef struct heading { int level, num; bool named; char key[48]; } heading;

static bool parse_heading(const char *s, size_t n, heading *h)
{
    size_t i = skip_lead(s, n), l, k;
    memset(h, 0, sizeof *h);
    uint32_t cp = cp_at(s + i, n - i, &l);
    if (cp == 0x3010) { /* 【名称】 */
        const char *e = memmem(s + i, n - i, "\xE3\x80\x91", 3);
        size_t len = e ? (size_t)(e - s) - i - l : 0;
        if (!len || len >= sizeof h->key)
            return false;
        memcpy(h->key, s + i + l, len);
        h->level = 1, h->named = true;
        return true;
    }
    if (cp == 0x7B2C) { /* 第X条 */
        size_t j = i + l;
        k = cn_number(s + j, n - j, &h->num);
        if (!k)
            k = ascii_number(s + j, n - j, &h->num);
        if (!k || cp_at(s + j + k, n - j - k, &l) != 0x6761 /* 条 */ || j + k + l - i >= sizeof h->key)
            return false;
        memcpy(h->key, s + i, j + k + l - i);
        h->level = 1, h->named = true;
        return true;
    }
    if ((k = cn_number(s + i, n - i, &h->num)) && heading_mark(s + i + k, n - i - k)) {
        memcpy(h->key, s + i, k);
        h->level = 1;
        return h->num > 0;
    }
    if (cp == '(' || cp == 0xFF08) {
        size_t j = i + l;
        if ((k = cn_number(s + j, n - j, &h->num)) && k < sizeof h->key) {
            uint32_t c2 = cp_at(s + j + k, n - j - k, &l);
            if (c2 == ')' || c2 == 0xFF09) {
                memcpy(h->key, s + j, k);
                h->level = 2;
                return h->num > 0;
            }
        }
        return false;
    }
    if ((k = ascii_number(s + i, n - i, &h->num)) && heading_mark(s + i + k, n - i - k)) {
        snprintf(h->key, sizeof h->key, "%d", h->num); /* 01. is point 1, as a cite gives it */
        h->level = 3;
        return h->num > 0;
    }
    return false;
}

static int add_node(clause_doc *d)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = pol_xrealloc(d->v, (size_t)d->cap * sizeof *d->v);
    }
    memset(&d->v[d->n], 0, sizeof d->v[d->n]);
    d->v[d->n].parent = -1;
    d->v[d->n].own_end = SIZE_MAX;
    d->v[d->n].ones = true;
    return d->n++;
}

static void close_node(clause_doc *d, int k, size_t at)
{
    if (k >= 0 && d->v[k].end == 0)
        d->v[k].end = at;
}

static bool is_sep(uint32_t cp) { return cp == 0x3001 || cp == '.' || cp == 0xFF0E; }

/* The top-level part of a reference: 一, 第X条, 【名称】 or a bare name (up
 * to the first ASCII character, ¶, ·, （ or separator).  Sets key[0..kn) (kn 0:
 * none) and returns how much of ref it takes. */
static size_t top_key(const char *ref, size_t n, const char **key, size_t *kn)
{
    size_t l, k = 0;
    int v;
    *key = ref, *kn = 0;
    uint32_t cp = cp_at(ref, n, &l);
    if (cp == 0x3010) {
        const char *e = memmem(ref, n, "\xE3\x80\x91", 3);
        if (!e)
            return 0;
        *key = ref + l, *kn = (size_t)(e - *key);
        return *kn + l + 3;
    }
    if (cp == 0x7B2C) { /* 第X条, X in Chinese or Arabic digits */
        size_t j = l, l2;
        if (!(k = cn_number(ref + j, n - j, &v)))
            k = ascii_number(ref + j, n - j, &v);
        if (k && cp_at(ref + j + k, n - j - k, &l2) == 0x6761 /* 条 */)
            return *kn = j + k + l2;
        k = 0;
    }
    if ((k = cn_number(ref, n, &v)))
        return *kn = k;
    while (k < n) {
        uint32_t c = cp_at(ref + k, n - k, &l);
        if (c < 0x80 || c == 0xB6 || c == 0xB7 || c == 0xFF08 || is_sep(c))
            break;
        k += l;
    }
    return *kn = k;
}

static void read_clauses(clause_doc *d)
{
    int cur[4] = {-1, -1, -1, -1}; /* the open node at levels 1..3 */
    int last1 = 0;
    for (size_t ls = 0; ls < d->len;) {
        const char *nl = memchr(d->text + ls, '\n', d->len - ls);
        size_t le = nl ? (size_t)(nl - d->text) : d->len;
        heading h;
        if (parse_heading(d->text + ls, le - ls, &h)) {
            int parent = h.level == 1 ? -1 : h.level == 2 ? cur[1] : (cur[2] >= 0 ? cur[2] : cur[1]);
            /* a list whose items are all written "1." (as a Markdown list
             * is often copied) counts on: 1, 2, 3 */
            if (h.level == 3 && parent >= 0 && h.num == 1 && d->v[parent].last3 >= 1 && d->v[parent].ones) {
                h.num = d->v[parent].last3 + 1;
                snprintf(h.key, sizeof h.key, "%d", h.num);
            } else if (h.level == 3 && parent >= 0 && h.num > 1)
                d->v[parent].ones = false;
            bool ok = h.level == 1 ? (h.named || h.num == last1 + 1)
                    : parent >= 0 && (h.level == 2 ? h.num == d->v[parent].last2 + 1 : h.num == d->v[parent].last3 + 1);
            if (ok) {
                for (int lv = 3; lv >= h.level; lv--) {
                    close_node(d, cur[lv], ls);
                    cur[lv] = -1;
                }
                int k = add_node(d);
                clause_node *x = &d->v[k];
                x->level = h.level, x->parent = parent, x->head = ls;
                snprintf(x->key, sizeof x->key, "%s", h.key);
                if (parent < 0) {
                    /* a name a reference cannot give bare keeps its brackets */
                    const char *key;
                    size_t kn, kl = strlen(h.key);
                    bool bare = top_key(h.key, kl, &key, &kn) == kl && kn == kl;
                    snprintf(x->id, sizeof x->id, bare ? "%s" : "\xE3\x80\x90%s\xE3\x80\x91", h.key);
                }
                else {
                    clause_node *p = &d->v[parent];
                    if (p->own_end == SIZE_MAX)
                        p->own_end = ls;
                    int v;
                    bool sep = h.level == 3 && p->level == 1 && cn_number(p->key, strlen(p->key), &v) == strlen(p->key);
                    snprintf(x->id, sizeof x->id, h.level == 2 ? "%s(%s)" : sep ? "%s\xE3\x80\x81%s" : "%s%s", p->id, h.key);
                    if (h.level == 2)
                        p->last2 = h.num;
                    else
                        p->last3 = h.num;
                }
                if (h.level == 1 && !h.named)
                    last1 = h.num;
                cur[h.level] = k;
            }
        }
        ls = nl ? le + 1 : le;
    }
    for (int lv = 3; lv >= 1; lv--)
        close_node(d, cur[lv], d->len);
    for (int k = 0; k < d->n; k++) {
        clause_node *x = &d->v[k];
        if (x->own_end == SIZE_MAX)
            x->own_end = x->end;
        char w[64];
        x->rule_bearing = clause_rule_word(d->text + x->head, x->own_end - x->head, w, sizeof w);
    }
}

bool clause_rule_word(const char *text, size_t n, char *word, size_t wn)
{
    static const char *const units[] = {"\xE5\x85\x83" /* 元 */, "%", "\xEF\xBC\x85" /* ％ */,
                                        "\xE4\xB8\xAA\xE6\x9C\x88" /* 个月 */, "\xE5\xA4\xA9" /* 天 */,
                                        "\xE6\x97\xA5\xE5\x89\x8D" /* 日前 */};
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9' || (i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9'))
            continue;
        size_t j = i;
        while (j < n && ((text[j] >= '0' && text[j] <= '9') || (text[j] == '.' && j + 1 < n && text[j + 1] >= '0' && text[j + 1] <= '9')))
            j++;
        size_t k = j;
        while (k < n && text[k] == ' ')
            k++;
        for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
            size_t ul = strlen(units[u]);
            if (k + ul <= n && memcmp(text + k, units[u], ul) == 0) {
                snprintf(word, wn, "%.*s%s", (int)(j - i), text + i, units[u]);
                return true;
            }
        }
        i = j;
    }
    return false;
}

/* ---- sets ---- */

static void set_add_doc(clause_set *s, const char *name, size_t len)
{
    s->docs = pol_xrealloc(s->docs, (size_t)(s->ndocs + 1) * sizeof *s->docs);
    clause_doc *d = &s->docs[s->ndocs++];
    memset(d, 0, sizeof *d);
    d->name = pol_xmalloc(len + 1);
    memcpy(d->name, name, len);
    d->name[len] = '\0';
    if (len > NAME_MAX || memchr(name, '/', len))
        return;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", s->dir, d->name);
    size_t n;
    char *t = pol_read_file(path, POL_SOURCE_LIMIT, &n);
    if (!t)
        return;
    d->text = t, d->len = n;
    read_clauses(d);
}

clause_set *clause_set_open(const char *policy, const char *notice)
{
    if (!notice || !*notice)
        return NULL;
    clause_set *s = pol_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    bool env;
    if (!clause_notices_dir(policy, s->dir, s->shown, &env)) {
        free(s);
        return NULL;
    }
    for (const char *p = notice;;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, ",");
        while (len && p[len - 1] == ' ')
            len--;
        set_add_doc(s, p, len);
        p += strcspn(p, ",");
    }
    return s;
}

clause_set *clause_set_from_text(const char *name, const char *text, size_t len)
{
    clause_set *s = pol_xcalloc(1, sizeof *s);
    s->docs = pol_xcalloc(1, sizeof *s->docs);
    s->ndocs = 1;
    s->docs[0].name = pol_xstrdup(name);
    s->docs[0].text = pol_xmalloc(len + 1);
    memcpy(s->docs[0].text, text, len);
    s->docs[0].text[len] = '\0';
    s->docs[0].len = len;
    snprintf(s->shown, sizeof s->shown, "(text)");
    read_clauses(&s->docs[0]);
    return s;
}

clause_set *clause_set_for_program(const bc_program *p, const char *policy)
{
    const char *notice = NULL;
    for (uint32_t i = 0; i < p->nmeta; i++)
        if (!strcmp(p->meta[i].key, "notice") || !strcmp(p->meta[i].key, "\xE9\x80\x9A\xE7\x9F\xA5\xE5\x8E\x9F\xE6\x96\x87"))
            notice = p->meta[i].value;
    clause_set *s = clause_set_open(policy, notice);
    if (!s)
        return NULL;
    size_t pl = strlen(CLAUSE_META_PREFIX);
    for (uint32_t i = 0; i < p->nmeta; i++)
        if (!strncmp(p->meta[i].key, CLAUSE_META_PREFIX, pl) && *p->meta[i].value)
            clause_map_add(s, p->meta[i].key + pl, p->meta[i].value);
    return s;
}

void clause_set_free(clause_set *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->ndocs; i++) {
        free(s->docs[i].name);
        free(s->docs[i].text);
        free(s->docs[i].v);
    }
    free(s->docs);
    free(s);
}

static int find_map(const clause_set *s, const char *id, size_t n, int *doc)
{
    for (int i = 0; i < s->ndocs; i++)
        for (int k = 0; k < s->docs[i].n; k++)
            if (s->docs[i].v[k].level == 4 && strlen(s->docs[i].v[k].id) == n && !memcmp(s->docs[i].v[k].id, id, n)) {
                *doc = i;
                return k;
            }
    return -1;
}

int clause_map_add(clause_set *s, const char *id, const char *anchor)
{
    int dd, found = -1;
    size_t at = 0, al = strlen(anchor);
    if (find_map(s, id, strlen(id), &dd) >= 0)
        return -3;
    if (!al)
        return -1;
    for (int i = 0; i < s->ndocs; i++) {
        const clause_doc *d = &s->docs[i];
        for (const char *t = d->text; d->text && (t = memmem(t, d->len - (size_t)(t - d->text), anchor, al)); t++) {
            if (found >= 0)
                return -2;
            found = i, at = (size_t)(t - d->text);
        }
    }
    if (found < 0)
        return -1;
    clause_doc *d = &s->docs[found];
    size_t ls = at, le = at;
    while (ls > 0 && d->text[ls - 1] != '\n')
        ls--;
    while (le < d->len && d->text[le] != '\n')
        le++;
    /* an anchor that ends its line (a heading) takes the next paragraph too */
    size_t rest = at + al;
    while (rest < le && (d->text[rest] == ' ' || d->text[rest] == '\r' || d->text[rest] == ':' ||
                         !strncmp(d->text + rest, "\xEF\xBC\x9A", 3)))
        rest += d->text[rest] == ' ' || d->text[rest] == '\r' || d->text[rest] == ':' ? 1 : 3;
    if (rest >= le) {
        size_t p = le;
        while (p < d->len && (d->text[p] == '\n' || d->text[p] == ' ' || d->text[p] == '\r' || d->text[p] == '\t'))
            p++;
        if (p < d->len) {
            le = p;
            while (le < d->len && d->text[le] != '\n')
                le++;
        }
    }
    int parent = -1;
    for (int k = 0; k < d->n; k++)
        if (d->v[k].level < 4 && d->v[k].head <= ls && le <= d->v[k].end)
            parent = k; /* nodes are in text order: the last container is the deepest */
    int k = add_node(d);
    clause_node *x = &d->v[k];
    x->level = 4, x->parent = parent, x->head = ls, x->own_end = x->end = le;
    snprintf(x->id, sizeof x->id, "%s", id);
    snprintf(x->key, sizeof x->key, "%.*s", (int)(sizeof x->key - 1), id);
    char w[64];
    x->rule_bearing = clause_rule_word(d->text + ls, le - ls, w, sizeof w);
    return 0;
}

/* ---- resolving a reference ---- */

/* Whether ref[0..n) names notice i by its file name's start (004: 004_....txt). */
static bool names_doc(const clause_set *s, int i, const char *ref, size_t n)
{
    const char *name = s->docs[i].name;
    return n && strncmp(name, ref, n) == 0 && (name[n] == '\0' || name[n] == '_' || name[n] == '.');
}

static int child(const clause_doc *d, int parent, int level, const char *key, size_t kn)
{
    for (int k = 0; k < d->n; k++)
        if (d->v[k].parent == parent && d->v[k].level == level && strlen(d->v[k].key) == kn && !memcmp(d->v[k].key, key, kn))
            return k;
    return -1;
}

static bool has_children(const clause_doc *d, int parent)
{
    for (int k = parent + 1; k < d->n; k++)
        if (d->v[k].parent == parent)
            return true;
    return false;
}

static void list_children(const clause_doc *d, int parent, char *out, size_t n)
{
    size_t o = 0;
    out[0] = '\0';
    for (int k = 0; k < d->n && o < n; k++)
        if (d->v[k].parent == parent && d->v[k].level < 4)
            o += (size_t)snprintf(out + o, n - o, "%s%s%s%s", o ? ", " : "", d->v[k].level == 2 ? "(" : "", d->v[k].key,
                                  d->v[k].level == 2 ? ")" : "");
}

static int paragraphs(const clause_doc *d, int k)
{
    const clause_node *x = &d->v[k];
    int count = 0;
    size_t p = x->head;
    const char *nl = memchr(d->text + p, '\n', x->own_end - p);
    for (p = nl ? (size_t)(nl - d->text) + 1 : x->own_end; p < x->own_end;) {
        const char *e = memchr(d->text + p, '\n', x->own_end - p);
        size_t le = e ? (size_t)(e - d->text) : x->own_end;
        size_t lead = skip_lead(d->text + p, le - p);
        if (p + lead < le && !(le - p - lead == 1 && d->text[p + lead] == '\r'))
            count++;
        p = le + 1;
    }
    return count;
}

static bool para_span(const clause_doc *d, int k, int para, size_t *start, size_t *end)
{
    const clause_node *x = &d->v[k];
    int count = 0;
    const char *nl = memchr(d->text + x->head, '\n', x->own_end - x->head);
    for (size_t p = nl ? (size_t)(nl - d->text) + 1 : x->own_end; p < x->own_end;) {
        const char *e = memchr(d->text + p, '\n', x->own_end - p);
        size_t le = e ? (size_t)(e - d->text) : x->own_end;
        size_t lead = skip_lead(d->text + p, le - p);
        if (p + lead < le && !(le - p - lead == 1 && d->text[p + lead] == '\r') && ++count == para) {
            *start = p, *end = le;
            return true;
        }
        p = le + 1;
    }
    return false;
}

/* Clause numbers as a reason shows them (an argument, not in the msgid:
 * xgettext takes msgids in ASCII only). */
#define CLAUSE_EXAMPLES "一, 一(一)1, 三、6, 二¶1"

/* The part of a reference after its top-level clause cur: (一), points,
 * ¶N.  Returns the places found, or -1 with a reason. */
static int resolve_rest(const clause_doc *d, int doc, int cur, const char *ref, size_t i, size_t n, char *path, size_t pathn,
                        clause_ref *out, int max, pol_lang lang, char *why, size_t whyn)
{
    size_t l;
    char kids[200];
    int count = 0;
    while (i < n) {
        uint32_t cp = cp_at(ref + i, n - i, &l);
        if (is_sep(cp)) {
            i += l;
            continue;
        }
        if (cp == '(' || cp == 0xFF08) {
            int v;
            size_t k2 = cn_number(ref + i + l, n - i - l, &v), l2;
            uint32_t c2 = cp_at(ref + i + l + k2, n - i - l - k2, &l2);
            if (!k2 || (c2 != ')' && c2 != 0xFF09))
                break;
            int nx = child(d, cur, 2, ref + i + l, k2);
            size_t pl = strlen(path);
            snprintf(path + pl, pathn - pl, "(%.*s)", (int)k2, ref + i + l);
            if (nx < 0) {
                list_children(d, cur, kids, sizeof kids);
                pol_tr_format(lang, why, whyn, "no clause %s in %s (%s has %s)", path, d->name, d->v[cur].id,
                              *kids ? kids : FRAG("no numbered parts"));
                return -1;
            }
            cur = nx, i += l + k2 + l2;
            continue;
        }
        if (cp == 0xB6) { /* ¶N */
            int v;
            size_t k2 = ascii_number(ref + i + l, n - i - l, &v);
            if (!k2 || v < 1)
                break;
            int np = paragraphs(d, cur);
            if (v > np) {
                pol_tr_format(lang, why, whyn, "no paragraph %d in clause %s of %s (it has %d)", v, d->v[cur].id, d->name, np);
                return -1;
            }
            if (count < max)
                out[count++] = (clause_ref){doc, cur, v};
            i += l + k2;
            if (i < n)
                break;
            return count;
        }
        if (cp >= '0' && cp <= '9') {
            /* points: 1, 1、2, 1-4 */
            int lo, hi;
            size_t k2 = ascii_number(ref + i, n - i, &lo);
            hi = lo;
            size_t j = i + k2, l2;
            uint32_t c2 = cp_at(ref + j, n - j, &l2);
            if ((c2 == '-' || c2 == 0x2013 || c2 == 0x2014 || c2 == 0x81F3 /* 至 */) && j + l2 < n) {
                size_t k3 = ascii_number(ref + j + l2, n - j - l2, &hi);
                if (!k3 || hi < lo || hi - lo > 50)
                    break;
                j += l2 + k3;
            }
            for (int p = lo; p <= hi; p++) {
                char key[16];
                int kl = snprintf(key, sizeof key, "%d", p);
                int nx = child(d, cur, 3, key, (size_t)kl);
                if (nx < 0) {
                    list_children(d, cur, kids, sizeof kids);
                    pol_tr_format(lang, why, whyn, "no clause %s%s%d in %s (%s has %s)", d->v[cur].id,
                             d->v[cur].level == 1 && cn_number(d->v[cur].key, strlen(d->v[cur].key), &(int){0}) == strlen(d->v[cur].key) ? "\xE3\x80\x81" : "", p,
                             d->name, d->v[cur].id, *kids ? kids : FRAG("no numbered points"));
                    return -1;
                }
                if (count < max)
                    out[count++] = (clause_ref){doc, nx, 0};
            }
            i = j;
            /* another point of the same clause: 、2 */
            c2 = cp_at(ref + i, n - i, &l2);
            if (c2 == 0x3001 && i + l2 < n && ref[i + l2] >= '0' && ref[i + l2] <= '9') {
                i += l2;
                continue;
            }
            if (i < n)
                break;
            return count;
        }
        break;
    }
    if (i < n) {
        pol_tr_format(lang, why, whyn, "cannot read '%.*s' in '%.*s' as a clause number (%s ...)", (int)(n - i), ref + i,
                      (int)n, ref, CLAUSE_EXAMPLES);
        return -1;
    }
    out[0] = (clause_ref){doc, cur, 0};
    return 1;
}

int clause_resolve(const clause_set *s, const char *ref, size_t n, clause_ref *out, int max, char *why, size_t whyn)
{
    return clause_resolve_in(POL_LANG_EN, s, ref, n, out, max, why, whyn);
}

int clause_resolve_in(pol_lang lang, const clause_set *s, const char *ref, size_t n, clause_ref *out, int max, char *why,
                      size_t whyn)
{
    int doc = 0, k;
    if (!s || !s->ndocs) {
        pol_tr_format(lang, why, whyn, "the policy names no notice");
        return -1;
    }
    if ((k = find_map(s, ref, n, &doc)) >= 0) {
        out[0] = (clause_ref){doc, k, 0};
        return 1;
    }
    for (int i = 0; i < s->ndocs; i++)
        if (names_doc(s, i, ref, n)) {
            out[0] = (clause_ref){i, -1, 0};
            return 1;
        }
    /* 001·一、1: the notice's prefix comes before any 【名称】, whose name may hold a · */
    const char *br = memmem(ref, n, "\xE3\x80\x90", 3);
    const char *dot = memmem(ref, br ? (size_t)(br - ref) : n, "\xC2\xB7", 2);
    if (dot) {
        size_t pn = (size_t)(dot - ref);
        for (doc = 0; doc < s->ndocs && !names_doc(s, doc, ref, pn); doc++)
            ;
        if (doc == s->ndocs) {
            pol_tr_format(lang, why, whyn, "no notice '%.*s' among the policy's notices", (int)pn, ref);
            return -1;
        }
        n -= pn + 2, ref = dot + 2;
    }
    const clause_doc *d = &s->docs[doc];
    if (!d->text) {
        pol_tr_format(lang, why, whyn, "the notice %s is not in %s", d->name, s->shown);
        return -1;
    }
    size_t i = 0;
    int cur = -1;
    char path[160], kids[200];
    path[0] = '\0';
    /* the top level: 一, 第X条, 【名称】 or 名称 */
    {
        size_t kn;
        const char *key;
        i = top_key(ref, n, &key, &kn);
        if (!kn) {
            pol_tr_format(lang, why, whyn, "'%.*s' is no clause number (%s, %s ...) and no clause the policy declares",
                          (int)n, ref, CLAUSE_EXAMPLES, "001·一");
            return -1;
        }
        cur = child(d, -1, 1, key, kn);
        snprintf(path, sizeof path, "%.*s", (int)kn, key);
        if (cur < 0) {
            list_children(d, -1, kids, sizeof kids);
            pol_tr_format(lang, why, whyn, "no clause %s in %s (%s%s)", path, d->name,
                          *kids ? FRAG("its sections: ") : FRAG("it has no numbered sections"), kids);
            return -1;
        }
        /* A heading a notice repeats (two 【导语】): the reference names the
         * first that has the rest of it; failing all, the reason given by
         * the first that has numbered parts at all. */
        size_t pl = strlen(path);
        int r = resolve_rest(d, doc, cur, ref, i, n, path, sizeof path, out, max, lang, why, whyn);
        bool why_has_kids = has_children(d, cur);
        for (int t = cur + 1; r < 0 && t < d->n; t++)
            if (d->v[t].parent == -1 && d->v[t].level == 1 && strlen(d->v[t].key) == kn && !memcmp(d->v[t].key, key, kn)) {
                char why2[600];
                path[pl] = '\0';
                int r2 = resolve_rest(d, doc, t, ref, i, n, path, sizeof path, out, max, lang, why2, sizeof why2);
                if (r2 >= 0)
                    r = r2;
                else if (!why_has_kids && has_children(d, t)) {
                    snprintf(why, whyn, "%s", why2);
                    why_has_kids = true;
                }
            }
        return r;
    }
}

void clause_each_ref(const char *cite, void (*f)(const char *ref, size_t n, size_t off, void *arg), void *arg)
{
    for (const char *p = cite; *p;) {
        size_t len = 0;
        while (p[len] && p[len] != ';' && strncmp(p + len, "\xEF\xBC\x9B" /* ； */, 3))
            len++;
        size_t a = 0;
        while (a < len && p[a] == ' ')
            a++;
        size_t b = a;
        while (b < len && p[b] != ' ')
            b++;
        if (b > a)
            f(p + a, b - a, (size_t)(p + a - cite), arg);
        p += len;
        if (*p == ';')
            p++;
        else if (*p)
            p += 3;
    }
}

void clause_span(const clause_set *s, clause_ref r, size_t *start, size_t *end)
{
    const clause_doc *d = &s->docs[r.doc];
    if (r.node < 0)
        *start = 0, *end = d->len;
    else if (!r.para || !para_span(d, r.node, r.para, start, end))
        *start = d->v[r.node].head, *end = d->v[r.node].end;
    while (*start < *end && (d->text[*start] == ' ' || d->text[*start] == '\n' || d->text[*start] == '\r' || d->text[*start] == '\t'))
        (*start)++;
    while (*end > *start && (d->text[*end - 1] == ' ' || d->text[*end - 1] == '\n' || d->text[*end - 1] == '\r'))
        (*end)--;
}

struct words_acc { const clause_set *s; char *buf; size_t len, cap; };

static void words_put(struct words_acc *a, const char *t, size_t n)
{
    if (a->len + n + 1 > a->cap) {
        a->cap = (a->len + n + 1) * 2;
        a->buf = pol_xrealloc(a->buf, a->cap);
    }
    memcpy(a->buf + a->len, t, n);
    a->len += n;
    a->buf[a->len] = '\0';
}

static void words_ref(const char *ref, size_t n, size_t off, void *arg)
{
    (void)off;
    struct words_acc *a = arg;
    clause_ref r[64];
    char why[400];
    int k = clause_resolve(a->s, ref, n, r, 64, why, sizeof why);
    for (int i = 0; i < k; i++) {
        size_t st, en;
        clause_span(a->s, r[i], &st, &en);
        const clause_doc *d = &a->s->docs[r[i].doc];
        const char *id = r[i].node < 0 ? d->name : d->v[r[i].node].id;
        if (a->len)
            words_put(a, "\x1e", 1);
        words_put(a, id, strlen(id));
        if (r[i].para) {
            char para[24];
            words_put(a, para, (size_t)snprintf(para, sizeof para, "\xC2\xB6%d", r[i].para));
        }
        words_put(a, "\x1f", 1);
        bool first = true;
        for (size_t ls = st; ls < en;) {
            const char *nl = memchr(d->text + ls, '\n', en - ls);
            size_t le = nl ? (size_t)(nl - d->text) : en, lb = ls, e = le;
            while (lb < e && (d->text[lb] == ' ' || d->text[lb] == '\t' || d->text[lb] == '\r'))
                lb++;
            if (lb + 3 <= e && !memcmp(d->text + lb, "\xE3\x80\x80", 3)) /* an ideographic space */
                lb += 3;
            while (e > lb && (d->text[e - 1] == ' ' || d->text[e - 1] == '\r'))
                e--;
            if (e > lb && !(e - lb == 5 && !memcmp(d->text + lb, "![]()", 5))) { /* an empty image link */
                if (!first)
                    words_put(a, "\n", 1);
                words_put(a, d->text + lb, e - lb);
                first = false;
            }
            ls = nl ? le + 1 : le;
        }
    }
}

char *clause_words(const clause_set *s, const char *cite)
{
    if (!s || !cite)
        return NULL;
    struct words_acc a = {s, NULL, 0, 0};
    clause_each_ref(cite, words_ref, &a);
    return a.buf;
}

char *clause_words_for(void *ctx, const char *cite)
{
    return clause_words(ctx, cite);
}
