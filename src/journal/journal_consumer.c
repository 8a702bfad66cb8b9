// SPDX-License-Identifier: MIT
/*
 * The journal as a consumer of the core: its replay is the consumer's
 * replay op, so mdev_core_attach() replays and starts recording in one step
 * and refuses a core that already has devices; its records are commits (a
 * failed write vetoes), taken back by the aborts when a later consumer or
 * the driver refuses the change. mdevd and the tests use this one adapter.
 */
#include <errno.h>

#include "journal_priv.h"

static int journal_replay(void *opaque, struct mdev_core *core)
{
	return mdev_journal_replay(opaque, core);
}

static int journal_create_commit(void *opaque, struct mdev_device *mdev)
{
	return mdev_journal_record_create(opaque, mdev);
}

static int journal_remove_commit(void *opaque, struct mdev_device *mdev)
{
	return mdev_journal_record_remove(opaque, mdev);
}

static int journal_attr_commit(void *opaque, struct mdev_device *mdev,
			       const char *attr, const char *buf, size_t len)
{
	return mdev_journal_record_attr(opaque, mdev, attr, buf, len);
}

static void journal_device_abort(void *opaque, struct mdev_device *mdev)
{
	(void)mdev;
	mdev_journal_undo_last(opaque);
}

static void journal_attr_abort(void *opaque, struct mdev_device *mdev,
			       const char *attr)
{
	(void)mdev;
	(void)attr;
	mdev_journal_undo_last(opaque);
}

static const struct mdev_consumer_ops journal_consumer = {
    .name = "journal",
    .replay = journal_replay,
    .device_create_commit = journal_create_commit,
    .device_create_abort = journal_device_abort,
    .device_remove_commit = journal_remove_commit,
    .device_remove_abort = journal_device_abort,
    .attr_store_commit = journal_attr_commit,
    .attr_store_abort = journal_attr_abort,
};

int mdev_journal_attach(struct mdev_journal *j, struct mdev_core *core)
{
	int ret;

	if (j->core)
		return -EALREADY;
	ret = mdev_core_attach(core, &journal_consumer, j);
	if (ret == 0)
		j->core = core;
	return ret;
}

int mdev_journal_detach(struct mdev_journal *j)
{
	int ret;

	if (!j->core)
		return -ENOENT;
	ret = mdev_core_detach(j->core, &journal_consumer, j);
	if (ret == 0)
		j->core = NULL;
	return ret;
}
