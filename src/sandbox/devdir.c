// SPDX-License-Identifier: MIT
/*
 * The sandbox's own /dev (--libvirt-qemu). libvirt's QEMU driver refuses a
 * domain with an mdev hostdev unless the host "supports VFIO": IOMMU
 * groups in /sys/kernel/iommu_groups (mdevd's tree has them) and a
 * /dev/vfio/vfio that exists. Without a vfio module there is no such node,
 * and the host's /dev must not be changed, so the sandbox gets a /dev of
 * its own: a tmpfs holding the host's ordinary nodes (bound, so they are
 * the host's devices), its /dev/pts, a private /dev/shm, and /dev/vfio
 * with empty marker files. Nothing opens the markers: mdev-qemu hands QEMU
 * a vfio-user socket instead of the VFIO group (docs/sandbox.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fsutil.h"
#include "devdir.h"
#include "why.h"

/* An empty file at PATH (mode MODE): a mount point, or a marker. */
static int make_file(const char *path, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* The host's /dev/NAME bound over DEV/NAME, when the host has one. */
static int bind_node(const char *dev, const char *name, char *why, size_t len)
{
	char *from = path_join("/dev", name), *to = path_join(dev, name);
	struct stat st;
	int ret = 0;

	if (!from || !to)
		ret = why_fail(why, len, ENOMEM, "%s", name);
	else if (stat(from, &st) < 0)
		ret = 0; /* not on this host: not in the sandbox either */
	else if ((ret = make_file(to, 0600)))
		ret = why_fail(why, len, -ret, "%s", to);
	else if (mount(from, to, NULL, MS_BIND, NULL) < 0)
		ret = why_fail(why, len, errno, "%s", from);
	free(from);
	free(to);
	return ret;
}

static int fill_dev(const char *dev, char *why, size_t len)
{
	static const char *const nodes[] = {"null",    "zero", "full", "random",
					    "urandom", "tty",  "fuse", "kvm"};
	static const char *const links[][2] = {
	    {"fd", "/proc/self/fd"},	   {"stdin", "/proc/self/fd/0"},
	    {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
	    {"ptmx", "pts/ptmx"},
	};
	char path[4096];
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
		if ((ret = bind_node(dev, nodes[i], why, len)))
			return ret;
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, links[i][0]);
		if (symlink(links[i][1], path) < 0)
			return why_fail(why, len, errno, "%s", path);
	}
	snprintf(path, sizeof(path), "%s/pts", dev);
	if ((ret = mkdir_p(path, 0755)))
		return why_fail(why, len, -ret, "%s", path);
	if (mount("/dev/pts", path, NULL, MS_BIND, NULL) < 0)
		return why_fail(why, len, errno, "%s", "/dev/pts");
	snprintf(path, sizeof(path), "%s/shm", dev);
	if ((ret = mkdir_p(path, 01777)) ||
	    mount("mdev-sandbox-shm", path, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") < 0)
		return why_fail(why, len, ret ? -ret : errno, "%s", path);
	snprintf(path, sizeof(path), "%s/vfio", dev);
	if ((ret = mkdir_p(path, 0755)))
		return why_fail(why, len, -ret, "%s", path);
	snprintf(path, sizeof(path), "%s/vfio/vfio", dev);
	if ((ret = make_file(path, 0600)))
		return why_fail(why, len, -ret, "%s", path);
	return 0;
}

int devdir_mount(const char *sandbox_root, char *why, size_t len)
{
	char *dev = path_join(sandbox_root, "dev");
	int ret;

	if (!dev)
		return why_fail(why, len, ENOMEM, "%s", "dev");
	if ((ret = mkdir_p(dev, 0755)))
		ret = why_fail(why, len, -ret, "%s", dev);
	else if (mount("mdev-sandbox-dev", dev, "tmpfs", MS_NOSUID,
		       "mode=0755") < 0)
		ret = why_fail(why, len, errno, "%s", dev);
	else if (!(ret = fill_dev(dev, why, len)) &&
		 mount(dev, "/dev", NULL, MS_MOVE, NULL) < 0)
		ret =
		    why_fail(why, len, errno, "%s", "move the sandbox's /dev");
	free(dev);
	return ret;
}
