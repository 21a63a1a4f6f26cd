# examples.mk - the example kernels, and mapreduce.pc (GNU make fragment)
#
# Included by the top-level Makefile, or standalone from the top directory:
#
#   make examples        build examples/*.so from examples/*.c
#   make mapreduce.pc    the pkg-config file, for PREFIX (INCLUDEDIR)
#   make examples-clean  remove what these build
#
# A kernel is built as a user would build one (see mapreduce.h), with the
# tool's warnings and -ffp-contract=off: without fused multiply-adds, a
# double kernel rounds step by step as Python does, which the tests compare
# bit for bit.  The kernels are rebuilt when the compiler or its flags
# change, so that a kernel built by make check-sanitize is not loaded into
# plain workers.
#
# Recipes run from the top directory; every variable can be overridden.

EXAMPLES_DIR ?= examples
EXAMPLES_NAMES ?= product pi primes
EXAMPLES_CFLAGS ?= -std=c11 $(WARN) $(CFLAGS) -I. -shared -fPIC \
		   -ffp-contract=off
CFLAGS ?= -O2 -g
# Where make install puts mapreduce.h and mapreduce.pc (the top Makefile).
PREFIX ?= /usr/local
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(PREFIX)/lib/pkgconfig
VERSION ?= $(shell sed -n 's/^VERSION = //p' Makefile)

# Keep the including Makefile's default goal: a fragment must not take it.
# Standalone (make -f examples/examples.mk), the default goal is examples.
_examples_default_goal := $(if $(filter 1,$(words $(MAKEFILE_LIST))),\
			  examples,$(.DEFAULT_GOAL))

EXAMPLES_SO = $(EXAMPLES_NAMES:%=$(EXAMPLES_DIR)/%.so)
EXAMPLES_BUILD_FLAGS = $(EXAMPLES_DIR)/.build-flags

examples: $(EXAMPLES_SO)

$(EXAMPLES_DIR)/%.so: $(EXAMPLES_DIR)/%.c mapreduce.h $(EXAMPLES_BUILD_FLAGS)
	$(CC) $(EXAMPLES_CFLAGS) $(LDFLAGS) -o $@ $<

$(EXAMPLES_BUILD_FLAGS): FORCE
	@printf '%s\n' '$(CC) $(EXAMPLES_CFLAGS) $(LDFLAGS)' | cmp -s - $@ || \
	    printf '%s\n' '$(CC) $(EXAMPLES_CFLAGS) $(LDFLAGS)' > $@

# Rewritten only when PREFIX, INCLUDEDIR or VERSION change its text.
MAPREDUCE_PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|g' \
		   -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
		   -e 's|@VERSION@|$(VERSION)|g' mapreduce.pc.in
mapreduce.pc: mapreduce.pc.in FORCE
	@$(MAPREDUCE_PC_SED) | cmp -s - $@ || $(MAPREDUCE_PC_SED) > $@

examples-clean:
	rm -f $(EXAMPLES_SO) $(EXAMPLES_BUILD_FLAGS) mapreduce.pc

FORCE:

.PHONY: examples examples-clean FORCE

.DEFAULT_GOAL := $(strip $(_examples_default_goal))
