// SPDX-License-Identifier: MIT
#include "common/names.h"

#include <limits.h>
#include <string.h>

static bool is_dot_or_dotdot(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') ||
	       (n == 2 && s[0] == '.' && s[1] == '.');
}

/* The first n bytes of s as one sysfs name. */
static bool sysfs_part(const char *s, size_t n, size_t max_len)
{
	if (n == 0 || n > max_len || is_dot_or_dotdot(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '/')
			return false;
	}
	return true;
}

bool name_is_sysfs(const char *s, size_t max_len)
{
	size_t n = s ? strnlen(s, max_len + 1) : 0;

	return n <= max_len && sysfs_part(s, n, max_len);
}

bool name_is_sysfs_path(const char *s, size_t max_len, size_t name_max)
{
	size_t n = s ? strnlen(s, max_len + 1) : 0;
	const char *end;

	if (n == 0 || n > max_len)
		return false;
	end = s + n;
	for (const char *p = s;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *stop = slash ? slash : end;

		if (!sysfs_part(p, (size_t)(stop - p), name_max))
			return false;
		if (!slash)
			return true;
		p = slash + 1; /* a trailing '/' leaves an empty, bad part */
	}
}

bool name_is_sysfs_attr(const char *s, size_t name_max, size_t *first_len)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	size_t n = slash ? (size_t)(slash - s) : 0;

	if (!s)
		return false;
	if (slash ? !sysfs_part(s, n, name_max) ||
			!name_is_sysfs(slash + 1, name_max)
		  : !name_is_sysfs(s, name_max))
		return false;
	*first_len = slash ? n : strlen(s);
	return true;
}

bool name_is_path_component(const char *s)
{
	size_t n = s ? strnlen(s, NAME_MAX + 1) : 0;

	return n > 0 && n <= NAME_MAX && !is_dot_or_dotdot(s, n) &&
	       !memchr(s, '/', n);
}
