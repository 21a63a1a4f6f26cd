/* expr.h - a Python expression of the range variables, compiled to a stack program */

#ifndef MR_EXPR_H
#define MR_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "pyval.h"

#define EXPR_MAX_LEN	65536	/* bytes of source: it travels in argv */
#define EXPR_MAX_PARENS	200	/* nested parentheses, as CPython allows */
#define EXPR_MAX_DEPTH	1200	/* nesting of all kinds: the parser's stack */

/*
 * The program of an expression, run for each element on a stack of
 * struct pyval (eval.h): a calculator, never Python's eval.  It can read
 * the range variables and its constants, and apply the operators and
 * functions of pyval.h, nothing else.
 */
enum expr_opcode {
	EXPR_VAR = 1,		/* push variable arg */
	EXPR_CONST,		/* push constant arg */
	EXPR_BINOP,		/* pop b, a; push a OP b (arg: enum pyval_binop) */
	EXPR_UNOP,		/* pop a; push OP a (arg: enum pyval_unop) */
	EXPR_NOT,		/* pop a; push not a */
	EXPR_COMPARE,		/* pop b, a; push a OP b (arg: enum pyval_cmpop) */
	EXPR_CHAIN,		/* pop b, a; if a OP b push b, else push False
				   and jump to target (a < b < c) */
	EXPR_CALL,		/* pop nargs values; push function arg's value */
	EXPR_AND,		/* if top is false jump to target, else pop */
	EXPR_OR,		/* if top is true jump to target, else pop */
	EXPR_IFNOT,		/* pop a; if not a jump to target */
	EXPR_JUMP		/* jump to target */
};

struct expr_insn {
	uint8_t op;		/* an enum expr_opcode */
	uint8_t nargs;		/* EXPR_CALL: number of arguments */
	uint16_t pad;
	uint32_t arg;		/* variable, constant, operator or function */
	uint32_t target;	/* jumps: index of the next instruction */
	uint32_t column;	/* 1-based, in the source, for messages */
};

struct expr {
	struct expr_insn *code;
	uint32_t ncode;
	struct pyval *consts;
	uint32_t nconsts;
	uint32_t nvars;		/* the variables are 0 .. nvars - 1 */
	uint32_t stack;		/* the deepest the stack goes */
};

/*
 * Compile src, a Python expression of the variables names[0 .. nnames-1].
 * Returns the program, or NULL with a one-line reason in why (len bytes)
 * that begins "column N: " where the column is known.
 */
struct expr *expr_compile(const char *src, const char *const *names,
	    uint32_t nnames, char *why, size_t len);
void	expr_free(struct expr *x);

/*
 * Is name fit for a range variable: a Python identifier (ASCII), not a
 * keyword, nor the name of a function or constant of the language, nor
 * "math".  Returns NULL if so, else why not.
 */
const char *expr_bad_name(const char *name);

#endif /* MR_EXPR_H */
