#!/usr/bin/env python3
"""No output is lost in silence: every tool and mode, writing to a full disk
or a closed standard output, exits 73 with a message naming what it could
not write (docs/robustness.md, "Output").

Each mode of polc and polrun is run
  - with standard output on /dev/full (every write fails: ENOSPC),
  - with standard output closed (`>&-`: EBADF),
and must exit 73 and print exactly one line
`TOOL: write error on standard output: REASON` on stderr.  The files a mode
writes (--junit FILE, polc build -o FILE, polrun --batch -o FILE) are
checked the same way as /dev/full, and as a regular file on a "disk" that
fills up (a file-size limit, RLIMIT_FSIZE): exit 73, `write error on FILE`,
and a JUnit report or bytecode file is either complete or not there (an old
one is kept), never cut short or empty.  A run that writes nothing to a
closed stdout has lost nothing and exits 0.

Usage: output.py --polc PATH --polrun PATH --root SOURCE_DIR
Prints one line per check and, last, exactly `N passed, M failed`.
"""
import argparse
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

SCEN = '{"人员身份": "在职", "月缴费基数": 3291}\n'
BATCH = SCEN + '{"人员身份": "退休"}\n' + SCEN
REASON = {"full": "No space left on device", "closed": "Bad file descriptor", "fsize": "File too large"}


