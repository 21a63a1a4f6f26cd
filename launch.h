/* launch.h - how the manager is started and how it finds its worker */

#ifndef MR_LAUNCH_H
#define MR_LAUNCH_H

/*
 * Both checks run before MPI_Init, so that their failures are plain
 * one-line errors: nothing to abort, nothing spawned.
 */

/*
 * Find the worker executable: `given` (from --worker) if not NULL, else
 * $MAPREDUCE_WORKER, else "worker" beside our own executable, else
 * LIBEXECDIR/worker.  The worker is probed (see MR_PROBE_OPTION in
 * common.h).  Returns its absolute path, malloc(3)ed.  Exits with 2 when a
 * path the user gave is bad, and with 1 when no worker is found or the one
 * found does not answer the probe.
 */
char	*launch_find_worker(const char *given);

/*
 * Exit with 2 and the mpiexec command line to use unless a process manager
 * of the MPI we were built with started us: an MPI singleton that spawns
 * hangs for ever with MPICH 4.0.2.  workers is the -w value or 0.
 */
void	launch_require_process_manager(int argc, char *argv[], int workers);

#endif /* MR_LAUNCH_H */
