/* doc.c -- `polc doc`: the literate view of a policy (doc.h).  One HTML
 * page with its style inline and no script, no network, no external asset:
 * the header, the notice's clauses each beside what cites it, the
 * parameters with their versions, the rules, the tests run as worked
 * examples, and the findings.  The notice is read through
 * compiler/clause.h; without it the page lists the cited clause ids. */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "bytecode.h"
#include "caldate.h"
#include "clause.h"
#include "lang.h"
#include "mem.h"
#include "polint.h"

/* The page's language (the process's): English keeps the bilingual page
 * (Chinese labels with English glosses); Chinese drops the glosses and
 * translates the English sentences (po/zh_CN/explain.po). */
static bool doc_zh;
#define ZE(zh_text, en_text) (doc_zh ? (zh_text) : (en_text))

typedef struct place { int item, doc, node; } place; /* node -1: before the first clause, -2: the whole notice */

typedef struct item {
    const char *kind, *kind_zh, *name, *cite, *doc;
    char anchor[24];
} item;

typedef struct page {
    FILE *out;
    const bc_program *p;
    clause_set *s;
    item *items;
    int nitems;
    place *places;
    int nplaces, cap;
    char **ids; /* without the notice: cited ids in order of first use */
    int nids;
} page;

static void esc(FILE *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': fputs("&amp;", o); break;
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '"': fputs("&quot;", o); break;
        default: fputc(s[i], o);
        }
    }
}

static void escs(FILE *o, const char *s)
{
    if (s)
        esc(o, s, strlen(s));
}

static const char *meta(const bc_program *p, const char *en, const char *zh)
{
    for (uint32_t i = 0; i < p->nmeta; i++)
        if (!strcmp(p->meta[i].key, en) || (zh && !strcmp(p->meta[i].key, zh)))
            return p->meta[i].value;
    return NULL;
}

static void add_item(page *g, const char *kind, const char *kind_zh, const char *name, const char *cite, const char *doc,
                     const char *anchor_fmt, int index)
{
    g->items = pol_xrealloc(g->items, (size_t)(g->nitems + 1) * sizeof *g->items);
    item *it = &g->items[g->nitems++];
    *it = (item){kind, kind_zh, name, cite, doc, ""};
    snprintf(it->anchor, sizeof it->anchor, anchor_fmt, index);
}

struct place_arg { page *g; int item; };

static void place_ref(const char *ref, size_t n, size_t off, void *arg)
{
    (void)off;
    struct place_arg *a = arg;
    page *g = a->g;
    if (!g->s) { /* no notice: the id itself */
        int i = 0;
        while (i < g->nids && !(strlen(g->ids[i]) == n && !memcmp(g->ids[i], ref, n)))
            i++;
        if (i == g->nids) {
            g->ids = pol_xrealloc(g->ids, (size_t)(g->nids + 1) * sizeof *g->ids);
            g->ids[g->nids] = pol_xmalloc(n + 1);
            memcpy(g->ids[g->nids], ref, n);
            g->ids[g->nids++][n] = '\0';
        }
        g->places = pol_xrealloc(g->places, (size_t)(g->nplaces + 1) * sizeof *g->places);
        g->places[g->nplaces++] = (place){a->item, -1, i};
        return;
    }
    clause_ref r[64];
    char why[600];
    int k = clause_resolve(g->s, ref, n, r, 64, why, sizeof why);
    for (int i = 0; i < (k < 0 ? 1 : k); i++) {
        int doc = k < 0 ? -1 : r[i].doc, node = k < 0 ? -1 : r[i].node;
        if (k >= 0 && node < 0)
            node = -2;
        else if (k >= 0 && g->s->docs[doc].v[node].level == 4)
            node = g->s->docs[doc].v[node].parent;
        g->places = pol_xrealloc(g->places, (size_t)(g->nplaces + 1) * sizeof *g->places);
        g->places[g->nplaces++] = (place){a->item, doc, node};
    }
}

