#!/usr/bin/env python3
"""polrun --compare against an answer computed here, independently.

A seeded population for tests/compare/old.pol and new.pol (tiers, bases on
both sides of each policy's bound, a waiver flag, an invalid tier, records
that are not JSON or carry an unknown field) is written to a temporary
directory; every record's old and new values are computed with Python's
decimal (ROUND_HALF_UP to the fen, as the policies say), and the test checks
polrun's per-record differences, its JSON and CSV summaries (exact totals,
counts more/less/same, errors on either side, not applicable, mean, median,
deciles, histogram counts) overall and by 类别 and 减免, that -j 1 and -j 2
write the same bytes, and that an output with more distinct changes than the
histogram keeps is flagged approximate while its totals stay exact.  The
Rizhao and Weifang examples are checked the same way with their own
generators (policies/*/gen_population.py) and formulas written here.

usage: check_compare.py POLRUN SOURCE_DIR
"""
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_UP

D = Decimal
FEN = D("0.01")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def r2(x):
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


def text(d, places=2):
    """dec_format(d, places): at least `places` digits, more if the exact value needs them."""
    d = d + D(0)
    if d == 0:
        return "0." + "0" * places if places else "0"
    q = d.quantize(D(1).scaleb(-places))
    return format(q if q == d else d.normalize(), "f")


