/* dsum.h - exact sums of doubles, IEEE minimum and maximum, Python's repr */

#ifndef MR_DSUM_H
#define MR_DSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * struct dsum holds the exact sum of any number of doubles, like
 * math.fsum() before its final rounding.  Every finite double is an
 * integer multiple of 2^-1074, so the finite terms add up to an integer
 * N = sum * 2^1074, kept in base 2^32: N = sum of digit[i] * 2^(32 i).
 * Between calls digit[0 .. DSUM_DIGITS - 2] lie in [0, 2^32) and the top
 * digit, signed, takes the carries: a sum of fewer than 2^76 terms cannot
 * overflow it.  NaN and the infinities are kept apart as flags and decide
 * the value as IEEE addition does.
 *
 * The result depends only on the multiset of terms: any order, any split
 * into partial sums merged in any order gives the same bits.
 *
 * Life cycle: struct dsum s = DSUM_INIT (or dsum_init()), dsum_add(),
 * dsum_merge() or dsum_decode(), dsum_value(), dsum_clear().  A dsum owns
 * no memory today; dsum_clear() resets it to the empty sum.
 */
#define DSUM_DIGITS	67	/* 2^(32 * 66) > 2^2098 > 2^1074 * DBL_MAX */

struct dsum {
	int64_t digit[DSUM_DIGITS];	/* N in base 2^32, least first */
	uint32_t flags;			/* MR_RESULT_NAN, _POS_INF, _NEG_INF */
	int guess;			/* the last run's window: speed only */
};

#define DSUM_INIT	{ { 0 }, 0, 0 }

void	dsum_init(struct dsum *s);
void	dsum_clear(struct dsum *s);

/*
 * Add v[0 .. n - 1] exactly; NaN and infinities are allowed.  The hot path:
 * with AVX2 it costs less than a cycle per value when the nonzero values
 * of each run of 4096 lie within a factor 2^30 of one another, and a few
 * nanoseconds per value for values spread over the whole range.
 */
void	dsum_add(struct dsum *s, const double *v, size_t n);

/* Add the sum held in from to the one in to; from is left as it was. */
void	dsum_merge(struct dsum *to, const struct dsum *from);

/*
 * The sum rounded once to the nearest double, ties to even, as IEEE
 * addition rounds: an infinity when it rounds beyond DBL_MAX.  NaN when a
 * NaN or both infinities were added, else the infinity that was added.
 * An exact zero is 0.0, as math.fsum() and the project's reference,
 * reduce(add, values, 0), make it, even from terms that are all -0.0.
 */
double	dsum_value(const struct dsum *s);

/*
 * The wire form (see struct mr_result in common.h): NaN and the infinities
 * as MR_RESULT_* flags, N as arith_encode() writes an integer.
 *
 * dsum_encode() ORs the flags of s into *flags and stores in *buf a
 * malloc(3)ed buffer that the caller frees, its length in *len; it returns
 * 0, or -1 (and *buf NULL) when out of memory.  dsum_decode() adds the sum
 * of flags and buf[0 .. len) to s, usually a new one, and returns 0, or
 * returns -1 and leaves s as it was when the bytes are not an integer or
 * are more than any sum of doubles (see WIRE_BITS in dsum.c).
 */
int	dsum_encode(const struct dsum *s, uint32_t *flags, unsigned char **buf,
	    size_t *len);
int	dsum_decode(struct dsum *s, uint32_t flags, const unsigned char *buf,
	    size_t len);

/*
 * The minimum and maximum operations of IEEE 754-2019: a NaN anywhere makes
 * the result NaN, and -0.0 counts as less than 0.0.  *m is both the
 * running result and the first operand, so that partial results from
 * other workers merge with dsum_min(&m, &their_m, 1).  Start from
 * *m = INFINITY for a minimum and *m = -INFINITY for a maximum.
 */
void	dsum_min(double *m, const double *v, size_t n);
void	dsum_max(double *m, const double *v, size_t n);

/*
 * Write x as Python's repr(x) does: the shortest digits that read back as
 * x, in fixed notation when 1e-4 <= |x| < 1e16 ("2.0", "0.0001",
 * "-0.0") and scientific otherwise ("1e+16", "1.5e-05"); "inf", "-inf",
 * "nan".  Returns what snprintf(3) would: the length of the whole text,
 * which is never more than DSUM_FORMAT_MAX - 1.
 */
#define DSUM_FORMAT_MAX	32	/* "-2.2250738585072014e-308" and its NUL fit */

int	dsum_format(double x, char *buf, size_t len);

#endif /* MR_DSUM_H */
