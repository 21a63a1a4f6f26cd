#!/bin/sh
# t17-expr.sh - -e EXPR: the map as a Python expression, against CPython itself
#
# Expected values come from tests/expr-ref.py, which evaluates the same
# expression with Debian's CPython (/usr/bin/python3, or EXPR_PYTHON) for
# every element, or from closed forms written here; never from mapreduce.
# A failure shows the command line to run again by hand.  The helpers'
# runs read /dev/null: mpiexec reads stdin, which would eat the lists that
# the loops below read.
. "$(dirname "$0")/../lib.sh"

EXPR_PYTHON=${EXPR_PYTHON:-/usr/bin/python3}
EXPR_REF=$TOP/tests/expr-ref.py

# quote [ARG...]: the arguments as one shell command line.
quote() {
	for a in "$@"; do
		printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
	done
}

# command_of [mapreduce args]: the command a failure shows.
command_of() {
	echo "command: $MPIEXEC -n 1 ./mapreduce $(quote "$@" | cut -c 1-400)"
}

# one_line_failure CODE...: the last run exited with one of CODEs, printed
# nothing on stdout and exactly one line on stderr.
one_line_failure() {
	for code in "$@"; do
		if [ "$rc" -eq "$code" ] && ! [ -s "$TMP/out" ] &&
		    [ "$(wc -l <"$TMP/err")" -eq 1 ]; then
			return 0
		fi
	done
	return 1
}

# expect_expr DESCRIPTION [mapreduce args]: run the reference, then
# mapreduce --format value with the same arguments, and compare as the
# reference's status says (see tests/expr-ref.py).
expect_expr() {
	desc=$1
	shift
	"$EXPR_PYTHON" "$EXPR_REF" "$@" >"$TMP/ref-out" 2>"$TMP/ref-err"
	want=$?
	mr --format value "$@" </dev/null
	case $want in
	0)
		if [ "$rc" -eq 0 ] && ! [ -s "$TMP/err" ] &&
		    cmp -s "$TMP/out" "$TMP/ref-out"; then
			ok "$desc"
		else
			not_ok "$desc" "expected: $(cat "$TMP/ref-out")" \
			    "$(command_of --format value "$@")" "$(describe_run)"
		fi ;;
	1)
		if one_line_failure 1 && cmp -s "$TMP/err" "$TMP/ref-err"; then
			ok "$desc"
		else
			not_ok "$desc" "expected exit 1 and: $(cat "$TMP/ref-err")" \
			    "$(command_of --format value "$@")" "$(describe_run)"
		fi ;;
	2 | 3 | 4)
		case $want in
		2) codes=2 ;; 3) codes=1 ;; 4) codes="2 1" ;;
		esac
		# shellcheck disable=SC2086
		if one_line_failure $codes; then
			ok "$desc"
		else
			not_ok "$desc" "expected exit $codes and one line" \
			    "(reference: $(cat "$TMP/ref-err"))" \
			    "$(command_of --format value "$@")" "$(describe_run)"
		fi ;;
	*)
		not_ok "$desc" "the reference failed (status $want)" \
		    "$(cat "$TMP/ref-err")" ;;
	esac
}

# expect_same DESCRIPTION VALUE [mapreduce args]: --format value prints
# VALUE, exit 0, nothing on stderr.
expect_same() {
	desc=$1 value=$2
	shift 2
	mr --format value "$@" </dev/null
	if [ "$rc" -eq 0 ] && ! [ -s "$TMP/err" ] &&
	    [ "$(cat "$TMP/out")" = "$value" ]; then
		ok "$desc"
	else
		not_ok "$desc" "expected: $value" \
		    "$(command_of --format value "$@")" "$(describe_run)"
	fi
}

# refused DESCRIPTION PATTERN [mapreduce args]: exit 2, nothing on stdout,
# one line on stderr matching PATTERN, before MPI (no mpiexec).
refused() {
	desc=$1 pattern=$2
	shift 2
	mr_alone "$@" </dev/null
	if one_line_failure 2 && grep -Eq -- "$pattern" "$TMP/err"; then
		ok "$desc"
	else
		not_ok "$desc" "expected exit 2 and one line matching: $pattern" \
		    "command: ./mapreduce $(quote "$@" | cut -c 1-400)" \
		    "$(describe_run)"
	fi
}

if ! "$MR" --help 2>/dev/null | grep -q -- --expr; then
	skip "mapreduce has no -e/--expr yet"
	done_testing
	exit
fi
seed=$("$PYTHON" -c 'print(sum(x * y for x, y in zip(range(1, 101), range(101, 201))))')

# The seed, every way of writing it.
expect_same "the seed as an expression: -r x=1:101 -r y=101:201 -e 'x*y'" \
    "$seed" -r x=1:101 -r y=101:201 -e 'x*y'
expect_same "-e 'x*y' with the default ranges" "$seed" -e 'x*y'
expect_same "unnamed ranges are x and y" "$seed" -r 1:101 -r 101:201 -e 'x*y'
expect_same "long options --expr= and --range=" "$seed" --range=x=1:101 \
    --range=y=101:201 --expr='x * y'
