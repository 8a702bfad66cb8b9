#!/bin/bash
# mdevd --record: record → replay → record gives the same file for every
# built-in driver and the demo (with a device, and a driver attribute
# value where the type has one); the replay shows the recorded devices and
# availability; devices present at start are created only while the
# journal has no state; a tree that is not there is an error.
set -eu
. "$(dirname "$0")/lib.sh"

# record ROOT OUT: the hardware file of ROOT/sys
record() {
	"$MDEVD" --record "$1/sys" >"$2" 2>>"$T/record.err" ||
		fail "mdevd --record $1/sys exited $?: $(tail -3 "$T/record.err")"
}

# One device on the first type that has room, and a value for its first
# writable attribute.
populate() {
	local t u a
	for t in "$SYS"/class/mdev_bus/*/mdev_supported_types/*; do
		[ "$(cat "$t/available_instances")" -gt 0 ] || continue
		u=$(uuid_n $((RANDOM + 1)))
		create "$t" "$u"
		for a in $(cd "$SYS/bus/mdev/devices/$u" && find . -type f -perm -0200 -perm -0400 \
			! -name remove ! -name uevent | sort); do
			echo "recorded-value" >"$SYS/bus/mdev/devices/$u/$a" 2>/dev/null && break
		done
		return 0
	done
}

round_trip() { # NAME HWFILE
	local name=$1 hw=$2
	start_mdevd --hardware "$hw" --reset
	populate
	record "$ROOT" "$T/$name.1.json"
	local avail1 devs1
	avail1=$(cat "$SYS"/class/mdev_bus/*/mdev_supported_types/*/available_instances | tr '\n' ' ')
	devs1=$(ls "$SYS/bus/mdev/devices" | sort | tr '\n' ' ')
	stop_mdevd
	start_mdevd --hardware "$T/$name.1.json" --reset
	expect "$name: replayed devices" "$(ls "$SYS/bus/mdev/devices" | sort | tr '\n' ' ')" "$devs1"
	expect "$name: replayed availability" \
		"$(cat "$SYS"/class/mdev_bus/*/mdev_supported_types/*/available_instances | tr '\n' ' ')" "$avail1"
	record "$ROOT" "$T/$name.2.json"
	stop_mdevd
	diff -u "$T/$name.1.json" "$T/$name.2.json" >&2 ||
		fail "$name: record → replay → record differs"
	ok "$name: record → replay → record is stable ($(echo $devs1 | wc -w) device(s))"
}

for drv in i915 nvidia mtty mbochs mdpy vfio_ap vfio_ccw; do
	case $drv in
	i915 | nvidia) p='{"driver": "'$drv'", "name": "0000:65:00.0"}' ;;
	*) p='{"driver": "'$drv'"}' ;;
	esac
	printf '{"parents": [%s]}\n' "$p" >"$T/$drv.hw.json"
	round_trip "$drv" "$T/$drv.hw.json"
done
"$MDEVD" --print-demo >"$T/demo.hw.json"
round_trip demo "$T/demo.hw.json"
cat >"$T/json.hw.json" <<'JSON'
{"parents": [{"name": "0000:3b:00.0", "driver": "json", "driver_name": "acme",
  "policy": "homogeneous", "pools": {"fb": 4096}, "numa_node": 1, "iommu_group": 7,
  "types": [{"id": "acme-1", "name": "A 1", "class": "gpu", "device_api": "vfio-pci",
    "description": "one\ntwo", "cost": {"fb": 1024},
    "attrs": {"fb_length": "1024M", "resolution": "1920x1080", "heads": "1"},
    "device_attrs": {"cfg/mode": {"mode": "rw", "default": "a"},
                     "serial": {"mode": "ro", "default": "S1"}}},
   {"id": "acme-2", "device_api": "vfio-pci", "cost": {"fb": 2048}}]}]}
JSON
round_trip json "$T/json.hw.json"
grep -q '"numa_node": "1"' "$T/json.1.json" || fail "numa_node not recorded"
grep -q '"cfg/mode": "recorded-value"' "$T/json.1.json" || fail "attribute value not recorded"
grep -q '"iommu_group": 7,' "$T/json.1.json" || fail "iommu_group not recorded"
ok "json: NUMA node, IOMMU group and attribute values recorded"

# Devices present at start: created on a fresh journal only.
start_mdevd --state "$T/fresh" --hardware "$T/demo.1.json"
n=$(ls "$SYS/bus/mdev/devices" | wc -l)
[ "$n" -ge 1 ] || fail "no device created at start"
first=$(ls "$SYS/bus/mdev/devices" | head -n1)
echo 1 >"$SYS/bus/mdev/devices/$first/remove"
kill9_mdevd
start_mdevd --state "$T/fresh" --hardware "$T/demo.1.json"
expect "after restart, the journal's state wins" "$(ls "$SYS/bus/mdev/devices" | wc -l)" "$((n - 1))"
stop_mdevd
ok "devices present at start: created once, then the journal decides"

# A bad devices entry is refused with its path.
printf '{"parents": [{"driver": "mtty"}], "devices": [{"parent": "mtty", "type": "mtty-9", "uuid": "%s"}]}\n' \
	"$(uuid_n 1)" >"$T/bad.json"
msg=$("$MDEVD" --hardware "$T/bad.json" "$ROOT" 2>&1) && fail "a bad devices entry was accepted"
expect "bad devices entry" "$msg" "mdevd: $T/bad.json: devices[0]: type: no such type on that parent"
if "$MDEVD" --record "$T/nowhere" >/dev/null 2>"$T/err"; then
	fail "recording a missing tree succeeded"
fi
grep -q "^mdevd: record: $T/nowhere/class/mdev_bus: No such file or directory$" "$T/err" ||
	fail "missing tree: $(cat "$T/err")"
ok "bad devices entry and a missing tree are refused"
