// SPDX-License-Identifier: MIT
#include "devmap.h"

#include <errno.h>
#include <stdlib.h>

/* Serials fit in the 40 bits the inode layout reserves for them. */
#define SERIAL_LIMIT (1ULL << 40)

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static size_t bucket_serial(const struct devmap *m, uint64_t serial)
{
	return mix64(serial) & (m->nbuckets - 1);
}

static size_t bucket_ptr(const struct devmap *m, const void *p)
{
	return mix64((uint64_t)(uintptr_t)p) & (m->nbuckets - 1);
}

static size_t bucket_group(const struct devmap *m, unsigned group)
{
	return mix64(group) & (m->nbuckets - 1);
}

static int alloc_buckets(struct devmap *m, size_t n)
{
	m->by_serial = calloc(n, sizeof(*m->by_serial));
	m->by_ptr = calloc(n, sizeof(*m->by_ptr));
	m->by_group = calloc(n, sizeof(*m->by_group));
	m->nbuckets = n;
	if (!m->by_serial || !m->by_ptr || !m->by_group) {
		free(m->by_serial);
		free(m->by_ptr);
		free(m->by_group);
		return -ENOMEM;
	}
	return 0;
}

int devmap_init(struct devmap *m)
{
	m->count = 0;
	m->next_serial = 1;
	return alloc_buckets(m, 256);
}

void devmap_free(struct devmap *m)
{
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct dev_entry *e = m->by_serial[i];
		while (e) {
			struct dev_entry *next = e->next_serial;
			free(e);
			e = next;
		}
	}
	free(m->by_serial);
	free(m->by_ptr);
	free(m->by_group);
	m->by_serial = m->by_ptr = m->by_group = NULL;
	m->count = 0;
}

static void link_entry(struct devmap *m, struct dev_entry *e)
{
	size_t b = bucket_serial(m, e->serial);
	e->next_serial = m->by_serial[b];
	m->by_serial[b] = e;
	b = bucket_ptr(m, e->mdev);
	e->next_ptr = m->by_ptr[b];
	m->by_ptr[b] = e;
	b = bucket_group(m, e->group);
	e->next_group = m->by_group[b];
	m->by_group[b] = e;
}

/* Doubles the tables; on allocation failure the map keeps working with
 * longer chains. */
static void grow(struct devmap *m)
{
	struct devmap old = *m;
	if (alloc_buckets(m, old.nbuckets * 2) < 0) {
		*m = old;
		return;
	}
	for (size_t i = 0; i < old.nbuckets; i++) {
		struct dev_entry *e = old.by_serial[i];
		while (e) {
			struct dev_entry *next = e->next_serial;
			link_entry(m, e);
			e = next;
		}
	}
	free(old.by_serial);
	free(old.by_ptr);
	free(old.by_group);
}

struct dev_entry *devmap_add(struct devmap *m, struct mdev_device *mdev)
{
	struct dev_entry *e = devmap_find_ptr(m, mdev);
	if (e)
		return e;
	if (m->next_serial >= SERIAL_LIMIT)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->serial = m->next_serial++;
	e->mdev = mdev;
	e->group = mdev_device_iommu_group(mdev);
	if (m->count + 1 > m->nbuckets)
		grow(m);
	link_entry(m, e);
	m->count++;
	return e;
}

void devmap_remove(struct devmap *m, const struct mdev_device *mdev)
{
	struct dev_entry *e = devmap_find_ptr(m, mdev);
	struct dev_entry **pp;
	if (!e)
		return;
	for (pp = &m->by_serial[bucket_serial(m, e->serial)]; *pp != e;
	     pp = &(*pp)->next_serial)
		;
	*pp = e->next_serial;
	for (pp = &m->by_ptr[bucket_ptr(m, e->mdev)]; *pp != e;
	     pp = &(*pp)->next_ptr)
		;
	*pp = e->next_ptr;
	for (pp = &m->by_group[bucket_group(m, e->group)]; *pp != e;
	     pp = &(*pp)->next_group)
		;
	*pp = e->next_group;
	m->count--;
	free(e);
}

struct dev_entry *devmap_find_serial(const struct devmap *m, uint64_t serial)
{
	struct dev_entry *e = m->by_serial[bucket_serial(m, serial)];
	while (e && e->serial != serial)
		e = e->next_serial;
	return e;
}

struct dev_entry *devmap_find_ptr(const struct devmap *m,
				  const struct mdev_device *mdev)
{
	struct dev_entry *e = m->by_ptr[bucket_ptr(m, mdev)];
	while (e && e->mdev != mdev)
		e = e->next_ptr;
	return e;
}

/* Entries of one group are not adjacent in a chain; the first match in
 * chain order is "the" group's representative, the others are found by
 * continuing the walk. */
struct dev_entry *devmap_find_group(const struct devmap *m, unsigned group)
{
	struct dev_entry *e = m->by_group[bucket_group(m, group)];
	while (e && e->group != group)
		e = e->next_group;
	return e;
}

struct dev_entry *devmap_next_in_group(const struct dev_entry *e)
{
	unsigned group = e->group;
	struct dev_entry *n = e->next_group;
	while (n && n->group != group)
		n = n->next_group;
	return n;
}
