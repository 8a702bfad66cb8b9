/* SPDX-License-Identifier: MIT */
/*
 * Callouts and notifiers, with mdevctl 1.2.0's protocol:
 *   SCRIPT -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT
 * with the device's compact JSON on stdin (except for "get"). Callout
 * scripts are tried in name order; the first that does not exit 2 ("not my
 * device") handles the device for pre, post and get. A non-zero pre exit
 * cancels the action. Notifiers all run after the action; their status is
 * ignored. A script's stderr is echoed as "<name>: <text>".
 *
 * Differences: the script directories are scanned once per process, so
 * nothing is forked when none is installed; scripts that are group- or
 * world-writable or not owned by root are refused with a message.
 */
#include "ctl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const action_names[] = {
    [ACT_START] = "start",   [ACT_STOP] = "stop",
    [ACT_DEFINE] = "define", [ACT_UNDEFINE] = "undefine",
    [ACT_MODIFY] = "modify",
};

struct script_set {
	char **v;
	size_t n;
};

static struct {
	bool scanned;
	struct script_set callouts[2];
	struct script_set notifiers[2];
} cache;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A script we are willing to run: root-owned, not group/world-writable. */
static bool trusted(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		fflush(stdout);
		fprintf(stderr, "mdevctl: refusing to run %s: %s\n", path,
			st.st_uid != 0 ? "not owned by root"
				       : "writable by group or others");
		return false;
	}
	return true;
}

static void scan_dir(const char *dir, struct script_set *s, bool sorted)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	s->v = NULL;
	s->n = 0;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char *p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = xpath_join(dir, de->d_name);
		if (!trusted(p)) {
			free(p);
			continue;
		}
		s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
		s->v[s->n++] = p;
	}
	closedir(d);
	if (sorted && s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
}

static void free_set(struct script_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void cache_free(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		free_set(&cache.callouts[i]);
		free_set(&cache.notifiers[i]);
	}
}

static void scan(const struct ctl_env *env)
{
	int i;

	if (cache.scanned)
		return;
	for (i = 0; i < 2; i++) {
		scan_dir(env->callout_dirs[i], &cache.callouts[i], true);
		scan_dir(env->notifier_dirs[i], &cache.notifiers[i], false);
	}
	cache.scanned = true;
	atexit(cache_free);
}

bool callout_none_installed(const struct ctl_env *env)
{
	int i;

	scan(env);
	for (i = 0; i < 2; i++)
		if (cache.callouts[i].n || cache.notifiers[i].n)
			return false;
	return true;
}

