// SPDX-License-Identifier: MIT
/*
 * Finding a name in a directory, and what stat and readlink say of an
 * object. Devices are found through the device map, never added to it.
 */
#include "tree_priv.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

const char *tree_attr_group(const char *name, size_t *len)
{
	const char *slash = strchr(name, '/');
	if (!slash)
		return NULL;
	*len = (size_t)(slash - name);
	return name;
}

static const char *attr_desc_name(const struct mdev_device *d, size_t i)
{
	return mdev_device_attr_desc(d, i)->name;
}

/* How many driver attributes an inode index can name. */
static size_t attr_count(const struct mdev_device *d)
{
	size_t n = mdev_device_attr_count(d);
	return n < UINT16_MAX - DF_ATTR0 ? n : UINT16_MAX - DF_ATTR0;
}

/* The device named name, if it is a device's lowercase UUID. */
static struct dev_entry *device_by_name(struct fs_tree *t, const char *name)
{
	if (strlen(name) != UUID_LEN)
		return NULL;
	struct mdev_device *d = mdev_device_find_name(t->core, name);
	if (!d || strcmp(mdev_device_name(d), name) != 0)
		return NULL;
	return devmap_find_ptr(&t->devmap, d);
}

struct mdev_sysfs_obj tree_device_obj(struct mdev_device *m)
{
	struct mdev_sysfs_obj so = {
	    .parent = mdev_device_parent(m),
	    .type = mdev_device_type(m),
	    .device = m,
	};
	return so;
}

int tree_lookup_dev_dir(struct dev_entry *e, const char *name,
			struct fs_obj *out)
{
	size_t n;
	const struct mdev_sysfs_file *files =
	    mdev_sysfs_files(MDEV_SYSFS_DEVICE, &n);
	const struct mdev_sysfs_obj so = tree_device_obj(e->mdev);

	for (unsigned i = 0; i < n; i++) {
		if (strcmp(files[i].name, name) != 0)
			continue;
		if (!mdev_sysfs_present(&files[i], &so))
			return -ENOENT;
		obj_set_dev(out, OK_DEV_FILE, i, e);
		return 0;
	}
	size_t na = attr_count(e->mdev);
	for (size_t i = 0; i < na; i++) {
		const char *an = attr_desc_name(e->mdev, i);
		size_t gl;
		const char *g = tree_attr_group(an, &gl);
		if (!g && strcmp(an, name) == 0) {
			obj_set_dev(out, OK_DEV_FILE, DF_ATTR0 + (unsigned)i,
				    e);
			return 0;
		}
		if (g && strlen(name) == gl && memcmp(g, name, gl) == 0) {
			obj_set_dev(out, OK_DEV_GROUP, DF_ATTR0 + (unsigned)i,
				    e);
			return 0;
		}
	}
	return -ENOENT;
}

static int lookup_dev_group(struct dev_entry *e, unsigned first,
			    const char *name, struct fs_obj *out)
{
	size_t gl = 0;
	const char *g =
	    tree_attr_group(attr_desc_name(e->mdev, first - DF_ATTR0), &gl);
	size_t n = attr_count(e->mdev);
	for (size_t i = first - DF_ATTR0; i < n; i++) {
		const char *an = attr_desc_name(e->mdev, i);
		if (strncmp(an, g, gl) == 0 && an[gl] == '/' &&
		    strcmp(an + gl + 1, name) == 0) {
			obj_set_dev(out, OK_DEV_FILE, DF_ATTR0 + (unsigned)i,
				    e);
			return 0;
		}
	}
	return -ENOENT;
}

/* Parses a group directory name: decimal, no leading zero, no sign. */
static bool parse_group(const char *name, unsigned *group)
{
	unsigned long v = 0;
	if (!name[0] || (name[0] == '0' && name[1]))
		return false;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > UINT_MAX)
			return false;
	}
	*group = (unsigned)v;
	return true;
}

static int lookup_static(struct fs_tree *t, uint32_t dir, const char *name,
			 struct fs_obj *out)
{
	const struct fs_node *n = &t->nt.nodes[dir];
	uint32_t s = nodes_find(&t->nt, dir, name);
	struct dev_entry *e;
	unsigned group;

