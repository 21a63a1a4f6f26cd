#!/bin/sh
# t07-random.sh - random range sets from a seed, checked against Python
#
# SEED (default 1) and COUNT (default 50) choose the cases, which
# tests/random-cases.py makes with their expected sums; a failure names its
# seed and its command line, so any case can be run again by hand.
. "$(dirname "$0")/../lib.sh"

SEED=${SEED:-1}
COUNT=${COUNT:-50}

echo "# seed $SEED, $COUNT cases"
if ! "$PYTHON" "$TOP/tests/random-cases.py" "$SEED" "$COUNT" \
    >"$TMP/cases" 2>"$TMP/gen-err"; then
	not_ok "random-cases.py $SEED $COUNT" "$(cat "$TMP/gen-err")"
	done_testing
	exit
fi

# The arguments hold no blank nor glob character: split them as words.
set -f
tab=$(printf '\t')
k=0
while IFS=$tab read -r expected args <&3; do
	k=$((k + 1))
	# shellcheck disable=SC2086
	set -- $args
	# mpiexec reads stdin: keep it away from the list of cases.
	expect_value "case $k (seed $SEED): $args" "$expected" "$@" </dev/null
done 3<"$TMP/cases"

[ "$k" -eq "$COUNT" ] ||
	not_ok "random-cases.py $SEED $COUNT printed $k cases"
done_testing
