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
 * as in the x86-64-v3 and v4 clones below, and 1.0 + x * x fused rounds
 * once instead of twice (9% of the areas of -r 1:1000001 would differ).
 * (cpi.c's own running sum changes in its last digits with the number of
 * processes.)
 *
 * The loops are plain ones, written so that gcc -O2 vectorizes them: the
 * range's start and step are copied to locals, since out[] could alias
 * them, and the main loop covers a multiple of 8 elements, since -O2
 * vectorizes only loops that need no scalar remainder; the remainder has a
 * loop of its own.  x86-64 converts 64-bit integers to double in vectors
 * only from AVX-512DQ on, but 32-bit ones from SSE2 on.  So i is not
 * converted: for a batch within 2^52 of 0 (pi's always are), it is
 * computed in doubles as i0 + t * di from t, a 32-bit counter, which is
 * exact (areas32()); any other batch converts each 64-bit i
 * (areas64()).  Each loop is compiled three times (target_clones): for
 * x86-64-v4 (AVX-512), x86-64-v3 (AVX2) and any x86-64, and the dynamic
 * loader picks one for the CPU.  All give the same bits.
 */

#include <stddef.h>
#include <stdint.h>

#include "mapreduce.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_CLONES	__attribute__((target_clones("default", \
			    "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define VECTOR_CLONES
#endif

#define EXACT	((int64_t)1 << 52)	/* the bound of areas32()'s i */

static int	map_pi(const struct mapreduce_batch *, void *);
static void	areas32(const struct mapreduce_batch *, double, double *);
static void	areas64(const struct mapreduce_batch *, double, double *);
static int	small(const struct mapreduce_batch *);
static inline double area(double, double);

const struct mapreduce_kernel mapreduce_kernel = {
	.version = MAPREDUCE_KERNEL_VERSION,
	.type = MAPREDUCE_DOUBLE,
	.name = "midpoint rectangles",
	.arity_min = 1,
	.arity_max = 1,
	.map = map_pi
};

static int
map_pi(const struct mapreduce_batch *b, void *out)
{
	double h = 1.0 / (double)b->length;

	if (small(b))
		areas32(b, h, out);
	else
		areas64(b, h, out);
	return 0;
}

/*
 * The areas from a 32-bit counter: element t's i is i0 + t * di in
 * doubles, where t is an int32_t, converted in vectors.  small() makes
 * every term and every sum an integer below 2^53, exact, and so equal to
 * the conversion of the int64_t i, whether or not the multiply-add is
 * fused.
 */
VECTOR_CLONES
static void
areas32(const struct mapreduce_batch *b, double h, double *v)
{
	double i = (double)b->start[0], di = (double)b->step[0];
	int32_t t, n = (int32_t)(b->count - b->count % 8);

	for (t = 0; t < n; t++)
		v[t] = area(h, i + (double)t * di);
	for (; t < (int32_t)b->count; t++)
		v[t] = area(h, i + (double)t * di);
}

/*
 * The areas from 64-bit integers, each converted to the nearest double: a
 * vector loop where the CPU has AVX-512DQ, a scalar one elsewhere.
 */
VECTOR_CLONES
static void
areas64(const struct mapreduce_batch *b, double h, double *v)
{
	uint64_t i = (uint64_t)b->start[0], di = (uint64_t)b->step[0];
	size_t t, n = b->count - b->count % 8;

	for (t = 0; t < n; t++)
		v[t] = area(h, (double)(int64_t)(i + t * di));
	for (; t < b->count; t++)
		v[t] = area(h, (double)(int64_t)(i + t * di));
}

/*
 * Whether the batch's count fits an int32_t and its ends lie within 2^52
 * of 0: then so does every i, and t * di, which is i - i0, lies within
 * 2^53 (di does too, unless the batch has one element and t is 0).
 */
static int
small(const struct mapreduce_batch *b)
{
	int64_t x = mapreduce_value(b, 0, 0);
	int64_t z = mapreduce_value(b, 0, b->count - 1);

	return b->count <= INT32_MAX && x >= -EXACT && x <= EXACT &&
	    z >= -EXACT && z <= EXACT;
}

/* The i-th rectangle's area, as cpi.c and Python compute it. */
static inline double
area(double h, double i)
{
	double x = h * (i - 0.5);

	return h * 4.0 / (1.0 + x * x);
}
