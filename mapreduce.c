/* mapreduce.c - the manager: spawn workers, hand out blocks, add up their sums */

#include <err.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <mpi.h>

#include "arith.h"
#include "cli.h"
#include "common.h"
#include "guard.h"
#include "launch.h"
#include "serve.h"
#include "transport.h"

#ifndef VERSION
#define VERSION		"unknown"
#endif

static void	print_version(void);
static void	require_matching_workers(int asked, int started, int rank);
static MPI_Comm	spawn_workers(const char *worker, int nworkers);
static void	send_work(MPI_Comm inter, const struct options *o, int nworkers);
static int	gather_sum(MPI_Comm inter, int nworkers, mpz_t sum);
static const char *status_text(int status);

int
main(int argc, char *argv[])
{
	struct options opt;
	MPI_Comm inter;
	char *worker = NULL;
	int nworkers, failed, rank, size;
	mpz_t sum;

	if (cli_parse(argc, argv, &opt) == -1)
		errx(2, "%s (try 'mapreduce --help')", opt.error);
	if (opt.help) {
		cli_help();
		return 0;
	}
	if (opt.version) {
		print_version();
		return 0;
	}
	if (launch_world_size() == 1) {		/* spawn the workers */
		worker = launch_find_worker(opt.worker);
		launch_under_process_manager(argc, argv, opt.workers);
	} else
		guard_worker(0);	/* ranks 1..N work: guard them */

	MPI_Init(&argc, &argv);
	transport_arm(opt.timeout);
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

	send_work(inter, &opt, nworkers);
	mpz_init(sum);
	failed = gather_sum(inter, nworkers, sum);
	transport_disarm();
	transport_send_stop(inter, failed);
	transport_disconnect(&inter);
	MPI_Finalize();

	if (!failed)
		gmp_printf("Sum of the products equals %Zd\n", sum);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	mpz_clear(sum);
	free(worker);
	cli_release(&opt);
	return failed ? 1 : 0;
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
 * In a static launch the worker count is the world's: a -w that says
 * otherwise is bad input.  Every rank sees the same, so all stop alike.
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
	guard_release();
	MPI_Finalize();
	exit(2);
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

/* Worker k gets elements [k * n / W, (k + 1) * n / W): sizes differ by <= 1. */
static void
send_work(MPI_Comm inter, const struct options *o, int nworkers)
{
	struct mr_task task = { MR_MAGIC, MR_PROTOCOL_VERSION,
	    MR_OP_PRODUCT_SUM, o->nranges, 0 };
	struct mr_block *blocks;
	uint128 n = o->length;
	int k;

	if ((blocks = calloc((size_t)nworkers, sizeof(*blocks))) == NULL)
		transport_fail("out of memory");
	for (k = 0; k < nworkers; k++) {
		blocks[k].first = (uint64_t)(n * (unsigned)k / (unsigned)nworkers);
		blocks[k].count = (uint64_t)(n * (unsigned)(k + 1) /
		    (unsigned)nworkers) - blocks[k].first;
	}
	transport_send_task(inter, &task, o->ranges);
	transport_send_blocks(inter, blocks);
	free(blocks);
}

/* Add the workers' partial sums into sum; return 0, or 1 if any failed. */
static int
gather_sum(MPI_Comm inter, int nworkers, mpz_t sum)
{
	struct mr_result *res;
	unsigned char *bytes;
	int *counts, *displs, total = 0, failed = 0, k;

	res = calloc((size_t)nworkers, sizeof(*res));
	counts = calloc((size_t)nworkers, sizeof(*counts));
	displs = calloc((size_t)nworkers, sizeof(*displs));
	if (res == NULL || counts == NULL || displs == NULL)
		transport_fail("out of memory");
	transport_gather_results(inter, res);
	for (k = 0; k < nworkers; k++) {
		if (res[k].magic != MR_MAGIC ||
		    res[k].version != MR_PROTOCOL_VERSION) {
			warnx("worker %d speaks protocol %u, not %d: a worker"
			    " from another build?", k, res[k].version,
			    MR_PROTOCOL_VERSION);
			failed = 1;
		} else if (res[k].status != MR_STATUS_OK) {
			warnx("worker %d %s", k, status_text(res[k].status));
			failed = 1;
		}
		if (res[k].size > (uint64_t)(INT_MAX - total))
			transport_fail("worker %d: partial sum of %" PRIu64
			    " bytes is too large to gather", k, res[k].size);
		counts[k] = (int)res[k].size;
		displs[k] = total;
		total += counts[k];
	}
	bytes = transport_gather_bytes(inter, counts, displs, total);
	for (k = 0; k < nworkers && !failed; k++) {
		if (arith_decode_add(sum, bytes + displs[k],
		    (size_t)counts[k]) == -1) {
			warnx("worker %d sent a malformed partial sum", k);
			failed = 1;
		}
	}
	free(bytes);
	free(displs);
	free(counts);
	free(res);
	return failed;
}

static const char *
status_text(int status)
{
	switch (status) {
	case MR_STATUS_BAD_TASK:
		return "refused the task";
	case MR_STATUS_NOMEM:
		return "ran out of memory";
	default:
		return "failed";
	}
}
