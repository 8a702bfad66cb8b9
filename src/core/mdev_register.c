// SPDX-License-Identifier: MIT
/*
 * Checking and deep-copying a parent description. Everything a driver or a
 * hardware file hands over is validated here once, so that the rest of the
 * core (and the sysfs server) can trust names to be safe path components
 * and tables to be small.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "core_priv.h"
#include "mdev_sysfs.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen,
						      const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A string shown in a file: bounded so that it fits one sysfs page. */
static bool valid_value(const char *s)
{
	return s && strnlen(s, MDEV_ATTR_MAX) < MDEV_ATTR_MAX - 1;
}

/* The driver's own files of a parent (bus attributes, dir
 * MDEV_SYSFS_PARENT) or a type (class attributes, MDEV_SYSFS_TYPE). */
static int check_kv_table(const char *what, const char *pq, const char *tq,
			  const struct mdev_kv *kv, size_t n,
			  enum mdev_sysfs_dir dir, char *err, size_t errlen)
{
	char q[80];

	if (n > MDEV_MAX_KV || (n && !kv))
		return fail(err, errlen, "parent %s%s%s: too many %s (max %d)",
			    pq, tq ? " type " : "", tq ? tq : "", what,
			    MDEV_MAX_KV);
	for (size_t i = 0; i < n; i++) {
		if (!mdev_valid_name(kv[i].name))
			return fail(err, errlen,
				    "parent %s%s%s: invalid %s name '%s'", pq,
				    tq ? " type " : "", tq ? tq : "", what,
				    mdev_printable(kv[i].name, q, sizeof(q)));
		if (mdev_sysfs_find(dir, kv[i].name))
			return fail(err, errlen,
				    "parent %s%s%s: %s '%s' collides with the "
				    "framework's file '%s' (mdev_sysfs.h)",
				    pq, tq ? " type " : "", tq ? tq : "", what,
				    kv[i].name, kv[i].name);
		if (!valid_value(kv[i].value))
			return fail(err, errlen,
				    "parent %s%s%s: %s '%s' has no value or "
				    "one longer than %d bytes",
				    pq, tq ? " type " : "", tq ? tq : "", what,
				    kv[i].name, MDEV_ATTR_MAX - 2);
		for (size_t j = 0; j < i; j++)
			if (strcmp(kv[i].name, kv[j].name) == 0)
				return fail(err, errlen,
					    "parent %s%s%s: duplicate %s '%s'",
					    pq, tq ? " type " : "",
					    tq ? tq : "", what, kv[i].name);
	}
	return 0;
}

