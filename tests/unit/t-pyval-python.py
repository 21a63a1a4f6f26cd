#!/usr/bin/python3
"""t-pyval-python.py - pyval.c against CPython itself: values, types, bits, errors

usage: tests/unit/t-pyval-python.py   (after building tests/unit/pyval-calc)

Generates random and adversarial operations on Python numbers (operators,
comparisons, built-ins, math functions, constants, repr), runs them all
through tests/unit/pyval-calc in one go, and compares each line it prints
with what this interpreter, Debian's CPython 3.11 at /usr/bin/python3,
computes for the same operation: the same type and value, the same bits for
a float, or the same exception class and message.  Two answers are ours by
design, not CPython's: a negative float to a fractional power (a complex
number in Python) fails with ValueError "complex result is not supported",
and an int past pyval.h's PYVAL_MAX_BITS fails with OverflowError (only
cases far past the limit are generated, so the estimate cannot matter).

SEED (default 1) chooses the cases, COUNT (default 50000) how many random
ones there are; PYVAL_CALC names another driver, and TEST_EXEC a command
that runs it (make check-aarch64: qemu-aarch64).  Each binop, unop and
call also runs with its result aliasing each operand in turn.  Prints TAP:
one test per category of operation, with the mismatching cases.
"""
import math
import operator
import os
import random
import shlex
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.environ.get("PYVAL_CALC", os.path.join(HERE, "pyval-calc"))
LIMIT = 2 ** 26
LIMIT_ERR = "error:OverflowError:int too large (mapreduce's limit is 2**26 bits)"
COMPLEX_ERR = "error:ValueError:complex result is not supported"
INF = math.inf
NAN = math.nan
DBL_MAX = sys.float_info.max
REFERENCE = "/usr/bin/python3"

BINOPS = {
    "ADD": operator.add, "SUB": operator.sub, "MUL": operator.mul,
    "TRUEDIV": operator.truediv, "FLOORDIV": operator.floordiv,
    "MOD": operator.mod, "POW": operator.pow, "LSHIFT": operator.lshift,
    "RSHIFT": operator.rshift, "AND": operator.and_, "OR": operator.or_,
    "XOR": operator.xor,
}
UNOPS = {"NEG": operator.neg, "POS": operator.pos, "INVERT": operator.invert}
CMPOPS = {
    "LT": operator.lt, "LE": operator.le, "EQ": operator.eq,
    "NE": operator.ne, "GT": operator.gt, "GE": operator.ge,
}
BUILTINS = {"abs": abs, "min": min, "max": max, "pow": pow, "round": round,
            "int": int, "float": float, "bool": bool}
MATH1 = ["sqrt", "exp", "exp2", "expm1", "log1p", "sin", "cos", "tan",
         "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
         "atanh", "fabs", "cbrt", "erf", "erfc", "gamma", "lgamma", "log2",
         "log10", "floor", "ceil", "trunc", "isfinite", "isinf", "isnan",
         "degrees", "radians", "ulp"]
MATH2 = ["atan2", "copysign", "fmod", "remainder", "nextafter", "math.pow"]

rng = random.Random(int(os.environ.get("SEED", "1")))


def tname(x):
    return type(x).__name__


def enc(x):
    if type(x) is bool:
        return "b:%d" % x
    if type(x) is int:
        return "i:%d" % x
    if math.isnan(x):
        return "f:nan"
    return "f:" + x.hex()


# Values.

FLOAT_SPECIALS = [0.0, -0.0, INF, -INF, NAN, 5e-324, -5e-324,
                  2.2250738585072014e-308, 2.225073858507201e-308, DBL_MAX,
                  -DBL_MAX, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 1.0, -1.0, 0.1,
                  2.0 ** 52, 2.0 ** 53, 2.0 ** 53 + 2, 2.0 ** 63, -2.0 ** 63,
                  2.0 ** 64, 1e16, 1e300, -1e300, 1e-300, 2.0, -2.0, 3.0,
                  0.25, 1e308, 9007199254740993.0, 4503599627370497.5]


