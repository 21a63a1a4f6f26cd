#!/bin/sh
# t11-openmpi.sh - the tool built with Open MPI: spawn and static launch, in make check
#
# A copy of the tree is built with Debian's Open MPI 4.1 (libopenmpi-dev,
# which scripts/install-deps.sh --dev installs); skipped where it is not
# installed.  A smoke test, so that make check notices an Open MPI break:
# make check-openmpi runs the whole end-to-end suite with Open MPI.
. "$(dirname "$0")/../lib.sh"

if [ "$MPI_FLAVOUR" = openmpi ]; then
	skip "the MPI under test is Open MPI already: the whole suite runs on it"
	done_testing
	exit
fi

OMPI_MPICC=${OMPI_MPICC:-/usr/bin/mpicc.openmpi}
OMPI_MPIEXEC=${OMPI_MPIEXEC:-/usr/bin/mpiexec.openmpi}
if ! [ -x "$OMPI_MPICC" ] || ! [ -x "$OMPI_MPIEXEC" ] ||
    ! [ -e /usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h ]; then
	skip "no $OMPI_MPICC with its headers (libopenmpi-dev)"
	done_testing
	exit
fi
# As root, Open MPI wants these; on 2 cores it wants oversubscription.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1

src=$TMP/src
build_with_mpi "builds with Open MPI" "$src" "$OMPI_MPICC" "$OMPI_MPIEXEC"

MPIEXEC=$OMPI_MPIEXEC
MR=$src/mapreduce
expect_sum "spawn: the seed on 2 workers" -w 2

want="Sum of the products equals $("$PYTHON" "$REF" 1:1001 -5:2995:3)"
timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" -n 1 "$MR" -r 1:1001 -r -5:2995:3 : \
    -n 2 "$src/worker" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ]; then
	ok "static launch: mpiexec -n 1 mapreduce : -n 2 worker"
else
	not_ok "static launch: mpiexec -n 1 mapreduce : -n 2 worker" \
	    "$(describe_run)"
fi
done_testing
