/* SPDX-License-Identifier: MIT */
/*
 * Between the journal file (journal.c) and its consumer adapter
 * (journal_consumer.c).
 */
#ifndef MDEV_JOURNAL_PRIV_H
#define MDEV_JOURNAL_PRIV_H

#include <stdbool.h>
#include <sys/types.h>

#include "journal.h"

struct mdev_journal {
	char *dir;
	char *path;
	char *tmp_path;
	int fd;
	int lock_fd;
	off_t size; /* bytes of complete records */
	/* Where the last appended record starts, while it may be taken
	 * back (until the next append or compaction). */
	off_t last_start;
	bool last_valid;
	struct mdev_core *core; /* attached to; NULL = not */
};

/* Re-creates the recorded state in core and compacts (journal.c). */
int mdev_journal_replay(struct mdev_journal *j, struct mdev_core *core);
/* Records; 0 or a negative errno (-ENOSPC, -EIO): the caller vetoes. */
int mdev_journal_record_create(struct mdev_journal *j,
			       const struct mdev_device *mdev);
int mdev_journal_record_remove(struct mdev_journal *j,
			       const struct mdev_device *mdev);
int mdev_journal_record_attr(struct mdev_journal *j,
			     const struct mdev_device *mdev, const char *attr,
			     const char *buf, size_t len);
/* Cuts the last record off: its operation was vetoed after it was
 * written. Commits cannot change the core, so nothing was appended since. */
void mdev_journal_undo_last(struct mdev_journal *j);

#endif
