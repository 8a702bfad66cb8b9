// SPDX-License-Identifier: MIT
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND_SHIFT 56
#define INDEX_SHIFT 40
#define SERIAL_MASK ((1ULL << INDEX_SHIFT) - 1)
#define INDEX_MASK 0xffffULL
#define ROOT_SLOT 1
/* Longest relative link we build: "../" per level plus a devpath. */
#define LINK_MAX_LEN 4096

/* What a parent contributes to the tree, found again by pointer. */
struct tree_parent {
	struct mdev_parent *parent;
	uint32_t dir_slot;
	uint32_t types_slot;
	char *dir_path; /* "devices/pci0000:00/0000:00:02.0" */
	unsigned depth; /* components of dir_path */
};

struct fs_tree {
	struct mdev_core *core;
	time_t mtime;
	struct fs_node *nodes;
	uint32_t n_nodes, cap_nodes;
	uint32_t *buckets;
	uint32_t n_buckets; /* a power of two */
	uint32_t live_nodes;
	struct tree_parent *parents;
	size_t n_parents, cap_parents;
	uint32_t slot_class, slot_class_mdev_bus, slot_bus, slot_devices;
	uint32_t slot_bus_mdev_devices, slot_iommu_groups;
	struct devmap devmap;
};

static const struct {
	const char *name;
	mode_t mode;
} dev_fixed[DF_FIXED_COUNT] = {
    [DF_REMOVE] = {"remove", S_IFREG | 0200},
    [DF_UEVENT] = {"uevent", S_IFREG | 0644},
    [DF_MDEV_TYPE] = {"mdev_type", S_IFLNK | 0777},
    [DF_IOMMU_GROUP] = {"iommu_group", S_IFLNK | 0777},
    [DF_DRIVER] = {"driver", S_IFLNK | 0777},
    [DF_SUBSYSTEM] = {"subsystem", S_IFLNK | 0777},
};

/* ------------------------------------------------------------ node table */

static uint32_t name_hash(uint32_t up, const char *name)
{
	uint32_t h = 2166136261u ^ up;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h ^ (h >> 15);
}

static uint32_t find_child(const struct fs_tree *t, uint32_t up,
			   const char *name)
{
	uint32_t s = t->buckets[name_hash(up, name) & (t->n_buckets - 1)];
	while (s) {
		const struct fs_node *n = &t->nodes[s];
		if (n->up == up && strcmp(n->name, name) == 0)
			return s;
		s = n->hash_next;
	}
	return 0;
}

static void hash_insert(struct fs_tree *t, uint32_t slot)
{
	struct fs_node *n = &t->nodes[slot];
	uint32_t b = name_hash(n->up, n->name) & (t->n_buckets - 1);
	n->hash_next = t->buckets[b];
	t->buckets[b] = slot;
}

static void hash_remove(struct fs_tree *t, uint32_t slot)
{
	struct fs_node *n = &t->nodes[slot];
	uint32_t *pp =
	    &t->buckets[name_hash(n->up, n->name) & (t->n_buckets - 1)];
	while (*pp != slot)
		pp = &t->nodes[*pp].hash_next;
	*pp = n->hash_next;
}

static int rehash(struct fs_tree *t, uint32_t n_buckets)
{
	uint32_t *b = calloc(n_buckets, sizeof(*b));
	if (!b)
		return -ENOMEM;
	free(t->buckets);
	t->buckets = b;
	t->n_buckets = n_buckets;
	for (uint32_t s = ROOT_SLOT + 1; s < t->n_nodes; s++)
		if (t->nodes[s].name)
			hash_insert(t, s);
	return 0;
}

/* A name usable as one path component. */
static bool good_component(const char *name)
{
	return name && name[0] && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && !strchr(name, '/') &&
	       strlen(name) <= NAME_MAX;
}

