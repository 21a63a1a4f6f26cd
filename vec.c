/* vec.c - an expression over arrays of consecutive elements: eval.c's fast path */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "vec.h"

#define EXACT53		((int64_t)1 << 53)	/* ints that doubles hold */

/*
 * The loops that vectorize: NAME_loop(), always inlined, and NAME(), built
 * by VEC_LOOP(NAME, (parameters), (arguments)), which runs it.  With GCC on
 * x86-64, NAME() runs a copy built for AVX-512, one for AVX2 with FMA or
 * the plain one, as cpu_features() says (cpu.h); the copies give the same
 * bits, as -std=c11 fuses no multiply-add.  Elsewhere there is one copy.
 */
#define VEC_BODY	static inline __attribute__((always_inline)) void
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VEC_LOOP(f, params, args)					\
	__attribute__((target("arch=x86-64-v4"))) static void		\
	f##_v4 params							\
	{								\
		f##_loop args;						\
	}								\
	__attribute__((target("arch=x86-64-v3"))) static void		\
	f##_v3 params							\
	{								\
		f##_loop args;						\
	}								\
	static void							\
	f params							\
	{								\
		unsigned cpu = cpu_features();				\
									\
		if (cpu & CPU_X86_64_V4)				\
			f##_v4 args;					\
		else if (cpu & CPU_X86_64_V3)				\
			f##_v3 args;					\
		else							\
			f##_loop args;					\
	}
#else
#define VEC_LOOP(f, params, args)					\
	static void							\
	f params							\
	{								\
		f##_loop args;						\
	}
#endif
#define INT64_LIMIT	9223372036854775808.0	/* 2^63 */
#define VEC_MAX_ARRAYS	256		/* beyond, element by element */

/* What a step does, on what. */
enum {
	S_BIN = 1,	/* a OP b, both of type t (op: enum pyval_binop) */
	S_IDIV,		/* int / int */
	S_CMP,		/* a OP b, both of type t (op: enum pyval_cmpop) */
	S_ICMPF,	/* int a OP float b */
	S_FCMPI,	/* float a OP int b */
	S_NEG, S_POS, S_INVERT, S_NOT, S_ABS,
	S_MIN, S_MAX,	/* Python's min(a, b), max(a, b): b only if it wins */
	S_TOFLOAT,	/* int to float, as CPython rounds it */
	S_TOINT,	/* float to int: op 0 trunc, 1 floor, 2 ceil, 3 round */
	S_BOOL,		/* bool(a) */
	S_FN,		/* fn(a), a float; op 1: a must be > 0 (log) */
	S_SQUARE,	/* a ** 2, a float */
	S_COPY,		/* a */
	S_SELECT	/* a (an int mask) ? b : c */
};

struct step {
	int kind;
	int op;
	int t;			/* the operands' type */
	const void *a, *b;
	void *out;
	double (*fn)(double);
	const void *c;		/* S_SELECT's third */
};

/* A value of the program while planning: its type and its array. */
struct slot {
	int type;
	void *p;
};

struct vec {
	struct step *steps;
	size_t nsteps;
	int64_t **vars;
	uint32_t nvars;
	void **arrays;		/* all arrays, to free */
	size_t narrays, caparrays;
	uint8_t *bad;
	int type;		/* the result's */
	void *result;
};

struct planner {
	struct vec *v;
	struct slot *stack;
	void **slots;		/* one array per stack position */
	uint32_t sp;
	const void *two;	/* the array of the constant 2 or 2.0, if any */
	const void *zero;	/* an array of int 0: False */
	struct pending *pend;	/* the jumps not yet joined, innermost last */
	uint32_t npend;
	int failed;
};

/*
 * A jump of the program becomes a select over lanes: both ways are
 * computed, and each lane takes its own.  Until the code joins at
 * target, the mask and the value of the way already planned wait here.
 */
struct pending {
	int op;			/* EXPR_AND, EXPR_OR, EXPR_IFNOT, EXPR_CHAIN */
	uint32_t target;	/* where the ways join (IFNOT: its JUMP's) */
	int64_t *mask;		/* which lanes take the first way */
	struct slot first;	/* AND, OR, IFNOT: the first way's value */
	int have_first;		/* IFNOT: its JUMP was seen */
};

static void	*new_array(struct vec *v);
static struct step *add_step(struct planner *pl, int kind, int op, int t,
		    const void *a, const void *b, void *out);
static void	plan_const(struct planner *pl, const struct pyval *c);
static void	plan_binop(struct planner *pl, int op);
static void	plan_unop(struct planner *pl, int op);
static void	plan_compare(struct planner *pl, int op);
static void	plan_compare_into(struct planner *pl, int op, int64_t *mask);
static void	plan_call(struct planner *pl, int id, int nargs);
static void	to_float(struct planner *pl, uint32_t at);
static void	plan_jump(struct planner *pl, const struct expr_insn *in,
		    uint32_t pc);
