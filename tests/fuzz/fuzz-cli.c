/*
 * fuzz-cli.c - libFuzzer target for cli_parse(), the whole command line
 *
 * The input is split into argument words at NUL and newline bytes, so that a
 * seed is a text file with one argument per line: every separator ends a
 * word, and a last word that is empty (a final newline) is dropped, so
 * "--worker\n" is the one word "--worker" and "--worker\n\n" is "--worker"
 * followed by an empty argument.  At most MAX_WORDS words are used;
 * "mapreduce" is prepended as argv[0].
 *
 * Properties checked, beyond crashes and sanitizer reports:
 *   - cli_parse() returns 0 or -1;
 *   - on -1: o->error is non-empty, NUL-terminated inside the buffer, one
 *     line (no \n, \r, \v or \f), and nothing is left allocated
 *     (o->ranges and o->kernel NULL, nranges 0);
 *   - on 0 without --help or --version: at least one range, each with a
 *     non-zero step; without --truncate every range has o->length elements,
 *     with it o->length is the shortest length; workers is 0 or 1 to
 *     CLI_WORKERS_MAX; a --worker path is non-empty; map and reduce are
 *     operations of common.h, MR_MAP_KERNEL exactly when -k gave a
 *     non-empty path (and a symbol, if any, non-empty), MR_MAP_EXPR
 *     exactly when -e gave an expression, with every range named, the
 *     names distinct; square has one
 *     range; min and max reduce a map that has elements; --chunk only
 *     with the dynamic schedule.
 * cli_release() is called after every input, so LeakSanitizer reports
 * anything else left allocated.  With -DFUZZ_CLI_HELP_ONLY, also checks
 * cli.h's promise that after --help or --version only that flag is set.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "range.h"

#define MAX_WORDS	64

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz-cli: property failed: %s\n", #cond); \
		abort();						\
	}								\
} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_WORDS + 2], *buf, argv0[] = "mapreduce";
	struct options o;
	uint64_t len, min;
	size_t i, from;
	uint32_t k, j;
	int argc = 1, rc;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = argv0;
	for (i = 0, from = 0; i <= size && argc < MAX_WORDS + 1; i++) {
		if (i < size && buf[i] != '\0' && buf[i] != '\n')
			continue;
		if (i == size && i == from)
			break;			/* no word after the last separator */
		buf[i] = '\0';
		argv[argc++] = buf + from;
		from = i + 1;
	}
	argv[argc] = NULL;

	rc = cli_parse(argc, argv, &o);
	CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		CHECK(memchr(o.error, '\0', sizeof(o.error)) != NULL);
		CHECK(o.error[0] != '\0');
		CHECK(strpbrk(o.error, "\n\r\v\f") == NULL);
		CHECK(o.ranges == NULL && o.nranges == 0 && o.kernel == NULL);
	} else if (o.help || o.version) {
#ifdef FUZZ_CLI_HELP_ONLY
		CHECK(o.help + o.version == 1);
		CHECK(o.nranges == 0 && o.ranges == NULL && !o.truncate &&
		    o.workers == 0 && o.worker == NULL && !o.verbose);
#endif
	} else {
		CHECK(o.nranges >= 1 && o.ranges != NULL);
		min = UINT64_MAX;
		for (k = 0; k < o.nranges; k++) {
			CHECK(o.ranges[k].step != 0);
			len = range_len(&o.ranges[k]);
			if (!o.truncate)
				CHECK(len == o.length);
			if (len < min)
				min = len;
		}
		if (o.truncate)
			CHECK(o.length == min);
		CHECK(o.workers == 0 ||
		    (o.workers >= 1 && o.workers <= CLI_WORKERS_MAX));
		CHECK(o.worker == NULL || o.worker[0] != '\0');
		CHECK(o.map >= MR_MAP_PRODUCT && o.map <= MR_MAP_PYTHON);
		CHECK((o.map == MR_MAP_EXPR) == (o.expr != NULL));
		for (k = 0; o.expr != NULL && k < o.nranges; k++) {
			CHECK(o.names[k] != NULL && o.names[k][0] != '\0');
			for (j = k + 1; j < o.nranges; j++)
				CHECK(strcmp(o.names[k], o.names[j]) != 0);
		}
		CHECK(o.reduce >= MR_REDUCE_SUM && o.reduce <= MR_REDUCE_PYTHON);
		CHECK((o.reduce == MR_REDUCE_PYTHON) == (o.pyreduce != NULL));
		CHECK((o.map == MR_MAP_KERNEL || o.map == MR_MAP_PYTHON) ==
		    (o.kernel != NULL));
		CHECK(o.kernel == NULL || o.kernel[0] != '\0');
		CHECK(o.symbol == NULL || o.symbol[0] != '\0');
		CHECK(o.map != MR_MAP_SQUARE || o.nranges == 1);
		CHECK(o.length > 0 || (o.reduce != MR_REDUCE_MIN &&
		    o.reduce != MR_REDUCE_MAX));
		CHECK(o.chunk == 0 || o.schedule == MR_SCHEDULE_DYNAMIC);
	}
	cli_release(&o);
	CHECK(o.ranges == NULL && o.nranges == 0 && o.kernel == NULL);
	free(buf);
	return 0;
}
