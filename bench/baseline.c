/* baseline.c -- the hand-written int64 C baseline for bench/run.sh.
 *
 *   bench_baseline rizhao|halffen|mixed IN.jsonl|IN.csv OUT
 *
 * What a programmer would write for exactly these three policies, with no
 * interpreter: fen in int64, the rates and dates compiled in, a minimal JSON
 * object parser (and a CSV splitter) for the benchmark's records, and output
 * written byte for byte as `polrun --batch` writes it, so that run.sh can
 * compare the two files with cmp.  Single threaded, one read buffer, one
 * write buffer, nothing allocated per record.
 *
 * It is a yardstick, not a product: a record it does not understand becomes
 * an error line (which then differs from polrun's, and run.sh says so).
 * No floating point anywhere: amounts are int64 fen (or 1e-6 yuan).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RIZHAO, HALFFEN, MIXED };

/* ---- output ---- */
static char obuf[1 << 20];
static size_t olen;
static FILE *ofp;

static void oflush(void)
{
    if (olen && fwrite(obuf, 1, olen, ofp) != olen) {
        perror("bench_baseline: write");
        exit(1);
    }
    olen = 0;
}

static void oput(const char *s, size_t n)
{
    if (olen + n > sizeof obuf)
        oflush();
    memcpy(obuf + olen, s, n);
    olen += n;
}

#define OLIT(s) oput(s, sizeof(s) - 1)

static void oint(int64_t v)
{
    char t[24], *e = t + sizeof t, *q = e;
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--q = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        *--q = '-';
    oput(q, (size_t)(e - q));
}

/* v * 10^-scale, at least two fractional digits, no trailing zeros beyond
 * them (polrun's money format); v >= 0 here. */
static void omoney(int64_t v, int scale)
{
    while (scale > 2 && v % 10 == 0) {
        v /= 10;
        scale--;
    }
    int64_t p = 1;
    for (int k = 0; k < scale; k++)
        p *= 10;
    oint(v / p);
    char t[24];
    int64_t f = v % p;
    for (int k = scale - 1; k >= 0; k--) {
        t[k] = (char)('0' + f % 10);
        f /= 10;
    }
    oput(".", 1);
    oput(t, (size_t)scale);
}

/* ---- input ---- */
typedef struct field {
    const char *key, *val;
    size_t klen, vlen;
} field;

/* A JSON object of string keys and string or number values, no escapes. */
static int parse_json(const char *s, const char *e, field *f, int max)
{
    int n = 0;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    if (s == e || *s++ != '{')
        return -1;
    for (;;) {
        while (s < e && *s == ' ')
            s++;
        if (s < e && *s == '}')
            return n;
        if (s == e || *s != '"' || n == max)
            return -1;
        f[n].key = ++s;
        while (s < e && *s != '"')
            s++;
        if (s == e)
            return -1;
        f[n].klen = (size_t)(s - f[n].key);
        s++;
        while (s < e && *s == ' ')
            s++;
        if (s == e || *s++ != ':')
            return -1;
        while (s < e && *s == ' ')
            s++;
        if (s < e && *s == '"') {
            f[n].val = ++s;
            while (s < e && *s != '"')
                s++;
            if (s == e)
                return -1;
            f[n].vlen = (size_t)(s - f[n].val);
            s++;
        } else {
            f[n].val = s;
            while (s < e && *s != ',' && *s != '}' && *s != ' ')
                s++;
            f[n].vlen = (size_t)(s - f[n].val);
        }
        n++;
        while (s < e && *s == ' ')
            s++;
        if (s < e && *s == ',') {
            s++;
            continue;
        }
        if (s < e && *s == '}')
            return n;
        return -1;
    }
}

/* YYYY-MM-DD as the integer YYYYMMDD, or -1. */
static int32_t parse_date(const char *s, size_t n)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int32_t v = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    int32_t m = v / 100 % 100, d = v % 100;
    return m >= 1 && m <= 12 && d >= 1 && d <= 31 ? v : -1;
}

