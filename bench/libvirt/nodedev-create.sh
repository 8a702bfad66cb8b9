#!/bin/bash
# Bench (not a test): `virsh nodedev-create` of an mdev, N runs (default 50),
# in mdev-sandbox with Debian's libvirtd. libvirt returns from
# nodedev-create only once the device's udev "add" event arrived, so this
# measures libvirt -> mdevctl -> mdevd -> uevent -> libvirt end to end.
#
# Printed: the median (and max) of
#   op    virsh's own timing of the command (virsh -t): the API call,
#         without virsh's process start-up;
#   wall  the whole `virsh nodedev-create` process;
# and, measured in the same run as the reference, the same two figures for
# `virsh nodedev-list --cap mdev` (one RPC round trip, nothing created).
#
#   bench/libvirt/nodedev-create.sh [--no-events] [BUILD_DIR] [N]
# BUILD_DIR: a build with mdev-sandbox, mdevd and mdevctl; default
# build-release, then build (best: `meson setup build-release
# --buildtype=release`).
# --no-events: mdevd without --uevents (one run by default), to show what
# libvirt does without them: it waits 60 s and fails.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
no_events=
if [ "${1:-}" = --no-events ]; then
	no_events=1
	shift
fi
build=${1:-}
runs=${2:-${no_events:+1}}
runs=${runs:-50}
if [ -z "$build" ]; then
	for b in build-release build; do
		[ -x "$src/$b/src/fs/mdev-sandbox" ] && { build=$src/$b; break; }
	done
fi
sbx=${build:+$build/src/fs/mdev-sandbox}
[ -n "$sbx" ] && [ -x "$sbx" ] || { echo "no mdev-sandbox in ${build:-build-release or build}" >&2; exit 1; }
work=$(mktemp -d /tmp/mdev-bench-libvirt.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -n "$no_events" ]; then
	# mdev-sandbox always asks for events; a wrapper drops the flag.
	cat >"$work/mdevd" <<-EOF
		#!/bin/bash
		args=()
		for a in "\$@"; do [ "\$a" = --uevents ] || args+=("\$a"); done
		exec "$(dirname "$sbx")/mdevd" "\${args[@]}"
	EOF
	chmod +x "$work/mdevd"
	export MDEV_SANDBOX_MDEVD=$work/mdevd
fi

RUNS=$runs WORK=$work LIB="$src/tests/libvirt/libvirt-lib.sh" \
	"$sbx" --root "$work/root" -- bash -c '
set -eu
. "$LIB"
lv_start "$WORK/libvirt"
parent=0000:00:02.0
node=pci_0000_00_02_0
type=i915-GVTg_V5_8
# Runs virsh -t ARGS; appends the wall time and the command time (ms) to
# $WORK/$1.wall and $WORK/$1.op.
timed()
{
	local name=$1 t0 t1 out op rc=0
	shift
	t0=$(date +%s%N)
	out=$(virsh -t -q -c nodedev:///system "$@" 2>&1) || rc=$?
	t1=$(date +%s%N)
	wall=$(awk -v ns=$((t1 - t0)) "BEGIN { printf \"%.3f\", ns / 1e6 }")
	op=$(echo "$out" | sed -n "s/^(Time: \([0-9.]*\) ms)$/\1/p")
	echo "$wall" >>"$WORK/$name.wall"
	echo "${op:-$wall}" >>"$WORK/$name.op"   # a failed command prints no timing
	[ $rc = 0 ] || echo "# virsh $* failed after $wall ms: $(echo "$out" | head -n1)"
	return $rc
}
for i in $(seq "$RUNS"); do
	u=$(uuidgen)
	printf "<device><parent>%s</parent><capability type=\"mdev\"><type id=\"%s\"/><uuid>%s</uuid></capability></device>\n" \
		"$node" "$type" "$u" >"$WORK/x.xml"
	timed floor nodedev-list --cap mdev
	timed create nodedev-create "$WORK/x.xml" || true
	[ -e /sys/bus/mdev/devices/$u ] || { echo "device $u missing" >&2; exit 1; }
	vsh nodedev-destroy "mdev_${u//-/_}_${parent//[:.]/_}" >/dev/null 2>&1 ||
		echo 1 >/sys/bus/mdev/devices/$u/remove
done
stat()  # median and max of a file of numbers
{
	sort -n "$1" | awk "{ a[NR] = \$1 } END {
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf \"median %7.1f ms  max %7.1f ms\", m, a[NR] }"
}
med() { sort -n "$1" | awk "{ a[NR] = \$1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }"; }
echo "virsh nodedev-create of an mdev, $RUNS runs (goal: median <= 100 ms):"
echo "  op   (virsh -t)         $(stat "$WORK/create.op")"
echo "  wall (whole virsh)      $(stat "$WORK/create.wall")"
echo "reference, virsh nodedev-list --cap mdev, same run:"
echo "  op                      $(stat "$WORK/floor.op")"
echo "  wall                    $(stat "$WORK/floor.wall")"
awk -v c="$(med "$WORK/create.wall")" -v f="$(med "$WORK/floor.wall")" \
	"BEGIN { printf \"wall ratio create / nodedev-list: %.2f\n\", c / f }"
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
'
