#!/bin/sh
# valgrind.sh - memcheck on the unit tests and on a few real runs (make check-valgrind)
#
# Every process runs under valgrind: the manager directly, the workers
# through a wrapper given as --worker.  A test passes when memcheck reports
# no error and no definite or indirect leak outside tests/valgrind.supp.
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"

VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full"
VALGRIND="$VALGRIND --errors-for-leak-kinds=definite,indirect"
VALGRIND="$VALGRIND --suppressions=$TOP/tests/valgrind.supp"
RUN_TIMEOUT=300

for t in t-range t-arith t-kernel t-dsum t-journal; do
	if T_KERNEL_QUICK=1 $VALGRIND --log-file="$TMP/vg.log" \
	    "$TOP/tests/unit/$t" >/dev/null
	then
		ok "memcheck: unit test $t"
	else
		not_ok "memcheck: unit test $t" "$(head -n 30 "$TMP/vg.log")"
	fi
done

cat >"$TMP/worker" <<EOW
#!/bin/sh
exec $VALGRIND --log-file="$TMP/vg.worker.%p" "$TOP/worker" "\$@"
EOW
chmod +x "$TMP/worker"

# vg_run DESCRIPTION [mapreduce args]: the run must also match Python.
vg_run() {
	desc=$1
	shift
	rm -f "$TMP"/vg.*
	want=$(ref_args "$@" | xargs "$PYTHON" "$REF")
	timeout -k 5 "$RUN_TIMEOUT" "$MPIEXEC" -n 1 $VALGRIND \
	    --log-file="$TMP/vg.manager.%p" "$MR" --worker "$TMP/worker" "$@" \
	    >"$TMP/out" 2>"$TMP/err"
	rc=$?
	reports=$(cat "$TMP"/vg.* 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ -z "$reports" ] &&
	    [ "$(cat "$TMP/out")" = "Sum of the products equals $want" ]; then
		ok "memcheck: $desc"
	else
		not_ok "memcheck: $desc" "$(describe_run)" \
		    "$(printf '%s\n' "$reports" | head -n 40)"
	fi
}

vg_run "the seed on 3 workers" -w 3
vg_run "arity 3 beyond 2^128 on 2 workers" -w 2 \
    -r 9223372036854775807:0:-100000000000000 \
    -r -9223372036854775808:0:100000000000000 \
    -r 9223372036854775807:0:-100000000000000
vg_run "empty ranges, more workers than elements" -w 4 -r 0:0 -r 5:5
vg_run "a checkpointed run of 10 chunks on 2 workers" -w 2 \
    --schedule dynamic --chunk 100 --checkpoint "$TMP/ck" -r 1:1001 -r 7:1007
vg_run "the same again, answered from its checkpoint" -w 2 \
    --checkpoint "$TMP/ck" -r 1:1001 -r 7:1007

rm -f "$TMP"/vg.*
timeout -k 5 "$RUN_TIMEOUT" $VALGRIND --log-file="$TMP/vg.bad" "$MR" -r 1:x \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 2 ] && ! [ -s "$TMP/vg.bad" ]; then
	ok "memcheck: bad input"
else
	not_ok "memcheck: bad input" "$(describe_run)" "$(cat "$TMP/vg.bad")"
fi
done_testing
