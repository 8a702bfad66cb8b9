#!/bin/bash
# Every errno a writer can get, through the mounted tree, as the kernel's
# mdev and kernfs code return them (docs/mdevd.md, "Errors").
set -eu
. "$(dirname "$0")/lib.sh"

start_mdevd
T4=$(typedir 0000:65:00.0 nvidia-231)
T4B=$(typedir 0000:65:00.0 nvidia-230)
MT=$(typedir mtty mtty-2)
U=0b0c0d0e-1f20-4a3b-8c4d-5e6f70819203


# try FILE DATA-PRINTF-FORMAT WANT
try() {
	local got
	got=$(printf -- "$2" | wr "$1")
	expect "write '$2' to ${1#$SYS/}" "$got" "$3"
}

# --- create: length and UUID syntax
try "$T4/create" "${U:0:35}" EINVAL
try "$T4/create" "${U}\n\n" EINVAL
try "$T4/create" "${U}ab" EINVAL
try "$T4/create" "{$U}" EINVAL
try "$T4/create" "${U//-/}" EINVAL
try "$T4/create" "${U}\r\n" EINVAL
try "$T4/create" "------------------------------------" EINVAL
try "$T4/create" "${U:0:8}x${U:9}" EINVAL
try "$T4/create" "../../../../../../../../../../../../x" EINVAL
expect "1 MiB to create" "$(head -c 1048576 /dev/zero | tr '\0' 'a' | wr "$T4/create")" EINVAL
expect "nothing created by bad writes" "$(ls "$SYS/bus/mdev/devices" | wc -l)" 0
ok "create: EINVAL for 35/38 bytes, braces, compact, CRLF, bad hex, 1 MiB"

# echo (37 bytes) and echo -n (36 bytes) both create; the 37th byte is not
# checked; upper case is accepted and the device is named in lower case.
try "$T4/create" "${U}\n" "OK 37"
U2=${U%3}4
echo -n "$U2" >"$T4/create" || fail "echo -n create"
U3=${U%3}5
try "$T4/create" "${U3}x" "OK 37"
U4=${U%3}6
UP=$(echo "$U4" | tr a-f A-F)
try "$T4/create" "$UP" "OK 36"
[ -d "$SYS/bus/mdev/devices/$U4" ] || fail "upper-case create not named in lower case"
[ ! -e "$SYS/bus/mdev/devices/$UP" ] || fail "device reachable by its upper-case name"
expect "devices" "$(ls "$SYS/bus/mdev/devices" | wc -l)" 4
ok "create: echo, echo -n, unchecked 37th byte, upper case"

# --- EEXIST, also across parents and types
try "$T4/create" "$U" EEXIST
try "$MT/create" "$U" EEXIST
ok "create: EEXIST across types and parents"

# --- capacity: homogeneous NVIDIA → EUSERS for another type; mtty → ENOSPC
try "$T4B/create" "$(uuid_n 100)" EUSERS
expect "other type blocked" "$(cat "$T4B/available_instances")" 0
for i in $(seq 1 12); do
	try "$MT/create" "$(uuid_n $i)" "OK 36"
done
try "$MT/create" "$(uuid_n 13)" ENOSPC
try "$(typedir mtty mtty-1)/create" "$(uuid_n 14)" ENOSPC
ok "create: EUSERS (homogeneous), ENOSPC (mtty ports)"

# --- remove: strtoul base 0; 0 is a no-op
R=$SYS/bus/mdev/devices/$U/remove
try "$R" "abc" EINVAL
try "$R" "1x" EINVAL
try "$R" "" "OK 0"
try "$R" "0" "OK 1"
[ -d "$SYS/bus/mdev/devices/$U" ] || fail "remove 0 removed the device"
try "$R" "0x1\n" "OK 4"
[ ! -e "$SYS/bus/mdev/devices/$U" ] || fail "remove 0x1 left the device"
ok "remove: EINVAL, 0 no-op, 0x1 removes"

# An open remove file of a device that is gone: ENODEV (kernfs).
exec 3>"$SYS/bus/mdev/devices/$U2/remove"
echo 1 >"$SYS/bus/mdev/devices/$U2/remove"
if out=$(echo 1 2>&1 >&3); then
	fail "write to a removed device's open remove file succeeded"
fi
exec 3>&-
case $out in *"No such device"*) ;; *) fail "stale remove: $out" ;; esac
[ ! -e "$SYS/bus/mdev/devices/$U2/remove" ] || fail "removed device still there"
expect "path of a removed device" "$(echo 1 | wr "$SYS/bus/mdev/devices/$U2/remove")" open:ENOENT
ok "remove: ENODEV on a stale open file, ENOENT on the path"

# --- mdev_destroy (the seed's parent-level file)
DESTROY=$SYS/class/mdev_bus/0000:65:00.0/mdev_destroy
try "$DESTROY" "$U3" "OK 36"
[ ! -e "$SYS/bus/mdev/devices/$U3" ] || fail "mdev_destroy left the device"
try "$DESTROY" "$U3\n" ENODEV
try "$DESTROY" "$(uuid_n 1)" ENODEV # a device of another parent
try "$DESTROY" "nonsense" EINVAL
[ -e "$SYS/bus/mdev/devices/$(uuid_n 1)" ] || fail "mdev_destroy removed another parent's device"
ok "mdev_destroy: removes own devices; ENODEV, EINVAL"

# --- kernfs open rules, for root too: no read of write-only files, no
# write to read-only files.
expect "read create" "$(cat "$T4/create" 2>&1 >/dev/null | sed 's/.*: //')" "Permission denied"
expect "write name" "$(echo x | wr "$T4/name")" open:EACCES
expect "write available_instances" "$(echo 1 | wr "$T4/available_instances" --trunc)" open:EACCES
expect "write a link's dir" "$(echo 1 | wr "$SYS/class/mdev_bus")" open:EISDIR
MD=$SYS/bus/mdev/devices/$(uuid_n 1)
expect "write RO device attr" "$(echo x | wr "$MD/vendor/sample_mdev_dev")" open:EACCES
ok "EACCES for reading write-only and writing read-only files (root too)"

# --- shell redirection (O_TRUNC) works on writable files
echo 0 >"$MD/remove" || fail "'>' redirection on remove"
expect "O_TRUNC create" "$(printf '%s' "$U" | wr "$T4/create" --trunc)" "OK 36"
ok "O_TRUNC opens"

# --- names that do not exist
for n in "$(echo "$U4" | tr a-f A-F)" "../$U4" "x" "$U4/.."; do
	[ ! -e "$SYS/bus/mdev/devices/$n/remove" ] || fail "bus/mdev/devices/$n resolves"
done
[ ! -e "$SYS/kernel/iommu_groups/00" ] || fail "iommu group 00 resolves"
ok "no aliases for devices or groups"
stop_mdevd
