/* serve.h - the worker's side of a run: one block in, one exact sum out */

#ifndef MR_SERVE_H
#define MR_SERVE_H

#include <mpi.h>

/*
 * Take part in one run over the intercommunicator to the manager (steps 1
 * to 7 of common.h): receive the task and this worker's block, evaluate
 * and reduce it, send the partial sum, wait for the stop, disconnect
 * (*manager is then MPI_COMM_NULL).  Run by the worker program, spawned or
 * started beside the manager, and by ranks other than 0 of
 * "mpiexec -n N+1 mapreduce".
 */
void	serve(MPI_Comm *manager);

#endif /* MR_SERVE_H */
