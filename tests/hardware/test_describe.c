// SPDX-License-Identifier: MIT
/*
 * Every built-in driver described from C, without a hardware file
 * (mdev_hw_describe() then mdev_parent_register()), gives the same tree of
 * parents, types and numbers as the hardware file that names it: with the
 * defaults, with each numeric option set, for the json driver, and for
 * the whole demo.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "hw_test.h"

/* Creates stop here: enough to exhaust every pool and counter of the
 * built-in drivers except vfio_ap's 65536 devices. */
#define FILL_MAX 64

static void dump_kv(FILE *f, const char *what, const struct mdev_kv *kv,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %s %s=%s\n", what, kv[i].name, kv[i].value);
}

/* Creates devices of type until one fails (or FILL_MAX), prints how many
 * and the errno, and removes them again. */
static void dump_fill(FILE *f, struct mdev_core *core, struct mdev_type *type)
{
	unsigned n = 0;
	int ret = 0;

	while (n < FILL_MAX && (ret = hw_create(type, 1000 + n)) == 0)
		n++;
	fprintf(f, "  fill %u then %d\n", n, ret);
	while (n > 0)
		assert_int_equal(
		    mdev_device_remove(hw_device(core, 1000 + --n)), 0);
}

static void dump_type(FILE *f, struct mdev_core *core, struct mdev_type *type)
{
	const struct mdev_type_desc *t = mdev_type_desc(type);
	struct mdev_parent *p = mdev_type_parent(type);

	fprintf(f,
		" type %s name=%s api=%s class=%s max=%u group=%s "
		"params=%s available=%u\n",
		t->id, mdev_type_name(type), t->device_api,
		t->class_name ? t->class_name : "-", t->max_instances,
		t->requires_group ? t->requires_group : "-",
		t->params ? t->params : "-", mdev_type_available(type));
	fprintf(f, "  description=%s\n", t->description ? t->description : "-");
	dump_kv(f, "class", t->class_attrs, t->n_class_attrs);
	for (size_t i = 0; i < t->n_costs; i++) {
		unsigned long free_amount, total;

		assert_int_equal(
		    mdev_parent_pool(p, t->costs[i].pool, &free_amount, &total),
		    0);
		fprintf(f, "  cost %s=%lu of %lu/%lu\n", t->costs[i].pool,
			t->costs[i].amount, free_amount, total);
	}
	for (size_t i = 0; i < t->n_device_attrs; i++)
		fprintf(f, "  attr %s %o %s\n", t->device_attrs[i].name,
			(unsigned)t->device_attrs[i].mode,
			t->device_attrs[i].default_value
			    ? t->device_attrs[i].default_value
			    : "-");
	dump_fill(f, core, type);
}

/* The tree of a core as text (free() it). */
static char *dump_core(struct mdev_core *core)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	for (struct mdev_parent *p = mdev_parent_first(core); p;
	     p = mdev_parent_next(p)) {
		fprintf(f, "parent %s devpath=%s driver=%s bus=%s policy=%d\n",
			mdev_parent_name(p), mdev_parent_devpath(p),
			mdev_parent_driver_name(p), mdev_parent_bus(p),
			(int)mdev_parent_policy(p));
		for (size_t i = 0; i < mdev_parent_bus_attr_count(p); i++)
			dump_kv(f, "bus", mdev_parent_bus_attr(p, i), 1);
		for (size_t i = 0; i < mdev_parent_type_count(p); i++)
			dump_type(f, core, mdev_parent_type(p, i));
	}
	assert_int_equal(fclose(f), 0);
	return text;
}

static void register_parent(struct mdev_core *core,
			    const struct mdev_hw_driver *drv, const char *name,
			    const void *opts)
{
	struct mdev_hw_parent parent;
	char err[512] = "";

	assert_int_equal(mdev_hw_describe(drv, name, opts, &parent), 0);
	if (mdev_parent_register(core, &parent.desc, NULL, err, sizeof(err)))
		fail_msg("register %s: %s", drv->name, err);
}

