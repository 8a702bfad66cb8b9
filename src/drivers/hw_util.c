/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the JSON layer (the loader and the json driver): the arena
 * that owns a parsed file, one-line error messages with JSON paths, and
 * typed getters that reject anything but the expected JSON type and range.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_json.h"

/* Longest piece of a user's value quoted back in a message. */
#define HW_QUOTE_MAX 40

void hw_arena_free(struct hw_arena *arena)
{
	for (size_t i = 0; i < arena->n; i++)
		free(arena->ptrs[i]);
	free(arena->ptrs);
	arena->ptrs = NULL;
	arena->n = 0;
	arena->cap = 0;
}

static int arena_track(struct hw_arena *arena, void *p)
{
	if (arena->n == arena->cap) {
		size_t cap = arena->cap ? arena->cap * 2 : 64;
		void **ptrs = realloc(arena->ptrs, cap * sizeof(*ptrs));

		if (!ptrs)
			return -ENOMEM;
		arena->ptrs = ptrs;
		arena->cap = cap;
	}
	arena->ptrs[arena->n++] = p;
	return 0;
}

static void out_of_memory(struct hw_ctx *ctx)
{
	snprintf(ctx->err, ctx->errlen, "%s: out of memory", ctx->source);
}

void *hw_calloc(struct hw_ctx *ctx, size_t n, size_t size)
{
	/* calloc(0) may return NULL; a zero-length table needs no memory
	 * but callers treat NULL as failure, so hand out one byte. */
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p || arena_track(ctx->arena, p)) {
		free(p);
		out_of_memory(ctx);
		return NULL;
	}
	return p;
}

void *hw_alloc(struct hw_ctx *ctx, size_t size)
{
	return hw_calloc(ctx, 1, size);
}

char *hw_strdup(struct hw_ctx *ctx, const char *s)
{
	size_t len = strlen(s);
	char *p = hw_alloc(ctx, len + 1);

	if (p)
		memcpy(p, s, len + 1);
	return p;
}

char *hw_printf(struct hw_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *s;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		out_of_memory(ctx);
		return NULL;
	}
	p = hw_strdup(ctx, s);
	free(s);
	return p;
}

/* Appends s to out (size bytes, NUL-terminated) as a quoted, escaped,
 * bounded C-like string, so that a message stays on one line. */
static void quote(char *out, size_t size, const char *s, size_t len)
{
	size_t o = strlen(out);
	size_t shown = len < HW_QUOTE_MAX ? len : HW_QUOTE_MAX;

#define PUT(...)                                                               \
	do {                                                                   \
		if (o < size)                                                  \
			o += snprintf(out + o, size - o, __VA_ARGS__);         \
	} while (0)
	PUT("\"");
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			PUT("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			PUT("\\x%02x", c);
		else
			PUT("%c", c);
	}
	PUT("%s\"", shown < len ? "..." : "");
#undef PUT
}

static void render_value(char *out, size_t size, const json_t *v)
{
	out[0] = '\0';
	switch (json_typeof(v)) {
	case JSON_STRING:
		quote(out, size, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(out, size, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(out, size, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(out, size, "true");
		break;
	case JSON_FALSE:
		snprintf(out, size, "false");
		break;
	case JSON_NULL:
		snprintf(out, size, "null");
		break;
	case JSON_OBJECT:
		snprintf(out, size, "an object");
		break;
	case JSON_ARRAY:
		snprintf(out, size, "an array");
		break;
	}
}

static int verror(struct hw_ctx *ctx, const char *path, const char *got,
		  const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (got)
		snprintf(ctx->err, ctx->errlen, "%s: %s: %s, got %s",
			 ctx->source, path, msg, got);
	else
		snprintf(ctx->err, ctx->errlen, "%s: %s: %s", ctx->source, path,
			 msg);
	return -EINVAL;
}

int hw_error(struct hw_ctx *ctx, const char *path, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = verror(ctx, path, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

int hw_error_got(struct hw_ctx *ctx, const char *path, const json_t *value,
		 const char *fmt, ...)
{
	char got[HW_QUOTE_MAX * 4 + 16];
	va_list ap;
	int ret;

	render_value(got, sizeof(got), value);
	va_start(ap, fmt);
	ret = verror(ctx, path, got, fmt, ap);
	va_end(ap);
	return ret;
}

static bool is_identifier(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

void hw_path_key(char *out, size_t size, const char *path, const char *key)
{
	if (is_identifier(key)) {
		snprintf(out, size, "%s.%s", path, key);
		return;
	}
	snprintf(out, size, "%s[", path);
	quote(out, size, key, strlen(key));
	if (strlen(out) + 1 < size)
		strcat(out, "]");
}

void hw_path_index(char *out, size_t size, const char *path, size_t i)
{
	snprintf(out, size, "%s[%zu]", path, i);
}

static bool known_key(const char *const *keys, const struct mdev_hw_driver *drv,
		      const char *key)
{
	for (; *keys; keys++)
		if (!strcmp(*keys, key))
			return true;
	for (const struct mdev_hw_key *k = drv ? drv->keys : NULL; k && k->name;
	     k++)
		if (!strcmp(k->name, key))
			return true;
	return false;
}

int hw_check_keys(struct hw_ctx *ctx, json_t *obj, const char *path,
		  const char *const *keys, const struct mdev_hw_driver *drv)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value)
	{
		char kpath[HW_PATH_MAX];

		if (known_key(keys, drv, key))
			continue;
		hw_path_key(kpath, sizeof(kpath), path, key);
		return hw_error(ctx, kpath, "unknown key");
	}
	return 0;
}

int hw_get_string(struct hw_ctx *ctx, json_t *obj, const char *path,
		  const char *key, size_t max_len, const char **out)
{
	json_t *v = json_object_get(obj, key);
	char kpath[HW_PATH_MAX];

	if (!v)
		return 1;
	hw_path_key(kpath, sizeof(kpath), path, key);
	if (!json_is_string(v))
		return hw_error_got(ctx, kpath, v, "expected a string");
	if (json_string_length(v) > max_len)
		return hw_error(ctx, kpath,
				"expected at most %zu bytes, got %zu", max_len,
				json_string_length(v));
	*out = json_string_value(v);
	return 0;
}

static int get_integer(struct hw_ctx *ctx, json_t *obj, const char *path,
		       const char *key, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	json_t *v = json_object_get(obj, key);
	char kpath[HW_PATH_MAX];
	json_int_t n;

	if (!v)
		return 1;
	hw_path_key(kpath, sizeof(kpath), path, key);
	if (!json_is_integer(v))
		goto bad;
	n = json_integer_value(v);
	if (n < 0 || (unsigned long long)n < min || (unsigned long long)n > max)
		goto bad;
	*out = (unsigned long)n;
	return 0;
bad:
	if (min)
		return hw_error_got(ctx, kpath, v,
				    "expected a positive integer up to %lu",
				    max);
	return hw_error_got(ctx, kpath, v,
			    "expected a non-negative integer up to %lu", max);
}

int hw_get_positive(struct hw_ctx *ctx, json_t *obj, const char *path,
		    const char *key, unsigned long max, unsigned long *out)
{
	return get_integer(ctx, obj, path, key, 1, max, out);
}

int hw_get_count(struct hw_ctx *ctx, json_t *obj, const char *path,
		 const char *key, unsigned long max, unsigned long *out)
{
	return get_integer(ctx, obj, path, key, 0, max, out);
}
