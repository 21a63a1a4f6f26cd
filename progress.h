/* progress.h - the manager's progress line: elements done, rate, ETA */

#ifndef MR_PROGRESS_H
#define MR_PROGRESS_H

#include <stdint.h>

#include <mpi.h>

#include "common.h"

/*
 * The workers send notes of how many elements they have evaluated
 * (common.h, MR_TASK_PROGRESS); the manager reads them while it waits and
 * shows them on stderr once the run has lasted a second: on a terminal
 * one line, redrawn in place 4 times a second and erased at the end;
 * elsewhere a line of its own every second.
 */
struct progress;

/* Start reading notes from nworkers workers; NULL when out of memory. */
struct progress *progress_start(MPI_Comm inter, int nworkers,
	    uint64_t total);

/*
 * End: erase the line, then receive the notes still in flight, res[k].notes
 * in all from worker k, so that none is left over when the
 * intercommunicator is disconnected.
 */
void	progress_finish(struct progress *p, const struct mr_result *res);

#endif /* MR_PROGRESS_H */
