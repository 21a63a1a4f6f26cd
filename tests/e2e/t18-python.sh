#!/bin/sh
# t18-python.sh - -k FILE.py:FUNC, -R FILE.py:FUNC and --batch against CPython; every failure is one line
#
# Random Python functions (tests/pyfunc-cases.py: ints past 2**64, floats,
# bools) run through the tool and are compared with what CPython itself
# (Debian's /usr/bin/python3, the one the plugin embeds) computes from the
# same functions.  The seed's own file, verbatim (tests/seed/mapreduce.py),
# prints the seed's sentence, with or without an mpi4py to import.  Then
# each failure: a bad file or function (exit 2, before any worker), an
# exception, a value of another type (exit 1), sys.exit(), os._exit() and a
# crash in a worker (the guard's line, nothing left), --timeout; and
# --batch with numpy.
. "$(dirname "$0")/../lib.sh"

PY_REF=${PY_REF:-/usr/bin/python3}
if ! [ -f "$TOP/mapreduce-python.so" ]; then
	skip "no $TOP/mapreduce-python.so: built without Python's headers"
	done_testing
	exit
fi
SEED=${SEED:-1}

# The random functions, and CPython's results.
if ! "$PY_REF" "$TOP/tests/pyfunc-cases.py" "$SEED" 24 "$TMP" \
    >"$TMP/cases" 2>"$TMP/cases.err"; then
	not_ok "the random cases" "$(cat "$TMP/cases.err")"
fi
w=1
while IFS='|' read -r func ranges reduce want; do
	# shellcheck disable=SC2086
	expect_line "random $func, -w $w, $reduce: $want" "$want" \
	    -w $w --format value -k "$TMP/rnd.py:$func" $ranges $reduce \
	    --schedule "$([ $((w % 2)) -eq 0 ] && echo dynamic || echo static)" \
	    </dev/null		# mpiexec would read the cases
	w=$((w % 4 + 1))
done <"$TMP/cases"

# The seed's file as it is: its functions, its sentence.
cp "$TOP/tests/seed/mapreduce.py" "$TMP/mapreduce.py"
want=$(cd "$TMP" && "$PY_REF" - <<'EOF'
import functools, sys, types
sys.modules["mpi4py"] = types.ModuleType("mpi4py")
sys.modules["mpi4py.futures"] = m = types.ModuleType("mpi4py.futures")
m.MPIPoolExecutor = None
import mapreduce
print("Sum of the products equals %d" % functools.reduce(mapreduce.sum,
      map(mapreduce.product, range(1, 101), range(101, 201))))
EOF
)
if dpkg-query -W -f='${Status}' python3-mpi4py 2>/dev/null |
    grep -q 'install ok installed'; then
	with="with Debian's python3-mpi4py installed"
else
	with="without python3-mpi4py"
fi
for w in 1 2 4; do
	expect_line "the seed's mapreduce.py, -w $w, $with" "$want" \
	    -w $w -k "$TMP/mapreduce.py:product" -R "$TMP/mapreduce.py:sum"
done
expect_line "the seed's product, -R sum of the tool" "$want" \
    -w 3 -k "$TMP/mapreduce.py:product"
want=$(cd "$TOP/examples" && "$PY_REF" product.py)
expect_line "examples/product.py, against the file run by CPython" "$want" \
    -w 3 -k "$TOP/examples/product.py:product" \
    -R "$TOP/examples/product.py:sum"
# An mpi4py first on sys.path that would end any process importing it:
# the tool's stub stands in for it.
mkdir -p "$TMP/fake/mpi4py"
printf 'import os\nos._exit(99)\n' >"$TMP/fake/mpi4py/__init__.py"
: >"$TMP/fake/mpi4py/futures.py"
export PYTHONPATH="$TMP/fake"
expect_line "the seed's file, a fatal mpi4py on PYTHONPATH is never imported" \
    "$want" -w 2 -k "$TMP/mapreduce.py:product" -R "$TMP/mapreduce.py:sum"
unset PYTHONPATH

