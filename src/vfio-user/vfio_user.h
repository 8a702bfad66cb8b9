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
/* Detaches, closes every client and removes every socket. */
void vfu_server_detach(struct vfu_server *s);

#endif
