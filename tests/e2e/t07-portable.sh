#!/bin/sh
# t07-portable.sh - t07's random range sets on the portable paths of the arithmetic
#
# MAPREDUCE_PORTABLE=1 turns the x86 fast paths off (cpu.h), in the
# manager and the workers alike, so that make check tests their portable
# twins on any CPU: here the int128 kernel instead of the AVX2 one, and the
# plain reduce of a kernel's batches.  Another seed than t07's own, fewer
# cases; SEED and COUNT choose others.
MAPREDUCE_PORTABLE=1 SEED=${SEED:-2} COUNT=${COUNT:-20} \
    exec "$(dirname "$0")/t07-random.sh"
