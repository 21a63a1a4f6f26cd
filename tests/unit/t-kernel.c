/* t-kernel.c - unit tests of the product/sum kernel against naive GMP */

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu.h"
#include "kernel.h"
#include "paths.h"
#include "range.h"
#include "rng.h"
#include "tap.h"

#define MAXARITY	4

/* The map and reduce element by element, every product in GMP. */
static void
naive(const struct mr_range *r, uint32_t arity, uint64_t first,
    uint64_t count, mpz_t sum)
{
	mpz_t p;
	uint64_t i;
	uint32_t j;

	mpz_init(p);
	mpz_set_ui(sum, 0);
	for (i = first; i < first + count; i++) {
		mpz_set_si(p, range_at(&r[0], i));
		for (j = 1; j < arity; j++)
			mpz_mul_si(p, p, range_at(&r[j], i));
		mpz_add(sum, sum, p);
	}
	mpz_clear(p);
}

/* The whole map as `parts` blocks, as workers would split it. */
static int
kernel_agrees(const struct mr_range *r, uint32_t arity, uint64_t n, int parts)
{
	struct acc acc = ACC_INIT;
	mpz_t got, want;
	uint64_t first;
	int k, same;

	for (k = 0; k < parts; k++) {
		first = n * (uint64_t)k / (uint64_t)parts;
		if (kernel_product_sum(r, arity, first,
		    n * (uint64_t)(k + 1) / (uint64_t)parts - first, &acc) != 0)
			return 0;
	}
	mpz_inits(got, want, NULL);
	acc_get(&acc, got);
	naive(r, arity, 0, n, want);
	same = mpz_cmp(got, want) == 0;
	acc_release(&acc);
	mpz_clears(got, want, NULL);
	return same;
}

/* A range of n elements starting at start, stepping toward 0 if needed. */
static struct mr_range
make_range(int64_t start, int64_t step, uint64_t n)
{
	struct mr_range r = { start, 0, step };
	int128 stop = (int128)start + (int128)step * (int128)n;

	if (stop > INT64_MAX)
		stop = INT64_MAX;
	if (stop < INT64_MIN)
		stop = INT64_MIN;
	r.stop = (int64_t)stop;
	return r;
}

/* The first `limit` elements of the map of r, or all when fewer. */
static void
test_case(const char *what, const struct mr_range *r, uint32_t arity,
    uint64_t limit, int parts)
{
	uint64_t n = limit;
	uint32_t j;

	for (j = 0; j < arity; j++)
		if (range_len(&r[j]) < n)
			n = range_len(&r[j]);
	ok(kernel_agrees(r, arity, n, parts), "%s (arity %" PRIu32 ", %" PRIu64
	    " elements, %d blocks)", what, arity, n, parts);
}

/* Random ranges with bounds anywhere in 64 bits: all three code paths. */
static void
test_random(int cases)
{
	struct mr_range r[MAXARITY];
	int c, bad = 0;
	uint32_t arity, j;
	uint64_t n;

	for (c = 0; c < cases; c++) {
		arity = 1 + (uint32_t)(rng() % MAXARITY);
		n = rng() % 300;
		for (j = 0; j < arity; j++) {
			int shift = (int)(rng() % 64);
			int64_t start = (int64_t)rng() >> shift;
			int wider = shift + (int)(rng() % 8);
			int64_t step = (int64_t)rng() >> (wider > 63 ? 63 : wider);

			if (step == 0)
				step = -1;
			r[j] = make_range(start, step, n);
		}
		for (j = 1; j < arity; j++)
			if (range_len(&r[j]) < n)
				n = range_len(&r[j]);
		if (!kernel_agrees(r, arity, n, 1 + (int)(rng() % 5)))
			bad++;
	}
	ok(bad == 0, "%d random range sets, arity 1 to %d", cases, MAXARITY);
}

/*
 * More than ROUNDS_MAX (2^32 - 1) rounds of the vector kernel in one block,
 * with values near 2^63, whose 32-bit halves would overflow the lanes
 * without a flush; checked against the closed form n*M - n(n-1)/2.  About
 * a second; T_KERNEL_QUICK skips it (memcheck would take minutes), and so
 * do the portable paths, which have no vector kernel to flush (their int128
 * loop would take ten times as long, hours under qemu).
 */
static void
test_long_block(void)
{
	struct mr_range r[] = { { INT64_MAX, 0, -1 } };
	/* 2^32 + 3 rounds of 4 lanes: (2^32 + 3) (2^32 - 4) > 2^64. */
	uint64_t n = 4 * (((uint64_t)1 << 32) + 3);
	struct acc acc = ACC_INIT;
	mpz_t got, want, t;

	if (getenv("T_KERNEL_QUICK") != NULL) {
		printf("ok %d - # SKIP 2^34 + 7 elements (T_KERNEL_QUICK)\n",
		    ++tap_count);
		return;
	}
	if (!(cpu_features() & CPU_AVX2)) {
		printf("ok %d - # SKIP 2^34 + 12 elements (no vector kernel)\n",
		    ++tap_count);
		return;
	}
	mpz_inits(got, want, t, NULL);
	kernel_product_sum(r, 1, 0, n, &acc);
	acc_get(&acc, got);
	mpz_set_ui(want, n);
	mpz_mul_ui(want, want, (unsigned long)INT64_MAX);
	mpz_set_ui(t, n);
	mpz_mul_ui(t, t, n - 1);
	mpz_divexact_ui(t, t, 2);
	mpz_sub(want, want, t);
	ok(mpz_cmp(got, want) == 0, "one block of 2^34 + 12 elements near"
	    " 2^63: the closed form");
	acc_release(&acc);
	mpz_clears(got, want, t, NULL);
}

