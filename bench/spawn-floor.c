/* spawn-floor.c - the start-up floor: spawn N trivial workers and wait */

/*
 * usage: mpiexec -n 1 -usize N+1 ./spawn-floor N [WORKER]
 *
 * The least a spawning manager does: MPI_Comm_spawn N copies of
 * noop-worker (WORKER, default beside this program), then disconnect from
 * them, which waits until they have disconnected too.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

int
main(int argc, char *argv[])
{
	char worker[PATH_MAX];
	MPI_Comm inter;
	char *slash;
	int n;

	if (argc < 2 || argc > 3 || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: spawn-floor N [WORKER]\n");
		return 2;
	}
	if (argc == 3)
		snprintf(worker, sizeof(worker), "%s", argv[2]);
	else if ((slash = strrchr(argv[0], '/')) != NULL)
		snprintf(worker, sizeof(worker), "%.*s/noop-worker",
		    (int)(slash - argv[0]), argv[0]);
	else
		snprintf(worker, sizeof(worker), "./noop-worker");

	MPI_Init(&argc, &argv);
	MPI_Comm_spawn(worker, MPI_ARGV_NULL, n, MPI_INFO_NULL, 0,
	    MPI_COMM_SELF, &inter, MPI_ERRCODES_IGNORE);
	MPI_Comm_disconnect(&inter);
	MPI_Finalize();
	return 0;
}
