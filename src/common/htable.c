// SPDX-License-Identifier: MIT
#include "common/htable.h"

#include <errno.h>
#include <stdlib.h>

static struct htable_node **bucket(const struct htable *t, uint64_t hash)
{
	return &t->buckets[hash & (t->n_buckets - 1)];
}

int htable_init(struct htable *t, size_t min_buckets)
{
	size_t n = 1;

	while (n < min_buckets)
		n *= 2;
	t->buckets = calloc(n, sizeof(*t->buckets));
	if (!t->buckets)
		return -ENOMEM;
	t->n_buckets = n;
	t->count = 0;
	return 0;
}

void htable_fini(struct htable *t)
{
	free(t->buckets);
	t->buckets = NULL;
	t->n_buckets = 0;
	t->count = 0;
}

static void link_node(struct htable *t, struct htable_node *n)
{
	struct htable_node **b = bucket(t, n->hash);

	n->next = *b;
	*b = n;
}

static void grow(struct htable *t)
{
	struct htable bigger = {.n_buckets = t->n_buckets * 2,
				.count = t->count};

	bigger.buckets = calloc(bigger.n_buckets, sizeof(*bigger.buckets));
	if (!bigger.buckets)
		return;
	for (size_t i = 0; i < t->n_buckets; i++) {
		struct htable_node *n = t->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			link_node(&bigger, n);
		}
	}
	free(t->buckets);
	*t = bigger;
}

void htable_insert(struct htable *t, struct htable_node *n, uint64_t hash)
{
	if (t->count >= t->n_buckets)
		grow(t);
	n->hash = hash;
	link_node(t, n);
	t->count++;
}

void htable_remove(struct htable *t, struct htable_node *n)
{
	struct htable_node **pp = bucket(t, n->hash);

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			t->count--;
			return;
		}
	}
}

static struct htable_node *same_hash(struct htable_node *n, uint64_t hash)
{
	while (n && n->hash != hash)
		n = n->next;
	return n;
}

struct htable_node *htable_first(const struct htable *t, uint64_t hash)
{
	return same_hash(*bucket(t, hash), hash);
}

struct htable_node *htable_next(const struct htable_node *n)
{
	return same_hash(n->next, n->hash);
}

void htable_iter_init(struct htable_iter *it, const struct htable *t)
{
	it->t = t;
	it->bucket = 0;
	it->next = NULL;
}

struct htable_node *htable_iter_next(struct htable_iter *it)
{
	struct htable_node *n;

	while (!it->next) {
		if (it->bucket >= it->t->n_buckets)
			return NULL;
		it->next = it->t->buckets[it->bucket++];
	}
	n = it->next;
	it->next = n->next; /* read before the caller may free n */
	return n;
}