expect_same "names of the user's choosing" "$seed" -r width=1:101 \
    -r height_2=101:201 -e 'width * height_2'
USIZE=5 mr -r x=1:101 -r y=101:201 -e 'x*y'
if [ "$rc" -eq 0 ] && ! [ -s "$TMP/err" ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] &&
    grep -q " $seed\$" "$TMP/out" && grep -qF 'x*y' "$TMP/out"; then
	ok "the sentence: one line naming x*y and ending in $seed"
else
	not_ok "the sentence: one line naming x*y and ending in $seed" \
	    "$(describe_run)"
fi
USIZE=3 mr -r x=1:101 -r y=101:201 -e 'x  *   y'
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "Sum of x * y equals $seed" ]; then
	ok "the sentence as the README shows it, blanks in a row as one"
else
	not_ok "the sentence as the README shows it" \
	    "expected: Sum of x * y equals $seed" "$(describe_run)"
fi
long=$("$PYTHON" -c 'print(" + ".join(["x"] * 40))')
mr -w 2 -r x=0:10 -e "$long"
if [ "$rc" -eq 0 ] && grep -Eq '^Sum of x \+ x .{0,80}\.\.\. equals 1800$' \
    "$TMP/out" && [ "$(wc -c <"$TMP/out")" -lt 110 ]; then
	ok "the sentence cuts a long expression with ..."
else
	not_ok "the sentence cuts a long expression with ..." "$(describe_run)"
fi
mr_alone -w 2 -e 'x*y'
if [ "$rc" -eq 0 ] && grep -q " $seed\$" "$TMP/out"; then
	ok "without mpiexec, it starts itself under mpiexec: the same sum"
else
	not_ok "without mpiexec: the same sum" "$(describe_run)"
fi

# Names: x, y, z for up to three ranges, then x1 .. xN.
expect_expr "an unnamed range after a named one takes its position's name" \
    -w 2 -r a=0:3 -r 0:3 -e 'a * 10 + y'
refused "an unnamed range whose default name is taken" "." -r y=0:3 -r 0:3 \
    -e 'x'
expect_expr "three unnamed ranges are x, y, z" -r 1:11 -r 0:20:2 -r 10:0:-1 \
    -e 'x*y*z - x + y // (z + 1)'
expect_expr "four unnamed ranges are x1 .. x4" -w 2 -r 1:11 -r 0:20:2 \
    -r 10:0:-1 -r 5:15 -e 'x1*x2 - x3*x4'
expect_expr "five unnamed ranges, an error names x1 .. x5" -w 2 -r 1:11 \
    -r 0:20:2 -r 10:0:-1 -r 5:15 -r -5:5 -e 'x1 // x5'
refused "four unnamed ranges have no x" "column" -r 1:3 -r 1:3 -r 1:3 \
    -r 1:3 -e 'x + 1'

# pi by the midpoint rule, floats bit for bit, summed exactly.
for n in 1000 1000000; do
	expect_expr "pi as 4.0/(1.0+((x+0.5)/N)**2)/N, N=$n" -w 2 \
	    -r "x=0:$n" -e "4.0/(1.0+((x+0.5)/$n)**2)/$n"
done
mr --format value -w 2 -r x=0:1000000 -e '4.0/(1.0+((x+0.5)/1000000)**2)/1000000'
if [ "$rc" -eq 0 ] && "$PYTHON" -c '
import math, sys
v = float(sys.argv[1])
assert abs(v - math.pi) < 1e-11, v' "$(cat "$TMP/out")" 2>/dev/null; then
	ok "pi with 10^6 rectangles is within 1e-11 of math.pi"
else
	not_ok "pi with 10^6 rectangles is within 1e-11 of math.pi" \
	    "$(describe_run)"
fi

# Counting: the multiples of 7 below 10^6, by a conditional and by bools.
count=$(((1000000 - 1) / 7 + 1))
expect_same "multiples of 7 below 10^6: 1 if x % 7 == 0 else 0" "$count" \
    -w 2 -r x=0:1000000 -e '1 if x % 7 == 0 else 0'
expect_same "multiples of 7 below 10^6: a sum of bools, x % 7 == 0" \
    "$count" -w 2 -r x=0:1000000 -e 'x % 7 == 0'
expect_same "multiples of 7 below 10^6: not x % 7" "$count" -w 3 \
    --schedule dynamic -r n=0:1000000 -e 'not n % 7'
expect_same "multiples of 7 below 10^6 counted down" "$count" -w 2 \
    -r x=999999:-1:-1 -e 'int(x % 7 == 0)'

# Negative steps.
expect_expr "negative step" -w 2 -r x=10:-10:-3 -e 'x*x - 3*x'
expect_expr "negative and positive steps together" -w 3 -r x=100:0:-7 \
    -r y=0:100:7 -e 'x // (y + 1) - y % (x - 1000)'
expect_expr "negative step down from INT64_MAX, exact past 2^128" -w 2 \
    -r x=9223372036854775807:9223372036854775700:-9 -e 'x*x*x - 7*x'
