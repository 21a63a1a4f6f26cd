/* expr.c - a Python expression of the range variables, compiled to a stack program */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

/* Tokens: single characters stand for themselves, the others are these. */
enum {
	T_END = 256, T_NUMBER, T_NAME, T_POW, T_FLOORDIV, T_LSHIFT, T_RSHIFT,
	T_LE, T_GE, T_EQ, T_NE
};

struct parser {
	const char *src;
	const char *p;		/* the next character */
	int tok;		/* the current token */
	const char *tstart;	/* where it starts */
	size_t tlen;		/* its length */
	int parens;		/* open parentheses: newlines are blanks */
	int tok_after_value;	/* the token before ends a value: x[ */
	int depth;		/* nesting, against EXPR_MAX_DEPTH */
	int stack;		/* stack depth after the code so far */
	const char *const *names;
	uint32_t nnames;
	struct expr *x;
	uint32_t capcode, capconsts;
	char *why;
	size_t len;
	int failed;
};

static const char *const keywords[] = { "False", "None", "True", "and",
    "as", "assert", "async", "await", "break", "class", "continue", "def",
    "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
    "raise", "return", "try", "while", "with", "yield", NULL };

static int	fail(struct parser *ps, const char *at, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static void	next(struct parser *ps);
static int	scan_number(struct parser *ps);
static int	blank_to_end(const char *p);
static int	scan_operator(struct parser *ps);
static int	is_word(const struct parser *ps, const char *w);
static int	is_keyword(const char *s, size_t n);
static uint32_t	emit(struct parser *ps, int op, uint32_t arg, const char *at);
static void	emit_const(struct parser *ps, const struct pyval *v,
		    const char *at);
static void	patch(struct parser *ps, uint32_t insn);
static void	expression(struct parser *ps);
static void	disjunction(struct parser *ps);
static void	conjunction(struct parser *ps);
static void	chain(struct parser *ps, const char *word, int op,
		    void (*operand)(struct parser *));
static void	inversion(struct parser *ps);
static void	comparison(struct parser *ps);
static int	compare_op(struct parser *ps);
static void	binary(struct parser *ps, int level);
static int	binary_op(int tok, int level);
static void	factor(struct parser *ps);
static void	power(struct parser *ps);
static void	primary(struct parser *ps);
static void	number(struct parser *ps);
static void	number_int(struct parser *ps, struct pyval *v, const char *buf,
		    int base, const char *digits);
static void	name(struct parser *ps);
static void	name_value(struct parser *ps, const char *buf, size_t n,
		    int math, const char *at);
static void	call(struct parser *ps, const char *fname, size_t flen,
		    const char *at);
static int	enter(struct parser *ps);
static int	open_paren(struct parser *ps);
static void	hoist(struct parser *ps, uint32_t a0, uint32_t a1);

struct expr *
expr_compile(const char *src, const char *const *names, uint32_t nnames,
    char *why, size_t len)
{
	struct parser ps;
	size_t n = strlen(src);

	if (n > EXPR_MAX_LEN) {
		snprintf(why, len, "expression of %zu bytes: the limit is %d",
		    n, EXPR_MAX_LEN);
		return NULL;
	}
	memset(&ps, 0, sizeof(ps));
	ps.src = ps.p = src;
	ps.names = names;
	ps.nnames = nnames;
	ps.why = why;
	ps.len = len;
	if ((ps.x = calloc(1, sizeof(*ps.x))) == NULL) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	ps.x->nvars = nnames;
	next(&ps);
	if (ps.tok == T_END)
		fail(&ps, ps.tstart, "empty expression");
	expression(&ps);
	if (!ps.failed && ps.tok != T_END)
		fail(&ps, ps.tstart, "invalid syntax: unexpected '%.*s'",
		    (int)ps.tlen, ps.tstart);
	if (ps.failed) {
		expr_free(ps.x);
		return NULL;
	}
	return ps.x;
}

void
expr_free(struct expr *x)
{
	uint32_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nconsts; i++)
		pyval_clear(&x->consts[i]);
	free(x->consts);
	free(x->code);
	free(x);
}

