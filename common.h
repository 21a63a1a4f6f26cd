/* common.h - the wire contract between the mapreduce manager and its workers */

#ifndef MR_COMMON_H
#define MR_COMMON_H

#include <stdint.h>

/*
 * Everything that crosses the process boundary is declared here, and nothing
 * else does.  Manager and workers talk over an intercommunicator: the one
 * MPI_Comm_spawn returns (worker side: MPI_Comm_get_parent), or, when they
 * were started together ("mpiexec -n 1 mapreduce : -n N worker", or
 * "mpiexec -n N+1 mapreduce"), one made from MPI_COMM_WORLD with world rank
 * 0 as the manager (MPI_Intercomm_create, tag MR_TAG_STATIC); then, with
 * collectives only, in
 * this order; the manager is the root (MPI_ROOT), worker 0 the local root:
 *
 *   1. MPI_Ibcast   struct mr_task           what to compute
 *   2. MPI_Ibcast   struct mr_range[arity]   the ranges themselves
 *      MPI_Ibcast   char[kernel_len]         only with a user kernel:
 *                                            "PATH\0SYMBOL\0"; with an
 *                                            expression (-e):
 *                                            "EXPR\0NAME1\0...NAMEn\0";
 *                                            with a Python function,
 *                                            pyload.h's spec
 *   3. MPI_Iscatter struct mr_block          one block of indices per worker
 *      (each worker now evaluates and reduces the elements of its block;
 *      with MR_SCHEDULE_DYNAMIC it then asks for more, point to point:
 *      MPI_Isend of a struct mr_request to the manager, tag MR_TAG_REQUEST,
 *      answered with a struct mr_block, tag MR_TAG_BLOCK, until a block of
 *      count 0 says that the map is done; with MR_TASK_PROGRESS, workers
 *      also MPI_Isend a struct mr_progress now and then, tag
 *      MR_TAG_PROGRESS, and count them in struct mr_result)
 *   4. MPI_Igather  struct mr_result         status and size of each partial
 *   5. MPI_Igatherv bytes                    the partial results
 *   6. MPI_Ibcast   struct mr_stop           all partials are in: stop
 *   7. MPI_Comm_disconnect
 *
 * Every collective is nonblocking on both sides (MPI never matches a
 * blocking collective with a nonblocking one), and every wait tests and
 * sleeps: a process blocked inside MPI spins on a core, and the cores belong
 * to the workers that compute.  Step 6 exists for the same reason: a worker
 * that finished early would otherwise spin in MPI_Comm_disconnect until the
 * slowest worker is done.
 *
 * All structs travel as MPI_BYTE: manager and workers come from one build,
 * and MR_PROTOCOL_VERSION catches a worker from another one.
 */

#define MR_PROTOCOL_VERSION	5	/* bump on any change to this file */
#define MR_MAGIC		0x6d72	/* "mr": a sanity check on every struct */
#define MR_TAG_STATIC		0x6d72	/* MPI_Intercomm_create in a static launch */
#define MR_TAG_REQUEST		1	/* dynamic schedule: a worker asks */
#define MR_TAG_BLOCK		2	/* dynamic schedule: the manager answers */
#define MR_TAG_PROGRESS		3	/* --progress: a worker's note */

/*
 * Before spawning, the manager runs the worker once by itself with
 * MR_PROBE_OPTION; a worker answers MR_PROBE_ANSWER (with its protocol
 * version) on stdout and exits 0 without starting MPI.  An executable that
 * is no worker, or a worker from another build, is caught there: spawned,
 * it would leave MPI_Comm_spawn waiting for ever.
 */
#define MR_PROBE_OPTION		"--probe"
#define MR_SPAWNED_OPTION	"--spawned"	/* argv[1] of a spawned worker */
#define MR_PROBE_ANSWER		"mapreduce-worker protocol %d\n"

/* The map: what each element's values become. */
enum mr_map {
	MR_MAP_PRODUCT = 1,		/* x_1 * x_2 * ... */
	MR_MAP_SUM,			/* x_1 + x_2 + ... */
	MR_MAP_MIN,			/* the least of x_1, x_2, ... */
	MR_MAP_MAX,			/* the greatest */
	MR_MAP_SQUARE,			/* x_1 * x_1, arity 1 */
	MR_MAP_KERNEL,			/* a user kernel (mapreduce.h) */
	MR_MAP_EXPR,			/* an expression of the ranges (-e) */
	MR_MAP_PYTHON			/* a user's Python function (pyload.h) */
};

