/* decimal.c - an mpz in decimal, on every core */

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"

#define LEAF_DIGITS	4096	/* pieces that mpz_get_str() converts */
#define LEVELS_MAX	48
#define INVERSE_USES	4	/* pieces that share an inverse, at least */

/*
 * GMP's mpz_get_str() divides by powers of ten down a tree, and divides
 * afresh at every piece.  Here level j of the tree splits a piece of at
 * most 2 h digits, h = leaf 2^j, into its high digits and its low h
 * digits: x = q 10^h + r.  As 10^h = 5^h 2^h, q is x >> h divided by 5^h,
 * a third smaller than 10^h, and the division is Barrett's: a
 * multiplication by an inverse of 5^h that every piece of the level
 * shares, and at most two corrections (GMP's own division where fewer
 * than INVERSE_USES pieces would share it).  The top split, of the whole
 * number in two halves, is a plain division, done while the other thread
 * computes the levels; each half then has a thread of its own.
 */
struct level {
	size_t digits;		/* h */
	size_t qbits;		/* 10^h < 2^qbits, so q < 2^qbits */
	mpz_t five;		/* 5^h */
	mpz_t inverse;		/* floor(2^(bits(5^h) + qbits) / 5^h), or 0 */
};

struct tree {
	size_t leaf;		/* h of level 0 */
	size_t width;		/* the widest piece it splits */
	int n;			/* levels */
	struct level lv[LEVELS_MAX];
};

/* A piece to convert: the value, its width in digits and its place. */
struct piece {
	mpz_srcptr x;
	size_t width;
	char *out;
	const struct tree *t;
};

static void	*tree_build(void *arg);
static void	tree_free(struct tree *t);
static void	split(mpz_t q, mpz_t r, const mpz_t x, const struct level *lv);
static void	barrett(mpz_t q, mpz_t y, const struct level *lv);
static void	convert(const mpz_t x, size_t width, char *out,
		    const struct tree *t);
static void	*convert_piece(void *arg);
static int	start(pthread_t *th, void *(*fn)(void *), void *arg);

char *
decimal_str(const mpz_t v)
{
	if (mpz_sizeinbase(v, 10) < DECIMAL_SPLIT_MIN)
		return mpz_get_str(NULL, 10, v);
	return decimal_str_tree(v, LEAF_DIGITS);
}

char *
decimal_str_tree(const mpz_t v, size_t leaf)
{
	struct tree t;
	struct piece lo_piece;
	pthread_t th;
	mpz_t x, hi, lo, five;
	size_t d, h;
	char *buf, *out;
	int threaded;

	if (leaf == 0)
		leaf = 1;
	if ((d = mpz_sizeinbase(v, 10)) <= leaf)
		return mpz_get_str(NULL, 10, v);
	if ((buf = malloc(d + 2)) == NULL)
		return NULL;
	out = buf + (mpz_sgn(v) < 0);
	mpz_inits(x, hi, lo, five, NULL);
	mpz_abs(x, v);
	h = d / 2;
	t.leaf = leaf;
	t.width = d - h;
	threaded = start(&th, tree_build, &t);
	mpz_ui_pow_ui(five, 5, h);
	mpz_tdiv_q_2exp(hi, x, h);
	mpz_tdiv_qr(hi, lo, hi, five);
	mpz_mul_2exp(lo, lo, h);
	mpz_tdiv_r_2exp(x, x, h);
	mpz_add(lo, lo, x);
	if (threaded)
		pthread_join(th, NULL);

	lo_piece = (struct piece){ lo, h, out + d - h, &t };
	threaded = start(&th, convert_piece, &lo_piece);
	convert(hi, d - h, out, &t);
	if (threaded)
		pthread_join(th, NULL);
	out[d] = '\0';
	if (out[0] == '0')	/* mpz_sizeinbase() may say one digit more */
		memmove(out, out + 1, d);
	if (out != buf)
		buf[0] = '-';
	tree_free(&t);
	mpz_clears(x, hi, lo, five, NULL);
	return buf;
}

