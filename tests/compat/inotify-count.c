/* SPDX-License-Identifier: MIT */
/*
 * Counts the file events a command causes in some directories, as a
 * directory watcher sees them: inotify-count [-a] DIR... -- CMD [ARG...]
 * prints the number of events and the milliseconds between the first and
 * the last (how far apart a watcher sees them: libvirt re-reads the store
 * once per burst), then one "DIR NAME MASK" line each (a directory that
 * appears: "DIR NAME MASK entries=N", what it holds at that moment). By
 * default the mask is GLib's inotify backend's (what libvirt's
 * GFileMonitor on /etc/mdevctl.d reacts to); -a counts every event.
 * Exits with CMD's status (its output goes to /dev/null).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GLIB_MASK                                                              \
	(IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE |     \
	 IN_CREATE | IN_DELETE_SELF | IN_UNMOUNT | IN_MOVE_SELF |              \
	 IN_CLOSE_WRITE)

struct watch {
	int wd;
	const char *dir;
};

static const char *dir_of(const struct watch *w, int n, int wd)
{
	int i;

	for (i = 0; i < n; i++)
		if (w[i].wd == wd)
			return w[i].dir;
	return "?";
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* How many entries DIR/NAME holds now: what a watcher that adds a watch
 * for a new directory has missed (it sees no event for them). */
static int entries(const char *dir, const char *name)
{
	char path[4096];
	struct dirent *de;
	int count = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		count += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return count;
}

static double first_ms = -1, last_ms;

/* Reads what is queued, waiting up to ms for more; returns the count and
 * stamps each read with the time it arrived. */
static int drain(int fd, const struct watch *w, int n, int ms, FILE *log)
{
	char buf[65536]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd p = {fd, POLLIN, 0};
	int count = 0;

	while (poll(&p, 1, ms) > 0) {
		ssize_t len = read(fd, buf, sizeof(buf)), off = 0;

		if (len <= 0)
			break;
		last_ms = now_ms();
		if (first_ms < 0)
			first_ms = last_ms;
		while (off < len) {
			const struct inotify_event *ev =
			    (const struct inotify_event *)(buf + off);

			fprintf(log, "%s %s 0x%x", dir_of(w, n, ev->wd),
				ev->len ? ev->name : ".", ev->mask);
			if ((ev->mask & IN_ISDIR) && ev->len &&
			    (ev->mask & (IN_CREATE | IN_MOVED_TO)))
				fprintf(
				    log, " entries=%d",
				    entries(dir_of(w, n, ev->wd), ev->name));
			fputc('\n', log);
			count++;
			off += (ssize_t)sizeof(*ev) + ev->len;
		}
	}
	return count;
}

int main(int argc, char **argv)
{
	unsigned mask = GLIB_MASK;
	struct watch *w;
	int i = 1, n = 0, fd, st, count;
	char *text;
	size_t tlen;
	FILE *log;
	pid_t pid;

	if (i < argc && !strcmp(argv[i], "-a")) {
		mask = IN_ALL_EVENTS;
		i++;
	}
	w = calloc((size_t)argc, sizeof(*w));
	fd = inotify_init1(IN_CLOEXEC);
	if (!w || fd < 0) {
		perror("inotify-count");
		return 125;
	}
	for (; i < argc && strcmp(argv[i], "--"); i++, n++) {
		w[n].dir = argv[i];
		w[n].wd = inotify_add_watch(fd, argv[i], mask);
		if (w[n].wd < 0) {
			fprintf(stderr, "inotify-count: %s: %s\n", argv[i],
				strerror(errno));
			return 125;
		}
	}
	if (i + 1 >= argc) {
		fprintf(stderr,
			"usage: inotify-count [-a] DIR... -- CMD [ARG...]\n");
		return 125;
	}
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(nul, 1);
		dup2(nul, 2);
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	if (pid < 0) {
		perror("inotify-count");
		return 125;
	}
	log = open_memstream(&text, &tlen);
	/* events are read as they come, to see how far apart they are */
	count = 0;
	while (waitpid(pid, &st, WNOHANG) == 0)
		count += drain(fd, w, n, 1, log);
	/* late events of the command are still in flight briefly */
	count += drain(fd, w, n, 100, log);
	fclose(log);
	printf("%d %.0f\n%s", count, count ? last_ms - first_ms : 0.0, text);
	free(text);
	free(w);
	close(fd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 125;
}
