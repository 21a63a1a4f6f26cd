# Makefile - build, test and install mapreduce (GNU make)
#
# make [all]        build mapreduce and worker (sets up MPICH first if needed)
# make run          the design card's command: mpiexec -n 1 -usize 17 ./mapreduce
# make check        unit and end-to-end tests
# make check-openmpi  the end-to-end tests again, built with Open MPI
# make check-aarch64  every .c built for aarch64, the unit tests under qemu
# make check-sanitize, check-valgrind, check-random, fuzz: see below
# make bench        the benchmark of docs/performance.md (a few minutes)
# make examples     the example kernels, examples/*.so
# make install      into $(DESTDIR)$(PREFIX): bin, libexec, man1, include,
#                   lib/pkgconfig, the modulefile (share/modulefiles) and
#                   the bash completion (share/bash-completion/completions)
# make -s env       one line to eval: puts the matching mpiexec first on PATH
#
# The MPI: MPICC (and MPIEXEC, which follows it) if given; else an mpicc on
# PATH that is not Debian's /usr/bin/mpicc, such as one from a module; else
# MPICH with the ch3 device, built once by scripts/install-deps.sh into
# MPICH_PREFIX, because Debian's own mpich package cannot spawn processes.

VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/mapreduce
MANDIR ?= $(PREFIX)/share/man
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(PREFIX)/lib/pkgconfig
MODULEFILEDIR ?= $(PREFIX)/share/modulefiles
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Directories with blanks are refused at once: the recipes, the modulefile
# and mapreduce.pc would split them (and mkdir -p made stray directories).
INSTALL_DIRS = DESTDIR PREFIX BINDIR LIBEXECDIR MANDIR INCLUDEDIR \
	       PKGCONFIGDIR MODULEFILEDIR BASHCOMPDIR
ifneq ($(filter install uninstall mapreduce.module mapreduce.pc,$(MAKECMDGOALS)),)
$(foreach d,$(INSTALL_DIRS),$(if $(word 2,$($(d))),$(error $(d)='$($(d))' \
    has blanks: make install cannot take them)))
endif

CFLAGS ?= -O2 -g

# The MPI of the first build is remembered in .mpi.mk, so that a later
# `sudo make install` (another $HOME) or another PATH does not switch to
# another MPI; `make distclean` forgets it.
-include .mpi.mk
MAPREDUCE_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mapreduce
MPICH_PREFIX ?= $(MAPREDUCE_CACHE)/mpich-4.0.2-ch3
PATH_MPICC := $(shell command -v mpicc 2>/dev/null)
ifeq ($(filter-out /usr/bin/mpicc /bin/mpicc,$(PATH_MPICC)),)
MPICC ?= $(MPICH_PREFIX)/bin/mpicc
else
MPICC ?= $(PATH_MPICC)
endif
MPIEXEC ?= $(subst mpicc,mpiexec,$(MPICC))
ifeq ($(MPICC),$(MPICH_PREFIX)/bin/mpicc)
MPI_SETUP = $(MPICH_PREFIX)/.complete
endif

# Python support (-k FILE.py:FUNC): a plugin, mapreduce-python.so, built
# against the Python of PYTHON_CONFIG, only where its headers are
# (python3-dev); without them the tool builds and says that it has none.
PYTHON_CONFIG ?= /usr/bin/python3-config
PY_CFLAGS := $(shell $(PYTHON_CONFIG) --includes 2>/dev/null)
PY_LIBS := $(shell $(PYTHON_CONFIG) --embed --ldflags 2>/dev/null)
PY_OK := $(if $(PY_CFLAGS),$(shell printf '\043include <Python.h>\n' | \
	 $(CC) $(PY_CFLAGS) -E -x c - >/dev/null 2>&1 && echo yes))
PYTHON_PLUGIN = $(if $(PY_OK),mapreduce-python.so)

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
       -Wmissing-prototypes -Wstrict-prototypes -Wformat=2 -Wundef
DEFINES = -DLIBEXECDIR='"$(LIBEXECDIR)"' -DMPIEXEC='"$(MPIEXEC)"' \
	  -DVERSION='"$(VERSION)"'
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(DEFINES)
LIBS = -lgmp -lm -ldl -pthread

# Modules without MPI, shared by both programs and the unit tests.
CORE_OBJ = range.o arith.o cpu.o kernel.o dsum.o reduce.o decimal.o map.o \
	   pyval.o expr.o eval.o vec.o
