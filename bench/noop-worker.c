/* noop-worker.c - a worker for spawn-floor that does nothing but connect */

#include <stdio.h>

#include <mpi.h>

int
main(int argc, char *argv[])
{
	MPI_Comm parent;

	MPI_Init(&argc, &argv);
	MPI_Comm_get_parent(&parent);
	if (parent == MPI_COMM_NULL) {
		fprintf(stderr, "noop-worker: started by spawn-floor only\n");
		MPI_Finalize();
		return 2;
	}
	MPI_Comm_disconnect(&parent);
	MPI_Finalize();
	return 0;
}
