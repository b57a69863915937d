#!/usr/bin/env python3
"""Data-driven language tests for pol.

Each case is one file tests/lang/NAME.case made of sections:

    --- source                  the .pol text (written to NAME.pol)
    --- scenario                optional: a JSON scenario for polrun
    --- args                    optional: extra command-line words
    --- command                 optional: check (default), run, test, disasm, interface,
                                fmt (`polc fmt NAME.pol --stdout`, or the case's args instead
                                of --stdout: --check)
    --- file NAME.pol           optional, repeatable: another file beside it (for imports;
                                a path such as shared/notices/X.txt makes its folders)
    --- env                     optional: NAME=VALUE lines, set for the command
    --- lang zh                 optional: the tools speak Simplified Chinese (LC_ALL=zh_CN.UTF-8);
                                without it a case runs in English (LC_ALL=C.UTF-8), so the
                                ambient locale never changes a result (LANGUAGE, LC_MESSAGES and
                                LANG are removed either way; an env line still overrides).
                                `--- lang both`: the case runs in English, then in Chinese, and
                                each run must give the expected output (a machine-read form,
                                such as --diagnostics=json, that is the same in every language)
    --- expect exit N           the expected exit status, then the exact
                                expected output (stdout, then stderr)

`check` runs `polc check NAME.pol`; `run` runs `polrun NAME.pol scenario.json`;
`test` runs `polc test NAME.pol`.  Output must match exactly, caret lines
included.  Usage:
    run_lang.py [--update] BUILD_DIR CASE_DIR [NAME...]   every case (or the named ones)
    run_lang.py [--update] BUILD_DIR --case FILE          one case (one ctest entry each)
(--update rewrites the expectations from the actual output: review the diff!)
"""
import os
import re
import subprocess
import sys
import tempfile


def parse_case(path):
    sections, cur, buf = {}, None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^--- (\w+)(.*)$", line.rstrip("\n"))
            if m:
                if cur:
                    sections[cur] = "".join(buf)
                cur, buf = m.group(1), []
                if cur == "file":
                    cur = "file:" + m.group(2).strip()
                    continue
                if cur == "lang":
                    lang = m.group(2).strip()
                    if lang not in ("zh", "en", "both"):
                        raise SystemExit(f"{path}: '--- lang' takes zh, en or both")
                    sections["lang"] = lang
                    cur = None
                    continue
                if cur == "expect":
                    em = re.match(r"\s*exit\s+(\d+)\s*$", m.group(2))
                    if not em:
                        raise SystemExit(f"{path}: '--- expect exit N' needs N")
                    sections["exit"] = int(em.group(1))
                continue
            buf.append(line)
    if cur:
        sections[cur] = "".join(buf)
    return sections


def update_case(path, code, got):
    """Rewrites the case's expect section with what the tools printed."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head = re.split(r"^--- expect.*$", text, flags=re.M)[0]
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + f"--- expect exit {code}\n" + got)


def run_case(build, path, update=False):
    name = os.path.splitext(os.path.basename(path))[0]
    c = parse_case(path)
    cmd = c.get("command", "check").strip()
    with tempfile.TemporaryDirectory() as tmp:
        src = f"{name}.pol"
        with open(os.path.join(tmp, src), "w", encoding="utf-8") as f:
            f.write(c.get("source", ""))
        for key, text in c.items():
            if key.startswith("file:"):
                os.makedirs(os.path.dirname(os.path.join(tmp, key[5:])), exist_ok=True)
                with open(os.path.join(tmp, key[5:]), "w", encoding="utf-8") as f:
                    f.write(text)
        args = c.get("args", "").split()
        if cmd == "run":
            with open(os.path.join(tmp, "scenario.json"), "w", encoding="utf-8") as f:
                f.write(c.get("scenario", "{}"))
            argv = [os.path.join(build, "polrun"), src, "scenario.json"] + args
        elif cmd == "fmt":
            argv = [os.path.join(build, "polc"), "fmt", src, "--no-color"] + (args or ["--stdout"])
        elif cmd in ("check", "test", "disasm", "interface", "build"):
            argv = [os.path.join(build, "polc"), cmd, src, "--no-color"] + args
        else:
            return f"unknown command {cmd!r}"
        lang = c.get("lang", "en")
        problems = []
        for run_lang in (["en", "zh"] if lang == "both" else [lang]):
            env = dict(os.environ)
            env.pop("POL_NOTICES_DIR", None)
            for var in ("LANGUAGE", "LC_MESSAGES", "LANG"):
                env.pop(var, None)
            env["LC_ALL"] = "zh_CN.UTF-8" if run_lang == "zh" else "C.UTF-8"
            env.update(line.split("=", 1) for line in c.get("env", "").splitlines() if "=" in line)
            p = subprocess.run(argv, cwd=tmp, capture_output=True, timeout=60, env=env)
            got = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
            want = c.get("expect", "")
            if update:  # from the first run (English, for `both`): the second must then agree
                update_case(path, p.returncode, got)
                c["expect"], c["exit"], update = got, p.returncode, False
                continue
            where = f" (lang {run_lang})" if lang == "both" else ""
            if p.returncode != c.get("exit", 0):
                problems.append(f"exit status {p.returncode}, expected {c.get('exit', 0)}{where}")
            if got != want:
                problems.append(f"output differs{where}:\n--- expected\n" + want + "--- got\n" + got)
        return "\n".join(problems)


def main():
    args = sys.argv[1:]
    update = "--update" in args
    args = [a for a in args if a != "--update"]
    if len(args) == 3 and args[1] == "--case":
        build, paths = os.path.abspath(args[0]), [args[2]]
    elif len(args) >= 2:
        build, case_dir = os.path.abspath(args[0]), args[1]
        only = set(args[2:])
        paths = [os.path.join(case_dir, f) for f in sorted(os.listdir(case_dir))
                 if f.endswith(".case") and (not only or os.path.splitext(f)[0] in only)]
    else:
        raise SystemExit(__doc__)
    passed = failed = 0
    for path in paths:
        err = run_case(build, path, update)
        if err:
            failed += 1
            print(f"FAIL {os.path.basename(path)}: {err}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
