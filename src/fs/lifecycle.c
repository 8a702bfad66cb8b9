// SPDX-License-Identifier: MIT
/*
 * Which parents are registered: the hardware file's at start-up, and on
 * SIGHUP the difference to a new one, parent by parent (unchanged parents
 * keep their devices). What follows from a registration (the tree, events,
 * --on-register) is the consumers' (tree_consumer.c, events.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "hardware.h"
#include "mdevd.h"

/* ----------------------------------------------------------- fingerprint */

static void put_str(FILE *f, const char *s)
{
	/* Length-prefixed, so no two descriptions print alike. */
	if (s)
		fprintf(f, "%zu:%s;", strlen(s), s);
	else
		fputs("-;", f);
}

static void put_kvs(FILE *f, const struct mdev_kv *kv, size_t n)
{
	fprintf(f, "[%zu", n);
	for (size_t i = 0; i < n; i++) {
		put_str(f, kv[i].name);
		put_str(f, kv[i].value);
	}
	fputs("]", f);
}

static void put_type(FILE *f, const struct mdev_type_desc *t)
{
	put_str(f, t->id);
	put_str(f, t->name);
	put_str(f, t->description);
	put_str(f, t->device_api);
	put_str(f, t->class_name);
	put_kvs(f, t->class_attrs, t->n_class_attrs);
	fprintf(f, "%u;", t->max_instances);
	put_str(f, t->requires_group);
	put_str(f, t->params);
	for (size_t i = 0; i < t->n_costs; i++) {
		put_str(f, t->costs[i].pool);
		fprintf(f, "%lu;", t->costs[i].amount);
	}
	for (size_t i = 0; i < t->n_device_attrs; i++) {
		put_str(f, t->device_attrs[i].name);
		fprintf(f, "%o;", (unsigned)t->device_attrs[i].mode);
		put_str(f, t->device_attrs[i].default_value);
	}
}

/* Everything of a description that the tree or the core would show
 * differently, as one string. */
static char *fingerprint(const struct mdev_parent_desc *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	put_str(f, p->name);
	put_str(f, p->devpath);
	put_str(f, p->driver_name);
	put_str(f, p->bus);
	fprintf(f, "%d;%u;", (int)p->policy, p->max_devices);
	for (size_t i = 0; i < p->n_pools; i++) {
		put_str(f, p->pools[i].name);
		fprintf(f, "%lu;", p->pools[i].total);
	}
	put_kvs(f, p->bus_attrs, p->n_bus_attrs);
	for (size_t i = 0; i < p->n_types; i++)
		put_type(f, &p->types[i]);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------------- parents on/off */

static int register_one(struct mdevd *d, const struct mdev_parent_desc *desc,
			char *err, size_t errlen)
{
	struct known_parent *k =
	    realloc(d->known, (d->n_known + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	d->known = k;
	k = &d->known[d->n_known];
	k->name = strdup(desc->name);
	k->fingerprint = fingerprint(desc);
	if (!k->name || !k->fingerprint) {
		free(k->name);
		free(k->fingerprint);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int ret = mdev_parent_register(d->core, desc, NULL, err, errlen);
	if (ret < 0) {
		free(k->name);
		free(k->fingerprint);
		return ret;
	}
	d->n_known++;
	return 0;
}

static void forget_known(struct mdevd *d, size_t i)
{
	free(d->known[i].name);
	free(d->known[i].fingerprint);
	d->known[i] = d->known[--d->n_known];
}

int lifecycle_register_all(struct mdevd *d, const struct mdev_hardware *hw,
			   char *err, size_t errlen)
{
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++) {
		int ret =
		    register_one(d, mdev_hardware_parent(hw, i), err, errlen);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static const struct mdev_parent_desc *hw_find(const struct mdev_hardware *hw,
					      const char *name)
{
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++)
		if (strcmp(mdev_hardware_parent(hw, i)->name, name) == 0)
			return mdev_hardware_parent(hw, i);
	return NULL;
}

static bool known_unchanged(const struct known_parent *k,
			    const struct mdev_parent_desc *desc)
{
	if (!desc)
		return false;
	char *fp = fingerprint(desc);
	bool same = fp && strcmp(fp, k->fingerprint) == 0;
	free(fp);
	return same;
}

static bool is_known(const struct mdevd *d, const char *name)
{
	for (size_t i = 0; i < d->n_known; i++)
		if (strcmp(d->known[i].name, name) == 0)
			return true;
	return false;
}

void lifecycle_reload(struct mdevd *d)
{
	struct mdev_hardware *hw;
	char err[1024];

	if (mdev_hardware_load(d->hardware, &hw, err, sizeof(err)) < 0) {
		fprintf(stderr, "mdevd: reload: %s; nothing changed\n", err);
		return;
	}
	pthread_mutex_lock(&d->lifecycle_mu);
	faults_reload(d, hw);
	/* Gone or changed parents go first (their devices with them), so a
	 * changed parent can come back under the same name. One whose
	 * devices a vfio-user client holds stays (and its new description
	 * waits) until the clients let go, as the kernel's
	 * mdev_unregister_parent waits; the reload then runs again. */
	unsigned deferred = 0;
	for (size_t i = 0; i < d->n_known;) {
		if (known_unchanged(&d->known[i],
				    hw_find(hw, d->known[i].name))) {
			i++;
			continue;
		}
		unsigned held = faults_hold_parent(d, d->known[i].name);
		if (held) {
			fprintf(stderr,
				"mdevd: reload: parent %s: waiting for %u "
				"device(s) in use\n",
				d->known[i].name, held);
			deferred++;
			i++;
			continue;
		}
		int ret = mdev_parent_unregister(d->core, d->known[i].name);
		if (ret < 0 && ret != -ENODEV)
			fprintf(stderr, "mdevd: reload: unregister %s: %s\n",
				d->known[i].name, strerror(-ret));
		fprintf(stderr, "mdevd: reload: parent %s unregistered\n",
			d->known[i].name);
		forget_known(d, i);
	}
	tree_consumer_flush(d);
	for (size_t i = 0; i < mdev_hardware_parent_count(hw); i++) {
		const struct mdev_parent_desc *desc =
		    mdev_hardware_parent(hw, i);
		if (is_known(d, desc->name))
			continue;
		if (register_one(d, desc, err, sizeof(err)) < 0) {
			fprintf(stderr, "mdevd: reload: %s\n", err);
			continue;
		}
		fprintf(stderr, "mdevd: reload: parent %s registered\n",
			desc->name);
	}
	if (deferred)
		faults_defer_reload(d);
	pthread_mutex_unlock(&d->lifecycle_mu);
	mdev_hardware_free(hw);
}

void lifecycle_unplug(struct mdevd *d, const char *name)
{
	pthread_mutex_lock(&d->lifecycle_mu);
	int ret = mdev_parent_unregister(d->core, name);
	for (size_t i = 0; i < d->n_known; i++) {
		if (strcmp(d->known[i].name, name) == 0) {
			forget_known(d, i);
			break;
		}
	}
	pthread_mutex_unlock(&d->lifecycle_mu);
	tree_consumer_flush(d);
	fprintf(stderr, "mdevd: faults: unplug %s: %s\n", name,
		ret ? strerror(-ret) : "parent unregistered");
}

void lifecycle_free(struct mdevd *d)
{
	for (size_t i = 0; i < d->n_known; i++) {
		free(d->known[i].name);
		free(d->known[i].fingerprint);
	}
	free(d->known);
	d->known = NULL;
	d->n_known = 0;
}
