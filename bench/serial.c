/* serial.c - the plain C loop: sum of x*y over two ranges in one process */

/*
 * usage: ./serial START1:STOP1[:STEP1] START2:STOP2[:STEP2]
 *
 * spmd.c without MPI: one loop over every index, summed in 128 bits.  The
 * ranges have Python's range() semantics and the same length; the sum must
 * fit __int128, which holds for the benchmark's sizes.
 */

#include <stdio.h>
#include <stdlib.h>

#include "baseline.h"

int
main(int argc, char *argv[])
{
	int64_t x, y, dx, dy;
	uint64_t n, m, i;
	i128 s = 0;

	if (argc != 3 || parse_range(argv[1], &x, &dx, &n) == -1 ||
	    parse_range(argv[2], &y, &dy, &m) == -1 || n != m) {
		fprintf(stderr, "usage: serial START:STOP[:STEP]"
		    " START:STOP[:STEP] (ranges of equal length)\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		s += (i128)x * y;
		x += dx;
		y += dy;
	}
	printf("Sum of the products equals ");
	print_i128(s);
	printf("\n");
	return 0;
}
