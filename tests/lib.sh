# lib.sh - shared helpers of the end-to-end tests: TAP lines and guarded runs
#
# Source it from a test script.  Every run of mapreduce goes through
# timeout(1), so a hang is a failed test, never a stuck suite.  Results are
# compared with tests/ref.py (Python integers) or another computation made
# here, never with mapreduce itself.

: "${MPIEXEC:?set MPIEXEC to the mpiexec to test with (make check does)}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
MR=${TEST_MAPREDUCE:-$TOP/mapreduce}	# another build under test, or ours
REF=$TOP/tests/ref.py
RUN_TIMEOUT=${RUN_TIMEOUT:-60}
PYTHON=${PYTHON:-python3}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mapreduce-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
test_count=0
test_failed=0

# The MPI behind $MPIEXEC, asked once: "openmpi" (Open MPI's mpiexec), else
# "mpich" (hydra, for which this suite was first written).  Their mpiexecs
# take a universe size differently and print different things of their own.
case $(timeout 10 "$MPIEXEC" --version 2>&1) in
*"Open MPI"* | *OpenRTE*) MPI_FLAVOUR=openmpi ;;
*) MPI_FLAVOUR=mpich ;;
esac

# Open MPI 4.1's mpiexec refuses to run as root without the first two; with
# more processes than cores (16 workers on 2) it wants oversubscription
# allowed; and quiet keeps its own multi-line report of a process that
# exited non-zero or called MPI_Abort off stderr, where the tests look for
# the tool's one line.  Its TCP transport stays on loopback: it tried the
# bridge of t13's hosts, which a run elsewhere on the machine had made and
# then removed.  A value set by the caller stays.
if [ "$MPI_FLAVOUR" = openmpi ]; then
	: "${OMPI_ALLOW_RUN_AS_ROOT:=1}" "${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:=1}"
	: "${OMPI_MCA_rmaps_base_oversubscribe:=1}"
	: "${OMPI_MCA_orte_execute_quiet:=1}"
	: "${OMPI_MCA_btl_tcp_if_include:=lo}"
	export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM \
	    OMPI_MCA_rmaps_base_oversubscribe OMPI_MCA_orte_execute_quiet \
	    OMPI_MCA_btl_tcp_if_include
fi

# usize_args N: mpiexec's arguments for a universe of N processes.  Hydra
# takes -usize; Open MPI's universe size is the number of slots of its
# hosts, so N slots on this one.
usize_args() {
	case $MPI_FLAVOUR in
	openmpi) echo "--host localhost:$1" ;;
	*) echo "-usize $1" ;;
	esac
}

ok() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1"
}

# skip REASON...: a test that cannot run here, counted apart; the words of
# REASON are joined by blanks.
skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - # SKIP $*"
}

# not_ok DESCRIPTION [DETAIL...]: the details follow as TAP comments.
not_ok() {
	test_count=$((test_count + 1))
	test_failed=$((test_failed + 1))
	echo "not ok $test_count - $1"
	shift
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/#   /'
	done
}

# done_testing: the plan, and the exit status of the script.
done_testing() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# mr [mapreduce args]: run the manager under mpiexec; sets rc and fills
# $TMP/out and $TMP/err.  USIZE, if set, becomes the universe size.
mr() {
	# shellcheck disable=SC2046
	timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" -n 1 \
	    ${USIZE:+$(usize_args "$USIZE")} "$MR" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# mr_alone [mapreduce args]: the same without mpiexec.
mr_alone() {
	timeout -k 5 "$RUN_TIMEOUT" "$MR" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# ref_args [mapreduce args]: the reference's arguments, taken from the
# -r, -t, -m and -R options of a mapreduce command line.
ref_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		-r|--range) printf '%s\n' "$2"; shift ;;
		-t|--truncate) printf '%s\n' --truncate ;;
		-m|--map) printf -- '--map\n%s\n' "$2"; shift ;;
		-R|--reduce) printf -- '--reduce\n%s\n' "$2"; shift ;;
		-w|--workers|--worker|--schedule|--chunk|--timeout) shift ;;
		esac
		shift
	done
}

# describe_run: what the last run printed, for a failure's details.
describe_run() {
	echo "exit code $rc"
	sed 's/^/stdout: /' "$TMP/out" | cut -c 1-200 | head -n 20
	sed 's/^/stderr: /' "$TMP/err" | head -n 20
}

# expect_line DESCRIPTION LINE [mapreduce args]: the run prints LINE,
# exits 0 and prints nothing on stderr.
expect_line() {
	desc=$1 want=$2
	shift 2
	mr "$@"
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] &&
	    ! [ -s "$TMP/err" ]; then
		ok "$desc"
	else
		not_ok "$desc" "expected: $want" "$(describe_run)"
	fi
}

# expect_value DESCRIPTION VALUE [mapreduce args]: the run prints the
# sentence with VALUE, exits 0 and prints nothing on stderr.
expect_value() {
	desc=$1 value=$2
	shift 2
	expect_line "$desc" "Sum of the products equals $value" "$@"
}

# expect_sum DESCRIPTION [mapreduce args]: as expect_value, with the value
# that Python computes for the same ranges.
expect_sum() {
	desc=$1
	shift
	# shellcheck disable=SC2046
	value=$(ref_args "$@" | xargs "$PYTHON" "$REF") || {
		not_ok "$desc" "the reference failed for: $*"
		return
	}
	expect_value "$desc" "$value" "$@"
}

# copy_tree DIR: a clean copy of the source tree at DIR, to build and
# install apart from the tree under test.
copy_tree() {
	cp -Rp "$TOP" "$1"
	make -s -C "$1" distclean >/dev/null 2>&1
}

# build_with_mpi DESCRIPTION DIR MPICC MPIEXEC: one test, that mapreduce
# and worker build in a copy at DIR with another MPI.  The flags are plain,
# whatever an outer make passes down: check-sanitize's would sanitize that
# MPI too, and its libraries' leaks at exit are not ours.
build_with_mpi() {
	copy_tree "$2"
	if env -u MAKEFLAGS -u MFLAGS make -s -C "$2" MPICC="$3" \
	    MPIEXEC="$4" CFLAGS="-O2 -g" LDFLAGS= mapreduce worker \
	    >"$TMP/make.log" 2>&1; then
		ok "$1"
	else
		not_ok "$1" "$(tail -n 20 "$TMP/make.log")"
	fi
}

# expect_fail DESCRIPTION CODE PATTERN: the last run exited with CODE,
# printed nothing on stdout and one line on stderr that matches the
# extended regular expression PATTERN.
expect_fail() {
	if [ "$rc" -eq "$2" ] && ! [ -s "$TMP/out" ] &&
	    [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	    grep -Eq -- "$3" "$TMP/err"; then
		ok "$1"
	else
		not_ok "$1" "expected exit $2 and one line matching: $3" \
		    "$(describe_run)"
	fi
}
