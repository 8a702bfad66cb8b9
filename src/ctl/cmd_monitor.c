/* SPDX-License-Identifier: MIT */
/* `mdevctl monitor`: placeholder until the event watcher lands. */
#include "ctl.h"

int cmd_monitor(const struct ctl_env *env, int argc, char **argv,
		struct ctl_err *e)
{
	(void)env;
	(void)argc;
	(void)argv;
	return err_set(e, "monitor: not implemented");
}
