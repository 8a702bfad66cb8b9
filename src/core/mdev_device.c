// SPDX-License-Identifier: MIT
/*
 * A device's identity and its attribute files: show/store with sysfs modes,
 * the consumers' commits before a store takes effect (aborted if the driver
 * rejects it), the notification after.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_priv.h"

static struct mdev_core *device_core(const struct mdev_device *mdev)
{
	return mdev->type->parent->core;
}

void mdev_device_uuid(const struct mdev_device *mdev, uuid_t out)
{
	uuid_copy(out, mdev->uuid);
}

const char *mdev_device_name(const struct mdev_device *mdev)
{
	return mdev->name;
}

struct mdev_type *mdev_device_type(const struct mdev_device *mdev)
{
	return mdev->type;
}

struct mdev_parent *mdev_device_parent(const struct mdev_device *mdev)
{
	return mdev->type->parent;
}

unsigned mdev_device_iommu_group(const struct mdev_device *mdev)
{
	return mdev->iommu_group;
}

void *mdev_device_driver_data(const struct mdev_device *mdev)
{
	return mdev->driver_data;
}

void mdev_device_set_driver_data(struct mdev_device *mdev, void *data)
{
	mdev->driver_data = data;
}

size_t mdev_device_attr_count(const struct mdev_device *mdev)
{
	return mdev->type->desc.n_device_attrs;
}

const struct mdev_attr_desc *
mdev_device_attr_desc(const struct mdev_device *mdev, size_t i)
{
	if (i >= mdev->type->desc.n_device_attrs)
		return NULL;
	return &mdev->type->desc.device_attrs[i];
}

static bool value_is_default(const struct mdev_device *mdev, size_t i)
{
	return mdev->attr_values[i] ==
	       mdev->type->desc.device_attrs[i].default_value;
}

void mdev_device_free_attrs(struct mdev_device *mdev)
{
	for (size_t i = 0; i < mdev->type->desc.n_device_attrs; i++) {
		if (!value_is_default(mdev, i))
			free(mdev->attr_values[i]);
		mdev->attr_values[i] = NULL;
	}
}

const char *mdev_device_attr_get(const struct mdev_device *mdev,
				 const char *attr)
{
	ssize_t i = mdev_type_attr_index(mdev->type, attr);
	const char *v;

	if (i < 0)
		return NULL;
	mdev_core_lock(device_core(mdev));
	v = mdev->attr_values[i];
	mdev_core_unlock(device_core(mdev));
	return v;
}

/* Values are C strings: an embedded NUL is refused rather than cut. */
int mdev_device_attr_set(struct mdev_device *mdev, const char *attr,
			 const char *value, size_t len)
{
	ssize_t i = mdev_type_attr_index(mdev->type, attr);
	char *copy;

	if (i < 0)
		return -ENOENT;
	if (len > MDEV_ATTR_MAX - 1 || (len && !value) ||
	    (len && memchr(value, '\0', len)))
		return -EINVAL;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, value, len);
	copy[len] = '\0';
	mdev_core_lock(device_core(mdev));
	if (!value_is_default(mdev, (size_t)i))
		free(mdev->attr_values[i]);
	mdev->attr_values[i] = copy;
	mdev_core_unlock(device_core(mdev));
	return 0;
}

int mdev_device_attr_show(struct mdev_device *mdev, const char *attr, char *buf,
			  size_t size)
{
	struct mdev_core *core = device_core(mdev);
	const struct mdev_driver_ops *ops = mdev->type->parent->ops;
	ssize_t i = mdev_type_attr_index(mdev->type, attr);
	int ret;

	if (i < 0)
		return -ENOENT;
	if (mdev->type->desc.device_attrs[i].mode == MDEV_ATTR_WO)
		return -EACCES;
	if (!buf || size == 0)
		return -EINVAL;
	mdev_core_lock(core);
	if (ops && ops->attr_show) {
		ret = ops->attr_show(mdev, attr, buf, size);
		if (ret >= 0 && (size_t)ret >= size)
			ret = (int)size - 1;
		if (ret >= 0)
			buf[ret] = '\0';
	} else {
		ret = snprintf(buf, size, "%s\n", mdev->attr_values[i]);
		if (ret >= 0 && (size_t)ret >= size)
			ret = (int)size - 1;
	}
	mdev_core_unlock(core);
	return ret;
}

int mdev_device_attr_store(struct mdev_device *mdev, const char *attr,
			   const char *buf, size_t len)
{
	struct mdev_core *core = device_core(mdev);
	const struct mdev_driver_ops *ops = mdev->type->parent->ops;
	ssize_t i = mdev_type_attr_index(mdev->type, attr);
	struct mdev_event_node *ev;
	size_t vlen = len;
	int ret = 0;

	if (i < 0)
		return -ENOENT;
	if (mdev->type->desc.device_attrs[i].mode == MDEV_ATTR_RO)
		return -EACCES;
	if (len > MDEV_ATTR_MAX - 1 || (len && !buf))
		return -EINVAL;
	if (vlen && buf[vlen - 1] == '\n')
		vlen--;
	/* Refuse what the default store would refuse before it is journaled. */
	if (!(ops && ops->attr_store) && vlen && memchr(buf, '\0', vlen))
		return -EINVAL;
	/* The name as the type holds it: it outlives the caller's buffer
	 * until the event is delivered. */
	attr = mdev->type->desc.device_attrs[i].name;
	ev = mdev_event_new(MDEV_EVENT_ATTR_CHANGED, mdev->type->parent, mdev,
			    attr);
	if (!ev)
		return -ENOMEM;
	mdev_core_lock(core);
	if (core->in_consumer)
		ret = -EDEADLK;
	else if (mdev_device_is_removed(mdev))
		ret = -ENODEV;
	else
		ret = mdev_consumers_attr_commit(core, mdev, attr, buf, len);
	if (ret < 0)
		goto out;
	if (ops && ops->attr_store)
		ret = ops->attr_store(mdev, attr, buf, len);
	else
		ret = mdev_device_attr_set(mdev, attr, buf, vlen);
	if (ret < 0) {
		/* What was committed did not happen. */
		mdev_consumers_attr_abort(core, mdev, attr);
		goto out;
	}
	ret = 0;
	mdev_event_queue(core, ev);
	ev = NULL;
out:
	mdev_core_unlock(core);
	free(ev);
	return ret;
}