# The stub: mpi4py.MPI is not there, and the pool is not to be used.
printf 'from mpi4py import MPI\n\ndef f(x):\n    return x\n' >"$TMP/mpi.py"
mr -w 1 -k "$TMP/mpi.py:f" -r 0:3
expect_fail "from mpi4py import MPI inside the tool: exit 2" 2 \
    "^mapreduce: '$TMP/mpi.py': ImportError: cannot import name 'MPI' from 'mpi4py'"
printf 'from mpi4py.futures import MPIPoolExecutor\n\ndef f(x):\n    MPIPoolExecutor()\n' \
    >"$TMP/pool.py"
mr -w 1 -k "$TMP/pool.py:f" -r 0:3
expect_fail "the stub's MPIPoolExecutor raises" 1 \
    '^mapreduce: f\(0\): RuntimeError: mpi4py is not available inside mapreduce'

cat >"$TMP/f.py" <<'EOF'
import os
import sys


def div(x, y):
    return x // (y - 103)


def text(x):
    return str(x)


def none_at(x):
    return None if x == 7 else x


def one(x):
    return x


def add(a, b):
    return a + b


def half(a, b):
    return [a, b]


def pick(a, b):
    if b == 35:
        raise ValueError("b is 35")
    return a + b


def leave(x):
    if x == 500:
        sys.exit(3)
    return x


def quit_now(x):
    if x == 500:
        os._exit(4)
    return x


def crash(x):
    if x == 500:
        import ctypes
        ctypes.string_at(0)
    return x


def forever(x):
    while True:
        pass


def mixed(x):
    return x if x < 5 else x / 2


def numpy_scalar(x):
    import numpy
    return numpy.int64(x)


not_a_function = 3
EOF
printf 'def f(x:\n' >"$TMP/syntax.py"
printf 'import no_such_module_here\n\ndef f(x):\n    return x\n' \
    >"$TMP/imports.py"
printf 'raise ValueError("no")\n' >"$TMP/raises.py"

# Exit 2 before any worker: the worker named does not exist, and would be
# the error if anything were started.
bad_file() {
	desc=$1 pattern=$2
	shift 2
	mr -w 2 --worker "$TMP/no-worker" "$@"
	expect_fail "$desc" 2 "$pattern"
}
bad_file "a missing file" "^mapreduce: '$TMP/nosuch.py': No such file or directory\$" \
    -k "$TMP/nosuch.py:f" -r 0:3
bad_file "a syntax error" "^mapreduce: '$TMP/syntax.py': SyntaxError: .* \\(line 1\\)\$" \
    -k "$TMP/syntax.py:f" -r 0:3
bad_file "an import error" "^mapreduce: '$TMP/imports.py': ModuleNotFoundError: No module named 'no_such_module_here'\$" \
    -k "$TMP/imports.py:f" -r 0:3
bad_file "a module that raises" "^mapreduce: '$TMP/raises.py': ValueError: no\$" \
    -k "$TMP/raises.py:f" -r 0:3
bad_file "a missing function" "^mapreduce: '$TMP/f.py': no function 'nosuch' in it\$" \
    -k "$TMP/f.py:nosuch" -r 0:3
bad_file "not callable" "^mapreduce: '$TMP/f.py': 'not_a_function' is int, not a function\$" \
    -k "$TMP/f.py:not_a_function" -r 0:3
bad_file "a map of the wrong arity" "^mapreduce: '$TMP/f.py': one\\(x\\) cannot take 2 arguments: too many positional arguments\$" \
    -k "$TMP/f.py:one" -r 0:3 -r 0:3
bad_file "a reduce of the wrong arity" "^mapreduce: '$TMP/f.py': one\\(x\\) cannot take 2 arguments" \
    -k "$TMP/f.py:one" -R "$TMP/f.py:one" -r 0:3
bad_file "-k FILE.py without FUNC" "FILE.py:FUNC names the function" \
    -k "$TMP/f.py" -r 0:3
bad_file "-R FILE.py:FUNC with a built-in map" "needs a Python map" \
    -R "$TMP/f.py:add" -r 0:3
bad_file "--batch without a Python map" "^mapreduce: --batch needs a Python map" \
    --batch -r 0:3
bad_file "-R FUNC of an empty map" "^mapreduce: -R add of an empty map has no value" \
    -k "$TMP/f.py:one" -R "$TMP/f.py:add" -r 0:0

