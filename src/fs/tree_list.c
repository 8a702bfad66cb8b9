// SPDX-License-Identifier: MIT
/*
 * Directory listings, taken whole at opendir (struct dir_snap) so that
 * readdir offsets stay valid while devices come and go.
 */
#include "tree_priv.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int snap_add(struct dir_snap *s, uint64_t ino, mode_t mode,
		    const char *name, size_t len)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct snap_ent *e = realloc(s->ents, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		s->ents = e;
		s->cap = cap;
	}
	if (s->names_len + len + 1 > s->names_cap) {
		size_t cap = s->names_cap ? s->names_cap * 2 : 512;
		while (cap < s->names_len + len + 1)
			cap *= 2;
		char *n = realloc(s->names, cap);
		if (!n)
			return -ENOMEM;
		s->names = n;
		s->names_cap = cap;
	}
	memcpy(s->names + s->names_len, name, len);
	s->names[s->names_len + len] = '\0';
	s->ents[s->n].ino = ino;
	s->ents[s->n].name_off = (uint32_t)s->names_len;
	s->ents[s->n].dtype = (uint8_t)IFTODT(mode);
	s->names_len += len + 1;
	s->n++;
	return 0;
}

static int snap_obj(struct fs_tree *t, struct dir_snap *s,
		    const struct fs_obj *o, const char *name, size_t len)
{
	return snap_add(s, tree_ino(o), tree_obj_mode(t, o), name, len);
}

void snap_free(struct dir_snap *snap)
{
	free(snap->ents);
	free(snap->names);
	memset(snap, 0, sizeof(*snap));
}

/* Devices without a serial (their notification ran out of memory) have no
 * inode and are not listed. */
static int list_devices(struct fs_tree *t, struct dir_snap *s,
			struct mdev_device *first,
			struct mdev_device *(*next)(const struct mdev_device *),
			enum obj_kind kind)
{
	struct fs_obj o;
	for (struct mdev_device *d = first; d; d = next(d)) {
		struct dev_entry *e = devmap_find_ptr(&t->devmap, d);
		if (!e)
			continue;
		obj_set_dev(&o, kind, 0, e);
		if (snap_obj(t, s, &o, mdev_device_name(d), UUID_LEN))
			return -ENOMEM;
	}
	return 0;
}

static int list_groups(struct fs_tree *t, struct dir_snap *s)
{
	struct fs_obj o;
	char name[16];
	for (struct mdev_device *d = mdev_device_first(t->core); d;
	     d = mdev_device_next(d)) {
		struct dev_entry *e = devmap_find_ptr(&t->devmap, d);
		/* A group is listed once, at its representative. */
		if (!e || devmap_find_group(&t->devmap, e->group) != e)
			continue;
		obj_set_dev(&o, OK_GRP_DIR, 0, e);
		int l = snprintf(name, sizeof(name), "%u", e->group);
		if (snap_obj(t, s, &o, name, (size_t)l))
			return -ENOMEM;
	}
	return 0;
}

static int list_static(struct fs_tree *t, uint32_t dir, struct dir_snap *s)
{
	const struct node_table *nt = &t->nt;
	const struct fs_node *n = &nt->nodes[dir];
	struct fs_obj o;
	for (uint32_t c = ROOT_SLOT + 1; c < nt->n_nodes; c++) {
		if (!nt->nodes[c].name || nt->nodes[c].up != dir)
			continue;
		obj_set_static(&o, c);
		if (snap_obj(t, s, &o, nt->nodes[c].name,
			     strlen(nt->nodes[c].name)))
			return -ENOMEM;
	}
	switch (n->role) {
	case R_PARENT_DIR:
		return list_devices(t, s, mdev_parent_device_first(n->parent),
				    mdev_parent_device_next, OK_DEV_DIR);
	case R_TYPE_DEVICES:
		return list_devices(t, s, mdev_type_device_first(n->type),
				    mdev_type_device_next, OK_TYPE_LINK);
	case R_BUS_MDEV_DEVICES:
		return list_devices(t, s, mdev_device_first(t->core),
				    mdev_device_next, OK_BUS_LINK);
	case R_IOMMU_GROUPS:
		return list_groups(t, s);
	default:
		return 0;
	}
}

