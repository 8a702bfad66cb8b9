// SPDX-License-Identifier: MIT
/*
 * fileops PATH...: performs every generic file operation on each PATH and
 * prints "object PATH", then one line per operation, "op result", where
 * result is 0 or the errno's name (a few print a class of value instead,
 * named below). The output
 * depends only on what the file system answers, so the output for a
 * kernel sysfs object and for mdevd's object of the same kind can be
 * diffed (tests/fs/test-fileops.sh).
 *
 * Nothing here changes a file: modes and owners are set to what they
 * already are, the only time set is "now", creations and xattr changes
 * are ones sysfs refuses (and mdevd must too), and no attribute is ever
 * written. Because a file system that accepted the creations would be
 * changed, PATH must be on sysfs or FUSE; anything else is refused.
 *
 * Names created or renamed to are PATH/.fileops-probe (inside PATH) and
 * PATH.fileops-probe (beside it).
 *
 * fileops --xattr-roundtrip PATH sets, reads, lists and removes a
 * trusted. xattr (what kernfs keeps in memory); FUSE only, since on sysfs
 * it would change a real node.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/common.h"

#define SYSFS_MAGIC 0x62656572
#define FUSE_SUPER_MAGIC 0x65735546
#define PAGE 4096
/* Far beyond any attribute's content (one page) and bin attribute. */
#define PAST_END (1 << 20)

static const char *path;
static char inside[PATH_MAX], beside[PATH_MAX];

/* rc is a syscall's return value (negative: errno is set). */
static void report(const char *op, long rc)
{
	printf("%s %s\n", op, rc < 0 ? strerrorname_np(errno) : "0");
}

/* The file kind and permission bits, so that a test groups like files. */
static void report_stat(const struct stat *st)
{
	const char *kind = S_ISREG(st->st_mode)	  ? "file"
			   : S_ISDIR(st->st_mode) ? "dir"
			   : S_ISLNK(st->st_mode) ? "link"
						  : "other";
	printf("kind %s\n", kind);
	printf("mode %04o\n", (unsigned)(st->st_mode & 07777));
	/* What a link leads to decides what the calls that follow it
	 * (truncate, the creations inside) answer. */
	struct stat target_st;
	if (S_ISLNK(st->st_mode))
		printf("target %s\n", stat(path, &target_st) < 0   ? "none"
				      : S_ISDIR(target_st.st_mode) ? "dir"
								   : "file");
	/* Sizes as classes: a page (attributes), the target's length
	 * (links), else the number. */
	char target[PATH_MAX];
	ssize_t tl = readlink(path, target, sizeof(target));
	if (S_ISREG(st->st_mode) && st->st_size == PAGE)
		printf("st_size page\n");
	else if (S_ISLNK(st->st_mode) && tl > 0 && st->st_size == tl)
		printf("st_size target-length\n");
	else
		printf("st_size %lld\n", (long long)st->st_size);
	printf("st_blocks %lld\n", (long long)st->st_blocks);
	printf("st_blksize %ld\n", (long)st->st_blksize);
}

static void report_statfs(void)
{
	struct statfs s;
	if (statfs(path, &s) < 0) {
		report("statfs", -1);
		return;
	}
	/* f_type is the kernel's to set: FUSE_SUPER_MAGIC for any FUSE
	 * file system. The test leaves this one line out of the diff. */
	printf("statfs-type 0x%lx\n", (unsigned long)s.f_type);
	printf("statfs-bsize %ld\n", (long)s.f_bsize);
	printf("statfs-frsize %ld\n", (long)s.f_frsize);
	printf("statfs-blocks %llu %llu %llu\n", (unsigned long long)s.f_blocks,
	       (unsigned long long)s.f_bfree, (unsigned long long)s.f_bavail);
	printf("statfs-files %llu %llu\n", (unsigned long long)s.f_files,
	       (unsigned long long)s.f_ffree);
	printf("statfs-namelen %ld\n", (long)s.f_namelen);
}

/* open(flags), then close; returns what open returned. */
static void try_open(const char *op, const char *p, int flags)
{
	int fd = open(p, flags, 0644);
	report(op, fd);
	if (fd >= 0)
		close(fd);
}

static void try_pread_past_end(void)
{
	char c;
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0) {
		report("pread-past-end", -1);
		return;
	}
	ssize_t n = pread(fd, &c, 1, PAST_END);
	if (n < 0)
		report("pread-past-end", -1);
	else
		printf("pread-past-end %s\n", n == 0 ? "eof" : "data");
	close(fd);
}

