// SPDX-License-Identifier: MIT
/*
 * mdev-sandbox --userland DIR: COMMAND (and libvirtd) run from another
 * distribution's root, such as a Debian 13 made by scripts/debian-root.sh,
 * so that its libvirt, mdevctl and Nova run unmodified against mdevd.
 *
 * The root is the lower layer of an overlay whose upper layer is in the
 * sandbox's root: programs inside may write anywhere (libvirt keeps state
 * in /var) while DIR itself, typically a cache shared by many runs, is
 * never changed. The sandbox's /dev, /proc, /sys (mdevd's tree), /run,
 * /tmp, its root and the current directory are bound in at the same
 * paths, so paths that COMMAND is given mean the same inside; /etc/mdevctl.d
 * is a symlink to the sandbox's store (link_store).
 *
 * mdevkit's mdevctl was built for the host, not for DIR's C library: it
 * runs inside through the host's own dynamic loader and library directory,
 * bound read-only under /run/mdev-sandbox/host, from a wrapper that is
 * first on PATH. libvirtd passes few variables to the programs it runs, so
 * the wrapper fixes MDEVCTL_COMPAT to the value it had when the sandbox
 * started.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fsutil.h"
#include "overlay.h"
#include "userland.h"
#include "why.h"

/* Where the host's programs and libraries appear inside the root. */
#define HOST_DIR "/run/mdev-sandbox/host"
#define BIN_DIR "/run/mdev-sandbox/bin"

int userland_check(const char *dir, char *why, size_t len)
{
	char *sh = path_join(dir, "bin/sh");
	struct stat st;
	int ret = 0;

	if (!sh)
		return why_fail(why, len, ENOMEM, "%s", dir);
	if (stat(dir, &st) < 0)
		ret = why_fail(why, len, errno, "--userland %s", dir);
	else if (!S_ISDIR(st.st_mode))
		ret = why_fail(why, len, ENOTDIR, "--userland %s", dir);
	else if (access(sh, X_OK) < 0)
		ret = why_fail(why, len, errno,
			       "--userland %s: no /bin/sh, not a root", dir);
	else if (strpbrk(dir, ",:\\"))
		/* overlayfs splits its options at these. */
		ret = why_fail(
		    why, len, EINVAL,
		    "--userland %s: the path contains ',', ':' or '\\'", dir);
	free(sh);
	return ret;
}

/* The dynamic loader this program was started with (its PT_INTERP): the
 * host's, whatever the distribution calls it. */
static const char *host_loader(void)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	size_t n = getauxval(AT_PHNUM);
	uintptr_t bias = 0;

	if (!ph)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (uintptr_t)ph - ph[i].p_vaddr;
	for (size_t i = 0; i < n; i++)
		if (ph[i].p_type == PT_INTERP)
			return (const char *)(bias + ph[i].p_vaddr);
	return NULL;
}

/* mkdir -p MERGED/PATH and bind PATH there (recursively: /dev/pts, /run's
 * and /sys's own mounts come along). */
static int bind_in(const char *merged, const char *path, bool readonly,
		   char *why, size_t len)
{
	char *to = path_join(merged, path);
	struct stat st;
	int ret = 0;

	if (!to)
		return why_fail(why, len, ENOMEM, "%s", path);
	if (stat(path, &st) < 0) {
		ret = why_fail(why, len, errno, "%s", path);
	} else if (S_ISDIR(st.st_mode)) {
		ret = mkdir_p(to, 0755);
		if (ret)
			ret = why_fail(why, len, -ret, "mkdir %s", to);
	} else {
		/* A file's mount point is a file. */
		char *slash = strrchr(to, '/');
		int fd;

		*slash = '\0';
		ret = mkdir_p(to, 0755);
		*slash = '/';
		fd = ret ? -1 : open(to, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0)
			ret = why_fail(why, len, ret ? -ret : errno,
				       "create %s", to);
		else
			close(fd);
	}
	if (!ret && mount(path, to, NULL, MS_BIND | MS_REC, NULL) < 0)
		ret = why_fail(why, len, errno, "bind %s into the userland",
			       path);
	if (!ret && readonly &&
	    mount(NULL, to, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		ret = why_fail(why, len, errno, "read-only %s", to);
	free(to);
	return ret;
}

static bool is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || !path[n]);
}

