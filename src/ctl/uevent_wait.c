/* SPDX-License-Identifier: MIT */
/*
 * After `start` created a device: wait (bounded) until every uevent
 * listener in this network namespace has read what is queued for it and
 * has finished handling it.
 *
 * Why: libvirt's nodedev-create runs `mdevctl start`, then `udevadm
 * settle`, then looks the new device up once and, if it is not there yet,
 * sleeps 5 s before looking again. The device appears in libvirt only when
 * libvirt has *processed* the "add" event (read the device's sysfs files
 * and added it to its list). The event itself is queued before the
 * `create` write returns, but without udevd `udevadm settle` has nothing
 * to wait for, so the lookup often came first (issue 11: 6 of 20 creates
 * took 5 s with libvirt 9.0, 1 of 20 with mdevctl 1.4.0).
 *
 * Two conditions, because libvirt changed: libvirt 9 handles events on the
 * thread that reads them, so an empty receive queue (/proc/net/netlink's
 * Rmem) means "add" is done; libvirt 11 reads on one thread and hands each
 * event to a worker, so the queue is empty while the worker still reads
 * sysfs, or is still running `mdevctl list` for an earlier change with
 * "add" waiting behind it (measured under load: 5 of 96 creates missed
 * with the queue test alone; Nova's creates on an idle machine: 2 of 4 on
 * one parent). So the processes listening on udev's group must also be
 * idle: none of their threads runnable (R), in an uninterruptible wait
 * (D) or waiting for a FUSE reply (S, but /proc/PID/task/TID/wchan names
 * FUSE: reading mdevd's tree), none with a child other than us or our
 * ancestors, twice in a row a poll apart. They are found by their
 * sockets' inodes in /proc/PID/fd. udevd (the kernel's group) is left to
 * `udevadm settle`: it keeps idle worker processes.
 */
#include "ctl.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define NETLINK_KOBJECT_UEVENT_PROTO 15
/* group 1: the kernel's own events (udevd); group 2: udev's (libvirt) */
#define UEVENT_GROUPS 0x3UL
#define UDEV_GROUP 0x2UL
#define POLL_NS (1000L * 1000L)
/* listening processes followed (more are not waited for), ancestors */
#define MAX_PIDS 32

int netlink_line_parse(const char *line, struct netlink_sock *out)
{
	unsigned long groups, rmem, inode;
	unsigned pid;
	int proto;

	/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
	if (sscanf(line, "%*s %d %u %lx %lu %*s %*s %*s %*s %lu", &proto, &pid,
		   &groups, &rmem, &inode) != 5)
		return -1;
	out->listener =
	    proto == NETLINK_KOBJECT_UEVENT_PROTO && (groups & UEVENT_GROUPS);
	out->udev_group = out->listener && (groups & UDEV_GROUP);
	out->portid = pid;
	out->queued = rmem;
	out->inode = inode;
	return 0;
}

int proc_stat_busy(const char *stat)
{
	/* "tid (comm) S ...": comm may hold spaces and parentheses */
	const char *close = strrchr(stat, ')');

	if (!close || close[1] != ' ' || !close[2])
		return -1;
	return close[2] == 'R' || close[2] == 'D';
}

/* The uevent listeners' sockets: calls fn for each line; stops early when
 * fn returns non-zero. 0 when /proc/net/netlink cannot be read. */
static int each_listener(int (*fn)(const struct netlink_sock *, void *),
			 void *arg)
{
	FILE *f = fopen("/proc/net/netlink", "re");
	struct netlink_sock s;
	char line[256];
	int r = 0;

	if (!f)
		return 0;
	/* the first line names the columns */
	if (fgets(line, sizeof(line), f))
		while (!r && fgets(line, sizeof(line), f))
			if (netlink_line_parse(line, &s) == 0 && s.listener)
				r = fn(&s, arg);
	fclose(f);
	return r;
}

static int sock_queued(const struct netlink_sock *s, void *arg)
{
	(void)arg;
	return s->queued > 0;
}

/* Whether process pid has the socket "socket:[inode]" open. */
static bool proc_has_socket(const char *pid, unsigned long inode)
{
	char path[64], want[40], got[40];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		ssize_t n =
		    readlinkat(dirfd(dir), de->d_name, got, sizeof(got) - 1);
		if (n > 0) {
			got[n] = '\0';
			found = strcmp(got, want) == 0;
		}
	}
	closedir(dir);
	return found;
}

struct pid_set {
	pid_t pid[MAX_PIDS];
	size_t n;
};

static void pid_set_add(struct pid_set *l, pid_t pid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->pid[i] == pid)
			return;
	if (l->n < MAX_PIDS && pid != getpid())
		l->pid[l->n++] = pid;
}

