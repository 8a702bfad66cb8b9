/* SPDX-License-Identifier: MIT */
/*
 * libmdev internals shared by the files of src/core (and the unit tests).
 */
#ifndef MDEV_CORE_PRIV_H
#define MDEV_CORE_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/common.h"
#include "common/htable.h"
#include "libmdev.h"

/* What available_instances shows when nothing limits a type (no pool cost,
 * no max_instances, no parent counter): INT_MAX, so that readers parsing it
 * as a signed or unsigned int both get a sane number. */
#define MDEV_AVAILABLE_UNLIMITED 2147483647u

/* Bounds on descriptions, so that every table stays small. */
#define MDEV_MAX_TYPES 256
#define MDEV_MAX_KV 64
#define MDEV_MAX_DEVICE_ATTRS 64
#define MDEV_DEVPATH_MAX 1024

/* Intrusive circular doubly-linked list (O(1) unlink). */
struct mdev_list {
	struct mdev_list *prev, *next;
};

static inline void mdev_list_init(struct mdev_list *head)
{
	head->prev = head;
	head->next = head;
}

static inline void mdev_list_add_tail(struct mdev_list *head,
				      struct mdev_list *node)
{
	node->prev = head->prev;
	node->next = head;
	head->prev->next = node;
	head->prev = node;
}

static inline void mdev_list_del(struct mdev_list *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->prev = node;
	node->next = node;
}

static inline bool mdev_list_empty(const struct mdev_list *head)
{
	return head->next == head;
}

/* The entry after node n of the list at head (n == head: the first one),
 * or NULL at the end. */
#define mdev_list_next_entry(head, n, type, member)                            \
	((n)->next != (head) ? container_of((n)->next, type, member) : NULL)

/* UUID → device hash table with chaining through the devices. */
struct mdev_registry {
	struct htable table;
	uint64_t seed;
};

struct mdev_pool {
	char *name;
	unsigned long total;
	unsigned long used;
};

/* A queued notification. Removal events live in the object they retire
 * (they cannot fail to allocate); the others are allocated before the
 * change they announce. */
struct mdev_event_node {
	struct mdev_event_node *next;
	struct mdev_event ev;
	bool embedded;
};

struct mdev_consumer {
	const struct mdev_consumer_ops *ops;
	void *opaque;
};

/* The attached consumers. Immutable once published: attach and detach
 * publish a new set, and a notification batch holds a reference to the
 * set it was queued under, so delivery reads it without the core lock. */
struct mdev_consumer_set {
	atomic_size_t refs;
	size_t n;
	struct mdev_consumer c[];
};

struct mdev_core {
	pthread_mutex_t lock;
	unsigned lock_depth; /* by the owner, under the lock */
	struct mdev_list parents;
	struct mdev_list devices;
	struct mdev_registry registry;
	unsigned next_iommu_group;
	/* The highest group a parent ever had: fresh device groups start
	 * above it (also after the counter wraps). */
	unsigned max_parent_group;
	struct mdev_consumer_set *consumers; /* NULL = none */
	/* Non-zero while a consumer op runs: mutators refuse (-EDEADLK). */
	unsigned in_consumer;
	/* Notifications queued under the lock, in order. */
	struct mdev_event_node *queue_head, **queue_tail;
	/* Delivery turns: batches are numbered under the core lock and
	 * delivered in that order. */
	pthread_mutex_t turn_lock;
	pthread_cond_t turn_cond;
	uint64_t next_ticket, serving;
};

struct mdev_type {
	struct mdev_parent *parent;
	/* Deep copy; every string and array owned by the type. */
	struct mdev_type_desc desc;
	const char *pretty_name; /* desc.name or the sysfs name */
	/* For each cost, its index in parent->pools. */
	size_t cost_pool[MDEV_MAX_POOLS];
	struct mdev_list devices;
	unsigned instances;
};

struct mdev_parent {
	struct mdev_core *core;
	struct mdev_list node; /* in core->parents */
	struct mdev_list devices;
	size_t n_devices;
	char *name;
	char *devpath;
	char *driver_name;
	char *bus;
	struct mdev_kv *bus_attrs;
	size_t n_bus_attrs;
	unsigned iommu_group;
	enum mdev_policy policy;
	struct mdev_pool pools[MDEV_MAX_POOLS];
	size_t n_pools;
	unsigned max_devices;
	struct mdev_type *types;
	size_t n_types;
	const struct mdev_driver_ops *ops;
	void *driver_data;
	bool going_away;
	struct mdev_event_node unregistered; /* queued by parent_destroy */
};

