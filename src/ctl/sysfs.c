/* SPDX-License-Identifier: MIT */
/*
 * The sysfs client: active devices under sys/bus/mdev/devices, parents and
 * types under sys/class/mdev_bus, and the create/remove/attribute writes.
 * Works on the kernel's tree and on mdevd's FUSE tree alike.
 */
#include "ctl.h"
#include "validate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"

/* Rust's fs::canonicalize + file_name. */
static int canonical_basename(const char *path, char **out, struct ctl_err *e)
{
	char *real = realpath(path, NULL);
	const char *slash;

	if (!real) {
		return err_io(e, errno);
	}
	slash = strrchr(real, '/');
	if (!slash || !slash[1]) {
		free(real);
		return err_set(e, "Invalid path");
	}
	*out = xstrdup(slash + 1);
	free(real);
	return 0;
}

int sysfs_load(struct mdev *d, struct ctl_err *e)
{
	char *path = mdev_sysfs_path(d), *real = NULL, *parent = NULL;
	char *tpath = NULL, *type = NULL, *slash;
	struct stat st;
	int r = -1;

	if (stat(path, &st) < 0) {
		free(path);
		return 0;
	}
	real = realpath(path, NULL);
	if (!real) {
		err_io(e, errno);
		goto out;
	}
	slash = strrchr(real, '/');
	if (slash)
		*slash = '\0';
	if (canonical_basename(*real ? real : "/", &parent, e) < 0)
		goto out;
	if (d->parent && strcmp(d->parent, parent)) {
		r = 0;
		goto out;
	}
	tpath = xpath_join(path, "mdev_type");
	if (canonical_basename(tpath, &type, e) < 0)
		goto out;
	if (d->type && strcmp(d->type, type)) {
		r = 0;
		goto out;
	}
	free(d->type);
	d->type = type;
	type = NULL;
	free(d->parent);
	d->parent = parent;
	parent = NULL;
	d->active = true;
	r = 0;
out:
	free(path);
	free(real);
	free(parent);
	free(tpath);
	free(type);
	return r;
}

/* Loads the stored definition of an active device, if any; errors are
 * ignored as in 1.2.0 (the listing then shows what sysfs says). */
static void load_definition(struct mdev *d)
{
	char *p = mdev_persist_path(d), *text = NULL;
	struct ctl_err e = {0};
	size_t len;
	struct json_t *j;

	if (!p)
		return;
	if (read_file(p, 1 << 20, &text, &len) == 0) {
		j = json_parse_serde(text, len, &e);
		if (j) {
			char *parent = xstrdup(d->parent);

			mdev_load_json(d, parent, j, &e);
			free(parent);
			json_decref_any(j);
		}
	}
	err_clear(&e);
	free(text);
	free(p);
}

/* 1.4.0 lists a running device's attributes as its callout script reports
 * them, never the stored definition's (which may be stale after a live
 * change); without a script that answers, none. 1.2.0 does so for a
 * device without a definition. */
static void active_attrs_from_callout(struct mdev *d)
{
	struct ctl_err e = {0};

	while (d->nattrs)
		mdev_del_attr(d, d->nattrs - 1);
	if (callout_load_attributes(d, &e) < 0)
		while (d->nattrs)
			mdev_del_attr(d, d->nattrs - 1);
	err_clear(&e);
}

/* 1.4.0 takes only the start mode of a running device from its
 * definition: type and attributes are what the device has. */
static void load_autostart(struct mdev *d)
{
	struct mdev *def = mdev_new(d->env, &d->uuid);

	mdev_set_parent(def, d->parent);
	load_definition(def);
	d->autostart = def->autostart;
	mdev_free(def);
}

/* The real ones ask the callouts while they read the bus directory, so
 * scripts see the devices in readdir order, not in the sorted listing's:
 * 1.4.0 for every device, 1.2.0 for those without a definition. */
static void attrs_in_readdir_order(const struct ctl_env *env,
				   struct mdev_list *l)
{
	DIR *dir = opendir(env->mdev_base);
	struct dirent *de;
	size_t i;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		ctl_uuid u;

		if (uuid_parse_rs(de->d_name, &u, NULL) < 0)
			continue;
		for (i = 0; i < l->n; i++)
			if (!uuid_cmp(&u, &l->v[i]->uuid)) {
				if (compat_14() || !mdev_is_defined(l->v[i]))
					active_attrs_from_callout(l->v[i]);
				break;
			}
	}
	closedir(dir);
}

