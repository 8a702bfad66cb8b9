/* SPDX-License-Identifier: MIT */
/*
 * mtty: the kernel's sample serial-port driver (samples/vfio-mdev/mtty.c).
 * One parent "mtty" with 24 ports shared by two types; a type takes one
 * or two ports, so available_instances is free ports / ports per device
 * and a create that finds too few fails with ENOSPC (the core's pools).
 * Each device has the sample's vendor/sample_mdev_dev file.
 *
 * Option "ports": the pool size (the kernel's MAX_MTTYS).
 *
 * The device model (served over vfio-user, src/vfio-user/): the sample's
 * PCI card, 4348:3253 (a WCH CH352, class 0x070002), one 8-byte I/O BAR
 * per port holding a 16550A (BAR0, and BAR1 for mtty-2), INTx pin A
 * shared by the ports. Each port's host end is a UNIX stream socket
 * <vfio-user dir>/<uuid>.tty<N> (one connection at a time: bytes the
 * guest writes to its ttyS go there, bytes written there reach the guest).
 * With no host end connected, written bytes come back to the guest, as the
 * kernel sample loops them back.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "driver.h"
#include "model.h"
#include "pci_cfg.h"
#include "uart16550.h"

#define MTTY_PORTS 24
#define MTTY_SAMPLE_ATTR "vendor/sample_mdev_dev"

static const struct mdev_cost mtty_cost_1[] = {{"ports", 1}};
static const struct mdev_cost mtty_cost_2[] = {{"ports", 2}};

static const struct mdev_attr_desc mtty_device_attrs[] = {
    {MTTY_SAMPLE_ATTR, MDEV_ATTR_RO, NULL},
};

#define MTTY_TYPE_DESC(ports, pretty)                                          \
	{                                                                      \
		.id = "mtty-" #ports, .name = pretty,                          \
		.device_api = "vfio-pci", .costs = mtty_cost_##ports,          \
		.n_costs = 1, .device_attrs = mtty_device_attrs,               \
		.n_device_attrs = ARRAY_SIZE(mtty_device_attrs),               \
	}

static const struct mdev_type_desc mtty_types[] = {
    MTTY_TYPE_DESC(1, "Single port serial"),
    MTTY_TYPE_DESC(2, "Dual port serial"),
};

/* The sample prints the device's name, which only exists per device. */
static int mtty_attr_show(struct mdev_device *mdev, const char *attr, char *buf,
			  size_t size)
{
	int n;

	if (strcmp(attr, MTTY_SAMPLE_ATTR))
		return drv_show_stored(mdev, attr, buf, size);
	n = snprintf(buf, size, "This is MDEV %s\n", mdev_device_name(mdev));
	if (n < 0 || (size_t)n >= size)
		return -EIO;
	return n;
}

static const struct mdev_driver_ops mtty_ops = {
    .attr_show = mtty_attr_show,
};

struct mtty_opts {
	unsigned long ports;
};

static const struct mtty_opts mtty_defaults = {.ports = MTTY_PORTS};

static const struct mdev_hw_key mtty_keys[] = {
    {"ports", offsetof(struct mtty_opts, ports), 1UL << 20},
    {NULL, 0, 0},
};

static int mtty_describe(const void *opts, struct mdev_hw_parent *out)
{
	const struct mtty_opts *o = opts;

	drv_one_pool(out, "ports", o->ports);
	return 0;
}

/* ------------------------------------------------------------ the model */

#define MTTY_MAX_PORTS 2
#define MTTY_BAR_SIZE 8

struct mtty_dev;

struct mtty_port {
	struct mtty_dev *dev;
	unsigned index;
	struct uart16550 uart;
	char suffix[16]; /* "tty<N>" */
	int listen_fd, conn_fd;
	struct mdev_model_watch *listen_w, *conn_w;
};

struct mtty_dev {
	const struct mdev_model_host *host;
	struct pci_cfg cfg;
	unsigned n_ports;
	struct mtty_port port[MTTY_MAX_PORTS];
};

