#!/usr/bin/python3
"""expr-ref.py - the reference for mapreduce -e: CPython evaluates the expression

usage: expr-ref.py [-t] [-R OP] [-e EXPR] [-r [NAME=]START:STOP[:STEP]] ...
       (other mapreduce options, with or without a value, are ignored)

Prints what `mapreduce --format value` must print for the same arguments,
and exits with the status the tool must exit with:

  0  stdout holds the value: an int in decimal, a float as Python's repr()
  1  an element raised: stderr holds the tool's exact line,
     "mapreduce: x=5, y=105: ZeroDivisionError: division by zero"
  2  refused before anything starts (invalid expression, bad range name,
     min or max of an empty map): stderr holds the reason; the tool's
     wording is its own (for an expression, a line with "column N")
  3  the tool must fail at run time, exit 1 with one line of its own
     wording: -R min, max or product over a mix of ints and floats
  4  -R product of floats: refused with exit 2 or 1, one line
  9  usage error of this script

The value is computed by CPython itself (this file runs Debian's
/usr/bin/python3, 3.11.2, THE reference): the expression is compiled once
and evaluated for each element with a namespace that holds the range
variables, the math module, math's number functions and constants by
their bare names, and the built-ins abs, min, max, pow, round, int, float
and bool (pow is the built-in's, math.pow is math's); no other built-in.

What is not CPython's but the tool's documented rules, applied here:
  - where CPython makes a complex number (a negative float to a
    fractional power: (-8.0) ** 0.5, pow(-2, 0.5)), the element raises
    ValueError "complex result is not supported";
  - ints are capped at 2**26 bits: a result wider than that raises
    OverflowError "int too large (mapreduce's limit is 2**26 bits)"
    (checked on every operation's result; x ** y, x << y, factorial, comb
    and perm are checked before they are computed, so that the reference
    never computes a gigantic number);
  - the reduce: bools count as ints; ints are summed exactly; a sum with
    floats is the exact sum of all values (ints and floats) rounded once to
    the nearest float (float(sum of Fractions)), NaN if a NaN or both
    infinities are among them, else the infinity that is; past the largest
    float, a sum of floats alone is +-inf as IEEE rounding makes it, and a
    sum of ints and floats fails (exit 1, MIXED_SUM_MESSAGE); product of
    ints exact; min and max as Python's min() and max() over the values,
    except where those depend on the order (a NaN, or zeros of both
    signs), where IEEE 754's rule holds: a NaN anywhere gives NaN, and
    -0.0 is less than 0.0; an empty map sums to 0, multiplies to 1, and
    has no min or max.
  - names: -r without NAME= gives x, y, z for at most three ranges, else
    x1 .. xN; a NAME must be an identifier, not a keyword nor a name of
    the language (functions, constants, "math"), and unique.

Use as a module: expect(names_ranges, expr, reduce_op) returns an Outcome.
"""
import ast
import keyword
import math
import sys
from fractions import Fraction

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
MAX_BITS = 1 << 26
CAP_MESSAGE = "int too large (mapreduce's limit is 2**26 bits)"
COMPLEX_MESSAGE = "complex result is not supported"
MIXED_SUM_MESSAGE = "mapreduce: OverflowError: the exact sum of the ints " \
    "and floats is too large for a float"

