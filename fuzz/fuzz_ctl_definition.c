// SPDX-License-Identifier: MIT
/*
 * mdevctl's definition parser: the bytes of a definition file / --jsonfile.
 *
 *  1. read_jsonfile() then mdev_load_json(), as define --jsonfile does (the
 *     input is the file the store would hold, so one file serves both).
 * Oracles: a refusal carries a message; an accepted definition written back
 * (mdev_to_json + json_pretty, the store's file format) parses and loads again
 * to the very same bytes.
 *  2. That file, in a scratch store (ROOT/etc/mdevctl.d/p0/<uuid>), listed with
 * store_defined_devices() and formatted as `list -d`,
 *     `--dumpjson` and `-v` do. Oracle: a definition that (1) accepted is
 *     listed, one that it refused is not, and nothing crashes.
 *
 * The store reports bad files on stderr; stderr is muted while it runs
 * unless MDEV_FUZZ_VERBOSE is set.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "quiet_stderr.h"
#include "scratch_dir.h"

#define UUID_TEXT "0e5b4d2a-97c5-4f5c-9a4d-3d3c1e0f7a11"

static struct ctl_env env;
static char file_path[256];
static void setup_once(void)
{
	char *root;

	if (env.root)
		return;
	root = fuzz_scratch_dir("ctl");
	env.root = root;
	env.config_base = xpath_join(root, "etc/mdevctl.d");
	env.mdev_base = xpath_join(root, "sys/bus/mdev/devices");
	env.parent_base = xpath_join(root, "sys/class/mdev_bus");
	char *etc = xpath_join(root, "etc");
	if (mkdir(etc, 0755) || mkdir(env.config_base, 0755))
		abort();
	char *p0 = xpath_join(env.config_base, "p0");
	if (mkdir(p0, 0755))
		abort();
	snprintf(file_path, sizeof(file_path), "%s/%s", p0, UUID_TEXT);
	free(etc);
	free(p0);
}

/* Loads a parsed definition; returns the store's rendering or NULL. */
static char *load_and_render(struct json_t *root, struct ctl_err *e)
{
	ctl_uuid u;
	char *msg = NULL;
	if (uuid_parse_rs(UUID_TEXT, &u, &msg) != 0)
		abort();
	struct mdev *d = mdev_new(&env, &u);
	char *out = NULL;
	if (mdev_load_json(d, "p0", root, e) == 0) {
		struct json_t *j = mdev_to_json(d);
		out = json_pretty(j);
		json_decref_any(j);
	} else if (!e->msg || !e->msg[0]) {
		abort(); /* refused without a message */
	}
	json_decref_any(root);
	mdev_free(d);
	return out;
}

/* Stage 1: the file as `define --jsonfile FILE` reads it. */
static char *from_jsonfile(const char *path)
{
	struct ctl_err e = {0};
	struct json_t *root = NULL;
	char *out = NULL;
	if (read_jsonfile(path, &root, &e) != 0) {
		if (!e.msg || !e.msg[0])
			abort();
	} else {
		out = load_and_render(root, &e);
	}
	err_clear(&e);
	return out;
}

/* The round trip: text the store wrote, parsed again. */
static char *from_text(const char *text)
{
	struct ctl_err e = {0};
	struct json_t *root = json_parse_serde(text, strlen(text), &e);
	char *out = root ? load_and_render(root, &e) : NULL;
	err_clear(&e);
	return out;
}

static void write_input(const uint8_t *data, size_t size)
{
	int fd = open(file_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd))
		abort();
}

static size_t list_store(void)
{
	struct mdev_list l = {0};
	struct ctl_err e = {0};
	if (store_defined_devices(&env, NULL, NULL, &l, &e) != 0)
		abort();
	for (int mode = 0; mode < 3; mode++) {
		char *text =
		    format_list(&l, true, mode == 1, mode == 2, false, &e);
		free(text);
		err_clear(&e);
	}
	size_t n = l.n;
	mdev_list_free(&l);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	setup_once();
	int saved = quiet_stderr();
	write_input(data, size);
	char *first = from_jsonfile(file_path);
	if (first) {
		char *second = from_text(first);
		if (!second || strcmp(first, second) != 0) {
			restore_stderr(&saved);
			fprintf(stderr, "round trip differs:\n%s\n---\n%s\n",
				first, second ? second : "(refused)");
			abort();
		}
		free(second);
	}
	size_t listed = list_store();
	restore_stderr(&saved);
	if (listed != (first ? 1u : 0u)) {
		fprintf(stderr, "store listed %zu, parser %s\n", listed,
			first ? "accepted" : "refused");
		abort();
	}
	free(first);
	return 0;
}
