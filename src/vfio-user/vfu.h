/* SPDX-License-Identifier: MIT */
/*
 * The vfio-user server's parts (docs/vfio-user.md):
 *   loop.c     the event-loop thread: epoll watches, closures posted to it
 *   server.c   the lifecycle consumer: one device per active mdev with a
 *              model, its listening socket and host-end sockets
 *   conn.c     one connection: receiving, framing, fds, sending
 *   decode.c   header checks, the command table, error replies
 *   regions.c  DEVICE_GET_INFO, GET_REGION_INFO, REGION_READ/WRITE, RESET
 *   irqs.c     GET_IRQ_INFO, SET_IRQS, the line as INTx or MSI, REQ
 *   release.c  asking a client to release its device (REQ every 10 s)
 *   dma.c      DMA_MAP/UNMAP and the map table
 * Everything but the consumer's entry points runs on the loop thread or
 * under the loop lock (vfu_loop_lock).
 */
#ifndef VFU_H
#define VFU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "proto.h"

/* ---------------------------------------------------------------- loop */

struct vfu_loop;
struct vfu_watch;
typedef void (*vfu_watch_fn)(void *arg, uint32_t events);

int vfu_loop_new(struct vfu_loop **out);
/* Stops the thread (after the closures posted so far) and frees. */
void vfu_loop_free(struct vfu_loop *l);
/* The loop lock: the loop thread holds it while it runs callbacks and
 * closures. "Loop thread only" below means: on the loop thread, or on a
 * thread holding the loop lock. Never wait for a closure holding it. */
void vfu_loop_lock(struct vfu_loop *l);
void vfu_loop_unlock(struct vfu_loop *l);
/* Loop thread only. */
struct vfu_watch *vfu_loop_watch(struct vfu_loop *l, int fd, uint32_t events,
				 vfu_watch_fn fn, void *arg);
/* Loop thread only; the watch is freed after the current batch, and its
 * pending events are dropped. */
void vfu_loop_unwatch(struct vfu_loop *l, struct vfu_watch *w);
/* Any thread, no lock needed by the caller: runs fn(arg) on the loop
 * thread. Returns a ticket for vfu_loop_wait, 0 when out of memory (fn is
 * then not run). */
uint64_t vfu_loop_post(struct vfu_loop *l, void (*fn)(void *), void *arg);
/* Waits until every closure up to ticket ran. Not from the loop. */
void vfu_loop_wait(struct vfu_loop *l, uint64_t ticket);

/* ----------------------------------------------------------------- dma */

struct vfu_dma {
	uint64_t iova, size, offset;
	uint32_t prot;
	int fd; /* -1: memory reachable only through DMA_READ/WRITE */
};

struct vfu_dma_table {
	struct vfu_dma *maps;
	size_t n, cap;
};

/* -------------------------------------------------------------- device */

struct vfu_conn;

#define VFU_MAX_REFUSING 4

struct vfu_intx {
	int trigger_fd; /* -1: no eventfd set */
	int unmask_fd;	/* KVM's resample eventfd, -1 none */
	struct vfu_watch *unmask_w;
	bool level;	 /* the model's line */
	bool masked;	 /* automasked after a trigger, until UNMASK */
	uint64_t raised; /* how many times the eventfd was written */
};

/* Who hears that a device asked to be released lost its client (the
 * server's one hook, shared by its devices; fn NULL: nobody), and how many
 * devices have a client (changed on the loop, read by any thread with
 * atomics: a remove with no client anywhere skips the loop round trip). */
struct vfu_release_hook {
	void (*fn)(void *arg, const char *uuid);
	void *arg;
	unsigned clients;
};

/* A release asked of the device's client (vfio_unregister_group_dev):
 * REQ now and every VFU_REQ_PERIOD_MS until the client leaves. */
#define VFU_REQ_PERIOD_MS 10000
struct vfu_release {
	bool requested;
	int timer_fd; /* -1 none */
	struct vfu_watch *timer_w;
	unsigned count;		       /* REQs signalled */
	struct vfu_release_hook *hook; /* the server's */
};

struct vfu_device {
	char uuid[40];
	const struct mdev_hw_model *model;
	void *state;
	struct mdev_model_host host;
	struct vfu_loop *loop; /* NULL in the fuzzer: no watches */
	int dirfd;	       /* the vfio-user directory */
	const char *dir;
	int listen_fd;
	struct vfu_watch *listen_w;
	struct vfu_conn *client;
	/* Second clients waiting for their refusal. */
	struct vfu_conn *refusing[VFU_MAX_REFUSING];
	struct vfu_dma_table dma;
	struct vfu_intx intx;
	int msi_fd; /* MSI vector 0's eventfd, -1: MSI off */
	int req_fd; /* REQ's eventfd, -1: none */
	uint64_t msi_raised;
	struct vfu_release release;
};