/* Appends a node; returns its slot or 0 (name taken or no memory). */
static uint32_t add_node(struct fs_tree *t, uint32_t up, const char *name,
			 enum node_role role, mode_t mode,
			 struct mdev_parent *owner)
{
	if (!good_component(name) || find_child(t, up, name))
		return 0;
	if (t->n_nodes == t->cap_nodes) {
		uint32_t cap = t->cap_nodes * 2;
		struct fs_node *n = realloc(t->nodes, cap * sizeof(*n));
		if (!n)
			return 0;
		t->nodes = n;
		t->cap_nodes = cap;
	}
	if (t->live_nodes + 1 > t->n_buckets && rehash(t, t->n_buckets * 2))
		return 0;
	uint32_t slot = t->n_nodes;
	struct fs_node *n = &t->nodes[slot];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name);
	if (!n->name)
		return 0;
	n->up = up;
	n->role = role;
	n->mode = mode;
	n->parent = owner;
	t->n_nodes++;
	t->live_nodes++;
	hash_insert(t, slot);
	return slot;
}

static uint32_t add_dir(struct fs_tree *t, uint32_t up, const char *name,
			enum node_role role, struct mdev_parent *owner)
{
	return add_node(t, up, name, role, S_IFDIR | 0755, owner);
}

static uint32_t add_file(struct fs_tree *t, uint32_t up, const char *name,
			 enum node_role role, mode_t perm,
			 struct mdev_parent *owner)
{
	return add_node(t, up, name, role, S_IFREG | perm, owner);
}

/* The existing directory up/name, or a new permanent one. */
static uint32_t ensure_dir(struct fs_tree *t, uint32_t up, const char *name)
{
	uint32_t s = find_child(t, up, name);
	if (s)
		return S_ISDIR(t->nodes[s].mode) ? s : 0;
	return add_dir(t, up, name, R_DIR, NULL);
}

/* Number of components between the tree root and the node. */
static unsigned node_depth(const struct fs_tree *t, uint32_t slot)
{
	unsigned d = 0;
	for (; slot != ROOT_SLOT; slot = t->nodes[slot].up)
		d++;
	return d;
}

/* The node's path from the tree root, without a leading '/'. */
static char *node_path(const struct fs_tree *t, uint32_t slot)
{
	size_t len = 0;
	for (uint32_t s = slot; s != ROOT_SLOT; s = t->nodes[s].up)
		len += strlen(t->nodes[s].name) + 1;
	char *path = malloc(len + 1);
	if (!path)
		return NULL;
	path[len ? len - 1 : 0] = '\0';
	size_t end = len ? len - 1 : 0;
	for (uint32_t s = slot; s != ROOT_SLOT; s = t->nodes[s].up) {
		size_t l = strlen(t->nodes[s].name);
		end -= l;
		memcpy(path + end, t->nodes[s].name, l);
		if (end)
			path[--end] = '/';
	}
	return path;
}

/* "../" x levels followed by target, into a new string. */
static char *relative(unsigned levels, const char *target)
{
	size_t tl = strlen(target);
	char *s = malloc(levels * 3 + tl + 1);
	if (!s)
		return NULL;
	for (unsigned i = 0; i < levels; i++)
		memcpy(s + i * 3, "../", 3);
	memcpy(s + levels * 3, target, tl + 1);
	return s;
}

/* A symlink in directory up whose target is given from the tree root. */
static uint32_t add_link(struct fs_tree *t, uint32_t up, const char *name,
			 const char *target_from_root,
			 struct mdev_parent *owner)
{
	char *target = relative(node_depth(t, up), target_from_root);
	if (!target)
		return 0;
	uint32_t s = add_node(t, up, name, R_LINK, S_IFLNK | 0777, owner);
	if (!s) {
		free(target);
		return 0;
	}
	t->nodes[s].target = target;
	return s;
}

static void kill_node(struct fs_tree *t, uint32_t slot)
{
	struct fs_node *n = &t->nodes[slot];
	hash_remove(t, slot);
	free(n->name);
	free(n->target);
	n->name = NULL;
	n->target = NULL;
	n->parent = NULL;
	n->type = NULL;
	t->live_nodes--;
}

/* ---------------------------------------------------------- construction */

