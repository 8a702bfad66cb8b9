#!/bin/bash
# mdev-sandbox as an unprivileged user (nobody), through a user namespace:
# the same sandbox as under root — mdevctl types and start on the tree at
# /sys, libvirtd with --libvirt seeing the types and the new device — with
# the files it writes owned by the user; and when the machine cannot, one
# line saying what it lacks (here: a /dev/fuse the user may not open),
# exit 125, nothing left behind.
#
# /dev/fuse's mode is the machine's (Debian's fuse3 makes it 0666; a VM
# without udev leaves the kernel's 0600): each case binds a node of the
# mode it needs over /dev/fuse in a private mount namespace of this test,
# so the host's is never changed.
# Env: MDEV_SANDBOX, MDEVD, MDEVCTL, LIBMDEV (the executables, libmdev.so).
set -eu
: "${MDEV_SANDBOX:?}" "${MDEVD:?}" "${MDEVCTL:?}" "${LIBMDEV:?}"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to become nobody"; exit 77; }
. "$(dirname "$0")/../lib-env.sh"
require_private_mounts
command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) is not installed"; exit 77; }
if ! setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true 2>/dev/null; then
	echo "SKIP: this kernel gives nobody no user namespace: $(setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true 2>&1 | head -n 1)"
	exit 77
fi
if [ -z "${MDEV_ROOTLESS_NS:-}" ]; then
	export MDEV_ROOTLESS_NS=1
	exec unshare -m --propagation private "$0" "$@"
fi

work=$(mktemp -d /tmp/mdev-rootless-test.XXXXXX)
chmod 755 "$work"
trap 'umount /dev/fuse 2>/dev/null || true; rm -rf --one-file-system "$work"' EXIT
. "$(dirname "$0")/tap.sh"

# Copies nobody can run (the build tree may be closed to it): the sandbox
# finds mdevd and mdevctl through its variables, mdevd libmdev.so.0
# through LD_LIBRARY_PATH.
bin=$work/bin
mkdir "$bin"
cp "$MDEV_SANDBOX" "$MDEVD" "$MDEVCTL" "$bin/"
cp "$LIBMDEV" "$bin/libmdev.so.0"
chmod -R a+rX "$bin"
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$work" TMPDIR="$work/tmp" \
		LD_LIBRARY_PATH="$bin" MDEV_SANDBOX_MDEVD="$bin/mdevd" MDEV_SANDBOX_MDEVCTL="$bin/mdevctl" \
		"$@"
}
mkdir -m 777 "$work/tmp"

# fuse_node MODE: /dev/fuse, in this namespace, is a node of that mode.
fuse_node() {
	umount /dev/fuse 2>/dev/null || true
	rm -f "$work/fuse"
	mknod -m "$1" "$work/fuse" c 10 229
	mount --bind "$work/fuse" /dev/fuse
}

# --- what the machine lacks, in one line
fuse_node 600
set +e
as_nobody "$bin/mdev-sandbox" -- true 2>"$work/err"; code=$?
set -e
check "no usable /dev/fuse: exit 125" test "$code" = 125
check "... one line naming /dev/fuse and its mode" eval \
	'test "$(wc -l <"$work/err")" = 1 && grep -q "needs root, or a user namespace: /dev/fuse is mode 0600" "$work/err"'
check "... and no temporary root left" test -z "$(ls -A "$work/tmp")"
sed 's/^/#   /' "$work/err"

# --- the sandbox as nobody
fuse_node 666
mkdir -m 755 "$work/root"
chown 65534:65534 "$work/root"
set +e
out=$(as_nobody "$bin/mdev-sandbox" --root "$work/root" --libvirt -- sh -c '
	echo "uid $(id -u)"
	mdevctl types | grep -c "^  [^ ]"
	U=$(mdevctl start -p mtty -t mtty-1) || exit 1
	echo "dev $(readlink /sys/bus/mdev/devices/$U)"
	mdevctl define -u "$U" -p mtty -t mtty-1 || exit 1
	for _ in $(seq 50); do
		virsh nodedev-list --cap mdev | grep -q . && break
		sleep 0.1
	done
	echo "types: $(virsh nodedev-list --cap mdev_types | tr "\n" " ")"
	echo "mdev: $(virsh nodedev-list --cap mdev | tr "\n" " ")"
' 2>"$work/err"); code=$?
set -e
echo "$out" | sed 's/^/#   /'
check "rootless sandbox: exit 0" test "$code" = 0
check "... the command runs as root of its namespace" grep -qx "uid 0" <<<"$out"
check "... mdevctl types lists the demo's types" grep -qx "14" <<<"$out"
check "... mdevctl start creates a device under /sys" grep -q "^dev ../../../devices/virtual/mtty/mtty/" <<<"$out"
check "... libvirtd sees the parents' types" grep -q "^types: .*mtty_mtty" <<<"$out"
check "... and the new device" grep -q "^mdev: mdev_.*_mtty" <<<"$out"
owner=$(stat -c %u "$(find "$work/root/etc/mdevctl.d/mtty" -type f | head -n 1)")
check "... the definition it wrote belongs to nobody" test "$owner" = 65534
check "... the host's /sys is the kernel's" test "$(stat -f -c %T /sys)" = sysfs
[ "$failures" = 0 ] || sed 's/^/#   /' "$work/err"

echo "1..$n"
[ "$failures" = 0 ]
