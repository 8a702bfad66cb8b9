// SPDX-License-Identifier: MIT
/* Lifecycle: create/remove errno paths, consumers (commits, vetoes and
 * aborts, mirrors, notifications after unlock), unregister, attributes,
 * threads and scale. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

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
	t1 = test_type(core, "mtty", "mtty-1");
	t2 = test_type(core, "mtty", "mtty-2");
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

/* -------------------------------------------------- a recording consumer */

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

static void h_parent_added(void *o, struct mdev_parent *p)
{
	(void)p;
	((struct rec *)o)->registered++;
}

static void h_parent_removed(void *o, struct mdev_parent *p)
{
	struct rec *r = o;
	size_t n = 0;

	for (struct mdev_device *d = mdev_parent_device_first(p); d;
	     d = mdev_parent_device_next(d))
		n++;
	r->devices_at_unregistered = n;
	r->unregistered++;
}

static void h_device_added(void *o, struct mdev_device *m)
{
	(void)m;
	((struct rec *)o)->created++;
}

static void h_device_removed(void *o, struct mdev_device *m)
{
	struct rec *r = o;

	/* Already unlinked: a lookup no longer finds it. */
	assert_null(mdev_device_find_name(r->core, mdev_device_name(m)));
	r->removed++;
}

static void h_notify(void *o, const struct mdev_event *ev)
{
	struct rec *r = o;

	if (ev->kind == MDEV_EVENT_ATTR_CHANGED)
		r->changed++;
	/* After unlock: a notification may change the core. */
	if (ev->kind == MDEV_EVENT_DEVICE_REMOVED && r->create_in_removed_type)
		r->create_in_removed_ret =
		    fake_create(r->create_in_removed_type, 999, NULL);
}

static const struct mdev_consumer_ops rec_ops = {
    .name = "rec",
    .device_create_commit = h_create_commit,
    .device_remove_commit = h_remove_commit,
    .attr_store_commit = h_attr_commit,
    .parent_added = h_parent_added,
    .parent_removed = h_parent_removed,
    .device_added = h_device_added,
    .device_removed = h_device_removed,
    .notify = h_notify,
};

static struct rec *hooked(struct mdev_core *core)
{
	static struct rec r;

	memset(&r, 0, sizeof(r));
	r.core = core;
	drv_creates = drv_removes = drv_fail_create = 0;
	assert_int_equal(mdev_core_attach(core, &rec_ops, &r), 0);
	return &r;
}

static void test_eexist_across_parents(void **state)
{
	struct mdev_core *core = *state;
	struct mdev_device *d;

	fake_register(core, &mtty_parent);
	fake_register(core, &mbochs_parent);
	assert_int_equal(fake_create(test_type(core, "mtty", "mtty-1"), 7, &d),
			 0);
	assert_int_equal(
	    fake_create(test_type(core, "mbochs", "mbochs-small"), 7, NULL),
	    -EEXIST);
	assert_int_equal(
	    fake_create(test_type(core, "mtty", "mtty-2"), 7, NULL), -EEXIST);
	assert_int_equal(
	    mdev_type_available(test_type(core, "mbochs", "mbochs-small")), 64);
	assert_int_equal(mdev_device_count(core), 1);
	/* Bad UUIDs change nothing. */
	assert_int_equal(mdev_type_create_write(
			     test_type(core, "mtty", "mtty-1"), "nope", 4),
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
	a = test_type(core, "cnt", "cnt-a");
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
	a = test_type(core, "cnt", "cnt-a");
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
		    fake_create(test_type(core, "cnt", "cnt-a"), i, NULL), 0);
	assert_int_equal(
	    fake_create(test_type(core, "mtty", "mtty-1"), 10, &keep), 0);
	/* Vetoes are ignored (the hardware is gone), and a create from a
	 * notification of the removal finds the parent gone: ENODEV. */
	r->veto_remove = -EIO;
	r->create_in_removed_type = test_type(core, "cnt", "cnt-b");
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
	assert_int_equal(mdev_type_available(test_type(core, "cnt", "cnt-a")),
			 4);
}