static void collect(page *g)
{
    const bc_program *p = g->p;
    for (uint32_t i = 0; i < p->ninputs; i++)
        add_item(g, "input", "输入", p->inputs[i].name, p->inputs[i].cite, p->inputs[i].doc, "i%d", (int)i);
    for (uint32_t i = 0; i < p->nparams; i++) {
        add_item(g, "parameter", "参数", p->params[i].name, p->params[i].cite, p->params[i].doc, "p%d", (int)i);
        for (uint32_t v = 0; v < p->params[i].nversions; v++) /* a version's clause has the parameter beside it too */
            if (p->params[i].versions[v].cite && (!p->params[i].cite || strcmp(p->params[i].versions[v].cite, p->params[i].cite)))
                add_item(g, "parameter", "参数", p->params[i].name, p->params[i].versions[v].cite, NULL, "p%d", (int)i);
    }
    for (uint32_t i = 0; i < p->nenums; i++) {
        add_item(g, "enum", "枚举", p->enums[i].name, p->enums[i].cite, NULL, "e%d", (int)i);
        for (uint32_t m = 0; m < p->enums[i].nmembers; m++)
            if (p->enums[i].members[m].cite && (!p->enums[i].cite || strcmp(p->enums[i].members[m].cite, p->enums[i].cite)))
                add_item(g, "enum", "枚举", p->enums[i].name, p->enums[i].members[m].cite, NULL, "e%d", (int)i);
    }
    for (uint32_t i = 0; i < p->nrecords; i++)
        add_item(g, "record", "记录", p->records[i].name, p->records[i].cite, NULL, "d%d", (int)i);
    for (uint32_t i = 0; i < p->nrules; i++)
        if (p->rules[i].name[0] != '$' && p->rules[i].cite)
            add_item(g, p->rules[i].is_output ? "output" : p->rules[i].is_constraint ? "requirement" : "rule",
                     p->rules[i].is_output ? "输出" : p->rules[i].is_constraint ? "要求" : "规则", p->rules[i].name, p->rules[i].cite,
                     p->rules[i].doc, "r%d", (int)i);
    for (uint32_t i = 0; i < p->nfindings; i++)
        add_item(g, "finding", "疑点", p->findings[i].text, p->findings[i].cite, p->findings[i].doc, "f%d", (int)i);
    for (uint32_t i = 0; i < p->ntests; i++) /* a test stands beside the clauses of the rules it checks */
        for (uint32_t j = 0; j < p->tests[i].nexpect; j++) {
            const bc_rule *r = &p->rules[p->tests[i].expect[j].index];
            if (r->cite) {
                add_item(g, "test", "测试", p->tests[i].name, r->cite, NULL, "t%d", (int)i);
                break;
            }
        }
    for (int i = 0; i < g->nitems; i++) {
        struct place_arg a = {g, i};
        if (g->items[i].cite)
            clause_each_ref(g->items[i].cite, place_ref, &a);
    }
}

static void put_items(page *g, int doc, int node)
{
    FILE *o = g->out;
    bool any = false;
    for (int i = 0; i < g->nplaces; i++) {
        if (g->places[i].doc != doc || g->places[i].node != node)
            continue;
        bool seen = false; /* one line per item, also when it cites two parts */
        for (int j = 0; j < i && !seen; j++)
            seen = g->places[j].doc == doc && g->places[j].node == node && g->places[j].item == g->places[i].item;
        if (seen)
            continue;
        const item *it = &g->items[g->places[i].item];
        if (!any)
            fputs("<div class=\"cites\">", o);
        any = true;
        fprintf(o, "<div class=\"cite-item kind-%s\" data-kind=\"%s\" data-name=\"", it->kind, it->kind);
        escs(o, it->name);
        fprintf(o, "\"><span class=\"kind\">%s</span> <a href=\"#%s\">", it->kind_zh, it->anchor);
        escs(o, it->name);
        fputs("</a> <span class=\"cite\">", o);
        escs(o, it->cite);
        fputs("</span></div>", o);
    }
    if (any)
        fputs("</div>", o);
}

/* The note of the clause map entry that names clause k of doc (an
 * acknowledgement when its words are empty), or NULL. */
