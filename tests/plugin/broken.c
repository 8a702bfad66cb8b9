/* SPDX-License-Identifier: MIT */
/*
 * Plugins mdevd must refuse, one per build of this file (tests/plugin/
 * meson.build): BROKEN_ABI claims the next ABI version, BROKEN_NAME
 * defines a driver the file is not named after, BROKEN_ENTRY has no entry
 * point. Each is otherwise a valid driver, so only the property under test
 * can be why it is refused.
 */
#include <stddef.h>

#include "mdev_driver.h"

static const struct mdev_type_desc broken_types[] = {
    {.id = "broken-1", .device_api = "vfio-pci"},
};

static const struct mdev_hw_driver broken_driver = {
#ifdef BROKEN_NAME
    .name = "someone_else",
#else
    .name = PLUGIN_NAME,
#endif
    .default_name = "broken0",
    .bus = "virtual",
    .types = broken_types,
    .n_types = 1,
};

#if defined(BROKEN_ABI)
/* Built for the next ABI: what the entry point of a newer libmdev looks
 * like to this one (abi_version keeps its place). */
__attribute__((visibility("default")))
const struct mdev_driver_plugin mdev_driver_plugin = {
    MDEV_DRIVER_ABI_VERSION + 1, sizeof(struct mdev_hw_driver), &broken_driver};
#elif defined(BROKEN_ENTRY)
/* Keeps the driver referenced; no entry point. */
__attribute__((visibility("default")))
const struct mdev_hw_driver *broken_unused = &broken_driver;
#else
MDEV_DRIVER_PLUGIN(broken_driver);
#endif
