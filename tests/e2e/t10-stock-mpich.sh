#!/bin/sh
# t10-stock-mpich.sh - with an MPI that cannot spawn: one clear line, and the static launch works
#
# Debian's own MPICH build (package mpich, device ch4:ucx) has no dynamic
# processes.  A copy of the tree is built against it, so that the tree
# under test stays as it is.  Skipped where that MPICH is not installed
# (scripts/install-deps.sh --dev installs it).
. "$(dirname "$0")/../lib.sh"

if [ "$MPI_FLAVOUR" = openmpi ]; then
	skip "Debian's MPICH is tested apart from the MPI under test:" \
	    "make check runs this"
	done_testing
	exit
fi

STOCK_MPICC=${STOCK_MPICC:-/usr/bin/mpicc.mpich}
STOCK_MPIEXEC=${STOCK_MPIEXEC:-/usr/bin/mpiexec.mpich}
if ! [ -x "$STOCK_MPICC" ] || ! [ -x "$STOCK_MPIEXEC" ]; then
	skip "no $STOCK_MPICC (Debian's mpich, libmpich-dev)"
	done_testing
	exit
fi

src=$TMP/src
build_with_mpi "builds with Debian's MPICH (ch4:ucx)" "$src" "$STOCK_MPICC" \
    "$STOCK_MPIEXEC"

MPIEXEC=$STOCK_MPIEXEC MR=$src/mapreduce mr -w 2 -r 1:11
expect_fail "spawn unsupported: one line that names the static launch" 1 \
    "^mapreduce: cannot spawn 2 workers of '$src/worker': .*; if this MPI cannot spawn, start them with the manager: mpiexec -n 1 mapreduce ARGS : -n 2 $src/worker$"

want="Sum of the products equals $("$PYTHON" "$REF" 1:11 5:15)"
timeout -k 5 "$RUN_TIMEOUT" "$STOCK_MPIEXEC" -n 1 "$src/mapreduce" -r 1:11 \
    -r 5:15 : -n 2 "$src/worker" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ]; then
	ok "the static launch works where spawn does not"
else
	not_ok "the static launch works where spawn does not" "$(describe_run)"
fi
done_testing
