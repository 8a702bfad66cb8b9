/* SPDX-License-Identifier: MIT */
/*
 * A device model: what a driver's devices look like to a VM (PCI config
 * space, regions, INTx), served over vfio-user by src/vfio-user/.
 *
 * A driver that emulates its devices sets .model in its struct
 * mdev_hw_driver. The server opens one instance per active device (after
 * the core created it) and closes it when the device is removed. Every
 * call of a model, and every call a model makes into its host, happens on
 * the server's one event-loop thread, so a model needs no locking.
 *
 * Region indexes are VFIO's for PCI devices: 0-5 BARs, 6 ROM, 7 config
 * space, 8 VGA (MDEV_MODEL_NUM_REGIONS of them).
 */
#ifndef MDEV_MODEL_H
#define MDEV_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MDEV_MODEL_NUM_REGIONS 9
#define MDEV_MODEL_CONFIG_REGION 7
#define MDEV_MODEL_NUM_IRQS 5 /* INTx, MSI, MSI-X, ERR, REQ */
#define MDEV_MODEL_IRQ_INTX 0
#define MDEV_MODEL_IRQ_MSI 1
#define MDEV_MODEL_IRQ_REQ 4 /* the server's own: every device has it */

#define MDEV_MODEL_REGION_READ 1u
#define MDEV_MODEL_REGION_WRITE 2u
/* The client may mmap the region: fd (the model's, kept open by it) at
 * fd_offset holds its bytes; accesses then never reach the server. */
#define MDEV_MODEL_REGION_MMAP 4u

struct mdev_model_region {
	uint64_t size;	/* 0: the region does not exist */
	uint32_t flags; /* MDEV_MODEL_REGION_* */
	int fd;		/* with MMAP; the server presets -1 */
	uint64_t fd_offset;
};

struct mdev_model_watch;
struct mdev_kv;

/* What a device is: its type, and its parent's bus files (vendor, device,
 * class, subsystem_vendor, subsystem_device, ...) as the parent's sysfs
 * directory shows them. */
struct mdev_model_params {
	const char *type_id;
	const struct mdev_kv *bus_attrs;
	size_t n_bus_attrs;
};

/* What the server offers an instance. ctx is the server's; pass it back. */
struct mdev_model_host {
	void *ctx;
	const char *uuid; /* the device's name */
	/* Sets the level of the device's interrupt line. The server
	 * delivers a rising edge through what the client enabled: INTx
	 * (level, automasked) or MSI (vector 0, one message per edge). */
	void (*set_intx)(void *ctx, bool level);
	/* Calls cb(arg, epoll events) when fd is ready; NULL on failure.
	 * unwatch before closing fd. */
	struct mdev_model_watch *(*watch)(void *ctx, int fd, uint32_t events,
					  void (*cb)(void *arg,
						     uint32_t events),
					  void *arg);
	void (*unwatch)(void *ctx, struct mdev_model_watch *w);
	/* A listening, non-blocking UNIX stream socket at
	 * <vfio-user dir>/<uuid>.<suffix>, for the device's host ends;
	 * unlisten removes the file. fd or a negative errno. */
	int (*listen)(void *ctx, const char *suffix);
	void (*unlisten)(void *ctx, const char *suffix);
};

struct mdev_hw_model {
	const char *name;
	/* A new instance for the device in *state: 0 or -errno; -EOPNOTSUPP
	 * quietly leaves the device unserved (not a PCI parent, say). */
	int (*open)(const struct mdev_model_params *params,
		    const struct mdev_model_host *host, void **state);
	void (*close)(void *state);
	/* The device as after power-on (DEVICE_RESET, a client leaving). */
	void (*reset)(void *state);
	void (*region_info)(void *state, unsigned index,
			    struct mdev_model_region *out);
	/* count bytes at off of region index, inside the region (the server
	 * checked): 0 or -errno. */
	int (*region_access)(void *state, unsigned index, uint64_t off,
			     void *buf, uint32_t count, bool write);
	/* How many interrupts of index (MDEV_MODEL_IRQ_*) the device has
	 * (not asked for REQ: the server's). */
	unsigned (*irq_count)(void *state, unsigned index);
};

/* A PCI function with the parent's identity (vendor, device, class,
 * subsystem from its bus files) and inert registers: a 16 MiB memory BAR0
 * that reads 0 and ignores writes, INTA never raised. What lspci in a
 * guest shows for a vGPU (pci_ident.c). */
extern const struct mdev_hw_model pci_ident_model;

#endif