static const char *ack_note(const page *g, int doc, int k, bool *acked)
{
    const bc_program *p = g->p;
    size_t pl = strlen(CLAUSE_META_PREFIX);
    *acked = false;
    for (uint32_t i = 0; i < p->nmeta; i++) {
        const char *id = p->meta[i].key + pl;
        if (strncmp(p->meta[i].key, CLAUSE_META_PREFIX, pl) || *p->meta[i].value)
            continue;
        clause_ref r[64];
        char why[600];
        int n = clause_resolve(g->s, id, strlen(id), r, 64, why, sizeof why);
        for (int j = 0; j < n; j++)
            if (r[j].doc == doc && r[j].node == k) {
                char key[200];
                *acked = true;
                snprintf(key, sizeof key, "clause-note %s", id);
                return meta(p, key, NULL);
            }
    }
    return NULL;
}

/* The lines of text[a, b) as paragraphs. */
static void put_text(FILE *o, const char *text, size_t a, size_t b, bool heading)
{
    int para = 0;
    for (size_t ls = a; ls < b;) {
        const char *nl = memchr(text + ls, '\n', b - ls);
        size_t le = nl ? (size_t)(nl - text) : b;
        size_t s = ls, e = le;
        while (s < e && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r'))
            s++;
        if (s + 3 <= e && !memcmp(text + s, "\xE3\x80\x80", 3))
            s += 3;
        while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\r'))
            e--;
        if (e > s && !(e - s == 5 && !memcmp(text + s, "![]()", 5))) {
            if (heading && para == 0 && ls == a)
                fputs("<p class=\"head\">", o);
            else
                fprintf(o, "<p data-para=\"%d\">", ++para);
            esc(o, text + s, e - s);
            fputs("</p>\n", o);
        } else if (heading && ls == a)
            para = 0;
        ls = nl ? le + 1 : le;
    }
}

static void put_notice(page *g, int doc)
{
    FILE *o = g->out;
    const clause_doc *d = &g->s->docs[doc];
    fprintf(o, "<section class=\"notice\" data-notice=\"");
    escs(o, d->name);
    fputs(ZE("\"><h2>通知原文：<code>", "\"><h2>通知原文 <span class=\"en\">The notice</span>: <code>"), o);
    escs(o, d->name);
    fputs("</code></h2>\n", o);
    put_items(g, doc, -2);
    size_t first = d->n && d->v[0].level < 4 ? d->v[0].head : d->len;
    for (int k = 0; k < d->n; k++)
        if (d->v[k].level < 4 && d->v[k].head < first)
            first = d->v[k].head;
    fprintf(o, "<div class=\"row preamble\"><div class=\"text\">");
    put_text(o, d->text, 0, first, false);
    fputs("</div><div class=\"side\">", o);
    put_items(g, doc, -1);
    fputs("</div></div>\n", o);
    for (int k = 0; k < d->n; k++) {
        const clause_node *x = &d->v[k];
        if (x->level == 4)
            continue;
        bool acked;
        const char *why = ack_note(g, doc, k, &acked);
        /* as the checker counts it: a cite of the clause or of a part of it;
         * not transcribed: the clause or one containing it says so */
        bool cited = false;
        for (int i = 0; i < g->nplaces && !cited; i++)
            if (g->places[i].doc == doc && g->places[i].node >= 0)
                for (int a = g->places[i].node; a >= 0 && !cited; a = d->v[a].parent)
                    cited = a == k;
        for (int a = x->parent; a >= 0 && !acked; a = d->v[a].parent)
            ack_note(g, doc, a, &acked);
        fprintf(o, "<div class=\"row clause level%d%s%s%s\" id=\"c%d-%d\" data-clause=\"", x->level, cited ? " cited" : "",
                acked ? " not-transcribed" : "", x->rule_bearing ? " rule-bearing" : "", doc, k);
        escs(o, x->id);
        fputs("\"><div class=\"text\"><span class=\"cid\">", o);
        escs(o, x->id);
        fputs("</span>", o);
        put_text(o, d->text, x->head, x->own_end, true);
        fputs("</div><div class=\"side\">", o);
        put_items(g, doc, k);
        if (why) {
            fprintf(o, "<div class=\"clause-note%s\">%s", acked ? " ack" : "", acked ? ZE("<b>未转录：</b>", "<b>未转录 not transcribed here:</b> ") : "");
            escs(o, why);
            fputs("</div>", o);
        }
        fputs("</div></div>\n", o);
    }
    fputs("</section>\n", o);
}

static void put_ids(page *g)
{
    FILE *o = g->out;
    fputs(ZE("<section class=\"notice absent\"><h2>条款</h2>\n", "<section class=\"notice absent\"><h2>条款 <span class=\"en\">Clauses, by id</span></h2>\n"), o);
    for (int i = 0; i < g->nids; i++) {
        fputs("<div class=\"row clause\" data-clause=\"", o);
        escs(o, g->ids[i]);
        fputs("\"><div class=\"text\"><span class=\"cid\">", o);
        escs(o, g->ids[i]);
        fputs("</span></div><div class=\"side\">", o);
        put_items(g, -1, i);
        fputs("</div></div>\n", o);
    }
    fputs("</section>\n", o);
}

static void date_text(int32_t d, char *buf, bool lo)
{
    if ((lo && d == BC_OPEN_LO) || (!lo && d == BC_OPEN_HI))
        strcpy(buf, "\xE2\x80\xA6"); /* an open end: … */
    else
        cd_format_date(d, buf);
}

static void put_params(page *g)
{
    FILE *o = g->out;
    const bc_program *p = g->p;
    fputs(ZE("<section id=\"parameters\"><h2>参数</h2>\n", "<section id=\"parameters\"><h2>参数 <span class=\"en\">Parameters and their versions</span></h2>\n"), o);
    for (uint32_t i = 0; i < p->nparams; i++) {
        const bc_param *x = &p->params[i];
        fprintf(o, "<table class=\"param\" id=\"p%u\" data-param=\"", i);
        escs(o, x->name);
        fputs("\"><caption>", o);
        escs(o, x->name);
        fprintf(o, " <span class=\"type\">%s</span>", pol_type_name(x->type));
        if (x->cite) {
            fputs(" <span class=\"cite\">", o);
            escs(o, x->cite);
            fputs("</span>", o);
        }
        fputs(ZE("</caption>\n<thead><tr><th>自</th><th>至</th><th>值</th><th>依据</th></tr></thead><tbody>\n",
                 "</caption>\n<thead><tr><th>自 from</th><th>至 to</th><th>值 value</th><th>依据 clause</th></tr></thead><tbody>\n"),
              o);
        for (uint32_t v = 0; v < x->nversions; v++) {
            const bc_version *ver = &x->versions[v];
            char from[16], to[16], val[256];
            date_text(ver->from, from, true);
            date_text(ver->to, to, false);
            bc_const_text(p, ver->k, val, sizeof val);
            const char *cls = ver->unstated ? "version unstated" : ver->inferred ? "version inferred" : "version";
            fprintf(o, "<tr class=\"%s\"><td>%s</td><td>%s</td><td class=\"value\">", cls, from, to);
            if (ver->unstated) {
                fputs(ZE("<b>未载明</b>：", "<b>未载明 unstated</b>: "), o);
                escs(o, val);
            } else
                escs(o, val);
            if (ver->inferred) {
                fputs(ZE("<div class=\"inferred-how\"><b>推算</b>：", "<div class=\"inferred-how\"><b>推算 inferred</b>: "), o);
                escs(o, ver->inferred);
                fputs("</div>", o);
            }
            fputs("</td><td class=\"cite\">", o);
            escs(o, ver->cite ? ver->cite : x->cite);
            fputs("</td></tr>\n", o);
        }
        fputs("</tbody></table>\n", o);
        if (x->doc) {
            fputs("<p class=\"note\">", o);
            escs(o, x->doc);
            fputs("</p>\n", o);
        }
    }
    fputs("</section>\n", o);
}

static void put_cite(FILE *o, const char *cite)
{
    if (cite) {
        fputs(" <span class=\"cite\">", o);
        escs(o, cite);
        fputs("</span>", o);
    }
}

static void put_inputs(page *g)
{
    FILE *o = g->out;
    const bc_program *p = g->p;
    fputs(ZE("<section id=\"inputs\"><h2>输入</h2>\n<dl class=\"rules\">\n",
             "<section id=\"inputs\"><h2>输入 <span class=\"en\">Inputs: the facts of one case</span></h2>\n<dl class=\"rules\">\n"),
          o);
    for (uint32_t i = 0; i < p->ninputs; i++) {
        fprintf(o, "<dt id=\"i%u\" data-input=\"", i);
        escs(o, p->inputs[i].name);
        fputs("\">", o);
        escs(o, p->inputs[i].name);
        fprintf(o, " <span class=\"type\">%s</span>", pol_type_name(p->inputs[i].type));
        put_cite(o, p->inputs[i].cite);
        fputs("</dt><dd>", o);
        if (p->inputs[i].doc) {
            fputs("<p class=\"note\">", o);
            escs(o, p->inputs[i].doc);
            fputs("</p>", o);
        }
        fputs("</dd>\n", o);
    }
    for (uint32_t i = 0; i < p->nenums; i++) {
        fprintf(o, "<dt id=\"e%u\"><span class=\"kind\">枚举</span> ", i);
        escs(o, p->enums[i].name);
        put_cite(o, p->enums[i].cite);
        fputs("</dt><dd>", o);
        for (uint32_t m = 0; m < p->enums[i].nmembers; m++) {
            fputs(m ? ", " : "", o);
            escs(o, p->enums[i].members[m].name);
            if (p->enums[i].members[m].cite && (!p->enums[i].cite || strcmp(p->enums[i].members[m].cite, p->enums[i].cite)))
                put_cite(o, p->enums[i].members[m].cite);
        }
        fputs("</dd>\n", o);
    }
    for (uint32_t i = 0; i < p->nrecords; i++) {
        fprintf(o, "<dt id=\"d%u\"><span class=\"kind\">记录</span> ", i);
        escs(o, p->records[i].name);
        put_cite(o, p->records[i].cite);
        fputs("</dt><dd>", o);
        for (uint32_t f = 0; f < p->records[i].nfields; f++) {
            fputs(f ? ", " : "(", o);
            escs(o, p->records[i].fields[f].name);
        }
        fputs(p->records[i].nfields ? ")</dd>\n" : "</dd>\n", o);
    }
    fputs("</dl></section>\n", o);
}

static void put_rules(page *g)
{
    FILE *o = g->out;
    const bc_program *p = g->p;
    fputs(ZE("<section id=\"rules\"><h2>规则</h2>\n<dl class=\"rules\">\n",
             "<section id=\"rules\"><h2>规则 <span class=\"en\">Rules and outputs</span></h2>\n<dl class=\"rules\">\n"),
          o);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const bc_rule *r = &p->rules[i];
        if (r->name[0] == '$')
            continue;
        fprintf(o, "<dt id=\"r%u\" class=\"%s\" data-rule=\"", i, r->is_output ? "output" : "rule");
        escs(o, r->name);
        fprintf(o, "\"><span class=\"kind\">%s</span> ", r->is_output ? "输出" : r->is_constraint ? "要求" : "规则");
        escs(o, r->name);
        fprintf(o, " <span class=\"type\">%s</span>", pol_type_name(r->type));
        if (r->cite) {
            fputs(" <span class=\"cite\">", o);
            escs(o, r->cite);
            fputs("</span>", o);
        }
        fputs("</dt><dd><code class=\"formula\">", o);
        if (r->when) {
            fputs("when ", o);
            escs(o, r->when);
            fputs(" = ", o);
        }
        escs(o, r->formula ? r->formula : _("(given by its exceptions)"));
        fputs("</code>", o);
        if (r->doc) {
            fputs("<p class=\"note\">", o);
            escs(o, r->doc);
            fputs("</p>", o);
        }
        fputs("</dd>\n", o);
    }
    fputs("</dl></section>\n", o);
}

