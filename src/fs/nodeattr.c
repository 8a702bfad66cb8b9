// SPDX-License-Identifier: MIT
/*
 * The per-inode store of changed attributes (nodeattr.h): an open-
 * addressing table keyed by inode number, linear probing, no deletion in
 * place. Entries of dead inodes go when the table is rebuilt to grow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "nodeattr.h"

#define MIN_SLOTS 16

/* One extended attribute: name, NUL, value. */
struct na_xattr {
	struct na_xattr *next;
	size_t name_len, size;
	char data[];
};

struct nodeattr_entry {
	uint64_t ino;
	bool used;
	struct nodeattr_change attr;
	struct na_xattr *xattrs;
};

/* Fibonacci hashing: inode numbers differ mostly in their low (serial)
 * bits, the multiply spreads them over the top bits taken. */
static size_t slot_of(uint64_t ino, size_t cap)
{
	return (size_t)((ino * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

static struct nodeattr_entry *find(const struct nodeattr *na, uint64_t ino)
{
	if (!na->cap)
		return NULL;
	for (size_t i = slot_of(ino, na->cap);; i = (i + 1) & (na->cap - 1)) {
		struct nodeattr_entry *e = &na->slots[i];
		if (!e->used)
			return NULL;
		if (e->ino == ino)
			return e;
	}
}

static struct nodeattr_entry *free_slot(struct nodeattr_entry *slots,
					size_t cap, uint64_t ino)
{
	size_t i = slot_of(ino, cap);
	while (slots[i].used)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void free_xattrs(struct na_xattr *x)
{
	while (x) {
		struct na_xattr *next = x->next;
		free(x);
		x = next;
	}
}

void nodeattr_clear(struct nodeattr *na)
{
	for (size_t i = 0; i < na->cap; i++)
		if (na->slots[i].used)
			free_xattrs(na->slots[i].xattrs);
	free(na->slots);
	memset(na, 0, sizeof(*na));
}

/* Makes room for one more entry: rebuilds the table without the entries
 * of dead inodes, doubling it only if the live ones need it. On -ENOMEM
 * nothing changed. */
static int make_room(struct nodeattr *na, nodeattr_alive_fn alive, void *opaque)
{
	if ((na->count + 1) * 2 <= na->cap)
		return 0;
	size_t live = 0;
	for (size_t i = 0; i < na->cap; i++)
		if (na->slots[i].used && alive(opaque, na->slots[i].ino))
			live++;
	size_t cap = na->cap ? na->cap : MIN_SLOTS;
	while ((live + 1) * 2 > cap)
		cap *= 2;
	struct nodeattr_entry *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < na->cap; i++) {
		struct nodeattr_entry *e = &na->slots[i];
		if (!e->used)
			continue;
		if (alive(opaque, e->ino))
			*free_slot(slots, cap, e->ino) = *e;
		else
			free_xattrs(e->xattrs);
	}
	free(na->slots);
	na->slots = slots;
	na->cap = cap;
	na->count = live;
	return 0;
}

static struct nodeattr_entry *get_or_add(struct nodeattr *na, uint64_t ino,
					 nodeattr_alive_fn alive, void *opaque)
{
	struct nodeattr_entry *e = find(na, ino);
	if (e)
		return e;
	if (make_room(na, alive, opaque) < 0)
		return NULL;
	e = free_slot(na->slots, na->cap, ino);
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->ino = ino;
	na->count++;
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
