#!/bin/sh
# The mbochs framebuffer against guest RAM: one TCG guest with an
# mbochs-small device (served by mdevd, BUILD default build-rel) writes MB
# megabytes (default 64) into the framebuffer BAR, mapped through
# /sys/bus/pci/devices/X/resource0 (the bochs driver is not loaded), and
# into its own RAM; prints both speeds and the ratio (docs/vfio-user.md).
#
#   bench/vfio-user/fb-run.sh [BUILD] [MB]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build-rel}" && pwd)
mb=${2:-64}
kit=$top/tests/guest/kit.sh
if [ -z "${VFU_BENCH_NS:-}" ]; then
	export VFU_BENCH_NS=1
	exec unshare -m --propagation private "$0" "$build" "$mb"
fi
t=$(mktemp -d)
mdevd_pid=
cleanup() {
	[ -z "$mdevd_pid" ] || kill "$mdevd_pid" 2>/dev/null || true
	sleep 0.5
	umount -l "$t/root/sys" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT

cc -static -O2 -o "$t/fb-speed" "$top/bench/vfio-user/fb-speed.c"
cat >"$t/bench.sh" <<GUEST
d=\$(dirname "\$(grep -l 0x1111 /sys/bus/pci/devices/*/device | head -n 1)")
echo 1 >\$d/enable
fb-speed \$d/resource0 $mb
GUEST
KIT_FILES=$t/fb-speed "$kit" initramfs "$t/bench.sh" "$t/bench.img"
printf '{"parents": [{"driver": "mbochs"}]}\n' >"$t/hw.json"
"$build/src/fs/mdevd" -f --hardware "$t/hw.json" --state "$t/state" "$t/root" >"$t/mdevd.log" 2>&1 &
mdevd_pid=$!
u=7e57be9c-0000-4000-8000-0000000000fb
for _ in $(seq 1 100); do
	[ -d "$t/root/sys/class/mdev_bus/mbochs" ] && break
	sleep 0.05
done
echo $u >"$t/root/sys/class/mdev_bus/mbochs/mdev_supported_types/mbochs-small/create"
"$kit" run "$t/bench.img" "$t/root/run/mdevd/vfio-user/$u.sock" 2>&1 | grep "fb-speed\|error" || true
