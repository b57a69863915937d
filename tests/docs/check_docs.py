#!/usr/bin/env python3
"""Checks every example in pol's documentation, so that the docs cannot rot.

Usage: check_docs.py BUILD_DIR [SOURCE_DIR] [--verbose] [--update] [DOC.md ...]

BUILD_DIR holds the polc and polrun executables; SOURCE_DIR is the top of
the repository (default: the current directory).  Without DOC arguments every
docs/*.md and docs/zh/*.md file is read.

Every example runs with LC_ALL set, never in the ambient locale (LANGUAGE,
LC_MESSAGES and LANG are removed): zh_CN.UTF-8 for the pages of docs/zh/,
C.UTF-8 for every other page, so the tools print their messages for people
in the page's language (runtime/lang.h).  No locale needs installing: bash's
own "setlocale: cannot change locale" warning is left out of the output.

What is checked, by the fenced code block's info string:

  ```pol [file=NAME] [source=PATH] [tests=fail]
      A complete policy.  `polc check` must exit 0 and print nothing (no
      errors, no warnings).  If the policy declares tests, `polc test` must
      pass too (or, with tests=fail, must exit 1).  With source=PATH the
      block must be exactly the text of that file of the repository.
  ```pol-warning [file=NAME]
      `polc check` must exit 0 and print exactly the next ```text block.
  ```pol-error [file=NAME]
      `polc check` must exit 65 and print exactly the next ```text block.
  ```sh   whose first line starts with `$ build/polc` or `$ build/polrun`
      A terminal transcript.  Each line starting with `$ ` is a command
      (a line ending in a backslash continues it); the lines after it, up to
      the next command, are its expected output, standard error and standard
      output together.  Commands run with bash in a scratch copy of the
      repository root: `build/` holds polc and polrun, `policies/` and
      `docs/` are copies, and every policy block written with file=NAME in
      the same document is there under NAME, so later commands can use it.

Outputs are compared exactly, except that spaces at the ends of lines and
empty lines at the very end are ignored (Markdown does not show them), and
that `…` in an expected line stands for any text within that line (for
timings).  Blocks with other info strings (text, json, plain sh listings
without `$ `) are prose and are not run.

More checks: the opcode table in docs/bytecode.md must be the one that
runtime/opcodes.h generates (see --opcodes); the diagnostics table in
docs/language.md must list exactly the rows of compiler/diagcodes.h, with
their severities; the tables of built-in functions, aggregates, rounding
modes, month-end rules, header keys, types and English/Chinese names in docs/language.md
must list exactly the rows of compiler/vocab.h and runtime/types.h (read
from the X-macro text), and its keyword table the keyword rules of
grammar/lexer.l; docs/zh/reference.md holds the same tables with Chinese
headings (keywords, types, functions, aggregates, rounding modes, month-end
rules, header keys, diagnostic codes with severities 错误/警告/附注 and a
description each), compared with the same sources; and the man pages in
docs/man and docs/man/zh must format without warnings when groff is
installed.  Each of the language reference, the tutorial and the two
manuals, and the Chinese tutorial and reference, must hold at least one
checked example.

The last line printed is `N passed, M failed`; the exit status is 1 if any
check failed.  --update rewrites the expected output of every failing
diagnostics or transcript example with what the tools printed (review the
diff: the tools may be wrong).  `check_docs.py --opcodes SOURCE_DIR` prints
the opcode table.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MUST_HAVE_EXAMPLES = ["language.md", "tutorial.md", "polc.md", "polrun.md", "zh/tutorial.md", "zh/reference.md"]
FENCE = re.compile(r"^(\s{0,3})(```+)\s*(.*)$")
TEST_DECL = re.compile(r"^\s*(test|测试)\s*[\"“]", re.M)


def read_blocks(path):
    """Yields (line_number, info, attributes, text, (first, end)) for every
    fenced block; first..end are the 0-based indices of the body's lines."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group(2), m.group(3).strip()
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(fence) and lines[i].strip().strip("`") == ""):
            body.append(lines[i])
            i += 1
        span = (start, i)
        i += 1
        words = info.split()
        kind = words[0] if words else ""
        attrs = {}
        for w in words[1:]:
            if "=" in w:
                k, v = w.split("=", 1)
                attrs[k] = v
        yield start, kind, attrs, "\n".join(body) + ("\n" if body else ""), span