/* The reduce: how the values of all elements become one. */
enum mr_reduce {
	MR_REDUCE_SUM = 1,		/* 0 for an empty map */
	MR_REDUCE_PRODUCT,		/* 1 for an empty map */
	MR_REDUCE_MIN,			/* an empty map has none */
	MR_REDUCE_MAX,
	MR_REDUCE_PYTHON		/* a Python function's left fold */
};

enum mr_schedule {
	MR_SCHEDULE_STATIC = 0,		/* one block per worker, in step 3 */
	MR_SCHEDULE_DYNAMIC		/* chunks on request after step 3 */
};

/* Step 1: the job, identical for every worker. */
struct mr_task {
	uint16_t magic;			/* MR_MAGIC */
	uint16_t version;		/* MR_PROTOCOL_VERSION of the manager */
	uint16_t map;			/* an enum mr_map */
	uint16_t reduce;		/* an enum mr_reduce */
	uint32_t arity;			/* number of struct mr_range in step 2 */
	uint32_t schedule;		/* an enum mr_schedule */
	uint32_t kernel_len;		/* bytes of kernel name in step 2, or 0 */
	uint32_t flags;			/* MR_TASK_* */
	uint64_t length;		/* elements in the whole map */
};

#define MR_TASK_PROGRESS	0x1	/* send struct mr_progress notes */

/* --progress: the elements a worker has evaluated so far, in all. */
struct mr_progress {
	uint64_t elements;
};

/* Step 2: a Python range(start, stop, step); step is never 0. */
struct mr_range {
	int64_t start;
	int64_t stop;
	int64_t step;
};

/* Step 3: worker k evaluates elements first .. first + count - 1. */
struct mr_block {
	uint64_t first;			/* index of the first element */
	uint64_t count;			/* number of elements, may be 0 */
};

/* Dynamic schedule: worker k is done with its block and wants another. */
struct mr_request {
	uint16_t magic;			/* MR_MAGIC */
	uint16_t pad;			/* keeps the struct free of holes */
	int32_t status;			/* an enum mr_status: not OK stops asking */
};

/* Worker states reported in struct mr_result. */
enum mr_status {
	MR_STATUS_OK = 0,		/* partial result follows */
	MR_STATUS_BAD_TASK,		/* task refused: wrong magic, version or op */
	MR_STATUS_NOMEM,		/* out of memory while computing */
	MR_STATUS_KERNEL,		/* the user kernel failed to load or map */
	MR_STATUS_EXPR,			/* the expression raised for an element:
					   the bytes of step 5 are its index
					   (8 bytes, most significant first)
					   and one line of text */
	MR_STATUS_PYTHON		/* the Python function failed: step 5
					   sends the message, one line */
};

/*
 * Step 4: one per worker.  In step 5 the worker sends `size` bytes, its
 * partial result, which may be far wider than 64 bits:
 * - integers: a sign byte (0 for >= 0, 1 for < 0) and then the magnitude,
 *   most significant byte first (arith_encode);
 * - doubles, sum: the same for the exact value times 2^1074 (every
 *   finite double is a whole multiple of 2^-1074), NaN and infinities in
 *   flags;
 * - doubles, min and max: the 8 bytes of the IEEE 754 double, most
 *   significant first.
 * - a Python fold (MR_REDUCE_PYTHON): its runs, as pyplugin.h says.
 * Without MR_RESULT_VALUE (min or max of no element) nothing is sent.
 */
#define MR_RESULT_VALUE		0x1	/* the partial result has a value */
#define MR_RESULT_NAN		0x2	/* doubles: a NaN was seen */
#define MR_RESULT_POS_INF	0x4	/* doubles: +inf was seen */
#define MR_RESULT_NEG_INF	0x8	/* doubles: -inf was seen */
#define MR_RESULT_INTS		0x10	/* an expression's: integers, */
#define MR_RESULT_DOUBLES	0x20	/* doubles: see partial_encode() */

struct mr_result {
	uint16_t magic;			/* MR_MAGIC */
	uint16_t version;		/* MR_PROTOCOL_VERSION of the worker */
	int32_t status;			/* an enum mr_status */
	uint32_t flags;			/* MR_RESULT_* */
	uint32_t blocks;		/* blocks evaluated (for -v) */
	uint64_t size;			/* bytes of partial result in step 5 */
	uint64_t elements;		/* elements evaluated (for -v) */
	uint64_t nanoseconds;		/* time spent evaluating (for -v) */
	uint32_t notes;			/* struct mr_progress sent */
	uint32_t pad;			/* keeps the struct free of holes */
};

/* Step 6: the manager's last word. */
struct mr_stop {
	uint16_t magic;			/* MR_MAGIC */
	uint16_t pad;			/* keeps the struct free of holes */
	int32_t status;			/* 0: all went well; otherwise the run failed */
};

#endif /* MR_COMMON_H */
