#!/bin/sh
# t06-install.sh - make install puts a working tool under PREFIX; uninstall removes it
. "$(dirname "$0")/../lib.sh"

# Build a copy of the sources, so that the tree under test stays as it is.
src=$TMP/src prefix=$TMP/prefix
copy_tree "$src"
if make -s -C "$src" install PREFIX="$prefix" MPICC="${MPICC:-mpicc}" \
    >"$TMP/make.log" 2>&1; then
	ok "make install PREFIX=..."
else
	not_ok "make install PREFIX=..." "$(tail -n 20 "$TMP/make.log")"
fi
VERSION=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
for f in bin/mapreduce libexec/mapreduce/worker share/man/man1/mapreduce.1 \
    include/mapreduce.h lib/pkgconfig/mapreduce.pc \
    "share/modulefiles/mapreduce/$VERSION" \
    share/bash-completion/completions/mapreduce; do
	if [ -f "$prefix/$f" ]; then
		ok "installed $f"
	else
		not_ok "installed $f"
	fi
done
if grep -q "$prefix/libexec/mapreduce/worker" \
    "$prefix/share/man/man1/mapreduce.1" &&
    grep -q "$prefix/share/modulefiles/mapreduce/" \
    "$prefix/share/man/man1/mapreduce.1" &&
    grep -q "$prefix/share/bash-completion/completions/mapreduce" \
    "$prefix/share/man/man1/mapreduce.1"; then
	ok "the installed manual names the installed worker, modulefile and completion"
else
	not_ok "the installed manual names the installed worker, modulefile and completion"
fi
MR=$prefix/bin/mapreduce expect_sum "the installed manager finds its worker" \
    -r 1:101 -r 101:201

# The Python plugin, where it was built: the installed manager, with no
# plugin beside it, finds it in LIBEXECDIR.
if [ -f "$TOP/mapreduce-python.so" ]; then
	if [ -f "$prefix/libexec/mapreduce/mapreduce-python.so" ]; then
		ok "installed libexec/mapreduce/mapreduce-python.so"
	else
		not_ok "installed libexec/mapreduce/mapreduce-python.so"
	fi
	MR=$prefix/bin/mapreduce expect_sum \
	    "the installed manager runs a Python function" \
	    -k "$src/examples/product.py:product" -r 1:101 -r 101:201
else
	skip "no Python plugin in this build: nothing to install"
fi

# A kernel built as a user would, against the installed header, found by
# pkg-config: the sum of the products of the seed, as a kernel.
if command -v pkg-config >/dev/null &&
    cflags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags \
    mapreduce) && [ "$(echo $cflags)" = "-I$prefix/include" ] &&
    cc $cflags -O2 -ffp-contract=off -shared -fPIC -o "$TMP/product.so" \
    "$src/examples/product.c" 2>"$TMP/cc.log" &&
    MR=$prefix/bin/mapreduce mr -w 2 -k "$TMP/product.so" &&
    [ "$rc" -eq 0 ] &&
    [ "$(cat "$TMP/out")" = "Sum of the products equals $("$PYTHON" "$REF")" ]
then
	ok "a kernel built with pkg-config --cflags mapreduce runs"
else
	not_ok "a kernel built with pkg-config --cflags mapreduce runs" \
	    "cflags: ${cflags:-none}" "$(cat "$TMP/cc.log" 2>/dev/null)" \
	    "$(describe_run 2>/dev/null)"
fi

