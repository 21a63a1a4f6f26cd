#!/usr/bin/env python3
"""t-dsum-python.py - dsum.c against Python: exact sums, min and max, repr

usage: tests/unit/t-dsum-python.py   (after make tests/unit/t-dsum)

Feeds random and adversarial arrays of doubles, as hex floats, to the
driver mode of tests/unit/t-dsum, which sums each three ways (in one call,
term by term, in random pieces merged through the wire form), and compares
every result bit for bit with Python: the exact sum of the terms as a
Python integer in units of 2^-1074, rounded by Python's correctly rounded
int / int, with math.fsum as a second opinion where it has one.  NaN and
the infinities follow IEEE addition, which math.fsum does not (it raises).
A zero sum is 0.0, as math.fsum and reduce(add, values, 0) give it.
dsum_format() must print what repr() prints.  Each check
runs twice: on the AVX2 path when the CPU has it, and on the portable one.

SEED (default 1) chooses the cases.  T_DSUM names another driver, and
TEST_EXEC a command that runs it (make check-aarch64: qemu-aarch64).
Prints TAP.
"""
import math
import os
import random
import shlex
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.environ.get("T_DSUM", os.path.join(HERE, "t-dsum"))
UNIT = 2 ** 1074            # every finite double is a multiple of 2^-1074
DBL_MAX = sys.float_info.max
TINY = 5e-324

count = 0
failed = 0


def ok(cond, name, details=()):
    global count, failed
    count += 1
    if not cond:
        failed += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (count, name))
    for line in details:
        print("#   " + line)


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def same(x, y):
    return math.isnan(y) if math.isnan(x) else bits(x) == bits(y)


def is_minus_zero(x):
    return x == 0 and math.copysign(1, x) < 0


