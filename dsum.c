/* dsum.c - exact sums of doubles, IEEE minimum and maximum, Python's repr */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#ifdef __x86_64__
#include <immintrin.h>
#endif

#include "arith.h"
#include "common.h"
#include "cpu.h"
#include "dsum.h"

/* The error-free transformations below need IEEE rounding of every step. */
#ifdef __FAST_MATH__
#error "dsum.c must not be built with -ffast-math"
#endif

#define MANT_BITS	52			/* stored significand bits */
#define MANT_MASK	(((uint64_t)1 << MANT_BITS) - 1)
#define HIDDEN_BIT	((uint64_t)1 << MANT_BITS)
#define EXP_MASK	0x7ffu			/* biased exponent field */
#define EXP_BIAS	1023
#define ABS_MASK	(~((uint64_t)1 << 63))	/* all but the sign */
#define INF_BITS	((uint64_t)EXP_MASK << MANT_BITS)
#define SPECIALS	(MR_RESULT_NAN | MR_RESULT_POS_INF | MR_RESULT_NEG_INF)

#define DIGIT_BITS	32
#define DIGIT_MASK	((uint64_t)UINT32_MAX)
#define TOP		(DSUM_DIGITS - 1)	/* the signed digit */
#define TOP_BITS	(DIGIT_BITS * TOP)	/* its weight is 2^TOP_BITS */
/*
 * Digit additions between two normalizations: each moves a digit by less
 * than 2^32, so a normalized digit stays below 2^63 in magnitude.
 */
#define ADDS_MAX	((uint64_t)1 << 30)
/*
 * A decoded sum is refused from 2^WIRE_BITS on: 2^62 values of the largest
 * magnitude (2^2098 units) add up to that, more than any run can add.
 */
#define WIRE_BITS	(TOP_BITS + 48)
#define WIRE_WORDS	((WIRE_BITS + DIGIT_BITS - 1) / DIGIT_BITS)

/*
 * The fast path sums runs of RUN values; the proofs in run_add() assume
 * RUN <= 2^12.  pass3() marks the blocks of BLOCK values where some value
 * is too small for it, one bit of a uint64_t per block.
 */
#define RUN		4096
#define BLOCK		(RUN / 64)
/* Independent accumulators of the plain C passes. */
#define LANES		4
/* How many times a run's remainders may be split again. */
#define DEPTH_MAX	3
/* Largest e of a run on the fast path, |v| < 2^e, so that sigma1 is finite. */
#define FAST_E_MAX	1012
/* More than the 767 significant digits of the exact value of any double. */
#define EXACT_DIGITS	768
/* The high 32 bits of a double's bits that hold biased exponent e. */
#define HIGH_EXP(e)	((uint32_t)(e) << 20)

/* What a pass over a run finds. */
struct pass {
	double	s1, s2;		/* the sums of q1 and of r1 or q2 */
	uint32_t top;		/* the largest high word of |v|'s bits */
	uint32_t low;		/* the smallest high word of |v|'s bits - 1 */
	uint64_t blocks;	/* pass3(): bit k, some r2 != 0 in block k */
};

static size_t	run_add(struct dsum *s, const double *v, size_t n,
		    int depth);
static size_t	run_small(struct dsum *s, const double *v, size_t n,
		    int e, int depth);
static size_t	run_slow(struct dsum *s, const double *v, size_t n);
static int	window_holds(const struct pass *p, int e);
static double	sigma(int k);
static void	pass2(const double *v, size_t n, double sigma1,
		    struct pass *p);
static void	pass3(const double *v, size_t n, double sigma1,
		    double sigma2, struct pass *p, double *rest);
static void	pass2_tail(const double *v, size_t i, size_t n,
		    double sigma1, struct pass *p);
static void	pass3_tail(const double *v, size_t i, size_t n,
		    double sigma1, double sigma2, struct pass *p, double *rest);
static uint64_t	split3(double x, double sigma1, double sigma2, double *s1,
		    double *s2, double *r2);
static void	note_range(double x, uint32_t *top, uint32_t *low);
#ifdef __x86_64__
static size_t	pass2_avx2(const double *v, size_t n, double sigma1,
		    struct pass *p);
static size_t	pass3_avx2(const double *v, size_t n, double sigma1,
		    double sigma2, struct pass *p, double *rest);
static size_t	extreme_avx2(const double *v, size_t n, int max,
		    double *r, int *nan);