static void mtty_update_irq(struct mtty_dev *m)
{
	bool level = false;

	for (unsigned i = 0; i < m->n_ports; i++)
		level |= uart_irq(&m->port[i].uart);
	if (pci_cfg_command(&m->cfg) & PCI_CFG_COMMAND_INTX_DISABLE)
		level = false;
	m->host->set_intx(m->host->ctx, level);
}

static void mtty_drop_conn(struct mtty_port *p)
{
	if (p->conn_w)
		p->dev->host->unwatch(p->dev->host->ctx, p->conn_w);
	if (p->conn_fd >= 0)
		close(p->conn_fd);
	p->conn_w = NULL;
	p->conn_fd = -1;
}

static void mtty_host_readable(void *arg, uint32_t events);

/* Reads from the host end only while the FIFO has room: the guest's
 * reads pace the host (no busy loop on a full FIFO). */
static void mtty_watch_conn(struct mtty_port *p, bool want)
{
	const struct mdev_model_host *h = p->dev->host;

	if (want && !p->conn_w && p->conn_fd >= 0)
		p->conn_w = h->watch(h->ctx, p->conn_fd, EPOLLIN,
				     mtty_host_readable, p);
	else if (!want && p->conn_w) {
		h->unwatch(h->ctx, p->conn_w);
		p->conn_w = NULL;
	}
}

static void mtty_host_readable(void *arg, uint32_t events)
{
	struct mtty_port *p = arg;
	uint8_t buf[UART_FIFO_SIZE];
	size_t room = uart_rx_room(&p->uart);
	ssize_t n = recv(p->conn_fd, buf, room, MSG_DONTWAIT);

	(void)events;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		mtty_drop_conn(p);
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		uart_receive(&p->uart, buf[i]);
	if (!uart_rx_room(&p->uart))
		mtty_watch_conn(p, false);
	mtty_update_irq(p->dev);
}

