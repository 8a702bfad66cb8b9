// SPDX-License-Identifier: MIT
/*
 * One client connection: bytes and fds in, framed into messages, replies
 * out. A peer cannot make the server block or grow without bound:
 *  - the receive buffer is one message long (VFU_MSG_MAX); a header that
 *    cannot be framed closes the connection, one past the limit gets an
 *    E2BIG-style error reply (EMSGSIZE) and then the close;
 *  - at most 2 × VFU_MAX_MSG_FDS fds wait for their message; more, or a
 *    truncated control message, closes the connection;
 *  - replies are sent without waiting: a client that stops reading and
 *    lets its socket fill is disconnected rather than waited for.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/common.h"
#include "vfu.h"

static int socket_send(struct vfu_conn *c, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {(void *)buf, len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = &ctl;
		mh.msg_controllen = sizeof(ctl);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	}
	ssize_t n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EAGAIN;
}

struct vfu_conn *vfu_conn_new(struct vfu_device *dev, int fd, bool refusing)
{
	struct vfu_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->in = malloc(VFU_MSG_MAX);
	c->out.cap = VFU_MSG_MAX;
	c->out.buf = malloc(c->out.cap);
	if (!c->in || !c->out.buf) {
		free(c->in);
		free(c->out.buf);
		free(c);
		return NULL;
	}
	c->dev = dev;
	c->fd = fd;
	c->refusing = refusing;
	c->send = socket_send;
	c->out_fd = -1;
	return c;
}

static void drop_fds(struct vfu_conn *c)
{
	for (size_t i = 0; i < c->nfds; i++)
		if (c->fds[i] >= 0)
			close(c->fds[i]);
	c->nfds = 0;
}

void vfu_conn_free(struct vfu_conn *c)
{
	if (!c)
		return;
	drop_fds(c);
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	free(c->out.buf);
	free(c);
}

/* Sends the reply to h: the payload in c->out, or an error. */
static int send_reply(struct vfu_conn *c, const struct vfu_hdr *h, int err)
{
	struct vfu_hdr *r = (struct vfu_hdr *)c->out.buf;

	if (h->flags & VFU_FLAGS_NO_REPLY)
		return 0;
	r->msg_id = h->msg_id;
	r->command = h->command;
	r->flags = VFU_FLAGS_REPLY;
	r->error = 0;
	if (err) {
		r->flags |= VFU_FLAGS_ERROR;
		r->error = (uint32_t)-err;
		c->out.len = sizeof(*r);
	}
	r->msg_size = (uint32_t)c->out.len;
	return c->send(c, c->out.buf, c->out.len, err ? -1 : c->out_fd);
}

/* Handles the message at the start of c->in (msg_size bytes). */
static int handle_one(struct vfu_conn *c, const struct vfu_hdr *h)
{
	struct vfu_msg m = {
	    .hdr = h,
	    .payload = c->in + sizeof(*h),
	    .len = h->msg_size - sizeof(*h),
	    .fds = c->fds,
	    .nfds = c->nfds,
	};

	c->out.len = sizeof(struct vfu_hdr);
	c->out_fd = -1;
	int err = vfu_dispatch(c, &m);
	/* What the handler did not keep is closed: fds never pile up. */
	drop_fds(c);
	int ret = send_reply(c, h, err);
	if (ret)
		return ret;
	return err == -EBUSY && c->refusing ? -EBUSY : 0;
}

int vfu_conn_feed(struct vfu_conn *c, const void *data, size_t len,
		  const int *fds, size_t nfds)
{
	int ret = 0;

	for (size_t i = 0; i < nfds; i++) {
		if (c->nfds == ARRAY_SIZE(c->fds)) {
			close(fds[i]);
			ret = -EMFILE;
		} else {
			c->fds[c->nfds++] = fds[i];
		}
	}
	if (ret)
		return ret;
	while (len) {
		size_t room = VFU_MSG_MAX - c->in_len;
		size_t take = len < room ? len : room;
		memcpy(c->in + c->in_len, data, take);
		c->in_len += take;
		data = (const uint8_t *)data + take;
		len -= take;
		while (c->in_len >= sizeof(struct vfu_hdr)) {
			struct vfu_hdr h;
			memcpy(&h, c->in, sizeof(h));
			ret = vfu_hdr_check(&h);
			if (ret == -EMSGSIZE) {
				c->out.len = sizeof(h);
				c->out_fd = -1;
				send_reply(c, &h, ret);
				return ret;
			}
			if (ret)
				return ret;
			if (c->in_len < h.msg_size)
				break;
			ret = handle_one(c, &h);
			if (ret)
				return ret;
			memmove(c->in, c->in + h.msg_size,
				c->in_len - h.msg_size);
			c->in_len -= h.msg_size;
		}
	}
	return 0;
}

void vfu_conn_close(struct vfu_conn *c, int why)
{
	struct vfu_device *dev = c->dev;

	vfu_loop_unwatch(dev->loop, c->w);
	if (c->refusing) {
		for (size_t i = 0; i < VFU_MAX_REFUSING; i++)
			if (dev->refusing[i] == c)
				dev->refusing[i] = NULL;
	} else {
		if (why && why != -ECONNRESET)
			fprintf(stderr,
				"mdevd: vfio-user %s: closing the "
				"client: %s\n",
				dev->uuid, strerror(-why));
		dev->client = NULL;
		vfu_device_release(dev);
	}
	vfu_conn_free(c);
}

bool vfu_conn_peer_gone(const struct vfu_conn *c)
{
	struct pollfd p = {.fd = c->fd, .events = POLLRDHUP};

	return poll(&p, 1, 0) == 1 &&
	       (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

void vfu_conn_readable(void *arg, uint32_t events)
{
	struct vfu_conn *c = arg;
	uint8_t buf[16384];
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int) * VFU_MAX_MSG_FDS)];
	} ctl;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = &ctl,
	    .msg_controllen = sizeof(ctl),
	};
	int fds[VFU_MAX_MSG_FDS];
	size_t nfds = 0;

	(void)events;
	ssize_t n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		vfu_conn_close(c, n < 0 ? -errno : 0);
		return;
	}
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm;
	     cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
			       sizeof(fd));
			if (nfds < ARRAY_SIZE(fds))
				fds[nfds++] = fd;
			else
				close(fd);
		}
	}
	int ret = vfu_conn_feed(c, buf, (size_t)n, fds, nfds);
	if (!ret && (mh.msg_flags & MSG_CTRUNC))
		ret = -EMFILE; /* fds were lost: the stream cannot be trusted */
	if (ret)
		vfu_conn_close(c, ret);
}
