/* SPDX-License-Identifier: MIT */
/*
 * The hardware file loader: JSON text → validated parent descriptions.
 *
 * A file is {"parents": [ {...}, ... ]}; each parent names a driver. The
 * loader translates the parent's keys into the driver's options, lets the
 * driver describe the parent (mdev_hw_describe(), the same call C code
 * makes), and then owns what every parent has in common: devpath and bus
 * attribute overrides, uniqueness across parents and the class schema
 * check. Every fault is reported as one line "FILE: JSON-PATH: problem".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "common/hash.h"
#include "common/htable.h"
#include "common/names.h"
#include "hw_json.h"
#include "fault_rule.h"
#include "hardware.h"
#include "mdev_sysfs.h"

/* Bounds that keep a hostile file from costing much. */
#define HW_FILE_MAX (16u << 20)
#define HW_MAX_PARENTS 4096
#define HW_MAX_BUS_ATTRS 32
#define HW_DEVPATH_MAX 1024

struct mdev_hardware {
	struct hw_arena arena;
	struct mdev_hw_parent *parents;
	size_t n_parents;
	struct fault_rule *faults;
	size_t n_faults;
	struct mdev_hw_device *devices;
	size_t n_devices;
};

/* Devices present at start: at most what one parent file could hold. */
#define HW_MAX_DEVICES (1u << 20)

/* The fault layer's bound (src/faults): more rules than it can hold. */
#define HW_MAX_FAULTS 256

/* Keys every parent may have, whatever its driver. */
static const char *const common_keys[] = {
    "driver",
    "name",
    "devpath",
    "bus_attrs",
    "vendor",
    "device",
    "class",
    "subsystem_vendor",
    "subsystem_device",
    "numa_node",
    "revision",
    "iommu_group",
    NULL,
};

/* PCI files of the parent directory and how the kernel prints them:
 * hex_digits > 0 is "0x%0*x", 0 is a signed decimal (numa_node). */
struct pci_attr {
	const char *name;
	int hex_digits;
};

static const struct pci_attr pci_attrs[] = {
    {"vendor", 4},	     {"device", 4}, {"subsystem_vendor", 4},
    {"subsystem_device", 4}, {"class", 6},  {"revision", 2},
    {"numa_node", 0},
};

static const char demo_json[] = "{\n"
				"  \"parents\": [\n"
				"    {\n"
				"      \"driver\": \"i915\",\n"
				"      \"name\": \"0000:00:02.0\"\n"
				"    },\n"
				"    {\n"
				"      \"driver\": \"nvidia\",\n"
				"      \"name\": \"0000:65:00.0\"\n"
				"    },\n"
				"    {\n"
				"      \"driver\": \"mtty\"\n"
				"    },\n"
				"    {\n"
				"      \"driver\": \"vfio_ap\"\n"
				"    }\n"
				"  ]\n"
				"}\n";

const char *mdev_hardware_demo_json(void)
{
	return demo_json;
}

static const struct pci_attr *pci_attr_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(pci_attrs); i++)
		if (!strcmp(pci_attrs[i].name, name))
			return &pci_attrs[i];
	return NULL;
}

/* Parses "0x10de", "10de" or 4318 into the kernel's "0x10de". */
static int pci_hex_value(struct hw_ctx *ctx, const char *kpath, json_t *v,
			 int digits, const char **out)
{
	unsigned long max = (1UL << (4 * digits)) - 1;
	unsigned long n = 0;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 ||
		    (unsigned long long)json_integer_value(v) > max)
			goto bad;
		n = (unsigned long)json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t len;

		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			s += 2;
		len = strlen(s);
		if (len == 0 || len > (size_t)digits)
			goto bad;
		for (size_t i = 0; i < len; i++) {
			if (!isxdigit((unsigned char)s[i]))
				goto bad;
			n = n * 16 +
			    (isdigit((unsigned char)s[i])
				 ? (unsigned long)(s[i] - '0')
				 : (unsigned long)(tolower(s[i]) - 'a' + 10));
		}
	} else {
		goto bad;
	}
	*out = hw_printf(ctx, "0x%0*lx", digits, n);
	return *out ? 0 : -ENOMEM;
bad:
	return hw_error_got(ctx, kpath, v,
			    "expected a hex number of at most %d digits "
			    "(\"0x%0*x\")",
			    digits, digits, 0);
}

static int numa_value(struct hw_ctx *ctx, const char *kpath, json_t *v,
		      const char **out)
{
	long long n;

	if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;

		errno = 0;
		n = strtoll(s, &end, 10);
		if (!*s || *end || errno || isspace((unsigned char)*s))
			goto bad;
	} else {
		goto bad;
	}
	if (n < -1 || n > 65535)
		goto bad;
	*out = hw_printf(ctx, "%lld", n);
	return *out ? 0 : -ENOMEM;
