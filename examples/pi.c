/* pi.c - a mapreduce kernel: pi by the midpoint rule, MPICH's cpi.c as a map */

/*
 * make examples; then
 *
 *	$ mpiexec -n 1 -usize 17 ./mapreduce -k examples/pi.so -r 1:1000001
 *	Sum of the midpoint rectangles equals 3.1415926535898766
 *
 * The computation of MPICH's examples/cpi.c: pi is the integral of
 * 4 / (1 + x^2) from 0 to 1.  The range 1..n (-r 1:N+1) stands for n
 * rectangles of width h = 1/n, and element i is the area of the i-th,
 * h * 4 / (1 + x^2) at its midpoint x = h * (i - 0.5).  n is the length of
 * the map, so a range other than 1..n gives other rectangles, not pi.
 *
 * mapreduce adds the areas exactly and rounds once, so the result does not
 * depend on -w, and it is, bit for bit, Python's
 *
 *	h = 1.0 / n
 *	math.fsum(h * 4.0 / (1.0 + x * x)
 *	    for x in (h * (i - 0.5) for i in range(1, n + 1)))
 *
 * since each area is computed here by the same IEEE operations in the same
 * order.  That needs -ffp-contract=off, as examples.mk builds it: in its
 * GNU modes gcc fuses multiplications and additions where the CPU has FMA,
 * as in the x86-64-v4 clone below, and 1.0 + x * x fused rounds once
 * instead of twice (9% of the areas of -r 1:1000001 would differ).
 * (cpi.c's own running sum changes in its last digits with the number of
 * processes.)
 *
 * The loop is the plain one, written so that gcc -O2 vectorizes it: the
 * range's start and step are copied to locals, since out[] could alias
 * them, and the main loop covers a multiple of 8 elements, since -O2
 * vectorizes only loops that need no scalar remainder; the remainder has a
 * loop of its own.  x86-64 converts 64-bit integers to double in vectors
 * only from AVX-512DQ on, so map() is compiled twice (target_clones): for
 * x86-64-v4, which -O2 vectorizes, and for any x86-64, a scalar loop; the
 * dynamic loader picks one for the CPU.  Both give the same bits.
 */

#include <stddef.h>
#include <stdint.h>

#include "mapreduce.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_CLONES	__attribute__((target_clones("default", \
			    "arch=x86-64-v4")))
#else
#define VECTOR_CLONES
#endif

static int	map_pi(const struct mapreduce_batch *, void *);
static inline double area(double, int64_t);

const struct mapreduce_kernel mapreduce_kernel = {
	.version = MAPREDUCE_KERNEL_VERSION,
	.type = MAPREDUCE_DOUBLE,
	.name = "midpoint rectangles",
	.arity_min = 1,
	.arity_max = 1,
	.map = map_pi
};

VECTOR_CLONES
static int
map_pi(const struct mapreduce_batch *b, void *out)
{
	double *v = out, h = 1.0 / (double)b->length;
	uint64_t i = (uint64_t)b->start[0], di = (uint64_t)b->step[0];
	size_t t, n = b->count - b->count % 8;

	for (t = 0; t < n; t++)
		v[t] = area(h, (int64_t)(i + t * di));
	for (; t < b->count; t++)
		v[t] = area(h, (int64_t)(i + t * di));
	return 0;
}

/* The i-th rectangle's area, as cpi.c and Python compute it. */
static inline double
area(double h, int64_t i)
{
	double x = h * ((double)i - 0.5);

	return h * 4.0 / (1.0 + x * x);
}
