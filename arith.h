/* arith.h - exact sums: 192-bit fixed width while it fits, GMP beyond */

#ifndef MR_ARITH_H
#define MR_ARITH_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

/*
 * 128-bit integers are a GCC and Clang extension; __extension__ names them
 * once for the whole program, so that -Wpedantic has nothing to say.
 */
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

/*
 * struct acc holds an exact integer sum, like a Python int.  The fixed part
 * is a 192-bit two's complement number (hi:lo).  It absorbs any 2^64 terms of
 * 128 bits, since 2^64 * 2^127 = 2^191, so a sum of 128-bit terms can never
 * overflow it; terms wider than 128 bits go to the GMP part, which is only
 * initialised when first needed.  The value is hi * 2^128 + lo + big.
 *
 * Life cycle: struct acc a = ACC_INIT (or acc_init()), acc_add_*(),
 * acc_get(), acc_release().  acc_release() frees the GMP part and leaves a
 * zero accumulator behind.
 */
struct acc {
	uint128 lo;		/* low 128 bits of the fixed part */
	long long hi;			/* high 64 bits, signed */
	int big_used;			/* whether big holds a value */
	mpz_t big;			/* terms too wide for 128 bits */
};

#define ACC_INIT	{ .lo = 0, .hi = 0, .big_used = 0 }

void	acc_init(struct acc *a);
void	acc_release(struct acc *a);

/*
 * Add v.  Never overflows for fewer than 2^64 terms since acc_init().  v is
 * sign-extended to 192 bits: the low word takes v modulo 2^128, the high
 * word the carry out of it plus the sign extension (-1 for v < 0).  Inline,
 * since kernels call it once per element where chunks cannot be summed.
 */
static inline void
acc_add_i128(struct acc *a, int128 v)
{
	uint128 old = a->lo;

	a->lo += (uint128)v;
	a->hi += (a->lo < old) - (v < 0);
}

/* Add v exactly, whatever its size. */
void	acc_add_mpz(struct acc *a, const mpz_t v);

/* Add the sum held in b; b is left as it was. */
void	acc_add_acc(struct acc *a, const struct acc *b);

/* Store the sum in out, which the caller has initialised. */
void	acc_get(const struct acc *a, mpz_t out);

/*
 * struct acc256 sums products of three int64_t factors, which lie below
 * 2^189 in magnitude, in 256-bit two's complement (w[0] least significant):
 * 2^64 such terms fit.  Start from ACC256_INIT; acc256_flush() moves the
 * sum into an acc and leaves 0 behind.
 */
struct acc256 {
	uint64_t w[4];
};

#define ACC256_INIT	{ { 0, 0, 0, 0 } }

/* Add x * y * z exactly, without GMP: a 128 x 64-bit multiplication. */
static inline void
acc256_add_product3(struct acc256 *a, int64_t x, int64_t y, int64_t z)
{
	int128 xy = (int128)x * y;		/* at most 2^126 in magnitude */
	uint128 m = xy < 0 ? -(uint128)xy : (uint128)xy;
	uint64_t mz = z < 0 ? 0 - (uint64_t)z : (uint64_t)z;
	uint128 low = (uint128)(uint64_t)m * mz;
	uint128 high = (uint128)(uint64_t)(m >> 64) * mz;
	uint128 mid = (low >> 64) + (uint64_t)high;
	uint64_t t[4], neg = (uint64_t)0 - ((xy < 0) != (z < 0));
	uint128 sum;
	int k;

	/* The 192-bit magnitude, then its two's complement if negative. */
	t[0] = (uint64_t)low;
	t[1] = (uint64_t)mid;
	t[2] = (uint64_t)(high >> 64) + (uint64_t)(mid >> 64);
	t[3] = 0;
	sum = neg & 1;
	for (k = 0; k < 4; k++) {
		sum += (uint128)(t[k] ^ neg);
		t[k] = (uint64_t)sum;
		sum >>= 64;
	}
	sum = 0;
	for (k = 0; k < 4; k++) {
		sum += (uint128)a->w[k] + t[k];
		a->w[k] = (uint64_t)sum;
		sum >>= 64;
	}
}

void	acc256_flush(struct acc256 *a, struct acc *acc);

/*
 * The wire form of an integer (see struct mr_result in common.h): a sign
 * byte, then the magnitude, most significant byte first.
 *
 * arith_encode() returns a malloc(3)ed buffer that the caller frees, and its
 * length in *len; it returns NULL when out of memory.  arith_decode_add()
 * adds the integer in buf[0..len) to sum and returns 0, or returns -1 when
 * the bytes are not a valid encoding.
 */
unsigned char *arith_encode(const mpz_t v, size_t *len);
int	arith_decode_add(mpz_t sum, const unsigned char *buf, size_t len);
/* The same, storing the integer in v (initialised) instead of adding it. */
int	arith_decode(mpz_t v, const unsigned char *buf, size_t len);

/* out = v; out initialised by the caller. */
void	arith_set_i128(mpz_t out, int128 v);

#endif /* MR_ARITH_H */
