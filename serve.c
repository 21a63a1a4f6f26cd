/* serve.c - the worker's side of a run: blocks in, their exact partial results out */

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "common.h"
#include "eval.h"
#include "guard.h"
#include "map.h"
#include "plugin.h"
#include "pyload.h"
#include "range.h"
#include "reduce.h"
#include "serve.h"
#include "transport.h"

/*
 * --progress: pieces from PIECE_MIN elements, doubled while shorter than
 * PIECE_NS; a note to the manager at most every NOTE_NS.
 */
#define PIECE_MIN	65536
#define PIECE_NS	50000000
#define NOTE_NS		200000000
#define STOPPED		(-1)	/* evaluate(): the manager said stop */

static int	task_is_valid(const struct mr_task *t,
		    const struct mr_range *ranges);
static int	block_is_valid(const struct mr_task *t,
		    const struct mr_block *b);
static int	load_kernel(struct plugin *pl, const char *spec, size_t len,
		    int index);
static int	load_expr(struct map_job *job, const char *spec, size_t len,
		    int index);
static int	explain_failure(const struct map_job *job,
		    unsigned char **bytes, size_t *len);
static int	load_python(struct pyjob *pj, const struct mr_task *t,
		    const char *spec, int index, char **msg);
static int	python_result(const struct pyjob *pj, int status, char *msg,
		    unsigned char **bytes, size_t *len);
static void	work(const struct mr_task *t, const struct map_job *job,
		    MPI_Comm manager, int index, int status, char *pymsg,
		    struct mr_stop *stop);
static int	block_result(const struct mr_task *t,
		    const struct map_job *job, int status, char *pymsg,
		    const struct partial *p, uint32_t *flags,
		    unsigned char **bytes, size_t *len);
static int	evaluate(const struct mr_task *t, const struct map_job *job,
		    MPI_Comm manager, const struct mr_block *b,
		    struct partial *p, struct mr_result *res);
static uint64_t	now_ns(void);

void
serve(MPI_Comm *manager)
{
	struct plugin pl = { NULL, NULL };
	struct pyjob py = { NULL, NULL, NULL, NULL, NULL, 0 };
	struct map_job job;
	struct mr_task task;
	struct mr_range *ranges;
	struct mr_stop stop;
	char *kernel, *pymsg = NULL;
	int index, status = MR_STATUS_OK;

	MPI_Comm_rank(*manager, &index);
	guard_fault_start(index);
	transport_recv_task(*manager, &task, &ranges, &kernel);
	job.map = task.map;
	job.ranges = ranges;
	job.arity = task.arity;
	job.length = task.length;
	job.kernel = NULL;
	job.eval = NULL;
	job.python = &py;
	if (!task_is_valid(&task, ranges))
		status = MR_STATUS_BAD_TASK;
	else if (task.map == MR_MAP_KERNEL &&
	    (status = load_kernel(&pl, kernel, task.kernel_len, index)) ==
	    MR_STATUS_OK)
		job.kernel = pl.kernel;
	else if (task.map == MR_MAP_EXPR)
		status = load_expr(&job, kernel, task.kernel_len, index);
	else if (task.map == MR_MAP_PYTHON)
		status = load_python(&py, &task, kernel, index, &pymsg);
	if (task.flags & MR_TASK_SURVIVE)
		guard_survive();

	transport_watch_stop(*manager);
	work(&task, &job, *manager, index, status, pymsg, &stop);
	transport_settle(stop.lost);
	guard_fault_late(index);
	transport_disconnect(manager);
	plugin_close(&pl);
	eval_close(job.eval);
	pyload_release(&py);
	free(kernel);
	free(ranges);
}

/*
 * Each block, as it comes, until the manager says stop: its own partial
 * result, or why it failed; then a last struct mr_result of count 0.  A
 * worker that failed to load what it maps says so for every block; the
 * manager ends the run at the first.
 */
