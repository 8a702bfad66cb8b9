// SPDX-License-Identifier: MIT
/*
 * The fault layer on a real core (src/faults): each schedule, each
 * operation, the core's own undo (pools back), a when=after create, the
 * seeded fraction replaying exactly, timed actions, and the rule grammar
 * (every rule prints as a line that parses back to itself).
 */
#include <errno.h>

#include "fake.h"
#include "fault_engine.h"

#define UUID_FMT "%08x-0000-4000-8000-000000000000"

struct bench {
	struct mdev_core *core;
	struct fault_engine *e;
	struct mdev_type *t1;
	unsigned wakes;
};

static void on_wake(void *opaque)
{
	((struct bench *)opaque)->wakes++;
}

static void bench_up(struct bench *b)
{
	memset(b, 0, sizeof(*b));
	b->core = mdev_core_new();
	assert_non_null(b->core);
	assert_int_equal(
	    mdev_parent_register(b->core, &mtty_parent, NULL, NULL, 0), 0);
	b->t1 = test_type(b->core, "mtty", "mtty-1");
	b->e = fault_engine_new(on_wake, b);
	assert_non_null(b->e);
	assert_int_equal(mdev_core_attach(b->core, &fault_consumer_ops, b->e),
			 0);
}

static void bench_down(struct bench *b)
{
	mdev_core_detach(b->core, &fault_consumer_ops, b->e);
	mdev_core_free(b->core);
	fault_engine_free(b->e);
}

static void add(struct bench *b, const char *line)
{
	struct fault_rule r;
	char err[256] = "";
	int ret = fault_rule_parse_line(line, &r, err, sizeof(err));
	if (ret)
		fail_msg("%s: %s", line, err);
	assert_int_equal(fault_engine_add(b->e, &r, false, NULL), 0);
}

static int create_n(struct bench *b, unsigned n)
{
	char u[40];
	snprintf(u, sizeof(u), UUID_FMT, n);
	return mdev_type_create_write(b->t1, u, 36);
}

static void test_next_and_every(void **state)
{
	struct bench b;

	(void)state;
	bench_up(&b);
	add(&b, "fail op=create errno=EIO next=2");
	assert_int_equal(create_n(&b, 1), -EIO);
	assert_int_equal(create_n(&b, 2), -EIO);
	/* The core gave the ports back: nothing leaked. */
	assert_int_equal(mdev_type_available(b.t1), 24);
	assert_int_equal(mdev_device_count(b.core), 0);
	assert_int_equal(create_n(&b, 3), 0);
	assert_int_equal(fault_engine_clear(b.e, 0), 0);
	add(&b, "fail op=create type=mtty-1 errno=EBUSY every=3");
	int got[6];
	for (unsigned i = 0; i < 6; i++)
		got[i] = create_n(&b, 10 + i);
	int want[6] = {0, 0, -EBUSY, 0, 0, -EBUSY};
	assert_memory_equal(got, want, sizeof(want));
	/* A filter that does not match leaves the operation alone. */
	assert_int_equal(fault_engine_clear(b.e, 0), 0);
	add(&b, "fail op=create type=mtty-2 errno=EIO");
	assert_int_equal(create_n(&b, 20), 0);
	bench_down(&b);
}

/* The pattern of failures of 200 creates under fraction=0.3, seed S. */
static void fraction_pattern(uint64_t seed, char *out)
{
	struct bench b;
	char line[128];

	bench_up(&b);
	snprintf(line, sizeof(line),
		 "fail op=create errno=ENOSPC fraction=0.3 seed=%llu",
		 (unsigned long long)seed);
	add(&b, line);
	for (unsigned i = 0; i < 200; i++) {
		int ret = create_n(&b, 100 + i);
		out[i] = ret ? 'x' : '.';
		if (!ret) {
			char u[40];
			snprintf(u, sizeof(u), UUID_FMT, 100 + i);
			mdev_device_remove(mdev_device_find_name(b.core, u));
		}
	}
	out[200] = '\0';
	bench_down(&b);
}

static void test_fraction_replays(void **state)
{
	char a[201], a2[201], c[201];

	(void)state;
	fraction_pattern(42, a);
	fraction_pattern(42, a2);
	fraction_pattern(43, c);
	assert_string_equal(a, a2);
	assert_string_not_equal(a, c);
	size_t fails = 0;
	for (size_t i = 0; i < 200; i++)
		fails += a[i] == 'x';
	/* 0.3 of 200 = 60; a fair generator stays well within 30..90. */
	assert_in_range(fails, 30, 90);
}

static void test_remove_and_store(void **state)
{
	struct bench b;
	struct mdev_device *m;

	(void)state;
	bench_up(&b);
	assert_int_equal(create_n(&b, 1), 0);
	m = mdev_device_first(b.core);
	add(&b, "fail op=remove errno=EBUSY next=1");
	assert_int_equal(mdev_device_remove_write(m, "1", 1), -EBUSY);
	assert_int_equal(mdev_device_count(b.core), 1);
	/* A reset is the driver's own removal: no remove rule refuses it. */
	add(&b, "fail op=remove errno=EBUSY");
	assert_int_equal(fault_engine_remove_device(b.e, m), 0);
	assert_int_equal(mdev_device_count(b.core), 0);
	bench_down(&b);
}

static void test_after(void **state)
{
	struct bench b;
	char uuid[37];

	(void)state;
	bench_up(&b);
	add(&b, "fail op=create errno=EIO when=after next=1");
	/* The commit lets the device appear; the server takes it back. */
	assert_int_equal(create_n(&b, 7), 0);
	assert_int_equal(fault_engine_take_after(uuid), EIO);
	assert_string_equal(uuid, "00000007-0000-4000-8000-000000000000");
	assert_int_equal(fault_engine_take_after(uuid), 0);
	assert_int_equal(create_n(&b, 8), 0);
	assert_int_equal(fault_engine_take_after(uuid), 0);
	bench_down(&b);
}

