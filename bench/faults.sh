#!/bin/sh
# faults.sh - rows 12 to 15 of the benchmark: what --checkpoint, a lost
# worker, a resumed run and a dynamic chunk cost
#
# usage: MPICC=path MPIEXEC=path bench/faults.sh   (make bench sets them)
#
# Row 12: row 1's command (two ranges 0:4*10^9, -w 2, static) with and
# without --checkpoint FILE (a fresh file on TMPDIR each run); target: the
# checkpoint costs <= 2%.  Row 13: the same ranges, --schedule dynamic,
# under mpiexec -disable-auto-cleanup, with worker 1 killed
# (MAPREDUCE_FAULT=1:kill@N, N half the blocks worker 1 does in a run
# without the fault) against the same run without the fault; then the same
# with --checkpoint (timed blocks of about a second).  Target: the lost
# worker costs at most its unfinished chunk's time plus 2 s, beyond the
# capacity it takes away (the survivor does the dead one's part of what is
# left; estimated from -v's rates).  Row 14: a --checkpoint run interrupted
# by SIGINT at half its time, then the same command again: its time against
# the uninterrupted run's times the fraction left, (M - N) / M; target
# <= 1.1x.  Row 15: --schedule dynamic --chunk 1 against the default
# chunks on two ranges of NC elements, -w 2: the wall time and the
# manager's CPU time (GNU time inside mpiexec) per chunk; target < 20 us.
# Every answer is checked against the exact closed form
# (bench/closed_form.py); a wrong one stops the run.  Prints a Markdown
# table on stdout (progress on stderr) and appends its rows to
# bench/results.csv, replacing any rows 12 to 15 there; run it after
# bench/run.sh.
#
# Environment, as for kernels.sh: REPEAT runs per figure, whose median is
# taken (default 3); BIN; QUICK=1 for small sizes, rows to
# bench/build/results.csv.  The compared runs alternate, so that a busy
# machine slows both alike.

set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
MPICC=${MPICC:-${XDG_CACHE_HOME:-$HOME/.cache}/mapreduce/mpich-4.0.2-ch3/bin/mpicc}
MPIEXEC=${MPIEXEC:-$(dirname "$MPICC")/mpiexec}
BIN=${BIN:-$PWD}
REPEAT=${REPEAT:-3}
TIME=/usr/bin/time
TIMEOUT=300			# seconds, for any one command
build=bench/build

# Sizes: row 1's ranges (rows 12-14), row 15's.
if [ "${QUICK:-0}" = 1 ]; then
	n=400000000 nc=10000
	out=$build
else
	n=4000000000 nc=300000
	out=bench
fi

die() {
	echo "faults.sh: $*" >&2
	exit 1
}

[ -x "$TIME" ] || die "needs GNU time ($TIME)"
{ [ -x "$BIN/mapreduce" ] && [ -x "$BIN/worker" ]; } ||
    die "no $BIN/mapreduce or $BIN/worker: run make first"
"$BIN/mapreduce" --help 2>/dev/null | grep -q -- '--checkpoint' ||
    die "$BIN/mapreduce has no --checkpoint: nothing to measure"
if grep -q sanitize .build-flags 2>/dev/null && [ "$BIN" = "$PWD" ]; then
	echo "faults.sh: warning: the tool was built with sanitizers" \
	    "(.build-flags): these times are not the tool's" >&2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mapreduce-faults.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$build"

# The commands measured, all -w 2 on two ranges 0:n.  ours: row 1's
# launch; dac: under -disable-auto-cleanup, so that a run survives a lost
# worker; ck and dacck: the same with a fresh checkpoint file; mgr: the
# manager under GNU time, its user and system seconds to mgr.cpu.
ours() {
	timeout "$TIMEOUT" "$MPIEXEC" -n 1 -usize 3 "$BIN/mapreduce" -w 2 "$@"
}
dac() {
	timeout "$TIMEOUT" "$MPIEXEC" -disable-auto-cleanup -n 1 -usize 3 \
	    "$BIN/mapreduce" -w 2 "$@"
}
ck() {
	rm -f "$tmp/ckpt"
	ours --checkpoint "$tmp/ckpt" "$@"
}
dacck() {
	rm -f "$tmp/ckpt"
	dac --checkpoint "$tmp/ckpt" "$@"
}
fault() {	# fault K CMD...: CMD with worker 1 killed after its block K
	MAPREDUCE_FAULT=1:kill@$1
	export MAPREDUCE_FAULT
	shift
	frc=0
	"$@" || frc=$?
	unset MAPREDUCE_FAULT
	return "$frc"
}
mgr() {
	timeout "$TIMEOUT" "$MPIEXEC" -n 1 -usize 3 \
	    "$TIME" -f '%U %S' -o "$tmp/mgr.cpu" "$BIN/mapreduce" -w 2 "$@"
}

