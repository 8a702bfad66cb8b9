// SPDX-License-Identifier: MIT
/*
 * The vfio-user server as a lifecycle consumer. The core's mirrors (under
 * its lock, no I/O) queue a closure per device added or removed on the
 * loop thread; the notification that follows (no lock) waits for the
 * queue, so a create returns once the socket listens and a remove once it
 * is gone. The loop thread never calls the core, so this cannot deadlock.
 *
 * Sockets are bound under a temporary name, listen, and are renamed into
 * place: a client never finds a path that refuses it. Paths longer than a
 * sockaddr_un holds are bound through /proc/self/fd/<dirfd>.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "driver.h"
#include "vfio_user.h"
#include "vfu.h"

struct vfu_server {
	struct mdev_core *core;
	struct vfu_loop *loop;
	char *dir;
	int dirfd;
	uint64_t last_ticket; /* under the core lock (mirrors) */
	unsigned n_failed;    /* devices not served, loop thread only */
	/* The devices served, loop thread only. */
	struct vfu_device **devs;
	size_t n_devs, cap_devs;
	struct vfu_release_hook release_hook; /* fn, arg: loop thread only */
};

/* What a mirror hands the loop: all copied, the core's objects may be
 * gone by the time it runs. */
struct vfu_job {
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
	unlinkat(dirfd, tmp, 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 8) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
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

static void device_free(struct vfu_server *srv, struct vfu_device *dev)
{
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
	free(dev);
}

static void device_start(struct vfu_job *job)
{
	struct vfu_server *srv = job->srv;
	struct vfu_device *dev = calloc(1, sizeof(*dev));
	char name[64];
	int ret = -ENOMEM;

	if (!dev)
		goto fail;
	snprintf(dev->uuid, sizeof(dev->uuid), "%s", job->uuid);
	vfu_device_init(dev);
	dev->model = job->model;
	dev->loop = srv->loop;
	dev->dirfd = srv->dirfd;
	dev->dir = srv->dir;
	dev->release.hook = &srv->release_hook;
	if (srv->n_devs == srv->cap_devs) {
		size_t cap = srv->cap_devs ? 2 * srv->cap_devs : 16;
		struct vfu_device **v = realloc(srv->devs, cap * sizeof(*v));
		if (!v)
			goto fail;
		srv->devs = v;
		srv->cap_devs = cap;
	}
	struct mdev_model_params params = {job->type_id, job->bus_attrs,
					   job->n_bus_attrs};
	ret = dev->model->open(&params, &dev->host, &dev->state);
	if (ret == -EOPNOTSUPP) {
		free(dev);
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
	srv->devs[srv->n_devs++] = dev;
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
	if (dev)
		device_free(srv, dev);
}

struct vfu_device *vfu_server_find(struct vfu_server *srv, const char *uuid)
{
	for (size_t i = 0; i < srv->n_devs; i++)
		if (strcmp(srv->devs[i]->uuid, uuid) == 0)
			return srv->devs[i];
	return NULL;
}

struct vfu_loop *vfu_server_loop(struct vfu_server *srv)
{
	return srv->loop;
}

struct vfu_release_hook *vfu_server_hook(struct vfu_server *srv)
{
	return &srv->release_hook;
}

static void device_stop(struct vfu_job *job)
{
	struct vfu_server *srv = job->srv;

	for (size_t i = 0; i < srv->n_devs; i++) {
		if (strcmp(srv->devs[i]->uuid, job->uuid) == 0) {
			device_free(srv, srv->devs[i]);
			srv->devs[i] = srv->devs[--srv->n_devs];
			return;
		}
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

static void run_job(void *arg)
{
	struct vfu_job *job = arg;

	if (job->model)
		device_start(job);
	else
		device_stop(job);
	job_free(job);
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
	uint64_t t = vfu_loop_post(srv->loop, run_job, job);
	if (!t)
		goto oom;
	srv->last_ticket = t;
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

static void server_sync(struct vfu_server *srv)
{
	mdev_core_lock(srv->core);
	uint64_t t = srv->last_ticket;
	mdev_core_unlock(srv->core);
	vfu_loop_wait(srv->loop, t);
}

static void on_notify(void *opaque, const struct mdev_event *ev)
{
	if (ev->kind == MDEV_EVENT_DEVICE_CREATED ||
	    ev->kind == MDEV_EVENT_DEVICE_REMOVED ||
	    ev->kind == MDEV_EVENT_PARENT_UNREGISTERED)
		server_sync(opaque);
}

static const struct mdev_consumer_ops vfu_consumer_ops = {
    .name = "vfio-user",
    .device_added = on_device_added,
    .device_removed = on_device_removed,
    .notify = on_notify,
};

static void stop_all(void *arg)
{
	struct vfu_server *srv = arg;

	while (srv->n_devs)
		device_free(srv, srv->devs[--srv->n_devs]);
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
	server_sync(srv);
	*out = srv;
	return 0;
fail:
	fprintf(stderr, "mdevd: vfio-user: %s: %s\n", dir, strerror(-ret));
	if (srv) {
		vfu_loop_free(srv->loop);
		if (srv->dirfd >= 0)
			close(srv->dirfd);
		free(srv->dir);
	}
	free(srv);
	return ret;
}

void vfu_server_detach(struct vfu_server *srv)
{
	if (!srv)
		return;
	mdev_core_detach(srv->core, &vfu_consumer_ops, srv);
	vfu_loop_wait(srv->loop, vfu_loop_post(srv->loop, stop_all, srv));
	vfu_loop_free(srv->loop);
	free(srv->devs);
	close(srv->dirfd);
	free(srv->dir);
	free(srv);
}
