/* SPDX-License-Identifier: MIT */
/*
 * The JSON layer: what the hardware-file loader (hardware.c) and the json
 * driver use to turn a parsed file into driver options, with one-line
 * messages that name the JSON path. Everything allocated here comes from
 * the context's arena, so one free releases a whole parsed file. Drivers
 * other than json never see any of this (driver.h is their interface).
 */
#ifndef MDEV_HW_JSON_H
#define MDEV_HW_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "driver.h"

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

/* Rejects any key of obj that is neither in keys (NULL-terminated) nor
 * one of drv's keys (drv may be NULL). */
int hw_check_keys(struct hw_ctx *ctx, json_t *obj, const char *path,
		  const char *const *keys, const struct mdev_hw_driver *drv);

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

/* Longest name (parent, type, group, attribute, and each part of a
 * devpath) a hardware file may give, for name_is_sysfs(): one byte less
 * than the core's MDEV_NAME_MAX, as the file format has always said
 * ("expected at most 127 bytes"). */
#define HW_NAME_MAX (MDEV_NAME_MAX - 1)

#endif
