/* kernel.c - the map/reduce kernels that workers run on a block */

#include <stdbool.h>
#include <stdlib.h>

#include "cpu.h"
#include "kernel.h"
#include "range.h"

/*
 * Products known to be below 2^PRODUCT_BITS_MAX are summed in an int128
 * chunk whose sum stays at most 2^126, a margin below the type's 2^127.
 */
#define PRODUCT_BITS_MAX	126

/* Lanes of the vector kernel: four uint64_t fill one AVX2 register. */
#define LANES		4
/* Rounds between two flushes of the 32-bit halves summed in 64 bits. */
#define ROUNDS_MAX	UINT32_MAX

static int	product_bits(const struct mr_range *r, uint32_t arity,
		    uint64_t first, uint64_t last);
static int	magnitude_bits(int64_t v);
#ifdef __x86_64__
static bool	sum_mod64(const struct mr_range *r, uint32_t arity,
		    uint64_t first, uint64_t count, int bits, struct acc *acc);
static int	product_sign(const struct mr_range *r, uint32_t arity,
		    uint64_t first, uint64_t last);
static uint64_t	product_mod64(const struct mr_range *r, uint32_t arity,
		    uint64_t i);
static void	lanes_order1(uint64_t *v, const uint64_t *d1, uint64_t rounds,
		    uint64_t *lo, uint64_t *hi);
static void	lanes_order2(uint64_t *v, uint64_t *d1, const uint64_t *d2,
		    uint64_t rounds, uint64_t *lo, uint64_t *hi);
#endif
static void	sum_arity1(int64_t v, int64_t step, uint64_t count,
		    struct acc *acc);
static void	sum_arity2(const int64_t *v, const int64_t *step, uint64_t count,
		    uint64_t chunk, struct acc *acc);
static void	sum_fixed(int64_t *v, const int64_t *step, uint32_t arity,
		    uint64_t count, uint64_t chunk, struct acc *acc);
static void	sum_wide(int64_t *v, const int64_t *step, uint32_t arity,
		    uint64_t count, struct acc *acc);

/*
 * The width of the products is bounded in advance from the values at the
 * two ends of the block (a range is monotonic, so they are its extremes in
 * magnitude).  Products that provably fit 64 bits go to the vector kernel
 * (sum_mod64).  Those that fit 128 bits are summed in a plain int128 in
 * chunks short enough not to overflow it, each chunk sum going to the
 * 192-bit accumulator.  Otherwise every product is computed with overflow
 * checks and GMP takes over where needed.
 */
int
kernel_product_sum(const struct mr_range *r, uint32_t arity, uint64_t first,
    uint64_t count, struct acc *acc)
{
	int64_t *v, *step;
	int bits;
	uint32_t j;

	if (count == 0)
		return 0;
	bits = product_bits(r, arity, first, first + count - 1);
#ifdef __x86_64__
	if (sum_mod64(r, arity, first, count, bits, acc))
		return 0;
#endif
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

/* A bound on the products of elements first..last: |product| < 2^bits. */
static int
product_bits(const struct mr_range *r, uint32_t arity, uint64_t first,
    uint64_t last)
{
	int bits = 0, a, b;
	uint32_t j;

	for (j = 0; j < arity; j++) {
		a = magnitude_bits(range_at(&r[j], first));
		b = magnitude_bits(range_at(&r[j], last));
		bits += a > b ? a : b;
	}
	return bits;
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
		RANGE_ADVANCE(v, step);
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

	if (chunk == 1) {	/* products near 2^126: straight to 192 bits */
		struct acc wide = ACC_INIT;

		for (; count > 0; count--) {
			acc_add_i128(&wide, (int128)x * y);
			RANGE_ADVANCE(x, dx);
			RANGE_ADVANCE(y, dy);
		}
		acc_add_acc(acc, &wide);
		return;
	}
	while (count > 0) {
		n = count < chunk ? count : chunk;
		count -= n;
		for (s = 0; n > 0; n--) {
			s += (int128)x * y;
			RANGE_ADVANCE(x, dx);
			RANGE_ADVANCE(y, dy);
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
			RANGE_ADVANCE(v[0], step[0]);
			for (j = 1; j < arity; j++) {
				p *= v[j];
				RANGE_ADVANCE(v[j], step[j]);
			}
			s += p;
		}
		acc_add_i128(acc, s);
	}
}

/*
 * Products that may not fit 128 bits.  Three factors stay below 2^189 and
 * go to a 256-bit accumulator; more are checked, with GMP as the fallback.
 */
static void
sum_wide(int64_t *v, const int64_t *step, uint32_t arity, uint64_t count,
    struct acc *acc)
{
	mpz_t big;
	uint32_t j;
	int128 p;
	int overflow;

	if (arity == 3) {	/* below 2^189: 256 bits hold the sum */
		struct acc256 a = ACC256_INIT;

		for (; count > 0; count--) {
			acc256_add_product3(&a, v[0], v[1], v[2]);
			RANGE_ADVANCE(v[0], step[0]);
			RANGE_ADVANCE(v[1], step[1]);
			RANGE_ADVANCE(v[2], step[2]);
		}
		acc256_flush(&a, acc);
		return;
	}
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
			RANGE_ADVANCE(v[j], step[j]);
	}
	mpz_clear(big);
}

