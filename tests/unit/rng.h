/* rng.h - xorshift64*: a fixed pseudo-random sequence for the unit tests */

#ifndef MR_RNG_H
#define MR_RNG_H

#include <stdint.h>

/* Seeded in the test, so that every run tests the same values. */
static uint64_t rng_state;

static inline uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

#endif /* MR_RNG_H */