def rint_small():
    return rng.choice([0, 1, -1, 2, -2, 3, -3, 5, 7, 10, -10, 100, 255, 256])


def rint():
    k = rng.random()
    if k < 0.15:
        return rint_small()
    if k < 0.35:
        return rng.randint(-1000, 1000)
    if k < 0.5:
        p = rng.choice([31, 32, 52, 53, 54, 62, 63, 64, 65, 127, 128, 1023,
                        1024, 1025])
        return rng.choice([1, -1]) * (2 ** p + rng.randint(-3, 3))
    if k < 0.7:
        return rng.randint(-2 ** 63 - 2, 2 ** 63 + 2)
    if k < 0.9:
        return rng.choice([1, -1]) * rng.getrandbits(rng.randint(1, 200))
    if k < 0.98:
        return rng.choice([1, -1]) * rng.getrandbits(rng.randint(200, 1100))
    return rng.choice([1, -1]) * rng.getrandbits(rng.randint(1000, 5000))


def rfloat():
    k = rng.random()
    if k < 0.2:
        return rng.choice(FLOAT_SPECIALS)
    if k < 0.4:
        return float(rng.randint(-100, 100)) + rng.choice(
            [0, 0.5, 0.25, 0.125, -0.5])
    if k < 0.65:
        return rng.uniform(-10, 10)
    if k < 0.85:
        while True:
            x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
            if math.isfinite(x):
                return x
    if k < 0.92:
        return rng.choice([1, -1]) * rng.getrandbits(52) * 5e-324
    return rng.choice([1, -1]) * rng.uniform(0, 2) * 2.0 ** rng.randint(-60, 70)


def rbool():
    return rng.choice([True, False])


def rval(t=None):
    t = t or rng.choice("ifb")
    return {"i": rint, "f": rfloat, "b": rbool}[t]()


def rnum():
    """Any number, mostly of moderate size, for the math functions."""
    k = rng.random()
    if k < 0.5:
        return rfloat()
    if k < 0.65:
        return rng.uniform(-3, 3)
    if k < 0.85:
        return rng.randint(-50, 50)
    if k < 0.9:
        return rbool()
    return rint()


# Expected results.

def would_be_huge(op, a, b):
    """int results past the limit: the C code must refuse them."""
    if type(a) is float or type(b) is float:
        return False
    if op == "POW" and b >= 0 and abs(a) >= 2:
        return b > LIMIT or b * math.log2(abs(a)) > LIMIT + 1
    if op == "LSHIFT" and b >= 0 and a != 0:
        return abs(a).bit_length() + b > LIMIT
    return False


def expect(fn, *args):
    try:
        v = fn(*args)
    except OverflowError as e:
        if str(e) == "complex exponentiation":
            return COMPLEX_ERR
        return "error:%s:%s" % (type(e).__name__, e)
    except Exception as e:
        return "error:%s:%s" % (type(e).__name__, e)
    if type(v) is bool:
        return "bool:%d" % v
    if type(v) is int:
        return "int:%d" % v
    if type(v) is float:
        return v
    if type(v) is complex:
        return COMPLEX_ERR
    if type(v) is str:
        return "str:" + v
    return "unexpected:" + repr(v)


def same(expected, got):
    if not isinstance(expected, float):
        return expected == got
    if not got.startswith("float:"):
        return False
    try:
        g = float.fromhex(got[6:])
    except ValueError:
        return False
    if math.isnan(expected) or math.isnan(g):
        return (math.isnan(expected) and math.isnan(g) and
                math.copysign(1, expected) == math.copysign(1, g))
    return struct.pack("<d", expected) == struct.pack("<d", g)


def show(expected):
    if isinstance(expected, float):
        return "float:%s (%r)" % (expected.hex(), expected)
    return expected if len(expected) < 300 else expected[:300] + "..."


cases = []      # (category, line, expected)


def add(category, line, expected):
    cases.append((category, line, expected))


