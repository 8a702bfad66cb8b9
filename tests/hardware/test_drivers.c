// SPDX-License-Identifier: MIT
/*
 * The built-in drivers through a real core: the demo's parents, the
 * kernel's names and numbers, pool and policy arithmetic, and the per-device
 * attribute files (mtty's sample file, NVIDIA's vgpu_params, the vfio_ap
 * matrix).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hw_test.h"

#define GVT "0000:00:02.0"
#define T4 "0000:65:00.0"

static void assert_available(struct mdev_core *core, const char *parent,
			     const char *const *types, const unsigned *want,
			     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned got =
		    mdev_type_available(test_type(core, parent, types[i]));

		if (got != want[i])
			fail_msg("%s %s: available %u, want %u", parent,
				 types[i], got, want[i]);
	}
}

static const char *const gvt_types[] = {
    "i915-GVTg_V5_8",
    "i915-GVTg_V5_4",
    "i915-GVTg_V5_2",
    "i915-GVTg_V5_1",
};

#define GVT_AVAIL(core, a, b, c, d)                                            \
	do {                                                                   \
		const unsigned want_[] = {a, b, c, d};                         \
		assert_available(core, GVT, gvt_types, want_, 4);              \
	} while (0)

static void test_demo_parents(void **state)
{
	struct mdev_hardware *hw;
	char err[256];
	const struct mdev_parent_desc *p;

	(void)state;
	assert_int_equal(mdev_hardware_load(NULL, &hw, err, sizeof(err)), 0);
	assert_int_equal(mdev_hardware_parent_count(hw), 4);

	p = mdev_hardware_parent(hw, 0);
	assert_string_equal(p->name, GVT);
	assert_string_equal(p->devpath, "pci0000:00/0000:00:02.0");
	assert_string_equal(p->driver_name, "i915");
	assert_string_equal(p->bus, "pci");
	assert_int_equal(p->n_bus_attrs, 6);
	assert_string_equal(p->bus_attrs[0].name, "vendor");
	assert_string_equal(p->bus_attrs[0].value, "0x8086");
	assert_string_equal(p->bus_attrs[2].name, "class");
	assert_string_equal(p->bus_attrs[2].value, "0x030000");

	p = mdev_hardware_parent(hw, 1);
	assert_string_equal(p->name, T4);
	assert_string_equal(p->devpath, "pci0000:65/0000:65:00.0");
	assert_string_equal(p->driver_name, "nvidia");
	assert_string_equal(p->bus_attrs[0].value, "0x10de");
	assert_string_equal(p->bus_attrs[1].value, "0x1eb8");
	assert_string_equal(p->bus_attrs[2].value, "0x030200");

	p = mdev_hardware_parent(hw, 2);
	assert_string_equal(p->name, "mtty");
	assert_string_equal(p->devpath, "virtual/mtty/mtty");
	assert_string_equal(p->bus, "virtual");
	assert_int_equal(p->n_bus_attrs, 0);

	p = mdev_hardware_parent(hw, 3);
	assert_string_equal(p->name, "matrix");
	assert_string_equal(p->devpath, "vfio_ap/matrix");
	assert_string_equal(p->driver_name, "vfio_ap");
	assert_string_equal(p->bus, "matrix");
	assert_null(mdev_hardware_parent(hw, 4));
	mdev_hardware_free(hw);

	/* The demo text is what --print-demo shows: it must load as a file
	 * would. */
	assert_int_equal(mdev_hardware_parse(mdev_hardware_demo_json(),
					     strlen(mdev_hardware_demo_json()),
					     "demo", &hw, err, sizeof(err)),
			 0);
	assert_int_equal(mdev_hardware_parent_count(hw), 4);
	mdev_hardware_free(hw);
}

