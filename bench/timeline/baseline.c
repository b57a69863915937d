/* baseline.c -- the Rizhao 2025 coverage timeline written by hand, as the
 * yardstick for polrun on policies/rizhao/rizhao-2025-timeline.pol.
 *
 *   bench_timeline_baseline < people.jsonl > out.jsonl
 *
 * Reads the histories bench/timeline/gen.py writes (that shape only: its
 * keys in its order, payments listed by the months they cover and not
 * overlapping) and writes what `polrun POLICY --batch -j 1` writes, byte
 * for byte: each month's status with its reason and clause, the months
 * covered, the first month covered.  One pass over the months, each from
 * the month before, the same rules as the policy's (its rule names are in
 * the comments).  Months are integers (year * 12 + month - 1); no floating
 * point anywhere.  Not a general JSON reader: a line of another shape is
 * reported and skipped.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { int paid, from, to; } payment; /* the months: paid in, covered from, to */

static const struct { const char *name, *reason, *clause; bool covered; } st[] = {
    {"正常享受", "按时缴费", "二¶1、¶3", true},
    {"年初一次性缴费", "1月1日至3月31日一次性缴纳全年费用, 自1月1日起享受", "二¶1", true},
    {"中断当月", "中断缴费首月; 自次月起暂停 (解释I2: 首月本身仍享受)", "二¶2", true},
    {"补缴覆盖", "中断后3个月内(含中断首月)补缴, 中断期间享受待遇", "二¶2", true},
    {"暂停", "中断缴费, 未在3个月内补缴: 暂停享受待遇", "二¶2", false},
    {"等待期", "超过3个月补缴或未补缴后缴费: 3个月等待期(含缴费当月)", "二¶2", false},
    {"未参保", "参保前", "三", false},
};
enum { NORMAL, LUMP, FIRST_GAP, CURED, SUSPENDED, WAITING, NOT_ENROLLED };

/* "YYYY-MM" (or the month of "YYYY-MM-DD") after `key` at or after *at */
static bool month_after(const char **at, const char *key, int *m)
{
    const char *k = strstr(*at, key);
    if (!k)
        return false;
    k += strlen(key);
    while (*k == '"' || *k == ':' || *k == ' ')
        k++;
    int y, mo;
    if (sscanf(k, "%4d-%2d", &y, &mo) != 2 || mo < 1 || mo > 12)
        return false;
    *m = y * 12 + mo - 1;
    *at = k;
    return true;
}

static void put_month(int m) { printf("%04d-%02d", m / 12, m % 12 + 1); }

