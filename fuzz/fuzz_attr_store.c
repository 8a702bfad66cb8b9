// SPDX-License-Identifier: MIT
/*
 * The per-device attribute store: a fresh core with the embedded demo
 * hardware (plus every other built-in driver), one device of each type,
 * then a sequence of writes taken from the input, each followed by a show.
 *
 * Input records: [device][attr][len lo][len hi][len bytes of value].
 * attr 0xff writes to a name taken from the value bytes instead (names that
 * escape the device directory, undeclared names: must be -ENOENT).
 *
 * Oracles (the header's rules): a write to an RO attribute is -EACCES, a
 * read of a WO one is -EACCES, more than MDEV_ATTR_MAX - 1 bytes is
 * -EINVAL, an undeclared name is -ENOENT; show never writes past size and
 * returns the length of the NUL-terminated text it wrote.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hardware.h"
#include "libmdev.h"

#define MAX_DEVICES 64

/* Drivers the demo lacks, so their attribute code is reached too. */
static const char extra_hardware[] =
    "{\"parents\":["
    "{\"name\":\"mbochs\",\"driver\":\"mbochs\"},"
    "{\"name\":\"mdpy\",\"driver\":\"mdpy\"},"
    "{\"name\":\"fuzz-json\",\"driver\":\"json\",\"pools\":{\"slots\":8},"
    "\"types\":[{\"id\":\"fuzz-a\",\"device_api\":\"vfio-pci\","
    "\"cost\":{\"slots\":1},\"device_attrs\":{"
    "\"rw\":{\"mode\":\"rw\",\"default\":\"x\"},"
    "\"ro\":{\"mode\":\"ro\",\"default\":\"y\"},"
    "\"wo\":{\"mode\":\"wo\"},"
    "\"grp/val\":{\"mode\":\"rw\",\"default\":\"\"}}}]}]}";

static int register_all(struct mdev_core *core, struct mdev_hardware *hw)
{
	char err[512];
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++)
		if (mdev_parent_register(core, mdev_hardware_parent(hw, i),
					 NULL, err, sizeof(err)) != 0) {
			fprintf(stderr, "register: %s\n", err);
			return -1;
		}
	return 0;
}

static struct mdev_core *demo_core(void)
{
	static struct mdev_hardware *demo, *extra;
	char err[512];
	if (!demo && mdev_hardware_load(NULL, &demo, err, sizeof(err)) != 0) {
		fprintf(stderr, "demo: %s\n", err);
		abort();
	}
	/* The extra file is optional: skip it if the drivers reject it. */
	if (!extra &&
	    mdev_hardware_parse(extra_hardware, sizeof(extra_hardware) - 1,
				"extra", &extra, err, sizeof(err)) != 0) {
		static int warned;
		if (!warned++)
			fprintf(stderr, "extra hardware skipped: %s\n", err);
	}
	struct mdev_core *core = mdev_core_new();
	if (!core || register_all(core, demo) != 0 ||
	    (extra && register_all(core, extra) != 0))
		abort();
	return core;
}

static size_t create_one_per_type(struct mdev_core *core,
				  struct mdev_device **devs)
{
	size_t n = 0;
	for (struct mdev_parent *p = mdev_parent_first(core); p;
	     p = mdev_parent_next(p))
		for (size_t t = 0; t < mdev_parent_type_count(p); t++) {
			uuid_t u = {0};
			u[0] = 0xa7;
			u[15] = (unsigned char)n;
			if (n < MAX_DEVICES &&
			    mdev_device_create(mdev_parent_type(p, t), u, 0,
					       &devs[n]) == 0)
				n++;
		}
	return n;
}

static void show_and_check(struct mdev_device *mdev,
			   const struct mdev_attr_desc *a, size_t size)
{
	char *buf = malloc(size); /* exact size: ASan sees an overrun */
	if (!buf)
		return;
	int len = mdev_device_attr_show(mdev, a->name, buf, size);
	if (a->mode == MDEV_ATTR_WO && len != -EACCES)
		abort();
	if (len >= 0 && ((size_t)len >= size || strlen(buf) != (size_t)len))
		abort();
	free(buf);
}

static void store_named(struct mdev_device *mdev, const uint8_t *v, size_t len)
{
	char *name = malloc(len + 1);
	if (!name)
		return;
	memcpy(name, v, len);
	name[len] = '\0';
	int rc = mdev_device_attr_store(mdev, name, "1", 1);
	bool declared = false;
	for (size_t i = 0; i < mdev_device_attr_count(mdev); i++)
		if (!strcmp(mdev_device_attr_desc(mdev, i)->name, name))
			declared = true;
	if (!declared && rc != -ENOENT)
		abort();
	free(name);
}

static void store_one(struct mdev_device *mdev, unsigned sel, const uint8_t *v,
		      size_t len)
{
	size_t n_attrs = mdev_device_attr_count(mdev);
	if (n_attrs == 0)
		return;
	const struct mdev_attr_desc *a =
	    mdev_device_attr_desc(mdev, sel % n_attrs);
	int rc = mdev_device_attr_store(mdev, a->name, (const char *)v, len);
	if (a->mode == MDEV_ATTR_RO && rc != -EACCES)
		abort();
	if (len > MDEV_ATTR_MAX - 1 && rc != -EINVAL && rc != -EACCES)
		abort();
	if (rc == 0 && a->mode != MDEV_ATTR_WO) {
		const char *raw = mdev_device_attr_get(mdev, a->name);
		if (!raw || strlen(raw) > MDEV_ATTR_MAX - 1)
			abort();
	}
	show_and_check(mdev, a, 1 + (len % MDEV_ATTR_MAX));
	show_and_check(mdev, a, MDEV_ATTR_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	struct mdev_core *core = demo_core();
	struct mdev_device *devs[MAX_DEVICES];
	size_t n_devs = create_one_per_type(core, devs);
	if (n_devs == 0)
		abort();
	while (size >= 4) {
		struct mdev_device *mdev = devs[data[0] % n_devs];
		unsigned sel = data[1];
		size_t len = (size_t)data[2] | (size_t)data[3] << 8;
		data += 4;
		size -= 4;
		if (len > size)
			len = size;
		/* Exact-size copy: the store must not read past len. */
		uint8_t *v = malloc(len ? len : 1);
		if (!v)
			break;
		memcpy(v, data, len);
		if (sel == 0xff)
			store_named(mdev, v, len);
		else
			store_one(mdev, sel, v, len);
		free(v);
		data += len;
		size -= len;
	}
	mdev_core_free(core);
	return 0;
}