int sysfs_active_devices(const struct ctl_env *env, const ctl_uuid *uuid,
			 const char *parent, struct mdev_list *out,
			 struct ctl_err *e)
{
	size_t i, n = sysfs_index_count(env);

	(void)e;
	sysfs_index_warn_bad(env);
	for (i = 0; i < n; i++) {
		const char *p, *t;
		struct mdev *d;
		ctl_uuid u;

		sysfs_index_entry(i, &u, &p, &t);
		if ((uuid && uuid_cmp(uuid, &u)) ||
		    (parent && strcmp(parent, p)))
			continue;
		d = mdev_new(env, &u);
		mdev_set_parent(d, p);
		mdev_set_type(d, t);
		d->active = true;
		if (compat_14()) {
			load_autostart(d);
			while (d->nattrs)
				mdev_del_attr(d, d->nattrs - 1);
		} else {
			load_definition(d);
		}
		mdev_list_add(out, d);
	}
	mdev_list_sort(out);
	if (!callout_none_installed(env))
		attrs_in_readdir_order(env, out);
	return 0;
}

/* Rust's str::trim for the ASCII whitespace sysfs files end with. */
static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
	       *s == '\v' || *s == '\f')
		s++;
	end = s + strlen(s);
	while (end > s &&
	       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
		end[-1] == '\r' || end[-1] == '\v' || end[-1] == '\f'))
		end--;
	*end = '\0';
	return s;
}

/* A sysfs attribute shows its whole value in the first read (at most a
 * page), so one read() does; a second one would be another round trip on
 * a FUSE tree. Longer files (static test trees) are read to the end. */
static int read_trimmed(const char *dir, const char *name, char **out)
{
	char *p = xpath_join(dir, name), buf[8192];
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	free(p);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	if ((size_t)n == sizeof(buf) - 1) {
		struct sbuf b;

		sb_init(&b);
		sb_addn(&b, buf, (size_t)n);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			sb_addn(&b, buf, (size_t)n);
		close(fd);
		*out = xstrdup(trim(b.s));
		sb_free(&b);
		return 0;
	}
	close(fd);
	buf[n] = '\0';
	*out = xstrdup(trim(buf));
	return 0;
}

/* Rust's i32::from_str error texts. */
int sysfs_parse_i32(const char *s, long *out, struct ctl_err *e)
{
	const char *p = s;
	long long v = 0;
	bool neg = false;

	if (!*s)
		return err_set(e, "cannot parse integer from empty string");
	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (!*p)
		return err_set(e, "invalid digit found in string");
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return err_set(e, "invalid digit found in string");
		v = v * 10 + (*p - '0');
		if (!neg && v > INT32_MAX)
			return err_set(e, "number too large to fit in target "
					  "type");
		if (neg && -v < INT32_MIN)
			return err_set(e, "number too small to fit in target "
					  "type");
	}
	*out = (long)(neg ? -v : v);
	return 0;
}

static int load_type(const char *parent, const char *tdir, const char *tname,
		     struct mdev_type_info *t, struct ctl_err *e)
{
	char *avail = NULL, *desc = NULL, *c;
	struct sbuf b;
	int r;

	memset(t, 0, sizeof(*t));
	t->parent = xstrdup(parent);
	t->type = xstrdup(tname);
	r = read_trimmed(tdir, "available_instances", &avail);
	if (r < 0)
		return err_io(e, -r);
	r = sysfs_parse_i32(avail, &t->available, e);
	free(avail);
	if (r < 0)
		return -1;
	r = read_trimmed(tdir, "device_api", &t->device_api);
	if (r < 0)
		return err_io(e, -r);
	if (read_trimmed(tdir, "name", &t->name) < 0)
		t->name = xstrdup("");
	if (read_trimmed(tdir, "description", &desc) < 0)
		desc = xstrdup("");
	/* newlines inside the description are joined with ", " */
	sb_init(&b);
	sb_addn(&b, "", 0);
	for (c = desc; *c; c++) {
		if (*c == '\n')
			sb_add(&b, ", ");
		else
			sb_addc(&b, *c);
	}
	free(desc);
	t->description = sb_steal(&b);
	return 0;
}

static void type_add(struct type_list *l, struct mdev_type_info *t)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *t;
}

static void type_info_free(struct mdev_type_info *t)
{
	free(t->parent);
	free(t->type);
	free(t->device_api);
	free(t->name);
	free(t->description);
}

