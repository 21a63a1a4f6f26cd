/* range.h - parse and index Python-style integer ranges */

#ifndef MR_RANGE_H
#define MR_RANGE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/*
 * A range is the wire type struct mr_range: range(start, stop, step) with
 * 64-bit signed bounds and Python's semantics.  Every function here assumes
 * step != 0, which range_parse() guarantees.
 *
 * A range has at most 2^64 - 1 elements (range(INT64_MIN, INT64_MAX)), so a
 * length always fits uint64_t, and every element lies between start and stop,
 * so it always fits int64_t.
 */

/*
 * Parse "START:STOP[:STEP]" into *r.  Returns 0 on success.  On failure
 * returns -1 and points *errstr at a static message that says what is wrong;
 * *r is then unspecified.
 */
int	range_parse(const char *spec, struct mr_range *r, const char **errstr);

/* Number of elements, as len(range(start, stop, step)). */
uint64_t range_len(const struct mr_range *r);

/* Element i, for i < range_len(r): start + i * step, computed without overflow. */
int64_t	range_at(const struct mr_range *r, uint64_t i);

/*
 * Move the value v of a range on by its step, in place: the kernels walk a
 * range by repeated addition.  The addition is done modulo 2^64 because
 * the step after the last element may leave the int64_t range; that value
 * is never used.
 */
#define RANGE_ADVANCE(v, step) \
	((v) = (int64_t)((uint64_t)(v) + (uint64_t)(step)))

/* Format r as "START:STOP:STEP" into buf of size len, as snprintf(3). */
int	range_format(const struct mr_range *r, char *buf, size_t len);

#endif /* MR_RANGE_H */
