/* SPDX-License-Identifier: MIT */
/*
 * `mdevctl monitor`: one compact JSON object per line for every change of
 * the store and of the tree, so that managers need not poll:
 *
 *   {"event":"ready"}
 *   {"event":"defined","parent":P,"uuid":U,"mdev_type":T,"start":S,"attrs":[..]}
 *   {"event":"modified", ...same fields...}
 *   {"event":"undefined","parent":P,"uuid":U}
 *   {"event":"started","parent":P,"uuid":U,"mdev_type":T}
 *   {"event":"stopped","parent":P,"uuid":U,"mdev_type":T}
 *   {"event":"parent-registered","parent":P}
 *   {"event":"parent-unregistered","parent":P}
 *
 * The store is watched with inotify. The sysfs tree is polled every 100 ms
 * and diffed, because FUSE (mdevd) does not deliver inotify events for
 * changes made by the daemon, and the kernel's sysfs does not either.
 */
#include "ctl.h"
#include "validate.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define POLL_MS 100

/* One remembered object: a key to sort/diff on and its JSON description. */
struct item {
	char *key;
	json_t *j;
};

struct snapshot {
	struct item *v;
	size_t n, cap;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void snap_add(struct snapshot *s, char *key, json_t *j)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n].key = key;
	s->v[s->n].j = j;
	s->n++;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->key,
		      ((const struct item *)b)->key);
}

static void snap_sort(struct snapshot *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), by_key);
}

static void snap_free(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].key);
		json_decref(s->v[i].j);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void emit(const char *event, json_t *fields)
{
	json_t *o = json_object();
	const char *k;
	json_t *v;
	char *line;

	json_object_set_new(o, "event", json_string(event));
	if (fields)
		json_object_foreach(fields, k, v) json_object_set(o, k, v);
	line = json_compact(o);
	printf("%s\n", line);
	fflush(stdout);
	free(line);
	json_decref(o);
}

/* Definitions: key "parent/uuid", value the device JSON plus placement. */
static void scan_store(const struct ctl_env *env, struct snapshot *s, int ifd)
{
	DIR *top = opendir(env->config_base), *pd;
	struct dirent *pe, *de;

	if (ifd >= 0)
		inotify_add_watch(ifd, env->config_base,
				  IN_CREATE | IN_DELETE | IN_MOVED_TO |
				      IN_MOVED_FROM | IN_CLOSE_WRITE);
	if (!top)
		return;
	while ((pe = readdir(top))) {
		char *pdir;

		/* the parents `list -d` knows (store.c) */
		if (pe->d_name[0] == '.' || !valid_parent_name(pe->d_name))
			continue;
		pdir = xpath_join(env->config_base, pe->d_name);
		pd = opendir(pdir);
		if (!pd) {
			free(pdir);
			continue;
		}
		if (ifd >= 0)
			inotify_add_watch(ifd, pdir,
					  IN_CREATE | IN_DELETE | IN_MOVED_TO |
					      IN_MOVED_FROM | IN_CLOSE_WRITE);
		while ((de = readdir(pd))) {
			struct ctl_err e = {0};
			char *path, *text = NULL;
			struct mdev *d;
			json_t *j, *o;
			size_t len;
			ctl_uuid u;

			if (de->d_name[0] == '.' ||
			    uuid_parse_rs(de->d_name, &u, NULL) < 0)
				continue;
			path = xpath_join(pdir, de->d_name);
			if (read_file(path, 1 << 20, &text, &len) < 0) {
				free(path);
				continue;
			}
			free(path);
			j = json_parse_serde(text, len, &e);
			free(text);
			if (!j) {
				err_clear(&e);
				continue;
			}
			d = mdev_new(env, &u);
			if (mdev_load_json(d, pe->d_name, j, &e) < 0) {
				err_clear(&e);
				json_decref(j);
				mdev_free(d);
				continue;
			}
			json_decref(j);
			o = json_object();
			json_object_set_new(o, "parent",
					    json_string_nocheck(d->parent));
			json_object_set_new(o, "uuid",
					    json_string(d->uuid_str));
			j = mdev_to_json(d);
			json_object_update(o, j);
			json_decref(j);
			snap_add(s, xasprintf("%s/%s", d->parent, d->uuid_str),
				 o);
			mdev_free(d);
		}
		closedir(pd);
		free(pdir);
	}
	closedir(top);
	snap_sort(s);
}