/* Yuan with at most two decimals as fen, or -1. */
static int64_t parse_fen(const char *s, size_t n)
{
    int64_t v = 0;
    size_t i = 0;
    int frac = -1;
    if (n == 0)
        return -1;
    for (; i < n; i++) {
        if (s[i] == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || frac == 2 || v > INT64_MAX / 100)
            return -1;
        v = v * 10 + (s[i] - '0');
        if (frac >= 0)
            frac++;
    }
    for (int k = frac < 0 ? 0 : frac; k < 2; k++)
        v *= 10;
    return v;
}

static bool key_is(const field *f, const char *name)
{
    size_t n = strlen(name);
    return f->klen == n && memcmp(f->key, name, n) == 0;
}

static void bad(long line, bool csv, int ncols)
{
    if (csv) {
        oint(line);
        for (int k = 0; k <= ncols; k++)
            OLIT(",");
        OLIT("baseline cannot read this record\n");
    } else {
        OLIT("{\"line\":");
        oint(line);
        OLIT(",\"error\":{\"message\":\"baseline cannot read this record\"}}\n");
    }
}

static void record(int policy, bool csv, long line, const char *s, const char *e)
{
    field f[4];
    int n;
    const char *date = NULL, *base = NULL;
    size_t dlen = 0, blen = 0;
    if (csv) { /* RIZHAO: date; HALFFEN: base,date */
        if (policy == RIZHAO) {
            date = s;
            dlen = (size_t)(e - s);
        } else {
            const char *c = memchr(s, ',', (size_t)(e - s));
            if (!c) {
                bad(line, csv, 3);
                return;
            }
            base = s;
            blen = (size_t)(c - s);
            date = c + 1;
            dlen = (size_t)(e - c - 1);
        }
    } else {
        if ((n = parse_json(s, e, f, 4)) < 0) {
            bad(line, csv, policy == RIZHAO ? 5 : 3);
            return;
        }
        for (int k = 0; k < n; k++)
            if (key_is(&f[k], "缴费日期")) {
                date = f[k].val;
                dlen = f[k].vlen;
            } else if (key_is(&f[k], "缴费基数")) {
                base = f[k].val;
                blen = f[k].vlen;
            }
    }
    int32_t d = date ? parse_date(date, dlen) : -1;
    if (policy == RIZHAO) {
        if (d < 0 || d > 20251231) {
            bad(line, csv, 5);
            return;
        }
        int64_t b = d <= 20250930 ? 441600 : 450400; /* 月缴费基数, fen       */
        int64_t m = (b * 5 + 50) / 100;               /* × 5%, half up to fen */
        int64_t y = m * 12, big = 1200 * 12, total = y + big + 3000;
        if (csv) {
            oint(line);
            OLIT(",");
            omoney(b, 2);
            OLIT(",");
            omoney(m, 2);
            OLIT(",");
            omoney(y, 2);
            OLIT(",");
            omoney(big, 2);
            OLIT(",");
            omoney(total, 2);
            OLIT(",,\n"); /* empty error and notes */
        } else {
            OLIT("{\"line\":");
            oint(line);
            OLIT(",\"outputs\":{\"适用月缴费基数\":\"");
            omoney(b, 2);
            OLIT("\",\"月缴费额\":\"");
            omoney(m, 2);
            OLIT("\",\"年缴费金额\":\"");
            omoney(y, 2);
            OLIT("\",\"大额医疗救助金年缴费\":\"");
            omoney(big, 2);
            OLIT("\",\"全年医疗保险费合计\":\"");
            omoney(total, 2);
            OLIT("\"}}\n");
        }
        return;
    }
    int64_t b = base ? parse_fen(base, blen) : -1;
    if (d < 0 || d > 20251231 || b < 0 || b > 10000000) {
        bad(line, csv, 3);
        return;
    }
    int64_t rate = d <= 20250630 ? 900 : 950;  /* 1e-4: 9%, 9.5%           */
    int64_t exact = b * rate;                  /* 1e-6 yuan                */
    int64_t m = (exact + 5000) / 10000;        /* half up to the fen       */
    int64_t y = m * 12;
    if (csv) {
        oint(line);
        OLIT(",");
        omoney(exact, 6);
        OLIT(",");
        omoney(m, 2);
        OLIT(",");
        omoney(y, 2);
        OLIT(",,\n"); /* empty error and notes */
    } else {
        OLIT("{\"line\":");
        oint(line);
        OLIT(",\"outputs\":{\"精确月缴费\":\"");
        omoney(exact, 6);
        OLIT("\",\"月缴费额\":\"");
        omoney(m, 2);
        OLIT("\",\"年缴费额\":\"");
        omoney(y, 2);
        OLIT("\"}}\n");
    }
}

