#!/bin/sh
# python.sh - rows 9 and 10 of the benchmark: Python functions (-k FILE.py:FUNC) against mpi4py and SPMD
#
# usage: MPICC=path MPIEXEC=path CFLAGS=flags bench/python.sh   (make bench sets them)
#
# Row 8: the seed's product (bench/seed.py, imported by the tool as the
# user's file) called once per element on two ranges of 10^7, -w 2, end to
# end against mpi4py's MPIPoolExecutor on the same (bench/mpi4py-big.py,
# Open MPI, 2 workers); target >= 10x its throughput; and the peak RSS of
# our largest process, manager or worker, at 10^7 against 10^5 elements
# (flat: < 5 MB of growth).  Row 9: --batch with examples/product_batch.py
# (return x * y on numpy arrays) on two ranges of 2×10^9, against the
# hand-written SPMD program (bench/spmd.c, -n 2); target >= 0.2x its rate.
# Every answer is checked against the exact closed form
# (bench/closed_form.py).  Prints a Markdown table on stdout (progress on
# stderr) and appends its rows to bench/results.csv, replacing any rows 9
# and 10 there; run it after bench/run.sh.
#
# Environment, as for kernels.sh: REPEAT (default 3), BIN, QUICK=1 (small
# sizes, rows to bench/build/results.csv), PY_MPIEXEC and PYTHON for the
# mpi4py row (Debian's Open MPI and python3; the row is skipped without
# python3-mpi4py).  Runs alternate between the tool and its baseline.

set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
MPICC=${MPICC:-${XDG_CACHE_HOME:-$HOME/.cache}/mapreduce/mpich-4.0.2-ch3/bin/mpicc}
MPIEXEC=${MPIEXEC:-$(dirname "$MPICC")/mpiexec}
CFLAGS=${CFLAGS:--O2 -g}
BIN=${BIN:-$PWD}
REPEAT=${REPEAT:-3}
PY_MPIEXEC=${PY_MPIEXEC:-/usr/bin/mpiexec.openmpi}
PYTHON=${PYTHON:-/usr/bin/python3}
TIME=/usr/bin/time
TIMEOUT=300			# seconds, for any one command
build=bench/build

if [ "${QUICK:-0}" = 1 ]; then
	n8=100000 n8lo=1000 n9=20000000
	out=$build
else
	n8=10000000 n8lo=100000 n9=2000000000
	out=bench
fi

die() {
	echo "python.sh: $*" >&2
	exit 1
}

{ [ -x "$BIN/mapreduce" ] && [ -f "$BIN/mapreduce-python.so" ]; } ||
    die "no $BIN/mapreduce or $BIN/mapreduce-python.so: run make first"
[ -x "$TIME" ] || die "needs GNU time ($TIME)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mapreduce-python.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

echo "python.sh: building the SPMD baseline with $MPICC $CFLAGS" >&2
mkdir -p "$build"
# shellcheck disable=SC2086	# CFLAGS is a list of flags
"$MPICC" -std=c11 -D_GNU_SOURCE -Wall -Wextra $CFLAGS \
    -o "$build/spmd" bench/spmd.c || die "cannot build $build/spmd"

# Each worker's peak RSS (kB), through GNU time; the manager's too.
cat >"$tmp/worker" <<EOW
#!/bin/sh
exec $TIME -f %M -o "$tmp/rss.worker.\$\$" "$BIN/worker" "\$@"
EOW
chmod +x "$tmp/worker"

ours() {
	timeout "$TIMEOUT" "$MPIEXEC" -n 1 -usize 3 "$BIN/mapreduce" -w 2 "$@"
}
# ours_rss ARGS: ours, appending the largest process's peak kB to NAME.rss.
ours_rss() {
	rm -f "$tmp"/rss.*
	timeout "$TIMEOUT" "$MPIEXEC" -n 1 -usize 3 "$TIME" -f %M \
	    -o "$tmp/rss.manager" "$BIN/mapreduce" -w 2 \
	    --worker "$tmp/worker" "$@" || return
	cat "$tmp"/rss.* | sort -n | tail -n 1 >>"$tmp/$name.rss"
}
spmd() {
	timeout "$TIMEOUT" "$MPIEXEC" -n 2 "$build/spmd" "$@"
}
py() {
	timeout "$TIMEOUT" "$PY_MPIEXEC" --allow-run-as-root --oversubscribe \
	    -n 1 "$PYTHON" "$@"
}

is_sum() {
	[ "$(tr -d '\n' <"$2")" = "Sum of the products equals $1" ]
}

