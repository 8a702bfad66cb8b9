#!/bin/bash
# Creates and removes of the same UUIDs racing, then the same while the
# parent they live on is unregistered and registered again (SIGHUP reloads
# of a hardware file that toggles it). Every write must get 0 or one of
# the kernel's errnos for the situation (create: EEXIST, ENOSPC, ENODEV or
# ENOENT once the parent is gone; remove: ENOENT, ENODEV, EAGAIN); mdevd
# must stay up; afterwards every listed device is whole and the pools add
# up (available_instances + instances = pool size).
# Usage: race-churn.sh [ITERS] [RELOADS]   (CI: 500 20; long: 5000 200)
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
iters=${1:-500}
reloads=${2:-20}
stress_setup

hw_with() {
	cat <<JSON
{"parents":[
 {"name":"stay","driver":"json","pools":{"slots":6},
  "types":[{"id":"churn-a","device_api":"vfio-pci","cost":{"slots":1}}]}$1
]}
JSON
}
hot=',{"name":"hot","driver":"json","pools":{"slots":3},"types":[{"id":"churn-b","device_api":"vfio-pci","cost":{"slots":1}}]}'
hw_with "$hot" >"$T/with.json"
hw_with "" >"$T/without.json"
cp "$T/with.json" "$T/hw.json"
start_mdevd --hardware "$T/hw.json"
stay=$(typedir stay churn-a)
hotdir=$(typedir hot churn-b)

# check_whole POOLSPEC...: every device has its links; pools add up.
check_whole() {
	local d spec dir pool n a
	for d in "$ROOT"/sys/bus/mdev/devices/*; do
		[ -e "$d" ] || continue
		[ -L "$d/mdev_type" ] || fail "$(basename "$d"): no mdev_type link"
		[ -e "$d/mdev_type/devices/$(basename "$d")" ] ||
			fail "$(basename "$d"): not in its type's devices/"
	done
	for spec in "$@"; do
		dir=${spec%:*} pool=${spec##*:}
		n=$(ls "$dir/devices" | wc -l)
		a=$(cat "$dir/available_instances")
		expect_eq "$(basename "$dir") available+instances" $((a + n)) "$pool"
	done
}

out=$("$RACER" churn -p 8 -n "$iters" -u 4 "$ROOT" "$stay" "$hotdir") ||
	fail "churn: $out"
echo "churn (8 x $iters, 4 UUIDs, 2 types): $out"
check_whole "$stay:6" "$hotdir:3"

# The same, with the hot parent coming and going underneath.
(
	for i in $(seq 1 "$reloads"); do
		if [ $((i % 2)) -eq 1 ]; then
			cp "$T/without.json" "$T/hw.tmp"
		else
			cp "$T/with.json" "$T/hw.tmp"
		fi
		mv "$T/hw.tmp" "$T/hw.json"
		kill -HUP "$MDEVD_PID"
		sleep 0.0$((RANDOM % 9 + 1))
	done
) &
toggler=$!
out=$("$RACER" churn -p 8 -n "$iters" -u 4 "$ROOT" "$stay" "$hotdir") ||
	fail "churn with reloads: $out"
wait $toggler
kill -0 "$MDEVD_PID" || fail "mdevd died during reloads"
echo "churn with $reloads reloads: $out"
# The last reload registered the parent again (an even count) or removed it.
sleep 0.5
if [ -d "$hotdir" ]; then
	check_whole "$stay:6" "$hotdir:3"
else
	check_whole "$stay:6"
fi
for d in "$ROOT"/sys/bus/mdev/devices/*; do
	[ -e "$d" ] || continue
	[ -d "$hotdir" ] || [ "$(basename "$(readlink "$d/mdev_type")")" != churn-b ] ||
		fail "device of an unregistered parent survived"
done
stop_mdevd
echo "race-churn: ok"
