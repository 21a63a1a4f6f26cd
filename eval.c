/* eval.c - an expression's values for a block of elements, into a partial result */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "kernel.h"
#include "range.h"
#include "vec.h"

struct eval {
	struct expr *x;
	const char **names;	/* into spec */
	char *spec;		/* "EXPR\0NAME1\0...", a copy */
	uint32_t arity;
	int product;		/* x * y * ...: every variable once, no more */
	struct vec *vec;	/* the program over arrays, if it can be */
	int64_t *start;		/* for vec_run(): arity starts, then steps */
	struct pyval *stack;	/* x->stack of them */
	struct pyval tmp;
	int64_t *v;		/* the element's values, arity of them */
	uint64_t failed;	/* the element that raised */
	char why[512];
};

static int	is_product(const struct expr *x);
static int	run(struct eval *ev, struct pyerr *e);
static int	block_vec(struct eval *ev, const struct mr_range *r,
		    uint64_t first, uint64_t count, struct partial *p);
static int	redo_lanes(struct eval *ev, const struct mr_range *r,
		    uint64_t first, size_t n, int type, void *out,
		    const uint8_t *bad, struct partial *p, size_t *kept);
static int	step_call(struct eval *ev, const struct expr_insn *in,
		    uint32_t *sp, struct pyerr *e);
static void	add_value(struct partial *p, const struct pyval *v);
static void	explain(struct eval *ev, uint64_t element,
		    const struct pyerr *e);

struct eval *
eval_open(const char *spec, size_t len, uint32_t arity, char *why,
    size_t whylen)
{
	struct eval *ev;
	const char *p, *end = spec + len;
	uint32_t j;

	if ((ev = calloc(1, sizeof(*ev))) == NULL ||
	    (ev->spec = malloc(len + 1)) == NULL ||
	    (ev->names = calloc(arity + 1, sizeof(*ev->names))) == NULL ||
	    (ev->v = calloc(arity + 1, sizeof(*ev->v))) == NULL ||
	    (ev->start = calloc(2 * (size_t)arity + 1, sizeof(int64_t))) ==
	    NULL) {
		snprintf(why, whylen, "out of memory");
		eval_close(ev);
		return NULL;
	}
	memcpy(ev->spec, spec, len);
	ev->spec[len] = '\0';
	ev->arity = arity;
	p = ev->spec + strlen(ev->spec) + 1;
	for (j = 0; j < arity; j++) {
		if (p >= ev->spec + (end - spec)) {
			snprintf(why, whylen, "malformed expression task");
			eval_close(ev);
			return NULL;
		}
		ev->names[j] = p;
		p += strlen(p) + 1;
	}
	if ((ev->x = expr_compile(ev->spec, ev->names, arity, why,
	    whylen)) == NULL ||
	    (ev->stack = calloc(ev->x->stack + 1, sizeof(*ev->stack))) ==
	    NULL) {
		if (ev->x != NULL)
			snprintf(why, whylen, "out of memory");
		eval_close(ev);
		return NULL;
	}
	for (j = 0; j <= ev->x->stack; j++)
		pyval_init(&ev->stack[j]);
	pyval_init(&ev->tmp);
	ev->product = is_product(ev->x);
	ev->vec = vec_plan(ev->x);	/* NULL: element by element */
	return ev;
}

void
eval_close(struct eval *ev)
{
	uint32_t j;

	if (ev == NULL)
		return;
	if (ev->stack != NULL) {
		for (j = 0; j <= ev->x->stack; j++)
			pyval_clear(&ev->stack[j]);
		pyval_clear(&ev->tmp);
	}
	free(ev->stack);
	vec_free(ev->vec);
	free(ev->start);
	expr_free(ev->x);
	free(ev->v);
	free(ev->names);
	free(ev->spec);
	free(ev);
}

const char *
eval_error(const struct eval *ev, uint64_t *element)
{
	*element = ev->failed;
	return ev->why;
}

/*
 * x * y * z with each variable once: the built-in product's kernels
 * (kernel.c) compute it, exactly and far faster.
 */