# Generators.

def gen_binop():
    op = rng.choice(list(BINOPS))
    ta, tb = rng.choice("ifb"), rng.choice("ifb")
    a, b = rval(ta), rval(tb)
    if op == "POW" and type(b) is int and type(a) is not float:
        if rng.random() < 0.9:
            b = rng.randint(-5, 70) if abs(a) < 2 ** 64 else rng.randint(-3, 5)
        elif rng.random() < 0.5:
            b = rng.randint(2 ** 27, 2 ** 70)
    if op == "POW" and type(b) is float and type(a) is not float and \
            abs(a) > 2 ** 1100:
        a = rng.randint(-10 ** 6, 10 ** 6)
    if op in ("LSHIFT", "RSHIFT") and type(b) is int:
        k = rng.random()
        if k < 0.8:
            b = rng.randint(-3, 200)
        elif k < 0.9:
            b = rng.randint(LIMIT, 2 ** 80)
    if op in ("POW", "LSHIFT") and type(a) is not float and \
            type(b) is not float and a != 0 and 0 < b <= LIMIT and \
            b * max(1, math.log2(abs(a))) > 200000:
        b = rng.randint(0, 70)      # CPython's str() of it would be slow
    if op in ("TRUEDIV", "FLOORDIV", "MOD") and rng.random() < 0.05:
        b = rng.choice([0, 0.0, -0.0, False])
    line = "binop %s %s %s" % (op, enc(a), enc(b))
    cat = "binop %s %s/%s" % (op, tname(a), tname(b))
    if would_be_huge(op, a, b):
        add(cat, line, LIMIT_ERR)
    else:
        add(cat, line, expect(BINOPS[op], a, b))


