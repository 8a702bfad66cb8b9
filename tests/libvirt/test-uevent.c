// SPDX-License-Identifier: MIT
/*
 * The uevent sender, checked from the receiving side: a raw listener on
 * NETLINK_KOBJECT_UEVENT group 2 (what libudev binds) in a private network
 * namespace parses what mdev_uevent_send() put on the wire.
 *
 * Needs root (unshare(CLONE_NEWNET)); exits 77 (skip) without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uevent.h"

uint32_t mdev_uevent_subsystem_hash(const char *subsystem);

struct received {
	unsigned char buf[16384];
	size_t len;
	int have_creds;
	uid_t sender_uid;
};

static int listener_open(void)
{
	struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = 2};
	struct timeval tv = {.tv_sec = 5};
	int one = 1;
	int fd =
	    socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	assert_true(fd >= 0);
	assert_int_equal(
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	assert_int_equal(
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

static void receive(int fd, struct received *r)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = {.iov_base = r->buf, .iov_len = sizeof(r->buf)};
	struct sockaddr_nl from;
	struct msghdr msg = {.msg_name = &from,
			     .msg_namelen = sizeof(from),
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = &control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(fd, &msg, 0);

	assert_true(n > 0);
	r->len = (size_t)n;
	/* Multicast on the udev group, as libudev requires. */
	assert_int_equal(from.nl_groups, 2);
	r->have_creds = 0;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET &&
		    cmsg->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(cmsg), sizeof(cred));
			r->have_creds = 1;
			r->sender_uid = cred.uid;
		}
	}
}

static uint32_t field(const struct received *r, size_t off)
{
	uint32_t v;

	memcpy(&v, r->buf + off, 4);
	return v;
}

/* The properties as one string "K=V|K=V|..." for easy comparison. */
static void properties(const struct received *r, char *out, size_t outlen)
{
	uint32_t off = field(r, 16), len = field(r, 20);
	size_t o = 0;

	assert_true(off + len == r->len);
	assert_int_equal(r->buf[r->len - 1], '\0');
	for (size_t i = off; i < r->len; i++) {
		char c = r->buf[i] ? (char)r->buf[i] : '|';

		assert_true(o + 1 < outlen);
		out[o++] = c;
	}
	out[o] = '\0';
}

/* Replaces the value of KEY in "K=V|..." by '*', returning the value. */
static unsigned long long mask_number(char *props, const char *key)
{
	char *p = strstr(props, key);
	unsigned long long v;
	char *end;

	assert_non_null(p);
	p += strlen(key);
	v = strtoull(p, &end, 10);
	assert_true(end > p);
	*p = '*';
	memmove(p + 1, end, strlen(end) + 1);
	return v;
}

static void test_add_event_on_the_wire(void **state)
{
	const char *props[] = {"MDEV_TYPE=i915-GVTg_V5_4", "DRIVER=vfio_mdev",
			       NULL};
	struct mdev_uevent *ue;
	struct received r;
	char err[256] = "", text[1024];
	int fd = listener_open();

	(void)state;
	assert_int_equal(mdev_uevent_open(&ue, err, sizeof(err)), 0);
	assert_int_equal(
	    mdev_uevent_send(ue, "add",
			     "/devices/pci0000:00/0000:00:02.0/"
			     "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001",
			     "mdev", props),
	    0);
	receive(fd, &r);

	assert_true(r.len > 40);
	assert_memory_equal(r.buf, "libudev\0", 8);
	assert_int_equal(ntohl(field(&r, 8)), 0xfeedcafe);
	assert_int_equal(field(&r, 12), 40);
	assert_int_equal(field(&r, 16), 40);
	assert_int_equal(field(&r, 20), r.len - 40);
	assert_int_equal(ntohl(field(&r, 24)),
			 mdev_uevent_subsystem_hash("mdev"));
	assert_int_equal(field(&r, 28), 0);
	assert_int_equal(field(&r, 32), 0);
	assert_int_equal(field(&r, 36), 0);
	/* libudev drops messages without root's credentials. */
	assert_true(r.have_creds);
	assert_int_equal(r.sender_uid, 0);

	properties(&r, text, sizeof(text));
	assert_int_equal(mask_number(text, "SEQNUM="), 1);
	assert_true(mask_number(text, "USEC_INITIALIZED=") > 0);
	assert_string_equal(text, "ACTION=add|"
				  "DEVPATH=/devices/pci0000:00/0000:00:02.0/"
				  "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001|"
				  "SUBSYSTEM=mdev|SEQNUM=*|USEC_INITIALIZED=*|"
				  "MDEV_TYPE=i915-GVTg_V5_4|DRIVER=vfio_mdev|");
	mdev_uevent_close(ue);
	close(fd);
}

static void test_seqnum_increases_and_usec_kept(void **state)
{
	const char *change[] = {"MDEV_STATE=registered", NULL};
	const char *own_usec[] = {"USEC_INITIALIZED=42", NULL};
	struct mdev_uevent *ue;
	struct received r;
	char err[256], text[1024];
	int fd = listener_open();

	(void)state;
	assert_int_equal(mdev_uevent_open(&ue, err, sizeof(err)), 0);
	for (unsigned long long i = 1; i <= 3; i++) {
		assert_int_equal(mdev_uevent_send(ue, "change",
						  "/devices/virtual/mtty/mtty",
						  "mtty", change),
				 0);
		receive(fd, &r);
		properties(&r, text, sizeof(text));
		assert_int_equal(mask_number(text, "SEQNUM="), i);
		assert_int_equal(ntohl(field(&r, 24)),
				 mdev_uevent_subsystem_hash("mtty"));
	}
	/* A caller's own USEC_INITIALIZED replaces ours. */
	assert_int_equal(
	    mdev_uevent_send(ue, "remove", "/devices/x", "pci", own_usec), 0);
	receive(fd, &r);
	properties(&r, text, sizeof(text));
	assert_int_equal(mask_number(text, "SEQNUM="), 4);
	assert_string_equal(text, "ACTION=remove|DEVPATH=/devices/x|"
				  "SUBSYSTEM=pci|SEQNUM=*|"
				  "USEC_INITIALIZED=42|");
	mdev_uevent_close(ue);
	close(fd);
}