	if (s) {
		obj_set_static(out, s);
		return 0;
	}
	switch (n->role) {
	case R_PARENT_DIR:
		e = device_by_name(t, name);
		if (!e || mdev_device_parent(e->mdev) != n->parent)
			return -ENOENT;
		obj_set_dev(out, OK_DEV_DIR, 0, e);
		return 0;
	case R_TYPE_DEVICES:
		e = device_by_name(t, name);
		if (!e || mdev_device_type(e->mdev) != n->type)
			return -ENOENT;
		obj_set_dev(out, OK_TYPE_LINK, 0, e);
		return 0;
	case R_BUS_MDEV_DEVICES:
		e = device_by_name(t, name);
		if (!e)
			return -ENOENT;
		obj_set_dev(out, OK_BUS_LINK, 0, e);
		return 0;
	case R_IOMMU_GROUPS:
		if (!parse_group(name, &group))
			return -ENOENT;
		e = devmap_find_group(&t->devmap, group);
		if (!e)
			return -ENOENT;
		obj_set_dev(out, OK_GRP_DIR, 0, e);
		return 0;
	default:
		return -ENOENT;
	}
}

int tree_lookup(struct fs_tree *t, const struct fs_obj *dir, const char *name,
		struct fs_obj *out)
{
	struct dev_entry *e;

	switch (dir->kind) {
	case OK_STATIC:
		if (!S_ISDIR(t->nt.nodes[dir->slot].mode))
			return -ENOTDIR;
		return lookup_static(t, dir->slot, name, out);
	case OK_DEV_DIR:
		return tree_lookup_dev_dir(dir->dev, name, out);
	case OK_DEV_GROUP:
		return lookup_dev_group(dir->dev, dir->index, name, out);
	case OK_GRP_DIR:
		if (strcmp(name, "devices") != 0)
			return -ENOENT;
		obj_set_dev(out, OK_GRP_DEVICES, 0, dir->dev);
		return 0;
	case OK_GRP_DEVICES:
		e = device_by_name(t, name);
		if (!e || e->group != dir->dev->group)
			return -ENOENT;
		obj_set_dev(out, OK_GRP_LINK, 0, e);
		return 0;
	default:
		return -ENOTDIR;
	}
}

const struct mdev_sysfs_file *tree_schema_file(struct fs_tree *t,
					       const struct fs_obj *o,
					       struct mdev_sysfs_obj *so)
{
	const struct fs_node *n;
	size_t count;

	switch (o->kind) {
	case OK_STATIC:
		n = &t->nt.nodes[o->slot];
		so->parent = n->parent;
		so->type = n->type;
		so->device = NULL;
		if (n->role == R_PARENT_FILE)
			return &mdev_sysfs_files(MDEV_SYSFS_PARENT,
						 &count)[n->index];
		if (n->role == R_TYPE_FILE)
			return &mdev_sysfs_files(MDEV_SYSFS_TYPE,
						 &count)[n->index];
		return NULL;
	case OK_DEV_FILE:
		if (o->index >= DF_ATTR0)
			return NULL;
		*so = tree_device_obj(o->dev->mdev);
		return &mdev_sysfs_files(MDEV_SYSFS_DEVICE, &count)[o->index];
	default:
		return NULL;
	}
}

mode_t tree_obj_mode(const struct fs_tree *t, const struct fs_obj *o)
{
	const struct mdev_attr_desc *d;
	size_t n;

	switch (o->kind) {
	case OK_STATIC:
		return t->nt.nodes[o->slot].mode;
	case OK_DEV_DIR:
	case OK_DEV_GROUP:
	case OK_GRP_DIR:
	case OK_GRP_DEVICES:
		return S_IFDIR | 0755;
	case OK_DEV_FILE:
		if (o->index < DF_ATTR0)
			return mdev_sysfs_files(MDEV_SYSFS_DEVICE, &n)[o->index]
			    .mode;
		d = mdev_device_attr_desc(o->dev->mdev, o->index - DF_ATTR0);
		return S_IFREG | (mode_t)d->mode;
	default:
		return S_IFLNK | 0777;
	}
}

void tree_stat(struct fs_tree *t, const struct fs_obj *o, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = tree_ino(o);
	st->st_mode = tree_obj_mode(t, o);
	st->st_nlink = S_ISDIR(st->st_mode) ? 2 : 1;
	st->st_blksize = 4096;
	/* Like sysfs: every attribute claims a page; directories and links
	 * (kernfs sets no i_size for them) have size 0. */
	if (S_ISREG(st->st_mode))
		st->st_size = 4096;
	st->st_atime = st->st_mtime = st->st_ctime = t->mtime;
}

