// SPDX-License-Identifier: MIT
/*
 * mdev_parse_remove_value(): kstrtoul(buf, 0) after one optional trailing
 * '\n'. The kernel hands the store a NUL-terminated copy, so kstrtoul sees
 * the bytes up to the first NUL only. Oracle: whatever the core accepts,
 * strtoul() must read the same value from that string, consuming all of
 * it; empty input, whitespace and signs other than a leading '+' must have
 * been refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long val = 0;
	int rc = mdev_parse_remove_value((const char *)data, size, &val);

	if (rc != 0) {
		if (rc != -EINVAL && rc != -ERANGE)
			abort();
		return 0;
	}
	size_t n = strnlen((const char *)data, size);
	if (n > 0 && data[n - 1] == '\n')
		n--;
	if (n == 0)
		abort(); /* nothing accepted as a number */
	/* kstrtoul takes no leading whitespace or '-' (strtoul would). */
	if (data[0] != '+' && (data[0] < '0' || data[0] > '9'))
		abort();
	char *copy = malloc(n + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, n);
	copy[n] = '\0';
	char *end;
	errno = 0;
	unsigned long want = strtoul(copy, &end, 0);
	if (errno != 0 || *end != '\0' || want != val)
		abort();
	free(copy);
	return 0;
}
