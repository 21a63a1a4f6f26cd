/* dsum.c - exact sums of doubles, rounded once; doubles written as Python does */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "common.h"
#include "dsum.h"

#define SCALE	1074		/* 2^-1074: the least subnormal */

void
dsum_init(struct dsum *d)
{
	mpz_init(d->fixed);
	d->flags = 0;
}

void
dsum_clear(struct dsum *d)
{
	mpz_clear(d->fixed);
}

void
dsum_add(struct dsum *d, const double *v, size_t n)
{
	mpz_t t;
	double m;
	size_t i;
	int e;

	mpz_init(t);
	for (i = 0; i < n; i++) {
		if (isnan(v[i]))
			d->flags |= MR_RESULT_NAN;
		else if (isinf(v[i]))
			d->flags |= v[i] > 0 ? MR_RESULT_POS_INF :
			    MR_RESULT_NEG_INF;
		else if (v[i] != 0) {
			m = frexp(v[i], &e);	/* v = m * 2^e, |m| in [0.5, 1) */
			if (e - 53 + SCALE < 0) {	/* subnormal: < 2^53 */
				mpz_set_d(t, ldexp(v[i], SCALE));
			} else {
				mpz_set_d(t, ldexp(m, 53));	/* 53 bits */
				mpz_mul_2exp(t, t,
				    (mp_bitcnt_t)(e - 53 + SCALE));
			}
			mpz_add(d->fixed, d->fixed, t);
		}
	}
	mpz_clear(t);
}

void
dsum_merge(struct dsum *to, const struct dsum *from)
{
	mpz_add(to->fixed, to->fixed, from->fixed);
	to->flags |= from->flags;
}

double
dsum_value(const struct dsum *d)
{
	size_t bits;
	mpz_t q;
	double v;
	int up;

	if ((d->flags & MR_RESULT_NAN) || ((d->flags & MR_RESULT_POS_INF) &&
	    (d->flags & MR_RESULT_NEG_INF)))
		return NAN;
	if (d->flags & MR_RESULT_POS_INF)
		return INFINITY;
	if (d->flags & MR_RESULT_NEG_INF)
		return -INFINITY;
	if (mpz_sgn(d->fixed) == 0)
		return 0.0;
	bits = mpz_sizeinbase(d->fixed, 2);
	if (bits <= 53)			/* exact, normal or subnormal */
		return ldexp(mpz_get_d(d->fixed), -SCALE);
	/* Keep 53 bits of the magnitude, round half to even on the rest. */
	mpz_init(q);
	mpz_abs(q, d->fixed);
	up = mpz_tstbit(q, bits - 54) && (mpz_scan1(q, 0) < bits - 54 ||
	    mpz_tstbit(q, bits - 53));
	mpz_tdiv_q_2exp(q, q, bits - 53);
	if (up)
		mpz_add_ui(q, q, 1);
	v = ldexp(mpz_get_d(q), (int)(bits - 53) - SCALE);
	mpz_clear(q);
	return mpz_sgn(d->fixed) < 0 ? -v : v;
}

int
dsum_encode(const struct dsum *d, uint32_t *flags, unsigned char **buf,
    size_t *len)
{
	*flags |= d->flags;
	*buf = arith_encode(d->fixed, len);
	return *buf == NULL ? -1 : 0;
}

int
dsum_decode(struct dsum *d, uint32_t flags, const unsigned char *buf,
    size_t len)
{
	d->flags = flags & (MR_RESULT_NAN | MR_RESULT_POS_INF |
	    MR_RESULT_NEG_INF);
	return arith_decode(d->fixed, buf, len);
}

/*
 * Python's repr: the fewest significant digits that read back as x; plain
 * notation, with at least one digit after the point, for decimal
 * exponents from -4 to 15, else d.ddde+XX.
 */
int
dsum_format(double x, char *buf, size_t len)
{
	static const char zeros[] = "0000000000000000";
	char sci[32], digits[20], *p;
	const char *sign;
	int prec, exp10, n, k;

	if (isnan(x))
		return snprintf(buf, len, "nan");
	if (isinf(x))
		return snprintf(buf, len, "%sinf", x < 0 ? "-" : "");
	for (prec = 0; prec < 17; prec++) {
		snprintf(sci, sizeof(sci), "%.*e", prec, x);
		if (strtod(sci, NULL) == x)
			break;
	}
	/* sci is [-]d[.ddd]e[+-]XX: gather the digits and the exponent */
	p = sci + (sci[0] == '-');
	for (n = 0; *p != 'e'; p++)
		if (*p != '.')
			digits[n++] = *p;
	digits[n] = '\0';
	exp10 = atoi(p + 1);
	sign = signbit(x) ? "-" : "";
	if (exp10 < -4 || exp10 >= 16)
		return snprintf(buf, len, "%s%c%s%se%c%02d", sign, digits[0],
		    n > 1 ? "." : "", digits + 1, exp10 < 0 ? '-' : '+',
		    abs(exp10));
	if (exp10 < 0)
		return snprintf(buf, len, "%s0.%.*s%s", sign, -exp10 - 1, zeros,
		    digits);
	k = exp10 + 1;			/* digits before the point */
	if (n <= k)
		return snprintf(buf, len, "%s%s%.*s.0", sign, digits, k - n,
		    zeros);
	return snprintf(buf, len, "%s%.*s.%s", sign, k, digits, digits + k);
}
