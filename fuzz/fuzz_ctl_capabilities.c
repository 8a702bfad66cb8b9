// SPDX-License-Identifier: MIT
/*
 * mdevctl 1.4 mode's reading of a versioned callout script's stdout (the
 * `-e get -a capabilities` answer, callout_parse_supports()).
 * Oracles: no crash; an accepted answer sets only the bits of known actions
 * (7) and events (5); the same bytes with trailing NULs are read the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned actions = 0, events = 0, a2 = 0, e2 = 0;
	char *padded;
	int r, r2;

	r = callout_parse_supports((const char *)data, size, &actions, &events);
	if (r == 0 && (actions >> 7 || events >> 5))
		abort();
	padded = malloc(size + 2);
	if (!padded)
		return 0;
	memcpy(padded, data, size);
	padded[size] = padded[size + 1] = '\0';
	r2 = callout_parse_supports(padded, size + 2, &a2, &e2);
	if (r2 != r || (r == 0 && (a2 != actions || e2 != events)))
		abort();
	free(padded);
	return 0;
}
