/* SPDX-License-Identifier: MIT */
/* The recorder's readings of sysfs text (record_parse.h). */
#include "record_parse.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

size_t record_value_trim(char *buf, size_t n)
{
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

bool record_parse_decimal(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long n = 0;

	if (!s || !*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		unsigned long digit = (unsigned long)(*s - '0');

		if (*s < '0' || *s > '9' || digit > max ||
		    n > (max - digit) / 10)
			return false;
		n = n * 10 + digit;
	}
	*out = n;
	return true;
}

bool record_parse_group(const char *target, unsigned *out)
{
	const char *slash = target ? strrchr(target, '/') : NULL;
	unsigned long n;

	if (!record_parse_decimal(slash ? slash + 1 : target, RECORD_GROUP_MAX,
				  &n))
		return false;
	*out = (unsigned)n;
	return true;
}

const char *record_attr_mode(unsigned perm)
{
	switch (perm) {
	case 0444:
		return "ro";
	case 0644:
		return "rw";
	case 0200:
		return "wo";
	default:
		return NULL;
	}
}

enum record_capacity record_capacity(unsigned long available,
				     unsigned long devices, unsigned long *max)
{
	if (available >= RECORD_AVAILABLE_UNLIMITED ||
	    devices >= RECORD_AVAILABLE_UNLIMITED - available)
		return RECORD_CAP_UNLIMITED;
	if (available + devices == 0)
		return RECORD_CAP_EXHAUSTED;
	*max = available + devices;
	return RECORD_CAP_MAX;
}