bad:
	return hw_error_got(ctx, kpath, v, "expected a NUMA node number or -1");
}

static int one_line_value(struct hw_ctx *ctx, const char *kpath, json_t *v,
			  const char **out)
{
	const char *s = json_string_value(v);

	if (!s || json_string_length(v) > MDEV_ATTR_MAX - 2)
		goto bad;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			goto bad;
	*out = hw_strdup(ctx, s);
	return *out ? 0 : -ENOMEM;
bad:
	return hw_error_got(ctx, kpath, v, "expected a one-line string");
}

/* Replaces or appends name=value in a copy of desc's bus attributes. */
static int set_bus_attr(struct hw_ctx *ctx, struct mdev_parent_desc *desc,
			const char *kpath, const char *name, const char *value)
{
	struct mdev_kv *kv;

	for (size_t i = 0; i < desc->n_bus_attrs; i++) {
		if (strcmp(desc->bus_attrs[i].name, name))
			continue;
		/* The table may be a driver's static one: copy before
		 * writing. */
		kv = hw_calloc(ctx, desc->n_bus_attrs, sizeof(*kv));
		if (!kv)
			return -ENOMEM;
		memcpy(kv, desc->bus_attrs, desc->n_bus_attrs * sizeof(*kv));
		kv[i].value = value;
		desc->bus_attrs = kv;
		return 0;
	}
	if (desc->n_bus_attrs >= HW_MAX_BUS_ATTRS)
		return hw_error(ctx, kpath, "more than %d bus attributes",
				HW_MAX_BUS_ATTRS);
	kv = hw_calloc(ctx, desc->n_bus_attrs + 1, sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	if (desc->n_bus_attrs)
		memcpy(kv, desc->bus_attrs, desc->n_bus_attrs * sizeof(*kv));
	kv[desc->n_bus_attrs].name = hw_strdup(ctx, name);
	kv[desc->n_bus_attrs].value = value;
	if (!kv[desc->n_bus_attrs].name)
		return -ENOMEM;
	desc->bus_attrs = kv;
	desc->n_bus_attrs++;
	return 0;
}

/* One override: PCI files get the kernel's formatting, others are kept
 * as given. */
static int bus_attr_override(struct hw_ctx *ctx, struct mdev_parent_desc *desc,
			     const char *kpath, const char *name, json_t *v)
{
	const struct pci_attr *pa = NULL;
	const char *value = NULL;
	int ret;

	if (!strcmp(desc->bus, "pci"))
		pa = pci_attr_find(name);
	if (pa && pa->hex_digits)
		ret = pci_hex_value(ctx, kpath, v, pa->hex_digits, &value);
	else if (pa)
		ret = numa_value(ctx, kpath, v, &value);
	else
		ret = one_line_value(ctx, kpath, v, &value);
	if (ret)
		return ret;
	return set_bus_attr(ctx, desc, kpath, name, value);
}

static int apply_bus_attrs(struct hw_ctx *ctx, json_t *obj, const char *path,
			   struct mdev_parent_desc *desc)
{
	json_t *attrs = json_object_get(obj, "bus_attrs");
	char bpath[HW_PATH_MAX];
	const char *key;
	json_t *value;
	int ret;

	/* Shorthands first, so that bus_attrs (more explicit) wins. */
	for (size_t i = 0; i < ARRAY_SIZE(pci_attrs); i++) {
		char kpath[HW_PATH_MAX];
		json_t *v = json_object_get(obj, pci_attrs[i].name);

		if (!v)
			continue;
		hw_path_key(kpath, sizeof(kpath), path, pci_attrs[i].name);
		if (strcmp(desc->bus, "pci"))
			return hw_error(ctx, kpath,
					"only PCI parents have this file "
					"(this parent's bus is \"%s\"); use "
					"\"bus_attrs\"",
					desc->bus);
		ret = bus_attr_override(ctx, desc, kpath, pci_attrs[i].name, v);
		if (ret)
			return ret;
	}
	if (!attrs)
		return 0;
	hw_path_key(bpath, sizeof(bpath), path, "bus_attrs");
	if (!json_is_object(attrs))
		return hw_error_got(ctx, bpath, attrs, "expected an object");
	json_object_foreach(attrs, key, value)
	{
		char kpath[HW_PATH_MAX];

		hw_path_key(kpath, sizeof(kpath), bpath, key);
		if (!name_is_sysfs(key, HW_NAME_MAX) ||
		    mdev_sysfs_find(MDEV_SYSFS_PARENT, key))
			return hw_error(ctx, kpath,
					"expected a file name without '/' or "
					"blanks that the server does not "
					"provide itself");
		ret = bus_attr_override(ctx, desc, kpath, key, value);
		if (ret)
			return ret;
	}
	return 0;
}

/* The parent's IOMMU group (its iommu_group link): only PCI parents have
 * one. The kernel numbers groups with an int. */
static int set_iommu_group(struct hw_ctx *ctx, json_t *obj, const char *path,
			   struct mdev_parent_desc *desc)
{
	char kpath[HW_PATH_MAX];
	unsigned long group;
	int ret;

	ret = hw_get_count(ctx, obj, path, "iommu_group", INT32_MAX, &group);
	if (ret)
		return ret < 0 ? ret : 0;
	if (strcmp(desc->bus, "pci")) {
		hw_path_key(kpath, sizeof(kpath), path, "iommu_group");
		return hw_error(ctx, kpath,
				"only PCI parents have an iommu_group link "
				"(this parent's bus is \"%s\")",
				desc->bus);
	}
	desc->iommu_group = (unsigned)group;
	return 0;
}

/* The file's devpath, when it gives one, replaces the driver's default. */
static int set_devpath(struct hw_ctx *ctx, json_t *obj, const char *path,
		       struct mdev_parent_desc *desc)
{
	char kpath[HW_PATH_MAX];
	const char *s;
	int ret;

	ret = hw_get_string(ctx, obj, path, "devpath", HW_DEVPATH_MAX, &s);
	if (ret)
		return ret < 0 ? ret : 0;
	hw_path_key(kpath, sizeof(kpath), path, "devpath");
	if (!name_is_sysfs_path(s, HW_DEVPATH_MAX - 1, HW_NAME_MAX))
		return hw_error_got(ctx, kpath, json_object_get(obj, "devpath"),
				    "expected a relative path under "
				    "sys/devices (words without "
				    "blanks, no \".\" or \"..\")");
	desc->devpath = hw_strdup(ctx, s);
	return desc->devpath ? 0 : -ENOMEM;
}

/* The parent's name: the file's, else the driver's default. */
static int get_name(struct hw_ctx *ctx, const struct mdev_hw_driver *drv,
		    json_t *obj, const char *path, const char **name)
{
	char kpath[HW_PATH_MAX];
	const char *s = drv->default_name;
	int ret;

	hw_path_key(kpath, sizeof(kpath), path, "name");
	ret = hw_get_string(ctx, obj, path, "name", MDEV_NAME_MAX, &s);
	if (ret < 0)
		return ret;
	if (!s)
		return hw_error(ctx, kpath, "required for driver \"%s\"",
				drv->name);
	if (!name_is_sysfs(s, HW_NAME_MAX))
		return hw_error_got(ctx, kpath, json_object_get(obj, "name"),
				    "expected a non-empty word without '/' "
				    "or blanks");
	*name = hw_strdup(ctx, s);
	return *name ? 0 : -ENOMEM;
}

static const struct mdev_hw_driver *get_driver(struct hw_ctx *ctx, json_t *obj,
					       const char *path)
{
	json_t *v = json_object_get(obj, "driver");
	const struct mdev_hw_driver *drv;
	char kpath[HW_PATH_MAX];
	char list[256] = "";

	hw_path_key(kpath, sizeof(kpath), path, "driver");
	if (v && json_is_string(v)) {
		char msg[512];
		int ret;

		drv = mdev_hw_driver_find(json_string_value(v));
		if (drv)
			return drv;
		ret = mdev_hw_plugin_load(json_string_value(v), &drv, msg,
					  sizeof(msg));
		if (!ret)
			return drv;
		if (ret != -ENOENT) {
			hw_error(ctx, kpath, "%s", msg);
			return NULL;
		}
	}
	for (size_t i = 0; i < mdev_hw_n_drivers; i++) {
		strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, mdev_hw_drivers[i]->name,
			sizeof(list) - strlen(list) - 1);
	}
	if (!v)
		hw_error(ctx, kpath, "required (one of %s)", list);
	else
		hw_error_got(ctx, kpath, v,
			     "expected one of %s or a plugin in %s", list,
			     mdev_hw_plugin_dir());
	return NULL;
}

