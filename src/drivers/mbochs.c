/* SPDX-License-Identifier: MIT */
/*
 * mbochs: the kernel's sample bochs-compatible display
 * (samples/vfio-mdev/mbochs.c). Three types over a pool of 256 MB of video
 * memory (available 64/16/4 at start, ENOSPC when short). Sysfs names
 * small/medium/large with pretty names "mbochs-small"..., the sample's
 * description "virtual display, N MB video memory" and its per-device
 * vendor/memory file ("N MB").
 *
 * Option "mbytes": the pool (the module's max_mbytes).
 *
 * The device model (served over vfio-user): QEMU's bochs-display, which
 * the guest's stock bochs DRM driver binds: 1234:1111, class 0x038000;
 * BAR0 the framebuffer (the type's memory), a memfd the client maps, so
 * the guest's pixels never pass through a message; BAR2 4 KiB of MMIO:
 * no EDID at 0x000, VGA ports at 0x400 (inert), the bochs DISPI registers
 * at 0x500, QEMU's extension (size, endianness) at 0x600. The host end
 * <uuid>.screen: a connection receives a PNG of what the guest shows (the
 * enabled mode's visible area) and is closed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "fb.h"
#include "model.h"
#include "pci_cfg.h"
#include "png.h"

#define MBOCHS_MBYTES 256

#define MBOCHS_TYPE(sysfs, mb)                                                 \
	static const struct mdev_cost mbochs_cost_##sysfs[] = {                \
	    {"mbytes", mb}};                                                   \
	static const struct mdev_attr_desc mbochs_attrs_##sysfs[] = {          \
	    {"vendor/memory", MDEV_ATTR_RO, #mb " MB"}}
MBOCHS_TYPE(small, 4);
MBOCHS_TYPE(medium, 16);
MBOCHS_TYPE(large, 64);

#define MBOCHS_TYPE_DESC(sysfs, mb)                                            \
	{                                                                      \
		.id = "mbochs-" #sysfs, .name = "mbochs-" #sysfs,              \
		.description = "virtual display, " #mb " MB video memory\n",   \
		.device_api = "vfio-pci", .costs = mbochs_cost_##sysfs,        \
		.n_costs = 1, .device_attrs = mbochs_attrs_##sysfs,            \
		.n_device_attrs = 1,                                           \
	}

static const struct mdev_type_desc mbochs_types[] = {
    MBOCHS_TYPE_DESC(small, 4),
    MBOCHS_TYPE_DESC(medium, 16),
    MBOCHS_TYPE_DESC(large, 64),
};

struct mbochs_opts {
	unsigned long mbytes;
};

static const struct mbochs_opts mbochs_defaults = {.mbytes = MBOCHS_MBYTES};

static const struct mdev_hw_key mbochs_keys[] = {
    {"mbytes", offsetof(struct mbochs_opts, mbytes), 1UL << 20},
    {NULL, 0, 0},
};

static int mbochs_describe(const void *opts, struct mdev_hw_parent *out)
{
	const struct mbochs_opts *o = opts;

	drv_one_pool(out, "mbytes", o->mbytes);
	return 0;
}

/* ------------------------------------------------------------ the model */

#define MBOCHS_MMIO_SIZE 4096u
#define DISPI_BASE 0x500u
#define DISPI_REGS 11u
#define DISPI_ID 0
#define DISPI_XRES 1
#define DISPI_YRES 2
#define DISPI_BPP 3
#define DISPI_ENABLE 4
#define DISPI_VIRT_WIDTH 6
#define DISPI_X_OFFSET 8
#define DISPI_Y_OFFSET 9
#define DISPI_VIDEO_MEMORY_64K 10
#define DISPI_ID5 0xb0c5
#define QEXT_BASE 0x600u

struct mbochs_dev {
	const struct mdev_model_host *host;
	struct pci_cfg cfg;
	uint16_t dispi[DISPI_REGS];
	uint32_t endian;
	struct model_fb fb;
};

static uint64_t mbochs_type_bytes(const char *type_id)
{
	if (strcmp(type_id, "mbochs-large") == 0)
		return 64u << 20;
	if (strcmp(type_id, "mbochs-medium") == 0)
		return 16u << 20;
	return 4u << 20;
}

/* The byte at off of BAR2 as the guest reads it. */
static uint8_t mmio_byte(const struct mbochs_dev *m, uint32_t off)
{
	if (off >= DISPI_BASE && off < DISPI_BASE + 2 * DISPI_REGS) {
		unsigned reg = (off - DISPI_BASE) / 2;
		uint16_t v = m->dispi[reg];
		if (reg == DISPI_ID)
			v = DISPI_ID5;
		else if (reg == DISPI_VIDEO_MEMORY_64K)
			v = (uint16_t)(m->fb.size >> 16);
		return (uint8_t)(v >> (8 * ((off - DISPI_BASE) & 1)));
	}
	if (off >= QEXT_BASE && off < QEXT_BASE + 4)
		return (uint8_t)(8u >> (8 * (off - QEXT_BASE))); /* its size */
	if (off >= QEXT_BASE + 4 && off < QEXT_BASE + 8)
		return (uint8_t)(m->endian >> (8 * (off - QEXT_BASE - 4)));
	return 0; /* no EDID, inert VGA ports */
}

