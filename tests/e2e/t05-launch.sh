#!/bin/sh
# t05-launch.sh - how mapreduce is started and how it finds its worker
. "$(dirname "$0")/../lib.sh"

seed=$("$PYTHON" "$REF")

# MPICH 4.0.2 hangs forever when a singleton spawns: refuse, with the fix.
mr_alone -r 1:11 -w 2
expect_fail "without mpiexec: exit 2 and the command to use" 2 \
    "^mapreduce: not started by mpiexec; run: mpiexec -n 1 .*mapreduce -r 1:11 -w 2$"
mr_alone
expect_fail "without mpiexec, no -w: a universe size is suggested" 2 \
    "run: mpiexec -n 1 -usize [0-9]+ .*mapreduce$"

timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" -n 2 "$MR" >"$TMP/out" 2>"$TMP/err"
rc=$?
expect_fail "mpiexec -n 2: the manager runs alone" 2 \
    "started as 2 processes.*use 'mpiexec -n 1'"

# The worker beside the manager, wherever the pair is copied.
mkdir "$TMP/pair" "$TMP/alone"
cp "$TOP/mapreduce" "$TOP/worker" "$TMP/pair/"
MR=$TMP/pair/mapreduce expect_value "worker found beside a copied manager" "$seed"

MR=$TMP/pair/mapreduce MAPREDUCE_WORKER=$TOP/worker \
    expect_value "MAPREDUCE_WORKER" "$seed"
expect_value "--worker PATH, relative" "$seed" --worker ./worker

cp "$TOP/mapreduce" "$TMP/alone/"
if [ -e "$("$TOP/mapreduce" --help | sed -n 's|^ *\(/.*/worker\))$|\1|p')" ]; then
	skip "an installed worker exists, so none can be missing"
else
	MR=$TMP/alone/mapreduce mr
	expect_fail "no worker anywhere: exit 1" 1 \
	    "^mapreduce: no worker executable beside mapreduce nor in .*--worker PATH"
fi

timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" -n 1 "$TOP/worker" >"$TMP/out" 2>"$TMP/err"
rc=$?
expect_fail "the worker alone refuses to run" 2 "started by mapreduce"
done_testing
