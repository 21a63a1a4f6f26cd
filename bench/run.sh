#!/bin/sh
# run.sh - the benchmark: mapreduce against its baselines (make bench)
#
# usage: MPICC=path MPIEXEC=path CFLAGS=flags bench/run.sh   (make bench sets them)
#
# Builds the C baselines (spmd, serial, spawn-floor, noop-worker) with the
# tool's compiler and flags into bench/build/, runs rows 1-6 (below),
# prints Markdown tables on stdout (progress on stderr), writes
# bench/results.csv and draws bench/*.png with gnuplot.  Every answer is
# checked against an exact closed form (bench/closed_form.py); a wrong one
# stops the run.
#
# Environment: REPEAT runs per figure, whose median is taken (default 3);
# REPEAT_BIG for the longest cases (default REPEAT, at most 3); BIN, the
# directory of the mapreduce and worker to measure (default: the top one);
# PY_MPIEXEC and PYTHON for the mpi4py row (Debian's Open MPI and python3);
# QUICK=1 for a smoke test on small sizes, written to bench/build/ instead.
# Runs alternate between the tool and its baseline, so that a busy machine
# slows both alike; timings on a busy or small machine are still noisy.

set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
MPICC=${MPICC:-${XDG_CACHE_HOME:-$HOME/.cache}/mapreduce/mpich-4.0.2-ch3/bin/mpicc}
MPIEXEC=${MPIEXEC:-$(dirname "$MPICC")/mpiexec}
CFLAGS=${CFLAGS:--O2 -g}
BIN=${BIN:-$PWD}
REPEAT=${REPEAT:-3}
REPEAT_BIG=${REPEAT_BIG:-$((REPEAT < 3 ? REPEAT : 3))}
PY_MPIEXEC=${PY_MPIEXEC:-/usr/bin/mpiexec.openmpi}
PYTHON=${PYTHON:-/usr/bin/python3}
TIMEOUT=300			# seconds, for any one command
TIME=/usr/bin/time
build=bench/build
started=$(date +%s)

# Sizes: elements of row 1, row 2 (and 6), row 4's two cases, row 6's
# mpi4py run; the time-vs-elements and memory-vs-elements series (each
# holds n7).
if [ "${QUICK:-0}" = 1 ]; then
	n1=40000000 n2=200000000 n4a=10000000 n4b=1000000 n7=1000000
	esizes="100000 1000000 10000000"
	msizes="1000 1000000 100000000"
	out=$build
else
	n1=4000000000 n2=20000000000 n4a=1000000000 n4b=100000000 n7=10000000
	esizes="1000000 10000000 100000000 1000000000"
	msizes="1000 1000000 10000000 1000000000 10000000000"
	out=bench
fi

die() {
	echo "run.sh: $*" >&2
	exit 1
}

[ -x "$TIME" ] || die "needs GNU time ($TIME)"
{ [ -x "$BIN/mapreduce" ] && [ -x "$BIN/worker" ]; } ||
    die "no $BIN/mapreduce or $BIN/worker: run make first"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mapreduce-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
if grep -q sanitize .build-flags 2>/dev/null && [ "$BIN" = "$PWD" ]; then
	echo "run.sh: warning: the tool was built with sanitizers" \
	    "(.build-flags): these times are not the tool's" >&2
fi

echo "run.sh: building the baselines with $MPICC $CFLAGS" >&2
mkdir -p "$build"
for p in spmd serial spawn-floor noop-worker; do
	# shellcheck disable=SC2086	# CFLAGS is a list of flags
	"$MPICC" -std=c11 -D_GNU_SOURCE -Wall -Wextra $CFLAGS \
	    -o "$build/$p" "bench/$p.c" || die "cannot build $build/$p"
done

# Each worker's peak RSS (kB) and the manager's, through GNU time.
cat >"$tmp/worker" <<EOW
#!/bin/sh
exec $TIME -f %M -o "$tmp/rss.worker.\$\$" "$BIN/worker" "\$@"
EOW
chmod +x "$tmp/worker"

