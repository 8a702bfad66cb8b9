#!/bin/bash
# The Nova double-create race (issue 11), inside mdev-sandbox (run by
# test-libvirt-race.sh, or by hand:
#   WORK=$(mktemp -d) ROUNDS=10 build/src/sandbox/mdev-sandbox \
#     --hardware HW --root $WORK/root -- bash tests/libvirt/race-create.sh
# with HW two NVIDIA PCI parents 0000:65:00.0 and 0000:66:00.0). Per round
# it does what Nova 31's _create_new_mediated_device does for one vGPU per
# GPU (nodedev-create, nodedev-define, nodedev-autostart) and asks libvirt
# at once whether the device is active. A create of 1 s or more (libvirt
# missed the device and slept 5 s) or an inactive or missing device counts
# as bad; the last line is "race: N bad of M"; more than RACE_ALLOWED
# (default 0) bad ones fail.
set -eu
. "$(dirname "$0")/libvirt-lib.sh"
: "${WORK:?}"
rounds=${ROUNDS:-12}
lv_start "$WORK/libvirt"
sleep 1
bad=0
parents=(0000:65:00.0 0000:66:00.0)
type_of() {
	local t
	for t in /sys/class/mdev_bus/$1/mdev_supported_types/*/; do
		t=${t%/}
		[ "$(cat "$t/available_instances")" -gt 0 ] && { echo "${t##*/}"; return; }
	done
}
for r in $(seq "$rounds"); do
	made=()
	for p in "${parents[@]}"; do
		u=$(cat /proc/sys/kernel/random/uuid)
		pn="pci_${p//[:.]/_}"
		printf "<device><parent>%s</parent><capability type='mdev'><type id='%s'/><uuid>%s</uuid></capability></device>\n" "$pn" "$(type_of "$p")" "$u" >"$WORK/d.xml"
		name=mdev_${u//-/_}_${p//[:.]/_}
		s=$(date +%s%N)
		vsh nodedev-create "$WORK/d.xml" >/dev/null
		c=$((($(date +%s%N) - s) / 1000000))
		vsh nodedev-define "$WORK/d.xml" >/dev/null
		vsh nodedev-autostart "$name" >/dev/null
		ms=$((($(date +%s%N) - s) / 1000000))
		active=$(vsh nodedev-info "$name" 2>&1 | awk '/^Active:/ {print $2}')
		echo "round $r $p: create $c ms, +define+autostart $ms ms, active=${active:-missing}"
		if [ "$c" -ge 1000 ] || [ "${active:-}" != yes ]; then bad=$((bad + 1)); fi
		made+=("$name")
	done
	for name in "${made[@]}"; do
		vsh nodedev-destroy "$name" >/dev/null 2>&1 || true
		vsh nodedev-undefine "$name" >/dev/null 2>&1 || true
	done
	sleep 0.3
done
echo "race: $bad bad of $((rounds * 2)) (allowed: ${RACE_ALLOWED:-0})"
[ "$bad" -le "${RACE_ALLOWED:-0}" ]