struct fs_tree *tree_new(struct mdev_core *core, time_t mtime)
{
	struct fs_tree *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->core = core;
	t->mtime = mtime;
	t->cap_nodes = 256;
	t->nodes = calloc(t->cap_nodes, sizeof(*t->nodes));
	t->n_buckets = 256;
	t->buckets = calloc(t->n_buckets, sizeof(*t->buckets));
	if (!t->nodes || !t->buckets || devmap_init(&t->devmap) < 0) {
		free(t->nodes);
		free(t->buckets);
		free(t);
		return NULL;
	}
	/* Slot 0 is "none"; slot 1 the root (FUSE_ROOT_ID). */
	t->nodes[ROOT_SLOT].name = strdup("");
	t->nodes[ROOT_SLOT].up = ROOT_SLOT;
	/* sysfs's root, as kernfs_create_root() makes it. */
	t->nodes[ROOT_SLOT].mode = S_IFDIR | 0555;
	t->n_nodes = 2;
	t->live_nodes = 1;

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
	for (uint32_t s = 0; s < t->n_nodes; s++) {
		free(t->nodes[s].name);
		free(t->nodes[s].target);
	}
	for (size_t i = 0; i < t->n_parents; i++)
		free(t->parents[i].dir_path);
	free(t->parents);
	free(t->nodes);
	free(t->buckets);
	devmap_free(&t->devmap);
	free(t);
}

struct devmap *tree_devmap(struct fs_tree *t)
{
	return &t->devmap;
}

const struct fs_node *tree_node(const struct fs_tree *t, uint32_t slot)
{
	return &t->nodes[slot];
}

static struct tree_parent *find_parent(const struct fs_tree *t,
				       const struct mdev_parent *p)
{
	for (size_t i = 0; i < t->n_parents; i++)
		if (t->parents[i].parent == p)
			return &t->parents[i];
	return NULL;
}

bool tree_has_parent(const struct fs_tree *t, const struct mdev_parent *p)
{
	return find_parent(t, p) != NULL;
}

static int add_type(struct fs_tree *t, uint32_t types, struct mdev_type *ty,
		    struct mdev_parent *p)
{
	const struct mdev_type_desc *d = mdev_type_desc(ty);
	static const struct {
		const char *name;
		enum node_role role;
		mode_t perm;
	} files[] = {
	    {"create", R_TYPE_CREATE, 0200},
	    {"name", R_TYPE_NAME, 0444},
	    {"description", R_TYPE_DESCRIPTION, 0444},
	    {"device_api", R_TYPE_DEVICE_API, 0444},
	    {"available_instances", R_TYPE_AVAILABLE, 0444},
	    {"max_instances", R_TYPE_MAX_INSTANCES, 0444},
	    {"requires_group", R_TYPE_REQUIRES_GROUP, 0444},
	    {"params", R_TYPE_PARAMS, 0444},
	    {"class", R_TYPE_CLASS, 0444},
	};
	uint32_t dir = add_dir(t, types, mdev_type_id(ty), R_TYPE_DIR, p);
	if (!dir)
		return -EEXIST;
	t->nodes[dir].type = ty;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i].role == R_TYPE_DESCRIPTION && !d->description)
			continue;
		if (files[i].role == R_TYPE_CLASS && !d->class_name)
			continue;
		uint32_t s = add_file(t, dir, files[i].name, files[i].role,
				      files[i].perm, p);
		if (!s)
			return -ENOMEM;
		t->nodes[s].type = ty;
	}
	uint32_t devs = add_dir(t, dir, "devices", R_TYPE_DEVICES, p);
	if (!devs)
		return -ENOMEM;
	t->nodes[devs].type = ty;
	/* Class attributes whose name clashes with a fixed file are not
	 * shown (the fixed file wins), as a kernel driver could not create
	 * them either. */
	for (size_t i = 0; i < d->n_class_attrs && i <= UINT16_MAX; i++) {
		uint32_t s = add_file(t, dir, d->class_attrs[i].name,
				      R_TYPE_CLASS_ATTR, 0444, p);
		if (s) {
			t->nodes[s].type = ty;
			t->nodes[s].index = (uint16_t)i;
		}
	}
	return 0;
}

/* Links that place the parent on its bus (or class, for virtual devices)
 * and its driver link. */
