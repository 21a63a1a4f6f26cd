#!/bin/sh
# t09-static.sh - workers started beside the manager by mpiexec, no spawn
. "$(dirname "$0")/../lib.sh"

ranges="-r 1:1001 -r -5:2995:3 -r 1000:0:-1"
# shellcheck disable=SC2086
want="Sum of the products equals $("$PYTHON" "$REF" 1:1001 -5:2995:3 1000:0:-1)"

# static DESC [mpiexec args]: the run prints the sum; stderr holds -v's
# lines only.
static() {
	desc=$1
	shift
	timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] &&
	    ! grep -Ev '^mapreduce: (3 workers of .the static launch.|worker [0-2]: |imbalance: )' \
	    "$TMP/err" | grep -q .; then
		ok "$desc"
	else
		not_ok "$desc" "expected: $want" "$(describe_run)"
	fi
}

# shellcheck disable=SC2086
static "MPMD: mpiexec -n 1 mapreduce : -n 3 worker" \
    -n 1 "$MR" -v $ranges : -n 3 "$TOP/worker"
# shellcheck disable=SC2086
static "mpiexec -n 4 mapreduce: rank 0 manages, ranks 1-3 work" \
    -n 4 "$MR" -v $ranges
if grep -q "^mapreduce: 3 workers of 'the static launch'" "$TMP/err"; then
	ok "-v counts the workers of a static launch"
else
	not_ok "-v counts the workers of a static launch" "$(describe_run)"
fi

timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" -n 3 "$MR" -w 5 >"$TMP/out" 2>"$TMP/err"
rc=$?
expect_fail "-w other than the static workers: exit 2" 2 \
    "^mapreduce: -w 5, but mpiexec started 2 workers beside the manager"

# Bad input in the MPMD form: the workers already wait in MPI_Init; the
# run must end with the one line and exit 2, not leave them waiting.
for bad in "-r 1:x" "-w 5" "-k $TMP/no-such-kernel.so" "-R min -r 4:4"; do
	# shellcheck disable=SC2086
	RUN_TIMEOUT=20 timeout -k 5 20 "$MPIEXEC" -n 1 "$MR" $bad : -n 2 \
	    "$TOP/worker" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	expect_fail "MPMD with bad input ($bad): exit 2, one line, no hang" 2 \
	    "^mapreduce: "
done

# --version and --help there: said once, exit 0, the workers released.
for opt in --version --help; do
	timeout -k 5 20 "$MPIEXEC" -n 1 "$MR" "$opt" : -n 2 "$TOP/worker" \
	    >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(grep -c '^mapreduce \|^usage: mapreduce' \
	    "$TMP/out")" -eq 1 ] && ! [ -s "$TMP/err" ]; then
		ok "MPMD with $opt: printed once, exit 0, no hang"
	else
		not_ok "MPMD with $opt: printed once, exit 0, no hang" \
		    "$(describe_run)"
	fi
done

timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" -n 2 "$TOP/worker" : -n 1 "$MR" \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -ne 0 ] && grep -q "the manager must be world rank 0" "$TMP/err" &&
    ! [ -s "$TMP/out" ]; then
	ok "a worker in the manager's place: refused, no hang"
else
	not_ok "a worker in the manager's place: refused, no hang" \
	    "$(describe_run)"
fi
done_testing
