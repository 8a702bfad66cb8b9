// SPDX-License-Identifier: MIT
/*
 * mdevd --control ROOT [COMMAND...]: a client of the fault layer's
 * control socket (faults.c), so a shell script needs neither socat nor
 * nc. The words after ROOT are one command; without them every line of
 * stdin is one. Replies go to stdout; "error: ..." lines also set the
 * exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "faults.h"
#include "options.h"

static int connect_control(const char *root)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char *path = path_join(root, "run/mdevd/control");

	if (!path || strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "mdevd: %s/run/mdevd/control: %s\n", root,
			strerror(path ? ENAMETOOLONG : ENOMEM));
		free(path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "mdevd: %s: %s (is mdevd serving %s?)\n", path,
			strerror(errno), root);
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_commands(int fd, const struct mdevd_options *o)
{
	char buf[4096];
	size_t n;

	if (o->n_command) {
		for (int i = 0; i < o->n_command; i++)
			if (send_all(fd, i ? " " : "", i ? 1 : 0) < 0 ||
			    send_all(fd, o->command[i], strlen(o->command[i])) <
				0)
				return -1;
		return send_all(fd, "\n", 1);
	}
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (send_all(fd, buf, n) < 0)
			return -1;
	return 0;
}

int control_client(const struct mdevd_options *o)
{
	char buf[4096];
	ssize_t n;
	int status = 0, at_line_start = 1;
	int fd = connect_control(o->root);

	if (fd < 0)
		return 1;
	if (send_commands(fd, o) < 0) {
		perror("mdevd: control");
		close(fd);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("mdevd: control");
			status = 1;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (at_line_start && n - i >= 6 &&
			    !memcmp(buf + i, "error:", 6))
				status = 1;
			at_line_start = buf[i] == '\n';
		}
		fwrite(buf, 1, (size_t)n, stdout);
	}
	close(fd);
	return status;
}