/* Calls on an open file: any access mode the file allows (O_PATH for a
 * link, which opens nothing else). */
static void try_fd_calls(void)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		fd = open(path, O_WRONLY | O_NOFOLLOW);
	if (fd < 0)
		fd = open(path, O_PATH | O_NOFOLLOW);
	if (fd < 0) {
		report("fd-open", -1);
		return;
	}
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 0)
		report("lseek-end", -1);
	else if (end == PAGE)
		printf("lseek-end page\n");
	else
		printf("lseek-end %lld\n", (long long)end);
	struct pollfd pfd = {.fd = fd, .events = POLLIN | POLLOUT | POLLPRI};
	int np = poll(&pfd, 1, 0);
	if (np < 0)
		report("poll", -1);
	else
		printf("poll 0x%x\n", (unsigned)pfd.revents);
	/* A read records the node's event count (kernfs): no event now. */
	char c;
	if (pread(fd, &c, 1, 0) < 0) {
		report("poll-after-read", -1);
	} else {
		pfd.revents = 0;
		np = poll(&pfd, 1, 0);
		if (np < 0)
			report("poll-after-read", -1);
		else
			printf("poll-after-read 0x%x\n", (unsigned)pfd.revents);
	}
	for (int shared = 0; shared <= 1; shared++) {
		void *m = mmap(NULL, PAGE, PROT_READ,
			       shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
		report(shared ? "mmap-shared" : "mmap-private",
		       m == MAP_FAILED ? -1 : 0);
		if (m != MAP_FAILED)
			munmap(m, PAGE);
	}
	report("fsync", fsync(fd));
	report("fdatasync", fdatasync(fd));
	report("fallocate", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 1));
	close(fd);
}

static void try_opendir(void)
{
	DIR *dir = opendir(path);
	report("opendir", dir ? 0 : -1);
	if (dir)
		closedir(dir);
}

static void try_readlink(void)
{
	char target[PATH_MAX];
	report("readlink", readlink(path, target, sizeof(target)));
}

/* The xattr names present, sorted by the file system's order, or
 * "empty". */
static void try_listxattr(void)
{
	char names[4096];
	ssize_t n = llistxattr(path, names, sizeof(names));
	if (n < 0) {
		report("listxattr", -1);
		return;
	}
	printf("listxattr");
	if (n == 0)
		printf(" empty");
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(names + i) + 1)
		printf(" %s", names + i);
	printf("\n");
}

static void try_xattrs(void)
{
	static const char *const spaces[] = {"user", "trusted", "security"};
	char name[64], value[256], op[64];

	for (size_t i = 0; i < ARRAY_SIZE(spaces); i++) {
		snprintf(name, sizeof(name), "%s.fileops-probe", spaces[i]);
		snprintf(op, sizeof(op), "getxattr-%s", spaces[i]);
		report(op, lgetxattr(path, name, value, sizeof(value)));
		/* REPLACE of a name that is not there: refused whether or
		 * not the name space is supported, and never changes
		 * anything. */
		snprintf(op, sizeof(op), "setxattr-replace-%s", spaces[i]);
		report(op, lsetxattr(path, name, "1", 1, XATTR_REPLACE));
		snprintf(op, sizeof(op), "removexattr-%s", spaces[i]);
		report(op, lremovexattr(path, name));
	}
	/* user.* is the one name space sysfs refuses outright; a create
	 * there is refused and so changes nothing. */
	report("setxattr-create-user",
	       lsetxattr(path, "user.fileops-probe", "1", 1, XATTR_CREATE));
	/* Name spaces with no kernfs handler: system.*, POSIX ACLs. */
	report("getxattr-system",
	       lgetxattr(path, "system.fileops-probe", value, sizeof(value)));
	report("getxattr-acl", lgetxattr(path, "system.posix_acl_access", value,
					 sizeof(value)));
	report("removexattr-acl",
	       lremovexattr(path, "system.posix_acl_access"));
	try_listxattr();
}

/* What kernfs keeps, round-tripped: only on FUSE, because on sysfs it
 * would change a real node. */
