// SPDX-License-Identifier: MIT
/*
 * Interrupts: GET_IRQ_INFO, SET_IRQS, the model's line and REQ.
 *
 * The line goes out as INTx or as MSI vector 0, whichever the client
 * enabled; the two exclude each other (enabling one while the other is on
 * is EINVAL), as in vfio-pci and the kernel's mtty sample. INTx is level
 * triggered and automasked, as vfio-pci does it: a rising line (or a line
 * still high at unmask) writes the client's trigger eventfd once and masks;
 * the client unmasks with SET_IRQS UNMASK (QEMU under TCG) or through a
 * resample eventfd (SET_IRQS UNMASK with DATA_EVENTFD: QEMU under KVM).
 * MSI is an edge: one eventfd write per rising line, no masking (MASK and
 * UNMASK are ENOTTY, as in the sample).
 *
 * REQ (index 4, count 1) is the server's, not the model's, as vfio-pci's
 * is: an eventfd the server writes when the device must be released
 * (release.c); TRIGGER only, as vfio_pci_set_req_trigger.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vfu.h"

/* One eventfd write; a write fails only when the counter would overflow
 * (the client has not read for 2^64 events): nothing is lost. */
static void signal_fd(int fd)
{
	uint64_t one = 1;

	(void)!write(fd, &one, sizeof(one));
}

static void intx_fire(struct vfu_device *dev)
{
	struct vfu_intx *x = &dev->intx;
	if (x->trigger_fd < 0 || x->masked)
		return;
	signal_fd(x->trigger_fd);
	x->masked = true;
	x->raised++;
}

void vfu_intx_set_level(struct vfu_device *dev, bool level)
{
	bool rising = level && !dev->intx.level;

	dev->intx.level = level;
	if (!rising)
		return;
	if (dev->msi_fd >= 0) {
		signal_fd(dev->msi_fd);
		dev->msi_raised++;
	} else {
		intx_fire(dev);
	}
}

static void intx_unmask(struct vfu_device *dev)
{
	dev->intx.masked = false;
	if (dev->intx.level)
		intx_fire(dev);
}

static void intx_drop_unmask_fd(struct vfu_device *dev)
{
	struct vfu_intx *x = &dev->intx;

	if (x->unmask_w)
		vfu_loop_unwatch(dev->loop, x->unmask_w);
	if (x->unmask_fd >= 0)
		close(x->unmask_fd);
	x->unmask_w = NULL;
	x->unmask_fd = -1;
}

