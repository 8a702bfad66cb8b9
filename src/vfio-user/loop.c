// SPDX-License-Identifier: MIT
/*
 * The server's one thread: an epoll loop over every listening socket,
 * connection, host end and resample eventfd of every device. Accesses are
 * short (in-memory registers), so one thread serves many devices without
 * ever touching the FUSE thread.
 *
 * The loop runs its callbacks and closures holding the loop lock; another
 * thread that holds it may use the loop's watches and the state they
 * reach directly. That is how devices are added and removed: on the
 * creating thread, with no hand-off. A hand-off costs two cross-CPU
 * wake-ups, and on this VM an idle vCPU takes ~50 us to wake: measured
 * as 2.1x a create+remove cycle against 1.5x without the server
 * (bench/run-mdevd.sh). Taking an uncontended lock wakes no one, nor do
 * epoll_ctl ADD of a quiet socket or DEL.
 *
 * Lifetimes: a watch that is unwatched is only marked dead and freed
 * after the loop's next batch of events, so an event already returned for
 * it (by an epoll_wait that raced with the unwatch) finds it dead instead
 * of freed. Watches unwatched off the loop while it sleeps wait in the
 * dead list; past DEAD_WAKE of them the loop is woken to free them.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/common.h"
#include "vfu.h"

struct vfu_watch {
	int fd;
	vfu_watch_fn fn;
	void *arg;
	bool dead;
	struct vfu_watch *next_dead;
};

struct vfu_closure {
	void (*fn)(void *);
	void *arg;
	struct vfu_closure *next;
};

struct vfu_loop {
	int epfd, wake_fd;
	pthread_t thread;
	pthread_mutex_t run_mu; /* the loop lock: held while callbacks run */
	pthread_mutex_t mu;	/* the closure queue and tickets */
	pthread_cond_t done_cv;
	struct vfu_closure *head, *tail;
	uint64_t posted, done;	/* tickets, under mu */
	bool stop;		/* loop thread only */
	struct vfu_watch *dead; /* under the loop lock */
	size_t n_dead;
	struct vfu_watch *wake_w;
};

/* Enough dead watches to be worth a wake-up of a sleeping loop. */
#define DEAD_WAKE 64

void vfu_loop_lock(struct vfu_loop *l)
{
	pthread_mutex_lock(&l->run_mu);
}

void vfu_loop_unlock(struct vfu_loop *l)
{
	pthread_mutex_unlock(&l->run_mu);
}

static void wake(struct vfu_loop *l)
{
	uint64_t one = 1;

	(void)!write(l->wake_fd, &one, sizeof(one));
}

struct vfu_watch *vfu_loop_watch(struct vfu_loop *l, int fd, uint32_t events,
				 vfu_watch_fn fn, void *arg)
{
	struct vfu_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = {.events = events};

	if (!w)
		return NULL;
	w->fd = fd;
	w->fn = fn;
	w->arg = arg;
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(w);
		return NULL;
	}
	return w;
}

void vfu_loop_unwatch(struct vfu_loop *l, struct vfu_watch *w)
{
	if (!w || w->dead)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->dead = true;
	w->next_dead = l->dead;
	l->dead = w;
	if (++l->n_dead == DEAD_WAKE)
		wake(l);
}

static void free_dead(struct vfu_loop *l)
{
	while (l->dead) {
		struct vfu_watch *w = l->dead;
		l->dead = w->next_dead;
		free(w);
	}
	l->n_dead = 0;
}

uint64_t vfu_loop_post(struct vfu_loop *l, void (*fn)(void *), void *arg)
{
	struct vfu_closure *c = malloc(sizeof(*c));
	uint64_t ticket;

	if (!c)
		return 0;
	c->fn = fn;
	c->arg = arg;
	c->next = NULL;
	pthread_mutex_lock(&l->mu);
	if (l->tail)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
	ticket = ++l->posted;
	pthread_mutex_unlock(&l->mu);
	wake(l);
	return ticket;
}

void vfu_loop_wait(struct vfu_loop *l, uint64_t ticket)
{
	pthread_mutex_lock(&l->mu);
	while (l->done < ticket)
		pthread_cond_wait(&l->done_cv, &l->mu);
	pthread_mutex_unlock(&l->mu);
}

static void run_closures(struct vfu_loop *l)
{
	for (;;) {
		pthread_mutex_lock(&l->mu);
		struct vfu_closure *c = l->head;
		if (c) {
			l->head = c->next;
			if (!l->head)
				l->tail = NULL;
		}
		pthread_mutex_unlock(&l->mu);
		if (!c)
			return;
		c->fn(c->arg);
		free(c);
		pthread_mutex_lock(&l->mu);
		l->done++;
		pthread_cond_broadcast(&l->done_cv);
		pthread_mutex_unlock(&l->mu);
	}
}

static void woken(void *arg, uint32_t events)
{
	struct vfu_loop *l = arg;
	uint64_t v;

	(void)events;
	(void)!read(l->wake_fd, &v, sizeof(v));
}

static void *loop_thread(void *arg)
{
	struct vfu_loop *l = arg;
	struct epoll_event evs[32];

	while (!l->stop) {
		int n = epoll_wait(l->epfd, evs, ARRAY_SIZE(evs), -1);
		pthread_mutex_lock(&l->run_mu);
		for (int i = 0; i < n; i++) {
			struct vfu_watch *w = evs[i].data.ptr;
			if (!w->dead)
				w->fn(w->arg, evs[i].events);
		}
		run_closures(l);
		free_dead(l);
		pthread_mutex_unlock(&l->run_mu);
	}
	return NULL;
}

static void stop_loop(void *arg)
{
	((struct vfu_loop *)arg)->stop = true;
}

int vfu_loop_new(struct vfu_loop **out)
{
	struct vfu_loop *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return -ENOMEM;
	pthread_mutex_init(&l->run_mu, NULL);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->done_cv, NULL);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->epfd < 0 || l->wake_fd < 0) {
		ret = -errno;
		goto fail;
	}
	l->wake_w = vfu_loop_watch(l, l->wake_fd, EPOLLIN, woken, l);
	if (!l->wake_w) {
		ret = -ENOMEM;
		goto fail;
	}
	/* The loop's thread must not take the daemon's signals. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = -pthread_create(&l->thread, NULL, loop_thread, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		goto fail;
	*out = l;
	return 0;
fail:
	free(l->wake_w);
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->wake_fd >= 0)
		close(l->wake_fd);
	free(l);
	return ret;
}

void vfu_loop_free(struct vfu_loop *l)
{
	if (!l)
		return;
	vfu_loop_wait(l, vfu_loop_post(l, stop_loop, l));
	pthread_join(l->thread, NULL);
	free_dead(l);
	free(l->wake_w);
	close(l->epfd);
	close(l->wake_fd);
	pthread_mutex_destroy(&l->run_mu);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->done_cv);
	free(l);
}