static double	sum_lanes(__m256d a, __m256d b);
static uint32_t	high_words(__m256i x, int max);
#endif
static void	extreme(double *m, const double *v, size_t n, int max);
static size_t	add_term(struct dsum *s, double x);
static inline void	digits_add(int64_t *digit, uint64_t bits);
static void	digits_normalize(int64_t *digit);
static void	digits_get(const int64_t *digit, mpz_t n);
static int	digits_add_mpz(int64_t *digit, const mpz_t n);
static uint64_t	bits_of(double x);
static double	round_fixed(mpz_t n);
static int	shortest_digits(double x, char *digits, int *exp10);
static int	digits_round_trip(const char *digits, int exp10, double x);
static int	digits_increment(char *digits);

void
dsum_init(struct dsum *s)
{
	memset(s->digit, 0, sizeof(s->digit));
	s->flags = 0;
	s->guess = 0;
}

void
dsum_clear(struct dsum *s)
{
	dsum_init(s);
}

/*
 * Run by run of RUN values.  Each run returns how many digit additions it
 * made, so that the digits are normalized before they could overflow.
 */
void
dsum_add(struct dsum *s, const double *v, size_t n)
{
	uint64_t adds = 0;
	size_t k;

	for (; n > 0; v += k, n -= k) {
		k = n < RUN ? n : RUN;
		adds += run_add(s, v, k, 0);
		if (adds >= ADDS_MAX) {
			digits_normalize(s->digit);
			adds = 0;
		}
	}
	digits_normalize(s->digit);
}

/*
 * The fast path, in error-free transformations (Rump, Ogita and Oishi's
 * ExtractVector).  Let |v| < 2^e for the n <= 2^12 values of the run.
 * Adding and subtracting sigma1 = 1.5 * 2^(e + 11) rounds v to q1, a
 * multiple of u1 = 2^(e - 41), exactly: sigma1 + v stays in the binade of
 * sigma1, whose unit is u1, and the subtraction is exact by Sterbenz's
 * lemma.  r1 = v - q1 is exact too (the error of a rounding), and
 * |r1| <= u1 / 2.  The q1 are multiples of u1 whose magnitudes add up to
 * at most 2^12 * 2^e = 2^53 u1, so every partial sum, in any order, is a
 * double: their sum s1 is exact.  If every v is a multiple of
 * u2 = 2^(e - 83), so are the r1, whose magnitudes add up to at most
 * 2^12 * u1 / 2 = 2^53 u2: their sum s2 is exact too.  A normal v is such
 * a multiple when its exponent is at least e - 31, so the run is exact
 * when its values lie in the window [2^(e - 31), 2^e), zeros aside.
 *
 * The window of the last run is a good guess for the next one, so pass2()
 * sums with it and notes the range of the run on the way; only when the
 * range does not fit does it take another pass.  A whole run then costs
 * two additions to the digits.  Runs with NaN, an infinity or values of
 * 2^1012 or more (sigma1 would overflow) go term by term.
 */
static size_t
run_add(struct dsum *s, const double *v, size_t n, int depth)
{
	struct pass p;
	int e = s->guess;

	pass2(v, n, sigma(e + 11), &p);
	if (!window_holds(&p, e)) {
		if (p.top >= HIGH_EXP(FAST_E_MAX + EXP_BIAS))
			return run_slow(s, v, n);
		e = (int)(p.top >> 20);
		e = (e > 0 ? e : 1) - (EXP_BIAS - 1);	/* |v| < 2^e */
		s->guess = e;
		if (!window_holds(&p, e))
			return run_small(s, v, n, e, depth);
		pass2(v, n, sigma(e + 11), &p);
	}
	digits_add(s->digit, bits_of(p.s1));
	digits_add(s->digit, bits_of(p.s2));
	return 2;
}

/*
 * A run with values below its window: split r1 again, with
 * sigma2 = 1.5 * 2^(e - 31), into q2, multiples of u2 = 2^(e - 83) that
 * add up to at most 2^12 * u1 / 2 = 2^53 u2 (s2 is exact), and the rest
 * r2 = r1 - q2.  r2 is zero for every value in the window; the others are
 * the values below it, less a part that s2 took.  Below 2^-991, u2 would
 * be less than 2^-1074, the unit of every double: sigma2 = 1.5 * 2^-1022
 * splits nothing off then, which is right.
 *
 * What is left is a run of its own, in a lower window: when the split took
 * at least a quarter of the values, it is worth a pass of its own (data
 * over a few windows, such as x and -x with |x| from 1 to 2^60), else the
 * values go term by term (values spread over the whole range).
 */
