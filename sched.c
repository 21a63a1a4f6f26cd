/* sched.c - the elements still to compute, and which worker computes which */

#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "sched.h"

/* Elements lo .. hi - 1. */
struct span {
	uint64_t lo, hi;
};

/* Spans sorted, disjoint and not adjacent. */
struct spans {
	struct span *v;
	size_t n, cap;
};

struct worker {
	struct mr_block held[MR_AHEAD];	/* oldest first */
	int nheld;
	uint64_t size;			/* timed: its next block's size */
	int lost;
};

struct sched {
	uint64_t length;
	int nworkers;
	int schedule;
	uint64_t chunk;			/* 0: timed */
	int whole;			/* static, not timed: a share at once */
	uint64_t orphan_chunk;		/* static: the orphans' chunk size */
	int ahead;			/* blocks a worker holds at most */
	struct spans todo;		/* to hand out */
	struct spans orphans;		/* static: the lost workers' */
	uint64_t cut;			/* nothing at or past it goes out */
	uint64_t done;			/* elements done */
	struct worker *w;
	int out;			/* blocks held by all workers */
};

static int	grow(struct spans *l);
static int	add_span(struct spans *l, uint64_t lo, uint64_t hi);
static int	take(struct sched *s, int k, struct spans *l, size_t i,
		    uint64_t lo, uint64_t n, struct mr_block *b);
static size_t	first_after(const struct spans *l, uint64_t at);
static int	move_share(struct sched *s, int k);
static uint64_t	share(const struct sched *s, int k);
static int	cmp_span(const void *a, const void *b);

struct sched *
sched_new(uint64_t length, int nworkers, int schedule, uint64_t chunk,
    int timed)
{
	struct sched *s;
	int k;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->w = calloc((size_t)nworkers, sizeof(*s->w))) == NULL) {
		free(s);
		return NULL;
	}
	s->length = length;
	s->nworkers = nworkers;
	s->schedule = schedule;
	s->cut = length;
	s->whole = schedule == MR_SCHEDULE_STATIC && !timed;
	s->ahead = timed ? SCHED_AHEAD_TIMED : MR_AHEAD;
	s->orphan_chunk = length / ((uint64_t)nworkers * 16) + 1;
	if (chunk == 0 && !timed)
		chunk = s->orphan_chunk;
	s->chunk = chunk;
	for (k = 0; k < nworkers; k++)
		s->w[k].size = SCHED_FIRST;
	return s;
}

void
sched_free(struct sched *s)
{
	if (s == NULL)
		return;
	free(s->todo.v);
	free(s->orphans.v);
	free(s->w);
	free(s);
}

/* Until sched_start(), todo holds the spans done, in any order. */
int
sched_done(struct sched *s, uint64_t first, uint64_t count)
{
	if (count == 0 || first > s->length || count > s->length - first ||
	    grow(&s->todo) == -1)
		return -1;
	s->todo.v[s->todo.n++] = (struct span){ first, first + count };
	s->done += count;
	return 0;
}

/* The spans done, sorted, become the spans between them, to do. */
int
sched_start(struct sched *s)
{
	struct spans done = s->todo;
	uint64_t at = 0;
	size_t i;
	int rc = 0;

	if (done.n > 0)
		qsort(done.v, done.n, sizeof(*done.v), cmp_span);
	memset(&s->todo, 0, sizeof(s->todo));
	for (i = 0; i < done.n && rc == 0; i++) {
		if (done.v[i].lo < at)
			rc = -1;		/* they overlap */
		else if (done.v[i].lo > at)
			rc = add_span(&s->todo, at, done.v[i].lo);
		at = done.v[i].hi;
	}
	free(done.v);
	if (rc == 0 && at < s->length)
		rc = add_span(&s->todo, at, s->length);
	return rc;
}

/*
 * Static: worker k's own share first, then the lost workers'.  Dynamic:
 * the lowest elements left.
 */
