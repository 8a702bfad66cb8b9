/* SPDX-License-Identifier: MIT */
/*
 * Which mdevctl this one is: 1.2.0 (Debian 12) or 1.4.0 (Debian 13). One
 * binary serves both, because the clients that drive mdevctl (libvirt,
 * Nova, scripts comparing output) are built against one of the two and a
 * host may carry either. The build picks the default (meson option
 * mdevctl_compat); MDEVCTL_COMPAT=1.2|1.4 overrides it per invocation, the
 * way a test or a wrapper selects it.
 */
#include "ctl.h"

#include <stdlib.h>
#include <string.h>

#ifndef CTL_COMPAT_DEFAULT
#define CTL_COMPAT_DEFAULT "1.2"
#endif

enum ctl_compat ctl_compat = CTL_COMPAT_1_2;

static int compat_parse(const char *s, enum ctl_compat *out)
{
	if (!strcmp(s, "1.2") || !strcmp(s, "1.2.0"))
		*out = CTL_COMPAT_1_2;
	else if (!strcmp(s, "1.4") || !strcmp(s, "1.4.0"))
		*out = CTL_COMPAT_1_4;
	else
		return -1;
	return 0;
}

int compat_init(struct ctl_err *e)
{
	const char *s = getenv("MDEVCTL_COMPAT");

	if (compat_parse(CTL_COMPAT_DEFAULT, &ctl_compat) < 0)
		return err_set(e, "built with an unknown mdevctl_compat '%s'",
			       CTL_COMPAT_DEFAULT);
	if (s && *s && compat_parse(s, &ctl_compat) < 0)
		return err_set(e,
			       "MDEVCTL_COMPAT: unknown version '%s' (1.2 or "
			       "1.4)",
			       s);
	return 0;
}

bool compat_14(void)
{
	return ctl_compat == CTL_COMPAT_1_4;
}

const char *ctl_version(void)
{
	return compat_14() ? "1.4.0" : "1.2.0";
}

const struct help_text *ctl_help_table(void)
{
	return compat_14() ? ctl_help_texts_1_4 : ctl_help_texts;
}
