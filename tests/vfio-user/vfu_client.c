// SPDX-License-Identifier: MIT
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfu_client.h"

int vfu_client_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int vfu_client_send(int fd, uint16_t id, uint16_t cmd, uint32_t flags,
		    const void *payload, size_t len, const int *fds,
		    size_t nfds)
{
	struct vfu_hdr h = {
	    .msg_id = id,
	    .command = cmd,
	    .msg_size = (uint32_t)(sizeof(h) + len),
	    .flags = flags,
	};
	struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)payload, len}};
	char ctl[CMSG_SPACE(sizeof(int) * 64)];
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};

	if (nfds > 64)
		return -EINVAL;
	if (nfds) {
		memset(ctl, 0, sizeof(ctl));
		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(h) + len ? 0 : -EIO;
}

static int read_full(int fd, void *buf, size_t len, int timeout_ms)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, timeout_ms);
		if (r == 0)
			return -ETIMEDOUT;
		if (r < 0)
			return -errno;
		ssize_t n = recv(fd, (char *)buf + got, len - got, 0);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0)
			return errno == ECONNRESET ? -ECONNRESET : -errno;
		got += (size_t)n;
	}
	return 0;
}

/* The header's bytes with recvmsg, keeping the fd that rides on them. */
static int read_header(int fd, struct vfu_hdr *h, int timeout_ms, int *fd_out)
{
	union {
		struct cmsghdr c;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {h, sizeof(*h)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = &ctl,
			    .msg_controllen = sizeof(ctl)};
	struct pollfd p = {.fd = fd, .events = POLLIN};

	*fd_out = -1;
	int r = poll(&p, 1, timeout_ms);
	if (r == 0)
		return -ETIMEDOUT;
	if (r < 0)
		return -errno;
	ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == ECONNRESET ? -ECONNRESET : -errno;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd_out, CMSG_DATA(cm), sizeof(int));
	return (size_t)n == sizeof(*h) ? 0 : -EPROTO;
}

int vfu_client_recv(int fd, struct vfu_hdr *h, void *buf, size_t cap,
		    int timeout_ms)
{
	int extra;
	int ret = vfu_client_recv_fd(fd, h, buf, cap, timeout_ms, &extra);

	if (extra >= 0)
		close(extra);
	return ret;
}

int vfu_client_recv_fd(int fd, struct vfu_hdr *h, void *buf, size_t cap,
		       int timeout_ms, int *fd_out)
{
	int ret = read_header(fd, h, timeout_ms, fd_out);

	if (ret)
		return ret;
	if (h->msg_size < sizeof(*h))
		return -EPROTO;
	size_t len = h->msg_size - sizeof(*h);
	char *tmp = malloc(len ? len : 1);
	if (!tmp)
		return -ENOMEM;
	ret = read_full(fd, tmp, len, timeout_ms);
	if (!ret)
		memcpy(buf, tmp, len < cap ? len : cap);
	free(tmp);
	return ret ? ret : (int)len;
}

int vfu_client_version(int fd, uint16_t id)
{
	static const char json[] = "{\"capabilities\":{\"max_msg_fds\":16}}";
	uint8_t msg[4 + sizeof(json)] = {0};

	memcpy(msg + 4, json, sizeof(json));
	return vfu_client_send(fd, id, VFU_CMD_VERSION, 0, msg, sizeof(msg),
			       NULL, 0);
}
