/* output.h - what the manager prints: the result, as text or JSON, and -v's figures */

#ifndef MR_OUTPUT_H
#define MR_OUTPUT_H

#include "cli.h"
#include "common.h"

/* A run's result and the facts that --format json adds to it. */
struct result {
	const char *value;	/* the result as text */
	int doubles;		/* a double, not an integer */
	const char *kernel;	/* -k's "PATH\0SYMBOL\0", or NULL */
	const char *values;	/* what the kernel calls its values */
	int workers;
	int lost;		/* workers lost on the way (survived) */
	double seconds;		/* wall time of the whole run */
	const char *noun;	/* -R FILE.py:FUNC's word for the sentence */
};

/*
 * Keep the real stdout for the result alone: from here on, fd 1 is
 * stderr, so that what a kernel or a library writes to stdout never mixes
 * with the result.
 */
void	output_hold_stdout(void);
/* fd 1 is the real stdout again. */
void	output_release_stdout(void);

/*
 * Flush stdout; on a write error (a full disk, a closed stdout), print
 * "mapreduce: stdout: reason" and return -1, else 0.
 */
int	output_check_stdout(void);

/*
 * On the real stdout (output_hold_stdout()), exiting with 1 and one line
 * when it cannot be written, as o->format says: the sentence ("Sum of the
 * products equals 843350", its words from the operations or the kernel,
 * control characters in them as \xHH), the value alone, or one JSON
 * object (the result a string, so that no digit is lost; bytes that are
 * not UTF-8 as \ufffd).
 */
void	output_result(const struct options *o, const struct result *r);

/* -v: what each worker did, which were lost, and how evenly, on stderr. */
void	output_statistics(const struct mr_result *res, const char *lost,
	    int nworkers);

#endif /* MR_OUTPUT_H */
