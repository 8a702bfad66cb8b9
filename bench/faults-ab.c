// SPDX-License-Identifier: MIT
/*
 * faults-ab: the create+remove cycle of two mdevd trees in the same run,
 * alternating in blocks, so that load on the machine falls on both alike
 * (bench/run-faults.sh runs mdevd before and after the fault layer).
 *
 *   faults-ab TYPEDIR_A PARENTDIR_A TYPEDIR_B PARENTDIR_B CYCLES
 *
 * A cycle is open+write+close of TYPEDIR/create, then of
 * PARENTDIR/<uuid>/remove, as bench/mdevd-bench does. Prints each tree's
 * median block time per cycle and the median of the per-block ratios
 * B / A.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#define BLOCK 50

/* One block of cycles; returns us per cycle. */
static double block(const char *typedir, const char *parentdir,
		    unsigned long long *serial)
{
	char create[PATH_MAX], remove[PATH_MAX], uuid[40];
	double t0 = now_us();

	snprintf(create, sizeof(create), "%s/create", typedir);
	for (int i = 0; i < BLOCK; i++) {
		unsigned long long n = (*serial)++;
		snprintf(uuid, sizeof(uuid), "%08llx-0000-4000-8000-%012llx",
			 n >> 32, n & 0xffffffffffffULL);
		write_file("faults-ab", create, uuid, 36);
		snprintf(remove, sizeof(remove), "%s/%s/remove", parentdir,
			 uuid);
		write_file("faults-ab", remove, "1", 1);
	}
	return (now_us() - t0) / BLOCK;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fputs("usage: faults-ab TYPEDIR_A PARENTDIR_A TYPEDIR_B "
		      "PARENTDIR_B CYCLES\n",
		      stderr);
		return 2;
	}
	size_t blocks = strtoul(argv[5], NULL, 10) / BLOCK;
	if (blocks < 2)
		blocks = 2;
	double *a = calloc(blocks, sizeof(*a)), *b = calloc(blocks, sizeof(*b));
	double *r = calloc(blocks, sizeof(*r));
	unsigned long long serial = 1;
	if (!a || !b || !r)
		return 1;
	/* Warm both up (dentries, journal files) before measuring. */
	block(argv[1], argv[2], &serial);
	block(argv[3], argv[4], &serial);
	for (size_t i = 0; i < blocks; i++) {
		/* Which goes first alternates: neither always follows the
		 * other's cache effects. */
		if (i % 2) {
			b[i] = block(argv[3], argv[4], &serial);
			a[i] = block(argv[1], argv[2], &serial);
		} else {
			a[i] = block(argv[1], argv[2], &serial);
			b[i] = block(argv[3], argv[4], &serial);
		}
		r[i] = b[i] / a[i];
	}
	printf("A: %.1f us/cycle  B: %.1f us/cycle  (medians of %zu blocks "
	       "of %d)\n",
	       median(a, blocks), median(b, blocks), blocks, BLOCK);
	printf("ratio B/A (median of per-block ratios): %.3f\n",
	       median(r, blocks));
	free(a);
	free(b);
	free(r);
	return 0;
}
