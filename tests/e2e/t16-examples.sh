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

# pi_ref N OP [RANGE]: OP (fsum, min or max) of pi.c's areas for -r 1:N+1,
# or for -r RANGE (START:STOP:STEP, of length N), as Python computes them,
# printed as repr(float).
pi_ref() {
	"$PYTHON" - "$@" <<'EOF'
import math
import sys

n, op = int(sys.argv[1]), sys.argv[2]
r = range(*map(int, sys.argv[3].split(":"))) if len(sys.argv) > 3 else \
    range(1, n + 1)
assert len(r) == n
h = 1.0 / n
v = [h * 4.0 / (1.0 + x * x) for x in (h * (i - 0.5) for i in r)]
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
# Other ranges: i counted in doubles from the batch's first (exact within
# 2^52 of 0) or converted from int64_t, batches on either side of 2^52,
# beyond 2^53 where the conversion rounds, negative steps.
for r in 4503599627270496:4503599627470496 \
    -4503599627470496:-4503599627270496 \
    9007199254640993:9007199254840993:3 \
    4503599627570497:4503599627170497:-2 -100000:100001:7; do
	len=$("$PYTHON" -c 'import sys; print(len(range(*map(int, sys.argv[1].split(":")))))' "$r")
	expect_line "pi.so on -r $r" "$(pi_ref "$len" fsum "$r")" \
	    -w 3 -k "$EX/pi.so" -r "$r" --format value
done

# product: the seed's sentence, products near 2^63 summing beyond 2^64.
expect_line "product.so on the seed's ranges" \
    "Sum of the products equals $("$PYTHON" "$REF" 1:101 101:201)" \
    -w 4 -k "$EX/product.so" -r 1:101 -r 101:201
r1=-3037000499:3037000500:60741 r2=3037000499:-3037000500:-60741
expect_line "product.so, products within 2^33 of -2^63, summed beyond 2^64" \
    "$("$PYTHON" "$REF" $r1 $r2)" \
    -w 3 -k "$EX/product.so" -r $r1 -r $r2 --format value
# Batches whose ranges keep one sign and stay below 2^32 in magnitude,
# multiplied in 32 bits: signs that differ, a range that reaches 2^32 in
# its last batch, steps other than 1, ranges that cross 0.
for rr in "-4294967295:-4294867295 1000000000:1000100000" \
    "4294867296:4294967297 -100001:0" \
    "-4294967295:-4294867295:7 -1000000000:-999300000:49" \
    "3000000000:-3000000000:-60001 -3000000000:3000000000:60001"; do
	# shellcheck disable=SC2086	# two ranges
	set -- $rr
	expect_line "product.so on -r $1 -r $2" "$("$PYTHON" "$REF" "$1" "$2")" \
	    -w 3 -k "$EX/product.so" -r "$1" -r "$2" --format value
	expect_line "product.so -R min on -r $1 -r $2" \
	    "$(products_ref min "$1" "$2")" \
	    -w 2 -k "$EX/product.so" -R min -r "$1" -r "$2" --format value
done
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

# map() called directly on batches that the runs above may not form:
# starts of either parity on both sides of 2^52 and 2^53, one-element
# batches, ranges that end at 2^32 or cross 0, products that do not fit
# (map() returns -1).  Every value is compared with Python's.
CC=${CC:-cc}
cat >"$TMP/drive.c" <<'EOF'
/* drive.c - call a kernel's map() on the batches of stdin, print out[] */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>

#include "mapreduce.h"

int
main(int argc, char *argv[])
{
	static union { int64_t i[8192]; double d[8192]; } out;
	const struct mapreduce_kernel *k;
	struct mapreduce_batch b;
	int64_t start[2], step[2];
	void *h;
	size_t t;

	if (argc != 2 || (h = dlopen(argv[1], RTLD_NOW)) == NULL ||
	    (k = dlsym(h, "mapreduce_kernel")) == NULL)
		return 1;
	b.arity = k->arity_min;
	b.start = start;
	b.step = step;
	b.first = 0;
	while (scanf("%" SCNu64 " %zu %" SCNd64 " %" SCNd64, &b.length,
	    &b.count, &start[0], &step[0]) == 4 && b.count <= 8192) {
		if (b.arity == 2 && scanf("%" SCNd64 " %" SCNd64, &start[1],
		    &step[1]) != 2)
			return 1;
		if (k->map(&b, &out) != 0) {
			printf("error\n");
			continue;
		}
		for (t = 0; t < b.count; t++)
			if (k->type == MAPREDUCE_DOUBLE)
				printf(" %a", out.d[t]);
			else
				printf(" %" PRId64, out.i[t]);
		printf("\n");
	}
	return 0;
}
EOF
cat >"$TMP/drive.py" <<'EOF'
import random
import subprocess
import sys

drive, kernel = sys.argv[1], sys.argv[2]
rng = random.Random(18)
batches = []
if kernel == "pi":
    for base in (1, 2**31, 2**52, 2**53, 2**54, 2**62):
        for _ in range(40):
            x = rng.choice((-1, 1)) * base + rng.randrange(-9000, 9000)
            dx = rng.choice((1, 2, 3, -1, -2, -3, 4097))
            n = rng.choice((0, 1, 2, 7, 8, 9, 100, 4096, 8192))
            batches.append((rng.randrange(1, 10**10), n, x, dx))
else:
    for base in (0, 2**31, 2**32, 3037000499, 2**40):
        for _ in range(60):
            n = rng.choice((1, 2, 7, 8, 9, 100, 4096, 8192))
            xs = [rng.choice((-1, 1)) * base + rng.randrange(-9000, 9000)
                  for _ in range(2)]
            ds = [rng.choice((1, 2, 7, -1, -3, 2**20)) for _ in range(2)]
            batches.append((10**9, n, xs[0], ds[0], xs[1], ds[1]))
lines = subprocess.run([drive, "%s.so" % sys.argv[3]], check=True,
                       capture_output=True, text=True,
                       input="".join(" ".join(map(str, b)) + "\n"
                                     for b in batches)).stdout.splitlines()
bad = 0 if len(lines) == len(batches) else 1
for b, line in zip(batches, lines):
    if kernel == "pi":
        length, n, x, dx = b
        h = 1.0 / length
        want = [h * 4.0 / (1.0 + v * v)
                for v in (h * (x + t * dx - 0.5) for t in range(n))]
        got = None if line == "error" else [float.fromhex(v)
                                            for v in line.split()]
    else:
        length, n, x, dx, y, dy = b
        want = [(x + t * dx) * (y + t * dy) for t in range(n)]
        if any(not -2**63 <= v < 2**63 for v in want):
            want = None
        got = None if line == "error" else [int(v) for v in line.split()]
    if got != want:
        bad += 1
        if bad <= 3:
            print("# batch %s: got %.200s" % (b, line))
print("%d batches, %d wrong" % (len(batches), bad))
sys.exit(bad != 0)
EOF
# Kernels built by make check-sanitize need the sanitizers' runtime first
# in the process that loads them: the driver is built with them too.
san=
ldd "$EX/pi.so" 2>/dev/null | grep -q libasan &&
    san="-fsanitize=address,undefined"
# shellcheck disable=SC2086
if "$CC" -std=c11 $san -I"$TOP" -o "$TMP/drive" "$TMP/drive.c" -ldl \
    >"$TMP/cc.log" 2>&1; then
	for k in pi product; do
		if "$PYTHON" "$TMP/drive.py" "$TMP/drive" $k "$EX/$k" \
		    >"$TMP/drive.out" 2>&1; then
			ok "$k.so's map() on batches near its limits: $(tail -n 1 "$TMP/drive.out")"
		else
			not_ok "$k.so's map() on batches near its limits" \
			    "$(cat "$TMP/drive.out")"
		fi
	done
else
	not_ok "the driver of map() builds" "$(cat "$TMP/cc.log")"
fi

# Kernels that cannot run, built here from a few lines.
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
