#!/usr/bin/env python3
"""Generated payment histories for the Weifang (寒亭) and Weinan timelines, as JSON Lines.

    gen_weifang.py --years N --people K [--seed S] [--messy] [--weinan]

Each person starts in a month of 2000-2020 and pays for the next N years in
irregular payments, as bench/timeline/gen.py does for Rizhao: each covers 1
to 6 months, most are made in the first month they cover, a fifth late (up to
5 months after their last month), some months never paid (gaps of 1 to 5
months); each payment has a base and a tier.  The query is the whole history.
--weinan writes histories for policies/weinan/weinan-2023-timeline.pol
instead: payments of 1 to 12 months without base or tier, the on-time ones
made up to 2 months ahead, gaps of 1 to 7 months, an enrolment month (首次参保月,
with --messy up to 6 months before the first payment) and a refund reason
with its date.
--messy also shifts the query window, adds a payment overlapping (or running
backwards) in half the histories and shuffles the list in half: histories to
compare two forms of the policy on, errors included.

The tiers' rates (weifang-tiers.pol) are dated 2023-2024: on the earlier
years the premium outputs are errors unless the rates are extended (as
docs/performance.md says for its figures).
"""
import argparse
import json
import random

TIERS = ["无账户无生育", "无账户含生育", "有账户无生育", "有账户含生育"]


def month_text(m):
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def person(rng, years, messy, weinan=False):
    start = rng.randrange(2000 * 12, 2021 * 12)
    end = start + 12 * years  # one past the last month
    pays = []
    m = start
    while m < end:
        r = rng.random()
        if r < 0.12:  # a gap
            m += rng.randint(1, 7 if weinan else 5)
            continue
        k = min(rng.randint(1, 12 if weinan else 6), end - m)
        last = m + k - 1
        paid = (m - rng.randint(0, 2) if weinan else m) if r < 0.8 else last + rng.randint(0, 5)
        if weinan:
            pays.append({"缴费日期": f"{month_text(paid)}-{rng.randint(1, 28):02d}", "起": month_text(m),
                         "止": month_text(last)})
            m = last + 1
            continue
        base = rng.choice([4242, 7069, 21207, rng.randrange(4300, 21200, 100)])
        pays.append({"缴费日期": f"{month_text(paid)}-{rng.randint(1, 28):02d}", "起": month_text(m),
                     "止": month_text(last), "缴费基数": str(base), "档次": rng.choice(TIERS)})
        m = last + 1
    first, last, enrolled = start, end - 1, start
    if messy and weinan:
        enrolled -= rng.randint(0, 6)
    if messy:
        if pays and rng.random() < 0.5:
            p = dict(pays[rng.randrange(len(pays))])
            a = rng.randrange(start - 3, end + 3)
            p["起"], p["止"] = month_text(a), month_text(a + rng.randint(-1, 14))
            pays.insert(rng.randrange(len(pays) + 1), p)
        if rng.random() < 0.5:
            rng.shuffle(pays)
        first = start + rng.randint(-6, 12)
        last = first + rng.randint(-1, 12 * years)
    if weinan:
        when = start + rng.randrange(0, 12 * years + 1)
        return {"缴费记录": pays, "首次参保月": month_text(enrolled), "查询起": month_text(first),
                "查询止": month_text(last), "事由": rng.choice(["无", "中途就业", "死亡", "移民"]),
                "事由发生日期": f"{month_text(when)}-{rng.randint(1, 28):02d}"}
    return {"缴费记录": pays, "查询起": month_text(first), "查询止": month_text(last)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, required=True)
    ap.add_argument("--people", type=int, required=True)
    ap.add_argument("--seed", type=int, default=20231011)
    ap.add_argument("--messy", action="store_true")
    ap.add_argument("--weinan", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed * 1000 + a.years)
    for _ in range(a.people):
        print(json.dumps(person(rng, a.years, a.messy, a.weinan), ensure_ascii=False))


if __name__ == "__main__":
    main()
