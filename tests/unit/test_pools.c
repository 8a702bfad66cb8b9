// SPDX-License-Identifier: MIT
/* Accounting: pools, per-type and per-parent counters, sharing policies,
 * and a driver's own available op. */
#include <errno.h>
#include <stdlib.h>

#include "core_priv.h"
#include "fake.h"

static int setup_core(void **state)
{
	*state = mdev_core_new();
	return *state ? 0 : -1;
}

static int teardown_core(void **state)
{
	mdev_core_free(*state);
	return 0;
}

static void expect_avail(struct mdev_core *core, const char *parent,
			 const unsigned *want, size_t n)
{
	struct mdev_parent *p = mdev_parent_find(core, parent);

	for (size_t i = 0; i < n; i++) {
		struct mdev_type *t = mdev_parent_type(p, i);

		if (mdev_type_available(t) != want[i])
			fail_msg("%s: available %u, want %u", mdev_type_id(t),
				 mdev_type_available(t), want[i]);
	}
}

#define AVAIL(core, parent, ...)                                               \
	do {                                                                   \
		const unsigned want_[] = {__VA_ARGS__};                        \
		expect_avail(core, parent, want_, ARRAY_SIZE(want_));          \
	} while (0)

/* x2 + x4 + 2 × x8 = one GPU exactly, drawn from three pools. */
static void test_gvt_mixed_fill(void **state)
{
	struct mdev_core *core = *state;
	const char *gpu = "0000:00:02.0";
	struct mdev_type *x8, *x4, *x2, *x1;
	struct mdev_device *d4;
	unsigned long free_amount, total;

	fake_register(core, &gvt_parent);
	x8 = test_type(core, gpu, "i915-GVTg_V5_8");
	x4 = test_type(core, gpu, "i915-GVTg_V5_4");
	x2 = test_type(core, gpu, "i915-GVTg_V5_2");
	x1 = test_type(core, gpu, "i915-GVTg_V5_1");
	AVAIL(core, gpu, 8, 4, 2, 1);
	assert_int_equal(fake_create(x2, 1, NULL), 0);
	AVAIL(core, gpu, 4, 2, 1, 0);
	assert_int_equal(fake_create(x1, 2, NULL), -ENOSPC);
	assert_int_equal(fake_create(x4, 3, &d4), 0);
	AVAIL(core, gpu, 2, 1, 0, 0);
	assert_int_equal(fake_create(x2, 4, NULL), -ENOSPC);
	assert_int_equal(fake_create(x8, 5, NULL), 0);
	assert_int_equal(fake_create(x8, 6, NULL), 0);
	AVAIL(core, gpu, 0, 0, 0, 0);
	assert_int_equal(fake_create(x8, 7, NULL), -ENOSPC);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(mdev_parent_pool(mdev_parent_find(core, gpu),
						  gvt_pools[i].name,
						  &free_amount, &total),
				 0);
		assert_int_equal(free_amount, 0);
		assert_int_equal(total, gvt_pools[i].total);
	}
	assert_int_equal(mdev_device_remove(d4), 0);
	AVAIL(core, gpu, 2, 1, 0, 0);
	assert_int_equal(mdev_type_instances(x8), 2);
	assert_int_equal(mdev_type_instances(x4), 0);
}

/* Only one fence pool shortage: min over pools, not just the first. */
static void test_min_over_pools(void **state)
{
	struct mdev_core *core = *state;
	static const struct mdev_pool_desc pools[] = {{"a", 100}, {"b", 3}};
	static const struct mdev_cost cost[] = {{"a", 10}, {"b", 1}};
	static const struct mdev_type_desc types[] = {
	    {.id = "t-1",
	     .device_api = "vfio-pci",
	     .costs = cost,
	     .n_costs = 2},
	};
	struct mdev_parent_desc p = {.name = "p",
				     .devpath = "virtual/p",
				     .driver_name = "t",
				     .pools = pools,
				     .n_pools = 2,
				     .types = types,
				     .n_types = 1};

	fake_register(core, &p);
	AVAIL(core, "p", 3);
	for (unsigned long i = 0; i < 3; i++)
		assert_int_equal(
		    fake_create(test_type(core, "p", "t-1"), i, NULL), 0);
	AVAIL(core, "p", 0);
	assert_int_equal(fake_create(test_type(core, "p", "t-1"), 9, NULL),
			 -ENOSPC);
}

