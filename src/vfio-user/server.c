// SPDX-License-Identifier: MIT
/*
 * The vfio-user server as a lifecycle consumer. The core's mirrors (under
 * its lock, no I/O) queue a job per device added or removed; the
 * notification that follows (no core lock) runs the queued jobs on its own
 * thread holding the loop lock, so a create returns once the socket
 * listens and a remove once it is gone, with no hand-off to the loop
 * thread (loop.c says what one costs). Jobs run in the order the mirrors
 * queued them, one notifying thread at a time (run_mu), and the thread
 * that queued a job returns only after it ran. The loop thread never
 * calls the core, and the loop lock is never held with the core lock.
 *
 * Sockets are bound under a temporary name, listen, and are renamed into
 * place: a client never finds a path that refuses it. Paths longer than a
 * sockaddr_un holds are bound through /proc/self/fd/<dirfd>.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fsutil.h"
#include "common/hash.h"
#include "common/htable.h"
#include "driver.h"
#include "vfio_user.h"
#include "vfu.h"

struct vfu_job;

struct vfu_server {
	struct mdev_core *core;
	struct vfu_loop *loop;
	char *dir;
	int dirfd;
	/* Queued by the mirrors, under the core lock. */
	struct vfu_job *jobs, **jobs_tail;
	pthread_mutex_t run_mu; /* one thread runs jobs at a time */
	unsigned n_failed;	/* devices not served, under run_mu */
	/* The devices served, by uuid, under the loop lock. */
	struct htable devs;
	struct vfu_release_hook release_hook; /* fn, arg: loop lock */
};

/* A served device and its place in the server's table. */
struct vfu_served {
	struct htable_node link;
	struct vfu_device dev;
};

/* What a mirror hands the notification: all copied, the core's objects
 * may be gone by the time it runs. */
struct vfu_job {
	struct vfu_job *next;
	struct vfu_server *srv;
	char uuid[40];
	char *type_id;
	struct mdev_kv *bus_attrs;
	size_t n_bus_attrs;
	const struct mdev_hw_model *model; /* NULL: a removal */
};

/* ------------------------------------------------------------- sockets */

static int bind_name(int dirfd, const char *dir, const char *name,
		     struct sockaddr_un *sa)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path))
		n = snprintf(sa->sun_path, sizeof(sa->sun_path),
			     "/proc/self/fd/%d/%s", dirfd, name);
	return n < 0 || (size_t)n >= sizeof(sa->sun_path) ? -ENAMETOOLONG : 0;
}

static int listen_at(int dirfd, const char *dir, const char *name)
{
	char tmp[128];
	struct sockaddr_un sa;
	int fd, ret;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	ret = bind_name(dirfd, dir, tmp, &sa);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* The directory is emptied at start and a failed start unlinks its
	 * temporary name, so one is seldom there: unlinked when bind finds
	 * it, not beforehand each time (that costs half a bind). */
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (ret < 0 && errno == EADDRINUSE && unlinkat(dirfd, tmp, 0) == 0)
		ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (ret < 0 || listen(fd, 8) < 0 ||
	    renameat(dirfd, tmp, dirfd, name) < 0) {
		ret = -errno;
		unlinkat(dirfd, tmp, 0);
		close(fd);
		return ret;
	}
	return fd;
}

/* ----------------------------------------------------- the model's host */

static void host_set_intx(void *ctx, bool level)
{
	vfu_intx_set_level(ctx, level);
}

static struct mdev_model_watch *host_watch(void *ctx, int fd, uint32_t events,
					   void (*cb)(void *, uint32_t),
					   void *arg)
{
	struct vfu_device *dev = ctx;

	if (!dev->loop)
		return NULL;
	return (struct mdev_model_watch *)vfu_loop_watch(dev->loop, fd, events,
							 cb, arg);
}

static void host_unwatch(void *ctx, struct mdev_model_watch *w)
{
	struct vfu_device *dev = ctx;

	vfu_loop_unwatch(dev->loop, (struct vfu_watch *)w);
}

static int host_listen(void *ctx, const char *suffix)
{
	struct vfu_device *dev = ctx;
	char name[96];

	if (dev->dirfd < 0)
		return -ENOTSUP;
	snprintf(name, sizeof(name), "%s.%s", dev->uuid, suffix);
	return listen_at(dev->dirfd, dev->dir, name);
}

static void host_unlisten(void *ctx, const char *suffix)
{
	struct vfu_device *dev = ctx;
	char name[96];

	snprintf(name, sizeof(name), "%s.%s", dev->uuid, suffix);
	if (dev->dirfd >= 0)
		unlinkat(dev->dirfd, name, 0);
}

