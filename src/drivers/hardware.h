/* SPDX-License-Identifier: MIT */
/*
 * The hardware file: a JSON description of parents, turned into parent
 * descriptions for the core. Each "driver" key selects a built-in driver
 * (i915, nvidia, mtty, mbochs, mdpy, vfio_ap, json) that supplies types,
 * pools, ops and bus defaults; the file may override names and bus details.
 *
 * A parsed file owns every string its descriptions point to. The ops and
 * driver_data it hands to the core are static or per-device, so a parsed
 * file may be freed as soon as its parents are registered.
 */
#ifndef MDEV_HARDWARE_H
#define MDEV_HARDWARE_H

#include <stddef.h>
#include "libmdev.h"

struct mdev_hardware;

/* Parses and fully validates (class schema included) a hardware file;
 * path NULL = the embedded demo (one GVT-g GPU, one NVIDIA GPU, mtty,
 * vfio_ap). On failure err is one line naming the file and the JSON path
 * of the fault, e.g. "hw.json: parents[1].types[0].attrs.fb_length: '12X'
 * is not <n>{K,M,G}". Returns 0 or a negative errno. */
int mdev_hardware_load(const char *path, struct mdev_hardware **out, char *err,
		       size_t errlen);
/* The same from memory; source names the input in messages. */
int mdev_hardware_parse(const char *text, size_t len, const char *source,
			struct mdev_hardware **out, char *err, size_t errlen);
size_t mdev_hardware_parent_count(const struct mdev_hardware *hw);
const struct mdev_parent_desc *
mdev_hardware_parent(const struct mdev_hardware *hw, size_t i);
/* A device present at start (the file's "devices" list, as
 * `mdevd --record` writes it): created when the journal has no state. */
struct mdev_hw_device {
	const char *parent, *type, *uuid;
	struct mdev_kv *attrs;
	size_t n_attrs;
};
size_t mdev_hardware_device_count(const struct mdev_hardware *hw);
const struct mdev_hw_device *
mdev_hardware_device(const struct mdev_hardware *hw, size_t i);
/* Creates dev on core with its attribute values; on failure err says what
 * (after "devices[i]: ") and nothing is left. */
int mdev_hardware_create_device(struct mdev_core *core,
				const struct mdev_hw_device *dev, char *err,
				size_t errlen);

/* The file's "faults" rules (src/faults/fault_rule.h), in file order. */
struct fault_rule;
size_t mdev_hardware_fault_count(const struct mdev_hardware *hw);
const struct fault_rule *mdev_hardware_faults(const struct mdev_hardware *hw);
void mdev_hardware_free(struct mdev_hardware *hw);
/* The embedded demo file's text (also what `mdevd --print-demo` prints). */
const char *mdev_hardware_demo_json(void);

#endif
