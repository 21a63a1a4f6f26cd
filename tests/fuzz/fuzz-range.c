/*
 * fuzz-range.c - libFuzzer target for range_parse(), range_len(), range_at()
 *
 * The input is taken as one C string (cut at its first NUL byte, if any).
 * Beyond crashes and sanitizer reports, it checks range.c against a reference
 * written here independently, in 128-bit arithmetic:
 *
 *   - range_parse() accepts a spec if and only if the reference does, and
 *     then both give the same START, STOP and STEP;
 *   - a rejected spec comes with a non-empty error message;
 *   - range_len() is Python's len(range(start, stop, step));
 *   - range_at() at indices 0, 1, len/2, len-1 (those that exist) is
 *     start + i * step;
 *   - range_format() writes a spec that range_parse() reads back unchanged.
 *
 * Any violation calls abort(), which libFuzzer reports as a crash.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz-range: property failed: %s "	\
		    "(spec \"%s\")\n", #cond, cur_spec);		\
		abort();						\
	}								\
} while (0)

static const char *cur_spec = "";

/*
 * The reference parser.  A spec is 2 or 3 fields separated by ':'; a field is
 * an optional '+' or '-' followed by one or more ASCII digits, any number of
 * them (leading zeros are fine, as in Python's int()), with a value in the
 * int64_t range; STEP defaults to 1 and must not be 0.
 */
static int
ref_field(const char *s, size_t n, int64_t *v)
{
	/* The largest magnitude any int64_t has: 2^63, for INT64_MIN. */
	const __int128 bound = (__int128)1 << 63;
	__int128 mag = 0;
	size_t i = 0;
	int neg = 0;

	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return -1;			/* empty, or a sign alone */
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		mag = mag * 10 + (s[i] - '0');
		if (mag > bound)
			return -1;		/* can never come back */
	}
	if (neg)
		mag = -mag;
	if (mag > INT64_MAX || mag < INT64_MIN)
		return -1;
	*v = (int64_t)mag;
	return 0;
}

static int
ref_parse(const char *spec, int64_t f[3])
{
	size_t start[4], len[4];
	size_t i, nf = 0, from = 0, n = strlen(spec);

	/* Split by hand into at most 3 fields. */
	for (i = 0; i <= n; i++) {
		if (i < n && spec[i] != ':')
			continue;
		if (nf == 3)
			return -1;		/* a fourth field */
		start[nf] = from;
		len[nf] = i - from;
		nf++;
		from = i + 1;
	}
	if (nf < 2)
		return -1;
	f[2] = 1;
	for (i = 0; i < nf; i++)
		if (ref_field(spec + start[i], len[i], &f[i]) == -1)
			return -1;
	return f[2] == 0 ? -1 : 0;
}

/* len(range(start, stop, step)), as Python computes it. */
static __int128
ref_len(__int128 start, __int128 stop, __int128 step)
{
	__int128 d;

	if (step > 0) {
		d = stop - start;
		return d <= 0 ? 0 : (d + step - 1) / step;	/* ceil(d / step) */
	}
	d = start - stop;
	return d <= 0 ? 0 : (d - step - 1) / -step;		/* ceil(d / -step) */
}

static void
check_at(const struct mr_range *r, __int128 len, __int128 i)
{
	__int128 want = (__int128)r->start + i * r->step;

	if (i < 0 || i >= len)
		return;
	/* The element lies within [start, stop), so it fits int64_t. */
	CHECK(want >= INT64_MIN && want <= INT64_MAX);
	CHECK(range_at(r, (uint64_t)i) == (int64_t)want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_range r, back;
	const char *errstr = NULL;
	char buf[80];
	int64_t f[3];
	__int128 len;
	char *spec;
	int n, rc, ref;

	if ((spec = malloc(size + 1)) == NULL)
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	cur_spec = spec;

	rc = range_parse(spec, &r, &errstr);
	ref = ref_parse(spec, f);
	CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		CHECK(errstr != NULL && errstr[0] != '\0');
		CHECK(ref == -1);		/* the reference rejects it too */
	} else {
		CHECK(ref == 0);		/* the reference accepts it too */
		CHECK(r.start == f[0] && r.stop == f[1] && r.step == f[2]);
		len = ref_len(r.start, r.stop, r.step);
		CHECK(len >= 0 && len <= (__int128)UINT64_MAX);
		CHECK((__int128)range_len(&r) == len);
		check_at(&r, len, 0);
		check_at(&r, len, 1);
		check_at(&r, len, len / 2);
		check_at(&r, len, len - 1);
		/* range_format() gives a spec that parses back to r. */
		n = range_format(&r, buf, sizeof(buf));
		CHECK(n > 0 && (size_t)n < sizeof(buf));
		CHECK(range_parse(buf, &back, &errstr) == 0);
		CHECK(back.start == r.start && back.stop == r.stop &&
		    back.step == r.step);
	}
	cur_spec = "";
	free(spec);
	return 0;
}
