// SPDX-License-Identifier: MIT
/*
 * mdevd --record's readings of a host's sysfs text (src/fs/record_parse.c):
 * the input is one file's contents as read_value() reads it (a page, cut
 * at a NUL, one newline trimmed). Whatever it holds, an accepted number
 * prints back as the very text the kernel would have shown, the capacity
 * never wraps, an attribute mode is one of the three, and a value the
 * recorder writes into the hardware file reads back unchanged.
 */
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_parse.h"

#define PAGE 4096

static void check_decimal(const char *s)
{
	char back[32];
	unsigned long n;

	if (!record_parse_decimal(s, RECORD_GROUP_MAX, &n))
		return;
	snprintf(back, sizeof(back), "%lu", n);
	if (n > RECORD_GROUP_MAX || strcmp(back, s))
		abort();
}

static void check_group(const char *s)
{
	const char *slash = strrchr(s, '/');
	char back[32];
	unsigned g;

	if (!record_parse_group(s, &g))
		return;
	snprintf(back, sizeof(back), "%u", g);
	if (g > RECORD_GROUP_MAX || strcmp(back, slash ? slash + 1 : s))
		abort();
}

/* "AVAILABLE DEVICES": the two numbers a type's capacity comes from. */
static void check_capacity(const char *s)
{
	unsigned long avail, devices, max = 0;
	char first[32];
	const char *space = strchr(s, ' ');

	if (!space || (size_t)(space - s) >= sizeof(first))
		return;
	memcpy(first, s, (size_t)(space - s));
	first[space - s] = '\0';
	if (!record_parse_decimal(first, ULONG_MAX, &avail) ||
	    !record_parse_decimal(space + 1, ULONG_MAX, &devices))
		return;
	switch (record_capacity(avail, devices, &max)) {
	case RECORD_CAP_UNLIMITED:
		if (avail < RECORD_AVAILABLE_UNLIMITED &&
		    devices < RECORD_AVAILABLE_UNLIMITED - avail)
			abort();
		break;
	case RECORD_CAP_EXHAUSTED:
		if (avail || devices)
			abort();
		break;
	case RECORD_CAP_MAX:
		if (!max || max >= RECORD_AVAILABLE_UNLIMITED ||
		    max - avail != devices)
			abort();
		break;
	}
}

static void check_mode(const uint8_t *data, size_t size)
{
	unsigned perm =
	    size >= 2 ? (unsigned)(data[0] | data[1] << 8) & 0777 : 0;
	const char *mode = record_attr_mode(perm);
	bool known = perm == 0444 || perm == 0644 || perm == 0200;

	if (known != (mode != NULL))
		abort();
}

/* The recorder writes a value with json_string(); the replay reads it
 * with the hardware loader's jansson: the same bytes must come back. */
static void check_json_value(const char *s)
{
	json_t *v = json_string(s), *back;
	char *text;

	if (!v)
		return; /* not UTF-8: reported and left out */
	text = json_dumps(v, JSON_ENCODE_ANY);
	back = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	if (!back || strcmp(json_string_value(back), s))
		abort();
	json_decref(back);
	free(text);
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[PAGE + 1];
	size_t n = size < PAGE ? size : PAGE;

	memcpy(buf, data, n);
	buf[n] = '\0';
	n = strnlen(buf, n);
	bool newline = n > 0 && buf[n - 1] == '\n';
	if (record_value_trim(buf, n) != n - newline ||
	    strlen(buf) != n - newline)
		abort();
	check_decimal(buf);
	check_group(buf);
	check_capacity(buf);
	check_mode(data, size);
	check_json_value(buf);
	return 0;
}
