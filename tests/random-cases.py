#!/usr/bin/env python3
"""random-cases.py - random range sets for mapreduce, with Python's answers

usage: random-cases.py SEED COUNT

Prints COUNT lines, one a case, and nothing else: the expected sum, a tab,
then the mapreduce arguments of the case, separated by single spaces and
free of glob characters (e.g. "-w 3 -r 5:-100:-7 -r 0:15:1").  The same
SEED (an integer) always gives the same cases.

The expected sum is reduce(add, map(product, *ranges), 0) over Python
range objects with Python integers: it never comes from mapreduce.

The cases cover: 1 to 4 ranges; steps of either sign, from 1 up to
2^63 - 1 and INT64_MIN itself; empty ranges (START == STOP, or STOP on the
wrong side); bounds at and near INT64_MIN and INT64_MAX, so that products
and sums pass 2^128, and small ones; lengths from 0 to 10^5; stops that
fall on an element boundary or inside a step; ranges of one length, and
ranges of different lengths with -t (as Python's map, the shortest wins);
1 to 8 workers, often more than there are elements.  Every START, STOP and
STEP fits in a signed 64-bit integer.
"""
import sys
from functools import reduce
from math import prod
from operator import add
from random import Random

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
MAX_LEN = 10 ** 5


def clamp(v):
    return max(INT64_MIN, min(INT64_MAX, v))


def pick_len(rng):
    """A number of elements, from 0 to MAX_LEN, mostly small."""
    return rng.choices(
        [0, 1, rng.randint(2, 9), rng.randint(10, 999),
         rng.randint(1000, 9999), rng.randint(10000, MAX_LEN), MAX_LEN],
        weights=[7, 7, 20, 33, 16, 14, 3])[0]


def pick_start(rng):
    """A START: small, mid-sized, near or at one end of int64, or anywhere."""
    kind = rng.choices(["small", "mid", "big", "near_max", "near_min",
                        "max", "min", "any"],
                       weights=[25, 10, 10, 15, 15, 5, 5, 15])[0]
    if kind == "small":
        return rng.randint(-100, 100)
    if kind == "mid":
        return rng.randint(-10 ** 9, 10 ** 9)
    if kind == "big":
        return rng.choice([-1, 1]) * rng.randint(1 << 40, 1 << 62)
    if kind == "near_max":
        return INT64_MAX - rng.randint(0, 10 ** 6)
    if kind == "near_min":
        return INT64_MIN + rng.randint(0, 10 ** 6)
    if kind == "max":
        return INT64_MAX
    if kind == "min":
        return INT64_MIN
    return rng.randint(INT64_MIN, INT64_MAX)


def pick_step(rng, start):
    """A STEP, never 0; its sign leans towards the far side of START."""
    kind = rng.choices(["one", "small", "mid", "huge", "min"],
                       weights=[35, 30, 20, 10, 5])[0]
    if kind == "min":
        return INT64_MIN
    mag = {"one": lambda: 1,
           "small": lambda: rng.randint(2, 10),
           "mid": lambda: rng.randint(11, 10 ** 12),
           "huge": lambda: rng.randint(1 << 50, INT64_MAX)}[kind]()
    inward = -1 if start > 0 else 1
    return mag * (inward if rng.random() < 0.75 else -inward)


def stop_for(rng, start, step, n):
    """A STOP giving range(START, STOP, STEP) n elements where int64
    allows, fewer where it does not; n == 0 gives an empty range."""
    sign = 1 if step > 0 else -1
    if n == 0:
        if rng.random() < 0.5:
            return start
        # On the wrong side of START, by a little or a lot.
        far = rng.choice([1, rng.randint(1, 1000), rng.randint(1, 1 << 64)])
        return clamp(start - sign * far)
    if rng.random() < 0.5:
        return clamp(start + n * step)      # just past the last element
    last = start + (n - 1) * step           # somewhere inside the last step
    return clamp(last + sign * rng.randint(1, abs(step)))


def fmt(start, stop, step, rng):
    if step == 1 and rng.random() < 0.5:
        return "%d:%d" % (start, stop)
    return "%d:%d:%d" % (start, stop, step)


def make_case(rng):
    arity = rng.randint(1, 4)
    truncate = rng.random() < 0.2
    starts = [pick_start(rng) for _ in range(arity)]
    steps = [pick_step(rng, s) for s in starts]
    if truncate:
        # Each range its own length; map() stops at the shortest.
        stops = [stop_for(rng, a, s, pick_len(rng))
                 for a, s in zip(starts, steps)]
    else:
        # One length for all: the shortest that int64 lets every range
        # reach, then each STOP rebuilt for exactly that length.
        n = pick_len(rng)
        n = min(len(range(a, stop_for(rng, a, s, n), s))
                for a, s in zip(starts, steps))
        stops = [stop_for(rng, a, s, n) for a, s in zip(starts, steps)]
    ranges = [range(*t) for t in zip(starts, stops, steps)]
    for v in starts + stops + steps:
        assert INT64_MIN <= v <= INT64_MAX, v
    if not truncate:
        assert len({len(r) for r in ranges}) == 1, ranges
    # No range is longer than MAX_LEN, so Python's work stays small.
    assert max(len(r) for r in ranges) <= MAX_LEN
    expected = reduce(add, map(lambda *xs: prod(xs), *ranges), 0)

    n = min(len(r) for r in ranges)
    # Workers 1 to 8; when there are few elements, often more than them.
    if n < 8 and rng.random() < 0.5:
        workers = rng.randint(n + 1, 8)
    else:
        workers = rng.randint(1, 8)
    args = ["-w", str(workers)]
    if truncate:
        args.append("-t")
    for a, b, s in zip(starts, stops, steps):
        args += ["-r", fmt(a, b, s, rng)]
    return expected, args


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: random-cases.py SEED COUNT")
    try:
        seed, count = int(sys.argv[1]), int(sys.argv[2])
    except ValueError:
        sys.exit("random-cases.py: SEED and COUNT must be integers")
    rng = Random(seed)
    for _ in range(count):
        expected, args = make_case(rng)
        print("%d\t%s" % (expected, " ".join(args)))


if __name__ == "__main__":
    main()
