/* dsum-speed.c - nanoseconds per value of dsum_add() against s += v[i] */

/*
 * usage: cc -std=c11 -D_GNU_SOURCE -O2 -I. -o bench/build/dsum-speed \
 *	    bench/dsum-speed.c dsum.c arith.c cpu.c -lgmp -lm
 *	  bench/build/dsum-speed
 *
 * Sums 2^20 values in batches of 4096, as a worker sums a kernel's
 * batches, and prints a Markdown table: the best of 20 times, in
 * nanoseconds per value, for dsum_add() and for the naive loop of cpi.c,
 * on data of several kinds.  MAPREDUCE_PORTABLE=1 measures the
 * portable loops instead of AVX2.  The last rows time the pi kernel's map,
 * 4 / (1 + x * x), and cpi.c's whole loop, to put the sum in proportion.
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "dsum.h"

#define BATCH	4096
#define VALUES	(256 * BATCH)
#define ROUNDS	20

static double	v[VALUES];
static volatile double sink;	/* keeps the loops from being optimized out */
static uint64_t	state = 88172645463325252u;

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* xorshift64*, uniform in [0, 1). */
static double
uniform(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (double)((state * 0x2545f4914f6cdd1du) >> 11) * 0x1p-53;
}

static double
time_dsum(void)
{
	struct dsum s = DSUM_INIT;
	double t = now();
	size_t b;

	for (b = 0; b < VALUES; b += BATCH)
		dsum_add(&s, v + b, BATCH);
	t = now() - t;
	sink = dsum_value(&s);
	return t;
}

static double
time_naive(void)
{
	double t = now(), s = 0;
	size_t i;

	for (i = 0; i < VALUES; i++)
		s += v[i];
	t = now() - t;
	sink = s;
	return t;
}

static double
time_min(void)
{
	double t = now(), m = INFINITY;
	size_t b;

	for (b = 0; b < VALUES; b += BATCH)
		dsum_min(&m, v + b, BATCH);
	t = now() - t;
	sink = m;
	return t;
}

/* The pi kernel's map alone, then cpi.c's loop: map and naive sum. */
static double
time_map(void)
{
	double t = now(), h = 1.0 / VALUES, x;
	size_t i;

	for (i = 0; i < VALUES; i++) {
		x = h * ((double)i + 0.5);
		v[i] = 4.0 / (1.0 + x * x);
	}
	return now() - t;
}

static double
time_cpi(void)
{
	double t = now(), h = 1.0 / VALUES, x, s = 0;
	size_t i;

	for (i = 0; i < VALUES; i++) {
		x = h * ((double)i + 0.5);
		s += 4.0 / (1.0 + x * x);
	}
	t = now() - t;
	sink = s;
	return t;
}

static double
best(double (*f)(void))
{
	double t, min = INFINITY;
	int r;

	for (r = 0; r < ROUNDS; r++)
		if ((t = f()) < min)
			min = t;
	return min / VALUES * 1e9;
}

static void
row(const char *data)
{
	printf("| %-30s | %8.3f | %8.3f | %8.3f |\n", data, best(time_dsum),
	    best(time_naive), best(time_min));
}

int
main(void)
{
	double h = 1.0 / VALUES, x;
	size_t i;

	printf("| %-30s | %8s | %8s | %8s |\n",
	    "values (2^20, batches of 4096)", "dsum_add", "s += v", "dsum_min");
	printf("|%s|---------:|---------:|---------:|\n",
	    "--------------------------------");
	for (i = 0; i < VALUES; i++) {
		x = h * ((double)i + 0.5);
		v[i] = 4.0 / (1.0 + x * x);
	}
	row("pi: 4 / (1 + x^2)");
	for (i = 0; i < VALUES; i++)
		v[i] = 1.0 / ((double)i + 1) / ((double)i + 1);
	row("1 / i^2");
	for (i = 0; i < VALUES; i++)
		v[i] = sin((double)i);
	row("sin(i)");
	for (i = 0; i < VALUES; i++)
		v[i] = (uniform() < 0.5 ? -1 : 1) *
		    pow(10, 600 * uniform() - 300);
	row("either sign, 1e-300 to 1e300");
	for (i = 0; i < VALUES; i += 2) {
		v[i] = (2 * uniform() - 1) * pow(2, 60 * uniform());
		v[i + 1] = -v[i];
	}
	row("x and -x, x up to 2^60 in size");
	for (i = 0; i < VALUES; i++)
		v[i] = i % 1000 == 0 ? 1e-20 : 1 + uniform();
	row("[1, 2), 1e-20 every 1000");
	printf("\n4 / (1 + x * x) into an array: %.3f ns a value\n",
	    best(time_map));
	printf("cpi.c's loop, map and s +=:    %.3f ns a value\n",
	    best(time_cpi));
	return 0;
}
