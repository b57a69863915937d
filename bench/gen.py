#!/usr/bin/env python3
"""bench/gen.py -- writes N benchmark scenarios as JSON Lines or CSV.

  gen.py rizhao  N OUT.jsonl|OUT.csv [--seed S]   缴费日期 only
  gen.py halffen N OUT.jsonl|OUT.csv [--seed S]   缴费基数 and 缴费日期

Dates are days of 2025 (every one is covered by both policies).  halffen
bases are yuan and fen from 1000.00 to 50000.00: a third whole yuan, a third
ending in .5 (the half-fen cases at 9%: 4250.5 x 9% = 382.545), a third any
fen.  Numbers are JSON numbers written as a person would (4250, 4250.5,
4250.49), never through a float.  The same seed gives the same file.
"""
import argparse
import datetime
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("policy", choices=["rizhao", "halffen"])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20250928)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    first = datetime.date(2025, 1, 1)
    days = [(first + datetime.timedelta(days=k)).isoformat() for k in range(365)]
    csv = a.out.endswith(".csv")
    lines = []
    if a.policy == "rizhao":
        if csv:
            lines.append("缴费日期")
        fmt = "%s" if csv else '{"缴费日期": "%s"}'
        lines.extend(fmt % d for d in rnd.choices(days, k=a.n))
    else:
        if csv:
            lines.append("缴费基数,缴费日期")
        for _ in range(a.n):
            kind = rnd.randrange(3)
            yuan = rnd.randrange(1000, 50000)
            fen = 0 if kind == 0 else 50 if kind == 1 else rnd.randrange(100)
            if fen == 0:
                base = "%d" % yuan
            elif fen % 10 == 0:
                base = "%d.%d" % (yuan, fen // 10)
            else:
                base = "%d.%02d" % (yuan, fen)
            d = days[rnd.randrange(365)]
            if csv:
                lines.append("%s,%s" % (base, d))
            else:
                lines.append('{"缴费基数": %s, "缴费日期": "%s"}' % (base, d))
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
        f.write("\n")


if __name__ == "__main__":
    main()
