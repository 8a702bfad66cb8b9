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

#include "mdev_driver.h"

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

/* Driver plugins (plugin.c, docs/driver-api.md). The directory they are
 * loaded from: dir, else $MDEVD_DRIVER_DIR, else the installed
 * $libdir/mdevkit/drivers. dir NULL: back to the default. */
void mdev_hw_plugin_dir_set(const char *dir);
const char *mdev_hw_plugin_dir(void);
/* The driver of the plugin <dir>/<name>.so, loaded on first use and never
 * unloaded. -ENOENT when there is no such file (err untouched); any other
 * negative errno with one line naming the file in err (a plugin built for
 * another ABI: -ENOEXEC). */
int mdev_hw_plugin_load(const char *name, const struct mdev_hw_driver **out,
			char *err, size_t errlen);

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
