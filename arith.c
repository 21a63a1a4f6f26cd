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

void
acc_add_mpz(struct acc *a, const mpz_t v)
{
	if (!a->big_used) {
		mpz_init(a->big);
		a->big_used = 1;
	}
	mpz_add(a->big, a->big, v);
}

/* b's fixed part is hi * 2^128 + lo, with lo read as unsigned. */
void
acc_add_acc(struct acc *a, const struct acc *b)
{
	acc_add_i128(a, (int128)b->lo);
	a->hi += b->hi + (long long)(b->lo >> 127);
	if (b->big_used)
		acc_add_mpz(a, b->big);
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

void
acc256_flush(struct acc256 *a, struct acc *acc)
{
	mpz_t v, wrap;
	int k;

	mpz_inits(v, wrap, NULL);
	mpz_import(v, 4, -1, sizeof(a->w[0]), 0, 0, a->w);
	if (a->w[3] >> 63) {			/* negative: v - 2^256 */
		mpz_setbit(wrap, 256);
		mpz_sub(v, v, wrap);
	}
	acc_add_mpz(acc, v);
	mpz_clears(v, wrap, NULL);
	for (k = 0; k < 4; k++)
		a->w[k] = 0;
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
arith_decode(mpz_t v, const unsigned char *buf, size_t len)
{
	if (len < 1 || buf[0] > 1)
		return -1;
	mpz_import(v, len - 1, 1, 1, 1, 0, buf + 1);
	if (buf[0] == 1)
		mpz_neg(v, v);
	return 0;
}

int
arith_decode_add(mpz_t sum, const unsigned char *buf, size_t len)
{
	mpz_t v;
	int rc;

	mpz_init(v);
	if ((rc = arith_decode(v, buf, len)) == 0)
		mpz_add(sum, sum, v);
	mpz_clear(v);
	return rc;
}

void
arith_set_i128(mpz_t out, int128 v)
{
	uint128 m = v < 0 ? -(uint128)v : (uint128)v;
	uint64_t words[2] = { (uint64_t)m, (uint64_t)(m >> 64) };

	mpz_import(out, 2, -1, sizeof(words[0]), 0, 0, words);
	if (v < 0)
		mpz_neg(out, out);
}
