// SPDX-License-Identifier: MIT
/*
 * Test helper: sends one uevent through the mdevkit API.
 *   uevent-send ACTION DEVPATH SUBSYSTEM [KEY=VALUE...]
 * Exit 0 on success, 1 with the error on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "uevent.h"

int main(int argc, char **argv)
{
	struct mdev_uevent *ue;
	char err[256];
	int ret;

	if (argc < 4) {
		fprintf(stderr, "usage: uevent-send ACTION DEVPATH SUBSYSTEM "
				"[KEY=VALUE...]\n");
		return 2;
	}
	ret = mdev_uevent_open(&ue, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ret = mdev_uevent_send(ue, argv[1], argv[2], argv[3],
			       (const char *const *)argv + 4);
	mdev_uevent_close(ue);
	if (ret < 0) {
		fprintf(stderr, "uevent-send: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