static int64_t	*save_mask(struct planner *pl, const struct slot *s);
static void	join(struct planner *pl, uint32_t pc);
static void	add_select(struct planner *pl, int t, const int64_t *mask,
		    const void *b, const void *c, void *out);
static void	select_lanes(const struct step *s, size_t n);
static int	fn_of(int id, double (**fn)(double), int *kind);
static void	run_step(const struct step *s, size_t n, uint8_t *bad);
static void	bin_int(const struct step *s, size_t n, uint8_t *bad);
static void	bin_float(const struct step *s, size_t n, uint8_t *bad);
static void	cmp(const struct step *s, size_t n, uint8_t *bad);
static void	unary(const struct step *s, size_t n, uint8_t *bad);
static void	convert(const struct step *s, size_t n, uint8_t *bad);
static int64_t	ipow(int64_t a, int64_t b, uint8_t *bad);
static int64_t	int_op(int op, int64_t a, int64_t b, uint8_t *bad);
static void	square(const double *a, double *o, size_t n, uint8_t *bad);
static void	to_double(const int64_t *a, double *o, size_t n);
static void	int_div(const int64_t *a, const int64_t *b, double *o,
		    size_t n, uint8_t *bad);
static void	to_int(int op, const double *a, int64_t *o, size_t n,
		    uint8_t *bad);
static void	fill(int64_t *v, int64_t start, int64_t step, size_t n);
static void	float_op(int op, const double *a, const double *b, double *o,
		    size_t n, uint8_t *bad);
static void	float_divmod(double a, double b, double *div, double *mod);
static int	compare(int op, double a, double b);

struct vec *
vec_plan(const struct expr *x)
{
	struct planner pl;
	const struct expr_insn *in;
	uint32_t i;

	memset(&pl, 0, sizeof(pl));
	if ((pl.v = calloc(1, sizeof(*pl.v))) == NULL ||
	    (pl.stack = calloc(x->stack + 1, sizeof(*pl.stack))) == NULL ||
	    (pl.slots = calloc(x->stack + 1, sizeof(*pl.slots))) == NULL ||
	    (pl.v->vars = calloc(x->nvars + 1, sizeof(*pl.v->vars))) == NULL ||
	    (pl.pend = calloc(x->ncode + 1, sizeof(*pl.pend))) == NULL)
		pl.failed = 1;
	pl.v->nvars = pl.failed ? 0 : x->nvars;
	for (i = 0; !pl.failed && i < x->nvars; i++)
		pl.failed = (pl.v->vars[i] = new_array(pl.v)) == NULL;
	for (i = 0; !pl.failed && i <= x->stack; i++)
		pl.failed = (pl.slots[i] = new_array(pl.v)) == NULL;
	if (!pl.failed && (pl.v->bad = new_array(pl.v)) == NULL)
		pl.failed = 1;
	if (!pl.failed && (pl.zero = new_array(pl.v)) == NULL)
		pl.failed = 1;
	if (!pl.failed)
		memset((void *)pl.zero, 0, VEC_LANES * sizeof(int64_t));
	for (i = 0; i < x->ncode && !pl.failed; i++) {
		in = &x->code[i];
		join(&pl, i);
		switch (in->op) {
		case EXPR_VAR:
			pl.stack[pl.sp++] = (struct slot){ VEC_INT,
			    pl.v->vars[in->arg] };
			break;
		case EXPR_CONST:
			plan_const(&pl, &x->consts[in->arg]);
			break;
		case EXPR_BINOP:
			plan_binop(&pl, (int)in->arg);
			break;
		case EXPR_UNOP:
			plan_unop(&pl, (int)in->arg);
			break;
		case EXPR_NOT:
			add_step(&pl, S_NOT, 0, pl.stack[pl.sp - 1].type,
			    pl.stack[pl.sp - 1].p, NULL, pl.slots[pl.sp - 1]);
			pl.stack[pl.sp - 1] = (struct slot){ VEC_INT,
			    pl.slots[pl.sp - 1] };
			break;
		case EXPR_COMPARE:
			plan_compare(&pl, (int)in->arg);
			break;
		case EXPR_CALL:
			plan_call(&pl, (int)in->arg, in->nargs);
			break;
		default:
			plan_jump(&pl, in, i);
			break;
		}
	}
	join(&pl, x->ncode);
	if (!pl.failed && pl.npend > 0)
		pl.failed = 1;
	if (!pl.failed) {
		pl.v->type = pl.stack[0].type;
		pl.v->result = pl.stack[0].p;
	}
	free(pl.stack);
	free(pl.slots);
	free(pl.pend);
	if (pl.failed) {
		vec_free(pl.v);
		return NULL;
	}
	return pl.v;
}

