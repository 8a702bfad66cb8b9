// SPDX-License-Identifier: MIT
/* Lifecycle: create/remove errno paths, hooks, unregister, attributes,
 * threads and scale. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "core_priv.h"
#include "fake.h"

static int setup_core(void **state)
{
	struct mdev_core *core = mdev_core_new();

	assert_non_null(core);
	*state = core;
	return 0;
}

static int teardown_core(void **state)
{
	mdev_core_free(*state);
	return 0;
}

static void test_create_remove_basic(void **state)
{
	struct mdev_core *core = *state;
	struct mdev_type *t1, *t2;
	struct mdev_device *d;
	const char *u = "1B4E28BA-2FA1-11D2-883F-0016D3CCA427\n";
	char name[37];

	fake_register(core, &mtty_parent);
	t1 = fake_type(core, "mtty", "mtty-1");
	t2 = fake_type(core, "mtty", "mtty-2");
	assert_int_equal(mdev_type_available(t1), 24);
	assert_int_equal(mdev_type_available(t2), 12);
	assert_int_equal(mdev_type_create_write(t2, u, strlen(u)), 0);
	assert_int_equal(mdev_type_available(t1), 22);
	assert_int_equal(mdev_type_available(t2), 11);
	d = mdev_device_find_name(core, "1b4e28ba-2fa1-11d2-883f-0016d3cca427");
	assert_non_null(d);
	assert_null(mdev_device_find_name(
	    core, "1B4E28BA-2FA1-11D2-883F-0016D3CCA427"));
	assert_string_equal(mdev_device_name(d),
			    "1b4e28ba-2fa1-11d2-883f-0016d3cca427");
	assert_ptr_equal(mdev_device_type(d), t2);
	assert_int_equal(mdev_device_iommu_group(d), 1);
	assert_int_equal(mdev_type_instances(t2), 1);
	assert_int_equal(mdev_device_count(core), 1);
	/* EEXIST for the same UUID in either case, on any type. */
	assert_int_equal(mdev_type_create_write(t1, u, 36), -EEXIST);
	strcpy(name, mdev_device_name(d));
	assert_int_equal(mdev_type_create_write(t1, name, 36), -EEXIST);
	assert_int_equal(mdev_device_remove_write(d, "0\n", 2), 0);
	assert_int_equal(mdev_device_count(core), 1);
	assert_int_equal(mdev_device_remove_write(d, "x", 1), -EINVAL);
	assert_int_equal(mdev_device_remove_write(d, "1\n", 2), 0);
	assert_int_equal(mdev_device_count(core), 0);
	assert_null(mdev_device_find_name(core, name));
	assert_int_equal(mdev_type_available(t1), 24);
	assert_int_equal(mdev_type_instances(t2), 0);
}

/* ------------------------------------------------ a driver that counts */

static int drv_creates, drv_removes, drv_fail_create;

static int drv_create(struct mdev_device *mdev)
{
	if (drv_fail_create)
		return drv_fail_create;
	drv_creates++;
	mdev_device_set_driver_data(mdev, &drv_creates);
	return 0;
}

static void drv_remove(struct mdev_device *mdev)
{
	assert_ptr_equal(mdev_device_driver_data(mdev), &drv_creates);
	drv_removes++;
}

static const struct mdev_driver_ops counting_ops = {
    .create = drv_create,
    .remove = drv_remove,
};

static const struct mdev_attr_desc cnt_attrs[] = {
    {"ro", MDEV_ATTR_RO, "fixed"},
    {"rw", MDEV_ATTR_RW, NULL},
    {"wo", MDEV_ATTR_WO, "secret"},
    {"grp/val", MDEV_ATTR_RW, "dflt"},
};
static const struct mdev_pool_desc cnt_pools[] = {{"slots", 4}};
static const struct mdev_cost cnt_cost[] = {{"slots", 1}};
static const struct mdev_type_desc cnt_types[] = {
    {.id = "cnt-a",
     .device_api = "vfio-pci",
     .costs = cnt_cost,
     .n_costs = 1,
     .device_attrs = cnt_attrs,
     .n_device_attrs = 4},
    {.id = "cnt-b", .device_api = "vfio-pci", .costs = cnt_cost, .n_costs = 1},
};
static const struct mdev_parent_desc cnt_parent = {
    .name = "cnt",
    .devpath = "virtual/cnt/cnt",
    .driver_name = "cnt",
    .pools = cnt_pools,
    .n_pools = 1,
    .types = cnt_types,
    .n_types = 2,
    .ops = &counting_ops,
};

