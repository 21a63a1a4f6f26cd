/* serve.c - the worker's side of a run: one block in, one exact sum out */

#include <stdlib.h>

#include <gmp.h>
#include <mpi.h>

#include "arith.h"
#include "common.h"
#include "guard.h"
#include "kernel.h"
#include "range.h"
#include "serve.h"
#include "transport.h"

static int	compute(const struct mr_task *t, const struct mr_range *ranges,
		    const struct mr_block *b, unsigned char **bytes,
		    size_t *len);
static int	task_is_valid(const struct mr_task *t,
		    const struct mr_range *ranges, const struct mr_block *b);

void
serve(MPI_Comm *manager)
{
	struct mr_result res = { MR_MAGIC, MR_PROTOCOL_VERSION, MR_STATUS_OK,
	    0 };
	struct mr_task task;
	struct mr_range *ranges;
	struct mr_block block;
	unsigned char *bytes = NULL;
	size_t len = 0;
	int index;

	transport_recv_task(*manager, &task, &ranges);
	transport_recv_block(*manager, &block);

	res.status = compute(&task, ranges, &block, &bytes, &len);
	MPI_Comm_rank(*manager, &index);
	guard_fault(index);
	res.size = len;
	transport_send_result(*manager, &res);
	transport_send_bytes(*manager, bytes, (int)len);

	transport_recv_stop(*manager);
	transport_disconnect(manager);
	free(bytes);
	free(ranges);
}

/* Reduce the block to an exact sum in wire form; return an enum mr_status. */
static int
compute(const struct mr_task *t, const struct mr_range *ranges,
    const struct mr_block *b, unsigned char **bytes, size_t *len)
{
	struct acc acc = ACC_INIT;
	mpz_t sum;

	if (!task_is_valid(t, ranges, b))
		return MR_STATUS_BAD_TASK;
	if (kernel_product_sum(ranges, t->arity, b->first, b->count,
	    &acc) == -1)
		return MR_STATUS_NOMEM;
	mpz_init(sum);
	acc_get(&acc, sum);
	acc_release(&acc);
	*bytes = arith_encode(sum, len);
	mpz_clear(sum);
	if (*bytes == NULL) {
		*len = 0;
		return MR_STATUS_NOMEM;
	}
	return MR_STATUS_OK;
}

/* A task from another build, or a block past the end, is refused. */
static int
task_is_valid(const struct mr_task *t, const struct mr_range *ranges,
    const struct mr_block *b)
{
	uint32_t j;

	if (t->magic != MR_MAGIC || t->version != MR_PROTOCOL_VERSION ||
	    t->op != MR_OP_PRODUCT_SUM || t->arity == 0)
		return 0;
	for (j = 0; j < t->arity; j++)
		if (ranges[j].step == 0 || range_len(&ranges[j]) < b->count ||
		    range_len(&ranges[j]) - b->count < b->first)
			return 0;
	return 1;
}