void
vec_free(struct vec *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->narrays; i++)
		free(v->arrays[i]);
	free(v->arrays);
	free(v->vars);
	free(v->steps);
	free(v);
}

int
vec_type(const struct vec *v)
{
	return v->type;
}

int
vec_run(struct vec *v, const int64_t *start, const int64_t *step, size_t n,
    void **out, const uint8_t **bad)
{
	uint32_t j;
	size_t i;

	for (j = 0; j < v->nvars; j++)
		fill(v->vars[j], start[j], step[j], n);
	memset(v->bad, 0, n);
	for (i = 0; i < v->nsteps; i++)
		run_step(&v->steps[i], n, v->bad);
	*out = v->result;
	*bad = v->bad;
	return v->type;
}

/* start, start + step, ... modulo 2^64, as mapreduce_value() */
VEC_BODY
fill_loop(int64_t *v, int64_t start, int64_t step, size_t n)
{
	size_t t;

	for (t = 0; t < n; t++)
		v[t] = (int64_t)((uint64_t)start + t * (uint64_t)step);
}
VEC_LOOP(fill, (int64_t *v, int64_t start, int64_t step, size_t n),
    (v, start, step, n))

static void *
new_array(struct vec *v)
{
	void **grown, *p;
	size_t cap;

	if (v->narrays == VEC_MAX_ARRAYS)	/* a long expression: 2 MB */
		return NULL;
	if (v->narrays == v->caparrays) {
		cap = v->caparrays ? 2 * v->caparrays : 16;
		if ((grown = realloc(v->arrays, cap * sizeof(*grown))) == NULL)
			return NULL;
		v->arrays = grown;
		v->caparrays = cap;
	}
	if ((p = aligned_alloc(64, VEC_LANES * sizeof(double))) == NULL)
		return NULL;
	v->arrays[v->narrays++] = p;
	return p;
}

static struct step *
add_step(struct planner *pl, int kind, int op, int t, const void *a,
    const void *b, void *out)
{
	struct step *grown;

	if (pl->failed)
		return NULL;
	if ((grown = realloc(pl->v->steps, (pl->v->nsteps + 1) *
	    sizeof(*grown))) == NULL) {
		pl->failed = 1;
		return NULL;
	}
	pl->v->steps = grown;
	grown += pl->v->nsteps++;
	*grown = (struct step){ kind, op, t, a, b, out, NULL, NULL };
	return grown;
}

/* A constant gets an array of its own, filled once. */
static void
plan_const(struct planner *pl, const struct pyval *c)
{
	void *p;
	size_t t;

	if ((c->type == PYVAL_INT && c->big) || (p = new_array(pl->v)) ==
	    NULL) {
		pl->failed = 1;
		return;
	}
	for (t = 0; t < VEC_LANES; t++) {
		if (c->type == PYVAL_FLOAT)
			((double *)p)[t] = c->f;
		else
			((int64_t *)p)[t] = c->i;
	}
	pl->stack[pl->sp++] = (struct slot){ c->type == PYVAL_FLOAT ?
	    VEC_FLOAT : VEC_INT, p };
	if ((c->type == PYVAL_FLOAT && c->f == 2.0) ||
	    (c->type == PYVAL_INT && c->i == 2))
		pl->two = p;
}

/* The value at stack position `at` becomes a float, in its slot. */
static void
to_float(struct planner *pl, uint32_t at)
{
	if (pl->stack[at].type == VEC_FLOAT)
		return;
	add_step(pl, S_TOFLOAT, 0, VEC_INT, pl->stack[at].p, NULL,
	    pl->slots[at]);
	pl->stack[at] = (struct slot){ VEC_FLOAT, pl->slots[at] };
}

static void
plan_binop(struct planner *pl, int op)
{
	struct slot *a = &pl->stack[pl->sp - 2], *b = &pl->stack[pl->sp - 1];
	void *out = pl->slots[pl->sp - 2];
	int floats = a->type == VEC_FLOAT || b->type == VEC_FLOAT;

	if (floats && op >= PYOP_LSHIFT) {	/* TypeError: exactly */
		pl->failed = 1;
		return;
	}
	if (op == PYOP_TRUEDIV && !floats)
		add_step(pl, S_IDIV, op, VEC_INT, a->p, b->p, out);
	else if (op == PYOP_POW && a->type == VEC_FLOAT && b->p == pl->two)
		add_step(pl, S_SQUARE, op, VEC_FLOAT, a->p, NULL, out);
	else {
		if (floats) {
			to_float(pl, pl->sp - 2);
			to_float(pl, pl->sp - 1);
		}
		add_step(pl, S_BIN, op, floats ? VEC_FLOAT : VEC_INT, a->p,
		    b->p, out);
	}
	*a = (struct slot){ floats || op == PYOP_TRUEDIV ? VEC_FLOAT :
	    VEC_INT, out };
	pl->sp--;
}

