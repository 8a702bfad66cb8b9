/* SPDX-License-Identifier: MIT */
/*
 * mdpy: the kernel's sample display driver (samples/vfio-mdev/mdpy.c).
 * Three types (vga 640x480, xga 1024x768, hd 1920x1080) with pretty names
 * "mdpy-vga"..., description "virtual display, WxH framebuffer", a
 * per-device vendor/resolution file, and no pools: the framework's
 * per-parent counter (4) limits them, so the fifth create gets EUSERS.
 *
 * Option "max_devices": the module's count parameter.
 */
#include <stddef.h>

#include "driver.h"

#define MDPY_MAX_DEVICES 4

#define MDPY_TYPE(sysfs, w, h)                                                 \
	static const struct mdev_attr_desc mdpy_attrs_##sysfs[] = {            \
	    {"vendor/resolution", MDEV_ATTR_RO, #w "x" #h}}
MDPY_TYPE(vga, 640, 480);
MDPY_TYPE(xga, 1024, 768);
MDPY_TYPE(hd, 1920, 1080);

#define MDPY_TYPE_DESC(sysfs, w, h)                                            \
	{                                                                      \
		.id = "mdpy-" #sysfs, .name = "mdpy-" #sysfs,                  \
		.description = "virtual display, " #w "x" #h " framebuffer\n", \
		.device_api = "vfio-pci", .device_attrs = mdpy_attrs_##sysfs,  \
		.n_device_attrs = 1,                                           \
	}

static const struct mdev_type_desc mdpy_types[] = {
    MDPY_TYPE_DESC(vga, 640, 480),
    MDPY_TYPE_DESC(xga, 1024, 768),
    MDPY_TYPE_DESC(hd, 1920, 1080),
};

struct mdpy_opts {
	unsigned long max_devices;
};

static const struct mdpy_opts mdpy_defaults = {
    .max_devices = MDPY_MAX_DEVICES,
};

static const struct mdev_hw_key mdpy_keys[] = {
    {"max_devices", offsetof(struct mdpy_opts, max_devices), 1UL << 20},
    {NULL, 0, 0},
};

static int mdpy_describe(const void *opts, struct mdev_hw_parent *out)
{
	const struct mdpy_opts *o = opts;

	out->desc.max_devices = o->max_devices;
	return 0;
}

const struct mdev_hw_driver mdpy_driver = {
    .name = "mdpy",
    .default_name = "mdpy",
    .bus = "virtual",
    .devpath_dir = "virtual/mdpy",
    .opts_size = sizeof(struct mdpy_opts),
    .defaults = &mdpy_defaults,
    .policy = MDEV_POLICY_MIXED,
    .types = mdpy_types,
    .n_types = ARRAY_SIZE(mdpy_types),
    .keys = mdpy_keys,
    .describe = mdpy_describe,
};
