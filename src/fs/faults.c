// SPDX-License-Identifier: MIT
/*
 * The fault layer in mdevd (docs/faults.md): the engine (src/faults) as a
 * consumer of the core, and what only the server can do —
 *
 *  - latency: a write that a delay rule holds is not slept on (the FUSE
 *    loop is single-threaded and the core lock serializes the tree, so a
 *    sleep in either would stall every other client); the request is
 *    parked and the fault thread runs it when it is due and replies, while
 *    the loop goes on serving;
 *  - removes of a device a vfio-user client holds, and unplugs of a parent
 *    with such devices, park the same way (not a fault: the kernel's
 *    vfio_unregister_group_dev waits for the user): the server asks the
 *    client to release the device (REQ) and the parked write or unplug
 *    becomes due when a client leaves; it then checks again and runs, or
 *    waits on;
 *  - a create that fails after its device appeared: the driver removes it
 *    before the write returns, and the writer gets the rule's errno;
 *  - available_instances over-reporting, and EUSERS for the create that
 *    believed it;
 *  - the control socket ROOT/run/mdevd/control (one command per line,
 *    "ok ..." or "error: ..." back), and the unplugs and resets that fall
 *    due, run on the fault thread — never in a request handler, because
 *    an unplug tells the kernel to drop cached names.
 */
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fsutil.h"
#include "fault_engine.h"
#include "faults.h"
#include "hardware.h"
#include "mdevd.h"
#include "vfio_user.h"

#define MAX_CLIENTS 8
#define LINE_MAX_BYTES 1024

/* Parked until due_ms, or until a client leaves (WAIT_RELEASE). req NULL:
 * not a write but a parent's unplug (buf holds its name), or with len 0 a
 * hardware reload that waits for devices of parents it drops. */
#define WAIT_RELEASE INT64_MAX
struct held_write {
	struct held_write *next;
	int64_t due_ms;
	fuse_req_t req;
	uint64_t ino;
	size_t len;
	char buf[];
};

struct client {
	int fd;
	bool discarding; /* the rest of a line too long */
	size_t len;
	char buf[LINE_MAX_BYTES];
};

struct fault_server {
	struct mdevd *d;
	pthread_t thread;
	bool running;
	int wake_fds[2];
	int listen_fd;
	char *path;
	pthread_mutex_t mu; /* held */
	struct held_write *held;
	struct client clients[MAX_CLIENTS];
	size_t n_clients;
	bool stop;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wake(void *opaque)
{
	struct fault_server *s = opaque;
	ssize_t n = write(s->wake_fds[1], "w", 1);
	(void)n; /* a full pipe is already a wake-up */
}

/* --------------------------------------------------- what a write is */

/* Which operation a write to o is, with its parent, type and attribute;
 * FAULT_OP_NONE for every other file. Under the core lock. */
static enum fault_op write_op(struct mdevd *d, const struct fs_obj *o,
			      struct mdev_sysfs_obj *so, const char **attr)
{
	size_t n;
	const struct mdev_sysfs_file *f;

