/* SPDX-License-Identifier: MIT */
/*
 * A type-0 PCI configuration space for device models: 256 bytes, a mask
 * of the bits a guest may write, BARs that keep their type bits and
 * size alignment. QEMU sizes BARs itself from the region sizes, but the
 * base addresses it programs are written here and read back.
 */
#ifndef MDEV_PCI_CFG_H
#define MDEV_PCI_CFG_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CFG_SIZE 256
#define PCI_CFG_COMMAND 0x04
#define PCI_CFG_COMMAND_INTX_DISABLE 0x400

struct pci_cfg {
	uint8_t data[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];
	uint8_t reset[PCI_CFG_SIZE];
	uint32_t bar_size[6];
};

struct pci_cfg_id {
	uint16_t vendor, device, sub_vendor, sub_device;
	uint32_t class_code; /* base, sub, prog-if: 0x070002 */
	uint8_t revision;
	uint8_t irq_pin; /* 1 = INTA, 0 none */
};

void pci_cfg_init(struct pci_cfg *cfg, const struct pci_cfg_id *id);
/* BAR n of size bytes (a power of two), I/O or 32-bit memory. */
void pci_cfg_bar(struct pci_cfg *cfg, unsigned n, uint32_t size, bool io);
/* Remembers the current contents as the power-on state. */
void pci_cfg_seal(struct pci_cfg *cfg);
void pci_cfg_reset(struct pci_cfg *cfg);
/* count bytes at off, inside the 256 (the caller checked). */
void pci_cfg_access(struct pci_cfg *cfg, uint32_t off, void *buf,
		    uint32_t count, bool write);
uint16_t pci_cfg_command(const struct pci_cfg *cfg);

#endif