static void
work(const struct mr_task *t, const struct map_job *job, MPI_Comm manager,
    int index, int status, char *pymsg, struct mr_stop *stop)
{
	struct mr_result res = { MR_MAGIC, MR_PROTOCOL_VERSION, MR_STATUS_OK,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, { 0 } };
	struct mr_block b;
	struct partial part;
	unsigned char *bytes;
	size_t len;
	uint64_t start;

	while (transport_next_block(manager, &b, stop)) {
		res.status = status;
		if (res.status == MR_STATUS_OK && !block_is_valid(t, &b))
			res.status = MR_STATUS_BAD_TASK;
		partial_init(&part, t->reduce, job->eval != NULL ||
		    t->map == MR_MAP_PYTHON ? PARTIAL_ANY : job->kernel !=
		    NULL && job->kernel->type == MAPREDUCE_DOUBLE);
		start = now_ns();
		if (res.status == MR_STATUS_OK &&
		    (res.status = evaluate(t, job, manager, &b, &part,
		    &res)) == STOPPED) {
			partial_free(&part);
			continue;	/* the stop is there */
		}
		res.block_ns = now_ns() - start;
		guard_fault(index, ++res.blocks);
		bytes = NULL;
		len = 0;
		/* A failed load fails every block alike. */
		res.status = block_result(t, job, res.status, pymsg != NULL ?
		    strdup(pymsg) : NULL, &part, &res.flags, &bytes, &len);
		res.first = b.first;
		res.count = b.count;
		res.size = len;
		transport_send_result(manager, &res, bytes);
		free(bytes);
		partial_free(&part);
	}
	free(pymsg);
	res.status = MR_STATUS_OK;	/* the last word: totals for -v */
	res.flags = 0;
	res.first = res.count = res.size = res.block_ns = 0;
	transport_send_result(manager, &res, NULL);
}

/*
 * The bytes that follow a block's struct mr_result: its partial (the
 * tool's, or a Python fold's runs), or, when it failed, what says why.
 * Returns the block's status.  Takes pymsg (NULL: the plugin's error).
 */
static int
block_result(const struct mr_task *t, const struct map_job *job, int status,
    char *pymsg, const struct partial *p, uint32_t *flags,
    unsigned char **bytes, size_t *len)
{
	*flags = 0;
	if (t->map == MR_MAP_PYTHON)
		status = python_result(job->python, status, pymsg, bytes, len);
	else
		free(pymsg);
	if (status == MR_STATUS_OK && t->reduce != MR_REDUCE_PYTHON &&
	    partial_encode(p, flags, bytes, len) == -1)
		status = MR_STATUS_NOMEM;
	if (status == MR_STATUS_EXPR && explain_failure(job, bytes, len) == -1)
		status = MR_STATUS_NOMEM;
	if (status != MR_STATUS_OK && status != MR_STATUS_EXPR &&
	    status != MR_STATUS_PYTHON) {
		free(*bytes);
		*bytes = NULL;
		*len = 0;
	}
	return status;
}

/*
 * A block in pieces, which grow while they take less than PIECE_NS:
 * between two, a look for the manager's stop (returns STOPPED), and with
 * --progress a note to the manager every NOTE_NS or so.
 */
static int
evaluate(const struct mr_task *t, const struct map_job *job,
    MPI_Comm manager, const struct mr_block *b, struct partial *p,
    struct mr_result *res)
{
	struct mr_progress note;
	uint64_t done = 0, piece = PIECE_MIN, start, now, noted;
	int status = MR_STATUS_OK;

	noted = now_ns();
	while (done < b->count && status == MR_STATUS_OK) {
		if (done > 0 && transport_stopped())
			return STOPPED;
		if (piece > b->count - done)
			piece = b->count - done;
		start = now_ns();
		status = map_block(job, b->first + done, piece, p);
		now = now_ns();
		res->nanoseconds += now - start;
		res->elements += piece;
		done += piece;
		if (now - start < PIECE_NS && piece < UINT64_MAX / 2)
			piece *= 2;
		if ((t->flags & MR_TASK_PROGRESS) && now - noted >= NOTE_NS) {
			note.elements = res->elements;
			transport_send_note(manager, &note);
			res->notes++;
			noted = now;
		}
	}
	return status;
}

