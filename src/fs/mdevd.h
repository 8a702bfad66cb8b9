/* SPDX-License-Identifier: MIT */
/*
 * The daemon's shared state and the entry points of its parts:
 *   ops.c       FUSE low-level callbacks (path ↔ core, errno for errno)
 *   nodeattr.c  what chmod, chown, utimensat, setxattr changed, per inode
 *   content.c   what each file shows and what a write to it does
 *   tree_*.c    the tree's shape and inode resolution (tree.h)
 *   tree_consumer.c  keeps the tree in step with the core (a consumer)
 *   events.c    udev events (--uevents) and --on-register (a consumer)
 *   lifecycle.c which parents are registered; SIGHUP reload
 *   mount.c     stale and live mounts, the FUSE session
 *   mdevd.c     start-up order, daemonizing, signals
 */
#ifndef MDEVD_H
#define MDEVD_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "libmdev.h"
#include "options.h"
#include "tree.h"

struct fuse_session;
struct fuse_lowlevel_ops;
struct mdev_journal;
struct mdev_uevent;
struct mdev_hardware;
struct fault_engine;
struct fault_server;
struct vfu_server;

/* A parent this daemon registered and the fingerprint of its
 * description, so a reload keeps what did not change. */
struct known_parent {
	char *name;
	char *fingerprint;
};

/* A dentry the kernel may cache that names something gone. */
struct pending_inval {
	uint64_t dir;
	char *name;
};

struct mdevd {
	struct mdevd_options opt;
	char *root;	  /* absolute */
	char *mountpoint; /* ROOT/sys */
	char *hardware;	  /* absolute path, NULL = demo */
	char *state_dir;  /* absolute */
	struct mdev_core *core;
	struct fs_tree *tree;
	struct fuse_session *se;
	struct mdev_journal *journal;
	struct mdev_uevent *uevent;
	/* Serves devices with a model over vfio-user (NULL: none). */
	struct vfu_server *vfio_user;
	/* Set once the tree is mounted: from then on the kernel may cache
	 * names that need invalidating. */
	bool live;
	struct known_parent *known;
	size_t n_known;
	/* Filled by the tree's mirrors under the core lock; flushed without
	 * it. */
	struct pending_inval *inval;
	size_t n_inval, cap_inval;
	/* The first error the tree's mirrors met since tree_consumer_attach. */
	int tree_error;
	/* The fault layer (faults.c) and its thread. */
	struct fault_engine *faults;
	struct fault_server *fault_server;
	/* Serializes changes to the registered parents: SIGHUP reloads on
	 * the signal thread, unplugs on the fault thread. */
	pthread_mutex_t lifecycle_mu;
	/* --on-register children not reaped yet. */
	pid_t *children;
	size_t n_children, cap_children;
};

/* ops.c */
extern const struct fuse_lowlevel_ops mdevd_ops;

/* content.c: one page, as sysfs. */
#define MDEVD_PAGE 4096
/* Fills buf (at least MDEVD_PAGE + 1 bytes); returns the length or a
 * negative errno. Call under the core lock. */
int content_show(struct mdevd *d, const struct fs_obj *o, char *buf,
		 size_t size);
/* Applies one write() of len bytes; 0 or a negative errno. */
int content_store(struct mdevd *d, const struct fs_obj *o, const char *buf,
		  size_t len);

/* lifecycle.c */
/* Registers every parent of hw; on failure err names the parent. */
int lifecycle_register_all(struct mdevd *d, const struct mdev_hardware *hw,
			   char *err, size_t errlen);
/* SIGHUP: re-reads the hardware file and applies the difference. */
void lifecycle_reload(struct mdevd *d);
/* A surprise removal: the parent unregisters (its devices removed, as the
 * kernel removes them) and is forgotten, so SIGHUP plugs it back. */
void lifecycle_unplug(struct mdevd *d, const char *name);
void lifecycle_free(struct mdevd *d);

/* tree_consumer.c */
/* Attaches the tree: what is registered now is added at once. 0, or the
 * first error (a parent that cannot be shown, message printed). */
int tree_consumer_attach(struct mdevd *d);
void tree_consumer_detach(struct mdevd *d);
/* Sends the queued dentry invalidations; call without the core lock and
 * never from a FUSE request handler. */
void tree_consumer_flush(struct mdevd *d);

/* events.c: udev events are no-ops without --uevents. */
int events_open(struct mdevd *d);
/* Attaches the events consumer and announces every registered parent
 * (uevent, --on-register). */
int events_attach(struct mdevd *d);
void events_detach(struct mdevd *d);
void events_device(struct mdevd *d, struct mdev_device *m, const char *action);
void events_parent(struct mdevd *d, struct mdev_parent *p, const char *action,
		   const char *mdev_state);
/* Reaps finished --on-register children. */
void events_reap(struct mdevd *d);
void events_close(struct mdevd *d);

/* mount.c */
/* 0; -EBUSY (message printed) if a live mdevd serves the mount point. */
int mount_prepare(struct mdevd *d);
/* Creates the session and mounts it; message printed on failure. */
int mount_start(struct mdevd *d);
void mount_stop(struct mdevd *d);

#endif
