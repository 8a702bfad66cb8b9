// SPDX-License-Identifier: MIT
/*
 * fb-speed RESOURCE MB: runs inside a guest (static): writes MB megabytes
 * into the mapped PCI BAR file RESOURCE (/sys/bus/pci/devices/X/resource0,
 * the mbochs framebuffer) and the same into ordinary memory, 4 KiB at a
 * time over a buffer the BAR's size; prints both speeds and their ratio:
 *	fb-speed bar_mbs=… ram_mbs=… ratio=…
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double fill_mbs(unsigned char *p, size_t size, size_t total)
{
	double t0 = now_s();
	for (size_t done = 0, off = 0; done < total; done += 4096) {
		memset(p + off, (int)(done >> 12), 4096);
		off = (off + 4096) % size;
	}
	return total / 1048576.0 / (now_s() - t0);
}

int main(int argc, char **argv)
{
	struct stat st;

	if (argc != 3) {
		fputs("usage: fb-speed RESOURCE MB\n", stderr);
		return 2;
	}
	size_t total = strtoul(argv[2], NULL, 0) << 20;
	int fd = open(argv[1], O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	size_t size = (size_t)st.st_size;
	unsigned char *bar =
	    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *ram = malloc(size);
	if (bar == MAP_FAILED || !ram) {
		perror("fb-speed: mmap");
		return 1;
	}
	memset(ram, 0, size);
	double b = fill_mbs(bar, size, total), r = fill_mbs(ram, size, total);
	printf("fb-speed bar_mbs=%.1f ram_mbs=%.1f ratio=%.2f\n", b, r, b / r);
	return 0;
}
