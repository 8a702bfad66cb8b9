// SPDX-License-Identifier: MIT
/*
 * vfu-floor SOCKET: the smallest vfio-user server that QEMU 11 attaches,
 * the bench's floor for a trapped access. One client, blocking I/O, no
 * checks beyond framing: a PCI function 1234:0001 (no guest driver binds
 * it) with one 8-byte I/O BAR0 of scratch bytes. Written for the bench
 * only; mdevd's server is src/vfio-user.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto.h"

static uint8_t cfg[256], bar[8];

static void cfg_init(void)
{
	cfg[0] = 0x34, cfg[1] = 0x12, cfg[2] = 0x01; /* 1234:0001 */
	cfg[0x0b] = 0xff;			     /* class: other */
	cfg[0x10] = 1;				     /* BAR0: I/O */
	cfg[0x3d] = 1;				     /* INTA */
}

static size_t handle(struct vfu_hdr *h, uint8_t *p, size_t len, uint8_t *out)
{
	size_t n = 0;

	switch (h->command) {
	case VFU_CMD_VERSION: {
		static const char caps[] = "{\"capabilities\":{}}";
		memset(out, 0, 4);
		memcpy(out + 4, caps, sizeof(caps));
		return 4 + sizeof(caps);
	}
	case VFU_CMD_DEVICE_GET_INFO: {
		struct vfu_device_info d = {16, 3, 9, 5};
		memcpy(out, &d, sizeof(d));
		return sizeof(d);
	}
	case VFU_CMD_DEVICE_GET_REGION_INFO: {
		struct vfu_region_info r;
		memcpy(&r, p, sizeof(r));
		r.argsz = sizeof(r);
		r.size = r.index == 0 ? 8 : r.index == 7 ? 256 : 0;
		r.flags = r.size ? 3 : 0;
		memcpy(out, &r, sizeof(r));
		return sizeof(r);
	}
	case VFU_CMD_DEVICE_GET_IRQ_INFO: {
		struct vfu_irq_info i;
		memcpy(&i, p, sizeof(i));
		i.count = i.index == 0;
		i.flags = 1;
		memcpy(out, &i, sizeof(i));
		return sizeof(i);
	}
	case VFU_CMD_DMA_UNMAP:
		memcpy(out, p, len < 24 ? len : 24);
		return len < 24 ? len : 24;
	case VFU_CMD_REGION_READ:
	case VFU_CMD_REGION_WRITE: {
		struct vfu_region_access a;
		memcpy(&a, p, sizeof(a));
		uint8_t *mem = a.region == 7 ? cfg : bar;
		size_t size = a.region == 7 ? sizeof(cfg) : sizeof(bar);
		if (a.offset + a.count > size)
			a.count = 0;
		memcpy(out, &a, sizeof(a));
		n = sizeof(a);
		if (h->command == VFU_CMD_REGION_READ) {
			memcpy(out + n, mem + a.offset, a.count);
			n += a.count;
		} else if (a.region != 7) {
			memcpy(mem + a.offset, p + sizeof(a), a.count);
		}
		return n;
	}
	default: /* DMA_MAP, SET_IRQS, DEVICE_RESET: accepted */
		return 0;
	}
}

/* Reads exactly len bytes; fds that come along are closed. */
static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		char ctl[CMSG_SPACE(sizeof(int) * 16)];
		struct iovec iov = {(char *)buf + got, len - got};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = ctl,
				    .msg_controllen = sizeof(ctl)};
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (n <= 0)
			return -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c;
		     c = CMSG_NXTHDR(&mh, c))
			for (size_t i = 0;
			     i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
				close(((int *)CMSG_DATA(c))[i]);
		got += (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	static uint8_t in[VFU_MSG_MAX], out[VFU_MSG_MAX];

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fputs("usage: vfu-floor SOCKET\n", stderr);
		return 2;
	}
	cfg_init();
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l, 1) < 0) {
		perror("vfu-floor");
		return 1;
	}
	for (;;) {
		int c = accept(l, NULL, NULL);
		if (c < 0)
			continue;
		struct vfu_hdr h;
		while (read_full(c, &h, sizeof(h)) == 0 && h.msg_size >= 16 &&
		       h.msg_size <= sizeof(in) &&
		       read_full(c, in, h.msg_size - 16) == 0) {
			size_t n = handle(&h, in, h.msg_size - 16, out + 16);
			h.flags = VFU_FLAGS_REPLY;
			h.error = 0;
			h.msg_size = (uint32_t)(16 + n);
			memcpy(out, &h, 16);
			if (send(c, out, h.msg_size, MSG_NOSIGNAL) < 0)
				break;
		}
		close(c);
	}
}