void vfu_device_init(struct vfu_device *dev)
{
	dev->host.ctx = dev;
	dev->host.uuid = dev->uuid;
	dev->host.set_intx = host_set_intx;
	dev->host.watch = host_watch;
	dev->host.unwatch = host_unwatch;
	dev->host.listen = host_listen;
	dev->host.unlisten = host_unlisten;
	dev->listen_fd = -1;
	dev->intx.trigger_fd = -1;
	dev->intx.unmask_fd = -1;
	dev->msi_fd = -1;
	dev->req_fd = -1;
	dev->release.timer_fd = -1;
}

void vfu_device_release(struct vfu_device *dev)
{
	vfu_release_client_gone(dev);
	vfu_irqs_release(dev);
	vfu_dma_clear(&dev->dma);
	/* The next client finds the device as after power-on. */
	dev->model->reset(dev->state);
}

/* ------------------------------------------------------- loop: devices */

static void device_accept(void *arg, uint32_t events)
{
	struct vfu_device *dev = arg;
	int fd =
	    accept4(dev->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	size_t slot = 0;

	(void)events;
	if (fd < 0)
		return;
	/* A client killed just before the next one connects: its EOF may
	 * wait behind this accept in the loop; it is gone, so it goes first
	 * and the newcomer is not refused. */
	if (dev->client && vfu_conn_peer_gone(dev->client))
		vfu_conn_close(dev->client, 0);
	bool refusing = dev->client != NULL;
	while (refusing && slot < VFU_MAX_REFUSING && dev->refusing[slot])
		slot++;
	if (slot == VFU_MAX_REFUSING) {
		close(fd); /* a flood of second clients: no reply at all */
		return;
	}
	struct vfu_conn *c = vfu_conn_new(dev, fd, refusing);
	if (c)
		c->w = vfu_loop_watch(dev->loop, fd, EPOLLIN, vfu_conn_readable,
				      c);
	if (!c || !c->w) {
		if (c)
			vfu_conn_free(c);
		else
			close(fd);
		return;
	}
	if (refusing) {
		dev->refusing[slot] = c;
		fprintf(stderr,
			"mdevd: vfio-user %s: refusing a second client "
			"(EBUSY): the device has one\n",
			dev->uuid);
	} else {
		dev->client = c;
		vfu_release_client_came(dev);
	}
}

static uint64_t uuid_hash(const char *uuid)
{
	return fnv1a64(uuid, strlen(uuid));
}

static struct vfu_served *device_find(struct vfu_server *srv, const char *uuid)
{
	uint64_t h = uuid_hash(uuid);

	for (struct htable_node *n = htable_first(&srv->devs, h); n;
	     n = htable_next(n)) {
		struct vfu_served *s = container_of(n, struct vfu_served, link);
		if (strcmp(s->dev.uuid, uuid) == 0)
			return s;
	}
	return NULL;
}

/* Under the loop lock. */
static void device_free(struct vfu_server *srv, struct vfu_served *s)
{
	struct vfu_device *dev = &s->dev;
	char name[64];

	/* Connections close with their watches: find them by device. */
	if (dev->listen_w)
		vfu_loop_unwatch(srv->loop, dev->listen_w);
	if (dev->listen_fd >= 0) {
		close(dev->listen_fd);
		snprintf(name, sizeof(name), "%s.sock", dev->uuid);
		unlinkat(srv->dirfd, name, 0);
	}
	for (size_t i = 0; i < VFU_MAX_REFUSING; i++) {
		if (dev->refusing[i]) {
			vfu_loop_unwatch(srv->loop, dev->refusing[i]->w);
			vfu_conn_free(dev->refusing[i]);
		}
	}
	if (dev->client) {
		vfu_loop_unwatch(srv->loop, dev->client->w);
		vfu_conn_free(dev->client);
		dev->client = NULL;
		vfu_irqs_release(dev);
		vfu_dma_clear(&dev->dma);
		vfu_release_client_gone(dev);
	}
	if (dev->state)
		dev->model->close(dev->state);
	free(s);
}

/* Under the loop lock: the loop's callbacks cannot run meanwhile, so the
 * model opens as if on the loop thread. */
static void device_start(struct vfu_job *job)
{
	struct vfu_server *srv = job->srv;
	struct vfu_served *s = calloc(1, sizeof(*s));
	struct vfu_device *dev = s ? &s->dev : NULL;
	char name[64];
	int ret = -ENOMEM;

	if (!s)
		goto fail;
	snprintf(dev->uuid, sizeof(dev->uuid), "%s", job->uuid);
	vfu_device_init(dev);
	dev->model = job->model;
	dev->loop = srv->loop;
	dev->dirfd = srv->dirfd;
	dev->dir = srv->dir;
	dev->release.hook = &srv->release_hook;
	struct mdev_model_params params = {job->type_id, job->bus_attrs,
					   job->n_bus_attrs};
	ret = dev->model->open(&params, &dev->host, &dev->state);
	if (ret == -EOPNOTSUPP) {
		free(s);
		return;
	}
	if (ret)
		goto fail;
	snprintf(name, sizeof(name), "%s.sock", dev->uuid);
	dev->listen_fd = ret = listen_at(srv->dirfd, srv->dir, name);
	if (ret < 0)
		goto fail;
	dev->listen_w = vfu_loop_watch(srv->loop, dev->listen_fd, EPOLLIN,
				       device_accept, dev);
	ret = -ENOMEM;
	if (!dev->listen_w)
		goto fail;
	htable_insert(&srv->devs, &s->link, uuid_hash(dev->uuid));
	return;
fail:
	/* Each device costs a few fds; thousands of devices can run out.
	 * Say so, but not once per device. */
	if (srv->n_failed < 10)
		fprintf(stderr,
			"mdevd: vfio-user %s: cannot serve the device: %s\n",
			job->uuid, strerror(-ret));
	else if (srv->n_failed == 10)
		fputs("mdevd: vfio-user: more devices cannot be served; "
		      "not reported one by one\n",
		      stderr);
	srv->n_failed++;
	if (s)
		device_free(srv, s);
}

struct vfu_device *vfu_server_find(struct vfu_server *srv, const char *uuid)
{
	struct vfu_served *s = device_find(srv, uuid);

	return s ? &s->dev : NULL;
}

struct vfu_loop *vfu_server_loop(struct vfu_server *srv)
{
	return srv->loop;
}

struct vfu_release_hook *vfu_server_hook(struct vfu_server *srv)
{
	return &srv->release_hook;
}

/* Under the loop lock. */
static void device_stop(struct vfu_job *job)
{
	struct vfu_served *s = device_find(job->srv, job->uuid);

	if (s) {
		htable_remove(&job->srv->devs, &s->link);
		device_free(job->srv, s);
	}
}

static void job_free(struct vfu_job *job)
{
	if (!job)
		return;
	for (size_t i = 0; i < job->n_bus_attrs; i++) {
		free((char *)job->bus_attrs[i].name);
		free((char *)job->bus_attrs[i].value);
	}
	free(job->bus_attrs);
	free(job->type_id);
	free(job);
}

/* Runs every queued job, in order; returns once the jobs queued before
 * the call ran (perhaps on another thread that was running them). */
static void run_jobs(struct vfu_server *srv)
{
	pthread_mutex_lock(&srv->run_mu);
	for (;;) {
		mdev_core_lock(srv->core);
		struct vfu_job *job = srv->jobs;
		srv->jobs = NULL;
		srv->jobs_tail = &srv->jobs;
		mdev_core_unlock(srv->core);
		if (!job)
			break;
		vfu_loop_lock(srv->loop);
		for (struct vfu_job *j = job; j; j = j->next) {
			if (j->model)
				device_start(j);
			else
				device_stop(j);
		}
		vfu_loop_unlock(srv->loop);
		while (job) {
			struct vfu_job *next = job->next;
			job_free(job);
			job = next;
		}
	}
	pthread_mutex_unlock(&srv->run_mu);
}

/* The parent's bus files, copied: the loop may run after the parent is
 * gone. */
static int copy_bus_attrs(struct vfu_job *job, const struct mdev_parent *p)
{
	size_t n = mdev_parent_bus_attr_count(p);

	if (!n)
		return 0;
	job->bus_attrs = calloc(n, sizeof(*job->bus_attrs));
	if (!job->bus_attrs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct mdev_kv *kv = mdev_parent_bus_attr(p, i);
		job->bus_attrs[i].name = strdup(kv->name);
		job->bus_attrs[i].value = strdup(kv->value ? kv->value : "");
		job->n_bus_attrs = i + 1;
		if (!job->bus_attrs[i].name || !job->bus_attrs[i].value)
			return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------- the consumer's side */

static const struct mdev_hw_model *device_model(struct mdev_device *mdev)
{
	const char *drv_name =
	    mdev_parent_driver_name(mdev_device_parent(mdev));
	const struct mdev_hw_driver *drv =
	    drv_name ? mdev_hw_driver_find(drv_name) : NULL;

	return drv ? drv->model : NULL;
}

static void queue_job(struct vfu_server *srv, struct mdev_device *mdev,
		      const struct mdev_hw_model *model)
{
	struct vfu_job *job = calloc(1, sizeof(*job));

	if (!job)
		goto oom;
	job->srv = srv;
	job->model = model;
	snprintf(job->uuid, sizeof(job->uuid), "%s", mdev_device_name(mdev));
	if (model) {
		job->type_id = strdup(mdev_type_id(mdev_device_type(mdev)));
		if (!job->type_id ||
		    copy_bus_attrs(job, mdev_device_parent(mdev)))
			goto oom;
	}
	*srv->jobs_tail = job;
	srv->jobs_tail = &job->next;
	return;
oom:
	job_free(job);
	fprintf(stderr, "mdevd: vfio-user %s: out of memory\n",
		mdev_device_name(mdev));
}

static void on_device_added(void *opaque, struct mdev_device *mdev)
{
	const struct mdev_hw_model *model = device_model(mdev);

	if (model)
		queue_job(opaque, mdev, model);
}

static void on_device_removed(void *opaque, struct mdev_device *mdev)
{
	if (device_model(mdev))
		queue_job(opaque, mdev, NULL);
}

static void on_notify(void *opaque, const struct mdev_event *ev)
{
	if (ev->kind == MDEV_EVENT_DEVICE_CREATED ||
	    ev->kind == MDEV_EVENT_DEVICE_REMOVED ||
	    ev->kind == MDEV_EVENT_PARENT_UNREGISTERED)
		run_jobs(opaque);
}

static const struct mdev_consumer_ops vfu_consumer_ops = {
    .name = "vfio-user",
    .device_added = on_device_added,
    .device_removed = on_device_removed,
    .notify = on_notify,
};

static void stop_all(struct vfu_server *srv)
{
	struct htable_iter it;
	struct htable_node *n;

	vfu_loop_lock(srv->loop);
	htable_iter_init(&it, &srv->devs);
	while ((n = htable_iter_next(&it))) {
		htable_remove(&srv->devs, n);
		device_free(srv, container_of(n, struct vfu_served, link));
	}
	vfu_loop_unlock(srv->loop);
}

int vfu_server_attach(struct mdev_core *core, const char *dir,
		      struct vfu_server **out)
{
	struct vfu_server *srv = calloc(1, sizeof(*srv));
	int ret = -ENOMEM;

	if (!srv || !(srv->dir = strdup(dir)))
		goto fail;
	srv->core = core;
	srv->dirfd = -1;
	srv->jobs_tail = &srv->jobs;
	pthread_mutex_init(&srv->run_mu, NULL);
	if (htable_init(&srv->devs, 64))
		goto fail;
	/* A served device holds 1-3 fds (socket, host ends, framebuffer):
	 * take every fd the hard limit allows. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* Sockets a previous run left name devices that may be gone. */
	ret = remove_tree(dir);
	if (ret && ret != -ENOENT)
		goto fail;
	ret = mkdir_p(dir, 0755);
	if (ret)
		goto fail;
	srv->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (srv->dirfd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = vfu_loop_new(&srv->loop);
	if (ret)
		goto fail;
	ret = mdev_core_attach(core, &vfu_consumer_ops, srv);
	if (ret)
		goto fail;
	run_jobs(srv); /* the devices the core had */
	*out = srv;
	return 0;
fail:
	fprintf(stderr, "mdevd: vfio-user: %s: %s\n", dir, strerror(-ret));
	if (srv) {
		vfu_loop_free(srv->loop);
		if (srv->dirfd >= 0)
			close(srv->dirfd);
		free(srv->dir);
		htable_fini(&srv->devs);
		pthread_mutex_destroy(&srv->run_mu);
	}
	free(srv);
	return ret;
}

void vfu_server_detach(struct vfu_server *srv)
{
	if (!srv)
		return;
	mdev_core_detach(srv->core, &vfu_consumer_ops, srv);
	/* Jobs queued by mirrors whose notification never came. */
	run_jobs(srv);
	stop_all(srv);
	vfu_loop_free(srv->loop);
	htable_fini(&srv->devs);
	pthread_mutex_destroy(&srv->run_mu);
	close(srv->dirfd);
	free(srv->dir);
	free(srv);
}