static void test_timed_and_server_side(void **state)
{
	struct bench b;
	struct fault_due due;
	int64_t wait;

	(void)state;
	bench_up(&b);
	add(&b, "unplug parent=mtty after=2");
	assert_int_equal(fault_engine_due(b.e, &due, &wait), 0);
	assert_int_equal(wait, -1);
	assert_int_equal(create_n(&b, 1), 0);
	assert_int_equal(fault_engine_due(b.e, &due, &wait), 0);
	unsigned wakes = b.wakes;
	assert_int_equal(create_n(&b, 2), 0);
	assert_true(b.wakes > wakes);
	assert_int_equal(fault_engine_due(b.e, &due, &wait), 1);
	assert_int_equal(due.action, FAULT_UNPLUG);
	assert_string_equal(due.name, "mtty");
	/* Consumed: it happens once. */
	assert_int_equal(fault_engine_due(b.e, &due, &wait), 0);
	add(&b, "reset uuid=00000001-0000-4000-8000-000000000000 in=60000");
	assert_int_equal(fault_engine_due(b.e, &due, &wait), 0);
	assert_in_range(wait, 59000, 60000);

	add(&b, "overreport type=mtty-1 by=3");
	add(&b, "overreport type=mtty-1 parent=mtty by=4");
	assert_int_equal(fault_engine_overreport(b.e, b.t1), 7);
	assert_int_equal(
	    fault_engine_overreport(b.e, test_type(b.core, "mtty", "mtty-2")),
	    0);

	add(&b, "delay op=store min=10 max=20 seed=9");
	struct mdev_parent *p = mdev_type_parent(b.t1);
	unsigned long first[8], again[8];
	for (int i = 0; i < 8; i++) {
		first[i] =
		    fault_engine_delay(b.e, FAULT_OP_STORE, p, b.t1, "a");
		assert_in_range(first[i], 10, 20);
	}
	assert_int_equal(fault_engine_clear(b.e, 0), 0);
	add(&b, "delay op=store min=10 max=20 seed=9");
	for (int i = 0; i < 8; i++)
		again[i] =
		    fault_engine_delay(b.e, FAULT_OP_STORE, p, b.t1, "a");
	assert_memory_equal(first, again, sizeof(first));
	assert_int_equal(
	    fault_engine_delay(b.e, FAULT_OP_CREATE, p, b.t1, NULL), 0);
	assert_int_equal(fault_engine_clear(b.e, 12345), -ENOENT);
	bench_down(&b);
}

static void test_grammar(void **state)
{
	static const char *const lines[] = {
	    "fail op=create errno=EIO",
	    "fail op=create parent=mtty type=mtty-1 errno=EBUSY when=after "
	    "next=3",
	    "fail op=store attr=nvidia/vgpu_params errno=EINVAL every=2",
	    "fail op=remove errno=87 fraction=0.25 seed=7",
	    "delay op=remove ms=250",
	    "delay op=create min=0 max=300 seed=1",
	    "overreport type=nvidia-230 by=2",
	    "unplug parent=0000:65:00.0 after=4 in=10",
	    "reset uuid=aaaaaaaa-0000-4000-8000-000000000000",
	};
	static const char *const bad[][2] = {
	    {"", "empty rule"},
	    {"fail op=create", "errno: required (EIO, EBUSY, ...)"},
	    {"fail op=create errno", "'errno': expected KEY=VALUE"},
	    {"fail op=create errno=EIO next=0",
	     "next: expected a count 1..1000000000, got '0'"},
	    {"fail op=make errno=EIO",
	     "op: expected create, remove or store, got 'make'"},
	    {"fail op=create errno=EIO attr=x", "attr: only with op=store"},
	    {"delay op=create", "ms, or min and max: exactly one of them"},
	    {"delay op=create min=5 max=4",
	     "min, max: expected min <= max and max > 0"},
	    {"overreport by=2", "type and by: required"},
	    {"reset uuid=xyz", "uuid: expected a UUID, got 'xyz'"},
	    {"fail op=create errno=EIO type=a/b",
	     "type: expected a type id, got 'a/b'"},
	    {"fail op=create errno=EIO seed=-1",
	     "seed: expected a decimal below 10^19, got '-1'"},
	};
	struct fault_rule r, r2;
	char err[256], out[1024], out2[1024];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		if (fault_rule_parse_line(lines[i], &r, err, sizeof(err)))
			fail_msg("%s: %s", lines[i], err);
		fault_rule_format(&r, out, sizeof(out));
		if (fault_rule_parse_line(out, &r2, err, sizeof(err)))
			fail_msg("%s: %s", out, err);
		fault_rule_format(&r2, out2, sizeof(out2));
		assert_string_equal(out, out2);
	}
	fault_rule_parse_line(lines[3], &r, err, sizeof(err));
	fault_rule_format(&r, out, sizeof(out));
	assert_string_equal(out, "fail op=remove errno=EUSERS fraction=0.25 "
				 "seed=7");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		assert_int_equal(
		    fault_rule_parse_line(bad[i][0], &r, err, sizeof(err)),
		    -EINVAL);
		assert_string_equal(err, bad[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_next_and_every),
	    cmocka_unit_test(test_fraction_replays),
	    cmocka_unit_test(test_remove_and_store),
	    cmocka_unit_test(test_after),
	    cmocka_unit_test(test_timed_and_server_side),
	    cmocka_unit_test(test_grammar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