MANAGER_OBJ = mapreduce.o cli.o guard.o journal.o launch.o output.o plugin.o \
	      progress.o pyload.o sched.o serve.o transport.o
WORKER_OBJ = worker.o guard.o plugin.o pyload.o serve.o transport.o
MPI_OBJ = mapreduce.o launch.o progress.o serve.o transport.o worker.o
UNIT = tests/unit/t-range tests/unit/t-arith tests/unit/t-kernel tests/unit/t-reduce \
       tests/unit/t-decimal tests/unit/t-dsum tests/unit/t-journal \
       tests/unit/t-sched tests/unit/pyval-calc
HDR = common.h mapreduce.h range.h arith.h cpu.h kernel.h dsum.h reduce.h \
      decimal.h map.h pyval.h expr.h eval.h vec.h cli.h guard.h launch.h \
      output.h plugin.h progress.h pyload.h pyplugin.h sched.h serve.h \
      transport.h journal.h
BUILD_FLAGS = .build-flags

all: mapreduce worker $(PYTHON_PLUGIN) .mpi.mk
ifeq ($(PY_OK),)
	@echo "make: no Python headers from '$(PYTHON_CONFIG)': built without Python support (-k FILE.py)" >&2
endif

.mpi.mk: $(BUILD_FLAGS)
	@printf 'MPICC ?= %s\nMPIEXEC ?= %s\n' '$(MPICC)' '$(MPIEXEC)' > $@

