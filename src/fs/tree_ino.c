// SPDX-License-Identifier: MIT
/*
 * Inode numbers <-> objects (the layout is in tree.h), and the device
 * serials they carry: this file is the only writer of the device map, fed
 * by the core's device notifications.
 */
#include "tree_priv.h"

#include <errno.h>

#define KIND_SHIFT 56
#define INDEX_SHIFT 40
#define SERIAL_MASK ((1ULL << INDEX_SHIFT) - 1)
#define INDEX_MASK 0xffffULL

_Static_assert(MDEV_SYSFS_DEVICE_COUNT <= DF_ATTR0,
	       "device schema files overlap the attribute indexes");

int tree_device_added(struct fs_tree *t, struct mdev_device *mdev)
{
	return devmap_add(&t->devmap, mdev) ? 0 : -ENOMEM;
}

void tree_device_removed(struct fs_tree *t, const struct mdev_device *mdev)
{
	devmap_remove(&t->devmap, mdev);
}

void obj_set_dev(struct fs_obj *o, enum obj_kind kind, unsigned index,
		 struct dev_entry *e)
{
	o->kind = kind;
	o->index = index;
	o->slot = 0;
	o->dev = e;
}

void obj_set_static(struct fs_obj *o, uint32_t slot)
{
	o->kind = OK_STATIC;
	o->index = 0;
	o->slot = slot;
	o->dev = NULL;
}

uint64_t tree_ino(const struct fs_obj *o)
{
	if (o->kind == OK_STATIC)
		return o->slot;
	return ((uint64_t)o->kind << KIND_SHIFT) |
	       (((uint64_t)o->index & INDEX_MASK) << INDEX_SHIFT) |
	       (o->dev->serial & SERIAL_MASK);
}

static bool attr_index_valid(const struct mdev_device *d, unsigned index)
{
	return index >= DF_ATTR0 && index <= INDEX_MASK &&
	       index - DF_ATTR0 < mdev_device_attr_count(d);
}

/* Whether index names a file of the device's directory. */
static bool dev_file_valid(const struct mdev_device *d, unsigned index)
{
	if (index < DF_ATTR0) {
		size_t n;
		const struct mdev_sysfs_file *f =
		    mdev_sysfs_files(MDEV_SYSFS_DEVICE, &n);
		return index < n && f[index].when != MDEV_SYSFS_RESERVED;
	}
	return attr_index_valid(d, index);
}

int tree_resolve(struct fs_tree *t, uint64_t ino, struct fs_obj *o)
{
	unsigned kind = (unsigned)(ino >> KIND_SHIFT);
	unsigned index = (unsigned)((ino >> INDEX_SHIFT) & INDEX_MASK);
	uint64_t serial = ino & SERIAL_MASK;

	if (kind == OK_STATIC) {
		if (index || serial > UINT32_MAX ||
		    !nodes_live(&t->nt, (uint32_t)serial))
			return -ENOENT;
		obj_set_static(o, (uint32_t)serial);
		return 0;
	}
	if (kind > OK_GRP_LINK)
		return -ENOENT;
	struct dev_entry *e = devmap_find_serial(&t->devmap, serial);
	if (!e)
		return -ENOENT;
	if (kind == OK_DEV_FILE && !dev_file_valid(e->mdev, index))
		return -ENOENT;
	if (kind == OK_DEV_GROUP && !attr_index_valid(e->mdev, index))
		return -ENOENT;
	obj_set_dev(o, (enum obj_kind)kind, index, e);
	return 0;
}