# time1 NAME EXPECTED COMMAND: run COMMAND (a line of the functions above)
# once, check that it printed the sum EXPECTED, append its wall time to
# NAME.times and its stderr to NAME.log.
time1() {
	t0=$(date +%s.%N)
	eval "$3" >"$tmp/$1.out" 2>"$tmp/$1.err" || {
		echo "faults.sh: FAILED: $3" >&2
		sed 's/^/    /' "$tmp/$1.err" >&2
		exit 1
	}
	t1=$(date +%s.%N)
	[ "$(cat "$tmp/$1.out")" = "Sum of the products equals $2" ] || {
		echo "faults.sh: WRONG ANSWER from: $3" >&2
		echo "    got:      $(cat "$tmp/$1.out")" >&2
		echo "    expected: Sum of the products equals $2" >&2
		exit 1
	}
	echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }' >>"$tmp/$1.times"
	cat "$tmp/$1.err" >>"$tmp/$1.log"
}

# alternate NAME EXPECTED COMMAND [NAME EXPECTED COMMAND]...: REPEAT
# rounds, each running every command once in turn.
alternate() {
	printf 'faults.sh: %s x %s (load %s)\n' "$3" "$REPEAT" "$(loadavg)" >&2
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
loadavg() {
	cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo '?'
}

# From the -v lines "mapreduce: worker K: E elements in B blocks, S s" of
# NAME.log: vblocks NAME K, the median blocks of worker K; vchunk NAME, the
# seconds per block over all workers and runs; vrate NAME, elements per
# second of one worker.
vblocks() {
	awk -v k="worker $2:" '$2 " " $3 == k { print $7 }' "$tmp/$1.log" |
	    sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}
vchunk() {
	awk '$2 == "worker" && $5 == "elements" { b += $7; s += $9 }
	    END { printf "%.6g\n", s / b }' "$tmp/$1.log"
}
vrate() {
	awk '$2 == "worker" && $5 == "elements" { e += $4; s += $9 }
	    END { printf "%.6g\n", e / s }' "$tmp/$1.log"
}
# vdead NAME: the median elements that the killed worker 1 had sent back.
vdead() {
	grep -q 'worker 1 (pid .*) was killed by signal 9' "$tmp/$1.log" ||
	    die "$1: worker 1 was not killed: the fault did not fire"
	awk '$2 " " $3 == "worker 1:" { print $4 }' "$tmp/$1.log" |
	    sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

# row ROW CASE OURS BASELINE OURRATE BASERATE RATIO TARGET RESULT: as
# run.sh writes them (times in s, rates in elements/s).
row() {
	printf '| %s | %s | %.3f s | %.3f s | %s | %s | %s | %s | %s |\n' \
	    "$1" "$2" "$3" "$4" "$(rate "$5")" "$(rate "$6")" "$7" \
	    "${8:--}" "${9:--}" >>"$tmp/table.md"
	printf '%s,"%s",%s,%s,s,%s,%s,%s,"%s","%s"\n' "$1" "$2" "$3" "$4" \
	    "$5" "$6" "$(echo "$7" | sed 's/^\([-+0-9.eE]*\).*/\1/')" \
	    "${8-}" "${9-}" >>"$tmp/results.csv"
}
: >"$tmp/table.md"
: >"$tmp/results.csv"
: >"$tmp/loads"

e=$(python3 bench/closed_form.py 0:$n 0:$n) || die "closed_form.py failed"
r="-r 0:$n -r 0:$n"
ours -r 0:10 >/dev/null 2>&1 || true		# warm the caches

# Row 12: --checkpoint on row 1's command.
echo "row 12: $(loadavg)" >>"$tmp/loads"
alternate r12.plain "$e" "ours $r" r12.ck "$e" "ck $r"
tp=$(median r12.plain) tk=$(median r12.ck)
ratio=$(calc "$tk / $tp")
row 12 "two ranges of $(sci $n), -w 2: --checkpoint vs without" \
    "$tk" "$tp" "$(calc "$n / $tk")" "$(calc "$n / $tp")" \
    "$(printf '%.3fx' "$ratio")" '<= 1.02x' "$(judge "$ratio" '<=' 1.02)"

# Row 13: a worker lost, dynamic, then dynamic with --checkpoint.  The
# runs without the fault come first, to find the block at which to kill.
# The extra time is the fault's run minus the run without; part of it is
# capacity, not waste: from its death on, the survivor alone does what is
# left, so the run ends later by the dead worker's part of the rest,
# about (n - 2 * (its elements sent back)) / 2 / (one worker's rate).
# What is beyond that is the loss: the dead worker's unfinished block,
# computed again, and the time to notice and hand its blocks out.
lost() {	# lost NAME CMD CHUNKTIME: one line of row 13
	echo "row 13: $(loadavg)" >>"$tmp/loads"
	once "$1.ok" "$e" "$2 -v --schedule dynamic $r"
	k=$(($(vblocks "$1.ok" 1) / 2))
	[ "$k" -ge 1 ] || k=1
	alternate "$1.ko" "$e" "fault $k $2 -v --schedule dynamic $r" \
	    "$1.ok" "$e" "$2 -v --schedule dynamic $r"
	tok=$(median "$1.ok") tko=$(median "$1.ko")
	c=${3:-$(vchunk "$1.ok")}
	extra=$(calc "$tko - $tok")
	dead=$(vdead "$1.ko")
	cap=$(calc "($n - 2 * $dead) / 2 / $(vrate "$1.ok")")
	beyond=$(calc "$extra - $cap")
	row 13 "$4, worker 1 killed at its block $k: with vs without the fault" \
	    "$tko" "$tok" "$(calc "$n / $tko")" "$(calc "$n / $tok")" \
	    "$(printf '%+.2f s (capacity %.2f s, beyond it %+.2f s; block %.3f s)' \
	    "$extra" "$cap" "$beyond" "$c")" \
	    'beyond capacity <= block + 2 s' \
	    "$(judge "$beyond" '<=' "$c + 2")"
}
lost r13.dyn dac "" "two ranges of $(sci $n), -w 2, dynamic"
# Timed blocks: about a second each at most (sched.c), so the unfinished
# block is taken as 1 s.
lost r13.ck dacck 1 "the same with --checkpoint (timed blocks)"

# Row 14: an interrupted --checkpoint run, resumed.  Each round: the
# uninterrupted run, then one interrupted by SIGINT at half the last
# uninterrupted time, then the same command again.
echo "row 14: $(loadavg)" >>"$tmp/loads"
printf 'faults.sh: SIGINT at half time, then resume, x %s (load %s)\n' \
    "$REPEAT" "$(loadavg)" >&2
: >"$tmp/r14.left"
round=0
while [ "$round" -lt "$REPEAT" ]; do
	time1 r14.full "$e" "ck $r"
	half=$(calc "$(tail -n 1 "$tmp/r14.full.times") / 2")
	rm -f "$tmp/ckpt"
	# Not through ours(): a function in the background is a subshell,
	# which ignores SIGINT; timeout passes it on to mpiexec, once with
	# --foreground (else to its process group too, and a second SIGINT
	# is hydra's order to kill the run at once: exit 255, 2 rounds in 3).
	# shellcheck disable=SC2086	# $r is a list of arguments
	timeout --foreground "$TIMEOUT" "$MPIEXEC" -n 1 -usize 3 \
	    "$BIN/mapreduce" -w 2 \
	    --checkpoint "$tmp/ckpt" $r >"$tmp/r14.cut.out" \
	    2>"$tmp/r14.cut.err" &
	pid=$!
	sleep "$half"
	kill -INT "$pid" 2>/dev/null || true
	rc=0
	wait "$pid" || rc=$?
	round=$((round + 1))
	if [ "$rc" = 0 ]; then
		echo "faults.sh: the run ended before SIGINT: round not counted" >&2
		continue
	fi
	# (hydra says "Sending Ctrl-C to processes" on stdout)
	if [ "$rc" != 130 ] || grep -q Sum "$tmp/r14.cut.out"; then
		echo "faults.sh: the interrupted run: exit $rc, not 130:" \
		    "round not counted" >&2
		sed 's/^/    /' "$tmp/r14.cut.err" >&2
		continue
	fi
	line=$(grep 'elements done' "$tmp/r14.cut.err") ||
	    die "the interrupted run said nothing of its checkpoint"
	done_n=$(echo "$line" | awk '{ print $4 }')
	all=$(echo "$line" | awk '{ print $6 }')
	[ "$all" = "$n" ] || die "checkpoint line: $line"
	echo "$done_n" >>"$tmp/r14.left"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	ours --checkpoint "$tmp/ckpt" $r >"$tmp/r14.res.out" \
	    2>"$tmp/r14.res.err" || die "the resumed run failed"
	t1=$(date +%s.%N)
	[ "$(cat "$tmp/r14.res.out")" = "Sum of the products equals $e" ] ||
	    die "the resumed run: WRONG ANSWER: $(cat "$tmp/r14.res.out")"
	echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }' \
	    >>"$tmp/r14.res.times"
	# The time this resumed run should take: the uninterrupted run's
	# (this round's) times the fraction left.
	calc "$(tail -n 1 "$tmp/r14.full.times") * ($n - $done_n) / $n" \
	    >>"$tmp/r14.want.times"
done
if [ ! -s "$tmp/r14.left" ]; then
	printf '| 14 | --checkpoint, interrupted and resumed | skipped: no run was interrupted cleanly | | | | | | |\n' >>"$tmp/table.md"
	printf '14,"--checkpoint, interrupted and resumed",,,,,,,,"skipped: no run was interrupted cleanly"\n' >>"$tmp/results.csv"
else
	tf=$(median r14.full) tr=$(median r14.res) tw=$(median r14.want)
	nd=$(sort -n "$tmp/r14.left" |
	    awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
	ratio=$(calc "$tr / $tw")
	row 14 "--checkpoint, SIGINT at half time ($(calc "$nd / 1e9")e9 of $(sci $n) done, median), resumed: its time vs uninterrupted × (M−N)/M" \
	    "$tr" "$tw" "" "" "$(printf '%.2fx (uninterrupted %.3f s)' "$ratio" "$tf")" \
	    '<= 1.1x' "$(judge "$ratio" '<=' 1.1)"
fi

# Row 15: a dynamic chunk's cost, --chunk 1 against the default chunks.
echo "row 15: $(loadavg)" >>"$tmp/loads"
ec=$(python3 bench/closed_form.py 0:$nc 0:$nc) || die "closed_form.py failed"
rc15="-r 0:$nc -r 0:$nc --schedule dynamic"
mgrcpu() {	# mgrcpu NAME ARGS: mgr, then its CPU seconds to NAME.cpu
	n1=$1
	shift
	mgr "$@" || return
	awk '{ print $1 + $2 }' "$tmp/mgr.cpu" >>"$tmp/$n1.cpu"
}
alternate r15.def "$ec" "mgrcpu r15.def $rc15" \
    r15.one "$ec" "mgrcpu r15.one $rc15 --chunk 1"
td=$(median r15.def) t1=$(median r15.one)
cd=$(sort -n "$tmp/r15.def.cpu" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
c1=$(sort -n "$tmp/r15.one.cpu" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
us=$(calc "($t1 - $td) / $nc * 1e6")
row 15 "--schedule dynamic, two ranges of $(sci $nc), -w 2: --chunk 1 vs default chunks, wall per chunk" \
    "$t1" "$td" "$(calc "$nc / $t1")" "$(calc "$nc / $td")" \
    "$(printf '%.1f us' "$us")" '< 20 us' "$(judge "$us" '<' 20)"
us=$(calc "($c1 - $cd) / $nc * 1e6")
row 15 "the same: the manager's CPU time (user + system) per chunk" \
    "$c1" "$cd" "" "" "$(printf '%.1f us' "$us")" '< 20 us' \
    "$(judge "$us" '<' 20)"

# The CSV: run.sh's file with its rows 12 to 15 replaced (or a new file).
csv=$out/results.csv
if [ -f "$csv" ]; then
	grep -v '^1[2-5],' "$csv" >"$tmp/old.csv" || true
else
	echo 'row,case,ours,baseline,unit,ours_rate,baseline_rate,ratio,target,result' \
	    >"$tmp/old.csv"
fi
cat "$tmp/old.csv" "$tmp/results.csv" >"$csv"

echo "mapreduce benchmark, rows 12 to 15 (checkpoints, lost workers, chunks)," \
    "$(date -u +%Y-%m-%d), $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' \
    /proc/cpuinfo | head -n 1)), load average at the start of each row:" \
    "$(awk '{ printf "%s%s %s %s", (NR > 1 ? ", " : ""), $1, $2, $3 }' "$tmp/loads");" \
    "median of $REPEAT runs"
echo
echo '| row | case | ours | baseline | ours elem/s | baseline elem/s | ratio | target | result |'
echo '|---|---|---|---|---|---|---|---|---|'
cat "$tmp/table.md"
echo
echo "Times are the wall time of the whole command, start-up included." \
    "Written: $csv"
