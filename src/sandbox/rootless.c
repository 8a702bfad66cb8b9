// SPDX-License-Identifier: MIT
/*
 * mdev-sandbox for an unprivileged user: before anything else, a user
 * namespace in which the caller is root (uid and gid mapped to 0, nothing
 * else mapped), so the mount, network and PID namespaces, the FUSE mount
 * of mdevd's tree and the mounts over /sys, /run and /etc/mdevctl.d are
 * all made by a root that owns only its own namespaces. Files the
 * sandbox writes (the root, the store, the journal) belong to the caller.
 *
 * What a machine can lack is checked first and said in one line: user
 * namespaces switched off, or a /dev/fuse the caller may not open.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "rootless.h"

/* 0 when the kernel lets this user create a user namespace, else a
 * negative errno with the reason in why. */
static int userns_available(char *why, size_t len)
{
	FILE *f = fopen("/proc/sys/user/max_user_namespaces", "re");
	long max = -1;

	if (f) {
		if (fscanf(f, "%ld", &max) != 1)
			max = -1;
		fclose(f);
	}
	if (max == 0) {
		snprintf(why, len,
			 "user namespaces are off "
			 "(/proc/sys/user/max_user_namespaces is 0)");
		return -EPERM;
	}
	/* Debian's older knob (kernels before 6.1 carried it). */
	f = fopen("/proc/sys/kernel/unprivileged_userns_clone", "re");
	if (f) {
		long on = 1;

		if (fscanf(f, "%ld", &on) != 1)
			on = 1;
		fclose(f);
		if (on == 0) {
			snprintf(why, len,
				 "unprivileged user namespaces are off "
				 "(/proc/sys/kernel/unprivileged_userns_clone "
				 "is 0)");
			return -EPERM;
		}
	}
	return 0;
}

/* 0 when the caller can open /dev/fuse, as mdevd will. */
static int fuse_available(char *why, size_t len)
{
	struct stat st;
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (stat("/dev/fuse", &st) < 0)
		snprintf(why, len,
			 "there is no /dev/fuse (load the fuse module: "
			 "modprobe fuse)");
	else
		snprintf(why, len,
			 "/dev/fuse is mode %04o, owner %u: this user cannot "
			 "open it (%s; Debian's fuse3 package makes it 0666)",
			 (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
			 strerror(errno));
	return -EACCES;
}

/* Writes one id map: "0 <outside id> 1". */
static int write_map(const char *file, unsigned id, char *why, size_t len)
{
	char line[32];
	int fd, n, ret;

	n = snprintf(line, sizeof(line), "0 %u 1\n", id);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "%s: %s", file, strerror(errno));
		return ret;
	}
	ret = write_all(fd, line, (size_t)n);
	close(fd);
	if (ret < 0)
		snprintf(why, len, "%s: %s", file, strerror(-ret));
	return ret;
}

/* An unprivileged process may map its gid only once setgroups(2) is
 * denied in the namespace. */
static int deny_setgroups(char *why, size_t len)
{
	int fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
	int ret;

	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "/proc/self/setgroups: %s", strerror(errno));
		return ret;
	}
	ret = write_all(fd, "deny", 4);
	close(fd);
	if (ret < 0)
		snprintf(why, len, "/proc/self/setgroups: %s", strerror(-ret));
	return ret;
}

int rootless_enter(char *why, size_t len)
{
	unsigned uid = getuid(), gid = getgid();
	int ret;

	ret = userns_available(why, len);
	if (ret)
		return ret;
	ret = fuse_available(why, len);
	if (ret)
		return ret;
	if (unshare(CLONE_NEWUSER) < 0) {
		ret = -errno;
		snprintf(why, len, "cannot create a user namespace: %s%s",
			 strerror(errno),
			 errno == ENOSPC ? " (the per-user limit, "
					   "/proc/sys/user/max_user_namespaces)"
					 : "");
		return ret;
	}
	ret = deny_setgroups(why, len);
	if (ret)
		return ret;
	ret = write_map("/proc/self/uid_map", uid, why, len);
	if (ret)
		return ret;
	return write_map("/proc/self/gid_map", gid, why, len);
}