static void
plan_unop(struct planner *pl, int op)
{
	struct slot *a = &pl->stack[pl->sp - 1];

	if (op == PYOP_INVERT && a->type == VEC_FLOAT) {
		pl->failed = 1;
		return;
	}
	add_step(pl, op == PYOP_NEG ? S_NEG : op == PYOP_POS ? S_POS :
	    S_INVERT, 0, a->type, a->p, NULL, pl->slots[pl->sp - 1]);
	a->p = pl->slots[pl->sp - 1];
}

/*
 * a < b < c: the mask is a < b; b moves down to a's place, as the left
 * side of the next comparison.
 */
static void
plan_compare_into(struct planner *pl, int op, int64_t *mask)
{
	struct slot *a = &pl->stack[pl->sp - 2], *b = &pl->stack[pl->sp - 1];
	void *out = pl->slots[pl->sp - 2];

	if (a->type == b->type)
		add_step(pl, S_CMP, op, a->type, a->p, b->p, mask);
	else
		add_step(pl, a->type == VEC_INT ? S_ICMPF : S_FCMPI, op, 0,
		    a->p, b->p, mask);
	add_step(pl, S_COPY, 0, b->type, b->p, NULL, out);
	*a = (struct slot){ b->type, out };
	pl->sp--;
}

static void
plan_compare(struct planner *pl, int op)
{
	struct slot *a = &pl->stack[pl->sp - 2], *b = &pl->stack[pl->sp - 1];
	void *out = pl->slots[pl->sp - 2];

	if (a->type == b->type)
		add_step(pl, S_CMP, op, a->type, a->p, b->p, out);
	else
		add_step(pl, a->type == VEC_INT ? S_ICMPF : S_FCMPI, op, 0,
		    a->p, b->p, out);
	*a = (struct slot){ VEC_INT, out };
	pl->sp--;
}

/*
 * AND, OR: the mask is truth(A) and A waits; IFNOT: the mask is the
 * condition, and its JUMP makes A wait while B is planned; CHAIN: the
 * mask is a OP b, and b goes on as the left side of the next comparison.
 */
static void
plan_jump(struct planner *pl, const struct expr_insn *in, uint32_t pc)
{
	struct pending *p;
	struct slot *top = &pl->stack[pl->sp - 1];
	void *copy;

	if (in->op == EXPR_JUMP) {
		p = pl->npend > 0 ? &pl->pend[pl->npend - 1] : NULL;
		if (p == NULL || p->op != EXPR_IFNOT || p->have_first ||
		    (copy = new_array(pl->v)) == NULL) {
			pl->failed = 1;
			return;
		}
		add_step(pl, S_COPY, 0, top->type, top->p, NULL, copy);
		p->first = (struct slot){ top->type, copy };
		p->have_first = 1;
		p->target = in->target;
		pl->sp--;
		return;
	}
	p = &pl->pend[pl->npend++];
	memset(p, 0, sizeof(*p));
	p->op = in->op;
	p->target = in->op == EXPR_IFNOT ? UINT32_MAX : in->target;
	(void)pc;
	if (in->op == EXPR_CHAIN) {
		if ((p->mask = new_array(pl->v)) == NULL) {
			pl->failed = 1;
			return;
		}
		plan_compare_into(pl, (int)in->arg, p->mask);
		return;
	}
	if ((p->mask = save_mask(pl, top)) == NULL)
		return;
	if (in->op != EXPR_IFNOT) {
		if ((copy = new_array(pl->v)) == NULL) {
			pl->failed = 1;
			return;
		}
		add_step(pl, S_COPY, 0, top->type, top->p, NULL, copy);
		p->first = (struct slot){ top->type, copy };
	}
	pl->sp--;
}

static int64_t *
save_mask(struct planner *pl, const struct slot *s)
{
	int64_t *m;

	if ((m = new_array(pl->v)) == NULL) {
		pl->failed = 1;
		return NULL;
	}
	add_step(pl, S_BOOL, 0, s->type, s->p, NULL, m);
	return m;
}

/* out = mask ? b : c */
static void
add_select(struct planner *pl, int t, const int64_t *mask, const void *b,
    const void *c, void *out)
{
	struct step *st;

	if ((st = add_step(pl, S_SELECT, 0, t, mask, b, out)) != NULL)
		st->c = c;
}

