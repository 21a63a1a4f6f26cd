/* kernel.h - the map/reduce kernels that workers run on a block */

#ifndef MR_KERNEL_H
#define MR_KERNEL_H

#include <stdint.h>

#include "arith.h"
#include "common.h"

/*
 * Add to acc the sum over i in [first, first + count) of the product of
 * range_at(&r[j], i) for j < arity: the map of Python's
 * map(product, *ranges) over one block, reduced with +.  Every element is
 * evaluated.  The caller guarantees arity >= 1 and that every range has at
 * least first + count elements.  The result is exact for any input.
 * Returns 0, or -1 when out of memory (acc is then unchanged).
 */
int	kernel_product_sum(const struct mr_range *r, uint32_t arity,
	    uint64_t first, uint64_t count, struct acc *acc);

#endif /* MR_KERNEL_H */
