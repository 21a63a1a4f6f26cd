/* pyplugin.c - mapreduce-python.so: a user's Python function as map and reduce, in embedded CPython */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pyplugin.h"

#define VALUES		4096	/* values buffered before the sink takes them */
#define REPR_MAX	40	/* characters of an argument in a message */

/* A left fold over consecutive elements first .. next - 1. */
struct run {
	uint64_t first;
	uint64_t next;
	PyObject *value;
};

struct pyfunc {
	PyObject *callable;
	char *name;		/* FUNC, for messages */
	uint32_t nargs;
	int flags;		/* PYPLUGIN_* */
	struct run *runs;	/* a fold's */
	size_t nruns;
	size_t cap;
};

/* What the sink was told with start(): -1 not yet, 0 ints, 1 floats. */
enum { KIND_NONE = -1, KIND_INT, KIND_FLOAT };

static struct pyfunc *py_open(const char *path, const char *func,
		    uint32_t nargs, int flags, char *why, size_t len);
static int	py_map(struct pyfunc *f, const struct mapreduce_batch *b,
		    struct pyfunc *fold, const struct pyplugin_sink *sink);
static int	py_encode(struct pyfunc *fold, unsigned char **buf,
		    size_t *len);
static int	py_merge(struct pyfunc *fold, const unsigned char *buf,
		    size_t len);
static char	*py_result(struct pyfunc *fold, int *doubles);
static char	*py_error(void);
static void	py_close(struct pyfunc *f);

static int	start(char *why, size_t len);
static void	flush_python(void);
static PyObject	*helper(const char *name);
static int	map_elements(struct pyfunc *f,
		    const struct mapreduce_batch *b, struct pyfunc *fold,
		    const struct pyplugin_sink *sink);
static int	map_arrays(struct pyfunc *f, const struct mapreduce_batch *b,
		    struct pyfunc *fold, const struct pyplugin_sink *sink);
static int	take_buffer(struct pyfunc *f, const struct mapreduce_batch *b,
		    PyObject *r, struct pyfunc *fold,
		    const struct pyplugin_sink *sink);
static int	take_sequence(struct pyfunc *f,
		    const struct mapreduce_batch *b, PyObject *r,
		    struct pyfunc *fold, const struct pyplugin_sink *sink);
static int	take(struct pyfunc *f, uint64_t index, PyObject *v,
		    struct pyfunc *fold, const struct pyplugin_sink *sink);
static int	flush(const struct pyplugin_sink *sink);
static int	kind(int k, const struct pyplugin_sink *sink, const char *name,
		    uint64_t index);
