/* SPDX-License-Identifier: MIT */
/*
 * Hostile input: names that would build paths outside the store or the
 * device directory, bytes that are not UTF-8, and writes that must not
 * follow symlinks. mdevctl 1.2.0 accepts all of these (docs/mdevctl.md,
 * "Hostile input"); here they are refused before anything is written.
 */
#include "validate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if (is_control((unsigned char)*s))
			return true;
	return false;
}

/* 'name' with control bytes escaped, so that the message stays one line */
static char *quote_name(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	struct sbuf b;

	sb_init(&b);
	sb_addc(&b, '\'');
	for (; *p; p++) {
		if (is_control(*p))
			sb_printf(&b, "\\x%02x", *p);
		else
			sb_addc(&b, (char)*p);
	}
	sb_addc(&b, '\'');
	return sb_steal(&b);
}

static int invalid_name(struct ctl_err *e, const char *what, const char *name)
{
	char *q = quote_name(name);

	err_set(e, "Invalid %s name %s", what, q);
	free(q);
	return -1;
}

/* mdevctl's rule for one path component (parents, types): as upstream, no
 * length limit of its own; the file system's applies when it is used. */
static bool valid_component(const char *name)
{
	return name && name[0] && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && !has_control(name);
}

bool valid_parent_name(const char *name)
{
	return valid_component(name) && strcmp(name, "scripts.d");
}

int check_parent_name(const char *name, struct ctl_err *e)
{
	return valid_parent_name(name) ? 0 : invalid_name(e, "parent", name);
}

bool valid_attr_path(const char *name)
{
	const char *c = name, *end;

	if (!name || !name[0] || name[0] == '/' || has_control(name))
		return false;
	for (;;) {
		size_t n;

		end = strchr(c, '/');
		if (!end)
			end = c + strlen(c);
		n = (size_t)(end - c);
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!*end)
			return true;
		c = end + 1;
	}
}

int check_attr_name(const char *name, struct ctl_err *e)
{
	return valid_attr_path(name) ? 0 : invalid_name(e, "attribute", name);
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned char c = *p;
		unsigned char lo = 0x80, hi = 0xbf;
		size_t more, i;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			if (c == 0xe0)
				lo = 0xa0; /* overlong */
			else if (c == 0xed)
				hi = 0x9f; /* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			if (c == 0xf0)
				lo = 0x90; /* overlong */
			else if (c == 0xf4)
				hi = 0x8f; /* above U+10FFFF */
		} else {
			return false;
		}
		if ((size_t)(end - p) <= more)
			return false;
		if (p[1] < lo || p[1] > hi)
			return false;
		for (i = 2; i <= more; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += more + 1;
	}
	return true;
}

/* Opens one component below dirfd without following a symlink: the
 * directories of a nested attribute name, then the attribute itself. */
static int open_component(int dirfd, const char *comp, int flags, bool *found)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		*found = false;
		return -errno;
	}
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	fd = openat(dirfd, comp, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd;
}

int attr_write_beneath(const char *devdir, const char *name, const char *value,
		       bool *found)
{
	char *copy = xstrdup(name), *comp = copy, *slash;
	int dirfd, fd, r;

	*found = true;
	if (!valid_attr_path(name)) {
		free(copy);
		return -EINVAL;
	}
	dirfd = open(devdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		*found = false;
		free(copy);
		return -errno;
	}
	while ((slash = strchr(comp, '/'))) {
		*slash = '\0';
		fd = open_component(dirfd, comp, O_RDONLY | O_DIRECTORY, found);
		close(dirfd);
		if (fd < 0) {
			if (fd == -ENOTDIR)
				*found = false;
			free(copy);
			return fd;
		}
		dirfd = fd;
		comp = slash + 1;
	}
	/* as Rust's fs::write, but never creating a file that is not there */
	fd = open_component(dirfd, comp, O_WRONLY | O_TRUNC, found);
	close(dirfd);
	free(copy);
	if (fd < 0)
		return fd;
	r = write_all(fd, value, strlen(value));
	if (close(fd) < 0 && !r)
		r = -errno;
	return r;
}

int store_dir_open(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd >= 0)
		return fd;
	/* O_NOFOLLOW|O_DIRECTORY on a symlink gives ENOTDIR or ELOOP */
	if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
		return -ELOOP;
	return -errno;
}

#define TEMP_PREFIX ".mdevctl."

