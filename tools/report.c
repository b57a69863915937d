/* report.c -- the HTML report of polrun --compare (compare.h): one
 * self-contained page (inline CSS and SVG, no script, no network), in
 * Chinese, readable on screen and on paper.  Every figure is the exact text
 * compare.c computed; the charts' geometry is integer arithmetic on counts
 * and exact decimals (bar lengths of totals are dec_div'ed and rounded to a
 * whole pixel), never floating point.
 *
 * Each figure carries a data-k attribute naming the summary field it shows
 * (tests/compare/check_report.js reads them back in Chromium).
 *
 * Shares its contract with: tools/compare.h, tools/compare.c, docs/reforms.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "dec.h"

#define HIST_W 640 /* not an amount: chart pixels */
#define HIST_H 180 /* not an amount */
#define BAR_W 420  /* not an amount */

static void esc(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

/* share = part/whole as a percentage with one decimal, rounded half up: exact integer arithmetic */
static void pct(FILE *f, long part, long whole)
{
    if (whole <= 0) {
        fputs("—", f);
        return;
    }
    long long t = ((long long)part * 2000 + whole) / (2LL * whole); /* tenths of a percent, half up */
    fprintf(f, "%lld.%lld%%", t / 10, t % 10);
}

/* A pixel length: |value| * full / |max|, rounded half up, from exact decimals' text. */
static long scaled(const char *value, const char *max, long full)
{
    dec_t v, m, r;
    dec_init(&v);
    dec_init(&m);
    dec_init(&r);
    long px = 0;
    if (dec_parse(&v, value, strlen(value)) == DEC_OK && dec_parse(&m, max, strlen(max)) == DEC_OK &&
        dec_sign(&m) != 0) {
        dec_abs(&v, &v);
        dec_abs(&m, &m);
        dec_set_i64(&r, full);
        dec_mul(&v, &v, &r);
        if (dec_div(&r, &v, &m) == DEC_OK && dec_round(&r, &r, 0, DEC_HALF_UP) == DEC_OK) {
            int64_t x;
            if (dec_to_i64(&r, &x))
                px = (long)x;
        }
    }
    dec_clear(&v);
    dec_clear(&m);
    dec_clear(&r);
    return px;
}

/* The larger magnitude of two decimals' texts. */
static const char *larger_abs(const char *a, const char *b)
{
    dec_t x, y;
    dec_init(&x);
    dec_init(&y);
    const char *r = a;
    if (dec_parse(&x, a, strlen(a)) == DEC_OK && dec_parse(&y, b, strlen(b)) == DEC_OK) {
        dec_abs(&x, &x);
        dec_abs(&y, &y);
        if (dec_cmp(&y, &x) > 0)
            r = b;
    } else if (dec_parse(&y, b, strlen(b)) == DEC_OK)
        r = b;
    dec_clear(&x);
    dec_clear(&y);
    return r;
}

/* The sign of a decimal's text (0 if it is not one). */
static int text_sign(const char *s)
{
    dec_t d;
    dec_init(&d);
    int sg = dec_parse(&d, s, strlen(s)) == DEC_OK ? dec_sign(&d) : 0;
    dec_clear(&d);
    return sg;
}

static void row(FILE *f, const char *label, const char *key, const char *val)
{
    fprintf(f, "<tr><th>%s</th><td data-k=\"%s\">", label, key);
    esc(f, val);
    fputs("</td></tr>\n", f);
}

static void row_n(FILE *f, const char *label, const char *key, long n, long whole)
{
    fprintf(f, "<tr><th>%s</th><td data-k=\"%s\">%ld</td><td class=\"share\">", label, key, n);
    pct(f, n, whole);
    fputs("</td></tr>\n", f);
}

static void histogram_svg(FILE *f, const cmp_digest *d)
{
    if (!d->nbins)
        return;
    long maxc = 1;
    for (int i = 0; i < d->nbins; i++)
        if (d->bins[i].count > maxc)
            maxc = d->bins[i].count;
    int bw = HIST_W / d->nbins; /* not an amount */
    fprintf(f, "<svg class=\"hist\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"变化分布直方图\">\n",
            HIST_W, HIST_H + 60, HIST_W, HIST_H + 60);
    fprintf(f, "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", HIST_H, HIST_W, HIST_H);
    for (int i = 0; i < d->nbins; i++) {
        long h = (long)((d->bins[i].count * (long long)(HIST_H - 16) + maxc / 2) / maxc); /* not an amount */
        if (d->bins[i].count && h < 1)
            h = 1;
        int x = i * bw;
        bool one = !strcmp(d->bins[i].from, d->bins[i].to);
        fprintf(f, "<g class=\"bin\" data-count=\"%ld\"><title>", d->bins[i].count);
        if (one)
            esc(f, d->bins[i].from);
        else {
            fputs("[", f);
            esc(f, d->bins[i].from);
            fputs(", ", f);
            esc(f, d->bins[i].to);
            fputs(")", f);
        }
        fprintf(f, ": %ld 人</title>", d->bins[i].count);
        int sg = text_sign(d->bins[i].from);
        const char *fill = sg < 0 ? "#2b7a3d" : one && sg == 0 ? "#888" : "#b03a2e"; /* less, same, more */
        fprintf(f, "<rect x=\"%d\" y=\"%ld\" width=\"%d\" height=\"%ld\" fill=\"%s\" stroke=\"#000\" stroke-width=\"0.5\"/>",
                x + 2, HIST_H - h, bw - 4, h, fill);
        fprintf(f, "<text x=\"%d\" y=\"%ld\" font-size=\"10\" text-anchor=\"middle\">%ld</text>", x + bw / 2,
                HIST_H - h - 3, d->bins[i].count);
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"end\" transform=\"rotate(-40 %d %d)\">",
                x + bw / 2, HIST_H + 12, x + bw / 2, HIST_H + 12);
        esc(f, d->bins[i].from);
        fputs("</text></g>\n", f);
    }
    fputs("</svg>\n", f);
}

