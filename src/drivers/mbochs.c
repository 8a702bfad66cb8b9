/* SPDX-License-Identifier: MIT */
/*
 * mbochs: the kernel's sample bochs-compatible display
 * (samples/vfio-mdev/mbochs.c). Three types over a pool of 256 MB of video
 * memory (available 64/16/4 at start, ENOSPC when short). Sysfs names
 * small/medium/large with pretty names "mbochs-small"..., the sample's
 * description "virtual display, N MB video memory" and its per-device
 * vendor/memory file ("N MB").
 *
 * Hardware-file key: "mbytes" (the pool; the module's max_mbytes).
 */
#include <errno.h>

#include "drivers.h"

#define MBOCHS_MBYTES 256

#define MBOCHS_TYPE(sysfs, mb)                                            \
	static const struct mdev_cost mbochs_cost_##sysfs[] = {           \
		{ "mbytes", mb }                                          \
	};                                                                \
	static const struct mdev_attr_desc mbochs_attrs_##sysfs[] = {     \
		{ "vendor/memory", MDEV_ATTR_RO, #mb " MB" }              \
	}
MBOCHS_TYPE(small, 4);
MBOCHS_TYPE(medium, 16);
MBOCHS_TYPE(large, 64);

#define MBOCHS_TYPE_DESC(sysfs, mb)                                       \
	{                                                                 \
		.id = "mbochs-" #sysfs,                                   \
		.name = "mbochs-" #sysfs,                                 \
		.description = "virtual display, " #mb " MB video memory\n", \
		.device_api = "vfio-pci",                                 \
		.costs = mbochs_cost_##sysfs,                             \
		.n_costs = 1,                                             \
		.device_attrs = mbochs_attrs_##sysfs,                     \
		.n_device_attrs = 1,                                      \
	}

static const struct mdev_type_desc mbochs_types[] = {
	MBOCHS_TYPE_DESC(small, 4),
	MBOCHS_TYPE_DESC(medium, 16),
	MBOCHS_TYPE_DESC(large, 64),
};

const char *const hw_mbochs_keys[] = { "mbytes", NULL };

int hw_build_mbochs(struct hw_ctx *ctx, json_t *obj, const char *path,
		    struct mdev_parent_desc *desc)
{
	unsigned long mbytes = MBOCHS_MBYTES;
	struct mdev_pool_desc *pool;
	int ret;

	ret = hw_get_positive(ctx, obj, path, "mbytes", 1UL << 20, &mbytes);
	if (ret < 0)
		return ret;
	pool = hw_alloc(ctx, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	pool->name = "mbytes";
	pool->total = mbytes;
	desc->policy = MDEV_POLICY_MIXED;
	desc->pools = pool;
	desc->n_pools = 1;
	desc->types = mbochs_types;
	desc->n_types = ARRAY_SIZE(mbochs_types);
	return 0;
}
