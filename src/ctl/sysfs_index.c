/* SPDX-License-Identifier: MIT */
/*
 * Fast paths over the sysfs tree. On mdevd's FUSE tree (and on the kernel's)
 * every path component lookup of a device is a round trip, so resolving
 * each device's two symlinks the way 1.2.0 does (canonicalize) costs a
 * dozen round trips per device. Instead:
 *
 * - the active index: one readdir of bus/mdev/devices says which devices
 *   exist; one readdir per type of <parent>/mdev_supported_types/<type>/
 *   devices says which parent and type each has (kernel and mdevd list
 *   every device there). Only devices not found that way are resolved one
 *   by one, exactly as before.
 * - batch creation for start-parent-mdevs: parent and type checks once per
 *   (parent, type), one open create file, one write per device.
 *
 * Both give the same results and messages as the per-device path.
 */
#include "ctl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct active_entry {
	ctl_uuid u;
	char *parent; /* NULL until resolved */
	char *type;
};

static struct {
	bool built;
	struct active_entry *v;
	size_t n;
	char **bad; /* bus entries that are not UUIDs, in readdir order */
	size_t nbad;
} idx;

static int by_uuid(const void *a, const void *b)
{
	return uuid_cmp(&((const struct active_entry *)a)->u,
			&((const struct active_entry *)b)->u);
}

static struct active_entry *find(const ctl_uuid *u)
{
	struct active_entry key;

	key.u = *u;
	return idx.n ? bsearch(&key, idx.v, idx.n, sizeof(*idx.v), by_uuid)
		     : NULL;
}

static void index_free(void)
{
	size_t i;

	for (i = 0; i < idx.n; i++) {
		free(idx.v[i].parent);
		free(idx.v[i].type);
	}
	for (i = 0; i < idx.nbad; i++)
		free(idx.bad[i]);
	free(idx.v);
	free(idx.bad);
	memset(&idx, 0, sizeof(idx));
}

/* The canonical name of an open directory, without asking the file system. */
static char *fd_basename(int fd, const char *fallback)
{
	char link[64], buf[4096];
	ssize_t n;
	char *slash;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0)
		return xstrdup(fallback);
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	return xstrdup(slash && slash[1] ? slash + 1 : fallback);
}

static void scan_type_devices(int tfd, const char *type, const char *parent)
{
	char *rel = xpath_join(type, "devices");
	int dfd = openat(tfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	free(rel);
	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		struct active_entry *a;
		ctl_uuid u;

		if (uuid_parse_rs(de->d_name, &u, NULL) < 0)
			continue;
		a = find(&u);
		if (a && !a->parent) {
			a->parent = xstrdup(parent);
			a->type = xstrdup(type);
		}
	}
	closedir(d);
}

static void scan_parent(const struct ctl_env *env, const char *name)
{
	char *ppath = xpath_join(env->parent_base, name), *canon;
	int pfd = open(ppath, O_RDONLY | O_DIRECTORY | O_CLOEXEC), tfd;
	struct dirent *de;
	DIR *td;

	free(ppath);
	if (pfd < 0)
		return;
	tfd = openat(pfd, "mdev_supported_types",
		     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0) {
		close(pfd);
		return;
	}
	canon = fd_basename(pfd, name);
	close(pfd);
	td = fdopendir(tfd);
	if (!td) {
		close(tfd);
		free(canon);
		return;
	}
	while ((de = readdir(td)))
		if (de->d_name[0] != '.')
			scan_type_devices(dirfd(td), de->d_name, canon);
	closedir(td);
	free(canon);
}

static void build(const struct ctl_env *env)
{
	DIR *dir;
	struct dirent *de;
	size_t cap = 0, i, k;

	if (idx.built)
		return;
	idx.built = true;
	atexit(index_free);
	dir = opendir(env->mdev_base);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		ctl_uuid u;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (uuid_parse_rs(de->d_name, &u, NULL) < 0) {
			idx.bad = xrealloc(idx.bad,
					   (idx.nbad + 1) * sizeof(*idx.bad));
			idx.bad[idx.nbad++] = xstrdup(de->d_name);
			continue;
		}
		if (idx.n == cap) {
			cap = cap ? cap * 2 : 64;
			idx.v = xrealloc(idx.v, cap * sizeof(*idx.v));
		}
		memset(&idx.v[idx.n], 0, sizeof(idx.v[idx.n]));
		idx.v[idx.n++].u = u;
	}
	closedir(dir);
	if (idx.n > 1)
		qsort(idx.v, idx.n, sizeof(*idx.v), by_uuid);
	if (!idx.n)
		return;
	dir = opendir(env->parent_base);
	if (dir) {
		while ((de = readdir(dir)))
			if (de->d_name[0] != '.')
				scan_parent(env, de->d_name);
		closedir(dir);
	}
	/* whatever the type directories did not list: the slow way */
	for (i = 0, k = 0; i < idx.n; i++) {
		struct active_entry *a = &idx.v[i];

		if (!a->parent) {
			struct mdev *d = mdev_new(env, &a->u);
			struct ctl_err e = {0};

			if (sysfs_load(d, &e) == 0 && d->active) {
				a->parent = d->parent;
				a->type = d->type;
				d->parent = d->type = NULL;
			}
			err_clear(&e);
			mdev_free(d);
		}
		if (a->parent)
			idx.v[k++] = *a;
	}
	idx.n = k;
}

