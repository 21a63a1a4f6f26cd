#!/bin/sh
# t11-openmpi.sh - the tool built with Open MPI: spawn, static launch, answers as Python's
#
# A copy of the tree is built with Debian's Open MPI 4.1 (libopenmpi-dev,
# which scripts/install-deps.sh --dev installs); skipped where it is not
# installed.  Open MPI's mpiexec has no -usize, so every run gives -w.
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
max=9223372036854775807
min=-9223372036854775808
expect_sum "spawn: the seed on 2 workers" -w 2
expect_sum "spawn: arity 3, negative steps" -w 3 -r 1:11 -r 0:20:2 -r 10:0:-1
expect_sum "spawn: beyond 2^128" -w 2 -r "$min:$max:1000000000000000" \
    -r "$min:$max:1000000000000000"
expect_sum "spawn: more workers than elements" -w 4 -r 0:2 -r 5:7

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

# Random range sets against Python, as t07 does with MPICH.
TEST_MAPREDUCE=$MR MPIEXEC=$OMPI_MPIEXEC SEED=11 COUNT=20 \
    "$TOP/tests/e2e/t07-random.sh" \
    >"$TMP/random.log" 2>&1
if [ "$(grep -c '^ok ' "$TMP/random.log")" -eq 20 ] &&
    ! grep -q '^not ok' "$TMP/random.log"; then
	ok "20 random range sets (seed 11) against Python"
else
	not_ok "20 random range sets (seed 11) against Python" \
	    "$(grep -A4 '^not ok' "$TMP/random.log" | head -n 20)"
fi
done_testing
