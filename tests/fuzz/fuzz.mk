# fuzz.mk - libFuzzer targets for the user-input parsers (GNU make fragment)
#
# Included by the top-level Makefile, or standalone from the top directory:
#
#   make fuzz [FUZZ_SECONDS=N]   build tests/fuzz/fuzz-*, run each N seconds
#   make fuzz-clean              remove the fuzzers and what they found
#
# Needs Debian's clang and libclang-rt-14-dev (libFuzzer and the sanitizer
# runtimes; clang only recommends it).  Each fuzzer starts from its seed corpus
# tests/fuzz/corpus/NAME/ and writes the inputs it finds to a scratch
# directory, so the committed corpus never grows.  Whatever it finds
# (a crash, a sanitizer report, a leak, a failed property check) is saved as
# tests/fuzz/NAME-crash-* (or -leak-, -timeout-, -oom-) and fails make;
# replay it with tests/fuzz/fuzz-NAME FILE.  New interesting seeds can be
# merged by hand: tests/fuzz/fuzz-NAME -merge=1 tests/fuzz/corpus/NAME DIR.
#
# Recipes run from the top directory; every variable can be overridden.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_CFLAGS ?= -g -O1 -fsanitize=fuzzer,address,undefined \
	       -fno-sanitize-recover=undefined -std=c11 -D_GNU_SOURCE -I. \
	       -Wall -Wextra
FUZZ_FLAGS ?= -print_final_stats=1
FUZZ_DIR ?= tests/fuzz
FUZZ_NAMES ?= range cli expr

# Keep the including Makefile's default goal: a fragment must not take it.
# Standalone (make -f tests/fuzz/fuzz.mk), the default goal is fuzz.
_fuzz_default_goal := $(if $(filter 1,$(words $(MAKEFILE_LIST))),fuzz,\
		       $(.DEFAULT_GOAL))

FUZZ_BIN = $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz-%)
FUZZ_BUILD_FLAGS = $(FUZZ_DIR)/.build-flags

fuzz: $(FUZZ_BIN)
	@status=0; \
	for t in $(FUZZ_NAMES); do \
	    scratch=$$(mktemp -d "$${TMPDIR:-/tmp}/mapreduce-fuzz-$$t.XXXXXX") \
	        || exit 1; \
	    echo "fuzz: fuzz-$$t for $(FUZZ_SECONDS) s, seeds in" \
	        "$(FUZZ_DIR)/corpus/$$t"; \
	    $(FUZZ_DIR)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) \
	        -artifact_prefix=$(FUZZ_DIR)/$$t- $(FUZZ_FLAGS) \
	        "$$scratch" $(FUZZ_DIR)/corpus/$$t; \
	    rc=$$?; \
	    rm -rf "$$scratch"; \
	    if [ $$rc -ne 0 ]; then \
	        echo "fuzz: fuzz-$$t FAILED (exit $$rc); reproduce with" \
	            "$(FUZZ_DIR)/fuzz-$$t $(FUZZ_DIR)/$$t-<crash file>" >&2; \
	        status=1; \
	    else \
	        echo "fuzz: fuzz-$$t found nothing in $(FUZZ_SECONDS) s"; \
	    fi; \
	done; \
	exit $$status

$(FUZZ_DIR)/fuzz-range: $(FUZZ_DIR)/fuzz-range.c range.c range.h common.h \
    $(FUZZ_BUILD_FLAGS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_DIR)/fuzz-range.c range.c

# The language of -e: the parser and compiler, and the numbers they fold.
# clang refuses dsum.c's AVX2 helpers without -mavx2 (GCC takes them):
# these fuzzers run on x86-64 machines with AVX2, as CI's.
FUZZ_EXPR_SRC = expr.c pyval.c dsum.c arith.c cpu.c vec.c
FUZZ_EXPR_HDR = expr.h pyval.h dsum.h arith.h cpu.h vec.h common.h
FUZZ_EXPR_CFLAGS = $(if $(filter x86_64,$(shell uname -m)),-mavx2)

$(FUZZ_DIR)/fuzz-cli: $(FUZZ_DIR)/fuzz-cli.c cli.c range.c cli.h range.h \
    $(FUZZ_EXPR_SRC) $(FUZZ_EXPR_HDR) $(FUZZ_BUILD_FLAGS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_EXPR_CFLAGS) -o $@ \
	    $(FUZZ_DIR)/fuzz-cli.c cli.c range.c $(FUZZ_EXPR_SRC) -lgmp -lm

$(FUZZ_DIR)/fuzz-expr: $(FUZZ_DIR)/fuzz-expr.c $(FUZZ_EXPR_SRC) \
    $(FUZZ_EXPR_HDR) $(FUZZ_BUILD_FLAGS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_EXPR_CFLAGS) -o $@ \
	    $(FUZZ_DIR)/fuzz-expr.c $(FUZZ_EXPR_SRC) -lgmp -lm

# Rebuild the fuzzers when the compiler or its flags change.
$(FUZZ_BUILD_FLAGS): FORCE
	@printf '%s\n' '$(FUZZ_CC) $(FUZZ_CFLAGS)' | cmp -s - $@ || \
	    printf '%s\n' '$(FUZZ_CC) $(FUZZ_CFLAGS)' > $@

fuzz-clean:
	rm -f $(FUZZ_BIN) $(FUZZ_BUILD_FLAGS) $(FUZZ_DIR)/*-crash-* \
	    $(FUZZ_DIR)/*-leak-* $(FUZZ_DIR)/*-timeout-* $(FUZZ_DIR)/*-oom-* \
	    $(FUZZ_DIR)/*-slow-unit-*

FORCE:

.PHONY: fuzz fuzz-clean FORCE

.DEFAULT_GOAL := $(strip $(_fuzz_default_goal))
