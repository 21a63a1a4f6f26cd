/* map.c - evaluate one block of the map into a partial result */

#include <stdlib.h>

#include "kernel.h"
#include "map.h"
#include "range.h"

/* Values per call of a user kernel: 32 KB of them, in the L1 cache. */
#define BATCH		4096

static int	map_builtin(const struct map_job *job, uint64_t first,
		    uint64_t count, struct partial *p);
static int128	value_i128(int map, const int64_t *v, uint32_t arity);
static void	product_mpz(mpz_t out, const int64_t *v, uint32_t arity);
static int	map_kernel(const struct map_job *job, uint64_t first,
		    uint64_t count, struct partial *p);
static int	map_python(const struct map_job *job, uint64_t first,
		    uint64_t count, struct partial *p);
static const char *python_type(void *ctx, int doubles, int first);
static int	python_ints(void *ctx, const int64_t *v, size_t n);
static int	python_big(void *ctx, const char *hex);
static int	python_doubles(void *ctx, const double *v, size_t n);

int
map_block(const struct map_job *job, uint64_t first, uint64_t count,
    struct partial *p)
{
	struct acc acc = ACC_INIT;

	if (count == 0)
		return MR_STATUS_OK;
	if (job->map == MR_MAP_KERNEL)
		return map_kernel(job, first, count, p);
	if (job->map == MR_MAP_EXPR)
		return eval_block(job->eval, job->ranges, first, count, p);
	if (job->map == MR_MAP_PYTHON)
		return map_python(job, first, count, p);
	if (job->map != MR_MAP_PRODUCT || p->op != MR_REDUCE_SUM)
		return map_builtin(job, first, count, p);
	/* The seed's case has kernels of its own (kernel.c). */
	if (kernel_product_sum(job->ranges, job->arity, first, count,
	    &acc) == -1)
		return MR_STATUS_NOMEM;
	partial_add_acc(p, &acc);
	acc_release(&acc);
	return MR_STATUS_OK;
}

/*
 * Element by element.  Every value but a product of three or more
 * factors fits an int128: a sum of 2^32 values below 2^63 is below 2^95.
 */
static int
map_builtin(const struct map_job *job, uint64_t first, uint64_t count,
    struct partial *p)
{
	int64_t *v;
	uint64_t i;
	uint32_t j, arity = job->arity;
	int wide = job->map == MR_MAP_PRODUCT && arity > 2;
	mpz_t big;

	if ((v = calloc(arity, sizeof(*v))) == NULL)
		return MR_STATUS_NOMEM;
	for (j = 0; j < arity; j++)
		v[j] = range_at(&job->ranges[j], first);
	mpz_init(big);
	for (i = 0; i < count; i++) {
		if (wide) {
			product_mpz(big, v, arity);
			partial_add_mpz(p, big);
		} else
			partial_add_i128(p, value_i128(job->map, v, arity));
		for (j = 0; j < arity; j++)
			RANGE_ADVANCE(v[j], job->ranges[j].step);
	}
	mpz_clear(big);
	free(v);
	return MR_STATUS_OK;
}

static int128
value_i128(int map, const int64_t *v, uint32_t arity)
{
	int128 x = v[0];
	uint32_t j;

	switch (map) {
	case MR_MAP_SQUARE:
		return x * x;
	case MR_MAP_PRODUCT:		/* arity <= 2 */
		return arity == 1 ? x : x * v[1];
	default:
		break;
	}
	for (j = 1; j < arity; j++) {
		if (map == MR_MAP_SUM)
			x += v[j];
		else if (map == MR_MAP_MIN ? v[j] < x : v[j] > x)
			x = v[j];
	}
	return x;
}

static void
product_mpz(mpz_t out, const int64_t *v, uint32_t arity)
{
	uint32_t j;

	mpz_set_si(out, v[0]);
	for (j = 1; j < arity && mpz_sgn(out) != 0; j++)
		mpz_mul_si(out, out, v[j]);
}