static int check_types(struct hw_ctx *ctx, const char *path,
		       const struct mdev_parent_desc *desc)
{
	char msg[512];

	for (size_t i = 0; i < desc->n_types; i++) {
		char tpath[HW_PATH_MAX];
		char ipath[HW_PATH_MAX];

		if (mdev_class_check(desc->name, &desc->types[i], msg,
				     sizeof(msg)) == 0)
			continue;
		hw_path_key(tpath, sizeof(tpath), path, "types");
		hw_path_index(ipath, sizeof(ipath), tpath, i);
		return hw_error(ctx, ipath, "%s", msg);
	}
	return 0;
}

/* Registers the parent in the file's scratch core: whatever the core would
 * refuse (a device attribute colliding with another, say) is refused here,
 * at load time, with the parent's path. */
static int trial_register(struct hw_ctx *ctx, struct mdev_core *scratch,
			  const char *path, const struct mdev_parent_desc *desc)
{
	char msg[512] = "";
	int ret;

	ret = mdev_parent_register(scratch, desc, NULL, msg, sizeof(msg));
	if (ret == -ENOMEM) {
		snprintf(ctx->err, ctx->errlen, "%s: out of memory",
			 ctx->source);
		return ret;
	}
	if (ret)
		return hw_error(ctx, path, "%s", msg);
	return 0;
}

