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
for f in bin/mapreduce libexec/mapreduce/worker share/man/man1/mapreduce.1 \
    include/mapreduce.h lib/pkgconfig/mapreduce.pc; do
	if [ -f "$prefix/$f" ]; then
		ok "installed $f"
	else
		not_ok "installed $f"
	fi
done
if grep -q "$prefix/libexec/mapreduce/worker" \
    "$prefix/share/man/man1/mapreduce.1"; then
	ok "the installed manual names the installed worker"
else
	not_ok "the installed manual names the installed worker"
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