# Exit 1 at run time, one line.
mr -w 2 -k "$TMP/f.py:div"
expect_fail "an exception: the call and the exception" 1 \
    '^mapreduce: div\(3, 103\): ZeroDivisionError: integer division or modulo by zero$'
mr -w 2 -v -k "$TMP/f.py:div"
if [ "$rc" -eq 1 ] && grep -q '^mapreduce: div(3, 103): ZeroDivisionError' "$TMP/err" &&
    grep -q '^Traceback (most recent call last):' "$TMP/err" &&
    grep -q "File \"$TMP/f.py\", line 6, in div" "$TMP/err"; then
	ok "-v: the traceback too"
else
	not_ok "-v: the traceback too" "$(describe_run)"
fi
mr -w 3 -k "$TMP/f.py:text" -r 0:10
expect_fail "a str: its type and element" 1 \
    '^mapreduce: text returned str at element 0, not an int, float or bool$'
mr -w 3 -k "$TMP/f.py:none_at" -r 0:10
expect_fail "None at element 7" 1 \
    '^mapreduce: none_at returned NoneType at element 7, not an int, float or bool$'
mr -w 1 -k "$TMP/f.py:numpy_scalar" -r 0:10
expect_fail "a numpy scalar is refused" 1 \
    '^mapreduce: numpy_scalar returned numpy.int64 at element 0, not an int, float or bool$'
mr -w 2 -k "$TMP/f.py:one" -R "$TMP/f.py:half" -r 0:10
expect_fail "a fold that returns a list" 1 \
    '^mapreduce: half\(0, 1\) returned list, not an int, float or bool$'
mr -w 2 -k "$TMP/f.py:one" -R "$TMP/f.py:pick" -r 0:10
expect_fail "an exception in the manager's fold of the runs" 1 \
    '^mapreduce: pick\(10, 35\): ValueError: b is 35$'
cat >"$TMP/manager_only.py" <<'EOF'
import os
if os.path.basename(os.readlink("/proc/self/exe")) == "worker":
    raise ImportError("not in a worker")


def f(x):
    return x
EOF
mr -w 2 -k "$TMP/manager_only.py:f" -r 0:10
expect_fail "an import that fails in the workers only" 1 \
    '^mapreduce: worker 0: ImportError: not in a worker$'