# The commands measured.  ours USIZE ARGS: the tool; ours_rss: the same,
# appending "manager-kB largest-worker-kB manager-cpu-s" to rss.log.
ours() {
	u=$1
	shift
	timeout "$TIMEOUT" "$MPIEXEC" -n 1 -usize "$u" "$BIN/mapreduce" "$@"
}
ours_rss() {
	u=$1
	shift
	rm -f "$tmp"/rss.manager "$tmp"/rss.worker.*
	timeout "$TIMEOUT" "$MPIEXEC" -n 1 -usize "$u" \
	    "$TIME" -f '%M %U %S' -o "$tmp/rss.manager" "$BIN/mapreduce" \
	    --worker "$tmp/worker" "$@" || return
	awk -v w="$(cat "$tmp"/rss.worker.* | sort -n | tail -n 1)" \
	    '{ print $1, w, $2 + $3 }' "$tmp/rss.manager" >>"$tmp/rss.log"
}
spmd() {
	timeout "$TIMEOUT" "$MPIEXEC" -n "$1" "$build/spmd" "$2" "$3"
}
serial() {
	timeout "$TIMEOUT" "$build/serial" "$1" "$2"
}
floor() {
	timeout "$TIMEOUT" "$MPIEXEC" -n 1 -usize $(($1 + 1)) \
	    "$build/spawn-floor" "$1"
}
py() {
	timeout "$TIMEOUT" "$PY_MPIEXEC" --allow-run-as-root --oversubscribe \
	    -n 1 "$TIME" -f %M -o "$tmp/rss.py" "$PYTHON" "$@" || return
	cat "$tmp/rss.py" >>"$tmp/rss.log"
}

# expect RANGE...: the exact sum of products, from the closed form.
expect() {
	python3 bench/closed_form.py "$@" || die "closed_form.py $* failed"
}

# time1 NAME EXPECTED COMMAND: run COMMAND (a line of the functions above)
# once, check its output, append its wall time to NAME.times.  EXPECTED is
# the sum it must print, or - for no output at all.
time1() {
	t0=$(date +%s.%N)
	eval "$3" >"$tmp/$1.out" 2>"$tmp/$1.err" || {
		echo "run.sh: FAILED: $3" >&2
		sed 's/^/    /' "$tmp/$1.err" >&2
		exit 1
	}
	t1=$(date +%s.%N)
	if [ "$2" = - ]; then
		want=
	else
		want="Sum of the products equals $2"
	fi
	[ "$(cat "$tmp/$1.out")" = "$want" ] || {
		echo "run.sh: WRONG ANSWER from: $3" >&2
		echo "    got:      $(cat "$tmp/$1.out")" >&2
		echo "    expected: $want" >&2
		exit 1
	}
	echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }' >>"$tmp/$1.times"
}