static void test_gvt_types(void **state)
{
	struct mdev_core *core = hw_core(NULL);
	const struct mdev_type_desc *d;

	(void)state;
	d = mdev_type_desc(test_type(core, GVT, "i915-GVTg_V5_8"));
	assert_string_equal(d->description,
			    "low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4\n"
			    "resolution: 1024x768\nweight: 2\n");
	assert_string_equal(d->device_api, "vfio-pci");
	assert_null(d->class_name);
	d = mdev_type_desc(test_type(core, GVT, "i915-GVTg_V5_4"));
	assert_string_equal(
	    d->description,
	    "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\n"
	    "resolution: 1920x1200\nweight: 4\n");
	d = mdev_type_desc(test_type(core, GVT, "i915-GVTg_V5_2"));
	assert_string_equal(d->description,
			    "low_gm_size: 256MB\nhigh_gm_size: 1024MB\n"
			    "fence: 4\nresolution: 1920x1200\nweight: 8\n");
	d = mdev_type_desc(test_type(core, GVT, "i915-GVTg_V5_1"));
	assert_string_equal(d->description,
			    "low_gm_size: 512MB\nhigh_gm_size: 2048MB\n"
			    "fence: 4\nresolution: 1920x1200\nweight: 16\n");
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(
		    mdev_type_name(test_type(core, GVT, gvt_types[i])),
		    gvt_types[i] + strlen("i915-"));
	GVT_AVAIL(core, 8, 4, 2, 1);
	mdev_core_free(core);
}

/* Types drawing on the same three pools: low GM 512, high GM 3072,
 * fences 32. */
static void test_gvt_mixed(void **state)
{
	struct mdev_core *core = hw_core(NULL);
	struct mdev_type *x8 = test_type(core, GVT, "i915-GVTg_V5_8");
	struct mdev_type *x4 = test_type(core, GVT, "i915-GVTg_V5_4");
	struct mdev_type *x2 = test_type(core, GVT, "i915-GVTg_V5_2");
	struct mdev_type *x1 = test_type(core, GVT, "i915-GVTg_V5_1");
	unsigned long free_amount, total;

	(void)state;
	/* 2 x4: low 256/512, high 1024/3072, fence 8/32 used. */
	assert_int_equal(hw_create(x4, 1), 0);
	assert_int_equal(hw_create(x4, 2), 0);
	GVT_AVAIL(core, 4, 2, 1, 0);
	assert_int_equal(hw_create(x1, 3), -ENOSPC);
	/* + 1 x2: low GM is gone. */
	assert_int_equal(hw_create(x2, 3), 0);
	GVT_AVAIL(core, 0, 0, 0, 0);
	assert_int_equal(hw_create(x8, 4), -ENOSPC);
	assert_int_equal(mdev_parent_pool(mdev_parent_find(core, GVT), "low_gm",
					  &free_amount, &total),
			 0);
	assert_int_equal(free_amount, 0);
	assert_int_equal(total, 512);
	assert_int_equal(mdev_device_remove(hw_device(core, 3)), 0);
	GVT_AVAIL(core, 4, 2, 1, 0);
	/* + 2 x8: low 384, high 1792, fence 16 used. */
	assert_int_equal(hw_create(x8, 4), 0);
	assert_int_equal(hw_create(x8, 5), 0);
	GVT_AVAIL(core, 2, 1, 0, 0);
	assert_int_equal(hw_create(x4, 6), 0);
	GVT_AVAIL(core, 0, 0, 0, 0);
	mdev_core_free(core);

	/* Eight x8 fill the GPU exactly; high GM binds x8 after five x4
	 * would not, so check a high-GM-bound state too. */
	core = hw_core(NULL);
	x8 = test_type(core, GVT, "i915-GVTg_V5_8");
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(hw_create(x8, 10 + i), 0);
	GVT_AVAIL(core, 0, 0, 0, 0);
	assert_int_equal(hw_create(x8, 20), -ENOSPC);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(mdev_device_remove(hw_device(core, 10 + i)),
				 0);
	/* 5 x8: low 192 free, high 1152 free, fence 12 free. */
	GVT_AVAIL(core, 3, 1, 0, 0);
	mdev_core_free(core);
}

