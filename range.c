/* range.c - parse and index Python-style integer ranges */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "range.h"

static int	parse_field(const char *name, const char *s, const char *end,
		    int64_t *v, const char **errstr);
static const char *parse_int64(const char *s, const char *end, int64_t *v);

int
range_parse(const char *spec, struct mr_range *r, const char **errstr)
{
	const char *p, *colon[2];
	int ncolon = 0;

	for (p = spec; *p != '\0'; p++) {
		if (*p != ':')
			continue;
		if (ncolon == 2) {
			*errstr = "too many fields, expected START:STOP[:STEP]";
			return -1;
		}
		colon[ncolon++] = p;
	}
	if (ncolon == 0) {
		*errstr = "expected START:STOP[:STEP]";
		return -1;
	}
	if (parse_field("START", spec, colon[0], &r->start, errstr) == -1)
		return -1;
	if (parse_field("STOP", colon[0] + 1, ncolon == 2 ? colon[1] : p,
	    &r->stop, errstr) == -1)
		return -1;
	r->step = 1;
	if (ncolon == 2 &&
	    parse_field("STEP", colon[1] + 1, p, &r->step, errstr) == -1)
		return -1;
	if (r->step == 0) {
		*errstr = "STEP must not be zero";
		return -1;
	}
	return 0;
}

/* Parse one field; on failure *errstr names it, e.g. "STOP is empty". */
static int
parse_field(const char *name, const char *s, const char *end, int64_t *v,
    const char **errstr)
{
	static char msg[64];
	const char *why;

	if ((why = parse_int64(s, end, v)) == NULL)
		return 0;
	snprintf(msg, sizeof(msg), "%s %s", name, why);
	*errstr = msg;
	return -1;
}

/*
 * Parse the decimal integer in [s, end); return NULL or what is wrong.
 * strtoll(3) alone would accept leading blanks and stop silently at the
 * first stray character, so the characters are checked first.
 */
static const char *
parse_int64(const char *s, const char *end, int64_t *v)
{
	char buf[32];
	const char *p = s, *q;
	size_t len;
	long long n;

	if (p < end && (*p == '-' || *p == '+'))
		p++;
	if (s == end)
		return "is empty";
	if (p == end)
		return "has a sign but no digits";
	for (q = p; q < end; q++)
		if (*q < '0' || *q > '9')
			return "is not a decimal integer";
	while (p < end - 1 && *p == '0')	/* leading zeros say nothing */
		p++;
	len = (size_t)(end - p);
	if (len >= sizeof(buf) - 1)
		return "is out of the 64-bit signed range";
	snprintf(buf, sizeof(buf), "%s%.*s", *s == '-' ? "-" : "", (int)len, p);
	errno = 0;
	n = strtoll(buf, NULL, 10);
	if (errno == ERANGE)
		return "is out of the 64-bit signed range";
	*v = n;
	return NULL;
}

/* The distance |a - b| always fits uint64_t; unsigned arithmetic wraps. */
static uint64_t
distance(int64_t from, int64_t to)
{
	return (uint64_t)to - (uint64_t)from;
}

uint64_t
range_len(const struct mr_range *r)
{
	uint64_t step, span;

	if (r->step > 0 && r->start < r->stop) {
		step = (uint64_t)r->step;
		span = distance(r->start, r->stop);
	} else if (r->step < 0 && r->start > r->stop) {
		step = 0 - (uint64_t)r->step;
		span = distance(r->stop, r->start);
	} else	/* empty, or step 0, which range_parse() never makes */
		return 0;
	return (span - 1) / step + 1;
}

/*
 * The true value lies between start and stop, so the sum taken modulo 2^64
 * is the value itself; gcc and clang convert back to int64_t modulo 2^64.
 */
int64_t
range_at(const struct mr_range *r, uint64_t i)
{
	return (int64_t)((uint64_t)r->start + i * (uint64_t)r->step);
}

int
range_format(const struct mr_range *r, char *buf, size_t len)
{
	return snprintf(buf, len, "%" PRId64 ":%" PRId64 ":%" PRId64,
	    r->start, r->stop, r->step);
}
