/* plugin.h - a user kernel (mapreduce.h), loaded from a shared object */

#ifndef MR_PLUGIN_H
#define MR_PLUGIN_H

#include <stddef.h>

#include "mapreduce.h"

struct plugin {
	void *handle;				/* dlopen(3)'s */
	const struct mapreduce_kernel *kernel;	/* checked, in handle */
};

/*
 * Load the kernel `symbol` (NULL: MAPREDUCE_KERNEL_SYMBOL) from the shared
 * object `path` and check it: interface version, value type, map function,
 * name, arities.  Returns 0, or -1 with a one-line reason in why (of size
 * len) and nothing loaded.
 */
int	plugin_open(struct plugin *p, const char *path, const char *symbol,
	    char *why, size_t len);
void	plugin_close(struct plugin *p);

#endif /* MR_PLUGIN_H */