/* The parent's keys into the driver's options: the driver's own
 * translate, or each numeric key it declares. */
static int translate_options(struct hw_ctx *ctx,
			     const struct mdev_hw_driver *drv, json_t *obj,
			     const char *path, void *opts)
{
	if (drv->translate)
		return drv->translate(ctx, obj, path, opts);
	for (const struct mdev_hw_key *k = drv->keys; k && k->name; k++) {
		unsigned long value;
		int ret;

		ret = hw_get_positive(ctx, obj, path, k->name, k->max, &value);
		if (ret < 0)
			return ret;
		if (ret == 0)
			mdev_hw_opts_set(drv, opts, k->name, value);
	}
	return 0;
}

/* What mdev_hw_describe() refuses, said with the parent's JSON path. */
static int describe_error(struct hw_ctx *ctx, const char *path,
			  const struct mdev_parent_desc *desc, int err)
{
	char kpath[HW_PATH_MAX];

	if (err == -ENOMEM) {
		snprintf(ctx->err, ctx->errlen, "%s: out of memory",
			 ctx->source);
		return err;
	}
	hw_path_key(kpath, sizeof(kpath), path, "name");
	if (err == -EINVAL && desc->bus && !strcmp(desc->bus, "pci"))
		return hw_error(ctx, kpath,
				"a PCI parent's name is its address, like "
				"\"0000:65:00.0\" (lower-case hex), got \"%s\"",
				desc->name);
	return hw_error(ctx, path, "driver \"%s\": %s", desc->driver_name,
			strerror(-err));
}

static int parse_parent(struct hw_ctx *ctx, json_t *obj, const char *path,
			struct mdev_hw_parent *parent)
{
	struct mdev_parent_desc *desc = &parent->desc;
	const struct mdev_hw_driver *drv;
	const char *name = NULL;
	void *opts;
	int ret;

	if (!json_is_object(obj))
		return hw_error_got(ctx, path, obj, "expected an object");
	drv = get_driver(ctx, obj, path);
	if (!drv)
		return -EINVAL;
	ret = hw_check_keys(ctx, obj, path, common_keys, drv);
	if (ret)
		return ret;
	ret = get_name(ctx, drv, obj, path, &name);
	if (ret)
		return ret;
	opts = hw_alloc(ctx, drv->opts_size);
	if (!opts)
		return -ENOMEM;
	if (drv->defaults)
		memcpy(opts, drv->defaults, drv->opts_size);
	ret = translate_options(ctx, drv, obj, path, opts);
	if (ret)
		return ret;
	ret = mdev_hw_describe(drv, name, opts, parent);
	if (ret)
		return describe_error(ctx, path, desc, ret);
	/* The default devpath is in parent itself, which the file owns. */
	ret = set_devpath(ctx, obj, path, desc);
	if (ret)
		return ret;
	ret = apply_bus_attrs(ctx, obj, path, desc);
	if (ret)
		return ret;
	ret = set_iommu_group(ctx, obj, path, desc);
	if (ret)
		return ret;
	return check_types(ctx, path, desc);
}

/*
 * Names and devpaths already taken, for one file: parent names, devpaths,
 * and every directory above a devpath (a new devpath may be none of
 * them, and none of its own directories may be a devpath). Hash tables,
 * so that a file with thousands of parents loads in linear time. (glibc's
 * hsearch hashes only the first eight bytes or so of a key, and devpaths
 * share long prefixes.)
 */
struct hw_key {
	struct htable_node link;
	const char *key;
	size_t index;
};

struct hw_set {
	struct htable table;
	struct hw_key *keys; /* room for every key the caller will add */
	size_t n_keys;
};

struct hw_taken {
	const struct mdev_hardware *hw;
	struct hw_set names;
	struct hw_set paths;
	struct hw_set dirs;
};

static int set_init(struct hw_ctx *ctx, struct hw_set *set, size_t entries)
{
	set->n_keys = 0;
	set->keys = hw_calloc(ctx, entries, sizeof(*set->keys));
	if (!set->keys)
		return -ENOMEM;
	if (htable_init(&set->table, entries) < 0) {
		snprintf(ctx->err, ctx->errlen, "%s: out of memory",
			 ctx->source);
		return -ENOMEM;
	}
	return 0;
}

static uint64_t key_hash(const char *key)
{
	return fnv1a64(key, strlen(key));
}

