#!/bin/bash
# Hostile input through mdevd's mounted tree and its hardware file, table
# driven: each row is written with one write() and must get the listed
# errno (the kernel's) and change nothing (devices, every type's
# available_instances, the attribute values). Then things sysfs does not
# allow at all (new files, renames, links, writes to read-only files), and
# hardware files with bad names, non-string values, deep nesting and huge
# sizes: mdevd exits 1 with a one-line message naming the JSON path, and a
# bad file on SIGHUP leaves the running tree untouched.
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
stress_setup

U=0badc0de-0000-4000-8000-000000000001
start_mdevd
mtty=$(typedir mtty mtty-1)
echo $U >"$mtty/create"
dev=$ROOT/sys/bus/mdev/devices/$U
gpu=0000:65:00.0
nv=$(typedir $gpu nvidia-230)
V=0badc0de-0000-4000-8000-000000000002
echo $V >"$nv/create"
params=$ROOT/sys/bus/mdev/devices/$V/nvidia/vgpu_params
printf 'frame_rate_limiter=0' >"$params"

# What a hostile write must not change.
snapshot() {
	ls "$ROOT/sys/bus/mdev/devices"
	cat "$ROOT"/sys/class/mdev_bus/*/mdev_supported_types/*/available_instances
	cat "$params"
}
before=$(snapshot)
checked=0

# row NAME FILE EXPECTED... < input
row() {
	local name=$1 file=$2 r
	shift 2
	r=$("$RACER" write "$file")
	local ok=
	for e in "$@"; do [ "$r" = "$e" ] && ok=1; done
	[ -n "$ok" ] || fail "$name: got $r, want $*"
	[ "$(snapshot)" = "$before" ] || fail "$name: the tree changed"
	# (rows run in a pipeline's subshell: count in a file)
	echo "$name: $r" >>"$T/rows"
}
bytes() { head -c "$1" /dev/zero | tr '\0' "$2"; }

# create: 36-byte UUID plus at most one byte, else EINVAL.
printf '../c0de-0000-4000-8000-000000000003' | row "create ../" "$mtty/create" EINVAL
printf '0badc0de-0\0000-4000-8000-000000000003' | row "create NUL" "$mtty/create" EINVAL
bytes 36 - | row "create 36 x '-'" "$mtty/create" EINVAL
printf '' | row "create 0 bytes" "$mtty/create" 0 EINVAL
bytes 4096 a | row "create 4 KiB" "$mtty/create" EINVAL E2BIG
bytes 1048576 a | row "create 1 MiB" "$mtty/create" EINVAL E2BIG
printf '%s\r\n' 0badc0de-0000-4000-8000-000000000003 | row "create CRLF" "$mtty/create" EINVAL
printf '{0badc0de-0000-4000-8000-000000000003}' | row "create braces" "$mtty/create" EINVAL
printf '0badc0de000040008000000000000003' | row "create compact" "$mtty/create" EINVAL
printf '0badc0de/0000-4000-8000-000000000003' | row "create slash" "$mtty/create" EINVAL
printf '0badc0de-0000-4000-8000-00000000000' | row "create 35 bytes" "$mtty/create" EINVAL
printf '%s' $U | row "create existing" "$mtty/create" EEXIST
printf '%s' "${U^^}" | row "create existing, upper case" "$nv/create" EEXIST
# remove: kstrtoul base 0; 0 is a no-op.
printf 'abc' | row "remove abc" "$dev/remove" EINVAL
printf '' | row "remove 0 bytes" "$dev/remove" 0 EINVAL
printf '0' | row "remove 0" "$dev/remove" 0
printf '%s' -1 | row "remove -1" "$dev/remove" EINVAL
printf '1 ' | row "remove '1 '" "$dev/remove" EINVAL
bytes 4096 1 | row "remove 4 KiB" "$dev/remove" EINVAL E2BIG
bytes 1048576 1 | row "remove 1 MiB" "$dev/remove" EINVAL E2BIG
# mdev_destroy: the UUID rules of create.
dst=$ROOT/sys/class/mdev_bus/mtty/mdev_destroy
if [ -e "$dst" ]; then
	bytes 36 - | row "mdev_destroy 36 x '-'" "$dst" EINVAL
	printf '../../../../etc/passwd' | row "mdev_destroy path" "$dst" EINVAL
	printf '%s' $V | row "mdev_destroy other parent's device" "$dst" ENODEV ENOENT EINVAL
fi
# attributes: at most 4095 bytes.
bytes 4096 a | row "attr 4 KiB" "$params" EINVAL E2BIG
bytes 1048576 a | row "attr 1 MiB" "$params" EINVAL E2BIG
# read-only files, even for root.
printf 9 | row "write available_instances" "$mtty/available_instances" EACCES EPERM
printf x | row "write name" "$mtty/name" EACCES EPERM
printf x | row "write device_api" "$mtty/device_api" EACCES EPERM
checked=$(wc -l <"$T/rows")
echo "hostile writes: $checked rows, each refused with the expected errno, nothing changed"

