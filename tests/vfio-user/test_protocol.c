// SPDX-License-Identifier: MIT
/*
 * The vfio-user server spoken to in raw messages: a core with an mtty
 * parent, the server attached to a temporary directory, devices created
 * and removed through libmdev. Each check prints "ok - what"; the first
 * failure prints what was expected and exits 1. Covers the protocol (every
 * command QEMU 11 sends), INTx through an eventfd, a port's host end, one
 * client at a time, and hostile peers (bad headers, sizes past the limit,
 * wrong argsz, unknown commands, fd floods, a client that never reads).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "common/fsutil.h"
#include "driver.h"
#include "vfio_user.h"
#include "vfu_client.h"

static char dir[256];
static struct mdev_core *core;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);            \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			exit(1);                                               \
		}                                                              \
	} while (0)

static void ok(const char *what)
{
	printf("ok - %s\n", what);
}

static char *path_of(const char *uuid, const char *suffix)
{
	static _Thread_local char p[512]; /* the churn test has threads */
	snprintf(p, sizeof(p), "%s/%s.%s", dir, uuid, suffix);
	return p;
}

static struct mdev_device *create_in(const char *parent, const char *type_id,
				     const char *uuid)
{
	struct mdev_parent *p = mdev_parent_find(core, parent);
	struct mdev_device *d = NULL;
	uuid_t u;

	uuid_parse(uuid, u);
	int ret =
	    mdev_device_create(mdev_parent_type_find(p, type_id), u, 0, &d);
	CHECK(ret == 0, "create %s: %s", uuid, strerror(-ret));
	return d;
}

static void remove_dev(const char *uuid);

static struct mdev_device *create(const char *type_id, const char *uuid)
{
	return create_in("mtty", type_id, uuid);
}

static void register_driver(const struct mdev_hw_driver *drv)
{
	struct mdev_hw_parent parent;
	char err[512];

	CHECK(mdev_hw_describe(drv, NULL, NULL, &parent) == 0, "describe %s",
	      drv->name);
	CHECK(mdev_parent_register(core, &parent.desc, NULL, err,
				   sizeof(err)) == 0,
	      "register: %s", err);
}

static void remove_dev(const char *uuid)
{
	uuid_t u;
	uuid_parse(uuid, u);
	mdev_core_lock(core);
	struct mdev_device *d = mdev_device_find(core, u);
	mdev_core_unlock(core);
	CHECK(d && mdev_device_remove(d) == 0, "remove %s", uuid);
}

/* Sends a request and reads its reply: the reply's payload length, or
 * -errno (an error reply gives -error). */
static int call(int fd, uint16_t cmd, const void *req, size_t len, void *rep,
		size_t cap, const int *fds, size_t nfds)
{
	static uint16_t id;
	struct vfu_hdr h;
	int ret = vfu_client_send(fd, ++id, cmd, 0, req, len, fds, nfds);
	if (ret)
		return ret;
	ret = vfu_client_recv(fd, &h, rep, cap, 5000);
	if (ret < 0)
		return ret;
	CHECK(h.msg_id == id && h.command == cmd,
	      "reply id %u cmd %u for %u %u", h.msg_id, h.command, id, cmd);
	CHECK((h.flags & VFU_FLAGS_TYPE_MASK) == VFU_FLAGS_REPLY, "reply type");
	if (h.flags & VFU_FLAGS_ERROR)
		return -(int)h.error;
	return ret;
}

static int connect_versioned(const char *uuid)
{
	uint8_t rep[512];
	int fd = vfu_client_connect(path_of(uuid, "sock"));
	CHECK(fd >= 0, "connect %s: %s", uuid, strerror(-fd));
	uint8_t v[8] = {0, 0, 0, 0, '{', '}', 0};
	int n = call(fd, VFU_CMD_VERSION, v, 7, rep, sizeof(rep), NULL, 0);
	CHECK(n > 4, "VERSION: %d", n);
	CHECK(rep[0] == 0 && rep[1] == 0 && rep[2] == 0 && rep[3] == 0,
	      "version 0.0");
	CHECK(rep[n - 1] == '\0', "JSON ends in NUL");
	CHECK(strstr((char *)rep + 4, "max_msg_fds") != NULL, "caps: %s",
	      (char *)rep + 4);
	return fd;
}

static int region_rw(int fd, uint32_t region, uint64_t off, void *buf,
		     uint32_t count, bool write)
{
	uint8_t req[16 + 256], rep[16 + 256];
	struct vfu_region_access a = {off, region, count};
	memcpy(req, &a, sizeof(a));
	if (write)
		memcpy(req + 16, buf, count);
	int n = call(fd, write ? VFU_CMD_REGION_WRITE : VFU_CMD_REGION_READ,
		     req, 16 + (write ? count : 0), rep, sizeof(rep), NULL, 0);
	if (n < 0)
		return n;
	if (!write) {
		CHECK((uint32_t)n == 16 + count, "read reply %d", n);
		memcpy(buf, rep + 16, count);
	}
	return 0;
}

static uint8_t inb(int fd, uint32_t bar, unsigned reg)
{
	uint8_t v = 0;
	CHECK(region_rw(fd, bar, reg, &v, 1, false) == 0, "inb");
	return v;
}