static int	fold_add(struct pyfunc *fold, uint64_t index, PyObject *v);
static PyObject	*fold_call(struct pyfunc *fold, PyObject *acc, PyObject *v);
static int	cmp_runs(const void *a, const void *b);
static int	is_number(PyObject *v);
static int	fail(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
static int	fail_python(const char *who);
static void	element_name(char *buf, size_t len, const struct pyfunc *f,
		    const struct mapreduce_batch *b, size_t t);
static void	short_repr(char *buf, size_t len, PyObject *v);

const struct pyplugin mapreduce_python = {
	PYPLUGIN_VERSION, py_open, py_map, py_encode, py_merge, py_result,
	py_error, py_close
};

/*
 * Python's side, run once in a namespace of its own.  The stub of mpi4py
 * stands in for the real one, which may be built for another MPI (Debian's
 * is Open MPI's): a user's file that imports mpi4py.futures, as the seed
 * does, loads and never starts a second MPI inside a worker.
 */
static const char helpers[] =
"import importlib.util, inspect, os, sys, traceback, types\n"
"\n"
"class MapreduceError(Exception):\n"
"    pass\n"
"\n"
"def _absent(*args, **kwargs):\n"
"    raise RuntimeError('mpi4py is not available inside mapreduce: the tool'\n"
"                       ' itself maps and reduces')\n"
"\n"
"def stub_mpi4py():\n"
"    m = types.ModuleType('mpi4py')\n"
"    m.__path__ = []\n"
"    m.__file__ = '<mapreduce stub>'\n"
"    f = types.ModuleType('mpi4py.futures')\n"
"    f.MPIPoolExecutor = f.MPICommExecutor = f.ProcessPoolExecutor = _absent\n"
"    m.futures = f\n"
"    sys.modules['mpi4py'] = m\n"
"    sys.modules['mpi4py.futures'] = f\n"
"\n"
"def load(path, func, nargs):\n"
"    name = os.path.splitext(os.path.basename(path))[0]\n"
"    mod = sys.modules.get(name)\n"
"    if mod is None or getattr(mod, '__file__', None) != path:\n"
"        sys.path.insert(0, os.path.dirname(path))\n"
"        spec = importlib.util.spec_from_file_location(name, path)\n"
"        if spec is None:\n"
"            raise MapreduceError('not a Python module')\n"
"        mod = importlib.util.module_from_spec(spec)\n"
"        sys.modules[name] = mod\n"
"        try:\n"
"            spec.loader.exec_module(mod)\n"
"        except BaseException:\n"
"            del sys.modules[name]\n"
"            raise\n"
"    if not hasattr(mod, func):\n"
"        raise MapreduceError('no function %r in it' % func)\n"
"    f = getattr(mod, func)\n"
"    if not callable(f):\n"
"        raise MapreduceError('%r is %s, not a function'\n"
"                             % (func, type(f).__name__))\n"
"    try:\n"
"        sig = inspect.signature(f)\n"
"    except (TypeError, ValueError):\n"
"        return f\n"
"    try:\n"
"        sig.bind(*range(nargs))\n"
"    except TypeError as e:\n"
"        raise MapreduceError('%s%s cannot take %d argument%s: %s'\n"
"                             % (func, sig, nargs, 's' if nargs > 1 else '', e))\n"
"    return f\n"
"\n"
"def describe(e, verbose):\n"
"    if isinstance(e, SyntaxError):\n"
"        line = '%s: %s (line %s)' % (type(e).__name__, e.msg, e.lineno)\n"
"    else:\n"
"        line = traceback.format_exception_only(type(e), e)[-1].strip()\n"
"    line = ' '.join(line.split())\n"
"    if isinstance(e, MapreduceError):\n"
"        line = str(e)\n"
"    elif verbose:\n"
"        tb = ''.join(traceback.format_exception(type(e), e, e.__traceback__))\n"
"        line += '\\n' + tb.rstrip('\\n')\n"
"    return line\n"
"\n"
"def frombuffer(data, n):\n"
"    return numpy.frombuffer(data, dtype=numpy.int64, count=n)\n"
"\n"
"def exit_code(e):\n"
"    if e.code is None:\n"
"        return 0\n"
"    if isinstance(e.code, int):\n"
"        return e.code & 0xff\n"
"    print(e.code, file=sys.stderr)\n"
"    return 1\n"
"\n"
"def flush():\n"
"    for f in (sys.stdout, sys.stderr):\n"
"        try:\n"
"            f.flush()\n"
"        except Exception:\n"
"            pass\n";

static PyObject *ns;		/* the helpers' namespace */
static int numpy_loaded;	/* --batch: numpy is imported in ns */
static int verbose;		/* -v: errors carry the traceback */
static int worker;		/* sys.exit() ends the process */
static int sink_kind = KIND_NONE;
static char *last_error;
static int64_t ibuf[VALUES];
static double dbuf[VALUES];
static size_t nbuf;

static struct pyfunc *
py_open(const char *path, const char *func, uint32_t nargs, int flags,
    char *why, size_t len)
{
	struct pyfunc *f;
	PyObject *callable, *r;
	char *msg;

	if (start(why, len) == -1)
		return NULL;
	verbose |= flags & PYPLUGIN_VERBOSE;
	worker |= (flags & PYPLUGIN_WORKER) != 0;
	if ((flags & PYPLUGIN_BATCH) && !numpy_loaded) {
		if ((r = PyRun_String("import numpy", Py_file_input, ns,
		    ns)) == NULL) {
			PyErr_Clear();
			snprintf(why, len, "--batch needs numpy, which Python"
			    " %d.%d cannot import (install python3-numpy)",
			    PY_MAJOR_VERSION, PY_MINOR_VERSION);
			return NULL;
		}
		Py_DECREF(r);
		numpy_loaded = 1;
	}
	callable = PyObject_CallFunction(helper("load"), "ssI", path, func,
	    (unsigned)nargs);
	if (callable == NULL) {
		fail_python(NULL);
		msg = py_error();
		snprintf(why, len, "%s", msg != NULL ? msg : "cannot import");
		free(msg);
		return NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->name = strdup(func)) == NULL) {
		free(f);
		Py_DECREF(callable);
		snprintf(why, len, "out of memory");
		return NULL;
	}
	f->callable = callable;
	f->nargs = nargs;
	f->flags = flags;
	return f;
}

