// SPDX-License-Identifier: MIT
/*
 * Where things go: the tree's skeleton, and for each parent its directory
 * under devices/, the links that place it on its bus or class, its types,
 * and in each the schema's files (mdev_sysfs.h) and the driver's own.
 */
#include "tree_priv.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"

static uint32_t add_dir(struct fs_tree *t, uint32_t up, const char *name,
			enum node_role role, struct mdev_parent *owner)
{
	return nodes_add(&t->nt, up, name, role, S_IFDIR | 0755, owner);
}

/* The existing directory up/name, or a new permanent one. */
static uint32_t ensure_dir(struct fs_tree *t, uint32_t up, const char *name)
{
	uint32_t s = nodes_find(&t->nt, up, name);
	if (s)
		return S_ISDIR(t->nt.nodes[s].mode) ? s : 0;
	return add_dir(t, up, name, R_DIR, NULL);
}

/* A symlink in directory up whose target is given from the tree root. */
static uint32_t add_link(struct fs_tree *t, uint32_t up, const char *name,
			 const char *target_from_root,
			 struct mdev_parent *owner)
{
	char text[LINK_MAX_LEN];
	char *from = nodes_path(&t->nt, up);
	int len =
	    from ? tree_link_text(from, target_from_root, text, sizeof(text))
		 : -ENOMEM;
	free(from);
	char *target = len >= 0 ? strdup(text) : NULL;
	if (!target)
		return 0;
	uint32_t s = nodes_add(&t->nt, up, name, R_LINK, S_IFLNK | 0777, owner);
	if (!s) {
		free(target);
		return 0;
	}
	t->nt.nodes[s].target = target;
	return s;
}

/* ---------------------------------------------------------- the skeleton */

struct fs_tree *tree_new(struct mdev_core *core, time_t mtime)
{
	struct fs_tree *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->core = core;
	t->mtime = mtime;
	if (nodes_init(&t->nt) < 0) {
		free(t);
		return NULL;
	}
	if (devmap_init(&t->devmap) < 0) {
		nodes_free(&t->nt);
		free(t);
		return NULL;
	}
	t->slot_class = add_dir(t, ROOT_SLOT, "class", R_DIR, NULL);
	t->slot_class_mdev_bus =
	    add_dir(t, t->slot_class, "mdev_bus", R_DIR, NULL);
	t->slot_bus = add_dir(t, ROOT_SLOT, "bus", R_DIR, NULL);
	uint32_t mdev = add_dir(t, t->slot_bus, "mdev", R_DIR, NULL);
	t->slot_bus_mdev_devices =
	    add_dir(t, mdev, "devices", R_BUS_MDEV_DEVICES, NULL);
	uint32_t drivers = add_dir(t, mdev, "drivers", R_DIR, NULL);
	uint32_t vfio = add_dir(t, drivers, "vfio_mdev", R_DIR, NULL);
	t->slot_devices = add_dir(t, ROOT_SLOT, "devices", R_DIR, NULL);
	uint32_t kernel = add_dir(t, ROOT_SLOT, "kernel", R_DIR, NULL);
	t->slot_iommu_groups =
	    add_dir(t, kernel, "iommu_groups", R_IOMMU_GROUPS, NULL);
	if (!t->slot_class_mdev_bus || !t->slot_bus_mdev_devices || !vfio ||
	    !t->slot_devices || !t->slot_iommu_groups) {
		tree_free(t);
		return NULL;
	}
	return t;
}

void tree_free(struct fs_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_parents; i++)
		free(t->parents[i].dir_path);
	free(t->parents);
	nodes_free(&t->nt);
	devmap_free(&t->devmap);
	free(t);
}

const struct fs_node *tree_node(const struct fs_tree *t, uint32_t slot)
{
	return &t->nt.nodes[slot];
}

struct tree_parent *tree_find_parent(const struct fs_tree *t,
				     const struct mdev_parent *p)
{
	for (size_t i = 0; i < t->n_parents; i++)
		if (t->parents[i].parent == p)
			return &t->parents[i];
	return NULL;
}

/* ------------------------------------------------------ the schema files */

/* The role of a schema directory: what its children are. */
static enum node_role schema_dir_role(enum mdev_sysfs_dir kind, size_t i)
{
	if (kind == MDEV_SYSFS_TYPE && i == MDEV_SYSFS_TYPE_DEVICES)
		return R_TYPE_DEVICES;
	return R_DIR;
}

/* Adds to dir the schema's files of a directory of that kind that o shows;
 * slots[i] receives the slot of file i (0 if not shown). */
