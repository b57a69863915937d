#!/usr/bin/env python3
"""Runs every example scenario under policies/ through polrun, with the policy
its folder's manifest names (policies/README.md, "Example scenarios").

Each folder policies/X/ that holds a scenario-*.json file has an
examples.json that pairs every scenario with a policy of the folder and says
what it must compute:

    {"scenario-active.json": {"policy": "weinan-2023.pol",
                              "expect": {"全年缴费总额": "3255.36"}}}

It fails when a scenario is not in its folder's manifest (or the folder has
none), when the manifest names a scenario or policy that is not there, when
an entry expects nothing, and when a run does not exit 0, print one JSON
object whose values are all present, and hold every expected output with
exactly the expected value (JSON-equal: "3255.36" is not "3255.360").
A scenario run with the wrong policy fails polrun (an unknown field) or an
expectation.
Usage: run_scenarios.py [--self-test] POLRUN REPO_ROOT
(--self-test: on a copy of policies/ with one mistake of each kind, checks
that every one is reported.)
"""
import glob
import json
import os
import subprocess
import sys

MANIFEST = "examples.json"


def load_manifest(folder):
    """The folder's pairs [(scenario, policy, expect)], or a problem (str)."""
    path = os.path.join(folder, MANIFEST)
    if not os.path.exists(path):
        return f"no {MANIFEST} pairs its scenarios with policies"
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except ValueError as e:
        return f"{MANIFEST} is not JSON: {e}"
    if not isinstance(data, dict) or not data:
        return f"{MANIFEST} must be a non-empty object: scenario file -> {{policy, expect}}"
    pairs = []
    for scen, entry in data.items():
        if (not isinstance(entry, dict) or set(entry) != {"policy", "expect"}
                or not isinstance(entry["policy"], str)
                or not isinstance(entry["expect"], dict) or not entry["expect"]):
            return f"{MANIFEST}: {scen}: want {{\"policy\": FILE.pol, \"expect\": {{OUTPUT: VALUE, ...}}}} (at least one output)"
        pairs.append((scen, entry["policy"], entry["expect"]))
    return pairs


def run_one(polrun, folder, scen, pol, expect):
    """A problem (str) or None."""
    for name, what in ((scen, "scenario"), (pol, "policy")):
        if os.path.basename(name) != name or not os.path.isfile(os.path.join(folder, name)):
            return f"{MANIFEST} names {what} {name!r}, which is not a file of the folder"
    p = subprocess.run([polrun, os.path.join(folder, pol), os.path.join(folder, scen)],
                       capture_output=True, timeout=60)
    if p.returncode != 0:
        return f"exit {p.returncode}: {p.stderr.decode('utf-8', 'replace').strip()}"
    try:
        out = json.loads(p.stdout)
    except ValueError as e:
        return f"not JSON: {e}"
    err = p.stderr.decode("utf-8", "replace")
    # null only for an output the policy says does not apply (or the notice does not state)
    unexplained = [k for k, v in (out.items() if isinstance(out, dict) else ())
                   if v is None and f"note: {k}: not applicable" not in err and f"note: {k}: not stated" not in err]
    if not isinstance(out, dict) or not out or unexplained:
        return f"empty outputs, or null ones with no reason: {out}"
    for name, want in expect.items():
        if name not in out:
            return f"no output {name!r} (outputs: {', '.join(out)})"
        if out[name] != want:
            return f"{name} = {json.dumps(out[name], ensure_ascii=False)}, expected {json.dumps(want, ensure_ascii=False)}"
    return None


def check(polrun, root):
    """Every folder's pairs, run: (report lines, passed, failed)."""
    lines, passed, failed = [], 0, 0
    folders = sorted({os.path.dirname(p) for pattern in ("scenario-*.json", MANIFEST)
                      for p in glob.glob(os.path.join(root, "policies", "*", pattern))})
    for folder in folders:
        rel = os.path.relpath(folder, root)
        pairs = load_manifest(folder)
        if isinstance(pairs, str):
            lines.append(f"FAIL {rel}: {pairs}")
            failed += 1
            continue
        listed = {s for s, _, _ in pairs}
        for scen in sorted(glob.glob(os.path.join(folder, "scenario-*.json"))):
            if os.path.basename(scen) not in listed:
                lines.append(f"FAIL {rel}/{os.path.basename(scen)}: not paired with a policy in {rel}/{MANIFEST}")
                failed += 1
        for scen, pol, expect in pairs:
            problem = run_one(polrun, folder, scen, pol, expect)
            if problem:
                lines.append(f"FAIL {rel}/{scen} with {pol}: {problem}")
                failed += 1
            else:
                lines.append(f"ok   {rel}/{scen} with {pol}")
                passed += 1
    return lines, passed, failed


def self_test(polrun, root):
    """The checks above catch each kind of mistake: run on a copy of
    policies/ with one of each, every one must be reported (each line
    starting as wanted)."""
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(os.path.join(root, "policies"), os.path.join(tmp, "policies"))
        rizhao = os.path.join(tmp, "policies", "rizhao", MANIFEST)
        with open(rizhao, encoding="utf-8") as f:
            data = json.load(f)
        # a runnable but wrong pairing: the reform imports the policy and takes its inputs
        data["scenario-early.json"]["policy"] = "rizhao-2025-reform-8pct.pol"
        del data["scenario-late.json"]                                   # unpaired
        data["scenario-2026-tier9.json"]["expect"]["月缴费额"] = "405.01"  # a wrong value
        data["scenario-gone.json"] = {"policy": "rizhao-2025.pol", "expect": {"x": "1"}}
        with open(rizhao, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        os.remove(os.path.join(tmp, "policies", "framework", MANIFEST))  # no manifest
        lines, _, failed = check(polrun, tmp)
    want = [
        "FAIL policies/framework: no examples.json pairs its scenarios with policies",
        "FAIL policies/rizhao/scenario-late.json: not paired with a policy in policies/rizhao/examples.json",
        "FAIL policies/rizhao/scenario-2026-tier9.json with rizhao-2026.pol: 月缴费额 = \"405.00\", expected \"405.01\"",
        "FAIL policies/rizhao/scenario-early.json with rizhao-2025-reform-8pct.pol: ",  # however it fails
        "FAIL policies/rizhao/scenario-gone.json with rizhao-2025.pol: examples.json names scenario "
        "'scenario-gone.json', which is not a file of the folder",
    ]
    got = [line for line in lines if line.startswith("FAIL")]
    if len(got) != len(want) or any(not g.startswith(w) for g, w in zip(got, want)) or failed != len(want):
        print("self-test: the mistakes were not reported as expected\n--- expected\n" + "\n".join(want)
              + "\n--- got\n" + "\n".join(got))
        sys.exit(1)
    print(f"self-test: all {len(want)} mistakes reported")


def main():
    args = sys.argv[1:]
    if args and args[0] == "--self-test":
        self_test(*args[1:3])
        return
    polrun, root = args[0], args[1]
    lines, passed, failed = check(polrun, root)
    for line in lines:
        print(line)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
