#!/usr/bin/env python3
"""polrun's runtime errors on a terminal: with a .pol source, the error is
printed by the diagnostic printer, with the source line and a caret under
the display column (Chinese text before it counts two cells); piped, it is
the one line the language cases pin.  Usage: check_tty_error.py POLRUN WORKDIR"""
import os
import pty
import re
import subprocess
import sys

POLICY = '''policy "t" { region "x" }
input 日期: date
input a: money
input n: integer
output 费: money = if 日期 > 2000-01-01 then round(a / n, 2) else 0 cite "1"
'''
SCENARIO = '{"日期": "2025-01-01", "a": "5", "n": 0}\n'
LINE = "tty.pol:5:54: error: division by zero\n"
SOURCE = ("    5 | output 费: money = if 日期 > 2000-01-01 then round(a / n, 2) else 0 cite \"1\"\n"
          "      |                                                      ^\n")


def run_on_tty(cmd, cwd):
    master, slave = pty.openpty()
    p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, timeout=60)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return p.returncode, re.sub(r"\x1b\[[0-9;]*m", "", text)


def main():
    polrun, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "tty.pol"), "w", encoding="utf-8") as f:
        f.write(POLICY)
    with open(os.path.join(work, "tty.json"), "w", encoding="utf-8") as f:
        f.write(SCENARIO)
    failed = 0
    rc, err = run_on_tty([polrun, "tty.pol", "tty.json"], work)
    ok = rc == 1 and err == LINE + SOURCE
    print(("ok  " if ok else "FAIL") + " terminal: the error with its source line and caret")
    if not ok:
        print(f"     exit {rc}, stderr:\n{err}")
    failed += not ok
    p = subprocess.run([polrun, "tty.pol", "tty.json"], cwd=work, capture_output=True, timeout=60)
    ok = p.returncode == 1 and p.stderr.decode("utf-8") == LINE
    print(("ok  " if ok else "FAIL") + " piped: the one line, no source")
    failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
