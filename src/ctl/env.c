/* SPDX-License-Identifier: MIT */
/*
 * The file-system environment: "/" or $MDEVCTL_ENV_ROOT (mdevctl 1.3's
 * convention) prefixing sys/, etc/mdevctl.d/ and usr/lib/mdevctl/scripts.d/.
 */
#include "ctl.h"

#include <stdlib.h>
#include <sys/stat.h>

static int missing_dir(const char *dir, struct ctl_err *e)
{
	struct sbuf b;

	sb_init(&b);
	sb_add(&b, "Required directory ");
	sb_add_debug_str(&b, dir);
	sb_add(&b, " doesn't exist. This may indicate a packaging or "
		   "installation error");
	err_set(e, "%s", b.s);
	sb_free(&b);
	return -1;
}

int env_init(struct ctl_env *env, struct ctl_err *e)
{
	const char *root = getenv("MDEVCTL_ENV_ROOT");
	char *etc_scripts, *lib_scripts;
	struct stat st;
	int i;

	env->root = xstrdup(root && *root ? root : "/");
	env->mdev_base = xpath_join(env->root, "sys/bus/mdev/devices");
	env->parent_base = xpath_join(env->root, "sys/class/mdev_bus");
	env->config_base = xpath_join(env->root, "etc/mdevctl.d");
	etc_scripts = xpath_join(env->config_base, "scripts.d");
	lib_scripts = xpath_join(env->root, "usr/lib/mdevctl/scripts.d");
	/* 1.3 looks in usr/lib first, then in 1.2's etc location */
	env->callout_dirs[0] = xpath_join(lib_scripts, "callouts");
	env->callout_dirs[1] = xpath_join(etc_scripts, "callouts");
	env->notifier_dirs[0] = xpath_join(lib_scripts, "notifiers");
	env->notifier_dirs[1] = xpath_join(etc_scripts, "notifiers");
	free(etc_scripts);
	free(lib_scripts);

	/* the self check, run before argument parsing: the store and a
	 * scripts.d layout must exist; 1.2.0 takes either layout, 1.4.0 only
	 * usr/lib/mdevctl/scripts.d */
	if (stat(env->config_base, &st) < 0)
		return missing_dir(env->config_base, e);
	if (compat_14()) {
		if (stat(env->callout_dirs[0], &st) < 0)
			return missing_dir(env->callout_dirs[0], e);
		if (stat(env->notifier_dirs[0], &st) < 0)
			return missing_dir(env->notifier_dirs[0], e);
		return 0;
	}
	for (i = 0; i < 2; i++)
		if (stat(env->callout_dirs[i], &st) == 0 &&
		    stat(env->notifier_dirs[i], &st) == 0)
			return 0;
	return missing_dir(stat(env->callout_dirs[1], &st) < 0
			       ? env->callout_dirs[1]
			       : env->notifier_dirs[1],
			   e);
}

void env_free(struct ctl_env *env)
{
	int i;

	free(env->root);
	free(env->mdev_base);
	free(env->parent_base);
	free(env->config_base);
	for (i = 0; i < 2; i++) {
		free(env->callout_dirs[i]);
		free(env->notifier_dirs[i]);
	}
}
