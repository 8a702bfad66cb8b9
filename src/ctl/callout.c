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
	struct sigaction ignore = {.sa_handler = SIG_IGN}, saved;
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
	/* A script may exit without reading its stdin (exit 2 for another
	 * device's type): the write then fails with EPIPE, which must not
	 * kill mdevctl (1.4.0, in Rust, ignores SIGPIPE too). */
	sigaction(SIGPIPE, &ignore, &saved);
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
	sigaction(SIGPIPE, &saved, NULL);
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
				  const char *in, struct output *o)
{
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
	return found;
}

struct callout {
	const char *script;
	const char *state;
	/* 1.4.0: the script answered `get capabilities`; it then runs only
	 * the events and actions it listed (bit i = names[i]) */
	bool versioned;
	unsigned actions, events;
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
		char *in = device_stdin(d);

		c->script = first_matching(d, event, action, c->state, in, &o);
		free(in);
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

/* ---- mdevctl 1.4.0's versioned callouts ---------------------------------
 * Before an action 1.4.0 asks the scripts `-e get -a capabilities` with
 * {"provides":{...}} on stdin; the first whose stdout is
 * {"supports":{"version":N,"actions":[..],"events":[..]}} is the device's
 * script for the whole run (per parent and type), called directly and only
 * for what it supports. Without one, 1.2.0's first-match search applies. */
static const char *const v2_actions[] = {"start",	 "stop",   "define",
					 "undefine",	 "modify", "attributes",
					 "capabilities", NULL};
static const char *const v2_events[] = {"pre", "post", "notify",
					"get", "live", NULL};
/* Rust's Debug of the enum variants, for the refusal messages */
static const char *const v2_action_debug[] = {
    "Start",  "Stop",	    "Define",	   "Undefine",
    "Modify", "Attributes", "Capabilities"};
static const char *const v2_event_debug[] = {"Pre", "Post", "Notify", "Get",
					     "Live"};
static const char v2_provides[] =
    "{\"provides\":{\"version\":2,\"actions\":[\"start\",\"stop\","
    "\"define\",\"undefine\",\"modify\",\"attributes\","
    "\"capabilities\"],\"events\":[\"pre\",\"post\",\"notify\",\"get\","
    "\"live\"]}}";

static int name_index(const char *const *names, const char *n)
{
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(names[i], n))
			return i;
	return -1;
}

/* Bits of the known names in a JSON array of strings; -1 if it is not
 * one (serde would refuse it). Unknown names are allowed (serde(other)). */
static int names_mask(json_t *arr, const char *const *names, unsigned *mask)
{
	size_t i;
	json_t *v;

	*mask = 0;
	if (!json_is_array(arr))
		return -1;
	json_array_foreach(arr, i, v)
	{
		int k;

		if (!json_is_string(v))
			return -1;
		k = name_index(names, json_string_value(v));
		if (k >= 0)
			*mask |= 1u << k;
	}
	return 0;
}

int callout_parse_supports(const char *out, size_t len, unsigned *actions,
			   unsigned *events)
{
	struct ctl_err e = {0};
	json_t *j, *sup, *ver;
	int r = -1;

	while (len && out[len - 1] == '\0')
		len--;
	j = (json_t *)json_parse_serde(out, len, &e);
	err_clear(&e);
	if (!j)
		return -1;
	sup = json_is_object(j) ? json_object_get(j, "supports") : NULL;
	ver = sup ? json_object_get(sup, "version") : NULL;
	if (json_is_object(sup) && json_is_integer(ver) &&
	    json_integer_value(ver) >= 0 &&
	    json_integer_value(ver) <= UINT32_MAX &&
	    names_mask(json_object_get(sup, "actions"), v2_actions, actions) ==
		0 &&
	    names_mask(json_object_get(sup, "events"), v2_events, events) == 0)
		r = 0;
	json_decref(j);
	return r;
}

/* The per-run answer of the capabilities search, per (parent, type). */
struct v2_entry {
	char *parent, *type;
	const char *script; /* NULL: no versioned script */
	unsigned actions, events;
};
static struct {
	struct v2_entry *v;
	size_t n;
} v2_cache;

static void v2_cache_free(void)
{
	size_t i;

	for (i = 0; i < v2_cache.n; i++) {
		free(v2_cache.v[i].parent);
		free(v2_cache.v[i].type);
	}
	free(v2_cache.v);
}

