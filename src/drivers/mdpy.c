/* SPDX-License-Identifier: MIT */
/*
 * mdpy: the kernel's sample display driver (samples/vfio-mdev/mdpy.c).
 * Three types (vga 640x480, xga 1024x768, hd 1920x1080) with pretty names
 * "mdpy-vga"..., description "virtual display, WxH framebuffer", a
 * per-device vendor/resolution file, and no pools: the framework's
 * per-parent counter (4) limits them, so the fifth create gets EUSERS.
 *
 * Option "max_devices": the module's count parameter.
 *
 * The device model (served over vfio-user): the sample's PCI display,
 * 1b36:000f (subsystem 1af4:1100), class 0x038000, no interrupt; BAR0 the
 * framebuffer (width x height x 4 bytes rounded up to a power of two, a
 * memfd the client maps), XRGB8888; a vendor capability at 0x40 holding
 * the format (a DRM fourcc), width and height, which the sample's guest
 * driver mdpy-fb reads (Debian's kernel does not build it: a guest shows
 * the device in lspci and may write the framebuffer through BAR0). The
 * host end <uuid>.screen gives a PNG of the whole framebuffer.
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

#define MDPY_MAX_DEVICES 4

#define MDPY_TYPE(sysfs, w, h)                                                 \
	static const struct mdev_attr_desc mdpy_attrs_##sysfs[] = {            \
	    {"vendor/resolution", MDEV_ATTR_RO, #w "x" #h}}
MDPY_TYPE(vga, 640, 480);
MDPY_TYPE(xga, 1024, 768);
MDPY_TYPE(hd, 1920, 1080);

#define MDPY_TYPE_DESC(sysfs, w, h)                                            \
	{                                                                      \
		.id = "mdpy-" #sysfs, .name = "mdpy-" #sysfs,                  \
		.description = "virtual display, " #w "x" #h " framebuffer\n", \
		.device_api = "vfio-pci", .device_attrs = mdpy_attrs_##sysfs,  \
		.n_device_attrs = 1,                                           \
	}

static const struct mdev_type_desc mdpy_types[] = {
    MDPY_TYPE_DESC(vga, 640, 480),
    MDPY_TYPE_DESC(xga, 1024, 768),
    MDPY_TYPE_DESC(hd, 1920, 1080),
};

struct mdpy_opts {
	unsigned long max_devices;
};

static const struct mdpy_opts mdpy_defaults = {
    .max_devices = MDPY_MAX_DEVICES,
};

static const struct mdev_hw_key mdpy_keys[] = {
    {"max_devices", offsetof(struct mdpy_opts, max_devices), 1UL << 20},
    {NULL, 0, 0},
};

static int mdpy_describe(const void *opts, struct mdev_hw_parent *out)
{
	const struct mdpy_opts *o = opts;

	out->desc.max_devices = o->max_devices;
	return 0;
}

/* ------------------------------------------------------------ the model */

#define MDPY_VENDORCAP 0x40
#define MDPY_VENDORCAP_SIZE 0x10
#define MDPY_XRGB8888 0x34325258u /* fourcc 'X' 'R' '2' '4' */

struct mdpy_dev {
	struct pci_cfg cfg;
	uint32_t width, height;
	struct model_fb fb;
};

/* The resolution of a type: its vendor/resolution file. */
static void mdpy_resolution(const char *type_id, uint32_t *w, uint32_t *h)
{
	for (size_t i = 0; i < ARRAY_SIZE(mdpy_types); i++) {
		if (strcmp(mdpy_types[i].id, type_id) == 0) {
			const char *res =
			    mdpy_types[i].device_attrs[0].default_value;
			char *x;
			*w = (uint32_t)strtoul(res, &x, 10);
			*h = (uint32_t)strtoul(x + 1, NULL, 10);
			return;
		}
	}
	*w = 640;
	*h = 480;
}