# Things sysfs has no way to do: each must fail and change nothing.
refuse() {
	local name=$1
	shift
	if "$@" 2>/dev/null; then fail "$name: succeeded"; fi
	[ "$(snapshot)" = "$before" ] || fail "$name: the tree changed"
	checked=$((checked + 1))
}
refuse "new file in a device dir" touch "$dev/evil"
refuse "mkdir in devices/" mkdir "$ROOT/sys/bus/mdev/devices/evil"
refuse "symlink in a device dir" ln -s /etc/passwd "$dev/evil"
refuse "rename remove" mv "$dev/remove" "$dev/evil"
refuse "unlink create" rm -f "$mtty/create"
refuse "rmdir a device" rmdir "$(readlink -f "$dev")"
refuse "rm the bus link" rm -f "$ROOT/sys/bus/mdev/devices/$U"
refuse "upper-case lookup" test -e "$ROOT/sys/bus/mdev/devices/${U^^}"
refuse "255-byte name" test -e "$ROOT/sys/bus/mdev/devices/$(bytes 255 a)"
refuse "256-byte name" test -e "$ROOT/sys/bus/mdev/devices/$(bytes 256 a)"
refuse "truncate name" truncate -s 0 "$mtty/name"
# chmod is kept, as kernfs keeps it (tests/fs/test-fileops.sh), and
# changes nothing else.
chmod 666 "$mtty/create" || fail "chmod create refused"
[ "$(snapshot)" = "$before" ] || fail "chmod create: the tree changed"
chmod 200 "$mtty/create"
echo "hostile operations: $checked checks in all"

# Hardware files: refused before mounting, with the JSON path.
bad_hw() {
	local name=$1 want=$2 rc=0
	"$MDEVD" -f --hardware "$T/bad.json" --state "$T/st2" "$T/root2" \
		>/dev/null 2>"$T/bad.err" || rc=$?
	expect_eq "$name: exit status" "$rc" 1
	expect_eq "$name: message lines" "$(wc -l <"$T/bad.err")" 1
	grep -qF -- "$want" "$T/bad.err" || fail "$name: message '$(cat "$T/bad.err")' lacks '$want'"
	! mountpoint -q "$T/root2/sys" 2>/dev/null || fail "$name: mounted"
	echo "hardware $name: $(cat "$T/bad.err")"
}
mkdir -p "$T/st2" "$T/root2"
echo '{"parents":[{"name":"../x","driver":"mtty"}]}' >"$T/bad.json"
bad_hw "parent name .." "parents[0].name"
echo '{"parents":[{"name":"a/b","driver":"mtty"}]}' >"$T/bad.json"
bad_hw "parent name with /" "parents[0].name"
echo '{"parents":[{"name":7,"driver":"mtty"}]}' >"$T/bad.json"
bad_hw "non-string name" "parents[0].name"
echo '{"parents":[{"name":"j","driver":"json","types":[{"id":"j-1","device_api":["vfio-pci"]}]}]}' >"$T/bad.json"
bad_hw "non-string device_api" "parents[0].types[0].device_api"
echo '{"parents":[{"name":"j","driver":"json","types":[{"id":"j-1","device_api":"vfio-pci","device_attrs":{"../remove":{"mode":"rw"}}}]}]}' >"$T/bad.json"
bad_hw "device attr escaping the dir" "device_attrs"
{ bytes 100000 '['; bytes 100000 ']'; } >"$T/bad.json"
bad_hw "100000-deep nesting" "bad.json"
{ printf '{"parents":[{"name":"mtty","driver":"mtty","x":"'; bytes 67108864 a; printf '"}]}'; } >"$T/bad.json"
bad_hw "64 MiB file" "bad.json"

# A bad file on SIGHUP leaves the running tree alone.
cp "$T/bad.json" "$T/hw-reload.json"
stop_mdevd
echo '{"parents":[{"name":"mtty","driver":"mtty"},{"name":"0000:65:00.0","driver":"nvidia"}]}' >"$T/hw-reload.json"
start_mdevd --hardware "$T/hw-reload.json"
before=$(snapshot)
echo '{"parents":[{"name":"../x","driver":"mtty"}]}' >"$T/hw-reload.json"
kill -HUP "$MDEVD_PID"
sleep 0.5
kill -0 "$MDEVD_PID" || fail "mdevd died on a bad reload"
[ "$(snapshot)" = "$before" ] || fail "a bad reload changed the tree"
echo "bad file on SIGHUP: tree untouched"
stop_mdevd
echo "hostile-fs: ok"
