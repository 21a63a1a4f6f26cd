/* pyval-calc.c - pyval.c's operations from stdin, for t-pyval-python.py */

/*
 * One operation a line, its operands typed i:DECIMAL, f:HEXFLOAT (or inf,
 * -inf, nan, -nan) and b:0|1:
 *
 *	binop ADD i:5 f:0x1.8p+1	unop NEG b:1	cmp LT i:-3 f:inf
 *	call NAME ARG...	const NAME	repr ARG	truth ARG
 *
 * prints one line for each: int:DECIMAL, float:%a (inf, -inf, nan, -nan),
 * bool:0|1, str:TEXT, none (no such name), error:TYPE:MESSAGE, or
 * "bad input".  Each binop, unop and call runs once more for each operand
 * with that operand as the result too (pyval.h lets results alias
 * operands): a different answer prints "alias mismatch:K:ANSWER".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "pyval.h"

#define MAXARGS		64
#define LINE_LEN	(1 << 22)

static const char *const binops[] = {
	"", "ADD", "SUB", "MUL", "TRUEDIV", "FLOORDIV", "MOD", "POW",
	"LSHIFT", "RSHIFT", "AND", "OR", "XOR", NULL
};
static const char *const unops[] = { "", "NEG", "POS", "INVERT", NULL };
static const char *const cmpops[] = {
	"", "LT", "LE", "EQ", "NE", "GT", "GE", NULL
};

static struct pyval args[MAXARGS + 2];

static int	find(const char *const *, const char *);
static int	parse(struct pyval *, const char *);
static void	print(FILE *, const struct pyval *);
static int	run(const char *, int, FILE *);
static int	operate(char **, int, struct pyval *, FILE *, struct pyerr *);
static int	answer(const char *, int, char **, size_t *);
static int	say(FILE *, const char *);

int
main(void)
{
	static char line[LINE_LEN];
	char *first, *other;
	size_t len;
	int k;

	for (k = 0; k < MAXARGS + 2; k++)
		pyval_init(&args[k]);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (answer(line, 0, &first, &len) != 0)
			return 1;
		for (k = 2; k < MAXARGS + 2; k++) {
			if (answer(line, k, &other, &len) != 0)
				break;
			if (strcmp(first, other) != 0) {
				printf("alias mismatch:%d:%s", k, other);
				free(other);
				free(first);
				first = NULL;
				break;
			}
			free(other);
		}
		if (first != NULL)
			fputs(first, stdout);
		free(first);
	}
	for (k = 0; k < MAXARGS + 2; k++)
		pyval_clear(&args[k]);
	return 0;
}

/* What line prints, with the result in args[alias] (0: apart). */
static int
answer(const char *line, int alias, char **out, size_t *len)
{
	FILE *f;
	int rc;

	if ((f = open_memstream(out, len)) == NULL)
		return -1;
	rc = run(line, alias, f);
	fclose(f);
	if (rc != 0)
		free(*out);
	return rc;
}

static int
find(const char *const *names, const char *s)
{
	int k;

	for (k = 1; names[k] != NULL; k++)
		if (strcmp(names[k], s) == 0)
			return k;
	return 0;
}

static int
parse(struct pyval *v, const char *s)
{
	mpz_t z;
	int rc = 0;

	if (s[0] == '\0' || s[1] != ':')
		return -1;
	if (s[0] == 'f')
		pyval_set_float(v, strtod(s + 2, NULL));
	else if (s[0] == 'b')
		pyval_set_bool(v, s[2] == '1');
	else if (s[0] != 'i')
		rc = -1;
	else {
		mpz_init(z);
		if ((rc = mpz_set_str(z, s + 2, 10)) == 0)
			pyval_set_mpz(v, z);
		mpz_clear(z);
	}
	return rc;
}

static void
print(FILE *f, const struct pyval *r)
{
	if (r->type == PYVAL_BOOL)
		fprintf(f, "bool:%d\n", (int)r->i);
	else if (r->type == PYVAL_FLOAT)
		fprintf(f, "float:%a\n", r->f);
	else if (!r->big)
		fprintf(f, "int:%lld\n", (long long)r->i);
	else {
		fputs("int:", f);
		mpz_out_str(f, 10, r->z);
		fputc('\n', f);
	}
}

