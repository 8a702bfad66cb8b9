/* SPDX-License-Identifier: MIT */
/*
 * json: a driver whose parents are described entirely by the hardware
 * file, so that any vendor can be modelled without C. A parent gives its
 * policy, pools, framework counter and types; a type gives everything
 * struct mdev_type_desc holds. No ops: device attributes keep what is
 * written to them (one trailing newline removed), as the core does by
 * default.
 *
 * Its options are a struct mdev_parent_desc (driver_name, bus, policy,
 * max_devices, pools, types), so unlike the other drivers this file is
 * mostly JSON: json_translate reads them from the parent object. From C
 * they are set directly.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "common/names.h"
#include "hw_json.h"
#include "mdev_sysfs.h"
#include "model.h"

#define JSON_MAX_TYPES 256
#define JSON_MAX_ATTRS 64

/* Names only (max 0): json_translate reads them. */
static const struct mdev_hw_key json_keys[] = {
    {"bus", 0, 0},	   {"driver_name", 0, 0}, {"policy", 0, 0},
    {"max_devices", 0, 0}, {"pools", 0, 0},	  {"types", 0, 0},
    {NULL, 0, 0},
};

static const char *const type_keys[] = {
    "id",	    "name",	      "class",	       "device_api",
    "description",  "cost",	      "max_instances", "attrs",
    "device_attrs", "requires_group", "params",	       NULL,
};

static const char *const device_attr_keys[] = {"mode", "default", NULL};

/* Printable text on one line (names, device_api, group lists). */
static bool one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* Text that may span lines (descriptions, attribute values). */
static bool text(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') ||
		    *s == 0x7f)
			return false;
	return true;
}

/* Gets an optional string, checks it with ok() and copies it into the
 * arena. 1 when absent. */
static int get_text(struct hw_ctx *ctx, json_t *obj, const char *path,
		    const char *key, size_t max_len, bool (*ok)(const char *),
		    const char *what, const char **out)
{
	char kpath[HW_PATH_MAX];
	const char *s;
	int ret;

	ret = hw_get_string(ctx, obj, path, key, max_len, &s);
	if (ret)
		return ret;
	hw_path_key(kpath, sizeof(kpath), path, key);
	if (!ok(s))
		return hw_error_got(ctx, kpath, json_object_get(obj, key),
				    "expected %s", what);
	*out = hw_strdup(ctx, s);
	return *out ? 0 : -ENOMEM;
}

static bool component(const char *s)
{
	return name_is_sysfs(s, HW_NAME_MAX);
}

static int parse_pools(struct hw_ctx *ctx, json_t *obj, const char *path,
		       struct mdev_parent_desc *desc)
{
	json_t *pools = json_object_get(obj, "pools");
	struct mdev_pool_desc *out;
	char ppath[HW_PATH_MAX];
	const char *key;
	json_t *value;
	size_t i = 0;

	if (!pools)
		return 0;
	hw_path_key(ppath, sizeof(ppath), path, "pools");
	if (!json_is_object(pools))
		return hw_error_got(ctx, ppath, pools, "expected an object");
	if (json_object_size(pools) > MDEV_MAX_POOLS)
		return hw_error(ctx, ppath,
				"expected at most %d pools, got %zu",
				MDEV_MAX_POOLS, json_object_size(pools));
	out = hw_calloc(ctx, json_object_size(pools), sizeof(*out));
	if (!out)
		return -ENOMEM;
	json_object_foreach(pools, key, value)
	{
		char kpath[HW_PATH_MAX];
		unsigned long total;
		int ret;

		hw_path_key(kpath, sizeof(kpath), ppath, key);
		if (!component(key))
			return hw_error(ctx, kpath,
					"a pool name must be a non-empty word "
					"without '/' or blanks");
		ret =
		    hw_get_positive(ctx, pools, ppath, key, UINT32_MAX, &total);
		if (ret < 0)
			return ret;
		out[i].name = hw_strdup(ctx, key);
		if (!out[i].name)
			return -ENOMEM;
		out[i++].total = total;
	}
	desc->pools = out;
	desc->n_pools = i;
	return 0;
}

