#!/usr/bin/env python3
"""tests/libpol/test_filter.py -- polrun --batch as a filter under other engines.

  --key FIELD...   key fields copied verbatim into every output and error
                   record (JSON Lines and CSV), a missing key an error of that
                   record only;
  --line-buffered  a producer that writes one record and waits for its answer
                   before writing the next gets every answer (a timeout fails
                   the test instead of hanging it);
  progress         through a pty: records, percent, rate and time left for a
                   file, records and rate for a pipe; nothing on a pipe;
  --encoding       GB18030 bytes made here by iconv(1) (Chinese headers and
                   enumeration values), the hint on a GB18030 file given
                   without the option, invalid bytes under --encoding as an
                   error of their record only; --bom on CSV output.

Expected amounts come from the policies' own notices (the Weifang top-up:
78.60 for the 6% tier over Aug-Dec 2023, 26.20 for the 10% tier in Dec),
and for Rizhao from Python's decimal module.

  test_filter.py --polrun P --polc C --root SRC --work DIR

Prints one line per check and a last line "N passed, M failed".
"""
import argparse
import json
import os
import select
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        results["passed"] += 1
        print("ok    " + name)
    else:
        results["failed"] += 1
        print("FAIL  " + name + (": " + str(detail)[:600] if detail else ""))


