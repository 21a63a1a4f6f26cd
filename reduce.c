/* reduce.c - partial results: the exact reduce of a map's values, across workers */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "reduce.h"

#define PENDING_MAX	((int128)1 << 62)	/* |pending * v| < 2^124 */

static void	product_flush(struct partial *p);
static void	product_push(struct partial *p, const mpz_t v);
static void	product_value(const struct partial *p, mpz_t v);
static void	product_release(struct partial *p);
static void	integer_value(const struct partial *p, mpz_t v);
static void	best_mpz(struct partial *p, const mpz_t v);
static void	best_doubles(struct partial *p, const double *v, size_t n);
static int	better(int op, int cmp);
static int	has_none(const struct partial *p);

void
partial_init(struct partial *p, int op, int doubles)
{
	memset(p, 0, sizeof(*p));
	p->op = op;
	p->doubles = doubles;
	acc_init(&p->sum);
	mpz_init_set_ui(p->big, op == MR_REDUCE_PRODUCT ? 1 : 0);
	p->pending = 1;
	dsum_init(&p->dsum);
	p->best = op == MR_REDUCE_MIN ? INFINITY : -INFINITY;
}

void
partial_free(struct partial *p)
{
	acc_release(&p->sum);
	product_release(p);
	mpz_clear(p->big);
	dsum_clear(&p->dsum);
}

/*
 * Factors are gathered in an int128 while their product stays below 2^62,
 * so that GMP multiplies by 64-bit words, not by every element.
 */
void
partial_add_i128(struct partial *p, int128 v)
{
	mpz_t t;
	int cmp;

	switch (p->op) {
	case MR_REDUCE_SUM:
		acc_add_i128(&p->sum, v);
		return;
	case MR_REDUCE_PRODUCT:
		if (mpz_sgn(p->big) == 0)	/* 0 absorbs everything */
			return;
		if (v > -PENDING_MAX && v < PENDING_MAX &&
		    p->pending > -PENDING_MAX && p->pending < PENDING_MAX) {
			p->pending *= v;
			return;
		}
		product_flush(p);
		if (v > -PENDING_MAX && v < PENDING_MAX) {
			p->pending = v;
			return;
		}
		break;			/* a wide factor: GMP */
	default:
		if (!p->big_best) {
			cmp = v < p->small ? -1 : v > p->small;
			if (!p->has_value || better(p->op, cmp))
				p->small = v;
			p->has_value = 1;
			return;
		}
		break;
	}
	mpz_init(t);
	arith_set_i128(t, v);
	partial_add_mpz(p, t);
	mpz_clear(t);
}

void
partial_add_mpz(struct partial *p, const mpz_t v)
{
	switch (p->op) {
	case MR_REDUCE_SUM:
		acc_add_mpz(&p->sum, v);
		break;
	case MR_REDUCE_PRODUCT:
		product_flush(p);
		product_push(p, v);
		break;
	default:
		best_mpz(p, v);
		break;
	}
}

/*
 * A kernel's batch.  A sum takes each value as 64 unsigned bits, its low
 * and high 32 bits summed apart, and subtracts 2^64 for each negative one:
 * three sums of lanes without carries, exact for fewer than 2^31 values
 * at a time, which the compiler turns into vector instructions.
 */
#define LANES		4
#define ROUND_MAX	((size_t)1 << 30)	/* values between two flushes */

__attribute__((target_clones("avx2", "default"))) static void
sum_lanes(const int64_t *v, size_t n, uint64_t *lo, uint64_t *hi,
    uint64_t *neg)
{
	uint64_t x[LANES] = { 0 }, y[LANES] = { 0 }, z[LANES] = { 0 }, u;
	size_t i;
	int l;

	for (i = 0; i + LANES <= n; i += LANES)
		for (l = 0; l < LANES; l++) {
			u = (uint64_t)v[i + (size_t)l];
			x[l] += u & UINT32_MAX;
			y[l] += u >> 32;
			z[l] += u >> 63;
		}
	for (; i < n; i++) {
		u = (uint64_t)v[i];
		x[0] += u & UINT32_MAX;
		y[0] += u >> 32;
		z[0] += u >> 63;
	}
	*lo = *hi = *neg = 0;
	for (l = 0; l < LANES; l++) {
		*lo += x[l];
		*hi += y[l];
		*neg += z[l];
	}
}