expect_expr "step INT64_MIN" -w 2 -r x=9223372036854775807:-9223372036854775808:-9223372036854775808 \
    -e 'x ** 3 // 5'

# Empty and one-element ranges, each reduce.
for red in sum product min max; do
	expect_expr "an empty range, -R $red" -w 2 -R "$red" -r x=5:5 -e 'x*x'
	expect_expr "a range empty by its step's sign, -R $red" -w 2 -R "$red" \
	    -r x=5:10:-1 -r y=0:0 -e 'x + y'
	expect_expr "one element, int, -R $red" -w 3 -R "$red" -r x=7:8 \
	    -e 'x ** 20'
	expect_expr "one element, float, -R $red" -w 3 -R "$red" -r x=7:8 \
	    -e 'x / 2'
done
expect_same "an empty sum of a float expression is 0" 0 -w 2 -r x=0:0 \
    -e 'x / 2'
for red in min max; do
	refused "-R $red of an empty map: exit 2" "empty" -R "$red" -r x=3:3 \
	    -e 'x'
done

# Each reduce over ints, big ints, floats and bools.
for red in sum product min max; do
	expect_expr "-R $red of ints" -w 3 -R "$red" -r x=-20:30 -e 'x*x - 7*x'
	expect_expr "-R $red of ints past 2^128" -w 2 -R "$red" \
	    -r x=-4611686018427387904:4611686018427387904:230584300921369395 \
	    -e 'x * x * x + 2**130'
	expect_expr "-R $red of bools" -w 2 -R "$red" -r x=0:50 -e 'x % 3 == 1'
	expect_expr "-R $red of all-True bools" -w 2 -R "$red" -r x=0:20 \
	    -e 'x < 100'
done
for red in sum min max; do
	expect_expr "-R $red of floats" -w 3 -R "$red" -r x=-20:30 \
	    -e 'x / 7 - sqrt(abs(x))'
	expect_expr "-R $red of floats with inf" -w 2 -R "$red" -r x=0:10 \
	    -e '1e308 * x * 10.0'
done
expect_expr "-R sum of floats: exact, rounded once (1e100 + 1 - 1e100 is 1.0)" \
    -w 2 -r x=0:3 -e '1e100 if x == 0 else (1.0 if x == 1 else -1e100)'
expect_expr "-R sum of 0.1 ten times: exact sum rounded once" -w 3 \
    -r x=0:10 -e '0.1'
expect_expr "-R sum of floats: NaN from inf - inf" -w 2 -r x=1:3 \
    -e '1e308*x - 1e308*x'
expect_expr "-R sum of floats: -0.0 only sums to 0.0" -w 2 -r x=0:5 -e '-0.0'
expect_expr "-R sum of floats past DBL_MAX: inf" -w 2 -r x=0:4 \
    -e '1.7976931348623157e308'
expect_expr "-R sum of ints and floats: the exact sum rounded once" -w 2 \
    -r x=0:40 -e 'x if x % 2 else x / 3'
expect_expr "-R sum of a big int and floats, rounded once" -w 2 -r x=0:4 \
    -e '2**80 + 1 if x == 0 else 0.5'
expect_expr "-R sum of ints and floats past the largest float: exit 1" -w 2 \
    -r x=0:3 -e '1.7e308 if x else 2**1024'
expect_expr "-R sum of ints and floats at the largest float" -w 2 -r x=0:2 \
    -e '1.7976931348623157e308 if x else -(2**1000)'
for red in min max; do
	expect_expr "-R $red of floats with a NaN: NaN (IEEE)" -w 2 -R "$red" \
	    -r x=0:5 -e 'nan if x == 3 else x / 2'
	expect_expr "-R $red of floats with a NaN first: NaN" -w 3 -R "$red" \
	    -r x=0:5 -e 'nan if x == 0 else x / 2'
	expect_expr "-R $red of zeros of both signs (IEEE)" -w 2 -R "$red" \
	    -r x=0:4 -e '-0.0 if x % 2 else 0.0'
	expect_expr "-R $red of zeros of both signs, the other order" -w 2 \
	    -R "$red" -r x=0:4 -e '0.0 if x % 2 else -0.0'
done
expect_expr "-R product of floats: refused" -w 2 -R product -r x=1:5 \
    -e 'x / 2'
for red in product min max; do
	expect_expr "-R $red of ints and floats: refused at run time" -w 2 \
	    -R "$red" -r x=0:10 -e 'x if x < 5 else x / 2'
done
expect_expr "-R product, ints past 2^64" -w 2 -R product -r x=1:41 \
    -e 'x * 9223372036854775807'

# The same result for any number of workers and either schedule.
for e in '4.0/(1.0+((x+0.5)/5000)**2)/5000' 'x*x*x - 2**70 * x + y' \
    '(x * y) % 1000003 if x & 1 else -x / 3'; do
	"$EXPR_PYTHON" "$EXPR_REF" -r x=0:5000 -r y=5000:0:-1 -e "$e" \
	    >"$TMP/ref-out" 2>/dev/null
	want=$(cat "$TMP/ref-out")
	for w in 1 2 3; do
		for sched in "" "--schedule dynamic --chunk 1" \
		    "--schedule dynamic --chunk 7" "--schedule dynamic"; do
			# shellcheck disable=SC2086
			expect_same "$e: -w $w ${sched:-static}" "$want" -w "$w" \
			    $sched -r x=0:5000 -r y=5000:0:-1 -e "$e"
		done
	done
