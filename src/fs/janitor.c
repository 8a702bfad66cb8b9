// SPDX-License-Identifier: MIT
/*
 * The dentry janitor: once a device is gone, tells the kernel to drop the
 * names it cached for it. Correctness does not depend on it (those names
 * have entry timeout 0 and are looked up again on every use), but without
 * it every created-and-removed device leaves two or more dead FUSE inodes
 * in the kernel's caches until memory pressure reclaims them (40,000
 * after 20,000 create/remove cycles, ~900 bytes each).
 *
 * The notifications go out from this thread, never from the FUSE loop: the
 * kernel takes the directory's lock to drop an entry, and may be holding
 * it for a lookup that waits for the loop.
 */
#include <errno.h>
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mdevd.h"

/* The thread runs when this many names are queued, or every
 * JANITOR_PERIOD_MS: batching keeps it from costing a context switch per
 * removed device. */
#define JANITOR_BATCH 256
#define JANITOR_PERIOD_MS 100

struct janitor {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	struct pending_inval *queue;
	size_t n, cap;
	struct fuse_session *se;
};

static void *janitor_main(void *arg)
{
	struct janitor *j = arg;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		while (!j->stop && j->n == 0)
			pthread_cond_wait(&j->wake, &j->lock);
		/* Let a burst of removals gather into one batch. */
		if (!j->stop && j->n < JANITOR_BATCH) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += JANITOR_PERIOD_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (!j->stop && j->n < JANITOR_BATCH &&
			       pthread_cond_timedwait(&j->wake, &j->lock,
						      &until) == 0)
				;
		}
		if (j->stop)
			break;
		struct pending_inval *batch = j->queue;
		size_t n = j->n;
		j->queue = NULL;
		j->n = j->cap = 0;
		pthread_mutex_unlock(&j->lock);
		for (size_t i = 0; i < n; i++) {
			/* -ENOENT: the kernel had not cached it. */
			fuse_lowlevel_notify_inval_entry(j->se, batch[i].dir,
							 batch[i].name,
							 strlen(batch[i].name));
			free(batch[i].name);
		}
		free(batch);
		pthread_mutex_lock(&j->lock);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

int janitor_start(struct mdevd *d)
{
	struct janitor *j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->se = d->se;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	int err = pthread_create(&j->thread, NULL, janitor_main, j);
	if (err) {
		pthread_mutex_destroy(&j->lock);
		pthread_cond_destroy(&j->wake);
		free(j);
		return -err;
	}
	d->janitor = j;
	return 0;
}

/* Called from core hooks, any thread; never blocks on the kernel. */
void janitor_queue(void *opaque, uint64_t dir, const char *name)
{
	struct mdevd *d = opaque;
	struct janitor *j = d->janitor;
	if (!j)
		return;
	char *copy = strdup(name);
	if (!copy)
		return;
	pthread_mutex_lock(&j->lock);
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 16;
		struct pending_inval *q = realloc(j->queue, cap * sizeof(*q));
		if (!q) {
			pthread_mutex_unlock(&j->lock);
			free(copy);
			return;
		}
		j->queue = q;
		j->cap = cap;
	}
	j->queue[j->n].dir = dir;
	j->queue[j->n].name = copy;
	j->n++;
	/* Wake the thread for the first name (it then waits for the batch
	 * to fill or the period to pass) and for a full batch. */
	if (j->n == 1 || j->n == JANITOR_BATCH)
		pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
}

/* Before the session goes away; what is still queued is dropped (the
 * mount is about to disappear with everything the kernel cached). */
void janitor_stop(struct mdevd *d)
{
	struct janitor *j = d->janitor;
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = true;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	for (size_t i = 0; i < j->n; i++)
		free(j->queue[i].name);
	free(j->queue);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	free(j);
	d->janitor = NULL;
}
