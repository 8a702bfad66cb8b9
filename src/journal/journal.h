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

#include <stdbool.h>
#include <stddef.h>
#include "libmdev.h"

struct mdev_journal;

/* Opens (creating) DIR/journal and takes an exclusive lock on DIR/lock;
 * -EBUSY with a clear err if another process holds it. reset = start
 * empty (a reboot). */
int mdev_journal_open(const char *dir, bool reset, struct mdev_journal **out,
		      char *err, size_t errlen);
/* Replays the journal into core and attaches it as a consumer (struct
 * mdev_consumer_ops), in one step under the core lock: the recorded devices
 * are re-created on the registered parents (records for absent
 * parents/types are dropped with a warning on stderr), the journal is
 * compacted to exactly the current state (temp file, fsync, rename), and
 * from then on every create, remove and attribute store is recorded before
 * it is acknowledged; a record that cannot be written vetoes it (-ENOSPC,
 * -EIO...), and a record whose operation another consumer vetoed is taken
 * back. Register the parents first; -EBUSY once the core has devices (they
 * were never recorded), -EALREADY if this journal is attached already. */
int mdev_journal_attach(struct mdev_journal *j, struct mdev_core *core);
/* Stops recording (0, or mdev_core_detach's errno). */
int mdev_journal_detach(struct mdev_journal *j);
/* Detaches first if attached. */
void mdev_journal_close(struct mdev_journal *j);

#endif
