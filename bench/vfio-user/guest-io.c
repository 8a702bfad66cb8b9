// SPDX-License-Identifier: MIT
/*
 * guest-io PORT N: runs inside a guest (static, in the kit's initramfs):
 * N outb then N inb on I/O port PORT, each a trapped access that QEMU
 * forwards to the vfio-user server; prints the mean cost of each in µs:
 *	guest-io outb_us=118.2 inb_us=125.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <time.h>

#include "../bench_util.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fputs("usage: guest-io PORT N\n", stderr);
		return 2;
	}
	unsigned long port = strtoul(argv[1], NULL, 0);
	long n = strtol(argv[2], NULL, 0);
	if (port > 0xffff || n <= 0 || iopl(3) < 0) {
		perror("guest-io: iopl");
		return 1;
	}
	volatile unsigned char sink = 0;
	double t0 = now_us();
	for (long i = 0; i < n; i++)
		outb((unsigned char)i, (unsigned short)port);
	double t1 = now_us();
	for (long i = 0; i < n; i++)
		sink ^= inb((unsigned short)port);
	double t2 = now_us();
	printf("guest-io outb_us=%.1f inb_us=%.1f\n", (t1 - t0) / n,
	       (t2 - t1) / n);
	return sink == 0x5a ? 0 : 0;
}