/* Calls fn(dirfd, name) for each entry of dirfd but . and .., or only
 * for the temporary ones when temp_only. */
static void each_entry(int dirfd, bool temp_only, void (*fn)(int, const char *))
{
	int fd = dup(dirfd);
	struct dirent *de;
	DIR *dir;

	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)))
		if (temp_only
			? !strncmp(de->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX))
			: strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			fn(dirfd, de->d_name);
	closedir(dir);
}

static void unlink_file(int dirfd, const char *name)
{
	unlinkat(dirfd, name, 0);
}

/* A temporary file, or a staged parent directory (store_mkdir_staged)
 * with the files in it. */
static void remove_temp(int dirfd, const char *name)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno != EISDIR)
		return;
	int fd = openat(dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	each_entry(fd, false, unlink_file);
	close(fd);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

void store_sweep_temp(int dirfd)
{
	each_entry(dirfd, true, remove_temp);
}

/* A random temporary name, as mkostemp would make it. */
static int temp_name(char name[sizeof(TEMP_PREFIX) + 6])
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[6];
	int i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	memcpy(name, TEMP_PREFIX, strlen(TEMP_PREFIX));
	for (i = 0; i < 6; i++)
		name[strlen(TEMP_PREFIX) + i] =
		    chars[rnd[i] % (sizeof(chars) - 1)];
	name[strlen(TEMP_PREFIX) + 6] = '\0';
	return 0;
}

/* make(dirfd, name, arg) under fresh temporary names until one is not
 * taken: its result (>= 0), or -errno; -EEXIST after 100 taken names. */
static int with_temp_name(int dirfd, char name[sizeof(TEMP_PREFIX) + 6],
			  int (*make)(int, const char *, void *), void *arg)
{
	for (int tries = 0; tries < 100; tries++) {
		if (temp_name(name) < 0)
			return -EIO;
		int r = make(dirfd, name, arg);
		if (r != -EEXIST)
			return r;
	}
	return -EEXIST;
}

static int make_file(int dirfd, const char *name, void *arg)
{
	(void)arg;
	/* the umask applies to 0666, as for 1.2.0's fs::write */
	int fd =
	    openat(dirfd, name,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	return fd >= 0 ? fd : -errno;
}

static int make_link(int dirfd, const char *name, void *proc)
{
	return linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0
		   ? 0
		   : -errno;
}

static int make_dir(int dirfd, const char *name, void *arg)
{
	(void)arg;
	/* the umask applies, as for Rust's fs::create_dir_all */
	return mkdirat(dirfd, name, 0777) == 0 ? 0 : -errno;
}

/* Creates a new temporary file in dirfd. */
static int create_temp(int dirfd, char name[sizeof(TEMP_PREFIX) + 6])
{
	return with_temp_name(dirfd, name, make_file, NULL);
}

/* Links the unnamed file fd into dirfd under a fresh temporary name. */
static int link_temp(int fd, int dirfd, char name[sizeof(TEMP_PREFIX) + 6])
{
	char proc[32];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return with_temp_name(dirfd, name, make_link, proc);
}

/* Writes data to an unnamed file (O_TMPFILE) in dirfd and fsyncs it:
 * watchers of the directory see nothing of it until it is linked, so a
 * definition appears complete, at once. Returns the fd or -errno. */
static int write_unnamed(int dirfd, const char *data, size_t len)
{
	int fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	int r;

	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (r) {
		close(fd);
		return r;
	}
	return fd;
}

/* Gives the complete unnamed file fd the name: a new name by one link (a
 * single create event, as a watcher of the store sees 1.2.0/1.4.0's
 * write), an existing one by a temporary link renamed over it. */
static int publish_unnamed(int fd, int dirfd, const char *name)
{
	char proc[32], tmp[sizeof(TEMP_PREFIX) + 6];
	int r;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	r = link_temp(fd, dirfd, tmp);
	if (r < 0)
		return r;
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		r = -errno;
		unlinkat(dirfd, tmp, 0);
	}
	return r;
}

/* Without O_TMPFILE (FUSE, old file systems) or /proc: a named temporary
 * file, fsynced and renamed over name. */
static int write_named_temp(int dirfd, const char *name, const char *data,
			    size_t len)
{
	char tmp[sizeof(TEMP_PREFIX) + 6];
	int fd = create_temp(dirfd, tmp), r;

	if (fd < 0)
		return fd;
	r = write_all(fd, data, len);
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r)
		unlinkat(dirfd, tmp, 0);
	return r;
}

