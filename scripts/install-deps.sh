#!/bin/sh
# install-deps.sh - install what mapreduce needs on Debian 12: packages and a
# spawn-capable MPICH.
#
# Debian 12's mpich package uses the ch4:ucx device, which cannot spawn
# processes (MPI_Comm_spawn fails with "not supported with ucx netmod").
# This script builds the same MPICH release from Debian's own source package
# with the ch3:nemesis device, which can, and installs it into a cache outside
# the repository.  It is safe to re-run: every step is skipped when its result
# is already there.
#
# usage: scripts/install-deps.sh [--dev] [--bench] [--packages-only |
#                                   --print-prefix]
#
#   --dev            also the tools of make check-sanitize, check-valgrind,
#                    fuzz and lint (clang with libFuzzer, valgrind, cppcheck),
#                    the other MPIs the tests build against: Debian's own
#                    MPICH (ch4:ucx, no spawn) and Open MPI 4.1; Slurm,
#                    Lmod, bash-completion, and Debian's Environment Modules
#                    unpacked into the cache (it conflicts with lmod as a
#                    package); and those of make check-aarch64: the arm64
#                    architecture in dpkg, the cross compiler, qemu-user, GMP
#                    for arm64 and aarch64's Python headers (in the cache)
#   --bench          also what make bench compares with and draws with
#                    (gnuplot; python3-mpi4py, which brings Open MPI and
#                    repoints /usr/bin/mpicc and mpiexec at it)
#
# Environment:
#   MAPREDUCE_CACHE   cache directory (default ${XDG_CACHE_HOME:-$HOME/.cache}/mapreduce)
#   MAKE_JOBS         parallel jobs for the MPICH build (default: nproc)

set -eu

cache=${MAPREDUCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mapreduce}
mpich_version=4.0.2
prefix=$cache/mpich-$mpich_version-ch3
# python3-dev: the embedded CPython of -k FILE.py:FUNC (mapreduce-python.so);
# python3-numpy: the tests of --batch.
packages="build-essential dpkg-dev xz-utils libgmp-dev python3 bc procps time
    pkg-config python3-dev python3-numpy"
# lmod, bash-completion: the modulefile's and the completion's tests;
# tcl8.6 runs the other module system, Environment Modules (below).
dev_packages="clang libclang-rt-14-dev valgrind cppcheck libmpich-dev mpich
    libopenmpi-dev slurmctld slurmd slurm-client munge lmod bash-completion
    tcl8.6 gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
    libgmp-dev:arm64"
dev=

bench_packages="gnuplot-nox python3-mpi4py"

say() { printf 'install-deps: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root for '$*' (no sudo found)"
	fi
}

install_packages() {
	missing=
	for p in $packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		say "packages present:$(printf ' %s' $packages)"
		return
	fi
	say "installing packages:$missing"
	as_root apt-get update -qq
	# --no-remove: never trade a package of the host for one of these
	# (libgmp-dev:arm64 sits beside libgmp-dev, both Multi-Arch: same).
	as_root env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends --no-remove \
	    $missing >/dev/null
}

# libgmp-dev:arm64 needs dpkg to know the architecture; adding it again is
# harmless, but it is added only once.  install_packages then updates the
# package lists, as libgmp-dev:arm64 is missing.
add_arm64() {
	dpkg --print-foreign-architectures | grep -qx arm64 && return
	say "adding the arm64 architecture to dpkg (make check-aarch64)"
	as_root dpkg --add-architecture arm64
}

# aarch64's Python headers, for make check-aarch64 to compile the Python
# plugin: taken out of Debian's libpython3.11-dev:arm64 into the cache, as
# installing that package would move the host's Python to its version.
fetch_arm64_python() {
	dest=$cache/arm64
	[ -f "$dest/usr/include/aarch64-linux-gnu/python3.11/pyconfig.h" ] &&
	    return
	say "fetching aarch64's Python headers into $dest"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get -qq -o APT::Sandbox::User=root \
	    download libpython3.11-dev:arm64) &&
	mkdir -p "$dest" &&
	dpkg-deb --fsys-tarfile "$tmp"/libpython3.11-dev_*_arm64.deb |
	    tar -x -C "$dest" ./usr/include || {
		rm -rf "$tmp"
		die "cannot fetch libpython3.11-dev:arm64"
	}
	rm -rf "$tmp"
}

install_all() {
	[ -z "$dev" ] || add_arm64
	install_packages
	[ -z "$dev" ] || fetch_arm64_python
	[ -z "$dev" ] || unpack_environment_modules
}