static size_t
run_small(struct dsum *s, const double *v, size_t n, int e, int depth)
{
	double rest[RUN];
	struct pass p;
	size_t adds = 2, left = 0, i, end;
	int guess = s->guess;

	pass3(v, n, sigma(e + 11), sigma(e > -991 ? e - 31 : -1022), &p,
	    rest);
	digits_add(s->digit, bits_of(p.s1));
	digits_add(s->digit, bits_of(p.s2));
	for (; p.blocks != 0; p.blocks &= p.blocks - 1) {
		i = (size_t)__builtin_ctzll(p.blocks) * BLOCK;
		for (end = i + BLOCK < n ? i + BLOCK : n; i < end; i++) {
			rest[left] = rest[i];
			left += rest[i] != 0;
		}
	}
	if (depth < DEPTH_MAX && left >= BLOCK && left <= n - n / 4) {
		adds += run_add(s, rest, left, depth + 1);
		s->guess = guess;	/* the next run is like this one */
	} else {
		for (i = 0; i < left; i++)
			digits_add(s->digit, bits_of(rest[i]));
		adds += left;
	}
	return adds;
}

static size_t
run_slow(struct dsum *s, const double *v, size_t n)
{
	size_t adds = 0, i;

	for (i = 0; i < n; i++)
		adds += add_term(s, v[i]);
	return adds;
}

/*
 * Whether the values seen by p lie in [2^(e - 31), 2^e) or are zero
 * (see run_add()).  p->low is the high word of |v| - 1, so that zeros
 * come out as 2^32 - 1 and never lower the minimum (it is 2^32 - 1 only
 * when every value is zero); its exponent is that of |v|, or one less,
 * which only makes the test stricter.  When e <= -991, u2 <= 2^-1074 and
 * every double is a multiple of u2.
 */
static int
window_holds(const struct pass *p, int e)
{
	int low = e + EXP_BIAS - 31;

	return p->top < HIGH_EXP(e + EXP_BIAS) &&
	    (low <= 1 || p->low >= HIGH_EXP(low));
}

/* 1.5 * 2^k for -1022 <= k <= 1023, built from its bits. */
static double
sigma(int k)
{
	uint64_t bits = (uint64_t)(k + EXP_BIAS) << MANT_BITS |
	    (uint64_t)1 << (MANT_BITS - 1);
	double x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}

/*
 * The passes: plain C, and AVX2 on CPUs that have it (four lanes in each
 * of two registers, so that an addition does not wait for the one
 * before).  The order in which the lanes add up differs, but exact sums
 * do not depend on it.  MAPREDUCE_PORTABLE in the environment (cpu.h)
 * makes them take the plain C on any CPU.
 */
static void
pass2(const double *v, size_t n, double sigma1, struct pass *p)
{
	size_t i = 0;

	p->s1 = p->s2 = 0;
	p->top = 0;
	p->low = UINT32_MAX;
#ifdef __x86_64__
	if (cpu_features() & CPU_AVX2)
		i = pass2_avx2(v, n, sigma1, p);
#endif
	pass2_tail(v, i, n, sigma1, p);
}

static void
pass3(const double *v, size_t n, double sigma1, double sigma2,
    struct pass *p, double *rest)
{
	size_t i = 0;

	p->s1 = p->s2 = 0;
	p->blocks = 0;
#ifdef __x86_64__
	if (cpu_features() & CPU_AVX2)
		i = pass3_avx2(v, n, sigma1, sigma2, p, rest);
#endif
	pass3_tail(v, i, n, sigma1, sigma2, p, rest);
}

/*
 * pass2() and pass3() in plain C on v[i .. n - 1], adding to p: the whole
 * run on CPUs without AVX2, else the last few values.  The LANES
 * accumulators are independent, so that an addition need not wait for the
 * one before; the compiler keeps them in registers.  The last few values
 * go to the first lane.
 */
static void
pass2_tail(const double *v, size_t i, size_t n, double sigma1,
    struct pass *p)
{
	double s1[LANES] = { 0 }, s2[LANES] = { 0 }, q1;
	uint32_t top[LANES], low[LANES];
	size_t l;

