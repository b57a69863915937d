#!/usr/bin/env python3
"""Differential test of runtime/dec.c against Python's fractions and decimal.

    python3 dec_oracle.py <path-to-dec_calc> --cases N --seed S

Generates N random commands for dec_calc (see tests/unit/dec_calc.c), works
out every expected output line independently here -- exact values with
fractions.Fraction, rounding with decimal.Decimal.quantize in a context large
enough never to round by itself -- runs dec_calc once with all commands on
standard input, and compares line by line.  Prints the first 20 mismatches
and a last line "N passed, M failed"; exits 0 only if none failed.  The same
seed always gives the same cases.

The model below restates the contract of runtime/dec.h / docs/numbers.md:
  * a value is a decimal (coef, scale) with 0 <= scale <= 400, or a rational
    with no finite decimal expansion;
  * add/sub keep max(scales); mul adds scales (beyond 400 only if the extra
    digits are trailing zeros, which are dropped; otherwise a limit error);
    div and anything involving a rational give the minimal scale;
  * every coefficient, numerator and denominator has at most 8192 bits;
  * round gives scale max(places, 0); places beyond +-400 are a limit error.
"""

import argparse
import decimal
import random
import re
import subprocess
import sys
from fractions import Fraction

MAX_DIGITS = 400
MAX_SCALE = 400
MAX_BITS = 8192
MAX_PLACES = 400
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1

E_SYNTAX = "error: not a number"
E_DIV0 = "error: division by zero"
E_LIMIT = "error: number too large or too precise"
E_NOTFINITE = "error: no finite decimal expansion"

MODES = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
    "floor": decimal.ROUND_FLOOR,
    "ceiling": decimal.ROUND_CEILING,
}

# Big enough that no operation below ever rounds or overflows by itself.
CTX = decimal.Context(prec=20000, Emax=10**7, Emin=-10**7,
                      traps=[decimal.InvalidOperation, decimal.Overflow,
                             decimal.DivisionByZero])


class Fail(Exception):
    """An expected error line."""


# ---------------------------------------------------------------- the model
# A value is ("d", coef, scale) or ("q", Fraction).

def mkdec(coef, scale):
    assert 0 <= scale <= MAX_SCALE
    if abs(coef).bit_length() > MAX_BITS:
        raise Fail(E_LIMIT)
    return ("d", coef, scale)


def frac(v):
    if v[0] == "d":
        return Fraction(v[1], 10 ** v[2])
    return v[1]


def from_fraction(f):
    """Normalise an exact result: terminating -> minimal-scale decimal."""
    num, den = f.numerator, f.denominator
    twos = fives = 0
    rest = den
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest == 1:
        k = max(twos, fives)
        if k > MAX_SCALE:
            raise Fail(E_LIMIT)
        return mkdec(num * 10 ** k // den, k)
    if num.bit_length() > MAX_BITS or den.bit_length() > MAX_BITS:
        raise Fail(E_LIMIT)
    return ("q", f)


GRAMMAR = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?)([0-9]+))?(%?)")


def parse(s):
    m = GRAMMAR.fullmatch(s)
    if not m:
        raise Fail(E_SYNTAX)
    _sign, intd, fracd, _esign, expd, pct = m.groups()
    fracd = fracd or ""
    if not intd and not fracd:
        raise Fail(E_SYNTAX)
    if expd is not None and len(expd) > 4:
        raise Fail(E_LIMIT)
    # the value and the written exponent, from the decimal module
    d = decimal.Decimal(s[:-1] if pct else s)
    sign, digits, exp = d.as_tuple()
    if pct:
        exp -= 2
    scale = -exp
    if scale > MAX_SCALE or scale < -MAX_SCALE:
        raise Fail(E_LIMIT)
    if len((intd + fracd).lstrip("0")) > MAX_DIGITS:
        raise Fail(E_LIMIT)
    coef = int("".join(map(str, digits)))
    if sign:
        coef = -coef
    if scale < 0:
        coef *= 10 ** -scale
        scale = 0
    return mkdec(coef, scale)


def add(a, b, sign=1):
    if a[0] == "d" and b[0] == "d":
        s = max(a[2], b[2])
        return mkdec(a[1] * 10 ** (s - a[2]) + sign * b[1] * 10 ** (s - b[2]), s)
    return from_fraction(frac(a) + sign * frac(b))


