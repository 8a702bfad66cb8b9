/* SPDX-License-Identifier: MIT */
/*
 * vfio_ap: s390 crypto adapter pass-through (drivers/s390/crypto/
 * vfio_ap_ops.c). One parent "matrix" with one type that allows 65536
 * devices; each device is a matrix of adapters x domains built up by
 * writing numbers to its assign_* files, and shown by its matrix file.
 *
 * Rules kept from the kernel: values are parsed as kstrtoul(buf, 0)
 * (EINVAL when unparsable), a number above the maximum (255 here, as on a
 * machine with APXA) is ENODEV, and assigning what is already assigned or
 * unassigning what is not succeeds and changes nothing.
 *
 * Deliberately not modelled: the host's queue reservation (EADDRNOTAVAIL;
 * every queue counts as bound to vfio_ap) and the refusal of a queue
 * (APQN) that another device already holds (EADDRINUSE). The state of a
 * device lives in its driver data and must be a function of that device's
 * own successful stores alone: the journal rebuilds devices one at a time,
 * replaying each device's stores, and a check against the other devices
 * would then see a different world than the live write did (an assign
 * that succeeded after another device released the queue could fail on
 * replay). The core calls every op with its lock held.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

#define AP_ID_MAX 255 /* apm_max, aqm_max and adm_max */
#define AP_WORDS ((AP_ID_MAX + 64) / 64)

struct ap_matrix {
	uint64_t apm[AP_WORDS]; /* adapters */
	uint64_t aqm[AP_WORDS]; /* usage domains */
	uint64_t adm[AP_WORDS]; /* control domains */
};

enum ap_mask { AP_APM, AP_AQM, AP_ADM };

static uint64_t *ap_mask(struct ap_matrix *m, enum ap_mask which)
{
	switch (which) {
	case AP_APM:
		return m->apm;
	case AP_AQM:
		return m->aqm;
	case AP_ADM:
		break;
	}
	return m->adm;
}

static bool bit_test(const uint64_t *mask, unsigned long id)
{
	return mask[id / 64] >> (id % 64) & 1;
}

static void bit_set(uint64_t *mask, unsigned long id)
{
	mask[id / 64] |= UINT64_C(1) << (id % 64);
}

static void bit_clear(uint64_t *mask, unsigned long id)
{
	mask[id / 64] &= ~(UINT64_C(1) << (id % 64));
}

static bool mask_empty(const uint64_t *a)
{
	for (size_t i = 0; i < AP_WORDS; i++)
		if (a[i])
			return false;
	return true;
}

struct ap_store_attr {
	const char *name;
	enum ap_mask mask;
	bool assign;
};

static const struct ap_store_attr ap_store_attrs[] = {
    {"assign_adapter", AP_APM, true},
    {"unassign_adapter", AP_APM, false},
    {"assign_domain", AP_AQM, true},
    {"unassign_domain", AP_AQM, false},
    {"assign_control_domain", AP_ADM, true},
    {"unassign_control_domain", AP_ADM, false},
};

static int ap_attr_store(struct mdev_device *mdev, const char *attr,
			 const char *buf, size_t len)
{
	struct ap_matrix *m = mdev_device_driver_data(mdev);
	const struct ap_store_attr *a = NULL;
	unsigned long id;
	uint64_t *mask;
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(ap_store_attrs); i++)
		if (!strcmp(attr, ap_store_attrs[i].name))
			a = &ap_store_attrs[i];
	if (!a)
		return -EACCES;
	if (!m)
		return -ENODEV;
	ret = mdev_parse_remove_value(buf, len, &id);
	if (ret < 0)
		return ret;
	if (id > AP_ID_MAX)
		return -ENODEV;
	mask = ap_mask(m, a->mask);
	if (a->assign)
		bit_set(mask, id);
	else
		bit_clear(mask, id);
	return 0;
}

/* Appends one formatted line. Like the kernel's sysfs_emit_at, output
 * that does not fit the page is cut off, and what fits is returned. */
#define AP_PRINT(buf, size, pos, ...)                                          \
	do {                                                                   \
		int n_ = snprintf((buf) + (pos), (size) - (pos), __VA_ARGS__); \
		if (n_ < 0 || (size_t)n_ >= (size) - (pos))                    \
			return (int)(size)-1;                                  \
		(pos) += n_;                                                   \
	} while (0)