/* The staged way: the unnamed file is written in stagefd, a directory
 * outside the store (so no watcher of the store sees its writes, link or
 * close), linked there under a temporary name and renamed into dirfd. A
 * watcher of the store sees exactly one event, the name moving in, which
 * GLib reports as created and complete at once. Returns 0 when published,
 * else -errno with nothing changed in dirfd (the caller falls back). */
static int write_staged(int stagefd, int dirfd, const char *name,
			const char *data, size_t len)
{
	char tmp[sizeof(TEMP_PREFIX) + 6];
	int fd, r;

	if (stagefd < 0)
		return -EBADF;
	fd = write_unnamed(stagefd, data, len);
	if (fd < 0)
		return fd;
	r = link_temp(fd, stagefd, tmp);
	close(fd);
	if (r < 0)
		return r;
	/* EXDEV when the store is a mount point of its own */
	if (renameat(stagefd, tmp, dirfd, name) < 0) {
		r = -errno;
		unlinkat(stagefd, tmp, 0);
		return r;
	}
	return 0;
}

/* Whether two directories are on the same mount: rename between them
 * can work (st_dev alone does not tell bind mounts apart). */
static bool same_mount(int a, int b)
{
	struct statx sa, sb;

	if (statx(a, "", AT_EMPTY_PATH, STATX_MNT_ID, &sa) < 0 ||
	    statx(b, "", AT_EMPTY_PATH, STATX_MNT_ID, &sb) < 0)
		return true; /* unknown: let rename tell */
	if (!(sa.stx_mask & STATX_MNT_ID) || !(sb.stx_mask & STATX_MNT_ID))
		return sa.stx_dev_major == sb.stx_dev_major &&
		       sa.stx_dev_minor == sb.stx_dev_minor;
	return sa.stx_mnt_id == sb.stx_mnt_id;
}

int atomic_write_at(int stagefd, int dirfd, const char *name, const char *data,
		    size_t len)
{
	int fd, r;

	if (stagefd >= 0 && same_mount(stagefd, dirfd) &&
	    write_staged(stagefd, dirfd, name, data, len) == 0) {
		if (fsync(dirfd) < 0)
			return -errno;
		return 0;
	}
	fd = write_unnamed(dirfd, data, len);
	if (fd >= 0) {
		r = publish_unnamed(fd, dirfd, name);
		close(fd);
		/* no /proc to link through: the named way */
		if (r == -ENOENT)
			r = write_named_temp(dirfd, name, data, len);
	} else if (fd == -EOPNOTSUPP || fd == -EISDIR || fd == -EINVAL) {
		r = write_named_temp(dirfd, name, data, len);
	} else {
		r = fd;
	}
	if (r)
		return r;
	if (fsync(dirfd) < 0)
		return -errno;
	return 0;
}

int store_mkdir_staged(int stagefd, int storefd, const char *dirname,
		       const char *name, const char *data, size_t len)
{
	char tmp[sizeof(TEMP_PREFIX) + 6];
	int dfd, r;

	if (stagefd < 0 || !same_mount(stagefd, storefd))
		return -EXDEV;
	r = with_temp_name(stagefd, tmp, make_dir, NULL);
	if (r < 0)
		return r;
	dfd = openat(stagefd, tmp,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	r = dfd < 0 ? -errno : atomic_write_at(-1, dfd, name, data, len);
	if (dfd >= 0)
		close(dfd);
	/* NOREPLACE: a directory made meanwhile (by a writer that does not
	 * lock, the real mdevctl) is left alone: the caller writes into it */
	if (!r &&
	    renameat2(stagefd, tmp, storefd, dirname, RENAME_NOREPLACE) < 0)
		r = -errno;
	if (!r && fsync(storefd) < 0)
		r = -errno;
	if (r)
		remove_temp(stagefd, tmp);
	return r;
}

int check_attr_names(const struct mdev *d, struct ctl_err *e)
{
	size_t i;

	for (i = 0; i < d->nattrs; i++)
		if (check_attr_name(d->attrs[i].name, e) < 0)
			return -1;
	return 0;
}

int check_type_name(const char *type, struct ctl_err *e)
{
	/* the type names a directory below mdev_supported_types */
	if (type && !valid_component(type))
		return invalid_name(e, "type", type);
	return 0;
}