/* The ways that join at pc: one select each, innermost first. */
static void
join(struct planner *pl, uint32_t pc)
{
	struct pending *p;
	struct slot *top;
	void *out;

	while (!pl->failed && pl->npend > 0 &&
	    pl->pend[pl->npend - 1].target == pc) {
		p = &pl->pend[--pl->npend];
		top = &pl->stack[pl->sp - 1];
		out = pl->slots[pl->sp - 1];
		if (p->op == EXPR_CHAIN) {
			add_select(pl, VEC_INT, p->mask, top->p, pl->zero, out);
			*top = (struct slot){ VEC_INT, out };
			continue;
		}
		if (p->first.type != top->type) {
			pl->failed = 1;	/* a type that depends on the lane */
			return;
		}
		if (p->op == EXPR_OR)
			add_select(pl, top->type, p->mask, p->first.p, top->p,
			    out);
		else if (p->op == EXPR_AND)
			add_select(pl, top->type, p->mask, top->p, p->first.p,
			    out);
		else
			add_select(pl, top->type, p->mask, p->first.p, top->p,
			    out);
		top->p = out;
	}
}

/* What vec.c can do with function id: 1 abs, 2 min, 3 max, 4 float,
   5 int and trunc, 6 floor, 7 ceil, 8 round, 9 bool, 10 a libm function
   of a float (*fn; *kind 1 if it needs a positive argument), or 0. */
static int
fn_of(int id, double (**fn)(double), int *kind)
{
	static const struct {
		const char *name;
		int what;
		double (*fn)(double);
	} fns[] = { { "abs", 1, NULL }, { "min", 2, NULL },
	    { "max", 3, NULL }, { "float", 4, NULL }, { "int", 5, NULL },
	    { "math.trunc", 5, NULL }, { "math.floor", 6, NULL },
	    { "math.ceil", 7, NULL }, { "round", 8, NULL }, { "bool", 9, NULL },
	    { "math.sqrt", 10, sqrt }, { "math.exp", 10, exp },
	    { "math.sin", 10, sin }, { "math.cos", 10, cos },
	    { "math.tan", 10, tan }, { "math.atan", 10, atan },
	    { "math.asin", 10, asin }, { "math.acos", 10, acos },
	    { "math.sinh", 10, sinh }, { "math.cosh", 10, cosh },
	    { "math.tanh", 10, tanh }, { "math.expm1", 10, expm1 },
	    { "math.log1p", 10, log1p }, { "math.fabs", 10, fabs },
	    { "math.cbrt", 10, cbrt }, { "math.exp2", 10, exp2 },
	    { "math.log", 11, log }, { "math.log2", 11, log2 },
	    { "math.log10", 11, log10 } };
	size_t i;
	int lo, hi, builtin;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		if (pyfunc_lookup(fns[i].name, strlen(fns[i].name), &lo, &hi,
		    &builtin) != id)
			continue;
		*fn = fns[i].fn;
		*kind = fns[i].what == 11;
		return fns[i].what > 10 ? 10 : fns[i].what;
	}
	return 0;
}

static void
plan_call(struct planner *pl, int id, int nargs)
{
	uint32_t base = pl->sp - (uint32_t)nargs, k;
	struct slot *a = &pl->stack[base];
	double (*fn)(double) = NULL;
	void *out = pl->slots[base];
	struct step *st;
	int what, kind = 0;

	what = nargs == 0 ? 0 : fn_of(id, &fn, &kind);
	if (what == 0 || (what != 2 && what != 3 && nargs != 1)) {
		pl->failed = 1;
		return;
	}
	switch (what) {
	case 1:
		add_step(pl, S_ABS, 0, a->type, a->p, NULL, out);
		a->p = out;
		break;
	case 2:
	case 3:
		for (k = 1; k < (uint32_t)nargs; k++) {
			if (pl->stack[base + k].type != a->type) {
				pl->failed = 1;	/* the type is the winner's */
				return;
			}
			add_step(pl, what == 2 ? S_MIN : S_MAX, 0, a->type,
			    a->p, pl->stack[base + k].p, out);
			a->p = out;
		}
		break;
	case 4:
		to_float(pl, base);
		break;
	case 9:
		add_step(pl, S_BOOL, 0, a->type, a->p, NULL, out);
		*a = (struct slot){ VEC_INT, out };
		break;
	case 10:
		to_float(pl, base);
		if ((st = add_step(pl, S_FN, kind, VEC_FLOAT, a->p, NULL,
		    out)) != NULL)
			st->fn = fn;
		a->p = out;
		break;
	default:		/* int, trunc, floor, ceil, round */
		if (a->type == VEC_FLOAT)
			add_step(pl, S_TOINT, what - 5, VEC_FLOAT, a->p, NULL,
			    out);
		*a = (struct slot){ VEC_INT, a->type == VEC_FLOAT ? out :
		    a->p };
		break;
	}
	pl->sp = base + 1;
}

