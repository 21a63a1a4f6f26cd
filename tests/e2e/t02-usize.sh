#!/bin/sh
# t02-usize.sh - every universe size from 1 to 17: usize - 1 workers, same sum
. "$(dirname "$0")/../lib.sh"

want="Sum of the products equals $("$PYTHON" "$REF" 1:101 101:201)"
for u in $(seq 1 17); do
	workers=$((u > 1 ? u - 1 : 1))
	USIZE=$u mr -v
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] &&
	    grep -q "^mapreduce: $workers workers\{0,1\} of " "$TMP/err"; then
		ok "$(usize_args "$u"): $workers worker(s), the seed's sum"
	else
		not_ok "$(usize_args "$u"): $workers worker(s), the seed's sum" \
		    "$(describe_run)"
	fi
done
expect_sum "no -usize: one worker" -r 1:101 -r 101:201
done_testing