static void test_mtty(void **state)
{
	struct mdev_core *core = hw_core(NULL);
	struct mdev_type *m1 = test_type(core, "mtty", "mtty-1");
	struct mdev_type *m2 = test_type(core, "mtty", "mtty-2");
	const struct mdev_type_desc *d = mdev_type_desc(m1);
	char want[64];

	(void)state;
	assert_string_equal(mdev_type_name(m1), "Single port serial");
	assert_string_equal(mdev_type_name(m2), "Dual port serial");
	assert_string_equal(d->device_api, "vfio-pci");
	assert_null(d->description);
	assert_int_equal(mdev_type_available(m1), 24);
	assert_int_equal(mdev_type_available(m2), 12);
	for (unsigned i = 0; i < 11; i++)
		assert_int_equal(hw_create(m2, 100 + i), 0);
	assert_int_equal(mdev_type_available(m1), 2);
	assert_int_equal(mdev_type_available(m2), 1);
	assert_int_equal(hw_create(m1, 1), 0);
	assert_int_equal(mdev_type_available(m1), 1);
	assert_int_equal(mdev_type_available(m2), 0);
	assert_int_equal(hw_create(m2, 2), -ENOSPC);
	assert_int_equal(hw_create(m1, 2), 0);
	assert_int_equal(hw_create(m1, 3), -ENOSPC);

	snprintf(want, sizeof(want), "This is MDEV %s\n", hw_uuid(1));
	assert_string_equal(
	    hw_show(hw_device(core, 1), "vendor/sample_mdev_dev"), want);
	assert_int_equal(
	    hw_store(hw_device(core, 1), "vendor/sample_mdev_dev", "x"),
	    -EACCES);
	mdev_core_free(core);
}

static const char *const t4_types[] = {
    "nvidia-222", "nvidia-223", "nvidia-230", "nvidia-231",
    "nvidia-232", "nvidia-233", "nvidia-234",
};

static void test_nvidia(void **state)
{
	struct mdev_core *core = hw_core(NULL);
	struct mdev_type *q2 = test_type(core, T4, "nvidia-231");
	const struct mdev_type_desc *d = mdev_type_desc(q2);
	const unsigned start[] = {16, 8, 16, 8, 4, 2, 1};
	const unsigned one_2q[] = {0, 0, 0, 7, 0, 0, 0};
	struct mdev_device *dev;

	(void)state;
	assert_string_equal(mdev_type_name(q2), "GRID T4-2Q");
	assert_string_equal(d->description,
			    "num_heads=4, frl_config=60, framebuffer=2048M, "
			    "max_resolution=5120x2880, max_instance=8\n");
	assert_string_equal(d->class_name, "gpu");
	assert_int_equal(d->n_class_attrs, 3);
	assert_string_equal(d->class_attrs[0].name, "fb_length");
	assert_string_equal(d->class_attrs[0].value, "2048M");
	assert_string_equal(d->class_attrs[1].value, "5120x2880");
	assert_string_equal(d->class_attrs[2].value, "4");
	assert_int_equal(d->max_instances, 8);
	assert_string_equal(mdev_type_name(test_type(core, T4, "nvidia-234")),
			    "GRID T4-16Q");
	assert_string_equal(
	    mdev_type_desc(test_type(core, T4, "nvidia-234"))->description,
	    "num_heads=4, frl_config=60, framebuffer=16384M, "
	    "max_resolution=7680x4320, max_instance=1\n");

	assert_available(core, T4, t4_types, start, 7);
	assert_int_equal(hw_create(q2, 1), 0);
	assert_available(core, T4, t4_types, one_2q, 7);
	/* Another type while a 2Q exists: the framework says no. */
	assert_int_equal(hw_create(test_type(core, T4, "nvidia-230"), 2),
			 -EUSERS);
	for (unsigned i = 2; i <= 8; i++)
		assert_int_equal(hw_create(q2, i), 0);
	assert_int_equal(mdev_type_available(q2), 0);
	assert_int_equal(hw_create(q2, 9), -EUSERS);

	dev = hw_device(core, 1);
	assert_string_equal(hw_show(dev, "nvidia/vgpu_params"), "\n");
	assert_int_equal(
	    hw_store(dev, "nvidia/vgpu_params", "frame_rate_limiter=0\n"), 0);
	assert_string_equal(hw_show(dev, "nvidia/vgpu_params"),
			    "frame_rate_limiter=0\n");

	for (unsigned i = 1; i <= 8; i++)
		assert_int_equal(mdev_device_remove(hw_device(core, i)), 0);
	assert_available(core, T4, t4_types, start, 7);
	mdev_core_free(core);
}

static void test_vfio_ap_type(void **state)
{
	struct mdev_core *core = hw_core(NULL);
	struct mdev_type *t = test_type(core, "matrix", "vfio_ap-passthrough");
	const struct mdev_type_desc *d = mdev_type_desc(t);

	(void)state;
	assert_string_equal(mdev_type_name(t), "VFIO AP Passthrough Device");
	assert_string_equal(d->device_api, "vfio-ap");
	assert_null(d->description);
	assert_int_equal(mdev_type_available(t), 65536);
	mdev_core_free(core);
}

