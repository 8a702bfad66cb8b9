// SPDX-License-Identifier: MIT
/*
 * The tree as a consumer of the core: its mirrors keep the node table and
 * the device map in step with the core inside the same critical section
 * (they hold core pointers, so they may never lag behind a removal), and
 * queue the dentry invalidations a removed parent needs.
 *
 * The invalidations are not sent from a notification: notifications are
 * delivered in order, so a FUSE request handler may be waiting for its turn
 * behind the thread sending them, while the kernel holds the directory lock
 * the invalidation needs and waits for that handler. The one thread that
 * unregisters parents (SIGHUP reload) sends them itself, outside both the
 * core lock and the delivery order, with tree_consumer_flush().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fuse_lowlevel.h>

#include "mdevd.h"

static void note_error(struct mdevd *d, int err)
{
	if (!d->tree_error)
		d->tree_error = err;
}

static void mirror_parent_added(void *opaque, struct mdev_parent *p)
{
	struct mdevd *d = opaque;
	int err = tree_add_parent(d->tree, p);

	if (err) {
		fprintf(stderr,
			"mdevd: parent %s (devpath %s): not shown: %s\n",
			mdev_parent_name(p), mdev_parent_devpath(p),
			strerror(-err));
		note_error(d, err);
	}
}

/* Called from tree_remove_parent under the core lock. */
static void queue_inval(void *opaque, uint64_t dir, const char *name)
{
	struct mdevd *d = opaque;

	if (!d->live)
		return;
	if (d->n_inval == d->cap_inval) {
		size_t cap = d->cap_inval ? d->cap_inval * 2 : 16;
		struct pending_inval *n = realloc(d->inval, cap * sizeof(*n));

		if (!n)
			return;
		d->inval = n;
		d->cap_inval = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return;
	d->inval[d->n_inval].dir = dir;
	d->inval[d->n_inval].name = copy;
	d->n_inval++;
}

static void mirror_parent_removed(void *opaque, struct mdev_parent *p)
{
	struct mdevd *d = opaque;

	tree_remove_parent(d->tree, p, queue_inval, d);
}

static void mirror_device_added(void *opaque, struct mdev_device *m)
{
	struct mdevd *d = opaque;

	if (tree_device_added(d->tree, m) < 0) {
		fprintf(stderr, "mdevd: %s: out of memory\n",
			mdev_device_name(m));
		note_error(d, -ENOMEM);
	}
}

static void mirror_device_removed(void *opaque, struct mdev_device *m)
{
	struct mdevd *d = opaque;

	tree_device_removed(d->tree, m);
}

static const struct mdev_consumer_ops tree_consumer = {
    .name = "tree",
    .parent_added = mirror_parent_added,
    .parent_removed = mirror_parent_removed,
    .device_added = mirror_device_added,
    .device_removed = mirror_device_removed,
};

int tree_consumer_attach(struct mdevd *d)
{
	d->tree_error = 0;
	int ret = mdev_core_attach(d->core, &tree_consumer, d);
	return ret < 0 ? ret : d->tree_error;
}

/* Invalidations still queued are dropped: the mount is gone. */
void tree_consumer_detach(struct mdevd *d)
{
	mdev_core_detach(d->core, &tree_consumer, d);
	for (size_t i = 0; i < d->n_inval; i++)
		free(d->inval[i].name);
	free(d->inval);
	d->inval = NULL;
	d->n_inval = d->cap_inval = 0;
}

void tree_consumer_flush(struct mdevd *d)
{
	mdev_core_lock(d->core);
	struct pending_inval *list = d->inval;
	size_t n = d->n_inval;
	d->inval = NULL;
	d->n_inval = d->cap_inval = 0;
	mdev_core_unlock(d->core);
	for (size_t i = 0; i < n; i++) {
		if (d->se)
			fuse_lowlevel_notify_inval_entry(d->se, list[i].dir,
							 list[i].name,
							 strlen(list[i].name));
		free(list[i].name);
	}
	free(list);
}
