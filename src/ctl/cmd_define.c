/* SPDX-License-Identifier: MIT */
/* `mdevctl define`, `undefine` and `modify`: the store-changing commands.
 * Each runs under the store lock, so concurrent invocations serialize. */
#include "ctl.h"
#include "validate.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int read_jsonfile(const char *path, struct json_t **out, struct ctl_err *e)
{
	struct sbuf b;
	char *text;
	size_t len;
	int r = read_file(path, 16 << 20, &text, &len);

	if (r < 0) {
		sb_init(&b);
		sb_add(&b, "Unable to read jsonfile ");
		sb_add_debug_str(&b, path);
		err_set(e, "%s", b.s);
		sb_free(&b);
		if (r == -EFBIG)
			return err_cause(e, "file too large");
		return err_cause_errno(e, -r);
	}
	/* as Rust's read_to_string (1.2.0's exact message) */
	if (!utf8_valid(text, len)) {
		free(text);
		sb_init(&b);
		sb_add(&b, "Unable to read jsonfile ");
		sb_add_debug_str(&b, path);
		err_set(e, "%s", b.s);
		sb_free(&b);
		return err_cause(e, INVALID_UTF8_MSG);
	}
	*out = json_parse_serde(text, len, e);
	free(text);
	return *out ? 0 : -1;
}

static void lock_store(const struct ctl_env *env)
{
	/* failure to lock (read-only store) surfaces as the write error */
	(void)store_lock(env);
}

static int write_config(struct mdev *d, void *ctx, struct ctl_err *e)
{
	(void)ctx;
	return store_write(d, e);
}

static int define_get_attrs(struct mdev *d, struct ctl_err *e);

/* 1.4.0 asks for an active device's attributes inside the define action
 * (after the pre callout); 1.2.0 before it */
static int define_config(struct mdev *d, void *ctx, struct ctl_err *e)
{
	if (compat_14() &&
	    (define_get_attrs(d, e) < 0 || check_attr_names(d, e) < 0))
		return -1;
	return write_config(d, ctx, e);
}

/* define of an active device asks a callout script for its attributes */
static int define_get_attrs(struct mdev *d, struct ctl_err *e)
{
	return d->active ? callout_load_attributes(d, e) : 0;
}

static void dbg_path(struct sbuf *b, const char *p)
{
	sb_add_debug_str(b, p);
}

int cmd_define(const struct ctl_env *env, const struct ctl_args *a,
	       struct ctl_err *e)
{
	struct mdev *d;
	ctl_uuid u;
	int r;

	if (a->has_uuid)
		u = a->uuid;
	else
		uuid_gen(&u);
	lock_store(env);
	d = mdev_new(env, &u);
	if (a->jsonfile) {
		struct mdev_list l = {0};
		struct json_t *j;
		struct sbuf b;

		sb_init(&b);
		/* 1.4.0 opens the file before anything else */
		if (compat_14() && access(a->jsonfile, R_OK) < 0) {
			int err = errno;

			sb_add(&b, "Unable to read file ");
			dbg_path(&b, a->jsonfile);
			err_set(e, "%s", b.s);
			sb_free(&b);
			err_cause_errno(e, err);
			goto fail;
		}
		if (a->type) {
			sb_add(&b, "Device type cannot be specified separately "
				   "from ");
			dbg_path(&b, a->jsonfile);
			goto fail_msg;
		}
		if (!a->parent) {
			sb_add(&b, "Parent device required to define device "
				   "via ");
			dbg_path(&b, a->jsonfile);
			goto fail_msg;
		}
		sb_free(&b);
		if (store_defined_devices(env, &u, a->parent, &l, e) < 0)
			goto fail;
		if (l.n) {
			mdev_list_free(&l);
			err_set(
			    e,
			    "Cowardly refusing to overwrite existing config "
			    "for %s/%s",
			    a->parent, d->uuid_str);
			goto fail;
		}
		if (read_jsonfile(a->jsonfile, &j, e) < 0)
			goto fail;
		r = mdev_load_json(d, a->parent, j, e);
		json_decref(j);
		if (r < 0)
			goto fail;
		goto go;
	fail_msg:
		err_set(e, "%s", b.s);
		sb_free(&b);
		goto fail;
	}
	if (a->has_uuid) {
		if (sysfs_load(d, e) < 0)
			goto fail;
		if (!a->parent && (!d->active || a->type)) {
			err_set(e, "No parent specified");
			goto fail;
		}
	}
	d->autostart = a->autostart;
	if (a->parent)
		mdev_set_parent(d, a->parent);
	if (a->type)
		mdev_set_type(d, a->type);
	if (!d->parent) {
		err_set(e, "No parent specified");
		goto fail;
	}
	if (!d->type) {
		err_set(e, "No type specified");
		goto fail;
	}
	if (mdev_is_defined(d)) {
		err_set(e, "Device %s on %s already defined", d->uuid_str,
			d->parent);
		goto fail;
	}
go:
	r = compat_14() ? 0 : define_get_attrs(d, e);
	if (r == 0)
		r = check_attr_names(d, e);
	if (r == 0)
		r = callout_invoke(d, ACT_DEFINE, a->force, define_config, NULL,
				   e);
	if (r == 0 && !a->has_uuid)
		printf("%s\n", d->uuid_str);
	mdev_free(d);
	return r;
fail:
	mdev_free(d);
	return -1;
}

