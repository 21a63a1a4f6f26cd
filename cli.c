/* cli.c - the manager's command line: options, --help, input checks */

#include <err.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "range.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR	"/usr/local/libexec/mapreduce"
#endif

static void	help(void);
static void	bad_input(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	add_range(struct options *o, const char *spec);
static int	parse_workers(const char *s);
static void	check_lengths(struct options *o);

static const struct option longopts[] = {
	{ "range",	required_argument,	NULL,	'r' },
	{ "truncate",	no_argument,		NULL,	't' },
	{ "verbose",	no_argument,		NULL,	'v' },
	{ "workers",	required_argument,	NULL,	'w' },
	{ "worker",	required_argument,	NULL,	'W' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

void
cli_parse(int argc, char *argv[], struct options *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	opterr = 0;	/* getopt's own messages would make two lines */
	while ((ch = getopt_long(argc, argv, ":r:tvw:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			add_range(o, optarg);
			break;
		case 't':
			o->truncate = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'w':
			o->workers = parse_workers(optarg);
			break;
		case 'W':
			if (*optarg == '\0')
				bad_input("--worker needs a path");
			o->worker = optarg;
			break;
		case 'h':
			help();
			exit(0);
		case 'V':
			o->version = 1;
			return;
		case ':':
			bad_input("option '%s' needs an argument",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				bad_input("unknown option '-%c'", optopt);
			bad_input("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_input("unexpected argument '%s'", argv[optind]);
	if (o->nranges == 0) {	/* the seed: range(1, 101), range(101, 201) */
		add_range(o, "1:101");
		add_range(o, "101:201");
	}
	check_lengths(o);
}

void
cli_release(struct options *o)
{
	free(o->ranges);
	o->ranges = NULL;
	o->nranges = 0;
}

static void
help(void)
{
	printf(
"usage: mapreduce [-tv] [-w N] [--worker PATH] [-r START:STOP[:STEP]] ...\n"
"       mapreduce --help | --version\n"
"\n"
"Sum the products of integer ranges, element by element, on MPI workers:\n"
"the C twin of Python's reduce(sum, map(product, *ranges)), exact for any\n"
"input.  The manager spawns the worker processes, hands each a block of\n"
"indices, and adds up their partial sums.  Start it under mpiexec with one\n"
"process and room in the universe for the workers:\n"
"\n"
"  mpiexec -n 1 -usize 17 mapreduce -r 1:101 -r 101:201\n"
"\n"
"options:\n"
"  -r, --range START:STOP[:STEP]\n"
"                      one factor of the product, as Python's range(); repeat\n"
"                      for more factors (default: -r 1:101 -r 101:201)\n"
"  -t, --truncate      stop at the shortest range, as map() does, instead of\n"
"                      refusing ranges of different lengths\n"
"  -v, --verbose       say on stderr how many workers run which blocks\n"
"  -w, --workers N     number of workers, 1 to %d (default: the MPI\n"
"                      universe size minus 1, or 1 when that is unknown)\n"
"      --worker PATH   the worker executable (default: $MAPREDUCE_WORKER,\n"
"                      else 'worker' beside mapreduce, else\n"
"                      %s/worker)\n"
"  -h, --help          print this help and exit\n"
"  -V, --version       print the version and the MPI library, and exit\n"
"\n"
"exit status:\n"
"  0  the sum was printed\n"
"  1  a run-time failure: MPI, spawning, a worker, no worker executable\n"
"  2  bad command line or input, or not started by mpiexec\n",
	    CLI_WORKERS_MAX, LIBEXECDIR);
}

static void
bad_input(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errx(2, "%s (try 'mapreduce --help')", msg);
}

static void
add_range(struct options *o, const char *spec)
{
	struct mr_range r, *grown;
	const char *errstr;

	if (range_parse(spec, &r, &errstr) == -1)
		bad_input("bad range '%s': %s", spec, errstr);
	grown = realloc(o->ranges, (o->nranges + 1) * sizeof(*grown));
	if (grown == NULL)
		err(1, "realloc");
	o->ranges = grown;
	o->ranges[o->nranges++] = r;
}

static int
parse_workers(const char *s)
{
	char *end;
	long n;

	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || *s == ' ' || *s == '+')
		bad_input("bad worker count '%s': not a decimal integer", s);
	if (n < 1 || n > CLI_WORKERS_MAX)
		bad_input("bad worker count '%s': must be 1 to %d", s,
		    CLI_WORKERS_MAX);
	return (int)n;
}

static void
check_lengths(struct options *o)
{
	uint64_t len;
	uint32_t i;

	o->length = range_len(&o->ranges[0]);
	for (i = 1; i < o->nranges; i++) {
		len = range_len(&o->ranges[i]);
		if (len == o->length || o->truncate) {
			if (len < o->length)
				o->length = len;
			continue;
		}
		bad_input("ranges 1 and %" PRIu32 " differ in length: %" PRIu64
		    " and %" PRIu64 " elements (--truncate stops at the"
		    " shortest)", i + 1, o->length, len);
	}
}
