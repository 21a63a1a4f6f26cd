#!/usr/bin/python3
"""expr-random.py - random -e expressions, run by mapreduce, checked against CPython

usage: expr-random.py SEED COUNT            run them (TAP on stdout)
       expr-random.py --list SEED COUNT     print the cases and their
                                            expected outcomes, run nothing

The environment gives MPIEXEC and MAPREDUCE (the tool under test),
RUN_TIMEOUT (seconds a run may take, default 60), JOBS (runs at once,
default 1) and MAXLEN (the most elements of a case, default 50; more
crosses the tool's batches of 1024 elements, at the reference's pace).
tests/e2e/t18-expr-random.sh sets them.

Each case is a random expression over 1 to 5 ranges of 0 to 50 elements
(bounds small, mid-sized, near +-2**62 and at the ends of int64, steps of
both signs), with a reduce (sum, product, min or max), a worker count of 1
to 3 and either schedule.  The expressions use every operator, every
function and constant of the language, int literals near and far past
2**63 in every base, floats, bools, chained comparisons, conditionals,
and/or.  The expected outcome (the value, the element's error line, or
the kind of refusal) comes from tests/expr-ref.py, that is from CPython
evaluating the same expression; never from mapreduce.  The same SEED
always gives the same cases, and a failure shows its command line.
"""
import concurrent.futures
import importlib.util
import os
import random
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "expr_ref", os.path.join(HERE, "expr-ref.py"))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
NAMES = ["a", "b", "n", "k", "i", "j", "t", "u", "w", "v_1", "foo", "Bar",
         "_q", "x", "y", "z", "width"]


