/* map.h - evaluate one block of the map into a partial result */

#ifndef MR_MAP_H
#define MR_MAP_H

#include <stdint.h>

#include "common.h"
#include "eval.h"
#include "mapreduce.h"
#include "pyload.h"
#include "reduce.h"

/* What to evaluate: the map of a struct mr_task, with its ranges. */
struct map_job {
	int map;				/* an enum mr_map */
	const struct mr_range *ranges;
	uint32_t arity;
	uint64_t length;			/* elements in the whole map */
	const struct mapreduce_kernel *kernel;	/* for MR_MAP_KERNEL */
	struct eval *eval;			/* for MR_MAP_EXPR */
	const struct pyjob *python;		/* for MR_MAP_PYTHON */
};

/*
 * Evaluate elements first .. first + count - 1 and reduce their values
 * into p.  The caller guarantees that every range has them.  Returns an
 * enum mr_status: MR_STATUS_OK, MR_STATUS_NOMEM, MR_STATUS_KERNEL when
 * the user kernel's map() returned -1, MR_STATUS_EXPR when the
 * expression raised (eval_error() says where), or MR_STATUS_PYTHON when
 * the Python function failed (job->python->py->error() says why).  A
 * Python fold (MR_REDUCE_PYTHON) keeps its values itself, not in p.
 */
int	map_block(const struct map_job *job, uint64_t first, uint64_t count,
	    struct partial *p);

#endif /* MR_MAP_H */
