#!/bin/bash
# mdevd loads a driver plugin a hardware file names (the example, vdemo):
# its types, pools and attribute rules are served like a built-in's, also
# after a reload; plugins built for another ABI, defining another driver or
# without an entry point are refused with one line naming the file, and
# mdevd exits 1 with nothing mounted.
set -eu
export FS_TESTS=$SOURCE_ROOT/tests/fs
. "$FS_TESTS/lib.sh"

HW=$T/hw.json
printf '{"parents": [{"driver": "vdemo", "name": "vd0", "slots": 3}, {"driver": "mtty"}]}\n' >"$HW"
start_mdevd --hardware "$HW" --driver-dir "$PLUGIN_DIR"
expect "vdemo types" "$(ls "$SYS/class/mdev_bus/vd0/mdev_supported_types" | tr '\n' ' ')" "vdemo-1 vdemo-2 "
expect "vdemo-2 name" "$(cat "$(typedir vd0 vdemo-2)/name")" "vdemo dual slot"
expect "slots for vdemo-2" "$(avails vd0 vdemo-1 vdemo-2)" "3/1"
U=$(uuid_n 1)
create "$(typedir vd0 vdemo-2)" "$U"
expect "slots after a create" "$(avails vd0 vdemo-1 vdemo-2)" "1/0"
expect "no room" "$(uuid_n 2 | wr "$(typedir vd0 vdemo-2)/create")" "ENOSPC"
MODE=$SYS/bus/mdev/devices/$U/vdemo/mode
expect "mode default" "$(cat "$MODE")" "safe"
expect "mode fast" "$(echo fast | wr "$MODE")" "OK 5"
expect "mode after store" "$(cat "$MODE")" "fast"
expect "mode bogus" "$(echo slow | wr "$MODE")" "EINVAL"
expect "mode kept" "$(cat "$MODE")" "fast"
ok "vdemo from --driver-dir: types, pools, the driver's attr_store"

# A reload finds the plugin loaded (the driver directory was resolved
# before mdevd left its working directory).
printf '{"parents": [{"driver": "vdemo", "name": "vd0", "slots": 3}, {"driver": "vdemo", "name": "vd1"}]}\n' >"$HW"
kill -HUP "$MDEVD_PID"
for i in $(seq 1 200); do
	[ -e "$SYS/class/mdev_bus/vd1" ] && break
	sleep 0.05
done
expect "vd1 after reload" "$(avails vd1 vdemo-1 vdemo-2)" "8/4"
[ -e "$SYS/bus/mdev/devices/$U" ] || fail "vd0's device lost in a reload"
stop_mdevd
ok "SIGHUP: a second parent of the loaded plugin"

# refused NAME WANT: mdevd exits 1, the one line names the file.
refused() {
	local out rc=0
	printf '{"parents": [{"driver": "%s"}]}\n' "$1" >"$HW"
	out=$(MDEVD_DRIVER_DIR=$PLUGIN_DIR timeout 30 "$MDEVD" --state "$STATE" \
		--hardware "$HW" "$ROOT" 2>&1) || rc=$?
	expect "exit status for $1" "$rc" 1
	expect "message for $1" "$out" "mdevd: $HW: parents[0].driver: $2"
	! mountpoint -q "$SYS" || fail "$SYS mounted after a refused plugin"
}
P=$(cd "$PLUGIN_DIR" && pwd)
# The ABI this tree's header declares; the broken plugin says one more.
abi=$(sed -n 's/^#define MDEV_DRIVER_ABI_VERSION \([0-9]*\)$/\1/p' "$(dirname "$0")/../../include/mdev_driver.h")
[ -n "$abi" ] || fail "no MDEV_DRIVER_ABI_VERSION in include/mdev_driver.h"
refused broken_abi "plugin $P/broken_abi.so: built for driver ABI $((abi + 1)), this mdevd loads ABI $abi (rebuild it against this libmdev)"
refused broken_name "plugin $P/broken_name.so: defines driver \"someone_else\", expected \"broken_name\""
refused broken_entry "plugin $P/broken_entry.so: no mdev_driver_plugin entry point (MDEV_DRIVER_PLUGIN)"
ok "refused: another ABI, another driver's name, no entry point (via MDEVD_DRIVER_DIR)"

# Not a plugin: the usual message, naming the directory searched.
printf '{"parents": [{"driver": "../vdemo"}]}\n' >"$HW"
out=$("$MDEVD" --state "$STATE" --hardware "$HW" --driver-dir "$PLUGIN_DIR" "$ROOT" 2>&1) && fail "a path as driver name was accepted"
case $out in
*"json or a plugin in $P, got \"../vdemo\"") ;;
*) fail "message for ../vdemo: $out" ;;
esac
out=$("$MDEVD" --state "$STATE" --driver-dir "$T/nonexistent" "$ROOT" 2>&1) && fail "a missing --driver-dir was accepted"
expect "missing dir" "$out" "mdevd: --driver-dir $T/nonexistent: No such file or directory"
ok "a driver name is not a path; a missing driver directory is an error"