	*attr = NULL;
	memset(so, 0, sizeof(*so));
	if (o->kind != OK_STATIC && o->kind != OK_DEV_FILE)
		return FAULT_OP_NONE;
	f = tree_schema_file(d->tree, o, so);
	if (!f) {
		*attr = o->kind == OK_DEV_FILE ? tree_dev_attr_name(o) : NULL;
		if (!*attr)
			return FAULT_OP_NONE;
		so->device = o->dev->mdev;
		so->type = mdev_device_type(so->device);
		so->parent = mdev_device_parent(so->device);
		return FAULT_OP_STORE;
	}
	if (f == mdev_sysfs_files(MDEV_SYSFS_TYPE, &n) + MDEV_SYSFS_TYPE_CREATE)
		return FAULT_OP_CREATE;
	if (f == mdev_sysfs_files(MDEV_SYSFS_DEVICE, &n) +
		     MDEV_SYSFS_DEVICE_REMOVE ||
	    f == mdev_sysfs_files(MDEV_SYSFS_PARENT, &n) +
		     MDEV_SYSFS_PARENT_MDEV_DESTROY)
		return FAULT_OP_REMOVE;
	return FAULT_OP_NONE;
}

int faults_store(struct mdevd *d, const struct fs_obj *o, const char *buf,
		 size_t len)
{
	struct mdev_sysfs_obj so;
	const char *attr;
	char uuid[37];

	if (!fault_engine_active(d->faults))
		return content_store(d, o, buf, len);
	enum fault_op op = write_op(d, o, &so, &attr);
	int ret = content_store(d, o, buf, len);
	if (op != FAULT_OP_CREATE)
		return ret;
	if (ret == -ENOSPC || ret == -EUSERS) {
		/* The type promised more than it has: the kernel's mdev
		 * core answers such a create with EUSERS. */
		if (fault_engine_overreport(d->faults, so.type))
			return -EUSERS;
		return ret;
	}
	int err = ret ? 0 : fault_engine_take_after(uuid);
	if (!err)
		return ret;
	struct mdev_device *m = mdev_device_find_name(d->core, uuid);
	if (m)
		fault_engine_remove_device(d->faults, m);
	return -err;
}

int faults_show(struct mdevd *d, const struct fs_obj *o, char *buf, size_t size)
{
	struct mdev_sysfs_obj so;
	size_t n;
	int len = content_show(d, o, buf, size);

	if (len < 0 || !fault_engine_active(d->faults) || o->kind != OK_STATIC)
		return len;
	if (tree_schema_file(d->tree, o, &so) !=
	    mdev_sysfs_files(MDEV_SYSFS_TYPE, &n) +
		MDEV_SYSFS_TYPE_AVAILABLE_INSTANCES)
		return len;
	unsigned long by = fault_engine_overreport(d->faults, so.type);
	if (!by)
		return len;
	return mdev_sysfs_emit(buf, size, "%lu\n",
			       (unsigned long)mdev_type_available(so.type) +
				   by);
}

/* ------------------------------------------------------ held writes */

/* The device a write to o removes, in uuid ("" none): a non-zero value
 * in a device's remove file, a uuid in a parent's mdev_destroy. Under
 * the core lock. */
static void removal_target(struct mdevd *d, const struct fs_obj *o,
			   const char *buf, size_t len, char uuid[37])
{
	struct mdev_sysfs_obj so;
	const char *attr;
	unsigned long val;
	uuid_t u;
	size_t n;

	uuid[0] = '\0';
	if (write_op(d, o, &so, &attr) != FAULT_OP_REMOVE)
		return;
	if (tree_schema_file(d->tree, o, &so) ==
	    mdev_sysfs_files(MDEV_SYSFS_DEVICE, &n) +
		MDEV_SYSFS_DEVICE_REMOVE) {
		if (mdev_parse_remove_value(buf, len, &val) == 0 && val)
			snprintf(uuid, 37, "%s", mdev_device_name(so.device));
	} else if (mdev_parse_create_uuid(buf, len, u) == 0) {
		uuid_unparse_lower(u, uuid);
	}
}

/* A signal to a writer parked for a release: as the kernel's waiter, it
 * keeps waiting (FUSE answers an interrupted request only when we reply),
 * and the first signal is logged. */
static void release_wait_interrupted(fuse_req_t req, void *data)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	char path[64], comm[64] = "?";

	(void)data;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)ctx->pid);
	FILE *f = fopen(path, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	fprintf(stderr,
		"mdevd: device is currently in use, task \"%s\" (%d) blocked "
		"until device is released\n",
		comm, (int)ctx->pid);
}

static void park(struct fault_server *s, struct held_write *w)
{
	pthread_mutex_lock(&s->mu);
	struct held_write **p = &s->held;
	while (*p && (*p)->due_ms <= w->due_ms)
		p = &(*p)->next;
	w->next = *p;
	*p = w;
	pthread_mutex_unlock(&s->mu);
	wake(s);
}

static struct held_write *held_new(fuse_req_t req, uint64_t ino,
				   const char *buf, size_t len)
{
	struct held_write *w = malloc(sizeof(*w) + len + 1);

	if (!w)
		return NULL;
	w->req = req;
	w->ino = ino;
	w->len = len;
	memcpy(w->buf, buf, len);
	w->buf[len] = '\0';
	return w;
}

/* true if the write removes a device a client holds (the client is asked
 * to release it). Without the core lock. */
static bool write_must_wait(struct mdevd *d, uint64_t ino, const char *buf,
			    size_t len)
{
	struct fs_obj o;
	char uuid[37] = "";

	if (!d->vfio_user)
		return false;
	mdev_core_lock(d->core);
	if (tree_resolve(d->tree, ino, &o) == 0)
		removal_target(d, &o, buf, len, uuid);
	mdev_core_unlock(d->core);
	return uuid[0] && vfu_server_hold(d->vfio_user, uuid) == 1;
}

