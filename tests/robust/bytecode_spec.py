#!/usr/bin/env python3
"""Reads a file polc writes the way a reader written from docs/bytecode.md
would: the header's fields, and the payload hash computed from the
documented FNV-1a 64 constants.  Format 2 used an offset basis one digit
short of the standard one, so such a reader rejected every file."""
import argparse, os, struct, subprocess, sys, tempfile

FNV64_BASIS = 14695981039346656037  # docs/bytecode.md, "Header"
FNV64_PRIME = 1099511628211


def fnv1a64(data):
    h = FNV64_BASIS
    for b in data:
        h ^= b
        h = (h * FNV64_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polc", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    # The published test vectors of FNV-1a 64, so the constants above are
    # the standard ones and not merely the ones polc uses.
    assert fnv1a64(b"") == 0xCBF29CE484222325, "FNV-1a 64 of the empty string"
    assert fnv1a64(b"a") == 0xAF63DC4C8601EC8C, "FNV-1a 64 of 'a'"
    assert fnv1a64(b"foobar") == 0x85944171F73967E8, "FNV-1a 64 of 'foobar'"
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for rel in ("policies/rizhao/rizhao-2025.pol", "docs/examples/account.pol"):
            out = os.path.join(tmp, "p.polc")
            subprocess.run([a.polc, "build", os.path.join(a.root, rel), "-o", out], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            data = open(out, "rb").read()
            magic, probe, version, plen, phash = struct.unpack_from("<4s4sIIQ", data, 0)
            payload = data[24:]
            checks = [
                (magic == b"\x7fPOL", "magic %r" % magic),
                (probe == b"\r\n\x1a\n", "probe %r" % probe),
                (version == 5, "version %d, expected 5" % version),
                (plen == len(payload), "payload length %d, file has %d" % (plen, len(payload))),
                (phash == fnv1a64(payload), "payload hash %016x, FNV-1a 64 gives %016x" % (phash, fnv1a64(payload))),
            ]
            for ok, what in checks:
                if not ok:
                    failures += 1
                    print("%s: %s" % (rel, what))
    if failures:
        return 1
    print("bytecode_spec: header and hash read from the spec: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