static void test_homogeneous(void **state)
{
	struct mdev_core *core = *state;
	const char *gpu = "0000:65:00.0";
	struct mdev_type *q1, *q2;
	struct mdev_device *devs[16];

	fake_register(core, &grid_parent);
	q1 = test_type(core, gpu, "nvidia-63");
	q2 = test_type(core, gpu, "nvidia-64");
	AVAIL(core, gpu, 16, 8);
	assert_int_equal(fake_create(q1, 0, &devs[0]), 0);
	AVAIL(core, gpu, 15, 0);
	assert_int_equal(fake_create(q2, 100, NULL), -EUSERS);
	for (unsigned long i = 1; i < 16; i++)
		assert_int_equal(fake_create(q1, i, &devs[i]), 0);
	AVAIL(core, gpu, 0, 0);
	/* max_instances (16) and the pool (16 GB) both run out; the
	 * framework counter answers first. */
	assert_int_equal(fake_create(q1, 16, NULL), -EUSERS);
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(mdev_device_remove(devs[i]), 0);
	AVAIL(core, gpu, 16, 8);
	assert_int_equal(fake_create(q2, 100, NULL), 0);
	AVAIL(core, gpu, 0, 7);
}

static void test_mtty(void **state)
{
	struct mdev_core *core = *state;
	struct mdev_type *p1, *p2;

	fake_register(core, &mtty_parent);
	p1 = test_type(core, "mtty", "mtty-1");
	p2 = test_type(core, "mtty", "mtty-2");
	AVAIL(core, "mtty", 24, 12);
	assert_int_equal(fake_create(p1, 1, NULL), 0);
	AVAIL(core, "mtty", 23, 11);
	for (unsigned long i = 0; i < 11; i++)
		assert_int_equal(fake_create(p2, 10 + i, NULL), 0);
	AVAIL(core, "mtty", 1, 0);
	assert_int_equal(fake_create(p2, 50, NULL), -ENOSPC);
	assert_int_equal(fake_create(p1, 51, NULL), 0);
	assert_int_equal(fake_create(p1, 52, NULL), -ENOSPC);
	AVAIL(core, "mtty", 0, 0);
}

static void test_mbochs(void **state)
{
	struct mdev_core *core = *state;
	unsigned long free_amount, total;
	struct mdev_parent *p;

	p = fake_register(core, &mbochs_parent);
	AVAIL(core, "mbochs", 64, 16, 4);
	assert_int_equal(
	    fake_create(test_type(core, "mbochs", "mbochs-large"), 1, NULL), 0);
	AVAIL(core, "mbochs", 48, 12, 3);
	assert_int_equal(
	    fake_create(test_type(core, "mbochs", "mbochs-medium"), 2, NULL),
	    0);
	AVAIL(core, "mbochs", 44, 11, 2);
	assert_int_equal(mdev_parent_pool(p, "mbytes", &free_amount, &total),
			 0);
	assert_int_equal(free_amount, 176);
	assert_int_equal(total, 256);
}

static void test_max_devices(void **state)
{
	struct mdev_core *core = *state;

	fake_register(core, &mdpy_parent);
	AVAIL(core, "mdpy", 4, 4, 4);
	assert_int_equal(
	    fake_create(test_type(core, "mdpy", "mdpy-vga"), 1, NULL), 0);
	assert_int_equal(
	    fake_create(test_type(core, "mdpy", "mdpy-xga"), 2, NULL), 0);
	assert_int_equal(
	    fake_create(test_type(core, "mdpy", "mdpy-hd"), 3, NULL), 0);
	AVAIL(core, "mdpy", 1, 1, 1);
	assert_int_equal(
	    fake_create(test_type(core, "mdpy", "mdpy-hd"), 4, NULL), 0);
	AVAIL(core, "mdpy", 0, 0, 0);
	assert_int_equal(
	    fake_create(test_type(core, "mdpy", "mdpy-vga"), 5, NULL), -EUSERS);
}

static void test_max_instances_and_unlimited(void **state)
{
	struct mdev_core *core = *state;
	static const struct mdev_type_desc types[] = {
	    {.id = "x-capped", .device_api = "vfio-ccw", .max_instances = 2},
	    {.id = "x-free", .device_api = "vfio-ccw"},
	};
	struct mdev_parent_desc p = {.name = "css",
				     .devpath = "css0",
				     .driver_name = "x",
				     .types = types,
				     .n_types = 2};

	fake_register(core, &p);
	AVAIL(core, "css", 2, MDEV_AVAILABLE_UNLIMITED);
	assert_int_equal(
	    fake_create(test_type(core, "css", "x-capped"), 1, NULL), 0);
	assert_int_equal(
	    fake_create(test_type(core, "css", "x-capped"), 2, NULL), 0);
	assert_int_equal(
	    fake_create(test_type(core, "css", "x-capped"), 3, NULL), -EUSERS);
	assert_int_equal(fake_create(test_type(core, "css", "x-free"), 3, NULL),
			 0);
	AVAIL(core, "css", 0, MDEV_AVAILABLE_UNLIMITED);
}

static unsigned driver_says;

static int drv_available(const struct mdev_type *type, unsigned *count)
{
	(void)type;
	*count = driver_says;
	return 0;
}

