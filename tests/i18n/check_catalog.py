#!/usr/bin/env python3
"""Checks that every message pol prints for people has its Chinese.

Usage: check_catalog.py [SOURCE_DIR]            check (exit 1 on a finding)
       check_catalog.py --update [SOURCE_DIR]   add new msgids to their .po
                                                files (empty, to translate)
                                                and drop the ones no source
                                                has any more

The msgids are extracted with GNU gettext's xgettext, with the keywords
below (runtime/lang.h says what each marks).  Each source file belongs to
exactly one .po file of po/zh_CN/ (PARTS); a msgid belongs to the first
part that extracts it.  The check fails when
  - a source file under compiler/, runtime/, tools/ or grammar/ is in no
    part, or a part names a file that does not exist;
  - a msgid has no translation, or a fuzzy one (a msgid made only of
    conversions and punctuation, such as "%s", needs none);
  - a .po file holds a msgid its part does not extract (stale), or one that
    another part's file holds too;
  - msgfmt --check refuses a file (a translation whose conversions differ
    from its msgid's among them);
  - a line writes English to stderr without going through the catalog
    (fprintf(stderr, "...") with letters, in tools/ and compiler/), unless
    it says why with the comment `i18n: none` (a machine-read form).
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

KEYWORDS = [
    "_", "N_", "FRAG",
    "pol_tr:2", "pol_tr_format:4", "pol_tr_fprintf:2",
    "diag_report:5", "REPORT:3", "NOTE:2", "LEX_ERROR:1",
    # runtime errors (runtime/): each helper's format argument is a msgid
    "pol_tr_format2:5", "fail:5", "input_error:4", "NESTED_ERROR:4", "seterr:3", "unexpected:3",
    "r_fail:2", "vfail:3",
]
FORMAT_FLAGS = ["pol_tr_format:4", "pol_tr_fprintf:2", "diag_report:5", "REPORT:3", "NOTE:2", "LEX_ERROR:1",
                "pol_tr_format2:5", "fail:5", "input_error:4", "NESTED_ERROR:4", "seterr:3", "unexpected:3",
                "r_fail:2", "vfail:3"]

# xgettext keeps its header: without one it writes ASCII and drops the
# Chinese inside a msgid.  The header entry (msgid "") is skipped below.
# (po file, source globs), in order: a msgid goes to the first that has it.
PARTS = [
    ("base.po", ["compiler/diag.c", "runtime/lang.c"]),
    ("front.po", ["grammar/lexer.l", "grammar/parser.y", "compiler/compile.c", "compiler/fmt.c",
                  "compiler/clause.c", "compiler/codegen.c", "compiler/typecheck.c",
                  "compiler/check_notice.c", "compiler/check_scope.c", "compiler/check_vocab.c",
                  "compiler/check_units.c", "compiler/check_graph.c"]),
    ("check.po", ["compiler/check_call.c", "compiler/check_decl.c", "compiler/check_expr.c",
                  "compiler/check_table.c", "compiler/check_test.c"]),
    ("explain.po", ["runtime/explain.c", "tools/doc.c"]),
    ("runtime.po", ["runtime/mem.c", "runtime/utf8.c", "runtime/file.c", "runtime/dec.c",
                    "runtime/scen.c", "runtime/caldate.c", "runtime/types.c", "runtime/bytecode.c",
                    "runtime/verify.c", "runtime/disasm.c", "runtime/vm.c", "runtime/pol.c",
                    "runtime/sign.c"]),
    ("tools.po", ["tools/*.c", "tools/lsp/*.c"]),
]
COVERED_DIRS = ["compiler/*.c", "runtime/*.c", "tools/*.c", "tools/lsp/*.c", "grammar/*.l", "grammar/*.y"]
UNMARKED_DIRS = ["tools/*.c", "tools/lsp/*.c", "compiler/*.c"]
UNMARKED = re.compile(r'(?<![\w])fprintf\(\s*stderr\s*,\s*"(?:[^"\\]|\\.)*[A-Za-z]{2}')


def unquote(lines):
    out = []
    for l in lines:
        l = l.strip()
        if l.startswith('"'):
            out.append(bytes(l[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8"))
    return "".join(out)


def read_po(path):
    """Entries of a .po or .pot file: list of dicts (msgid, msgstr, fuzzy, line)."""
    entries = []
    cur = None
    field = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    def flush():
        if cur is not None and "msgid" in cur:
            cur["msgid_text"] = unquote(cur["msgid"])
            cur["msgstr_text"] = unquote(cur.get("msgstr", []))
            entries.append(cur)
    for n, l in enumerate(lines, 1):
        if not l.strip():
            flush()
            cur, field = None, None
            continue
        if cur is None:
            cur = {"fuzzy": False, "line": n, "obsolete": False, "raw": []}
        cur["raw"].append(l)
        if l.startswith("#~"):
            cur["obsolete"] = True
            continue
        if l.startswith("#,") and "fuzzy" in l:
            cur["fuzzy"] = True
            continue
        if l.startswith("#"):
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', l)
        if m:
            field = m.group(1)
            cur.setdefault(field, []).append(m.group(2))
        elif l.startswith('"') and field:
            cur[field].append(l)
    flush()
    return [e for e in entries if not e["obsolete"]]


def part_files(src, globs):
    files = []
    for g in globs:
        files += sorted(glob.glob(os.path.join(src, g)))
    return files


def extract(src, files, out):
    args = ["xgettext", "--language=C", "--from-code=UTF-8", "--no-wrap", "--sort-by-file",
            "--add-location=file", "-o", out]
    args += ["--keyword=" + k for k in KEYWORDS]
    args += ["--flag=%s:c-format" % f for f in FORMAT_FLAGS]
    rel = [os.path.relpath(f, src) for f in files]
    r = subprocess.run(args + rel, cwd=src, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("xgettext failed:\n" + r.stderr)
    if not os.path.exists(out):   # nothing extracted
        open(out, "w").close()


def needs_translation(msgid):
    text = re.sub(r"%(\d+\$)?[-+ #0']*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|z|j|t)?[diuxXocsp%]", "", msgid)
    return re.search(r"[A-Za-z]", text) is not None


HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: pol\\n"\n"Language: zh_CN\\n"\n'
          '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n')


def main(argv):
    update = "--update" in argv
    rest = [a for a in argv if a != "--update"]
    src = os.path.abspath(rest[0] if rest else ".")
    podir = os.path.join(src, "po", "zh_CN")
    problems = []
    listed = set()
    for name, globs in PARTS:
        for g in globs:
            hits = glob.glob(os.path.join(src, g))
            if not hits:
                problems.append("%s: part %s names %s, which matches no file" % ("check_catalog.py", name, g))
            listed.update(os.path.relpath(h, src) for h in hits)
    for g in COVERED_DIRS:
        for f in sorted(glob.glob(os.path.join(src, g))):
            r = os.path.relpath(f, src)
            if r not in listed:
                problems.append("%s: in no part of check_catalog.py's PARTS (add it to one)" % r)
    seen = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, globs in PARTS:
            pot = os.path.join(tmp, name + "t")
            extract(src, part_files(src, globs), pot)
            want = [e for e in read_po(pot) if e["msgid_text"] and e["msgid_text"] not in seen]
            for e in want:
                seen[e["msgid_text"]] = name
            path = os.path.join(podir, name)
            if update:
                # the part's own msgids only, then msgmerge keeps the translations
                with open(os.path.join(tmp, name + ".hdr.pot"), "w", encoding="utf-8") as h:
                    h.write(HEADER.replace('"Language: zh_CN\\n"\n', ''))
                    for e in want:
                        h.write("\n" + "\n".join(e["raw"]) + "\n")
                if not os.path.exists(path):
                    os.makedirs(podir, exist_ok=True)
                    with open(path, "w", encoding="utf-8") as h:
                        h.write(HEADER + "\n")
                subprocess.run(["msgmerge", "--quiet", "--no-wrap", "--no-fuzzy-matching", "--sort-by-file",
                                "--update", "--backup=none", path, os.path.join(tmp, name + ".hdr.pot")],
                               check=True)
                subprocess.run(["msgattrib", "--no-obsolete", "--no-wrap", "-o", path, path], check=True)
                continue
            if not want and not os.path.exists(path):
                continue
            if not os.path.exists(path):
                problems.append("po/zh_CN/%s: missing (run check_catalog.py --update)" % name)
                continue
            have = {e["msgid_text"]: e for e in read_po(path) if e["msgid_text"]}
            for e in want:
                m = e["msgid_text"]
                h = have.get(m)
                if not needs_translation(m):
                    continue
                if h is None:
                    problems.append("po/zh_CN/%s: no entry for %r (run check_catalog.py --update)" % (name, m))
                elif h["fuzzy"]:
                    problems.append("po/zh_CN/%s:%d: fuzzy translation of %r" % (name, h["line"], m))
                elif not h["msgstr_text"]:
                    problems.append("po/zh_CN/%s:%d: no translation of %r" % (name, h["line"], m))
            own = set(e["msgid_text"] for e in want)
            for m, h in have.items():
                if m not in own:
                    other = seen.get(m)
                    why = "belongs to po/zh_CN/%s" % other if other and other != name else "no source has it"
                    problems.append("po/zh_CN/%s:%d: stale entry %r (%s)" % (name, h["line"], m, why))
            r = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", path], capture_output=True, text=True)
            if r.returncode != 0:
                problems.append("po/zh_CN/%s: msgfmt --check refuses it:\n%s" % (name, r.stderr.rstrip()))
    for g in UNMARKED_DIRS:
        for f in sorted(glob.glob(os.path.join(src, g))):
            with open(f, encoding="utf-8", errors="replace") as h:
                for n, l in enumerate(h, 1):
                    if UNMARKED.search(l) and "i18n: none" not in l:
                        problems.append("%s:%d: English written to stderr past the catalog "
                                        "(pol_tr_fprintf, or say `i18n: none`)" % (os.path.relpath(f, src), n))
    if update:
        print("check_catalog: po/zh_CN/ updated; fill in the empty msgstr entries")
        return 0
    for p in problems:
        print(p)
    print("%d msgids, %d problems" % (len(seen), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
