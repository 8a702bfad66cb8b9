/* SPDX-License-Identifier: MIT */
/* A PNG writer for screenshots: 8-bit RGB, deflate's stored blocks (no
 * compression: no zlib needed, a screenshot is written rarely). */
#ifndef MDEV_PNG_H
#define MDEV_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Writes a width × height image to fd; row y's pixels are 32-bit
 * little-endian XRGB at pixels + y * stride. 0 or -errno. */
int png_write_xrgb(int fd, const uint8_t *pixels, uint32_t width,
		   uint32_t height, size_t stride);

#endif
