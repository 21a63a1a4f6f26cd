#!/bin/sh
# t14-faults.sh - a worker that dies mid-run: one line naming it, exit 1 within 5 s, nothing left
#
# Faults are injected with MAPREDUCE_FAULT=K:HOW (guard.h): worker K exits,
# aborts, is killed or crashes after its first block.  A real kill -9 from
# outside is tested too.  Under the user's mpiexec without hydra's
# -disable-auto-cleanup the run cannot go on; with it (and in a plain
# start) it does: t20-survive.sh.
. "$(dirname "$0")/../lib.sh"

# An injected fault comes after the first block: blocks of a fraction of
# a second.  A kill from outside needs a run of minutes.  The worker is a
# private copy, so that its processes can be counted.
mkdir "$TMP/bin"
cp "$TOP/worker" "$TMP/bin/worker"
short="-r 0:100000000 -r 0:100000000"
long="-r 0:300000000000 -r 0:300000000000"
LIMIT_MS=5000

now_ms() {
	date +%s%3N
}

left_behind() {
	sleep 0.5
	pgrep -f "$TMP/bin/" | wc -l
}

# died DESC K HOW: the last run exited 1 within LIMIT_MS with exactly one
# line on stderr, which names worker K and how it died; nothing is left.
# Open MPI: there is no guard (guard.h); its mpiexec ends the run itself,
# with the dead worker's status, and names it in a report of its own
# (quiet here): only a non-zero exit is asked for the first part.
died() {
	case $3 in
	kill)	how='was killed by signal 9 \([A-Za-z ]+\)' ;;
	term)	how='was killed by signal 15 \([A-Za-z ]+\)' ;;
	segv)	how='was killed by signal 11 \([A-Za-z ]+\)' ;;
	abort)	how='was killed by signal 6 \([A-Za-z ]+\)' ;;
	exit)	how='exited with status 3' ;;
	esac
	pattern="^mapreduce: worker $2 \\(pid [0-9]+ on [^ ]+\\) $how before its work was done; run abandoned\$"
	n=$(left_behind)
	if [ "$MPI_FLAVOUR" = openmpi ]; then
		[ "$rc" -ne 0 ]
	else
		[ "$rc" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		    grep -Eq -- "$pattern" "$TMP/err"
	fi
	said=$?
	if [ "$said" -eq 0 ] && [ ! -s "$TMP/out" ] &&
	    [ "$elapsed" -le "$LIMIT_MS" ] && [ "$n" -eq 0 ]; then
		ok "$1 ($elapsed ms)"
	else
		not_ok "$1" "expected exit 1 within $LIMIT_MS ms and one line" \
		    "like: $pattern" "took $elapsed ms, $n process(es) left" \
		    "$(describe_run)"
	fi
	pkill -9 -f "$TMP/bin/" 2>/dev/null
}

# injected K HOW [mpiexec args -- ] mapreduce args...: time one run with
# MAPREDUCE_FAULT=K:HOW.
injected() {
	k=$1 how=$2
	shift 2
	start=$(now_ms)
	MAPREDUCE_FAULT=$k:$how timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" "$@" \
	    >"$TMP/out" 2>"$TMP/err"
	rc=$?
	elapsed=$(($(now_ms) - start))
}

if [ "$MPI_FLAVOUR" = openmpi ]; then
	skip "Open MPI: one line that names the dead worker, exit 1:" \
	    "the guard is hydra's only"
fi
for how in kill segv abort exit; do
	# shellcheck disable=SC2086
	injected 1 "$how" -n 1 "$MR" -w 3 --worker "$TMP/bin/worker" $short
	died "spawned worker 1 of 3: $how after its block" 1 "$how"
done

# shellcheck disable=SC2086
injected 0 kill -n 1 "$MR" $short : -n 2 "$TMP/bin/worker"
died "static launch, mapreduce : worker: worker 0 killed" 0 kill
cp "$MR" "$TMP/bin/mapreduce"
# shellcheck disable=SC2086
injected 2 segv -n 4 "$TMP/bin/mapreduce" $short
died "static launch, mpiexec -n 4 mapreduce: worker 2 crashes" 2 segv

# A fault for a worker that does not exist changes nothing.
MAPREDUCE_FAULT=5:kill mr -w 2 --worker "$TMP/bin/worker" -r 1:1001 -r 7:1007
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = \
    "Sum of the products equals $("$PYTHON" "$REF" 1:1001 7:1007)" ]; then
	ok "MAPREDUCE_FAULT for worker 5 of 2: the right sum"
else
	not_ok "MAPREDUCE_FAULT for worker 5 of 2: the right sum" \
	    "$(describe_run)"
fi

# killed_from_outside DESC SIGNAL [mpiexec options]: send SIGNAL (KILL or
# TERM) to the busiest worker process once both compute.
killed_from_outside() {
	desc=$1 sig=$2
	shift 2
	# shellcheck disable=SC2086
	timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" "$@" -n 1 "$MR" -w 2 \
	    --worker "$TMP/bin/worker" $long >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	# Both workers busy past MPI_Init (a fraction of a second): then
	# the busiest is computing.
	busy=0
	for i in $(seq 100); do
		busy=$(ps -eo pcpu=,args= | awk -v w="$TMP/bin/worker" \
		    '$2 == w && $1 > 20' | wc -l)
		[ "$busy" -ge 2 ] && break
		sleep 0.1
	done
	sleep 1
	victim=$(ps -eo pid=,pcpu=,args= --sort=-pcpu |
	    awk -v w="$TMP/bin/worker" '$3 == w { print $1 }' | head -n 1)
	start=$(now_ms)
	kill -s "$sig" "$victim"
	wait "$pid"
	rc=$?
	elapsed=$(($(now_ms) - start))
	k=$(sed -n 's/^mapreduce: worker \([0-9]\) (pid '"$victim"' .*/\1/p' \
	    "$TMP/err")
	died "$desc" "${k:-?}" "$(echo "$sig" | tr A-Z a-z)"
}
killed_from_outside "kill -9 of a computing worker" KILL
killed_from_outside "SIGTERM to one computing worker" TERM

# A worker that hangs instead: --timeout still ends the run.
# shellcheck disable=SC2086
injected 0 hang -n 1 "$MR" -w 2 --timeout 2 --worker "$TMP/bin/worker" \
    -r 0:1000 -r 0:1000
n=$(left_behind)
if [ "$rc" -eq 124 ] && [ "$elapsed" -le $((2000 + LIMIT_MS)) ] &&
    [ "$n" -eq 0 ]; then
	ok "a hanging worker: --timeout 2 ends the run ($elapsed ms)"
else
	not_ok "a hanging worker: --timeout 2 ends the run" \
	    "took $elapsed ms, $n process(es) left" "$(describe_run)"
fi
pkill -9 -f "$TMP/bin/" 2>/dev/null
done_testing