/* The index stored for key, or -1. */
static long set_find(const struct hw_set *set, const char *key)
{
	struct htable_node *n = htable_first(&set->table, key_hash(key));

	for (; n; n = htable_next(n)) {
		const struct hw_key *k = container_of(n, struct hw_key, link);

		if (strcmp(k->key, key) == 0)
			return (long)k->index;
	}
	return -1;
}

/* Adds key → index unless present (the first parent keeps it). The
 * caller sized the set for every key it adds. */
static void set_add(struct hw_set *set, const char *key, size_t index)
{
	struct hw_key *k;

	if (set_find(set, key) >= 0)
		return;
	k = &set->keys[set->n_keys++];
	k->key = key;
	k->index = index;
	htable_insert(&set->table, &k->link, key_hash(key));
}

static size_t count_dirs(const struct mdev_hardware *hw)
{
	size_t n = 0;

	for (size_t i = 0; i < hw->n_parents; i++)
		for (const char *p = hw->parents[i].desc.devpath; *p; p++)
			n += *p == '/';
	return n;
}

static int taken_init(struct hw_ctx *ctx, struct hw_taken *t,
		      const struct mdev_hardware *hw)
{
	*t = (struct hw_taken){.hw = hw};
	if (set_init(ctx, &t->names, hw->n_parents) ||
	    set_init(ctx, &t->paths, hw->n_parents) ||
	    set_init(ctx, &t->dirs, count_dirs(hw)))
		return -ENOMEM;
	return 0;
}

/* The tables; their keys and entries are the arena's. */
static void taken_fini(struct hw_taken *t)
{
	htable_fini(&t->names.table);
	htable_fini(&t->paths.table);
	htable_fini(&t->dirs.table);
}

/* Directories above devpath, as arena strings ("a", "a/b" for "a/b/c"),
 * calling fn on each. */
static int for_each_dir(struct hw_ctx *ctx, const char *devpath,
			int (*fn)(struct hw_ctx *, struct hw_taken *,
				  const char *, size_t),
			struct hw_taken *t, size_t j)
{
	for (const char *p = strchr(devpath, '/'); p; p = strchr(p + 1, '/')) {
		char *dir = hw_printf(ctx, "%.*s", (int)(p - devpath), devpath);
		int ret;

		if (!dir)
			return -ENOMEM;
		ret = fn(ctx, t, dir, j);
		if (ret)
			return ret;
	}
	return 0;
}

static int overlap_error(struct hw_ctx *ctx, const struct mdev_hardware *hw,
			 size_t j, long i)
{
	char path[HW_PATH_MAX];
	char kpath[HW_PATH_MAX];

	hw_path_index(path, sizeof(path), "parents", j);
	hw_path_key(kpath, sizeof(kpath), path, "devpath");
	return hw_error(
	    ctx, kpath, "devpath \"%s\" overlaps \"%s\" of parents[%ld]",
	    hw->parents[j].desc.devpath, hw->parents[i].desc.devpath, i);
}

/* A directory above the new devpath j may not be an earlier devpath;
 * remembered so that no later devpath may be this directory. */
static int check_dir(struct hw_ctx *ctx, struct hw_taken *t, const char *dir,
		     size_t j)
{
	long i = set_find(&t->paths, dir);

	if (i >= 0)
		return overlap_error(ctx, t->hw, j, i);
	set_add(&t->dirs, dir, j);
	return 0;
}

static int check_unique(struct hw_ctx *ctx, struct hw_taken *t, size_t j)
{
	const struct mdev_hardware *hw = t->hw;
	const struct mdev_parent_desc *p = &hw->parents[j].desc;
	char path[HW_PATH_MAX];
	char kpath[HW_PATH_MAX];
	long i;
	int ret;

	hw_path_index(path, sizeof(path), "parents", j);
	i = set_find(&t->names, p->name);
	if (i >= 0) {
		hw_path_key(kpath, sizeof(kpath), path, "name");
		return hw_error(ctx, kpath,
				"parent \"%s\" is already defined by "
				"parents[%ld]",
				p->name, i);
	}
	i = set_find(&t->paths, p->devpath);
	if (i < 0)
		i = set_find(&t->dirs, p->devpath);
	if (i >= 0)
		return overlap_error(ctx, hw, j, i);
	ret = for_each_dir(ctx, p->devpath, check_dir, t, j);
	if (ret)
		return ret;
	set_add(&t->names, p->name, j);
	set_add(&t->paths, p->devpath, j);
	return 0;
}

/* What needs all parents: uniqueness, then registration in one scratch
 * core. */
static int trial_devices(struct hw_ctx *ctx, struct mdev_core *scratch,
			 const struct mdev_hardware *hw);

