// SPDX-License-Identifier: MIT
/*
 * The node table (tree_priv.h): the tree's static directories, files and
 * links, and the (directory, name) index that lookups go through.
 */
#include "tree_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/names.h"

/* The chains are slot numbers in the node array (which moves when it
 * grows), so the table is this file's own, not common/htable.h. FNV's low
 * bits alone are weak; the fold spreads the high ones into them. */
static uint32_t name_hash(uint32_t up, const char *name)
{
	uint32_t h = fnv1a32_update(FNV1A32_BASIS ^ up, name, strlen(name));

	return h ^ (h >> 15);
}

static uint32_t *bucket_of(const struct node_table *nt, uint32_t up,
			   const char *name)
{
	return &nt->buckets[name_hash(up, name) & (nt->n_buckets - 1)];
}

uint32_t nodes_find(const struct node_table *nt, uint32_t up, const char *name)
{
	uint32_t s = *bucket_of(nt, up, name);
	while (s) {
		const struct fs_node *n = &nt->nodes[s];
		if (n->up == up && strcmp(n->name, name) == 0)
			return s;
		s = n->hash_next;
	}
	return 0;
}

static void hash_insert(struct node_table *nt, uint32_t slot)
{
	struct fs_node *n = &nt->nodes[slot];
	uint32_t *b = bucket_of(nt, n->up, n->name);
	n->hash_next = *b;
	*b = slot;
}

static void hash_remove(struct node_table *nt, uint32_t slot)
{
	struct fs_node *n = &nt->nodes[slot];
	uint32_t *pp = bucket_of(nt, n->up, n->name);
	while (*pp != slot)
		pp = &nt->nodes[*pp].hash_next;
	*pp = n->hash_next;
}

static int rehash(struct node_table *nt, uint32_t n_buckets)
{
	uint32_t *b = calloc(n_buckets, sizeof(*b));
	if (!b)
		return -ENOMEM;
	free(nt->buckets);
	nt->buckets = b;
	nt->n_buckets = n_buckets;
	for (uint32_t s = ROOT_SLOT + 1; s < nt->n_nodes; s++)
		if (nt->nodes[s].name)
			hash_insert(nt, s);
	return 0;
}

int nodes_init(struct node_table *nt)
{
	memset(nt, 0, sizeof(*nt));
	nt->cap_nodes = 256;
	nt->nodes = calloc(nt->cap_nodes, sizeof(*nt->nodes));
	nt->n_buckets = 256;
	nt->buckets = calloc(nt->n_buckets, sizeof(*nt->buckets));
	if (nt->nodes)
		nt->nodes[ROOT_SLOT].name = strdup("");
	if (!nt->nodes || !nt->buckets || !nt->nodes[ROOT_SLOT].name) {
		if (nt->nodes)
			free(nt->nodes[ROOT_SLOT].name);
		free(nt->nodes);
		free(nt->buckets);
		return -ENOMEM;
	}
	nt->nodes[ROOT_SLOT].up = ROOT_SLOT;
	/* sysfs's root, as kernfs_create_root() makes it. */
	nt->nodes[ROOT_SLOT].mode = S_IFDIR | 0555;
	nt->n_nodes = ROOT_SLOT + 1;
	nt->live_nodes = 1;
	return 0;
}

void nodes_free(struct node_table *nt)
{
	for (uint32_t s = 0; s < nt->n_nodes; s++) {
		free(nt->nodes[s].name);
		free(nt->nodes[s].target);
	}
	free(nt->nodes);
	free(nt->buckets);
	memset(nt, 0, sizeof(*nt));
}

uint32_t nodes_add(struct node_table *nt, uint32_t up, const char *name,
		   enum node_role role, mode_t mode, struct mdev_parent *owner)
{
	if (!name_is_path_component(name) || nodes_find(nt, up, name))
		return 0;
	if (nt->n_nodes == nt->cap_nodes) {
		uint32_t cap = nt->cap_nodes * 2;
		struct fs_node *n = realloc(nt->nodes, cap * sizeof(*n));
		if (!n)
			return 0;
		nt->nodes = n;
		nt->cap_nodes = cap;
	}
	if (nt->live_nodes + 1 > nt->n_buckets && rehash(nt, nt->n_buckets * 2))
		return 0;
	uint32_t slot = nt->n_nodes;
	struct fs_node *n = &nt->nodes[slot];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name);
	if (!n->name)
		return 0;
	n->up = up;
	n->role = role;
	n->mode = mode;
	n->parent = owner;
	nt->n_nodes++;
	nt->live_nodes++;
	hash_insert(nt, slot);
	return slot;
}

void nodes_kill(struct node_table *nt, uint32_t slot)
{
	struct fs_node *n = &nt->nodes[slot];
	hash_remove(nt, slot);
	free(n->name);
	free(n->target);
	n->name = NULL;
	n->target = NULL;
	n->parent = NULL;
	n->type = NULL;
	nt->live_nodes--;
}

bool nodes_live(const struct node_table *nt, uint32_t slot)
{
	return slot != 0 && slot < nt->n_nodes && nt->nodes[slot].name;
}

char *nodes_path(const struct node_table *nt, uint32_t slot)
{
	size_t len = 0;
	for (uint32_t s = slot; s != ROOT_SLOT; s = nt->nodes[s].up)
		len += strlen(nt->nodes[s].name) + 1;
	char *path = malloc(len + 1);
	if (!path)
		return NULL;
	size_t end = len ? len - 1 : 0;
	path[end] = '\0';
	for (uint32_t s = slot; s != ROOT_SLOT; s = nt->nodes[s].up) {
		size_t l = strlen(nt->nodes[s].name);
		end -= l;
		memcpy(path + end, nt->nodes[s].name, l);
		if (end)
			path[--end] = '/';
	}
	return path;
}
