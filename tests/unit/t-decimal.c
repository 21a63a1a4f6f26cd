/*
 * t-decimal.c - unit tests of decimal.c: an mpz in decimal, split by
 * powers of ten on two threads, is the same text as the digits written
 * out
 *
 * The numbers sit at the seams of the tree: powers of ten, runs of nines
 * and zeros across every split point, 0, 1, negatives.  decimal_str_tree()
 * with leaves of a few digits reaches every level and both halves with
 * small numbers; decimal_str() runs the real sizes once.  The expected
 * text is built digit by digit (repeated characters), or is GMP's
 * mpz_get_str(), which divides and never shares an inverse.
 *
 * An argument sets the largest power of ten of the seams (70 unless told):
 * make check-aarch64 gives a smaller one, as every case starts two
 * threads, and a thread costs milliseconds under qemu-user.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "rng.h"
#include "tap.h"

#define DIGITS_MAX	300

static int	check(const mpz_t v, const char *want, size_t leaf);
static char	*digits(int neg, char first, size_t n1, char rest, size_t n2);

/* Whether every leaf size gives want (GMP's text when want is NULL). */
static int
check(const mpz_t v, const char *want, size_t leaf)
{
	char *got, *ref = NULL;
	int same;

	if (want == NULL)
		want = ref = mpz_get_str(NULL, 10, v);
	got = decimal_str_tree(v, leaf);
	same = got != NULL && strcmp(got, want) == 0;
	if (!same)
		printf("# leaf %zu: want %s\n#  got %s\n", leaf, want,
		    got != NULL ? got : "(null)");
	free(got);
	free(ref);
	return same;
}

/* "-"?, n1 times first, n2 times rest. */
static char *
digits(int neg, char first, size_t n1, char rest, size_t n2)
{
	char *s;

	if ((s = malloc((size_t)neg + n1 + n2 + 1)) == NULL)
		abort();
	if (neg)
		s[0] = '-';
	memset(s + (size_t)neg, first, n1);
	memset(s + (size_t)neg + n1, rest, n2);
	s[(size_t)neg + n1 + n2] = '\0';
	return s;
}

/* 10^k, 10^k - 1, 10^a (10^b - 1), 10^k + 1, each signed, every leaf. */
static void
seams(size_t kmax)
{
	static const size_t leaves[] = { 1, 2, 3, 5, 8 };
	mpz_t v, w;
	size_t k, a, i;
	char *want;
	int fails = 0, cases = 0, neg;

	mpz_inits(v, w, NULL);
	for (k = 1; k <= kmax; k++)
		for (neg = 0; neg <= 1; neg++)
			for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]);
			    i++) {
				mpz_ui_pow_ui(v, 10, k);	/* 10^k */
				if (neg)
					mpz_neg(v, v);
				want = digits(neg, '1', 1, '0', k);
				fails += !check(v, want, leaves[i]);
				free(want);
				mpz_ui_pow_ui(v, 10, k);	/* 10^k - 1 */
				mpz_sub_ui(v, v, 1);
				if (neg)
					mpz_neg(v, v);
				want = digits(neg, '9', k, '0', 0);
				fails += !check(v, want, leaves[i]);
				free(want);
				mpz_ui_pow_ui(v, 10, k);	/* 10^k + 1 */
				mpz_add_ui(v, v, 1);
				if (neg)
					mpz_neg(v, v);
				fails += !check(v, NULL, leaves[i]);
				for (a = 1; a < k; a++) {	/* 9..90..0 */
					mpz_ui_pow_ui(v, 10, k - a);
					mpz_sub_ui(v, v, 1);
					mpz_ui_pow_ui(w, 10, a);
					mpz_mul(v, v, w);
					if (neg)
						mpz_neg(v, v);
					want = digits(neg, '9', k - a, '0', a);
					fails += !check(v, want, leaves[i]);
					free(want);
					cases++;
				}
				cases += 3;
			}
	ok(fails == 0, "%d powers of ten, runs of nines and zeros, and"
	    " their negatives: %d wrong", cases, fails);
	mpz_clears(v, w, NULL);
}

static void
small(void)
{
	static const long values[] = { 0, 1, -1, 9, -9, 10, 99, 100, -100 };
	mpz_t v;
	size_t i, leaf;
	int fails = 0;
	char want[8];

	mpz_init(v);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		for (leaf = 0; leaf <= 3; leaf++) {
			mpz_set_si(v, values[i]);
			snprintf(want, sizeof(want), "%ld", values[i]);
			fails += !check(v, want, leaf);
		}
	ok(fails == 0, "0, 1, -1 and neighbours of ten: %d wrong", fails);
	mpz_clear(v);
}

/* Random digits with long runs of 0 and 9, so that halves are 0 or full. */
static void
random_runs(void)
{
	char s[DIGITS_MAX + 2];
	mpz_t v;
	size_t n, i, leaf;
	int fails = 0, k;

	mpz_init(v);
	for (k = 0; k < 3000; k++) {
		n = 1 + rng() % DIGITS_MAX;
		for (i = 0; i < n; i++)
			s[i] = rng() % 4 == 0 ? (char)('0' +
			    rng() % 10) : (rng() & 0x100) ? '9' :
			    '0';
		s[0] = s[0] == '0' ? '7' : s[0];
		s[n] = '\0';
		mpz_set_str(v, s, 10);
		if (k % 2)
			mpz_neg(v, v);
		leaf = 1 + rng() % 40;
		fails += !check(v, NULL, leaf);
	}
	ok(fails == 0, "3000 random runs of 0 and 9 up to %d digits: %d"
	    " wrong", DIGITS_MAX, fails);
	mpz_clear(v);
}

/* decimal_str() itself, above DECIMAL_SPLIT_MIN: the threads and levels. */
static void
large(void)
{
	mpz_t v;
	char *want, *got;
	size_t n = DECIMAL_SPLIT_MIN * 3 + 17;

	mpz_init(v);
	mpz_ui_pow_ui(v, 10, n);
	mpz_sub_ui(v, v, 1);
	mpz_neg(v, v);
	want = digits(1, '9', n, '0', 0);
	got = decimal_str(v);
	ok(got != NULL && strcmp(got, want) == 0, "-(10^%zu - 1)", n);
	free(got);
	free(want);
	mpz_ui_pow_ui(v, 10, n);
	want = digits(0, '1', 1, '0', n);
	got = decimal_str(v);
	ok(got != NULL && strcmp(got, want) == 0, "10^%zu", n);
	free(got);
	free(want);
	mpz_fac_ui(v, 100000);
	mpz_mul(v, v, v);
	want = mpz_get_str(NULL, 10, v);
	got = decimal_str(v);
	ok(got != NULL && strcmp(got, want) == 0, "(100000!)^2, %zu digits",
	    strlen(want));
	free(got);
	free(want);
	mpz_clear(v);
}

int
main(int argc, char *argv[])
{
	rng_state = 19;
	small();
	seams(argc > 1 ? strtoul(argv[1], NULL, 10) : 70);
	random_runs();
	large();
	return tap_done();
}