static const struct v2_entry *v2_find(const struct mdev *d)
{
	struct v2_entry ent = {0};
	struct output o;
	size_t i;
	int k;

	if (!d->type || !d->parent)
		return NULL;
	for (i = 0; i < v2_cache.n; i++)
		if (!strcmp(v2_cache.v[i].parent, d->parent) &&
		    !strcmp(v2_cache.v[i].type, d->type))
			return &v2_cache.v[i];
	for (k = 0; k < 2 && !ent.script; k++) {
		struct script_set *s = &cache.callouts[k];

		for (i = 0; i < s->n && !ent.script; i++) {
			if (run_script(s->v[i], d, "get", "capabilities",
				       "none", v2_provides, &o) < 0)
				continue;
			if (o.status == -1)
				log_warn_mod("mdevctl::callouts",
					     "callout script \"%s\" was "
					     "terminated by a signal",
					     s->v[i]);
			else if (o.status != 2 &&
				 callout_parse_supports(o.out.s, o.out.len,
							&ent.actions,
							&ent.events) == 0) {
				print_err(&o, s->v[i]);
				ent.script = s->v[i];
			}
			output_free(&o);
		}
	}
	if (!v2_cache.n)
		atexit(v2_cache_free);
	ent.parent = xstrdup(d->parent);
	ent.type = xstrdup(d->type);
	v2_cache.v = xrealloc(v2_cache.v, (v2_cache.n + 1) * sizeof(ent));
	v2_cache.v[v2_cache.n] = ent;
	return &v2_cache.v[v2_cache.n++];
}

static void v2_select(struct callout *c, const struct mdev *d)
{
	const struct v2_entry *v = v2_find(d);

	if (v && v->script) {
		c->script = v->script;
		c->versioned = true;
		c->actions = v->actions;
		c->events = v->events;
	}
}

/* 1.4.0's invocation_failure(): Script '"P"' failed with status 'N'. */
static int v2_failure(const char *script, int status, struct ctl_err *e)
{
	struct sbuf b;

	sb_init(&b);
	sb_add(&b, "Script '");
	sb_add_debug_str(&b, script);
	if (status < 0)
		sb_add(&b, "' failed with status 'unknown'");
	else
		sb_printf(&b, "' failed with status '%d'", status);
	err_set(e, "%s", b.s);
	sb_free(&b);
	return -1;
}

static int v2_refuse(const struct callout *c, const char *event,
		     const char *action, struct ctl_err *e)
{
	int a = name_index(v2_actions, action),
	    ev = name_index(v2_events, event);
	struct sbuf b;

	if ((c->actions >> a & 1) && (c->events >> ev & 1))
		return 0;
	sb_init(&b);
	sb_add(&b, "Script ");
	sb_add_debug_str(&b, c->script);
	if (!(c->actions >> a & 1))
		sb_printf(&b, " does not support action '%s'",
			  v2_action_debug[a]);
	else
		sb_printf(&b, " does not support event '%s'",
			  v2_event_debug[ev]);
	err_set(e, "%s", b.s);
	sb_free(&b);
	return -1;
}

/* 1.4.0's Callout::callout(): the chosen script, or the first matching
 * one (which becomes the chosen one when it answers 0). *o is filled
 * (caller frees) when a script ran; returns -1 with e set on failure. */
static int v2_event(struct callout *c, const struct mdev *d, const char *event,
		    const char *action, const char *in, struct output *o,
		    bool *ran, struct ctl_err *e)
{
	*ran = false;
	if (c->script) {
		if (c->versioned && v2_refuse(c, event, action, e) < 0)
			return -1;
		if (run_script(c->script, d, event, action, c->state, in, o) <
		    0)
			return -1;
		*ran = true;
		print_err(o, c->script);
		if (o->status > 0)
			return v2_failure(c->script, o->status, e);
		return 0;
	}
	{
		const char *found =
		    first_matching(d, event, action, c->state, in, o);

		if (!found)
			return 0;
		*ran = true;
		print_err(o, found);
		if (o->status != 0)
			return v2_failure(found, o->status, e);
		c->script = found;
		/* a plain script is version 1: every event but live */
		c->actions = (1u << 6) - 1;
		c->events = (1u << 4) - 1;
		c->versioned = true;
		return 0;
	}
}

/* 1.4.0's Callout::get_attributes(): the answer of the device's script
 * (empty: none, "[{}]": an empty list); a failure is an error. */
static int v2_get_attributes(struct mdev *d, struct json_t **out,
			     struct ctl_err *e)
{
	struct callout c = {NULL, "none", false, 0, 0};
	struct output o;
	size_t len;
	bool ran;
	int r;