# apt-get source needs a deb-src entry.  Rather than edit the system's apt
# sources, keep a private apt configuration inside the cache.
fetch_mpich_source() {
	apt=$cache/apt
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$cache/src"
	cat >"$apt/sources.list" <<-EOS
	deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
	EOS
	set -- -o Dir::Etc::SourceList="$apt/sources.list" \
	    -o Dir::Etc::SourceParts=/dev/null \
	    -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
	    -o APT::Sandbox::User=root
	# Any Debian revision of the release will do (bookworm updates
	# replace the old one in the archive); a different release will not.
	if ! ls "$cache/src"/mpich_"$mpich_version"-*.dsc >/dev/null 2>&1; then
		say "fetching Debian's mpich source package"
		apt-get "$@" -qq update
		(cd "$cache/src" && apt-get "$@" -qq source --download-only mpich)
		ls "$cache/src"/mpich_"$mpich_version"-*.dsc >/dev/null 2>&1 ||
		    die "Debian's mpich source is not release $mpich_version:" \
		    "$(ls "$cache/src")"
	fi
}

# hwloc is MPICH's own copy, whatever the machine has: a libhwloc-dev
# installed later (Open MPI's -dev package brings it) would otherwise make
# builds differ from machine to machine.
configure_flags="--with-device=ch3:nemesis --disable-fortran --disable-cxx
    --disable-doc --enable-shared --with-hwloc=embedded"

# Debian's environment-modules and lmod conflict (both are `module`), so
# with lmod installed, Environment Modules is the Debian package unpacked
# into the cache, for the modulefile's test: it runs from anywhere with
# tclsh8.6 DIR/usr/lib/*/modulecmd.tcl bash autoinit.
unpack_environment_modules() {
	dir=$cache/environment-modules
	if ls "$dir"/usr/lib/*/modulecmd.tcl >/dev/null 2>&1; then
		say "Environment Modules present in $dir"
		return
	fi
	say "unpacking Debian's environment-modules into $dir"
	rm -rf "$dir" "$cache/em-deb"
	mkdir -p "$cache/em-deb"
	# The package lists may be older than the archive: once more after
	# an update.
	(cd "$cache/em-deb" &&
	    { apt-get -qq -o APT::Sandbox::User=root download \
	    environment-modules 2>/dev/null ||
	    { as_root apt-get update -qq && apt-get -qq \
	    -o APT::Sandbox::User=root download environment-modules; }; }) ||
	    die "cannot download Debian's environment-modules package"
	dpkg-deb -x "$cache"/em-deb/environment-modules_*.deb "$dir" ||
	    die "cannot unpack Debian's environment-modules package"
	rm -rf "$cache/em-deb"
}

build_mpich() {
	if [ -x "$prefix/bin/mpiexec" ] && [ -f "$prefix/.complete" ] &&
	    [ "$(cat "$prefix/.complete")" = "$(echo $configure_flags)" ]; then
		say "MPICH $mpich_version (ch3:nemesis) present in $prefix"
		return
	fi
	fetch_mpich_source
	work=$cache/build
	rm -rf "$work"
	mkdir -p "$work"
	say "unpacking MPICH $mpich_version into $work"
	# apt-get checked the files against Debian's signed index already;
	# dpkg-source would only warn that it has no key for the .dsc.
	dpkg-source -x "$cache/src"/mpich_"$mpich_version"-*.dsc \
	    "$work/mpich" >"$work/unpack.log" 2>&1 ||
	    die "cannot unpack the MPICH source, see $work/unpack.log"
	say "building MPICH $mpich_version with ch3:nemesis (about 5 minutes," \
	    "log in $work/build.log)"
	(
		cd "$work/mpich"
		# shellcheck disable=SC2086
		./configure --prefix="$prefix" $configure_flags CFLAGS=-O2
		make -j"${MAKE_JOBS:-$(nproc)}"
		make install
	) >"$work/build.log" 2>&1 || {
		tail -n 20 "$work/build.log" >&2
		die "MPICH build failed, see $work/build.log"
	}
	echo $configure_flags >"$prefix/.complete"
	rm -rf "$work/mpich"
	say "MPICH installed in $prefix"
}

while [ $# -gt 0 ]; do
	case $1 in
	--dev)		packages="$packages $dev_packages" dev=1 ;;
	--bench)	packages="$packages $bench_packages" ;;
	*)		break ;;
	esac
	shift
done
case ${1-} in
--print-prefix)
	echo "$prefix"
	exit 0
	;;
--packages-only)
	install_all
	exit 0
	;;
"")	;;
*)	echo "usage: $0 [--dev] [--bench] [--packages-only | --print-prefix]" >&2
	exit 2
	;;
esac

# One set-up at a time: make and a user may start this script together.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

install_all
build_mpich
