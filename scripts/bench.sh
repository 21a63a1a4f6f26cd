#!/bin/sh
# bench.sh - wall time and peak memory of typical runs, as a table (make bench)
#
# usage: MPIEXEC=path scripts/bench.sh     (make bench sets MPIEXEC)
#
# Each time is the median of REPEAT runs (default 3).  Peak RSS is measured
# per process with GNU time(1): the manager directly, the workers through a
# wrapper given as --worker.  Timings on a busy or small machine are noisy;
# compare rows of one run with each other.

set -eu
: "${MPIEXEC:?set MPIEXEC to the mpiexec to run with (make bench does)}"
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-3}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench.sh: needs GNU time ($TIME)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mapreduce-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The wrapper records each worker's peak RSS in kB, one file per process.
cat >"$tmp/worker" <<EOW
#!/bin/sh
exec $TIME -f %M -o "$tmp/rss.worker.\$\$" "$PWD/worker" "\$@"
EOW
chmod +x "$tmp/worker"

# run LABEL USIZE ELEMENTS [mapreduce args]: one table row.
run() {
	label=$1 usize=$2 elements=$3
	shift 3
	times=
	for i in $(seq "$REPEAT"); do
		rm -f "$tmp"/rss.*
		start=$(date +%s.%N)
		timeout 600 "$MPIEXEC" -n 1 -usize "$usize" \
		    "$TIME" -f %M -o "$tmp/rss.manager" ./mapreduce \
		    --worker "$tmp/worker" -v "$@" >"$tmp/out" 2>"$tmp/err" || {
			echo "bench.sh: '$label' failed:" >&2
			cat "$tmp/err" >&2
			exit 1
		}
		end=$(date +%s.%N)
		times="$times $(echo "$end - $start" | bc)"
	done
	median=$(printf '%s\n' $times | sort -n |
	    awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
	workers=$(sed -n 's/^mapreduce: \([0-9]*\) worker.*/\1/p' "$tmp/err")
	wrss=$(cat "$tmp"/rss.worker.* | sort -n | tail -n 1)
	printf '| %-34s | %7s | %12s | %8.3f | %10s | %10s |\n' "$label" \
	    "$workers" "$elements" "$median" "$(cat "$tmp/rss.manager")" "$wrss"
}

echo "mapreduce benchmark, $(date -u +%Y-%m-%d), $(nproc) cores," \
    "median of $REPEAT runs"
echo
printf '| %-34s | %7s | %12s | %8s | %10s | %10s |\n' case workers elements \
    "wall s" "manager kB" "worker kB"
echo "|------------------------------------|---------|--------------|----------|------------|------------|"
run "card: -usize 17, the seed" 17 100
run "two ranges of 10^9, -w 2" 3 1000000000 -w 2 -r 0:1000000000 -r 0:1000000000
for e in 3 6 9 10; do
	n=$(echo "10^$e" | bc)
	run "memory: two ranges of 10^$e, -w 2" 3 "$n" -w 2 -r 0:"$n" -r 0:"$n"
done
