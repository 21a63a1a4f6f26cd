#!/bin/sh
# run.sh - run the unit and end-to-end tests; the last line counts them all
#
# usage: MPIEXEC=path tests/run.sh [TEST...]   (make check sets MPIEXEC)
#
# Each test program prints TAP ("ok 3 - # SKIP why" is a skip).  A program that dies or hangs (past
# TEST_TIMEOUT seconds) counts as one more failure.  LEAVE_OUT: programs
# not to run, each counted as one skip (make check-sanitize leaves out the
# Slurm jobs, shell scripts for minutes).  Each program's seconds follow it.

cd "$(dirname "$0")/.." || exit 1
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
log=$(mktemp "${TMPDIR:-/tmp}/mapreduce-run.XXXXXX")
trap 'rm -f "$log"' EXIT
passed=0
failed=0
skipped=0

if [ $# -eq 0 ]; then
	set -- tests/unit/t-range tests/unit/t-arith tests/unit/t-kernel \
	    tests/unit/t-reduce tests/unit/t-decimal tests/unit/t-dsum \
	    tests/unit/t-journal tests/unit/t-sched \
	    tests/unit/t-dsum-python.py \
	    tests/unit/t-pyval-python.py \
	    tests/e2e/t*.sh
fi
for t in "$@"; do
	echo "# $t"
	case " ${LEAVE_OUT-} " in
	*" $t "*)
		echo "ok - # SKIP left out (LEAVE_OUT)"
		skipped=$((skipped + 1))
		continue ;;
	esac
	t0=$(date +%s)
	timeout -k 10 "$TEST_TIMEOUT" "./$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	echo "# $t: $(($(date +%s) - t0)) s"
	s=$(grep -c '^ok .*# SKIP' "$log")
	p=$(($(grep -c '^ok ' "$log") - s))
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done
echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
