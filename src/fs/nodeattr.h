/* SPDX-License-Identifier: MIT */
/*
 * What chmod, chown, utimensat and setxattr changed, per inode. kernfs
 * keeps such changes in memory for the life of the node (kn->mode,
 * kn->iattr); so do we, without costing the nodes nobody changed
 * anything: 100,000 devices' files have no entry until one is changed.
 *
 * An entry lives as long as its inode resolves. Inode numbers are never
 * reused (tree.h), so an entry whose object died can never apply to
 * anything else; such entries are dropped whenever the table grows, which
 * bounds the table by the changed nodes that are alive.
 *
 * Not thread-safe: the caller serialises (ops.c calls it under the core
 * lock from the session thread).
 */
#ifndef MDEVD_NODEATTR_H
#define MDEVD_NODEATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "common/htable.h"

/* Zero-initialised = empty (the table is made on the first change). */
struct nodeattr {
	struct htable table; /* of struct nodeattr_entry (nodeattr.c) */
};

/* Says whether an inode still names a live object. */
typedef bool (*nodeattr_alive_fn)(void *opaque, uint64_t ino);

/* Which fields of a change to record. */
enum {
	NA_MODE = 1 << 0, /* permission bits only; the file type stays */
	NA_UID = 1 << 1,
	NA_GID = 1 << 2,
	NA_ATIME = 1 << 3,
	NA_MTIME = 1 << 4,
	NA_CTIME = 1 << 5,
};

struct nodeattr_change {
	unsigned set; /* NA_* */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec atime, mtime, ctime;
};

void nodeattr_clear(struct nodeattr *na);

/* Overlays what was changed on ino onto st. */
void nodeattr_apply(const struct nodeattr *na, uint64_t ino, struct stat *st);

/* Records a change; 0 or -ENOMEM (nothing recorded). */
int nodeattr_set(struct nodeattr *na, uint64_t ino,
		 const struct nodeattr_change *c, nodeattr_alive_fn alive,
		 void *opaque);

/* Extended attributes, as simple_xattr does for kernfs. The caller decides
 * which name spaces exist. */
/* The value's length, copied into buf when size > 0; -ENODATA, -ERANGE. */
ssize_t nodeattr_getxattr(const struct nodeattr *na, uint64_t ino,
			  const char *name, void *buf, size_t size);
/* flags: XATTR_CREATE (-EEXIST if present), XATTR_REPLACE (-ENODATA if
 * absent); -ENOMEM. */
int nodeattr_setxattr(struct nodeattr *na, uint64_t ino, const char *name,
		      const void *value, size_t size, int flags,
		      nodeattr_alive_fn alive, void *opaque);
/* 0 or -ENODATA. */
int nodeattr_removexattr(struct nodeattr *na, uint64_t ino, const char *name);
/* The NUL-separated names' total length, copied into buf when size > 0;
 * -ERANGE. */
ssize_t nodeattr_listxattr(const struct nodeattr *na, uint64_t ino, char *buf,
			   size_t size);

#endif
