/* SPDX-License-Identifier: MIT */
/*
 * UUID parsing with the exact acceptance rules and error texts of the Rust
 * uuid crate 1.2 that mdevctl 1.2.0 uses: simple (32 hex), hyphenated,
 * braced and urn:uuid: forms, any case. Formatting is libuuid's.
 */
#include "ctl.h"

#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Fills u from 32 hex digits taken from s, skipping hyphens at the given
 * positions; returns false on any other character. */
static bool parse_hex(const char *s, size_t len, bool hyphenated, ctl_uuid *u)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		int h;

		if (hyphenated && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return false;
			continue;
		}
		h = hexval((unsigned char)s[i]);
		if (h < 0 || n >= 32)
			return false;
		if (n % 2 == 0)
			u->b[n / 2] = (unsigned char)(h << 4);
		else
			u->b[n / 2] |= (unsigned char)h;
		n++;
	}
	return n == 32;
}

static size_t utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

static char *invalid_char(const char *p, size_t index)
{
	size_t n = utf8_len((unsigned char)*p);

	/* the uuid crate of 1.4.0 words the class as the hex digits it is */
	return xasprintf("invalid character: expected an optional prefix of "
			 "`urn:uuid:` followed by %s, found `%.*s` at %zu",
			 compat_14() ? "[0-9a-fA-F-]" : "[0-9a-zA-Z]", (int)n,
			 p, index);
}

/* The crate's InvalidUuid::into_err: explains why s did not parse. */
static char *explain(const char *input)
{
	static const size_t starts[5] = {0, 9, 14, 19, 24};
	size_t inlen = strlen(input), off = 0, slen, i, hyphens = 0;
	size_t bounds[4] = {0, 0, 0, 0};
	const char *s = input;
	bool simple = true;

	if (inlen >= 2 && input[0] == '{' && input[inlen - 1] == '}') {
		s = input + 1;
		slen = inlen - 2;
		off = 1;
		simple = false;
	} else if (!strncmp(input, "urn:uuid:", 9)) {
		s = input + 9;
		slen = inlen - 9;
		off = 9;
		simple = false;
	} else {
		slen = inlen;
	}
	for (i = 0; i < slen;) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80)
			return invalid_char(s + i, i + off + 1);
		if (c == '-') {
			if (hyphens < 4)
				bounds[hyphens] = i;
			hyphens++;
		} else if (hexval(c) < 0) {
			return invalid_char(s + i, i + off + 1);
		}
		i++;
	}
	if (hyphens == 0 && simple)
		return xasprintf(
		    "invalid length: expected length 32 for simple "
		    "format, found %zu",
		    inlen);
	if (hyphens != 4)
		return xasprintf("invalid group count: expected 5, found %zu",
				 hyphens + 1);
	for (i = 0; i < 4; i++) {
		static const int expect[5] = {8, 4, 4, 4, 12};

		if (bounds[i] != starts[i + 1] - 1)
			return xasprintf("invalid group length in group %zu: "
					 "expected %d, found %zu",
					 i, expect[i], bounds[i] - starts[i]);
	}
	return xasprintf("invalid group length in group 4: expected 12, found "
			 "%zu",
			 inlen - starts[4]);
}

int uuid_parse_rs(const char *s, ctl_uuid *u, char **msg)
{
	size_t len = strlen(s);
	bool ok = false;

	if (len == 32)
		ok = parse_hex(s, 32, false, u);
	else if (len == 36)
		ok = parse_hex(s, 36, true, u);
	else if (len == 38 && s[0] == '{' && s[37] == '}')
		ok = parse_hex(s + 1, 36, true, u);
	else if (len == 45 && !strncmp(s, "urn:uuid:", 9))
		ok = parse_hex(s + 9, 36, true, u);
	if (ok)
		return 0;
	if (msg)
		*msg = explain(s);
	return -1;
}

void uuid_fmt(const ctl_uuid *u, char out[37])
{
	uuid_unparse_lower(u->b, out);
}

void uuid_gen(ctl_uuid *u)
{
	uuid_generate_random(u->b);
}

int uuid_cmp(const ctl_uuid *a, const ctl_uuid *b)
{
	return memcmp(a->b, b->b, 16);
}
