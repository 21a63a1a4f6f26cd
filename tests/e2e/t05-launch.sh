#!/bin/sh
# t05-launch.sh - how mapreduce is started and how it finds its worker
. "$(dirname "$0")/../lib.sh"

seed=$("$PYTHON" "$REF")

# MPICH 4.0.2 hangs forever when a singleton spawns: without mpiexec, the
# manager starts itself again under the mpiexec it was built with.
mr_alone -r 1:11 -w 2
want="Sum of the products equals $("$PYTHON" "$REF" 1:11)"
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] && ! [ -s "$TMP/err" ]
then
	ok "without mpiexec: the same answer as under mpiexec"
else
	not_ok "without mpiexec: the same answer as under mpiexec" \
	    "$(describe_run)"
fi
cores=$(getconf _NPROCESSORS_ONLN)
mr_alone -v
if [ "$rc" -eq 0 ] &&
    grep -q "^mapreduce: $cores workers\{0,1\} of " "$TMP/err"; then
	ok "without mpiexec and -w: one worker per processor ($cores)"
else
	not_ok "without mpiexec and -w: one worker per processor ($cores)" \
	    "$(describe_run)"
fi

mkdir "$TMP/it's here"
cp "$TOP/worker" "$TMP/it's here/"
MAPREDUCE_MPIEXEC=$TMP/no-mpiexec mr_alone -w 1 --worker "$TMP/it's here/worker"
expect_fail "no mpiexec to start under: exit 1 and the command to use" 1 \
    "cannot run '.*/no-mpiexec': No such file or directory; run: mpiexec -n 1 (--oversubscribe |-disable-auto-cleanup )?[^ ]*/mapreduce -w 1 --worker '[^ ]*/it'\\\\''s here/worker'$"
MAPREDUCE_REEXEC=1 mr_alone -w 1
expect_fail "started again without a process manager: no loop" 1 \
    "started mapreduce without the process manager"

# mpiexec -n 2 is a static launch: rank 1 works (more in t09-static.sh).
timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" -n 2 "$MR" -r 1:11 >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "Sum of the products equals $("$PYTHON" "$REF" 1:11)" ]
then
	ok "mpiexec -n 2 mapreduce: rank 1 is the worker"
else
	not_ok "mpiexec -n 2 mapreduce: rank 1 is the worker" "$(describe_run)"
fi

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

# Anything else spawned as a worker would leave MPI_Comm_spawn waiting.  The
# probe runs before MPI starts: no mpiexec needed to see it refuse.
mr_alone --worker /bin/true
expect_fail "an executable that is no worker: refused before spawning" 2 \
    "'/(usr/)?bin/true' is not a worker of this mapreduce: it does not answer '--probe'"
printf '#!/bin/sh\necho mapreduce-worker protocol 999\n' >"$TMP/old-worker"
chmod +x "$TMP/old-worker"
mr_alone --worker "$TMP/old-worker"
expect_fail "a worker of another protocol version: refused" 2 \
    "it answers 'mapreduce-worker protocol 999', this mapreduce speaks protocol [0-9]+ \(another build\?\)$"
printf '#!/bin/sh\nexec sleep 60\n' >"$TMP/mute-worker"
chmod +x "$TMP/mute-worker"
mr --worker "$TMP/mute-worker"
expect_fail "a worker that does not answer: refused after 5 s" 2 \
    "did not answer '--probe' within 5 s$"

timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" -n 1 "$TOP/worker" >"$TMP/out" 2>"$TMP/err"
rc=$?
expect_fail "the worker alone refuses to run" 2 "started by mapreduce"
done_testing