static const pol_check *check_for(const pol_test_results *res, const pol_test_result *t, const char *what)
{
    for (size_t c = t->first_check; c < t->first_check + t->nchecks; c++)
        if (res->checks[c].what && !strcmp(res->checks[c].what, what))
            return &res->checks[c];
    return NULL;
}

static void assign_text(const bc_program *p, const bc_assign *a, char *buf, size_t n)
{
    if (a->want == BC_WANT_NA)
        snprintf(buf, n, "%s", ZE("不适用", "不适用 not applicable"));
    else if (a->want == BC_WANT_UNSTATED)
        snprintf(buf, n, "%s", ZE("未载明", "未载明 unstated"));
    else if (a->k == BC_NONE)
        snprintf(buf, n, "%s", _("(a list)"));
    else
        bc_const_text(p, a->k, buf, n);
}

static void put_tests(page *g, const pol_test_results *res)
{
    FILE *o = g->out;
    const bc_program *p = g->p;
    if (doc_zh)
        fprintf(o, "<section id=\"tests\"><h2>算例 <span class=\"en\">（测试运行结果：%d 个通过，%d 个未通过）</span></h2>\n",
                res ? res->passed : 0, res ? res->failed : 0);
    else
        fprintf(o, "<section id=\"tests\"><h2>算例 <span class=\"en\">Worked examples (the tests, run: %d passed, %d failed)</span></h2>\n",
                res ? res->passed : 0, res ? res->failed : 0);
    for (uint32_t i = 0; i < p->ntests; i++) {
        const bc_test *t = &p->tests[i];
        const pol_test_result *tr = res && i < res->ntests ? &res->tests[i] : NULL;
        bool passed = tr && tr->passed;
        fprintf(o, "<article class=\"test %s\" id=\"t%u\" data-test=\"", passed ? "passed" : "failed", i);
        escs(o, t->name);
        fprintf(o, "\"><h3><span class=\"result\">%s</span> ", passed ? ZE("✓ 通过", "✓ 通过 passed") : ZE("✗ 未通过", "✗ 未通过 failed"));
        escs(o, t->name);
        fputs("</h3>\n<table><tbody>\n", o);
        for (uint32_t j = 0; j < t->ngiven; j++) {
            char val[256];
            assign_text(p, &t->given[j], val, sizeof val);
            fputs("<tr class=\"given\"><th>", o);
            escs(o, p->inputs[t->given[j].index].name);
            fputs("</th><td class=\"value\">", o);
            escs(o, val);
            fputs("</td><td></td></tr>\n", o);
        }
        for (uint32_t j = 0; j < t->nexpect; j++) {
            const bc_assign *a = &t->expect[j];
            const char *name = p->rules[a->index].name;
            char val[256];
            assign_text(p, a, val, sizeof val);
            const pol_check *c = tr ? check_for(res, tr, name) : NULL;
            bool finding = c && c->kind == POL_CHECK_FINDING;
            bool bad = c && (c->kind == POL_CHECK_MISMATCH || c->kind == POL_CHECK_EVAL_FAILED);
            fprintf(o, "<tr class=\"expect%s%s%s%s\" data-rule=\"", a->stated ? " stated" : "", finding ? " finding" : "", bad ? " mismatch" : "",
                    a->want == BC_WANT_UNSTATED ? " unstated" : ""); /* highlighted as the unstated versions are */
            escs(o, name);
            fputs("\"><th>", o);
            escs(o, name);
            fprintf(o, "</th><td class=\"value\">%s", a->stated ? ZE("<span class=\"tag\">原文</span> ", "<span class=\"tag\">原文 stated</span> ") : "");
            escs(o, val);
            fputs("</td><td class=\"outcome\">", o);
            if (c && (finding || bad)) {
                if (finding)
                    fputs(ZE("疑点：规则给出 ", "疑点 finding: the rules give "), o);
                else
                    fputs("✗ ", o), fputs(_("got "), o);
                escs(o, c->actual);
            } else if (c && c->kind == POL_CHECK_CIRCULAR) {
                fputs("✓ ", o);
                fputs(_("(circular: only re-derives "), o);
                escs(o, c->actual);
                fputs(ZE("）", ")"), o);
            } else if (passed)
                fputs("✓", o);
            fputs("</td></tr>\n", o);
        }
        if (t->expect_error) {
            fputs("<tr class=\"expect error\"><th>", o);
            escs(o, _("rejected"));
            fputs("</th><td class=\"value\">", o);
            if (t->error_k != BC_NONE) {
                char val[256];
                bc_const_text(p, t->error_k, val, sizeof val);
                escs(o, val);
            }
            fprintf(o, "</td><td class=\"outcome\">%s</td></tr>\n", passed ? "✓" : "");
        }
        fputs("</tbody></table></article>\n", o);
    }
    fputs("</section>\n", o);
}

