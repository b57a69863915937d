#!/usr/bin/env python3
"""Generated payment histories for the Rizhao coverage timeline, as JSON Lines.

    gen.py --years N --people K [--seed S]

Each person enrols in a month of 2000-2020 and pays for the next N years in
irregular payments: each covers 1 to 6 months, most are made in the first
month they cover (on time), some late (up to 5 months after their last
month, a back-payment), and some months are never paid (gaps of 1 to 5
months), and some years are paid in one lump in January to April (by 31
March: covered from January if December was; later: an interruption).
Payments never overlap (the policy requires it) and are listed in
the order of the months they cover.  The query is the whole history.
Integers and dates only: nothing here is an amount.
"""
import argparse
import json
import random


def month_text(m):
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def person(rng, years):
    start = rng.randrange(2000 * 12, 2021 * 12)
    end = start + 12 * years  # one past the last month
    pays = []
    m = start
    while m < end:
        r = rng.random()
        if m % 12 == 0 and m + 12 <= end and r < 0.2:  # a year in one lump
            paid = m + rng.randint(0, 3)
            pays.append({"缴费日期": f"{month_text(paid)}-{rng.randint(1, 28):02d}", "起": month_text(m), "止": month_text(m + 11)})
            m += 12
            continue
        if r < 0.12:  # a gap
            m += rng.randint(1, 5)
            continue
        k = min(rng.randint(1, 6), end - m)
        last = m + k - 1
        if r < 0.80:
            paid = m  # on time: in the first month it covers
        else:
            paid = last + rng.randint(0, 5)  # late: a back-payment
        day = rng.randint(1, 28)
        pays.append({"缴费日期": f"{month_text(paid)}-{day:02d}", "起": month_text(m), "止": month_text(last)})
        m = last + 1
    return {
        "缴费记录": pays,
        "参保起始月": month_text(start),
        "上年12月正常享受待遇": rng.random() < 0.5,
        "查询起": month_text(start),
        "查询止": month_text(end - 1),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, required=True)
    ap.add_argument("--people", type=int, required=True)
    ap.add_argument("--seed", type=int, default=20251001)
    a = ap.parse_args()
    rng = random.Random(a.seed * 1000 + a.years)
    for _ in range(a.people):
        print(json.dumps(person(rng, a.years), ensure_ascii=False))


if __name__ == "__main__":
    main()
