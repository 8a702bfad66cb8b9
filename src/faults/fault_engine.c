// SPDX-License-Identifier: MIT
/*
 * The fault layer's decisions (fault_engine.h). Rules are kept in the
 * order they were added; for an operation the first rule that matches and
 * whose schedule fires decides, and the rules after it do not see the
 * operation — so each rule's schedule depends only on the operations it
 * saw, and a seeded schedule replays exactly for the same operations.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fault_engine.h"

#define MAX_RULES 256

struct slot {
	struct fault_rule rule;
	unsigned id;
	bool declared;
	unsigned long matched, fired;
	uint64_t prng;
	unsigned long creates; /* unplug after=N */
	int64_t due_ms;	       /* unplug/reset: when; -1 = not yet */
};

struct fault_engine {
	pthread_mutex_t mu;
	atomic_uint n_active; /* the fast paths' one load */
	struct slot slots[MAX_RULES];
	size_t n;
	unsigned next_id;
	void (*wake)(void *);
	void *wake_opaque;
};

/* The create this thread's last commit let through with a when=after
 * rule: the writer's thread takes it once the create returned. */
static __thread int after_err;
static __thread char after_uuid[37];
/* Set while the driver itself removes a device on this thread. */
static __thread bool driver_removing;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* splitmix64: a seed gives the same sequence on every machine. */
static uint64_t draw(struct slot *s)
{
	uint64_t z = (s->prng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct fault_engine *fault_engine_new(void (*wake)(void *), void *opaque)
{
	struct fault_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	pthread_mutex_init(&e->mu, NULL);
	e->next_id = 1;
	e->wake = wake;
	e->wake_opaque = opaque;
	return e;
}

void fault_engine_free(struct fault_engine *e)
{
	if (!e)
		return;
	pthread_mutex_destroy(&e->mu);
	free(e);
}

bool fault_engine_active(const struct fault_engine *e)
{
	return e && atomic_load_explicit(&e->n_active, memory_order_relaxed);
}

static void log_rule(const char *what, const struct slot *s)
{
	char line[1024];
	fault_rule_format(&s->rule, line, sizeof(line));
	fprintf(stderr, "mdevd: faults: %s %u%s: %s\n", what, s->id,
		s->declared ? " (hardware file)" : "", line);
}

static bool timed(const struct fault_rule *r)
{
	return r->action == FAULT_UNPLUG || r->action == FAULT_RESET;
}

static int add_locked(struct fault_engine *e, const struct fault_rule *r,
		      bool declared, unsigned *id)
{
	if (e->n == MAX_RULES)
		return -ENOSPC;
	struct slot *s = &e->slots[e->n++];
	memset(s, 0, sizeof(*s));
	s->rule = *r;
	s->id = e->next_id++;
	s->declared = declared;
	s->prng = r->seed;
	s->due_ms = -1;
	if (timed(r) && !r->after_creates)
		s->due_ms = now_ms() + (int64_t)r->in_ms;
	atomic_store(&e->n_active, (unsigned)e->n);
	if (id)
		*id = s->id;
	log_rule("added", s);
	return 0;
}

int fault_engine_add(struct fault_engine *e, const struct fault_rule *r,
		     bool declared, unsigned *id)
{
	pthread_mutex_lock(&e->mu);
	int ret = add_locked(e, r, declared, id);
	pthread_mutex_unlock(&e->mu);
	if (!ret && timed(r) && e->wake)
		e->wake(e->wake_opaque);
	return ret;
}

static void remove_slot(struct fault_engine *e, size_t i, const char *why)
{
	log_rule(why, &e->slots[i]);
	memmove(&e->slots[i], &e->slots[i + 1],
		(e->n - i - 1) * sizeof(e->slots[0]));
	e->n--;
	atomic_store(&e->n_active, (unsigned)e->n);
}

int fault_engine_clear(struct fault_engine *e, unsigned id)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->n;) {
		if (id && e->slots[i].id != id) {
			i++;
			continue;
		}
		remove_slot(e, i, "cleared");
		ret = 0;
	}
	pthread_mutex_unlock(&e->mu);
	return ret;
}

void fault_engine_replace_declared(struct fault_engine *e,
				   const struct fault_rule *rules, size_t n)
{
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->n;) {
		if (e->slots[i].declared)
			remove_slot(e, i, "dropped");
		else
			i++;
	}
	for (size_t i = 0; i < n; i++)
		if (add_locked(e, &rules[i], true, NULL) < 0)
			fprintf(stderr,
				"mdevd: faults: table full (%d rules)\n",
				MAX_RULES);
	pthread_mutex_unlock(&e->mu);
	if (e->wake)
		e->wake(e->wake_opaque);
}

