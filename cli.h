/* cli.h - the manager's command line: options, --help, input checks */

#ifndef MR_CLI_H
#define MR_CLI_H

#include <stdint.h>

#include "common.h"

#define CLI_WORKERS_MAX	1048576		/* -w bound, far beyond any universe */
#define CLI_TIMEOUT_MAX	31536000	/* --timeout bound: a year of seconds */

enum cli_format {
	CLI_FORMAT_TEXT = 0,		/* "Sum of the products equals N" */
	CLI_FORMAT_VALUE,		/* "N" */
	CLI_FORMAT_JSON			/* one JSON object */
};

struct options {
	struct mr_range *ranges;	/* malloc(3)ed, nranges entries */
	uint32_t nranges;		/* the arity of the map, >= 1 */
	uint64_t length;		/* elements in the map */
	int truncate;			/* --truncate: stop at the shortest range */
	int map;			/* -m, an enum mr_map (-k: MR_MAP_KERNEL,
					   -k FILE.py:FUNC: MR_MAP_PYTHON) */
	int reduce;			/* -R, an enum mr_reduce */
	char *kernel;			/* -k FILE.so (malloc(3)ed), or NULL */
	char *symbol;			/* -k's :SYMBOL, in kernel's block, or NULL */
	const char *expr;		/* -e EXPR (points into argv), or NULL */
	char **names;			/* the ranges' names for -e (malloc(3)ed,
					   nranges of them, NULL if unnamed) */
	char *pyreduce;			/* -R FILE.py (malloc(3)ed), or NULL */
	char *pyreduce_func;		/* -R's :FUNC, in pyreduce's block */
	int batch;			/* --batch: numpy arrays to -k FILE.py */
	int schedule;			/* --schedule, an enum mr_schedule */
	uint64_t chunk;			/* --chunk N, or 0 for the default */
	int format;			/* --format, an enum cli_format */
	int progress;			/* --progress: always; else if a tty */
	int workers;			/* -w, or 0 for the MPI universe's choice */
	const char *worker;		/* --worker PATH (points into argv), or NULL */
	unsigned timeout;		/* --timeout SECONDS, or 0 for none */
	const char *checkpoint;		/* --checkpoint FILE (points into argv),
					   or NULL */
	int verbose;			/* -v: describe the run on stderr */
	int help;			/* --help was given: nothing else is set */
	int version;			/* --version was given: nothing else is set */
	char error[512];		/* why cli_parse() failed, one line */
};

/*
 * Parse and check the whole command line, before MPI starts, so that bad
 * input never reaches a process manager.  Returns 0 with every field of *o
 * valid: at least one range (the seed's two by default) and, without
 * --truncate, ranges of equal length; or, at --help or --version, with
 * that flag set, parsing stopped there and the other fields to be ignored
 * (cli_release() still frees them).  Returns -1 on bad input with a one-line reason in
 * o->error and nothing left allocated.  May be called again (tests do).
 */
int	cli_parse(int argc, char *argv[], struct options *o);

/* Release what cli_parse() allocated; o->error stays. */
void	cli_release(struct options *o);

/* The option words of enum mr_map and enum mr_reduce, by value. */
extern const char *const cli_map_names[];
extern const char *const cli_reduce_names[];

/* Print --help to stdout. */
void	cli_help(void);

#endif /* MR_CLI_H */
