/* SPDX-License-Identifier: MIT */
/*
 * A built-in driver is one object, defined in one file <name>.c:
 *
 *	const struct mdev_hw_driver mtty_driver = {
 *		.name = "mtty",
 *		.bus = "virtual",
 *		.types = mtty_types,
 *		...
 *		.keys = mtty_keys,
 *		.describe = mtty_describe,
 *		.ops = &mtty_ops,
 *	};
 *
 * and listed once, by name, in src/drivers/meson.build, which compiles
 * <name>.c and generates the list below (hw_driver_list.h). Nothing else
 * names a driver.
 *
 * A driver speaks libmdev, not JSON: its object holds the libmdev
 * description every parent of it shares (types, pools, policy, ops), and
 * its describe hook applies its options (a struct it defines, set through
 * its key table) to one parent's struct mdev_parent_desc, ready for
 * mdev_parent_register(). C code describes a parent without any hardware
 * file:
 *
 *	struct mdev_hw_parent parent;
 *	void *opts = mdev_hw_opts_new(&mtty_driver);
 *
 *	mdev_hw_opts_set(&mtty_driver, opts, "ports", 8);
 *	mdev_hw_describe(&mtty_driver, NULL, opts, &parent);
 *	mdev_parent_register(core, &parent.desc, NULL, err, sizeof(err));
 *	free(opts);
 *
 * The hardware file (hardware.c) only translates a parent's keys into
 * these options and then applies its overrides (devpath, bus attributes).
 */
#ifndef MDEV_DRIVER_H
#define MDEV_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/common.h"
#include "libmdev.h"

struct mdev_hw_model;

/* Longest default devpath: "<dir>/<name>", where dir is a driver's
 * devpath_dir, "pci<dddd>:<bb>" or "virtual/<driver_name>"; every part is
 * shorter than MDEV_NAME_MAX. */
#define MDEV_HW_DEVPATH_MAX (3 * MDEV_NAME_MAX)

/* A parent description and the storage its variable parts point into.
 * Registration deep-copies, so this may live on the caller's stack. */
struct mdev_hw_parent {
	struct mdev_parent_desc desc;
	struct mdev_pool_desc pools[MDEV_MAX_POOLS];
	char devpath[MDEV_HW_DEVPATH_MAX];
};

/* One option of a driver: an unsigned long at offset in the driver's
 * options, accepted in [1, max], named as in the hardware file. max 0:
 * only a name, which the driver's translate reads (the json driver). */
struct mdev_hw_key {
	const char *name;
	size_t offset;
	unsigned long max;
};

/* The hardware-file side of a driver whose options are not a few numbers
 * (the json driver): translates the parent object into opts itself, with
 * one-line messages (struct hw_ctx and its helpers: hw_json.h). */
struct hw_ctx;
struct json_t;
typedef int (*mdev_hw_translate_fn)(struct hw_ctx *ctx, struct json_t *obj,
				    const char *path, void *opts);

struct mdev_hw_driver {
	const char *name;	  /* the "driver" value and driver_name */
	const char *default_name; /* parent name when none is given */
	const char *bus;	  /* "pci", "virtual", "matrix", "css" */
	/* Non-PCI parents live at <devpath_dir>/<name> under sys/devices
	 * (NULL: virtual/<driver_name>); PCI parents at
	 * pci<domain>:<bus>/<name>. */
	const char *devpath_dir;
	/* Default files of the parent directory (vendor, device, ...). */
	const struct mdev_kv *bus_attrs;
	size_t n_bus_attrs;

	/* What every parent of the driver has (policy MIXED is zero). */
	enum mdev_policy policy;
	const struct mdev_pool_desc *pools;
	size_t n_pools;
	const struct mdev_type_desc *types;
	size_t n_types;
	/* The libmdev hooks every parent of the driver gets (NULL: none). */
	const struct mdev_driver_ops *ops;

