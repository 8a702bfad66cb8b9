/* SPDX-License-Identifier: MIT */
/*
 * The fault layer: a lifecycle consumer (libmdev.h) whose commits veto
 * creates, removes and attribute stores with a chosen errno, so a fault
 * goes through the core's own failure path (pools given back, journal
 * record taken back, no event), plus the decisions the server needs for
 * what a commit cannot do: how long to hold a write before it runs
 * (latency must not hold the core lock), how much available_instances
 * over-reports, a create that fails after its device appeared, and the
 * parent unplugs and device resets that are due.
 *
 * Thread-safe: its own mutex, taken inside the core lock by the commits
 * and without it by everything else. With no rule at all every entry
 * point returns after one atomic load.
 */
#ifndef MDEV_FAULT_ENGINE_H
#define MDEV_FAULT_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "fault_rule.h"
#include "libmdev.h"

struct fault_engine;

/* wake is called (from any thread, possibly under the core lock) when a
 * timed action may have become due earlier than announced. */
struct fault_engine *fault_engine_new(void (*wake)(void *), void *opaque);
void fault_engine_free(struct fault_engine *e);

/* Attach with mdev_core_attach(core, &fault_consumer_ops, engine), after
 * any replaying consumer (a replayed device must not meet a fault). */
extern const struct mdev_consumer_ops fault_consumer_ops;

/* Adds a rule; declared = it comes from the hardware file. *id is its
 * number for clear. -ENOSPC when the table is full. */
int fault_engine_add(struct fault_engine *e, const struct fault_rule *r,
		     bool declared, unsigned *id);
/* Removes rule id, or every rule when id is 0; -ENOENT if none. */
int fault_engine_clear(struct fault_engine *e, unsigned id);
/* The hardware file changed: its rules replace the declared ones. */
void fault_engine_replace_declared(struct fault_engine *e,
				   const struct fault_rule *rules, size_t n);
/* One line per rule, "ID: RULE (matched M, fired F)", malloc'ed. */
char *fault_engine_list(struct fault_engine *e);
/* Whether any rule is set (a cheap test for the fast paths). */
bool fault_engine_active(const struct fault_engine *e);

/* Milliseconds to hold an operation before it runs (0 = run now); draws
 * from the delay rules' schedules. */
unsigned long fault_engine_delay(struct fault_engine *e, enum fault_op op,
				 const struct mdev_parent *parent,
				 const struct mdev_type *type,
				 const char *attr);
/* How many instances available_instances adds for the type. */
unsigned long fault_engine_overreport(struct fault_engine *e,
				      const struct mdev_type *type);
/* After a create write returned: the errno a when=after rule chose for
 * the device this thread just created (its name in uuid), or 0. */
int fault_engine_take_after(char uuid[37]);

/* The driver removes m by itself (a device reset, or a create that fails
 * after its device appeared): through the core's normal removal, which
 * no remove rule may refuse. Call under the core lock, outside a
 * consumer op. */
int fault_engine_remove_device(struct fault_engine *e, struct mdev_device *m);

/* A due action: unplug parent `name`, or reset device `name`. */
struct fault_due {
	enum fault_action action;
	unsigned id;
	char name[MDEV_NAME_MAX + 1];
};
/* 1 and *out for the next due action (it is consumed), else 0 with
 * *wait_ms the time until the next timer (-1: none). */
int fault_engine_due(struct fault_engine *e, struct fault_due *out,
		     int64_t *wait_ms);

#endif
