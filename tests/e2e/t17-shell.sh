#!/bin/sh
# t17-shell.sh - a good citizen in shell scripts: stdin, closed and full streams, signals, mpiexec's failures
#
# mapreduce started plainly, as a script does: it starts itself again under
# mpiexec and stays as its parent.  Expected values are computed here with
# shell arithmetic, never taken from the tool.
. "$(dirname "$0")/../lib.sh"

if [ "$MPI_FLAVOUR" = openmpi ]; then
	skip "Open MPI: these tests are of hydra's mpiexec under a plain start"
	done_testing
	exit
fi

# A private copy of the worker, so that its processes can be counted.
mkdir "$TMP/bin"
cp "$TOP/worker" "$TMP/bin/worker"
long="-w 2 --worker $TMP/bin/worker -r 0:10000000000000 -r 0:10000000000000"

# check DESC CODE OUT ERR: the last run exited with CODE, printed exactly
# OUT on stdout and ERR on stderr (each "" for nothing).
check() {
	if [ "$rc" -eq "$2" ] && [ "$(cat "$TMP/out")" = "$3" ] &&
	    [ "$(cat "$TMP/err")" = "$4" ]; then
		ok "$1"
	else
		not_ok "$1" "expected exit $2, stdout '$3', stderr '$4'" \
		    "$(describe_run)"
	fi
}