/*
 * Print the answer to line into f, with the result in args[alias] (a
 * separate pyval for 0).  Returns 0, or -1 when there is no such operand
 * to alias.
 */
static int
run(const char *line, int alias, FILE *f)
{
	static char copy[LINE_LEN];
	struct pyval r;
	struct pyerr e;
	char *word[MAXARGS + 2], *save = NULL, *w;
	int n = 0, first, k, rc;

	snprintf(copy, sizeof(copy), "%s", line);
	for (w = strtok_r(copy, " ", &save); w != NULL && n < MAXARGS + 2;
	    w = strtok_r(NULL, " ", &save))
		word[n++] = w;
	if (n < 2) {
		if (alias != 0)
			return -1;
		fprintf(f, "bad input\n");
		return 0;
	}
	first = strcmp(word[0], "truth") == 0 ||
	    strcmp(word[0], "repr") == 0 ? 1 : 2;
	if (strcmp(word[0], "const") == 0)
		first = n;
	/* cmp, truth and repr give no pyval: nothing to alias */
	if (alias != 0 && (alias >= n || first != 2 ||
	    strcmp(word[0], "cmp") == 0))
		return -1;
	for (k = first; k < n; k++)
		if (parse(&args[k], word[k]) != 0) {
			fprintf(f, "bad input\n");
			return 0;
		}
	pyval_init(&r);
	rc = operate(word, n, alias == 0 ? &r : &args[alias], f, &e);
	if (rc == -1)
		fprintf(f, "error:%s:%s\n", e.type, e.message);
	else if (rc == -2)
		fprintf(f, "bad input\n");
	else if (rc == 0)
		print(f, alias == 0 ? &r : &args[alias]);
	pyval_clear(&r);
	return 0;
}

/* text is the whole answer: 1, as operate() returns it. */
static int
say(FILE *f, const char *text)
{
	fputs(text, f);
	return 1;
}

/* 0: print *r, 1: printed already, -1: *e, -2: bad input. */
static int
operate(char **word, int n, struct pyval *r, FILE *f, struct pyerr *e)
{
	static char buf[1 << 22];
	int op, id, nmin, nmax, builtin, res;

	if (strcmp(word[0], "const") == 0) {
		if (!pyconst_lookup(word[1], strlen(word[1]), r, &builtin))
			return say(f, "none\n");
		return 0;
	}
	if (strcmp(word[0], "binop") == 0 && n == 4 &&
	    (op = find(binops, word[1])) != 0)
		return pyval_binop(op, r, &args[2], &args[3], e);
	if (strcmp(word[0], "unop") == 0 && n == 3 &&
	    (op = find(unops, word[1])) != 0)
		return pyval_unop(op, r, &args[2], e);
	if (strcmp(word[0], "cmp") == 0 && n == 4 &&
	    (op = find(cmpops, word[1])) != 0) {
		if (pyval_compare(op, &res, &args[2], &args[3], e) != 0)
			return -1;
		pyval_set_bool(r, res);
		return 0;
	}
	if (strcmp(word[0], "truth") == 0 && n == 2) {
		pyval_set_bool(r, pyval_truth(&args[1]));
		return 0;
	}
	if (strcmp(word[0], "repr") == 0 && n == 2) {
		if (pyval_repr(&args[1], buf, sizeof(buf)) != 0)
			return -2;
		fprintf(f, "str:%s\n", buf);
		return 1;
	}
	if (strcmp(word[0], "call") != 0)
		return -2;
	id = pyfunc_lookup(word[1], strlen(word[1]), &nmin, &nmax, &builtin);
	if (id == 0)
		return say(f, "none\n");
	if (n - 2 < nmin || (nmax != PYFUNC_VARARGS && n - 2 > nmax))
		return -2;
	return pyval_call(id, r, &args[2], n - 2, e);
}
