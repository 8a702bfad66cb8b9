/* SPDX-License-Identifier: MIT */
/*
 * A display model's framebuffer (mbochs, mdpy): video memory in a memfd
 * that the client maps (the guest's pixels never pass through a message),
 * and the host end <uuid>.screen, where a connection receives a PNG of
 * what the guest shows and is closed. All on the server's loop thread.
 */
#ifndef MDEV_MODEL_FB_H
#define MDEV_MODEL_FB_H

#include <stdint.h>

#include "model.h"

struct model_fb {
	const struct mdev_model_host *host;
	int fd; /* the memfd, -1 when closed */
	uint8_t *mem;
	uint64_t size;
	int screen_fd;
	struct mdev_model_watch *screen_w;
	/* Writes the PNG of what the guest shows to fd; a negative errno
	 * (nothing written) when it shows nothing. */
	int (*screenshot)(void *owner, int fd);
	void *owner;
};

/* size bytes of video memory (the memfd named name) and the screen
 * socket; fb->screenshot and fb->owner set by the caller first. 0 or a
 * negative errno; model_fb_close undoes what was done either way. */
int model_fb_open(struct model_fb *fb, const struct mdev_model_host *host,
		  const char *name, uint64_t size);
void model_fb_close(struct model_fb *fb);
/* Region info for the BAR that is the framebuffer: mmap-able. */
void model_fb_region(const struct model_fb *fb, struct mdev_model_region *out);
/* An access of a client that did not map it; off + count within size
 * (the server checked). */
void model_fb_access(struct model_fb *fb, uint64_t off, void *buf,
		     uint32_t count, bool write);

#endif