struct mdev_device {
	struct mdev_list core_node;
	struct mdev_list parent_node;
	struct mdev_list type_node;
	struct htable_node registry_link;
	struct mdev_type *type;
	void *driver_data;
	struct mdev_event_node removed; /* queued by the removal */
	uuid_t uuid;
	unsigned iommu_group;
	char name[37];
	/* One per type->desc.device_attrs entry; points at the type's
	 * default_value (not owned) until a store replaces it. */
	char *attr_values[];
};

/* Removed (or unregistered) but not freed yet: in no list, readable until
 * its event is delivered. */
static inline bool mdev_device_is_removed(const struct mdev_device *d)
{
	return d->removed.embedded;
}

static inline bool mdev_parent_is_unregistered(const struct mdev_parent *p)
{
	return p->unregistered.embedded;
}

/* How a removal treats the consumers' commits. */
enum mdev_remove_mode {
	MDEV_REMOVE_NORMAL, /* commits may veto */
	MDEV_REMOVE_FORCE,  /* commits called, vetoes ignored (unregister) */
	MDEV_REMOVE_SILENT, /* no consumer called (mdev_core_free) */
};

/* mdev_core.c */
int mdev_device_remove_locked(struct mdev_device *mdev,
			      enum mdev_remove_mode mode);
void mdev_device_free_attrs(struct mdev_device *mdev);
void mdev_device_free(struct mdev_device *mdev);

/* mdev_consumer.c: calls to every attached consumer, caller holds the
 * lock. A failed commit has already aborted the ones that accepted. */
int mdev_consumers_create_commit(struct mdev_core *core,
				 struct mdev_device *mdev);
/* force: call every commit, ignore vetoes (unregistration). */
int mdev_consumers_remove_commit(struct mdev_core *core,
				 struct mdev_device *mdev, bool force);
int mdev_consumers_attr_commit(struct mdev_core *core, struct mdev_device *mdev,
			       const char *attr, const char *buf, size_t len);
void mdev_consumers_attr_abort(struct mdev_core *core, struct mdev_device *mdev,
			       const char *attr);
void mdev_consumers_parent_added(struct mdev_core *core,
				 struct mdev_parent *parent);
void mdev_consumers_parent_removed(struct mdev_core *core,
				   struct mdev_parent *parent);
void mdev_consumers_device_added(struct mdev_core *core,
				 struct mdev_device *mdev);
void mdev_consumers_device_removed(struct mdev_core *core,
				   struct mdev_device *mdev);
struct mdev_consumer_set *mdev_consumer_set_get(struct mdev_core *core);
void mdev_consumer_set_put(struct mdev_consumer_set *set);

/* mdev_notify.c */
/* An event node for a change about to be made; NULL = -ENOMEM. */
struct mdev_event_node *mdev_event_new(enum mdev_event_kind kind,
				       struct mdev_parent *parent,
				       struct mdev_device *mdev,
				       const char *attr);
/* Queues node (caller holds the lock); delivered at the outermost unlock.
 * A removal node's object is freed after delivery. */
void mdev_event_queue(struct mdev_core *core, struct mdev_event_node *node);
/* Frees what is queued without delivering (mdev_core_free). */
void mdev_event_discard(struct mdev_core *core);
int mdev_notify_init(struct mdev_core *core);
void mdev_notify_destroy(struct mdev_core *core);
/* true while this thread delivers core's notifications. */
bool mdev_notify_in_delivery(const struct mdev_core *core);
/* Waits until every batch numbered below ticket is delivered (call
 * without the lock). */
void mdev_notify_wait_delivered(struct mdev_core *core, uint64_t ticket);

/* mdev_type.c */
int mdev_type_check_capacity(struct mdev_type *type);
void mdev_type_reserve(struct mdev_type *type);
void mdev_type_release(struct mdev_type *type);
ssize_t mdev_type_attr_index(const struct mdev_type *type, const char *attr);

/* mdev_registry.c */
int mdev_registry_init(struct mdev_registry *reg);
void mdev_registry_destroy(struct mdev_registry *reg);
struct mdev_device *mdev_registry_find(const struct mdev_registry *reg,
				       const uuid_t uuid);
int mdev_registry_insert(struct mdev_registry *reg, struct mdev_device *mdev);
void mdev_registry_remove(struct mdev_registry *reg, struct mdev_device *mdev);

/* mdev_register.c */
int mdev_parent_build(const struct mdev_parent_desc *desc,
		      struct mdev_parent **out, char *err, size_t errlen);
void mdev_parent_free(struct mdev_parent *parent);

/* mdev_parse.c / mdev_class.c helpers */
bool mdev_valid_name(const char *s);
/* Copies s into out (outlen bytes) as a short, printable quote for error
 * messages: at most 64 characters, non-printables as '?'. */
const char *mdev_printable(const char *s, char *out, size_t outlen);

#endif