# time1 NAME CHECK COMMAND: run COMMAND once, check its output, append its
# wall time to NAME.times.
time1() {
	name=$1
	t0=$(date +%s.%N)
	eval "$3" >"$tmp/$1.out" 2>"$tmp/$1.err" || {
		echo "python.sh: FAILED: $3" >&2
		sed 's/^/    /' "$tmp/$1.err" >&2
		exit 1
	}
	t1=$(date +%s.%N)
	eval "$2 \"\$tmp/\$1.out\"" || {
		echo "python.sh: WRONG ANSWER from: $3" >&2
		echo "    got:   $(cat "$tmp/$1.out")" >&2
		exit 1
	}
	echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }' >>"$tmp/$1.times"
}
alternate() {
	printf 'python.sh: %s x %s\n' "$3" "$REPEAT" >&2
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
median_rss() {
	sort -n "$tmp/$1.rss" |
	    awk '{ t[NR] = $1 } END { printf "%.1f\n", t[int((NR + 1) / 2)] / 1024 }'
}

row() {
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" \
	    "$3" "$4" "$(rate "$5")" "$(rate "$6")" "$7" "${8:--}" "${9:--}" \
	    >>"$tmp/table.md"
	printf '%s,"%s",%s,%s,%s,%s,%s,%s,"%s","%s"\n' "$1" "$2" \
	    "$(echo "$3" | sed 's/ .*//')" "$(echo "$4" | sed 's/ .*//')" \
	    "$(echo "$3" | sed 's/^[^ ]* //')" "$5" "$6" \
	    "$(echo "$7" | sed 's/^\([-+0-9.eE]*\).*/\1/')" "${8-}" "${9-}" \
	    >>"$tmp/results.csv"
}
: >"$tmp/table.md"
: >"$tmp/results.csv"

load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo '?')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
ours -k bench/seed.py:product -r 0:10 -r 0:10 >/dev/null 2>&1 || true

# Row 8: the seed's product, once per element.
e8=$(python3 bench/closed_form.py 0:$n8 0:$n8) || die "closed_form.py failed"
e8lo=$(python3 bench/closed_form.py 0:$n8lo 0:$n8lo)
if [ -x "$PY_MPIEXEC" ] && "$PYTHON" -c 'import mpi4py.futures' 2>/dev/null
then
	alternate r8.ours "is_sum $e8" \
	    "ours_rss -k bench/seed.py:product -r 0:$n8 -r 0:$n8" \
	    r8.py "is_sum $e8" "py bench/mpi4py-big.py $n8"
	to=$(median r8.ours) tp=$(median r8.py)
	ratio=$(calc "$tp / $to")
	row 9 "the seed's product per element, $(sci $n8): ours -w 2 -k seed.py:product vs mpi4py" \
	    "$to s" "$tp s" "$(calc "$n8 / $to")" "$(calc "$n8 / $tp")" \
	    "$(printf '%.2fx' "$ratio")" '>= 10x' "$(judge "$ratio" '>=' 10)"
else
	alternate r8.ours "is_sum $e8" \
	    "ours_rss -k bench/seed.py:product -r 0:$n8 -r 0:$n8"
	echo "python.sh: no mpi4py for $PYTHON: row 8's baseline skipped" >&2
	to=$(median r8.ours)
	row 9 "the seed's product per element, $(sci $n8): ours -w 2 (no mpi4py here)" \
	    "$to s" "-" "$(calc "$n8 / $to")" "" "-"
fi
alternate r8.lo "is_sum $e8lo" \
    "ours_rss -k bench/seed.py:product -r 0:$n8lo -r 0:$n8lo"
hi=$(median_rss r8.ours) lo=$(median_rss r8.lo)
growth=$(calc "$hi - $lo")
row 9 "peak RSS of our largest process, per element: $(sci $n8) vs $(sci $n8lo)" \
    "$hi MB" "$lo MB" "" "" "$growth MB" '< 5 MB' \
    "$(judge "$growth" '<' 5)"

# Row 9: --batch, x * y on numpy arrays, against the SPMD program.
e9=$(python3 bench/closed_form.py 0:$n9 0:$n9)
alternate r9.ours "is_sum $e9" \
    "ours --batch -k examples/product_batch.py:product -r 0:$n9 -r 0:$n9" \
    r9.spmd "is_sum $e9" "spmd 0:$n9 0:$n9"
to=$(median r9.ours) ts=$(median r9.spmd)
ratio=$(calc "$ts / $to")
row 10 "--batch x * y, two ranges of $(sci $n9): ours -w 2 vs SPMD -n 2" \
    "$to s" "$ts s" "$(calc "$n9 / $to")" "$(calc "$n9 / $ts")" \
    "$(printf '%.2fx' "$ratio")" '>= 0.2x' "$(judge "$ratio" '>=' 0.2)"

csv=$out/results.csv
if [ -f "$csv" ]; then
	grep -v '^\(9\|10\),' "$csv" >"$tmp/old.csv" || true
else
	echo 'row,case,ours,baseline,unit,ours_rate,baseline_rate,ratio,target,result' \
	    >"$tmp/old.csv"
fi
cat "$tmp/old.csv" "$tmp/results.csv" >"$csv"

echo "mapreduce benchmark, rows 9 and 10 (Python functions), $(date -u +%Y-%m-%d)," \
    "$(nproc) cores ($cpu), load average $load at the start; median of $REPEAT runs"
echo
echo '| row | case | ours | baseline | ours elem/s | baseline elem/s | ratio | target | result |'
echo '|---|---|---|---|---|---|---|---|---|'
cat "$tmp/table.md"
echo
echo "Times are the wall time of the whole command, start-up included;" \
    "rates are elements ÷ time; ratios are our rate ÷ the baseline's."
echo "Written: $csv"
