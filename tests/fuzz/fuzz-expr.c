/*
 * fuzz-expr.c - libFuzzer target for expr_compile(), the parser and
 * compiler of -e EXPR
 *
 * The input, cut at its first NUL byte, is the expression; the variables
 * are x and y.  Seeds in tests/fuzz/corpus/expr/ are expressions, one a
 * file, without a final newline (a newline is a blank inside parentheses
 * and an error outside, as in Python).
 *
 * Properties checked, beyond crashes and sanitizer reports:
 *   - NULL comes with a reason: non-empty, NUL-terminated inside the len
 *     bytes given, one line (no \n, \r, \v or \f), and nothing written
 *     past those len bytes;
 *   - a source longer than EXPR_MAX_LEN bytes is refused;
 *   - a program is well formed: at least one instruction; opcodes known;
 *     EXPR_VAR reads a variable below nvars (2), EXPR_CONST a constant
 *     below nconsts; jump targets within the code; columns within the
 *     source (1 to its length + 1); and on every path the stack never
 *     pops below empty, never passes x->stack, is the same wherever two
 *     paths meet, and ends holding one value;
 *   - expr_free() frees everything (LeakSanitizer).
 * Once at start (LLVMFuzzerInitialize), the inputs that argv cannot carry
 * but that the compiler must survive with a refusal or a program: 100,000
 * nested parentheses, 100,000 unary minus signs and nots, a 1 MB sum and
 * 1 MB of open parentheses.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

#define WHY_LEN		200
#define CANARY		0x5a
#define CANARY_LEN	64

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz-expr: property failed: %s\n", #cond); \
		abort();						\
	}								\
} while (0)

static const char *const names[] = { "x", "y" };

/* The stack's depth after insn i, or -1 for the paths that jump. */
static void
check_stack(const struct expr *x)
{
	int64_t *depth, d, after, jump;
	uint32_t *work, nwork = 0, pc, t;
	const struct expr_insn *in;

	depth = malloc(((size_t)x->ncode + 1) * sizeof(*depth));
	work = malloc(((size_t)x->ncode + 1) * 2 * sizeof(*work));
	CHECK(depth != NULL && work != NULL);
	for (pc = 0; pc <= x->ncode; pc++)
		depth[pc] = -1;
	depth[0] = 0;
	work[nwork++] = 0;
	while (nwork > 0) {
		pc = work[--nwork];
		if (pc == x->ncode)
			continue;
		in = &x->code[pc];
		d = depth[pc];
		jump = -1;		/* the depth at target, if it jumps */
		switch (in->op) {
		case EXPR_VAR:
		case EXPR_CONST:
			after = d + 1;
			break;
		case EXPR_BINOP:
		case EXPR_COMPARE:
			CHECK(d >= 2);
			after = d - 1;
			break;
		case EXPR_UNOP:
		case EXPR_NOT:
			CHECK(d >= 1);
			after = d;
			break;
		case EXPR_CHAIN:
			CHECK(d >= 2);
			after = d - 1;
			jump = d - 1;
			break;
		case EXPR_CALL:
			CHECK(d >= in->nargs);
			after = d - in->nargs + 1;
			break;
		case EXPR_AND:
		case EXPR_OR:
			CHECK(d >= 1);
			after = d - 1;
			jump = d;
			break;
		case EXPR_IFNOT:
			CHECK(d >= 1);
			after = d - 1;
			jump = d - 1;
			break;
		case EXPR_JUMP:
			after = -1;
			jump = d;
			break;
		default:
			CHECK(!"an unknown opcode");
			return;
		}
		CHECK(after <= (int64_t)x->stack && jump <= (int64_t)x->stack);
		if (after >= 0) {
			t = pc + 1;
			CHECK(depth[t] == -1 || depth[t] == after);
			if (depth[t] == -1) {
				depth[t] = after;
				work[nwork++] = t;
			}
		}
		if (jump >= 0) {
			t = in->target;
			CHECK(t > pc && t <= x->ncode);
			CHECK(depth[t] == -1 || depth[t] == jump);
			if (depth[t] == -1) {
				depth[t] = jump;
				work[nwork++] = t;
			}
		}
	}
	CHECK(depth[x->ncode] == 1);
	free(depth);
	free(work);
}

static void
check_program(const struct expr *x, size_t srclen)
{
	uint32_t i;

	CHECK(x->ncode >= 1 && x->code != NULL);
	CHECK(x->nvars == 2);
	CHECK(x->nconsts == 0 || x->consts != NULL);
	CHECK(x->stack >= 1);
	for (i = 0; i < x->ncode; i++) {
		const struct expr_insn *in = &x->code[i];

		CHECK(in->op >= EXPR_VAR && in->op <= EXPR_JUMP);
		if (in->op == EXPR_VAR)
			CHECK(in->arg < x->nvars);
		if (in->op == EXPR_CONST)
			CHECK(in->arg < x->nconsts);
		CHECK(in->column <= srclen + 1);
	}
	check_stack(x);
}

static void
one(const char *src, size_t srclen)
{
	char why[WHY_LEN + CANARY_LEN];
	struct expr *x;
	size_t i;

	memset(why, CANARY, sizeof(why));
	x = expr_compile(src, names, 2, why, WHY_LEN);
	for (i = WHY_LEN; i < sizeof(why); i++)
		CHECK((unsigned char)why[i] == CANARY);
	if (x == NULL) {
		CHECK(memchr(why, '\0', WHY_LEN) != NULL);
		CHECK(why[0] != '\0');
		CHECK(strpbrk(why, "\n\r\v\f") == NULL);
		return;
	}
	CHECK(srclen <= EXPR_MAX_LEN);
	check_program(x, srclen);
	expr_free(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src;

	if ((src = malloc(size + 1)) == NULL)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	one(src, strlen(src));
	free(src);
	return 0;
}

/* Fill buf with n copies of head, then mid, then n copies of tail. */
static char *
build(const char *head, size_t n, const char *mid, const char *tail)
{
	size_t lh = strlen(head), lm = strlen(mid), lt = strlen(tail), i;
	char *buf, *p;

	buf = malloc(n * (lh + lt) + lm + 1);
	CHECK(buf != NULL);
	for (p = buf, i = 0; i < n; i++, p += lh)
		memcpy(p, head, lh);
	memcpy(p, mid, lm);
	for (p += lm, i = 0; i < n; i++, p += lt)
		memcpy(p, tail, lt);
	*p = '\0';
	return buf;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct {
		const char *head, *mid, *tail;
		size_t n;
	} big[] = {
		{ "(", "x", ")", 100000 },	/* 100,000 nested parentheses */
		{ "-", "x", "", 100000 },
		{ "not ", "x", "", 100000 },
		{ "~", "1", "", 100000 },
		{ "x+", "1", "", 1 << 19 },	/* a 1 MB sum */
		{ "(x+", "1", ")", 1 << 18 },	/* 1 MB of nested sums */
		{ "x**", "1", "", 1 << 19 },	/* 1 MB of right-nested powers */
		{ "(", "", "", 1 << 20 },	/* 1 MB of open parentheses */
		{ "1 if x else ", "2", "", 1 << 16 },
		{ "x<", "y", "", 1 << 19 },	/* a 1 MB chain of comparisons */
		{ "max(x,", "y", ")", 1 << 17 },
	};
	size_t i;
	char *src;

	(void)argc;
	(void)argv;
	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		src = build(big[i].head, big[i].n, big[i].mid, big[i].tail);
		one(src, strlen(src));
		free(src);
	}
	return 0;
}
