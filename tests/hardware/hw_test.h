/* SPDX-License-Identifier: MIT */
/* Helpers for the hardware tests: a core loaded from a hardware text. */
#ifndef MDEV_HW_TEST_H
#define MDEV_HW_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hardware.h"
#include "libmdev.h"
#include "../unit/test_type.h"

/* Parses text (NULL = the demo), registers every parent in a new core and
 * frees the parsed file at once, so that the tests also prove the core
 * keeps nothing that points into it. */
struct mdev_core *hw_core(const char *text);
/* A distinct, valid UUID per n ("0000000n-0000-4000-8000-000000000000"). */
const char *hw_uuid(unsigned n);
/* Creates through the type's create file; returns its errno result. */
int hw_create(struct mdev_type *type, unsigned n);
struct mdev_device *hw_device(struct mdev_core *core, unsigned n);
/* Attribute file contents (asserts success). */
const char *hw_show(struct mdev_device *mdev, const char *attr);
int hw_store(struct mdev_device *mdev, const char *attr, const char *value);

#endif