int
sched_next(struct sched *s, int k, struct mr_block *b)
{
	struct worker *w = &s->w[k];
	uint64_t lo, hi, n = s->chunk != 0 ? s->chunk : w->size;
	size_t i;

	if (w->lost || w->nheld >= s->ahead)
		return 0;
	if (s->schedule == MR_SCHEDULE_DYNAMIC) {
		if (s->todo.n == 0 || s->todo.v[0].lo >= s->cut)
			return 0;
		return take(s, k, &s->todo, 0, s->todo.v[0].lo, n, b);
	}
	lo = share(s, k);
	hi = share(s, k + 1);
	i = first_after(&s->todo, lo);
	if (lo < hi && i < s->todo.n && s->todo.v[i].lo < hi) {
		if (s->todo.v[i].lo > lo)
			lo = s->todo.v[i].lo;
		if (lo < s->cut) {	/* else its share is past the cut */
			if (s->whole || n > hi - lo)
				n = hi - lo;
			return take(s, k, &s->todo, i, lo, n, b);
		}
	}
	if (s->orphans.n == 0 || s->orphans.v[0].lo >= s->cut)
		return 0;
	return take(s, k, &s->orphans, 0, s->orphans.v[0].lo, s->chunk != 0 ?
	    s->orphan_chunk : n, b);
}

int
sched_finished(struct sched *s, int k, uint64_t first, uint64_t count,
    uint64_t ns)
{
	struct worker *w = &s->w[k];
	uint128 grown;

	if (w->nheld == 0 || w->held[0].first != first ||
	    w->held[0].count != count)
		return -1;
	memmove(&w->held[0], &w->held[1], (size_t)(w->nheld - 1) *
	    sizeof(w->held[0]));
	w->nheld--;
	s->out--;
	s->done += count;
	if (s->chunk == 0) {		/* timed: aim at SCHED_TARGET_NS */
		grown = ns > 0 ? (uint128)count * SCHED_TARGET_NS / ns :
		    UINT64_MAX;
		if (grown > (uint128)count * SCHED_GROWTH)
			grown = (uint128)count * SCHED_GROWTH;
		if (grown > UINT64_MAX)
			grown = UINT64_MAX;
		w->size = grown > 0 ? (uint64_t)grown : 1;
	}
	return 0;
}

/*
 * Static: the blocks k held and what is left of its share are orphans,
 * for the others once their own shares are out.  Dynamic: they are to do
 * again, as any others.
 */
int
sched_lost(struct sched *s, int k)
{
	struct worker *w = &s->w[k];
	struct spans *l = s->schedule == MR_SCHEDULE_STATIC ? &s->orphans :
	    &s->todo;
	int i, rc = 0;

	for (i = 0; i < w->nheld; i++)
		if (add_span(l, w->held[i].first, w->held[i].first +
		    w->held[i].count) == -1)
			rc = -1;
	s->out -= w->nheld;
	w->nheld = 0;
	w->lost = 1;
	if (s->schedule == MR_SCHEDULE_STATIC && move_share(s, k) == -1)
		rc = -1;
	return rc;
}

void
sched_cut(struct sched *s, uint64_t index)
{
	if (index < s->cut)
		s->cut = index;
}

int
sched_held(const struct sched *s, int k)
{
	return s->w[k].nheld;
}

uint64_t
sched_done_elements(const struct sched *s)
{
	return s->done;
}

/* Blocks at or past the cut are not waited for. */
int
sched_idle(const struct sched *s)
{
	int k, i;

	if ((s->todo.n > 0 && s->todo.v[0].lo < s->cut) ||
	    (s->orphans.n > 0 && s->orphans.v[0].lo < s->cut))
		return 0;
	for (k = 0; k < s->nworkers && s->out > 0; k++)
		for (i = 0; i < s->w[k].nheld; i++)
			if (s->w[k].held[i].first < s->cut)
				return 0;
	return 1;
}

