// SPDX-License-Identifier: MIT
/*
 * mdevd: serves libmdev as a sysfs tree at ROOT/sys.
 *
 * Start-up order (each step can fail with a one-line message and exit 1,
 * before anything is mounted): options → hardware file → [daemonize: the
 * parent waits until the child reports the tree ready] → mount point
 * check (live mdevd refused, stale mount detached) → journal (lock) →
 * register parents → attach the journal (it replays) → attach the tree →
 * attach the vfio-user server (ROOT/run/mdevd/vfio-user) → mount → attach
 * events (announces, --on-register) → serve. The journal is attached first so
 * its commit runs before any other consumer's: nothing is acknowledged that is
 * not on its way to disk.
 *
 * The FUSE loop is single-threaded (the fastest per request). A second
 * thread takes the signals: SIGHUP reloads the hardware file there, so the
 * kernel can be told to drop cached names without deadlocking the loop;
 * SIGTERM/SIGINT stop the loop, and the main thread unmounts.
 */
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "driver.h"
#include "faults.h"
#include "hardware.h"
#include "journal.h"
#include "mdevd.h"
#include "vfio_user.h"

#ifndef MDEVKIT_VERSION
#define MDEVKIT_VERSION "unknown"
#endif

static atomic_bool loop_done;
static pthread_t main_thread;

/* Absolute paths for everything given, so the daemon may chdir("/"). */
/* Absolute, as the hardware file: a SIGHUP reload may load plugins after
 * daemonize() left the working directory. */
static int resolve_driver_dir(struct mdevd *d)
{
	char *dir;

	if (!d->opt.driver_dir)
		return 0;
	dir = realpath(d->opt.driver_dir, NULL);
	if (!dir) {
		fprintf(stderr, "mdevd: --driver-dir %s: %s\n",
			d->opt.driver_dir, strerror(errno));
		return -1;
	}
	mdev_hw_plugin_dir_set(dir);
	free(dir);
	return 0;
}

static int resolve_paths(struct mdevd *d)
{
	char *sys = path_join(d->opt.root, "sys");
	int err = sys ? mkdir_p(sys, 0755) : -ENOMEM;
	free(sys);
	if (err) {
		fprintf(stderr, "mdevd: %s/sys: %s\n", d->opt.root,
			strerror(-err));
		return -1;
	}
	d->root = realpath(d->opt.root, NULL);
	if (!d->root) {
		fprintf(stderr, "mdevd: %s: %s\n", d->opt.root,
			strerror(errno));
		return -1;
	}
	d->mountpoint = path_join(d->root, "sys");
	if (d->opt.state_dir) {
		err = mkdir_p(d->opt.state_dir, 0755);
		d->state_dir = err ? NULL : realpath(d->opt.state_dir, NULL);
	} else {
		d->state_dir = path_join(d->root, "var/lib/mdevd");
		err = d->state_dir ? mkdir_p(d->state_dir, 0755) : -ENOMEM;
	}
	if (err || !d->state_dir || !d->mountpoint) {
		fprintf(stderr, "mdevd: state directory %s: %s\n",
			d->opt.state_dir ? d->opt.state_dir
					 : "ROOT/var/lib/mdevd",
			strerror(err ? -err : errno));
		return -1;
	}
	if (d->opt.hardware) {
		d->hardware = realpath(d->opt.hardware, NULL);
		if (!d->hardware) {
			fprintf(stderr, "mdevd: %s: %s\n", d->opt.hardware,
				strerror(errno));
			return -1;
		}
	}
	return resolve_driver_dir(d);
}

/* Forks; the parent exits once the child reports the tree mounted (0) or
 * dies (its status). Returns the write end of the report pipe in the
 * child. */