static int check_parents(struct hw_ctx *ctx, const struct mdev_hardware *hw)
{
	struct mdev_core *scratch;
	struct hw_taken taken;
	int ret;

	ret = taken_init(ctx, &taken, hw);
	for (size_t i = 0; !ret && i < hw->n_parents; i++)
		ret = check_unique(ctx, &taken, i);
	taken_fini(&taken);
	if (ret)
		return ret;
	scratch = mdev_core_new();
	if (!scratch) {
		snprintf(ctx->err, ctx->errlen, "%s: out of memory",
			 ctx->source);
		return -ENOMEM;
	}
	for (size_t i = 0; !ret && i < hw->n_parents; i++) {
		char path[HW_PATH_MAX];

		hw_path_index(path, sizeof(path), "parents", i);
		ret = trial_register(ctx, scratch, path, &hw->parents[i].desc);
	}
	if (!ret)
		ret = trial_devices(ctx, scratch, hw);
	mdev_core_free(scratch);
	return ret;
}

/* ------------------------------------------------ devices present at start */

/* {"parent": P, "type": T, "uuid": U, "attrs": {"name": "value"}} */
static int parse_device(struct hw_ctx *ctx, json_t *obj, const char *path,
			struct mdev_hw_device *dev)
{
	static const char *const keys[] = {"parent", "type", "uuid", "attrs",
					   NULL};
	static const char *const required[] = {"parent", "type", "uuid"};
	const char **out[] = {&dev->parent, &dev->type, &dev->uuid};
	char kpath[HW_PATH_MAX];
	json_t *attrs, *v;
	const char *key;
	uuid_t u;
	int ret;

	if (!json_is_object(obj))
		return hw_error_got(ctx, path, obj, "expected an object");
	ret = hw_check_keys(ctx, obj, path, keys, NULL);
	for (size_t i = 0; !ret && i < ARRAY_SIZE(required); i++) {
		ret = hw_get_string(ctx, obj, path, required[i],
				    MDEV_ATTR_MAX - 1, out[i]);
		if (ret > 0) {
			hw_path_key(kpath, sizeof(kpath), path, required[i]);
			return hw_error(ctx, kpath, "required");
		}
		/* The parsed JSON goes; the arena keeps the file's strings. */
		if (!ret && !(*out[i] = hw_strdup(ctx, *out[i])))
			return -ENOMEM;
	}
	if (ret)
		return ret;
	hw_path_key(kpath, sizeof(kpath), path, "uuid");
	if (strlen(dev->uuid) != 36 || uuid_parse(dev->uuid, u) < 0)
		return hw_error_got(ctx, kpath, json_object_get(obj, "uuid"),
				    "expected a UUID");
	attrs = json_object_get(obj, "attrs");
	if (!attrs)
		return 0;
	hw_path_key(kpath, sizeof(kpath), path, "attrs");
	if (!json_is_object(attrs))
		return hw_error_got(ctx, kpath, attrs, "expected an object");
	dev->attrs =
	    hw_calloc(ctx, json_object_size(attrs) + 1, sizeof(*dev->attrs));
	if (!dev->attrs)
		return -ENOMEM;
	json_object_foreach(attrs, key, v)
	{
		char apath[HW_PATH_MAX];
		hw_path_key(apath, sizeof(apath), kpath, key);
		if (!json_is_string(v))
			return hw_error_got(ctx, apath, v, "expected a string");
		dev->attrs[dev->n_attrs].name = hw_strdup(ctx, key);
		dev->attrs[dev->n_attrs].value =
		    hw_strdup(ctx, json_string_value(v));
		if (!dev->attrs[dev->n_attrs].name ||
		    !dev->attrs[dev->n_attrs].value)
			return -ENOMEM;
		dev->n_attrs++;
	}
	return 0;
}

static int parse_devices(struct hw_ctx *ctx, json_t *devices,
			 struct mdev_hardware *hw)
{
	if (!json_is_array(devices))
		return hw_error_got(ctx, "devices", devices,
				    "expected an array");
	if (json_array_size(devices) > HW_MAX_DEVICES)
		return hw_error(ctx, "devices",
				"expected at most %u devices, got %zu",
				HW_MAX_DEVICES, json_array_size(devices));
	hw->devices =
	    hw_calloc(ctx, json_array_size(devices) + 1, sizeof(*hw->devices));
	if (!hw->devices)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(devices); i++) {
		char path[HW_PATH_MAX];
		hw_path_index(path, sizeof(path), "devices", i);
		int ret = parse_device(ctx, json_array_get(devices, i), path,
				       &hw->devices[i]);
		if (ret)
			return ret;
		hw->n_devices = i + 1;
	}
	return 0;
}

