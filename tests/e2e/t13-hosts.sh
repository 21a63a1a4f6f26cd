#!/bin/sh
# t13-hosts.sh - workers on other hosts: network namespaces, hydra's ssh into them
#
# Two network namespaces, mrhost1 (10.77.0.11) and mrhost2 (10.77.0.12),
# hang on a bridge mrbr0 (10.77.0.1/24) in this namespace, which plays the
# launching host.  mpiexec reaches them through tests/hosts-launch.sh in
# place of ssh and runs the manager here, the workers there, all talking
# TCP over the bridge as on a cluster.  No traffic goes anywhere else: the
# namespaces have no other interface and no route out.  Each worker starts
# through a wrapper that records its network namespace (/proc/self/ns/net)
# before it becomes the worker, so that the hosts it ran on are known, not
# assumed.
#
# Everything is removed on every exit path, and first of all, in case a run
# killed outright (SIGKILL) left it behind; a lock keeps two runs of this
# test on one machine from tearing down each other's hosts.  Skipped where
# namespaces cannot be made: not root, no ip(8), an mpiexec that is not
# hydra, or 10.77.0.0/24 already used here.
. "$(dirname "$0")/../lib.sh"

NET=10.77.0.0/24
HERE=10.77.0.1		# the bridge: mpiexec's and the manager's host
IP1=10.77.0.11		# mrhost1
IP2=10.77.0.12		# mrhost2
HOSTS_TIMEOUT=${HOSTS_TIMEOUT:-30}	# seconds for one mpiexec

# teardown: the processes left in the namespaces (only this test starts
# any there), then the links, the namespaces and the bridge.
teardown() {
	for ns in mrhost1 mrhost2; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill -9 $pids 2>/dev/null
		ip link del "mrveth${ns#mrhost}" 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	ip link del mrbr0 2>/dev/null
}

# add_host N IP: namespace mrhostN, its end of a veth pair named eth0
# there and mrvethN on the bridge, and lo, all up.
add_host() {
	ip netns add "mrhost$1" &&
	    ip link add "mrveth$1" type veth peer name eth0 netns "mrhost$1" &&
	    ip link set "mrveth$1" master mrbr0 up &&
	    ip -n "mrhost$1" addr add "$2/24" dev eth0 &&
	    ip -n "mrhost$1" link set eth0 up &&
	    ip -n "mrhost$1" link set lo up
}

# set_up: the bridge and both hosts, or a reason on stdout why not.
set_up() {
	if [ -n "$(ip -4 -o addr show to "$NET")" ] ||
	    [ -n "$(ip -4 route show root "$NET")" ]; then
		echo "$NET is already in use on this machine"
		return
	fi
	{ ip link add mrbr0 type bridge &&
	    ip addr add "$HERE/24" dev mrbr0 && ip link set mrbr0 up &&
	    add_host 1 "$IP1" && add_host 2 "$IP2"; } 2>"$TMP/ip.err" ||
	    echo "cannot make the hosts: $(head -n 1 "$TMP/ip.err")"
}

why=
if [ "$(id -u)" -ne 0 ]; then
	why="not root: network namespaces need root"
elif ! command -v ip >/dev/null; then
	why="no ip(8) (iproute2)"
elif ! "$MPIEXEC" -info 2>/dev/null | grep -q HYDRA; then
	why="$MPIEXEC is not MPICH's hydra"
fi
lock=/run/lock/mapreduce-t13-hosts.lock
[ -d /run/lock ] || lock=/tmp/mapreduce-t13-hosts.lock
if [ -z "$why" ] && command -v flock >/dev/null &&
    touch "$lock" 2>/dev/null; then
	exec 9>>"$lock"	# not passed on to mpiexec (9>&- below)
	flock -w 120 9 || why="another run of this test holds $lock"
fi
if [ -z "$why" ]; then
	trap 'teardown; rm -rf "$TMP"' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	teardown
	why=$(set_up)
fi
if [ -n "$why" ]; then
	skip "$why"
	done_testing
	exit
fi

# The worker as spawned or started, after it wrote down where it runs.
mkdir "$TMP/bin" "$TMP/where"
cat >"$TMP/bin/worker" <<EOF
#!/bin/sh
[ "\$1" = --probe ] || stat -L -c %i /proc/self/ns/net >"$TMP/where/\$\$"
exec "$TOP/worker" "\$@"
EOF
chmod +x "$TMP/bin/worker"
WORKER=$TMP/bin/worker

# on_hosts HOSTS [mpiexec args]: mpiexec through hosts-launch.sh onto
# HOSTS (hydra's -hosts: ADDRESS:SLOTS,...); sets rc, $TMP/out, $TMP/err.
on_hosts() {
	hosts=$1
	shift
	rm -f "$TMP/where/"*
	timeout -k 5 "$HOSTS_TIMEOUT" "$MPIEXEC" -launcher ssh \
	    -launcher-exec "$TOP/tests/hosts-launch.sh" -localhost "$HERE" \
	    -hosts "$hosts" "$@" >"$TMP/out" 2>"$TMP/err" 9>&-
	rc=$?
}

