/* progress.c - the manager's progress line: elements done, rate, ETA */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "launch.h"
#include "progress.h"
#include "transport.h"

#define PROGRESS_HZ	4	/* redraws per second at most, on a terminal */
#define LINE_S		1.0	/* elsewhere, a line per second at most */
#define QUIET_S		1.0	/* nothing for runs shorter than this */

struct progress {
	MPI_Comm inter;
	int nworkers;
	uint64_t total;		/* elements of the map */
	uint64_t *done;		/* latest note of each worker */
	uint32_t *received;	/* notes read from each worker */
	double start, shown;	/* seconds: start, last redraw */
	int tty;		/* stderr is a terminal */
	int drawn;		/* a line is on the terminal */
};

static void	on_wait(void *arg);
static void	draw(struct progress *p, double now);
static double	seconds(void);

struct progress *
progress_start(MPI_Comm inter, int nworkers, uint64_t total)
{
	struct progress *p;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->done = calloc((size_t)nworkers, sizeof(*p->done))) == NULL ||
	    (p->received = calloc((size_t)nworkers,
	    sizeof(*p->received))) == NULL) {
		if (p != NULL)
			free(p->done);
		free(p);
		return NULL;
	}
	p->inter = inter;
	p->nworkers = nworkers;
	p->total = total;
	p->start = p->shown = seconds();
	p->tty = launch_stderr_is_tty();
	transport_on_wait(on_wait, p);
	return p;
}

void
progress_finish(struct progress *p, const struct mr_result *res)
{
	struct mr_progress n;
	int k;

	transport_on_wait(NULL, NULL);
	if (p->drawn)
		fputs("\r\033[K", stderr);
	fflush(stderr);
	for (k = 0; k < p->nworkers; k++)
		while (p->received[k] < res[k].notes) {
			transport_recv_note(p->inter, k, &n);
			p->received[k]++;
		}
	free(p->received);
	free(p->done);
	free(p);
}

static void
on_wait(void *arg)
{
	struct progress *p = arg;
	struct mr_progress n;
	double now;
	int k;

	while ((k = transport_poll_note(p->inter, &n)) >= 0 &&
	    k < p->nworkers) {
		p->received[k]++;
		if (n.elements > p->done[k])
			p->done[k] = n.elements;
	}
	now = seconds();
	if (now - p->start >= QUIET_S &&
	    now - p->shown >= (p->tty ? 1.0 / PROGRESS_HZ : LINE_S))
		draw(p, now);
}

static void
draw(struct progress *p, double now)
{
	uint64_t done = 0;
	double rate, eta;
	int k;

	for (k = 0; k < p->nworkers; k++)
		done += p->done[k];
	rate = (double)done / (now - p->start);
	eta = rate > 0 ? (double)(p->total - done) / rate : -1;
	fprintf(stderr, "%smapreduce: %5.1f%%, %llu of %llu elements,"
	    " %.3g elements/s, ", p->tty ? "\r" : "", p->total > 0 ?
	    100.0 * (double)done / (double)p->total : 100.0,
	    (unsigned long long)done, (unsigned long long)p->total, rate);
	if (eta >= 0)
		fprintf(stderr, "%.0f s to go%s", eta,
		    p->tty ? "\033[K" : "\n");
	else
		fprintf(stderr, "time to go unknown%s", p->tty ? "\033[K" :
		    "\n");
	fflush(stderr);
	p->shown = now;
	p->drawn = p->tty;
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