#define SENDERS 4
#define SENDS_EACH 50

static void *send_many(void *arg)
{
	struct mdev_uevent *ue = arg;

	for (int i = 0; i < SENDS_EACH; i++)
		if (mdev_uevent_send(ue, "add", "/devices/virtual/mtty/mtty",
				     "mtty", NULL) < 0)
			return (void *)1;
	return NULL;
}

/* mdevd sends from several FUSE threads: every event arrives, SEQNUMs are
 * 1..N with none lost or repeated, in the order they arrive. */
static void test_concurrent_senders(void **state)
{
	pthread_t threads[SENDERS];
	struct mdev_uevent *ue;
	struct received r;
	char err[256], text[1024];
	int fd = listener_open();
	int rcvbuf = 1 << 20;

	(void)state;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	assert_int_equal(mdev_uevent_open(&ue, err, sizeof(err)), 0);
	for (int i = 0; i < SENDERS; i++)
		assert_int_equal(
		    pthread_create(&threads[i], NULL, send_many, ue), 0);
	for (int i = 0; i < SENDERS; i++) {
		void *ret;

		assert_int_equal(pthread_join(threads[i], &ret), 0);
		assert_null(ret);
	}
	for (unsigned long long i = 1; i <= SENDERS * SENDS_EACH; i++) {
		receive(fd, &r);
		properties(&r, text, sizeof(text));
		assert_int_equal(mask_number(text, "SEQNUM="), i);
	}
	mdev_uevent_close(ue);
	close(fd);
}

static void test_bad_arguments(void **state)
{
	const char *no_eq[] = {"NOEQUALS", NULL};
	const char *no_key[] = {"=value", NULL};
	const char *huge[] = {NULL, NULL};
	struct mdev_uevent *ue;
	char err[256];
	char *big = malloc(9000);

	(void)state;
	assert_non_null(big);
	memset(big, 'A', 8999);
	big[0] = 'K';
	big[1] = '=';
	big[8999] = '\0';
	huge[0] = big;
	/* cmocka's failure longjmp would leak it; test_free is not ours. */
	assert_int_equal(mdev_uevent_open(&ue, err, sizeof(err)), 0);
	assert_int_equal(mdev_uevent_send(ue, "add", "devices/x", "mdev", NULL),
			 -EINVAL);
	assert_int_equal(mdev_uevent_send(ue, "", "/devices/x", "mdev", NULL),
			 -EINVAL);
	assert_int_equal(mdev_uevent_send(ue, "add", "/devices/x", "", NULL),
			 -EINVAL);
	assert_int_equal(
	    mdev_uevent_send(ue, "add", "/devices/x", "mdev", no_eq), -EINVAL);
	assert_int_equal(
	    mdev_uevent_send(ue, "add", "/devices/x", "mdev", no_key), -EINVAL);
	assert_int_equal(
	    mdev_uevent_send(ue, "add", "/devices/x", "mdev", huge), -EMSGSIZE);
	/* Nobody listening is not an error. */
	assert_int_equal(
	    mdev_uevent_send(ue, "add", "/devices/x", "mdev", NULL), 0);
	mdev_uevent_close(ue);
	mdev_uevent_close(NULL);
	free(big);
}

/* 1 when we share the network namespace of PID 1 or, where PID 1's is
 * unreadable, of kthreadd (PID 2): the host's. */
static int in_host_netns(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) < 0)
		return -1;
	if (stat("/proc/1/ns/net", &init) < 0 &&
	    stat("/proc/2/ns/net", &init) < 0)
		return -1;
	return self.st_ino == init.st_ino && self.st_dev == init.st_dev;
}

/* Runs before unshare(): in the host's namespace open must refuse. */
static int check_host_refusal(void)
{
	struct mdev_uevent *ue = NULL;
	char err[256] = "";
	int ret;

	if (in_host_netns() != 1) {
		printf("# not in PID 1's network namespace: refusal not "
		       "checked here\n");
		return 0;
	}
	ret = mdev_uevent_open(&ue, err, sizeof(err));
	if (ret != -EPERM || ue ||
	    strcmp(err, "uevents are only sent inside a private network "
			"namespace (this is the host's)")) {
		fprintf(stderr, "host namespace: open gave %d, err '%s'\n", ret,
			err);
		return 1;
	}
	printf("ok - refused in the host network namespace\n");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_event_on_the_wire),
	    cmocka_unit_test(test_seqnum_increases_and_usec_kept),
	    cmocka_unit_test(test_concurrent_senders),
	    cmocka_unit_test(test_bad_arguments),
	};

	if (check_host_refusal())
		return 1;
	if (unshare(CLONE_NEWNET) < 0) {
		printf("# unshare(CLONE_NEWNET): %s: skipped\n",
		       strerror(errno));
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