static void xattr_roundtrip(void)
{
	char value[16];
	ssize_t n;

	report("set-create",
	       lsetxattr(path, "trusted.fileops-probe", "v1", 2, XATTR_CREATE));
	report("set-create-again",
	       lsetxattr(path, "trusted.fileops-probe", "v2", 2, XATTR_CREATE));
	report("set-replace", lsetxattr(path, "trusted.fileops-probe", "v3", 2,
					XATTR_REPLACE));
	n = lgetxattr(path, "trusted.fileops-probe", value, sizeof(value));
	if (n < 0)
		report("get", -1);
	else
		printf("get %.*s\n", (int)n, value);
	report("get-too-small",
	       lgetxattr(path, "trusted.fileops-probe", value, 1));
	try_listxattr();
	report("remove", lremovexattr(path, "trusted.fileops-probe"));
	report("get-removed",
	       lgetxattr(path, "trusted.fileops-probe", value, sizeof(value)));
	try_listxattr();
}

/* Sets path, inside and beside; 0, or 2 with a message. */
static int set_path(const char *p, long want_magic)
{
	struct statfs sfs;

	path = p;
	if (statfs(path, &sfs) < 0) {
		fprintf(stderr, "fileops: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (sfs.f_type != want_magic && sfs.f_type != FUSE_SUPER_MAGIC) {
		fprintf(stderr, "fileops: %s: not on %s, refused\n", path,
			want_magic == SYSFS_MAGIC ? "sysfs or FUSE" : "FUSE");
		return 2;
	}
	if ((size_t)snprintf(inside, sizeof(inside), "%s/.fileops-probe",
			     path) >= sizeof(inside) ||
	    (size_t)snprintf(beside, sizeof(beside), "%s.fileops-probe",
			     path) >= sizeof(beside)) {
		fprintf(stderr, "fileops: %s: path too long\n", path);
		return 2;
	}
	return 0;
}

static int probe(const char *p)
{
	struct stat st;

	if (set_path(p, SYSFS_MAGIC))
		return 2;
	if (lstat(path, &st) < 0) {
		fprintf(stderr, "fileops: %s: %s\n", path, strerror(errno));
		return 2;
	}
	printf("object %s\n", path);
	report_stat(&st);
	report_statfs();

	report("access-r", access(path, R_OK));
	report("access-w", access(path, W_OK));
	report("access-x", access(path, X_OK));
	try_open("open-rdonly", path, O_RDONLY | O_NOFOLLOW);
	try_open("open-wronly", path, O_WRONLY | O_NOFOLLOW);
	try_open("open-rdwr", path, O_RDWR | O_NOFOLLOW);
	try_open("open-rdonly-trunc", path, O_RDONLY | O_TRUNC | O_NOFOLLOW);
	try_open("open-wronly-trunc", path, O_WRONLY | O_TRUNC | O_NOFOLLOW);
	try_open("open-wronly-append", path, O_WRONLY | O_APPEND | O_NOFOLLOW);
	try_open("open-creat-existing", path, O_RDONLY | O_CREAT | O_NOFOLLOW);
	try_open("open-creat-excl", path, O_RDONLY | O_CREAT | O_EXCL);
	try_pread_past_end();
	try_fd_calls();
	try_opendir();
	try_readlink();

	report("mkdir-inside", mkdir(inside, 0755));
	try_open("open-creat-inside", inside, O_WRONLY | O_CREAT | O_EXCL);
	report("mknod-inside", mknod(inside, S_IFIFO | 0644, 0));
	report("symlink-inside", symlink("target", inside));
	report("link-beside", link(path, beside));
	report("rename-beside", rename(path, beside));
	report("rename-noreplace-beside",
	       renameat2(AT_FDCWD, path, AT_FDCWD, beside, RENAME_NOREPLACE));
	report("unlink", unlink(path));
	report("rmdir", rmdir(path));

	/* To what it already is: accepted or refused, nothing changes. */
	report("chmod",
	       fchmodat(AT_FDCWD, path, st.st_mode & 07777,
			S_ISLNK(st.st_mode) ? AT_SYMLINK_NOFOLLOW : 0));
	report("chown", lchown(path, st.st_uid, st.st_gid));
	report("truncate", truncate(path, 0));
	report("utimensat",
	       utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW));
	try_xattrs();
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--xattr-roundtrip") == 0) {
		if (set_path(argv[2], FUSE_SUPER_MAGIC))
			return 2;
		xattr_roundtrip();
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		fputs("usage: fileops PATH...\n"
		      "       fileops --xattr-roundtrip PATH (FUSE only)\n",
		      stderr);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (probe(argv[i]))
			return 2;
	return 0;
}
