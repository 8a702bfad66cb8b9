// SPDX-License-Identifier: MIT
/*
 * The sysfs schema (mdev_sysfs.h): the framework's own files of a parent,
 * a type and a device directory, each with its mode and the show, store
 * or link target that answers it. Every show formats like the kernel's
 * ("%s\n", "%u\n"); every store hands the write's bytes to the core
 * unchanged, so the core's errno reaches the writer.
 */
#include "mdev_sysfs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/common.h"

#define MODE_RO (S_IFREG | 0444)
#define MODE_RW (S_IFREG | 0644)
#define MODE_WO (S_IFREG | 0200)
#define MODE_DIR (S_IFDIR | 0755)
#define MODE_LINK (S_IFLNK | 0777)

int mdev_sysfs_emit(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EIO;
	/* Longer than a page: cut, as the kernel's show buffer would. */
	return (size_t)n < size ? n : (int)size - 1;
}

static int show_line(char *buf, size_t size, const char *s)
{
	return mdev_sysfs_emit(buf, size, "%s\n", s ? s : "");
}

/* A link target: unlike a show, it may not be cut. */
__attribute__((format(printf, 3, 4))) static int
put_target(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return n;
}

/* ------------------------------------------------------ parent directory */

static int mdev_destroy_store(const struct mdev_sysfs_obj *o, const char *buf,
			      size_t len)
{
	return mdev_parent_destroy_write(o->parent, buf, len);
}

static int parent_subsystem_target(const struct mdev_sysfs_obj *o, char *buf,
				   size_t size)
{
	size_t len;
	const char *cls = mdev_sysfs_parent_class(o->parent, &len);
	if (cls)
		return put_target(buf, size, "class/%.*s", (int)len, cls);
	return put_target(buf, size, "bus/%s", mdev_parent_bus(o->parent));
}

static int parent_driver_target(const struct mdev_sysfs_obj *o, char *buf,
				size_t size)
{
	return put_target(buf, size, "bus/%s/drivers/%s",
			  mdev_parent_bus(o->parent),
			  mdev_parent_driver_name(o->parent));
}

static int parent_iommu_group_target(const struct mdev_sysfs_obj *o, char *buf,
				     size_t size)
{
	return put_target(buf, size, "kernel/iommu_groups/%u",
			  mdev_parent_iommu_group(o->parent));
}

static const struct mdev_sysfs_file parent_files[] = {
    [MDEV_SYSFS_PARENT_MDEV_SUPPORTED_TYPES] = {.name = "mdev_supported_types",
						.mode = MODE_DIR},
    [MDEV_SYSFS_PARENT_MDEV_DESTROY] = {.name = "mdev_destroy",
					.mode = MODE_WO,
					.store = mdev_destroy_store},
    /* show and store: src/fs/content.c (udev events). */
    [MDEV_SYSFS_PARENT_UEVENT] = {.name = "uevent", .mode = MODE_RW},
    [MDEV_SYSFS_PARENT_SUBSYSTEM] = {.name = "subsystem",
				     .mode = MODE_LINK,
				     .when = MDEV_SYSFS_ON_BUS,
				     .target = parent_subsystem_target},
    [MDEV_SYSFS_PARENT_DRIVER] = {.name = "driver",
				  .mode = MODE_LINK,
				  .when = MDEV_SYSFS_BOUND,
				  .target = parent_driver_target},
    /* show and store: src/fs/content.c (the emulated config space). */
    [MDEV_SYSFS_PARENT_CONFIG] = {.name = "config",
				  .mode = MODE_RW,
				  .when = MDEV_SYSFS_PCI},
    [MDEV_SYSFS_PARENT_IOMMU_GROUP] = {.name = "iommu_group",
				       .mode = MODE_LINK,
				       .when = MDEV_SYSFS_PCI,
				       .target = parent_iommu_group_target},
    [MDEV_SYSFS_PARENT_POWER] = {.name = "power",
				 .mode = MODE_DIR,
				 .when = MDEV_SYSFS_RESERVED},
};

/* -------------------------------------------------------- type directory */

static const struct mdev_type_desc *desc_of(const struct mdev_sysfs_obj *o)
{
	return mdev_type_desc(o->type);
}

static int create_store(const struct mdev_sysfs_obj *o, const char *buf,
			size_t len)
{
	return mdev_type_create_write(o->type, buf, len);
}