def mul(a, b):
    if a[0] == "d" and b[0] == "d":
        c, s = a[1] * b[1], a[2] + b[2]
        if s > MAX_SCALE:
            k = 10 ** (s - MAX_SCALE)
            if c % k:
                raise Fail(E_LIMIT)
            c, s = c // k, MAX_SCALE
        return mkdec(c, s)
    return from_fraction(frac(a) * frac(b))


def div(a, b):
    if frac(b) == 0:
        raise Fail(E_DIV0)
    return from_fraction(frac(a) / frac(b))


def cmp(a, b):
    fa, fb = frac(a), frac(b)
    return (fa > fb) - (fa < fb)


def to_decimal_for_rounding(v, places):
    """An exact Decimal for a decimal; for a rational (never exactly on a
    rounding boundary) a Decimal strictly inside the same gap between
    neighbouring boundaries (multiples of 10^-(places+1))."""
    if v[0] == "d":
        c, s = v[1], v[2]
        return decimal.Decimal((1 if c < 0 else 0, tuple(int(ch) for ch in str(abs(c))), -s))
    f = v[1]
    k = places + 1
    mag = abs(f) * Fraction(10) ** k
    t = mag.numerator // mag.denominator          # truncated, exact < t+1
    assert Fraction(t) != mag
    digits = tuple(int(ch) for ch in str(t * 10 + 1))
    return decimal.Decimal((1 if f < 0 else 0, digits, -(k + 1)))


def round_(v, places, mode):
    if places < -MAX_PLACES or places > MAX_PLACES:
        raise Fail(E_LIMIT)
    d = to_decimal_for_rounding(v, places)
    q = d.quantize(decimal.Decimal((0, (1,), -places)), rounding=MODES[mode], context=CTX)
    outs = max(places, 0)
    f = Fraction(q) * 10 ** outs
    assert f.denominator == 1
    return mkdec(f.numerator, outs)


def fmt(v, min_places):
    if v[0] == "q":
        raise Fail(E_NOTFINITE)
    c, s = v[1], v[2]
    text = format(decimal.Decimal((1 if c < 0 else 0, tuple(int(ch) for ch in str(abs(c))), -s)), "f")
    if c == 0:
        text = text.lstrip("-")
    if "." in text:
        ip, fp = text.split(".")
    else:
        ip, fp = text, ""
    fp = fp.rstrip("0")
    mp = max(min_places, 0)
    if len(fp) < mp:
        fp += "0" * (mp - len(fp))
    return ip + ("." + fp if fp else "")


def show(v):
    if v[0] == "q":
        f = v[1]
        return "%d/%d" % (f.numerator, f.denominator)
    return fmt(v, 0)


def is_int(v):
    return v[0] == "d" and v[1] % 10 ** v[2] == 0


# ---------------------------------------------------------------- generation