static bool pool_exists(const struct mdev_parent_desc *desc, const char *name)
{
	for (size_t i = 0; i < desc->n_pools; i++)
		if (!strcmp(desc->pools[i].name, name))
			return true;
	return false;
}

static int parse_costs(struct hw_ctx *ctx, json_t *type, const char *path,
		       const struct mdev_parent_desc *desc,
		       struct mdev_type_desc *out)
{
	json_t *cost = json_object_get(type, "cost");
	struct mdev_cost *costs;
	char cpath[HW_PATH_MAX];
	const char *key;
	json_t *value;
	size_t i = 0;

	if (!cost)
		return 0;
	hw_path_key(cpath, sizeof(cpath), path, "cost");
	if (!json_is_object(cost))
		return hw_error_got(ctx, cpath, cost, "expected an object");
	costs = hw_calloc(ctx, json_object_size(cost), sizeof(*costs));
	if (!costs)
		return -ENOMEM;
	json_object_foreach(cost, key, value)
	{
		char kpath[HW_PATH_MAX];
		unsigned long amount;
		int ret;

		hw_path_key(kpath, sizeof(kpath), cpath, key);
		if (!pool_exists(desc, key))
			return hw_error(
			    ctx, kpath,
			    "no such pool in the parent's \"pools\"");
		ret =
		    hw_get_positive(ctx, cost, cpath, key, UINT32_MAX, &amount);
		if (ret < 0)
			return ret;
		costs[i].pool = hw_strdup(ctx, key);
		if (!costs[i].pool)
			return -ENOMEM;
		costs[i++].amount = amount;
	}
	out->costs = costs;
	out->n_costs = i;
	return 0;
}

/* Class attributes: strings; the gpu ones are checked here so that a bad
 * value is reported at its own path (the class schema check that follows
 * names only parent, type and attribute). */
static int check_class_value(struct hw_ctx *ctx, const char *kpath,
			     const char *key, json_t *value)
{
	const char *s = json_string_value(value);
	unsigned h, v, heads;
	uint64_t bytes;

	if (!strcmp(key, "fb_length") && mdev_parse_fb_length(s, &bytes))
		return hw_error_got(ctx, kpath, value, "expected <n>{K,M,G}");
	if (!strcmp(key, "resolution") && mdev_parse_resolution(s, &h, &v))
		return hw_error_got(ctx, kpath, value, "expected <H>x<V>");
	if (!strcmp(key, "heads") && mdev_parse_heads(s, &heads))
		return hw_error_got(ctx, kpath, value,
				    "expected a positive integer");
	return 0;
}

static int parse_class_attrs(struct hw_ctx *ctx, json_t *type, const char *path,
			     struct mdev_type_desc *out)
{
	json_t *attrs = json_object_get(type, "attrs");
	char apath[HW_PATH_MAX];
	struct mdev_kv *kv;
	const char *key;
	json_t *value;
	size_t i = 0;

	if (!attrs)
		return 0;
	hw_path_key(apath, sizeof(apath), path, "attrs");
	if (!json_is_object(attrs))
		return hw_error_got(ctx, apath, attrs, "expected an object");
	if (json_object_size(attrs) > JSON_MAX_ATTRS)
		return hw_error(ctx, apath, "expected at most %d attributes",
				JSON_MAX_ATTRS);
	kv = hw_calloc(ctx, json_object_size(attrs), sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	json_object_foreach(attrs, key, value)
	{
		char kpath[HW_PATH_MAX];
		int ret;

		hw_path_key(kpath, sizeof(kpath), apath, key);
		if (!component(key) || mdev_sysfs_find(MDEV_SYSFS_TYPE, key))
			return hw_error(ctx, kpath,
					"expected an attribute name without "
					"'/' or blanks that is not a standard "
					"file of the type directory");
		if (!json_is_string(value) ||
		    json_string_length(value) > HW_NAME_MAX ||
		    !one_line(json_string_value(value)))
			return hw_error_got(ctx, kpath, value,
					    "expected a one-line string");
		ret = check_class_value(ctx, kpath, key, value);
		if (ret)
			return ret;
		kv[i].name = hw_strdup(ctx, key);
		kv[i].value = hw_strdup(ctx, json_string_value(value));
		if (!kv[i].name || !kv[i].value)
			return -ENOMEM;
		i++;
	}
	out->class_attrs = kv;
	out->n_class_attrs = i;
	return 0;
}

/* "name" or "group/name" of at most HW_NAME_MAX bytes in all, whose
 * first part is not one of the files every device directory already
 * has. */
static bool device_attr_name(const char *s)
{
	char first[HW_NAME_MAX + 1];
	size_t n;

	if (strlen(s) > HW_NAME_MAX || !name_is_sysfs_attr(s, HW_NAME_MAX, &n))
		return false;
	memcpy(first, s, n);
	first[n] = '\0';
	return !mdev_sysfs_find(MDEV_SYSFS_DEVICE, first);
}

static int parse_mode(struct hw_ctx *ctx, json_t *attr, const char *path,
		      enum mdev_attr_mode *mode)
{
	char mpath[HW_PATH_MAX];
	json_t *v = json_object_get(attr, "mode");
	const char *s;

