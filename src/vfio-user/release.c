// SPDX-License-Identifier: MIT
/*
 * Asking a client to release its device, as the kernel's
 * vfio_unregister_group_dev does before a device in use can go: the REQ
 * interrupt now (request #0) and again every 10 s (#1, #2, ...) until the
 * client has left; then the server's release hook hears the device's
 * name. Whoever wanted the device gone (mdevd's parked remove) waits for
 * that and tries again; nothing here removes anything.
 *
 * The timer is a timerfd watched by the loop, so a wait costs no thread
 * and any number of devices can wait at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "vfio_user.h"
#include "vfu.h"

static void release_stop_timer(struct vfu_device *dev)
{
	struct vfu_release *r = &dev->release;

	if (r->timer_w)
		vfu_loop_unwatch(dev->loop, r->timer_w);
	if (r->timer_fd >= 0)
		close(r->timer_fd);
	r->timer_w = NULL;
	r->timer_fd = -1;
}

static void release_tick(void *arg, uint32_t events)
{
	struct vfu_device *dev = arg;
	uint64_t expirations;

	(void)events;
	if (read(dev->release.timer_fd, &expirations, sizeof(expirations)) !=
	    sizeof(expirations))
		return;
	vfu_req_signal(dev, ++dev->release.count);
}

/* Loop thread: 1 the client is asked (or was already), 0 no client. */
static int release_request(struct vfu_device *dev)
{
	struct vfu_release *r = &dev->release;
	struct itimerspec every = {
	    .it_interval = {VFU_REQ_PERIOD_MS / 1000, 0},
	    .it_value = {VFU_REQ_PERIOD_MS / 1000, 0},
	};

	/* A client that hung up, its EOF still queued, holds nothing. */
	if (dev->client && vfu_conn_peer_gone(dev->client))
		vfu_conn_close(dev->client, 0);
	if (!dev->client)
		return 0;
	if (r->requested)
		return 1;
	r->requested = true;
	r->count = 0;
	/* Without a timer the wait still ends when the client leaves; only
	 * the repeats are lost. */
	r->timer_fd =
	    timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (r->timer_fd >= 0 &&
	    timerfd_settime(r->timer_fd, 0, &every, NULL) == 0)
		r->timer_w = vfu_loop_watch(dev->loop, r->timer_fd, EPOLLIN,
					    release_tick, dev);
	if (!r->timer_w) {
		fprintf(stderr,
			"mdevd: vfio-user %s: no timer for repeated device "
			"requests: %s\n",
			dev->uuid, strerror(errno));
		release_stop_timer(dev);
	}
	fprintf(stderr,
		"mdevd: vfio-user %s: device in use: asking the client to "
		"release it\n",
		dev->uuid);
	vfu_req_signal(dev, 0);
	return 1;
}

void vfu_release_client_came(struct vfu_device *dev)
{
	if (dev->release.hook)
		__atomic_add_fetch(&dev->release.hook->clients, 1,
				   __ATOMIC_RELEASE);
}

void vfu_release_client_gone(struct vfu_device *dev)
{
	struct vfu_release *r = &dev->release;

	if (r->hook)
		__atomic_sub_fetch(&r->hook->clients, 1, __ATOMIC_RELEASE);
	if (!r->requested)
		return;
	r->requested = false;
	release_stop_timer(dev);
	fprintf(stderr,
		"mdevd: vfio-user %s: released after %u device request(s)\n",
		dev->uuid, r->count + 1);
	if (r->hook && r->hook->fn)
		r->hook->fn(r->hook->arg, dev->uuid);
}

/* ------------------------------------------------ other threads' side */

int vfu_server_hold(struct vfu_server *s, const char *uuid)
{
	/* No device has a client: nothing can be held (a client attaching
	 * just now is closed by the removal, as one in the instant after a
	 * release is). */
	if (!s ||
	    !__atomic_load_n(&vfu_server_hook(s)->clients, __ATOMIC_ACQUIRE))
		return 0;
	/* Under the loop lock the device and its client are ours as on the
	 * loop thread, without a round trip to it. */
	struct vfu_loop *l = vfu_server_loop(s);
	vfu_loop_lock(l);
	struct vfu_device *dev = vfu_server_find(s, uuid);
	int held = dev ? release_request(dev) : 0;
	vfu_loop_unlock(l);
	return held;
}

void vfu_server_on_release(struct vfu_server *s,
			   void (*fn)(void *arg, const char *uuid), void *arg)
{
	if (!s)
		return;
	/* The hook is read under the loop lock: changing it under the lock
	 * is what makes "no call of the old hook runs" true. */
	struct vfu_loop *l = vfu_server_loop(s);
	vfu_loop_lock(l);
	struct vfu_release_hook *h = vfu_server_hook(s);
	h->fn = fn;
	h->arg = arg;
	vfu_loop_unlock(l);
}
