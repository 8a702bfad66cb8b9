/* SPDX-License-Identifier: MIT */
#ifndef MDEV_SANDBOX_DEVDIR_H
#define MDEV_SANDBOX_DEVDIR_H

#include <stddef.h>

/* In the sandbox's mount namespace: a tmpfs at SANDBOX_ROOT/dev with the
 * host's ordinary nodes bound in, /dev/pts, a private /dev/shm and the
 * /dev/vfio markers libvirt's QEMU driver looks for, moved over /dev
 * (devdir.c). 0, or a negative errno and one line in why. */
int devdir_mount(const char *sandbox_root, char *why, size_t len);

#endif