const char *
expr_bad_name(const char *s)
{
	struct pyval v;
	size_t i, n = strlen(s);
	int lo, hi, builtin;

	if (n == 0 || isdigit((unsigned char)s[0]))
		return "not a Python identifier";
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return "not a Python identifier (ASCII letters,"
			    " digits and '_')";
	if (is_keyword(s, n))
		return "a Python keyword";
	if (strcmp(s, "math") == 0)
		return "the name of the math module";
	if (pyfunc_lookup(s, n, &lo, &hi, &builtin) != 0)
		return "the name of a function of the language";
	pyval_init(&v);
	i = (size_t)pyconst_lookup(s, n, &v, &builtin);
	pyval_clear(&v);
	return i ? "the name of a constant of the language" : NULL;
}

/* Record the first error only; the parse then runs out quickly. */
static int
fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	char *c;

	if (ps->failed++)
		return -1;
	n = (size_t)snprintf(ps->why, ps->len, "column %zu: ",
	    (size_t)(at - ps->src) + 1);
	if (n >= ps->len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->why + n, ps->len - n, fmt, ap);
	va_end(ap);
	for (c = ps->why; *c != '\0'; c++)	/* one line, printable */
		if ((unsigned char)*c < ' ' || (unsigned char)*c >= 127)
			*c = '?';
	ps->tok = T_END;
	return -1;
}

static void
next(struct parser *ps)
{
	const char *p = ps->p;

	if (ps->failed)
		return;
	for (;; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\f')
			continue;
		if (*p == '\\' && (p[1] == '\n' || p[1] == '\r')) {
			p++;		/* a line continued */
			continue;
		}
		if ((*p == '\n' || *p == '\r') && (ps->parens > 0 ||
		    ps->tok == 0 || blank_to_end(p)))
			continue;	/* within (), before or after it all */
		if (*p == '#') {	/* a comment, to the end of its line */
			p += strcspn(p, "\r\n") - 1;
			continue;
		}
		break;
	}
	ps->tok_after_value = ps->tok == T_NAME || ps->tok == T_NUMBER ||
	    ps->tok == ')';
	ps->tstart = ps->p = p;
	if (*p == '\0') {
		ps->tok = T_END;
		ps->tlen = 0;
		return;
	}
	if (isdigit((unsigned char)*p) ||
	    (*p == '.' && isdigit((unsigned char)p[1]))) {
		ps->tok = scan_number(ps);
		return;
	}
	if (isalpha((unsigned char)*p) || *p == '_') {
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		ps->tok = T_NAME;
		ps->tlen = (size_t)(p - ps->tstart);
		ps->p = p;
		if ((unsigned char)*p >= 128)
			fail(ps, p, "only ASCII names are allowed");
		return;
	}
	ps->tok = scan_operator(ps);
}

/* Nothing but blanks, newlines and comments from p to the end. */
static int
blank_to_end(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '#')
			p += strcspn(p, "\r\n") - 1;
		else if (strchr(" \t\f\r\n", *p) == NULL)
			return 0;
	}
	return 1;
}

/*
 * A number as Python's tokenizer sees it; its value is read by number().
 * Digits, letters, '_' and '.' all belong to it, and an exponent's sign.
 */