void sysfs_index_warn_bad(const struct ctl_env *env)
{
	size_t i;

	build(env);
	for (i = 0; i < idx.nbad; i++)
		log_warn_mod(compat_14() ? "mdevctl::environment" : "mdevctl",
			     "Can't determine uuid for file '%s'", idx.bad[i]);
}

size_t sysfs_index_count(const struct ctl_env *env)
{
	build(env);
	return idx.n;
}

void sysfs_index_entry(size_t i, ctl_uuid *u, const char **parent,
		       const char **type)
{
	*u = idx.v[i].u;
	*parent = idx.v[i].parent;
	*type = idx.v[i].type;
}

bool sysfs_index_lookup(const struct ctl_env *env, const ctl_uuid *u,
			const char **parent, const char **type)
{
	struct active_entry *a;

	build(env);
	a = find(u);
	if (!a)
		return false;
	*parent = a->parent;
	*type = a->type;
	return true;
}

/* 1.2.0's load_from_sysfs answered from the index. */
int sysfs_load_indexed(struct mdev *d)
{
	const char *p, *t;

	if (!sysfs_index_lookup(d->env, &d->uuid, &p, &t))
		return 0;
	if ((d->parent && strcmp(d->parent, p)) ||
	    (d->type && strcmp(d->type, t)))
		return 0;
	mdev_set_parent(d, p);
	mdev_set_type(d, t);
	d->active = true;
	return 0;
}

/* ---- batch creation ------------------------------------------------------ */

struct target {
	char *parent, *type;
	char *tdir; /* the type directory, NULL if the checks failed */
	char *err;  /* 1.2.0's message when they failed */
	int create_fd;
};

static struct target *targets;
static size_t ntargets;

static struct target *target_for(const struct mdev *d)
{
	struct ctl_err e = {0};
	struct target *t;
	struct stat st;
	char *pdir, *types;
	size_t i;

	for (i = 0; i < ntargets; i++)
		if (!strcmp(targets[i].parent, d->parent) &&
		    !strcmp(targets[i].type, d->type))
			return &targets[i];
	targets = xrealloc(targets, (ntargets + 1) * sizeof(*targets));
	t = &targets[ntargets++];
	memset(t, 0, sizeof(*t));
	t->parent = xstrdup(d->parent);
	t->type = xstrdup(d->type);
	t->create_fd = -1;
	if (sysfs_find_parent_dir(d, &pdir, &e) < 0) {
		t->err = xstrdup(e.msg);
		err_clear(&e);
		return t;
	}
	types = xpath_join(pdir, "mdev_supported_types");
	free(pdir);
	if (stat(types, &st) < 0 || !S_ISDIR(st.st_mode)) {
		t->err = xasprintf("Parent %s is not currently registered for "
				   "mdev support",
				   d->parent);
		free(types);
		return t;
	}
	t->tdir = xpath_join(types, d->type);
	free(types);
	if (stat(t->tdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		t->err = xasprintf("Parent %s does not support mdev type %s",
				   d->parent, d->type);
		free(t->tdir);
		t->tdir = NULL;
	}
	return t;
}

static void targets_free(void)
{
	size_t i;

	for (i = 0; i < ntargets; i++) {
		if (targets[i].create_fd >= 0)
			close(targets[i].create_fd);
		free(targets[i].parent);
		free(targets[i].type);
		free(targets[i].tdir);
		free(targets[i].err);
	}
	free(targets);
	targets = NULL;
	ntargets = 0;
}

/* Creates d like 1.2.0's create(): same checks, same messages; the
 * available_instances check is made only when the kernel refuses, which
 * is exactly when it reads 0. */
static int create_one(struct mdev *d, struct ctl_err *e)
{
	const char *p, *ty;
	struct target *t;
	char *avail;
	long n;
	int en;

	if (sysfs_index_lookup(d->env, &d->uuid, &p, &ty)) {
		if (strcmp(p, d->parent))
			return err_set(e,
				       "Device exists under different parent");
		if (strcmp(ty, d->type))
			return err_set(e, "Device exists with different type");
		return err_set(e, "Device already exists");
	}
	t = target_for(d);
	if (t->err)
		return err_set(e, "%s", t->err);
	if (t->create_fd < 0) {
		char *c = xpath_join(t->tdir, "create");

		t->create_fd = open(c, O_WRONLY | O_CLOEXEC);
		free(c);
	}
	if (t->create_fd >= 0 && write(t->create_fd, d->uuid_str, 36) == 36) {
		d->active = true;
		return 0;
	}
	en = t->create_fd >= 0 ? errno : EBADF;
	if (sysfs_read_avail(t->tdir, &avail) == 0) {
		bool zero = sysfs_parse_i32(avail, &n, e) == 0 && n == 0;

		free(avail);
		err_clear(e);
		if (zero)
			return err_set(e, "No available instances of %s on %s",
				       d->type, d->parent);
	}
	err_set(e, "Failed to create mdev %s, type %s on %s", d->uuid_str,
		d->type, d->parent);
	return err_cause_errno(e, en);
}

int sysfs_start_batch(struct mdev *d, struct ctl_err *e)
{
	static bool registered;

	if (!registered) {
		atexit(targets_free);
		registered = true;
	}
	if (create_one(d, e) < 0)
		return -1;
	return sysfs_write_attrs(d, e);
}
