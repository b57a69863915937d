#!/usr/bin/env python3
"""The Rizhao timeline walked month by month (policies/rizhao/rizhao-2025-timeline.pol,
each month from the one before) gives exactly what the same rules written with nested
aggregates give (bench/timeline/rizhao-2025-timeline-nested.pol), on generated histories
of 1 to 6 years: every month's status, reason and clause, byte for byte.

    check_equiv.py POLRUN SOURCE_DIR
"""
import collections
import json
import os
import subprocess
import sys
import tempfile


def main():
    polrun, src = sys.argv[1], sys.argv[2]
    gen = os.path.join(src, "bench", "timeline", "gen.py")
    new = os.path.join(src, "policies", "rizhao", "rizhao-2025-timeline.pol")
    old = os.path.join(src, "bench", "timeline", "rizhao-2025-timeline-nested.pol")
    with tempfile.TemporaryDirectory() as tmp:
        people = os.path.join(tmp, "people.jsonl")
        with open(people, "w") as f:
            for years in range(1, 7):
                f.write(subprocess.run([sys.executable, gen, "--years", str(years), "--people", "60", "--seed", "7"],
                                       check=True, capture_output=True, text=True).stdout)
        outs = []
        for pol in (new, old):
            out = os.path.join(tmp, os.path.basename(pol) + ".jsonl")
            r = subprocess.run([polrun, pol, "--batch", people, "-o", out, "-j", "1", "-q"], capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"FAIL: polrun {pol} exited {r.returncode}: {r.stderr.strip()[:500]}")
            outs.append(open(out, encoding="utf-8").read().splitlines())
        a, b = outs
        if len(a) != len(b) or len(a) != 360:
            sys.exit(f"FAIL: {len(a)} and {len(b)} records, expected 360 each")
        bad = [i for i in range(len(a)) if a[i] != b[i]]
        if bad:
            sys.exit(f"FAIL: {len(bad)} records differ, the first is line {bad[0] + 1}:\n  new {a[bad[0]][:300]}\n  old {b[bad[0]][:300]}")
        # the histories reach every status, or the comparison proves less than it says
        seen = collections.Counter()
        for line in a:
            rec = json.loads(line)
            if "error" in rec or "errors" in rec:
                sys.exit(f"FAIL: a generated history was rejected: {line[:300]}")
            for m in rec["outputs"]["逐月待遇"]:
                seen[m["状态"]] += 1
        want = {"正常享受", "年初一次性缴费", "中断当月", "补缴覆盖", "暂停", "等待期"}
        if not want <= set(seen):
            sys.exit(f"FAIL: the histories never reach {sorted(want - set(seen))} (seen: {dict(seen)})")
        print(f"360 histories, {sum(seen.values())} months: the same in both forms ({dict(seen)})")


if __name__ == "__main__":
    main()