static int add_bus_links(struct fs_tree *t, struct tree_parent *tp)
{
	struct mdev_parent *p = tp->parent;
	const char *bus = mdev_parent_bus(p);
	const char *name = mdev_parent_name(p);
	const char *devpath = mdev_parent_devpath(p);
	char target[LINK_MAX_LEN];
	uint32_t s;

	if (!bus || !good_component(bus))
		return 0;
	if (strcmp(bus, "virtual") == 0 &&
	    strncmp(devpath, "virtual/", 8) == 0) {
		/* devices/virtual/<class>/<name>: a class device. */
		char cls[NAME_MAX + 1];
		const char *c = devpath + 8, *slash = strchr(c, '/');
		size_t l = slash ? (size_t)(slash - c) : strlen(c);
		if (l == 0 || l > NAME_MAX)
			return 0;
		memcpy(cls, c, l);
		cls[l] = '\0';
		uint32_t cdir = ensure_dir(t, t->slot_class, cls);
		if (!cdir)
			return -EEXIST;
		if (!add_link(t, cdir, name, tp->dir_path, p))
			return -EEXIST;
		snprintf(target, sizeof(target), "class/%s", cls);
		return add_link(t, tp->dir_slot, "subsystem", target, p)
			   ? 0
			   : -ENOMEM;
	}
	uint32_t bdir = ensure_dir(t, t->slot_bus, bus);
	uint32_t bdevs = bdir ? ensure_dir(t, bdir, "devices") : 0;
	uint32_t bdrvs = bdir ? ensure_dir(t, bdir, "drivers") : 0;
	if (!bdevs || !bdrvs)
		return -EEXIST;
	if (!add_link(t, bdevs, name, tp->dir_path, p))
		return -EEXIST;
	snprintf(target, sizeof(target), "bus/%s", bus);
	if (!add_link(t, tp->dir_slot, "subsystem", target, p))
		return -ENOMEM;
	const char *drv = mdev_parent_driver_name(p);
	if (drv && good_component(drv)) {
		if (!ensure_dir(t, bdrvs, drv))
			return -EEXIST;
		snprintf(target, sizeof(target), "bus/%s/drivers/%s", bus, drv);
		s = add_link(t, tp->dir_slot, "driver", target, p);
		if (!s)
			return -ENOMEM;
	}
	return 0;
}

/* PCI parents share IOMMU group 0, a number the core never gives a
 * device (its groups count from 1), so the parents' group cannot collide
 * with the fresh group of every mdev. The group lists its devices. */
#define PARENT_IOMMU_GROUP "0"

static int add_parent_group(struct fs_tree *t, struct tree_parent *tp)
{
	struct mdev_parent *p = tp->parent;
	uint32_t g = ensure_dir(t, t->slot_iommu_groups, PARENT_IOMMU_GROUP);
	uint32_t devs = g ? ensure_dir(t, g, "devices") : 0;
	if (!devs)
		return -ENOMEM;
	if (!add_link(t, devs, mdev_parent_name(p), tp->dir_path, p))
		return -EEXIST;
	if (!add_link(t, tp->dir_slot, "iommu_group",
		      "kernel/iommu_groups/" PARENT_IOMMU_GROUP, p))
		return -ENOMEM;
	return 0;
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
		if (!good_component(last))
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
	const char *name = mdev_parent_name(p);
	char last[NAME_MAX + 1];
	int err;

	if (!good_component(name))
		return -EINVAL;
	uint32_t up = walk_devpath(t, mdev_parent_devpath(p), last);
	if (!up)
		return -EINVAL;
	tp->dir_slot = add_dir(t, up, last, R_PARENT_DIR, p);
	if (!tp->dir_slot)
		return -EEXIST;
	tp->dir_path = node_path(t, tp->dir_slot);
	if (!tp->dir_path)
		return -ENOMEM;
	tp->depth = node_depth(t, tp->dir_slot);
	if (!add_link(t, t->slot_class_mdev_bus, name, tp->dir_path, p))
		return -EEXIST;
	tp->types_slot =
	    add_dir(t, tp->dir_slot, "mdev_supported_types", R_DIR, p);
	if (!tp->types_slot)
		return -ENOMEM;
	for (size_t i = 0; i < mdev_parent_type_count(p); i++) {
		err = add_type(t, tp->types_slot, mdev_parent_type(p, i), p);
		if (err)
			return err;
	}
	if (!add_file(t, tp->dir_slot, "mdev_destroy", R_PARENT_DESTROY, 0200,
		      p) ||
	    !add_file(t, tp->dir_slot, "uevent", R_PARENT_UEVENT, 0644, p))
		return -ENOMEM;
	err = add_bus_links(t, tp);
	if (err)
		return err;
	const char *bus = mdev_parent_bus(p);
	if (bus && strcmp(bus, "pci") == 0) {
		if (!add_file(t, tp->dir_slot, "config", R_PARENT_CONFIG, 0644,
			      p))
			return -ENOMEM;
		err = add_parent_group(t, tp);
		if (err)
			return err;
	}
	/* Bus attributes that clash with a file above are not shown. */
	size_t n = mdev_parent_bus_attr_count(p);
	for (size_t i = 0; i < n && i <= UINT16_MAX; i++) {
		uint32_t s =
		    add_file(t, tp->dir_slot, mdev_parent_bus_attr(p, i)->name,
			     R_PARENT_BUS_ATTR, 0444, p);
		if (s)
			t->nodes[s].index = (uint16_t)i;
	}
	return 0;
}

