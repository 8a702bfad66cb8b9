/* SPDX-License-Identifier: MIT */
/*
 * mdevd's vfio-user server (docs/vfio-user.md): every active device whose
 * driver has a device model is served at
 *	ROOT/run/mdevd/vfio-user/<uuid>.sock
 * for one client (QEMU's vfio-user-pci) at a time, from one event-loop
 * thread. A lifecycle consumer: sockets appear before a create returns and
 * are gone before a remove returns.
 */
#ifndef MDEV_VFIO_USER_H
#define MDEV_VFIO_USER_H

#include "libmdev.h"

struct vfu_server;

/* Starts the loop and attaches to core; devices that exist are served at
 * once. dir: where sockets go (made, emptied of what a previous run left).
 * 0, or -errno with a one-line message printed. */
int vfu_server_attach(struct mdev_core *core, const char *dir,
		      struct vfu_server **out);
/* Whether removing the device must wait for its client, as the kernel's
 * vfio_unregister_group_dev waits: 1 the device has a client, which is
 * now asked to release it (the REQ interrupt, again every 10 s; asking
 * twice is asking once) and the release hook hears when it left; 0 no
 * client (or no such device served): nothing to wait for. Not from the
 * server's thread. */
int vfu_server_hold(struct vfu_server *s, const char *uuid);
/* Sets the release hook: fn(arg, uuid) runs on the server's thread when
 * a device held by vfu_server_hold lost its client. fn NULL removes it;
 * returns once no call of the old hook runs. */
void vfu_server_on_release(struct vfu_server *s,
			   void (*fn)(void *arg, const char *uuid), void *arg);
/* Detaches, closes every client and removes every socket. */
void vfu_server_detach(struct vfu_server *s);

#endif
