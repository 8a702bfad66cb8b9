// SPDX-License-Identifier: MIT
/*
 * udev-format uevents on NETLINK_KOBJECT_UEVENT multicast group 2.
 *
 * A libudev listener (libvirt's node-device driver, `udevadm monitor
 * --udev`) accepts a message on group 2 when it starts with a 40-byte
 * header: "libudev\0", magic 0xfeedcafe, header size, offset and length of
 * the properties (host byte order), and the hashes/bloom that in-kernel
 * socket filters match (network byte order). The properties follow as
 * NUL-terminated KEY=VALUE strings; ACTION, DEVPATH, SUBSYSTEM and a
 * non-zero SEQNUM are mandatory for libudev to build a device from them.
 */
#include "uevent.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"

#define UDEV_GROUP 2u
#define UDEV_MAGIC 0xfeedcafeu
/* libudev receives into an 8 KiB buffer: anything longer is truncated. */
#define UEVENT_MSG_MAX 8192u

struct udev_netlink_header {
	char prefix[8];
	uint32_t magic;
	uint32_t header_size;
	uint32_t properties_off;
	uint32_t properties_len;
	uint32_t filter_subsystem_hash;
	uint32_t filter_devtype_hash;
	uint32_t filter_tag_bloom_hi;
	uint32_t filter_tag_bloom_lo;
};

_Static_assert(sizeof(struct udev_netlink_header) == 40,
	       "libudev's header is 40 bytes");

struct mdev_uevent {
	int fd;
	/* Serializes SEQNUM assignment with the send, so listeners see
	 * sequence numbers in increasing order. */
	pthread_mutex_t lock;
	unsigned long long seqnum;
};

/* MurmurHash2 (Austin Appleby), 32-bit, as libudev's filters use it. */
static uint32_t murmur_hash2(const void *key, size_t len, uint32_t seed)
{
	const uint32_t m = 0x5bd1e995;
	const int r = 24;
	const unsigned char *data = key;
	uint32_t h = seed ^ (uint32_t)len;

	while (len >= 4) {
		uint32_t k;

		memcpy(&k, data, 4);
		k *= m;
		k ^= k >> r;
		k *= m;
		h *= m;
		h ^= k;
		data += 4;
		len -= 4;
	}
	switch (len) {
	case 3:
		h ^= (uint32_t)data[2] << 16;
		/* fall through */
	case 2:
		h ^= (uint32_t)data[1] << 8;
		/* fall through */
	case 1:
		h ^= data[0];
		h *= m;
	}
	h ^= h >> 13;
	h *= m;
	h ^= h >> 15;
	return h;
}

/* Exposed for the test, which checks the hash against known values. */
uint32_t mdev_uevent_subsystem_hash(const char *subsystem);
uint32_t mdev_uevent_subsystem_hash(const char *subsystem)
{
	return murmur_hash2(subsystem, strlen(subsystem), 0);
}

/* PID 2 is kthreadd, a kernel thread in the initial network namespace,
 * when it has no parent (in a PID namespace of our own it is an ordinary
 * process). */
static int is_kthreadd(void)
{
	char line[64];
	int found = 0;
	FILE *f = fopen("/proc/2/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "PPid:", 5)) {
			found = strtol(line + 5, NULL, 10) == 0;
			break;
		}
	fclose(f);
	return found;
}

/* 0 when our network namespace differs from the host's, -EPERM (with a
 * message) when it is the host's or we cannot tell. The host's is PID 1's
 * (unreadable in some VMs whose init is not dumpable) and, when PID 2 is
 * kthreadd, kthreadd's. */
static int check_private_netns(char *err, size_t errlen)
{
	static const char *const refs[] = {"/proc/1/ns/net", "/proc/2/ns/net"};
	struct stat self, ref;
	int compared = 0;

	if (stat("/proc/self/ns/net", &self) < 0) {
		snprintf(err, errlen, "uevents: /proc/self/ns/net: %s",
			 strerror(errno));
		return -EPERM;
	}
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++) {
		if (i == 1 && !is_kthreadd())
			continue;
		if (stat(refs[i], &ref) < 0)
			continue;
		compared = 1;
		if (self.st_dev == ref.st_dev && self.st_ino == ref.st_ino) {
			snprintf(err, errlen,
				 "uevents are only sent inside a private "
				 "network namespace (this is the host's)");
			return -EPERM;
		}
	}
	if (!compared) {
		snprintf(err, errlen,
			 "uevents: cannot read the host's network namespace "
			 "(/proc/1/ns/net) to check that ours is private");
		return -EPERM;
	}
	return 0;
}

int mdev_uevent_open(struct mdev_uevent **out, char *err, size_t errlen)
{
	struct sockaddr_nl local = {.nl_family = AF_NETLINK};
	struct mdev_uevent *ue;
	int ret;

	*out = NULL;
	ret = check_private_netns(err, errlen);
	if (ret < 0)
		return ret;

	ue = calloc(1, sizeof(*ue));
	if (!ue) {
		snprintf(err, errlen, "uevents: out of memory");
		return -ENOMEM;
	}
	ue->fd =
	    socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (ue->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "uevents: netlink socket: %s",
			 strerror(-ret));
		free(ue);
		return ret;
	}
	/* Port id chosen by the kernel; no groups: we only send. */
	if (bind(ue->fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		ret = -errno;
		snprintf(err, errlen, "uevents: bind netlink socket: %s",
			 strerror(-ret));
		close(ue->fd);
		free(ue);
		return ret;
	}
	pthread_mutex_init(&ue->lock, NULL);
	*out = ue;
	return 0;
}