/*
 * Batches of consecutive elements; the kernel gets each range's value at
 * the first of them and the steps, and fills an array.
 */
static int
map_kernel(const struct map_job *job, uint64_t first, uint64_t count,
    struct partial *p)
{
	struct mapreduce_batch b;
	int64_t *start;
	void *out;
	uint64_t done;
	uint32_t j;
	int rc = MR_STATUS_OK;

	start = calloc(2 * (size_t)job->arity, sizeof(*start));
	out = aligned_alloc(64, BATCH * sizeof(double));
	if (start == NULL || out == NULL) {
		free(start);
		free(out);
		return MR_STATUS_NOMEM;
	}
	b.arity = job->arity;
	b.start = start;
	b.step = start + job->arity;
	b.length = job->length;
	for (j = 0; j < job->arity; j++)
		start[job->arity + j] = job->ranges[j].step;
	for (done = 0; done < count && rc == MR_STATUS_OK; done += b.count) {
		b.first = first + done;
		b.count = count - done < BATCH ? (size_t)(count - done) : BATCH;
		for (j = 0; j < job->arity; j++)
			start[j] = range_at(&job->ranges[j], b.first);
		if (job->kernel->map(&b, out) != 0)
			rc = MR_STATUS_KERNEL;
		else if (job->kernel->type == MAPREDUCE_INT64)
			partial_add_i64s(p, out, b.count);
		else
			partial_add_doubles(p, out, b.count);
	}
	free(out);
	free(start);
	return rc;
}

/*
 * A Python function, in batches as a kernel: its values go to p, or to
 * the Python fold of -R FILE.py:FUNC.
 */
static int
map_python(const struct map_job *job, uint64_t first, uint64_t count,
    struct partial *p)
{
	const struct pyplugin_sink sink = { p, python_type, python_ints,
	    python_big, python_doubles };
	struct mapreduce_batch b;
	int64_t *start;
	uint64_t done;
	uint32_t j;
	int rc = MR_STATUS_OK;

	if ((start = calloc(2 * (size_t)job->arity, sizeof(*start))) == NULL)
		return MR_STATUS_NOMEM;
	b.arity = job->arity;
	b.start = start;
	b.step = start + job->arity;
	b.length = job->length;
	for (j = 0; j < job->arity; j++)
		start[job->arity + j] = job->ranges[j].step;
	for (done = 0; done < count && rc == MR_STATUS_OK; done += b.count) {
		b.first = first + done;
		b.count = count - done < BATCH ? (size_t)(count - done) : BATCH;
		for (j = 0; j < job->arity; j++)
			start[j] = range_at(&job->ranges[j], b.first);
		if (job->python->py->map(job->python->map, &b,
		    job->python->fold, &sink) != 0)
			rc = MR_STATUS_PYTHON;
	}
	free(start);
	return rc;
}

/*
 * The one place that could refuse a Python map's type: none is, since its
 * partial (PARTIAL_ANY) takes ints and floats, and partial_check() says
 * at the end what a reduce cannot take.
 */
static const char *
python_type(void *ctx, int doubles, int first)
{
	(void)ctx;	/* a PARTIAL_ANY partial takes both: partial_check() */
	(void)doubles;
	(void)first;
	return NULL;
}

static int
python_ints(void *ctx, const int64_t *v, size_t n)
{
	partial_add_i64s(ctx, v, n);
	return 0;
}

/* Python's hex(): an optional '-', "0x", hexadecimal digits. */
static int
python_big(void *ctx, const char *hex)
{
	mpz_t v;
	int neg = *hex == '-';

	if (mpz_init_set_str(v, hex + neg + 2, 16) == -1) {
		mpz_clear(v);
		return -1;
	}
	if (neg)
		mpz_neg(v, v);
	partial_add_mpz(ctx, v);
	mpz_clear(v);
	return 0;
}

static int
python_doubles(void *ctx, const double *v, size_t n)
{
	partial_add_doubles(ctx, v, n);
	return 0;
}