# The modulefile, under Lmod and under Environment Modules, each from a
# clean environment (env -i) with the module command that its own init
# defines: the program, the manual and mapreduce.pc resolve into PREFIX
# after module load, the system's manual pages stay found (MANPATH gets an
# empty entry), and module unload takes them away again.  Debian's lmod
# and environment-modules conflict as packages (both are `module`):
# scripts/install-deps.sh --dev installs lmod and unpacks
# environment-modules into its cache, where modulecmd.tcl runs as its own
# init script runs it; one installed as the system's is used as such.
cat >"$TMP/module.bash" <<'EOF'
eval "$INIT" >/dev/null 2>&1
type module >/dev/null 2>&1 || { echo "no module function after: $INIT"; exit 1; }
module use "$PREFIX/share/modulefiles" || exit 1
module load mapreduce 2>&1 || echo "module load: status $?"
echo "path=$(command -v mapreduce)"
echo "man=$(man -w mapreduce 2>&1)"
echo "manls=$(man -w ls >/dev/null 2>&1 && echo found)"
echo "pc=$(pkg-config --cflags mapreduce 2>&1)"
echo "whatis=$(module whatis mapreduce 2>&1 | grep -c 'exact map/reduce')"
module unload mapreduce 2>&1 || echo "module unload: status $?"
echo "path=$(command -v mapreduce)"
echo "man=$(man -w mapreduce 2>/dev/null)"
echo "pc=$(pkg-config --cflags mapreduce 2>/dev/null)"
EOF
cat >"$TMP/module.want" <<EOF
path=$prefix/bin/mapreduce
man=$prefix/share/man/man1/mapreduce.1
manls=found
pc=-I$prefix/include
whatis=1
path=
man=
pc=
EOF
# module_test NAME INIT: under the module system that the shell text INIT
# sets up.
module_test() {
	env -i HOME="$TMP" PATH=/usr/bin:/bin PREFIX="$prefix" INIT="$2" \
	    bash "$TMP/module.bash" >"$TMP/module.out" 2>&1
	# pkg-config ends its line with a blank
	if sed 's/ *$//' "$TMP/module.out" | cmp -s "$TMP/module.want" -; then
		ok "$1: module load mapreduce puts PREFIX's program, manual and mapreduce.pc first; unload takes them away"
	else
		not_ok "$1: module load mapreduce puts PREFIX's program, manual and mapreduce.pc first; unload takes them away" \
		    "expected: $(cat "$TMP/module.want")" \
		    "got: $(cat "$TMP/module.out")"
	fi
}
cache=$(dirname "$("$TOP/scripts/install-deps.sh" --print-prefix)")
emcmd=$(ls "$cache"/environment-modules/usr/lib/*/modulecmd.tcl 2>/dev/null |
    head -n 1)
# em_init: the shell text that sets Environment Modules up here, or none.
em_init() {
	if [ -f /usr/share/modules/init/bash ]; then
		echo ". /usr/share/modules/init/bash"
	elif [ -n "$emcmd" ] && [ -x /usr/bin/tclsh8.6 ]; then
		echo "eval \"\$(/usr/bin/tclsh8.6 '$emcmd' bash autoinit)\""
	fi
}
if ! man -w ls >/dev/null 2>&1; then
	skip "the modulefile: no manual page of ls here to check MANPATH with"
else
	if [ -f /usr/share/lmod/lmod/init/bash ]; then
		module_test Lmod ". /usr/share/lmod/lmod/init/bash"
	else
		skip "the modulefile under Lmod: no lmod (scripts/install-deps.sh --dev)"
	fi
	if [ -n "$(em_init)" ]; then
		module_test "Environment Modules" "$(em_init)"
	else
		skip "the modulefile under Environment Modules: none here (scripts/install-deps.sh --dev)"
	fi
fi

# A MANPATH of the user's with an empty entry of its own (man's path, at
# its start) is as it was after module unload: Lmod takes every empty entry
# away with the one a module added.
cat >"$TMP/manpath.bash" <<'EOF'
eval "$INIT" >/dev/null 2>&1
module use "$PREFIX/share/modulefiles" || exit 1
module load mapreduce 2>&1 || echo "module load: status $?"
echo "loaded=$(man -w ls >/dev/null 2>&1 && echo found)"
module unload mapreduce 2>&1 || echo "module unload: status $?"
echo "manpath=$MANPATH"
echo "manls=$(man -w ls >/dev/null 2>&1 && echo found)"
EOF
printf 'loaded=found\nmanpath=:%s\nmanls=found\n' "$TMP/man" \
    >"$TMP/manpath.want"
manpath_test() {
	env -i HOME="$TMP" PATH=/usr/bin:/bin PREFIX="$prefix" INIT="$2" \
	    MANPATH=":$TMP/man" bash "$TMP/manpath.bash" >"$TMP/module.out" 2>&1
	if cmp -s "$TMP/manpath.want" "$TMP/module.out"; then
		ok "$1: MANPATH=:DIR is :DIR again after load and unload"
	else
		not_ok "$1: MANPATH=:DIR is :DIR again after load and unload" \
		    "expected: $(cat "$TMP/manpath.want")" \
		    "got: $(cat "$TMP/module.out")"
	fi
}
if man -w ls >/dev/null 2>&1 && [ -f /usr/share/lmod/lmod/init/bash ]; then
	manpath_test Lmod ". /usr/share/lmod/lmod/init/bash"
	[ -n "$(em_init)" ] && manpath_test "Environment Modules" "$(em_init)"
else
	skip "MANPATH's own empty entry: no lmod or no manual page of ls"
fi

# bash-completion finds the installed completion where it looks for one,
# XDG_DATA_DIRS/bash-completion/completions (t19-completion.sh tests what
# it offers).
if [ -f /usr/share/bash-completion/bash_completion ]; then
	got=$(env -i HOME="$TMP" PATH=/usr/bin:/bin \
	    XDG_DATA_DIRS="$prefix/share:/usr/share" bash -c '
	    . /usr/share/bash-completion/bash_completion
	    __load_completion mapreduce && complete -p mapreduce' 2>&1)
	if cmp -s "$TOP/contrib/bash-completion" \
	    "$prefix/share/bash-completion/completions/mapreduce" &&
	    [ "$got" = "complete -F _mapreduce mapreduce" ]; then
		ok "bash-completion loads the installed completion of mapreduce"
	else
		not_ok "bash-completion loads the installed completion of mapreduce" \
		    "complete -p: $got"
	fi
else
	skip "the installed completion: no bash-completion (scripts/install-deps.sh --dev)"
fi

# A PREFIX with blanks: one line and exit 2, before anything is built or
# made (the recipes would split it, and mkdir -p made ./ace in the tree).
(cd "$src" && find . -newer Makefile >"$TMP/before" 2>/dev/null)
make -s -C "$src" install PREFIX="$TMP/sp ace" MPICC="${MPICC:-mpicc}" \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
(cd "$src" && find . -newer Makefile >"$TMP/after" 2>/dev/null)
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
    grep -q "PREFIX='$TMP/sp ace' has blanks" "$TMP/err" &&
    ! [ -e "$TMP/sp" ] && ! [ -e "$src/ace" ] &&
    cmp -s "$TMP/before" "$TMP/after"; then
	ok "make install PREFIX='DIR WITH BLANKS': exit 2, one line, nothing made"
else
	not_ok "make install PREFIX='DIR WITH BLANKS': exit 2, one line" \
	    "exit $rc: $(cat "$TMP/err")"
fi

make -s -C "$src" uninstall PREFIX="$prefix" >"$TMP/make.log" 2>&1
left=$(find "$prefix" -type f | sed "s|^$prefix/||")
if [ -d "$prefix/bin" ] && [ -z "$left" ]; then
	ok "make uninstall removes every installed file"
else
	not_ok "make uninstall removes every installed file" "left: $left"
fi
# make -s env: exactly one line, which puts the tested mpiexec first on PATH.
make -s --no-print-directory -C "$TOP" env MPICC="${MPICC:-mpicc}" MPIEXEC="$MPIEXEC" \
    >"$TMP/env" 2>"$TMP/env.err"
found=$(eval "$(cat "$TMP/env")" && command -v mpiexec)
want=$(command -v "$MPIEXEC")
if [ "$MPI_FLAVOUR" = openmpi ]; then
	# Debian names it mpiexec.openmpi; the mpiexec beside it is a link
	# through /etc/alternatives, which must lead to the same program.
	found=$(readlink -f "$found") want=$(readlink -f "$want")
fi
if [ "$(wc -l <"$TMP/env")" -eq 1 ] && [ "$found" = "$want" ]; then
	ok "make -s env puts the matching mpiexec first on PATH"
else
	not_ok "make -s env puts the matching mpiexec first on PATH" \
	    "printed: $(cat "$TMP/env" "$TMP/env.err")" "found: $found"
fi
done_testing
