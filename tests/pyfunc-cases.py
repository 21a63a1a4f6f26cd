#!/usr/bin/python3
"""pyfunc-cases.py - random Python functions and what CPython makes of them.

usage: pyfunc-cases.py SEED COUNT DIR

Writes DIR/rnd.py, COUNT random functions f0, f1, ... of one to three int
arguments (ints past 2**64, floats, bools), and the associative folds
that -R FILE.py:FUNC may use; then prints one case a line:

    FUNC|-r A:B:C -r ...|-R OP or -R DIR/rnd.py:FOLD|EXPECTED

EXPECTED is what CPython computes over the same ranges: sum, min or max of
the values (math.fsum for floats, repr() printed), or
functools.reduce(FOLD, values).  The tool must print the same.
"""
import functools
import importlib.util
import math
import os
import random
import sys

FOLDS = """
def fold_add(a, b):
    return a + b

def fold_max(a, b):
    return a if a >= b else b

def fold_min(a, b):
    return b if b < a else a

def fold_xor(a, b):
    return a ^ b
"""


def int_expr(rnd, args, depth):
    if depth == 0 or rnd.random() < 0.25:
        leaf = rnd.random()
        if leaf < 0.6:
            return rnd.choice(args)
        if leaf < 0.8:
            return str(rnd.randint(-50, 50))
        return "(2**%d + %d)" % (rnd.randint(60, 130), rnd.randint(-9, 9))
    a = int_expr(rnd, args, depth - 1)
    b = int_expr(rnd, args, depth - 1)
    return rnd.choice([
        "(%s + %s)" % (a, b),
        "(%s - %s)" % (a, b),
        "(%s * %s)" % (a, b),
        "(%s // (abs(%s) + 1))" % (a, b),
        "(%s %% (abs(%s) + 7))" % (a, b),
        "(%s ** 2)" % a,
        "abs(%s)" % a,
        "min(%s, %s)" % (a, b),
        "max(%s, %s)" % (a, b),
        "(%s << 5)" % a,
        "(%s if %s > 0 else %s)" % (a, b, b),
    ])


def float_expr(rnd, args):
    a = int_expr(rnd, args, 2)
    b = int_expr(rnd, args, 1)
    return rnd.choice([
        "(%s / (abs(%s) + 1))" % (a, b),
        "(%s * 0.1 + 0.5)" % a,
        "math.sqrt(abs(%s))" % a,
        "(float(%s) / 3.0)" % a,
    ])


def bool_expr(rnd, args):
    a = int_expr(rnd, args, 2)
    b = int_expr(rnd, args, 1)
    return rnd.choice(["(%s < %s)" % (a, b), "(%s %% 3 == 0)" % a])


def ranges(rnd, arity):
    n = rnd.choice([1, 7, rnd.randint(1, 3000), rnd.randint(1, 3000)])
    out = []
    for _ in range(arity):
        step = rnd.choice([1, -1, rnd.randint(-300, 300) or 1])
        big = rnd.random() < 0.2
        lo = 2**62 if big else 10**6
        if step > 0:
            start = rnd.randint(-lo, lo - n * step)
        else:
            start = rnd.randint(-lo - n * step, lo)
        out.append(range(start, start + n * step, step))
    return out


def main():
    seed, count, where = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rnd = random.Random(seed)
    src = ["import math", FOLDS]
    kinds = []
    for i in range(count):
        arity = rnd.randint(1, 3)
        args = ["x%d" % j for j in range(arity)]
        kind = rnd.choice(["int", "int", "int", "float", "bool"])
        body = {"int": lambda: int_expr(rnd, args, 3),
                "float": lambda: float_expr(rnd, args),
                "bool": lambda: bool_expr(rnd, args)}[kind]()
        src.append("def f%d(%s):\n    return %s\n" % (i, ", ".join(args),
                                                    body))
        kinds.append((arity, kind))
    path = os.path.join(where, "rnd.py")
    with open(path, "w") as f:
        f.write("\n".join(src))
    spec = importlib.util.spec_from_file_location("rnd", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    for i, (arity, kind) in enumerate(kinds):
        rs = ranges(rnd, arity)
        values = list(map(getattr(mod, "f%d" % i), *rs))
        if kind == "float":
            ops = ["sum", "min", "max", "fold_max", "fold_min"]
        else:
            ops = ["sum", "min", "max", "fold_add", "fold_xor", "fold_max"]
        op = rnd.choice(ops)
        if op == "sum":
            want = math.fsum(values) if kind == "float" else sum(values)
        elif op in ("min", "max"):
            want = {"min": min, "max": max}[op](values)
        else:
            want = functools.reduce(getattr(mod, op), values)
        if isinstance(want, bool):
            want = int(want)
        rargs = " ".join("-r %d:%d:%d" % (r.start, r.stop, r.step)
                         for r in rs)
        red = "-R " + (op if op in ("sum", "min", "max") else
                       "%s:%s" % (path, op))
        print("f%d|%s|%s|%r" % (i, rargs, red, want))


if __name__ == "__main__":
    main()
