/* SPDX-License-Identifier: MIT */
/*
 * mdevctl: a drop-in replacement for mdevctl 1.2.0 (also reachable as
 * lsmdev through a symlink), plus `mdevctl monitor`.
 */
#include "ctl.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

static bool invoked_as_lsmdev(const char *argv0)
{
	size_t n = strlen(argv0);

	return n >= 6 && !strcmp(argv0 + n - 6, "lsmdev");
}

static int dispatch(const struct ctl_env *env, const struct ctl_args *a,
		    struct ctl_err *e)
{
	/* a parent name builds store and sysfs paths (list and types only
	 * filter by it): one path component, never "..", "a/b" or
	 * scripts.d */
	if (a->parent && a->cmd != CMD_LIST && a->cmd != CMD_TYPES &&
	    check_parent_name(a->parent, e) < 0)
		return -1;
	if (a->cmd == CMD_START_PARENT && a->pos_parent &&
	    check_parent_name(a->pos_parent, e) < 0)
		return -1;
	switch (a->cmd) {
	case CMD_LIST:
		return cmd_list(env, a, e);
	case CMD_TYPES:
		return cmd_types(env, a, e);
	case CMD_DEFINE:
		return cmd_define(env, a, e);
	case CMD_UNDEFINE:
		return cmd_undefine(env, a, e);
	case CMD_MODIFY:
		return cmd_modify(env, a, e);
	case CMD_START:
		return cmd_start(env, a, e);
	case CMD_STOP:
		return cmd_stop(env, a, e);
	case CMD_START_PARENT:
		return cmd_start_parent(env, a->pos_parent, e);
	default:
		return err_set(e, "Unknown error");
	}
}

int main(int argc, char **argv)
{
	struct ctl_env env = {0};
	struct ctl_err e = {0};
	struct ctl_args a;
	int code = 0;

	/* both check their directories before they even parse arguments */
	if (compat_init(&e) < 0 || env_init(&env, &e) < 0) {
		err_print(&e);
		err_clear(&e);
		env_free(&env);
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "monitor") &&
	    !invoked_as_lsmdev(argv[0])) {
		code = cmd_monitor(&env, argc - 1, argv + 1, &e) < 0 ? 1 : 0;
	} else if (cli_parse(argc, argv, invoked_as_lsmdev(argv[0]), &a,
			     &code) == 0) {
		code = dispatch(&env, &a, &e) < 0 ? 1 : 0;
	}
	if (e.msg)
		err_print(&e);
	err_clear(&e);
	env_free(&env);
	fflush(stdout);
	return code;
}
