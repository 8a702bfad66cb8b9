/* SPDX-License-Identifier: MIT */
/*
 * libmdev's driver interface: what a vendor driver is, for the drivers
 * built into mdevd and for driver plugins built out of tree against the
 * installed library (pkg-config --cflags --libs libmdev). docs/driver-api.md
 * says what a driver may and may not do.
 *
 * A driver is one constant object, struct mdev_hw_driver: the libmdev
 * description every parent of it shares (types, pools, policy, ops) and,
 * for drivers whose parents differ, a table of numeric options that a
 * hardware file sets by key and a describe hook that applies them to one
 * parent's struct mdev_parent_desc.
 *
 * A plugin is a shared object <driver name>.so in mdevd's driver directory
 * that defines one driver and names it with MDEV_DRIVER_PLUGIN(), its only
 * entry point:
 *
 *	static const struct mdev_hw_driver vdemo_driver = {
 *		.name = "vdemo", .bus = "virtual", ...
 *	};
 *	MDEV_DRIVER_PLUGIN(vdemo_driver);
 *
 * mdevd loads it when a hardware file's parent says "driver": "vdemo", and
 * refuses it, with one line naming the file, when it was built for another
 * MDEV_DRIVER_ABI_VERSION.
 */
#ifndef MDEV_DRIVER_H_PUBLIC
#define MDEV_DRIVER_H_PUBLIC

#include <stddef.h>

#include "libmdev.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The layout of struct mdev_hw_driver and struct mdev_hw_parent and the
 * meaning of their members. Bumped on any change to them: a plugin built
 * against one version is refused by an mdevd of another. */
#define MDEV_DRIVER_ABI_VERSION 3

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
struct mdev_hw_model;
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
	/* Set only when keys are names that translate reads itself.
	 * In-tree only (struct hw_ctx is mdevd's): a plugin that sets it
	 * is refused. */
	mdev_hw_translate_fn translate;
	/* Applies opts to out->desc, which mdev_hw_describe() preset from
	 * the fields above: pools (in out->pools, or static), max_devices,
	 * anything else. Must not keep pointers into opts itself. NULL:
	 * nothing to apply. Returns 0 or a negative errno. */
	int (*describe)(const void *opts, struct mdev_hw_parent *out);

	/* How its devices look to a VM, served over vfio-user by mdevd
	 * (src/vfio-user/): opened for each active device after ops->create,
	 * closed before the device is freed. NULL: a device is only its
	 * sysfs files. struct mdev_hw_model is not public yet (in-tree
	 * drivers only, src/drivers/model.h): a plugin leaves this NULL.
	 * A member added anywhere in this struct changes the plugin ABI:
	 * bump MDEV_DRIVER_ABI_VERSION. */
	const struct mdev_hw_model *model;
};

/* The entry point mdevd looks up in a plugin (dlsym "mdev_driver_plugin").
 * abi_version comes first and keeps its place in every version, so a
 * mismatch is detected before anything else is read. */
struct mdev_driver_plugin {
	unsigned abi_version;
	size_t driver_size; /* sizeof(struct mdev_hw_driver) */
	const struct mdev_hw_driver *driver;
};

/* Defines the plugin's entry point for driver (an object, not a pointer).
 * Visible even when the plugin is built with -fvisibility=hidden. */
#define MDEV_DRIVER_PLUGIN(driver)                                             \
	__attribute__((                                                        \
	    visibility("default"))) extern const struct mdev_driver_plugin     \
	    mdev_driver_plugin;                                                \
	const struct mdev_driver_plugin mdev_driver_plugin = {                 \
	    MDEV_DRIVER_ABI_VERSION, sizeof(struct mdev_hw_driver), &(driver)}

#ifdef __cplusplus
}
#endif

#endif /* MDEV_DRIVER_H_PUBLIC */
