// SPDX-License-Identifier: MIT
/*
 * mdev-sandbox [--hardware FILE] [--state DIR] [--root DIR] [--libvirt]
 *              [--libvirt-qemu] [--userland DIR] -- COMMAND...
 *
 * Runs COMMAND where mdevd's tree is /sys: a private mount, network and PID
 * namespace in which mdevd serves the hardware with udev events on, its
 * tree is bound over /sys, /etc/mdevctl.d is its store (a symlink in an
 * overlay of /etc), /run is a
 * fresh tmpfs and mdevkit's mdevctl comes first on PATH; with --libvirt,
 * libvirtd (node-device driver only) runs too, with --libvirt-qemu also
 * its QEMU driver and mdev-qemu (VMs with our mdevs); with --userland, COMMAND
 * and libvirtd run from another distribution's root (userland.c). See
 * docs/sandbox.md.
 *
 * Processes:
 *   mdev-sandbox (host namespaces; removes a temporary root at the end)
 *    `- helper: unshares the PID namespace (its unsharer could not fork
 *       once the namespace is gone)
 *        `- init: PID 1 of the new PID namespace, new mount namespace,
 *           still the outer network namespace (so that mdevd, comparing
 *           its network namespace with PID 1's, sees that its own is
 *           private); reaps orphans, and when the session ends stops
 *           everything left - SIGTERM, then SIGKILL - so nothing outlives
 *           the sandbox;
 *            `- session: new network namespace; starts mdevd (and
 *               libvirtd), mounts, runs COMMAND and returns its status.
 * If mdev-sandbox dies, the helper and then init get SIGKILL (PDEATHSIG)
 * and the kernel kills the whole PID namespace; the mounts die with the
 * mount namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fsutil.h"
#include "devdir.h"
#include "rootless.h"
#include "overlay.h"
#include "userland.h"

/* Exit status for a failure of the sandbox itself (as env(1) and
 * chroot(1) use 125), so it is not mistaken for COMMAND's. */
#define EXIT_SANDBOX 125
/* How long leftover processes get between SIGTERM and SIGKILL. */
#define STOP_GRACE_MS 3000
/* libvirtd's QEMU driver reads only this file (--libvirt-qemu). */
#define LIBVIRT_QEMU_CONF "/etc/libvirt/qemu.conf"
/* Where the emulator wrapper is inside the sandbox (--libvirt-qemu). */
#define MDEV_QEMU_PATH "/run/mdev-sandbox/bin/mdev-qemu"
/* How long libvirtd may take to open its socket (--libvirt). */
#define LIBVIRTD_START_MS 30000

struct sandbox {
	const char *root_arg; /* --root and --state as given, or NULL */
	const char *state_arg;
	const char *hardware; /* absolute, or NULL for the demo */
	char *root;	      /* absolute */
	char *state;	      /* absolute */
	bool keep_root;
	char *mdevd; /* absolute paths of the executables */
	char *mdevctl;
	char *mdevctl_dir;
	char *userland;	      /* --userland: absolute, or NULL */
	char *libvirtd;	      /* --libvirt: the daemon, or NULL */
	char *nodedev_driver; /* and its node-device driver module */
	char *qemu_driver;    /* --libvirt-qemu: its QEMU driver module */
	char *mdev_qemu;      /* --libvirt-qemu: the emulator wrapper */
	char **command;
};

/* The temporary root and the process that made it: only that process
 * removes it, on its way out, whatever the error (the children die with
 * the same die() and must leave it to their parent). */
static const char *temp_root;
static pid_t temp_root_owner;

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0)
		fprintf(stderr, "mdev-sandbox: remove %s: %s\n", path,
			strerror(errno));
	return 0;
}

/* Removes the temporary root: it never had mounts in our namespace, and
 * FTW_MOUNT keeps the walk on its file system should anything be there. */