/* Parks w until a client leaves, if its write must wait: true if so. */
static bool park_for_release(struct fault_server *s, struct held_write *w)
{
	if (!write_must_wait(s->d, w->ino, w->buf, w->len))
		return false;
	w->due_ms = WAIT_RELEASE;
	fuse_req_interrupt_func(w->req, release_wait_interrupted, NULL);
	park(s, w);
	return true;
}

bool faults_hold_write(struct mdevd *d, fuse_req_t req, uint64_t ino,
		       const char *buf, size_t len)
{
	struct fault_server *s = d->fault_server;
	struct mdev_sysfs_obj so;
	struct fs_obj o;
	const char *attr;
	unsigned long ms = 0;

	if (!s)
		return false;
	if (fault_engine_active(d->faults)) {
		mdev_core_lock(d->core);
		if (tree_resolve(d->tree, ino, &o) == 0) {
			enum fault_op op = write_op(d, &o, &so, &attr);
			if (op != FAULT_OP_NONE)
				ms = fault_engine_delay(
				    d->faults, op, so.parent, so.type, attr);
		}
		mdev_core_unlock(d->core);
	}
	/* A delayed write checks for a release when it falls due. */
	if (!ms && !write_must_wait(d, ino, buf, len))
		return false;
	struct held_write *w = held_new(req, ino, buf, len);
	if (!w)
		return false; /* run it now rather than fail it */
	if (ms) {
		w->due_ms = mono_ms() + (int64_t)ms;
	} else {
		w->due_ms = WAIT_RELEASE;
		fuse_req_interrupt_func(req, release_wait_interrupted, NULL);
	}
	park(s, w);
	return true;
}

/* Runs a held write as op_write would have, and replies. */
static void run_write(struct fault_server *s, struct held_write *w)
{
	struct mdevd *d = s->d;
	struct fs_obj o;

	if (park_for_release(s, w))
		return;
	mdev_core_lock(d->core);
	int err = tree_resolve(d->tree, w->ino, &o) ? -ENODEV : 0;
	if (!err)
		err = faults_store(d, &o, w->buf, w->len);
	mdev_core_unlock(d->core);
	if (err)
		fuse_reply_err(w->req, -err);
	else
		fuse_reply_write(w->req, w->len);
	free(w);
}

/* ---------------------------------------------------- parent unplugs */

/* How many of the parent's devices a client holds; each is asked to
 * release its device. */
static unsigned hold_parent_devices(struct mdevd *d, const char *name)
{
	char(*uuids)[37] = NULL;
	size_t n = 0;
	unsigned held = 0;

	if (!d->vfio_user)
		return 0;
	mdev_core_lock(d->core);
	struct mdev_parent *p = mdev_parent_find(d->core, name);
	for (struct mdev_device *m = p ? mdev_parent_device_first(p) : NULL; m;
	     m = mdev_parent_device_next(m)) {
		char(*more)[37] = realloc(uuids, (n + 1) * sizeof(*uuids));
		if (!more)
			break; /* those not listed are removed at once */
		uuids = more;
		snprintf(uuids[n++], 37, "%s", mdev_device_name(m));
	}
	mdev_core_unlock(d->core);
	for (size_t i = 0; i < n; i++)
		held += vfu_server_hold(d->vfio_user, uuids[i]) == 1;
	free(uuids);
	return held;
}

/* As the kernel's mdev_unregister_parent, an unplug removes each device
 * only once its client let go: parked while any is held. */
static void unplug(struct fault_server *s, struct held_write *w,
		   const char *name)
{
	unsigned held = hold_parent_devices(s->d, name);

	if (!held) {
		lifecycle_unplug(s->d, name);
		free(w);
		return;
	}
	if (!w)
		w = held_new(NULL, 0, name, strlen(name));
	if (!w) {
		fprintf(stderr, "mdevd: faults: unplug %s: out of memory\n",
			name);
		return;
	}
	fprintf(stderr,
		"mdevd: faults: unplug %s: waiting for %u device(s) in use\n",
		name, held);
	w->due_ms = WAIT_RELEASE;
	park(s, w);
}

unsigned faults_hold_parent(struct mdevd *d, const char *name)
{
	return hold_parent_devices(d, name);
}

