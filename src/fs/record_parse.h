/* SPDX-License-Identifier: MIT */
/*
 * The recorder's readings of sysfs text (src/fs/record.c): what a host's
 * files say, turned into hardware file values. Separate from the tree
 * walk so that fuzz/fuzz_record.c can feed them hostile text.
 */
#ifndef MDEV_RECORD_PARSE_H
#define MDEV_RECORD_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* What available_instances shows for a type without any limit. */
#define RECORD_AVAILABLE_UNLIMITED 2147483647ul
/* The kernel numbers IOMMU groups with an int. */
#define RECORD_GROUP_MAX 2147483647ul

/* A read file's length once its one trailing newline is cut (buf[n] is
 * the new end). */
size_t record_value_trim(char *buf, size_t n);

/* A decimal as the kernel prints "%u": digits only, no leading zeros
 * ("0" aside), at most max. false for anything else. */
bool record_parse_decimal(const char *s, unsigned long max, unsigned long *out);

/* The number an iommu_group link's target ends in
 * (kernel/iommu_groups/25 → 25). */
bool record_parse_group(const char *target, unsigned *out);

/* The hardware file's mode of a device attribute file with permission
 * bits perm: "ro", "rw", "wo", or NULL when it is none of the three. */
const char *record_attr_mode(unsigned perm);

/* How a type's capacity replays, from available_instances and the
 * devices it already has (a sum at or above the kernel's "no limit" is
 * no limit). */
enum record_capacity {
	RECORD_CAP_UNLIMITED, /* no limit: nothing recorded */
	RECORD_CAP_EXHAUSTED, /* none left and none made: a cost on a pool
				 that cannot pay it (max_instances 0 means
				 no limit) */
	RECORD_CAP_MAX,	      /* max_instances = *max */
};
enum record_capacity record_capacity(unsigned long available,
				     unsigned long devices, unsigned long *max);

#endif
