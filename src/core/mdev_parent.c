// SPDX-License-Identifier: MIT
/* Read-only views of a registered parent, for drivers and the sysfs server. */
#include <errno.h>
#include <string.h>

#include "core_priv.h"

const char *mdev_parent_name(const struct mdev_parent *parent)
{
	return parent->name;
}

const char *mdev_parent_devpath(const struct mdev_parent *parent)
{
	return parent->devpath;
}

const char *mdev_parent_driver_name(const struct mdev_parent *parent)
{
	return parent->driver_name;
}

const char *mdev_parent_bus(const struct mdev_parent *parent)
{
	return parent->bus;
}

unsigned mdev_parent_iommu_group(const struct mdev_parent *parent)
{
	return parent->iommu_group;
}

size_t mdev_parent_bus_attr_count(const struct mdev_parent *parent)
{
	return parent->n_bus_attrs;
}

const struct mdev_kv *mdev_parent_bus_attr(const struct mdev_parent *parent,
					   size_t i)
{
	return i < parent->n_bus_attrs ? &parent->bus_attrs[i] : NULL;
}

bool mdev_parent_going_away(const struct mdev_parent *parent)
{
	return parent->going_away;
}

enum mdev_policy mdev_parent_policy(const struct mdev_parent *parent)
{
	return parent->policy;
}

void *mdev_parent_driver_data(const struct mdev_parent *parent)
{
	return parent->driver_data;
}

int mdev_parent_pool(const struct mdev_parent *parent, const char *pool,
		     unsigned long *free_amount, unsigned long *total)
{
	int ret = -ENOENT;

	if (!pool)
		return -ENOENT;
	mdev_core_lock(parent->core);
	for (size_t i = 0; i < parent->n_pools; i++) {
		const struct mdev_pool *p = &parent->pools[i];

		if (strcmp(p->name, pool) != 0)
			continue;
		if (free_amount)
			*free_amount =
			    p->total > p->used ? p->total - p->used : 0;
		if (total)
			*total = p->total;
		ret = 0;
		break;
	}
	mdev_core_unlock(parent->core);
	return ret;
}

size_t mdev_parent_type_count(const struct mdev_parent *parent)
{
	return parent->n_types;
}

struct mdev_type *mdev_parent_type(const struct mdev_parent *parent, size_t i)
{
	return i < parent->n_types ? &parent->types[i] : NULL;
}

struct mdev_type *mdev_parent_type_find(const struct mdev_parent *parent,
					const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < parent->n_types; i++)
		if (strcmp(parent->types[i].desc.id, id) == 0)
			return &parent->types[i];
	return NULL;
}

struct mdev_device *mdev_parent_device_first(const struct mdev_parent *parent)
{
	struct mdev_device *d;

	mdev_core_lock(parent->core);
	d = mdev_list_next_entry(&parent->devices, &parent->devices,
				 struct mdev_device, parent_node);
	mdev_core_unlock(parent->core);
	return d;
}

struct mdev_device *mdev_parent_device_next(const struct mdev_device *mdev)
{
	const struct mdev_parent *parent = mdev->type->parent;
	struct mdev_device *d = NULL;

	mdev_core_lock(parent->core);
	if (!mdev_device_is_removed(mdev))
		d = mdev_list_next_entry(&parent->devices, &mdev->parent_node,
					 struct mdev_device, parent_node);
	mdev_core_unlock(parent->core);
	return d;
}