/* The process owning a listener socket: usually the one whose pid the
 * kernel gave the socket as its port (a process's first netlink socket),
 * otherwise found by scanning /proc. */
static int sock_owner(const struct netlink_sock *s, void *arg)
{
	struct pid_set *l = arg;
	struct dirent *de;
	char pid[16];
	DIR *proc;

	/* udevd (the kernel's group) works in worker processes that it
	 * keeps; `udevadm settle` is what waits for it */
	if (!s->udev_group)
		return 0;
	snprintf(pid, sizeof(pid), "%u", s->portid);
	if (s->portid > 0 && proc_has_socket(pid, s->inode)) {
		pid_set_add(l, (pid_t)s->portid);
		return 0;
	}
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while ((de = readdir(proc)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
		    proc_has_socket(de->d_name, s->inode)) {
			pid_set_add(l, (pid_t)atoi(de->d_name));
			break;
		}
	closedir(proc);
	return 0;
}

bool wchan_in_fuse(const char *wchan)
{
	/* Where a FUSE request waits for its reply, interruptibly: the
	 * thread is S while mdevd serves its read. (Not every fuse_*
	 * function: mdevd's own wait for requests is fuse_dev_do_read.) */
	return strncmp(wchan, "request_wait_answer", 19) == 0;
}

/* Whether a child pid listed in a /proc/PID/task/TID/children file is
 * one other than ours: we are a child (or grandchild) of the program
 * that ran us, which may be a listener. */
static bool other_child(const char *children, const struct pid_set *self)
{
	const char *p = children;
	char *end;

	for (;;) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			return false;
		bool ours = false;
		for (size_t i = 0; i < self->n; i++)
			ours = ours || self->pid[i] == (pid_t)pid;
		if (!ours)
			return true;
		p = end;
	}
}

/* Reads DIR/NAME (a small /proc file) into buf; false when it cannot. */
static bool read_small(int dir, const char *name, char *buf, size_t size)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* Whether some thread of process pid runs, waits uninterruptibly, waits
 * for a FUSE reply (reads mdevd's tree) or for a child of its own
 * (libvirt 11's worker running `mdevctl list` while the next event waits
 * in its queue). */
static bool proc_busy(pid_t pid, const struct pid_set *self)
{
	char path[300], buf[512];
	struct dirent *de;
	bool busy = false;
	DIR *tasks;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (!tasks)
		return false;
	while (!busy && (de = readdir(tasks))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		if (read_small(dirfd(tasks), path, buf, sizeof(buf)))
			busy = proc_stat_busy(buf) == 1;
		snprintf(path, sizeof(path), "%s/wchan", de->d_name);
		if (!busy && read_small(dirfd(tasks), path, buf, sizeof(buf)))
			busy = wchan_in_fuse(buf);
		snprintf(path, sizeof(path), "%s/children", de->d_name);
		if (!busy && read_small(dirfd(tasks), path, buf, sizeof(buf)))
			busy = other_child(buf, self);
	}
	closedir(tasks);
	return busy;
}

/* This process and its ancestors. */
static void self_and_ancestors(struct pid_set *self)
{
	pid_t pid = getpid();
	char path[64], stat[512];

	self->n = 0;
	while (pid > 1 && self->n < MAX_PIDS) {
		self->pid[self->n++] = pid;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		const char *close;
		int ppid;
		if (!read_small(AT_FDCWD, path, stat, sizeof(stat)) ||
		    !(close = strrchr(stat, ')')) ||
		    sscanf(close + 1, " %*c %d", &ppid) != 1)
			break;
		pid = ppid;
	}
}

static bool listeners_busy(const struct pid_set *l, const struct pid_set *self)
{
	if (each_listener(sock_queued, NULL))
		return true;
	for (size_t i = 0; i < l->n; i++)
		if (proc_busy(l->pid[i], self))
			return true;
	return false;
}

static long elapsed_ms(const struct timespec *from)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - from->tv_sec) * 1000L +
	       (now.tv_nsec - from->tv_nsec) / 1000000L;
}

void uevent_listeners_wait(long timeout_ms)
{
	const struct timespec pause = {0, POLL_NS};
	struct pid_set l = {.n = 0}, self;
	struct timespec start;
	int idle = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	each_listener(sock_owner, &l);
	self_and_ancestors(&self);
	/* A listener that never reads or never rests costs timeout_ms, not
	 * a hang. Idle twice in a row: a worker that sleeps for a moment on
	 * a lock mid-event must not end the wait. */
	int need = l.n ? 2 : 1; /* with no process to follow: the queues */

	while (elapsed_ms(&start) < timeout_ms) {
		if (listeners_busy(&l, &self))
			idle = 0;
		else if (++idle == need)
			break;
		nanosleep(&pause, NULL);
	}
}