def normalise(text):
    lines = [l.rstrip() for l in text.replace("\r\n", "\n").split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def line_matches(want, got):
    if "…" not in want:
        return want == got
    pattern = "^" + ".*?".join(re.escape(p) for p in want.split("…")) + "$"
    return re.match(pattern, got) is not None


def same_output(want, got):
    w, g = normalise(want), normalise(got)
    return len(w) == len(g) and all(line_matches(a, b) for a, b in zip(w, g))


def diff_text(want, got):
    w, g = normalise(want), normalise(got)
    out = []
    for k in range(max(len(w), len(g))):
        a = w[k] if k < len(w) else "<nothing>"
        b = g[k] if k < len(g) else "<nothing>"
        if k >= len(w) or k >= len(g) or not line_matches(a, b):
            out.append(f"      line {k + 1}:\n        expected: {a}\n        got:      {b}")
            if len(out) >= 8:
                out.append("      ...")
                break
    return "\n".join(out)


# The locale every example runs in, by the document's folder: the pages of
# docs/zh/ are read in Chinese, every other page in English.  It is always
# set, never inherited, so that the ambient environment cannot change what
# the tools print (runtime/lang.h: LC_ALL > LC_MESSAGES > LANG, LANGUAGE).
LOCALES = {"zh": "zh_CN.UTF-8"}
DEFAULT_LOCALE = "C.UTF-8"
# bash's own complaint when the locale is not installed (this machine and
# many containers have only C.UTF-8; pol needs none, its catalog is embedded)
BASH_LOCALE_WARNING = re.compile(r"^(/bin/)?bash: (line \d+: )?warning: setlocale: .*\n?", re.M)


def doc_locale(rel):
    """The locale of a document, from its path relative to the source root."""
    parts = rel.replace(os.sep, "/").split("/")
    if len(parts) >= 3 and parts[0] == "docs":
        return LOCALES.get(parts[1], DEFAULT_LOCALE)
    return DEFAULT_LOCALE


def run(argv, cwd, shell=False, locale=DEFAULT_LOCALE):
    env = dict(os.environ)
    for var in ("LANGUAGE", "LC_MESSAGES", "LANG"):
        env.pop(var, None)
    env["LC_ALL"] = locale
    env.pop("NO_COLOR", None)
    env.pop("POL_NOTICES_DIR", None)  # the notices directory is found, not inherited
    p = subprocess.run(argv, cwd=cwd, shell=shell, executable="/bin/bash" if shell else None,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120, env=env)
    out = p.stdout.decode("utf-8", "replace")
    if shell:
        out = BASH_LOCALE_WARNING.sub("", out)
    return p.returncode, out


class Checker:
    def __init__(self, build, source, verbose, update):
        self.build = os.path.abspath(build)
        self.source = os.path.abspath(source)
        self.verbose = verbose
        self.update = update
        self.edits = []  # (first, end, new lines) of the document being checked
        self.outputs = []  # everything the tools printed, for the diagnostics table
        self.passed = 0
        self.failed = 0
        self.locale = DEFAULT_LOCALE  # of the document being checked

    def ok(self, where, what):
        self.passed += 1
        if self.verbose:
            print(f"ok    {where}: {what}")

    def fail(self, where, what, detail=""):
        self.failed += 1
        print(f"FAIL  {where}: {what}")
        if detail:
            print(detail.rstrip("\n"))

    def scratch(self):
        d = tempfile.mkdtemp(prefix="pol-docs-")
        os.mkdir(os.path.join(d, "build"))
        for tool in ("polc", "polrun"):
            os.symlink(os.path.join(self.build, tool), os.path.join(d, "build", tool))
        for sub in ("policies", "docs"):
            src = os.path.join(self.source, sub)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(d, sub), ignore=shutil.ignore_patterns("*.polc", "man"))
        return d

    def polc(self, cmd, name, cwd):
        return run([os.path.join(self.build, "polc"), cmd, name, "--no-color"], cwd, locale=self.locale)

    def check_policy(self, where, kind, attrs, text, expected, scratch):
        """expected: (text, span) of the ```text block that follows, or None."""
        name = attrs.get("file", "example.pol")
        if "/" in name or not name.endswith(".pol"):
            self.fail(where, f"file={name}: give a plain file name ending in .pol")
            return
        if "source" in attrs:
            try:
                with open(os.path.join(self.source, attrs["source"]), encoding="utf-8") as f:
                    real = f.read()
            except OSError as e:
                self.fail(where, f"source={attrs['source']}: {e.strerror}")
                return
            if real != text:
                self.fail(where, f"the block is not the text of {attrs['source']}", diff_text(real, text))
                return
        cwd = scratch if "file" in attrs else tempfile.mkdtemp(prefix="pol-docs-ex-")
        with open(os.path.join(cwd, name), "w", encoding="utf-8") as f:
            f.write(text)
        code, out = self.polc("check", name, cwd)
        self.outputs.append(out)
        if kind == "pol":
            if code != 0 or out.strip():
                self.fail(where, f"policy {name} should check cleanly (exit {code})", indent(out))
                return
            if TEST_DECL.search(text):
                tcode, tout = self.polc("test", name, cwd)
                want = 1 if attrs.get("tests") == "fail" else 0
                if tcode != want:
                    self.fail(where, f"polc test {name}: exit {tcode}, expected {want}", indent(tout))
                    return
            self.ok(where, f"policy {name}")
            return
        want_code = 65 if kind == "pol-error" else 0
        if expected is None:
            self.fail(where, f"a {kind} block must be followed by a ```text block with the diagnostics")
            return
        if code != want_code:
            self.fail(where, f"polc check {name}: exit {code}, expected {want_code}", indent(out))
            return
        if not same_output(expected[0], out):
            self.fail(where, f"diagnostics of {name} differ", diff_text(expected[0], out))
            if self.update:
                self.edits.append((expected[1][0], expected[1][1], normalise(out)))
            return
        self.ok(where, f"{kind} {name}")

    def check_transcript(self, where, text, span, scratch):
        cmds = []  # (command lines, expected output)
        cur, expect, cont = None, [], False
        for line in text.split("\n"):
            if cont:
                cur.append(line)
                cont = line.endswith("\\")
                continue
            if line.startswith("$ "):
                if cur is not None:
                    cmds.append((cur, "\n".join(expect)))
                cur, expect = [line], []
                cont = line.endswith("\\")
            elif cur is not None:
                expect.append(line)
        if cur is not None:
            cmds.append((cur, "\n".join(expect)))
        bad = False
        new = []
        for lines, want in cmds:
            cmd = "\n".join(lines)[2:]
            code, out = run(cmd, scratch, shell=True, locale=self.locale)
            self.outputs.append(out)
            new += lines
            if same_output(want, out):
                new += normalise(want)
            else:
                new += normalise(out)
                if not bad:
                    self.fail(where, f"$ {cmd}", diff_text(want, out))
                bad = True
        if bad:
            if self.update:
                self.edits.append((span[0], span[1], new))
            return
        self.ok(where, f"$ {cmds[0][0][0][2:]}" + (f" (+{len(cmds) - 1} more)" if len(cmds) > 1 else ""))

    def check_doc(self, path):
        rel = os.path.relpath(path, self.source)
        self.locale = doc_locale(rel)
        blocks = list(read_blocks(path))
        scratch = self.scratch()
        self.edits = []
        checked = 0
        try:
            for k, (line, kind, attrs, text, span) in enumerate(blocks):
                where = f"{rel}:{line}"
                if kind in ("pol", "pol-error", "pol-warning"):
                    expected = None
                    if kind != "pol" and k + 1 < len(blocks) and blocks[k + 1][1] == "text":
                        expected = (blocks[k + 1][3], blocks[k + 1][4])
                    self.check_policy(where, kind, attrs, text, expected, scratch)
                    checked += 1
                elif kind == "sh" and re.match(r"\$ build/pol(c|run)\b", text.lstrip("\n")):
                    self.check_transcript(where, text, span, scratch)
                    checked += 1
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if self.edits:
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
            for first, end, new in sorted(self.edits, reverse=True):
                lines[first:end] = new
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            print(f"updated {rel}: {len(self.edits)} example(s); review the diff")
        return checked


