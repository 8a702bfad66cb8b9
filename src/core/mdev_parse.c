// SPDX-License-Identifier: MIT
/*
 * Parsers for what writers put in the create, remove and mdev_destroy files,
 * with the kernel's exact acceptance rules, and the name rules used by
 * registration.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/names.h"
#include "core_priv.h"

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* The kernel's rule: 36 bytes (plus at most one unchecked byte), dashes at
 * 8, 13, 18 and 23, hex digits elsewhere. uuid_parse() alone is not
 * trusted to be this strict, so the shape is checked here first. */
int mdev_parse_create_uuid(const char *buf, size_t len, uuid_t out)
{
	char copy[37];

	if (!buf || (len != 36 && len != 37))
		return -EINVAL;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? buf[i] != '-' : !is_hex(buf[i]))
			return -EINVAL;
	}
	memcpy(copy, buf, 36);
	copy[36] = '\0';
	if (uuid_parse(copy, out) != 0)
		return -EINVAL;
	return 0;
}

/* Value of c as a digit in any base up to 16, or 16 if it is none. */
static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 16;
}

/*
 * kstrtoul(s, 0, &val) as lib/kstrtox.c does it: optional '+', radix from
 * the prefix (0x → 16 when a hex digit follows, 0 → 8, else 10), at least one
 * digit, overflow → -ERANGE, one optional '\n', then the end. The kernel
 * sees the write as a NUL-terminated string, so an embedded NUL ends it.
 */
int mdev_parse_remove_value(const char *buf, size_t len, unsigned long *val)
{
	const char *s = buf, *end;
	unsigned long res = 0;
	unsigned base;
	size_t digits = 0;
	bool overflow = false;

	if (!buf)
		return -EINVAL;
	end = memchr(buf, '\0', len);
	if (!end)
		end = buf + len;
	if (s < end && *s == '+')
		s++;
	if (s < end && *s == '0') {
		if (end - s >= 3 && (s[1] == 'x' || s[1] == 'X') &&
		    is_hex(s[2])) {
			base = 16;
			s += 2;
		} else {
			base = 8;
		}
	} else {
		base = 10;
	}
	for (; s < end; s++, digits++) {
		unsigned d = digit_value(*s);

		if (d >= base)
			break;
		if (__builtin_mul_overflow(res, base, &res) ||
		    __builtin_add_overflow(res, d, &res))
			overflow = true;
	}
	if (digits == 0)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	if (s < end && *s == '\n')
		s++;
	if (s != end)
		return -EINVAL;
	*val = res;
	return 0;
}

/* A directory or file name in the tree: a sysfs name (common/names.h) of
 * at most MDEV_NAME_MAX bytes. */
bool mdev_valid_name(const char *s)
{
	return name_is_sysfs(s, MDEV_NAME_MAX);
}

const char *mdev_printable(const char *s, char *out, size_t outlen)
{
	size_t i = 0;

	if (outlen == 0)
		return "";
	if (!s)
		s = "(null)";
	for (; i < 64 && i + 4 < outlen && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < ' ' || c >= 0x7f) ? '?' : (char)c;
	}
	if (s[i] && i + 4 <= outlen) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}
