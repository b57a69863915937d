#!/usr/bin/env python3
"""A generated population for the Rizhao 2025 comparison (rizhao-2025.pol ->
rizhao-2025-reform-8pct.pol): one JSON Lines record per payer, a payer id and
the payment date, spread over 2025, with about 1% of payments dated in
January 2026, which the notice does not cover (an error on both sides).

usage: gen_population.py N [--seed S] [--no-errors] [-o FILE]
"""
import argparse
import datetime
import json
import random
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("-o", "--output")
    ap.add_argument("--no-errors", action="store_true", help="only records both policies accept")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    out = open(a.output, "w", encoding="utf-8") if a.output else sys.stdout
    start = datetime.date(2025, 1, 1)
    for i in range(a.n):
        if not a.no_errors and rnd.random() < 0.01:
            d = datetime.date(2026, 1, rnd.randint(1, 31))
        else:
            d = start + datetime.timedelta(days=rnd.randint(0, 364))
        out.write(json.dumps({"编号": "RZ%07d" % i, "缴费日期": d.isoformat()}, ensure_ascii=False) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
