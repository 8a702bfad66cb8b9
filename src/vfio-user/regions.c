// SPDX-License-Identifier: MIT
/*
 * The device's shape and its registers: DEVICE_GET_INFO,
 * DEVICE_GET_REGION_INFO, REGION_READ/WRITE and DEVICE_RESET, answered
 * from the model. QEMU refuses fewer than 9 regions (it asks for 0-5 and
 * 7) and dies on a config region of size 0, so all nine always exist,
 * empty ones with size 0 and the config region as the model gives it.
 */
#include <errno.h>
#include <string.h>

#include "vfu.h"

int vfu_handle_device_info(struct vfu_conn *c, const struct vfu_msg *m)
{
	struct vfu_device_info info;
	int ret = vfu_take_args(m, &info, sizeof(info));

	if (ret)
		return ret;
	info.argsz = sizeof(info);
	info.flags = VFU_DEVICE_FLAGS_PCI | VFU_DEVICE_FLAGS_RESET;
	info.num_regions = MDEV_MODEL_NUM_REGIONS;
	info.num_irqs = MDEV_MODEL_NUM_IRQS;
	return vfu_reply_put(&c->out, &info, sizeof(info));
}

int vfu_handle_region_info(struct vfu_conn *c, const struct vfu_msg *m)
{
	struct vfu_region_info info;
	struct mdev_model_region r;
	int ret = vfu_take_args(m, &info, sizeof(info));

	if (ret)
		return ret;
	if (info.index >= MDEV_MODEL_NUM_REGIONS)
		return -EINVAL;
	r.fd = -1;
	r.fd_offset = 0;
	c->dev->model->region_info(c->dev->state, info.index, &r);
	info.argsz = sizeof(info);
	info.flags = 0;
	if (r.flags & MDEV_MODEL_REGION_READ)
		info.flags |= VFU_REGION_READ;
	if (r.flags & MDEV_MODEL_REGION_WRITE)
		info.flags |= VFU_REGION_WRITE;
	info.cap_offset = 0;
	info.size = r.size;
	info.offset = 0;
	if ((r.flags & MDEV_MODEL_REGION_MMAP) && r.fd >= 0) {
		/* The fd travels with the reply (SCM_RIGHTS); offset is
		 * where the region starts in it. */
		info.flags |= VFU_REGION_MMAP;
		info.offset = r.fd_offset;
		c->out_fd = r.fd;
	}
	return vfu_reply_put(&c->out, &info, sizeof(info));
}

/* The region an access names, when [offset, offset + count) lies inside
 * it and it allows the access. */
static int region_check(struct vfu_device *dev,
			const struct vfu_region_access *a, uint32_t need)
{
	struct mdev_model_region r = {.fd = -1};

	if (a->region >= MDEV_MODEL_NUM_REGIONS || a->count == 0 ||
	    a->count > VFU_MAX_DATA)
		return -EINVAL;
	dev->model->region_info(dev->state, a->region, &r);
	if (!(r.flags & need))
		return -EINVAL;
	if (a->offset > r.size || a->count > r.size - a->offset)
		return -EINVAL;
	return 0;
}

int vfu_handle_region_read(struct vfu_conn *c, const struct vfu_msg *m)
{
	struct vfu_region_access a;
	int ret;

	if (m->len != sizeof(a))
		return -EINVAL;
	memcpy(&a, m->payload, sizeof(a));
	ret = region_check(c->dev, &a, MDEV_MODEL_REGION_READ);
	if (ret)
		return ret;
	if (c->out.cap - c->out.len < sizeof(a) + a.count)
		return -EMSGSIZE;
	uint8_t *data = c->out.buf + c->out.len + sizeof(a);
	ret = c->dev->model->region_access(c->dev->state, a.region, a.offset,
					   data, a.count, false);
	if (ret)
		return ret;
	memcpy(c->out.buf + c->out.len, &a, sizeof(a));
	c->out.len += sizeof(a) + a.count;
	return 0;
}

int vfu_handle_region_write(struct vfu_conn *c, const struct vfu_msg *m)
{
	struct vfu_region_access a;
	uint8_t data[64];
	int ret;

	if (m->len < sizeof(a))
		return -EINVAL;
	memcpy(&a, m->payload, sizeof(a));
	if (m->len - sizeof(a) != a.count)
		return -EINVAL;
	ret = region_check(c->dev, &a, MDEV_MODEL_REGION_WRITE);
	if (ret)
		return ret;
	/* The model may write its buffer (a config mask): give it a copy
	 * when small, the message's bytes are const. */
	if (a.count <= sizeof(data)) {
		memcpy(data, m->payload + sizeof(a), a.count);
		ret = c->dev->model->region_access(
		    c->dev->state, a.region, a.offset, data, a.count, true);
	} else {
		ret = c->dev->model->region_access(
		    c->dev->state, a.region, a.offset,
		    (void *)(m->payload + sizeof(a)), a.count, true);
	}
	if (ret)
		return ret;
	return vfu_reply_put(&c->out, &a, sizeof(a));
}

int vfu_handle_reset(struct vfu_conn *c, const struct vfu_msg *m)
{
	if (m->len != 0)
		return -EINVAL;
	c->dev->model->reset(c->dev->state);
	return 0;
}