int main(void)
{
    static char line[1 << 20];
    payment *pay = NULL;
    size_t pcap = 0;
    int *cover = NULL, *paycount = NULL, *first = NULL, *pendm = NULL;
    bool *ontime = NULL, *pend = NULL, *trig = NULL;
    size_t mcap = 0;
    long n = 0;
    while (fgets(line, sizeof line, stdin)) {
        n++;
        size_t np = 0;
        const char *at = strstr(line, "\"缴费记录\"");
        const char *end = at ? strstr(at, "\"参保起始月\"") : NULL;
        if (!at || !end) {
            fprintf(stderr, "line %ld: not a generated history\n", n);
            continue;
        }
        payment p;
        for (;;) {
            const char *q = at;
            if (!month_after(&q, "\"缴费日期\"", &p.paid) || q > end)
                break;
            at = q;
            if (!month_after(&at, "\"起\"", &p.from) || !month_after(&at, "\"止\"", &p.to))
                break;
            if (np == pcap) {
                pcap = pcap ? pcap * 2 : 64;
                pay = realloc(pay, pcap * sizeof *pay);
            }
            pay[np++] = p;
        }
        int S, Q0, Q1;
        at = end;
        if (!month_after(&at, "\"参保起始月\"", &S)) {
            fprintf(stderr, "line %ld: no 参保起始月\n", n);
            continue;
        }
        bool dec_covered = strstr(at, "\"上年12月正常享受待遇\": true") != NULL;
        if (!month_after(&at, "\"查询起\"", &Q0) || !month_after(&at, "\"查询止\"", &Q1)) {
            fprintf(stderr, "line %ld: no query months\n", n);
            continue;
        }
        /* months S-2 .. Q1 at offsets 0 .. len-1 */
        int lo = S - 2;
        size_t len = (size_t)(Q1 - lo + 1);
        if (len > mcap) {
            mcap = len * 2;
            cover = realloc(cover, mcap * sizeof *cover);
            paycount = realloc(paycount, mcap * sizeof *paycount);
            first = realloc(first, mcap * sizeof *first);
            pendm = realloc(pendm, mcap * sizeof *pendm);
            ontime = realloc(ontime, mcap * sizeof *ontime);
            pend = realloc(pend, mcap * sizeof *pend);
            trig = realloc(trig, mcap * sizeof *trig);
        }
        for (size_t i = 0; i < len; i++)
            cover[i] = -1, paycount[i] = 0, ontime[i] = pend[i] = trig[i] = false, first[i] = pendm[i] = 0;
        for (size_t k = 0; k < np; k++) { /* 已缴, 缴费日, 当月有缴费 */
            for (int m = pay[k].from; m <= pay[k].to; m++)
                if (m >= lo && m <= Q1)
                    cover[m - lo] = (int)k;
            if (pay[k].paid >= lo && pay[k].paid <= Q1)
                paycount[pay[k].paid - lo]++;
        }
        printf("{\"line\":%ld,\"outputs\":{\"逐月待遇\":[", n);
        int covered = 0, first_covered = -1;
        for (int m = S; m <= Q1; m++) {
            int i = m - lo;
            int c = cover[i];
            bool paid = c >= 0;
            int pm = paid ? pay[c].paid : 0, y = m / 12;
            /* 年初一次性, 按时 */
            bool lump = dec_covered && m % 12 < 3 && paid && pay[c].from == y * 12 && pay[c].to == y * 12 + 11 && pm <= y * 12 + 2;
            ontime[i] = paid && (pm <= m || lump);
            /* 中断首月 */
            first[i] = (m <= S || ontime[i - 1]) ? m : first[i - 1];
            /* 及时补缴, 未补救 */
            bool timely = paid && pm <= first[i] + 2;
            bool uncured = !ontime[i] && !timely;
            /* 有未决, 未决月 */
            pend[i] = paycount[i] ? uncured : (pend[i - 1] || uncured);
            pendm[i] = (m <= S || paycount[i]) ? m : pend[i - 1] ? pendm[i - 1] : m;
            /* 触发月, 等待期中 */
            trig[i] = paycount[i] && pend[i - 1] && m > first[pendm[i - 1] - lo] + 2;
        }
        bool comma = false;
        for (int m = Q0; m <= Q1; m++) {
            int s;
            bool paid = false;
            if (m < S)
                s = NOT_ENROLLED;
            else {
                int i = m - lo, c = cover[i];
                paid = c >= 0;
                if (trig[i] || trig[i - 1] || trig[i - 2])
                    s = WAITING;
                else if (paid && pay[c].paid <= m)
                    s = NORMAL;
                else if (ontime[i])
                    s = LUMP;
                else if (m == first[i])
                    s = FIRST_GAP;
                else if (paid && pay[c].paid <= first[i] + 2)
                    s = CURED;
                else
                    s = SUSPENDED;
            }
            if (st[s].covered) {
                covered++;
                if (first_covered < 0)
                    first_covered = m;
            }
            printf("%s{\"月份\":\"", comma ? "," : "");
            put_month(m);
            printf("\",\"状态\":\"%s\",\"享受待遇\":%s,\"已缴\":%s,\"原因\":\"%s\",\"条款\":\"%s\"}", st[s].name,
                   st[s].covered ? "true" : "false", paid ? "true" : "false", st[s].reason, st[s].clause);
            comma = true;
        }
        printf("],\"享受待遇月数\":\"%d\",\"首个享受待遇月\":\"", covered);
        if (first_covered < 0)
            printf("无");
        else
            put_month(first_covered);
        printf("\"}}\n");
    }
    free(pay), free(cover), free(paycount), free(first), free(pendm), free(ontime), free(pend), free(trig);
    return 0;
}
