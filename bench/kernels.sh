#!/bin/sh
# kernels.sh - rows 7 and 8 of the benchmark: user kernels (-k) and expressions (-e)
# against hand-written MPI programs
#
# usage: MPICC=path MPIEXEC=path CFLAGS=flags bench/kernels.sh   (make bench sets them)
#
# The speed targets of user kernels: examples/product.so, the seed's product
# as a kernel, at >= 0.8x the rate of the hand-written SPMD program
# (bench/spmd.c), and examples/pi.so at >= 0.9x the rate of MPICH's cpi.c
# algorithm written by hand (bench/cpi.c), on the same elements and the
# same number of processes (-w 2 against mpiexec -n 2).  The built-in
# product is shown beside product.so.  On a CPU with AVX-512, row 7 is
# measured twice: as built, and as on a CPU with AVX2 and no AVX-512 (the
# target's machines), emulated: the two kernels are rebuilt into
# bench/build/avx2/ from examples/*.c without their x86-64-v4 clone, so
# that the loader picks the x86-64-v3 (AVX2) clone an AVX2-only CPU gets,
# and every process of those runs, the baselines' too, starts with
# GLIBC_TUNABLES hiding AVX-512 from glibc's own string functions.  The
# tool's code on row 7's path (reduce.c, dsum.c, kernel.c) uses at most
# AVX2, and the baselines, built without -march, none of it, so the code
# that runs is the AVX2-only CPU's; the CPU that runs it is not.  Builds spmd and cpi with the tool's
# compiler and flags into bench/build/ (cpi with -ffp-contract=off too, as
# examples.mk builds pi.so), prints a Markdown table on stdout (progress on
# stderr) and appends its rows to bench/results.csv, replacing any row 7
# there; run it after bench/run.sh, which writes that file.  Every answer
# is checked: sums of products against the exact closed form
# (bench/closed_form.py), pi within 1e-9 of Python's math.pi; a wrong one
# stops the run.
#
# Environment, as for run.sh: REPEAT runs per figure, whose median is taken
# (default 3); BIN, the directory of the mapreduce and worker to measure
# (default: the top one); EXAMPLES, that of product.so and pi.so (default:
# examples/); QUICK=1 for a smoke test on small sizes, whose rows go to
# bench/build/results.csv instead; ROWS=7 to measure row 7 alone, keeping
# row 8's lines in the CSV; HIDE_AVX512=0 to skip the emulated run.  Runs alternate between the tool and
# its baseline, so that a busy machine slows both alike.

set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
MPICC=${MPICC:-${XDG_CACHE_HOME:-$HOME/.cache}/mapreduce/mpich-4.0.2-ch3/bin/mpicc}
MPIEXEC=${MPIEXEC:-$(dirname "$MPICC")/mpiexec}
CFLAGS=${CFLAGS:--O2 -g}
BIN=${BIN:-$PWD}
EXAMPLES=${EXAMPLES:-$PWD/examples}
REPEAT=${REPEAT:-3}
ROWS=${ROWS:-7 8}
HIDE_AVX512=${HIDE_AVX512:-1}
TIMEOUT=300			# seconds, for any one command
build=bench/build

# Sizes: the product's range -np:np (two of them, so that every product
# x * x fits 64 bits, as product.so requires: np^2 < 2^63) and pi's
# rectangles.
if [ "${QUICK:-0}" = 1 ]; then
	np=30000000 npi=40000000 nx=40000000
	out=$build
else
	np=3000000000 npi=4000000000 nx=4000000000
	out=bench
fi

die() {
	echo "kernels.sh: $*" >&2
	exit 1
}

{ [ -x "$BIN/mapreduce" ] && [ -x "$BIN/worker" ]; } ||
    die "no $BIN/mapreduce or $BIN/worker: run make first"
{ [ -f "$EXAMPLES/product.so" ] && [ -f "$EXAMPLES/pi.so" ]; } ||
    die "no $EXAMPLES/product.so or pi.so: run make examples first"