	hw_path_key(mpath, sizeof(mpath), path, "mode");
	if (!v)
		return hw_error(ctx, mpath,
				"required (\"ro\", \"rw\" or \"wo\")");
	s = json_string_value(v);
	if (s && !strcmp(s, "ro"))
		*mode = MDEV_ATTR_RO;
	else if (s && !strcmp(s, "rw"))
		*mode = MDEV_ATTR_RW;
	else if (s && !strcmp(s, "wo"))
		*mode = MDEV_ATTR_WO;
	else
		return hw_error_got(ctx, mpath, v,
				    "expected \"ro\", \"rw\" or \"wo\"");
	return 0;
}

static int parse_device_attrs(struct hw_ctx *ctx, json_t *type,
			      const char *path, struct mdev_type_desc *out)
{
	json_t *attrs = json_object_get(type, "device_attrs");
	struct mdev_attr_desc *descs;
	char apath[HW_PATH_MAX];
	const char *key;
	json_t *value;
	size_t i = 0;

	if (!attrs)
		return 0;
	hw_path_key(apath, sizeof(apath), path, "device_attrs");
	if (!json_is_object(attrs))
		return hw_error_got(ctx, apath, attrs, "expected an object");
	if (json_object_size(attrs) > JSON_MAX_ATTRS)
		return hw_error(ctx, apath, "expected at most %d attributes",
				JSON_MAX_ATTRS);
	descs = hw_calloc(ctx, json_object_size(attrs), sizeof(*descs));
	if (!descs)
		return -ENOMEM;
	json_object_foreach(attrs, key, value)
	{
		char kpath[HW_PATH_MAX];
		const char *def = NULL;
		int ret;

		hw_path_key(kpath, sizeof(kpath), apath, key);
		if (!device_attr_name(key))
			return hw_error(ctx, kpath,
					"expected \"name\" or \"group/name\" "
					"(words without blanks, not a standard "
					"device file)");
		if (!json_is_object(value))
			return hw_error_got(ctx, kpath, value,
					    "expected an object");
		ret = hw_check_keys(ctx, value, kpath, device_attr_keys, NULL);
		if (ret)
			return ret;
		ret = parse_mode(ctx, value, kpath, &descs[i].mode);
		if (ret)
			return ret;
		ret = get_text(ctx, value, kpath, "default", MDEV_ATTR_MAX - 2,
			       text, "printable text", &def);
		if (ret < 0)
			return ret;
		descs[i].name = hw_strdup(ctx, key);
		if (!descs[i].name)
			return -ENOMEM;
		descs[i++].default_value = def;
	}
	out->device_attrs = descs;
	out->n_device_attrs = i;
	return 0;
}

/* The description file holds the text and a final newline, as the
 * kernel's description_show prints it. */
static int parse_description(struct hw_ctx *ctx, json_t *type, const char *path,
			     struct mdev_type_desc *out)
{
	const char *s;
	size_t len;
	int ret;

