// SPDX-License-Identifier: MIT
/*
 * schema-files [HARDWARE.json]: what the sysfs schema (mdev_sysfs.h) and
 * the drivers' descriptions say each directory of mdevd's tree holds, for
 * test-schema.sh to compare with the mounted tree. Registers the parents
 * of the file (the demo without one) in a core of its own and prints, one
 * entry a line, "DIR NAME TYPE PERMS" as find -printf '%y %m' does:
 *   devices/<devpath>                          a parent's directory
 *   devices/<devpath>/mdev_supported_types/<id> a type's
 *   device-of:devices/<devpath>/mdev_supported_types/<id>
 *                                              a device's of that type
 * and "reserved:DIR NAME" for a name the schema reserves but never shows.
 * Exit 1 with a message if the file does not load or register.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hardware.h"
#include "libmdev.h"
#include "mdev_sysfs.h"

static char kind(mode_t mode)
{
	return S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : 'f';
}

static void entry(const char *dir, const char *name, mode_t mode)
{
	printf("%s %s %c %o\n", dir, name, kind(mode),
	       (unsigned)(mode & 07777));
}

static void schema_entries(const char *dir, enum mdev_sysfs_dir kind_of,
			   const struct mdev_sysfs_obj *o)
{
	size_t n;
	const struct mdev_sysfs_file *f = mdev_sysfs_files(kind_of, &n);
	for (size_t i = 0; i < n; i++) {
		if (mdev_sysfs_present(&f[i], o))
			entry(dir, f[i].name, f[i].mode);
		else if (f[i].when == MDEV_SYSFS_RESERVED)
			printf("reserved:%s %s\n", dir, f[i].name);
	}
}

/* A device's driver attributes: a file, or a group directory listed once. */
static void device_attr_entries(const char *dir, const struct mdev_type_desc *d)
{
	for (size_t i = 0; i < d->n_device_attrs; i++) {
		const char *name = d->device_attrs[i].name;
		size_t gl = strcspn(name, "/");
		bool seen = false;
		if (!name[gl]) {
			entry(dir, name, S_IFREG | d->device_attrs[i].mode);
			continue;
		}
		for (size_t j = 0; j < i && !seen; j++)
			seen =
			    strncmp(d->device_attrs[j].name, name, gl + 1) == 0;
		if (!seen)
			printf("%s %.*s d 755\n", dir, (int)gl, name);
	}
}

static void parent_entries(struct mdev_parent *p)
{
	char dir[2048], tdir[2048 + 256], ddir[sizeof(tdir) + 16];
	struct mdev_sysfs_obj o = {.parent = p};

	snprintf(dir, sizeof(dir), "devices/%s", mdev_parent_devpath(p));
	schema_entries(dir, MDEV_SYSFS_PARENT, &o);
	for (size_t i = 0; i < mdev_parent_bus_attr_count(p); i++)
		entry(dir, mdev_parent_bus_attr(p, i)->name, S_IFREG | 0444);
	for (size_t t = 0; t < mdev_parent_type_count(p); t++) {
		struct mdev_type *ty = mdev_parent_type(p, t);
		const struct mdev_type_desc *d = mdev_type_desc(ty);
		o.type = ty;
		snprintf(tdir, sizeof(tdir), "%s/mdev_supported_types/%s", dir,
			 mdev_type_id(ty));
		schema_entries(tdir, MDEV_SYSFS_TYPE, &o);
		for (size_t i = 0; i < d->n_class_attrs; i++)
			entry(tdir, d->class_attrs[i].name, S_IFREG | 0444);
		snprintf(ddir, sizeof(ddir), "device-of:%s", tdir);
		/* Device files do not depend on the device itself. */
		schema_entries(ddir, MDEV_SYSFS_DEVICE, &o);
		device_attr_entries(ddir, d);
	}
}

int main(int argc, char **argv)
{
	char err[1024] = "";
	struct mdev_hardware *hw;
	struct mdev_core *core = mdev_core_new();
	int ret = core ? mdev_hardware_load(argc > 1 ? argv[1] : NULL, &hw, err,
					    sizeof(err))
		       : -1;

	if (ret < 0) {
		fprintf(stderr, "schema-files: %s\n",
			err[0] ? err : "no memory");
		return 1;
	}
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++) {
		if (mdev_parent_register(core, mdev_hardware_parent(hw, i),
					 NULL, err, sizeof(err)) < 0) {
			fprintf(stderr, "schema-files: %s\n", err);
			return 1;
		}
	}
	for (struct mdev_parent *p = mdev_parent_first(core); p;
	     p = mdev_parent_next(p))
		parent_entries(p);
	mdev_hardware_free(hw);
	mdev_core_free(core);
	return 0;
}
