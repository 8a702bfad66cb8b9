// SPDX-License-Identifier: MIT
/*
 * vfu-probe, a raw vfio-user client for the shell tests:
 *
 *   vfu-probe version SOCKET   what a server answers a VERSION: "version
 *                              MAJOR.MINOR", "error ENAME" or "closed"
 *   vfu-probe hold SOCKET [--no-req]
 *                              attaches (VERSION), registers an eventfd for
 *                              REQ (unless --no-req), prints "attached",
 *                              then "req N" for each device request the
 *                              server signals (N counts them); holds the
 *                              device until it is killed (its socket then
 *                              closes, as a killed QEMU's) or the server
 *                              closes it ("closed")
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vfu_client.h"

static int probe_version(const char *path)
{
	struct vfu_hdr h;
	uint8_t buf[512];
	int fd = vfu_client_connect(path);

	if (fd < 0) {
		fprintf(stderr, "vfu-probe: %s: %s\n", path, strerror(-fd));
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

/* One request and its reply: 0, -errno of an error reply, or -errno. */
static int call(int fd, uint16_t id, uint16_t cmd, const void *req, size_t len,
		const int *fds, size_t nfds)
{
	struct vfu_hdr h;
	uint8_t buf[512];
	int ret = vfu_client_send(fd, id, cmd, 0, req, len, fds, nfds);

	if (!ret)
		ret = vfu_client_recv(fd, &h, buf, sizeof(buf), 10000);
	if (ret < 0)
		return ret;
	return h.flags & VFU_FLAGS_ERROR ? -(int)h.error : 0;
}

static int hold(const char *path, bool want_req)
{
	int fd = vfu_client_connect(path);
	int req = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint8_t v[7] = {0, 0, 0, 0, '{', '}', 0};
	struct vfu_irq_set s = {
	    sizeof(s), VFU_IRQ_DATA_EVENTFD | VFU_IRQ_ACTION_TRIGGER, 4, 0, 1};
	unsigned n = 0;

	if (fd < 0 || req < 0) {
		fprintf(stderr, "vfu-probe: %s: %s\n", path,
			strerror(fd < 0 ? -fd : errno));
		return 1;
	}
	int ret = call(fd, 1, VFU_CMD_VERSION, v, sizeof(v), NULL, 0);
	if (!ret && want_req)
		ret = call(fd, 2, VFU_CMD_DEVICE_SET_IRQS, &s, sizeof(s), &req,
			   1);
	if (ret) {
		printf("error %s\n", strerrorname_np(-ret));
		return 1;
	}
	puts("attached");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = {{req, POLLIN, 0}, {fd, POLLRDHUP, 0}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		if (p[0].revents & POLLIN) {
			uint64_t k;
			if (read(req, &k, sizeof(k)) == sizeof(k))
				for (uint64_t i = 0; i < k; i++)
					printf("req %u\n", ++n);
			fflush(stdout);
		}
		if (p[1].revents) {
			puts("closed");
			return 0;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "version"))
		return probe_version(argv[2]);
	if ((argc == 3 || (argc == 4 && !strcmp(argv[3], "--no-req"))) &&
	    !strcmp(argv[1], "hold"))
		return hold(argv[2], argc == 3);
	fputs("usage: vfu-probe version SOCKET\n"
	      "       vfu-probe hold SOCKET [--no-req]\n",
	      stderr);
	return 2;
}