/* The C core's tree equals the file's, which has every type of drv. */
static void assert_same_tree(struct mdev_core *from_c, const char *file,
			     const struct mdev_hw_driver *drv)
{
	struct mdev_core *from_file = hw_core(file);
	char *want = dump_core(from_file);
	char *got = dump_core(from_c);
	struct mdev_parent *p = mdev_parent_first(from_c);

	assert_non_null(p);
	if (drv->types)
		assert_int_equal(mdev_parent_type_count(p), drv->n_types);
	if (strcmp(got, want))
		fail_msg("%s from C:\n%s\nfrom %s:\n%s", drv->name, got, file,
			 want);
	free(got);
	free(want);
	mdev_core_free(from_file);
}

static void test_defaults(void **state)
{
	(void)state;
	for (size_t i = 0; i < mdev_hw_n_drivers; i++) {
		const struct mdev_hw_driver *drv = mdev_hw_drivers[i];
		struct mdev_core *core;
		char file[128];

		if (!drv->default_name)
			continue; /* json: test_json */
		core = mdev_core_new();
		assert_non_null(core);
		register_parent(core, drv, NULL, NULL);
		snprintf(file, sizeof(file),
			 "{\"parents\": [{\"driver\": \"%s\"}]}", drv->name);
		assert_same_tree(core, file, drv);
		mdev_core_free(core);
	}
}

/* Each numeric option, set from C and in the file, with a value that
 * differs from its default. */
static void test_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < mdev_hw_n_drivers; i++) {
		const struct mdev_hw_driver *drv = mdev_hw_drivers[i];

		for (const struct mdev_hw_key *k = drv->keys; k && k->name;
		     k++) {
			struct mdev_core *core;
			char file[160];
			void *opts;

			if (!k->max)
				continue; /* read by the driver's translate */
			opts = mdev_hw_opts_new(drv);
			assert_non_null(opts);
			assert_int_equal(
			    mdev_hw_opts_set(drv, opts, k->name, 3), 0);
			core = mdev_core_new();
			assert_non_null(core);
			register_parent(core, drv, "p", opts);
			free(opts);
			snprintf(file, sizeof(file),
				 "{\"parents\": [{\"driver\": \"%s\", "
				 "\"name\": \"p\", \"%s\": 3}]}",
				 drv->name, k->name);
			assert_same_tree(core, file, drv);
			mdev_core_free(core);
		}
	}
}

static const struct mdev_pool_desc json_pools[] = {{"slots", 5}};
static const struct mdev_cost json_cost[] = {{"slots", 2}};
static const struct mdev_kv json_class[] = {
    {"fb_length", "1G"},
    {"resolution", "800x600"},
    {"heads", "1"},
};
static const struct mdev_attr_desc json_attrs[] = {
    {"state", MDEV_ATTR_RO, "idle"},
    {"ctl/reset", MDEV_ATTR_WO, NULL},
};
static const struct mdev_type_desc json_types[] = {
    {
	.id = "acme-big",
	.name = "Acme big",
	.description = "two\nlines\n",
	.device_api = "vfio-pci",
	.class_name = "gpu",
	.class_attrs = json_class,
	.n_class_attrs = ARRAY_SIZE(json_class),
	.max_instances = 2,
	.costs = json_cost,
	.n_costs = 1,
	.device_attrs = json_attrs,
	.n_device_attrs = ARRAY_SIZE(json_attrs),
    },
    {.id = "acme-small", .device_api = "vfio-pci"},
};

