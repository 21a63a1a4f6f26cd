/* paths.h - run a unit test on the fast paths of the CPU, then the portable */

#ifndef MR_PATHS_H
#define MR_PATHS_H

#include <stdio.h>
#include <stdlib.h>

#include "cpu.h"

/*
 * for (p = paths_first(); p <= 1; p++) { paths_use(p); checks; }
 * runs the checks on the fast paths this CPU has (cpu.h), then again
 * with MAPREDUCE_PORTABLE=1, on their portable twins; only on those where
 * the CPU has no fast path, as under qemu-aarch64.
 */
static inline void
paths_set(int portable)
{
	if (setenv("MAPREDUCE_PORTABLE", portable ? "1" : "0", 1) != 0) {
		perror("setenv");
		exit(1);
	}
	cpu_reset();
}

static inline int
paths_first(void)
{
	paths_set(0);
	return cpu_features() == 0;
}

static inline void
paths_use(int portable)
{
	paths_set(portable);
	printf("# %s paths: cpu_features() 0x%x\n",
	    portable ? "portable" : "fast", cpu_features());
}

#endif /* MR_PATHS_H */
