// SPDX-License-Identifier: MIT
/*
 * src/fs/nodeattr.c on its own: changes overlay stat, survive growth,
 * die with their inode (the table stays bounded by the live ones), and
 * xattrs follow simple_xattr's create/replace/range rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "nodeattr.h"

static int failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, \
				__LINE__, #cond);                              \
			failures++;                                            \
		}                                                              \
	} while (0)

/* Inodes at or above *opaque are alive. */
static bool alive_from(void *opaque, uint64_t ino)
{
	return ino >= *(uint64_t *)opaque;
}

static bool all_alive(void *opaque, uint64_t ino)
{
	(void)opaque;
	(void)ino;
	return true;
}

static struct nodeattr_change mode_change(mode_t mode)
{
	struct nodeattr_change c;
	memset(&c, 0, sizeof(c));
	c.set = NA_MODE;
	c.mode = mode;
	return c;
}

static mode_t mode_after(const struct nodeattr *na, uint64_t ino)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0444;
	nodeattr_apply(na, ino, &st);
	return st.st_mode;
}

static void test_overlay(void)
{
	struct nodeattr na = {0};
	CHECK(mode_after(&na, 7) == (S_IFREG | 0444));
	struct nodeattr_change c = mode_change(S_IFDIR | 0600);
	CHECK(nodeattr_set(&na, 7, &c, all_alive, NULL) == 0);
	/* the file type is not chmod's to change */
	CHECK(mode_after(&na, 7) == (S_IFREG | 0600));
	CHECK(mode_after(&na, 8) == (S_IFREG | 0444));

	memset(&c, 0, sizeof(c));
	c.set = NA_UID | NA_MTIME;
	c.uid = 65534;
	c.mtime.tv_sec = 1000000000;
	CHECK(nodeattr_set(&na, 7, &c, all_alive, NULL) == 0);
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0444;
	nodeattr_apply(&na, 7, &st);
	CHECK(st.st_mode == (S_IFREG | 0600)); /* earlier change kept */
	CHECK(st.st_uid == 65534 && st.st_gid == 0);
	CHECK(st.st_mtim.tv_sec == 1000000000 && st.st_atim.tv_sec == 0);
	nodeattr_clear(&na);
	CHECK(na.table.n_buckets == 0 && na.table.count == 0);
}

static void test_growth_keeps_all_live(void)
{
	struct nodeattr na = {0};
	for (uint64_t ino = 1; ino <= 10000; ino++) {
		struct nodeattr_change c = mode_change(ino & 0777);
		CHECK(nodeattr_set(&na, ino << 40, &c, all_alive, NULL) == 0);
	}
	CHECK(na.table.count == 10000);
	for (uint64_t ino = 1; ino <= 10000; ino++)
		CHECK(mode_after(&na, ino << 40) == (S_IFREG | (ino & 0777)));
	nodeattr_clear(&na);
}

static void test_dead_are_dropped(void)
{
	struct nodeattr na = {0};
	uint64_t first_alive = 0;
	/* Each object is changed, then dies: the table must not grow. */
	for (uint64_t ino = 1; ino <= 100000; ino++) {
		struct nodeattr_change c = mode_change(0600);
		CHECK(nodeattr_setxattr(&na, ino, "trusted.x", "v", 1, 0,
					alive_from, &first_alive) == 0);
		CHECK(nodeattr_set(&na, ino, &c, alive_from, &first_alive) ==
		      0);
		first_alive = ino > 3 ? ino - 3 : 0;
	}
	CHECK(na.table.n_buckets <= 32);
	CHECK(mode_after(&na, 100000) == (S_IFREG | 0600));
	nodeattr_clear(&na);
}

static void test_xattrs(void)
{
	struct nodeattr na = {0};
	char buf[16];

	CHECK(nodeattr_getxattr(&na, 3, "trusted.a", buf, sizeof(buf)) ==
	      -ENODATA);
	CHECK(nodeattr_listxattr(&na, 3, buf, sizeof(buf)) == 0);
	CHECK(nodeattr_removexattr(&na, 3, "trusted.a") == -ENODATA);
	CHECK(nodeattr_setxattr(&na, 3, "trusted.a", "1", 1, XATTR_REPLACE,
				all_alive, NULL) == -ENODATA);
	CHECK(na.table.count == 0); /* a refused set adds no entry */
	CHECK(nodeattr_setxattr(&na, 3, "trusted.a", "12", 2, XATTR_CREATE,
				all_alive, NULL) == 0);
	CHECK(nodeattr_setxattr(&na, 3, "trusted.a", "3", 1, XATTR_CREATE,
				all_alive, NULL) == -EEXIST);
	CHECK(nodeattr_setxattr(&na, 3, "security.b", "", 0, 0, all_alive,
				NULL) == 0);
	CHECK(nodeattr_setxattr(&na, 3, "trusted.a", "345", 3, XATTR_REPLACE,
				all_alive, NULL) == 0);
	CHECK(nodeattr_getxattr(&na, 3, "trusted.a", NULL, 0) == 3);
	CHECK(nodeattr_getxattr(&na, 3, "trusted.a", buf, 2) == -ERANGE);
	CHECK(nodeattr_getxattr(&na, 3, "trusted.a", buf, sizeof(buf)) == 3 &&
	      memcmp(buf, "345", 3) == 0);
	CHECK(nodeattr_getxattr(&na, 3, "security.b", buf, sizeof(buf)) == 0);
	CHECK(nodeattr_getxattr(&na, 4, "trusted.a", buf, sizeof(buf)) ==
	      -ENODATA);
	/* Names in the order they were first set. */
	static const char names[] = "trusted.a\0security.b";
	CHECK(nodeattr_listxattr(&na, 3, NULL, 0) == sizeof(names));
	CHECK(nodeattr_listxattr(&na, 3, buf, 5) == -ERANGE);
	char list[64];
	CHECK(nodeattr_listxattr(&na, 3, list, sizeof(list)) == sizeof(names) &&
	      memcmp(list, names, sizeof(names)) == 0);
	CHECK(nodeattr_removexattr(&na, 3, "trusted.a") == 0);
	CHECK(nodeattr_removexattr(&na, 3, "trusted.a") == -ENODATA);
	CHECK(nodeattr_listxattr(&na, 3, list, sizeof(list)) ==
	      (ssize_t)sizeof("security.b"));
	nodeattr_clear(&na);
}

int main(void)
{
	test_overlay();
	test_growth_keeps_all_live();
	test_dead_are_dropped();
	test_xattrs();
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	else
		printf(
		    "ok - nodeattr: overlay, growth, dead dropped, xattrs\n");
	return failures ? 1 : 0;
}
