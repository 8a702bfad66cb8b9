/* SPDX-License-Identifier: MIT */
/*
 * mdpy: the kernel's sample display driver (samples/vfio-mdev/mdpy.c).
 * Three types (vga 640x480, xga 1024x768, hd 1920x1080) with pretty names
 * "mdpy-vga"..., description "virtual display, WxH framebuffer", a
 * per-device vendor/resolution file, and no pools: the framework's
 * per-parent counter (4) limits them, so the fifth create gets EUSERS.
 *
 * Hardware-file key: "max_devices" (the module's count parameter).
 */
#include "drivers.h"

#define MDPY_MAX_DEVICES 4

#define MDPY_TYPE(sysfs, w, h)                                            \
	static const struct mdev_attr_desc mdpy_attrs_##sysfs[] = {       \
		{ "vendor/resolution", MDEV_ATTR_RO, #w "x" #h }          \
	}
MDPY_TYPE(vga, 640, 480);
MDPY_TYPE(xga, 1024, 768);
MDPY_TYPE(hd, 1920, 1080);

#define MDPY_TYPE_DESC(sysfs, w, h)                                       \
	{                                                                 \
		.id = "mdpy-" #sysfs,                                     \
		.name = "mdpy-" #sysfs,                                   \
		.description = "virtual display, " #w "x" #h              \
			       " framebuffer\n",                          \
		.device_api = "vfio-pci",                                 \
		.device_attrs = mdpy_attrs_##sysfs,                       \
		.n_device_attrs = 1,                                      \
	}

static const struct mdev_type_desc mdpy_types[] = {
	MDPY_TYPE_DESC(vga, 640, 480),
	MDPY_TYPE_DESC(xga, 1024, 768),
	MDPY_TYPE_DESC(hd, 1920, 1080),
};

const char *const hw_mdpy_keys[] = { "max_devices", NULL };

int hw_build_mdpy(struct hw_ctx *ctx, json_t *obj, const char *path,
		  struct mdev_parent_desc *desc)
{
	unsigned long max_devices = MDPY_MAX_DEVICES;
	int ret;

	ret = hw_get_positive(ctx, obj, path, "max_devices", 1UL << 20,
			      &max_devices);
	if (ret < 0)
		return ret;
	desc->policy = MDEV_POLICY_MIXED;
	desc->max_devices = max_devices;
	desc->types = mdpy_types;
	desc->n_types = ARRAY_SIZE(mdpy_types);
	return 0;
}
