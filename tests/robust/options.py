#!/usr/bin/env python3
"""The command lines users type (getopt_long), and the numbers they may not.

Each accepted spelling of an option (`-j2`, `-j 2`, `--jobs=2`, `--jobs 2`,
`-oFILE`, `--max-steps=N`, options before the operands, `--`) must have the
effect of the plain one; every bad value (a sign, junk, an empty value, a
number too large for the option) and every bad option (unknown, without its
value, with a value it does not take, an ambiguous abbreviation) is exit 64
with a message naming it, and nothing is evaluated.  `--version` prints
`TOOL VERSION (bytecode format N)`, the version of CMakeLists.txt and the
format of runtime/bytecode.h.  And the operands: a directory given as the
scenario or the batch input (named, or as standard input) is exit 66 with
`polrun: NAME: Is a directory`, not an error record and exit 1.

Usage: options.py --polc PATH --polrun PATH --root SOURCE_DIR --version VERSION
Prints one line per check and, last, exactly `N passed, M failed`.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SCEN = '{"人员身份": "在职", "月缴费基数": 3291}'
OUTPUTS = '{"个人账户月划入":"65.82","个人账户年划入":"789.84"}'
BATCH = SCEN + "\n" + '{"人员身份": "退休"}' + "\n" + SCEN + "\n"


class Checker:
    def __init__(self, polc, polrun, root, tmp):
        self.polc, self.polrun, self.tmp = polc, polrun, tmp
        self.policy = os.path.join(root, "docs", "examples", "account.pol")
        self.passed = self.failed = 0

    def result(self, name, problems):
        if problems:
            self.failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"     {p}")
        else:
            self.passed += 1
            print(f"ok   {name}")
        sys.stdout.flush()

    def run(self, argv, stdin=""):
        p = subprocess.run(argv, input=stdin.encode(), capture_output=True, timeout=120, cwd=self.tmp)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def expect(self, name, argv, code, out=None, err=None, stdin="", files=()):
        """Exit status `code`; stdout equal to `out` (if given); stderr matching the regex `err` (if
        given, else empty, ignoring a batch summary); each (path, text) of `files` written."""
        for path, _ in files:
            if os.path.exists(os.path.join(self.tmp, path)):
                os.unlink(os.path.join(self.tmp, path))
        rc, got, msgs = self.run(argv, stdin)
        msgs = "\n".join(l for l in msgs.split("\n") if l and not re.match(r"polrun: \d+ records", l))
        problems = []
        if rc != code:
            problems.append(f"exit {rc}, expected {code}")
        if out is not None and got != out:
            problems.append(f"stdout {got[:300]!r}, expected {out[:300]!r}")
        if err is None and msgs:
            problems.append(f"stderr {msgs[:300]!r}, expected nothing")
        if err is not None and not re.search(err, msgs):
            problems.append(f"stderr {msgs[:300]!r} does not match {err!r}")
        for path, text in files:
            full = os.path.join(self.tmp, path)
            if not os.path.exists(full):
                problems.append(f"{path} was not written")
            elif text is not None and open(full, encoding="utf-8").read() != text:
                problems.append(f"{path} holds {open(full, encoding='utf-8').read()[:200]!r}")
        self.result(f"{name}: {' '.join(os.path.basename(a) for a in argv)}", problems)

    def forms(self):
        P, run = self.policy, self.polrun
        _, ref, _ = self.run([run, P, "--batch", "-j", "1", "-q"], BATCH)
        lines = ref.split("\n")
        if len(lines) != 4 or not lines[0].startswith('{"line":1,"outputs":'):
            self.result("the reference batch", [f"unexpected output {ref!r}"])
        for form in (["-j2"], ["-j", "2"], ["--jobs=2"], ["--jobs", "2"], ["-qj2"], ["-j2", "-q"]):
            self.expect("jobs", [run, P, "--batch", *form, "-q"], 0, ref, stdin=BATCH)
        for form in (["-j", "2", "--batch", P], ["--batch", "-j2", "--", P], ["-q", P, "--batch", "--jobs=1"]):
            self.expect("options before operands", [run, "-q", *form], 0, ref, stdin=BATCH)
        for form in (["--max-steps=3"], ["--max-steps", "3"]):
            self.expect("max-steps", [run, P, *form], 1, "", r"exceeded 3 steps", stdin=SCEN)
        for form in (["--max-steps=1000"], ["--max-steps", "1000"]):
            self.expect("max-steps", [run, P, *form], 0, OUTPUTS + "\n", stdin=SCEN)
        self.expect("max-steps", [run, P, "--max-steps", "18446744073709551615"], 0, OUTPUTS + "\n", stdin=SCEN)
        for form in (["--max-record=20"], ["--max-record", "20"]):
            self.expect("max-record", [run, P, *form], 1, "", r"larger than 20 bytes", stdin=SCEN)
        for form in (["-oout.jsonl"], ["-o", "out.jsonl"], ["-qoout.jsonl"]):
            self.expect("batch output file", [run, P, "--batch", "-q", *form], 0, "", stdin=BATCH,
                        files=[("out.jsonl", ref)])
        for form in (["--out=csv"], ["--out", "csv"]):
            self.expect("out format", [run, P, "--batch", "-q", *form], 0,
                        "line,个人账户月划入,个人账户年划入,error,notes\n1,65.82,789.84,,\n2,68.00,816.00,,\n3,65.82,789.84,,\n",
                        stdin=BATCH)
        rc, got, _ = self.run([run, P, "--explain=json"], SCEN)
        self.result("--explain=json", [] if rc == 0 and "explanation" in json.loads(got) else [f"exit {rc}: {got!r}"])
        for form in (["--junit=r.xml"], ["--junit", "r.xml"]):
            self.expect("polrun junit", [run, P, "--test", *form], 0, None, files=[("r.xml", None)])
            self.expect("polc junit", [self.polc, "test", P, *form], 0, None, files=[("r.xml", None)])
        for form in (["-oa.polc"], ["-o", "a.polc"], ["-o", "a.polc", "-Werror"], ["-W", "error", "-oa.polc"]):
            self.expect("polc build", [self.polc, "build", P, *form], 0, "", files=[("a.polc", None)])
        for form in (["--diagnostics=json"], ["--diagnostics", "json"], ["--json"]):
            self.expect("polc diagnostics", [self.polc, "check", P, *form], 0, "[]\n")
        self.expect("polc verbose", [self.polc, "--verbose", "test", P], 0, None)
        self.expect("polc after --", [self.polc, "check", "--", P], 0, "")

    def rejections(self):
        P, run = self.policy, self.polrun
        # a number with a sign, junk or too many digits: never "unlimited", never wrapped
        for opt, val, what in (("--max-steps", "-1", "whole number"), ("--max-record", "-1", "whole number"),
                               ("--max-steps", "+5", "whole number"), ("--max-steps", "5x", "whole number"),
                               ("--max-steps", " 5", "whole number"), ("--max-steps", "", "whole number"),
                               ("--max-steps", "0", "whole number"), ("--max-record", "0x10", "whole number"),
                               ("--max-steps", "1e6", "whole number"), ("--max-steps", "5.0", "whole number"),
                               ("--max-steps", "18446744073709551616", "too large"),
                               ("--max-record", "99999999999999999999", "too large"),
                               ("-j", "0", "whole number"), ("-j", "-1", "whole number"), ("-j", "65", "too large"),
                               ("-j", "2junk", "whole number")):
            for form in ([opt, val], [f"{opt}={val}" if opt.startswith("--") else opt + val]):
                self.expect("bad number", [run, P, "--batch", *form], 64, "",
                            rf"^polrun: {re.escape(opt)}\b(?=.*{what})(?=.*'?{re.escape(val)}\b)", stdin=BATCH)
        for argv, err in (([run, P, "--frobnicate"], r"^polrun: unknown option --frobnicate"),
                          ([run, P, "-x"], r"^polrun: unknown option -x"),
                          ([run, P, "-qx"], r"^polrun: unknown option -x"),
                          ([run, P, "--batch=yes"], r"^polrun: --batch takes no value"),
                          ([run, P, "--batch", "-j"], r"^polrun: -j needs a value"),
                          ([run, P, "--batch", "--jobs"], r"^polrun: --jobs needs a value"),
                          ([run, P, "--max=5"], r"^polrun: ambiguous option --max"),
                          ([run, P, "--explain=xml:o"], r"^polrun: --explain=FORMAT:OUTPUT takes text, json or html as FORMAT, not 'xml'"),
                          ([run, P, "--batch", "--explain=html"], r"^polrun: --explain=html explains one scenario"),
                          ([run, P, "--explain", "json"], r"^polrun: --explain takes its value after '=': --explain=json$"),
                          ([run, P, "--batch", "--in=xml"], r"^polrun: --in takes jsonl or csv, not 'xml'"),
                          ([run, P, "a.json", "b.json"], r"^polrun: unexpected argument b.json"),
                          ([self.polc, "check", P, "--frobnicate"], r"^polc: unknown option --frobnicate"),
                          ([self.polc, "check", P, "-Wall"], r"^polc: unknown option -Wall"),
                          ([self.polc, "build", P, "-o"], r"^polc: -o needs a value"),
                          ([self.polc, "test", P, "--junit"], r"^polc: --junit needs a value"),
                          ([self.polc, "check", P, "--color=yes"], r"^polc: --color takes no value"),
                          ([self.polc, "check", P, "--diagnostics=xml"], r"^polc: --diagnostics takes text or json"),
                          ([self.polc, "check", P, "x.pol"], r"^polc: unexpected argument x.pol")):
            self.expect("bad option", argv, 64, "", err, stdin=SCEN)
        # an option the mode does not use is refused, never silently ignored
        # (`polrun P s.json -o out` printed to stdout and wrote no file)
        for argv, err in (([run, P, "-o", "out.json"], r"^polrun: -o applies to --batch only$"),
                          ([run, P, "-j2"], r"^polrun: -j applies to --batch only$"),
                          ([run, P, "--in=csv"], r"^polrun: --in applies to --batch only$"),
                          ([run, P, "-q"], r"^polrun: -q applies to --batch only$"),
                          ([run, P, "--junit", "r.xml"], r"^polrun: --junit applies to --test only$"),
                          ([run, P, "--batch", "-v"], r"^polrun: -v applies to --test only$"),
                          ([run, P, "--test", "--explain"], r"^polrun: --explain applies to one scenario or --batch only$"),
                          ([run, P, "--interface", "--max-steps=5"], r"^polrun: --max-steps applies to one scenario or --batch only$"),
                          ([run, P, "--test", "--interface"], r"^polrun: give one of --batch, --test and --interface$"),
                          ([run, P, "--batch", "--test"], r"^polrun: give one of --batch, --test and --interface$"),
                          ([self.polc, "check", P, "-o", "x.polc"], r"^polc: -o goes with build or doc, not check$"),
                          ([self.polc, "build", P, "--junit=r.xml"], r"^polc: --junit goes with test, not build$"),
                          ([self.polc, "check", P, "-v"], r"^polc: -v goes with test, not check$"),
                          ([self.polc, "keygen", "k", "--sign", "k.key"], r"^polc: --sign goes with build, not keygen$")):
            self.expect("unused option", argv, 64, "", err, stdin=SCEN)
        self.expect("no file", [run, P, "-o", "out.json"], 64, "", r"applies to --batch", stdin=SCEN)
        if os.path.exists(os.path.join(self.tmp, "out.json")) or os.path.exists(os.path.join(self.tmp, "k.key")):
            self.result("unused option wrote nothing", ["a file was written"])

    def inputs(self):
        P, run, d = self.policy, self.polrun, self.tmp
        for argv, name in (([run, P, "--batch", d], d), ([run, P, "--batch", "-j", "1", d], d),
                           ([run, P, "--batch", "--in", "csv", d], d), ([run, P, d], d)):
            self.expect("directory as input", argv, 66, "", "^" + re.escape(f"polrun: {name}: Is a directory") + "$")
        for argv in ([run, P, "--batch"], [run, P, "--batch", "-"], [run, P], [run, P, "-"]):
            fd = os.open(d, os.O_RDONLY)
            try:
                p = subprocess.run(argv, stdin=fd, capture_output=True, timeout=120, cwd=d)
            finally:
                os.close(fd)
            err = p.stderr.decode("utf-8", "replace")
            ok = p.returncode == 66 and err == "polrun: <stdin>: Is a directory\n" and not p.stdout
            self.result(f"directory as standard input: {' '.join(os.path.basename(a) for a in argv)}",
                        [] if ok else [f"exit {p.returncode}, stdout {p.stdout[:100]!r}, stderr {err[:200]!r}"])

    def versions(self, version, fmt):
        for tool, path in (("polc", self.polc), ("polrun", self.polrun)):
            self.expect("version", [path, "--version"], 0, f"{tool} {version} (bytecode format {fmt})\n")
            self.expect("version", [path, "--version", "ignored", "operands"], 0,
                        f"{tool} {version} (bytecode format {fmt})\n")


def _stdout_as_file(self):
    """--junit /dev/stdout (or /dev/fd/1) while stdout is a regular file: the
    report and the summary both land in that file.  The temporary-file and
    rename path replaced the file under the tool's own stdout, which lost
    the summary with exit 0."""
    for tool, argv in (("polrun", [self.polrun, self.policy, "--test", "--junit", "/dev/stdout"]),
                       ("polc", [self.polc, "test", self.policy, "--junit", "/dev/fd/1"])):
        path = os.path.join(self.tmp, "all.txt")
        with open(path, "w") as out:
            p = subprocess.run(argv, stdout=out, stderr=subprocess.PIPE, timeout=120, cwd=self.tmp)
        text = open(path, encoding="utf-8").read()
        problems = []
        if p.returncode != 0:
            problems.append(f"exit {p.returncode}: {p.stderr.decode()[:200]}")
        if "passed, 0 failed" not in text or "<testsuite" not in text:
            problems.append(f"all.txt holds {text[:200]!r}")
        self.result(f"junit to stdout's file: {tool}", problems)


Checker.stdout_as_file = _stdout_as_file


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polc", required=True)
    ap.add_argument("--polrun", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--version", required=True)
    a = ap.parse_args()
    with open(os.path.join(a.root, "runtime", "bytecode.h"), encoding="utf-8") as f:
        fmt = re.search(r"#define BC_VERSION (\d+)u", f.read()).group(1)
    with tempfile.TemporaryDirectory() as tmp:
        c = Checker(os.path.abspath(a.polc), os.path.abspath(a.polrun), os.path.abspath(a.root), tmp)
        c.forms()
        c.rejections()
        c.versions(a.version, fmt)
        c.inputs()
        c.stdout_as_file()
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