	for (l = 0; l < LANES; l++) {
		top[l] = p->top;
		low[l] = p->low;
	}
	for (; i + LANES <= n; i += LANES)
		for (l = 0; l < LANES; l++) {
			q1 = (v[i + l] + sigma1) - sigma1;
			s1[l] += q1;
			s2[l] += v[i + l] - q1;
			note_range(v[i + l], &top[l], &low[l]);
		}
	for (; i < n; i++) {
		q1 = (v[i] + sigma1) - sigma1;
		s1[0] += q1;
		s2[0] += v[i] - q1;
		note_range(v[i], &top[0], &low[0]);
	}
	p->s1 += (s1[0] + s1[1]) + (s1[2] + s1[3]);
	p->s2 += (s2[0] + s2[1]) + (s2[2] + s2[3]);
	for (l = 0; l < LANES; l++) {
		p->top = top[l] > p->top ? top[l] : p->top;
		p->low = low[l] < p->low ? low[l] : p->low;
	}
}

static void
pass3_tail(const double *v, size_t i, size_t n, double sigma1,
    double sigma2, struct pass *p, double *rest)
{
	double s1[LANES] = { 0 }, s2[LANES] = { 0 };
	uint64_t blocks = 0;
	size_t l;

	for (; i + LANES <= n; i += LANES)
		for (l = 0; l < LANES; l++)
			blocks |= split3(v[i + l], sigma1, sigma2, &s1[l],
			    &s2[l], &rest[i + l]) << ((i + l) / BLOCK);
	for (; i < n; i++)
		blocks |= split3(v[i], sigma1, sigma2, &s1[0], &s2[0],
		    &rest[i]) << (i / BLOCK);
	p->s1 += (s1[0] + s1[1]) + (s1[2] + s1[3]);
	p->s2 += (s2[0] + s2[1]) + (s2[2] + s2[3]);
	p->blocks |= blocks;
}

/* One value of pass3(): add q1 to *s1, q2 to *s2; r2 and whether it is 0. */
static uint64_t
split3(double x, double sigma1, double sigma2, double *s1, double *s2,
    double *r2)
{
	double q1 = (x + sigma1) - sigma1, r1 = x - q1,
	    q2 = (r1 + sigma2) - sigma2;

	*s1 += q1;
	*s2 += q2;
	*r2 = r1 - q2;
	return *r2 != 0;
}

/* Widen the range [low, top] of high words (see struct pass) to hold x. */
static void
note_range(double x, uint32_t *top, uint32_t *low)
{
	uint64_t a = bits_of(x) & ABS_MASK;
	uint32_t high = (uint32_t)(a >> 32), below = (uint32_t)((a - 1) >> 32);

	*top = high > *top ? high : *top;
	*low = below < *low ? below : *low;
}

#ifdef __x86_64__
/*
 * The vector loops take the values 8 by 8 and return how many they took;
 * the caller does the few left, outside of AVX2 code, where no vzeroupper
 * is needed (GCC omits it before a tail call).  The range goes with 32-bit
 * unsigned maximum and minimum, which AVX2 has (not the 64-bit ones): the
 * high words of the bits order the exponents.
 */
__attribute__((target("avx2"))) static size_t
pass2_avx2(const double *v, size_t n, double sigma1, struct pass *p)
{
	const __m256d sig = _mm256_set1_pd(sigma1);
	const __m256i abs = _mm256_set1_epi64x((long long)ABS_MASK),
	    one = _mm256_set1_epi64x(1);
	__m256d x, y, qx, qy, s1x, s1y, s2x, s2y;
	__m256i a, b, top, low;
	size_t i;

	s1x = s1y = s2x = s2y = _mm256_setzero_pd();
	top = _mm256_setzero_si256();
	low = _mm256_set1_epi32(-1);
	for (i = 0; i + 8 <= n; i += 8) {
		x = _mm256_loadu_pd(v + i);
		y = _mm256_loadu_pd(v + i + 4);
		a = _mm256_and_si256(_mm256_castpd_si256(x), abs);
		b = _mm256_and_si256(_mm256_castpd_si256(y), abs);
		top = _mm256_max_epu32(top, _mm256_max_epu32(a, b));
		low = _mm256_min_epu32(low, _mm256_min_epu32(
		    _mm256_sub_epi64(a, one), _mm256_sub_epi64(b, one)));
		qx = _mm256_sub_pd(_mm256_add_pd(x, sig), sig);
		qy = _mm256_sub_pd(_mm256_add_pd(y, sig), sig);
		s1x = _mm256_add_pd(s1x, qx);
		s1y = _mm256_add_pd(s1y, qy);
		s2x = _mm256_add_pd(s2x, _mm256_sub_pd(x, qx));
		s2y = _mm256_add_pd(s2y, _mm256_sub_pd(y, qy));
	}
	p->s1 = sum_lanes(s1x, s1y);
	p->s2 = sum_lanes(s2x, s2y);
	p->top = high_words(top, 1);
	p->low = high_words(low, 0);
	return i;
}