# placement: how many workers of the last run ran on each host.
placement() {
	ns1=$(stat -L -c %i /run/netns/mrhost1)
	ns2=$(stat -L -c %i /run/netns/mrhost2)
	n1=0 n2=0 other=0
	for f in "$TMP/where/"*; do
		[ -e "$f" ] || continue
		case $(cat "$f") in
		"$ns1") n1=$((n1 + 1)) ;;
		"$ns2") n2=$((n2 + 1)) ;;
		*) other=$((other + 1)) ;;
		esac
	done
	echo "mrhost1 $n1, mrhost2 $n2, elsewhere $other"
}

# expect_hosts DESCRIPTION VALUE PLACEMENT: the last run printed the sum
# VALUE, nothing on stderr, and its workers ran as PLACEMENT says.
expect_hosts() {
	want="Sum of the products equals $2"
	where=$(placement)
	if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$want" ] &&
	    ! [ -s "$TMP/err" ] && [ "$where" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $want" "expected workers: $3" \
		    "workers: $where" "$(describe_run)"
	fi
}

# The card's command: the universe size sets the number of workers.  It
# must be given: hydra's -usize SYSTEM counts only the slots of the hosts
# that the manager's own job occupies, here 1.
on_hosts "$HERE:1,$IP1:8,$IP2:8" -n 1 -usize 17 "$MR" --worker "$WORKER"
expect_hosts "seed: -usize 17, 16 spawned workers, 8 on each host" \
    "$("$PYTHON" "$REF")" "mrhost1 8, mrhost2 8, elsewhere 0"

# 10^9 elements is far too many for ref.py's loop: the closed form of
# sum(x * (n + 1 - x)), checked against ref.py on 1000 elements first.
closed() {
	"$PYTHON" -c "n = $1; print(n * (n + 1) * (n + 2) // 6)"
}
if [ "$(closed 1000)" = "$("$PYTHON" "$REF" 1:1001 1000:0:-1)" ]; then
	n=1000000000
	on_hosts "$HERE:1,$IP1:3,$IP2:3" -n 1 -usize 7 "$MR" \
	    --worker "$WORKER" -r "1:$((n + 1))" -r "$n:0:-1"
	expect_hosts "two ranges of 10^9, sum past 2^64: 6 workers, 3 on each host" \
	    "$(closed "$n")" "mrhost1 3, mrhost2 3, elsewhere 0"
else
	not_ok "two ranges of 10^9: the closed form agrees with ref.py" \
	    "closed form: $(closed 1000)" \
	    "ref.py: $("$PYTHON" "$REF" 1:1001 1000:0:-1)"
fi

ranges="-r 1:1001 -r -5:2995:3 -r 1000:0:-1"
# shellcheck disable=SC2086
on_hosts "$HERE:1,$IP1:2,$IP2:2" -n 1 "$MR" $ranges : -n 4 "$WORKER"
expect_hosts "static launch: mpiexec -n 1 mapreduce : -n 4 worker, 2 on each host" \
    "$("$PYTHON" "$REF" 1:1001 -5:2995:3 1000:0:-1)" \
    "mrhost1 2, mrhost2 2, elsewhere 0"

start=$(date +%s)
on_hosts "$HERE:1,$IP1:1,$IP2:1" -n 1 "$MR" -w 2 --worker "$WORKER" \
    --timeout 2 -r 0:1000000000000 -r 0:1000000000000
elapsed=$(($(date +%s) - start))
if [ "$rc" -eq 124 ] && [ "$elapsed" -le 10 ] && ! [ -s "$TMP/out" ] &&
    [ "$(cat "$TMP/err")" = "mapreduce: timed out: --timeout 2 expired" ] &&
    [ "$(placement)" = "mrhost1 1, mrhost2 1, elsewhere 0" ]; then
	ok "--timeout 2 with a worker on each host: exit 124 in time, one line"
else
	not_ok "--timeout 2 with a worker on each host: exit 124 in time, one line" \
	    "took $elapsed s, workers: $(placement)" "$(describe_run)"
fi

# A worker that dies on another host: its guard names it, the run ends.
start=$(date +%s)
MAPREDUCE_FAULT=1:kill on_hosts "$HERE:1,$IP1:1,$IP2:1" -n 1 "$MR" -w 2 \
    --worker "$WORKER" -r 0:100000000 -r 0:100000000
elapsed=$(($(date +%s) - start))
died='^mapreduce: worker 1 \(pid [0-9]+ on [^ ]+\) was killed by signal 9 '
if [ "$rc" -eq 1 ] && [ "$elapsed" -le 5 ] && ! [ -s "$TMP/out" ] &&
    [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -Eq "$died" "$TMP/err"; then
	ok "worker 1 killed on another host: one line, exit 1 in time"
else
	not_ok "worker 1 killed on another host: one line, exit 1 in time" \
	    "took $elapsed s, workers: $(placement)" "$(describe_run)"
fi

# Workers die with their run, on every host.
sleep 1
left=$(ip netns pids mrhost1; ip netns pids mrhost2)
if [ -z "$left" ]; then
	ok "no process left on the hosts after the runs"
else
	not_ok "no process left on the hosts after the runs" \
	    "$(for p in $left; do ps -o pid=,args= -p "$p"; done)"
fi
done_testing
