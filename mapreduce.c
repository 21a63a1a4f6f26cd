/* mapreduce.c - the manager: spawn workers, hand out blocks, add up their sums */

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gmp.h>
#include <mpi.h>

#include "arith.h"
#include "cli.h"
#include "common.h"
#include "guard.h"
#include "launch.h"
#include "output.h"
#include "plugin.h"
#include "progress.h"
#include "pyload.h"
#include "reduce.h"
#include "serve.h"
#include "transport.h"

#ifndef VERSION
#define VERSION		"unknown"
#endif

/* The kernel as the manager checked it, and as the workers load it. */
struct kernel_info {
	char *spec;		/* "PATH\0SYMBOL\0", PATH absolute */
	size_t len;		/* bytes of spec */
	char *name;		/* its values, for the sentence */
	int doubles;		/* its values are doubles */
};

static void	refuse(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	end_static_launch(int code);
static void	print_version(void);
static void	check_kernel(const struct options *o, struct kernel_info *ki);
static void	expr_spec(const struct options *o, struct kernel_info *ki);
static void	report_expr_failure(const struct mr_result *res, int nworkers,
		    const unsigned char *bytes, const int *counts,
		    const int *displs);
static void	check_python(const struct options *o, struct pyjob *pj,
		    struct kernel_info *ki);
static void	require_matching_workers(int asked, int started, int rank);
static MPI_Comm	spawn_workers(const char *worker, int nworkers);
static void	send_work(MPI_Comm inter, const struct options *o,
		    const struct kernel_info *ki, int progress, int nworkers);
static void	take_chunk(struct mr_block *b, uint64_t *next, uint64_t length,
		    uint64_t chunk);
static void	hand_out_chunks(MPI_Comm inter, uint64_t next, uint64_t length,
		    uint64_t chunk, int asking);
static int	gather(MPI_Comm inter, int nworkers, struct partial *result,
		    struct mr_result *res, const struct pyjob *pj);
static const char *status_text(int status);
static double	seconds_since(const struct timespec *t0);

int
main(int argc, char *argv[])
{
	struct kernel_info ki = { NULL, 0, NULL, 0 };
	struct pyjob pj = { NULL, NULL, NULL, NULL, NULL, 0 };
	struct options opt;
	struct partial result;
	struct mr_result *res;
	struct progress *prog = NULL;
	struct timespec t0;
	MPI_Comm inter;
	char *worker = NULL, *value = NULL, *noun = NULL;
	const char *why;
	int nworkers, failed, rank, size;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	launch_reopen_std();
	launch_read_arguments(&argc, &argv);
	if (cli_parse(argc, argv, &opt) == -1)
		refuse("%s (try 'mapreduce --help')", opt.error);
	if (opt.help || opt.version) {
		failed = 0;
		if (launch_world_rank() == 0) {	/* static launch: rank 0 */
			if (opt.help)
				cli_help();
			else
				print_version();
			failed = output_check_stdout() == -1;
		}
		end_static_launch(failed);
		return failed;
	}
	launch_announce();
	output_hold_stdout();
	if (opt.map == MR_MAP_PYTHON)
		check_python(&opt, &pj, &ki);
	else if (opt.kernel != NULL)
		check_kernel(&opt, &ki);
	else if (opt.expr != NULL)
		expr_spec(&opt, &ki);
	if (launch_world_size() == 1) {		/* spawn the workers */
		worker = launch_find_worker(opt.worker);
		launch_under_process_manager(argc, argv, opt.workers);
	} else
		guard_worker(0);	/* ranks 1..N work: guard them */

	/*
	 * Armed before MPI_Init, which waits for ever for partners of a
	 * static launch that never start MPI.  The other ranks work, as
	 * spawned workers do.
	 */
	if (launch_world_rank() == 0)
		transport_arm(opt.timeout);
	MPI_Init(&argc, &argv);
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (size > 1) {			/* the workers came with us */
		require_matching_workers(opt.workers, size - 1, rank);
		inter = transport_static(rank == 0);
		if (rank != 0) {
			serve(&inter);
			guard_release();
			MPI_Finalize();
			pyload_release(&pj);
			free(ki.spec);
			free(ki.name);
			cli_release(&opt);
			return 0;
		}
		nworkers = size - 1;
	} else {
		if ((nworkers = opt.workers) == 0 &&
		    (nworkers = transport_universe_workers()) == 0)
			nworkers = 1;
		inter = spawn_workers(worker, nworkers);
	}
	if (opt.verbose)
		warnx("%d worker%s of '%s' share %" PRIu64 " element%s",
		    nworkers, nworkers == 1 ? "" : "s",
		    worker != NULL ? worker : "the static launch", opt.length,
		    opt.length == 1 ? "" : "s");

	if ((res = calloc((size_t)nworkers, sizeof(*res))) == NULL)
		transport_fail("out of memory");
	if (opt.progress || launch_stderr_is_tty())
		prog = progress_start(inter, nworkers, opt.length);
	send_work(inter, &opt, &ki, prog != NULL, nworkers);
	partial_init(&result, opt.reduce, ki.doubles);
	failed = gather(inter, nworkers, &result, res,
	    opt.map == MR_MAP_PYTHON ? &pj : NULL);
	if (!failed && pj.fold == NULL &&
	    (why = partial_check(&result)) != NULL) {
		warnx("%s", why);
		failed = 1;
	}
	/* Still timed: the decimal digits of a huge result take seconds. */
	if (!failed && pj.fold != NULL) {
		if ((value = pj.py->result(pj.fold, &ki.doubles)) == NULL) {
			value = pj.py->error();
			warnx("%s", value != NULL ? value : "out of memory");
			failed = 1;
		} else if ((noun = pyload_noun(opt.pyreduce_func)) == NULL)
			transport_fail("out of memory");
	} else if (!failed) {
		if ((value = partial_format(&result)) == NULL)
			transport_fail("out of memory");
	}
	if (prog != NULL)
		progress_finish(prog, res);
	/* The stop and the disconnect wait for every worker: still timed. */
	transport_send_stop(inter, failed);
	transport_disconnect(&inter);
	transport_disarm();
	MPI_Finalize();

	if (!failed)
		output_result(&opt, &(struct result){ value, pj.fold != NULL ?
		    ki.doubles : partial_is_double(&result), opt.kernel != NULL ?
		    ki.spec : NULL, ki.name, nworkers, seconds_since(&t0),
		    noun });
	free(value);
	free(noun);
	if (opt.verbose)
		output_statistics(res, nworkers);
	partial_free(&result);
	pyload_release(&pj);
	free(res);
	free(ki.spec);
	free(ki.name);
	free(worker);
	cli_release(&opt);
	return failed ? 1 : 0;
}

/*
 * Bad input: one line and exit status 2, before any work, from world rank
 * 0 only.
 */
static void
refuse(const char *fmt, ...)
{
	va_list ap;

	if (launch_world_rank() == 0) {	/* static launch: rank 0 */
		va_start(ap, fmt);
		vwarnx(fmt, ap);
		va_end(ap);
	}
	end_static_launch(2);
	exit(2);
}

/*
 * In a static launch, the workers are already started and wait for us in
 * MPI_Init: an exit would leave them waiting for ever, so the whole run
 * ends, with code.  Elsewhere, nothing to do.
 */
static void
end_static_launch(int code)
{
	if (launch_world_size() == 1)
		return;
	fflush(stdout);
	MPI_Init(NULL, NULL);
	transport_abort(code);
}

static void
print_version(void)
{
	char lib[MPI_MAX_LIBRARY_VERSION_STRING];
	int len;

	/* One of the few MPI calls allowed before MPI_Init. */
	if (MPI_Get_library_version(lib, &len) != MPI_SUCCESS)
		strcpy(lib, "unknown");
	lib[strcspn(lib, "\n")] = '\0';
	for (len = 0; lib[len] != '\0'; len++)
		if (lib[len] == '\t')
			lib[len] = ' ';
	printf("mapreduce %s (protocol %d)\nMPI: %s\nGMP: %s\n", VERSION,
	    MR_PROTOCOL_VERSION, lib, gmp_version);
}

/*
 * Load the kernel here first, so that a bad one is a one-line error (exit
 * 2) before any process starts; the workers get its absolute path.
 */
static void
check_kernel(const struct options *o, struct kernel_info *ki)
{
	struct plugin pl;
	char why[512], path[PATH_MAX];
	size_t plen, slen;

	/* A buffer of our own: refuse() exits, and must leak nothing. */
	if (realpath(o->kernel, path) == NULL)
		refuse("kernel '%s': %s", o->kernel, strerror(errno));
	if (plugin_open(&pl, path, o->symbol, why, sizeof(why)) == -1)
		refuse("kernel '%s': %s", o->kernel, why);
	if (o->nranges < pl.kernel->arity_min ||
	    o->nranges > pl.kernel->arity_max)
		refuse("kernel '%s' takes %u%s%.0u range%s, not %" PRIu32,
		    o->kernel, pl.kernel->arity_min,
		    pl.kernel->arity_max > pl.kernel->arity_min ? " to " : "",
		    pl.kernel->arity_max > pl.kernel->arity_min ?
		    pl.kernel->arity_max : 0u, pl.kernel->arity_max > 1 ?
		    "s" : "", o->nranges);
	ki->doubles = pl.kernel->type == MAPREDUCE_DOUBLE;
	if (ki->doubles && o->reduce == MR_REDUCE_PRODUCT)
		refuse("kernel '%s' maps to doubles: -R product is not offered"
		    " for them (an exact product needs 53 bits per element)",
		    o->kernel);
	if ((ki->name = strdup(pl.kernel->name)) == NULL)
		err(1, NULL);
	plugin_close(&pl);
	plen = strlen(path) + 1;
	slen = strlen(o->symbol != NULL ? o->symbol : MAPREDUCE_KERNEL_SYMBOL)
	    + 1;
	if ((ki->spec = malloc(plen + slen)) == NULL)
		err(1, NULL);
	memcpy(ki->spec, path, plen);
	memcpy(ki->spec + plen, o->symbol != NULL ? o->symbol :
	    MAPREDUCE_KERNEL_SYMBOL, slen);
	ki->len = plen + slen;
}

/* -e: the workers get "EXPR\0NAME1\0...NAMEn\0" (common.h). */
static void
expr_spec(const struct options *o, struct kernel_info *ki)
{
	size_t n = strlen(o->expr) + 1;
	uint32_t j;

	for (j = 0; j < o->nranges; j++)
		n += strlen(o->names[j]) + 1;
	if ((ki->spec = malloc(n)) == NULL)
		err(1, NULL);
	ki->len = 0;
	memcpy(ki->spec, o->expr, strlen(o->expr) + 1);
	ki->len = strlen(o->expr) + 1;
	for (j = 0; j < o->nranges; j++) {
		memcpy(ki->spec + ki->len, o->names[j],
		    strlen(o->names[j]) + 1);
		ki->len += strlen(o->names[j]) + 1;
	}
	ki->doubles = PARTIAL_ANY;
}

/*
 * Import the Python function here first, so that a bad file or function
 * is one line (exit 2) before any process starts; the workers get the
 * absolute paths and the plugin's.  The sentence calls the values by the
 * function's name: "product" makes "products".
 */
static void
check_python(const struct options *o, struct pyjob *pj,
    struct kernel_info *ki)
{
	char why[1024];

	if (pyload_check(pj, o->kernel, o->symbol, o->nranges, o->pyreduce,
	    o->pyreduce_func, o->batch, o->verbose, why, sizeof(why)) == -1)
		refuse("%s", why);
	if (asprintf(&ki->name, "%ss", o->symbol) == -1)
		err(1, NULL);
	ki->spec = pj->spec;
	ki->len = pj->len;
	ki->doubles = PARTIAL_ANY;	/* ints, floats, or both */
	pj->spec = NULL;
}

/*
 * In a static launch the worker count is the world's: a -w that says
 * otherwise is bad input.  Every rank sees the same, so all abort alike.
 */
static void
require_matching_workers(int asked, int started, int rank)
{
	if (asked == 0 || asked == started)
		return;
	if (rank == 0)
		warnx("-w %d, but mpiexec started %d worker%s beside the"
		    " manager (try 'mapreduce --help')", asked, started,
		    started == 1 ? "" : "s");
	transport_abort(2);
}

/*
 * An MPI without dynamic processes (Debian's own MPICH build, ch4:ucx)
 * fails here: the line says how to start the workers without a spawn.
 */
static MPI_Comm
spawn_workers(const char *worker, int nworkers)
{
	MPI_Comm inter;
	int rc;

	if ((rc = transport_spawn(worker, nworkers, &inter)) == MPI_SUCCESS)
		return inter;
	transport_fail("cannot spawn %d worker%s of '%s': %s; if this MPI"
	    " cannot spawn, start them with the manager: mpiexec -n 1"
	    " mapreduce ARGS : -n %d %s", nworkers, nworkers == 1 ? "" : "s",
	    worker, transport_strerror(rc), nworkers, worker);
}

/*
 * Static: worker k gets elements [k * n / W, (k + 1) * n / W), sizes that
 * differ by at most 1.  Dynamic: worker k starts with chunk k, and the
 * rest go to whoever asks first.
 */
static void
send_work(MPI_Comm inter, const struct options *o,
    const struct kernel_info *ki, int progress, int nworkers)
{
	struct mr_task task = { MR_MAGIC, MR_PROTOCOL_VERSION,
	    (uint16_t)o->map, (uint16_t)o->reduce, o->nranges,
	    (uint32_t)o->schedule, (uint32_t)ki->len,
	    progress ? MR_TASK_PROGRESS : 0, o->length };
	struct mr_block *blocks;
	uint128 n = o->length;
	uint64_t chunk = o->chunk, next = 0;
	int k, asking = 0;

	if ((blocks = calloc((size_t)nworkers, sizeof(*blocks))) == NULL)
		transport_fail("out of memory");
	if (chunk == 0)
		chunk = o->length / ((uint64_t)nworkers * 16) + 1;
	for (k = 0; k < nworkers; k++) {
		if (o->schedule == MR_SCHEDULE_STATIC) {
			blocks[k].first = (uint64_t)(n * (unsigned)k /
			    (unsigned)nworkers);
			blocks[k].count = (uint64_t)(n * (unsigned)(k + 1) /
			    (unsigned)nworkers) - blocks[k].first;
			continue;
		}
		take_chunk(&blocks[k], &next, o->length, chunk);
		asking += blocks[k].count > 0;
	}
	transport_send_task(inter, &task, o->ranges, ki->spec);
	transport_send_blocks(inter, blocks);
	if (o->schedule == MR_SCHEDULE_DYNAMIC && asking > 0)
		hand_out_chunks(inter, next, o->length, chunk, asking);
	free(blocks);
}

/* The chunk at *next, empty at the end of the map; *next moves past it. */
static void
take_chunk(struct mr_block *b, uint64_t *next, uint64_t length,
    uint64_t chunk)
{
	b->first = *next;
	b->count = length - *next < chunk ? length - *next : chunk;
	*next += b->count;
}

/*
 * Answer requests until every worker that asks has been told "no more"
 * (a block of count 0).  A worker that failed gets no more work.
 */
static void
hand_out_chunks(MPI_Comm inter, uint64_t next, uint64_t length,
    uint64_t chunk, int asking)
{
	struct mr_request r;
	struct mr_block b;
	int k;

	while (asking > 0) {
		k = transport_next_request(inter, &r);
		if (r.magic == MR_MAGIC && r.status == MR_STATUS_OK)
			take_chunk(&b, &next, length, chunk);
		else
			b = (struct mr_block){ next, 0 };
		asking -= b.count == 0;
		transport_send_block(inter, k, &b);
	}
}

/*
 * Merge the workers' partial results into result; res[k] gets worker k's
 * report.  Returns 0, or 1 if any worker failed.
 */
static int
gather(MPI_Comm inter, int nworkers, struct partial *result,
    struct mr_result *res, const struct pyjob *pj)
{
	unsigned char *bytes;
	int *counts, *displs, total = 0, failed = 0, k;

	counts = calloc((size_t)nworkers, sizeof(*counts));
	displs = calloc((size_t)nworkers, sizeof(*displs));
	if (counts == NULL || displs == NULL)
		transport_fail("out of memory");
	transport_gather_results(inter, res);
	for (k = 0; k < nworkers; k++) {
		if (res[k].magic != MR_MAGIC ||
		    res[k].version != MR_PROTOCOL_VERSION) {
			warnx("worker %d speaks protocol %u, not %d: a worker"
			    " from another build?", k, res[k].version,
			    MR_PROTOCOL_VERSION);
			failed = 1;
			res[k].size = 0;
		} else if (res[k].status == MR_STATUS_EXPR ||
		    res[k].status == MR_STATUS_PYTHON) {
			failed = 1;	/* the line follows in step 5 */
		} else if (res[k].status != MR_STATUS_OK) {
			warnx("worker %d %s", k, status_text(res[k].status));
			failed = 1;
		}
		if (res[k].size > (uint64_t)(INT_MAX - total))
			transport_fail("worker %d: partial result of %" PRIu64
			    " bytes is too large to gather", k, res[k].size);
		counts[k] = (int)res[k].size;
		displs[k] = total;
		total += counts[k];
	}
	bytes = transport_gather_bytes(inter, counts, displs, total);
	report_expr_failure(res, nworkers, bytes, counts, displs);
	if (pj != NULL)
		failed = pyload_merge(pj, res, nworkers, bytes, displs,
		    failed);
	for (k = 0; k < nworkers && !failed && (pj == NULL || pj->fold == NULL);
	    k++) {
		if (partial_merge(result, res[k].flags, bytes + displs[k],
		    (size_t)counts[k]) == -1) {
			warnx("worker %d sent a malformed partial result", k);
			failed = 1;
		}
	}
	free(bytes);
	free(displs);
	free(counts);
	return failed;
}

/*
 * Workers stop at the first element whose expression raises: the least
 * of those is where Python would have raised, and its line is the one.
 */
static void
report_expr_failure(const struct mr_result *res, int nworkers,
    const unsigned char *bytes, const int *counts, const int *displs)
{
	uint64_t element, first = UINT64_MAX;
	int k, j, which = -1;

	for (k = 0; k < nworkers; k++) {
		if (res[k].magic != MR_MAGIC || res[k].status !=
		    MR_STATUS_EXPR || counts[k] < 8)
			continue;
		for (element = 0, j = 0; j < 8; j++)
			element = element << 8 | bytes[displs[k] + j];
		if (which == -1 || element < first) {
			first = element;
			which = k;
		}
	}
	if (which != -1)
		warnx("%.*s", counts[which] - 8,
		    (const char *)bytes + displs[which] + 8);
}

static const char *
status_text(int status)
{
	switch (status) {
	case MR_STATUS_BAD_TASK:
		return "refused the task";
	case MR_STATUS_NOMEM:
		return "ran out of memory";
	case MR_STATUS_KERNEL:
		return "could not run the kernel";
	default:
		return "failed";
	}
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}
