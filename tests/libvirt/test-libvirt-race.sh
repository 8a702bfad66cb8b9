#!/bin/bash
# Nova's create, define, autostart of one vGPU on each of two GPUs, many
# times, against Debian's libvirtd in mdev-sandbox (race-create.sh): every
# create under 1 s and every device active at once. Skips (77) only when
# libvirtd is not installed or there is no private mount namespace.
#   test-libvirt-race.sh        the host's libvirt (Debian 12: 9.0)
#   test-libvirt-race.sh ROOT   libvirt from ROOT of tests/stack-roots.sh
#                               (mdev-sandbox --userland, our mdevctl in
#                               1.4 mode; a failure under CI=1 when the
#                               root cannot be built)
# Env: MDEV_SANDBOX, ROUNDS (default 12: 24 creates).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/libvirt-lib.sh"
: "${MDEV_SANDBOX:?}"
[ "$(id -u)" = 0 ] || { echo "needs root: skip"; exit 77; }
. "$here/../lib-env.sh"
require_private_mounts
lv_userland "$@"
if [ $# -ge 1 ]; then
	# Debian 13's libvirt hands udev events to a worker thread, and its
	# lookup after `mdevctl start` still misses a device now and then on
	# a loaded machine: 0 of 24 idle, 1-2 of 24 during a fresh CI run
	# (Debian's own 1.4.0 also missed one under load). Up to 3 of 24 are
	# allowed; before the symlinked store 11.3 missed every second
	# create, 12 of 24, every run.
	export RACE_ALLOWED=${RACE_ALLOWED:-3}
fi

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
# The checkout is the working directory: --userland binds it in, so the
# script is found inside.
cd "$here/../.."
WORK="$work" timeout 540 "$MDEV_SANDBOX" "${userland[@]}" --hardware "$work/hw.json" \
	--root "$work/root" -- bash "$here/race-create.sh"
