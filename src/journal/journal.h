/* SPDX-License-Identifier: MIT */
/*
 * The state journal: active devices and their attribute values, so that
 * after kill -9 and a restart every acknowledged create/remove/store is
 * there and nothing else.
 *
 * Crash model: a killed process loses nothing it has write()-n, so a
 * record is one write() to an O_APPEND file before the operation is
 * acknowledged (no fsync on this path; active mdevs do not survive a
 * reboot either). A record torn by a full disk is detected on replay and
 * ignored, and the operation that wrote it failed.
 */
#ifndef MDEV_JOURNAL_H
#define MDEV_JOURNAL_H

#include <stddef.h>
#include "libmdev.h"

struct mdev_journal;

/* Opens (creating) DIR/journal and takes an exclusive lock on DIR/lock;
 * -EBUSY with a clear err if another process holds it. reset = start
 * empty (a reboot). */
int mdev_journal_open(const char *dir, bool reset, struct mdev_journal **out,
		      char *err, size_t errlen);
/* Re-creates the recorded devices on the registered parents (records for
 * absent parents/types are dropped with a warning on stderr), then
 * compacts: the journal is rewritten to exactly the current state (temp
 * file, fsync, rename). Call before installing the hooks below. */
int mdev_journal_replay(struct mdev_journal *j, struct mdev_core *core);
/* Records; 0 or a negative errno (-ENOSPC, -EIO): the caller vetoes. */
int mdev_journal_record_create(struct mdev_journal *j,
			       const struct mdev_device *mdev);
int mdev_journal_record_remove(struct mdev_journal *j,
			       const struct mdev_device *mdev);
int mdev_journal_record_attr(struct mdev_journal *j,
			     const struct mdev_device *mdev, const char *attr,
			     const char *buf, size_t len);
void mdev_journal_close(struct mdev_journal *j);

#endif