static int
is_product(const struct expr *x)
{
	uint64_t seen = 0;
	uint32_t i;

	if (x->nvars > 64 || x->ncode != 2 * x->nvars - 1)
		return 0;
	for (i = 0; i < x->ncode; i++) {
		if (x->code[i].op == EXPR_VAR) {
			if (seen & (uint64_t)1 << x->code[i].arg)
				return 0;
			seen |= (uint64_t)1 << x->code[i].arg;
		} else if (x->code[i].op != EXPR_BINOP ||
		    x->code[i].arg != PYOP_MUL)
			return 0;
	}
	return x->code[0].op == EXPR_VAR;
}

int
eval_block(struct eval *ev, const struct mr_range *r, uint64_t first,
    uint64_t count, struct partial *p)
{
	struct acc acc = ACC_INIT;
	struct pyerr e;
	uint64_t i;
	uint32_t j;

	if (count == 0)
		return MR_STATUS_OK;
	if (ev->product && p->op == MR_REDUCE_SUM) {
		if (kernel_product_sum(r, ev->arity, first, count, &acc) == -1)
			return MR_STATUS_NOMEM;
		partial_add_acc(p, &acc);
		acc_release(&acc);
		return MR_STATUS_OK;
	}
	if (ev->vec != NULL)
		return block_vec(ev, r, first, count, p);
	for (j = 0; j < ev->arity; j++)
		ev->v[j] = range_at(&r[j], first);
	for (i = 0; i < count; i++) {
		if (run(ev, &e) == -1) {
			explain(ev, first + i, &e);
			return MR_STATUS_EXPR;
		}
		add_value(p, &ev->stack[0]);
		for (j = 0; j < ev->arity; j++)
			RANGE_ADVANCE(ev->v[j], r[j].step);
	}
	return MR_STATUS_OK;
}

/*
 * VEC_LANES elements at a time in fixed width (vec.c); the lanes it
 * flags are computed again exactly, in order, so that the first element
 * that raises is the one Python would have raised for.
 */
static int
block_vec(struct eval *ev, const struct mr_range *r, uint64_t first,
    uint64_t count, struct partial *p)
{
	const uint8_t *bad;
	uint64_t done;
	size_t n, t, kept;
	uint32_t j;
	void *out;
	int type, any, rc;

	for (j = 0; j < ev->arity; j++)
		ev->start[ev->arity + j] = r[j].step;
	for (done = 0; done < count; done += n) {
		n = count - done < VEC_LANES ? (size_t)(count - done) :
		    VEC_LANES;
		for (j = 0; j < ev->arity; j++)
			ev->start[j] = range_at(&r[j], first + done);
		type = vec_run(ev->vec, ev->start, ev->start + ev->arity, n,
		    &out, &bad);
		for (any = 0, t = 0; t < n; t++)
			any |= bad[t];
		kept = n;
		if (any && (rc = redo_lanes(ev, r, first + done, n, type, out,
		    bad, p, &kept)) != MR_STATUS_OK)
			return rc;
		if (type == VEC_INT)
			partial_add_i64s(p, out, kept);
		else
			partial_add_doubles(p, out, kept);
	}
	return MR_STATUS_OK;
}

/*
 * The flagged lanes, exactly.  A value of the array's type goes back in
 * its lane; any other (a big int, a float among ints) is added by itself
 * and its lane dropped: *kept lanes remain, in order.
 */
static int
redo_lanes(struct eval *ev, const struct mr_range *r, uint64_t first,
    size_t n, int type, void *out, const uint8_t *bad, struct partial *p,
    size_t *kept)
{
	const struct pyval *v = &ev->stack[0];
	int64_t *io = out;
	double *fo = out;
	struct pyerr e;
	size_t t, k = 0;
	uint32_t j;

	for (t = 0; t < n; t++) {
		if (bad[t]) {
			for (j = 0; j < ev->arity; j++)
				ev->v[j] = (int64_t)((uint64_t)range_at(&r[j],
				    first) + (uint64_t)t * (uint64_t)r[j].step);
			if (run(ev, &e) == -1) {
				explain(ev, first + t, &e);
				return MR_STATUS_EXPR;
			}
			if (type == VEC_FLOAT && v->type == PYVAL_FLOAT)
				fo[t] = v->f;
			else if (type == VEC_INT && v->type != PYVAL_FLOAT &&
			    !v->big)
				io[t] = v->i;
			else {
				add_value(p, v);
				continue;
			}
		}
		if (type == VEC_INT)
			io[k++] = io[t];
		else
			fo[k++] = fo[t];
	}
	*kept = k;
	return MR_STATUS_OK;
}

