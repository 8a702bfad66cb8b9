#!/bin/bash
# mdevd --record on static trees laid out as the kernel lays out real
# hosts (an NVIDIA T4 with nvidia-22x types and a live vGPU, a GVT-g GPU,
# vfio_ap's matrix, the mtty sample): the recording replays to a tree that
# Debian's mdevctl 1.2.0 shows exactly as it shows the host (`types`,
# `list`, `list --dumpjson`: the expected output is mdevctl's own on the
# static tree), and records to the same file; --record-store copies the
# host's etc/mdevctl.d.
set -eu
. "$(dirname "$0")/lib.sh"

REAL=${REAL_MDEVCTL:-/usr/bin/mdevctl}
H=$T/host
. "$(dirname "$0")/host-tree.sh"

"$MDEVD" --record "$S" --record-store "$T/store" >"$T/host.json" 2>"$T/report" ||
	fail "record: $(cat "$T/report")"
[ ! -s "$T/report" ] || fail "the host recorded with reports: $(cat "$T/report")"
# The T4 sits in group 25, the GVT-g GPU in group 0 (both PCI).
# "name" then "iommu_group" of each parent, in the file's order.
groups=$(grep -E '^   "(name|iommu_group)"' "$T/host.json" | tr -d ' \n')
expect "recorded IOMMU groups" "$groups" \
	'"name":"0000:00:02.0","iommu_group":0,"name":"0000:3b:00.0","iommu_group":25,"name":"matrix","name":"mtty",'
cmp -s "$H/etc/mdevctl.d/0000:3b:00.0/$V" "$T/store/0000:3b:00.0/$V" ||
	fail "--record-store did not copy the definition"
[ -d "$T/store/scripts.d/callouts" ] || fail "--record-store did not copy scripts.d"
expect "--record-store refuses an existing directory" \
	"$("$MDEVD" --record "$S" --record-store "$T/store" 2>&1 >/dev/null; echo "rc=$?")" \
	"mdevd: record: --record-store $T/store: exists already
rc=1"
ok "recorded the static host; --record-store copied etc/mdevctl.d"

start_mdevd --hardware "$T/host.json" --reset
"$MDEVD" --record "$SYS" >"$T/replay.json" 2>/dev/null
diff -u "$T/host.json" "$T/replay.json" >&2 || fail "the replay records differently"
ok "the replay records to the same file"

expect "the T4's iommu_group link" \
	"$(readlink "$SYS/devices/$T4/iommu_group")" "../../../kernel/iommu_groups/25"
expect "group 25 members" "$(ls "$SYS/kernel/iommu_groups/25/devices")" "0000:3b:00.0"
[ "$(cd "$SYS/kernel/iommu_groups/25/devices/0000:3b:00.0" && pwd -P)" = \
	"$(cd "$SYS/devices/$T4" && pwd -P)" ] || fail "group 25 does not list the T4"
for u in "$SYS"/bus/mdev/devices/*; do
	g=$(basename "$(readlink "$u/iommu_group")")
	[ "$g" -gt 25 ] || fail "device $(basename "$u") got group $g, not above the parents' (25)"
done
ok "the replay puts the T4 in IOMMU group 25 and devices in groups above it"

if [ ! -x "$REAL" ] || ! "$REAL" -V 2>/dev/null | grep -q '^mdevctl 1\.2\.'; then
	echo "ok - # SKIP Debian's mdevctl 1.2 not installed at $REAL"
	exit 0
fi
export REAL
mkdir -p "$T/empty/scripts.d/callouts" "$T/empty/scripts.d/notifiers"
real_on() { # SYSDIR ARGS...: Debian's mdevctl with SYSDIR as /sys
	unshare -m --propagation private sh -c '
		mount --bind "$0" /sys && mount --bind "$1" /etc/mdevctl.d &&
		shift && exec "$REAL" "$@"' "$1" "$T/empty" "${@:2}"
}
for cmd in "types" "list" "list --dumpjson" "types --dumpjson"; do
	# shellcheck disable=SC2086
	want=$(real_on "$S" $cmd 2>&1) || fail "mdevctl $cmd on the host failed: $want"
	# shellcheck disable=SC2086
	got=$(real_on "$SYS" $cmd 2>&1) || fail "mdevctl $cmd on the replay failed: $got"
	[ -n "$want" ] || fail "mdevctl $cmd printed nothing on the host"
	expect "mdevctl $cmd: replay vs host" "$got" "$want"
done
ok "Debian's mdevctl 1.2.0 shows the replay exactly as the host (types, list, --dumpjson)"
