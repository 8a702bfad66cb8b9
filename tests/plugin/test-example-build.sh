#!/bin/bash
# The example driver builds from an installed tree (meson install) with
# nothing but pkg-config and its Makefile — no path into this checkout —
# and the result is a plugin mdevd loads.
set -eu
export FS_TESTS=$SOURCE_ROOT/tests/fs
. "$FS_TESTS/lib.sh"

command -v pkg-config >/dev/null || fail "pkg-config is not installed"
DEST=$T/dest
meson install -C "$BUILD_ROOT" --no-rebuild --quiet --destdir "$DEST" >"$T/install.log" 2>&1 ||
	fail "meson install: $(tail -3 "$T/install.log")"
pc=$(find "$DEST" -name libmdev.pc | head -n 1)
[ -n "$pc" ] || fail "no libmdev.pc installed"
example=$(find "$DEST" -path '*/examples/driver/Makefile' | head -n 1)
[ -n "$example" ] || fail "the example driver is not installed"
find "$DEST" -name mdev_driver.h | grep -q . || fail "mdev_driver.h is not installed"

# A copy of the installed example, built as a vendor would.
cp -r "$(dirname "$example")" "$T/build"
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$DEST
make -s -C "$T/build" CFLAGS="-O2 -Wall -Wextra -Werror" >"$T/make.log" 2>&1 ||
	fail "make: $(cat "$T/make.log")"
! grep -q "$SOURCE_ROOT" "$T/make.log" || fail "the build used the checkout"
readelf -d "$T/build/vdemo.so" | grep -q 'NEEDED.*\[libmdev.so.0\]' ||
	fail "vdemo.so does not link libmdev.so.0"
want=$(pkg-config --variable=driverdir libmdev)
case $want in
*/mdevkit/drivers) ;;
*) fail "driverdir variable: '$want'" ;;
esac
ok "example built against the installed libmdev.pc (driverdir $want)"

mkdir "$T/drivers"
cp "$T/build/vdemo.so" "$T/drivers/"
printf '{"parents": [{"driver": "vdemo"}]}\n' >"$T/hw.json"
start_mdevd --hardware "$T/hw.json" --driver-dir "$T/drivers"
expect "types of the installed example" "$(ls "$SYS/class/mdev_bus/vdemo0/mdev_supported_types" | tr '\n' ' ')" "vdemo-1 vdemo-2 "
stop_mdevd
ok "mdevd loads the example built out of tree"
