/* decimal.h - an mpz in decimal, on every core */

#ifndef MR_DECIMAL_H
#define MR_DECIMAL_H

#include <stddef.h>

#include <gmp.h>

/*
 * v in decimal, malloc(3)ed, as mpz_get_str(NULL, 10, v) writes it: a
 * '-' for a negative v, no leading zeros.  Numbers of DECIMAL_SPLIT_MIN
 * digits or more are split in two halves by a power of ten, converted on
 * two threads that only compute (every signal stays with the calling
 * thread), down a tree of powers of five shared by every piece of a level.
 * NULL when out of memory.
 */
#define DECIMAL_SPLIT_MIN	100000

char	*decimal_str(const mpz_t v);

/*
 * The same with the tree down to pieces of `leaf` digits and threads as
 * decimal_str() uses them, for numbers of any size: for the unit tests,
 * which thus reach every split and leaf with small numbers.
 */
char	*decimal_str_tree(const mpz_t v, size_t leaf);

#endif /* MR_DECIMAL_H */
