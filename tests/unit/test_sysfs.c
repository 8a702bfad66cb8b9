// SPDX-License-Identifier: MIT
/* The sysfs schema (mdev_sysfs.h) and registration: every name the schema
 * declares — shown or only reserved — is refused as a driver file of its
 * directory, with a message naming it; any other name is accepted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"
#include "mdev_sysfs.h"

/* A driver file name no schema directory has. */
#define FREE_NAME "vendor_specific"

/* One PCI parent of one type; the driver file under test goes where dir
 * says: a bus attribute, a class attribute or a device attribute. */
static int register_with(enum mdev_sysfs_dir dir, const char *name, char *err,
			 size_t errlen)
{
	const struct mdev_kv kv[] = {{name, "1"}};
	const struct mdev_attr_desc attr[] = {{name, MDEV_ATTR_RW, NULL}};
	struct mdev_type_desc type = {
	    .id = "test-1",
	    .device_api = "vfio-pci",
	    .max_instances = 1,
	};
	struct mdev_parent_desc parent = {
	    .name = "0000:01:00.0",
	    .devpath = "pci0000:01/0000:01:00.0",
	    .driver_name = "test",
	    .bus = "pci",
	    .policy = MDEV_POLICY_MIXED,
	    .types = &type,
	    .n_types = 1,
	};
	switch (dir) {
	case MDEV_SYSFS_PARENT:
		parent.bus_attrs = kv;
		parent.n_bus_attrs = 1;
		break;
	case MDEV_SYSFS_TYPE:
		type.class_attrs = kv;
		type.n_class_attrs = 1;
		break;
	case MDEV_SYSFS_DEVICE:
		type.device_attrs = attr;
		type.n_device_attrs = 1;
		break;
	}
	struct mdev_core *core = mdev_core_new();
	assert_non_null(core);
	err[0] = '\0';
	int ret = mdev_parent_register(core, &parent, NULL, err, errlen);
	mdev_core_free(core);
	return ret;
}

static const char *const dir_names[] = {"parent", "type", "device"};

static void test_every_reserved_name_refused(void **state)
{
	static const enum mdev_sysfs_dir dirs[] = {
	    MDEV_SYSFS_PARENT, MDEV_SYSFS_TYPE, MDEV_SYSFS_DEVICE};
	char err[256], group[MDEV_NAME_MAX + 8];
	size_t checked = 0;

	(void)state;
	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		size_t n;
		const struct mdev_sysfs_file *f = mdev_sysfs_files(dirs[d], &n);
		assert_true(n > 0);
		for (size_t i = 0; i < n; i++, checked++) {
			print_message("%s file %s\n", dir_names[d], f[i].name);
			assert_int_equal(
			    register_with(dirs[d], f[i].name, err, sizeof(err)),
			    -EINVAL);
			assert_non_null(strstr(err, "collides"));
			assert_non_null(strstr(err, f[i].name));
			if (dirs[d] != MDEV_SYSFS_DEVICE)
				continue;
			/* An attribute group is an entry of the directory
			 * too. */
			snprintf(group, sizeof(group), "%s/x", f[i].name);
			assert_int_equal(
			    register_with(dirs[d], group, err, sizeof(err)),
			    -EINVAL);
			assert_non_null(strstr(err, "collides"));
		}
		/* Not every name: the refusal is the schema's. */
		assert_int_equal(
		    register_with(dirs[d], FREE_NAME, err, sizeof(err)), 0);
		assert_null(mdev_sysfs_find(dirs[d], FREE_NAME));
	}
	assert_int_equal(checked, MDEV_SYSFS_PARENT_COUNT +
				      MDEV_SYSFS_TYPE_COUNT +
				      MDEV_SYSFS_DEVICE_COUNT);
}

/* The bug the schema fixed: a device or bus attribute "uevent" used to
 * register and then be hidden by the tree. */
static void test_uevent_message(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(
	    register_with(MDEV_SYSFS_PARENT, "uevent", err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "parent 0000:01:00.0: bus attribute 'uevent' "
				 "collides with the framework's file 'uevent' "
				 "(mdev_sysfs.h)");
	assert_int_equal(
	    register_with(MDEV_SYSFS_DEVICE, "uevent", err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "parent 0000:01:00.0 type test-1: device "
				 "attribute 'uevent' collides with the "
				 "framework's device file 'uevent' "
				 "(mdev_sysfs.h)");
}

/* Every row is complete: regular files are answered (by the core or, for
 * the rows without show and store, by the server), links have a target,
 * and names are unique within a directory. */
static void test_rows_complete(void **state)
{
	static const enum mdev_sysfs_dir dirs[] = {
	    MDEV_SYSFS_PARENT, MDEV_SYSFS_TYPE, MDEV_SYSFS_DEVICE};

	(void)state;
	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		size_t n;
		const struct mdev_sysfs_file *f = mdev_sysfs_files(dirs[d], &n);
		for (size_t i = 0; i < n; i++) {
			assert_non_null(f[i].name);
			assert_ptr_equal(mdev_sysfs_find(dirs[d], f[i].name),
					 &f[i]);
			if (S_ISLNK(f[i].mode))
				assert_non_null(f[i].target);
			else
				assert_null(f[i].target);
			if (!S_ISREG(f[i].mode)) {
				assert_null(f[i].show);
				assert_null(f[i].store);
				continue;
			}
			/* Readable files show, writable ones store, or
			 * neither (the server's). */
			bool server = !f[i].show && !f[i].store;
			if (!server && (f[i].mode & 0444))
				assert_non_null(f[i].show);
			if (!server && (f[i].mode & 0222))
				assert_non_null(f[i].store);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_reserved_name_refused),
	    cmocka_unit_test(test_uevent_message),
	    cmocka_unit_test(test_rows_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