static unsigned long long monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ull +
	       (unsigned long long)ts.tv_nsec / 1000ull;
}

/* A property is "KEY=VALUE" with a non-empty key. */
static int valid_property(const char *prop)
{
	const char *eq = strchr(prop, '=');

	return eq && eq != prop;
}

static int has_key(const char *const *props, const char *key)
{
	size_t klen = strlen(key);

	for (; props && *props; props++)
		if (!strncmp(*props, key, klen) && (*props)[klen] == '=')
			return 1;
	return 0;
}

/* Appends "KEY=VALUE\0" (value NULL: key already holds "KEY=VALUE");
 * the caller sized buf. */
static size_t put(char *buf, size_t off, const char *key, const char *value)
{
	size_t klen = strlen(key);

	memcpy(buf + off, key, klen);
	off += klen;
	if (value) {
		size_t vlen = strlen(value);

		memcpy(buf + off, value, vlen);
		off += vlen;
	}
	buf[off] = '\0';
	return off + 1;
}

/* Room for SEQNUM=<n> and USEC_INITIALIZED=<n>, each with its NUL. */
#define NUMBERS_SIZE 64

/* Bytes the properties need (an upper bound), or a negative errno for
 * arguments libudev would reject or a message it would truncate. */
static ssize_t properties_size(const char *action, const char *devpath,
			       const char *subsystem, const char *const *props)
{
	size_t need;

	if (!action || !*action || !devpath || devpath[0] != '/' ||
	    !subsystem || !*subsystem)
		return -EINVAL;
	need = strlen("ACTION=") + strlen(action) + 1 + strlen("DEVPATH=") +
	       strlen(devpath) + 1 + strlen("SUBSYSTEM=") + strlen(subsystem) +
	       1 + 2 * NUMBERS_SIZE;
	for (const char *const *p = props; p && *p; p++) {
		if (!valid_property(*p))
			return -EINVAL;
		need += strlen(*p) + 1;
		if (need > UEVENT_MSG_MAX)
			return -EMSGSIZE;
	}
	if (need + sizeof(struct udev_netlink_header) > UEVENT_MSG_MAX)
		return -EMSGSIZE;
	return (ssize_t)need;
}

/* Writes the NUL-separated properties into buf; returns their length. */
static size_t fill_properties(char *buf, unsigned long long seqnum,
			      const char *action, const char *devpath,
			      const char *subsystem, const char *const *props)
{
	char number[NUMBERS_SIZE];
	size_t off = 0;

	off = put(buf, off, "ACTION=", action);
	off = put(buf, off, "DEVPATH=", devpath);
	off = put(buf, off, "SUBSYSTEM=", subsystem);
	snprintf(number, sizeof(number), "SEQNUM=%llu", seqnum);
	off = put(buf, off, number, NULL);
	if (!has_key(props, "USEC_INITIALIZED")) {
		snprintf(number, sizeof(number), "USEC_INITIALIZED=%llu",
			 monotonic_usec());
		off = put(buf, off, number, NULL);
	}
	for (const char *const *p = props; p && *p; p++)
		off = put(buf, off, *p, NULL);
	return off;
}

/* Sends header + properties to udev's multicast group. */
static int send_message(int fd, const char *subsystem, const char *props,
			size_t len)
{
	struct udev_netlink_header hdr = {
	    .magic = htonl(UDEV_MAGIC),
	    .header_size = sizeof(hdr),
	    .properties_off = sizeof(hdr),
	    .properties_len = (uint32_t)len,
	    .filter_subsystem_hash =
		htonl(mdev_uevent_subsystem_hash(subsystem)),
	};
	struct sockaddr_nl dest = {.nl_family = AF_NETLINK,
				   .nl_groups = 1u << (UDEV_GROUP - 1)};
	struct iovec iov[2] = {
	    {.iov_base = &hdr, .iov_len = sizeof(hdr)},
	    {.iov_base = (void *)props, .iov_len = len},
	};
	struct msghdr msg = {.msg_name = &dest,
			     .msg_namelen = sizeof(dest),
			     .msg_iov = iov,
			     .msg_iovlen = 2};

	memcpy(hdr.prefix, "libudev", 8);
	/* ECONNREFUSED: nobody listens on the group, which is not a fault. */
	if (sendmsg(fd, &msg, 0) < 0 && errno != ECONNREFUSED)
		return -errno;
	return 0;
}

int mdev_uevent_send(struct mdev_uevent *ue, const char *action,
		     const char *devpath, const char *subsystem,
		     const char *const *props)
{
	ssize_t need = properties_size(action, devpath, subsystem, props);
	size_t len;
	char *buf;
	int ret;

	if (!ue)
		return -EINVAL;
	if (need < 0)
		return (int)need;
	buf = malloc((size_t)need);
	if (!buf)
		return -ENOMEM;
	pthread_mutex_lock(&ue->lock);
	len = fill_properties(buf, ++ue->seqnum, action, devpath, subsystem,
			      props);
	ret = send_message(ue->fd, subsystem, buf, len);
	pthread_mutex_unlock(&ue->lock);
	free(buf);
	return ret;
}

void mdev_uevent_close(struct mdev_uevent *ue)
{
	if (!ue)
		return;
	close(ue->fd);
	pthread_mutex_destroy(&ue->lock);
	free(ue);
}
