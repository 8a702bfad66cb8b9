#!/bin/bash
# The uevents of faults (--uevents, udevadm monitor --udev in a private
# network namespace, as test-events.sh): a vetoed create sends nothing; a
# create failing after its device appeared sends add/bind then
# unbind/remove; a reset unbind/remove; a timed unplug (in=MS) removes the
# parent's devices, then the parent (MDEV_STATE=unregistered).
set -eu
: "${MDEVD:?}"
command -v udevadm >/dev/null || { echo "1..0 # SKIP no udevadm"; exit 77; }
if [ -z "${MDEV_FS_NETNS:-}" ]; then
	export MDEV_FS_NETNS=1
	exec unshare -n "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
ctl() {
	"$MDEVD" --control "$ROOT" "$@" >/dev/null
}

mount -t tmpfs events-run /run
mkdir -p /run/udev && : >/run/udev/control
udevadm monitor --udev --property >"$T/events" 2>&1 &
MON=$!
trap 'kill $MON 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 100); do
	grep -q "^UDEV - " "$T/events" && break
	sleep 0.05
done
sleep 0.2

printf '{"parents": [%s]}\n' '{"driver": "mtty"}, {"driver": "mdpy"}' >"$T/hw.json"
start_mdevd --uevents --hardware "$T/hw.json"
U1=55555555-0000-4000-8000-000000000001
U2=55555555-0000-4000-8000-000000000002
U3=55555555-0000-4000-8000-000000000003
ctl fail op=create errno=EIO next=1
expect "vetoed" "$(printf %s "$U1" | wr "$(typedir mtty mtty-1)/create")" EIO
ctl fail op=create errno=EBUSY when=after next=1
expect "after" "$(printf %s "$U1" | wr "$(typedir mtty mtty-1)/create")" EBUSY
create "$(typedir mtty mtty-1)" "$U2"
ctl reset uuid=$U2
create "$(typedir mdpy mdpy-vga)" "$U3"
t0=$(date +%s%N)
ctl unplug parent=mdpy in=400
[ -e "$SYS/class/mdev_bus/mdpy" ] || fail "unplug in=400 happened at once"
for _ in $(seq 1 200); do
	grep -q "MDEV_STATE=unregistered" "$T/events" && break
	sleep 0.02
done
t1=$(date +%s%N)
grep -q "MDEV_STATE=unregistered" "$T/events" || fail "no unregistered event: $(cat "$T/events")"
[ $(((t1 - t0) / 1000000)) -ge 380 ] || fail "unplug in=400 came after $(((t1 - t0) / 1000000)) ms"
stop_mdevd
sleep 0.2
kill $MON

grep "^UDEV *\[" "$T/events" | sed 's/^UDEV *\[[0-9.]*\] *//' >"$T/headers"
M=/devices/virtual/mtty/mtty
D=/devices/virtual/mdpy/mdpy
expect "event sequence" "$(cat "$T/headers")" "change   $D (mdpy)
change   $M (mtty)
add      $M/$U1 (mdev)
bind     $M/$U1 (mdev)
unbind   $M/$U1 (mdev)
remove   $M/$U1 (mdev)
add      $M/$U2 (mdev)
bind     $M/$U2 (mdev)
unbind   $M/$U2 (mdev)
remove   $M/$U2 (mdev)
add      $D/$U3 (mdev)
bind     $D/$U3 (mdev)
unbind   $D/$U3 (mdev)
remove   $D/$U3 (mdev)
change   $D (mdpy)"
ok "uevents: vetoed create none; when=after add/bind/unbind/remove; reset; unplug in=400 after its device"
