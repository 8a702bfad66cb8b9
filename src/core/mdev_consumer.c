// SPDX-License-Identifier: MIT
/*
 * Consumers of lifecycle changes: attaching and detaching them, and calling
 * their commits, aborts and mirrors in attach order (aborts in reverse).
 * The deferred notifications are mdev_notify.c's.
 */
#include <errno.h>
#include <stdlib.h>

#include "core_priv.h"

/* The published set with one consumer added (c != NULL) or the one at
 * index drop removed; NULL on allocation failure or when it is empty. */
static struct mdev_consumer_set *set_with(const struct mdev_consumer_set *old,
					  const struct mdev_consumer *c,
					  size_t drop)
{
	size_t n_old = old ? old->n : 0, n = c ? n_old + 1 : n_old - 1;
	struct mdev_consumer_set *set;

	if (n == 0)
		return NULL;
	set = malloc(sizeof(*set) + n * sizeof(set->c[0]));
	if (!set)
		return NULL;
	atomic_init(&set->refs, 1);
	set->n = 0;
	for (size_t i = 0; i < n_old; i++)
		if (c || i != drop)
			set->c[set->n++] = old->c[i];
	if (c)
		set->c[set->n++] = *c;
	return set;
}

struct mdev_consumer_set *mdev_consumer_set_get(struct mdev_core *core)
{
	struct mdev_consumer_set *set = core->consumers;

	if (set)
		atomic_fetch_add(&set->refs, 1);
	return set;
}

void mdev_consumer_set_put(struct mdev_consumer_set *set)
{
	if (set && atomic_fetch_sub(&set->refs, 1) == 1)
		free(set);
}

static void publish(struct mdev_core *core, struct mdev_consumer_set *set)
{
	struct mdev_consumer_set *old = core->consumers;

	core->consumers = set;
	mdev_consumer_set_put(old);
}

static ssize_t find(const struct mdev_core *core,
		    const struct mdev_consumer_ops *ops, const void *opaque)
{
	const struct mdev_consumer_set *set = core->consumers;

	for (size_t i = 0; set && i < set->n; i++)
		if (set->c[i].ops == ops && set->c[i].opaque == opaque)
			return (ssize_t)i;
	return -1;
}

/* The new consumer's mirrors learn what exists. */
static void catch_up(struct mdev_core *core, const struct mdev_consumer *c)
{
	core->in_consumer++;
	for (struct mdev_list *n = core->parents.next;
	     c->ops->parent_added && n != &core->parents; n = n->next)
		c->ops->parent_added(c->opaque,
				     container_of(n, struct mdev_parent, node));
	for (struct mdev_list *n = core->devices.next;
	     c->ops->device_added && n != &core->devices; n = n->next)
		c->ops->device_added(
		    c->opaque, container_of(n, struct mdev_device, core_node));
	core->in_consumer--;
}

/*
 * A replaying consumer (the journal) replays here, inside the attach and
 * under the lock, rather than being trusted to be called in the right
 * order: between its replay and its first commit nothing else can create
 * a device it would miss, and it cannot be attached after devices it
 * never recorded exist.
 */
int mdev_core_attach(struct mdev_core *core,
		     const struct mdev_consumer_ops *ops, void *opaque)
{
	struct mdev_consumer c = {ops, opaque};
	struct mdev_consumer_set *set;
	int ret = 0;

	if (!core || !ops)
		return -EINVAL;
	mdev_core_lock(core);
	if (core->in_consumer)
		ret = -EDEADLK;
	else if (find(core, ops, opaque) >= 0)
		ret = -EEXIST;
	else if (ops->replay && core->registry.table.count)
		ret = -EBUSY;
	if (ret < 0)
		goto out;
	set = set_with(core->consumers, &c, 0);
	if (!set) {
		ret = -ENOMEM;
		goto out;
	}
	if (ops->replay) {
		ret = ops->replay(opaque, core);
		if (ret < 0) {
			free(set);
			goto out;
		}
	}
	catch_up(core, &c);
	publish(core, set);
out:
	mdev_core_unlock(core);
	return ret;
}

int mdev_core_detach(struct mdev_core *core,
		     const struct mdev_consumer_ops *ops, void *opaque)
{
	struct mdev_consumer_set *set;
	uint64_t ticket;
	ssize_t i;

	if (!core || !ops)
		return -EINVAL;
	mdev_core_lock(core);
	/* Waiting for deliveries from inside one would wait for itself. */
	if (core->in_consumer || mdev_notify_in_delivery(core)) {
		mdev_core_unlock(core);
		return -EDEADLK;
	}
	i = find(core, ops, opaque);
	if (i < 0) {
		mdev_core_unlock(core);
		return -ENOENT;
	}
	set = set_with(core->consumers, NULL, (size_t)i);
	if (!set && core->consumers->n > 1) {
		mdev_core_unlock(core);
		return -ENOMEM;
	}
	publish(core, set);
	ticket = core->next_ticket;
	mdev_core_unlock(core);
	mdev_notify_wait_delivered(core, ticket);
	return 0;
}

