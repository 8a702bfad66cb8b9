/* SPDX-License-Identifier: MIT */
/*
 * libmdev — the mediated-device framework core, in userspace.
 *
 * Two audiences share this header:
 *  - vendor drivers describe parents and types (struct mdev_parent_desc) and
 *    implement hooks (struct mdev_driver_ops), as kernel drivers fill
 *    struct mdev_parent_ops / mdev_type;
 *  - the sysfs server (mdevd) and tests drive lifecycle and queries, and
 *    consumers (journal, tree, events) attach to lifecycle changes.
 *
 * Every function that can fail returns 0 (or a count) on success and a
 * negative errno on failure, exactly the value the kernel would hand to a
 * writer of the corresponding sysfs file.
 *
 * Locking: one recursive mutex per core. Every function below takes it
 * itself; a caller that needs several queries to be consistent (a FUSE
 * readdir, say) may hold it across them with mdev_core_lock().
 */
#ifndef LIBMDEV_H
#define LIBMDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uuid/uuid.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mdev_core;
struct mdev_parent;
struct mdev_type;
struct mdev_device;

/* Longest value a sysfs attribute can hold (one page, as in the kernel). */
#define MDEV_ATTR_MAX 4096
/* Upper bounds that keep every table small and every parse bounded. */
#define MDEV_MAX_POOLS 8
#define MDEV_NAME_MAX 128

/* ---------------------------------------------------------------- drivers */

/* How a parent's types share it. */
enum mdev_policy {
	/* Types coexist and draw on the same pools (i915 GVT-g x2/x4/x8). */
	MDEV_POLICY_MIXED,
	/* While any instance exists, only its type shows availability
	 * (NVIDIA GRID time-sliced vGPU: one type per physical GPU). */
	MDEV_POLICY_HOMOGENEOUS,
};

/* File modes of per-device attributes, as sysfs shows them. */
enum mdev_attr_mode {
	MDEV_ATTR_RO = 0444,
	MDEV_ATTR_RW = 0644,
	MDEV_ATTR_WO = 0200,
};

struct mdev_kv {
	const char *name;
	const char *value;
};

/* A named shared resource of a parent: GVT-g low GM / high GM / fences,
 * mtty ports, mbochs megabytes. */
struct mdev_pool_desc {
	const char *name;
	unsigned long total;
};

/* What one instance of a type takes from a pool. */
struct mdev_cost {
	const char *pool;
	unsigned long amount;
};

/* A per-device attribute file. name may hold one '/' (a group directory,
 * e.g. "nvidia/vgpu_params"); neither part may be empty, "." or "..". */
struct mdev_attr_desc {
	const char *name;
	enum mdev_attr_mode mode;
	const char *default_value; /* NULL = "" */
};

struct mdev_type_desc {
	/* Directory name under mdev_supported_types:
	 * "<driver>-<sysfs name>". */
	const char *id;
	/* Pretty name; NULL = the sysfs name (id after its first '-'). */
	const char *name;
	const char *description; /* NULL = no description file */
	const char *device_api;	 /* "vfio-pci", "vfio-ap", "vfio-ccw", ... */
	const char *class_name;	 /* NULL = no class (allowed) */
	const struct mdev_kv *class_attrs;
	size_t n_class_attrs;
	unsigned max_instances;	    /* 0 = no per-type cap */
	const char *requires_group; /* NULL = "0" */
	const char *params;	    /* NULL = "" */
	const struct mdev_cost *costs;
	size_t n_costs;
	const struct mdev_attr_desc *device_attrs;
	size_t n_device_attrs;
};

struct mdev_driver_ops {
	/* Optional. Called after the core reserved the pools; a negative
	 * errno undoes the create. */
	int (*create)(struct mdev_device *mdev);
	/* Optional. Called before the core frees the device. */
	void (*remove)(struct mdev_device *mdev);
	/* Optional. Replaces the core's pool arithmetic for this type. */
	int (*available)(const struct mdev_type *type, unsigned *count);
	/* Optional. Validates a write to a device attribute and applies it
	 * (usually with mdev_device_attr_set()). Without it, a write to an
	 * RW/WO attribute stores the value with one trailing '\n' removed. */
	int (*attr_store)(struct mdev_device *mdev, const char *attr,
			  const char *buf, size_t len);
	/* Optional. Formats an attribute into buf (size bytes, NUL-terminated);
	 * returns the length or a negative errno. Without it, the stored value
	 * followed by '\n' is shown. */
	int (*attr_show)(struct mdev_device *mdev, const char *attr, char *buf,
			 size_t size);
};