static void digest_table(FILE *f, const cmp_digest *d, int places)
{
    fputs("<table class=\"figures\">\n", f);
    row_n(f, "比较的记录(两方都有值)", "compared", d->compared, d->compared);
    row_n(f, "缴费增加", "more", d->more, d->compared);
    row_n(f, "缴费减少", "less", d->less, d->compared);
    row_n(f, "缴费不变", "same", d->same, d->compared);
    row_n(f, "仅原政策出错", "old_errors", d->old_errors, 0);
    row_n(f, "仅新政策出错", "new_errors", d->new_errors, 0);
    row_n(f, "两方都出错", "both_errors", d->both_errors, 0);
    row_n(f, "不适用或未规定", "not_applicable", d->not_applicable, 0);
    row(f, "原政策合计", "total_old", d->total_old);
    row(f, "新政策合计", "total_new", d->total_new);
    row(f, "变化合计", "total_change", d->total_change);
    if (d->compared) {
        char label[96];
        snprintf(label, sizeof label, "平均变化(四舍五入到%d位小数)", places);
        row(f, label, "mean_change", d->mean);
        row(f, d->approximate ? "变化中位数(近似)" : "变化中位数", "median_change", d->median);
        row(f, "最小变化", "min_change", d->min);
        row(f, "最大变化", "max_change", d->max);
    }
    fputs("</table>\n", f);
    if (!d->compared)
        return;
    fputs("<table class=\"deciles\"><tr><th>十分位</th>", f);
    for (int k = 1; k <= CMP_DECILES; k++)
        fprintf(f, "<th>D%d</th>", k);
    fputs("</tr><tr><td>变化</td>", f);
    for (int k = 0; k < CMP_DECILES; k++) {
        fprintf(f, "<td data-k=\"d%d\">", k + 1);
        esc(f, d->deciles[k]);
        fputs("</td>", f);
    }
    fputs("</tr></table>\n", f);
    if (d->approximate) {
        fputs("<p class=\"note\">不同的变化值太多, 中位数、十分位和直方图按宽度为 ", f);
        esc(f, d->quantum);
        fputs(" 的区间近似计算 (取区间下端); 合计、人数、平均、最小与最大值仍然精确。</p>\n", f);
    }
}