static void put_findings(page *g)
{
    FILE *o = g->out;
    const bc_program *p = g->p;
    if (!p->nfindings)
        return;
    fputs(ZE("<section id=\"findings\"><h2>疑点</h2>\n", "<section id=\"findings\"><h2>疑点 <span class=\"en\">Findings: problems of the notice</span></h2>\n"), o);
    for (uint32_t i = 0; i < p->nfindings; i++) {
        fprintf(o, "<div class=\"finding\" id=\"f%u\"><p>", i);
        escs(o, p->findings[i].text);
        fputs("</p>", o);
        if (p->findings[i].cite) {
            fputs("<span class=\"cite\">", o);
            escs(o, p->findings[i].cite);
            fputs("</span>", o);
        }
        if (p->findings[i].doc) {
            fputs("<p class=\"note\">", o);
            escs(o, p->findings[i].doc);
            fputs("</p>", o);
        }
        fputs("</div>\n", o);
    }
    fputs("</section>\n", o);
}

static const char style[] =
    ":root{--ink:#1d1d1f;--soft:#6b6b70;--rule:#d8d4cc;--paper:#fffdf8;--cite:#7a3b12;--find:#fff1c2;--unstated:#ffe0e0;"
    "--inferred:#e6f0ff;--ok:#1f6f3a;--bad:#a3141b}\n"
    "html{background:var(--paper);color:var(--ink)}\n"
    "body{margin:0 auto;max-width:72rem;padding:1.5rem 2rem 4rem;font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\","
    "\"Songti SC\",\"SimSun\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",serif;font-size:16px;line-height:1.85;"
    "line-break:strict;word-break:normal;overflow-wrap:anywhere;text-align:justify;text-spacing-trim:space-first}\n"
    "h1,h2,h3,.kind,.cid,caption,th{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\","
    "\"WenQuanYi Micro Hei\",sans-serif}\n"
    "h1{font-size:1.6rem;line-height:1.4;margin:.5rem 0}h2{font-size:1.25rem;border-bottom:2px solid var(--ink);margin-top:2.5rem}"
    "h3{font-size:1rem;margin:.3rem 0}.en{font-weight:normal;color:var(--soft);font-size:.85em}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}dl.meta dt{color:var(--soft)}dl.meta dd{margin:0}\n"
    ".absent-note{background:var(--find);padding:.5rem 1rem;border-left:4px solid #d9a400}\n"
    ".row{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5rem;border-top:1px solid var(--rule);"
    "padding:.4rem 0;break-inside:avoid}\n"
    ".row .text p{margin:.2rem 0;text-indent:2em}.row .text p.head{text-indent:0}.level1 .text p.head{font-weight:bold}\n"
    ".level2 .text{padding-left:1.5em}.level3 .text{padding-left:3em}.cid{display:inline-block;min-width:3em;color:var(--cite);"
    "font-size:.8rem;font-weight:bold}\n"
    ".rule-bearing:not(.cited):not(.not-transcribed) .text{background:var(--find)}\n"
    ".side{font-size:.9rem}.cite-item{margin:.15rem 0}.kind{font-size:.75rem;border:1px solid var(--rule);border-radius:3px;"
    "padding:0 .3em;color:var(--soft)}\n"
    ".kind-finding{background:var(--find)}.cite{color:var(--cite);font-size:.85em}.cite::before{content:\"依据 \"}\n"
    ".clause-note{color:var(--soft);font-size:.85rem}.clause-note.ack{border-left:3px solid var(--rule);padding-left:.5em}\n"
    "a{color:inherit;text-decoration-color:var(--rule)}code{font-family:\"Noto Sans Mono CJK SC\",\"DejaVu Sans Mono\",monospace;"
    "font-size:.9em}\n"
    "table{border-collapse:collapse;margin:.8rem 0;break-inside:avoid}caption{text-align:left;font-weight:bold}"
    "th,td{border:1px solid var(--rule);padding:.15rem .6rem;text-align:left;vertical-align:top}td.value{font-variant-numeric:"
    "tabular-nums;text-align:right}\n"
    "tr.unstated td{background:var(--unstated)}tr.inferred td{background:var(--inferred)}.type{color:var(--soft);font-weight:normal;"
    "font-size:.85em}\n"
    "dl.rules dt{margin-top:.6rem;font-weight:bold}dl.rules dd{margin:0 0 0 2em}.note{color:var(--soft);font-size:.9rem;margin:.2rem 0}\n"
    "article.test{border:1px solid var(--rule);border-radius:4px;padding:.3rem .8rem;margin:.8rem 0;break-inside:avoid}\n"
    ".test.passed .result{color:var(--ok)}.test.failed .result{color:var(--bad)}tr.finding td,tr.mismatch td{background:var(--find)}"
    ".tag{font-size:.75em;color:var(--soft)}\n"
    ".finding{background:var(--find);padding:.3rem .8rem;margin:.5rem 0}\n"
    "@media (max-width:50rem){.row{grid-template-columns:1fr;gap:.2rem}body{padding:1rem}}\n"
    "@media print{html{background:#fff}body{max-width:none;padding:0;font-size:10.5pt}a{text-decoration:none}"
    "h2{break-after:avoid}@page{size:A4;margin:18mm 15mm}}\n";

