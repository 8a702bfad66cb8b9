/* SPDX-License-Identifier: MIT */
/*
 * NVIDIA GRID-like time-sliced vGPU on a Tesla T4 (16 GB). The real driver
 * is out of tree; what this models is what it shows in sysfs: type ids
 * nvidia-<n>, pretty names "GRID T4-<size><series>", the description
 * format "num_heads=, frl_config=, framebuffer=, max_resolution=,
 * max_instance=", one type per physical GPU at a time (homogeneous policy)
 * and a writable per-device nvidia/vgpu_params.
 *
 * The frame buffer is the shared pool: each type takes its framebuffer
 * size out of 16384 MB, which gives max_instance at start. The class is
 * gpu, with fb_length/resolution/heads from the same numbers.
 */
#include <stddef.h>

#include "driver.h"
#include "model.h"

static const struct mdev_pool_desc t4_pools[] = {
    {"fb", 16384},
};

static const struct mdev_attr_desc t4_device_attrs[] = {
    {"nvidia/vgpu_params", MDEV_ATTR_RW, ""},
};

#define T4_COST(mb) static const struct mdev_cost t4_cost_##mb[] = {{"fb", mb}}
T4_COST(1024);
T4_COST(2048);
T4_COST(4096);
T4_COST(8192);
T4_COST(16384);

#define T4_CLASS(mb, res)                                                      \
	static const struct mdev_kv t4_class_##mb##_##res[] = {                \
	    {"fb_length", #mb "M"},                                            \
	    {"resolution", #res},                                              \
	    {"heads", "4"},                                                    \
	}
T4_CLASS(1024, 5120x2880);
T4_CLASS(2048, 5120x2880);
T4_CLASS(4096, 5120x2880);
T4_CLASS(8192, 7680x4320);
T4_CLASS(16384, 7680x4320);

#define T4_TYPE(num, profile, frl, mb, res, max)                               \
	{                                                                      \
		.id = "nvidia-" #num, .name = "GRID T4-" profile,              \
		.description =                                                 \
		    "num_heads=4, frl_config=" #frl ", framebuffer=" #mb       \
		    "M, max_resolution=" #res ", max_instance=" #max "\n",     \
		.device_api = "vfio-pci", .class_name = "gpu",                 \
		.class_attrs = t4_class_##mb##_##res,                          \
		.n_class_attrs = ARRAY_SIZE(t4_class_##mb##_##res),            \
		.max_instances = max, .costs = t4_cost_##mb, .n_costs = 1,     \
		.device_attrs = t4_device_attrs,                               \
		.n_device_attrs = ARRAY_SIZE(t4_device_attrs),                 \
	}

static const struct mdev_type_desc t4_types[] = {
    T4_TYPE(222, "1B", 45, 1024, 5120x2880, 16),
    T4_TYPE(223, "2B", 45, 2048, 5120x2880, 8),
    T4_TYPE(230, "1Q", 60, 1024, 5120x2880, 16),
    T4_TYPE(231, "2Q", 60, 2048, 5120x2880, 8),
    T4_TYPE(232, "4Q", 60, 4096, 5120x2880, 4),
    T4_TYPE(233, "8Q", 60, 8192, 7680x4320, 2),
    T4_TYPE(234, "16Q", 60, 16384, 7680x4320, 1),
};

/* Tesla T4 (TU104GL), as its sysfs files print. */
DRV_PCI_BUS_ATTRS(t4_bus_attrs, "0x10de", "0x1eb8", "0x030200", "0x10de",
		  "0x12a2");

const struct mdev_hw_driver nvidia_driver = {
    .name = "nvidia",
    .default_name = "0000:65:00.0",
    .bus = "pci",
    .bus_attrs = t4_bus_attrs,
    .n_bus_attrs = ARRAY_SIZE(t4_bus_attrs),
    .policy = MDEV_POLICY_HOMOGENEOUS,
    .pools = t4_pools,
    .n_pools = ARRAY_SIZE(t4_pools),
    .types = t4_types,
    .n_types = ARRAY_SIZE(t4_types),
    .model = &pci_ident_model,
};