/* One element: the program on the stack; its value ends in stack[0]. */
static int
run(struct eval *ev, struct pyerr *e)
{
	const struct expr *x = ev->x;
	const struct expr_insn *in;
	struct pyval *st = ev->stack;
	uint32_t pc = 0, sp = 0;
	int t;

	while (pc < x->ncode) {
		in = &x->code[pc++];
		switch (in->op) {
		case EXPR_VAR:
			pyval_set_int(&st[sp++], ev->v[in->arg]);
			break;
		case EXPR_CONST:
			pyval_copy(&st[sp++], &x->consts[in->arg]);
			break;
		case EXPR_BINOP:
			sp--;
			if (pyval_binop((int)in->arg, &st[sp - 1],
			    &st[sp - 1], &st[sp], e) == -1)
				return -1;
			break;
		case EXPR_UNOP:
			if (pyval_unop((int)in->arg, &st[sp - 1], &st[sp - 1],
			    e) == -1)
				return -1;
			break;
		case EXPR_NOT:
			pyval_set_bool(&st[sp - 1], !pyval_truth(&st[sp - 1]));
			break;
		case EXPR_COMPARE:
		case EXPR_CHAIN:
			sp--;
			if (pyval_compare((int)in->arg, &t, &st[sp - 1],
			    &st[sp], e) == -1)
				return -1;
			if (in->op == EXPR_CHAIN && t)
				pyval_copy(&st[sp - 1], &st[sp]);
			else
				pyval_set_bool(&st[sp - 1], t);
			if (in->op == EXPR_CHAIN && !t)
				pc = in->target;
			break;
		case EXPR_CALL:
			if (step_call(ev, in, &sp, e) == -1)
				return -1;
			break;
		case EXPR_AND:
		case EXPR_OR:
			if (pyval_truth(&st[sp - 1]) == (in->op == EXPR_OR))
				pc = in->target;
			else
				sp--;
			break;
		case EXPR_IFNOT:
			if (!pyval_truth(&st[--sp]))
				pc = in->target;
			break;
		default:		/* EXPR_JUMP */
			pc = in->target;
			break;
		}
	}
	return 0;
}

static int
step_call(struct eval *ev, const struct expr_insn *in, uint32_t *sp,
    struct pyerr *e)
{
	struct pyval *args = &ev->stack[*sp - in->nargs];

	if (pyval_call((int)in->arg, &ev->tmp, args, in->nargs, e) == -1)
		return -1;
	pyval_copy(args, &ev->tmp);
	*sp -= in->nargs - 1u;
	return 0;
}

static void
add_value(struct partial *p, const struct pyval *v)
{
	if (v->type == PYVAL_FLOAT)
		partial_add_doubles(p, &v->f, 1);
	else if (v->type == PYVAL_INT && v->big)
		partial_add_mpz(p, v->z);
	else
		partial_add_i128(p, v->i);
}

/* "x=5, y=105: ZeroDivisionError: division by zero" */
static void
explain(struct eval *ev, uint64_t element, const struct pyerr *e)
{
	size_t n = 0;
	uint32_t j;

	ev->failed = element;
	ev->why[0] = '\0';
	for (j = 0; j < ev->arity && n < sizeof(ev->why) / 2; j++)
		n += (size_t)snprintf(ev->why + n, sizeof(ev->why) - n,
		    "%s%s=%" PRId64, j > 0 ? ", " : "", ev->names[j],
		    ev->v[j]);
	if (j < ev->arity)
		n += (size_t)snprintf(ev->why + n, sizeof(ev->why) - n,
		    ", ...");
	snprintf(ev->why + n, sizeof(ev->why) - n, ": %s%s%s", e->type,
	    e->message[0] != '\0' ? ": " : "", e->message);
}
