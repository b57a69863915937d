#!/usr/bin/env python3
"""Source text that is not UTF-8, or carries C1 controls, is refused with a
clear error at the offending byte wherever it stands: in a string, a
comment, a “…” string or an identifier.  Before, bytes in strings and
comments went through to the bytecode (and came out as U+FFFD), and an
identifier could hold a surrogate, an overlong form, a code point above
U+10FFFF or a C1 control, and then never be supplied.  Also: a “…” string
has the same length limit as a "..." one, and a text input holding U+0000
is refused (it silently became its prefix)."""
import argparse, os, subprocess, sys, tempfile

HEAD = b'policy "t" { region "x" }\ninput \xe5\x9f\xba\xe6\x95\xb0: text cite "x"\n'

# (what, line 3 of the source, expected diagnostic lines)
CASES = [
    ("a byte 0xff in a string",
     b'output o: text = "a\xffb" cite "x"\n',
     ["t.pol:3:20: error: invalid UTF-8 byte 0xff (above U+10FFFF)"]),
    ("an overlong '/' in a comment",
     b'# a comment \xc0\xaf\noutput o: text = "ab" cite "x"\n',
     ["t.pol:3:13: error: invalid UTF-8 byte 0xc0 (overlong encoding)"]),
    ("a UTF-16 surrogate in an identifier",
     b'output o\xed\xa0\x80: text = "ab" cite "x"\n',
     ["t.pol:3:9: error: invalid UTF-8 byte 0xed (UTF-16 surrogate)"]),
    ("a code point above U+10FFFF in an identifier",
     b'output o\xf4\x90\x80\x80: text = "ab" cite "x"\n',
     ["t.pol:3:9: error: invalid UTF-8 byte 0xf4 (above U+10FFFF)"]),
    ("a C1 control (NEL) in an identifier",
     b'output o\xc2\x85x: text = "ab" cite "x"\n',
     ["t.pol:3:9: error: control character U+0085 in the source"]),
    ("a truncated sequence in a “...” string",
     b'output o: text = \xe2\x80\x9ca\xe4\xb8\xe2\x80\x9d cite "x"\n',
     ["t.pol:3:20: error: invalid UTF-8 byte 0xe4 (truncated sequence)"]),
    ("a lone continuation byte between tokens",
     b'output o: text = "ab" \x80 cite "x"\n',
     ["t.pol:3:23: error: invalid UTF-8 byte 0x80 (unexpected continuation byte)"]),
    ("a “...” string over 65536 bytes",
     b'output o: text = \xe2\x80\x9c' + b'a' * 65537 + b'\xe2\x80\x9d cite "x"\n',
     ["t.pol:3:18: error: string longer than 65536 bytes"]),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polc", required=True)
    ap.add_argument("--polrun", required=True)
    a = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "t.pol")
        for what, line, want in CASES:
            with open(src, "wb") as f:
                f.write(HEAD + line)
            p = subprocess.run([a.polc, "check", "t.pol", "--no-color"], cwd=tmp, capture_output=True, timeout=60)
            err = p.stderr.decode("utf-8", "replace")
            got = [l for l in err.splitlines() if ": error: " in l]
            if p.returncode != 65 or got != want:
                failures += 1
                print("FAIL %s: exit %d\n  expected %s\n  got      %s" % (what, p.returncode, want, got))
        # A sound file with Chinese text still compiles and runs.
        with open(src, "wb") as f:
            f.write(HEAD + 'output 结果: text = 基数 cite "x"\n'.encode())
        ok = subprocess.run([a.polrun, "t.pol"], cwd=tmp, input='{"基数":"甲乙"}'.encode(), capture_output=True)
        if ok.returncode != 0 or ok.stdout.decode() != '{"结果":"甲乙"}\n':
            failures += 1
            print("FAIL a sound Chinese source: exit %d, %r %r" % (ok.returncode, ok.stdout, ok.stderr))
        # U+0000 in a text input: refused with the input's name, not cut short.
        nul = subprocess.run([a.polrun, "t.pol"], cwd=tmp, input='{"基数":"a\\u0000bcd"}'.encode(), capture_output=True)
        want_err = "<stdin>: error: input 基数 contains U+0000 (a NUL character), which a text value cannot hold\n"
        if nul.returncode != 1 or nul.stdout != b"" or nul.stderr.decode() != want_err:
            failures += 1
            print("FAIL U+0000 in a text input: exit %d, %r %r" % (nul.returncode, nul.stdout, nul.stderr))
    if failures:
        return 1
    print("source_text: %d cases ok" % (len(CASES) + 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