static int
scan_number(struct parser *ps)
{
	const char *p = ps->p;
	int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');

	for (;;) {
		if (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
			p++;
		else if ((*p == '+' || *p == '-') && !hex &&
		    (p[-1] == 'e' || p[-1] == 'E'))
			p++;
		else
			break;
	}
	ps->tlen = (size_t)(p - ps->tstart);
	ps->p = p;
	return T_NUMBER;
}

static int
scan_operator(struct parser *ps)
{
	static const struct {
		const char *s;
		int tok;
	} two[] = { { "**", T_POW }, { "//", T_FLOORDIV },
	    { "<<", T_LSHIFT }, { ">>", T_RSHIFT }, { "<=", T_LE },
	    { ">=", T_GE }, { "==", T_EQ }, { "!=", T_NE } };
	const char *p = ps->p;
	size_t i;

	for (i = 0; i < sizeof(two) / sizeof(two[0]); i++) {
		if (strncmp(p, two[i].s, 2) != 0)
			continue;
		ps->tlen = 2;
		ps->p = p + 2;
		return two[i].tok;
	}
	ps->tlen = 1;
	ps->p = p + 1;
	if (strchr("+-*/%&|^~<>(),.", *p) != NULL)
		return (unsigned char)*p;
	if (*p == '\'' || *p == '"')
		fail(ps, p, "strings are not numbers");
	else if (*p == '[' && ps->tok_after_value)
		fail(ps, p, "subscripts are not allowed: numbers have no"
		    " items");
	else if (*p == '[' || *p == '{')
		fail(ps, p, "lists, sets and dicts are not numbers");
	else if (*p == '=' || (*p == ':' && p[1] == '='))
		fail(ps, p, "assignments are not expressions of numbers");
	else if (*p == '\n' || *p == '\r')
		fail(ps, p, "a newline outside parentheses");
	else if ((unsigned char)*p < ' ' || (unsigned char)*p >= 127)
		fail(ps, p, "invalid character (byte 0x%02x)",
		    (unsigned char)*p);
	else
		fail(ps, p, "invalid syntax: '%c'", *p);
	return T_END;
}

static int
is_word(const struct parser *ps, const char *w)
{
	return ps->tok == T_NAME && ps->tlen == strlen(w) &&
	    memcmp(ps->tstart, w, ps->tlen) == 0;
}

static int
is_keyword(const char *s, size_t n)
{
	int i;

	for (i = 0; keywords[i] != NULL; i++)
		if (strlen(keywords[i]) == n && memcmp(keywords[i], s, n) == 0)
			return 1;
	return 0;
}

static uint32_t
emit(struct parser *ps, int op, uint32_t arg, const char *at)
{
	struct expr *x = ps->x;
	struct expr_insn *grown;
	uint32_t cap;

	if (ps->failed)
		return 0;
	if (x->ncode == ps->capcode) {
		cap = ps->capcode ? 2 * ps->capcode : 64;
		if ((grown = realloc(x->code, cap * sizeof(*grown))) == NULL) {
			fail(ps, at, "out of memory");
			return 0;
		}
		x->code = grown;
		ps->capcode = cap;
	}
	memset(&x->code[x->ncode], 0, sizeof(x->code[0]));
	x->code[x->ncode].op = (uint8_t)op;
	x->code[x->ncode].arg = arg;
	x->code[x->ncode].column = (uint32_t)(at - ps->src) + 1;
	if (op == EXPR_VAR || op == EXPR_CONST)
		ps->stack++;
	else if (op == EXPR_BINOP || op == EXPR_COMPARE ||
	    op == EXPR_CHAIN || op == EXPR_AND || op == EXPR_OR ||
	    op == EXPR_IFNOT)
		ps->stack--;
	if ((uint32_t)ps->stack > x->stack)
		x->stack = (uint32_t)ps->stack;
	return x->ncode++;
}

static void
emit_const(struct parser *ps, const struct pyval *v, const char *at)
{
	struct expr *x = ps->x;
	struct pyval *grown;
	uint32_t cap;

	if (ps->failed)
		return;
	if (x->nconsts == ps->capconsts) {
		cap = ps->capconsts ? 2 * ps->capconsts : 16;
		if ((grown = realloc(x->consts, cap * sizeof(*grown))) ==
		    NULL) {
			fail(ps, at, "out of memory");
			return;
		}
		x->consts = grown;
		ps->capconsts = cap;
	}
	pyval_init(&x->consts[x->nconsts]);
	pyval_copy(&x->consts[x->nconsts], v);
	emit(ps, EXPR_CONST, x->nconsts++, at);
}

/* The jump at insn goes to the next instruction to be emitted. */
static void
patch(struct parser *ps, uint32_t insn)
{
	if (!ps->failed)
		ps->x->code[insn].target = ps->x->ncode;
}

static int
enter(struct parser *ps)
{
	if (++ps->depth <= EXPR_MAX_DEPTH)
		return 0;
	return fail(ps, ps->tstart, "too deeply nested (the limit is %d"
	    " levels)", EXPR_MAX_DEPTH);
}


static int
open_paren(struct parser *ps)
{
	if (++ps->parens <= EXPR_MAX_PARENS)
		return 0;
	return fail(ps, ps->tstart, "too many nested parentheses (the"
	    " limit is %d, as in CPython)", EXPR_MAX_PARENS);
}

/* expression: disjunction ['if' disjunction 'else' expression] */
static void
expression(struct parser *ps)
{
	uint32_t a0, a1, jump;
	int stack;

	if (enter(ps) == -1)
		return;
	if (is_word(ps, "lambda"))
		fail(ps, ps->tstart, "lambda is not allowed: the expression"
		    " is the function");
	a0 = ps->failed ? 0 : ps->x->ncode;
	disjunction(ps);
	if (is_word(ps, "if")) {
		stack = ps->stack - 1;
		a1 = ps->failed ? 0 : ps->x->ncode;
		next(ps);
		disjunction(ps);
		if (!is_word(ps, "else"))
			fail(ps, ps->tstart, "expected 'else' after 'if'");
		next(ps);
		hoist(ps, a0, a1);	/* the condition runs first */
		ps->stack = stack + 1;
		jump = emit(ps, EXPR_JUMP, 0, ps->tstart);
		ps->stack = stack;
		if (!ps->failed)
			ps->x->code[a0 + (ps->x->ncode - 2 - a1)].target =
			    ps->x->ncode;
		expression(ps);
		patch(ps, jump);
	}
	ps->depth--;
}

/*
 * [a0, a1) is the code of A in "A if C else B", [a1, ncode) that of C:
 * make it C, IFNOT (its target set by the caller: one past C), A, with
 * the jumps inside each segment moved along.
 */
static void
hoist(struct parser *ps, uint32_t a0, uint32_t a1)
{
	struct expr *x = ps->x;
	struct expr_insn *a, ifnot;
	uint32_t na = a1 - a0, nc, i;

	if (ps->failed)
		return;
	memset(&ifnot, 0, sizeof(ifnot));
	ifnot.op = EXPR_IFNOT;
	ifnot.column = x->code[a1 > a0 ? a1 - 1 : a0].column;
	if (emit(ps, EXPR_JUMP, 0, ps->tstart), ps->failed)
		return;			/* room for IFNOT */
	x->ncode--;
	nc = x->ncode - a1;
	if ((a = malloc(na * sizeof(*a) + 1)) == NULL) {
		fail(ps, ps->tstart, "out of memory");
		return;
	}
	memcpy(a, &x->code[a0], na * sizeof(*a));
	memmove(&x->code[a0], &x->code[a1], nc * sizeof(*a));
	for (i = a0; i < a0 + nc; i++)
		if (x->code[i].op >= EXPR_CHAIN && x->code[i].op != EXPR_CALL)
			x->code[i].target -= na;
	x->code[a0 + nc] = ifnot;
	memcpy(&x->code[a0 + nc + 1], a, na * sizeof(*a));
	for (i = a0 + nc + 1; i < a0 + nc + 1 + na; i++)
		if (x->code[i].op >= EXPR_CHAIN && x->code[i].op != EXPR_CALL)
			x->code[i].target += nc + 1;
	x->ncode++;
	free(a);
}

/* disjunction: conjunction ('or' conjunction)* */
static void
disjunction(struct parser *ps)
{
	chain(ps, "or", EXPR_OR, conjunction);
}

/* conjunction: inversion ('and' inversion)* */
static void
conjunction(struct parser *ps)
{
	chain(ps, "and", EXPR_AND, inversion);
}

/*
 * operand (word operand)*: each word jumps past the rest when its left
 * side decides (false for and, true for or), keeping that side's value.
 */
static void
chain(struct parser *ps, const char *word, int op,
    void (*operand)(struct parser *))
{
	uint32_t *jumps = NULL, *grown;
	size_t n = 0, i;

	operand(ps);
	while (is_word(ps, word) && !ps->failed) {
		if ((grown = realloc(jumps, (n + 1) * sizeof(*jumps))) ==
		    NULL) {
			fail(ps, ps->tstart, "out of memory");
			break;
		}
		jumps = grown;
		jumps[n++] = emit(ps, op, 0, ps->tstart);
		next(ps);
		operand(ps);
	}
	for (i = 0; i < n; i++)
		patch(ps, jumps[i]);
	free(jumps);
}

/* inversion: 'not' inversion | comparison */
static void
inversion(struct parser *ps)
{
	const char *at = ps->tstart;

	if (!is_word(ps, "not")) {
		comparison(ps);
		return;
	}
	if (enter(ps) == -1)
		return;
	next(ps);
	inversion(ps);
	emit(ps, EXPR_NOT, 0, at);
	ps->depth--;
}

/* comparison: bitwise_or (compare_op bitwise_or)*, chained as Python's */
static void
comparison(struct parser *ps)
{
	uint32_t *jumps = NULL, *grown;
	size_t n = 0, i;
	const char *at;
	int op;

	binary(ps, 0);
	while (!ps->failed && (op = compare_op(ps)) != 0) {
		at = ps->tstart;
		next(ps);
		binary(ps, 0);
		if (compare_op(ps) == 0) {
			emit(ps, EXPR_COMPARE, (uint32_t)op, at);
			break;
		}
		/* a < b < c: b stays for the next comparison */
		if ((grown = realloc(jumps, (n + 1) * sizeof(*jumps))) ==
		    NULL) {
			fail(ps, at, "out of memory");
			break;
		}
		jumps = grown;
		jumps[n++] = emit(ps, EXPR_CHAIN, (uint32_t)op, at);
	}
	for (i = 0; i < n; i++)
		patch(ps, jumps[i]);
	free(jumps);
}

/* The current token's enum pyval_cmpop, or 0 for none. */
static int
compare_op(struct parser *ps)
{
	switch (ps->tok) {
	case '<':
		return PYOP_LT;
	case T_LE:
		return PYOP_LE;
	case T_EQ:
		return PYOP_EQ;
	case T_NE:
		return PYOP_NE;
	case '>':
		return PYOP_GT;
	case T_GE:
		return PYOP_GE;
	default:
		break;
	}
	if (is_word(ps, "is") || is_word(ps, "in") || is_word(ps, "not"))
		fail(ps, ps->tstart, "'%.*s' is not allowed: numbers are"
		    " compared with < <= == != >= >", (int)ps->tlen,
		    ps->tstart);
	return 0;
}

/* Levels 0 to 5: | ^ & (<< >>) (+ -) (* / // %), then factor. */
static void
binary(struct parser *ps, int level)
{
	const char *at;
	int op;

	if (level > 5) {
		factor(ps);
		return;
	}
	binary(ps, level + 1);
	while (!ps->failed && (op = binary_op(ps->tok, level)) != 0) {
		at = ps->tstart;
		next(ps);
		binary(ps, level + 1);
		emit(ps, EXPR_BINOP, (uint32_t)op, at);
	}
}

static int
binary_op(int tok, int level)
{
	static const struct {
		int tok, level, op;
	} ops[] = { { '|', 0, PYOP_OR }, { '^', 1, PYOP_XOR },
	    { '&', 2, PYOP_AND }, { T_LSHIFT, 3, PYOP_LSHIFT },
	    { T_RSHIFT, 3, PYOP_RSHIFT }, { '+', 4, PYOP_ADD },
	    { '-', 4, PYOP_SUB }, { '*', 5, PYOP_MUL },
	    { '/', 5, PYOP_TRUEDIV }, { T_FLOORDIV, 5, PYOP_FLOORDIV },
	    { '%', 5, PYOP_MOD } };
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].tok == tok && ops[i].level == level)
			return ops[i].op;
	return 0;
}

