#!/bin/sh
# slurm-cluster.sh - start or stop a one-node Slurm cluster on this machine
#
# usage: tests/slurm-cluster.sh start | stop | status
#
# For tests/e2e/t12-slurm.sh, and for trying the job scripts of scripts/ by
# hand.  Needs root and Debian's slurmctld, slurmd, slurm-client and munge
# (scripts/install-deps.sh --dev).  Everything lives in one state directory,
# $SLURM_CLUSTER_DIR (default /run/mapreduce-slurm): slurm.conf, its own
# munge key and socket, spool, logs and pid files.  Nothing in /etc is read
# or changed, and the ports are not Slurm's defaults, so a real Slurm on the
# machine is left alone.
#
# start     starts munged, slurmctld and slurmd and waits (bounded) until
#           the node is idle; prints the line to eval for the Slurm commands:
#           SLURM_CONF=DIR/slurm.conf; export SLURM_CONF
#           Exit 0 if it started the cluster, 3 if the cluster was already
#           running here with the same slurm.conf (then it was left as it
#           was; one with another is restarted), 1 on failure (with the
#           end of the logs on stderr, and whatever it had started stopped).
# stop      cancels the cluster's jobs and stops the daemons that start
#           recorded, by their pids; removes the state directory.
# status    exit 0 if the cluster that start recorded runs and answers.

dir=${SLURM_CLUSTER_DIR:-/run/mapreduce-slurm}
ctld_port=${SLURM_CLUSTER_PORT:-16817}	# slurmd takes the next one
wait_s=${SLURM_CLUSTER_WAIT:-30}	# for the node to become idle
node=$(hostname -s)
SLURM_CONF=$dir/slurm.conf
export SLURM_CONF

say() { printf 'slurm-cluster: %s\n' "$*" >&2; }

# answers: the controller answers and the node is idle (or busy with jobs).
answers() {
	state=$(timeout 5 sinfo -h -n "$node" -o %T 2>/dev/null) &&
	    case $state in idle|mixed|allocated|completing) true ;; *) false ;; esac
}

# running NAME: the daemon recorded in NAME.pid is alive and is NAME.
running() {
	[ -s "$dir/$1.pid" ] &&
	    [ "$(cat "/proc/$(cat "$dir/$1.pid")/comm" 2>/dev/null)" = "$1" ]
}

write_config() {
	mkdir -p "$dir/ctld" "$dir/spool" "$dir/log" || return 1
	chmod 711 "$dir"	# munged wants its socket's directory searchable
	config >"$SLURM_CONF"
}

# config: the slurm.conf of the cluster, on stdout.
config() {
	cat <<-EOF
	# One node, this machine; written by tests/slurm-cluster.sh
	ClusterName=mapreduce
	SlurmctldHost=$node(127.0.0.1)
	SlurmctldPort=$ctld_port
	SlurmdPort=$((ctld_port + 1))
	SlurmUser=root
	SlurmdUser=root
	AuthType=auth/munge
	CredType=cred/munge
	# A requeued job waits cred_expire + 1 s before it may start again
	# (default 120 s): 10 s here, for the requeue of t12
	AuthInfo=socket=$dir/munge.socket,cred_expire=10
	StateSaveLocation=$dir/ctld
	SlurmdSpoolDir=$dir/spool
	SlurmctldPidFile=$dir/slurmctld.pid
	SlurmdPidFile=$dir/slurmd.pid
	SlurmctldLogFile=$dir/log/slurmctld.log
	SlurmdLogFile=$dir/log/slurmd.log
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	SelectType=select/cons_tres
	SelectTypeParameters=CR_CPU
	MpiDefault=none
	ReturnToService=2
	MailProg=/bin/true
	SlurmdParameters=config_overrides
	# Start a batch job when it comes, not up to 3 s later, and a
	# requeued one within 2 s of its begin time, not up to 60 s later
	SchedulerParameters=batch_sched_delay=0,sched_interval=2
	# 2 CPUs whatever the machine has (config_overrides): jobs of 2 tasks
	NodeName=$node NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
	PartitionName=debug Nodes=$node Default=YES MaxTime=10 State=UP OverSubscribe=YES
	EOF
}

start() {
	if running slurmctld && running slurmd && answers; then
		if config | cmp -s - "$SLURM_CONF"; then
			echo "SLURM_CONF=$SLURM_CONF; export SLURM_CONF"
			return 3
		fi
		say "the running cluster has an older slurm.conf: restarting it"
	fi
	stop 2>/dev/null	# the leftovers of a cluster that died
	write_config || return 1
	# Its own key, so that no other munged can vouch for anyone here.
	dd if=/dev/urandom of="$dir/munge.key" bs=128 count=1 2>/dev/null &&
	    chmod 400 "$dir/munge.key" || return 1
	if ! munged --force --key-file="$dir/munge.key" \
	    --socket="$dir/munge.socket" --pid-file="$dir/munged.pid" \
	    --log-file="$dir/log/munged.log" --seed-file="$dir/munge.seed" ||
	    ! slurmctld -f "$SLURM_CONF" || ! slurmd -f "$SLURM_CONF"; then
		fail "a daemon did not start"
		return 1
	fi
	i=0
	until answers; do
		i=$((i + 1))
		if [ "$i" -gt "$((wait_s * 4))" ]; then
			fail "node $node not idle after $wait_s s"
			return 1
		fi
		sleep 0.25
	done
	echo "SLURM_CONF=$SLURM_CONF; export SLURM_CONF"
}

# fail WHY: say why, with the end of the logs, and undo the start.
fail() {
	say "$1"
	for f in "$dir"/log/*.log; do
		[ -f "$f" ] && tail -n 5 "$f" | sed "s|^|slurm-cluster: $f: |" >&2
	done
	stop
}

# stop: cancel the jobs and wait (bounded) for them to end, so that no
# process of a job outlives slurmd; then the daemons, TERM, at worst KILL.
stop() {
	[ -d "$dir" ] || return 0
	if running slurmctld; then
		jobs=$(timeout 5 squeue -h -o %i 2>/dev/null)
		if [ -n "$jobs" ]; then
			# shellcheck disable=SC2086
			timeout 5 scancel $jobs 2>/dev/null
			i=0
			while [ "$i" -lt 20 ] &&
			    [ -n "$(timeout 5 squeue -h -o %i 2>/dev/null)" ]; do
				sleep 0.25
				i=$((i + 1))
			done
		fi
	fi
	pids=
	for d in slurmd slurmctld munged; do
		running "$d" && pids="$pids $(cat "$dir/$d.pid")"
	done
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null
		i=0
		# shellcheck disable=SC2086
		while [ "$i" -lt 20 ] && alive $pids; do
			sleep 0.25
			i=$((i + 1))
		done
		# shellcheck disable=SC2086
		alive $pids && kill -9 $pids 2>/dev/null
	fi
	rm -rf "$dir"
}

# alive PID...: one of them still runs.
alive() {
	for p; do
		[ -d "/proc/$p" ] && return 0
	done
	return 1
}

case $1 in
start)	start ;;
stop)	stop ;;
status)	running slurmctld && running slurmd && answers ;;
*)	echo "usage: $0 start | stop | status" >&2; exit 2 ;;
esac