static void remove_root(const char *root)
{
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("mdev-sandbox: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (temp_root && getpid() == temp_root_owner)
		remove_root(temp_root);
	_exit(EXIT_SANDBOX);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory");
	return p;
}

static char *xpath_join(const char *dir, const char *name)
{
	char *p = path_join(dir, name);

	if (!p)
		die("out of memory");
	return p;
}

static void usage(FILE *out)
{
	fputs("Usage: mdev-sandbox [--hardware FILE] [--state DIR] "
	      "[--root DIR] [--libvirt]\n"
	      "                    [--userland DIR] -- COMMAND [ARGS...]\n"
	      "Runs COMMAND in private mount, network and PID namespaces "
	      "where mdevd's\n"
	      "tree is /sys, ROOT/etc/mdevctl.d is /etc/mdevctl.d, /run is "
	      "a tmpfs and\n"
	      "mdevkit's mdevctl is first on PATH. Exit status: COMMAND's, "
	      "125 if the\n"
	      "sandbox could not be set up.\n"
	      "  --hardware FILE  hardware file for mdevd (default: the "
	      "embedded demo)\n"
	      "  --state DIR      mdevd's state directory (default: "
	      "ROOT/state)\n"
	      "  --root DIR       keep the tree's root, the store and the "
	      "state in DIR\n"
	      "                   (default: a temporary directory removed "
	      "at exit)\n"
	      "  --libvirt        also start libvirtd (node-device driver "
	      "only) and set\n"
	      "                   LIBVIRT_DEFAULT_URI=nodedev:///system\n"
	      "  --libvirt-qemu   --libvirt with its QEMU driver too (VMs "
	      "whose <emulator>\n"
	      "                   is /run/mdev-sandbox/bin/mdev-qemu get our "
	      "mdevs over\n"
	      "                   vfio-user); LIBVIRT_DEFAULT_URI="
	      "qemu:///system\n"
	      "  --userland DIR   run COMMAND (and libvirtd) from the root "
	      "DIR, e.g. a\n"
	      "                   Debian 13 made by scripts/debian-root.sh; "
	      "DIR is not\n"
	      "                   changed\n",
	      out);
}

/* The directory holding our own executable. */
static char *self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n < 0)
		die("/proc/self/exe: %s", strerror(errno));
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	return xstrdup(buf);
}

static bool is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

/* An executable NAME from the environment variable ENV, or the first of
 * DIR/REL[i] that exists (the build tree puts mdevctl in ../ctl/ and mdevd
 * in ../fs/ beside our src/sandbox/; an install puts mdevd beside us in
 * bin/ and mdevctl in lib/mdevkit/bin/, off the distribution's PATH). */
static char *find_tool(const char *env, const char *name, const char *dir,
		       const char *const *rel)
{
	const char *forced = getenv(env);
	char *path;

	if (forced && *forced) {
		if (!is_executable(forced))
			die("%s=%s: not an executable file", env, forced);
		path = realpath(forced, NULL);
		if (!path)
			die("%s: %s", forced, strerror(errno));
		return path;
	}
	for (; *rel; rel++) {
		char *cand;

		if (asprintf(&cand, "%s/%s%s", dir, *rel, name) < 0)
			die("out of memory");
		if (is_executable(cand)) {
			path = realpath(cand, NULL);
			free(cand);
			if (!path)
				die("%s: %s", name, strerror(errno));
			return path;
		}
		free(cand);
	}
	die("cannot find %s next to %s (looked in ../ctl/, ../fs/, "
	    "../lib/mdevkit/bin/ and ./; "
	    "set %s to its path)",
	    name, dir, env);
	return NULL;
}

static void xmkdir_p(const char *path, mode_t mode)
{
	int ret = mkdir_p(path, mode);

	if (ret < 0)
		die("mkdir %s: %s", path, strerror(-ret));
}

static char *absolute_dir(const char *path, const char *what)
{
	char *abs;

	xmkdir_p(path, 0755);
	abs = realpath(path, NULL);
	if (!abs)
		die("%s %s: %s", what, path, strerror(errno));
	return abs;
}

/* --- --libvirt: libvirtd with only the node-device driver -------------- */

/* The first existing match of PREFIX + PATTERN, without PREFIX, or NULL.
 */
static char *first_match(const char *prefix, const char *pattern)
{
	char *full;
	glob_t g;
	char *found = NULL;

	if (asprintf(&full, "%s%s", prefix, pattern) < 0)
		die("out of memory");
	if (glob(full, 0, NULL, &g) == 0 && g.gl_pathc > 0)
		found = xstrdup(g.gl_pathv[0] + strlen(prefix));
	globfree(&g);
	free(full);
	return found;
}

/* --libvirt-qemu: the QEMU driver beside the node-device driver, and the
 * configuration file the sandbox's replaces (its path is fixed in libvirtd).
 */
static void find_libvirt_qemu(struct sandbox *sb, const char *prefix)
{
	char *dir = xstrdup(sb->nodedev_driver), *full;
	struct stat st;

	*strrchr(dir, '/') = '\0';
	sb->qemu_driver = xpath_join(dir, "libvirt_driver_qemu.so");
	full = xpath_join(prefix, sb->qemu_driver);
	if (stat(full, &st) < 0)
		die("--libvirt-qemu: %s: %s (Debian: apt-get install "
		    "libvirt-daemon-driver-qemu)",
		    full, strerror(errno));
	free(full);
	full = xpath_join(prefix, LIBVIRT_QEMU_CONF);
	if (stat(full, &st) < 0)
		die("--libvirt-qemu: %s: %s", full, strerror(errno));
	free(full);
	free(dir);
}

