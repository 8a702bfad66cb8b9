// SPDX-License-Identifier: MIT
#include "common/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *path_join(const char *dir, const char *name)
{
	size_t ld = strlen(dir), ln = strlen(name);
	bool slash = ld == 0 || dir[ld - 1] != '/';
	char *p = malloc(ld + slash + ln + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, ld);
	if (slash)
		p[ld] = '/';
	memcpy(p + ld + slash, name, ln + 1);
	return p;
}

static int mkdir_one(const char *path, mode_t mode)
{
	return mkdir(path, mode) < 0 && errno != EEXIST ? -errno : 0;
}

int mkdir_p(const char *path, mode_t mode)
{
	struct stat st;
	int ret = 0;
	char *p;

	if (!path[0])
		return -ENOENT; /* as mkdir("") */
	p = strdup(path);
	if (!p)
		return -ENOMEM;
	/* Each prefix ending before a '/' (not the leading one), then all. */
	for (char *s = p + 1; *s && ret == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		ret = mkdir_one(p, mode);
		*s = '/';
	}
	if (ret == 0)
		ret = mkdir_one(p, mode);
	free(p);
	if (ret == 0 && (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)))
		ret = -ENOTDIR;
	return ret;
}

int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* nftw() passes no context; thread-local keeps remove_tree() reentrant
 * across threads. */
static _Thread_local int remove_tree_error;

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0 &&
	    remove_tree_error == 0)
		remove_tree_error = -errno;
	return 0;
}

int remove_tree(const char *path)
{
	remove_tree_error = 0;
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return -errno;
	return remove_tree_error;
}

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -ENOSPC;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}
