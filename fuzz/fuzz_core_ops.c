// SPDX-License-Identifier: MIT
/*
 * The core's lifecycle as a sequence of sysfs writes taken from the input,
 * on the embedded demo hardware (mixed GVT-g, homogeneous NVIDIA, mtty
 * pool, vfio_ap). After every operation the accounting is checked against
 * the header's rules, independently of how the core computes it:
 *  - every pool: 0 <= free <= total and total - free = the sum of the costs
 *    of the devices on the parent;
 *  - every type: instances = its devices; available_instances is exact
 *    (a create succeeds iff it is > 0) and 0 for the other types of a
 *    homogeneous parent that has devices.
 *
 * Records: [op][arg][len][len bytes]. op % 5: 0 create_write on type arg
 * with the bytes, 1 create of a well-formed UUID, 2 remove_write on device
 * arg, 3 parent mdev_destroy write, 4 unregister/re-register parent arg.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hardware.h"
#include "libmdev.h"

static struct mdev_hardware *demo;

static struct mdev_type *nth_type(struct mdev_core *core, unsigned n)
{
	size_t total = 0;
	for (struct mdev_parent *p = mdev_parent_first(core); p;
	     p = mdev_parent_next(p))
		total += mdev_parent_type_count(p);
	if (total == 0)
		return NULL;
	n %= total;
	for (struct mdev_parent *p = mdev_parent_first(core); p;
	     p = mdev_parent_next(p)) {
		if (n < mdev_parent_type_count(p))
			return mdev_parent_type(p, n);
		n -= mdev_parent_type_count(p);
	}
	return NULL;
}

static struct mdev_device *nth_device(struct mdev_core *core, unsigned n)
{
	size_t count = mdev_device_count(core);
	if (count == 0)
		return NULL;
	n %= count;
	struct mdev_device *d = mdev_device_first(core);
	while (n-- && d)
		d = mdev_device_next(d);
	return d;
}

static unsigned long device_cost(const struct mdev_device *d, const char *pool)
{
	const struct mdev_type_desc *t = mdev_type_desc(mdev_device_type(d));
	unsigned long sum = 0;
	for (size_t i = 0; i < t->n_costs; i++)
		if (!strcmp(t->costs[i].pool, pool))
			sum += t->costs[i].amount;
	return sum;
}

static void check_pools(struct mdev_parent *p,
			const struct mdev_parent_desc *pd)
{
	for (size_t i = 0; i < pd->n_pools; i++) {
		unsigned long free_amount, total, used = 0;
		if (mdev_parent_pool(p, pd->pools[i].name, &free_amount,
				     &total) != 0 ||
		    free_amount > total)
			abort();
		for (struct mdev_device *d = mdev_parent_device_first(p); d;
		     d = mdev_parent_device_next(d))
			used += device_cost(d, pd->pools[i].name);
		if (total - free_amount != used) {
			fprintf(stderr,
				"pool %s/%s: total %lu free %lu used %lu\n",
				mdev_parent_name(p), pd->pools[i].name, total,
				free_amount, used);
			abort();
		}
	}
}

static bool parent_has_devices(const struct mdev_parent *p)
{
	return mdev_parent_device_first(p) != NULL;
}

/* available_instances must be exact: probe it by creating one. */
static void check_type(struct mdev_core *core, struct mdev_type *t)
{
	unsigned n = 0;
	for (struct mdev_device *d = mdev_type_device_first(t); d;
	     d = mdev_type_device_next(d))
		n++;
	if (n != mdev_type_instances(t))
		abort();
	unsigned avail = mdev_type_available(t);
	struct mdev_parent *p = mdev_type_parent(t);
	if (mdev_parent_policy(p) == MDEV_POLICY_HOMOGENEOUS && n == 0 &&
	    parent_has_devices(p) && avail != 0)
		abort(); /* a second type on a homogeneous GPU */
	uuid_t probe;
	memset(probe, 0xee, sizeof(probe));
	if (mdev_device_find(core, probe))
		return;
	struct mdev_device *d = NULL;
	int rc = mdev_device_create(t, probe, 0, &d);
	if ((avail > 0) != (rc == 0)) {
		fprintf(stderr, "%s: available %u but create gave %d\n",
			mdev_type_id(t), avail, rc);
		abort();
	}
	if (rc == 0) {
		if (mdev_device_remove(d) != 0 ||
		    mdev_type_available(t) != avail)
			abort();
	} else if (rc != -EUSERS && rc != -ENOSPC) {
		abort();
	}
}