# alternate REPS NAME EXPECTED COMMAND [NAME EXPECTED COMMAND]...: REPS
# rounds, each running every command once in turn.
alternate() {
	reps=$1
	shift
	printf 'run.sh: %s x %s\n' "$3" "$reps" >&2
	rm -f "$tmp/rss.log"
	clear_times "$@"
	round=0
	while [ "$round" -lt "$reps" ]; do
		once "$@"
		round=$((round + 1))
	done
}
clear_times() {
	while [ $# -ge 3 ]; do
		rm -f "$tmp/$1.times"
		shift 3
	done
}
once() {
	while [ $# -ge 3 ]; do
		time1 "$1" "$2" "$3"
		shift 3
	done
}

# rss COLUMN: the median of that column of rss.log (median, calc, judge,
# sci and rate are in bench/lib.sh).
rss() {
	awk -v c="$1" '{ print $c }' "$tmp/rss.log" | sort -n |
	    awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

# Table rows: row ROW CASE OURS BASELINE UNIT OURRATE BASERATE RATIO TARGET
# RESULT, empty fields shown as a dash.  Values are in UNIT (s or MB), rates
# in elements/s; RATIO is shown as given (e.g. 1.23x) and goes to the CSV
# as a number.
value() {
	[ -n "$1" ] || { echo -; return; }
	case $2 in
	s)	printf '%.3f s\n' "$1" ;;
	*)	printf '%.1f %s\n' "$1" "$2" ;;
	esac
}
row() {
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" \
	    "$(value "$3" "$5")" "$(value "$4" "$5")" "$(rate "$6")" \
	    "$(rate "$7")" "${8:--}" "${9:--}" "${10:--}" >>"$tmp/table.md"
	printf '%s,"%s",%s,%s,%s,%s,%s,%s,"%s","%s"\n' "$1" "$2" "$3" "$4" \
	    "$5" "$6" "$7" "$(echo "$8" | sed 's/^\([-+0-9.eE]*\).*/\1/')" "${9-}" \
	    "${10-}" >>"$tmp/results.csv"
}
skip() {
	printf '| %s | %s | skipped: %s | | | | | | |\n' "$1" "$2" "$3" \
	    >>"$tmp/table.md"
	printf '%s,"%s",,,,,,,,"skipped: %s"\n' "$1" "$2" "$3" \
	    >>"$tmp/results.csv"
}
echo 'row,case,ours,baseline,unit,ours_rate,baseline_rate,ratio,target,result' \
    >"$tmp/results.csv"

load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo '?')
ours 3 -w 1 -r 0:10 >/dev/null 2>&1 || true		# warm the caches
spmd 2 0:10 0:10 >/dev/null 2>&1 || true

# Row 1: throughput on two ranges of 4*10^9, and the time-vs-elements series.
e1=$(expect 0:$n1 0:$n1)
[ "$e1" = "$(echo "($n1 - 1) * $n1 * (2 * $n1 - 1) / 6" | bc)" ] ||
    die "closed_form.py disagrees with (n-1)n(2n-1)/6 for n = $n1"
alternate "$REPEAT" r1.ours "$e1" "ours 3 -w 2 -r 0:$n1 -r 0:$n1" \
    r1.spmd "$e1" "spmd 2 0:$n1 0:$n1" r1.serial "$e1" "serial 0:$n1 0:$n1"
t1o=$(median r1.ours) t1s=$(median r1.spmd) t1c=$(median r1.serial)
r1o=$(calc "$n1 / $t1o")
ratio=$(calc "$t1s / $t1o")
result=$(judge "$ratio" '>=' 1.0)
if [ "$result" = met ]; then
	result="met, goal $(judge "$ratio" '>=' 1.5)"
fi
row 1 "two ranges of $(sci $n1): ours -w 2 vs SPMD -n 2" "$t1o" "$t1s" s \
    "$r1o" "$(calc "$n1 / $t1s")" "$(printf '%.2fx' "$ratio")" \
    '>= 1.0x (goal 1.5x)' "$result"
row 1 "two ranges of $(sci $n1): ours -w 2 vs serial loop" "$t1o" "$t1c" s \
    "$r1o" "$(calc "$n1 / $t1c")" "$(printf '%.2fx' "$(calc "$t1c / $t1o")")"

: >"$tmp/elements.dat"
for n in $esizes; do
	x=$(expect 0:"$n" 0:"$n")
	alternate "$REPEAT" s1.ours "$x" "ours 3 -w 2 -r 0:$n -r 0:$n" \
	    s1.spmd "$x" "spmd 2 0:$n 0:$n"
	to=$(median s1.ours) ts=$(median s1.spmd)
	[ "$n" != "$n7" ] || t7o=$to
	echo "$n $to $ts" >>"$tmp/elements.dat"
done
echo "$n1 $t1o $t1s" >>"$tmp/elements.dat"

# Row 2: 16 workers on 2 cores vs 2 workers, two ranges of 2*10^10.
e2=$(expect 0:$n2 0:$n2)
alternate "$REPEAT_BIG" r2.w16 "$e2" "ours 17 -w 16 -r 0:$n2 -r 0:$n2" \
    r2.w2 "$e2" "ours 3 -w 2 -r 0:$n2 -r 0:$n2"