def summarize(changes, olds, news, places=2, mean_places=2):
    """What the summary must say about a list of exact changes."""
    n = len(changes)
    out = {
        "compared": n,
        "more": sum(1 for c in changes if c > 0),
        "less": sum(1 for c in changes if c < 0),
        "same": sum(1 for c in changes if c == 0),
        "total_old": text(sum(olds, D(0)), places),
        "total_new": text(sum(news, D(0)), places),
        "total_change": text(sum(changes, D(0)), places),
    }
    if n:
        s = sorted(changes)
        mean = (sum(changes, D(0)) / n).quantize(D(1).scaleb(-mean_places), rounding=ROUND_HALF_UP)
        out["mean_change"] = text(mean, places)
        out["median_change"] = text((s[(n + 1) // 2 - 1] + s[n // 2]) / 2, places)
        out["min_change"] = text(s[0], places)
        out["max_change"] = text(s[-1], places)
        out["deciles"] = [text(s[-(-n * k // 10) - 1], places) for k in range(1, 10)]
    return out


# ---- the test policies' answer ----

def old_values(r):
    """{output: Decimal | 'error' | 'na'} under old.pol."""
    if r["类别"] not in ("甲", "乙", "丙"):
        return {k: "error" for k in ("月缴费", "补贴", "应缴")}
    base = D(r["基数"])
    ok = D(0) <= base <= D(10000)
    m = r2(base * D("0.05")) if ok else "error"
    v = {"月缴费": m, "补贴": D(10) if r["类别"] == "丙" else "na"}
    v["应缴"] = D(0) if r["减免"] else (m * 12 if ok else "error")
    return v


def new_values(r):
    if r["类别"] not in ("甲", "乙", "丙"):
        return {k: "error" for k in ("月缴费", "补贴", "应缴")}
    base = D(r["基数"])
    ok = D(0) <= base <= D(8000)
    rate = {"甲": D("0.06"), "乙": D("0.04"), "丙": D("0.05")}[r["类别"]]
    m = r2(base * rate) if ok else "error"
    v = {"月缴费": m, "补贴": D(12) if r["类别"] != "甲" else "na"}
    v["应缴"] = (r2(m * 6) if r["减免"] else m * 12) if ok else "error"
    return v


def expected(records, outputs, oldf, newf, by=(), places=None, mean_places=None):
    """records: list of dicts (None: rejected).  -> {"all": {out: summary}, (field, value): {...}}"""
    places = places or {}
    mean_places = mean_places or {}
    acc = {}

    def slot(key, out):
        return acc.setdefault(key, {}).setdefault(out, {"c": [], "o": [], "n": [], "oe": 0, "ne": 0, "be": 0, "na": 0})

    for r in records:
        if r is None:
            continue
        ov, nv = oldf(r), newf(r)
        keys = ["all"] + [(f, str(r[f]).lower() if isinstance(r[f], bool) else r[f]) for f in by]
        for out in outputs:
            o, n = ov[out], nv[out]
            for key in keys:
                s = slot(key, out)
                if isinstance(o, D) and isinstance(n, D):
                    s["c"].append(n - o)
                    s["o"].append(o)
                    s["n"].append(n)
                elif o == "error" and n == "error":
                    s["be"] += 1
                elif o == "error":
                    s["oe"] += 1
                elif n == "error":
                    s["ne"] += 1
                else:
                    s["na"] += 1
    res = {}
    for key, outs in acc.items():
        res[key] = {}
        for out, s in outs.items():
            e = summarize(s["c"], s["o"], s["n"], places.get(out, 2), mean_places.get(out, 2))
            e.update(old_errors=s["oe"], new_errors=s["ne"], both_errors=s["be"], not_applicable=s["na"])
            res[key][out] = e
    return res


def compare_summary(got, exp, label):
    outs = {o["old_output"]: o for o in got["outputs"]}
    for key, per in exp.items():
        for out, e in per.items():
            o = outs.get(out)
            check(o is not None, f"{label}: output {out} in the summary")
            if o is None:
                continue
            if key == "all":
                g = o["all"]
            else:
                m = [b["summary"] for b in o["by"] if b["field"] == key[0] and b["value"] == key[1]]
                check(len(m) == 1, f"{label}: group {key} of {out}")
                if not m:
                    continue
                g = m[0]
            for k, v in e.items():
                check(g.get(k) == v, f"{label}: {out} {key} {k}: got {g.get(k)!r}, expected {v!r}")


def run(polrun, args, expect_rc=None):
    p = subprocess.run([polrun] + args, capture_output=True, text=True)
    if expect_rc is not None:
        check(p.returncode == expect_rc, f"polrun {' '.join(args)}: exit {p.returncode}, expected {expect_rc}: {p.stderr[-400:]}")
    return p


def write_population(path, records, rejected_lines):
    with open(path, "w", encoding="utf-8") as f:
        for i, r in enumerate(records):
            if r is None:
                f.write(rejected_lines[i] + "\n")
            else:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


def test_policies(polrun, src, tmp):
    rnd = random.Random(20261202)
    records, bad = [], {}
    for i in range(3000):
        if i % 499 == 7:
            records.append(None)
            bad[i] = '{"编号": "bad' if i % 2 else '{"编号": "x%d", "类别": "甲", "基数": "1", "减免": false, "多余": 1}' % i
            continue
        tier = rnd.choice(["甲", "乙", "丙"] * 10 + ["丁"])
        base = rnd.choice([rnd.randint(0, 1000000) / 100, D(rnd.randint(0, 12000)), D("8000"), D("8000.01"), D("10000")])
        records.append({"编号": "p%05d" % i, "类别": tier, "基数": str(base), "减免": rnd.random() < 0.2})
    pop = os.path.join(tmp, "pop.jsonl")
    write_population(pop, records, bad)
    outs = ["月缴费", "补贴", "应缴"]
    exp = expected(records, outs, old_values, new_values, by=("类别", "减免"))
    oldp, newp = os.path.join(src, "tests/compare/old.pol"), os.path.join(src, "tests/compare/new.pol")
    sj, sc, diff = os.path.join(tmp, "s.json"), os.path.join(tmp, "s.csv"), os.path.join(tmp, "d.jsonl")
    base_args = ["--compare", oldp, newp, "--batch", pop, "--by", "类别", "--by", "减免", "--key", "编号", "-q"]
    run(polrun, base_args + ["-j", "2", "-o", diff, "--summary", sj], expect_rc=1)
    got = json.load(open(sj, encoding="utf-8"))
    check(got["records"] == 3000, f"records {got['records']}")
    check(got["rejected"] == sum(1 for r in records if r is None), f"rejected {got['rejected']}")
    compare_summary(got, exp, "test policies")
    # histogram counts add up to the records compared
    for o in got["outputs"]:
        if o["all"]["compared"]:
            check(sum(b["count"] for b in o["all"]["histogram"]) == o["all"]["compared"], f"histogram of {o['old_output']}")
            check(o["all"]["approximate"] is False, f"{o['old_output']} exact")
    # per-record differences: every record, in input order
    lines = open(diff, encoding="utf-8").read().splitlines()
    check(len(lines) == len(records), f"{len(lines)} diff records")
    for i, (ln, r) in enumerate(zip(lines, records)):
        d = json.loads(ln)
        check(d["line"] == i + 1, f"line {d['line']} at {i + 1}")
        if r is None:
            check("error" in d and "outputs" not in d, f"record {i + 1} rejected: {ln[:200]}")
            continue
        check(d["keys"] == {"编号": r["编号"]}, f"record {i + 1} keys {d.get('keys')}")
        ov, nv = old_values(r), new_values(r)
        for out in outs:
            g = d["outputs"][out]
            for side, v in (("old", ov[out]), ("new", nv[out])):
                if isinstance(v, D):
                    check(g.get(side) == text(v), f"record {i + 1} {out} {side}: {g.get(side)} != {text(v)}")
                else:
                    want = side + ("_error" if v == "error" else "_note")
                    check(want in g, f"record {i + 1} {out}: {want} in {g}")
            if isinstance(ov[out], D) and isinstance(nv[out], D):
                check(g.get("change") == text(nv[out] - ov[out]), f"record {i + 1} {out} change {g.get('change')}")
    # the same bytes with one worker; the CSV summary says the same
    diff1 = os.path.join(tmp, "d1.jsonl")
    run(polrun, base_args + ["-j", "1", "-o", diff1, "--summary", sc], expect_rc=1)
    check(open(diff, "rb").read() == open(diff1, "rb").read(), "-j 1 and -j 2 write the same differences")
    rows = list(csv.DictReader(open(sc, encoding="utf-8")))
    for row in rows:
        key = "all" if not row["field"] else (row["field"], row["value"])
        e = exp[key][row["output"]]
        for k in ("compared", "more", "less", "same", "old_errors", "new_errors", "both_errors", "not_applicable"):
            check(int(row[k]) == e[k], f"CSV {key} {row['output']} {k}: {row[k]} != {e[k]}")
        for k in ("total_old", "total_new", "total_change"):
            check(row[k] == e[k], f"CSV {key} {row['output']} {k}: {row[k]} != {e[k]}")
        if e["compared"]:
            check(row["median_change"] == e["median_change"], f"CSV {key} {row['output']} median")
    check(len(rows) == 3 * (1 + len([k for k in exp if k != "all"])), f"CSV rows {len(rows)}")
    # CSV differences: a header and one row per record
    dcsv = os.path.join(tmp, "d.csv")
    run(polrun, base_args + ["-o", dcsv], expect_rc=1)
    crow = list(csv.reader(open(dcsv, encoding="utf-8")))
    check(crow[0][:5] == ["line", "编号", "月缴费.old", "月缴费.new", "月缴费.change"], f"CSV header {crow[0][:5]}")
    check(len(crow) == len(records) + 1, f"CSV diff rows {len(crow)}")
    # the text summary on stdout names the totals
    p = run(polrun, ["--compare", oldp, newp, "--batch", pop, "--key", "编号"], expect_rc=1)
    check(("total old %s, new %s, change %s" % (exp["all"]["应缴"]["total_old"], exp["all"]["应缴"]["total_new"],
                                                 exp["all"]["应缴"]["total_change"])) in p.stdout, "text summary totals")
    # the same population as CSV (the readable records): the same figures; a record without its key is rejected
    good = [r for r in records if r is not None] + [{"编号": "", "类别": "甲", "基数": "1", "减免": False}]
    pcsv = os.path.join(tmp, "pop.csv")
    with open(pcsv, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["编号", "类别", "基数", "减免"])
        for r in good:
            w.writerow([r["编号"], r["类别"], r["基数"], "true" if r["减免"] else "false"])
    scj = os.path.join(tmp, "scsv.json")
    run(polrun, ["--compare", oldp, newp, "--batch", pcsv, "--by", "类别", "--by", "减免", "--key", "编号", "-q",
                 "--summary", scj], expect_rc=1)
    gotc = json.load(open(scj, encoding="utf-8"))
    compare_summary(gotc, expected(good, outs, old_values, new_values, by=("类别", "减免")), "CSV population")
    check(gotc["rejected"] == 0, f"CSV: an empty key cell is a value, not a missing key ({gotc['rejected']})")
    nokey = os.path.join(tmp, "nokey.jsonl")
    with open(nokey, "w", encoding="utf-8") as f:
        f.write('{"类别": "甲", "基数": "1", "减免": false}\n')
    p = run(polrun, ["--compare", oldp, newp, "--batch", nokey, "--key", "编号", "-o", "-", "-q"], expect_rc=1)
    check('"keys":{"编号":null}' in p.stdout and "(--key) is missing" in p.stdout, "missing key: " + p.stdout)
    # usage errors
    p = run(polrun, ["--compare", oldp, newp, "--batch", pop, "--by", "基数"], expect_rc=64)
    check("enumeration or boolean" in p.stderr, "--by on a money input: " + p.stderr)
    p = run(polrun, ["--compare", oldp, newp, "--batch", pop, "--pair", "月缴费=无此输出"], expect_rc=64)
    check("无此输出" in p.stderr, "--pair naming no output: " + p.stderr)
    p = run(polrun, ["--compare", oldp], expect_rc=64)
    check("two policies" in p.stderr, "--compare with one policy: " + p.stderr)
    p = run(polrun, [oldp, "--batch", pop, "--summary", sj], expect_rc=64)
    check("--compare" in p.stderr, "--summary without --compare: " + p.stderr)
    # without --key, a field of neither policy rejects the record
    p = run(polrun, ["--compare", oldp, newp, "--batch", pop, "-o", "-", "-q"], expect_rc=1)
    first = json.loads(p.stdout.splitlines()[0])
    check("编号" in first.get("error", ""), "unknown field rejected: " + p.stdout[:200])


def test_approximate(polrun, src, tmp):
    """More distinct changes than the histogram keeps: approximate, totals exact."""
    rnd = random.Random(7)
    records = [{"类别": "甲", "基数": "%d.%02d" % (rnd.randint(0, 7999), rnd.randint(0, 99)), "减免": False}
               for _ in range(12000)]
    pop = os.path.join(tmp, "wide.jsonl")
    write_population(pop, records, {})
    sj = os.path.join(tmp, "wide.json")
    run(polrun, ["--compare", os.path.join(src, "tests/compare/old.pol"), os.path.join(src, "tests/compare/new.pol"),
                 "--batch", pop, "-q", "--summary", sj], expect_rc=0)
    got = {o["old_output"]: o["all"] for o in json.load(open(sj, encoding="utf-8"))["outputs"]}
    exp = expected(records, ["月缴费", "应缴"], old_values, new_values)["all"]
    for out in ("月缴费", "应缴"):
        g, e = got[out], exp[out]
        check(g["approximate"] is True, f"{out}: approximate")
        for k in ("compared", "more", "less", "same", "total_old", "total_new", "total_change", "mean_change",
                  "min_change", "max_change"):
            check(g[k] == e[k], f"wide {out} {k}: {g[k]} != {e[k]}")
        res = D(g["resolution"])
        check(res > FEN, f"{out} resolution {res}")
        check(abs(D(g["median_change"]) - D(e["median_change"])) <= res, f"{out} approximate median within {res}")
        for a, b in zip(g["deciles"], e["deciles"]):
            check(D(0) <= D(b) - D(a) < res, f"{out} decile {a} is the lower end of the bin of {b}")


def test_examples(polrun, src, tmp):
    """The two shipped reforms over their generated populations."""
    sys.path.insert(0, os.path.join(src, "policies"))
    # Rizhao: 5% -> 8%
    gen = os.path.join(src, "policies/rizhao/gen_population.py")
    pop = os.path.join(tmp, "rizhao.jsonl")
    subprocess.run([sys.executable, gen, "2000", "--seed", "5", "-o", pop], check=True)
    records = [json.loads(line) for line in open(pop, encoding="utf-8")]

    def rz(rate):
        def f(r):
            d = r["缴费日期"]
            if d > "2025-12-31":
                return {"月缴费额": "error", "全年医疗保险费合计": "error"}
            base = D(4416) if d <= "2025-09-30" else D(4504)
            m = r2(base * rate)
            return {"月缴费额": m, "全年医疗保险费合计": m * 12 + 144 + 30}
        return f

    exp = expected(records, ["月缴费额", "全年医疗保险费合计"], rz(D("0.05")), rz(D("0.08")))
    sj = os.path.join(tmp, "rz.json")
    run(polrun, ["--compare", os.path.join(src, "policies/rizhao/rizhao-2025.pol"),
                 os.path.join(src, "policies/rizhao/rizhao-2025-reform-8pct.pol"), "--batch", pop, "--key", "编号",
                 "--pair", "全年医疗保险费合计=全年合计_改革后", "-q", "--summary", sj], expect_rc=1)
    compare_summary(json.load(open(sj, encoding="utf-8")), exp, "rizhao")
    # Weifang: 2023 with the 2024 rates
    gen = os.path.join(src, "policies/weifang/gen_population.py")
    pop = os.path.join(tmp, "weifang.jsonl")
    subprocess.run([sys.executable, gen, "3000", "--seed", "5", "-o", pop], check=True)
    records = [json.loads(line) for line in open(pop, encoding="utf-8")]

    def wf(rates):
        def f(r):
            a, b = r["所属期起"], r["所属期止"]
            if a[:4] != b[:4] or a > b:
                return {"费率": "error", "医疗保险月缴费": "error", "应缴合计": "error"}
            rate = rates[r["档次"]]
            base = D(r["缴费基数"])
            if not D(4242) <= base <= D(21207):
                return {"费率": rate, "医疗保险月缴费": "error", "应缴合计": "error"}
            months = (int(b[:4]) - int(a[:4])) * 12 + int(b[5:]) - int(a[5:]) + 1
            m = r2(base * rate)
            big = D(0) if r["本年度已缴大额医疗"] else D(150)
            return {"费率": rate, "医疗保险月缴费": m, "应缴合计": m * months + 4 * months + big}
        return f

    old = {"无账户无生育": D("0.06"), "无账户含生育": D("0.07"), "有账户无生育": D("0.09"), "有账户含生育": D("0.10")}
    new = dict(old, 无账户无生育=D("0.07"), 无账户含生育=D("0.08"))
    exp = expected(records, ["费率", "医疗保险月缴费", "应缴合计"], wf(old), wf(new), by=("档次",),
                   places={"费率": 0}, mean_places={"费率": 6})
    sj = os.path.join(tmp, "wf.json")
    html = os.path.join(tmp, "wf.html")
    run(polrun, ["--compare", os.path.join(src, "policies/weifang/weifang-hanting-2023.pol"),
                 os.path.join(src, "policies/weifang/weifang-2024-rates-reform.pol"), "--batch", pop, "--key", "编号",
                 "--by", "档次", "-q", "--summary", sj, "--report", html], expect_rc=1)
    compare_summary(json.load(open(sj, encoding="utf-8")), exp, "weifang")
    page = open(html, encoding="utf-8").read()
    check(page.startswith("<!DOCTYPE html>") and "<svg" in page and "http" not in page.replace("http-equiv", ""),
          "report is self-contained HTML with SVG")
    check(exp["all"]["应缴合计"]["total_change"] in page, "report shows the total change")


def main():
    polrun, src = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        test_policies(polrun, src, tmp)
        test_approximate(polrun, src, tmp)
        test_examples(polrun, src, tmp)
    if failures:
        print(f"{len(failures)} failures")
        sys.exit(1)
    print("compare: all checks passed")


if __name__ == "__main__":
    main()