static void test_driver_available_op(void **state)
{
	struct mdev_core *core = *state;
	static const struct mdev_driver_ops ops = {.available = drv_available};
	static const struct mdev_type_desc types[] = {
	    {.id = "d-1", .device_api = "vfio-pci", .max_instances = 3},
	};
	struct mdev_parent_desc p = {.name = "d",
				     .devpath = "virtual/d",
				     .driver_name = "d",
				     .types = types,
				     .n_types = 1,
				     .ops = &ops};
	struct mdev_type *t;

	fake_register(core, &p);
	t = test_type(core, "d", "d-1");
	driver_says = 10;
	AVAIL(core, "d", 3); /* capped by max_instances */
	driver_says = 1;
	AVAIL(core, "d", 1);
	assert_int_equal(fake_create(t, 1, NULL), 0);
	driver_says = 0;
	AVAIL(core, "d", 0);
	assert_int_equal(fake_create(t, 2, NULL), -ENOSPC);
	driver_says = 5;
	assert_int_equal(fake_create(t, 2, NULL), 0);
	assert_int_equal(fake_create(t, 3, NULL), 0);
	assert_int_equal(fake_create(t, 4, NULL), -EUSERS);
	AVAIL(core, "d", 0);
}

/* A model of the accounting rules, computed independently of the core,
 * checked after every step of a seeded random create/remove walk. */
struct model {
	const struct mdev_parent_desc *desc;
	unsigned count[8];
};

static unsigned model_available(const struct model *m, size_t ti)
{
	const struct mdev_parent_desc *p = m->desc;
	const struct mdev_type_desc *t = &p->types[ti];
	unsigned total = 0, best = MDEV_AVAILABLE_UNLIMITED;

	for (size_t i = 0; i < p->n_types; i++)
		total += m->count[i];
	if (p->policy == MDEV_POLICY_HOMOGENEOUS && total > m->count[ti])
		return 0;
	if (t->max_instances && t->max_instances - m->count[ti] < best)
		best = t->max_instances - m->count[ti];
	if (p->max_devices && p->max_devices - total < best)
		best = p->max_devices - total;
	for (size_t c = 0; c < t->n_costs; c++) {
		unsigned long used = 0, total_pool = 0;

		for (size_t k = 0; k < p->n_pools; k++)
			if (strcmp(p->pools[k].name, t->costs[c].pool) == 0)
				total_pool = p->pools[k].total;
		for (size_t i = 0; i < p->n_types; i++)
			for (size_t k = 0; k < p->types[i].n_costs; k++)
				if (strcmp(p->types[i].costs[k].pool,
					   t->costs[c].pool) == 0)
					used += m->count[i] *
						p->types[i].costs[k].amount;
		if ((total_pool - used) / t->costs[c].amount < best)
			best = (unsigned)((total_pool - used) /
					  t->costs[c].amount);
	}
	return best;
}

static void random_walk(struct mdev_core *core,
			const struct mdev_parent_desc *desc)
{
	struct mdev_parent *p = fake_register(core, desc);
	struct model m = {.desc = desc};
	static unsigned long next = 1; /* UUIDs unique across walks */
	unsigned seed = 12345;

	for (int step = 0; step < 3000; step++) {
		size_t ti = (size_t)rand_r(&seed) % desc->n_types;
		struct mdev_type *t = mdev_parent_type(p, ti);
		unsigned want = model_available(&m, ti);

		if (rand_r(&seed) % 3 != 0) {
			int ret = fake_create(t, next++, NULL);

			if (want > 0) {
				assert_int_equal(ret, 0);
				m.count[ti]++;
			} else {
				assert_true(ret == -ENOSPC || ret == -EUSERS);
			}
		} else if (m.count[ti]) {
			struct mdev_device *d = mdev_type_device_first(t);

			for (int k = rand_r(&seed) % (int)m.count[ti]; k > 0;
			     k--)
				d = mdev_type_device_next(d);
			assert_int_equal(mdev_device_remove(d), 0);
			m.count[ti]--;
		}
		for (size_t i = 0; i < desc->n_types; i++) {
			struct mdev_type *ty = mdev_parent_type(p, i);

			if (mdev_type_available(ty) != model_available(&m, i))
				fail_msg("step %d %s: available %u, model %u",
					 step, mdev_type_id(ty),
					 mdev_type_available(ty),
					 model_available(&m, i));
			assert_int_equal(mdev_type_instances(ty), m.count[i]);
		}
	}
}

static void test_random_walk_matches_model(void **state)
{
	random_walk(*state, &gvt_parent);
	random_walk(*state, &grid_parent);
	random_walk(*state, &mtty_parent);
	random_walk(*state, &mbochs_parent);
	random_walk(*state, &mdpy_parent);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_core, teardown_core)
	const struct CMUnitTest tests[] = {
	    T(test_gvt_mixed_fill),
	    T(test_min_over_pools),
	    T(test_homogeneous),
	    T(test_mtty),
	    T(test_mbochs),
	    T(test_max_devices),
	    T(test_max_instances_and_unlimited),
	    T(test_driver_available_op),
	    T(test_random_walk_matches_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
