/* lang.c -- languages, the embedded catalog and the translating formatter
 * (contract in lang.h). */
#include "lang.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* po/embed_mo.cmake: the .mo file msgfmt made from po/zh_CN/ (every .po) */
extern const unsigned char pol_catalog_zh_mo[];
extern const size_t pol_catalog_zh_mo_len;

/* ---- choosing a language ---- */

static bool is_sep(char c)
{
    return c == '_' || c == '-' || c == '.' || c == '@' || c == '\0';
}

/* Is the locale or language name s (up to its end or ':') Simplified
 * Chinese, English, or neither (-1)? */
static int classify(const char *s, size_t n)
{
    if (n >= 2 && (s[0] == 'z' || s[0] == 'Z') && (s[1] == 'h' || s[1] == 'H') && (n == 2 || is_sep(s[2]))) {
        if (n == 2 || s[2] == '.' || s[2] == '@')
            return POL_LANG_ZH;
        const char *r = s + 3;
        size_t m = n - 3;
        static const char *const simplified[] = {"CN", "SG", "Hans", "cn", "sg", "hans"};
        for (size_t i = 0; i < sizeof simplified / sizeof *simplified; i++) {
            size_t k = strlen(simplified[i]);
            if (m >= k && strncmp(r, simplified[i], k) == 0 && (m == k || is_sep(r[k])))
                return POL_LANG_ZH;
        }
        return -1;
    }
    if ((n == 1 && s[0] == 'C') || (n == 5 && strncmp(s, "POSIX", 5) == 0) ||
        (n >= 2 && strncmp(s, "C.", 2) == 0))
        return POL_LANG_EN;
    if (n >= 2 && (s[0] == 'e' || s[0] == 'E') && (s[1] == 'n' || s[1] == 'N') && (n == 2 || is_sep(s[2])))
        return POL_LANG_EN;
    return -1;
}

bool pol_lang_parse(const char *s, pol_lang *out)
{
    if (!s)
        return false;
    int c = classify(s, strlen(s));
    if (c < 0)
        return false;
    *out = (pol_lang)c;
    return true;
}

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