static void test_vfio_ap_matrix(void **state)
{
	struct mdev_core *core = hw_core(NULL);
	struct mdev_type *t = test_type(core, "matrix", "vfio_ap-passthrough");
	struct mdev_device *a, *b;

	(void)state;
	assert_int_equal(hw_create(t, 1), 0);
	assert_int_equal(hw_create(t, 2), 0);
	assert_int_equal(mdev_type_available(t), 65534);
	a = hw_device(core, 1);
	b = hw_device(core, 2);

	assert_string_equal(hw_show(a, "matrix"), "");
	assert_int_equal(hw_store(a, "assign_adapter", "5\n"), 0);
	assert_string_equal(hw_show(a, "matrix"), "05.\n");
	assert_int_equal(hw_store(a, "assign_domain", "0x1f"), 0);
	assert_string_equal(hw_show(a, "matrix"), "05.001f\n");
	assert_int_equal(hw_store(a, "assign_domain", "4"), 0);
	assert_int_equal(hw_store(a, "assign_adapter", "0x10\n"), 0);
	assert_string_equal(hw_show(a, "matrix"),
			    "05.0004\n05.001f\n10.0004\n10.001f\n");
	/* Octal, as kstrtoul base 0 reads it; assigning twice is a no-op. */
	assert_int_equal(hw_store(a, "assign_adapter", "020"), 0);
	assert_string_equal(hw_show(a, "matrix"),
			    "05.0004\n05.001f\n10.0004\n10.001f\n");

	/* The kernel's errors: unparsable EINVAL, above the maximum
	 * ENODEV; nothing changes. */
	assert_int_equal(hw_store(a, "assign_adapter", "x"), -EINVAL);
	assert_int_equal(hw_store(a, "assign_adapter", ""), -EINVAL);
	assert_int_equal(hw_store(a, "assign_adapter", "-1"), -EINVAL);
	assert_int_equal(hw_store(a, "assign_adapter", " 5"), -EINVAL);
	assert_int_equal(hw_store(a, "assign_adapter", "5\n\n"), -EINVAL);
	assert_int_equal(hw_store(a, "assign_adapter", "256"), -ENODEV);
	assert_int_equal(hw_store(a, "assign_domain", "0x100"), -ENODEV);
	assert_int_equal(hw_store(a, "assign_control_domain", "1000"), -ENODEV);
	assert_string_equal(hw_show(a, "matrix"),
			    "05.0004\n05.001f\n10.0004\n10.001f\n");

	/* Write-only and read-only files. */
	char buf[64];

	assert_int_equal(
	    mdev_device_attr_show(a, "assign_adapter", buf, sizeof(buf)),
	    -EACCES);
	assert_int_equal(hw_store(a, "matrix", "1"), -EACCES);

	/* Each device's matrix depends on its own writes only (the journal
	 * replays devices one at a time), so a queue another device holds
	 * is not refused. */
	assert_int_equal(hw_store(b, "assign_domain", "0x1f"), 0);
	assert_string_equal(hw_show(b, "matrix"), ".001f\n");
	assert_int_equal(hw_store(b, "assign_adapter", "5"), 0);
	assert_string_equal(hw_show(b, "matrix"), "05.001f\n");

	assert_int_equal(hw_store(a, "unassign_domain", "4"), 0);
	assert_int_equal(hw_store(a, "unassign_adapter", "200"), 0);
	assert_string_equal(hw_show(a, "matrix"), "05.001f\n10.001f\n");

	assert_string_equal(hw_show(a, "control_domains"), "");
	assert_int_equal(hw_store(a, "assign_control_domain", "0xff"), 0);
	assert_int_equal(hw_store(a, "assign_control_domain", "1"), 0);
	assert_int_equal(hw_store(a, "assign_control_domain", "1"), 0);
	assert_string_equal(hw_show(a, "control_domains"), "0001\n00ff\n");
	assert_int_equal(hw_store(a, "unassign_control_domain", "0xff"), 0);
	assert_string_equal(hw_show(a, "control_domains"), "0001\n");

	/* Removing a device leaves the others alone. */
	assert_int_equal(mdev_device_remove(a), 0);
	assert_int_equal(hw_store(b, "assign_adapter", "6"), 0);
	assert_string_equal(hw_show(b, "matrix"), "05.001f\n06.001f\n");
	mdev_core_free(core);
}