static int undefine_fn(struct mdev *d, void *ctx, struct ctl_err *e)
{
	(void)ctx;
	return store_remove(d, e);
}

extern bool store_keep_broken;

int cmd_undefine(const struct ctl_env *env, const struct ctl_args *a,
		 struct ctl_err *e)
{
	struct mdev_list l = {0};
	bool failed = false;
	size_t i;

	lock_store(env);
	/* a broken definition can still be removed */
	store_keep_broken = true;
	if (store_defined_devices(env, &a->uuid, a->parent, &l, e) < 0)
		return -1;
	store_keep_broken = false;
	if (!l.n)
		return err_set(e, "No devices match the specified uuid");
	for (i = 0; i < l.n; i++) {
		struct ctl_err ie = {0};
		int k;

		/* 1.2.0 ignores per-device failures; 1.4.0 reports each
		 * (every message of the chain) and fails at the end */
		if (callout_invoke(l.v[i], ACT_UNDEFINE, a->force, undefine_fn,
				   NULL, &ie) < 0 &&
		    compat_14()) {
			failed = true;
			log_warn("Undefine of %s on parent %s failed with "
				 "error: %s",
				 l.v[i]->uuid_str, l.v[i]->parent, ie.msg);
			for (k = 0; k < ie.ncauses; k++)
				log_warn("Undefine of %s on parent %s failed "
					 "with error: %s",
					 l.v[i]->uuid_str, l.v[i]->parent,
					 ie.causes[k]);
		}
		err_clear(&ie);
	}
	mdev_list_free(&l);
	return failed ? err_set(e, "Undefine failed") : 0;
}

/* 1.4.0 follows a bad index with the device's attributes. */
static int bad_index(const struct mdev *d, uint32_t index, struct ctl_err *e)
{
	struct sbuf b;

	if (!compat_14())
		return err_set(e, "Attribute index %u is invalid", index);
	sb_init(&b);
	sb_printf(&b, "Attribute index %u is invalid\n", index);
	if (d->nattrs)
		format_attrs(&b, d);
	else
		sb_printf(&b, "Device %s has no attributes", d->uuid_str);
	err_set(e, "%s", b.s);
	sb_free(&b);
	return -1;
}

