/* output.c - what the manager prints: the result, as text or JSON, and -v's figures */

#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

static void	print_json_string(const char *s);

/* Nouns of enum mr_reduce, and plurals of enum mr_map, by value. */
static const char *const reduce_nouns[] = { "", "Sum", "Product", "Minimum",
    "Maximum" };
static const char *const map_plurals[] = { "", "products", "sums", "minima",
    "maxima", "squares" };

void
output_result(const struct options *o, const struct result *r)
{
	uint32_t j;

	if (o->format == CLI_FORMAT_VALUE) {
		printf("%s\n", r->value);
		return;
	}
	if (o->format == CLI_FORMAT_TEXT) {
		printf("%s of the %s equals %s\n", o->reduce ==
		    MR_REDUCE_PYTHON ? r->noun : reduce_nouns[o->reduce],
		    o->map == MR_MAP_KERNEL || o->map == MR_MAP_PYTHON ?
		    r->values : map_plurals[o->map], r->value);
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
	printf(", \"ranges\": [");
	for (j = 0; j < o->nranges; j++)
		printf("%s[%" PRId64 ", %" PRId64 ", %" PRId64 "]",
		    j > 0 ? ", " : "", o->ranges[j].start, o->ranges[j].stop,
		    o->ranges[j].step);
	printf("], \"type\": \"%s\", \"result\": \"%s\", \"workers\": %d,"
	    " \"elements\": %" PRIu64 ", \"schedule\": \"%s\","
	    " \"seconds\": %.6f}\n", r->doubles ? "double" : "integer",
	    r->value, r->workers, o->length, o->schedule == MR_SCHEDULE_DYNAMIC ?
	    "dynamic" : "static", r->seconds);
}

static void
print_json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < ' ')
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

void
output_statistics(const struct mr_result *res, int nworkers)
{
	double s, max = 0, total = 0;
	int k;

	for (k = 0; k < nworkers; k++) {
		s = (double)res[k].nanoseconds / 1e9;
		warnx("worker %d: %" PRIu64 " elements in %" PRIu32 " block%s,"
		    " %.3f s", k, res[k].elements, res[k].blocks,
		    res[k].blocks == 1 ? "" : "s", s);
		total += s;
		if (s > max)
			max = s;
	}
	warnx("imbalance: the slowest worker took %.2f times the mean",
	    total > 0 ? max * nworkers / total : 1.0);
}

