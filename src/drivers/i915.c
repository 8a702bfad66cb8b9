/* SPDX-License-Identifier: MIT */
/*
 * Intel GVT-g (i915 kvmgt): a mediated integrated GPU. Each vGPU type takes
 * a slice of the aperture ("low" graphics memory), of the rest of the
 * global GTT ("high" graphics memory) and of the fence registers; types
 * coexist on one GPU, so availability is the minimum over the three pools
 * (the seed's "2's power sharing"). Names and description text are the
 * kernel's (GVTg_V5_<n>, where n vGPUs of the type fill the GPU).
 *
 * The pool totals are chosen so that at start each type shows exactly n:
 * 512 MB low GM (8 x 64 MB ... 1 x 512 MB), 3072 MB high GM (8 x 384 MB;
 * the larger types are bound by low GM first) and 32 fences (4 per vGPU).
 *
 * No class: the seed's "initial support without a gpu class" — the kernel
 * exposes no fb_length/resolution/heads files for GVT-g.
 */
#include <stddef.h>

#include "driver.h"
#include "model.h"

static const struct mdev_pool_desc gvt_pools[] = {
    {"low_gm", 512},
    {"high_gm", 3072},
    {"fence", 32},
};

#define GVT_COSTS(low, high)                                                   \
	{                                                                      \
		{"low_gm", (low)}, {"high_gm", (high)},                        \
		{                                                              \
			"fence", 4                                             \
		}                                                              \
	}

static const struct mdev_cost gvt_costs_8[] = GVT_COSTS(64, 384);
static const struct mdev_cost gvt_costs_4[] = GVT_COSTS(128, 512);
static const struct mdev_cost gvt_costs_2[] = GVT_COSTS(256, 1024);
static const struct mdev_cost gvt_costs_1[] = GVT_COSTS(512, 2048);

/* The kernel's description_show: "low_gm_size: %dMB\nhigh_gm_size: %dMB\n
 * fence: %d\nresolution: %s\nweight: %d\n". */
#define GVT_DESCRIPTION(low, high, res, weight)                                \
	"low_gm_size: " #low "MB\nhigh_gm_size: " #high "MB\nfence: 4\n"       \
	"resolution: " res "\nweight: " #weight "\n"

#define GVT_TYPE(n, low, high, res, weight)                                    \
	{                                                                      \
		.id = "i915-GVTg_V5_" #n,                                      \
		.description = GVT_DESCRIPTION(low, high, res, weight),        \
		.device_api = "vfio-pci", .costs = gvt_costs_##n,              \
		.n_costs = ARRAY_SIZE(gvt_costs_##n),                          \
	}

/* name stays NULL: kvmgt sets only the sysfs name, which `name` shows. */
static const struct mdev_type_desc gvt_types[] = {
    GVT_TYPE(8, 64, 384, "1024x768", 2),
    GVT_TYPE(4, 128, 512, "1920x1200", 4),
    GVT_TYPE(2, 256, 1024, "1920x1200", 8),
    GVT_TYPE(1, 512, 2048, "1920x1200", 16),
};

/* A Coffee Lake UHD Graphics 630, as its sysfs files print. */
DRV_PCI_BUS_ATTRS(gvt_bus_attrs, "0x8086", "0x3e92", "0x030000", "0x8086",
		  "0x2212");

const struct mdev_hw_driver i915_driver = {
    .name = "i915",
    .default_name = "0000:00:02.0",
    .bus = "pci",
    .bus_attrs = gvt_bus_attrs,
    .n_bus_attrs = ARRAY_SIZE(gvt_bus_attrs),
    .policy = MDEV_POLICY_MIXED,
    .pools = gvt_pools,
    .n_pools = ARRAY_SIZE(gvt_pools),
    .types = gvt_types,
    .n_types = ARRAY_SIZE(gvt_types),
    .model = &pci_ident_model,
};
