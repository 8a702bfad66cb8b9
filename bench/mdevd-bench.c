// SPDX-License-Identifier: MIT
/*
 * mdevd-bench: measures a running mdevd against nullfs in the same run
 * (bench/run-mdevd.sh sets both up; docs/mdevd.md has the numbers).
 *
 *   mdevd-bench SYS TYPEDIR NULLFILE MDEVD_PID [CYCLES [DEVICES]]
 *
 * 1. CYCLES create+remove cycles through the tree (open+write+close of
 *    `create`, then of the device's `remove`) against 2*CYCLES
 *    open+write+close of nullfs's file, alternating in blocks of 50
 *    cycles; prints us/op and the median block ratio (goal <= 1.5).
 * 2. DEVICES creates through the tree, then mdevd's VmRSS, how many got a
 *    vfio-user socket (each holds an fd: the rest are past mdevd's fd
 *    limit), the time to read the whole sys/bus/mdev/devices directory,
 *    and the cycle cost at DEVICES devices against the cost at 0 (must not
 *    grow).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

static void uuid_of(unsigned long long n, char out[37])
{
	snprintf(out, 37, "%08llx-0000-4000-8000-%012llx",
		 (n >> 32) & 0xffffffffULL, n & 0xffffffffffffULL);
}

struct paths {
	const char *sys;
	char create[PATH_MAX];
	char parent[PATH_MAX]; /* the parent device's directory */
	const char *null;
};

enum remove_path {
	VIA_PARENT_DIR,	 /* <parent dir>/<uuid>/remove */
	VIA_BUS,	 /* bus/mdev/devices/<uuid>/remove, as mdevctl */
	VIA_MDEV_DESTROY /* <parent dir>/mdev_destroy (the seed's file) */
};

/* us per create+remove cycle. */
static double cycles(const struct paths *p, unsigned long long base, int n,
		     enum remove_path via)
{
	char uuid[37], path[PATH_MAX + 64];
	double t0 = now_us();
	for (int i = 0; i < n; i++) {
		uuid_of(base + (unsigned long long)i, uuid);
		write_file("mdevd-bench", p->create, uuid, 36);
		switch (via) {
		case VIA_PARENT_DIR:
			snprintf(path, sizeof(path), "%s/%s/remove", p->parent,
				 uuid);
			write_file("mdevd-bench", path, "1", 1);
			break;
		case VIA_BUS:
			snprintf(path, sizeof(path),
				 "%s/bus/mdev/devices/%s/remove", p->sys, uuid);
			write_file("mdevd-bench", path, "1", 1);
			break;
		case VIA_MDEV_DESTROY:
			snprintf(path, sizeof(path), "%s/mdev_destroy",
				 p->parent);
			write_file("mdevd-bench", path, uuid, 36);
			break;
		}
	}
	return (now_us() - t0) / n;
}

