/* SPDX-License-Identifier: MIT */
/*
 * After `start` created a device: wait (bounded) until every uevent
 * listener in this network namespace has read what is queued for it.
 *
 * Why: libvirt's nodedev-create runs `mdevctl start`, then `udevadm
 * settle`, then looks the new device up once and, if it is not there yet,
 * sleeps 5 s before looking again. The device appears in libvirt only when
 * libvirt's single udev thread has *processed* the "add" event, which takes
 * it 10-30 ms (it reads the device's sysfs files). The event itself is
 * queued before the `create` write returns, but without udevd `udevadm
 * settle` has nothing to wait for, so the lookup often comes first (issue
 * 11: 6 of 20 creates took 5 s with libvirt 9.0, 1 of 20 with mdevctl
 * 1.4.0). mdevd and the kernel queue "bind" right behind "add": the thread
 * reads "bind" only after it finished with "add", so an empty receive queue
 * means "add" is done. /proc/net/netlink shows each socket's queued bytes.
 */
#include "ctl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define NETLINK_KOBJECT_UEVENT_PROTO 15
/* group 1: the kernel's own events (udevd); group 2: udev's (libvirt) */
#define UEVENT_GROUPS 0x3UL
#define POLL_NS (1000L * 1000L)

int netlink_line_busy(const char *line)
{
	unsigned long groups, rmem;
	unsigned pid;
	int proto;

	if (sscanf(line, "%*s %d %u %lx %lu", &proto, &pid, &groups, &rmem) !=
	    4)
		return -1;
	return proto == NETLINK_KOBJECT_UEVENT_PROTO &&
	       (groups & UEVENT_GROUPS) && rmem > 0;
}

/* Whether some uevent listener still has unread bytes; false when
 * /proc/net/netlink cannot be read (then there is nothing to wait for). */
static bool listener_busy(void)
{
	FILE *f = fopen("/proc/net/netlink", "re");
	char line[256];
	bool busy = false;

	if (!f)
		return false;
	/* the first line names the columns */
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return false;
	}
	while (!busy && fgets(line, sizeof(line), f))
		busy = netlink_line_busy(line) == 1;
	fclose(f);
	return busy;
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
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	/* a listener that never reads costs timeout_ms, not a hang */
	while (listener_busy() && elapsed_ms(&start) < timeout_ms)
		nanosleep(&pause, NULL);
}
