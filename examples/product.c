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
 * The loops are plain ones, written so that gcc -O2 vectorizes them: the
 * bounds and steps are copied to locals, since out[] could alias them, and
 * the main loop covers a multiple of 8 elements, since -O2 vectorizes only
 * loops that need no scalar remainder; the remainder has a loop of its own.
 * What the CPU multiplies in vectors decides the rest.  AVX2 multiplies
 * 32-bit integers into 64-bit products (vpmuludq), but 64-bit integers only
 * from AVX-512DQ on.  So a batch whose two ranges keep one sign and stay
 * below 2^32 in magnitude, as all but one batch of
 * -r -3000000000:3000000000 twice do, is multiplied in 32 bits, with the
 * sign put back by a mask (products32()); any other batch in 64 bits
 * (products64()).  Each loop is compiled three times (target_clones): for
 * x86-64-v4 (AVX-512), x86-64-v3 (AVX2) and any x86-64, and the dynamic
 * loader picks one for the CPU.  Without AVX2 products32() would run
 * scalar, slower than products64(), so map() asks the CPU first.
 */

#include <stddef.h>
#include <stdint.h>

#include "mapreduce.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_CLONES	__attribute__((target_clones("default", \
			    "arch=x86-64-v3", "arch=x86-64-v4")))
#define VECTOR_MUL32	__builtin_cpu_supports("avx2")
#else
#define VECTOR_CLONES
#define VECTOR_MUL32	0	/* -O2 vectorizes neither loop here */
#endif

static int	map_product(const struct mapreduce_batch *, void *);
static void	products32(const struct mapreduce_batch *, int64_t *);
static void	products64(const struct mapreduce_batch *, int64_t *);
static int	narrow(const struct mapreduce_batch *, uint32_t);
static uint32_t	magnitude(int64_t, int);
static uint64_t	bound(const struct mapreduce_batch *, uint32_t);
static int	checked(const struct mapreduce_batch *, int64_t *);

const struct mapreduce_kernel mapreduce_kernel = {
	.version = MAPREDUCE_KERNEL_VERSION,
	.type = MAPREDUCE_INT64,
	.name = "products",
	.arity_min = 2,
	.arity_max = 2,
	.map = map_product
};

static int
map_product(const struct mapreduce_batch *b, void *out)
{
	int64_t *v = out;
	uint64_t m;

	if (b->count == 0)
		return 0;
	if (__builtin_mul_overflow(bound(b, 0), bound(b, 1), &m) ||
	    m > INT64_MAX)
		return checked(b, v);
	if (VECTOR_MUL32 && b->count <= UINT32_MAX && narrow(b, 0) &&
	    narrow(b, 1))
		products32(b, v);
	else
		products64(b, v);
	return 0;
}

/*
 * The products from 32-bit magnitudes.  Neither range changes sign, so
 * |x| and |y| are arithmetic progressions too, and x * y is |x| * |y|, a
 * 32-by-32-bit multiply into 64 bits, or its negation when the signs
 * differ: -p is (p ^ ~0) + 1, a mask rather than a branch.
 */
VECTOR_CLONES
static void
products32(const struct mapreduce_batch *b, int64_t *v)
{
	int nx = b->start[0] < 0, ny = b->start[1] < 0;
	uint32_t x = magnitude(b->start[0], nx), dx = magnitude(b->step[0], nx);
	uint32_t y = magnitude(b->start[1], ny), dy = magnitude(b->step[1], ny);
	uint64_t neg = nx != ny ? UINT64_MAX : 0;
	uint32_t t, n = (uint32_t)(b->count - b->count % 8);

	for (t = 0; t < n; t++)
		v[t] = (int64_t)((((uint64_t)(x + t * dx) *
		    (y + t * dy)) ^ neg) - neg);
	for (; t < b->count; t++)
		v[t] = (int64_t)((((uint64_t)(x + t * dx) *
		    (y + t * dy)) ^ neg) - neg);
}

/*
 * The products in 64 bits, modulo 2^64, which makes them exact once they
 * fit: a vector loop where the CPU has AVX-512DQ, a scalar one elsewhere.
 */
VECTOR_CLONES
static void
products64(const struct mapreduce_batch *b, int64_t *v)
{
	uint64_t x = (uint64_t)b->start[0], dx = (uint64_t)b->step[0];
	uint64_t y = (uint64_t)b->start[1], dy = (uint64_t)b->step[1];
	size_t t, n = b->count - b->count % 8;

	for (t = 0; t < n; t++)
		v[t] = (int64_t)((x + t * dx) * (y + t * dy));
	for (; t < b->count; t++)
		v[t] = (int64_t)((x + t * dx) * (y + t * dy));
}

/*
 * Whether range j keeps one sign over the batch (0 counts as positive) and
 * its magnitudes fit 32 bits.  A range is monotonic: its ends tell.
 */
static int
narrow(const struct mapreduce_batch *b, uint32_t j)
{
	return (mapreduce_value(b, j, 0) < 0) ==
	    (mapreduce_value(b, j, b->count - 1) < 0) &&
	    bound(b, j) <= UINT32_MAX;
}

/*
 * The low 32 bits of x, negated if neg: of |x| for an x of that sign, of
 * the step of |x| for a step.  The arithmetic modulo 2^32 makes every
 * x + t * dx of products32() exact, since each fits.
 */
static uint32_t
magnitude(int64_t x, int neg)
{
	return (uint32_t)(neg ? 0 - (uint64_t)x : (uint64_t)x);
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