pol_lang pol_lang_from_env(void)
{
    const char *loc = env_nonempty("LC_ALL");
    if (!loc)
        loc = env_nonempty("LC_MESSAGES");
    if (!loc)
        loc = env_nonempty("LANG");
    if (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
        return POL_LANG_EN;
    const char *list = env_nonempty("LANGUAGE");
    if (list) {
        size_t n = strcspn(list, ":");
        return classify(list, n) == POL_LANG_ZH ? POL_LANG_ZH : POL_LANG_EN;
    }
    return classify(loc, strlen(loc)) == POL_LANG_ZH ? POL_LANG_ZH : POL_LANG_EN;
}

const char *pol_lang_name(pol_lang l)
{
    return l == POL_LANG_ZH ? "zh" : "en";
}

static pol_lang process_lang = POL_LANG_EN;

void pol_lang_set(pol_lang l)
{
    process_lang = l;
}

pol_lang pol_lang_get(void)
{
    return process_lang;
}

/* ---- the catalog: a GNU .mo file, read in place ----
 * Header: magic, revision, N, offset of the msgid table, offset of the
 * msgstr table (then the hash table, unused: the msgids are sorted, so a
 * binary search finds one).  Each table holds N (length, offset) pairs.
 * The file is checked once; a catalog that does not check is treated as
 * empty (every text stays English). */

static uint32_t rd32(const unsigned char *p, bool swap)
{
    uint32_t v;
    memcpy(&v, p, 4);
    if (swap)
        v = (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
    return v;
}

typedef struct mo_view {
    bool ok;
    bool swap;
    uint32_t n, ids, strs;
} mo_view;

/* Is the string at table entry (tab, i) inside the file and terminated? */
static bool mo_string_ok(const unsigned char *m, size_t len, uint32_t tab, uint32_t i, bool swap)
{
    uint64_t at = (uint64_t)tab + 8u * i;
    if (at + 8 > len)
        return false;
    uint32_t n = rd32(m + at, swap), off = rd32(m + at + 4, swap);
    return (uint64_t)off + n < len && m[off + n] == '\0';
}

static mo_view mo_open(void)
{
    mo_view v = {0};
    const unsigned char *m = pol_catalog_zh_mo;
    size_t len = pol_catalog_zh_mo_len;
    if (len < 20)
        return v;
    uint32_t magic = rd32(m, false);
    if (magic == 0x950412deu)
        v.swap = false;
    else if (magic == 0xde120495u)
        v.swap = true;
    else
        return v;
    v.n = rd32(m + 8, v.swap);
    v.ids = rd32(m + 12, v.swap);
    v.strs = rd32(m + 16, v.swap);
    for (uint32_t i = 0; i < v.n; i++)
        if (!mo_string_ok(m, len, v.ids, i, v.swap) || !mo_string_ok(m, len, v.strs, i, v.swap))
            return v;
    for (uint32_t i = 1; i < v.n; i++) { /* sorted, as the binary search needs */
        const char *a = (const char *)m + rd32(m + v.ids + 8u * (i - 1) + 4, v.swap);
        const char *b = (const char *)m + rd32(m + v.ids + 8u * i + 4, v.swap);
        if (strcmp(a, b) >= 0)
            return v;
    }
    v.ok = true;
    return v;
}

/* Checked once, on first use (from any thread). */
static mo_view the_view;
static pthread_once_t the_view_once = PTHREAD_ONCE_INIT;
static void check_catalog(void)
{
    the_view = mo_open();
}
static const mo_view *catalog(void)
{
    pthread_once(&the_view_once, check_catalog);
    return &the_view;
}

static const char *mo_str(uint32_t tab, uint32_t i)
{
    const mo_view *v = catalog();
    return (const char *)pol_catalog_zh_mo + rd32(pol_catalog_zh_mo + tab + 8u * i + 4, v->swap);
}

size_t pol_catalog_count(void)
{
    const mo_view *v = catalog();
    return v->ok ? v->n : 0;
}

bool pol_catalog_entry(size_t i, const char **msgid, const char **msgstr)
{
    const mo_view *v = catalog();
    if (!v->ok || i >= v->n)
        return false;
    *msgid = mo_str(v->ids, (uint32_t)i);
    *msgstr = mo_str(v->strs, (uint32_t)i);
    return true;
}

const char *pol_tr(pol_lang l, const char *msgid)
{
    if (l == POL_LANG_EN || !msgid || !*msgid)
        return msgid;
    const mo_view *v = catalog();
    if (!v->ok)
        return msgid;
    uint32_t lo = 0, hi = v->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(mo_str(v->ids, mid), msgid);
        if (c == 0) {
            const char *s = mo_str(v->strs, mid);
            return *s ? s : msgid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return msgid;
}

const char *pol_frag(pol_lang l, const char *s)
{
    if (!s || s[0] != POL_FRAG_MARK[0])
        return s;
    return pol_tr(l, s + 1);
}

/* ---- the formatter ---- */

#define FMT_MAX_ARGS 24

typedef enum { ARG_INT, ARG_UINT, ARG_STR, ARG_PTR } arg_class;

typedef struct fmt_arg {
    arg_class cls;
    long long i;
    unsigned long long u;
    const char *s;
    const void *p;
} fmt_arg;

/* One conversion of a format: its text (without % and N$), where the next
 * conversion starts, its argument position (0: in order), whether its width
 * or precision is '*', its length modifier and conversion letter. */
typedef struct fmt_spec {
    const char *start; /* after '%' and any N$ */
    size_t len;        /* up to and including the conversion letter */
    int pos;           /* N of N$, or 0 */
    int stars;         /* '*' count (width, precision) */
    char length[3];    /* "", "h", "hh", "l", "ll", "z", "j", "t" */
    char conv;
} fmt_spec;

/* Parses the conversion after the '%' at p; false when it is not one we
 * take (floating point among them: no amount is ever a double). */
static bool parse_spec(const char *p, fmt_spec *s, const char **next)
{
    memset(s, 0, sizeof *s);
    const char *q = p;
    int n = 0;
    while (*q >= '0' && *q <= '9' && n < 1000)
        n = n * 10 + (*q++ - '0');
    if (*q == '$' && n > 0) {
        s->pos = n;
        p = ++q;
    } else
        q = p;
    s->start = p;
    while (*q && strchr("-+ #0'", *q))
        q++;
    if (*q == '*') {
        s->stars++;
        q++;
    } else
        while (*q >= '0' && *q <= '9')
            q++;
    if (*q == '.') {
        q++;
        if (*q == '*') {
            s->stars++;
            q++;
        } else
            while (*q >= '0' && *q <= '9')
                q++;
    }
    size_t k = 0;
    while (*q && strchr("hlzjt", *q) && k < 2)
        s->length[k++] = *q++;
    s->length[k] = '\0';
    if (!*q || !strchr("diuxXocsp", *q))
        return false;
    s->conv = *q++;
    s->len = (size_t)(q - s->start);
    *next = q;
    return true;
}

static arg_class spec_class(const fmt_spec *s)
{
    switch (s->conv) {
    case 'd': case 'i': case 'c': return ARG_INT;
    case 's': return ARG_STR;
    case 'p': return ARG_PTR;
    default: return ARG_UINT;
    }
}

static bool read_arg(const fmt_spec *s, fmt_arg *a, va_list *ap)
{
    a->cls = spec_class(s);
    const char *L = s->length;
    switch (a->cls) {
    case ARG_INT:
        if (!strcmp(L, "l")) a->i = va_arg(*ap, long);
        else if (!strcmp(L, "ll")) a->i = va_arg(*ap, long long);
        else if (!strcmp(L, "z")) a->i = (long long)va_arg(*ap, ssize_t);
        else if (!strcmp(L, "j")) a->i = (long long)va_arg(*ap, intmax_t);
        else if (!strcmp(L, "t")) a->i = (long long)va_arg(*ap, ptrdiff_t);
        else a->i = va_arg(*ap, int);
        return true;
    case ARG_UINT:
        if (!strcmp(L, "l")) a->u = va_arg(*ap, unsigned long);
        else if (!strcmp(L, "ll")) a->u = va_arg(*ap, unsigned long long);
        else if (!strcmp(L, "z")) a->u = va_arg(*ap, size_t);
        else if (!strcmp(L, "j")) a->u = (unsigned long long)va_arg(*ap, uintmax_t);
        else if (!strcmp(L, "t")) a->u = (unsigned long long)va_arg(*ap, ptrdiff_t);
        else a->u = va_arg(*ap, unsigned int);
        /* hh and h were promoted to int: the cast in the spec narrows them back */
        return true;
    case ARG_STR:
        a->s = va_arg(*ap, const char *);
        return true;
    case ARG_PTR:
        a->p = va_arg(*ap, const void *);
        return true;
    }
    return false;
}

typedef struct out_buf {
    char *buf;
    size_t cap, len; /* len: the length the text would have */
} out_buf;

static void out_put(out_buf *o, const char *s, size_t n)
{
    if (o->cap && o->len < o->cap - 1) {
        size_t room = o->cap - 1 - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

/* Writes one conversion with its argument (and the ints of its stars). */
static void out_spec(out_buf *o, pol_lang l, const fmt_spec *s, const fmt_arg *star, const fmt_arg *a)
{
    char spec[64];
    size_t body = s->len - 1 - strlen(s->length); /* flags, width, precision */
    if (body > 40)
        body = 40;
    char tmp[128];
    int n = -1; /* every class sets it (an initial value for -Wmaybe-uninitialized under LTO) */
    spec[0] = '%';
    memcpy(spec + 1, s->start, body);
    size_t k = 1 + body;
    const char *len = a->cls == ARG_STR || a->cls == ARG_PTR || s->conv == 'c' ? s->length : "ll";
    if (!strcmp(s->length, "hh") || !strcmp(s->length, "h"))
        len = s->length;
    memcpy(spec + k, len, strlen(len));
    k += strlen(len);
    spec[k++] = s->conv;
    spec[k] = '\0';
    const char *str = a->cls == ARG_STR ? pol_frag(l, a->s ? a->s : "(null)") : NULL;
    char *big = NULL;
    /* the spec is built from a checked format: -Wformat-nonliteral does not apply */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#define EMIT(...) n = snprintf(tmp, sizeof tmp, spec, __VA_ARGS__)
#define EMIT_ARG(x)                                                                 \
    do {                                                                            \
        if (s->stars == 2) EMIT((int)star[0].i, (int)star[1].i, x);                 \
        else if (s->stars == 1) EMIT((int)star[0].i, x);                            \
        else EMIT(x);                                                               \
    } while (0)
    switch (a->cls) {
    case ARG_STR:
        if (s->stars == 0 && s->len == 1 + strlen(s->length)) { /* plain %s: no copy */
            out_put(o, str, strlen(str));
            return;
        }
        EMIT_ARG(str);
        if (n >= (int)sizeof tmp) { /* a long string under a width or precision */
            big = malloc((size_t)n + 1);
            if (big) {
                if (s->stars == 2) snprintf(big, (size_t)n + 1, spec, (int)star[0].i, (int)star[1].i, str);
                else if (s->stars == 1) snprintf(big, (size_t)n + 1, spec, (int)star[0].i, str);
                else snprintf(big, (size_t)n + 1, spec, str);
                out_put(o, big, (size_t)n);
                free(big);
                return;
            }
            n = (int)sizeof tmp - 1;
        }
        break;
    case ARG_PTR: EMIT_ARG(a->p); break;
    case ARG_INT:
        if (s->conv == 'c') EMIT_ARG((int)a->i);
        else if (!strcmp(len, "ll")) EMIT_ARG(a->i);
        else EMIT_ARG((int)a->i);
        break;
    case ARG_UINT:
        if (!strcmp(len, "ll")) EMIT_ARG(a->u);
        else EMIT_ARG((unsigned)a->u);
        break;
    }
#undef EMIT_ARG
#undef EMIT
#pragma GCC diagnostic pop
    if (n < 0)
        return;
    if (n >= (int)sizeof tmp)
        n = (int)sizeof tmp - 1; /* a number's text is never this long */
    out_put(o, tmp, (size_t)n);
}

/* Renders tpl with args (read by the msgid's conversions).  False when tpl
 * does not take the same arguments (the caller then uses the msgid). */
static bool render(out_buf *o, pol_lang l, const char *tpl, const fmt_arg *args, int nargs)
{
    int next = 0;
    const char *p = tpl;
    while (*p) {
        const char *pc = strchr(p, '%');
        if (!pc) {
            out_put(o, p, strlen(p));
            break;
        }
        out_put(o, p, (size_t)(pc - p));
        if (pc[1] == '%') {
            out_put(o, "%", 1);
            p = pc + 2;
            continue;
        }
        fmt_spec s;
        if (!parse_spec(pc + 1, &s, &p))
            return false;
        int at;
        if (s.pos) {
            if (s.stars)
                return false;
            at = s.pos - 1;
        } else {
            at = next + s.stars;
            next = at + 1;
        }
        if (at < 0 || at >= nargs || args[at].cls != spec_class(&s))
            return false;
        for (int k = 0; k < s.stars; k++)
            if (args[at - s.stars + k].cls != ARG_INT)
                return false;
        out_spec(o, l, &s, s.stars ? &args[at - s.stars] : NULL, &args[at]);
    }
    return true;
}

int pol_tr_vformat(pol_lang l, char *buf, size_t cap, const char *fmt, va_list ap)
{
    return pol_tr_vformat_as(l, buf, cap, fmt, NULL, ap);
}

int pol_tr_vformat_as(pol_lang l, char *buf, size_t cap, const char *fmt, const char *tpl, va_list ap)
{
    out_buf o = {buf, cap, 0};
    fmt_arg args[FMT_MAX_ARGS];
    int nargs = 0;
    bool ok = true;
    va_list aq;
    va_copy(aq, ap);
    for (const char *p = fmt; ok && (p = strchr(p, '%'));) {
        if (p[1] == '%') {
            p += 2;
            continue;
        }
        fmt_spec s;
        if (!parse_spec(p + 1, &s, &p) || s.pos || nargs + s.stars + 1 > FMT_MAX_ARGS) {
            ok = false;
            break;
        }
        for (int k = 0; k < s.stars; k++) {
            args[nargs].cls = ARG_INT;
            args[nargs++].i = va_arg(aq, int);
        }
        ok = read_arg(&s, &args[nargs++], &aq);
    }
    va_end(aq);
    if (!ok) { /* a format we do not take apart: printed as it is, untranslated */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        int n = vsnprintf(buf, cap, fmt, ap);
#pragma GCC diagnostic pop
        return n;
    }
    if (!tpl)
        tpl = pol_tr(l, fmt);
    if (!render(&o, l, tpl, args, nargs) && tpl != fmt) {
        o.len = 0;
        render(&o, l, fmt, args, nargs);
    }
    if (cap)
        buf[o.len < cap ? o.len : cap - 1] = '\0';
    return o.len > (size_t)2147483647 ? 2147483647 : (int)o.len;
}

int pol_tr_format(pol_lang l, char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = pol_tr_vformat(l, buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

void pol_tr_vformat2(char *en, size_t encap, char *tr, size_t trcap, const char *fmt, va_list ap)
{
    pol_lang l = pol_lang_get();
    va_list aq;
    va_copy(aq, ap);
    pol_tr_vformat(POL_LANG_EN, en, encap, fmt, ap);
    if (l != POL_LANG_EN)
        pol_tr_vformat(l, tr, trcap, fmt, aq);
    else if (trcap)
        tr[0] = 0;
    va_end(aq);
}

void pol_tr_format2(char *en, size_t encap, char *tr, size_t trcap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pol_tr_vformat2(en, encap, tr, trcap, fmt, ap);
    va_end(ap);
}

int pol_tr_fprintf(FILE *f, const char *fmt, ...)
{
    char small[1024];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = pol_tr_vformat(pol_lang_get(), small, sizeof small, fmt, ap);
    va_end(ap);
    int r;
    if (n < 0) {
        r = n;
    } else if ((size_t)n < sizeof small) {
        r = fputs(small, f) < 0 ? -1 : n;
    } else {
        char *big = malloc((size_t)n + 1);
        if (big) {
            pol_tr_vformat(pol_lang_get(), big, (size_t)n + 1, fmt, aq);
            r = fputs(big, f) < 0 ? -1 : n;
            free(big);
        } else
            r = fputs(small, f) < 0 ? -1 : (int)sizeof small - 1;
    }
    va_end(aq);
    return r;
}
