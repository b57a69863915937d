#!/usr/bin/env python3
"""bench/gen.py -- writes N benchmark scenarios as JSON Lines or CSV.

  gen.py rizhao  N OUT.jsonl|OUT.csv [--seed S]   缴费日期 only
  gen.py halffen N OUT.jsonl|OUT.csv [--seed S]   缴费基数 and 缴费日期
  gen.py mixed   N OUT.jsonl|OUT.csv [--seed S]   缴费方案 and that scheme's inputs

Dates are days of 2025 (every one is covered by both policies).  halffen
bases are yuan and fen from 1000.00 to 50000.00: a third whole yuan, a third
ending in .5 (the half-fen cases at 9%: 4250.5 x 9% = 382.545), a third any
fen.  Numbers are JSON numbers written as a person would (4250, 4250.5,
4250.49), never through a float.  mixed (bench/mixed.pol): a third of the
records each for 日照 (a date of 2025), 潍坊 (a tier and a base from 4242 to
21207, one in a hundred outside those bounds) and 渭南 (在职, or 退休 one in
five); each record has only its scheme's fields (CSV: empty cells).  The
same seed gives the same file.
"""
import argparse
import datetime
import random


def yuan_text(yuan, fen):
    if fen == 0:
        return "%d" % yuan
    if fen % 10 == 0:
        return "%d.%d" % (yuan, fen // 10)
    return "%d.%02d" % (yuan, fen)


TIERS = ["无账户无生育", "无账户含生育", "有账户无生育", "有账户含生育"]


def mixed(rnd, days, n, csv, lines):
    if csv:
        lines.append("缴费方案,缴费日期,档次,缴费基数,人员身份")
    for _ in range(n):
        scheme = rnd.randrange(3)
        if scheme == 0:
            d = days[rnd.randrange(365)]
            lines.append("日照,%s,,," % d if csv else '{"缴费方案": "日照", "缴费日期": "%s"}' % d)
        elif scheme == 1:
            tier = TIERS[rnd.randrange(4)]
            if rnd.randrange(100) == 0:  # out of bounds: an error of the outputs that read the base
                yuan = rnd.choice([rnd.randrange(1000, 4242), rnd.randrange(21208, 50000)])
            else:
                yuan = rnd.randrange(4242, 21207)
            fen = rnd.choice([0, 50, rnd.randrange(100)])
            base = yuan_text(yuan, fen)
            lines.append("潍坊,,%s,%s," % (tier, base) if csv else
                         '{"缴费方案": "潍坊", "档次": "%s", "缴费基数": %s}' % (tier, base))
        else:
            who = "退休" if rnd.randrange(5) == 0 else "在职"
            lines.append("渭南,,,,%s" % who if csv else '{"缴费方案": "渭南", "人员身份": "%s"}' % who)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("policy", choices=["rizhao", "halffen", "mixed"])
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
    elif a.policy == "mixed":
        mixed(rnd, days, a.n, csv, lines)
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