static ssize_t pool_index(const struct mdev_parent_desc *desc, const char *name)
{
	for (size_t i = 0; i < desc->n_pools; i++)
		if (strcmp(desc->pools[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static int check_device_attrs(const char *pq, const char *tq,
			      const struct mdev_type_desc *t, char *err,
			      size_t errlen)
{
	char q[80];

	if (t->n_device_attrs > MDEV_MAX_DEVICE_ATTRS ||
	    (t->n_device_attrs && !t->device_attrs))
		return fail(err, errlen,
			    "parent %s type %s: too many device attributes "
			    "(max %d)",
			    pq, tq, MDEV_MAX_DEVICE_ATTRS);
	for (size_t i = 0; i < t->n_device_attrs; i++) {
		const struct mdev_attr_desc *a = &t->device_attrs[i];
		char first[MDEV_NAME_MAX + 1];
		size_t n;

		if (!name_is_sysfs_attr(a->name, MDEV_NAME_MAX, &n))
			return fail(err, errlen,
				    "parent %s type %s: invalid device "
				    "attribute name '%s'",
				    pq, tq,
				    mdev_printable(a->name, q, sizeof(q)));
		memcpy(first, a->name, n);
		first[n] = '\0';
		if (mdev_sysfs_find(MDEV_SYSFS_DEVICE, first))
			return fail(err, errlen,
				    "parent %s type %s: device attribute '%s' "
				    "collides with the framework's device file "
				    "'%s' (mdev_sysfs.h)",
				    pq, tq, a->name, first);
		if (a->mode != MDEV_ATTR_RO && a->mode != MDEV_ATTR_RW &&
		    a->mode != MDEV_ATTR_WO)
			return fail(err, errlen,
				    "parent %s type %s: device attribute '%s' "
				    "has mode %o (not 0444, 0644 or 0200)",
				    pq, tq, a->name, (unsigned)a->mode);
		if (a->default_value && !valid_value(a->default_value))
			return fail(err, errlen,
				    "parent %s type %s: device attribute '%s' "
				    "default longer than %d bytes",
				    pq, tq, a->name, MDEV_ATTR_MAX - 2);
		for (size_t j = 0; j < i; j++) {
			const char *o = t->device_attrs[j].name;
			size_t on = strcspn(o, "/");
			bool same = strcmp(o, a->name) == 0;
			/* "x" as a file and "x/y" as a group clash. */
			bool clash = on == n && strncmp(o, a->name, n) == 0 &&
				     (o[on] == '\0') != (a->name[n] == '\0');

			if (same || clash)
				return fail(err, errlen,
					    "parent %s type %s: device "
					    "attribute '%s' collides with '%s'",
					    pq, tq, a->name, o);
		}
	}
	return 0;
}

static int check_type(const struct mdev_parent_desc *desc, size_t ti, char *err,
		      size_t errlen)
{
	const struct mdev_type_desc *t = &desc->types[ti];
	char pq[80], tq[80];
	int ret;

	mdev_printable(desc->name, pq, sizeof(pq));
	mdev_printable(t->id, tq, sizeof(tq));
	if (!mdev_valid_name(t->id))
		return fail(err, errlen, "parent %s: invalid type id '%s'", pq,
			    tq);
	for (size_t j = 0; j < ti; j++)
		if (strcmp(desc->types[j].id, t->id) == 0)
			return fail(err, errlen,
				    "parent %s: duplicate type id '%s'", pq,
				    tq);
	if (t->name && (!valid_value(t->name) || t->name[0] == '\0'))
		return fail(err, errlen, "parent %s type %s: invalid name", pq,
			    tq);
	if (t->description && !valid_value(t->description))
		return fail(err, errlen,
			    "parent %s type %s: description longer than %d "
			    "bytes",
			    pq, tq, MDEV_ATTR_MAX - 2);
	if (!mdev_valid_name(t->device_api))
		return fail(err, errlen,
			    "parent %s type %s: invalid or empty device_api",
			    pq, tq);
	if ((t->requires_group && !valid_value(t->requires_group)) ||
	    (t->params && !valid_value(t->params)))
		return fail(err, errlen,
			    "parent %s type %s: requires_group or params "
			    "longer than %d bytes",
			    pq, tq, MDEV_ATTR_MAX - 2);
	ret = check_kv_table("class attribute", pq, tq, t->class_attrs,
			     t->n_class_attrs, MDEV_SYSFS_TYPE, err, errlen);
	if (ret < 0)
		return ret;
	ret = mdev_class_check(desc->name, t, err, errlen);
	if (ret < 0)
		return ret;
	if (t->n_costs > MDEV_MAX_POOLS || (t->n_costs && !t->costs))
		return fail(err, errlen,
			    "parent %s type %s: too many costs (max %d)", pq,
			    tq, MDEV_MAX_POOLS);
	for (size_t c = 0; c < t->n_costs; c++) {
		const struct mdev_cost *cost = &t->costs[c];
		char q[80];

		if (!cost->pool || pool_index(desc, cost->pool) < 0)
			return fail(err, errlen,
				    "parent %s type %s: cost names unknown "
				    "pool '%s'",
				    pq, tq,
				    mdev_printable(cost->pool, q, sizeof(q)));
		if (cost->amount == 0)
			return fail(err, errlen,
				    "parent %s type %s: cost of pool '%s' is 0",
				    pq, tq, cost->pool);
		for (size_t j = 0; j < c; j++)
			if (strcmp(t->costs[j].pool, cost->pool) == 0)
				return fail(err, errlen,
					    "parent %s type %s: pool '%s' "
					    "costed twice",
					    pq, tq, cost->pool);
	}
	return check_device_attrs(pq, tq, t, err, errlen);
}

static int check_parent(const struct mdev_parent_desc *desc, char *err,
			size_t errlen)
{
	char pq[80], q[80];
	int ret;

	if (!desc)
		return fail(err, errlen, "no parent description");
	mdev_printable(desc->name, pq, sizeof(pq));
	if (!mdev_valid_name(desc->name))
		return fail(err, errlen, "parent '%s': invalid name", pq);
	if (!name_is_sysfs_path(desc->devpath, MDEV_DEVPATH_MAX, MDEV_NAME_MAX))
		return fail(err, errlen, "parent %s: invalid devpath '%s'", pq,
			    mdev_printable(desc->devpath, q, sizeof(q)));
	if (!mdev_valid_name(desc->driver_name))
		return fail(err, errlen, "parent %s: invalid driver name '%s'",
			    pq,
			    mdev_printable(desc->driver_name, q, sizeof(q)));
	if (desc->bus && !mdev_valid_name(desc->bus))
		return fail(err, errlen, "parent %s: invalid bus '%s'", pq,
			    mdev_printable(desc->bus, q, sizeof(q)));
	if (desc->policy != MDEV_POLICY_MIXED &&
	    desc->policy != MDEV_POLICY_HOMOGENEOUS)
		return fail(err, errlen, "parent %s: unknown policy %d", pq,
			    (int)desc->policy);
	ret = check_kv_table("bus attribute", pq, NULL, desc->bus_attrs,
			     desc->n_bus_attrs, MDEV_SYSFS_PARENT, err, errlen);
	if (ret < 0)
		return ret;
	if (desc->n_pools > MDEV_MAX_POOLS || (desc->n_pools && !desc->pools))
		return fail(err, errlen, "parent %s: too many pools (max %d)",
			    pq, MDEV_MAX_POOLS);
	for (size_t i = 0; i < desc->n_pools; i++) {
		if (!mdev_valid_name(desc->pools[i].name))
			return fail(
			    err, errlen, "parent %s: invalid pool name '%s'",
			    pq,
			    mdev_printable(desc->pools[i].name, q, sizeof(q)));
		if (pool_index(desc, desc->pools[i].name) != (ssize_t)i)
			return fail(err, errlen,
				    "parent %s: duplicate pool '%s'", pq,
				    desc->pools[i].name);
	}
	if (desc->n_types > MDEV_MAX_TYPES || (desc->n_types && !desc->types))
		return fail(err, errlen, "parent %s: too many types (max %d)",
			    pq, MDEV_MAX_TYPES);
	for (size_t i = 0; i < desc->n_types; i++) {
		ret = check_type(desc, i, err, errlen);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* strdup that keeps NULL; *ok turns false on allocation failure. */
static char *dup_or_null(const char *s, bool *ok)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*ok = false;
	return d;
}

static struct mdev_kv *copy_kv(const struct mdev_kv *kv, size_t n, bool *ok)
{
	struct mdev_kv *out;

	if (n == 0)
		return NULL;
	out = calloc(n, sizeof(*out));
	if (!out) {
		*ok = false;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		out[i].name = dup_or_null(kv[i].name, ok);
		out[i].value = dup_or_null(kv[i].value, ok);
	}
	return out;
}

static void free_kv(const struct mdev_kv *kv, size_t n)
{
	for (size_t i = 0; kv && i < n; i++) {
		free((char *)kv[i].name);
		free((char *)kv[i].value);
	}
	free((void *)kv);
}

static bool copy_type(struct mdev_parent *p, struct mdev_type *t,
		      const struct mdev_type_desc *d,
		      const struct mdev_parent_desc *pd)
{
	struct mdev_type_desc *c = &t->desc;
	bool ok = true;

	t->parent = p;
	mdev_list_init(&t->devices);
	*c = *d;
	c->id = dup_or_null(d->id, &ok);
	c->name = dup_or_null(d->name, &ok);
	c->description = dup_or_null(d->description, &ok);
	c->device_api = dup_or_null(d->device_api, &ok);
	c->class_name = dup_or_null(d->class_name, &ok);
	c->class_attrs = copy_kv(d->class_attrs, d->n_class_attrs, &ok);
	c->requires_group =
	    dup_or_null(d->requires_group ? d->requires_group : "0", &ok);
	c->params = dup_or_null(d->params ? d->params : "", &ok);
	c->costs = NULL;
	c->device_attrs = NULL;
	if (d->n_costs) {
		struct mdev_cost *costs = calloc(d->n_costs, sizeof(*costs));

		c->costs = costs;
		if (!costs)
			return false;
		for (size_t i = 0; i < d->n_costs; i++) {
			costs[i].pool = dup_or_null(d->costs[i].pool, &ok);
			costs[i].amount = d->costs[i].amount;
			t->cost_pool[i] =
			    (size_t)pool_index(pd, d->costs[i].pool);
		}
	}
	if (d->n_device_attrs) {
		struct mdev_attr_desc *attrs =
		    calloc(d->n_device_attrs, sizeof(*attrs));

		c->device_attrs = attrs;
		if (!attrs)
			return false;
		for (size_t i = 0; i < d->n_device_attrs; i++) {
			const struct mdev_attr_desc *a = &d->device_attrs[i];

			attrs[i].name = dup_or_null(a->name, &ok);
			attrs[i].mode = a->mode;
			attrs[i].default_value = dup_or_null(
			    a->default_value ? a->default_value : "", &ok);
		}
	}
	if (!ok)
		return false;
	t->pretty_name = c->name;
	if (!t->pretty_name) {
		const char *dash = strchr(c->id, '-');

		t->pretty_name = dash && dash[1] ? dash + 1 : c->id;
	}
	return true;
}

static void free_type(struct mdev_type *t)
{
	struct mdev_type_desc *c = &t->desc;

	free((char *)c->id);
	free((char *)c->name);
	free((char *)c->description);
	free((char *)c->device_api);
	free((char *)c->class_name);
	free_kv(c->class_attrs, c->n_class_attrs);
	free((char *)c->requires_group);
	free((char *)c->params);
	for (size_t i = 0; c->costs && i < c->n_costs; i++)
		free((char *)c->costs[i].pool);
	free((void *)c->costs);
	for (size_t i = 0; c->device_attrs && i < c->n_device_attrs; i++) {
		free((char *)c->device_attrs[i].name);
		free((char *)c->device_attrs[i].default_value);
	}
	free((void *)c->device_attrs);
}

void mdev_parent_free(struct mdev_parent *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->devpath);
	free(p->driver_name);
	free(p->bus);
	free_kv(p->bus_attrs, p->n_bus_attrs);
	for (size_t i = 0; i < p->n_pools; i++)
		free(p->pools[i].name);
	for (size_t i = 0; p->types && i < p->n_types; i++)
		free_type(&p->types[i]);
	free(p->types);
	free(p);
}

/* Validates desc and returns a parent owning a copy of all of it (not yet
 * linked into a core). */
int mdev_parent_build(const struct mdev_parent_desc *desc,
		      struct mdev_parent **out, char *err, size_t errlen)
{
	struct mdev_parent *p;
	bool ok = true;
	int ret;

	ret = check_parent(desc, err, errlen);
	if (ret < 0)
		return ret;
	p = calloc(1, sizeof(*p));
	if (!p)
		goto nomem;
	mdev_list_init(&p->node);
	mdev_list_init(&p->devices);
	p->name = dup_or_null(desc->name, &ok);
	p->devpath = dup_or_null(desc->devpath, &ok);
	p->driver_name = dup_or_null(desc->driver_name, &ok);
	p->bus = dup_or_null(desc->bus ? desc->bus : "", &ok);
	p->bus_attrs = copy_kv(desc->bus_attrs, desc->n_bus_attrs, &ok);
	p->n_bus_attrs = desc->n_bus_attrs;
	p->iommu_group = desc->iommu_group;
	p->policy = desc->policy;
	p->max_devices = desc->max_devices;
	p->ops = desc->ops;
	p->driver_data = desc->driver_data;
	p->n_pools = desc->n_pools;
	for (size_t i = 0; i < desc->n_pools; i++) {
		p->pools[i].name = dup_or_null(desc->pools[i].name, &ok);
		p->pools[i].total = desc->pools[i].total;
	}
	if (desc->n_types) {
		p->types = calloc(desc->n_types, sizeof(*p->types));
		if (!p->types)
			ok = false;
		else
			p->n_types = desc->n_types;
	}
	for (size_t i = 0; ok && i < p->n_types; i++)
		ok = copy_type(p, &p->types[i], &desc->types[i], desc);
	if (!ok) {
		mdev_parent_free(p);
		goto nomem;
	}
	*out = p;
	return 0;
nomem:
	if (err && errlen)
		snprintf(err, errlen, "parent %s: out of memory", desc->name);
	return -ENOMEM;
}