void type_list_free(struct type_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		type_info_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int by_parent_type(const void *a, const void *b)
{
	const struct mdev_type_info *x = a, *y = b;
	int c = strcmp(x->parent, y->parent);

	return c ? c : strcmp(x->type, y->type);
}

/* The types of one parent, as 1.2.0 reads them (stops at the first
 * failing type). */
static int parent_types(const struct ctl_env *env, const char *name,
			struct type_list *out, struct ctl_err *e)
{
	/* resolve the class link once: walking through it again for every
	 * file costs a readlink round trip each time */
	char *link = xpath_join(env->parent_base, name);
	char *real = realpath(link, NULL);
	char *tdir = xpath_join(real ? real : link, "mdev_supported_types");
	struct dirent *te;
	DIR *td;
	int r = 0;

	free(real);
	free(link);
	td = opendir(tdir);
	if (!td) {
		r = err_io(e, errno);
		free(tdir);
		return r;
	}
	while ((te = readdir(td))) {
		struct mdev_type_info t;
		struct stat st;
		char *one;

		if (te->d_name[0] == '.')
			continue;
		one = xpath_join(tdir, te->d_name);
		if (te->d_type != DT_DIR &&
		    (stat(one, &st) < 0 || !S_ISDIR(st.st_mode))) {
			free(one);
			continue;
		}
		if (load_type(name, one, te->d_name, &t, e) < 0) {
			type_info_free(&t);
			free(one);
			r = -1;
			break;
		}
		type_add(out, &t);
		free(one);
	}
	closedir(td);
	free(tdir);
	return r;
}

/* Parents are read by a few threads at once: on a FUSE tree each file is
 * several round trips to the daemon, and keeping requests in flight hides
 * their latency. Results and the first error (in directory order, as
 * 1.2.0 would meet it) are the same as reading them one by one. */
#define TYPE_THREADS 4

struct parent_job {
	char *name;
	struct type_list types;
	struct ctl_err err;
	int r;
};

struct types_work {
	const struct ctl_env *env;
	struct parent_job *jobs;
	size_t n;
	size_t next; /* atomically claimed */
};

static void *types_worker(void *arg)
{
	struct types_work *w = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED)) < w->n) {
		struct parent_job *j = &w->jobs[i];

		j->r = parent_types(w->env, j->name, &j->types, &j->err);
	}
	return NULL;
}

int sysfs_types(const struct ctl_env *env, const char *parent,
		struct type_list *out, struct ctl_err *e)
{
	struct types_work w = {env, NULL, 0, 0};
	DIR *pd = opendir(env->parent_base);
	pthread_t th[TYPE_THREADS];
	struct dirent *pe;
	size_t i, nth = 0, cap = 0;
	int r = 0;

	if (!pd)
		return 0;
	while ((pe = readdir(pd))) {
		if (pe->d_name[0] == '.' &&
		    (!pe->d_name[1] ||
		     (pe->d_name[1] == '.' && !pe->d_name[2])))
			continue;
		if (parent && strcmp(parent, pe->d_name))
			continue;
		if (w.n == cap) {
			cap = cap ? cap * 2 : 16;
			w.jobs = xrealloc(w.jobs, cap * sizeof(*w.jobs));
		}
		memset(&w.jobs[w.n], 0, sizeof(w.jobs[w.n]));
		w.jobs[w.n++].name = xstrdup(pe->d_name);
	}
	closedir(pd);
	if (w.n > 1)
		for (; nth < TYPE_THREADS && nth < w.n - 1; nth++)
			if (pthread_create(&th[nth], NULL, types_worker, &w))
				break;
	types_worker(&w);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < w.n; i++) {
		struct parent_job *j = &w.jobs[i];
		size_t k;

		if (r == 0 && j->r < 0) {
			*e = j->err;
			memset(&j->err, 0, sizeof(j->err));
			r = -1;
		}
		if (r == 0)
			for (k = 0; k < j->types.n; k++)
				type_add(out, &j->types.v[k]);
		else
			for (k = 0; k < j->types.n; k++)
				type_info_free(&j->types.v[k]);
		free(j->types.v);
		err_clear(&j->err);
		free(j->name);
	}
	free(w.jobs);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), by_parent_type);
	return r;
}

