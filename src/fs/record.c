// SPDX-License-Identifier: MIT
/*
 * mdevd --record [SYSFS]: reads a host's mdev tree (the kernel's or
 * mdevd's) and prints a hardware file that reproduces it with the json
 * driver (docs/faults.md#recording-a-host). Deterministic: parents, types,
 * devices and attributes sorted by name. What sysfs does not show, or the
 * format cannot say, is reported on stderr ("mdevd: record: ..."), never
 * guessed.
 *
 * Capacity: a type's capacity is its available_instances plus its
 * devices; it becomes max_instances, so the replay with the same devices
 * shows the same available_instances. A type showing 0 with no devices
 * costs 2 of a pool of 1 (max_instances 0 would mean "no limit"); one
 * showing 2147483647 has no limit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "faults.h"
#include "mdev_sysfs.h"
#include "record_parse.h"

#define EXHAUSTED_POOL "exhausted"

struct recorder {
	const char *sysfs;  /* as given */
	char *real_devices; /* realpath(SYSFS/devices) */
	json_t *devices;    /* the "devices" list */
	unsigned problems;
};

static void report(struct recorder *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void report(struct recorder *r, const char *fmt, ...)
{
	va_list ap;
	fputs("mdevd: record: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	r->problems++;
}

/* A sysfs file's value: at most a page, one trailing newline removed.
 * NULL (and errno) when it cannot be read. */
static char *read_value(const char *dir, const char *name)
{
	char *path = path_join(dir, name), buf[MDEV_ATTR_MAX + 1];
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	ssize_t n = -1;

	free(path);
	if (fd >= 0) {
		n = read(fd, buf, MDEV_ATTR_MAX);
		int e = errno;
		close(fd);
		errno = e;
	}
	if (n < 0)
		return NULL;
	record_value_trim(buf, (size_t)n);
	return strdup(buf);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int no_dots(const struct dirent *e)
{
	return strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
}

/* The entries of dir, sorted; -1 when it cannot be read. */
static int list_dir(const char *dir, struct dirent ***out)
{
	return scandir(dir, out, no_dots, by_name);
}

static void free_list(struct dirent **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static bool is_kind(const char *dir, const char *name, mode_t kind)
{
	struct stat st;
	char *path = path_join(dir, name);
	bool ok =
	    path && lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == kind;
	free(path);
	return ok;
}

/* The last component of a link's target, or NULL. */
static char *link_base(const char *dir, const char *name)
{
	char *path = path_join(dir, name), target[PATH_MAX];
	ssize_t n = path ? readlink(path, target, sizeof(target) - 1) : -1;
	free(path);
	if (n <= 0)
		return NULL;
	target[n] = '\0';
	char *slash = strrchr(target, '/');
	return strdup(slash ? slash + 1 : target);
}

/* Only PCI parents get an iommu_group link from mdevd; another bus's
 * group is reported. */
static void record_iommu_group(struct recorder *r, const char *dir,
			       const char *bus, const char *name, json_t *p)
{
	char *group = link_base(dir, "iommu_group");
	unsigned n;

	if (!group)
		return;
	if (!bus || strcmp(bus, "pci"))
		report(r,
		       "parent %s: iommu_group %s not reproduced (only PCI "
		       "parents have one in mdevd)",
		       name, group);
	else if (!record_parse_group(group, &n))
		report(r,
		       "parent %s: iommu_group link to \"%s\" is not a "
		       "group number; left out",
		       name, group);
	else
		json_object_set_new(p, "iommu_group", json_integer(n));
	free(group);
}

static void set_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, json_string(value));
}

/* Strings the hardware file cannot hold (control bytes, not UTF-8) are
 * reported and left out. */
static bool set_checked(struct recorder *r, json_t *obj, const char *key,
			const char *value, const char *where)
{
	json_t *s = json_string(value);
	if (!s) {
		report(r, "%s: %s: not UTF-8, left out", where, key);
		return false;
	}
	json_object_set_new(obj, key, s);
	return true;
}

/* ------------------------------------------------------------- devices */

/* The attribute files of a device: driver files and one level of groups
 * (nvidia/vgpu_params), never the framework's own. */
static void device_attr_files(const char *dev, json_t *decl, bool first,
			      json_t *values, struct recorder *r,
			      const char *where, const char *group)
{
	char *dir = group ? path_join(dev, group) : strdup(dev);
	struct dirent **list;
	int n = dir ? list_dir(dir, &list) : -1;

	for (int i = 0; i < n; i++) {
		const char *f = list[i]->d_name;
		char name[2 * MDEV_NAME_MAX + 2];
		struct stat st;
		if (!group && mdev_sysfs_find(MDEV_SYSFS_DEVICE, f))
			continue;
		if (!group && is_kind(dir, f, S_IFDIR)) {
			device_attr_files(dev, decl, first, values, r, where,
					  f);
			continue;
		}
		char *path = path_join(dir, f);
		if (!path || lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		free(path);
		snprintf(name, sizeof(name), "%s%s%s", group ? group : "",
			 group ? "/" : "", f);
		unsigned perm = st.st_mode & 0777;
		const char *mode = record_attr_mode(perm);
		if (!mode) {
			report(r,
			       "%s: %s: mode %o is none of 0444, 0644, 0200; "
			       "left out",
			       where, name, perm);
			continue;
		}
		char *value = perm == 0200 ? NULL : read_value(dir, f);
		if (!value && perm != 0200) {
			report(r, "%s: %s: unreadable (%s); left out", where,
			       name, strerror(errno));
			continue;
		}
		json_t *known = json_object_get(decl, name);
		const char *dflt =
		    json_string_value(json_object_get(known, "default"));
		if (!first && !known)
			report(r,
			       "%s: %s: not a file of the type's first "
			       "device; left out",
			       where, name);
		else if (!first && perm == 0444 && dflt && strcmp(dflt, value))
			report(r,
			       "%s: %s: read-only value differs from the "
			       "type's first device; the replay shows the "
			       "first's",
			       where, name);
		if (first && !known) {
			json_t *d = json_object();
			set_str(d, "mode", mode);
			/* A read-only value can only come from the type's
			 * default: the first device's value. */
			set_checked(r, d, "default", perm == 0444 ? value : "",
				    where);
			json_object_set_new(decl, name, d);
		}
		/* A read-only value is the type's default (the first
		 * device's); a later device cannot show another. */
		if (perm == 0644)
			set_checked(r, values, name, value, where);
		free(value);
	}
	if (n >= 0)
		free_list(list, n);
	free(dir);
}

static unsigned record_devices(struct recorder *r, const char *typedir,
			       const char *parent, const char *type,
			       json_t *tobj)
{
	char *devs = path_join(typedir, "devices");
	struct dirent **list;
	int n = devs ? list_dir(devs, &list) : -1;
	json_t *decl = json_object();

	if (n < 0) {
		report(r, "parent %s type %s: devices/: %s", parent, type,
		       strerror(errno));
		n = 0;
		list = NULL;
	}
	for (int i = 0; i < n; i++) {
		char where[512];
		char *dev = path_join(devs, list[i]->d_name);
		char *real = dev ? realpath(dev, NULL) : NULL;
		json_t *d = json_object(), *values = json_object();
		snprintf(where, sizeof(where), "device %s", list[i]->d_name);
		set_str(d, "parent", parent);
		set_str(d, "type", type);
		set_str(d, "uuid", list[i]->d_name);
		if (real)
			device_attr_files(real, decl, i == 0, values, r, where,
					  NULL);
		else
			report(r, "%s: %s", where, strerror(errno));
		if (json_object_size(values))
			json_object_set(d, "attrs", values);
		json_decref(values);
		json_array_append_new(r->devices, d);
		free(real);
		free(dev);
	}
	if (json_object_size(decl))
		json_object_set(tobj, "device_attrs", decl);
	json_decref(decl);
	if (list)
		free_list(list, n);
	free(devs);
	return (unsigned)n;
}

/* --------------------------------------------------------------- types */

static json_t *record_type(struct recorder *r, const char *parentdir,
			   const char *parent, const char *id, bool *exhausted)
{
	char *dir = path_join(parentdir, "mdev_supported_types");
	char *typedir = dir ? path_join(dir, id) : NULL;
	json_t *t = json_object(), *attrs = json_object();
	struct dirent **list;
	char where[512];
	int n;

	free(dir);
	snprintf(where, sizeof(where), "parent %s type %s", parent, id);
	set_str(t, "id", id);
	static const char *const text_files[] = {
	    "name",  "description",    "device_api",
	    "class", "requires_group", "params"};
	for (size_t i = 0; i < sizeof(text_files) / sizeof(*text_files); i++) {
		char *v = read_value(typedir, text_files[i]);
		/* The seed's files at their defaults say nothing, and a
		 * kernel's tree has none: left out, so both record alike. */
		bool dflt = v && ((!strcmp(text_files[i], "requires_group") &&
				   !strcmp(v, "0")) ||
				  (!strcmp(text_files[i], "params") && !*v));
		if (v && !dflt)
			set_checked(r, t, text_files[i], v, where);
		else if (!strcmp(text_files[i], "device_api"))
			report(r, "%s: device_api: %s", where, strerror(errno));
		free(v);
	}
	/* Class attributes: what the type directory has beyond the
	 * framework's files. */
	n = list_dir(typedir, &list);
	for (int i = 0; i < n; i++) {
		const char *f = list[i]->d_name;
		if (mdev_sysfs_find(MDEV_SYSFS_TYPE, f) ||
		    !is_kind(typedir, f, S_IFREG))
			continue;
		char *v = read_value(typedir, f);
		if (v)
			set_checked(r, attrs, f, v, where);
		else
			report(r, "%s: %s: unreadable (%s)", where, f,
			       strerror(errno));
		free(v);
	}
	if (n >= 0)
		free_list(list, n);
	if (json_object_size(attrs))
		json_object_set(t, "attrs", attrs);
	json_decref(attrs);

	char *avail_s = read_value(typedir, "available_instances");
	unsigned long avail, max = 0;
	enum record_capacity cap;
	unsigned devices = record_devices(r, typedir, parent, id, t);
	if (!record_parse_decimal(avail_s, ULONG_MAX, &avail)) {
		report(r,
		       "%s: available_instances unreadable; no limit "
		       "recorded",
		       where);
	} else if ((cap = record_capacity(avail, devices, &max)) ==
		   RECORD_CAP_EXHAUSTED) {
		json_t *cost = json_object();
		json_object_set_new(cost, EXHAUSTED_POOL, json_integer(2));
		json_object_set_new(t, "cost", cost);
		*exhausted = true;
	} else if (cap == RECORD_CAP_MAX) {
		json_object_set_new(t, "max_instances",
				    json_integer((json_int_t)max));
	}
	free(avail_s);
	free(typedir);
	return t;
}

/* ------------------------------------------------------------- parents */

static const char *const pci_files[] = {
    "vendor", "device",	  "subsystem_vendor", "subsystem_device",
    "class",  "revision", "numa_node",
};

static void record_bus_attrs(struct recorder *r, const char *dir,
			     const char *bus, const char *name, json_t *p)
{
	json_t *attrs = json_object();
	char where[512];
	struct dirent **list;

	snprintf(where, sizeof(where), "parent %s", name);
	if (!strcmp(bus, "pci")) {
		/* A real PCI device has dozens of files, some write-only;
		 * the identity is what managers read. */
		for (size_t i = 0; i < sizeof(pci_files) / sizeof(*pci_files);
		     i++) {
			char *v = read_value(dir, pci_files[i]);
			if (v)
				set_checked(r, attrs, pci_files[i], v, where);
			else
				report(r, "%s: %s: %s", where, pci_files[i],
				       strerror(errno));
			free(v);
		}
	} else {
		int n = list_dir(dir, &list);
		for (int i = 0; i < n; i++) {
			const char *f = list[i]->d_name;
			if (mdev_sysfs_find(MDEV_SYSFS_PARENT, f) ||
			    !is_kind(dir, f, S_IFREG))
				continue;
			char *v = read_value(dir, f);
			if (v && !strchr(v, '\n'))
				set_checked(r, attrs, f, v, where);
			else
				report(r, "%s: %s: %s; left out", where, f,
				       v ? "more than one line"
					 : strerror(errno));
			free(v);
		}
		if (n >= 0)
			free_list(list, n);
	}
	if (json_object_size(attrs))
		json_object_set(p, "bus_attrs", attrs);
	json_decref(attrs);
}

static json_t *record_parent(struct recorder *r, const char *classdir,
			     const char *name)
{
	char *link = path_join(classdir, name);
	char *dir = link ? realpath(link, NULL) : NULL;
	size_t base = strlen(r->real_devices);
	json_t *p;

	free(link);
	if (!dir || strncmp(dir, r->real_devices, base) || dir[base] != '/') {
		report(r, "parent %s: not a link into %s/devices; left out",
		       name, r->sysfs);
		free(dir);
		return NULL;
	}
	const char *devpath = dir + base + 1;
	p = json_object();
	set_str(p, "name", name);
	set_str(p, "driver", "json");
	set_str(p, "devpath", devpath);
	/* devices/virtual/<class>/<name> is a class device; otherwise the
	 * bus its subsystem link names. */
	char *bus = strncmp(devpath, "virtual/", 8) == 0
			? strdup("virtual")
			: link_base(dir, "subsystem");
	char *driver = link_base(dir, "driver");
	if (bus)
		set_str(p, "bus", bus);
	else
		report(r,
		       "parent %s: no subsystem link; bus left to the "
		       "json driver",
		       name);
	if (driver)
		set_str(p, "driver_name", driver);
	else if (!bus || strcmp(bus, "virtual"))
		report(r, "parent %s: no driver link; driver_name left out",
		       name);
	record_iommu_group(r, dir, bus, name, p);
	record_bus_attrs(r, dir, bus ? bus : "", name, p);

	json_t *types = json_array();
	bool exhausted = false;
	char *tdir = path_join(dir, "mdev_supported_types");
	struct dirent **list;
	int n = tdir ? list_dir(tdir, &list) : -1;
	if (n < 0)
		report(r, "parent %s: mdev_supported_types: %s", name,
		       strerror(errno));
	for (int i = 0; i < n; i++)
		json_array_append_new(
		    types,
		    record_type(r, dir, name, list[i]->d_name, &exhausted));
	if (n >= 0)
		free_list(list, n);
	if (exhausted) {
		json_t *pools = json_object();
		json_object_set_new(pools, EXHAUSTED_POOL, json_integer(1));
		json_object_set_new(p, "pools", pools);
	}
	json_object_set_new(p, "types", types);
	free(tdir);
	free(driver);
	free(bus);
	free(dir);
	return p;
}

int record_main(const char *sysfs)
{
	struct recorder r = {.sysfs = sysfs};
	char *classdir = path_join(sysfs, "class/mdev_bus");
	char *devices = path_join(sysfs, "devices");
	struct dirent **list;
	int n = classdir ? list_dir(classdir, &list) : -1;
	int list_err = errno;

	r.real_devices = devices ? realpath(devices, NULL) : NULL;
	if (n < 0 || !r.real_devices) {
		fprintf(stderr, "mdevd: record: %s/%s: %s\n", sysfs,
			n < 0 ? "class/mdev_bus" : "devices",
			strerror(n < 0 ? list_err : errno));
		if (n >= 0)
			free_list(list, n);
		free(devices);
		free(classdir);
		free(r.real_devices);
		return 1;
	}
	free(devices);
	json_t *root = json_object(), *parents = json_array();
	r.devices = json_array();
	for (int i = 0; i < n; i++) {
		json_t *p = record_parent(&r, classdir, list[i]->d_name);
		if (p)
			json_array_append_new(parents, p);
	}
	free_list(list, n);
	json_object_set_new(root, "parents", parents);
	if (json_array_size(r.devices))
		json_object_set(root, "devices", r.devices);
	json_decref(r.devices);
	int ret = json_dumpf(root, stdout,
			     JSON_INDENT(1) | JSON_PRESERVE_ORDER |
				 JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(root);
	free(classdir);
	free(r.real_devices);
	if (fflush(stdout) != 0 || ret < 0) {
		perror("mdevd: record: stdout");
		return 1;
	}
	if (r.problems)
		fprintf(stderr,
			"mdevd: record: %u part(s) not recorded "
			"(above)\n",
			r.problems);
	return 0;
}
