/* SPDX-License-Identifier: MIT */
/*
 * mbochs: the kernel's sample bochs-compatible display
 * (samples/vfio-mdev/mbochs.c). Three types over a pool of 256 MB of video
 * memory (available 64/16/4 at start, ENOSPC when short). Sysfs names
 * small/medium/large with pretty names "mbochs-small"..., the sample's
 * description "virtual display, N MB video memory" and its per-device
 * vendor/memory file ("N MB").
 *
 * Option "mbytes": the pool (the module's max_mbytes).
 */
#include <stddef.h>

#include "driver.h"

#define MBOCHS_MBYTES 256

#define MBOCHS_TYPE(sysfs, mb)                                                 \
	static const struct mdev_cost mbochs_cost_##sysfs[] = {                \
	    {"mbytes", mb}};                                                   \
	static const struct mdev_attr_desc mbochs_attrs_##sysfs[] = {          \
	    {"vendor/memory", MDEV_ATTR_RO, #mb " MB"}}
MBOCHS_TYPE(small, 4);
MBOCHS_TYPE(medium, 16);
MBOCHS_TYPE(large, 64);

#define MBOCHS_TYPE_DESC(sysfs, mb)                                            \
	{                                                                      \
		.id = "mbochs-" #sysfs, .name = "mbochs-" #sysfs,              \
		.description = "virtual display, " #mb " MB video memory\n",   \
		.device_api = "vfio-pci", .costs = mbochs_cost_##sysfs,        \
		.n_costs = 1, .device_attrs = mbochs_attrs_##sysfs,            \
		.n_device_attrs = 1,                                           \
	}

static const struct mdev_type_desc mbochs_types[] = {
    MBOCHS_TYPE_DESC(small, 4),
    MBOCHS_TYPE_DESC(medium, 16),
    MBOCHS_TYPE_DESC(large, 64),
};

struct mbochs_opts {
	unsigned long mbytes;
};

static const struct mbochs_opts mbochs_defaults = {.mbytes = MBOCHS_MBYTES};

static const struct mdev_hw_key mbochs_keys[] = {
    {"mbytes", offsetof(struct mbochs_opts, mbytes), 1UL << 20},
    {NULL, 0, 0},
};

static int mbochs_describe(const void *opts, struct mdev_hw_parent *out)
{
	const struct mbochs_opts *o = opts;

	drv_one_pool(out, "mbytes", o->mbytes);
	return 0;
}

const struct mdev_hw_driver mbochs_driver = {
    .name = "mbochs",
    .default_name = "mbochs",
    .bus = "virtual",
    .devpath_dir = "virtual/mbochs",
    .opts_size = sizeof(struct mbochs_opts),
    .defaults = &mbochs_defaults,
    .policy = MDEV_POLICY_MIXED,
    .types = mbochs_types,
    .n_types = ARRAY_SIZE(mbochs_types),
    .keys = mbochs_keys,
    .describe = mbochs_describe,
};