static const char json_file[] =
    "{\"parents\": [{\"driver\": \"json\", \"name\": \"0000:05:00.0\","
    " \"driver_name\": \"nvidia\", \"policy\": \"homogeneous\","
    " \"max_devices\": 3, \"pools\": {\"slots\": 5},"
    " \"types\": [{\"id\": \"acme-big\", \"name\": \"Acme big\","
    " \"description\": \"two\\nlines\", \"class\": \"gpu\","
    " \"attrs\": {\"fb_length\": \"1G\", \"resolution\": \"800x600\","
    " \"heads\": \"1\"}, \"max_instances\": 2, \"cost\": {\"slots\": 2},"
    " \"device_attrs\": {\"state\": {\"mode\": \"ro\", \"default\": "
    "\"idle\"}, \"ctl/reset\": {\"mode\": \"wo\"}}},"
    " {\"id\": \"acme-small\"}]}]}";

/* The json driver's options are a parent description. */
static void test_json(void **state)
{
	const struct mdev_hw_driver *drv = mdev_hw_driver_find("json");
	const struct mdev_parent_desc opts = {
	    .driver_name = "nvidia",
	    .policy = MDEV_POLICY_HOMOGENEOUS,
	    .max_devices = 3,
	    .pools = json_pools,
	    .n_pools = ARRAY_SIZE(json_pools),
	    .types = json_types,
	    .n_types = ARRAY_SIZE(json_types),
	};
	struct mdev_core *core = mdev_core_new();

	(void)state;
	assert_non_null(drv);
	assert_non_null(core);
	register_parent(core, drv, "0000:05:00.0", &opts);
	assert_same_tree(core, json_file, drv);
	mdev_core_free(core);
}

/* The demo file's parents, from C. */
static void test_demo(void **state)
{
	static const char *const demo[][2] = {
	    {"i915", "0000:00:02.0"},
	    {"nvidia", "0000:65:00.0"},
	    {"mtty", NULL},
	    {"vfio_ap", NULL},
	};
	struct mdev_core *from_c = mdev_core_new();
	struct mdev_core *from_file = hw_core(NULL);
	char *got;
	char *want;

	(void)state;
	assert_non_null(from_c);
	for (size_t i = 0; i < ARRAY_SIZE(demo); i++) {
		const struct mdev_hw_driver *drv =
		    mdev_hw_driver_find(demo[i][0]);

		assert_non_null(drv);
		register_parent(from_c, drv, demo[i][1], NULL);
	}
	got = dump_core(from_c);
	want = dump_core(from_file);
	assert_string_equal(got, want);
	free(got);
	free(want);
	mdev_core_free(from_c);
	mdev_core_free(from_file);
}

/* What the C way in refuses, each with its errno. */
static void test_refusals(void **state)
{
	const struct mdev_hw_driver *mtty = mdev_hw_driver_find("mtty");
	const struct mdev_hw_driver *nvidia = mdev_hw_driver_find("nvidia");
	const struct mdev_hw_driver *json = mdev_hw_driver_find("json");
	struct mdev_hw_parent parent;
	void *opts;

	(void)state;
	assert_null(mdev_hw_driver_find("amdgpu"));
	opts = mdev_hw_opts_new(mtty);
	assert_non_null(opts);
	assert_int_equal(mdev_hw_opts_set(mtty, opts, "port", 3), -ENOENT);
	assert_int_equal(mdev_hw_opts_set(mtty, opts, "ports", 0), -ERANGE);
	assert_int_equal(mdev_hw_opts_set(mtty, opts, "ports", (1UL << 20) + 1),
			 -ERANGE);
	free(opts);
	/* A json key is not a number to set. */
	opts = mdev_hw_opts_new(json);
	assert_non_null(opts);
	assert_int_equal(mdev_hw_opts_set(json, opts, "max_devices", 3),
			 -EINVAL);
	free(opts);
	assert_int_equal(mdev_hw_describe(nvidia, "gpu0", NULL, &parent),
			 -EINVAL);
	assert_int_equal(mdev_hw_describe(json, NULL, NULL, &parent), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults), cmocka_unit_test(test_options),
	    cmocka_unit_test(test_json),     cmocka_unit_test(test_demo),
	    cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
