/* tap.h - a minimal Test Anything Protocol writer for the unit tests */

#ifndef MR_TAP_H
#define MR_TAP_H

#include <stdio.h>

/*
 * ok(cond, fmt, ...) prints "ok N - description" or "not ok N - ...";
 * tap_done() prints the plan "1..N" and returns the exit status for main().
 */
static int tap_count, tap_failed;

#define ok(cond, ...) do {						\
	int tap_ok_ = (cond);						\
	printf("%sok %d - ", tap_ok_ ? "" : "not ", ++tap_count);	\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
	if (!tap_ok_)							\
		tap_failed++;						\
} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed != 0;
}

#endif /* MR_TAP_H */
