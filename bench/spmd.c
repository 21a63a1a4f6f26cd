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

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

static int	parse(const char *s, int64_t *start, int64_t *step,
		    uint64_t *len);
static void	add_i128(void *in, void *inout, int *len, MPI_Datatype *type);
static void	print_i128(i128 v);

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
	if (argc != 3 || parse(argv[1], &x0, &dx, &n) == -1 ||
	    parse(argv[2], &y0, &dy, &m) == -1 || n != m) {
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

/* START:STOP[:STEP] with Python's range() rules; -1 if malformed. */
static int
parse(const char *s, int64_t *start, int64_t *step, uint64_t *len)
{
	int64_t stop;
	int end = 0;

	*step = 1;
	sscanf(s, "%" SCNd64 ":%" SCNd64 "%n:%" SCNd64 "%n", start, &stop,
	    &end, step, &end);
	if (end == 0 || s[end] != '\0' || *step == 0)
		return -1;
	if (*step > 0 && *start < stop)
		*len = ((uint64_t)stop - (uint64_t)*start - 1) /
		    (uint64_t)*step + 1;
	else if (*step < 0 && *start > stop)
		*len = ((uint64_t)*start - (uint64_t)stop - 1) /
		    (0 - (uint64_t)*step) + 1;
	else
		*len = 0;
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

static void
print_i128(i128 v)
{
	char buf[41], *p = buf + sizeof(buf) - 1;
	u128 u = v < 0 ? -(u128)v : (u128)v;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	fputs(p, stdout);
}
