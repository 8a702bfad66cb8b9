// SPDX-License-Identifier: MIT
/*
 * UUID → device hash table. Chains run through the devices themselves, the
 * table doubles when it holds more devices than buckets, and the hash is
 * keyed with a per-core random seed so that chosen UUIDs cannot pile into
 * one chain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core_priv.h"

#define REGISTRY_MIN_BUCKETS 64

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static size_t bucket_of(const struct mdev_registry *reg, const uuid_t uuid)
{
	uint64_t a, b;

	memcpy(&a, uuid, 8);
	memcpy(&b, uuid + 8, 8);
	return (size_t)(mix64(mix64(a ^ reg->seed) ^ b) & (reg->n_buckets - 1));
}

int mdev_registry_init(struct mdev_registry *reg)
{
	memset(reg, 0, sizeof(*reg));
	if (getrandom(&reg->seed, sizeof(reg->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(reg->seed))
		reg->seed = mix64((uint64_t)time(NULL) ^ (uintptr_t)reg);
	reg->buckets = calloc(REGISTRY_MIN_BUCKETS, sizeof(*reg->buckets));
	if (!reg->buckets)
		return -ENOMEM;
	reg->n_buckets = REGISTRY_MIN_BUCKETS;
	return 0;
}

void mdev_registry_destroy(struct mdev_registry *reg)
{
	free(reg->buckets);
	reg->buckets = NULL;
	reg->n_buckets = 0;
	reg->count = 0;
}

struct mdev_device *mdev_registry_find(const struct mdev_registry *reg,
				       const uuid_t uuid)
{
	struct mdev_device *d = reg->buckets[bucket_of(reg, uuid)];

	for (; d; d = d->hash_next)
		if (memcmp(d->uuid, uuid, sizeof(uuid_t)) == 0)
			return d;
	return NULL;
}

/* Doubling keeps chains short; a failed allocation only leaves them longer. */
static void registry_grow(struct mdev_registry *reg)
{
	struct mdev_registry bigger = *reg;

	bigger.n_buckets = reg->n_buckets * 2;
	bigger.buckets = calloc(bigger.n_buckets, sizeof(*bigger.buckets));
	if (!bigger.buckets)
		return;
	for (size_t i = 0; i < reg->n_buckets; i++) {
		struct mdev_device *d = reg->buckets[i], *next;

		for (; d; d = next) {
			size_t b = bucket_of(&bigger, d->uuid);

			next = d->hash_next;
			d->hash_next = bigger.buckets[b];
			bigger.buckets[b] = d;
		}
	}
	free(reg->buckets);
	*reg = bigger;
}

int mdev_registry_insert(struct mdev_registry *reg, struct mdev_device *mdev)
{
	size_t b;

	if (reg->count >= reg->n_buckets)
		registry_grow(reg);
	b = bucket_of(reg, mdev->uuid);
	mdev->hash_next = reg->buckets[b];
	reg->buckets[b] = mdev;
	reg->count++;
	return 0;
}

void mdev_registry_remove(struct mdev_registry *reg, struct mdev_device *mdev)
{
	struct mdev_device **pp = &reg->buckets[bucket_of(reg, mdev->uuid)];

	for (; *pp; pp = &(*pp)->hash_next) {
		if (*pp == mdev) {
			*pp = mdev->hash_next;
			mdev->hash_next = NULL;
			reg->count--;
			return;
		}
	}
}
