/* arith.c - exact sums: 192-bit fixed width while it fits, GMP beyond */

#include <stdint.h>
#include <stdlib.h>

#include "arith.h"

void
acc_init(struct acc *a)
{
	a->lo = 0;
	a->hi = 0;
	a->big_used = 0;
}

void
acc_release(struct acc *a)
{
	if (a->big_used)
		mpz_clear(a->big);
	acc_init(a);
}

/*
 * Add v sign-extended to 192 bits: the low word takes v modulo 2^128 and
 * the high word the carry out of it plus the sign extension (-1 for v < 0).
 */
void
acc_add_i128(struct acc *a, int128 v)
{
	uint128 old = a->lo;

	a->lo += (uint128)v;
	a->hi += (a->lo < old) - (v < 0);
}

void
acc_add_mpz(struct acc *a, const mpz_t v)
{
	if (!a->big_used) {
		mpz_init(a->big);
		a->big_used = 1;
	}
	mpz_add(a->big, a->big, v);
}

void
acc_get(const struct acc *a, mpz_t out)
{
	uint64_t words[2];
	mpz_t lo;

	words[0] = (uint64_t)a->lo;
	words[1] = (uint64_t)(a->lo >> 64);
	mpz_init(lo);
	mpz_import(lo, 2, -1, sizeof(words[0]), 0, 0, words);
	mpz_set_si(out, a->hi);
	mpz_mul_2exp(out, out, 128);
	mpz_add(out, out, lo);
	mpz_clear(lo);
	if (a->big_used)
		mpz_add(out, out, a->big);
}

unsigned char *
arith_encode(const mpz_t v, size_t *len)
{
	size_t n = (mpz_sizeinbase(v, 2) + 7) / 8;
	unsigned char *buf;

	if ((buf = malloc(1 + n)) == NULL)
		return NULL;
	buf[0] = mpz_sgn(v) < 0;
	n = 0;
	mpz_export(buf + 1, &n, 1, 1, 1, 0, v);
	*len = 1 + n;
	return buf;
}

int
arith_decode_add(mpz_t sum, const unsigned char *buf, size_t len)
{
	mpz_t v;

	if (len < 1 || buf[0] > 1)
		return -1;
	mpz_init(v);
	mpz_import(v, len - 1, 1, 1, 1, 0, buf + 1);
	if (buf[0] == 1)
		mpz_neg(v, v);
	mpz_add(sum, sum, v);
	mpz_clear(v);
	return 0;
}