class Gen:
    """Random expressions of a given type over the variables vs."""

    def __init__(self, rng, vs):
        self.r = rng
        self.vs = vs

    def pick(self, *choices):
        """choices: (weight, function) pairs; calls the chosen one."""
        total = sum(w for w, _ in choices)
        x = self.r.uniform(0, total)
        for w, f in choices:
            x -= w
            if x <= 0:
                return f()
        return choices[-1][1]()

    # Leaves.
    def var(self):
        return self.r.choice(self.vs)

    def small_int(self):
        v = self.r.randint(0, 20)
        return self.r.choice([str(v), str(v), hex(v), oct(v), bin(v),
                              "0X%X" % v])

    def big_int(self):
        r = self.r
        v = r.choice([
            (1 << 63) - 1, 1 << 63, (1 << 63) + r.randint(1, 1000),
            (1 << 62) + r.randint(-50, 50), (1 << 64) - r.randint(0, 5),
            (1 << 64) + r.randint(0, 5), 1 << r.randint(65, 200),
            r.randint(1 << 64, 1 << 130), r.randint(10 ** 20, 10 ** 40),
            r.randint(1, 1 << 62)])
        s = r.choice([str(v), str(v), hex(v), oct(v), bin(v)])
        if r.random() < 0.15 and s.isdigit() and len(s) > 3:
            s = "{:_}".format(v)
        return s if r.random() < 0.7 else "(-%s)" % s

    def float_lit(self):
        r = self.r
        return r.choice([
            lambda: "2.5", lambda: "1e-3", lambda: ".5", lambda: "3.",
            lambda: "0.1", lambda: "1e300", lambda: "5e-324",
            lambda: "1.7976931348623157e308", lambda: "2.2250738585072014e-308",
            lambda: repr(r.uniform(-100, 100)),
            lambda: repr(r.uniform(-1, 1) * 10.0 ** r.randint(-30, 30)),
            lambda: "%de%d" % (r.randint(1, 99), r.randint(-20, 20)),
            lambda: "1_000.5", lambda: "(-0.0)", lambda: "9007199254740993.0",
            lambda: r.choice(["pi", "e", "tau", "math.pi", "math.e",
                              "math.tau"]),
            lambda: r.choice(["inf", "math.inf", "(-inf)", "nan",
                              "math.nan"]) if r.random() < 0.3 else "2.0",
        ])()

    # Typed expressions: i int, f float, b bool, a any.
    def expr(self, t, d):
        if d <= 0 or self.r.random() < 0.15:
            return self.leaf(t)
        return getattr(self, "e_" + t)(d - 1)

    def leaf(self, t):
        if t == "i":
            return self.pick((6, self.var), (3, self.small_int),
                             (1, self.big_int),
                             (0.3, lambda: self.r.choice(["True", "False"])))
        if t == "f":
            return self.pick((4, self.float_lit),
                             (2, lambda: "%s / %s" % (self.var(),
                                                      self.small_int())),
                             (1, lambda: "float(%s)" % self.var()))
        if t == "b":
            return self.pick((1, lambda: self.r.choice(["True", "False"])),
                             (3, lambda: "(%s %s %s)" % (
                                 self.var(), self.r.choice(
                                     ["<", "<=", "==", "!=", ">", ">="]),
                                 self.small_int())))
        return self.leaf(self.r.choice("iiiffb"))

    def e_i(self, d):
        I = lambda: self.expr("i", d)           # noqa: E731
        F = lambda: self.expr("f", d)           # noqa: E731
        B = lambda: self.expr("b", d)           # noqa: E731
        r = self.r
        exp = lambda: r.choice([str(r.randint(0, 6)),   # noqa: E731
                                "(abs(%s) %% 5)" % I()])
        return self.pick(
            (6, lambda: "(%s %s %s)" % (I(), r.choice("+-*"), I())),
            (3, lambda: "(%s %s %s)" % (I(), r.choice("+-*"), self.var())),
            (2, lambda: "(%s %s %s)" % (I(), r.choice(["//", "%"]), I())),
            (1, lambda: "(%s %s (%s or %d))" % (I(), r.choice(["//", "%"]),
                                                I(), r.randint(1, 9))),
            (2, lambda: "(%s ** %s)" % (I(), exp())),
            (1, lambda: "(%s << %s)" % (I(), r.choice(
                [str(r.randint(0, 70)), "(abs(%s) %% 70)" % I(), I()]))),
            (1, lambda: "(%s >> %s)" % (I(), r.choice(
                [str(r.randint(0, 130)), "(abs(%s) %% 130)" % I()]))),
            (2, lambda: "(%s %s %s)" % (I(), r.choice("&|^"), I())),
            (2, lambda: "%s%s" % (r.choice(["-", "+", "~", "- -", "~-"]),
                                  I())),
            (1, lambda: "abs(%s)" % I()),
            (1, lambda: "%s(%s)" % (r.choice(["min", "max"]), ", ".join(
                I() for _ in range(r.randint(2, 3))))),
            (1, lambda: "pow(%s, %s)" % (I(), exp())),
            (1, lambda: "pow(%s, %s, %s)" % (I(), I(), I())),
            (1, lambda: "round(%s)" % I()),
            (1, lambda: "round(%s, %s)" % (I(), r.choice(
                ["-1", "-2", "-5", "2", "-%d" % r.randint(1, 25)]))),
            (1, lambda: "int(%s)" % r.choice([F(), I(), B()])),
            (1, lambda: "%s(%s)" % (r.choice(
                ["floor", "ceil", "trunc", "math.floor", "math.ceil",
                 "math.trunc", "round"]), F())),
            (1, lambda: "%s(abs(%s))" % (r.choice(["isqrt", "math.isqrt"]),
                                         I())),
            (0.3, lambda: "isqrt(%s)" % I()),
            (1, lambda: "%s(%s, %s)" % (r.choice(["gcd", "lcm", "math.gcd"]),
                                        I(), I())),
            (1, lambda: "factorial(abs(%s) %% 25)" % I()),
            (0.2, lambda: "factorial(%s)" % I()),
            (1, lambda: "comb(abs(%s) %% 60, abs(%s) %% 12)" % (I(), I())),
            (0.5, lambda: "perm(abs(%s) %% 40, abs(%s) %% 9)" % (I(), I())),
            (0.3, lambda: "perm(abs(%s) %% 20)" % I()),
            (0.2, lambda: "comb(%s, %s)" % (I(), I())),
            (2, lambda: "(%s if %s else %s)" % (I(), B(), I())),
            (1, lambda: "(%s %s %s)" % (I(), r.choice(["and", "or"]), I())),
            (1, lambda: "(%s + %s)" % (B(), I())),
            (0.5, lambda: "bool(%s)" % I()),
        )

    def e_f(self, d):
        I = lambda: self.expr("i", d)           # noqa: E731
        F = lambda: self.expr("f", d)           # noqa: E731
        A = lambda: self.expr(self.r.choice("if"), d)   # noqa: E731
        B = lambda: self.expr("b", d)           # noqa: E731
        r = self.r
        safe = lambda: "(abs(%s) %% 40)" % A()  # noqa: E731
        m = lambda f: r.choice([f, "math." + f])  # noqa: E731
        return self.pick(
            (5, lambda: "(%s %s %s)" % (F(), r.choice("+-*"), A())),
            (3, lambda: "(%s / %s)" % (A(), A())),
            (1, lambda: "(%s / (%s or 3))" % (A(), A())),
            (2, lambda: "(%s %s %s)" % (F(), r.choice(["//", "%"]), A())),
            (1, lambda: "(%s ** %s)" % (F(), r.choice(
                ["2", "3", "-1", "0.5", "-2", str(r.randint(0, 9))]))),
            (1, lambda: "(abs(%s) ** %s)" % (F(), F())),
            (0.3, lambda: "(%s ** %s)" % (A(), F())),
            (1, lambda: "(%s ** -%s)" % (I(), self.small_int())),
            (1, lambda: "%s(abs(%s))" % (m("sqrt"), A())),
            (0.3, lambda: "sqrt(%s)" % A()),
            (1, lambda: "%s(%s)" % (m("exp"), safe())),
            (0.2, lambda: "exp(%s)" % A()),
            (1, lambda: "%s(abs(%s) + 1)" % (r.choice(
                ["log", "log2", "log10", "log1p", "math.log"]), A())),
            (0.3, lambda: "%s(%s)" % (r.choice(
                ["log", "log2", "log10", "log1p"]), A())),
            (1, lambda: "log(abs(%s) + 2, abs(%s) + 2)" % (A(), A())),
            (1, lambda: "%s(%s)" % (m("expm1"), safe())),
            (2, lambda: "%s(%s)" % (m(r.choice(["sin", "cos", "tan",
                                                 "atan"])), A())),
            (1, lambda: "%s(%s)" % (m(r.choice(["asin", "acos"])), r.choice(
                ["(%s / 100)" % I(), F()]))),
            (1, lambda: "%s(%s, %s)" % (m(r.choice(
                ["atan2", "hypot", "copysign"])), A(), A())),
            (1, lambda: "%s(%s, %s)" % (m("fmod"), A(), A())),
            (2, lambda: "%s(%s)" % (m(r.choice(
                ["asinh", "cbrt", "tanh", "degrees", "radians", "erf",
                 "erfc", "lgamma", "ulp", "gamma"])), A())),
            (1, lambda: "%s(%s)" % (m(r.choice(
                ["sinh", "cosh", "exp2", "gamma"])), safe())),
            (1, lambda: "%s(abs(%s) + 1)" % (m("acosh"), A())),
            (1, lambda: "%s(%s / 100)" % (m("atanh"), I())),
            (0.3, lambda: "%s(%s)" % (m(r.choice(
                ["acosh", "atanh", "sinh", "cosh", "exp2"])), A())),
            (1, lambda: "%s(%s, %s)" % (m("ldexp"), A(), r.choice(
                [str(r.randint(-1100, 1100)), I()]))),
            (1, lambda: "%s(%s, %s)" % (m(r.choice(
                ["nextafter", "remainder"])), A(), A())),
            (1, lambda: "%s(%s)" % (m("fabs"), A())),
            (1, lambda: "float(%s)" % r.choice([I(), B(), F()])),
            (1, lambda: "round(%s, %s)" % (F(), r.choice(
                ["0", "1", "2", "-1", "3", "10", "-300", "400"]))),
            (1, lambda: "abs(%s)" % F()),
            (1, lambda: "%s(%s, %s)" % (r.choice(["min", "max"]), F(), F())),
            (1, lambda: "math.pow(%s, %s)" % (F(), r.choice(
                ["2", "0.5", "-1", "3"]))),
            (1, lambda: "pow(%s, %s)" % (F(), r.choice(["2", "-1", "3"]))),
            (1, lambda: "-%s" % F()),
            (2, lambda: "(%s if %s else %s)" % (F(), B(), F())),
            (1, lambda: "(%s %s %s)" % (F(), r.choice(["and", "or"]), F())),
        )

    def e_b(self, d):
        A = lambda: self.expr(self.r.choice("iif"), d)  # noqa: E731
        B = lambda: self.expr("b", d)           # noqa: E731
        r = self.r
        cmp = lambda: r.choice(["<", "<=", "==", "!=", ">", ">="])  # noqa
        return self.pick(
            (4, lambda: "(%s %s %s)" % (A(), cmp(), A())),
            (2, lambda: "(%s %s %s %s %s)" % (A(), cmp(), A(), cmp(), A())),
            (0.5, lambda: "(%s %s %s %s %s %s %s)" % (
                A(), cmp(), A(), cmp(), A(), cmp(), A())),
            (2, lambda: "(%s %s %s)" % (B(), r.choice(["and", "or"]), B())),
            (1, lambda: "(not %s)" % r.choice([B(), A()])),
            (1, lambda: "%s(%s)" % (r.choice(["isfinite", "math.isfinite",
                                              "isinf", "math.isnan",
                                              "isnan", "math.isinf"]), A())),
            (1, lambda: "bool(%s)" % A()),
            (0.5, lambda: "(%s if %s else %s)" % (B(), B(), B())),
        )

    def e_a(self, d):
        return self.expr(self.r.choice("iiffb"), d)


