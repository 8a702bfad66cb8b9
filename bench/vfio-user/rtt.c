// SPDX-License-Identifier: MIT
/*
 * vfu-rtt N BLOCK SOCKET_A SOCKET_B: the server's share of a trapped
 * access without QEMU or a guest: a host client sends N REGION_WRITE then
 * N REGION_READ of one byte at BAR0 offset 7 (a 16550's scratch register;
 * the floor's BAR0 is scratch bytes) to each server, waiting for each
 * reply as QEMU does, the two servers taking turns in blocks of BLOCK.
 * Prints the median µs per round trip of each side and the median of the
 * blocks' ratios A/B with their middle half (bench/vfio-user/run.sh).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../bench_util.h"
#include "proto.h"

static void die(const char *what)
{
	fprintf(stderr, "vfu-rtt: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void read_full(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = recv(fd, (char *)buf + got, len - got, 0);
		if (n <= 0)
			die("recv");
		got += (size_t)n;
	}
}

/* One request, its reply read whole; exits on an error reply. */
static void call(int fd, uint16_t cmd, const void *payload, size_t len)
{
	static uint16_t id;
	uint8_t msg[64], rep[256];
	struct vfu_hdr h = {++id, cmd, (uint32_t)(sizeof(h) + len), 0, 0};

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, len);
	if (send(fd, msg, sizeof(h) + len, MSG_NOSIGNAL) < 0)
		die("send");
	read_full(fd, &h, sizeof(h));
	if (h.msg_size < sizeof(h) || h.msg_size - sizeof(h) > sizeof(rep))
		die("reply size");
	read_full(fd, rep, h.msg_size - sizeof(h));
	if (h.flags & VFU_FLAGS_ERROR) {
		errno = (int)h.error;
		die("error reply");
	}
}

static int open_device(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(path);
	static const uint8_t version[] = {0, 0, 0, 0, '{', '}', 0};
	call(fd, VFU_CMD_VERSION, version, sizeof(version));
	return fd;
}

/* us per round trip over n writes, then n reads. */
static double accesses(int fd, long n)
{
	struct vfu_region_access a = {7, 0, 1};
	uint8_t w[sizeof(a) + 1];
	double t0 = now_us();

	memcpy(w, &a, sizeof(a));
	w[sizeof(a)] = 0x5a;
	for (long i = 0; i < n; i++)
		call(fd, VFU_CMD_REGION_WRITE, w, sizeof(w));
	for (long i = 0; i < n; i++)
		call(fd, VFU_CMD_REGION_READ, &a, sizeof(a));
	return (now_us() - t0) / (2.0 * (double)n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double *sorted(double *v, long k)
{
	qsort(v, (size_t)k, sizeof(*v), cmp_double);
	return v;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fputs("usage: vfu-rtt N BLOCK SOCKET_A SOCKET_B\n", stderr);
		return 2;
	}
	long n = atol(argv[1]), block = atol(argv[2]);
	if (n <= 0 || block <= 0 || block > n) {
		fputs("vfu-rtt: N and BLOCK must be > 0, BLOCK <= N\n", stderr);
		return 2;
	}
	int fa = open_device(argv[3]), fb = open_device(argv[4]);
	long k = n / block;
	double *a = calloc((size_t)k, sizeof(*a));
	double *b = calloc((size_t)k, sizeof(*b));
	double *r = calloc((size_t)k, sizeof(*r));
	if (!a || !b || !r)
		die("calloc");
	accesses(fa, block); /* warm both up */
	accesses(fb, block);
	for (long i = 0; i < k; i++) {
		if (i % 2) {
			b[i] = accesses(fb, block);
			a[i] = accesses(fa, block);
		} else {
			a[i] = accesses(fa, block);
			b[i] = accesses(fb, block);
		}
		r[i] = a[i] / b[i];
	}
	sorted(a, k);
	sorted(b, k);
	sorted(r, k);
	printf("round trip, host client: A %.2f us, B %.2f us (medians of %ld "
	       "blocks of %ld); A/B %.2fx (middle half %.2f-%.2f)\n",
	       a[k / 2], b[k / 2], k, block, r[k / 2], r[k / 4],
	       r[k - 1 - k / 4]);
	close(fa);
	close(fb);
	return 0;
}
