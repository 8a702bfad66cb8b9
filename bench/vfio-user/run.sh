#!/bin/sh
# A trapped register access through mdevd against the floor: one guest
# (TCG, tests/guest/kit.sh) has an mtty-1 device served by mdevd and a
# device served by bench/vfio-user/floor.c (the smallest server QEMU
# attaches); it runs the same loop (guest-io: N outb then N inb on BAR0's
# scratch register) on each in turn, ROUNDS times, so both see the same
# load. The guest's serial driver is unbound from the mtty device first:
# with INTx in use QEMU's side of each access costs more (measured: outb
# 47 against 12 µs), which is not the servers' difference. Prints the
# medians and the median of the rounds' ratios.
#
#   bench/vfio-user/run.sh [BUILD] [N] [ROUNDS]   build-rel, 10000, 5
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build-rel}" && pwd)
n=${2:-10000}
rounds=${3:-5}
kit=$top/tests/guest/kit.sh
if [ -z "${VFU_BENCH_NS:-}" ]; then
	export VFU_BENCH_NS=1
	exec unshare -m --propagation private "$0" "$build" "$n" "$rounds"
fi
t=$(mktemp -d)
mdevd_pid= floor_pid=
cleanup() {
	[ -z "$mdevd_pid" ] || kill "$mdevd_pid" 2>/dev/null || true
	[ -z "$floor_pid" ] || kill "$floor_pid" 2>/dev/null || true
	sleep 0.5
	umount -l "$t/root/sys" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT

cc -static -O2 -o "$t/guest-io" "$top/bench/vfio-user/guest-io.c"
cat >"$t/bench.sh" <<GUEST
port_of() {
	for d in /sys/bus/pci/devices/*; do
		[ "\$(cat \$d/vendor):\$(cat \$d/device)" = "\$1" ] || continue
		[ -e \$d/driver ] && echo \$(basename \$d) >\$d/driver/unbind
		echo 1 >\$d/enable
		echo \$((\$(cut -d' ' -f1 \$d/resource | head -n 1) + 7))
	done
}
mdevd=\$(port_of 0x4348:0x3253)
floor=\$(port_of 0x1234:0x0001)
for r in \$(seq 1 $rounds); do
	echo "mdevd \$(guest-io \$mdevd $n)"
	echo "floor \$(guest-io \$floor $n)"
done
GUEST
KIT_FILES=$t/guest-io "$kit" initramfs "$t/bench.sh" "$t/bench.img"

"$build/src/fs/mdevd" -f --state "$t/state" "$t/root" >"$t/mdevd.log" 2>&1 &
mdevd_pid=$!
u=7e57be9c-0000-4000-8000-000000000001
for _ in $(seq 1 100); do
	[ -d "$t/root/sys/class/mdev_bus/mtty" ] && break
	sleep 0.05
done
echo $u >"$t/root/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create"
"$build/bench/vfu-floor" "$t/floor.sock" &
floor_pid=$!
sleep 0.2

"$kit" run "$t/bench.img" "$t/root/run/mdevd/vfio-user/$u.sock" "$t/floor.sock" >"$t/guest.log" 2>&1
grep -q "^floor guest-io" "$t/guest.log" || { cat "$t/guest.log"; exit 1; }
echo "trapped access through vfio-user, TCG guest, $rounds rounds of $n each, µs per access:"
awk '
function median(a, k,   i, j, t) {
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
/guest-io outb_us=/ {
	split($0, f, /[= ]/)
	for (i = 1; i in f; i++) { if (f[i] == "outb_us") o = f[i + 1]; if (f[i] == "inb_us") v = f[i + 1] }
	if ($1 == "mdevd") { mo[++m] = o; mi[m] = v } else { fo[++k] = o; fi[k] = v; ro[k] = mo[k] / o; ri[k] = mi[k] / v }
}
END {
	printf "  mdevd (mtty-1): outb %.1f  inb %.1f\n", median(mo, m), median(mi, m)
	printf "  floor server:   outb %.1f  inb %.1f\n", median(fo, k), median(fi, k)
	printf "  ratio mdevd/floor (median of %d rounds): outb %.2fx  inb %.2fx\n", k, median(ro, k), median(ri, k)
}' "$t/guest.log"
