/* SPDX-License-Identifier: MIT */
/*
 * The sysfs schema: every file the framework itself puts in a parent's, a
 * type's and a device's directory, declared once with its mode and the
 * function that answers it (as the kernel's drivers/vfio/mdev/mdev_sysfs.c
 * declares its attribute arrays and name_show/create_store).
 *
 * Derived from this table, and nowhere else: the core's refusal of driver
 * files that would shadow a framework file (mdev_register.c), the hardware
 * loader's check of bus attribute names, and the daemon's tree (src/fs).
 */
#ifndef MDEV_SYSFS_H
#define MDEV_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include "libmdev.h"

/* The directory a schema file lives in. */
enum mdev_sysfs_dir {
	MDEV_SYSFS_PARENT, /* devices/<devpath> */
	MDEV_SYSFS_TYPE,   /* <parent>/mdev_supported_types/<type id> */
	MDEV_SYSFS_DEVICE, /* <parent>/<uuid> */
};

/* Which directories of its kind show a file. */
enum mdev_sysfs_when {
	MDEV_SYSFS_ALWAYS,
	MDEV_SYSFS_ON_BUS,     /* parents with a bus (or class) to link to */
	MDEV_SYSFS_BOUND,      /* parents on a bus, not class devices */
	MDEV_SYSFS_PCI,	       /* parents on the pci bus */
	MDEV_SYSFS_DESCRIBED,  /* types with a description */
	MDEV_SYSFS_CLASSIFIED, /* types with a class */
	/* Reserved only: the kernel's driver core puts it in every device
	 * directory, so no driver file can have its name; no runtime power
	 * management is emulated, so it is not shown. */
	MDEV_SYSFS_RESERVED,
};

/* The object a file belongs to: the parent always; the type for type and
 * device files; the device for device files. */
struct mdev_sysfs_obj {
	struct mdev_parent *parent;
	struct mdev_type *type;
	struct mdev_device *device;
};

struct mdev_sysfs_file {
	const char *name;
	mode_t mode; /* S_IFREG | permissions, S_IFDIR | 0755, S_IFLNK | 0777 */
	enum mdev_sysfs_when when;
	/* Regular files: formats like the kernel's show ("%s\n"); returns
	 * the length or a negative errno. NULL for a file whose content is
	 * the server's own business (uevent: udev events; config: its
	 * emulated PCI bus), which the server answers (src/fs/content.c). */
	int (*show)(const struct mdev_sysfs_obj *o, char *buf, size_t size);
	/* Hands the write to the core unchanged; 0 or a negative errno. */
	int (*store)(const struct mdev_sysfs_obj *o, const char *buf,
		     size_t len);
	/* Links: the target's path from the sysfs root ("bus/mdev"); the
	 * server makes it relative. Returns the length or -ENAMETOOLONG. */
	int (*target)(const struct mdev_sysfs_obj *o, char *buf, size_t size);
};

/* Indexes into mdev_sysfs_files(MDEV_SYSFS_PARENT). */
enum mdev_sysfs_parent_file {
	MDEV_SYSFS_PARENT_MDEV_SUPPORTED_TYPES,
	MDEV_SYSFS_PARENT_MDEV_DESTROY,
	MDEV_SYSFS_PARENT_UEVENT,
	MDEV_SYSFS_PARENT_SUBSYSTEM,
	MDEV_SYSFS_PARENT_DRIVER,
	MDEV_SYSFS_PARENT_CONFIG,
	MDEV_SYSFS_PARENT_IOMMU_GROUP,
	MDEV_SYSFS_PARENT_POWER,
	MDEV_SYSFS_PARENT_COUNT,
};

/* Indexes into mdev_sysfs_files(MDEV_SYSFS_TYPE). */
enum mdev_sysfs_type_file {
	MDEV_SYSFS_TYPE_CREATE,
	MDEV_SYSFS_TYPE_NAME,
	MDEV_SYSFS_TYPE_DESCRIPTION,
	MDEV_SYSFS_TYPE_DEVICE_API,
	MDEV_SYSFS_TYPE_AVAILABLE_INSTANCES,
	MDEV_SYSFS_TYPE_MAX_INSTANCES,
	MDEV_SYSFS_TYPE_REQUIRES_GROUP,
	MDEV_SYSFS_TYPE_PARAMS,
	MDEV_SYSFS_TYPE_CLASS,
	MDEV_SYSFS_TYPE_DEVICES,
	MDEV_SYSFS_TYPE_COUNT,
};

/* Indexes into mdev_sysfs_files(MDEV_SYSFS_DEVICE). */
enum mdev_sysfs_device_file {
	MDEV_SYSFS_DEVICE_REMOVE,
	MDEV_SYSFS_DEVICE_UEVENT,
	MDEV_SYSFS_DEVICE_MDEV_TYPE,
	MDEV_SYSFS_DEVICE_IOMMU_GROUP,
	MDEV_SYSFS_DEVICE_DRIVER,
	MDEV_SYSFS_DEVICE_SUBSYSTEM,
	MDEV_SYSFS_DEVICE_POWER,
	MDEV_SYSFS_DEVICE_COUNT,
};

/* Formats a show into buf (size > 0), as the kernel's sysfs_emit: cut
 * at size - 1 bytes. Returns the length, or -EIO. */
__attribute__((format(printf, 3, 4))) int
mdev_sysfs_emit(char *buf, size_t size, const char *fmt, ...);
/* The schema files of dir, *n of them, in the order a listing shows. */
const struct mdev_sysfs_file *mdev_sysfs_files(enum mdev_sysfs_dir dir,
					       size_t *n);
/* The schema file of dir named name (shown or only reserved), or NULL. */
const struct mdev_sysfs_file *mdev_sysfs_find(enum mdev_sysfs_dir dir,
					      const char *name);
/* Whether o's directory of kind dir shows f. */
bool mdev_sysfs_present(const struct mdev_sysfs_file *f,
			const struct mdev_sysfs_obj *o);
/* A parent under devices/virtual/<class>/: the class name and its length;
 * NULL for a parent on a bus. Such a parent's subsystem is its class. */
const char *mdev_sysfs_parent_class(const struct mdev_parent *parent,
				    size_t *len);

#endif
