// SPDX-License-Identifier: MIT
/*
 * What mdevd tells the world about lifecycle changes, as a consumer of the
 * core's notifications (delivered without the core lock, since both do
 * I/O):
 *  - udev events (--uevents), in the shape the kernel sends them: devices
 *    add/bind and unbind/remove on SUBSYSTEM=mdev, parents "change" with
 *    MDEV_STATE=registered|unregistered;
 *  - --on-register commands for parents registered.
 * Attached once the tree is mounted: nothing is announced before.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mdevd.h"
#include "pci.h"

extern char **environ;

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

/* --on-register: `sh -c 'CMD "$1"' mdevd PARENT`, not waited for. */
static void run_on_register(struct mdevd *d, const char *parent)
{
	if (!d->opt.on_register)
		return;
	size_t l = strlen(d->opt.on_register);
	char *script = malloc(l + sizeof(" \"$1\""));
	if (!script)
		return;
	memcpy(script, d->opt.on_register, l);
	memcpy(script + l, " \"$1\"", sizeof(" \"$1\""));
	char *argv[] = {"sh", "-c", script, "mdevd", (char *)parent, NULL};
	posix_spawnattr_t attr;
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
					    POSIX_SPAWN_SETSIGDEF);
	/* Output goes to mdevd's stderr (its log): a child must not hold
	 * the stdout of whoever started mdevd, or `$(mdevd ROOT)` would wait
	 * for it. */
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	pid_t pid;
	int err = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(script);
	if (err) {
		fprintf(stderr, "mdevd: --on-register for %s: %s\n", parent,
			strerror(err));
		return;
	}
	pid_t *c = realloc(d->children, (d->n_children + 1) * sizeof(*c));
	if (!c)
		return; /* the child becomes a zombie until we exit */
	d->children = c;
	d->children[d->n_children++] = pid;
}

void events_reap(struct mdevd *d)
{
	for (size_t i = 0; i < d->n_children;) {
		int status;
		if (waitpid(d->children[i], &status, WNOHANG) != 0)
			d->children[i] = d->children[--d->n_children];
		else
			i++;
	}
}

static void events_notify(void *opaque, const struct mdev_event *ev)
{
	struct mdevd *d = opaque;

	switch (ev->kind) {
	case MDEV_EVENT_PARENT_REGISTERED:
		events_parent(d, ev->parent, "change", "registered");
		run_on_register(d, mdev_parent_name(ev->parent));
		break;
	case MDEV_EVENT_PARENT_UNREGISTERED:
		events_parent(d, ev->parent, "change", "unregistered");
		break;
	case MDEV_EVENT_DEVICE_CREATED:
		events_device(d, ev->device, "add");
		events_device(d, ev->device, "bind");
		break;
	case MDEV_EVENT_DEVICE_REMOVED:
		events_device(d, ev->device, "unbind");
		events_device(d, ev->device, "remove");
		break;
	case MDEV_EVENT_ATTR_CHANGED:
		events_device(d, ev->device, "change");
		break;
	}
}

static const struct mdev_consumer_ops events_consumer = {
    .name = "events",
    .notify = events_notify,
};

/* Start-up: the parents registered before the consumer was attached are
 * announced here. Nothing else runs yet (no FUSE loop, no signal thread),
 * so the parents cannot go away while their events are sent without the
 * lock. */
int events_attach(struct mdevd *d)
{
	int ret = mdev_core_attach(d->core, &events_consumer, d);
	if (ret < 0)
		return ret;
	for (struct mdev_parent *p = mdev_parent_first(d->core); p;
	     p = mdev_parent_next(p))
		events_parent(d, p, "change", "registered");
	for (struct mdev_parent *p = mdev_parent_first(d->core); p;
	     p = mdev_parent_next(p))
		run_on_register(d, mdev_parent_name(p));
	return 0;
}

void events_detach(struct mdevd *d)
{
	mdev_core_detach(d->core, &events_consumer, d);
	events_reap(d);
	free(d->children);
	d->children = NULL;
	d->n_children = 0;
}
