/* output.c - what the manager prints: the result, as text or JSON, and -v's figures */

#include <ctype.h>
#include <err.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

static void	print_result(const struct options *o,
		    const struct result *r);
static void	print_name(const char *s);
static void	print_json_string(const char *s);
static void	print_expr(const char *s);
static size_t	utf8_len(const unsigned char *s);

/* The real stdout while fd 1 is stderr (output_hold_stdout()), or -1. */
static int	held = -1;

/* Nouns of enum mr_reduce, and plurals of enum mr_map, by value. */
static const char *const reduce_nouns[] = { "", "Sum", "Product", "Minimum",
    "Maximum" };
static const char *const map_plurals[] = { "", "products", "sums", "minima",
    "maxima", "squares" };

void
output_hold_stdout(void)
{
	fflush(stdout);
	if ((held = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) != -1 &&
	    dup2(STDERR_FILENO, STDOUT_FILENO) == -1) {
		close(held);
		held = -1;
	}
}

void
output_release_stdout(void)
{
	fflush(stdout);
	if (held != -1 && dup2(held, STDOUT_FILENO) != -1) {
		close(held);
		held = -1;
	}
}

int
output_check_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	warn("stdout");
	return -1;
}

/*
 * The result alone on the real stdout: what a kernel left in stdout's
 * buffer goes to stderr first, and what it prints at exit goes there too.
 */
void
output_result(const struct options *o, const struct result *r)
{
	int failed;

	fflush(stdout);
	if (held != -1)
		dup2(held, STDOUT_FILENO);
	print_result(o, r);
	failed = output_check_stdout() == -1;
	if (held != -1)
		dup2(STDERR_FILENO, STDOUT_FILENO);
	if (failed)
		exit(1);
}

static void
print_result(const struct options *o, const struct result *r)
{
	uint32_t j;

	if (o->format == CLI_FORMAT_VALUE) {
		printf("%s\n", r->value);
		return;
	}
	if (o->format == CLI_FORMAT_TEXT && o->map == MR_MAP_EXPR) {
		printf("%s of ", reduce_nouns[o->reduce]);
		print_expr(o->expr);
		printf(" equals %s\n", r->value);
		return;
	}
	if (o->format == CLI_FORMAT_TEXT) {
		printf("%s of the ", o->reduce == MR_REDUCE_PYTHON ? r->noun :
		    reduce_nouns[o->reduce]);
		print_name(o->map == MR_MAP_KERNEL || o->map == MR_MAP_PYTHON ?
		    r->values : map_plurals[o->map]);
		printf(" equals %s\n", r->value);
		return;
	}
	printf("{\"map\": \"%s\", \"reduce\": \"%s\", \"kernel\": ",
	    cli_map_names[o->map], cli_reduce_names[o->reduce]);
	if (r->kernel != NULL) {
		printf("{\"path\": ");
		print_json_string(r->kernel);
		printf(", \"symbol\": ");
		print_json_string(r->kernel + strlen(r->kernel) + 1);
		printf(", \"values\": ");
		print_json_string(r->values);
		printf("}");
	} else
		printf("null");
	if (o->expr != NULL) {
		printf(", \"expr\": ");
		print_json_string(o->expr);
		printf(", \"names\": [");
		for (j = 0; j < o->nranges; j++) {
			printf("%s", j > 0 ? ", " : "");
			print_json_string(o->names[j]);
		}
		printf("]");
	}
	printf(", \"ranges\": [");
	for (j = 0; j < o->nranges; j++)
		printf("%s[%" PRId64 ", %" PRId64 ", %" PRId64 "]",
		    j > 0 ? ", " : "", o->ranges[j].start, o->ranges[j].stop,
		    o->ranges[j].step);
	printf("], \"type\": \"%s\", \"result\": \"%s\", \"workers\": %d,"
	    " \"workers_lost\": %d, \"elements\": %" PRIu64 ","
	    " \"schedule\": \"%s\", \"seconds\": %.6f}\n",
	    r->doubles ? "double" : "integer", r->value, r->workers, r->lost,
	    o->length, o->schedule == MR_SCHEDULE_DYNAMIC ? "dynamic" :
	    "static", r->seconds);
}

/* A kernel's name in the sentence: control characters as \xHH. */
static void
print_name(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			printf("\\x%02x", (unsigned char)*s);
		else
			putchar(*s);
	}
}

/*
 * Any bytes as a valid JSON string: a path on Linux need not be UTF-8,
 * so each byte that does not belong to a valid UTF-8 sequence becomes
 * U+FFFD, the replacement character.
 */
static void
print_json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	putchar('"');
	while (*p != '\0') {
		if ((n = utf8_len(p)) == 0) {
			fputs("\\ufffd", stdout);
			p++;
		} else if (*p == '"' || *p == '\\')
			printf("\\%c", *p++);
		else if (*p < ' ')
			printf("\\u%04x", *p++);
		else {
			fwrite(p, 1, n, stdout);
			p += n;
		}
	}
	putchar('"');
}

/*
 * The length of the valid UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0.
 */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (*s < 0x80)
		return 1;
	if (*s < 0xc2 || *s > 0xf4)
		return 0;
	n = *s < 0xe0 ? 2 : *s < 0xf0 ? 3 : 4;
	if (*s == 0xe0)
		lo = 0xa0;
	else if (*s == 0xed)
		hi = 0x9f;
	else if (*s == 0xf0)
		lo = 0x90;
	else if (*s == 0xf4)
		hi = 0x8f;
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/*
 * The expression in the sentence, on one line: blanks in a row as one
 * space, other control characters as '?', and at most EXPR_SHOWN bytes.
 */
#define EXPR_SHOWN	72

static void
print_expr(const char *s)
{
	size_t n = 0;
	int blank = 0;

	for (; *s != '\0' && n < EXPR_SHOWN; s++) {
		if (isspace((unsigned char)*s)) {
			blank = n > 0;
			continue;
		}
		if (blank && n++ < EXPR_SHOWN)
			putchar(' ');
		blank = 0;
		putchar((unsigned char)*s < ' ' || *s == 127 ? '?' : *s);
		n++;
	}
	if (*s != '\0')
		printf("...");
}

void
output_statistics(const struct mr_result *res, const char *lost,
    int nworkers)
{
	double s, max = 0, total = 0;
	int k, left = 0;

	for (k = 0; k < nworkers; k++) {
		s = (double)res[k].nanoseconds / 1e9;
		warnx("worker %d: %" PRIu64 " elements in %" PRIu32 " block%s,"
		    " %.3f s%s", k, res[k].elements, res[k].blocks,
		    res[k].blocks == 1 ? "" : "s", s, lost[k] ? ", then lost" :
		    "");
		if (lost[k])
			continue;	/* its share went to the others */
		left++;
		total += s;
		if (s > max)
			max = s;
	}
	warnx("imbalance: the slowest worker took %.2f times the mean",
	    total > 0 ? max * left / total : 1.0);
}