t2a=$(median r2.w16) t2b=$(median r2.w2)
ratio=$(calc "$t2a / $t2b")
row 2 "two ranges of $(sci $n2): ours -w 16 vs ours -w 2" \
    "$t2a" "$t2b" s "$(calc "$n2 / $t2a")" "$(calc "$n2 / $t2b")" \
    "$(printf '%.2fx' "$ratio")" '<= 1.1x' "$(judge "$ratio" '<=' 1.1)"

# Row 3: start-up, the card's command vs the spawn floor, and the series.
alternate "$REPEAT" r3.card 843350 "ours 17" r3.floor - "floor 16"
t3o=$(median r3.card) t3f=$(median r3.floor)
ratio=$(calc "$t3o / $t3f")
row 3 "the card's command (16 workers) vs spawn-floor 16" \
    "$t3o" "$t3f" s "" "" "$(printf '%.2fx' "$ratio")" '<= 1.2x' \
    "$(judge "$ratio" '<=' 1.2)"
: >"$tmp/workers.dat"
for w in 1 2 4 8; do
	alternate "$REPEAT" s3.ours 843350 "ours $((w + 1)) -w $w" \
	    s3.floor - "floor $w"
	echo "$w $(median s3.ours) $(median s3.floor)" >>"$tmp/workers.dat"
done
echo "16 $t3o $t3f" >>"$tmp/workers.dat"

# Row 4: big numbers near 2^62, against row 1's rate.
a=4611686018427387904
ra="$a:$((a + n4a))" rb="$a:$((a + n4b))"
e4a=$(expect "$ra" "$ra")
e4b=$(expect "$rb" "$rb" "$rb")
alternate "$REPEAT" r4a "$e4a" "ours 3 -w 2 -r $ra -r $ra" \
    r4b "$e4b" "ours 3 -w 2 -r $rb -r $rb -r $rb"
t4a=$(median r4a) t4b=$(median r4b)
ratio=$(calc "$n4a / $t4a / $r1o")
row 4 "sum beyond 2^128: two ranges 2^62 + [0, $(sci $n4a)) vs row 1 (ours)" \
    "$t4a" "$t1o" s "$(calc "$n4a / $t4a")" "$r1o" \
    "$(printf '%.2fx' "$ratio")" '>= 0.9x' "$(judge "$ratio" '>=' 0.9)"
ratio=$(calc "$n4b / $t4b / $r1o")
row 4 "elements beyond 2^128: three ranges 2^62 + [0, $(sci $n4b)) vs row 1 (ours)" \
    "$t4b" "$t1o" s "$(calc "$n4b / $t4b")" "$r1o" \
    "$(printf '%.2fx' "$ratio")" '>= 0.25x' "$(judge "$ratio" '>=' 0.25)"

# Row 5: peak RSS of the manager and the largest worker, -w 2.
: >"$tmp/memory.dat"
for n in $msizes; do
	x=$(expect 0:"$n" 0:"$n")
	reps=$REPEAT
	[ "$(calc "$n >= 1e10")" = 0 ] || reps=$REPEAT_BIG
	alternate "$reps" s5 "$x" "ours_rss 3 -w 2 -r 0:$n -r 0:$n"
	echo "$n $(median s5) $(rss 1) $(rss 2) $(rss 3)" >>"$tmp/memory.dat"
done
# Columns: elements, wall s, manager kB, worker kB, manager CPU s.
read -r nlo _ mlo wlo _ <<EOF
$(head -n 1 "$tmp/memory.dat")
EOF
read -r nhi _ mhi whi _ <<EOF
$(tail -n 1 "$tmp/memory.dat")
EOF
for c in manager worker; do
	if [ $c = manager ]; then k1=$mlo k2=$mhi; else k1=$wlo k2=$whi; fi
	growth=$(calc "($k2 - $k1) * 1024 / 1e6")
	row 5 "$c peak RSS: $(sci "$nhi") vs $(sci "$nlo") elements (growth)" \
	    "$(calc "$k2 * 1024 / 1e6")" "$(calc "$k1 * 1024 / 1e6")" MB \
	    "" "" "$(printf '%+.2f MB' "$growth")" '< 5 MB' \
	    "$(judge "$growth" '<' 5)"
