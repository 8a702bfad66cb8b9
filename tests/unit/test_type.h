/* SPDX-License-Identifier: MIT */
/* One lookup the unit and the hardware tests share (cmocka). */
#ifndef MDEV_TEST_TYPE_H
#define MDEV_TEST_TYPE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "libmdev.h"

/* Type id of parent; the test fails when either is not registered. */
static inline struct mdev_type *test_type(struct mdev_core *core,
					  const char *parent, const char *id)
{
	struct mdev_parent *p = mdev_parent_find(core, parent);
	struct mdev_type *t;

	assert_non_null(p);
	t = mdev_parent_type_find(p, id);
	assert_non_null(t);
	return t;
}

#endif