/*
 * factor: ('+' | '-' | '~') factor | power.  A sign on a constant is
 * folded into it (-1 is a constant, as in CPython), unless it fails.
 */
static void
factor(struct parser *ps)
{
	struct pyerr e;
	const char *at = ps->tstart;
	uint32_t before;
	int op;

	if (ps->tok != '+' && ps->tok != '-' && ps->tok != '~') {
		power(ps);
		return;
	}
	op = ps->tok == '+' ? PYOP_POS : ps->tok == '-' ? PYOP_NEG :
	    PYOP_INVERT;
	if (enter(ps) == -1)
		return;
	before = ps->failed ? 0 : ps->x->ncode;
	next(ps);
	factor(ps);
	if (!ps->failed && ps->x->ncode == before + 1 &&
	    ps->x->code[before].op == EXPR_CONST) {
		struct pyval *c = &ps->x->consts[ps->x->code[before].arg];

		if (pyval_unop(op, c, c, &e) == 0) {
			ps->depth--;
			return;
		}
	}
	emit(ps, EXPR_UNOP, (uint32_t)op, at);
	ps->depth--;
}

/* power: primary ['**' factor] */
static void
power(struct parser *ps)
{
	const char *at;

	primary(ps);
	if (ps->tok != T_POW || ps->failed)
		return;
	at = ps->tstart;
	if (enter(ps) == -1)
		return;
	next(ps);
	factor(ps);
	emit(ps, EXPR_BINOP, PYOP_POW, at);
	ps->depth--;
}