def pick_range(r, n):
    """(start, stop, step) of n elements within int64."""
    kind = r.choices(["small", "mid", "near62", "nearmax", "nearmin"],
                     weights=[40, 15, 15, 15, 15])[0]
    step = r.choice([1, 1, 1, -1, r.randint(2, 10), -r.randint(2, 10),
                     r.randint(11, 1 << 40), -r.randint(11, 1 << 40)])
    span = abs(step) * max(n, 1)
    if kind == "small":
        start = r.randint(-50, 50)
    elif kind == "mid":
        start = r.randint(-10 ** 9, 10 ** 9)
    elif kind == "near62":
        start = r.choice([1, -1]) * (1 << 62) + r.randint(-100, 100)
    elif kind == "nearmax":
        start = INT64_MAX - r.randint(0, 100) - (span if step > 0 else 0)
    else:
        start = INT64_MIN + r.randint(0, 100) + (span if step < 0 else 0)
    start = max(INT64_MIN, min(INT64_MAX, start))
    stop = start + n * step
    if n and r.random() < 0.3:
        stop -= (step > 0) - (step < 0)   # inside the last step
    if n == 0 and r.random() < 0.5:
        stop = start - step                # on the wrong side
    stop = max(INT64_MIN, min(INT64_MAX, stop))
    if len(range(start, stop, step)) != n:
        start, stop, step = 0, n, 1
    return start, stop, step