int mdev_hardware_create_device(struct mdev_core *core,
				const struct mdev_hw_device *dev, char *err,
				size_t errlen)
{
	struct mdev_parent *p = mdev_parent_find(core, dev->parent);
	struct mdev_type *t = p ? mdev_parent_type_find(p, dev->type) : NULL;
	struct mdev_device *m;
	uuid_t u;
	int ret;

	if (!p || !t) {
		snprintf(err, errlen, "%s: no such %s", p ? "type" : "parent",
			 p ? "type on that parent" : "parent in the file");
		return -ENOENT;
	}
	uuid_parse(dev->uuid, u);
	ret = mdev_device_create(t, u, 0, &m);
	if (ret < 0) {
		snprintf(err, errlen, "uuid: cannot be created: %s",
			 strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < dev->n_attrs; i++) {
		ret = mdev_device_attr_store(m, dev->attrs[i].name,
					     dev->attrs[i].value,
					     strlen(dev->attrs[i].value));
		if (ret < 0) {
			snprintf(err, errlen, "attrs.%s: refused: %s",
				 dev->attrs[i].name, strerror(-ret));
			mdev_device_remove(m);
			return ret;
		}
	}
	return 0;
}

/* The devices are created on the scratch core, so that everything the
 * core would refuse at start (no such type, the capacity, a UUID twice, a
 * read-only attribute) is refused with the file's path now. */
static int trial_devices(struct hw_ctx *ctx, struct mdev_core *scratch,
			 const struct mdev_hardware *hw)
{
	for (size_t i = 0; i < hw->n_devices; i++) {
		char path[HW_PATH_MAX], msg[256];
		hw_path_index(path, sizeof(path), "devices", i);
		if (mdev_hardware_create_device(scratch, &hw->devices[i], msg,
						sizeof(msg)) < 0)
			return hw_error(ctx, path, "%s", msg);
	}
	return 0;
}

/* One member of a fault rule: strings as they are, integers and the
 * fraction's decimal as the control socket's words would give them. */
static int fault_member(struct hw_ctx *ctx, struct fault_rule *r,
			const char *path, const char *key, json_t *v)
{
	char kpath[HW_PATH_MAX], num[32], msg[256];
	const char *text;

	hw_path_key(kpath, sizeof(kpath), path, key);
	if (json_is_string(v)) {
		text = json_string_value(v);
	} else if (json_is_integer(v) && json_integer_value(v) >= 0) {
		snprintf(num, sizeof(num), "%lld",
			 (long long)json_integer_value(v));
		text = num;
	} else if (json_is_real(v) && !strcmp(key, "fraction")) {
		snprintf(num, sizeof(num), "%.9g", json_real_value(v));
		text = num;
	} else {
		return hw_error_got(ctx, kpath, v,
				    "expected a string or a non-negative "
				    "integer");
	}
	if (fault_rule_set_problem(r, key, text, msg, sizeof(msg)) < 0)
		return hw_error(ctx, kpath, "%s", msg);
	return 0;
}

/* {"action": "fail", "op": "create", "errno": "EIO", ...}: the control
 * socket's rule line as an object (src/faults/fault_rule.h). */
static int parse_fault(struct hw_ctx *ctx, json_t *obj, const char *path,
		       struct fault_rule *r)
{
	const char *action = NULL, *key;
	char kpath[HW_PATH_MAX], msg[256];
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return hw_error_got(ctx, path, obj, "expected an object");
	ret = hw_get_string(ctx, obj, path, "action", 32, &action);
	if (ret < 0)
		return ret;
	hw_path_key(kpath, sizeof(kpath), path, "action");
	if (ret > 0)
		return hw_error(ctx, kpath,
				"required (fail, delay, overreport, unplug, "
				"reset)");
	if (fault_rule_init(r, action, msg, sizeof(msg)) < 0)
		return hw_error(ctx, kpath, "%s", msg);
	json_object_foreach(obj, key, v)
	{
		if (!strcmp(key, "action"))
			continue;
		ret = fault_member(ctx, r, path, key, v);
		if (ret)
			return ret;
	}
	if (fault_rule_check(r, msg, sizeof(msg)) < 0)
		return hw_error(ctx, path, "%s", msg);
	return 0;
}

static int parse_faults(struct hw_ctx *ctx, json_t *faults,
			struct mdev_hardware *hw)
{
	if (!json_is_array(faults))
		return hw_error_got(ctx, "faults", faults, "expected an array");
	if (json_array_size(faults) > HW_MAX_FAULTS)
		return hw_error(ctx, "faults",
				"expected at most %d rules, got %zu",
				HW_MAX_FAULTS, json_array_size(faults));
	hw->faults =
	    hw_calloc(ctx, json_array_size(faults) + 1, sizeof(*hw->faults));
	if (!hw->faults)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(faults); i++) {
		char path[HW_PATH_MAX];
		hw_path_index(path, sizeof(path), "faults", i);
		int ret = parse_fault(ctx, json_array_get(faults, i), path,
				      &hw->faults[i]);
		if (ret)
			return ret;
		hw->n_faults = i + 1;
	}
	return 0;
}

static int parse_root(struct hw_ctx *ctx, json_t *root,
		      struct mdev_hardware *hw)
{
	static const char *const root_keys[] = {"parents", "faults", "devices",
						NULL};
	json_t *parents;
	int ret;