def indent(text):
    return "      " + text.rstrip("\n").replace("\n", "\n      ")


def opcode_table(source):
    """The opcode table of docs/bytecode.md, generated from runtime/opcodes.h."""
    with open(os.path.join(source, "runtime", "opcodes.h"), encoding="utf-8") as f:
        text = f.read()
    kinds = {"K": "constant", "I": "input", "P": "parameter", "R": "rule", "T": "jump target",
             "N": "number (signed)", "M": "rounding mode", "D": "month-end rule", "W": "index key", "E": "enumeration", "F": "field", "L": "local slot",
             "G": "record type", "A": "argument count", "Y": "value type"}
    rows = ["| # | opcode | operands | pops | pushes | what it does |", "| --- | --- | --- | --- | --- | --- |"]
    n = 0
    for m in re.finditer(r'OP\(\s*(\w+)\s*,\s*"(\w*)"\s*,\s*(\d+|BC_POPS_VAR)\s*,\s*(\d+)\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)', text):
        name, ops, pops, pushes, doc = m.groups()
        pops = "var" if pops == "BC_POPS_VAR" else pops
        operands = ", ".join(f"{c} ({kinds.get(c, '?')})" for c in ops) or "none"
        desc = doc[len(" ".join(ops)):].strip() if ops else doc.strip()
        desc = desc.replace("|", "\\|")
        rows.append(f"| {n} | `{name}` | {operands} | {pops} | {pushes} | {desc} |")
        n += 1
    return "\n".join(rows) + "\n"