struct mdev_parent_desc {
	const char *name;    /* "0000:00:02.0", "mtty", "matrix" */
	const char *devpath; /* under sys/devices: "pci0000:00/0000:00:02.0" */
	/* "i915", "nvidia", "mtty", "vfio_ap", "json" */
	const char *driver_name;
	enum mdev_policy policy;
	const struct mdev_pool_desc *pools;
	size_t n_pools;
	/* The framework's per-parent instance counter (mdpy: 4); 0 = none.
	 * When it is exhausted a create fails with EUSERS. */
	unsigned max_devices;
	const struct mdev_type_desc *types;
	size_t n_types;
	const struct mdev_driver_ops *ops; /* may be NULL */
	void *driver_data;
	/* The bus the parent sits on ("pci", "virtual", "ap", "css") and its
	 * extra read-only files in the parent directory (vendor, device, class,
	 * ...). Used by the sysfs server; the core only copies them. */
	const char *bus;
	const struct mdev_kv *bus_attrs;
	size_t n_bus_attrs;
	/* The IOMMU group of a PCI parent (kernel/iommu_groups/N); 0 is also
	 * the default. Devices get groups above every parent's. */
	unsigned iommu_group;
};

/* Registration deep-copies the description; the caller keeps ownership of
 * desc. On failure err holds one line naming parent, type and attribute. */
int mdev_parent_register(struct mdev_core *core,
			 const struct mdev_parent_desc *desc,
			 struct mdev_parent **out, char *err, size_t errlen);
/* Removes every device of the parent, then the parent. -ENODEV if absent. */
int mdev_parent_unregister(struct mdev_core *core, const char *name);

/* Accessors for drivers. */
const char *mdev_parent_name(const struct mdev_parent *parent);
const char *mdev_parent_devpath(const struct mdev_parent *parent);
const char *mdev_parent_driver_name(const struct mdev_parent *parent);
const char *mdev_parent_bus(const struct mdev_parent *parent);
unsigned mdev_parent_iommu_group(const struct mdev_parent *parent);
size_t mdev_parent_bus_attr_count(const struct mdev_parent *parent);
const struct mdev_kv *mdev_parent_bus_attr(const struct mdev_parent *parent,
					   size_t i);
enum mdev_policy mdev_parent_policy(const struct mdev_parent *parent);
void *mdev_parent_driver_data(const struct mdev_parent *parent);
/* true while the parent is being unregistered (its removals cannot be
 * vetoed): a consumer that counts operations leaves these out. */
bool mdev_parent_going_away(const struct mdev_parent *parent);
/* Free and total amount of a named pool; -ENOENT if the parent has none. */
int mdev_parent_pool(const struct mdev_parent *parent, const char *pool,
		     unsigned long *free_amount, unsigned long *total);
size_t mdev_parent_type_count(const struct mdev_parent *parent);
struct mdev_type *mdev_parent_type(const struct mdev_parent *parent, size_t i);
struct mdev_type *mdev_parent_type_find(const struct mdev_parent *parent,
					const char *id);
/* Devices of the parent, all types; iteration ends with NULL. */
struct mdev_device *mdev_parent_device_first(const struct mdev_parent *parent);
struct mdev_device *mdev_parent_device_next(const struct mdev_device *mdev);

/* The copied description (strings owned by the core). */
const struct mdev_type_desc *mdev_type_desc(const struct mdev_type *type);
const char *mdev_type_id(const struct mdev_type *type);
/* Pretty name, or the sysfs name when the driver gave none. */
const char *mdev_type_name(const struct mdev_type *type);
struct mdev_parent *mdev_type_parent(const struct mdev_type *type);
unsigned mdev_type_instances(const struct mdev_type *type);
/* available_instances: the driver's answer if it has an available op, else
 * min over pools of free/cost, capped by max_instances, the parent counter
 * and the homogeneous policy. */
unsigned mdev_type_available(const struct mdev_type *type);
/* true if the parent's driver has its own attr_store op: it may accumulate
 * stores (vfio_ap's assign_adapter), so a journal keeps every one. */
bool mdev_type_driver_stores_attrs(const struct mdev_type *type);
/* Devices of the type; iteration ends with NULL. */
struct mdev_device *mdev_type_device_first(const struct mdev_type *type);
struct mdev_device *mdev_type_device_next(const struct mdev_device *mdev);