# math's functions that take and give numbers, with CPython 3.11's arity
# (None: any number).  Not frexp, modf (tuples), fsum, prod, dist
# (iterables), isclose (keyword arguments).
MATH_FUNCS = {
    "acos": (1, 1), "acosh": (1, 1), "asin": (1, 1), "asinh": (1, 1),
    "atan": (1, 1), "atan2": (2, 2), "atanh": (1, 1), "cbrt": (1, 1),
    "ceil": (1, 1), "comb": (2, 2), "copysign": (2, 2), "cos": (1, 1),
    "cosh": (1, 1), "degrees": (1, 1), "erf": (1, 1), "erfc": (1, 1),
    "exp": (1, 1), "exp2": (1, 1), "expm1": (1, 1), "fabs": (1, 1),
    "factorial": (1, 1), "floor": (1, 1), "fmod": (2, 2), "gamma": (1, 1),
    "gcd": (0, None), "hypot": (0, None), "isfinite": (1, 1),
    "isinf": (1, 1), "isnan": (1, 1), "isqrt": (1, 1), "lcm": (0, None),
    "ldexp": (2, 2), "lgamma": (1, 1), "log": (1, 2), "log10": (1, 1),
    "log1p": (1, 1), "log2": (1, 1), "nextafter": (2, 2), "perm": (1, 2),
    "pow": (2, 2), "radians": (1, 1), "remainder": (2, 2), "sin": (1, 1),
    "sinh": (1, 1), "sqrt": (1, 1), "tan": (1, 1), "tanh": (1, 1),
    "trunc": (1, 1), "ulp": (1, 1),
}
MATH_CONSTS = ("pi", "e", "tau", "inf", "nan")
BUILTINS = {"abs": (1, 1), "min": (2, None), "max": (2, None),
            "pow": (2, 3), "round": (1, 2), "int": (0, 1), "float": (0, 1),
            "bool": (0, 1)}
# The reference's own helpers in the namespace, names no range can take.
CHECK, POW, LSHIFT = "__ref_check", "__ref_pow", "__ref_lshift"
RESERVED = (set(MATH_FUNCS) | set(MATH_CONSTS) | set(BUILTINS) |
            {"math", "True", "False", "None", CHECK, POW, LSHIFT})


class Refused(Exception):
    """The expression or the command line is refused: exit 2."""


class Complex(Exception):
    """CPython made a complex number, which the tool has no type for."""


class Outcome:
    """What the tool must do: status (see the module's doc), out, err."""

    def __init__(self, status, out="", err="", note=""):
        self.status, self.out, self.err, self.note = status, out, err, note

    def __repr__(self):
        return "Outcome(%d, %r, %r)" % (self.status, self.out, self.err)


def _check(v):
    if type(v) is int and v.bit_length() > MAX_BITS:
        raise OverflowError(CAP_MESSAGE)
    if type(v) is complex:
        raise Complex()
    return v


def _int_like(v):
    return type(v) in (int, bool)


def _pow(a, b, *m):
    if not m and (type(a) is float or type(b) is float) and \
            type(a) is not complex and type(b) is not complex:
        # float_pow's order: both operands to float (OverflowError for a
        # huge int), then a negative finite base to a finite fractional
        # power is where CPython goes complex; the tool raises instead.
        fa, fb = float(a), float(b)
        if math.isfinite(fa) and fa < 0 and math.isfinite(fb) and \
                fb != math.floor(fb):
            raise ValueError(COMPLEX_MESSAGE)
    if not m and _int_like(a) and _int_like(b) and b > 0 and abs(a) > 1:
        low = (abs(a).bit_length() - 1) * b + 1   # bits of |a| ** b, at least
        if low > MAX_BITS:
            raise OverflowError(CAP_MESSAGE)
    return _check(pow(a, b, *m))


def _lshift(a, b):
    if _int_like(a) and _int_like(b) and a != 0 and b > 0 and \
            abs(a).bit_length() + b > MAX_BITS:
        raise OverflowError(CAP_MESSAGE)
    return _check(a << b)


def _log2_fact(n):
    return math.lgamma(n + 1) / math.log(2) if n > 1 else 0.0


def _factorial(n):
    # Past INT64_MAX, CPython refuses by itself ("factorial() argument
    # should not exceed ..."); below, the cap comes first.
    if _int_like(n) and 1 < n <= INT64_MAX and \
            _log2_fact(n) > MAX_BITS + 64:
        raise OverflowError(CAP_MESSAGE)
    return _check(math.factorial(n))


def _comb(n, k):
    if _int_like(n) and _int_like(k) and 0 <= k <= n:
        k2 = min(k, n - k)
        if 1 < k2 <= INT64_MAX and _log2_fact(n) - _log2_fact(k2) - \
                _log2_fact(n - k2) > MAX_BITS + 64:
            raise OverflowError(CAP_MESSAGE)
    return _check(math.comb(n, k))


