#!/bin/bash
# End to end: Debian's own libvirtd (node-device driver only) on mdevkit,
# inside mdev-sandbox. Skips (77) only when libvirtd is not installed or
# the machine cannot give mdev-sandbox a private mount namespace.
# Env: MDEV_SANDBOX = path of the mdev-sandbox executable (it finds mdevd
#      and mdevctl beside itself in the build tree).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/libvirt-lib.sh"
: "${MDEV_SANDBOX:?}"
lv_available || { echo "libvirtd / virsh / nodedev driver not installed: skip"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root: skip"; exit 77; }
. "$here/../lib-env.sh"
require_private_mounts
command -v uuidgen >/dev/null || { echo "FAIL: uuidgen (uuid-runtime) missing"; exit 1; }

work=$(mktemp -d /tmp/mdev-libvirt.XXXXXX)
# The sandbox's mounts live in its own namespace and die with it; only the
# directory is ours to remove.
trap 'rm -rf "$work"' EXIT

# The embedded demo, spelled out so the test can add a parent at run time,
# plus an s390 subchannel (libvirt's css device type). mbochs and mdpy are
# left out: libvirt 9.0 discards their parents ("Could not determine device
# type"), as it does on a real kernel.
cat >"$work/hw-base.json" <<'JSON'
{
  "parents": [
    { "driver": "i915", "name": "0000:00:02.0" },
    { "driver": "nvidia", "name": "0000:65:00.0" },
    { "driver": "mtty" },
    { "driver": "vfio_ap" },
    { "driver": "vfio_ccw" }
  ]
}
JSON
sed 's|{ "driver": "vfio_ccw" }|{ "driver": "vfio_ccw" },\n    { "driver": "nvidia", "name": "0000:66:00.0" }|' \
	"$work/hw-base.json" >"$work/hw-plus.json"
cp "$work/hw-base.json" "$work/hw.json"

HW="$work/hw.json" WORK="$work" timeout 540 \
	"$MDEV_SANDBOX" --hardware "$work/hw.json" --root "$work/root" -- \
	bash "$here/libvirt-e2e.sh"
