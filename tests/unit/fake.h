/* SPDX-License-Identifier: MIT */
/*
 * Fake drivers for the unit tests, modelled on the kernel's numbers (mtty,
 * mbochs, mdpy, GVT-g, NVIDIA GRID) but defined here so the core is tested
 * on its own.
 */
#ifndef MDEV_TEST_FAKE_H
#define MDEV_TEST_FAKE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/common.h"
#include "libmdev.h"
#include "test_type.h"

/* mtty: a 24-port pool, mtty-1 takes 1, mtty-2 takes 2. */
static const struct mdev_pool_desc mtty_pools[] = {{"ports", 24}};
static const struct mdev_cost mtty1_cost[] = {{"ports", 1}};
static const struct mdev_cost mtty2_cost[] = {{"ports", 2}};
static const struct mdev_attr_desc mtty_attrs[] = {
    {"vendor/sample_mdev_dev", MDEV_ATTR_RO, "This is MDEV"},
};
static const struct mdev_type_desc mtty_types[] = {
    {.id = "mtty-1",
     .name = "Single port serial",
     .device_api = "vfio-pci",
     .costs = mtty1_cost,
     .n_costs = 1,
     .device_attrs = mtty_attrs,
     .n_device_attrs = 1},
    {.id = "mtty-2",
     .name = "Dual port serial",
     .device_api = "vfio-pci",
     .costs = mtty2_cost,
     .n_costs = 1,
     .device_attrs = mtty_attrs,
     .n_device_attrs = 1},
};
static const struct mdev_parent_desc mtty_parent = {
    .name = "mtty",
    .devpath = "virtual/mtty/mtty",
    .driver_name = "mtty",
    .policy = MDEV_POLICY_MIXED,
    .pools = mtty_pools,
    .n_pools = 1,
    .types = mtty_types,
    .n_types = 2,
};

/* mbochs: 256 MB, 4/16/64 MB per type. */
static const struct mdev_pool_desc mbochs_pools[] = {{"mbytes", 256}};
static const struct mdev_cost mbochs_small[] = {{"mbytes", 4}};
static const struct mdev_cost mbochs_medium[] = {{"mbytes", 16}};
static const struct mdev_cost mbochs_large[] = {{"mbytes", 64}};
static const struct mdev_type_desc mbochs_types[] = {
    {.id = "mbochs-small",
     .device_api = "vfio-pci",
     .costs = mbochs_small,
     .n_costs = 1},
    {.id = "mbochs-medium",
     .device_api = "vfio-pci",
     .costs = mbochs_medium,
     .n_costs = 1},
    {.id = "mbochs-large",
     .device_api = "vfio-pci",
     .costs = mbochs_large,
     .n_costs = 1},
};
static const struct mdev_parent_desc mbochs_parent = {
    .name = "mbochs",
    .devpath = "virtual/mbochs/mbochs",
    .driver_name = "mbochs",
    .pools = mbochs_pools,
    .n_pools = 1,
    .types = mbochs_types,
    .n_types = 3,
};

/* mdpy: no pools, the framework counter of 4 per parent. */
static const struct mdev_type_desc mdpy_types[] = {
    {.id = "mdpy-vga", .device_api = "vfio-pci"},
    {.id = "mdpy-xga", .device_api = "vfio-pci"},
    {.id = "mdpy-hd", .device_api = "vfio-pci"},
};
static const struct mdev_parent_desc mdpy_parent = {
    .name = "mdpy",
    .devpath = "virtual/mdpy/mdpy",
    .driver_name = "mdpy",
    .max_devices = 4,
    .types = mdpy_types,
    .n_types = 3,
};

/* GVT-g on one GPU: low GM 512 MB, high GM 2048 MB, 16 fences (the x1
 * type takes all of it; x8 takes an eighth of each). */
static const struct mdev_pool_desc gvt_pools[] = {
    {"low_gm", 512},
    {"high_gm", 2048},
    {"fence", 16},
};
static const struct mdev_cost gvt_x8[] = {
    {"low_gm", 64}, {"high_gm", 256}, {"fence", 2}};
static const struct mdev_cost gvt_x4[] = {
    {"low_gm", 128}, {"high_gm", 512}, {"fence", 4}};
static const struct mdev_cost gvt_x2[] = {
    {"low_gm", 256}, {"high_gm", 1024}, {"fence", 8}};