void faults_defer_reload(struct mdevd *d)
{
	struct fault_server *s = d->fault_server;
	bool parked = false;

	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	for (struct held_write *w = s->held; w && !parked; w = w->next)
		parked = !w->req && !w->len;
	pthread_mutex_unlock(&s->mu);
	struct held_write *w = parked ? NULL : held_new(NULL, 0, "", 0);
	if (!w)
		return; /* one is parked already (or no memory: SIGHUP again) */
	w->due_ms = WAIT_RELEASE;
	park(s, w);
}

/* The release hook (the vfio-user server's thread): a client left, so
 * whatever waits for a release is due and checks again. */
static void on_released(void *arg, const char *uuid)
{
	struct fault_server *s = arg;
	struct held_write *waiting = NULL, **p = &s->held;

	(void)uuid;
	pthread_mutex_lock(&s->mu);
	while (*p) {
		if ((*p)->due_ms == WAIT_RELEASE) {
			struct held_write *w = *p;
			*p = w->next;
			w->next = waiting;
			waiting = w;
		} else {
			p = &(*p)->next;
		}
	}
	/* Due now: first in the list. */
	int64_t now = mono_ms();
	while (waiting) {
		struct held_write *w = waiting;
		waiting = w->next;
		w->due_ms = now;
		w->next = s->held;
		s->held = w;
	}
	pthread_mutex_unlock(&s->mu);
	wake(s);
}

/* Runs the writes that are due; returns ms until the next one (-1). */
static int64_t run_held(struct fault_server *s, bool all)
{
	for (;;) {
		pthread_mutex_lock(&s->mu);
		struct held_write *w = s->held;
		int64_t now = mono_ms();
		if (w && (all || w->due_ms <= now)) {
			s->held = w->next;
			pthread_mutex_unlock(&s->mu);
			if (all && w->due_ms > now) {
				/* Shutting down: the writer hears the
				 * daemon is going, nothing is done (a
				 * remove waiting for a release too). */
				if (w->req)
					fuse_reply_err(w->req, ENODEV);
				free(w);
			} else if (!w->req && w->len) {
				unplug(s, w, w->buf);
			} else if (!w->req) {
				free(w);
				lifecycle_reload(s->d);
			} else {
				run_write(s, w);
			}
			continue;
		}
		int64_t wait = w ? w->due_ms - now : -1;
		pthread_mutex_unlock(&s->mu);
		return wait;
	}
}

/* --------------------------------------------------- timed actions */

static void do_reset(struct mdevd *d, const char *uuid)
{
	mdev_core_lock(d->core);
	struct mdev_device *m = mdev_device_find_name(d->core, uuid);
	int ret = m ? fault_engine_remove_device(d->faults, m) : -ENODEV;
	mdev_core_unlock(d->core);
	fprintf(stderr, "mdevd: faults: reset %s: %s\n", uuid,
		ret ? strerror(-ret) : "removed by the driver");
}

static int64_t run_due(struct fault_server *s)
{
	struct fault_due due;
	int64_t wait;

	while (fault_engine_due(s->d->faults, &due, &wait)) {
		if (due.action == FAULT_UNPLUG)
			unplug(s, NULL, due.name);
		else
			do_reset(s->d, due.name);
	}
	return wait;
}

/* ------------------------------------------------------ control socket */