/* A matrix larger than a page is cut at the page, as sysfs_emit_at
 * does. */
static void test_vfio_ap_big_matrix(void **state)
{
	struct mdev_core *core = hw_core(NULL);
	struct mdev_type *t = test_type(core, "matrix", "vfio_ap-passthrough");
	struct mdev_device *a;
	char buf[MDEV_ATTR_MAX];
	char num[8];

	(void)state;
	assert_int_equal(hw_create(t, 1), 0);
	a = hw_device(core, 1);
	for (unsigned i = 0; i < 256; i++) {
		snprintf(num, sizeof(num), "%u", i);
		assert_int_equal(hw_store(a, "assign_domain", num), 0);
	}
	assert_int_equal(hw_store(a, "assign_adapter", "255"), 0);
	assert_int_equal(mdev_device_attr_show(a, "matrix", buf, sizeof(buf)),
			 256 * 8);
	assert_int_equal(hw_store(a, "assign_adapter", "0"), 0);
	assert_int_equal(mdev_device_attr_show(a, "matrix", buf, sizeof(buf)),
			 MDEV_ATTR_MAX - 1);
	assert_memory_equal(buf, "00.0000\n00.0001\n", 16);
	assert_memory_equal(buf + 256 * 8 - 8, "00.00ff\nff.0000\n", 16);
	mdev_core_free(core);
}

static const char samples_json[] =
    "{\"parents\": [{\"driver\": \"mbochs\"}, {\"driver\": \"mdpy\"},"
    " {\"driver\": \"vfio_ccw\"}]}";

static void test_mbochs(void **state)
{
	struct mdev_core *core = hw_core(samples_json);
	static const char *const types[] = {
	    "mbochs-small",
	    "mbochs-medium",
	    "mbochs-large",
	};
	const unsigned start[] = {64, 16, 4};
	const unsigned one_large[] = {48, 12, 3};
	const unsigned full[] = {0, 0, 0};
	struct mdev_type *large = test_type(core, "mbochs", "mbochs-large");

	(void)state;
	assert_string_equal(
	    mdev_parent_devpath(mdev_parent_find(core, "mbochs")),
	    "virtual/mbochs/mbochs");
	assert_string_equal(mdev_type_name(large), "mbochs-large");
	assert_string_equal(mdev_type_desc(large)->description,
			    "virtual display, 64 MB video memory\n");
	assert_available(core, "mbochs", types, start, 3);
	assert_int_equal(hw_create(large, 1), 0);
	assert_available(core, "mbochs", types, one_large, 3);
	assert_string_equal(hw_show(hw_device(core, 1), "vendor/memory"),
			    "64 MB\n");
	for (unsigned i = 2; i <= 4; i++)
		assert_int_equal(hw_create(large, i), 0);
	assert_available(core, "mbochs", types, full, 3);
	assert_int_equal(
	    hw_create(test_type(core, "mbochs", "mbochs-small"), 5), -ENOSPC);
	mdev_core_free(core);
}

static void test_mdpy(void **state)
{
	struct mdev_core *core = hw_core(samples_json);
	static const char *const types[] = {"mdpy-vga", "mdpy-xga", "mdpy-hd"};
	const unsigned start[] = {4, 4, 4};
	const unsigned one[] = {3, 3, 3};
	const unsigned full[] = {0, 0, 0};
	struct mdev_type *hd = test_type(core, "mdpy", "mdpy-hd");

	(void)state;
	assert_string_equal(mdev_type_desc(hd)->description,
			    "virtual display, 1920x1080 framebuffer\n");
	assert_string_equal(mdev_type_name(hd), "mdpy-hd");
	assert_available(core, "mdpy", types, start, 3);
	assert_int_equal(hw_create(hd, 1), 0);
	assert_available(core, "mdpy", types, one, 3);
	assert_string_equal(hw_show(hw_device(core, 1), "vendor/resolution"),
			    "1920x1080\n");
	assert_int_equal(hw_create(test_type(core, "mdpy", "mdpy-vga"), 2), 0);
	assert_int_equal(hw_create(test_type(core, "mdpy", "mdpy-xga"), 3), 0);
	assert_int_equal(hw_create(hd, 4), 0);
	assert_available(core, "mdpy", types, full, 3);
	assert_int_equal(hw_create(hd, 5), -EUSERS);
	mdev_core_free(core);
}