/* Debian puts libvirtd in /usr/sbin and its driver modules under the
 * multiarch libdir; other layouts are tried too. With --userland, in that
 * root (the paths kept are the ones inside). */
static void find_libvirt(struct sandbox *sb)
{
	const char *prefix = sb->userland ? sb->userland : "";

	static const char *const daemons[] = {"/usr/sbin/libvirtd",
					      "/usr/local/sbin/libvirtd",
					      "/usr/bin/libvirtd"};
	static const char *const drivers[] = {
	    "/usr/lib/*/libvirt/connection-driver/libvirt_driver_nodedev.so",
	    "/usr/lib64/libvirt/connection-driver/libvirt_driver_nodedev.so",
	    "/usr/lib/libvirt/connection-driver/libvirt_driver_nodedev.so",
	    ("/usr/local/lib*/libvirt/connection-driver/"
	     "libvirt_driver_nodedev.so")};

	for (size_t i = 0; !sb->libvirtd && i < ARRAY_SIZE(daemons); i++)
		sb->libvirtd = first_match(prefix, daemons[i]);
	if (sb->libvirtd) {
		char *full = xpath_join(prefix, sb->libvirtd);

		if (!is_executable(full))
			die("--libvirt: %s is not executable", full);
		free(full);
	}
	for (size_t i = 0; !sb->nodedev_driver && i < ARRAY_SIZE(drivers); i++)
		sb->nodedev_driver = first_match(prefix, drivers[i]);
	if (!sb->libvirtd || !sb->nodedev_driver)
		die("--libvirt: %s not found%s%s (Debian: apt-get install "
		    "libvirt-daemon libvirt-clients)",
		    sb->libvirtd ? "libvirt_driver_nodedev.so" : "libvirtd",
		    *prefix ? " in " : "", prefix);
	if (sb->mdev_qemu)
		find_libvirt_qemu(sb, prefix);
}

/* mdev-qemu: beside mdev-sandbox (the build tree) or with our mdevctl in
 * lib/mdevkit/bin (an install). */
static const char *const wrapper_dirs[] = {"", "../lib/mdevkit/bin/", NULL};

static void parse_args(int argc, char **argv, struct sandbox *sb)
{
	static const struct option opts[] = {
	    {"hardware", required_argument, NULL, 'w'},
	    {"state", required_argument, NULL, 's'},
	    {"root", required_argument, NULL, 'r'},
	    {"libvirt", no_argument, NULL, 'l'},
	    {"libvirt-qemu", no_argument, NULL, 'q'},
	    {"userland", required_argument, NULL, 'u'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *state = NULL, *root = NULL, *hardware = NULL;
	const char *userland = NULL;
	bool libvirt = false, qemu = false;
	int c;

	/* '+': stop at COMMAND, whose own options are not ours. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			hardware = optarg;
			break;
		case 's':
			state = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'l':
			libvirt = true;
			break;
		case 'q':
			libvirt = qemu = true;
			break;
		case 'u':
			userland = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(EXIT_SANDBOX);
		}
	}
	if (optind >= argc) {
		fputs("mdev-sandbox: no COMMAND given\n", stderr);
		usage(stderr);
		exit(EXIT_SANDBOX);
	}
	sb->command = argv + optind;

	if (userland) {
		char why[PATH_MAX + 128];

		if (userland_check(userland, why, sizeof(why)) < 0)
			die("%s", why);
		sb->userland = realpath(userland, NULL);
		if (!sb->userland)
			die("--userland %s: %s", userland, strerror(errno));
	}
	if (qemu) {
		char *dir = self_dir();

		sb->mdev_qemu = find_tool("MDEV_SANDBOX_QEMU_WRAPPER",
					  "mdev-qemu", dir, wrapper_dirs);
		free(dir);
	}
	if (libvirt)
		find_libvirt(sb);
	if (hardware) {
		/* Absolute: mdevd changes directory when it daemonizes. */
		sb->hardware = realpath(hardware, NULL);
		if (!sb->hardware || access(sb->hardware, R_OK) < 0)
			die("--hardware %s: %s", hardware, strerror(errno));
	}

	sb->root_arg = root;
	sb->state_arg = state;
}

/* Everything the sandbox does needs root (new mount, network and PID
 * namespaces, mounts over /sys and /run): an unprivileged caller becomes
 * root of a user namespace of its own first (rootless.c), before anything
 * is looked up or created, so what the machine lacks for that is the
 * reason it gets, not a side effect of it. */
static void require_root(void)
{
	char why[256];

	if (geteuid() == 0)
		return;
	if (rootless_enter(why, sizeof(why)) < 0)
		die("needs root, or a user namespace: %s", why);
}

/* The root (--root DIR, or a temporary directory that die() and the end
 * of main remove) and the state directory, both absolute. */
static void make_root(struct sandbox *sb)
{
	if (sb->root_arg) {
		sb->root = absolute_dir(sb->root_arg, "--root");
		sb->keep_root = true;
	} else {
		const char *tmp = getenv("TMPDIR");
		char *tmpl;

		if (asprintf(&tmpl, "%s/mdev-sandbox.XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") < 0)
			die("out of memory");
		if (!mkdtemp(tmpl))
			die("mkdtemp %s: %s", tmpl, strerror(errno));
		sb->root = tmpl;
		temp_root = sb->root;
		temp_root_owner = getpid();
	}
	if (sb->state_arg)
		sb->state = absolute_dir(sb->state_arg, "--state");
	else
		sb->state = xpath_join(sb->root, "state");
}

/* DIR/<module's name> -> MODULE: the driver directory libvirtd loads. */
static void link_driver(const char *dir, const char *module)
{
	char *link = xpath_join(dir, strrchr(module, '/') + 1);

	if (unlink(link) < 0 && errno != ENOENT)
		die("%s: %s", link, strerror(errno));
	if (symlink(module, link) < 0)
		die("symlink %s: %s", link, strerror(errno));
	free(link);
}

/* Writes TEXT to PATH (a file of the sandbox's root, read by libvirtd). */
static void write_conf(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f)
		die("%s: %s", path, strerror(errno));
	fputs(text, f);
	if (fclose(f) != 0)
		die("%s: %s", path, strerror(errno));
}

