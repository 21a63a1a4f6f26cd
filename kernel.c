/* kernel.c - the map/reduce kernels that workers run on a block */

#include <stdlib.h>

#include "kernel.h"
#include "range.h"

/*
 * Products known to be below 2^PRODUCT_BITS_MAX are summed in an int128
 * chunk whose sum stays at most 2^126, a margin below the type's 2^127.
 */
#define PRODUCT_BITS_MAX	126

static int	magnitude_bits(int64_t v);
static void	sum_arity1(int64_t v, int64_t step, uint64_t count,
		    struct acc *acc);
static void	sum_arity2(const int64_t *v, const int64_t *step, uint64_t count,
		    uint64_t chunk, struct acc *acc);
static void	sum_fixed(int64_t *v, const int64_t *step, uint32_t arity,
		    uint64_t count, uint64_t chunk, struct acc *acc);
static void	sum_wide(int64_t *v, const int64_t *step, uint32_t arity,
		    uint64_t count, struct acc *acc);

/*
 * Values move along a range by repeated addition of the step.  The addition
 * is done modulo 2^64 because the step after the last element may leave the
 * int64_t range; that value is never used.
 */
#define ADVANCE(v, step)	((v) = (int64_t)((uint64_t)(v) + (uint64_t)(step)))

/*
 * The width of the products is bounded in advance from the values at the
 * two ends of the block (a range is monotonic, so they are its extremes in
 * magnitude).  When the bound proves that products fit 128 bits, elements
 * are summed in a plain int128 in chunks short enough not to overflow it,
 * and each chunk sum goes to the 192-bit accumulator.  Otherwise every
 * product is computed with overflow checks and GMP takes over where needed.
 */
int
kernel_product_sum(const struct mr_range *r, uint32_t arity, uint64_t first,
    uint64_t count, struct acc *acc)
{
	int64_t *v, *step;
	int bits = 0, b;
	uint32_t j;

	if (count == 0)
		return 0;
	if (arity == 1) {
		sum_arity1(range_at(&r[0], first), r[0].step, count, acc);
		return 0;
	}
	if ((v = calloc(2 * (size_t)arity, sizeof(*v))) == NULL)
		return -1;
	step = v + arity;
	for (j = 0; j < arity; j++) {
		v[j] = range_at(&r[j], first);
		step[j] = r[j].step;
		b = magnitude_bits(v[j]);
		if (magnitude_bits(range_at(&r[j], first + count - 1)) > b)
			b = magnitude_bits(range_at(&r[j], first + count - 1));
		bits += b;
	}
	/*
	 * Two int64_t factors multiply to at most 2^126 in magnitude (equal
	 * only for INT64_MIN squared): the chunk is then one term, which fits.
	 */
	if (arity == 2 && bits > PRODUCT_BITS_MAX)
		bits = PRODUCT_BITS_MAX;
	if (bits <= PRODUCT_BITS_MAX) {
		/* 2^(126 - bits) terms below 2^bits sum to below 2^126. */
		uint64_t chunk = PRODUCT_BITS_MAX - bits >= 63 ?
		    UINT64_MAX : (uint64_t)1 << (PRODUCT_BITS_MAX - bits);
		if (arity == 2)
			sum_arity2(v, step, count, chunk, acc);
		else
			sum_fixed(v, step, arity, count, chunk, acc);
	} else
		sum_wide(v, step, arity, count, acc);
	free(v);
	return 0;
}

/* Bits in |v|: |v| < 2^magnitude_bits(v). */
static int
magnitude_bits(int64_t v)
{
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	return m == 0 ? 0 : 64 - __builtin_clzll(m);
}

/* Fewer than 2^64 values below 2^63 in magnitude: the sum fits int128. */
static void
sum_arity1(int64_t v, int64_t step, uint64_t count, struct acc *acc)
{
	int128 s = 0;

	for (; count > 0; count--) {
		s += v;
		ADVANCE(v, step);
	}
	acc_add_i128(acc, s);
}

/* The seed's case, kept apart so that the compiler sees two fixed factors. */
static void
sum_arity2(const int64_t *v, const int64_t *step, uint64_t count, uint64_t chunk,
    struct acc *acc)
{
	int64_t x = v[0], y = v[1], dx = step[0], dy = step[1];
	uint64_t n;
	int128 s;

	while (count > 0) {
		n = count < chunk ? count : chunk;
		count -= n;
		for (s = 0; n > 0; n--) {
			s += (int128)x * y;
			ADVANCE(x, dx);
			ADVANCE(y, dy);
		}
		acc_add_i128(acc, s);
	}
}

static void
sum_fixed(int64_t *v, const int64_t *step, uint32_t arity, uint64_t count,
    uint64_t chunk, struct acc *acc)
{
	uint64_t n;
	uint32_t j;
	int128 s, p;

	while (count > 0) {
		n = count < chunk ? count : chunk;
		count -= n;
		for (s = 0; n > 0; n--) {
			p = v[0];
			ADVANCE(v[0], step[0]);
			for (j = 1; j < arity; j++) {
				p *= v[j];
				ADVANCE(v[j], step[j]);
			}
			s += p;
		}
		acc_add_i128(acc, s);
	}
}

/* Products that may not fit 128 bits: checked, with GMP as the fallback. */
static void
sum_wide(int64_t *v, const int64_t *step, uint32_t arity, uint64_t count,
    struct acc *acc)
{
	mpz_t big;
	uint32_t j;
	int128 p;
	int overflow;

	mpz_init(big);
	for (; count > 0; count--) {
		p = v[0];
		overflow = 0;
		for (j = 1; j < arity && !overflow; j++)
			overflow = __builtin_mul_overflow(p, v[j], &p);
		if (overflow) {
			mpz_set_si(big, v[0]);
			for (j = 1; j < arity; j++)
				mpz_mul_si(big, big, v[j]);
			acc_add_mpz(acc, big);
		} else
			acc_add_i128(acc, p);
		for (j = 0; j < arity; j++)
			ADVANCE(v[j], step[j]);
	}
	mpz_clear(big);
}
