/* pyload.c - a .py named with -k or -R: mapreduce-python.so, found and loaded on demand */

#include <dlfcn.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "pyload.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR	"/usr/local/libexec/mapreduce"
#endif

static int	find_plugin(char *path, size_t size);
static int	open_plugin(struct pyjob *pj, const char *path, char *why,
		    size_t len);
static int	add(char **spec, size_t *len, const char *s);

int
pyload_is_python(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".py") == 0;
}

int
pyload_check(struct pyjob *pj, const char *map_path, const char *map_func,
    uint32_t nranges, const char *red_path, const char *red_func, int batch,
    int verbose, char *why, size_t len)
{
	char map_abs[PATH_MAX], red_abs[PATH_MAX], plugin[PATH_MAX], msg[512];
	int flags = (batch ? PYPLUGIN_BATCH : 0) |
	    (verbose ? PYPLUGIN_VERBOSE : 0);

	memset(pj, 0, sizeof(*pj));
	red_abs[0] = '\0';
	if (realpath(map_path, map_abs) == NULL) {
		snprintf(why, len, "'%s': %s", map_path, strerror(errno));
		return -1;
	}
	if (red_path != NULL && realpath(red_path, red_abs) == NULL) {
		snprintf(why, len, "'%s': %s", red_path, strerror(errno));
		return -1;
	}
	if (find_plugin(plugin, sizeof(plugin)) == -1) {
		snprintf(why, len, "Python support is not built: no %s beside"
		    " this program or in %s (install python3-dev and"
		    " rebuild)", PYPLUGIN_FILE, LIBEXECDIR);
		return -1;
	}
	if (open_plugin(pj, plugin, why, len) == -1)
		return -1;
	if ((pj->map = pj->py->open(map_abs, map_func, nranges, flags, msg,
	    sizeof(msg))) == NULL) {
		snprintf(why, len, "'%s': %s", map_path, msg);
		return -1;
	}
	if (red_path != NULL && (pj->fold = pj->py->open(red_abs, red_func, 2,
	    flags & ~PYPLUGIN_BATCH, msg, sizeof(msg))) == NULL) {
		snprintf(why, len, "'%s': %s", red_path, msg);
		return -1;
	}
	if (add(&pj->spec, &pj->len, map_abs) == -1 ||
	    add(&pj->spec, &pj->len, map_func) == -1 ||
	    add(&pj->spec, &pj->len, plugin) == -1 ||
	    add(&pj->spec, &pj->len, red_abs) == -1 ||
	    add(&pj->spec, &pj->len, red_func != NULL ? red_func : "") == -1 ||
	    add(&pj->spec, &pj->len, batch ? (verbose ? "bv" : "b") :
	    (verbose ? "v" : "")) == -1) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	return 0;
}

int
pyload_worker(struct pyjob *pj, const char *spec, size_t len,
    uint32_t nranges, char *why, size_t wlen)
{
	const char *s[6];
	char msg[512];
	size_t at = 0;
	int i, flags = PYPLUGIN_WORKER;

	memset(pj, 0, sizeof(*pj));
	for (i = 0; i < 6; i++) {
		if (at >= len || memchr(spec + at, '\0', len - at) == NULL) {
			snprintf(why, wlen, "a malformed task");
			return -1;
		}
		s[i] = spec + at;
		at += strlen(s[i]) + 1;
	}
	if (strchr(s[5], 'b') != NULL)
		flags |= PYPLUGIN_BATCH;
	if (strchr(s[5], 'v') != NULL)
		flags |= PYPLUGIN_VERBOSE;
	if (open_plugin(pj, s[2], why, wlen) == -1)
		return -1;
	if ((pj->map = pj->py->open(s[0], s[1], nranges, flags, msg,
	    sizeof(msg))) == NULL ||
	    (s[3][0] != '\0' && (pj->fold = pj->py->open(s[3], s[4], 2,
	    flags & ~PYPLUGIN_BATCH, msg, sizeof(msg))) == NULL)) {
		snprintf(why, wlen, "%s", msg);
		return -1;
	}
	return 0;
}

void
pyload_release(struct pyjob *pj)
{
	if (pj->py != NULL) {
		pj->py->close(pj->map);
		pj->py->close(pj->fold);
	}
	free(pj->spec);
	pj->map = pj->fold = NULL;
	pj->spec = NULL;
	pj->len = 0;
}

/* The workers chose the type of their partials by their first value. */
int
pyload_merge(const struct pyjob *pj, const struct mr_result *res,
    int nworkers, const unsigned char *bytes, const int *displs, int failed)
{
	char *msg;
	int k, told = 0;

	for (k = 0; k < nworkers; k++) {
		if (res[k].magic != MR_MAGIC || res[k].version !=
		    MR_PROTOCOL_VERSION || res[k].status == MR_STATUS_OK)
			continue;
		if (res[k].status == MR_STATUS_PYTHON && !told++)
			warnx("%.*s", (int)res[k].size, bytes + displs[k]);
		failed = 1;
	}
	for (k = 0; k < nworkers && !failed && pj->fold != NULL; k++) {
		if (pj->py->merge(pj->fold, bytes + displs[k], res[k].size) ==
		    0)
			continue;
		msg = pj->py->error();
		warnx("worker %d: %s", k, msg != NULL ? msg : "out of memory");
		free(msg);
		return 1;
	}
	return failed;
}

char *
pyload_noun(const char *func)
{
	char *noun;

	if ((noun = strdup(func)) != NULL && *noun >= 'a' && *noun <= 'z')
		*noun = (char)(*noun - 'a' + 'A');
	return noun;
}

/*
 * Beside the running executable first (a build tree, or an installed
 * worker in LIBEXECDIR), then in LIBEXECDIR.
 */
static int
find_plugin(char *path, size_t size)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if (snprintf(path, size, "%s/%s", exe,
			    PYPLUGIN_FILE) < (int)size &&
			    access(path, R_OK) == 0)
				return 0;
		}
	}
	snprintf(path, size, "%s/%s", LIBEXECDIR, PYPLUGIN_FILE);
	return access(path, R_OK) == 0 ? 0 : -1;
}

/*
 * RTLD_GLOBAL: Python's extension modules (numpy's) take libpython's
 * symbols from the process, not from a library of their own.
 */
static int
open_plugin(struct pyjob *pj, const char *path, char *why, size_t len)
{
	const char *err;

	if ((pj->handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL)) == NULL) {
		err = dlerror();
		snprintf(why, len, "Python support: %s", err != NULL ? err :
		    path);
		return -1;
	}
	pj->py = dlsym(pj->handle, PYPLUGIN_SYMBOL);
	if (pj->py == NULL || pj->py->version != PYPLUGIN_VERSION) {
		snprintf(why, len, "Python support: '%s' is not this build's"
		    " plugin", path);
		return -1;
	}
	return 0;
}

/* Append s and its '\0' to the malloc(3)ed *spec of *len bytes. */
static int
add(char **spec, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;
	char *grown;

	if ((grown = realloc(*spec, *len + n)) == NULL)
		return -1;
	memcpy(grown + *len, s, n);
	*spec = grown;
	*len += n;
	return 0;
}
