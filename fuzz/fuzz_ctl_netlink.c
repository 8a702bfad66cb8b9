// SPDX-License-Identifier: MIT
/*
 * mdevctl start's reading of a /proc/net/netlink line (src/ctl/
 * uevent_wait.c, netlink_line_busy()).
 * Oracles: no crash; the answer is -1, 0 or 1; a line that is not a
 * uevent socket (protocol other than 15) is never busy.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	int proto, r;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	r = netlink_line_busy(line);
	if (r < -1 || r > 1)
		abort();
	if (r == 1 && (sscanf(line, "%*s %d", &proto) != 1 || proto != 15))
		abort();
	free(line);
	return 0;
}
