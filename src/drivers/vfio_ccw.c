/* SPDX-License-Identifier: MIT */
/*
 * vfio_ccw: an s390 I/O subchannel (drivers/s390/cio/vfio_ccw_ops.c). The
 * parent is the subchannel ("0.0.0313" under css0) and its one type,
 * vfio_ccw-io, allows a single device.
 */
#include "driver.h"

static const struct mdev_type_desc ccw_types[] = {
    {
	.id = "vfio_ccw-io",
	.name = "I/O subchannel (Non-QDIO)",
	.device_api = "vfio-ccw",
	.max_instances = 1,
    },
};

const struct mdev_hw_driver vfio_ccw_driver = {
    .name = "vfio_ccw",
    .default_name = "0.0.0313",
    .bus = "css",
    .devpath_dir = "css0",
    .policy = MDEV_POLICY_MIXED,
    .types = ccw_types,
    .n_types = ARRAY_SIZE(ccw_types),
};