void
partial_add_i64s(struct partial *p, const int64_t *v, size_t n)
{
	uint64_t lo = 0, hi = 0, neg = 0;
	size_t i, m;

	if (p->op != MR_REDUCE_SUM) {
		for (i = 0; i < n; i++)
			partial_add_i128(p, v[i]);
		return;
	}
	for (i = 0; i < n; i += m) {
		m = n - i < ROUND_MAX ? n - i : ROUND_MAX;
		sum_lanes(v + i, m, &lo, &hi, &neg);
		acc_add_i128(&p->sum, (int128)(((uint128)hi << 32) + lo) -
		    (int128)((uint128)neg << 64));
	}
}

void
partial_add_acc(struct partial *p, const struct acc *a)
{
	mpz_t t;

	if (p->op == MR_REDUCE_SUM) {
		acc_add_acc(&p->sum, a);
		return;
	}
	mpz_init(t);
	acc_get(a, t);
	partial_add_mpz(p, t);
	mpz_clear(t);
}

void
partial_add_doubles(struct partial *p, const double *v, size_t n)
{
	if (p->op == MR_REDUCE_SUM)
		dsum_add(&p->dsum, v, n);
	else
		best_doubles(p, v, n);
}

static void
product_flush(struct partial *p)
{
	mpz_t t;

	if (p->pending == 1)
		return;
	mpz_init(t);
	arith_set_i128(t, p->pending);
	product_push(p, t);
	mpz_clear(t);
	p->pending = 1;
}

/*
 * A product of n factors multiplied into one growing number costs
 * O(n^2): each factor is multiplied by all the others' product.  The
 * factors are the leaves of a binary tree instead, as a binary counter
 * holds them: tree[i], when bit i of tree_used is set, is the product of
 * 2^i leaves, and two products of as many leaves are multiplied together
 * as soon as there are two, so that GMP multiplies numbers of about equal
 * size, in O(M(n) log n).  A zero factor makes the product 0 for good
 * (big, otherwise 1).
 */
static void
product_push(struct partial *p, const mpz_t v)
{
	mpz_t x;
	int i;

	if (mpz_sgn(v) == 0) {
		mpz_set_ui(p->big, 0);
		product_release(p);
		return;
	}
	mpz_init_set(x, v);
	for (i = 0; p->tree_used >> i & 1; i++) {
		mpz_mul(x, x, p->tree[i]);
		mpz_clear(p->tree[i]);
	}
	p->tree_used &= ~(((uint64_t)1 << i) - 1);
	p->tree_used |= (uint64_t)1 << i;
	mpz_init(p->tree[i]);
	mpz_swap(p->tree[i], x);
	mpz_clear(x);
}

/* The product so far, into v (initialised): the smaller levels first. */
static void
product_value(const struct partial *p, mpz_t v)
{
	int i;

	arith_set_i128(v, p->pending);
	mpz_mul(v, v, p->big);
	for (i = 0; i < 64 && mpz_sgn(v) != 0; i++)
		if (p->tree_used >> i & 1)
			mpz_mul(v, v, p->tree[i]);
}

static void
product_release(struct partial *p)
{
	int i;

	for (i = 0; i < 64; i++)
		if (p->tree_used >> i & 1)
			mpz_clear(p->tree[i]);
	p->tree_used = 0;
}

static void
best_mpz(struct partial *p, const mpz_t v)
{
	if (p->has_value && !p->big_best)	/* move the best to GMP */
		arith_set_i128(p->big, p->small);
	p->big_best = 1;
	if (!p->has_value || better(p->op, mpz_cmp(v, p->big)))
		mpz_set(p->big, v);
	p->has_value = 1;
}

