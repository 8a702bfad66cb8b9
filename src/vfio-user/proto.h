/* SPDX-License-Identifier: MIT */
/*
 * The vfio-user wire format (QEMU's docs/interop/vfio-user.rst): a 16-byte
 * header, then the command's payload; little-endian, as on the hosts we
 * run on. File descriptors travel only in SCM_RIGHTS.
 */
#ifndef VFU_PROTO_H
#define VFU_PROTO_H

#include <stdint.h>

enum vfu_command {
	VFU_CMD_VERSION = 1,
	VFU_CMD_DMA_MAP = 2,
	VFU_CMD_DMA_UNMAP = 3,
	VFU_CMD_DEVICE_GET_INFO = 4,
	VFU_CMD_DEVICE_GET_REGION_INFO = 5,
	VFU_CMD_DEVICE_GET_REGION_IO_FDS = 6,
	VFU_CMD_DEVICE_GET_IRQ_INFO = 7,
	VFU_CMD_DEVICE_SET_IRQS = 8,
	VFU_CMD_REGION_READ = 9,
	VFU_CMD_REGION_WRITE = 10,
	VFU_CMD_DMA_READ = 11,
	VFU_CMD_DMA_WRITE = 12,
	VFU_CMD_DEVICE_RESET = 13,
};

#define VFU_FLAGS_TYPE_MASK 0xfu
#define VFU_FLAGS_COMMAND 0u
#define VFU_FLAGS_REPLY 1u
#define VFU_FLAGS_NO_REPLY 0x10u
#define VFU_FLAGS_ERROR 0x20u

struct vfu_hdr {
	uint16_t msg_id;
	uint16_t command;
	uint32_t msg_size; /* header included */
	uint32_t flags;
	uint32_t error; /* errno, in error replies */
};

struct vfu_version {
	uint16_t major, minor;
	/* then a NUL-terminated JSON object */
};

#define VFU_DMA_READ 1u
#define VFU_DMA_WRITE 2u
struct vfu_dma_map {
	uint32_t argsz, flags;
	uint64_t offset, address, size;
};

#define VFU_DMA_UNMAP_ALL 2u
struct vfu_dma_unmap {
	uint32_t argsz, flags;
	uint64_t address, size;
};

#define VFU_DEVICE_FLAGS_RESET 1u
#define VFU_DEVICE_FLAGS_PCI 2u
struct vfu_device_info {
	uint32_t argsz, flags, num_regions, num_irqs;
};

#define VFU_REGION_READ 1u
#define VFU_REGION_WRITE 2u
#define VFU_REGION_MMAP 4u
struct vfu_region_info {
	uint32_t argsz, flags, index, cap_offset;
	uint64_t size, offset;
};

#define VFU_IRQ_INFO_EVENTFD 1u
#define VFU_IRQ_INFO_MASKABLE 2u
#define VFU_IRQ_INFO_AUTOMASKED 4u
#define VFU_IRQ_INFO_NORESIZE 8u
struct vfu_irq_info {
	uint32_t argsz, flags, index, count;
};

#define VFU_IRQ_DATA_NONE 1u
#define VFU_IRQ_DATA_BOOL 2u
#define VFU_IRQ_DATA_EVENTFD 4u
#define VFU_IRQ_DATA_MASK 7u
#define VFU_IRQ_ACTION_MASK 8u
#define VFU_IRQ_ACTION_UNMASK 16u
#define VFU_IRQ_ACTION_TRIGGER 32u
#define VFU_IRQ_ACTION_MASK_ALL 0x38u
struct vfu_irq_set {
	uint32_t argsz, flags, index, start, count;
	/* DATA_BOOL: count bytes follow */
};

struct vfu_region_access {
	uint64_t offset;
	uint32_t region, count;
	/* REGION_WRITE request and REGION_READ reply: count bytes follow */
};

/* Our limits, announced in the VERSION reply. */
#define VFU_MAX_DATA 65536u
#define VFU_MSG_MAX (sizeof(struct vfu_hdr) + 64 + VFU_MAX_DATA)
#define VFU_MAX_MSG_FDS 8u
#define VFU_MAX_DMA_MAPS 4096u

#endif
