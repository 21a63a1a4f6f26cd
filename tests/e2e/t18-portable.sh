#!/bin/sh
# t18-portable.sh - t18's random -e expressions on the portable paths of the arithmetic
#
# MAPREDUCE_PORTABLE=1 turns the x86 fast paths off (cpu.h), in the
# manager and the workers alike, so that make check tests their portable
# twins on any CPU: here the plain copies of the expression's loops over
# arrays (vec.c), the plain exact sum of doubles (dsum.c) and the plain
# reduce of batches.  Another seed than t18's own, fewer cases; SEED and
# EXPR_COUNT choose others.
MAPREDUCE_PORTABLE=1 SEED=${SEED:-2} EXPR_COUNT=${EXPR_COUNT:-60} \
    exec "$(dirname "$0")/t18-expr-random.sh"
