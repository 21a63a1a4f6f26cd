/* pyval.h - Python's numbers: int of any size, float and bool, as CPython 3.11 computes them */

#ifndef MR_PYVAL_H
#define MR_PYVAL_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

/*
 * A struct pyval is one Python number.  Every operation below gives the
 * value, the type and, for floats, the bits that CPython 3.11 gives on
 * the same machine (the same libm), or fails with the exception CPython
 * raises: its type name and its message, as str(exc) prints it.
 *
 * Invariants: an int whose value fits int64_t is always held in i (big is
 * 0); z is always initialised (pyval_init) and is only meaningful when
 * big is 1.  A bool is 0 or 1 in i.  Results may alias operands.
 *
 * Life cycle: pyval_init(), any number of operations, pyval_clear().
 */
enum pyval_type {
	PYVAL_BOOL = 1,
	PYVAL_INT,
	PYVAL_FLOAT
};

struct pyval {
	int type;		/* an enum pyval_type */
	int big;		/* PYVAL_INT: the value is z, not i */
	int64_t i;		/* PYVAL_BOOL (0 or 1); PYVAL_INT when !big */
	double f;		/* PYVAL_FLOAT */
	mpz_t z;		/* PYVAL_INT when big */
};

/* What CPython would raise: e.g. "ZeroDivisionError", "division by zero". */
struct pyerr {
	const char *type;	/* a static string: the exception's class name */
	char message[160];	/* str(exception), possibly empty */
};

/*
 * Ints are limited to PYVAL_MAX_BITS bits (CPython has no limit but memory
 * and time): an operation whose result would be wider fails with
 * OverflowError "int too large (mapreduce's limit is 2**26 bits)", checked
 * before any memory is allocated (x ** y, x << y, factorial, comb, ...).
 */
#define PYVAL_MAX_BITS	((uint64_t)1 << 26)

void	pyval_init(struct pyval *v);
void	pyval_clear(struct pyval *v);
void	pyval_set_int(struct pyval *v, int64_t i);
void	pyval_set_mpz(struct pyval *v, const mpz_t z);	/* normalises */
void	pyval_set_float(struct pyval *v, double f);
void	pyval_set_bool(struct pyval *v, int b);
void	pyval_copy(struct pyval *to, const struct pyval *from);

/* Binary operators of Python's grammar. */
enum pyval_binop {
	PYOP_ADD = 1, PYOP_SUB, PYOP_MUL, PYOP_TRUEDIV, PYOP_FLOORDIV,
	PYOP_MOD, PYOP_POW, PYOP_LSHIFT, PYOP_RSHIFT, PYOP_AND, PYOP_OR,
	PYOP_XOR
};
/* Unary operators (not is pyval_truth()'s). */
enum pyval_unop {
	PYOP_NEG = 1, PYOP_POS, PYOP_INVERT
};
/* Comparisons. */
enum pyval_cmpop {
	PYOP_LT = 1, PYOP_LE, PYOP_EQ, PYOP_NE, PYOP_GT, PYOP_GE
};

/*
 * r = a OP b, as Python's a OP b.  Returns 0, or -1 with *e set (e.g.
 * TypeError "unsupported operand type(s) for &: 'float' and 'int'").
 */
int	pyval_binop(int op, struct pyval *r, const struct pyval *a,
	    const struct pyval *b, struct pyerr *e);
int	pyval_unop(int op, struct pyval *r, const struct pyval *a,
	    struct pyerr *e);
/* *result = (a OP b), 0 or 1, exact across int and float; NaN compares false. */
int	pyval_compare(int op, int *result, const struct pyval *a,
	    const struct pyval *b, struct pyerr *e);
/* bool(a). */
int	pyval_truth(const struct pyval *a);

/*
 * The functions an expression may call: Python's built-ins abs, min, max,
 * pow, round, int, float, bool, and the functions of the math module
 * that take and give numbers.  pyfunc_lookup() finds one by its name
 * (without "math."): returns its id (> 0) and its arity bounds (nmax
 * PYFUNC_VARARGS for any number), or 0 for no such function.  builtin is
 * 1 for a built-in (abs, min, ...) and 0 for a math function, so that
 * "math.abs" can be refused.
 */
#define PYFUNC_VARARGS	(-1)

int	pyfunc_lookup(const char *name, size_t len, int *nmin, int *nmax,
	    int *builtin);
/* The name of function id, for messages. */
const char *pyfunc_name(int id);
/* r = f(args[0], ..., args[n - 1]); n is within the function's bounds. */
int	pyval_call(int id, struct pyval *r, const struct pyval *args, int n,
	    struct pyerr *e);

/*
 * The constants: True, False, and math's pi, e, tau, inf, nan.  Returns 1
 * and sets *v, or 0 for no such name.  builtin as for pyfunc_lookup().
 */
int	pyconst_lookup(const char *name, size_t len, struct pyval *v,
	    int *builtin);

/*
 * Python's repr(a) into buf (of len bytes): "12", "-0.5", "1e+300",
 * "True".  Returns 0, or -1 if it does not fit.
 */
int	pyval_repr(const struct pyval *a, char *buf, size_t len);

#endif /* MR_PYVAL_H */