static int name_show(const struct mdev_sysfs_obj *o, char *buf, size_t size)
{
	return show_line(buf, size, mdev_type_name(o->type));
}

/* Descriptions may already end with a newline (GVT-g's several lines do,
 * as the kernel's sprintf formats them); add one only if missing. */
static int description_show(const struct mdev_sysfs_obj *o, char *buf,
			    size_t size)
{
	const char *s = desc_of(o)->description;
	size_t l = strlen(s);
	if (l && s[l - 1] == '\n')
		return mdev_sysfs_emit(buf, size, "%s", s);
	return show_line(buf, size, s);
}

static int device_api_show(const struct mdev_sysfs_obj *o, char *buf,
			   size_t size)
{
	return show_line(buf, size, desc_of(o)->device_api);
}

static int available_instances_show(const struct mdev_sysfs_obj *o, char *buf,
				    size_t size)
{
	return mdev_sysfs_emit(buf, size, "%u\n", mdev_type_available(o->type));
}

static int max_instances_show(const struct mdev_sysfs_obj *o, char *buf,
			      size_t size)
{
	return mdev_sysfs_emit(buf, size, "%u\n", desc_of(o)->max_instances);
}

static int requires_group_show(const struct mdev_sysfs_obj *o, char *buf,
			       size_t size)
{
	const char *g = desc_of(o)->requires_group;
	return show_line(buf, size, g ? g : "0");
}

static int params_show(const struct mdev_sysfs_obj *o, char *buf, size_t size)
{
	return show_line(buf, size, desc_of(o)->params);
}

static int class_show(const struct mdev_sysfs_obj *o, char *buf, size_t size)
{
	return show_line(buf, size, desc_of(o)->class_name);
}

static const struct mdev_sysfs_file type_files[] = {
    [MDEV_SYSFS_TYPE_CREATE] = {.name = "create",
				.mode = MODE_WO,
				.store = create_store},
    [MDEV_SYSFS_TYPE_NAME] = {.name = "name",
			      .mode = MODE_RO,
			      .show = name_show},
    [MDEV_SYSFS_TYPE_DESCRIPTION] = {.name = "description",
				     .mode = MODE_RO,
				     .when = MDEV_SYSFS_DESCRIBED,
				     .show = description_show},
    [MDEV_SYSFS_TYPE_DEVICE_API] = {.name = "device_api",
				    .mode = MODE_RO,
				    .show = device_api_show},
    [MDEV_SYSFS_TYPE_AVAILABLE_INSTANCES] = {.name = "available_instances",
					     .mode = MODE_RO,
					     .show = available_instances_show},
    [MDEV_SYSFS_TYPE_MAX_INSTANCES] = {.name = "max_instances",
				       .mode = MODE_RO,
				       .show = max_instances_show},
    [MDEV_SYSFS_TYPE_REQUIRES_GROUP] = {.name = "requires_group",
					.mode = MODE_RO,
					.show = requires_group_show},
    [MDEV_SYSFS_TYPE_PARAMS] = {.name = "params",
				.mode = MODE_RO,
				.show = params_show},
    [MDEV_SYSFS_TYPE_CLASS] = {.name = "class",
			       .mode = MODE_RO,
			       .when = MDEV_SYSFS_CLASSIFIED,
			       .show = class_show},
    [MDEV_SYSFS_TYPE_DEVICES] = {.name = "devices", .mode = MODE_DIR},
};

/* ------------------------------------------------------ device directory */

static int remove_store(const struct mdev_sysfs_obj *o, const char *buf,
			size_t len)
{
	return mdev_device_remove_write(o->device, buf, len);
}

static int mdev_type_target(const struct mdev_sysfs_obj *o, char *buf,
			    size_t size)
{
	return put_target(buf, size, "devices/%s/mdev_supported_types/%s",
			  mdev_parent_devpath(o->parent),
			  mdev_type_id(o->type));
}

static int device_iommu_group_target(const struct mdev_sysfs_obj *o, char *buf,
				     size_t size)
{
	return put_target(buf, size, "kernel/iommu_groups/%u",
			  mdev_device_iommu_group(o->device));
}

static int device_driver_target(const struct mdev_sysfs_obj *o, char *buf,
				size_t size)
{
	(void)o;
	return put_target(buf, size, "bus/mdev/drivers/vfio_mdev");
}

