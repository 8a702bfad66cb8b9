#!/bin/bash
# mdevd with its --state on a full disk (a 64 KiB tmpfs): writes that need a
# journal record fail with ENOSPC for the writer, change nothing, and
# everything acknowledged before is still there after kill -9 and restart.
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
stress_setup
mount -t tmpfs -o size=64k tmpfs "$STATE"
cat >"$T/hw.json" <<'JSON'
{"parents":[{"name":"disk0","driver":"json","pools":{"slots":100000},
 "types":[{"id":"disk-t","device_api":"vfio-pci","cost":{"slots":1},
  "device_attrs":{"cfg":{"mode":"rw","default":""}}}]}]}
JSON
start_mdevd --hardware "$T/hw.json"
type=$(typedir disk0 disk-t)
big=$(head -c 4000 /dev/zero | tr '\0' a)

# Fill the disk: create devices and give each a 4000-byte value.
declare -A acked
i=0 full=
while [ $i -lt 1000 ]; do
	u=$(printf 'dddddddd-0000-4000-8000-%012d' $i)
	r=$(printf '%s' "$u" | "$RACER" write "$type/create")
	if [ "$r" != 0 ]; then
		expect_eq "create on a full disk" "$r" ENOSPC
		[ ! -e "$ROOT/sys/bus/mdev/devices/$u" ] ||
			fail "refused create left device $u"
		full=create
		break
	fi
	acked[$u]=""
	r=$(printf '%s%d' "$big" $i | "$RACER" write "$ROOT/sys/bus/mdev/devices/$u/cfg")
	if [ "$r" != 0 ]; then
		expect_eq "attribute write on a full disk" "$r" ENOSPC
		expect_eq "value after a refused write" \
			"$(cat "$ROOT/sys/bus/mdev/devices/$u/cfg")" ""
		full=attr
		break
	fi
	acked[$u]="$big$i"
	i=$((i + 1))
done
[ -n "$full" ] || fail "the 64 KiB state dir never filled"
echo "full disk after $i devices: the $full write got ENOSPC"

# A remove on the full disk either works or fails with ENOSPC and changes
# nothing.
u0=$(printf 'dddddddd-0000-4000-8000-%012d' 0)
r=$(printf 1 | "$RACER" write "$ROOT/sys/bus/mdev/devices/$u0/remove")
case $r in
0) unset "acked[$u0]" ;;
ENOSPC) [ -e "$ROOT/sys/bus/mdev/devices/$u0" ] || fail "refused remove removed" ;;
*) fail "remove on a full disk: $r" ;;
esac
echo "remove on the full disk: $r"

check_acked() {
	local u n
	for u in "${!acked[@]}"; do
		[ -e "$ROOT/sys/bus/mdev/devices/$u" ] || fail "$1: $u lost"
		[ "$(cat "$ROOT/sys/bus/mdev/devices/$u/cfg")" = "${acked[$u]}" ] ||
			fail "$1: $u has the wrong value"
	done
	n=$(ndevices)
	expect_eq "$1: devices" "$n" "${#acked[@]}"
}
check_acked "before the crash"
kill9_mdevd
start_mdevd --hardware "$T/hw.json"
check_acked "after kill -9 and restart on the full disk"
echo "full-disk: ok (${#acked[@]} acknowledged devices intact)"
stop_mdevd
