/* worker.c - a mapreduce worker: evaluate blocks of the map, send their sums */

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

#include "common.h"
#include "guard.h"
#include "serve.h"
#include "transport.h"

int
main(int argc, char *argv[])
{
	MPI_Comm manager;
	int rank, size, spawned;

	if (argc == 2 && strcmp(argv[1], MR_PROBE_OPTION) == 0) {
		printf(MR_PROBE_ANSWER, MR_PROTOCOL_VERSION);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	/*
	 * A worker prints nothing on stdout: what a kernel writes there goes
	 * to stderr, never into the result's stream.
	 */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	spawned = argc == 2 && strcmp(argv[1], MR_SPAWNED_OPTION) == 0;
#ifdef MPICH_VERSION
	/*
	 * Spawned workers exchange a few bytes among themselves (in
	 * MPI_Init, and at the end), so MPICH's shared-memory
	 * channel between them does not repay its set-up: with 16 workers on
	 * 2 cores, that set-up was a quarter of the start-up time.  Not when
	 * started beside the manager, whose world it shares.  A user's own
	 * setting wins.
	 */
	if (spawned)
		setenv("MPIR_CVAR_NOLOCAL", "1", 0);
#endif
	guard_worker(spawned);
	MPI_Init(&argc, &argv);
	/* A lost worker is reported, not fatal, also to the others. */
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	if ((manager = transport_parent()) == MPI_COMM_NULL) {
		MPI_Comm_rank(MPI_COMM_WORLD, &rank);
		MPI_Comm_size(MPI_COMM_WORLD, &size);
		if (size == 1) {
			MPI_Finalize();
			errx(2, "this program is started by mapreduce, not by"
			    " hand");
		}
		if (rank == 0)	/* the others wait in transport_static() */
			transport_fail("the manager must be world rank 0:"
			    " mpiexec -n 1 mapreduce : -n N worker");
		manager = transport_static(0);
	}
	serve(&manager);
	guard_release();
	MPI_Finalize();
	return 0;
}
