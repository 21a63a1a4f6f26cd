/* arith.h - exact sums: 192-bit fixed width while it fits, GMP beyond */

#ifndef MR_ARITH_H
#define MR_ARITH_H

#include <stddef.h>
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

/* Add v.  Never overflows for fewer than 2^64 terms since acc_init(). */
void	acc_add_i128(struct acc *a, int128 v);

/* Add v exactly, whatever its size. */
void	acc_add_mpz(struct acc *a, const mpz_t v);

/* Store the sum in out, which the caller has initialised. */
void	acc_get(const struct acc *a, mpz_t out);

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

#endif /* MR_ARITH_H */
