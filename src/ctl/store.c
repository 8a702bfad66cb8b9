/* SPDX-License-Identifier: MIT */
/*
 * The persistent store: ROOT/etc/mdevctl.d/<parent>/<uuid>, one pretty JSON
 * definition per file, byte-identical to mdevctl 1.2.0's.
 *
 * Unlike 1.2.0, reading is tolerant (a bad file is reported as
 * "<path>: <reason>" and skipped; scripts.d and dot-entries are never
 * parents) and writing is crash-safe (unnamed file beside the store or in
 * the same directory, fsync, rename into place, fsync of the directory)
 * and serialized
 * by an flock on the ROOT/etc/mdevctl.d directory itself: no lock file, so
 * watchers of the store (libvirt) see no events of ours but the write.
 */
#include "ctl.h"
#include "validate.h"
#include "common/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEFINITION (1 << 20)

/* undefine wants broken definitions too, to be able to remove them */
bool store_keep_broken;
/* with the store lock, a .mdevctl.* temporary file is a killed writer's */
static bool lock_held;

static void report(const char *path, const char *why)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", path, why);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool skip_name(const char *n)
{
	return n[0] == '.' || !valid_parent_name(n);
}

/* Loads one definition file; NULL (reported) when it is unusable. */
static struct mdev *load_one(const struct ctl_env *env, const char *parent,
			     const char *path, const ctl_uuid *u)
{
	struct ctl_err e = {0};
	struct json_t *j;
	struct mdev *d;
	char *text;
	size_t len;
	int r = read_file(path, MAX_DEFINITION, &text, &len);

	if (r < 0) {
		char *t =
		    r == -EFBIG ? xstrdup("file too large") : io_error_text(-r);

		report(path, t);
		free(t);
		return NULL;
	}
	if (!utf8_valid(text, len)) {
		report(path, INVALID_UTF8_MSG);
		free(text);
		return NULL;
	}
	if (memchr(text, '\0', len) || !(j = json_parse_serde(text, len, &e))) {
		report(path, e.msg ? e.msg : "contains a NUL byte");
		err_clear(&e);
		free(text);
		return NULL;
	}
	free(text);
	d = mdev_new(env, u);
	if (mdev_load_json(d, parent, j, &e) < 0) {
		report(path, e.msg);
		err_clear(&e);
		json_decref_any(j);
		mdev_free(d);
		return NULL;
	}
	json_decref_any(j);
	sysfs_load_indexed(d);
	return d;
}