__attribute__((target("avx2"))) static size_t
pass3_avx2(const double *v, size_t n, double sigma1, double sigma2,
    struct pass *p, double *rest)
{
	const __m256d sig1 = _mm256_set1_pd(sigma1),
	    sig2 = _mm256_set1_pd(sigma2);
	const __m256i abs = _mm256_set1_epi64x((long long)ABS_MASK);
	__m256d x, y, qx, qy, rx, ry, s1x, s1y, s2x, s2y, left;
	size_t i;

	s1x = s1y = s2x = s2y = left = _mm256_setzero_pd();
	for (i = 0; i + 8 <= n; i += 8) {
		x = _mm256_loadu_pd(v + i);
		y = _mm256_loadu_pd(v + i + 4);
		qx = _mm256_sub_pd(_mm256_add_pd(x, sig1), sig1);
		qy = _mm256_sub_pd(_mm256_add_pd(y, sig1), sig1);
		s1x = _mm256_add_pd(s1x, qx);
		s1y = _mm256_add_pd(s1y, qy);
		rx = _mm256_sub_pd(x, qx);
		ry = _mm256_sub_pd(y, qy);
		qx = _mm256_sub_pd(_mm256_add_pd(rx, sig2), sig2);
		qy = _mm256_sub_pd(_mm256_add_pd(ry, sig2), sig2);
		s2x = _mm256_add_pd(s2x, qx);
		s2y = _mm256_add_pd(s2y, qy);
		rx = _mm256_sub_pd(rx, qx);		/* r2 */
		ry = _mm256_sub_pd(ry, qy);
		_mm256_storeu_pd(rest + i, rx);
		_mm256_storeu_pd(rest + i + 4, ry);
		/* Or'ed, with the sign masked below: -0.0 counts as zero. */
		left = _mm256_or_pd(left, _mm256_or_pd(rx, ry));
		if ((i + 8) % BLOCK == 0 || i + 16 > n) {
			if (!_mm256_testz_si256(_mm256_castpd_si256(left),
			    abs))
				p->blocks |= (uint64_t)1 << (i / BLOCK);
			left = _mm256_setzero_pd();
		}
	}
	p->s1 = sum_lanes(s1x, s1y);
	p->s2 = sum_lanes(s2x, s2y);
	return i;
}

