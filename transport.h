/* transport.h - both ends of the manager/worker protocol of common.h */

#ifndef MR_TRANSPORT_H
#define MR_TRANSPORT_H

#include <mpi.h>

#include "common.h"

/*
 * Each manager function has a worker twin at the other end of the same
 * step (see the message sequence in common.h); they are declared in
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
 * TRANSPORT_EXIT_TIMEOUT, and on SIGINT, SIGTERM or SIGHUP with 128 + the signal,
 * each after one line on stderr.  transport_disarm() cancels the timeout
 * and the two handlers once the result is in, or before a rank leaves on
 * its own (a process manager may then signal the others).  Both ends also die with the process manager's
 * proxy that started them (Linux), so that a crashed mpiexec leaves no
 * process of the run behind.
 */
void	transport_arm(unsigned seconds);
/*
 * fn(sig) runs in the handler of those signals, after their line and
 * before the abort: async-signal-safe calls only.
 */
void	transport_on_stop(void (*fn)(int));
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
/* Whether rc says that a process of the run is gone. */
int	transport_lost(int rc);

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
 * Steps 1 and 2, to worker: the task, its t->arity ranges and, when
 * t->kernel_len is not 0, that many bytes of kernel name.  Fails as
 * transport_send_block() does.
 */
int	transport_send_task(MPI_Comm inter, int worker, const struct mr_task *t,
	    const struct mr_range *ranges, const char *kernel,
	    MPI_Request *sentinel);
/*
 * Manager: wait until worker has taken its task (its empty message), or
 * is lost, as transport_send_block() tells.
 */
int	transport_task_taken(MPI_Comm inter, int worker, MPI_Request *sentinel);
/*
 * Worker: take the task, and say so.  *ranges is malloc(3)ed for
 * t->arity entries, *kernel for t->kernel_len bytes and a '\0'; the
 * caller frees both.
 */
void	transport_recv_task(MPI_Comm inter, struct mr_task *t,
	    struct mr_range **ranges, char **kernel);

/*
 * Steps 3 to 5, manager.  Each function returns MPI_SUCCESS or the MPI
 * error code, so that the caller can tell a lost worker from a broken run.
 */
/*
 * A send to worker fails, and is left unfinished (see
 * transport_disconnect()), when its sentinel (*sentinel) fails first.
 */
int	transport_send_block(MPI_Comm inter, int worker,
	    const struct mr_block *b, MPI_Request *sentinel);
/* Post the receives of worker's next struct mr_result, and its sentinel. */
int	transport_post_result(MPI_Comm inter, int worker, struct mr_result *r,
	    MPI_Request *req);
int	transport_post_sentinel(MPI_Comm inter, int worker, MPI_Request *req);
/*
 * Wait for some of the n requests (MPI_REQUEST_NULL ones are skipped) and
 * return how many completed, their indices in done[] and their error
 * codes in errs[]; 0 only when all are null.  Calls transport_on_wait()'s
 * function while it waits; returns early, with 0 done, after
 * `tick_ns` of waiting when it is not 0.
 */
int	transport_wait_some(int n, MPI_Request *reqs, int *done, int *errs,
	    long tick_ns);
/*
 * The len bytes that follow worker's struct mr_result, into buf; fails
 * when the worker's sentinel (its request *sentinel) fails first, and
 * then leaves the receive abandoned (see transport_disconnect()).
 */
int	transport_recv_bytes(MPI_Comm inter, int worker, void *buf,
	    size_t len, MPI_Request *sentinel);
/*
 * Receive what a lost worker sent that no one will take, so that no
 * message is left behind at the end.
 */
void	transport_drain(MPI_Comm inter, int worker);
int	transport_send_stop(MPI_Comm inter, int worker, int status,
	    unsigned lost, MPI_Request *sentinel);
/* Cancel a pending receive and wait for it to be done; NULL ones pass. */
void	transport_cancel(MPI_Request *req);

/*
 * Steps 3 to 5, worker.  transport_next_block() returns 1 with the next
 * block in *b, or 0 once the manager has said stop: then *stop is its
 * word.  transport_stopped() says, without waiting, whether it has.
 */
void	transport_watch_stop(MPI_Comm inter);
int	transport_next_block(MPI_Comm inter, struct mr_block *b,
	    struct mr_stop *stop);
int	transport_stopped(void);
void	transport_send_result(MPI_Comm inter, const struct mr_result *r,
	    const unsigned char *bytes);
/*
 * A worker, after stop with `lost` workers lost: wait (a moment at most)
 * until MPI has heard of them all, so that no notice of a loss reaches it
 * inside MPI_Finalize, where MPICH 4.0 (ch3) crashes on it.
 */
void	transport_settle(unsigned lost);

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

/*
 * Step 6, both sides.  After an abandoned request (a worker lost while it
 * sent a large partial result, or as a block or the stop was sent to it),
 * the intercommunicator is freed instead: MPI_Comm_disconnect would wait
 * for that request for ever.
 */
void	transport_disconnect(MPI_Comm *inter);

#endif /* MR_TRANSPORT_H */
