#!/usr/bin/env python3
"""ref.py - the reference result: Python's own map and reduce over ranges.

usage: ref.py [--truncate] START:STOP[:STEP] ...

Prints reduce(sum, map(product, *ranges)) with Python integers, the
computation that mapreduce must reproduce exactly.  With no range it uses
the default ranges, range(1, 101) and range(101, 201).
"""
import sys
from functools import reduce
from math import prod

args = sys.argv[1:]
truncate = "--truncate" in args
specs = [a for a in args if a != "--truncate"] or ["1:101", "101:201"]
ranges = [range(*(int(f) for f in s.split(":"))) for s in specs]
if not truncate and len({len(r) for r in ranges}) > 1:
    sys.exit("ref.py: ranges differ in length")
print(reduce(lambda x, y: x + y, map(lambda *xs: prod(xs), *ranges), 0))
