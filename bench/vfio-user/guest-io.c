// SPDX-License-Identifier: MIT
/*
 * guest-io N BLOCK PORT...: runs inside a guest (static, in the kit's
 * initramfs): N outb then N inb on each I/O port, each a trapped access
 * that QEMU forwards to the vfio-user server behind the port. The ports
 * take turns in blocks of BLOCK accesses (the first port of each block
 * rotates), so that load from elsewhere on the host lands on all of them
 * alike and blocks next to each other can be compared. Prints one line per
 * block and port (as given), the mean cost of an access in µs:
 *	io block=3 port=49159 outb_us=12.2 inb_us=11.9
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <time.h>

#include "../bench_util.h"

#define MAX_PORTS 64

int main(int argc, char **argv)
{
	unsigned short ports[MAX_PORTS];
	int nports = argc - 3;

	if (argc < 4 || nports > MAX_PORTS) {
		fputs("usage: guest-io N BLOCK PORT...\n", stderr);
		return 2;
	}
	long n = strtol(argv[1], NULL, 0);
	long block = strtol(argv[2], NULL, 0);
	for (int i = 0; i < nports; i++) {
		unsigned long p = strtoul(argv[3 + i], NULL, 0);
		if (p == 0 || p > 0xffff) {
			fprintf(stderr, "guest-io: bad port %s\n", argv[3 + i]);
			return 2;
		}
		ports[i] = (unsigned short)p;
	}
	if (n <= 0 || block <= 0 || block > n || iopl(3) < 0) {
		perror("guest-io: iopl");
		return 1;
	}
	volatile unsigned char sink = 0;
	for (long b = 0; b < n / block; b++) {
		for (int k = 0; k < nports; k++) {
			int j = (int)((b + k) % nports);
			unsigned short port = ports[j];
			double t0 = now_us();
			for (long i = 0; i < block; i++)
				outb((unsigned char)i, port);
			double t1 = now_us();
			for (long i = 0; i < block; i++)
				sink ^= inb(port);
			double t2 = now_us();
			printf(
			    "io block=%ld port=%s outb_us=%.2f inb_us=%.2f\n",
			    b, argv[3 + j], (t1 - t0) / block,
			    (t2 - t1) / block);
		}
	}
	return sink == 0x5a ? 0 : 0;
}
