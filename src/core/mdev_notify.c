// SPDX-License-Identifier: MIT
/*
 * Deferred notifications: queued under the core lock, delivered once the
 * critical section that made the change is left, so that consumers doing
 * I/O (uevents, commands, sockets) never hold the lock while they do it and
 * may call back into the core.
 *
 * Order: at the outermost unlock the thread takes what is queued as one
 * batch and a ticket, both under the lock, so tickets follow the order of
 * the changes; batches are delivered strictly by ticket. The thread that
 * made a change delivers it (before its call returns), except for changes a
 * notify makes itself: those wait for that thread's current batch to end.
 *
 * Lifetime: a removed device or parent is unlinked at once, but freed only
 * after its removal event is delivered, so a notify can still read it (and
 * every earlier event naming it has been delivered by then).
 */
#include <stdlib.h>

#include "core_priv.h"

/* The batches this thread is delivering, innermost first (a notify may
 * change another core), and whether a notify made a change whose
 * notifications are left for that delivery's loop. */
struct delivery {
	struct mdev_core *core;
	bool left_pending;
	struct delivery *outer;
};
static _Thread_local struct delivery *deliveries;

static struct delivery *delivery_of(const struct mdev_core *core)
{
	for (struct delivery *d = deliveries; d; d = d->outer)
		if (d->core == core)
			return d;
	return NULL;
}

int mdev_notify_init(struct mdev_core *core)
{
	core->queue_head = NULL;
	core->queue_tail = &core->queue_head;
	core->next_ticket = core->serving = 0;
	if (pthread_mutex_init(&core->turn_lock, NULL) != 0)
		return -1;
	if (pthread_cond_init(&core->turn_cond, NULL) != 0) {
		pthread_mutex_destroy(&core->turn_lock);
		return -1;
	}
	return 0;
}

void mdev_notify_destroy(struct mdev_core *core)
{
	pthread_cond_destroy(&core->turn_cond);
	pthread_mutex_destroy(&core->turn_lock);
}

struct mdev_event_node *mdev_event_new(enum mdev_event_kind kind,
				       struct mdev_parent *parent,
				       struct mdev_device *mdev,
				       const char *attr)
{
	struct mdev_event_node *n = calloc(1, sizeof(*n));

	if (n)
		n->ev = (struct mdev_event){kind, parent, mdev, attr};
	return n;
}

void mdev_event_queue(struct mdev_core *core, struct mdev_event_node *node)
{
	node->next = NULL;
	*core->queue_tail = node;
	core->queue_tail = &node->next;
}

/* After delivery: the node, or the object a removal retired. */
static void event_done(struct mdev_event_node *n)
{
	if (!n->embedded)
		free(n);
	else if (n->ev.kind == MDEV_EVENT_DEVICE_REMOVED)
		mdev_device_free(n->ev.device);
	else
		mdev_parent_free(n->ev.parent);
}

void mdev_event_discard(struct mdev_core *core)
{
	struct mdev_event_node *n = core->queue_head, *next;

	core->queue_head = NULL;
	core->queue_tail = &core->queue_head;
	for (; n; n = next) {
		next = n->next;
		event_done(n);
	}
}

bool mdev_notify_in_delivery(const struct mdev_core *core)
{
	return delivery_of(core) != NULL;
}

void mdev_notify_wait_delivered(struct mdev_core *core, uint64_t ticket)
{
	pthread_mutex_lock(&core->turn_lock);
	while (core->serving < ticket)
		pthread_cond_wait(&core->turn_cond, &core->turn_lock);
	pthread_mutex_unlock(&core->turn_lock);
}

/* Returns true if a notify left changes of this core queued. */
static bool deliver(struct mdev_core *core, struct mdev_event_node *batch,
		    struct mdev_consumer_set *set, uint64_t ticket)
{
	struct delivery self = {core, false, deliveries};
	struct mdev_event_node *next;

	mdev_notify_wait_delivered(core, ticket);
	deliveries = &self;
	for (; batch; batch = next) {
		next = batch->next;
		for (size_t i = 0; set && i < set->n; i++)
			if (set->c[i].ops->notify)
				set->c[i].ops->notify(set->c[i].opaque,
						      &batch->ev);
		event_done(batch);
	}
	deliveries = self.outer;
	pthread_mutex_lock(&core->turn_lock);
	core->serving++;
	pthread_cond_broadcast(&core->turn_cond);
	pthread_mutex_unlock(&core->turn_lock);
	mdev_consumer_set_put(set);
	return self.left_pending;
}

void mdev_core_lock(struct mdev_core *core)
{
	pthread_mutex_lock(&core->lock);
	core->lock_depth++;
}

void mdev_core_unlock(struct mdev_core *core)
{
	for (;;) {
		struct mdev_event_node *batch = core->queue_head;
		struct delivery *in = batch ? delivery_of(core) : NULL;
		struct mdev_consumer_set *set;
		uint64_t ticket;

		if (core->lock_depth > 1 || !batch || in) {
			if (in)
				in->left_pending = true;
			core->lock_depth--;
			pthread_mutex_unlock(&core->lock);
			return;
		}
		core->queue_head = NULL;
		core->queue_tail = &core->queue_head;
		set = mdev_consumer_set_get(core);
		ticket = core->next_ticket++;
		core->lock_depth--;
		pthread_mutex_unlock(&core->lock);
		if (!deliver(core, batch, set, ticket))
			return;
		mdev_core_lock(core);
	}
}
