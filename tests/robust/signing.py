#!/usr/bin/env python3
"""Signed policies through the tools (docs/signing.md, docs/bytecode.md#signature).

`polc keygen` makes a key pair; `polc build --sign` appends the documented
104-byte trailer, read here from the spec (and its Ed25519 signature checked
with Python's `cryptography` when it is installed); `polrun --trusted-keys
DIR` runs a file signed by a key in DIR and gives the right numbers in every
mode, and refuses with exit 65 and a clear message: a bit flipped anywhere
after signing (header, payload, trailer), a payload changed and re-sealed
(EQ swapped for NE and the header's hash recomputed: without a signature that
file runs and answers wrongly), a file signed by another key, an unsigned
file, and a .pol source.  Without --trusted-keys an unsigned file still runs.

Usage: signing.py --polc PATH --polrun PATH --root SOURCE_DIR
Prints one line per check and, last, exactly `N passed, M failed`.
"""
import argparse
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile

EMPLOYEE = '{"人员身份": "在职", "月缴费基数": 3291}'
RETIREE = '{"人员身份": "退休", "月缴费基数": 3291}'
OUT_EMPLOYEE = '{"个人账户月划入":"65.82","个人账户年划入":"789.84"}\n'
OUT_RETIREE = '{"个人账户月划入":"68.00","个人账户年划入":"816.00"}\n'
BAD_SIGNATURE = r"^polrun: [^\n]*: signature does not verify \(the file was changed after signing\)$"
TRAILER = 104
OP_EQ, OP_NE = 14, 15  # runtime/opcodes.h, docs/bytecode.md#opcodes

FNV64_BASIS, FNV64_PRIME = 14695981039346656037, 1099511628211