def _perm(n, *k):
    if _int_like(n) and n > 1 and (not k or (_int_like(k[0]) and
                                             0 <= k[0] <= n)):
        kk = k[0] if k else n
        if kk <= INT64_MAX and \
                _log2_fact(n) - _log2_fact(n - kk) > MAX_BITS + 64:
            raise OverflowError(CAP_MESSAGE)
    return _check(math.perm(n, *k))


GUARDED = {"factorial": _factorial, "comb": _comb, "perm": _perm}


class _Math:
    """math as the expression sees it: its number functions and constants."""


def namespace():
    """The names of the language, without the range variables."""
    ns = {"__builtins__": {}}
    m = _Math()
    for name in MATH_FUNCS:
        f = GUARDED.get(name, getattr(math, name))
        setattr(m, name, f)
        ns[name] = f
    for name in MATH_CONSTS:
        setattr(m, name, getattr(math, name))
        ns[name] = getattr(math, name)
    ns["math"] = m
    ns.update({"abs": abs, "min": min, "max": max, "pow": _pow,
               "round": round, "int": int, "float": float, "bool": bool})
    ns[CHECK], ns[POW], ns[LSHIFT] = _check, _pow, _lshift
    return ns


BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
          ast.Pow, ast.LShift, ast.RShift, ast.BitAnd, ast.BitOr,
          ast.BitXor)
UNOPS = (ast.USub, ast.UAdd, ast.Invert, ast.Not)
CMPOPS = (ast.Lt, ast.LtE, ast.Eq, ast.NotEq, ast.Gt, ast.GtE)


def _refuse(node, what):
    raise Refused("column %d: %s" % (node.col_offset + 1, what))


def validate(tree, variables):
    """Refuse what is not the language, as the tool must."""

    def callee(f):
        if isinstance(f, ast.Name):
            if f.id in variables:
                _refuse(f, "'%s' is a variable, not a function" % f.id)
            if f.id in BUILTINS:
                return BUILTINS[f.id]
            if f.id in MATH_FUNCS:
                return MATH_FUNCS[f.id]
            _refuse(f, "unknown function '%s'" % f.id)
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
                and f.value.id == "math" and f.attr in MATH_FUNCS:
            return MATH_FUNCS[f.attr]
        _refuse(f, "not a function of the language")

    def walk(n):
        if isinstance(n, ast.Constant):
            if type(n.value) not in (int, float, bool):
                _refuse(n, "not a number")
        elif isinstance(n, ast.Name):
            if n.id not in variables and n.id not in MATH_CONSTS:
                _refuse(n, "unknown name '%s'" % n.id)
        elif isinstance(n, ast.Attribute):
            if not (isinstance(n.value, ast.Name) and n.value.id == "math"
                    and n.attr in MATH_CONSTS):
                _refuse(n, "attribute other than a math constant")
        elif isinstance(n, ast.BinOp):
            if not isinstance(n.op, BINOPS):
                _refuse(n, "operator not in the language")
            walk(n.left)
            walk(n.right)
        elif isinstance(n, ast.UnaryOp):
            if not isinstance(n.op, UNOPS):
                _refuse(n, "operator not in the language")
            walk(n.operand)
        elif isinstance(n, ast.BoolOp):
            for v in n.values:
                walk(v)
        elif isinstance(n, ast.Compare):
            if not all(isinstance(o, CMPOPS) for o in n.ops):
                _refuse(n, "comparison not in the language")
            walk(n.left)
            for c in n.comparators:
                walk(c)
        elif isinstance(n, ast.IfExp):
            walk(n.test)
            walk(n.body)
            walk(n.orelse)
        elif isinstance(n, ast.Call):
            lo, hi = callee(n.func)
            if n.keywords:
                _refuse(n, "keyword arguments")
            for a in n.args:
                if isinstance(a, ast.Starred):
                    _refuse(a, "starred argument")
                walk(a)
            if len(n.args) < lo or (hi is not None and len(n.args) > hi):
                _refuse(n, "wrong number of arguments")
        else:
            _refuse(n, "%s not in the language" % type(n).__name__)

    walk(tree.body)


