/* cli.h - the manager's command line: options, --help, input checks */

#ifndef MR_CLI_H
#define MR_CLI_H

#include <stdint.h>

#include "common.h"

#define CLI_WORKERS_MAX	1048576		/* -w bound, far beyond any universe */

struct options {
	struct mr_range *ranges;	/* malloc(3)ed, nranges entries */
	uint32_t nranges;		/* the arity of the map, >= 1 */
	uint64_t length;		/* elements in the map */
	int truncate;			/* --truncate: stop at the shortest range */
	int workers;			/* -w, or 0 for the MPI universe's choice */
	const char *worker;		/* --worker PATH, or NULL */
	int verbose;			/* -v: describe the run on stderr */
	int version;			/* --version was given */
};

/*
 * Parse and check the whole command line before MPI starts, so that bad
 * input never reaches a process manager.  On bad input this prints one line
 * to stderr and exits with 2; --help prints the help to stdout and exits
 * with 0.  On return every field of *o is valid: at least one range (the
 * seed's two by default) and, without --truncate, ranges of equal length.
 */
void	cli_parse(int argc, char *argv[], struct options *o);

/* Release what cli_parse() allocated. */
void	cli_release(struct options *o);

#endif /* MR_CLI_H */
