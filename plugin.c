/* plugin.c - a user kernel (mapreduce.h), loaded from a shared object */

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "plugin.h"

static const char *check(const struct mapreduce_kernel *k);

int
plugin_open(struct plugin *p, const char *path, const char *symbol,
    char *why, size_t len)
{
	const char *bad, *err;

	if (symbol == NULL)
		symbol = MAPREDUCE_KERNEL_SYMBOL;
	p->kernel = NULL;
	/* RTLD_NOW: an unresolved symbol is an error now, not a crash later */
	if ((p->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		err = dlerror();
		snprintf(why, len, "%s", err != NULL ? err : "cannot load");
		return -1;
	}
	dlerror();
	p->kernel = dlsym(p->handle, symbol);
	if (dlerror() != NULL || p->kernel == NULL)
		snprintf(why, len, "no symbol '%s' in it", symbol);
	else if ((bad = check(p->kernel)) != NULL)
		snprintf(why, len, "'%s' %s", symbol, bad);
	else
		return 0;
	dlclose(p->handle);
	p->handle = NULL;
	p->kernel = NULL;
	return -1;
}

void
plugin_close(struct plugin *p)
{
	if (p->handle != NULL)
		dlclose(p->handle);
	p->handle = NULL;
	p->kernel = NULL;
}

/* What is wrong with a kernel struct, or NULL. */
static const char *
check(const struct mapreduce_kernel *k)
{
	static char msg[96];

	if (k->version != MAPREDUCE_KERNEL_VERSION) {
		snprintf(msg, sizeof(msg), "has interface version %u, not %d"
		    " (rebuild it against this mapreduce.h)", k->version,
		    MAPREDUCE_KERNEL_VERSION);
		return msg;
	}
	if (k->type != MAPREDUCE_INT64 && k->type != MAPREDUCE_DOUBLE)
		return "has an unknown value type";
	if (k->map == NULL)
		return "has no map function";
	if (k->name == NULL || k->name[0] == '\0' || strchr(k->name, '\n'))
		return "has no name for its values";
	if (k->arity_min < 1 || k->arity_max < k->arity_min)
		return "has no valid arity range";
	return NULL;
}
