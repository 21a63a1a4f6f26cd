#!/bin/sh
# t20-survive.sh - a lost worker costs only its blocks: the others finish the run, exactly
#
# Under hydra with -disable-auto-cleanup (a plain start gives it), a worker
# that dies mid-run is named in one line, its blocks go to the others, and
# the run ends with the exact result and exit 0.  Faults are injected with
# MAPREDUCE_FAULT=K:HOW[@N] (guard.h): worker K dies after evaluating its
# N-th block, before sending it.  The expected values come from Python.
. "$(dirname "$0")/../lib.sh"

if [ "$MPI_FLAVOUR" = openmpi ]; then
	skip "Open MPI 4.1 has no fault tolerance: a lost worker ends the" \
	    "run (t14)"
	done_testing
	exit
fi
mkdir "$TMP/bin"
cp "$TOP/worker" "$TMP/bin/worker"
cp "$TOP/mapreduce" "$TMP/bin/mapreduce"
[ -f "$TOP/mapreduce-python.so" ] &&
    cp "$TOP/mapreduce-python.so" "$TMP/bin/"
MRC=$TMP/bin/mapreduce

left_behind() {
	sleep 0.5
	pgrep -f "$TMP/bin/" | wc -l
}

# guard_line K HOW: the dead worker's line.
guard_line() {
	case $2 in
	kill)	how='was killed by signal 9 \([A-Za-z ]+\)' ;;
	segv)	how='was killed by signal 11 \([A-Za-z ]+\)' ;;
	abort)	how='was killed by signal 6 \([A-Za-z ]+\)' ;;
	exit)	how='exited with status 3' ;;
	esac
	echo "^mapreduce: worker $1 \\(pid [0-9]+ on [^ ]+\\)( running .*)? $how before its work was done; its blocks are handed out again\$"
}

