#!/usr/bin/env python3
"""Every resource limit gives its clear error, never a crash (docs/robustness.md).

Compile-time limits are checked with `polc check`: exit status 65 and a
diagnostic naming the limit at FILE:LINE:COL.  Run-time limits are checked
with `polrun --batch`: the record over the limit becomes an error record with
its line number and the reason, and the records around it are unaffected.
A run killed by a signal (a crash, a stack overflow) always fails the check.

Usage: limits.py --polc PATH --polrun PATH --root SOURCE_DIR
Prints one line per check and, last, exactly `N passed, M failed`.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HEAD = 'policy "t" { region "x" }\n'



def record_errors(obj):
    """A batch record's error message, or (some outputs computed) its outputs' errors."""
    if "error" in obj:
        return obj["error"].get("message", "")
    return " | ".join(u.get("message", "") for u in obj.get("unavailable", {}).values() if u.get("status") == "error")

class Checker:
    def __init__(self, polc, polrun, tmp):
        self.polc, self.polrun, self.tmp = polc, polrun, tmp
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

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(data)
        return path

    def run(self, argv, stdin=None, timeout=120):
        try:
            p = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout, cwd=self.tmp)
        except subprocess.TimeoutExpired:
            return None, "", f"timed out after {timeout} s"
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def compile_error(self, name, source, pattern, line=None):
        """polc check must fail with 65 and a diagnostic matching pattern."""
        path = self.write(name + ".pol", source)
        rc, out, err = self.run([self.polc, "check", "--no-color", path])
        problems = []
        if rc is None:
            problems.append(err)
        elif rc < 0:
            problems.append(f"killed by signal {-rc}")
        elif rc != 65:
            problems.append(f"exit status {rc}, expected 65")
        want = re.compile(re.escape(name) + r"\.pol:(\d+):(\d+): error: " + pattern)
        m = want.search(err)
        if not m:
            problems.append(f"no diagnostic matching {pattern!r} with a position; stderr starts: {err[:300]!r}")
        elif line is not None and int(m.group(1)) != line:
            problems.append(f"diagnostic on line {m.group(1)}, expected {line}")
        self.result(f"compile: {name}", problems)

    def compiles(self, name, source):
        """polc check must accept the source (the limit itself is allowed)."""
        path = self.write(name + ".pol", source)
        rc, out, err = self.run([self.polc, "check", "--no-color", path])
        problems = []
        if rc != 0:
            problems.append(f"exit status {rc}, expected 0; stderr starts: {err[:300]!r}")
        self.result(f"compile: {name}", problems)

    def runs(self, name, source, scenario, outputs, path=None):
        """polrun on one scenario must exit 0 with exactly these outputs
        (the policy: source, or the file at path)."""
        path = path or self.write(name + ".pol", source)
        scen = self.write(name + ".json", json.dumps(scenario))
        rc, out, err = self.run([self.polrun, path, scen])
        problems = []
        if rc != 0:
            problems.append(f"exit status {rc}, expected 0; stderr starts: {err[:300]!r}")
        else:
            try:
                got = json.loads(out)
            except ValueError as e:
                got = f"not JSON ({e}): {out[:200]!r}"
            if got != outputs:
                problems.append(f"outputs {str(got)[:300]}, expected {outputs}")
        self.result(f"run: {name}", problems)

    def batch(self, name, policy, records, expect, args=()):
        """polrun --batch over records; expect maps 1-based line -> None (outputs)
        or a regex the error message must match.  Exit status 1 if any error."""
        pol = self.write(name + ".pol", policy) if not os.path.isabs(policy) else policy
        data = b"".join((r if isinstance(r, bytes) else r.encode("utf-8")) + b"\n" for r in records)
        rc, out, err = self.run([self.polrun, pol, "--batch", "-j", "2", *args], stdin=data)
        problems = []
        if rc is None or rc < 0:
            problems.append(err if rc is None else f"killed by signal {-rc}")
            self.result(f"run: {name}", problems)
            return
        want_rc = 1 if any(v is not None for v in expect.values()) else 0
        if rc != want_rc:
            problems.append(f"exit status {rc}, expected {want_rc}; stderr: {err[:300]!r}")
        got = {}
        for ln in out.splitlines():
            try:
                obj = json.loads(ln)
                got[obj["line"]] = obj
            except (ValueError, KeyError) as e:
                problems.append(f"not an output record: {ln[:200]!r} ({e})")
        if len(out.splitlines()) != len(records):
            problems.append(f"{len(out.splitlines())} output records for {len(records)} input records")
        for line, pat in expect.items():
            obj = got.get(line)
            if obj is None:
                problems.append(f"no output record for line {line}")
            elif pat is None and ("outputs" not in obj or "unavailable" in obj):
                problems.append(f"line {line}: expected outputs, got {json.dumps(obj, ensure_ascii=False)[:300]}")
            elif pat is not None and not re.search(pat, record_errors(obj)):
                problems.append(f"line {line}: expected an error matching {pat!r}, got {json.dumps(obj, ensure_ascii=False)[:300]}")
        self.result(f"run: {name}", problems)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polc", required=True)
    ap.add_argument("--polrun", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    rizhao = os.path.join(os.path.abspath(a.root), "policies", "rizhao", "rizhao-2025.pol")
    with tempfile.TemporaryDirectory() as tmp:
        c = Checker(os.path.abspath(a.polc), os.path.abspath(a.polrun), tmp)
        money_in = HEAD + "input a: money\n"

        # ---- source size: 16 MiB (compiler/diag.c) ----
        big = HEAD + "# " + "x" * (16 << 20) + "\n"
        path = c.write("huge.pol", big)
        rc, out, err = c.run([c.polc, "check", "--no-color", path])
        c.result("compile: source over 16 MiB", [] if rc == 65 and "source larger than 16 MiB" in err and "huge.pol" in err
                 else [f"exit {rc}, stderr {err[:300]!r}"])
        del big

        # ---- the depth budget (POL_MAX_EXPR_DEPTH, compiler/ast.h): every
        # construct that nests, at the limit (compiles and runs, or the
        # ordinary type error) and one past it (the limit's diagnostic) ----
        with open(os.path.join(a.root, "compiler", "ast.h"), encoding="utf-8") as f:
            N = int(re.search(r"#define POL_MAX_EXPR_DEPTH (\d+)", f.read()).group(1))
        too_deep = rf"expression nested more than {N} deep; split it into rules"
        nest = HEAD + "input a: integer\ninput b: boolean\nrecord R(v: integer)\n"
        one = {"a": 1, "b": True}
        depth_cases = {  # name: (type, expression of depth n, value at the limit)
            "minus": ("integer", lambda n: "-" * n + "a", "-1" if N % 2 else "1"),
            "not": ("boolean", lambda n: "not " * n + "b", N % 2 == 0),
            "parens": ("integer", lambda n: "(" * n + "a" + ")" * n, "1"),
            "chain": ("integer", lambda n: "a" + " + a" * n, str(N + 1)),
            "if_else": ("integer", lambda n: "if b then a else " * n + "a", "1"),
            "if_then": ("integer", lambda n: "if b then " * n + "a" + " else a" * n, "1"),
            "if_cond": ("boolean", lambda n: "if " * n + "b" + " then b else b" * n, True),
            "call": ("integer", lambda n: "max(" * n + "a" + ", 1)" * n, "1"),
            "call_last": ("integer", lambda n: "max(1, " * n + "a" + ")" * n, "1"),
            # length([R(v = ...)]) is three levels: the call, the list, the record
            "list_record": ("integer", lambda n: "length([R(v = " * (n // 3) + "a" + ")])" * (n // 3) + " + a" * (n % 3), str(1 + N % 3)),
        }
        # nested to the right, a call or a list keeps a value per level on the
        # machine's stack of 1024: at the limit that is a compile error too
        right = {"call_last", "list_record"}
        for name, (t, expr, value) in depth_cases.items():
            src = lambda n: nest + f"output o: {t} = {expr(n)} cite \"1\"\n"
            if name in right:
                path = c.write(f"depth_{name}_{N}.pol", src(N))
                rc, out, err = c.run([c.polc, "check", "--no-color", path])
                ok = rc == 65 and re.search(r"error: \S+\.pol: a formula needs more than 1024 values on the evaluation stack", err)
                c.result(f"compile: depth_{name}_{N}", [] if ok else [f"exit {rc}, stderr {err[:300]!r}"])
                c.runs(f"depth_{name}_900", src(900), one, {"o": value if name == "call_last" else str(1 + 900 % 3)})
            else:
                c.runs(f"depth_{name}_{N}", src(N), one, {"o": value})
            c.compile_error(f"depth_{name}_{N + 1}", src(N + 1), too_deep, line=5)
        # a field chain: the ordinary error at the limit (integers have no
        # fields; this overflowed the checker's stack at 4000 levels)
        fields = lambda n: nest + "output o: integer = a" + ".b" * n + ' cite "1"\n'
        c.compile_error("depth_field_4000", fields(4000), r"integer has no fields", line=5)
        c.compile_error(f"depth_field_{N}", fields(N), r"integer has no fields", line=5)
        c.compile_error(f"depth_field_{N + 1}", fields(N + 1), too_deep, line=5)
        c.compile_error("depth_field_1000000", fields(1000000), too_deep, line=5)
        # aggregates: 64 in one another's bodies (each a scope), and the
        # depth budget for one nested in another's range
        body = lambda n: nest + "output o: integer = " + "".join(f"sum(i{k} in 1..1: " for k in range(n)) + "1" + ")" * n + ' cite "1"\n'
        c.runs("depth_aggregate_body_64", body(64), one, {"o": "1"})
        c.compile_error("depth_aggregate_body_65", body(65), r"aggregates nested more than 64 deep", line=5)
        ranges = lambda n: nest + "output o: integer = " + "count(i in 1.." * n + "a" + ": true)" * n + ' cite "1"\n'
        c.runs("depth_aggregate_range_500", ranges(500), one, {"o": "1"})
        c.compile_error(f"depth_aggregate_range_{N + 1}", ranges(N + 1), too_deep, line=5)
        # imports: a chain of 64 files each importing the next compiles; one
        # more is refused at the import that goes too deep
        for n in (64, 65):
            d = os.path.join(c.tmp, f"imports_{n}")
            os.makedirs(d, exist_ok=True)
            for k in range(1, n + 1):
                nxt = f'import "f{k + 1}.pol"\n' if k < n else ""
                with open(os.path.join(d, f"f{k}.pol"), "w", encoding="utf-8") as f:
                    f.write(nxt + f'rule r{k}: integer = {f"r{k + 1} + 1" if k < n else "1"} cite "1"\n')
            c.write(f"imports_{n}/main.pol", HEAD + 'import "f1.pol"\noutput o: integer = r1 cite "1"\n')
        c.runs("imports_64", None, {}, {"o": "64"}, path=os.path.join(c.tmp, "imports_64", "main.pol"))
        rc, out, err = c.run([c.polc, "check", "--no-color", os.path.join(c.tmp, "imports_65", "main.pol")])
        ok = rc == 65 and re.search(r"f64\.pol:1:8: error: imports nested more than 64 deep", err)
        c.result("compile: imports_65", [] if ok else [f"exit {rc}, stderr {err[:300]!r}"])
        # a cycle through three files: reported where it closes
        for k in range(3):
            c.write(f"cycle{k}.pol", f'import "cycle{(k + 1) % 3}.pol"\nrule c{k}: integer = 1 cite "1"\n')
        rc, out, err = c.run([c.polc, "check", "--no-color", os.path.join(c.tmp, "cycle0.pol")])
        ok = rc == 65 and re.search(r"cycle2\.pol:1:8: error: 'cycle0\.pol' imports itself", err)
        c.result("compile: import cycle of three files", [] if ok else [f"exit {rc}, stderr {err[:300]!r}"])

        # far past the limit: the parser's own stack runs out first, which
        # gets the same diagnostic
        c.compile_error("parens_100000", money_in + "output o: money = " + "(" * 100000 + "a" + ")" * 100000 + ' cite "1"\n',
                        too_deep, line=3)
        c.compile_error("minus_100000", money_in + "output o: money = " + "-" * 100000 + 'a cite "1"\n', too_deep, line=3)
        c.compile_error("not_100000", HEAD + "input b: boolean\noutput o: boolean = " + "not " * 100000 + 'b cite "1"\n',
                        too_deep, line=3)
        c.compile_error("if_else_50000", money_in + "output o: money = " + "if a > 0 then a else " * 50000 + 'a cite "1"\n',
                        too_deep, line=3)
        c.compile_error("call_1000000", money_in + "output o: money = " + "max(" * 1000000 + "a" + ", 1)" * 1000000 + ' cite "1"\n',
                        too_deep, line=3)
        c.compiles("parens_500", money_in + "output o: money = " + "(" * 500 + "a" + ")" * 500 + ' cite "1"\n')
        # a long left-associative chain does not deepen the parser stack, but
        # the checker and code generator recurse over the tree: the parser
        # limits the depth of an expression to 10000
        c.compile_error("chain_100000", money_in + "output o: money = a" + " + a" * 100000 + ' cite "1"\n',
                        r"expression nested more than 10000 deep", line=3)
        c.compile_error("chain_1000000", money_in + "output o: money = a" + "+a" * 1000000 + ' cite "1"\n',
                        r"expression nested more than 10000 deep", line=3)
        c.compile_error("index_chain_20000", money_in + "output o: money = a" + "[a]" * 20000 + ' cite "1"\n',
                        r"expression nested more than 10000 deep|index|date")
        c.compiles("chain_9000", money_in + "output o: money = a" + " + a" * 9000 + ' cite "1"\n')

        # ---- a chain of 20,000 rules: compiles, runs, and the text
        # explanation stops nesting after 100 levels (it recursed once per
        # level and overflowed the C stack) ----
        chain = money_in + 'rule r0: money = a cite "1"\n'
        chain += "".join(f'rule r{i}: money = r{i-1} cite "1"\n' for i in range(1, 20000))
        chain += 'output o: money = r19999 cite "1"\n'
        path = c.write("rule_chain.pol", chain)
        scen = c.write("rule_chain.json", '{"a": 1}')
        for mode in ("--explain", "--explain=json"):
            rc, out, err = c.run([c.polrun, path, scen, mode])
            problems = []
            if rc != 0:
                problems.append(f"exit {rc}, stderr {err[:300]!r}")
            elif mode == "--explain" and not re.search(r"nested more than 100 levels deep, not shown", out):
                problems.append("the text explanation does not say that deeper levels are not shown")
            c.result(f"run: rule chain of 20000, {mode}", problems)
        del chain

        # ---- identifiers: 200 bytes ----
        c.compile_error("ident_201", money_in + "output " + "x" * 201 + ': money = a cite "1"\n',
                        r"identifier longer than 200 bytes", line=3)
        c.compile_error("ident_cjk_201", money_in + "output " + "额" * 67 + ': money = a cite "1"\n',
                        r"identifier longer than 200 bytes", line=3)
        c.compiles("ident_200", money_in + "output " + "x" * 200 + ': money = a cite "1"\n')

        # ---- digits in a literal: 400 ----
        c.compile_error("digits_401", money_in + "output o: money = a + " + "1" * 401 + ' cite "1"\n',
                        r"number has more than 400 digits", line=3)
        c.compile_error("digits_401_fraction", money_in + "output o: money = a + 0." + "1" * 400 + ' cite "1"\n',
                        r"number has more than 400 digits", line=3)
        c.compiles("digits_400", money_in + "output o: money = a + " + "1" * 400 + ' cite "1"\n')

        # ---- strings: 64 KiB ----
        c.compile_error("string_65537", money_in + 'output o: money = a cite "' + "c" * 65537 + '"\n',
                        r"string longer than 65536 bytes", line=3)

        # ---- rounding places: 60 (dec's own limit is 400) ----
        for n in ("61", "401", "-401", "99999999999"):
            c.compile_error(f"round_places_{n.replace('-', 'minus')}", money_in + f'output o: money = round(a, {n}) cite "1"\n',
                            r"cannot round to -?\d+ places", line=3)
        c.compiles("round_places_60", money_in + 'output o: money = round(a, 60) cite "1"\n')
        c.compile_error("output_places_21", money_in + 'output o: money places 21 = a cite "1"\n',
                        r"places must be a whole number from 0 to 20", line=3)

        # ---- a NUL byte in the source ----
        c.compile_error("nul_byte", money_in + 'output o: money = a cite "1"\x00\n', r"NUL byte in the source", line=3)

        # ---- exponent and digits of scenario numbers (dec_parse) ----
        dec_in = HEAD + "input x: decimal\noutput o: decimal = x cite \"1\"\n"
        c.batch("exponent", dec_in,
                ['{"x": 1.5e3}', '{"x": "1e9999"}', '{"x": 1e99999}', '{"x": 1e-9999}', '{"x": "' + "9" * 401 + '"}', '{"x": 2}'],
                {1: None, 2: r"too large or too precise", 3: r"too large or too precise", 4: r"too large or too precise",
                 5: r"too large or too precise|digits", 6: None})

        # ---- repeated squaring: DEC_MAX_BITS (8192 bits) ----
        sq = HEAD + "input a: decimal\nrule r1: decimal = a * a cite \"1\"\n"
        for i in range(2, 16):
            sq += f'rule r{i}: decimal = r{i-1} * r{i-1} cite "1"\n'
        sq += 'output o: decimal = r15 cite "1"\noutput p: decimal = round(r15 / 3, 2) cite "1"\n'
        c.batch("repeated_squaring", sq, ['{"a": 1}', '{"a": 3}', '{"a": 0.5}', '{"a": -1}'],
                {1: None, 2: r"too large or too precise", 3: r"too large or too precise", 4: None})

        # ---- evaluation steps: polrun --max-steps ----
        c.batch("max_steps", rizhao, ['{"缴费日期": "2025-09-30"}', '{"缴费日期": "2025-10-01"}'],
                {1: r"exceeded 5 steps", 2: r"exceeded 5 steps"}, args=("--max-steps", "5"))
        c.batch("max_steps_default_aggregate",
                HEAD + "input m: month\noutput n: integer = count(i in m..month(9000, 1): true) cite \"1\"\n",
                ['{"m": "0001-01"}', '{"m": "8999-12"}'], {1: r"exceeded 1000000 steps", 2: None})

        # ---- record size: polrun --max-record ----
        long_rec = '{"缴费日期": "2025-09-30", "x": "' + "y" * 300 + '"}'
        c.batch("max_record", rizhao, ['{"缴费日期": "2025-09-30"}', long_rec, '{"缴费日期": "2025-10-01"}'],
                {1: None, 2: r"record longer than 200 bytes", 3: None}, args=("--max-record", "200"))

        # ---- dates: years 1..9999 ----
        cal = HEAD + "input d: date\ninput k: integer\noutput a: date = add_months(d, k) cite \"1\"\n"
        c.batch("date_range", cal,
                ['{"d": "2025-01-31", "k": 1}', '{"d": "9999-12-31", "k": 1}', '{"d": "0001-01-01", "k": -1}',
                 '{"d": "2025-01-31", "k": 2147483647}', '{"d": "2025-01-31", "k": -99999999999999999999}'],
                {1: None, 2: r"out of the years|whole number", 3: r"out of the years|whole number",
                 4: r"out of the years|whole number", 5: r"out of the years|whole number"})

        # ---- bytecode file: damaged, truncated, another version ----
        polc_out = os.path.join(tmp, "r.polc")
        rc, _, err = c.run([c.polc, "build", rizhao, "-o", polc_out])
        if rc != 0:
            c.result("bytecode: build", [f"polc build failed: {err[:300]}"])
        else:
            good = open(polc_out, "rb").read()
            cases = {
                "checksum": (good[:-1] + bytes([good[-1] ^ 1]), r"checksum mismatch"),
                "truncated": (good[: len(good) // 2], r"truncated or padded"),
                "text_mode": (good[:4] + b"\n\x1a\n\n" + good[8:], r"damaged in transfer"),
                "version": (good[:8] + b"\x63\x00\x00\x00" + good[12:], r"format version 99"),
                "not_bytecode": (b"hello", r"not a pol bytecode file"),
            }
            for name, (data, pat) in cases.items():
                path = c.write(f"bad-{name}.polc", data)
                rc, out, err = c.run([c.polrun, path, "--test"])
                ok = rc == 65 and re.search(pat, err)
                c.result(f"bytecode: {name}", [] if ok else [f"exit {rc}, stderr {err[:300]!r}"])

        print(f"{c.passed} passed, {c.failed} failed")
        return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
