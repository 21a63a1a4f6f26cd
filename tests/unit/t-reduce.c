/*
 * t-reduce.c - unit tests of reduce.c: partial results split any way and
 * merged give the reduce of all the values
 *
 * The reference is a plain GMP loop over the same values (sum, product,
 * min, max with mpz_t), written here; for doubles, the special values'
 * rules of reduce.h.  Each case splits the values into random pieces, one
 * partial each, encodes every piece as a worker would, and merges them in
 * the manager's order.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "paths.h"
#include "reduce.h"
#include "rng.h"
#include "tap.h"

#define NVALUES	300

static const char *const names[] = { "", "sum", "product", "min", "max" };

/* The reference: op over v[0..n) with GMP, as a decimal string. */
static char *
reference(int op, const int128 *v, int n)
{
	mpz_t r, x;
	char *s;
	int i;

	mpz_inits(r, x, NULL);
	mpz_set_ui(r, op == MR_REDUCE_PRODUCT);
	for (i = 0; i < n; i++) {
		arith_set_i128(x, v[i]);
		if (op == MR_REDUCE_SUM)
			mpz_add(r, r, x);
		else if (op == MR_REDUCE_PRODUCT)
			mpz_mul(r, r, x);
		else if (i == 0 || (op == MR_REDUCE_MIN ? mpz_cmp(x, r) < 0 :
		    mpz_cmp(x, r) > 0))
			mpz_set(r, x);
	}
	s = mpz_get_str(NULL, 10, r);
	mpz_clears(r, x, NULL);
	return s;
}

/* The values split at random into pieces, merged as the manager does. */
static char *
split_and_merge(int op, const int128 *v, int n)
{
	struct partial all, piece;
	unsigned char *buf;
	uint32_t flags;
	size_t len;
	char *s;
	int i = 0, end;

	partial_init(&all, op, 0);
	while (i < n || rng() % 4 == 0) {	/* empty pieces too */
		end = i + (int)(rng() % 40);
		if (end > n)
			end = n;
		partial_init(&piece, op, 0);
		for (; i < end; i++)
			partial_add_i128(&piece, v[i]);
		if (partial_encode(&piece, &flags, &buf, &len) == -1 ||
		    partial_merge(&all, flags, buf, len) == -1) {
			free(buf);
			partial_free(&piece);
			partial_free(&all);
			return strdup("encode or merge failed");
		}
		free(buf);
		partial_free(&piece);
		if (i >= n)
			break;
	}
	s = partial_format(&all);
	partial_free(&all);
	return s;
}

static int128
random_value(void)
{
	int128 v = (int128)(int64_t)rng();

	switch (rng() % 4) {
	case 0:
		return v % 1000;			/* small */
	case 1:
		return v * (int64_t)rng();		/* about 2^126 */
	case 2:
		return (int128)((int64_t)rng() >> (rng() % 64));
	default:
		return v;
	}
}

static void
integers(void)
{
	int128 v[NVALUES];
	char *want, *got;
	int op, round, i, n;

	for (op = MR_REDUCE_SUM; op <= MR_REDUCE_MAX; op++)
		for (round = 0; round < 20; round++) {
			n = 1 + (int)(rng() % NVALUES);
			if (op == MR_REDUCE_PRODUCT && round % 5 == 0)
				n = 1 + n % 8;
			for (i = 0; i < n; i++)
				v[i] = random_value();
			if (round == 3)
				v[n / 2] = 0;		/* a zero in a product */
			want = reference(op, v, n);
			got = split_and_merge(op, v, n);
			ok(got != NULL && strcmp(want, got) == 0,
			    "%s of %d integers, split at random (round %d)",
			    names[op], n, round);
			free(want);
			free(got);
		}
}

