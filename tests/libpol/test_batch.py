#!/usr/bin/env python3
"""tests/libpol/test_batch.py -- polrun --batch end to end.

JSON Lines and CSV in and out; one output record per input record, in input
order, with -j 1, 2 and more over 20,000 records (several chunks); error
records for bad records keep their line numbers while the rest still run,
and the exit status is then 1; a batch's results equal polrun's one-scenario
results.  Expected amounts are computed here with Python's decimal module,
independently of pol.

  test_batch.py --polrun P --polc C --root SRC --work DIR

Prints one line per check and a last line "N passed, M failed".
"""
import argparse
import csv
import datetime
import io
import json
import os
import random
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        results["passed"] += 1
        print("ok    " + name)
    else:
        results["failed"] += 1
        print("FAIL  " + name + (": " + detail if detail else ""))


def run(args, stdin=None):
    p = subprocess.run(args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# ---- expected values, independently of pol ----
def fen(x):
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money(x):
    """polrun's text for a money value: exact, at least two places."""
    s = format(x.normalize(), "f")
    if "." not in s:
        s += "."
    ip, fp = s.split(".")
    return ip + "." + fp.ljust(2, "0")


def rizhao(date):
    base = Decimal(4416) if date <= "2025-09-30" else Decimal(4504)
    month = fen(base * Decimal("0.05"))
    year = month * 12
    return {"适用月缴费基数": money(base), "月缴费额": money(month), "年缴费金额": money(year),
            "大额医疗救助金年缴费": money(Decimal(144)), "全年医疗保险费合计": money(year + 144 + 30)}


def halffen(base, date):
    rate = Decimal("0.09") if date <= "2025-06-30" else Decimal("0.095")
    exact = Decimal(base) * rate
    month = fen(exact)
    return {"精确月缴费": money(exact), "月缴费额": money(month), "年缴费额": money(month * 12)}


RIZHAO_COLS = ["适用月缴费基数", "月缴费额", "年缴费金额", "大额医疗救助金年缴费", "全年医疗保险费合计"]
HALFFEN_COLS = ["精确月缴费", "月缴费额", "年缴费额"]


PARTIAL_POL = """policy "t" { region "x" }
enum 类别 cite "二" { 在职  退休 }
input 身份: 类别 cite "二"
input 日期: date cite "一"
param 基数: money {
  ..2025-12-31 = 4416 cite "一"
  2026-01-01.. = unstated "以省厅通知为准" cite "一(二)"
}
output 月缴费: money when 身份 == 类别.在职 = round(基数[日期] * 5%, 2) cite "二"
output 大额: money = 12元 * 12 cite "三"
output 合计: money = (if applicable(月缴费) then 月缴费 * 12 else 0元) + 大额 cite "三"
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polrun", required=True)
    ap.add_argument("--polc", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    w = lambda name: os.path.join(a.work, name)
    rz = w("rizhao.polc")
    hf = w("halffen.polc")
    for src, out in ((os.path.join(a.root, "policies/rizhao/rizhao-2025.pol"), rz),
                     (os.path.join(a.root, "bench/halffen.pol"), hf)):
        rc, _, err = run([a.polc, "build", src, "-o", out])
        if rc != 0:
            print("polc build %s failed: %s" % (src, err))
            print("0 passed, 1 failed")
            return 1
    polrun = a.polrun

    # ---- JSON Lines in, JSON Lines out ----
    dates = ["2025-09-30", "2025-10-01", "2025-01-15", "2025-12-31"]
    path = w("four.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for d in dates:
            f.write(json.dumps({"缴费日期": d}, ensure_ascii=False) + "\n")
    rc, out, err = run([polrun, rz, "--batch", path, "-q"])
    lines = out.splitlines()
    check("jsonl: exit 0, one record per scenario", rc == 0 and len(lines) == 4, "rc %d, %d lines: %s" % (rc, len(lines), err))
    got = [json.loads(l) for l in lines] if len(lines) == 4 else []
    check("jsonl: line numbers and outputs", got == [{"line": i + 1, "outputs": rizhao(d)} for i, d in enumerate(dates)],
          out[:300])
    check("jsonl: outputs keep the policy's order", bool(lines) and list(json.loads(lines[0])["outputs"]) == RIZHAO_COLS)
    check("jsonl: 2823.60 for a payment on 2025-09-30", '"全年医疗保险费合计":"2823.60"' in out)

    # the batch says what a single run says
    same = True
    for d, line in zip(dates, lines):
        rc1, one, _ = run([polrun, rz], (json.dumps({"缴费日期": d}, ensure_ascii=False)).encode())
        same = same and rc1 == 0 and json.loads(line)["outputs"] == json.loads(one)
        same = same and line.endswith(one.strip() + "}")  # byte for byte, too
    check("jsonl: batch outputs are byte-identical to one-scenario runs", same)

    # stdin in, stdout out; -o FILE
    with open(path, "rb") as f:
        data = f.read()
    rc, out2, _ = run([polrun, rz, "--batch", "-", "-q"], data)
    check("jsonl: stdin to stdout gives the same", rc == 0 and out2 == out)
    rc, _, _ = run([polrun, rz, "--batch", path, "-o", w("four.out.jsonl"), "-q"])
    with open(w("four.out.jsonl"), encoding="utf-8") as f:
        check("jsonl: -o FILE gives the same", rc == 0 and f.read() == out)
    rc, out3, _ = run([polrun, rz, "--batch", "-", "-q"], b"")
    check("empty input: no records, exit 0", rc == 0 and out3 == "")

    # ---- CSV in, CSV out ----
    path = w("four.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("缴费日期\n" + "\n".join(dates) + "\n")
    rc, out, err = run([polrun, rz, "--batch", path, "-o", w("four.out.csv"), "-q"])
    with open(w("four.out.csv"), encoding="utf-8", newline="") as f:
        text = f.read()
    rows = list(csv.reader(io.StringIO(text)))
    check("csv: exit 0, header and one row per scenario", rc == 0 and len(rows) == 5, "rc %d: %s" % (rc, err))
    check("csv: header is line, outputs, error, notes", bool(rows) and rows[0] == ["line"] + RIZHAO_COLS + ["error", "notes"],
          str(rows[:1]))
    want = [[str(i + 2)] + [rizhao(d)[c] for c in RIZHAO_COLS] + ["", ""] for i, d in enumerate(dates)]
    check("csv: rows (line numbers count the header)", rows[1:] == want, str(rows[1:2]))
    check("csv: LF line ends", "\r" not in text and text.endswith(",,\n"))

    # ---- mixed: CSV in, JSON Lines out, and the other way ----
    rc, out, _ = run([polrun, rz, "--batch", path, "--out", "jsonl", "-q"])
    got = [json.loads(l) for l in out.splitlines()]
    check("csv in, jsonl out", rc == 0 and got == [{"line": i + 2, "outputs": rizhao(d)} for i, d in enumerate(dates)], out[:200])
    rc, out, _ = run([polrun, rz, "--batch", w("four.jsonl"), "--out", "csv", "-q"])
    rows = list(csv.reader(io.StringIO(out)))
    check("jsonl in, csv out", rc == 0 and rows[1:] == [[str(i + 1)] + r[1:] for i, r in enumerate(want)], out[:200])

    # ---- numbers: JSON numbers, strings, CSV cells; half fens ----
    recs = [('{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}', "4250.5", "2025-03-15"),
            ('{"缴费基数": "4250.50", "缴费日期": "2025-07-01"}', "4250.50", "2025-07-01"),
            ('{"缴费日期": "2025-06-30", "缴费基数": 4250.49}', "4250.49", "2025-06-30"),
            ('{"缴费基数": 0, "缴费日期": "2025-12-31"}', "0", "2025-12-31"),
            ('{"缴费基数": 1.5e3, "缴费日期": "2025-01-01"}', "1500", "2025-01-01")]
    rc, out, err = run([polrun, hf, "--batch", "-", "-q"], "\n".join(r[0] for r in recs).encode())
    got = [json.loads(l)["outputs"] for l in out.splitlines()]
    check("half fens: 382.545 -> 382.55, 403.7975 -> 403.80, field order free",
          rc == 0 and got == [halffen(b, d) for _, b, d in recs], out + err)
    rc, out, err = run([polrun, hf, "--batch", "-", "--in", "csv", "--out", "csv", "-q"],
                       ("缴费日期,缴费基数\n" + "\n".join("%s,%s" % (d, b) for _, b, d in recs)).encode())
    rows = list(csv.reader(io.StringIO(out)))
    check("half fens in CSV", rc == 0 and rows[1:] == [[str(i + 2)] + [halffen(b, d)[c] for c in HALFFEN_COLS] + ["", ""]
                                                        for i, (_, b, d) in enumerate(recs)], out + err)

    # ---- order over many records and chunks, any number of workers ----
    rnd = random.Random(20251001)
    n = 20000
    first = datetime.date(2025, 1, 1)
    big = []
    for i in range(n):
        d = (first + datetime.timedelta(days=rnd.randrange(365))).isoformat()
        b = "%d.%02d" % (rnd.randrange(1000, 50000), rnd.choice([0, 50, rnd.randrange(100)]))
        big.append((b, d))
    path = w("many.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for b, d in big:
            f.write('{"缴费基数": %s, "缴费日期": "%s"}\n' % (b, d))
    expected = [{"line": i + 1, "outputs": halffen(b, d)} for i, (b, d) in enumerate(big)]
    outs = {}
    for j in ("1", "2", "3", "8"):
        rc, out, err = run([polrun, hf, "--batch", path, "-j", j, "-q"])
        outs[j] = out
        lines = out.splitlines()
        got = [json.loads(l) for l in lines]
        bad = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), None)
        check("order: %d records with -j %s, each output where its input was" % (n, j),
              rc == 0 and len(got) == n and bad is None,
              "rc %d, %d lines, first difference at record %s" % (rc, len(got), bad))
    check("order: -j 1, 2, 3 and 8 byte-identical", len(set(outs.values())) == 1)
    path = w("many.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("缴费基数,缴费日期\n")
        for b, d in big:
            f.write("%s,%s\n" % (b, d))
    rc, out, err = run([polrun, hf, "--batch", path, "-j", "2", "--out", "csv", "-q"])
    rows = list(csv.reader(io.StringIO(out)))
    ok = rc == 0 and len(rows) == n + 1
    ok = ok and all(r == [str(i + 2)] + [halffen(b, d)[c] for c in HALFFEN_COLS] + ["", ""]
                    for i, (r, (b, d)) in enumerate(zip(rows[1:], big)))
    check("order: %d CSV records with -j 2" % n, ok, "rc %d, %d rows" % (rc, len(rows)))

    # ---- error records: bad records in the middle keep their line numbers ----
    good = '{"缴费日期": "2025-09-30"}'
    bad_lines = {
        3: '{"缴费日期": "2025-09-30"',                 # unterminated object
        5: '{"缴费日期": "2026-01-01"}',                # no version of the base: runtime error
        6: '{"缴费日期": "2025-02-30"}',                # not a calendar day
        8: '{"缴费日期": "2025-09-30", "工资": 5000}',  # unknown field
        9: '{}',                                        # input missing
        11: '[1, 2]',                                   # not an object
    }
    text = []
    for ln in range(1, 15):
        if ln == 10:
            text.append("")                             # blank: skipped, but counted
        else:
            text.append(bad_lines.get(ln, good))
    data = ("\n".join(text) + "\n").encode()
    lines_in = data.split(b"\n")
    lines_in[12] = b'{"\xe7\xbc\xb4\xe8\xb4\xb9\xe6\x97\xa5\xe6\x9c\x9f": "\xff"}'  # line 13: invalid UTF-8
    data = b"\n".join(lines_in)
    bad_lines[13] = "invalid UTF-8"
    for j in ("1", "2"):
        rc, out, err = run([polrun, rz, "--batch", "-", "-j", j], data)
        recs = [json.loads(l) for l in out.splitlines()]
        lines = [r["line"] for r in recs]
        want_lines = [ln for ln in range(1, 15) if ln != 10]
        check("errors -j %s: exit status 1" % j, rc == 1, "rc %d" % rc)
        check("errors -j %s: one record per input record, in order" % j, lines == want_lines, str(lines))
        errs = {r["line"]: r["error"] for r in recs if "error" in r}
        # a bad record is an error record; a good one whose base cannot be
        # found (5) or that lacks the date (9) still gets the large-medical
        # fee, which reads neither, and an error for each other output
        partial = {r["line"]: r for r in recs if "unavailable" in r}
        oks = [r for r in recs if "outputs" in r and "unavailable" not in r]
        record_bad = {ln for ln in bad_lines if ln not in (5, 9)}
        check("errors -j %s: the bad records are error records at their lines" % j,
              sorted(errs) == sorted(record_bad), str(sorted(errs)))
        check("errors -j %s: records that fail only some outputs keep the others" % j,
              sorted(partial) == [5, 9] and all(p["outputs"]["大额医疗救助金年缴费"] == "144.00"
                                                and p["outputs"]["月缴费额"] is None
                                                and p["unavailable"]["月缴费额"]["status"] == "error"
                                                for p in partial.values()), json.dumps(partial, ensure_ascii=False)[:600])
        check("errors -j %s: the good records still run" % j,
              len(oks) == len(want_lines) - len(bad_lines) and all(r["outputs"] == rizhao("2025-09-30") for r in oks))
        p5 = partial.get(5, {}).get("unavailable", {}).get("月缴费额", {})
        p9 = partial.get(9, {}).get("unavailable", {}).get("月缴费额", {})
        check("errors -j %s: messages name the cause" % j,
              "2026-01-01" in p5.get("message", "") and p5.get("position", "").count(":") >= 2
              and "缴费日期" in p9.get("message", "") and p9.get("field") == "缴费日期"
              and "工资" in errs.get(8, {}).get("message", "")
              and "byte" in errs.get(3, {}).get("message", "")
              and "UTF-8" in errs.get(13, {}).get("message", ""), json.dumps(errs, ensure_ascii=False)[:600])
        check("errors -j %s: summary on stderr counts them" % j, "13 records, 7 errors" in err, err.strip())
    # CSV error rows: line, empty cells, the message in the error column
    data = "缴费日期\n2025-09-30\n2026-01-01\n2025-10-01,extra\n2025-10-01\n".encode()
    rc, out, err = run([polrun, rz, "--batch", "-", "--in", "csv", "--out", "csv", "-q"], data)
    rows = list(csv.reader(io.StringIO(out)))
    check("csv errors: exit 1, a row per record", rc == 1 and [r[0] for r in rows[1:]] == ["2", "3", "4", "5"], out)
    if len(rows) == 5:
        check("csv errors: a bad row has empty values and a message; a row that fails some outputs keeps the others",
              rows[2][1:6] == ["", "", "", "144.00", ""] and "2026-01-01" in rows[2][6] and rows[2][6].count("月缴费额") == 1
              and rows[3][1:6] == [""] * 5 and rows[3][6] and rows[1][6] == "" and rows[4][5] == "2876.40"
              and all(r[7] == "" for r in rows[1:]), str(rows))
    rc, out, err = run([polrun, rz, "--batch", "-", "--in", "csv", "-q"], "日期\n2025-09-30\n".encode())
    check("csv: a header naming no input is an error record", rc == 1 and '"line":2' in out and "日期" in out, out + err)
    rc, out, err = run([polrun, rz, "--batch", "-", "--in", "csv"], '"unterminated\n'.encode())
    check("csv: a bad header stops the batch with exit 1", rc == 1 and "header" in err, err)

    # ---- partial results: outputs not applicable or not stated, beside computed ones ----
    part = w("partial.pol")
    with open(part, "w", encoding="utf-8") as f:
        f.write(PARTIAL_POL)
    data = ('{"身份": "在职", "日期": "2025-06-01"}\n{"身份": "退休", "日期": "2025-06-01"}\n'
            '{"身份": "在职", "日期": "2026-06-01"}\n{"身份": "在职"}\n').encode()
    for j in ("1", "2"):
        rc, out, err = run([polrun, part, "--batch", "-", "-j", j], data)
        recs = [json.loads(l) for l in out.splitlines()]
        check("partial -j %s: exit 1 (record 4 misses a date), 4 records" % j, rc == 1 and len(recs) == 4, out + err)
        if len(recs) != 4:
            continue
        check("partial -j %s: a record with every value is unchanged" % j,
              recs[0] == {"line": 1, "outputs": {"月缴费": "220.80", "大额": "144.00", "合计": "2793.60"}}, out)
        u = recs[1].get("unavailable", {})
        check("partial -j %s: not applicable is null with its reason, the total still computed" % j,
              recs[1]["outputs"] == {"月缴费": None, "大额": "144.00", "合计": "144.00"}
              and list(u) == ["月缴费"] and u["月缴费"]["status"] == "not-applicable"
              and "身份 == 类别.在职" in u["月缴费"]["message"] and "[二]" in u["月缴费"]["message"], out)
        u = recs[2].get("unavailable", {})
        check("partial -j %s: unstated is null with its note and clause, for every output that needs it" % j,
              recs[2]["outputs"] == {"月缴费": None, "大额": "144.00", "合计": None}
              and sorted(u) == ["合计", "月缴费"] and all(x["status"] == "unstated" for x in u.values())
              and all("not stated by this notice: 以省厅通知为准 [一(二)]" in x["message"] for x in u.values()), out)
        u = recs[3].get("unavailable", {})
        check("partial -j %s: a missing input fails only the outputs that need it" % j,
              recs[3]["outputs"]["大额"] == "144.00" and u.get("月缴费", {}).get("status") == "error"
              and u["月缴费"].get("field") == "日期", out)
        check("partial -j %s: summary counts errors and partial records" % j, "4 records, 1 errors, 2 partial" in err, err)
    rc, out, err = run([polrun, part, "--batch", "-", "--out", "csv", "-q"], data)
    rows = list(csv.reader(io.StringIO(out)))
    check("partial csv: header, empty cells, reasons in notes, errors in error",
          rc == 1 and rows == [
              ["line", "月缴费", "大额", "合计", "error", "notes"],
              ["1", "220.80", "144.00", "2793.60", "", ""],
              ["2", "", "144.00", "144.00", "", "月缴费: not applicable: 月缴费 applies only when 身份 == 类别.在职 [二]"],
              ["3", "", "144.00", "", "", "月缴费, 合计: not stated by this notice: 以省厅通知为准 [一(二)]"],
              ["4", "", "144.00", "", rows[4][4] if len(rows) > 4 else "?", ""]]
          and "月缴费, 合计: input 日期 is missing from the scenario" in rows[4][4], out + err)

    # ---- outputs that are not numbers: the batch prints what a single run prints ----
    mixed = os.path.join(a.root, "tests/libpol/mixed.pol")
    recs = ['{"记录":[{"缴费日期":"2025-01-15","起":"2025-01","止":"2025-03"},'
            '{"缴费日期":"2025-06-20","起":"2025-05","止":"2025-06"}],"基数":4250.5,"备注":"第一行\\n\\"引号\\""}',
            '{"记录":[{"缴费日期":"2025-02-01","起":"2025-02","止":"2025-02"}],"基数":"0.1","备注":"a,b"}']
    rc, out, err = run([polrun, mixed, "--batch", "-", "-q"], "\n".join(recs).encode())
    lines = out.splitlines()
    same = rc == 0 and len(lines) == len(recs)
    for i, (rec, line) in enumerate(zip(recs, lines)):
        rc1, one, _ = run([polrun, mixed], rec.encode())
        same = same and rc1 == 0 and line == '{"line":%d,"outputs":%s}' % (i + 1, one.strip())
    check("text, dates, months, booleans, lists: batch JSON equals one-scenario JSON", same, out + err)
    check("a list output stays JSON, not a string", '"逐笔":[{"缴费日期":"2025-01-15"' in out and '"多笔":true' in out, out)
    rc, out, err = run([polrun, mixed, "--batch", "-", "--out", "csv", "-q"], "\n".join(recs).encode())
    rows = list(csv.reader(io.StringIO(out)))
    check("text, dates, booleans as CSV cells", rc == 0 and len(rows) == 3 and rows[2][1:4] == ["1", "2025-02-01", "2025-02"]
          and rows[2][5] == "false" and rows[2][6] == "a,b" and rows[2][7] == "0.01", str(rows))

    # ---- explanations in a batch ----
    rc, out, err = run([polrun, rz, "--batch", "-", "--explain=json", "-q"], (good + "\n").encode())
    rec = json.loads(out) if rc == 0 else {}
    check("--explain=json: the explanation per record",
          rc == 0 and rec.get("line") == 1 and rec["explain"]["outputs"] == rizhao("2025-09-30"), out[:300])

    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