static void
run_step(const struct step *s, size_t n, uint8_t *bad)
{
	switch (s->kind) {
	case S_BIN:
		if (s->t == VEC_INT)
			bin_int(s, n, bad);
		else
			bin_float(s, n, bad);
		break;
	case S_SQUARE:
		square(s->a, s->out, n, bad);
		break;
	case S_SELECT:
		select_lanes(s, n);
		break;
	case S_COPY:
		memcpy(s->out, s->a, n * sizeof(int64_t));
		break;
	case S_IDIV:
	case S_TOFLOAT:
	case S_TOINT:
		convert(s, n, bad);
		break;
	case S_CMP:
	case S_ICMPF:
	case S_FCMPI:
		cmp(s, n, bad);
		break;
	default:
		unary(s, n, bad);
		break;
	}
}

/* Integers: every operation checks, and flags what would not fit. */
/*
 * The operands are read into locals first: GCC 12 computes
 * __builtin_*_overflow's flag by reading its operands again after it has
 * stored the result, which is wrong when the result overwrites an operand
 * (an operation in place, out == a).
 */
static void
bin_int(const struct step *s, size_t n, uint8_t *bad)
{
	const int64_t *a = s->a, *b = s->b;
	int64_t *o = s->out, x, y, r;
	size_t t;
	int ov;

	switch (s->op) {
	case PYOP_ADD:
	case PYOP_SUB:
	case PYOP_MUL:
		for (t = 0; t < n; t++) {
			x = a[t];
			y = b[t];
			ov = s->op == PYOP_ADD ? __builtin_add_overflow(x, y, &r) :
			    s->op == PYOP_SUB ? __builtin_sub_overflow(x, y, &r) :
			    __builtin_mul_overflow(x, y, &r);
			bad[t] |= (uint8_t)ov;
			o[t] = r;
		}
		break;
	case PYOP_AND:
		for (t = 0; t < n; t++)
			o[t] = a[t] & b[t];
		break;
	case PYOP_OR:
		for (t = 0; t < n; t++)
			o[t] = a[t] | b[t];
		break;
	case PYOP_XOR:
		for (t = 0; t < n; t++)
			o[t] = a[t] ^ b[t];
		break;
	default:
		for (t = 0; t < n; t++)
			o[t] = int_op(s->op, a[t], b[t], &bad[t]);
		break;
	}
}

/* // % ** << >> of one lane. */
static int64_t
int_op(int op, int64_t a, int64_t b, uint8_t *bad)
{
	int64_t q, r;

	switch (op) {
	case PYOP_FLOORDIV:
	case PYOP_MOD:
		if (b == 0 || (b == -1 && a == INT64_MIN)) {
			*bad = 1;
			return 0;
		}
		q = a / b;
		r = a % b;
		if (r != 0 && (r < 0) != (b < 0)) {
			q--;
			r += b;
		}
		return op == PYOP_MOD ? r : q;
	case PYOP_POW:
		return ipow(a, b, bad);
	case PYOP_LSHIFT:
		if (b >= 0 && b <= 62 && a <= (INT64_MAX >> b) &&
		    a >= (INT64_MIN >> b))
			return (int64_t)((uint64_t)a << b);
		*bad |= a != 0 || b < 0;
		return 0;
	default:		/* PYOP_RSHIFT */
		*bad |= b < 0;
		if (b < 0 || b > 63)
			return b < 0 || a >= 0 ? 0 : -1;
		/* floor(a / 2^b) without shifting a negative number */
		return a >= 0 ? (int64_t)((uint64_t)a >> b) :
		    (int64_t)~(~(uint64_t)a >> b);
	}
}

/* a ** b for b >= 0, or a flag when it does not fit (or b < 0). */
static int64_t
ipow(int64_t a, int64_t b, uint8_t *bad)
{
	int64_t r = 1;

	if (b < 0) {
		*bad = 1;
		return 0;
	}
	if (a == 0 || a == 1)
		return b == 0 ? 1 : a;
	if (a == -1)
		return b & 1 ? -1 : 1;
	if (b > 63) {
		*bad = 1;
		return 0;
	}
	while (b > 0) {
		if (b & 1 && __builtin_mul_overflow(r, a, &r)) {
			*bad = 1;
			return 0;
		}
		b >>= 1;
		if (b > 0 && __builtin_mul_overflow(a, a, &a)) {
			*bad = 1;
			return 0;
		}
	}
	return r;
}

/*
 * Doubles: one plain loop per operation, so that the compiler vectorizes
 * it; a lane that CPython would treat specially is flagged instead.
 */
static void
bin_float(const struct step *s, size_t n, uint8_t *bad)
{
	float_op(s->op, s->a, s->b, s->out, n, bad);
}