static int daemonize(const char *mountpoint)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		perror("mdevd: pipe");
		exit(1);
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("mdevd: fork");
		exit(1);
	}
	if (pid > 0) {
		char c;
		int status;
		close(fds[1]);
		ssize_t n;
		do {
			n = read(fds[0], &c, 1);
		} while (n < 0 && errno == EINTR);
		if (n == 1) {
			printf("mdevd: serving %s (pid %d)\n", mountpoint,
			       (int)pid);
			exit(0);
		}
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
			exit(WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
		exit(1);
	}
	close(fds[0]);
	setsid();
	return fds[1];
}

static void report_ready(struct mdevd *d, int ready_fd)
{
	if (ready_fd < 0) {
		printf("mdevd: serving %s (pid %d)\n", d->mountpoint,
		       (int)getpid());
		fflush(stdout);
		return;
	}
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	if (chdir("/") < 0)
		perror("mdevd: chdir /");
	ssize_t n;
	do {
		n = write(ready_fd, "R", 1);
	} while (n < 0 && errno == EINTR);
	close(ready_fd);
}

static void wake(int sig)
{
	(void)sig;
}

static void *signal_thread(void *arg)
{
	struct mdevd *d = arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	while (!atomic_load(&loop_done)) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		int sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGHUP) {
			lifecycle_reload(d);
		} else if (sig == SIGCHLD) {
			events_reap(d);
		} else if (sig == SIGTERM || sig == SIGINT) {
			fuse_session_exit(d->se);
			/* The loop sits in read(/dev/fuse): interrupt it
			 * until it notices (a signal that lands just before
			 * the read would be lost). */
			while (!atomic_load(&loop_done)) {
				struct timespec pause = {0, 20 * 1000 * 1000};
				pthread_kill(main_thread, SIGUSR1);
				nanosleep(&pause, NULL);
			}
		}
	}
	return NULL;
}

static int block_signals(void)
{
	sigset_t set;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wake; /* no SA_RESTART: read() returns EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	return -pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* Whether the journal holds no state yet (new, empty or --reset): only
 * then are the hardware file's devices created. */
static bool journal_fresh(const struct mdevd *d)
{
	struct stat st;
	char *path = path_join(d->state_dir, "journal");
	bool fresh =
	    d->opt.reset || !path || stat(path, &st) < 0 || st.st_size == 0;
	free(path);
	return fresh;
}

/* The hardware file's devices present at start, through the journal. */
static int create_devices(struct mdevd *d, const struct mdev_hardware *hw)
{
	for (size_t i = 0; i < mdev_hardware_device_count(hw); i++) {
		char err[256];
		int ret = mdev_hardware_create_device(
		    d->core, mdev_hardware_device(hw, i), err, sizeof(err));
		if (ret < 0) {
			fprintf(stderr, "mdevd: %s: devices[%zu]: %s\n",
				d->hardware ? d->hardware : "demo", i, err);
			return ret;
		}
	}
	return 0;
}

static int open_state(struct mdevd *d, struct mdev_hardware **hw)
{
	char err[1024] = "";
	bool fresh = journal_fresh(d);
	int ret = mdev_journal_open(d->state_dir, d->opt.reset, &d->journal,
				    err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "mdevd: %s\n", err[0] ? err : strerror(-ret));
		return ret;
	}
	d->core = mdev_core_new();
	d->tree = d->core ? tree_new(d->core, time(NULL)) : NULL;
	if (!d->tree) {
		fputs("mdevd: out of memory\n", stderr);
		return -ENOMEM;
	}
	ret = faults_declare(d, *hw);
	if (ret < 0) {
		fprintf(stderr, "mdevd: faults: %s\n", strerror(-ret));
		return ret;
	}
	ret = lifecycle_register_all(d, *hw, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "mdevd: %s\n", err);
		return ret;
	}
	ret = mdev_journal_attach(d->journal, d->core);
	if (ret < 0) {
		fprintf(stderr, "mdevd: replaying %s/journal: %s\n",
			d->state_dir, strerror(-ret));
		return ret;
	}
	ret = fresh ? create_devices(d, *hw) : 0;
	/* The core copied the descriptions. */
	mdev_hardware_free(*hw);
	*hw = NULL;
	if (ret < 0)
		return ret;
	ret = tree_consumer_attach(d);
	if (ret < 0)
		return ret;
	/* After the replay: a replayed device must not meet a fault. */
	ret = faults_attach(d);
	if (ret < 0)
		fprintf(stderr, "mdevd: faults: %s\n", strerror(-ret));
	char *dir = path_join(d->root, "run/mdevd/vfio-user");
	ret = dir ? vfu_server_attach(d->core, dir, &d->vfio_user) : -ENOMEM;
	free(dir);
	return ret;
}

