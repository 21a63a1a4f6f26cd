/*
 * t-sched.c - unit tests of sched.c: every block the ledger hands out,
 * checked against a model of the run
 *
 * The model is written here from sched.h's rules: each element of the
 * map is to do, done, or held by one worker, and the model says which
 * block sched_next() must hand out next.  Random runs (a checkpoint, then
 * blocks handed out and finished, workers lost and a cut, in any order,
 * then every live worker driven until the ledger is idle) compare sched.c
 * with it after every call.  Small maps keep one byte an element; maps of
 * nearly 2^64 elements keep the intervals done and held.  Directed cases
 * come first: an empty map, one worker, every static worker lost but one,
 * fewer elements than workers, a cut in a lost worker's share, timed
 * growth, and blocks of one element.  Timed sizes follow from the aim of
 * about a second (TARGET_NS, as sched.c's SCHED_TARGET_NS) after a
 * worker's first result; its first blocks are checked only for where they
 * start.  A worker holds MR_AHEAD blocks at most, AHEAD_TIMED when timed.
 * A run stuck in sched.c fails after TIME_LIMIT seconds.
 *
 * usage: t-sched [SEED [huge]]   one random run alone, for a failure's seed
 */

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "sched.h"
#include "rng.h"
#include "tap.h"

__extension__ typedef unsigned __int128 u128;

#define TARGET_NS	((unsigned)SCHED_TARGET_NS)	/* a timed block's aim */
#define GROWTH		SCHED_GROWTH	/* timed: at most that times the last */
#define AHEAD_TIMED	SCHED_AHEAD_TIMED	/* timed: blocks a worker holds */
#define MAXW		8		/* workers: 1 .. MAXW */
#define SMALL		2000		/* small maps: 0 .. SMALL elements */
#define NSMALL		20000		/* random runs of small maps */
#define NHUGE		2000		/* random runs of maps near 2^64 */
#define TIME_LIMIT	60		/* seconds: a hang in sched.c fails */
#define NPIECES		16		/* a checkpoint's pieces, at most */
#define TODO		(-1)
#define DONE		(-2)

struct iv {
	uint64_t lo, hi;
	int tag;			/* DONE or the worker holding it */
};

struct model {
	struct sched *s;
	uint64_t n;
	int nw, schedule, timed;
	int ahead;			/* blocks a worker holds at most */
	uint64_t chunk;			/* dynamic, not timed: block size */
	uint64_t orphan_chunk;		/* static, not timed: n / 16W + 1 */
	uint64_t cut;
	uint64_t done;
	signed char *st;		/* small: TODO, DONE or the holder */
	struct iv *iv;			/* else: done and held, sorted */
	size_t niv, cap;
	struct mr_block held[MAXW][MR_AHEAD];
	int nheld[MAXW], lost[MAXW], nlive;
	uint64_t size[MAXW];		/* timed: its next block's, 0: unknown */
	uint64_t blocks;		/* handed out */
	long step;
	char why[400];
};

/* What the random runs did, to show that they tried each rule. */
static struct {
	unsigned long checkpoints, lost, cuts, refused, orphans, full;
} did;

static char	running[200];		/* the run under way, for a hang */

