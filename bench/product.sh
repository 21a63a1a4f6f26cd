#!/bin/sh
# product.sh - row 11 of the benchmark: -R product of 10^6 squares, whose
# result has 11.1 million digits, against a serial GMP program
#
# usage: MPICC=path MPIEXEC=path CFLAGS=flags bench/product.sh   (make bench sets them)
#
# The speed target of issue 19: `mapreduce -m square -R product -r
# 1:1000001` under 2 s on this project's 2-core machine.  The baseline,
# bench/gmp-product.c, is what a GMP user writes: the product by binary
# splitting on one core, then mpz_get_str().  Both outputs are checked
# against (10^6!)^2 written by Python's decimal module
# (bench/squares_ref.py: libmpdec, not GMP), compared by their SHA-256;
# a wrong one stops the run.  Prints a Markdown table on stdout (progress
# on stderr) and replaces row 11 of bench/results.csv (QUICK=1: 10^5
# squares, into bench/build/results.csv).  REPEAT and BIN as for
# kernels.sh; runs alternate between the tool and the baseline.

set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
MPICC=${MPICC:-${XDG_CACHE_HOME:-$HOME/.cache}/mapreduce/mpich-4.0.2-ch3/bin/mpicc}
MPIEXEC=${MPIEXEC:-$(dirname "$MPICC")/mpiexec}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
BIN=${BIN:-$PWD}
REPEAT=${REPEAT:-3}
TIMEOUT=300			# seconds, for any one command
PYTHON=${PYTHON:-python3}
build=bench/build
if [ "${QUICK:-0}" = 1 ]; then
	n=100000 out=$build
else
	n=1000000 out=bench
fi

die() {
	echo "product.sh: $*" >&2
	exit 1
}

{ [ -x "$BIN/mapreduce" ] && [ -x "$BIN/worker" ]; } ||
    die "no $BIN/mapreduce or $BIN/worker: run make first"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mapreduce-product.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

mkdir -p "$build"
# shellcheck disable=SC2086	# CFLAGS is a list of flags
"$CC" -std=c11 -Wall -Wextra $CFLAGS -o "$build/gmp-product" \
    bench/gmp-product.c -lgmp || die "cannot build $build/gmp-product"
echo "product.sh: the reference, ($(sci $n)!)^2 by $PYTHON's decimal module" >&2
want=$("$PYTHON" bench/squares_ref.py "$n" | sha256sum | cut -d ' ' -f 1)
[ ${#want} -eq 64 ] || die "squares_ref.py failed"

load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo '?')
# time1 NAME COMMAND: run COMMAND once, check the SHA-256 of its output,
# append its wall time to NAME.times.
time1() {
	t0=$(date +%s.%N)
	eval "$2" >"$tmp/$1.out" 2>"$tmp/$1.err" || {
		echo "product.sh: FAILED: $2" >&2
		sed 's/^/    /' "$tmp/$1.err" >&2
		exit 1
	}
	t1=$(date +%s.%N)
	[ "$(sha256sum <"$tmp/$1.out" | cut -d ' ' -f 1)" = "$want" ] ||
	    die "WRONG ANSWER from: $2 ($(wc -c <"$tmp/$1.out") bytes)"
	echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }' >>"$tmp/$1.times"
}
ours="timeout $TIMEOUT '$MPIEXEC' -n 1 -usize 3 '$BIN/mapreduce' -w 2 -m square -R product -r 1:$((n + 1)) --format value"
gmp="timeout $TIMEOUT '$build/gmp-product' $n"
echo "product.sh: $ours x $REPEAT" >&2
round=0
while [ "$round" -lt "$REPEAT" ]; do
	time1 ours "$ours"
	time1 gmp "$gmp"
	round=$((round + 1))
done
to=$(median ours) tg=$(median gmp)
ratio=$(calc "$tg / $to")
case="-R product of $(sci $n) squares: ours -w 2 vs serial GMP (mpz_get_str)"
result=$(judge "$to" '<' 2)
csv=$out/results.csv
if [ -f "$csv" ]; then
	grep -v '^11,' "$csv" >"$tmp/old.csv" || true
else
	echo 'row,case,ours,baseline,unit,ours_rate,baseline_rate,ratio,target,result' \
	    >"$tmp/old.csv"
fi
printf '11,"%s",%s,%s,s,%s,%s,%s,"< 2 s","%s"\n' "$case" "$to" "$tg" \
    "$(calc "$n / $to")" "$(calc "$n / $tg")" "$(printf '%.2f' "$ratio")" \
    "$result" \
    >>"$tmp/old.csv"
cp "$tmp/old.csv" "$csv"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "mapreduce benchmark, row 11 (-R product), $(date -u +%Y-%m-%d), $cpu," \
    "$(nproc) cores, load average $load at the start; median of $REPEAT runs"
echo
echo '| row | case | ours | baseline | ours elem/s | baseline elem/s | ratio | target | result |'
echo '|---|---|---|---|---|---|---|---|---|'
printf '| 11 | %s | %.3f s | %.3f s | %s | %s | %.2fx | < 2 s | %s |\n' \
    "$case" "$to" "$tg" "$(rate "$(calc "$n / $to")")" \
    "$(rate "$(calc "$n / $tg")")" "$ratio" "$result"
echo
echo "Times are the wall time of the whole command, start-up included;" \
    "the ratio is the baseline's time ÷ ours. Written: $csv"