mapreduce: $(MANAGER_OBJ) $(CORE_OBJ)
	$(MPICC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(MANAGER_OBJ) $(CORE_OBJ) \
	    $(LIBS) $(LDLIBS)

worker: $(WORKER_OBJ) $(CORE_OBJ)
	$(MPICC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(WORKER_OBJ) $(CORE_OBJ) \
	    $(LIBS) $(LDLIBS)

mapreduce-python.so: pyplugin.c pyplugin.h mapreduce.h $(BUILD_FLAGS)
	$(CC) $(ALL_CFLAGS) $(PY_CFLAGS) -fPIC -shared $(LDFLAGS) -o $@ \
	    pyplugin.c $(PY_LIBS) $(LDLIBS)

$(MPI_OBJ): %.o: %.c $(HDR) $(BUILD_FLAGS) | $(MPI_SETUP)
	$(MPICC) $(ALL_CFLAGS) -c -o $@ $<

range.o arith.o cpu.o kernel.o dsum.o reduce.o decimal.o map.o pyval.o \
    expr.o eval.o vec.o cli.o guard.o journal.o output.o plugin.o pyload.o \
    sched.o: %.o: %.c $(HDR) \
    $(BUILD_FLAGS) | $(MPI_SETUP)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# decimal.c converts a huge result on two threads.
decimal.o: ALL_CFLAGS += -pthread

# The expression's loops over arrays: -O3 vectorizes them (vec.c).
vec.o: ALL_CFLAGS += -O3

tests/unit/%: tests/unit/%.c tests/unit/tap.h tests/unit/rng.h \
    tests/unit/paths.h $(CORE_OBJ)
	$(CC) $(ALL_CFLAGS) -I. $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LIBS) $(LDLIBS)

# sched.c is the manager's, but needs no MPI: compiled into its test.
tests/unit/t-sched: tests/unit/t-sched.c tests/unit/tap.h tests/unit/rng.h \
    sched.c sched.h $(HDR) $(BUILD_FLAGS)
	$(CC) $(ALL_CFLAGS) -I. $(LDFLAGS) -o $@ $< sched.c $(LIBS) $(LDLIBS)

# The journal is the manager's alone: its test links only journal.o.
tests/unit/t-journal: tests/unit/t-journal.c tests/unit/tap.h tests/unit/rng.h \
    journal.o
	$(CC) $(ALL_CFLAGS) -I. $(LDFLAGS) -o $@ $< journal.o $(LDLIBS)

# Rebuild everything when the compiler, flags or install paths change.
$(BUILD_FLAGS): FORCE
	@printf '%s\n' '$(CC) $(MPICC) $(ALL_CFLAGS)' | cmp -s - $@ || \
	    printf '%s\n' '$(CC) $(MPICC) $(ALL_CFLAGS)' > $@

# Re-run when the script changes, e.g. to install a package added to it;
# it rebuilds MPICH only when its configure flags changed.
$(MPICH_PREFIX)/.complete: scripts/install-deps.sh
	MAPREDUCE_CACHE='$(MAPREDUCE_CACHE)' scripts/install-deps.sh
	touch $@

check: all examples $(UNIT)
	MPICC='$(MPICC)' MPIEXEC='$(MPIEXEC)' tests/run.sh

# The end-to-end suite with Debian's Open MPI 4.1 (libopenmpi-dev, which
# scripts/install-deps.sh --dev installs), on a copy of the tree built with
# it in a temporary directory, so that this tree's build and .mpi.mk stay as
# they are.  tests/lib.sh knows Open MPI's mpiexec from its --version.
OMPI_MPICC ?= /usr/bin/mpicc.openmpi
OMPI_MPIEXEC ?= /usr/bin/mpiexec.openmpi
check-openmpi:
	@test -x '$(OMPI_MPICC)' && test -x '$(OMPI_MPIEXEC)' || { echo \
	    "make check-openmpi: no '$(OMPI_MPICC)' (scripts/install-deps.sh --dev)" \
	    >&2; exit 1; }
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/mapreduce-openmpi.XXXXXX") && \
	trap 'rm -rf "$$d"' EXIT && cp -Rp . "$$d/src" && cd "$$d/src" && \
	$(MAKE) -s distclean && \
	$(MAKE) MPICC='$(OMPI_MPICC)' MPIEXEC='$(OMPI_MPIEXEC)' mapreduce worker \
	    examples && \
	MPICC='$(OMPI_MPICC)' MPIEXEC='$(OMPI_MPIEXEC)' EXPR_COUNT=60 \
	    tests/run.sh tests/e2e/t*.sh

# aarch64, with Debian's cross compiler and qemu-user (scripts/install-deps.sh
# --dev): the unit tests and t-dsum's Python oracle run under qemu-aarch64,
# where only the portable twins of the x86 fast paths exist (cpu.h), and
# every other .c is compiled to an aarch64 object, warnings as errors.
# qemu runs them with the loader and libc of Debian's libc6:arm64 (-L /),
# which libgmp10:arm64 brings: the cross toolchain's own, in
# /usr/aarch64-linux-gnu, is an older build of glibc 2.36 whose loader, with
# the newer libc that it finds in /lib/aarch64-linux-gnu, hangs in the first
# pthread_create().  t-decimal, which starts two threads a case, runs fewer
# cases here: a thread costs milliseconds under qemu.
# (t-pyval-python.py is not run: its oracle, the host's CPython, has the
# host's libm and NaN sign, and aarch64's differ, as CPython's would there.)  The
# cross build has no MPI of its own: the files that use MPI are compiled
# against the host MPICH's mpi.h, whose types are those of any LP64 Linux
# (int handles, long MPI_Aint), aarch64's as x86-64's; the linking is left
# out, and the Python plugin gets aarch64's pyconfig.h from A64_PY_CFLAGS.
A64 = aarch64
A64_CC ?= aarch64-linux-gnu-gcc
A64_EXEC ?= qemu-aarch64 -L /
A64_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g -Werror $(DEFINES)
A64_PY_CFLAGS ?= -I$(MAPREDUCE_CACHE)/arm64/usr/include \
		 -I$(MAPREDUCE_CACHE)/arm64/usr/include/python3.11
A64_UNIT = $(UNIT:tests/unit/%=$(A64)/%)
A64_OBJ = $(sort $(CORE_OBJ) $(MANAGER_OBJ) $(WORKER_OBJ) pyplugin.o)
MPI_INCLUDE = $(dir $(shell command -v '$(MPICC)'))../include

check-aarch64: $(A64_UNIT) $(A64_OBJ:%=$(A64)/%)
	for t in $(filter-out %/pyval-calc %/t-decimal,$(A64_UNIT)); do \
	    $(A64_EXEC) $$t || exit 1; \
	done
	$(A64_EXEC) $(A64)/t-decimal 20
	TEST_EXEC='$(A64_EXEC)' T_DSUM=$(A64)/t-dsum \
	    tests/unit/t-dsum-python.py

$(A64)/%.o: %.c $(HDR) | $(MPI_SETUP)
	@mkdir -p $(A64)
	$(A64_CC) $(A64_CFLAGS) -I$(MPI_INCLUDE) -c -o $@ $<

$(A64)/vec.o: A64_CFLAGS += -O3
$(A64)/pyplugin.o: A64_CFLAGS += $(A64_PY_CFLAGS)

$(A64)/%: tests/unit/%.c tests/unit/tap.h tests/unit/rng.h \
    tests/unit/paths.h $(CORE_OBJ:%=$(A64)/%)
	$(A64_CC) $(A64_CFLAGS) -I. -o $@ $< $(CORE_OBJ:%=$(A64)/%) $(LIBS)

$(A64)/t-journal: tests/unit/t-journal.c tests/unit/tap.h tests/unit/rng.h \
    $(A64)/journal.o
	$(A64_CC) $(A64_CFLAGS) -I. -o $@ $< $(A64)/journal.o

$(A64)/t-sched: tests/unit/t-sched.c tests/unit/tap.h tests/unit/rng.h \
    sched.c sched.h $(HDR)
	@mkdir -p $(A64)
	$(A64_CC) $(A64_CFLAGS) -I. -o $@ $< sched.c

# More random cases than make check's fixed 50: make check-random SEED=7 COUNT=500
SEED ?= 1
COUNT ?= 200
check-random: all
	SEED='$(SEED)' COUNT='$(COUNT)' MPIEXEC='$(MPIEXEC)' \
	    TEST_TIMEOUT=3600 tests/run.sh tests/e2e/t07-random.sh

# The whole suite with AddressSanitizer and UndefinedBehaviorSanitizer in the
# manager, the workers and the unit tests; any report fails a test.  It
# rebuilds the tree with these flags (the next plain make rebuilds it back).
# t12 is left out: minutes of Slurm job scripts, whose C paths (the plain
# start, the static launch) the other tests take too.
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
check-sanitize:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:suppressions='$(CURDIR)/tests/asan.supp' \
	LSAN_OPTIONS=suppressions='$(CURDIR)/tests/lsan.supp':print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1 EXPR_COUNT=60 \
	LEAVE_OUT=tests/e2e/t12-slurm.sh \
	    $(MAKE) CFLAGS='-O1 -g -fno-omit-frame-pointer $(SANITIZE)' \
	    LDFLAGS='$(SANITIZE)' check

# Static analysis: gcc's -fanalyzer and cppcheck must find nothing.
# cppcheck's variableScope is off because KNF (style(9)) declares locals at
# the top of a function; that is a layout choice, not a finding.
CPPCHECK = cppcheck --std=c11 --enable=warning,style,performance,portability \
	   --suppress=variableScope --error-exitcode=1 --quiet -D_GNU_SOURCE
# gcc 12's analyzer loses a realloc(3)ed array kept in a struct that the
# compiler reaches through another (expr.c's code and constants, vec.c's
# arrays and steps, freed by expr_free() and vec_free(), sched.c's spans,
# freed by sched_free()) and calls it a leak at every return: these three
# have cppcheck, and LeakSanitizer under the fuzzer and make check-sanitize
# (t-sched's 20,000 runs for sched.c), instead.
ANALYZE_SRC = $(filter-out expr.c vec.c sched.c,$(MANAGER_OBJ:.o=.c) \
	      worker.c $(CORE_OBJ:.o=.c))
lint: | $(MPI_SETUP)
	for f in $(ANALYZE_SRC); do \
	    $(MPICC) $(ALL_CFLAGS) -fanalyzer -Werror -c -o /dev/null $$f || exit 1; \
	done
	$(CPPCHECK) -I. -I"$$(dirname "$$(command -v '$(MPICC)')")/../include" \
	    $(sort $(MANAGER_OBJ:.o=.c) worker.c $(CORE_OBJ:.o=.c))

check-valgrind: all $(UNIT)
	MPIEXEC='$(MPIEXEC)' tests/run.sh tests/valgrind.sh

# The benchmark of docs/performance.md: the tool against a hand-written SPMD
# program, a serial loop, the bare spawn, mpi4py and serial GMP (a few minutes).
bench: all examples
	scripts/install-deps.sh --bench --packages-only
	MPICC='$(MPICC)' MPIEXEC='$(MPIEXEC)' CFLAGS='$(CFLAGS)' bench/run.sh
	MPICC='$(MPICC)' MPIEXEC='$(MPIEXEC)' CFLAGS='$(CFLAGS)' bench/kernels.sh
	MPICC='$(MPICC)' MPIEXEC='$(MPIEXEC)' CFLAGS='$(CFLAGS)' bench/python.sh
	MPICC='$(MPICC)' MPIEXEC='$(MPIEXEC)' bench/faults.sh
	MPICC='$(MPICC)' MPIEXEC='$(MPIEXEC)' CFLAGS='$(CFLAGS)' bench/product.sh

run: all
	'$(MPIEXEC)' -n 1 -usize 17 ./mapreduce

env: | $(MPI_SETUP)
	@p=$$(command -v '$(MPIEXEC)') || { \
	    echo "make env: no '$(MPIEXEC)' found" >&2; exit 1; }; \
	printf 'export PATH="%s:$$PATH"\n' "$$(dirname "$$p")"

# The modulefile names the install's directories, as mapreduce.pc does;
# rewritten only when they or VERSION change its text.
MODULEFILE_SED = sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
		 -e 's|@MANDIR@|$(MANDIR)|g' \
		 -e 's|@PKGCONFIGDIR@|$(PKGCONFIGDIR)|g' contrib/modulefile.in
mapreduce.module: contrib/modulefile.in FORCE
	@$(MODULEFILE_SED) | cmp -s - $@ || $(MODULEFILE_SED) > $@

install: all mapreduce.pc mapreduce.module
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MODULEFILEDIR)/mapreduce \
	    $(DESTDIR)$(BASHCOMPDIR)
	cp -f mapreduce $(DESTDIR)$(BINDIR)/mapreduce
	cp -f worker $(DESTDIR)$(LIBEXECDIR)/worker
	$(if $(PYTHON_PLUGIN),cp -f $(PYTHON_PLUGIN) $(DESTDIR)$(LIBEXECDIR)/)
	cp -f mapreduce.h $(DESTDIR)$(INCLUDEDIR)/mapreduce.h
	cp -f mapreduce.pc $(DESTDIR)$(PKGCONFIGDIR)/mapreduce.pc
	sed -e 's|/usr/local/libexec/mapreduce|$(LIBEXECDIR)|g' \
	    -e 's|/usr/local/share/modulefiles|$(MODULEFILEDIR)|g' \
	    -e 's|/usr/local/share/bash-completion/completions|$(BASHCOMPDIR)|g' \
	    mapreduce.1 > $(DESTDIR)$(MANDIR)/man1/mapreduce.1
	cp -f mapreduce.module $(DESTDIR)$(MODULEFILEDIR)/mapreduce/$(VERSION)
	cp -f contrib/bash-completion $(DESTDIR)$(BASHCOMPDIR)/mapreduce
	chmod 755 $(DESTDIR)$(BINDIR)/mapreduce $(DESTDIR)$(LIBEXECDIR)/worker
	chmod 644 $(DESTDIR)$(MANDIR)/man1/mapreduce.1 \
	    $(DESTDIR)$(INCLUDEDIR)/mapreduce.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/mapreduce.pc \
	    $(DESTDIR)$(MODULEFILEDIR)/mapreduce/$(VERSION) \
	    $(DESTDIR)$(BASHCOMPDIR)/mapreduce

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mapreduce $(DESTDIR)$(LIBEXECDIR)/worker \
	    $(DESTDIR)$(LIBEXECDIR)/mapreduce-python.so \
	    $(DESTDIR)$(MANDIR)/man1/mapreduce.1 \
	    $(DESTDIR)$(INCLUDEDIR)/mapreduce.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/mapreduce.pc \
	    $(DESTDIR)$(MODULEFILEDIR)/mapreduce/$(VERSION) \
	    $(DESTDIR)$(BASHCOMPDIR)/mapreduce
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MODULEFILEDIR)/mapreduce \
	    2>/dev/null

clean: fuzz-clean examples-clean
	rm -f mapreduce worker mapreduce-python.so mapreduce.module *.o $(UNIT) \
	    $(BUILD_FLAGS)
	rm -rf $(A64)

distclean: clean
	rm -f .mpi.mk

# make fuzz FUZZ_SECONDS=N: libFuzzer on the parsers (needs install-deps.sh --dev)
include tests/fuzz/fuzz.mk
include examples/examples.mk

.PHONY: all bench check check-aarch64 check-openmpi check-random check-sanitize check-valgrind lint run env install uninstall clean distclean FORCE
