// SPDX-License-Identifier: MIT
/*
 * The fault rule grammar (fault_rule.h): strict, bounded, one message per
 * problem naming the key. The hardware loader and the control socket both
 * come through fault_rule_set(), so a rule means the same from either.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/names.h"
#include "fault_rule.h"

struct errno_name {
	const char *name;
	int err;
};

/* The errnos a manager can meet from an mdev sysfs write, and a few more
 * a buggy driver returns. */
static const struct errno_name errno_names[] = {
    {"EPERM", EPERM},	  {"ENOENT", ENOENT},	    {"EIO", EIO},
    {"ENXIO", ENXIO},	  {"E2BIG", E2BIG},	    {"EAGAIN", EAGAIN},
    {"ENOMEM", ENOMEM},	  {"EACCES", EACCES},	    {"EFAULT", EFAULT},
    {"EBUSY", EBUSY},	  {"EEXIST", EEXIST},	    {"ENODEV", ENODEV},
    {"EINVAL", EINVAL},	  {"ENFILE", ENFILE},	    {"ENOSPC", ENOSPC},
    {"ERANGE", ERANGE},	  {"EDEADLK", EDEADLK},	    {"ENOSYS", ENOSYS},
    {"ENODATA", ENODATA}, {"ETIMEDOUT", ETIMEDOUT}, {"EUSERS", EUSERS},
    {"ENOTSUP", ENOTSUP}, {"ECANCELED", ECANCELED}, {"EINTR", EINTR},
};

int fault_errno_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (strcmp(errno_names[i].name, name) == 0)
			return errno_names[i].err;
	return 0;
}

const char *fault_errno_name(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}

static const char *const action_names[] = {
    [FAULT_FAIL] = "fail",
    [FAULT_DELAY] = "delay",
    [FAULT_OVERREPORT] = "overreport",
    [FAULT_UNPLUG] = "unplug",
    [FAULT_RESET] = "reset",
};

static const char *const op_names[] = {
    [FAULT_OP_NONE] = "",
    [FAULT_OP_CREATE] = "create",
    [FAULT_OP_REMOVE] = "remove",
    [FAULT_OP_STORE] = "store",
};

static void quote_value(char *out, size_t size, const char *v);

int fault_rule_init(struct fault_rule *r, const char *action, char *err,
		    size_t errlen)
{
	char q[80];

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++) {
		if (strcmp(action_names[i], action) == 0) {
			r->action = (enum fault_action)i;
			return 0;
		}
	}
	quote_value(q, sizeof(q), action);
	snprintf(err, errlen,
		 "unknown action '%s' (fail, delay, overreport, unplug, reset)",
		 q);
	return -EINVAL;
}

/* A decimal in [min, FAULT_MAX_COUNT], no sign, no spaces. */
static int parse_count(const char *s, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 10)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "0.25", "1", "1.0": a decimal in (0, 1]; at most 9 decimals. */
static int parse_fraction(const char *s, uint32_t *out)
{
	const char *p = s;
	double v = 0, scale = 1;
	size_t decimals = 0;

	if (*p != '0' && *p != '1')
		return -EINVAL;
	v = *p++ - '0';
	if (*p == '.') {
		p++;
		if (!*p)
			return -EINVAL;
		for (; *p; p++, decimals++) {
			if (!isdigit((unsigned char)*p) || decimals >= 9)
				return -EINVAL;
			scale /= 10;
			v += (*p - '0') * scale;
		}
	} else if (*p) {
		return -EINVAL;
	}
	if (v <= 0 || v > 1)
		return -EINVAL;
	*out = v >= 1 ? UINT32_MAX : (uint32_t)(v * UINT32_MAX);
	return *out ? 0 : -EINVAL;
}

static int parse_seed(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || strlen(s) > 19)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