/* fs::write: open for writing (create, truncate) and write all. */
static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int r;

	if (fd < 0)
		return -errno;
	r = write_all(fd, text, strlen(text));
	if (r < 0) {
		close(fd);
		return r;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* 1.2.0's find_parent_dir, including the capitalization hint. */
int sysfs_find_parent_dir(const struct mdev *d, char **out, struct ctl_err *e)
{
	char *path = xpath_join(d->env->parent_base, d->parent);
	struct stat st;
	struct dirent *de;
	DIR *dir;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		*out = path;
		return 0;
	}
	free(path);
	dir = opendir(d->env->parent_base);
	if (!dir) {
		return err_io(e, errno);
	}
	while ((de = readdir(dir))) {
		if (!strcasecmp(de->d_name, d->parent) &&
		    strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			err_set(e,
				"Unable to find parent device '%s'. Did you "
				"mean '%s'?",
				d->parent, de->d_name);
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	return err_set(e, "Unable to find parent device '%s'", d->parent);
}

static int create(struct mdev *d, struct ctl_err *e)
{
	struct mdev *existing = mdev_new(d->env, &d->uuid);
	struct ctl_err le = {0};
	char *pdir = NULL, *types = NULL, *tdir = NULL, *avail = NULL;
	char *cpath = NULL;
	struct stat st;
	long n;
	int r = -1;

	if (sysfs_load(existing, &le) == 0 && existing->active) {
		if (strcmp(existing->parent, d->parent))
			err_set(e, "Device exists under different parent");
		else if (strcmp(existing->type, d->type))
			err_set(e, "Device exists with different type");
		else
			err_set(e, "Device already exists");
		goto out;
	}
	if (sysfs_find_parent_dir(d, &pdir, e) < 0)
		goto out;
	types = xpath_join(pdir, "mdev_supported_types");
	if (stat(types, &st) < 0 || !S_ISDIR(st.st_mode)) {
		err_set(e,
			"Parent %s is not currently registered for mdev "
			"support",
			d->parent);
		goto out;
	}
	tdir = xpath_join(types, d->type);
	if (stat(tdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		err_set(e, "Parent %s does not support mdev type %s", d->parent,
			d->type);
		goto out;
	}
	r = read_trimmed(tdir, "available_instances", &avail);
	if (r < 0) {
		r = err_io(e, -r);
		goto out;
	}
	r = -1;
	if (sysfs_parse_i32(avail, &n, e) < 0)
		goto out;
	if (n == 0) {
		err_set(e, "No available instances of %s on %s", d->type,
			d->parent);
		goto out;
	}
	cpath = xpath_join(tdir, "create");
	r = write_text(cpath, d->uuid_str);
	if (r < 0) {
		err_set(e, "Failed to create mdev %s, type %s on %s",
			d->uuid_str, d->type, d->parent);
		r = err_cause_errno(e, -r);
		goto out;
	}
	d->active = true;
	r = 0;
out:
	err_clear(&le);
	mdev_free(existing);
	free(pdir);
	free(types);
	free(tdir);
	free(avail);
	free(cpath);
	return r;
}

static int write_attr(const struct mdev *d, const char *name, const char *value,
		      struct ctl_err *e)
{
	char *base;
	bool found;
	int r;

	/* definitions may be hand-written: the name is checked again here,
	 * and no symlink below the device directory is followed */
	if (check_attr_name(name, e) < 0)
		return -1;
	base = mdev_sysfs_path(d);
	r = attr_write_beneath(base, name, value, &found);
	free(base);
	if (!found)
		return err_set(e, "Invalid attribute '%s'", name);
	if (r == -ELOOP)
		return err_set(e,
			       "Refusing to write attribute '%s': a symbolic "
			       "link below the device directory",
			       name);
	if (r < 0) {
		err_set(e, "Failed to write %s to attribute %s", value, name);
		return err_cause_errno(e, -r);
	}
	return 0;
}

int sysfs_read_avail(const char *tdir, char **out)
{
	return read_trimmed(tdir, "available_instances", out);
}

int sysfs_start(struct mdev *d, struct ctl_err *e)
{
	if (create(d, e) < 0)
		return -1;
	return sysfs_write_attrs(d, e);
}

int sysfs_write_attrs(struct mdev *d, struct ctl_err *e)
{
	size_t i;

	for (i = 0; i < d->nattrs; i++) {
		if (write_attr(d, d->attrs[i].name, d->attrs[i].value, e) < 0) {
			struct ctl_err se = {0};

			if (sysfs_stop(d, &se) < 0) {
				/* 1.2.0 reports the failed removal instead */
				err_clear(e);
				*e = se;
			}
			return -1;
		}
	}
	return 0;
}

int sysfs_stop(struct mdev *d, struct ctl_err *e)
{
	char *base = mdev_sysfs_path(d), *p = xpath_join(base, "remove");
	int r = write_text(p, "1");

	free(base);
	free(p);
	if (r < 0) {
		err_set(e, "Error removing device %s", d->uuid_str);
		return err_cause_errno(e, -r);
	}
	d->active = false;
	return 0;
}
