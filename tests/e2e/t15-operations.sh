#!/bin/sh
# t15-operations.sh - every map and reduce pair, the schedules and the output formats, against Python
. "$(dirname "$0")/../lib.sh"

# sentence MAP REDUCE VALUE: the line mapreduce must print, written here
# from the operations' names, not taken from the tool.
sentence() {
	case $2 in
	sum) r=Sum ;; product) r=Product ;; min) r=Minimum ;; max) r=Maximum ;;
	esac
	case $1 in
	product) m=products ;; sum) m=sums ;; min) m=minima ;; max) m=maxima ;;
	square) m=squares ;;
	esac
	echo "$r of the $m equals $3"
}

# expect_op DESCRIPTION MAP REDUCE [mapreduce args]: the sentence with
# Python's value for the same operations and ranges.
expect_op() {
	desc=$1 map=$2 red=$3
	shift 3
	value=$(ref_args -m "$map" -R "$red" "$@" | xargs "$PYTHON" "$REF") || {
		not_ok "$desc" "the reference failed for: $*"
		return
	}
	expect_line "$desc" "$(sentence "$map" "$red" "$value")" -m "$map" \
	    -R "$red" "$@"
}

max=9223372036854775807
min=-9223372036854775808
# Two ranges with signs of both kinds, and 64-bit extremes, whose values
# pass 2^64 and whose products pass 2^128.
small="-r -7:13 -r 40:0:-2"
big="-r $min:$max:461168601842738790 -r $max:$min:-461168601842738790"
for map in product sum min max; do
	for red in sum product min max; do
		# shellcheck disable=SC2086
		expect_op "-m $map -R $red, small ranges, 3 workers" "$map" \
		    "$red" -w 3 $small
		# shellcheck disable=SC2086
		expect_op "-m $map -R $red, 64-bit extremes, 4 workers" \
		    "$map" "$red" -w 4 $big
	done
done
for red in sum product min max; do
	expect_op "-m square -R $red, 2 workers" square "$red" -w 2 -r -9:30:4
	expect_op "-m square -R $red at the 64-bit limits" square "$red" -w 3 \
	    -r "$min:$max:1537228672809129301"
done
expect_op "-m product -R sum, arity 3 with GMP products, 2 workers" \
    product sum -w 2 -r "$min:$max:922337203685477580" \
    -r "$max:$min:-922337203685477580" -r "$min:$max:922337203685477580"
expect_op "-m product -R max, arity 3, more workers than elements" \
    product max -w 8 -r 1:4 -r -5:-2 -r 7:10
expect_op "-R product of 1000 elements, 5 workers" product product -w 5 \
    -r 1:1001 -r 3:3003:3
# Results of 100000 digits or more are written by two threads, from
# halves split by a power of ten (decimal.c): (30000!)^2 has 242576
# digits, and the product of -300010, -300000, ..., -10 is negative with
# 37499 zeros at its end, runs of zeros across the split points.
expect_op "-m square -R product of 1..30000: (30000!)^2, 242576 digits" \
    square product -w 2 -r 1:30001
expect_op "-R product of 30001 negative multiples of ten, 151293 digits" \
    product product -w 3 -r -300010:0:10
expect_op "-R sum of an empty map is 0" product sum -w 2 -r 5:5 -r 9:9
expect_op "-R product of an empty map is 1" sum product -w 2 -r 5:5 -r 9:9

# min and max of nothing: an error before any work, as Python's reduce().
for red in min max; do
	mr_alone -R "$red" -r 3:3
	expect_fail "-R $red of an empty map: exit 2, one line" 2 \
	    "^mapreduce: -R $red of an empty map has no value"
done
mr_alone -m square -r 1:3 -r 1:3
expect_fail "-m square of two ranges: exit 2" 2 \
    "^mapreduce: -m square takes one range, not 2"
mr_alone -m cube
expect_fail "-m cube: exit 2, the operations listed" 2 \
    "^mapreduce: bad map 'cube': one of product, sum, min, max, square"
mr_alone -R mean
expect_fail "-R mean: exit 2" 2 \
    "^mapreduce: bad reduce 'mean': one of sum, product, min, max"
