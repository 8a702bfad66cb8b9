// SPDX-License-Identifier: MIT
/*
 * mdevctl start's readers of /proc (src/ctl/uevent_wait.c): one line of
 * /proc/net/netlink (netlink_line_parse()) and one thread's
 * /proc/PID/task/TID/stat (proc_stat_busy()) and wchan (wchan_in_fuse()),
 * all fed the same input.
 * Oracles: no crash; a socket whose protocol is not 15 is never a
 * listener; proc_stat_busy answers -1, 0 or 1, and 1 only when the
 * character after the last ") " is R or D; wchan_in_fuse only for the
 * name of FUSE's wait for a reply.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct netlink_sock s;
	const char *close;
	int proto, r;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if (netlink_line_parse(line, &s) == 0 && s.listener &&
	    (sscanf(line, "%*s %d", &proto) != 1 || proto != 15))
		abort();
	r = proc_stat_busy(line);
	close = strrchr(line, ')');
	if (r < -1 || r > 1 ||
	    (r == 1 && (!close || (close[2] != 'R' && close[2] != 'D'))))
		abort();
	if (wchan_in_fuse(line) &&
	    strncmp(line, "request_wait_answer", 19) != 0)
		abort();
	free(line);
	return 0;
}