struct output {
	struct sbuf out, err;
	int status; /* exit code, or -1 when killed by a signal */
};

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Runs one script; returns 0 with *o filled, -1 if it could not run. */
static int run_script(const char *path, const struct mdev *d, const char *event,
		      const char *action, const char *state,
		      const char *stdin_text, struct output *o)
{
	int in[2], out[2], err[2], st;
	size_t off = 0, inlen = stdin_text ? strlen(stdin_text) : 0;
	bool in_open = true;
	pid_t pid;

	if (!d->type || !d->parent)
		return -1;
	if (pipe2(in, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		char *argv[] = {(char *)path,
				"-t",
				d->type,
				"-e",
				(char *)event,
				"-a",
				(char *)action,
				"-s",
				(char *)state,
				"-u",
				(char *)d->uuid_str,
				"-p",
				d->parent,
				NULL};

		signal(SIGPIPE, SIG_DFL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(path, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		close(err[0]);
		return -1;
	}
	sb_init(&o->out);
	sb_init(&o->err);
	sb_addn(&o->out, "", 0);
	sb_addn(&o->err, "", 0);
	set_nonblock(in[1]);
	if (!inlen) {
		close(in[1]);
		in_open = false;
	}
	{
		struct pollfd p[3];
		bool out_open = true, err_open = true;

		while (out_open || err_open || in_open) {
			int n = 0, io = -1, oo = -1, eo = -1;
			char buf[4096];
			ssize_t r;

			if (in_open) {
				p[n].fd = in[1];
				p[n].events = POLLOUT;
				io = n++;
			}
			if (out_open) {
				p[n].fd = out[0];
				p[n].events = POLLIN;
				oo = n++;
			}
			if (err_open) {
				p[n].fd = err[0];
				p[n].events = POLLIN;
				eo = n++;
			}
			if (poll(p, (nfds_t)n, -1) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (io >= 0 && p[io].revents) {
				r = write(in[1], stdin_text + off, inlen - off);
				if (r > 0)
					off += (size_t)r;
				if (r < 0 && errno != EAGAIN)
					off = inlen;
				if (off >= inlen) {
					close(in[1]);
					in_open = false;
				}
			}
			if (oo >= 0 && p[oo].revents) {
				r = read(out[0], buf, sizeof(buf));
				if (r > 0)
					sb_addn(&o->out, buf, (size_t)r);
				else if (r == 0 || errno != EINTR)
					out_open = false;
			}
			if (eo >= 0 && p[eo].revents) {
				r = read(err[0], buf, sizeof(buf));
				if (r > 0)
					sb_addn(&o->err, buf, (size_t)r);
				else if (r == 0 || errno != EINTR)
					err_open = false;
			}
		}
		if (in_open)
			close(in[1]);
	}
	close(out[0]);
	close(err[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return 0;
}

static void output_free(struct output *o)
{
	sb_free(&o->out);
	sb_free(&o->err);
}

static void print_err(const struct output *o, const char *path)
{
	const char *name = strrchr(path, '/');

	if (!o->err.len)
		return;
	fflush(stdout);
	fprintf(stderr, "%s: %s", name ? name + 1 : path, o->err.s);
}

static char *device_stdin(const struct mdev *d)
{
	struct json_t *j = mdev_to_json(d);
	char *s = json_compact(j);

	json_decref_any(j);
	return s;
}

/* The first script (in name order, first directory that has one) that
 * does not answer 2; NULL if none. */
static const char *first_matching(const struct mdev *d, const char *event,
				  const char *action, const char *state,
				  struct output *o)
{
	char *in = strcmp(event, "get") ? device_stdin(d) : NULL;
	const char *found = NULL;
	size_t i;
	int k;

	for (k = 0; k < 2 && !found; k++) {
		struct script_set *s = &cache.callouts[k];

		for (i = 0; i < s->n; i++) {
			if (run_script(s->v[i], d, event, action, state, in,
				       o) < 0)
				continue;
			if (o->status == -1) {
				log_warn_mod(
				    "mdevctl::callouts",
				    "callout script \"%s\" was terminated "
				    "by a signal",
				    s->v[i]);
				output_free(o);
				continue;
			}
			if (o->status != 2) {
				found = s->v[i];
				break;
			}
			output_free(o);
		}
	}
	free(in);
	return found;
}

struct callout {
	const char *script;
	const char *state;
};

static int callout_event(struct callout *c, struct mdev *d, const char *event,
			 enum callout_action act, struct ctl_err *e)
{
	const char *action = action_names[act];
	struct output o;
	int rc;

	if (c->script) {
		char *in = device_stdin(d);
		int r =
		    run_script(c->script, d, event, action, c->state, in, &o);

		free(in);
		if (r < 0)
			return 0;
	} else {
		c->script = first_matching(d, event, action, c->state, &o);
		if (!c->script)
			return 0;
	}
	print_err(&o, c->script);
	rc = o.status;
	output_free(&o);
	if (rc <= 0)
		return 0;
	{
		struct sbuf b;

		sb_init(&b);
		sb_add(&b, "callout script ");
		sb_add_debug_str(&b, c->script);
		sb_printf(&b, " failed with return code %d", rc);
		err_set(e, "%s", b.s);
		sb_free(&b);
	}
	return -1;
}

static void notify(struct mdev *d, enum callout_action act, const char *state)
{
	char *in = device_stdin(d);
	struct output o;
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		struct script_set *s = &cache.notifiers[k];

		for (i = 0; i < s->n; i++) {
			if (run_script(s->v[i], d, "notify", action_names[act],
				       state, in, &o) == 0)
				output_free(&o);
		}
	}
	free(in);
}

int callout_invoke(struct mdev *d, enum callout_action act, callout_fn fn,
		   void *ctx, struct ctl_err *e)
{
	struct callout c = {NULL, "none"};
	struct ctl_err pe = {0};
	int r;

	if (callout_none_installed(d->env))
		return fn(d, ctx, e);
	r = callout_event(&c, d, "pre", act, e);
	if (r == 0) {
		r = fn(d, ctx, e);
		c.state = r == 0 ? "success" : "failure";
		callout_event(&c, d, "post", act, &pe);
		err_clear(&pe);
	}
	notify(d, act, c.state);
	return r;
}

int callout_get_attributes(struct mdev *d, struct json_t **out,
			   struct ctl_err *e)
{
	const char *script;
	struct output o;
	int r = 0;

	*out = NULL;
	if (callout_none_installed(d->env))
		return 0;
	script = first_matching(d, "get", "attributes", "none", &o);
	if (!script)
		return 0;
	if (o.status == 0) {
		const char *text = strcmp(o.out.s, "[{}]") ? o.out.s : "[]";

		if (*text) {
			*out = json_parse_serde(text, strlen(text), e);
			if (!*out)
				r = err_wrap(e, "Unable to parse attributes "
						"from JSON");
		}
	} else {
		struct sbuf b;

		print_err(&o, script);
		sb_init(&b);
		sb_add(&b, "failed to get attributes from ");
		sb_add_debug_str(&b, script);
		err_set(e, "%s", b.s);
		sb_free(&b);
		r = -1;
	}
	output_free(&o);
	return r;
}

int callout_load_attributes(struct mdev *d, struct ctl_err *e)
{
	struct json_t *attrs = NULL;
	json_t *root;
	char *parent;
	int r;

	if (callout_get_attributes(d, &attrs, e) < 0)
		return -1;
	if (!attrs || json_is_null(attrs)) {
		json_decref(attrs);
		return 0;
	}
	root = json_object();
	parent = xstrdup(d->parent);
	json_object_set_new(root, "mdev_type", json_string_nocheck(d->type));
	json_object_set_new(root, "start",
			    json_string(d->autostart ? "auto" : "manual"));
	json_object_set(root, "attrs", attrs);
	r = mdev_load_json(d, parent, root, e);
	free(parent);
	json_decref(root);
	json_decref(attrs);
	return r;
}

int callout_live(struct mdev *d, struct ctl_err *e)
{
	struct callout c = {NULL, "none"};

	if (callout_none_installed(d->env))
		return err_set(e, "No matching script for device found");
	struct output o;
	int rc;

	c.script = first_matching(d, "live", "modify", "none", &o);
	if (!c.script)
		return err_set(e, "No matching script for device found");
	print_err(&o, c.script);
	rc = o.status;
	output_free(&o);
	if (rc == 0)
		return 0;
	return err_set(e, "callout script \"%s\" failed with return code %d",
		       c.script, rc);
}