static void test_core_free_calls_no_hooks(void **state)
{
	struct mdev_core *core = mdev_core_new();
	struct rec *r = hooked(core);

	(void)state;
	fake_register(core, &cnt_parent);
	assert_int_equal(fake_create(test_type(core, "cnt", "cnt-a"), 1, NULL),
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
	assert_int_equal(fake_create(test_type(core, "mtty", "mtty-1"), 3, &d),
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
	assert_int_equal(fake_create(test_type(core, "cnt", "cnt-a"), 1, &d),
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
	t1 = test_type(core, "mtty", "mtty-1");
	assert_null(mdev_type_device_first(t1));
	assert_int_equal(fake_create(t1, 1, NULL), 0);
	assert_int_equal(
	    fake_create(test_type(core, "mbochs", "mbochs-small"), 2, NULL), 0);
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

/* A parent's IOMMU group is its own: fresh device groups start above it,
 * a replayed device group that is a parent's is replaced, and a parent
 * may not take a group a device has. */
static void test_parent_groups(void **state)
{
	struct mdev_core *core = *state;
	struct mdev_parent_desc desc = mtty_parent;
	struct mdev_device *d;
	struct mdev_type *t;
	char err[256];
	uuid_t u;

	desc.iommu_group = 9;
	assert_non_null(fake_register(core, &desc));
	assert_int_equal(mdev_parent_iommu_group(mdev_parent_first(core)), 9);
	t = test_type(core, "mtty", "mtty-1");
	assert_int_equal(fake_create(t, 1, &d), 0);
	assert_int_equal(mdev_device_iommu_group(d), 10);
	fake_uuid(2, u);
	assert_int_equal(mdev_device_create(t, u, 9, &d), 0);
	assert_int_equal(mdev_device_iommu_group(d), 11);
	desc = mbochs_parent;
	desc.iommu_group = 11;
	assert_int_equal(
	    mdev_parent_register(core, &desc, NULL, err, sizeof(err)), -EBUSY);
	assert_string_equal(err, "parent mbochs: iommu_group 11 is a device's");
	assert_null(mdev_parent_next(mdev_parent_first(core)));
	desc.iommu_group = 20;
	assert_non_null(fake_register(core, &desc));
	assert_int_equal(fake_create(t, 3, &d), 0);
	assert_int_equal(mdev_device_iommu_group(d), 21);
}

/* ----------------------------------------- several consumers, in order */

/* Each consumer writes "<name><op>" to one log: + commit, - abort, ! a
 * notification (c create, r remove, a attribute, u unregistered). */
static char order_log[1024];

static void log_step(const char *name, char op, char what)
{
	size_t n = strlen(order_log);

	snprintf(order_log + n, sizeof(order_log) - n, "%s%c%c ", name, op,
		 what);
}

struct logc {
	const char *name;
	int veto_create, veto_remove, veto_attr;
};

static int l_create_commit(void *o, struct mdev_device *m)
{
	struct logc *c = o;

	(void)m;
	log_step(c->name, '+', 'c');
	return c->veto_create;
}

static void l_create_abort(void *o, struct mdev_device *m)
{
	(void)m;
	log_step(((struct logc *)o)->name, '-', 'c');
}

static int l_remove_commit(void *o, struct mdev_device *m)
{
	struct logc *c = o;

	(void)m;
	log_step(c->name, '+', 'r');
	return c->veto_remove;
}

static void l_remove_abort(void *o, struct mdev_device *m)
{
	(void)m;
	log_step(((struct logc *)o)->name, '-', 'r');
}

static int l_attr_commit(void *o, struct mdev_device *m, const char *attr,
			 const char *buf, size_t len)
{
	struct logc *c = o;

	(void)m;
	(void)attr;
	(void)buf;
	(void)len;
	log_step(c->name, '+', 'a');
	return c->veto_attr;
}

static void l_attr_abort(void *o, struct mdev_device *m, const char *attr)
{
	(void)m;
	(void)attr;
	log_step(((struct logc *)o)->name, '-', 'a');
}

static void l_notify(void *o, const struct mdev_event *ev)
{
	static const char what[] = {
	    [MDEV_EVENT_PARENT_REGISTERED] = 'p',
	    [MDEV_EVENT_PARENT_UNREGISTERED] = 'u',
	    [MDEV_EVENT_DEVICE_CREATED] = 'c',
	    [MDEV_EVENT_DEVICE_REMOVED] = 'r',
	    [MDEV_EVENT_ATTR_CHANGED] = 'a',
	};

	log_step(((struct logc *)o)->name, '!', what[ev->kind]);
}

static const struct mdev_consumer_ops log_ops = {
    .name = "log",
    .device_create_commit = l_create_commit,
    .device_create_abort = l_create_abort,
    .device_remove_commit = l_remove_commit,
    .device_remove_abort = l_remove_abort,
    .attr_store_commit = l_attr_commit,
    .attr_store_abort = l_attr_abort,
    .notify = l_notify,
};

/* A driver that refuses values starting with 'x' after every consumer
 * accepted them. */
static int picky_store(struct mdev_device *mdev, const char *attr,
		       const char *buf, size_t len)
{
	if (len && buf[0] == 'x')
		return -EINVAL;
	return mdev_device_attr_set(mdev, attr, buf, len);
}

static const struct mdev_driver_ops picky_ops = {.attr_store = picky_store};
static const struct mdev_attr_desc picky_attrs[] = {
    {"val", MDEV_ATTR_RW, NULL},
};
static const struct mdev_type_desc picky_types[] = {
    {.id = "picky-1",
     .device_api = "vfio-pci",
     .device_attrs = picky_attrs,
     .n_device_attrs = 1},
};
static const struct mdev_parent_desc picky_parent = {
    .name = "picky",
    .devpath = "virtual/picky/picky",
    .driver_name = "picky",
    .types = picky_types,
    .n_types = 1,
    .ops = &picky_ops,
};

static void test_consumers_veto_order_and_undo(void **state)
{
	struct mdev_core *core = *state;
	struct logc a = {.name = "A"}, b = {.name = "B"}, c = {.name = "C"};
	struct mdev_type *t;
	struct mdev_device *d;

	fake_register(core, &picky_parent);
	t = test_type(core, "picky", "picky-1");
	assert_int_equal(mdev_core_attach(core, &log_ops, &a), 0);
	assert_int_equal(mdev_core_attach(core, &log_ops, &b), 0);
	assert_int_equal(mdev_core_attach(core, &log_ops, &c), 0);

	/* B vetoes: A, which accepted, takes it back; C is never asked;
	 * nobody is notified. */
	order_log[0] = '\0';
	b.veto_create = -ENOSPC;
	assert_int_equal(fake_create(t, 1, NULL), -ENOSPC);
	assert_string_equal(order_log, "A+c B+c A-c ");
	assert_int_equal(mdev_device_count(core), 0);
	b.veto_create = 0;

	/* Accepted: commits in attach order, then the notifications. */
	order_log[0] = '\0';
	assert_int_equal(fake_create(t, 1, &d), 0);
	assert_string_equal(order_log, "A+c B+c C+c A!c B!c C!c ");

	/* The last vetoes a removal: aborts in reverse order. */
	order_log[0] = '\0';
	c.veto_remove = -EIO;
	assert_int_equal(mdev_device_remove(d), -EIO);
	assert_string_equal(order_log, "A+r B+r C+r B-r A-r ");
	assert_ptr_equal(mdev_device_first(core), d);
	c.veto_remove = 0;

	/* The driver refuses what every consumer accepted: all abort. */
	order_log[0] = '\0';
	assert_int_equal(mdev_device_attr_store(d, "val", "xyz", 3), -EINVAL);
	assert_string_equal(order_log, "A+a B+a C+a C-a B-a A-a ");
	order_log[0] = '\0';
	assert_int_equal(mdev_device_attr_store(d, "val", "ok", 2), 0);
	assert_string_equal(order_log, "A+a B+a C+a A!a B!a C!a ");

	/* Unregistration: every consumer is asked, vetoes are ignored and
	 * nothing is aborted. */
	order_log[0] = '\0';
	b.veto_remove = -EIO;
	assert_int_equal(mdev_parent_unregister(core, "picky"), 0);
	assert_string_equal(order_log, "A+r B+r C+r A!r B!r C!r A!u B!u C!u ");
	b.veto_remove = 0;

	/* A detached consumer is not called any more. */
	fake_register(core, &picky_parent);
	t = test_type(core, "picky", "picky-1");
	assert_int_equal(mdev_core_detach(core, &log_ops, &b), 0);
	assert_int_equal(mdev_core_detach(core, &log_ops, &b), -ENOENT);
	order_log[0] = '\0';
	assert_int_equal(fake_create(t, 2, NULL), 0);
	assert_string_equal(order_log, "A+c C+c A!c C!c ");
}

/* ------------------------------------------------------ attach rules */

struct replayer {
	int replays, create_commits, replay_ret;
	struct mdev_type *type;
};

static int r_replay(void *o, struct mdev_core *core)
{
	struct replayer *r = o;

	(void)core;
	r->replays++;
	if (r->replay_ret)
		return r->replay_ret;
	return fake_create(r->type, 50, NULL);
}

static int r_create_commit(void *o, struct mdev_device *m)
{
	(void)m;
	((struct replayer *)o)->create_commits++;
	return 0;
}

static const struct mdev_consumer_ops replay_ops = {
    .name = "replayer",
    .replay = r_replay,
    .device_create_commit = r_create_commit,
};

static void test_attach_rules(void **state)
{
	struct mdev_core *core = *state;
	struct rec *r = hooked(core);
	struct replayer rp = {0};
	struct mdev_type *t;

	assert_int_equal(mdev_core_attach(core, &rec_ops, r), -EEXIST);
	assert_int_equal(mdev_core_attach(core, NULL, r), -EINVAL);
	assert_int_equal(mdev_core_detach(core, &replay_ops, &rp), -ENOENT);
	fake_register(core, &cnt_parent);
	rp.type = t = test_type(core, "cnt", "cnt-a");

	/* A failed replay attaches nothing. */
	rp.replay_ret = -EIO;
	assert_int_equal(mdev_core_attach(core, &replay_ops, &rp), -EIO);
	assert_int_equal(mdev_core_detach(core, &replay_ops, &rp), -ENOENT);
	rp.replay_ret = 0;

	/* The replay runs inside the attach: what it re-creates is
	 * committed by the consumers already there, not by itself. */
	assert_int_equal(mdev_core_attach(core, &replay_ops, &rp), 0);
	assert_int_equal(rp.replays, 2);
	assert_int_equal(mdev_device_count(core), 1);
	assert_int_equal(rp.create_commits, 0);
	assert_int_equal(r->create_commits, 1);
	assert_int_equal(fake_create(t, 51, NULL), 0);
	assert_int_equal(rp.create_commits, 1);
	assert_int_equal(mdev_core_detach(core, &replay_ops, &rp), 0);

	/* Devices exist now: a replaying consumer is refused unreplayed. */
	assert_int_equal(mdev_core_attach(core, &replay_ops, &rp), -EBUSY);
	assert_int_equal(rp.replays, 2);
	assert_int_equal(mdev_device_count(core), 2);

	/* A late consumer's mirrors learn what exists. */
	assert_int_equal(mdev_core_detach(core, &rec_ops, r), 0);
	r = hooked(core);
	assert_int_equal(r->registered, 1);
	assert_int_equal(r->created, 2);
	assert_int_equal(r->create_commits, 0);
}

/* ---------------------------------- consumer ops may not change the core */

struct meddler {
	struct mdev_core *core;
	struct mdev_type *type;
	int create_ret, remove_ret, unregister_ret, attach_ret, detach_ret;
	int register_ret, store_ret;
};

static int m_create_commit(void *o, struct mdev_device *m)
{
	struct meddler *x = o;

	x->create_ret = fake_create(x->type, 77, NULL);
	x->remove_ret = mdev_device_remove(m);
	x->store_ret = mdev_device_attr_store(m, "rw", "v", 1);
	x->attach_ret = mdev_core_attach(x->core, &rec_ops, x);
	x->detach_ret = mdev_core_detach(x->core, &rec_ops, x);
	return 0;
}

static void m_parent_removed(void *o, struct mdev_parent *p)
{
	struct meddler *x = o;
	struct mdev_parent *out = NULL;
	char err[128];

	x->unregister_ret =
	    mdev_parent_unregister(x->core, mdev_parent_name(p));
	x->register_ret =
	    mdev_parent_register(x->core, &mtty_parent, &out, err, sizeof(err));
}

static const struct mdev_consumer_ops meddler_ops = {
    .name = "meddler",
    .device_create_commit = m_create_commit,
    .parent_removed = m_parent_removed,
};

static void test_consumer_ops_cannot_change_core(void **state)
{
	struct mdev_core *core = *state;
	struct meddler x = {.core = core};

	fake_register(core, &cnt_parent);
	x.type = test_type(core, "cnt", "cnt-a");
	assert_int_equal(mdev_core_attach(core, &meddler_ops, &x), 0);
	assert_int_equal(fake_create(x.type, 1, NULL), 0);
	assert_int_equal(x.create_ret, -EDEADLK);
	assert_int_equal(x.remove_ret, -EDEADLK);
	assert_int_equal(x.store_ret, -EDEADLK);
	assert_int_equal(x.attach_ret, -EDEADLK);
	assert_int_equal(x.detach_ret, -EDEADLK);
	assert_int_equal(mdev_device_count(core), 1);
	assert_int_equal(mdev_parent_unregister(core, "cnt"), 0);
	assert_int_equal(x.unregister_ret, -EDEADLK);
	assert_int_equal(x.register_ret, -EDEADLK);
	assert_null(mdev_parent_find(core, "mtty"));
	assert_int_equal(mdev_device_count(core), 0);
}

/* ------------------------------------------- notifications after unlock */

struct prober {
	struct mdev_core *core;
	struct mdev_type *type;
	size_t count_seen[4];
	bool found[4];
	int joined[4];
	char names[4][37];
	int n;
	int nested_ret;
	int remove_again_ret;
	bool next_of_removed;
	char log[64];
};

struct count_job {
	struct mdev_core *core;
	size_t *out;
};

static void *count_devices(void *arg)
{
	struct count_job *job = arg;

	*job->out = mdev_device_count(job->core);
	free(job);
	return NULL;
}

/* Another thread takes the core lock while the notification runs: under
 * the lock it would wait until the deadline. */
static void p_notify(void *o, const struct mdev_event *ev)
{
	struct prober *p = o;
	struct timespec deadline;
	struct count_job *job;
	pthread_t th;
	uuid_t u;

	if (ev->kind != MDEV_EVENT_DEVICE_CREATED &&
	    ev->kind != MDEV_EVENT_DEVICE_REMOVED)
		return;
	strcat(p->log, ev->kind == MDEV_EVENT_DEVICE_CREATED ? "c" : "r");
	/* The device is readable even once removed. */
	snprintf(p->names[p->n], sizeof(p->names[0]), "%s",
		 mdev_device_name(ev->device));
	mdev_device_uuid(ev->device, u);
	p->found[p->n] = mdev_device_find(p->core, u) != NULL;
	if (ev->kind == MDEV_EVENT_DEVICE_REMOVED) {
		/* Gone from the core, only readable. */
		p->remove_again_ret = mdev_device_remove(ev->device);
		p->next_of_removed =
		    mdev_device_next(ev->device) != NULL ||
		    mdev_type_device_next(ev->device) != NULL ||
		    mdev_parent_device_next(ev->device) != NULL;
	}
	job = malloc(sizeof(*job));
	assert_non_null(job);
	*job = (struct count_job){p->core, &p->count_seen[p->n]};
	assert_int_equal(pthread_create(&th, NULL, count_devices, job), 0);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	p->joined[p->n] = pthread_timedjoin_np(th, NULL, &deadline);
	/* Fail, not hang: the test stops at the check of joined[]. */
	assert_int_equal(p->joined[p->n], 0);
	p->n++;
	/* A change made from a notification is announced after it. */
	if (p->n == 1)
		p->nested_ret = fake_create(p->type, 2, NULL);
}

static const struct mdev_consumer_ops prober_ops = {
    .name = "prober",
    .notify = p_notify,
};

static void test_notify_after_unlock(void **state)
{
	struct mdev_core *core = *state;
	/* Static: a thread left behind by a failing check may still write. */
	static struct prober p;
	struct mdev_device *d;

	memset(&p, 0, sizeof(p));
	p.core = core;

	fake_register(core, &mtty_parent);
	p.type = test_type(core, "mtty", "mtty-1");
	assert_int_equal(mdev_core_attach(core, &prober_ops, &p), 0);
	assert_int_equal(fake_create(p.type, 1, &d), 0);
	/* Both creations announced before the call returned, in order. */
	assert_string_equal(p.log, "cc");
	assert_int_equal(p.nested_ret, 0);
	assert_int_equal(p.joined[0], 0);
	assert_int_equal(p.count_seen[0], 1); /* after the first create */
	assert_true(p.found[0]);
	assert_int_equal(p.joined[1], 0);
	assert_int_equal(p.count_seen[1], 2);
	assert_string_equal(p.names[0], mdev_device_name(d));
	assert_int_equal(mdev_device_remove(d), 0);
	assert_string_equal(p.log, "ccr");
	assert_int_equal(p.joined[2], 0);
	assert_int_equal(p.count_seen[2], 1); /* after the removal */
	assert_false(p.found[2]);
	assert_string_equal(p.names[2], p.names[0]);
	assert_int_equal(p.remove_again_ret, -ENODEV);
	assert_false(p.next_of_removed);
	assert_int_equal(mdev_device_count(core), 1);

	/* A caller holding the lock gets the notifications when it lets
	 * go of it. */
	mdev_core_lock(core);
	assert_int_equal(mdev_device_remove(mdev_device_first(core)), 0);
	assert_string_equal(p.log, "ccr");
	mdev_core_unlock(core);
	assert_string_equal(p.log, "ccrr");
	assert_int_equal(p.joined[3], 0);
	assert_int_equal(p.count_seen[3], 0);
}

/* Threads race creating and removing: every consumer sees the changes in
 * the order the core made them (the order of the commits). */
#define ORDER_MAX 4096
struct order {
	int committed[ORDER_MAX], notified[ORDER_MAX];
	size_t n_committed, n_notified;
};

static int o_create_commit(void *o, struct mdev_device *m)
{
	struct order *x = o;

	x->committed[x->n_committed++] = (int)mdev_device_iommu_group(m);
	return 0;
}

static int o_remove_commit(void *o, struct mdev_device *m)
{
	struct order *x = o;

	x->committed[x->n_committed++] = -(int)mdev_device_iommu_group(m);
	return 0;
}

static void o_notify(void *o, const struct mdev_event *ev)
{
	struct order *x = o;
	int g = (int)mdev_device_iommu_group(ev->device);

	x->notified[x->n_notified++] =
	    ev->kind == MDEV_EVENT_DEVICE_CREATED ? g : -g;
}

static const struct mdev_consumer_ops order_ops = {
    .name = "order",
    .device_create_commit = o_create_commit,
    .device_remove_commit = o_remove_commit,
    .notify = o_notify,
};

struct churner {
	struct mdev_type *type;
	unsigned long base;
};

static void *churn(void *arg)
{
	struct churner *c = arg;

	for (unsigned long i = 0; i < 200; i++) {
		struct mdev_device *d;

		if (fake_create(c->type, c->base + i, &d) == 0 && i % 2)
			mdev_device_remove(d);
	}
	return NULL;
}

static void test_notify_order_across_threads(void **state)
{
	struct mdev_core *core = *state;
	static const struct mdev_type_desc types[] = {
	    {.id = "churn-1", .device_api = "vfio-pci"},
	};
	const struct mdev_parent_desc desc = {.name = "churn",
					      .devpath = "virtual/churn",
					      .driver_name = "churn",
					      .types = types,
					      .n_types = 1};
	static struct order x;
	struct churner c[8];
	pthread_t th[8];

	fake_register(core, &desc);
	assert_int_equal(mdev_core_attach(core, &order_ops, &x), 0);
	for (int i = 0; i < 8; i++) {
		c[i] = (struct churner){test_type(core, "churn", "churn-1"),
					1000ul * (unsigned long)(i + 1)};
		assert_int_equal(pthread_create(&th[i], NULL, churn, &c[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(x.n_committed, 8 * 300);
	assert_int_equal(x.n_notified, x.n_committed);
	assert_memory_equal(x.notified, x.committed,
			    x.n_committed * sizeof(int));
}

/* Once detach returns, no op of the consumer runs: a notification in
 * flight on another thread is waited for; from inside one, detach would
 * wait for itself and is refused. */
struct slow {
	struct mdev_core *core;
	atomic_int entered, left;
	int detach_inside;
};

static const struct mdev_consumer_ops slow_ops;

static void s_notify(void *o, const struct mdev_event *ev)
{
	struct slow *s = o;

	(void)ev;
	s->detach_inside = mdev_core_detach(s->core, &slow_ops, s);
	atomic_store(&s->entered, 1);
	usleep(200 * 1000);
	atomic_store(&s->left, 1);
}

static const struct mdev_consumer_ops slow_ops = {
    .name = "slow",
    .notify = s_notify,
};

static void *create_one(void *arg)
{
	fake_create(arg, 1, NULL);
	return NULL;
}

static void test_detach_waits_for_delivery(void **state)
{
	struct mdev_core *core = *state;
	struct slow s = {.core = core};
	pthread_t th;

	fake_register(core, &mtty_parent);
	assert_int_equal(mdev_core_attach(core, &slow_ops, &s), 0);
	assert_int_equal(pthread_create(&th, NULL, create_one,
					test_type(core, "mtty", "mtty-1")),
			 0);
	while (!atomic_load(&s.entered))
		usleep(1000);
	assert_int_equal(mdev_core_detach(core, &slow_ops, &s), 0);
	assert_int_equal(atomic_load(&s.left), 1);
	pthread_join(th, NULL);
	assert_int_equal(s.detach_inside, -EDEADLK);
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
	types[0] = test_type(core, "mtty", "mtty-2");
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
	types[0] = test_type(core, "0000:65:00.0", "nvidia-63");
	types[1] = test_type(core, "0000:65:00.0", "nvidia-64");
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
	t = test_type(core, "big", "big-1");
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
	    T(test_consumers_veto_order_and_undo),
	    T(test_attach_rules),
	    T(test_consumer_ops_cannot_change_core),
	    T(test_notify_after_unlock),
	    T(test_notify_order_across_threads),
	    T(test_detach_waits_for_delivery),
	    cmocka_unit_test(test_core_free_calls_no_hooks),
	    T(test_destroy_write),
	    T(test_attributes),
	    T(test_iteration_and_groups),
	    T(test_parent_groups),
	    T(test_concurrent_creates),
	    T(test_100k_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