/*
 * One interpreter per process, without Python's signal handlers: the
 * guard's and the manager's handling of SIGINT and SIGTERM stays theirs.
 * Ints have no limit on their decimal digits, so that any result prints.
 */
static int
start(char *why, size_t len)
{
	PyConfig config;
	PyStatus st;
	PyObject *r;

	if (ns != NULL)
		return 0;
	PyConfig_InitPythonConfig(&config);
	config.install_signal_handlers = 0;
	config.parse_argv = 0;
	st = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(st)) {
		snprintf(why, len, "cannot start Python: %s",
		    st.err_msg != NULL ? st.err_msg : "unknown error");
		return -1;
	}
	if ((ns = PyDict_New()) == NULL ||
	    PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins()) ||
	    (r = PyRun_String(helpers, Py_file_input, ns, ns)) == NULL) {
		PyErr_Print();
		snprintf(why, len, "cannot start Python's side of mapreduce");
		return -1;
	}
	Py_DECREF(r);
	if ((r = PyObject_CallNoArgs(helper("stub_mpi4py"))) == NULL) {
		PyErr_Print();
		snprintf(why, len, "cannot start Python's side of mapreduce");
		return -1;
	}
	Py_DECREF(r);
	r = PyRun_String("sys.set_int_max_str_digits(0)", Py_eval_input, ns,
	    ns);
	Py_XDECREF(r);
	PyErr_Clear();
	atexit(flush_python);
	return 0;
}

/* What the user's code printed is not lost at exit. */
static void
flush_python(void)
{
	PyObject *r;

	if ((r = PyObject_CallNoArgs(helper("flush"))) == NULL)
		PyErr_Clear();
	Py_XDECREF(r);
}

/* A function of the helpers (a borrowed reference). */
static PyObject *
helper(const char *name)
{
	return PyDict_GetItemString(ns, name);
}

static int
py_map(struct pyfunc *f, const struct mapreduce_batch *b,
    struct pyfunc *fold, const struct pyplugin_sink *sink)
{
	int rc;

	nbuf = 0;
	if (f->flags & PYPLUGIN_BATCH)
		rc = map_arrays(f, b, fold, sink);
	else
		rc = map_elements(f, b, fold, sink);
	if (rc == 0 && fold == NULL)
		rc = flush(sink);
	return rc;
}

/* One call per element, with Python ints. */
static int
map_elements(struct pyfunc *f, const struct mapreduce_batch *b,
    struct pyfunc *fold, const struct pyplugin_sink *sink)
{
	PyObject *args[8], **a = args, *r;
	char who[256];
	size_t t;
	uint32_t j, n = f->nargs;
	int rc = 0;

	if (n > 8 && (a = calloc(n, sizeof(*a))) == NULL)
		return fail("out of memory");
	for (t = 0; t < b->count && rc == 0; t++) {
		for (j = 0; j < n; j++)
			if ((a[j] = PyLong_FromLongLong(mapreduce_value(b, j,
			    t))) == NULL)
				break;
		r = j == n ? PyObject_Vectorcall(f->callable, a, n, NULL) :
		    NULL;
		while (j > 0)
			Py_DECREF(a[--j]);
		if (r == NULL) {
			element_name(who, sizeof(who), f, b, t);
			rc = fail_python(who);
		} else
			rc = take(f, b->first + t, r, fold, sink);
	}
	if (a != args)
		free(a);
	return rc;
}

/*
 * --batch: one read-only numpy int64 array per range, the batch's values,
 * and an array (or any sequence) of as many values back.
 */
static int
map_arrays(struct pyfunc *f, const struct mapreduce_batch *b,
    struct pyfunc *fold, const struct pyplugin_sink *sink)
{
	PyObject *args[8] = { NULL }, **a = args, *data, *r;
	int64_t *v;
	char who[256];
	size_t t;
	uint32_t j, n = f->nargs;
	int rc;