/* The integer result so far, into v (initialised). */
static void
integer_value(const struct partial *p, mpz_t v)
{
	if (p->op == MR_REDUCE_SUM)
		acc_get(&p->sum, v);
	else if (p->op == MR_REDUCE_PRODUCT)
		product_value(p, v);
	else if (p->big_best)
		mpz_set(v, p->big);
	else
		arith_set_i128(v, p->small);
}

/*
 * IEEE 754's minimum and maximum, in dsum.c's vector loops: any NaN makes
 * the result NaN and -0.0 is less than 0.0, so that the order of the
 * values does not matter.  p->best starts at the operation's identity.
 */
static void
best_doubles(struct partial *p, const double *v, size_t n)
{
	if (n == 0)
		return;
	if (p->op == MR_REDUCE_MIN)
		dsum_min(&p->best, v, n);
	else
		dsum_max(&p->best, v, n);
	p->has_value = 1;
}

/* Whether a value that compares `cmp` to the best (<0, 0, >0) replaces it. */
static int
better(int op, int cmp)
{
	return op == MR_REDUCE_MIN ? cmp < 0 : cmp > 0;
}

/* min or max of no value: there is none, as in Python's reduce(). */
static int
has_none(const struct partial *p)
{
	return (p->op == MR_REDUCE_MIN || p->op == MR_REDUCE_MAX) &&
	    !p->has_value;
}

int
partial_encode(const struct partial *p, uint32_t *flags, unsigned char **buf,
    size_t *len)
{
	uint64_t bits;
	mpz_t v;
	int k;

	*buf = NULL;
	*len = 0;
	*flags = 0;
	if (has_none(p))
		return 0;
	*flags = MR_RESULT_VALUE;
	if (p->doubles && p->op == MR_REDUCE_SUM)
		return dsum_encode(&p->dsum, flags, buf, len);
	if (p->doubles) {
		if ((*buf = malloc(sizeof(bits))) == NULL)
			return -1;
		memcpy(&bits, &p->best, sizeof(bits));
		for (k = 0; k < 8; k++)
			(*buf)[k] = (unsigned char)(bits >> (56 - 8 * k));
		*len = sizeof(bits);
		return 0;
	}
	mpz_init(v);
	integer_value(p, v);
	*buf = arith_encode(v, len);
	mpz_clear(v);
	return *buf == NULL ? -1 : 0;
}

int
partial_merge(struct partial *p, uint32_t flags, const unsigned char *buf,
    size_t len)
{
	struct dsum d;
	uint64_t bits = 0;
	double x;
	mpz_t v;
	int rc, k;

	if (!(flags & MR_RESULT_VALUE))	/* only min and max may have none */
		return p->op == MR_REDUCE_MIN || p->op == MR_REDUCE_MAX ?
		    0 : -1;
	if (p->doubles && p->op == MR_REDUCE_SUM) {
		dsum_init(&d);
		if ((rc = dsum_decode(&d, flags, buf, len)) == 0)
			dsum_merge(&p->dsum, &d);
		dsum_clear(&d);
		return rc;
	}
	if (p->doubles) {
		if (len != sizeof(bits))
			return -1;
		for (k = 0; k < 8; k++)
			bits = bits << 8 | buf[k];
		memcpy(&x, &bits, sizeof(x));
		best_doubles(p, &x, 1);
		return 0;
	}
	mpz_init(v);
	if ((rc = arith_decode(v, buf, len)) == 0)
		partial_add_mpz(p, v);
	mpz_clear(v);
	return rc;
}

char *
partial_format(const struct partial *p)
{
	char buf[64], *s;
	mpz_t v;

	if (has_none(p))
		return NULL;
	if (p->doubles) {
		dsum_format(p->op == MR_REDUCE_SUM ? dsum_value(&p->dsum) :
		    p->best, buf, sizeof(buf));
		return strdup(buf);
	}
	mpz_init(v);
	integer_value(p, v);
	s = mpz_get_str(NULL, 10, v);
	mpz_clear(v);
	return s;
}
