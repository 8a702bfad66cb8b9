// SPDX-License-Identifier: MIT
/*
 * The per-inode store of changed attributes (nodeattr.h): a hash table
 * keyed by inode number. Entries of dead inodes go when the table would
 * grow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "common/common.h"
#include "common/hash.h"
#include "nodeattr.h"

#define MIN_BUCKETS 16

/* One extended attribute: name, NUL, value. */
struct na_xattr {
	struct na_xattr *next;
	size_t name_len, size;
	char data[];
};

struct nodeattr_entry {
	struct htable_node link;
	uint64_t ino;
	struct nodeattr_change attr;
	struct na_xattr *xattrs;
};

static struct nodeattr_entry *find(const struct nodeattr *na, uint64_t ino)
{
	struct htable_node *n;

	if (!na->table.buckets)
		return NULL;
	for (n = htable_first(&na->table, mix64(ino)); n; n = htable_next(n)) {
		struct nodeattr_entry *e =
		    container_of(n, struct nodeattr_entry, link);

		if (e->ino == ino)
			return e;
	}
	return NULL;
}

static void free_xattrs(struct na_xattr *x)
{
	while (x) {
		struct na_xattr *next = x->next;
		free(x);
		x = next;
	}
}

static void free_entry(struct nodeattr_entry *e)
{
	free_xattrs(e->xattrs);
	free(e);
}

void nodeattr_clear(struct nodeattr *na)
{
	struct htable_iter it;
	struct htable_node *n;

	htable_iter_init(&it, &na->table);
	while ((n = htable_iter_next(&it)))
		free_entry(container_of(n, struct nodeattr_entry, link));
	htable_fini(&na->table);
}

/* Before the table would grow, drops the entries of dead inodes, so that
 * it grows only if the live ones need it. */
static void drop_dead(struct nodeattr *na, nodeattr_alive_fn alive,
		      void *opaque)
{
	struct htable_iter it;
	struct htable_node *n;

	if (na->table.count < na->table.n_buckets)
		return;
	htable_iter_init(&it, &na->table);
	while ((n = htable_iter_next(&it))) {
		struct nodeattr_entry *e =
		    container_of(n, struct nodeattr_entry, link);

		if (!alive(opaque, e->ino)) {
			htable_remove(&na->table, n);
			free_entry(e);
		}
	}
}

static struct nodeattr_entry *get_or_add(struct nodeattr *na, uint64_t ino,
					 nodeattr_alive_fn alive, void *opaque)
{
	struct nodeattr_entry *e = find(na, ino);

	if (e)
		return e;
	if (!na->table.buckets && htable_init(&na->table, MIN_BUCKETS) < 0)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->ino = ino;
	drop_dead(na, alive, opaque);
	htable_insert(&na->table, &e->link, mix64(ino));
	return e;
}

void nodeattr_apply(const struct nodeattr *na, uint64_t ino, struct stat *st)
{
	const struct nodeattr_entry *e = find(na, ino);
	if (!e)
		return;
	const struct nodeattr_change *c = &e->attr;
	if (c->set & NA_MODE)
		st->st_mode = (st->st_mode & S_IFMT) | (c->mode & 07777);
	if (c->set & NA_UID)
		st->st_uid = c->uid;
	if (c->set & NA_GID)
		st->st_gid = c->gid;
	if (c->set & NA_ATIME)
		st->st_atim = c->atime;
	if (c->set & NA_MTIME)
		st->st_mtim = c->mtime;
	if (c->set & NA_CTIME)
		st->st_ctim = c->ctime;
}

int nodeattr_set(struct nodeattr *na, uint64_t ino,
		 const struct nodeattr_change *c, nodeattr_alive_fn alive,
		 void *opaque)
{
	struct nodeattr_entry *e = get_or_add(na, ino, alive, opaque);
	if (!e)
		return -ENOMEM;
	struct nodeattr_change *a = &e->attr;
	if (c->set & NA_MODE)
		a->mode = c->mode & 07777;
	if (c->set & NA_UID)
		a->uid = c->uid;
	if (c->set & NA_GID)
		a->gid = c->gid;
	if (c->set & NA_ATIME)
		a->atime = c->atime;
	if (c->set & NA_MTIME)
		a->mtime = c->mtime;
	if (c->set & NA_CTIME)
		a->ctime = c->ctime;
	a->set |= c->set;
	return 0;
}

static struct na_xattr **find_xattr(struct nodeattr_entry *e, const char *name)
{
	size_t len = strlen(name);
	struct na_xattr **p = &e->xattrs;
	for (; *p; p = &(*p)->next)
		if ((*p)->name_len == len && memcmp((*p)->data, name, len) == 0)
			return p;
	return p;
}

ssize_t nodeattr_getxattr(const struct nodeattr *na, uint64_t ino,
			  const char *name, void *buf, size_t size)
{
	struct nodeattr_entry *e = find(na, ino);
	struct na_xattr *x = e ? *find_xattr(e, name) : NULL;
	if (!x)
		return -ENODATA;
	if (size == 0)
		return (ssize_t)x->size;
	if (size < x->size)
		return -ERANGE;
	memcpy(buf, x->data + x->name_len + 1, x->size);
	return (ssize_t)x->size;
}

int nodeattr_setxattr(struct nodeattr *na, uint64_t ino, const char *name,
		      const void *value, size_t size, int flags,
		      nodeattr_alive_fn alive, void *opaque)
{
	struct nodeattr_entry *e = find(na, ino);
	struct na_xattr **at = e ? find_xattr(e, name) : NULL;
	bool present = at && *at;
	if (present && (flags & XATTR_CREATE))
		return -EEXIST;
	if (!present && (flags & XATTR_REPLACE))
		return -ENODATA;
	size_t len = strlen(name);
	struct na_xattr *x = malloc(sizeof(*x) + len + 1 + size);
	if (!x)
		return -ENOMEM;
	x->name_len = len;
	x->size = size;
	memcpy(x->data, name, len + 1);
	if (size)
		memcpy(x->data + len + 1, value, size);
	if (!e) {
		e = get_or_add(na, ino, alive, opaque);
		if (!e) {
			free(x);
			return -ENOMEM;
		}
		at = find_xattr(e, name);
	}
	/* Replace in place, or append at the end of the list. */
	x->next = *at ? (*at)->next : NULL;
	free(*at);
	*at = x;
	return 0;
}

int nodeattr_removexattr(struct nodeattr *na, uint64_t ino, const char *name)
{
	struct nodeattr_entry *e = find(na, ino);
	struct na_xattr **at = e ? find_xattr(e, name) : NULL;
	if (!at || !*at)
		return -ENODATA;
	struct na_xattr *x = *at;
	*at = x->next;
	free(x);
	return 0;
}

ssize_t nodeattr_listxattr(const struct nodeattr *na, uint64_t ino, char *buf,
			   size_t size)
{
	struct nodeattr_entry *e = find(na, ino);
	size_t len = 0;
	for (struct na_xattr *x = e ? e->xattrs : NULL; x; x = x->next)
		len += x->name_len + 1;
	if (size == 0)
		return (ssize_t)len;
	if (size < len)
		return -ERANGE;
	size_t off = 0;
	for (struct na_xattr *x = e ? e->xattrs : NULL; x; x = x->next) {
		memcpy(buf + off, x->data, x->name_len + 1);
		off += x->name_len + 1;
	}
	return (ssize_t)off;
}
