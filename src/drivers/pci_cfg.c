// SPDX-License-Identifier: MIT
#include <string.h>

#include "pci_cfg.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

void pci_cfg_init(struct pci_cfg *cfg, const struct pci_cfg_id *id)
{
	memset(cfg, 0, sizeof(*cfg));
	put16(cfg->data + 0x00, id->vendor);
	put16(cfg->data + 0x02, id->device);
	cfg->data[0x08] = id->revision;
	cfg->data[0x09] = (uint8_t)id->class_code;
	cfg->data[0x0a] = (uint8_t)(id->class_code >> 8);
	cfg->data[0x0b] = (uint8_t)(id->class_code >> 16);
	put16(cfg->data + 0x2c, id->sub_vendor);
	put16(cfg->data + 0x2e, id->sub_device);
	cfg->data[0x3d] = id->irq_pin;
	/* Command: I/O, memory, bus master, parity, SERR, INTx disable. */
	put16(cfg->wmask + PCI_CFG_COMMAND, 0x0547);
	cfg->wmask[0x0c] = 0xff; /* cache line size */
	cfg->wmask[0x0d] = 0xff; /* latency timer */
	cfg->wmask[0x3c] = 0xff; /* interrupt line */
}

void pci_cfg_bar(struct pci_cfg *cfg, unsigned n, uint32_t size, bool io)
{
	uint8_t *reg = cfg->data + 0x10 + 4 * n;

	cfg->bar_size[n] = size;
	put32(reg, io ? 1u : 0u);
	/* Only the address bits above the size are writable, so a sizing
	 * probe (all ones) reads back the size as on real hardware. */
	put32(cfg->wmask + 0x10 + 4 * n, ~(size - 1) & (io ? ~3u : ~15u));
}

void pci_cfg_seal(struct pci_cfg *cfg)
{
	memcpy(cfg->reset, cfg->data, sizeof(cfg->reset));
}

void pci_cfg_reset(struct pci_cfg *cfg)
{
	memcpy(cfg->data, cfg->reset, sizeof(cfg->data));
}

void pci_cfg_access(struct pci_cfg *cfg, uint32_t off, void *buf,
		    uint32_t count, bool write)
{
	uint8_t *b = buf;

	for (uint32_t i = 0; i < count; i++) {
		uint8_t *cur = &cfg->data[off + i];
		uint8_t m = cfg->wmask[off + i];
		if (write)
			*cur = (uint8_t)((*cur & ~m) | (b[i] & m));
		else
			b[i] = *cur;
	}
}

uint16_t pci_cfg_command(const struct pci_cfg *cfg)
{
	return (uint16_t)(cfg->data[PCI_CFG_COMMAND] |
			  cfg->data[PCI_CFG_COMMAND + 1] << 8);
}
