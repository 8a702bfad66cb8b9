/* SPDX-License-Identifier: MIT */
/*
 * vfio_ccw: an s390 I/O subchannel (drivers/s390/cio/vfio_ccw_ops.c). The
 * parent is the subchannel ("0.0.0313" under css0) and its one type,
 * vfio_ccw-io, allows a single device.
 */
#include "drivers.h"

static const struct mdev_type_desc ccw_types[] = {
	{
		.id = "vfio_ccw-io",
		.name = "I/O subchannel (Non-QDIO)",
		.device_api = "vfio-ccw",
		.max_instances = 1,
	},
};

int hw_build_vfio_ccw(struct hw_ctx *ctx, json_t *obj, const char *path,
		      struct mdev_parent_desc *desc)
{
	(void)ctx;
	(void)obj;
	(void)path;
	desc->policy = MDEV_POLICY_MIXED;
	desc->types = ccw_types;
	desc->n_types = ARRAY_SIZE(ccw_types);
	return 0;
}
