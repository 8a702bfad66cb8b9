// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "hw_test.h"

struct mdev_core *hw_core(const char *text)
{
	struct mdev_hardware *hw = NULL;
	struct mdev_core *core;
	char err[512] = "";
	int ret;

	if (text)
		ret = mdev_hardware_parse(text, strlen(text), "test.json", &hw,
					  err, sizeof(err));
	else
		ret = mdev_hardware_load(NULL, &hw, err, sizeof(err));
	if (ret)
		fail_msg("hardware: %s", err);
	core = mdev_core_new();
	assert_non_null(core);
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++) {
		ret = mdev_parent_register(core, mdev_hardware_parent(hw, i),
					   NULL, err, sizeof(err));
		if (ret)
			fail_msg("register: %s", err);
	}
	mdev_hardware_free(hw);
	return core;
}

const char *hw_uuid(unsigned n)
{
	static char buf[8][37];
	static unsigned slot;
	char *s = buf[slot++ % 8];

	snprintf(s, 37, "%08x-0000-4000-8000-000000000000", n);
	return s;
}

int hw_create(struct mdev_type *type, unsigned n)
{
	char line[40];

	snprintf(line, sizeof(line), "%s\n", hw_uuid(n));
	return mdev_type_create_write(type, line, strlen(line));
}

struct mdev_device *hw_device(struct mdev_core *core, unsigned n)
{
	struct mdev_device *d = mdev_device_find_name(core, hw_uuid(n));

	assert_non_null(d);
	return d;
}

const char *hw_show(struct mdev_device *mdev, const char *attr)
{
	static char buf[MDEV_ATTR_MAX];
	int ret = mdev_device_attr_show(mdev, attr, buf, sizeof(buf));

	if (ret < 0)
		fail_msg("show %s: %d", attr, ret);
	assert_int_equal((size_t)ret, strlen(buf));
	return buf;
}

int hw_store(struct mdev_device *mdev, const char *attr, const char *value)
{
	return mdev_device_attr_store(mdev, attr, value, strlen(value));
}