	/* The driver's options, for drivers whose parents differ (mtty's
	 * port count): a struct of opts_size bytes, initially a copy of
	 * *defaults, whose settable members are listed in keys
	 * (NULL-terminated by name). All zero/NULL: no options. */
	size_t opts_size;
	const void *defaults;
	const struct mdev_hw_key *keys;
	/* Set only when keys are names that translate reads itself. */
	mdev_hw_translate_fn translate;
	/* Applies opts to out->desc, which mdev_hw_describe() preset from
	 * the fields above: pools (in out->pools, or static), max_devices,
	 * anything else. Must not keep pointers into opts itself. NULL:
	 * nothing to apply. Returns 0 or a negative errno. */
	int (*describe)(const void *opts, struct mdev_hw_parent *out);

	/* How its devices look to a VM, served over vfio-user by mdevd
	 * (src/vfio-user/): opened for each active device after ops->create,
	 * closed before the device is freed. NULL: a device is only its
	 * sysfs files. See model.h. */
	const struct mdev_hw_model *model;
};

/* The built-in drivers, in the order of src/drivers/meson.build (which is
 * the order messages list them). Generated: one extern per driver. */
#include "hw_driver_list.h"
#define MDEV_HW_DRIVER(name) extern const struct mdev_hw_driver name##_driver;
MDEV_HW_DRIVERS
#undef MDEV_HW_DRIVER

extern const struct mdev_hw_driver *const mdev_hw_drivers[];
extern const size_t mdev_hw_n_drivers;
/* The driver called name, or NULL. */
const struct mdev_hw_driver *mdev_hw_driver_find(const char *name);

/* A copy of the driver's default options, for mdev_hw_opts_set() and
 * mdev_hw_describe(); free() it. NULL when out of memory. */
void *mdev_hw_opts_new(const struct mdev_hw_driver *drv);
/* Sets the numeric option called key: -ENOENT if the driver has none,
 * -EINVAL if it is not numeric (max 0), -ERANGE outside [1, max]. */
int mdev_hw_opts_set(const struct mdev_hw_driver *drv, void *opts,
		     const char *key, unsigned long value);

/* Describes one parent of drv called name (NULL: drv->default_name)
 * with opts (NULL: the defaults) into out, ready for
 * mdev_parent_register(): the driver's fields, then its describe hook,
 * then the default devpath. Strings are borrowed from name, opts and the
 * driver. -EINVAL when the parent has no name, or is on the PCI bus and
 * its name is not a PCI address; -ENAMETOOLONG when the devpath does not
 * fit; else what the driver's describe returns. */
int mdev_hw_describe(const struct mdev_hw_driver *drv, const char *name,
		     const void *opts, struct mdev_hw_parent *out);

/* A PCI address "dddd:bb:dd.f" (lower-case hex), as the kernel names
 * PCI devices. */
bool hw_pci_address(const char *s);

/* Defines array, the bus attributes of a PCI parent: the PCI function's
 * identity files, as its sysfs directory prints them (the emulated config
 * space is built from them, src/fs/pci.c). */
#define DRV_PCI_BUS_ATTRS(array, vendor, device, class, sub_vendor,            \
			  sub_device)                                          \
	static const struct mdev_kv array[] = {                                \
	    {"vendor", vendor},                                                \
	    {"device", device},                                                \
	    {"class", class},                                                  \
	    {"subsystem_vendor", sub_vendor},                                  \
	    {"subsystem_device", sub_device},                                  \
	    {"numa_node", "-1"},                                               \
	}

/* Gives the parent one pool of total units called name, the one all its
 * types draw from (their costs name it). */
void drv_one_pool(struct mdev_hw_parent *out, const char *name,
		  unsigned long total);

/* What the core shows for an attribute when a driver has no show op:
 * the stored value and a newline. For drivers whose attr_show handles only
 * some attributes. */
int drv_show_stored(struct mdev_device *mdev, const char *attr, char *buf,
		    size_t size);

#endif
