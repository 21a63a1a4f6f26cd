#!/bin/sh
# t03-ranges.sh - sums for many kinds of ranges, checked against Python
. "$(dirname "$0")/../lib.sh"

max=9223372036854775807
min=-9223372036854775808

expect_sum "arity 1" -w 3 -r 1:1001
expect_sum "arity 1, negative values" -w 2 -r -500:500:7
expect_sum "arity 2, negative steps" -w 3 -r 100:0:-1 -r -50:-250:-2
expect_sum "arity 3" -w 4 -r 1:11 -r 0:20:2 -r 10:0:-1
expect_sum "arity 4, mixed steps" -w 3 -r 0:3000 -r -1000:2000 \
    -r 9000:0:-3 -r 5:15005:5
expect_sum "empty ranges: the sum is 0" -w 2 -r 5:5 -r 3:3
expect_sum "empty by direction" -w 2 -r 10:0 -r 0:10:-1
expect_sum "one element" -w 3 -r 7:8 -r -9:-10:-1
expect_sum "more workers than elements" -w 12 -r 0:5 -r 1:6
expect_sum "one worker" -w 1 -r 1:1001 -r 1001:1:-1
expect_sum "--truncate stops at the shortest" -w 2 -t -r 0:5 -r 0:100
expect_sum "--truncate, arity 3" -w 3 --truncate -r 0:1000 -r 3:40 -r 100:0:-7
expect_sum "--truncate with an empty range" -w 2 -t -r 0:0 -r 0:100
expect_sum "beyond 2^64" -w 2 -r 4294967296:4294977296 -r 4294967296:4294977296
expect_sum "beyond 2^128: products of 2^126" -w 3 \
    -r "$min:$max:1000000000000000" -r "$min:$max:1000000000000000"
expect_sum "elements beyond 2^128: arity 3 at the 64-bit ends" -w 2 \
    -r "$max:0:-1000000000000000" -r "$min:0:1000000000000000" \
    -r "$max:0:-1000000000000000"
expect_sum "arity 4 near 2^63" -w 4 -r "$max:$min:-100000000000000" \
    -r "$min:$max:100000000000000" -r "$max:$min:-100000000000000" \
    -r "$min:$max:100000000000000"
expect_sum "INT64 bounds, 1 element each" -w 2 -r "$min:$((min + 1))" \
    -r "$min:$((min + 1))"
expect_sum "negative sum" -w 3 -r -1000:0 -r 0:1000
expect_sum "leading zeros are only zeros" -w 0003 \
    -r 000000000000000000000000000000001:+0000000000000000000000000000000101 \
    -r -0000000000000000000000000000000000000000000101:-201:-01

# Too many elements for Python's loop: the closed form of sum(i*i).
n=10000000000
expect_value "two ranges of 10^10 elements, -w 2" \
    "$("$PYTHON" -c "n = $n; print((n - 1) * n * (2 * n - 1) // 6)")" \
    -w 2 -r 0:$n -r 0:$n
done_testing