	ret = get_text(ctx, type, path, "description", MDEV_ATTR_MAX - 2, text,
		       "printable text", &s);
	if (ret)
		return ret < 0 ? ret : 0;
	len = strlen(s);
	if (len && s[len - 1] == '\n')
		out->description = s;
	else
		out->description = hw_printf(ctx, "%s\n", s);
	return out->description ? 0 : -ENOMEM;
}

static int parse_type(struct hw_ctx *ctx, json_t *type, const char *path,
		      const struct mdev_parent_desc *desc,
		      struct mdev_type_desc *out)
{
	char kpath[HW_PATH_MAX];
	unsigned long max = 0;
	int ret;

	if (!json_is_object(type))
		return hw_error_got(ctx, path, type, "expected an object");
	ret = hw_check_keys(ctx, type, path, type_keys, NULL);
	if (ret)
		return ret;
	hw_path_key(kpath, sizeof(kpath), path, "id");
	ret = get_text(ctx, type, path, "id", HW_NAME_MAX, component,
		       "a non-empty word without '/' or blanks", &out->id);
	if (ret > 0)
		return hw_error(ctx, kpath, "required");
	if (ret < 0)
		return ret;
	for (size_t i = 0; desc->types && &desc->types[i] != out; i++)
		if (!strcmp(desc->types[i].id, out->id))
			return hw_error_got(ctx, kpath,
					    json_object_get(type, "id"),
					    "duplicate type id");
	ret = get_text(ctx, type, path, "name", HW_NAME_MAX, one_line,
		       "a one-line string", &out->name);
	if (ret < 0)
		return ret;
	out->device_api = "vfio-pci";
	ret = get_text(ctx, type, path, "device_api", HW_NAME_MAX, component,
		       "a word such as \"vfio-pci\"", &out->device_api);
	if (ret < 0)
		return ret;
	ret = parse_description(ctx, type, path, out);
	if (ret < 0)
		return ret;
	ret = get_text(ctx, type, path, "class", HW_NAME_MAX, component,
		       "a class name", &out->class_name);
	if (ret < 0)
		return ret;
	if (out->class_name && !mdev_class_known(out->class_name)) {
		hw_path_key(kpath, sizeof(kpath), path, "class");
		return hw_error_got(ctx, kpath, json_object_get(type, "class"),
				    "unknown class");
	}
	ret = parse_class_attrs(ctx, type, path, out);
	if (ret < 0)
		return ret;
	ret = hw_get_count(ctx, type, path, "max_instances", UINT_MAX, &max);
	if (ret < 0)
		return ret;
	out->max_instances = max;
	ret = get_text(ctx, type, path, "requires_group", HW_NAME_MAX, one_line,
		       "a one-line string", &out->requires_group);
	if (ret < 0)
		return ret;
	ret = get_text(ctx, type, path, "params", MDEV_ATTR_MAX - 2, one_line,
		       "a one-line string", &out->params);
	if (ret < 0)
		return ret;
	ret = parse_costs(ctx, type, path, desc, out);
	if (ret < 0)
		return ret;
	return parse_device_attrs(ctx, type, path, out);
}

static int parse_types(struct hw_ctx *ctx, json_t *obj, const char *path,
		       struct mdev_parent_desc *desc)
{
	json_t *types = json_object_get(obj, "types");
	struct mdev_type_desc *out;
	char tpath[HW_PATH_MAX];
	size_t n;

	hw_path_key(tpath, sizeof(tpath), path, "types");
	if (!types)
		return hw_error(ctx, tpath, "required (a list of types)");
	if (!json_is_array(types) || json_array_size(types) == 0)
		return hw_error_got(ctx, tpath, types,
				    "expected a non-empty array");
	n = json_array_size(types);
	if (n > JSON_MAX_TYPES)
		return hw_error(ctx, tpath,
				"expected at most %d types, got %zu",
				JSON_MAX_TYPES, n);
	out = hw_calloc(ctx, n, sizeof(*out));
	if (!out)
		return -ENOMEM;
	desc->types = out;
	for (size_t i = 0; i < n; i++) {
		char ipath[HW_PATH_MAX];
		int ret;

		hw_path_index(ipath, sizeof(ipath), tpath, i);
		ret = parse_type(ctx, json_array_get(types, i), ipath, desc,
				 &out[i]);
		if (ret)
			return ret;
		desc->n_types = i + 1;
	}
	return 0;
}

static int parse_policy(struct hw_ctx *ctx, json_t *obj, const char *path,
			struct mdev_parent_desc *desc)
{
	json_t *v = json_object_get(obj, "policy");
	char kpath[HW_PATH_MAX];
	const char *s;

