/* SPDX-License-Identifier: MIT */
/*
 * vdemo: an out-of-tree mdevkit driver, built against the installed
 * libmdev alone:
 *
 *	cc -shared -fPIC -fvisibility=hidden -o vdemo.so vdemo.c \
 *	    $(pkg-config --cflags --libs libmdev)
 *
 * (or `make`), copied to mdevd's driver directory (mdevd --help names it)
 * and named by a hardware file:
 *
 *	{"parents": [{"driver": "vdemo", "name": "vdemo0", "slots": 4}]}
 *
 * One virtual parent with a pool of "slots" (the option of that name) that
 * two types share, and a per-device "vdemo/mode" file that accepts only
 * "fast" or "safe": a driver validates what it stores (attr_store) and
 * answers with a negative errno, which the writer of the file gets.
 * docs/driver-api.md says what a driver may and may not do.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <mdev_driver.h>

/* The bench builds this file under ten names (bench/plugins). */
#ifndef VDEMO_NAME
#define VDEMO_NAME "vdemo"
#endif

#define VDEMO_MODE_ATTR "vdemo/mode"

static const struct mdev_cost vdemo_cost_1[] = {{"slots", 1}};
static const struct mdev_cost vdemo_cost_2[] = {{"slots", 2}};

static const struct mdev_attr_desc vdemo_device_attrs[] = {
    {VDEMO_MODE_ATTR, MDEV_ATTR_RW, "safe"},
};

static const struct mdev_type_desc vdemo_types[] = {
    {
	.id = VDEMO_NAME "-1",
	.name = "vdemo single slot",
	.description = "one slot of the vdemo pool\n",
	.device_api = "vfio-pci",
	.costs = vdemo_cost_1,
	.n_costs = 1,
	.device_attrs = vdemo_device_attrs,
	.n_device_attrs = 1,
    },
    {
	.id = VDEMO_NAME "-2",
	.name = "vdemo dual slot",
	.description = "two slots of the vdemo pool\n",
	.device_api = "vfio-pci",
	.costs = vdemo_cost_2,
	.n_costs = 1,
	.device_attrs = vdemo_device_attrs,
	.n_device_attrs = 1,
    },
};

/* Called under the core lock: no blocking, no I/O, no call that changes
 * the core. One trailing newline is what `echo` adds. */
static int vdemo_attr_store(struct mdev_device *mdev, const char *attr,
			    const char *buf, size_t len)
{
	if (strcmp(attr, VDEMO_MODE_ATTR))
		return -EACCES;
	if (len && buf[len - 1] == '\n')
		len--;
	if (!((len == 4 && !memcmp(buf, "fast", 4)) ||
	      (len == 4 && !memcmp(buf, "safe", 4))))
		return -EINVAL;
	return mdev_device_attr_set(mdev, attr, buf, len);
}

static const struct mdev_driver_ops vdemo_ops = {
    .attr_store = vdemo_attr_store,
};

struct vdemo_opts {
	unsigned long slots;
};

static const struct vdemo_opts vdemo_defaults = {.slots = 8};

static const struct mdev_hw_key vdemo_keys[] = {
    {"slots", offsetof(struct vdemo_opts, slots), 1024},
    {NULL, 0, 0},
};

/* out->pools is storage the description may point into: the pool size
 * differs per parent. */
static int vdemo_describe(const void *opts, struct mdev_hw_parent *out)
{
	const struct vdemo_opts *o = opts;

	out->pools[0] = (struct mdev_pool_desc){"slots", o->slots};
	out->desc.pools = out->pools;
	out->desc.n_pools = 1;
	return 0;
}

static const struct mdev_hw_driver vdemo_driver = {
    .name = VDEMO_NAME,
    .default_name = VDEMO_NAME "0",
    .bus = "virtual",
    .policy = MDEV_POLICY_MIXED,
    .types = vdemo_types,
    .n_types = sizeof(vdemo_types) / sizeof(vdemo_types[0]),
    .ops = &vdemo_ops,
    .opts_size = sizeof(struct vdemo_opts),
    .defaults = &vdemo_defaults,
    .keys = vdemo_keys,
    .describe = vdemo_describe,
};

MDEV_DRIVER_PLUGIN(vdemo_driver);