/*
 * The vector kernel, for products that provably fit 64 bits.
 *
 * Arithmetic modulo 2^64 is exact for a value known to lie in [0, 2^64).
 * With a bias chosen from the block's bounds (0 when every product is
 * >= 0 and below 2^64, 2^64 - 1 when every product is <= 0 and above
 * -2^64, 2^63 when every product is below 2^63 in magnitude), each biased
 * product v = p + bias lies there, so v can be produced modulo 2^64.  The
 * product of k ranges is a polynomial of degree k in the index, so v moves
 * from one element to the next by forward differences: k additions, no
 * multiplication, and every element is still evaluated and added.  LANES
 * interleaved sequences (element i in lane i % LANES) make the additions
 * independent, so that they run as vector instructions.  Each v is split
 * into 32-bit halves summed in 64-bit lanes, which hold ROUNDS_MAX terms
 * without overflow; then the lanes go to the accumulator, minus the bias.
 *
 * Used for arity 1 and 2 on x86-64 CPUs with AVX2, where it is about 2.5
 * times as fast as the int128 loop; elsewhere, or under MAPREDUCE_PORTABLE
 * (cpu.h), it returns false and the caller uses that loop, its portable
 * twin, which gives the same sum.  Other CPUs build only the twin.
 */
#ifdef __x86_64__
static bool
sum_mod64(const struct mr_range *r, uint32_t arity, uint64_t first,
    uint64_t count, int bits, struct acc *acc)
{
	uint64_t t[3][LANES], lo[LANES], hi[LANES], q[3], bias, rounds, n;
	int sign, l, m;
	int128 sum;

	if (arity > 2 || !(cpu_features() & CPU_AVX2))
		return false;
	sign = product_sign(r, arity, first, first + count - 1);
	if (bits <= 63)
		bias = (uint64_t)1 << 63;
	else if (bits == 64 && sign != 0)
		bias = sign > 0 ? 0 : UINT64_MAX;
	else
		return false;

	/* Lane l holds elements first + l + LANES * k, k = 0, 1, ... */
	for (l = 0; l < LANES; l++) {
		for (m = 0; m <= (int)arity; m++)
			q[m] = product_mod64(r, arity, first + (uint64_t)l +
			    (uint64_t)(LANES * m)) + bias;
		t[0][l] = q[0];
		t[1][l] = q[1] - q[0];
		t[2][l] = q[2] - 2 * q[1] + q[0];	/* unused for arity 1 */
	}
	for (rounds = count / LANES; rounds > 0; rounds -= n) {
		n = rounds < ROUNDS_MAX ? rounds : ROUNDS_MAX;
		for (l = 0; l < LANES; l++)
			lo[l] = hi[l] = 0;
		if (arity == 1)
			lanes_order1(t[0], t[1], n, lo, hi);
		else
			lanes_order2(t[0], t[1], t[2], n, lo, hi);
		sum = -(int128)bias * (int128)(n * LANES);
		for (l = 0; l < LANES; l++)
			sum += (int128)lo[l] + ((int128)hi[l] << 32);
		acc_add_i128(acc, sum);
	}
	for (n = count - count % LANES; n < count; n++)	/* the last few */
		acc_add_i128(acc, (int128)(product_mod64(r, arity, first + n) +
		    bias) - (int128)bias);
	return true;
}

/* +1 if every product of elements first..last is >= 0, -1 if <= 0, else 0. */
static int
product_sign(const struct mr_range *r, uint32_t arity, uint64_t first,
    uint64_t last)
{
	int64_t a, b;
	int sign = 1;
	uint32_t j;

	for (j = 0; j < arity; j++) {
		a = range_at(&r[j], first);
		b = range_at(&r[j], last);
		if (a == 0 && b == 0)
			return 1;		/* every product is 0 */
		if (a >= 0 && b >= 0)
			continue;
		if (a <= 0 && b <= 0)
			sign = -sign;
		else
			return 0;		/* this factor changes sign */
	}
	return sign;
}

/* The product of element i of every range, modulo 2^64. */
static uint64_t
product_mod64(const struct mr_range *r, uint32_t arity, uint64_t i)
{
	uint64_t p = 1;
	uint32_t j;

	for (j = 0; j < arity; j++)
		p *= (uint64_t)r[j].start + i * (uint64_t)r[j].step;
	return p;
}

/*
 * The two loops of the vector kernel.  Locals keep the lanes in registers;
 * the compiler turns each loop over l into one AVX2 instruction.
 */
__attribute__((target("avx2"))) static void
lanes_order1(uint64_t *v, const uint64_t *d1, uint64_t rounds, uint64_t *lo,
    uint64_t *hi)
{
	uint64_t a[LANES], b[LANES], x[LANES] = { 0 }, y[LANES] = { 0 };
	int l;

	for (l = 0; l < LANES; l++) {
		a[l] = v[l];
		b[l] = d1[l];
	}
	for (; rounds > 0; rounds--) {
		for (l = 0; l < LANES; l++) {
			x[l] += a[l] & UINT32_MAX;
			y[l] += a[l] >> 32;
			a[l] += b[l];
		}
	}
	for (l = 0; l < LANES; l++) {
		v[l] = a[l];
		lo[l] += x[l];
		hi[l] += y[l];
	}
}

__attribute__((target("avx2"))) static void
lanes_order2(uint64_t *v, uint64_t *d1, const uint64_t *d2, uint64_t rounds,
    uint64_t *lo, uint64_t *hi)
{
	uint64_t a[LANES], b[LANES], c[LANES], x[LANES] = { 0 },
	    y[LANES] = { 0 };
	int l;

	for (l = 0; l < LANES; l++) {
		a[l] = v[l];
		b[l] = d1[l];
		c[l] = d2[l];
	}
	for (; rounds > 0; rounds--) {
		for (l = 0; l < LANES; l++) {
			x[l] += a[l] & UINT32_MAX;
			y[l] += a[l] >> 32;
			a[l] += b[l];
			b[l] += c[l];
		}
	}
	for (l = 0; l < LANES; l++) {
		v[l] = a[l];
		d1[l] = b[l];
		lo[l] += x[l];
		hi[l] += y[l];
	}
}
#endif /* __x86_64__ */