static double null_ops(const struct paths *p, int n)
{
	double t0 = now_us();
	for (int i = 0; i < n; i++)
		write_file("mdevd-bench", p->null, "1", 1);
	return (now_us() - t0) / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* The two sides alternate in blocks of BLOCK cycles (a few ms each), so
 * that load from elsewhere on the machine lands on both alike; reported:
 * median cycle us, median nullfs us per op, median of the blocks' ratios
 * (cycle / two nullfs ops). */
#define BLOCK 50

static void compare(const struct paths *p, unsigned long long *base, int n,
		    enum remove_path via, double *cyc, double *nul,
		    double *ratio)
{
	int blocks = n / BLOCK > 0 ? n / BLOCK : 1;
	double *c = calloc((size_t)blocks, sizeof(*c));
	double *z = calloc((size_t)blocks, sizeof(*z));
	double *r = calloc((size_t)blocks, sizeof(*r));
	if (!c || !z || !r) {
		perror("mdevd-bench");
		exit(1);
	}
	for (int i = 0; i < blocks; i++) {
		z[i] = null_ops(p, 2 * BLOCK);
		c[i] = cycles(p, *base, BLOCK, via);
		*base += BLOCK;
		r[i] = c[i] / (2 * z[i]);
	}
	*cyc = median(c, blocks);
	*nul = median(z, blocks);
	*ratio = median(r, blocks);
	free(c);
	free(z);
	free(r);
}

static long rss_kb(const char *pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Entries of dir whose name ends in suffix; -1 if it cannot be read. */
static long count_suffix(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t sl = strlen(suffix);
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Seconds to read the whole directory; count in *n. */
static double list_dir(const char *dir, long *n)
{
	double t0 = now_us();
	DIR *d = opendir(dir);
	struct dirent *e;
	*n = 0;
	if (!d) {
		perror(dir);
		exit(1);
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			(*n)++;
	closedir(d);
	return (now_us() - t0) / 1e6;
}

int main(int argc, char **argv)
{
	struct paths p;
	unsigned long long base = 1;
	double cyc0, nul0, r0, cycb, nulb, rb, cycd, nuld, rd, cycn, nuln, rn;
	char real[PATH_MAX], up[PATH_MAX + 8];

	if (argc < 5 || argc > 7) {
		fputs("usage: mdevd-bench SYS TYPEDIR NULLFILE MDEVD_PID "
		      "[CYCLES [DEVICES]]\n",
		      stderr);
		return 2;
	}
	p.sys = argv[1];
	p.null = argv[3];
	const char *pid = argv[4];
	int n = argc > 5 ? atoi(argv[5]) : 2000;
	long devices = argc > 6 ? atol(argv[6]) : 100000;
	snprintf(p.create, sizeof(p.create), "%s/create", argv[2]);
	snprintf(up, sizeof(up), "%s/../..", argv[2]);
	if (!realpath(up, real)) {
		perror(up);
		return 1;
	}
	snprintf(p.parent, sizeof(p.parent), "%s", real);

	/* Warm up both file systems' caches. */
	cycles(&p, base, 100, VIA_PARENT_DIR);
	base += 100;
	null_ops(&p, 200);

	printf("== create+remove cycle vs 2 x open+write+close on nullfs "
	       "(%d cycles in blocks of %d, alternating; medians)\n",
	       n, BLOCK);
	compare(&p, &base, n, VIA_PARENT_DIR, &cyc0, &nul0, &r0);
	printf("remove via <parent>/<uuid>/remove:  cycle %7.1f us, nullfs op "
	       "%6.1f us, ratio %.2f (goal <= 1.5)\n",
	       cyc0, nul0, r0);
	compare(&p, &base, n, VIA_BUS, &cycb, &nulb, &rb);
	printf("remove via bus/mdev/devices/<uuid>: cycle %7.1f us, nullfs op "
	       "%6.1f us, ratio %.2f\n",
	       cycb, nulb, rb);
	compare(&p, &base, n, VIA_MDEV_DESTROY, &cycd, &nuld, &rd);
	printf("remove via <parent>/mdev_destroy:   cycle %7.1f us, nullfs op "
	       "%6.1f us, ratio %.2f\n",
	       cycd, nuld, rd);
	printf("mdevd VmRSS with 0 devices: %ld kB\n", rss_kb(pid));

	printf("== %ld active devices\n", devices);
	char uuid[37];
	double t0 = now_us();
	for (long i = 0; i < devices; i++) {
		uuid_of(0x100000000ULL + (unsigned long long)i, uuid);
		write_file("mdevd-bench", p.create, uuid, 36);
	}
	printf(
	    "created %ld devices through the tree in %.1f s (%.1f us each)\n",
	    devices, (now_us() - t0) / 1e6, (now_us() - t0) / devices);
	long rss = rss_kb(pid);
	printf("mdevd VmRSS: %ld kB = %.1f MB (goal <= 200 MB)\n", rss,
	       rss / 1024.0);
	char dir[PATH_MAX + 32];
	snprintf(dir, sizeof(dir), "%s/../run/mdevd/vfio-user", p.sys);
	printf("vfio-user sockets: %ld of %ld devices\n",
	       count_suffix(dir, ".sock"), devices);
	snprintf(dir, sizeof(dir), "%s/bus/mdev/devices", p.sys);
	for (int i = 0; i < 3; i++) {
		long count;
		double s = list_dir(dir, &count);
		printf("list sys/bus/mdev/devices: %ld entries in %.3f s "
		       "(goal <= 1 s)\n",
		       count, s);
		if (count != devices) {
			fprintf(stderr, "mdevd-bench: expected %ld entries\n",
				devices);
			return 1;
		}
	}
	compare(&p, &base, n, VIA_PARENT_DIR, &cycn, &nuln, &rn);
	/* Growth is judged on the nullfs-normalized ratio: the machine's
	 * load may differ between the two measurements. */
	printf("cycle at %ld devices: %.1f us (nullfs %.1f us, ratio %.2f); "
	       "vs at 0: %.2fx normalized, %.2fx raw (goal: no growth)\n",
	       devices, cycn, nuln, rn, rn / r0, cycn / cyc0);
	printf("mdevd VmRSS after: %ld kB\n", rss_kb(pid));
	return 0;
}
