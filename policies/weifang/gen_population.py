#!/usr/bin/env python3
"""A generated population for the Weifang comparison (weifang-hanting-2023.pol
-> weifang-2024-rates-reform.pol): one JSON Lines record per payment of 2023,
with a payer id, the tier (the four 缴费档次, the two cheaper ones more
common), a base declared within 4242..21207 (mostly the floor, the average
wage 7069 or a round figure; about 1% below the floor, an error on both
sides), the months paid for (a whole year, a quarter or a single month;
about 1% spanning two years, which the guide refuses) and whether the
year's large-medical fee was already paid.

usage: gen_population.py N [--seed S] [--no-errors] [-o FILE]
"""
import argparse
import json
import random
import sys

TIERS = ["无账户无生育"] * 4 + ["无账户含生育"] * 3 + ["有账户无生育"] * 2 + ["有账户含生育"]


def base(rnd, errors):
    x = rnd.random()
    if errors and x < 0.01:
        return str(rnd.randint(3000, 4241))
    if x < 0.45:
        return "4242"
    if x < 0.65:
        return "7069"
    if x < 0.70:
        return "21207"
    return str(rnd.randrange(4300, 21200, 100))


def months(rnd, errors):
    x = rnd.random()
    if errors and x < 0.01:
        return "2023-%02d" % rnd.randint(10, 12), "2024-%02d" % rnd.randint(1, 3)
    if x < 0.5:
        return "2023-01", "2023-12"
    if x < 0.8:
        q = rnd.randint(0, 3)
        return "2023-%02d" % (3 * q + 1), "2023-%02d" % (3 * q + 3)
    m = rnd.randint(1, 12)
    return "2023-%02d" % m, "2023-%02d" % m


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("-o", "--output")
    ap.add_argument("--no-errors", action="store_true", help="only records both policies accept")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    out = open(a.output, "w", encoding="utf-8") if a.output else sys.stdout
    for i in range(a.n):
        start, end = months(rnd, not a.no_errors)
        r = {"编号": "WF%07d" % i, "档次": rnd.choice(TIERS), "缴费基数": base(rnd, not a.no_errors), "所属期起": start,
             "所属期止": end, "本年度已缴大额医疗": start != "2023-01" and rnd.random() < 0.7}
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