static void mmio_put(struct mbochs_dev *m, uint32_t off, uint8_t b)
{
	if (off >= DISPI_BASE && off < DISPI_BASE + 2 * DISPI_REGS) {
		unsigned reg = (off - DISPI_BASE) / 2, shift = 8 * (off & 1);
		m->dispi[reg] = (uint16_t)((m->dispi[reg] & ~(0xffu << shift)) |
					   (unsigned)b << shift);
	} else if (off >= QEXT_BASE + 4 && off < QEXT_BASE + 8) {
		unsigned shift = 8 * (off - QEXT_BASE - 4);
		m->endian = (m->endian & ~(0xffu << shift)) | (uint32_t)b
								  << shift;
	}
}

/* What the guest shows, as a PNG to fd: the enabled 32-bit mode's
 * visible area. -ENODATA when no such mode is set. */
static int mbochs_screenshot(const struct mbochs_dev *m, int fd)
{
	uint32_t w = m->dispi[DISPI_XRES], h = m->dispi[DISPI_YRES];
	uint32_t stride = m->dispi[DISPI_VIRT_WIDTH];

	if (!(m->dispi[DISPI_ENABLE] & 1) || m->dispi[DISPI_BPP] != 32 || !w ||
	    !h)
		return -ENODATA;
	if (stride < w)
		stride = w;
	uint64_t start = ((uint64_t)m->dispi[DISPI_Y_OFFSET] * stride +
			  m->dispi[DISPI_X_OFFSET]) *
			 4;
	uint64_t need = start + ((uint64_t)(h - 1) * stride + w) * 4;
	if (need > m->fb.size)
		return -ERANGE;
	return png_write_xrgb(fd, m->fb.mem + start, w, h, (size_t)stride * 4);
}

static int mbochs_screen(void *owner, int fd)
{
	return mbochs_screenshot(owner, fd);
}

static void mbochs_close(void *state)
{
	struct mbochs_dev *m = state;

	model_fb_close(&m->fb);
	free(m);
}

static int mbochs_open(const struct mdev_model_params *params,
		       const struct mdev_model_host *host, void **state)
{
	static const struct pci_cfg_id id = {
	    .vendor = 0x1234,
	    .device = 0x1111,
	    .sub_vendor = 0x1af4,
	    .sub_device = 0x1100,
	    .class_code = 0x038000,
	    .revision = 2,
	};
	struct mbochs_dev *m = calloc(1, sizeof(*m));
	int ret = -ENOMEM;

	if (!m)
		return -ENOMEM;
	m->host = host;
	m->fb.screenshot = mbochs_screen;
	m->fb.owner = m;
	ret = model_fb_open(&m->fb, host, "mbochs-vram",
			    mbochs_type_bytes(params->type_id));
	if (ret)
		goto fail;
	pci_cfg_init(&m->cfg, &id);
	pci_cfg_bar(&m->cfg, 0, (uint32_t)m->fb.size, false);
	m->cfg.data[0x10] |= 0x08; /* prefetchable */
	pci_cfg_bar(&m->cfg, 2, MBOCHS_MMIO_SIZE, false);
	pci_cfg_seal(&m->cfg);
	*state = m;
	return 0;
fail:
	mbochs_close(m);
	return ret;
}

static void mbochs_reset(void *state)
{
	struct mbochs_dev *m = state;

	pci_cfg_reset(&m->cfg);
	memset(m->dispi, 0, sizeof(m->dispi));
	m->endian = 0;
}

static void mbochs_region_info(void *state, unsigned index,
			       struct mdev_model_region *out)
{
	struct mbochs_dev *m = state;
	uint32_t rw = MDEV_MODEL_REGION_READ | MDEV_MODEL_REGION_WRITE;

	out->size = 0;
	out->flags = 0;
	if (index == MDEV_MODEL_CONFIG_REGION) {
		out->size = PCI_CFG_SIZE;
		out->flags = rw;
	} else if (index == 0) {
		model_fb_region(&m->fb, out);
	} else if (index == 2) {
		out->size = MBOCHS_MMIO_SIZE;
		out->flags = rw;
	}
}

static int mbochs_region_access(void *state, unsigned index, uint64_t off,
				void *buf, uint32_t count, bool write)
{
	struct mbochs_dev *m = state;
	uint8_t *b = buf;

	if (index == MDEV_MODEL_CONFIG_REGION) {
		pci_cfg_access(&m->cfg, (uint32_t)off, buf, count, write);
	} else if (index == 0) {
		model_fb_access(&m->fb, off, buf, count, write);
	} else {
		for (uint32_t i = 0; i < count; i++) {
			if (write)
				mmio_put(m, (uint32_t)off + i, b[i]);
			else
				b[i] = mmio_byte(m, (uint32_t)off + i);
		}
	}
	return 0;
}

static unsigned mbochs_irq_count(void *state, unsigned index)
{
	(void)state;
	(void)index;
	return 0;
}

static const struct mdev_hw_model mbochs_model = {
    .name = "mbochs",
    .open = mbochs_open,
    .close = mbochs_close,
    .reset = mbochs_reset,
    .region_info = mbochs_region_info,
    .region_access = mbochs_region_access,
    .irq_count = mbochs_irq_count,
};

const struct mdev_hw_driver mbochs_driver = {
    .name = "mbochs",
    .default_name = "mbochs",
    .bus = "virtual",
    .devpath_dir = "virtual/mbochs",
    .opts_size = sizeof(struct mbochs_opts),
    .defaults = &mbochs_defaults,
    .policy = MDEV_POLICY_MIXED,
    .types = mbochs_types,
    .n_types = ARRAY_SIZE(mbochs_types),
    .keys = mbochs_keys,
    .describe = mbochs_describe,
    .model = &mbochs_model,
};
