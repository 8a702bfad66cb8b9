// SPDX-License-Identifier: MIT
#include "devmap.h"

#include <errno.h>
#include <stdlib.h>

#include "common/common.h"
#include "common/hash.h"

/* Serials fit in the 40 bits the inode layout reserves for them. */
#define SERIAL_LIMIT (1ULL << 40)
#define INITIAL_BUCKETS 256

static uint64_t hash_ptr(const void *p)
{
	return mix64((uint64_t)(uintptr_t)p);
}

int devmap_init(struct devmap *m)
{
	m->next_serial = 1;
	if (htable_init(&m->by_serial, INITIAL_BUCKETS) < 0)
		return -ENOMEM;
	if (htable_init(&m->by_ptr, INITIAL_BUCKETS) < 0)
		goto fail_ptr;
	if (htable_init(&m->by_group, INITIAL_BUCKETS) < 0)
		goto fail_group;
	return 0;
fail_group:
	htable_fini(&m->by_ptr);
fail_ptr:
	htable_fini(&m->by_serial);
	return -ENOMEM;
}

void devmap_free(struct devmap *m)
{
	struct htable_iter it;
	struct htable_node *n;

	htable_iter_init(&it, &m->by_serial);
	while ((n = htable_iter_next(&it)))
		free(container_of(n, struct dev_entry, by_serial));
	htable_fini(&m->by_serial);
	htable_fini(&m->by_ptr);
	htable_fini(&m->by_group);
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
	htable_insert(&m->by_serial, &e->by_serial, mix64(e->serial));
	htable_insert(&m->by_ptr, &e->by_ptr, hash_ptr(mdev));
	htable_insert(&m->by_group, &e->by_group, mix64(e->group));
	return e;
}

void devmap_remove(struct devmap *m, const struct mdev_device *mdev)
{
	struct dev_entry *e = devmap_find_ptr(m, mdev);

	if (!e)
		return;
	htable_remove(&m->by_serial, &e->by_serial);
	htable_remove(&m->by_ptr, &e->by_ptr);
	htable_remove(&m->by_group, &e->by_group);
	free(e);
}

struct dev_entry *devmap_find_serial(const struct devmap *m, uint64_t serial)
{
	struct htable_node *n = htable_first(&m->by_serial, mix64(serial));

	for (; n; n = htable_next(n)) {
		struct dev_entry *e =
		    container_of(n, struct dev_entry, by_serial);

		if (e->serial == serial)
			return e;
	}
	return NULL;
}

struct dev_entry *devmap_find_ptr(const struct devmap *m,
				  const struct mdev_device *mdev)
{
	struct htable_node *n = htable_first(&m->by_ptr, hash_ptr(mdev));

	for (; n; n = htable_next(n)) {
		struct dev_entry *e = container_of(n, struct dev_entry, by_ptr);

		if (e->mdev == mdev)
			return e;
	}
	return NULL;
}

/* From n on, the first entry of group; NULL when there is none. */
static struct dev_entry *group_from(struct htable_node *n, unsigned group)
{
	for (; n; n = htable_next(n)) {
		struct dev_entry *e =
		    container_of(n, struct dev_entry, by_group);

		if (e->group == group)
			return e;
	}
	return NULL;
}

/* The first entry of a group in chain order is "the" group's
 * representative (listings show the group once, through it); the others
 * are found by continuing the walk. */
struct dev_entry *devmap_find_group(const struct devmap *m, unsigned group)
{
	return group_from(htable_first(&m->by_group, mix64(group)), group);
}

struct dev_entry *devmap_next_in_group(const struct dev_entry *e)
{
	return group_from(htable_next(&e->by_group), e->group);
}