/* primary: NUMBER | NAME | math.NAME | call | '(' expression ')' */
static void
primary(struct parser *ps)
{
	const char *at = ps->tstart;

	if (ps->tok == T_NUMBER)
		number(ps);
	else if (ps->tok == T_NAME)
		name(ps);
	else if (ps->tok == '(') {
		if (enter(ps) == -1 || open_paren(ps) == -1)
			return;
		next(ps);
		if (ps->tok == ')')
			fail(ps, at, "() is an empty tuple, not a number");
		expression(ps);
		if (ps->tok == ',')
			fail(ps, ps->tstart, "tuples are not numbers");
		else if (ps->tok != ')')
			fail(ps, ps->tok == T_END ? ps->tstart : at,
			    ps->tok == T_END ? "'(' was never closed" :
			    "invalid syntax: expected ')'");
		ps->parens--;
		ps->depth--;
		next(ps);
	} else if (ps->tok == T_END)
		fail(ps, at, "invalid syntax: the expression ends too early");
	else
		fail(ps, at, "invalid syntax: unexpected '%.*s'",
		    (int)ps->tlen, at);
	if (ps->failed)
		return;
	if (ps->tok == '.')
		fail(ps, ps->tstart, "attributes other than math.NAME are"
		    " not allowed");
	else if (ps->tok == '(')
		fail(ps, ps->tstart, "only the language's functions can be"
		    " called");
}

