/* SPDX-License-Identifier: MIT */
/*
 * Intrusive chained hash table. The caller embeds a struct htable_node in
 * its object, computes the key's hash and compares keys itself; the table
 * only keeps chains. Each node remembers its hash, so the table can double
 * without calling back into the caller, and a lookup compares keys only
 * where the full hash matches.
 *
 *	for (n = htable_first(t, h); n; n = htable_next(n))
 *		if (key_equal(container_of(n, struct obj, link), key))
 *			return ...;
 */
#ifndef MDEV_COMMON_HTABLE_H
#define MDEV_COMMON_HTABLE_H

#include <stddef.h>
#include <stdint.h>

struct htable_node {
	struct htable_node *next;
	uint64_t hash;
};

struct htable {
	struct htable_node **buckets;
	size_t n_buckets; /* a power of two */
	size_t count;
};

/* At least min_buckets buckets (rounded up to a power of two); 0 or
 * -ENOMEM. */
int htable_init(struct htable *t, size_t min_buckets);
/* Frees the buckets, not the nodes. */
void htable_fini(struct htable *t);
/* Links n under hash. Doubles the buckets once there are more nodes than
 * buckets; if that allocation fails the chains only get longer. */
void htable_insert(struct htable *t, struct htable_node *n, uint64_t hash);
/* Unlinks n, which must be in t. */
void htable_remove(struct htable *t, struct htable_node *n);
/* The first node with this hash, then the next one after n, or NULL. */
struct htable_node *htable_first(const struct htable *t, uint64_t hash);
struct htable_node *htable_next(const struct htable_node *n);

/* Every node once, in no particular order. The node returned may be
 * removed (and freed) before the next call; nothing may be inserted
 * while iterating.
 *
 *	htable_iter_init(&it, t);
 *	while ((n = htable_iter_next(&it)))
 *		...
 */
struct htable_iter {
	const struct htable *t;
	size_t bucket;
	struct htable_node *next;
};

void htable_iter_init(struct htable_iter *it, const struct htable *t);
struct htable_node *htable_iter_next(struct htable_iter *it);

#endif
