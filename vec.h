/* vec.h - an expression over arrays of consecutive elements: eval.c's fast path */

#ifndef MR_VEC_H
#define MR_VEC_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"

#define VEC_LANES	1024	/* elements at a time: 8 KB per array */

enum vec_type {
	VEC_INT = 1,		/* int64_t values (ints and bools) */
	VEC_FLOAT		/* doubles */
};

struct vec;

/*
 * Plan x for arrays: every value of the program gets one static type,
 * int64_t or double, and every operation a loop over the lanes.  Returns
 * NULL when x cannot be planned so (big constants, a value whose type
 * depends on the element, functions without a loop here, more than
 * VEC_MAX_ARRAYS arrays for its values, 2 MB): eval.c then runs it element
 * by element.
 */
struct vec *vec_plan(const struct expr *x);
void	vec_free(struct vec *v);

/* The type of every value of the planned program: VEC_INT or VEC_FLOAT. */
int	vec_type(const struct vec *v);

/*
 * Evaluate n <= VEC_LANES consecutive elements; variable j is start[j] +
 * t * step[j] (modulo 2^64) in lane t.  Sets *out to the n values, of the
 * type vec_run() returns, and *bad to n flags: a lane whose flag is set
 * holds no value, because the fixed-width loops could not give CPython's
 * (an overflow, a division by zero, a NaN, a value beyond int64_t): eval.c
 * computes it again exactly, and raises there if Python would.  Never
 * raises itself.
 */
int	vec_run(struct vec *v, const int64_t *start, const int64_t *step,
	    size_t n, void **out, const uint8_t **bad);

#endif /* MR_VEC_H */
