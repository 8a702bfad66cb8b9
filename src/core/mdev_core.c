// SPDX-License-Identifier: MIT
/*
 * The core object and the lifecycle: parent registration, device create and
 * remove with their exact errno order, and where consumers are called.
 *
 * Every rule runs under the core's one recursive mutex, so checks and the
 * reservations that follow them are atomic (concurrent creates never
 * over-commit). Consumers' commits and mirrors run inside (and may not
 * change the core: -EDEADLK); their notifications are queued and delivered
 * after the lock is left (mdev_notify.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_priv.h"

struct mdev_core *mdev_core_new(void)
{
	struct mdev_core *core = calloc(1, sizeof(*core));
	pthread_mutexattr_t attr;

	if (!core)
		return NULL;
	if (mdev_registry_init(&core->registry) < 0) {
		free(core);
		return NULL;
	}
	if (mdev_notify_init(core) < 0) {
		mdev_registry_destroy(&core->registry);
		free(core);
		return NULL;
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&core->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	mdev_list_init(&core->parents);
	mdev_list_init(&core->devices);
	core->next_iommu_group = 1;
	return core;
}

static void parent_destroy(struct mdev_parent *parent,
			   enum mdev_remove_mode mode);

/* No consumer is called here, not even notified: a daemon shutting down
 * must not journal removals (the devices come back on restart), and
 * whatever the notifications feed may already be gone. Drivers' remove ops
 * do run. Notifications still queued are dropped first (they may retire
 * devices of parents freed below). */
void mdev_core_free(struct mdev_core *core)
{
	if (!core)
		return;
	mdev_core_lock(core);
	mdev_consumer_set_put(core->consumers);
	core->consumers = NULL;
	mdev_event_discard(core);
	while (!mdev_list_empty(&core->parents))
		parent_destroy(
		    container_of(core->parents.next, struct mdev_parent, node),
		    MDEV_REMOVE_SILENT);
	mdev_core_unlock(core);
	mdev_registry_destroy(&core->registry);
	mdev_notify_destroy(core);
	pthread_mutex_destroy(&core->lock);
	free(core);
}

/* ---------------------------------------------------------------- parents */

static bool group_is_a_parents(struct mdev_core *core, unsigned group)
{
	for (struct mdev_list *n = core->parents.next; n != &core->parents;
	     n = n->next)
		if (container_of(n, struct mdev_parent, node)->iommu_group ==
		    group)
			return true;
	return false;
}

static bool group_is_a_devices(struct mdev_core *core, unsigned group)
{
	for (struct mdev_list *n = core->devices.next; n != &core->devices;
	     n = n->next)
		if (container_of(n, struct mdev_device, core_node)
			->iommu_group == group)
			return true;
	return false;
}

/* A parent's group is its own: no device may share it, and fresh device
 * groups are allocated above it. */
static int claim_parent_group(struct mdev_core *core,
			      const struct mdev_parent *parent, char *err,
			      size_t errlen)
{
	unsigned g = parent->iommu_group;

	if (g && group_is_a_devices(core, g)) {
		if (err && errlen)
			snprintf(err, errlen,
				 "parent %s: iommu_group %u is a device's",
				 parent->name, g);
		return -EBUSY;
	}
	if (g > core->max_parent_group)
		core->max_parent_group = g;
	if (g >= core->next_iommu_group)
		core->next_iommu_group = g + 1 ? g + 1 : 1;
	return 0;
}