	if (n > 8 && (a = calloc(n, sizeof(*a))) == NULL)
		return fail("out of memory");
	for (j = 0; j < n; j++) {
		data = PyBytes_FromStringAndSize(NULL,
		    (Py_ssize_t)(b->count * sizeof(int64_t)));
		if (data == NULL)
			break;
		v = (int64_t *)(void *)PyBytes_AS_STRING(data);
		for (t = 0; t < b->count; t++)
			v[t] = mapreduce_value(b, j, t);
		a[j] = PyObject_CallFunction(helper("frombuffer"), "On", data,
		    (Py_ssize_t)b->count);
		Py_DECREF(data);
		if (a[j] == NULL)
			break;
	}
	r = j == n ? PyObject_Vectorcall(f->callable, a, n, NULL) : NULL;
	while (j > 0)
		Py_DECREF(a[--j]);
	if (a != args)
		free(a);
	if (r == NULL) {
		snprintf(who, sizeof(who), "%s(<arrays of elements %" PRIu64
		    " to %" PRIu64 ">)", f->name, b->first,
		    b->first + b->count - 1);
		return fail_python(who);
	}
	if (PyObject_CheckBuffer(r) && !PyLong_Check(r) && !PyFloat_Check(r))
		rc = take_buffer(f, b, r, fold, sink);
	else
		rc = take_sequence(f, b, r, fold, sink);
	Py_DECREF(r);
	return rc;
}

/*
 * An array: int64 and float64 straight to the sink; other integer, bool
 * and float types value by value.
 */
static int
take_buffer(struct pyfunc *f, const struct mapreduce_batch *b, PyObject *r,
    struct pyfunc *fold, const struct pyplugin_sink *sink)
{
	Py_buffer view;
	PyObject *list;
	const char *fmt;
	int rc;

	if (PyObject_GetBuffer(r, &view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) ==
	    -1) {
		PyErr_Clear();
		return take_sequence(f, b, r, fold, sink);
	}
	fmt = view.format != NULL ? view.format : "B";
	if (*fmt == '@' || *fmt == '=' || *fmt == '<')
		fmt++;
	if (view.ndim != 1 || view.shape[0] != (Py_ssize_t)b->count) {
		rc = fail("%s(<arrays of elements %" PRIu64 " to %" PRIu64
		    ">) returned an array of shape %s%zd%s, not (%zu,)",
		    f->name, b->first, b->first + b->count - 1, "(",
		    view.ndim >= 1 ? view.shape[0] : (Py_ssize_t)0,
		    view.ndim == 1 ? ",)" : ", ...)", b->count);
	} else if (fold == NULL && view.itemsize == 8 &&
	    (strcmp(fmt, "l") == 0 || strcmp(fmt, "q") == 0)) {
		rc = kind(KIND_INT, sink, f->name, b->first);
		if (rc == 0)
			rc = sink->ints(sink->ctx, view.buf, b->count) == 0 ?
			    0 : fail("out of memory");
	} else if (fold == NULL && view.itemsize == 8 && strcmp(fmt, "d") ==
	    0) {
		rc = kind(KIND_FLOAT, sink, f->name, b->first);
		if (rc == 0)
			rc = sink->doubles(sink->ctx, view.buf, b->count) ==
			    0 ? 0 : fail("out of memory");
	} else if (strchr("?bBhHiIlLqQfd", *fmt) != NULL && fmt[1] == '\0') {
		list = PyObject_CallMethod(r, "tolist", NULL);
		if (list == NULL)
			PyErr_Clear();
		rc = take_sequence(f, b, list != NULL ? list : r, fold, sink);
		Py_XDECREF(list);
	} else
		rc = fail("%s(<arrays of elements %" PRIu64 " to %" PRIu64
		    ">) returned an array of format '%s', not of integers,"
		    " floats or bools", f->name, b->first,
		    b->first + b->count - 1, view.format);
	PyBuffer_Release(&view);
	return rc;
}

