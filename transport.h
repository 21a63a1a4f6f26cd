/* transport.h - both ends of the manager/worker protocol of common.h */

#ifndef MR_TRANSPORT_H
#define MR_TRANSPORT_H

#include <mpi.h>

#include "common.h"

/*
 * Each manager function has a worker twin that takes part in the same
 * collective (see the message sequence in common.h); they are declared in
 * pairs.  Errors on the intercommunicator are returned rather than fatal
 * inside MPI, and every function here that can fail ends the run through
 * transport_check() or transport_fail(): one line on stderr, then
 * MPI_Abort, which takes down every process of the run, with exit code 1.
 * Every wait sleeps between tests instead of spinning.
 */

/* If rc is not MPI_SUCCESS, print "PROG: what: reason" and abort with 1. */
void	transport_check(int rc, const char *what);

#define TRANSPORT_EXIT_TIMEOUT	124	/* --timeout expired, as timeout(1) */

/*
 * Manager, right after MPI_Init: abandon the whole run (MPI_Abort, which
 * takes down every process of it) after `seconds` (0: never) with
 * TRANSPORT_EXIT_TIMEOUT, and on SIGINT or SIGTERM with 128 + the signal,
 * each after one line on stderr.  transport_disarm() cancels the timeout
 * and the two handlers once the result is in, or before a rank leaves on
 * its own (a process manager may then signal the others).  Both ends also die with the process manager's
 * proxy that started them (Linux), so that a crashed mpiexec leaves no
 * process of the run behind.
 */
void	transport_arm(unsigned seconds);
void	transport_disarm(void);

/* Abort the whole run with code, quietly: once MPI is up. */
void	transport_abort(int code) __attribute__((noreturn));

/* Print "PROG: message" and abort the whole run with 1: once MPI is up. */
void	transport_fail(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * A one-line description of the MPI error code rc, in a static buffer.
 * MPICH's string for the code itself is a multi-line stack; this is the
 * string of its class.
 */
const char *transport_strerror(int rc);

/*
 * Manager: the worker count the MPI universe has room for, beside the
 * manager itself, or 0 when the universe size is unknown or leaves no room.
 */
int	transport_universe_workers(void);

/*
 * Manager: start nworkers copies of the executable worker.  Returns
 * MPI_SUCCESS with *inter set, or the MPI error code; the caller reports it.
 */
int	transport_spawn(const char *worker, int nworkers, MPI_Comm *inter);
/* Worker: the intercommunicator to the manager, or MPI_COMM_NULL. */
MPI_Comm transport_parent(void);

/*
 * Both: when manager and workers were started together in MPI_COMM_WORLD,
 * world rank 0 managing, the intercommunicator between the manager
 * (is_manager != 0) and the other ranks; MPI_COMM_NULL in a world of one.
 * Collective over MPI_COMM_WORLD.
 */
MPI_Comm transport_static(int is_manager);

/*
 * Steps 1 and 2: the task, its t->arity ranges and, when t->kernel_len is
 * not 0, that many bytes of kernel name.
 */
void	transport_send_task(MPI_Comm inter, const struct mr_task *t,
	    const struct mr_range *ranges, const char *kernel);
/*
 * *ranges is malloc(3)ed for t->arity entries, *kernel for t->kernel_len
 * bytes and a '\0'; the caller frees both.
 */
void	transport_recv_task(MPI_Comm inter, struct mr_task *t,
	    struct mr_range **ranges, char **kernel);

/* Step 3: blocks[k] goes to worker k. */
void	transport_send_blocks(MPI_Comm inter, const struct mr_block *blocks);
void	transport_recv_block(MPI_Comm inter, struct mr_block *b);

/*
 * After step 3, dynamic schedule.  Worker: report status, receive the next
 * block into *b.  Manager: wait for any worker's request, return the
 * worker's rank; answer it with transport_send_block().
 */
void	transport_request_block(MPI_Comm inter, int status, struct mr_block *b);
int	transport_next_request(MPI_Comm inter, struct mr_request *r);
void	transport_send_block(MPI_Comm inter, int worker,
	    const struct mr_block *b);

/*
 * --progress.  Worker: send a note.  Manager: take a note if one is
 * there (returns the worker's rank, or -1), or wait for one from worker.
 */
void	transport_send_note(MPI_Comm inter, const struct mr_progress *n);
int	transport_poll_note(MPI_Comm inter, struct mr_progress *n);
void	transport_recv_note(MPI_Comm inter, int worker, struct mr_progress *n);

/*
 * Manager: call fn(arg) while waiting in any step, between two tests, so
 * that progress notes are read as they come.  NULL: nothing.
 */
void	transport_on_wait(void (*fn)(void *), void *arg);

/* Step 4: results[k] comes from worker k. */
void	transport_gather_results(MPI_Comm inter, struct mr_result *results);
void	transport_send_result(MPI_Comm inter, const struct mr_result *r);

/*
 * Step 5: worker k's bytes land at displs[k] in a malloc(3)ed buffer of
 * total bytes that the caller frees.
 */
unsigned char *transport_gather_bytes(MPI_Comm inter, const int *counts,
	    const int *displs, int total);
void	transport_send_bytes(MPI_Comm inter, const unsigned char *buf,
	    int len);

/* Step 6: the manager tells every worker to stop; returns its status. */
void	transport_send_stop(MPI_Comm inter, int status);
int	transport_recv_stop(MPI_Comm inter);

/* Step 7, both sides. */
void	transport_disconnect(MPI_Comm *inter);

#endif /* MR_TRANSPORT_H */
