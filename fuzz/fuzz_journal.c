// SPDX-License-Identifier: MIT
/*
 * The journal's replay: the input becomes DIR/journal, which is replayed
 * onto a core with the embedded demo hardware, then replayed again from
 * the compacted journal onto a second core.
 *
 * Input lines are written with a correct checksum appended (so the fuzzer
 * reaches the record semantics past the FNV check), except lines starting
 * with '!', written raw (damaged records), and a last line without '\n'
 * (a torn tail).
 *
 * Oracles: replay returns 0; compaction is faithful (both cores hold the
 * same devices with the same type, IOMMU group and attribute values);
 * every pool is within its total.
 *
 * Replay warns on stderr per damaged record; stderr is muted meanwhile
 * unless MDEV_FUZZ_VERBOSE is set (set it to see a crash's report when
 * re-running one artifact).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hash.h"
#include "hardware.h"
#include "journal.h"
#include "libmdev.h"
#include "quiet_stderr.h"
#include "scratch_dir.h"

static const char *dir;
static struct mdev_hardware *demo;

static void setup_once(void)
{
	char err[256];
	if (dir)
		return;
	dir = fuzz_scratch_dir("journal");
	if (mdev_hardware_load(NULL, &demo, err, sizeof(err)) != 0)
		abort();
}

static void write_journal(const uint8_t *data, size_t size)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/journal", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	while (size > 0) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) : size;
		if (!nl)
			fwrite(data, 1, n, f); /* torn tail */
		else if (n > 0 && data[0] == '!')
			fprintf(f, "%.*s\n", (int)(n - 1),
				(const char *)data + 1);
		else
			fprintf(f, "%.*s %08" PRIx32 "\n", (int)n,
				(const char *)data, fnv1a32(data, n));
		data += nl ? n + 1 : n;
		size -= nl ? n + 1 : n;
	}
	if (fclose(f) != 0)
		abort();
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The core's devices as sorted lines "uuid type group attr=value...". */
static char *state_of(struct mdev_core *core)
{
	size_t n = mdev_device_count(core), i = 0;
	char **lines = calloc(n + 1, sizeof(*lines));
	for (struct mdev_device *d = mdev_device_first(core); d && i < n;
	     d = mdev_device_next(d), i++) {
		char *s = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&s, &len);
		fprintf(f, "%s %s %u", mdev_device_name(d),
			mdev_type_id(mdev_device_type(d)),
			mdev_device_iommu_group(d));
		for (size_t a = 0; a < mdev_device_attr_count(d); a++) {
			const char *name = mdev_device_attr_desc(d, a)->name;
			const char *v = mdev_device_attr_get(d, name);
			fprintf(f, " %s=%s", name, v ? v : "(null)");
		}
		fclose(f);
		lines[i] = s;
	}
	qsort(lines, i, sizeof(*lines), by_text);
	char *all = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&all, &len);
	for (size_t k = 0; k < i; k++) {
		fprintf(f, "%s\n", lines[k]);
		free(lines[k]);
	}
	fclose(f);
	free(lines);
	return all;
}

static void check_pools(struct mdev_core *core)
{
	for (size_t i = 0; i < mdev_hardware_parent_count(demo); i++) {
		const struct mdev_parent_desc *pd =
		    mdev_hardware_parent(demo, i);
		struct mdev_parent *p = mdev_parent_find(core, pd->name);
		for (size_t k = 0; p && k < pd->n_pools; k++) {
			unsigned long free_amount, total;
			if (mdev_parent_pool(p, pd->pools[k].name, &free_amount,
					     &total) != 0 ||
			    free_amount > total)
				abort();
		}
	}
}

static char *replay_once(void)
{
	char err[256];
	struct mdev_core *core = mdev_core_new();
	for (size_t i = 0; i < mdev_hardware_parent_count(demo); i++)
		if (mdev_parent_register(core, mdev_hardware_parent(demo, i),
					 NULL, err, sizeof(err)) != 0)
			abort();
	struct mdev_journal *j = NULL;
	if (mdev_journal_open(dir, false, &j, err, sizeof(err)) != 0) {
		fprintf(stderr, "journal open: %s\n", err);
		abort();
	}
	if (mdev_journal_attach(j, core) != 0)
		abort();
	mdev_journal_close(j);
	check_pools(core);
	char *state = state_of(core);
	mdev_core_free(core);
	return state;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	setup_once();
	write_journal(data, size);
	int saved = quiet_stderr();
	char *first = replay_once();
	char *second = replay_once();
	restore_stderr(&saved);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "compaction changed the state:\n%s---\n%s",
			first, second);
		abort();
	}
	free(first);
	free(second);
	return 0;
}
