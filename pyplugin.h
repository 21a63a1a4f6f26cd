/* pyplugin.h - the interface of mapreduce-python.so: a user's Python function as map and reduce */

#ifndef MR_PYPLUGIN_H
#define MR_PYPLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "mapreduce.h"

/*
 * The tool knows nothing of Python: everything that needs Python's
 * headers and libpython lives in the plugin, mapreduce-python.so, which
 * the manager and the workers dlopen(3) only when -k or -R names a .py
 * file (pyload.h).  The plugin defines one const struct pyplugin under
 * the name PYPLUGIN_SYMBOL.  Built without Python's headers, the tool has
 * no plugin and says so.
 *
 * One process holds one interpreter, started by the first open(), without
 * Python's signal handlers.  A function handle (struct pyfunc) stays valid
 * until the process exits.
 */

#define PYPLUGIN_VERSION	2		/* of this interface */
#define PYPLUGIN_SYMBOL		"mapreduce_python"
#define PYPLUGIN_FILE		"mapreduce-python.so"

/* open()'s flags */
#define PYPLUGIN_BATCH		0x1	/* --batch: numpy arrays in and out */
#define PYPLUGIN_VERBOSE	0x2	/* -v: errors carry the traceback */
#define PYPLUGIN_WORKER		0x4	/* sys.exit() ends the process */

struct pyfunc;		/* a Python callable, opaque */

/*
 * Where a map's values go when the tool reduces them (-R OP).  type() is
 * called before the first value and whenever the type of the values
 * changes (doubles: floats follow, else ints; first: no value came
 * before), and returns NULL, or why the reduce cannot take them.  The
 * others return 0, or -1 when out of memory.  big() takes an int beyond
 * 64 bits in Python's hex() form ("-0x1f").
 */
struct pyplugin_sink {
	void	*ctx;
	const char *(*type)(void *ctx, int doubles, int first);
	int	(*ints)(void *ctx, const int64_t *v, size_t n);
	int	(*big)(void *ctx, const char *hex);
	int	(*doubles)(void *ctx, const double *v, size_t n);
};

struct pyplugin {
	uint32_t version;		/* PYPLUGIN_VERSION */
	/*
	 * Import the module at path (its directory first on sys.path,
	 * __name__ its file name without ".py") and take its attribute
	 * func, a callable of nargs positional arguments.  Returns the
	 * handle, or NULL with one line in why (len bytes): the file, a
	 * syntax or import error, a missing, uncallable or ill-fitting func.
	 */
	struct pyfunc *(*open)(const char *path, const char *func,
	    uint32_t nargs, int flags, char *why, size_t len);
	/*
	 * The batch b of the map f: the values go to sink, or, when fold is
	 * not NULL, into fold's left fold (a new run when b->first is not
	 * where the last run stopped).  Returns 0, or -1 with an error for
	 * error().
	 */
	int	(*map)(struct pyfunc *f, const struct mapreduce_batch *b,
	    struct pyfunc *fold, const struct pyplugin_sink *sink);
	/*
	 * fold's runs, as bytes to send (malloc(3)ed, *len of them), then
	 * forgotten (a worker sends each block's runs as it is done); they
	 * are merged on the manager's side in the order of their first
	 * elements, whatever the order in which they come.
	 * Return 0, or -1 with an error for error().
	 */
	int	(*encode)(struct pyfunc *fold, unsigned char **buf, size_t *len);
	int	(*merge)(struct pyfunc *fold, const unsigned char *buf,
	    size_t len);
	/*
	 * The result of fold over all merged runs, malloc(3)ed, as Python's
	 * repr() writes it (ints in decimal at any size); *doubles tells a
	 * float.  NULL with an error for error(): no value (an empty map),
	 * or a value that is not an int, float or bool.
	 */
	char	*(*result)(struct pyfunc *fold, int *doubles);
	/* The last error as one line (with -v, and the traceback), malloc(3)ed. */
	char	*(*error)(void);
	/* Release f (NULL: nothing); the interpreter stays. */
	void	(*close)(struct pyfunc *f);
};

#endif /* MR_PYPLUGIN_H */
