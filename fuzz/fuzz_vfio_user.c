// SPDX-License-Identifier: MIT
/*
 * The vfio-user message decoder and handlers (src/vfio-user): a stream of
 * chunks, each [nfds:u8][len:u16le][len bytes], fed to one connection as
 * a peer would send them (nfds % 4 eventfds travel with the chunk). The
 * device is a small model of the fuzzer's own: a config space and a
 * 16550 in BAR0, INTx and MSI (REQ is the server's). Replies go nowhere; one in
 * 16 sends fails, as when a client stops reading.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "pci_cfg.h"
#include "uart16550.h"
#include "vfu.h"

struct fz_model {
	struct pci_cfg cfg;
	struct uart16550 uart;
	const struct mdev_model_host *host;
};

static int fz_open(const struct mdev_model_params *params,
		   const struct mdev_model_host *host, void **state)
{
	static const struct pci_cfg_id id = {.vendor = 0x4348,
					     .device = 0x3253,
					     .class_code = 0x070002,
					     .irq_pin = 1};
	struct fz_model *m = calloc(1, sizeof(*m));

	(void)params;
	if (!m)
		return -1;
	m->host = host;
	pci_cfg_init(&m->cfg, &id);
	pci_cfg_bar(&m->cfg, 0, 8, true);
	pci_cfg_seal(&m->cfg);
	uart_reset(&m->uart);
	*state = m;
	return 0;
}

static void fz_close(void *state)
{
	free(state);
}

static void fz_reset(void *state)
{
	struct fz_model *m = state;
	pci_cfg_reset(&m->cfg);
	uart_reset(&m->uart);
}

static void fz_region_info(void *state, unsigned index,
			   struct mdev_model_region *out)
{
	(void)state;
	out->flags = MDEV_MODEL_REGION_READ | MDEV_MODEL_REGION_WRITE;
	out->size = index == 0				? 8
		    : index == MDEV_MODEL_CONFIG_REGION ? 256
							: 0;
	if (!out->size)
		out->flags = 0;
}

static int fz_access(void *state, unsigned index, uint64_t off, void *buf,
		     uint32_t count, bool write)
{
	struct fz_model *m = state;
	uint8_t *b = buf;

	if (index == MDEV_MODEL_CONFIG_REGION) {
		pci_cfg_access(&m->cfg, (uint32_t)off, buf, count, write);
		return 0;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (write)
			uart_write(&m->uart, (unsigned)off + i, b[i]);
		else
			b[i] = uart_read(&m->uart, (unsigned)off + i);
	}
	m->host->set_intx(m->host->ctx, uart_irq(&m->uart));
	return 0;
}

static unsigned fz_irq_count(void *state, unsigned index)
{
	(void)state;
	return index == MDEV_MODEL_IRQ_INTX || index == MDEV_MODEL_IRQ_MSI;
}

static const struct mdev_hw_model fz_model = {
    .name = "fuzz",
    .open = fz_open,
    .close = fz_close,
    .reset = fz_reset,
    .region_info = fz_region_info,
    .region_access = fz_access,
    .irq_count = fz_irq_count,
};

static unsigned sends;

static int fz_send(struct vfu_conn *c, const void *buf, size_t len, int fd)
{
	(void)c;
	(void)fd;
	(void)buf;
	(void)len;
	return (++sends % 16) == 0 ? -11 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfu_device dev;

	memset(&dev, 0, sizeof(dev));
	vfu_device_init(&dev);
	dev.dirfd = -1;
	dev.model = &fz_model;
	struct mdev_model_params params = {.type_id = "fuzz"};

	if (fz_model.open(&params, &dev.host, &dev.state))
		return 0;
	struct vfu_conn *c = vfu_conn_new(&dev, -1, size && data[0] == 0xff);
	if (!c) {
		fz_model.close(dev.state);
		return 0;
	}
	c->send = fz_send;
	while (size >= 3) {
		size_t nfds = data[0] % 4;
		size_t len = data[1] | (size_t)data[2] << 8;
		int fds[4];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		for (size_t i = 0; i < nfds; i++)
			fds[i] = eventfd(0, EFD_CLOEXEC);
		if (vfu_conn_feed(c, data, len, fds, nfds))
			break;
		data += len;
		size -= len;
	}
	vfu_conn_free(c);
	vfu_device_release(&dev);
	fz_model.close(dev.state);
	return 0;
}