static void outb(int fd, uint32_t bar, unsigned reg, uint8_t v)
{
	CHECK(region_rw(fd, bar, reg, &v, 1, true) == 0, "outb");
}

static bool readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) == 1;
}

static bool closed_by_server(int fd)
{
	char c;
	for (int i = 0; i < 50; i++) {
		if (!readable(fd, 100))
			continue;
		ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
	}
	return false;
}

static const char *U1 = "11111111-0000-4000-8000-000000000001";
static const char *U2 = "11111111-0000-4000-8000-000000000002";

static void test_shape(int fd)
{
	uint8_t rep[256];
	struct vfu_device_info di = {sizeof(di), 0, 0, 0};
	CHECK(call(fd, VFU_CMD_DEVICE_GET_INFO, &di, sizeof(di), &di,
		   sizeof(di), NULL, 0) == sizeof(di),
	      "GET_INFO");
	CHECK(di.num_regions == 9 && di.num_irqs == 5 &&
		  di.flags == (VFU_DEVICE_FLAGS_PCI | VFU_DEVICE_FLAGS_RESET),
	      "device info %u %u %x", di.num_regions, di.num_irqs, di.flags);
	di.argsz = 8;
	CHECK(call(fd, VFU_CMD_DEVICE_GET_INFO, &di, sizeof(di), rep,
		   sizeof(rep), NULL, 0) == -EINVAL,
	      "argsz below the struct");
	di.argsz = 4096;
	CHECK(call(fd, VFU_CMD_DEVICE_GET_INFO, &di, sizeof(di), rep,
		   sizeof(rep), NULL, 0) == -EINVAL,
	      "argsz past the message");
	CHECK(call(fd, VFU_CMD_DEVICE_GET_INFO, &di, 8, rep, sizeof(rep), NULL,
		   0) == -EINVAL,
	      "payload shorter than the struct");
	ok("DEVICE_GET_INFO: 9 regions, 5 irqs; bad argsz refused");

	uint64_t want[9] = {8, 8, 0, 0, 0, 0, 0, 256, 0};
	for (uint32_t i = 0; i < 10; i++) {
		struct vfu_region_info ri = {sizeof(ri), 0, i, 0, 0, 0};
		int n = call(fd, VFU_CMD_DEVICE_GET_REGION_INFO, &ri,
			     sizeof(ri), &ri, sizeof(ri), NULL, 0);
		if (i == 9) {
			CHECK(n == -EINVAL, "region 9: %d", n);
			continue;
		}
		CHECK(n == sizeof(ri) && ri.size == want[i],
		      "region %u size %llu", i, (unsigned long long)ri.size);
	}
	ok("GET_REGION_INFO: BAR0/BAR1 8 bytes, config 256, index 9 refused");

	uint8_t cfg[256];
	CHECK(region_rw(fd, 7, 0, cfg, 256, false) == 0, "config read");
	CHECK(cfg[0] == 0x48 && cfg[1] == 0x43 && cfg[2] == 0x53 &&
		  cfg[3] == 0x32,
	      "ids %02x%02x:%02x%02x", cfg[1], cfg[0], cfg[3], cfg[2]);
	CHECK(cfg[0x0b] == 7 && cfg[0x0a] == 0 && cfg[0x09] == 2, "class");
	CHECK((cfg[0x10] & 1) && (cfg[0x14] & 1), "I/O BARs");
	CHECK(cfg[0x3d] == 1, "INTA");
	uint32_t ones = 0xffffffff, bar;
	CHECK(region_rw(fd, 7, 0x10, &ones, 4, true) == 0, "BAR write");
	CHECK(region_rw(fd, 7, 0x10, &bar, 4, false) == 0, "BAR read");
	CHECK(bar == 0xfffffff9, "BAR0 sizing reads %08x", bar);
	uint16_t vid = 0;
	CHECK(region_rw(fd, 7, 0, &vid, 2, true) == 0, "vendor write");
	CHECK(region_rw(fd, 7, 0, &vid, 2, false) == 0 && vid == 0x4348,
	      "vendor is read-only");
	CHECK(region_rw(fd, 7, 250, cfg, 16, false) == -EINVAL, "past the end");
	CHECK(region_rw(fd, 7, 0, cfg, 0, false) == -EINVAL, "count 0");
	CHECK(region_rw(fd, 2, 0, cfg, 1, false) == -EINVAL, "empty region");
	CHECK(region_rw(fd, 100, 0, cfg, 1, false) == -EINVAL, "no region");
	ok("config space: 4348:3253, class 070002, I/O BARs, INTA; bounds");

	for (uint32_t i = 0; i < 6; i++) {
		struct vfu_irq_info ii = {sizeof(ii), 0, i, 0};
		int n = call(fd, VFU_CMD_DEVICE_GET_IRQ_INFO, &ii, sizeof(ii),
			     &ii, sizeof(ii), NULL, 0);
		if (i == 5) {
			CHECK(n == -EINVAL, "irq 5");
			continue;
		}
		/* mtty: INTx and MSI as the sample, REQ as vfio-pci. */
		unsigned want = i == 0 || i == 1 || i == 4 ? 1u : 0u;
		uint32_t flags =
		    i == 0 ? VFU_IRQ_INFO_EVENTFD | VFU_IRQ_INFO_MASKABLE |
				 VFU_IRQ_INFO_AUTOMASKED
			   : VFU_IRQ_INFO_EVENTFD | VFU_IRQ_INFO_NORESIZE;
		CHECK(n == sizeof(ii) && ii.count == want && ii.flags == flags,
		      "irq %u count %u flags %x", i, ii.count, ii.flags);
	}
	ok("GET_IRQ_INFO: INTx 1, MSI 1, MSI-X/ERR 0, REQ 1, index 5 "
	   "refused");
}

