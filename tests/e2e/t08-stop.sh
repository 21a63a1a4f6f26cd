#!/bin/sh
# t08-stop.sh - a run stopped by --timeout or a signal ends cleanly and leaves nothing behind
. "$(dirname "$0")/../lib.sh"

# Minutes of work on two workers, so that only the stop can end it.  The
# worker is a private copy, so that its processes can be counted.
mkdir "$TMP/bin"
cp "$TOP/worker" "$TMP/bin/worker"
long="-w 2 --worker $TMP/bin/worker -r 0:1000000000000 -r 0:1000000000000"

# Nothing of the run is left half a second after mpiexec returns.
left_behind() {
	sleep 0.5
	pgrep -f "$TMP/bin/worker" | wc -l
}

# stopped DESC CODE PATTERN SECONDS [LINES]: the last run exited with CODE
# within SECONDS, printed LINES (default 1) lines on stderr all matching
# PATTERN, and no worker is left.  LINES "0-N", at most N: when a signal
# tears the run down, hydra was seen (1 run in 20) to drop the line still in
# flight, and Open MPI's mpiexec sometimes too.
stopped() {
	n=$(left_behind)
	lines=$(wc -l <"$TMP/err")
	case ${5:-1} in
	0-*)	[ "$lines" -le "${5#0-}" ] ;;
	*)	[ "$lines" -eq "${5:-1}" ] ;;
	esac
	lines_ok=$?
	if [ "$rc" -eq "$2" ] && [ "$lines_ok" -eq 0 ] &&
	    ! grep -Evq -- "$3" "$TMP/err" && [ "$elapsed" -le "$4" ] &&
	    [ "$n" -eq 0 ]; then
		ok "$1"
	else
		not_ok "$1" "expected exit $2 within $4 s, one line: $3" \
		    "took $elapsed s, $n worker(s) left" "$(describe_run)"
	fi
	pkill -9 -f "$TMP/bin/worker" 2>/dev/null
}

start=$(date +%s)
# shellcheck disable=SC2086
mr --timeout 2 $long
elapsed=$(($(date +%s) - start))
stopped "--timeout 2: exit 124 in time, one line" 124 \
    "^mapreduce: timed out: --timeout 2 expired$" 6

# signal SIG TARGET: start the long run, send SIG to mpiexec or to the
# manager once the workers compute, wait for the end.
signal() {
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$MPIEXEC" -n 1 "$MR" $long >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for i in $(seq 50); do
		[ "$(pgrep -f "$TMP/bin/worker" | wc -l)" -ge 2 ] && break
		sleep 0.2
	done
	sleep 0.5
	if [ "$2" = manager ]; then
		pkill "-$1" -f "^$MR "
	else
		kill "-$1" "$pid"
	fi
	# A hang would be a failure, not a stuck suite.
	( sleep 30; kill -9 "$pid" 2>/dev/null ) &
	guard=$!
	wait "$pid"
	rc=$?
	kill "$guard" 2>/dev/null
	elapsed=$(($(date +%s) - start))
}

if [ "$MPI_FLAVOUR" = openmpi ]; then
	# Open MPI's mpiexec stops its processes with SIGTERM whatever it got,
	# exits 1 itself, and its event library may warn on the way out.
	term='^(mapreduce: terminated \(SIGTERM\)|\[warn\] Epoll .*)$'
	signal INT mpiexec
	stopped "SIGINT to Open MPI's mpiexec: its exit 1, nothing left" 1 \
	    "$term" 20 0-2
	signal TERM mpiexec
	stopped "SIGTERM to Open MPI's mpiexec: its exit 1, nothing left" 1 \
	    "$term" 20 0-2
else
	signal INT mpiexec
	stopped "SIGINT to mpiexec: exit 130, nothing left" 130 \
	    "^mapreduce: interrupted \(SIGINT\)$" 20 0-1
	signal TERM mpiexec
	stopped "SIGTERM to mpiexec: exit 143, nothing left" 143 \
	    "^mapreduce: terminated \(SIGTERM\)$" 20 0-1
fi
signal TERM manager
stopped "SIGTERM to the manager: exit 143, nothing left" 143 \
    "^mapreduce: terminated \(SIGTERM\)$" 20 0-1

# A plain start stopped while hydra starts the run, 5 to 40 ms in: the
# process manager's proxies (sessions of their own) and the manager under
# them once outlived it, for good, and the tool took 10 s to exit.  Every
# process of the run carries T08_RUN in its environment.
mark="T08_RUN=$$"
ours() {
	grep -lzx "$mark" /proc/[0-9]*/environ 2>/dev/null |
	    sed 's,/proc/,,; s,/environ,,'
}
ours_left() {
	sleep 0.5
	ours | wc -l
}
fails=0 tries=0 worst=0 why=
for d in 0.005 0.01 0.02 0.04; do
	for sn in INT:2 TERM:15 HUP:1; do
		sig=${sn%:*}
		t0=$(date +%s%N)
		# shellcheck disable=SC2086
		env "$mark" timeout --preserve-status -k 30 -s "$sig" "$d" \
		    "$TOP/mapreduce" $long >"$TMP/out" 2>"$TMP/err"
		rc=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ "$ms" -gt "$worst" ] && worst=$ms
		n=$(ours_left)
		want=$((128 + ${sn#*:}))
		tries=$((tries + 1))
		if [ "$rc" -ne "$want" ] || [ "$ms" -gt 3000 ] ||
		    [ "$n" -ne 0 ]; then
			fails=$((fails + 1))
			why="$why SIG$sig at $d s: exit $rc, $ms ms, $n left:"
			why="$why $(tr '\n' '|' <"$TMP/err");"
			ours | xargs -r kill -9
		fi
	done
done
if [ "$fails" -eq 0 ]; then
	ok "a plain start signalled at 5 to 40 ms: $tries runs, 128 + the\
 signal within 3 s (at worst $worst ms), nothing left"
else
	not_ok "a plain start signalled at 5 to 40 ms: $fails of $tries wrong" \
	    "$why"
fi
done_testing
