#!/usr/bin/env python3
"""Generates large policy sources for the compile-time rows of bench/run.sh.

  gen_source.py outputs BYTES FILE    outputs of a fee formula until the file is
                                      BYTES long (the source limit is 16 MiB)
  gen_source.py versions N FILE       one parameter with N dated versions, a day each
  gen_source.py count N FILE          N outputs of that fee formula (input 缴费基数)

Deterministic: the same arguments give the same file."""
import datetime, sys


def outputs(size, path, count=None, base="基数"):
    head = ('policy "compile bench" { region "x" untested "a benchmark" }\n'
            'input %s: money cite "x"\n'
            'param 费率: rate = 5%% cite "x"\n') % base
    out = [head]
    total = len(head.encode())
    i = 0
    while True:
        line = 'output 缴费%d: money = round(%s * 费率 + %d.%02d, 2) cite "一(%d)"\n' % (i, base, i % 1000, i % 100, i % 9)
        b = len(line.encode())
        if (count is None and total + b > size) or (count is not None and i == count):
            break
        out.append(line)
        total += b
        i += 1
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))
    return i


def versions(n, path):
    d0 = datetime.date(1900, 1, 1)
    lines = ['policy "compile bench" { region "x" }', 'input 日期: date cite "x"', 'param 基数: money cite "x" {']
    for i in range(n):
        a = (d0 + datetime.timedelta(days=i)).isoformat()
        lines.append('  %s..%s = %d.%02d' % (a, a, 1000 + i // 100, i % 100))
    lines += ['}', 'output 当日基数: money = 基数[日期] cite "x"']
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return n


if __name__ == "__main__":
    kind, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind == "count":
        print(outputs(None, path, count=count, base="缴费基数"))
    else:
        print((outputs if kind == "outputs" else versions)(count, path))
