// SPDX-License-Identifier: MIT
/*
 * UUID → device hash table (common/htable.h, chained through the devices).
 * The hash is keyed with a per-core random seed so that chosen UUIDs cannot
 * pile into one chain.
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/hash.h"
#include "core_priv.h"

#define REGISTRY_MIN_BUCKETS 64

static uint64_t uuid_hash(const struct mdev_registry *reg, const uuid_t uuid)
{
	uint64_t a, b;

	memcpy(&a, uuid, 8);
	memcpy(&b, uuid + 8, 8);
	return mix64(mix64(a ^ reg->seed) ^ b);
}

int mdev_registry_init(struct mdev_registry *reg)
{
	memset(reg, 0, sizeof(*reg));
	if (getrandom(&reg->seed, sizeof(reg->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(reg->seed))
		reg->seed = mix64((uint64_t)time(NULL) ^ (uintptr_t)reg);
	return htable_init(&reg->table, REGISTRY_MIN_BUCKETS);
}

void mdev_registry_destroy(struct mdev_registry *reg)
{
	htable_fini(&reg->table);
}

struct mdev_device *mdev_registry_find(const struct mdev_registry *reg,
				       const uuid_t uuid)
{
	struct htable_node *n = htable_first(&reg->table, uuid_hash(reg, uuid));

	for (; n; n = htable_next(n)) {
		struct mdev_device *d =
		    container_of(n, struct mdev_device, registry_link);

		if (memcmp(d->uuid, uuid, sizeof(uuid_t)) == 0)
			return d;
	}
	return NULL;
}

int mdev_registry_insert(struct mdev_registry *reg, struct mdev_device *mdev)
{
	htable_insert(&reg->table, &mdev->registry_link,
		      uuid_hash(reg, mdev->uuid));
	return 0;
}

void mdev_registry_remove(struct mdev_registry *reg, struct mdev_device *mdev)
{
	htable_remove(&reg->table, &mdev->registry_link);
}