/*
 * A literal, read as Python reads it: underscores between digits, no
 * leading zeros in decimal, floats correctly rounded (as strtod(3) does).
 */
static void
number(struct parser *ps)
{
	const char *s = ps->tstart, *digits = "0123456789";
	char *buf, *q, *end;
	size_t i, n = ps->tlen;
	struct pyval v;
	int base = 10, isfloat = 0;

	if ((buf = malloc(n + 1)) == NULL) {
		fail(ps, s, "out of memory");
		return;
	}
	if (n > 1 && s[0] == '0' && strchr("xXoObB", s[1]) != NULL) {
		base = s[1] == 'x' || s[1] == 'X' ? 16 : s[1] == 'o' ||
		    s[1] == 'O' ? 8 : 2;
		digits = base == 16 ? "0123456789abcdefABCDEF" : base == 8 ?
		    "01234567" : "01";
		s += 2;
		n -= 2;
	} else
		isfloat = strcspn(s, ".eE") < n;
	q = buf;
	for (i = 0; i < n; i++) {
		if (s[i] == '_' && i + 1 < n && strchr(digits, s[i + 1]) &&
		    (i > 0 ? strchr(digits, s[i - 1]) != NULL : base != 10))
			continue;
		*q++ = s[i];
	}
	*q = '\0';
	pyval_init(&v);
	if (strchr(buf, 'j') != NULL || strchr(buf, 'J') != NULL)
		fail(ps, ps->tstart, "complex numbers are not supported");
	else if (isfloat) {
		errno = 0;
		pyval_set_float(&v, strtod(buf, &end));
		if (*end != '\0' || strspn(buf, "0123456789.eE+-") !=
		    strlen(buf))
			fail(ps, ps->tstart, "invalid decimal literal '%.*s'",
			    (int)ps->tlen, ps->tstart);
	} else
		number_int(ps, &v, buf, base, digits);
	if (!ps->failed)
		emit_const(ps, &v, ps->tstart);
	pyval_clear(&v);
	free(buf);
	next(ps);
}

