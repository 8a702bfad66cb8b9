// SPDX-License-Identifier: MIT
/* why_fail(): the one-line reason of a failed set-up step (why.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "why.h"

int why_fail(char *why, size_t len, int err, const char *fmt, const char *arg)
{
	char what[PATH_MAX + 64];

	snprintf(what, sizeof(what), fmt, arg);
	snprintf(why, len, "%s: %s", what, strerror(err));
	return -err;
}
