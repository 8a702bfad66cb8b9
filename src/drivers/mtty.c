/* SPDX-License-Identifier: MIT */
/*
 * mtty: the kernel's sample serial-port driver (samples/vfio-mdev/mtty.c).
 * One parent "mtty" with 24 ports shared by two types; a type takes one
 * or two ports, so available_instances is free ports / ports per device
 * and a create that finds too few fails with ENOSPC (the core's pools).
 * Each device has the sample's vendor/sample_mdev_dev file.
 *
 * Hardware-file key: "ports" (the pool size; the kernel's MAX_MTTYS).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drivers.h"

#define MTTY_PORTS 24
#define MTTY_SAMPLE_ATTR "vendor/sample_mdev_dev"

static const struct mdev_cost mtty_cost_1[] = { { "ports", 1 } };
static const struct mdev_cost mtty_cost_2[] = { { "ports", 2 } };

static const struct mdev_attr_desc mtty_device_attrs[] = {
	{ MTTY_SAMPLE_ATTR, MDEV_ATTR_RO, NULL },
};

static const struct mdev_type_desc mtty_types[] = {
	{
		.id = "mtty-1",
		.name = "Single port serial",
		.device_api = "vfio-pci",
		.costs = mtty_cost_1,
		.n_costs = 1,
		.device_attrs = mtty_device_attrs,
		.n_device_attrs = ARRAY_SIZE(mtty_device_attrs),
	},
	{
		.id = "mtty-2",
		.name = "Dual port serial",
		.device_api = "vfio-pci",
		.costs = mtty_cost_2,
		.n_costs = 1,
		.device_attrs = mtty_device_attrs,
		.n_device_attrs = ARRAY_SIZE(mtty_device_attrs),
	},
};

/* The sample prints the device's name, which only exists per device. */
static int mtty_attr_show(struct mdev_device *mdev, const char *attr,
			  char *buf, size_t size)
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

const char *const hw_mtty_keys[] = { "ports", NULL };

int hw_build_mtty(struct hw_ctx *ctx, json_t *obj, const char *path,
		  struct mdev_parent_desc *desc)
{
	unsigned long ports = MTTY_PORTS;
	struct mdev_pool_desc *pool;
	int ret;

	ret = hw_get_positive(ctx, obj, path, hw_mtty_keys[0], 1UL << 20, &ports);
	if (ret < 0)
		return ret;
	pool = hw_alloc(ctx, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	pool->name = hw_mtty_keys[0];
	pool->total = ports;
	desc->policy = MDEV_POLICY_MIXED;
	desc->pools = pool;
	desc->n_pools = 1;
	desc->types = mtty_types;
	desc->n_types = ARRAY_SIZE(mtty_types);
	desc->ops = &mtty_ops;
	return 0;
}
