// SPDX-License-Identifier: MIT
/*
 * vfu-probe version SOCKET: what a vfio-user server answers a VERSION:
 * "version MAJOR.MINOR", "error ENAME" (an error reply) or "closed".
 * For the guest test (a second client while QEMU is attached).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vfu_client.h"

int main(int argc, char **argv)
{
	struct vfu_hdr h;
	uint8_t buf[512];

	if (argc != 3 || strcmp(argv[1], "version")) {
		fputs("usage: vfu-probe version SOCKET\n", stderr);
		return 2;
	}
	int fd = vfu_client_connect(argv[2]);
	if (fd < 0) {
		fprintf(stderr, "vfu-probe: %s: %s\n", argv[2], strerror(-fd));
		return 1;
	}
	int ret = vfu_client_version(fd, 1);
	if (!ret)
		ret = vfu_client_recv(fd, &h, buf, sizeof(buf), 10000);
	if (ret == -ECONNRESET || ret == -EPIPE) {
		puts("closed");
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "vfu-probe: %s\n", strerror(-ret));
		return 1;
	}
	if (h.flags & VFU_FLAGS_ERROR) {
		printf("error %s\n", strerrorname_np((int)h.error));
		return 0;
	}
	if (ret < 4) {
		puts("short reply");
		return 1;
	}
	printf("version %u.%u\n", buf[0] | buf[1] << 8, buf[2] | buf[3] << 8);
	return 0;
}
