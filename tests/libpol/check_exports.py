#!/usr/bin/env python3
"""libpol.so exports exactly pol.h's API: the dynamic symbols it defines
(`nm -D --defined-only`) are the functions runtime/pol.h marks POL_API, no
more (an internal symbol leaking out) and no fewer (an API function hidden).
Usage: check_exports.py LIBPOL_SO POL_H"""
import re
import subprocess
import sys


def main():
    lib, header = sys.argv[1], sys.argv[2]
    with open(header, encoding="utf-8") as f:
        text = f.read()
    api = set(re.findall(r"^POL_API\b[^;(]*?\b(pol_\w+)\s*\(", text, flags=re.M))
    out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
    exported = {line.split()[-1] for line in out.splitlines() if line.strip()}
    extra, missing = sorted(exported - api), sorted(api - exported)
    if not api:
        print(f"FAIL no POL_API declarations found in {header}")
        return 1
    if extra:
        print("FAIL exported but not in pol.h:", " ".join(extra))
    if missing:
        print("FAIL in pol.h but not exported:", " ".join(missing))
    if extra or missing:
        return 1
    print(f"ok  libpol.so exports exactly the {len(api)} POL_API functions of pol.h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
