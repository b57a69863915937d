#!/usr/bin/env python3
"""Machine-read forms do not depend on the language (issue 19).

Usage: check_machine_forms.py POLRUN [POLSERVE]

polrun --batch writes JSON Lines and CSV -- values, error records, the
"unavailable" objects and the CSV error and notes columns -- for programs:
they must be byte-identical whether the process's language is Chinese
(LC_ALL=zh_CN.UTF-8) or English (LC_ALL=C.UTF-8).  So must polserve's
replies to /v1/policies/NAME/calculate, errors included (with POLSERVE).  The same records run one
by one must print their errors for people in Chinese under zh_CN (the check
that the Chinese is there to be left out).
"""
import os
import subprocess
import sys
import tempfile

POLICY = """policy "t" { region "x" }
param 下限: money = 4242 cite "三、2"
input 基数: money in 下限..21207 cite "三、2"
input 日期: date cite "四"
output 月缴费额: money = round(基数 * 6%, 2) cite "三"
output 附加费: money = unstated "通知未给出" cite "五"
output 到期: date when 日期 > 2025-01-01 = 日期 cite "四"
"""

JSONL = "\n".join([
    '{"基数": 5000, "日期": "2025-06-01"}',
    '{"基数": 4241, "日期": "2025-06-01"}',
    '{"日期": "2024-06-01"}',
    '{"基数": }',
    '{"基数": "abc"}',
    '{"基数": 5000, "日期": "2025-02-30"}',
    '{"基数": 5000, "外": 1}',
    '[1]',
    '{"基数": 5000, "日期": "2025-06-01"} x',
]) + "\n"

CSV = "基数,日期\n5000,2025-06-01\n4241,2025-06-01\n,2024-06-01\nabc,2025-01-01\n5000,2025-13-01\n1,2,3\n"

# Phrases of the Chinese messages the scenarios above give (po/zh_CN/runtime.po).
CHINESE = ["本通知未载明", "情景缺少输入", "低于其下限", "应有一个值", "不是数值"]

failures = 0


def run(polrun, args, lang, stdin):
    env = dict(os.environ)
    for k in ("LANGUAGE", "LC_MESSAGES", "LANG"):
        env.pop(k, None)
    env["LC_ALL"] = lang
    return subprocess.run([polrun] + args, input=stdin.encode(), capture_output=True, env=env)


def check(name, polrun, args, stdin, empty_ok=False):
    global failures
    en = run(polrun, args, "C.UTF-8", stdin)
    zh = run(polrun, args, "zh_CN.UTF-8", stdin)
    if en.stdout != zh.stdout or en.returncode != zh.returncode:
        failures += 1
        print(f"FAIL {name}: output differs by language (exit {en.returncode} / {zh.returncode})")
        print("--- C.UTF-8\n" + en.stdout.decode(errors="replace"))
        print("--- zh_CN.UTF-8\n" + zh.stdout.decode(errors="replace"))
    elif not en.stdout and not empty_ok:
        failures += 1
        print(f"FAIL {name}: no output")
    else:
        print(f"ok  {name}: {len(en.stdout)} bytes, the same in both languages")
    return en, zh


def check_serve(polserve, d):
    global failures
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
    import serve_lib
    replies = {}
    for lang in ("C.UTF-8", "zh_CN.UTF-8"):
        saved = {k: os.environ.get(k) for k in ("LC_ALL", "LANGUAGE", "LC_MESSAGES", "LANG")}
        for k in saved:
            os.environ.pop(k, None)
        os.environ["LC_ALL"] = lang
        try:
            srv = serve_lib.Server(polserve, d, "-q")
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        try:
            replies[lang] = [srv.request("POST", "/v1/policies/t/calculate", line)[::2] for line in JSONL.splitlines()]
        finally:
            srv.stop()
    if replies["C.UTF-8"] != replies["zh_CN.UTF-8"]:
        failures += 1
        print("FAIL polserve calculate: replies differ by language")
        for a, b in zip(replies["C.UTF-8"], replies["zh_CN.UTF-8"]):
            if a != b:
                print(f"--- C.UTF-8 {a}\n--- zh_CN.UTF-8 {b}")
    elif not any(b"is below its minimum" in body for _, body in replies["C.UTF-8"]):
        failures += 1
        print("FAIL polserve calculate: the bound error is not in the replies")
    else:
        print(f"ok  polserve calculate: {len(replies['C.UTF-8'])} replies, the same in both languages")


def main():
    global failures
    polrun = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        pol = os.path.join(d, "t.pol")
        with open(pol, "w", encoding="utf-8") as f:
            f.write(POLICY)
        en, _ = check("batch jsonl", polrun, [pol, "--batch", "-j", "1"], JSONL)
        for want in (b'"error"', b'"unavailable"', b"is below its minimum", b"not stated by this notice",
                     b"byte 12: expected a value"):
            if want not in en.stdout:
                failures += 1
                print(f"FAIL batch jsonl: {want!r} not in the output")
        check("batch jsonl -> csv", polrun, [pol, "--batch", "--in", "jsonl", "--out", "csv", "-j", "1"], JSONL)
        check("batch csv -> csv", polrun, [pol, "--batch", "--in", "csv", "--out", "csv", "-j", "1"], CSV)
        check("batch csv -> jsonl", polrun, [pol, "--batch", "--in", "csv", "--out", "jsonl", "-j", "2"], CSV)
        # One scenario at a time: stdout (the outputs) the same, stderr (for people) in Chinese.
        for line in JSONL.splitlines()[:5]:
            en, zh = check(f"one scenario {line}", polrun, [pol], line + "\n", True)
            said = zh.stderr.decode(errors="replace")
            if en.stderr == zh.stderr or not any(w in said for w in CHINESE):
                failures += 1
                print(f"FAIL one scenario {line}: stderr not in Chinese under zh_CN:\n{zh.stderr.decode(errors='replace')}")
        if len(sys.argv) > 2:
            check_serve(sys.argv[2], d)
    if failures:
        print(f"{failures} failure(s)")
        return 1
    print("all machine forms are the same in both languages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
