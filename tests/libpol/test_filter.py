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


def ask(proc, line, timeout=10):
    """Writes one record, waits for one answer line (None if none in time)."""
    proc.stdin.write(line.encode() + b"\n")
    proc.stdin.flush()
    got = b""
    end = time.monotonic() + timeout
    while not got.endswith(b"\n"):
        left = end - time.monotonic()
        if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
            return None
        b = os.read(proc.stdout.fileno(), 65536)
        if not b:
            return None
        got += b
    return got.decode()


def test_line_buffered(polrun, rz):
    dates = ["2025-10-01", "2025-09-30", "2025-13-01", "2025-10-02", "2025-01-01"]
    for extra in ([], ["-j", "2"], ["--key", "id"]):
        name = "line-buffered %s" % " ".join(extra) if extra else "line-buffered"
        p = subprocess.Popen([polrun, rz, "--batch", "--line-buffered", "-q"] + extra,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        answers = []
        try:
            for i, d in enumerate(dates):
                a = ask(p, json.dumps({"id": i, "缴费日期": d}, ensure_ascii=False) if extra[:1] == ["--key"]
                        else json.dumps({"缴费日期": d}, ensure_ascii=False))
                answers.append(a)
                if a is None:
                    break
        finally:
            p.stdin.close()
            try:
                rc = p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                rc = -9
        check(name + ": each answer before the next record is written", len(answers) == 5 and None not in answers,
              "answers %r" % answers)
        if len(answers) == 5 and None not in answers:
            recs = [json.loads(a) for a in answers]
            want0 = RIZHAO_OCT if True else None
            ok = (recs[0].get("outputs") == want0 and recs[1].get("outputs") == RIZHAO_SEP
                  and "error" in recs[2] and recs[2]["line"] == 3 and recs[4]["line"] == 5)
            if extra[:1] == ["--key"]:
                ok = ok and [r["keys"] for r in recs] == [{"id": i} for i in range(5)]
            check(name + ": the answers are right, in order", ok, answers)
        check(name + ": exit 1 after end of input (one record failed)", rc == 1, rc)

    # CSV: the header, then one record at a time
    p = subprocess.Popen([polrun, rz, "--batch", "--in", "csv", "--out", "csv", "--line-buffered", "-q"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        p.stdin.write("缴费日期\n".encode())
        a1 = ask(p, "2025-10-01")
        a2 = ask(p, "2025-09-30") if a1 else None
    finally:
        p.stdin.close()
        p.wait(timeout=20)
    check("line-buffered csv: the header line and the first answer, then the second",
          a1 is not None and a1.splitlines()[-1] == "2," + csv_amounts(RIZHAO_OCT) + ",,"
          and a1.splitlines()[0].startswith("line,") and a2 == "3," + csv_amounts(RIZHAO_SEP) + ",,\n", (a1, a2))


def on_pty(args, stdin_data=None, stdin_path=None, timeout=60):
    """Runs args with stderr on a pty; returns (rc, stdout bytes, pty text)."""
    import pty
    master, slave = pty.openpty()
    inp = open(stdin_path, "rb") if stdin_path else subprocess.PIPE
    p = subprocess.Popen(args, stdin=inp if stdin_path or stdin_data is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    if stdin_path:
        inp.close()
    import threading
    out = []
    t = threading.Thread(target=lambda: out.append(p.stdout.read()))
    t.start()
    if stdin_data is not None:
        def feed():
            try:
                p.stdin.write(stdin_data)
            finally:
                p.stdin.close()
        threading.Thread(target=feed).start()
    text = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = select.select([master], [], [], 1)[0]
        if r:
            try:
                b = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not b:
                break
            text += b
        elif p.poll() is not None:
            break
    os.close(master)
    rc = p.wait(timeout=timeout)
    t.join()
    return rc, out[0] if out else b"", text.decode("utf-8", "replace")


def test_progress(polrun, rz):
    import re
    path = os.path.join(WORK, "progress.jsonl")
    n = 40000  # twenty chunks
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write('{"缴费日期":"2025-%02d-%02d"}\n' % (i % 12 + 1, i % 28 + 1))
    rc, out, text = on_pty([polrun, rz, "--batch", path, "-j", "1"])
    lines = out.decode().splitlines()
    check("progress: the run itself is unchanged (every answer)", rc == 0 and len(lines) == n, (rc, len(lines)))
    shown = re.findall(r"\rpolrun: (\d+) records, (\d+)%, (\d+) records/s, (\d+):(\d\d) left\x1b\[K", text)
    check("progress file: records, percent, rate and time left on one rewritten line", shown != [], repr(text[:300]))
    if shown:
        recs, pct = int(shown[0][0]), int(shown[0][1])
        # the first is shown after the first chunk: 2048 records (CHUNK_RECORDS in tools/batch.c),
        # 2048/40000 of the file read or more
        check("progress file: the first figures are true ones", recs == 2048 and 5 <= pct < 100, shown[0])
    check("progress file: the summary replaces the progress line",
          re.search(r"\r\x1b\[Kpolrun: 40000 records, 0 errors, \d+\.\d{3} s, \d+ records/s\r?\n", text) is not None,
          repr(text[-200:]))

    with open(path, "rb") as f:
        data = f.read()
    rc, out, text = on_pty([polrun, rz, "--batch", "-j", "1"], stdin_data=data)
    shown = re.findall(r"\rpolrun: (\d+) records(, \d+%)?, (\d+) records/s(, [\d:]+ left)?\x1b\[K", text)
    check("progress pipe: records and rate", rc == 0 and shown != [], repr(text[:300]))
    check("progress pipe: no percent, no time left (the size is not known)",
          shown != [] and all(not s[1] and not s[3] for s in shown), shown[:3])

    rc, out, text = on_pty([polrun, rz, "--batch", path, "--no-progress"])
    check("progress: --no-progress on a terminal: the summary only",
          rc == 0 and "\r" not in text.replace("\r\n", "\n") and "records, 0 errors" in text, repr(text[:300]))
    rc, out, text = on_pty([polrun, rz, "--batch", path, "-q"])
    check("progress: -q on a terminal: nothing", rc == 0 and text == "", repr(text[:300]))

    # not a terminal: nothing unless asked, then a line at a time
    rc, _, err = run([polrun, rz, "--batch", path, "-o", os.devnull])
    check("progress: nothing on a non-terminal", rc == 0 and err.count("\n") == 1 and "records/s" in err
          and "%" not in err, err[:300])
    rc, _, err = run([polrun, rz, "--batch", path, "-o", os.devnull, "--progress", "-j", "1"])
    got = re.findall(r"^polrun: \d+ records, \d+%, \d+ records/s, \d+:\d\d left$", err, re.M)
    check("progress: --progress on a non-terminal: whole lines, no escape codes",
          got != [] and "\r" not in err and "\x1b" not in err, err[:300])


def iconv_bytes(text, to):
    """text in the encoding `to`, made by iconv(1) (glibc's converter, not Python's)."""
    p = subprocess.run(["iconv", "-f", "UTF-8", "-t", to], input=text.encode("utf-8"), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    if p.returncode != 0:
        raise RuntimeError("iconv: " + p.stderr.decode())
    return p.stdout


def test_encoding(polrun, wf):
    csv_text = "档次,补差起,补差止,姓名\n无账户无生育,2023-08,2023-12,张三\n有账户含生育,2023-12,2023-12,李四\n"
    gb = iconv_bytes(csv_text, "GB18030")
    check("encoding: the test file really is GB18030, not UTF-8", gb != csv_text.encode() and b"\xb5\xb5" in gb)
    path = os.path.join(WORK, "excel.csv")
    with open(path, "wb") as f:
        f.write(gb)
    for enc in ("gb18030", "GBK"):
        rc, out, err = run([polrun, wf, "--batch", path, "--encoding", enc, "--key", "姓名", "-q"])
        got = [json.loads(l) for l in out.splitlines()] if rc == 0 else []
        check("encoding %s: Chinese header and enum values read, amounts right" % enc,
              got == [{"line": 2, "keys": {"姓名": "张三"}, "outputs": {"补差月数": "5", "每月补差": "15.72", "补差合计": "78.60"}},
                      {"line": 3, "keys": {"姓名": "李四"}, "outputs": {"补差月数": "1", "每月补差": "26.20", "补差合计": "26.20"}}],
              (rc, out, err))
    # the same through a pipe, with -j 2, and JSON Lines in GB18030
    rc, out, err = run([polrun, wf, "--batch", "--in", "csv", "--encoding", "gb18030", "--allow-extra", "-q", "-j", "2"],
                       stdin=gb)
    check("encoding: from a pipe, -j 2", rc == 0 and '"补差合计":"78.60"' in out and '"补差合计":"26.20"' in out, out + err)
    jl = iconv_bytes('{"档次":"无账户含生育","补差起":"2023-10","补差止":"2023-12"}\n', "GB18030")
    rc, out, err = run([polrun, wf, "--batch", "--encoding", "gb18030", "-q"], stdin=jl)
    # 7% tier (无账户含生育): round(4242*7%,2) - round(3980*7%,2) = 296.94 - 278.60 = 18.34 a month
    check("encoding: JSON Lines in GB18030", rc == 0 and out == '{"line":1,"outputs":{"补差月数":"3","每月补差":"18.34","补差合计":"55.02"}}\n',
          out + err)
    check("encoding: the arithmetic above", (fen(Decimal(4242) * Decimal("0.07")) - fen(Decimal(3980) * Decimal("0.07"))) * 3
          == Decimal("55.02"))

    # without --encoding: the hint, with where
    rc, out, err = run([polrun, wf, "--batch", path])
    check("encoding: a GB18030 file without --encoding: the header's error says what to do",
          rc == 1 and out == "" and "line 1: bad CSV header: byte 1: invalid UTF-8 byte" in err
          and "this looks like GB18030/GBK, as Excel saves CSV on Chinese Windows; add --encoding gb18030" in err, err)
    mixed = ("档次,补差起,补差止\n无账户无生育,2023-08,2023-12\n").encode() + iconv_bytes("有账户含生育,2023-12,2023-12\n", "GB18030")
    rc, out, err = run([polrun, wf, "--batch", "--in", "csv"], stdin=mixed)
    got = out.splitlines()
    check("encoding: a GB18030 record in a UTF-8 file: that record's error says so, with the byte",
          rc == 1 and len(got) == 2 and '"补差合计":"78.60"' in got[0]
          and json.loads(got[1]) == {"line": 3, "error": {"message": "byte 1: invalid UTF-8 byte 0xd3 (truncated sequence)"
                                                             "; this looks like GB18030/GBK, as Excel saves CSV on Chinese Windows; add --encoding gb18030"}}
          and "1 record(s) are not UTF-8 but look like GB18030/GBK" in err, (out, err))
    rc, out, err = run([polrun, wf, "--batch", "--in", "csv", "--encoding", "utf-8"], stdin=mixed)
    check("encoding: with --encoding utf-8 said, no guessing", rc == 1 and "GB18030" not in out + err and "invalid UTF-8 byte 0xd3" in out, out)
    rc, out, err = run([polrun, wf, "--batch", "--in", "csv"], stdin=b"\xff\xfe,x\n")
    check("encoding: bytes that are not GB18030 either: no hint", rc == 1 and "GB18030" not in err and "invalid UTF-8" in err, err)

    # invalid bytes under --encoding: an error of that record only
    bad = iconv_bytes("档次,补差起,补差止\n无账户无生育,2023-08,2023-12\n", "GB18030") + b"\xb5\xb5\xff,2023-12,2023-12\n" + \
        iconv_bytes("有账户含生育,2023-12,2023-12\n", "GB18030") + b"\xd5"
    rc, out, err = run([polrun, wf, "--batch", "--in", "csv", "--encoding", "gb18030", "-q"], stdin=bad)
    got = [json.loads(l) for l in out.splitlines()]
    check("encoding: invalid GB18030 bytes: their record's error (byte, bytes), the others run",
          rc == 1 and len(got) == 4 and got[0]["outputs"]["补差合计"] == "78.60"
          and got[1] == {"line": 3, "error": {"message": "byte 3: invalid GB18030 byte sequence 0xff (--encoding gb18030)"}}
          and got[2]["outputs"]["补差合计"] == "26.20"
          and got[3] == {"line": 5, "error": {"message": "byte 1: the record ends inside a GB18030 character"}}, out + err)

    # --bom: UTF-8 BOM, then the CSV; Excel then reads the Chinese
    out_path = os.path.join(WORK, "excel-out.csv")
    rc, _, err = run([polrun, wf, "--batch", path, "--encoding", "gb18030", "--allow-extra", "-o", out_path, "--bom", "-q"])
    with open(out_path, "rb") as f:
        data = f.read()
    check("bom: CSV output begins with EF BB BF, then the header in UTF-8",
          rc == 0 and data.startswith(b"\xef\xbb\xbfline,\xe8\xa1\xa5\xe5\xb7\xae\xe6\x9c\x88\xe6\x95\xb0,")
          and data.count(b"\xef\xbb\xbf") == 1 and b"\n2,5,15.72,78.60,,\n3,1,26.20,26.20,,\n" in data, data[:80])
    rc, _, err = run([polrun, wf, "--batch", path, "--bom"])
    check("bom: only for CSV output", rc == 64 and "--bom applies to CSV output only" in err, err)
    rc, _, err = run([polrun, wf, "--batch", path, "--encoding", "latin1"])
    check("encoding: an unknown name is a usage error", rc == 64 and "--encoding takes gb18030, gbk or utf-8" in err, err)
    # a GB18030 byte order mark is not a field name
    rc, out, err = run([polrun, wf, "--batch", "--in", "csv", "--encoding", "gb18030", "--allow-extra", "-q"],
                       stdin=b"\x84\x31\x95\x33" + gb)
    check("encoding: a GB18030 BOM is skipped", rc == 0 and '"补差合计":"78.60"' in out, out + err)


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
    tests = {"keys": lambda: test_keys(a.polrun, rz),
             "line-buffered": lambda: test_line_buffered(a.polrun, rz),
             "progress": lambda: test_progress(a.polrun, rz),
             "encoding": lambda: test_encoding(a.polrun, wf)}
    for name, fn in tests.items():
        if not a.only or name in a.only.split(","):
            fn()
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