static void reply(struct client *c, const char *text)
{
	size_t len = strlen(text);
	while (len) {
		ssize_t n = send(c->fd, text, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			return; /* a client that does not read loses replies */
		text += n;
		len -= (size_t)n;
	}
}

static const char help_text[] =
    "commands (one per line):\n"
    "  fail op=create|remove|store errno=E [parent=P] [type=T] [attr=A]\n"
    "       [when=before|after] [next=N|every=K|fraction=F seed=S]\n"
    "  delay op=create|remove|store ms=N|min=N max=N [seed=S] [filters]\n"
    "  overreport type=T [parent=P] by=N\n"
    "  unplug parent=P [after=N] [in=MS]\n"
    "  reset uuid=U [in=MS]\n"
    "  list | clear [ID] | help\n";

static void command(struct fault_server *s, struct client *c, char *line)
{
	char err[512], out[600];
	struct fault_rule r;
	unsigned id;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line)
		return;
	if (!strcmp(line, "help")) {
		reply(c, help_text);
		reply(c, "ok\n");
		return;
	}
	if (!strcmp(line, "list")) {
		char *text = fault_engine_list(s->d->faults);
		reply(c, text ? text : "");
		reply(c, text ? "ok\n" : "error: out of memory\n");
		free(text);
		return;
	}
	if (!strncmp(line, "clear", 5) && (!line[5] || line[5] == ' ')) {
		unsigned long n = 0;
		char *end;
		if (line[5]) {
			n = strtoul(line + 6, &end, 10);
			if (!n || *end || n > UINT32_MAX) {
				reply(c, "error: clear: expected a rule "
					 "number\n");
				return;
			}
		}
		int ret = fault_engine_clear(s->d->faults, (unsigned)n);
		reply(c, ret ? "error: clear: no such rule\n" : "ok\n");
		return;
	}
	if (fault_rule_parse_line(line, &r, err, sizeof(err)) < 0) {
		snprintf(out, sizeof(out), "error: %s\n", err);
		reply(c, out);
		return;
	}
	if (fault_engine_add(s->d->faults, &r, false, &id) < 0) {
		reply(c, "error: rule table full\n");
		return;
	}
	/* An unplug or reset due now has happened when the client hears
	 * "ok", so a script can look at the tree straight away. */
	run_due(s);
	snprintf(out, sizeof(out), "ok %u\n", id);
	reply(c, out);
}

static void drop_client(struct fault_server *s, size_t i)
{
	close(s->clients[i].fd);
	s->clients[i] = s->clients[--s->n_clients];
}

/* Reads what a client sent and answers each complete line; false when
 * the client is gone. */
static bool serve_client(struct fault_server *s, struct client *c)
{
	ssize_t n =
	    recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return false;
	c->len += (size_t)n;
	if (c->discarding) {
		char *nl = memchr(c->buf, '\n', c->len);
		size_t used = nl ? (size_t)(nl - c->buf) + 1 : c->len;
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		c->discarding = !nl;
	}
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		if (!nl)
			break;
		*nl = '\0';
		if (nl > c->buf && nl[-1] == '\r')
			nl[-1] = '\0';
		if (memchr(c->buf, '\0', (size_t)(nl - c->buf)))
			reply(c, "error: NUL in a command\n");
		else
			command(s, c, c->buf);
		size_t used = (size_t)(nl - c->buf) + 1;
		memmove(c->buf, nl + 1, c->len - used);
		c->len -= used;
	}
	if (c->len == sizeof(c->buf)) {
		/* Refused, and the connection stays usable: closing with
		 * unread input would reset it and lose the reply. */
		reply(c, "error: line longer than 1023 bytes\n");
		c->len = 0;
		c->discarding = true;
	}
	return true;
}

/* Tells a client over the limit so and closes. What it sent is read
 * first (for at most 100 ms): closing a UNIX socket with unread input
 * resets the connection, and the client would lose the reply. */
static void refuse_client(int fd)
{
	const char *busy = "error: too many control clients\n";
	struct timeval tv = {0, 100 * 1000};
	char drain[4096];
	size_t total = 0;
	ssize_t n = send(fd, busy, strlen(busy), MSG_NOSIGNAL | MSG_DONTWAIT);

	(void)n;
	int flags = fcntl(fd, F_GETFL);
	if (flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0) {
		while (total < 65536 &&
		       (n = recv(fd, drain, sizeof(drain), 0)) > 0)
			total += (size_t)n;
	}
	close(fd);
}

static void accept_client(struct fault_server *s)
{
	int fd =
	    accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (s->n_clients == MAX_CLIENTS) {
		refuse_client(fd);
		return;
	}
	s->clients[s->n_clients].fd = fd;
	s->clients[s->n_clients].len = 0;
	s->clients[s->n_clients].discarding = false;
	s->n_clients++;
}

static int min_wait(int64_t a, int64_t b)
{
	int64_t w = a < 0 ? b : b < 0 ? a : a < b ? a : b;
	return w < 0 ? -1 : w > 60000 ? 60000 : (int)w;
}