/* The levels for pieces of up to t->width digits. */
static void *
tree_build(void *arg)
{
	struct tree *t = arg;
	struct level *lv;
	mpz_t power;
	int j;

	mpz_init(power);
	for (j = 0; j < LEVELS_MAX && t->leaf << j < t->width; j++) {
		lv = &t->lv[j];
		lv->digits = t->leaf << j;
		mpz_init(lv->five);
		if (j == 0)
			mpz_ui_pow_ui(lv->five, 5, lv->digits);
		else
			mpz_mul(lv->five, t->lv[j - 1].five,
			    t->lv[j - 1].five);
		lv->qbits = mpz_sizeinbase(lv->five, 2) + lv->digits;
		mpz_init(lv->inverse);
		if (lv->digits > t->width / INVERSE_USES)
			continue;
		mpz_set_ui(power, 0);
		mpz_setbit(power, mpz_sizeinbase(lv->five, 2) + lv->qbits);
		mpz_tdiv_q(lv->inverse, power, lv->five);
	}
	t->n = j;
	mpz_clear(power);
	return NULL;
}

static void
tree_free(struct tree *t)
{
	int j;

	for (j = 0; j < t->n; j++)
		mpz_clears(t->lv[j].five, t->lv[j].inverse, NULL);
}

/* x = q 10^h + r, 0 <= r < 10^h, for 0 <= x < 10^(2h). */
static void
split(mpz_t q, mpz_t r, const mpz_t x, const struct level *lv)
{
	mpz_t y;

	mpz_init(y);
	mpz_tdiv_q_2exp(y, x, lv->digits);
	if (mpz_sgn(lv->inverse) == 0)		/* a level of few pieces */
		mpz_tdiv_qr(q, y, y, lv->five);
	else
		barrett(q, y, lv);
	mpz_mul_2exp(y, y, lv->digits);
	mpz_tdiv_r_2exp(r, x, lv->digits);
	mpz_add(r, r, y);
	mpz_clear(y);
}

/*
 * q = y / 5^h, y = its remainder, for 0 <= y < 5^h 2^qbits.  With P = 5^h
 * of p bits and y1 = y >> (p - 1) < 2^(qbits + 1), the estimate
 * y1 inverse >> (qbits + 1) is at most q and more than q - 3.
 */
static void
barrett(mpz_t q, mpz_t y, const struct level *lv)
{
	mpz_tdiv_q_2exp(q, y, mpz_sizeinbase(lv->five, 2) - 1);
	mpz_mul(q, q, lv->inverse);
	mpz_tdiv_q_2exp(q, q, lv->qbits + 1);
	mpz_submul(y, q, lv->five);
	while (mpz_cmp(y, lv->five) >= 0) {
		mpz_sub(y, y, lv->five);
		mpz_add_ui(q, q, 1);
	}
}

/* 0 <= x < 10^width into out[0..width), with leading zeros. */
static void
convert(const mpz_t x, size_t width, char *out, const struct tree *t)
{
	mpz_t hi, lo;
	size_t n;
	char *s;
	int j;

	for (j = t->n - 1; j >= 0 && t->lv[j].digits >= width; j--)
		;
	if (j < 0) {
		if ((s = mpz_get_str(NULL, 10, x)) == NULL)
			abort();	/* GMP aborts itself when out of memory */
		n = strlen(s);
		memset(out, '0', width - n);
		memcpy(out + width - n, s, n);
		free(s);
		return;
	}
	mpz_inits(hi, lo, NULL);
	split(hi, lo, x, &t->lv[j]);
	convert(hi, width - t->lv[j].digits, out, t);
	mpz_clear(hi);
	convert(lo, t->lv[j].digits, out + width - t->lv[j].digits, t);
	mpz_clear(lo);
}

static void *
convert_piece(void *arg)
{
	const struct piece *pc = arg;

	convert(pc->x, pc->width, pc->out, pc->t);
	return NULL;
}

/*
 * fn(arg) on a new thread that blocks every signal, so that SIGALRM,
 * SIGINT and SIGTERM reach the calling thread, the one that may call MPI;
 * 1, or 0 after running it here when no thread can be had.
 */
static int
start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return 1;
	fn(arg);
	return 0;
}