"$BIN/mapreduce" --help 2>/dev/null | grep -q -- '--kernel' ||
    die "$BIN/mapreduce has no -k (--kernel): nothing to measure"
if grep -q sanitize .build-flags "$EXAMPLES/.build-flags" 2>/dev/null &&
    [ "$BIN" = "$PWD" ]; then
	echo "kernels.sh: warning: the tool or the examples were built with" \
	    "sanitizers (.build-flags): these times are not the tool's" >&2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mapreduce-kernels.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

echo "kernels.sh: building the baselines with $MPICC $CFLAGS" >&2
mkdir -p "$build"
# shellcheck disable=SC2086	# CFLAGS is a list of flags
"$MPICC" -std=c11 -D_GNU_SOURCE -Wall -Wextra $CFLAGS \
    -o "$build/spmd" bench/spmd.c || die "cannot build $build/spmd"
# shellcheck disable=SC2086
"$MPICC" -std=c11 -D_GNU_SOURCE -Wall -Wextra $CFLAGS -ffp-contract=off \
    -o "$build/cpi" bench/cpi.c || die "cannot build $build/cpi"

# The kernels of the emulated AVX2-only CPU (see above).
avx2=
if [ "$HIDE_AVX512" = 1 ] && grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
	avx2=$build/avx2
	mkdir -p "$avx2"
	[ -f "$EXAMPLES/.build-flags" ] ||
	    die "no $EXAMPLES/.build-flags: run make examples first"
	for k in product pi; do
		sed 's/, *"arch=x86-64-v4"//' "$EXAMPLES/$k.c" >"$avx2/$k.c"
		! cmp -s "$EXAMPLES/$k.c" "$avx2/$k.c" ||
		    die "$EXAMPLES/$k.c has no x86-64-v4 clone to remove"
		# shellcheck disable=SC2046	# the examples' command line
		$(cat "$EXAMPLES/.build-flags") -o "$avx2/$k.so" "$avx2/$k.c" ||
		    die "cannot build $avx2/$k.so"
	done
fi
NOAVX512=GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD

# The commands measured: the tool on 2 workers, the baselines on 2 ranks;
# with $tune set to $NOAVX512, under the emulated AVX2-only CPU.
tune=
# shellcheck disable=SC2086	# $tune: nothing or one assignment
ours() {
	timeout "$TIMEOUT" env $tune "$MPIEXEC" -n 1 -usize 3 \
	    "$BIN/mapreduce" -w 2 "$@"
}
# shellcheck disable=SC2086
spmd() {
	timeout "$TIMEOUT" env $tune "$MPIEXEC" -n 2 "$build/spmd" "$@"
}
# shellcheck disable=SC2086
cpi() {
	timeout "$TIMEOUT" env $tune "$MPIEXEC" -n 2 "$build/cpi" "$@"
}

# The checks of an output file: is_sum VALUE FILE, the sentence with the
# exact sum of products; is_pi FILE, one number within 1e-9 of math.pi.
is_sum() {
	[ "$(cat "$2")" = "Sum of the products equals $1" ]
}
is_value() {
	[ "$(cat "$2")" = "$1" ]
}
is_pi() {
	python3 - "$(cat "$1")" <<'EOF'
import math
import sys

try:
    sys.exit(not abs(float(sys.argv[1]) - math.pi) < 1e-9)
except ValueError:
    sys.exit(1)
EOF
}

