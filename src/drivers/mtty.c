/* SPDX-License-Identifier: MIT */
/*
 * mtty: the kernel's sample serial-port driver (samples/vfio-mdev/mtty.c).
 * One parent "mtty" with 24 ports shared by two types; a type takes one
 * or two ports, so available_instances is free ports / ports per device
 * and a create that finds too few fails with ENOSPC (the core's pools).
 * Each device has the sample's vendor/sample_mdev_dev file.
 *
 * Option "ports": the pool size (the kernel's MAX_MTTYS).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

#define MTTY_PORTS 24
#define MTTY_SAMPLE_ATTR "vendor/sample_mdev_dev"

static const struct mdev_cost mtty_cost_1[] = {{"ports", 1}};
static const struct mdev_cost mtty_cost_2[] = {{"ports", 2}};

static const struct mdev_attr_desc mtty_device_attrs[] = {
    {MTTY_SAMPLE_ATTR, MDEV_ATTR_RO, NULL},
};

#define MTTY_TYPE_DESC(ports, pretty)                                          \
	{                                                                      \
		.id = "mtty-" #ports, .name = pretty,                          \
		.device_api = "vfio-pci", .costs = mtty_cost_##ports,          \
		.n_costs = 1, .device_attrs = mtty_device_attrs,               \
		.n_device_attrs = ARRAY_SIZE(mtty_device_attrs),               \
	}

static const struct mdev_type_desc mtty_types[] = {
    MTTY_TYPE_DESC(1, "Single port serial"),
    MTTY_TYPE_DESC(2, "Dual port serial"),
};

/* The sample prints the device's name, which only exists per device. */
static int mtty_attr_show(struct mdev_device *mdev, const char *attr, char *buf,
			  size_t size)
{
	int n;

	if (strcmp(attr, MTTY_SAMPLE_ATTR))
		return drv_show_stored(mdev, attr, buf, size);
	n = snprintf(buf, size, "This is MDEV %s\n", mdev_device_name(mdev));
	if (n < 0 || (size_t)n >= size)
		return -EIO;
	return n;
}

static const struct mdev_driver_ops mtty_ops = {
    .attr_show = mtty_attr_show,
};

struct mtty_opts {
	unsigned long ports;
};

static const struct mtty_opts mtty_defaults = {.ports = MTTY_PORTS};

static const struct mdev_hw_key mtty_keys[] = {
    {"ports", offsetof(struct mtty_opts, ports), 1UL << 20},
    {NULL, 0, 0},
};

static int mtty_describe(const void *opts, struct mdev_hw_parent *out)
{
	const struct mtty_opts *o = opts;

	drv_one_pool(out, "ports", o->ports);
	return 0;
}

const struct mdev_hw_driver mtty_driver = {
    .name = "mtty",
    .default_name = "mtty",
    .bus = "virtual",
    .devpath_dir = "virtual/mtty",
    .opts_size = sizeof(struct mtty_opts),
    .defaults = &mtty_defaults,
    .policy = MDEV_POLICY_MIXED,
    .types = mtty_types,
    .n_types = ARRAY_SIZE(mtty_types),
    .keys = mtty_keys,
    .describe = mtty_describe,
    .ops = &mtty_ops,
};