static struct mdev_parent *parent_find_locked(struct mdev_core *core,
					      const char *name)
{
	struct mdev_list *n;

	if (!name)
		return NULL;
	for (n = core->parents.next; n != &core->parents; n = n->next) {
		struct mdev_parent *p =
		    container_of(n, struct mdev_parent, node);

		if (strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

int mdev_parent_register(struct mdev_core *core,
			 const struct mdev_parent_desc *desc,
			 struct mdev_parent **out, char *err, size_t errlen)
{
	struct mdev_parent *parent;
	struct mdev_event_node *ev;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	ret = mdev_parent_build(desc, &parent, err, errlen);
	if (ret < 0)
		return ret;
	ev = mdev_event_new(MDEV_EVENT_PARENT_REGISTERED, parent, NULL, NULL);
	if (!ev) {
		mdev_parent_free(parent);
		return -ENOMEM;
	}
	mdev_core_lock(core);
	ret = core->in_consumer ? -EDEADLK : 0;
	if (ret == 0 && parent_find_locked(core, parent->name)) {
		if (err && errlen)
			snprintf(err, errlen, "parent %s: already registered",
				 parent->name);
		ret = -EEXIST;
	}
	if (ret == 0)
		ret = claim_parent_group(core, parent, err, errlen);
	if (ret < 0) {
		mdev_core_unlock(core);
		mdev_parent_free(parent);
		free(ev);
		return ret;
	}
	parent->core = core;
	for (size_t i = 0; i < parent->n_types; i++)
		parent->types[i].parent = parent;
	mdev_list_add_tail(&core->parents, &parent->node);
	mdev_consumers_parent_added(core, parent);
	mdev_event_queue(core, ev);
	if (out)
		*out = parent;
	mdev_core_unlock(core);
	return 0;
}

/* Caller holds the lock. Unless silent, the parent is freed once its
 * event is delivered. */
static void parent_destroy(struct mdev_parent *parent,
			   enum mdev_remove_mode mode)
{
	struct mdev_core *core = parent->core;

	parent->going_away = true;
	while (!mdev_list_empty(&parent->devices))
		mdev_device_remove_locked(container_of(parent->devices.next,
						       struct mdev_device,
						       parent_node),
					  mode);
	if (mode != MDEV_REMOVE_SILENT)
		mdev_consumers_parent_removed(core, parent);
	mdev_list_del(&parent->node);
	if (mode == MDEV_REMOVE_SILENT) {
		mdev_parent_free(parent);
		return;
	}
	parent->unregistered.embedded = true;
	parent->unregistered.ev = (struct mdev_event){
	    MDEV_EVENT_PARENT_UNREGISTERED, parent, NULL, NULL};
	mdev_event_queue(core, &parent->unregistered);
}

int mdev_parent_unregister(struct mdev_core *core, const char *name)
{
	struct mdev_parent *parent;
	int ret = 0;

	mdev_core_lock(core);
	parent = parent_find_locked(core, name);
	/* A consumer calling back while the parent is going away finds it
	 * gone. */
	if (core->in_consumer)
		ret = -EDEADLK;
	else if (!parent || parent->going_away)
		ret = -ENODEV;
	else
		parent_destroy(parent, MDEV_REMOVE_FORCE);
	mdev_core_unlock(core);
	return ret;
}

struct mdev_parent *mdev_parent_find(struct mdev_core *core, const char *name)
{
	struct mdev_parent *p;

	mdev_core_lock(core);
	p = parent_find_locked(core, name);
	mdev_core_unlock(core);
	return p;
}

struct mdev_parent *mdev_parent_first(struct mdev_core *core)
{
	struct mdev_parent *p;

	mdev_core_lock(core);
	p = mdev_list_next_entry(&core->parents, &core->parents,
				 struct mdev_parent, node);
	mdev_core_unlock(core);
	return p;
}

struct mdev_parent *mdev_parent_next(const struct mdev_parent *parent)
{
	struct mdev_core *core = parent->core;
	struct mdev_parent *p = NULL;

	mdev_core_lock(core);
	/* An unregistered parent (readable until its event is delivered)
	 * is in no list any more. */
	if (!mdev_parent_is_unregistered(parent))
		p = mdev_list_next_entry(&core->parents, &parent->node,
					 struct mdev_parent, node);
	mdev_core_unlock(core);
	return p;
}

/* ---------------------------------------------------------------- devices */

struct mdev_device *mdev_device_find(struct mdev_core *core, const uuid_t uuid)
{
	struct mdev_device *d;

	mdev_core_lock(core);
	d = mdev_registry_find(&core->registry, uuid);
	mdev_core_unlock(core);
	return d;
}

/* Only the exact sysfs name (lowercase) finds a device. */
struct mdev_device *mdev_device_find_name(struct mdev_core *core,
					  const char *name)
{
	struct mdev_device *d;
	uuid_t uuid;

	if (!name || strnlen(name, 37) != 36 ||
	    mdev_parse_create_uuid(name, 36, uuid) < 0)
		return NULL;
	d = mdev_device_find(core, uuid);
	if (d && strcmp(d->name, name) != 0)
		return NULL;
	return d;
}

struct mdev_device *mdev_device_first(struct mdev_core *core)
{
	struct mdev_device *d;

	mdev_core_lock(core);
	d = mdev_list_next_entry(&core->devices, &core->devices,
				 struct mdev_device, core_node);
	mdev_core_unlock(core);
	return d;
}

struct mdev_device *mdev_device_next(const struct mdev_device *mdev)
{
	struct mdev_core *core = mdev->type->parent->core;
	struct mdev_device *d = NULL;

	mdev_core_lock(core);
	if (!mdev_device_is_removed(mdev))
		d = mdev_list_next_entry(&core->devices, &mdev->core_node,
					 struct mdev_device, core_node);
	mdev_core_unlock(core);
	return d;
}

size_t mdev_device_count(struct mdev_core *core)
{
	size_t n;

	mdev_core_lock(core);
	n = core->registry.table.count;
	mdev_core_unlock(core);
	return n;
}

static struct mdev_device *device_alloc(struct mdev_type *type,
					const uuid_t uuid)
{
	size_t n = type->desc.n_device_attrs;
	struct mdev_device *d =
	    calloc(1, sizeof(*d) + n * sizeof(d->attr_values[0]));

	if (!d)
		return NULL;
	d->type = type;
	uuid_copy(d->uuid, uuid);
	uuid_unparse_lower(uuid, d->name);
	for (size_t i = 0; i < n; i++)
		d->attr_values[i] =
		    (char *)type->desc.device_attrs[i].default_value;
	mdev_list_init(&d->core_node);
	mdev_list_init(&d->parent_node);
	mdev_list_init(&d->type_node);
	return d;
}

/* Makes the device count: lists, hash, counters, pools. */
static void device_link(struct mdev_core *core, struct mdev_device *d)
{
	struct mdev_type *type = d->type;
	struct mdev_parent *parent = type->parent;

	mdev_type_reserve(type);
	type->instances++;
	parent->n_devices++;
	mdev_list_add_tail(&core->devices, &d->core_node);
	mdev_list_add_tail(&parent->devices, &d->parent_node);
	mdev_list_add_tail(&type->devices, &d->type_node);
	mdev_registry_insert(&core->registry, d);
}

static void device_unlink(struct mdev_core *core, struct mdev_device *d)
{
	struct mdev_type *type = d->type;

	mdev_registry_remove(&core->registry, d);
	mdev_list_del(&d->type_node);
	mdev_list_del(&d->parent_node);
	mdev_list_del(&d->core_node);
	type->parent->n_devices--;
	type->instances--;
	mdev_type_release(type);
}

void mdev_device_free(struct mdev_device *d)
{
	mdev_device_free_attrs(d);
	free(d);
}

static int device_create_locked(struct mdev_type *type, const uuid_t uuid,
				unsigned iommu_group,
				struct mdev_event_node *ev,
				struct mdev_device **out)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_core *core = parent->core;
	const struct mdev_driver_ops *ops = parent->ops;
	struct mdev_device *d;
	int ret;

	if (core->in_consumer)
		return -EDEADLK;
	if (parent->going_away)
		return -ENODEV;
	if (mdev_registry_find(&core->registry, uuid))
		return -EEXIST;
	ret = mdev_type_check_capacity(type);
	if (ret < 0)
		return ret;
	d = device_alloc(type, uuid);
	if (!d)
		return -ENOMEM;
	/* A journal written with another hardware file may name a group a
	 * parent now has: the device gets a fresh one instead. */
	if (iommu_group == 0 || (iommu_group <= core->max_parent_group &&
				 group_is_a_parents(core, iommu_group)))
		iommu_group = core->next_iommu_group;
	d->iommu_group = iommu_group;
	if (iommu_group >= core->next_iommu_group)
		core->next_iommu_group = iommu_group + 1;
	if (core->next_iommu_group == 0) /* wrapped after 2^32 creates */
		core->next_iommu_group =
		    core->max_parent_group + 1 ? core->max_parent_group + 1 : 1;
	device_link(core, d);
	if (ops && ops->create) {
		ret = ops->create(d);
		if (ret < 0)
			goto undo_link;
	}
	ret = mdev_consumers_create_commit(core, d);
	if (ret < 0)
		goto undo_driver;
	mdev_consumers_device_added(core, d);
	ev->ev.device = d;
	mdev_event_queue(core, ev);
	if (out)
		*out = d;
	return 0;

undo_driver:
	if (ops && ops->remove)
		ops->remove(d);
undo_link:
	device_unlink(core, d);
	mdev_device_free(d);
	return ret;
}

int mdev_device_create(struct mdev_type *type, const uuid_t uuid,
		       unsigned iommu_group, struct mdev_device **out)
{
	struct mdev_event_node *ev;
	struct mdev_core *core;
	int ret;

	if (!type || !uuid)
		return -EINVAL;
	/* Allocated first: once the change is made, announcing it cannot
	 * fail. */
	ev =
	    mdev_event_new(MDEV_EVENT_DEVICE_CREATED, type->parent, NULL, NULL);
	if (!ev)
		return -ENOMEM;
	core = type->parent->core;
	mdev_core_lock(core);
	ret = device_create_locked(type, uuid, iommu_group, ev, out);
	mdev_core_unlock(core);
	if (ret < 0)
		free(ev);
	return ret;
}

int mdev_type_create_write(struct mdev_type *type, const char *buf, size_t len)
{
	uuid_t uuid;
	int ret;

	ret = mdev_parse_create_uuid(buf, len, uuid);
	if (ret < 0)
		return ret;
	return mdev_device_create(type, uuid, 0, NULL);
}

/* Caller holds the lock. Unless silent, the device is freed once its
 * event is delivered. */
int mdev_device_remove_locked(struct mdev_device *d, enum mdev_remove_mode mode)
{
	struct mdev_type *type = d->type;
	struct mdev_core *core = type->parent->core;
	const struct mdev_driver_ops *ops = type->parent->ops;
	int ret;

	if (mode == MDEV_REMOVE_NORMAL && core->in_consumer)
		return -EDEADLK;
	/* Removed already, readable until its event is delivered. */
	if (mdev_device_is_removed(d))
		return -ENODEV;
	if (mode != MDEV_REMOVE_SILENT) {
		/* Unregistration removes anyway: the hardware is gone. */
		ret = mdev_consumers_remove_commit(core, d,
						   mode == MDEV_REMOVE_FORCE);
		if (ret < 0)
			return ret;
	}
	if (ops && ops->remove)
		ops->remove(d);
	device_unlink(core, d);
	if (mode == MDEV_REMOVE_SILENT) {
		mdev_device_free(d);
		return 0;
	}
	mdev_consumers_device_removed(core, d);
	d->removed.embedded = true;
	d->removed.ev = (struct mdev_event){MDEV_EVENT_DEVICE_REMOVED,
					    type->parent, d, NULL};
	mdev_event_queue(core, &d->removed);
	return 0;
}

int mdev_device_remove(struct mdev_device *mdev)
{
	struct mdev_core *core;
	int ret;

	if (!mdev)
		return -ENODEV;
	core = mdev->type->parent->core;
	mdev_core_lock(core);
	ret = mdev_device_remove_locked(mdev, MDEV_REMOVE_NORMAL);
	mdev_core_unlock(core);
	return ret;
}

/* The kernel's remove_store: any parse failure (overflow too) is EINVAL. */
int mdev_device_remove_write(struct mdev_device *mdev, const char *buf,
			     size_t len)
{
	unsigned long val;

	if (mdev_parse_remove_value(buf, len, &val) < 0)
		return -EINVAL;
	if (val == 0)
		return 0;
	return mdev_device_remove(mdev);
}

int mdev_parent_destroy_write(struct mdev_parent *parent, const char *buf,
			      size_t len)
{
	struct mdev_core *core = parent->core;
	struct mdev_device *d;
	uuid_t uuid;
	int ret;

	ret = mdev_parse_create_uuid(buf, len, uuid);
	if (ret < 0)
		return ret;
	mdev_core_lock(core);
	d = mdev_registry_find(&core->registry, uuid);
	if (!d || d->type->parent != parent)
		ret = -ENODEV;
	else
		ret = mdev_device_remove_locked(d, MDEV_REMOVE_NORMAL);
	mdev_core_unlock(core);
	return ret;
}
