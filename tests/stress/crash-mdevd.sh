#!/bin/bash
# Crash harness for mdevd: ROUNDS times, run a create/remove/attribute-write
# load (4 workers) through the mounted tree, kill -9 mdevd at a random
# moment (10-500 ms in), restart it on the same --state over the stale
# mount, and check the tree against what the load was told:
#  - every create/remove/write that returned success is there, with the
#    last acknowledged cfg value;
#  - nothing whose write failed (ENOSPC on the 4-slot type, EEXIST) is;
#  - the one operation per worker interrupted by the crash may have
#    happened or not, but never half (a device is whole, a value is the old
#    or the new one);
#  - available_instances + instances = the pool size on both types.
# Devices survive from round to round (the tree after a verify is the next
# round's baseline), so replay of older records is checked too.
# Prints "rounds=N mismatches=N ops=N" (ops: acknowledged writes); exits 1
# on the first mismatch.
# Usage: crash-mdevd.sh [ROUNDS]   (CI: 10; documented run: 100)
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
rounds=${1:-100}
stress_setup

hw=$T/hw.json
cat >"$hw" <<'JSON'
{"parents":[
 {"name":"crash0","driver":"json","pools":{"slots":100000},
  "types":[{"id":"crash-big","device_api":"vfio-pci","cost":{"slots":1},
   "device_attrs":{"cfg":{"mode":"rw","default":""}}}]},
 {"name":"crash1","driver":"json","pools":{"slots":4},
  "types":[{"id":"crash-small","device_api":"vfio-pci","cost":{"slots":1},
   "device_attrs":{"cfg":{"mode":"rw","default":""}}}]}
]}
JSON
big=$(typedir crash0 crash-big)
small=$(typedir crash1 crash-small)
start_mdevd --hardware "$hw"
ops=0
for round in $(seq 1 "$rounds"); do
	rm -rf "$T/out"
	mkdir "$T/out"
	base=()
	[ -f "$T/baseline" ] && base=(-b "$T/baseline")
	"$RACER" load -o "$T/out" -p 4 -t 10 "${base[@]}" "$ROOT" "$big" \
		"$small" >"$T/load.out" &
	load=$!
	sleep "0.$(printf '%03d' $((10 + RANDOM % 490)))"
	kill9_mdevd
	wait $load || fail "round $round: load failed: $(cat "$T/load.out")"
	n=$(sed -n 's/^ops=\([0-9]*\).*/\1/p' "$T/load.out")
	ops=$((ops + n))
	start_mdevd --hardware "$hw"
	if ! "$RACER" verify -w "$T/baseline" -s "$big:100000" -s "$small:4" \
		"$ROOT" "$T"/out/model.* >"$T/verify.out"; then
		cat "$T/verify.out"
		echo "rounds=$round mismatches>0 ops=$ops"
		fail "round $round: the tree does not match the acknowledged writes"
	fi
done
devices=$(ndevices)
stop_mdevd
echo "crash-mdevd: rounds=$rounds mismatches=0 ops=$ops devices_at_end=$devices"