VEC_BODY
float_op_loop(int op, const double *a, const double *b, double *o, size_t n,
    uint8_t *bad)
{
	double div, mod;
	size_t t;

	switch (op) {
	case PYOP_ADD:
		for (t = 0; t < n; t++)
			o[t] = a[t] + b[t];
		break;
	case PYOP_SUB:
		for (t = 0; t < n; t++)
			o[t] = a[t] - b[t];
		break;
	case PYOP_MUL:
		for (t = 0; t < n; t++)
			o[t] = a[t] * b[t];
		break;
	case PYOP_TRUEDIV:
		for (t = 0; t < n; t++) {
			bad[t] |= b[t] == 0.0;
			o[t] = a[t] / b[t];
		}
		break;
	case PYOP_FLOORDIV:
	case PYOP_MOD:
		for (t = 0; t < n; t++) {
			if (b[t] == 0.0) {
				bad[t] = 1;
				continue;
			}
			float_divmod(a[t], b[t], &div, &mod);
			o[t] = op == PYOP_MOD ? mod : div;
		}
		break;
	default:		/* PYOP_POW: the plain cases only */
		for (t = 0; t < n; t++) {
			o[t] = pow(a[t], b[t]);
			bad[t] |= !(a[t] > 0.0) || !isfinite(a[t]) ||
			    !isfinite(b[t]) || !isnormal(o[t]);
		}
		break;
	}
}
VEC_LOOP(float_op, (int op, const double *a, const double *b, double *o,
    size_t n, uint8_t *bad),
    (op, a, b, o, n, bad))

/* Python's a // b and a % b of floats, b != 0, as CPython computes them. */
static void
float_divmod(double a, double b, double *div, double *mod)
{
	double d, m = fmod(a, b), f;

	d = (a - m) / b;
	if (m != 0.0) {
		if ((b < 0.0) != (m < 0.0)) {
			m += b;
			d -= 1.0;
		}
	} else
		m = copysign(0.0, b);
	if (d != 0.0) {
		f = floor(d);
		if (d - f > 0.5)
			f += 1.0;
	} else
		f = copysign(0.0, a / b);
	*div = f;
	*mod = m;
}

static int
compare(int op, double a, double b)
{
	switch (op) {
	case PYOP_LT:
		return a < b;
	case PYOP_LE:
		return a <= b;
	case PYOP_EQ:
		return a == b;
	case PYOP_NE:
		return a != b;
	case PYOP_GT:
		return a > b;
	default:
		return a >= b;
	}
}

/*
 * Ints with ints exactly, doubles with doubles as IEEE (as CPython: a NaN
 * is unequal to all); an int with a double exactly while the int fits
 * 53 bits.
 */
static void
cmp(const struct step *s, size_t n, uint8_t *bad)
{
	const int64_t *ia = s->a, *ib = s->b;
	const double *fa = s->a, *fb = s->b;
	int64_t *o = s->out, i;
	size_t t;

	for (t = 0; t < n; t++) {
		if (s->kind == S_CMP && s->t == VEC_INT) {
			o[t] = ia[t] < ib[t] ? -1 : ia[t] > ib[t];
			o[t] = s->op == PYOP_LT ? o[t] < 0 : s->op == PYOP_LE ?
			    o[t] <= 0 : s->op == PYOP_EQ ? o[t] == 0 :
			    s->op == PYOP_NE ? o[t] != 0 : s->op == PYOP_GT ?
			    o[t] > 0 : o[t] >= 0;
			continue;
		}
		if (s->kind == S_CMP) {
			o[t] = compare(s->op, fa[t], fb[t]);
			continue;
		}
		i = s->kind == S_ICMPF ? ia[t] : ib[t];
		bad[t] |= i > EXACT53 || i < -EXACT53;
		o[t] = s->kind == S_ICMPF ? compare(s->op, (double)i, fb[t]) :
		    compare(s->op, fa[t], (double)i);
	}
}

static void
unary(const struct step *s, size_t n, uint8_t *bad)
{
	const int64_t *ia = s->a, *ib = s->b;
	const double *fa = s->a, *fb = s->b;
	int64_t *io = s->out, x, r;
	double *fo = s->out;
	size_t t;
	int f = s->t == VEC_FLOAT;

	for (t = 0; t < n; t++) {
		switch (s->kind) {
		case S_NEG:
			if (f)
				fo[t] = -fa[t];
			else {
				x = ia[t];	/* see bin_int() */
				bad[t] |= __builtin_sub_overflow(0, x, &r);
				io[t] = r;
			}
			break;
		case S_POS:
			if (f)
				fo[t] = fa[t];
			else
				io[t] = ia[t];
			break;
		case S_INVERT:
			io[t] = ~ia[t];
			break;
		case S_NOT:
			io[t] = f ? fa[t] == 0.0 : ia[t] == 0;
			break;
		case S_BOOL:
			io[t] = f ? fa[t] != 0.0 : ia[t] != 0;
			break;
		case S_ABS:
			if (f)
				fo[t] = fabs(fa[t]);
			else {
				bad[t] |= ia[t] == INT64_MIN;
				io[t] = ia[t] >= 0 ? ia[t] :
				    ia[t] == INT64_MIN ? 0 : -ia[t];
			}
			break;
		case S_MIN:
		case S_MAX:
			if (f)
				fo[t] = (s->kind == S_MIN ? fb[t] < fa[t] :
				    fb[t] > fa[t]) ? fb[t] : fa[t];
			else
				io[t] = (s->kind == S_MIN ? ib[t] < ia[t] :
				    ib[t] > ia[t]) ? ib[t] : ia[t];
			break;
		default:	/* S_FN: NaN, inf and log's x <= 0 go exact */
			fo[t] = s->fn(fa[t]);
			bad[t] |= !isfinite(fa[t]) || !isfinite(fo[t]) ||
			    (s->op == 1 && !(fa[t] > 0.0));
			break;
		}
	}
}

