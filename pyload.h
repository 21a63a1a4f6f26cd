/* pyload.h - a .py named with -k or -R: mapreduce-python.so, found and loaded on demand */

#ifndef MR_PYLOAD_H
#define MR_PYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "pyplugin.h"
#include "reduce.h"

struct mr_result;

/*
 * A run's Python functions, as the manager checked them and as each worker
 * loads them.  The spec that the manager sends (the kernel bytes of
 * common.h's step 2) is "MAPPATH\0MAPFUNC\0PLUGIN\0REDPATH\0REDFUNC\0FLAGS\0":
 * absolute paths, REDPATH and REDFUNC empty for a built-in reduce, FLAGS
 * the letters b (--batch) and v (-v).
 */
struct pyjob {
	void *handle;			/* dlopen(3)'s, of the plugin */
	const struct pyplugin *py;	/* checked, in handle */
	struct pyfunc *map;		/* -k FILE.py:FUNC */
	struct pyfunc *fold;		/* -R FILE.py:FUNC, or NULL */
	char *spec;			/* malloc(3)ed, len bytes */
	size_t len;
};

/* Does a -k or -R argument name a Python file ("FILE.py:FUNC")? */
int	pyload_is_python(const char *path);

/*
 * The manager: find the plugin (beside the running executable, else in
 * LIBEXECDIR), start Python and import the map's module (and the
 * reduce's), checking FUNC against nranges arguments (2 for the reduce).
 * Returns 0, or -1 with one line in why (len bytes).
 */
int	pyload_check(struct pyjob *pj, const char *map_path,
	    const char *map_func, uint32_t nranges, const char *red_path,
	    const char *red_func, int batch, int verbose, char *why,
	    size_t len);

/*
 * A worker: the same from the manager's spec, of len bytes, without the
 * search; sys.exit() in the user's code ends the worker.
 */
int	pyload_worker(struct pyjob *pj, const char *spec, size_t len,
	    uint32_t nranges, char *why, size_t wlen);

/*
 * The manager, after gathering step 5's bytes (worker k's at
 * bytes + displs[k], res[k].size of them): print the first worker's
 * Python failure, one line; merge the runs of a Python fold into
 * pj->fold.  The tool's own partial needs nothing here: a PARTIAL_ANY
 * one takes ints and floats alike.
 * failed: the gather failed already.  Returns 0, or 1 if the run failed.
 */
int	pyload_merge(const struct pyjob *pj, const struct mr_result *res,
	    int nworkers, const unsigned char *bytes, const int *displs,
	    int failed);

/* -R FILE.py:FUNC's word for the sentence, malloc(3)ed: "sum" makes "Sum". */
char	*pyload_noun(const char *func);

/*
 * Release the functions and the spec.  The plugin stays loaded: an
 * interpreter that imported extension modules cannot be unloaded.
 */
void	pyload_release(struct pyjob *pj);

#endif /* MR_PYLOAD_H */