/* The QEMU driver as root in a sandbox: no user switch, no relabelling of
 * device nodes (an mdev's /dev/vfio/N does not exist: mdev-qemu hands QEMU
 * a vfio-user socket instead), no cgroups or private /dev for QEMU, and
 * QEMU's output in a file rather than through virtlogd. */
static const char qemu_conf[] = "user = \"root\"\n"
				"group = \"root\"\n"
				"dynamic_ownership = 0\n"
				"remember_owner = 0\n"
				"security_driver = \"none\"\n"
				"namespaces = [ ]\n"
				"cgroup_controllers = [ ]\n"
				"stdio_handler = \"file\"\n";

/* ROOT/libvirt: a driver directory holding only the node-device driver
 * (libvirtd loads every module of LIBVIRT_DRIVER_DIR), and the QEMU driver
 * with --libvirt-qemu, and a configuration whose sockets live in the
 * sandbox's private /run. */
static void prepare_libvirt(const struct sandbox *sb)
{
	char *dir = xpath_join(sb->root, "libvirt/drivers");
	char *conf = xpath_join(sb->root, "libvirt/libvirtd.conf");
	char *text;

	xmkdir_p(dir, 0755);
	link_driver(dir, sb->nodedev_driver);
	if (sb->qemu_driver) {
		char *qconf = xpath_join(sb->root, "libvirt/qemu.conf");

		link_driver(dir, sb->qemu_driver);
		write_conf(qconf, qemu_conf);
		free(qconf);
	}
	if (asprintf(&text,
		     "unix_sock_dir = \"/run/libvirt\"\n"
		     "auth_unix_rw = \"none\"\n"
		     "auth_unix_ro = \"none\"\n"
		     "log_outputs = \"2:file:%s/libvirt/libvirtd.log\"\n",
		     sb->root) < 0)
		die("out of memory");
	write_conf(conf, text);
	free(text);
	free(dir);
	free(conf);
}

/* The callout shipped for drivers whose devices can change while running
 * (data/callouts/mdevkit-vfio-ap): beside mdevctl in the build tree, in
 * lib/mdevctl/scripts.d/callouts of an install (mdevctl is in
 * lib/mdevkit/bin). Copied (not bound) into the store's scripts.d, where
 * our mdevctl in either mode, Debian's 1.2.0 and 1.4.0 (in --userland's
 * root too) and mdevd's --on-register all look; a reused --root gets the
 * current one. None found (MDEV_SANDBOX_MDEVCTL elsewhere): no callout. */
#define VFIO_AP_CALLOUT "mdevkit-vfio-ap"

static char *find_callout(const struct sandbox *sb)
{
	static const char *const rel[] = {"",
					  "../../mdevctl/scripts.d/callouts/"};

	for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
		char *path;

		if (asprintf(&path, "%s/%s%s", sb->mdevctl_dir, rel[i],
			     VFIO_AP_CALLOUT) < 0)
			die("out of memory");
		if (is_executable(path))
			return path;
		free(path);
	}
	return NULL;
}