static void *fault_thread(void *arg)
{
	struct fault_server *s = arg;
	struct pollfd pfd[2 + MAX_CLIENTS];

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		int timeout = min_wait(run_held(s, false), run_due(s));
		size_t n = 0;
		pfd[n++] =
		    (struct pollfd){.fd = s->wake_fds[0], .events = POLLIN};
		pfd[n++] =
		    (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
		for (size_t i = 0; i < s->n_clients; i++)
			pfd[n++] = (struct pollfd){.fd = s->clients[i].fd,
						   .events = POLLIN};
		if (poll(pfd, n, timeout) <= 0)
			continue;
		if (pfd[0].revents) {
			char drain[64];
			while (read(s->wake_fds[0], drain, sizeof(drain)) > 0)
				;
		}
		if (pfd[1].revents & POLLIN)
			accept_client(s);
		/* Backwards: drop_client moves the last client into i. */
		for (size_t i = n - 2; i-- > 0;)
			if (pfd[2 + i].revents &&
			    !serve_client(s, &s->clients[i]))
				drop_client(s, i);
	}
	return NULL;
}

/* ROOT/run/mdevd/control, for root only: it can unplug hardware. */
static int listen_control(struct fault_server *s, const char *root)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char *dir = path_join(root, "run/mdevd");
	int err = dir ? mkdir_p(dir, 0755) : -ENOMEM;

	s->path = dir && !err ? path_join(dir, "control") : NULL;
	free(dir);
	if (!s->path)
		return err ? err : -ENOMEM;
	if (strlen(s->path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, s->path);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		return -errno;
	/* A socket left by a killed mdevd: the mount point check already
	 * made sure no live one serves this ROOT. */
	unlink(s->path);
	mode_t old = umask(0177);
	int ret = bind(s->listen_fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (ret < 0 || listen(s->listen_fd, MAX_CLIENTS) < 0)
		return -errno;
	return 0;
}

/* ------------------------------------------------------------ set-up */

int faults_declare(struct mdevd *d, const struct mdev_hardware *hw)
{
	struct fault_server *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->d = d;
	s->listen_fd = -1;
	s->wake_fds[0] = s->wake_fds[1] = -1;
	pthread_mutex_init(&s->mu, NULL);
	d->fault_server = s;
	if (pipe2(s->wake_fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	d->faults = fault_engine_new(wake, s);
	if (!d->faults)
		return -ENOMEM;
	fault_engine_replace_declared(d->faults, mdev_hardware_faults(hw),
				      mdev_hardware_fault_count(hw));
	return 0;
}

int faults_attach(struct mdevd *d)
{
	return mdev_core_attach(d->core, &fault_consumer_ops, d->faults);
}

int faults_start(struct mdevd *d)
{
	struct fault_server *s = d->fault_server;
	int err = listen_control(s, d->root);

	if (err) {
		/* The tree is still worth serving; the hardware file's rules
		 * still apply. */
		fprintf(stderr,
			"mdevd: control socket %s: %s; no control interface\n",
			s->path ? s->path : d->root, strerror(-err));
		if (s->listen_fd >= 0)
			close(s->listen_fd);
		s->listen_fd = -1;
	}
	vfu_server_on_release(d->vfio_user, on_released, s);
	if (pthread_create(&s->thread, NULL, fault_thread, s) != 0) {
		fputs("mdevd: cannot start the fault thread\n", stderr);
		return -EAGAIN;
	}
	s->running = true;
	return 0;
}

void faults_reload(struct mdevd *d, const struct mdev_hardware *hw)
{
	if (d->faults)
		fault_engine_replace_declared(d->faults,
					      mdev_hardware_faults(hw),
					      mdev_hardware_fault_count(hw));
}

void faults_stop(struct mdevd *d)
{
	struct fault_server *s = d->fault_server;

	if (!s)
		return;
	if (s->running) {
		__atomic_store_n(&s->stop, true, __ATOMIC_RELEASE);
		wake(s);
		pthread_join(s->thread, NULL);
		s->running = false;
	}
	/* No release may call into s once it is freed. */
	vfu_server_on_release(d->vfio_user, NULL, NULL);
	run_held(s, true);
	while (s->n_clients)
		drop_client(s, s->n_clients - 1);
	if (d->core && d->faults)
		mdev_core_detach(d->core, &fault_consumer_ops, d->faults);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		unlink(s->path);
	}
	for (int i = 0; i < 2; i++)
		if (s->wake_fds[i] >= 0)
			close(s->wake_fds[i]);
	fault_engine_free(d->faults);
	d->faults = NULL;
	pthread_mutex_destroy(&s->mu);
	free(s->path);
	free(s);
	d->fault_server = NULL;
}
