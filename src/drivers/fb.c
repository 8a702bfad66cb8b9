// SPDX-License-Identifier: MIT
/* A display model's framebuffer and screen socket (fb.h). */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fb.h"

static void screen_accept(void *arg, uint32_t events)
{
	struct model_fb *fb = arg;
	int fd = accept4(fb->screen_fd, NULL, NULL, SOCK_CLOEXEC);
	/* A blocking send with a deadline: the loop waits at most 2 s for
	 * a reader that stalls (the directory is root's). */
	struct timeval tv = {2, 0};

	(void)events;
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	fb->screenshot(fb->owner, fd);
	close(fd);
}

int model_fb_open(struct model_fb *fb, const struct mdev_model_host *host,
		  const char *name, uint64_t size)
{
	fb->host = host;
	fb->size = size;
	fb->mem = NULL;
	fb->screen_fd = -1;
	fb->screen_w = NULL;
	fb->fd = memfd_create(name, MFD_CLOEXEC);
	if (fb->fd < 0 || ftruncate(fb->fd, (off_t)size) < 0)
		return -errno;
	fb->mem =
	    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fb->fd, 0);
	if (fb->mem == MAP_FAILED) {
		fb->mem = NULL;
		return -errno;
	}
	fb->screen_fd = host->listen(host->ctx, "screen");
	if (fb->screen_fd < 0)
		return fb->screen_fd;
	fb->screen_w =
	    host->watch(host->ctx, fb->screen_fd, EPOLLIN, screen_accept, fb);
	return fb->screen_w ? 0 : -ENOMEM;
}

void model_fb_close(struct model_fb *fb)
{
	const struct mdev_model_host *h = fb->host;

	if (fb->screen_w)
		h->unwatch(h->ctx, fb->screen_w);
	if (fb->screen_fd >= 0) {
		close(fb->screen_fd);
		h->unlisten(h->ctx, "screen");
	}
	if (fb->mem)
		munmap(fb->mem, fb->size);
	if (fb->fd >= 0)
		close(fb->fd);
	fb->fd = fb->screen_fd = -1;
	fb->mem = NULL;
	fb->screen_w = NULL;
}

void model_fb_region(const struct model_fb *fb, struct mdev_model_region *out)
{
	out->size = fb->size;
	out->flags = MDEV_MODEL_REGION_READ | MDEV_MODEL_REGION_WRITE |
		     MDEV_MODEL_REGION_MMAP;
	out->fd = fb->fd;
	out->fd_offset = 0;
}

void model_fb_access(struct model_fb *fb, uint64_t off, void *buf,
		     uint32_t count, bool write)
{
	if (write)
		memcpy(fb->mem + off, buf, count);
	else
		memcpy(buf, fb->mem + off, count);
}
