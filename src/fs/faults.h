/* SPDX-License-Identifier: MIT */
/*
 * The fault layer in mdevd (faults.c; rules and engine in src/faults,
 * the protocol in docs/faults.md).
 */
#ifndef MDEVD_FAULTS_H
#define MDEVD_FAULTS_H

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mdevd;
struct fs_obj;
struct mdev_hardware;

/* Creates the engine with the hardware file's rules (before the core's
 * parents register, so a rule's timer starts with the daemon). */
int faults_declare(struct mdevd *d, const struct mdev_hardware *hw);
/* Attaches the engine to the core: after the journal replayed. */
int faults_attach(struct mdevd *d);
/* Opens ROOT/run/mdevd/control and starts the fault thread. */
int faults_start(struct mdevd *d);
/* SIGHUP: the new file's rules replace the declared ones. */
void faults_reload(struct mdevd *d, const struct mdev_hardware *hw);
/* Stops the thread (held writes get ENODEV), detaches, frees. */
void faults_stop(struct mdevd *d);

/* How many of the parent's devices a vfio-user client holds; each of
 * those clients is asked to release its device (REQ). */
unsigned faults_hold_parent(struct mdevd *d, const char *name);
/* Runs lifecycle_reload again (on the fault thread) once a client has
 * left: a reload waits for the devices of the parents it drops. */
void faults_defer_reload(struct mdevd *d);

/* content_store / content_show with the faults the server applies; call
 * under the core lock. */
int faults_store(struct mdevd *d, const struct fs_obj *o, const char *buf,
		 size_t len);
int faults_show(struct mdevd *d, const struct fs_obj *o, char *buf,
		size_t size);
/* true if a delay rule holds this write: the fault thread will run it
 * and reply. Call without the core lock. */
bool faults_hold_write(struct mdevd *d, fuse_req_t req, uint64_t ino,
		       const char *buf, size_t len);

/* control_client.c: mdevd --control ROOT [COMMAND...]; the exit status
 * is 0 if every reply was "ok", 1 otherwise. */
struct mdevd_options;
int control_client(const struct mdevd_options *o);
/* record.c: mdevd --record [SYSFS]; prints the hardware file, reports
 * what it left out on stderr; the exit status. */
int record_main(const char *sysfs);
/* record_store.c: --record-store DIR; 0, or 1 after a message. */
int record_store(const char *sysfs, const char *dst);

#endif
