#!/usr/bin/env python3
"""The tools in Chinese (--lang zh, or the locale variables) and in English.

Usage: tools_lang.py POLC POLRUN SOURCE_DIR

Checks the exact Chinese of polc --help's first lines, of a usage error, of
polc test's report (passing and failing tests) and of polrun --batch's
summary; that --lang en wins over LC_ALL=zh_CN.UTF-8 and --lang zh over
LC_ALL=C.UTF-8; that a bad --lang is a usage error; and that JSON output
(diagnostics, interface, results) and JUnit XML are the same bytes in both
languages.
"""
import os
import re
import subprocess
import sys
import tempfile

polc, polrun, src = sys.argv[1:4]
failures = []


def run(args, lang="C.UTF-8", stdin=None, cwd=None):
    env = dict(os.environ)
    for k in ("LANGUAGE", "LC_MESSAGES", "LANG"):
        env.pop(k, None)
    env["LC_ALL"] = lang
    p = subprocess.run(args, input=stdin, capture_output=True, env=env, cwd=cwd)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def check(what, got, want):
    if got != want:
        failures.append("%s:\n  got  %r\n  want %r" % (what, got, want))


account = os.path.join(src, "docs", "examples", "account.pol")

# --help, first lines
rc, out, err = run([polc, "--lang", "zh", "--help"])
check("polc --lang zh --help: exit", rc, 0)
check("polc --lang zh --help: first lines", out.split("\n")[:4],
      ["用法：polc 命令 [选项] 文件", "", "命令：", "  check FILE.pol              检查政策；列出每个错误和警告"])
rc, out, err = run([polc, "--help"], lang="zh_CN.UTF-8")
check("polc --help under LC_ALL=zh_CN.UTF-8", out.split("\n")[0], "用法：polc 命令 [选项] 文件")
rc, out, err = run([polc, "--help", "--lang", "en"], lang="zh_CN.UTF-8")
check("polc --help --lang en under LC_ALL=zh_CN.UTF-8", out.split("\n")[0], "usage: polc COMMAND [options] FILE")
rc, out, err = run([polrun, "--lang=zh", "-h"])
check("polrun --lang=zh -h", out.split("\n")[0],
      "用法：polrun POLICY [SCENARIO.json]          计算一个情景（不给文件则读标准输入）")
rc, out, err = run([polc, "--lang", "zh", "fmt", "--help"])
check("polc --lang zh fmt --help", out.split("\n")[0], "用法：polc fmt [--check | --stdout] [FILE.pol ...]")

# usage errors: said in the language asked for, even before --lang
rc, out, err = run([polc, "--bogus", "check", account, "--lang", "zh"])
check("polc --bogus (zh)", (rc, err), (64, "polc: 未知选项 --bogus（“polc --help”列出全部选项）\n"))
rc, out, err = run([polc, "--bogus", "check", account, "--lang", "en"], lang="zh_CN.UTF-8")
check("polc --bogus (en under zh)", (rc, err), (64, "polc: unknown option --bogus ('polc --help' lists the options)\n"))
rc, out, err = run([polrun, account, "--jobs", "0", "--batch", "--lang", "zh"])
check("polrun --jobs 0 (zh)", (rc, err), (64, "polrun: -j 需要 1 到 64 之间的整数，而不是“0”\n"))
rc, out, err = run([polc, "--lang", "fr", "check", account])
check("polc --lang fr", (rc, out, err), (64, "", "polc: --lang takes zh or en, not 'fr'\n"))
rc, out, err = run([polc, "--lang", "fr", "check", account], lang="zh_CN.UTF-8")
check("polc --lang fr (zh)", (rc, err), (64, "polc: --lang 的值应为 zh 或 en，而不是“fr”\n"))
rc, out, err = run([polrun, account, "--lang=xx"])
check("polrun --lang=xx", (rc, err), (64, "polrun: --lang takes zh or en, not 'xx'\n"))

# polc test: passing tests
rc, out, err = run([polc, "test", "-v", "--lang", "zh", account])
check("polc test -v (zh)", (rc, out), (0, "通过  在职: 每月 65.82, 每年 789.84\n通过  退休: 每月 68, 每年 816\n"
                                          "docs/examples/account.pol: 2 项通过，0 项失败\n".replace("docs/examples/account.pol", account)))
rc, out_en, err = run([polc, "test", account])
check("polc test (en)", out_en, account + ": 2 passed, 0 failed\n")

