/* eval.h - an expression's values for a block of elements, into a partial result */

#ifndef MR_EVAL_H
#define MR_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "expr.h"
#include "reduce.h"

struct eval;

/*
 * Compile the expression spec, "EXPR\0NAME1\0...NAMEn\0" as common.h
 * sends it (len bytes, n = arity), for evaluation.  Returns NULL with a
 * one-line reason in why.
 */
struct eval *eval_open(const char *spec, size_t len, uint32_t arity,
	    char *why, size_t whylen);
void	eval_close(struct eval *ev);

/*
 * Add the values of elements first .. first + count - 1 of the ranges to
 * p (a PARTIAL_ANY partial).  Returns MR_STATUS_OK, MR_STATUS_NOMEM, or
 * MR_STATUS_EXPR when the expression raised for an element: then
 * eval_error() tells which and why.
 */
int	eval_block(struct eval *ev, const struct mr_range *r, uint64_t first,
	    uint64_t count, struct partial *p);

/*
 * The element that raised, and one line: "x=5, y=105: ZeroDivisionError:
 * division by zero", as Python would have said it.
 */
const char *eval_error(const struct eval *ev, uint64_t *element);

#endif /* MR_EVAL_H */