static int add_schema_files(struct fs_tree *t, uint32_t dir,
			    enum mdev_sysfs_dir kind,
			    const struct mdev_sysfs_obj *o, uint32_t *slots)
{
	enum node_role file_role =
	    kind == MDEV_SYSFS_TYPE ? R_TYPE_FILE : R_PARENT_FILE;
	char target[LINK_MAX_LEN];
	size_t n;
	const struct mdev_sysfs_file *files = mdev_sysfs_files(kind, &n);

	for (size_t i = 0; i < n; i++) {
		const struct mdev_sysfs_file *f = &files[i];
		uint32_t s = 0;
		slots[i] = 0;
		if (!mdev_sysfs_present(f, o))
			continue;
		if (S_ISDIR(f->mode)) {
			s = add_dir(t, dir, f->name, schema_dir_role(kind, i),
				    o->parent);
		} else if (S_ISLNK(f->mode)) {
			if (f->target(o, target, sizeof(target)) < 0)
				return -ENAMETOOLONG;
			s = add_link(t, dir, f->name, target, o->parent);
		} else {
			s = nodes_add(&t->nt, dir, f->name, file_role, f->mode,
				      o->parent);
			if (s)
				t->nt.nodes[s].index = (uint16_t)i;
		}
		/* The core refuses driver files with a schema name, so a
		 * taken name here is a layout fault: say so, hide nothing. */
		if (!s)
			return -EEXIST;
		t->nt.nodes[s].type = o->type;
		slots[i] = s;
	}
	return 0;
}

/* ------------------------------------------------------------- a parent */

static int add_type(struct fs_tree *t, uint32_t types, struct mdev_type *ty,
		    struct mdev_parent *p)
{
	const struct mdev_type_desc *d = mdev_type_desc(ty);
	const struct mdev_sysfs_obj o = {.parent = p, .type = ty};
	uint32_t slots[MDEV_SYSFS_TYPE_COUNT];

	uint32_t dir = add_dir(t, types, mdev_type_id(ty), R_TYPE_DIR, p);
	if (!dir)
		return -EEXIST;
	t->nt.nodes[dir].type = ty;
	int err = add_schema_files(t, dir, MDEV_SYSFS_TYPE, &o, slots);
	if (err)
		return err;
	for (size_t i = 0; i < d->n_class_attrs && i <= UINT16_MAX; i++) {
		uint32_t s = nodes_add(&t->nt, dir, d->class_attrs[i].name,
				       R_TYPE_CLASS_ATTR, S_IFREG | 0444, p);
		if (!s)
			return -EEXIST;
		t->nt.nodes[s].type = ty;
		t->nt.nodes[s].index = (uint16_t)i;
	}
	return 0;
}

/* class/<cls>/<parent>, for a parent under devices/virtual/<cls>/. */
static int list_in_class(struct fs_tree *t, const struct tree_parent *tp)
{
	size_t len;
	const char *cls = mdev_sysfs_parent_class(tp->parent, &len);
	char cname[NAME_MAX + 1];

	if (len == 0 || len > NAME_MAX)
		return -EINVAL;
	memcpy(cname, cls, len);
	cname[len] = '\0';
	uint32_t cdir = ensure_dir(t, t->slot_class, cname);
	if (!cdir || !add_link(t, cdir, mdev_parent_name(tp->parent),
			       tp->dir_path, tp->parent))
		return -EEXIST;
	return 0;
}

/* bus/<bus>/devices/<parent>, and bus/<bus>/drivers/<driver> for the
 * parent's driver link to point to. */
static int list_on_bus(struct fs_tree *t, const struct tree_parent *tp,
		       bool bound)
{
	struct mdev_parent *p = tp->parent;
	uint32_t bdir = ensure_dir(t, t->slot_bus, mdev_parent_bus(p));
	uint32_t bdevs = bdir ? ensure_dir(t, bdir, "devices") : 0;
	uint32_t bdrvs = bdir ? ensure_dir(t, bdir, "drivers") : 0;

	if (!bdevs || !bdrvs ||
	    !add_link(t, bdevs, mdev_parent_name(p), tp->dir_path, p))
		return -EEXIST;
	if (bound && !ensure_dir(t, bdrvs, mdev_parent_driver_name(p)))
		return -EEXIST;
	return 0;
}

/* kernel/iommu_groups/<parent group>/devices/<parent>. */
static int list_in_group(struct fs_tree *t, const struct tree_parent *tp)
{
	char group[16];

	snprintf(group, sizeof(group), "%u",
		 mdev_parent_iommu_group(tp->parent));
	uint32_t g = ensure_dir(t, t->slot_iommu_groups, group);
	uint32_t devs = g ? ensure_dir(t, g, "devices") : 0;
	if (!devs || !add_link(t, devs, mdev_parent_name(tp->parent),
			       tp->dir_path, tp->parent))
		return -EEXIST;
	return 0;
}

/* The links that list the parent where class/mdev_bus, its bus (or class)
 * and its IOMMU group do, and the directories the parent's own subsystem,
 * driver and iommu_group links (schema files) point to. */
static int place_parent(struct fs_tree *t, const struct tree_parent *tp,
			const struct mdev_sysfs_obj *o)
{
	size_t n, len;
	const struct mdev_sysfs_file *pf =
	    mdev_sysfs_files(MDEV_SYSFS_PARENT, &n);
	int err = 0;

	if (!add_link(t, t->slot_class_mdev_bus, mdev_parent_name(tp->parent),
		      tp->dir_path, tp->parent))
		return -EEXIST;
	bool on_bus = mdev_sysfs_present(&pf[MDEV_SYSFS_PARENT_SUBSYSTEM], o);
	bool bound = mdev_sysfs_present(&pf[MDEV_SYSFS_PARENT_DRIVER], o);
	if (on_bus && mdev_sysfs_parent_class(tp->parent, &len))
		err = list_in_class(t, tp);
	else if (on_bus)
		err = list_on_bus(t, tp, bound);
	if (!err && mdev_sysfs_present(&pf[MDEV_SYSFS_PARENT_IOMMU_GROUP], o))
		err = list_in_group(t, tp);
	return err;
}