class _Guard(ast.NodeTransformer):
    """Every operation's result through _check; ** and << checked first."""

    def visit_BinOp(self, n):
        self.generic_visit(n)
        if isinstance(n.op, ast.Pow):
            call = ast.Call(ast.Name(POW, ast.Load()), [n.left, n.right],
                            [])
        elif isinstance(n.op, ast.LShift):
            call = ast.Call(ast.Name(LSHIFT, ast.Load()),
                            [n.left, n.right], [])
        else:
            call = ast.Call(ast.Name(CHECK, ast.Load()), [n], [])
        return ast.copy_location(call, n)

    def _wrap(self, n):
        self.generic_visit(n)
        return ast.copy_location(
            ast.Call(ast.Name(CHECK, ast.Load()), [n], []), n)

    visit_UnaryOp = _wrap
    visit_Call = _wrap


def compile_expr(src, variables):
    """The code object, or Refused."""
    try:
        # eval() drops leading blanks and tabs; compile() would not.
        tree = ast.parse(src.lstrip(" \t"), "<expr>", "eval")
    except SyntaxError as e:
        raise Refused("column %s: %s" % (e.offset, e.msg))
    except (RecursionError, MemoryError, ValueError) as e:
        raise Refused("CPython cannot parse it: %s" % type(e).__name__)
    validate(tree, set(variables))
    tree = ast.fix_missing_locations(_Guard().visit(tree))
    return compile(tree, "<expr>", "eval")


def default_names(n):
    return ["x", "y", "z"][:n] if n <= 3 else ["x%d" % (i + 1)
                                               for i in range(n)]


def parse_range(spec):
    """(name or None, range) from [NAME=]START:STOP[:STEP]."""
    name = None
    if "=" in spec:
        name, spec = spec.split("=", 1)
    fields = spec.split(":")
    if len(fields) not in (2, 3):
        raise Refused("bad range '%s'" % spec)
    try:
        nums = [int(f) for f in fields]
    except ValueError:
        raise Refused("bad range '%s'" % spec)
    if any(not INT64_MIN <= v <= INT64_MAX for v in nums):
        raise Refused("range bound out of int64: '%s'" % spec)
    if len(nums) == 3 and nums[2] == 0:
        raise Refused("zero step")
    return name, range(*nums)


def name_ranges(specs):
    """[(name, range)] from the -r arguments, names checked."""
    parsed = [parse_range(s) for s in specs]
    defaults = default_names(len(parsed))
    out = []
    for i, (name, r) in enumerate(parsed):
        if name is None:
            name = defaults[i]
        elif not name.isidentifier() or keyword.iskeyword(name) or \
                name in RESERVED:
            raise Refused("bad range name '%s'" % name)
        out.append((name, r))
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise Refused("duplicate range name")
    return out