done
m7=$(awk -v n="$n7" '$1 == n { print ($3 > $4 ? $3 : $4) }' "$tmp/memory.dat")

# Row 6: mpi4py, when Debian's python3-mpi4py is there.
if [ -x "$PY_MPIEXEC" ] && "$PYTHON" -c 'import mpi4py.futures' 2>/dev/null
then
	e7=$(expect 0:$n7 0:$n7)
	alternate "$REPEAT" r6.seed 843350 "py bench/seed.py"
	t6s=$(median r6.seed)
	alternate "$REPEAT_BIG" r6.big "$e7" "py bench/mpi4py-big.py $n7"
	t6b=$(median r6.big) p7=$(rss 1)
	t3w2=$(awk '$1 == 2 { print $2 }' "$tmp/workers.dat")
	row 6 "the seed (100 elements), 2 workers: ours -w 2 vs mpi4py" \
	    "$t3w2" "$t6s" s "" "" "$(printf '%.2fx' "$(calc "$t6s / $t3w2")")"
	ratio=$(calc "$n2 / $t2b / ($n7 / $t6b)")
	row 6 "throughput: ours -w 2 on $(sci $n2) vs mpi4py on $(sci $n7)" \
	    "$t2b" "$t6b" s "$(calc "$n2 / $t2b")" "$(calc "$n7 / $t6b")" \
	    "$(printf '%.0fx' "$ratio")" '>= 100x' "$(judge "$ratio" '>=' 100)"
	ratio=$(calc "$t6b / $t7o")
	row 6 "end to end on $(sci $n7): ours -w 2 vs mpi4py" \
	    "$t7o" "$t6b" s "$(calc "$n7 / $t7o")" "$(calc "$n7 / $t6b")" \
	    "$(printf '%.1fx' "$ratio")" '>= 20x' "$(judge "$ratio" '>=' 20)"
	ratio=$(calc "$m7 / $p7")
	row 6 "peak RSS on $(sci $n7): our largest process vs mpi4py's manager" \
	    "$(calc "$m7 * 1024 / 1e6")" "$(calc "$p7 * 1024 / 1e6")" MB "" "" \
	    "$(printf '%.3fx (1/%.0f)' "$ratio" "$(calc "1 / $ratio")")" \
	    '<= 1/20' "$(judge "$ratio" '<=' 0.05)"
else
	skip 6 "mpi4py: the seed and $(sci $n7) elements" \
	    "python3-mpi4py not installed"
fi

# Row 7, the user kernels, is bench/kernels.sh's (make bench runs both).

# The series, for the plots and the CSV.
while read -r n to ts; do
	printf 's1,"series: %s elements: ours -w 2 vs SPMD -n 2",%s,%s,s,%s,%s,%s,,\n' \
	    "$n" "$to" "$ts" "$(calc "$n / $to")" "$(calc "$n / $ts")" \
	    "$(calc "$ts / $to")" >>"$tmp/results.csv"
done <"$tmp/elements.dat"
while read -r w to tf; do
	printf 's3,"series: -w %s vs spawn-floor %s",%s,%s,s,,,%s,,\n' \
	    "$w" "$w" "$to" "$tf" "$(calc "$to / $tf")" >>"$tmp/results.csv"
done <"$tmp/workers.dat"
while read -r n t km kw cpu; do
	printf 's5,"series: %s elements: manager (ours) and largest worker (baseline) peak RSS",%s,%s,MB,,,,,\n' \
	    "$n" "$(calc "$km * 1024 / 1e6")" "$(calc "$kw * 1024 / 1e6")" \
	    >>"$tmp/results.csv"
done <"$tmp/memory.dat"

# The report.
echo "mapreduce benchmark, $(date -u +%Y-%m-%d), $(nproc) cores," \
    "load average $load at the start; median of $REPEAT runs" \
    "($REPEAT_BIG for row 2, row 5's largest size and mpi4py on $(sci $n7))"
echo
echo '| row | case | ours | baseline | ours elem/s | baseline elem/s | ratio | target | result |'
echo '|---|---|---|---|---|---|---|---|---|'
cat "$tmp/table.md"
echo
echo "Times are the wall time of the whole command, start-up included," \
    "median of the runs;"
