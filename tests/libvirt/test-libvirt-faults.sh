#!/bin/bash
# libvirt 9.0 under mdevd's fault layer, inside mdev-sandbox
# (libvirt-faults.sh). Skips (77) only when libvirtd is not installed or
# the machine cannot give mdev-sandbox a private mount namespace.
# Env: MDEV_SANDBOX, MDEVD.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/libvirt-lib.sh"
: "${MDEV_SANDBOX:?}" "${MDEVD:?}"
lv_available || { echo "libvirtd / virsh / nodedev driver not installed: skip"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root: skip"; exit 77; }
. "$here/../lib-env.sh"
require_private_mounts
command -v uuidgen >/dev/null || { echo "FAIL: uuidgen (uuid-runtime) missing"; exit 1; }

work=$(mktemp -d /tmp/mdev-lvfaults.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/hw.json" <<'JSON'
{"parents": [{"driver": "nvidia", "name": "0000:65:00.0"}, {"driver": "mtty"}]}
JSON
WORK="$work" MDEVD="$MDEVD" timeout 300 \
	"$MDEV_SANDBOX" --hardware "$work/hw.json" --root "$work/root" -- \
	bash "$here/libvirt-faults.sh"
