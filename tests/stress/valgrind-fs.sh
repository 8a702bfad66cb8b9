#!/bin/bash
# mdevd under valgrind (memcheck, --leak-check=full) while the mounted tree
# is exercised: every file of the demo tree read, creates/removes on every
# driver, attribute writes, refused writes (EINVAL/EEXIST/ENOSPC), a SIGHUP
# reload that drops and re-adds a parent, kill -9 and a journal replay,
# then SIGTERM. Fails on any memcheck error or definite/indirect leak.
# MDEVD must be built without sanitizers (a plain build dir, e.g.
#   meson setup build-vg -Dtests=disabled && ninja -C build-vg src/fs/mdevd).
set -eu
: "${MDEVD:=$(cd "$(dirname "$0")/../.." && pwd)/build-vg/src/fs/mdevd}"
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
stress_setup
if ldd "$MDEVD" | grep -q 'libasan\|libubsan'; then
	fail "$MDEVD is built with sanitizers; valgrind needs a plain build"
fi
export MDEVD_START_SECONDS=60
vg_log=$T/valgrind.%p.log
export MDEVD_WRAPPER="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --error-exitcode=99 --log-file=$vg_log"

base='{"name":"0000:00:02.0","driver":"i915"},
 {"name":"0000:65:00.0","driver":"nvidia"},{"driver":"mtty"},
 {"driver":"vfio_ap"},{"name":"mbochs","driver":"mbochs"},
 {"name":"mdpy","driver":"mdpy"}'
j0='{"name":"j0","driver":"json","pools":{"s":2},"types":[{"id":"j-a",
  "device_api":"vfio-pci","cost":{"s":1},"class":"gpu","attrs":{
  "fb_length":"1G","resolution":"1x1","heads":"1"},
  "device_attrs":{"g/cfg":{"mode":"rw","default":"d"}}}]}'
echo "{\"parents\":[$base,$j0]}" >"$T/full.json"
echo "{\"parents\":[$base]}" >"$T/base.json"
cp "$T/full.json" "$T/hw.json"
start_mdevd --hardware "$T/hw.json"

# Read everything.
find "$ROOT/sys" -type f -perm -0400 -exec cat {} + >/dev/null 2>&1 || true
find "$ROOT/sys" -type l -exec readlink {} + >/dev/null

n=0
for t in "$ROOT"/sys/class/mdev_bus/*/mdev_supported_types/*; do
	n=$((n + 1))
	u=$(printf 'a1b2c3d4-0000-4000-8000-%012d' $n)
	printf '%s\n' "$u" >"$t/create" 2>/dev/null || continue
	for f in "$ROOT/sys/bus/mdev/devices/$u"/* "$ROOT/sys/bus/mdev/devices/$u"/*/*; do
		[ -f "$f" ] || continue
		cat "$f" >/dev/null 2>&1 || true
		[ "$(basename "$f")" = remove ] ||
			{ printf '0x1\n' >"$f"; } 2>/dev/null || true
	done
	printf '%s' "$u" >"$t/create" 2>/dev/null && fail "duplicate create accepted"
	printf 'junk' >"$t/create" 2>/dev/null && fail "junk create accepted"
	[ $((n % 2)) -eq 0 ] && echo 1 >"$ROOT/sys/bus/mdev/devices/$u/remove"
	{ printf 'x' >"$ROOT/sys/bus/mdev/devices/$u/remove"; } 2>/dev/null || true
done
echo "valgrind: created on $n types"
j=$(typedir j0 j-a)
for u in b0000000-0000-4000-8000-00000000000{1,2,3}; do
	echo $u >"$j/create" 2>/dev/null || true
done

# Reload without j0 (its devices go), then with it again.
cp "$T/base.json" "$T/hw.json"
kill -HUP "$MDEVD_PID"
sleep 3
[ ! -e "$ROOT/sys/class/mdev_bus/j0" ] || fail "reload did not drop j0"
cp "$T/full.json" "$T/hw.json"
kill -HUP "$MDEVD_PID"
sleep 3
[ -e "$ROOT/sys/class/mdev_bus/j0" ] || fail "reload did not re-add j0"

# Crash and replay, then a clean stop.
devices=$(ndevices)
kill9_mdevd
start_mdevd --hardware "$T/hw.json"
expect_eq "devices after replay" "$(ndevices)" "$devices"
remove_all
kill -TERM "$MDEVD_PID"
rc=0
wait "$MDEVD_PID" || rc=$?
MDEVD_PID=
bad=0
[ $rc -eq 0 ] || { echo "mdevd under valgrind exited $rc"; bad=1; }
for f in "$T"/valgrind.*.log; do
	if [ -s "$f" ]; then
		if grep -q "ERROR SUMMARY: [1-9]\|definitely lost\|indirectly lost\|Invalid\|uninitialised" "$f"; then
			cat "$f"
			bad=1
		fi
	fi
done
[ $bad -eq 0 ] || fail "valgrind reported errors"
echo "valgrind-fs: ok (no memcheck errors, no leaks; $devices devices replayed)"