done

# --format json: one object that python's json reads.
mr --format json -w 3 -r x=1:101 -r y=101:201 -e 'x*y'
if [ "$rc" -eq 0 ] && "$PYTHON" - "$TMP/out" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
assert o["result"] == "843350", o
assert o["type"] == "integer", o
assert o["reduce"] == "sum", o
assert o["workers"] == 3 and o["elements"] == 100, o
assert o["map"] == "expr" and o["kernel"] is None, o
assert o["expr"] == "x*y" and o["names"] == ["x", "y"], o
assert o["ranges"] == [[1, 101, 1], [101, 201, 1]], o
PY
then
	ok "--format json: the result, its type, the workers, the expression"
else
	not_ok "--format json: the result, its type, the workers, the expression" \
	    "$(describe_run)"
fi
mr --format json -w 2 -R max -r x=0:1000 -e 'x / 7'
if [ "$rc" -eq 0 ] && "$PYTHON" - "$TMP/out" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
assert o["result"] == repr(999 / 7), o
assert o["type"] == "double", o
assert o["reduce"] == "max", o
PY
then
	ok "--format json of a float: repr, type double"
else
	not_ok "--format json of a float: repr, type double" "$(describe_run)"
fi
mr --format json -w 2 -r x=0:0 -e 'x / 7'
if [ "$rc" -eq 0 ] && "$PYTHON" -c '
import json, sys
json.load(open(sys.argv[1]))' "$TMP/out"; then
	ok "--format json of an empty map"
else
	not_ok "--format json of an empty map" "$(describe_run)"
fi

# Other options work with -e.
expect_expr "-t stops at the shortest range" -w 2 -t -r x=0:5 -r y=0:100 \
    -e 'x * 10 + y'
expect_expr "--timeout with -e" -w 2 --timeout 30 -r x=0:100 -e 'x ** 3'
mr --format value --progress -w 2 -r x=0:1000 -e 'x % 13'
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = \
    "$("$PYTHON" -c 'print(sum(x % 13 for x in range(1000)))')" ]; then
	ok "--progress with -e"
else
	not_ok "--progress with -e" "$(describe_run)"
fi

# Errors of an element: exit 1, nothing on stdout, one line naming the
# first element in order that raises, as CPython says it.
mr --format value -w 2 -r x=1:10 -r y=101:110 -e 'x * y // (x - 5)'
if one_line_failure 1 && [ "$(cat "$TMP/err")" = \
    "mapreduce: x=5, y=105: ZeroDivisionError: integer division or modulo by zero" ]; then
	ok "an element's ZeroDivisionError, written here"
else
	not_ok "an element's ZeroDivisionError, written here" "$(describe_run)"
fi
while IFS='|' read -r desc e; do
	expect_expr "error: $desc" -w 2 -r x=-3:8 -r y=10:21 -e "$e"
done <<'EOF'
int division by zero|x // (x - 5)
int modulo by zero|y % (x - 2)
true division by zero|y / (x - 2)
float floor division by zero|y // (x - 2.0)
float modulo by zero|y % (x - 2.0)
0 ** -1|(x - 2) ** -1
0.0 ** -1|(x - 2.0) ** -1
float ** overflow|(y + 0.5) ** 400
math range error|exp(y * 100)
sqrt of a negative|sqrt(x)
log of zero|log(x + 3)
log of a negative base|log(y, x)
factorial of a negative|factorial(x)
factorial of a float|factorial(y / 2)
isqrt of a negative|isqrt(x)
comb with a negative|comb(y, x)
negative shift count|y << x
pow with modulus 0|pow(y, 2, x + 3)
pow not invertible|pow(y, -1, 4)
int of inf|int(y * 1e308)
int of nan|int(x * 1e308 - x * 1e308)
round of inf|round(y * 1e308)
float of a big int|float(2 ** 1100 * y)
int true division too large|2 ** 1100 / y
big int plus float|2 ** 1100 * y + 0.5
bitwise and of a float|(y / 2) & x
shift of a float|y << 1.0
gcd of a float|gcd(y, x / 2)
round with float ndigits|round(y, 0.5)
atanh of 1|atanh(x / 4)
fmod by zero|fmod(y, x + 3.0)
int past 2**26 bits|2 ** (2 ** 26) if x == 4 else 0
shift past 2**26 bits|(y << (2 ** 26)) if x == 1 else y
factorial past 2**26 bits|factorial(10 ** 7 + x) if x > 6 else 1
comb past 2**26 bits|comb(10 ** 9, 10 ** 8) if x > 6 else 1
EOF
expect_expr "an int of 2**26 bits is fine" -w 2 -r x=0:3 \
    -e '2 ** (2 ** 26 - 1) > x'
