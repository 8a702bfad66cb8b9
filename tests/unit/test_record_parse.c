// SPDX-License-Identifier: MIT
/* mdevd --record's readings of sysfs text (src/fs/record_parse.c): numbers
 * as the kernel prints them, the IOMMU group of a link target, the
 * capacity a type replays with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "record_parse.h"

static void test_decimal(void **state)
{
	unsigned long n = 99;

	(void)state;
	assert_true(record_parse_decimal("0", 10, &n));
	assert_int_equal(n, 0);
	assert_true(record_parse_decimal("2147483647", RECORD_GROUP_MAX, &n));
	assert_int_equal(n, 2147483647ul);
	n = 99;
	assert_false(record_parse_decimal("2147483648", RECORD_GROUP_MAX, &n));
	assert_false(record_parse_decimal("", 10, &n));
	assert_false(record_parse_decimal("07", 10, &n));
	assert_false(record_parse_decimal(" 7", 10, &n));
	assert_false(record_parse_decimal("+7", 10, &n));
	assert_false(record_parse_decimal("-1", 10, &n));
	assert_false(record_parse_decimal("11", 10, &n));
	assert_false(record_parse_decimal(NULL, 10, &n));
	assert_int_equal(n, 99);
}

static void test_group(void **state)
{
	unsigned g = 0;
	char buf[8] = "25\n";

	(void)state;
	assert_true(record_parse_group("../../../kernel/iommu_groups/25", &g));
	assert_int_equal(g, 25);
	assert_true(record_parse_group("0", &g));
	assert_int_equal(g, 0);
	assert_false(record_parse_group("../iommu_groups/", &g));
	assert_false(record_parse_group("../iommu_groups/x1", &g));
	assert_int_equal(record_value_trim(buf, strlen(buf)), 2);
	assert_string_equal(buf, "25");
	assert_int_equal(record_value_trim(buf, 0), 0);
	assert_string_equal(buf, "");
}

static void test_capacity_and_modes(void **state)
{
	unsigned long max = 0;

	(void)state;
	assert_int_equal(record_capacity(15, 1, &max), RECORD_CAP_MAX);
	assert_int_equal(max, 16);
	assert_int_equal(record_capacity(0, 0, &max), RECORD_CAP_EXHAUSTED);
	assert_int_equal(record_capacity(2147483647ul, 0, &max),
			 RECORD_CAP_UNLIMITED);
	assert_int_equal(record_capacity(2147483646ul, 1, &max),
			 RECORD_CAP_UNLIMITED);
	assert_int_equal(record_capacity(1, ~0ul, &max), RECORD_CAP_UNLIMITED);
	assert_string_equal(record_attr_mode(0444), "ro");
	assert_string_equal(record_attr_mode(0644), "rw");
	assert_string_equal(record_attr_mode(0200), "wo");
	assert_null(record_attr_mode(0600));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decimal),
	    cmocka_unit_test(test_group),
	    cmocka_unit_test(test_capacity_and_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
