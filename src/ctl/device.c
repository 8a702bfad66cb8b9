/* SPDX-License-Identifier: MIT */
/* A mediated device as mdevctl sees it: identity, placement, attributes. */
#include "ctl.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct mdev *mdev_new(const struct ctl_env *env, const ctl_uuid *u)
{
	struct mdev *d = xcalloc(1, sizeof(*d));

	d->uuid = *u;
	uuid_fmt(u, d->uuid_str);
	d->env = env;
	return d;
}

struct mdev *mdev_clone(const struct mdev *s)
{
	struct mdev *d = mdev_new(s->env, &s->uuid);
	size_t i;

	d->parent = s->parent ? xstrdup(s->parent) : NULL;
	d->type = s->type ? xstrdup(s->type) : NULL;
	d->autostart = s->autostart;
	d->active = s->active;
	for (i = 0; i < s->nattrs; i++)
		mdev_add_attr(d, s->attrs[i].name, s->attrs[i].value,
			      d->nattrs);
	return d;
}

void mdev_free(struct mdev *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nattrs; i++) {
		free(d->attrs[i].name);
		free(d->attrs[i].value);
	}
	free(d->attrs);
	free(d->parent);
	free(d->type);
	free(d);
}

void mdev_set_parent(struct mdev *d, const char *p)
{
	char *n = p ? xstrdup(p) : NULL;

	free(d->parent);
	d->parent = n;
}

void mdev_set_type(struct mdev *d, const char *t)
{
	char *n = t ? xstrdup(t) : NULL;

	free(d->type);
	d->type = n;
}

void mdev_add_attr(struct mdev *d, const char *name, const char *value,
		   size_t at)
{
	d->attrs = xrealloc(d->attrs, (d->nattrs + 1) * sizeof(*d->attrs));
	if (at > d->nattrs)
		at = d->nattrs;
	memmove(d->attrs + at + 1, d->attrs + at,
		(d->nattrs - at) * sizeof(*d->attrs));
	d->attrs[at].name = xstrdup(name);
	d->attrs[at].value = xstrdup(value);
	d->nattrs++;
}

void mdev_del_attr(struct mdev *d, size_t at)
{
	if (at >= d->nattrs)
		return;
	free(d->attrs[at].name);
	free(d->attrs[at].value);
	memmove(d->attrs + at, d->attrs + at + 1,
		(d->nattrs - at - 1) * sizeof(*d->attrs));
	d->nattrs--;
}

char *mdev_persist_path(const struct mdev *d)
{
	if (!d->parent)
		return NULL;
	return xpath_join3(d->env->config_base, d->parent, d->uuid_str);
}

char *mdev_sysfs_path(const struct mdev *d)
{
	return xpath_join(d->env->mdev_base, d->uuid_str);
}

bool mdev_is_defined(const struct mdev *d)
{
	char *p = mdev_persist_path(d);
	struct stat st;
	bool r;

	if (!p)
		return false;
	r = stat(p, &st) == 0;
	free(p);
	return r;
}

/* 1.2.0's add_attributes: an array of one-key objects with string values
 * (a non-string value panics there; here it is an error). */
static int load_attrs(struct mdev *d, json_t *attrs, struct ctl_err *e)
{
	size_t i;
	json_t *a;

	if (!attrs || json_is_null(attrs))
		return 0;
	if (!json_is_array(attrs))
		return err_set(e, "attributes field is not an array");
	json_array_foreach(attrs, i, a)
	{
		const char *k;
		json_t *v;

		if (!json_is_object(a))
			return err_set(e, "invalid JSON format for attribute: "
					  "not an object");
		if (json_object_size(a) != 1)
			return err_set(e, "invalid JSON format for attribute: "
					  "too many fields");
		json_object_foreach(a, k, v)
		{
			if (!json_is_string(v))
				return err_set(
				    e,
				    "invalid JSON format for "
				    "attribute: value of '%s' is not "
				    "a string",
				    k);
			mdev_add_attr(d, k, json_string_value(v), d->nattrs);
		}
	}
	return 0;
}

int mdev_load_json(struct mdev *d, const char *parent, struct json_t *root,
		   struct ctl_err *e)
{
	json_t *type =
	    json_is_object(root) ? json_object_get(root, "mdev_type") : NULL;
	json_t *start =
	    json_is_object(root) ? json_object_get(root, "start") : NULL;
	const char *s;

	if (d->parent && strcmp(d->parent, parent))
		log_warn_mod("mdevctl::mdev",
			     "Overwriting parent for mdev %s: %s => %s",
			     d->uuid_str, d->parent, parent);
	mdev_set_parent(d, parent);
	if (!type || json_is_null(type) || !start || json_is_null(start))
		return err_set(e, "invalid json");
	if (!json_is_string(type))
		return err_set(e, "invalid json: mdev_type is not a string");
	s = json_string_value(type);
	if (d->type && strcmp(d->type, s))
		log_warn_mod("mdevctl::mdev",
			     "Overwriting mdev type for mdev %s: %s => %s",
			     d->uuid_str, d->type, s);
	mdev_set_type(d, s);
	d->autostart =
	    json_is_string(start) && !strcmp(json_string_value(start), "auto");
	return load_attrs(
	    d, json_is_object(root) ? json_object_get(root, "attrs") : NULL, e);
}

struct json_t *mdev_to_json(const struct mdev *d)
{
	json_t *o = json_object(), *attrs = json_array();
	size_t i;

	json_object_set_new(o, "mdev_type",
			    json_string_nocheck(d->type ? d->type : ""));
	json_object_set_new(o, "start",
			    json_string(d->autostart ? "auto" : "manual"));
	for (i = 0; i < d->nattrs; i++) {
		json_t *a = json_object();

		json_object_set_new_nocheck(
		    a, d->attrs[i].name,
		    json_string_nocheck(d->attrs[i].value));
		json_array_append_new(attrs, a);
	}
	json_object_set_new(o, "attrs", attrs);
	return o;
}

void mdev_list_add(struct mdev_list *l, struct mdev *d)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = d;
}

static int by_parent_uuid(const void *a, const void *b)
{
	const struct mdev *x = *(struct mdev *const *)a;
	const struct mdev *y = *(struct mdev *const *)b;
	int c = strcmp(x->parent ? x->parent : "", y->parent ? y->parent : "");

	return c ? c : uuid_cmp(&x->uuid, &y->uuid);
}

void mdev_list_sort(struct mdev_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), by_parent_uuid);
}

void mdev_list_free(struct mdev_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		mdev_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