static void mtty_host_accept(void *arg, uint32_t events)
{
	struct mtty_port *p = arg;
	int fd =
	    accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	(void)events;
	if (fd < 0)
		return;
	if (p->conn_fd >= 0) {
		/* One host end per port: a second is turned away. */
		static const char busy[] = "mtty: port busy\n";
		(void)!send(fd, busy, sizeof(busy) - 1,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		close(fd);
		return;
	}
	p->conn_fd = fd;
	mtty_watch_conn(p, uart_rx_room(&p->uart) > 0);
}

/* A byte the guest sent: to the host end, or back to the guest. */
static void mtty_tx(void *arg, uint8_t byte)
{
	struct mtty_port *p = arg;

	if (p->conn_fd < 0) {
		uart_receive(&p->uart, byte);
		return;
	}
	if (send(p->conn_fd, &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN)
		mtty_drop_conn(p);
}

static unsigned mtty_type_ports(const char *type_id)
{
	return strcmp(type_id, "mtty-2") == 0 ? 2 : 1;
}

static void mtty_close(void *state)
{
	struct mtty_dev *m = state;
	const struct mdev_model_host *h = m->host;

	for (unsigned i = 0; i < m->n_ports; i++) {
		struct mtty_port *p = &m->port[i];
		mtty_drop_conn(p);
		if (p->listen_w)
			h->unwatch(h->ctx, p->listen_w);
		if (p->listen_fd >= 0) {
			close(p->listen_fd);
			h->unlisten(h->ctx, p->suffix);
		}
	}
	free(m);
}

static int mtty_open_port(struct mtty_dev *m, unsigned i)
{
	const struct mdev_model_host *h = m->host;
	struct mtty_port *p = &m->port[i];

	p->dev = m;
	p->index = i;
	p->conn_fd = -1;
	p->uart.tx = mtty_tx;
	p->uart.arg = p;
	uart_reset(&p->uart);
	snprintf(p->suffix, sizeof(p->suffix), "tty%u", i);
	p->listen_fd = h->listen(h->ctx, p->suffix);
	if (p->listen_fd < 0)
		return p->listen_fd;
	p->listen_w =
	    h->watch(h->ctx, p->listen_fd, EPOLLIN, mtty_host_accept, p);
	return p->listen_w ? 0 : -ENOMEM;
}

static int mtty_open(const struct mdev_model_params *params,
		     const struct mdev_model_host *host, void **state)
{
	static const struct pci_cfg_id id = {
	    .vendor = 0x4348,
	    .device = 0x3253,
	    .sub_vendor = 0x4348,
	    .sub_device = 0x3253,
	    .class_code = 0x070002,
	    .irq_pin = 1,
	};
	struct mtty_dev *m = calloc(1, sizeof(*m));
	int ret = 0;

	if (!m)
		return -ENOMEM;
	m->host = host;
	m->n_ports = mtty_type_ports(params->type_id);
	pci_cfg_init(&m->cfg, &id);
	for (unsigned i = 0; i < MTTY_MAX_PORTS; i++)
		m->port[i].listen_fd = m->port[i].conn_fd = -1;
	for (unsigned i = 0; i < m->n_ports; i++) {
		pci_cfg_bar(&m->cfg, i, MTTY_BAR_SIZE, true);
		if (!ret)
			ret = mtty_open_port(m, i);
	}
	pci_cfg_seal(&m->cfg);
	if (ret) {
		mtty_close(m);
		return ret;
	}
	*state = m;
	return 0;
}

static void mtty_reset(void *state)
{
	struct mtty_dev *m = state;

	pci_cfg_reset(&m->cfg);
	for (unsigned i = 0; i < m->n_ports; i++) {
		uart_reset(&m->port[i].uart);
		mtty_watch_conn(&m->port[i], true);
	}
	mtty_update_irq(m);
}

static void mtty_region_info(void *state, unsigned index,
			     struct mdev_model_region *out)
{
	struct mtty_dev *m = state;
	uint32_t rw = MDEV_MODEL_REGION_READ | MDEV_MODEL_REGION_WRITE;

	out->size = 0;
	out->flags = 0;
	if (index == MDEV_MODEL_CONFIG_REGION) {
		out->size = PCI_CFG_SIZE;
		out->flags = rw;
	} else if (index < m->n_ports) {
		out->size = MTTY_BAR_SIZE;
		out->flags = rw;
	}
}

static int mtty_region_access(void *state, unsigned index, uint64_t off,
			      void *buf, uint32_t count, bool write)
{
	struct mtty_dev *m = state;
	uint8_t *b = buf;

	if (index == MDEV_MODEL_CONFIG_REGION) {
		pci_cfg_access(&m->cfg, (uint32_t)off, buf, count, write);
		mtty_update_irq(m); /* the INTx-disable bit may have moved */
		return 0;
	}
	struct mtty_port *p = &m->port[index];
	for (uint32_t i = 0; i < count; i++) {
		unsigned reg = (unsigned)off + i;
		if (write)
			uart_write(&p->uart, reg, b[i]);
		else
			b[i] = uart_read(&p->uart, reg);
	}
	if (!write && uart_rx_room(&p->uart))
		mtty_watch_conn(p, true);
	mtty_update_irq(m);
	return 0;
}

/* INTx and MSI, one each, as the sample's mtty_get_irq_info. The sample
 * has no MSI capability in its config space (capabilities pointer 0), so
 * a guest's PCI core never enables MSI: only a client that asks for it
 * through SET_IRQS gets it. */
static unsigned mtty_irq_count(void *state, unsigned index)
{
	(void)state;
	return index == MDEV_MODEL_IRQ_INTX || index == MDEV_MODEL_IRQ_MSI ? 1
									   : 0;
}

static const struct mdev_hw_model mtty_model = {
    .name = "mtty",
    .open = mtty_open,
    .close = mtty_close,
    .reset = mtty_reset,
    .region_info = mtty_region_info,
    .region_access = mtty_region_access,
    .irq_count = mtty_irq_count,
};

const struct mdev_hw_driver mtty_driver = {
    .name = "mtty",
    .default_name = "mtty",
    .bus = "virtual",
    .devpath_dir = "virtual/mtty",
    .opts_size = sizeof(struct mtty_opts),
    .defaults = &mtty_defaults,
    .policy = MDEV_POLICY_MIXED,
    .types = mtty_types,
    .n_types = ARRAY_SIZE(mtty_types),
    .keys = mtty_keys,
    .describe = mtty_describe,
    .ops = &mtty_ops,
    .model = &mtty_model,
};
