# shellcheck shell=sh
# What this machine allows a test, worded once. Sourced (POSIX sh) by every
# test family's helpers and by scripts/test.sh.
#
# The mounted-tree, stress, compatibility and libvirt tests each run in
# their own mount namespace whose mounts are private (unshare -m
# --propagation private, mdev-sandbox), so that a tree left mounted by a
# crash dies with its test. Making mounts private changes the propagation
# of /, which the kernel refuses (EINVAL) when / is not a mount point: a
# plain chroot. A VM or a container always has / mounted.

# Prints why private mount namespaces cannot be made here and returns 0;
# prints nothing and returns 1 when they can.
private_mounts_unavailable() {
	if ! command -v unshare >/dev/null 2>&1; then
		echo "unshare (util-linux) is not installed"
		return 0
	fi
	if unshare -m --propagation private true 2>/dev/null; then
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "private mount namespaces need root"
	elif ! mountpoint -q /; then
		echo "/ is not a mount point (a chroot?), so a private mount namespace cannot change its propagation; bind-mount the chroot's directory onto itself (mount --bind DIR DIR) before entering it"
	else
		echo "cannot create a private mount namespace: $(unshare -m --propagation private true 2>&1 | head -n 1)"
	fi
	return 0
}

# For a test that cannot run without them: exits 77 (meson's "skipped")
# with the reason, instead of failing on the first mount.
require_private_mounts() {
	if _mountns_why=$(private_mounts_unavailable); then
		echo "SKIP: $_mountns_why"
		exit 77
	fi
}

# Prints a path of executable PROG that the unprivileged user (uid 65534)
# can run: PROG itself, or a copy in DIR when a directory above PROG is
# closed to it (a checkout under /root, mode 0700). DIR must be searchable
# by that user.
runnable_by_nobody() {
	if setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$1" 2>/dev/null; then
		echo "$1"
		return
	fi
	mkdir -p "$2"
	cp "$1" "$2/" && chmod 755 "$2" "$2/${1##*/}"
	echo "$2/${1##*/}"
}