/* ---- bench/mixed.pol: three schemes by 缴费方案 ----
 * Every record has an output that does not apply to its scheme, so every
 * answer carries polrun's "unavailable" object (JSON Lines) or its notes
 * (CSV); their texts are mixed.pol's, with its positions, as polrun writes
 * them for a policy compiled as `mixed.pol`. */
#define MX_NA_WEINAN_ONLY "not applicable: 个人账户月划入 applies only when 缴费方案 == 方案.渭南"
#define MX_NA_BIG "not applicable: 大额医疗年缴费 applies only when 缴费方案 != 方案.渭南"
#define MX_NA_CARE "not applicable: 长期护理年缴费 applies only when 缴费方案 != 方案.渭南"
#define MX_NA_RETIRED "not applicable: 基本医疗月缴费 is inapplicable in this case (mixed.pol:63:78)"

static const char *const mx_tiers[4] = {"无账户无生育", "无账户含生育", "有账户无生育", "有账户含生育"};
static const int64_t mx_rate[4] = {6, 7, 9, 10}; /* percent, 2023 */

static bool val_is(const char *v, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n == k && memcmp(v, lit, k) == 0;
}

/* One money value of an "outputs" object: "key":"v" or "key":null (v < 0). */
static void mx_json_out(const char *key, size_t klen, int64_t v, bool first)
{
    if (!first)
        OLIT(",");
    OLIT("\"");
    oput(key, klen);
    if (v < 0) {
        OLIT("\":null");
        return;
    }
    OLIT("\":\"");
    omoney(v, 2);
    OLIT("\"");
}
#define MX_OUT(k, v, first) mx_json_out(k, sizeof(k) - 1, v, first)

static void mx_json_na(const char *name, size_t nlen, const char *msg, size_t mlen, const char *pos, bool first)
{
    if (!first)
        OLIT(",");
    OLIT("\"");
    oput(name, nlen);
    OLIT("\":{\"status\":\"not-applicable\",\"message\":\"");
    oput(msg, mlen);
    OLIT("\",\"position\":\"");
    oput(pos, strlen(pos));
    OLIT("\"}");
}
#define MX_NA(name, msg, pos, first) mx_json_na(name, sizeof(name) - 1, msg, sizeof(msg) - 1, pos, first)

static void mx_json_bad_base(const char *name, size_t nlen, const char *why, size_t wlen, bool first)
{
    if (!first)
        OLIT(",");
    OLIT("\"");
    oput(name, nlen);
    OLIT("\":{\"status\":\"error\",\"message\":\"");
    oput(why, wlen);
    OLIT("\",\"field\":\"缴费基数\",\"position\":\"mixed.pol:30:7\"}");
}

