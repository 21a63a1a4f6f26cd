/* t-dsum.c - unit tests of exact double sums; the driver of Python's checks */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "common.h"
#include "dsum.h"
#include "paths.h"
#include "rng.h"
#include "tap.h"

#define MAXTERMS	100000

static double	terms[MAXTERMS], copy[MAXTERMS];

/* Whether x and y have the same bits; any NaN matches any NaN. */
static int
same(double x, double y)
{
	return isnan(x) ? isnan(y) : memcmp(&x, &y, sizeof(x)) == 0;
}

static double
sum_of(const double *v, size_t n)
{
	struct dsum s = DSUM_INIT;
	double x;

	dsum_add(&s, v, n);
	x = dsum_value(&s);
	dsum_clear(&s);
	return x;
}

/* A double with random bits, finite. */
static double
random_finite(void)
{
	uint64_t bits;
	double x;

	do {
		bits = rng();
		memcpy(&x, &bits, sizeof(x));
	} while (!isfinite(x));
	return x;
}

static void
shuffle(double *v, size_t n)
{
	size_t i, j;
	double t;

	for (i = n; i > 1; i--) {
		j = (size_t)(rng() % i);
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/*
 * The sum of v[0 .. n - 1] three ways: one dsum_add(), one term at a time,
 * and in random pieces summed apart, sent through the wire form and merged
 * as workers and the manager do (reduce.c).  Stores them in r[3]; returns
 * -1 when a wire form is refused.
 */
static int
sum_three_ways(const double *v, size_t n, double *r)
{
	struct dsum whole = DSUM_INIT, one = DSUM_INIT, merged = DSUM_INIT,
	    part, back;
	unsigned char *buf;
	size_t cut[65], len, i;
	uint32_t flags;
	int pieces = 1 + (int)(rng() % 64), k, rc = 0;

	dsum_add(&whole, v, n);
	for (i = 0; i < n; i++)
		dsum_add(&one, &v[i], 1);
	cut[0] = 0;
	for (k = 1; k < pieces; k++)
		cut[k] = n == 0 ? 0 : (size_t)(rng() % (n + 1));
	cut[pieces] = n;
	for (k = 1; k < pieces; k++)		/* sort the cuts */
		for (i = (size_t)k; i > 0 && cut[i - 1] > cut[i]; i--) {
			len = cut[i];
			cut[i] = cut[i - 1];
			cut[i - 1] = len;
		}
	for (k = 0; k < pieces; k++) {
		dsum_init(&part);
		dsum_init(&back);
		dsum_add(&part, v + cut[k], cut[k + 1] - cut[k]);
		flags = 0;
		if (dsum_encode(&part, &flags, &buf, &len) != 0 ||
		    dsum_decode(&back, flags, buf, len) != 0)
			rc = -1;
		dsum_merge(&merged, &back);
		free(buf);
	}
	r[0] = dsum_value(&whole);
	r[1] = dsum_value(&one);
	r[2] = dsum_value(&merged);
	return rc;
}

static int
agrees(const double *v, size_t n, double want)
{
	double r[3];

	return sum_three_ways(v, n, r) == 0 && same(r[0], want) &&
	    same(r[1], want) && same(r[2], want);
}

static void
test_zeros_and_specials(void)
{
	double z[] = { -0.0, -0.0, 0.0 }, s[] = { 1.0, INFINITY, -INFINITY },
	    one_nan[] = { 1.0, NAN, 2.0 }, cancel[] = { 1.0, -1.0 };

	ok(agrees(z, 0, 0.0), "the empty sum is 0.0");
	ok(agrees(z, 1, 0.0) && agrees(z, 2, 0.0) && agrees(z, 3, 0.0),
	    "sums of -0.0 are 0.0, as reduce(add, v, 0) makes them");
	ok(agrees(cancel, 2, 0.0), "1 + -1 is 0.0");
	ok(agrees(s, 2, INFINITY) && agrees(s + 2, 1, -INFINITY) &&
	    agrees(s, 3, NAN), "inf wins; inf + -inf is NaN");
	ok(agrees(one_nan, 3, NAN), "NaN wins");
}

/* Integers below 2^40 in magnitude: the sum is an integer below 2^53. */
static void
test_integers(void)
{
	int64_t want;
	size_t n, i;
	int round, good = 1;

	for (round = 0; round < 20; round++) {
		n = (size_t)(rng() % 9000);
		want = 0;
		for (i = 0; i < n; i++) {
			int64_t k = (int64_t)(rng() >> 24) - ((int64_t)1 << 39);

			k >>= rng() % 40;
			terms[i] = (double)k;
			want += k;
		}
		good &= agrees(terms, n, (double)want);
	}
	ok(good, "sums of integer-valued doubles are the integer sums");
}

/* Random doubles cut into their bits, each a power of two, shuffled. */
static void
test_powers_of_two(void)
{
	uint64_t bits, m;
	double x;
	size_t n, k;
	int round, good = 1, e, shift;

	for (round = 0; round < 500; round++) {
		x = random_finite();
		bits = 0;
		memcpy(&bits, &x, sizeof(x));
		e = (int)(bits >> 52 & 0x7ff);
		m = bits & (((uint64_t)1 << 52) - 1);
		if (e != 0)
			m |= (uint64_t)1 << 52;
		shift = e != 0 ? e - 1 : 0;	/* x = m * 2^(shift - 1074) */
		n = 0;
		for (k = 0; k < 53; k++)
			if (m >> k & 1)
				terms[n++] = copysign(ldexp(1.0,
				    shift + (int)k - 1074), x);
		shuffle(terms, n);
		good &= agrees(terms, n, n == 0 ? 0.0 : x);
	}
	ok(good, "500 random doubles cut into powers of two add up to them");
}

/* Values and their negatives, shuffled, around one more term. */
static void
test_cancellation(void)
{
	size_t n, i;
	double y;
	int round, good = 1;

	for (round = 0; round < 50; round++) {
		n = (size_t)(rng() % 5000);
		for (i = 0; i < n; i++) {
			terms[2 * i] = random_finite();
			terms[2 * i + 1] = -terms[2 * i];
		}
		y = round % 2 ? random_finite() : ldexp(1.0, -1074);
		terms[2 * n] = y;
		shuffle(terms, 2 * n + 1);
		good &= agrees(terms, 2 * n + 1, y);
	}
	ok(good, "x + -x over random doubles cancels exactly, leaving y");
}

/* The result depends neither on the order nor on the pieces. */
static void
test_order(void)
{
	double r[3], want;
	size_t n, i;
	int round, good = 1;

	for (round = 0; round < 40; round++) {
		n = (size_t)(rng() % 20000);
		for (i = 0; i < n; i++)
			terms[i] = round % 2 ? random_finite() :
			    ldexp(1.0 + (double)(rng() >> 11) * 0x1p-53,
			    (int)(rng() % 64) - 32) * (rng() % 2 ? 1 : -1);
		want = sum_of(terms, n);
		memcpy(copy, terms, n * sizeof(terms[0]));
		shuffle(copy, n);
		good &= sum_three_ways(copy, n, r) == 0 && same(r[0], want) &&
		    same(r[1], want) && same(r[2], want);
	}
	ok(good, "any order and any split into merged pieces: the same bits");
}

/*
 * Values just below the fast path's window of a run, whose last bits are
 * easy to lose: 2040 of V = 1 + 47 * 2^-45 and of -W = -(1 + 81 * 2^-45),
 * each 0.46875 * 2^-40 above a multiple of 2^-40 (the first split's unit
 * for |v| < 2), so that those remainders pile up; a term cancels the rest
 * of their sum, so that the sum is exactly t = 2^-k * (1 + 2^-52), whose
 * last bit no partial sum of the remainders can hold.
 */
static void
test_window_edge(void)
{
	double t;
	size_t i;
	int k, good = 1;

	for (k = 20; k <= 60; k++) {
		t = ldexp(1.0 + 0x1p-52, -k);
		for (i = 0; i < 2040; i++) {
			terms[2 * i] = 1.0 + 47 * 0x1p-45;
			terms[2 * i + 1] = -(1.0 + 81 * 0x1p-45);
		}
		terms[4080] = 2040 * 34 * 0x1p-45;
		terms[4081] = t;
		shuffle(terms, 4082);
		good &= agrees(terms, 4082, t);
	}
	ok(good, "remainders that pile up next to a value below the window");
}

static void
test_overflow(void)
{
	double big[] = { DBL_MAX, DBL_MAX, -DBL_MAX }, half[] = { DBL_MAX,
	    0x1p970 }, less[] = { DBL_MAX, 0x1p969, 0x1p900 },
	    neg[] = { -DBL_MAX, -0x1p970 };

	ok(agrees(big, 2, INFINITY), "DBL_MAX + DBL_MAX overflows to inf");
	ok(agrees(big, 3, DBL_MAX),
	    "DBL_MAX + DBL_MAX - DBL_MAX is DBL_MAX: no intermediate overflow");
	ok(agrees(half, 2, INFINITY) && agrees(neg, 2, -INFINITY),
	    "DBL_MAX plus half an ulp rounds to even: inf");
	ok(agrees(less, 3, DBL_MAX), "DBL_MAX plus less than half an ulp");
}

static void
test_wire(void)
{
	struct dsum s = DSUM_INIT, t = DSUM_INIT;
	unsigned char bad[] = { 2, 1 }, huge[300];
	double v[] = { 1.5, NAN };
	unsigned char *buf;
	uint32_t flags = 0;
	size_t len;

	ok(dsum_decode(&s, 0, bad, sizeof(bad)) == -1 &&
	    dsum_decode(&s, 0, bad, 0) == -1,
	    "a bad sign byte and empty bytes refused");
	memset(huge, 0xff, sizeof(huge));
	huge[0] = 0;
	ok(dsum_decode(&s, 0, huge, sizeof(huge)) == -1 &&
	    dsum_value(&s) == 0 && !signbit(dsum_value(&s)),
	    "a sum beyond any run refused, nothing added");
	dsum_add(&t, v, 2);
	ok(dsum_encode(&t, &flags, &buf, &len) == 0 &&
	    flags == MR_RESULT_NAN && dsum_decode(&s, flags, buf, len) == 0 &&
	    isnan(dsum_value(&s)), "the NaN flag crosses the wire");
	free(buf);
}

static void
test_minmax(void)
{
	double v[] = { 3.0, -0.0, 0.0, 2.0 }, w[] = { 1.0, NAN, -5.0 }, m;

	m = INFINITY;
	dsum_min(&m, v, 4);
	ok(same(m, -0.0), "min prefers -0.0 to 0.0");
	m = -INFINITY;
	dsum_max(&m, v, 4);
	ok(same(m, 3.0), "max of 3, -0, 0, 2 is 3");
	m = -INFINITY;
	dsum_max(&m, v + 1, 2);
	ok(same(m, 0.0), "max prefers 0.0 to -0.0");
	m = INFINITY;
	dsum_min(&m, w, 3);
	ok(isnan(m), "a NaN makes the min NaN");
	m = NAN;
	dsum_max(&m, v, 4);
	ok(isnan(m), "a NaN partial result stays NaN");
}

static void
test_format(void)
{
	static const struct {
		double x;
		const char *repr;	/* written by Python 3.11's repr() */
	} cases[] = {
		{ 2.0, "2.0" }, { 0.0001, "0.0001" }, { 1e-05, "1e-05" },
		{ 1e16, "1e+16" }, { 1e15, "1000000000000000.0" },
		{ 0.1, "0.1" }, { -2.5e-300, "-2.5e-300" }, { -0.0, "-0.0" },
		{ 5e-324, "5e-324" }, { DBL_MAX, "1.7976931348623157e+308" },
		{ 0x1p50 + 0.25, "1125899906842624.2" },
		{ 0x1p50 + 0.75, "1125899906842624.8" },
		{ 3.141592653589793, "3.141592653589793" },
		{ 123456.789, "123456.789" },
	};
	char buf[DSUM_FORMAT_MAX];
	size_t i;
	int n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = dsum_format(cases[i].x, buf, sizeof(buf));
		ok(strcmp(buf, cases[i].repr) == 0 && n == (int)strlen(buf),
		    "format %a: '%s'", cases[i].x, cases[i].repr);
	}
	n = dsum_format(-INFINITY, buf, 3);
	ok(n == 4 && strcmp(buf, "-i") == 0,
	    "a short buffer: cut, full length");
}

/*
 * The driver for tests/unit/t-dsum-python.py: each line of standard input
 * is a command and doubles (strtod(3): hex floats, inf, nan).  "sum" prints
 * the three sums of sum_three_ways(), "minmax" the min and max, as %a;
 * "format" prints dsum_format() of each double, one per line.
 */
static int
drive(void)
{
	static char line[4 * 1024 * 1024];
	char *p, *end, buf[DSUM_FORMAT_MAX], cmd[16];
	double r[3], lo[2], hi[2];
	size_t n, i;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (sscanf(line, "%15s", cmd) != 1)
			continue;
		p = line + strlen(cmd);
		for (n = 0; n < MAXTERMS; n++) {
			terms[n] = strtod(p, &end);
			if (end == p)
				break;
			p = end;
		}
		if (strcmp(cmd, "sum") == 0) {
			if (sum_three_ways(terms, n, r) != 0)
				printf("wire-error\n");
			else
				printf("%a %a %a\n", r[0], r[1], r[2]);
		} else if (strcmp(cmd, "minmax") == 0) {
			/* Two pieces, merged as partial results are. */
			lo[0] = lo[1] = INFINITY;
			hi[0] = hi[1] = -INFINITY;
			dsum_min(&lo[0], terms, n / 2);
			dsum_min(&lo[1], terms + n / 2, n - n / 2);
			dsum_min(&lo[1], &lo[0], 1);
			dsum_max(&hi[0], terms, n / 2);
			dsum_max(&hi[1], terms + n / 2, n - n / 2);
			dsum_max(&hi[0], &hi[1], 1);
			printf("%a %a\n", lo[1], hi[0]);
		} else if (strcmp(cmd, "format") == 0) {
			for (i = 0; i < n; i++) {
				dsum_format(terms[i], buf, sizeof(buf));
				printf("%s\n", buf);
			}
		} else {
			fprintf(stderr, "t-dsum: unknown command '%s'\n", cmd);
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int portable;

	if (argc == 2 && strcmp(argv[1], "--driver") == 0)
		return drive();
	for (portable = paths_first(); portable <= 1; portable++) {
		paths_use(portable);
		rng_state = 0x2545f4914f6cdd1du;
		test_zeros_and_specials();
		test_integers();
		test_powers_of_two();
		test_cancellation();
		test_order();
		test_window_edge();
		test_overflow();
		test_wire();
		test_minmax();
		test_format();
	}
	return tap_done();
}