class Checker:
    def __init__(self, polc, polrun, root, tmp):
        self.polc, self.polrun, self.tmp = polc, polrun, tmp
        self.pol = os.path.join(tmp, "account.pol")
        shutil.copy(os.path.join(root, "docs", "examples", "account.pol"), self.pol)
        self.polcfile = os.path.join(tmp, "account.polc")
        subprocess.run([polc, "build", self.pol, "-o", self.polcfile], check=True)
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

    def run(self, argv, stdout, stdin="", fsize=None):
        """stdout: "full" (/dev/full), "closed", a path, or None (a pipe)."""
        def child():
            if stdout == "closed":
                os.close(1)
            if fsize is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        out = None
        if stdout == "full":
            out = open("/dev/full", "wb")
        elif stdout not in (None, "closed"):
            out = open(stdout, "wb")
        try:
            p = subprocess.run(argv, input=stdin.encode(), stdout=out if out else subprocess.PIPE,
                               stderr=subprocess.PIPE, preexec_fn=child, timeout=120, cwd=self.tmp)
        finally:
            if out:
                out.close()
        return p.returncode, p.stderr.decode("utf-8", "replace")

    def expect_73(self, name, argv, stdout, what, reason, stdin="", fsize=None):
        rc, err = self.run(argv, stdout, stdin, fsize)
        lines = [l for l in err.split("\n") if l and not re.match(r"polrun: \d+ records", l)]
        tool = os.path.basename(argv[0])
        want = f"{tool}: write error on {what}: {reason}"
        problems = []
        if rc != 73:
            problems.append(f"exit {rc}, expected 73")
        if lines.count(want) != 1:
            problems.append(f"stderr {err[:400]!r}: expected the line {want!r} once")
        others = [l for l in lines if l != want and "write error" in l]
        if others:
            problems.append(f"more write errors: {others}")
        where = {"full": "stdout on /dev/full", "closed": "stdout closed", None: "stdout a pipe"}.get(stdout, "stdout a file")
        self.result(f"{name} [{where}{', disk full' if fsize is not None else ''}]", problems)

    def modes(self):
        """(name, argv, stdin) of every mode that writes to standard output."""
        P, C, c, r = self.pol, self.polcfile, self.polc, self.polrun
        return [
            ("polc check --diagnostics=json", [c, "check", P, "--diagnostics=json"], ""),
            ("polc test", [c, "test", P], ""),
            ("polc test -v", [c, "test", P, "-v"], ""),
            ("polc test .polc", [c, "test", C], ""),
            ("polc disasm", [c, "disasm", P], ""),
            ("polc disasm .polc", [c, "disasm", C], ""),
            ("polc interface", [c, "interface", P], ""),
            ("polc interface .polc", [c, "interface", C], ""),
            ("polc --help", [c, "--help"], ""),
            ("polc --version", [c, "--version"], ""),
            ("polrun one scenario", [r, P], SCEN),
            ("polrun one scenario .polc", [r, C], SCEN),
            ("polrun --explain", [r, P, "--explain"], SCEN),
            ("polrun --explain=json", [r, P, "--explain=json"], SCEN),
            ("polrun --test", [r, P, "--test"], ""),
            ("polrun --test -v", [r, C, "--test", "-v"], ""),
            ("polrun --interface", [r, P, "--interface"], ""),
            ("polrun --batch", [r, P, "--batch", "-q"], BATCH),
            ("polrun --batch -j1", [r, P, "--batch", "-q", "-j", "1"], BATCH),
            ("polrun --batch -j2 --out csv", [r, P, "--batch", "-q", "-j", "2", "--out", "csv"], BATCH),
            ("polrun --batch --explain=json", [r, C, "--batch", "-q", "--explain=json"], BATCH),
            ("polrun --help", [r, "--help"], ""),
            ("polrun --version", [r, "--version"], ""),
        ]

    def stdout_checks(self):
        for name, argv, stdin in self.modes():
            for how in ("full", "closed"):
                self.expect_73(name, argv, how, "standard output", REASON[how], stdin)
            # a regular file on a disk that is full after 1 byte
            self.expect_73(name, argv, os.path.join(self.tmp, "stdout.txt"), "standard output", REASON["fsize"],
                           stdin, fsize=1)

    def file_checks(self):
        P, c, r = self.pol, self.polc, self.polrun
        files = [
            ("polc test --junit", [c, "test", P, "--junit"], "", True),
            ("polrun --test --junit", [r, P, "--test", "--junit"], "", True),
            ("polc build -o", [c, "build", P, "-o"], "", True),
            ("polrun --batch -o", [r, P, "--batch", "-q", "-o"], BATCH, False),
            ("polrun --batch --out csv -o", [r, P, "--batch", "-q", "--out", "csv", "-o"], BATCH, False),
        ]
        for name, argv, stdin, whole in files:
            self.expect_73(f"{name} /dev/full", argv + ["/dev/full"], None, "/dev/full", REASON["full"], stdin)
            # a regular file on a filling disk: stdout is a pipe, and what it gets is small enough
            path = os.path.join(self.tmp, "report.out")
            with open(path, "wb") as f:
                f.write(b"old")
            self.expect_73(f"{name} FILE", argv + [path], None, path, REASON["fsize"], stdin, fsize=40)
            if whole:
                with open(path, "rb") as f:
                    kept = f.read()
                left = [n for n in os.listdir(self.tmp) if n.startswith("report.out.")]
                self.result(f"{name} FILE: the old file is kept, no temporary file is left",
                            [] if kept == b"old" and not left else [f"{path} holds {kept[:80]!r}; left: {left}"])
            # a closed stdout must not make the file take its place (fd 1 reused by open())
            os.unlink(path)
            self.run(argv + [path], None, stdin)
            with open(path, "rb") as f:
                want = f.read()
            os.unlink(path)
            rc, err = self.run(argv + [path], "closed", stdin)
            with open(path, "rb") as f:
                got = f.read()
            self.result(f"{name} FILE with stdout closed: the file holds what it holds with stdout open",
                        [] if got == want and want else [f"exit {rc}, {path} holds {got[:160]!r}, not {want[:160]!r}"])

    def nothing_lost(self):
        """Nothing written to a closed stdout: nothing lost, exit 0."""
        P, c, r = self.pol, self.polc, self.polrun
        for name, argv in (("polc check", [c, "check", P]),
                           ("polc build", [c, "build", P, "-o", os.path.join(self.tmp, "b.polc")]),
                           ("polrun --batch -o FILE", [r, P, "--batch", "-q", "-o", os.path.join(self.tmp, "b.out")])):
            rc, err = self.run(argv, "closed", BATCH)
            self.result(f"{name}, stdout closed, nothing to write", [] if rc == 0 and not err else [f"exit {rc}: {err!r}"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polc", required=True)
    ap.add_argument("--polrun", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    if not os.path.exists("/dev/full"):
        print("no /dev/full: skipped")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        c = Checker(os.path.abspath(a.polc), os.path.abspath(a.polrun), os.path.abspath(a.root), tmp)
        c.stdout_checks()
        c.file_checks()
        c.nothing_lost()
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