/*
 * MAPREDUCE_PORTABLE turns every fast path off; unset, empty or "0", the
 * fast paths are the CPU's own.
 */
static void
test_switch(void)
{
	unsigned cpu;

	unsetenv("MAPREDUCE_PORTABLE");
	cpu_reset();
	cpu = cpu_features();
#ifdef __x86_64__
	ok(!(cpu & CPU_AVX2) == !__builtin_cpu_supports("avx2"),
	    "AVX2 fast paths as the CPU has AVX2 (cpu_features() 0x%x)", cpu);
#else
	ok(cpu == 0, "no fast path off x86-64 (cpu_features() 0x%x)", cpu);
#endif
	setenv("MAPREDUCE_PORTABLE", "", 1);
	cpu_reset();
	ok(cpu_features() == cpu, "MAPREDUCE_PORTABLE= leaves them on");
	setenv("MAPREDUCE_PORTABLE", "0", 1);
	cpu_reset();
	ok(cpu_features() == cpu, "MAPREDUCE_PORTABLE=0 leaves them on");
	setenv("MAPREDUCE_PORTABLE", "1", 1);
	cpu_reset();
	ok(cpu_features() == 0, "MAPREDUCE_PORTABLE=1 turns them off");
	setenv("MAPREDUCE_PORTABLE", "yes", 1);
	cpu_reset();
	ok(cpu_features() == 0, "MAPREDUCE_PORTABLE=yes turns them off");
}

static void
test_all(void)
{
	struct mr_range seed[] = { { 1, 101, 1 }, { 101, 201, 1 } };
	struct mr_range extreme[] = { { INT64_MIN, INT64_MAX, 1 },
	    { INT64_MIN, INT64_MAX, 1 } };
	struct mr_range top[] = { { INT64_MAX, 0, -1 }, { INT64_MIN, 0, 1 },
	    { INT64_MAX, 0, -1 } };
	struct mr_range mixed[] = { { INT64_MIN, INT64_MAX, 1 },
	    { INT64_MAX, INT64_MIN, -1 }, { -3, 1000000, 1 }, { 1 << 30,
	    INT64_MAX, 1 << 20 } };
	struct mr_range one[] = { { INT64_MAX, INT64_MIN, -1 } };
	struct mr_range empty[] = { { 5, 5, 1 }, { 0, 10, 1 } };
	struct mr_range ends[] = { { INT64_MAX - 999, INT64_MAX, 1 },
	    { INT64_MIN + 999, INT64_MIN, -1 } };
	/* 4294967295^2 < 2^64 and 4294967296^2 = 2^64: right at the edge. */
	struct mr_range unsigned64[] = { { 4294967295, 0, -1 },
	    { 4294967295, 0, -1 } };
	struct mr_range nonpositive64[] = { { 4294967295, 0, -1 },
	    { -4294967295, 0, 1 } };
	struct mr_range mixed63[] = { { -50000, 3037000499, 1 },
	    { 3037000499, -3037000499, -7 } };
	struct mr_range mixed1[] = { { -50000, INT64_MAX, 3 } };
	struct mr_range top1[] = { { INT64_MAX, 0, -1000 } };

	rng_state = 0x2545f4914f6cdd1du;

	test_case("the seed's ranges", seed, 2, 1000, 1);
	test_case("the seed's ranges", seed, 2, 1000, 7);
	test_case("products of 2^126, sum beyond 2^128", extreme, 2, 100000, 3);
	test_case("products beyond 2^128", top, 3, 100000, 2);
	test_case("arity 4 near both 64-bit ends", mixed, 4, 100000, 4);
	test_case("arity 1 from INT64_MAX down", one, 1, 100000, 3);
	test_case("empty range", empty, 2, 1000, 1);
	test_random(2000);

	/* The last elements of ranges that end at the 64-bit limits. */
	test_case("last elements before INT64_MAX", ends, 2, 1000, 3);

	/* Each bias of the 64-bit vector kernel, with and without a tail. */
	test_case("products in [0, 2^64): bias 0", unsigned64, 2, 100003, 3);
	test_case("products in (-2^64, 0]: bias 2^64 - 1", nonpositive64, 2,
	    100002, 2);
	test_case("products of both signs below 2^63", mixed63, 2, 100001, 5);
	test_case("arity 1 of both signs", mixed1, 1, 100007, 2);
	test_case("arity 1, values up to 2^63 - 1", top1, 1, 100005, 3);
	test_long_block();
}

int
main(void)
{
	int portable;

	test_switch();
	for (portable = paths_first(); portable <= 1; portable++) {
		paths_use(portable);
		test_all();
	}
	return tap_done();
}