static void kill_parent_nodes(struct fs_tree *t, const struct mdev_parent *p,
			      void (*inval)(void *, uint64_t, const char *),
			      void *opaque)
{
	/* Tops first (their up node is not the parent's), so that the
	 * callback sees names before they are freed. */
	for (uint32_t s = ROOT_SLOT + 1; s < t->n_nodes; s++) {
		struct fs_node *n = &t->nodes[s];
		if (n->name && n->parent == p && t->nodes[n->up].parent != p &&
		    inval)
			inval(opaque, n->up, n->name);
	}
	for (uint32_t s = ROOT_SLOT + 1; s < t->n_nodes; s++)
		if (t->nodes[s].name && t->nodes[s].parent == p)
			kill_node(t, s);
}

int tree_add_parent(struct fs_tree *t, struct mdev_parent *p)
{
	if (find_parent(t, p))
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
	struct tree_parent *tp = find_parent(t, p);
	if (!tp)
		return;
	kill_parent_nodes(t, p, inval, opaque);
	free(tp->dir_path);
	*tp = t->parents[--t->n_parents];
}

/* ------------------------------------------------------------ resolution */

static uint64_t make_ino(enum obj_kind kind, unsigned index, uint64_t serial)
{
	return ((uint64_t)kind << KIND_SHIFT) |
	       (((uint64_t)index & INDEX_MASK) << INDEX_SHIFT) |
	       (serial & SERIAL_MASK);
}

uint64_t tree_ino(const struct fs_obj *o)
{
	if (o->kind == OK_STATIC)
		return o->slot;
	return make_ino(o->kind, o->index, o->dev->serial);
}

static void set_dev(struct fs_obj *o, enum obj_kind kind, unsigned index,
		    struct dev_entry *e)
{
	o->kind = kind;
	o->index = index;
	o->slot = 0;
	o->dev = e;
}

static void set_static(struct fs_obj *o, uint32_t slot)
{
	o->kind = OK_STATIC;
	o->index = 0;
	o->slot = slot;
	o->dev = NULL;
}

static bool attr_index_valid(const struct mdev_device *d, unsigned index)
{
	return index >= DF_ATTR0 &&
	       index - DF_ATTR0 < mdev_device_attr_count(d);
}

int tree_resolve(struct fs_tree *t, uint64_t ino, struct fs_obj *o)
{
	unsigned kind = (unsigned)(ino >> KIND_SHIFT);
	unsigned index = (unsigned)((ino >> INDEX_SHIFT) & INDEX_MASK);
	uint64_t serial = ino & SERIAL_MASK;

	if (kind == OK_STATIC) {
		if (serial >= t->n_nodes || serial == 0 ||
		    !t->nodes[serial].name)
			return -ENOENT;
		set_static(o, (uint32_t)serial);
		return 0;
	}
	if (kind > OK_GRP_LINK)
		return -ENOENT;
	struct dev_entry *e = devmap_find_serial(&t->devmap, serial);
	if (!e)
		return -ENOENT;
	if (kind == OK_DEV_FILE && index >= DF_FIXED_COUNT &&
	    !attr_index_valid(e->mdev, index))
		return -ENOENT;
	if (kind == OK_DEV_GROUP && !attr_index_valid(e->mdev, index))
		return -ENOENT;
	set_dev(o, (enum obj_kind)kind, index, e);
	return 0;
}

