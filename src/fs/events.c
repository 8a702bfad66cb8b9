// SPDX-License-Identifier: MIT
/*
 * udev events (--uevents), in the shape the kernel sends them: devices
 * add/bind and unbind/remove on SUBSYSTEM=mdev, parents "change" with
 * MDEV_STATE=registered|unregistered.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mdevd.h"
#include "pci.h"

#include "uevent.h"

int events_open(struct mdevd *d)
{
	char err[512] = "";
	int ret = mdev_uevent_open(&d->uevent, err, sizeof(err));
	if (ret < 0)
		fprintf(stderr, "mdevd: --uevents: %s\n",
			err[0] ? err : strerror(-ret));
	return ret;
}

void events_close(struct mdevd *d)
{
	if (d->uevent)
		mdev_uevent_close(d->uevent);
	d->uevent = NULL;
}

static void send_event(struct mdevd *d, const char *action, const char *devpath,
		       const char *subsystem, const char *const *props)
{
	int ret =
	    mdev_uevent_send(d->uevent, action, devpath, subsystem, props);
	if (ret < 0)
		fprintf(stderr, "mdevd: uevent %s %s: %s\n", action, devpath,
			strerror(-ret));
}

void events_device(struct mdevd *d, struct mdev_device *m, const char *action)
{
	char devpath[4096], type[MDEV_NAME_MAX + 16];
	const char *props[3] = {type, NULL, NULL};

	if (!d->uevent)
		return;
	snprintf(devpath, sizeof(devpath), "/devices/%s/%s",
		 mdev_parent_devpath(mdev_device_parent(m)),
		 mdev_device_name(m));
	snprintf(type, sizeof(type), "MDEV_TYPE=%s",
		 mdev_type_id(mdev_device_type(m)));
	if (strcmp(action, "remove") != 0 && strcmp(action, "unbind") != 0)
		props[1] = "DRIVER=vfio_mdev";
	send_event(d, action, devpath, "mdev", props);
}

/* The parent's subsystem as its uevent names it. */
static void parent_subsystem(struct mdev_parent *p, char *out, size_t size)
{
	const char *bus = mdev_parent_bus(p);
	const char *devpath = mdev_parent_devpath(p);
	if (bus && strcmp(bus, "virtual") == 0 &&
	    strncmp(devpath, "virtual/", 8) == 0) {
		const char *c = devpath + 8, *slash = strchr(c, '/');
		size_t l = slash ? (size_t)(slash - c) : strlen(c);
		snprintf(out, size, "%.*s", (int)l, c);
		return;
	}
	snprintf(out, size, "%s", bus ? bus : "virtual");
}

void events_parent(struct mdevd *d, struct mdev_parent *p, const char *action,
		   const char *mdev_state)
{
	char devpath[4096], subsystem[256], keys[MDEVD_PAGE + 1];
	char state[64];
	const char *props[16];
	size_t n = 0, len = 0;

	if (!d->uevent)
		return;
	snprintf(devpath, sizeof(devpath), "/devices/%s",
		 mdev_parent_devpath(p));
	parent_subsystem(p, subsystem, sizeof(subsystem));
	if (mdev_state) {
		snprintf(state, sizeof(state), "MDEV_STATE=%s", mdev_state);
		props[n++] = state;
	}
	/* The keys the parent's uevent file shows, as the kernel adds them
	 * to every event of the device. */
	const char *bus = mdev_parent_bus(p);
	keys[0] = '\0';
	if (bus && strcmp(bus, "virtual") != 0) {
		const char *drv = mdev_parent_driver_name(p);
		if (drv)
			len = (size_t)snprintf(keys, sizeof(keys),
					       "DRIVER=%s\n", drv);
		if (strcmp(bus, "pci") == 0)
			len = pci_uevent(p, keys, sizeof(keys), len);
	}
	for (char *line = keys; *line && n < 15;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		props[n++] = line;
		if (!nl)
			break;
		line = nl + 1;
	}
	props[n] = NULL;
	send_event(d, action, devpath, subsystem, props);
}
