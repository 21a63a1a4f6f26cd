/* guard.h - when a worker dies: the guard that reports it, the fault that tests it */

#ifndef MR_GUARD_H
#define MR_GUARD_H

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

/* What the worker runs, for the guard's line: "kernel 'k.so'". */
void	guard_running(const char *what);

/*
 * Worker `index`, after its first block: fail on purpose when the
 * environment says MAPREDUCE_FAULT=INDEX:HOW, HOW one of exit (status 3),
 * abort (SIGABRT), kill (SIGKILL), segv (SIGSEGV) or hang (sleep for
 * ever).  For the tests of what a run does when a worker dies.
 */
void	guard_fault(int index);

/*
 * Worker `index`, after sending its result: with MAPREDUCE_FAULT=INDEX:stall,
 * sleep for ever, as a worker stuck in its end would.
 */
void	guard_fault_late(int index);

#endif /* MR_GUARD_H */