# survived DESC WANT K HOW: the last run printed WANT alone on stdout,
# exited 0, and said one line: worker K died HOW; nothing is left.
survived() {
	left=$(left_behind)
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$2" ] &&
	    [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	    grep -Eq -- "$(guard_line "$3" "$4")" "$TMP/err" &&
	    [ "$left" -eq 0 ]; then
		ok "$1"
	else
		want_=$2
		[ "${#want_}" -gt 60 ] &&
		    want_="$(printf %.40s "$2")... (${#2} digits)"
		not_ok "$1" "expected exit 0, '$want_' and one line like" \
		    "$(guard_line "$3" "$4")" "$left process(es) left" \
		    "$(describe_run)"
	fi
	pkill -9 -f "$TMP/bin/" 2>/dev/null
}

# faulty SPEC [mpiexec args --] mapreduce args: one run with
# MAPREDUCE_FAULT=SPEC, under mpiexec -disable-auto-cleanup.
faulty() {
	spec=$1
	shift
	MAPREDUCE_FAULT=$spec timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" \
	    -disable-auto-cleanup -n 1 "$MRC" --format value "$@" \
	    >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

n=100000000
sq=$("$PYTHON" -c "n = $n; print((n - 1) * n * (2 * n - 1) // 6)")
for how in kill segv abort exit; do
	faulty "1:$how" -w 3 -r 0:$n -r 0:$n
	survived "static, 3 workers, worker 1: $how after its block" \
	    "$sq" 1 "$how"
done

faulty 2:kill@4 -w 3 --schedule dynamic --chunk 3000000 -r 0:$n -r 0:$n
survived "dynamic, worker 2 killed after its 4th chunk" "$sq" 2 kill

faulty 0:segv@2 -w 2 --schedule dynamic --chunk 1000000 -r 0:$n -r 0:$n
survived "dynamic, worker 0 crashes after its 2nd chunk" "$sq" 0 segv

# Worker 1 takes its task 0.3 s late (a slow node, a loaded one), and
# worker 0 crashes at its 2nd chunk: when the task was broadcast (through
# worker 0) and worker 0 computed at once, worker 1 lost its task too.
faulty 0:segv@2,1:slow -w 2 --schedule dynamic --chunk 1000000 \
    -r 0:$n -r 0:$n
survived "worker 1 slow to start, worker 0 crashes at its 2nd chunk" \
    "$sq" 0 segv

# A plain start gives hydra -disable-auto-cleanup itself.
MAPREDUCE_FAULT=1:kill timeout -k 5 "$RUN_TIMEOUT" "$MRC" -w 3 \
    --format value -r 0:$n -r 0:$n >"$TMP/out" 2>"$TMP/err"
rc=$?
survived "plain start: worker 1 killed" "$sq" 1 kill

# What a survived run says of the lost worker: JSON and -v.
MAPREDUCE_FAULT=1:kill timeout -k 5 "$RUN_TIMEOUT" "$MRC" -w 3 -v \
    --format json -r 0:$n -r 0:$n >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] && "$PYTHON" - "$TMP/out" "$sq" <<'PY' &&
import json, sys
o = json.load(open(sys.argv[1]))
assert o["result"] == sys.argv[2], o
assert o["workers"] == 3 and o["workers_lost"] == 1, o
PY
    [ "$(grep -c '^mapreduce: worker [0-2]: .*, then lost$' "$TMP/err")" \
    -eq 1 ] &&
    grep -q '^mapreduce: worker 1: .*, then lost$' "$TMP/err" &&
    grep -q '^mapreduce: imbalance: ' "$TMP/err"; then
	ok "worker 1 lost: JSON's workers_lost is 1, -v says 'then lost'"
else
	not_ok "worker 1 lost: JSON's workers_lost, -v" "$(describe_run)"
fi
pkill -9 -f "$TMP/bin/" 2>/dev/null

# Integers past 2^128: the product of squares, factorial(20000) squared.
want=$("$PYTHON" -c "import math, sys
sys.set_int_max_str_digits(0)
print(math.factorial(20000) ** 2)")
faulty 1:kill@3 -w 3 --schedule dynamic --chunk 500 -m square -R product \
    -r 1:20001
survived "-R product past 2^128, worker 1 killed at its 3rd chunk" \
    "$want" 1 kill

# The same, again and again: a worker lost as a block is sent to it, or as
# its result comes with the news of its loss, could hang the manager (in 1
# to 4 runs of 100).  The first run that is not right ends the loop.
reps=40
ldd "$TMP/bin/worker" 2>/dev/null | grep -q libasan && reps=12
i=0
while [ $i -lt $reps ]; do
	i=$((i + 1))
	faulty 1:kill@3 -w 3 --schedule dynamic --chunk 500 -m square \
	    -R product -r 1:20001
	[ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] &&
	    [ "$i" -lt "$reps" ] && [ "$(left_behind)" -eq 0 ] || break
done
survived "the same, $reps times: each run right (run $i the last)" \
    "$want" 1 kill

# Doubles: summed exactly and rounded once, as math.fsum.
want=$("$PYTHON" -c "import math
print(repr(math.fsum(1.0 / (x + 1) for x in range(1000000))))")
faulty 2:abort@2 -w 3 --schedule dynamic --chunk 20000 -e '1.0/(x+1)' \
    -r 0:1000000
survived "an expression of doubles, bit for bit, worker 2 aborts" \
    "$want" 2 abort

# Python functions.
if [ -f "$TMP/bin/mapreduce-python.so" ]; then
	want=$("$PYTHON" "$REF" 1:20001 5:20005)
	faulty 0:kill@2 -w 2 --schedule dynamic --chunk 1000 \
	    -k "$TOP/examples/product.py:product" -r 1:20001 -r 5:20005
	survived "a Python map, worker 0 killed" "$want" 0 kill
else
	skip "no Python support in this build"
fi

# Every worker lost: the run ends, in a line of its own beside theirs,
# whole (the two were once cut into each other).  Usually after theirs,
# but they come through the process manager from two processes: on a
# loaded machine, in either order.
faulty 0:kill -w 1 -r 0:$n -r 0:$n
n_left=$(left_behind)
if [ "$rc" -eq 1 ] && [ ! -s "$TMP/out" ] &&
    [ "$(wc -l <"$TMP/err")" -eq 2 ] &&
    grep -Eq -- "$(guard_line 0 kill)" "$TMP/err" &&
    grep -qx "mapreduce: no worker is left: run abandoned" "$TMP/err" &&
    [ "$n_left" -eq 0 ]
then
	ok "the only worker lost: exit 1, its line and ours, each whole"
else
	not_ok "the only worker lost: exit 1, its line and ours" \
	    "$n_left process(es) left" "$(describe_run)"
fi
pkill -9 -f "$TMP/bin/" 2>/dev/null

# kill -9 from outside, at a moment of its own, of a computing worker.
# Seconds of work: the sanitizers' build (make check-sanitize) computes
# about 50 times slower.
big=20000000000
ldd "$TMP/bin/worker" 2>/dev/null | grep -q libasan && big=1000000000
want=$("$PYTHON" -c "n = $big; print((n - 1) * n * (2 * n - 1) // 6)")
timeout -k 5 "$RUN_TIMEOUT" "$MRC" -w 2 --format value --schedule dynamic \
    -r 0:$big -r 0:$big >"$TMP/out" 2>"$TMP/err" &
pid=$!
busy=0
for i in $(seq 100); do
	busy=$(ps -eo pcpu=,args= | awk -v w="$TMP/bin/worker" \
	    '$2 == w && $1 > 20' | wc -l)
	[ "$busy" -ge 2 ] && break
	sleep 0.1
done
sleep 0.5
victim=$(ps -eo pid=,pcpu=,args= --sort=-pcpu |
    awk -v w="$TMP/bin/worker" '$3 == w { print $1 }' | head -n 1)
kill -s KILL "$victim"
wait "$pid"
rc=$?
k=$(sed -n 's/^mapreduce: worker \([0-9]\) (pid '"$victim"' .*/\1/p' \
    "$TMP/err")
survived "kill -9 from outside of a computing worker (plain start)" \
    "$want" "${k:-?}" kill
done_testing