def gen_int_division():
    """Halfway and near-halfway int / int, past 2**53."""
    q = rng.getrandbits(54) | (1 << 53)
    b = rng.getrandbits(rng.randint(1, 120)) | 1
    a = q * b + rng.choice([0, 1, -1, b // 2, (b + 1) // 2, b - 1])
    a <<= rng.randint(0, 10)
    if rng.random() < 0.5:
        a = -a
    if rng.random() < 0.1:
        a, b = a << rng.randint(900, 1100), b
    if rng.random() < 0.1:
        b <<= rng.randint(1000, 1150)
    add("binop TRUEDIV int/int halfway", "binop TRUEDIV %s %s" % (enc(a), enc(b)),
        expect(operator.truediv, a, b))


def gen_int_to_float():
    """Ints next to halfway points between doubles: conversion rounding."""
    m = rng.getrandbits(54) | (1 << 53)     # 53 bits and a rounding bit
    if rng.random() < 0.5:
        s = rng.randint(0, 14)                  # a few more bits
        a = (m << s) + rng.choice([0, 1, 1 << max(s - 1, 0),
                                   rng.getrandbits(max(s, 1))])
    else:
        a = (m << rng.randint(0, 980)) + rng.choice([0, 1, -1, 0, 0])
    if rng.random() < 0.5:
        a = -a
    op = rng.choice(["ADD", "MUL", "TRUEDIV"])
    line = "binop %s %s f:0x1p+0" % (op, enc(a))
    add("int to float conversion", line,
        expect(BINOPS[op], a, 1.0))


def gen_unop():
    op = rng.choice(list(UNOPS))
    a = rval()
    add("unop %s %s" % (op, tname(a)), "unop %s %s" % (op, enc(a)),
        expect(UNOPS[op], a))


def gen_cmp():
    op = rng.choice(list(CMPOPS))
    a, b = rval(), rval()
    k = rng.random()
    if k < 0.3 and type(a) is not float:
        # an int against the floats around it
        try:
            b = float(a)
        except OverflowError:
            b = INF
        b = rng.choice([b, math.nextafter(b, INF), math.nextafter(b, -INF)])
    elif k < 0.4 and type(a) is float and math.isfinite(a):
        b = int(a) + rng.choice([0, 1, -1])
    add("cmp %s %s/%s" % (op, tname(a), tname(b)),
        "cmp %s %s %s" % (op, enc(a), enc(b)), expect(CMPOPS[op], a, b))


def gen_truth_repr():
    a = rval()
    add("truth", "truth " + enc(a), expect(bool, a))
    if type(a) is int and abs(a) > 10 ** 4000:
        return
    add("repr %s" % tname(a), "repr " + enc(a), expect(repr, a))


def call(name, *args):
    if name in BUILTINS:
        fn = BUILTINS[name]
    else:
        fn = getattr(math, name.replace("math.", ""))
    line = "call %s %s" % (name, " ".join(enc(a) for a in args))
    return line.rstrip(), expect(fn, *args)


def add_call(name, *args, category=None):
    line, exp = call(name, *args)
    add(category or "call " + name, line, exp)


def gen_builtins():
    add_call("abs", rval())
    n = rng.randint(2, 5)
    vals = [rval() for _ in range(n)]
    if rng.random() < 0.5:
        v = rng.choice([0, 1, 2, -1])
        vals = [rng.choice([v, float(v), bool(v) if v in (0, 1) else v,
                            rval()]) for _ in range(n)]
    add_call(rng.choice(["min", "max"]), *vals, category="call min/max")
    a, b = rval(), rval()
    if type(b) is not float and type(a) is not float:
        b = rng.randint(-5, 40)
    if not would_be_huge("POW", a, b):
        add_call("pow", a, b, category="call pow 2 args")
    a = rng.choice([rint(), rng.randint(-100, 100), rbool(), rint(),
                    rfloat()])
    b = rng.choice([rng.randint(-5, 300), rint(), rbool(), rint(),
                    rfloat()])
    m = rng.choice([rng.randint(-100, 100), rint(), rint(), rbool(), 0, 1,
                    -1, rfloat()])
    if type(b) is not float and abs(b) > 10 ** 6 and abs(m) > 2 ** 20 \
            and type(m) is not float and rng.random() < 0.7:
        b = rng.randint(-10, 100)
    add_call("pow", a, b, m, category="call pow 3 args")
    add_call("int", rval())
    add_call("float", rval())
    add_call("bool", rval())


def gen_round():
    x = rval()
    add_call("round", x, category="call round %s" % tname(x))
    k = rng.random()
    if k < 0.15:
        # exact ties: odd / 2^(nd + 1) * 10^-nd has a fraction of 1/2
        nd = rng.randint(0, 12)
        x = (2 * rng.randint(-10 ** 4, 10 ** 4) + 1) / 2 ** (nd + 1)
        if rng.random() < 0.3:
            nd = -rng.randint(1, 5)
            x = float((2 * rng.randint(-10 ** 4, 10 ** 4) + 1) * 5 *
                      10 ** (-nd - 1))
    elif k < 0.3:
        n = rng.randint(0, 20)
        x = rng.randint(-10 ** 6, 10 ** 6) / 10 ** n + rng.choice(
            [0, 5 / 10 ** (n + 1), -5 / 10 ** (n + 1)])
        nd = n
    elif k < 0.4:
        x = rng.randint(-10 ** 6, 10 ** 6) * 5
        nd = -rng.randint(1, 8)
    else:
        x = rval()
        nd = rng.choice([rng.randint(-30, 30), rng.randint(-400, 400),
                         rng.choice([323, 324, -308, -309, 10 ** 30,
                                     -10 ** 30, 0, True, False, 1.0])])
        if type(x) is not float and type(nd) is int and nd < -10 ** 6:
            nd = -400     # CPython would compute 10 ** -nd first
    add_call("round", x, nd, category="call round %s, ndigits" % tname(x))


def gen_math1():
    name = rng.choice(MATH1)
    x = rnum()
    if name in ("gamma", "lgamma") and rng.random() < 0.5:
        x = rng.choice([rng.uniform(-200, 200), rng.uniform(-5, 5),
                        float(rng.randint(-30, 200)), rng.uniform(170, 175),
                        rng.uniform(-1e-19, 1e-19), rng.uniform(-190, -170)])
    if name in ("erf", "erfc", "exp", "exp2", "expm1", "sinh", "cosh") \
            and rng.random() < 0.5:
        x = rng.uniform(-800, 800)
    if name in ("log2", "log10") and rng.random() < 0.2:
        x = rint()
    add_call(name, x)


def gen_gamma():
    """gamma and lgamma are CPython's own code, not libm's: more of them."""
    x = rng.choice([rng.uniform(-200, 200), rng.uniform(-5, 5),
                    rng.uniform(0, 30), float(rng.randint(-30, 200)),
                    rng.uniform(140, 172), rng.uniform(-1e-19, 1e-19),
                    rng.uniform(-185, -170), rng.uniform(1e-21, 1e-19),
                    rng.randint(-10 ** 6, 10 ** 6) + 0.5,
                    rng.uniform(-2.0 ** 60, 2.0 ** 60), rfloat()])
    add_call(rng.choice(["gamma", "lgamma"]), x)


def gen_math2():
    name = rng.choice(MATH2)
    x, y = rnum(), rnum()
    add_call(name, x, y)


def gen_log():
    x = rng.choice([rnum(), rint(), rng.getrandbits(rng.randint(1000, 3000)),
                    2 ** rng.randint(1000, 1100)])
    if rng.random() < 0.5:
        add_call("log", x, category="call log 1 arg")
    else:
        b = rng.choice([rnum(), rint(), 2, 10, 1, 0, 2.0, 0.5])
        add_call("log", x, b, category="call log 2 args")


def gen_hypot():
    n = rng.choice([0, 1, 2, 2, 3, 4, 6, 20])
    args = [rnum() for _ in range(n)]
    if rng.random() < 0.3:
        s = 2.0 ** rng.randint(-1070, 1020)
        args = [rng.uniform(-1, 1) * s for _ in range(n)]
    add_call("hypot", *args)


def gen_intfuncs():
    def iarg():
        return rng.choice([rng.randint(-1000, 1000), rint(), rbool(),
                           rng.randint(0, 40)] * 5 + [rfloat()])
    add_call("gcd", *[iarg() for _ in range(rng.randint(0, 4))])
    add_call("lcm", *[iarg() for _ in range(rng.randint(0, 4))])
    x = iarg()
    if type(x) is not float and x < 0 and rng.random() < 0.8:
        x = -x
    add_call("isqrt", x)
    # (not 2 ** 63 - 1: CPython would try, pyval.c refuses it at once)
    x = rng.choice([rng.randint(-5, 30), rng.randint(0, 1500), rbool(),
                    rfloat(), 10 ** 30, -10 ** 30, 2 ** 63, -2 ** 63])
    add_call("factorial", x)
    n = rng.choice([rng.randint(-3, 60), rng.randint(0, 700), rbool(),
                    rng.choice([10 ** 30, 2 ** 64, 2 ** 70]), rfloat()])
    k = rng.choice([rng.randint(-3, 60), rng.randint(0, 700), rbool(),
                    10 ** 30, rfloat()])
    if type(n) is int and n > 2 ** 62 and type(k) is int and 0 < k < n:
        # k or n - k small, or both huge (an OverflowError from CPython)
        k = rng.choice([rng.randint(0, 20), n - rng.randint(0, 20), k])
    name = rng.choice(["comb", "perm"])
    if name == "perm" and rng.random() < 0.1:
        add_call("perm", n)
    else:
        add_call(name, n, k)


def gen_ldexp():
    x = rnum()
    i = rng.choice([rng.randint(-1100, 1100), rng.randint(-60, 60), rbool(),
                    10 ** 30, -10 ** 30, 2 ** 31, -2 ** 31 - 1, rfloat()])
    add_call("ldexp", x, i)


def fixed_cases():
    for name in ["True", "False", "pi", "e", "tau", "inf", "nan",
                 "math.pi", "nope", "true"]:
        v = {"True": True, "False": False, "pi": math.pi, "e": math.e,
             "tau": math.tau, "inf": math.inf, "nan": math.nan,
             "math.pi": math.pi}.get(name)
        add("const", "const " + name, "none" if v is None else
            expect(lambda: v))
    add("call unknown", "call nosuch i:1", "none")
    big = [0, 1, -1, 2 ** 63 - 1, -2 ** 63, 2 ** 63, -2 ** 63 - 1, 2 ** 64,
           -2 ** 64, 2 ** 64 - 1, 2 ** 53 + 1, 10 ** 400, -10 ** 400,
           2 ** 1024, 2 ** 1024 - 2 ** 970, 2 ** 1024 - 2 ** 971,
           2 ** 1024 - 2 ** 970 - 1]
    flo = [0.0, -0.0, INF, -INF, NAN, 1.0, -1.0, 0.5, 5e-324, DBL_MAX,
           2.0 ** 63, -2.0 ** 63, 2.0 ** 64, 1e-300, 3.0, -3.5]
    for a in big + flo + [True, False]:
        for b in big + flo + [True, False]:
            for op in BINOPS:
                cat = "fixed binop %s %s/%s" % (op, tname(a), tname(b))
                line = "binop %s %s %s" % (op, enc(a), enc(b))
                if would_be_huge(op, a, b):
                    add(cat, line, LIMIT_ERR)
                elif op == "POW" and type(a) is not float and \
                        type(b) is not float and b > 2 ** 20:
                    continue
                elif op == "LSHIFT" and type(b) is not float and \
                        type(a) is not float and b > 10000:
                    continue
                else:
                    add(cat, line, expect(BINOPS[op], a, b))
            for op in CMPOPS:
                add("fixed cmp %s" % op, "cmp %s %s %s" % (op, enc(a), enc(b)),
                    expect(CMPOPS[op], a, b))
        for op in UNOPS:
            add("fixed unop %s" % op, "unop %s %s" % (op, enc(a)),
                expect(UNOPS[op], a))
        for name in MATH1 + ["abs", "int", "float", "bool", "round",
                             "factorial", "isqrt"]:
            if name == "factorial" and type(a) is int and 10000 < a < 2 ** 63:
                continue
            add_call(name, a, category="fixed call " + name)
        for b in big + flo:
            for name in MATH2 + ["log"]:
                add_call(name, a, b, category="fixed call " + name)


def boundary_cases():
    """Where the 64-bit fast paths stop."""
    for n in range(55, 72):
        for k in range(n + 2):
            add_call("comb", n, k, category="fixed call comb")
    for n in list(range(15, 27)) + [2 ** 62, 2 ** 63 - 1]:
        for k in list(range(min(n, 26) + 2)):
            add_call("perm", n, k, category="fixed call perm")
    edge = [2 ** 63 - 1, -2 ** 63, 2 ** 63, -2 ** 63 - 1, 2 ** 62 + 1, -7, 3,
            0, 1, -1, 10 ** 20 + 1]
    for a in edge:
        for b in [0, 1, 2, 3, 63, 2 ** 63 - 1, 2 ** 64 + 1]:
            for m in edge:
                add_call("pow", a, b, m, category="fixed call pow 3 args")
    for k in list(range(1020, 1032)) + [1100, 2000, 5000]:
        # ints past floats, rounding up to the next power of two or not
        for x in [2 ** k - 1, 2 ** k + 1, 2 ** k - 2 ** (k - 53),
                  2 ** k - 2 ** (k - 54), 2 ** k - 2 ** (k - 54) - 1,
                  2 ** k + 2 ** (k - 53), 3 * 2 ** (k - 2) + 2 ** (k - 55)]:
            for name in ["log", "log2", "log10"]:
                add_call(name, x, category="fixed call %s of ints" % name)
            add_call("log", x, 2 ** k - 1, category="fixed call log of ints")
            add("fixed int to float", "binop TRUEDIV %s i:1" % enc(x),
                expect(operator.truediv, x, 1))
    for a in edge + [2 ** 32 + 1, 2 ** 31 - 1, 3 * 2 ** 61, 2 ** 62]:
        for b in edge + [2 ** 32 + 1, 2 ** 31 - 1, 3 * 2 ** 61, 2 ** 62]:
            add_call("gcd", a, b, category="fixed call gcd")
            add_call("lcm", a, b, category="fixed call lcm")
    for a in edge:
        for b in range(0, 70):
            add("fixed binop LSHIFT edges", "binop LSHIFT %s %s" % (
                enc(a), enc(b)), expect(operator.lshift, a, b))
            add("fixed binop RSHIFT edges", "binop RSHIFT %s %s" % (
                enc(a), enc(b)), expect(operator.rshift, a, b))
        for b in range(0, 140):
            if abs(a) < 2 ** 70:
                add("fixed binop POW edges", "binop POW %s %s" % (
                    enc(a), enc(b)), expect(operator.pow, a, b))


def main():
    # The reference is Debian's CPython 3.11, on the libm pyval.c uses.
    if os.path.exists(REFERENCE) and \
            os.path.realpath(sys.executable) != os.path.realpath(REFERENCE):
        os.execv(REFERENCE, [REFERENCE] + sys.argv)
    if sys.version_info[:2] != (3, 11):
        print("1..0 # SKIP needs CPython 3.11, this is %s" %
              sys.version.split()[0])
        return 0
    sys.set_int_max_str_digits(0)
    if not os.path.exists(DRIVER):
        print("1..0 # SKIP %s not built" % DRIVER)
        return 0
    fixed_cases()
    boundary_cases()
    nfixed = len(cases)
    gens = [(gen_binop, 30), (gen_int_division, 3), (gen_int_to_float, 2),
            (gen_unop, 3), (gen_cmp, 8), (gen_truth_repr, 2),
            (gen_builtins, 4), (gen_round, 4), (gen_math1, 12),
            (gen_gamma, 3), (gen_math2, 5), (gen_log, 3), (gen_hypot, 3), (gen_intfuncs, 3),
            (gen_ldexp, 2)]
    weights = [w for _, w in gens]
    count = int(os.environ.get("COUNT", "50000"))
    for _ in range(count):
        rng.choices(gens, weights)[0][0]()
    text = "".join(line + "\n" for _, line, _ in cases)
    proc = subprocess.run(shlex.split(os.environ.get("TEST_EXEC", "")) +
                          [DRIVER], input=text.encode(),
                          stdout=subprocess.PIPE, timeout=120)
    got = proc.stdout.decode().split("\n")
    order, bad = [], {}
    for k, (cat, line, exp) in enumerate(cases):
        if cat not in bad:
            order.append(cat)
            bad[cat] = []
        g = got[k] if k < len(got) else "(nothing)"
        if not same(exp, g):
            bad[cat].append((line, exp, g))
    print("1..%d" % (len(order) + 1))
    n = 0
    shown = 0
    for cat in order:
        n += 1
        print("%s %d - %s" % ("not ok" if bad[cat] else "ok", n, cat))
        for line, exp, g in bad[cat][:5]:
            if shown >= 40:
                break
            shown += 1
            print("#   case:     %s" % (line if len(line) < 300
                                        else line[:300] + "..."))
            print("#   expected: %s" % show(exp))
            print("#   got:      %s" % (g if len(g) < 300 else g[:300] + "..."))
        if len(bad[cat]) > 5:
            print("#   (%d more mismatches)" % (len(bad[cat]) - 5))
    n += 1
    nbad = sum(len(v) for v in bad.values())
    print("%s %d - driver exit status %d" % (
        "ok" if proc.returncode == 0 else "not ok", n, proc.returncode))
    print("# %d cases (%d fixed, %d random), %d mismatches" % (
        len(cases), nfixed, len(cases) - nfixed, nbad))
    return 1 if nbad or proc.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
