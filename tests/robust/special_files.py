#!/usr/bin/env python3
"""Files that are not regular files, or not what they claim, as policies:
a FIFO (polc check, polrun, and import "fifo" hung forever before: the file
was opened for a blocking read before it was checked), /dev/zero, a
directory, a large file of zeros named .polc (refused after its first bytes,
not read whole), and a file cut inside its header ("truncated", not "bad
magic").  Each gets its message and exit status within the timeout."""
import argparse, os, subprocess, sys, tempfile, time

TIMEOUT = 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polc", required=True)
    ap.add_argument("--polrun", required=True)
    a = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.mkfifo(os.path.join(tmp, "fifo.pol"))
        os.mkfifo(os.path.join(tmp, "fifo.polc"))
        os.mkdir(os.path.join(tmp, "dir.pol"))
        os.mkdir(os.path.join(tmp, "dir.polc"))
        with open(os.path.join(tmp, "zeros.polc"), "wb") as f:
            f.truncate(256 << 20)  # sparse: 256 MiB of zeros
        with open(os.path.join(tmp, "cut.polc"), "wb") as f:
            f.write(b"\x7fPOL\r\n\x1a\n\x03\x00")
        with open(os.path.join(tmp, "imports.pol"), "w", encoding="utf-8") as f:
            f.write('policy "t" { region "x" }\nimport "fifo.pol"\noutput o: integer = 1 cite "x"\n')
        with open(os.path.join(tmp, "s.json"), "w") as f:
            f.write("{}")
        NOTREG = "not a regular file (a device, a pipe or a socket)"
        cases = [
            ([a.polc, "check", "fifo.pol"], 66, "polc: fifo.pol: " + NOTREG + "\n"),
            ([a.polrun, "fifo.pol", "s.json"], 66, "polrun: fifo.pol: " + NOTREG + "\n"),
            ([a.polrun, "fifo.polc", "s.json"], 66, "polrun: fifo.polc: " + NOTREG + "\n"),
            ([a.polc, "check", "/dev/zero"], 66, "polc: /dev/zero: " + NOTREG + "\n"),
            ([a.polrun, "/dev/zero", "s.json"], 66, "polrun: /dev/zero: " + NOTREG + "\n"),
            ([a.polc, "check", "dir.pol"], 66, "polc: dir.pol: Is a directory\n"),
            ([a.polrun, "dir.polc", "s.json"], 66, "polrun: dir.polc: Is a directory\n"),
            ([a.polrun, "zeros.polc", "s.json"], 65, "polrun: zeros.polc: not a pol bytecode file (bad magic)\n"),
            ([a.polrun, "cut.polc", "s.json"], 65, "polrun: cut.polc: bytecode file truncated: 10 of the header's 24 bytes\n"),
        ]
        for argv, code, err in cases:
            t0 = time.monotonic()  # not an amount
            try:
                p = subprocess.run(argv, cwd=tmp, capture_output=True, timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                failures += 1
                print("FAIL %s: still running after %d s" % (" ".join(argv[1:]), TIMEOUT))
                continue
            took = time.monotonic() - t0  # not an amount
            got = p.stderr.decode("utf-8", "replace")
            if p.returncode != code or got != err:
                failures += 1
                print("FAIL %s: exit %d (expected %d)\n  expected %r\n  got      %r"
                      % (" ".join(argv[1:]), p.returncode, code, err, got))
            elif "zeros" in argv[1] and took > 5:
                failures += 1
                print("FAIL %s: took %.1f s: the file was read whole" % (" ".join(argv[1:]), took))
        # import of a FIFO: the importing file's position and the reason, no hang
        try:
            p = subprocess.run([a.polc, "check", "imports.pol", "--no-color"], cwd=tmp, capture_output=True, timeout=TIMEOUT)
            err = p.stderr.decode("utf-8", "replace")
            if p.returncode != 65 or "imports.pol:2:" not in err or "fifo.pol" not in err:
                failures += 1
                print("FAIL import of a FIFO: exit %d\n%s" % (p.returncode, err))
        except subprocess.TimeoutExpired:
            failures += 1
            print("FAIL import of a FIFO: still running after %d s" % TIMEOUT)
    if failures:
        return 1
    print("special_files: %d cases ok" % (len(cases) + 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
