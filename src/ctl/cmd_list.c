/* SPDX-License-Identifier: MIT */
/* `mdevctl list` (and lsmdev) and `mdevctl types`. */
#include "ctl.h"

#include <stdlib.h>

/* 1.2.0 println!s the formatted text (a blank line after text, a newline
 * after JSON); 1.4.0 prints it as it is. */
static void print_formatted(const char *out)
{
	fputs(out, stdout);
	if (!compat_14())
		putchar('\n');
}

int cmd_list(const struct ctl_env *env, const struct ctl_args *a,
	     struct ctl_err *e)
{
	const ctl_uuid *u = a->has_uuid ? &a->uuid : NULL;
	struct mdev_list l = {0};
	char *out;
	int r;

	if (a->defined)
		r = store_defined_devices(env, u, a->parent, &l, e);
	else
		r = sysfs_active_devices(env, u, a->parent, &l, e);
	if (r < 0) {
		mdev_list_free(&l);
		return -1;
	}
	out =
	    format_list(&l, a->defined, a->dumpjson, a->verbose, u != NULL, e);
	mdev_list_free(&l);
	if (!out)
		return -1;
	print_formatted(out);
	free(out);
	return 0;
}

int cmd_types(const struct ctl_env *env, const struct ctl_args *a,
	      struct ctl_err *e)
{
	struct type_list l = {0};
	char *out;

	if (sysfs_types(env, a->parent, &l, e) < 0) {
		type_list_free(&l);
		return -1;
	}
	out = format_types(&l, a->dumpjson);
	type_list_free(&l);
	print_formatted(out);
	free(out);
	return 0;
}