static void test_intx_and_host_end(int fd)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t v;
	struct vfu_irq_set s = {
	    sizeof(s), VFU_IRQ_DATA_EVENTFD | VFU_IRQ_ACTION_TRIGGER, 0, 0, 1};
	uint8_t rep[64];

	CHECK(call(fd, VFU_CMD_DEVICE_SET_IRQS, &s, sizeof(s), rep, sizeof(rep),
		   &efd, 1) == 0,
	      "SET_IRQS eventfd");
	s.flags =
	    VFU_IRQ_DATA_EVENTFD | VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_TRIGGER;
	CHECK(call(fd, VFU_CMD_DEVICE_SET_IRQS, &s, sizeof(s), rep, sizeof(rep),
		   NULL, 0) == -EINVAL,
	      "two data bits");
	s.flags = VFU_IRQ_DATA_EVENTFD | VFU_IRQ_ACTION_TRIGGER;
	CHECK(call(fd, VFU_CMD_DEVICE_SET_IRQS, &s, sizeof(s), rep, sizeof(rep),
		   NULL, 0) == -EINVAL,
	      "eventfd missing");
	s.index = 1;
	s.count = 1;
	s.flags = VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_TRIGGER;
	CHECK(call(fd, VFU_CMD_DEVICE_SET_IRQS, &s, sizeof(s), rep, sizeof(rep),
		   NULL, 0) == -EINVAL,
	      "MSI is off: nothing to trigger");
	int mfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s.flags = VFU_IRQ_DATA_EVENTFD | VFU_IRQ_ACTION_TRIGGER;
	CHECK(call(fd, VFU_CMD_DEVICE_SET_IRQS, &s, sizeof(s), rep, sizeof(rep),
		   &mfd, 1) == -EINVAL,
	      "MSI while INTx is on");
	close(mfd);

	int host = vfu_client_connect(path_of(U1, "tty0"));
	CHECK(host >= 0, "host end: %s", strerror(-host));
	int host2 = vfu_client_connect(path_of(U1, "tty0"));
	CHECK(host2 >= 0 && closed_by_server(host2), "second host end refused");
	close(host2);
	usleep(100000);	      /* the server accepts the host end */
	outb(fd, 0, 1, 0x01); /* IER: RX data */
	CHECK(write(host, "hi", 2) == 2, "host write");
	CHECK(readable(efd, 2000), "INTx eventfd raised by received data");
	CHECK(read(efd, &v, sizeof(v)) == sizeof(v), "eventfd read");
	CHECK(inb(fd, 0, 5) & 1, "LSR data ready");
	CHECK((inb(fd, 0, 2) & 0x0f) == 0x04, "IIR RX data");
	CHECK(inb(fd, 0, 0) == 'h', "first byte");
	/* Still pending: automasked until UNMASK, then raised again. */
	CHECK(!readable(efd, 200), "automasked");
	s = (struct vfu_irq_set){
	    sizeof(s), VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_UNMASK, 0, 0, 1};
	CHECK(call(fd, VFU_CMD_DEVICE_SET_IRQS, &s, sizeof(s), rep, sizeof(rep),
		   NULL, 0) == 0,
	      "UNMASK");
	CHECK(readable(efd, 2000), "raised again at unmask (line still high)");
	CHECK(read(efd, &v, sizeof(v)) == sizeof(v), "eventfd read");
	CHECK(inb(fd, 0, 0) == 'i', "second byte");
	CHECK(!(inb(fd, 0, 5) & 1), "FIFO empty");
	ok("INTx: eventfd on received data, automask, re-raised at unmask");

	outb(fd, 0, 0, 'Z');
	char c = 0;
	CHECK(readable(host, 2000) && read(host, &c, 1) == 1 && c == 'Z',
	      "guest byte at the host end");
	outb(fd, 0, 4, 0x10); /* loopback */
	outb(fd, 0, 0, 'L');
	CHECK(inb(fd, 0, 0) == 'L', "loopback");
	ok("host end: bytes both ways; one host end per port; loopback");

	c = 0;
	CHECK(call(fd, VFU_CMD_DEVICE_RESET, NULL, 0, rep, sizeof(rep), NULL,
		   0) == 0,
	      "DEVICE_RESET");
	CHECK(inb(fd, 0, 1) == 0 && inb(fd, 0, 4) == 0, "registers reset");
	close(host);
	close(efd);
	ok("DEVICE_RESET");
}

