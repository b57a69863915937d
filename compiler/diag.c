/* diag.c -- line tables, display widths and the diagnostic printer (diag.h). */
#include "diag.h"
#include "file.h"
#include "lang.h"
#include "mem.h"
#include "scen.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SRC_MAX_BYTES (POL_SOURCE_LIMIT - 1) /* smaller than the source limit: span offsets have 24 bits */

#define xrealloc pol_xrealloc
#define xstrdup pol_xstrdup

src_file *src_new(const char *name, const char *text, size_t len)
{
    if (len > SRC_MAX_BYTES)
        return NULL;
    src_file *f = xrealloc(NULL, sizeof *f);
    f->name = xstrdup(name);
    f->text = xrealloc(NULL, len + 1);
    memcpy(f->text, text, len);
    f->text[len] = 0;
    f->len = len;
    uint32_t cap = 0;
    f->line_starts = NULL;
    f->nlines = 0;
    POL_GROW_FROM(f->line_starts, cap, 1, 64);
    f->line_starts[f->nlines++] = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            POL_GROW_FROM(f->line_starts, cap, f->nlines + 1, 64);
            f->line_starts[f->nlines++] = (uint32_t)(i + 1);
        }
    }
    return f;
}

void src_free(src_file *f)
{
    if (!f)
        return;
    free(f->name);
    free(f->text);
    free(f->line_starts);
    free(f);
}