static void
number_int(struct parser *ps, struct pyval *v, const char *buf, int base,
    const char *digits)
{
	mpz_t z;

	if (*buf == '\0' || strspn(buf, digits) != strlen(buf)) {
		fail(ps, ps->tstart, "invalid %s literal '%.*s'", base == 16 ?
		    "hexadecimal" : base == 8 ? "octal" : base == 2 ? "binary" :
		    "decimal", (int)ps->tlen, ps->tstart);
		return;
	}
	if (base == 10 && buf[0] == '0' && strspn(buf, "0") != strlen(buf)) {
		fail(ps, ps->tstart, "leading zeros in decimal integer"
		    " literals are not permitted; use an 0o prefix for octal"
		    " integers");
		return;
	}
	mpz_init_set_str(z, buf, base);
	pyval_set_mpz(v, z);
	mpz_clear(z);
}

/*
 * A name: True or False, a variable, a constant (pi), a function call
 * (sqrt(x)), or math.NAME for either of the last two.
 */
static void
name(struct parser *ps)
{
	const char *s = ps->tstart, *at = ps->tstart;
	size_t n = ps->tlen;
	uint32_t j;
	int math = 0;
	char buf[64];

	if (is_keyword(s, n) && !is_word(ps, "True") &&
	    !is_word(ps, "False")) {
		fail(ps, at, is_word(ps, "None") ? "None is not a number" :
		    is_word(ps, "lambda") ? "lambda is not allowed: the"
		    " expression is the function" : "invalid syntax: keyword"
		    " '%.*s' here", (int)n, s);
		return;
	}
	if (is_word(ps, "math")) {
		next(ps);
		if (ps->tok != '.') {
			fail(ps, at, "'math' is a module, not a number: use"
			    " math.NAME");
			return;
		}
		next(ps);
		if (ps->tok != T_NAME) {
			fail(ps, ps->tstart, "invalid syntax: a name must"
			    " follow 'math.'");
			return;
		}
		s = ps->tstart;
		n = ps->tlen;
		math = 1;
	}
	next(ps);
	for (j = 0; j < ps->nnames && !math; j++)
		if (strlen(ps->names[j]) == n &&
		    memcmp(ps->names[j], s, n) == 0) {
			emit(ps, EXPR_VAR, j, at);
			return;
		}
	if (n > sizeof(buf) - 6) {
		fail(ps, s, "name '%.20s...' is not defined", s);
		return;
	}
	snprintf(buf, sizeof(buf), "%s%.*s", math ? "math." : "", (int)n, s);
	name_value(ps, buf, strlen(buf), math, at);
}