/* The overlay: DIR below, ROOT/userland/{upper,work} above, mounted on
 * ROOT/userland/merged. */
static int mount_overlay(const struct userland *u, char **merged, char *why,
			 size_t len)
{
	char *layers = path_join(u->sandbox_root, "userland");
	char *at = path_join(u->sandbox_root, "userland/merged");
	int ret = 0;

	if (!layers || !at)
		ret = why_fail(why, len, ENOMEM, "%s", u->sandbox_root);
	else if ((ret = mkdir_p(at, 0755)))
		ret = why_fail(why, len, -ret, "mkdir %s", at);
	else
		ret = overlay_mount(u->dir, layers, at, why, len);
	free(layers);
	if (ret)
		free(at);
	else
		*merged = at;
	return ret;
}

/* MERGED/etc/mdevctl.d -> ROOT/etc/mdevctl.d (ROOT is bound in at its
 * own path); the root's own store (its package's scripts.d) is hidden. */
static int link_store(const struct userland *u, const char *merged, char *why,
		      size_t len)
{
	char *store = path_join(u->sandbox_root, "etc/mdevctl.d");
	char *etc = path_join(merged, "etc");
	int ret = store && etc ? overlay_link_store(etc, store, why, len)
			       : why_fail(why, len, ENOMEM, "%s", merged);

	free(store);
	free(etc);
	return ret;
}

/* Binds the sandbox's own directories in, each once: a path under one
 * already bound comes with it. */
