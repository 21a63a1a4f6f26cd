/* mapreduce.c - the manager: spawn workers, hand out blocks, add up their sums */

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmp.h>
#include <mpi.h>

#include "arith.h"
#include "cli.h"
#include "common.h"
#include "transport.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR	"/usr/local/libexec/mapreduce"
#endif
#ifndef VERSION
#define VERSION		"unknown"
#endif

static void	print_version(void);
static char	*find_worker(const char *given);
static char	*executable(const char *path, const char *origin);
static void	require_process_manager(int argc, char *argv[],
		    const struct options *o);
static void	require_one_manager(void);
static MPI_Comm	spawn_workers(const char *worker, int nworkers);
static void	send_work(MPI_Comm inter, const struct options *o, int nworkers);
static int	gather_sum(MPI_Comm inter, int nworkers, mpz_t sum);
static const char *status_text(int status);

int
main(int argc, char *argv[])
{
	struct options opt;
	MPI_Comm inter;
	char *worker;
	int nworkers, failed;
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
	worker = find_worker(opt.worker);
	require_process_manager(argc, argv, &opt);

	MPI_Init(&argc, &argv);
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	require_one_manager();
	nworkers = opt.workers;
	if (nworkers == 0 && (nworkers = transport_universe_workers()) == 0)
		nworkers = 1;
	inter = spawn_workers(worker, nworkers);
	if (opt.verbose)
		warnx("%d worker%s of '%s' share %" PRIu64 " element%s",
		    nworkers, nworkers == 1 ? "" : "s", worker, opt.length,
		    opt.length == 1 ? "" : "s");

	send_work(inter, &opt, nworkers);
	mpz_init(sum);
	failed = gather_sum(inter, nworkers, sum);
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
 * The worker is looked up in the order of the manual: --worker, then
 * $MAPREDUCE_WORKER, then beside our own executable (a build tree), then
 * the install directory.  The result is absolute, because the process
 * manager may start it in another directory.
 */
static char *
find_worker(const char *given)
{
	char self[PATH_MAX], *beside, *found;
	const char *env;
	ssize_t n;

	if (given != NULL)
		return executable(given, "--worker");
	if ((env = getenv("MAPREDUCE_WORKER")) != NULL && *env != '\0')
		return executable(env, "MAPREDUCE_WORKER");
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if (asprintf(&beside, "%s/worker", dirname(self)) == -1)
			err(1, "asprintf");
		found = executable(beside, NULL);
		free(beside);
		if (found != NULL)
			return found;
	}
	if ((found = executable(LIBEXECDIR "/worker", NULL)) != NULL)
		return found;
	errx(1, "no worker executable beside mapreduce nor in %s"
	    " (give one with --worker PATH)", LIBEXECDIR);
}

/*
 * Return the absolute path of an executable regular file, or NULL.  When
 * origin names where the path came from, a bad path is fatal bad input.
 */
static char *
executable(const char *path, const char *origin)
{
	struct stat st;
	const char *why = NULL;
	char *abs;

	if (stat(path, &st) == -1)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (access(path, X_OK) == -1)
		why = "not executable";
	if (why == NULL) {
		if ((abs = realpath(path, NULL)) == NULL)
			err(1, "%s", path);
		return abs;
	}
	if (origin != NULL)
		errx(2, "bad worker '%s' from %s: %s", path, origin, why);
	return NULL;
}

/*
 * A process that no process manager started is an MPI singleton, and a
 * singleton that spawns makes MPICH 4.0.2 hang forever.  Process managers
 * announce themselves in the environment; without one, say how to start.
 */
static void
require_process_manager(int argc, char *argv[], const struct options *o)
{
	static const char *pm_vars[] = {
		"PMI_RANK", "PMI_FD", "PMI_PORT",	/* MPICH hydra, srun */
		"PMIX_RANK", "OMPI_COMM_WORLD_SIZE",	/* Open MPI, PMIx */
	};
	size_t i;
	int k;

	for (i = 0; i < sizeof(pm_vars) / sizeof(pm_vars[0]); i++)
		if (getenv(pm_vars[i]) != NULL)
			return;
	fprintf(stderr, "mapreduce: not started by mpiexec; run: mpiexec -n 1");
	if (o->workers == 0)
		fprintf(stderr, " -usize %ld", sysconf(_SC_NPROCESSORS_ONLN) + 1);
	for (k = 0; k < argc; k++)
		fprintf(stderr, strpbrk(argv[k], " \t'\"$`\\*?;&|<>()") ?
		    " '%s'" : " %s", argv[k]);
	fputc('\n', stderr);
	exit(2);
}

static void
require_one_manager(void)
{
	int rank, size;

	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (size == 1)
		return;
	if (rank == 0)
		warnx("started as %d processes, but the manager runs alone and"
		    " spawns its workers: use 'mpiexec -n 1'", size);
	MPI_Finalize();
	exit(2);
}

static MPI_Comm
spawn_workers(const char *worker, int nworkers)
{
	MPI_Comm inter;
	int rc;

	if ((rc = transport_spawn(worker, nworkers, &inter)) == MPI_SUCCESS)
		return inter;
	warnx("cannot spawn %d worker%s of '%s': %s", nworkers,
	    nworkers == 1 ? "" : "s", worker, transport_strerror(rc));
	MPI_Abort(MPI_COMM_WORLD, 1);
	exit(1);
}

/* Worker k gets elements [k * n / W, (k + 1) * n / W): sizes differ by <= 1. */
static void
send_work(MPI_Comm inter, const struct options *o, int nworkers)
{
	struct mr_task task = { MR_MAGIC, MR_PROTOCOL_VERSION,
	    MR_OP_PRODUCT_SUM, o->nranges, 0 };
	struct mr_block *blocks;
	unsigned __int128 n = o->length;
	int k;

	if ((blocks = calloc((size_t)nworkers, sizeof(*blocks))) == NULL)
		err(1, "calloc");
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
		err(1, "calloc");
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
		if (res[k].size > (uint64_t)(INT_MAX - total)) {
			warnx("worker %d: partial sum of %" PRIu64 " bytes is"
			    " too large to gather", k, res[k].size);
			MPI_Abort(MPI_COMM_WORLD, 1);
		}
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