static void intx_release(struct vfu_device *dev)
{
	struct vfu_intx *x = &dev->intx;

	intx_drop_unmask_fd(dev);
	if (x->trigger_fd >= 0)
		close(x->trigger_fd);
	x->trigger_fd = -1;
	x->masked = false;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void vfu_irqs_release(struct vfu_device *dev)
{
	intx_release(dev);
	close_fd(&dev->msi_fd);
	close_fd(&dev->req_fd);
}

void vfu_req_signal(struct vfu_device *dev, unsigned count)
{
	/* vfio_pci_core_request's messages: every tenth relay, or once
	 * that nobody listens. */
	if (dev->req_fd >= 0) {
		signal_fd(dev->req_fd);
		if (count % 10 == 0)
			fprintf(stderr,
				"mdevd: vfio-user %s: relaying device request "
				"to user (#%u)\n",
				dev->uuid, count);
	} else if (count == 0) {
		fprintf(stderr,
			"mdevd: vfio-user %s: no device request channel "
			"registered, blocked until released by user\n",
			dev->uuid);
	}
}

static unsigned irq_count(const struct vfu_device *dev, unsigned index)
{
	if (index == MDEV_MODEL_IRQ_REQ)
		return 1;
	return dev->model->irq_count(dev->state, index);
}

static void intx_resample(void *arg, uint32_t events)
{
	struct vfu_device *dev = arg;
	uint64_t v;

	(void)events;
	if (read(dev->intx.unmask_fd, &v, sizeof(v)) == sizeof(v))
		intx_unmask(dev);
}

int vfu_handle_irq_info(struct vfu_conn *c, const struct vfu_msg *m)
{
	struct vfu_irq_info info;
	int ret = vfu_take_args(m, &info, sizeof(info));

	if (ret)
		return ret;
	if (info.index >= MDEV_MODEL_NUM_IRQS)
		return -EINVAL;
	info.argsz = sizeof(info);
	info.count = irq_count(c->dev, info.index);
	info.flags = VFU_IRQ_INFO_EVENTFD;
	if (info.index == MDEV_MODEL_IRQ_INTX)
		info.flags |= VFU_IRQ_INFO_MASKABLE | VFU_IRQ_INFO_AUTOMASKED;
	else
		info.flags |= VFU_IRQ_INFO_NORESIZE;
	return vfu_reply_put(&c->out, &info, sizeof(info));
}

static bool one_bit(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* INTx's one interrupt: what SET_IRQS asks of it. */
static int intx_set(struct vfu_device *dev, uint32_t action, uint32_t data,
		    uint32_t count, const struct vfu_msg *m, bool flag)
{
	struct vfu_intx *x = &dev->intx;

	switch (action) {
	case VFU_IRQ_ACTION_TRIGGER:
		if (data == VFU_IRQ_DATA_EVENTFD) {
			if (dev->msi_fd >= 0)
				return -EINVAL; /* MSI is on */
			if (x->trigger_fd >= 0)
				close(x->trigger_fd);
			x->trigger_fd = m->fds[0];
			m->fds[0] = -1;
			x->masked = false;
			if (x->level)
				intx_fire(dev);
		} else if (count == 0) {
			intx_release(dev); /* DATA_NONE, count 0: off */
		} else if (flag) {
			x->masked = false;
			intx_fire(dev); /* a test of the path */
		}
		return 0;
	case VFU_IRQ_ACTION_UNMASK:
		if (data == VFU_IRQ_DATA_EVENTFD) {
			intx_drop_unmask_fd(dev);
			x->unmask_fd = m->fds[0];
			m->fds[0] = -1;
			if (dev->loop) {
				x->unmask_w =
				    vfu_loop_watch(dev->loop, x->unmask_fd,
						   EPOLLIN, intx_resample, dev);
				if (!x->unmask_w)
					return -ENOMEM;
			}
		} else if (flag) {
			intx_unmask(dev);
		}
		return 0;
	default: /* MASK */
		if (data == VFU_IRQ_DATA_EVENTFD)
			return -EINVAL;
		if (flag)
			x->masked = true;
		return 0;
	}
}

/* MSI vector 0 (count 1, NORESIZE), as the mtty sample's MSI index. */
static int msi_set(struct vfu_device *dev, uint32_t action, uint32_t data,
		   uint32_t count, const struct vfu_msg *m, bool flag)
{
	if (action != VFU_IRQ_ACTION_TRIGGER)
		return -ENOTTY;
	if (count == 0) { /* DATA_NONE: off */
		if (dev->msi_fd < 0)
			return -EINVAL;
		close_fd(&dev->msi_fd);
		return 0;
	}
	if (data == VFU_IRQ_DATA_EVENTFD) {
		if (dev->intx.trigger_fd >= 0)
			return -EINVAL; /* INTx is on */
		close_fd(&dev->msi_fd);
		dev->msi_fd = m->fds[0];
		m->fds[0] = -1;
		return 0;
	}
	if (dev->msi_fd < 0)
		return -EINVAL;
	if (flag) {
		signal_fd(dev->msi_fd); /* a test of the path */
		dev->msi_raised++;
	}
	return 0;
}

/* REQ, as vfio_pci_set_req_trigger: an eventfd, off with count 0,
 * signalled by hand with NONE or a true BOOL. */
static int req_set(struct vfu_device *dev, uint32_t action, uint32_t data,
		   uint32_t count, const struct vfu_msg *m, bool flag)
{
	if (action != VFU_IRQ_ACTION_TRIGGER)
		return -ENOTTY;
	if (count == 0) {
		close_fd(&dev->req_fd);
		return 0;
	}
	if (data == VFU_IRQ_DATA_EVENTFD) {
		close_fd(&dev->req_fd);
		dev->req_fd = m->fds[0];
		m->fds[0] = -1;
	} else if (flag && dev->req_fd >= 0) {
		signal_fd(dev->req_fd);
	}
	return 0;
}

int vfu_handle_set_irqs(struct vfu_conn *c, const struct vfu_msg *m)
{
	struct vfu_irq_set s;
	int ret = vfu_take_args(m, &s, sizeof(s));

	if (ret)
		return ret;
	uint32_t data = s.flags & VFU_IRQ_DATA_MASK;
	uint32_t action = s.flags & VFU_IRQ_ACTION_MASK_ALL;
	if (s.flags & ~(VFU_IRQ_DATA_MASK | VFU_IRQ_ACTION_MASK_ALL) ||
	    !one_bit(data) || !one_bit(action) ||
	    s.index >= MDEV_MODEL_NUM_IRQS)
		return -EINVAL;
	unsigned n = irq_count(c->dev, s.index);
	if (s.start > n || s.count > n - s.start)
		return -EINVAL;
	if (m->nfds != (data == VFU_IRQ_DATA_EVENTFD ? s.count : 0))
		return -EINVAL;
	size_t extra = data == VFU_IRQ_DATA_BOOL ? s.count : 0;
	if (m->len < sizeof(s) + extra)
		return -EINVAL;
	if (s.count == 0 &&
	    !(action == VFU_IRQ_ACTION_TRIGGER && data == VFU_IRQ_DATA_NONE))
		return -EINVAL;
	bool flag = data == VFU_IRQ_DATA_BOOL && s.count
			? m->payload[sizeof(s)] != 0
			: true;
	switch (s.index) {
	case MDEV_MODEL_IRQ_INTX:
		return intx_set(c->dev, action, data, s.count, m, flag);
	case MDEV_MODEL_IRQ_MSI:
		if (n)
			return msi_set(c->dev, action, data, s.count, m, flag);
		break;
	case MDEV_MODEL_IRQ_REQ:
		return req_set(c->dev, action, data, s.count, m, flag);
	}
	return s.count == 0 ? 0 : -EINVAL;
}
