// SPDX-License-Identifier: MIT
/*
 * What each file shows and what a write to it does: the schema's files
 * through their show/store (mdev_sysfs.h) or, for the few whose content is
 * the daemon's (uevent, config), through the functions here; the driver's
 * files through the core. Every show formats like the kernel's ("%s\n").
 */
#include <errno.h>
#include <string.h>

#include "common/common.h"
#include "mdevd.h"
#include "pci.h"

static int show_line(char *buf, size_t size, const char *s)
{
	return mdev_sysfs_emit(buf, size, "%s\n", s ? s : "");
}

static int parent_uevent_show(struct mdevd *d, const struct mdev_sysfs_obj *o,
			      char *buf, size_t size)
{
	const char *bus = mdev_parent_bus(o->parent);
	const char *drv = mdev_parent_driver_name(o->parent);
	size_t len = 0;

	(void)d;
	buf[0] = '\0';
	/* Class devices under devices/virtual have no driver. */
	if (bus && strcmp(bus, "virtual") == 0)
		return 0;
	if (drv) {
		int n = mdev_sysfs_emit(buf, size, "DRIVER=%s\n", drv);
		if (n < 0)
			return n;
		len = (size_t)n;
	}
	if (bus && strcmp(bus, "pci") == 0)
		len = pci_uevent(o->parent, buf, size, len);
	return (int)len;
}

static int device_uevent_show(struct mdevd *d, const struct mdev_sysfs_obj *o,
			      char *buf, size_t size)
{
	(void)d;
	return mdev_sysfs_emit(buf, size, "DRIVER=vfio_mdev\nMDEV_TYPE=%s\n",
			       mdev_type_id(o->type));
}

static int config_show(struct mdevd *d, const struct mdev_sysfs_obj *o,
		       char *buf, size_t size)
{
	(void)d;
	if (size < PCI_CONFIG_SIZE)
		return -EIO;
	pci_config(o->parent, (uint8_t *)buf);
	return PCI_CONFIG_SIZE;
}

/* Emulated hardware: config writes go nowhere. */
static int config_store(struct mdevd *d, const struct mdev_sysfs_obj *o,
			const char *buf, size_t len)
{
	(void)d;
	(void)o;
	(void)buf;
	(void)len;
	return 0;
}

/* A write to a uevent file: "<action>[ ...]\n" as the kernel's
 * kobject_synth_uevent() accepts; the event goes out with --uevents. */
static int uevent_store(struct mdevd *d, const struct mdev_sysfs_obj *o,
			const char *buf, size_t len)
{
	static const char *const actions[] = {
	    "add",    "remove",	 "change", "move",
	    "online", "offline", "bind",   "unbind",
	};
	size_t l = 0;
	while (l < len && buf[l] != ' ' && buf[l] != '\n' && buf[l] != '\0')
		l++;
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strlen(actions[i]) != l || memcmp(actions[i], buf, l) != 0)
			continue;
		if (o->device)
			events_device(d, o->device, actions[i]);
		else
			events_parent(d, o->parent, actions[i], NULL);
		return 0;
	}
	return -EINVAL;
}

/* The schema files the daemon answers (mdev_sysfs.h): their content is
 * its own business — udev events, the emulated PCI bus. */
struct server_file {
	enum mdev_sysfs_dir dir;
	unsigned index;
	int (*show)(struct mdevd *d, const struct mdev_sysfs_obj *o, char *buf,
		    size_t size);
	int (*store)(struct mdevd *d, const struct mdev_sysfs_obj *o,
		     const char *buf, size_t len);
};

static const struct server_file server_files[] = {
    {MDEV_SYSFS_PARENT, MDEV_SYSFS_PARENT_UEVENT, parent_uevent_show,
     uevent_store},
    {MDEV_SYSFS_PARENT, MDEV_SYSFS_PARENT_CONFIG, config_show, config_store},
    {MDEV_SYSFS_DEVICE, MDEV_SYSFS_DEVICE_UEVENT, device_uevent_show,
     uevent_store},
};

static const struct server_file *server_file(const struct mdev_sysfs_file *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(server_files); i++) {
		size_t n;
		const struct server_file *sf = &server_files[i];
		if (mdev_sysfs_files(sf->dir, &n) + sf->index == f)
			return sf;
	}
	return NULL;
}

/* The driver's own files: bus and class attributes show their value,
 * device attributes go to the core (and the driver's ops). */
static int driver_file_show(struct mdevd *d, const struct fs_obj *o, char *buf,
			    size_t size)
{
	if (o->kind == OK_STATIC) {
		const struct fs_node *n = tree_node(d->tree, o->slot);
		if (n->role == R_PARENT_BUS_ATTR)
			return show_line(
			    buf, size,
			    mdev_parent_bus_attr(n->parent, n->index)->value);
		if (n->role == R_TYPE_CLASS_ATTR)
			return show_line(buf, size,
					 mdev_type_desc(n->type)
					     ->class_attrs[n->index]
					     .value);
		return -EIO;
	}
	const char *attr = tree_dev_attr_name(o);
	if (!attr)
		return -EIO;
	return mdev_device_attr_show(o->dev->mdev, attr, buf, size);
}

/* Which code answers o: the schema's show/store (*f), the daemon's
 * (*sf, for a schema file without them) or, when *f is NULL, the
 * driver's. -EISDIR for a directory or link. */
static int file_handlers(struct mdevd *d, const struct fs_obj *o,
			 struct mdev_sysfs_obj *so,
			 const struct mdev_sysfs_file **f,
			 const struct server_file **sf)
{
	if (o->kind != OK_STATIC && o->kind != OK_DEV_FILE)
		return -EISDIR;
	*f = tree_schema_file(d->tree, o, so);
	*sf = *f ? server_file(*f) : NULL;
	return 0;
}

int content_show(struct mdevd *d, const struct fs_obj *o, char *buf,
		 size_t size)
{
	struct mdev_sysfs_obj so;
	const struct mdev_sysfs_file *f;
	const struct server_file *sf;
	int ret = file_handlers(d, o, &so, &f, &sf);

	if (ret < 0)
		return ret;
	if (!f)
		return driver_file_show(d, o, buf, size);
	if (f->show)
		return f->show(&so, buf, size);
	return sf && sf->show ? sf->show(d, &so, buf, size) : -EIO;
}

int content_store(struct mdevd *d, const struct fs_obj *o, const char *buf,
		  size_t len)
{
	struct mdev_sysfs_obj so;
	const struct mdev_sysfs_file *f;
	const struct server_file *sf;
	int ret = file_handlers(d, o, &so, &f, &sf);
	const char *attr;

	if (ret < 0)
		return ret;
	if (!f) {
		attr = tree_dev_attr_name(o);
		return attr ? mdev_device_attr_store(o->dev->mdev, attr, buf,
						     len)
			    : -EIO;
	}
	if (f->store)
		return f->store(&so, buf, len);
	return sf && sf->store ? sf->store(d, &so, buf, len) : -EIO;
}