/* SRC to DST, mode 0755, atomically (a temporary file renamed). */
static void copy_executable(const char *src, const char *dst)
{
	char buf[8192], *tmp;
	ssize_t n;
	int in, out, ret;

	if (asprintf(&tmp, "%s.tmp", dst) < 0)
		die("out of memory");
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		die("%s: %s", src, strerror(errno));
	/* mdevctl runs only root-owned scripts nobody else may write */
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0 || fchmod(out, 0755) < 0)
		die("%s: %s", tmp, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		ret = write_all(out, buf, (size_t)n);
		if (ret < 0)
			die("%s: %s", tmp, strerror(-ret));
	}
	if (n < 0)
		die("%s: %s", src, strerror(errno));
	if (fsync(out) < 0 || close(out) < 0 || rename(tmp, dst) < 0)
		die("%s: %s", dst, strerror(errno));
	close(in);
	free(tmp);
}

static void install_callout(const struct sandbox *sb)
{
	char *src = find_callout(sb), *dst;

	if (!src)
		return;
	dst = xpath_join(sb->root,
			 "etc/mdevctl.d/scripts.d/callouts/" VFIO_AP_CALLOUT);
	copy_executable(src, dst);
	free(src);
	free(dst);
}

static void prepare_root(const struct sandbox *sb)
{
	/* mdevctl 1.4.0 refuses to run under MDEVCTL_ENV_ROOT (as mdevd's
	 * --on-register runs it) without the usr/lib scripts.d. */
	static const char *const dirs[] = {
	    "sys",
	    "etc/mdevctl.d/scripts.d/callouts",
	    "etc/mdevctl.d/scripts.d/notifiers",
	    "usr/lib/mdevctl/scripts.d/callouts",
	    "usr/lib/mdevctl/scripts.d/notifiers",
	};

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *p = xpath_join(sb->root, dirs[i]);

		xmkdir_p(p, 0755);
		free(p);
	}
	install_callout(sb);
	xmkdir_p(sb->state, 0700);
	if (sb->libvirtd)
		prepare_libvirt(sb);
}

/* --- signals ---------------------------------------------------------- */

static volatile sig_atomic_t forward_to;

static void forward_signal(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

/* Termination requests go to the child; the terminal's SIGINT/SIGQUIT
 * reach COMMAND directly (same process group) and are COMMAND's to handle,
 * as in system(3). */
static void forward_signals_to(pid_t child)
{
	struct sigaction sa = {.sa_handler = forward_signal};

	forward_to = child;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
}

static void default_signals(void)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
}

/* Shell convention: 128 + signal for a killed child. */
static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_SANDBOX;
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	return exit_code(status);
}

/* --- session: network namespace, mdevd, mounts, COMMAND --------------- */

static void loopback_up(void)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		die("lo: SIOCGIFFLAGS: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		die("lo: SIOCSIFFLAGS: %s", strerror(errno));
	close(fd);
}

static void setup_environment(const struct sandbox *sb)
{
	const char *path = getenv("PATH");
	char *newpath;

	if (asprintf(&newpath, "%s:%s", sb->mdevctl_dir,
		     path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin") <
	    0)
		die("out of memory");
	/* Without it libudev refuses every syspath not on a real sysfs. */
	if (setenv("SYSTEMD_DEVICE_VERIFY_SYSFS", "0", 1) < 0 ||
	    setenv("PATH", newpath, 1) < 0 ||
	    setenv("MDEV_SANDBOX_ROOT", sb->root, 1) < 0)
		die("setenv: %s", strerror(errno));
	free(newpath);
}

/* mdevd runs --on-register through sh -c: "'<mdevctl>' start-parent-mdevs"
 * with the path single-quoted, so a build tree under a directory with
 * spaces or quotes still works. */
static char *on_register_command(const char *mdevctl)
{
	static const char tail[] = " start-parent-mdevs";
	size_t quotes = 0, n = 0;
	char *cmd;

	for (const char *p = mdevctl; *p; p++)
		quotes += *p == '\'';
	cmd = malloc(strlen(mdevctl) + 3 * quotes + 2 + sizeof(tail));
	if (!cmd)
		die("out of memory");
	cmd[n++] = '\'';
	for (const char *p = mdevctl; *p; p++) {
		if (*p == '\'') {
			memcpy(cmd + n, "'\\''", 4); /* close, \', reopen */
			n += 4;
		} else {
			cmd[n++] = *p;
		}
	}
	cmd[n++] = '\'';
	memcpy(cmd + n, tail, sizeof(tail));
	return cmd;
}

/* mdevd daemonizes and its first process exits once the tree is mounted;
 * the daemon is reparented to our init. */
static void start_mdevd(const struct sandbox *sb)
{
	char *on_register;
	const char *argv[12];
	size_t n = 0;
	pid_t pid;
	int code;

	on_register = on_register_command(sb->mdevctl);
	argv[n++] = sb->mdevd;
	argv[n++] = "--uevents";
	argv[n++] = "--on-register";
	argv[n++] = on_register;
	argv[n++] = "--state";
	argv[n++] = sb->state;
	if (sb->hardware) {
		argv[n++] = "--hardware";
		argv[n++] = sb->hardware;
	}
	argv[n++] = sb->root;
	argv[n] = NULL;

	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		default_signals();
		/* mdevd runs --on-register for the first parents before we
		 * bind the tree over /sys and the store over /etc/mdevctl.d:
		 * point mdevctl at them through ROOT instead. */
		if (setenv("MDEVCTL_ENV_ROOT", sb->root, 1) < 0)
			_exit(127);
		/* COMMAND's stdout is the sandbox's: mdevd's messages (it
		 * prints where it serves) go to stderr. */
		if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		execv(sb->mdevd, (char *const *)argv);
		fprintf(stderr, "mdev-sandbox: exec %s: %s\n", sb->mdevd,
			strerror(errno));
		_exit(127);
	}
	code = wait_child(pid);
	if (code != 0)
		die("mdevd exited with status %d before serving the tree",
		    code);
	free(on_register);
}