# time1 NAME CHECK COMMAND: run COMMAND (a line of the functions above)
# once, check its output with CHECK (a line to which the output file's
# name is added), append its wall time to NAME.times.
time1() {
	t0=$(date +%s.%N)
	eval "$3" >"$tmp/$1.out" 2>"$tmp/$1.err" || {
		echo "kernels.sh: FAILED: $3" >&2
		sed 's/^/    /' "$tmp/$1.err" >&2
		exit 1
	}
	t1=$(date +%s.%N)
	eval "$2 \"\$tmp/\$1.out\"" || {
		echo "kernels.sh: WRONG ANSWER from: $3" >&2
		echo "    got:   $(cat "$tmp/$1.out")" >&2
		echo "    check: $2" >&2
		exit 1
	}
	echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }' >>"$tmp/$1.times"
}

# alternate NAME CHECK COMMAND [NAME CHECK COMMAND]...: REPEAT rounds, each
# running every command once in turn.
alternate() {
	printf 'kernels.sh: %s x %s\n' "$3" "$REPEAT" >&2
	round=0
	while [ "$round" -lt "$REPEAT" ]; do
		once "$@"
		round=$((round + 1))
	done
}
once() {
	while [ $# -ge 3 ]; do
		time1 "$1" "$2" "$3"
		shift 3
	done
}

# row CASE OURS BASELINE OURRATE BASERATE RATIO TARGET RESULT: one row 7
# of the table and of the CSV, as run.sh writes them (times in s, rates in
# elements/s).
rowno=7
row() {
	printf '| %s | %s | %.3f s | %.3f s | %s | %s | %s | %s | %s |\n' \
	    "$rowno" "$1" "$2" "$3" "$(rate "$4")" "$(rate "$5")" "$6" \
	    "${7:--}" "${8:--}" >>"$tmp/table.md"
	printf '%s,"%s",%s,%s,s,%s,%s,%s,"%s","%s"\n' "$rowno" "$1" "$2" "$3" \
	    "$4" "$5" "$(echo "$6" | sed 's/^\([-+0-9.eE]*\).*/\1/')" \
	    "${7-}" "${8-}" >>"$tmp/results.csv"
}
: >"$tmp/table.md"
: >"$tmp/results.csv"

load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo '?')
ours -k "$EXAMPLES/product.so" -r 0:10 -r 0:10 >/dev/null 2>&1 || true
spmd 0:10 0:10 >/dev/null 2>&1 || true		# warm the caches

# row7 DIR NOTE: row 7 with DIR's product.so and pi.so, NOTE added to its
# cases.  The seed's product: product.so, the built-in product and spmd on
# two ranges -np:np; pi: pi.so against cpi, on npi rectangles.
row7() {
	r="-$np:$np"
	n=$((2 * np))
	e=$(python3 bench/closed_form.py "$r" "$r") ||
	    die "closed_form.py failed"
	alternate "k.so$2" "is_sum $e" "ours -k '$1/product.so' -r $r -r $r" \
	    "k.spmd$2" "is_sum $e" "spmd $r $r" \
	    "k.builtin$2" "is_sum $e" "ours -r $r -r $r"
	tk=$(median "k.so$2") ts=$(median "k.spmd$2") tb=$(median "k.builtin$2")
	ratio=$(calc "$ts / $tk")
	row "two ranges of $(sci $n): ours -w 2 -k product.so vs SPMD -n 2$2" \
	    "$tk" "$ts" "$(calc "$n / $tk")" "$(calc "$n / $ts")" \
	    "$(printf '%.2fx' "$ratio")" '>= 0.8x' \
	    "$(judge "$ratio" '>=' 0.8)"
	row "two ranges of $(sci $n): ours -w 2 -k product.so vs the built-in product$2" \
	    "$tk" "$tb" "$(calc "$n / $tk")" "$(calc "$n / $tb")" \
	    "$(printf '%.2fx' "$(calc "$tb / $tk")")"

	alternate "p.so$2" is_pi \
	    "ours -k '$1/pi.so' -r 1:$((npi + 1)) --format value" \
	    "p.cpi$2" is_pi "cpi $npi"
	tp=$(median "p.so$2") tc=$(median "p.cpi$2")
	ratio=$(calc "$tc / $tp")
	row "pi, $(sci $npi) rectangles: ours -w 2 -k pi.so vs cpi -n 2$2" \
	    "$tp" "$tc" "$(calc "$npi / $tp")" "$(calc "$npi / $tc")" \
	    "$(printf '%.2fx' "$ratio")" '>= 0.9x' \
	    "$(judge "$ratio" '>=' 0.9)"
}

