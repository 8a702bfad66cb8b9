// SPDX-License-Identifier: MIT
/*
 * The hardware JSON parser, then what mdevd does with a file it accepted:
 * register every parent, read every type file, create and remove one device
 * of each type and show its attributes.
 *
 * Oracles: a refusal is -EINVAL (or -ENOMEM) with a one-line, non-empty,
 * NUL-terminated message naming the source; an accepted file registers
 * (it was "fully validated"), and every type's files can be read.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hardware.h"
#include "libmdev.h"

#define SOURCE "fuzz.json"

static void check_message(int rc, const char *err, size_t errlen)
{
	if (rc != -EINVAL && rc != -ENOMEM && rc != -EEXIST)
		abort();
	if (!memchr(err, '\0', errlen) || err[0] == '\0' || strchr(err, '\n'))
		abort();
}

static void exercise_device(struct mdev_device *mdev)
{
	static char buf[MDEV_ATTR_MAX];
	size_t n = mdev_device_attr_count(mdev);
	for (size_t i = 0; i < n; i++) {
		const struct mdev_attr_desc *a = mdev_device_attr_desc(mdev, i);
		int len =
		    mdev_device_attr_show(mdev, a->name, buf, sizeof(buf));
		if (len >= 0 && (size_t)len != strlen(buf))
			abort();
	}
}

static void exercise_type(struct mdev_type *type, unsigned *seq)
{
	const struct mdev_type_desc *d = mdev_type_desc(type);
	if (!d || !mdev_type_id(type) || !mdev_type_name(type))
		abort();
	unsigned avail = mdev_type_available(type);
	uuid_t u = {0};
	u[0] = 0xf0;
	memcpy(u + 12, seq, sizeof(*seq));
	(*seq)++;
	struct mdev_device *mdev = NULL;
	int rc = mdev_device_create(type, u, 0, &mdev);
	if (avail > 0 && rc != 0)
		abort(); /* available_instances promised one */
	if (avail == 0 && rc == 0)
		abort(); /* over-commit */
	if (rc != 0)
		return;
	exercise_device(mdev);
	if (mdev_device_remove(mdev) != 0)
		abort();
	if (mdev_type_available(type) != avail)
		abort(); /* the pools leaked or gained */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	struct mdev_hardware *hw = NULL;
	char err[512];
	memset(err, 'X', sizeof(err));
	int rc = mdev_hardware_parse((const char *)data, size, SOURCE, &hw, err,
				     sizeof(err));
	if (rc != 0) {
		check_message(rc, err, sizeof(err));
		if (!strstr(err, SOURCE))
			abort();
		return 0;
	}
	struct mdev_core *core = mdev_core_new();
	if (!core)
		abort();
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++) {
		struct mdev_parent *parent = NULL;
		rc = mdev_parent_register(core, mdev_hardware_parent(hw, i),
					  &parent, err, sizeof(err));
		if (rc != 0) {
			/* The parser promised a fully validated file. */
			fprintf(stderr,
				"accepted file failed to register: %s\n", err);
			abort();
		}
	}
	/* The descriptions were deep-copied: the file may go now. */
	mdev_hardware_free(hw);
	unsigned seq = 0;
	for (struct mdev_parent *p = mdev_parent_first(core); p;
	     p = mdev_parent_next(p))
		for (size_t t = 0; t < mdev_parent_type_count(p); t++)
			exercise_type(mdev_parent_type(p, t), &seq);
	mdev_core_free(core);
	return 0;
}