/* ------------------------------------------------------ recording hooks */

struct rec {
	struct mdev_core *core;
	int create_commits, remove_commits, attr_commits;
	int registered, unregistered, created, removed, changed;
	int veto_create, veto_remove, veto_attr;
	size_t devices_at_unregistered;
	int create_in_removed_ret; /* a create attempted from device_removed */
	struct mdev_type *create_in_removed_type;
	char last_attr[64];
};

static int h_create_commit(void *o, struct mdev_device *m)
{
	struct rec *r = o;

	(void)m;
	r->create_commits++;
	return r->veto_create;
}

static int h_remove_commit(void *o, struct mdev_device *m)
{
	struct rec *r = o;

	(void)m;
	r->remove_commits++;
	return r->veto_remove;
}

static int h_attr_commit(void *o, struct mdev_device *m, const char *attr,
			 const char *buf, size_t len)
{
	struct rec *r = o;

	(void)m;
	(void)buf;
	(void)len;
	r->attr_commits++;
	snprintf(r->last_attr, sizeof(r->last_attr), "%s", attr);
	return r->veto_attr;
}

static void h_registered(void *o, struct mdev_parent *p)
{
	(void)p;
	((struct rec *)o)->registered++;
}

static void h_unregistered(void *o, struct mdev_parent *p)
{
	struct rec *r = o;
	size_t n = 0;

	for (struct mdev_device *d = mdev_parent_device_first(p); d;
	     d = mdev_parent_device_next(d))
		n++;
	r->devices_at_unregistered = n;
	r->unregistered++;
}

static void h_created(void *o, struct mdev_device *m)
{
	(void)m;
	((struct rec *)o)->created++;
}

static void h_removed(void *o, struct mdev_device *m)
{
	struct rec *r = o;

	/* Already unlinked: a lookup no longer finds it. */
	assert_null(mdev_device_find_name(r->core, mdev_device_name(m)));
	r->removed++;
	if (r->create_in_removed_type)
		r->create_in_removed_ret =
		    fake_create(r->create_in_removed_type, 999, NULL);
}

static void h_changed(void *o, struct mdev_device *m, const char *attr)
{
	(void)m;
	(void)attr;
	((struct rec *)o)->changed++;
}

static const struct mdev_core_hooks rec_hooks = {
    .device_create_commit = h_create_commit,
    .device_remove_commit = h_remove_commit,
    .attr_store_commit = h_attr_commit,
    .parent_registered = h_registered,
    .parent_unregistered = h_unregistered,
    .device_created = h_created,
    .device_removed = h_removed,
    .attr_changed = h_changed,
};

static struct rec *hooked(struct mdev_core *core)
{
	static struct rec r;

	memset(&r, 0, sizeof(r));
	r.core = core;
	drv_creates = drv_removes = drv_fail_create = 0;
	mdev_core_set_hooks(core, &rec_hooks, &r);
	return &r;
}

static void test_eexist_across_parents(void **state)
{
	struct mdev_core *core = *state;
	struct mdev_device *d;

	fake_register(core, &mtty_parent);
	fake_register(core, &mbochs_parent);
	assert_int_equal(fake_create(fake_type(core, "mtty", "mtty-1"), 7, &d),
			 0);
	assert_int_equal(
	    fake_create(fake_type(core, "mbochs", "mbochs-small"), 7, NULL),
	    -EEXIST);
	assert_int_equal(
	    fake_create(fake_type(core, "mtty", "mtty-2"), 7, NULL), -EEXIST);
	assert_int_equal(
	    mdev_type_available(fake_type(core, "mbochs", "mbochs-small")), 64);
	assert_int_equal(mdev_device_count(core), 1);
	/* Bad UUIDs change nothing. */
	assert_int_equal(mdev_type_create_write(
			     fake_type(core, "mtty", "mtty-1"), "nope", 4),
			 -EINVAL);
	assert_int_equal(mdev_device_count(core), 1);
}

