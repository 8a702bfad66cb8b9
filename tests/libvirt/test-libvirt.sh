#!/bin/bash
# End to end: Debian's own libvirtd (node-device driver only) on mdevkit,
# inside mdev-sandbox (libvirt-e2e.sh).
#
#   test-libvirt.sh          the host's libvirt (Debian 12: 9.0), our
#                            mdevctl in its default mode (1.2)
#   test-libvirt.sh ROOT     libvirt from ROOT of tests/stack-roots.sh
#                            (trixie-stack: Debian 13's 11.3;
#                            trixie-bpo-libvirt: trixie-backports' 12.9)
#                            through mdev-sandbox --userland, our mdevctl
#                            in 1.4 mode, and the nodedev-update steps
#                            again with ROOT's own mdevctl 1.4.0 to compare
#   test-libvirt.sh ROOT real   the same with ROOT's mdevctl 1.4.0 alone
#                            (ours off PATH): the checks hold for it too
# Skips (77) when libvirtd is not installed, the root cannot be built (a
# failure under CI=1: CI must run it) or the machine cannot give
# mdev-sandbox a private mount namespace.
# Env: MDEV_SANDBOX = path of the mdev-sandbox executable (it finds mdevd,
#      mdevctl and the vfio_ap callout beside itself in the build tree).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/libvirt-lib.sh"
: "${MDEV_SANDBOX:?}"
[ "$(id -u)" = 0 ] || { echo "needs root: skip"; exit 77; }
. "$here/../lib-env.sh"
require_private_mounts
lv_userland ${1:+"$1"}
if [ $# -ge 1 ]; then
	root=$lv_root
	[ "${2:-}" != real ] || export E2E_MDEVCTL=real
else
	command -v uuidgen >/dev/null || { echo "FAIL: uuidgen (uuid-runtime) missing"; exit 1; }
fi

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

# The scripts run from $work: under --userland the checkout is not inside
# the root, /tmp is (at the same path, as the hardware file mdevd reads).
cp "$here/libvirt-e2e.sh" "$here/libvirt-lib.sh" "$here/tap.sh" "$work/"
HW="$work/hw.json" WORK="$work" timeout 540 \
	"$MDEV_SANDBOX" --hardware "$work/hw.json" --root "$work/root" \
	${userland[@]+"${userland[@]}"} -- bash "$work/libvirt-e2e.sh"
