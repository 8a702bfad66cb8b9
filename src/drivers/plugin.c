/* SPDX-License-Identifier: MIT */
/*
 * Driver plugins: a driver that is not built in is the shared object
 * <dir>/<name>.so, loaded the first time a hardware file names it (so a
 * stale or broken plugin nobody uses stops nothing) and kept for the
 * process's life: registered parents point at its ops and types, and a
 * reload (SIGHUP) finds it loaded.
 *
 * Its one entry point, the object mdev_driver_plugin (MDEV_DRIVER_PLUGIN in
 * mdev_driver.h), is checked before anything else of it is read: the ABI
 * version first (its place never moves), then the struct size, then the
 * driver's name against the file's.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/names.h"
#include "driver.h"

#ifndef MDEVKIT_DRIVER_DIR
#define MDEVKIT_DRIVER_DIR "/usr/lib/mdevkit/drivers"
#endif

/* The variable tests and the bench use instead of --driver-dir. */
#define DRIVER_DIR_ENV "MDEVD_DRIVER_DIR"

struct loaded_plugin {
	char *name;
	const struct mdev_hw_driver *driver;
};

static pthread_mutex_t plugins_lock = PTHREAD_MUTEX_INITIALIZER;
static struct loaded_plugin *plugins;
static size_t n_plugins;
static char *plugin_dir;

void mdev_hw_plugin_dir_set(const char *dir)
{
	pthread_mutex_lock(&plugins_lock);
	free(plugin_dir);
	plugin_dir = dir ? strdup(dir) : NULL;
	pthread_mutex_unlock(&plugins_lock);
}

/* Call with plugins_lock held. */
static const char *dir_locked(void)
{
	const char *env = getenv(DRIVER_DIR_ENV);

	if (plugin_dir)
		return plugin_dir;
	return env && env[0] ? env : MDEVKIT_DRIVER_DIR;
}

const char *mdev_hw_plugin_dir(void)
{
	const char *dir;

	pthread_mutex_lock(&plugins_lock);
	dir = dir_locked();
	pthread_mutex_unlock(&plugins_lock);
	return dir;
}

static const struct mdev_hw_driver *find_loaded(const char *name)
{
	for (size_t i = 0; i < n_plugins; i++)
		if (!strcmp(plugins[i].name, name))
			return plugins[i].driver;
	return NULL;
}

/* What makes a loaded object unusable, as one line; 0 if it is usable. */
static int check_entry(const struct mdev_driver_plugin *entry, const char *name,
		       const char *path, char *err, size_t errlen)
{
	const struct mdev_hw_driver *drv = entry->driver;

	if (entry->abi_version != MDEV_DRIVER_ABI_VERSION) {
		snprintf(err, errlen,
			 "plugin %s: built for driver ABI %u, this mdevd "
			 "loads ABI %u (rebuild it against this libmdev)",
			 path, entry->abi_version, MDEV_DRIVER_ABI_VERSION);
		return -ENOEXEC;
	}
	if (entry->driver_size != sizeof(struct mdev_hw_driver)) {
		snprintf(err, errlen,
			 "plugin %s: struct mdev_hw_driver is %zu bytes, "
			 "expected %zu (built with another mdev_driver.h)",
			 path, entry->driver_size,
			 sizeof(struct mdev_hw_driver));
		return -ENOEXEC;
	}
	if (!drv || !drv->name || strcmp(drv->name, name)) {
		snprintf(err, errlen,
			 "plugin %s: defines driver \"%s\", expected \"%s\"",
			 path, drv && drv->name ? drv->name : "", name);
		return -EINVAL;
	}
	if (!drv->bus || drv->translate) {
		snprintf(err, errlen, "plugin %s: driver \"%s\" %s", path, name,
			 drv->bus ? "sets translate (in-tree drivers only)"
				  : "has no bus");
		return -EINVAL;
	}
	return 0;
}

/* Loads <dir>/<name>.so; plugins_lock held. */
static int load_locked(const char *name, const struct mdev_hw_driver **out,
		       char *err, size_t errlen)
{
	const struct mdev_driver_plugin *entry;
	struct loaded_plugin *grown;
	char path[PATH_MAX];
	void *handle;
	int n, ret;

	n = snprintf(path, sizeof(path), "%s/%s.so", dir_locked(), name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, F_OK))
		return -ENOENT;
	/* RTLD_NOW: an unresolved symbol is this line, not a crash later
	 * in a FUSE thread. */
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(err, errlen, "plugin %s: %s", path, dlerror());
		return -ENOEXEC;
	}
	entry = dlsym(handle, "mdev_driver_plugin");
	if (!entry) {
		snprintf(err, errlen,
			 "plugin %s: no mdev_driver_plugin entry point "
			 "(MDEV_DRIVER_PLUGIN)",
			 path);
		dlclose(handle);
		return -ENOEXEC;
	}
	ret = check_entry(entry, name, path, err, errlen);
	if (ret) {
		dlclose(handle);
		return ret;
	}
	grown = realloc(plugins, (n_plugins + 1) * sizeof(*plugins));
	if (!grown) {
		dlclose(handle);
		return -ENOMEM;
	}
	plugins = grown;
	plugins[n_plugins].name = strdup(name);
	if (!plugins[n_plugins].name) {
		dlclose(handle);
		return -ENOMEM;
	}
	plugins[n_plugins++].driver = entry->driver;
	*out = entry->driver;
	return 0;
}

int mdev_hw_plugin_load(const char *name, const struct mdev_hw_driver **out,
			char *err, size_t errlen)
{
	int ret = 0;

	/* A name becomes a file name: nothing that walks directories. */
	if (!name_is_sysfs(name, MDEV_NAME_MAX) ||
	    !name_is_path_component(name) || name[0] == '.')
		return -ENOENT;
	pthread_mutex_lock(&plugins_lock);
	*out = find_loaded(name);
	if (!*out)
		ret = load_locked(name, out, err, errlen);
	pthread_mutex_unlock(&plugins_lock);
	return ret;
}