__attribute__((target("avx2"))) static double
sum_lanes(__m256d a, __m256d b)
{
	double lane[4];

	_mm256_storeu_pd(lane, _mm256_add_pd(a, b));
	return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

/* The maximum or minimum of the high words, the odd 32-bit lanes. */
__attribute__((target("avx2"))) static uint32_t
high_words(__m256i x, int max)
{
	uint32_t lane[8], r;
	int k;

	_mm256_storeu_si256((__m256i *)lane, x);
	r = lane[1];
	for (k = 3; k < 8; k += 2)
		if (max ? lane[k] > r : lane[k] < r)
			r = lane[k];
	return r;
}

/*
 * The extreme of v[0 .. i - 1] and *r into *r, for i = n rounded down to a
 * multiple of 8, which it returns; sets *nan if one of them is a NaN.  The
 * maximum and minimum instructions return their second operand when the
 * first is a NaN, so a NaN never gets into the lanes.
 */
__attribute__((target("avx2"))) static size_t
extreme_avx2(const double *v, size_t n, int max, double *r, int *nan)
{
	__m256d a = _mm256_set1_pd(*r), b = a, x, y,
	    unordered = _mm256_setzero_pd();
	double lane[8];
	size_t i;
	int l;

	for (i = 0; i + 8 <= n; i += 8) {
		x = _mm256_loadu_pd(v + i);
		y = _mm256_loadu_pd(v + i + 4);
		a = max ? _mm256_max_pd(x, a) : _mm256_min_pd(x, a);
		b = max ? _mm256_max_pd(y, b) : _mm256_min_pd(y, b);
		unordered = _mm256_or_pd(unordered,
		    _mm256_cmp_pd(x, y, _CMP_UNORD_Q));
	}
	_mm256_storeu_pd(lane, a);
	_mm256_storeu_pd(lane + 4, b);
	for (l = 0; l < 8; l++)
		if (max ? lane[l] > *r : lane[l] < *r)
			*r = lane[l];
	*nan |= _mm256_movemask_pd(unordered) != 0;
	return i;
}
#endif /* __x86_64__ */

/* Add one term of any kind; returns the number of digit additions. */
static size_t
add_term(struct dsum *s, double x)
{
	uint64_t bits = bits_of(x);

	if ((bits & ABS_MASK) >= INF_BITS) {
		if ((bits & ABS_MASK) > INF_BITS)
			s->flags |= MR_RESULT_NAN;
		else
			s->flags |= x > 0 ? MR_RESULT_POS_INF :
			    MR_RESULT_NEG_INF;
		return 0;
	}
	digits_add(s->digit, bits);
	return 1;
}

/*
 * Add the finite double with these bits: its significand m times 2^shift
 * in units of 2^-1074.  m << (shift % 32) has at most 84 bits, which go to
 * three digits, the highest of them below the top digit.
 */
static inline void
digits_add(int64_t *digit, uint64_t bits)
{
	uint64_t m = bits & MANT_MASK, hi;
	unsigned e = (unsigned)(bits >> MANT_BITS) & EXP_MASK, shift, off;
	int64_t neg = -(int64_t)(bits >> 63);	/* 0 or -1 */
	size_t k;

	if (e != 0) {
		m |= HIDDEN_BIT;
		shift = e - 1;
	} else
		shift = 0;			/* subnormal */
	k = shift / DIGIT_BITS;
	off = shift % DIGIT_BITS;
	hi = m >> (DIGIT_BITS - off);
	/* (x ^ neg) - neg is x or -x. */
	digit[k] += ((int64_t)((m << off) & DIGIT_MASK) ^ neg) - neg;
	digit[k + 1] += ((int64_t)(hi & DIGIT_MASK) ^ neg) - neg;
	digit[k + 2] += ((int64_t)(hi >> DIGIT_BITS) ^ neg) - neg;
}

/*
 * Carry from each digit into the next, leaving it in [0, 2^32).  The
 * shift of a negative int64_t is arithmetic in GCC and Clang: a floor
 * division by 2^32.
 */
static void
digits_normalize(int64_t *digit)
{
	int64_t carry = 0, t;
	int k;

	for (k = 0; k < TOP; k++) {
		t = digit[k] + carry;
		digit[k] = (int64_t)((uint64_t)t & DIGIT_MASK);
		carry = t >> DIGIT_BITS;
	}
	digit[TOP] += carry;
}

/* N of normalized digits, into n, which the caller has initialised. */
static void
digits_get(const int64_t *digit, mpz_t n)
{
	uint32_t w[TOP];
	mpz_t top;
	int k;

	for (k = 0; k < TOP; k++)
		w[k] = (uint32_t)digit[k];
	mpz_import(n, TOP, -1, sizeof(w[0]), 0, 0, w);
	mpz_init_set_si(top, (long)digit[TOP]);
	mpz_mul_2exp(top, top, TOP_BITS);
	mpz_add(n, n, top);
	mpz_clear(top);
}

/*
 * Add n, below 2^WIRE_BITS in magnitude, to normalized digits and
 * normalize them; returns -1 and changes nothing when n is larger.
 */
static int
digits_add_mpz(int64_t *digit, const mpz_t n)
{
	uint32_t w[WIRE_WORDS] = { 0 };
	int64_t neg = -(int64_t)(mpz_sgn(n) < 0), top = 0;
	size_t count = 0;
	int k;

	if (mpz_sizeinbase(n, 2) > WIRE_BITS)
		return -1;
	mpz_export(w, &count, -1, sizeof(w[0]), 0, 0, n);
	for (k = 0; k < TOP; k++)
		digit[k] += ((int64_t)w[k] ^ neg) - neg;
	for (k = WIRE_WORDS - 1; k >= TOP; k--)
		top = top * ((int64_t)1 << DIGIT_BITS) + w[k];
	digit[TOP] += (top ^ neg) - neg;
	digits_normalize(digit);
	return 0;
}

static uint64_t
bits_of(double x)
{
	uint64_t bits;

	memcpy(&bits, &x, sizeof(bits));
	return bits;
}

void
dsum_merge(struct dsum *to, const struct dsum *from)
{
	int k;

	for (k = 0; k < DSUM_DIGITS; k++)
		to->digit[k] += from->digit[k];
	digits_normalize(to->digit);
	to->flags |= from->flags;
}

double
dsum_value(const struct dsum *s)
{
	mpz_t n;
	double x;

	if (s->flags & MR_RESULT_NAN || (s->flags & MR_RESULT_POS_INF &&
	    s->flags & MR_RESULT_NEG_INF))
		return NAN;
	if (s->flags & MR_RESULT_POS_INF)
		return INFINITY;
	if (s->flags & MR_RESULT_NEG_INF)
		return -INFINITY;
	mpz_init(n);
	digits_get(s->digit, n);
	x = mpz_sgn(n) == 0 ? 0.0 : round_fixed(n);
	mpz_clear(n);
	return x;
}

/*
 * n * 2^-1074 rounded to the nearest double, ties to even; n is not zero
 * and is clobbered.  Below 2^53 it is exact (a subnormal or the first
 * binade of normals).  Above, keep 54 bits, the last one the half, and
 * note whether anything below it was set.
 */
static double
round_fixed(mpz_t n)
{
	int neg = mpz_sgn(n) < 0;
	size_t bits, shift = 0;
	uint64_t m;
	int sticky;
	double x;

	mpz_abs(n, n);
	bits = mpz_sizeinbase(n, 2);
	if (bits <= MANT_BITS + 1)
		x = mpz_get_d(n);
	else {
		shift = bits - (MANT_BITS + 2);
		sticky = mpz_scan1(n, 0) < shift;
		mpz_tdiv_q_2exp(n, n, shift);
		m = (uint64_t)mpz_get_ui(n);
		if (m & 1 && (sticky || m & 2))
			m++;
		x = (double)(m >> 1);		/* at most 2^53: exact */
		shift++;
	}
	/* ldexp() is exact here, or overflows to infinity as it should. */
	x = ldexp(x, (int)shift - 1074);
	return neg ? -x : x;
}

int
dsum_encode(const struct dsum *s, uint32_t *flags, unsigned char **buf,
    size_t *len)
{
	mpz_t fixed;

	*flags |= s->flags & SPECIALS;
	mpz_init(fixed);
	digits_get(s->digit, fixed);
	*buf = arith_encode(fixed, len);
	mpz_clear(fixed);
	return *buf == NULL ? -1 : 0;
}

int
dsum_decode(struct dsum *s, uint32_t flags, const unsigned char *buf,
    size_t len)
{
	mpz_t fixed;
	int rc = -1;

	mpz_init(fixed);
	if (arith_decode(fixed, buf, len) == 0 &&
	    digits_add_mpz(s->digit, fixed) == 0) {
		s->flags |= flags & SPECIALS;
		rc = 0;
	}
	mpz_clear(fixed);
	return rc;
}

void
dsum_min(double *m, const double *v, size_t n)
{
	extreme(m, v, n, 0);
}

void
dsum_max(double *m, const double *v, size_t n)
{
	extreme(m, v, n, 1);
}

/*
 * Comparisons are false for a NaN, so NaN is noted apart.  The sign breaks
 * the tie between the zeros: the minimum takes -0.0, the maximum 0.0.
 * The vector loop cannot tell the zeros apart, so when the result is a
 * zero, the values it saw are looked at again.
 */
static void
extreme(double *m, const double *v, size_t n, int max)
{
	double r = *m, x;
	int nan = isnan(r);
	size_t i = 0, k;

#ifdef __x86_64__
	if (!nan && (cpu_features() & CPU_AVX2))
		i = extreme_avx2(v, n, max, &r, &nan);
#endif
	if (r == 0)
		for (k = 0; k < i; k++)
			if (v[k] == 0 && (signbit(v[k]) == 0) == max)
				r = v[k];
	for (; i < n; i++) {
		x = v[i];
		if ((max ? x > r : x < r) ||
		    (x == r && (signbit(x) == 0) == max))
			r = x;
		nan |= isnan(x);
	}
	*m = nan ? NAN : r;
}

/*
 * Python's repr(): the shortest digits, then its layout
 * (format_float_short() in CPython's pystrtod.c with the 'r' code).
 */
int
dsum_format(double x, char *buf, size_t len)
{
	static const char zeros[] = "0000000000000000";	/* 16 */
	const char *sign = signbit(x) ? "-" : "";
	char d[20];
	int exp10, nd, point;

	if (isnan(x))
		return snprintf(buf, len, "nan");
	if (isinf(x))
		return snprintf(buf, len, "%sinf", sign);
	if (x == 0)
		return snprintf(buf, len, "%s0.0", sign);
	nd = shortest_digits(fabs(x), d, &exp10);
	point = exp10 + 1;		/* digits before the decimal point */
	if (exp10 < -4 || exp10 >= 16)
		return snprintf(buf, len, "%s%c%s%.*se%c%02d", sign, d[0],
		    nd > 1 ? "." : "", nd - 1, d + 1, exp10 < 0 ? '-' : '+',
		    abs(exp10));
	if (point <= 0)				/* at most 3 zeros */
		return snprintf(buf, len, "%s0.%.*s%s", sign, -point, zeros,
		    d);
	if (point >= nd)			/* at most 16 zeros */
		return snprintf(buf, len, "%s%s%.*s.0", sign, d, point - nd,
		    zeros);
	return snprintf(buf, len, "%s%.*s.%s", sign, point, d, d + point);
}

/*
 * The shortest digits d[0] d[1] ... (at most 17, NUL-terminated) such that
 * d[0].d[1]... * 10^exp10 reads back as x > 0, and of those the nearest to
 * x, ties to an even last digit, as Python's repr() (David Gay's dtoa,
 * mode 0).  glibc prints the exact decimal value of a double, which has
 * at most 767 significant digits.  For each length the candidates are
 * that value cut short, and cut short plus one unit in the last place:
 * the nearest below and above.  Returns the number of digits.
 */
static int
shortest_digits(double x, char *digits, int *exp10)
{
	char exact[EXACT_DIGITS + 16], down[20], up[20];
	int nd, up_exp, cmp, k;
	const char *rest;

	/* "d.ddd...de+XX": the 'e' comes right after the digits. */
	snprintf(exact, sizeof(exact), "%.*e", EXACT_DIGITS - 1, x);
	*exp10 = atoi(exact + EXACT_DIGITS + 2);
	exact[EXACT_DIGITS + 1] = '\0';
	exact[1] = exact[0];			/* drop the point */
	for (nd = 1; nd <= 17; nd++) {
		memcpy(down, exact + 1, (size_t)nd);
		down[nd] = '\0';
		rest = exact + 1 + nd;
		if (rest[strspn(rest, "0")] == '\0')	/* exact */
			break;
		memcpy(up, down, (size_t)nd + 1);
		up_exp = *exp10 + digits_increment(up);
		/* Compare the rest with one half unit: "5000...". */
		cmp = rest[0] != '5' ? rest[0] - '5' :
		    rest[1 + strspn(rest + 1, "0")] != '\0';
		if (cmp == 0)
			cmp = (down[nd - 1] - '0') % 2 ? 1 : -1;
		k = digits_round_trip(down, *exp10, x) |
		    digits_round_trip(up, up_exp, x) << 1;
		if (k == 3)
			k = cmp < 0 ? 1 : 2;
		if (k == 1)
			break;
		if (k == 2) {
			memcpy(down, up, (size_t)nd + 1);
			*exp10 = up_exp;
			break;
		}
	}
	while (nd > 1 && down[nd - 1] == '0')
		down[--nd] = '\0';
	memcpy(digits, down, (size_t)nd + 1);
	return nd;
}

/* Whether d[0].d[1]... * 10^exp10 reads back as x. */
static int
digits_round_trip(const char *digits, int exp10, double x)
{
	char text[40];

	snprintf(text, sizeof(text), "%c.%se%d", digits[0], digits + 1, exp10);
	return strtod(text, NULL) == x;
}

/*
 * Add one unit in the last place to a string of digits, keeping its
 * length; returns 1 when that carried out of the first digit ("99" to
 * "10", the exponent then grows by one), else 0.
 */
static int
digits_increment(char *digits)
{
	size_t k = strlen(digits);

	while (k > 0 && digits[k - 1] == '9')
		digits[--k] = '0';
	if (k == 0) {
		digits[0] = '1';
		return 1;
	}
	digits[k - 1]++;
	return 0;
}