def fnv1a64(data):
    h = FNV64_BASIS
    for b in data:
        h = ((h ^ b) * FNV64_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


def seal(data):
    """The header recomputed for payload data[24:], as an attacker would (bc_seal)."""
    payload = data[24:]
    return data[:12] + struct.pack("<IQ", len(payload), fnv1a64(payload)) + payload


class Checker:
    def __init__(self, polc, polrun, root, tmp):
        self.polc, self.polrun, self.tmp = polc, polrun, tmp
        self.policy = os.path.join(root, "docs", "examples", "account.pol")
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

    def run(self, argv, stdin=""):
        p = subprocess.run(argv, input=stdin.encode(), capture_output=True, timeout=120, cwd=self.tmp)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def expect(self, name, argv, code, out=None, err=None, stdin=""):
        """Exit `code`, stdout `out` (if given), stderr matching the regex `err` (else empty,
        ignoring a batch summary)."""
        rc, got, msgs = self.run(argv, stdin)
        msgs = "\n".join(l for l in msgs.split("\n") if l and not re.match(r"polrun: \d+ records", l))
        problems = []
        if rc != code:
            problems.append(f"exit {rc}, expected {code}")
        if out is not None and got != out:
            problems.append(f"stdout {got[:300]!r}, expected {out[:300]!r}")
        if err is None and msgs:
            problems.append(f"stderr {msgs[:300]!r}, expected nothing")
        if err is not None and not re.search(err, msgs, flags=re.M):
            problems.append(f"stderr {msgs[:300]!r} does not match {err!r}")
        self.result(name, problems)
        return got

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return name

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    # ---- keys ----
    def keygen(self, name):
        rc, out, err = self.run([self.polc, "keygen", name])
        problems = [] if rc == 0 and not err else [f"exit {rc}, stderr {err!r}"]
        key_id = None
        if not problems:
            mode = stat.S_IMODE(os.stat(self.path(name + ".key")).st_mode)
            if mode != 0o600:
                problems.append(f"{name}.key has mode {mode:04o}, not 0600")
            pub = self.read(name + ".pub").decode()
            m = re.fullmatch(r"pol ed25519 public key\n([0-9a-f]{64})\n", pub)
            sec = self.read(name + ".key").decode()
            if not m:
                problems.append(f"{name}.pub is {pub!r}")
            elif not re.fullmatch(r"pol ed25519 secret key\n[0-9a-f]{64}\n", sec):
                problems.append(f"{name}.key does not have the documented form")
            else:
                key_id = m.group(1)[:16]
                if f"id {key_id}" not in out:
                    problems.append(f"the key id {key_id} is not printed: {out!r}")
        self.result(f"polc keygen {name}: {name}.key (0600) and {name}.pub in the documented form", problems)
        os.makedirs(self.path("trusted-" + name), exist_ok=True)
        shutil.copy(self.path(name + ".pub"), self.path("trusted-" + name))
        return key_id

    def keys(self):
        self.bureau_id = self.keygen("bureau")
        self.other_id = self.keygen("other")
        before = self.read("bureau.key")
        self.expect("polc keygen never overwrites a key", [self.polc, "keygen", "bureau"], 73,
                    err=r"^polc: cannot create bureau\.key: File exists$")
        self.result("the existing key is unchanged", [] if self.read("bureau.key") == before else ["it changed"])
        os.chmod(self.path("bureau.key"), 0o644)
        self.expect("a secret key open to other users is refused",
                    [self.polc, "build", self.policy, "--sign", "bureau.key", "-o", "x.polc"], 65,
                    err=r"^polc: bureau\.key: the secret key can be read or changed by other users \(mode 0644\); "
                        r"chmod 600 it$")
        os.chmod(self.path("bureau.key"), 0o600)
        self.expect("a public key is not a secret key", [self.polc, "build", self.policy, "--sign", "bureau.pub"], 65,
                    err=r"^polc: bureau\.pub: not a pol secret key file")
        self.expect("a missing key file", [self.polc, "build", self.policy, "--sign", "none.key"], 66,
                    err=r"^polc: none\.key: No such file or directory$")
        self.expect("--sign is for build only", [self.polc, "test", self.policy, "--sign", "bureau.key"], 64,
                    err=r"^polc: --sign goes with build, not test$")

    # ---- the signed file, read from the spec ----
    def build(self):
        self.expect("polc build (unsigned)", [self.polc, "build", self.policy, "-o", "plain.polc"], 0, out="")
        self.expect("polc build --sign", [self.polc, "build", self.policy, "--sign", "bureau.key", "-o", "a.polc"],
                    0, out="")
        self.expect("polc build --sign=KEY -o", [self.polc, "build", "--sign=other.key", self.policy, "-oo.polc"], 0,
                    out="")
        plain, signed = self.read("plain.polc"), self.read("a.polc")
        self.plain, self.signed = plain, signed
        problems = []
        end = len(plain)
        if len(signed) != end + TRAILER or signed[:end] != plain:
            problems.append(f"the signed file is not the unsigned one ({end} bytes) and {TRAILER} more: {len(signed)}")
        else:
            marker, alg = struct.unpack_from("<4sI", signed, end)
            key, sig = signed[end + 8:end + 40], signed[end + 40:]
            pub = bytes.fromhex(self.read("bureau.pub").decode().split("\n")[1])
            if marker != b"\x7fSIG":
                problems.append(f"marker {marker!r}")
            if alg != 1:
                problems.append(f"algorithm {alg}")
            if key != pub:
                problems.append("the trailer's key is not bureau.pub's")
            try:
                from cryptography.exceptions import InvalidSignature
                from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
            except ImportError:
                print("     (python3 cryptography not installed: the signature is checked by polrun only)")
            else:
                try:
                    Ed25519PublicKey.from_public_bytes(pub).verify(sig, signed[:end + 40])
                except InvalidSignature:
                    problems.append("the Ed25519 signature over bytes 0..E+40 does not verify (cryptography)")
        self.result("the trailer as docs/bytecode.md describes it: marker, algorithm 1, key, signature of what "
                    "precedes it", problems)

    # ---- a good signature ----
    def good(self):
        run, T = self.polrun, "--trusted-keys=trusted-bureau"
        self.expect("signed, trusted: one scenario", [run, T, "a.polc"], 0, out=OUT_RETIREE, stdin=RETIREE)
        self.expect("signed, trusted: --trusted-keys DIR after the operands", [run, "a.polc", "--trusted-keys",
                    "trusted-bureau"], 0, out=OUT_EMPLOYEE, stdin=EMPLOYEE)
        self.expect("signed, trusted: --batch", [run, T, "a.polc", "--batch", "-j1"], 0,
                    out='{"line":1,"outputs":' + OUT_EMPLOYEE[:-1] + "}\n" + '{"line":2,"outputs":'
                    + OUT_RETIREE[:-1] + "}\n", stdin=EMPLOYEE + "\n" + RETIREE + "\n")
        self.expect("signed, trusted: --test", [run, T, "a.polc", "--test"], 0, out="a.polc: 2 passed, 0 failed\n")
        got = self.expect("signed, trusted: --interface", [run, T, "a.polc", "--interface"], 0)
        self.result("  the interface names the inputs", [] if '"月缴费基数"' in got else [got[:200]])
        got = self.expect("signed, trusted: --explain", [run, T, "a.polc", "--explain"], 0, stdin=RETIREE)
        self.result("  the explanation gives 816.00", [] if got.startswith(OUT_RETIREE) and "816" in got else
                    [got[:200]])
        self.expect("signed, trusted: --explain=json", [run, T, "a.polc", "--explain=json"], 0, stdin=RETIREE)
        both = self.path("trusted-both")
        os.makedirs(both)
        for k in ("bureau", "other"):
            shutil.copy(self.path(k + ".pub"), both)
        self.expect("two trusted keys (rotation): the old one", [run, "--trusted-keys", both, "a.polc"], 0,
                    out=OUT_RETIREE, stdin=RETIREE)
        self.expect("two trusted keys (rotation): the new one", [run, "--trusted-keys", both, "o.polc"], 0,
                    out=OUT_RETIREE, stdin=RETIREE)
        self.expect("signed, no --trusted-keys: runs", [run, "a.polc"], 0, out=OUT_RETIREE, stdin=RETIREE)
        self.expect("unsigned, no --trusted-keys: still runs", [run, "plain.polc"], 0, out=OUT_RETIREE,
                    stdin=RETIREE)
        self.expect("polc test on a signed file", [self.polc, "test", "a.polc"], 0, out="a.polc: 2 passed, 0 failed\n")

    # ---- refused ----
    def refused(self):
        run, T = self.polrun, "--trusted-keys=trusted-bureau"
        end = len(self.plain)
        modes = [[], ["--batch"], ["--test"], ["--interface"], ["--explain"], ["--explain=json"]]
        for m in modes:
            self.expect(f"unsigned, trusted keys {' '.join(m) or '(one scenario)'}: refused", [run, T, "plain.polc"]
                        + m, 65, out="", stdin=RETIREE,
                        err=r"^polrun: plain\.polc: policy is not signed \(only policies signed by one of the "
                            r"trusted keys in trusted-bureau are accepted\)$")
            self.expect(f"another key, {' '.join(m) or '(one scenario)'}: refused", [run, T, "o.polc"] + m, 65,
                        out="", stdin=RETIREE,
                        err=rf"^polrun: o\.polc: signed by key {self.other_id}, which is not one of the trusted "
                            r"keys in trusted-bureau$")
        self.expect("a .pol source under --trusted-keys: refused", [run, T, self.policy, "--test"], 65, out="",
                    err=r"^polrun: .*account\.pol: a policy source is not signed; with trusted keys only signed "
                        r"bytecode runs \(polc build --sign\)$")
        self.expect("a trusted keys directory that does not exist", [run, "--trusted-keys", "nowhere", "a.polc"],
                    66, out="", stdin=RETIREE,
                    err=r"^polrun: trusted keys directory nowhere: No such file or directory$")
        os.makedirs(self.path("empty"))
        self.expect("a trusted keys directory without keys", [run, "--trusted-keys", "empty", "a.polc"], 65, out="",
                    stdin=RETIREE, err=r"^polrun: trusted keys directory empty: no public key \(\*\.pub\) in it$")

        # A bit flipped after signing, with and without trust: in every 3rd
        # byte of the header, every 53rd of the payload, every 2nd of the
        # trailer (tests/unit/test_sign.c flips every bit through the library).
        places = sorted(set(range(0, 24, 3)) | set(range(24, end, 53)) | set(range(end, end + TRAILER, 2)))
        wrong = []
        for i in places:
            bit = i % 8
            data = bytearray(self.signed)
            data[i] ^= 1 << bit
            self.write("flip.polc", bytes(data))
            for argv in ([run, T, "flip.polc"], [run, "flip.polc"]):
                rc, out, err = self.run(argv, RETIREE)
                if rc != 65 or out or not err.startswith("polrun: flip.polc: "):
                    wrong.append(f"byte {i} bit {bit} {'trusted' if T in argv else 'untrusted'}: exit {rc}, "
                                 f"{out!r} {err!r}")
                elif i >= end + 8 and not re.search(BAD_SIGNATURE, err, flags=re.M):
                    wrong.append(f"byte {i} (key or signature): {err!r}")
        self.result(f"a bit flipped after signing, at {len(places)} places, trusted and not: all refused "
                    "(exit 65), the key and signature by the signature", wrong[:5])

        # Re-sealed: the EQ of 人员身份 == 身份.退休 becomes NE, the header's
        # length and hash are recomputed, and the trailer is kept or dropped.
        _, listing, _ = self.run([self.polc, "disasm", "plain.polc"])
        pcs = [int(m.group(1)) for m in re.finditer(r"^\s+(\d+)\s+EQ\b", listing, flags=re.M)]
        at = None
        for code_at, ncode in self.code_sections(self.plain):
            if len(pcs) == 1 and ncode > pcs[0] and struct.unpack_from("<I", self.plain, code_at + 4 * pcs[0])[0] == OP_EQ:
                at = code_at + 4 * pcs[0]
                break
        if at is None:
            self.result("the EQ instruction is found in the file", [f"EQ at pcs {pcs}, not found in the code"])
            return
        evil = bytearray(self.plain)
        struct.pack_into("<I", evil, at, OP_NE)
        evil = seal(bytes(evil))
        self.write("evil.polc", evil)
        self.expect("re-sealed, unsigned, no --trusted-keys: runs with the wrong answer (what a checksum allows)",
                    [run, "evil.polc"], 0, out=OUT_EMPLOYEE, stdin=RETIREE)
        self.expect("re-sealed, unsigned, --trusted-keys: refused", [run, T, "evil.polc"], 65, out="", stdin=RETIREE,
                    err=r"^polrun: evil\.polc: policy is not signed")
        self.write("evil-signed.polc", evil + self.signed[end:])
        for argv, what in (([run, T, "evil-signed.polc"], "--trusted-keys"), ([run, "evil-signed.polc"], "no keys")):
            self.expect(f"re-sealed with the original signature kept, {what}: refused", argv, 65, out="",
                        stdin=RETIREE, err=BAD_SIGNATURE)

    @staticmethod
    def code_sections(data):
        """Candidates (offset of the first code word, word count) for the code section: the
        payload ends with the code (u32 count, words) and the line table (u32 count, 16 bytes
        an entry), so both counts are found from the end."""
        end = len(data)
        for nlines in range((end - 28) // 16 + 1):
            lt = end - 4 - 16 * nlines
            if struct.unpack_from("<I", data, lt)[0] != nlines:
                continue
            for ncode in range((lt - 28) // 4 + 1):
                c = lt - 4 - 4 * ncode
                if struct.unpack_from("<I", data, c)[0] == ncode:
                    yield c + 4, ncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polc", required=True)
    ap.add_argument("--polrun", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        c = Checker(os.path.abspath(a.polc), os.path.abspath(a.polrun), os.path.abspath(a.root), tmp)
        c.keys()
        c.build()
        c.good()
        c.refused()
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
