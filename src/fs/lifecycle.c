// SPDX-License-Identifier: MIT
/*
 * The glue between the core and the rest of the daemon:
 *  - commit hooks journal every acknowledged change (their errors veto it);
 *  - notification hooks keep the tree's tables current, queue dentry
 *    invalidations and send events;
 *  - SIGHUP reload applies a new hardware file parent by parent;
 *  - --on-register commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fuse_lowlevel.h>

#include "hardware.h"
#include "journal.h"
#include "mdevd.h"

extern char **environ;

/* ----------------------------------------------------------------- hooks */

static int hook_create_commit(void *opaque, struct mdev_device *m)
{
	struct mdevd *d = opaque;
	return d->journal ? mdev_journal_record_create(d->journal, m) : 0;
}

static int hook_remove_commit(void *opaque, struct mdev_device *m)
{
	struct mdevd *d = opaque;
	return d->journal ? mdev_journal_record_remove(d->journal, m) : 0;
}

static int hook_attr_commit(void *opaque, struct mdev_device *m,
			    const char *attr, const char *buf, size_t len)
{
	struct mdevd *d = opaque;
	return d->journal
		   ? mdev_journal_record_attr(d->journal, m, attr, buf, len)
		   : 0;
}

static void hook_parent_registered(void *opaque, struct mdev_parent *p)
{
	struct mdevd *d = opaque;
	int err = tree_add_parent(d->tree, p);
	if (err)
		fprintf(stderr,
			"mdevd: parent %s (devpath %s): not shown: %s\n",
			mdev_parent_name(p), mdev_parent_devpath(p),
			strerror(-err));
	else if (d->live)
		events_parent(d, p, "change", "registered");
}

/* Called from tree_remove_parent under the core lock: the kernel is told
 * later, by whoever unregistered, once the lock is released (see
 * flush_invalidations). */