	*out = NULL;
	v2_select(&c, d);
	r = v2_event(&c, d, "get", "attributes", NULL, &o, &ran, e);
	if (!ran || r < 0) {
		if (ran)
			output_free(&o);
		return r;
	}
	len = o.out.len;
	while (len && o.out.s[len - 1] == '\0')
		len--;
	if (len && !(len == 4 && !memcmp(o.out.s, "[{}]", 4))) {
		*out = json_parse_serde(o.out.s, len, e);
		if (!*out)
			r = err_wrap(e, "Invalid JSON received from callout "
					"script");
	} else if (len) {
		*out = (struct json_t *)json_array();
	}
	output_free(&o);
	return r;
}

/* Notifiers get no stdin from 1.4.0, in directory order. */
static void v2_notify(struct mdev *d, enum callout_action act,
		      const char *state)
{
	struct output o;
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		struct script_set *s = &cache.notifiers[k];

		for (i = 0; i < s->n; i++)
			if (run_script(s->v[i], d, "notify", action_names[act],
				       state, NULL, &o) == 0)
				output_free(&o);
	}
}

static int v2_invoke(struct mdev *d, enum callout_action act, bool force,
		     callout_fn fn, void *ctx, struct ctl_err *e)
{
	struct callout c = {NULL, "none", false, 0, 0};
	const char *action = action_names[act];
	char *conf = device_stdin(d);
	struct ctl_err pe = {0};
	struct output o;
	bool ran;
	int r;

	v2_select(&c, d);
	r = v2_event(&c, d, "pre", action, conf, &o, &ran, e);
	if (ran)
		output_free(&o);
	if (r < 0 && force) {
		log_warn_mod("mdevctl::callouts",
			     "Forcing operation '%s' despite callout failure. "
			     "Error was: %s",
			     action, e->msg);
		err_clear(e);
		r = 0;
	}
	if (r == 0) {
		r = fn(d, ctx, e);
		c.state = r == 0 ? "success" : "failure";
		v2_event(&c, d, "post", action, conf, &o, &ran, &pe);
		if (ran)
			output_free(&o);
		err_clear(&pe);
	}
	free(conf);
	v2_notify(d, act, c.state);
	return r;
}

int callout_invoke(struct mdev *d, enum callout_action act, bool force,
		   callout_fn fn, void *ctx, struct ctl_err *e)
{
	struct callout c = {NULL, "none", false, 0, 0};
	struct ctl_err pe = {0};
	int r;

	if (callout_none_installed(d->env))
		return fn(d, ctx, e);
	if (compat_14())
		return v2_invoke(d, act, force, fn, ctx, e);
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
	if (compat_14())
		return v2_get_attributes(d, out, e);
	script = first_matching(d, "get", "attributes", "none", NULL, &o);
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

/* 1.4.0's invoke_modify_live(): only a versioned script that lists the
 * live event is asked; a device that is not running is left alone. */
static int v2_live(struct mdev *d, struct ctl_err *e)
{
	struct callout c = {NULL, "none", false, 0, 0};
	struct mdev *cur = NULL;
	struct output o;
	char *conf;
	bool ran;
	int r = 0;

	v2_select(&c, d);
	if (!c.script)
		return err_set(e, "Live modification is not supported for this "
				  "device type. Changing the device "
				  "configuration requires stopping and "
				  "restarting the device.");
	cur = mdev_new(d->env, &d->uuid);
	if (sysfs_load(cur, e) < 0 || !cur->active) {
		mdev_free(cur);
		err_clear(e);
		return 0;
	}
	if (!cur->parent || strcmp(cur->parent, d->parent))
		r = err_set(e, "Device exists under different parent - cannot "
			       "run live update");
	else if (!cur->type || !d->type || strcmp(cur->type, d->type))
		r = err_set(e, "Device exists with different type - cannot "
			       "run live update");
	mdev_free(cur);
	if (r < 0)
		return r;
	if (v2_refuse(&c, "live", "modify", e) < 0)
		return -1;
	conf = device_stdin(d);
	r = v2_event(&c, d, "live", "modify", conf, &o, &ran, e);
	if (ran)
		output_free(&o);
	free(conf);
	v2_notify(d, ACT_MODIFY, c.state);
	return r;
}

int callout_live(struct mdev *d, struct ctl_err *e)
{
	if (compat_14())
		return v2_live(d, e);
	struct callout c = {NULL, "none", false, 0, 0};

	if (callout_none_installed(d->env))
		return err_set(e, "No matching script for device found");
	struct output o;
	char *conf = device_stdin(d);
	int rc;

	/* as mdevctl 1.3, whose --live this is: the new definition on stdin
	 * (the script cannot know what to change to without it) */
	c.script = first_matching(d, "live", "modify", "none", conf, &o);
	free(conf);
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