def make_case(r):
    """(args, named, expr, reduce) of one random case."""
    k = r.choices([1, 2, 3, 4, 5], weights=[30, 35, 20, 10, 5])[0]
    unnamed = r.random() < 0.35
    if unnamed:
        names = ref.default_names(k)
    else:
        names = r.sample(NAMES, k)
    maxlen = int(os.environ.get("MAXLEN", "50"))
    n = r.choices([0, 1, r.randint(2, 10), r.randint(11, max(11, maxlen))],
                  weights=[5, 10, 40, 45])[0]
    red = r.choices(["sum", "product", "min", "max"],
                    weights=[50, 12, 19, 19])[0]
    if n == 0 and red in ("min", "max") and r.random() < 0.8:
        n = 1
    g = Gen(r, names)
    depth = r.randint(1, 5)
    if red == "product":
        e = g.expr("i", min(depth, 3))
    elif red in ("min", "max") and r.random() < 0.15:
        # ints for some elements, floats for others: refused at run time
        e = "(%s if %s %% 2 else %s)" % (g.expr("i", 2), g.var(),
                                         g.expr("f", 2))
    else:
        e = g.expr(r.choice("iiffba"), depth)
    args = ["-w", str(r.choice([1, 2, 2, 2, 3]))]
    if r.random() < 0.25:
        args += ["--schedule", "dynamic"]
        if r.random() < 0.5:
            args += ["--chunk", str(r.randint(1, 7))]
    if red != "sum" or r.random() < 0.3:
        args += ["-R", red]
    named = []
    for name in names:
        s, t, st = pick_range(r, n)
        rr = range(s, t, st)
        named.append((name, rr))
        spec = "%d:%d" % (s, t) if st == 1 and r.random() < 0.5 else \
            "%d:%d:%d" % (s, t, st)
        args += ["-r", spec if unnamed else "%s=%s" % (name, spec)]
    args += ["-e", e]
    return args, named, e, red