static int set_name(char *dst, size_t size, const char *value, bool group)
{
	const char *slash = group ? strchr(value, '/') : NULL;

	if (strlen(value) >= size)
		return -EINVAL;
	if (slash) {
		char first[MDEV_NAME_MAX + 1];
		size_t n = (size_t)(slash - value);
		if (n >= sizeof(first))
			return -EINVAL;
		memcpy(first, value, n);
		first[n] = '\0';
		if (!name_is_sysfs(first, MDEV_NAME_MAX) ||
		    !name_is_sysfs(slash + 1, MDEV_NAME_MAX))
			return -EINVAL;
	} else if (!name_is_sysfs(value, MDEV_NAME_MAX)) {
		return -EINVAL;
	}
	strcpy(dst, value);
	return 0;
}

static int set_uuid(struct fault_rule *r, const char *value)
{
	uuid_t u;

	if (strlen(value) != 36 || uuid_parse(value, u) < 0)
		return -EINVAL;
	uuid_unparse_lower(u, r->uuid);
	return 0;
}

static int set_op(struct fault_rule *r, const char *value)
{
	for (size_t i = 1; i < ARRAY_SIZE(op_names); i++) {
		if (strcmp(op_names[i], value) == 0) {
			r->op = (enum fault_op)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int set_errno(struct fault_rule *r, const char *value)
{
	unsigned long n;

	r->err = fault_errno_parse(value);
	if (!r->err && parse_count(value, 1, 4095, &n) == 0)
		r->err = (int)n;
	return r->err ? 0 : -EINVAL;
}

static int set_when(struct fault_rule *r, const char *value)
{
	if (strcmp(value, "before") && strcmp(value, "after"))
		return -EINVAL;
	r->after = strcmp(value, "after") == 0;
	return 0;
}

struct rule_key {
	const char *name;
	/* Which actions take it (bit per enum fault_action). */
	unsigned actions;
	const char *expect; /* the message's "expected ..." */
};

#define A(x) (1u << (x))
#define MATCHERS (A(FAULT_FAIL) | A(FAULT_DELAY))

static const struct rule_key rule_keys[] = {
    {"op", MATCHERS, "create, remove or store"},
    {"parent", MATCHERS | A(FAULT_OVERREPORT) | A(FAULT_UNPLUG),
     "a parent name"},
    {"type", MATCHERS | A(FAULT_OVERREPORT), "a type id"},
    {"attr", MATCHERS, "an attribute name (file or group/file)"},
    {"uuid", A(FAULT_RESET), "a UUID"},
    {"errno", A(FAULT_FAIL), "an errno name (EIO, EBUSY, ...) or 1..4095"},
    {"when", A(FAULT_FAIL), "before or after"},
    {"next", MATCHERS, "a count 1..1000000000"},
    {"every", MATCHERS, "a count 1..1000000000"},
    {"fraction", MATCHERS, "a decimal in (0, 1], at most 9 decimals"},
    {"seed", MATCHERS, "a decimal below 10^19"},
    {"ms", A(FAULT_DELAY), "milliseconds 1..60000"},
    {"min", A(FAULT_DELAY), "milliseconds 0..60000"},
    {"max", A(FAULT_DELAY), "milliseconds 1..60000"},
    {"by", A(FAULT_OVERREPORT), "a count 1..1000000000"},
    {"after", A(FAULT_UNPLUG), "a count of creates 1..1000000000"},
    {"in", A(FAULT_UNPLUG) | A(FAULT_RESET), "milliseconds 0..1000000000"},
};

static int apply_key(struct fault_rule *r, const struct rule_key *k,
		     const char *v)
{
	const char *n = k->name;

	if (!strcmp(n, "op"))
		return set_op(r, v);
	if (!strcmp(n, "parent"))
		return set_name(r->parent, sizeof(r->parent), v, false);
	if (!strcmp(n, "type"))
		return set_name(r->type, sizeof(r->type), v, false);
	if (!strcmp(n, "attr"))
		return set_name(r->attr, sizeof(r->attr), v, true);
	if (!strcmp(n, "uuid"))
		return set_uuid(r, v);
	if (!strcmp(n, "errno"))
		return set_errno(r, v);
	if (!strcmp(n, "when"))
		return set_when(r, v);
	if (!strcmp(n, "next"))
		return parse_count(v, 1, FAULT_MAX_COUNT, &r->next);
	if (!strcmp(n, "every"))
		return parse_count(v, 1, FAULT_MAX_COUNT, &r->every);
	if (!strcmp(n, "fraction")) {
		if (parse_fraction(v, &r->fraction) < 0)
			return -EINVAL;
		snprintf(r->fraction_text, sizeof(r->fraction_text), "%s", v);
		return 0;
	}
	if (!strcmp(n, "seed"))
		return parse_seed(v, &r->seed);
	if (!strcmp(n, "ms"))
		return parse_count(v, 1, FAULT_MAX_MS, &r->ms);
	if (!strcmp(n, "min"))
		return parse_count(v, 0, FAULT_MAX_MS, &r->min_ms);
	if (!strcmp(n, "max"))
		return parse_count(v, 1, FAULT_MAX_MS, &r->max_ms);
	if (!strcmp(n, "by"))
		return parse_count(v, 1, FAULT_MAX_COUNT, &r->by);
	if (!strcmp(n, "after"))
		return parse_count(v, 1, FAULT_MAX_COUNT, &r->after_creates);
	r->has_in = true;
	return parse_count(v, 0, FAULT_MAX_COUNT, &r->in_ms);
}

/* Values are quoted in messages cut short and without control bytes, so
 * a message stays one line whatever a client sent. */
static void quote_value(char *out, size_t size, const char *v)
{
	size_t j = 0;

	for (size_t i = 0; v[i] && j + 5 < size && i < 64; i++)
		out[j++] =
		    (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
	if (strlen(v) > 64 && j + 4 < size) {
		memcpy(out + j, "...", 3);
		j += 3;
	}
	out[j] = '\0';
}

int fault_rule_set_problem(struct fault_rule *r, const char *key,
			   const char *value, char *problem, size_t len)
{
	char q[80];

	for (size_t i = 0; i < ARRAY_SIZE(rule_keys); i++) {
		const struct rule_key *k = &rule_keys[i];
		if (strcmp(k->name, key))
			continue;
		if (!(k->actions & A(r->action)))
			break;
		if (apply_key(r, k, value) == 0)
			return 0;
		quote_value(q, sizeof(q), value);
		snprintf(problem, len, "expected %s, got '%s'", k->expect, q);
		return -EINVAL;
	}
	snprintf(problem, len, "unknown key for %s", action_names[r->action]);
	return -EINVAL;
}

int fault_rule_set(struct fault_rule *r, const char *key, const char *value,
		   char *err, size_t errlen)
{
	char q[80], problem[256];

	if (fault_rule_set_problem(r, key, value, problem, sizeof(problem)) ==
	    0)
		return 0;
	quote_value(q, sizeof(q), key);
	snprintf(err, errlen, "%s: %s", q, problem);
	return -EINVAL;
}

int fault_rule_check(const struct fault_rule *r, char *err, size_t errlen)
{
	int schedules = !!r->next + !!r->every + !!r->fraction;

	switch (r->action) {
	case FAULT_FAIL:
	case FAULT_DELAY:
		if (r->op == FAULT_OP_NONE)
			return snprintf(err, errlen,
					"op: required (create, remove or "
					"store)"),
			       -EINVAL;
		if (r->attr[0] && r->op != FAULT_OP_STORE)
			return snprintf(err, errlen,
					"attr: only with op=store"),
			       -EINVAL;
		if (schedules > 1)
			return snprintf(err, errlen,
					"next, every, fraction: at most one "
					"schedule"),
			       -EINVAL;
		break;
	case FAULT_OVERREPORT:
		if (!r->type[0] || !r->by)
			return snprintf(err, errlen, "type and by: required"),
			       -EINVAL;
		return 0;
	case FAULT_UNPLUG:
		if (!r->parent[0])
			return snprintf(err, errlen, "parent: required"),
			       -EINVAL;
		return 0;
	case FAULT_RESET:
		if (!r->uuid[0])
			return snprintf(err, errlen, "uuid: required"), -EINVAL;
		return 0;
	}
	if (r->action == FAULT_FAIL) {
		if (!r->err)
			return snprintf(err, errlen,
					"errno: required (EIO, EBUSY, ...)"),
			       -EINVAL;
		if (r->after && r->op != FAULT_OP_CREATE)
			return snprintf(err, errlen,
					"when: after only with op=create"),
			       -EINVAL;
		return 0;
	}
	if (!r->ms == !(r->max_ms || r->min_ms))
		return snprintf(err, errlen,
				"ms, or min and max: exactly one of them"),
		       -EINVAL;
	if (!r->ms && (!r->max_ms || r->min_ms > r->max_ms))
		return snprintf(err, errlen,
				"min, max: expected min <= max and max > 0"),
		       -EINVAL;
	return 0;
}

/* Longest line a rule can be; the control socket's line limit. */
#define LINE_WORDS 32

int fault_rule_parse_line(const char *line, struct fault_rule *r, char *err,
			  size_t errlen)
{
	char buf[1024];
	char *save = NULL, *word;
	int ret, words = 0;

	if (strlen(line) >= sizeof(buf)) {
		snprintf(err, errlen, "line longer than %zu bytes",
			 sizeof(buf) - 1);
		return -EINVAL;
	}
	strcpy(buf, line);
	word = strtok_r(buf, " \t", &save);
	if (!word) {
		snprintf(err, errlen, "empty rule");
		return -EINVAL;
	}
	ret = fault_rule_init(r, word, err, errlen);
	while (!ret && (word = strtok_r(NULL, " \t", &save))) {
		char *eq = strchr(word, '=');
		char q[80];
		if (!eq || eq == word || ++words > LINE_WORDS) {
			quote_value(q, sizeof(q), word);
			snprintf(err, errlen, "'%s': expected KEY=VALUE", q);
			return -EINVAL;
		}
		*eq = '\0';
		ret = fault_rule_set(r, word, eq + 1, err, errlen);
	}
	return ret ? ret : fault_rule_check(r, err, errlen);
}

static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n;
}

void fault_rule_format(const struct fault_rule *r, char *buf, size_t size)
{
	size_t len = 0;
	const char *en = fault_errno_name(r->err);

	buf[0] = '\0';
	put(buf, size, &len, "%s", action_names[r->action]);
	if (r->op)
		put(buf, size, &len, " op=%s", op_names[r->op]);
	if (r->parent[0])
		put(buf, size, &len, " parent=%s", r->parent);
	if (r->type[0])
		put(buf, size, &len, " type=%s", r->type);
	if (r->attr[0])
		put(buf, size, &len, " attr=%s", r->attr);
	if (r->uuid[0])
		put(buf, size, &len, " uuid=%s", r->uuid);
	if (r->err && en)
		put(buf, size, &len, " errno=%s", en);
	else if (r->err)
		put(buf, size, &len, " errno=%d", r->err);
	if (r->after)
		put(buf, size, &len, " when=after");
	if (r->next)
		put(buf, size, &len, " next=%lu", r->next);
	if (r->every)
		put(buf, size, &len, " every=%lu", r->every);
	if (r->fraction)
		put(buf, size, &len, " fraction=%s", r->fraction_text);
	if (r->fraction || r->max_ms)
		put(buf, size, &len, " seed=%llu", (unsigned long long)r->seed);
	if (r->ms)
		put(buf, size, &len, " ms=%lu", r->ms);
	if (r->max_ms)
		put(buf, size, &len, " min=%lu max=%lu", r->min_ms, r->max_ms);
	if (r->by)
		put(buf, size, &len, " by=%lu", r->by);
	if (r->after_creates)
		put(buf, size, &len, " after=%lu", r->after_creates);
	if (r->has_in)
		put(buf, size, &len, " in=%lu", r->in_ms);
}