static void scan_active(const struct ctl_env *env, struct snapshot *s)
{
	DIR *dir = opendir(env->mdev_base);
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		struct ctl_err e = {0};
		struct mdev *d;
		json_t *o;
		ctl_uuid u;

		if (uuid_parse_rs(de->d_name, &u, NULL) < 0)
			continue;
		d = mdev_new(env, &u);
		if (sysfs_load(d, &e) == 0 && d->active) {
			o = json_object();
			json_object_set_new(o, "parent",
					    json_string_nocheck(d->parent));
			json_object_set_new(o, "uuid",
					    json_string(d->uuid_str));
			json_object_set_new(o, "mdev_type",
					    json_string_nocheck(d->type));
			snap_add(s, xstrdup(d->uuid_str), o);
		}
		err_clear(&e);
		mdev_free(d);
	}
	closedir(dir);
	snap_sort(s);
}

static void scan_parents(const struct ctl_env *env, struct snapshot *s)
{
	DIR *dir = opendir(env->parent_base);
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		json_t *o;

		if (de->d_name[0] == '.')
			continue;
		o = json_object();
		json_object_set_new(o, "parent",
				    json_string_nocheck(de->d_name));
		snap_add(s, xstrdup(de->d_name), o);
	}
	closedir(dir);
	snap_sort(s);
}

/* Emits added/removed/changed events between two sorted snapshots. */
static void diff(const struct snapshot *old, const struct snapshot *new,
		 const char *added, const char *removed, const char *changed)
{
	size_t i = 0, k = 0;

	while (i < old->n || k < new->n) {
		int c = i >= old->n   ? 1
			: k >= new->n ? -1
				      : strcmp(old->v[i].key, new->v[k].key);

		if (c < 0) {
			if (removed)
				emit(removed, old->v[i].j);
			i++;
		} else if (c > 0) {
			if (added)
				emit(added, new->v[k].j);
			k++;
		} else {
			if (changed && !json_equal(old->v[i].j, new->v[k].j))
				emit(changed, new->v[k].j);
			i++;
			k++;
		}
	}
}

/* New parents, then started/stopped devices, then parents gone: a parent
 * is announced before its devices and withdrawn after them. */
static void rescan_tree(const struct ctl_env *env, struct snapshot *parents,
			struct snapshot *active)
{
	struct snapshot np = {0}, na = {0};

	scan_parents(env, &np);
	scan_active(env, &na);
	diff(parents, &np, "parent-registered", NULL, NULL);
	diff(active, &na, "started", "stopped", NULL);
	diff(parents, &np, NULL, "parent-unregistered", NULL);
	snap_free(parents);
	snap_free(active);
	*parents = np;
	*active = na;
}

int cmd_monitor(const struct ctl_env *env, int argc, char **argv,
		struct ctl_err *e)
{
	struct snapshot defs = {0}, active = {0}, parents = {0};
	struct sigaction sa;
	int ifd;

	(void)argv;
	if (argc > 1) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			printf("Usage: mdevctl monitor\n"
			       "Print one JSON line per change of the "
			       "definitions and of the mediated devices and "
			       "parents in sysfs, until interrupted.\n");
			return 0;
		}
		return err_set(e, "monitor takes no arguments");
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ifd < 0) {
		err_set(e, "inotify");
		return err_cause_errno(e, errno);
	}
	scan_store(env, &defs, ifd);
	scan_active(env, &active);
	scan_parents(env, &parents);
	emit("ready", NULL);
	while (!stop_requested) {
		struct pollfd p = {ifd, POLLIN, 0};
		int r = poll(&p, 1, POLL_MS);

		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && (p.revents & POLLIN)) {
			char buf[4096];
			struct snapshot n = {0};

			while (read(ifd, buf, sizeof(buf)) > 0)
				;
			scan_store(env, &n, ifd);
			diff(&defs, &n, "defined", "undefined", "modified");
			snap_free(&defs);
			defs = n;
		}
		rescan_tree(env, &parents, &active);
	}
	close(ifd);
	snap_free(&defs);
	snap_free(&active);
	snap_free(&parents);
	return 0;
}
