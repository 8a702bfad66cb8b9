/* SPDX-License-Identifier: MIT */
/*
 * Name rules, one function a rule; the name says which rule.
 *
 * A sysfs name is what the kernel's mdev drivers use for parents, types,
 * groups and attributes: visible ASCII only (no space, so a name is one
 * word in the journal and in a uevent), no '/', not "." or "..".
 * A path component is the file system's rule: any bytes but '/' and NUL,
 * at most NAME_MAX, not "." or "..".
 * (mdevctl's own rules for definition directories and attribute paths are
 * wider, as upstream's are, and live in src/ctl/validate.c.)
 */
#ifndef MDEV_COMMON_NAMES_H
#define MDEV_COMMON_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* A sysfs name of 1..max_len bytes. */
bool name_is_sysfs(const char *s, size_t max_len);
/* Sysfs names joined by single '/': no leading, trailing or doubled '/';
 * at most max_len bytes, each name at most name_max. */
bool name_is_sysfs_path(const char *s, size_t max_len, size_t name_max);
/* "file" or "group/file", each a sysfs name of at most name_max bytes;
 * *first_len is the length of the first part (the entry in the device
 * directory). */
bool name_is_sysfs_attr(const char *s, size_t name_max, size_t *first_len);
/* One component of a file system path. */
bool name_is_path_component(const char *s);

#endif