	desc->policy = MDEV_POLICY_MIXED;
	if (!v)
		return 0;
	s = json_string_value(v);
	if (s && !strcmp(s, "mixed"))
		return 0;
	if (s && !strcmp(s, "homogeneous")) {
		desc->policy = MDEV_POLICY_HOMOGENEOUS;
		return 0;
	}
	hw_path_key(kpath, sizeof(kpath), path, "policy");
	return hw_error_got(ctx, kpath, v,
			    "expected \"mixed\" or \"homogeneous\"");
}

/* PCI parents of a known vendor driver get that driver's ids by default;
 * others get zeros, which the file should override. */
DRV_PCI_BUS_ATTRS(json_pci_bus_attrs, "0x0000", "0x0000", "0x000000", "0x0000",
		  "0x0000");

static void default_bus_attrs(struct mdev_parent_desc *desc)
{
	const struct mdev_hw_driver *known;

	desc->bus_attrs = NULL;
	desc->n_bus_attrs = 0;
	if (strcmp(desc->bus, "pci"))
		return;
	known = mdev_hw_driver_find(desc->driver_name);
	if (known && known->n_bus_attrs) {
		desc->bus_attrs = known->bus_attrs;
		desc->n_bus_attrs = known->n_bus_attrs;
	} else {
		desc->bus_attrs = json_pci_bus_attrs;
		desc->n_bus_attrs = ARRAY_SIZE(json_pci_bus_attrs);
	}
}

/* The hardware-file keys into the options: a parent description whose
 * name, devpath, ops and bus attributes are unused. */
static int json_translate(struct hw_ctx *ctx, json_t *obj, const char *path,
			  void *opts)
{
	struct mdev_parent_desc *desc = opts;
	unsigned long max_devices = 0;
	int ret;

	ret = get_text(ctx, obj, path, "driver_name", HW_NAME_MAX, component,
		       "a non-empty word without '/' or blanks",
		       &desc->driver_name);
	if (ret < 0)
		return ret;
	ret = get_text(ctx, obj, path, "bus", HW_NAME_MAX, component,
		       "a bus name such as \"pci\"", &desc->bus);
	if (ret < 0)
		return ret;
	ret = parse_policy(ctx, obj, path, desc);
	if (ret)
		return ret;
	ret =
	    hw_get_count(ctx, obj, path, "max_devices", UINT_MAX, &max_devices);
	if (ret < 0)
		return ret;
	desc->max_devices = max_devices;
	ret = parse_pools(ctx, obj, path, desc);
	if (ret)
		return ret;
	return parse_types(ctx, obj, path, desc);
}

/* The options are the parent's description; what they leave out gets
 * the json driver's defaults: driver_name "json", bus "pci" for a PCI
 * address and "virtual" otherwise, and the bus attributes above. */
static int json_describe(const void *opts, struct mdev_hw_parent *out)
{
	const struct mdev_parent_desc *o = opts;
	struct mdev_parent_desc *desc = &out->desc;

	if (o->driver_name)
		desc->driver_name = o->driver_name;
	desc->bus = o->bus;
	if (!desc->bus)
		desc->bus = hw_pci_address(desc->name) ? "pci" : "virtual";
	default_bus_attrs(desc);
	desc->policy = o->policy;
	desc->max_devices = o->max_devices;
	desc->pools = o->pools;
	desc->n_pools = o->n_pools;
	desc->types = o->types;
	desc->n_types = o->n_types;
	return 0;
}

static const struct mdev_parent_desc json_defaults;

const struct mdev_hw_driver json_driver = {
    .name = "json",
    .opts_size = sizeof(struct mdev_parent_desc),
    .defaults = &json_defaults,
    .keys = json_keys,
    .translate = json_translate,
    .describe = json_describe,
    .model = &pci_ident_model,
};