	if (!json_is_object(root))
		return hw_error_got(ctx, "(top level)", root,
				    "expected an object {\"parents\": [...]}");
	ret = hw_check_keys(ctx, root, "(top level)", root_keys, NULL);
	if (ret)
		return ret;
	parents = json_object_get(root, "parents");
	if (!parents)
		return hw_error(ctx, "parents", "required (a list of parents)");
	if (!json_is_array(parents))
		return hw_error_got(ctx, "parents", parents,
				    "expected an array");
	if (json_array_size(parents) > HW_MAX_PARENTS)
		return hw_error(ctx, "parents",
				"expected at most %d parents, got %zu",
				HW_MAX_PARENTS, json_array_size(parents));
	hw->parents =
	    hw_calloc(ctx, json_array_size(parents), sizeof(*hw->parents));
	if (!hw->parents)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(parents); i++) {
		char path[HW_PATH_MAX];

		hw_path_index(path, sizeof(path), "parents", i);
		ret = parse_parent(ctx, json_array_get(parents, i), path,
				   &hw->parents[i]);
		if (ret)
			return ret;
		hw->n_parents = i + 1;
	}
	if (json_object_get(root, "devices")) {
		ret = parse_devices(ctx, json_object_get(root, "devices"), hw);
		if (ret)
			return ret;
	}
	if (json_object_get(root, "faults")) {
		ret = parse_faults(ctx, json_object_get(root, "faults"), hw);
		if (ret)
			return ret;
	}
	return check_parents(ctx, hw);
}

/* Jansson quotes the offending input in its message, control characters
 * and all; the message must stay on one line. */
static void escape_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int mdev_hardware_parse(const char *text, size_t len, const char *source,
			struct mdev_hardware **out, char *err, size_t errlen)
{
	struct mdev_hardware *hw;
	struct hw_ctx ctx;
	json_error_t jerr;
	json_t *root;
	char dummy[1];
	int ret;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	*out = NULL;
	if (len > HW_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %u MiB", source,
			 HW_FILE_MAX >> 20);
		return -EINVAL;
	}
	hw = calloc(1, sizeof(*hw));
	if (!hw) {
		snprintf(err, errlen, "%s: out of memory", source);
		return -ENOMEM;
	}
	/* Duplicate keys would silently drop a setting; NUL inside strings
	 * is refused by default (names become C strings). Jansson bounds
	 * nesting at JSON_PARSER_MAX_DEPTH. */
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		escape_controls(jerr.text);
		snprintf(err, errlen, "%s: line %d, column %d: %s", source,
			 jerr.line, jerr.column, jerr.text);
		free(hw);
		return -EINVAL;
	}
	ctx = (struct hw_ctx){.source = source,
			      .err = err,
			      .errlen = errlen,
			      .arena = &hw->arena};
	ret = parse_root(&ctx, root, hw);
	json_decref(root);
	if (ret) {
		mdev_hardware_free(hw);
		return ret;
	}
	*out = hw;
	return 0;
}

/* Reads at most HW_FILE_MAX + 1 bytes: enough to tell "too large". */
static int read_bounded(int fd, char **text, size_t *len)
{
	size_t cap = 65536;
	size_t n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *p;

			if (cap > HW_FILE_MAX)
				break;
			cap *= 2;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*text = buf;
	*len = n;
	return 0;
}

int mdev_hardware_load(const char *path, struct mdev_hardware **out, char *err,
		       size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int ret;
	int fd;

	*out = NULL;
	if (!path)
		return mdev_hardware_parse(demo_json, sizeof(demo_json) - 1,
					   "(demo)", out, err, errlen);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = read_bounded(fd, &text, &len);
	close(fd);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = mdev_hardware_parse(text, len, path, out, err, errlen);
	free(text);
	return ret;
}

size_t mdev_hardware_parent_count(const struct mdev_hardware *hw)
{
	return hw->n_parents;
}

const struct mdev_parent_desc *
mdev_hardware_parent(const struct mdev_hardware *hw, size_t i)
{
	return i < hw->n_parents ? &hw->parents[i].desc : NULL;
}

size_t mdev_hardware_device_count(const struct mdev_hardware *hw)
{
	return hw->n_devices;
}

const struct mdev_hw_device *
mdev_hardware_device(const struct mdev_hardware *hw, size_t i)
{
	return i < hw->n_devices ? &hw->devices[i] : NULL;
}

size_t mdev_hardware_fault_count(const struct mdev_hardware *hw)
{
	return hw->n_faults;
}

const struct fault_rule *mdev_hardware_faults(const struct mdev_hardware *hw)
{
	return hw->faults;
}

void mdev_hardware_free(struct mdev_hardware *hw)
{
	if (!hw)
		return;
	hw_arena_free(&hw->arena);
	free(hw);
}
