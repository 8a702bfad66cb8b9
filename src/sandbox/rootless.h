/* SPDX-License-Identifier: MIT */
#ifndef MDEV_SANDBOX_ROOTLESS_H
#define MDEV_SANDBOX_ROOTLESS_H

#include <stddef.h>

/* Makes the calling (unprivileged) process root of a new user namespace
 * that maps only its own uid and gid. 0, or a negative errno with one line
 * in why naming what the machine lacks (user namespaces, /dev/fuse). Call
 * before any thread is started or other namespace is made. */
int rootless_enter(char *why, size_t len);

#endif
