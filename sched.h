/* sched.h - the elements still to compute, and which worker computes which */

#ifndef MR_SCHED_H
#define MR_SCHED_H

#include <stdint.h>

#include "common.h"

/*
 * The manager's ledger of a run: which elements of the map are done,
 * which are out at which worker (at most MR_AHEAD blocks each, 2 when
 * timed, oldest first, as the results come back), and which are still to
 * hand out.
 *
 * - MR_SCHEDULE_STATIC: worker k's share is the k-th of W nearly equal
 *   parts, [k * n / W, (k + 1) * n / W), one block (or, timed, blocks
 *   in order).
 * - MR_SCHEDULE_DYNAMIC: chunks of `chunk` elements (0: n / 16W + 1),
 *   lowest first, to whichever worker has room.
 * - timed (a --checkpoint without --chunk): every block is sized to take
 *   about SCHED_TARGET_NS, from the worker's last one.
 * Elements that nobody owns any more (a lost worker's, or a static share
 * that is done) go, lowest first, in chunks, to whoever has room.
 */
struct sched;

#define SCHED_TARGET_NS	1000000000	/* timed blocks: about a second */
#define SCHED_FIRST	256		/* timed: the first blocks' size, */
#define SCHED_GROWTH	16		/* then at most 16 times the last */
#define SCHED_AHEAD_TIMED 2		/* timed blocks held at most: the
					   fewer, the less an interruption
					   loses */

struct sched *sched_new(uint64_t length, int nworkers, int schedule,
	    uint64_t chunk, int timed);
void	sched_free(struct sched *s);

/*
 * Before sched_start(): elements first .. first + count - 1 are done
 * already (a checkpoint's).  Returns -1 when they are not in the map or
 * overlap others (at sched_start()).
 */
int	sched_done(struct sched *s, uint64_t first, uint64_t count);
/* The ledger is complete: returns -1 if sched_done()'s blocks overlap. */
int	sched_start(struct sched *s);

/*
 * The next block for worker k into *b: returns 1, or 0 when k already
 * holds as many blocks as it may or nothing is left to hand out, or -1 when out of
 * memory.
 */
int	sched_next(struct sched *s, int k, struct mr_block *b);
/*
 * Worker k's oldest block is done, in ns nanoseconds: returns it in *b,
 * or -1 when k holds none or the result names another block.
 */
int	sched_finished(struct sched *s, int k, uint64_t first, uint64_t count,
	    uint64_t ns);
/*
 * Worker k is lost: the blocks it held are to hand out again.  -1 when out
 * of memory: then some are not.
 */
int	sched_lost(struct sched *s, int k);
/* An element failed at index: nothing at or past it is handed out. */
void	sched_cut(struct sched *s, uint64_t index);

int	sched_held(const struct sched *s, int k);	/* blocks at k */
uint64_t sched_done_elements(const struct sched *s);
/*
 * No block is out, and none is left to hand out (counting only those
 * before the cut of sched_cut()).
 */
int	sched_idle(const struct sched *s);

#endif /* MR_SCHED_H */
