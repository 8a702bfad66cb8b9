#!/bin/bash
# Nova's create, define, autostart of one vGPU on each of two GPUs, many
# times, against Debian's libvirtd in mdev-sandbox (race-create.sh): every
# create under 1 s and every device active at once. Skips (77) only when
# libvirtd is not installed or there is no private mount namespace.
# Env: MDEV_SANDBOX, ROUNDS (default 12: 24 creates).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/libvirt-lib.sh"
: "${MDEV_SANDBOX:?}"
lv_available || { echo "libvirtd / virsh / nodedev driver not installed: skip"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root: skip"; exit 77; }
. "$here/../lib-env.sh"
require_private_mounts
command -v uuidgen >/dev/null || { echo "FAIL: uuidgen (uuid-runtime) missing"; exit 1; }

work=$(mktemp -d /tmp/mdev-race.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/hw.json" <<'JSON'
{
  "parents": [
    { "driver": "nvidia", "name": "0000:65:00.0" },
    { "driver": "nvidia", "name": "0000:66:00.0" }
  ]
}
JSON
WORK="$work" timeout 540 "$MDEV_SANDBOX" --hardware "$work/hw.json" \
	--root "$work/root" -- bash "$here/race-create.sh"
