// SPDX-License-Identifier: MIT
/*
 * src/common: hashes against the published FNV-1a vectors (the journal's
 * checksums are on disk), the hash table through growth, removal and full
 * hash collisions, the file system helpers on a scratch directory (which
 * remove_tree() removes at the end), and each name rule at its edges.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/common.h"
#include "common/fsutil.h"
#include "common/hash.h"
#include "common/htable.h"
#include "common/names.h"

/* -------------------------------------------------------------- hashes */

static void fnv1a_vectors(void **state)
{
	(void)state;
	/* From the FNV reference test suite (isthe.com/chongo/tech/comp/fnv).
	 */
	assert_int_equal(fnv1a32("", 0), 0x811c9dc5u);
	assert_int_equal(fnv1a32("a", 1), 0xe40c292cu);
	assert_int_equal(fnv1a32("foobar", 6), 0xbf9cf968u);
	assert_true(fnv1a64("a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(fnv1a64("foobar", 6) == UINT64_C(0x85944171f73967e8));
	/* Continuing a hash is hashing the concatenation. */
	assert_int_equal(fnv1a32_update(fnv1a32("foo", 3), "bar", 3),
			 fnv1a32("foobar", 6));
	assert_true(fnv1a64_update(fnv1a64("foo", 3), "bar", 3) ==
		    fnv1a64("foobar", 6));
}

static void mix64_spreads(void **state)
{
	(void)state;
	assert_true(mix64(0) == 0);
	assert_true(mix64(1) == UINT64_C(0xb456bcfc34c2cb2c));
	/* Neighbouring keys land far apart: low bits differ for 0..63. */
	uint64_t seen = 0;
	for (uint64_t i = 0; i < 64; i++)
		seen |= UINT64_C(1) << (mix64(i) & 63);
	assert_true(__builtin_popcountll(seen) > 32);
}

/* ---------------------------------------------------------- hash table */

struct item {
	struct htable_node link;
	unsigned key;
};

/* A deliberately weak hash so that keys collide in full. */
static uint64_t weak_hash(unsigned key)
{
	return key % 97;
}

static struct item *find(const struct htable *t, unsigned key)
{
	for (struct htable_node *n = htable_first(t, weak_hash(key)); n;
	     n = htable_next(n)) {
		struct item *it = container_of(n, struct item, link);

		if (it->key == key)
			return it;
	}
	return NULL;
}

static void htable_grows_finds_removes(void **state)
{
	enum { N = 1000 };
	static struct item items[N];
	struct htable t;

	(void)state;
	assert_int_equal(htable_init(&t, 5), 0);
	assert_int_equal(t.n_buckets, 8);
	for (unsigned i = 0; i < N; i++) {
		items[i].key = i;
		htable_insert(&t, &items[i].link, weak_hash(i));
	}
	assert_int_equal(t.count, N);
	assert_true(t.n_buckets >= N / 2);
	for (unsigned i = 0; i < N; i++)
		assert_ptr_equal(find(&t, i), &items[i]);
	assert_null(find(&t, N));
	for (unsigned i = 0; i < N; i += 2)
		htable_remove(&t, &items[i].link);
	assert_int_equal(t.count, N / 2);
	for (unsigned i = 0; i < N; i++)
		assert_ptr_equal(find(&t, i), i % 2 ? &items[i] : NULL);
	htable_fini(&t);
	assert_null(t.buckets);
}

static void htable_iter_visits_each_once(void **state)
{
	enum { N = 300 };
	static struct item items[N];
	unsigned seen[N] = {0};
	struct htable_iter it;
	struct htable_node *n;
	struct htable t;

	(void)state;
	assert_int_equal(htable_init(&t, 1), 0);
	htable_iter_init(&it, &t);
	assert_null(htable_iter_next(&it));
	for (unsigned i = 0; i < N; i++) {
		items[i].key = i;
		htable_insert(&t, &items[i].link, weak_hash(i));
	}
	/* Removing the node just returned, as a drain does, loses none. */
	htable_iter_init(&it, &t);
	while ((n = htable_iter_next(&it))) {
		struct item *x = container_of(n, struct item, link);

		seen[x->key]++;
		if (x->key % 3 == 0)
			htable_remove(&t, n);
	}
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(t.count, N - N / 3);
	htable_fini(&t);
}

/* ------------------------------------------------------------ fs helpers */

static void path_join_slashes(void **state)
{
	static const char *const cases[][3] = {
	    {"a", "b", "a/b"},	       {"a/", "b", "a/b"},
	    {"/", "sys", "/sys"},      {"", "sys", "/sys"},
	    {"a/b", "c/d", "a/b/c/d"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *p = path_join(cases[i][0], cases[i][1]);

		assert_string_equal(p, cases[i][2]);
		free(p);
	}
}

static char scratch[] = "/tmp/test-common.XXXXXX";

static int make_scratch(void **state)
{
	(void)state;
	umask(022);
	return mkdtemp(scratch) ? 0 : -1;
}

static int remove_scratch(void **state)
{
	(void)state;
	return remove_tree(scratch);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode;
}

static void mkdir_p_modes_and_errors(void **state)
{
	char *deep = path_join(scratch, "a/b/c"),
	     *mid = path_join(scratch, "a");
	char *file = path_join(scratch, "file");
	char *under = path_join(file, "x");
	FILE *f;

	(void)state;
	assert_int_equal(mkdir_p(deep, 0750), 0);
	assert_true(S_ISDIR(mode_of(deep)));
	assert_int_equal(mode_of(deep) & 07777, 0750);
	assert_int_equal(mode_of(mid) & 07777, 0750);
	/* Existing directories are fine, and keep their mode. */
	assert_int_equal(mkdir_p(deep, 0700), 0);
	assert_int_equal(mode_of(deep) & 07777, 0750);
	/* A file where the directory should be, last or in the middle. */
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(mkdir_p(file, 0755), -ENOTDIR);
	assert_int_equal(mkdir_p(under, 0755), -ENOTDIR);
	assert_int_equal(mkdir_p("", 0755), -ENOENT);
	/* A trailing '/' is the same directory. */
	char *trailing = path_join(scratch, "a/b/c/");
	assert_int_equal(mkdir_p(trailing, 0755), 0);
	free(trailing);
	free(deep);
	free(mid);
	free(file);
	free(under);
}

static void fsync_dir_errors(void **state)
{
	char *missing = path_join(scratch, "missing");
	char *file = path_join(scratch, "fsync-file");
	FILE *f = fopen(file, "w");

	(void)state;
	assert_non_null(f);
	fclose(f);
	assert_int_equal(fsync_dir(scratch), 0);
	assert_int_equal(fsync_dir(missing), -ENOENT);
	assert_int_equal(fsync_dir(file), -ENOTDIR);
	free(missing);
	free(file);
}

static void write_all_writes_everything(void **state)
{
	char *file = path_join(scratch, "write-all");
	static char big[1 << 20];
	char back[16];
	int fd;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, big, sizeof(big)), 0);
	assert_int_equal(lseek(fd, 0, SEEK_END), sizeof(big));
	assert_int_equal(pread(fd, back, 3, sizeof(big) - 3), 3);
	assert_memory_equal(back, big + sizeof(big) - 3, 3);
	assert_int_equal(write_all(fd, "", 0), 0);
	close(fd);
	assert_int_equal(write_all(fd, "x", 1), -EBADF);
	free(file);
}

static void remove_tree_keeps_link_targets(void **state)
{
	char *tree = path_join(scratch, "tree"), *deep = path_join(tree, "x/y");
	char *outside = path_join(scratch, "outside");
	char *kept = path_join(outside, "kept"), *link = path_join(deep, "l");
	FILE *f;

	(void)state;
	assert_int_equal(mkdir_p(deep, 0755), 0);
	assert_int_equal(mkdir_p(outside, 0755), 0);
	f = fopen(kept, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(remove_tree(tree), 0);
	assert_int_equal(access(tree, F_OK), -1);
	/* The link went, not what it pointed to. */
	assert_int_equal(access(kept, F_OK), 0);
	assert_int_equal(remove_tree(tree), -ENOENT);
	free(tree);
	free(deep);
	free(outside);
	free(kept);
	free(link);
}

/* ---------------------------------------------------------------- names */

static void sysfs_names(void **state)
{
	char longest[129];

	(void)state;
	memset(longest, 'x', 128);
	longest[128] = '\0';
	assert_true(name_is_sysfs("mtty-1", 128));
	assert_true(name_is_sysfs("a", 1));
	assert_true(name_is_sysfs("~!.:", 128));
	assert_true(name_is_sysfs(longest, 128));
	assert_false(name_is_sysfs(longest, 127));
	assert_false(name_is_sysfs(NULL, 128));
	assert_false(name_is_sysfs("", 128));
	assert_false(name_is_sysfs(".", 128));
	assert_false(name_is_sysfs("..", 128));
	assert_true(name_is_sysfs("...", 128));
	assert_false(name_is_sysfs("a/b", 128));
	assert_false(name_is_sysfs("a b", 128));
	assert_false(name_is_sysfs("a\tb", 128));
	assert_false(name_is_sysfs("a\x7f", 128));
	assert_false(name_is_sysfs("caf\xc3\xa9", 128));
}

static void sysfs_paths(void **state)
{
	(void)state;
	assert_true(name_is_sysfs_path("pci0000:00/0000:00:02.0", 1024, 128));
	assert_true(name_is_sysfs_path("a", 1024, 128));
	assert_false(name_is_sysfs_path(NULL, 1024, 128));
	assert_false(name_is_sysfs_path("", 1024, 128));
	assert_false(name_is_sysfs_path("/a", 1024, 128));
	assert_false(name_is_sysfs_path("a/", 1024, 128));
	assert_false(name_is_sysfs_path("a//b", 1024, 128));
	assert_false(name_is_sysfs_path("a/./b", 1024, 128));
	assert_false(name_is_sysfs_path("a/../b", 1024, 128));
	assert_false(name_is_sysfs_path("a/b c", 1024, 128));
	/* Both limits: the whole path and each name. */
	assert_true(name_is_sysfs_path("abc/de", 6, 3));
	assert_false(name_is_sysfs_path("abc/de", 5, 3));
	assert_false(name_is_sysfs_path("abcd/e", 6, 3));
}

static void sysfs_attrs(void **state)
{
	size_t first = 0;

	(void)state;
	assert_true(name_is_sysfs_attr("channels", 128, &first));
	assert_int_equal(first, 8);
	assert_true(name_is_sysfs_attr("group/file", 128, &first));
	assert_int_equal(first, 5);
	assert_false(name_is_sysfs_attr(NULL, 128, &first));
	assert_false(name_is_sysfs_attr("", 128, &first));
	assert_false(name_is_sysfs_attr("/file", 128, &first));
	assert_false(name_is_sysfs_attr("group/", 128, &first));
	assert_false(name_is_sysfs_attr("a/b/c", 128, &first));
	assert_false(name_is_sysfs_attr("../file", 128, &first));
	assert_false(name_is_sysfs_attr("group/..", 128, &first));
	assert_false(name_is_sysfs_attr("abcd/e", 3, &first));
	assert_false(name_is_sysfs_attr("e/abcd", 3, &first));
}

static void path_components(void **state)
{
	char name[NAME_MAX + 2];

	(void)state;
	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	assert_true(name_is_path_component(name));
	name[NAME_MAX] = 'n';
	name[NAME_MAX + 1] = '\0';
	assert_false(name_is_path_component(name));
	assert_true(name_is_path_component("a b"));
	assert_true(name_is_path_component("caf\xc3\xa9"));
	assert_true(name_is_path_component(".hidden"));
	assert_false(name_is_path_component(NULL));
	assert_false(name_is_path_component(""));
	assert_false(name_is_path_component("."));
	assert_false(name_is_path_component(".."));
	assert_false(name_is_path_component("a/b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fnv1a_vectors),
	    cmocka_unit_test(mix64_spreads),
	    cmocka_unit_test(htable_grows_finds_removes),
	    cmocka_unit_test(htable_iter_visits_each_once),
	    cmocka_unit_test(path_join_slashes),
	    cmocka_unit_test(mkdir_p_modes_and_errors),
	    cmocka_unit_test(fsync_dir_errors),
	    cmocka_unit_test(write_all_writes_everything),
	    cmocka_unit_test(remove_tree_keeps_link_targets),
	    cmocka_unit_test(sysfs_names),
	    cmocka_unit_test(sysfs_paths),
	    cmocka_unit_test(sysfs_attrs),
	    cmocka_unit_test(path_components),
	};

	return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
