// SPDX-License-Identifier: MIT
/*
 * The model of the drivers whose devices are GPUs we do not emulate
 * (nvidia, i915, json): a PCI function with the parent's identity and
 * inert registers, so that lspci in a guest shows what a real vGPU shows
 * (NVIDIA types as NVIDIA devices, GVT-g as Intel VGA). The identity comes
 * from the parent's bus files; a parent without vendor and device files
 * (not on PCI) is not served.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev.h"
#include "model.h"
#include "pci_cfg.h"

#define IDENT_BAR0_SIZE (16u << 20)

/* Only the identity until a client reads the config space: a host with
 * 100,000 such devices and no VM keeps 24 bytes for each, not the 800 of
 * a config space (bench/run-mdevd.sh). Reset frees the space again. */
struct pci_ident {
	struct pci_cfg_id id;
	struct pci_cfg *cfg; /* NULL: as after power-on */
};

static struct pci_cfg *ident_cfg(struct pci_ident *d)
{
	if (!d->cfg) {
		d->cfg = malloc(sizeof(*d->cfg));
		if (!d->cfg)
			return NULL;
		pci_cfg_init(d->cfg, &d->id);
		pci_cfg_bar(d->cfg, 0, IDENT_BAR0_SIZE, false);
		pci_cfg_seal(d->cfg);
	}
	return d->cfg;
}

/* The bus file called name as a number ≤ max ("0x10de\n" style), or -1. */
static long bus_hex(const struct mdev_model_params *p, const char *name,
		    unsigned long max)
{
	for (size_t i = 0; i < p->n_bus_attrs; i++) {
		if (strcmp(p->bus_attrs[i].name, name))
			continue;
		char *end;
		const char *v = p->bus_attrs[i].value;
		unsigned long n = strtoul(v, &end, 16);
		if (end == v || n > max || (*end && *end != '\n'))
			return -1;
		return (long)n;
	}
	return -1;
}

static int ident_open(const struct mdev_model_params *params,
		      const struct mdev_model_host *host, void **state)
{
	long vendor = bus_hex(params, "vendor", 0xffff);
	long device = bus_hex(params, "device", 0xffff);
	long class_code = bus_hex(params, "class", 0xffffff);
	long sub_vendor = bus_hex(params, "subsystem_vendor", 0xffff);
	long sub_device = bus_hex(params, "subsystem_device", 0xffff);

	(void)host;
	/* 0000 and ffff are no vendor: the json driver's placeholders. */
	if (vendor <= 0 || vendor == 0xffff || device < 0)
		return -EOPNOTSUPP;
	struct pci_ident *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->id = (struct pci_cfg_id){
	    .vendor = (uint16_t)vendor,
	    .device = (uint16_t)device,
	    .sub_vendor = sub_vendor < 0 ? 0 : (uint16_t)sub_vendor,
	    .sub_device = sub_device < 0 ? 0 : (uint16_t)sub_device,
	    .class_code = class_code < 0 ? 0xff0000u : (uint32_t)class_code,
	    .revision = 0xa1,
	    .irq_pin = 1,
	};
	*state = d;
	return 0;
}

static void ident_close(void *state)
{
	struct pci_ident *d = state;

	free(d->cfg);
	free(d);
}

static void ident_reset(void *state)
{
	struct pci_ident *d = state;

	free(d->cfg);
	d->cfg = NULL;
}

static void ident_region_info(void *state, unsigned index,
			      struct mdev_model_region *out)
{
	(void)state;
	out->flags = MDEV_MODEL_REGION_READ | MDEV_MODEL_REGION_WRITE;
	if (index == MDEV_MODEL_CONFIG_REGION)
		out->size = PCI_CFG_SIZE;
	else if (index == 0)
		out->size = IDENT_BAR0_SIZE;
	else
		out->size = out->flags = 0;
}

static int ident_region_access(void *state, unsigned index, uint64_t off,
			       void *buf, uint32_t count, bool write)
{
	struct pci_ident *d = state;

	if (index == MDEV_MODEL_CONFIG_REGION) {
		struct pci_cfg *cfg = ident_cfg(d);
		if (!cfg)
			return -ENOMEM;
		pci_cfg_access(cfg, (uint32_t)off, buf, count, write);
	} else if (!write)
		memset(buf, 0, count); /* inert registers */
	return 0;
}

static unsigned ident_irq_count(void *state, unsigned index)
{
	(void)state;
	return index == MDEV_MODEL_IRQ_INTX ? 1 : 0;
}

const struct mdev_hw_model pci_ident_model = {
    .name = "pci-ident",
    .open = ident_open,
    .close = ident_close,
    .reset = ident_reset,
    .region_info = ident_region_info,
    .region_access = ident_region_access,
    .irq_count = ident_irq_count,
};