static void mixed_record(bool csv, long line, const char *s, const char *e)
{
    field f[8];
    const char *v[5] = {0}; /* 缴费方案, 缴费日期, 档次, 缴费基数, 人员身份 */
    size_t n[5] = {0};
    if (csv) {
        const char *p = s;
        for (int k = 0; k < 5; k++) {
            const char *c = k < 4 ? memchr(p, ',', (size_t)(e - p)) : e;
            if (!c) {
                bad(line, csv, 8);
                return;
            }
            if (c > p) {
                v[k] = p;
                n[k] = (size_t)(c - p);
            }
            p = c + 1;
        }
    } else {
        static const char *const keys[5] = {"缴费方案", "缴费日期", "档次", "缴费基数", "人员身份"};
        int nf = parse_json(s, e, f, 8);
        if (nf < 0) {
            bad(line, csv, 8);
            return;
        }
        for (int i = 0; i < nf; i++)
            for (int k = 0; k < 5; k++)
                if (key_is(&f[i], keys[k])) {
                    v[k] = f[i].val;
                    n[k] = f[i].vlen;
                }
    }
    /* base, monthly, large-medical, care, account, total; -1: no value */
    int64_t o[6] = {-1, -1, -1, -1, -1, -1};
    char why[160];
    size_t wlen = 0; /* a 潍坊 base out of its bounds */
    int scheme;
    if (v[0] && val_is(v[0], n[0], "日照")) {
        scheme = 0;
        int32_t d = v[1] ? parse_date(v[1], n[1]) : -1;
        if (d < 0 || d > 20251231) {
            bad(line, csv, 8);
            return;
        }
        o[0] = d <= 20250930 ? 441600 : 450400;
        o[1] = (o[0] * 5 + 50) / 100;
        o[2] = 1200 * 12;
        o[3] = 3000;
        o[5] = o[1] * 12 + o[2] + o[3];
    } else if (v[0] && val_is(v[0], n[0], "潍坊")) {
        scheme = 1;
        int t = -1;
        for (int k = 0; k < 4; k++)
            if (v[2] && val_is(v[2], n[2], mx_tiers[k]))
                t = k;
        int64_t b = v[3] ? parse_fen(v[3], n[3]) : -1;
        if (t < 0 || b < 0) {
            bad(line, csv, 8);
            return;
        }
        o[2] = 15000;
        o[3] = 400 * 12;
        if (b < 424200 || b > 2120700) {
            wlen = (size_t)snprintf(why, sizeof why, "input 缴费基数 = %.*s is %s (allowed 4242..21207)", (int)n[3], v[3],
                                    b < 424200 ? "below its minimum 4242" : "above its maximum 21207");
        } else {
            o[0] = b;
            o[1] = (b * mx_rate[t] + 50) / 100;
            o[5] = o[1] * 12 + o[2] + o[3];
        }
    } else if (v[0] && val_is(v[0], n[0], "渭南")) {
        scheme = 2;
        bool working = v[4] && val_is(v[4], n[4], "在职");
        if (!working && !(v[4] && val_is(v[4], n[4], "退休"))) {
            bad(line, csv, 8);
            return;
        }
        o[0] = 329100;
        o[1] = working ? (329100 * 8 + 50) / 100 : -1;
        o[4] = working ? (329100 * 2 + 50) / 100 : 6800;
        o[5] = (working ? o[1] * 12 : 0) + 800 * 12;
    } else {
        bad(line, csv, 8);
        return;
    }
    if (csv) {
        oint(line);
        for (int k = 0; k < 6; k++) {
            OLIT(",");
            if (o[k] >= 0)
                omoney(o[k], 2);
        }
        OLIT(",");
        if (wlen) {
            OLIT("\"mixed.pol:30:7: 月缴费基数, 基本医疗月缴费, 全年缴费合计: ");
            oput(why, wlen);
            OLIT("\"");
        }
        OLIT(",");
        if (scheme == 2) {
            if (o[1] < 0)
                OLIT("基本医疗月缴费: " MX_NA_RETIRED " | ");
            OLIT("大额医疗年缴费: " MX_NA_BIG " | 长期护理年缴费: " MX_NA_CARE "\n");
        } else {
            OLIT("个人账户月划入: " MX_NA_WEINAN_ONLY "\n");
        }
        return;
    }
    OLIT("{\"line\":");
    oint(line);
    OLIT(",\"outputs\":{");
    MX_OUT("月缴费基数", o[0], true);
    MX_OUT("基本医疗月缴费", o[1], false);
    MX_OUT("大额医疗年缴费", o[2], false);
    MX_OUT("长期护理年缴费", o[3], false);
    MX_OUT("个人账户月划入", o[4], false);
    MX_OUT("全年缴费合计", o[5], false);
    OLIT("},\"unavailable\":{");
    if (scheme == 2) {
        bool first = true;
        if (o[1] < 0) {
            MX_NA("基本医疗月缴费", MX_NA_RETIRED, "mixed.pol:60:8", true);
            first = false;
        }
        MX_NA("大额医疗年缴费", MX_NA_BIG, "mixed.pol:65:8", first);
        MX_NA("长期护理年缴费", MX_NA_CARE, "mixed.pol:70:8", false);
    } else if (wlen) {
        mx_json_bad_base("月缴费基数", sizeof "月缴费基数" - 1, why, wlen, true);
        mx_json_bad_base("基本医疗月缴费", sizeof "基本医疗月缴费" - 1, why, wlen, false);
        MX_NA("个人账户月划入", MX_NA_WEINAN_ONLY, "mixed.pol:75:8", false);
        mx_json_bad_base("全年缴费合计", sizeof "全年缴费合计" - 1, why, wlen, false);
    } else {
        MX_NA("个人账户月划入", MX_NA_WEINAN_ONLY, "mixed.pol:75:8", true);
    }
    OLIT("}}\n");
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "rizhao") && strcmp(argv[1], "halffen") && strcmp(argv[1], "mixed"))) {
        fputs("usage: bench_baseline rizhao|halffen|mixed IN.jsonl|IN.csv OUT\n", stderr);
        return 64;
    }
    int policy = strcmp(argv[1], "rizhao") == 0 ? RIZHAO : strcmp(argv[1], "halffen") == 0 ? HALFFEN : MIXED;
    size_t alen = strlen(argv[2]);
    bool csv = alen >= 4 && strcmp(argv[2] + alen - 4, ".csv") == 0;
    FILE *in = fopen(argv[2], "rb");
    ofp = fopen(argv[3], "wb");
    if (!in || !ofp) {
        perror("bench_baseline");
        return 66;
    }
    if (csv && policy == RIZHAO)
        OLIT("line,适用月缴费基数,月缴费额,年缴费金额,大额医疗救助金年缴费,全年医疗保险费合计,error,notes\n");
    else if (csv && policy == HALFFEN)
        OLIT("line,精确月缴费,月缴费额,年缴费额,error,notes\n");
    else if (csv)
        OLIT("line,月缴费基数,基本医疗月缴费,大额医疗年缴费,长期护理年缴费,个人账户月划入,全年缴费合计,error,notes\n");
    static char buf[1 << 20];
    size_t have = 0;
    long line = 1;
    bool header = csv, eof = false;
    while (!eof) {
        size_t got = fread(buf + have, 1, sizeof buf - have, in);
        have += got;
        eof = got == 0;
        char *s = buf, *end = buf + have;
        for (;;) {
            char *nl = memchr(s, '\n', (size_t)(end - s));
            if (!nl) {
                if (!eof || s == end)
                    break;
                nl = end; /* a last line without a newline */
            }
            char *e = nl > s && nl[-1] == '\r' ? nl - 1 : nl;
            if (header)
                header = false;
            else if (e > s && policy == MIXED)
                mixed_record(csv, line, s, e);
            else if (e > s)
                record(policy, csv, line, s, e);
            line++;
            s = nl < end ? nl + 1 : end;
        }
        have = (size_t)(end - s);
        memmove(buf, s, have);
        if (have == sizeof buf) {
            fputs("bench_baseline: a record longer than 1 MiB\n", stderr);
            return 65;
        }
    }
    oflush();
    if (fclose(ofp) != 0) {
        perror("bench_baseline: write");
        return 73;
    }
    fclose(in);
    return 0;
}