/* Creates the intermediate directories of devpath; returns the slot of
 * the directory that will hold the parent and the last component. */
static uint32_t walk_devpath(struct fs_tree *t, const char *devpath,
			     char last[NAME_MAX + 1])
{
	uint32_t dir = t->slot_devices;
	const char *c = devpath;
	for (;;) {
		const char *slash = strchr(c, '/');
		size_t l = slash ? (size_t)(slash - c) : strlen(c);
		if (l == 0 || l > NAME_MAX)
			return 0;
		memcpy(last, c, l);
		last[l] = '\0';
		if (!name_is_path_component(last))
			return 0;
		if (!slash)
			return dir;
		dir = ensure_dir(t, dir, last);
		if (!dir)
			return 0;
		c = slash + 1;
	}
}

static int build_parent(struct fs_tree *t, struct tree_parent *tp)
{
	struct mdev_parent *p = tp->parent;
	const struct mdev_sysfs_obj o = {.parent = p};
	uint32_t slots[MDEV_SYSFS_PARENT_COUNT];
	char last[NAME_MAX + 1];
	int err;

	if (!name_is_path_component(mdev_parent_name(p)))
		return -EINVAL;
	uint32_t up = walk_devpath(t, mdev_parent_devpath(p), last);
	if (!up)
		return -EINVAL;
	tp->dir_slot = add_dir(t, up, last, R_PARENT_DIR, p);
	if (!tp->dir_slot)
		return -EEXIST;
	tp->dir_path = nodes_path(&t->nt, tp->dir_slot);
	if (!tp->dir_path)
		return -ENOMEM;
	err = place_parent(t, tp, &o);
	if (err)
		return err;
	err = add_schema_files(t, tp->dir_slot, MDEV_SYSFS_PARENT, &o, slots);
	if (err)
		return err;
	tp->types_slot = slots[MDEV_SYSFS_PARENT_MDEV_SUPPORTED_TYPES];
	for (size_t i = 0; i < mdev_parent_type_count(p); i++) {
		err = add_type(t, tp->types_slot, mdev_parent_type(p, i), p);
		if (err)
			return err;
	}
	size_t n = mdev_parent_bus_attr_count(p);
	for (size_t i = 0; i < n && i <= UINT16_MAX; i++) {
		uint32_t s = nodes_add(&t->nt, tp->dir_slot,
				       mdev_parent_bus_attr(p, i)->name,
				       R_PARENT_BUS_ATTR, S_IFREG | 0444, p);
		if (!s)
			return -EEXIST;
		t->nt.nodes[s].index = (uint16_t)i;
	}
	return 0;
}

static void kill_parent_nodes(struct fs_tree *t, const struct mdev_parent *p,
			      void (*inval)(void *, uint64_t, const char *),
			      void *opaque)
{
	struct node_table *nt = &t->nt;
	/* Tops first (their up node is not the parent's), so that the
	 * callback sees names before they are freed. */
	for (uint32_t s = ROOT_SLOT + 1; s < nt->n_nodes; s++) {
		struct fs_node *n = &nt->nodes[s];
		if (n->name && n->parent == p && nt->nodes[n->up].parent != p &&
		    inval)
			inval(opaque, n->up, n->name);
	}
	for (uint32_t s = ROOT_SLOT + 1; s < nt->n_nodes; s++)
		if (nt->nodes[s].name && nt->nodes[s].parent == p)
			nodes_kill(nt, s);
}

int tree_add_parent(struct fs_tree *t, struct mdev_parent *p)
{
	if (tree_find_parent(t, p))
		return 0;
	if (t->n_parents == t->cap_parents) {
		size_t cap = t->cap_parents ? t->cap_parents * 2 : 8;
		struct tree_parent *np = realloc(t->parents, cap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		t->parents = np;
		t->cap_parents = cap;
	}
	struct tree_parent *tp = &t->parents[t->n_parents];
	memset(tp, 0, sizeof(*tp));
	tp->parent = p;
	int err = build_parent(t, tp);
	if (err) {
		kill_parent_nodes(t, p, NULL, NULL);
		free(tp->dir_path);
		return err;
	}
	t->n_parents++;
	return 0;
}

void tree_remove_parent(struct fs_tree *t, const struct mdev_parent *p,
			void (*inval)(void *, uint64_t, const char *),
			void *opaque)
{
	struct tree_parent *tp = tree_find_parent(t, p);
	if (!tp)
		return;
	kill_parent_nodes(t, p, inval, opaque);
	free(tp->dir_path);
	*tp = t->parents[--t->n_parents];
}
