/*
 * gmp-product.c - the baseline of bench/product.sh: the product of the
 * squares 1, 4, ..., n^2 as a GMP user writes it, by binary splitting on
 * one core, then mpz_get_str() and puts()
 *
 * usage: gmp-product N
 */

#include <stdio.h>
#include <stdlib.h>

#include <gmp.h>

/* The product of i * i for lo <= i < hi, into r. */
static void
squares(mpz_t r, unsigned long lo, unsigned long hi)
{
	mpz_t t;

	if (hi - lo <= 16) {
		mpz_set_ui(r, 1);
		for (; lo < hi; lo++) {
			mpz_mul_ui(r, r, lo);
			mpz_mul_ui(r, r, lo);
		}
		return;
	}
	mpz_init(t);
	squares(r, lo, lo + (hi - lo) / 2);
	squares(t, lo + (hi - lo) / 2, hi);
	mpz_mul(r, r, t);
	mpz_clear(t);
}

int
main(int argc, char **argv)
{
	unsigned long n;
	mpz_t r;
	char *s;

	if (argc != 2 || (n = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: gmp-product N\n");
		return 2;
	}
	mpz_init(r);
	squares(r, 1, n + 1);
	s = mpz_get_str(NULL, 10, r);
	puts(s);
	free(s);
	mpz_clear(r);
	return 0;
}