expect_expr "an int of 2**26 + 1 bits is not" -w 2 -r x=0:3 \
    -e '(2 ** (2 ** 26 - 1) << 1) > x'
expect_expr "a complex value of CPython: refused at run time" -w 2 -r x=0:3 \
    -e '(x - 2.5) ** 0.5'
expect_expr "a complex value of CPython, made real again: refused at run time" \
    -w 2 -r x=0:3 -e 'abs((x - 2.5) ** 0.5)'
expect_expr "the first element in order, not the first to fail (dynamic)" \
    -w 3 --schedule dynamic --chunk 1 -r x=0:3000 \
    -e '1 // ((x - 2900) * (x - 40))'
expect_expr "the first element in order, not the first to fail (static)" \
    -w 3 -r x=0:3000 -e '1 // ((x - 2900) * (x - 40))'
expect_expr "an error in the last element of a counting-down range" -w 2 \
    -r x=10:-1:-1 -e '10 // x'
expect_expr "an error with big variables" -w 2 \
    -r x=-9223372036854775808:-9223372036854775800 -e 'sqrt(x)'
expect_expr "an error of a float run, min" -w 2 -R min -r x=0:10 \
    -e 'log(x - 3.0)'

# -e excludes -m and -k.
refused "-e with -m: exit 2" "." -m sum -e 'x*y'
refused "-e with -m after it: exit 2" "." -e 'x*y' -m product
refused "-e with -k: exit 2" "." -k "$TOP/examples/pi.so" -r 1:11 -e 'x'

# Bad range names.
refused "a keyword as a range name" "." -r if=1:3 -e '1'
refused "a keyword as a range name (True)" "." -r True=1:3 -e '1'
refused "a duplicate range name" "." -r x=1:3 -r x=1:3 -e 'x'
refused "a function's name as a range name: sqrt" "." -r sqrt=1:3 -e '1'
refused "a built-in's name as a range name: abs" "." -r abs=1:3 -e '1'
refused "a constant's name as a range name: pi" "." -r pi=1:3 -e '1'
refused "math as a range name" "." -r math=1:3 -e '1'
refused "a name that is not an identifier: 1x" "." -r 1x=1:3 -e '1'
refused "a name that is not an identifier: x-y" "." -r x-y=1:3 -e '1'
refused "an empty name" "." -r =1:3 -e '1'
refused "a non-ASCII name" "." -r 'é=1:3' -e '1'
refused "a bad range after a good name" "bad range" -r x=1:y -e 'x'

# Invalid expressions: exit 2, one line with the column, nothing started.
refused "unknown name: column 5" "column 5([^0-9]|$)" -r x=1:3 -e 'x + foo'
refused "a string: column 5" "column 5([^0-9]|$)" -r x=1:3 -e 'x * "a"'
refused "a call of open: column 5" "column 5([^0-9]|$)" -r x=1:3 \
    -e 'x + open(x)'
refused "a lambda: column 5" "column 5([^0-9]|$)" -r x=1:3 -e 'x + lambda: 1'
while IFS='|' read -r desc e; do
	refused "invalid: $desc" "column [0-9]+" -r x=1:3 -r y=1:3 -e "$e"
done <<'EOF'
syntax: a trailing operator|x +
syntax: unclosed parenthesis|(x + y
syntax: unopened parenthesis|x + y)
syntax: two names|x y
syntax: leading zero|x + 09
syntax: 0x alone|0x
syntax: 1__0|1__0
syntax: 1_|1_
syntax: 1e|1e
syntax: ++= |x += 1
syntax: a semicolon|x; y
syntax: == chained into nothing|x ==
syntax: bare if|x if y
syntax: a backslash|x \ y
syntax: a tab then garbage|x	$
unknown function|foo(x)
a variable called|x(1)
a function uncalled|sqrt + 1
math uncalled|math
math.sqrt uncalled|math.sqrt
math.abs, a built-in through math|math.abs(x)
math.NAME unknown|math.foo(x)
math.frexp, not a number function|math.frexp(x)
math.fsum, not a number function|math.fsum(x)
a keyword argument|round(x, ndigits=2)
a starred argument|max(*x)
a walrus|(z := x)
a tuple|(x, y)
a list|[x, y]
a dict|{x: y}
a set|{x, y}
None|x + None
Ellipsis|x + ...
a complex literal|1j * x
bytes|b'a'
is|x is y
in|x in y
not in|x not in y
matmul|x @ y
a subscript|x[0]
an attribute of a variable|x.real
an attribute of an int|(1).real
yield|(yield x)
await|await x
a conditional without else|x if y else
an assignment|x = 1
starred expression|*x
math.pi called|math.pi(1)
too many arguments|sqrt(x, y)
too few arguments|atan2(x)
no argument for min|min()
one argument for max|max(x)
EOF
NL='
'
refused "invalid: a newline outside parentheses" "column [0-9]+" -r x=1:3 \
    -r y=1:3 -e "x${NL}+ y"
refused "invalid: an empty expression" "." -r x=1:3 -e ''
refused "invalid: blanks only" "." -r x=1:3 -e '   '
expect_expr "a newline inside parentheses is a blank, as in Python" -w 2 \
    -r x=1:3 -r y=1:3 -e "(x${NL}+ y)"
