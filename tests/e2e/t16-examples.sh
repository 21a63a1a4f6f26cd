#!/bin/sh
# t16-examples.sh - the example kernels through -k against Python; a bad kernel is one line
#
# examples/*.so (make examples) run through the tool and are compared with
# Python: pi with math.fsum of the same doubles, bit for bit, on 1 to 8
# workers; primes with a sieve; products with Python integers; -R min and
# max.  Then kernels that cannot run: a missing file, a missing symbol, an
# interface version of 99 (exit 2), and a map() that crashes (exit 1);
# each ends the run with one line that names the kernel's file.
. "$(dirname "$0")/../lib.sh"

EX=$TOP/examples
if ! [ -f "$EX/pi.so" ]; then
	skip "no $EX/pi.so: the examples are not built (make examples)"
	done_testing
	exit
fi

# pi_ref N OP: OP (fsum, min or max) of pi.c's areas for -r 1:N+1, as
# Python computes them, printed as repr(float).
pi_ref() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import math
import sys

n, op = int(sys.argv[1]), sys.argv[2]
h = 1.0 / n
v = [h * 4.0 / (1.0 + x * x) for x in (h * (i - 0.5) for i in range(1, n + 1))]
print(repr({"fsum": math.fsum, "min": min, "max": max}[op](v)))
EOF
}

# products_ref OP RANGE RANGE: min or max of x * y over two ranges.
products_ref() {
	"$PYTHON" - "$@" <<'EOF'
import sys

op = {"min": min, "max": max}[sys.argv[1]]
r = [range(*map(int, a.split(":"))) for a in sys.argv[2:]]
print(op(x * y for x, y in zip(*r)))
EOF
}

# primes_ref N: the number of primes below N, by the sieve of Eratosthenes.
primes_ref() {
	"$PYTHON" - "$1" <<'EOF'
import math
import sys

n = int(sys.argv[1])
sieve = bytearray([1]) * n
sieve[:2] = b"\0\0"
for p in range(2, math.isqrt(n - 1) + 1):
    if sieve[p]:
        sieve[p * p::p] = bytes(len(range(p * p, n, p)))
print(sum(sieve))
EOF
}

# pi: one value whatever the number of workers, Python's fsum bit for bit.
n=1000000
pi=$(pi_ref $n fsum)
w=1
while [ $w -le 8 ]; do
	expect_line "pi.so, 10^6 rectangles, -w $w: $pi" "$pi" \
	    -w $w -k "$EX/pi.so" -r 1:$((n + 1)) --format value
	w=$((w + 1))
done
expect_line "pi.so's sentence" \
    "Sum of the midpoint rectangles equals $pi" \
    -w 2 -k "$EX/pi.so" -r 1:$((n + 1))
expect_line "pi.so named with its symbol, -R sum" "$pi" \
    -w 3 -k "$EX/pi.so:mapreduce_kernel" -R sum -r 1:$((n + 1)) \
    --format value
expect_line "pi.so, 12345 rectangles, -w 7" "$(pi_ref 12345 fsum)" \
    -w 7 -k "$EX/pi.so" -r 1:12346 --format value
expect_line "pi.so -R max: the first rectangle" "$(pi_ref $n max)" \
    -w 3 -k "$EX/pi.so" -R max -r 1:$((n + 1)) --format value
expect_line "pi.so -R min: the last rectangle" "$(pi_ref $n min)" \
    -w 5 -k "$EX/pi.so" -R min -r 1:$((n + 1)) --format value

# product: the seed's sentence, products near 2^63 summing beyond 2^64.
expect_line "product.so on the seed's ranges" \
    "Sum of the products equals $("$PYTHON" "$REF" 1:101 101:201)" \
    -w 4 -k "$EX/product.so" -r 1:101 -r 101:201
r1=-3037000499:3037000500:60741 r2=3037000499:-3037000500:-60741
expect_line "product.so, products within 2^33 of -2^63, summed beyond 2^64" \
    "$("$PYTHON" "$REF" $r1 $r2)" \
    -w 3 -k "$EX/product.so" -r $r1 -r $r2 --format value
expect_line "product.so -R max" \
    "Maximum of the products equals $(products_ref max -50:50 7:107)" \
    -w 2 -k "$EX/product.so" -R max -r -50:50 -r 7:107
expect_line "product.so -R min" "$(products_ref min -50:50 7:107)" \
    -w 2 -k "$EX/product.so" -R min -r -50:50 -r 7:107 --format value