static void check_core(struct mdev_core *core)
{
	size_t devices = 0;
	for (struct mdev_device *d = mdev_device_first(core); d;
	     d = mdev_device_next(d))
		devices++;
	if (devices != mdev_device_count(core))
		abort();
	for (struct mdev_parent *p = mdev_parent_first(core); p;
	     p = mdev_parent_next(p)) {
		for (size_t i = 0; i < mdev_hardware_parent_count(demo); i++) {
			const struct mdev_parent_desc *pd =
			    mdev_hardware_parent(demo, i);
			if (!strcmp(pd->name, mdev_parent_name(p)))
				check_pools(p, pd);
		}
		for (size_t t = 0; t < mdev_parent_type_count(p); t++)
			check_type(core, mdev_parent_type(p, t));
	}
}

static void toggle_parent(struct mdev_core *core, unsigned n)
{
	const struct mdev_parent_desc *pd =
	    mdev_hardware_parent(demo, n % mdev_hardware_parent_count(demo));
	char err[256];
	if (mdev_parent_find(core, pd->name)) {
		if (mdev_parent_unregister(core, pd->name) != 0 ||
		    mdev_parent_find(core, pd->name))
			abort();
	} else if (mdev_parent_register(core, pd, NULL, err, sizeof(err)) !=
		   0) {
		abort();
	}
}

static void apply(struct mdev_core *core, unsigned op, unsigned arg,
		  const char *v, size_t len, unsigned *seq)
{
	struct mdev_type *t;
	struct mdev_device *d;
	switch (op % 5) {
	case 0:
		if ((t = nth_type(core, arg)))
			mdev_type_create_write(t, v, len);
		break;
	case 1:
		if ((t = nth_type(core, arg))) {
			uuid_t u = {0x11};
			memcpy(u + 8, seq, sizeof(*seq));
			(*seq)++;
			char text[37];
			uuid_unparse_upper(u, text);
			int rc = mdev_type_create_write(t, text, 36);
			if (rc == 0 && !mdev_device_find(core, u))
				abort();
		}
		break;
	case 2:
		if ((d = nth_device(core, arg)))
			mdev_device_remove_write(d, v, len);
		break;
	case 3:
		if ((d = nth_device(core, arg))) {
			/* Destroy through the parent, by the device's name. */
			const char *name = mdev_device_name(d);
			uuid_t u;
			mdev_device_uuid(d, u);
			if (mdev_parent_destroy_write(mdev_device_parent(d),
						      name,
						      strlen(name)) != 0 ||
			    mdev_device_find(core, u))
				abort();
		}
		break;
	default:
		toggle_parent(core, arg);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	if (!demo && mdev_hardware_load(NULL, &demo, err, sizeof(err)) != 0)
		abort();
	struct mdev_core *core = mdev_core_new();
	for (size_t i = 0; i < mdev_hardware_parent_count(demo); i++)
		if (mdev_parent_register(core, mdev_hardware_parent(demo, i),
					 NULL, err, sizeof(err)) != 0)
			abort();
	unsigned seq = 0, ops = 0;
	while (size >= 3 && ops++ < 64) {
		unsigned op = data[0], arg = data[1];
		size_t len = data[2];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		char *v = malloc(len ? len : 1);
		memcpy(v, data, len);
		apply(core, op, arg, v, len, &seq);
		free(v);
		data += len;
		size -= len;
		check_core(core);
	}
	mdev_core_free(core);
	return 0;
}
