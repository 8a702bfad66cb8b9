// SPDX-License-Identifier: MIT
#include "pci.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Config space offsets (PCI Local Bus / PCI Express specifications). */
#define CFG_VENDOR 0x00
#define CFG_DEVICE 0x02
#define CFG_COMMAND 0x04
#define CFG_STATUS 0x06
#define CFG_REVISION 0x08
#define CFG_CLASS 0x09 /* prog-if, subclass, base class */
#define CFG_HEADER_TYPE 0x0e
#define CFG_SUBSYS_VENDOR 0x2c
#define CFG_SUBSYS_ID 0x2e
#define CFG_CAP_PTR 0x34
#define STATUS_CAP_LIST 0x10
#define CAP_EXP_OFFSET 0x40
#define CAP_ID_EXP 0x10
#define EXP_FLAGS 0x02
#define EXP_DEVCAP 0x04
#define EXP_LNKCAP 0x0c
#define EXP_LNKSTA 0x12

/* The parent's bus attribute as a number (hex with or without 0x). */
static unsigned long bus_attr_num(const struct mdev_parent *p, const char *name,
				  unsigned long dflt)
{
	size_t n = mdev_parent_bus_attr_count(p);
	for (size_t i = 0; i < n; i++) {
		const struct mdev_kv *kv = mdev_parent_bus_attr(p, i);
		if (strcmp(kv->name, name) == 0 && kv->value) {
			char *end;
			unsigned long v = strtoul(kv->value, &end, 16);
			return end != kv->value ? v : dflt;
		}
	}
	return dflt;
}

static size_t append(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (len >= size)
		return len;
	va_start(ap, fmt);
	int n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return len;
	len += (size_t)n;
	return len < size ? len : size - 1;
}

size_t pci_uevent(const struct mdev_parent *p, char *buf, size_t size,
		  size_t len)
{
	unsigned long vendor = bus_attr_num(p, "vendor", 0xffff);
	unsigned long device = bus_attr_num(p, "device", 0xffff);
	unsigned long cls = bus_attr_num(p, "class", 0);
	unsigned long sv = bus_attr_num(p, "subsystem_vendor", 0);
	unsigned long sd = bus_attr_num(p, "subsystem_device", 0);

	/* The kernel's pci_uevent() formats, key for key. */
	len = append(buf, size, len, "PCI_CLASS=%lX\n", cls);
	len = append(buf, size, len, "PCI_ID=%04lX:%04lX\n", vendor, device);
	len = append(buf, size, len, "PCI_SUBSYS_ID=%04lX:%04lX\n", sv, sd);
	len = append(buf, size, len, "PCI_SLOT_NAME=%s\n", mdev_parent_name(p));
	len = append(
	    buf, size, len,
	    "MODALIAS=pci:v%08lXd%08lXsv%08lXsd%08lXbc%02lXsc%02lXi%02lX\n",
	    vendor, device, sv, sd, (cls >> 16) & 0xff, (cls >> 8) & 0xff,
	    cls & 0xff);
	return len;
}

static void put16(uint8_t *cfg, size_t off, unsigned long v)
{
	cfg[off] = (uint8_t)(v & 0xff);
	cfg[off + 1] = (uint8_t)((v >> 8) & 0xff);
}

static void put32(uint8_t *cfg, size_t off, unsigned long v)
{
	put16(cfg, off, v & 0xffff);
	put16(cfg, off + 2, (v >> 16) & 0xffff);
}

void pci_config(const struct mdev_parent *p, uint8_t cfg[PCI_CONFIG_SIZE])
{
	unsigned long cls = bus_attr_num(p, "class", 0);

	memset(cfg, 0, PCI_CONFIG_SIZE);
	put16(cfg, CFG_VENDOR, bus_attr_num(p, "vendor", 0xffff));
	put16(cfg, CFG_DEVICE, bus_attr_num(p, "device", 0xffff));
	put16(cfg, CFG_COMMAND, 0x0006); /* memory space, bus master */
	put16(cfg, CFG_STATUS, STATUS_CAP_LIST);
	cfg[CFG_REVISION] = (uint8_t)bus_attr_num(p, "revision", 0);
	cfg[CFG_CLASS] = (uint8_t)(cls & 0xff);
	cfg[CFG_CLASS + 1] = (uint8_t)((cls >> 8) & 0xff);
	cfg[CFG_CLASS + 2] = (uint8_t)((cls >> 16) & 0xff);
	cfg[CFG_HEADER_TYPE] = 0x00; /* type 0, single function */
	put16(cfg, CFG_SUBSYS_VENDOR, bus_attr_num(p, "subsystem_vendor", 0));
	put16(cfg, CFG_SUBSYS_ID, bus_attr_num(p, "subsystem_device", 0));
	cfg[CFG_CAP_PTR] = CAP_EXP_OFFSET;

	/* PCI Express capability, version 2, endpoint, 8 GT/s x16 link
	 * (what libvirt reports as link capability and status). */
	uint8_t *exp = cfg + CAP_EXP_OFFSET;
	exp[0] = CAP_ID_EXP;
	exp[1] = 0; /* end of the capability list */
	put16(exp, EXP_FLAGS, 0x0002);
	put32(exp, EXP_DEVCAP, 0x00000001); /* max payload 256 bytes */
	put32(exp, EXP_LNKCAP, (16u << 4) | 3u);
	put16(exp, EXP_LNKSTA, (16u << 4) | 3u);
}
