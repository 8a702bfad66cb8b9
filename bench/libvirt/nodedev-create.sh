#!/bin/bash
# Bench (not a test): median wall time of `virsh nodedev-create` of an mdev
# over N runs (default 50) in mdev-sandbox, with Debian's libvirtd. libvirt
# returns from nodedev-create only when the device's udev "add" event
# arrives, so this measures mdevctl + mdevd + the uevent path end to end.
# Printed against the floor measured in the same run: `virsh nodedev-list
# --cap mdev` (virsh start-up and one RPC round trip).
#
#   bench/libvirt/nodedev-create.sh [BUILD_DIR] [N]
# BUILD_DIR defaults to build-release (set up with
# `meson setup build-release --buildtype=release`), then build.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-}
runs=${2:-50}
if [ -z "$build" ]; then
	for b in build-release build; do
		[ -x "$src/$b/src/fs/mdev-sandbox" ] && { build=$src/$b; break; }
	done
fi
sbx=${build:+$build/src/fs/mdev-sandbox}
[ -n "$sbx" ] && [ -x "$sbx" ] || { echo "no mdev-sandbox in ${build:-build-release or build}" >&2; exit 1; }
work=$(mktemp -d /tmp/mdev-bench-libvirt.XXXXXX)
trap 'rm -rf "$work"' EXIT

RUNS=$runs WORK=$work LIB="$src/tests/libvirt/libvirt-lib.sh" \
	"$sbx" --root "$work/root" -- bash -c '
set -eu
. "$LIB"
lv_start "$WORK/libvirt"
parent=0000:00:02.0
node=pci_0000_00_02_0
type=i915-GVTg_V5_8
ms() { echo $((($(date +%s%N) - $1) / 1000)); }  # microseconds
median() { sort -n | awk "{ a[NR] = \$1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }"; }
: >"$WORK/create"; : >"$WORK/floor"
for i in $(seq "$RUNS"); do
	u=$(uuidgen)
	printf "<device><parent>%s</parent><capability type=\"mdev\"><type id=\"%s\"/><uuid>%s</uuid></capability></device>\n" \
		"$node" "$type" "$u" >"$WORK/x.xml"
	t=$(date +%s%N); vsh nodedev-list --cap mdev >/dev/null; ms $t >>"$WORK/floor"
	t=$(date +%s%N); vsh nodedev-create "$WORK/x.xml" >/dev/null; ms $t >>"$WORK/create"
	[ -e /sys/bus/mdev/devices/$u ] || { echo "device $u missing" >&2; exit 1; }
	vsh nodedev-destroy "mdev_${u//-/_}_${parent//[:.]/_}" >/dev/null
done
c=$(median <"$WORK/create"); f=$(median <"$WORK/floor")
max=$(sort -n "$WORK/create" | tail -n1)
awk -v c="$c" -v f="$f" -v m="$max" -v n="$RUNS" "BEGIN {
	printf \"virsh nodedev-create (mdev, %d runs): median %.1f ms, max %.1f ms (goal <= 100 ms median)\n\", n, c / 1000, m / 1000
	printf \"floor, virsh nodedev-list --cap mdev:  median %.1f ms\n\", f / 1000
	printf \"ratio create / floor: %.2f\n\", c / f }"
'
