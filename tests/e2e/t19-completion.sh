#!/bin/sh
# t19-completion.sh - the bash completion (contrib/bash-completion) offers
# what the tool takes
#
# Under Debian's bash-completion (scripts/install-deps.sh --dev installs
# it), the completion function runs with COMP_WORDS and COMP_CWORD set as
# bash sets them at a TAB, and its COMPREPLY is compared with lists taken
# from the tool itself: the options from --help and from cli.c's option
# table (which ones take a value), the words of -m, -R, --schedule and
# --format from the tool's own "one of ..." message.  So an option or a
# word added to the tool without its completion fails here.
. "$(dirname "$0")/../lib.sh"

BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
COMPLETION=$TOP/contrib/bash-completion
if ! command -v bash >/dev/null || ! [ -f "$BASH_COMPLETION" ]; then
	skip "no $BASH_COMPLETION (bash-completion: scripts/install-deps.sh --dev)"
	done_testing
	exit
fi

# tab WORD...: what a TAB offers at the end of the command line
# "WORD...", the last word being the one under the cursor (may be empty):
# COMPREPLY, one per line, sorted, in $TMP/got.  It runs in $TMP/files.
cat >"$TMP/complete.bash" <<'EOF'
. "$1" || exit 1
. "$2" || exit 1
shift 2
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
COMP_TYPE=9
COMPREPLY=()
f=$(complete -p mapreduce | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
[ -n "$f" ] || { echo "no completion function for mapreduce" >&2; exit 1; }
"$f" mapreduce "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
for w in "${COMPREPLY[@]}"; do
	printf '%s\n' "$w"
done
EOF
mkdir -p "$TMP/files/examples.d" "$TMP/files/empty"
for f in example.so example.py example.c other.so other.py exec-me; do
	: >"$TMP/files/$f"
done
chmod +x "$TMP/files/exec-me"
tab() {
	(cd "$TMP/files" && env -i HOME="$TMP" PATH=/usr/bin:/bin bash \
	    "$TMP/complete.bash" "$BASH_COMPLETION" "$COMPLETION" mapreduce \
	    "$@" 2>"$TMP/complete.err" | LC_ALL=C sort >"$TMP/got")
}

# expect DESCRIPTION EXPECTED WORD...: a TAB after WORD... offers exactly
# the words of EXPECTED (blank-separated).
expect() {
	desc=$1
	printf '%s\n' $2 | sed '/^$/d' | LC_ALL=C sort >"$TMP/want"
	shift 2
	tab "$@"
	if cmp -s "$TMP/want" "$TMP/got" && ! [ -s "$TMP/complete.err" ]; then
		ok "$desc"
	else
		not_ok "$desc" "offered: $(echo $(cat "$TMP/got"))" \
		    "expected: $(echo $(cat "$TMP/want"))" \
		    "$(cat "$TMP/complete.err")"
	fi
}

# The options of --help: the lines of its options section that start with
# one ("  -r, --range ...", "      --batch ...").
help_opts=$("$MR" --help | sed -n '/^options:/,/^$/p' |
    grep -E '^  (-[A-Za-z], )?--[a-z]|^      --[a-z]' |
    grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z-]*' | tr -d ',' | xargs)
# cli.c's: the long options of its table, each with whether it takes a
# value, and the short ones of its getopt string.
cli=$TOP/cli.c
long_valued=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)",[[:space:]]*required_argument.*/--\1/p' "$cli" | xargs)
long_flags=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)",[[:space:]]*no_argument.*/--\1/p' "$cli" | xargs)
optstring=$(sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' "$cli" |
    tr -d '+')
optstring=${optstring#:}
short_valued=$(printf '%s\n' "$optstring" | grep -oE '[A-Za-z]:' |
    sed 's/^/-/; s/:$//' | xargs)
short_flags=$(printf '%s\n' "$optstring" | sed 's/[A-Za-z]://g' |
    grep -oE '[A-Za-z]' | sed 's/^/-/' | xargs)
all=$(printf '%s\n' $help_opts $long_valued $long_flags $short_valued \
    $short_flags | LC_ALL=C sort -u | xargs)
if [ -z "$help_opts" ] || [ -z "$long_valued" ] || [ -z "$short_flags" ]; then
	not_ok "the options read from --help and cli.c" \
	    "help: $help_opts" "valued: $long_valued $short_valued" \
	    "flags: $long_flags $short_flags"
fi

expect "TAB after the command: every option of --help and cli.c" "$all" ""
expect "-<TAB>: every option" "$all" -
expect "--fo<TAB>: --format" \
    "$(printf '%s\n' $all | grep -- '^--fo' | xargs)" --fo
expect "--w<TAB>: --workers, --worker" \
    "$(printf '%s\n' $all | grep -- '^--w' | xargs)" --w

# words OPTION: the words the tool takes after OPTION, from its message
# for a word it does not take: "... one of a, b, c (try ...)".
words() {
	"$MR" "$1" '?' 2>&1 | sed -n 's/.*: one of \(.*\) (try .*/\1/p' |
	    tr -d ','
}
for o in -m --map -R --reduce --schedule --format; do
	w=$(words "$o")
	if [ -z "$w" ]; then
		not_ok "the words of $o, from the tool's message" \
		    "$("$MR" "$o" '?' 2>&1)"
		continue
	fi
	case $o in
	-R | --reduce)	# or FILE.py:FUNC: the .py files and the directories
		expect "$o <TAB>: $w, *.py, directories" \
		    "$w empty example.py examples.d other.py" "$o" "" ;;
	*)	expect "$o <TAB>: $w" "$w" "$o" "" ;;
	esac
done
fmt=$(words --format)
first=${fmt%% *}
expect "--format=${first%"${first#?}"}<TAB>: $first" "$first" \
    "--format=${first%"${first#?}"}"
expect "-m s<TAB>: the words of -m that start with s" \
    "$(printf '%s\n' $(words -m) | grep '^s' | xargs)" -m s

# -k: shared objects and Python files, and directories to go into.
expect "-k ex<TAB>: example.so example.py examples.d/ (no example.c)" \
    "example.py example.so examples.d" -k ex
expect "--kernel <TAB>: *.so, *.py, directories" \
    "empty example.py example.so examples.d other.py other.so" --kernel ""
expect "--worker ex<TAB>: any file" \
    "example.c example.py example.so examples.d exec-me" --worker ex

# Every option that takes a value: nothing but its value after it (no
# option offered); every one that does not: the options again.
for o in $long_valued $short_valued; do
	tab "$o" ""
	if grep -q '^-' "$TMP/got" || [ -s "$TMP/complete.err" ]; then
		not_ok "$o takes a value: no option offered after it" \
		    "offered: $(echo $(cat "$TMP/got"))" \
		    "$(cat "$TMP/complete.err")"
	else
		ok "$o takes a value: no option offered after it"
	fi
done
for o in $long_flags $short_flags; do
	expect "$o takes no value: the options offered after it" "$all" "$o" ""
done
expect "-r 1:101 -v <TAB>: the options again" "$all" -r 1:101 -v ""
# mapreduce takes no operands, so nothing after -- (it refuses any).
expect "-w 1 -- <TAB>: nothing" "" -w 1 -- ""
expect "-- -<TAB>: nothing" "" -- -
done_testing