double tree_entry_timeout(const struct fs_obj *o)
{
	switch (o->kind) {
	case OK_DEV_DIR:
	case OK_BUS_LINK:
	case OK_TYPE_LINK:
	case OK_GRP_DIR:
		/* Their existence follows device creation and removal. */
		return 0;
	default:
		/* Static nodes change only on parent (un)registration, which
		 * invalidates them; names inside a device's directories hang
		 * off an inode that dies with the device. */
		return 3600;
	}
}

/* Whether position i of a path ends a component. */
static bool at_boundary(const char *path, size_t i)
{
	return path[i] == '/' || path[i] == '\0';
}

int tree_link_text(const char *from_dir, const char *target, char *buf,
		   size_t size)
{
	size_t common = 0, levels = 0, len;

	for (size_t i = 0;; i++) {
		if (at_boundary(from_dir, i) && at_boundary(target, i))
			common = i;
		if (from_dir[i] != target[i] || from_dir[i] == '\0')
			break;
	}
	const char *up = from_dir + common + (from_dir[common] == '/');
	const char *rest = target + common + (target[common] == '/');
	if (*up)
		levels = 1;
	for (; *up; up++)
		levels += *up == '/';
	len = levels * 3 + strlen(rest);
	if (!*rest && levels)
		len--; /* "../.." for an ancestor, not "../../" */
	if (len + 1 > size)
		return -ENAMETOOLONG;
	for (size_t l = 0; l < levels; l++)
		memcpy(buf + l * 3, "../", 3);
	memcpy(buf + levels * 3, rest, strlen(rest));
	buf[len] = '\0';
	return (int)len;
}

/* What the links of a device point to, from the tree root: the device's
 * own schema links and the links to it in bus/mdev/devices, its type's
 * devices/ and its IOMMU group. */
static int dev_link_text(struct fs_tree *t, const struct fs_obj *o, char *buf,
			 size_t size)
{
	char from[LINK_MAX_LEN], target[LINK_MAX_LEN];
	struct mdev_device *d = o->dev->mdev;
	struct tree_parent *tp = tree_find_parent(t, mdev_device_parent(d));
	const char *uuid = mdev_device_name(d);
	struct mdev_sysfs_obj so;
	const struct mdev_sysfs_file *f;
	int n, err;

	if (!tp)
		return -ENOENT;
	switch (o->kind) {
	case OK_DEV_FILE:
		f = tree_schema_file(t, o, &so);
		if (!f || !S_ISLNK(f->mode))
			return -EINVAL;
		n = snprintf(from, sizeof(from), "%s/%s", tp->dir_path, uuid);
		if (n < 0 || (size_t)n >= sizeof(from))
			return -ENAMETOOLONG;
		err = f->target(&so, target, sizeof(target));
		if (err < 0)
			return err;
		return tree_link_text(from, target, buf, size);
	case OK_BUS_LINK:
		n = snprintf(from, sizeof(from), "bus/mdev/devices");
		break;
	case OK_TYPE_LINK:
		n = snprintf(from, sizeof(from),
			     "%s/mdev_supported_types/%s/devices", tp->dir_path,
			     mdev_type_id(mdev_device_type(d)));
		break;
	case OK_GRP_LINK:
		n = snprintf(from, sizeof(from),
			     "kernel/iommu_groups/%u/devices", o->dev->group);
		break;
	default:
		return -EINVAL;
	}
	if (n < 0 || (size_t)n >= sizeof(from))
		return -ENAMETOOLONG;
	n = snprintf(target, sizeof(target), "%s/%s", tp->dir_path, uuid);
	if (n < 0 || (size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	return tree_link_text(from, target, buf, size);
}

int tree_readlink(struct fs_tree *t, const struct fs_obj *o, char *buf,
		  size_t size)
{
	const struct fs_node *n;

	if (o->kind != OK_STATIC)
		return dev_link_text(t, o, buf, size);
	n = &t->nt.nodes[o->slot];
	if (n->role != R_LINK)
		return -EINVAL;
	size_t len = strlen(n->target);
	if (len + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, n->target, len + 1);
	return (int)len;
}

const char *tree_dev_attr_name(const struct fs_obj *o)
{
	if (o->kind != OK_DEV_FILE || o->index < DF_ATTR0)
		return NULL;
	return attr_desc_name(o->dev->mdev, o->index - DF_ATTR0);
}