expect_expr "blanks and tabs around" -w 2 -r x=1:3 -e "	 x * 2 "
expect_expr "a comment, as Python skips it" -w 2 -r x=1:3 -e 'x * 2  # twice'
expect_expr "a comment inside parentheses, then a newline" -w 2 -r x=1:3 \
    -e "(x # the variable${NL}+ 1)"

# Escaping the calculator: never anything but a refusal.
while IFS='|' read -r e; do
	refused "no escape: $e" "." -r x=1:3 -r y=1:3 -e "$e"
done <<'EOF'
__import__('os')
__import__('os').system('touch /tmp/mapreduce-escaped')
open('/etc/passwd')
().__class__
().__class__.__bases__[0].__subclasses__()
"a"
'a' * x
lambda: 1
[x for x in y]
x[0]
f'{x}'
x.real
math.__dict__
math.__loader__
math.__name__
math.sqrt.__self__
sqrt.__call__(x)
globals()
locals()
eval('1')
exec('1')
compile('1', 'a', 'eval')
getattr(math, 'pi')
vars()
__builtins__
breakpoint()
print(x)
input()
x.__class__
type(x)
(lambda: 1)()
min.__self__
int.__subclasses__()
float.fromhex('0x1p3')
int('7')
EOF
if [ -e /tmp/mapreduce-escaped ]; then
	not_ok "no escape: nothing ran" "/tmp/mapreduce-escaped exists"
	rm -f /tmp/mapreduce-escaped
else
	ok "no escape: nothing ran"
fi

# Every language function and constant by both its names (one test each).
for f in sqrt exp exp2 cbrt log log2 log10 log1p expm1 sin cos tan asin \
    acos atan sinh cosh tanh asinh atanh erf erfc gamma lgamma degrees \
    radians fabs floor ceil trunc isqrt factorial isfinite isinf isnan ulp; do
	case $f in
	acosh) a='x + 1' ;;
	asin | acos | atanh | erf) a='x / 4' ;;
	*) a='x' ;;
	esac
	expect_expr "math.$f(x)" -w 2 -r x=1:4 -e "math.$f($a) + 0"
	expect_expr "$f(x)" -w 2 -r x=1:4 -e "$f($a) + 0"
done
for f in atan2 hypot fmod copysign gcd lcm comb perm ldexp nextafter \
    remainder pow; do
	expect_expr "math.$f(x, y)" -w 2 -r x=1:4 -r y=7:4:-1 \
	    -e "math.$f(x, y) + 0"
done
expect_expr "math.acosh(x)" -w 2 -r x=1:4 -e "acosh(x) + math.acosh(x)"
expect_expr "log with a base" -w 2 -r x=2:9 -e 'log(x, 3) + math.log(x, x + 1)'
expect_expr "hypot, gcd, lcm of three" -w 2 -r x=1:9 \
    -e 'hypot(x, 2, 3) + gcd(x, 12, 18) + lcm(x, 4, 6)'
expect_expr "perm of one argument" -w 2 -r x=1:9 -e 'perm(x)'
expect_expr "the constants" -w 2 -r x=0:3 \
    -e 'pi + e + tau + math.pi + math.e + math.tau + x'
expect_expr "inf and nan" -w 2 -R max -r x=0:3 \
    -e 'isinf(inf) + isnan(nan) + isinf(math.inf) + isnan(math.nan) + x'
expect_expr "pow is the built-in's, math.pow is math's" -w 2 -r x=1:5 \
    -e 'pow(x, 3) * 1000 + pow(x, -1)'
expect_expr "math.pow gives floats" -w 2 -R max -r x=1:5 -e 'math.pow(x, 3)'
expect_expr "pow of three arguments, negative exponent" -w 2 -r x=1:20 \
    -e 'pow(x, -1, 101) + pow(x, 100, 97)'
expect_expr "the built-ins" -w 2 -r x=-5:6 \
    -e 'abs(x) + min(x, 2, -x) + max(x, 3.5, -x) + round(x / 3) + round(x / 3, 2) + round(x * 123, -2) + int(x / 2) + float(x) + bool(x)'

# Literals, operators and Python's semantics in corners.
expect_expr "literals" -w 2 -r x=0:3 \
    -e '7 + 0x1f + 0o17 + 0b101 + 1_000 + 2.5 + 1e-3 + .5 + 3. + True + False + 0X1F + 1E3 + 1_0.0_1'
expect_expr "// and % floor for ints" -w 2 -r x=-9:10 -r y=5:-14:-1 \
    -e 'x // (y or 7) * 100 + x % (y or 7)'
expect_expr "// and % floor for floats" -w 2 -r x=-9:10 \
    -e '(x + 0.5) // -2.25 + (x + 0.5) % -2.25'
expect_expr "** of ints is an int, negative exponent a float" -w 2 -R max \
    -r x=1:6 -e 'x ** 40 + x ** -2'
