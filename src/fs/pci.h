/* SPDX-License-Identifier: MIT */
/*
 * What a PCI parent shows beyond the mdev files: the uevent keys libudev
 * and libvirt read (PCI_CLASS, PCI_ID, ...) and a 4 KiB config space with
 * a PCI Express capability, both derived from the parent's bus attributes
 * (vendor, device, class, subsystem_vendor, subsystem_device, revision).
 */
#ifndef MDEVD_PCI_H
#define MDEVD_PCI_H

#include <stddef.h>
#include <stdint.h>
#include "libmdev.h"

#define PCI_CONFIG_SIZE 4096

/* Appends the PCI uevent keys to buf (NUL-terminated); returns the new
 * length (truncated at size like snprintf). */
size_t pci_uevent(const struct mdev_parent *p, char *buf, size_t size,
		  size_t len);
void pci_config(const struct mdev_parent *p, uint8_t cfg[PCI_CONFIG_SIZE]);

#endif
