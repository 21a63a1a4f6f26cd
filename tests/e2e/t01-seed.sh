#!/bin/sh
# t01-seed.sh - the design card's command prints the seed's sentence exactly
. "$(dirname "$0")/../lib.sh"

seed=$("$PYTHON" -c '
from functools import reduce
print(reduce(lambda x, y: x + y, map(lambda x, y: x * y, range(1, 101), range(101, 201))))')

USIZE=17 expect_value "mpiexec -n 1 $(usize_args 17) ./mapreduce" "$seed"
USIZE=17 expect_value "explicit default ranges" "$seed" -r 1:101 -r 101:201
USIZE=17 expect_value "long options" "$seed" --range=1:101 --range 101:201

USIZE=17 mr -v
if [ "$rc" -eq 0 ] && grep -q "^mapreduce: 16 workers of '.*/worker' share 100 elements$" \
    "$TMP/err"; then
	ok "$(usize_args 17) gives 16 workers"
else
	not_ok "$(usize_args 17) gives 16 workers" "$(describe_run)"
fi
done_testing