/* buf is NAME or math.NAME: a call, a constant, or an error. */
static void
name_value(struct parser *ps, const char *buf, size_t n, int math,
    const char *at)
{
	struct pyval v;
	const char *s = buf + (math ? 5 : 0);
	size_t sn = n - (math ? 5 : 0);
	int lo, hi, builtin, isfunc, isconst;

	isfunc = pyfunc_lookup(buf, n, &lo, &hi, &builtin) != 0;
	if (ps->tok == '(' && isfunc) {
		call(ps, buf, n, at);
		return;
	}
	pyval_init(&v);
	isconst = pyconst_lookup(s, sn, &v, &builtin) && !(math && builtin);
	if (isconst)
		emit_const(ps, &v, at);
	pyval_clear(&v);
	if (isconst)
		return;
	if (!math && is_keyword(s, sn))
		fail(ps, at, sn == 4 && memcmp(s, "None", 4) == 0 ?
		    "None is not a number" : "invalid syntax: keyword '%.*s'",
		    (int)sn, s);
	else if (isfunc)
		fail(ps, at, "'%s' is a function: call it", buf);
	else if (math)
		fail(ps, at, "module 'math' has no number or function '%s'",
		    s);
	else
		fail(ps, at, "name '%s' is not defined", buf);
}

/* NAME(args): the language's functions only, positional arguments. */
static void
call(struct parser *ps, const char *fname, size_t flen, const char *at)
{
	const char *p;
	uint32_t insn;
	int id, lo, hi, builtin, nargs = 0;

	id = pyfunc_lookup(fname, flen, &lo, &hi, &builtin);
	if (enter(ps) == -1 || open_paren(ps) == -1)
		return;
	next(ps);
	while (!ps->failed && ps->tok != ')') {
		p = ps->p;
		while (*p == ' ' || *p == '\t')
			p++;
		if (ps->tok == T_NAME && p[0] == '=' && p[1] != '=')
			fail(ps, ps->tstart, "keyword arguments are not"
			    " supported: give them in order");
		else if (ps->tok == '*' || ps->tok == T_POW)
			fail(ps, ps->tstart, "argument unpacking is not"
			    " supported");
		expression(ps);
		nargs++;
		if (ps->tok == ',')
			next(ps);
		else if (ps->tok != ')')
			fail(ps, ps->tstart, ps->tok == T_END ?
			    "'(' was never closed" :
			    "invalid syntax: expected ',' or ')'");
	}
	ps->parens--;
	ps->depth--;
	if (ps->failed)
		return;
	if (nargs > 255)
		fail(ps, at, "%.*s() with %d arguments: the limit is 255",
		    (int)flen, fname, nargs);
	else if (hi == PYFUNC_VARARGS && nargs < lo)
		fail(ps, at, "%.*s() takes at least %d arguments, not %d",
		    (int)flen, fname, lo, nargs);
	else if (hi != PYFUNC_VARARGS && lo == hi && nargs != lo)
		fail(ps, at, "%.*s() takes %d argument%s, not %d", (int)flen,
		    fname, lo, lo == 1 ? "" : "s", nargs);
	else if (hi != PYFUNC_VARARGS && (nargs < lo || nargs > hi))
		fail(ps, at, "%.*s() takes %d to %d arguments, not %d",
		    (int)flen, fname, lo, hi, nargs);
	if (ps->failed)
		return;
	insn = emit(ps, EXPR_CALL, (uint32_t)id, at);
	ps->x->code[insn].nargs = (uint8_t)nargs;
	ps->stack -= nargs - 1;		/* f() pushes one more */
	if ((uint32_t)ps->stack > ps->x->stack)
		ps->x->stack = (uint32_t)ps->stack;
	next(ps);
}