/* A task from another build is refused. */
static int
task_is_valid(const struct mr_task *t, const struct mr_range *ranges)
{
	uint32_t j;

	if (t->magic != MR_MAGIC || t->version != MR_PROTOCOL_VERSION ||
	    t->map < MR_MAP_PRODUCT || t->map > MR_MAP_PYTHON ||
	    t->reduce < MR_REDUCE_SUM || t->reduce > MR_REDUCE_PYTHON ||
	    t->arity == 0 || (t->map == MR_MAP_KERNEL ||
	    t->map == MR_MAP_EXPR || t->map == MR_MAP_PYTHON) !=
	    (t->kernel_len > 0) ||
	    (t->reduce == MR_REDUCE_PYTHON && t->map != MR_MAP_PYTHON))
		return 0;
	for (j = 0; j < t->arity; j++)
		if (ranges[j].step == 0 || range_len(&ranges[j]) < t->length)
			return 0;
	return 1;
}

/* task_is_valid() made sure that every range has t->length elements. */
static int
block_is_valid(const struct mr_task *t, const struct mr_block *b)
{
	return b->count <= t->length && b->first <= t->length - b->count;
}

/* spec is "PATH\0SYMBOL\0", len bytes, as common.h says. */
static int
load_kernel(struct plugin *pl, const char *spec, size_t len, int index)
{
	const char *symbol;
	char why[512];

	if (len < 4 || spec[len - 1] != '\0' ||
	    (symbol = memchr(spec, '\0', len - 1)) == NULL)
		return MR_STATUS_BAD_TASK;
	symbol++;
	if (plugin_open(pl, spec, symbol, why, sizeof(why)) == 0) {
		snprintf(why, sizeof(why), "kernel '%s'", spec);
		guard_running(why);
		return MR_STATUS_OK;
	}
	warnx("worker %d: kernel '%s': %s", index, spec, why);
	return MR_STATUS_KERNEL;
}

/* spec is "EXPR\0NAME1\0...", len bytes, as common.h says. */
static int
load_expr(struct map_job *job, const char *spec, size_t len, int index)
{
	char why[512];

	if (len < 2 || spec[len - 1] != '\0')
		return MR_STATUS_BAD_TASK;
	if ((job->eval = eval_open(spec, len, job->arity, why,
	    sizeof(why))) != NULL)
		return MR_STATUS_OK;
	warnx("worker %d: expression: %s", index, why);
	return MR_STATUS_BAD_TASK;
}

/* MR_STATUS_EXPR's bytes: the element's index, then the line. */
static int
explain_failure(const struct map_job *job, unsigned char **bytes,
    size_t *len)
{
	const char *why;
	uint64_t element;
	size_t n;
	int k;

	why = eval_error(job->eval, &element);
	n = strlen(why);
	free(*bytes);
	if ((*bytes = malloc(8 + n)) == NULL)
		return -1;
	for (k = 0; k < 8; k++)
		(*bytes)[k] = (unsigned char)(element >> (56 - 8 * k));
	memcpy(*bytes + 8, why, n);
	*len = 8 + n;
	return 0;
}

/*
 * The Python function of pyload.h's spec.  A failure, in *msg
 * (malloc(3)ed), is the line that the manager prints: the import in a
 * worker can fail where the manager's did not (another node, a file
 * changed since).
 */
static int
load_python(struct pyjob *pj, const struct mr_task *t, const char *spec,
    int index, char **msg)
{
	char why[512];

	if (pyload_worker(pj, spec, t->kernel_len, t->arity, why,
	    sizeof(why)) == 0) {
		snprintf(why, sizeof(why), "Python function '%s'",
		    spec + strlen(spec) + 1);
		guard_running(why);
		return MR_STATUS_OK;
	}
	if (asprintf(msg, "worker %d: %s", index, why) == -1)
		return MR_STATUS_NOMEM;
	return MR_STATUS_PYTHON;
}

/*
 * Step 5's bytes of a Python map: the fold's runs, or the message of its
 * failure (msg, load_python()'s, or the plugin's); NULL when the tool's
 * partial follows.  Takes msg.
 */
static int
python_result(const struct pyjob *pj, int status, char *msg,
    unsigned char **bytes, size_t *len)
{
	if (status == MR_STATUS_PYTHON) {
		if (msg == NULL && (msg = pj->py->error()) == NULL)
			return MR_STATUS_NOMEM;
		*bytes = (unsigned char *)msg;
		*len = strlen(msg);
		return status;
	}
	free(msg);
	if (status != MR_STATUS_OK || pj->fold == NULL)
		return status;
	if (pj->py->encode(pj->fold, bytes, len) == 0)
		return MR_STATUS_OK;
	return python_result(pj, MR_STATUS_PYTHON, NULL, bytes, len);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
