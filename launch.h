/* launch.h - how the manager is started and how it finds its worker */

#ifndef MR_LAUNCH_H
#define MR_LAUNCH_H

/*
 * Both checks run before MPI_Init, so that their failures are plain
 * one-line errors: nothing to abort, nothing spawned.
 */

/*
 * The number of processes the process manager started together, from the
 * environment it sets (1 when none says): more than 1 means a static
 * launch, with the workers already there.
 */
int	launch_world_size(void);
/* This process's rank among them, by the same means (0 when none says). */
int	launch_world_rank(void);

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
 * First thing in main(): file descriptors 0 to 2 that are closed are
 * opened on /dev/null, so that no file the run opens takes their place;
 * stdout for reading only, so that writing the result still fails.
 */
void	launch_reopen_std(void);

/*
 * The manager started again by launch_under_process_manager(): its
 * arguments, when they were too many for mpiexec, from the file that the
 * first start wrote (which is then removed); elsewhere *argc and *argv
 * stay.  Exits with 1 when the file cannot be read.
 */
void	launch_read_arguments(int *argc, char ***argv);

/*
 * The manager started again: print the line that tells the first start
 * that the manager runs (what follows it on stdout is the result).
 * Elsewhere nothing.
 */
void	launch_announce(void);

/*
 * Whether the user's stderr is a terminal: ours, or, started again, that
 * of the first start (whose stderr hydra's pipe stands for).
 */
int	launch_stderr_is_tty(void);

/*
 * Whether a lost worker can be survived: MPICH's hydra started us, with
 * -disable-auto-cleanup (a plain start gives it), so that it leaves the
 * others running when one dies.  The flag is looked for in the command
 * line of the mpiexec among our ancestors: an mpiexec on another node
 * than the manager's is not seen.
 */
int	launch_survivable(void);

/*
 * Return if a process manager of the MPI we were built with started us.
 * Otherwise start this program again under that MPI's mpiexec (or
 * $MAPREDUCE_MPIEXEC) with the same arguments: "mpiexec -n 1 -usize P+1"
 * for P online processors; inside a Slurm job of one node, on that node,
 * "mpiexec -n 1 -launcher fork -usize C+1" for the job's C CPUs there
 * (unless HYDRA_LAUNCHER is set), as a spawn through hydra's srun steps
 * would hang.  No -usize when workers (the -w value) is not 0.  With
 * Open MPI: "mpiexec -n 1 --oversubscribe --host localhost:P+1", without
 * --host when workers is not 0.  Does not return then: stays as mpiexec's
 * parent, with /dev/null as its stdin, prints the result itself and exits
 * with the run's status (1 when mpiexec did not start the manager, 1 when
 * the result cannot be written, 128 + the signal when SIGINT, SIGTERM or
 * SIGHUP stopped the run); exits
 * with 1 and what to do when mpiexec cannot be run, or when the Slurm job
 * spans several nodes or we are not on its node.  An MPI singleton that
 * spawns hangs for ever with MPICH 4.0.2: this is how a plain ./mapreduce
 * works.
 */
void	launch_under_process_manager(int argc, char *argv[], int workers);

#endif /* MR_LAUNCH_H */
