#!/usr/bin/env python3
"""polc test --junit: the report is well-formed XML with one testcase per
test and the failures marked.  Usage: check_junit.py POLC REPO_ROOT"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

POLICY_FAILING = '''policy "t" { region "x" }
input base: money
output fee: money = round(base * 8%, 2) cite "三"
test "right <&>" {
  base = 3291
  expect fee = 263.28
}
test "wrong" {
  base = 3291
  expect fee = 263.29
}
'''


def run(polc, pol, tmp):
    xml_path = os.path.join(tmp, "report.xml")
    p = subprocess.run([polc, "test", pol, "--junit", xml_path], capture_output=True, timeout=60)
    return p.returncode, ET.parse(xml_path).getroot()


def main():
    polc, root = sys.argv[1], sys.argv[2]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        rc, suite = run(polc, os.path.join(root, "policies/rizhao/rizhao-2025.pol"), tmp)
        cases = suite.findall("testcase")
        ok = rc == 0 and suite.get("tests") == "4" and suite.get("failures") == "0" and len(cases) == 4 \
            and not any(c.find("failure") is not None for c in cases)
        print(("ok  " if ok else "FAIL") + " rizhao: 4 testcases, no failures")
        passed, failed = passed + ok, failed + (not ok)

        pol = os.path.join(tmp, "failing.pol")
        with open(pol, "w", encoding="utf-8") as f:
            f.write(POLICY_FAILING)
        rc, suite = run(polc, pol, tmp)
        cases = {c.get("name"): c for c in suite.findall("testcase")}
        fail = cases.get("wrong").find("failure") if "wrong" in cases else None
        ok = rc == 1 and suite.get("failures") == "1" and "right <&>" in cases and fail is not None \
            and "expected fee = 263.29, got 263.28" in fail.get("message", "")
        print(("ok  " if ok else "FAIL") + " failing policy: one failure with its message, names escaped")
        passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
