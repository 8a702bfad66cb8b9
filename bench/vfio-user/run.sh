#!/bin/sh
# A trapped register access through mdevd against the floor: one guest
# (TCG, tests/guest/kit.sh) has an mtty-1 device served by mdevd and a
# device served by bench/vfio-user/floor.c (the smallest server QEMU
# attaches); guest-io runs N outb then N inb on BAR0's scratch register of
# each, the two devices taking turns in blocks of BLOCK accesses (which
# goes first alternates), ROUNDS times. Each block's ratio compares two
# runs a few ms apart, so load from elsewhere on the host lands on both
# alike; prints each side's median, the median of the blocks' ratios and
# their spread (the middle half and the extremes). The guest's serial
# driver is unbound from the mtty device first: with INTx in use QEMU's
# side of each access costs more (measured: outb 47 against 12 µs), which
# is not the servers' difference. Before the guest, bench/vfio-user/rtt.c
# measures the two servers' round trips from a host client, without QEMU.
# Both servers run on the same CPU (taskset; PIN=0 lets them float).
#
#   bench/vfio-user/run.sh [BUILD] [N] [ROUNDS] [BLOCK]  build-rel 10000 3 100
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build-rel}" && pwd)
n=${2:-10000}
rounds=${3:-3}
block=${4:-100}
kit=$top/tests/guest/kit.sh
if [ -z "${VFU_BENCH_NS:-}" ]; then
	export VFU_BENCH_NS=1
	exec unshare -m --propagation private "$0" "$build" "$n" "$rounds" "$block"
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

# Both servers on the same CPU (the last one): otherwise where the
# scheduler happens to place each decides a run (one run's floor took 60
# µs an access, mdevd's 13, all through; another the other way round).
pin="taskset -c $(($(nproc) - 1))"
[ "${PIN:-1}" = 1 ] || pin=
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
echo "ports mdevd=\$mdevd floor=\$floor"
for r in \$(seq 1 $rounds); do
	guest-io $n $block \$mdevd \$floor | sed "s/^io /io round=\$r /"
done
GUEST
KIT_FILES=$t/guest-io "$kit" initramfs "$t/bench.sh" "$t/bench.img"

$pin "$build/src/fs/mdevd" -f --state "$t/state" "$t/root" >"$t/mdevd.log" 2>&1 &
mdevd_pid=$!
u=7e57be9c-0000-4000-8000-000000000001
for _ in $(seq 1 100); do
	[ -d "$t/root/sys/class/mdev_bus/mtty" ] && break
	sleep 0.05
done
echo $u >"$t/root/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create"
$pin "$build/bench/vfu-floor" "$t/floor.sock" &
floor_pid=$!
sleep 0.2
# The servers alone first (a host client; it leaves before QEMU comes).
rtt=$("$build/bench/vfu-rtt" 20000 500 \
	"$t/root/run/mdevd/vfio-user/$u.sock" "$t/floor.sock")
echo "mdevd (A) vs floor (B), $rtt"

"$kit" run "$t/bench.img" "$t/root/run/mdevd/vfio-user/$u.sock" "$t/floor.sock" >"$t/guest.log" 2>&1
grep -q "^io round=$rounds " "$t/guest.log" || { cat "$t/guest.log"; exit 1; }
[ -z "${VFU_BENCH_RAW:-}" ] || grep "^io round=\|^ports" "$t/guest.log"
echo "trapped access through vfio-user, TCG guest, $rounds rounds of $n each in blocks of $block, µs per access:"
awk '
function sort(a, k,   i, j, t) {
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
}
function median(a, k) {
	sort(a, k)
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
# the median, the middle half and the extremes of the rounds ratios
function spread(a, k) {
	sort(a, k)
	return sprintf("%.2fx (middle half %.2f-%.2f, all %.2f-%.2f)", median(a, k),
		a[int((k + 3) / 4)], a[k + 1 - int((k + 3) / 4)], a[1], a[k])
}
{ sub(/\r$/, "") }
function val(key,   i) {
	for (i = 1; i <= NF; i++) if (index($i, key "=") == 1) return substr($i, length(key) + 2)
}
/^ports / { mport = val("mdevd"); fport = val("floor") }
/^io round=/ {
	key = val("round") " " val("block"); p = val("port")
	if (p == mport) { mo[key] = val("outb_us"); mi[key] = val("inb_us"); am[++m] = mo[key]; bm[m] = mi[key] }
	if (p == fport) { fo[key] = val("outb_us"); fi[key] = val("inb_us"); af[++k] = fo[key]; bf[k] = fi[key] }
}
END {
	for (key in mo) if (key in fo) { ro[++r] = mo[key] / fo[key]; ri[r] = mi[key] / fi[key] }
	printf "  mdevd (mtty-1): outb %.1f  inb %.1f (medians of %d blocks)\n", median(am, m), median(bm, m), m
	printf "  floor server:   outb %.1f  inb %.1f\n", median(af, k), median(bf, k)
	printf "  ratio mdevd/floor, outb: %s\n", spread(ro, r)
	printf "  ratio mdevd/floor, inb:  %s\n", spread(ri, r)
}' "$t/guest.log"