def run(args, stdin=None):
    p = subprocess.run(args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def run_bytes(args, stdin=None):
    p = subprocess.run(args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def fen(x):
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rizhao(base):
    """Rizhao 2025: 5% of the base to the fen, twelve months, 144 + 30 a year on top."""
    month = fen(Decimal(base) * Decimal("0.05"))
    return {"适用月缴费基数": "%s.00" % base, "月缴费额": str(month), "年缴费金额": str(month * 12),
            "大额医疗救助金年缴费": "144.00", "全年医疗保险费合计": str(month * 12 + 144 + 30)}


RIZHAO_OCT = rizhao(4504)  # paid from 2025-10-01
RIZHAO_SEP = rizhao(4416)  # paid up to 2025-09-30


def csv_amounts(d):
    return ",".join(d.values())


def test_keys(polrun, rz):
    path = os.path.join(WORK, "keys.jsonl")
    lines = [
        '{"id":"A\\u00e91","缴费日期":"2025-10-01","批次":12.50}',          # a string with an escape, a number
        '{"缴费日期":"2025-09-30","批次":[1, 2],"id":"00042"}',              # keys after the inputs, an array
        '{"缴费日期":"2025-10-01","批次":3}',                                # id missing
        'not json',                                                          # unreadable: keys unknown
        '{"id":true,"批次":null,"缴费日期":"2025-13-01"}',                   # a bad date: keys still copied
    ]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    for j in ("1", "2"):
        rc, out, err = run([polrun, rz, "--batch", path, "--key", "id,批次", "-q", "-j", j])
        got = out.splitlines()
        check("keys -j%s: exit 1 (some records failed), one answer per record" % j, rc == 1 and len(got) == 5,
              "rc %d: %s %s" % (rc, out, err))
        if len(got) != 5:
            continue
        check("keys -j%s: verbatim JSON text of string and number keys" % j,
              got[0] == '{"line":1,"keys":{"id":"A\\u00e91","批次":12.50},"outputs":'
              + json.dumps(RIZHAO_OCT, ensure_ascii=False, separators=(",", ":")) + "}", got[0])
        check("keys -j%s: keys in the order given, an array as written" % j,
              got[1].startswith('{"line":2,"keys":{"id":"00042","批次":[1, 2]},"outputs":{"适用月缴费基数":"4416.00"'), got[1])
        r3 = json.loads(got[2])
        check("keys -j%s: a missing key is an error of that record, naming the field" % j,
              r3.get("keys") == {"id": None, "批次": 3} and r3["error"]["field"] == "id"
              and "key field \"id\"" in r3["error"]["message"] and "missing" in r3["error"]["message"], got[2])
        r4 = json.loads(got[3])
        check("keys -j%s: an unreadable record: keys null, the parser's error" % j,
              r4.get("keys") == {"id": None, "批次": None} and "expected a JSON object" in r4["error"]["message"], got[3])
        r5 = json.loads(got[4])
        check("keys -j%s: an input error keeps the keys (true, null)" % j,
              r5.get("keys") == {"id": True, "批次": None} and r5["error"]["field"] == "缴费日期", got[4])

    # repeated --key is the same as a list; a key that is also an input
    rc, out1, _ = run([polrun, rz, "--batch", path, "--key", "id", "--key", "批次", "-q"])
    rc2, out2, _ = run([polrun, rz, "--batch", path, "--key", "id,批次", "-q"])
    check("keys: --key a --key b == --key a,b", out1 == out2 and rc == rc2 == 1)
    rc, out, _ = run([polrun, rz, "--batch", path, "--key", "缴费日期", "--allow-extra", "-q"])
    check("keys: an input can be a key too", out.splitlines()[0].startswith(
        '{"line":1,"keys":{"缴费日期":"2025-10-01"},"outputs":{"适用月缴费基数":"4504.00"'), out[:200])

    # CSV out: key columns after line
    rc, out, err = run([polrun, rz, "--batch", path, "--key", "id,批次", "--out", "csv", "-q"])
    got = out.splitlines()
    check("keys csv out: header", got and got[0] == "line,id,批次,适用月缴费基数,月缴费额,年缴费金额,大额医疗救助金年缴费,全年医疗保险费合计,error,notes",
          got[:1])
    check("keys csv out: values as text", len(got) == 6 and got[1] == "1,Aé1,12.50," + csv_amounts(RIZHAO_OCT) + ",,"
          and got[2] == '2,00042,"[1, 2]",' + csv_amounts(RIZHAO_SEP) + ',,', got[1:3])
    check("keys csv out: missing key", len(got) == 6 and got[3].startswith('3,,3,,,,,,"id: the key field ""id""'), got[3:4])

    # CSV in: the cell as written
    cpath = os.path.join(WORK, "keys.csv")
    with open(cpath, "w", encoding="utf-8") as f:
        f.write('编号,缴费日期,备注\n"00 7",2025-10-01,"a,b"\n,2025-09-30,x\n')
    rc, out, err = run([polrun, rz, "--batch", cpath, "--key", "编号,备注", "-q"])
    got = out.splitlines()
    check("keys csv in -> jsonl: cells as JSON strings, an empty cell \"\"", len(got) == 2
          and got[0].startswith('{"line":2,"keys":{"编号":"00 7","备注":"a,b"},"outputs":{"适用月缴费基数":"4504.00"')
          and got[1].startswith('{"line":3,"keys":{"编号":"","备注":"x"},"outputs":{"适用月缴费基数":"4416.00"'), out + err)
    rc, out, err = run([polrun, rz, "--batch", cpath, "--key", "编号,备注", "--out", "csv", "-q"])
    check("keys csv in -> csv: quoted as needed", out.splitlines()[1:2] == ['2,00 7,"a,b",' + csv_amounts(RIZHAO_OCT) + ',,'],
          out)
    rc, out, err = run([polrun, rz, "--batch", cpath, "--key", "身份证号"])
    check("keys csv in: a key that is not a column is an error of the header",
          rc == 1 and out == "" and 'the key field "身份证号" (--key) is not a column of the CSV header' in err, (rc, out, err))

    # usage errors
    for bad, why in ((["--key", "a,,b"], "separated by commas"), (["--key", "a,a"], "twice"),
                     (["--key", ""], "separated by commas")):
        rc, _, err = run([polrun, rz, "--batch", path] + bad)
        check("keys: usage error for %r" % bad[1], rc == 64 and why in err, (rc, err))
    rc, _, err = run([polrun, rz, os.path.join(ROOT, "policies/rizhao/scenario-early.json"), "--key", "id"])
    check("keys: --key without --batch is a usage error", rc == 64 and "--key applies to --batch only" in err, err)


def main():
    global WORK, ROOT
    ap = argparse.ArgumentParser()
    ap.add_argument("--polrun", required=True)
    ap.add_argument("--polc", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    WORK, ROOT = a.work, a.root
    os.makedirs(a.work, exist_ok=True)
    rz = os.path.join(a.work, "rizhao.polc")
    wf = os.path.join(a.work, "topup.polc")
    for src, out in ((os.path.join(a.root, "policies/rizhao/rizhao-2025.pol"), rz),
                     (os.path.join(a.root, "policies/weifang/weifang-hanting-2023-topup.pol"), wf)):
        rc, _, err = run([a.polc, "build", src, "-o", out])
        if rc != 0:
            print("polc build %s failed: %s" % (src, err))
            print("0 passed, 1 failed")
            return 1
    tests = {"keys": lambda: test_keys(a.polrun, rz)}
    for name, fn in tests.items():
        if not a.only or name in a.only.split(","):
            fn()
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
