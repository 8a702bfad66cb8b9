#!/bin/bash
# File modes as sysfs, and who may do what with --allow-other:
#  - create/remove 0200, available_instances 0444, a writable attribute
#    0644;
#  - with --allow-other (FUSE default_permissions) an unprivileged user
#    (nobody, via setpriv) can read types and devices but cannot create,
#    remove or write an attribute: EACCES, and nothing changes;
#  - without --allow-other, that user cannot see the tree at all.
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
stress_setup
chmod 755 "$T" "$ROOT"
nobody_racer=$(runnable_by_nobody "$RACER" "$T/nobody-bin")
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
uuid=5ec0a11d-0000-4000-8000-000000000001
new=5ec0a11d-0000-4000-8000-000000000002

start_mdevd --allow-other
gpu=0000:65:00.0
type=$(typedir $gpu nvidia-230)
dev=$ROOT/sys/bus/mdev/devices/$uuid
echo $uuid >"$type/create"
expect_eq "create mode" "$(stat -c %a "$type/create")" 200
expect_eq "available_instances mode" "$(stat -c %a "$type/available_instances")" 444
expect_eq "remove mode" "$(stat -c %a "$dev/remove")" 200
expect_eq "vgpu_params mode" "$(stat -c %a "$dev/nvidia/vgpu_params")" 644
avail=$(avail $gpu nvidia-230)

# Reads work.
as_nobody cat "$type/available_instances" >/dev/null || fail "nobody cannot read a type"
as_nobody cat "$type/name" "$type/description" >/dev/null || fail "nobody cannot read name"
as_nobody ls "$ROOT/sys/bus/mdev/devices" >/dev/null || fail "nobody cannot list devices"
as_nobody cat "$dev/nvidia/vgpu_params" >/dev/null || fail "nobody cannot read an attribute"

# Writes do not.
r=$(printf %s $new | as_nobody "$nobody_racer" write "$type/create")
expect_eq "nobody: create" "$r" EACCES
r=$(printf 1 | as_nobody "$nobody_racer" write "$dev/remove")
expect_eq "nobody: remove" "$r" EACCES
r=$(printf x | as_nobody "$nobody_racer" write "$dev/nvidia/vgpu_params")
expect_eq "nobody: attribute write" "$r" EACCES
r=$(printf $uuid | as_nobody "$nobody_racer" write "$ROOT/sys/class/mdev_bus/$gpu/mdev_destroy")
case $r in EACCES | ENOENT) ;; *) fail "nobody: mdev_destroy: $r" ;; esac
as_nobody touch "$dev/newfile" 2>/dev/null && fail "nobody created a file"
as_nobody chmod 666 "$type/create" 2>/dev/null && fail "nobody chmod-ed create"
[ -e "$dev" ] || fail "device gone after nobody's writes"
[ ! -e "$ROOT/sys/bus/mdev/devices/$new" ] || fail "nobody created a device"
expect_eq "vgpu_params after nobody's write" "$(cat "$dev/nvidia/vgpu_params")" ""
expect_eq "available after nobody's writes" "$(avail $gpu nvidia-230)" "$avail"
# Root still can.
printf 'frame_rate_limiter=0\n' >"$dev/nvidia/vgpu_params"
echo 1 >"$dev/remove"
stop_mdevd
echo "allow-other: nobody reads, cannot create/remove/write (EACCES)"

start_mdevd
as_nobody ls "$ROOT/sys/class" >/dev/null 2>&1 &&
	fail "without --allow-other nobody can read the tree"
stop_mdevd
echo "security: ok"