def run_case(mpiexec, mr, timeout, args):
    cmd = [mpiexec, "-n", "1", mr, "--format", "value"] + args
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode(errors="replace"), \
            p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return None, "", "(timed out after %s s)" % timeout


def judge(o, rc, out, err):
    """'' if the run matches the outcome, else what was expected."""
    lines = err.count("\n")
    if o.status == 0:
        if rc == 0 and out == o.out + "\n" and err == "":
            return ""
        return "exit 0, stdout %s" % o.out
    if o.status == 1:
        if rc == 1 and out == "" and err == o.err + "\n":
            return ""
        return "exit 1, stderr %s" % o.err
    codes = {2: (2,), 3: (1,), 4: (1, 2)}[o.status]
    if rc in codes and out == "" and lines == 1 and err.endswith("\n"):
        return ""
    return "exit %s and one line on stderr (the reference: %s)" % (
        " or ".join(map(str, codes)), o.err)


def main():
    argv = sys.argv[1:]
    listing = argv[:1] == ["--list"]
    if listing:
        argv = argv[1:]
    if len(argv) != 2:
        sys.exit("usage: expr-random.py [--list] SEED COUNT")
    seed, count = int(argv[0]), int(argv[1])
    r = random.Random(seed)
    cases = []
    for _ in range(count):
        args, named, e, red = make_case(r)
        cases.append((args, ref.expect(named, e, red)))
    kinds = {}
    for _, o in cases:
        kinds[o.status] = kinds.get(o.status, 0) + 1
    summary = "values %d, element errors %d, refusals %d, run-time " \
        "refusals %d, float products %d" % tuple(
            kinds.get(s, 0) for s in (0, 1, 2, 3, 4))
    if listing:
        for args, o in cases:
            print("%d\t%s\t%s\t%s" % (o.status, o.out or o.err, o.note,
                                      shlex.join(args)))
        print("# %s" % summary)
        return 0
    mpiexec = os.environ["MPIEXEC"]
    mr = os.environ["MAPREDUCE"]
    timeout = float(os.environ.get("RUN_TIMEOUT", "60"))
    jobs = int(os.environ.get("JOBS", "1"))
    print("# seed %d, %d cases: %s" % (seed, count, summary))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        results = list(ex.map(lambda c: run_case(mpiexec, mr, timeout, c[0]),
                              cases))
    failed = 0
    for k, ((args, o), (rc, out, err)) in enumerate(zip(cases, results), 1):
        desc = "case %d (seed %d): %s" % (k, seed, shlex.join(args[-2:]))
        if len(desc) > 160:
            desc = desc[:157] + "..."
        want = judge(o, rc, out, err)
        if not want:
            print("ok %d - %s" % (k, desc))
            continue
        failed += 1
        print("not ok %d - %s" % (k, desc))
        detail = ["command: %s -n 1 %s --format value %s" % (
            mpiexec, mr, shlex.join(args)), "expected: %s" % want]
        if o.note:
            detail.append("note: %s" % o.note)
        detail.append("got: exit %s" % rc)
        detail += ["stdout: " + l for l in out.splitlines()[:5]]
        detail += ["stderr: " + l for l in err.splitlines()[:5]]
        for line in detail:
            print("#   " + line[:2000])
    print("# %d cases, %d mismatches" % (count, failed))
    print("1..%d" % count)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
