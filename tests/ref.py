#!/usr/bin/env python3
"""ref.py - the reference result: Python's own map and reduce over ranges.

usage: ref.py [--truncate] [--map OP] [--reduce OP] START:STOP[:STEP] ...

Prints reduce(REDUCE, map(MAP, *ranges)) with Python integers, the
computation that mapreduce must reproduce exactly: by default
reduce(add, map(product, *ranges), 0).  MAP is product, sum, min, max or
square; REDUCE is sum (from 0), product (from 1), min or max (no initial
value: an empty map is an error, as in Python).  With no range it uses the
default ranges, range(1, 101) and range(101, 201).
"""
import sys
from functools import reduce
from math import prod
from operator import add, mul

MAPS = {
    "product": lambda *xs: prod(xs),
    "sum": lambda *xs: sum(xs),
    "min": min,
    "max": max,
    "square": lambda x: x * x,
}
REDUCES = {
    "sum": lambda vals: reduce(add, vals, 0),
    "product": lambda vals: reduce(mul, vals, 1),
    "min": lambda vals: reduce(min, vals),
    "max": lambda vals: reduce(max, vals),
}

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)	# products of thousands of elements
args = sys.argv[1:]
truncate = False
map_op, reduce_op, specs = "product", "sum", []
while args:
    a = args.pop(0)
    if a == "--truncate":
        truncate = True
    elif a == "--map":
        map_op = args.pop(0)
    elif a == "--reduce":
        reduce_op = args.pop(0)
    else:
        specs.append(a)
ranges = [range(*(int(f) for f in s.split(":"))) for s in specs or
          ["1:101", "101:201"]]
if not truncate and len({len(r) for r in ranges}) > 1:
    sys.exit("ref.py: ranges differ in length")
print(REDUCES[reduce_op](map(MAPS[map_op], *ranges)))
