#!/bin/sh
# t21-checkpoint.sh - --checkpoint FILE: interrupted runs go on, damaged files never give a wrong number
#
# Each run is interrupted (SIGTERM, SIGINT, --timeout, kill -9 of the
# manager or of a worker) at a moment of its own, then run again with the
# same command, and sometimes another worker count or schedule: the result
# must be the uninterrupted one, which Python computes.  Damaged
# checkpoints (cut anywhere, one bit flipped anywhere, empty, another
# task's) must be refused or give the right result, never a wrong one.
. "$(dirname "$0")/../lib.sh"

mkdir "$TMP/bin"
cp "$TOP/worker" "$TOP/mapreduce" "$TMP/bin/"
[ -f "$TOP/mapreduce-python.so" ] &&
    cp "$TOP/mapreduce-python.so" "$TMP/bin/"
MRC=$TMP/bin/mapreduce
CK=$TMP/run.ckpt
# A seed of our own: the moments and the damage vary from run to run,
# and a failure says which seed to repeat.
SEED=${CHECKPOINT_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "# CHECKPOINT_SEED=$SEED"
rand_state=$SEED
# rand N: r becomes a pseudo-random number in 0 .. N-1.
rand() {
	rand_state=$(((rand_state * 1103515245 + 12345) % 2147483648))
	r=$((rand_state / 65536 % $1))
}

left_behind() {
	sleep 0.5
	pgrep -f "$TMP/bin/" | wc -l
}

# run_mr ARGS: mapreduce, plainly started, as a user would.
run_mr() {
	timeout -k 5 "$RUN_TIMEOUT" "$MRC" --format value "$@" \
	    >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# interrupted HOW MS ARGS: start the run, and after MS ms end it HOW:
# term, int (to the tool), kill-manager, kill-worker (kill -9 of the
# manager or of a computing worker).  rc and the outputs are the run's.
interrupted() {
	how=$1 ms=$2
	shift 2
	timeout -k 5 "$RUN_TIMEOUT" "$MRC" --format value "$@" \
	    >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	sleep "$(echo "$ms" | awk '{ printf "%.3f", $1 / 1000 }')"
	case $how in
	term)	kill -TERM "$pid" ;;
	int)	kill -INT "$pid" ;;
	kill-manager)	# the one under mpiexec, not the first start
		for p in $(pgrep -f "^$TMP/bin/mapreduce "); do
			[ "$p" = "$pid" ] || kill -KILL "$p"
		done ;;
	kill-worker)
		victim=$(ps -eo pid=,args= |
		    awk -v w="$TMP/bin/worker" '$2 == w { print $1 }' |
		    head -n 1)
		[ -n "$victim" ] && kill -KILL "$victim" ;;
	esac
	wait "$pid"
	rc=$?
	pkill -9 -f "$TMP/bin/" 2>/dev/null
}

# resumed DESC WANT ARGS: the same command again prints WANT, exit 0.
resumed() {
	desc=$1 want=$2
	shift 2
	run_mr "$@"
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc" "expected: $want" "$(describe_run)" \
		    "(CHECKPOINT_SEED=$SEED)"
	fi
}

# An expression computed element by element (its constant is past
# int64): about 0.2 us an element, a run of a few seconds, and sums past
# 2^128.
n=30000000
expr='x * 10**30 + y'
want=$("$PYTHON" -c "n = $n; print(sum(range(n)) * 10**30 + sum(range(n)))")
args="-e $expr -r 0:$n -r 0:$n"

# 1. A run that is not interrupted; then the same command answers from
# the file alone.
# shellcheck disable=SC2086
run_mr --checkpoint "$CK" -w 2 -e "$expr" -r 0:$n -r 0:$n
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] && [ -s "$CK" ]; then
	ok "a checkpointed run: the right result, the file kept"
else
	not_ok "a checkpointed run: the right result, the file kept" \
	    "$(describe_run)"
fi
start=$(date +%s%3N)
run_mr --checkpoint "$CK" -w 2 -v -e "$expr" -r 0:$n -r 0:$n
ms=$(($(date +%s%3N) - start))
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] &&
    ! grep -q ': [1-9][0-9]* elements in' "$TMP/err"; then
	ok "run again, the result comes from the file: no element computed ($ms ms)"
else
	not_ok "run again, the result comes from the file" "$(describe_run)"
fi
rm -f "$CK"