/* True when PATH is a mount point other than its parent's file system. */
static bool is_mounted(const char *root, const char *path)
{
	struct stat a, b;

	return stat(root, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev != b.st_dev;
}

static void bind_mount(const char *from, const char *to)
{
	if (mount(from, to, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind %s over %s: %s", from, to, strerror(errno));
}

/* /etc/mdevctl.d is the store: /etc becomes an overlay of the host's
 * (ROOT/etc-overlay takes what the sandbox writes there, such as
 * libvirt's domain definitions) in which /etc/mdevctl.d is a symlink to
 * ROOT/etc/mdevctl.d, so that a change is one file event (overlay.h).
 * Where that cannot be (a rootless sandbox: overlayfs refused by an old
 * kernel, or the host root's /etc not writable to the namespace's root),
 * the store is bound over /etc/mdevctl.d instead, with five events per
 * change; that is said on stderr. */
static void link_host_store(const struct sandbox *sb, const char *store)
{
	char *layers = xpath_join(sb->root, "etc-overlay");
	char why[PATH_MAX + 128];
	int ret = overlay_mount("/etc", layers, "/etc", why, sizeof(why));

	/* In a user namespace the merged /etc is the host root's, which the
	 * namespace's root may not change: then no overlay either. */
	if (ret == 0 &&
	    (ret = overlay_link_store("/etc", store, why, sizeof(why))) < 0 &&
	    umount2("/etc", MNT_DETACH) < 0)
		die("/etc: %s; umount: %s", why, strerror(errno));
	if (ret < 0) {
		fprintf(stderr,
			"mdev-sandbox: %s; binding the store over "
			"/etc/mdevctl.d instead\n",
			why);
		/* An empty mount point if the host has no mdevctl. */
		xmkdir_p("/etc/mdevctl.d", 0755);
		bind_mount(store, "/etc/mdevctl.d");
	}
	free(layers);
}

static void mount_private_dirs(const struct sandbox *sb)
{
	char *sys = xpath_join(sb->root, "sys");
	char *store = xpath_join(sb->root, "etc/mdevctl.d");
	int fd;

	if (!is_mounted(sb->root, sys))
		die("mdevd returned but %s is not mounted", sys);
	if (mount("mdev-sandbox-run", "/run", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0755") < 0)
		die("tmpfs on /run: %s", strerror(errno));
	/* libudev only joins udev's multicast group when udev looks alive
	 * (or /dev is a devtmpfs): give listeners that sign. */
	if (mkdir("/run/udev", 0755) < 0)
		die("mkdir /run/udev: %s", strerror(errno));
	fd = open("/run/udev/control", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		die("/run/udev/control: %s", strerror(errno));
	close(fd);
	bind_mount(sys, "/sys");
	/* mdevd's sockets (vfio-user, --control) where a system mdevd, whose
	 * ROOT is /, has them. */
	char *run_mdevd = xpath_join(sb->root, "run/mdevd");
	if (symlink(run_mdevd, "/run/mdevd") < 0)
		die("symlink /run/mdevd: %s", strerror(errno));
	free(run_mdevd);
	/* With --userland too: its root links its own /etc/mdevctl.d, and
	 * the host's /etc is then left alone all the same. */
	link_host_store(sb, store);
	free(sys);
	free(store);
}

/* True once a connect() to the UNIX socket at path succeeds. */
static bool socket_answers(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return ok;
}

/* libvirtd -d returns before it accepts connections: wait until its socket
 * does (bounded), so COMMAND's first virsh finds it. */
static void start_libvirtd(const struct sandbox *sb)
{
	if (sb->qemu_driver) {
		char *qconf = xpath_join(sb->root, "libvirt/qemu.conf");

		bind_mount(qconf, LIBVIRT_QEMU_CONF);
		free(qconf);
	}

	char *drivers = xpath_join(sb->root, "libvirt/drivers");
	char *conf = xpath_join(sb->root, "libvirt/libvirtd.conf");
	long long deadline = now_ms() + LIBVIRTD_START_MS;
	struct timespec tick = {.tv_nsec = 20 * 1000 * 1000};
	pid_t pid = fork();
	int code;

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		default_signals();
		if (setenv("LIBVIRT_DRIVER_DIR", drivers, 1) < 0 ||
		    dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		execl(sb->libvirtd, "libvirtd", "-d", "-f", conf, "-p",
		      "/run/libvirtd.pid", (char *)NULL);
		fprintf(stderr, "mdev-sandbox: exec %s: %s\n", sb->libvirtd,
			strerror(errno));
		_exit(127);
	}
	code = wait_child(pid);
	if (code != 0)
		die("libvirtd exited with status %d (log: %s/libvirt/"
		    "libvirtd.log)",
		    code, sb->root);
	while (!socket_answers("/run/libvirt/libvirt-sock")) {
		if (now_ms() > deadline)
			die("libvirtd did not open /run/libvirt/libvirt-sock "
			    "within %d s (log: %s/libvirt/libvirtd.log)",
			    LIBVIRTD_START_MS / 1000, sb->root);
		nanosleep(&tick, NULL);
	}
	if (setenv("LIBVIRT_DEFAULT_URI",
		   sb->qemu_driver ? "qemu:///system" : "nodedev:///system",
		   1) < 0)
		die("setenv: %s", strerror(errno));
	free(drivers);
	free(conf);
}

static int run_command(const struct sandbox *sb)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		default_signals();
		execvp(sb->command[0], sb->command);
		fprintf(stderr, "mdev-sandbox: %s: %s\n", sb->command[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	forward_signals_to(pid);
	return wait_child(pid);
}

static void mount_devdir(const struct sandbox *sb)
{
	char why[PATH_MAX + 128];

	if (devdir_mount(sb->root, why, sizeof(why)) < 0)
		die("/dev: %s", why);
}

/* MDEV_QEMU_PATH in the sandbox's /run, which --userland binds in too, so
 * a domain's <emulator> is the same path either way. */
static void install_mdev_qemu(const struct sandbox *sb)
{
	int fd;

	xmkdir_p("/run/mdev-sandbox/bin", 0755);
	fd = open(MDEV_QEMU_PATH, O_CREAT | O_WRONLY | O_CLOEXEC, 0755);
	if (fd < 0)
		die("%s: %s", MDEV_QEMU_PATH, strerror(errno));
	close(fd);
	bind_mount(sb->mdev_qemu, MDEV_QEMU_PATH);
}

static void enter_userland(const struct sandbox *sb)
{
	const struct userland u = {sb->userland, sb->root, sb->mdevctl};
	char why[PATH_MAX + 128];

	if (userland_enter(&u, why, sizeof(why)) < 0)
		die("--userland %s: %s", sb->userland, why);
}

static int session(const struct sandbox *sb)
{
	if (unshare(CLONE_NEWNET) < 0)
		die("unshare(CLONE_NEWNET): %s", strerror(errno));
	loopback_up();
	setup_environment(sb);
	start_mdevd(sb);
	mount_private_dirs(sb);
	if (sb->mdev_qemu)
		install_mdev_qemu(sb);
	if (sb->qemu_driver)
		mount_devdir(sb);
	if (sb->userland)
		enter_userland(sb);
	if (sb->libvirtd)
		start_libvirtd(sb);
	return run_command(sb);
}

/* --- init: PID 1 of the sandbox ---------------------------------------- */

/* Reaps everything; true once no process is left in the namespace. */
static bool reap_all(void)
{
	for (;;) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);

		if (pid > 0)
			continue;
		return pid < 0 && errno == ECHILD;
	}
}

/* Asks every remaining process to stop (mdevd unmounts on SIGTERM), then
 * kills what is still there after the grace period. */
static void stop_everything(void)
{
	long long deadline = now_ms() + STOP_GRACE_MS;
	struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};

	kill(-1, SIGTERM);
	while (!reap_all()) {
		if (now_ms() > deadline) {
			kill(-1, SIGKILL);
			while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
				;
			return;
		}
		nanosleep(&tick, NULL);
	}
}

static void mount_private(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		int e = errno;

		/* The kernel changes propagation only of a mount point. */
		die("make / private: %s%s", strerror(e),
		    e == EINVAL ? " (/ is not a mount point: in a chroot, "
				  "bind-mount its directory onto itself first)"
				: "");
	}
	/* A /proc of our PID namespace, so that pids inside are the ones
	 * kill(1) and pidof(1) work with. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		die("mount /proc: %s", strerror(errno));
}

/* Dies with the parent: PDEATHSIG, plus a check for a parent that died
 * before it was set. Inside a new PID namespace getppid() is 0, so the
 * check is the parent's end of a pipe: readable (EOF) = parent gone. */
static void die_with_parent(int parent_alive_fd)
{
	struct pollfd pfd = {.fd = parent_alive_fd, .events = POLLIN};

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("prctl: %s", strerror(errno));
	if (poll(&pfd, 1, 0) != 0)
		_exit(EXIT_SANDBOX);
	close(parent_alive_fd);
}

static int sandbox_init(const struct sandbox *sb, int parent_alive_fd)
{
	pid_t pid;
	int code = EXIT_SANDBOX, status;

	die_with_parent(parent_alive_fd);
	mount_private();

	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(session(sb));
	forward_signals_to(pid);
	/* As PID 1, adopt and reap orphans until the session ends. */
	for (;;) {
		pid_t done = waitpid(-1, &status, 0);

		if (done == pid) {
			code = exit_code(status);
			break;
		}
		if (done < 0 && errno != EINTR)
			break;
	}
	forward_to = 0;
	stop_everything();
	return code;
}

/* --- the PID namespace's parent ---------------------------------------- */

/* unshare(CLONE_NEWPID) happens in a process of its own: once the new
 * namespace's init is gone, its unsharer can no longer fork, which would
 * break anything mdev-sandbox runs at exit (such as LeakSanitizer). */
static int pidns_parent(const struct sandbox *sb, int parent_alive_fd)
{
	int alive[2];
	pid_t init;

	die_with_parent(parent_alive_fd);
	if (unshare(CLONE_NEWPID) < 0) {
		int e = errno;

		die("unshare(CLONE_NEWPID): %s%s", strerror(e),
		    e == EPERM ? " (mdev-sandbox needs root)" : "");
	}
	if (pipe2(alive, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	init = fork();
	if (init < 0)
		die("fork: %s", strerror(errno));
	if (init == 0) {
		close(alive[1]);
		_exit(sandbox_init(sb, alive[0]));
	}
	close(alive[0]);
	forward_signals_to(init);
	return wait_child(init);
}

/* --- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static const char *const ctl_dirs[] = {"../ctl/", "../lib/mdevkit/bin/",
					       "", NULL};
	static const char *const fs_dirs[] = {"", "../fs/", NULL};
	struct sandbox sb = {0};
	char *dir, *slash;
	pid_t child;
	int alive[2], code;

	parse_args(argc, argv, &sb);
	require_root();
	dir = self_dir();
	sb.mdevd = find_tool("MDEV_SANDBOX_MDEVD", "mdevd", dir, fs_dirs);
	sb.mdevctl =
	    find_tool("MDEV_SANDBOX_MDEVCTL", "mdevctl", dir, ctl_dirs);
	sb.mdevctl_dir = xstrdup(sb.mdevctl);
	slash = strrchr(sb.mdevctl_dir, '/');
	*slash = '\0';
	free(dir);
	make_root(&sb);
	prepare_root(&sb);

	if (pipe2(alive, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	child = fork();
	if (child < 0)
		die("fork: %s", strerror(errno));
	if (child == 0) {
		close(alive[1]);
		_exit(pidns_parent(&sb, alive[0]));
	}
	close(alive[0]);
	forward_signals_to(child);
	code = wait_child(child);
	close(alive[1]);
	if (!sb.keep_root) {
		temp_root = NULL;
		remove_root(sb.root);
	}
	free(sb.root);
	free(sb.state);
	free(sb.mdevd);
	free(sb.mdevctl);
	free(sb.mdevctl_dir);
	free(sb.libvirtd);
	free(sb.qemu_driver);
	free(sb.mdev_qemu);
	free(sb.userland);
	free(sb.nodedev_driver);
	free((char *)sb.hardware);
	return code;
}
