#!/bin/bash
# A static host laid out as the kernel's (tests/fs/host-tree.sh) recorded
# with mdevd --record and replayed in mdev-sandbox: libvirt 9.0 shows the
# host's parents, types and devices (libvirt-record.sh). Skips (77) only
# without libvirtd or private mounts. Env: MDEV_SANDBOX, MDEVD.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/libvirt-lib.sh"
: "${MDEV_SANDBOX:?}" "${MDEVD:?}"
lv_available || { echo "libvirtd / virsh / nodedev driver not installed: skip"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root: skip"; exit 77; }
. "$here/../lib-env.sh"
require_private_mounts
work=$(mktemp -d /tmp/mdev-lvrecord.XXXXXX)
trap 'rm -rf "$work"' EXIT
H=$work/host
. "$here/../fs/host-tree.sh"
"$MDEVD" --record "$S" >"$work/host.json" 2>"$work/report" ||
	{ echo "FAIL: record: $(cat "$work/report")"; exit 1; }
HOST_SYS="$S" WORK="$work" timeout 300 \
	"$MDEV_SANDBOX" --hardware "$work/host.json" --root "$work/root" -- \
	bash "$here/libvirt-record.sh"
