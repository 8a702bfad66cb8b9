// SPDX-License-Identifier: MIT
/* Lifecycle: create/remove errno paths, hooks, unregister, attributes,
 * threads and scale. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

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
	assert_null(mdev_device_find_name(core,
					  "1B4E28BA-2FA1-11D2-883F-0016D3CCA427"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_remove_basic,
						setup_core, teardown_core),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
