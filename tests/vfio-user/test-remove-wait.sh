#!/bin/bash
# Kernel semantics while a vfio-user client holds a device (docs/vfio-user.md,
# "Removing a device in use"), on mdevd's mounted tree with a raw client
# (vfu-probe hold: VERSION, a REQ eventfd, then "req N" per device request):
#  - attaching changes neither mdev_type nor available_instances;
#  - a write to `remove` does not return while the client is attached; the
#    client gets REQ at once and again 10 s later; the device stays whole;
#  - meanwhile the tree and other devices are unaffected (create, remove,
#    another device's client);
#  - a signal to the waiting writer does not end the wait (the kernel's
#    uninterruptible wait after the first signal) and is logged;
#  - a second remove (another path, another process) waits too;
#  - the client leaving completes the remove: "OK", device and sockets gone;
#    the second remove then finds no device;
#  - mdev_destroy and bus/mdev/devices/<uuid>/remove wait the same way;
#  - a fault-layer unplug of a parent with attached devices waits for each;
#  - mdevd stopping answers a waiting remove with ENODEV, nothing removed.
# Environment (meson): MDEVD, WRITEFILE, FS_TESTS, VFU_PROBE.
set -euo pipefail
. "$FS_TESTS/lib.sh"

VU=$ROOT/run/mdevd/vfio-user
DEVS=$SYS/bus/mdev/devices
HOLDS=()
on_exit() {
	local rc=$? p
	set +e
	for p in "${HOLDS[@]}"; do kill "$p" 2>/dev/null; done
	(exit $rc)
	cleanup
}
trap on_exit EXIT

# hold NAME UUID [--no-req]: a client attached to UUID in the background,
# output $T/NAME.out.
hold() {
	local name=$1 u=$2
	"$VFU_PROBE" hold "$VU/$u.sock" "${@:3}" >"$T/$name.out" &
	HOLDS+=($!)
	eval "PID_$name=$!"
	for _ in $(seq 1 200); do
		grep -q attached "$T/$name.out" && return 0
		sleep 0.05
	done
	fail "client $name did not attach: $(cat "$T/$name.out")"
}

# release NAME: the client goes (killed, as a QEMU killed).
release() {
	local pid
	eval "pid=\$PID_$1"
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
}

