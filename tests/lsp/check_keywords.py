#!/usr/bin/env python3
"""The lexer's keyword table (pol_keywords in grammar/lexer.l, which the
language server completes from) lists exactly the spellings of the lexer's
keyword rules, each with the first (English) spelling of its rule."""
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
rules = re.findall(r'^((?:"[^"]+"\|?)+)\s+\{[^\n]*return (?:KW_\w+|BOOL)', text, re.M)
want = []
for spellings in rules:
    sp = re.findall(r'"([^"]+)"', spellings)
    want += [(s, sp[0]) for s in sp]
table = text[text.index("const pol_keyword pol_keywords[] = {"):]
table = table[:table.index("};")]
got = re.findall(r'\{"([^"]+)", "([^"]+)"\}', table)
if sorted(got) != sorted(want):
    print("pol_keywords differs from the keyword rules:")
    print("  only in the rules:", sorted(set(want) - set(got)))
    print("  only in the table:", sorted(set(got) - set(want)))
    sys.exit(1)
print(f"{len(got)} keyword spellings, table and rules agree")
