/* SPDX-License-Identifier: MIT */
/*
 * Small macros every layer uses. The helpers with a body live beside this
 * header, one file a concern: hash.h, htable.h, fsutil.h, names.h.
 */
#ifndef MDEV_COMMON_H
#define MDEV_COMMON_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#endif