def expected_sum(xs):
    """The sum rounded once, from Python's integers; None if oracles differ."""
    if any(math.isnan(x) for x in xs) or (math.inf in xs and -math.inf in xs):
        return math.nan
    if math.inf in xs:
        return math.inf
    if -math.inf in xs:
        return -math.inf
    total = 0
    for x in xs:
        p, q = x.as_integer_ratio()
        total += p * (UNIT // q)
    if total == 0:
        return 0.0
    try:
        want = total / UNIT         # int / int is correctly rounded
    except OverflowError:
        want = math.inf if total > 0 else -math.inf
    try:
        second = math.fsum(xs)
    except OverflowError:       # "intermediate overflow": no opinion
        second = want
    return want if same(want, second) else None


def expected_minmax(xs):
    if any(math.isnan(x) for x in xs):
        return math.nan, math.nan
    lo = min(xs, default=math.inf)
    hi = max(xs, default=-math.inf)
    if lo == 0:
        lo = -0.0 if any(is_minus_zero(x) for x in xs) else 0.0
    if hi == 0:
        hi = 0.0 if any(x == 0 and not is_minus_zero(x) for x in xs) else -0.0
    return lo, hi


# Cases: each maker returns a list of doubles.

def pi_like(rng):
    """4 / (1 + x^2) at the midpoints of a piece of [0, 1], as cpi.c."""
    n = rng.choice([1, 7, 8, 9, 4095, 4096, 4097, 8195, rng.randrange(20000)])
    total = rng.choice([n, 10 ** 9, rng.randrange(n, 10 ** 12)])
    first = rng.randrange(total - n + 1)
    h = 1.0 / total
    return [4.0 / (1.0 + x * x) for x in
            (h * (i + 0.5) for i in range(first, first + n))]


def random_bits(rng, n=None):
    out = []
    for _ in range(rng.randrange(3000) if n is None else n):
        x = math.nan
        while not math.isfinite(x):
            x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        out.append(x)
    return out


def log_uniform(rng):
    """Magnitudes from 1e-300 to 1e300, either sign."""
    return [rng.choice((-1, 1)) * 10.0 ** rng.uniform(-300, 300)
            for _ in range(rng.randrange(10000))]


def cancellation(rng):
    """x and -x, shuffled, with a few small terms left over."""
    xs = random_bits(rng, rng.randrange(2000)) + log_uniform(rng)[:2000]
    xs += [-x for x in xs]
    xs += [rng.choice((1, -1)) * 2.0 ** rng.randrange(-1074, 0)
           for _ in range(rng.randrange(4))]
    rng.shuffle(xs)
    return xs


def near_overflow(rng):
    xs = [rng.choice((DBL_MAX, -DBL_MAX, 2.0 ** 1023, -2.0 ** 1023))
          for _ in range(rng.randrange(1, 12))]
    xs += [rng.choice((1, -1)) * 2.0 ** rng.randrange(960, 1000)
           for _ in range(rng.randrange(4))]
    rng.shuffle(xs)
    return xs


def subnormals(rng):
    return [rng.choice((1, -1)) * TINY * rng.randrange(1, 2 ** 53)
            for _ in range(rng.randrange(1, 5000))]


def ties(rng):
    """x plus exactly half its ulp, in pieces, maybe with a little more."""
    x = random_bits(rng, 1)[0]
    while abs(x) > 1e300 or abs(x) < 1e-290:
        x = random_bits(rng, 1)[0]
    half = math.ulp(x) / 2
    k = rng.randrange(1, 9)
    xs = [x] + [half / 2 ** k] * 2 ** k
    if rng.random() < 0.5:
        xs.append(rng.choice((1, -1)) * half * 2.0 ** -rng.randrange(1, 80))
    rng.shuffle(xs)
    return xs


def rare_tiny(rng):
    """Mostly one binade, and a few values far below it."""
    xs = [rng.uniform(2, 4) for _ in range(rng.randrange(10000))]
    for _ in range(rng.randrange(1, 20)):
        if xs:
            xs[rng.randrange(len(xs))] = rng.choice((1, -1)) * \
                2.0 ** rng.randrange(-1074, -20) * rng.uniform(1, 2)
    return xs


def window_edges(rng):
    """Values at the bottom of the fast path's window [2^(e-31), 2^e)."""
    e = rng.randrange(-990, 1000)
    xs = []
    for _ in range(rng.randrange(1, 6000)):
        k = rng.choice((1, 29, 30, 31, 32, 33, rng.randrange(1, 60)))
        x = 2.0 ** (e - k)
        xs.append(rng.choice((1, -1)) * rng.choice((x, x * rng.uniform(1, 2))))
    return xs


def zeros(rng):
    n = rng.choice([1, 2, 4096, 4097, 9000])
    xs = [-0.0] * n
    if rng.random() < 0.5:
        xs[rng.randrange(n)] = rng.choice((0.0, 1e-300, -TINY))
    return xs


def specials(rng):
    xs = pi_like(rng)
    for _ in range(rng.randrange(1, 4)):
        xs.insert(rng.randrange(len(xs) + 1),
                  rng.choice((math.nan, math.inf, -math.inf)))
    return xs


def drift(rng):
    n = rng.randrange(1, 30000)
    first = rng.randrange(1, 10 ** 6)
    kind = rng.randrange(4)
    if kind == 0:
        return [float(i) for i in range(first, first + n)]
    if kind == 1:
        return [1.0 / i / i for i in range(first, first + n)]
    if kind == 2:
        return [math.sin(i) for i in range(first, first + n)]
    return [(-1) ** i * 2.0 ** (i % 1500 - 750) for i in range(n)]


def huge(rng):
    """Values of 2^1012 and more, which skip the fast path."""
    return [rng.choice((1, -1)) * 2.0 ** rng.uniform(1000, 1023.99)
            for _ in range(rng.randrange(1, 5000))]


MAKERS = [pi_like, random_bits, log_uniform, cancellation, near_overflow,
          subnormals, ties, rare_tiny, window_edges, zeros, specials, drift,
          huge]
FIXED = [[], [-0.0], [-0.0, -0.0], [0.0, -0.0], [1.0, -1.0],
         [1.0, 2.0 ** -53], [1.0, 2.0 ** -53, TINY],
         [1.0 + 2.0 ** -52, 2.0 ** -53], [DBL_MAX, DBL_MAX],
         [DBL_MAX, DBL_MAX, -DBL_MAX], [DBL_MAX, 2.0 ** 970],
         [DBL_MAX, 2.0 ** 969, 2.0 ** 900], [-DBL_MAX, -(2.0 ** 970)],
         [math.inf, -math.inf], [math.nan], [1e308, 1e308, -1e308],
         [TINY], [TINY, -TINY, TINY], [0.1] * 10, [4.0] * 5000]


def format_cases(rng):
    xs = random_bits(rng, 20000)
    for e in range(-12, 26):
        p = 10.0 ** e
        xs += [p, math.nextafter(p, 0), math.nextafter(p, math.inf),
               -p, 9.5 * p, 0.1 * p]
    xs += [0.0, -0.0, math.inf, -math.inf, math.nan, TINY, DBL_MAX,
           sys.float_info.min, 2.0 ** 50 + 0.25, 2.0 ** 50 + 0.75,
           2.0 ** 52 + 0.5, 2.0 ** 53, 2.0 ** 63, 1 / 3, 2 / 3,
           9999999999999998.0, 0.00009999999999999999, 1e-4, 123e-7,
           math.pi, math.e] + [k / 10 for k in range(-30, 31)]
    xs += [rng.randrange(-10 ** 6, 10 ** 6) / 10 ** rng.randrange(8)
           for _ in range(2000)]
    xs += [TINY * rng.randrange(1, 2 ** 52) for _ in range(500)]
    # Powers of two: the interval that reads back is lopsided there, and
    # the nearest digits of a length are not always the ones that do.
    xs += [2.0 ** k for k in range(-1074, 1024)]
    return xs


def run_driver(lines, portable):
    env = dict(os.environ)
    env.pop("MAPREDUCE_PORTABLE", None)
    if portable:
        env["MAPREDUCE_PORTABLE"] = "1"
    out = subprocess.run(shlex.split(os.environ.get("TEST_EXEC", "")) +
                         [DRIVER, "--driver"], input="".join(lines),
                         capture_output=True, text=True, env=env,
                         timeout=600)
    if out.returncode != 0:
        return None, "driver exited with %d: %s" % (out.returncode,
                                                    out.stderr.strip())
    return out.stdout.splitlines(), None


def hexes(xs):
    return " ".join(x.hex() for x in xs)


def check_sums(cases, path, portable):
    lines = ["sum %s\n" % hexes(xs) for _, xs in cases]
    got, err = run_driver(lines, portable)
    bad = [] if err is None else [err]
    oracle_bad = []
    for k, (name, xs) in enumerate(cases):
        want = expected_sum(xs)
        if want is None:
            oracle_bad.append("case %d (%s): int / int and math.fsum differ"
                              % (k, name))
            continue
        if got is None:
            continue
        if k >= len(got):
            bad.append("case %d (%s): no output" % (k, name))
            continue
        fields = got[k].split()
        if len(fields) != 3:
            bad.append("case %d (%s): %r" % (k, name, got[k]))
            continue
        for way, f in zip(("one call", "term by term", "pieces"), fields):
            if not same(float.fromhex(f), want):
                bad.append("case %d (%s, %d terms, %s): got %s, want %s"
                           % (k, name, len(xs), way, f, want.hex()))
    ok(not oracle_bad, "Python's two oracles agree on %d sums" % len(cases),
       oracle_bad[:5])
    ok(not bad, "%d sums, each three ways, bit for bit as Python (%s)"
       % (len(cases), path), bad[:10])
    by_kind = {}
    for name, _ in cases:
        by_kind[name] = by_kind.get(name, 0) + 1
    print("#   " + ", ".join("%s %d" % kv for kv in sorted(by_kind.items())))


def check_minmax(cases, path, portable):
    lines = ["minmax %s\n" % hexes(xs) for xs in cases]
    got, err = run_driver(lines, portable)
    bad = [] if err is None else [err]
    for k, xs in enumerate(got or []):
        want = expected_minmax(cases[k])
        fields = [float.fromhex(f) for f in xs.split()]
        if len(fields) != 2 or not all(map(same, fields, want)):
            bad.append("case %d: got %s, want %s %s"
                       % (k, xs, want[0].hex(), want[1].hex()))
    ok(not bad and got is not None and len(got) == len(cases),
       "%d min and max, IEEE 754-2019 (%s)" % (len(cases), path), bad[:10])


def check_format(xs, path, portable):
    got, err = run_driver(["format %s\n" % hexes(xs)], portable)
    bad = [] if err is None else [err]
    if got is not None and len(got) != len(xs):
        bad.append("%d lines for %d doubles" % (len(got), len(xs)))
    else:
        for x, g in zip(xs, got or []):
            if g != repr(x):
                bad.append("%s: got '%s', want '%s'" % (x.hex(), g, repr(x)))
    ok(not bad, "dsum_format is repr() on %d doubles (%s)" % (len(xs), path),
       bad[:10])


def main():
    seed = int(os.environ.get("SEED", "1"))
    rng = random.Random(seed)
    print("# seed %d" % seed)
    if not os.access(DRIVER, os.X_OK):
        ok(False, "driver %s" % DRIVER, ["run make tests/unit/t-dsum first"])
        print("1..%d" % count)
        return 1
    cases = [("fixed", xs) for xs in FIXED]
    for _ in range(20):
        for maker in MAKERS:
            cases.append((maker.__name__, maker(rng)))
    minmax = [[rng.choice((0.0, -0.0, 1.0, -1.0, math.inf, -math.inf))
               for _ in range(rng.randrange(40))] for _ in range(200)]
    for signed in ((0.0, -0.0, 1.0, 2.5), (0.0, -0.0, -1.0, -2.5)):
        minmax += [[rng.choice(signed) for _ in range(rng.randrange(40))]
                   for _ in range(100)]    # zeros at the end of min or max
    minmax += [random_bits(rng, rng.randrange(100)) for _ in range(100)]
    minmax += [xs + [math.nan] for xs in minmax[:50]]
    fmt = format_cases(rng)
    for path, portable in (("AVX2 where the CPU has it", False),
                           ("portable", True)):
        check_sums(cases, path, portable)
        check_minmax(minmax, path, portable)
        check_format(fmt, path, portable)
    print("1..%d" % count)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