# run CMD...: rc, $TMP/out and $TMP/err of one guarded run.
run() {
	timeout -k 5 "$RUN_TIMEOUT" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# 1. stdin: the tool reads none, and neither does the mpiexec it starts.
seq 1 5 | while read -r n; do
	timeout -k 5 "$RUN_TIMEOUT" "$MR" -w 1 -r "1:$((n + 1))" --format value
done >"$TMP/out" 2>"$TMP/err"
rc=$?
check "a loop that reads stdin runs 5 times" 0 "$(printf '1\n3\n6\n10\n15')" ""
yes | timeout -k 5 "$RUN_TIMEOUT" "$MR" -w 1 -r 1:11 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "yes | mapreduce" 0 "Sum of the products equals 55" ""
head -c 1000000 /dev/zero | timeout -k 5 "$RUN_TIMEOUT" "$MR" -w 1 \
    -r 1:11 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "1 MB waiting on stdin" 0 "Sum of the products equals 55" ""
run "$MR" -w 1 -r 1:11 <&-
check "stdin closed" 0 "Sum of the products equals 55" ""
timeout -k 5 "$RUN_TIMEOUT" "$MR" -w 1 -r 1:11 >"$TMP/out" 2>&-
rc=$?
: >"$TMP/err"
check "stderr closed: the result is still printed" 0 \
    "Sum of the products equals 55" ""

# 2. A result that cannot be written is an error, as cat's is.
full="mapreduce: stdout: No space left on device"
closed="mapreduce: stdout: Bad file descriptor"
for args in "-w 1 -r 1:11" "--help" "--version"; do
	# shellcheck disable=SC2086
	timeout -k 5 "$RUN_TIMEOUT" "$MR" $args >/dev/full 2>"$TMP/err"
	rc=$?
	: >"$TMP/out"
	check "$args into /dev/full: exit 1, one line" 1 "" "$full"
	# shellcheck disable=SC2086
	timeout -k 5 "$RUN_TIMEOUT" "$MR" $args >&- 2>"$TMP/err"
	rc=$?
	check "$args into a closed stdout: exit 1, one line" 1 "" "$closed"
done

# 3. SIGINT, once or twice, to the tool, to mpiexec, to the process group:
# exit 130, one line, nothing on stdout, nothing left.
left_behind() {
	sleep 1
	pgrep -f "^$TMP/bin/worker" | wc -l
}

# start_long: the long run, in a session of its own (so that its process
# group can be signalled apart) and with SIGINT at its default (sh starts
# a command with & with SIGINT ignored, and the tool leaves it so);
# returns once both workers compute.
start_long() {
	# shellcheck disable=SC2086
	"$PYTHON" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' "$MR" $long >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for i in $(seq 100); do
		[ "$(pgrep -f "^$TMP/bin/worker" | wc -l)" -ge 2 ] && break
		sleep 0.2
	done
	sleep 0.5
}

# end_long DESC: wait for the run (at most 30 s), then check it.
end_long() {
	( sleep 30; kill -9 "$pid" 2>/dev/null ) &
	guard=$!
	wait "$pid"
	rc=$?
	kill "$guard" 2>/dev/null
	n=$(left_behind)
	if [ "$n" -eq 0 ]; then
		check "$1" 130 "" "mapreduce: interrupted (SIGINT)"
	else
		not_ok "$1" "$n worker(s) left behind" "$(describe_run)"
	fi
	pkill -9 -f "^$TMP/bin/worker" 2>/dev/null
}

# shellcheck disable=SC2086
run timeout --preserve-status -s INT 3 "$MR" $long
n=$(left_behind)
[ "$n" -eq 0 ] || echo "# $n worker(s) left" >>"$TMP/err"
check "timeout -s INT (SIGINT to the tool, then its group)" 130 "" \
    "mapreduce: interrupted (SIGINT)"
start_long
kill -INT "$pid"
end_long "SIGINT to the tool"
start_long
kill -INT "$pid"
kill -INT "$pid"
end_long "SIGINT twice to the tool"
start_long
/bin/kill -s INT -- "-$pid"
/bin/kill -s INT -- "-$pid" 2>/dev/null
end_long "SIGINT twice to the process group"
start_long
kill -INT "$(pgrep -P "$pid" | head -n 1)"
end_long "SIGINT to mpiexec"

# 4. Exit 0 means that the result was printed.
MAPREDUCE_MPIEXEC=/bin/true run "$MR" -w 1
check "MAPREDUCE_MPIEXEC=/bin/true: exit 1, one line" 1 "" \
    "mapreduce: '/bin/true' exited with status 0 without starting mapreduce"
MAPREDUCE_MPIEXEC=/bin/false run "$MR" -w 1
check "MAPREDUCE_MPIEXEC=/bin/false: exit 1, one line" 1 "" \
    "mapreduce: '/bin/false' exited with status 1 without starting mapreduce"
printf '#!/bin/sh\necho "$@"\n' >"$TMP/echo-mpiexec"
chmod +x "$TMP/echo-mpiexec"
MAPREDUCE_MPIEXEC=$TMP/echo-mpiexec run "$MR" -w 1
check "an mpiexec that only prints: exit 1, nothing on stdout" 1 "" \
    "mapreduce: '$TMP/echo-mpiexec' exited with status 0 without starting mapreduce"

# 5. --chunk up to 2^64 - 1; JSON for any bytes; control characters in a
# kernel's name escaped in the sentence.
run "$MR" -w 2 --schedule dynamic --chunk 18446744073709551615 -r 1:11
check "--chunk 2^64 - 1" 0 "Sum of the products equals 55" ""
run "$MR" -w 2 --schedule dynamic --chunk 18446744073709551616 -r 1:11
expect_fail "--chunk 2^64: refused" 2 \
    "^mapreduce: bad chunk '18446744073709551616'"

# 6. Any number of ranges: mpiexec crashed at about 500 (-r SPEC is two
# arguments).  The sum of every element's values, 1 and 2 for each range.
mkdir "$TMP/args"
for n in 498 600 3000; do
	args=$(for i in $(seq "$n"); do printf -- '-r 1:3 '; done)
	# shellcheck disable=SC2086
	TMPDIR=$TMP/args run "$MR" -w 2 -m sum $args
	check "$n ranges" 0 "Sum of the sums equals $((n * 3))" ""
done
if ls "$TMP/args"/mapreduce-args.* >/dev/null 2>&1; then
	not_ok "the arguments' file is removed" \
	    "$(ls "$TMP/args")"
else
	ok "the arguments' file is removed"
fi

# 7. -R product of 10^6 squares, (10^6!)^2, in seconds (59 s when each
# factor was multiplied into the whole product): its number of digits from
# lgamma, its residues modulo two primes from Python.
start=$(date +%s)
run "$MR" -w 2 -m square -R product -r 1:1000001
elapsed=$(($(date +%s) - start))
if [ "$rc" -eq 0 ] && "$PYTHON" - "$TMP/out" <<'EOF' 2>"$TMP/py"
import math, sys
s = open(sys.argv[1]).read()
prefix = "Product of the squares equals "
assert s.startswith(prefix) and s.endswith("\n")
digits = s[len(prefix):-1]
assert len(digits) == math.floor(2 * math.lgamma(1000001) / math.log(10)) + 1
for p in (1000000007, 998244353):
    want = 1
    for i in range(1, 1000001):
        want = want * i * i % p
    got = 0
    for k in range(0, len(digits), 1000):
        chunk = digits[k:k + 1000]
        got = (got * pow(10, len(chunk), p) + int(chunk)) % p
    assert got == want, p
EOF
then
	if [ "$elapsed" -le 20 ]; then
		ok "-m square -R product -r 1:1000001 ($elapsed s)"
	else
		not_ok "-m square -R product -r 1:1000001" "took $elapsed s"
	fi
else
	not_ok "-m square -R product -r 1:1000001" "$(cat "$TMP/py")" \
	    "exit code $rc" "$(head -c 200 "$TMP/err")"
fi

# 8. The progress line on a terminal: a plain start under script(1),
# whose pseudo-terminal is the user's stderr while the manager's is
# hydra's pipe.  Redrawn in place (\r, no newline), erased at the end.
# A sum of n^3 for n below N, of a few seconds: (N (N - 1) / 2)^2.
n=800000000
want="Sum of the products equals $(echo "($n * ($n - 1) / 2)^2" | bc)"
if command -v script >/dev/null; then
	timeout -k 5 "$RUN_TIMEOUT" script -qec "'$MR' -w 1 -r 0:$n -r 0:$n \
	    -r 0:$n" /dev/null >"$TMP/tty" 2>&1
	rc=$?
	# script writes \r\n for each \n: the whole output is one line.
	if [ "$rc" -eq 0 ] && [ "$(tr -cd '\n' <"$TMP/tty" | wc -c)" -eq 1 ] &&
	    grep -q "mapreduce: .*elements/s" "$TMP/tty" &&
	    [ "$(tr -cd '\r' <"$TMP/tty" | wc -c)" -ge 3 ] &&
	    [ "$(sed 's/.*\x1b\[K//' "$TMP/tty")" = "$(printf '%s\r' "$want")" ]
	then
		ok "the progress line on a terminal: redrawn, then erased"
	else
		not_ok "the progress line on a terminal: redrawn, then erased" \
		    "exit code $rc" "$(od -c "$TMP/tty" | tail -n 20)"
	fi
else
	skip "no script(1) for a pseudo-terminal"
fi
run "$MR" -w 1 -r 0:$n -r 0:$n -r 0:$n
check "no progress line on a file" 0 "$want" ""

# check_noise DESC: the last run printed 55 alone on stdout, exit 0, and
# the kernel's lines on stderr.
check_noise() {
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = 55 ] &&
	    grep -q "noise from map()" "$TMP/err"; then
		ok "$1"
	else
		not_ok "$1" "$(describe_run)"
	fi
}