INVALID = ["-", "+", ".", "1..2", "1e", "1e+", "0x10", "1,000", "nan", "NaN", "inf",
           "Infinity", "%", "5%%", "+-1", "--1", "e5", ".e1", "1.2.3", "1e5.5",
           "12a", "a12", "%5", "1_000", "1e%", "-.", "1ee5", "5%1"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.pool = []        # line numbers with value results
        self.rat_pool = []    # ... that are rationals
        self.big_pool = []    # ... that are large decimals
        self.queue = []       # commands to emit next
        self.n = 0            # line number of the last command made

    def digits(self, n):
        r = self.r
        if n <= 0:
            return ""
        return str(r.randint(1, 9)) + "".join(r.choice("0123456789") for _ in range(n - 1))

    def sign(self):
        return "-" if self.r.random() < 0.35 else ("+" if self.r.random() < 0.05 else "")

    def lit_decimal(self, nd, scale):
        """A literal with nd significant digits and `scale` fractional digits."""
        d = self.digits(nd) if nd > 0 else "0"
        if scale <= 0:
            return d + "0" * (-scale)
        if len(d) <= scale:
            d = "0" * (scale - len(d) + 1) + d
        return d[:-scale] + "." + d[-scale:]

    def literal(self):
        r = self.r
        k = r.random()
        if k < 0.22:
            return self.sign() + str(r.randint(0, 10 ** r.randint(1, 7)))
        if k < 0.45:
            return self.sign() + self.lit_decimal(r.randint(1, 18), r.randint(0, 8))
        if k < 0.52:
            b = r.choice([INT64_MAX, INT64_MAX - 1, 1 << 63, (1 << 63) + 1, 10 ** 18,
                          10 ** 19 - 1, 10 ** 19, 3037000499, 3037000500, 4294967296,
                          999999999999999999, 922337203685477580])
            s = r.choice([0, 0, 1, 2, 9, 18, 19, 30])
            txt = str(b)
            if s:
                txt = txt.rjust(s + 1, "0")
                txt = txt[:-s] + "." + txt[-s:]
            return self.sign() + txt
        if k < 0.62:
            nd = r.randint(19, MAX_DIGITS)
            return self.sign() + self.lit_decimal(nd, r.randint(0, min(nd + 5, MAX_SCALE)))
        if k < 0.68:
            nd = r.randint(1, 30)
            return self.sign() + self.lit_decimal(nd, r.randint(30, MAX_SCALE))
        if k < 0.76:
            mant = self.lit_decimal(r.randint(1, 25), r.randint(0, 6))
            e = r.choice([r.randint(-60, 60), r.randint(-410, 410), r.randint(-9999, 9999)])
            es = r.choice(["e", "E"])
            etxt = str(e) if e < 0 else r.choice(["", "+"]) + str(e)
            if r.random() < 0.1:
                etxt = etxt.replace(str(abs(e)), str(abs(e)).rjust(r.randint(1, 6), "0"))
            return self.sign() + mant + es + etxt
        if k < 0.83:
            return self.sign() + self.lit_decimal(r.randint(1, 8), r.randint(0, 4)) + "%"
        if k < 0.90:
            return self.sign() + r.choice(["0", "0.0", "0.000", "00", ".0", "0.", "0e5",
                                           "0e-7", "0.00%", "000.000100"])
        if k < 0.95:
            return self.sign() + r.choice(["5.", ".5", ".25", "1.e3", ".5e-3", "7.E+2"])
        # near the parse limits
        return r.choice(["1e400", "-1e400", "1e-400", "1e-401", "1e401", "1e0400",
                         "1e00001", "1" * 400, "9" * 401, "0." + "0" * 399 + "1",
                         "0." + "0" * 400 + "1", "0" * 500 + "7",
                         "0." + "0" * 398 + "1%", "1" + "0" * 399 + "e-800"])

    def tie(self, places):
        """A literal exactly halfway between two multiples of 10^-places (or a
        near miss)."""
        r = self.r
        k = r.randint(0, 10 ** r.randint(0, 8))
        tail = r.choice(["5", "5", "5000", "49", "51", "4999", "5001"])
        digs = str(k) + tail
        scale = places + len(tail)
        if scale <= 0:
            txt = digs + "0" * (-scale)
        else:
            digs = digs.rjust(scale + 1, "0")
            txt = digs[:-scale] + "." + digs[-scale:]
        return self.sign() + txt

    def lit_decimal_exact(self, c, scale):
        """The integer c written with `scale` trailing fractional zeros."""
        return str(c) + ("." + "0" * scale if scale else "")

    def wide(self, scale):
        """A literal whose coefficient is near the int64 limits."""
        r = self.r
        c = r.choice([INT64_MAX, INT64_MAX - 1, 1 << 63, (1 << 63) + 1, 5 * 10 ** 18,
                      5 * 10 ** 18 - 1, 5 * 10 ** 18 + 1, 10 ** 19 - 1, 10 ** 18,
                      r.randint(1, 10 ** 19), 9223372036854775800, 1 << 64])
        c *= r.choice([1, 1, 1, 10, 100])
        txt = str(c)
        if scale > 0:
            txt = txt.rjust(scale + 1, "0")
            txt = txt[:-scale] + "." + txt[-scale:]
        return r.choice(["", "-"]) + txt

    def operand(self):
        r = self.r
        if self.pool and r.random() < 0.4:
            x = r.random()
            if self.rat_pool and x < 0.3:
                return "$%d" % r.choice(self.rat_pool[-50:])
            if self.big_pool and x < 0.5:
                return "$%d" % r.choice(self.big_pool[-50:])
            return "$%d" % r.choice(self.pool[-200:])
        return self.literal()

    def divisor(self):
        r = self.r
        if r.random() < 0.5:
            return self.operand()
        return r.choice(["3", "7", "9", "11", "13", "0.3", "6", "12", "-3", "2", "4", "8",
                         "16", "0.25", "0.125", "5", "25", "1.6", "-0.08", "1024", "3125",
                         "0", "0.00", "-0", "65536", "1e-5", "40", str(2 ** 100), "2.0",
                         "0.20", "-0.5", "1.25", "100", "1.000",
                         str(3 ** 50), "2e1", "7%", "0.0625", str(5 ** 60)])

    def command(self):
        """The next command; now and then a value command is followed by a
        check of the scale it produced."""
        self.n += 1
        if self.queue:
            return self.queue.pop()
        cmd = self.fresh()
        if cmd.split()[0] in ("add", "sub", "mul", "div", "round", "parse") and \
                self.r.random() < 0.3:
            self.queue.append("scale $%d" % self.n)
        return cmd

    def fresh(self):
        r = self.r
        op = r.choices(["add", "sub", "mul", "div", "cmp", "round", "parse", "fmt",
                        "neg", "abs", "min", "max", "sign", "isint", "toint", "finite",
                        "scale", "square", "invalid"],
                       weights=[12, 10, 12, 12, 6, 16, 6, 6, 2, 2, 2, 2, 2, 2, 4, 1, 3, 2, 1])[0]
        if op in ("add", "sub", "mul", "cmp", "min", "max"):
            return "%s %s %s" % (op, self.operand(), self.operand())
        if op == "div":
            if r.random() < 0.2:
                # an exact quotient with trailing zeros to drop
                y = r.randint(1, 10 ** r.randint(1, 6)) * r.choice([1, 2, 4, 5, 8, 10, 25])
                x = r.randint(0, 10 ** r.randint(1, 6)) * 10 ** r.randint(0, 4)
                return "div %s%s %s" % (self.sign(), self.lit_decimal_exact(x * y, r.randint(0, 8)),
                                        self.lit_decimal_exact(y, r.randint(0, 5)))
            return "div %s %s" % (self.operand(), self.divisor())
        if op == "square":
            if self.pool:
                t = "$%d" % r.choice(self.big_pool[-20:] + self.pool[-5:] if self.big_pool
                                     else self.pool[-20:])
                return "mul %s %s" % (t, t)
            return "mul 1.1 1.1"
        if op == "round":
            places = r.choice([0, 0, 1, 2, 2, 3, r.randint(-5, 12), r.randint(-30, 40),
                               r.randint(-400, 400), r.choice([-401, 401, 1000, -1000])])
            x = r.random()
            if x < 0.35 and abs(places) < 30:
                a = self.tie(places)
            elif x < 0.45 and 0 <= places <= 40:
                a = self.wide(places + r.choice([18, 19, 19, 20]))
            else:
                a = self.operand()
            return "round %s %d %s" % (a, places, r.choice(list(MODES)))
        if op == "parse":
            return "parse %s" % (r.choice(INVALID) if r.random() < 0.25 else self.literal())
        if op == "fmt":
            return "fmt %s %d" % (self.operand(), r.choice([0, 1, 2, 2, 4, 10, -3]))
        if op in ("toint", "isint", "scale", "sign") and r.random() < 0.5:
            if self.pool and r.random() < 0.5:
                return "%s $%d" % (op, self.pool[-1])
            return "%s %s" % (op, self.wide(r.choice([0, 0, 0, 1, 2, 19, 20])))
        if op == "invalid":
            return r.choice(["add 1", "frob 1 2", "round 1 2 sideways", "fmt 1 x",
                             "round 1 two half_up", "add $0 1", "neg $999999"])
        return "%s %s" % (op, self.operand())


# ---------------------------------------------------------------- evaluation

def evaluate(cmd, values):
    """Expected output line and the value (or None) for one command."""
    tok = cmd.split()
    op = tok[0]

    def opnd(t):
        if t.startswith("$"):
            k = int(t[1:]) if t[1:].isdigit() else 0
            if k < 1 or k > len(values) or values[k - 1] is None:
                raise Fail("error: bad reference")
            return values[k - 1]
        return parse(t)

    arity = {"add": 3, "sub": 3, "mul": 3, "div": 3, "min": 3, "max": 3, "cmp": 3,
             "neg": 2, "abs": 2, "parse": 2, "round": 4, "fmt": 3, "sign": 2,
             "isint": 2, "finite": 2, "toint": 2, "scale": 2}
    try:
        if op not in arity or len(tok) != arity[op]:
            raise Fail("error: bad command")
        if op in ("add", "sub", "mul", "div", "min", "max", "cmp"):
            a = opnd(tok[1])
            b = opnd(tok[2])
            if op == "cmp":
                return str(cmp(a, b)), None
            v = {"add": lambda: add(a, b), "sub": lambda: add(a, b, -1),
                 "mul": lambda: mul(a, b), "div": lambda: div(a, b),
                 "min": lambda: a if cmp(a, b) <= 0 else b,
                 "max": lambda: a if cmp(a, b) >= 0 else b}[op]()
            return show(v), v
        if op == "round":
            a = opnd(tok[1])
            if not re.fullmatch(r"-?[0-9]+", tok[2]) or tok[3] not in MODES:
                raise Fail("error: bad command")
            v = round_(a, int(tok[2]), tok[3])
            return show(v), v
        if op == "fmt":
            a = opnd(tok[1])
            if not re.fullmatch(r"-?[0-9]+", tok[2]):
                raise Fail("error: bad command")
            return fmt(a, int(tok[2])), None
        a = opnd(tok[1])
        if op == "parse":
            return show(a), a
        if op == "neg":
            v = ("q", -a[1]) if a[0] == "q" else ("d", -a[1], a[2])
            return show(v), v
        if op == "abs":
            v = ("q", abs(a[1])) if a[0] == "q" else ("d", abs(a[1]), a[2])
            return show(v), v
        if op == "sign":
            return str(cmp(a, ("d", 0, 0))), None
        if op == "isint":
            return ("true" if is_int(a) else "false"), None
        if op == "finite":
            return ("true" if a[0] == "d" else "false"), None
        if op == "toint":
            if is_int(a):
                n = a[1] // 10 ** a[2]
                if INT64_MIN <= n <= INT64_MAX:
                    return str(n), None
            return "none", None
        if op == "scale":
            return (str(a[2]) if a[0] == "d" else "rat"), None
    except Fail as e:
        return str(e), None
    raise AssertionError(cmd)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dec_calc")
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    gen = Gen(args.seed)
    cmds, expected, values = [], [], []
    for i in range(args.cases):
        cmd = gen.command()
        exp, val = evaluate(cmd, values)
        cmds.append(cmd)
        expected.append(exp)
        values.append(val)
        if val is not None:
            n = i + 1
            gen.pool.append(n)
            if val[0] == "q":
                gen.rat_pool.append(n)
            elif abs(val[1]).bit_length() > 63:
                gen.big_pool.append(n)

    proc = subprocess.run([args.dec_calc], input="".join(c + "\n" for c in cmds),
                          capture_output=True, text=True)
    got = proc.stdout.split("\n")
    if got and got[-1] == "":
        got.pop()

    failed = 0
    for i, cmd in enumerate(cmds):
        out = got[i] if i < len(got) else "<missing>"
        if out != expected[i]:
            failed += 1
            if failed <= 20:
                def cut(s):
                    return s if len(s) <= 300 else s[:300] + "...(%d chars)" % len(s)
                print("case %d: %s\n  expected: %s\n  got:      %s"
                      % (i + 1, cut(cmd), cut(expected[i]), cut(out)))
    broken = False
    extra = len(got) - len(cmds)
    if extra > 0:
        print("dec_calc printed %d extra lines, first: %s" % (extra, got[len(cmds)][:300]))
        broken = True
    if proc.returncode != 0:
        print("dec_calc exited with status %d" % proc.returncode)
        broken = True
    if proc.stderr:
        print("dec_calc wrote to stderr:\n" + proc.stderr[:3000])
        broken = True
    if broken and failed == 0:
        failed = 1  # the run as a whole failed even if every line matched
    print("%d passed, %d failed" % (len(cmds) - failed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
