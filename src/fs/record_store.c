// SPDX-License-Identifier: MIT
/*
 * mdevd --record --record-store DIR: copies the host's mdevctl store
 * (SYSFS/../etc/mdevctl.d, so /etc/mdevctl.d for /sys) to DIR, so that a
 * bug report carries the definitions with the tree. Directories and
 * regular files are copied with their modes; anything else is reported
 * and left out. The copy is made beside DIR and renamed into place, so DIR
 * is either absent or complete; an existing DIR is refused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "faults.h"

static int copy_file(const char *src, const char *dst, mode_t mode)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC);
	int out = in < 0 ? -1
			 : open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				mode & 07777);
	int ret = in < 0 || out < 0 ? -errno : 0;
	ssize_t n;

	while (!ret && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0)
			ret = errno == EINTR ? 0 : -errno;
		else
			ret = write_all(out, buf, (size_t)n);
	}
	if (!ret && fsync(out) < 0)
		ret = -errno;
	if (out >= 0 && close(out) < 0 && !ret)
		ret = -errno;
	if (in >= 0)
		close(in);
	return ret;
}

static int copy_tree(const char *src, const char *dst, mode_t mode)
{
	DIR *d = opendir(src);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -errno;
	if (mkdir(dst, mode & 07777) < 0) {
		closedir(d);
		return -errno;
	}
	while (!ret && (e = readdir(d))) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *s = path_join(src, e->d_name);
		char *t = path_join(dst, e->d_name);
		if (!s || !t)
			ret = -ENOMEM;
		else if (lstat(s, &st) < 0)
			ret = -errno;
		else if (S_ISDIR(st.st_mode))
			ret = copy_tree(s, t, st.st_mode);
		else if (S_ISREG(st.st_mode))
			ret = copy_file(s, t, st.st_mode);
		else
			fprintf(stderr,
				"mdevd: record: %s: not a file or directory; "
				"left out\n",
				s);
		if (ret)
			fprintf(stderr, "mdevd: record: %s: %s\n", s ? s : src,
				strerror(-ret));
		free(s);
		free(t);
	}
	closedir(d);
	return ret ? ret : fsync_dir(dst);
}

int record_store(const char *sysfs, const char *dst)
{
	char src[PATH_MAX], tmp[PATH_MAX], parent[PATH_MAX];
	struct stat st;

	snprintf(src, sizeof(src), "%s/../etc/mdevctl.d", sysfs);
	if (lstat(dst, &st) == 0 || errno != ENOENT) {
		fprintf(stderr, "mdevd: record: --record-store %s: %s\n", dst,
			errno == ENOENT || !errno ? "exists already"
						  : strerror(errno));
		return 1;
	}
	errno = 0;
	if (stat(src, &st) < 0) {
		fprintf(stderr, "mdevd: record: %s: %s\n", src,
			strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mdevd: record: %s: not a directory\n", src);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", dst, (int)getpid());
	int ret = copy_tree(src, tmp, st.st_mode);
	if (!ret && rename(tmp, dst) < 0)
		ret = -errno;
	snprintf(parent, sizeof(parent), "%s/..", dst);
	if (!ret)
		fsync_dir(parent);
	if (ret) {
		remove_tree(tmp);
		fprintf(stderr, "mdevd: record: copying %s to %s: %s\n", src,
			dst, strerror(-ret));
		return 1;
	}
	return 0;
}
