/* SPDX-License-Identifier: MIT */
/*
 * What the tree's parts (tree.h) share: the node table's interface, the
 * tree's state and the few helpers more than one part calls.
 */
#ifndef MDEVD_TREE_PRIV_H
#define MDEVD_TREE_PRIV_H

#include "tree.h"

#define ROOT_SLOT 1
/* Longest link target we build. */
#define LINK_MAX_LEN 4096
/* A device directory's name: its lowercase UUID. */
#define UUID_LEN 36

/* ------------------------------------------------- tree_nodes.c: the table */

/* Static nodes by slot, with a hash index on (containing dir, name). Slot
 * 0 is "none", slot ROOT_SLOT the root (FUSE_ROOT_ID); slots are never
 * reused. */
struct node_table {
	struct fs_node *nodes;
	uint32_t n_nodes, cap_nodes;
	uint32_t *buckets;
	uint32_t n_buckets; /* a power of two */
	uint32_t live_nodes;
};

int nodes_init(struct node_table *nt);
void nodes_free(struct node_table *nt);
/* The live child of up named name, or 0. */
uint32_t nodes_find(const struct node_table *nt, uint32_t up, const char *name);
/* Appends a node; its slot, or 0 (unusable name, name taken, no memory). */
uint32_t nodes_add(struct node_table *nt, uint32_t up, const char *name,
		   enum node_role role, mode_t mode, struct mdev_parent *owner);
void nodes_kill(struct node_table *nt, uint32_t slot);
/* Whether slot names a live node. */
bool nodes_live(const struct node_table *nt, uint32_t slot);
/* The node's path from the root without a leading '/' (malloc'd). */
char *nodes_path(const struct node_table *nt, uint32_t slot);

/* ------------------------------------------------------- the tree's state */

/* What a parent contributes to the tree, found again by pointer. */
struct tree_parent {
	struct mdev_parent *parent;
	uint32_t dir_slot;
	uint32_t types_slot;
	char *dir_path; /* "devices/pci0000:00/0000:00:02.0" */
};

struct fs_tree {
	struct mdev_core *core;
	time_t mtime;
	struct node_table nt;
	struct tree_parent *parents;
	size_t n_parents, cap_parents;
	uint32_t slot_class, slot_class_mdev_bus, slot_bus, slot_devices;
	uint32_t slot_bus_mdev_devices, slot_iommu_groups;
	struct devmap devmap; /* written by tree_ino.c only */
};

/* tree_layout.c */
struct tree_parent *tree_find_parent(const struct fs_tree *t,
				     const struct mdev_parent *p);

/* tree_ino.c */
void obj_set_static(struct fs_obj *o, uint32_t slot);
void obj_set_dev(struct fs_obj *o, enum obj_kind kind, unsigned index,
		 struct dev_entry *e);

/* tree_lookup.c */
/* The objects a device's schema files belong to. */
struct mdev_sysfs_obj tree_device_obj(struct mdev_device *m);
mode_t tree_obj_mode(const struct fs_tree *t, const struct fs_obj *o);
/* Looks name up in a device's directory (tree_list.c lists with it). */
int tree_lookup_dev_dir(struct dev_entry *e, const char *name,
			struct fs_obj *out);
/* A link in directory from_dir (path from the root) to target (path from
 * the root), relative through their common ancestor as kernfs makes it:
 * "../" per level up, then the rest of target. The length or
 * -ENAMETOOLONG. */
int tree_link_text(const char *from_dir, const char *target, char *buf,
		   size_t size);
/* The "group" part of an attribute name ("nvidia" of "nvidia/vgpu_params"),
 * its length in *len; NULL if it has none. */
const char *tree_attr_group(const char *name, size_t *len);

#endif
