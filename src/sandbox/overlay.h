/* SPDX-License-Identifier: MIT */
#ifndef MDEV_SANDBOX_OVERLAY_H
#define MDEV_SANDBOX_OVERLAY_H

#include <stddef.h>

/* Mounts an overlay of LOWER (never written) on TARGET, which may be LOWER
 * itself; changes go to LAYERS/upper (LAYERS/work beside it), made here.
 * 0, or a negative errno and one line in why. */
int overlay_mount(const char *lower, const char *layers, const char *target,
		  char *why, size_t len);

/* ETC/mdevctl.d, where ETC is in an overlay, becomes a symlink to STORE;
 * what the lower layer has there is hidden, not removed. A symlink, not a
 * bind mount: mdevctl stages a definition in the directory that holds the
 * store and renames it in, one file event for libvirt's watch; rename
 * works only within one mount, and over a bind mount of its own the store
 * takes five events per change (libvirt re-reads the store on each: the
 * create race, docs/mdevctl.md). 0, or a negative errno and one line in
 * why. */
int overlay_link_store(const char *etc, const char *store, char *why,
		       size_t len);

#endif
