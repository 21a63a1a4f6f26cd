/* cpu.c - which vector fast paths run: the CPU's, unless MAPREDUCE_PORTABLE */

#include <stdlib.h>
#include <string.h>

#include "cpu.h"

static unsigned	detect(void);

static int	features = -1;	/* not read yet */

unsigned
cpu_features(void)
{
	if (features == -1)
		features = (int)detect();
	return (unsigned)features;
}

void
cpu_reset(void)
{
	features = -1;
}

static unsigned
detect(void)
{
	const char *s = getenv("MAPREDUCE_PORTABLE");
	unsigned f = 0;

	if (s != NULL && strcmp(s, "") != 0 && strcmp(s, "0") != 0)
		return 0;
#ifdef __x86_64__
	if (__builtin_cpu_supports("avx2"))
		f |= CPU_AVX2;
#if !defined(__clang__)		/* GCC 12 has the levels, clang 14 not */
	if (__builtin_cpu_supports("x86-64-v3"))
		f |= CPU_X86_64_V3;
	if (__builtin_cpu_supports("x86-64-v4"))
		f |= CPU_X86_64_V4;
#endif
#endif
	return f;
}
