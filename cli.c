/* cli.c - the manager's command line: options, --help, input checks */

#include <getopt.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expr.h"
#include "vec.h"
#include "range.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR	"/usr/local/libexec/mapreduce"
#endif

static int	fail(struct options *o, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static int	fail_option(struct options *o, int ch, const char *longarg);
static int	add_range(struct options *o, const char *spec);
static int	parse_workers(struct options *o, const char *s);
static int	parse_count(const char *s, long max, long *n);
static int	parse_u64(const char *s, uint64_t *n);
static int	check_lengths(struct options *o);
static int	parse_kernel(struct options *o, const char *spec);
static int	parse_reduce(struct options *o, const char *spec);
static int	is_python(const char *path);
static int	parse_word(struct options *o, const char *what, const char *s,
		    const char *const *words, int *value);
static int	check_operations(struct options *o);
static int	check_expr(struct options *o);
static int	name_ranges(struct options *o);

/* Names of enum mr_map and enum mr_reduce values, by value. */
const char *const cli_map_names[] = { "", "product", "sum", "min", "max",
    "square", "kernel", "expr", "python", NULL };
const char *const cli_reduce_names[] = { "", "sum", "product", "min", "max",
    "python", NULL };
static const char *const schedule_names[] = { "static", "dynamic", NULL };
static const char *const format_names[] = { "text", "value", "json", NULL };

static const struct option longopts[] = {
	{ "range",	required_argument,	NULL,	'r' },
	{ "map",	required_argument,	NULL,	'm' },
	{ "reduce",	required_argument,	NULL,	'R' },
	{ "kernel",	required_argument,	NULL,	'k' },
	{ "expr",	required_argument,	NULL,	'e' },
	{ "schedule",	required_argument,	NULL,	'S' },
	{ "chunk",	required_argument,	NULL,	'C' },
	{ "format",	required_argument,	NULL,	'F' },
	{ "progress",	no_argument,		NULL,	'P' },
	{ "batch",	no_argument,		NULL,	'B' },
	{ "truncate",	no_argument,		NULL,	't' },
	{ "verbose",	no_argument,		NULL,	'v' },
	{ "workers",	required_argument,	NULL,	'w' },
	{ "worker",	required_argument,	NULL,	'W' },
	{ "timeout",	required_argument,	NULL,	'T' },
	{ "checkpoint",	required_argument,	NULL,	'K' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

/*
 * Every error path goes through fail(), which frees what was allocated, so
 * that a failed parse leaves nothing behind.
 */
int
cli_parse(int argc, char *argv[], struct options *o)
{
	int ch, before, map_given = 0;
	long n;

	memset(o, 0, sizeof(*o));
	o->map = MR_MAP_PRODUCT;
	o->reduce = MR_REDUCE_SUM;
	opterr = 0;	/* getopt's own messages would make two lines */
	optind = 0;	/* glibc: start afresh, even if called before */
	while ((before = optind, ch = getopt_long(argc, argv, "+:r:m:R:k:e:tvw:hV",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (add_range(o, optarg) == -1)
				return -1;
			break;
		case 'm':
			if (parse_word(o, "map", optarg, cli_map_names,
			    &o->map) == -1)
				return -1;
			map_given = 1;
			break;
		case 'R':
			if (parse_reduce(o, optarg) == -1)
				return -1;
			break;
		case 'k':
			if (parse_kernel(o, optarg) == -1)
				return -1;
			break;
		case 'e':
			if (o->expr != NULL)
				return fail(o, "more than one -e");
			o->expr = optarg;
			break;
		case 'S':
			if (parse_word(o, "schedule", optarg, schedule_names,
			    &o->schedule) == -1)
				return -1;
			break;
		case 'C':
			if (parse_u64(optarg, &o->chunk) == -1)
				return fail(o, "bad chunk '%s': must be a count"
				    " of elements, 1 to %" PRIu64, optarg,
				    UINT64_MAX);
			break;
		case 'F':
			if (parse_word(o, "format", optarg, format_names,
			    &o->format) == -1)
				return -1;
			break;
		case 'P':
			o->progress = 1;
			break;
		case 'B':
			o->batch = 1;
			break;
		case 't':
			o->truncate = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'w':
			if (parse_workers(o, optarg) == -1)
				return -1;
			break;
		case 'T':
			if (parse_count(optarg, CLI_TIMEOUT_MAX, &n) == -1)
				return fail(o, "bad timeout '%s': must be 1 to"
				    " %d seconds", optarg, CLI_TIMEOUT_MAX);
			o->timeout = (unsigned)n;
			break;
		case 'W':
			if (*optarg == '\0')
				return fail(o, "--worker needs a path");
			o->worker = optarg;
			break;
		case 'K':
			if (*optarg == '\0')
				return fail(o, "--checkpoint needs a file");
			o->checkpoint = optarg;
			break;
		case 'h':
			o->help = 1;
			return 0;
		case 'V':
			o->version = 1;
			return 0;
		default:
			return fail_option(o, ch, optind > before &&
			    strncmp(argv[optind - 1], "--", 2) == 0 ?
			    argv[optind - 1] : NULL);
		}
	}
	if (optind < argc)
		return fail(o, "unexpected argument '%s'", argv[optind]);
	if (o->nranges == 0 &&	/* the seed: range(1, 101), range(101, 201) */
	    (add_range(o, "1:101") == -1 || add_range(o, "101:201") == -1))
		return -1;
	if (map_given && o->kernel != NULL)
		return fail(o, "-m and -k exclude each other: the kernel maps");
	if (o->expr != NULL && (map_given || o->kernel != NULL))
		return fail(o, "-e excludes -m and -k: the expression maps");
	if (check_lengths(o) == -1 || check_expr(o) == -1)
		return -1;
	return check_operations(o);
}

void
cli_release(struct options *o)
{
	uint32_t j;

	for (j = 0; o->names != NULL && j < o->nranges; j++)
		free(o->names[j]);
	free(o->names);
	o->names = NULL;
	free(o->ranges);
	free(o->kernel);
	free(o->pyreduce);
	o->ranges = NULL;
	o->pyreduce = NULL;
	o->pyreduce_func = NULL;
	o->nranges = 0;
	o->kernel = NULL;
	o->symbol = NULL;
}

void
cli_help(void)
{
	printf(
"usage: mapreduce [-tv] [-m OP | -k FILE.so[:SYMBOL] | -k FILE.py:FUNC\n"
"                 [--batch] | -e EXPR] [-R OP | -R FILE.py:FUNC] [-w N]\n"
"                 [--schedule static|dynamic] [--chunk N]\n"
"                 [--format text|value|json] [--progress]\n"
"                 [--timeout SECONDS] [--checkpoint FILE]\n"
"                 [--worker PATH]\n"
"                 [-r [NAME=]START:STOP[:STEP]] ...\n"
"       mapreduce --help | --version\n"
"\n"
"Map integer ranges element by element and reduce the values, on MPI\n"
"workers: the C twin of Python's reduce(sum, map(product, *ranges)), exact\n"
"for any input.  The manager spawns the worker processes, hands each a\n"
"block of indices, and reduces their partial results.  Start it under\n"
"mpiexec with one process and room in the universe for the workers:\n"
"\n"
"  mpiexec -n 1 -usize 17 mapreduce -r 1:101 -r 101:201\n"
"\n"
"Started without mpiexec, it starts itself again under the mpiexec it was\n"
"built with, with one worker per processor unless -w says otherwise, and\n"
"stays as its parent: mpiexec reads no stdin, and only the result reaches\n"
"stdout.  Where spawning is not possible, start the workers together with\n"
"the manager:\n"
"\n"
"  mpiexec -n 1 mapreduce -r 1:101 -r 101:201 : -n 16 worker\n"
"  mpiexec -n 17 mapreduce -r 1:101 -r 101:201   (rank 0 manages)\n"
"\n");
	printf(
"options:\n"
"  -r, --range [NAME=]START:STOP[:STEP]\n"
"                      one argument of the map, as Python's range(); repeat\n"
"                      for more (default: -r 1:101 -r 101:201); NAME is its\n"
"                      variable in -e (default: x, y, z for up to three\n"
"                      ranges, else x1, x2, ...)\n"
"  -t, --truncate      stop at the shortest range, as map() does, instead of\n"
"                      refusing ranges of different lengths\n"
"  -m, --map OP        product (default), sum, min, max, or square (of one\n"
"                      range): what each element's values become\n"
"  -k, --kernel FILE.so[:SYMBOL]\n"
"                      map with a user kernel (mapreduce.h; SYMBOL defaults\n"
"                      to mapreduce_kernel), loaded by every worker\n"
"  -e, --expr EXPR     map with a Python expression of the range variables,\n"
"                      computed as CPython would: 'x*y', 'x %% 7 == 0',\n"
"                      '4.0/(1.0+((x+0.5)/N)**2)/N', 'sqrt(x) if x else 0.0'\n"
"                      (int, float, bool; operators, abs min max pow round\n"
"                      int float bool, and math's functions and constants)\n"
"  -k, --kernel FILE.py:FUNC\n"
"                      map with a Python function of one argument per\n"
"                      range, called with Python ints; it returns an int,\n"
"                      a float or a bool\n"
"      --batch         FUNC takes one numpy int64 array per range (a few\n"
"                      thousand elements) and returns as many values\n"
"  -R, --reduce OP     sum (default), product, min or max of the values;\n"
"                      integers exact at any size, doubles summed exactly\n"
"                      and rounded once\n"
"  -R, --reduce FILE.py:FUNC\n"
"                      reduce with a Python function of two arguments, as\n"
"                      functools.reduce(FUNC, values) (needs -k FILE.py)\n"
"      --schedule static|dynamic\n"
"                      static (default): one block per worker; dynamic:\n"
"                      chunks on request, for uneven maps\n"
"      --chunk N       elements per dynamic chunk, 1 to 2^64-1 (default:\n"
"                      enough for about 16 chunks per worker)\n"
"      --format text|value|json\n"
"                      the sentence (default), the value alone, or one JSON\n"
"                      object with the run's facts\n"
"      --progress      a progress line on stderr (elements, rate, time to\n"
"                      go) for runs past a second; the default on a terminal\n"
"  -v, --verbose       per-worker statistics on stderr at the end\n"
"  -w, --workers N     number of workers, 1 to %d (default: the MPI\n"
"                      universe size minus 1, or 1 when that is unknown)\n"
"      --timeout SECONDS\n"
"                      abandon the whole run after that long (exit 124)\n"
"      --checkpoint FILE\n"
"                      keep each finished block's exact partial result in\n"
"                      FILE as it comes; the same command run again after\n"
"                      an interruption or a crash computes only the rest\n"
"                      (blocks then take about a second each)\n"
"      --worker PATH   the worker executable (default: $MAPREDUCE_WORKER,\n"
"                      else 'worker' beside mapreduce, else\n"
"                      %s/worker)\n"
"  -h, --help          print this help and exit\n"
"  -V, --version       print the version and the MPI library, and exit\n"
"\n", CLI_WORKERS_MAX, LIBEXECDIR);
	printf(
"exit status:\n"
"  0  the result was printed\n"
"  1  a run-time failure: MPI, spawning, a worker that failed, or died\n"
"     where the run cannot go on without it (see the README), no\n"
"     worker executable, no mpiexec to start under, an mpiexec that did not\n"
"     start the manager; an expression or a Python function that raised\n"
"     for an element (the line names it and Python's error), or a Python\n"
"     function that returned something else than a number; or the output\n"
"     could not be written (a full disk, a closed stdout)\n"
"  2  bad command line or input, a bad kernel, Python file or expression\n"
"     (or -R product of one whose values are all floats), a -w that\n"
"     differs from the workers started beside the manager, or a\n"
"     --checkpoint FILE that is another task's, damaged, or in use\n"
"  124  --timeout expired; 129, 130, 143  interrupted by SIGHUP, SIGINT,\n"
"     SIGTERM (one line, nothing on stdout; with --checkpoint, a second\n"
"     line says how much it keeps); 138  a plain start stopped by SIGUSR1\n");
}

static int
fail(struct options *o, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(o->error, sizeof(o->error), fmt, ap);
	va_end(ap);
	for (p = o->error; *p != '\0'; p++)	/* keep the message one line */
		if ((unsigned char)*p < ' ')
			*p = '?';
	cli_release(o);
	return -1;
}

/*
 * A getopt error.  For a long option, optopt is of no use (for --help=x it
 * holds 'h'), so the word itself, longarg, tells what went wrong.
 */
static int
fail_option(struct options *o, int ch, const char *longarg)
{
	const struct option *opt, *exact = NULL;
	size_t len;
	int matches = 0;

	if (longarg == NULL)
		return fail(o, ch == ':' ? "option '-%c' needs an argument" :
		    "unknown option '-%c'", optopt);
	len = strcspn(longarg + 2, "=");
	for (opt = longopts; opt->name != NULL; opt++) {
		if (strncmp(opt->name, longarg + 2, len) != 0)
			continue;
		matches++;
		if (strlen(opt->name) == len)
			exact = opt;
	}
	if (ch == ':')
		return fail(o, "option '%s' needs an argument", longarg);
	if (exact != NULL && exact->has_arg == no_argument)
		return fail(o, "option '--%s' takes no argument", exact->name);
	if (exact == NULL && matches > 1)
		return fail(o, "ambiguous option '%.*s'", (int)len + 2, longarg);
	return fail(o, "unknown option '%s'", longarg);
}

/* [NAME=]START:STOP[:STEP] */
static int
add_range(struct options *o, const char *spec)
{
	struct mr_range r, *grown;
	const char *errstr, *eq = strchr(spec, '=');
	char **names, *name = NULL;

	if (range_parse(eq != NULL ? eq + 1 : spec, &r, &errstr) == -1)
		return fail(o, "bad range '%s': %s", spec, errstr);
	if (eq != NULL && (name = strndup(spec, (size_t)(eq - spec))) == NULL)
		return fail(o, "out of memory");
	if (name != NULL && (errstr = expr_bad_name(name)) != NULL) {
		free(name);
		return fail(o, "bad range name in '%s': %s", spec, errstr);
	}
	grown = realloc(o->ranges, (o->nranges + 1) * sizeof(*grown));
	if (grown != NULL)
		o->ranges = grown;
	names = realloc(o->names, (o->nranges + 1) * sizeof(*names));
	if (names != NULL)
		o->names = names;
	if (grown == NULL || names == NULL) {
		free(name);
		return fail(o, "out of memory for %" PRIu32 " ranges",
		    o->nranges + 1);
	}
	o->names[o->nranges] = name;
	o->ranges[o->nranges++] = r;
	return 0;
}

/*
 * -e: name the unnamed ranges (x, y, z for up to three ranges, else x1,
 * x2, ...), then compile the expression once, so that a bad one is
 * refused before anything starts.
 */
static int
check_expr(struct options *o)
{
	struct expr *x;
	struct vec *v;
	char why[512];
	int floats;

	if (o->expr == NULL)
		return 0;
	o->map = MR_MAP_EXPR;
	if (name_ranges(o) == -1)
		return -1;
	if ((x = expr_compile(o->expr, (const char *const *)o->names,
	    o->nranges, why, sizeof(why))) == NULL)
		return fail(o, "bad expression: %s", why);
	v = o->reduce == MR_REDUCE_PRODUCT ? vec_plan(x) : NULL;
	floats = v != NULL && vec_type(v) == VEC_FLOAT;
	vec_free(v);
	expr_free(x);
	if (floats)	/* else known only once a float turns up */
		return fail(o, "-R product of floats is not offered: the"
		    " exact product of doubles needs 53 bits per element");
	return 0;
}

static int
name_ranges(struct options *o)
{
	char def[24];
	uint32_t j, k;

	for (j = 0; j < o->nranges; j++) {
		if (o->names[j] != NULL)
			continue;
		if (o->nranges <= 3)
			snprintf(def, sizeof(def), "%c", "xyz"[j]);
		else
			snprintf(def, sizeof(def), "x%" PRIu32, j + 1);
		for (k = 0; k < o->nranges; k++)
			if (o->names[k] != NULL && strcmp(o->names[k], def) ==
			    0)
				return fail(o, "range %" PRIu32 " has no name,"
				    " and its default '%s' is taken: name it"
				    " with -r NAME=START:STOP", j + 1, def);
		if ((o->names[j] = strdup(def)) == NULL)
			return fail(o, "out of memory");
	}
	for (j = 0; j < o->nranges; j++)
		for (k = j + 1; k < o->nranges; k++)
			if (strcmp(o->names[j], o->names[k]) == 0)
				return fail(o, "range name '%s' is given"
				    " twice", o->names[j]);
	return 0;
}

/* -w N: a count from 1 to CLI_WORKERS_MAX. */
static int
parse_workers(struct options *o, const char *s)
{
	long n;

	if (strspn(s + (*s == '-'), "0123456789") != strlen(s + (*s == '-')) ||
	    s[*s == '-'] == '\0')
		return fail(o, "bad worker count '%s': not a decimal integer",
		    s);
	if (parse_count(s, CLI_WORKERS_MAX, &n) == -1)
		return fail(o, "bad worker count '%s': must be 1 to %d", s,
		    CLI_WORKERS_MAX);
	o->workers = (int)n;
	return 0;
}

/*
 * A decimal count from 1 to max into *n; -1 if s is anything else.
 * Leading zeros say nothing; a sign is never part of a count.
 */
static int
parse_count(const char *s, long max, long *n)
{
	const char *p = s;

	if (*p == '\0' || strspn(p, "0123456789") != strlen(p))
		return -1;
	while (p[0] == '0' && p[1] != '\0')
		p++;
	if (strlen(p) > 18)	/* beyond any max, and beyond strtol's range */
		return -1;
	*n = strtol(p, NULL, 10);
	return *n >= 1 && *n <= max ? 0 : -1;
}

/* A decimal count from 1 to 2^64 - 1 into *n; -1 if s is anything else. */
static int
parse_u64(const char *s, uint64_t *n)
{
	uint64_t v = 0;
	const char *p;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s))
		return -1;
	for (p = s; *p != '\0'; p++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return -1;
	*n = v;
	return v >= 1 ? 0 : -1;
}

/* -k FILE.so[:SYMBOL]: the last colon splits, as a path may hold others. */
static int
parse_kernel(struct options *o, const char *spec)
{
	char *colon;

	if (o->kernel != NULL)
		return fail(o, "more than one -k");
	if (*spec == '\0')
		return fail(o, "-k needs a shared object");
	if ((o->kernel = strdup(spec)) == NULL)
		return fail(o, "out of memory");
	if ((colon = strrchr(o->kernel, ':')) != NULL &&
	    strchr(colon, '/') == NULL) {
		*colon = '\0';
		o->symbol = colon + 1;
		if (*o->symbol == '\0' || *o->kernel == '\0')
			return fail(o, "bad kernel '%s': FILE.so[:SYMBOL]",
			    spec);
	}
	o->map = MR_MAP_KERNEL;
	if (!is_python(o->kernel))
		return 0;
	if (o->symbol == NULL)
		return fail(o, "bad kernel '%s': FILE.py:FUNC names the"
		    " function", spec);
	o->map = MR_MAP_PYTHON;
	return 0;
}

/* -R OP, or -R FILE.py:FUNC: a Python function of two arguments. */
static int
parse_reduce(struct options *o, const char *spec)
{
	char *colon;

	if ((colon = strrchr(spec, ':')) == NULL || strchr(colon, '/') ||
	    colon - spec < 4 || strncmp(colon - 3, ".py", 3) != 0) {
		if (is_python(spec))
			return fail(o, "bad reduce '%s': FILE.py:FUNC names"
			    " the function", spec);
		return parse_word(o, "reduce", spec, cli_reduce_names,
		    &o->reduce);
	}
	free(o->pyreduce);
	if ((o->pyreduce = strdup(spec)) == NULL)
		return fail(o, "out of memory");
	o->pyreduce[colon - spec] = '\0';
	o->pyreduce_func = o->pyreduce + (colon - spec) + 1;
	if (*o->pyreduce_func == '\0' || !is_python(o->pyreduce))
		return fail(o, "bad reduce '%s': FILE.py:FUNC", spec);
	o->reduce = MR_REDUCE_PYTHON;
	return 0;
}

/* A file name that ends in ".py", with something before. */
static int
is_python(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".py") == 0 &&
	    path[n - 4] != '/';
}

/* One of words (index 0 unused when it is ""), into *value. */
static int
parse_word(struct options *o, const char *what, const char *s,
    const char *const *words, int *value)
{
	char list[128] = "";
	int i;

	for (i = 0; words[i] != NULL; i++) {
		if (words[i][0] == '\0' || strcmp(words[i], "kernel") == 0 ||
		    strcmp(words[i], "expr") == 0 ||
		    strcmp(words[i], "python") == 0)
			continue;
		if (strcmp(s, words[i]) == 0) {
			*value = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", list[0] != '\0' ? ", " : "", words[i]);
	}
	return fail(o, "bad %s '%s': one of %s", what, s, list);
}

/*
 * What can be known before any work: the operations fit the ranges.  A
 * kernel's own limits are checked once it is loaded.
 */
static int
check_operations(struct options *o)
{
	if (o->map == MR_MAP_SQUARE && o->nranges != 1)
		return fail(o, "-m square takes one range, not %" PRIu32,
		    o->nranges);
	if (o->length == 0 && (o->reduce == MR_REDUCE_MIN ||
	    o->reduce == MR_REDUCE_MAX))
		return fail(o, "-R %s of an empty map has no value",
		    cli_reduce_names[o->reduce]);
	if (o->chunk != 0 && o->schedule != MR_SCHEDULE_DYNAMIC)
		return fail(o, "--chunk needs --schedule dynamic");
	if (o->reduce == MR_REDUCE_PYTHON && o->map != MR_MAP_PYTHON)
		return fail(o, "-R FILE.py:FUNC needs a Python map,"
		    " -k FILE.py:FUNC");
	if (o->reduce == MR_REDUCE_PYTHON && o->length == 0)
		return fail(o, "-R %s of an empty map has no value",
		    o->pyreduce_func);
	if (o->batch && o->map != MR_MAP_PYTHON)
		return fail(o, "--batch needs a Python map, -k FILE.py:FUNC");
	return 0;
}

static int
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
		return fail(o, "ranges 1 and %" PRIu32 " differ in length: %"
		    PRIu64 " and %" PRIu64 " elements (--truncate stops at"
		    " the shortest)", i + 1, o->length, len);
	}
	return 0;
}
