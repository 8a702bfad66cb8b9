/* SPDX-License-Identifier: MIT */
/*
 * File system helpers. All return 0 or a negative errno (path_join: NULL
 * when out of memory) and never exit: a layer that dies on error wraps them.
 */
#ifndef MDEV_COMMON_FSUTIL_H
#define MDEV_COMMON_FSUTIL_H

#include <sys/types.h>

/* "dir/name" in a new string; no second '/' when dir ends in one, "/name"
 * when dir is "". NULL when out of memory. */
char *path_join(const char *dir, const char *name);
/* mkdir -p: creates each missing component with mode (the umask applies);
 * -ENOTDIR when path exists and is not a directory, -ENOENT for "". */
int mkdir_p(const char *path, mode_t mode);
/* write() until all len bytes are written, again after EINTR; -errno,
 * or -ENOSPC when write() makes no progress. */
int write_all(int fd, const void *data, size_t len);
/* fsync of a directory, so that a rename or create in it is durable. */
int fsync_dir(const char *dir);
/* rm -rf that neither follows links nor leaves path's file system: removes
 * all it can and returns the first error (-ENOENT when path is missing). */
int remove_tree(const char *path);

#endif