static void teardown(struct mdevd *d)
{
	d->live = false;
	faults_stop(d);
	mount_stop(d);
	if (d->core) {
		events_detach(d);
		vfu_server_detach(d->vfio_user);
		tree_consumer_detach(d);
	}
	/* Closing detaches it, before the core it points to is freed. */
	if (d->journal)
		mdev_journal_close(d->journal);
	events_close(d);
	if (d->core)
		mdev_core_free(d->core);
	tree_free(d->tree);
	lifecycle_free(d);
	free(d->root);
	free(d->mountpoint);
	free(d->hardware);
	free(d->state_dir);
}

static int serve(struct mdevd *d, struct mdev_hardware **hw, int ready_fd)
{
	pthread_t sig_thread;

	if (mount_prepare(d) < 0 || open_state(d, hw) < 0)
		return 1;
	if (d->opt.uevents && events_open(d) < 0)
		return 1;
	if (block_signals() < 0) {
		perror("mdevd: signals");
		return 1;
	}
	if (mount_start(d) < 0)
		return 1;
	d->live = true;
	main_thread = pthread_self();
	if (faults_start(d) < 0)
		return 1;
	if (events_attach(d) < 0) {
		fputs("mdevd: out of memory\n", stderr);
		return 1;
	}
	if (pthread_create(&sig_thread, NULL, signal_thread, d) != 0) {
		fputs("mdevd: cannot start the signal thread\n", stderr);
		return 1;
	}
	report_ready(d, ready_fd);
	int ret = fuse_session_loop(d->se);
	atomic_store(&loop_done, true);
	pthread_join(sig_thread, NULL);
	return ret < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct mdevd d;
	struct mdev_hardware *hw = NULL;
	char err[1024];

	memset(&d, 0, sizeof(d));
	pthread_mutex_init(&d.lifecycle_mu, NULL);
	int ret = mdevd_options_parse(argc, argv, &d.opt);
	if (ret)
		return ret;
	switch (d.opt.action) {
	case MDEVD_HELP:
		mdevd_usage(stdout);
		return 0;
	case MDEVD_VERSION:
		printf("mdevd %s\n", MDEVKIT_VERSION);
		return 0;
	case MDEVD_PRINT_DEMO:
		fputs(mdev_hardware_demo_json(), stdout);
		return 0;
	case MDEVD_CONTROL:
		return control_client(&d.opt);
	case MDEVD_RECORD:
		/* The store first: a DIR that exists fails before anything
		 * is printed. */
		ret = d.opt.record_store
			  ? record_store(d.opt.root, d.opt.record_store)
			  : 0;
		return ret ? ret : record_main(d.opt.root);
	case MDEVD_RUN:
		break;
	}
	if (resolve_paths(&d) < 0) {
		teardown(&d);
		return 1;
	}
	if (mdev_hardware_load(d.hardware, &hw, err, sizeof(err)) < 0) {
		fprintf(stderr, "mdevd: %s\n", err);
		teardown(&d);
		return 1;
	}
	int ready_fd = d.opt.foreground ? -1 : daemonize(d.mountpoint);
	ret = serve(&d, &hw, ready_fd);
	mdev_hardware_free(hw);
	teardown(&d);
	return ret;
}