# wait_for FILE TEXT [SECONDS]
wait_for() {
	for _ in $(seq 1 $((${3:-5} * 20))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# remove_bg NAME FILE: writes 1 to FILE in the background; output $T/NAME.rm
remove_bg() {
	(echo 1 | wr "$2" >"$T/$1.rm") &
	eval "RM_$1=$!"
}

still_waiting() {
	local pid
	eval "pid=\$RM_$1"
	kill -0 "$pid" 2>/dev/null && [ ! -s "$T/$1.rm" ]
}

done_with() {
	local pid
	eval "pid=\$RM_$1"
	wait_gone "$pid" || fail "remove $1 still waiting"
	cat "$T/$1.rm"
}

start_mdevd
T1=$(typedir mtty mtty-1)
A=6a5e0000-0000-4000-8000-00000000000a
B=6a5e0000-0000-4000-8000-00000000000b
C=6a5e0000-0000-4000-8000-00000000000c
create "$T1" "$A"
create "$T1" "$B"
before=$(avail mtty mtty-1)
type_before=$(readlink "$DEVS/$A/mdev_type")
hold a "$A"
expect "available_instances while attached" "$(avail mtty mtty-1)" "$before"
expect "mdev_type while attached" "$(readlink "$DEVS/$A/mdev_type")" "$type_before"
ok "attach changes neither available_instances ($before) nor mdev_type"

t0=$(date +%s)
remove_bg a "$DEVS/$A/remove"
wait_for "$T/a.out" "req 1" || fail "no REQ at remove: $(cat "$T/a.out")"
sleep 1
still_waiting a || fail "remove returned while attached: $(cat "$T/a.rm")"
[ -d "$DEVS/$A/" ] && [ -S "$VU/$A.sock" ] || fail "device or socket gone while waiting"
expect "available_instances while waiting" "$(avail mtty mtty-1)" "$before"
grep -q "$A: device in use: asking the client to release it" "$LOG" || fail "no log line for the request"
ok "remove while attached waits; the client got REQ; the device stays whole"

# The tree and other devices meanwhile.
create "$T1" "$C"
expect "remove of an unattached device meanwhile" "$(echo 1 | wr "$DEVS/$C/remove")" "OK 2"
expect "another device's client" "$("$VFU_PROBE" version "$VU/$B.sock")" "version 0.0"
expect "a second client of the held device" "$("$VFU_PROBE" version "$VU/$A.sock")" "error EBUSY"
ls "$DEVS" >/dev/null
ok "meanwhile: create, remove and another device's client are served; a second client of the held one is refused"

# A signal to the waiting writer: it keeps waiting, mdevd logs it.
writer=$(pgrep -f "writefile $DEVS/$A/remove" | head -n 1)
[ -n "$writer" ] || fail "no writer process"
kill -TERM "$writer"
wait_for "$LOG" "task \"writefile\" ($writer) blocked until device is released" ||
	fail "no log line for the signal"
sleep 0.5
kill -0 "$writer" 2>/dev/null || fail "the signalled writer did not wait"
grep -q "State:.*D" "/proc/$writer/status" || grep -q "State:.*S" "/proc/$writer/status" ||
	fail "writer state: $(grep State "/proc/$writer/status")"
ok "SIGTERM to the waiting writer: logged, the writer waits on (as the kernel's uninterruptible wait)"

# A second remove of the same device, through mdev_destroy (another file).
remove2() {
	(printf '%s' "$A" | wr "$SYS/class/mdev_bus/mtty/mdev_destroy" >"$T/a2.rm") &
	RM_a2=$!
}
remove2
sleep 0.5
still_waiting a2 || fail "second remove returned: $(cat "$T/a2.rm")"
ok "a second remove (mdev_destroy) while one waits: waits too"

# The repeat: the kernel asks again every 10 s.
elapsed=$(($(date +%s) - t0))
wait_for "$T/a.out" "req 2" $((14 - elapsed)) || fail "no second REQ within 14 s: $(cat "$T/a.out")"
ok "REQ repeated 10 s later ($(grep -c req "$T/a.out") so far)"

release a
out=$(done_with a)
# The first writer was killed by its SIGTERM once its write returned.
[ -z "$out" ] || expect "remove after release" "$out" "OK 2"
expect "second remove after release" "$(done_with a2)" "ENODEV"
[ ! -e "$DEVS/$A" ] && [ ! -e "$VU/$A.sock" ] && [ ! -e "$VU/$A.tty0" ] ||
	fail "device or sockets left after release"
expect "available_instances after" "$(avail mtty mtty-1)" "$((before + 1))"
grep -q "$A: released after" "$LOG" || fail "no release log line"
ok "client left: the remove completed, device and sockets gone; the second remove found no device"

# bus/mdev/devices/<uuid>/remove and a client without a REQ channel.
create "$T1" "$A"
hold n "$A" --no-req
remove_bg n "$DEVS/$A/remove"
sleep 0.5
still_waiting n || fail "remove of a device whose client has no REQ returned"
grep -q "$A: no device request channel registered" "$LOG" || fail "no 'no channel' log"
release n
expect "remove after release" "$(done_with n)" "OK 2"
ok "a client with no REQ channel: the remove waits all the same until it leaves"

# A fault-layer unplug of a parent with attached devices.
D=6a5e0000-0000-4000-8000-00000000000d
create "$T1" "$D"
hold b "$B"
hold d "$D"
NV=6a5e0000-0000-4000-8000-0000000000e0
create "$(typedir 0000:65:00.0 nvidia-222)" "$NV"
"$MDEVD" --control "$ROOT" unplug parent=mtty >/dev/null || fail "unplug refused"
wait_for "$T/b.out" "req 1" && wait_for "$T/d.out" "req 1" || fail "no REQ to both at unplug"
sleep 0.5
[ -d "$SYS/class/mdev_bus/mtty" ] || fail "the parent went while its devices are held"
grep -q "unplug mtty: waiting for 2 device(s) in use" "$LOG" || fail "no waiting log for the unplug"
expect "another parent's device meanwhile" "$("$VFU_PROBE" version "$VU/$NV.sock")" "version 0.0"
release b
sleep 1
[ -d "$SYS/class/mdev_bus/mtty" ] || fail "the parent went while one device is still held"
[ -d "$DEVS/$B" ] || fail "a released device went before the parent"
release d
for _ in $(seq 1 100); do
	[ -d "$SYS/class/mdev_bus/mtty" ] || break
	sleep 0.05
done
[ ! -d "$SYS/class/mdev_bus/mtty" ] || fail "the parent stayed after its clients left"
[ ! -e "$DEVS/$B" ] && [ ! -e "$DEVS/$D" ] && [ ! -e "$VU/$B.sock" ] || fail "devices left after unplug"
[ -d "$DEVS/$NV" ] || fail "the other parent's device went"
ok "unplug with 2 attached devices: both asked, the parent goes once both clients left; other parents unaffected"

# mdevd stopping while a remove waits.
hold g "$NV"
remove_bg g "$DEVS/$NV/remove"
sleep 0.5
still_waiting g || fail "remove returned while attached"
stop_mdevd
expect "waiting remove at mdevd's stop" "$(done_with g)" "ENODEV"
start_mdevd
[ -d "$DEVS/$NV" ] || fail "the device was removed at stop"
ok "mdevd stopping: the waiting remove gets ENODEV, the device is kept"

# A SIGHUP reload that drops a parent whose device is held: the parent
# stays until the client leaves; the rest of the reload happens at once.
stop_mdevd
HW=$T/hw.json
printf '{"parents": [{"driver": "mtty"}]}\n' >"$HW"
start_mdevd --hardware "$HW"
R=6a5e0000-0000-4000-8000-0000000000f0
create "$T1" "$R"
hold r "$R"
printf '{"parents": [{"driver": "vfio_ap"}]}\n' >"$HW.tmp"
mv "$HW.tmp" "$HW"
kill -HUP "$MDEVD_PID"
wait_for "$T/r.out" "req 1" || fail "no REQ at the reload"
wait_for "$LOG" "reload: parent mtty: waiting for 1 device(s) in use" || fail "no waiting log for the reload"
for _ in $(seq 1 100); do
	[ -d "$SYS/class/mdev_bus/matrix" ] && break
	sleep 0.05
done
[ -d "$SYS/class/mdev_bus/matrix" ] || fail "the reload's new parent did not come"
[ -d "$SYS/class/mdev_bus/mtty" ] && [ -d "$DEVS/$R" ] || fail "the held parent went at the reload"
release r
for _ in $(seq 1 100); do
	[ -d "$SYS/class/mdev_bus/mtty" ] || break
	sleep 0.05
done
[ ! -d "$SYS/class/mdev_bus/mtty" ] && [ ! -e "$DEVS/$R" ] || fail "the dropped parent stayed after its client left"
ok "reload dropping a parent with a held device: the new parent at once, the dropped one once the client left"
