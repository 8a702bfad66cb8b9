// SPDX-License-Identifier: MIT
/* The class schema and registration-time validation: every class row,
 * missing and malformed attributes, and messages naming parent, type and
 * attribute. */
#include <errno.h>
#include <stdlib.h>

#include "core_priv.h"
#include "fake.h"

static const char *const known_classes[] = {"gpu",    "nic",	"fpga",
					    "serial", "crypto", "io"};

static void test_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(known_classes); i++)
		assert_true(mdev_class_known(known_classes[i]));
	assert_false(mdev_class_known("GPU"));
	assert_false(mdev_class_known("mdev"));
	assert_false(mdev_class_known(""));
	assert_false(mdev_class_known(NULL));
}

static int check(const char *cls, const struct mdev_kv *kv, size_t n, char *err,
		 size_t errlen)
{
	struct mdev_type_desc t = {
	    .id = "nvidia-63",
	    .device_api = "vfio-pci",
	    .class_name = cls,
	    .class_attrs = kv,
	    .n_class_attrs = n,
	};

	err[0] = '\0';
	return mdev_class_check("0000:65:00.0", &t, err, errlen);
}

static void test_every_class_row(void **state)
{
	char err[256];

	(void)state;
	/* Classes without required attributes, and no class at all. */
	for (size_t i = 1; i < ARRAY_SIZE(known_classes); i++)
		assert_int_equal(
		    check(known_classes[i], NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(check(NULL, NULL, 0, err, sizeof(err)), 0);
	/* gpu with everything. */
	assert_int_equal(check("gpu", grid_1q_class, 3, err, sizeof(err)), 0);
	assert_int_equal(check("gpu", NULL, 0, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "parent 0000:65:00.0 type nvidia-63: class "
				 "gpu requires attribute 'fb_length'");
	assert_int_equal(check("vgpu", NULL, 0, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "parent 0000:65:00.0 type nvidia-63: unknown "
				 "class 'vgpu'");
}

static void test_gpu_missing_each(void **state)
{
	static const char *const names[] = {"fb_length", "resolution", "heads"};
	char err[256], want[256];

	(void)state;
	for (size_t miss = 0; miss < 3; miss++) {
		struct mdev_kv kv[2];
		size_t n = 0;

		for (size_t i = 0; i < 3; i++)
			if (i != miss)
				kv[n++] = grid_1q_class[i];
		assert_int_equal(check("gpu", kv, n, err, sizeof(err)),
				 -EINVAL);
		snprintf(want, sizeof(want),
			 "parent 0000:65:00.0 type nvidia-63: class gpu "
			 "requires attribute '%s'",
			 names[miss]);
		assert_string_equal(err, want);
	}
}

static void test_malformed_values(void **state)
{
	static const struct {
		const char *cls;
		struct mdev_kv kv;
		const char *msg;
	} cases[] = {
	    {"gpu",
	     {"fb_length", "12X"},
	     "attribute 'fb_length' value '12X' is not <n>{K,M,G}"},
	    {"gpu",
	     {"resolution", "1920*1080"},
	     "attribute 'resolution' value '1920*1080' is not <H>x<V>"},
	    {"gpu",
	     {"heads", "0"},
	     "attribute 'heads' value '0' is not a positive integer"},
	    /* Known names are checked in any class, and without one. */
	    {"nic", {"heads", "many"}, "attribute 'heads'"},
	    {NULL, {"fb_length", "1024"}, "attribute 'fb_length'"},
	    {"io", {"resolution", ""}, "attribute 'resolution'"},
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mdev_kv kv[3];

		memcpy(kv, grid_1q_class, sizeof(kv));
		for (size_t k = 0; k < 3; k++)
			if (strcmp(kv[k].name, cases[i].kv.name) == 0)
				kv[k] = cases[i].kv;
		assert_int_equal(check(cases[i].cls, kv, 3, err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, cases[i].msg) ||
		    !strstr(err, "parent 0000:65:00.0 type nvidia-63: "))
			fail_msg("case %zu: '%s'", i, err);
	}
	/* Unknown extra attributes are free-form. */
	{
		struct mdev_kv kv[] = {{"ports", "whatever"}};

		assert_int_equal(check("serial", kv, 1, err, sizeof(err)), 0);
	}
}

static void test_register_message(void **state)
{
	struct mdev_core *core = mdev_core_new();
	struct mdev_type_desc types[1] = {grid_types[0]};
	struct mdev_parent_desc p = grid_parent;
	struct mdev_parent *out = NULL;
	char err[256];

	(void)state;
	types[0].n_class_attrs = 2; /* drops heads */
	p.types = types;
	p.n_types = 1;
	assert_int_equal(mdev_parent_register(core, &p, &out, err, sizeof(err)),
			 -EINVAL);
	assert_null(out);
	assert_string_equal(err, "parent 0000:65:00.0 type nvidia-63: class "
				 "gpu requires attribute 'heads'");
	assert_null(mdev_parent_first(core));
	mdev_core_free(core);
}

/* One bad field per case, each a copy of a good mtty description. */
enum field { F_PARENT, F_DEVPATH, F_DRIVER, F_TYPE_ID, F_API, F_ATTR };

static void test_register_validation(void **state)
{
	static const struct {
		enum field field;
		const char *value;
	} bad[] = {
	    {F_PARENT, ""},
	    {F_PARENT, "a/b"},
	    {F_PARENT, "."},
	    {F_PARENT, ".."},
	    {F_PARENT, "a b"},
	    {F_PARENT, "tab\there"},
	    {F_PARENT, "\x7f"},
	    {F_PARENT, NULL},
	    {F_DEVPATH, "/abs"},
	    {F_DEVPATH, "a//b"},
	    {F_DEVPATH, "a/../b"},
	    {F_DEVPATH, "a/"},
	    {F_DEVPATH, ""},
	    {F_DEVPATH, "a/./b"},
	    {F_DRIVER, ""},
	    {F_DRIVER, "x/y"},
	    {F_TYPE_ID, ""},
	    {F_TYPE_ID, "../x"},
	    {F_TYPE_ID, ".."},
	    {F_API, ""},
	    {F_API, NULL},
	    {F_ATTR, "remove"},
	    {F_ATTR, "power/control"},
	    {F_ATTR, "uevent"},
	    {F_ATTR, "mdev_type"},
	    {F_ATTR, "iommu_group/x"},
	    {F_ATTR, "driver"},
	    {F_ATTR, "subsystem"},
	    {F_ATTR, "a/b/c"},
	    {F_ATTR, "a/"},
	    {F_ATTR, "/a"},
	    {F_ATTR, "a/.."},
	    {F_ATTR, "../a"},
	    {F_ATTR, ""},
	    {F_ATTR, "sp ace"},
	};
	struct mdev_core *core = mdev_core_new();
	char longname[MDEV_NAME_MAX + 2];
	char err[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct mdev_type_desc types[2] = {mtty_types[0], mtty_types[1]};
		struct mdev_attr_desc attrs[1] = {mtty_attrs[0]};
		struct mdev_parent_desc p = mtty_parent;

		p.types = types;
		types[0].device_attrs = attrs;
		switch (bad[i].field) {
		case F_PARENT:
			p.name = bad[i].value;
			break;
		case F_DEVPATH:
			p.devpath = bad[i].value;
			break;
		case F_DRIVER:
			p.driver_name = bad[i].value;
			break;
		case F_TYPE_ID:
			types[1].id = bad[i].value;
			break;
		case F_API:
			types[0].device_api = bad[i].value;
			break;
		case F_ATTR:
			attrs[0].name = bad[i].value;
			break;
		}
		err[0] = '\0';
		if (mdev_parent_register(core, &p, NULL, err, sizeof(err)) !=
		    -EINVAL)
			fail_msg("case %zu accepted", i);
		assert_true(strlen(err) > 0);
		assert_null(strchr(err, '\n'));
	}
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	{
		struct mdev_parent_desc p = mtty_parent;

		p.name = longname;
		assert_int_equal(
		    mdev_parent_register(core, &p, NULL, err, sizeof(err)),
		    -EINVAL);
		longname[MDEV_NAME_MAX] = '\0'; /* exactly the maximum */
		assert_int_equal(
		    mdev_parent_register(core, &p, NULL, err, sizeof(err)), 0);
	}
	assert_null(mdev_parent_find(core, "mtty"));
	mdev_core_free(core);
}

static void test_register_tables(void **state)
{
	struct mdev_core *core = mdev_core_new();
	char err[256];
	struct mdev_pool_desc pools[MDEV_MAX_POOLS + 1];
	struct mdev_cost cost_unknown[] = {{"nope", 1}};
	struct mdev_cost cost_zero[] = {{"ports", 0}};
	struct mdev_cost cost_twice[] = {{"ports", 1}, {"ports", 2}};
	struct mdev_attr_desc clash[] = {{"nvidia", MDEV_ATTR_RW, NULL},
					 {"nvidia/x", MDEV_ATTR_RW, NULL}};
	struct mdev_attr_desc dup[] = {{"a/x", MDEV_ATTR_RW, NULL},
				       {"a/x", MDEV_ATTR_RO, NULL}};
	struct mdev_attr_desc group_ok[] = {{"a/x", MDEV_ATTR_RW, NULL},
					    {"a/y", MDEV_ATTR_RO, NULL}};
	struct mdev_attr_desc bad_mode[] = {{"a", 0600, NULL}};
	struct mdev_kv class_clash[] = {{"create", "x"}};
	struct mdev_type_desc t = mtty_types[0];
	struct mdev_parent_desc p = mtty_parent;
	struct mdev_type_desc two[2] = {mtty_types[0], mtty_types[0]};

	(void)state;
	p.types = &t;
	p.n_types = 1;
#define EXPECT(ret_)                                                           \
	assert_int_equal(                                                      \
	    mdev_parent_register(core, &p, NULL, err, sizeof(err)), ret_)
	t.costs = cost_unknown;
	EXPECT(-EINVAL);
	assert_non_null(strstr(err, "unknown pool 'nope'"));
	t.costs = cost_zero;
	EXPECT(-EINVAL);
	t.costs = cost_twice;
	t.n_costs = 2;
	EXPECT(-EINVAL);
	t = mtty_types[0];
	t.device_attrs = clash;
	t.n_device_attrs = 2;
	EXPECT(-EINVAL);
	t.device_attrs = dup;
	EXPECT(-EINVAL);
	t.device_attrs = bad_mode;
	t.n_device_attrs = 1;
	EXPECT(-EINVAL);
	t = mtty_types[0];
	t.class_attrs = class_clash;
	t.n_class_attrs = 1;
	EXPECT(-EINVAL);
	t = mtty_types[0];
	t.class_name = "toaster";
	EXPECT(-EINVAL);
	assert_non_null(strstr(err, "unknown class 'toaster'"));
	t = mtty_types[0];
	p.types = two;
	p.n_types = 2;
	EXPECT(-EINVAL);
	assert_non_null(strstr(err, "duplicate type id 'mtty-1'"));
	p.types = &t;
	p.n_types = 1;
	for (size_t i = 0; i < ARRAY_SIZE(pools); i++) {
		char *name = malloc(8);

		snprintf(name, 8, "p%zu", i);
		pools[i].name = name;
		pools[i].total = 1;
	}
	free((char *)pools[0].name);
	pools[0].name = "ports";
	p.pools = pools;
	p.n_pools = MDEV_MAX_POOLS + 1;
	EXPECT(-EINVAL);
	p.n_pools = MDEV_MAX_POOLS;
	EXPECT(0);
	for (size_t i = 1; i < ARRAY_SIZE(pools); i++)
		free((char *)pools[i].name);
	/* Same name again: EEXIST; a group with two files is fine. */
	p = mtty_parent;
	EXPECT(-EEXIST);
	p.name = "mtty2";
	t = mtty_types[0];
	t.device_attrs = group_ok;
	t.n_device_attrs = 2;
	p.types = &t;
	p.n_types = 1;
	EXPECT(0);
#undef EXPECT
	mdev_core_free(core);
}

static void test_deep_copy(void **state)
{
	struct mdev_core *core = mdev_core_new();
	char *name = strdup("0000:00:03.0"), *id = strdup("json-thing");
	char *api = strdup("vfio-pci"), *pool = strdup("units");
	char *bus_k = strdup("vendor"), *bus_v = strdup("0x10de");
	struct mdev_pool_desc pools[] = {{pool, 10}};
	struct mdev_cost costs[] = {{pool, 5}};
	struct mdev_kv bus[] = {{bus_k, bus_v}};
	struct mdev_type_desc t = {
	    .id = id, .device_api = api, .costs = costs, .n_costs = 1};
	struct mdev_parent_desc p = {
	    .name = name,
	    .devpath = "pci0000:00/0000:00:03.0",
	    .driver_name = "json",
	    .bus = "pci",
	    .bus_attrs = bus,
	    .n_bus_attrs = 1,
	    .pools = pools,
	    .n_pools = 1,
	    .types = &t,
	    .n_types = 1,
	};
	struct mdev_parent *parent;
	struct mdev_type *type;
	unsigned long free_amount, total;

	(void)state;
	parent = fake_register(core, &p);
	memset(name, 'X', strlen(name));
	memset(id, 'X', strlen(id));
	memset(pool, 'X', strlen(pool));
	free(name);
	free(id);
	free(api);
	free(pool);
	free(bus_k);
	free(bus_v);
	assert_ptr_equal(mdev_parent_find(core, "0000:00:03.0"), parent);
	assert_string_equal(mdev_parent_devpath(parent),
			    "pci0000:00/0000:00:03.0");
	assert_string_equal(mdev_parent_bus(parent), "pci");
	assert_int_equal(mdev_parent_bus_attr_count(parent), 1);
	assert_string_equal(mdev_parent_bus_attr(parent, 0)->name, "vendor");
	assert_string_equal(mdev_parent_bus_attr(parent, 0)->value, "0x10de");
	assert_null(mdev_parent_bus_attr(parent, 1));
	type = mdev_parent_type_find(parent, "json-thing");
	assert_non_null(type);
	assert_string_equal(mdev_type_id(type), "json-thing");
	/* No pretty name: the sysfs name, after the driver prefix. */
	assert_string_equal(mdev_type_name(type), "thing");
	assert_string_equal(mdev_type_desc(type)->device_api, "vfio-pci");
	assert_string_equal(mdev_type_desc(type)->requires_group, "0");
	assert_string_equal(mdev_type_desc(type)->params, "");
	assert_null(mdev_type_desc(type)->description);
	assert_int_equal(
	    mdev_parent_pool(parent, "units", &free_amount, &total), 0);
	assert_int_equal(total, 10);
	assert_int_equal(mdev_parent_pool(parent, "nope", NULL, NULL), -ENOENT);
	assert_int_equal(mdev_type_available(type), 2);
	assert_ptr_equal(mdev_type_parent(type), parent);
	assert_ptr_equal(mdev_parent_type(parent, 0), type);
	assert_null(mdev_parent_type(parent, 1));
	assert_int_equal(mdev_parent_type_count(parent), 1);
	assert_string_equal(mdev_parent_driver_name(parent), "json");
	assert_int_equal(mdev_parent_policy(parent), MDEV_POLICY_MIXED);
	mdev_core_free(core);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known),
	    cmocka_unit_test(test_every_class_row),
	    cmocka_unit_test(test_gpu_missing_each),
	    cmocka_unit_test(test_malformed_values),
	    cmocka_unit_test(test_register_message),
	    cmocka_unit_test(test_register_validation),
	    cmocka_unit_test(test_register_tables),
	    cmocka_unit_test(test_deep_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
