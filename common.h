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
 *   1. MPI_Ibcast   struct mr_task           what to compute, how many ranges
 *   2. MPI_Ibcast   struct mr_range[arity]   the ranges themselves
 *   3. MPI_Iscatter struct mr_block          one block of indices per worker
 *      (each worker now evaluates and reduces the elements of its block)
 *   4. MPI_Igather  struct mr_result         status and size of each partial
 *   5. MPI_Igatherv bytes                    the partial sums (see mr_result)
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

#define MR_PROTOCOL_VERSION	1	/* bump on any change to this file */
#define MR_MAGIC		0x6d72	/* "mr": a sanity check on every struct */
#define MR_TAG_STATIC		0x6d72	/* MPI_Intercomm_create in a static launch */

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

/* The operations on the map's elements.  Only one kernel exists so far. */
enum mr_op {
	MR_OP_PRODUCT_SUM = 1		/* sum over i of the product of x_r[i] */
};

/* Step 1: the job, identical for every worker. */
struct mr_task {
	uint16_t magic;			/* MR_MAGIC */
	uint16_t version;		/* MR_PROTOCOL_VERSION of the manager */
	uint32_t op;			/* an enum mr_op */
	uint32_t arity;			/* number of struct mr_range in step 2 */
	uint32_t pad;			/* keeps the struct free of holes */
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

/* Worker states reported in struct mr_result. */
enum mr_status {
	MR_STATUS_OK = 0,		/* partial sum follows */
	MR_STATUS_BAD_TASK,		/* task refused: wrong magic, version or op */
	MR_STATUS_NOMEM			/* out of memory while computing */
};

/*
 * Step 4: one per worker.  In step 5 the worker sends `size` bytes: a sign
 * byte (0 for >= 0, 1 for < 0) and then the magnitude, most significant byte
 * first.  A partial sum may be far wider than 64 bits, hence the bytes.
 */
struct mr_result {
	uint16_t magic;			/* MR_MAGIC */
	uint16_t version;		/* MR_PROTOCOL_VERSION of the worker */
	int32_t status;			/* an enum mr_status */
	uint64_t size;			/* bytes of partial sum in step 5 */
};

/* Step 6: the manager's last word. */
struct mr_stop {
	uint16_t magic;			/* MR_MAGIC */
	uint16_t pad;			/* keeps the struct free of holes */
	int32_t status;			/* 0: all went well; otherwise the run failed */
};

#endif /* MR_COMMON_H */