static uint32_t line_index(const src_file *f, uint32_t off)
{
    uint32_t lo = 0, hi = f->nlines;
    while (lo + 1 < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void src_line_col(const src_file *f, uint32_t off, uint32_t *line, uint32_t *col)
{
    off = SPAN_OFF(off);
    if (off > f->len)
        off = (uint32_t)f->len;
    uint32_t li = line_index(f, off);
    *line = li + 1;
    *col = utf8_display_width(f->text + f->line_starts[li], off - f->line_starts[li]) + 1;
}

void diag_init(diag_ctx *d)
{
    memset(d, 0, sizeof *d);
    d->max_errors = 100;
    d->lang = pol_lang_get();
}

void diag_add_file(diag_ctx *d, src_file *f, bool own)
{
    if (f->id < DIAG_MAX_FILES) {
        d->files[f->id] = f;
        if ((int)f->id >= d->nfiles)
            d->nfiles = (int)f->id + 1;
    }
    if (own && d->nowned < DIAG_MAX_FILES)
        d->owned[d->nowned++] = f;
}

static const struct {
    const char *name;
    diag_level level;
    unsigned flags;
} diag_codes[] = {
#define DC_NAME_ROW(id, name, sev, flags) {name, DC_LEVEL_##sev, flags},
    DIAG_CODES(DC_NAME_ROW)
#undef DC_NAME_ROW
};

const char *diag_code_name(diag_code c) { return (unsigned)c < DC__COUNT ? diag_codes[c].name : ""; }
unsigned diag_code_flags(diag_code c) { return (unsigned)c < DC__COUNT ? diag_codes[c].flags : 0; }
diag_level diag_code_level(diag_code c) { return (unsigned)c < DC__COUNT ? diag_codes[c].level : DIAG_ERROR; }

void diag_free(diag_ctx *d)
{
    for (int i = 0; i < d->nowned; i++)
        src_free(d->owned[i]);
    for (size_t i = 0; i < d->count; i++)
    {
        if (d->items[i].text != d->items[i].msg)
            free(d->items[i].text);
        free(d->items[i].msg);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

static void record(diag_ctx *d, const src_file *f, span sp, diag_code code, const char *msg, const char *text);

void diag_report(diag_ctx *d, const src_file *f, span sp, diag_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024], local[1024];
    va_list aq;
    va_copy(aq, ap);
    pol_tr_vformat(POL_LANG_EN, buf, sizeof buf, fmt, ap); /* the JSON form's, in every language */
    if (d->lang != POL_LANG_EN)
        pol_tr_vformat(d->lang, local, sizeof local, fmt, aq);
    va_end(aq);
    va_end(ap);
    record(d, f, sp, code, buf, d->lang != POL_LANG_EN ? local : NULL);
}

void diag_report_text(diag_ctx *d, const src_file *f, span sp, diag_code code, const char *msg, const char *text)
{
    record(d, f, sp, code, msg, d->lang != POL_LANG_EN ? text : NULL);
}

static void record(diag_ctx *d, const src_file *f, span sp, diag_code code, const char *buf, const char *local)
{
    diag_level lvl = diag_code_level(code); /* the code's row says how severe it is */
    if (lvl == DIAG_ERROR)
        d->errors++;
    else if (lvl == DIAG_WARNING)
        d->warnings++;
    if (lvl == DIAG_ERROR && d->max_errors && d->errors > d->max_errors)
        return;
    if (f && sp.start == 0 && sp.end == 0 && d->nfiles > 0)
        f = d->files[0] ? d->files[0] : f;
    POL_GROW_FROM(d->items, d->cap, d->count + 1, 16);
    if (d->nfiles > 0 && (sp.start || sp.end)) { /* the span names its file */
        uint32_t fid = SPAN_FILE(sp.start);
        if ((int)fid < d->nfiles && d->files[fid])
            f = d->files[fid];
    }
    uint32_t raw_start = sp.start; /* file bits included: diagnostics sort by file, then offset */
    sp.start = SPAN_OFF(sp.start);
    sp.end = SPAN_OFF(sp.end);
    diag *g = &d->items[d->count++];
    bool joins = lvl == DIAG_NOTE && d->count > 1;
    g->group = joins ? d->items[d->count - 2].group : d->count - 1;
    g->group_start = joins ? d->items[d->count - 2].group_start : raw_start;
    g->level = lvl;
    g->file = f;
    if (f && sp.start > f->len)
        sp.start = (uint32_t)f->len;
    if (f && sp.end > f->len)
        sp.end = (uint32_t)f->len;
    if (sp.end < sp.start)
        sp.end = sp.start;
    g->sp = sp;
    g->msg = xstrdup(buf);
    g->text = local && strcmp(local, buf) ? xstrdup(local) : g->msg;
    g->code = code;
}

static const char *level_name(diag_level l)
{
    return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

/* The level as the printed form says it, in the context's language. */
static const char *level_text(const diag_ctx *d, diag_level l)
{
    return pol_tr(d->lang, l == DIAG_ERROR ? N_("error") : l == DIAG_WARNING ? N_("warning") : N_("note"));
}

/* Source order of each diagnostic's group leader; notes stay after theirs. */
static int cmp_diag(const void *a, const void *b)
{
    const diag *x = *(const diag *const *)a, *y = *(const diag *const *)b;
    if (x->group != y->group) {
        if (x->group_start != y->group_start)
            return x->group_start < y->group_start ? -1 : 1;
        return x->group < y->group ? -1 : 1;
    }
    return x < y ? -1 : x > y;             /* report order within a group */
}

static const diag **sorted(const diag_ctx *d)
{
    const diag **v = xrealloc(NULL, sizeof *v * (d->count ? d->count : 1));
    for (size_t i = 0; i < d->count; i++)
        v[i] = &d->items[i];
    qsort(v, d->count, sizeof *v, cmp_diag);
    return v;
}

/* A source line wider than DIAG_LINE_WINDOW display columns is shown as a
 * window around the caret, DIAG_WINDOW_BEFORE columns of it before the
 * caret, with "..." where text was cut: a diagnostic on a 5 MB line prints a
 * line's worth, not the file. */
#define DIAG_LINE_WINDOW 120
#define DIAG_WINDOW_BEFORE 40

/* Byte offset in [from, to) where display column `want` (0-based, counted
 * from `from`) begins, and that column in *at (<= want: a wide character is
 * not split). */
static uint32_t byte_at_column(const char *t, uint32_t from, uint32_t to, uint32_t want, uint32_t *at)
{
    uint32_t c = 0, i = from;
    while (i < to) {
        uint32_t cp;
        size_t k = utf8_next((const unsigned char *)t + i, to - i, &cp);
        uint32_t w = utf8_display_width(t + i, k);
        if (c + w > want)
            break;
        c += w;
        i += (uint32_t)k;
    }
    *at = c;
    return i;
}

/* The column cursor: diagnostics print in source order, so the column of
 * the next one on the same line is counted on from the last one's, and
 * printing every diagnostic of a line is linear in the line. */
typedef struct {
    const src_file *f;
    uint32_t li, off, col; /* line index, byte offset, 1-based column there */
} col_cursor;

static void cursor_col(col_cursor *cur, const src_file *f, uint32_t off, uint32_t *line, uint32_t *col)
{
    off = SPAN_OFF(off);
    if (off > f->len)
        off = (uint32_t)f->len;
    if (cur->f == f && cur->li < f->nlines && f->line_starts[cur->li] <= off && cur->off <= off &&
        (cur->li + 1 >= f->nlines || off < f->line_starts[cur->li + 1])) {
        cur->col += utf8_display_width(f->text + cur->off, off - cur->off);
    } else {
        cur->f = f;
        cur->li = line_index(f, off);
        cur->col = utf8_display_width(f->text + f->line_starts[cur->li], off - f->line_starts[cur->li]) + 1;
    }
    cur->off = off;
    *line = cur->li + 1;
    *col = cur->col;
}

static void print_one(const diag_ctx *d, const diag *g, sc_buf *out, bool color, col_cursor *cur)
{
    const char *lc = g->level == DIAG_ERROR ? "\033[1;31m" : g->level == DIAG_WARNING ? "\033[1;35m" : "\033[1;36m";
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    if (!g->file) {
        sc_buf_printf(out, "%s%s%s:%s %s\n", color ? lc : "", level_text(d, g->level), reset, reset, g->text);
        return;
    }
    uint32_t line, col;
    cursor_col(cur, g->file, g->sp.start, &line, &col);
    sc_buf_printf(out, "%s%s:%u:%u:%s %s%s:%s %s\n", bold, g->file->name, line, col, reset, color ? lc : "",
                  level_text(d, g->level), reset, g->text);
    const src_file *f = g->file;
    uint32_t li = line - 1;
    uint32_t ls = f->line_starts[li];
    uint32_t le = li + 1 < f->nlines ? f->line_starts[li + 1] - 1 : (uint32_t)f->len;
    if (le > ls && f->text[le - 1] == '\r')
        le--;
    uint32_t start = SPAN_OFF(g->sp.start) < ls ? ls : SPAN_OFF(g->sp.start);
    /* The window: the whole line when it is narrow enough, else from at
     * most DIAG_WINDOW_BEFORE columns before the caret to the width of the
     * window.  Counting stops at the window's edge, so a long line costs a
     * window's worth per diagnostic. */
    uint32_t ws = ls, we = le, lead = col - 1; /* lead: columns from ws to the caret */
    bool cut_left = false, cut_right = false;
    uint32_t shown;
    if (byte_at_column(f->text, ls, le, DIAG_LINE_WINDOW, &shown) < le) {
        uint32_t back = start, bcols = 0;
        while (back > ls) {
            uint32_t p = back - 1;
            while (p > ls && ((unsigned char)f->text[p] & 0xC0) == 0x80 && back - p < 4)
                p--;
            uint32_t w = utf8_display_width(f->text + p, back - p);
            if (bcols + w > DIAG_WINDOW_BEFORE)
                break;
            bcols += w;
            back = p;
        }
        ws = back;
        lead = bcols;
        cut_left = ws > ls;
        uint32_t room = DIAG_LINE_WINDOW - (cut_left ? 3 : 0);
        we = byte_at_column(f->text, ws, le, room, &shown);
        if (we < le) {
            we = byte_at_column(f->text, ws, le, room - 3, &shown);
            cut_right = true;
        }
    }
    char num[16];
    int nw = snprintf(num, sizeof num, "%u", line);
    sc_buf_printf(out, " %*s | ", nw < 4 ? 4 : nw, num);
    if (cut_left)
        sc_buf_puts(out, "...");
    /* the line with tabs as single spaces so the caret lines up */
    for (uint32_t i = ws; i < we;) {
        uint32_t j = i;
        while (j < we && f->text[j] != '\t')
            j++;
        sc_buf_put(out, f->text + i, j - i);
        if (j < we)
            sc_buf_putc(out, ' '), j++;
        i = j;
    }
    if (cut_right)
        sc_buf_puts(out, "...");
    sc_buf_putc(out, '\n');
    uint32_t end = g->sp.end > we ? we : g->sp.end;
    uint32_t w = end > start ? utf8_display_width(f->text + start, end - start) : 0;
    sc_buf_printf(out, " %*s | %*s%s^", nw < 4 ? 4 : nw, "", (int)(lead + (cut_left ? 3 : 0)), "",
                  color ? lc : "");
    for (uint32_t i = 1; i < w; i++)
        sc_buf_putc(out, '~');
    sc_buf_printf(out, "%s\n", reset);
}

/* Each diagnostic is formatted into one buffer and written with one call:
 * stderr is unbuffered, and a byte at a time cost a system call per byte. */
void diag_print(const diag_ctx *d, FILE *out, bool color)
{
    const diag **v = sorted(d);
    sc_buf b;
    sc_buf_init(&b);
    col_cursor cur = {0};
    for (size_t i = 0; i < d->count; i++) {
        sc_buf_reset(&b);
        print_one(d, v[i], &b, color, &cur);
        fwrite(b.data, 1, b.len, out);
    }
    sc_buf_clear(&b);
    if (d->max_errors && d->errors > d->max_errors)
    {
        char more[200];
        pol_tr_format(d->lang, more, sizeof more, "%s: %d more errors not shown\n", level_text(d, DIAG_NOTE),
                      d->errors - d->max_errors);
        fputs(more, out);
    }
    free(v);
}

/* A JSON string through the one JSON escaper (scen.h). */
static void json_str(FILE *out, const char *s)
{
    sc_buf b;
    sc_buf_init(&b);
    sc_buf_json_string(&b, s, strlen(s));
    fwrite(b.data, 1, b.len, out);
    sc_buf_clear(&b);
}

void diag_print_json(const diag_ctx *d, FILE *out)
{
    const diag **v = sorted(d);
    col_cursor at_start = {0}, at_end = {0}; /* linear on a long line, as in diag_print */
    fputs("[", out);
    for (size_t i = 0; i < d->count; i++) {
        const diag *g = v[i];
        uint32_t l1 = 0, c1 = 0, l2 = 0, c2 = 0;
        if (g->file) {
            cursor_col(&at_start, g->file, g->sp.start, &l1, &c1);
            cursor_col(&at_end, g->file, g->sp.end, &l2, &c2);
        }
        fprintf(out, "%s\n  {\"file\": ", i ? "," : "");
        json_str(out, g->file ? g->file->name : "");
        fprintf(out, ", \"line\": %u, \"column\": %u, \"end_line\": %u, \"end_column\": %u, "
                     "\"start_byte\": %u, \"end_byte\": %u, \"severity\": \"%s\", \"code\": ",
                l1, c1, l2, c2, g->sp.start, g->sp.end, level_name(g->level));
        json_str(out, diag_code_name(g->code));
        fputs(", \"message\": ", out);
        json_str(out, g->msg);
        fputs("}", out);
    }
    fputs(d->count ? "\n]\n" : "]\n", out);
    free(v);
}