# A kernel of the values of one range, whose name is NAME, and that, with
# NOISY, prints on stdout when loaded, in map() and at its end.
cat >"$TMP/noisy.c" <<'EOF'
#include <stdio.h>
#include "mapreduce.h"

static int
map(const struct mapreduce_batch *b, void *out)
{
	int64_t *v = out;
	size_t t;

#ifdef NOISY
	printf("noise from map()\n");
	fflush(stdout);
#endif
	for (t = 0; t < b->count; t++)
		v[t] = mapreduce_value(b, 0, t);
	return 0;
}

#ifdef NOISY
__attribute__((constructor)) static void
hello(void)
{
	printf("noise from a constructor\n");
}

__attribute__((destructor)) static void
bye(void)
{
	printf("noise from a destructor, without a newline");
}
#endif

const struct mapreduce_kernel mapreduce_kernel = {
	MAPREDUCE_KERNEL_VERSION, MAPREDUCE_INT64, NAME, 1, 1, map
};
EOF
odd=$(printf 'k\377\376\200\303\251.so')
if ${CC:-cc} -I"$TOP" -shared -fPIC -DNAME='"values"' -DNOISY -o "$TMP/noisy.so" \
    "$TMP/noisy.c" && ${CC:-cc} -I"$TOP" -shared -fPIC \
    -DNAME='"a\tb\033c\r"' -o "$TMP/$odd" "$TMP/noisy.c"; then
	run "$MR" -w 2 -k "$TMP/$odd" -r 1:11
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = \
	    'Sum of the a\x09b\x1bc\x0d equals 55' ]; then
		ok "control characters of a kernel's name as \\xHH"
	else
		not_ok "control characters of a kernel's name as \\xHH" \
		    "$(describe_run)"
	fi
	run "$MR" -w 2 -k "$TMP/$odd" -r 1:11 --format json
	if [ "$rc" -eq 0 ] && "$PYTHON" -c 'import json, os, sys
o = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
want = os.fsencode(sys.argv[2]).decode("utf-8", "replace")
assert o["kernel"]["path"] == want, (o["kernel"]["path"], want)
assert o["kernel"]["values"] == "a\tb\033c\r"
assert o["result"] == "55"' "$TMP/out" "$TMP/$odd" 2>"$TMP/py"; then
		ok "--format json: valid for a path that is not UTF-8"
	else
		not_ok "--format json: valid for a path that is not UTF-8" \
		    "$(cat "$TMP/py")" "$(describe_run)"
	fi

	# 9. A kernel's stdout never reaches the tool's.
	run "$MR" -w 2 -k "$TMP/noisy.so" -r 1:11 --format value
	check_noise "a noisy kernel, plain start: stdout is the value alone"
	mr -w 2 -k "$TMP/noisy.so" -r 1:11 --format value
	check_noise "a noisy kernel under mpiexec: stdout is the value alone"
else
	for t in "\\xHH" json plain mpiexec; do
		skip "no C compiler for the kernel of test $t"
	done
fi

# 10. --timeout from start to end; nothing of the run left; exit 0 only
# with a result.
printf '#!/bin/sh\nyes mapreduce-worker | head -c 100\nexec sleep 61\n' \
    >"$TMP/bin/chatty"
printf '#!/bin/sh\nexec sleep 62 >&-\n' >"$TMP/bin/closer"
chmod +x "$TMP/bin/chatty" "$TMP/bin/closer"
for w in chatty closer; do
	start=$(date +%s)
	run "$MR" --worker "$TMP/bin/$w"
	elapsed=$(($(date +%s) - start))
	n=$(pgrep -f "^sleep 6[12]$" | wc -l)
	if [ "$elapsed" -le 6 ] && [ "$n" -eq 0 ]; then
		expect_fail "a --worker that $w and goes on: refused at once" 2 \
		    "is not a worker of this mapreduce: it does not answer"
	else
		not_ok "a --worker that $w and goes on: refused at once" \
		    "took $elapsed s, $n process(es) left" "$(describe_run)"
	fi
done
run "$MPIEXEC" -n 1 "$MR" --timeout 3 : -n 2 /bin/true
expect_fail "a static launch whose partners never start MPI: --timeout" \
    124 "^mapreduce: timed out: --timeout 3 expired$"