mr_alone --chunk 5
expect_fail "--chunk without --schedule dynamic: exit 2" 2 \
    "^mapreduce: --chunk needs --schedule dynamic"

# Dynamic schedule: chunks on request give the static schedule's result.
for chunk in 1 7 1000 1000000; do
	expect_sum "--schedule dynamic --chunk $chunk, 3 workers" -w 3 \
	    --schedule dynamic --chunk "$chunk" -r -500:20000:3 -r 9:6843
done
expect_sum "--schedule dynamic, default chunk, 4 workers" -w 4 \
    --schedule dynamic -r "$min:$max:1537228672809129" \
    -r "$max:$min:-1537228672809129"
expect_op "--schedule dynamic with -R max" max max -w 2 --schedule dynamic \
    --chunk 3 -r -50:50 -r 50:-50:-1

# --format value: the number alone.  --format json: one object.
mr -w 2 --format value -R product -r 1:31
want=$("$PYTHON" "$REF" --reduce product 1:31)
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ]; then
	ok "--format value prints the value alone"
else
	not_ok "--format value prints the value alone" "expected: $want" \
	    "$(describe_run)"
fi
mr -w 3 --format json -m sum -R max -r 1:101 -r -5:95
if [ "$rc" -eq 0 ] && "$PYTHON" - "$TMP/out" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
want = max(x + y for x, y in zip(range(1, 101), range(-5, 95)))
assert o["map"] == "sum" and o["reduce"] == "max", o
assert o["result"] == str(want), o
assert o["ranges"] == [[1, 101, 1], [-5, 95, 1]], o
assert o["workers"] == 3 and o["elements"] == 100, o
assert o["workers_lost"] == 0, o
assert o["type"] == "integer" and o["kernel"] is None, o
assert o["schedule"] == "static" and 0 < o["seconds"] < 60, o
PY
then
	ok "--format json: one object that python's json reads, with the facts"
else
	not_ok "--format json: one object that python's json reads" \
	    "$(describe_run)"
fi

# -v: per-worker statistics on stderr, the result on stdout as ever.
mr -v -w 3 --schedule dynamic --chunk 10 -r 0:100 -r 0:100
if [ "$rc" -eq 0 ] &&
    [ "$(cat "$TMP/out")" = "Sum of the products equals $("$PYTHON" "$REF" 0:100 0:100)" ] &&
    [ "$(grep -c '^mapreduce: worker [0-2]: [0-9]* elements in [0-9]* blocks\{0,1\}, [0-9.]* s$' "$TMP/err")" -eq 3 ] &&
    [ "$(sed -n 's/^mapreduce: worker [0-2]: \([0-9]*\) elements.*/\1/p' "$TMP/err" |
        paste -sd+ | bc)" -eq 100 ] &&
    grep -q '^mapreduce: imbalance: ' "$TMP/err"; then
	ok "-v: each worker's elements and blocks, adding up to the map"
else
	not_ok "-v: each worker's elements and blocks" "$(describe_run)"
fi
# --progress on a run of seconds: lines of elements done, rate and time
# to go on stderr (not a terminal: a line each second), the same result.
for sched in static dynamic; do
	mr --progress -w 2 --schedule "$sched" -m sum -r 0:2000000000 \
	    -r 0:2000000000
	# the sum of i + i for i < n is n (n - 1)
	want="Sum of the sums equals $("$PYTHON" -c 'n = 2000000000; print(n * (n - 1))')"
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] &&
	    grep -Eq '^mapreduce: +[0-9.]+%, [0-9]+ of 2000000000 elements, [0-9.e+]+ elements/s, ([0-9]+ s to go|time to go unknown)$' \
	    "$TMP/err" &&
	    ! grep -Ev '^mapreduce: +[0-9.]+%, ' "$TMP/err" | grep -q .; then
		ok "--progress, $sched schedule: progress lines, the same sum"
	else
		not_ok "--progress, $sched schedule: progress lines" \
		    "expected: $want" "$(describe_run)"
	fi
done
done_testing