/* A sequence of count numbers, taken one by one. */
static int
take_sequence(struct pyfunc *f, const struct mapreduce_batch *b,
    PyObject *r, struct pyfunc *fold, const struct pyplugin_sink *sink)
{
	PyObject *seq;
	Py_ssize_t i, n;
	int rc = 0;

	if ((seq = PySequence_Fast(r, "")) == NULL) {
		PyErr_Clear();
		return fail("%s(<arrays of elements %" PRIu64 " to %" PRIu64
		    ">) returned %s, not an array or a sequence of %zu values",
		    f->name, b->first, b->first + b->count - 1,
		    Py_TYPE(r)->tp_name, b->count);
	}
	n = PySequence_Fast_GET_SIZE(seq);
	if (n != (Py_ssize_t)b->count)
		rc = fail("%s(<arrays of elements %" PRIu64 " to %" PRIu64
		    ">) returned %zd values, not %zu", f->name, b->first,
		    b->first + b->count - 1, n, b->count);
	for (i = 0; i < n && rc == 0; i++) {
		Py_INCREF(PySequence_Fast_GET_ITEM(seq, i));
		rc = take(f, b->first + (uint64_t)i,
		    PySequence_Fast_GET_ITEM(seq, i), fold, sink);
	}
	Py_DECREF(seq);
	return rc;
}

/* Element index's value v (a reference that take() consumes). */
static int
take(struct pyfunc *f, uint64_t index, PyObject *v, struct pyfunc *fold,
    const struct pyplugin_sink *sink)
{
	PyObject *hex;
	long long x;
	int overflow, rc = 0;
	char who[128];

	if (!is_number(v)) {
		rc = fail("%s returned %s at element %" PRIu64 ", not an int,"
		    " float or bool", f->name, Py_TYPE(v)->tp_name, index);
		Py_DECREF(v);
		return rc;
	}
	if (fold != NULL)
		return fold_add(fold, index, v);
	if (PyFloat_Check(v)) {
		if ((rc = kind(KIND_FLOAT, sink, f->name, index)) == 0) {
			dbuf[nbuf++] = PyFloat_AS_DOUBLE(v);
			if (nbuf == VALUES)
				rc = flush(sink);
		}
	} else if ((rc = kind(KIND_INT, sink, f->name, index)) == 0) {
		x = PyLong_AsLongLongAndOverflow(v, &overflow);
		if (!overflow) {
			ibuf[nbuf++] = x;
			if (nbuf == VALUES)
				rc = flush(sink);
		} else if ((hex = PyNumber_ToBase(v, 16)) == NULL) {
			snprintf(who, sizeof(who), "%s at element %" PRIu64,
			    f->name, index);
			rc = fail_python(who);
		} else {
			if (sink->big(sink->ctx, PyUnicode_AsUTF8(hex)) == -1)
				rc = fail("out of memory");
			Py_DECREF(hex);
		}
	}
	Py_DECREF(v);
	return rc;
}

static int
flush(const struct pyplugin_sink *sink)
{
	int rc;

	if (nbuf == 0)
		return 0;
	rc = sink_kind == KIND_FLOAT ? sink->doubles(sink->ctx, dbuf, nbuf) :
	    sink->ints(sink->ctx, ibuf, nbuf);
	nbuf = 0;
	return rc == 0 ? 0 : fail("out of memory");
}

/*
 * A value of another type than the last one: the tool says whether its
 * reduce takes it (sink->type()), after the values of the old type.
 */
static int
kind(int k, const struct pyplugin_sink *sink, const char *name,
    uint64_t index)
{
	const char *why;

	if (sink_kind == k)
		return 0;
	if (flush(sink) == -1)
		return -1;
	if ((why = sink->type(sink->ctx, k == KIND_FLOAT,
	    sink_kind == KIND_NONE)) != NULL)
		return fail("%s at element %" PRIu64 " returned %s: %s", name,
		    index, k == KIND_FLOAT ? "a float" : "an int", why);
	sink_kind = k;
	return 0;
}

/*
 * The left fold of element index's value v (consumed): it continues the
 * last run when index follows it, else starts a run.
 */
static int
fold_add(struct pyfunc *fold, uint64_t index, PyObject *v)
{
	struct run *r, *grown;
	PyObject *acc;
	size_t cap;

	r = fold->nruns > 0 ? &fold->runs[fold->nruns - 1] : NULL;
	if (r == NULL || r->next != index) {
		if (fold->nruns == fold->cap) {
			cap = fold->cap > 0 ? 2 * fold->cap : 16;
			if ((grown = realloc(fold->runs, cap *
			    sizeof(*grown))) == NULL) {
				Py_DECREF(v);
				return fail("out of memory");
			}
			fold->runs = grown;
			fold->cap = cap;
		}
		fold->runs[fold->nruns++] = (struct run){ index, index + 1,
		    v };
		return 0;
	}
	acc = fold_call(fold, r->value, v);
	Py_DECREF(v);
	if (acc == NULL)
		return -1;
	Py_DECREF(r->value);
	r->value = acc;
	r->next++;
	return 0;
}