# 2. Interruptions, each at a moment of its own, then the rest.
for how in term int kill-manager kill-worker term; do
	rm -f "$CK"
	rand 1000
	ms=$((800 + r))
	sched=static
	rand 2
	[ "$r" -eq 1 ] && sched=dynamic
	interrupted "$how" "$ms" --checkpoint "$CK" -w 2 \
	    --schedule "$sched" -e "$expr" -r 0:$n -r 0:$n
	first_rc=$rc
	said=$(grep -Ec '^mapreduce: checkpoint .*(: [0-9]+ of [0-9]+ elements done| is kept); the same command goes on from there$' "$TMP/err")
	case $how in
	term)	wrc=143 ;;
	int)	wrc=130 ;;
	*)	wrc= ;;
	esac
	# Open MPI's mpiexec tears the run down itself, and the manager's
	# line may not make it through: the checkpoint is kept all the same.
	[ "$MPI_FLAVOUR" = openmpi ] && said=1
	if [ -n "$wrc" ] && { [ "$first_rc" -ne "$wrc" ] || [ "$said" -ne 1 ] ||
	    [ -s "$TMP/out" ]; }; then
		# a run that finished before the signal is no failure
		if [ "$first_rc" -eq 0 ]; then
			ok "# SKIP the run ended before $how at $ms ms"
		else
			not_ok "$how at $ms ms: exit $wrc and the checkpoint's line" \
			    "$(describe_run)" "(CHECKPOINT_SEED=$SEED)"
		fi
	elif [ -n "$wrc" ]; then
		ok "$how at $ms ms ($sched): exit $wrc, how much is done"
	fi
	rand 3
	w=$((1 + r))
	resumed "after $how at $ms ms ($sched): the same command with -w $w" \
	    "$want" --checkpoint "$CK" -w "$w" -e "$expr" -r 0:$n -r 0:$n
	n_left=$(left_behind)
	[ "$n_left" -eq 0 ] || not_ok "after $how: nothing left" \
	    "$n_left process(es)"
done

# 3. Only the rest is computed: the elements of the second run and those
# the first said were done make the whole map.  (Open MPI: see above.)
if [ "$MPI_FLAVOUR" = openmpi ]; then
	skip "Open MPI's mpiexec may drop the line that says how much is done"
else
rm -f "$CK"
n3=60000000
want3=$("$PYTHON" -c "n = $n3; print(sum(range(n)) * 10**30 + sum(range(n)))")
interrupted term 3000 --checkpoint "$CK" -w 2 -e "$expr" -r 0:$n3 -r 0:$n3
first_rc=$rc
done_then=$(sed -n 's/^mapreduce: checkpoint .*: \([0-9]*\) of [0-9]* elements done.*/\1/p' "$TMP/err")
run_mr --checkpoint "$CK" -w 2 -v -e "$expr" -r 0:$n3 -r 0:$n3
computed=$(sed -n 's/^mapreduce: worker [0-9]*: \([0-9]*\) elements in.*/\1/p' \
    "$TMP/err" | awk '{ s += $1 } END { print s + 0 }')
if [ "$first_rc" -eq 0 ]; then
	skip "the run ended before SIGTERM at 3 s"
