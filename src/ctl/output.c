/* SPDX-License-Identifier: MIT */
/*
 * Output formatting shared by list and types: 1.2.0's text layout and its
 * serde pretty JSON (a list holding one object keyed by parent).
 */
#include "ctl.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void device_text(struct sbuf *b, const struct mdev *d, bool defined,
			bool verbose)
{
	size_t i;

	if (defined ? !mdev_is_defined(d) : !d->active)
		return;
	sb_printf(b, "%s %s %s %s", d->uuid_str, d->parent, d->type,
		  d->autostart ? "auto" : "manual");
	if (defined && d->active)
		sb_add(b, " (active)");
	else if (!defined && mdev_is_defined(d))
		sb_add(b, " (defined)");
	sb_addc(b, '\n');
	if (!verbose || !d->nattrs)
		return;
	sb_add(b, "  Attrs:\n");
	for (i = 0; i < d->nattrs; i++)
		sb_printf(b, "    @{%zu}: {\"%s\":\"%s\"}\n", i,
			  d->attrs[i].name, d->attrs[i].value);
}

/* [ { "<parent>": [ { "<uuid>": {...} }, ... ], ... } ] or [] */
static char *devices_json(struct mdev_list *l)
{
	json_t *top = json_array(), *parents = json_object(), *arr = NULL;
	const char *cur = NULL;
	size_t i;
	char *s;

	for (i = 0; i < l->n; i++) {
		struct mdev *d = l->v[i];
		json_t *one = json_object();

		if (!cur || strcmp(cur, d->parent)) {
			arr = json_array();
			json_object_set_new_nocheck(parents, d->parent, arr);
			cur = d->parent;
		}
		json_object_set_new_nocheck(one, d->uuid_str, mdev_to_json(d));
		json_array_append_new(arr, one);
	}
	if (json_object_size(parents))
		json_array_append_new(top, parents);
	else
		json_decref(parents);
	s = json_pretty(top);
	json_decref(top);
	return s;
}

char *format_list(struct mdev_list *l, bool defined, bool dumpjson,
		  bool verbose, bool single_uuid, struct ctl_err *e)
{
	struct sbuf b;
	size_t i;

	(void)e;
	if (dumpjson) {
		json_t *j;
		char *s;

		if (!single_uuid || l->n > 1)
			return devices_json(l);
		/* a single device prints as a config file would */
		if (l->n == 0)
			return xstrdup("[]");
		j = mdev_to_json(l->v[0]);
		s = json_pretty(j);
		json_decref(j);
		return s;
	}
	sb_init(&b);
	sb_addn(&b, "", 0);
	for (i = 0; i < l->n; i++)
		device_text(&b, l->v[i], defined, verbose);
	return sb_steal(&b);
}

static json_t *type_json(const struct mdev_type_info *t)
{
	json_t *o = json_object(), *w = json_object();

	json_object_set_new(o, "available_instances",
			    json_integer(t->available));
	json_object_set_new(o, "device_api",
			    json_string_nocheck(t->device_api));
	if (*t->name)
		json_object_set_new(o, "name", json_string_nocheck(t->name));
	if (*t->description)
		json_object_set_new(o, "description",
				    json_string_nocheck(t->description));
	json_object_set_new_nocheck(w, t->type, o);
	return w;
}

char *format_types(struct type_list *l, bool dumpjson)
{
	const char *cur = NULL;
	struct sbuf b;
	size_t i;

	if (dumpjson) {
		json_t *top = json_array(), *parents = json_object();
		json_t *arr = NULL;
		char *s;

		for (i = 0; i < l->n; i++) {
			if (!cur || strcmp(cur, l->v[i].parent)) {
				arr = json_array();
				json_object_set_new_nocheck(
				    parents, l->v[i].parent, arr);
				cur = l->v[i].parent;
			}
			json_array_append_new(arr, type_json(&l->v[i]));
		}
		if (json_object_size(parents))
			json_array_append_new(top, parents);
		else
			json_decref(parents);
		s = json_pretty(top);
		json_decref(top);
		return s;
	}
	sb_init(&b);
	sb_addn(&b, "", 0);
	for (i = 0; i < l->n; i++) {
		const struct mdev_type_info *t = &l->v[i];

		if (!cur || strcmp(cur, t->parent)) {
			sb_printf(&b, "%s\n", t->parent);
			cur = t->parent;
		}
		sb_printf(&b,
			  "  %s\n    Available instances: %ld\n"
			  "    Device API: %s\n",
			  t->type, t->available, t->device_api);
		if (*t->name)
			sb_printf(&b, "    Name: %s\n", t->name);
		if (*t->description)
			sb_printf(&b, "    Description: %s\n", t->description);
	}
	return sb_steal(&b);
}