case " $ROWS " in
*" 7 "*)
	row7 "$EXAMPLES" ""
	if [ -n "$avx2" ]; then
		tune=$NOAVX512
		row7 "$avx2" ", AVX-512 hidden (AVX2 clones)"
		tune=
	fi
	;;
esac

# Row 8, expressions (-e): the seed's product and pi as Python
# expressions, against the same baselines.
case " $ROWS " in
*" 8 "*)
	rowno=8
	r="0:$nx"
	e=$(python3 bench/closed_form.py "$r" "$r") || die "closed_form.py failed"
	alternate e.xy "is_value $e" "ours -e 'x*y' -r $r -r $r --format value" \
	    e.spmd "is_sum $e" "spmd $r $r"
	tx=$(median e.xy) ts=$(median e.spmd)
	ratio=$(calc "$ts / $tx")
	row "two ranges of $(sci "$nx"): ours -w 2 -e 'x*y' vs SPMD -n 2" \
	    "$tx" "$ts" "$(calc "$nx / $tx")" "$(calc "$nx / $ts")" \
	    "$(printf '%.2fx' "$ratio")" '>= 0.5x' "$(judge "$ratio" '>=' 0.5)"
	pe="4.0/(1.0+((x+0.5)/$npi)**2)/$npi"
	alternate e.pi is_pi "ours -e '$pe' -r 0:$npi --format value" \
	    e.cpi is_pi "cpi $npi"
	tp=$(median e.pi) tc=$(median e.cpi)
	ratio=$(calc "$tc / $tp")
	row "pi, $(sci $npi) rectangles: ours -w 2 -e '$pe' vs cpi -n 2" \
	    "$tp" "$tc" "$(calc "$npi / $tp")" "$(calc "$npi / $tc")" \
	    "$(printf '%.2fx' "$ratio")" '>= 0.8x' "$(judge "$ratio" '>=' 0.8)"
	;;
esac

# The CSV: run.sh's file with the rows measured replaced (or a new file).
csv=$out/results.csv
if [ -f "$csv" ]; then
	grep -v "^[$(echo "$ROWS" | tr -d ' ')]," "$csv" >"$tmp/old.csv" || true
else
	echo 'row,case,ours,baseline,unit,ours_rate,baseline_rate,ratio,target,result' \
	    >"$tmp/old.csv"
fi
# The new lines where the old ones were: before the first row numbered
# beyond the last row measured, or at the end.
last=$(echo "$ROWS" | tr ' ' '\n' | sort -n | tail -n 1)
awk -F , -v last="$last" -v new="$tmp/results.csv" '
function insert(l) { while ((getline l < new) > 0) print l; done = 1 }
NR > 1 && !done && $1 ~ /^[0-9]+$/ && $1 + 0 > last + 0 { insert() }
{ print }
END { if (!done) insert() }' "$tmp/old.csv" >"$tmp/new.csv"
mv "$tmp/new.csv" "$csv"

echo "mapreduce benchmark, rows $ROWS (user kernels, expressions), $(date -u +%Y-%m-%d)," \
    "$(nproc) cores, load average $load at the start; median of $REPEAT runs"
echo
echo '| row | case | ours | baseline | ours elem/s | baseline elem/s | ratio | target | result |'
echo '|---|---|---|---|---|---|---|---|---|'
cat "$tmp/table.md"
echo
echo "Times are the wall time of the whole command, start-up included;" \
    "rates are elements ÷ time;"
echo "ratios are our rate ÷ the baseline's. Written: $csv"
