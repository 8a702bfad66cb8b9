#!/bin/bash
# --uevents: udev-format events as the kernel sends them, seen by libudev
# (udevadm monitor --udev) in a private network namespace; refused in the
# host's.
set -eu
: "${MDEVD:?}"
command -v udevadm >/dev/null || { echo "1..0 # SKIP no udevadm"; exit 77; }

if [ -z "${MDEV_FS_NETNS:-}" ]; then
	host_ns=$(stat -L -c %i /proc/1/ns/net 2>/dev/null || stat -L -c %i /proc/2/ns/net)
	if [ "$(stat -L -c %i /proc/self/ns/net)" = "$host_ns" ]; then
		tmp=$(mktemp -d)
		rc=0
		"$MDEVD" --uevents --state "$tmp/state" "$tmp/root" \
			>/dev/null 2>"$tmp/err" || rc=$?
		msg=$(cat "$tmp/err")
		mountpoint -q "$tmp/root/sys" && umount -l "$tmp/root/sys"
		rm -rf "$tmp"
		[ $rc -eq 1 ] || { echo "FAIL: --uevents in the host netns: exit $rc"; exit 1; }
		case $msg in
		"mdevd: --uevents: "*namespace*) ;;
		*) echo "FAIL: refusal message: $msg"; exit 1 ;;
		esac
		echo "ok - --uevents refused in the host network namespace"
	fi
	export MDEV_FS_NETNS=1
	exec unshare -n "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

# udevadm subscribes to udev's group only when udev looks alive.
mount -t tmpfs events-run /run
mkdir -p /run/udev && : >/run/udev/control
udevadm monitor --udev --property >"$T/events" 2>&1 &
MON=$!
trap 'kill $MON 2>/dev/null || true; cleanup' EXIT
for i in $(seq 1 100); do
	grep -q "^UDEV - " "$T/events" && break
	sleep 0.05
done
sleep 0.2

printf '{"parents": [%s]}\n' '{"driver": "i915", "name": "0000:00:02.0"}, {"driver": "mtty"}' >"$T/hw.json"
start_mdevd --uevents --hardware "$T/hw.json"
U=44444444-0000-4000-8000-000000000001
create "$(typedir mtty mtty-2)" "$U"
echo 1 >"$SYS/bus/mdev/devices/$U/remove"
V=44444444-0000-4000-8000-000000000002
create "$(typedir 0000:00:02.0 i915-GVTg_V5_8)" "$V"
printf '{"parents": [%s]}\n' '{"driver": "mtty"}' >"$T/hw.json"
kill -HUP "$MDEVD_PID"
wait_events() {
	for i in $(seq 1 200); do
		grep -q "MDEV_STATE=unregistered" "$T/events" && return 0
		sleep 0.05
	done
	fail "events did not arrive: $(cat "$T/events")"
}
wait_events
stop_mdevd
sleep 0.2
kill $MON

# The monitor's headers, in order: ACTION DEVPATH (SUBSYSTEM)
grep "^UDEV *\[" "$T/events" | sed 's/^UDEV *\[[0-9.]*\] *//' >"$T/headers"
expect "event sequence" "$(cat "$T/headers")" "change   /devices/pci0000:00/0000:00:02.0 (pci)
change   /devices/virtual/mtty/mtty (mtty)
add      /devices/virtual/mtty/mtty/$U (mdev)
bind     /devices/virtual/mtty/mtty/$U (mdev)
unbind   /devices/virtual/mtty/mtty/$U (mdev)
remove   /devices/virtual/mtty/mtty/$U (mdev)
add      /devices/pci0000:00/0000:00:02.0/$V (mdev)
bind     /devices/pci0000:00/0000:00:02.0/$V (mdev)
unbind   /devices/pci0000:00/0000:00:02.0/$V (mdev)
remove   /devices/pci0000:00/0000:00:02.0/$V (mdev)
change   /devices/pci0000:00/0000:00:02.0 (pci)"
# Properties of the add event and of the parent events.
awk -v RS= '/ACTION=add/' "$T/events" >"$T/add"
grep -qx "MDEV_TYPE=mtty-2" "$T/add" || fail "add without MDEV_TYPE: $(cat "$T/add")"
grep -qx "SUBSYSTEM=mdev" "$T/add" || fail "add without SUBSYSTEM"
grep -qx "DEVPATH=/devices/virtual/mtty/mtty/$U" "$T/add" || fail "add DEVPATH"
awk -v RS= '/MDEV_STATE=registered/ && /SUBSYSTEM=pci/' "$T/events" >"$T/reg"
grep -qx "PCI_SLOT_NAME=0000:00:02.0" "$T/reg" || fail "registered event without PCI keys: $(cat "$T/reg")"
grep -qx "DRIVER=i915" "$T/reg" || fail "registered event without DRIVER"
grep -q "MDEV_STATE=unregistered" "$T/events" || fail "no unregistered event"
ok "add/bind/unbind/remove, and parent registered/unregistered after its devices are gone"
