/* SPDX-License-Identifier: MIT */
/*
 * The file system's side table for devices: a serial number per device
 * (never reused, so an inode that encodes it can never name a different
 * device later) and three hash indexes over the same entries — by serial
 * (inode → device), by device pointer (device → inode) and by IOMMU group
 * (kernel/iommu_groups/N → device). Written only by tree_ino.c
 * (tree_device_added/removed, fed by the core's device notifications);
 * lookups and listings only read it. Always under the core lock.
 */
#ifndef MDEVD_DEVMAP_H
#define MDEVD_DEVMAP_H

#include <stddef.h>
#include <stdint.h>
#include "common/htable.h"
#include "libmdev.h"

struct dev_entry {
	uint64_t serial;
	struct mdev_device *mdev;
	unsigned group;
	struct htable_node by_serial;
	struct htable_node by_ptr;
	struct htable_node by_group;
};

struct devmap {
	struct htable by_serial;
	struct htable by_ptr;
	struct htable by_group;
	uint64_t next_serial;
};

int devmap_init(struct devmap *m);
void devmap_free(struct devmap *m);
/* Adds mdev with a fresh serial; returns the entry (existing one if the
 * device is already known) or NULL on allocation failure. */
struct dev_entry *devmap_add(struct devmap *m, struct mdev_device *mdev);
void devmap_remove(struct devmap *m, const struct mdev_device *mdev);
struct dev_entry *devmap_find_serial(const struct devmap *m, uint64_t serial);
struct dev_entry *devmap_find_ptr(const struct devmap *m,
				  const struct mdev_device *mdev);
/* First device of group N; the others follow via devmap_next_in_group. */
struct dev_entry *devmap_find_group(const struct devmap *m, unsigned group);
struct dev_entry *devmap_next_in_group(const struct dev_entry *e);

#endif
