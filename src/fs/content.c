// SPDX-License-Identifier: MIT
/*
 * What each file shows and what a write to it does. Every show formats
 * like the kernel's ("%s\n", "%u\n"); every store hands the write's bytes
 * to the core unchanged, so the core's errno reaches the writer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mdevd.h"
#include "pci.h"

static int show_text(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EIO;
	/* Longer than a page: cut, as the kernel's show buffer would. */
	return (size_t)n < size ? n : (int)size - 1;
}

static int show_line(char *buf, size_t size, const char *s)
{
	return show_text(buf, size, "%s\n", s ? s : "");
}

/* Descriptions may already end with a newline (GVT-g's several lines do,
 * as the kernel's sprintf formats them); add one only if missing. */
static int show_description(char *buf, size_t size, const char *s)
{
	size_t l = strlen(s);
	if (l && s[l - 1] == '\n')
		return show_text(buf, size, "%s", s);
	return show_line(buf, size, s);
}

static int show_parent_uevent(struct mdev_parent *p, char *buf, size_t size)
{
	const char *bus = mdev_parent_bus(p);
	const char *drv = mdev_parent_driver_name(p);
	size_t len = 0;

	buf[0] = '\0';
	/* Class devices under devices/virtual have no driver. */
	if (bus && strcmp(bus, "virtual") == 0)
		return 0;
	if (drv)
		len = (size_t)show_text(buf, size, "DRIVER=%s\n", drv);
	if (bus && strcmp(bus, "pci") == 0)
		len = pci_uevent(p, buf, size, len);
	return (int)len;
}

static int show_static(struct mdevd *d, const struct fs_node *n, char *buf,
		       size_t size)
{
	const struct mdev_type_desc *td =
	    n->type ? mdev_type_desc(n->type) : NULL;
	switch (n->role) {
	case R_PARENT_UEVENT:
		return show_parent_uevent(n->parent, buf, size);
	case R_PARENT_CONFIG:
		if (size < PCI_CONFIG_SIZE)
			return -EIO;
		pci_config(n->parent, (uint8_t *)buf);
		return PCI_CONFIG_SIZE;
	case R_PARENT_BUS_ATTR:
		return show_line(
		    buf, size,
		    mdev_parent_bus_attr(n->parent, n->index)->value);
	case R_TYPE_NAME:
		return show_line(buf, size, mdev_type_name(n->type));
	case R_TYPE_DESCRIPTION:
		return show_description(buf, size, td->description);
	case R_TYPE_DEVICE_API:
		return show_line(buf, size, td->device_api);
	case R_TYPE_AVAILABLE:
		return show_text(buf, size, "%u\n",
				 mdev_type_available(n->type));
	case R_TYPE_MAX_INSTANCES:
		return show_text(buf, size, "%u\n", td->max_instances);
	case R_TYPE_REQUIRES_GROUP:
		return show_line(buf, size,
				 td->requires_group ? td->requires_group : "0");
	case R_TYPE_PARAMS:
		return show_line(buf, size, td->params);
	case R_TYPE_CLASS:
		return show_line(buf, size, td->class_name);
	case R_TYPE_CLASS_ATTR:
		return show_line(buf, size, td->class_attrs[n->index].value);
	default:
		(void)d;
		return -EIO;
	}
}

int content_show(struct mdevd *d, const struct fs_obj *o, char *buf,
		 size_t size)
{
	if (o->kind == OK_STATIC)
		return show_static(d, tree_node(d->tree, o->slot), buf, size);
	if (o->kind != OK_DEV_FILE)
		return -EISDIR;
	struct mdev_device *m = o->dev->mdev;
	if (o->index == DF_UEVENT)
		return show_text(buf, size, "DRIVER=vfio_mdev\nMDEV_TYPE=%s\n",
				 mdev_type_id(mdev_device_type(m)));
	const char *attr = tree_dev_attr_name(o);
	if (!attr)
		return -EIO;
	return mdev_device_attr_show(m, attr, buf, size);
}

/* A write to a uevent file: "<action>[ ...]\n" as the kernel's
 * kobject_synth_uevent() accepts; the event goes out with --uevents. */
static int store_uevent(struct mdevd *d, struct mdev_parent *p,
			struct mdev_device *m, const char *buf, size_t len)
{
	static const char *const actions[] = {
	    "add",    "remove",	 "change", "move",
	    "online", "offline", "bind",   "unbind",
	};
	size_t l = 0;
	while (l < len && buf[l] != ' ' && buf[l] != '\n' && buf[l] != '\0')
		l++;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strlen(actions[i]) != l || memcmp(actions[i], buf, l) != 0)
			continue;
		if (m)
			events_device(d, m, actions[i]);
		else
			events_parent(d, p, actions[i], NULL);
		return 0;
	}
	return -EINVAL;
}

int content_store(struct mdevd *d, const struct fs_obj *o, const char *buf,
		  size_t len)
{
	if (o->kind == OK_STATIC) {
		const struct fs_node *n = tree_node(d->tree, o->slot);
		switch (n->role) {
		case R_TYPE_CREATE:
			return mdev_type_create_write(n->type, buf, len);
		case R_PARENT_DESTROY:
			return mdev_parent_destroy_write(n->parent, buf, len);
		case R_PARENT_UEVENT:
			return store_uevent(d, n->parent, NULL, buf, len);
		case R_PARENT_CONFIG:
			/* Emulated hardware: config writes go nowhere. */
			return 0;
		default:
			return -EIO;
		}
	}
	if (o->kind != OK_DEV_FILE)
		return -EISDIR;
	struct mdev_device *m = o->dev->mdev;
	switch (o->index) {
	case DF_REMOVE:
		return mdev_device_remove_write(m, buf, len);
	case DF_UEVENT:
		return store_uevent(d, NULL, m, buf, len);
	default: {
		const char *attr = tree_dev_attr_name(o);
		if (!attr)
			return -EIO;
		return mdev_device_attr_store(m, attr, buf, len);
	}
	}
}
