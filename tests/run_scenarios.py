#!/usr/bin/env python3
"""Runs every example scenario under policies/ through polrun.

A scenario is paired with its policy by name (policies/README.md):
scenario-timeline*.json -> *-timeline.pol, scenario-2026*.json -> *-2026.pol,
scenario-topup*.json -> *-topup.pol, anything else -> the folder's main policy
(the one .pol whose name has none of those suffixes and is not imported-only).
Each run must exit 0 and print one JSON object whose values are all present.
Usage: run_scenarios.py POLRUN REPO_ROOT
"""
import glob
import json
import os
import subprocess
import sys

SUFFIXES = ("-timeline", "-2026", "-topup", "-reform-8pct", "-tiers")


def policy_for(scenario):
    folder = os.path.dirname(scenario)
    base = os.path.basename(scenario)[len("scenario-"):]
    pols = sorted(glob.glob(os.path.join(folder, "*.pol")))
    for key in ("timeline", "2026", "topup"):
        if base.startswith(key):
            match = [p for p in pols if p.endswith(f"-{key}.pol")]
            return match[0] if match else None
    main = [p for p in pols if not any(p.endswith(s + ".pol") for s in SUFFIXES)]
    return main[0] if main else None


def main():
    polrun, root = sys.argv[1], sys.argv[2]
    passed = failed = 0
    for scen in sorted(glob.glob(os.path.join(root, "policies", "*", "scenario-*.json"))):
        pol = policy_for(scen)
        rel = os.path.relpath(scen, root)
        if not pol:
            print(f"FAIL {rel}: no policy for it")
            failed += 1
            continue
        p = subprocess.run([polrun, pol, scen], capture_output=True, timeout=60)
        problem = None
        if p.returncode != 0:
            problem = f"exit {p.returncode}: {p.stderr.decode('utf-8', 'replace').strip()}"
        else:
            try:
                out = json.loads(p.stdout)
                err = p.stderr.decode("utf-8", "replace")
                # null only for an output the policy says does not apply (or the notice does not state)
                unexplained = [k for k, v in out.items() if v is None
                               and f"note: {k}: not applicable" not in err and f"note: {k}: not stated" not in err]
                if not out or unexplained:
                    problem = f"empty outputs, or null ones with no reason: {out}"
            except ValueError as e:
                problem = f"not JSON: {e}"
        if problem:
            print(f"FAIL {rel} with {os.path.relpath(pol, root)}: {problem}")
            failed += 1
        else:
            print(f"ok   {rel} with {os.path.relpath(pol, root)}")
            passed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