/*
 * Give n elements from lo, in l->v[i], to worker k as block *b: 1, or -1
 * when out of memory.
 */
static int
take(struct sched *s, int k, struct spans *l, size_t i, uint64_t lo,
    uint64_t n, struct mr_block *b)
{
	struct span *t = &l->v[i];
	struct worker *w = &s->w[k];
	uint64_t hi, end = t->hi;

	if (n > t->hi - lo)
		n = t->hi - lo;
	if (lo < s->cut && n > s->cut - lo)
		n = s->cut - lo;
	hi = lo + n;
	if (lo > t->lo && hi < t->hi) {		/* from the middle */
		t->hi = lo;
		if (add_span(l, hi, end) == -1) {
			l->v[i].hi = end;
			return -1;
		}
	} else if (lo > t->lo)
		t->hi = lo;
	else if (hi < t->hi)
		t->lo = hi;
	else {
		memmove(t, t + 1, (l->n - i - 1) * sizeof(*t));
		l->n--;
	}
	*b = (struct mr_block){ lo, n };
	w->held[w->nheld++] = *b;
	s->out++;
	return 1;
}

/* Static: what is left of worker k's share, from todo to the orphans. */
static int
move_share(struct sched *s, int k)
{
	uint64_t lo = share(s, k), hi = share(s, k + 1), a, z, end;
	size_t i;

	while (lo < hi && (i = first_after(&s->todo, lo)) < s->todo.n &&
	    s->todo.v[i].lo < hi) {
		a = s->todo.v[i].lo > lo ? s->todo.v[i].lo : lo;
		z = s->todo.v[i].hi < hi ? s->todo.v[i].hi : hi;
		if (add_span(&s->orphans, a, z) == -1)
			return -1;
		if (a > s->todo.v[i].lo && z < s->todo.v[i].hi) {
			end = s->todo.v[i].hi;
			s->todo.v[i].hi = a;
			if (add_span(&s->todo, z, end) == -1)
				return -1;
		} else if (a > s->todo.v[i].lo)
			s->todo.v[i].hi = a;
		else if (z < s->todo.v[i].hi)
			s->todo.v[i].lo = z;
		else {
			memmove(&s->todo.v[i], &s->todo.v[i + 1],
			    (s->todo.n - i - 1) * sizeof(*s->todo.v));
			s->todo.n--;
		}
	}
	return 0;
}

static int
grow(struct spans *l)
{
	struct span *grown;
	size_t cap;

	if (l->n < l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 64;
	if ((grown = realloc(l->v, cap * sizeof(*grown))) == NULL)
		return -1;
	l->v = grown;
	l->cap = cap;
	return 0;
}

/* Insert lo .. hi - 1 into l, merged with its neighbours. */
static int
add_span(struct spans *l, uint64_t lo, uint64_t hi)
{
	size_t i = first_after(l, lo);

	if (i > 0 && l->v[i - 1].hi == lo) {
		l->v[i - 1].hi = hi;
		if (i < l->n && l->v[i].lo == hi) {
			l->v[i - 1].hi = l->v[i].hi;
			memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) *
			    sizeof(*l->v));
			l->n--;
		}
		return 0;
	}
	if (i < l->n && l->v[i].lo == hi) {
		l->v[i].lo = lo;
		return 0;
	}
	if (grow(l) == -1)
		return -1;
	memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof(*l->v));
	l->v[i] = (struct span){ lo, hi };
	l->n++;
	return 0;
}

/* The index of the first span that ends after at. */
static size_t
first_after(const struct spans *l, uint64_t at)
{
	size_t lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->v[mid].hi <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Where worker k's static share starts. */
static uint64_t
share(const struct sched *s, int k)
{
	return (uint64_t)((uint128)s->length * (unsigned)k /
	    (unsigned)s->nworkers);
}

static int
cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}
