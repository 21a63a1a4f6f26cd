/* t-range.c - unit tests of range parsing and indexing against Python's rules */

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "arith.h"
#include "range.h"
#include "tap.h"

/* len(range(start, stop, step)) by Python's formula, in 128 bits. */
static int128
python_len(int128 start, int128 stop, int128 step)
{
	int128 n;

	if (step > 0)
		n = stop > start ? (stop - start + step - 1) / step : 0;
	else
		n = stop < start ? (start - stop - step - 1) / -step : 0;
	return n;
}

static void
test_parse_good(const char *spec, int64_t start, int64_t stop, int64_t step)
{
	struct mr_range r;
	const char *errstr = NULL;

	ok(range_parse(spec, &r, &errstr) == 0 && r.start == start &&
	    r.stop == stop && r.step == step, "parse '%s'", spec);
}

static void
test_parse_bad(const char *spec, const char *why)
{
	struct mr_range r;
	const char *errstr = NULL;

	ok(range_parse(spec, &r, &errstr) == -1 && errstr != NULL &&
	    strstr(errstr, why) != NULL, "reject '%s': %s", spec,
	    errstr ? errstr : "(accepted)");
}

/* Every small range: length and elements against a counting loop. */
static void
test_small_ranges(void)
{
	struct mr_range r;
	int64_t v;
	uint64_t n;
	int bad = 0, cases = 0;

	for (r.start = -7; r.start <= 7; r.start++)
	for (r.stop = -7; r.stop <= 7; r.stop++)
	for (r.step = -5; r.step <= 5; r.step++) {
		if (r.step == 0)
			continue;
		cases++;
		n = 0;
		for (v = r.start; r.step > 0 ? v < r.stop : v > r.stop;
		    v += r.step) {
			if (range_at(&r, n) != v)
				bad++;
			n++;
		}
		if (range_len(&r) != n)
			bad++;
	}
	ok(bad == 0, "%d small ranges agree with a counting loop", cases);
}

static void
test_big_range(int64_t start, int64_t stop, int64_t step)
{
	struct mr_range r = { start, stop, step };
	int128 n = python_len(start, stop, step);
	uint64_t idx[] = { 0, 1, (uint64_t)(n / 2), (uint64_t)(n - 2),
	    (uint64_t)(n - 1) };
	size_t k;
	int good = range_len(&r) == (uint64_t)n;

	for (k = 0; n >= 2 && k < sizeof(idx) / sizeof(idx[0]); k++)
		good &= range_at(&r, idx[k]) ==
		    (int64_t)(start + (int128)idx[k] * step);
	ok(good, "range(%" PRId64 ", %" PRId64 ", %" PRId64 "): length %"
	    PRIu64 " and elements", start, stop, step, (uint64_t)n);
}

int
main(void)
{
	test_parse_good("1:101", 1, 101, 1);
	test_parse_good("10:0:-1", 10, 0, -1);
	test_parse_good("+5:-7:-3", 5, -7, -3);
	test_parse_good("-9223372036854775808:9223372036854775807",
	    INT64_MIN, INT64_MAX, 1);
	test_parse_good("0:1:-9223372036854775808", 0, 1, INT64_MIN);
	test_parse_good("0:0", 0, 0, 1);
	test_parse_good("007:08:09", 7, 8, 9);
	test_parse_good("-0000000000000000000000000000000009223372036854775808:"
	    "+00000000000000000000000000000000000009223372036854775807:-0001",
	    INT64_MIN, INT64_MAX, -1);

	test_parse_bad("", "expected START:STOP");
	test_parse_bad("5", "expected START:STOP");
	test_parse_bad("1:", "STOP is empty");
	test_parse_bad(":5", "START is empty");
	test_parse_bad("1:5:", "STEP is empty");
	test_parse_bad("1:2:0", "STEP must not be zero");
	test_parse_bad("1:2:-0", "STEP must not be zero");
	test_parse_bad("1:2:3:4", "too many fields");
	test_parse_bad("a:2", "START is not a decimal integer");
	test_parse_bad("1: 2", "STOP is not a decimal integer");
	test_parse_bad(" 1:2", "START is not a decimal integer");
	test_parse_bad("0x10:20", "START is not a decimal integer");
	test_parse_bad("1.5:2", "START is not a decimal integer");
	test_parse_bad("1:-", "STOP has a sign but no digits");
	test_parse_bad("9223372036854775808:0", "START is out of the 64-bit");
	test_parse_bad("0:-9223372036854775809", "STOP is out of the 64-bit");
	test_parse_bad("0:1:99999999999999999999999999999999",
	    "STEP is out of the 64-bit");

	test_small_ranges();
	test_big_range(INT64_MIN, INT64_MAX, 1);
	test_big_range(INT64_MAX, INT64_MIN, -1);
	test_big_range(INT64_MIN, INT64_MAX, INT64_MAX);
	test_big_range(INT64_MAX, INT64_MIN, INT64_MIN);
	test_big_range(INT64_MIN, INT64_MAX, 3);
	test_big_range(-5, INT64_MAX, 1000000007);
	test_big_range(INT64_MAX - 10, INT64_MAX, 4);
	test_big_range(INT64_MIN + 10, INT64_MIN, -4);
	test_big_range(0, 10000000000, 1);
	return tap_done();
}