/*
 * FUNC(acc, v), a new reference; NULL with an error for py_error() when
 * it raised or returned something else than a number.
 */
static PyObject *
fold_call(struct pyfunc *fold, PyObject *acc, PyObject *v)
{
	PyObject *args[2] = { acc, v }, *r;
	char a[REPR_MAX + 8], b[REPR_MAX + 8], who[2 * REPR_MAX + 64];

	if ((r = PyObject_Vectorcall(fold->callable, args, 2, NULL)) != NULL &&
	    is_number(r))
		return r;
	short_repr(a, sizeof(a), acc);
	short_repr(b, sizeof(b), v);
	snprintf(who, sizeof(who), "%s(%s, %s)", fold->name, a, b);
	if (r == NULL)
		fail_python(who);
	else {
		fail("%s returned %s, not an int, float or bool", who,
		    Py_TYPE(r)->tp_name);
		Py_DECREF(r);
	}
	return NULL;
}

/* int, float or bool (and their subclasses, such as numpy.float64). */
static int
is_number(PyObject *v)
{
	return PyLong_Check(v) || PyFloat_Check(v);
}

/*
 * The wire form of a fold's runs, each: its first element (8 bytes, this
 * build's order), 'f' and 8 bytes of double, or 'i', a 4-byte length and
 * the int in Python's hex() form.
 */
static int
py_encode(struct pyfunc *fold, unsigned char **buf, size_t *len)
{
	PyObject *hex;
	unsigned char *out = NULL, *grown;
	const char *s;
	size_t i, n = 0, need;
	uint32_t slen;
	double d;

	for (i = 0; i < fold->nruns; i++) {
		hex = NULL;
		s = NULL;
		slen = 0;
		if (!PyFloat_Check(fold->runs[i].value)) {
			if ((hex = PyNumber_ToBase(fold->runs[i].value, 16)) ==
			    NULL || (s = PyUnicode_AsUTF8(hex)) == NULL) {
				Py_XDECREF(hex);
				free(out);
				return fail_python(fold->name);
			}
			slen = (uint32_t)strlen(s);
		}
		need = 9 + (s != NULL ? 4 + slen : 8);
		if ((grown = realloc(out, n + need)) == NULL) {
			Py_XDECREF(hex);
			free(out);
			return fail("out of memory");
		}
		out = grown;
		memcpy(out + n, &fold->runs[i].first, 8);
		if (s != NULL) {
			out[n + 8] = 'i';
			memcpy(out + n + 9, &slen, 4);
			memcpy(out + n + 13, s, slen);
		} else {
			out[n + 8] = 'f';
			d = PyFloat_AS_DOUBLE(fold->runs[i].value);
			memcpy(out + n + 9, &d, 8);
		}
		n += need;
		Py_XDECREF(hex);
	}
	for (i = 0; i < fold->nruns; i++)
		Py_DECREF(fold->runs[i].value);
	fold->nruns = 0;		/* sent: the next block starts anew */
	*buf = out;
	*len = n;
	return 0;
}

static int
py_merge(struct pyfunc *fold, const unsigned char *buf, size_t len)
{
	PyObject *v;
	uint64_t first;
	uint32_t slen;
	double d;
	char *s;
	size_t at = 0;

	while (at < len) {
		if (len - at < 13)	/* the shortest: 'i' and "0x0" */
			return fail("a malformed partial result");
		memcpy(&first, buf + at, 8);
		if (buf[at + 8] == 'f' && len - at >= 17) {
			memcpy(&d, buf + at + 9, 8);
			v = PyFloat_FromDouble(d);
			at += 17;
		} else if (buf[at + 8] == 'i') {
			memcpy(&slen, buf + at + 9, 4);
			if (slen > len - at - 13)
				return fail("a malformed partial result");
			if ((s = strndup((const char *)buf + at + 13, slen)) ==
			    NULL)
				return fail("out of memory");
			v = PyLong_FromString(s, NULL, 0);
			free(s);
			at += 13 + slen;
		} else
			return fail("a malformed partial result");
		if (v == NULL)
			return fail_python(fold->name);
		/* every run stays apart: no index follows UINT64_MAX */
		if (fold_add(fold, first, v) == -1)
			return -1;
		fold->runs[fold->nruns - 1].next = UINT64_MAX;
	}
	return 0;
}

