/* SPDX-License-Identifier: MIT */
/*
 * A fault rule: what the fault layer (fault_engine.h) makes go wrong, and
 * when. One grammar for both places a rule comes from — the hardware
 * file's "faults" list (a JSON object per rule) and mdevd's control socket
 * (one line per rule): an action and key=value settings.
 *
 *   fail       op=create|remove|store errno=E [when=before|after]
 *   delay      op=create|remove|store ms=N | min=N max=N
 *   overreport type=T by=N           available_instances shows N more
 *   unplug     parent=P [after=N] [in=MS]   surprise removal of a parent
 *   reset      uuid=U [in=MS]        the driver removes a device itself
 *
 * fail and delay match parent=, type= and (store) attr=; an absent key
 * matches anything. Their schedule is one of next=N (the next N matching
 * operations), every=K (every Kth) or fraction=F (each with probability
 * F, drawn from seed=S, so a schedule replays exactly); none = every
 * matching operation. delay's min/max draw from the same seed.
 */
#ifndef MDEV_FAULT_RULE_H
#define MDEV_FAULT_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libmdev.h"

enum fault_action {
	FAULT_FAIL,
	FAULT_DELAY,
	FAULT_OVERREPORT,
	FAULT_UNPLUG,
	FAULT_RESET,
};

enum fault_op {
	FAULT_OP_NONE,
	FAULT_OP_CREATE,
	FAULT_OP_REMOVE,
	FAULT_OP_STORE,
};

/* Longest value of a time or count setting, so sums never overflow. */
#define FAULT_MAX_COUNT 1000000000ul
/* Longest delay: a minute is already far past any manager's timeout. */
#define FAULT_MAX_MS 60000ul

struct fault_rule {
	enum fault_action action;
	enum fault_op op;
	/* Filters; "" matches anything. */
	char parent[MDEV_NAME_MAX + 1];
	char type[MDEV_NAME_MAX + 1];
	char attr[2 * MDEV_NAME_MAX + 2];
	char uuid[37];
	int err;    /* fail: positive errno */
	bool after; /* fail op=create: the device appears, then goes */
	/* Schedule: at most one of them non-zero. */
	unsigned long next, every;
	uint32_t fraction; /* parts per 2^32 - 1; 0 = unset */
	char fraction_text[24];
	uint64_t seed;
	unsigned long ms, min_ms, max_ms; /* delay */
	unsigned long by;		  /* overreport */
	unsigned long after_creates;	  /* unplug */
	unsigned long in_ms;		  /* unplug, reset */
	bool has_in;
};

/* Starts a rule for the named action; -EINVAL with a message if unknown. */
int fault_rule_init(struct fault_rule *r, const char *action, char *err,
		    size_t errlen);
/* Applies one key=value setting; -EINVAL with "KEY: problem" in err. */
int fault_rule_set(struct fault_rule *r, const char *key, const char *value,
		   char *err, size_t errlen);
/* The same with only the problem in problem (the hardware loader names
 * the key by its JSON path). */
int fault_rule_set_problem(struct fault_rule *r, const char *key,
			   const char *value, char *problem, size_t len);
/* Checks what the keys say together (a required key, two schedules);
 * -EINVAL with a message. */
int fault_rule_check(const struct fault_rule *r, char *err, size_t errlen);
/* "ACTION KEY=VALUE ..." (the whole rule on one line); -EINVAL if a
 * word is not KEY=VALUE, or whatever init/set/check said. */
int fault_rule_parse_line(const char *line, struct fault_rule *r, char *err,
			  size_t errlen);
/* The canonical line of a rule (what the parser reads back). */
void fault_rule_format(const struct fault_rule *r, char *buf, size_t size);

/* "EIO" → 5; also a decimal 1..4095. 0 if not an errno we know. */
int fault_errno_parse(const char *name);
/* 5 → "EIO"; NULL if it has no name in our table. */
const char *fault_errno_name(int err);

#endif