static int bind_sandbox_dirs(const struct userland *u, const char *merged,
			     char *why, size_t len)
{
	char cwd[PATH_MAX];
	const char *paths[] = {"/dev", "/proc",		"/sys", "/run",
			       "/tmp", u->sandbox_root, NULL};
	size_t n = ARRAY_SIZE(paths) - 1;
	int ret;

	if (getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") != 0)
		paths[n++] = cwd;
	for (size_t i = 0; i < n; i++) {
		bool covered = false;

		for (size_t j = 0; j < i && !covered; j++)
			covered = is_under(paths[i], paths[j]);
		if (covered)
			continue;
		ret = bind_in(merged, paths[i], false, why, len);
		if (ret)
			return ret;
	}
	return link_store(u, merged, why, len);
}

/* BIN_DIR/mdevctl inside /run: runs the host's mdevctl with the host's
 * loader and libraries (bound under HOST_DIR). */
static int write_mdevctl_wrapper(char *why, size_t len)
{
	const char *interp = host_loader();
	char *loader = interp ? realpath(interp, NULL) : NULL;
	char *libdir = NULL, *script = NULL, *compat = NULL;
	const char *mode = getenv("MDEVCTL_COMPAT");
	int ret;

	if (!loader)
		return why_fail(why, len, interp ? errno : ENOENT,
				"the host's dynamic loader %s",
				interp ? interp : "(none)");
	/* The host's /usr is what is bound in: the loader (and beside it the
	 * C library) must be there, as on every merged-/usr distribution. */
	if (!is_under(loader, "/usr")) {
		ret = why_fail(why, len, ENOTSUP,
			       "the host's loader %s is not "
			       "under /usr",
			       loader);
		goto out;
	}
	libdir = strdup(loader);
	if (!libdir) {
		ret = why_fail(why, len, ENOMEM, "%s", loader);
		goto out;
	}
	*strrchr(libdir, '/') = '\0';
	if (mode && *mode && strspn(mode, "0123456789.") != strlen(mode)) {
		ret = why_fail(why, len, EINVAL, "MDEVCTL_COMPAT=%s", mode);
		goto out;
	}
	if (mode && *mode &&
	    asprintf(&compat,
		     "MDEVCTL_COMPAT=${MDEVCTL_COMPAT:-%s}\n"
		     "export MDEVCTL_COMPAT\n",
		     mode) < 0) {
		/* A wrapper without the mode would run the other mdevctl. */
		compat = NULL;
		ret = why_fail(why, len, ENOMEM, "%s", "mdevctl wrapper");
		goto out;
	}
	if (asprintf(&script,
		     "#!/bin/sh\n"
		     "# mdev-sandbox: mdevkit's mdevctl, built for the host, "
		     "run with the host's\n"
		     "# loader and libraries.\n"
		     "%s"
		     "exec " HOST_DIR "%s --argv0 \"${0##*/}\" "
		     "--library-path " HOST_DIR "%s " HOST_DIR
		     "/mdevctl \"$@\"\n",
		     compat ? compat : "", loader, libdir) < 0) {
		script = NULL;
		ret = why_fail(why, len, ENOMEM, "%s", "mdevctl wrapper");
		goto out;
	}
	ret = mkdir_p(BIN_DIR, 0755);
	if (ret) {
		ret = why_fail(why, len, -ret, "mkdir %s", BIN_DIR);
		goto out;
	}
	/* A fresh file in the sandbox's own /run: nobody reads it yet, so
	 * it needs no temporary name. */
	int fd = open(BIN_DIR "/mdevctl",
		      O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0755);
	if (fd < 0 || (ret = write_all(fd, script, strlen(script)))) {
		ret = why_fail(why, len, fd < 0 ? errno : -ret, "write %s",
			       BIN_DIR "/mdevctl");
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	if (symlink("mdevctl", BIN_DIR "/lsmdev") < 0 && errno != EEXIST)
		ret = why_fail(why, len, errno, "%s", BIN_DIR "/lsmdev");
out:
	free(compat);
	free(script);
	free(libdir);
	free(loader);
	return ret;
}

/* The host's /usr and our mdevctl, under HOST_DIR in the sandbox's /run
 * (which is bound into the root). */
static int bind_host_mdevctl(const struct userland *u, char *why, size_t len)
{
	int ret = bind_in(HOST_DIR, "/usr", true, why, len);

	if (ret)
		return ret;
	char *to = path_join(HOST_DIR, "mdevctl");
	int fd = to ? open(to, O_CREAT | O_WRONLY | O_CLOEXEC, 0755) : -1;

	if (fd < 0)
		ret = why_fail(why, len, to ? errno : ENOMEM, "create %s",
			       HOST_DIR "/mdevctl");
	else
		close(fd);
	if (!ret && mount(u->mdevctl, to, NULL, MS_BIND, NULL) < 0)
		ret = why_fail(why, len, errno, "bind %s", u->mdevctl);
	free(to);
	return ret;
}

int userland_enter(const struct userland *u, char *why, size_t len)
{
	char cwd[PATH_MAX];
	char *merged = NULL;
	int ret;

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	ret = bind_host_mdevctl(u, why, len);
	if (!ret)
		ret = write_mdevctl_wrapper(why, len);
	if (!ret)
		ret = mount_overlay(u, &merged, why, len);
	if (!ret)
		ret = bind_sandbox_dirs(u, merged, why, len);
	if (!ret && chroot(merged) < 0)
		ret = why_fail(why, len, errno, "chroot %s", merged);
	if (!ret && chdir(cwd) < 0 && chdir("/") < 0)
		ret = why_fail(why, len, errno, "chdir %s", cwd);
	if (!ret && setenv("PATH",
			   BIN_DIR ":/usr/local/sbin:/usr/local/bin:/usr/sbin:"
				   "/usr/bin:/sbin:/bin",
			   1) < 0)
		ret = why_fail(why, len, errno, "%s", "setenv PATH");
	free(merged);
	return ret;
}