/* int / int, int to float, float to int. */
static void
convert(const struct step *s, size_t n, uint8_t *bad)
{
	if (s->kind == S_TOFLOAT)
		to_double(s->a, s->out, n);
	else if (s->kind == S_IDIV)
		int_div(s->a, s->b, s->out, n, bad);
	else
		to_int(s->op, s->a, s->out, n, bad);
}

/* Rounded to even, as CPython's float(int). */
VEC_BODY
to_double_loop(const int64_t *a, double *o, size_t n)
{
	size_t t;

	for (t = 0; t < n; t++)
		o[t] = (double)a[t];
}
VEC_LOOP(to_double, (const int64_t *a, double *o, size_t n),
    (a, o, n))

/* Both exact in doubles: one correctly rounded division, as CPython's. */
static void
int_div(const int64_t *a, const int64_t *b, double *o, size_t n,
    uint8_t *bad)
{
	size_t t;

	for (t = 0; t < n; t++) {
		bad[t] |= b[t] == 0 || a[t] > EXACT53 || a[t] < -EXACT53 ||
		    b[t] > EXACT53 || b[t] < -EXACT53;
		o[t] = (double)a[t] / (double)(b[t] != 0 ? b[t] : 1);
	}
}

/* int(), trunc(), floor(), ceil(), round() of a float that fits int64_t. */
static void
to_int(int op, const double *a, int64_t *o, size_t n, uint8_t *bad)
{
	double x;
	size_t t;

	for (t = 0; t < n; t++) {
		x = op == 0 ? trunc(a[t]) : op == 1 ? floor(a[t]) : op == 2 ?
		    ceil(a[t]) : rint(a[t]);
		if (!(x > -INT64_LIMIT && x < INT64_LIMIT)) {
			bad[t] = 1;
			o[t] = 0;
		} else
			o[t] = (int64_t)x;
	}
}

/*
 * x ** 2 is CPython's pow(|x|, 2.0), which glibc computes within 0.54 ULP
 * of the exact x * x (the bound stated in its source, for any x and y):
 * so pow() gives the correctly rounded x * x, p, whenever the exact
 * square lies less than 0.46 ULP from p, as the other neighbour of the
 * exact value is then more than 0.54 ULP away.  fma() gives the exact
 * error of p; the lanes with a larger one, a power of two, or out of the
 * normal range get pow() itself.
 */
VEC_BODY
square_loop(const double *a, double *o, size_t n, uint8_t *bad)
{
	uint64_t bits;
	double p, e, ulp;
	size_t t;
	int ok;

	for (t = 0; t < n; t++) {
		p = a[t] * a[t];
		e = fma(a[t], a[t], -p);
		memcpy(&bits, &p, sizeof(bits));
		bits &= 0x7ff0000000000000u;
		memcpy(&ulp, &bits, sizeof(ulp));
		ok = fabs(e) < 0.46 * 0x1p-52 * ulp && p >= 0x1p-960 &&
		    p < 0x1p1020;
		o[t] = ok ? p : a[t];	/* o may be a: keep x for pow() */
		bad[t] = (uint8_t)(bad[t] | (ok ? 0 : 2));
	}
	for (t = 0; t < n; t++) {
		if (!(bad[t] & 2))
			continue;
		bad[t] &= 1;
		o[t] = pow(fabs(o[t]), 2.0);
		bad[t] |= !isnormal(o[t]) || !isfinite(o[t]);
	}
}
VEC_LOOP(square, (const double *a, double *o, size_t n, uint8_t *bad),
    (a, o, n, bad))

/* out = mask ? b : c, lane by lane; ints and doubles alike, as bits. */
VEC_BODY
select_lanes_loop(const struct step *s, size_t n)
{
	const int64_t *m = s->a, *b = s->b, *c = s->c;
	int64_t *o = s->out;
	size_t t;

	for (t = 0; t < n; t++)
		o[t] = m[t] ? b[t] : c[t];
}
VEC_LOOP(select_lanes, (const struct step *s, size_t n),
    (s, n))
