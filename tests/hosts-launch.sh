#!/bin/sh
# hosts-launch.sh - hydra's "ssh" into a network namespace that plays a host
#
# usage: mpiexec -launcher ssh -launcher-exec tests/hosts-launch.sh \
#            -localhost 10.77.0.1 -hosts 10.77.0.1:1,10.77.0.11:2,... ...
#        hosts-launch.sh [SSH-OPTION...] [USER@]HOST COMMAND...
#
# Hydra calls its launcher as it would call ssh: "-x" (no X forwarding),
# any words of HYDRA_LAUNCHER_EXTRA_ARGS, the host, then the command line
# of hydra_pmi_proxy with the path in double quotes, for a remote shell to
# parse.  This script does what sshd would do, inside the network namespace
# "mrhostN" that holds HOST as one of its IPv4 addresses (or is named HOST):
# the command runs there under sh, and every process it starts (the proxy,
# then the ranks or spawned workers) stays in that namespace.  Hosts that
# no such namespace holds are refused with exit 255, as ssh does; hydra
# does not launch through this script at all for the local host (an
# address of the launching namespace), which it forks.
#
# Give -hosts as IP addresses, not namespace names.  Hydra hands each
# process the host as it was written in -hosts, as
# MPIR_CVAR_CH3_INTERFACE_HOSTNAME ("hostname propagation", on by default),
# and MPICH's ch3 TCP channel resolves that name and publishes the address
# to its peers.  The namespaces share the machine's /etc/hosts, where
# "mrhost1" is unknown: MPI_Init then fails with "gethostbyname failed,
# mrhost1".  An IP address needs no resolver and is exactly the one to
# publish.  Turning the propagation off (-disable-hostname-propagation)
# is worse: ch3 then publishes the first non-loopback address it finds,
# which for a process in the launching namespace is the machine's real
# interface, unreachable from the namespaces.  -localhost (the address
# the proxies call back to) may be left out when the launching host's
# address is in -hosts, as hydra then takes it from there.

while [ $# -gt 0 ]; do
	case $1 in
	-[BbcDEeFIiJLlmOopQRSWw])	# ssh's options that take an argument
		shift 2 ;;
	-*)	shift ;;
	*)	break ;;
	esac
done
if [ $# -lt 2 ]; then
	echo "usage: hosts-launch.sh [SSH-OPTION...] [USER@]HOST COMMAND..." >&2
	exit 255
fi
host=${1#*@}
shift

for ns in $(ip netns list 2>/dev/null | cut -d ' ' -f 1); do
	case $ns in
	mrhost*)
		if [ "$ns" = "$host" ] || ip -n "$ns" -4 -o addr show |
		    grep -qF " inet $host/"; then
			# exec twice, so that the launcher's process becomes
			# the proxy and hydra's kill of the one ends the other.
			exec ip netns exec "$ns" sh -c "exec $*"
		fi ;;
	esac
done
echo "hosts-launch.sh: no namespace mrhost* holds host '$host'" >&2
exit 255