def check_opcodes(c, source):
    path = os.path.join(source, "docs", "bytecode.md")
    if not os.path.exists(path):
        c.fail("docs/bytecode.md", "missing")
        return
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    m = re.search(r"<!-- opcodes begin.*?-->\n(.*?)<!-- opcodes end -->", doc, re.S)
    if not m:
        c.fail("docs/bytecode.md", "no <!-- opcodes begin --> ... <!-- opcodes end --> table")
        return
    want = opcode_table(source)
    if m.group(1).strip() != want.strip():
        c.fail("docs/bytecode.md", "the opcode table differs from runtime/opcodes.h "
               "(regenerate it with: python3 tests/docs/check_docs.py --opcodes .)", diff_text(want, m.group(1)))
    else:
        c.ok("docs/bytecode.md", "opcode table matches runtime/opcodes.h")


def source_codes(source):
    """The diagnostic codes the compiler can report, {name: severity}, from
    the rows of compiler/diagcodes.h."""
    with open(os.path.join(source, "compiler", "diagcodes.h"), encoding="utf-8") as f:
        text = f.read()
    return {m[1]: m[2] for m in re.findall(r'X\((\w+), "([a-z-]+)", (\w+), [^)]*\)', text)}


def unused_codes(source):
    """Rows of compiler/diagcodes.h that no compiler source reports."""
    with open(os.path.join(source, "compiler", "diagcodes.h"), encoding="utf-8") as f:
        ids = re.findall(r'X\((\w+), "[a-z-]+"', f.read())
    text = ""
    for sub in ("compiler", "grammar", "tools"):
        d = os.path.join(source, sub)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".h", ".y", ".l")) and name != "diagcodes.h":
                with open(os.path.join(d, name), encoding="utf-8") as f:
                    text += f.read()
    return [i for i in ids if not re.search(r"\bDC_" + i + r"\b", text)]