static void test_vfio_ccw(void **state)
{
	struct mdev_core *core = hw_core(samples_json);
	struct mdev_parent *p = mdev_parent_find(core, "0.0.0313");
	struct mdev_type *t = test_type(core, "0.0.0313", "vfio_ccw-io");

	(void)state;
	assert_string_equal(mdev_parent_devpath(p), "css0/0.0.0313");
	assert_string_equal(mdev_parent_bus(p), "css");
	assert_string_equal(mdev_type_name(t), "I/O subchannel (Non-QDIO)");
	assert_string_equal(mdev_type_desc(t)->device_api, "vfio-ccw");
	assert_int_equal(mdev_type_available(t), 1);
	assert_int_equal(hw_create(t, 1), 0);
	assert_int_equal(hw_create(t, 2), -EUSERS);
	mdev_core_free(core);
}

/* Driver overrides: pool sizes (the modules' parameters), names,
 * devpaths and PCI ids. */
static void test_overrides(void **state)
{
	struct mdev_core *core =
	    hw_core("{\"parents\": ["
		    "{\"driver\": \"mtty\", \"ports\": 3},"
		    "{\"driver\": \"mtty\", \"name\": \"mtty2\"},"
		    "{\"driver\": \"mbochs\", \"mbytes\": 32},"
		    "{\"driver\": \"mdpy\", \"max_devices\": 1},"
		    "{\"driver\": \"nvidia\", \"name\": \"0000:3b:00.0\","
		    " \"devpath\": \"pci0000:3a/0000:3a:00.0/0000:3b:00.0\","
		    " \"device\": \"1DB4\", \"class\": 197120,"
		    " \"numa_node\": 1, \"bus_attrs\": {\"revision\": \"a1\","
		    " \"label\": \"GPU 1\"}}]}");
	struct mdev_parent *p;
	const struct mdev_kv *kv;

	(void)state;
	assert_int_equal(mdev_type_available(test_type(core, "mtty", "mtty-1")),
			 3);
	assert_int_equal(mdev_type_available(test_type(core, "mtty", "mtty-2")),
			 1);
	p = mdev_parent_find(core, "mtty2");
	assert_string_equal(mdev_parent_devpath(p), "virtual/mtty/mtty2");
	assert_int_equal(
	    mdev_type_available(test_type(core, "mtty2", "mtty-1")), 24);
	assert_int_equal(
	    mdev_type_available(test_type(core, "mbochs", "mbochs-medium")), 2);
	assert_int_equal(
	    mdev_type_available(test_type(core, "mdpy", "mdpy-vga")), 1);

	p = mdev_parent_find(core, "0000:3b:00.0");
	assert_string_equal(mdev_parent_devpath(p),
			    "pci0000:3a/0000:3a:00.0/0000:3b:00.0");
	assert_int_equal(mdev_parent_bus_attr_count(p), 8);
	kv = mdev_parent_bus_attr(p, 0);
	assert_string_equal(kv->value, "0x10de");
	kv = mdev_parent_bus_attr(p, 1);
	assert_string_equal(kv->name, "device");
	assert_string_equal(kv->value, "0x1db4");
	kv = mdev_parent_bus_attr(p, 2);
	assert_string_equal(kv->value, "0x030200");
	kv = mdev_parent_bus_attr(p, 5);
	assert_string_equal(kv->name, "numa_node");
	assert_string_equal(kv->value, "1");
	kv = mdev_parent_bus_attr(p, 6);
	assert_string_equal(kv->name, "revision");
	assert_string_equal(kv->value, "0xa1");
	kv = mdev_parent_bus_attr(p, 7);
	assert_string_equal(kv->name, "label");
	assert_string_equal(kv->value, "GPU 1");
	mdev_core_free(core);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_parents),
	    cmocka_unit_test(test_gvt_types),
	    cmocka_unit_test(test_gvt_mixed),
	    cmocka_unit_test(test_mtty),
	    cmocka_unit_test(test_nvidia),
	    cmocka_unit_test(test_vfio_ap_type),
	    cmocka_unit_test(test_vfio_ap_matrix),
	    cmocka_unit_test(test_vfio_ap_big_matrix),
	    cmocka_unit_test(test_mbochs),
	    cmocka_unit_test(test_mdpy),
	    cmocka_unit_test(test_vfio_ccw),
	    cmocka_unit_test(test_overrides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