void mdev_device_uuid(const struct mdev_device *mdev, uuid_t out);
/* Lowercase 36-character form, the device's sysfs name. */
const char *mdev_device_name(const struct mdev_device *mdev);
struct mdev_type *mdev_device_type(const struct mdev_device *mdev);
struct mdev_parent *mdev_device_parent(const struct mdev_device *mdev);
unsigned mdev_device_iommu_group(const struct mdev_device *mdev);
void *mdev_device_driver_data(const struct mdev_device *mdev);
void mdev_device_set_driver_data(struct mdev_device *mdev, void *data);
/* Declared attributes of the device (the type's device_attrs). */
size_t mdev_device_attr_count(const struct mdev_device *mdev);
const struct mdev_attr_desc *
mdev_device_attr_desc(const struct mdev_device *mdev, size_t i);
/* Raw stored value (no trailing newline); NULL if not declared. */
const char *mdev_device_attr_get(const struct mdev_device *mdev,
				 const char *attr);
/* Replace a stored value (drivers, from attr_store). */
int mdev_device_attr_set(struct mdev_device *mdev, const char *attr,
			 const char *value, size_t len);

/* ------------------------------------------------------------------ core */

struct mdev_core *mdev_core_new(void);
/* Unregisters every parent and frees everything. No consumer is called (a
 * daemon shutting down must not journal removals; what notifications feed
 * may be gone); drivers' remove ops run. */
void mdev_core_free(struct mdev_core *core);
void mdev_core_lock(struct mdev_core *core);
/* The outermost unlock delivers the notifications of the changes made
 * under the lock (see consumers below). */
void mdev_core_unlock(struct mdev_core *core);

struct mdev_parent *mdev_parent_find(struct mdev_core *core, const char *name);
/* Parents in registration order; ends with NULL. */
struct mdev_parent *mdev_parent_first(struct mdev_core *core);
struct mdev_parent *mdev_parent_next(const struct mdev_parent *parent);

struct mdev_device *mdev_device_find(struct mdev_core *core, const uuid_t uuid);
struct mdev_device *mdev_device_find_name(struct mdev_core *core,
					  const char *name);
/* All devices; ends with NULL. */
struct mdev_device *mdev_device_first(struct mdev_core *core);
struct mdev_device *mdev_device_next(const struct mdev_device *mdev);
size_t mdev_device_count(struct mdev_core *core);

/* A write of buf/len to the type's `create` file: 36-byte UUID plus at most
 * one trailing byte (-EINVAL), unique (-EEXIST), capacity (-EUSERS core
 * counters, -ENOSPC pools), parent going away (-ENODEV). */
int mdev_type_create_write(struct mdev_type *type, const char *buf, size_t len);
/* Create with a given UUID; iommu_group 0 = allocate a fresh one (a journal
 * replay passes the recorded one). out may be NULL. */
int mdev_device_create(struct mdev_type *type, const uuid_t uuid,
		       unsigned iommu_group, struct mdev_device **out);
/* A write to the device's `remove` file: strtoul base 0; 0 is a no-op,
 * non-zero removes, unparsable -EINVAL. */
int mdev_device_remove_write(struct mdev_device *mdev, const char *buf,
			     size_t len);
int mdev_device_remove(struct mdev_device *mdev);
/* The parent-level mdev_destroy file of the seed: a UUID of one of this
 * parent's devices (same length rules as create). */
int mdev_parent_destroy_write(struct mdev_parent *parent, const char *buf,
			      size_t len);

/* Attribute files of a device: show fills buf (NUL-terminated) and returns
 * the length; store returns 0. -EACCES for a write to RO / read of WO,
 * -ENOENT for an undeclared name, -EINVAL for len > MDEV_ATTR_MAX - 1. */
int mdev_device_attr_show(struct mdev_device *mdev, const char *attr, char *buf,
			  size_t size);
int mdev_device_attr_store(struct mdev_device *mdev, const char *attr,
			   const char *buf, size_t len);

/* -------------------------------------------------------------- consumers */

/*
 * Consumers of lifecycle changes (the state journal, the sysfs server's
 * tree, udev events, a vfio-user server) attach themselves to a core; any
 * number of them, each with its own ops and opaque. Three kinds of calls:
 *
 * Commits, under the core lock, in attach order, just before a change
 * becomes visible. A negative return vetoes it: the consumers that already
 * accepted get the matching *_abort in reverse order, the core undoes the
 * change and the writer gets that errno. (During parent unregistration
 * removals are committed but vetoes are ignored: the hardware is gone.)
 * attr_store_abort also follows when the driver rejects a value every
 * consumer accepted.
 *
 * Mirrors (parent_added ... device_removed), under the core lock, in attach
 * order, in the same critical section as the change: for consumers that
 * keep an in-memory view of the core that must never disagree with it
 * (inode tables holding device pointers). A removed object is already
 * unlinked (lookups do not find it) and not yet freed. On attach, the new
 * consumer's parent_added/device_added are called for what exists.
 *
 * Commits, aborts and mirrors must not block or do I/O beyond what they
 * exist for (a journal append), and must not change the core: its mutators
 * return -EDEADLK when called from them.
 *
 * Notifications (notify), without the core lock, once the critical section
 * that made the change is left (the outermost mdev_core_unlock()), for
 * anything that does I/O (uevents, spawning commands, sockets). Every
 * consumer sees every change, in the order the changes were made on this
 * core, delivered by the thread that made it before its call returns. A
 * notify may call back into the core (it sees the state after the change,
 * or later); it must not wait for another thread's change to the same core,
 * whose notification waits for this one. The objects in an event stay
 * readable until notify returns, even if they are gone from the core.
 */

