/* SPDX-License-Identifier: MIT */
#ifndef MDEV_SANDBOX_WHY_H
#define MDEV_SANDBOX_WHY_H

#include <stddef.h>

/* The sandbox's set-up helpers report a failure as a negative errno and
 * one line in a caller's buffer: "WHAT: strerror(err)", WHAT being FMT
 * with ARG. Returns -err. */
int why_fail(char *why, size_t len, int err, const char *fmt, const char *arg);

#endif
