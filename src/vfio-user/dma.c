// SPDX-License-Identifier: MIT
/*
 * DMA_MAP/UNMAP: the table of guest memory the client shares. QEMU maps
 * and unmaps often while firmware and Linux move memory (tens of times a
 * boot); an unmap removes every map inside its range, so the table never
 * holds what the client no longer shares. A map that overlaps an existing
 * one is refused (EEXIST), as VFIO's type-1 IOMMU does. The fd of an
 * fd-backed map is kept until its unmap (no device model here does DMA
 * yet; the table is what one would translate through).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "vfu.h"

void vfu_dma_clear(struct vfu_dma_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->maps[i].fd >= 0)
			close(t->maps[i].fd);
	free(t->maps);
	t->maps = NULL;
	t->n = t->cap = 0;
}

static bool overlaps(const struct vfu_dma *d, uint64_t iova, uint64_t size)
{
	return iova < d->iova + d->size && d->iova < iova + size;
}

int vfu_handle_dma_map(struct vfu_conn *c, const struct vfu_msg *m)
{
	struct vfu_dma_table *t = &c->dev->dma;
	struct vfu_dma_map a;
	int ret = vfu_take_args(m, &a, sizeof(a));

	if (ret)
		return ret;
	if (a.flags & ~(VFU_DMA_READ | VFU_DMA_WRITE) || a.size == 0 ||
	    a.address + a.size < a.address || m->nfds > 1)
		return -EINVAL;
	for (size_t i = 0; i < t->n; i++)
		if (overlaps(&t->maps[i], a.address, a.size))
			return -EEXIST;
	if (t->n == VFU_MAX_DMA_MAPS)
		return -ENOSPC;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct vfu_dma *v = realloc(t->maps, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->maps = v;
		t->cap = cap;
	}
	struct vfu_dma *d = &t->maps[t->n++];
	d->iova = a.address;
	d->size = a.size;
	d->offset = a.offset;
	d->prot = a.flags;
	d->fd = -1;
	if (m->nfds == 1) {
		d->fd = m->fds[0];
		m->fds[0] = -1;
	}
	return 0;
}

int vfu_handle_dma_unmap(struct vfu_conn *c, const struct vfu_msg *m)
{
	struct vfu_dma_table *t = &c->dev->dma;
	struct vfu_dma_unmap a;
	int ret = vfu_take_args(m, &a, sizeof(a));

	if (ret)
		return ret;
	if (m->nfds)
		return -EINVAL;
	if (a.flags == VFU_DMA_UNMAP_ALL) {
		if (a.address || a.size)
			return -EINVAL;
		vfu_dma_clear(t);
	} else if (a.flags) {
		return -ENOTSUP; /* dirty-page bitmaps: no migration */
	} else {
		if (a.address + a.size < a.address)
			return -EINVAL;
		size_t keep = 0;
		for (size_t i = 0; i < t->n; i++) {
			struct vfu_dma *d = &t->maps[i];
			if (d->iova >= a.address &&
			    d->iova + d->size <= a.address + a.size) {
				if (d->fd >= 0)
					close(d->fd);
				continue;
			}
			t->maps[keep++] = *d;
		}
		t->n = keep;
	}
	a.argsz = sizeof(a);
	return vfu_reply_put(&c->out, &a, sizeof(a));
}
