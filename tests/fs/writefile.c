// SPDX-License-Identifier: MIT
/*
 * writefile FILE [--trunc]: writes stdin to FILE in ONE write() call (as a
 * sysfs store sees it) and prints "OK <bytes>" or the errno's name
 * ("EINVAL"), prefixed "open:" when open() failed. Exit status 0 either
 * way, so shell tests compare the output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_INPUT_BYTES (4u << 20)

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fputs("usage: writefile FILE [--trunc] < DATA\n", stderr);
		return 2;
	}
	char *buf = malloc(MAX_INPUT_BYTES);
	size_t len = 0;
	ssize_t n;
	if (!buf)
		return 2;
	while (len < MAX_INPUT_BYTES &&
	       (n = read(STDIN_FILENO, buf + len, MAX_INPUT_BYTES - len)) > 0)
		len += (size_t)n;
	int flags = O_WRONLY;
	if (argc == 3 && strcmp(argv[2], "--trunc") == 0)
		flags |= O_TRUNC;
	int fd = open(argv[1], flags);
	if (fd < 0) {
		printf("open:%s\n", strerrorname_np(errno));
		free(buf);
		return 0;
	}
	n = write(fd, buf, len);
	if (n < 0)
		printf("%s\n", strerrorname_np(errno));
	else
		printf("OK %zd\n", n);
	close(fd);
	free(buf);
	return 0;
}