echo "rates are elements ÷ time.  Ratios: rows 1, 4 and 6's throughput," \
    "our rate ÷ the baseline's"
echo "(row 4's baseline is row 1's run of ours); rows 2 and 3, our time ÷" \
    "the baseline's; row 5,"
echo "the growth of peak RSS; row 6's seed and end to end, mpi4py's time ÷" \
    "ours; row 6's memory,"
echo "ours ÷ mpi4py's."
echo
echo 'Time vs elements, two ranges 0:N, ours -w 2 vs SPMD -n 2 (wall s):'
echo
echo '| elements | ours | SPMD | ours elem/s | SPMD elem/s | SPMD / ours time |'
echo '|---|---|---|---|---|---|'
while read -r n to ts; do
	printf '| %s | %.3f | %.3f | %s | %s | %.2fx |\n' "$n" "$to" "$ts" \
	    "$(rate "$(calc "$n / $to")")" "$(rate "$(calc "$n / $ts")")" \
	    "$(calc "$ts / $to")"
done <"$tmp/elements.dat"
echo
echo 'Time vs workers, the seed (100 elements) vs spawn-floor (wall s):'
echo
echo '| workers | ours | spawn-floor | ours / floor |'
echo '|---|---|---|---|'
while read -r w to tf; do
	printf '| %s | %.3f | %.3f | %.2fx |\n' "$w" "$to" "$tf" \
	    "$(calc "$to / $tf")"
done <"$tmp/workers.dat"
echo
echo 'Memory vs elements, two ranges 0:N, -w 2 (peak RSS in MB):'
echo
echo '| elements | wall s | manager | largest worker | manager CPU s |'
echo '|---|---|---|---|---|'
while read -r n t km kw cpu; do
	printf '| %s | %.3f | %.1f | %.1f | %.2f |\n' "$n" "$t" \
	    "$(calc "$km * 1024 / 1e6")" "$(calc "$kw * 1024 / 1e6")" "$cpu"
done <"$tmp/memory.dat"

# The plots.
if command -v gnuplot >/dev/null 2>&1; then
	gnuplot <<EOG || die "gnuplot failed"
set terminal pngcairo size 800,500 font ",10"
set grid
set key top left
set output "$tmp/time-vs-workers.png"
set title "Start-up: the seed (100 elements) vs spawning no-op workers"
set xlabel "workers"
set ylabel "wall time (s)"
set logscale x 2
set yrange [0:*]
plot "$tmp/workers.dat" using 1:2 with linespoints title "mapreduce -w N", \
     "" using 1:3 with linespoints title "spawn-floor N"
set output "$tmp/time-vs-elements.png"
set title "Two ranges 0:N, 2 processes: mapreduce -w 2 vs hand-written SPMD -n 2"
set xlabel "elements"
set logscale xy 10
set yrange [*:*]
set format x "10^{%L}"
plot "$tmp/elements.dat" using 1:2 with linespoints title "mapreduce -w 2", \
     "" using 1:3 with linespoints title "SPMD -n 2"
set output "$tmp/memory-vs-elements.png"
set key bottom right
set title "Peak RSS, two ranges 0:N, mapreduce -w 2"
set ylabel "peak RSS (MB)"
unset logscale y
set yrange [0:*]
plot "$tmp/memory.dat" using 1:(\$3 * 1024 / 1e6) with linespoints title "manager", \
     "" using 1:(\$4 * 1024 / 1e6) with linespoints title "largest worker"
EOG
	mv "$tmp"/*.png "$out"/
	plots="$out/time-vs-workers.png $out/time-vs-elements.png $out/memory-vs-elements.png"
else
	echo "run.sh: gnuplot not installed: no plots (apt-get install gnuplot-nox)" >&2
	plots="none (gnuplot not installed)"
fi
mv "$tmp/results.csv" "$out/results.csv"
echo
echo "Written: $out/results.csv; plots: $plots"
echo "Total time: $(($(date +%s) - started)) s"