/* The model's host calls, set up by vfu_device_init. */
void vfu_device_init(struct vfu_device *dev);
/* The client left: its eventfds and maps go, the device is reset. */
void vfu_device_release(struct vfu_device *dev);

/* ---------------------------------------------------------------- conn */

/* A message as the handlers see it: the payload after the header, and the
 * fds that came with it (a handler that keeps one sets its slot to -1). */
struct vfu_msg {
	const struct vfu_hdr *hdr;
	const uint8_t *payload;
	size_t len;
	int *fds;
	size_t nfds;
};

/* Where a handler builds its reply payload (the header is added). */
struct vfu_reply {
	uint8_t *buf;
	size_t len, cap;
};

struct vfu_conn {
	struct vfu_device *dev;
	int fd;
	struct vfu_watch *w;
	bool refusing; /* a second client: refused on its first message */
	bool versioned;
	uint8_t *in;
	size_t in_len;
	int fds[VFU_MAX_MSG_FDS * 2];
	size_t nfds;
	struct vfu_reply out;
	int out_fd; /* an fd for the reply (a region's), -1 none; not owned */
	/* Sends len bytes whole, with fd when >= 0: 0, or -errno to close
	 * the connection. */
	int (*send)(struct vfu_conn *c, const void *buf, size_t len, int fd);
};

struct vfu_conn *vfu_conn_new(struct vfu_device *dev, int fd, bool refusing);
void vfu_conn_free(struct vfu_conn *c);
/* Takes bytes (and fds, whose ownership passes) from the peer; handles
 * every complete message. 0, or -errno: close the connection. */
int vfu_conn_feed(struct vfu_conn *c, const void *data, size_t len,
		  const int *fds, size_t nfds);
/* Closes c (the device's client: the device is released). why: the errno
 * that made the server close it, for the log; 0 the peer left. */
void vfu_conn_close(struct vfu_conn *c, int why);
/* True when the peer has closed its end (its EOF may still be queued). */
bool vfu_conn_peer_gone(const struct vfu_conn *c);
/* The loop's callback for a connection's socket. */
void vfu_conn_readable(void *arg, uint32_t events);

/* -------------------------------------------------------------- decode */

/* Checks a header: 0, -EPROTO (not a header we can frame: close),
 * -EMSGSIZE (past VFU_MSG_MAX: reply, then close). */
int vfu_hdr_check(const struct vfu_hdr *h);
/* Handles one framed message into c->out: 0 or -errno (an error reply). */
int vfu_dispatch(struct vfu_conn *c, const struct vfu_msg *m);
/* Copies the fixed part of a request whose first member is argsz: -EINVAL
 * when the payload is shorter than size or argsz is below size or past the
 * payload. */
int vfu_take_args(const struct vfu_msg *m, void *out, size_t size);
int vfu_reply_put(struct vfu_reply *r, const void *data, size_t len);

/* handlers */
int vfu_handle_device_info(struct vfu_conn *c, const struct vfu_msg *m);
int vfu_handle_region_info(struct vfu_conn *c, const struct vfu_msg *m);
int vfu_handle_region_read(struct vfu_conn *c, const struct vfu_msg *m);
int vfu_handle_region_write(struct vfu_conn *c, const struct vfu_msg *m);
int vfu_handle_reset(struct vfu_conn *c, const struct vfu_msg *m);
int vfu_handle_irq_info(struct vfu_conn *c, const struct vfu_msg *m);
int vfu_handle_set_irqs(struct vfu_conn *c, const struct vfu_msg *m);
int vfu_handle_dma_map(struct vfu_conn *c, const struct vfu_msg *m);
int vfu_handle_dma_unmap(struct vfu_conn *c, const struct vfu_msg *m);

/* irqs.c: the model's line changed. */
void vfu_intx_set_level(struct vfu_device *dev, bool level);
/* The client's eventfds (INTx, MSI, REQ) closed: the client left. */
void vfu_irqs_release(struct vfu_device *dev);
/* Signals REQ the count-th time of one release (messages as vfio-pci's). */
void vfu_req_signal(struct vfu_device *dev, unsigned count);
/* release.c: the device has a client now. */
void vfu_release_client_came(struct vfu_device *dev);
/* release.c: the device's client left (or went with the device): a
 * release asked of it is over, and the hook hears so. */
void vfu_release_client_gone(struct vfu_device *dev);
/* server.c, for release.c: the device named uuid (loop thread), the
 * loop, the hook. */
struct vfu_server;
struct vfu_device *vfu_server_find(struct vfu_server *s, const char *uuid);
struct vfu_loop *vfu_server_loop(struct vfu_server *s);
struct vfu_release_hook *vfu_server_hook(struct vfu_server *s);
/* dma.c */
void vfu_dma_clear(struct vfu_dma_table *t);

#endif