def exact_float_sum(values):
    """The sum of ints and floats, exact, rounded once; IEEE specials."""
    nan = any(type(v) is float and math.isnan(v) for v in values)
    pinf = any(v == math.inf for v in values if type(v) is float)
    ninf = any(v == -math.inf for v in values if type(v) is float)
    if nan or (pinf and ninf):
        return math.nan
    if pinf:
        return math.inf
    if ninf:
        return -math.inf
    scale = 1 << 1074
    total = 0
    for v in values:
        if type(v) is float:
            n, d = v.as_integer_ratio()
            total += n * (scale // d)
        else:
            total += v * scale
    f = Fraction(total, scale)
    try:
        return float(f)
    except OverflowError:
        if any(type(v) is not float for v in values):
            raise
        return math.inf if total > 0 else -math.inf


def fmt(v):
    return repr(v) if type(v) is float else str(v)


def expect(named, src, reduce_op="sum", truncate=False):
    """The Outcome of mapreduce --format value -R reduce_op -e src over
    named = [(name, range)]."""
    names = [n for n, _ in named]
    ranges = [r for _, r in named]
    try:
        code = compile_expr(src, names)
    except Refused as e:
        return Outcome(2, err="refused: %s" % e)
    if not truncate and len({len(r) for r in ranges}) > 1:
        return Outcome(2, err="ranges differ in length")
    n = min(len(r) for r in ranges) if ranges else 0
    if n == 0 and reduce_op in ("min", "max"):
        return Outcome(2, err="-R %s of an empty map" % reduce_op)
    ns = namespace()
    values = []
    for i in range(n):
        vals = [r[i] for r in ranges]
        ns.update(zip(names, vals))
        try:
            v = eval(code, ns)
        except Complex:
            return Outcome(3, err="complex value at %s" % ", ".join(
                "%s=%d" % nv for nv in zip(names, vals)))
        except Exception as e:          # what CPython raised
            where = ", ".join("%s=%d" % nv for nv in zip(names, vals))
            return Outcome(1, err="mapreduce: %s: %s: %s" %
                           (where, type(e).__name__, e))
        if type(v) is bool:
            v = int(v)
        if type(v) not in (int, float):
            return Outcome(3, err="a value of type %s" % type(v).__name__)
        values.append(v)
    types = {type(v) for v in values}
    if reduce_op == "sum":
        if float in types:
            try:
                return Outcome(0, fmt(exact_float_sum(values)))
            except OverflowError:
                return Outcome(1, err=MIXED_SUM_MESSAGE)
        return Outcome(0, str(sum(values)))
    if reduce_op == "product":
        if types == {float}:
            return Outcome(4, err="-R product of floats")
        if float in types:
            return Outcome(3, err="-R product of ints and floats")
        p = 1
        for v in values:
            p *= v
        return Outcome(0, str(p))
    if reduce_op in ("min", "max"):
        if len(types) > 1:
            return Outcome(3, err="-R %s of ints and floats" % reduce_op)
        f = min if reduce_op == "min" else max
        v = f(values)
        note = ""
        if types == {float}:
            if any(math.isnan(x) for x in values):
                v = math.nan
                note = "a NaN among the values: IEEE's rule, not Python's"
            elif v == 0:
                neg = [x for x in values if x == 0 and
                       math.copysign(1, x) < 0]
                pos = [x for x in values if x == 0 and
                       math.copysign(1, x) > 0]
                if neg and pos:
                    v = -0.0 if reduce_op == "min" else 0.0
                    note = "zeros of both signs: IEEE's rule, not Python's"
        return Outcome(0, fmt(v), note=note)
    return Outcome(2, err="bad reduce '%s'" % reduce_op)


def main(argv):
    specs, src, red, trunc = [], "x*y", "sum", False
    mixed_with_map = False
    with_value = {"-w", "--workers", "--worker", "--schedule", "--chunk",
                  "--timeout", "--format"}
    i = 0
    try:
        while i < len(argv):
            a = argv[i]
            if a in ("-r", "--range"):
                specs.append(argv[i + 1])
                i += 1
            elif a in ("-e", "--expr"):
                src = argv[i + 1]
                i += 1
            elif a in ("-R", "--reduce"):
                red = argv[i + 1]
                i += 1
            elif a in ("-t", "--truncate"):
                trunc = True
            elif a in ("-m", "--map", "-k", "--kernel"):
                mixed_with_map = True
                i += 1
            elif a in with_value:
                i += 1
            elif a.startswith("--") and "=" in a:
                key, val = a.split("=", 1)
                argv[i:i + 1] = [key, val]
                continue
            i += 1
    except IndexError:
        print("expr-ref.py: option %s needs a value" % argv[-1],
              file=sys.stderr)
        return 9
    if mixed_with_map:
        print("-e with -m or -k", file=sys.stderr)
        return 2
    try:
        named = name_ranges(specs or ["1:101", "101:201"])
    except Refused as e:
        print(e, file=sys.stderr)
        return 2
    o = expect(named, src, red, trunc)
    if o.out:
        print(o.out)
    if o.err:
        print(o.err, file=sys.stderr)
    return o.status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
