/* SPDX-License-Identifier: MIT */
/*
 * A fuzzer's scratch directory: in /dev/shm (memory, so millions of runs
 * do not wear a disk) or else /tmp, made once and removed when the fuzzer
 * exits.
 */
#ifndef MDEV_FUZZ_SCRATCH_DIR_H
#define MDEV_FUZZ_SCRATCH_DIR_H

#include <stdio.h>
#include <stdlib.h>

#include "common/common.h"
#include "common/fsutil.h"

static char fuzz_scratch[64];

static void fuzz_scratch_remove(void)
{
	remove_tree(fuzz_scratch);
}

/* The directory, "mdev-fuzz-<tag>.XXXXXX"; aborts when none can be made
 * (nothing could be fuzzed). */
static inline char *fuzz_scratch_dir(const char *tag)
{
	static const char *const bases[] = {"/dev/shm", "/tmp"};

	if (fuzz_scratch[0])
		return fuzz_scratch;
	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		snprintf(fuzz_scratch, sizeof(fuzz_scratch),
			 "%s/mdev-fuzz-%s.XXXXXX", bases[i], tag);
		if (mkdtemp(fuzz_scratch)) {
			atexit(fuzz_scratch_remove);
			return fuzz_scratch;
		}
	}
	abort();
}

#endif
