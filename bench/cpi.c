/* cpi.c - the hand-written MPI program: pi by the midpoint rule, as MPICH's cpi.c */

/*
 * usage: mpiexec -n P ./cpi N
 *
 * MPICH's examples/cpi.c, the baseline of examples/pi.c: pi is the
 * integral of 4 / (1 + x^2) from 0 to 1, taken as N rectangles of width
 * h = 1/N.  Rank r adds f at the midpoints of rectangles r + 1, r + 1 + P,
 * r + 1 + 2P, ... in a double, multiplies by h, and MPI_Reduce adds the
 * shares on rank 0, which prints pi with 16 decimals.  As in cpi.c, the
 * last digits depend on P.  N comes from the command line on every rank
 * instead of a broadcast, and is 64 bits wide.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

static double	f(double);

int
main(int argc, char *argv[])
{
	int64_t n = 0, i;
	double h, x, sum, mypi, pi;
	char *end;
	int rank, size;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (argc == 2)
		n = strtoimax(argv[1], &end, 10);
	if (argc != 2 || *end != '\0' || n <= 0) {
		if (rank == 0)
			fprintf(stderr, "usage: cpi N (rectangles, N > 0)\n");
		MPI_Finalize();
		return 2;
	}

	h = 1.0 / (double)n;
	sum = 0.0;
	for (i = rank + 1; i <= n; i += size) {
		x = h * ((double)i - 0.5);
		sum += f(x);
	}
	mypi = h * sum;

	MPI_Reduce(&mypi, &pi, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
	if (rank == 0)
		printf("%.16f\n", pi);
	MPI_Finalize();
	return 0;
}

static double
f(double a)
{
	return 4.0 / (1.0 + a * a);
}
