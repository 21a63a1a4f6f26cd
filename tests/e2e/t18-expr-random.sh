#!/bin/sh
# t18-expr-random.sh - random -e expressions from a seed, checked against CPython
#
# SEED (default 1) and EXPR_COUNT (default 200; make check-sanitize and
# check-openmpi take 60, their runs being slower) choose the cases, MAXLEN
# (default 50) their most elements; tests/expr-random.py makes them, runs
# them one by one (JOBS at once, default 1) and compares with
# tests/expr-ref.py, that is with CPython evaluating the same expression:
# every operator and function, ints near and far past 2**63, floats,
# bools, chained comparisons, conditionals, and/or, negative steps, empty
# and one-element ranges, each reduce.  A failure shows its
# command line, so any case can be run again by hand;
# `tests/expr-random.py --list SEED COUNT` prints the cases alone.
. "$(dirname "$0")/../lib.sh"

SEED=${SEED:-1}
COUNT=${EXPR_COUNT:-200}
EXPR_PYTHON=${EXPR_PYTHON:-/usr/bin/python3}

if ! "$MR" --help 2>/dev/null | grep -q -- --expr; then
	skip "mapreduce has no -e/--expr yet"
	done_testing
	exit
fi
MAPREDUCE=$MR RUN_TIMEOUT=$RUN_TIMEOUT JOBS=${JOBS:-1} MAXLEN=${MAXLEN:-50} \
    MPIEXEC=$MPIEXEC \
    exec "$EXPR_PYTHON" "$TOP/tests/expr-random.py" "$SEED" "$COUNT"
