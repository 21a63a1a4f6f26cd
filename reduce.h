/* reduce.h - partial results: the exact reduce of a map's values, across workers */

#ifndef MR_REDUCE_H
#define MR_REDUCE_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "arith.h"
#include "dsum.h"

/*
 * A struct partial is a reduce in progress: what a worker has made of the
 * values of its elements so far, or what the manager has made of the
 * workers' partials.  Integers are exact at any size, as Python's;
 * doubles are summed exactly (dsum.h) and rounded once, at the end, so
 * that no result depends on how the elements were split.  The exact
 * product of doubles is not offered: it needs 53 bits per element.
 *
 * Life cycle: partial_init(), partial_add_*() or partial_merge(), then
 * partial_format(), partial_free().
 */
#define PARTIAL_ANY	2	/* partial_init's doubles: either, or both */
#define PARTIAL_SEEN_INT	0x1
#define PARTIAL_SEEN_DOUBLE	0x2

struct partial {
	int op;			/* an enum mr_reduce */
	int doubles;		/* values are doubles (1), integers (0), or
				   either (PARTIAL_ANY: an expression's) */
	int seen;		/* PARTIAL_ANY: PARTIAL_SEEN_* */
	int has_value;		/* min, max: a value was seen */
	struct acc sum;		/* integers, sum */
	mpz_t big;		/* integers: product, or min/max beyond int128 */
	int128 small;		/* integers, min/max while all fit int128 */
	int big_best;		/* min/max: the best is in big, not small */
	int128 pending;		/* product: factors not yet multiplied in */
	mpz_t tree[64];		/* product: tree[i], of 2^i leaves */
	uint64_t tree_used;	/* product: bit i, tree[i] is set */
	struct dsum dsum;	/* doubles, sum */
	double best;		/* doubles, min/max */
};

void	partial_init(struct partial *p, int op, int doubles);
void	partial_free(struct partial *p);

/* Integer values. */
void	partial_add_i128(struct partial *p, int128 v);
void	partial_add_mpz(struct partial *p, const mpz_t v);
void	partial_add_i64s(struct partial *p, const int64_t *v, size_t n);
/* An integer sum held in an acc (the fast product-sum kernel's). */
void	partial_add_acc(struct partial *p, const struct acc *a);

/* Double values. */
void	partial_add_doubles(struct partial *p, const double *v, size_t n);

/*
 * The wire form (struct mr_result in common.h): MR_RESULT_* flags in
 * *flags and a malloc(3)ed buffer of *len bytes (NULL with *len 0 when
 * there is nothing to send).  Returns 0, or -1 when out of memory.
 */
int	partial_encode(const struct partial *p, uint32_t *flags,
	    unsigned char **buf, size_t *len);
/* Merge an encoded partial into p; -1 if the bytes are malformed. */
int	partial_merge(struct partial *p, uint32_t flags,
	    const unsigned char *buf, size_t len);

/*
 * Whether the values so far can be reduced: NULL, or why not, one line.
 * Only a PARTIAL_ANY partial can fail: -R min, max or product of both
 * integers and doubles, -R product of doubles, a sum beyond the doubles.
 * A sum of integers and doubles is their exact sum, rounded once.
 */
const char *partial_check(const struct partial *p);

/* Whether the result is a double, not an integer. */
int	partial_is_double(const struct partial *p);

/*
 * The result as text, malloc(3)ed: a decimal integer, or a double as
 * Python's repr() writes it.  NULL for min or max of nothing, or when out
 * of memory.
 */
char	*partial_format(const struct partial *p);

#endif /* MR_REDUCE_H */
