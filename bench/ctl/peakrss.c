/* SPDX-License-Identifier: MIT */
/*
 * peakrss [--root DIR] CMD [ARGS...]: runs CMD with stdout to /dev/null and
 * prints "<elapsed ns> <peak RSS KiB> <exit status>" (wait4's rusage), so
 * the benchmark needs no /usr/bin/time. --root chroots the child into DIR
 * first (another distribution's mdevctl, at the cost of one system call
 * instead of a chroot(1) process).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	const char *root = NULL;
	int st = 0;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "--root") == 0) {
		root = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: peakrss [--root DIR] CMD [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 1);
		if (root && (chroot(root) < 0 || chdir("/") < 0))
			_exit(126);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) {
		perror("peakrss");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%lld %ld %d\n",
	       (long long)(b.tv_sec - a.tv_sec) * 1000000000LL +
		   (b.tv_nsec - a.tv_nsec),
	       ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	return 0;
}