static void queue_inval(void *opaque, uint64_t dir, const char *name)
{
	struct mdevd *d = opaque;
	if (!d->live)
		return;
	if (d->n_inval == d->cap_inval) {
		size_t cap = d->cap_inval ? d->cap_inval * 2 : 16;
		struct pending_inval *n = realloc(d->inval, cap * sizeof(*n));
		if (!n)
			return;
		d->inval = n;
		d->cap_inval = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return;
	d->inval[d->n_inval].dir = dir;
	d->inval[d->n_inval].name = copy;
	d->n_inval++;
}

static void hook_parent_unregistered(void *opaque, struct mdev_parent *p)
{
	struct mdevd *d = opaque;
	tree_remove_parent(d->tree, p, queue_inval, d);
	if (d->live)
		events_parent(d, p, "change", "unregistered");
}

static void hook_device_created(void *opaque, struct mdev_device *m)
{
	struct mdevd *d = opaque;
	if (tree_device_added(d->tree, m) < 0)
		fprintf(stderr, "mdevd: %s: out of memory\n",
			mdev_device_name(m));
	if (d->live) {
		events_device(d, m, "add");
		events_device(d, m, "bind");
	}
}

static void hook_device_removed(void *opaque, struct mdev_device *m)
{
	struct mdevd *d = opaque;
	if (d->live) {
		events_device(d, m, "unbind");
		events_device(d, m, "remove");
	}
	tree_device_removed(d->tree, m);
}

static void hook_attr_changed(void *opaque, struct mdev_device *m,
			      const char *attr)
{
	struct mdevd *d = opaque;
	(void)attr;
	if (d->live)
		events_device(d, m, "change");
}

static const struct mdev_core_hooks mdevd_hooks = {
    .device_create_commit = hook_create_commit,
    .device_remove_commit = hook_remove_commit,
    .attr_store_commit = hook_attr_commit,
    .parent_registered = hook_parent_registered,
    .parent_unregistered = hook_parent_unregistered,
    .device_created = hook_device_created,
    .device_removed = hook_device_removed,
    .attr_changed = hook_attr_changed,
};

void lifecycle_install_hooks(struct mdevd *d)
{
	mdev_core_set_hooks(d->core, &mdevd_hooks, d);
}

void lifecycle_remove_hooks(struct mdevd *d)
{
	static const struct mdev_core_hooks none;
	mdev_core_set_hooks(d->core, &none, NULL);
}

int lifecycle_sync_tree(struct mdevd *d)
{
	int ret = 0;
	mdev_core_lock(d->core);
	for (struct mdev_parent *p = mdev_parent_first(d->core); p;
	     p = mdev_parent_next(p)) {
		int err = tree_has_parent(d->tree, p)
			      ? 0
			      : tree_add_parent(d->tree, p);
		if (err) {
			fprintf(stderr,
				"mdevd: parent %s (devpath %s): not shown: "
				"%s\n",
				mdev_parent_name(p), mdev_parent_devpath(p),
				strerror(-err));
			ret = err;
		}
	}
	for (struct mdev_device *m = mdev_device_first(d->core); m;
	     m = mdev_device_next(m))
		if (tree_device_added(d->tree, m) < 0)
			ret = -ENOMEM;
	mdev_core_unlock(d->core);
	return ret;
}

/* Tells the kernel to drop cached names of things that are gone. Never
 * called from a FUSE request handler: the kernel may hold the directory's
 * lock while it waits for that very handler. */
static void flush_invalidations(struct mdevd *d)
{
	mdev_core_lock(d->core);
	struct pending_inval *list = d->inval;
	size_t n = d->n_inval;
	d->inval = NULL;
	d->n_inval = d->cap_inval = 0;
	mdev_core_unlock(d->core);
	for (size_t i = 0; i < n; i++) {
		if (d->se)
			fuse_lowlevel_notify_inval_entry(d->se, list[i].dir,
							 list[i].name,
							 strlen(list[i].name));
		free(list[i].name);
	}
	free(list);
}

/* ----------------------------------------------------------- fingerprint */

static void put_str(FILE *f, const char *s)
{
	/* Length-prefixed, so no two descriptions print alike. */
	if (s)
		fprintf(f, "%zu:%s;", strlen(s), s);
	else
		fputs("-;", f);
}

static void put_kvs(FILE *f, const struct mdev_kv *kv, size_t n)
{
	fprintf(f, "[%zu", n);
	for (size_t i = 0; i < n; i++) {
		put_str(f, kv[i].name);
		put_str(f, kv[i].value);
	}
	fputs("]", f);
}

static void put_type(FILE *f, const struct mdev_type_desc *t)
{
	put_str(f, t->id);
	put_str(f, t->name);
	put_str(f, t->description);
	put_str(f, t->device_api);
	put_str(f, t->class_name);
	put_kvs(f, t->class_attrs, t->n_class_attrs);
	fprintf(f, "%u;", t->max_instances);
	put_str(f, t->requires_group);
	put_str(f, t->params);
	for (size_t i = 0; i < t->n_costs; i++) {
		put_str(f, t->costs[i].pool);
		fprintf(f, "%lu;", t->costs[i].amount);
	}
	for (size_t i = 0; i < t->n_device_attrs; i++) {
		put_str(f, t->device_attrs[i].name);
		fprintf(f, "%o;", (unsigned)t->device_attrs[i].mode);
		put_str(f, t->device_attrs[i].default_value);
	}
}

/* Everything of a description that the tree or the core would show
 * differently, as one string. */
static char *fingerprint(const struct mdev_parent_desc *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	put_str(f, p->name);
	put_str(f, p->devpath);
	put_str(f, p->driver_name);
	put_str(f, p->bus);
	fprintf(f, "%d;%u;", (int)p->policy, p->max_devices);
	for (size_t i = 0; i < p->n_pools; i++) {
		put_str(f, p->pools[i].name);
		fprintf(f, "%lu;", p->pools[i].total);
	}
	put_kvs(f, p->bus_attrs, p->n_bus_attrs);
	for (size_t i = 0; i < p->n_types; i++)
		put_type(f, &p->types[i]);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------------- parents on/off */

static int register_one(struct mdevd *d, const struct mdev_parent_desc *desc,
			char *err, size_t errlen)
{
	struct known_parent *k =
	    realloc(d->known, (d->n_known + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	d->known = k;
	k = &d->known[d->n_known];
	k->name = strdup(desc->name);
	k->fingerprint = fingerprint(desc);
	if (!k->name || !k->fingerprint) {
		free(k->name);
		free(k->fingerprint);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int ret = mdev_parent_register(d->core, desc, NULL, err, errlen);
	if (ret < 0) {
		free(k->name);
		free(k->fingerprint);
		return ret;
	}
	d->n_known++;
	return 0;
}

static void forget_known(struct mdevd *d, size_t i)
{
	free(d->known[i].name);
	free(d->known[i].fingerprint);
	d->known[i] = d->known[--d->n_known];
}

int lifecycle_register_all(struct mdevd *d, const struct mdev_hardware *hw,
			   char *err, size_t errlen)
{
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++) {
		int ret =
		    register_one(d, mdev_hardware_parent(hw, i), err, errlen);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* --on-register: `sh -c 'CMD "$1"' mdevd PARENT`, not waited for. */
static void run_on_register(struct mdevd *d, const char *parent)
{
	if (!d->opt.on_register)
		return;
	size_t l = strlen(d->opt.on_register);
	char *script = malloc(l + sizeof(" \"$1\""));
	if (!script)
		return;
	memcpy(script, d->opt.on_register, l);
	memcpy(script + l, " \"$1\"", sizeof(" \"$1\""));
	char *argv[] = {"sh", "-c", script, "mdevd", (char *)parent, NULL};
	posix_spawnattr_t attr;
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
					    POSIX_SPAWN_SETSIGDEF);
	/* Output goes to mdevd's stderr (its log): a child must not hold
	 * the stdout of whoever started mdevd, or `$(mdevd ROOT)` would wait
	 * for it. */
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	pid_t pid;
	int err = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(script);
	if (err) {
		fprintf(stderr, "mdevd: --on-register for %s: %s\n", parent,
			strerror(err));
		return;
	}
	pid_t *c = realloc(d->children, (d->n_children + 1) * sizeof(*c));
	if (!c)
		return; /* the child becomes a zombie until we exit */
	d->children = c;
	d->children[d->n_children++] = pid;
}

void lifecycle_reap(struct mdevd *d)
{
	for (size_t i = 0; i < d->n_children;) {
		int status;
		if (waitpid(d->children[i], &status, WNOHANG) != 0)
			d->children[i] = d->children[--d->n_children];
		else
			i++;
	}
}

void lifecycle_announce_all(struct mdevd *d)
{
	mdev_core_lock(d->core);
	for (struct mdev_parent *p = mdev_parent_first(d->core); p;
	     p = mdev_parent_next(p))
		events_parent(d, p, "change", "registered");
	size_t n = d->n_known;
	char **names = calloc(n ? n : 1, sizeof(*names));
	for (size_t i = 0; names && i < n; i++)
		names[i] = strdup(d->known[i].name);
	mdev_core_unlock(d->core);
	for (size_t i = 0; names && i < n; i++) {
		if (names[i])
			run_on_register(d, names[i]);
		free(names[i]);
	}
	free(names);
}

static const struct mdev_parent_desc *hw_find(const struct mdev_hardware *hw,
					      const char *name)
{
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++)
		if (strcmp(mdev_hardware_parent(hw, i)->name, name) == 0)
			return mdev_hardware_parent(hw, i);
	return NULL;
}

static bool known_unchanged(const struct known_parent *k,
			    const struct mdev_parent_desc *desc)
{
	if (!desc)
		return false;
	char *fp = fingerprint(desc);
	bool same = fp && strcmp(fp, k->fingerprint) == 0;
	free(fp);
	return same;
}

static bool is_known(const struct mdevd *d, const char *name)
{
	for (size_t i = 0; i < d->n_known; i++)
		if (strcmp(d->known[i].name, name) == 0)
			return true;
	return false;
}

void lifecycle_reload(struct mdevd *d)
{
	struct mdev_hardware *hw;
	char err[1024];

	if (mdev_hardware_load(d->hardware, &hw, err, sizeof(err)) < 0) {
		fprintf(stderr, "mdevd: reload: %s; nothing changed\n", err);
		return;
	}
	/* Gone or changed parents go first (their devices with them), so a
	 * changed parent can come back under the same name. */
	for (size_t i = 0; i < d->n_known;) {
		if (known_unchanged(&d->known[i],
				    hw_find(hw, d->known[i].name))) {
			i++;
			continue;
		}
		int ret = mdev_parent_unregister(d->core, d->known[i].name);
		if (ret < 0 && ret != -ENODEV)
			fprintf(stderr, "mdevd: reload: unregister %s: %s\n",
				d->known[i].name, strerror(-ret));
		fprintf(stderr, "mdevd: reload: parent %s unregistered\n",
			d->known[i].name);
		forget_known(d, i);
	}
	flush_invalidations(d);
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++) {
		const struct mdev_parent_desc *desc =
		    mdev_hardware_parent(hw, i);
		if (is_known(d, desc->name))
			continue;
		if (register_one(d, desc, err, sizeof(err)) < 0) {
			fprintf(stderr, "mdevd: reload: %s\n", err);
			continue;
		}
		fprintf(stderr, "mdevd: reload: parent %s registered\n",
			desc->name);
		run_on_register(d, desc->name);
	}
	mdev_hardware_free(hw);
}

void lifecycle_free(struct mdevd *d)
{
	for (size_t i = 0; i < d->n_known; i++) {
		free(d->known[i].name);
		free(d->known[i].fingerprint);
	}
	free(d->known);
	d->known = NULL;
	d->n_known = 0;
	for (size_t i = 0; i < d->n_inval; i++)
		free(d->inval[i].name);
	free(d->inval);
	d->inval = NULL;
	d->n_inval = d->cap_inval = 0;
	lifecycle_reap(d);
	free(d->children);
	d->children = NULL;
	d->n_children = 0;
}
