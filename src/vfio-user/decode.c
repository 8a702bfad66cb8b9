// SPDX-License-Identifier: MIT
/*
 * Header checks and the command table. A handler sees a framed message
 * and builds its reply payload; everything a peer controls (sizes, argsz,
 * indexes, fd counts) is checked before use, and a bad value is an error
 * reply with an errno, never a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "vfu.h"

int vfu_hdr_check(const struct vfu_hdr *h)
{
	if (h->msg_size < sizeof(*h))
		return -EPROTO;
	if (h->msg_size > VFU_MSG_MAX)
		return -EMSGSIZE;
	return 0;
}

int vfu_take_args(const struct vfu_msg *m, void *out, size_t size)
{
	uint32_t argsz;

	if (m->len < size)
		return -EINVAL;
	memcpy(out, m->payload, size);
	memcpy(&argsz, m->payload, sizeof(argsz));
	if (argsz < size || argsz > m->len)
		return -EINVAL;
	return 0;
}

int vfu_reply_put(struct vfu_reply *r, const void *data, size_t len)
{
	if (len > r->cap - r->len)
		return -EMSGSIZE;
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	return 0;
}

/* Our capabilities. QEMU warns about keys it does not know and refuses a
 * reply whose JSON does not end in NUL or whose minor is not 0. */
static const char vfu_caps[] =
    "{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":65536,"
    "\"pgsizes\":4096,\"max_dma_maps\":4096}}";

static int handle_version(struct vfu_conn *c, const struct vfu_msg *m)
{
	struct vfu_version v;

	if (m->len < sizeof(v))
		return -EINVAL;
	memcpy(&v, m->payload, sizeof(v));
	/* The client's JSON, if any, must be a terminated string. */
	if (m->len > sizeof(v) && m->payload[m->len - 1] != '\0')
		return -EINVAL;
	if (v.major != 0)
		return -ENOTSUP;
	v.minor = 0;
	int ret = vfu_reply_put(&c->out, &v, sizeof(v));
	if (!ret)
		ret = vfu_reply_put(&c->out, vfu_caps, sizeof(vfu_caps));
	if (!ret)
		c->versioned = true;
	return ret;
}

typedef int (*vfu_handler)(struct vfu_conn *c, const struct vfu_msg *m);

static const vfu_handler vfu_handlers[] = {
    [VFU_CMD_VERSION] = handle_version,
    [VFU_CMD_DMA_MAP] = vfu_handle_dma_map,
    [VFU_CMD_DMA_UNMAP] = vfu_handle_dma_unmap,
    [VFU_CMD_DEVICE_GET_INFO] = vfu_handle_device_info,
    [VFU_CMD_DEVICE_GET_REGION_INFO] = vfu_handle_region_info,
    [VFU_CMD_DEVICE_GET_IRQ_INFO] = vfu_handle_irq_info,
    [VFU_CMD_DEVICE_SET_IRQS] = vfu_handle_set_irqs,
    [VFU_CMD_REGION_READ] = vfu_handle_region_read,
    [VFU_CMD_REGION_WRITE] = vfu_handle_region_write,
    [VFU_CMD_DEVICE_RESET] = vfu_handle_reset,
};

int vfu_dispatch(struct vfu_conn *c, const struct vfu_msg *m)
{
	uint16_t cmd = m->hdr->command;

	if (c->refusing)
		return -EBUSY;
	if ((m->hdr->flags & VFU_FLAGS_TYPE_MASK) != VFU_FLAGS_COMMAND)
		return -EINVAL;
	if (cmd >= ARRAY_SIZE(vfu_handlers) || !vfu_handlers[cmd])
		return -ENOTSUP;
	/* Nothing before the versions are agreed. */
	if (!c->versioned && cmd != VFU_CMD_VERSION)
		return -EINVAL;
	if (c->versioned && cmd == VFU_CMD_VERSION)
		return -EINVAL;
	return vfu_handlers[cmd](c, m);
}
