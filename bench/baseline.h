/* baseline.h - what both hand-written baselines need: ranges and 128-bit output */

#ifndef MR_BASELINE_H
#define MR_BASELINE_H

#include <inttypes.h>
#include <stdio.h>

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/* START:STOP[:STEP] with Python's range() rules; -1 if malformed. */
static int
parse_range(const char *s, int64_t *start, int64_t *step, uint64_t *len)
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

/* v in decimal on stdout. */
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

#endif /* MR_BASELINE_H */