expect_expr "-x ** 2 is -(x ** 2); 2 ** -1" -w 2 -r x=1:6 -e '-x ** 2 + 2 ** -1'
expect_expr "right-associative **" -w 2 -r x=1:4 -e '2 ** 3 ** x'
expect_expr "chained comparisons, exact across int and float" -w 2 \
    -r x=9007199254740990:9007199254740995 \
    -e '(x < x + 0.0 <= x + 1) + (x == float(x)) * 2 + (2**53 + 1 > 2.0**53) * 4'
expect_expr "and/or return an operand" -w 2 -r x=-3:4 \
    -e '(x and 10) + (x or 2.5) + (not x)'
expect_expr "conditionals nest to the right" -w 2 -r x=-3:4 \
    -e '1 if x < 0 else 2 if x == 0 else 3.5'
expect_expr "bitwise operators of negative ints, past 64 bits" -w 2 \
    -r x=-70:70:9 -e '(x << 70) & ~(x >> 2) | (x ^ -(2 ** 65))'
expect_expr "True + True, bool ops of ints" -w 2 -r x=0:5 \
    -e 'True + True + (x > 2) * (x < 4) - (True & x) + (False | x)'
expect_expr "round half to even, of ints and floats" -w 2 -r x=-10:10 \
    -e 'round(x + 0.5) * 100 + round(x * 5, -1) + round(2.675, 2)'
expect_expr "float repr: the smallest subnormal" -w 2 -R min -r x=1:3 \
    -e '5e-324 * x'
expect_expr "float repr: huge, negative" -w 2 -R max -r x=1:3 -e '-1.5e300 * x'
expect_expr "float repr: a negative zero is the max of negative zeros" -w 2 \
    -R max -r x=1:3 -e '-0.0 * x'
for v in 1e16 1e-5 0.0001 123456789.0 1e22 1.5e-7 '2.0 ** -1074' \
    '-2.5e-310' 9007199254740993.0 '1 / 3' '2 ** 0.5' 1e400 1e-400 \
    '-1e400' 1.7976931348623157e308 '4.0 * atan(1)' '0.1 + 0.2' \
    '123456789012345678.0' '-0.0 + 0.0'; do
	expect_expr "float repr of $v" -w 1 -r x=0:1 -e "$v"
done
for v in '2 ** 64' '-(2 ** 64) - 1' '-9223372036854775808' '10 ** 100' \
    '-(10 ** 1000)'; do
	expect_expr "int of $v" -w 1 -r x=0:1 -e "$v"
done
mr --format value -w 1 -r x=0:1 -e "1$("$PYTHON" -c 'print("0" * 5000)')"
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = \
    "1$("$PYTHON" -c 'print("0" * 5000)')" ] && ! [ -s "$TMP/err" ]; then
	ok "a decimal literal of 5001 digits: the right answer"
elif one_line_failure 2; then
	ok "a decimal literal of 5001 digits: refused as CPython 3.11 refuses it"
else
	not_ok "a decimal literal of 5001 digits" "$(describe_run | cut -c 1-300)"
fi
expect_expr "a hex literal of 10000 digits" -w 1 -r x=0:2 \
    -e "0x$("$PYTHON" -c 'print("f" * 10000)') % 1000003 + x"
refused "a character outside the language: column 3" "column 3([^0-9]|$)" \
    -r x=1:3 -e 'x × 2'
refused "a non-ASCII name in the expression" "column 1([^0-9]|$)" -r x=1:3 \
    -e 'é + x'
expect_expr "int of huge floats" -w 2 -r x=0:5 -e 'int(1e300 * (x + 1))'
expect_expr "floor and ceil give ints" -w 2 -R max -r x=0:5 \
    -e 'floor(1e20 * x + 0.5) + ceil(-x / 3)'
expect_expr "ints near and far past 2^63" -w 2 \
    -r x=4611686018427387904:4611686018427387950 \
    -e '(x * 2 + 1) * 18446744073709551617 // 3 - 340282366920938463463374607431768211457 % x'

# Values computed from variables near the ends of int64, then combined
# with a variable or with each other: exact past 64 bits, never wrapped.
while IFS='|' read -r form; do
	cx=$(printf '%s' "$form" | sed 's/V/x/g')
	cy=$(printf '%s' "$form" | sed 's/V/y/g')
	for e in "$cx + x" "$cy - x" "x * $cy" "$cx + $cx" "$cy * $cy"; do
		expect_expr "near the int64 ends: $e" -w 2 \
		    -r x=9223372036854775803:9223372036854775807 \
		    -r y=-9223372036854775808:-9223372036854775804 -e "$e"
	done