with tempfile.TemporaryDirectory() as d:
    pol = os.path.join(d, "t.pol")
    with open(pol, "w", encoding="utf-8") as f:
        f.write('policy "t" { region "x" }\ninput base: money\n'
                'output fee: money = round(base * 8%, 2) cite "三"\n'
                'test "stated" {\n  base = 3291\n  expect fee = 263.29\n}\n'
                'test "right" {\n  base = 3291\n  expect fee = 263.28\n}\n'
                'test "broken" {\n  base = 3291\n  expect fee = 1\n}\n')
    rc, out, err = run([polc, "test", "--lang", "zh", "t.pol"], cwd=d)
    check("polc test, failing (zh)", (rc, out),
          (1, "失败  stated  （t.pol:4）\n    t.pol:6:3: 期望 fee = 263.29，实际为 263.28\n"
              "失败  broken  （t.pol:12）\n    t.pol:14:3: 期望 fee = 1，实际为 263.28\n"
              "t.pol: 1 项通过，2 项失败\n"))
    rc, out, err = run([polrun, "t.pol", "--test"], lang="zh_CN.UTF-8", cwd=d)
    check("polrun --test, failing (LC_ALL=zh_CN)", out.split("\n")[-2], "t.pol: 1 项通过，2 项失败")
    rc, out, err = run([polc, "test", "--lang", "en", "t.pol"], lang="zh_CN.UTF-8", cwd=d)
    check("polc test, failing (--lang en)", out.split("\n")[0], "FAIL  stated  (t.pol:4)")
    # JUnit XML: English, the same bytes in both languages
    xml = {}
    for lang in ("en", "zh"):
        path = os.path.join(d, "junit-%s.xml" % lang)
        run([polc, "test", "--lang", lang, "t.pol", "--junit", path], cwd=d)
        with open(path, "rb") as f:
            xml[lang] = f.read()
    check("JUnit XML en == zh", xml["zh"], xml["en"])
    check("JUnit XML is English", b"expected fee = 263.29, got 263.28" in xml["en"], True)

    # check's summary line
    with open(os.path.join(d, "w.pol"), "w", encoding="utf-8") as f:
        f.write('policy "w" { region "x" }\ninput base: money\ninput unused: money\n'
                'output fee: money = round(base * 8%, 2) cite "三"\noutput bad: money = nope\n')
    rc, out, err_zh = run([polc, "check", "--no-color", "w.pol", "--lang", "zh"], cwd=d)
    rc2, out, err_en = run([polc, "check", "--no-color", "w.pol"], cwd=d)
    m_en = re.search(r"^(\d+) errors?, (\d+) warnings?$", err_en, re.M)
    check("polc check summary (en)", bool(m_en), True)
    if m_en:
        check("polc check summary (zh)", "%s 个错误，%s 个警告" % m_en.groups() in err_zh.split("\n"), True)
    # JSON diagnostics: the same bytes
    a = run([polc, "check", "--diagnostics=json", "w.pol", "--lang", "zh"], cwd=d)
    b = run([polc, "check", "--diagnostics=json", "w.pol", "--lang", "en"], cwd=d)
    check("--diagnostics=json zh == en", a, b)

# JSON outputs: the same bytes
for args in ([polc, "interface", account], [polrun, account, "--interface"]):
    check("%s en == zh" % " ".join(args[1:]), run(args + ["--lang", "zh"]), run(args + ["--lang", "en"]))
scen = '{"人员身份": "在职", "月缴费基数": 3291}\n'.encode("utf-8")
check("polrun one scenario en == zh", run([polrun, account, "--lang", "zh"], stdin=scen),
      run([polrun, account, "--lang", "en"], stdin=scen))

# polrun --batch: the summary in Chinese, the records unchanged
batch = (scen.decode() + '{"人员身份": "在职"}\n').encode("utf-8")
rc, out_zh, err = run([polrun, account, "--batch", "-j1", "--lang", "zh"], stdin=batch)
check("polrun --batch summary (zh)",
      bool(re.fullmatch(r"polrun: 2 条记录，1 个错误，用时 \d+\.\d{3} 秒，每秒 \d+ 条\n", err)), True)
if not re.fullmatch(r"polrun: 2 条记录，1 个错误，用时 \d+\.\d{3} 秒，每秒 \d+ 条\n", err):
    failures.append("  (stderr was %r)" % err)
rc, out_en, err = run([polrun, account, "--batch", "-j1"], stdin=batch)
check("polrun --batch summary (en)",
      bool(re.fullmatch(r"polrun: 2 records, 1 errors, \d+\.\d{3} s, \d+ records/s\n", err)), True)
check("polrun --batch records en == zh", out_zh, out_en)

for f in failures:
    print("FAIL", f)
print("tools_lang: %d failures" % len(failures))
sys.exit(1 if failures else 0)