enum mdev_event_kind {
	MDEV_EVENT_PARENT_REGISTERED,
	MDEV_EVENT_PARENT_UNREGISTERED, /* after its devices' removals */
	MDEV_EVENT_DEVICE_CREATED,
	MDEV_EVENT_DEVICE_REMOVED,
	MDEV_EVENT_ATTR_CHANGED,
};

struct mdev_event {
	enum mdev_event_kind kind;
	struct mdev_parent *parent;
	struct mdev_device *device; /* NULL for parent events */
	const char *attr;	    /* MDEV_EVENT_ATTR_CHANGED: its name */
};

struct mdev_consumer_ops {
	const char *name; /* for messages */
	/* Optional: a consumer that restores the core's state (a journal)
	 * re-creates it here, under the core lock, before any of its other
	 * ops is installed, so what it replays is never recorded twice and
	 * nothing can change in between. Such a consumer is refused (-EBUSY)
	 * once the core has devices: they were made without it, so it could
	 * neither have recorded them nor replay on top of them. Parents must
	 * be registered first (records of absent ones are dropped). A
	 * negative return refuses the attach. */
	int (*replay)(void *opaque, struct mdev_core *core);

	int (*device_create_commit)(void *opaque, struct mdev_device *mdev);
	void (*device_create_abort)(void *opaque, struct mdev_device *mdev);
	int (*device_remove_commit)(void *opaque, struct mdev_device *mdev);
	void (*device_remove_abort)(void *opaque, struct mdev_device *mdev);
	int (*attr_store_commit)(void *opaque, struct mdev_device *mdev,
				 const char *attr, const char *buf, size_t len);
	void (*attr_store_abort)(void *opaque, struct mdev_device *mdev,
				 const char *attr);

	void (*parent_added)(void *opaque, struct mdev_parent *parent);
	/* After all its devices are removed. */
	void (*parent_removed)(void *opaque, struct mdev_parent *parent);
	void (*device_added)(void *opaque, struct mdev_device *mdev);
	void (*device_removed)(void *opaque, struct mdev_device *mdev);

	void (*notify)(void *opaque, const struct mdev_event *ev);
};

/* 0; -EINVAL (no ops), -EEXIST (this ops/opaque pair is attached), -EBUSY
 * (a replaying consumer and devices exist), -EDEADLK (called from a
 * consumer op), -ENOMEM, or replay's errno. ops must outlive the
 * attachment. */
int mdev_core_attach(struct mdev_core *core,
		     const struct mdev_consumer_ops *ops, void *opaque);
/* Once it returns, no op of the consumer runs any more (a notification in
 * flight on another thread is waited for). -ENOENT if not attached,
 * -EDEADLK from inside a consumer op or notification of this core. */
int mdev_core_detach(struct mdev_core *core,
		     const struct mdev_consumer_ops *ops, void *opaque);

/* ---------------------------------------------------- class schema, parsers */

/* Checks a type against its class's schema and value formats. 0 or
 * -EINVAL with a one-line message naming parent, type and attribute. */
int mdev_class_check(const char *parent, const struct mdev_type_desc *type,
		     char *err, size_t errlen);
/* true if name is a class the framework knows (gpu, nic, fpga, ...). */
bool mdev_class_known(const char *name);

/* Value parsers, strict: the whole string must match. */
/* "<n>{K,M,G}" → bytes. */
int mdev_parse_fb_length(const char *s, uint64_t *bytes);
/* "<H>x<V>", both positive. */
int mdev_parse_resolution(const char *s, unsigned *h, unsigned *v);
/* positive decimal integer. */
int mdev_parse_heads(const char *s, unsigned *heads);
/* Kernel create rule: len 36 or 37, first 36 bytes a UUID (either case). */
int mdev_parse_create_uuid(const char *buf, size_t len, uuid_t out);
/* Kernel remove rule: kstrtoul(buf, 0) after one optional trailing '\n'. */
int mdev_parse_remove_value(const char *buf, size_t len, unsigned long *val);

#ifdef __cplusplus
}
#endif

#endif /* LIBMDEV_H */