/* ---------------------------------------------------------------- commits */

/* One change every consumer commits to (or aborts) in turn. */
struct change {
	enum { CHANGE_CREATE, CHANGE_REMOVE, CHANGE_ATTR } kind;
	struct mdev_device *mdev;
	const char *attr, *buf; /* CHANGE_ATTR */
	size_t len;
};

static int commit_one(const struct mdev_consumer *c, const struct change *w)
{
	const struct mdev_consumer_ops *o = c->ops;

	switch (w->kind) {
	case CHANGE_CREATE:
		return o->device_create_commit
			   ? o->device_create_commit(c->opaque, w->mdev)
			   : 0;
	case CHANGE_REMOVE:
		return o->device_remove_commit
			   ? o->device_remove_commit(c->opaque, w->mdev)
			   : 0;
	case CHANGE_ATTR:
		return o->attr_store_commit
			   ? o->attr_store_commit(c->opaque, w->mdev, w->attr,
						  w->buf, w->len)
			   : 0;
	}
	return 0;
}

/* Only a consumer that has a commit hears the abort. */
static void abort_one(const struct mdev_consumer *c, const struct change *w)
{
	const struct mdev_consumer_ops *o = c->ops;

	if (w->kind == CHANGE_CREATE && o->device_create_commit &&
	    o->device_create_abort)
		o->device_create_abort(c->opaque, w->mdev);
	else if (w->kind == CHANGE_REMOVE && o->device_remove_commit &&
		 o->device_remove_abort)
		o->device_remove_abort(c->opaque, w->mdev);
	else if (w->kind == CHANGE_ATTR && o->attr_store_commit &&
		 o->attr_store_abort)
		o->attr_store_abort(c->opaque, w->mdev, w->attr);
}

/* Aborts the consumers before index end, last first. */
static void abort_before(struct mdev_core *core, size_t end,
			 const struct change *w)
{
	while (end-- > 0)
		abort_one(&core->consumers->c[end], w);
}

/* Commits w with each consumer in order; the first refusal aborts those
 * that accepted and is returned, unless force ignores refusals. */
static int commit_all(struct mdev_core *core, const struct change *w,
		      bool force)
{
	const struct mdev_consumer_set *set = core->consumers;
	size_t i;
	int ret = 0;

	core->in_consumer++;
	for (i = 0; set && i < set->n; i++) {
		ret = commit_one(&set->c[i], w);
		if (ret < 0 && !force)
			break;
		ret = 0;
	}
	if (ret < 0)
		abort_before(core, i, w);
	core->in_consumer--;
	return ret;
}

int mdev_consumers_create_commit(struct mdev_core *core,
				 struct mdev_device *mdev)
{
	struct change w = {.kind = CHANGE_CREATE, .mdev = mdev};

	return commit_all(core, &w, false);
}

int mdev_consumers_remove_commit(struct mdev_core *core,
				 struct mdev_device *mdev, bool force)
{
	struct change w = {.kind = CHANGE_REMOVE, .mdev = mdev};

	return commit_all(core, &w, force);
}

int mdev_consumers_attr_commit(struct mdev_core *core, struct mdev_device *mdev,
			       const char *attr, const char *buf, size_t len)
{
	struct change w = {.kind = CHANGE_ATTR,
			   .mdev = mdev,
			   .attr = attr,
			   .buf = buf,
			   .len = len};

	return commit_all(core, &w, false);
}

void mdev_consumers_attr_abort(struct mdev_core *core, struct mdev_device *mdev,
			       const char *attr)
{
	struct change w = {.kind = CHANGE_ATTR, .mdev = mdev, .attr = attr};

	core->in_consumer++;
	if (core->consumers)
		abort_before(core, core->consumers->n, &w);
	core->in_consumer--;
}

/* ---------------------------------------------------------------- mirrors */

#define FOR_EACH_MIRROR(core, op, obj)                                         \
	do {                                                                   \
		const struct mdev_consumer_set *set_ = (core)->consumers;      \
		(core)->in_consumer++;                                         \
		for (size_t i_ = 0; set_ && i_ < set_->n; i_++)                \
			if (set_->c[i_].ops->op)                               \
				set_->c[i_].ops->op(set_->c[i_].opaque, obj);  \
		(core)->in_consumer--;                                         \
	} while (0)

void mdev_consumers_parent_added(struct mdev_core *core,
				 struct mdev_parent *parent)
{
	FOR_EACH_MIRROR(core, parent_added, parent);
}

void mdev_consumers_parent_removed(struct mdev_core *core,
				   struct mdev_parent *parent)
{
	FOR_EACH_MIRROR(core, parent_removed, parent);
}

void mdev_consumers_device_added(struct mdev_core *core,
				 struct mdev_device *mdev)
{
	FOR_EACH_MIRROR(core, device_added, mdev);
}

void mdev_consumers_device_removed(struct mdev_core *core,
				   struct mdev_device *mdev)
{
	FOR_EACH_MIRROR(core, device_removed, mdev);
}
