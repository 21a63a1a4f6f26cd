/* cpu.h - which vector fast paths run: the CPU's, unless MAPREDUCE_PORTABLE */

#ifndef MR_CPU_H
#define MR_CPU_H

/*
 * The arithmetic has x86 fast paths (AVX2, AVX-512) and, for each, a
 * portable twin in plain C that gives the same bits.  A fast path runs
 * when cpu_features() has its bit: on x86-64 CPUs that have the
 * instructions, unless MAPREDUCE_PORTABLE is set in the environment to
 * anything but "" or "0".  On other CPUs cpu_features() is 0 and only the
 * twins are built.  The make check tests run both, so that no path goes
 * untested.
 */
#define CPU_AVX2	0x1u	/* AVX2 */
#define CPU_X86_64_V3	0x2u	/* x86-64-v3: AVX2, FMA, BMI2, ... */
#define CPU_X86_64_V4	0x4u	/* x86-64-v4: AVX-512 F, BW, CD, DQ, VL */

/* The fast paths that may run; the environment is read at the first call. */
unsigned	cpu_features(void);

/* For the tests: read the environment again at the next cpu_features(). */
void		cpu_reset(void);

#endif /* MR_CPU_H */
