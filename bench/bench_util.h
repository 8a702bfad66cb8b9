/* SPDX-License-Identifier: MIT */
/*
 * What every benchmark program here needs: a monotonic clock in
 * microseconds and one write() to a sysfs file that must succeed.
 * Header-only, so the guest programs built with a bare `cc -static` can
 * use it too.
 */
#ifndef MDEVKIT_BENCH_UTIL_H
#define MDEVKIT_BENCH_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static inline double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Exits with "PROG: PATH: reason": a benchmark that lost a write measures
 * nothing. */
static inline void write_file(const char *prog, const char *path,
			      const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		exit(1);
	}
	close(fd);
}

#endif
