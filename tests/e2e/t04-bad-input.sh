#!/bin/sh
# t04-bad-input.sh - bad input: one line, exit 2, nothing spawned, no hang
. "$(dirname "$0")/../lib.sh"

# A worker that only leaves a mark: if it ever runs, something was spawned.
spy=$TMP/spy-worker
printf '#!/bin/sh\ntouch "%s/spawned"\n' "$TMP" >"$spy"
chmod +x "$spy"
help="\(try 'mapreduce --help'\)$"

# Input is checked before MPI starts, so most cases run without mpiexec;
# BAD_UNDER_MPIEXEC=1 runs a case under mpiexec, to show that nothing is
# spawned there either.
bad() {
	desc=$1 pattern=$2
	shift 2
	if [ -n "${BAD_UNDER_MPIEXEC-}" ]; then
		mr --worker "$spy" "$@"
		desc="$desc, under mpiexec"
	else
		mr_alone --worker "$spy" "$@"
	fi
	expect_fail "$desc" 2 "^mapreduce: $pattern"
}

bad "malformed number" "bad range '1:x': STOP is not a decimal integer $help" \
    -r 1:x
BAD_UNDER_MPIEXEC=1 bad "malformed number" "bad range '1:x': STOP is not a" \
    -r 1:x
bad "blank inside a number" "bad range '1: 2': STOP is not a decimal" -r "1: 2"
bad "zero step" "bad range '1:10:0': STEP must not be zero $help" -r 1:10:0
bad "missing STOP" "bad range '5': expected START:STOP" -r 5
bad "empty field" "bad range ':5': START is empty" -r :5
bad "too many fields" "bad range '1:2:3:4': too many fields" -r 1:2:3:4
bad "bound above INT64_MAX" "bad range '0:9223372036854775808': STOP is out of the 64-bit signed range" \
    -r 0:9223372036854775808
bad "bound below INT64_MIN" "bad range '-9223372036854775809:0': START is out" \
    -r -9223372036854775809:0
bad "unknown short option" "unknown option '-x' $help" -x
bad "unknown long option" "unknown option '--bogus' $help" --bogus
bad "option without its argument" "option '-r' needs an argument" -r
bad "long option without its argument" "option '--range' needs an argument" \
    --range
bad "long option with an unwanted value" "option '--truncate' takes no argument" \
    --truncate=1
bad "ambiguous abbreviation" "ambiguous option '--w'" --w 3
bad "unknown option in a group" "unknown option '-x'" -xt
bad "a newline stays inside the one line" "bad range '1\?:5': START is not" -r "1
:5"
bad "stray argument" "unexpected argument 'extra' $help" -r 1:3 extra
bad "-w 0" "bad worker count '0': must be 1 to 1048576 $help" -w 0
BAD_UNDER_MPIEXEC=1 bad "-w 0" "bad worker count '0'" -w 0
bad "-w -3" "bad worker count '-3': must be 1 to" -w -3
bad "-w abc" "bad worker count 'abc': not a decimal integer" -w abc
bad "-w beyond the limit" "bad worker count '1048577'" -w 1048577
bad "--timeout 0" "bad timeout '0': must be 1 to 31536000 seconds $help" \
    --timeout 0
bad "--timeout 1.5" "bad timeout '1.5': must be 1 to" --timeout 1.5
bad "lengths differ" "ranges 1 and 2 differ in length: 5 and 100 elements .*--truncate" \
    -r 0:5 -r 0:100
BAD_UNDER_MPIEXEC=1 bad "lengths differ" "ranges 1 and 2 differ in length" \
    -r 0:5 -r 0:100
bad "lengths differ, third range" "ranges 1 and 3 differ in length: 5 and 4" \
    -r 0:5 -r 1:6 -r 0:4

mr_alone --worker "$TMP/no-such-worker"
expect_fail "missing --worker" 2 "^mapreduce: bad worker '.*no-such-worker' from --worker: No such file"
touch "$TMP/not-executable"
mr_alone --worker "$TMP/not-executable"
expect_fail "non-executable --worker" 2 "from --worker: not executable$"
mr_alone --worker "$TMP"
expect_fail "a directory as --worker" 2 "from --worker: not a regular file$"
MAPREDUCE_WORKER=$TMP/not-executable mr_alone
expect_fail "bad MAPREDUCE_WORKER" 2 "from MAPREDUCE_WORKER: not executable$"

if [ -e "$TMP/spawned" ]; then
	not_ok "bad input spawns nothing" "the spy worker ran"
else
	ok "bad input spawns nothing"
fi

mr_alone --help
if [ "$rc" -eq 0 ] && grep -q '^usage: mapreduce' "$TMP/out" &&
    grep -q '^  2  bad command line' "$TMP/out" && ! [ -s "$TMP/err" ]; then
	ok "--help: usage and exit codes on stdout, exit 0"
else
	not_ok "--help: usage and exit codes on stdout, exit 0" "$(describe_run)"
fi
mr_alone --version
if [ "$rc" -eq 0 ] && grep -q '^mapreduce [0-9]' "$TMP/out"; then
	ok "--version"
else
	not_ok "--version" "$(describe_run)"
fi
done_testing