static int apply_attr_edits(struct mdev *d, const struct ctl_args *a,
			    struct ctl_err *e)
{
	if (a->addattr) {
		if (!a->value)
			return err_set(e, "No attribute value provided");
		if (check_attr_name(a->addattr, e) < 0)
			return -1;
		if (a->has_index && a->index > d->nattrs)
			return bad_index(d, a->index, e);
		mdev_add_attr(d, a->addattr, a->value,
			      a->has_index ? a->index : d->nattrs);
	} else if (a->delattr) {
		if (a->has_index) {
			/* 1.2.0 panics when index == count */
			if (a->index >= d->nattrs)
				return bad_index(d, a->index, e);
			mdev_del_attr(d, a->index);
		} else if (d->nattrs) {
			mdev_del_attr(d, d->nattrs - 1);
		}
	}
	return 0;
}

static int live_fn(struct mdev *d, void *ctx, struct ctl_err *e);

int cmd_modify(const struct ctl_env *env, const struct ctl_args *a,
	       struct ctl_err *e)
{
	struct mdev *d = NULL;
	int r;

	lock_store(env);
	if (a->live) {
		struct mdev_list l = {0};
		struct json_t *j;
		struct mdev *jd;

		if (a->type)
			return err_set(e, "'type' cannot be changed on active "
					  "mdev");
		if (a->autostart)
			return err_set(e, "'auto' cannot be changed on active "
					  "mdev");
		if (a->manual)
			return err_set(e, "'manual' cannot be changed on "
					  "active mdev");
		sysfs_active_devices(env, &a->uuid, a->parent, &l, e);
		if (!l.n) {
			char us[37];

			uuid_fmt(&a->uuid, us);
			if (a->parent)
				return err_set(e,
					       "Mediated device %s/%s is not "
					       "active",
					       a->parent, us);
			return err_set(e, "Mediated device %s is not active",
				       us);
		}
		if (!a->jsonfile) {
			mdev_list_free(&l);
			return err_set(e, "'live' option must be used with "
					  "'jsonfile' option");
		}
		if (read_jsonfile(a->jsonfile, &j, e) < 0) {
			mdev_list_free(&l);
			return -1;
		}
		jd = mdev_new(env, &a->uuid);
		r = mdev_load_json(jd, l.v[0]->parent, j, e);
		json_decref(j);
		if (r == 0 && strcmp(jd->type, l.v[0]->type))
			r = err_set(e, "'type' cannot be changed on active "
				       "mdev");
		mdev_list_free(&l);
		if (r == 0 && a->defined) {
			struct mdev *def;

			r = store_get_defined(env, &a->uuid, jd->parent, &def,
					      e);
			if (r == 0 && strcmp(def->type, jd->type))
				r = err_set(e, "'type' of active and defined "
					       "mdev does not match");
			if (r == 0)
				mdev_free(def);
		}
		if (r == 0)
			r = check_attr_names(jd, e);
		if (r == 0)
			r = live_fn(jd, NULL, e);
		if (r == 0 && a->defined)
			r = callout_invoke(jd, ACT_MODIFY, a->force,
					   write_config, NULL, e);
		mdev_free(jd);
		return r;
	}
	if (a->jsonfile) {
		struct json_t *j;

		if (!a->parent)
			return err_set(e, "Parent device required to modify "
					  "device via json file");
		if (read_jsonfile(a->jsonfile, &j, e) < 0)
			return -1;
		d = mdev_new(env, &a->uuid);
		r = mdev_load_json(d, a->parent, j, e);
		json_decref(j);
		if (r < 0)
			goto out;
	} else {
		if (store_get_defined(env, &a->uuid, a->parent, &d, e) < 0)
			return -1;
		if (a->type)
			mdev_set_type(d, a->type);
		if (a->autostart)
			d->autostart = true;
		else if (a->manual)
			d->autostart = false;
	}
	r = apply_attr_edits(d, a, e);
	if (r == 0)
		r = check_attr_names(d, e);
	if (r == 0)
		r = callout_invoke(d, ACT_MODIFY, a->force, write_config, NULL,
				   e);
out:
	mdev_free(d);
	return r;
}

/* Live attribute update of a running device: only a callout script that
 * understands the "live" event can do it (as in mdevctl 1.3). */
static int live_fn(struct mdev *d, void *ctx, struct ctl_err *e)
{
	(void)ctx;
	return callout_live(d, e);
}
