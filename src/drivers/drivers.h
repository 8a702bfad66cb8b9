/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between the hardware-file loader and the built-in
 * drivers. A driver is a row in hw_drivers[]: its bus defaults plus a
 * builder that fills the types, pools, policy and ops of one parent from
 * the parent's JSON object. Everything a builder allocates comes from the
 * context's arena, so one free releases a whole parsed file.
 */
#ifndef MDEV_DRIVERS_H
#define MDEV_DRIVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "libmdev.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Longest JSON path we print; deeper paths are cut, never overflowed. */
#define HW_PATH_MAX 256

/* Every allocation of one parsed file, freed together. */
struct hw_arena {
	void **ptrs;
	size_t n;
	size_t cap;
};

struct hw_ctx {
	const char *source; /* file name for messages */
	char *err;
	size_t errlen;
	struct hw_arena *arena;
};

/*
 * Fills desc->types, pools, policy, max_devices, ops and default
 * bus_attrs (json also bus and driver_name) from obj. Before the call the
 * loader has checked that obj has only keys the driver declares and set
 * desc->name, driver_name and bus; afterwards it sets devpath and applies
 * the file's bus attribute overrides. Returns 0 or -EINVAL/-ENOMEM with the
 * message in ctx.
 */
typedef int (*hw_build_fn)(struct hw_ctx *ctx, json_t *obj, const char *path,
			   struct mdev_parent_desc *desc);

struct hw_driver {
	const char *name;         /* the "driver" value and driver_name */
	const char *default_name; /* parent name when the file gives none */
	const char *bus;          /* "pci", "virtual", "matrix", "css" */
	/* Non-PCI parents live at <devpath_dir>/<name> under sys/devices
	 * (NULL: virtual/<driver_name>); PCI parents at
	 * pci<domain>:<bus>/<name>. */
	const char *devpath_dir;
	const char *const *keys; /* driver-specific keys, NULL-terminated */
	hw_build_fn build;
};

extern const struct hw_driver hw_drivers[];
extern const size_t hw_n_drivers;
const struct hw_driver *hw_driver_find(const char *name);

/* Builders (one file each). */
int hw_build_i915(struct hw_ctx *ctx, json_t *obj, const char *path,
		  struct mdev_parent_desc *desc);
int hw_build_nvidia(struct hw_ctx *ctx, json_t *obj, const char *path,
		    struct mdev_parent_desc *desc);
int hw_build_mtty(struct hw_ctx *ctx, json_t *obj, const char *path,
		  struct mdev_parent_desc *desc);
int hw_build_mbochs(struct hw_ctx *ctx, json_t *obj, const char *path,
		    struct mdev_parent_desc *desc);
int hw_build_mdpy(struct hw_ctx *ctx, json_t *obj, const char *path,
		  struct mdev_parent_desc *desc);
int hw_build_vfio_ap(struct hw_ctx *ctx, json_t *obj, const char *path,
		     struct mdev_parent_desc *desc);
int hw_build_vfio_ccw(struct hw_ctx *ctx, json_t *obj, const char *path,
		      struct mdev_parent_desc *desc);
int hw_build_json(struct hw_ctx *ctx, json_t *obj, const char *path,
		  struct mdev_parent_desc *desc);

/* Driver-specific keys of the hardware file, NULL-terminated. */
extern const char *const hw_mtty_keys[];
extern const char *const hw_mbochs_keys[];
extern const char *const hw_mdpy_keys[];
extern const char *const hw_json_keys[];

/* A PCI address "dddd:bb:dd.f" (lower-case hex), as the kernel names
 * PCI devices. */
bool hw_pci_address(const char *s);

/* Bus attribute defaults of the PCI drivers (json borrows them when its
 * driver_name names one). */
extern const struct mdev_kv hw_i915_bus_attrs[];
extern const size_t hw_i915_n_bus_attrs;
extern const struct mdev_kv hw_nvidia_bus_attrs[];
extern const size_t hw_nvidia_n_bus_attrs;

/* ------------------------------------------------------------ hw_util.c */

void hw_arena_free(struct hw_arena *arena);
/* Zeroed memory owned by the arena; NULL (and a message) when out of
 * memory. */
void *hw_alloc(struct hw_ctx *ctx, size_t size);
void *hw_calloc(struct hw_ctx *ctx, size_t n, size_t size);
char *hw_strdup(struct hw_ctx *ctx, const char *s);
char *hw_printf(struct hw_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes "SOURCE: PATH: MESSAGE" into ctx->err; returns -EINVAL. */
int hw_error(struct hw_ctx *ctx, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, ending in ", got <rendering of value>". */
int hw_error_got(struct hw_ctx *ctx, const char *path, const json_t *value,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* path + ".key" (or ["key"] when key is not an identifier), bounded. */
void hw_path_key(char *out, size_t size, const char *path, const char *key);
void hw_path_index(char *out, size_t size, const char *path, size_t i);

/* Rejects any key of obj not in keys_a or keys_b (each NULL-terminated,
 * either may be NULL). */
int hw_check_keys(struct hw_ctx *ctx, json_t *obj, const char *path,
		  const char *const *keys_a, const char *const *keys_b);

/* Typed getters: 0 with *out set, 1 when the key is absent (out left
 * alone), -EINVAL with a message when present but wrong. */
int hw_get_string(struct hw_ctx *ctx, json_t *obj, const char *path,
		  const char *key, size_t max_len, const char **out);
/* A positive integer in [1, max]. */
int hw_get_positive(struct hw_ctx *ctx, json_t *obj, const char *path,
		    const char *key, unsigned long max, unsigned long *out);
/* A non-negative integer in [0, max]. */
int hw_get_count(struct hw_ctx *ctx, json_t *obj, const char *path,
		 const char *key, unsigned long max, unsigned long *out);

/* One path component of sysfs: non-empty, printable, no '/', no blanks,
 * not "." or "..", shorter than max. */
bool hw_valid_component(const char *s, size_t max);

/* ------------------------------------------ hw_util.c, for driver ops */

/* What the core shows for an attribute when a driver has no show op:
 * the stored value and a newline. For drivers whose attr_show handles only
 * some attributes. */
int drv_show_stored(struct mdev_device *mdev, const char *attr, char *buf,
		    size_t size);

#endif
