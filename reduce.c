/* reduce.c - partial results: the exact reduce of a map's values, across workers */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "cpu.h"
#include "decimal.h"
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
static int	encode_mixed(const struct partial *p, uint32_t *flags,
		    unsigned char **buf, size_t *len);
static int	merge_mixed(struct partial *p, uint32_t flags,
		    const unsigned char *buf, size_t len);
static int	encode_doubles(const struct partial *p, uint32_t *flags,
		    unsigned char **buf, size_t *len);
static int	merge_doubles(struct partial *p, uint32_t flags,
		    const unsigned char *buf, size_t len);
static int	mixed_sum(const struct partial *p, double *x);

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

	p->seen |= PARTIAL_SEEN_INT;
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
	p->seen |= PARTIAL_SEEN_INT;
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
 * at a time, which the compiler turns into vector instructions.  The loop
 * is built twice on x86-64, for AVX2 and for any CPU, and cpu_features()
 * picks one (cpu.h); elsewhere it is built once.
 */
#define LANES		4
#define ROUND_MAX	((size_t)1 << 30)	/* values between two flushes */

static inline __attribute__((always_inline)) void
sum_lanes_loop(const int64_t *v, size_t n, uint64_t *lo, uint64_t *hi,
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

#ifdef __x86_64__
__attribute__((target("avx2"))) static void
sum_lanes_avx2(const int64_t *v, size_t n, uint64_t *lo, uint64_t *hi,
    uint64_t *neg)
{
	sum_lanes_loop(v, n, lo, hi, neg);
}
#endif

static void
sum_lanes(const int64_t *v, size_t n, uint64_t *lo, uint64_t *hi,
    uint64_t *neg)
{
#ifdef __x86_64__
	if (cpu_features() & CPU_AVX2) {
		sum_lanes_avx2(v, n, lo, hi, neg);
		return;
	}
#endif
	sum_lanes_loop(v, n, lo, hi, neg);
}

void
partial_add_i64s(struct partial *p, const int64_t *v, size_t n)
{
	uint64_t lo = 0, hi = 0, neg = 0;
	size_t i, m;

	if (n > 0)
		p->seen |= PARTIAL_SEEN_INT;
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

	p->seen |= PARTIAL_SEEN_INT;
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
	if (n > 0)
		p->seen |= PARTIAL_SEEN_DOUBLE;
	if (p->op == MR_REDUCE_PRODUCT)	/* refused by partial_check() */
		return;
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
	mpz_t v;

	*buf = NULL;
	*len = 0;
	*flags = 0;
	if (has_none(p))
		return 0;
	*flags = MR_RESULT_VALUE;
	if (p->doubles == PARTIAL_ANY)
		return encode_mixed(p, flags, buf, len);
	if (p->doubles)
		return encode_doubles(p, flags, buf, len);
	mpz_init(v);
	integer_value(p, v);
	*buf = arith_encode(v, len);
	mpz_clear(v);
	return *buf == NULL ? -1 : 0;
}

static int
encode_doubles(const struct partial *p, uint32_t *flags, unsigned char **buf,
    size_t *len)
{
	uint64_t bits;
	int k;

	if (p->op == MR_REDUCE_SUM)
		return dsum_encode(&p->dsum, flags, buf, len);
	if ((*buf = malloc(sizeof(bits))) == NULL)
		return -1;
	memcpy(&bits, &p->best, sizeof(bits));
	for (k = 0; k < 8; k++)
		(*buf)[k] = (unsigned char)(bits >> (56 - 8 * k));
	*len = sizeof(bits);
	return 0;
}

/*
 * Either part, or both: MR_RESULT_INTS and then 8 bytes of length and the
 * integer's bytes; MR_RESULT_DOUBLES and then the doubles' bytes.
 */
static int
encode_mixed(const struct partial *p, uint32_t *flags, unsigned char **buf,
    size_t *len)
{
	unsigned char *ib = NULL, *db = NULL;
	size_t ilen = 0, dlen = 0, k;
	mpz_t v;

	if (p->seen & PARTIAL_SEEN_INT) {
		mpz_init(v);
		integer_value(p, v);
		ib = arith_encode(v, &ilen);
		mpz_clear(v);
		if (ib == NULL)
			return -1;
		*flags |= MR_RESULT_INTS;
	}
	if (p->seen & PARTIAL_SEEN_DOUBLE) {	/* a product: just the fact */
		if (p->op != MR_REDUCE_PRODUCT &&
		    encode_doubles(p, flags, &db, &dlen) == -1) {
			free(ib);
			return -1;
		}
		*flags |= MR_RESULT_DOUBLES;
	}
	*len = (ib != NULL ? 8 + ilen : 0) + dlen;
	if ((*buf = malloc(*len + 1)) != NULL) {
		for (k = 0; ib != NULL && k < 8; k++)
			(*buf)[k] = (unsigned char)((uint64_t)ilen >>
			    (56 - 8 * k));
		if (ib != NULL)
			memcpy(*buf + 8, ib, ilen);
		if (db != NULL)
			memcpy(*buf + (ib != NULL ? 8 + ilen : 0), db, dlen);
	}
	free(ib);
	free(db);
	return *buf == NULL ? -1 : 0;
}

int
partial_merge(struct partial *p, uint32_t flags, const unsigned char *buf,
    size_t len)
{
	mpz_t v;
	int rc;

	if (!(flags & MR_RESULT_VALUE))	/* only min and max may have none */
		return p->op == MR_REDUCE_MIN || p->op == MR_REDUCE_MAX ?
		    0 : -1;
	if (p->doubles == PARTIAL_ANY)
		return merge_mixed(p, flags, buf, len);
	if (p->doubles)
		return merge_doubles(p, flags, buf, len);
	mpz_init(v);
	if ((rc = arith_decode(v, buf, len)) == 0)
		partial_add_mpz(p, v);
	mpz_clear(v);
	return rc;
}

static int
merge_doubles(struct partial *p, uint32_t flags, const unsigned char *buf,
    size_t len)
{
	struct dsum d;
	uint64_t bits = 0;
	double x;
	int rc, k;

	p->seen |= PARTIAL_SEEN_DOUBLE;
	if (p->op == MR_REDUCE_SUM) {
		dsum_init(&d);
		if ((rc = dsum_decode(&d, flags, buf, len)) == 0)
			dsum_merge(&p->dsum, &d);
		dsum_clear(&d);
		return rc;
	}
	if (len != sizeof(bits))
		return -1;
	for (k = 0; k < 8; k++)
		bits = bits << 8 | buf[k];
	memcpy(&x, &bits, sizeof(x));
	best_doubles(p, &x, 1);
	return 0;
}

static int
merge_mixed(struct partial *p, uint32_t flags, const unsigned char *buf,
    size_t len)
{
	uint64_t ilen = 0;
	mpz_t v;
	int rc = 0, k;

	if (flags & MR_RESULT_INTS) {
		if (len < 8)
			return -1;
		for (k = 0; k < 8; k++)
			ilen = ilen << 8 | buf[k];
		if (ilen > len - 8)
			return -1;
		mpz_init(v);
		if ((rc = arith_decode(v, buf + 8, (size_t)ilen)) == 0)
			partial_add_mpz(p, v);
		mpz_clear(v);
		buf += 8 + ilen;
		len -= 8 + (size_t)ilen;
	}
	if (flags & MR_RESULT_DOUBLES)
		p->seen |= PARTIAL_SEEN_DOUBLE;
	if (rc == 0 && flags & MR_RESULT_DOUBLES &&
	    p->op != MR_REDUCE_PRODUCT)
		return merge_doubles(p, flags, buf, len);
	return rc == 0 && len == 0 ? 0 : -1;
}

const char *
partial_check(const struct partial *p)
{
	static char msg[160];
	double x;

	if (p->doubles != PARTIAL_ANY || !(p->seen & PARTIAL_SEEN_DOUBLE))
		return NULL;
	if (p->op == MR_REDUCE_PRODUCT)
		return "-R product of floats is not offered: the exact product"
		    " of doubles needs 53 bits per element";
	if (!(p->seen & PARTIAL_SEEN_INT))
		return NULL;
	if (p->op != MR_REDUCE_SUM) {
		snprintf(msg, sizeof(msg), "the values are ints for some"
		    " elements and floats for others: -R %s needs one type"
		    " (convert with int() or float())",
		    p->op == MR_REDUCE_MIN ? "min" : "max");
		return msg;
	}
	if (mixed_sum(p, &x) == -1)
		return "OverflowError: the exact sum of the ints and floats is"
		    " too large for a float";
	return NULL;
}

/*
 * The exact sum of the integers and the doubles, rounded once.  Every
 * double is a whole multiple of 2^-1074, so the sum is T * 2^-1074 for an
 * integer T; a double has 53 bits, and any T of 53 bits or fewer is one.
 */
static int
mixed_sum(const struct partial *p, double *x)
{
	unsigned char *b;
	size_t len, n, k;
	uint32_t flags = 0;
	mpz_t t, d, r;
	int up;

	if (p->dsum.flags != 0) {	/* NaN or an infinity decides */
		*x = dsum_value(&p->dsum);
		return 0;
	}
	mpz_inits(t, d, r, NULL);
	integer_value(p, t);
	mpz_mul_2exp(t, t, 1074);
	if (dsum_encode(&p->dsum, &flags, &b, &len) == 0 && b != NULL) {
		arith_decode(d, b, len);
		mpz_add(t, t, d);
	}
	free(b);
	n = mpz_sizeinbase(t, 2);
	k = n > 53 ? n - 53 : 0;
	mpz_tdiv_r_2exp(r, t, k);	/* the magnitude's rounding */
	mpz_tdiv_q_2exp(t, t, k);
	mpz_abs(r, r);
	up = k > 0 && (mpz_scan1(r, 0) < k - 1 ? mpz_tstbit(r, k - 1) :
	    mpz_tstbit(r, k - 1) && mpz_odd_p(t));
	if (up)
		mpz_sgn(t) < 0 ? mpz_sub_ui(t, t, 1) : mpz_add_ui(t, t, 1);
	*x = ldexp(mpz_get_d(t), (int)k - 1074);
	mpz_clears(t, d, r, NULL);
	return isinf(*x) ? -1 : 0;
}

int
partial_is_double(const struct partial *p)
{
	return p->doubles == 1 || (p->doubles == PARTIAL_ANY &&
	    p->seen & PARTIAL_SEEN_DOUBLE);
}

char *
partial_format(const struct partial *p)
{
	char buf[64], *s;
	double x;
	mpz_t v;

	if (has_none(p))
		return NULL;
	if (p->doubles == PARTIAL_ANY && p->seen == (PARTIAL_SEEN_INT |
	    PARTIAL_SEEN_DOUBLE) && p->op == MR_REDUCE_SUM) {
		if (mixed_sum(p, &x) == -1)
			return NULL;
		dsum_format(x, buf, sizeof(buf));
		return strdup(buf);
	}
	if (p->doubles == 1 || (p->doubles == PARTIAL_ANY &&
	    p->seen == PARTIAL_SEEN_DOUBLE)) {
		dsum_format(p->op == MR_REDUCE_SUM ? dsum_value(&p->dsum) :
		    p->best, buf, sizeof(buf));
		return strdup(buf);
	}
	mpz_init(v);
	integer_value(p, v);
	s = decimal_str(v);
	mpz_clear(v);
	return s;
}
