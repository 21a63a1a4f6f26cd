/* spmd.c - the hand-written MPI program: sum of x*y over two ranges, exactly */

/*
 * usage: mpiexec -n P ./spmd START1:STOP1[:STEP1] START2:STOP2[:STEP2]
 *
 * What a C user writes instead of mapreduce, in the style of MPICH's cpi.c:
 * every rank takes a contiguous share of the indices, sums x*y in 128 bits,
 * and MPI_Reduce adds the partial sums on rank 0.  The ranges have Python's
 * range() semantics and the same length.  A share's sum must fit __int128,
 * which holds for the benchmark's sizes.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "baseline.h"

static void	add_i128(void *in, void *inout, int *len, MPI_Datatype *type);

int
main(int argc, char *argv[])
{
	int64_t x0, y0, dx, dy, x, y;
	uint64_t n, m, first, last, i;
	i128 s = 0, sum = 0;
	MPI_Datatype type;
	MPI_Op op;
	int rank, size;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (argc != 3 || parse_range(argv[1], &x0, &dx, &n) == -1 ||
	    parse_range(argv[2], &y0, &dy, &m) == -1 || n != m) {
		if (rank == 0)
			fprintf(stderr, "usage: spmd START:STOP[:STEP]"
			    " START:STOP[:STEP] (ranges of equal length)\n");
		MPI_Finalize();
		return 2;
	}

	/* Rank r sums the elements [r * n / P, (r + 1) * n / P). */
	first = (uint64_t)((u128)n * (unsigned)rank / (unsigned)size);
	last = (uint64_t)((u128)n * (unsigned)(rank + 1) / (unsigned)size);
	x = x0 + (int64_t)first * dx;
	y = y0 + (int64_t)first * dy;
	for (i = first; i < last; i++) {
		s += (i128)x * y;
		x += dx;
		y += dy;
	}

	MPI_Type_contiguous(2, MPI_UINT64_T, &type);
	MPI_Type_commit(&type);
	MPI_Op_create(add_i128, 1, &op);
	MPI_Reduce(&s, &sum, 1, type, op, 0, MPI_COMM_WORLD);
	if (rank == 0) {
		printf("Sum of the products equals ");
		print_i128(sum);
		printf("\n");
	}
	MPI_Op_free(&op);
	MPI_Type_free(&type);
	MPI_Finalize();
	return 0;
}

/* The reduction: 128-bit integers as two uint64_t, added modulo 2^128. */
static void
add_i128(void *in, void *inout, int *len, MPI_Datatype *type)
{
	u128 a, b;
	int i;

	(void)type;
	for (i = 0; i < *len; i++) {
		memcpy(&a, (char *)in + 16 * i, 16);
		memcpy(&b, (char *)inout + 16 * i, 16);
		b += a;
		memcpy((char *)inout + 16 * i, &b, 16);
	}
}
