// SPDX-License-Identifier: MIT
/*
 * The control socket's rule lines (fault_rule_parse_line): a hostile line
 * is refused with one non-empty line of message, and an accepted rule
 * prints as a line that parses back to the same rule (the canonical form
 * is a fixed point), so what `list` shows is what was meant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fault_rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[2048], err[512], out[1024], out2[1024];
	struct fault_rule r, r2;

	if (size >= sizeof(line))
		size = sizeof(line) - 1;
	memcpy(line, data, size);
	line[size] = '\0';
	err[0] = '\0';
	if (fault_rule_parse_line(line, &r, err, sizeof(err)) < 0) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	fault_rule_format(&r, out, sizeof(out));
	if (fault_rule_parse_line(out, &r2, err, sizeof(err)) < 0)
		abort();
	fault_rule_format(&r2, out2, sizeof(out2));
	if (strcmp(out, out2))
		abort();
	return 0;
}