static uint64_t round_pow2(uint64_t n)
{
	uint64_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int mdpy_screen(void *owner, int fd)
{
	const struct mdpy_dev *d = owner;

	return png_write_xrgb(fd, d->fb.mem, d->width, d->height,
			      (size_t)d->width * 4);
}

static void mdpy_close(void *state)
{
	struct mdpy_dev *d = state;

	model_fb_close(&d->fb);
	free(d);
}

static int mdpy_open(const struct mdev_model_params *params,
		     const struct mdev_model_host *host, void **state)
{
	static const struct pci_cfg_id id = {
	    .vendor = 0x1b36,
	    .device = 0x000f,
	    .sub_vendor = 0x1af4,
	    .sub_device = 0x1100,
	    .class_code = 0x038000,
	    .revision = 1,
	};
	struct mdpy_dev *d = calloc(1, sizeof(*d));
	int ret;

	if (!d)
		return -ENOMEM;
	mdpy_resolution(params->type_id, &d->width, &d->height);
	d->fb.screenshot = mdpy_screen;
	d->fb.owner = d;
	ret = model_fb_open(&d->fb, host, "mdpy-fb",
			    round_pow2((uint64_t)d->width * d->height * 4));
	if (ret) {
		mdpy_close(d);
		return ret;
	}
	pci_cfg_init(&d->cfg, &id);
	pci_cfg_bar(&d->cfg, 0, (uint32_t)d->fb.size, false);
	d->cfg.data[0x10] |= 0x08; /* prefetchable */
	d->cfg.data[0x04] = 0x03;  /* the sample starts with I/O, memory on */
	d->cfg.data[0x06] = 0x10;  /* a capability list */
	d->cfg.data[0x34] = MDPY_VENDORCAP;
	d->cfg.data[MDPY_VENDORCAP] = 0x09; /* vendor specific */
	d->cfg.data[MDPY_VENDORCAP + 2] = MDPY_VENDORCAP_SIZE;
	put_le32(d->cfg.data + MDPY_VENDORCAP + 4, MDPY_XRGB8888);
	put_le32(d->cfg.data + MDPY_VENDORCAP + 8, d->width);
	put_le32(d->cfg.data + MDPY_VENDORCAP + 12, d->height);
	pci_cfg_seal(&d->cfg);
	*state = d;
	return 0;
}

static void mdpy_reset(void *state)
{
	struct mdpy_dev *d = state;

	pci_cfg_reset(&d->cfg);
}

static void mdpy_region_info(void *state, unsigned index,
			     struct mdev_model_region *out)
{
	struct mdpy_dev *d = state;

	out->size = 0;
	out->flags = 0;
	if (index == MDEV_MODEL_CONFIG_REGION) {
		out->size = PCI_CFG_SIZE;
		out->flags = MDEV_MODEL_REGION_READ | MDEV_MODEL_REGION_WRITE;
	} else if (index == 0) {
		model_fb_region(&d->fb, out);
	}
}

static int mdpy_region_access(void *state, unsigned index, uint64_t off,
			      void *buf, uint32_t count, bool write)
{
	struct mdpy_dev *d = state;

	if (index == MDEV_MODEL_CONFIG_REGION)
		pci_cfg_access(&d->cfg, (uint32_t)off, buf, count, write);
	else
		model_fb_access(&d->fb, off, buf, count, write);
	return 0;
}

static unsigned mdpy_irq_count(void *state, unsigned index)
{
	(void)state;
	(void)index;
	return 0;
}

static const struct mdev_hw_model mdpy_model = {
    .name = "mdpy",
    .open = mdpy_open,
    .close = mdpy_close,
    .reset = mdpy_reset,
    .region_info = mdpy_region_info,
    .region_access = mdpy_region_access,
    .irq_count = mdpy_irq_count,
};

const struct mdev_hw_driver mdpy_driver = {
    .name = "mdpy",
    .default_name = "mdpy",
    .bus = "virtual",
    .devpath_dir = "virtual/mdpy",
    .opts_size = sizeof(struct mdpy_opts),
    .defaults = &mdpy_defaults,
    .policy = MDEV_POLICY_MIXED,
    .types = mdpy_types,
    .n_types = ARRAY_SIZE(mdpy_types),
    .keys = mdpy_keys,
    .describe = mdpy_describe,
    .model = &mdpy_model,
};