# Ints and floats: their exact sum, rounded once, as Python's Fractions
# give it; -R max of both is refused.
want=$(cd "$TMP" && "$PY_REF" -c 'from fractions import Fraction
from f import mixed
print(float(sum(Fraction(mixed(x)) for x in range(10))))')
expect_line "ints then floats, -R sum: the exact sum rounded once" \
    "Sum of the mixeds equals $want" -w 2 -k "$TMP/f.py:mixed" -r 0:10
mr -w 2 -R max -k "$TMP/f.py:mixed" -r 0:10
expect_fail "ints then floats, -R max: refused" 1 \
    '^mapreduce: the values are ints for some elements and floats for others'

# A worker that leaves: the guard's line, nothing left.  The worker is a
# private copy, so that its processes can be counted.
mkdir "$TMP/bin"
cp "$TOP/worker" "$TMP/bin/worker"
left_behind() {
	sleep 0.5
	pgrep -f "$TMP/bin/" | wc -l
}
worker_ends() {
	desc=$1 how=$2 func=$3
	shift 3
	mr -w 2 --worker "$TMP/bin/worker" -k "$TMP/f.py:$func" -r 0:1000 "$@"
	n=$(left_behind)
	if [ "$MPI_FLAVOUR" = openmpi ]; then
		pattern=.
	else
		pattern="^mapreduce: worker 1 \\(pid [0-9]+ on [^ ]+\\) running Python function '$func' $how before its work was done; run abandoned\$"
	fi
	if [ "$rc" -eq 1 ] && [ "$n" -eq 0 ] && ! [ -s "$TMP/out" ] &&
	    { [ "$MPI_FLAVOUR" = openmpi ] || [ "$(wc -l <"$TMP/err")" -eq 1 ]; } &&
	    grep -Eq -- "$pattern" "$TMP/err"; then
		ok "$desc"
	else
		not_ok "$desc" "expected exit 1, one line: $pattern" \
		    "$n process(es) left" "$(describe_run)"
	fi
	pkill -9 -f "$TMP/bin/" 2>/dev/null
}
worker_ends "sys.exit(3) in a worker" "exited with status 3" leave
worker_ends "os._exit(4) in a worker" "exited with status 4" quit_now
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" \
    worker_ends "a crash in a worker" "was killed by signal 11 \\([A-Za-z ]+\\)" crash

RUN_TIMEOUT=30 mr -w 2 --worker "$TMP/bin/worker" --timeout 2 \
    -k "$TMP/f.py:forever" -r 0:10
n=$(left_behind)
if [ "$rc" -eq 124 ] && [ "$n" -eq 0 ] && grep -q 'timed out' "$TMP/err"; then
	ok "--timeout stops a function that never returns"
else
	not_ok "--timeout stops a function that never returns" \
	    "$n process(es) left" "$(describe_run)"
fi
pkill -9 -f "$TMP/bin/" 2>/dev/null

# Signals while the workers run Python.  Python's own handlers are not
# installed: SIGTERM to a worker kills it (the guard's line), where
# Python's would raise in FUNC (SIGINT, which mpiexec passes on to every
# process, workers leave to the manager); SIGTERM to mpiexec ends the run
# as without Python.
for target in worker mpiexec; do
	"$MPIEXEC" -n 1 "$MR" -w 2 --worker "$TMP/bin/worker" \
	    -k "$TMP/f.py:forever" -r 0:10 >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for i in $(seq 50); do
		[ "$(pgrep -f "$TMP/bin/worker" | wc -l)" -ge 4 ] && break
		sleep 0.2
	done
	sleep 1
	if [ $target = worker ]; then
		# a worker, not its guard: the child of another worker process
		pids=$(pgrep -f "$TMP/bin/worker")
		for p in $pids; do
			pp=$(ps -o ppid= -p "$p" | tr -d ' ')
			if echo "$pids" | grep -qx "$pp"; then
				kill -TERM "$p"
				break
			fi
		done
		want=1
		pattern="^mapreduce: worker [01] \\(pid [0-9]+ on [^ ]+\\) running Python function 'forever' was killed by signal 15 \\([A-Za-z ]+\\) before its work was done; run abandoned\$"
	else
		kill -TERM "$pid"
		want=143
		pattern='^mapreduce: terminated \(SIGTERM\)$'
	fi
	( sleep 30; kill -9 "$pid" 2>/dev/null ) &
	guard=$!
	wait "$pid"
	rc=$?
	kill "$guard" 2>/dev/null
	n=$(left_behind)
	if [ "$MPI_FLAVOUR" = openmpi ]; then
		skip "signals to a Python run: the guard's lines are hydra's only"
	elif [ "$rc" -eq "$want" ] && [ "$n" -eq 0 ] &&
	    [ "$(wc -l <"$TMP/err")" -le 1 ] &&
	    ! grep -Evq -- "$pattern" "$TMP/err"; then
		ok "a signal to $target during a Python function: exit $want, nothing left"
	else
		not_ok "a signal to $target during a Python function" \
		    "expected exit $want, at most one line: $pattern" \
		    "$n process(es) left" "$(describe_run)"
	fi
	pkill -9 -f "$TMP/bin/" 2>/dev/null
done

# Built without Python's headers: the tool builds, and says so in one line.
copy_tree "$TMP/nopy"
if env -u MAKEFLAGS -u MFLAGS make -s -C "$TMP/nopy" PYTHON_CONFIG=/nonexistent \
    MPICC="${MPICC:-mpicc}" MPIEXEC="$MPIEXEC" mapreduce worker all \
    >"$TMP/make.log" 2>&1 && ! [ -e "$TMP/nopy/mapreduce-python.so" ]; then
	ok "without Python's headers, the tool builds without the plugin"
else
	not_ok "without Python's headers, the tool builds without the plugin" \
	    "$(tail -n 20 "$TMP/make.log")"
fi
if [ -f /usr/local/libexec/mapreduce/mapreduce-python.so ]; then
	skip "a plugin is installed in /usr/local/libexec/mapreduce"
else
	MR=$TMP/nopy/mapreduce
	mr -w 1 -k "$TMP/f.py:one" -r 0:3
	MR=${TEST_MAPREDUCE:-$TOP/mapreduce}
	expect_fail "that build says that Python support is not built" 2 \
	    '^mapreduce: Python support is not built: no mapreduce-python.so'
fi

# --batch: numpy arrays in, an array or a sequence out.
if ! "$PY_REF" -c 'import numpy' 2>/dev/null; then
	skip "--batch: no numpy for $PY_REF (python3-numpy)"
	done_testing
	exit
fi
cat >"$TMP/b.py" <<'EOF'
import numpy


def mul(x, y):
    return x * y


def third(x, y):
    return x / 3


def wide(x, y):
    return [int(a) * int(b) * 2**70 for a, b in zip(x, y)]


def even(x, y):
    return x % 2 == 0


def small(x, y):
    return (x % 1000).astype(numpy.int32)


def shorter(x, y):
    return x[:-1]


def three(x, y):
    return 3


def kinds(x, y):
    assert type(x) is numpy.ndarray and x.dtype == numpy.int64
    assert not x.flags.writeable
    return x
EOF
r="-r -7000:293000:3 -r 5:100005"
batch_ref() {
	# shellcheck disable=SC2086
	"$PY_REF" - "$1" $r <<'EOF'
import math
import sys
import numpy
op = sys.argv[1]
rs = [range(*map(int, a.split(":"))) for a in sys.argv[2:] if ":" in a]
x, y = (numpy.array(list(r), dtype=numpy.int64) for r in rs)
v = {"mul": lambda: (x * y).tolist(),
     "third": lambda: (x / 3).tolist(),
     "wide": lambda: [int(a) * int(b) * 2**70 for a, b in zip(x, y)],
     "even": lambda: [int(b) for b in (x % 2 == 0)],
     "small": lambda: (x % 1000).astype(numpy.int32).tolist()}[op]()
print(repr(math.fsum(v)) if isinstance(v[0], float) else sum(v))
EOF
}
for f in mul third wide even small; do
	want=$(batch_ref $f)
	# shellcheck disable=SC2086
	expect_line "--batch $f against numpy in CPython: $want" "$want" \
	    -w 3 --batch --format value -k "$TMP/b.py:$f" $r
done
# shellcheck disable=SC2086
expect_line "--batch with -R FILE.py:FUNC" "$(batch_ref mul)" \
    -w 2 --batch --format value -k "$TMP/b.py:mul" -R "$TMP/f.py:add" $r \
    --schedule dynamic --chunk 10000
# shellcheck disable=SC2086
mr -w 2 --batch -k "$TMP/b.py:shorter" $r
expect_fail "--batch, an array too short" 1 \
    '^mapreduce: shorter\(<arrays of elements 0 to 4095>\) returned an array of shape \(4095,\), not \(4096,\)$'
# shellcheck disable=SC2086
mr -w 2 --batch -k "$TMP/b.py:three" $r
expect_fail "--batch, a number instead of an array" 1 \
    '^mapreduce: three\(<arrays of elements 0 to 4095>\) returned int, not an array or a sequence of 4096 values$'
# shellcheck disable=SC2086
expect_line "--batch gets read-only numpy int64 arrays" 4950 \
    -w 2 --batch --format value -k "$TMP/b.py:kinds" -r 0:100 -r 0:100
want=$("$PY_REF" "$REF" 0:3000000 0:3000000)
expect_line "examples/product_batch.py: $want" "Sum of the products equals $want" \
    -w 2 --batch -k "$TOP/examples/product_batch.py:product" \
    -r 0:3000000 -r 0:3000000
# Python without numpy: one line, exit 2.
mkdir -p "$TMP/nonumpy"
printf 'raise ImportError("no numpy here")\n' >"$TMP/nonumpy/numpy.py"
export PYTHONPATH="$TMP/nonumpy"
mr -w 1 --batch -k "$TMP/b.py:mul" $r
unset PYTHONPATH
expect_fail "--batch without numpy" 2 \
    "^mapreduce: '$TMP/b.py': --batch needs numpy, which Python 3\\.[0-9]+ cannot import \\(install python3-numpy\\)\$"
done_testing