static int
cmp_runs(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static char *
py_result(struct pyfunc *fold, int *doubles)
{
	PyObject *acc, *next, *s;
	char *text;
	size_t i;

	if (fold->nruns == 0) {
		fail("%s of no value", fold->name);
		return NULL;
	}
	qsort(fold->runs, fold->nruns, sizeof(*fold->runs), cmp_runs);
	acc = fold->runs[0].value;
	Py_INCREF(acc);
	for (i = 1; i < fold->nruns; i++) {
		next = fold_call(fold, acc, fold->runs[i].value);
		Py_DECREF(acc);
		if ((acc = next) == NULL)
			return NULL;
	}
	*doubles = PyFloat_Check(acc);
	if (!*doubles) {		/* True is 1 */
		next = PyNumber_Long(acc);
		Py_DECREF(acc);
		if ((acc = next) == NULL) {
			fail_python(fold->name);
			return NULL;
		}
	}
	s = PyObject_Repr(acc);
	Py_DECREF(acc);
	if (s == NULL) {
		fail_python(fold->name);
		return NULL;
	}
	text = strdup(PyUnicode_AsUTF8(s));
	Py_DECREF(s);
	return text;
}

static char *
py_error(void)
{
	char *e = last_error;

	last_error = NULL;
	return e;
}

static void
py_close(struct pyfunc *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nruns; i++)
		Py_DECREF(f->runs[i].value);
	Py_DECREF(f->callable);
	free(f->runs);
	free(f->name);
	free(f);
}

/* An error of the tool's own, for py_error(): -1. */
static int
fail(const char *fmt, ...)
{
	va_list ap;
	char *e;

	va_start(ap, fmt);
	if (vasprintf(&e, fmt, ap) == -1)
		e = NULL;
	va_end(ap);
	free(last_error);
	last_error = e;
	return -1;
}

/*
 * The pending Python exception as one line, "who: Type: message" (with
 * -v, and its traceback), for py_error(): -1.  In a worker, SystemExit
 * ends the process as Python would, and the guard tells the manager.
 */
static int
fail_python(const char *who)
{
	PyObject *type, *value, *tb, *line;
	const char *s;
	int code;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (value == NULL)
		return fail("%s: unknown error", who != NULL ? who : "Python");
	if (tb != NULL)
		PyException_SetTraceback(value, tb);
	if (worker && PyErr_GivenExceptionMatches(value,
	    PyExc_SystemExit)) {
		line = PyObject_CallFunction(helper("exit_code"), "O", value);
		code = line != NULL ? (int)PyLong_AsLong(line) : 1;
		flush_python();
		fflush(stdout);
		fflush(stderr);
		_exit(code);
	}
	line = PyObject_CallFunction(helper("describe"), "Oi", value,
	    verbose);
	s = line != NULL ? PyUnicode_AsUTF8(line) : NULL;
	if (s == NULL)
		PyErr_Clear();
	if (who != NULL)
		fail("%s: %s", who, s != NULL ? s : "an unprintable error");
	else
		fail("%s", s != NULL ? s : "an unprintable error");
	Py_XDECREF(line);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
	return -1;
}

/* "product(3, 103)": the call of element t of batch b. */
static void
element_name(char *buf, size_t len, const struct pyfunc *f,
    const struct mapreduce_batch *b, size_t t)
{
	size_t n;
	uint32_t j;

	snprintf(buf, len, "%s(", f->name);
	for (j = 0; j < f->nargs; j++) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%" PRId64, j > 0 ? ", " : "",
		    mapreduce_value(b, j, t));
	}
	n = strlen(buf);
	snprintf(buf + n, len - n, ")");
}

/* repr(v), cut to REPR_MAX characters. */
static void
short_repr(char *buf, size_t len, PyObject *v)
{
	PyObject *r;
	const char *s;

	if ((r = PyObject_Repr(v)) == NULL || (s = PyUnicode_AsUTF8(r)) ==
	    NULL) {
		PyErr_Clear();
		snprintf(buf, len, "<%s>", Py_TYPE(v)->tp_name);
	} else if (strlen(s) > REPR_MAX)
		snprintf(buf, len, "%.*s...", REPR_MAX - 3, s);
	else
		snprintf(buf, len, "%s", s);
	Py_XDECREF(r);
}
