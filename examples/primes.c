/* primes.c - a mapreduce kernel: counting primes by trial division */

/*
 * make examples; then
 *
 *	$ mpiexec -n 1 -usize 17 ./mapreduce -k examples/primes.so -r 0:10000000
 *	Sum of the prime indicators equals 664579
 *
 * Element x is 1 if x is a prime, else 0, so their sum counts the primes
 * of the range.  Trial division by 2 and the odd numbers up to sqrt(x) is
 * deliberately naive: a prime x costs about sqrt(x) / 2 divisions, so
 * equal blocks of elements are unequal work, the higher the more costly:
 * of -r 0:10000000 in two halves, the second takes about 1.7 times as long
 * as the first.  It is the example for dynamic scheduling, where a worker
 * that is done takes more work instead of waiting for the slowest.  Keep x
 * below about 10^12, where a prime costs half a million divisions (about a
 * millisecond); a prime near 2^63 would take 1.5 * 10^9.
 */

#include <stddef.h>
#include <stdint.h>

#include "mapreduce.h"

static int	map_primes(const struct mapreduce_batch *, void *);
static int64_t	is_prime(int64_t);

const struct mapreduce_kernel mapreduce_kernel = {
	.version = MAPREDUCE_KERNEL_VERSION,
	.type = MAPREDUCE_INT64,
	.name = "prime indicators",
	.arity_min = 1,
	.arity_max = 1,
	.map = map_primes
};

static int
map_primes(const struct mapreduce_batch *b, void *out)
{
	int64_t *v = out;
	size_t t;

	for (t = 0; t < b->count; t++)
		v[t] = is_prime(mapreduce_value(b, 0, t));
	return 0;
}

static int64_t
is_prime(int64_t x)
{
	uint64_t n, d;

	if (x < 2)
		return 0;
	n = (uint64_t)x;
	if (n % 2 == 0)
		return n == 2;
	for (d = 3; d <= n / d; d += 2)
		if (n % d == 0)
			return 0;
	return 1;
}