# primes: uneven work, the count of a sieve.
primes=$(primes_ref 200000)
expect_line "primes.so below 200000, -w 1" \
    "Sum of the prime indicators equals $primes" \
    -w 1 -k "$EX/primes.so" -r 0:200000
expect_line "primes.so below 200000, -w 4" "$primes" \
    -w 4 -k "$EX/primes.so" -r 0:200000 --format value

# Kernels that cannot run, built here from a few lines.
CC=${CC:-cc}
cat >"$TMP/v99.c" <<'EOF'
/* v99.c - a kernel of an interface version that does not exist */
#include "mapreduce.h"

static int
map_zero(const struct mapreduce_batch *b, void *out)
{
	size_t t;

	for (t = 0; t < b->count; t++)
		((int64_t *)out)[t] = 0;
	return 0;
}

const struct mapreduce_kernel mapreduce_kernel = {
	99, MAPREDUCE_INT64, "zeros", 1, 1, map_zero
};
EOF
cat >"$TMP/segv.c" <<'EOF'
/* segv.c - a kernel whose map() writes through a null pointer */
#include "mapreduce.h"

static int
map_segv(const struct mapreduce_batch *b, void *out)
{
	int *volatile p = NULL;

	(void)b;
	(void)out;
	*p = 1;
	return 0;
}

const struct mapreduce_kernel mapreduce_kernel = {
	MAPREDUCE_KERNEL_VERSION, MAPREDUCE_INT64, "crashes", 1, 1, map_segv
};
EOF
for k in v99 segv; do
	if "$CC" -std=c11 -I"$TOP" -shared -fPIC -o "$TMP/$k.so" "$TMP/$k.c" \
	    >"$TMP/cc.log" 2>&1; then
		ok "a test kernel builds: $k.so"
	else
		not_ok "a test kernel builds: $k.so" "$(cat "$TMP/cc.log")"
	fi
done

# bad_kernel DESCRIPTION CODE NAME: the last run exited with CODE, printed
# nothing on stdout and one line on stderr, which starts with "mapreduce: "
# and names the kernel's file NAME.
bad_kernel() {
	if [ "$rc" -eq "$2" ] && ! [ -s "$TMP/out" ] &&
	    [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	    grep -q '^mapreduce: ' "$TMP/err" && grep -Fq -- "$3" "$TMP/err"
	then
		ok "$1: $(cat "$TMP/err")"
	else
		not_ok "$1" "expected exit $2 and one line 'mapreduce: ...$3...'" \
		    "$(describe_run)"
	fi
}

mr -w 2 -k "$TMP/nosuch.so" -r 0:1000
bad_kernel "a missing kernel file" 2 nosuch.so
mr -w 2 -k "$EX/pi.so:nosuch" -r 1:1001
bad_kernel "a missing symbol" 2 pi.so
mr -w 2 -k "$TMP/v99.so" -r 0:1000
bad_kernel "interface version 99" 2 v99.so

# A crash in map(): one line, exit 1, no hang, no worker left behind.  The
# worker is a private copy, so that its processes can be counted.
mkdir "$TMP/bin"
cp "$TOP/worker" "$TMP/bin/worker"
# Under make check-sanitize, ASan's handler would turn the crash into its
# own report and an exit: let the signal through, as in a plain build.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" RUN_TIMEOUT=30 \
    mr -w 2 --worker "$TMP/bin/worker" -k "$TMP/segv.so" -r 0:1000
if [ "$MPI_FLAVOUR" = openmpi ]; then
	# No guard there: Open MPI ends the run itself, with its own status.
	if [ "$rc" -ne 0 ] && ! [ -s "$TMP/out" ]; then
		ok "map() crashes, Open MPI: the run ends, no result"
	else
		not_ok "map() crashes, Open MPI: the run ends" "$(describe_run)"
	fi
	skip "map() crashes, Open MPI: one line naming the kernel is the guard's, hydra's only"
else
	bad_kernel "map() crashes" 1 segv.so
fi
sleep 0.5
left=$(pgrep -f "$TMP/bin/" | wc -l)
if [ "$left" -eq 0 ]; then
	ok "no worker left after the crash"
else
	not_ok "no worker left after the crash" "$left process(es) left"
	pgrep -f "$TMP/bin/" | xargs -r kill -9 2>/dev/null
fi
done_testing
