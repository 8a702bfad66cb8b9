/* SPDX-License-Identifier: MIT */
/*
 * mdevctl: checks of hostile input (parent and attribute names, UTF-8) and
 * the file operations that must stay inside a directory (attribute writes
 * below the device directory, definition writes in a store parent
 * directory). See docs/mdevctl.md, "Hostile input".
 */
#ifndef MDEVCTL_VALIDATE_H
#define MDEVCTL_VALIDATE_H

#include "ctl.h"

/* A parent name is one path component: non-empty, no '/', not "." or
 * "..", not "scripts.d", no control bytes. */
bool valid_parent_name(const char *name);
/* Sets "Invalid parent name '<name>'" and returns -1 when it is not. */
int check_parent_name(const char *name, struct ctl_err *e);

/* An attribute name is a relative path below the device directory: not
 * empty, not absolute, no "." or ".." component, no empty component
 * ("//", trailing '/'), no control bytes. */
bool valid_attr_path(const char *name);
/* Sets "Invalid attribute name '<name>'" and returns -1 when it is not. */
int check_attr_name(const char *name, struct ctl_err *e);
/* The same for every attribute of d: before a definition is written or a
 * device started (a hand-written store file is listed as 1.2.0 lists it,
 * but never started). */
int check_attr_names(const struct mdev *d, struct ctl_err *e);
/* At start, the type builds a sysfs path: one path component (no '/',
 * not "." or "..", not empty, no control bytes); NULL passes. */
int check_type_name(const char *type, struct ctl_err *e);

/* Strict UTF-8 (as Rust's str::from_utf8: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
bool utf8_valid(const char *s, size_t len);
/* The message Rust's read_to_string gives for such a stream. */
#define INVALID_UTF8_MSG "stream did not contain valid UTF-8"

/* Writes value to the attribute file name below devdir without following
 * a symlink in any component of name (devdir itself is resolved, it is a
 * symlink in sysfs). Returns 0, or -errno; *found is false when the
 * attribute does not exist (or a component of name is not a directory). */
int attr_write_beneath(const char *devdir, const char *name, const char *value,
		       bool *found);

/* Opens the store directory dir for writing definitions; a symlink is
 * refused (-ELOOP), it would redirect the write outside the store. */
int store_dir_open(const char *dir);
/* Removes .mdevctl.* temporary files (and staged directories) in dirfd:
 * with the store lock held they are leftovers of a killed writer. */
void store_sweep_temp(int dirfd);
/* A new parent directory dirname in storefd that holds name (data) from
 * the moment it appears: made and filled in stagefd (beside the store, on
 * its mount) and renamed in, so that a watcher adding a watch for the new
 * directory (libvirt) sees one event, not the directory and then the file
 * (which made libvirt re-read the store twice). Returns 0, or -errno with
 * nothing changed in storefd: -EXDEV when stagefd is elsewhere or -1,
 * -EEXIST when dirname appeared meanwhile. */
int store_mkdir_staged(int stagefd, int storefd, const char *dirname,
		       const char *name, const char *data, size_t len);
/* Atomically replaces name in dirfd with data: an unnamed (O_TMPFILE)
 * file, fsync, rename into place, fsync of the directory. The file is made
 * in stagefd (a directory beside the store, not watched by the store's
 * watchers: one file event instead of five) when it is on dirfd's mount,
 * else in dirfd itself (or a named temporary file there without
 * O_TMPFILE). stagefd may be -1. A symlink at name is replaced, not
 * followed. Returns 0 or -errno. */
int atomic_write_at(int stagefd, int dirfd, const char *name, const char *data,
		    size_t len);

#endif
