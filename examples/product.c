/* product.c - a mapreduce kernel: the seed's x * y over two ranges, in int64_t */

/*
 * make examples; then
 *
 *	$ mpiexec -n 1 -usize 17 ./mapreduce -k examples/product.so \
 *	      -r 1:101 -r 101:201
 *	Sum of the products equals 843350
 *
 * The seed's map as a user kernel: element t is x * y, x and y the t-th
 * values of the two ranges.  Its values are int64_t, so every product must
 * fit 64 bits: map() proves that for a batch from the batch's ends, or else
 * checks each product and returns -1, ending the run, at the first that
 * does not fit.  Their sum may exceed 64 bits: mapreduce sums exactly.  The
 * built-in product (-m product) has no limit on the products either.
 *
 * The loop is the plain one, written so that gcc -O2 vectorizes it: the
 * bounds and steps are copied to locals, since out[] could alias them, and
 * the main loop covers a multiple of 8 elements, since -O2 vectorizes only
 * loops that need no scalar remainder; the remainder has a loop of its own.
 * x86-64 multiplies 64-bit integers in vectors only from AVX-512DQ on, so
 * map() is compiled twice (target_clones): for x86-64-v4, which -O2
 * vectorizes, and for any x86-64, a scalar loop; the dynamic loader picks
 * one for the CPU.  The products are computed modulo 2^64, which makes them
 * exact once they fit.
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

static int	map_product(const struct mapreduce_batch *, void *);
static int	checked(const struct mapreduce_batch *, int64_t *);
static uint64_t	bound(const struct mapreduce_batch *, uint32_t);

const struct mapreduce_kernel mapreduce_kernel = {
	.version = MAPREDUCE_KERNEL_VERSION,
	.type = MAPREDUCE_INT64,
	.name = "products",
	.arity_min = 2,
	.arity_max = 2,
	.map = map_product
};

VECTOR_CLONES
static int
map_product(const struct mapreduce_batch *b, void *out)
{
	int64_t *v = out;
	uint64_t x = (uint64_t)b->start[0], dx = (uint64_t)b->step[0];
	uint64_t y = (uint64_t)b->start[1], dy = (uint64_t)b->step[1];
	uint64_t m;
	size_t t, n;

	if (b->count == 0)
		return 0;
	if (__builtin_mul_overflow(bound(b, 0), bound(b, 1), &m) ||
	    m > INT64_MAX)
		return checked(b, v);
	n = b->count - b->count % 8;
	for (t = 0; t < n; t++)
		v[t] = (int64_t)((x + t * dx) * (y + t * dy));
	for (; t < b->count; t++)
		v[t] = (int64_t)((x + t * dx) * (y + t * dy));
	return 0;
}

/* The largest magnitude of range j in the batch: a range is monotonic. */
static uint64_t
bound(const struct mapreduce_batch *b, uint32_t j)
{
	int64_t x = mapreduce_value(b, j, 0);
	int64_t z = mapreduce_value(b, j, b->count - 1);
	uint64_t mx = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
	uint64_t mz = z < 0 ? 0 - (uint64_t)z : (uint64_t)z;

	return mx > mz ? mx : mz;
}

/* The products one by one, or -1 at the first beyond 64 bits. */
static int
checked(const struct mapreduce_batch *b, int64_t *v)
{
	size_t t;

	for (t = 0; t < b->count; t++)
		if (__builtin_mul_overflow(mapreduce_value(b, 0, t),
		    mapreduce_value(b, 1, t), &v[t]))
			return -1;
	return 0;
}