static int set_irq(int fd, uint32_t index, uint32_t flags, uint32_t count,
		   const int *efd)
{
	uint8_t rep[64];
	struct vfu_irq_set s = {sizeof(s), flags, index, 0, count};

	return call(fd, VFU_CMD_DEVICE_SET_IRQS, &s, sizeof(s), rep,
		    sizeof(rep), efd, efd ? 1 : 0);
}

static uint64_t eventfd_take(int efd, int ms)
{
	uint64_t v = 0;

	if (!readable(efd, ms) || read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* MSI as the sample's: vector 0 through its eventfd, one per edge; INTx
 * and MSI exclude each other; MASK/UNMASK are ENOTTY. */
static void test_msi(int fd)
{
	const uint32_t trig = VFU_IRQ_ACTION_TRIGGER;
	int msi = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int intx = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	CHECK(set_irq(fd, 0, VFU_IRQ_DATA_NONE | trig, 0, NULL) == 0,
	      "INTx off (the test before left it on)");
	CHECK(set_irq(fd, 1, VFU_IRQ_DATA_EVENTFD | trig, 1, &msi) == 0,
	      "MSI eventfd");
	CHECK(set_irq(fd, 0, VFU_IRQ_DATA_EVENTFD | trig, 1, &intx) == -EINVAL,
	      "INTx while MSI is on");
	CHECK(set_irq(fd, 1, VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_MASK, 1,
		      NULL) == -ENOTTY,
	      "MSI MASK");
	CHECK(set_irq(fd, 1, VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_UNMASK, 1,
		      NULL) == -ENOTTY,
	      "MSI UNMASK");
	CHECK(set_irq(fd, 1, VFU_IRQ_DATA_NONE | trig, 1, NULL) == 0 &&
		  eventfd_take(msi, 2000) == 1,
	      "MSI loopback (DATA_NONE)");
	int host = vfu_client_connect(path_of(U1, "tty1"));
	CHECK(host >= 0, "host end: %s", strerror(-host));
	usleep(100000);
	outb(fd, 1, 1, 0x01); /* port 1 IER: RX data */
	CHECK(write(host, "m", 1) == 1, "host write");
	CHECK(eventfd_take(msi, 2000) == 1, "MSI on received data");
	CHECK(eventfd_take(intx, 200) == 0, "nothing on INTx");
	CHECK(inb(fd, 1, 0) == 'm', "the byte");
	/* An edge per interrupt, no unmask needed: the line fell (FIFO
	 * empty), the next byte raises it again. */
	CHECK(write(host, "n", 1) == 1, "host write");
	CHECK(eventfd_take(msi, 2000) == 1, "second MSI, no unmask");
	CHECK(inb(fd, 1, 0) == 'n', "the byte");
	outb(fd, 1, 1, 0x00);
	CHECK(set_irq(fd, 1, VFU_IRQ_DATA_NONE | trig, 0, NULL) == 0,
	      "MSI off");
	CHECK(set_irq(fd, 1, VFU_IRQ_DATA_NONE | trig, 0, NULL) == -EINVAL,
	      "MSI off twice");
	CHECK(set_irq(fd, 0, VFU_IRQ_DATA_EVENTFD | trig, 1, &intx) == 0,
	      "INTx after MSI");
	CHECK(set_irq(fd, 0, VFU_IRQ_DATA_NONE | trig, 0, NULL) == 0,
	      "INTx off");
	close(host);
	close(msi);
	close(intx);
	ok("MSI: eventfd per edge on received data, not with INTx, "
	   "MASK/UNMASK ENOTTY, off with count 0");
}

/* REQ as vfio-pci's: TRIGGER with an eventfd, signalled by hand with
 * NONE or a true BOOL, off with count 0; MASK/UNMASK ENOTTY. */
static void test_req(int fd)
{
	const uint32_t trig = VFU_IRQ_ACTION_TRIGGER;
	int req = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint8_t rep[64];

	CHECK(set_irq(fd, 4, VFU_IRQ_DATA_EVENTFD | trig, 1, &req) == 0,
	      "REQ eventfd");
	CHECK(set_irq(fd, 4, VFU_IRQ_DATA_NONE | VFU_IRQ_ACTION_MASK, 1,
		      NULL) == -ENOTTY,
	      "REQ MASK");
	CHECK(set_irq(fd, 4, VFU_IRQ_DATA_NONE | trig, 1, NULL) == 0 &&
		  eventfd_take(req, 2000) == 1,
	      "REQ loopback");
	struct {
		struct vfu_irq_set s;
		uint8_t b;
	} __attribute__((packed))
	bset = {{sizeof(bset), VFU_IRQ_DATA_BOOL | trig, 4, 0, 1}, 0};
	CHECK(call(fd, VFU_CMD_DEVICE_SET_IRQS, &bset, sizeof(bset), rep,
		   sizeof(rep), NULL, 0) == 0 &&
		  eventfd_take(req, 200) == 0,
	      "REQ BOOL false: nothing");
	CHECK(set_irq(fd, 4, VFU_IRQ_DATA_NONE | trig, 2, NULL) == -EINVAL,
	      "REQ count 2");
	CHECK(set_irq(fd, 4, VFU_IRQ_DATA_NONE | trig, 0, NULL) == 0 &&
		  set_irq(fd, 4, VFU_IRQ_DATA_NONE | trig, 1, NULL) == 0 &&
		  eventfd_take(req, 200) == 0,
	      "REQ off");
	close(req);
	ok("REQ: eventfd, loopback, BOOL, off with count 0, MASK ENOTTY");
}

static unsigned releases;
static char released_uuid[40];

static void on_release(void *arg, const char *uuid)
{
	(void)arg;
	snprintf(released_uuid, sizeof(released_uuid), "%s", uuid);
	__atomic_add_fetch(&releases, 1, __ATOMIC_SEQ_CST);
}

/* vfu_server_hold: REQ to the client, the hook when it left. */
static void test_hold(struct vfu_server *srv)
{
	const char *u = "44444444-0000-4000-8000-000000000001";
	int req = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	create("mtty-1", u);
	vfu_server_on_release(srv, on_release, NULL);
	CHECK(vfu_server_hold(srv, u) == 0, "no client: nothing to wait for");
	CHECK(vfu_server_hold(srv, "44444444-0000-4000-8000-00000000ffff") == 0,
	      "no such device");
	int fd = connect_versioned(u);
	CHECK(set_irq(fd, 4, VFU_IRQ_DATA_EVENTFD | VFU_IRQ_ACTION_TRIGGER, 1,
		      &req) == 0,
	      "REQ eventfd");
	CHECK(vfu_server_hold(srv, u) == 1, "held while a client has it");
	CHECK(eventfd_take(req, 2000) == 1, "REQ signalled");
	CHECK(vfu_server_hold(srv, u) == 1 && eventfd_take(req, 300) == 0,
	      "asking twice is asking once");
	CHECK(__atomic_load_n(&releases, __ATOMIC_SEQ_CST) == 0,
	      "not released yet");
	/* The device still works meanwhile. */
	uint16_t vid;
	CHECK(region_rw(fd, 7, 0, &vid, 2, false) == 0 && vid == 0x4348,
	      "device usable while asked");
	close(fd);
	for (int i = 0;
	     i < 200 && !__atomic_load_n(&releases, __ATOMIC_SEQ_CST); i++)
		usleep(10000);
	CHECK(releases == 1 && strcmp(released_uuid, u) == 0,
	      "hook heard the release: %u %s", releases, released_uuid);
	CHECK(vfu_server_hold(srv, u) == 0, "released: nothing to wait for");
	/* A client with no REQ channel is asked all the same (the log says
	 * nobody listens); the device going releases it too. */
	fd = connect_versioned(u);
	CHECK(vfu_server_hold(srv, u) == 1, "held without a REQ channel");
	remove_dev(u);
	CHECK(releases == 2, "the device's removal ends the hold");
	close(fd);
	vfu_server_on_release(srv, NULL, NULL);
	close(req);
	ok("hold: REQ now, once per hold; the hook hears the client leave or "
	   "the device go; nothing held without a client");
}

static void test_dma(int fd)
{
	uint8_t rep[64];
	int mfd = memfd_create("guest", MFD_CLOEXEC);
	CHECK(mfd >= 0 && ftruncate(mfd, 1 << 20) == 0, "memfd");
	struct vfu_dma_map m = {sizeof(m), VFU_DMA_READ | VFU_DMA_WRITE, 0,
				0x100000, 1 << 20};
	CHECK(call(fd, VFU_CMD_DMA_MAP, &m, sizeof(m), rep, sizeof(rep), &mfd,
		   1) == 0,
	      "DMA_MAP with fd");
	CHECK(call(fd, VFU_CMD_DMA_MAP, &m, sizeof(m), rep, sizeof(rep), NULL,
		   0) == -EEXIST,
	      "overlap refused");
	int two[2] = {mfd, mfd};
	m.address = 0x10000000;
	CHECK(call(fd, VFU_CMD_DMA_MAP, &m, sizeof(m), rep, sizeof(rep), two,
		   2) == -EINVAL,
	      "two fds refused");
	m.size = 0;
	CHECK(call(fd, VFU_CMD_DMA_MAP, &m, sizeof(m), rep, sizeof(rep), NULL,
		   0) == -EINVAL,
	      "size 0");
	m.size = 4096;
	m.address = ~0ull - 100;
	CHECK(call(fd, VFU_CMD_DMA_MAP, &m, sizeof(m), rep, sizeof(rep), NULL,
		   0) == -EINVAL,
	      "wrapping range");
	struct vfu_dma_unmap u = {sizeof(u), 0, 0x100000, 1 << 20};
	CHECK(call(fd, VFU_CMD_DMA_UNMAP, &u, sizeof(u), rep, sizeof(rep), NULL,
		   0) == sizeof(u),
	      "DMA_UNMAP");
	m = (struct vfu_dma_map){sizeof(m), VFU_DMA_READ, 0, 0x100000, 4096};
	CHECK(call(fd, VFU_CMD_DMA_MAP, &m, sizeof(m), rep, sizeof(rep), NULL,
		   0) == 0,
	      "map again after unmap");
	u = (struct vfu_dma_unmap){sizeof(u), VFU_DMA_UNMAP_ALL, 0, 0};
	CHECK(call(fd, VFU_CMD_DMA_UNMAP, &u, sizeof(u), rep, sizeof(rep), NULL,
		   0) == sizeof(u),
	      "unmap all");
	close(mfd);
	ok("DMA_MAP/UNMAP: fds, overlaps, bad sizes, unmap all");
}

static void test_hostile(void)
{
	uint8_t rep[64];
	struct vfu_hdr h;
	int fd = vfu_client_connect(path_of(U1, "sock"));

	CHECK(call(fd, VFU_CMD_DEVICE_GET_INFO, rep, 16, rep, sizeof(rep), NULL,
		   0) == -EINVAL,
	      "a command before VERSION");
	close(fd);
	fd = connect_versioned(U1);
	CHECK(call(fd, VFU_CMD_VERSION, rep, 8, rep, sizeof(rep), NULL, 0) ==
		  -EINVAL,
	      "a second VERSION");
	CHECK(call(fd, 99, NULL, 0, rep, sizeof(rep), NULL, 0) == -ENOTSUP,
	      "unknown command");
	CHECK(call(fd, VFU_CMD_DMA_READ, NULL, 0, rep, sizeof(rep), NULL, 0) ==
		  -ENOTSUP,
	      "DMA_READ");
	CHECK(vfu_client_send(fd, 7, VFU_CMD_DEVICE_RESET, VFU_FLAGS_REPLY,
			      NULL, 0, NULL, 0) == 0 &&
		  vfu_client_recv(fd, &h, rep, sizeof(rep), 2000) == 0 &&
		  (h.flags & VFU_FLAGS_ERROR) && h.error == EINVAL,
	      "a reply sent as a request");
	CHECK(vfu_client_send(fd, 8, VFU_CMD_DEVICE_RESET, VFU_FLAGS_NO_REPLY,
			      NULL, 0, NULL, 0) == 0 &&
		  !readable(fd, 200),
	      "NO_REPLY gets none");
	ok("refusals: before VERSION, VERSION twice, unknown commands, "
	   "replies");

	/* One client at a time. */
	int second = vfu_client_connect(path_of(U1, "sock"));
	CHECK(vfu_client_version(second, 1) == 0 &&
		  vfu_client_recv(second, &h, rep, sizeof(rep), 2000) == 0 &&
		  (h.flags & VFU_FLAGS_ERROR) && h.error == EBUSY,
	      "second client: EBUSY");
	CHECK(closed_by_server(second), "second client closed");
	close(second);
	ok("a second client gets EBUSY and is closed");

	/* A header shorter than itself: the stream cannot be framed. */
	struct vfu_hdr bad = {1, VFU_CMD_DEVICE_RESET, 8, 0, 0};
	CHECK(send(fd, &bad, sizeof(bad), 0) == sizeof(bad) &&
		  closed_by_server(fd),
	      "msg_size 8 closes");
	close(fd);
	fd = connect_versioned(U1);
	bad.msg_size = 1u << 30;
	CHECK(send(fd, &bad, sizeof(bad), 0) == sizeof(bad) &&
		  vfu_client_recv(fd, &h, rep, sizeof(rep), 2000) == 0 &&
		  (h.flags & VFU_FLAGS_ERROR) && h.error == EMSGSIZE &&
		  closed_by_server(fd),
	      "1 GiB message: EMSGSIZE, closed");
	close(fd);
	ok("bad headers: too short closes, too long gets EMSGSIZE and closes");

	/* An fd flood: more fds than a message may carry. */
	fd = connect_versioned(U1);
	int fds[40];
	for (int i = 0; i < 40; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	CHECK(vfu_client_send(fd, 9, VFU_CMD_DEVICE_RESET, 0, NULL, 0, fds,
			      40) == 0 &&
		  closed_by_server(fd),
	      "40 fds close the connection");
	for (int i = 0; i < 40; i++)
		close(fds[i]);
	close(fd);
	/* fds the message does not take are closed, not kept. */
	fd = connect_versioned(U1);
	int efd = eventfd(0, EFD_CLOEXEC);
	for (int i = 0; i < 200; i++)
		CHECK(call(fd, VFU_CMD_DEVICE_RESET, NULL, 0, rep, sizeof(rep),
			   &efd, 1) == 0,
		      "reset with a stray fd");
	close(efd);
	close(fd);
	ok("fd floods: too many close the connection, stray ones are closed");

	/* A client that sends and never reads is dropped, not waited for. */
	fd = connect_versioned(U1);
	struct vfu_region_access a = {0, 7, 256};
	uint8_t msg[16 + 16];
	h = (struct vfu_hdr){1, VFU_CMD_REGION_READ, sizeof(msg), 0, 0};
	memcpy(msg, &h, 16);
	memcpy(msg + 16, &a, 16);
	bool dropped = false;
	for (int i = 0; i < 200000 && !dropped; i++) {
		if (send(fd, msg, sizeof(msg), MSG_DONTWAIT | MSG_NOSIGNAL) <
		    0) {
			if (errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			dropped = true;
		}
	}
	CHECK(dropped, "a client that never reads was not dropped");
	close(fd);
	fd = connect_versioned(U1);
	close(fd);
	ok("a client that never reads is dropped; the device takes the next");

	/* A client gone and the next one at once (QEMU killed, restarted):
	 * the newcomer is not refused for the old one's queued EOF. */
	for (int i = 0; i < 50; i++) {
		fd = connect_versioned(U1);
		close(fd);
	}
	ok("a client that just left never makes the next one wait or fail");
}

/* A GPU type's device: the parent's PCI identity, inert BAR0. */
static void test_identity(const char *parent, const char *type_id,
			  const char *uuid, uint16_t vendor, uint16_t device,
			  uint32_t class_code)
{
	uint8_t cfg[256];
	struct vfu_region_info ri = {sizeof(ri), 0, 0, 0, 0, 0};

	create_in(parent, type_id, uuid);
	int fd = connect_versioned(uuid);
	CHECK(region_rw(fd, 7, 0, cfg, 256, false) == 0, "config read");
	CHECK((cfg[0] | cfg[1] << 8) == vendor &&
		  (cfg[2] | cfg[3] << 8) == device,
	      "%s: ids %02x%02x:%02x%02x", type_id, cfg[1], cfg[0], cfg[3],
	      cfg[2]);
	CHECK((uint32_t)(cfg[9] | cfg[10] << 8 | cfg[11] << 16) == class_code,
	      "%s: class", type_id);
	CHECK(call(fd, VFU_CMD_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), &ri,
		   sizeof(ri), NULL, 0) == sizeof(ri) &&
		  ri.size == 16u << 20,
	      "BAR0 16 MiB");
	uint32_t v = 0x12345678;
	CHECK(region_rw(fd, 0, 0x100, &v, 4, true) == 0 &&
		  region_rw(fd, 0, 0x100, &v, 4, false) == 0 && v == 0,
	      "inert BAR0");
	close(fd);
	remove_dev(uuid);
}

/* The sockets are made and unlinked on the creating thread: a uuid
 * removed and created again at once keeps its new sockets (nothing of the
 * old device's is left to unlink them later). */
struct churn {
	const char *uuid;
	bool connect; /* call() is not thread-safe: one thread only */
};

static void *churn(void *arg)
{
	const struct churn *c = arg;
	const char *uuid = c->uuid;
	struct stat st;

	for (int i = 0; i < 40; i++) {
		create("mtty-1", uuid);
		CHECK(stat(path_of(uuid, "sock"), &st) == 0 &&
			  stat(path_of(uuid, "tty0"), &st) == 0,
		      "%s: sockets after create %d", uuid, i);
		if (c->connect && i % 8 == 0)
			close(connect_versioned(uuid));
		remove_dev(uuid);
		CHECK(stat(path_of(uuid, "sock"), &st) < 0 && errno == ENOENT &&
			  stat(path_of(uuid, "tty0"), &st) < 0,
		      "%s: sockets after remove %d", uuid, i);
	}
	return NULL;
}

static void test_churn(void)
{
	struct churn c[3] = {{"44444444-0000-4000-8000-000000000001", true},
			     {"44444444-0000-4000-8000-000000000002", false},
			     {"44444444-0000-4000-8000-000000000003", false}};
	pthread_t t[2];

	churn(&c[0]);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&t[i], NULL, churn, &c[1 + i]) == 0,
		      "thread");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ok("create/remove/create of one uuid, on two threads at once: the "
	   "sockets are there after each create and gone after each remove");
}

/* A PCI identity's config space exists only while it is used: what a
 * client wrote is there until it leaves, and the next finds power-on. */
static void test_identity_reset(void)
{
	const char *uuid = "33333333-0000-4000-8000-000000000004";
	uint32_t bar, probe = 0xffffffff, again;

	create_in("0000:65:00.0", "nvidia-222", uuid);
	int fd = connect_versioned(uuid);
	CHECK(region_rw(fd, 7, 0x10, &bar, 4, false) == 0 &&
		  region_rw(fd, 7, 0x10, &probe, 4, true) == 0 &&
		  region_rw(fd, 7, 0x10, &probe, 4, false) == 0,
	      "BAR0 sizing");
	CHECK(probe == (uint32_t) ~((16u << 20) - 1), "BAR0 size mask %#x",
	      probe);
	close(fd);
	fd = connect_versioned(uuid);
	CHECK(region_rw(fd, 7, 0x10, &again, 4, false) == 0 && again == bar,
	      "BAR0 after the client left: %#x, power-on %#x", again, bar);
	close(fd);
	remove_dev(uuid);
	ok("PCI identity: config writes last until the client leaves");
}

/* mbochs: the framebuffer region comes with its fd, the registers answer
 * as bochs-display's, the screen socket gives nothing before a mode. */
static void test_mbochs(void)
{
	const char *u = "44444444-0000-4000-8000-000000000001";
	struct vfu_region_info ri = {sizeof(ri), 0, 0, 0, 0, 0};
	struct vfu_hdr h;
	int rfd;

	create_in("mbochs", "mbochs-small", u);
	int fd = connect_versioned(u);
	CHECK(vfu_client_send(fd, 50, VFU_CMD_DEVICE_GET_REGION_INFO, 0, &ri,
			      sizeof(ri), NULL, 0) == 0 &&
		  vfu_client_recv_fd(fd, &h, &ri, sizeof(ri), 2000, &rfd) ==
		      sizeof(ri),
	      "region 0 info");
	CHECK(ri.size == 4u << 20 && (ri.flags & VFU_REGION_MMAP) && rfd >= 0,
	      "framebuffer: 4 MiB, MMAP, fd %d", rfd);
	uint8_t *fb = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   rfd, (off_t)ri.offset);
	CHECK(fb != MAP_FAILED, "mmap the region's fd");
	fb[12345] = 0x5a;
	uint8_t v = 0;
	CHECK(region_rw(fd, 0, 12345, &v, 1, false) == 0 && v == 0x5a,
	      "a byte written through the mapping reads back by message");
	munmap(fb, ri.size);
	close(rfd);
	uint16_t id = 0, mem = 0;
	CHECK(region_rw(fd, 2, 0x500, &id, 2, false) == 0 && id == 0xb0c5,
	      "DISPI ID %04x", id);
	CHECK(region_rw(fd, 2, 0x500 + 2 * 10, &mem, 2, false) == 0 &&
		  mem == 64,
	      "video memory %u x 64K", mem);
	uint8_t cfg[4];
	CHECK(region_rw(fd, 7, 0, cfg, 4, false) == 0 && cfg[0] == 0x34 &&
		  cfg[1] == 0x12 && cfg[2] == 0x11 && cfg[3] == 0x11,
	      "1234:1111");
	int s = vfu_client_connect(path_of(u, "screen"));
	char c;
	CHECK(s >= 0 && readable(s, 2000) && recv(s, &c, 1, 0) == 0,
	      "no mode: the screen socket closes with nothing");
	close(s);
	close(fd);
	remove_dev(u);
	ok("mbochs: framebuffer region with its fd (mapped = messages), DISPI "
	   "ID b0c5, 1234:1111, no screenshot before a mode");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vfu-test.%d", (int)getpid());
	core = mdev_core_new();
	CHECK(core, "core");
	register_driver(&mtty_driver);
	register_driver(&nvidia_driver);
	register_driver(&i915_driver);
	register_driver(&vfio_ap_driver);
	register_driver(&mbochs_driver);
	struct vfu_server *srv;
	CHECK(vfu_server_attach(core, dir, &srv) == 0, "attach");

	create("mtty-2", U1);
	struct stat st;
	CHECK(stat(path_of(U1, "sock"), &st) == 0 && S_ISSOCK(st.st_mode),
	      "socket after create");
	CHECK(stat(path_of(U1, "tty1"), &st) == 0, "tty1 host end");
	ok("create: socket and host ends exist when it returns");

	int fd = connect_versioned(U1);
	ok("VERSION: 0.0, JSON ends in NUL");
	test_shape(fd);
	test_intx_and_host_end(fd);
	test_msi(fd);
	test_req(fd);
	test_dma(fd);
	close(fd);
	test_hostile();
	test_churn();

	/* Many devices at once, each its own socket. */
	char uuids[8][40];
	int fds[8];
	for (int i = 0; i < 8; i++) {
		snprintf(uuids[i], sizeof(uuids[i]),
			 "22222222-0000-4000-8000-%012d", i);
		create("mtty-1", uuids[i]);
	}
	for (int i = 0; i < 8; i++)
		fds[i] = connect_versioned(uuids[i]);
	for (int i = 0; i < 8; i++) {
		uint16_t vid;
		CHECK(region_rw(fds[i], 7, 0, &vid, 2, false) == 0 &&
			  vid == 0x4348,
		      "device %d", i);
	}
	ok("8 devices served at once");

	test_identity("0000:65:00.0", "nvidia-222",
		      "33333333-0000-4000-8000-000000000001", 0x10de, 0x1eb8,
		      0x030200);
	test_identity("0000:00:02.0", "i915-GVTg_V5_8",
		      "33333333-0000-4000-8000-000000000002", 0x8086, 0x3e92,
		      0x030000);
	ok("GPU types: the parent's PCI identity (NVIDIA 10de:1eb8, GVT-g "
	   "Intel VGA 8086:3e92), inert BAR0");
	create_in("matrix", "vfio_ap-passthrough",
		  "33333333-0000-4000-8000-000000000003");
	CHECK(stat(path_of("33333333-0000-4000-8000-000000000003", "sock"),
		   &st) < 0,
	      "vfio_ap: not a PCI device, no socket");
	ok("vfio_ap devices are not served (not PCI)");
	test_identity_reset();
	test_mbochs();
	test_hold(srv);

	/* Removal while attached: the client sees the socket close. */
	create("mtty-1", U2);
	fd = connect_versioned(U2);
	remove_dev(U2);
	CHECK(closed_by_server(fd), "client closed at remove");
	CHECK(stat(path_of(U2, "sock"), &st) < 0 && errno == ENOENT,
	      "socket gone at remove");
	CHECK(stat(path_of(U2, "tty0"), &st) < 0, "host end gone at remove");
	close(fd);
	ok("remove while attached: the client is closed, the sockets are gone");

	for (int i = 0; i < 8; i++)
		close(fds[i]);
	vfu_server_detach(srv);
	CHECK(stat(path_of(U1, "sock"), &st) < 0, "sockets gone at detach");
	mdev_core_free(core);
	remove_tree(dir);
	ok("detach removes every socket");
	return 0;
}
