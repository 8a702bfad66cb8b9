/* SPDX-License-Identifier: MIT */
/*
 * udev-format uevents on NETLINK_KOBJECT_UEVENT group 2 (what libudev
 * listeners such as libvirt's node-device driver receive), so management
 * software learns of devices as soon as they exist.
 *
 * Only allowed in a network namespace other than the host's: in the host's
 * namespace the host's own udev listeners would receive fake devices.
 */
#ifndef MDEV_UEVENT_H
#define MDEV_UEVENT_H

#include <stddef.h>

struct mdev_uevent;

/* -EPERM with a clear err when the caller is in the host's (PID 1's)
 * network namespace; other negative errno on socket failure. */
int mdev_uevent_open(struct mdev_uevent **out, char *err, size_t errlen);
/* action "add"/"remove"/"change"/"bind"/"unbind"; devpath "/devices/...";
 * props: NULL-terminated "KEY=VALUE" strings beyond ACTION, DEVPATH,
 * SUBSYSTEM and SEQNUM, which are added here. */
int mdev_uevent_send(struct mdev_uevent *ue, const char *action,
		     const char *devpath, const char *subsystem,
		     const char *const *props);
void mdev_uevent_close(struct mdev_uevent *ue);

#endif