static void	fail(struct model *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
fail(struct model *m, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (m->why[0] != '\0')
		return;
	len = snprintf(m->why, sizeof(m->why), "step %ld: ", m->step);
	va_start(ap, fmt);
	vsnprintf(m->why + len, sizeof(m->why) - (size_t)len, fmt, ap);
	va_end(ap);
}

/* The failure, if any, for an ok() line. */
static const char *
note(const struct model *m)
{
	static char buf[sizeof(m->why) + 4];

	if (m->why[0] == '\0')
		return "";
	snprintf(buf, sizeof(buf), " (%s)", m->why);
	return buf;
}

/* sched.c in an endless loop: say where, and fail. */
static void
hung(int sig)
{
	static const char msg[] = "not ok - hung in sched.c: ";

	(void)sig;
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	(void)!write(STDOUT_FILENO, running, strlen(running));
	(void)!write(STDOUT_FILENO, "\n", 1);
	_exit(1);
}

static uint64_t
min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Where worker k's static share starts: k * n / W. */
static uint64_t
share(const struct model *m, int k)
{
	return (uint64_t)((u128)m->n * (unsigned)k / (unsigned)m->nw);
}

/* Whose static share element x is in. */
static int
owner(const struct model *m, uint64_t x)
{
	int j;

	for (j = 0; j < m->nw - 1 && share(m, j + 1) <= x; j++)
		continue;
	return j;
}

/* The first element at or after x that is done or held, or n. */
static uint64_t
busy_from(const struct model *m, uint64_t x)
{
	size_t i;

	if (m->st != NULL) {
		while (x < m->n && m->st[x] == TODO)
			x++;
		return x;
	}
	for (i = 0; i < m->niv; i++)
		if (m->iv[i].hi > x)
			return m->iv[i].lo > x ? m->iv[i].lo : x;
	return m->n;
}

/* The first element to do in x .. end - 1, or end. */
static uint64_t
todo_from(const struct model *m, uint64_t x, uint64_t end)
{
	size_t i;

	if (m->st != NULL) {
		while (x < end && m->st[x] != TODO)
			x++;
		return min64(x, end);
	}
	for (i = 0; i < m->niv && x < end; i++) {
		if (m->iv[i].hi <= x)
			continue;
		if (m->iv[i].lo > x)
			break;
		x = m->iv[i].hi;
	}
	return min64(x, end);
}

/* Huge maps: DONE intervals next to each other become one. */
static void
iv_merge(struct model *m, size_t i)
{
	struct iv *v = m->iv;

	if (v[i].tag != DONE)
		return;
	if (i + 1 < m->niv && v[i + 1].tag == DONE && v[i + 1].lo == v[i].hi) {
		v[i].hi = v[i + 1].hi;
		memmove(&v[i + 1], &v[i + 2], (m->niv - i - 2) * sizeof(*v));
		m->niv--;
	}
	if (i > 0 && v[i - 1].tag == DONE && v[i - 1].hi == v[i].lo) {
		v[i - 1].hi = v[i].hi;
		memmove(&v[i], &v[i + 1], (m->niv - i - 1) * sizeof(*v));
		m->niv--;
	}
}

/* Huge maps: lo .. hi - 1, to do until now, becomes tag. */
static void
iv_insert(struct model *m, uint64_t lo, uint64_t hi, int tag)
{
	size_t i;

	if (m->niv == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		if ((m->iv = realloc(m->iv, m->cap * sizeof(*m->iv))) == NULL) {
			perror("t-sched");
			exit(1);
		}
	}
	for (i = 0; i < m->niv && m->iv[i].lo < lo; i++)
		continue;
	memmove(&m->iv[i + 1], &m->iv[i], (m->niv - i) * sizeof(*m->iv));
	m->iv[i] = (struct iv){ lo, hi, tag };
	m->niv++;
	iv_merge(m, i);
}

/* Huge maps: the interval of block b held by k becomes tag (or goes). */
static void
iv_retag(struct model *m, const struct mr_block *b, int k, int tag)
{
	size_t i;

	for (i = 0; i < m->niv; i++)
		if (m->iv[i].lo == b->first && m->iv[i].tag == k)
			break;
	if (i == m->niv) {
		fail(m, "model: block %" PRIu64 "+%" PRIu64 " not held",
		    b->first, b->count);
		return;
	}
	if (tag == TODO) {
		memmove(&m->iv[i], &m->iv[i + 1], (m->niv - i - 1) *
		    sizeof(*m->iv));
		m->niv--;
	} else {
		m->iv[i].tag = tag;
		iv_merge(m, i);
	}
}

/* Block b, to do until now (checked), becomes tag. */
static void
mark(struct model *m, const struct mr_block *b, int tag)
{
	uint64_t x;

	if (m->st == NULL)
		iv_insert(m, b->first, b->first + b->count, tag);
	else
		for (x = b->first; x < b->first + b->count; x++)
			m->st[x] = (signed char)tag;
}

/* k's block b, held, becomes tag: DONE, or TODO when k is lost. */
static void
release(struct model *m, int k, const struct mr_block *b, int tag)
{
	uint64_t x;

	if (m->st == NULL) {
		iv_retag(m, b, k, tag);
		return;
	}
	for (x = b->first; x < b->first + b->count; x++) {
		if (m->st[x] != k)
			fail(m, "model: element %" PRIu64 " not held by %d",
			    x, k);
		m->st[x] = (signed char)tag;
	}
}

/*
 * What sched_next(k) must hand out, from sched.h's rules: 1 and the block
 * in *b, or 0 for nothing.  *exact is 0 when only b->first and the most
 * b->count can be are known (a timed worker's first blocks).
 */
static int
expect(const struct model *m, int k, struct mr_block *b, int *exact)
{
	uint64_t lo, end, limit, c, z;
	int j;

	*exact = 1;
	if (m->lost[k] || m->nheld[k] == m->ahead)
		return 0;
	if (m->schedule == MR_SCHEDULE_DYNAMIC) {
		if ((lo = todo_from(m, 0, m->cut)) == m->cut)
			return 0;
		end = min64(busy_from(m, lo), m->cut);
		c = m->timed ? m->size[k] : m->chunk;
	} else {
		limit = min64(share(m, k + 1), m->cut);
		if ((lo = todo_from(m, share(m, k), limit)) < limit) {
			end = min64(busy_from(m, lo), limit);
			c = m->timed ? m->size[k] : UINT64_MAX;	/* whole */
		} else {		/* orphans: lost workers' shares */
			for (j = 0; j < m->nw; j++) {
				limit = min64(share(m, j + 1), m->cut);
				if (m->lost[j] && (lo = todo_from(m,
				    share(m, j), limit)) < limit)
					break;
			}
			if (j == m->nw)
				return 0;
			while (j + 1 < m->nw && m->lost[j + 1])
				j++;
			z = share(m, j + 1);
			end = min64(min64(busy_from(m, lo), z), m->cut);
			c = m->timed ? m->size[k] : m->orphan_chunk;
		}
	}
	if (c == 0) {
		*exact = 0;
		c = end - lo;
	}
	b->first = lo;
	b->count = min64(c, end - lo);
	return 1;
}

/* Block b, just handed to k: the rules every block keeps. */
static void
check_block(struct model *m, int k, const struct mr_block *b)
{
	uint64_t lo = b->first, hi = b->first + b->count, x;
	int j;

	if (b->count == 0 || lo >= m->n || b->count > m->n - lo) {
		fail(m, "worker %d: block %" PRIu64 "+%" PRIu64 " empty or "
		    "out of the map of %" PRIu64, k, lo, b->count, m->n);
		return;
	}
	if (hi > m->cut)
		fail(m, "worker %d: block %" PRIu64 "+%" PRIu64 " past the "
		    "cut at %" PRIu64, k, lo, b->count, m->cut);
	if ((x = busy_from(m, lo)) < hi)
		fail(m, "worker %d: block %" PRIu64 "+%" PRIu64 " has "
		    "element %" PRIu64 ", %s", k, lo, b->count, x,
		    m->st != NULL && m->st[x] >= 0 ? "held by another block" :
		    "done or held");
	if (m->lost[k])
		fail(m, "lost worker %d got a block", k);
	if (m->schedule != MR_SCHEDULE_STATIC)
		return;
	for (j = owner(m, lo); j <= owner(m, hi - 1); j++)
		if (j != k && !m->lost[j])
			fail(m, "static worker %d: block %" PRIu64 "+%" PRIu64
			    " has elements of live worker %d's share %"
			    PRIu64 "..%" PRIu64, k, lo, b->count, j,
			    share(m, j), share(m, j + 1));
}

/* sched_next() for worker k, checked. */
static int
next(struct model *m, int k)
{
	struct mr_block b, want = { 0, 0 };
	int rc, more, exact;

	more = expect(m, k, &want, &exact);
	rc = sched_next(m->s, k, &b);
	if (rc == 1)
		check_block(m, k, &b);
	if (rc != more) {
		if (more)
			fail(m, "worker %d got nothing (%d), block %" PRIu64
			    "+%" PRIu64 " expected (cut at %" PRIu64 ")", k,
			    rc, want.first, want.count, m->cut);
		else
			fail(m, "worker %d got %d, %" PRIu64 "+%" PRIu64
			    ", nothing expected (holds %d, %s)", k, rc,
			    b.first, b.count, m->nheld[k],
			    m->lost[k] ? "lost" : "live");
	}
	if (rc != 1)
		return 0;
	if (more && (b.first != want.first || (exact ? b.count !=
	    want.count : b.count > want.count)))
		fail(m, "worker %d got %" PRIu64 "+%" PRIu64 ", %s%" PRIu64
		    "+%" PRIu64 " expected", k, b.first, b.count,
		    exact ? "" : "at most ", want.first, want.count);
	if (m->why[0] != '\0')
		return 0;
	mark(m, &b, k);
	m->held[k][m->nheld[k]++] = b;
	m->blocks++;
	if (m->schedule == MR_SCHEDULE_STATIC && owner(m, b.first) != k)
		did.orphans++;
	return 1;
}

/* sched_finished() for k's oldest block, in ns, checked. */
static int
finish(struct model *m, int k, uint64_t ns)
{
	struct mr_block b;
	u128 grown;

	if (m->nheld[k] == 0)
		return 0;
	b = m->held[k][0];
	if (sched_finished(m->s, k, b.first, b.count, ns) != 0) {
		fail(m, "worker %d: its oldest block %" PRIu64 "+%" PRIu64
		    " refused", k, b.first, b.count);
		return 0;
	}
	release(m, k, &b, DONE);
	m->nheld[k]--;
	memmove(&m->held[k][0], &m->held[k][1], (size_t)m->nheld[k] *
	    sizeof(b));
	m->done += b.count;
	if (m->timed) {
		grown = ns > 0 ? (u128)b.count * TARGET_NS / ns : UINT64_MAX;
		if (grown > (u128)b.count * GROWTH)
			grown = (u128)b.count * GROWTH;
		if (grown > UINT64_MAX)
			grown = UINT64_MAX;
		m->size[k] = grown > 0 ? (uint64_t)grown : 1;
	}
	return 1;
}

/* A result that is not worker k's oldest block: refused, nothing changes. */
static void
finish_wrong(struct model *m, int k)
{
	uint64_t first, count;
	int i;

	if (m->nheld[k] == 0) {
		first = rng() % (m->n + (m->n < UINT64_MAX));
		count = 1 + rng() % 8;
	} else if (m->nheld[k] >= 2 && rng() % 2 == 0) {
		i = 1 + (int)(rng() % (uint64_t)(m->nheld[k] - 1));
		first = m->held[k][i].first;
		count = m->held[k][i].count;
	} else {
		first = m->held[k][0].first;
		count = m->held[k][0].count;
		switch (rng() % 3) {
		case 0:
			first++;
			break;
		case 1:
			count++;
			break;
		default:
			count--;
			break;
		}
	}
	did.refused++;
	if (sched_finished(m->s, k, first, count, rng() % TARGET_NS) != -1)
		fail(m, "worker %d: result for %" PRIu64 "+%" PRIu64 " taken, "
		    "not its oldest (holds %d)", k, first, count, m->nheld[k]);
}

static void
lose(struct model *m, int k)
{
	int i;

	if (sched_lost(m->s, k) != 0)
		fail(m, "sched_lost(%d) failed", k);
	for (i = 0; i < m->nheld[k]; i++)
		release(m, k, &m->held[k][i], TODO);
	m->nheld[k] = 0;
	m->lost[k] = 1;
	m->nlive--;
	did.lost++;
}

static void
cut(struct model *m, uint64_t index)
{
	sched_cut(m->s, index);
	did.cuts++;
	if (index < m->cut)
		m->cut = index;
}

/* Nothing below the cut is to do, and no block out starts below it. */
static int
idle(const struct model *m)
{
	int k, i;

	if (todo_from(m, 0, m->cut) < m->cut)
		return 0;
	for (k = 0; k < m->nw; k++)
		for (i = 0; i < m->nheld[k]; i++)
			if (m->held[k][i].first < m->cut)
				return 0;
	return 1;
}

/* After every call: the counts sched.c reports match the model's. */
static void
check_state(struct model *m)
{
	int k;

	for (k = 0; k < m->nw; k++)
		if (sched_held(m->s, k) != m->nheld[k])
			fail(m, "worker %d holds %d blocks, %d expected", k,
			    sched_held(m->s, k), m->nheld[k]);
	if (sched_done_elements(m->s) != m->done)
		fail(m, "%" PRIu64 " elements done, %" PRIu64 " expected",
		    sched_done_elements(m->s), m->done);
	if (sched_idle(m->s) != idle(m))
		fail(m, "sched_idle() is %d, %d expected", sched_idle(m->s),
		    idle(m));
}

static int
model_init(struct model *m, uint64_t n, int nw, int schedule,
    uint64_t chunk, int timed)
{
	memset(m, 0, sizeof(*m));
	m->n = n;
	m->nw = nw;
	m->nlive = nw;
	m->schedule = schedule;
	m->timed = timed;
	m->ahead = timed ? AHEAD_TIMED : MR_AHEAD;
	m->cut = n;
	m->orphan_chunk = n / ((uint64_t)nw * 16) + 1;
	m->chunk = timed ? 0 : chunk != 0 ? chunk : m->orphan_chunk;
	if (n <= SMALL) {
		if ((m->st = malloc(n + 1)) == NULL)
			return -1;
		memset(m->st, TODO, n + 1);
	}
	if ((m->s = sched_new(n, nw, schedule, chunk, timed)) == NULL) {
		fail(m, "sched_new failed");
		return -1;
	}
	return 0;
}

static void
model_free(struct model *m)
{
	sched_free(m->s);
	free(m->st);
	free(m->iv);
}

/* A ns for a finished block: mostly near the target, sometimes 0. */
static uint64_t
random_ns(int huge)
{
	if (huge)
		return rng() % 2;	/* fast: blocks grow to cover 2^64 */
	switch (rng() % 4) {
	case 0:
		return rng() % 4;
	case 1:
		return rng() % (4 * (uint64_t)TARGET_NS);
	default:
		return TARGET_NS / 8 + rng() % (2 * (uint64_t)TARGET_NS);
	}
}

/* sched_done() calls that must be refused, and change nothing. */
static void
bad_done(struct model *m)
{
	uint64_t x = m->n < UINT64_MAX ? rng() % (m->n + 1) : rng();

	if (sched_done(m->s, x, 0) != -1)
		fail(m, "sched_done(%" PRIu64 ", 0) taken", x);
	if (m->n < UINT64_MAX && sched_done(m->s, m->n, 1) != -1)
		fail(m, "sched_done(n, 1) taken");
	if (m->n - x + 1 != 0 && sched_done(m->s, x, m->n - x + 1) != -1)
		fail(m, "sched_done(%" PRIu64 ", %" PRIu64 ") taken past n",
		    x, m->n - x + 1);
	if (sched_done(m->s, UINT64_MAX, UINT64_MAX) != -1)
		fail(m, "sched_done(2^64 - 1, 2^64 - 1) taken");
	if (sched_done_elements(m->s) != m->done)
		fail(m, "refused sched_done() counted");
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A checkpoint: [0, n) cut at random points into pieces, about half of
 * them done, given in random order.  Returns 1 when it (by design)
 * overlaps, so that sched_start() must refuse it.
 */
static int
checkpoint(struct model *m)
{
	uint64_t at[NPIECES + 1];
	struct mr_block done[NPIECES + 1], t;
	int np = (int)(rng() % NPIECES), nd = 0, i, j, overlap = 0;

	for (i = 0; i < np; i++)
		at[i] = m->n < UINT64_MAX ? rng() % (m->n + 1) : rng();
	at[np++] = m->n;
	qsort(at, (size_t)np, sizeof(*at), cmp_u64);
	for (i = 0; i < np; i++) {
		t.first = i > 0 ? at[i - 1] : 0;
		t.count = at[i] - t.first;
		if (t.count > 0 && rng() % 2 == 0)
			done[nd++] = t;
	}
	if (nd > 0 && rng() % 8 == 0) {		/* overlaps done[j] */
		j = (int)(rng() % (uint64_t)nd);
		t.first = done[j].first + rng() % done[j].count;
		t.count = 1 + rng() % (m->n - t.first);
		done[nd++] = t;
		overlap = 1;
	}
	for (i = nd - 1; i > 0; i--) {
		j = (int)(rng() % (uint64_t)(i + 1));
		t = done[i];
		done[i] = done[j];
		done[j] = t;
	}
	for (i = 0; i < nd; i++) {
		if (rng() % 4 == 0)
			bad_done(m);
		if (sched_done(m->s, done[i].first, done[i].count) != 0)
			fail(m, "sched_done(%" PRIu64 ", %" PRIu64 ") refused",
			    done[i].first, done[i].count);
		m->done += done[i].count;
		if (!overlap)
			mark(m, &done[i], DONE);
	}
	return overlap;
}

/* Every element below the cut done, and all of them without a cut. */
static void
check_end(struct model *m)
{
	uint64_t x;
	size_t i;

	if (m->st != NULL) {
		for (x = 0; x < m->cut; x++)
			if (m->st[x] != DONE) {
				fail(m, "idle, but element %" PRIu64 " not "
				    "done", x);
				break;
			}
	} else {
		for (x = 0, i = 0; i < m->niv && m->iv[i].lo == x &&
		    m->iv[i].tag == DONE; i++)
			x = m->iv[i].hi;
		if (x < m->cut)
			fail(m, "idle, but element %" PRIu64 " not done", x);
	}
	if (m->cut == m->n)
		did.full++;
	if (m->cut == m->n && sched_done_elements(m->s) != m->n)
		fail(m, "idle, %" PRIu64 " elements done of %" PRIu64,
		    sched_done_elements(m->s), m->n);
}

/* Every live worker takes blocks and finishes them until sched_idle(). */
static void
drive(struct model *m, int huge)
{
	long round, rounds = huge ? 20000 : 4 * SMALL + 100;
	int k, progress;

	for (round = 0; round < rounds && m->why[0] == '\0'; round++) {
		if (sched_idle(m->s))
			break;
		progress = 0;
		for (k = 0; k < m->nw; k++) {
			m->step++;
			while (!m->lost[k] && next(m, k))
				progress = 1;
			check_state(m);
		}
		for (k = 0; k < m->nw; k++) {
			m->step++;
			if (!m->lost[k] && finish(m, k, random_ns(huge)))
				progress = 1;
			check_state(m);
		}
		if (!progress)
			fail(m, "stuck: not idle, yet nothing is handed out "
			    "and no block is out (cut at %" PRIu64 ")", m->cut);
	}
	if (round == rounds)
		fail(m, "not idle after %ld rounds", rounds);
	check_state(m);
	check_end(m);
}

/*
 * One random run from seed; 0, or -1 with the failure in why.  *refused
 * counts the overlapping checkpoints sched_start() refused.
 */
static int
run(uint64_t seed, int huge, int *kind, int *refused, char *why,
    size_t whylen)
{
	struct model m;
	uint64_t n, chunk;
	int nw, schedule, timed, overlap, k, steps, i, rc, pcut, plose;

	rng_state = seed * 0x9e3779b97f4a7c15u + 1;
	for (i = 0; i < 4; i++)
		(void)rng();
	if (huge)
		n = rng() % 2 ? UINT64_MAX - rng() % 4 : rng() | 1ULL << 63;
	else
		n = rng() % 4 == 0 ? rng() % 20 : rng() % (SMALL + 1);
	nw = 1 + (int)(rng() % MAXW);
	schedule = rng() % 2 ? MR_SCHEDULE_STATIC : MR_SCHEDULE_DYNAMIC;
	timed = rng() % 3 == 0;
	chunk = 0;
	if (!timed && rng() % 3 != 0)
		chunk = huge ? n / (1 + rng() % 64) : 1 + rng() % (n / 4 + 2);
	*kind = schedule * 2 + timed;
	pcut = rng() % 3 == 0 ? 100 : 0;	/* per 10000 steps */
	plose = (int)(rng() % 300);
	snprintf(running, sizeof(running), "t-sched %" PRIu64 "%s", seed,
	    huge ? " huge" : "");
	if (model_init(&m, n, nw, schedule, chunk, timed) == -1)
		goto out;
	overlap = 0;
	if (rng() % 2) {
		overlap = checkpoint(&m);
		did.checkpoints++;
	}
	if (rng() % 4 == 0)
		bad_done(&m);
	rc = sched_start(m.s);
	if (rc != -overlap) {
		fail(&m, "sched_start() is %d for a checkpoint that %s", rc,
		    overlap ? "overlaps" : "does not overlap");
		goto out;
	}
	if (overlap) {
		(*refused)++;
		goto out;
	}
	check_state(&m);
	steps = (int)(rng() % 400);
	for (m.step = 1; m.step <= steps && m.why[0] == '\0'; m.step++) {
		k = (int)(rng() % (uint64_t)nw);
		i = (int)(rng() % 10000);
		if (i < plose) {
			if (!m.lost[k] && m.nlive > 1)
				lose(&m, k);
		} else if ((i -= plose) < pcut)
			cut(&m, huge ? rng() : rng() % (n + 1));
		else if (i < pcut + 1000)
			finish_wrong(&m, k);
		else if (rng() % 2)
			next(&m, k);
		else if (!m.lost[k])
			finish(&m, k, random_ns(huge));
		check_state(&m);
	}
	if (m.why[0] == '\0')
		drive(&m, huge);
out:
	if (m.why[0] != '\0')
		snprintf(why, whylen, "seed %" PRIu64 "%s, n %" PRIu64 ", W %d"
		    ", %s%s, chunk %" PRIu64 ": %s", seed, huge ? " huge" : "",
		    n, nw, schedule == MR_SCHEDULE_STATIC ? "static" :
		    "dynamic", timed ? " timed" : "", chunk, m.why);
	model_free(&m);
	return m.why[0] != '\0' ? -1 : 0;
}

static void
random_runs(int huge, int nruns, uint64_t seed0)
{
	static const char *const kinds[] = { "static", "static timed",
	    "dynamic", "dynamic timed" };
	char why[4][600], one[600];
	int runs[4] = { 0 }, failed[4] = { 0 }, refused = 0, i, kind;

	for (i = 0; i < nruns; i++) {
		kind = 0;
		if (run(seed0 + (uint64_t)i, huge, &kind, &refused, one,
		    sizeof(one)) == -1 && failed[kind]++ == 0)
			memcpy(why[kind], one, sizeof(one));
		runs[kind]++;
	}
	for (kind = 0; kind < 4; kind++)
		ok(failed[kind] == 0, "%s maps, %s: %d random runs%s%s",
		    huge ? "huge" : "small", kinds[kind], runs[kind],
		    failed[kind] ? "; first failure: " : "",
		    failed[kind] ? why[kind] : "");
	ok(refused > 0, "%s maps: %d overlapping checkpoints refused",
	    huge ? "huge" : "small", refused);
	ok(did.checkpoints > 0 && did.lost > 0 && did.cuts > 0 &&
	    did.refused > 0 && did.orphans > 0 && did.full > 0, "%s maps: "
	    "%lu checkpoints, %lu workers lost, %lu cuts, %lu wrong results "
	    "refused, %lu orphan blocks, %lu runs done without a cut",
	    huge ? "huge" : "small", did.checkpoints, did.lost, did.cuts,
	    did.refused, did.orphans, did.full);
	memset(&did, 0, sizeof(did));
}

/* Directed: no elements. */
static void
empty(void)
{
	struct model m;
	struct mr_block b;
	int sch, timed, bad = 0;

	for (sch = 0; sch < 2; sch++)
		for (timed = 0; timed < 2; timed++) {
			model_init(&m, 0, 3, sch, 0, timed);
			bad |= sched_done(m.s, 0, 1) != -1;
			bad |= sched_start(m.s) != 0;
			bad |= !sched_idle(m.s);
			bad |= sched_next(m.s, 1, &b) != 0;
			bad |= sched_done_elements(m.s) != 0;
			bad |= sched_finished(m.s, 0, 0, 1, 1) != -1;
			bad |= m.why[0] != '\0';
			model_free(&m);
		}
	ok(!bad, "an empty map is idle from the start, hands nothing out");
}

/* Directed: one worker; static: all in one block. */
static void
one_worker(void)
{
	struct model m;
	uint64_t want;

	model_init(&m, 1000, 1, MR_SCHEDULE_STATIC, 0, 0);
	sched_start(m.s);
	next(&m, 0);
	ok(m.nheld[0] == 1 && m.held[0][0].first == 0 &&
	    m.held[0][0].count == 1000 && m.why[0] == '\0',
	    "static, W=1: the whole map in one block%s", note(&m));
	drive(&m, 0);
	ok(m.why[0] == '\0' && m.blocks == 1, "static, W=1: done in %" PRIu64
	    " block%s", m.blocks, note(&m));
	model_free(&m);
	model_init(&m, 1000, 1, MR_SCHEDULE_DYNAMIC, 0, 0);
	sched_start(m.s);
	drive(&m, 0);
	want = (1000 + 62) / 63;		/* chunks of n/16+1 = 63 */
	ok(m.why[0] == '\0' && m.blocks == want, "dynamic, W=1: %" PRIu64
	    " blocks of n/16+1, %" PRIu64 " expected%s", m.blocks, want,
	    note(&m));
	model_free(&m);
}

/* Directed: static, five workers, four lost with their shares out. */
static void
all_lost_but_one(void)
{
	struct model m;
	uint64_t at, bad = 0;
	int k;

	model_init(&m, 1000, 5, MR_SCHEDULE_STATIC, 0, 0);
	sched_start(m.s);
	for (k = 0; k < 5; k++) {
		next(&m, k);
		bad += m.held[k][0].first != (uint64_t)k * 200 ||
		    m.held[k][0].count != 200;
	}
	ok(!bad && m.why[0] == '\0', "static, W=5: worker k holds "
	    "[200k, 200k + 200)%s", note(&m));
	for (k = 0; k < 4; k++)
		lose(&m, k);
	check_state(&m);
	finish(&m, 4, 1);
	for (at = 0; at < 800 && m.why[0] == '\0'; at += 13) {
		next(&m, 4);
		bad += m.held[4][0].first != at ||
		    m.held[4][0].count != min64(13, 800 - at);
		finish(&m, 4, 1);
		check_state(&m);
	}
	ok(!bad && m.why[0] == '\0' && sched_idle(m.s) &&
	    sched_done_elements(m.s) == 1000, "static: the last worker "
	    "computes the four lost shares, lowest first, in chunks of "
	    "n/16W+1 = 13%s", note(&m));
	model_free(&m);
}

/* Directed: static, fewer elements than workers: empty shares. */
static void
empty_shares(void)
{
	static const int order[] = { 5, 3, 0, 1, 2, 4, 6 };
	struct model m;
	int k;

	snprintf(running, sizeof(running), "empty_shares()");
	model_init(&m, 3, 7, MR_SCHEDULE_STATIC, 0, 0);
	sched_start(m.s);
	for (k = 0; k < 7; k++)		/* 5 and 3: shares [2, 2), [1, 1) */
		next(&m, order[k]);	/* checked: never an empty block */
	check_state(&m);
	ok(m.why[0] == '\0' && m.blocks == 3, "static, 3 elements over 7 "
	    "workers: %" PRIu64 " blocks, one each for 3 of them%s", m.blocks,
	    note(&m));
	model_free(&m);
	model_init(&m, 3, 7, MR_SCHEDULE_STATIC, 0, 0);
	sched_start(m.s);
	lose(&m, 5);			/* share [2, 2), nothing */
	lose(&m, 3);			/* share [1, 1) */
	drive(&m, 0);
	ok(m.why[0] == '\0', "static, 3 elements over 7 workers: workers "
	    "with empty shares lost, the rest done%s", note(&m));
	model_free(&m);
}

/*
 * Directed: static, timed, 2 workers; worker 0 lost early, an element
 * of its share fails: worker 1, whose own share is still out past the
 * cut, must compute worker 0's elements below it, or the run never ends.
 */
static void
cut_in_lost_share(void)
{
	struct model m;

	snprintf(running, sizeof(running), "cut_in_lost_share()");
	model_init(&m, 2000, 2, MR_SCHEDULE_STATIC, 0, 1);
	sched_start(m.s);
	next(&m, 0);
	next(&m, 1);
	lose(&m, 0);
	cut(&m, 500);
	finish(&m, 1, TARGET_NS);
	next(&m, 1);
	ok(m.why[0] == '\0' && m.held[1][0].first == 0, "static, timed: worker "
	    "0 lost, cut at 500: worker 1 computes elements 0..499%s",
	    note(&m));
	drive(&m, 0);
	ok(m.why[0] == '\0', "static, timed: ... until the ledger is idle%s",
	    note(&m));
	model_free(&m);
}

/* Directed: timed blocks grow GROWTH times at most, and shrink toward the aim. */
static void
timed_growth(void)
{
	struct model m;
	uint64_t first, last, c;
	int i, bad = 0;

	model_init(&m, 1ULL << 62, 1, MR_SCHEDULE_DYNAMIC, 0, 1);
	sched_start(m.s);
	next(&m, 0);
	first = last = m.held[0][0].count;
	for (i = 0; i < 12 && m.why[0] == '\0'; i++) {	/* 1 ns: grow */
		finish(&m, 0, 1);
		next(&m, 0);
		bad |= m.held[0][0].count != last * GROWTH;
		last = m.held[0][0].count;
	}
	ok(!bad && m.why[0] == '\0', "timed: blocks done at once grow %dx, "
	    "from %" PRIu64 " to %" PRIu64 ", and no more%s", GROWTH, first, last,
	    note(&m));
	finish(&m, 0, 8 * (uint64_t)TARGET_NS);		/* 8 s: shrink 8x */
	next(&m, 0);
	c = m.held[0][0].count;
	finish(&m, 0, TARGET_NS);			/* on target: same */
	next(&m, 0);
	ok(c == last / 8 && m.held[0][0].count == c && m.why[0] == '\0',
	    "timed: a block of 8 s makes the next 8x smaller, one of 1 s "
	    "keeps its size%s", note(&m));
	for (i = 0; i < 4; i++) {		/* 584 years: down to 1 */
		finish(&m, 0, UINT64_MAX);
		next(&m, 0);
	}
	c = m.held[0][0].count;
	finish(&m, 0, TARGET_NS / (GROWTH + 1));	/* more: only GROWTH */
	next(&m, 0);
	ok(c == 1 && m.held[0][0].count == GROWTH && m.why[0] == '\0',
	    "timed: a block of 1 element in 1/%d s is followed by %" PRIu64
	    " (%d expected)%s", GROWTH + 1, m.held[0][0].count, GROWTH,
	    note(&m));
	model_free(&m);
}

/* Directed: chunk 1, 1000 elements, 3 workers: 1000 blocks, in order. */
static void
chunk_one(void)
{
	struct model m;
	uint64_t at = 0, bad = 0;
	int k;

	model_init(&m, 1000, 3, MR_SCHEDULE_DYNAMIC, 1, 0);
	sched_start(m.s);
	while (!sched_idle(m.s) && m.why[0] == '\0') {
		for (k = 0; k < 3; k++)
			if (next(&m, k))
				bad += m.held[k][m.nheld[k] - 1].first != at++;
		for (k = 0; k < 3; k++)
			finish(&m, k, 1);
		check_state(&m);
	}
	ok(!bad && m.blocks == 1000 && m.why[0] == '\0' &&
	    sched_done_elements(m.s) == 1000, "dynamic, chunk 1: %" PRIu64
	    " blocks of one element, lowest first%s", m.blocks, note(&m));
	model_free(&m);
}

int
main(int argc, char *argv[])
{
	char why[600];
	int kind, refused = 0;

	if (argc > 1) {
		if (run(strtoull(argv[1], NULL, 10), argc > 2, &kind,
		    &refused, why, sizeof(why)) == -1) {
			printf("%s\n", why);
			return 1;
		}
		printf("ok\n");
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, hung);
	alarm(TIME_LIMIT);
	empty();
	one_worker();
	all_lost_but_one();
	empty_shares();
	cut_in_lost_share();
	timed_growth();
	chunk_one();
	random_runs(0, NSMALL, 1);
	random_runs(1, NHUGE, 1000001);
	return tap_done();
}
