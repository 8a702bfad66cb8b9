// SPDX-License-Identifier: MIT
/*
 * The mount point: a live mdevd already there is refused; a stale FUSE
 * mount left by a crash (statfs gives ENOTCONN, or never answers) is
 * detached; then the FUSE session is created and mounted.
 */
#include <errno.h>
#include <signal.h>
#include <fuse_lowlevel.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mdevd.h"

extern char **environ;

/* /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 +
				      (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* The fstype and source of the topmost mount at path, if any. */
static bool find_mount(const char *path, char *fstype, size_t ftlen,
		       char *source, size_t srclen)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *field[5];
		char *tok = strtok_r(line, " ", &save);
		int i;
		for (i = 0; i < 5 && tok; i++) {
			field[i] = tok;
			tok = strtok_r(NULL, " ", &save);
		}
		if (i < 5)
			continue;
		unescape(field[4]);
		if (strcmp(field[4], path) != 0)
			continue;
		/* Optional fields end at " - ". */
		while (tok && strcmp(tok, "-") != 0)
			tok = strtok_r(NULL, " ", &save);
		char *type = tok ? strtok_r(NULL, " ", &save) : NULL;
		char *src = type ? strtok_r(NULL, " ", &save) : NULL;
		if (!src)
			continue;
		unescape(src);
		snprintf(fstype, ftlen, "%s", type);
		snprintf(source, srclen, "%s", src);
		found = true; /* keep going: the last one is on top */
	}
	free(line);
	fclose(f);
	return found;
}

static int detach(const char *path)
{
	if (umount2(path, MNT_DETACH) == 0)
		return 0;
	if (errno != EPERM)
		return -errno;
	/* Not root: the setuid helper may unmount our own FUSE mounts. */
	char *argv[] = {"fusermount3", "-u", "-z", (char *)path, NULL};
	pid_t pid;
	int status;
	if (posix_spawnp(&pid, "fusermount3", NULL, NULL, argv, environ))
		return -EPERM;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -EPERM;
	return 0;
}

/* Whether pid names a process that is running (not a zombie). */
static bool process_running(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ...": the state follows the last ')'. */
	const char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

/* statfs in a child that is killed after STALE_STATFS_SECONDS: a daemon
 * killed while its kernel connection was wedged (a thread stuck in an
 * uninterruptible notification) leaves a mount whose requests are never
 * answered, and a plain statfs would hang this start-up forever.
 * Returns 0 (answered), -ENOTCONN (dead) or -ETIMEDOUT (wedged). */
#define STALE_STATFS_SECONDS 5

static int statfs_bounded(const char *path)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct statfs sfs;
		_exit(statfs(path, &sfs) == 0 ? 0 : errno == ENOTCONN ? 1 : 2);
	}
	for (int i = 0; i < STALE_STATFS_SECONDS * 20; i++) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				return 0;
			return WIFEXITED(status) && WEXITSTATUS(status) == 1
				   ? -ENOTCONN
				   : -EIO;
		}
		struct timespec pause = {0, 50 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -ETIMEDOUT;
}

/* The pid in an mdevd mount's source ("mdevd-PID"), 0 if none. */
static pid_t mount_owner(const char *fstype, const char *source)
{
	if (strcmp(fstype, "fuse.mdevd") != 0 ||
	    strncmp(source, "mdevd-", 6) != 0)
		return 0;
	return (pid_t)atoi(source + 6);
}

int mount_prepare(struct mdevd *d)
{
	char fstype[256], source[256];

	/* Stale mounts can be stacked; a few rounds clear them. */
	for (int round = 0; round < 8; round++) {
		if (!find_mount(d->mountpoint, fstype, sizeof(fstype), source,
				sizeof(source)))
			return 0;
		/* statfs always reaches the server (stat may be answered
		 * from the kernel's attribute cache of a dead mount). */
		pid_t owner = mount_owner(fstype, source);
		int state = statfs_bounded(d->mountpoint);
		if (state == -ETIMEDOUT && owner > 0 &&
		    process_running(owner)) {
			fprintf(stderr,
				"mdevd: %s is served by mdevd pid %d, which "
				"does not answer\n",
				d->mountpoint, (int)owner);
			return -EBUSY;
		}
		if (state == 0) {
			if (strcmp(fstype, "fuse.mdevd") != 0)
				return 0; /* something else: mount on top */
			const char *pid = strncmp(source, "mdevd-", 6) == 0
					      ? source + 6
					      : "?";
			fprintf(stderr,
				"mdevd: %s is already served by mdevd pid %s\n",
				d->mountpoint, pid);
			return -EBUSY;
		}
		if (state != -ENOTCONN && state != -ETIMEDOUT)
			return 0;
		int err = detach(d->mountpoint);
		if (err) {
			fprintf(stderr,
				"mdevd: %s: cannot unmount the stale mount "
				"left by a crash: %s\n",
				d->mountpoint, strerror(-err));
			return err;
		}
		fprintf(stderr, "mdevd: %s: removed a stale mount\n",
			d->mountpoint);
	}
	return 0;
}

int mount_start(struct mdevd *d)
{
	char opts[128];
	snprintf(opts, sizeof(opts),
		 "fsname=mdevd-%d,subtype=mdevd,default_permissions%s",
		 (int)getpid(), d->opt.allow_other ? ",allow_other" : "");
	char *argv[] = {"mdevd", "-o", opts, NULL};
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);

	d->se = fuse_session_new(&args, &mdevd_ops, sizeof(mdevd_ops), d);
	fuse_opt_free_args(&args);
	if (!d->se) {
		fprintf(stderr, "mdevd: cannot create the FUSE session\n");
		return -EIO;
	}
	if (fuse_session_mount(d->se, d->mountpoint) != 0) {
		fprintf(stderr, "mdevd: cannot mount %s\n", d->mountpoint);
		fuse_session_destroy(d->se);
		d->se = NULL;
		return -EIO;
	}
	return 0;
}

void mount_stop(struct mdevd *d)
{
	if (!d->se)
		return;
	fuse_session_unmount(d->se);
	fuse_session_destroy(d->se);
	d->se = NULL;
}
