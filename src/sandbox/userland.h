/* SPDX-License-Identifier: MIT */
#ifndef MDEV_SANDBOX_USERLAND_H
#define MDEV_SANDBOX_USERLAND_H

#include <stddef.h>

/* --userland DIR (userland.c): COMMAND and libvirtd run from DIR. */
struct userland {
	const char *dir;	  /* absolute: the root, never written */
	const char *sandbox_root; /* absolute: holds the overlay's layers */
	const char *mdevctl;	  /* absolute: mdevkit's mdevctl on the host */
};

/* 0 when DIR looks like a root (a directory with an executable /bin/sh
 * and a path overlayfs can take), else a negative errno and one line in
 * why. Call before the sandbox is set up. */
int userland_check(const char *dir, char *why, size_t len);

/* In the sandbox's mount namespace, once /sys, /run and /etc/mdevctl.d are
 * the sandbox's: mounts the overlay of DIR, binds the sandbox's directories
 * in, installs the mdevctl wrapper, chroots there (same working directory
 * when it exists inside) and sets PATH. 0, or a negative errno and one
 * line in why. */
int userland_enter(const struct userland *u, char *why, size_t len);

#endif