/* The kernel's vfio_ap_mdev_matrix_show: "aa.dddd" for every pair, or
 * "aa." / ".dddd" when only one side is assigned. */
static int ap_matrix_show(const struct ap_matrix *m, char *buf, size_t size)
{
	size_t pos = 0;

	buf[0] = '\0';
	if (!mask_empty(m->apm) && !mask_empty(m->aqm)) {
		for (unsigned long a = 0; a <= AP_ID_MAX; a++) {
			if (!bit_test(m->apm, a))
				continue;
			for (unsigned long q = 0; q <= AP_ID_MAX; q++)
				if (bit_test(m->aqm, q))
					AP_PRINT(buf, size, pos,
						 "%02lx.%04lx\n", a, q);
		}
	} else if (!mask_empty(m->apm)) {
		for (unsigned long a = 0; a <= AP_ID_MAX; a++)
			if (bit_test(m->apm, a))
				AP_PRINT(buf, size, pos, "%02lx.\n", a);
	} else {
		for (unsigned long q = 0; q <= AP_ID_MAX; q++)
			if (bit_test(m->aqm, q))
				AP_PRINT(buf, size, pos, ".%04lx\n", q);
	}
	return (int)pos;
}

static int ap_control_domains_show(const struct ap_matrix *m, char *buf,
				   size_t size)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (unsigned long d = 0; d <= AP_ID_MAX; d++)
		if (bit_test(m->adm, d))
			AP_PRINT(buf, size, pos, "%04lx\n", d);
	return (int)pos;
}

static int ap_attr_show(struct mdev_device *mdev, const char *attr, char *buf,
			size_t size)
{
	const struct ap_matrix *m = mdev_device_driver_data(mdev);

	if (!m || size == 0)
		return -ENODEV;
	if (!strcmp(attr, "matrix"))
		return ap_matrix_show(m, buf, size);
	if (!strcmp(attr, "control_domains"))
		return ap_control_domains_show(m, buf, size);
	return drv_show_stored(mdev, attr, buf, size);
}

static int ap_create(struct mdev_device *mdev)
{
	struct ap_matrix *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	mdev_device_set_driver_data(mdev, m);
	return 0;
}

static void ap_remove(struct mdev_device *mdev)
{
	free(mdev_device_driver_data(mdev));
	mdev_device_set_driver_data(mdev, NULL);
}

static const struct mdev_driver_ops ap_ops = {
    .create = ap_create,
    .remove = ap_remove,
    .attr_store = ap_attr_store,
    .attr_show = ap_attr_show,
};

static const struct mdev_attr_desc ap_device_attrs[] = {
    {"assign_adapter", MDEV_ATTR_WO, NULL},
    {"unassign_adapter", MDEV_ATTR_WO, NULL},
    {"assign_domain", MDEV_ATTR_WO, NULL},
    {"unassign_domain", MDEV_ATTR_WO, NULL},
    {"assign_control_domain", MDEV_ATTR_WO, NULL},
    {"unassign_control_domain", MDEV_ATTR_WO, NULL},
    {"control_domains", MDEV_ATTR_RO, NULL},
    {"matrix", MDEV_ATTR_RO, NULL},
};

static const struct mdev_type_desc ap_types[] = {
    {
	.id = "vfio_ap-passthrough",
	.name = "VFIO AP Passthrough Device",
	.device_api = "vfio-ap",
	.max_instances = 65536,
	.device_attrs = ap_device_attrs,
	.n_device_attrs = ARRAY_SIZE(ap_device_attrs),
    },
};

/* The kernel's matrix device sits on its own "matrix" bus under the
 * vfio_ap root device; libvirt keys its ap_matrix type on it. */
const struct mdev_hw_driver vfio_ap_driver = {
    .name = "vfio_ap",
    .default_name = "matrix",
    .bus = "matrix",
    .devpath_dir = "vfio_ap",
    .policy = MDEV_POLICY_MIXED,
    .types = ap_types,
    .n_types = ARRAY_SIZE(ap_types),
    .ops = &ap_ops,
};
