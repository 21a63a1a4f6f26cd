/* mapreduce.h - the interface of a mapreduce kernel: a user's map, loaded with -k */

#ifndef MAPREDUCE_H
#define MAPREDUCE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A kernel is a shared object that defines one const struct
 * mapreduce_kernel, by default under the name "mapreduce_kernel":
 *
 *	cc $(pkg-config --cflags mapreduce) -O2 -ffp-contract=off -shared \
 *	    -fPIC -o k.so k.c
 *	mpiexec -n 1 -usize 17 mapreduce -k ./k.so[:SYMBOL] -r ... [-R OP]
 *
 * The kernel maps, mapreduce reduces.  Each worker loads the kernel and
 * calls map() on batches of consecutive elements of its blocks, thousands
 * at a time, so that the user's loop is a plain loop over an array that
 * the compiler can vectorize.  At -O2, gcc 12 vectorizes only loops whose
 * trip count is a multiple of the vector length (a main loop over
 * count - count % 8 elements, then a remainder loop), and on x86-64 it
 * multiplies 64-bit integers and converts int64_t to double in vectors
 * only with AVX-512: on AVX2, keep the work of each element in 32-bit
 * integers (a 32-by-32-bit multiply into 64 bits vectorizes, as does an
 * int32_t converted to double) or in doubles, where the batch's values
 * allow it, and check that they do.  examples/product.c and examples/pi.c
 * show how, with target_clones for AVX-512, AVX2 and any x86-64.
 * -ffp-contract=off keeps a double kernel from fusing multiply-adds, so
 * that it rounds step by step as written (and as Python would).
 *
 * mapreduce reduces the values exactly with the -R operation (sum,
 * product, min, max): 64-bit integers as integers of any size, doubles as
 * exact real numbers, rounded once at the end to the nearest double, so
 * that a result does not depend on the number of workers or on the
 * batches.
 */

#define MAPREDUCE_KERNEL_VERSION	1	/* of this interface */
#define MAPREDUCE_KERNEL_SYMBOL		"mapreduce_kernel"

/* What map() stores in out[]. */
enum mapreduce_type {
	MAPREDUCE_INT64 = 1,	/* int64_t out[count] */
	MAPREDUCE_DOUBLE = 2	/* double out[count]; NaN and infinities allowed */
};

/*
 * One batch: elements first, first + 1, ..., first + count - 1 of the map.
 * Element i of the map stands for the i-th values of the arity ranges, as
 * in Python's map(f, range(...), range(...)).
 */
struct mapreduce_batch {
	uint32_t arity;		/* number of ranges (-r options), >= 1 */
	const int64_t *start;	/* start[j]: range j's value at element first */
	const int64_t *step;	/* step[j]: range j's step, never 0 */
	uint64_t first;		/* the index of out[0] in the whole map */
	uint64_t length;	/* the number of elements of the whole map */
	size_t count;		/* the number of values to store in out */
};

struct mapreduce_kernel {
	uint32_t version;	/* MAPREDUCE_KERNEL_VERSION */
	uint32_t type;		/* an enum mapreduce_type */
	const char *name;	/* the values, plural, for the result's sentence:
				   "Sum of the NAME equals ..." */
	uint32_t arity_min;	/* the number of ranges it accepts, */
	uint32_t arity_max;	/* from arity_min to arity_max */
	/*
	 * Store the values of the batch's elements in out[0 .. count - 1]
	 * (an array of the kernel's type, suitably aligned for it).  Return
	 * 0, or -1 to end the run with an error.  Called concurrently only
	 * in different processes: a kernel may keep state in static
	 * variables, but must not rely on seeing any particular batches.
	 */
	int	(*map)(const struct mapreduce_batch *b, void *out);
};

/*
 * Range j's value at out[t]: computed modulo 2^64 so that it is exact for
 * every element, whatever the step (start[j] + t * step[j] in int64_t can
 * overflow on the way to a value that fits).
 */
static inline int64_t
mapreduce_value(const struct mapreduce_batch *b, uint32_t j, size_t t)
{
	return (int64_t)((uint64_t)b->start[j] + (uint64_t)t *
	    (uint64_t)b->step[j]);
}

#endif /* MAPREDUCE_H */