static const struct mdev_cost gvt_x1[] = {
    {"low_gm", 512}, {"high_gm", 2048}, {"fence", 16}};
static const struct mdev_type_desc gvt_types[] = {
    {.id = "i915-GVTg_V5_8",
     .device_api = "vfio-pci",
     .costs = gvt_x8,
     .n_costs = 3},
    {.id = "i915-GVTg_V5_4",
     .device_api = "vfio-pci",
     .costs = gvt_x4,
     .n_costs = 3},
    {.id = "i915-GVTg_V5_2",
     .device_api = "vfio-pci",
     .costs = gvt_x2,
     .n_costs = 3},
    {.id = "i915-GVTg_V5_1",
     .device_api = "vfio-pci",
     .costs = gvt_x1,
     .n_costs = 3},
};
static const struct mdev_parent_desc gvt_parent = {
    .name = "0000:00:02.0",
    .devpath = "pci0000:00/0000:00:02.0",
    .driver_name = "i915",
    .bus = "pci",
    .pools = gvt_pools,
    .n_pools = 3,
    .types = gvt_types,
    .n_types = 4,
};

/* NVIDIA GRID-like: homogeneous, fb pool of 16 GB in MB. */
static const struct mdev_kv grid_1q_class[] = {
    {"fb_length", "1024M"},
    {"resolution", "5120x2880"},
    {"heads", "4"},
};
static const struct mdev_kv grid_2q_class[] = {
    {"fb_length", "2048M"},
    {"resolution", "5120x2880"},
    {"heads", "4"},
};
static const struct mdev_pool_desc grid_pools[] = {{"fb", 16384}};
static const struct mdev_cost grid_1q_cost[] = {{"fb", 1024}};
static const struct mdev_cost grid_2q_cost[] = {{"fb", 2048}};
static const struct mdev_attr_desc grid_attrs[] = {
    {"nvidia/vgpu_params", MDEV_ATTR_RW, ""},
};
static const struct mdev_type_desc grid_types[] = {
    {.id = "nvidia-63",
     .name = "GRID T4-1Q",
     .device_api = "vfio-pci",
     .class_name = "gpu",
     .class_attrs = grid_1q_class,
     .n_class_attrs = 3,
     .max_instances = 16,
     .costs = grid_1q_cost,
     .n_costs = 1,
     .device_attrs = grid_attrs,
     .n_device_attrs = 1},
    {.id = "nvidia-64",
     .name = "GRID T4-2Q",
     .device_api = "vfio-pci",
     .class_name = "gpu",
     .class_attrs = grid_2q_class,
     .n_class_attrs = 3,
     .max_instances = 8,
     .costs = grid_2q_cost,
     .n_costs = 1,
     .device_attrs = grid_attrs,
     .n_device_attrs = 1},
};
static const struct mdev_parent_desc grid_parent = {
    .name = "0000:65:00.0",
    .devpath = "pci0000:64/0000:64:00.0/0000:65:00.0",
    .driver_name = "nvidia",
    .bus = "pci",
    .policy = MDEV_POLICY_HOMOGENEOUS,
    .pools = grid_pools,
    .n_pools = 1,
    .types = grid_types,
    .n_types = 2,
};

static inline struct mdev_parent *
fake_register(struct mdev_core *core, const struct mdev_parent_desc *desc)
{
	struct mdev_parent *p = NULL;
	char err[256] = "";
	int ret = mdev_parent_register(core, desc, &p, err, sizeof(err));

	if (ret < 0)
		fprintf(stderr, "register %s: %s\n", desc->name, err);
	assert_int_equal(ret, 0);
	assert_non_null(p);
	return p;
}

/* A deterministic UUID from a number: 00000000-0000-4000-8000-<n>. */
static inline void fake_uuid(unsigned long n, uuid_t out)
{
	char s[37];

	snprintf(s, sizeof(s), "%08lx-0000-4000-8000-%012lx", n >> 48 & 0xff,
		 n & 0xffffffffffffUL);
	assert_int_equal(uuid_parse(s, out), 0);
}

static inline int fake_create(struct mdev_type *type, unsigned long n,
			      struct mdev_device **out)
{
	uuid_t u;

	fake_uuid(n, u);
	return mdev_device_create(type, u, 0, out);
}

#endif
