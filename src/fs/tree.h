/* SPDX-License-Identifier: MIT */
/*
 * The sysfs tree the daemon serves and the mapping inode <-> core object.
 * Its parts, one job each (tree_priv.h holds what they share):
 *   tree_nodes.c   the node table: static directories, files and links
 *   tree_layout.c  where parents, types and their schema files go
 *   tree_ino.c     inode numbers <-> objects; the device map's only writer
 *   tree_lookup.c  name lookup, stat, readlink
 *   tree_list.c    directory listings
 *
 * Inode numbers carry what they name: kind (8 bits) | index (16 bits) |
 * serial (40 bits). Kind 0 is a "static" node — a slot in a small table of
 * directories, files and links that exist per parent and type (a few
 * hundred per parent). Every other kind names something of one device and
 * carries that device's serial (see devmap.h), so 100,000 devices cost no
 * per-node memory here. Slots and serials are never reused: an inode that
 * outlives its object resolves to ENOENT, never to something else.
 *
 * The framework's own files come from the schema (mdev_sysfs.h); the
 * driver's (bus, class and device attributes) from its description.
 *
 * Everything here runs under the core lock.
 */
#ifndef MDEVD_TREE_H
#define MDEVD_TREE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "devmap.h"
#include "libmdev.h"
#include "mdev_sysfs.h"

/* What a static node is, which decides its content and its children. */
enum node_role {
	R_DIR,		    /* plain directory, static children only */
	R_LINK,		    /* symlink with a fixed target */
	R_PARENT_DIR,	    /* a parent: static children + device dirs */
	R_TYPE_DIR,	    /* mdev_supported_types/<id> */
	R_TYPE_DEVICES,	    /* <id>/devices: a link per device of the type */
	R_BUS_MDEV_DEVICES, /* bus/mdev/devices: a link per device */
	R_IOMMU_GROUPS,	    /* kernel/iommu_groups: a dir per group */
	R_PARENT_FILE,	    /* index = enum mdev_sysfs_parent_file */
	R_TYPE_FILE,	    /* index = enum mdev_sysfs_type_file */
	R_PARENT_BUS_ATTR,  /* index = bus attribute */
	R_TYPE_CLASS_ATTR,  /* index = class attribute */
};

struct fs_node {
	char *name;		    /* NULL once dead */
	char *target;		    /* R_LINK */
	struct mdev_parent *parent; /* owner; NULL = lives forever */
	struct mdev_type *type;
	uint32_t up;	    /* containing directory */
	uint32_t hash_next; /* (up, name) chain */
	uint16_t role;
	uint16_t index;
	mode_t mode;
};

enum obj_kind {
	OK_STATIC,
	OK_DEV_DIR,	/* devices/<devpath>/<uuid> */
	OK_DEV_FILE,	/* index: see DF_ATTR0 */
	OK_DEV_GROUP,	/* attribute group dir; index: its first attribute */
	OK_BUS_LINK,	/* bus/mdev/devices/<uuid> */
	OK_TYPE_LINK,	/* mdev_supported_types/<id>/devices/<uuid> */
	OK_GRP_DIR,	/* kernel/iommu_groups/<N> */
	OK_GRP_DEVICES, /* kernel/iommu_groups/<N>/devices */
	OK_GRP_LINK,	/* kernel/iommu_groups/<N>/devices/<uuid> */
};

/* OK_DEV_FILE indexes: below DF_ATTR0 a device schema file (enum
 * mdev_sysfs_device_file), from it the driver's device attributes. */
#define DF_ATTR0 16

/* A resolved inode. */
struct fs_obj {
	enum obj_kind kind;
	unsigned index;
	uint32_t slot;	       /* OK_STATIC */
	struct dev_entry *dev; /* every other kind */
};

struct fs_tree;

/* A directory listing taken at opendir, so that readdir offsets stay
 * valid while devices come and go. */
struct snap_ent {
	uint64_t ino;
	uint32_t name_off;
	uint8_t dtype;
};

struct dir_snap {
	struct snap_ent *ents;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

struct fs_tree *tree_new(struct mdev_core *core, time_t mtime);
void tree_free(struct fs_tree *t);
/* A device the core created or replayed: gives it its serial. -ENOMEM
 * (the device then has no inode and is not shown). */
int tree_device_added(struct fs_tree *t, struct mdev_device *mdev);
void tree_device_removed(struct fs_tree *t, const struct mdev_device *mdev);
const struct fs_node *tree_node(const struct fs_tree *t, uint32_t slot);

/* Builds the parent's directories, files and links. -EEXIST if its
 * directory or a link name is taken, -EINVAL for an unusable name. */
int tree_add_parent(struct fs_tree *t, struct mdev_parent *parent);
/* Removes the parent's nodes. For each removed entry the kernel may have
 * cached (the tops of the removed subtrees), calls inval(opaque, dir
 * inode, name). */
void tree_remove_parent(struct fs_tree *t, const struct mdev_parent *parent,
			void (*inval)(void *opaque, uint64_t dir,
				      const char *name),
			void *opaque);

/* -ENOENT if the inode's object is gone. */
int tree_resolve(struct fs_tree *t, uint64_t ino, struct fs_obj *o);
uint64_t tree_ino(const struct fs_obj *o);
int tree_lookup(struct fs_tree *t, const struct fs_obj *dir, const char *name,
		struct fs_obj *out);
void tree_stat(struct fs_tree *t, const struct fs_obj *o, struct stat *st);
/* Entry timeout in seconds: 0 for names whose existence follows devices. */
double tree_entry_timeout(const struct fs_obj *o);
/* The symlink target (NUL-terminated); -EINVAL if not a link. */
int tree_readlink(struct fs_tree *t, const struct fs_obj *o, char *buf,
		  size_t size);
int tree_list(struct fs_tree *t, const struct fs_obj *dir,
	      struct dir_snap *snap);
void snap_free(struct dir_snap *snap);

/* The name of a device attribute file (the full "group/file" name). */
const char *tree_dev_attr_name(const struct fs_obj *o);
/* The schema file o is, with the objects it belongs to in *so; NULL for
 * anything else (driver attributes, layout nodes). */
const struct mdev_sysfs_file *tree_schema_file(struct fs_tree *t,
					       const struct fs_obj *o,
					       struct mdev_sysfs_obj *so);

#endif