static void test_driver_create_failure_undone(void **state)
{
	struct mdev_core *core = *state;
	struct rec *r = hooked(core);
	struct mdev_type *a;
	struct mdev_device *d = NULL;

	fake_register(core, &cnt_parent);
	a = fake_type(core, "cnt", "cnt-a");
	drv_fail_create = -EIO;
	assert_int_equal(fake_create(a, 1, &d), -EIO);
	assert_null(d);
	assert_int_equal(mdev_device_count(core), 0);
	assert_int_equal(mdev_type_available(a), 4);
	assert_int_equal(mdev_type_instances(a), 0);
	assert_int_equal(r->create_commits, 0);
	assert_int_equal(r->created, 0);
	drv_fail_create = 0;
	assert_int_equal(fake_create(a, 1, &d), 0);
	assert_int_equal(mdev_type_available(a), 3);
	assert_int_equal(r->create_commits, 1);
	assert_int_equal(r->created, 1);
}

static void test_commit_veto_undone(void **state)
{
	struct mdev_core *core = *state;
	struct rec *r = hooked(core);
	struct mdev_type *a;
	struct mdev_device *d;
	char buf[MDEV_ATTR_MAX + 1];

	fake_register(core, &cnt_parent);
	a = fake_type(core, "cnt", "cnt-a");
	r->veto_create = -ENOSPC;
	assert_int_equal(fake_create(a, 1, NULL), -ENOSPC);
	assert_int_equal(drv_creates, 1);
	assert_int_equal(drv_removes, 1); /* the driver's create is undone */
	assert_int_equal(r->created, 0);
	assert_int_equal(mdev_type_available(a), 4);
	assert_int_equal(mdev_device_count(core), 0);
	r->veto_create = 0;
	assert_int_equal(fake_create(a, 1, &d), 0);

	/* A vetoed removal leaves the device as it was. */
	r->veto_remove = -EIO;
	assert_int_equal(mdev_device_remove_write(d, "1", 1), -EIO);
	assert_int_equal(mdev_device_count(core), 1);
	assert_int_equal(mdev_type_available(a), 3);
	assert_int_equal(r->removed, 0);
	r->veto_remove = 0;

	/* A vetoed store changes nothing and notifies nobody. */
	r->veto_attr = -ENOSPC;
	assert_int_equal(mdev_device_attr_store(d, "rw", "new\n", 4), -ENOSPC);
	assert_string_equal(mdev_device_attr_get(d, "rw"), "");
	assert_int_equal(r->changed, 0);
	r->veto_attr = 0;
	assert_int_equal(mdev_device_attr_store(d, "rw", "new\n", 4), 0);
	assert_int_equal(r->changed, 1);
	assert_int_equal(mdev_device_attr_show(d, "rw", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "new\n");

	assert_int_equal(mdev_device_remove(d), 0);
	assert_int_equal(r->removed, 1);
	assert_int_equal(drv_removes, 2);
	assert_int_equal(mdev_type_available(a), 4);
}

static void test_unregister_removes_devices(void **state)
{
	struct mdev_core *core = *state;
	struct rec *r = hooked(core);
	struct mdev_device *keep;

	fake_register(core, &cnt_parent);
	fake_register(core, &mtty_parent);
	assert_int_equal(r->registered, 2);
	for (unsigned long i = 0; i < 3; i++)
		assert_int_equal(
		    fake_create(fake_type(core, "cnt", "cnt-a"), i, NULL), 0);
	assert_int_equal(
	    fake_create(fake_type(core, "mtty", "mtty-1"), 10, &keep), 0);
	/* Vetoes are ignored (the hardware is gone), and a create from a
	 * hook while the parent goes away gets ENODEV. */
	r->veto_remove = -EIO;
	r->create_in_removed_type = fake_type(core, "cnt", "cnt-b");
	assert_int_equal(mdev_parent_unregister(core, "cnt"), 0);
	assert_int_equal(r->create_in_removed_ret, -ENODEV);
	assert_int_equal(r->remove_commits, 3);
	assert_int_equal(r->removed, 3);
	assert_int_equal(drv_removes, 3);
	assert_int_equal(r->unregistered, 1);
	assert_int_equal(r->devices_at_unregistered, 0);
	assert_null(mdev_parent_find(core, "cnt"));
	assert_int_equal(mdev_device_count(core), 1);
	assert_ptr_equal(mdev_device_first(core), keep);
	assert_int_equal(mdev_parent_unregister(core, "cnt"), -ENODEV);
	assert_int_equal(mdev_parent_unregister(core, "none"), -ENODEV);
	/* Registering again works and starts empty. */
	r->create_in_removed_type = NULL;
	fake_register(core, &cnt_parent);
	assert_int_equal(mdev_type_available(fake_type(core, "cnt", "cnt-a")),
			 4);
}

static void test_core_free_calls_no_hooks(void **state)
{
	struct mdev_core *core = mdev_core_new();
	struct rec *r = hooked(core);

	(void)state;
	fake_register(core, &cnt_parent);
	assert_int_equal(fake_create(fake_type(core, "cnt", "cnt-a"), 1, NULL),
			 0);
	mdev_core_free(core);
	assert_int_equal(r->remove_commits, 0);
	assert_int_equal(r->removed, 0);
	assert_int_equal(r->unregistered, 0);
	assert_int_equal(drv_removes, 1); /* the driver still cleans up */
}

static void test_destroy_write(void **state)
{
	struct mdev_core *core = *state;
	struct mdev_parent *mtty, *mbochs;
	struct mdev_device *d;
	char name[40];

	mtty = fake_register(core, &mtty_parent);
	mbochs = fake_register(core, &mbochs_parent);
	assert_int_equal(fake_create(fake_type(core, "mtty", "mtty-1"), 3, &d),
			 0);
	snprintf(name, sizeof(name), "%s\n", mdev_device_name(d));
	assert_int_equal(mdev_parent_destroy_write(mbochs, name, 37), -ENODEV);
	assert_int_equal(mdev_parent_destroy_write(mtty, name, 38), -EINVAL);
	assert_int_equal(mdev_parent_destroy_write(mtty, "1", 1), -EINVAL);
	assert_int_equal(mdev_device_count(core), 1);
	assert_int_equal(mdev_parent_destroy_write(mtty, name, 37), 0);
	assert_int_equal(mdev_device_count(core), 0);
	assert_int_equal(mdev_parent_destroy_write(mtty, name, 37), -ENODEV);
}

static void test_attributes(void **state)
{
	struct mdev_core *core = *state;
	struct rec *r = hooked(core);
	struct mdev_device *d;
	char buf[MDEV_ATTR_MAX + 1];
	static char big[MDEV_ATTR_MAX + 1];

	fake_register(core, &cnt_parent);
	assert_int_equal(fake_create(fake_type(core, "cnt", "cnt-a"), 1, &d),
			 0);
	assert_int_equal(mdev_device_attr_count(d), 4);
	assert_string_equal(mdev_device_attr_desc(d, 3)->name, "grp/val");
	assert_null(mdev_device_attr_desc(d, 4));
	assert_string_equal(mdev_device_attr_get(d, "ro"), "fixed");
	assert_string_equal(mdev_device_attr_get(d, "rw"), "");
	assert_string_equal(mdev_device_attr_get(d, "grp/val"), "dflt");
	assert_null(mdev_device_attr_get(d, "nope"));
	assert_int_equal(mdev_device_attr_show(d, "ro", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "fixed\n");
	assert_int_equal(mdev_device_attr_show(d, "wo", buf, sizeof(buf)),
			 -EACCES);
	assert_int_equal(mdev_device_attr_show(d, "nope", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(mdev_device_attr_store(d, "ro", "x", 1), -EACCES);
	assert_int_equal(mdev_device_attr_store(d, "nope", "x", 1), -ENOENT);
	assert_int_equal(mdev_device_attr_store(d, "grp", "x", 1), -ENOENT);
	assert_int_equal(r->attr_commits, 0);
	/* One trailing newline is stripped, not two. */
	assert_int_equal(mdev_device_attr_store(d, "grp/val", "a\n\n", 3), 0);
	assert_string_equal(mdev_device_attr_get(d, "grp/val"), "a\n");
	assert_string_equal(r->last_attr, "grp/val");
	assert_int_equal(mdev_device_attr_store(d, "wo", "k", 1), 0);
	assert_string_equal(mdev_device_attr_get(d, "wo"), "k");
	assert_int_equal(mdev_device_attr_store(d, "rw", "", 0), 0);
	assert_string_equal(mdev_device_attr_get(d, "rw"), "");
	/* Size limits: MDEV_ATTR_MAX - 1 bytes is the most a store takes. */
	memset(big, 'v', sizeof(big));
	assert_int_equal(mdev_device_attr_store(d, "rw", big, MDEV_ATTR_MAX),
			 -EINVAL);
	assert_int_equal(
	    mdev_device_attr_store(d, "rw", big, MDEV_ATTR_MAX - 1), 0);
	assert_int_equal(strlen(mdev_device_attr_get(d, "rw")),
			 MDEV_ATTR_MAX - 1);
	/* show truncates to the buffer and stays NUL-terminated. */
	assert_int_equal(mdev_device_attr_show(d, "rw", buf, 10), 9);
	assert_int_equal(strlen(buf), 9);
	assert_int_equal(mdev_device_attr_store(d, "rw", "a\0b", 3), -EINVAL);
	assert_int_equal(mdev_device_attr_set(d, "rw", "val", 3), 0);
	assert_string_equal(mdev_device_attr_get(d, "rw"), "val");
	assert_int_equal(mdev_device_attr_set(d, "nope", "val", 3), -ENOENT);
}

static void test_iteration_and_groups(void **state)
{
	struct mdev_core *core = *state;
	struct mdev_parent *p1, *p2;
	struct mdev_type *t1;
	struct mdev_device *d;
	uuid_t u;
	size_t n = 0;

	p1 = fake_register(core, &mtty_parent);
	p2 = fake_register(core, &mbochs_parent);
	assert_ptr_equal(mdev_parent_first(core), p1);
	assert_ptr_equal(mdev_parent_next(p1), p2);
	assert_null(mdev_parent_next(p2));
	t1 = fake_type(core, "mtty", "mtty-1");
	assert_null(mdev_type_device_first(t1));
	assert_int_equal(fake_create(t1, 1, NULL), 0);
	assert_int_equal(
	    fake_create(fake_type(core, "mbochs", "mbochs-small"), 2, NULL), 0);
	fake_uuid(3, u);
	/* A replayed group is kept and later fresh ones stay above it. */
	assert_int_equal(mdev_device_create(t1, u, 40, &d), 0);
	assert_int_equal(mdev_device_iommu_group(d), 40);
	assert_int_equal(fake_create(t1, 4, &d), 0);
	assert_int_equal(mdev_device_iommu_group(d), 41);
	for (d = mdev_device_first(core); d; d = mdev_device_next(d))
		n++;
	assert_int_equal(n, 4);
	n = 0;
	for (d = mdev_parent_device_first(p1); d;
	     d = mdev_parent_device_next(d))
		n++;
	assert_int_equal(n, 3);
	n = 0;
	for (d = mdev_type_device_first(t1); d; d = mdev_type_device_next(d)) {
		assert_ptr_equal(mdev_device_type(d), t1);
		assert_ptr_equal(mdev_device_parent(d), p1);
		n++;
	}
	assert_int_equal(n, 3);
	d = mdev_device_first(core);
	mdev_device_uuid(d, u);
	assert_ptr_equal(mdev_device_find(core, u), d);
	assert_int_equal(mdev_device_iommu_group(d), 1);
	assert_int_equal(mdev_device_iommu_group(mdev_device_next(d)), 2);
}

/* ----------------------------------------------------------- concurrency */

struct racer {
	struct mdev_core *core;
	struct mdev_type *types[4];
	size_t n_types;
	unsigned long base;
	int ok, other;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	for (unsigned long i = 0; i < 200; i++) {
		struct mdev_type *t = r->types[i % r->n_types];
		int ret = fake_create(t, r->base + i, NULL);

		if (ret == 0)
			r->ok++;
		else if (ret != -ENOSPC && ret != -EUSERS)
			r->other++;
	}
	return NULL;
}

static void run_racers(struct mdev_core *core, struct mdev_type **types,
		       size_t n_types, int *ok)
{
	static unsigned long run;
	pthread_t th[8];
	struct racer r[8];
	int other = 0;

	*ok = 0;
	run++;
	for (int i = 0; i < 8; i++) {
		r[i] = (struct racer){.core = core,
				      .n_types = n_types,
				      .base = run * 100000ul +
					      1000ul * (unsigned long)i};
		for (size_t k = 0; k < n_types; k++)
			r[i].types[(k + (size_t)i) % n_types] = types[k];
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		*ok += r[i].ok;
		other += r[i].other;
	}
	assert_int_equal(other, 0);
}

static void test_concurrent_creates(void **state)
{
	struct mdev_core *core = *state;
	struct mdev_type *types[4];
	unsigned long free_amount;
	int ok;

	fake_register(core, &mtty_parent);
	types[0] = fake_type(core, "mtty", "mtty-2");
	run_racers(core, types, 1, &ok);
	assert_int_equal(ok, 12);
	assert_int_equal(mdev_device_count(core), 12);
	assert_int_equal(mdev_type_available(types[0]), 0);

	/* Mixed GVT-g types racing for one GPU: pools never go negative and
	 * the GPU ends full. */
	fake_register(core, &gvt_parent);
	for (size_t i = 0; i < 4; i++)
		types[i] =
		    mdev_parent_type(mdev_parent_find(core, "0000:00:02.0"), i);
	run_racers(core, types, 4, &ok);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(
		    mdev_parent_pool(mdev_parent_find(core, "0000:00:02.0"),
				     gvt_pools[i].name, &free_amount, NULL),
		    0);
		assert_int_equal(free_amount, 0);
	}
	/* Homogeneous: only one type may win. */
	fake_register(core, &grid_parent);
	types[0] = fake_type(core, "0000:65:00.0", "nvidia-63");
	types[1] = fake_type(core, "0000:65:00.0", "nvidia-64");
	run_racers(core, types, 2, &ok);
	assert_true((mdev_type_instances(types[0]) == 16 &&
		     mdev_type_instances(types[1]) == 0) ||
		    (mdev_type_instances(types[0]) == 0 &&
		     mdev_type_instances(types[1]) == 8));
}

/* ----------------------------------------------------------------- scale */

static void test_100k_devices(void **state)
{
	struct mdev_core *core = *state;
	static const struct mdev_type_desc types[] = {
	    {.id = "big-1", .device_api = "vfio-ap"},
	};
	struct mdev_parent_desc p = {.name = "big",
				     .devpath = "virtual/big",
				     .driver_name = "big",
				     .types = types,
				     .n_types = 1};
	struct mdev_type *t;
	const unsigned long n = 100000;
	uuid_t u;

	/* The per-device footprint the brief promises. */
	assert_true(sizeof(struct mdev_device) < 300);
	fake_register(core, &p);
	t = fake_type(core, "big", "big-1");
	for (unsigned long i = 0; i < n; i++)
		assert_int_equal(fake_create(t, i * 7919, NULL), 0);
	assert_int_equal(mdev_device_count(core), n);
	assert_int_equal(mdev_type_instances(t), n);
	for (unsigned long i = 0; i < n; i++) {
		struct mdev_device *d;

		fake_uuid(i * 7919, u);
		d = mdev_device_find(core, u);
		assert_non_null(d);
		assert_memory_equal(d->uuid, u, sizeof(uuid_t));
	}
	fake_uuid(1, u);
	assert_null(mdev_device_find(core, u));
	/* Remove every other device, then the rest. */
	for (int pass = 0; pass < 2; pass++)
		for (unsigned long i = (unsigned long)pass; i < n; i += 2) {
			fake_uuid(i * 7919, u);
			assert_int_equal(
			    mdev_device_remove(mdev_device_find(core, u)), 0);
		}
	assert_int_equal(mdev_device_count(core), 0);
	assert_null(mdev_device_first(core));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_core, teardown_core)
	const struct CMUnitTest tests[] = {
	    T(test_create_remove_basic),
	    T(test_eexist_across_parents),
	    T(test_driver_create_failure_undone),
	    T(test_commit_veto_undone),
	    T(test_unregister_removes_devices),
	    cmocka_unit_test(test_core_free_calls_no_hooks),
	    T(test_destroy_write),
	    T(test_attributes),
	    T(test_iteration_and_groups),
	    T(test_concurrent_creates),
	    T(test_100k_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