char *fault_engine_list(struct fault_engine *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->n; i++) {
		const struct slot *s = &e->slots[i];
		char line[1024];
		fault_rule_format(&s->rule, line, sizeof(line));
		fprintf(f, "%u: %s (%s, matched %lu, fired %lu)\n", s->id, line,
			s->declared ? "hardware file" : "control", s->matched,
			s->fired);
	}
	pthread_mutex_unlock(&e->mu);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------------------ matching */

static bool matches(const struct fault_rule *r, enum fault_action action,
		    enum fault_op op, const struct mdev_parent *parent,
		    const struct mdev_type *type, const char *attr)
{
	if (r->action != action || r->op != op)
		return false;
	if (r->parent[0] && strcmp(r->parent, mdev_parent_name(parent)))
		return false;
	if (r->type[0] && (!type || strcmp(r->type, mdev_type_id(type))))
		return false;
	return !r->attr[0] || (attr && strcmp(r->attr, attr) == 0);
}

/* Advances s's schedule by one operation; true if it fires. */
static bool fires(struct slot *s)
{
	const struct fault_rule *r = &s->rule;
	bool fire;

	s->matched++;
	if (r->next)
		fire = s->fired < r->next;
	else if (r->every)
		fire = s->matched % r->every == 0;
	else if (r->fraction)
		fire = (uint32_t)(draw(s) >> 32) < r->fraction ||
		       r->fraction == UINT32_MAX;
	else
		fire = true;
	if (fire)
		s->fired++;
	return fire;
}

static struct slot *decide(struct fault_engine *e, enum fault_action action,
			   enum fault_op op, const struct mdev_parent *parent,
			   const struct mdev_type *type, const char *attr)
{
	for (size_t i = 0; i < e->n; i++) {
		struct slot *s = &e->slots[i];
		if (s->rule.next && s->fired >= s->rule.next)
			continue; /* spent */
		if (matches(&s->rule, action, op, parent, type, attr) &&
		    fires(s))
			return s;
	}
	return NULL;
}

static const char *op_word(enum fault_op op)
{
	return op == FAULT_OP_CREATE   ? "create"
	       : op == FAULT_OP_REMOVE ? "remove"
				       : "store";
}

static void log_fired(const struct slot *s, enum fault_op op,
		      const struct mdev_device *m, const char *attr,
		      const char *what)
{
	fprintf(stderr, "mdevd: faults: rule %u: %s %s%s%s on %s/%s: %s\n",
		s->id, op_word(op), mdev_device_name(m), attr ? " " : "",
		attr ? attr : "", mdev_parent_name(mdev_device_parent(m)),
		mdev_type_id(mdev_device_type(m)), what);
}

/* A commit's verdict for op on m: 0 or the rule's negative errno. */
static int commit_verdict(struct fault_engine *e, enum fault_op op,
			  struct mdev_device *m, const char *attr)
{
	struct mdev_type *type = mdev_device_type(m);
	struct mdev_parent *parent = mdev_device_parent(m);
	int ret = 0;

	pthread_mutex_lock(&e->mu);
	struct slot *s = decide(e, FAULT_FAIL, op, parent, type, attr);
	if (s) {
		const char *en = fault_errno_name(s->rule.err);
		char what[64];
		snprintf(what, sizeof(what), "%s%s", en ? en : "errno",
			 s->rule.after ? " after the device appeared" : "");
		log_fired(s, op, m, attr, what);
		if (s->rule.after) {
			after_err = s->rule.err;
			snprintf(after_uuid, sizeof(after_uuid), "%s",
				 mdev_device_name(m));
		} else {
			ret = -s->rule.err;
		}
	}
	pthread_mutex_unlock(&e->mu);
	return ret;
}

/* unplug after=N: this create counts towards its parent's N. */
static void count_create(struct fault_engine *e, struct mdev_device *m)
{
	const char *parent = mdev_parent_name(mdev_device_parent(m));
	bool due = false;

	for (size_t i = 0; i < e->n; i++) {
		struct slot *s = &e->slots[i];
		if (s->rule.action != FAULT_UNPLUG || !s->rule.after_creates ||
		    s->due_ms >= 0 || strcmp(s->rule.parent, parent))
			continue;
		if (++s->creates >= s->rule.after_creates) {
			s->due_ms = now_ms() + (int64_t)s->rule.in_ms;
			due = true;
		}
	}
	if (due && e->wake)
		e->wake(e->wake_opaque);
}