static void scan_parent(const struct ctl_env *env, const char *parent,
			const ctl_uuid *uuid, struct mdev_list *out)
{
	char *pdir = xpath_join(env->config_base, parent);
	DIR *dir = opendir(pdir);
	struct dirent *de;

	if (!dir) {
		char *t = io_error_text(errno);

		report(pdir, t);
		free(t);
		free(pdir);
		return;
	}
	while ((de = readdir(dir))) {
		struct stat st;
		struct mdev *d;
		ctl_uuid u;
		char *path;

		if (de->d_name[0] == '.')
			continue;
		path = xpath_join(pdir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (uuid_parse_rs(de->d_name, &u, NULL) < 0) {
			log_warn_mod(
			    compat_14() ? "mdevctl::environment" : "mdevctl",
			    "Can't determine uuid for file '%s'", de->d_name);
			free(path);
			continue;
		}
		if (uuid && uuid_cmp(uuid, &u)) {
			free(path);
			continue;
		}
		d = load_one(env, parent, path, &u);
		if (!d && store_keep_broken) {
			d = mdev_new(env, &u);
			mdev_set_parent(d, parent);
		}
		if (d)
			mdev_list_add(out, d);
		free(path);
	}
	closedir(dir);
	free(pdir);
}

int store_defined_devices(const struct ctl_env *env, const ctl_uuid *uuid,
			  const char *parent, struct mdev_list *out,
			  struct ctl_err *e)
{
	DIR *dir = opendir(env->config_base);
	struct dirent *de;

	if (!dir) {
		return err_io(e, errno);
	}
	while ((de = readdir(dir))) {
		char *p;

		if (skip_name(de->d_name))
			continue;
		if (parent && strcmp(parent, de->d_name))
			continue;
		p = xpath_join(env->config_base, de->d_name);
		if (is_dir(p))
			scan_parent(env, de->d_name, uuid, out);
		free(p);
	}
	closedir(dir);
	mdev_list_sort(out);
	return 0;
}

int store_get_defined(const struct ctl_env *env, const ctl_uuid *uuid,
		      const char *parent, struct mdev **out, struct ctl_err *e)
{
	struct mdev_list l = {0};
	char us[37];
	size_t i;

	uuid_fmt(uuid, us);
	if (store_defined_devices(env, uuid, parent, &l, e) < 0)
		return -1;
	if (l.n == 0) {
		if (parent)
			err_set(e, "Mediated device %s/%s is not defined",
				parent, us);
		else
			err_set(e, "Mediated device %s is not defined", us);
		return -1;
	}
	for (i = 1; i < l.n; i++) {
		if (strcmp(l.v[i]->parent, l.v[0]->parent)) {
			if (parent)
				err_set(e,
					"Multiple definitions found for %s/%s",
					parent, us);
			else
				err_set(e,
					"Multiple definitions found for %s, "
					"specify a parent",
					us);
			mdev_list_free(&l);
			return -1;
		}
	}
	if (l.n > 1) {
		err_set(e, "Multiple definitions found for %s/%s",
			l.v[0]->parent, us);
		mdev_list_free(&l);
		return -1;
	}
	*out = l.v[0];
	l.n = 0;
	mdev_list_free(&l);
	return 0;
}

/* The directory that holds the store (ROOT/etc): new definitions are
 * written there and renamed into the store, so that libvirt, which watches
 * every directory of the store and re-reads it on each file event, sees one
 * event per write, not five (a rewrite in place, 1.2.0/1.4.0's way, makes
 * two or three but is not atomic). -1 when it cannot be opened. */
static int stage_dir_open(const struct ctl_env *env)
{
	/* STORE/.., not dirname(STORE): when the store is a symlink to
	 * another file system's directory (mdev-sandbox --userland), the
	 * directory holding its target is on the same mount as the store. */
	char *stage = xpath_join(env->config_base, "..");
	int fd = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	free(stage);
	return fd;
}

/* The first definition of a parent: its directory arrives with the file
 * in it (store_mkdir_staged). 0, or -errno and the caller makes the
 * directory and writes the file the usual way. */
static int write_new_parent(const struct mdev *d, const char *text, size_t len)
{
	int storefd =
	    open(d->env->config_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int sfd = storefd < 0 ? -1 : stage_dir_open(d->env);
	int r = storefd < 0 ? -errno
			    : store_mkdir_staged(sfd, storefd, d->parent,
						 d->uuid_str, text, len);

	if (sfd >= 0)
		close(sfd);
	if (storefd >= 0)
		close(storefd);
	return r;
}

/* Writes go through atomic_write_at() (validate.c) relative to the parent
 * directory opened without following a symlink: readers see the old or the
 * new file, never a partial one, also across a crash; a symlink at the
 * definition path is replaced, not followed. */
int store_write(const struct mdev *d, struct ctl_err *e)
{
	struct json_t *j;
	char *text, *dir;
	size_t len;
	int r, dfd;

	/* the path is built from the parent name (any caller) */
	if (check_parent_name(d->parent, e) < 0 || check_attr_names(d, e) < 0)
		return -1;
	j = mdev_to_json(d);
	text = json_pretty(j);
	json_decref_any(j);
	if (!text)
		return err_set(e,
			       "Failed to write config for device %s: "
			       "cannot encode it as JSON",
			       d->uuid_str);
	/* never write what load_one would refuse to read back */
	len = strlen(text);
	if (len > MAX_DEFINITION) {
		free(text);
		return err_set(e,
			       "Definition of device %s is too large (%zu "
			       "bytes, at most %d)",
			       d->uuid_str, len, MAX_DEFINITION);
	}
	if (!utf8_valid(text, len)) {
		free(text);
		return err_set(e, "Definition of device %s is not valid UTF-8",
			       d->uuid_str);
	}
	dir = xpath_join(d->env->config_base, d->parent);
	dfd = store_dir_open(dir);
	if (dfd == -ENOENT && write_new_parent(d, text, len) == 0) {
		r = 0;
		goto out;
	}
	if (dfd == -ENOENT) {
		r = mkdir_p(dir, 0777); /* Rust's fs::create_dir_all */
		if (r < 0) {
			r = err_io(e, -r);
			goto out;
		}
		dfd = store_dir_open(dir);
	}
	if (dfd == -ELOOP) {
		r = err_set(e,
			    "Refusing to write config for device %s: %s is a "
			    "symbolic link",
			    d->uuid_str, dir);
		goto out;
	}
	r = dfd;
	if (dfd >= 0) {
		int sfd = stage_dir_open(d->env);

		if (lock_held) {
			store_sweep_temp(dfd);
			if (sfd >= 0)
				store_sweep_temp(sfd);
		}
		r = atomic_write_at(sfd, dfd, d->uuid_str, text, len);
		if (sfd >= 0)
			close(sfd);
		close(dfd);
	}
	if (r < 0) {
		err_set(e, "Failed to write config for device %s", d->uuid_str);
		r = err_cause_errno(e, -r);
	}
out:
	free(dir);
	free(text);
	return r;
}

int store_remove(const struct mdev *d, struct ctl_err *e)
{
	char *path = mdev_persist_path(d), *dir;
	int r = 0;

	if (!path)
		return err_set(e, "Failed to undefine %s", d->uuid_str);
	if (unlink(path) < 0) {
		struct sbuf b;
		int en = errno;

		sb_init(&b);
		sb_add(&b, "Failed to remove file ");
		sb_add_debug_str(&b, path);
		err_set(e, "%s", b.s);
		sb_free(&b);
		r = err_cause_errno(e, en);
	} else {
		dir = xpath_join(d->env->config_base, d->parent);
		fsync_dir(dir);
		free(dir);
	}
	free(path);
	return r;
}

int store_lock(const struct ctl_env *env)
{
	int fd = open(env->config_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -errno;
		}
	}
	/* held until the process exits */
	lock_held = true;
	return fd;
}
