#!/bin/sh
# Many devices at once: 32 mtty-1 devices served by one mdevd, attached 8
# each to 4 QEMUs (TCG guests, tests/guest/kit.sh), against one device on
# one QEMU, all in the same run. Each guest runs guest-io (N outb then N
# inb on BAR0's scratch register) on each of its devices in turn, ROUNDS
# times, with the serial driver unbound (as run.sh does). Three phases:
#   single  one QEMU, one device                     (the reference)
#   one-VM  four QEMUs, 32 devices; one VM loops over its 8, three idle
#   all-VMs four QEMUs, 32 devices; all four loop at once
# and prints each phase's median per-access cost and its ratio to single.
# all-VMs runs four TCG vCPUs on this machine's cores: with fewer than four
# cores it measures the host's CPU sharing as much as mdevd (the ratio of
# one-VM is mdevd's with 32 devices attached).
#
#   bench/vfio-user/many-run.sh [BUILD] [N] [ROUNDS]   build-rel, 2000, 3
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build-rel}" && pwd)
n=${2:-2000}
rounds=${3:-3}
kit=$top/tests/guest/kit.sh
if [ -z "${VFU_BENCH_NS:-}" ]; then
	export VFU_BENCH_NS=1
	exec unshare -m --propagation private "$0" "$build" "$n" "$rounds"
fi
t=$(mktemp -d)
mdevd_pid= qemus=
cleanup() {
	for p in $qemus; do kill -KILL "$p" 2>/dev/null || true; done
	[ -z "$mdevd_pid" ] || kill "$mdevd_pid" 2>/dev/null || true
	sleep 0.5
	umount -l "$t/root/sys" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT

cc -static -O2 -o "$t/guest-io" "$top/bench/vfio-user/guest-io.c"
# active.sh: every mtty device, ROUNDS times; idle.sh: waits to be killed.
cat >"$t/active.sh" <<GUEST
ports=
for d in /sys/bus/pci/devices/*; do
	[ "\$(cat \$d/vendor):\$(cat \$d/device)" = 0x4348:0x3253 ] || continue
	[ -e \$d/driver ] && echo \$(basename \$d) >\$d/driver/unbind
	echo 1 >\$d/enable
	ports="\$ports \$((\$(cut -d' ' -f1 \$d/resource | head -n 1) + 7))"
done
echo "devices \$(echo \$ports | wc -w)"
for r in \$(seq 1 $rounds); do
	for p in \$ports; do echo "io \$(guest-io \$p $n)"; done
done
GUEST
printf 'echo idle\nsleep 600\n' >"$t/idle.sh"
KIT_FILES=$t/guest-io "$kit" initramfs "$t/active.sh" "$t/active.img"
"$kit" initramfs "$t/idle.sh" "$t/idle.img"

printf '{"parents": [{"driver": "mtty", "ports": 33}]}\n' >"$t/hw.json"
"$build/src/fs/mdevd" -f --hardware "$t/hw.json" --state "$t/state" \
	"$t/root" >"$t/mdevd.log" 2>&1 &
mdevd_pid=$!
for _ in $(seq 1 100); do
	[ -d "$t/root/sys/class/mdev_bus/mtty" ] && break
	sleep 0.05
done
socks=
for i in $(seq 0 32); do
	u=$(printf '7e57be9c-0000-4000-8000-%012d' "$i")
	echo "$u" >"$t/root/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create"
	socks="$socks $t/root/run/mdevd/vfio-user/$u.sock"
done
# sock I: the I-th socket (1-based); VM K (0-3) gets sockets 2+8K..9+8K.
sock() { echo $socks | cut -d' ' -f"$1"; }
vm_socks() { for i in $(seq $((2 + 8 * $1)) $((9 + 8 * $1))); do sock "$i"; done; }

# boot IMAGE LOG SOCKET...: a QEMU in the background, its pid in $!.
boot() {
	img=$1 log=$2
	shift 2
	"$kit" run "$img" "$@" >"$log" 2>&1 &
}
wait_log() { # LOG PATTERN: until the guest printed it (bounded)
	for _ in $(seq 1 6000); do
		grep -q "$2" "$1" && return 0
		sleep 0.1
	done
	cat "$1" >&2
	echo "many-run: $1: no '$2'" >&2
	exit 1
}

# single: one QEMU, one device (socket 1).
boot "$t/active.img" "$t/single.log" "$(sock 1)"
p=$!
wait_log "$t/single.log" "kit: test exit"
wait $p || true

# one-VM: three idle QEMUs hold 24 devices, VM 0 loops over its 8.
qemus=
for k in 1 2 3; do
	# shellcheck disable=SC2046
	boot "$t/idle.img" "$t/idle$k.log" $(vm_socks $k)
	qemus="$qemus $!"
done
for k in 1 2 3; do wait_log "$t/idle$k.log" "^idle"; done
# shellcheck disable=SC2046
boot "$t/active.img" "$t/onevm.log" $(vm_socks 0)
p=$!
wait_log "$t/onevm.log" "kit: test exit"
wait $p || true
for q in $qemus; do kill -KILL "$q" 2>/dev/null || true; wait "$q" 2>/dev/null || true; done
qemus=

# all-VMs: four QEMUs loop at once.
for k in 0 1 2 3; do
	# shellcheck disable=SC2046
	boot "$t/active.img" "$t/all$k.log" $(vm_socks $k)
	qemus="$qemus $!"
done
for k in 0 1 2 3; do wait_log "$t/all$k.log" "kit: test exit"; done
for q in $qemus; do wait "$q" 2>/dev/null || true; done
qemus=

grep -h "^devices" "$t/single.log" "$t/onevm.log" "$t/all0.log" | tr -d '\r' |
	tr '\n' ' ' | sed 's/^/# guests saw: /; s/$/\n/'
echo "trapped access with many devices attached (mtty-1, TCG, N=$n, $rounds rounds; µs per access, median over devices and rounds):"
awk -v ncpu="$(nproc)" '
function median(a, k,   i, j, t) {
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
FNR == 1 { ph = FILENAME ~ /single/ ? "single" : FILENAME ~ /onevm/ ? "onevm" : "all" }
/^io guest-io outb_us=/ {
	gsub(/\r/, "")
	split($0, f, /[= ]/)
	for (i = 1; i in f; i++) { if (f[i] == "outb_us") o = f[i + 1]; if (f[i] == "inb_us") v = f[i + 1] }
	k = ++cnt[ph]; out[ph, k] = o; in_[ph, k] = v
}
function show(ph, label,   k, a, b) {
	for (k = 1; k <= cnt[ph]; k++) { a[k] = out[ph, k]; b[k] = in_[ph, k] }
	mo[ph] = median(a, cnt[ph]); mi[ph] = median(b, cnt[ph])
	printf "  %-44s outb %6.1f  inb %6.1f", label, mo[ph], mi[ph]
	if (ph != "single")
		printf "   ratio to single: outb %.2fx  inb %.2fx", mo[ph] / mo["single"], mi[ph] / mi["single"]
	printf "  (%d runs)\n", cnt[ph]
}
END {
	show("single", "single: 1 QEMU, 1 device")
	show("onevm", "one-VM: 4 QEMUs, 32 devices, 1 VM looping")
	show("all", "all-VMs: 4 QEMUs, 32 devices, 4 VMs looping")
	if (ncpu < 4)
		printf "  (all-VMs: 4 TCG vCPUs on %d cores: bounded by the host CPU, not by mdevd)\n", ncpu
}' "$t/single.log" "$t/onevm.log" "$t/all0.log" "$t/all1.log" "$t/all2.log" "$t/all3.log"