static void groups_section(FILE *f, const cmp_view *v, int q, const char *field, int g0, int g1)
{
    fputs("<h4>按 ", f);
    esc(f, field);
    fputs(" 分组</h4>\n<table class=\"groups\" data-field=\"", f);
    esc(f, field);
    fputs("\"><tr><th>", f);
    esc(f, field);
    fputs("</th><th>比较记录</th><th>增加</th><th>减少</th><th>不变</th><th>出错</th><th>原政策合计</th><th>新政策合计</th>"
          "<th>变化合计</th><th>平均变化</th><th>变化中位数</th></tr>\n",
          f);
    const char *maxt = "0";
    for (int g = g0; g < g1; g++) {
        const cmp_digest *d = &v->groups[g * v->nout + q];
        maxt = larger_abs(maxt, larger_abs(d->total_old, d->total_new));
        fputs("<tr data-value=\"", f);
        esc(f, v->group_value[g]);
        fputs("\"><th>", f);
        esc(f, v->group_value[g]);
        fprintf(f, "</th><td data-k=\"compared\">%ld</td><td data-k=\"more\">%ld</td><td data-k=\"less\">%ld</td>"
                   "<td data-k=\"same\">%ld</td><td data-k=\"errors\">%ld</td>",
                d->compared, d->more, d->less, d->same, d->old_errors + d->new_errors + d->both_errors);
        const char *vals[] = {d->total_old, d->total_new, d->total_change, d->mean, d->median};
        const char *keys[] = {"total_old", "total_new", "total_change", "mean_change", "median_change"};
        for (int i = 0; i < 5; i++) {
            fprintf(f, "<td data-k=\"%s\">", keys[i]);
            esc(f, d->compared || i < 3 ? vals[i] : "—");
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    /* totals by group: old and new side by side, horizontal bars */
    int n = g1 - g0, rowh = 34; /* not an amount */
    fprintf(f, "<svg class=\"totals\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"各组合计\">\n",
            BAR_W + 260, n * rowh + 30, BAR_W + 260, n * rowh + 30);
    for (int g = g0; g < g1; g++) {
        const cmp_digest *d = &v->groups[g * v->nout + q];
        int y = (g - g0) * rowh; /* not an amount */
        fprintf(f, "<g class=\"group\"><text x=\"0\" y=\"%d\" font-size=\"11\">", y + 18);
        esc(f, v->group_value[g]);
        fputs("</text>", f);
        long lo = scaled(d->total_old, maxt, BAR_W), ln = scaled(d->total_new, maxt, BAR_W);
        fprintf(f, "<rect x=\"110\" y=\"%d\" width=\"%ld\" height=\"12\" fill=\"#9aa7b8\" stroke=\"#000\" stroke-width=\"0.5\"><title>原政策 ",
                y + 3, lo);
        esc(f, d->total_old);
        fprintf(f, "</title></rect><rect x=\"110\" y=\"%d\" width=\"%ld\" height=\"12\" fill=\"#b03a2e\" stroke=\"#000\" stroke-width=\"0.5\"><title>新政策 ",
                y + 16, ln);
        esc(f, d->total_new);
        fprintf(f, "</title></rect><text x=\"%ld\" y=\"%d\" font-size=\"10\">原 ", 116 + lo, y + 13);
        esc(f, d->total_old);
        fprintf(f, "</text><text x=\"%ld\" y=\"%d\" font-size=\"10\">新 ", 116 + ln, y + 26);
        esc(f, d->total_new);
        fputs("</text></g>\n", f);
    }
    fprintf(f, "<g font-size=\"10\"><rect x=\"110\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#9aa7b8\"/><text x=\"124\" y=\"%d\">原政策</text>"
               "<rect x=\"180\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#b03a2e\"/><text x=\"194\" y=\"%d\">新政策</text></g>\n",
            n * rowh + 8, n * rowh + 17, n * rowh + 8, n * rowh + 17);
    fputs("</svg>\n", f);
}

int cmp_write_report(const cmp_view *v, FILE *f)
{
    errno = 0;
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>改革测算报告</title>\n"
          "<style>\n"
          "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",sans-serif;"
          "max-width:60em;margin:1.5em auto;padding:0 1em;color:#111;line-height:1.5}\n"
          "h1{font-size:1.6em;border-bottom:2px solid #111}h2{margin-top:2em;border-bottom:1px solid #999}\n"
          "table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #999;padding:.2em .6em;text-align:left}\n"
          "td[data-k],td.share{text-align:right;font-variant-numeric:tabular-nums}\n"
          ".note{font-size:.9em;color:#444}dl.meta dt{font-weight:bold}dl.meta dd{margin:0 0 .4em 1em}\n"
          "svg{display:block;max-width:100%;height:auto;margin:.6em 0}\n"
          "@media print{body{max-width:none;margin:0}section.output{break-inside:avoid-page}"
          "h2{break-after:avoid}svg{break-inside:avoid}a{color:#000}}\n"
          "</style>\n</head>\n<body>\n<h1>改革测算报告</h1>\n<dl class=\"meta\">\n<dt>原政策</dt><dd id=\"old\">",
          f);
    esc(f, v->old_name ? v->old_name : "");
    fputs(" (", f);
    esc(f, v->old_path);
    fputs(")</dd>\n<dt>新政策</dt><dd id=\"new\">", f);
    esc(f, v->new_name ? v->new_name : "");
    fputs(" (", f);
    esc(f, v->new_path);
    fputs(")</dd>\n<dt>人群</dt><dd id=\"population\">", f);
    esc(f, v->population);
    fprintf(f, ": <span data-k=\"records\">%ld</span> 条记录, 其中 <span data-k=\"rejected\">%ld</span> 条无法读取或含未知字段</dd>\n</dl>\n",
            v->records, v->rejected);
    fputs("<p class=\"note\">所有金额为精确十进制计算 (不经浮点), 合计对任意条数精确。变化 = 新政策 − 原政策; "
          "只有两方都算出数值的记录计入合计与分布, 出错与不适用的记录分开计数。十分位取最近秩 "
          "(至少 k/10 的记录不大于该值的最小值); 偶数条时中位数取中间两值的平均。</p>\n",
          f);
    for (int q = 0; q < v->nout; q++) {
        fputs("<section class=\"output\" data-output=\"", f);
        esc(f, v->out_old[q]);
        fputs("\">\n<h2>", f);
        esc(f, v->out_old[q]);
        if (strcmp(v->out_old[q], v->out_new[q])) {
            fputs(" → ", f);
            esc(f, v->out_new[q]);
        }
        fputs("</h2>\n", f);
        digest_table(f, &v->all[q], v->places[q]);
        if (v->all[q].nbins) {
            fputs("<h3>变化分布</h3>\n", f);
            histogram_svg(f, &v->all[q]);
        }
        for (int g = 0; g < v->ngroups;) {
            int h = g;
            while (h < v->ngroups && !strcmp(v->group_field[h], v->group_field[g]))
                h++;
            groups_section(f, v, q, v->group_field[g], g, h);
            g = h;
        }
        fputs("</section>\n", f);
    }
    fputs("<p class=\"note\">由 polrun --compare 生成。</p>\n</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}
