// SPDX-License-Identifier: MIT
/*
 * The class value parsers and mdev_class_check().
 *
 * Input: first byte selects what is exercised; the rest is the value (for
 * the parsers) or a generated type (for the class check), described as
 * NUL-separated fields: class name, then name/value pairs.
 *
 * Oracles (from the header, not from the core's code): a value a parser
 * accepts has exactly the documented shape, and parsing is deterministic;
 * mdev_class_check() returns 0 or -EINVAL, and on -EINVAL a non-empty
 * NUL-terminated one-line message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev.h"

#define MAX_FIELDS 16

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static void check_fb_length(const char *s)
{
	uint64_t bytes = 0, again = 0;
	if (mdev_parse_fb_length(s, &bytes) != 0)
		return;
	size_t n = strlen(s);
	if (n < 2 || !strchr("KMG", s[n - 1]) || !all_digits(s, n - 1))
		abort();
	/* The value must be n * unit exactly; one that overflows must have
	 * been refused. */
	uint64_t unit = s[n - 1] == 'K'	  ? 1ULL << 10
			: s[n - 1] == 'M' ? 1ULL << 20
					  : 1ULL << 30;
	errno = 0;
	uint64_t count = strtoull(s, NULL, 10), want;
	if (errno == ERANGE || __builtin_mul_overflow(count, unit, &want) ||
	    want != bytes)
		abort();
	if (mdev_parse_fb_length(s, &again) != 0 || again != bytes)
		abort();
}

static void check_resolution(const char *s)
{
	unsigned h = 0, v = 0;
	if (mdev_parse_resolution(s, &h, &v) != 0)
		return;
	const char *x = strchr(s, 'x');
	if (!x || !all_digits(s, (size_t)(x - s)) ||
	    !all_digits(x + 1, strlen(x + 1)) || h == 0 || v == 0)
		abort();
	if (strtoul(s, NULL, 10) != h || strtoul(x + 1, NULL, 10) != v)
		abort();
}

static void check_heads(const char *s)
{
	unsigned heads = 0;
	if (mdev_parse_heads(s, &heads) != 0)
		return;
	if (!all_digits(s, strlen(s)) || heads == 0 ||
	    strtoul(s, NULL, 10) != heads)
		abort();
}

/* Splits a NUL-terminated copy into up to MAX_FIELDS fields on '\0'. */
static size_t split_fields(char *buf, size_t len, const char **fields)
{
	size_t n = 0;
	const char *p = buf;
	while (p < buf + len && n < MAX_FIELDS) {
		fields[n++] = p;
		p += strlen(p) + 1;
	}
	return n;
}

static void check_class(char *buf, size_t len)
{
	const char *f[MAX_FIELDS];
	size_t n = split_fields(buf, len, f);
	struct mdev_kv kv[MAX_FIELDS / 2];
	size_t n_kv = 0;
	for (size_t i = 1; i + 1 < n; i += 2) {
		kv[n_kv].name = f[i];
		kv[n_kv].value = f[i + 1];
		n_kv++;
	}
	struct mdev_type_desc type = {
	    .id = "fuzz-1",
	    .device_api = "vfio-pci",
	    .class_name = n > 0 && f[0][0] ? f[0] : NULL,
	    .class_attrs = kv,
	    .n_class_attrs = n_kv,
	};
	char err[256];
	memset(err, 'X', sizeof(err));
	int rc = mdev_class_check("fuzz-parent", &type, err, sizeof(err));
	if (rc == 0)
		return;
	if (rc != -EINVAL)
		abort();
	if (!memchr(err, '\0', sizeof(err)) || err[0] == '\0' ||
	    strchr(err, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	/* Exact-size copy plus the NUL the parsers expect, so ASan sees any
	 * read past it. */
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0:
		check_fb_length(s);
		break;
	case 1:
		check_resolution(s);
		break;
	case 2:
		check_heads(s);
		break;
	default:
		check_class(s, size - 1);
		break;
	}
	free(s);
	return 0;
}
