/* dsum.h - exact sums of doubles, rounded once; doubles written as Python does */

#ifndef MR_DSUM_H
#define MR_DSUM_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

/*
 * Every finite double is a whole multiple of 2^-1074, so a sum of doubles
 * is exactly an integer times 2^-1074: struct dsum holds that integer, and
 * the NaNs and infinities seen apart, as IEEE 754 adds them.  Nothing is
 * rounded until dsum_value(), so a sum does not depend on the order of its
 * terms or on how they were split and merged.
 */
struct dsum {
	mpz_t fixed;		/* the sum of the finite terms, times 2^1074 */
	uint32_t flags;		/* MR_RESULT_NAN, _POS_INF, _NEG_INF seen */
};

void	dsum_init(struct dsum *d);
void	dsum_clear(struct dsum *d);
void	dsum_add(struct dsum *d, const double *v, size_t n);
void	dsum_merge(struct dsum *to, const struct dsum *from);

/* The sum, rounded to the nearest double (ties to even), as IEEE would. */
double	dsum_value(const struct dsum *d);

/* Wire form: flags ORed into *flags, the integer as arith_encode(). */
int	dsum_encode(const struct dsum *d, uint32_t *flags, unsigned char **buf,
	    size_t *len);
int	dsum_decode(struct dsum *d, uint32_t flags, const unsigned char *buf,
	    size_t len);

/* x as Python's repr(x) writes it, into buf of size len, as snprintf(3). */
int	dsum_format(double x, char *buf, size_t len);

#endif /* MR_DSUM_H */
