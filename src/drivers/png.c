// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/fsutil.h"
#include "png.h"

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int chunk(int fd, const char type[4], const uint8_t *data, size_t len)
{
	uint8_t head[8], tail[4];

	be32(head, (uint32_t)len);
	memcpy(head + 4, type, 4);
	uint32_t crc = crc_update(0xffffffffu, head + 4, 4);
	crc = crc_update(crc, data, len) ^ 0xffffffffu;
	be32(tail, crc);
	int ret = write_all(fd, head, sizeof(head));
	if (!ret && len)
		ret = write_all(fd, data, len);
	return ret ? ret : write_all(fd, tail, sizeof(tail));
}

int png_write_xrgb(int fd, const uint8_t *pixels, uint32_t width,
		   uint32_t height, size_t stride)
{
	static const uint8_t sig[8] = {0x89, 'P',  'N',	 'G',
				       '\r', '\n', 0x1a, '\n'};
	size_t row = 1 + 3 * (size_t)width, raw = row * height;
	size_t blocks = raw / 65535 + 1;
	uint8_t *z = malloc(2 + raw + 5 * blocks + 4);
	uint8_t *img = malloc(raw);
	uint8_t ihdr[13] = {0};
	int ret = -ENOMEM;

	if (!z || !img || !width || !height)
		goto out;
	if (!crc_table[1])
		crc_init();
	for (uint32_t y = 0; y < height; y++) {
		uint8_t *o = img + y * row;
		const uint8_t *p = pixels + y * stride;
		*o++ = 0; /* filter: none */
		for (uint32_t x = 0; x < width; x++, p += 4) {
			*o++ = p[2];
			*o++ = p[1];
			*o++ = p[0];
		}
	}
	/* zlib stream of stored blocks, Adler-32 at the end. */
	size_t n = 0, off = 0;
	uint32_t a = 1, b = 0;
	z[n++] = 0x78;
	z[n++] = 0x01;
	do {
		size_t len = raw - off > 65535 ? 65535 : raw - off;
		z[n++] = off + len == raw;
		z[n++] = (uint8_t)len;
		z[n++] = (uint8_t)(len >> 8);
		z[n++] = (uint8_t)~len;
		z[n++] = (uint8_t)(~len >> 8);
		memcpy(z + n, img + off, len);
		for (size_t i = 0; i < len; i++) {
			a = (a + img[off + i]) % 65521;
			b = (b + a) % 65521;
		}
		n += len;
		off += len;
	} while (off < raw);
	be32(z + n, b << 16 | a);
	n += 4;
	be32(ihdr, width);
	be32(ihdr + 4, height);
	ihdr[8] = 8; /* bit depth */
	ihdr[9] = 2; /* RGB */
	ret = write_all(fd, sig, sizeof(sig));
	if (!ret)
		ret = chunk(fd, "IHDR", ihdr, sizeof(ihdr));
	if (!ret)
		ret = chunk(fd, "IDAT", z, n);
	if (!ret)
		ret = chunk(fd, "IEND", NULL, 0);
out:
	free(z);
	free(img);
	return ret;
}
