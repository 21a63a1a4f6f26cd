/* guard.h - when a worker dies: the guard that reports it, the fault that tests it */

#ifndef MR_GUARD_H
#define MR_GUARD_H

#include <stdint.h>

/*
 * A worker, before MPI_Init: spawned (its index is its PMI rank) or
 * started beside the manager (PMI rank minus 1; rank 0, the manager, and a
 * world of one are left alone).  Under MPICH's hydra, fork.
 * The child returns and does the work.  The parent, the guard, waits for
 * it; when the child dies before its work is done (killed, crashed, or
 * exited, whatever its status, before guard_release()), the guard prints
 * one line naming the worker (index, pid, host, signal or status) and
 * aborts the whole run through the process manager, with exit status 1.  Without the guard,
 * hydra notices the dead process itself and prints a page of its own
 * trace; under -disable-auto-cleanup the manager would wait for ever.
 * Elsewhere (no PMI_FD in the environment) it returns at once, unguarded.
 */
void	guard_worker(int spawned);

/*
 * The worker, before MPI_Finalize or a deliberate exit: from here on its
 * end is its own business, and the guard exits with its status.
 */
void	guard_release(void);

/*
 * The worker, once the manager has said that the run survives a lost
 * worker (MR_TASK_SURVIVE): when the worker dies, the guard prints its
 * line (ending "its blocks are handed out again") and exits with status 1, as
 * a process that ended, instead of ending the run.
 */
void	guard_survive(void);

/* What the worker runs, for the guard's line: "kernel 'k.so'". */
void	guard_running(const char *what);

/*
 * Worker `index`, after evaluating its block number `blocks` (from 1),
 * before sending its result: fail on purpose when the environment says
 * MAPREDUCE_FAULT=INDEX:HOW[@N] and blocks is N (default 1), HOW one of
 * exit (status 3), abort (SIGABRT), kill (SIGKILL), segv (SIGSEGV) or hang
 * (sleep for ever).  For the tests of what a run does when a worker dies.
 * MAPREDUCE_FAULT is a list, K:HOW[@N] for each worker K that has one,
 * separated by commas.
 */
void	guard_fault(int index, uint32_t blocks);

/*
 * Worker `index`, before it takes its task: with MAPREDUCE_FAULT=INDEX:slow,
 * sleep 0.3 s, as a worker on a slow node would start.
 */
void	guard_fault_start(int index);

/*
 * Worker `index`, after sending its result: with MAPREDUCE_FAULT=INDEX:stall,
 * sleep for ever, as a worker stuck in its end would.
 */
void	guard_fault_late(int index);

#endif /* MR_GUARD_H */
