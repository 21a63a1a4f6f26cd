/* pyval.c - Python's int, float and bool, computed as CPython 3.11 does */

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "arith.h"
#include "dsum.h"
#include "pyval.h"

#if defined(GMP_LIMB_BITS) && defined(LONG_MAX) && \
    (GMP_LIMB_BITS != 64 || GMP_NAIL_BITS != 0 || LONG_MAX != INT64_MAX)
#error "pyval.c assumes 64-bit longs and GMP limbs, without nails"
#endif
#ifdef __FAST_MATH__
#error "pyval.c must not be built with -ffast-math"
#endif

#define TWO53		9007199254740992.0	/* 2^53 */
#define TWO53I		((int64_t)1 << 53)
#define TWO63		9223372036854775808.0	/* 2^63 */
#define T27		134217729.0	/* 2^27 + 1: Dekker's split */
#define PI		3.141592653589793238462643383279502884
#define LOGPI		1.144729885849400174143427351353058711647
#define NDIGITS_MAX	323	/* round(): past it, a float stays */
#define NDIGITS_MIN	(-308)	/* and below, it is 0.0 */

/* csum += x with its rounding error added to frac (Neumaier). */
#define ADD_COMP(csum, frac, x) do {					\
	double old_ = (csum), x_ = (x);					\
	(csum) += x_;							\
	(frac) += (old_ - (csum)) + x_;					\
} while (0)

/* A read-only mpz over an int held small: no allocation. */
struct zview {
	mp_limb_t	limb;
	mpz_t		z;
};

/* How a function is computed: libm through math_1 or math_1a, or its own. */
enum { M1 = 1, M1A, MOWN };

struct func {
	const char	*name;
	int		 nmin;
	int		 nmax;
	int		 builtin;
	int		 kind;		/* M1, M1A or MOWN */
	int		 overflow;	/* M1: infinite means overflow */
	double		(*f)(double);
};

enum {
	F_ABS = 1, F_MIN, F_MAX, F_POW, F_ROUND, F_INT, F_FLOAT, F_BOOL,
	F_SQRT, F_EXP, F_EXP2, F_EXPM1, F_LOG1P, F_SIN, F_COS, F_TAN, F_ASIN,
	F_ACOS, F_ATAN, F_SINH, F_COSH, F_TANH, F_ASINH, F_ACOSH, F_ATANH,
	F_FABS, F_CBRT, F_ERF, F_ERFC, F_GAMMA, F_LGAMMA,
	F_LOG, F_LOG2, F_LOG10, F_ATAN2, F_HYPOT, F_FLOOR, F_CEIL, F_TRUNC,
	F_FMOD, F_COPYSIGN, F_REMAINDER, F_LDEXP, F_GCD, F_LCM, F_ISQRT,
	F_FACTORIAL, F_COMB, F_PERM, F_ISFINITE, F_ISINF, F_ISNAN, F_DEGREES,
	F_RADIANS, F_NEXTAFTER, F_ULP, F_MPOW
};

