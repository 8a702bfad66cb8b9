/* SPDX-License-Identifier: MIT */
/* `mdevctl start`, `stop` and `start-parent-mdevs`. */
#include "ctl.h"
#include "validate.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* libvirt handles an "add" in 10-30 ms; a listener that never reads must
 * not make every start slow */
#define UEVENT_DRAIN_MS 500

static int start_fn(struct mdev *d, void *ctx, struct ctl_err *e)
{
	(void)ctx;
	return sysfs_start(d, e);
}

static int start_batch_fn(struct mdev *d, void *ctx, struct ctl_err *e)
{
	(void)ctx;
	return sysfs_start_batch(d, e);
}

static int stop_fn(struct mdev *d, void *ctx, struct ctl_err *e)
{
	(void)ctx;
	return sysfs_stop(d, e);
}

/* 1.2.0's start_command_helper: which device the arguments describe. */
static int start_target(const struct ctl_env *env, const struct ctl_args *a,
			struct mdev **out, struct ctl_err *e)
{
	struct mdev *d = NULL;
	ctl_uuid u;

	if (a->has_uuid)
		u = a->uuid;
	else
		uuid_gen(&u);
	if (a->jsonfile) {
		struct json_t *j;
		int r;

		if (read_jsonfile(a->jsonfile, &j, e) < 0)
			return -1;
		if (a->type) {
			json_decref(j);
			return err_set(e, "Device type cannot be specified "
					  "separately from json file");
		}
		if (!a->parent) {
			json_decref(j);
			return err_set(e, "Parent device required to start "
					  "device via json file");
		}
		d = mdev_new(env, &u);
		r = mdev_load_json(d, a->parent, j, e);
		json_decref(j);
		if (r < 0) {
			mdev_free(d);
			return -1;
		}
		*out = d;
		return 0;
	}
	if (a->has_uuid) {
		struct mdev_list l = {0};

		if (store_defined_devices(env, &u, a->parent, &l, e) < 0)
			return -1;
		if (l.n > 1) {
			char us[37];

			uuid_fmt(&u, us);
			mdev_list_free(&l);
			return err_set(e,
				       "Multiple definitions found for device "
				       "%s. Please specify a parent.",
				       us);
		}
		if (l.n == 1) {
			struct mdev *x = l.v[0];

			if (a->type && strcmp(a->type, x->type)) {
				err_set(e,
					"Device %s already exists on parent %s "
					"with type %s",
					x->uuid_str, x->parent, x->type);
				mdev_list_free(&l);
				return -1;
			}
			d = x;
			l.n = 0;
		}
		mdev_list_free(&l);
	}
	if (!d) {
		d = mdev_new(env, &u);
		if (a->parent)
			mdev_set_parent(d, a->parent);
		if (a->type)
			mdev_set_type(d, a->type);
	}
	if (d->type && !d->parent) {
		mdev_free(d);
		return err_set(e, "can't provide type without parent");
	}
	if (!d->type || !d->parent) {
		mdev_free(d);
		return err_set(e, "Device is insufficiently specified");
	}
	*out = d;
	return 0;
}

int cmd_start(const struct ctl_env *env, const struct ctl_args *a,
	      struct ctl_err *e)
{
	struct mdev *d = NULL;
	int r;

	if (start_target(env, a, &d, e) < 0)
		return -1;
	/* store files may be hand-written: refuse before creating */
	if (check_type_name(d->type, e) < 0 || check_attr_names(d, e) < 0) {
		mdev_free(d);
		return -1;
	}
	r = callout_invoke(d, ACT_START, a->force, start_fn, NULL, e);
	/* libvirt looks the device up once when we exit (uevent_wait.c) */
	if (r == 0)
		uevent_listeners_wait(UEVENT_DRAIN_MS);
	if (r == 0 && !a->has_uuid)
		printf("%s\n", d->uuid_str);
	mdev_free(d);
	return r;
}

int cmd_stop(const struct ctl_env *env, const struct ctl_args *a,
	     struct ctl_err *e)
{
	struct mdev *d = mdev_new(env, &a->uuid);
	int r = sysfs_load(d, e);

	/* 1.4.0 refuses before any callout; 1.2.0 fails writing remove */
	if (r == 0 && compat_14() && !d->active)
		r = err_set(e, "Device %s is not an active mdev", d->uuid_str);
	if (r == 0)
		r = callout_invoke(d, ACT_STOP, a->force, stop_fn, NULL, e);
	mdev_free(d);
	return r;
}

int cmd_start_parent(const struct ctl_env *env, const char *parent,
		     struct ctl_err *e)
{
	struct mdev_list l = {0};
	size_t i;

	if (store_defined_devices(env, NULL, parent, &l, e) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct ctl_err se = {0};
		int k;

		if (!l.v[i]->autostart)
			continue;
		/* without callouts, creation is batched (same checks) */
		if (check_type_name(l.v[i]->type, &se) < 0 ||
		    check_attr_names(l.v[i], &se) < 0 ||
		    callout_invoke(l.v[i], ACT_START, false,
				   callout_none_installed(env) ? start_batch_fn
							       : start_fn,
				   NULL, &se) < 0) {
			/* 1.2.0 logs each error of the chain as a warning */
			log_warn("%s", se.msg);
			for (k = 0; k < se.ncauses; k++)
				log_warn("%s", se.causes[k]);
		}
		err_clear(&se);
	}
	mdev_list_free(&l);
	return 0;
}