/* A kernel's batches of int64_t, with the extremes, summed in lanes. */
static void
batches(void)
{
	static int64_t v[1003];
	int128 w[1003];
	struct partial p;
	char *want, *got;
	int round, i, n, op;

	for (round = 0; round < 24; round++) {
		n = round < 8 ? round : 1 + (int)(rng() % 1003);
		op = round % 3 == 2 ? MR_REDUCE_MAX : MR_REDUCE_SUM;
		for (i = 0; i < n; i++) {
			v[i] = (int64_t)rng();
			if (rng() % 8 == 0)
				v[i] = rng() % 2 ? INT64_MIN : INT64_MAX;
			w[i] = v[i];
		}
		partial_init(&p, op, 0);
		partial_add_i64s(&p, v, (size_t)n);
		got = partial_format(&p);
		want = n > 0 || op == MR_REDUCE_SUM ? reference(op, w, n) :
		    NULL;
		ok(want == got || (want != NULL && got != NULL &&
		    strcmp(want, got) == 0), "%s of a batch of %d int64_t",
		    names[op], n);
		free(want);
		free(got);
		partial_free(&p);
	}
}

/* An empty map: sum 0, product 1, min and max nothing. */
static void
empty(void)
{
	struct partial p;
	char *s;
	int op;

	for (op = MR_REDUCE_SUM; op <= MR_REDUCE_MAX; op++) {
		partial_init(&p, op, 0);
		s = partial_format(&p);
		ok(op == MR_REDUCE_SUM ? s != NULL && strcmp(s, "0") == 0 :
		    op == MR_REDUCE_PRODUCT ? s != NULL && strcmp(s, "1") == 0 :
		    s == NULL, "%s of no value", names[op]);
		free(s);
		partial_free(&p);
	}
}

/* min and max of doubles: NaN wins, -0.0 is the min of the zeros. */
static void
doubles(void)
{
	static const struct {
		int op;
		double v[3];
		const char *want;
	} cases[] = {
		{ MR_REDUCE_MIN, { 0.0, -0.0, 0.0 }, "-0.0" },
		{ MR_REDUCE_MAX, { -0.0, 0.0, -0.0 }, "0.0" },
		{ MR_REDUCE_MIN, { 1.5, NAN, -2.0 }, "nan" },
		{ MR_REDUCE_MAX, { NAN, 1.0, 2.0 }, "nan" },
		{ MR_REDUCE_MAX, { -INFINITY, 1e308, 5e-324 }, "1e+308" },
		{ MR_REDUCE_MIN, { 0.1, 0.2, 0.30000000000000004 }, "0.1" },
		{ MR_REDUCE_SUM, { 0.1, 0.2, 0.3 }, "0.6" },
		{ MR_REDUCE_SUM, { 1e308, 1e308, -1e308 }, "1e+308" },
		{ MR_REDUCE_SUM, { INFINITY, 1.0, -INFINITY }, "nan" },
	};
	struct partial all, piece;
	unsigned char *buf;
	uint32_t flags;
	size_t len, k;
	char *s;
	int i;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		partial_init(&all, cases[k].op, 1);
		for (i = 2; i >= 0; i--) {		/* one piece each */
			partial_init(&piece, cases[k].op, 1);
			partial_add_doubles(&piece, &cases[k].v[i], 1);
			if (partial_encode(&piece, &flags, &buf, &len) == 0)
				partial_merge(&all, flags, buf, len);
			free(buf);
			partial_free(&piece);
		}
		s = partial_format(&all);
		ok(s != NULL && strcmp(s, cases[k].want) == 0,
		    "doubles: %s of %g, %g, %g is %s (got %s)",
		    names[cases[k].op], cases[k].v[0], cases[k].v[1],
		    cases[k].v[2], cases[k].want, s != NULL ? s : "nothing");
		free(s);
		partial_free(&all);
	}
}

int
main(void)
{
	int portable;

	for (portable = paths_first(); portable <= 1; portable++) {
		paths_use(portable);
		rng_state = 0x7265647563650001u;
		integers();
		batches();
		empty();
		doubles();
	}
	return tap_done();
}
