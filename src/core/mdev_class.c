// SPDX-License-Identifier: MIT
/*
 * The class schema of the seed thread: a class names the attributes a type
 * must describe itself with. One table row per class; one table row per
 * attribute format. Known attribute names are checked wherever they appear,
 * so a malformed fb_length is an error even on a type with no class.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core_priv.h"

#define MDEV_CLASS_MAX_REQUIRED 4

struct mdev_class {
	const char *name;
	const char *required[MDEV_CLASS_MAX_REQUIRED]; /* NULL-terminated */
};

static const struct mdev_class mdev_classes[] = {
    {"gpu", {"fb_length", "resolution", "heads", NULL}},
    {"nic", {NULL}},
    {"fpga", {NULL}},
    {"serial", {NULL}},
    {"crypto", {NULL}},
    {"io", {NULL}},
};

static int check_fb_length(const char *s)
{
	uint64_t bytes;

	return mdev_parse_fb_length(s, &bytes);
}

static int check_resolution(const char *s)
{
	unsigned h, v;

	return mdev_parse_resolution(s, &h, &v);
}

static int check_heads(const char *s)
{
	unsigned heads;

	return mdev_parse_heads(s, &heads);
}

struct mdev_attr_format {
	const char *name;
	const char *shape; /* for messages */
	int (*check)(const char *value);
};

static const struct mdev_attr_format mdev_attr_formats[] = {
    {"fb_length", "<n>{K,M,G}", check_fb_length},
    {"resolution", "<H>x<V>", check_resolution},
    {"heads", "a positive integer", check_heads},
};

static const struct mdev_class *class_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mdev_classes); i++)
		if (strcmp(mdev_classes[i].name, name) == 0)
			return &mdev_classes[i];
	return NULL;
}

bool mdev_class_known(const char *name)
{
	return name && class_find(name) != NULL;
}

/* Parses a positive decimal that fits in max; *end gets the first byte
 * after the digits. No sign, no spaces, no empty string. */
static int parse_positive(const char *s, uint64_t max, uint64_t *out,
			  const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v) ||
		    v > max)
			return -EINVAL;
	}
	if (v == 0)
		return -EINVAL;
	*out = v;
	*end = p;
	return 0;
}

int mdev_parse_fb_length(const char *s, uint64_t *bytes)
{
	uint64_t n, unit;
	const char *p;

	if (!s || parse_positive(s, UINT64_MAX, &n, &p) < 0)
		return -EINVAL;
	switch (*p) {
	case 'K':
		unit = 1ull << 10;
		break;
	case 'M':
		unit = 1ull << 20;
		break;
	case 'G':
		unit = 1ull << 30;
		break;
	default:
		return -EINVAL;
	}
	if (p[1] != '\0' || __builtin_mul_overflow(n, unit, bytes))
		return -EINVAL;
	return 0;
}

int mdev_parse_resolution(const char *s, unsigned *h, unsigned *v)
{
	uint64_t hv, vv;
	const char *p;

	if (!s || parse_positive(s, UINT_MAX, &hv, &p) < 0 || *p != 'x')
		return -EINVAL;
	if (parse_positive(p + 1, UINT_MAX, &vv, &p) < 0 || *p != '\0')
		return -EINVAL;
	*h = (unsigned)hv;
	*v = (unsigned)vv;
	return 0;
}

int mdev_parse_heads(const char *s, unsigned *heads)
{
	uint64_t n;
	const char *p;

	if (!s || parse_positive(s, UINT_MAX, &n, &p) < 0 || *p != '\0')
		return -EINVAL;
	*heads = (unsigned)n;
	return 0;
}

static const struct mdev_kv *type_attr(const struct mdev_type_desc *type,
				       const char *name)
{
	for (size_t i = 0; i < type->n_class_attrs; i++)
		if (type->class_attrs[i].name &&
		    strcmp(type->class_attrs[i].name, name) == 0)
			return &type->class_attrs[i];
	return NULL;
}

int mdev_class_check(const char *parent, const struct mdev_type_desc *type,
		     char *err, size_t errlen)
{
	char pq[80], tq[80], q[80];
	const struct mdev_class *cls = NULL;

	if (!err)
		errlen = 0;
	mdev_printable(parent, pq, sizeof(pq));
	mdev_printable(type ? type->id : NULL, tq, sizeof(tq));
	if (!type)
		return -EINVAL;
	if (type->class_name) {
		cls = class_find(type->class_name);
		if (!cls) {
			snprintf(
			    err, errlen,
			    "parent %s type %s: unknown class '%s'", pq, tq,
			    mdev_printable(type->class_name, q, sizeof(q)));
			return -EINVAL;
		}
	}
	if (type->n_class_attrs && !type->class_attrs)
		return -EINVAL;
	for (size_t i = 0; i < type->n_class_attrs; i++) {
		const struct mdev_kv *kv = &type->class_attrs[i];

		if (!kv->name || !kv->value) {
			snprintf(err, errlen,
				 "parent %s type %s: class attribute %zu has "
				 "no name or value",
				 pq, tq, i);
			return -EINVAL;
		}
		for (size_t f = 0; f < ARRAY_SIZE(mdev_attr_formats); f++) {
			const struct mdev_attr_format *fmt =
			    &mdev_attr_formats[f];

			if (strcmp(kv->name, fmt->name) != 0)
				continue;
			if (fmt->check(kv->value) < 0) {
				snprintf(
				    err, errlen,
				    "parent %s type %s: attribute '%s' "
				    "value '%s' is not %s",
				    pq, tq, fmt->name,
				    mdev_printable(kv->value, q, sizeof(q)),
				    fmt->shape);
				return -EINVAL;
			}
		}
	}
	if (!cls)
		return 0;
	for (size_t r = 0; r < MDEV_CLASS_MAX_REQUIRED && cls->required[r];
	     r++) {
		if (!type_attr(type, cls->required[r])) {
			snprintf(err, errlen,
				 "parent %s type %s: class %s requires "
				 "attribute '%s'",
				 pq, tq, cls->name, cls->required[r]);
			return -EINVAL;
		}
	}
	return 0;
}
