/* t-arith.c - unit tests of the exact accumulator against plain GMP sums */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "rng.h"
#include "tap.h"

#define I128_MAX	((int128)(((uint128)1 << 127) - 1))
#define I128_MIN	(-I128_MAX - 1)

static void
mpz_set_i128(mpz_t z, int128 v)
{
	uint128 m = v < 0 ? -(uint128)v :
	    (uint128)v;
	uint64_t w[2] = { (uint64_t)m, (uint64_t)(m >> 64) };

	mpz_import(z, 2, -1, sizeof(w[0]), 0, 0, w);
	if (v < 0)
		mpz_neg(z, z);
}

/* Add n terms from next() both ways and compare; returns 1 when equal. */
static int
sums_agree(int128 (*next)(void), int n)
{
	struct acc a = ACC_INIT;
	mpz_t ref, got, t;
	int k, same;

	mpz_inits(ref, got, t, NULL);
	for (k = 0; k < n; k++) {
		int128 v = next();

		acc_add_i128(&a, v);
		mpz_set_i128(t, v);
		mpz_add(ref, ref, t);
	}
	acc_get(&a, got);
	same = mpz_cmp(ref, got) == 0;
	acc_release(&a);
	mpz_clears(ref, got, t, NULL);
	return same;
}

static int128 max_term(void) { return I128_MAX; }
static int128 min_term(void) { return I128_MIN; }
static int128
random_term(void)
{
	return (int128)(((uint128)rng() << 64) | rng());
}
static int128
small_term(void)
{
	return (int128)(int64_t)rng() >> (rng() % 64);
}
static int flip;
static int128
alternating_term(void)
{
	return (flip = !flip) ? I128_MAX : I128_MIN + 1;
}

/* acc_add_acc: two sums of random 128-bit terms, merged, against GMP. */
static void
test_merge(void)
{
	struct acc a = ACC_INIT, b = ACC_INIT;
	mpz_t ref, got, t;
	int k, same = 1, round;

	mpz_inits(ref, got, t, NULL);
	for (round = 0; round < 50; round++) {
		acc_release(&a);
		acc_release(&b);
		mpz_set_ui(ref, 0);
		for (k = 0; k < 1000; k++) {
			int128 v = random_term();

			acc_add_i128(k % 3 == 0 ? &a : &b, v);
			mpz_set_i128(t, v);
			mpz_add(ref, ref, t);
		}
		mpz_ui_pow_ui(t, 7, 90);
		acc_add_mpz(&b, t);
		mpz_add(ref, ref, t);
		acc_add_acc(&a, &b);
		acc_get(&a, got);
		same &= mpz_cmp(ref, got) == 0;
	}
	ok(same, "acc_add_acc merges 50 pairs of sums exactly");
	acc_release(&a);
	acc_release(&b);
	mpz_clears(ref, got, t, NULL);
}

static void
test_wire(const char *digits)
{
	unsigned char *buf;
	size_t len;
	mpz_t v, back;

	mpz_init_set_str(v, digits, 10);
	mpz_init_set_ui(back, 0);
	buf = arith_encode(v, &len);
	ok(buf != NULL && arith_decode_add(back, buf, len) == 0 &&
	    mpz_cmp(v, back) == 0, "wire round trip of %.40s%s", digits,
	    strlen(digits) > 40 ? "..." : "");
	free(buf);
	mpz_clears(v, back, NULL);
}

int
main(void)
{
	struct acc a = ACC_INIT;
	unsigned char bad[] = { 2, 1 };
	mpz_t z, big;

	rng_state = 0x9e3779b97f4a7c15u;
	ok(sums_agree(max_term, 100000),
	    "10^5 times 2^127 - 1: beyond 2^128, exact");
	ok(sums_agree(min_term, 100000), "10^5 times -2^127: exact");
	ok(sums_agree(alternating_term, 100001),
	    "alternating extremes cancel exactly");
	ok(sums_agree(random_term, 200000), "2*10^5 random 128-bit terms");
	ok(sums_agree(small_term, 200000), "2*10^5 random small terms");

	test_merge();
	mpz_inits(z, big, NULL);
	acc_get(&a, z);
	ok(mpz_sgn(z) == 0, "a new accumulator holds 0");
	mpz_ui_pow_ui(big, 3, 200);
	acc_add_i128(&a, -5);
	acc_add_mpz(&a, big);
	acc_add_mpz(&a, big);
	acc_get(&a, z);
	mpz_mul_ui(big, big, 2);
	mpz_sub_ui(big, big, 5);
	ok(mpz_cmp(z, big) == 0, "GMP part and fixed part add up: 2*3^200 - 5");
	acc_release(&a);
	acc_get(&a, z);
	ok(mpz_sgn(z) == 0, "acc_release leaves 0 behind");

	test_wire("0");
	test_wire("1");
	test_wire("-1");
	test_wire("255");
	test_wire("-256");
	test_wire("843350");
	test_wire("-170141183460469231731687303715884105728");
	test_wire("340282366920938463463374607431768211456");
	test_wire("123456789012345678901234567890123456789012345678901234567890"
	    "123456789012345678901234567890");
	ok(arith_decode_add(z, bad, sizeof(bad)) == -1, "bad sign byte refused");
	ok(arith_decode_add(z, bad, 0) == -1, "empty encoding refused");
	mpz_clears(z, big, NULL);
	return tap_done();
}
