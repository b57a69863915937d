#!/usr/bin/env python3
"""--explain on the Rizhao policy: the text and JSON explanations, compared
exactly with the expected files beside this script (update with --update and
review the diff).  Usage: check_explain.py POLRUN REPO_ROOT [--update]"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [
    ("rizhao-early.txt", ["policies/rizhao/rizhao-2025.pol", "policies/rizhao/scenario-early.json", "--explain"]),
    ("rizhao-late.json", ["policies/rizhao/rizhao-2025.pol", "policies/rizhao/scenario-late.json", "--explain=json"]),
    ("weinan-retired.txt", ["policies/weinan/weinan-2023.pol", "policies/weinan/scenario-retired.json", "--explain"]),
]


def main():
    polrun, root = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv
    passed = failed = 0
    for name, args in CASES:
        p = subprocess.run([polrun] + args, cwd=root, capture_output=True, timeout=60)
        got = p.stdout.decode("utf-8")
        path = os.path.join(HERE, name)
        if update:
            with open(path, "w", encoding="utf-8") as f:
                f.write(got)
        with open(path, encoding="utf-8") as f:
            want = f.read()
        problems = []
        if p.returncode != 0:
            problems.append(f"exit {p.returncode}: {p.stderr.decode('utf-8', 'replace')}")
        if got != want:
            problems.append("output differs from " + name)
        if name.endswith(".json") and not problems:
            d = json.loads(got)
            e = d["explanation"]["月缴费额"]
            # the explanation names the clause, the parameter version and its date range
            if e["cite"] != "一(一)1、2" or not any(
                    q["name"] == "费率" and q["value"] == "5%" for q in e["parameters"]):
                problems.append("月缴费额's explanation lacks its clause or the rate")
            b = d["explanation"]["适用月缴费基数"]["parameters"][0]
            if (b["value"], b["from"], b["to"], b["date"], b["cite"]) != ("4504", "2025-10-01", "2025-12-31", "2025-10-01", "一(一)2"):
                problems.append(f"the base's version is not explained: {b}")
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