MAPREDUCE_FAULT=1:stall run "$MR" -w 2 --worker "$TMP/bin/worker" \
    --timeout 3 -r 1:11
n=$(left_behind)
if [ "$n" -eq 0 ]; then
	expect_fail "a worker stuck after its result: --timeout still ends it" \
	    124 "^mapreduce: timed out: --timeout 3 expired$"
else
	not_ok "a worker stuck after its result: --timeout still ends it" \
	    "$n worker(s) left" "$(describe_run)"
fi
PMI_SIZE=4 run "$MR" -w 1 -r 1:11
check "a stray PMI_SIZE=4 in the environment" 0 \
    "Sum of the products equals 55" ""
run "$MPIEXEC" -n 1 sh -c "'$MR' -w 1 -r 1:11 && '$MR' -w 1 -r 1:12"
expect_fail_out() {
	if [ "$rc" -eq "$2" ] && [ "$(cat "$TMP/out")" = "$3" ] &&
	    [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -Eq -- "$4" "$TMP/err"
	then
		ok "$1"
	else
		not_ok "$1" "expected exit $2, '$3' and one line: $4" \
		    "$(describe_run)"
	fi
}
expect_fail_out "a second mapreduce under one mpiexec: one line, exit 1" 1 \
    "Sum of the products equals 55" \
    "^mapreduce: an earlier MPI program under this mpiexec has used its connection"
cat >"$TMP/abort0.c" <<'EOF'
#include <mpi.h>
#include "mapreduce.h"

static int
map(const struct mapreduce_batch *b, void *out)
{
	(void)b;
	(void)out;
	MPI_Abort(MPI_COMM_WORLD, 0);
	return -1;
}

const struct mapreduce_kernel mapreduce_kernel = {
	MAPREDUCE_KERNEL_VERSION, MAPREDUCE_INT64, "values", 1, 1, map
};
EOF
mpicc=${MPICC:-$(dirname "$MPIEXEC")/mpicc}
if "$mpicc" -I"$TOP" -shared -fPIC -o "$TMP/abort0.so" "$TMP/abort0.c" \
    2>/dev/null; then
	run "$MR" -w 2 -k "$TMP/abort0.so" -r 1:11
	if [ "$rc" -eq 1 ] && ! [ -s "$TMP/out" ] && [ "$(tail -n 1 \
	    "$TMP/err")" = "mapreduce: the run ended with status 0 but without a result (MPI_Abort with code 0?)" ]
	then
		ok "MPI_Abort(MPI_COMM_WORLD, 0) in a kernel: exit 1, not 0"
	else
		not_ok "MPI_Abort(MPI_COMM_WORLD, 0) in a kernel: exit 1, not 0" \
		    "$(describe_run)"
	fi
else
	skip "no mpicc at $mpicc for a kernel that calls MPI_Abort"
fi

# A job script's own child, started before it execs mapreduce, is not the
# run's: it outlives the run's end, an abnormal one too, where the tool
# kills what is left of the run below it (it is the run's subreaper).
if [ "$MPI_FLAVOUR" = mpich ]; then
	cat >"$TMP/job.sh" <<EOF
sleep 60 &
echo \$! >"$TMP/sleep.pid"
MAPREDUCE_FAULT=0:kill exec "$MR" -w 1 -r 0:1000000 -r 0:1000000
EOF
	timeout -k 5 "$RUN_TIMEOUT" sh "$TMP/job.sh" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	pid=$(cat "$TMP/sleep.pid")
	if [ "$rc" -eq 1 ] && kill -0 "$pid" 2>/dev/null; then
		ok "a run abandoned (its only worker killed): the script's own child lives on"
	else
		not_ok "a run abandoned: the script's own child lives on" \
		    "sleep $pid: $(ps -o stat= -p "$pid")" "$(describe_run)"
	fi
	kill "$pid" 2>/dev/null
fi

done_testing
