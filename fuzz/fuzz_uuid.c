// SPDX-License-Identifier: MIT
/*
 * mdev_parse_create_uuid() against the kernel's create rule, with libuuid
 * as the oracle: accepted iff the write is 36 or 37 bytes and its first 36
 * bytes are a dashed UUID in either case; the parsed value must be the one
 * libuuid reads from the same 36 bytes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev.h"

/* The kernel's shape check, written out independently of the core. */
static bool kernel_uuid_shape(const uint8_t *b)
{
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (b[i] != '-')
				return false;
		} else if (!isxdigit(b[i])) {
			return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uuid_t got, want;
	bool expect_ok = (size == 36 || size == 37) && kernel_uuid_shape(data);
	int rc = mdev_parse_create_uuid((const char *)data, size, got);

	if (expect_ok != (rc == 0))
		abort();
	if (rc != 0) {
		if (rc != -EINVAL)
			abort();
		return 0;
	}
	char text[37];
	memcpy(text, data, 36);
	text[36] = '\0';
	if (uuid_parse(text, want) != 0 || uuid_compare(got, want) != 0)
		abort();
	return 0;
}