elif [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want3" ] &&
    [ -n "$done_then" ] && [ $((done_then + computed)) -eq "$n3" ]; then
	ok "resumed: only the $computed elements not done ($done_then were)"
else
	not_ok "resumed: only the elements not done" \
	    "done before: $done_then, computed now: $computed, of $n3" \
	    "$(describe_run)"
fi
fi

# 4. --timeout keeps what is done too.
rm -f "$CK"
run_mr --checkpoint "$CK" -w 2 --timeout 2 -e "$expr" -r 0:$n -r 0:$n
if [ "$rc" -eq 124 ] && { [ "$MPI_FLAVOUR" = openmpi ] ||
    grep -q '^mapreduce: checkpoint ' "$TMP/err"; }; then
	ok "--timeout 2: exit 124 and the checkpoint's line"
else
	not_ok "--timeout 2: exit 124 and the checkpoint's line" \
	    "$(describe_run)"
fi
resumed "after --timeout: the rest" "$want" --checkpoint "$CK" -w 2 \
    -e "$expr" -r 0:$n -r 0:$n

# 5. Doubles, bit for bit (math.fsum is the exact sum rounded once),
# resumed with another worker count and schedule.
m=20000000
fwant=$("$PYTHON" -c "import math
print(repr(math.fsum(1.0 / (x + 1) ** 0.5 for x in range($m))))")
rm -f "$CK"
rand 1500
interrupted int $((1000 + r)) --checkpoint "$CK" -w 2 \
    -e '1.0/(x+1)**0.5 + 0*10**30' -r 0:$m
resumed "doubles: interrupted, then resumed with -w 3 --schedule dynamic" \
    "$fwant" --checkpoint "$CK" -w 3 --schedule dynamic \
    -e '1.0/(x+1)**0.5 + 0*10**30' -r 0:$m

# 6. Integers past 2^128 from -R product, resumed.
pwant=$("$PYTHON" -c "import math, sys
sys.set_int_max_str_digits(0)
print(math.factorial(60000) ** 2)")
rm -f "$CK"
interrupted term 700 --checkpoint "$CK" -w 2 -m square -R product \
    --schedule dynamic --chunk 200 -r 1:60001
resumed "-R product past 2^128: resumed" "$pwant" --checkpoint "$CK" -w 2 \
    -m square -R product -r 1:60001

# 7. Damaged checkpoints.  A complete one of a short run, then copies cut
# anywhere or with one bit flipped anywhere: each is refused (exit 2, one
# line) or gives the right result; none gives a wrong one.
s=2000000
swant=$("$PYTHON" -c "n = $s; print(sum(range(n)) * 10**30 + sum(range(n)))")
rm -f "$CK"
run_mr --checkpoint "$CK" -w 2 --schedule dynamic --chunk 100000 -e "$expr" -r 0:$s -r 0:$s
cp "$CK" "$TMP/good.ckpt"
size=$(wc -c <"$TMP/good.ckpt")
bad=0
for i in $(seq 12); do
	cp "$TMP/good.ckpt" "$CK"
	if [ $((i % 2)) -eq 0 ]; then
		rand "$size"
		at=$r
		truncate -s "$at" "$CK"
		what="cut at byte $at of $size"
	else
		rand "$size"
		at=$r
		rand 8
		bit=$r
		"$PYTHON" -c "import sys
f = open(sys.argv[1], 'r+b'); f.seek($at); b = f.read(1); f.seek($at)
f.write(bytes([b[0] ^ (1 << $bit)]))" "$CK"
		what="bit $bit of byte $at of $size flipped"
	fi
	run_mr --checkpoint "$CK" -w 2 --schedule dynamic --chunk 100000 -e "$expr" \
	    -r 0:$s -r 0:$s
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$swant" ]; then
		:
	elif [ "$rc" -eq 2 ] && ! [ -s "$TMP/out" ] &&
	    [ "$(wc -l <"$TMP/err")" -eq 1 ]; then
		:
	else
		bad=$((bad + 1))
		not_ok "damaged checkpoint, $what: refused or right" \
		    "$(describe_run)" "(CHECKPOINT_SEED=$SEED)"
	fi
done
[ "$bad" -eq 0 ] && ok "12 damaged checkpoints (cut or a bit flipped): each refused or right"

cp "$TMP/good.ckpt" "$CK"
truncate -s $((size - 3)) "$CK"
run_mr --checkpoint "$CK" -w 2 --schedule dynamic --chunk 100000 -e "$expr" -r 0:$s -r 0:$s
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$swant" ] &&
    grep -q '^mapreduce: checkpoint .*damaged' "$TMP/err"; then
	ok "a checkpoint cut in its last record: a warning, the right result"
else
	not_ok "a checkpoint cut in its last record: a warning, the right result" \
	    "$(describe_run)"
fi

: >"$CK"
resumed "an empty file is a new checkpoint" "$swant" --checkpoint "$CK" \
    -w 2 -e "$expr" -r 0:$s -r 0:$s

cp "$TMP/good.ckpt" "$CK"
sum_before=$(cksum <"$CK")
run_mr --checkpoint "$CK" -w 2 -e "$expr" -r 0:$s -r 1:$((s + 1))
expect_fail "another task's checkpoint: refused, exit 2" 2 \
    "^mapreduce: .*$CK"
[ "$(cksum <"$CK")" = "$sum_before" ] &&
    ok "another task's checkpoint: left as it was" ||
    not_ok "another task's checkpoint: left as it was"

printf 'not a checkpoint\n' >"$CK"
run_mr --checkpoint "$CK" -w 2 -e "$expr" -r 0:$s -r 0:$s
expect_fail "a file that is no checkpoint: refused, exit 2" 2 \
    "^mapreduce: .*$CK"

# 8. Two runs on one checkpoint at once: the second is refused.
rm -f "$CK"
timeout -k 5 "$RUN_TIMEOUT" "$MRC" --checkpoint "$CK" -w 1 -e "$expr" \
    -r 0:$n -r 0:$n >/dev/null 2>&1 &
pid=$!
sleep 1.5
run_mr --checkpoint "$CK" -w 1 -e "$expr" -r 0:$n -r 0:$n
expect_fail "a checkpoint in use by another run: refused, exit 2" 2 \
    "^mapreduce: .*$CK"
kill -TERM "$pid" 2>/dev/null
wait "$pid"
pkill -9 -f "$TMP/bin/" 2>/dev/null

# 9. A kernel's file is part of the task: changed, it is another task.
if [ -f "$TOP/examples/product.so" ]; then
	cp "$TOP/examples/product.so" "$TMP/k.so"
	rm -f "$CK"
	run_mr --checkpoint "$CK" -w 2 -k "$TMP/k.so" -r 0:1000 -r 0:1000
	printf 'x' >>"$TMP/k.so"
	run_mr --checkpoint "$CK" -w 2 -k "$TMP/k.so" -r 0:1000 -r 0:1000
	expect_fail "a kernel changed since its checkpoint: refused" 2 \
	    "^mapreduce: .*$CK"
else
	skip "no examples/product.so (make examples)"
fi
done_testing
