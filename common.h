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
 * 0 as the manager (MPI_Intercomm_create, tag MR_TAG_STATIC); then, point
 * to point only, and every receive names its source: after a worker is
 * lost, a collective on the intercommunicator gives different answers at
 * different processes (a broadcast of the task fails at every worker that
 * has not yet got it when worker 0 is lost), and a receive from
 * MPI_ANY_SOURCE never learns of the loss (MPICH ch3).  In this order:
 *
 *   1. task        struct mr_task, tag MR_TAG_TASK, manager to each
 *                  worker: what to compute
 *   2. ranges      struct mr_range[arity], tag MR_TAG_TASK: the ranges
 *                  themselves, then char[kernel_len], tag MR_TAG_TASK,
 *                  only with a user kernel: "PATH\0SYMBOL\0"; with an
 *                  expression (-e): "EXPR\0NAME1\0...NAMEn\0"; with a
 *                  Python function, pyload.h's spec; each worker
 *                  answers with an empty message, tag MR_TAG_TASK, and
 *                  no worker gets a block before every worker has
 *                  answered or is lost: the spawned workers' MPI_Init
 *                  ends in a barrier among them, which a worker lost
 *                  meanwhile fails, fatally, at the others
 *   3. blocks      struct mr_block, tag MR_TAG_BLOCK, manager to worker k:
 *                  elements first .. first + count - 1, at most MR_AHEAD
 *                  blocks ahead of worker k's results, so that a worker
 *                  never waits for its next block
 *   4. results     for each block, in the order of the blocks: a struct
 *                  mr_result, tag MR_TAG_RESULT, with the block's partial
 *                  result inside when it fits MR_INLINE bytes, else
 *                  followed by it, tag MR_TAG_BYTES;
 *                  a worker stops at its first failure and sends it
 *   5. stop        struct mr_stop, tag MR_TAG_STOP, to every worker still
 *                  there, once every block's result is in or the run
 *                  failed; a worker also looks for it between the pieces
 *                  of a long block, so that a failed run ends at once
 *   6. MPI_Comm_disconnect (the manager's MPI_Comm_free after a request it
 *      gave up on, as a worker was lost: transport.h)
 *
 * With MR_TASK_PROGRESS, workers also MPI_Isend a struct mr_progress now
 * and then, tag MR_TAG_PROGRESS, and count them in struct mr_result.
 * The manager keeps a receive on MR_TAG_SENTINEL from every worker, which
 * no one sends: it fails when the worker is lost, even while a large
 * message from it is stuck half received, or a message to it is stuck
 * unsent.
 *
 * Every wait tests and sleeps: a process blocked inside MPI spins on a
 * core, and the cores belong to the workers that compute.  Step 5 exists
 * for the same reason: a worker that finished early would otherwise spin
 * in MPI_Comm_disconnect until the slowest worker is done.
 *
 * All structs travel as MPI_BYTE: manager and workers come from one build,
 * and MR_PROTOCOL_VERSION catches a worker from another one.
 */

#define MR_PROTOCOL_VERSION	7	/* bump on any change to this file */
#define MR_MAGIC		0x6d72	/* "mr": a sanity check on every struct */
#define MR_TAG_STATIC		0x6d72	/* MPI_Intercomm_create in a static launch */
#define MR_TAG_BLOCK		1	/* step 3 */
#define MR_TAG_RESULT		2	/* step 4: struct mr_result */
#define MR_TAG_BYTES		3	/* step 4: a block's partial result */
#define MR_TAG_STOP		4	/* step 5 */
#define MR_TAG_PROGRESS		5	/* --progress: a worker's note */
#define MR_TAG_SENTINEL		6	/* never sent: see above */
#define MR_TAG_TASK		7	/* steps 1 and 2, and the answer */
#define MR_AHEAD		8	/* blocks a worker holds at most */
#define MR_INLINE		48	/* partial results this short travel
					   in their struct mr_result */

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

/* Which blocks the manager hands to whom (the workers need not know). */
enum mr_schedule {
	MR_SCHEDULE_STATIC = 0,		/* worker k: the k-th of W equal shares */
	MR_SCHEDULE_DYNAMIC		/* chunks, to whoever has room */
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
#define MR_TASK_SURVIVE		0x2	/* the run survives a lost worker:
					   its guard must not end the run
					   (guard.h) */

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

/* Step 3: evaluate elements first .. first + count - 1. */
struct mr_block {
	uint64_t first;			/* index of the first element */
	uint64_t count;			/* number of elements, not 0 */
};

/* Worker states reported in struct mr_result. */
enum mr_status {
	MR_STATUS_OK = 0,		/* partial result follows */
	MR_STATUS_BAD_TASK,		/* task refused: wrong magic, version or op */
	MR_STATUS_NOMEM,		/* out of memory while computing */
	MR_STATUS_KERNEL,		/* the user kernel failed to load or map */
	MR_STATUS_EXPR,			/* the expression raised for an element:
					   the bytes that follow are its index
					   (8 bytes, most significant first)
					   and one line of text */
	MR_STATUS_PYTHON		/* the Python function failed: the
					   bytes that follow are the message,
					   one line */
};

/*
 * Step 4: one per block.  Then the worker sends `size` bytes, the block's
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
	uint32_t blocks;		/* blocks evaluated so far (for -v) */
	uint64_t first;			/* the block's, as the manager sent it */
	uint64_t count;
	uint64_t size;			/* bytes of partial result that follow */
	uint64_t elements;		/* elements evaluated so far (for -v) */
	uint64_t nanoseconds;		/* time spent evaluating so far (-v) */
	uint64_t block_ns;		/* time spent on this block */
	uint32_t notes;			/* struct mr_progress sent so far */
	uint32_t pad;			/* keeps the struct free of holes */
	unsigned char inline_bytes[MR_INLINE];	/* size <= MR_INLINE */
};

/* Step 5: the manager's last word. */
struct mr_stop {
	uint16_t magic;			/* MR_MAGIC */
	uint16_t pad;			/* keeps the struct free of holes */
	int32_t status;			/* 0: all went well; otherwise the run failed */
	uint32_t lost;			/* workers lost on the way */
	uint32_t pad2;
};

#endif /* MR_COMMON_H */
