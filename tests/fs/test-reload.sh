#!/bin/bash
# SIGHUP: parents come and go with the hardware file; a bad file changes
# nothing; names the kernel had cached (for an hour) disappear at once.
set -eu
. "$(dirname "$0")/lib.sh"

HW=$T/hw.json
hw() {
	printf '{"parents": [%s]}\n' "$1" >"$HW.tmp"
	mv "$HW.tmp" "$HW"
}
# wait_until DESCRIPTION COMMAND...: up to 10 s
wait_until() {
	local what=$1 i
	shift
	for i in $(seq 1 200); do
		"$@" && return 0
		sleep 0.05
	done
	fail "timed out waiting for $what"
}
log_has() {
	grep -q "$1" "$LOG"
}
gone() {
	[ ! -e "$1" ] && [ ! -L "$1" ]
}

I915='{"driver": "i915", "name": "0000:00:02.0"}'
MTTY='{"driver": "mtty"}'
AP='{"driver": "vfio_ap"}'
hw "$I915, $MTTY"
start_mdevd --hardware "$HW" --on-register "echo >>$T/registered"
G=$(typedir 0000:00:02.0 i915-GVTg_V5_4)
UG=22222222-0000-4000-8000-000000000001
UM=22222222-0000-4000-8000-000000000002
create "$G" "$UG"
create "$(typedir mtty mtty-1)" "$UM"
# Fill the kernel's caches: these names live for an hour unless we say.
stat "$SYS/class/mdev_bus/mtty/" "$SYS/devices/virtual/mtty/mtty/uevent" \
	"$SYS/class/mtty/mtty/" "$(typedir mtty mtty-2)/name" >/dev/null
cat "$SYS/class/mdev_bus/0000:00:02.0/numa_node" >/dev/null

# --- hot add vfio_ap, hot remove mtty
hw "$I915, $AP"
kill -HUP "$MDEVD_PID"
wait_until "matrix registered" log_has "parent matrix registered"
expect "parents after reload" "$(ls "$SYS/class/mdev_bus" | tr '\n' ' ')" "0000:00:02.0 matrix "
for p in class/mdev_bus/mtty devices/virtual/mtty/mtty class/mtty/mtty \
	"bus/mdev/devices/$UM"; do
	gone "$SYS/$p" || fail "$p still there after mtty was removed"
done
gone "$(typedir mtty mtty-2)/name" 2>/dev/null || fail "cached type file of a removed parent"
[ -e "$SYS/bus/mdev/devices/$UG" ] || fail "unchanged parent lost its device"
expect "matrix type" "$(cat "$(typedir matrix vfio_ap-passthrough)/name")" "VFIO AP Passthrough Device"
wait_until "on-register for matrix" grep -qx matrix "$T/registered"
ok "SIGHUP: parent added (on-register ran), parent removed with its devices"

# --- a bad file: message, nothing changes
printf '{"parents": [%s, {"driver": "nvidia", "name": "0000:65:00.0", "vendor": "xyz"}]}\n' "$I915" >"$HW"
kill -HUP "$MDEVD_PID"
wait_until "reload error" log_has "reload: .*hw.json: parents\[1\].vendor"
grep "reload: .*hw.json" "$LOG" | grep -q "nothing changed" || fail "reload error message: $(grep reload "$LOG")"
expect "parents after bad reload" "$(ls "$SYS/class/mdev_bus" | tr '\n' ' ')" "0000:00:02.0 matrix "
[ -e "$SYS/bus/mdev/devices/$UG" ] || fail "bad reload removed a device"
ok "SIGHUP with a bad file changes nothing"

# --- a changed parent is unplugged and plugged again (new files shown)
expect "numa_node before" "$(cat "$SYS/class/mdev_bus/0000:00:02.0/numa_node")" -1
hw '{"driver": "i915", "name": "0000:00:02.0", "numa_node": 0}, '"$AP"
kill -HUP "$MDEVD_PID"
wait_until "i915 re-registered" log_has "parent 0000:00:02.0 registered"
expect "numa_node after" "$(cat "$SYS/class/mdev_bus/0000:00:02.0/numa_node")" 0
gone "$SYS/bus/mdev/devices/$UG" || fail "device survived its parent's unplug"
expect "GVT-g available after replug" "$(avail 0000:00:02.0 i915-GVTg_V5_4)" 4
ok "SIGHUP: a changed parent is re-registered, cached files refreshed"

# --- removals by unplug are journaled: a restart with mtty back does not
# bring the mtty device back.
hw "$I915, $AP, $MTTY"
kill -HUP "$MDEVD_PID"
wait_until "mtty back" log_has "parent mtty registered"
expect "mtty back, empty" "$(avail mtty mtty-1)" 24
stop_mdevd
start_mdevd --hardware "$HW"
expect "devices after restart" "$(ls "$SYS/bus/mdev/devices" | wc -l)" 0
ok "unplug removals are journaled"
stop_mdevd
