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
	if (defined ? !mdev_is_defined(d) : !d->active)
		return;
	sb_printf(b, "%s %s %s %s", d->uuid_str, d->parent, d->type,
		  d->autostart ? "auto" : "manual");
	if (defined && d->active)
		sb_add(b, " (active)");
	else if (!defined && mdev_is_defined(d))
		sb_add(b, " (defined)");
	sb_addc(b, '\n');
	if (verbose)
		format_attrs(b, d);
}

void format_attrs(struct sbuf *b, const struct mdev *d)
{
	size_t i;

	if (!d->nattrs)
		return;
	sb_add(b, "  Attrs:\n");
	for (i = 0; i < d->nattrs; i++)
		sb_printf(b, "    @{%zu}: {\"%s\":\"%s\"}\n", i,
			  d->attrs[i].name, d->attrs[i].value);
}

/* Streams serde's pretty layout of
 *   [ { "<parent>": [ { "<key>": <value> }, ... ], ... } ]
 * one element at a time, so no document-sized tree is ever built. */
struct grouped {
	struct sbuf b;
	const char *parent;
	size_t n;
};

static void grouped_add(struct grouped *g, const char *parent, const char *key,
			json_t *value)
{
	struct sbuf *b = &g->b;
	bool new_group = !g->parent || strcmp(g->parent, parent);

	if (!g->n)
		sb_add(b, "[\n  {");
	if (new_group) {
		if (g->n)
			sb_add(b, "\n    ],");
		sb_add(b, "\n    ");
		json_serde_string(b, parent, strlen(parent));
		sb_add(b, ": [");
		g->parent = parent;
	} else {
		sb_addc(b, ',');
	}
	sb_add(b, "\n      {\n        ");
	json_serde_string(b, key, strlen(key));
	sb_add(b, ": ");
	json_serde_write(b, value, 4, true);
	sb_add(b, "\n      }");
	g->n++;
}

static char *grouped_end(struct grouped *g)
{
	if (!g->n)
		sb_add(&g->b, "[]");
	else
		sb_add(&g->b, "\n    ]\n  }\n]");
	return sb_steal(&g->b);
}

static char *devices_json(struct mdev_list *l)
{
	struct grouped g = {{NULL, 0, 0}, NULL, 0};
	size_t i;

	for (i = 0; i < l->n; i++) {
		json_t *j = mdev_to_json(l->v[i]);

		grouped_add(&g, l->v[i]->parent, l->v[i]->uuid_str, j);
		json_decref(j);
	}
	return grouped_end(&g);
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
	json_t *o = json_object();

	json_object_set_new(o, "available_instances",
			    json_integer(t->available));
	json_object_set_new(o, "device_api",
			    json_string_nocheck(t->device_api));
	if (*t->name)
		json_object_set_new(o, "name", json_string_nocheck(t->name));
	if (*t->description)
		json_object_set_new(o, "description",
				    json_string_nocheck(t->description));
	return o;
}

char *format_types(struct type_list *l, bool dumpjson)
{
	const char *cur = NULL;
	struct sbuf b;
	size_t i;

	if (dumpjson) {
		struct grouped g = {{NULL, 0, 0}, NULL, 0};

		for (i = 0; i < l->n; i++) {
			json_t *j = type_json(&l->v[i]);

			grouped_add(&g, l->v[i].parent, l->v[i].type, j);
			json_decref(j);
		}
		return grouped_end(&g);
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