/* The device named name, if it is a device's lowercase UUID. */
static struct dev_entry *device_by_name(struct fs_tree *t, const char *name)
{
	if (strlen(name) != 36)
		return NULL;
	struct mdev_device *d = mdev_device_find_name(t->core, name);
	if (!d || strcmp(mdev_device_name(d), name) != 0)
		return NULL;
	return devmap_add(&t->devmap, d);
}

/* The "group" part of an attribute name ("nvidia" of
 * "nvidia/vgpu_params"), length in *len; NULL if it has none. */
static const char *attr_group(const char *name, size_t *len)
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

static int lookup_dev_dir(struct dev_entry *e, const char *name,
			  struct fs_obj *out)
{
	for (unsigned i = 0; i < DF_FIXED_COUNT; i++) {
		if (strcmp(dev_fixed[i].name, name) == 0) {
			set_dev(out, OK_DEV_FILE, i, e);
			return 0;
		}
	}
	size_t n = mdev_device_attr_count(e->mdev);
	for (size_t i = 0; i < n && i + DF_ATTR0 <= INDEX_MASK; i++) {
		const char *an = attr_desc_name(e->mdev, i);
		size_t gl;
		const char *g = attr_group(an, &gl);
		if (!g && strcmp(an, name) == 0) {
			set_dev(out, OK_DEV_FILE, DF_ATTR0 + (unsigned)i, e);
			return 0;
		}
		if (g && strlen(name) == gl && memcmp(g, name, gl) == 0) {
			set_dev(out, OK_DEV_GROUP, DF_ATTR0 + (unsigned)i, e);
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
	    attr_group(attr_desc_name(e->mdev, first - DF_ATTR0), &gl);
	size_t n = mdev_device_attr_count(e->mdev);
	for (size_t i = first - DF_ATTR0; i < n && i + DF_ATTR0 <= INDEX_MASK;
	     i++) {
		const char *an = attr_desc_name(e->mdev, i);
		if (strncmp(an, g, gl) == 0 && an[gl] == '/' &&
		    strcmp(an + gl + 1, name) == 0) {
			set_dev(out, OK_DEV_FILE, DF_ATTR0 + (unsigned)i, e);
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
	const struct fs_node *n = &t->nodes[dir];
	uint32_t s = find_child(t, dir, name);
	struct dev_entry *e;
	unsigned group;

	if (s) {
		set_static(out, s);
		return 0;
	}
	switch (n->role) {
	case R_PARENT_DIR:
		e = device_by_name(t, name);
		if (!e || mdev_device_parent(e->mdev) != n->parent)
			return -ENOENT;
		set_dev(out, OK_DEV_DIR, 0, e);
		return 0;
	case R_TYPE_DEVICES:
		e = device_by_name(t, name);
		if (!e || mdev_device_type(e->mdev) != n->type)
			return -ENOENT;
		set_dev(out, OK_TYPE_LINK, 0, e);
		return 0;
	case R_BUS_MDEV_DEVICES:
		e = device_by_name(t, name);
		if (!e)
			return -ENOENT;
		set_dev(out, OK_BUS_LINK, 0, e);
		return 0;
	case R_IOMMU_GROUPS:
		if (!parse_group(name, &group))
			return -ENOENT;
		e = devmap_find_group(&t->devmap, group);
		if (!e)
			return -ENOENT;
		set_dev(out, OK_GRP_DIR, 0, e);
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
		if (!S_ISDIR(t->nodes[dir->slot].mode))
			return -ENOTDIR;
		return lookup_static(t, dir->slot, name, out);
	case OK_DEV_DIR:
		return lookup_dev_dir(dir->dev, name, out);
	case OK_DEV_GROUP:
		return lookup_dev_group(dir->dev, dir->index, name, out);
	case OK_GRP_DIR:
		if (strcmp(name, "devices") != 0)
			return -ENOENT;
		set_dev(out, OK_GRP_DEVICES, 0, dir->dev);
		return 0;
	case OK_GRP_DEVICES:
		e = device_by_name(t, name);
		if (!e || e->group != dir->dev->group)
			return -ENOENT;
		set_dev(out, OK_GRP_LINK, 0, e);
		return 0;
	default:
		return -ENOTDIR;
	}
}

static mode_t obj_mode(const struct fs_tree *t, const struct fs_obj *o)
{
	const struct mdev_attr_desc *d;

	switch (o->kind) {
	case OK_STATIC:
		return t->nodes[o->slot].mode;
	case OK_DEV_DIR:
	case OK_DEV_GROUP:
	case OK_GRP_DIR:
	case OK_GRP_DEVICES:
		return S_IFDIR | 0755;
	case OK_DEV_FILE:
		if (o->index < DF_FIXED_COUNT)
			return dev_fixed[o->index].mode;
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
	st->st_mode = obj_mode(t, o);
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

static int put_link(char *buf, size_t size, unsigned levels, const char *target)
{
	size_t need = levels * 3 + strlen(target);
	if (need + 1 > size)
		return -ENAMETOOLONG;
	for (unsigned i = 0; i < levels; i++)
		memcpy(buf + i * 3, "../", 3);
	memcpy(buf + levels * 3, target, strlen(target) + 1);
	return (int)need;
}

int tree_readlink(struct fs_tree *t, const struct fs_obj *o, char *buf,
		  size_t size)
{
	char target[LINK_MAX_LEN];
	struct mdev_device *d = o->dev ? o->dev->mdev : NULL;
	struct tree_parent *tp =
	    d ? find_parent(t, mdev_device_parent(d)) : NULL;
	const char *uuid = d ? mdev_device_name(d) : NULL;
	unsigned depth = tp ? tp->depth + 1 : 0; /* of the device dir */

	if (o->kind != OK_STATIC && !tp)
		return -ENOENT;
	switch (o->kind) {
	case OK_STATIC:
		if (t->nodes[o->slot].role != R_LINK)
			return -EINVAL;
		return put_link(buf, size, 0, t->nodes[o->slot].target);
	case OK_BUS_LINK:
		snprintf(target, sizeof(target), "%s/%s", tp->dir_path, uuid);
		return put_link(buf, size, 3, target);
	case OK_TYPE_LINK:
		return put_link(buf, size, 3, uuid);
	case OK_GRP_LINK:
		snprintf(target, sizeof(target), "%s/%s", tp->dir_path, uuid);
		return put_link(buf, size, 4, target);
	case OK_DEV_FILE:
		switch (o->index) {
		case DF_MDEV_TYPE:
			snprintf(target, sizeof(target),
				 "mdev_supported_types/%s",
				 mdev_type_id(mdev_device_type(d)));
			return put_link(buf, size, 1, target);
		case DF_IOMMU_GROUP:
			snprintf(target, sizeof(target),
				 "kernel/iommu_groups/%u", o->dev->group);
			return put_link(buf, size, depth, target);
		case DF_DRIVER:
			return put_link(buf, size, depth,
					"bus/mdev/drivers/vfio_mdev");
		case DF_SUBSYSTEM:
			return put_link(buf, size, depth, "bus/mdev");
		default:
			return -EINVAL;
		}
	default:
		return -EINVAL;
	}
}

const char *tree_dev_attr_name(const struct fs_obj *o)
{
	if (o->kind != OK_DEV_FILE || o->index < DF_ATTR0)
		return NULL;
	return attr_desc_name(o->dev->mdev, o->index - DF_ATTR0);
}

/* -------------------------------------------------------------- listings */

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
	return snap_add(s, tree_ino(o), obj_mode(t, o), name, len);
}

void snap_free(struct dir_snap *snap)
{
	free(snap->ents);
	free(snap->names);
	memset(snap, 0, sizeof(*snap));
}

static int list_devices(struct fs_tree *t, struct dir_snap *s,
			struct mdev_device *first,
			struct mdev_device *(*next)(const struct mdev_device *),
			enum obj_kind kind)
{
	struct fs_obj o;
	for (struct mdev_device *d = first; d; d = next(d)) {
		struct dev_entry *e = devmap_add(&t->devmap, d);
		if (!e)
			return -ENOMEM;
		set_dev(&o, kind, 0, e);
		if (snap_obj(t, s, &o, mdev_device_name(d), 36))
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
		struct dev_entry *e = devmap_add(&t->devmap, d);
		if (!e)
			return -ENOMEM;
		if (devmap_find_group(&t->devmap, e->group) != e)
			continue;
		set_dev(&o, OK_GRP_DIR, 0, e);
		int l = snprintf(name, sizeof(name), "%u", e->group);
		if (snap_obj(t, s, &o, name, (size_t)l))
			return -ENOMEM;
	}
	return 0;
}

static int list_static(struct fs_tree *t, uint32_t dir, struct dir_snap *s)
{
	const struct fs_node *n = &t->nodes[dir];
	struct fs_obj o;
	for (uint32_t c = ROOT_SLOT + 1; c < t->n_nodes; c++) {
		if (!t->nodes[c].name || t->nodes[c].up != dir)
			continue;
		set_static(&o, c);
		if (snap_obj(t, s, &o, t->nodes[c].name,
			     strlen(t->nodes[c].name)))
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
	struct fs_obj o;
	for (unsigned i = 0; i < DF_FIXED_COUNT; i++) {
		set_dev(&o, OK_DEV_FILE, i, e);
		if (snap_obj(t, s, &o, dev_fixed[i].name,
			     strlen(dev_fixed[i].name)))
			return -ENOMEM;
	}
	size_t n = mdev_device_attr_count(e->mdev);
	for (size_t i = 0; i < n && i + DF_ATTR0 <= INDEX_MASK; i++) {
		const char *an = attr_desc_name(e->mdev, i);
		size_t gl;
		const char *g = attr_group(an, &gl);
		struct fs_obj found;
		if (!g) {
			/* Shadowed by a fixed file: not listed. */
			if (lookup_dev_dir(e, an, &found) == 0 &&
			    found.index != DF_ATTR0 + i)
				continue;
			set_dev(&o, OK_DEV_FILE, DF_ATTR0 + (unsigned)i, e);
			if (snap_obj(t, s, &o, an, strlen(an)))
				return -ENOMEM;
			continue;
		}
		/* A group is listed once, at its first attribute. */
		char gname[NAME_MAX + 1];
		if (gl == 0 || gl > NAME_MAX)
			continue;
		memcpy(gname, g, gl);
		gname[gl] = '\0';
		if (lookup_dev_dir(e, gname, &found) == 0 &&
		    found.index == DF_ATTR0 + i && found.kind == OK_DEV_GROUP)
			if (snap_obj(t, s, &found, gname, gl))
				return -ENOMEM;
	}
	return 0;
}

static int list_dev_group(struct fs_tree *t, struct dev_entry *e,
			  unsigned first, struct dir_snap *s)
{
	size_t gl = 0;
	const char *g =
	    attr_group(attr_desc_name(e->mdev, first - DF_ATTR0), &gl);
	size_t n = mdev_device_attr_count(e->mdev);
	struct fs_obj o;
	for (size_t i = first - DF_ATTR0; i < n && i + DF_ATTR0 <= INDEX_MASK;
	     i++) {
		const char *an = attr_desc_name(e->mdev, i);
		if (strncmp(an, g, gl) != 0 || an[gl] != '/')
			continue;
		set_dev(&o, OK_DEV_FILE, DF_ATTR0 + (unsigned)i, e);
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
		     dir->kind == OK_STATIC ? t->nodes[dir->slot].up : self,
		     S_IFDIR, "..", 2))
		return -ENOMEM;
	switch (dir->kind) {
	case OK_STATIC:
		if (!S_ISDIR(t->nodes[dir->slot].mode))
			return -ENOTDIR;
		return list_static(t, dir->slot, snap);
	case OK_DEV_DIR:
		return list_dev_dir(t, dir->dev, snap);
	case OK_DEV_GROUP:
		return list_dev_group(t, dir->dev, dir->index, snap);
	case OK_GRP_DIR:
		set_dev(&o, OK_GRP_DEVICES, 0, dir->dev);
		return snap_obj(t, snap, &o, "devices", 7);
	case OK_GRP_DEVICES:
		for (struct dev_entry *e =
			 devmap_find_group(&t->devmap, dir->dev->group);
		     e; e = devmap_next_in_group(e)) {
			set_dev(&o, OK_GRP_LINK, 0, e);
			if (snap_obj(t, snap, &o, mdev_device_name(e->mdev),
				     36))
				return -ENOMEM;
		}
		return 0;
	default:
		return -ENOTDIR;
	}
}