done <<'EOF2'
V
(V & V)
(V | 0)
(V ^ 0)
(V >> 0)
(V << 0)
(-V)
(~V)
abs(V)
min(V, V)
max(V, 0)
(V + 0)
(V - 0)
(V * 1)
(V // 1)
(V % 9223372036854775807)
round(V)
int(V)
pow(V, 1)
(V if V else 0)
(V or 1)
(V and V)
EOF2
expect_expr "(x | 2**62) * 4 is 2**64, not 0" -w 1 -r x=0:1 \
    -e '(x | 4611686018427387904) * 4'

# Limits: long and deep expressions, a refusal in one line or the right
# answer, never a crash.  Linux carries at most 131071 bytes in one
# argument, so 100,000 nested parentheses (200,001 bytes) and 1 MB cannot
# reach the tool by its command line: tests/fuzz/fuzz-expr.c feeds those
# to the compiler directly.
deep() {
	"$PYTHON" -c 'import sys; n = int(sys.argv[1]); print(sys.argv[2] * n + sys.argv[3] + sys.argv[4] * n)' "$@"
}
long_ok() {
	desc=$1 want=$2
	shift 2
	${LONG_RUN:-mr} --format value "$@" </dev/null
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] &&
	    ! [ -s "$TMP/err" ]; then
		ok "$desc: the right answer"
	elif one_line_failure 2; then
		ok "$desc: refused in one line ($(cut -c 1-100 "$TMP/err"))"
	else
		not_ok "$desc: neither the answer nor a one-line refusal" \
		    "expected: $want" "$(describe_run | cut -c 1-300)"
	fi
}
for n in 199 200; do
	long_ok "$n nested parentheses" 45 -w 2 -r x=0:10 -e "$(deep "$n" '(' x ')')"
	expect_expr "$n nested parentheses, as CPython" -w 2 -r x=0:10 \
	    -e "$(deep "$n" '(' x ')')"
done
expect_expr "201 nested parentheses: refused, as CPython" -w 2 -r x=0:10 \
    -e "$(deep 201 '(' x ')')"
for n in 1000 20000; do
	long_ok "$n nested parentheses" 45 -w 2 -r x=0:10 -e "$(deep "$n" '(' x ')')"
done
long_ok "65000 unary minus signs" 45 -w 2 -r x=0:10 -e "$(deep 65000 '-' x '')"
long_ok "30000 nots" 9 -w 2 -r x=0:10 -e "$(deep 30000 'not ' x '')"
long_ok "a 65535-byte sum of 32768 terms" $((32767 * 45 + 10)) -w 2 \
    -r x=0:10 -e "$(deep 32767 'x+' 1 '')"
long_ok "a 65536-byte expression" 45 -w 2 -r x=0:10 \
    -e "$("$PYTHON" -c 'print("x" + " " * 65535)')"
long_ok "a 65537-byte expression" 45 -w 2 -r x=0:10 \
    -e "$("$PYTHON" -c 'print("x" + " " * 65536)')"
# Open MPI's mpiexec cannot start a program with an argument this long
# (its orted fails in execve): there the tool is started plainly, and
# refuses before any mpiexec.
[ "$MPI_FLAVOUR" = openmpi ] && LONG_RUN=mr_alone
long_ok "a 131071-byte expression (the most argv carries)" \
    $((10 * 65535 + 45)) -w 2 -r x=0:10 -e "$(deep 65535 '1+' x '')"
long_ok "65535 nested parentheses (131071 bytes, the most argv carries)" 45 -w 2 \
    -r x=0:10 -e "$(deep 65535 '(' x ')')"
LONG_RUN=mr
mr --format value -w 2 -r x=0:10 -e "$(deep 100000 '(' x ')')"
if [ "$rc" -eq 126 ] || [ "$rc" -eq 127 ]; then
	skip "100000 nested parentheses: the kernel cannot pass 200001 bytes in one argument"
elif [ "$rc" -eq 0 ] || one_line_failure 2; then
	ok "100000 nested parentheses: the answer or one line"
else
	not_ok "100000 nested parentheses" "$(describe_run | cut -c 1-300)"
fi
# What a new user's attempts found.  A function of a conditional whose
# ways differ in type (int and float) crashed the workers' fast path.
for e in 'sqrt(x if x > 0 else 0.5)' 'log(x and 0.5)' 'sin(x or 1.5)' \
    'exp(-x if x % 2 else x / 2)' 'sqrt(1 if 1 else 1.5)'; do
	expect_expr "a function of ways of two types: $e" -w 2 -r x=1:10 -e "$e"
done
# Newlines where Python's eval takes them, and where it does not.
nl='
'
expect_expr "a trailing newline" -w 2 -r x=0:5 -e "x$nl"
expect_expr "a comment line first" -w 2 -r x=0:5 -e "# c${nl}x"
expect_expr "a backslash continuation" -w 2 -r x=0:5 -e "x \\${nl}+1"
expect_expr "a newline inside the expression: refused" -w 2 -r x=0:5 \
    -e "x$nl+1"
# --timeout covers the decimal digits of a huge result.
t0=$(date +%s)
mr --timeout 1 --format value -r x=0:2 -e '2**(2**26-1)' </dev/null
t1=$(date +%s)
if [ "$rc" -eq 124 ] && [ $((t1 - t0)) -le 4 ] && one_line_failure 124; then
	ok "--timeout 1 stops the formatting of a 20-million-digit result"
else
	not_ok "--timeout 1 and a 20-million-digit result" \
	    "took $((t1 - t0)) s" "$(describe_run | cut -c 1-300)"
fi
done_testing
