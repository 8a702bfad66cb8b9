// SPDX-License-Identifier: MIT
/*
 * Types and their accounting: pools, the per-type and per-parent counters
 * and the parent's sharing policy decide available_instances and whether a
 * create may proceed.
 */
#include <errno.h>
#include <string.h>

#include "core_priv.h"

static void lock_type(const struct mdev_type *type)
{
	mdev_core_lock(type->parent->core);
}

static void unlock_type(const struct mdev_type *type)
{
	mdev_core_unlock(type->parent->core);
}

const struct mdev_type_desc *mdev_type_desc(const struct mdev_type *type)
{
	return &type->desc;
}

const char *mdev_type_id(const struct mdev_type *type)
{
	return type->desc.id;
}

const char *mdev_type_name(const struct mdev_type *type)
{
	return type->pretty_name;
}

struct mdev_parent *mdev_type_parent(const struct mdev_type *type)
{
	return type->parent;
}

unsigned mdev_type_instances(const struct mdev_type *type)
{
	unsigned n;

	lock_type(type);
	n = type->instances;
	unlock_type(type);
	return n;
}

struct mdev_device *mdev_type_device_first(const struct mdev_type *type)
{
	struct mdev_device *d;

	lock_type(type);
	d = mdev_list_next_entry(&type->devices, &type->devices,
				 struct mdev_device, type_node);
	unlock_type(type);
	return d;
}

struct mdev_device *mdev_type_device_next(const struct mdev_device *mdev)
{
	const struct mdev_type *type = mdev->type;
	struct mdev_device *d = NULL;

	lock_type(type);
	if (!mdev_device_is_removed(mdev))
		d = mdev_list_next_entry(&type->devices, &mdev->type_node,
					 struct mdev_device, type_node);
	unlock_type(type);
	return d;
}

static unsigned min_u(unsigned a, unsigned long b)
{
	return b < a ? (unsigned)b : a;
}

/* The framework's own counters: max_instances, the parent's max_devices
 * and the homogeneous policy. Returns how many more they allow. */
static unsigned counter_room(const struct mdev_type *type)
{
	const struct mdev_parent *p = type->parent;
	unsigned room = MDEV_AVAILABLE_UNLIMITED;

	if (p->going_away)
		return 0;
	if (p->policy == MDEV_POLICY_HOMOGENEOUS &&
	    p->n_devices > type->instances)
		return 0;
	if (type->desc.max_instances)
		room =
		    min_u(room, type->desc.max_instances > type->instances
				    ? type->desc.max_instances - type->instances
				    : 0);
	if (p->max_devices)
		room = min_u(room, p->max_devices > p->n_devices
				       ? p->max_devices - p->n_devices
				       : 0);
	return room;
}

/* min over the type's costs of free / cost. */
static unsigned pool_room(const struct mdev_type *type)
{
	const struct mdev_parent *p = type->parent;
	unsigned room = MDEV_AVAILABLE_UNLIMITED;

	for (size_t i = 0; i < type->desc.n_costs; i++) {
		const struct mdev_pool *pool = &p->pools[type->cost_pool[i]];
		unsigned long free_amount =
		    pool->total > pool->used ? pool->total - pool->used : 0;

		room = min_u(room, free_amount / type->desc.costs[i].amount);
	}
	return room;
}

/* The driver's own answer, or -errno. */
static int driver_room(const struct mdev_type *type, unsigned *room)
{
	const struct mdev_driver_ops *ops = type->parent->ops;
	int ret;

	*room = MDEV_AVAILABLE_UNLIMITED;
	if (!ops || !ops->available)
		return 0;
	ret = ops->available(type, room);
	if (ret < 0)
		return ret;
	*room = min_u(*room, MDEV_AVAILABLE_UNLIMITED);
	return 1;
}

unsigned mdev_type_available(const struct mdev_type *type)
{
	unsigned room, driver;
	int ret;

	lock_type(type);
	room = counter_room(type);
	if (room) {
		ret = driver_room(type, &driver);
		if (ret > 0)
			room = min_u(room, driver);
		else if (ret < 0)
			room = 0;
		else
			room = min_u(room, pool_room(type));
	}
	unlock_type(type);
	return room;
}

/* Caller holds the lock. -ENODEV, -EUSERS (framework counters) or -ENOSPC
 * (pools, or the driver's available op saying none). */
int mdev_type_check_capacity(struct mdev_type *type)
{
	unsigned driver;
	int ret;

	if (type->parent->going_away)
		return -ENODEV;
	if (counter_room(type) == 0)
		return -EUSERS;
	ret = driver_room(type, &driver);
	if (ret < 0)
		return ret;
	if (ret > 0)
		return driver ? 0 : -ENOSPC;
	if (pool_room(type) == 0)
		return -ENOSPC;
	return 0;
}

/* Caller holds the lock and has checked capacity. */
void mdev_type_reserve(struct mdev_type *type)
{
	struct mdev_parent *p = type->parent;

	for (size_t i = 0; i < type->desc.n_costs; i++)
		p->pools[type->cost_pool[i]].used += type->desc.costs[i].amount;
}

void mdev_type_release(struct mdev_type *type)
{
	struct mdev_parent *p = type->parent;

	for (size_t i = 0; i < type->desc.n_costs; i++)
		p->pools[type->cost_pool[i]].used -= type->desc.costs[i].amount;
}

ssize_t mdev_type_attr_index(const struct mdev_type *type, const char *attr)
{
	if (!attr)
		return -1;
	for (size_t i = 0; i < type->desc.n_device_attrs; i++)
		if (strcmp(type->desc.device_attrs[i].name, attr) == 0)
			return (ssize_t)i;
	return -1;
}

bool mdev_type_driver_stores_attrs(const struct mdev_type *type)
{
	return type->parent->ops && type->parent->ops->attr_store;
}