static int	fail(struct pyerr *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	too_big(struct pyerr *);
static int	domain(struct pyerr *);
static int	range(struct pyerr *);
static const char *tname(const struct pyval *);
static const char *errno_text(int);
static uint64_t	uabs(int64_t);
static mpz_srcptr zview(struct zview *, const struct pyval *);
static mpz_srcptr zabs(struct zview *, const struct pyval *);
static void	set_int(struct pyval *, int64_t);
static void	set_float(struct pyval *, double);
static int	norm(struct pyval *, struct pyerr *);
static uint64_t	bits_at(mpz_srcptr, size_t);
static int	z_to_double(mpz_srcptr, double *);
static void	z_frexp(mpz_srcptr, double *, long *);
static int	to_double(const struct pyval *, double *, struct pyerr *);
static int	ratio_to_double(mpz_srcptr, mpz_srcptr, double *);
static int	set_integral(struct pyval *, double, struct pyerr *);
static double	log2_abs(const struct pyval *);
static size_t	bitlen(const struct pyval *);
static int	sgn(const struct pyval *);
static int	float_binop(int, struct pyval *, const struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	float_arith(int, double, double, double *, struct pyerr *);
static int	float_floordiv(double, double, double *, struct pyerr *);
static int	float_mod(double, double, double *, struct pyerr *);
static int	float_pow(double, double, double *, struct pyerr *);
static int	libm_pow(double, double, double *, struct pyerr *);
static int	small_binop(int, struct pyval *, const struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	small_div(int, struct pyval *, int64_t, int64_t,
		    struct pyerr *);
static int	small_pow(struct pyval *, int64_t, int64_t, struct pyerr *);
static int	small_shift(int, struct pyval *, int64_t, int64_t,
		    struct pyerr *);
static int	int_binop(int, struct pyval *, const struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	int_truediv(struct pyval *, const struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	int_divmod(int, struct pyval *, const struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	int_pow(struct pyval *, const struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	int_shift(int, struct pyval *, const struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	cmp3(const struct pyval *, const struct pyval *);
static int	cmp_i64_double(int64_t, double);
static int	need_int(const struct pyval *, struct pyerr *);
static int	call_builtin(int, struct pyval *, const struct pyval *, int,
		    struct pyerr *);
static int	call_math(int, struct pyval *, const struct pyval *, int,
		    struct pyerr *);
static int	call_math2(int, struct pyval *, const struct pyval *,
		    struct pyerr *);
static int	b_abs(struct pyval *, const struct pyval *);
static int	b_minmax(int, struct pyval *, const struct pyval *, int);
static int	b_pow3(struct pyval *, const struct pyval *, struct pyerr *);
static void	small_powmod(struct pyval *, int64_t, uint64_t, int64_t);
static int	b_round(struct pyval *, const struct pyval *, int,
		    struct pyerr *);
static int	round_float(struct pyval *, double, const struct pyval *,
		    struct pyerr *);
static int	round_int(struct pyval *, const struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	b_int(struct pyval *, const struct pyval *, struct pyerr *);
static int	is_error(double, struct pyerr *);
static int	math_1(const struct func *, struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	math_2(double, double, double, struct pyval *,
		    struct pyerr *);
static double	m_log(double, int);
static int	loghelper(const struct pyval *, int, double *,
		    struct pyerr *);
static int	m_fmod(struct pyval *, double, double, struct pyerr *);
static int	m_ldexp(struct pyval *, const struct pyval *,
		    const struct pyval *, struct pyerr *);
static int	m_pow(struct pyval *, double, double, struct pyerr *);
static double	m_atan2(double, double);
static double	m_remainder(double, double);
static double	m_ulp(double);
static int	m_hypot(struct pyval *, const struct pyval *, int,
		    struct pyerr *);
static double	vector_norm(int, double *, double, int);
static void	split(double, double *, double *);
static double	m_sinpi(double);
static double	lanczos_sum(double);
static double	m_tgamma(double);
static double	m_tgamma_finite(double);
static double	m_lgamma(double);
static int	m_floorceil(int, struct pyval *, const struct pyval *,
		    struct pyerr *);
static int	m_gcdlcm(int, struct pyval *, const struct pyval *, int,
		    struct pyerr *);
static uint64_t	gcd_u64(uint64_t, uint64_t);
static void	gcd2(struct pyval *, const struct pyval *);
static int	lcm2(struct pyval *, const struct pyval *,
		    struct pyerr *);
static int	m_isqrt(struct pyval *, const struct pyval *,
		    struct pyerr *);
static int	m_factorial(struct pyval *, const struct pyval *,
		    struct pyerr *);
static int	small_combperm(int, struct pyval *, uint64_t, uint64_t);
static int	m_combperm(int, struct pyval *, const struct pyval *,
		    struct pyerr *);

static const struct func funcs[] = {
	{ "abs", 1, 1, 1, MOWN, 0, NULL },
	{ "min", 2, PYFUNC_VARARGS, 1, MOWN, 0, NULL },
	{ "max", 2, PYFUNC_VARARGS, 1, MOWN, 0, NULL },
	{ "pow", 2, 3, 1, MOWN, 0, NULL },
	{ "round", 1, 2, 1, MOWN, 0, NULL },
	{ "int", 0, 1, 1, MOWN, 0, NULL },
	{ "float", 0, 1, 1, MOWN, 0, NULL },
	{ "bool", 0, 1, 1, MOWN, 0, NULL },
	{ "sqrt", 1, 1, 0, M1, 0, sqrt },
	{ "exp", 1, 1, 0, M1, 1, exp },
	{ "exp2", 1, 1, 0, M1, 1, exp2 },
	{ "expm1", 1, 1, 0, M1, 1, expm1 },
	{ "log1p", 1, 1, 0, M1, 0, log1p },
	{ "sin", 1, 1, 0, M1, 0, sin },
	{ "cos", 1, 1, 0, M1, 0, cos },
	{ "tan", 1, 1, 0, M1, 0, tan },
	{ "asin", 1, 1, 0, M1, 0, asin },
	{ "acos", 1, 1, 0, M1, 0, acos },
	{ "atan", 1, 1, 0, M1, 0, atan },
	{ "sinh", 1, 1, 0, M1, 1, sinh },
	{ "cosh", 1, 1, 0, M1, 1, cosh },
	{ "tanh", 1, 1, 0, M1, 0, tanh },
	{ "asinh", 1, 1, 0, M1, 0, asinh },
	{ "acosh", 1, 1, 0, M1, 0, acosh },
	{ "atanh", 1, 1, 0, M1, 0, atanh },
	{ "fabs", 1, 1, 0, M1, 0, fabs },
	{ "cbrt", 1, 1, 0, M1, 0, cbrt },
	{ "erf", 1, 1, 0, M1A, 0, erf },
	{ "erfc", 1, 1, 0, M1A, 0, erfc },
	{ "gamma", 1, 1, 0, M1A, 0, m_tgamma },
	{ "lgamma", 1, 1, 0, M1A, 0, m_lgamma },
	{ "log", 1, 2, 0, MOWN, 0, NULL },
	{ "log2", 1, 1, 0, MOWN, 0, NULL },
	{ "log10", 1, 1, 0, MOWN, 0, NULL },
	{ "atan2", 2, 2, 0, MOWN, 0, NULL },
	{ "hypot", 0, PYFUNC_VARARGS, 0, MOWN, 0, NULL },
	{ "floor", 1, 1, 0, MOWN, 0, NULL },
	{ "ceil", 1, 1, 0, MOWN, 0, NULL },
	{ "trunc", 1, 1, 0, MOWN, 0, NULL },
	{ "fmod", 2, 2, 0, MOWN, 0, NULL },
	{ "copysign", 2, 2, 0, MOWN, 0, NULL },
	{ "remainder", 2, 2, 0, MOWN, 0, NULL },
	{ "ldexp", 2, 2, 0, MOWN, 0, NULL },
	{ "gcd", 0, PYFUNC_VARARGS, 0, MOWN, 0, NULL },
	{ "lcm", 0, PYFUNC_VARARGS, 0, MOWN, 0, NULL },
	{ "isqrt", 1, 1, 0, MOWN, 0, NULL },
	{ "factorial", 1, 1, 0, MOWN, 0, NULL },
	{ "comb", 2, 2, 0, MOWN, 0, NULL },
	{ "perm", 1, 2, 0, MOWN, 0, NULL },
	{ "isfinite", 1, 1, 0, MOWN, 0, NULL },
	{ "isinf", 1, 1, 0, MOWN, 0, NULL },
	{ "isnan", 1, 1, 0, MOWN, 0, NULL },
	{ "degrees", 1, 1, 0, MOWN, 0, NULL },
	{ "radians", 1, 1, 0, MOWN, 0, NULL },
	{ "nextafter", 2, 2, 0, MOWN, 0, NULL },
	{ "ulp", 1, 1, 0, MOWN, 0, NULL },
	{ "pow", 2, 2, 0, MOWN, 0, NULL },
};
#define NFUNCS	((int)(sizeof(funcs) / sizeof(funcs[0])))

/* The operators of enum pyval_binop, for messages. */
static const char *const opname[] = {
	"", "+", "-", "*", "/", "//", "%", "** or pow()", "<<", ">>", "&",
	"|", "^"
};

/* Gamma(n) for n = 1 .. 23, exact in a double. */
static const double gamma_integral[] = {
	1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0,
	3628800.0, 39916800.0, 479001600.0, 6227020800.0, 87178291200.0,
	1307674368000.0, 20922789888000.0, 355687428096000.0,
	6402373705728000.0, 121645100408832000.0, 2432902008176640000.0,
	51090942171709440000.0, 1124000727777607680000.0
};
#define NGAMMA_INTEGRAL	23

/* The Lanczos approximation that CPython's gamma and lgamma use: N=13. */
#define LANCZOS_N	13
static const double lanczos_g = 6.024680040776729583740234375;
static const double lanczos_g_minus_half = 5.524680040776729583740234375;
static const double lanczos_num[LANCZOS_N] = {
	23531376880.410759688572007674451636754734846804940,
	42919803642.649098768957899047001988850926355848959,
	35711959237.355668049440185451547166705960488635843,
	17921034426.037209699919755754458931112671403265390,
	6039542586.3520280050642916443072979210699388420708,
	1439720407.3117216736632230727949123939715485786772,
	248874557.86205415651146038641322942321632125127801,
	31426415.585400194380614231628318205362874684987640,
	2876370.6289353724412254090516208496135991145378768,
	186056.26539522349504029498971604569928220784236328,
	8071.6720023658162106380029022722506138218516325024,
	210.82427775157934587250973392071336271166969580291,
	2.5066282746310002701649081771338373386264310793408
};
static const double lanczos_den[LANCZOS_N] = {
	0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0,
	13339535.0, 2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0
};

/* Errors. */

static int
fail(struct pyerr *e, const char *type, const char *fmt, ...)
{
	va_list ap;

	e->type = type;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

static int
too_big(struct pyerr *e)
{
	return fail(e, "OverflowError",
	    "int too large (mapreduce's limit is 2**26 bits)");
}

static int
domain(struct pyerr *e)
{
	return fail(e, "ValueError", "math domain error");
}

static int
range(struct pyerr *e)
{
	return fail(e, "OverflowError", "math range error");
}

/* strerror(3) in the C locale, whatever the program's locale is. */
static const char *
errno_text(int err)
{
	if (err == ERANGE)
		return "Numerical result out of range";
	if (err == EDOM)
		return "Numerical argument out of domain";
	return strerror(err);
}

static const char *
tname(const struct pyval *a)
{
	if (a->type == PYVAL_BOOL)
		return "bool";
	return a->type == PYVAL_INT ? "int" : "float";
}

/* Life cycle and setters. */

void
pyval_init(struct pyval *v)
{
	v->type = PYVAL_INT;
	v->big = 0;
	v->i = 0;
	v->f = 0;
	mpz_init(v->z);
}

void
pyval_clear(struct pyval *v)
{
	mpz_clear(v->z);
}

void
pyval_set_int(struct pyval *v, int64_t i)
{
	set_int(v, i);
}

void
pyval_set_mpz(struct pyval *v, const mpz_t z)
{
	mpz_set(v->z, z);
	v->type = PYVAL_INT;
	v->big = 1;
	(void)norm(v, NULL);
}

void
pyval_set_float(struct pyval *v, double f)
{
	set_float(v, f);
}

void
pyval_set_bool(struct pyval *v, int b)
{
	v->type = PYVAL_BOOL;
	v->big = 0;
	v->i = b != 0;
}

void
pyval_copy(struct pyval *to, const struct pyval *from)
{
	if (to == from)
		return;
	to->type = from->type;
	to->big = from->big;
	to->i = from->i;
	to->f = from->f;
	if (from->big)
		mpz_set(to->z, from->z);
}

static void
set_int(struct pyval *v, int64_t i)
{
	v->type = PYVAL_INT;
	v->big = 0;
	v->i = i;
}

static void
set_float(struct pyval *v, double f)
{
	v->type = PYVAL_FLOAT;
	v->big = 0;
	v->f = f;
}

/*
 * v->z holds an int just computed: make it small if it fits, and refuse
 * it (when e is not NULL) if it is wider than the limit.
 */
static int
norm(struct pyval *v, struct pyerr *e)
{
	v->type = PYVAL_INT;
	if (mpz_fits_slong_p(v->z)) {
		v->i = mpz_get_si(v->z);
		v->big = 0;
		return 0;
	}
	v->big = 1;
	if (e != NULL && mpz_sizeinbase(v->z, 2) > PYVAL_MAX_BITS) {
		mpz_realloc2(v->z, 64);	/* frees it, sets 0 */
		v->big = 0;
		v->i = 0;
		return too_big(e);
	}
	return 0;
}

/* Views and conversions. */

static uint64_t
uabs(int64_t i)
{
	return i < 0 ? -(uint64_t)i : (uint64_t)i;
}

static mpz_srcptr
zview(struct zview *t, const struct pyval *a)
{
	if (a->big)
		return a->z;
	t->limb = uabs(a->i);
	return mpz_roinit_n(t->z, &t->limb, a->i < 0 ? -1 : a->i > 0);
}

static mpz_srcptr
zabs(struct zview *t, const struct pyval *a)
{
	if (a->big)
		return mpz_roinit_n(t->z, mpz_limbs_read(a->z),
		    (mp_size_t)mpz_size(a->z));
	t->limb = uabs(a->i);
	return mpz_roinit_n(t->z, &t->limb, a->i != 0);
}

static int
sgn(const struct pyval *a)
{
	if (a->big)
		return mpz_sgn(a->z);
	return (a->i > 0) - (a->i < 0);
}

/* Bits of |a|: 0 for 0. */
static size_t
bitlen(const struct pyval *a)
{
	uint64_t u;

	if (a->big)
		return mpz_sizeinbase(a->z, 2);
	u = uabs(a->i);
	return u == 0 ? 0 : (size_t)(64 - __builtin_clzll(u));
}

/* log2(|a|) for an int a != 0, roughly. */
static double
log2_abs(const struct pyval *a)
{
	double d;
	long ex;

	if (!a->big)
		return log2(fabs((double)a->i));
	d = mpz_get_d_2exp(&ex, a->z);
	return log2(fabs(d)) + (double)ex;
}

/* Bits pos .. pos + 63 of |z|. */
static uint64_t
bits_at(mpz_srcptr z, size_t pos)
{
	mp_size_t k = (mp_size_t)(pos / 64);
	unsigned off = (unsigned)(pos % 64);
	uint64_t lo = mpz_getlimbn(z, k) >> off;

	if (off != 0)
		lo |= mpz_getlimbn(z, k + 1) << (64 - off);
	return lo;
}

/* z correctly rounded to a double, ties to even; -1 if it overflows. */
static int
z_to_double(mpz_srcptr z, double *out)
{
	double x;
	long ex;

	if (mpz_sgn(z) == 0) {
		*out = 0.0;
		return 0;
	}
	if (mpz_sizeinbase(z, 2) > 1025)
		return -1;
	z_frexp(z, &x, &ex);
	x = ldexp(x, (int)ex);		/* exact, or infinite */
	if (isinf(x))
		return -1;
	*out = mpz_sgn(z) < 0 ? -x : x;
	return 0;
}

/* |z| > 0 as x * 2^e, x in [0.5, 1) rounded to 53 bits as _PyLong_Frexp. */
static void
z_frexp(mpz_srcptr z, double *x, long *e)
{
	size_t n = mpz_sizeinbase(z, 2);
	uint64_t top = bits_at(z, n > 64 ? n - 64 : 0), m;
	int sticky;

	if (n < 64)
		top <<= 64 - n;
	m = top >> 11;
	sticky = (top & 0x3ff) != 0 ||
	    (n > 64 && mpz_scan1(z, 0) < n - 64);
	if (((top >> 10) & 1) && (sticky || (m & 1)))
		m++;
	*x = ldexp((double)m, -53);
	*e = (long)n;
	if (*x == 1.0) {
		*x = 0.5;
		(*e)++;
	}
}

/* float(a), as PyFloat_AsDouble. */
static int
to_double(const struct pyval *a, double *d, struct pyerr *e)
{
	if (a->type == PYVAL_FLOAT)
		*d = a->f;
	else if (!a->big)
		*d = (double)a->i;
	else if (z_to_double(a->z, d) != 0)
		return fail(e, "OverflowError",
		    "int too large to convert to float");
	return 0;
}

/*
 * num / den for num >= 0, den > 0, correctly rounded to a double, ties to
 * even, subnormals included; -1 if it overflows.
 */
static int
ratio_to_double(mpz_srcptr num, mpz_srcptr den, double *out)
{
	mpz_t q, r, t;
	long la, lb, s, qb, u, d;
	uint64_t m;
	int half, sticky;

	if (mpz_sgn(num) == 0) {
		*out = 0.0;
		return 0;
	}
	la = (long)mpz_sizeinbase(num, 2);
	lb = (long)mpz_sizeinbase(den, 2);
	if (la - lb > 1025)
		return -1;
	if (la - lb < -1077) {
		*out = 0.0;
		return 0;
	}
	s = 55 - (la - lb);
	mpz_inits(q, r, t, NULL);
	if (s >= 0) {
		mpz_mul_2exp(t, num, (mp_bitcnt_t)s);
		mpz_tdiv_qr(q, r, t, den);
	} else {
		mpz_mul_2exp(t, den, (mp_bitcnt_t)-s);
		mpz_tdiv_qr(q, r, num, t);
	}
	qb = (long)mpz_sizeinbase(q, 2);
	u = qb - s - 53;
	if (u < -1074)
		u = -1074;
	d = u + s;				/* bits of q to drop, >= 2 */
	half = mpz_tstbit(q, (mp_bitcnt_t)(d - 1));
	sticky = mpz_sgn(r) != 0 || mpz_scan1(q, 0) < (mp_bitcnt_t)(d - 1);
	mpz_tdiv_q_2exp(t, q, (mp_bitcnt_t)d);
	m = mpz_get_ui(t);
	mpz_clears(q, r, t, NULL);
	if (half && (sticky || (m & 1)))
		m++;
	*out = ldexp((double)m, (int)u);
	return isinf(*out) ? -1 : 0;
}

/* r = int(d) for an integral d, as PyLong_FromDouble. */
static int
set_integral(struct pyval *r, double d, struct pyerr *e)
{
	if (isinf(d))
		return fail(e, "OverflowError",
		    "cannot convert float infinity to integer");
	if (isnan(d))
		return fail(e, "ValueError",
		    "cannot convert float NaN to integer");
	if (d >= -TWO63 && d < TWO63) {
		set_int(r, (int64_t)d);
		return 0;
	}
	mpz_set_d(r->z, d);
	return norm(r, NULL);
}

/* Binary operators. */

int
pyval_binop(int op, struct pyval *r, const struct pyval *a,
    const struct pyval *b, struct pyerr *e)
{
	int rc;

	if (a->type == PYVAL_FLOAT || b->type == PYVAL_FLOAT)
		return float_binop(op, r, a, b, e);
	if (!a->big && !b->big &&
	    (rc = small_binop(op, r, a, b, e)) <= 0)
		return rc;
	return int_binop(op, r, a, b, e);
}

static int
float_binop(int op, struct pyval *r, const struct pyval *a,
    const struct pyval *b, struct pyerr *e)
{
	double x, y, z;

	if (op >= PYOP_LSHIFT && op <= PYOP_XOR)
		return fail(e, "TypeError",
		    "unsupported operand type(s) for %s: '%s' and '%s'",
		    opname[op], tname(a), tname(b));
	if (to_double(a, &x, e) != 0 || to_double(b, &y, e) != 0)
		return -1;
	if (float_arith(op, x, y, &z, e) != 0)
		return -1;
	set_float(r, z);
	return 0;
}

static int
float_arith(int op, double x, double y, double *z, struct pyerr *e)
{
	switch (op) {
	case PYOP_ADD:
		*z = x + y;
		return 0;
	case PYOP_SUB:
		*z = x - y;
		return 0;
	case PYOP_MUL:
		*z = x * y;
		return 0;
	case PYOP_TRUEDIV:
		if (y == 0)
			return fail(e, "ZeroDivisionError",
			    "float division by zero");
		*z = x / y;
		return 0;
	case PYOP_FLOORDIV:
		return float_floordiv(x, y, z, e);
	case PYOP_MOD:
		return float_mod(x, y, z, e);
	default:
		return float_pow(x, y, z, e);
	}
}

/* x // y, from fmod as float_floor_div does. */
static int
float_floordiv(double x, double y, double *z, struct pyerr *e)
{
	double mod, div, fl;

	if (y == 0)
		return fail(e, "ZeroDivisionError",
		    "float floor division by zero");
	mod = fmod(x, y);
	div = (x - mod) / y;
	if (mod != 0 && (y < 0) != (mod < 0))
		div -= 1.0;
	if (div != 0) {
		fl = floor(div);
		if (div - fl > 0.5)
			fl += 1.0;
	} else
		fl = copysign(0.0, x / y);
	*z = fl;
	return 0;
}

static int
float_mod(double x, double y, double *z, struct pyerr *e)
{
	double mod;

	if (y == 0)
		return fail(e, "ZeroDivisionError", "float modulo");
	mod = fmod(x, y);
	if (mod != 0) {
		if ((y < 0) != (mod < 0))
			mod += y;
	} else
		mod = copysign(0.0, y);
	*z = mod;
	return 0;
}

/* x ** y as float_pow: CPython's special cases, then libm's pow(). */
static int
float_pow(double x, double y, double *z, struct pyerr *e)
{
	int neg = 0, odd = fmod(fabs(y), 2.0) == 1.0;

	if (y == 0)
		*z = 1.0;
	else if (isnan(x))
		*z = x;
	else if (isnan(y))
		*z = x == 1.0 ? 1.0 : y;
	else if (isinf(y)) {
		x = fabs(x);
		if (x == 1.0)
			*z = 1.0;
		else
			*z = (y > 0) == (x > 1.0) ? fabs(y) : 0.0;
	} else if (isinf(x)) {
		if (y > 0)
			*z = odd ? x : fabs(x);
		else
			*z = odd ? copysign(0.0, x) : 0.0;
	} else if (x == 0) {
		if (y < 0)
			return fail(e, "ZeroDivisionError",
			    "0.0 cannot be raised to a negative power");
		*z = odd ? x : 0.0;
	} else {
		if (x < 0) {
			if (y != floor(y))
				return fail(e, "ValueError",
				    "complex result is not supported");
			x = -x;
			neg = odd;
		}
		if (x == 1.0)
			*z = 1.0;
		else if (libm_pow(x, y, z, e) != 0)
			return -1;
		if (neg)
			*z = -*z;
	}
	return 0;
}

/* pow(x, y) for finite x > 0, y != 0, with float_pow's errno rules. */
static int
libm_pow(double x, double y, double *z, struct pyerr *e)
{
	errno = 0;
	*z = pow(x, y);
	if (errno == 0 && isinf(*z))
		errno = ERANGE;
	else if (errno == ERANGE && *z == 0)
		errno = 0;
	if (errno != 0)
		return fail(e, errno == ERANGE ? "OverflowError" : "ValueError",
		    "(%d, '%s')", errno, errno_text(errno));
	return 0;
}

/*
 * Both ints held small: 0 done, -1 failed, 1 when the result needs GMP
 * (the caller goes on with int_binop()).
 */
static int
small_binop(int op, struct pyval *r, const struct pyval *a,
    const struct pyval *b, struct pyerr *e)
{
	int64_t x = a->i, y = b->i, z;
	int both = a->type == PYVAL_BOOL && b->type == PYVAL_BOOL;

	switch (op) {
	case PYOP_ADD:
		if (__builtin_add_overflow(x, y, &z))
			return 1;
		break;
	case PYOP_SUB:
		if (__builtin_sub_overflow(x, y, &z))
			return 1;
		break;
	case PYOP_MUL:
		if (__builtin_mul_overflow(x, y, &z))
			return 1;
		break;
	case PYOP_TRUEDIV:
	case PYOP_FLOORDIV:
	case PYOP_MOD:
		return small_div(op, r, x, y, e);
	case PYOP_POW:
		return small_pow(r, x, y, e);
	case PYOP_LSHIFT:
	case PYOP_RSHIFT:
		return small_shift(op, r, x, y, e);
	case PYOP_AND:
		z = x & y;
		break;
	case PYOP_OR:
		z = x | y;
		break;
	default:
		z = x ^ y;
		break;
	}
	set_int(r, z);
	if (both && op >= PYOP_AND)
		r->type = PYVAL_BOOL;
	return 0;
}

/* x / y, x // y and x % y, as small_binop(). */
static int
small_div(int op, struct pyval *r, int64_t x, int64_t y, struct pyerr *e)
{
	int64_t q, m;

	if (y == 0)
		return fail(e, "ZeroDivisionError", op == PYOP_TRUEDIV ?
		    "division by zero" : op == PYOP_MOD ?
		    "integer modulo by zero" :
		    "integer division or modulo by zero");
	if (op == PYOP_TRUEDIV) {
		/* both exact in doubles: one IEEE division rounds right */
		if (x < -TWO53I || x > TWO53I || y < -TWO53I || y > TWO53I)
			return 1;
		set_float(r, (double)x / (double)y);
		return 0;
	}
	if (x == INT64_MIN && y == -1)
		return 1;
	q = x / y;
	m = x % y;
	if (m != 0 && (m < 0) != (y < 0)) {
		q--;
		m += y;
	}
	set_int(r, op == PYOP_MOD ? m : q);
	return 0;
}

static int
small_pow(struct pyval *r, int64_t x, int64_t y, struct pyerr *e)
{
	int64_t z = 1, base = x;
	uint64_t n = (uint64_t)y;
	double f;

	if (y < 0) {
		if (float_pow((double)x, (double)y, &f, e) != 0)
			return -1;
		set_float(r, f);
		return 0;
	}
	while (n != 0) {
		if ((n & 1) && __builtin_mul_overflow(z, base, &z))
			return 1;
		n >>= 1;
		if (n != 0 && __builtin_mul_overflow(base, base, &base))
			return 1;
	}
	set_int(r, z);
	return 0;
}

static int
small_shift(int op, struct pyval *r, int64_t x, int64_t y, struct pyerr *e)
{
	int128 w;

	if (y < 0)
		return fail(e, "ValueError", "negative shift count");
	if (op == PYOP_RSHIFT) {
		set_int(r, y >= 63 ? (x < 0 ? -1 : 0) : x >> y);
		return 0;
	}
	if (x == 0) {
		set_int(r, 0);
		return 0;
	}
	if (y >= 63)
		return 1;
	w = (int128)x * ((int128)1 << y);
	if (w < INT64_MIN || w > INT64_MAX)
		return 1;
	set_int(r, (int64_t)w);
	return 0;
}

/* a OP b for ints, at least one of them held in GMP or overflowing. */
static int
int_binop(int op, struct pyval *r, const struct pyval *a,
    const struct pyval *b, struct pyerr *e)
{
	struct zview ta, tb;
	mpz_srcptr x = zview(&ta, a), y = zview(&tb, b);

	switch (op) {
	case PYOP_ADD:
		mpz_add(r->z, x, y);
		break;
	case PYOP_SUB:
		mpz_sub(r->z, x, y);
		break;
	case PYOP_MUL:
		if (bitlen(a) + bitlen(b) > PYVAL_MAX_BITS + 1)
			return too_big(e);
		mpz_mul(r->z, x, y);
		break;
	case PYOP_TRUEDIV:
		return int_truediv(r, a, b, e);
	case PYOP_FLOORDIV:
	case PYOP_MOD:
		return int_divmod(op, r, a, b, e);
	case PYOP_POW:
		return int_pow(r, a, b, e);
	case PYOP_LSHIFT:
	case PYOP_RSHIFT:
		return int_shift(op, r, a, b, e);
	case PYOP_AND:
		mpz_and(r->z, x, y);
		break;
	case PYOP_OR:
		mpz_ior(r->z, x, y);
		break;
	default:
		mpz_xor(r->z, x, y);
		break;
	}
	return norm(r, e);
}

/* a / b correctly rounded, as long_true_divide. */
static int
int_truediv(struct pyval *r, const struct pyval *a, const struct pyval *b,
    struct pyerr *e)
{
	struct zview ta, tb;
	int neg = (sgn(a) < 0) != (sgn(b) < 0);
	double d;

	if (sgn(b) == 0)
		return fail(e, "ZeroDivisionError", "division by zero");
	if (ratio_to_double(zabs(&ta, a), zabs(&tb, b), &d) != 0)
		return fail(e, "OverflowError",
		    "integer division result too large for a float");
	set_float(r, neg ? -d : d);
	return 0;
}

static int
int_divmod(int op, struct pyval *r, const struct pyval *a,
    const struct pyval *b, struct pyerr *e)
{
	struct zview ta, tb;
	mpz_srcptr x = zview(&ta, a), y = zview(&tb, b);

	if (mpz_sgn(y) == 0)
		return fail(e, "ZeroDivisionError", op == PYOP_MOD ?
		    "integer modulo by zero" :
		    "integer division or modulo by zero");
	if (op == PYOP_MOD)
		mpz_fdiv_r(r->z, x, y);
	else
		mpz_fdiv_q(r->z, x, y);
	return norm(r, e);
}

static int
int_pow(struct pyval *r, const struct pyval *a, const struct pyval *b,
    struct pyerr *e)
{
	struct zview ta;
	double x, y, z;
	unsigned long n;

	if (sgn(b) < 0) {
		if (to_double(a, &x, e) != 0 || to_double(b, &y, e) != 0 ||
		    float_pow(x, y, &z, e) != 0)
			return -1;
		set_float(r, z);
		return 0;
	}
	if (!a->big && a->i >= -1 && a->i <= 1) {
		if (a->i == -1)
			set_int(r, b->big ? (mpz_odd_p(b->z) ? -1 : 1) :
			    (b->i & 1 ? -1 : 1));
		else
			set_int(r, a->i == 0 && sgn(b) == 0 ? 1 : a->i);
		return 0;
	}
	if (b->big || (double)b->i * log2_abs(a) > (double)PYVAL_MAX_BITS + 1)
		return too_big(e);
	n = (unsigned long)b->i;
	mpz_pow_ui(r->z, zview(&ta, a), n);
	return norm(r, e);
}

static int
int_shift(int op, struct pyval *r, const struct pyval *a,
    const struct pyval *b, struct pyerr *e)
{
	struct zview ta;
	mpz_srcptr x = zview(&ta, a);

	if (sgn(b) < 0)
		return fail(e, "ValueError", "negative shift count");
	if (op == PYOP_RSHIFT) {
		if (b->big || (uint64_t)b->i >= bitlen(a)) {
			set_int(r, sgn(a) < 0 ? -1 : 0);
			return 0;
		}
		mpz_fdiv_q_2exp(r->z, x, (mp_bitcnt_t)b->i);
		return norm(r, e);
	}
	if (sgn(a) == 0) {
		set_int(r, 0);
		return 0;
	}
	if (b->big || (uint64_t)b->i + bitlen(a) > PYVAL_MAX_BITS)
		return too_big(e);
	mpz_mul_2exp(r->z, x, (mp_bitcnt_t)b->i);
	return norm(r, e);
}

/* Unary operators. */

int
pyval_unop(int op, struct pyval *r, const struct pyval *a, struct pyerr *e)
{
	if (a->type == PYVAL_FLOAT) {
		if (op == PYOP_INVERT)
			return fail(e, "TypeError",
			    "bad operand type for unary ~: 'float'");
		set_float(r, op == PYOP_NEG ? -a->f : a->f);
		return 0;
	}
	if (!a->big) {
		if (op == PYOP_POS)
			set_int(r, a->i);
		else if (op == PYOP_INVERT)
			set_int(r, ~a->i);
		else if (a->i != INT64_MIN)
			set_int(r, -a->i);
		else {
			mpz_set_si(r->z, a->i);
			mpz_neg(r->z, r->z);
			return norm(r, e);
		}
		return 0;
	}
	if (op == PYOP_NEG)
		mpz_neg(r->z, a->z);
	else if (op == PYOP_INVERT)
		mpz_com(r->z, a->z);
	else
		mpz_set(r->z, a->z);
	return norm(r, e);
}

/* Comparisons. */

int
pyval_compare(int op, int *result, const struct pyval *a,
    const struct pyval *b, struct pyerr *e)
{
	int c = cmp3(a, b);

	(void)e;
	if (c == 2) {
		*result = op == PYOP_NE;
		return 0;
	}
	switch (op) {
	case PYOP_LT:
		*result = c < 0;
		break;
	case PYOP_LE:
		*result = c <= 0;
		break;
	case PYOP_EQ:
		*result = c == 0;
		break;
	case PYOP_NE:
		*result = c != 0;
		break;
	case PYOP_GT:
		*result = c > 0;
		break;
	default:
		*result = c >= 0;
		break;
	}
	return 0;
}

/* -1, 0 or 1 as a <, == or > b, exactly; 2 when a NaN is involved. */
static int
cmp3(const struct pyval *a, const struct pyval *b)
{
	struct zview ta, tb;
	double d;
	int c;

	if (a->type == PYVAL_FLOAT && b->type == PYVAL_FLOAT) {
		if (isnan(a->f) || isnan(b->f))
			return 2;
		return (a->f > b->f) - (a->f < b->f);
	}
	if (a->type != PYVAL_FLOAT && b->type != PYVAL_FLOAT) {
		if (!a->big && !b->big)
			return (a->i > b->i) - (a->i < b->i);
		c = mpz_cmp(zview(&ta, a), zview(&tb, b));
		return (c > 0) - (c < 0);
	}
	if (a->type == PYVAL_FLOAT)
		return (c = cmp3(b, a)) == 2 ? 2 : -c;
	d = b->f;
	if (isnan(d))
		return 2;
	if (!a->big)
		return cmp_i64_double(a->i, d);
	c = mpz_cmp_d(a->z, d);
	return (c > 0) - (c < 0);
}

static int
cmp_i64_double(int64_t i, double d)
{
	double t;
	int64_t ti;

	if (d >= TWO63)
		return -1;
	if (d < -TWO63)
		return 1;
	t = trunc(d);
	ti = (int64_t)t;
	if (i != ti)
		return i < ti ? -1 : 1;
	return (t > d) - (t < d);
}

int
pyval_truth(const struct pyval *a)
{
	if (a->type == PYVAL_FLOAT)
		return a->f != 0;
	return a->big || a->i != 0;
}

/* Functions. */

/*
 * "pow" is the built-in; "math.pow" is math's, and any "math.NAME" finds
 * only math's functions (with builtin 0).
 */
int
pyfunc_lookup(const char *name, size_t len, int *nmin, int *nmax,
    int *builtin)
{
	int k, math = 0;

	if (len > 5 && memcmp(name, "math.", 5) == 0) {
		name += 5;
		len -= 5;
		math = 1;
	}
	for (k = 0; k < NFUNCS; k++) {
		if ((math && funcs[k].builtin) ||
		    strlen(funcs[k].name) != len ||
		    memcmp(funcs[k].name, name, len) != 0)
			continue;
		*nmin = funcs[k].nmin;
		*nmax = funcs[k].nmax;
		*builtin = funcs[k].builtin;
		return k + 1;
	}
	return 0;
}

const char *
pyfunc_name(int id)
{
	if (id < 1 || id > NFUNCS)
		return "?";
	return funcs[id - 1].name;
}

int
pyval_call(int id, struct pyval *r, const struct pyval *args, int n,
    struct pyerr *e)
{
	if (id < 1 || id > NFUNCS)
		return fail(e, "SystemError", "no such function");
	if (id <= F_BOOL)
		return call_builtin(id, r, args, n, e);
	if (funcs[id - 1].kind != MOWN)
		return math_1(&funcs[id - 1], r, args, e);
	return call_math(id, r, args, n, e);
}

static int
need_int(const struct pyval *a, struct pyerr *e)
{
	if (a->type != PYVAL_FLOAT)
		return 0;
	return fail(e, "TypeError",
	    "'float' object cannot be interpreted as an integer");
}

static int
call_builtin(int id, struct pyval *r, const struct pyval *args, int n,
    struct pyerr *e)
{
	switch (id) {
	case F_ABS:
		return b_abs(r, args);
	case F_MIN:
	case F_MAX:
		return b_minmax(id, r, args, n);
	case F_POW:
		if (n == 2)
			return pyval_binop(PYOP_POW, r, &args[0], &args[1], e);
		return b_pow3(r, args, e);
	case F_ROUND:
		return b_round(r, args, n, e);
	case F_INT:
		if (n == 0) {
			set_int(r, 0);
			return 0;
		}
		return b_int(r, args, e);
	case F_FLOAT:
		if (n == 0) {
			set_float(r, 0.0);
			return 0;
		}
		if (to_double(args, &r->f, e) != 0)
			return -1;
		set_float(r, r->f);
		return 0;
	default:
		pyval_set_bool(r, n == 0 ? 0 : pyval_truth(args));
		return 0;
	}
}

static int
b_abs(struct pyval *r, const struct pyval *a)
{
	struct pyerr e;

	if (a->type == PYVAL_FLOAT) {
		set_float(r, fabs(a->f));
		return 0;
	}
	if (sgn(a) < 0)
		return pyval_unop(PYOP_NEG, r, a, &e);
	pyval_copy(r, a);
	r->type = PYVAL_INT;
	return 0;
}

/* Python's min() and max(): the first of equal ones wins. */
static int
b_minmax(int id, struct pyval *r, const struct pyval *args, int n)
{
	int k, best = 0, c;

	for (k = 1; k < n; k++) {
		c = cmp3(&args[k], &args[best]);
		if (c != 2 && (id == F_MIN ? c < 0 : c > 0))
			best = k;
	}
	pyval_copy(r, &args[best]);
	return 0;
}

/* pow(a, b, m) for ints, as long_pow with a modulus. */
static int
b_pow3(struct pyval *r, const struct pyval *args, struct pyerr *e)
{
	struct zview ta, tb, tm;
	mpz_t base, m;
	mpz_srcptr b;
	int rc = 0, neg = sgn(&args[2]) < 0;

	if (args[0].type == PYVAL_FLOAT || args[1].type == PYVAL_FLOAT ||
	    args[2].type == PYVAL_FLOAT)
		return fail(e, "TypeError", "pow() 3rd argument not allowed "
		    "unless all arguments are integers");
	if (sgn(&args[2]) == 0)
		return fail(e, "ValueError", "pow() 3rd argument cannot be 0");
	if (!args[0].big && !args[1].big && !args[2].big && args[1].i >= 0) {
		small_powmod(r, args[0].i, (uint64_t)args[1].i, args[2].i);
		return 0;
	}
	mpz_inits(base, m, NULL);
	mpz_set(m, zabs(&tm, &args[2]));
	mpz_set(base, zview(&ta, &args[0]));
	b = zview(&tb, &args[1]);
	if (mpz_cmp_ui(m, 1) == 0)
		mpz_set_ui(r->z, 0);
	else if (mpz_sgn(b) < 0 && mpz_invert(base, base, m) == 0)
		rc = fail(e, "ValueError",
		    "base is not invertible for the given modulus");
	else {
		mpz_abs(r->z, b);	/* b may alias r */
		mpz_powm(r->z, base, r->z, m);
		if (neg && mpz_sgn(r->z) != 0)
			mpz_sub(r->z, r->z, m);
	}
	mpz_clears(base, m, NULL);
	return rc != 0 ? rc : norm(r, e);
}

/* pow(a, n, m) for 64-bit ints, n >= 0, m != 0: the sign of m's. */
static void
small_powmod(struct pyval *r, int64_t a, uint64_t n, int64_t m)
{
	uint64_t mod = m < 0 ? -(uint64_t)m : (uint64_t)m;
	uint64_t acc = mod == 1 ? 0 : 1, base;	/* 1 % mod, m != 0 */

	base = a < 0 ? (mod - (-(uint64_t)a) % mod) % mod : (uint64_t)a % mod;
	for (; n != 0; n >>= 1) {
		if (n & 1)
			acc = (uint64_t)((uint128)acc * base % mod);
		base = (uint64_t)((uint128)base * base % mod);
	}
	if (m < 0 && acc != 0)
		set_int(r, -(int64_t)(mod - acc));
	else
		set_int(r, (int64_t)acc);
}

static int
b_round(struct pyval *r, const struct pyval *args, int n, struct pyerr *e)
{
	const struct pyval *a = &args[0];
	double x, y;

	if (n == 2) {
		if (need_int(&args[1], e) != 0)
			return -1;
		if (a->type == PYVAL_FLOAT)
			return round_float(r, a->f, &args[1], e);
		return round_int(r, a, &args[1], e);
	}
	if (a->type != PYVAL_FLOAT) {
		pyval_copy(r, a);
		r->type = PYVAL_INT;
		return 0;
	}
	x = a->f;
	y = round(x);
	if (fabs(x - y) == 0.5)
		y = 2.0 * round(x / 2.0);
	return set_integral(r, y, e);
}


/*
 * round(x, nd) for a float: x * 10^nd rounded to an integer N, ties to
 * even, on the exact values (as _Py_dg_dtoa's mode 3), then N / 10^nd
 * correctly rounded (as _Py_dg_strtod).
 */
static int
round_float(struct pyval *r, double x, const struct pyval *ndv,
    struct pyerr *e)
{
	mpz_t num, den, q;
	long nd;
	int ex, c;
	double d;

	nd = ndv->big ? (mpz_sgn(ndv->z) < 0 ? LONG_MIN : LONG_MAX) : ndv->i;
	if (!isfinite(x) || x == 0 || nd > NDIGITS_MAX) {
		set_float(r, x);
		return 0;
	}
	if (nd < NDIGITS_MIN) {
		set_float(r, 0.0 * x);
		return 0;
	}
	mpz_inits(num, den, q, NULL);
	mpz_set_d(num, ldexp(frexp(fabs(x), &ex), 53));
	mpz_set_ui(den, 1);
	if (ex >= 53)
		mpz_mul_2exp(num, num, (mp_bitcnt_t)(ex - 53));
	else
		mpz_mul_2exp(den, den, (mp_bitcnt_t)(53 - ex));
	mpz_ui_pow_ui(q, 10, (unsigned long)labs(nd));
	mpz_mul(nd >= 0 ? num : den, nd >= 0 ? num : den, q);
	mpz_fdiv_qr(q, num, num, den);
	mpz_mul_2exp(num, num, 1);
	c = mpz_cmp(num, den);
	if (c > 0 || (c == 0 && mpz_odd_p(q)))
		mpz_add_ui(q, q, 1);
	mpz_ui_pow_ui(den, 10, (unsigned long)labs(nd));
	if (nd < 0) {
		mpz_mul(q, q, den);
		mpz_set_ui(den, 1);
	}
	c = ratio_to_double(q, den, &d);
	mpz_clears(num, den, q, NULL);
	if (c != 0)
		return fail(e, "OverflowError",
		    "rounded value too large to represent");
	set_float(r, copysign(d, x));
	return 0;
}

/* round(a, nd) for an int: to a multiple of 10^-nd, ties to even. */
static int
round_int(struct pyval *r, const struct pyval *a, const struct pyval *ndv,
    struct pyerr *e)
{
	struct zview ta;
	mpz_t p, q, rem;
	mpz_srcptr x = zview(&ta, a);
	uint64_t k;
	int c;

	if (sgn(ndv) >= 0 || sgn(a) == 0) {
		pyval_copy(r, a);
		r->type = PYVAL_INT;
		return 0;
	}
	k = -(uint64_t)ndv->i;
	if (ndv->big || k > mpz_sizeinbase(x, 10) + 1) {
		set_int(r, 0);
		return 0;
	}
	mpz_inits(p, q, rem, NULL);
	mpz_ui_pow_ui(p, 10, (unsigned long)k);
	mpz_fdiv_qr(q, rem, x, p);
	mpz_mul_2exp(rem, rem, 1);
	c = mpz_cmp(rem, p);
	if (c > 0 || (c == 0 && mpz_odd_p(q)))
		mpz_add_ui(q, q, 1);
	mpz_mul(r->z, q, p);
	mpz_clears(p, q, rem, NULL);
	return norm(r, e);
}

static int
b_int(struct pyval *r, const struct pyval *a, struct pyerr *e)
{
	if (a->type == PYVAL_FLOAT)
		return set_integral(r, trunc(a->f), e);
	pyval_copy(r, a);
	r->type = PYVAL_INT;
	return 0;
}

/* The math module. */

/* CPython's is_error(): 1 (and *e set) if errno tells of an error. */
static int
is_error(double y, struct pyerr *e)
{
	if (errno == ERANGE && fabs(y) < 1.5)
		return 0;			/* an underflow */
	if (errno == EDOM)
		domain(e);
	else if (errno == ERANGE)
		range(e);
	else
		fail(e, "ValueError", "(%d, '%s')", errno, errno_text(errno));
	return 1;
}

/* A libm function of one float, as math_1 (M1) or math_1a (M1A). */
static int
math_1(const struct func *fn, struct pyval *r, const struct pyval *a,
    struct pyerr *e)
{
	double x, y;

	if (to_double(a, &x, e) != 0)
		return -1;
	errno = 0;
	y = fn->f(x);
	if (fn->kind == M1) {
		if (isnan(y) && !isnan(x))
			return domain(e);
		if (isinf(y) && isfinite(x))
			return fn->overflow ? range(e) : domain(e);
		if (isfinite(y) && errno != 0 && is_error(y, e))
			return -1;
	} else if (errno != 0 && is_error(y, e))
		return -1;
	set_float(r, y);
	return 0;
}

/* z = f(x, y) was just computed with errno cleared before: as math_2. */
static int
math_2(double x, double y, double z, struct pyval *r, struct pyerr *e)
{
	if (isnan(z))
		errno = !isnan(x) && !isnan(y) ? EDOM : 0;
	else if (isinf(z))
		errno = isfinite(x) && isfinite(y) ? ERANGE : 0;
	if (errno != 0 && is_error(z, e))
		return -1;
	set_float(r, z);
	return 0;
}

static int
call_math(int id, struct pyval *r, const struct pyval *args, int n,
    struct pyerr *e)
{
	double x, y;

	switch (id) {
	case F_LOG:
		if (loghelper(&args[0], 0, &x, e) != 0 ||
		    (n == 2 && loghelper(&args[1], 0, &y, e) != 0))
			return -1;
		if (n == 2 && y == 0)
			return fail(e, "ZeroDivisionError",
			    "float division by zero");
		set_float(r, n == 2 ? x / y : x);
		return 0;
	case F_LOG2:
	case F_LOG10:
		if (loghelper(args, id == F_LOG2 ? 2 : 10, &x, e) != 0)
			return -1;
		set_float(r, x);
		return 0;
	case F_HYPOT:
		return m_hypot(r, args, n, e);
	case F_FLOOR:
	case F_CEIL:
	case F_TRUNC:
		return m_floorceil(id, r, args, e);
	case F_LDEXP:
		return m_ldexp(r, &args[0], &args[1], e);
	case F_GCD:
	case F_LCM:
		return m_gcdlcm(id, r, args, n, e);
	case F_ISQRT:
		return m_isqrt(r, args, e);
	case F_FACTORIAL:
		return m_factorial(r, args, e);
	case F_PERM:
		if (n == 1)
			return m_factorial(r, args, e);
		return m_combperm(id, r, args, e);
	case F_COMB:
		return m_combperm(id, r, args, e);
	default:
		return call_math2(id, r, args, e);
	}
}

/* The math functions of one or two floats that are not math_1's. */
static int
call_math2(int id, struct pyval *r, const struct pyval *args,
    struct pyerr *e)
{
	static const double to_deg = 180.0 / PI, to_rad = PI / 180.0;
	double x, y = 0;

	if (to_double(&args[0], &x, e) != 0 ||
	    (funcs[id - 1].nmin == 2 && to_double(&args[1], &y, e) != 0))
		return -1;
	errno = 0;
	switch (id) {
	case F_ATAN2:
		return math_2(x, y, m_atan2(x, y), r, e);
	case F_COPYSIGN:
		return math_2(x, y, copysign(x, y), r, e);
	case F_REMAINDER:
		return math_2(x, y, m_remainder(x, y), r, e);
	case F_FMOD:
		return m_fmod(r, x, y, e);
	case F_MPOW:
		return m_pow(r, x, y, e);
	case F_ISFINITE:
	case F_ISINF:
	case F_ISNAN:
		pyval_set_bool(r, id == F_ISFINITE ? isfinite(x) :
		    id == F_ISINF ? isinf(x) : isnan(x));
		return 0;
	case F_DEGREES:
		set_float(r, x * to_deg);
		return 0;
	case F_RADIANS:
		set_float(r, x * to_rad);
		return 0;
	case F_NEXTAFTER:
		set_float(r, nextafter(x, y));
		return 0;
	default:
		set_float(r, m_ulp(x));
		return 0;
	}
}

/* log (which 0), log2 or log10 as CPython's m_log, m_log2, m_log10. */
static double
m_log(double x, int which)
{
	if (isfinite(x)) {
		if (x > 0)
			return which == 0 ? log(x) :
			    which == 2 ? log2(x) : log10(x);
		errno = EDOM;
		return x == 0 ? -HUGE_VAL : NAN;
	}
	if (isnan(x) || x > 0)
		return x;
	errno = EDOM;
	return NAN;
}

/* CPython's loghelper(): ints of any size, by their frexp() beyond floats. */
static int
loghelper(const struct pyval *a, int which, double *out, struct pyerr *e)
{
	double x, y;
	long ex;

	if (a->type != PYVAL_FLOAT) {
		if (sgn(a) <= 0)
			return domain(e);
		if (!a->big)
			*out = m_log((double)a->i, which);
		else if (z_to_double(a->z, &x) == 0)
			*out = m_log(x, which);
		else {
			z_frexp(a->z, &x, &ex);
			*out = m_log(x, which) + m_log(2.0, which) * (double)ex;
		}
		return 0;
	}
	x = a->f;
	errno = 0;
	y = m_log(x, which);
	if ((isnan(y) && !isnan(x)) || (isinf(y) && isfinite(x)))
		return domain(e);
	if (isfinite(y) && errno != 0 && is_error(y, e))
		return -1;
	*out = y;
	return 0;
}

static double
m_atan2(double y, double x)
{
	if (isnan(x) || isnan(y))
		return NAN;
	if (isinf(y)) {
		if (isinf(x))
			return copysign(copysign(1.0, x) == 1.0 ?
			    0.25 * PI : 0.75 * PI, y);
		return copysign(0.5 * PI, y);
	}
	if (isinf(x) || y == 0)
		return copysign(copysign(1.0, x) == 1.0 ? 0.0 : PI, y);
	return atan2(y, x);
}

/* IEEE remainder, by CPython's own method (exact, as libm's). */
static double
m_remainder(double x, double y)
{
	double ax, ay, m, c, r;

	if (isfinite(x) && isfinite(y)) {
		if (y == 0)
			return NAN;
		ax = fabs(x);
		ay = fabs(y);
		m = fmod(ax, ay);
		c = ay - m;
		if (m < c)
			r = m;
		else if (m > c)
			r = -c;
		else
			r = m - 2.0 * fmod(0.5 * (ax - m), ay);
		return copysign(1.0, x) * r;
	}
	if (isnan(x))
		return x;
	if (isnan(y))
		return y;
	if (isinf(x))
		return NAN;
	return x;
}

static double
m_ulp(double x)
{
	double x2;

	if (isnan(x))
		return x;
	x = fabs(x);
	if (isinf(x))
		return x;
	x2 = nextafter(x, HUGE_VAL);
	if (isinf(x2))
		return x - nextafter(x, -HUGE_VAL);
	return x2 - x;
}

static int
m_fmod(struct pyval *r, double x, double y, struct pyerr *e)
{
	double z;

	if (isinf(y) && isfinite(x)) {
		set_float(r, x);
		return 0;
	}
	errno = 0;
	z = fmod(x, y);
	if (isnan(z))
		errno = !isnan(x) && !isnan(y) ? EDOM : 0;
	if (errno != 0 && is_error(z, e))
		return -1;
	set_float(r, z);
	return 0;
}

static int
m_ldexp(struct pyval *r, const struct pyval *a, const struct pyval *b,
    struct pyerr *e)
{
	double x, y;
	long ex;

	if (to_double(a, &x, e) != 0)
		return -1;
	if (b->type == PYVAL_FLOAT)
		return fail(e, "TypeError",
		    "Expected an int as second argument to ldexp.");
	ex = b->big ? (mpz_sgn(b->z) < 0 ? LONG_MIN : LONG_MAX) : b->i;
	errno = 0;
	if (x == 0 || !isfinite(x))
		y = x;
	else if (ex > INT_MAX) {
		y = copysign(HUGE_VAL, x);
		errno = ERANGE;
	} else if (ex < INT_MIN)
		y = copysign(0.0, x);
	else {
		y = ldexp(x, (int)ex);
		errno = isinf(y) ? ERANGE : 0;
	}
	if (errno != 0 && is_error(y, e))
		return -1;
	set_float(r, y);
	return 0;
}

/* math.pow: its own special cases, then libm's pow(). */
static int
m_pow(struct pyval *r, double x, double y, struct pyerr *e)
{
	double z;
	int odd;

	errno = 0;
	if (!isfinite(x) || !isfinite(y)) {
		if (isnan(x))
			z = y == 0 ? 1.0 : x;
		else if (isnan(y))
			z = x == 1.0 ? 1.0 : y;
		else if (isinf(x)) {
			odd = isfinite(y) && fmod(fabs(y), 2.0) == 1.0;
			if (y > 0)
				z = odd ? x : fabs(x);
			else if (y == 0)
				z = 1.0;
			else
				z = odd ? copysign(0.0, x) : 0.0;
		} else if (fabs(x) == 1.0)
			z = 1.0;
		else if (y > 0 && fabs(x) > 1.0)
			z = y;
		else if (y < 0 && fabs(x) < 1.0)
			z = -y;
		else
			z = 0.0;
	} else {
		z = pow(x, y);
		if (isnan(z))
			errno = EDOM;
		else if (isinf(z))
			errno = x == 0 ? EDOM : ERANGE;
	}
	if (errno != 0 && is_error(z, e))
		return -1;
	set_float(r, z);
	return 0;
}

static int
m_hypot(struct pyval *r, const struct pyval *args, int n, struct pyerr *e)
{
	double stack[16], *v = stack, max = 0.0, x;
	int k, nan = 0, rc = 0;

	if (n > 16 && (v = malloc((size_t)n * sizeof(*v))) == NULL)
		return fail(e, "MemoryError", "%s", "");
	for (k = 0; k < n && rc == 0; k++) {
		if ((rc = to_double(&args[k], &x, e)) != 0)
			break;
		x = fabs(x);
		v[k] = x;
		nan |= isnan(x);
		if (x > max)
			max = x;
	}
	if (rc == 0)
		set_float(r, vector_norm(n, v, max, nan));
	if (v != stack)
		free(v);
	return rc;
}

/* x = hi + lo, hi of 26 bits: hi * hi, 2 * hi * lo, lo * lo are exact. */
static void
split(double x, double *hi, double *lo)
{
	double t = x * T27;

	*hi = t - (t - x);
	*lo = x - *hi;
}

/* sqrt of the sum of squares of v[0 .. n - 1] >= 0, as CPython 3.11. */
static double
vector_norm(int n, double *v, double max, int nan)
{
	double x, hi, lo, h, scale, csum = 1.0, f1 = 0.0, f2 = 0.0, f3 = 0.0;
	int k, ex;

	if (isinf(max))
		return max;
	if (nan)
		return NAN;
	if (max == 0 || n <= 1)
		return max;
	frexp(max, &ex);
	if (ex < -1023) {
		/* 2^-ex would overflow: divide by max instead */
		for (k = 0; k < n; k++) {
			x = v[k] / max;
			ADD_COMP(csum, f1, x * x);
		}
		return max * sqrt(csum - 1.0 + f1);
	}
	scale = ldexp(1.0, -ex);
	for (k = 0; k < n; k++) {
		split(v[k] * scale, &hi, &lo);
		ADD_COMP(csum, f1, hi * hi);
		ADD_COMP(csum, f2, 2.0 * hi * lo);
		f3 += lo * lo;
	}
	h = sqrt(csum - 1.0 + (f1 + f2 + f3));
	split(h, &hi, &lo);
	ADD_COMP(csum, f1, -hi * hi);
	ADD_COMP(csum, f2, -2.0 * hi * lo);
	ADD_COMP(csum, f3, -lo * lo);
	x = csum - 1.0 + (f1 + f2 + f3);
	return (h + x / (2.0 * h)) / scale;
}

/* sin(pi * x) for finite x, exact at the integers. */
static double
m_sinpi(double x)
{
	double y = fmod(fabs(x), 2.0), r;

	switch ((int)round(2.0 * y)) {
	case 0:
		r = sin(PI * y);
		break;
	case 1:
		r = cos(PI * (y - 0.5));
		break;
	case 2:
		r = sin(PI * (1.0 - y));
		break;
	case 3:
		r = -cos(PI * (y - 1.5));
		break;
	default:
		r = sin(PI * (y - 2.0));
		break;
	}
	return copysign(1.0, x) * r;
}

/* Lanczos' sum as a rational function, for x > 0. */
static double
lanczos_sum(double x)
{
	double num = 0.0, den = 0.0;
	int k;

	if (x < 5.0) {
		for (k = LANCZOS_N - 1; k >= 0; k--) {
			num = num * x + lanczos_num[k];
			den = den * x + lanczos_den[k];
		}
	} else {
		for (k = 0; k < LANCZOS_N; k++) {
			num = num / x + lanczos_num[k];
			den = den / x + lanczos_den[k];
		}
	}
	return num / den;
}

/* Gamma(x) by CPython's method; errno as C99's tgamma. */
static double
m_tgamma(double x)
{
	if (!isfinite(x)) {
		if (isnan(x) || x > 0)
			return x;
		errno = EDOM;
		return NAN;
	}
	if (x == 0) {
		errno = EDOM;
		return copysign(HUGE_VAL, x);
	}
	if (x == floor(x)) {
		if (x < 0) {
			errno = EDOM;
			return NAN;
		}
		if (x <= NGAMMA_INTEGRAL)
			return gamma_integral[(int)x - 1];
	}
	return m_tgamma_finite(x);
}

static double
m_tgamma_finite(double x)
{
	double ax = fabs(x), r, y, z, q, sp;

	if (ax < 1e-20) {
		r = 1.0 / x;
		if (isinf(r))
			errno = ERANGE;
		return r;
	}
	if (ax > 200.0) {
		if (x < 0)
			return 0.0 / m_sinpi(x);
		errno = ERANGE;
		return HUGE_VAL;
	}
	y = ax + lanczos_g_minus_half;
	if (ax > lanczos_g_minus_half) {
		q = y - ax;
		z = q - lanczos_g_minus_half;
	} else {
		q = y - lanczos_g_minus_half;
		z = q - ax;
	}
	z = z * lanczos_g / y;
	if (x < 0) {
		r = -PI / m_sinpi(ax) / ax * exp(y) / lanczos_sum(ax);
		r -= z * r;
		if (ax < 140.0)
			r /= pow(y, ax - 0.5);
		else {
			sp = pow(y, ax / 2.0 - 0.25);
			r /= sp;
			r /= sp;
		}
	} else {
		r = lanczos_sum(ax) / exp(y);
		r += z * r;
		if (ax < 140.0)
			r *= pow(y, ax - 0.5);
		else {
			sp = pow(y, ax / 2.0 - 0.25);
			r *= sp;
			r *= sp;
		}
	}
	if (isinf(r))
		errno = ERANGE;
	return r;
}

/* log|Gamma(x)| by CPython's method. */
static double
m_lgamma(double x)
{
	double r, ax;

	if (!isfinite(x))
		return isnan(x) ? x : HUGE_VAL;
	if (x == floor(x) && x <= 2.0) {
		if (x <= 0) {
			errno = EDOM;
			return HUGE_VAL;
		}
		return 0.0;
	}
	ax = fabs(x);
	if (ax < 1e-20)
		return -log(ax);
	r = log(lanczos_sum(ax)) - lanczos_g;
	r += (ax - 0.5) * (log(ax + lanczos_g - 0.5) - 1);
	if (x < 0)
		r = LOGPI - log(fabs(m_sinpi(ax))) - log(ax) - r;
	if (isinf(r))
		errno = ERANGE;
	return r;
}

/* floor, ceil, trunc: ints as they are, floats to ints. */
static int
m_floorceil(int id, struct pyval *r, const struct pyval *a, struct pyerr *e)
{
	if (a->type != PYVAL_FLOAT) {
		pyval_copy(r, a);
		r->type = PYVAL_INT;
		return 0;
	}
	return set_integral(r, id == F_FLOOR ? floor(a->f) :
	    id == F_CEIL ? ceil(a->f) : trunc(a->f), e);
}

static int
m_gcdlcm(int id, struct pyval *r, const struct pyval *args, int n,
    struct pyerr *e)
{
	struct pyval acc;
	int k, rc = 0;

	for (k = 0; k < n; k++)
		if (need_int(&args[k], e) != 0)
			return -1;
	pyval_init(&acc);
	set_int(&acc, id == F_GCD ? 0 : 1);
	for (k = 0; k < n && rc == 0; k++) {
		if (id == F_LCM)
			rc = lcm2(&acc, &args[k], e);
		else
			gcd2(&acc, &args[k]);
	}
	if (rc == 0) {
		if (sgn(&acc) < 0)
			rc = pyval_unop(PYOP_NEG, r, &acc, e);
		else
			pyval_copy(r, &acc);
	}
	pyval_clear(&acc);
	return rc;
}

static uint64_t
gcd_u64(uint64_t u, uint64_t w)
{
	uint64_t t;

	while (w != 0) {
		t = u % w;
		u = w;
		w = t;
	}
	return u;
}

/* acc = gcd(acc, b) >= 0: Euclid's on 64 bits while both fit. */
static void
gcd2(struct pyval *acc, const struct pyval *b)
{
	struct zview ta, tb;
	uint64_t u;

	if (acc->big || b->big) {
		mpz_gcd(acc->z, zview(&ta, acc), zview(&tb, b));
		(void)norm(acc, NULL);
		return;
	}
	u = gcd_u64(uabs(acc->i), uabs(b->i));
	if (u <= INT64_MAX)
		set_int(acc, (int64_t)u);
	else {
		mpz_set_ui(acc->z, u);
		(void)norm(acc, NULL);
	}
}

/* acc = lcm(acc, b) >= 0. */
static int
lcm2(struct pyval *acc, const struct pyval *b, struct pyerr *e)
{
	struct zview ta, tb;
	mpz_t g;
	uint128 l;
	int rc = 0;

	if (sgn(acc) == 0 || sgn(b) == 0) {
		set_int(acc, 0);
		return 0;
	}
	if (!acc->big && !b->big) {
		l = (uint128)(uabs(acc->i) / gcd_u64(uabs(acc->i),
		    uabs(b->i))) * uabs(b->i);
		if (l <= INT64_MAX) {
			set_int(acc, (int64_t)l);
			return 0;
		}
	}
	mpz_init(g);
	mpz_gcd(g, zview(&ta, acc), zview(&tb, b));
	mpz_divexact(g, zabs(&ta, acc), g);
	if (mpz_sizeinbase(g, 2) + bitlen(b) > PYVAL_MAX_BITS + 1)
		rc = too_big(e);
	else {
		mpz_mul(acc->z, g, zabs(&tb, b));
		rc = norm(acc, e);
	}
	mpz_clear(g);
	return rc;
}

static int
m_isqrt(struct pyval *r, const struct pyval *a, struct pyerr *e)
{
	struct zview ta;
	uint64_t s, n;

	if (need_int(a, e) != 0)
		return -1;
	if (sgn(a) < 0)
		return fail(e, "ValueError",
		    "isqrt() argument must be nonnegative");
	if (a->big) {
		mpz_sqrt(r->z, zview(&ta, a));
		return norm(r, e);
	}
	n = (uint64_t)a->i;
	s = (uint64_t)sqrt((double)n);
	while ((uint128)s * s > n)
		s--;
	while ((uint128)(s + 1) * (s + 1) <= n)
		s++;
	set_int(r, (int64_t)s);
	return 0;
}

static int
m_factorial(struct pyval *r, const struct pyval *a, struct pyerr *e)
{
	int64_t f = 1, k;

	if (need_int(a, e) != 0)
		return -1;
	if (a->big && mpz_sgn(a->z) > 0)
		return fail(e, "OverflowError",
		    "factorial() argument should not exceed %lld",
		    (long long)LONG_MAX);
	if (sgn(a) < 0)
		return fail(e, "ValueError",
		    "factorial() not defined for negative values");
	if (a->i <= 20) {
		for (k = 2; k <= a->i; k++)
			f *= k;
		set_int(r, f);
		return 0;
	}
	if (lgamma((double)a->i + 1) / M_LN2 > (double)PYVAL_MAX_BITS + 1)
		return too_big(e);
	mpz_fac_ui(r->z, (unsigned long)a->i);
	return norm(r, e);
}

/* comb(n, k) and perm(n, k) for ints, as CPython 3.11 checks them. */
static int
m_combperm(int id, struct pyval *r, const struct pyval *args,
    struct pyerr *e)
{
	struct zview tn, tk;
	mpz_t t;
	mpz_srcptr n, k;
	double dn, dk, est;
	unsigned long j;

	if (need_int(&args[0], e) != 0 || need_int(&args[1], e) != 0)
		return -1;
	if (sgn(&args[0]) < 0)
		return fail(e, "ValueError",
		    "n must be a non-negative integer");
	if (sgn(&args[1]) < 0)
		return fail(e, "ValueError",
		    "k must be a non-negative integer");
	if (!args[0].big && !args[1].big && small_combperm(id, r,
	    (uint64_t)args[0].i, (uint64_t)args[1].i) == 0)
		return 0;
	n = zview(&tn, &args[0]);
	k = zview(&tk, &args[1]);
	if (mpz_cmp(k, n) > 0) {
		set_int(r, 0);
		return 0;
	}
	mpz_init(t);
	mpz_sub(t, n, k);
	if (id == F_COMB && mpz_cmp(t, k) < 0)
		k = t;
	if (!mpz_fits_slong_p(k)) {
		mpz_clear(t);
		return fail(e, "OverflowError", id == F_COMB ?
		    "min(n - k, k) must not exceed %lld" :
		    "k must not exceed %lld", (long long)LONG_MAX);
	}
	j = mpz_get_ui(k);
	dn = mpz_get_d(n);
	dk = (double)j;
	if (dn < TWO53)
		est = lgamma(dn + 1) - lgamma(dn - dk + 1) -
		    (id == F_COMB ? lgamma(dk + 1) : 0);
	else
		est = dk * (log(dn) - (id == F_COMB ? log1p(dk) : M_LN2));
	if (est / M_LN2 > (double)PYVAL_MAX_BITS + 1) {
		mpz_clear(t);
		return too_big(e);
	}
	mpz_bin_ui(r->z, n, j);
	if (id == F_PERM) {
		mpz_fac_ui(t, j);
		mpz_mul(r->z, r->z, t);
	}
	mpz_clear(t);
	return norm(r, e);
}

/* comb(n, k) or perm(n, k) when it fits in 63 bits: 0, else 1. */
static int
small_combperm(int id, struct pyval *r, uint64_t n, uint64_t k)
{
	uint128 acc = 1;
	uint64_t i;

	if (k > n) {
		set_int(r, 0);
		return 0;
	}
	if (id == F_COMB && n - k < k)
		k = n - k;
	for (i = 1; i <= k; i++) {
		/* comb: acc = C(n - k + i, i), exactly divisible */
		if (id == F_COMB)
			acc = acc * (n - k + i) / i;
		else
			acc *= n - i + 1;
		if (acc > INT64_MAX)
			return 1;
	}
	set_int(r, (int64_t)acc);
	return 0;
}

/* Constants and repr(). */

int
pyconst_lookup(const char *name, size_t len, struct pyval *v, int *builtin)
{
	static const struct {
		const char	*name;
		int		 builtin;
		int		 type;
		double		 f;
	} c[] = {
		{ "True", 1, PYVAL_BOOL, 1 },
		{ "False", 1, PYVAL_BOOL, 0 },
		{ "pi", 0, PYVAL_FLOAT, PI },
		{ "e", 0, PYVAL_FLOAT, 2.718281828459045235360287471352662498 },
		{ "tau", 0, PYVAL_FLOAT, 2 * PI },
		{ "inf", 0, PYVAL_FLOAT, HUGE_VAL },
		{ "nan", 0, PYVAL_FLOAT, NAN },
	};
	size_t k;

	if (len > 5 && memcmp(name, "math.", 5) == 0) {
		name += 5;
		len -= 5;
	}
	for (k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		if (strlen(c[k].name) != len ||
		    memcmp(c[k].name, name, len) != 0)
			continue;
		if (c[k].type == PYVAL_BOOL)
			pyval_set_bool(v, c[k].f != 0);
		else
			set_float(v, c[k].f);
		*builtin = c[k].builtin;
		return 1;
	}
	return 0;
}

int
pyval_repr(const struct pyval *a, char *buf, size_t len)
{
	char tmp[DSUM_FORMAT_MAX];
	int n;

	if (a->type == PYVAL_BOOL)
		n = snprintf(buf, len, "%s", a->i ? "True" : "False");
	else if (a->type == PYVAL_FLOAT) {
		dsum_format(a->f, tmp, sizeof(tmp));
		n = snprintf(buf, len, "%s", tmp);
	} else if (!a->big)
		n = snprintf(buf, len, "%lld", (long long)a->i);
	else {
		if (mpz_sizeinbase(a->z, 10) + 2 > len)
			return -1;
		mpz_get_str(buf, 10, a->z);
		return 0;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