static int device_subsystem_target(const struct mdev_sysfs_obj *o, char *buf,
				   size_t size)
{
	(void)o;
	return put_target(buf, size, "bus/mdev");
}

static const struct mdev_sysfs_file device_files[] = {
    [MDEV_SYSFS_DEVICE_REMOVE] = {.name = "remove",
				  .mode = MODE_WO,
				  .store = remove_store},
    /* show and store: src/fs/content.c (udev events). */
    [MDEV_SYSFS_DEVICE_UEVENT] = {.name = "uevent", .mode = MODE_RW},
    [MDEV_SYSFS_DEVICE_MDEV_TYPE] = {.name = "mdev_type",
				     .mode = MODE_LINK,
				     .target = mdev_type_target},
    [MDEV_SYSFS_DEVICE_IOMMU_GROUP] = {.name = "iommu_group",
				       .mode = MODE_LINK,
				       .target = device_iommu_group_target},
    [MDEV_SYSFS_DEVICE_DRIVER] = {.name = "driver",
				  .mode = MODE_LINK,
				  .target = device_driver_target},
    [MDEV_SYSFS_DEVICE_SUBSYSTEM] = {.name = "subsystem",
				     .mode = MODE_LINK,
				     .target = device_subsystem_target},
    [MDEV_SYSFS_DEVICE_POWER] = {.name = "power",
				 .mode = MODE_DIR,
				 .when = MDEV_SYSFS_RESERVED},
};

_Static_assert(ARRAY_SIZE(parent_files) == MDEV_SYSFS_PARENT_COUNT,
	       "a parent file without a row");
_Static_assert(ARRAY_SIZE(type_files) == MDEV_SYSFS_TYPE_COUNT,
	       "a type file without a row");
_Static_assert(ARRAY_SIZE(device_files) == MDEV_SYSFS_DEVICE_COUNT,
	       "a device file without a row");

/* ----------------------------------------------------------------- lookup */

const struct mdev_sysfs_file *mdev_sysfs_files(enum mdev_sysfs_dir dir,
					       size_t *n)
{
	switch (dir) {
	case MDEV_SYSFS_PARENT:
		*n = ARRAY_SIZE(parent_files);
		return parent_files;
	case MDEV_SYSFS_TYPE:
		*n = ARRAY_SIZE(type_files);
		return type_files;
	case MDEV_SYSFS_DEVICE:
		*n = ARRAY_SIZE(device_files);
		return device_files;
	}
	*n = 0;
	return NULL;
}

const struct mdev_sysfs_file *mdev_sysfs_find(enum mdev_sysfs_dir dir,
					      const char *name)
{
	size_t n;
	const struct mdev_sysfs_file *files = mdev_sysfs_files(dir, &n);
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(files[i].name, name) == 0)
			return &files[i];
	return NULL;
}

const char *mdev_sysfs_parent_class(const struct mdev_parent *parent,
				    size_t *len)
{
	static const char prefix[] = "virtual/";
	const char *bus = mdev_parent_bus(parent);
	const char *devpath = mdev_parent_devpath(parent);

	if (!bus || strcmp(bus, "virtual") != 0 ||
	    strncmp(devpath, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	const char *cls = devpath + sizeof(prefix) - 1;
	*len = strcspn(cls, "/");
	return cls;
}

bool mdev_sysfs_present(const struct mdev_sysfs_file *f,
			const struct mdev_sysfs_obj *o)
{
	const char *bus = mdev_parent_bus(o->parent);
	bool on_bus = bus && bus[0];
	size_t len;

	switch (f->when) {
	case MDEV_SYSFS_ALWAYS:
		return true;
	case MDEV_SYSFS_ON_BUS:
		return on_bus;
	case MDEV_SYSFS_BOUND:
		return on_bus && !mdev_sysfs_parent_class(o->parent, &len);
	case MDEV_SYSFS_PCI:
		return on_bus && strcmp(bus, "pci") == 0;
	case MDEV_SYSFS_DESCRIBED:
		return desc_of(o)->description != NULL;
	case MDEV_SYSFS_CLASSIFIED:
		return desc_of(o)->class_name != NULL;
	case MDEV_SYSFS_RESERVED:
		return false;
	}
	return false;
}
