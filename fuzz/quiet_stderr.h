/* SPDX-License-Identifier: MIT */
/*
 * The code under test reports bad input on stderr, millions of times a
 * run: the fuzzers send stderr to /dev/null around each input unless
 * MDEV_FUZZ_VERBOSE is set, and restore it to report a finding.
 */
#ifndef MDEV_FUZZ_QUIET_STDERR_H
#define MDEV_FUZZ_QUIET_STDERR_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Returns the saved stderr for restore_stderr(), or -1 when verbose. */
static inline int quiet_stderr(void)
{
	int saved, null;

	if (getenv("MDEV_FUZZ_VERBOSE"))
		return -1;
	fflush(stderr);
	saved = dup(2);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	close(null);
	return saved;
}

/* Puts stderr back; saved is consumed (set to -1). */
static inline void restore_stderr(int *saved)
{
	if (*saved < 0)
		return;
	fflush(stderr);
	dup2(*saved, 2);
	close(*saved);
	*saved = -1;
}

#endif
