// SPDX-License-Identifier: MIT
/*
 * Overlays of the sandbox: another distribution's root (--userland) and,
 * in the host's own userland, /etc, so that /etc/mdevctl.d can be a
 * symlink to the sandbox's store without the host's /etc changing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "overlay.h"
#include "why.h"

int overlay_mount(const char *lower, const char *layers, const char *target,
		  char *why, size_t len)
{
	char *upper = path_join(layers, "upper");
	char *work = path_join(layers, "work");
	char *opts = NULL;
	int ret = 0;

	if (!upper || !work)
		ret = why_fail(why, len, ENOMEM, "%s", layers);
	else if ((ret = mkdir_p(upper, 0755)))
		ret = why_fail(why, len, -ret, "mkdir %s", upper);
	else if ((ret = mkdir_p(work, 0755)))
		ret = why_fail(why, len, -ret, "mkdir %s", work);
	/* overlayfs takes these as separators in its options */
	else if (strpbrk(lower, ",:\\") || strpbrk(layers, ",:\\"))
		ret = why_fail(why, len, EINVAL,
			       "overlay of %s: ',', ':' or '\\' in a path",
			       lower);
	else if (asprintf(&opts, "lowerdir=%s,upperdir=%s,workdir=%s", lower,
			  upper, work) < 0) {
		opts = NULL;
		ret = why_fail(why, len, ENOMEM, "%s", "overlay");
	} else if (mount("mdev-sandbox-overlay", target, "overlay", 0, opts) <
		   0)
		ret = why_fail(why, len, errno, "overlay of %s", lower);
	free(opts);
	free(upper);
	free(work);
	return ret;
}

int overlay_link_store(const char *etc, const char *store, char *why,
		       size_t len)
{
	char *at = path_join(etc, "mdevctl.d");
	int ret = 0;

	if (!at)
		ret = why_fail(why, len, ENOMEM, "%s", etc);
	else if ((ret = mkdir_p(etc, 0755)))
		ret = why_fail(why, len, -ret, "mkdir %s", etc);
	else if ((ret = remove_tree(at)) && ret != -ENOENT)
		ret = why_fail(why, len, -ret, "remove %s", at);
	else if (symlink(store, at) < 0)
		ret = why_fail(why, len, errno, "symlink %s", at);
	else
		ret = 0;
	free(at);
	return ret;
}
