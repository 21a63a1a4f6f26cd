#!/bin/sh
# lib.sh - the arithmetic and formatting that bench/run.sh and
# bench/kernels.sh share (sourced; POSIX sh, awk)
#
# median needs $tmp, the caller's scratch directory, with NAME.times files.

# median NAME: the median wall time of NAME's runs.
median() {
	sort -n "$tmp/$1.times" |
	    awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

# calc EXPR: floating-point arithmetic.
calc() {
	awk "BEGIN { printf \"%.6g\\n\", ($1) }"
}

# judge VALUE OP LIMIT: met or missed.
judge() {
	awk "BEGIN { print ($1 $2 $3) ? \"met\" : \"missed\" }"
}

# sci N: N as 4×10^9.
sci() {
	awk -v n="$1" 'BEGIN {
		for (e = 0; n >= 10 && n % 10 == 0; e++)
			n /= 10
		if (e < 3)
			print n * 10 ^ e
		else if (n == 1)
			print "10^" e
		else
			print n "×10^" e }'
}

# rate R: R elements/s, readable.
rate() {
	[ -n "$1" ] || { echo -; return; }
	awk -v r="$1" 'BEGIN {
		if (r >= 1e9) printf "%.2f G/s\n", r / 1e9
		else if (r >= 1e6) printf "%.2f M/s\n", r / 1e6
		else if (r >= 1e3) printf "%.2f k/s\n", r / 1e3
		else printf "%.0f /s\n", r }'
}