static int create_commit(void *opaque, struct mdev_device *m)
{
	struct fault_engine *e = opaque;

	after_err = 0;
	if (!fault_engine_active(e))
		return 0;
	int ret = commit_verdict(e, FAULT_OP_CREATE, m, NULL);
	if (!ret) {
		pthread_mutex_lock(&e->mu);
		count_create(e, m);
		pthread_mutex_unlock(&e->mu);
	}
	return ret;
}

static void create_abort(void *opaque, struct mdev_device *m)
{
	(void)opaque;
	(void)m;
	/* A later consumer refused it: the device never appears. */
	after_err = 0;
}

static int remove_commit(void *opaque, struct mdev_device *m)
{
	struct fault_engine *e = opaque;

	/* An unplug's removals cannot be refused, nor should they use up a
	 * schedule meant for a manager's writes. */
	if (!fault_engine_active(e) || driver_removing ||
	    mdev_parent_going_away(mdev_device_parent(m)))
		return 0;
	return commit_verdict(e, FAULT_OP_REMOVE, m, NULL);
}

static int store_commit(void *opaque, struct mdev_device *m, const char *attr,
			const char *buf, size_t len)
{
	struct fault_engine *e = opaque;

	(void)buf;
	(void)len;
	if (!fault_engine_active(e))
		return 0;
	return commit_verdict(e, FAULT_OP_STORE, m, attr);
}

const struct mdev_consumer_ops fault_consumer_ops = {
    .name = "faults",
    .device_create_commit = create_commit,
    .device_create_abort = create_abort,
    .device_remove_commit = remove_commit,
    .attr_store_commit = store_commit,
};

int fault_engine_take_after(char uuid[37])
{
	int err = after_err;

	after_err = 0;
	if (err)
		memcpy(uuid, after_uuid, 37);
	return err;
}

int fault_engine_remove_device(struct fault_engine *e, struct mdev_device *m)
{
	(void)e;
	driver_removing = true;
	int ret = mdev_device_remove(m);
	driver_removing = false;
	return ret;
}

/* ----------------------------------------------- server-side decisions */

unsigned long fault_engine_delay(struct fault_engine *e, enum fault_op op,
				 const struct mdev_parent *parent,
				 const struct mdev_type *type, const char *attr)
{
	unsigned long ms = 0;

	if (!fault_engine_active(e))
		return 0;
	pthread_mutex_lock(&e->mu);
	struct slot *s = decide(e, FAULT_DELAY, op, parent, type, attr);
	if (s) {
		const struct fault_rule *r = &s->rule;
		ms = r->ms ? r->ms
			   : r->min_ms + draw(s) % (r->max_ms - r->min_ms + 1);
		fprintf(stderr,
			"mdevd: faults: rule %u: %s on %s%s%s held %lu ms\n",
			s->id, op_word(op), mdev_parent_name(parent),
			type ? "/" : "", type ? mdev_type_id(type) : "", ms);
	}
	pthread_mutex_unlock(&e->mu);
	return ms;
}

unsigned long fault_engine_overreport(struct fault_engine *e,
				      const struct mdev_type *type)
{
	unsigned long by = 0;

	if (!fault_engine_active(e))
		return 0;
	const char *parent = mdev_parent_name(mdev_type_parent(type));
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->n; i++) {
		const struct fault_rule *r = &e->slots[i].rule;
		if (r->action == FAULT_OVERREPORT &&
		    !strcmp(r->type, mdev_type_id(type)) &&
		    (!r->parent[0] || !strcmp(r->parent, parent)))
			by += r->by;
	}
	pthread_mutex_unlock(&e->mu);
	return by;
}

int fault_engine_due(struct fault_engine *e, struct fault_due *out,
		     int64_t *wait_ms)
{
	int64_t now = now_ms();
	int found = 0;

	*wait_ms = -1;
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->n; i++) {
		struct slot *s = &e->slots[i];
		if (!timed(&s->rule) || s->due_ms < 0)
			continue;
		if (s->due_ms <= now) {
			out->action = s->rule.action;
			out->id = s->id;
			snprintf(out->name, sizeof(out->name), "%s",
				 s->rule.action == FAULT_UNPLUG ? s->rule.parent
								: s->rule.uuid);
			/* A timed action happens once. */
			remove_slot(e, i, "due");
			found = 1;
			break;
		}
		if (*wait_ms < 0 || s->due_ms - now < *wait_ms)
			*wait_ms = s->due_ms - now;
	}
	pthread_mutex_unlock(&e->mu);
	return found;
}