bool doc_write_html(const pol_policy *pol, const char *policy, FILE *o)
{
    page g;
    memset(&g, 0, sizeof g);
    doc_zh = pol_lang_get() == POL_LANG_ZH;
    g.out = o;
    g.p = pol_policy_program(pol);
    const bc_program *p = g.p;
    g.s = clause_set_for_program(p, policy);
    const char *notice = meta(p, "notice", "\xE9\x80\x9A\xE7\x9F\xA5\xE5\x8E\x9F\xE6\x96\x87");
    bool have = g.s != NULL;
    for (int i = 0; have && i < g.s->ndocs; i++)
        have = g.s->docs[i].text != NULL;
    if (!have) {
        clause_set_free(g.s);
        g.s = NULL;
    }
    collect(&g);
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          o);
    escs(o, p->name);
    fprintf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", style);
    escs(o, p->name);
    fputs("</h1>\n<dl class=\"meta\">\n", o);
    for (uint32_t i = 0; i < p->nmeta; i++) {
        if (!strncmp(p->meta[i].key, "clause", 6))
            continue;
        fprintf(o, "<dt>");
        escs(o, p->meta[i].key);
        fputs("</dt><dd>", o);
        escs(o, p->meta[i].value);
        fputs("</dd>\n", o);
    }
    fputs("<dt>", o);
    escs(o, _("source"));
    fputs("</dt><dd><code>", o);
    escs(o, policy);
    fputs("</code></dd>\n</dl>\n</header>\n<main>\n", o);
    if (!g.s) {
        fputs("<p class=\"absent-note\" id=\"no-notice\">", o);
        if (notice) {
            fputs(ZE("通知原文 <code>", "通知原文不在手边 The notice <code>"), o);
            escs(o, notice);
            fputs(_("</code> is not at hand (no notices directory, or the file is missing; see POL_NOTICES_DIR): the rules are shown"
                    " by clause id only."),
                  o);
        } else
            fputs(_("The policy names no notice file (header key <code>notice</code>): the rules are shown by clause id only."), o);
        fputs("</p>\n", o);
        put_ids(&g);
    } else
        for (int i = 0; i < g.s->ndocs; i++)
            put_notice(&g, i);
    pol_test_results *res = pol_run_tests(pol);
    put_inputs(&g);
    put_params(&g);
    put_rules(&g);
    put_tests(&g, res);
    put_findings(&g);
    fputs("</main>\n</body>\n</html>\n", o);
    pol_test_results_free(res);
    clause_set_free(g.s);
    for (int i = 0; i < g.nids; i++)
        free(g.ids[i]);
    free(g.ids);
    free(g.items);
    free(g.places);
    return !ferror(o);
}