def check_diagnostics_table(c, source):
    """docs/language.md lists every diagnostic code, each with an example
    message that some checked example really prints."""
    path = os.path.join(source, "docs", "language.md")
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    m = re.search(r"<!-- diagnostics begin -->\n(.*?)<!-- diagnostics end -->", doc, re.S)
    if not m:
        c.fail("docs/language.md", "no <!-- diagnostics begin --> ... <!-- diagnostics end --> table")
        return
    listed, severity = {}, {}
    for row in m.group(1).splitlines():
        cells = [x.strip() for x in row.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`"):
            listed[cells[0].strip("`")] = cells[2]
            severity[cells[0].strip("`")] = cells[1]
    have = source_codes(source)
    missing, extra = sorted(set(have) - set(listed)), sorted(set(listed) - set(have))
    for code in sorted(set(have) & set(listed)):
        if have[code] != severity[code]:
            c.fail("docs/language.md", f"diagnostic {code} is {have[code]} in compiler/diagcodes.h, {severity[code]} in the table")
    for ident in unused_codes(source):
        c.fail("compiler/diagcodes.h", f"DC_{ident} is never reported")
    if missing or extra:
        c.fail("docs/language.md", "the diagnostics table does not match the compiler's codes",
               f"      not listed: {', '.join(missing) or '-'}\n      listed but unknown: {', '.join(extra) or '-'}")
    else:
        c.ok("docs/language.md", f"the diagnostics table lists all {len(have)} codes")
    printed = "\n".join(c.outputs)
    for code, example in listed.items():
        for quoted in re.findall(r"`([^`]+)`", example):
            if quoted not in printed:
                c.fail("docs/language.md", f"diagnostic {code}: no checked example prints `{quoted}`")
                break
        else:
            continue


def macro_rows(path, name):
    """The rows X(...) of the X-macro `name` in the header at path, each a
    list of arguments (strings unquoted, NULL as None)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    # string constants a row may name instead of a literal
    consts = dict(re.findall(r'^#define (\w+) ("[^"]*")$', text, re.M))
    start = next(i for i, l in enumerate(lines) if l.startswith(f"#define {name}(X)"))
    body = []
    for l in lines[start + 1:]:
        body.append(re.sub(r"/\*.*?\*/", "", l))
        if not l.rstrip().endswith("\\"):
            break
    rows = []
    for m in re.finditer(r"X\(((?:[^()\"]|\"[^\"]*\")*)\)", "\n".join(body)):
        args = [consts.get(a.strip(), a.strip()) for a in re.findall(r'"[^"]*"|[^,]+', m.group(1))]
        rows.append([a[1:-1] if a.startswith('"') else None if a == "NULL" else a for a in args])
    return rows


def doc_table(doc, header, after=""):
    """The body rows of the first Markdown table whose header row starts with
    `header` (after the line `after`), as lists of cells."""
    lines = doc.split("\n")
    first = lines.index(after) if after in lines else 0
    for i, l in enumerate(lines):
        if i >= first and l.startswith(header):
            rows = []
            for r in lines[i + 2:]:
                if not r.startswith("|"):
                    break
                rows.append([x.strip() for x in r.strip().strip("|").split("|")])
            return rows
    return None


def ticked(cell):
    """The `quoted` words of a cell, leaving out parenthesised remarks."""
    return re.findall(r"`([^`]+)`", re.sub(r"\([^)]*\)", "", cell))


def vocab_groups(source):
    """{(English names, Chinese names)} for every type, builtin, aggregate
    and rounding mode of compiler/vocab.h and runtime/types.h."""
    vocab = os.path.join(source, "compiler", "vocab.h")
    types = os.path.join(source, "runtime", "types.h")
    groups = set()
    for r in macro_rows(types, "POL_TYPE_SPELLINGS"):
        groups.add((frozenset(x for x in (r[1], r[3]) if x), frozenset(x for x in (r[2], r[4]) if x)))
    for r in macro_rows(vocab, "POL_BUILTINS") + macro_rows(vocab, "POL_AGGREGATES"):
        groups.add((frozenset([r[1]]), frozenset([r[2]])))
    for r in macro_rows(vocab, "POL_ROUND_MODES"):
        groups.add((frozenset([r[1]]), frozenset(x for x in (r[2], r[3]) if x)))
    for r in macro_rows(vocab, "POL_MONTH_ENDS"):
        groups.add((frozenset([r[1]]), frozenset([r[2]])))
    return groups


def show(groups):
    return ", ".join(sorted("/".join(sorted(e)) + " " + "/".join(sorted(z)) for e, z in groups)) or "-"


def compare(c, what, table, doc_set):
    missing, extra = table - doc_set, doc_set - table
    if missing or extra:
        c.fail("docs/language.md", f"the {what} differ from the tables",
               f"      not documented: {show(missing) if isinstance(next(iter(missing), None), tuple) else ', '.join(sorted(missing)) or '-'}\n"
               f"      documented but not in the tables: {show(extra) if isinstance(next(iter(extra), None), tuple) else ', '.join(sorted(extra)) or '-'}")
    else:
        c.ok("docs/language.md", f"the {what} match the tables ({len(table)})")


def check_vocab_tables(c, source):
    """docs/language.md documents every row of the vocabulary tables
    (compiler/vocab.h, runtime/types.h) and nothing they lack."""
    with open(os.path.join(source, "docs", "language.md"), encoding="utf-8") as f:
        doc = f.read()
    vocab = os.path.join(source, "compiler", "vocab.h")
    tables = {"keywords": "| English | Chinese |", "functions": "| function | Chinese |",
              "aggregates": "| aggregate | body |", "modes": "| mode | Chinese |", "keys": "| key | Chinese |",
              "types": "| type | Chinese |", "month ends": "| rule | Chinese |"}
    rows = {}
    for k, h in tables.items():
        rows[k] = doc_table(doc, h, "### Types, functions, aggregates and rounding modes" if k == "keywords" else "")
        if rows[k] is None:
            c.fail("docs/language.md", f"no table starting {h}")
            return
    documented = set()
    for r in rows["keywords"]:
        documented.add((frozenset(ticked(r[0])), frozenset(ticked(r[1]))))
    compare(c, "names in the keyword table", vocab_groups(source), documented)
    builtins = macro_rows(vocab, "POL_BUILTINS")
    fns = {}
    for r in rows["functions"]:
        m = re.match(r"`(\w+)\(", r[0])
        if m and m.group(1) != "R":
            fns.setdefault(m.group(1), set()).update(ticked(r[1]))
    compare(c, "built-in functions", {f"{r[1]} {r[2]}" for r in builtins},
            {f"{k} {'/'.join(sorted(v))}" for k, v in fns.items()})
    aggs = macro_rows(vocab, "POL_AGGREGATES")
    compare(c, "aggregates", {f"{r[1]} {'an error' if r[8] else 'a value'}" for r in aggs},
            {f"{n} {'an error' if r[3].startswith('an error') else 'a value'}" for r in rows["aggregates"] for n in ticked(r[0])})
    compare(c, "rounding modes", {f"{r[1]} {'/'.join(x for x in (r[2], r[3]) if x)}" for r in macro_rows(vocab, "POL_ROUND_MODES")},
            {f"{ticked(r[0])[0]} {'/'.join(ticked(r[1]))}" for r in rows["modes"]})
    compare(c, "month-end rules", {f"{r[1]} {r[2]}" for r in macro_rows(vocab, "POL_MONTH_ENDS")},
            {f"{ticked(r[0])[0]} {'/'.join(ticked(r[1]))}" for r in rows["month ends"]})
    compare(c, "header keys", {f"{r[0]} {r[1] or ''}".strip() for r in macro_rows(vocab, "POL_HEADER_KEYS")},
            {" ".join(ticked(r[0]) + ticked(r[1])) for r in rows["keys"]})
    spellings = macro_rows(os.path.join(source, "runtime", "types.h"), "POL_TYPE_SPELLINGS")
    compare(c, "types", {" ".join(x for x in (r[1], r[3], r[2], r[4]) if x) for r in spellings},
            {" ".join(re.findall(r"`([^`]+)`", r[0]) + re.findall(r"`([^`]+)`", r[1]))
             for r in rows["types"] if r[0].startswith("`") and " " not in r[0].split("`")[1]})


def lexer_keywords(source):
    """{(English spellings, Chinese spellings)} of every keyword rule of
    grammar/lexer.l ("input"|"输入" { return KW_INPUT; }, true and false)."""
    with open(os.path.join(source, "grammar", "lexer.l"), encoding="utf-8") as f:
        text = f.read()
    groups = set()
    for m in re.finditer(r'^((?:"[^"\n]+"\|)*"[^"\n]+")\s+\{[^}\n]*return (?:KW_\w+|BOOL);', text, re.M):
        words = re.findall(r'"([^"]+)"', m.group(1))
        if all(re.fullmatch(r"[a-z_]+|[^\x00-\x7f]+", w) for w in words):
            groups.add((frozenset(w for w in words if w.isascii()), frozenset(w for w in words if not w.isascii())))
    return groups


def check_keyword_table(c, source, rel, header, after):
    """A page's keyword table lists every keyword rule of the lexer, each
    with all its spellings, and nothing else."""
    with open(os.path.join(source, rel), encoding="utf-8") as f:
        doc = f.read()
    rows = doc_table(doc, header, after)
    if rows is None:
        c.fail(rel, f"no table starting {header}")
        return
    documented = {(frozenset(ticked(r[0])), frozenset(ticked(r[1]))) for r in rows}
    table = lexer_keywords(source)
    missing, extra = table - documented, documented - table
    if missing or extra:
        c.fail(rel, "the keyword table differs from the keyword rules of grammar/lexer.l",
               f"      not documented: {show(missing)}\n      documented but not in the lexer: {show(extra)}")
    else:
        c.ok(rel, f"the keyword table matches grammar/lexer.l ({len(table)})")


ZH_REFERENCE = "docs/zh/reference.md"
ZH_SEVERITY = {"错误": "error", "警告": "warning", "附注": "note"}


def check_zh_reference(c, source):
    """docs/zh/reference.md holds the same tables as docs/language.md, with
    Chinese headings, compared with the same source tables: keywords
    (grammar/lexer.l), types, functions, aggregates, rounding modes,
    month-end rules and header keys (compiler/vocab.h, runtime/types.h), and
    every diagnostic code with its severity (compiler/diagcodes.h)."""
    rel = ZH_REFERENCE
    path = os.path.join(source, rel)
    if not os.path.exists(path):
        c.fail(rel, "missing")
        return
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    check_keyword_table(c, source, rel, "| 英文 | 中文 | 用于 |", "")
    vocab = os.path.join(source, "compiler", "vocab.h")
    tables = {"types": "| 类型 | 中文 |", "functions": "| 函数 | 中文 |", "aggregates": "| 聚合 | 中文 |",
              "modes": "| 舍入方式 | 中文 |", "month ends": "| 月末规则 | 中文 |", "keys": "| 键 | 中文 |"}
    rows = {}
    for k, h in tables.items():
        rows[k] = doc_table(doc, h)
        if rows[k] is None:
            c.fail(rel, f"no table starting {h}")
            return

    def same(what, table, documented):
        missing, extra = table - documented, documented - table
        if missing or extra:
            c.fail(rel, f"the {what} differ from the source tables",
                   f"      not documented: {', '.join(sorted(missing)) or '-'}\n"
                   f"      documented but not in the tables: {', '.join(sorted(extra)) or '-'}")
        else:
            c.ok(rel, f"the {what} match the source tables ({len(table)})")

    def row(en, zh):
        return " ".join(sorted(x for x in en if x)) + " / " + " ".join(sorted(x for x in zh if x))

    spellings = macro_rows(os.path.join(source, "runtime", "types.h"), "POL_TYPE_SPELLINGS")
    same("types", {row((r[1], r[3]), (r[2], r[4])) for r in spellings},
         {row(ticked(r[0]), ticked(r[1])) for r in rows["types"] if r[0].startswith("`")})
    same("built-in functions", {row([r[1]], [r[2]]) for r in macro_rows(vocab, "POL_BUILTINS")},
         {row(re.findall(r"`(\w+)\(", r[0])[:1], ticked(r[1])) for r in rows["functions"]
          if re.match(r"`\w+\(", r[0]) and ticked(r[1])})
    same("aggregates", {row([r[1]], [r[2]]) + (" 出错" if r[8] else "") for r in macro_rows(vocab, "POL_AGGREGATES")},
         {row(ticked(r[0]), ticked(r[1])) + (" 出错" if r[-1].startswith("出错") else "") for r in rows["aggregates"]})
    same("rounding modes", {row([r[1]], [r[2], r[3]]) for r in macro_rows(vocab, "POL_ROUND_MODES")},
         {row(ticked(r[0]), ticked(r[1])) for r in rows["modes"]})
    same("month-end rules", {row([r[1]], [r[2]]) for r in macro_rows(vocab, "POL_MONTH_ENDS")},
         {row(ticked(r[0]), ticked(r[1])) for r in rows["month ends"]})
    same("header keys", {row([r[0]], [r[1]]) for r in macro_rows(vocab, "POL_HEADER_KEYS")},
         {row(ticked(r[0]), ticked(r[1])) for r in rows["keys"]})

    m = re.search(r"<!-- diagnostics begin -->\n(.*?)<!-- diagnostics end -->", doc, re.S)
    if not m:
        c.fail(rel, "no <!-- diagnostics begin --> ... <!-- diagnostics end --> table")
        return
    listed = {}
    for r in m.group(1).splitlines():
        cells = [x.strip() for x in r.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`"):
            if not cells[2]:
                c.fail(rel, f"diagnostic {cells[0]} has no description")
            listed[cells[0].strip("`")] = ZH_SEVERITY.get(cells[1], cells[1])
    same("diagnostic codes and severities", {f"{k} {v}" for k, v in source_codes(source).items()},
         {f"{k} {v}" for k, v in listed.items()})


MAN_PAGES = ["polc.1", "polrun.1", "pol-lsp.1", "zh/polc.1", "zh/polrun.1"]


def check_man(c, source):
    groff = shutil.which("groff")
    for page in MAN_PAGES:
        path = os.path.join(source, "docs", "man", page)
        where = f"docs/man/{page}"
        if not os.path.exists(path):
            c.fail(where, "missing")
            continue
        if not groff:
            print(f"skip  {where}: groff is not installed")
            continue
        # -k: preconv reads the page as UTF-8, as man(1) does (the Chinese pages
        # need it); the page is formatted to the end, not with -z, since
        # "can't break line" (a run of Chinese with no break point) is only
        # found when the lines are output
        p = subprocess.run([groff, "-k", "-man", "-Tutf8", "-ww", path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=60)
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode != 0 or err.strip():
            c.fail(where, "groff reports problems", "      " + err.replace("\n", "\n      "))
        else:
            c.ok(where, "formats without warnings")


def main(argv):
    if len(argv) >= 2 and argv[1] == "--opcodes":
        sys.stdout.write(opcode_table(argv[2] if len(argv) > 2 else "."))
        return 0
    args = [a for a in argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in argv
    update = "--update" in argv
    if not args:
        print(__doc__)
        return 64
    build = args[0]
    source = args[1] if len(args) > 1 and os.path.isdir(args[1]) else "."
    docs = [a for a in args[1:] if a.endswith(".md")]
    full = not docs
    for tool in ("polc", "polrun"):
        if not os.access(os.path.join(build, tool), os.X_OK):
            print(f"check_docs: {os.path.join(build, tool)} is not an executable")
            return 64
    c = Checker(build, source, verbose, update)
    docdir = os.path.join(source, "docs")
    if not docs:
        docs = sorted(os.path.join(docdir, f) for f in os.listdir(docdir) if f.endswith(".md"))
        for lang in sorted(LOCALES):
            sub = os.path.join(docdir, lang)
            if os.path.isdir(sub):
                docs += sorted(os.path.join(sub, f) for f in os.listdir(sub) if f.endswith(".md"))
    counts = {}
    for d in docs:  # keyed by the path under docs/: tutorial.md, zh/tutorial.md
        counts[os.path.relpath(os.path.abspath(d), os.path.abspath(docdir)).replace(os.sep, "/")] = \
            c.check_doc(os.path.abspath(d))
    if full:  # every doc: the required examples and the extra checks
        for name in MUST_HAVE_EXAMPLES:
            if counts.get(name, 0) == 0:
                c.fail(f"docs/{name}", "has no checked example")
        check_opcodes(c, source)
        check_diagnostics_table(c, source)
        check_vocab_tables(c, source)
        check_keyword_table(c, source, "docs/language.md", "| English | Chinese | used in |", "### Keywords")
        check_zh_reference(c, source)
        check_man(c, source)
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
