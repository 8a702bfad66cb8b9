// SPDX-License-Identifier: MIT
/* Value parsers, table-driven: class attribute formats, the create UUID
 * rule and the remove value rule (the kernel's kstrtoul). */
#include <errno.h>
#include <limits.h>

#include "fake.h"

struct fb_case {
	const char *in;
	int ret;
	uint64_t bytes;
};

static void test_fb_length(void **state)
{
	static const struct fb_case cases[] = {
	    {"1024M", 0, 1024ull << 20},
	    {"1K", 0, 1024},
	    {"4G", 0, 4ull << 30},
	    {"0512M", 0, 512ull << 20},
	    {"17179869183G", 0, 17179869183ull << 30},
	    {"17179869184G", -EINVAL, 0}, /* 2^64: overflow */
	    {"99999999999999999999K", -EINVAL, 0},
	    {"0M", -EINVAL, 0},
	    {"M", -EINVAL, 0},
	    {"", -EINVAL, 0},
	    {"12X", -EINVAL, 0},
	    {"1024", -EINVAL, 0},
	    {"1024m", -EINVAL, 0},
	    {"-1M", -EINVAL, 0},
	    {"+1M", -EINVAL, 0},
	    {" 1M", -EINVAL, 0},
	    {"1M ", -EINVAL, 0},
	    {"1MM", -EINVAL, 0},
	    {"1.5G", -EINVAL, 0},
	    {"1M\n", -EINVAL, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t bytes = 0;
		int ret = mdev_parse_fb_length(cases[i].in, &bytes);

		if (ret != cases[i].ret)
			fail_msg("fb_length '%s': %d, want %d", cases[i].in,
				 ret, cases[i].ret);
		if (ret == 0)
			assert_int_equal(bytes, cases[i].bytes);
	}
	assert_int_equal(mdev_parse_fb_length(NULL, &(uint64_t){0}), -EINVAL);
}

struct res_case {
	const char *in;
	int ret;
	unsigned h, v;
};

static void test_resolution(void **state)
{
	static const struct res_case cases[] = {
	    {"1920x1080", 0, 1920, 1080},
	    {"5120x2880", 0, 5120, 2880},
	    {"1x1", 0, 1, 1},
	    {"4294967295x1", 0, 4294967295u, 1},
	    {"4294967296x1", -EINVAL, 0, 0},
	    {"0x1080", -EINVAL, 0, 0},
	    {"1920x0", -EINVAL, 0, 0},
	    {"1920X1080", -EINVAL, 0, 0},
	    {"1920x", -EINVAL, 0, 0},
	    {"x1080", -EINVAL, 0, 0},
	    {"1920x1080x", -EINVAL, 0, 0},
	    {"1920 x 1080", -EINVAL, 0, 0},
	    {"1920x-1080", -EINVAL, 0, 0},
	    {"", -EINVAL, 0, 0},
	    {"1920", -EINVAL, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned h = 0, v = 0;
		int ret = mdev_parse_resolution(cases[i].in, &h, &v);

		if (ret != cases[i].ret)
			fail_msg("resolution '%s': %d, want %d", cases[i].in,
				 ret, cases[i].ret);
		if (ret == 0) {
			assert_int_equal(h, cases[i].h);
			assert_int_equal(v, cases[i].v);
		}
	}
}

static void test_heads(void **state)
{
	static const struct {
		const char *in;
		int ret;
		unsigned heads;
	} cases[] = {
	    {"1", 0, 1},	 {"4", 0, 4},
	    {"16", 0, 16},	 {"4294967295", 0, 4294967295u},
	    {"0", -EINVAL, 0},	 {"4294967296", -EINVAL, 0},
	    {"-1", -EINVAL, 0},	 {"+1", -EINVAL, 0},
	    {"", -EINVAL, 0},	 {"1.5", -EINVAL, 0},
	    {"two", -EINVAL, 0}, {"4 ", -EINVAL, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned heads = 0;
		int ret = mdev_parse_heads(cases[i].in, &heads);

		if (ret != cases[i].ret)
			fail_msg("heads '%s': %d, want %d", cases[i].in, ret,
				 cases[i].ret);
		if (ret == 0)
			assert_int_equal(heads, cases[i].heads);
	}
}

#define U "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define UU "1B4E28BA-2FA1-11D2-883F-0016D3CCA427"

static void test_create_uuid(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int ret;
	} cases[] = {
	    {U, 36, 0},
	    {UU, 36, 0},
	    {U "\n", 37, 0},
	    {U "x", 37, 0},	     /* the 37th byte is not checked */
	    {U, 35, -EINVAL},	     /* 35 bytes */
	    {U "\r\n", 38, -EINVAL}, /* 38 bytes */
	    {U "\n\n", 38, -EINVAL},
	    {"{" U "}", 38, -EINVAL}, /* braces */
	    {"{" U, 37, -EINVAL},
	    {"1b4e28ba2fa111d2883f0016d3cca427", 32, -EINVAL},
	    {"1b4e28ba2fa111d2883f0016d3cca427\n", 33, -EINVAL},
	    {"1b4e28ba-2fa1-11d2-883f-0016d3cca42g", 36, -EINVAL},
	    {"1b4e28ba-2fa1-11d2-883f+0016d3cca427", 36, -EINVAL},
	    {"1b4e28b-a2fa1-11d2-883f-0016d3cca427", 36, -EINVAL},
	    {"------------------------------------", 36, -EINVAL},
	    {"../../../../../../../../../../../../", 36, -EINVAL},
	    {" 1b4e28ba-2fa1-11d2-883f-0016d3cca42", 36, -EINVAL},
	    {"1b4e28ba-2fa1-11d2-883f-0016d3cc\0"
	     "427",
	     36, -EINVAL},
	    {"", 0, -EINVAL},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uuid_t out, want;
		int ret =
		    mdev_parse_create_uuid(cases[i].in, cases[i].len, out);

		if (ret != cases[i].ret)
			fail_msg("create uuid case %zu '%s' (%zu): %d, want %d",
				 i, cases[i].in, cases[i].len, ret,
				 cases[i].ret);
		if (ret == 0) {
			assert_int_equal(uuid_parse(U, want), 0);
			assert_memory_equal(out, want, sizeof(uuid_t));
		}
	}
}

static void test_remove_value(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int ret;
		unsigned long val;
	} cases[] = {
	    {"1", 1, 0, 1},
	    {"1\n", 2, 0, 1},
	    {"0x1", 3, 0, 1},
	    {"0X1a", 4, 0, 26},
	    {"0", 1, 0, 0},
	    {"0\n", 2, 0, 0},
	    {"+1", 2, 0, 1},
	    {"010", 3, 0, 8},
	    {"18446744073709551615", 20, 0, ULONG_MAX},
	    {"0xffffffffffffffff", 18, 0, ULONG_MAX},
	    {"1\0junk", 6, 0, 1}, /* the kernel sees a C string */
	    {"18446744073709551616", 20, -ERANGE, 0},
	    {"0x10000000000000000", 19, -ERANGE, 0},
	    {"-1", 2, -EINVAL, 0},
	    {"", 0, -EINVAL, 0},
	    {"\n", 1, -EINVAL, 0},
	    {"abc", 3, -EINVAL, 0},
	    {"0x", 2, -EINVAL, 0},
	    {"0xg", 3, -EINVAL, 0},
	    {"09", 2, -EINVAL, 0},
	    {"1\n\n", 3, -EINVAL, 0},
	    {" 1", 2, -EINVAL, 0},
	    {"1 ", 2, -EINVAL, 0},
	    {"++1", 3, -EINVAL, 0},
	    {"1\r\n", 3, -EINVAL, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long val = 12345;
		int ret =
		    mdev_parse_remove_value(cases[i].in, cases[i].len, &val);

		if (ret != cases[i].ret)
			fail_msg("remove case %zu '%s': %d, want %d", i,
				 cases[i].in, ret, cases[i].ret);
		if (ret == 0)
			assert_int_equal(val, cases[i].val);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fb_length),
	    cmocka_unit_test(test_resolution),
	    cmocka_unit_test(test_heads),
	    cmocka_unit_test(test_create_uuid),
	    cmocka_unit_test(test_remove_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