static int list_dev_dir(struct fs_tree *t, struct dev_entry *e,
			struct dir_snap *s)
{
	size_t n;
	const struct mdev_sysfs_file *files =
	    mdev_sysfs_files(MDEV_SYSFS_DEVICE, &n);
	const struct mdev_sysfs_obj so = tree_device_obj(e->mdev);
	struct fs_obj o;

	for (unsigned i = 0; i < n; i++) {
		if (!mdev_sysfs_present(&files[i], &so))
			continue;
		obj_set_dev(&o, OK_DEV_FILE, i, e);
		if (snap_obj(t, s, &o, files[i].name, strlen(files[i].name)))
			return -ENOMEM;
	}
	size_t na = mdev_device_attr_count(e->mdev);
	for (size_t i = 0; i < na && i + DF_ATTR0 < UINT16_MAX; i++) {
		const char *an = mdev_device_attr_desc(e->mdev, i)->name;
		size_t gl;
		const char *g = tree_attr_group(an, &gl);
		if (!g) {
			obj_set_dev(&o, OK_DEV_FILE, DF_ATTR0 + (unsigned)i, e);
			if (snap_obj(t, s, &o, an, strlen(an)))
				return -ENOMEM;
			continue;
		}
		/* A group is listed once, at its first attribute. */
		char gname[NAME_MAX + 1];
		struct fs_obj found;
		if (gl == 0 || gl > NAME_MAX)
			continue;
		memcpy(gname, g, gl);
		gname[gl] = '\0';
		if (tree_lookup_dev_dir(e, gname, &found) == 0 &&
		    found.index == DF_ATTR0 + i && found.kind == OK_DEV_GROUP &&
		    snap_obj(t, s, &found, gname, gl))
			return -ENOMEM;
	}
	return 0;
}

static int list_dev_group(struct fs_tree *t, struct dev_entry *e,
			  unsigned first, struct dir_snap *s)
{
	size_t gl = 0;
	const char *g = tree_attr_group(
	    mdev_device_attr_desc(e->mdev, first - DF_ATTR0)->name, &gl);
	size_t n = mdev_device_attr_count(e->mdev);
	struct fs_obj o;
	for (size_t i = first - DF_ATTR0; i < n && i + DF_ATTR0 < UINT16_MAX;
	     i++) {
		const char *an = mdev_device_attr_desc(e->mdev, i)->name;
		if (strncmp(an, g, gl) != 0 || an[gl] != '/')
			continue;
		obj_set_dev(&o, OK_DEV_FILE, DF_ATTR0 + (unsigned)i, e);
		if (snap_obj(t, s, &o, an + gl + 1, strlen(an + gl + 1)))
			return -ENOMEM;
	}
	return 0;
}

int tree_list(struct fs_tree *t, const struct fs_obj *dir,
	      struct dir_snap *snap)
{
	struct fs_obj o;
	uint64_t self = tree_ino(dir);

	if (snap_add(snap, self, S_IFDIR, ".", 1) ||
	    snap_add(snap,
		     dir->kind == OK_STATIC ? t->nt.nodes[dir->slot].up : self,
		     S_IFDIR, "..", 2))
		return -ENOMEM;
	switch (dir->kind) {
	case OK_STATIC:
		if (!S_ISDIR(t->nt.nodes[dir->slot].mode))
			return -ENOTDIR;
		return list_static(t, dir->slot, snap);
	case OK_DEV_DIR:
		return list_dev_dir(t, dir->dev, snap);
	case OK_DEV_GROUP:
		return list_dev_group(t, dir->dev, dir->index, snap);
	case OK_GRP_DIR:
		obj_set_dev(&o, OK_GRP_DEVICES, 0, dir->dev);
		return snap_obj(t, snap, &o, "devices", 7);
	case OK_GRP_DEVICES:
		for (struct dev_entry *e =
			 devmap_find_group(&t->devmap, dir->dev->group);
		     e; e = devmap_next_in_group(e)) {
			obj_set_dev(&o, OK_GRP_LINK, 0, e);
			if (snap_obj(t, snap, &o, mdev_device_name(e->mdev),
				     UUID_LEN))
				return -ENOMEM;
		}
		return 0;
	default:
		return -ENOTDIR;
	}
}
