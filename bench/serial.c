/* serial.c - the plain C loop: sum of x*y over two ranges in one process */

/*
 * usage: ./serial START1:STOP1[:STEP1] START2:STOP2[:STEP2]
 *
 * spmd.c without MPI: one loop over every index, summed in 128 bits.  The
 * ranges have Python's range() semantics and the same length; the sum must
 * fit __int128, which holds for the benchmark's sizes.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

static int	parse(const char *s, int64_t *start, int64_t *step,
		    uint64_t *len);
static void	print_i128(i128 v);

int
main(int argc, char *argv[])
{
	int64_t x, y, dx, dy;
	uint64_t n, m, i;
	i128 s = 0;

	if (argc != 3 || parse(argv[1], &x, &dx, &n) == -1 ||
	    parse(argv[2], &y, &dy, &m) == -1 || n != m) {
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
